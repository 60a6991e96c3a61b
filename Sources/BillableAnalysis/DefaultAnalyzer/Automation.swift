import Foundation
import BillableConfig
import BillableMIME

/// Spots mail that no person wrote for the timekeeper: lists, bulk senders, auto-replies,
/// bounces and no-reply addresses.
package enum Automation {
  /// Why the message looks automated, or `nil`.
  package static func reason(_ message: ParsedMessage) -> String? {
    if let listID = message.listID, !listID.isEmpty { return "List-Id header (\(listID.prefix(60)))" }
    if message.listUnsubscribe != nil { return "List-Unsubscribe header" }
    if let precedence = message.precedence, ["bulk", "list", "junk"].contains(precedence) {
      return "Precedence: \(precedence)"
    }
    if let auto = message.autoSubmitted, !auto.isEmpty, auto != "no" { return "Auto-Submitted: \(auto)" }
    for field in ["x-autoreply", "x-autorespond", "x-auto-response-suppress"] where message.headers.first(field) != nil {
      if field == "x-auto-response-suppress" { continue }  // Outlook sets this on ordinary mail too
      return "\(field) header"
    }
    if message.parts.first?.mimeType == "multipart/report" { return "delivery or read report (multipart/report)" }
    // Auto-replies that carry none of the headers above (older Exchange, many vacation
    // scripts) still say so at the start of their subject.
    if let subject = message.subject, let prefix = autoReplyPrefix(subject) {
      return "auto-reply subject (\(prefix.dropLast()))"
    }
    guard let sender = message.from.first?.address.lowercased() else { return nil }
    if isNoReply(sender) { return "no-reply sender \(sender)" }
    // Signing and scheduling services send from their own domain with none of the headers
    // above ("dse_NA4@docusign.net"); the person behind it is at most in Reply-To.
    if notificationDomains.contains(where: { ClientMatcher.domainMatches(sender, $0) }) {
      return "notification service sender \(sender)"
    }
    return nil
  }

  static let notificationDomains = [
    "docusign.net", "echosign.com", "adobesign.com", "calendly.com", "hellosign.com", "dropboxsign.com",
    "pandadoc.net", "notifications.google.com", "calendar-notification.google.com",
  ]

  /// Why the message is a saved draft rather than mail that was sent, or `nil`. A full
  /// export holds the Drafts folder too; its messages are the timekeeper's, so they would
  /// read as sent mail and bill writing time (twice, once a draft was sent). Clients mark
  /// drafts in a header; the Maildir D flag is no help, as it belongs to the copy, not to
  /// the content the analysis is cached by.
  package static func draftReason(_ message: ParsedMessage) -> String? {
    if message.headers.first("x-mozilla-draft-info") != nil { return "Thunderbird draft (X-Mozilla-Draft-Info)" }
    if let type = message.headers.first("x-uniform-type-identifier")?.value, type.lowercased().contains("mail-draft") {
      return "Apple Mail draft (X-Uniform-Type-Identifier)"
    }
    if message.headers.first("x-unsent")?.value == "1" { return "Outlook unsent message (X-Unsent: 1)" }
    if let labels = message.headers.first("x-gmail-labels")?.value,
      labels.split(separator: ",").contains(where: { ["draft", "drafts"].contains($0.trimmingCharacters(in: .whitespaces).lowercased()) })
    {
      return "Gmail label Drafts (X-Gmail-Labels)"
    }
    return nil
  }

  static let autoReplySubjects = [
    "automatic reply:", "auto-reply:", "autoreply:", "auto reply:", "auto response:", "out of office:",
    "out of office autoreply:", "out of office reply:", "abwesenheitsnotiz:", "réponse automatique :",
    "réponse automatique:", "respuesta automática:", "risposta automatica:", "automatisch antwoord:",
  ]
  private static let autoReplyPrefixes = autoReplySubjects.map { Array($0.utf8) }

  /// The auto-reply prefix the subject starts with, ASCII letters compared without case. On
  /// bytes: it runs for every message received, and lowercasing the String cost more than
  /// all the header tests above.
  package static func autoReplyPrefix(_ subject: String) -> String? {
    let head = subject.utf8.prefix(32).map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
    guard let first = head.first, first == 0x61 || first == 0x6F || first == 0x72 else { return nil }  // a o r
    for (index, prefix) in autoReplyPrefixes.enumerated() where head.starts(with: prefix) {
      return autoReplySubjects[index]
    }
    return nil
  }

  /// `no-reply@`, `do_not_reply@`, `mailer-daemon@`… (lowercase address; `-`, `_` and `.`
  /// in the local part are ignored). Over bytes: it runs for every received message.
  static func isNoReply(_ address: String) -> Bool {
    guard let at = address.utf8.firstIndex(of: 0x40) else { return false }
    let local = address.utf8[..<at].filter { $0 != 0x2D && $0 != 0x5F && $0 != 0x2E }
    func starts(_ word: String) -> Bool { local.starts(with: word.utf8) }
    func equals(_ word: String) -> Bool { local.elementsEqual(word.utf8) }
    return starts("noreply") || starts("donotreply") || equals("mailerdaemon") || equals("postmaster")
      || starts("notifications") || equals("bounce") || starts("bounces")
  }

  /// `*` matches any run of characters; everything else is literal, compared case-insensitively.
  package static func glob(_ pattern: String, matches text: String) -> Bool {
    let p = Array(pattern.lowercased())
    let t = Array(text.lowercased())
    var pi = 0
    var ti = 0
    var star = -1
    var mark = 0
    while ti < t.count {
      if pi < p.count && (p[pi] == t[ti] || p[pi] == "?") {
        pi += 1
        ti += 1
      } else if pi < p.count && p[pi] == "*" {
        star = pi
        mark = ti
        pi += 1
      } else if star >= 0 {
        pi = star + 1
        mark += 1
        ti = mark
      } else {
        return false
      }
    }
    while pi < p.count && p[pi] == "*" { pi += 1 }
    return pi == p.count
  }
}
