import BillableModel
import BillableReports
import Testing

@Suite("Reports")
struct ReportsTests {
  @Test(
    "CSV quoting per RFC 4180",
    arguments: [
      ("plain", "plain"), ("a,b", "\"a,b\""), ("say \"hi\"", "\"say \"\"hi\"\"\""), ("two\nlines", "\"two\nlines\""),
      ("", ""), ("nul\u{0}esc\u{1B}[31mdel\u{7F}", "nulesc[31mdel"), ("tab\tkept", "tab\tkept"),
      ("csi\u{9B}31m", "csi31m"), ("é, ü and \u{A0} stay", "\"é, ü and \u{A0} stay\""),
    ])
  func quoting(_ field: String, _ expected: String) {
    #expect(CSVWriter.line([field, "x"]) == expected + ",x\n")
  }

  @Test("summaries defuse spreadsheet formulas; numbers and the dataset are left alone")
  func formulas() {
    var csv = CSVWriter(header: ["a"], guardsFormulas: true)
    csv.writeRow(["=HYPERLINK(\"x\")"])
    csv.writeRow(["+1 call"])
    csv.writeRow(["-12.50"])
    csv.writeRow(["@SUM(A1)"])
    #expect(csv.text == "a\n\"'=HYPERLINK(\"\"x\"\")\"\n'+1 call\n-12.50\n'@SUM(A1)\n")
    #expect(CSVWriter.line(["=1+1"]) == "=1+1\n")
  }

  @Test(
    "ISO weeks", arguments: [("2025-03-03", "2025-W10"), ("2024-12-30", "2025-W01"), ("2021-01-03", "2020-W53"), ("2026-11-29", "2026-W48")])
  func weeks(_ day: String, _ week: String) {
    #expect(Summaries.isoWeek(day) == week)
  }

  @Test("LEDES 1998B: identifier, 24 fields, [] line ends, one invoice per matter")
  func ledes() {
    func entry(_ id: String, _ matter: String, _ day: String) -> SettledEntry {
      SettledEntry(
        entryID: id, messageID: "m", contentHash: "h", source: "s", threadID: "t", sentAt: "", workDate: day,
        timekeeper: "JD", direction: "sent", client: "ACME", matter: matter, activityCode: "A104", taskCode: "L110",
        basis: "explicit", minutes: 90, hours: 1.5, rate: 300, amount: 450, currency: "USD",
        narrative: "Review | the [] SPA\nnow\u{0}\u{1B}", evidence: "e", confidence: 0.9, analyzer: "a", messageCount: 1, sources: [])
    }
    let text = LEDES98B.render(
      [entry("e1", "M1", "2025-03-03"), entry("e2", "M1", "2025-03-05"), entry("e3", "M2", "2025-03-04")],
      timekeeperNames: ["JD": "Doe, Jane"], classifications: ["JD": "PT"], lawFirmID: "12-3456789")
    let lines = text.split(separator: "\n").map(String.init)
    #expect(lines[0] == "LEDES1998B[]")
    #expect(lines.count == 5)
    let rows = lines.dropFirst(2).map { $0.dropLast(2).split(separator: "|", omittingEmptySubsequences: false).map(String.init) }
    #expect(rows.allSatisfy { $0.count == 24 })
    #expect(rows[0][1] == "M1-20250305" && rows[0][4] == "900.00" && rows[0][5] == "20250303" && rows[0][6] == "20250305")
    #expect(rows[2][1] == "M2-20250304" && rows[2][4] == "450.00")
    #expect(rows[0][18] == "Review / the () SPA now")  // no separator, terminator or line break inside a field
    #expect(rows[0][21] == "Doe, Jane")
    #expect(rows.allSatisfy { $0[19] == "12-3456789" && $0[22] == "PT" })  // LAW_FIRM_ID, TIMEKEEPER_CLASSIFICATION
  }
}
