/// A fact about bad input: something the parser or a reader recovered from.
///
/// Defects never stop parsing. They travel with the parsed message to the store and to
/// `errors.csv`, so their `kind` raw values are a stable interface.
package struct Defect: Hashable, Sendable {
  /// What went wrong. Raw values are stable kebab-case names used in golden files and CSV.
  package enum Kind: String, Sendable, Hashable, CaseIterable {
    case noHeaders = "no-headers"
    case invalidHeaderLine = "invalid-header-line"
    case headerTooLong = "header-too-long"
    case lineTooLong = "line-too-long"
    case bareCR = "bare-cr"
    case nulByte = "nul-byte"
    case eightBitHeader = "8bit-header"
    case duplicateHeader = "duplicate-header"
    case missingContentType = "missing-content-type"
    case invalidContentType = "invalid-content-type"
    case multipartWithoutBoundary = "multipart-without-boundary"
    case missingStartBoundary = "missing-start-boundary"
    case missingFinalBoundary = "missing-final-boundary"
    case nestingOverflow = "nesting-overflow"
    case partLimit = "part-limit"
    case unknownTransferEncoding = "unknown-transfer-encoding"
    case invalidBase64 = "invalid-base64"
    case invalidQuotedPrintable = "invalid-quoted-printable"
    case malformedEncodedWord = "malformed-encoded-word"
    case unknownCharset = "unknown-charset"
    case charsetFallback = "charset-fallback"
    case invalidDate = "invalid-date"
    case invalidAddress = "invalid-address"
    case invalidParameter = "invalid-parameter"
    case truncatedMessage = "truncated-message"
    case decodedSizeLimit = "decoded-size-limit"
    case invalidHTML = "invalid-html"
    case mboxSeparatorInBody = "mbox-separator-in-body"
    case contentLengthMismatch = "content-length-mismatch"
    case truncatedCompressedFile = "truncated-compressed-file"
    /// The message was longer than a reader keeps (`RawMessage.maxLength`); the rest was skipped.
    case messageTooLarge = "message-too-large"
  }

  /// GMime's two levels: `warning` was recovered with no doubt; `critical` means another reader
  /// might see this message differently.
  package enum Severity: String, Sendable, Hashable {
    case warning
    case critical
  }

  package var kind: Kind
  package var severity: Severity
  /// Byte offset in the message (or, for reader defects, in the file) where it was found.
  package var offset: Int
  /// IMAP-style path of the part (`""` for the top level, `"2.1"` for a nested part).
  package var partPath: String
  /// A short detail without message content: a header name, a charset, a count.
  package var detail: String

  /// Makes a defect; the severity defaults from the kind.
  package init(_ kind: Kind, offset: Int, partPath: String = "", detail: String = "", severity: Severity? = nil) {
    self.kind = kind
    self.offset = offset
    self.partPath = partPath
    self.detail = detail
    self.severity = severity ?? kind.defaultSeverity
  }
}

extension Defect.Kind {
  /// Whether another reader may see the message differently after this defect.
  package var defaultSeverity: Defect.Severity {
    switch self {
    case .noHeaders, .multipartWithoutBoundary, .missingStartBoundary, .missingFinalBoundary,
      .nestingOverflow, .partLimit, .headerTooLong, .truncatedMessage, .decodedSizeLimit,
      .invalidContentType, .unknownCharset, .truncatedCompressedFile, .contentLengthMismatch, .messageTooLarge:
      return .critical
    default:
      return .warning
    }
  }
}
