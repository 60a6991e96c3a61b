/// BillableReports: the CSV dataset, summaries, LEDES and the run manifest, written from the
/// store's records. Imports BillableModel (and Foundation for files).
import Foundation

/// CSV with RFC 4180 quoting (a field with a comma, quote, CR or LF is quoted, quotes doubled)
/// and LF row ends, which DuckDB, pandas and Spark read as is and which keep files diffable.
package struct CSVWriter {
  package private(set) var text = ""
  /// When true (summaries meant for spreadsheets), a text field starting with `=`, `+`, `-`,
  /// `@`, tab or CR gets a leading `'`, so Excel shows it instead of running it as a formula.
  let guardsFormulas: Bool

  package init(header: [String], guardsFormulas: Bool = false) {
    self.guardsFormulas = guardsFormulas
    text.reserveCapacity(4096)
    writeRow(header)
  }

  package mutating func writeRow(_ fields: [String]) {
    for (index, field) in fields.enumerated() {
      if index > 0 { text += "," }
      text += Self.quote(guardsFormulas ? Self.defuse(field) : field)
    }
    text += "\n"
  }

  static func quote(_ field: String) -> String {
    guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
    return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }

  /// The OWASP advice for CSV injection, applied to text only (numbers are written unguarded).
  static func defuse(_ field: String) -> String {
    guard let first = field.first, "=+-@\t\r".contains(first), Double(field) == nil else { return field }
    return "'" + field
  }

  /// Decimal with a fixed number of places, no locale.
  package static func decimal(_ value: Double, places: Int) -> String {
    String(format: "%.\(places)f", value)
  }
}
