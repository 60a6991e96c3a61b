import BillableMIME
import BillableModel
import Foundation

/// A readable, deterministic rendering of what the parser saw, for golden files: headers of
/// interest, the MIME tree (GMime-style, indented per level), the body text and its split,
/// and the defects. `withOffsets: false` leaves byte offsets out, so the LF and CRLF
/// versions of one fixture render the same.
enum TreeRenderer {
  static func render(_ message: ParsedMessage, withOffsets: Bool = true) -> String {
    var lines: [String] = []
    let body = message.body()
    func addresses(_ list: [Address]) -> String {
      list.map { $0.name.isEmpty ? "<\($0.address)>" : "\"\($0.name)\" <\($0.address)>" }.joined(separator: ", ")
    }
    lines.append("message-id: \(message.messageID ?? "-")")
    lines.append("date: \(message.date.map { "\($0.isoWithOffset) (utc \($0.isoUTC))" } ?? "-")")
    lines.append("from: \(addresses(message.from))")
    lines.append("to: \(addresses(message.to))")
    if !message.cc.isEmpty { lines.append("cc: \(addresses(message.cc))") }
    if !message.bcc.isEmpty { lines.append("bcc: \(addresses(message.bcc))") }
    if !message.replyTo.isEmpty { lines.append("reply-to: \(addresses(message.replyTo))") }
    if !message.sender.isEmpty { lines.append("sender: \(addresses(message.sender))") }
    lines.append("subject: \(message.subject ?? "-")")
    if !message.inReplyTo.isEmpty { lines.append("in-reply-to: \(message.inReplyTo.joined(separator: " "))") }
    if !message.references.isEmpty { lines.append("references: \(message.references.joined(separator: " "))") }
    for (name, value) in [
      ("list-id", message.listID), ("list-unsubscribe", message.listUnsubscribe), ("precedence", message.precedence),
      ("auto-submitted", message.autoSubmitted),
    ] {
      if let value { lines.append("\(name): \(value)") }
    }
    lines.append("tree:")
    for index in message.parts.indices {
      let part = message.parts[index]
      var line = String(repeating: "  ", count: part.depth + 1) + part.mimeType
      line += " [\(part.path.isEmpty ? "root" : part.path)]"
      if let charset = part.charset { line += " charset=\(charset)" }
      if part.transferEncoding != .sevenBit { line += " cte=\(part.transferEncoding.rawValue)" }
      if let disposition = part.disposition { line += " disposition=\(disposition)" }
      if let filename = part.filename { line += " filename=\"\(filename)\"" }
      if part.kind == .leaf, let size = message.decodedSize(of: index), withOffsets { line += " size=\(size)" }
      lines.append(line)
    }
    lines.append("text-from: \(body.sourceType ?? "-") [\(body.sourcePath ?? "-")]")
    lines.append("new-text:")
    lines.append(contentsOf: indented(body.pieces.newText))
    if !body.pieces.quotedText.isEmpty {
      lines.append("quoted-text:")
      lines.append(contentsOf: indented(body.pieces.quotedText))
    }
    if !body.pieces.signature.isEmpty {
      lines.append("signature:")
      lines.append(contentsOf: indented(body.pieces.signature))
    }
    for calendar in body.calendars {
      lines.append("calendar [\(calendar.path)] method=\(calendar.method ?? "-") lines=\(calendar.text.split(separator: "\n").count)")
    }
    let defects = message.defects + body.defects
    lines.append("defects:\(defects.isEmpty ? " none" : "")")
    for defect in defects {
      var line = "  \(defect.kind.rawValue) \(defect.severity.rawValue) part=\(defect.partPath.isEmpty ? "root" : defect.partPath)"
      if withOffsets { line += " offset=\(defect.offset)" }
      if !defect.detail.isEmpty { line += " (\(defect.detail))" }
      lines.append(line)
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// Each line of `text`, indented, cut to 200 characters so goldens stay readable.
  private static func indented(_ text: String) -> [String] {
    text.split(separator: "\n", omittingEmptySubsequences: false).prefix(40).map { line in
      let cut = line.count > 200 ? String(line.prefix(200)) + "…" : String(line)
      return "  | " + cut.replacingOccurrences(of: "\r", with: "\\r").replacingOccurrences(of: "\0", with: "\\0")
    }
  }
}
