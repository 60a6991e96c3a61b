/// Rows as aligned columns for a terminal: two spaces between columns, numbers right-aligned,
/// no trailing spaces, and optionally a rule of dashes above the last row (a total).
enum TextTable {
  static func render(_ rows: [[String]], rightAligned: Set<Int>, ruleAboveLast: Bool = false) -> String {
    // Cells come from mail and configuration (an id can hold an escape sequence): printable only.
    let rows = rows.map { $0.map { TerminalText.printable($0) } }
    guard let first = rows.first else { return "" }
    let widths = first.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
    var out = ""
    for (index, row) in rows.enumerated() {
      if ruleAboveLast, index == rows.count - 1, index > 0 {
        out += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n"
      }
      var line = row.enumerated().map { column, value in
        let pad = String(repeating: " ", count: widths[column] - value.count)
        return rightAligned.contains(column) ? pad + value : value + pad
      }.joined(separator: "  ")
      while line.last == " " { line.removeLast() }
      out += line + "\n"
    }
    return out
  }
}
