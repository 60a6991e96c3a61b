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

  /// Everything the reports need.
  package struct Input {
    package var entries: [SettledEntry]
    package var messages: [MessageRecord]
    package var problems: [(runID: Int, problem: Problem)]
    /// The run manifest, already serialised (run-specific; goes to run.json only).
    package var manifest: [String: Any]

    package init(entries: [SettledEntry], messages: [MessageRecord], problems: [(runID: Int, problem: Problem)], manifest: [String: Any]) {
      self.entries = entries
      self.messages = messages
      self.problems = problems
      self.manifest = manifest
    }
  }

  /// Writes the whole dataset to `directory`, replacing what was there only once every file
  /// is written.
  /// - Throws: file errors; the previous dataset is then left as it was.
  package static func write(_ input: Input, to directory: String) throws {
    let target = URL(fileURLWithPath: directory, isDirectory: true)
    let parent = target.deletingLastPathComponent()
    try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
    let staging = parent.appendingPathComponent(".\(target.lastPathComponent).tmp-\(getpid())", isDirectory: true)
    try? FileManager.default.removeItem(at: staging)
    try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
    do {
      try writeFiles(input, into: staging)
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

  static func writeFiles(_ input: Input, into folder: URL) throws {
    let entriesFolder = folder.appendingPathComponent("entries", isDirectory: true)
    try FileManager.default.createDirectory(at: entriesFolder, withIntermediateDirectories: true)
    // entries/month=YYYY-MM/part-00000.csv
    var byMonth: [String: [SettledEntry]] = [:]
    for entry in input.entries {
      let month = entry.workDate.count >= 7 ? String(entry.workDate.prefix(7)) : "unknown"
      byMonth[month, default: []].append(entry)
    }
    var partitions: [[String: Any]] = []
    for month in byMonth.keys.sorted() {
      let rows = byMonth[month] ?? []
      var csv = CSVWriter(header: columns.map(\.name))
      for entry in rows { csv.writeRow(row(entry)) }
      let relative = "month=\(month)/part-00000.csv"
      let url = entriesFolder.appendingPathComponent(relative)
      try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try Data(csv.text.utf8).write(to: url)
      partitions.append(statistics(for: rows, path: relative))
    }
    try writeJSON(schema(partitions: partitions), to: entriesFolder.appendingPathComponent("_schema.json"))

    // entry_sources.csv
    var sources = CSVWriter(header: ["entry_id", "position", "message_id", "content_hash"])
    for entry in input.entries {
      for (position, source) in entry.sources.enumerated() {
        sources.writeRow([entry.entryID, String(position), source.messageID, source.contentHash])
      }
    }
    try Data(sources.text.utf8).write(to: folder.appendingPathComponent("entry_sources.csv"))

    // messages.csv
    var entryCounts: [String: Int] = [:]
    for entry in input.entries {
      for source in entry.sources { entryCounts[source.contentHash, default: 0] += 1 }
    }
    var messages = CSVWriter(
      header: ["content_hash", "message_id", "sources", "sent_at", "direction", "status", "reason", "client", "matter", "entries"])
    for record in input.messages.sorted(by: { ($0.sentAt ?? "", $0.contentHash) < ($1.sentAt ?? "", $1.contentHash) }) {
      let sourceList = record.sources.map(\.location).sorted().joined(separator: "; ")
      messages.writeRow([
        record.contentHash, record.messageID ?? "", sourceList, record.sentAt ?? "", record.direction ?? "", record.status,
        record.reason ?? "", record.client ?? "", record.matter ?? "", String(entryCounts[record.contentHash] ?? 0),
      ])
    }
    try Data(messages.text.utf8).write(to: folder.appendingPathComponent("messages.csv"))

    try Summaries.write(input.entries, into: folder)

    // errors.csv
    var errors = CSVWriter(header: ["run_id", "source", "content_hash", "kind", "severity", "detail", "offset"])
    for (runID, problem) in input.problems {
      errors.writeRow([
        String(runID), problem.source, problem.contentHash ?? "", problem.kind, problem.severity, problem.detail,
        problem.offset.map(String.init) ?? "",
      ])
    }
    try Data(errors.text.utf8).write(to: folder.appendingPathComponent("errors.csv"))
    try writeJSON(input.manifest, to: folder.appendingPathComponent("run.json"))
  }

  /// Row count and min/max of the date and number columns of one partition file.
  static func statistics(for rows: [SettledEntry], path: String) -> [String: Any] {
    func range(_ values: [Double]) -> [String: Any] {
      ["min": values.min() ?? 0, "max": values.max() ?? 0]
    }
    let dates = rows.map(\.workDate).sorted()
    let sent = rows.map(\.sentAt).filter { !$0.isEmpty }.sorted()
    return [
      "path": path,
      "rows": rows.count,
      "stats": [
        "work_date": ["min": dates.first ?? "", "max": dates.last ?? ""],
        "sent_at": ["min": sent.first ?? "", "max": sent.last ?? ""],
        "minutes": range(rows.map(\.minutes)),
        "hours": range(rows.map(\.hours)),
        "rate": range(rows.map(\.rate)),
        "amount": range(rows.map(\.amount)),
        "confidence": range(rows.map(\.confidence)),
        "message_count": range(rows.map { Double($0.messageCount) }),
      ],
    ]
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
