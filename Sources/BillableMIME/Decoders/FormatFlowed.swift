/// Undoes format=flowed (RFC 3676): lines ending in a space are joined with the next line of
/// the same quote depth; space-stuffing is removed; with DelSp=yes the trailing space goes too.
/// The signature separator `-- ` is never a flowed line. Works on UTF-8 bytes: every marker
/// is ASCII.
enum FormatFlowed {
  static func decode(_ text: String, deleteSpace: Bool) -> String {
    let bytes = Array(text.utf8)
    var out = [UInt8]()
    out.reserveCapacity(bytes.count)
    var paragraphDepth = -1
    var open = false
    var start = 0
    while start <= bytes.count {
      var end = start
      while end < bytes.count, bytes[end] != 0x0A { end += 1 }
      var lineStart = start
      var lineEnd = end
      if lineEnd > lineStart, bytes[lineEnd - 1] == 0x0D { lineEnd -= 1 }
      var depth = 0
      while lineStart < lineEnd, bytes[lineStart] == 0x3E {
        depth += 1
        lineStart += 1
      }
      if lineStart < lineEnd, bytes[lineStart] == 0x20 { lineStart += 1 }  // space-stuffing
      let isSignature = lineEnd - lineStart == 3 && bytes[lineStart] == 0x2D && bytes[lineStart + 1] == 0x2D
        && bytes[lineStart + 2] == 0x20
      let flowed = !isSignature && lineEnd > lineStart && bytes[lineEnd - 1] == 0x20
      if open && depth != paragraphDepth {
        out.append(0x0A)
        open = false
      }
      if !open {
        if depth > 0 {
          out.append(contentsOf: repeatElement(UInt8(0x3E), count: depth))
          out.append(0x20)
        }
        paragraphDepth = depth
      }
      if flowed {
        out.append(contentsOf: bytes[lineStart..<(deleteSpace ? lineEnd - 1 : lineEnd)])
        open = true
      } else {
        out.append(contentsOf: bytes[lineStart..<lineEnd])
        out.append(0x0A)
        open = false
      }
      start = end + 1
    }
    if open { out.append(0x0A) }
    if out.last == 0x0A { out.removeLast() }
    return String(decoding: out, as: UTF8.self)
  }
}
