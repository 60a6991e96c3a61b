import BillableModel
import Glibc
import Synchronization

/// Text from bytes in a declared charset, through glibc iconv for everything but the charsets
/// that mail uses most (UTF-8, ASCII, Latin-1/windows-1252), which have fast paths in Swift.
///
/// A wrong declaration is common in real mail, so decoding never fails: an unknown charset or
/// bytes that are invalid in the declared one fall back to UTF-8, then windows-1252 (which maps
/// every byte), and the caller gets a defect saying so.
package enum Charset {
  /// The decoded text and, when the declared charset could not be used as is, why.
  package struct Result {
    package var text: String
    package var defect: Defect.Kind?
  }

  /// Decodes `bytes` declared as `charset` (a MIME label, any case; `nil` means unlabelled).
  package static func decode(_ bytes: [UInt8], charset label: String?) -> Result {
    let name = canonicalName(label)
    switch name {
    case "utf-8", "us-ascii", "":
      return decodeUTF8OrFallback(bytes, declaredUTF8: name == "utf-8")
    case "windows-1252", "iso-8859-1":
      // WHATWG maps Latin-1 labels to windows-1252: Outlook's "iso-8859-1" mail is full of
      // 0x80-0x9F smart quotes and dashes that real Latin-1 would turn into control codes.
      return Result(text: decodeWindows1252(bytes), defect: nil)
    default:
      if let text = iconvDecode(bytes, from: name) {
        return Result(text: text, defect: nil)
      }
      let fallback = decodeUTF8OrFallback(bytes, declaredUTF8: false)
      return Result(text: fallback.text, defect: iconvKnows(name) ? .charsetFallback : .unknownCharset)
    }
  }

  /// UTF-8 when valid; when not, UTF-8 with U+FFFD repairs if the bytes are mostly UTF-8 (one
  /// stray byte should not turn every accent into mojibake), else windows-1252.
  static func decodeUTF8OrFallback(_ bytes: [UInt8], declaredUTF8: Bool) -> Result {
    if let text = String(validating: bytes, as: UTF8.self) {
      return Result(text: text, defect: nil)
    }
    let (valid, invalid) = utf8Census(bytes)
    if valid > invalid * 2 {
      return Result(text: String(decoding: bytes, as: UTF8.self), defect: .charsetFallback)
    }
    return Result(text: decodeWindows1252(bytes), defect: .charsetFallback)
  }

  /// Counts well-formed multi-byte UTF-8 sequences and invalid bytes.
  private static func utf8Census(_ bytes: [UInt8]) -> (valid: Int, invalid: Int) {
    var valid = 0
    var invalid = 0
    var i = 0
    let n = bytes.count
    while i < n {
      let lead = bytes[i]
      if lead < 0x80 { i += 1; continue }
      let length: Int
      switch lead {
      case 0xC2...0xDF: length = 2
      case 0xE0...0xEF: length = 3
      case 0xF0...0xF4: length = 4
      default: length = 0
      }
      if length == 0 || i + length > n { invalid += 1; i += 1; continue }
      var ok = true
      for k in 1..<length where bytes[i + k] & 0xC0 != 0x80 { ok = false }
      if ok { valid += 1; i += length } else { invalid += 1; i += 1 }
    }
    return (valid, invalid)
  }

  /// windows-1252, which assigns a character to every byte (the five undefined ones map to
  /// the C1 controls, as WHATWG does), so it is the decoder of last resort.
  package static func decodeWindows1252(_ bytes: [UInt8]) -> String {
    var out = [UInt8]()
    out.reserveCapacity(bytes.count + bytes.count / 8)
    for byte in bytes {
      if byte < 0x80 {
        out.append(byte)
        continue
      }
      let scalar = byte >= 0xA0 ? UInt32(byte) : windows1252High[Int(byte - 0x80)]
      if scalar < 0x800 {
        out.append(UInt8(0xC0 | (scalar >> 6)))
        out.append(UInt8(0x80 | (scalar & 0x3F)))
      } else {
        out.append(UInt8(0xE0 | (scalar >> 12)))
        out.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
        out.append(UInt8(0x80 | (scalar & 0x3F)))
      }
    }
    return String(decoding: out, as: UTF8.self)
  }

  private static let windows1252High: [UInt32] = [
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D,
    0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A,
    0x0153, 0x009D, 0x017E, 0x0178,
  ]

  /// The label normalised, with the aliases mail uses that glibc does not know (or knows as a
  /// narrower charset than mailers mean, per WHATWG).
  static func canonicalName(_ label: String?) -> String {
    guard let label else { return "" }
    // Most mail says one of these, in some case; skip the general path for them.
    let bytes = label.utf8
    if ByteScan.equalsLowercase(bytes, "utf-8") { return "utf-8" }
    if ByteScan.equalsLowercase(bytes, "us-ascii") { return "us-ascii" }
    if ByteScan.equalsLowercase(bytes, "iso-8859-1") { return "iso-8859-1" }
    if ByteScan.equalsLowercase(bytes, "windows-1252") { return "windows-1252" }
    var name = label.lowercased()
    name = String(name.drop { " \t\"'".contains($0) }.reversed().drop { " \t\"'".contains($0) }.reversed())
    if let star = name.firstIndex(of: "*") { name = String(name[..<star]) }  // RFC 2231 language suffix
    switch name {
    case "utf8", "utf-8", "unicode-1-1-utf-8", "x-unicode20utf8": return "utf-8"
    case "us-ascii", "ascii", "ansi_x3.4-1968", "iso646-us", "us", "646", "default", "x-unknown", "unknown-8bit":
      return "us-ascii"
    case "iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "iso_8859-1", "cp819", "ibm819", "iso-ir-100",
      "windows-1252", "cp1252", "x-cp1252", "cp-1252":
      return name.contains("1252") ? "windows-1252" : "iso-8859-1"
    case "ks_c_5601-1987", "ks_c_5601", "ksc5601", "korean", "euc-kr", "x-euc-kr": return "cp949"
    case "gb2312", "x-gbk", "gb_2312-80", "chinese", "csgb2312", "euc-cn": return "gbk"
    case "x-sjis", "shift-jis", "sjis", "ms_kanji", "csshiftjis", "windows-31j", "cp932": return "cp932"
    case "iso-8859-8-i": return "iso-8859-8"
    case "x-mac-roman", "mac", "macintosh": return "macintosh"
    case "unicode-1-1-utf-7", "x-utf-7": return "utf-7"
    case "utf-16", "unicode": return "utf-16"
    case "tis-620", "windows-874", "x-windows-874": return "cp874"
    case "big5-hkscs", "x-x-big5", "big-5", "cn-big5": return "big5"
    default:
      if name.hasPrefix("windows-"), let number = Int(name.dropFirst(8)) { return "cp\(number)" }
      if name.hasPrefix("x-") && name.count > 2 { return String(name.dropFirst(2)) }
      return name
    }
  }

  private static func iconvKnows(_ name: String) -> Bool {
    IconvPool.shared.knows(name)
  }


  /// glibc iconv into UTF-8; `nil` when the charset is unknown or the bytes are invalid in it.
  static func iconvDecode(_ bytes: [UInt8], from name: String) -> String? {
    guard !name.isEmpty, let descriptor = IconvPool.shared.take(name) else { return nil }
    defer { IconvPool.shared.give(back: descriptor, for: name) }
    let raw = descriptor.raw
    if bytes.isEmpty { return "" }
    var output = [UInt8](repeating: 0, count: bytes.count * 4 + 16)
    var produced = 0
    var consumed = 0
    while true {
      var inLeft = bytes.count - consumed
      var outLeft = output.count - produced
      let result: Int = bytes.withUnsafeBufferPointer { input in
        output.withUnsafeMutableBufferPointer { out in
          guard let inBase = input.baseAddress, let outBase = out.baseAddress else { return -1 }
          var inPointer: UnsafeMutablePointer<CChar>? = UnsafeMutablePointer(
            mutating: UnsafeRawPointer(inBase + consumed).assumingMemoryBound(to: CChar.self))
          var outPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outBase + produced)
            .assumingMemoryBound(to: CChar.self)
          let r = iconv(raw, &inPointer, &inLeft, &outPointer, &outLeft)
          if r != -1 {
            // Flush the shift state (ISO-2022-JP must end in ASCII mode).
            _ = iconv(raw, nil, nil, &outPointer, &outLeft)
          }
          return r
        }
      }
      let failure = errno
      consumed = bytes.count - inLeft
      produced = output.count - outLeft
      if result != -1 { break }
      if failure == E2BIG {
        output.append(contentsOf: [UInt8](repeating: 0, count: max(64, bytes.count)))
        continue
      }
      return nil  // EILSEQ or EINVAL: not valid in this charset
    }
    return String(decoding: output[0..<produced], as: UTF8.self)
  }
}

