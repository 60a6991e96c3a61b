/// BillableMIME: bytes in, `ParsedMessage` out.
///
/// A hand-written RFC 5322 / MIME parser over `[UInt8]`. It never reads files (the readers in
/// BillableMailbox do) and never throws on input: whatever the bytes, it returns a message plus
/// the defects it recovered from. It imports only BillableModel (for `Defect`) and libxml2 (for
/// HTML bodies); it does not log.

/// Hard limits that keep hostile input from costing unbounded time or memory.
///
/// Crossing one degrades the result (a part becomes a leaf, a header is cut) and records a
/// critical defect; it never fails the parse.
package struct ParserOptions: Sendable {
  /// Bytes of one header block (all fields of one entity) that are kept.
  package var maxHeaderBytes: Int = 512 * 1024
  /// A header line longer than this is kept but flagged (RFC 5322 allows 998 octets).
  package var maxLineLength: Int = 998
  /// Multipart and message/rfc822 nesting deeper than this becomes a leaf.
  package var maxDepth: Int = 32
  /// Entities (multipart nodes and leaves) per message; the rest of the tree is dropped.
  package var maxParts: Int = 1000
  /// Upper bound on one decoded text body; longer text is cut.
  package var maxDecodedBytes: Int = 32 * 1024 * 1024
  /// RFC 2047 encoded words decoded in one header; the rest stay as written.
  package var maxEncodedWords: Int = 4096

  /// The defaults above.
  package init() {}
}
