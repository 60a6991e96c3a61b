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
    text += Self.line(guardsFormulas ? fields.map(Self.defuse) : fields)
  }

  /// One row, quoted, with its line end (no guarding: for the dataset).
  package static func line(_ fields: [String]) -> String {
    var text = ""
    for (index, field) in fields.enumerated() {
      if index > 0 { text += "," }
      text += quote(field)
    }
    return text + "\n"
  }

  static func quote(_ field: String) -> String {
    // One look at the bytes for both questions: most fields need neither.
    var needsQuotes = false
    var hasControls = false
    var previous: UInt8 = 0
    for byte in field.utf8 {
      defer { previous = byte }
      if byte >= 0x2D && byte != 0x7F && previous != 0xC2 { continue }
      if byte == 0x2C || byte == 0x22 || byte == 0x0A || byte == 0x0D { needsQuotes = true }
      if isControl(byte) || (previous == 0xC2 && byte <= 0x9F) { hasControls = true }
    }
    let field = hasControls ? withoutControls(field) : field
    guard needsQuotes else { return field }
    return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }

  /// Without the control characters other than tab, LF and CR (NUL, ESC, DEL, and the C1
  /// controls U+0080–U+009F such as CSI), which a Subject or a Message-ID may carry: they
  /// mean nothing in a table, some CSV readers stop at a NUL, and a terminal runs an escape
  /// sequence when the file is printed.
  package static func withoutControls(_ text: String) -> String {
    guard text.utf8.contains(where: { isControl($0) || $0 == 0xC2 }) else { return text }
    var scalars = String.UnicodeScalarView()
    scalars.append(contentsOf: text.unicodeScalars.filter { scalar in
      let value = scalar.value
      return !(value < 0x80 ? isControl(UInt8(value)) : value <= 0x9F)
    })
    return String(scalars)
  }

  private static func isControl(_ byte: UInt8) -> Bool {
    (byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D) || byte == 0x7F
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

/// A file written through a 64 KB buffer: rows are appended as they stream from the store.
final class StreamingFile {
  private let handle: FileHandle
  private var buffer = Data()

  init(_ url: URL) throws {
    _ = FileManager.default.createFile(atPath: url.path, contents: nil)
    handle = try FileHandle(forWritingTo: url)
    buffer.reserveCapacity(1 << 16)
  }

  func write(_ text: String) throws {
    buffer.append(contentsOf: text.utf8)
    if buffer.count >= 1 << 16 { try flush() }
  }

  private func flush() throws {
    try handle.write(contentsOf: buffer)
    buffer.removeAll(keepingCapacity: true)
  }

  func close() throws {
    try flush()
    try handle.close()
  }
}