/// Open iconv descriptors, reused: `iconv_open` loads a gconv module with dlopen each time,
/// which cost more than the decoding itself on a mailbox of short messages. A descriptor is
/// used by one thread at a time (iconv keeps state), so they are taken from and given back to
/// the pool under a lock, and reset before reuse.
final class IconvPool: Sendable {
  struct Descriptor: @unchecked Sendable {
    let raw: iconv_t
  }

  static let shared = IconvPool()
  private let idle = Mutex<[String: [Descriptor]]>([:])
  private let unknown = Mutex<Set<String>>([])

  func take(_ name: String) -> Descriptor? {
    if let reused = idle.withLock({ $0[name]?.popLast() }) { return reused }
    if unknown.withLock({ $0.contains(name) }) { return nil }
    let raw = iconv_open("UTF-8", name)
    guard let raw, Int(bitPattern: raw) != -1 else {
      unknown.withLock { _ = $0.insert(name) }
      return nil
    }
    return Descriptor(raw: raw)
  }

  func give(back descriptor: Descriptor, for name: String) {
    _ = iconv(descriptor.raw, nil, nil, nil, nil)  // back to the initial shift state
    idle.withLock { pool in
      if pool[name, default: []].count < 8 {
        pool[name, default: []].append(descriptor)
      } else {
        iconv_close(descriptor.raw)
      }
    }
  }

  func knows(_ name: String) -> Bool {
    guard let descriptor = take(name) else { return false }
    give(back: descriptor, for: name)
    return true
  }
}
