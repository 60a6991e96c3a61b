import ArgumentParser
import BillableConfig
import BillableModel
import BillableReports
import BillableStore
import Foundation

/// `billable summary`: the original design's get_time_tracking_summary.
struct Summary: ParsableCommand {
  static let configuration = CommandConfiguration(abstract: "Totals of hours and amounts from the store.")

  enum Grouping: String, ExpressibleByArgument, CaseIterable { case matter, client, day, week, month, timekeeper }
  enum Format: String, ExpressibleByArgument, CaseIterable { case table, csv, json }

  @OptionGroup var storeOptions: StoreOptions
  @Option(help: "Group by: matter, client, day, week, month or timekeeper.") var by: Grouping = .matter
  @Option(help: "First work date (YYYY-MM-DD).") var from: String?
  @Option(help: "Last work date (YYYY-MM-DD).") var to: String?
  @Option(help: "Only this client.") var client: String?
  @Option(help: "Only this matter.") var matter: String?
  @Option(help: "table, csv or json.") var format: Format = .table
  @Flag(help: "Only entries a person approved or edited (billable review).") var approved = false

  func validate() throws {
    for date in [from, to].compactMap({ $0 }) where !Scan.isDay(date) {
      throw ValidationError("dates must look like 2025-03-01, found '\(date)'.")
    }
  }

  func run() throws {
    let store = try storeOptions.open(existing: true)
    let report = try Self.report(
      store: store, by: by, from: from, to: to, client: client, matter: matter, approvedOnly: approved)
    print(Self.render(report, format: format), terminator: "")
  }

  struct Report {
    var columns: [String]
    var rows: [Summaries.Row]
    var total: Summaries.Row
  }

  static func report(
    store: Store, by: Grouping, from: String?, to: String?, client: String?, matter: String?, approvedOnly: Bool = false
  ) throws -> Report {
    var entries = try store.entries(from: from, to: to, approvedOnly: approvedOnly)
    if let client { entries = entries.filter { $0.client == client } }
    if let matter { entries = entries.filter { $0.matter == matter } }
    let key: (SettledEntry) -> [String]
    let columns: [String]
    switch by {
    case .matter: (key, columns) = ({ [$0.client, $0.matter] }, ["client", "matter"])
    case .client: (key, columns) = ({ [$0.client] }, ["client"])
    case .day: (key, columns) = ({ [$0.workDate] }, ["day"])
    case .week: (key, columns) = ({ [Summaries.isoWeek($0.workDate)] }, ["week"])
    case .month: (key, columns) = ({ [String($0.workDate.prefix(7))] }, ["month"])
    case .timekeeper: (key, columns) = ({ [$0.timekeeper] }, ["timekeeper"])
    }
    let rows = Summaries.aggregate(entries, by: key)
    var total = Summaries.Row(key: ["total"], currency: Set(entries.map(\.currency)).sorted().joined(separator: "/"))
    for row in rows {
      total.entries += row.entries
      total.minutes += row.minutes
      total.hours += row.hours
      total.amount += row.amount
    }
    total.hours = (total.hours * 100).rounded() / 100
    total.amount = (total.amount * 100).rounded() / 100
    return Report(columns: columns, rows: rows, total: total)
  }

  static func render(_ report: Report, format: Format) -> String {
    let header = report.columns + ["entries", "hours", "amount", "currency"]
    func cells(_ row: Summaries.Row, key: [String]) -> [String] {
      key + [String(row.entries), CSVWriter.decimal(row.hours, places: 2), CSVWriter.decimal(row.amount, places: 2), row.currency]
    }
    switch format {
    case .csv:
      var csv = CSVWriter(header: header, guardsFormulas: true)
      for row in report.rows { csv.writeRow(cells(row, key: row.key)) }
      return csv.text
    case .json:
      let rows: [[String: Any]] = report.rows.map { row in
        var object: [String: Any] = ["entries": row.entries, "hours": row.hours, "amount": row.amount, "currency": row.currency]
        for (column, value) in zip(report.columns, row.key) { object[column] = value }
        return object
      }
      let object: [String: Any] = [
        "rows": rows,
        "total": ["entries": report.total.entries, "hours": report.total.hours, "amount": report.total.amount, "currency": report.total.currency],
      ]
      let data = (try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])) ?? Data()
      return String(decoding: data, as: UTF8.self) + "\n"
    case .table:
      var table = [header] + report.rows.map { cells($0, key: $0.key) }
      let totalKey = ["total"] + Array(repeating: "", count: max(0, report.columns.count - 1))
      table.append(cells(report.total, key: totalKey))
      return TextTable.render(
        table, rightAligned: [header.count - 4, header.count - 3, header.count - 2], ruleAboveLast: true)
    }
  }
}

/// `billable export`: entries for billing systems and scripts.
struct Export: ParsableCommand {
  static let configuration = CommandConfiguration(abstract: "Write entries as CSV, JSON or LEDES 1998B to stdout.")

  enum Format: String, ExpressibleByArgument, CaseIterable { case csv, json, ledes98b }

  @OptionGroup var configOptions: ConfigOptions
  @OptionGroup var storeOptions: StoreOptions
  @Option(help: "csv, json or ledes98b.") var format: Format = .csv
  @Option(help: "First work date (YYYY-MM-DD).") var from: String?
  @Option(help: "Last work date (YYYY-MM-DD).") var to: String?
  @Option(help: "LEDES invoice date (YYYY-MM-DD; default: each invoice's last work date).") var invoiceDate: String?
  @Flag(help: "Only entries a person approved or edited (billable review).") var approved = false

