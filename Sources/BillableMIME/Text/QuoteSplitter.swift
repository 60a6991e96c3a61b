/// Separates the new text of a message from the replies it quotes and from its signature.
///
/// Everything from the first reply header on is quoted: an attribution line ("On … wrote:",
/// also wrapped over two lines, and its usual translations, or any line with an address that
/// ends in a colon before quoted lines), Outlook's "-----Original Message-----", an Outlook
/// header block ("From: … / Sent: … / To: …" in a dozen languages, after an underscore rule
/// or on its own), and forwarded message markers. Before that, lines starting with `>` are quoted too (inline replies). The
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
    let history = text.quotedHistory()
    let cut = history.cut ?? lines.count
    var newLines: [Int] = []
    var quoted: [Int] = []
    var signature: [Int] = []
    var inSignature = false
    for index in 0..<cut {
      if !inSignature && text.isSignatureStart(index) { inSignature = true }
      if text.first(index) == 0x3E || (!history.attributions.isEmpty && history.attributions.contains(index)) {
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

    /// Where quoted history starts. An attribution ("On … wrote:") whose next line is quoted
    /// with `>` introduces only the `>` lines: the reply may go on below them, interleaved, so
    /// just its own lines are quoted (`attributions`). Otherwise — an attribution over
    /// unprefixed text, an Outlook header block, a forwarded-message marker — everything from
    /// `cut` on is quoted.
    func quotedHistory() -> (cut: Int?, attributions: Set<Int>) {
      var attributions: Set<Int> = []
      var index = 0
      while index < ranges.count {
        defer { index += 1 }
        if isBlank(index) || bytes[trimmed(index).lowerBound] == 0x3E { continue }
        if hasPrefix(index, "-----") && (contains(index, "original message") || contains(index, "forwarded message")) {
          return (index, attributions)
        }
        if hasPrefix(index, "---------- forwarded message") || hasPrefix(index, "begin forwarded message:") {
          return (index, attributions)
        }
        if let length = attributionLength(index) {
          guard nextLineIsQuoted(index + length - 1) else { return (index, attributions) }
          attributions.formUnion(index..<(index + length))
          index += length - 1
          continue
        }
        if hasColonEarly(index) && startsWithAny(index, Self.fromLabels) && isOutlookHeaderBlock(index) {
          // An underscore rule just above belongs to the block.
          if index > 0, !isBlank(index - 1), bytes[trimmed(index - 1)].allSatisfy({ $0 == 0x5F }) {
            return (index - 1, attributions)
          }
          return (index, attributions)
        }
      }
      return (nil, attributions)
    }

    /// How many lines (1 or 2) the attribution starting at `index` takes, if one does.
    private func attributionLength(_ index: Int) -> Int? {
      // Every attribution ends in a colon, on its line or the next: most lines stop here.
      let endsWithColon = lastByte(index) == 0x3A
      let nextEndsWithColon = index + 1 < ranges.count && lastByte(index + 1) == 0x3A
      guard endsWithColon || nextEndsWithColon else { return nil }
      let wrote = endsWithColon && endsAttribution(index)
      let wrapped = nextEndsWithColon && endsAttribution(index + 1)
      if hasPrefix(index, "on ") {
        if wrote { return 1 }
        // Gmail and Apple Mail wrap a long attribution over two lines.
        if wrapped, trimmed(index + 1).count < 120 { return 2 }
      }
      let mentions = containsByte(index, 0x40) || containsByte(index, 0x2C)
      if wrote, trimmed(index).count < 200, mentions { return 1 }
      // "Le lun. 3 mars 2025 à 09:00, Jo <jo@x.example> a" / "écrit :", wrapped.
      if mentions, wrapped, trimmed(index + 1).count < 60, trimmed(index).count < 200 { return 2 }
      // Any language: "Am 03.03.2025 um 09:00 schrieb Jo <jo@x.example>:", "2025年3月3日(月)
      // 9:00 Jo <jo@x.example>:", an address and a colon, then the quoted lines.
      if hasSuffix(index, ":"), containsByte(index, 0x40), trimmed(index).count < 200, nextLineIsQuoted(index) { return 1 }
      return nil
    }

    /// `From:` followed within a few lines by `Sent:`/`Date:` and `To:`/`Subject:`/`Cc:`, in
    /// the languages Outlook writes them in.
    private func isOutlookHeaderBlock(_ start: Int) -> Bool {
      var sawDate = false
      var sawOther = false
      for index in (start + 1)..<min(ranges.count, start + 6) {
        if startsWithAny(index, Self.dateLabels) { sawDate = true }
        if startsWithAny(index, Self.otherLabels) { sawOther = true }
      }
      return sawDate && sawOther
    }

    // Outlook's header labels: English, German, French, Spanish, Italian, Dutch, Portuguese,
    // Swedish, Danish/Norwegian, Japanese, Chinese.
    static let fromLabels: [StaticString] = [
      "from:", "von:", "de:", "de :", "da:", "van:", "från:", "fra:", "差出人:", "发件人:", "寄件者:",
    ]
    static let dateLabels: [StaticString] = [
      "sent:", "date:", "gesendet:", "datum:", "envoyé :", "envoyé:", "date :", "enviado:", "fecha:", "inviato:", "data:",
      "verzonden:", "enviada em:", "enviado em:", "enviado el:", "enviada:", "skickat:", "sendt:", "送信日時:", "发送时间:", "寄件日期:",
    ]
    static let otherLabels: [StaticString] = [
      "to:", "subject:", "cc:", "an:", "betreff:", "à :", "à:", "objet :", "objet:", "para:", "asunto:", "a:", "oggetto:",
      "aan:", "onderwerp:", "assunto:", "till:", "ämne:", "til:", "emne:", "宛先:", "件名:", "收件人:", "主题:", "收件者:", "主旨:",
    ]
    /// How attribution lines end: "wrote:", "a écrit :", "schrieb:", "escribió:", ….
    static let attributionEnds: [StaticString] = [
      "wrote:", "writes:", "a écrit :", "a écrit:", "écrit :", "schrieb:", "escribió:", "ha scritto:", "escreveu:",
      "schreef:", "skrev:", "kirjoitti:", "napisał:", "пишет:", "написал:", "書きました:",
    ]

    func endsAttribution(_ index: Int) -> Bool { Self.attributionEnds.contains { hasSuffix(index, $0) } }

    func lastByte(_ index: Int) -> UInt8? {
      let range = trimmed(index)
      return range.isEmpty ? nil : bytes[range.upperBound - 1]
    }

    /// A colon among the first 16 bytes, where every header label's is.
    func hasColonEarly(_ index: Int) -> Bool {
      let range = trimmed(index)
      return bytes[range.lowerBound..<min(range.upperBound, range.lowerBound + 16)].contains(0x3A)
    }

    func startsWithAny(_ index: Int, _ labels: [StaticString]) -> Bool { labels.contains { hasPrefix(index, $0) } }

    /// Whether the first non-blank line after `index` is quoted with `>`.
    func nextLineIsQuoted(_ index: Int) -> Bool {
      var next = index + 1
      while next < ranges.count, isBlank(next) { next += 1 }
      return next < ranges.count && bytes[trimmed(next).lowerBound] == 0x3E
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
