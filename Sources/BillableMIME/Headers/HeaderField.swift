/// One header field as it was written: name, unfolded raw value, and where it started.
package struct HeaderField: Sendable, Hashable {
  /// The field name as written (`Subject`, `content-type`).
  package var name: String
  /// The name lowercased, for lookups.
  package var key: String
  /// The value after the colon, unfolded (line breaks removed, the folding whitespace kept),
  /// not decoded: RFC 2047 words and 8-bit bytes are still as they were on the wire.
  package var rawValue: [UInt8]
  /// Byte offset of the field's first byte in the message.
  package var offset: Int

  /// Makes a field; `key` is derived from `name`.
  package init(name: String, rawValue: [UInt8], offset: Int) {
    self.name = name
    self.key = ByteScan.lowercasedString(name.utf8)
    self.rawValue = rawValue
    self.offset = offset
  }

  /// The value trimmed of surrounding whitespace, decoded leniently as UTF-8 (RFC 6532), then
  /// windows-1252 for stray 8-bit bytes. No RFC 2047 decoding.
  package var value: String {
    HeaderText.decodeRaw(ByteScan.trimmed(rawValue[...]))
  }
}

extension Array where Element == HeaderField {
  /// The first field named `key` (lowercase).
  package func first(_ key: String) -> HeaderField? {
    first { $0.key == key }
  }
}

/// Decoding of header bytes that are not RFC 2047 words.
enum HeaderText {
  /// RFC 6532 allows raw UTF-8 in headers; legacy mailers wrote raw Latin-1/windows-1252.
  static func decodeRaw<C: Collection<UInt8>>(_ bytes: C) -> String {
    if let text = String(validating: bytes, as: UTF8.self) { return text }
    return Charset.decodeWindows1252(Array(bytes))
  }
}