  func validate() throws {
    for date in [from, to, invoiceDate].compactMap({ $0 }) where !Scan.isDay(date) {
      throw ValidationError("dates must look like 2025-03-01, found '\(date)'.")
    }
  }

  func run() throws {
    let store = try storeOptions.open(existing: true)
    let output = BufferedOutput()
    switch format {
    case .csv:
      // Streamed: a year of entries need not be held twice (records, then text) to be piped on.
      try output.write(CSVWriter.line(Dataset.columns.map(\.name)))
      try store.forEachEntry(from: from, to: to, includeRejected: false, approvedOnly: approved) {
        try output.write(CSVWriter.line(Dataset.row($0)))
      }
    case .json:
      let entries = try store.entries(from: from, to: to, approvedOnly: approved)
      let objects: [[String: Any]] = entries.map { entry in
        var object: [String: Any] = [:]
        for (column, value) in zip(Dataset.columns, Dataset.row(entry)) {
          switch column.type {
          case "number": object[column.name] = Double(value) ?? 0
          case "integer": object[column.name] = Int(value) ?? 0
          default: object[column.name] = value
          }
        }
        object["sources"] = entry.sources.map { ["message_id": $0.messageID, "content_hash": $0.contentHash] }
        return object
      }
      let data = try JSONSerialization.data(withJSONObject: objects, options: [.prettyPrinted, .sortedKeys])
      try output.write(String(decoding: data, as: UTF8.self) + "\n")
    case .ledes98b:
      // LEDES needs a date on every line: an entry whose mail had no readable date is left
      // out (and said so) rather than sent with an empty date an e-billing system rejects.
      let all = try store.entries(from: from, to: to, approvedOnly: approved)
      let entries = all.filter { !$0.workDate.isEmpty }
      if entries.count < all.count {
        StandardError.write(
          "billable: \(all.count - entries.count) entries have no work date (their mail had no readable Date) and are left "
            + "out of the LEDES file; 'billable review list' shows them")
      }
      let configuration = try configOptions.load()
      var names: [String: String] = [:]
      for timekeeper in configuration.timekeepers {
        let parts = timekeeper.name.split(separator: " ")
        names[timekeeper.id] = parts.count >= 2 ? "\(parts.last ?? ""), \(parts.dropLast().joined(separator: " "))" : timekeeper.name
      }
      let classifications = Dictionary(
        configuration.timekeepers.compactMap { timekeeper in timekeeper.classification.map { (timekeeper.id, $0) } },
        uniquingKeysWith: { first, _ in first })
      try output.write(
        LEDES98B.render(
          entries, timekeeperNames: names, classifications: classifications, lawFirmID: configuration.billing.lawFirmID,
          invoiceDate: invoiceDate))
    }
    try output.flush()
  }
}

/// `billable cache`: what the analysis cache holds.
struct Cache: ParsableCommand {
  static let configuration = CommandConfiguration(abstract: "Inspect or prune the analysis cache.", subcommands: [Stats.self, Prune.self])

  struct Location: ParsableArguments {
    @Option(help: "The SQLite store whose cache this is.") var db: String = "billable.sqlite"
    @Option(help: "The cache folder (default: <db>.cache).") var cacheDir: String?
    var directory: String { cacheDir ?? db + ".cache" }

    /// The cache folder, which must exist: a mistyped --db must not create an empty cache.
    func existing() throws -> String {
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
        throw ExitCodeError(message: "\(directory): no such cache (a scan creates it beside its store; give --db or --cache-dir)")
      }
      return directory
    }
  }

  struct Stats: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Entries, bytes and the last run's hit rate.")
    @OptionGroup var location: Location

    func run() throws {
      let cache = AnalysisCacheView(directory: try location.existing())
      let usage = cache.usage()
      var line = "\(location.directory): \(usage.entries) entries, \(usage.bytes) bytes"
      if let stats = cache.lastRun() {
        let total = stats.hits + stats.misses
        let rate = total == 0 ? 0 : Double(stats.hits) * 100 / Double(total)
        line += String(format: "; last run %d hits, %d misses (%.1f%% hit rate)", stats.hits, stats.misses, rate)
        if let llm = stats.llm {
          line += "; LLM: \(llm["requests"] ?? 0) requests, \(llm["retries"] ?? 0) retries, \(llm["failures"] ?? 0) failures, "
            + "\(llm["fallbacks"] ?? 0) fallbacks, \(llm["prompt_tokens"] ?? 0)+\(llm["completion_tokens"] ?? 0) tokens"
        }
      }
      print(line)
    }
  }

  struct Prune: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Delete entries not written for a while.")
    @OptionGroup var location: Location
    @Option(help: "Age, like 90d, 12h or 30m.") var olderThan: String = "90d"

    func validate() throws {
      if Self.seconds(olderThan) == nil { throw ValidationError("--older-than must be a whole number of days, hours or minutes, like 90d, 12h or 30m (at most 365000d).") }
    }

    static func seconds(_ text: String) -> TimeInterval? {
      // Whole digits only, and no age past a thousand years ("infd" and 1e20 days would
      // overflow the cutoff).
      let digits = text.dropLast()
      guard let unit = text.last, !digits.isEmpty, digits.allSatisfy({ $0 >= "0" && $0 <= "9" }), digits.count <= 9,
        let value = Double(digits), value <= 365_000
      else { return nil }
      switch unit {
      case "d": return value * 86_400
      case "h": return value * 3600
      case "m": return value * 60
      default: return nil
      }
    }

    func run() throws {
      let cutoff = Date().addingTimeInterval(-(Self.seconds(olderThan) ?? 0))
      let removed = AnalysisCacheView(directory: try location.existing()).prune(olderThan: cutoff)
      print("removed \(removed) cache entries older than \(olderThan)")
    }
  }
}
