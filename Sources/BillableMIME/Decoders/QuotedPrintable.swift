/// Quoted-printable (RFC 2045 section 6.7), decoded leniently: `=XY` with hex digits of either
/// case, soft line breaks (`=` at the end of a line, even with trailing whitespace), and
/// anything malformed (`=ZZ`, a lone `=`) kept as written and recorded.
enum QuotedPrintable {
  static func decode<C: BidirectionalCollection<UInt8>>(_ input: C) -> (bytes: [UInt8], invalid: Bool)
  where C.Index == Int {
    var out = [UInt8]()
    out.reserveCapacity(input.count)
    var invalid = false
    var i = input.startIndex
    let end = input.endIndex
    while i < end {
      let byte = input[i]
      if byte != 0x3D {
        if byte == 0x20 || byte == 0x09 {
          // Trailing whitespace before a line break was added in transport (RFC 2045 rule 3).
          var j = i
          while j < end, input[j] == 0x20 || input[j] == 0x09 { j += 1 }
          if j == end || input[j] == 0x0A || (input[j] == 0x0D && j + 1 < end && input[j + 1] == 0x0A) {
            i = j
            continue
          }
          // Inner whitespace is kept, the whole run at once: one byte at a time would rescan
          // the run for every byte (quadratic on a hostile body of spaces).
          if j - i > 1 {
            out.append(contentsOf: input[i..<j])
            i = j
            continue
          }
        }
        out.append(byte)
        i += 1
        continue
      }
      // "="
      if i + 2 < end, let high = hexValue(input[i + 1]), let low = hexValue(input[i + 2]) {
        out.append(high << 4 | low)
        i += 3
        continue
      }
      // Soft line break: "=" then optional whitespace then CRLF or LF (or the end).
      var j = i + 1
      while j < end, input[j] == 0x20 || input[j] == 0x09 { j += 1 }
      if j == end {
        i = j
        continue
      }
      if input[j] == 0x0A {
        i = j + 1
        continue
      }
      if input[j] == 0x0D {
        i = (j + 1 < end && input[j + 1] == 0x0A) ? j + 2 : j + 1
        continue
      }
      invalid = true
      out.append(byte)
      i += 1
    }
    return (out, invalid)
  }
}
