/// A streaming base64 decoder (RFC 2045 section 6.8) that skips whitespace and line breaks,
/// ignores characters outside the alphabet (recording that it saw them), and stops at padding.
struct Base64Decoder {
  private var quantum: UInt32 = 0
  private var filled = 0
  private var ended = false
  /// Bytes outside the alphabet, data after padding, or a partial final quantum.
  private(set) var hadInvalidInput = false

  private static let table: [UInt8] = {
    var table = [UInt8](repeating: 0xFF, count: 256)
    for (index, byte) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
      table[Int(byte)] = UInt8(index)
    }
    // URL-safe alphabet, which some broken mailers emit.
    table[Int(UInt8(ascii: "-"))] = 62
    table[Int(UInt8(ascii: "_"))] = 63
    return table
  }()

  mutating func decode<C: Collection<UInt8>>(_ input: C, into out: inout [UInt8]) {
    Self.table.withUnsafeBufferPointer { table in
      for byte in input {
        let value = table[Int(byte)]
        if value == 0xFF {
          if byte == 0x3D {  // "=" padding ends the data
            if filled >= 2 { ended = true }
            continue
          }
          if byte != 0x0A && byte != 0x0D && byte != 0x20 && byte != 0x09 { hadInvalidInput = true }
          continue
        }
        if ended {
          // Data after padding: concatenated base64 blocks exist in the wild; start afresh.
          hadInvalidInput = true
          flushPartial(into: &out)
          ended = false
        }
        quantum = quantum << 6 | UInt32(value)
        filled += 1
        if filled == 4 {
          out.append(UInt8(truncatingIfNeeded: quantum >> 16))
          out.append(UInt8(truncatingIfNeeded: quantum >> 8))
          out.append(UInt8(truncatingIfNeeded: quantum))
          quantum = 0
          filled = 0
        }
      }
    }
  }

  private mutating func flushPartial(into out: inout [UInt8]) {
    switch filled {
    case 2:
      out.append(UInt8(truncatingIfNeeded: quantum >> 4))
    case 3:
      out.append(UInt8(truncatingIfNeeded: quantum >> 10))
      out.append(UInt8(truncatingIfNeeded: quantum >> 2))
    default:
      break
    }
    quantum = 0
    filled = 0
  }

  /// Emits what a final partial quantum holds.
  mutating func finish(into out: inout [UInt8]) {
    if filled == 1 || (filled > 1 && !ended) { hadInvalidInput = true }
    flushPartial(into: &out)
  }

  /// Decoded bytes of `input`, and whether it was malformed.
  static func decode<C: Collection<UInt8>>(_ input: C) -> (bytes: [UInt8], invalid: Bool) {
    var decoder = Base64Decoder()
    var out = [UInt8]()
    out.reserveCapacity(input.count * 3 / 4 + 3)
    decoder.decode(input, into: &out)
    decoder.finish(into: &out)
    return (out, decoder.hadInvalidInput)
  }
}
