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
    for entry in entries { Accumulator.add(entry, key: key(entry), to: &rows) }
    return rows.keys.sorted { $0.lexicographicallyPrecedes($1) }.compactMap { rows[$0] }.map { row in
      var row = row
      row.hours = (row.hours * 100).rounded() / 100
      row.amount = (row.amount * 100).rounded() / 100
      row.minutes = (row.minutes * 100).rounded() / 100
      return row
    }
  }

  /// `YYYY-Www` (ISO 8601 week) of a `YYYY-MM-DD` day, by arithmetic on the civil date.
  package static func isoWeek(_ day: String) -> String {
    let parts = day.split(separator: "-").compactMap { Int($0) }
    guard parts.count == 3 else { return "unknown" }
    func daysFromCivil(_ y: Int, _ m: Int, _ d: Int) -> Int {
      Int(CivilDate.days(year: Int64(y), month: Int64(m), day: Int64(d)))
    }
    let days = daysFromCivil(parts[0], parts[1], parts[2])
    let weekday = ((days % 7) + 7 + 3) % 7 + 1  // 1970-01-01 was a Thursday; Monday = 1
    // The week belongs to the year of its Thursday.
    let thursday = days - weekday + 4
    var year = parts[0] + 1
    while daysFromCivil(year, 1, 1) > thursday { year -= 1 }
    let week = (thursday - daysFromCivil(year, 1, 1)) / 7 + 1
    return "\(year)-W\(week < 10 ? "0" : "")\(week)"
  }

  /// Totals kept while entries stream past: one row per group, however many entries.
  struct Accumulator {
    var byMatter: [[String]: Row] = [:]
    var byDay: [[String]: Row] = [:]
    var byWeek: [[String]: Row] = [:]
    var weeks: [String: String] = [:]

    mutating func add(_ entry: SettledEntry) {
      let week = weeks[entry.workDate] ?? isoWeek(entry.workDate)
      weeks[entry.workDate] = week
      Self.add(entry, key: [entry.client, entry.matter], to: &byMatter)
      Self.add(entry, key: [entry.workDate, entry.timekeeper], to: &byDay)
      Self.add(entry, key: [week, entry.timekeeper], to: &byWeek)
    }

    static func add(_ entry: SettledEntry, key: [String], to rows: inout [[String]: Row]) {
      let k = key + [entry.currency]
      var row = rows[k] ?? Row(key: key, currency: entry.currency)
      row.entries += 1
      row.minutes += entry.minutes
      row.hours += entry.hours
      row.amount += entry.amount
      rows[k] = row
    }

    func write(into folder: URL) throws {
      let totals = ["entries", "minutes", "hours", "amount", "currency"]
      for (name, rows, columns) in [
        ("summary_by_matter.csv", byMatter, ["client", "matter"]), ("summary_by_day.csv", byDay, ["work_date", "timekeeper"]),
        ("summary_by_week.csv", byWeek, ["week", "timekeeper"]),
      ] {
        var csv = CSVWriter(header: columns + totals, guardsFormulas: true)
        for key in rows.keys.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
          guard let row = rows[key] else { continue }
          csv.writeRow(
            row.key + [
              String(row.entries), CSVWriter.decimal(row.minutes, places: 2), CSVWriter.decimal(row.hours, places: 2),
              CSVWriter.decimal(row.amount, places: 2), row.currency,
            ])
        }
        try Data(csv.text.utf8).write(to: folder.appendingPathComponent(name))
      }
    }
  }
}
