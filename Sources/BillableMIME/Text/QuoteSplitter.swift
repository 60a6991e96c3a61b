/// Separates the new text of a message from the replies it quotes and from its signature.
///
/// Everything from the first reply header on is quoted: an attribution line ("On … wrote:",
/// also wrapped over two lines), Outlook's "-----Original Message-----", an Outlook header
/// block ("From: … / Sent: … / To: …" after an underscore rule or on its own), and forwarded
/// message markers. Before that, lines starting with `>` are quoted too (inline replies). The
/// signature starts at the standard `-- ` separator (or a bare `--`, which mailers often
/// strip to) or at a mobile "Sent from my …" line.
///
/// It works on the text's UTF-8 bytes: every marker is ASCII, and splitting a long body into
/// `Character`s costs more than parsing the whole message.
package enum QuoteSplitter {
  /// The three pieces, each with surrounding blank lines trimmed.
  package struct Pieces: Sendable, Hashable {
    package var newText: String
    package var quotedText: String
    package var signature: String
  }

  package static func split(_ text: String) -> Pieces {
    let bytes = Array(text.utf8)
    var lines: [Range<Int>] = []
    var start = 0
    while start <= bytes.count {
      var end = start
      while end < bytes.count, bytes[end] != 0x0A { end += 1 }
      var contentEnd = end
      if contentEnd > start, bytes[contentEnd - 1] == 0x0D { contentEnd -= 1 }
      lines.append(start..<contentEnd)
      start = end + 1
    }
    let text = Lines(bytes: bytes, ranges: lines)
    let cut = text.replyHeaderIndex() ?? lines.count
    var newLines: [Int] = []
    var quoted: [Int] = []
    var signature: [Int] = []
    var inSignature = false
    for index in 0..<cut {
      if !inSignature && text.isSignatureStart(index) { inSignature = true }
      if text.first(index) == 0x3E {
        quoted.append(index)
      } else if inSignature {
        signature.append(index)
      } else {
        newLines.append(index)
      }
    }
    quoted.append(contentsOf: cut..<lines.count)
    return Pieces(newText: text.join(newLines), quotedText: text.join(quoted), signature: text.join(signature))
  }

  /// The lines of one text as byte ranges, with the ASCII tests the markers need.
  private struct Lines {
    let bytes: [UInt8]
    let ranges: [Range<Int>]

    func first(_ index: Int) -> UInt8? {
      let range = ranges[index]
      return range.isEmpty ? nil : bytes[range.lowerBound]
    }

    /// The line without surrounding ASCII whitespace.
    func trimmed(_ index: Int) -> Range<Int> {
      var lo = ranges[index].lowerBound
      var hi = ranges[index].upperBound
      while lo < hi, ByteScan.isWhitespace(bytes[lo]) { lo += 1 }
      while hi > lo, ByteScan.isWhitespace(bytes[hi - 1]) { hi -= 1 }
      return lo..<hi
    }

    func isBlank(_ index: Int) -> Bool { trimmed(index).isEmpty }

    /// Whether `literal` (lowercase ASCII) stands at `offset`, ignoring ASCII case.
    private func matches(_ literal: StaticString, at offset: Int) -> Bool {
      let p = literal.utf8Start
      for i in 0..<literal.utf8CodeUnitCount where ByteScan.lower(bytes[offset + i]) != p[i] { return false }
      return true
    }

    func hasPrefix(_ index: Int, _ literal: StaticString) -> Bool {
      let range = trimmed(index)
      return range.count >= literal.utf8CodeUnitCount && matches(literal, at: range.lowerBound)
    }

    func hasSuffix(_ index: Int, _ literal: StaticString) -> Bool {
      let range = trimmed(index)
      let count = literal.utf8CodeUnitCount
      return range.count >= count && matches(literal, at: range.upperBound - count)
    }

    func contains(_ index: Int, _ literal: StaticString) -> Bool {
      let range = trimmed(index)
      let count = literal.utf8CodeUnitCount
      guard range.count >= count else { return false }
      return (range.lowerBound...(range.upperBound - count)).contains { matches(literal, at: $0) }
    }

    func containsByte(_ index: Int, _ byte: UInt8) -> Bool {
      bytes[trimmed(index)].contains(byte)
    }

    func isSignatureStart(_ index: Int) -> Bool {
      let raw = ranges[index]
      let line = bytes[raw]
      if line.elementsEqual([0x2D, 0x2D, 0x20]) || line.elementsEqual([0x2D, 0x2D]) { return true }
      return hasPrefix(index, "sent from my ") || hasPrefix(index, "get outlook for ")
        || (hasPrefix(index, "sent from mail for windows") && trimmed(index).count == 26)
    }

    /// Index of the first line that starts quoted history.
    func replyHeaderIndex() -> Int? {
      for index in ranges.indices {
        if isBlank(index) || bytes[trimmed(index).lowerBound] == 0x3E { continue }
        if hasPrefix(index, "-----") && (contains(index, "original message") || contains(index, "forwarded message")) {
          return index
        }
        if hasPrefix(index, "---------- forwarded message") || hasPrefix(index, "begin forwarded message:") {
          return index
        }
        let wrote = hasSuffix(index, "wrote:") || hasSuffix(index, "writes:")
        if hasPrefix(index, "on ") {
          if wrote { return index }
          // Gmail and Apple Mail wrap a long attribution over two lines.
          if index + 1 < ranges.count, hasSuffix(index + 1, "wrote:") || hasSuffix(index + 1, "writes:"),
            trimmed(index + 1).count < 120
          {
            return index
          }
        }
        if wrote, hasSuffix(index, " wrote:"), trimmed(index).count < 160,
          containsByte(index, 0x40) || containsByte(index, 0x2C)
        {
          return index
        }
        if hasPrefix(index, "from:") && isOutlookHeaderBlock(index) {
          // An underscore rule just above belongs to the block.
          if index > 0, !isBlank(index - 1), bytes[trimmed(index - 1)].allSatisfy({ $0 == 0x5F }) {
            return index - 1
          }
          return index
        }
      }
      return nil
    }

    /// `From:` followed within a few lines by `Sent:`/`Date:` and `To:`/`Subject:`/`Cc:`.
    private func isOutlookHeaderBlock(_ start: Int) -> Bool {
      var sawDate = false
      var sawOther = false
      for index in (start + 1)..<min(ranges.count, start + 6) {
        if hasPrefix(index, "sent:") || hasPrefix(index, "date:") { sawDate = true }
        if hasPrefix(index, "to:") || hasPrefix(index, "subject:") || hasPrefix(index, "cc:") { sawOther = true }
      }
      return sawDate && sawOther
    }

    /// The lines joined with LF, leading and trailing blank lines dropped.
    func join(_ indices: [Int]) -> String {
      var lo = 0
      var hi = indices.count
      while lo < hi, isBlank(indices[lo]) { lo += 1 }
      while hi > lo, isBlank(indices[hi - 1]) { hi -= 1 }
      var out = [UInt8]()
      for position in lo..<hi {
        if position > lo { out.append(0x0A) }
        out.append(contentsOf: bytes[ranges[indices[position]]])
      }
      return String(decoding: out, as: UTF8.self)
    }
  }
}
