/// Undoes format=flowed (RFC 3676): lines ending in a space are joined with the next line of
/// the same quote depth; space-stuffing is removed; with DelSp=yes the trailing space goes too.
/// The signature separator `-- ` is never a flowed line.
enum FormatFlowed {
  static func decode(_ text: String, deleteSpace: Bool) -> String {
    var out: [Substring] = []
    var paragraph = ""
    var paragraphDepth = -1
    var open = false
    for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
      var line = rawLine
      if line.hasSuffix("\r") { line = line.dropLast() }
      var depth = 0
      while line.first == ">" {
        depth += 1
        line = line.dropFirst()
      }
      if line.first == " " { line = line.dropFirst() }  // space-stuffing
      let isSignature = line == "-- "
      let flowed = !isSignature && line.hasSuffix(" ")
      if open && depth != paragraphDepth {
        out.append(Substring(paragraph))
        open = false
      }
      if !open {
        paragraph = String(repeating: ">", count: depth) + (depth > 0 ? " " : "")
        paragraphDepth = depth
      }
      if flowed {
        paragraph += deleteSpace ? line.dropLast() : line
        open = true
      } else {
        paragraph += line
        out.append(Substring(paragraph))
        open = false
      }
    }
    if open { out.append(Substring(paragraph)) }
    return out.joined(separator: "\n")
  }
}
