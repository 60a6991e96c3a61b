/// Separates the new text of a message from the replies it quotes and from its signature.
///
/// Everything from the first reply header on is quoted: an attribution line ("On … wrote:",
/// also wrapped over two lines), Outlook's "-----Original Message-----", an Outlook header
/// block ("From: … / Sent: … / To: …" after an underscore rule or on its own), and forwarded
/// message markers. Before that, lines starting with `>` are quoted too (inline replies). The
/// signature starts at the standard `-- ` separator (or a bare `--`, which mailers often
/// strip to) or at a mobile "Sent from my …" line.
package enum QuoteSplitter {
  /// The three pieces, each with surrounding blank lines trimmed.
  package struct Pieces: Sendable, Hashable {
    package var newText: String
    package var quotedText: String
    package var signature: String
  }

  package static func split(_ text: String) -> Pieces {
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> Substring in
      line.hasSuffix("\r") ? line.dropLast() : line
    }
    let cut = replyHeaderIndex(lines) ?? lines.count
    var newLines: [Substring] = []
    var quoted: [Substring] = []
    var signature: [Substring] = []
    var inSignature = false
    for index in 0..<cut {
      let line = lines[index]
      if !inSignature && isSignatureStart(line) { inSignature = true }
      if line.first == ">" {
        quoted.append(line)
      } else if inSignature {
        signature.append(line)
      } else {
        newLines.append(line)
      }
    }
    if cut < lines.count { quoted.append(contentsOf: lines[cut...]) }
    return Pieces(newText: joinTrimmed(newLines), quotedText: joinTrimmed(quoted), signature: joinTrimmed(signature))
  }

  private static func joinTrimmed(_ lines: [Substring]) -> String {
    var lo = 0
    var hi = lines.count
    while lo < hi, lines[lo].allSatisfy(\.isWhitespace) { lo += 1 }
    while hi > lo, lines[hi - 1].allSatisfy(\.isWhitespace) { hi -= 1 }
    return lines[lo..<hi].joined(separator: "\n")
  }

  static func isSignatureStart(_ line: Substring) -> Bool {
    if line == "-- " || line == "--" || line == "-- \r" { return true }
    let trimmed = line.trimmingSpacesSubstring
    let lower = trimmed.lowercased()
    return lower.hasPrefix("sent from my ") || lower.hasPrefix("get outlook for ") || lower == "sent from mail for windows"
  }

  /// Index of the first line that starts quoted history.
  static func replyHeaderIndex(_ lines: [Substring]) -> Int? {
    for (index, rawLine) in lines.enumerated() {
      let line = rawLine.trimmingSpacesSubstring
      if line.isEmpty || line.first == ">" { continue }
      let lower = line.lowercased()
      if lower.hasPrefix("-----") && (lower.contains("original message") || lower.contains("forwarded message")) {
        return index
      }
      if lower.hasPrefix("---------- forwarded message") || lower == "begin forwarded message:" {
        return index
      }
      if lower.hasPrefix("on ") {
        if lower.hasSuffix("wrote:") || lower.hasSuffix("writes:") { return index }
        // Gmail and Apple Mail wrap a long attribution over two lines.
        if index + 1 < lines.count {
          let next = lines[index + 1].trimmingSpacesSubstring.lowercased()
          if (next.hasSuffix("wrote:") || next.hasSuffix("writes:")) && next.count < 120 { return index }
        }
      }
      if lower.hasSuffix(" wrote:") && lower.count < 160 && (lower.contains("@") || lower.contains(",")) {
        return index
      }
      if lower.hasPrefix("from:") && isOutlookHeaderBlock(lines, from: index) {
        // An underscore rule just above belongs to the block.
        if index > 0, lines[index - 1].trimmingSpacesSubstring.allSatisfy({ $0 == "_" }),
          !lines[index - 1].trimmingSpacesSubstring.isEmpty
        {
          return index - 1
        }
        return index
      }
    }
    return nil
  }

  /// `From:` followed within a few lines by `Sent:`/`Date:` and `To:`/`Subject:`.
  private static func isOutlookHeaderBlock(_ lines: [Substring], from start: Int) -> Bool {
    var sawDate = false
    var sawOther = false
    for line in lines[(start + 1)..<min(lines.count, start + 6)] {
      let lower = line.trimmingSpacesSubstring.lowercased()
      if lower.hasPrefix("sent:") || lower.hasPrefix("date:") { sawDate = true }
      if lower.hasPrefix("to:") || lower.hasPrefix("subject:") || lower.hasPrefix("cc:") { sawOther = true }
    }
    return sawDate && sawOther
  }
}

extension Substring {
  var trimmingSpacesSubstring: Substring {
    var result = self
    while let first = result.first, first.isWhitespace { result = result.dropFirst() }
    while let last = result.last, last.isWhitespace { result = result.dropLast() }
    return result
  }
}
