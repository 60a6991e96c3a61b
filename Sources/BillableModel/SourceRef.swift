/// Where one message came from: enough to find its bytes again and to tell the user.
package struct SourceRef: Hashable, Sendable, Codable {
  /// The container formats billable reads.
  package enum Format: String, Sendable, Hashable, Codable {
    case mbox
    case maildir
    case eml
    case stdin
  }

  /// The file the message was read from (`-` for standard input).
  package var path: String
  /// How the file was read.
  package var format: Format
  /// Position of the message inside an mbox (0-based); `nil` for single-message files.
  package var index: Int?
  /// Byte offset of the message's first header byte inside the (decompressed) file.
  package var byteOffset: Int64
  /// For Maildir: the unique part of the file name (before `:2,`), which survives flag changes.
  package var maildirKey: String?
  /// For Maildir: the flags after `:2,` (`S` seen, `R` replied, `F` flagged, `T` trashed, `D` draft, `P` passed).
  package var maildirFlags: String?
  /// For Maildir++: the sub-folder (`.Sent`), or `nil` for the top-level folder.
  package var maildirFolder: String?

  /// Makes a source reference; only `path` and `format` are required.
  package init(
    path: String, format: Format, index: Int? = nil, byteOffset: Int64 = 0,
    maildirKey: String? = nil, maildirFlags: String? = nil, maildirFolder: String? = nil
  ) {
    self.path = path
    self.format = format
    self.index = index
    self.byteOffset = byteOffset
    self.maildirKey = maildirKey
    self.maildirFlags = maildirFlags
    self.maildirFolder = maildirFolder
  }

  /// `inbox.mbox: message 3 at byte 48211`, the prefix for every diagnostic about this message.
  package var location: String {
    if let index {
      return "\(path): message \(index + 1) at byte \(byteOffset)"
    }
    return path
  }
}
