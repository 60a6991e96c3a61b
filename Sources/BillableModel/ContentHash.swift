/// BillableModel: the plain value types every other billable module shares.
///
/// This module imports nothing but the standard library, so that the parser, the readers and (later)
/// the analysis, store and reports can all speak about the same messages without depending on
/// each other.

/// The identity of a message: SHA-256 of its canonical bytes.
///
/// Canonical bytes are the message as it would be saved on its own: the mbox separator line
/// removed, mboxrd quoting undone, every line ending a single LF and exactly one LF at the end.
/// So one message exported as mbox, Maildir and .eml hashes the same and is analysed once.
package struct ContentHash: Hashable, Comparable, Sendable, CustomStringConvertible {
  /// The 32 digest bytes.
  package let bytes: [UInt8]

  /// Wraps a 32-byte SHA-256 digest.
  package init(digest: [UInt8]) {
    self.bytes = digest
  }

  /// Parses 64 lowercase or uppercase hex digits; `nil` for anything else.
  package init?(hex: String) {
    let utf8 = Array(hex.utf8)
    guard utf8.count == 64 else { return nil }
    var digest = [UInt8]()
    digest.reserveCapacity(32)
    var index = 0
    while index < 64 {
      guard let high = Self.nibble(utf8[index]), let low = Self.nibble(utf8[index + 1]) else { return nil }
      digest.append(high << 4 | low)
      index += 2
    }
    self.bytes = digest
  }

  /// The digest as 64 lowercase hex digits, the form used in SQLite, CSV and file names.
  package var hex: String {
    let digits = Array("0123456789abcdef".utf8)
    var out = [UInt8]()
    out.reserveCapacity(bytes.count * 2)
    for byte in bytes {
      out.append(digits[Int(byte >> 4)])
      out.append(digits[Int(byte & 0x0F)])
    }
    return String(decoding: out, as: UTF8.self)
  }

  package var description: String { hex }

  package static func < (lhs: ContentHash, rhs: ContentHash) -> Bool {
    lhs.bytes.lexicographicallyPrecedes(rhs.bytes)
  }

  private static func nibble(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
    default: return nil
    }
  }
}
