import ArgumentParser
import BillableAnalysis
import BillableConfig
import BillableModel
import BillableReports
import BillableStore
import Foundation

/// `billable review`: the timekeeper's pass over the drafts a scan settled. Reviewed entries
/// are never changed by a later scan, and `export --approved` limits a bill to them.
struct Review: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "List, approve, edit or reject entries; every change is kept with who made it.",
    discussion: """
      Entries are drafts until reviewed. A later scan never changes an approved, edited or \
      rejected entry, and never bills its messages again; `billable export --approved` writes \
      only approved and edited entries. An entry is named by its id or a unique prefix of it, \
      as `review list` prints it.
      """,
    subcommands: [List.self, Approve.self, Reject.self, Edit.self, History.self],
    defaultSubcommand: List.self)

  /// Who made a change: --by, else the login name.
  struct Reviewer: ParsableArguments {
    @Option(help: "Who is reviewing (default: the login name).") var by: String?
    @Option(help: "Why, kept in the history.") var note: String?

    var name: String {
      if let by, !by.isEmpty { return by }
      let environment = ProcessInfo.processInfo.environment
      return environment["USER"] ?? environment["LOGNAME"] ?? "unknown"
    }
  }

  struct Filters: ParsableArguments {
    @Option(help: "First work date (YYYY-MM-DD).") var from: String?
    @Option(help: "Last work date (YYYY-MM-DD).") var to: String?
    @Option(help: "Only this timekeeper.") var timekeeper: String?
    @Option(help: "Only this client.") var client: String?
    @Option(help: "Only this matter.") var matter: String?

    func validate() throws {
      for date in [from, to].compactMap({ $0 }) where !Scan.isDay(date) {
        throw ValidationError("dates must look like 2025-03-01, found '\(date)'.")
      }
    }

    func filter(statuses: [String]?) -> Store.ReviewFilter {
      Store.ReviewFilter(statuses: statuses, from: from, to: to, timekeeper: timekeeper, client: client, matter: matter)
    }
  }

  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List entries (drafts unless --status says otherwise).")

    enum Status: String, ExpressibleByArgument, CaseIterable { case draft, approved, edited, rejected, reviewed, all }
    enum Format: String, ExpressibleByArgument, CaseIterable { case table, csv, json }

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var filters: Filters
    @Option(help: "draft, approved, edited, rejected, reviewed (any of the last three) or all.") var status: Status = .draft
    @Option(help: "table, csv or json.") var format: Format = .table

    func run() throws {
      let store = try storeOptions.open(existing: true)
      let statuses: [String]?
      switch status {
      case .all: statuses = nil
      case .reviewed: statuses = ["approved", "edited", "rejected"]
      default: statuses = [status.rawValue]
      }
      let rows = try store.reviewRows(filters.filter(statuses: statuses))
      print(Review.render(rows, format: format), terminator: "")
    }
  }

  /// The entries an approval or a rejection is for, and who makes it.
  struct Selection: ParsableArguments {
    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var filters: Filters
    @OptionGroup var reviewer: Reviewer
    @Flag(help: "Every draft the filters select.") var all = false
    @Argument(help: "Entry ids or unique prefixes.") var ids: [String] = []

    func validate() throws {
      if ids.isEmpty && !all { throw ValidationError("name the entries, or select drafts with --all (and filters).") }
      if !ids.isEmpty && all { throw ValidationError("give entry ids or --all, not both.") }
      let filtered = [filters.from, filters.to, filters.timekeeper, filters.client, filters.matter].contains { $0 != nil }
      if filtered && !all { throw ValidationError("filters select entries only with --all.") }
    }

    /// Sets the selected entries' status, in one transaction, and says how many changed.
    func set(_ status: String) throws {
      let store = try Review.open(storeOptions)
      let (selected, changed) = try Review.reviewing {
        if all {
          return try store.setReviewStatus(
            draftsIn: filters.filter(statuses: nil), to: status, by: reviewer.name, at: Review.now(), note: reviewer.note)
        }
        let chosen = try store.resolveEntryIDs(ids)
        return (chosen.count, try store.setReviewStatus(chosen, to: status, by: reviewer.name, at: Review.now(), note: reviewer.note))
      }
      let unchanged = selected - changed
      let already = status == "approved" ? "already approved or edited" : "already rejected"
      print("\(status) \(changed) entr\(changed == 1 ? "y" : "ies")\(unchanged > 0 ? " (\(unchanged) \(already))" : "")")
    }
  }

  struct Approve: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Approve entries: by id, or every draft the filters select.")
    @OptionGroup var selection: Selection
    func run() throws { try selection.set("approved") }
  }

  struct Reject: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Reject entries: they stay in the store, out of summaries, exports and the dataset.")
    @OptionGroup var selection: Selection
    func run() throws { try selection.set("rejected") }
  }

  struct Edit: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Change an entry's hours, matter, narrative or activity; it becomes 'edited'.",
      discussion: """
        A new matter brings its client, task code and rate from the configuration; the amount \
        is hours x rate.
        """)

    @OptionGroup var configOptions: ConfigOptions
    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var reviewer: Reviewer
    @Argument(help: "The entry id or a unique prefix.") var id: String
    @Option(help: "Billed hours, as they will be invoiced.") var hours: Double?
    @Option(help: "A matter id from the configuration.") var matter: String?
    @Option(help: "The narrative.") var narrative: String?
    @Option(help: "A UTBMS activity code (A101…A111).") var activity: String?

    func validate() throws {
      if hours == nil && matter == nil && narrative == nil && activity == nil {
        throw ValidationError("say what to change: --hours, --matter, --narrative or --activity.")
      }
      if let hours, !(hours >= 0 && hours <= 24) { throw ValidationError("--hours must be between 0 and 24, found \(hours).") }
      if let narrative, narrative.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
        throw ValidationError("--narrative cannot be empty.")
      }
      if let activity, ActivityCode(rawValue: activity.uppercased()) == nil {
        throw ValidationError(
          "--activity must be one of \(ActivityCode.allCases.map(\.rawValue).joined(separator: ", ")), found '\(activity)'.")
      }
    }

    func run() throws {
      let store = try Review.open(storeOptions)
      let entryID = try Review.resolve([id], in: store)[0]
      var edit = Store.EntryEdit()
      edit.hours = hours.map { ($0 * 100).rounded() / 100 }
      edit.narrative = narrative?.trimmingCharacters(in: .whitespacesAndNewlines)
      edit.activityCode = activity?.uppercased()
      if let matter {
        let configuration = try configOptions.load()
        guard let record = configuration.matter(matter) else {
          throw ExitCodeError(
            message: "\(configOptions.config): no matter '\(matter)'; the matters are \(configuration.matters.map(\.id).joined(separator: ", "))")
        }
        guard let current = try store.reviewRow(entryID) else { throw ExitCodeError(message: "no entry \(entryID)") }
        edit.matter = record.id
        edit.client = record.client
        edit.taskCode = record.taskCode ?? ""
        edit.rate = Pricing(configuration: configuration).rate(client: record.client, matter: record.id, timekeeper: current.timekeeper)
      }
      let row = try Review.reviewing {
        try store.editEntry(entryID, edit, by: reviewer.name, at: Review.now(), note: reviewer.note)
      }
      print(Review.render([row], format: .table), terminator: "")
    }
  }

  struct History: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Who changed what, oldest first: of one entry, or of all.")

    @OptionGroup var storeOptions: StoreOptions
    @Argument(help: "The entry id or a unique prefix (default: every entry).") var id: String?

    func run() throws {
      let store = try storeOptions.open(existing: true)
      let entryID = try id.map { try Review.resolve([$0], in: store)[0] }
      for event in try store.reviewHistory(entryID) {
        var line = "\(event.at)  \(event.by)  \(event.action)  \(event.entryID)"
        if let field = event.field { line += "  \(field): \(event.oldValue ?? "") -> \(event.newValue ?? "")" }
        if let note = event.note, !note.isEmpty { line += "  (\(note))" }
        print(TerminalText.printable(line))
      }
    }
  }

  // MARK: - Shared

  /// When a change is made, to the millisecond: two changes in one second stay two, in order.
  static func now() -> String {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    return formatter.string(from: Date())
  }

  /// Opens the store for a review, waiting up to a minute for a scan that is writing it.
  static func open(_ options: StoreOptions) throws -> Store {
    let store = try options.open(existing: true)
    store.waitForWriters(seconds: 60)
    return store
  }

  static func resolve(_ ids: [String], in store: Store) throws -> [String] {
    try reviewing { try store.resolveEntryIDs(ids) }
  }

  /// A review error is the user's to fix: a clear message and status 1, not a trace.
  static func reviewing<T>(_ body: () throws -> T) throws -> T {
    do {
      return try body()
    } catch let error as Store.ReviewError {
      throw ExitCodeError(message: "\(error)")
    }
  }

  static func render(_ rows: [Store.ReviewRow], format: List.Format) -> String {
    let header = [
      "entry_id", "status", "work_date", "timekeeper", "client", "matter", "activity_code", "basis", "hours", "amount",
      "currency", "narrative",
    ]
    func cells(_ row: Store.ReviewRow, idLength: Int?) -> [String] {
      [
        idLength.map { String(row.entryID.prefix($0)) } ?? row.entryID, row.status, row.workDate, row.timekeeper, row.client,
        row.matter, row.activityCode, row.basis, CSVWriter.decimal(row.hours, places: 2),
        CSVWriter.decimal(row.amount, places: 2), row.currency, row.narrative,
      ]
    }
    switch format {
    case .csv:
      var csv = CSVWriter(header: header, guardsFormulas: true)
      for row in rows { csv.writeRow(cells(row, idLength: nil)) }
      return csv.text
    case .json:
      let objects: [[String: Any]] = rows.map { row in
        [
          "entry_id": row.entryID, "status": row.status, "work_date": row.workDate, "timekeeper": row.timekeeper,
          "client": row.client, "matter": row.matter, "activity_code": row.activityCode, "task_code": row.taskCode,
          "basis": row.basis, "minutes": row.minutes, "hours": row.hours, "rate": row.rate, "amount": row.amount,
          "currency": row.currency, "narrative": row.narrative, "evidence": row.evidence, "message_count": row.messageCount,
        ]
      }
      let data = (try? JSONSerialization.data(withJSONObject: objects, options: [.prettyPrinted, .sortedKeys])) ?? Data()
      return String(decoding: data, as: UTF8.self) + "\n"
    case .table:
      guard !rows.isEmpty else { return "no entries\n" }
      // Ids as short as keeps them unique (at least 8), as git abbreviates commits.
      var idLength = 8
      while idLength < 32, Set(rows.map { $0.entryID.prefix(idLength) }).count < rows.count { idLength += 2 }
      let short = ["id", "status", "date", "tk", "client", "matter", "act", "basis", "hours", "amount", "cur", "narrative"]
      let table = [short] + rows.map { row in
        var line = cells(row, idLength: idLength)  // TextTable makes every cell printable
        line[11] = line[11].count > 60 ? String(line[11].prefix(59)) + "…" : line[11]
        return line
      }
      let hours = rows.reduce(0) { $0 + $1.hours }
      return TextTable.render(table, rightAligned: [8, 9])
        + "\(rows.count) entr\(rows.count == 1 ? "y" : "ies"), \(CSVWriter.decimal(hours, places: 2)) h\n"
    }
  }
}
