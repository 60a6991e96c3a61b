/// BillableMailbox: files in, one message's bytes at a time out.
///
/// Readers for mbox (mboxo, mboxrd, mboxcl/mboxcl2, CRLF, Gmail Takeout, gzip), Maildir and
/// Maildir++, single .eml files and standard input, and a walker that detects each file's format.
/// Readers never parse MIME: they find message boundaries, undo mbox quoting and hash the
/// canonical bytes. They import BillableModel, libcrypto (SHA-256) and zlib.
import BillableModel

/// One message's bytes as a reader found them, with where they came from and their identity.
package struct RawMessage: Sendable {
  /// The message as a standalone file would hold it: no mbox separator, mboxrd quoting undone,
  /// line endings as they were.
  package var bytes: [UInt8]
  package var source: SourceRef
  /// SHA-256 of the canonical bytes (see `ContentHash`).
  package var contentHash: ContentHash
  /// Problems the reader saw (a Content-Length that did not fit, a truncated gzip stream).
  package var defects: [Defect]

  /// The most bytes a reader keeps of one message; beyond them it records `messageTooLarge`
  /// and skips to the next message. Mail services refuse messages well under it (Gmail and
  /// Outlook.com at 25 to 35 MB encoded); the few larger ones are attachments, and the text
  /// the analysis reads comes first. Without it, a damaged mbox with no separator for
  /// gigabytes, or /dev/zero, would be held whole in memory.
  package static let maxLength = 64 << 20

  package init(bytes: [UInt8], source: SourceRef, contentHash: ContentHash? = nil, defects: [Defect] = []) {
    self.bytes = bytes
    self.source = source
    self.contentHash = contentHash ?? ContentHasher.hash(canonicalizing: bytes)
    self.defects = defects
  }
}

/// A failure to read input: the file is missing, unreadable, or an I/O call failed.
package struct MailboxError: Error, CustomStringConvertible, Sendable {
  package var path: String
  package var message: String

  package init(path: String, message: String) {
    self.path = path
    self.message = message
  }

  package var description: String { "\(path): \(message)" }
}
