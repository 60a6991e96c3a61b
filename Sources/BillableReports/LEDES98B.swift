import Foundation
import BillableModel

/// LEDES 1998B: a `LEDES1998B[]` line, the 24 field names, then one `|`-separated line per
/// fee entry, every line ending in `[]`. One invoice per client and matter over the entries
/// given; the invoice date defaults to the last work date so the file is reproducible.
package enum LEDES98B {
  package static let fields = [
    "INVOICE_DATE", "INVOICE_NUMBER", "CLIENT_ID", "LAW_FIRM_MATTER_ID", "INVOICE_TOTAL", "BILLING_START_DATE",
    "BILLING_END_DATE", "INVOICE_DESCRIPTION", "LINE_ITEM_NUMBER", "EXP/FEE/INV_ADJ_TYPE", "LINE_ITEM_NUMBER_OF_UNITS",
    "LINE_ITEM_ADJUSTMENT_AMOUNT", "LINE_ITEM_TOTAL", "LINE_ITEM_DATE", "LINE_ITEM_TASK_CODE", "LINE_ITEM_EXPENSE_CODE",
    "LINE_ITEM_ACTIVITY_CODE", "TIMEKEEPER_ID", "LINE_ITEM_DESCRIPTION", "LAW_FIRM_ID", "LINE_ITEM_UNIT_COST",
    "TIMEKEEPER_NAME", "TIMEKEEPER_CLASSIFICATION", "CLIENT_MATTER_ID",
  ]

  /// - Parameters:
  ///   - timekeeperNames: id → "Doe, Jane" (LEDES wants "last, first").
  ///   - classifications: id → "PT", "AS", … (TIMEKEEPER_CLASSIFICATION; empty when unknown).
  ///   - invoiceDate: `YYYY-MM-DD`; default the last work date of each invoice.
  package static func render(
    _ entries: [SettledEntry], timekeeperNames: [String: String], classifications: [String: String] = [:],
    lawFirmID: String = "", invoiceDate: String? = nil
  ) -> String {
    var lines = ["LEDES1998B[]", fields.joined(separator: "|") + "[]"]
    var invoices: [String: [SettledEntry]] = [:]
    for entry in entries { invoices[entry.client + "\u{1F}" + entry.matter, default: []].append(entry) }
    for key in invoices.keys.sorted() {
      let items = (invoices[key] ?? []).sorted { ($0.workDate, $0.entryID) < ($1.workDate, $1.entryID) }
      guard let first = items.first, let last = items.last else { continue }
      let start = first.workDate
      let end = last.workDate
      let date = invoiceDate ?? end
      let total = (items.reduce(0) { $0 + $1.amount } * 100).rounded() / 100
      let matter = first.matter.isEmpty ? first.client : first.matter
      let number = String("\(matter)-\(compact(end))".prefix(20))
      for (index, entry) in items.enumerated() {
        let values = [
          compact(date), number, String(entry.client.prefix(20)), String(matter.prefix(20)), CSVWriter.decimal(total, places: 2),
          compact(start), compact(end), clean("Legal services \(start) to \(end)"), String(index + 1), "F",
          CSVWriter.decimal(entry.hours, places: 2), "0.00", CSVWriter.decimal(entry.amount, places: 2),
          compact(entry.workDate), entry.taskCode, "", entry.activityCode, entry.timekeeper,
          String(clean(entry.narrative).prefix(1024)), lawFirmID, CSVWriter.decimal(entry.rate, places: 2),
          clean(timekeeperNames[entry.timekeeper] ?? entry.timekeeper), classifications[entry.timekeeper] ?? "",
          String(matter.prefix(20)),
        ]
        lines.append(values.joined(separator: "|") + "[]")
      }
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// `2025-03-04` → `20250304`.
  static func compact(_ day: String) -> String { day.filter(\.isNumber) }

  /// No field may contain the separator, the line terminator or a control character.
  static func clean(_ text: String) -> String {
    CSVWriter.withoutControls(text).map { $0 == "|" ? "/" : ($0.isNewline || $0 == "\t" ? " " : $0) }.reduce(into: "") { $0.append($1) }
      .replacingOccurrences(of: "[]", with: "()")
  }
}
