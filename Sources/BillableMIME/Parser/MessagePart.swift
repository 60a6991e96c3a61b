/// How a part's body is transfer-encoded (RFC 2045 section 6).
package enum TransferEncoding: String, Sendable, Hashable {
  case sevenBit = "7bit"
  case eightBit = "8bit"
  case binary
  case quotedPrintable = "quoted-printable"
  case base64
  /// An encoding we do not know (`x-uuencode`, a typo): the body is kept as is.
  case unknown

  static func parse(_ raw: [UInt8]?) -> TransferEncoding? {
    guard let raw else { return nil }
    let value = ByteScan.trimmed(raw[...])
    if ByteScan.equalsLowercase(value, "7bit") { return .sevenBit }
    if ByteScan.equalsLowercase(value, "8bit") { return .eightBit }
    if ByteScan.equalsLowercase(value, "binary") { return .binary }
    if ByteScan.equalsLowercase(value, "quoted-printable") { return .quotedPrintable }
    if ByteScan.equalsLowercase(value, "base64") { return .base64 }
    if value.isEmpty { return nil }
    return .unknown
  }
}

/// One node of the MIME tree: a multipart, a message/rfc822 wrapper, or a leaf with content.
///
/// Parts are stored flat, depth-first, in `ParsedMessage.parts`; `parent` and `children`
/// index into that array. Bodies stay as byte ranges into the message and are decoded on
/// request, so a 2 MB attachment costs nothing unless someone asks for it.
package struct MessagePart: Sendable {
  /// What kind of node this is.
  package enum Kind: Sendable, Hashable {
    case leaf
    case multipart
    /// message/rfc822 (or message/global): its one child is the encapsulated message's root.
    case message
  }

  /// IMAP-style part number: `""` for a single-part message, `1`, `1.2`, …
  package var path: String
  /// Nesting depth (0 for the message itself).
  package var depth: Int
  package var kind: Kind
  /// The part's own header fields (for an encapsulated message's root: that message's headers).
  package var headers: [HeaderField]
  /// `text/plain` and the like, lowercased; the default when absent or invalid.
  package var mimeType: String
  /// Content-Type parameters, lowercased names.
  package var parameters: [String: String]
  package var transferEncoding: TransferEncoding
  /// `attachment`, `inline`, or `nil` when there is no Content-Disposition.
  package var disposition: String?
  /// From Content-Disposition `filename`, else Content-Type `name`.
  package var filename: String?
  /// Content-ID without angle brackets.
  package var contentID: String?
  /// The raw (still transfer-encoded) body in the message bytes.
  package var bodyRange: Range<Int>
  /// Index of the parent in `ParsedMessage.parts`.
  package var parent: Int?
  /// Indices of the children in `ParsedMessage.parts`.
  package var children: [Int]

  /// The declared charset, lowercased, if any.
  package var charset: String? { parameters["charset"]?.lowercased() }
  /// The major type (`text` of `text/plain`).
  package var mediaType: Substring { mimeType.split(separator: "/").first ?? "" }
  /// The subtype (`plain` of `text/plain`).
  package var mediaSubtype: Substring { mimeType.split(separator: "/").dropFirst().first ?? "" }
  /// Marked as an attachment (Content-Disposition: attachment).
  package var isAttachment: Bool { disposition == "attachment" }
}
