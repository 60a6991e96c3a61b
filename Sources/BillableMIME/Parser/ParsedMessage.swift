import BillableModel

/// A parsed message: its header fields decoded, its MIME tree, and what went wrong on the way.
///
/// Header-derived fields are decoded when the message is parsed (they are small and every user
/// needs them); body text is decoded on request through `body()`, because it costs time in
/// proportion to the message and the counting benchmark and the store do not always need it.
package struct ParsedMessage: Sendable {
  /// The message bytes the parser saw; part ranges point into them.
  package let bytes: [UInt8]
  /// Every MIME node in depth-first order; `parts[0]` is the message itself.
  package let parts: [MessagePart]
  /// What the parser recovered from, in the order found.
  package private(set) var defects: [Defect]
  let options: ParserOptions

  /// The top-level header fields.
  package var headers: [HeaderField] { parts.first?.headers ?? [] }

  /// Message-ID without angle brackets, or `nil`.
  package let messageID: String?
  /// The Message-ID value as written, trimmed (the form Python's `email` package reports).
  package let rawMessageID: String?
  /// The Date header, parsed; `nil` when absent or unreadable (then an `invalid-date` defect).
  package let date: MessageDate?
  package let from: [Address]
  package let sender: [Address]
  package let replyTo: [Address]
  package let to: [Address]
  package let cc: [Address]
  package let bcc: [Address]
  /// Subject with RFC 2047 words decoded and folding removed.
  package let subject: String?
  package let inReplyTo: [String]
  package let references: [String]
  /// List-Id, List-Unsubscribe, Precedence and Auto-Submitted, raw (for spotting automated mail).
  package let listID: String?
  package let listUnsubscribe: String?
  package let precedence: String?
  package let autoSubmitted: String?

  init(bytes: [UInt8], parts: [MessagePart], defects: [Defect], options: ParserOptions) {
    self.bytes = bytes
    self.parts = parts
    self.options = options
    var defects = defects
    let headers = parts.first?.headers ?? []

    func decoded(_ key: String) -> String? {
      guard let field = headers.first(key) else { return nil }
      let text = EncodedWord.decode(field.rawValue, maxWords: options.maxEncodedWords) { kind, detail in
        defects.append(Defect(kind, offset: field.offset, detail: key))
      }
      return text.trimmingSpaces
    }
    func addresses(_ key: String) -> [Address] {
      var result: [Address] = []
      for field in headers where field.key == key {
        let parsed = AddressList.parse(field.rawValue)
        if parsed.malformed { defects.append(Defect(.invalidAddress, offset: field.offset, detail: key)) }
        result.append(contentsOf: parsed.addresses)
      }
      return result
    }
    if let field = headers.first("message-id") {
      rawMessageID = field.value
      messageID = MessageIDList.parse(field.rawValue).first ?? (field.value.isEmpty ? nil : field.value)
    } else {
      rawMessageID = nil
      messageID = nil
    }
    if let field = headers.first("date") {
      date = DateTimeParser.parse(field.rawValue)
      if date == nil { defects.append(Defect(.invalidDate, offset: field.offset)) }
    } else {
      date = nil
    }
    from = addresses("from")
    sender = addresses("sender")
    replyTo = addresses("reply-to")
    to = addresses("to")
    cc = addresses("cc")
    bcc = addresses("bcc")
    subject = decoded("subject")
    inReplyTo = headers.first("in-reply-to").map { MessageIDList.parse($0.rawValue) } ?? []
    references = headers.first("references").map { MessageIDList.parse($0.rawValue) } ?? []
    listID = headers.first("list-id")?.value
    listUnsubscribe = headers.first("list-unsubscribe")?.value
    precedence = headers.first("precedence")?.value.lowercased()
    autoSubmitted = headers.first("auto-submitted")?.value.lowercased()
    self.defects = defects
  }

  /// Whether any defect was recorded.
  package var hasDefects: Bool { !defects.isEmpty }
}
