import BillableModel

/// RFC 2047 encoded words: `=?charset?B?…?=` and `=?charset?Q?…?=` in unstructured text and
/// phrases.
///
/// Lenient in the ways real mail needs: whitespace between adjacent words is dropped; adjacent
/// words in one charset are joined as bytes before decoding, so a UTF-8 character split across
/// two words comes out whole; a malformed word stays as written and is recorded; raw 8-bit text
/// around words is read as UTF-8 (RFC 6532) with a windows-1252 fallback.
enum EncodedWord {
  /// Decodes a header value that may contain encoded words.
  static func decode(_ raw: [UInt8], maxWords: Int = 4096, onDefect: ((Defect.Kind, String) -> Void)? = nil) -> String {
    guard raw.count >= 8, raw.contains(0x3D) else { return HeaderText.decodeRaw(raw) }
    var out = ""
    var literal = [UInt8]()  // raw bytes since the last encoded word
    var literalIsWhitespace = true
    var pendingCharset: String? = nil  // the last word(s), not yet decoded
    var pendingBytes = [UInt8]()
    var words = 0
    var i = 0
    let count = raw.count
    var ends = TextEnds(raw: raw)

    func flushWord() {
      if let charset = pendingCharset {
        out += Charset.decode(pendingBytes, charset: charset).text
        pendingCharset = nil
        pendingBytes.removeAll(keepingCapacity: true)
      }
    }
    func flushLiteral() {
      if !literal.isEmpty {
        out += HeaderText.decodeRaw(literal)
        literal.removeAll(keepingCapacity: true)
      }
      literalIsWhitespace = true
    }

    while i < count {
      if raw[i] == 0x3D, i + 1 < count, raw[i + 1] == 0x3F, words < maxWords, let word = parseWord(raw, at: i, ends: &ends) {
        words += 1
        if pendingCharset != nil, literalIsWhitespace {
          // Only whitespace between two words: it is dropped (RFC 2047 section 6.2), and words
          // in one charset are joined as bytes so a character split between them survives.
          literal.removeAll(keepingCapacity: true)
          if pendingCharset != word.charset { flushWord() }
        } else {
          flushWord()
          flushLiteral()
        }
        if word.malformed { onDefect?(.malformedEncodedWord, word.charset) }
        pendingCharset = word.charset
        pendingBytes.append(contentsOf: word.bytes)
        i = word.end
        continue
      }
      let byte = raw[i]
      if byte != 0x20 && byte != 0x09 && byte != 0x0D && byte != 0x0A { literalIsWhitespace = false }
      if byte == 0x3D, i + 1 < count, raw[i + 1] == 0x3F, looksLikeBrokenWord(raw, at: i) {
        onDefect?(.malformedEncodedWord, "")
      }
      literal.append(byte)
      i += 1
    }
    flushWord()
    flushLiteral()
    return out
  }

  private struct Word {
    var charset: String
    var bytes: [UInt8]
    var end: Int
    var malformed: Bool
  }

  /// Where the encoded text that starts at a position ends: the next `?=`, or `nil` when a line
  /// break or the end of the value comes first.
  ///
  /// The answer is remembered, and `decode` asks with ever larger positions, so a value full of
  /// unterminated `=?x?q?` costs one pass rather than one pass per `=?` (quadratic in a hostile
  /// header of half a megabyte).
  private struct TextEnds {
    let raw: [UInt8]
    private var searchedFrom = Int.max
    private var stop = 0  // the first "?=", CR or LF at or after `searchedFrom` (raw.count: none)

    init(raw: [UInt8]) { self.raw = raw }

    mutating func terminator(from start: Int) -> Int? {
      if start < searchedFrom || start > stop {
        var j = start
        while j < raw.count, raw[j] != 0x0A, raw[j] != 0x0D, !(raw[j] == 0x3F && j + 1 < raw.count && raw[j + 1] == 0x3D) {
          j += 1
        }
        searchedFrom = start
        stop = j
      }
      return stop < raw.count && raw[stop] == 0x3F ? stop : nil
    }
  }

  /// Longer than any registered charset name (with an RFC 2231 language suffix); bounds the
  /// scan so a value of `=?` without any `?` after it is not read once per `=?`.
  private static let maxCharsetLength = 80

  /// Parses one encoded word at `start` (which holds `=?`).
  private static func parseWord(_ raw: [UInt8], at start: Int, ends: inout TextEnds) -> Word? {
    let count = raw.count
    var i = start + 2
    let charsetStart = i
    while i < count, raw[i] != 0x3F {
      let byte = raw[i]
      if byte <= 0x20 || byte >= 0x7F || byte == 0x3D && i == charsetStart { return nil }
      if i - charsetStart >= maxCharsetLength { return nil }
      i += 1
    }
    guard i < count, i > charsetStart, i + 2 < count, raw[i + 2] == 0x3F else { return nil }
    var charset = ByteScan.lowercasedString(raw[charsetStart..<i])
    if let star = charset.firstIndex(of: "*") { charset = String(charset[..<star]) }  // RFC 2231 language
    let encoding = ByteScan.lower(raw[i + 1])
    guard encoding == 0x62 || encoding == 0x71 else { return nil }
    let textStart = i + 3
    // Encoded text ends at "?="; no whitespace is allowed inside, but some mailers put spaces in
    // Q words, so accept them as long as the terminator comes before the next line break.
    guard textStart <= count, let j = ends.terminator(from: textStart) else { return nil }
    let text = raw[textStart..<j]
    var malformed = false
    let bytes: [UInt8]
    if encoding == 0x62 {
      var decoder = Base64Decoder()
      var out = [UInt8]()
      decoder.decode(text, into: &out)
      decoder.finish(into: &out)
      malformed = decoder.hadInvalidInput
      bytes = out
    } else {
      var out = [UInt8]()
      out.reserveCapacity(text.count)
      var k = text.startIndex
      while k < text.endIndex {
        let byte = text[k]
        if byte == 0x5F {
          out.append(0x20)
        } else if byte == 0x3D, k + 2 < text.endIndex, let high = hexValue(text[k + 1]), let low = hexValue(text[k + 2]) {
          out.append(high << 4 | low)
          k += 3
          continue
        } else {
          if byte == 0x3D || byte == 0x20 { malformed = true }
          out.append(byte)
        }
        k += 1
      }
      bytes = out
    }
    return Word(charset: charset, bytes: bytes, end: j + 2, malformed: malformed)
  }

  /// `=?` that starts something shaped like an encoded word but does not parse as one.
  private static func looksLikeBrokenWord(_ raw: [UInt8], at start: Int) -> Bool {
    var questionMarks = 0
    var i = start + 2
    while i < raw.count, i < start + 80, !ByteScan.isWhitespace(raw[i]) {
      if raw[i] == 0x3F { questionMarks += 1 }
      i += 1
    }
    return questionMarks >= 2
  }
}
