import BillableModel

/// A text/calendar part, decoded, kept for the analyzer's iCalendar reader.
package struct CalendarPart: Sendable, Hashable {
  package var path: String
  /// The Content-Type `method` parameter (`REQUEST`, `CANCEL`), uppercased, if present.
  package var method: String?
  package var text: String
}

/// The readable content of a message.
package struct MessageBody: Sendable {
  /// The best text body: the first text/plain that is not an attachment, else the first
  /// text/html converted to text, else the first other text leaf (the choice Python's
  /// `EmailMessage.get_body` makes), with format=flowed undone.
  package var text: String
  /// The content type the text came from (`text/plain`, `text/html`), `nil` with no body.
  package var sourceType: String?
  /// The part the text came from.
  package var sourcePath: String?
  /// The text split into new text, quoted replies and signature.
  package var pieces: QuoteSplitter.Pieces
  /// Calendar parts anywhere in the tree.
  package var calendars: [CalendarPart]
  /// Defects found while decoding (bad base64, a wrong charset, NUL bytes).
  package var defects: [Defect]
}

extension ParsedMessage {
  /// Decodes the body text, its quoted/new split and the calendar parts.
  package func body() -> MessageBody {
    var defects: [Defect] = []
    var chosen = bestBodyIndex(preferring: "plain") ?? bestBodyIndex(preferring: "html")
    if chosen == nil {
      chosen = parts.indices.first { index in
        let part = parts[index]
        return part.kind == .leaf && part.mediaType == "text" && !part.isAttachment && !part.bodyRange.isEmpty
      }
    }
    if chosen == nil {
      // A multipart whose boundary is missing or never appears was kept as one leaf, and a
      // message/partial fragment is raw message text: either is better than no text.
      chosen = parts.indices.first { index in
        let part = parts[index]
        let isFragment = part.mimeType == "message/partial"  // RFC 2046 5.2.2: a piece of a message
        return part.kind == .leaf && (part.mediaType == "multipart" || isFragment) && !part.bodyRange.isEmpty
      }
    }
    var text = ""
    var sourceType: String? = nil
    var sourcePath: String? = nil
    if let index = chosen {
      let part = parts[index]
      text = decodedText(of: index, defects: &defects)
      if part.mimeType == "text/html" || part.mimeType == "application/xhtml+xml" {
        text = HTMLText.text(fromHTML: text)
      }
      sourceType = part.mimeType
      sourcePath = part.path
    }
    var calendars: [CalendarPart] = []
    for index in parts.indices {
      let part = parts[index]
      guard part.kind == .leaf, part.mimeType == "text/calendar" || part.mimeType == "application/ics" else { continue }
      let calendarText = index == chosen ? text : decodedText(of: index, defects: &defects)
      calendars.append(CalendarPart(path: part.path, method: part.parameters["method"]?.uppercased(), text: calendarText))
    }
    return MessageBody(
      text: text, sourceType: sourceType, sourcePath: sourcePath, pieces: QuoteSplitter.split(text),
      calendars: calendars, defects: defects)
  }

  /// Python's `get_body` walk for one subtype: attachments are skipped, multiparts are entered
  /// (for multipart/related only its start part), message/rfc822 is not entered.
  private func bestBodyIndex(preferring subtype: String) -> Int? {
    guard !parts.isEmpty else { return nil }
    var stack = [0]
    while let index = stack.popLast() {
      let part = parts[index]
      if part.isAttachment { continue }
      if part.mediaType == "text" {
        // A zero-length part (two delimiters in a row) is no body.
        if part.mediaSubtype == subtype, part.kind == .leaf, !part.bodyRange.isEmpty { return index }
        continue
      }
      guard part.kind == .multipart else { continue }
      if part.mimeType == "multipart/related" {
        let start = part.parameters["start"].map { id in
          id.hasPrefix("<") && id.hasSuffix(">") ? String(id.dropFirst().dropLast()) : id
        }
        let candidate = part.children.first { start != nil && parts[$0].contentID == start } ?? part.children.first
        if let candidate { stack.append(candidate) }
      } else {
        stack.append(contentsOf: part.children.reversed())
      }
    }
    return nil
  }

  /// The part's body with its transfer encoding undone.
  package func decodedContent(of index: Int, defects: inout [Defect]) -> [UInt8] {
    let part = parts[index]
    let raw = bytes[part.bodyRange]
    switch part.transferEncoding {
    case .base64:
      let decoded = Base64Decoder.decode(raw)
      if decoded.invalid { defects.append(Defect(.invalidBase64, offset: part.bodyRange.lowerBound, partPath: part.path)) }
      return decoded.bytes
    case .quotedPrintable:
      let decoded = QuotedPrintable.decode(raw)
      if decoded.invalid {
        defects.append(Defect(.invalidQuotedPrintable, offset: part.bodyRange.lowerBound, partPath: part.path))
      }
      return decoded.bytes
    default:
      return Array(raw)
    }
  }

  /// Size of the decoded body in bytes (for message/rfc822 wrappers, `nil`).
  package func decodedSize(of index: Int) -> Int? {
    let part = parts[index]
    if part.kind != .leaf { return nil }
    switch part.transferEncoding {
    case .base64, .quotedPrintable:
      var ignored: [Defect] = []
      return decodedContent(of: index, defects: &ignored).count
    default:
      return part.bodyRange.count
    }
  }

  /// CRLF and lone CR become LF: text has one line ending whatever the file had.
  static func normalizingLineEndings(_ bytes: [UInt8]) -> [UInt8] {
    var out = [UInt8]()
    out.reserveCapacity(bytes.count)
    var index = 0
    while index < bytes.count {
      let byte = bytes[index]
      if byte == 0x0D {
        out.append(0x0A)
        if index + 1 < bytes.count, bytes[index + 1] == 0x0A { index += 1 }
      } else {
        out.append(byte)
      }
      index += 1
    }
    return out
  }

  /// The part's text: transfer decoding, charset (with the fallback), format=flowed.
  package func decodedText(of index: Int, defects: inout [Defect]) -> String {
    let part = parts[index]
    var content = decodedContent(of: index, defects: &defects)
    if content.count > options.maxDecodedBytes {
      defects.append(Defect(.decodedSizeLimit, offset: part.bodyRange.lowerBound, partPath: part.path, detail: "\(content.count) bytes"))
      content.removeSubrange(options.maxDecodedBytes...)
    }
    if content.contains(0) {
      defects.append(Defect(.nulByte, offset: part.bodyRange.lowerBound, partPath: part.path))
      content.removeAll { $0 == 0 }
    }
    let charset = part.parameters["charset"]
    if content.contains(0x0D), !(charset?.lowercased().hasPrefix("utf-16") ?? false),
      !(charset?.lowercased().hasPrefix("utf-32") ?? false)
    {
      content = Self.normalizingLineEndings(content)
    }
    let decoded = Charset.decode(content, charset: charset)
    if let kind = decoded.defect {
      defects.append(Defect(kind, offset: part.bodyRange.lowerBound, partPath: part.path, detail: charset ?? "none"))
    }
    var text = decoded.text
    if part.mimeType == "text/plain", part.parameters["format"]?.lowercased() == "flowed" {
      text = FormatFlowed.decode(text, deleteSpace: part.parameters["delsp"]?.lowercased() == "yes")
    }
    return text
  }
}
