import BillableModel
import Foundation

/// Totals people open in a spreadsheet: by matter, by day and by ISO week. Text fields are
/// guarded against formula injection (see `CSVWriter.defuse`), because subjects and names in
/// them come from email anyone can send.
package enum Summaries {
  /// One aggregated row.
  package struct Row: Sendable, Hashable {
    package var key: [String]
    package var entries = 0
    package var minutes = 0.0
    package var hours = 0.0
    package var amount = 0.0
    package var currency = ""

    package init(key: [String], currency: String) {
      self.key = key
      self.currency = currency
    }
  }

  /// Groups entries by `key`, in key order.
  package static func aggregate(_ entries: [SettledEntry], by key: (SettledEntry) -> [String]) -> [Row] {
    var rows: [[String]: Row] = [:]
    for entry in entries {
      let k = key(entry) + [entry.currency]
      var row = rows[k] ?? Row(key: key(entry), currency: entry.currency)
      row.entries += 1
      row.minutes += entry.minutes
      row.hours += entry.hours
      row.amount += entry.amount
      rows[k] = row
    }
    return rows.keys.sorted { $0.lexicographicallyPrecedes($1) }.compactMap { rows[$0] }.map { row in
      var row = row
      row.hours = (row.hours * 100).rounded() / 100
      row.amount = (row.amount * 100).rounded() / 100
      row.minutes = (row.minutes * 100).rounded() / 100
      return row
    }
  }

  /// `YYYY-Www` (ISO 8601 week) of a `YYYY-MM-DD` day.
  package static func isoWeek(_ day: String) -> String {
    var calendar = Calendar(identifier: .iso8601)
    calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
    let formatter = DateFormatter()
    formatter.calendar = calendar
    formatter.timeZone = calendar.timeZone
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.dateFormat = "yyyy-MM-dd"
    guard let date = formatter.date(from: day) else { return "unknown" }
    let components = calendar.dateComponents([.yearForWeekOfYear, .weekOfYear], from: date)
    let week = components.weekOfYear ?? 0
    return "\(components.yearForWeekOfYear ?? 0)-W\(week < 10 ? "0" : "")\(week)"
  }

  static func write(_ entries: [SettledEntry], into folder: URL) throws {
    let numbers = { (row: Row) -> [String] in
      [
        String(row.entries), CSVWriter.decimal(row.minutes, places: 2), CSVWriter.decimal(row.hours, places: 2),
        CSVWriter.decimal(row.amount, places: 2), row.currency,
      ]
    }
    let totals = ["entries", "minutes", "hours", "amount", "currency"]
    var byMatter = CSVWriter(header: ["client", "matter"] + totals, guardsFormulas: true)
    for row in aggregate(entries, by: { [$0.client, $0.matter] }) { byMatter.writeRow(row.key + numbers(row)) }
    try Data(byMatter.text.utf8).write(to: folder.appendingPathComponent("summary_by_matter.csv"))

    var byDay = CSVWriter(header: ["work_date", "timekeeper"] + totals, guardsFormulas: true)
    for row in aggregate(entries, by: { [$0.workDate, $0.timekeeper] }) { byDay.writeRow(row.key + numbers(row)) }
    try Data(byDay.text.utf8).write(to: folder.appendingPathComponent("summary_by_day.csv"))

    var byWeek = CSVWriter(header: ["week", "timekeeper"] + totals, guardsFormulas: true)
    for row in aggregate(entries, by: { [isoWeek($0.workDate), $0.timekeeper] }) { byWeek.writeRow(row.key + numbers(row)) }
    try Data(byWeek.text.utf8).write(to: folder.appendingPathComponent("summary_by_week.csv"))
  }
}
