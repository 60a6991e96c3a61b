import Glibc

/// Byte-level helpers shared by the parser's grammars. `memchr` runs at memory speed, where a
/// Swift subscript loop in a debug build crawls; hot paths use these.
enum ByteScan {
  /// Index of the first `byte` in `bytes[from..<to]`, or `nil`.
  @inline(__always)
  static func find(_ byte: UInt8, in bytes: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> Int? {
    guard from < to, let base = bytes.baseAddress else { return nil }
    guard let hit = memchr(base + from, Int32(byte), to - from) else { return nil }
    return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
  }

  /// Whether `bytes[at...]` starts with `prefix`, compared ASCII case-insensitively.
  static func hasPrefixCaseInsensitive(_ bytes: UnsafeBufferPointer<UInt8>, at: Int, end: Int, _ prefix: StaticString)
    -> Bool
  {
    let count = prefix.utf8CodeUnitCount
    guard end - at >= count else { return false }
    let p = prefix.utf8Start
    for i in 0..<count where lower(bytes[at + i]) != lower(p[i]) {
      return false
    }
    return true
  }

  @inline(__always)
  static func lower(_ byte: UInt8) -> UInt8 {
    (byte >= 0x41 && byte <= 0x5A) ? byte | 0x20 : byte
  }

  @inline(__always)
  static func isWhitespace(_ byte: UInt8) -> Bool {
    byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A
  }

  /// ASCII-lowercased copy of `bytes` as a `String`.
  static func lowercasedString<C: Collection<UInt8>>(_ bytes: C) -> String {
    String(decoding: bytes.map(lower), as: UTF8.self)
  }

  /// `bytes` without leading and trailing space, tab, CR and LF.
  static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
    var lo = bytes.startIndex
    var hi = bytes.endIndex
    while lo < hi, isWhitespace(bytes[lo]) { lo += 1 }
    while hi > lo, isWhitespace(bytes[hi - 1]) { hi -= 1 }
    return bytes[lo..<hi]
  }

  /// Case-insensitive ASCII equality of a byte collection with a lowercase literal.
  static func equalsLowercase<C: Collection<UInt8>>(_ bytes: C, _ literal: StaticString) -> Bool {
    guard bytes.count == literal.utf8CodeUnitCount else { return false }
    var i = 0
    let p = literal.utf8Start
    for byte in bytes {
      if lower(byte) != p[i] { return false }
      i += 1
    }
    return true
  }
}
