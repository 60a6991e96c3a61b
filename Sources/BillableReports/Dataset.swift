import BillableModel
import Foundation

/// The entries dataset and its companions, written into a fresh folder and then swapped in
/// for the previous one, so a failed run leaves the previous output whole.
///
///     entries/month=YYYY-MM/part-00000.csv   entries, partitioned by work month (Hive style)
///     entries/_schema.json                   Frictionless Table Schema + per-file statistics
///     entry_sources.csv, messages.csv, summary_by_{matter,day,week}.csv, errors.csv, run.json
///
/// Entries files hold nothing run-specific, so two runs over the same inputs write identical
/// bytes; `run.json` and `errors.csv` are where run details go.
/// Where the dataset's rows come from (the store, in the executable).
package protocol DatasetSource {
  func forEachEntry(from: String?, to: String?, includeRejected: Bool, _ body: (SettledEntry) throws -> Void) throws
  func forEachMessage(_ body: (MessageRow) throws -> Void) throws
  func forEachProblem(_ body: (Int, Problem) throws -> Void) throws
  /// A second source over the same rows that another thread may read while this one is in
  /// use, or `nil` if there is none (the files are then written one after the other).
  func concurrentReader() throws -> Self?
}

package enum Dataset {
  /// The entries columns, in order, with their types and descriptions.
  package static let columns: [(name: String, type: String, format: String?, description: String)] = [
    ("entry_id", "string", nil, "Deterministic id: the same inputs and configuration give the same id, so re-runs upsert"),
    ("message_id", "string", nil, "Message-ID (without <>) of the entry's first message"),
    ("content_hash", "string", nil, "SHA-256 of the first message's canonical bytes"),
    ("source", "string", nil, "Where the first message was read: file, and message number and byte offset in an mbox"),
    ("thread_id", "string", nil, "Message-ID of the thread's first message"),
    ("sent_at", "datetime", "any", "The first message's Date, ISO 8601 with its UTC offset"),
    ("work_date", "date", "%Y-%m-%d", "The day the work was done, in the timekeeper's time zone"),
    ("timekeeper", "string", nil, "Timekeeper id from billable.toml"),
    ("direction", "string", nil, "sent or received, from the timekeeper's side"),
    ("client", "string", nil, "Client id"),
    ("matter", "string", nil, "Matter id (empty when the client has several and none was named)"),
    ("activity_code", "string", nil, "UTBMS activity code (A101 to A111)"),
    ("task_code", "string", nil, "The matter's UTBMS task code, if configured"),
    ("basis", "string", nil, "explicit (stated in the mail), calendar (an invite) or estimated (reading or writing time)"),
    ("minutes", "number", nil, "Raw minutes before rounding"),
    ("hours", "number", nil, "Billed hours, rounded to the billing increment"),
    ("rate", "number", nil, "Hourly rate applied"),
    ("amount", "number", nil, "hours x rate"),
    ("currency", "string", nil, "ISO 4217 currency code"),
    ("narrative", "string", nil, "One-task description of the work"),
    ("evidence", "string", nil, "What produced the entry, quoted from the mail"),
    ("confidence", "number", nil, "0 to 1: the analyzer's confidence that this is billable time"),
    ("analyzer", "string", nil, "Analyzer and version that produced the entry"),
    ("message_count", "integer", nil, "How many messages the entry covers (see entry_sources.csv)"),
  ]

  package static func row(_ entry: SettledEntry) -> [String] {
    [
      entry.entryID, entry.messageID, entry.contentHash, entry.source, entry.threadID, entry.sentAt, entry.workDate,
      entry.timekeeper, entry.direction, entry.client, entry.matter, entry.activityCode, entry.taskCode, entry.basis,
      CSVWriter.decimal(entry.minutes, places: 2), CSVWriter.decimal(entry.hours, places: 2),
      CSVWriter.decimal(entry.rate, places: 2), CSVWriter.decimal(entry.amount, places: 2), entry.currency,
      entry.narrative, entry.evidence, CSVWriter.decimal(entry.confidence, places: 2), entry.analyzer,
      String(entry.messageCount),
    ]
  }

  /// Writes the whole dataset to `directory`, replacing what was there only once every file
  /// is written. Rows stream from `source`, so memory does not grow with the store.
  /// - Parameter manifest: the run manifest (run-specific; it goes to run.json only).
  /// - Throws: file errors; the previous dataset is then left as it was.
  package static func write(_ source: any DatasetSource, manifest: [String: Any], to directory: String) throws {
    if let refusal = refusal(toReplace: directory, keeping: []) { throw DatasetTargetError(message: refusal) }
    // A link to the dataset folder stays a link: the folder it leads to is replaced.
    let target = URL(fileURLWithPath: directory, isDirectory: true).resolvingSymlinksInPath()
    let parent = target.deletingLastPathComponent()
    try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
    removeAbandonedStaging(of: target)
    let staging = parent.appendingPathComponent(".\(target.lastPathComponent).tmp-\(getpid())", isDirectory: true)
    try? FileManager.default.removeItem(at: staging)
    try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
    do {
      try writeFiles(source, manifest: manifest, into: staging)
      let old = parent.appendingPathComponent(".\(target.lastPathComponent).old-\(getpid())", isDirectory: true)
      let hadPrevious = FileManager.default.fileExists(atPath: target.path)
      if hadPrevious { try FileManager.default.moveItem(at: target, to: old) }
      do {
        try FileManager.default.moveItem(at: staging, to: target)
      } catch {
        if hadPrevious { try? FileManager.default.moveItem(at: old, to: target) }
        throw error
      }
      if hadPrevious { try? FileManager.default.removeItem(at: old) }
    } catch {
      try? FileManager.default.removeItem(at: staging)
      throw error
    }
  }

  /// Why the dataset may not replace what is at `directory`, or nil. The swap replaces only
  /// a folder billable wrote (it holds run.json) or an empty one: anything else there (a
  /// Maildir, a project folder, a file) is the user's, and `--out` naming it is a mistake
  /// that must not delete it. Nor may the folder hold a path the run keeps (the store, an
  /// input), which a scan writing into its own reports folder would otherwise delete.
  package static func refusal(toReplace directory: String, keeping kept: [String]) -> String? {
    let target = URL(fileURLWithPath: directory, isDirectory: true).resolvingSymlinksInPath()
    let prefix = target.path.hasSuffix("/") ? target.path : target.path + "/"
    for path in kept {
      let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
      if resolved == target.path || resolved.hasPrefix(prefix) {
        return "\(directory) holds \(path), which writing the dataset there would delete; choose another --out"
      }
    }
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: target.path, isDirectory: &isDirectory) else { return nil }
    guard isDirectory.boolValue else {
      return "\(directory) is a file; the dataset needs a folder of its own (a new one, or one billable wrote)"
    }
    let contents = (try? FileManager.default.contentsOfDirectory(atPath: target.path)) ?? []
    if contents.isEmpty { return nil }
    guard contents.contains("run.json") else {
      return "\(directory) exists and is not a billable dataset (it has no run.json); writing one there would delete "
        + "what it holds: choose a new or empty folder, or one an earlier scan wrote"
    }
    // A dataset holds only what billable writes: anything else (a file someone added, a
    // folder with a run.json of its own) would be deleted with it.
    if let foreign = contents.sorted().first(where: { !Self.datasetNames.contains($0) }) {
      return "\(directory) holds \(foreign), which billable did not write and replacing the dataset would delete; "
        + "move it out, or choose another --out"
    }
    return nil
  }

  /// Everything a dataset folder holds.
  static let datasetNames: Set<String> = [
    "entries", "entry_sources.csv", "messages.csv", "summary_by_matter.csv", "summary_by_day.csv",
    "summary_by_week.csv", "errors.csv", "run.json", ".DS_Store",
  ]

  /// Staging and old folders left beside the target by a run that was killed mid-swap.
  static func removeAbandonedStaging(of target: URL) {
    let parent = target.deletingLastPathComponent()
    let name = target.lastPathComponent
    guard let siblings = try? FileManager.default.contentsOfDirectory(atPath: parent.path) else { return }
    for sibling in siblings {
      for marker in [".\(name).tmp-", ".\(name).old-"] where sibling.hasPrefix(marker) {
        guard let pid = Int32(sibling.dropFirst(marker.count)), pid != getpid() else { continue }
        if kill(pid, 0) == -1 && errno == ESRCH {
          try? FileManager.default.removeItem(at: parent.appendingPathComponent(sibling))
        }
      }
    }
  }

  static func writeFiles(_ source: any DatasetSource, manifest: [String: Any], into folder: URL) throws {
    // messages.csv reads only messages and their sources: given a second reader, it is
    // written on a thread of its own beside the entries, which take as long.
    let messagesFile = folder.appendingPathComponent("messages.csv")
    let background = try source.concurrentReader().map { reader in Background { try writeMessages(reader, to: messagesFile) } }
    do {
      try writeEntriesAndSummaries(source, into: folder)
      if let background { try background.wait() } else { try writeMessages(source, to: messagesFile) }
    } catch {
      // Nothing may still be writing into the folder when the caller removes it.
      try? background?.wait()
      throw error
    }

    let errors = try StreamingFile(folder.appendingPathComponent("errors.csv"))
    try errors.write(CSVWriter(header: ["run_id", "source", "content_hash", "kind", "severity", "detail", "offset"]).text)
    try source.forEachProblem { runID, problem in
      try errors.write(
        CSVWriter.line([
          String(runID), problem.source, problem.contentHash ?? "", problem.kind, problem.severity, problem.detail,
          problem.offset.map(String.init) ?? "",
        ]))
    }
    try errors.close()
    try writeJSON(manifest, to: folder.appendingPathComponent("run.json"))
  }

  /// The entries partitions, entry_sources.csv, the schema and the summaries: one pass over
  /// the entries.
  static func writeEntriesAndSummaries(_ source: any DatasetSource, into folder: URL) throws {
    let entriesFolder = folder.appendingPathComponent("entries", isDirectory: true)
    try FileManager.default.createDirectory(at: entriesFolder, withIntermediateDirectories: true)
    let header = CSVWriter(header: columns.map(\.name)).text
    var partitions: [[String: Any]] = []
    var month: String? = nil
    var partition: StreamingFile? = nil
    var stats = PartitionStatistics()
    var summaries = Summaries.Accumulator()
    let sources = try StreamingFile(folder.appendingPathComponent("entry_sources.csv"))
    try sources.write(CSVWriter(header: ["entry_id", "position", "message_id", "content_hash"]).text)

    func closePartition() throws {
      guard let month, let partition else { return }
      try partition.close()
      partitions.append(stats.json(path: "month=\(month)/part-00000.csv"))
    }
    // Entries arrive ordered by work date, so each month's rows are contiguous.
    try source.forEachEntry(from: nil, to: nil, includeRejected: false) { entry in
      let entryMonth = entry.workDate.count >= 7 ? String(entry.workDate.prefix(7)) : "unknown"
      if entryMonth != month {
        try closePartition()
        month = entryMonth
        let url = entriesFolder.appendingPathComponent("month=\(entryMonth)/part-00000.csv")
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        partition = try StreamingFile(url)
        try partition?.write(header)
        stats = PartitionStatistics()
      }
      try partition?.write(CSVWriter.line(row(entry)))
      stats.add(entry)
      summaries.add(entry)
      for (position, source) in entry.sources.enumerated() {
        try sources.write(CSVWriter.line([entry.entryID, String(position), source.messageID, source.contentHash]))
      }
    }
    try closePartition()
    try sources.close()
    try writeJSON(schema(partitions: partitions), to: entriesFolder.appendingPathComponent("_schema.json"))
    try summaries.write(into: folder)
  }

  static func writeMessages(_ source: any DatasetSource, to file: URL) throws {
    let messages = try StreamingFile(file)
    try messages.write(
      CSVWriter(
        header: ["content_hash", "message_id", "sources", "sent_at", "direction", "status", "reason", "client", "matter", "entries"]
      ).text)
    try source.forEachMessage { record in
      try messages.write(
        CSVWriter.line([
          record.contentHash, record.messageID,
          record.sources.sorted().joined(separator: "; ") + (record.moreSources > 0 ? "; and \(record.moreSources) more" : ""),
          record.sentAt,
          record.direction, record.status, record.reason, record.client, record.matter, String(record.entries),
        ]))
    }
    try messages.close()
  }

  /// Work on a thread of its own; `wait` returns when it is done and rethrows its error.
  private final class Background: @unchecked Sendable {
    private let work: () throws -> Void
    private let done = DispatchSemaphore(value: 0)
    private var failure: (any Error)?

    init(_ work: @escaping () throws -> Void) {
      self.work = work
      Thread { self.run() }.start()
    }

    private func run() {
      do { try work() } catch { failure = error }
      done.signal()
    }

    func wait() throws {
      done.wait()
      done.signal()  // a second wait returns at once
      if let failure { throw failure }
    }
  }

  /// Row count and min/max of the date and number columns of one partition file, kept as
  /// rows stream past.
  struct PartitionStatistics {
    var rows = 0
    var text: [String: (min: String, max: String)] = [:]
    var numbers: [String: (min: Double, max: Double)] = [:]

    mutating func add(_ entry: SettledEntry) {
      rows += 1
      for (name, value) in [("work_date", entry.workDate), ("sent_at", entry.sentAt)] where !value.isEmpty {
        let current = text[name] ?? (value, value)
        text[name] = (min(current.min, value), max(current.max, value))
      }
      for (name, value) in [
        ("minutes", entry.minutes), ("hours", entry.hours), ("rate", entry.rate), ("amount", entry.amount),
        ("confidence", entry.confidence), ("message_count", Double(entry.messageCount)),
      ] {
        let current = numbers[name] ?? (value, value)
        numbers[name] = (Swift.min(current.min, value), Swift.max(current.max, value))
      }
    }

    func json(path: String) -> [String: Any] {
      var stats: [String: Any] = [:]
      for (name, range) in text { stats[name] = ["min": range.min, "max": range.max] }
      for (name, range) in numbers { stats[name] = ["min": range.min, "max": range.max] }
      return ["path": path, "rows": rows, "stats": stats]
    }
  }

  static func schema(partitions: [[String: Any]]) -> [String: Any] {
    [
      "name": "entries",
      "profile": "tabular-data-resource",
      "format": "csv",
      "encoding": "utf-8",
      "dialect": ["delimiter": ",", "doubleQuote": true, "header": true, "lineTerminator": "\n"],
      "partitioning": ["style": "hive", "columns": ["month"]],
      "schema": [
        "fields": columns.map { column -> [String: Any] in
          var field: [String: Any] = ["name": column.name, "type": column.type, "description": column.description]
          if let format = column.format { field["format"] = format }
          return field
        },
        "primaryKey": ["entry_id"],
      ],
      "partitions": partitions,
    ]
  }

  /// Sorted keys and a final newline: byte-identical for identical content.
  static func writeJSON(_ object: [String: Any], to url: URL) throws {
    var data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    data.append(0x0A)
    try data.write(to: url)
  }
}

/// `--out` names something the dataset may not replace.
package struct DatasetTargetError: Error, CustomStringConvertible, LocalizedError {
  package let message: String
  package var description: String { message }
  package var errorDescription: String? { message }
}
