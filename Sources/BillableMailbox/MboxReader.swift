import BillableModel
import Glibc

/// Splits an mbox stream into messages, one at a time, in bounded memory.
///
/// Variants, and how each is handled without being told which one the file is:
/// - A separator is a line that starts with `From `, followed by a sender word and a date with a
///   time of day (`From jo@x.example Mon Mar  3 10:00:00 2025`, Gmail's `From 1789…@xxx …`).
///   Requiring the time keeps an unquoted body line such as "From here on, we …" from splitting
///   a message, which mboxo files are full of.
/// - mboxrd: a body line `>From `, `>>From `, … loses one `>` (mboxo writers quote the same way,
///   so this also restores mboxo bodies, except the rare original `>From ` line).
/// - mboxcl/mboxcl2: when a header block has `Content-Length:` and exactly that many body bytes
///   are followed by a separator (or the end of the file), the length frames the message and
///   nothing inside it is a separator or un-quoted.
/// - CRLF files, a UTF-8 BOM before the first separator, and a last message without a final
///   line break.
package final class MboxReader {
  private var source: any ByteSource
  private let path: String
  private let format: SourceRef.Format
  private var buffer: UnsafeMutablePointer<UInt8>
  private var capacity: Int
  private var start = 0  // first unconsumed byte in buffer
  private var filled = 0  // bytes valid in buffer
  private var fileOffset: Int64 = 0  // file offset of buffer[0]
  private var atEOF = false
  /// The source's failure, thrown once the messages read before it are returned.
  private var readError: (any Error)?
  private var index = 0
  private var begun = false
  private static let chunk = 256 << 10
  /// Content-Length framing is only trusted up to this size, so a lying header cannot make the
  /// reader hold a huge buffer.
  private static let maxFramedLength = RawMessage.maxLength
  /// A line longer than this is cut into pieces this long when looking for separators, so
  /// that bytes with no line break (a binary file, /dev/zero) never grow the buffer further.
  private static let longestLine = 4 * chunk

  init(source: any ByteSource, path: String, format: SourceRef.Format = .mbox) {
    self.source = source
    self.path = path
    self.format = format
    self.capacity = 4 * Self.chunk
    self.buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
  }

  deinit {
    buffer.deallocate()
  }

  /// Reads an mbox held in memory.
  package convenience init(bytes: [UInt8], path: String = "-") {
    self.init(source: MemorySource(bytes), path: path)
  }

  /// Opens an mbox file.
  package convenience init(path: String) throws {
    self.init(source: try FileSource(path: path), path: path)
  }

  /// Ensures `count` bytes from `start` are in the buffer if the stream has them; compacts and
  /// grows as needed. Returns how many are available.
  @discardableResult
  private func fill(_ count: Int) -> Int {
    while filled - start < count && !atEOF {
      if start > 0 && (filled == capacity || capacity - filled < Self.chunk) {
        memmove(buffer, buffer + start, filled - start)
        fileOffset += Int64(start)
        filled -= start
        start = 0
      }
      if capacity - filled < Self.chunk {
        let newCapacity = max(capacity * 2, filled + Self.chunk)
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        grown.update(from: buffer, count: filled)
        buffer.deallocate()
        buffer = grown
        capacity = newCapacity
      }
      // A read error mid-stream (corrupt gzip) ends the stream here: the messages already
      // buffered are still returned, and the error after them.
      let n: Int
      do {
        n = try source.read(into: buffer + filled, count: capacity - filled)
      } catch {
        readError = error
        n = 0
      }
      if n == 0 { atEOF = true } else { filled += n }
    }
    return filled - start
  }

  /// Offset of the next LF at or after `from` (relative to `start`), reading more as needed;
  /// `nil` at the end of the stream.
  private func lineEnd(from relative: Int) -> Int? {
    var searched = relative
    while true {
      let available = filled - start
      if searched < available,
        let hit = memchr(buffer + start + searched, 0x0A, available - searched)
      {
        return (buffer + start).distance(to: hit.assumingMemoryBound(to: UInt8.self))
      }
      searched = max(searched, available)
      if searched - relative >= Self.longestLine { return relative + Self.longestLine - 1 }
      if atEOF { return nil }
      fill(available + Self.chunk)
    }
  }

  /// The next message, or `nil` at the end.
  package func next() throws -> RawMessage? {
    guard let message = nextMessage() else {
      if let error = readError {
        readError = nil
        throw error
      }
      return nil
    }
    return message
  }

  private func nextMessage() -> RawMessage? {
    if !begun {
      begun = true
      fill(8)
      if filled - start >= 3, buffer[start] == 0xEF, buffer[start + 1] == 0xBB, buffer[start + 2] == 0xBF { start += 3 }
    }
    // Skip to the first separator (blank lines or junk before it become part of no message,
    // unless there is no separator at all: then the whole stream is one message).
    var messageStartsAtSeparator = false
    while fill(1) > 0 {
      guard let end = lineEnd(from: 0) else {
        if isSeparator(0, filled - start) { start = filled; return nil }
        break
      }
      if isSeparator(0, end) {
        start += end + 1
        messageStartsAtSeparator = true
        break
      }
      if lineIsBlank(0, end) {
        start += end + 1
        continue
      }
      break
    }
    if filled - start == 0 && !messageStartsAtSeparator { return nil }

    let messageOffset = fileOffset + Int64(start)
    if let framed = framedByContentLength() {
      defer { index += 1 }
      return RawMessage(
        bytes: framed, source: SourceRef(path: path, format: format, index: index, byteOffset: messageOffset))
    }

    var message = [UInt8]()
    var cursor = 0  // relative to start
    var runStart = 0
    var tooLarge = false
    func takeRun(upTo end: Int) {
      let count = min(end - runStart, RawMessage.maxLength - message.count)
      if count < end - runStart { tooLarge = true }
      if count > 0 { message.append(contentsOf: UnsafeBufferPointer(start: buffer + start + runStart, count: count)) }
    }
    while true {
      guard let end = lineEnd(from: cursor) else {
        // Last line, without a final line break.
        takeRun(upTo: filled - start)
        start = filled
        break
      }
      if cursor > 0 || message.count > 0, isSeparator(cursor, end) {
        takeRun(upTo: cursor)
        start += cursor
        break
      }
      if buffer[start + cursor] == 0x3E, isQuotedFrom(cursor, end) {
        takeRun(upTo: cursor)
        runStart = cursor + 1  // drop one ">"
      }
      cursor = end + 1
      // Keep the buffer bounded: move the finished run out before it grows past a few chunks.
      if cursor > 2 * Self.chunk {
        takeRun(upTo: cursor)
        start += cursor
        cursor = 0
        runStart = 0
      }
    }
    // The blank line before a separator belongs to the mbox, not the message.
    if message.count >= 2, message[message.count - 1] == 0x0A {
      if message[message.count - 2] == 0x0A {
        message.removeLast()
      } else if message.count >= 4, message[message.count - 2] == 0x0D, message[message.count - 3] == 0x0A {
        message.removeLast(2)
      }
    }
    defer { index += 1 }
    var raw = RawMessage(bytes: message, source: SourceRef(path: path, format: format, index: index, byteOffset: messageOffset))
    if tooLarge {
      raw.defects.append(Defect(.messageTooLarge, offset: Int(messageOffset), detail: "kept the first \(RawMessage.maxLength >> 20) MB"))
    }
    return raw
  }

  private func lineIsBlank(_ from: Int, _ end: Int) -> Bool {
    end == from || (end == from + 1 && buffer[start + from] == 0x0D)
  }

  /// `From ` + an envelope: `From sender@host date` (classic, with a time of day), `From -`
  /// (Netscape, Thunderbird) or `From 1789…@xxx` (Gmail Takeout, no date). A body line such as
  /// "From here on, we proceed" or "From jo@x.example I got this" has none of these shapes.
  private func isSeparator(_ from: Int, _ end: Int) -> Bool {
    let p = buffer + start
    guard end - from >= 6, p[from] == 0x46, p[from + 1] == 0x72, p[from + 2] == 0x6F, p[from + 3] == 0x6D,
      p[from + 4] == 0x20
    else { return false }
    var i = from + 5
    while i < end, p[i] == 0x20 { i += 1 }
    let senderStart = i
    var senderHasAt = false
    while i < end, p[i] != 0x20, p[i] != 0x09, p[i] != 0x0D {
      if p[i] == 0x40 { senderHasAt = true }
      i += 1
    }
    guard i > senderStart else { return false }
    if i == senderStart + 1 && p[senderStart] == 0x2D { return true }  // "From -"
    var restHasDigit = false
    var restIsEmpty = true
    var j = i
    while j < end {
      let byte = p[j]
      if byte != 0x20 && byte != 0x09 && byte != 0x0D { restIsEmpty = false }
      if isDigit(byte) {
        restHasDigit = true
        // A time of day hh:mm.
        if j + 2 < end, p[j + 1] == 0x3A, isDigit(p[j + 2]) { return true }
      }
      j += 1
    }
    return senderHasAt && (restIsEmpty || restHasDigit)
  }

  private func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

  /// `>From `, `>>From `, … (mboxrd quoting).
  private func isQuotedFrom(_ from: Int, _ end: Int) -> Bool {
    let p = buffer + start
    var i = from
    while i < end, p[i] == 0x3E { i += 1 }
    return i > from && end - i >= 5 && p[i] == 0x46 && p[i + 1] == 0x72 && p[i + 2] == 0x6F && p[i + 3] == 0x6D
      && p[i + 4] == 0x20
  }

  /// The message bytes when its header block has a Content-Length that lands exactly on the
  /// next separator or the end of the stream (mboxcl2); otherwise `nil`, and nothing consumed.
  private func framedByContentLength() -> [UInt8]? {
    var cursor = 0
    var length: Int? = nil
    var headerEnd: Int? = nil
    while let end = lineEnd(from: cursor) {
      if lineIsBlank(cursor, end) {
        headerEnd = end + 1
        break
      }
      if length == nil, end - cursor > 15, hasPrefixCaseInsensitive(cursor, "content-length:") {
        var i = cursor + 15
        while i < end, buffer[start + i] == 0x20 || buffer[start + i] == 0x09 { i += 1 }
        var value = 0
        var digits = 0
        while i < end, isDigit(buffer[start + i]), digits < 12 {
          value = value * 10 + Int(buffer[start + i] - 0x30)
          digits += 1
          i += 1
        }
        if digits > 0 { length = value }
      }
      cursor = end + 1
      if cursor > 1 << 20 { return nil }  // no header block is this long
    }
    guard let length, let headerEnd, length <= Self.maxFramedLength else { return nil }
    let bodyEnd = headerEnd + length
    let available = fill(bodyEnd + 1 + 256)
    guard available >= bodyEnd else { return nil }
    // What follows must be the end, or optional blank lines and then a separator.
    var next = bodyEnd
    while next < available, buffer[start + next] == 0x0A || buffer[start + next] == 0x0D { next += 1 }
    if next < available {
      guard let end = lineEnd(from: next), isSeparator(next, end) else { return nil }
    } else if !atEOF {
      return nil
    }
    let bytes = Array(UnsafeBufferPointer(start: buffer + start, count: bodyEnd))
    start += next
    return bytes
  }

  private func hasPrefixCaseInsensitive(_ from: Int, _ literal: StaticString) -> Bool {
    let p = literal.utf8Start
    for i in 0..<literal.utf8CodeUnitCount {
      var byte = buffer[start + from + i]
      if byte >= 0x41 && byte <= 0x5A { byte |= 0x20 }
      if byte != p[i] { return false }
    }
    return true
  }
}
