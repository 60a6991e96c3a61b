import BillableModel
import CSQLite
import Foundation

/// billable's SQLite store: runs, every message seen (with its sources and per-timekeeper
/// analyses), the settled entries with their sources, and errors.
///
/// Each scan batch is one transaction (`save`), and settling replaces the draft entries in one
/// more, so a run killed at any moment leaves whole batches and never half an entry set.
package final class Store {
  let connection: Connection
  package let path: String
  private let encoder: JSONEncoder = {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    return encoder
  }()

  /// Opens (creating if needed) the store at `path`; `:memory:` for tests.
  /// - Throws: `StoreError` when the file cannot be opened or its schema is newer than this
  ///   version of billable knows.
  package init(path: String) throws {
    self.path = path
    connection = try Connection(path: path)
    if path != ":memory:" { try connection.execute("PRAGMA journal_mode = WAL") }
    try connection.execute("PRAGMA foreign_keys = ON")
    try connection.execute("PRAGMA synchronous = NORMAL")
    try migrate()
  }

  private func migrate() throws {
    let version = try connection.scalarInt("PRAGMA user_version")
    if version > Migrations.all.count {
      throw StoreError(
        path: path,
        message: "the database was written by a newer billable (schema \(version), this one knows \(Migrations.all.count)); upgrade billable",
        sql: nil)
    }
    for (index, migration) in Migrations.all.enumerated() where index >= version {
      try connection.transaction {
        try connection.execute(migration.sql)
        try connection.execute("PRAGMA user_version = \(index + 1)")
      }
    }
  }

  /// The schema version (the number of migrations applied).
  package var schemaVersion: Int { (try? connection.scalarInt("PRAGMA user_version")) ?? 0 }

  // MARK: Runs

  /// Records the start of a run and returns its id.
  package func beginRun(startedAt: String, inputs: [String], analyzer: String, fingerprint: String) throws -> Int {
    let statement = try connection.prepare(
      "INSERT INTO runs (started_at, status, inputs, analyzer, fingerprint) VALUES (?1, 'running', ?2, ?3, ?4)")
    try statement.run([startedAt, inputs.joined(separator: "\n"), analyzer, fingerprint])
    return Int(sqlite3_last_insert_rowid(connection.handle))
  }

  /// The run's final counts and status.
  package struct RunCounts: Sendable {
    package var messagesRead = 0
    package var messagesNew = 0
    package var duplicates = 0
    package var cacheHits = 0
    package var cacheMisses = 0
    package var errors = 0
    package init() {}
  }

  package func finishRun(_ runID: Int, finishedAt: String, status: String, counts: RunCounts) throws {
    let statement = try connection.prepare(
      """
      UPDATE runs SET finished_at = ?2, status = ?3, messages_read = ?4, messages_new = ?5, duplicates = ?6,
        cache_hits = ?7, cache_misses = ?8, errors = ?9 WHERE run_id = ?1
      """)
    try statement.run([
      runID, finishedAt, status, counts.messagesRead, counts.messagesNew, counts.duplicates, counts.cacheHits,
      counts.cacheMisses, counts.errors,
    ])
  }

  // MARK: Messages

  /// Whether a message with this content hash is already stored.
  package func contains(contentHash: String) throws -> Bool {
    let statement = try connection.prepare("SELECT 1 FROM messages WHERE content_hash = ?1")
    statement.bind([contentHash])
    return try statement.step()
  }

  /// Saves one batch in one transaction: messages (upserted), their sources, their analyses
  /// (replaced), and their problems. Returns how many messages were new to the store.
  @discardableResult
  package func save(_ batch: [MessageRecord], runID: Int, fingerprint: String) throws -> Int {
    try connection.transaction {
      let exists = try connection.prepare("SELECT 1 FROM messages WHERE content_hash = ?1")
      let upsertMessage = try connection.prepare(
        """
        INSERT INTO messages (content_hash, message_id, thread_id, sent_at, subject, from_address, status, reason, client,
          matter, direction, first_run_id, last_run_id)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12)
        ON CONFLICT (content_hash) DO UPDATE SET message_id = excluded.message_id, thread_id = excluded.thread_id,
          sent_at = excluded.sent_at, subject = excluded.subject, from_address = excluded.from_address,
          status = excluded.status, reason = excluded.reason, client = excluded.client, matter = excluded.matter,
          direction = excluded.direction, last_run_id = excluded.last_run_id
        """)
      let upsertSource = try connection.prepare(
        """
        INSERT INTO message_sources (content_hash, path, format, position, byte_offset) VALUES (?1, ?2, ?3, ?4, ?5)
        ON CONFLICT (content_hash, path, position) DO UPDATE SET byte_offset = excluded.byte_offset
        """)
      let deleteAnalyses = try connection.prepare("DELETE FROM analyses WHERE content_hash = ?1")
      let insertAnalysis = try connection.prepare(
        "INSERT INTO analyses (content_hash, timekeeper, analyzer, analysis_json) VALUES (?1, ?2, ?3, ?4)")
      let insertProblem = try connection.prepare(
        """
        INSERT INTO errors (run_id, source, content_hash, kind, severity, detail, byte_offset)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
        """)
      var new = 0
      for record in batch {
        exists.bind([record.contentHash])
        if try !exists.step() { new += 1 }
        try upsertMessage.run([
          record.contentHash, record.messageID, record.threadID, record.sentAt, record.subject, record.fromAddress,
          record.status, record.reason, record.client, record.matter, record.direction, runID,
        ])
        for source in record.sources {
          try upsertSource.run([
            record.contentHash, source.path, source.format.rawValue, Self.position(of: source), Int(source.byteOffset),
          ])
        }
        try deleteAnalyses.run([record.contentHash])
        for analysis in record.analyses {
          let json = String(decoding: try encoder.encode(analysis), as: UTF8.self)
          try insertAnalysis.run([record.contentHash, analysis.timekeeper, fingerprint, json])
        }
        for problem in record.problems {
          try insertProblem.run([
            runID, problem.source, problem.contentHash, problem.kind, problem.severity, problem.detail, problem.offset,
          ])
        }
      }
      return new
    }
  }

  /// The fingerprint the message's analyses were made under (`nil` if not stored).
  package func storedFingerprint(contentHash: String) throws -> String? {
    let statement = try connection.prepare("SELECT analyzer FROM analyses WHERE content_hash = ?1 LIMIT 1")
    statement.bind([contentHash])
    if try statement.step() { return statement.string(0) }
    // A stored message with no analyses (none apply) is still known under the run's fingerprint.
    let known = try connection.prepare("SELECT r.fingerprint FROM messages m JOIN runs r ON r.run_id = m.last_run_id WHERE m.content_hash = ?1")
    known.bind([contentHash])
    return try known.step() ? known.string(0) : nil
  }

  /// Adds sources to messages already stored (found again in another file or a later run).
  package func addSources(_ sources: [(contentHash: String, source: SourceRef)], runID: Int) throws {
    guard !sources.isEmpty else { return }
    try connection.transaction {
      let upsert = try connection.prepare(
        """
        INSERT INTO message_sources (content_hash, path, format, position, byte_offset)
        SELECT ?1, ?2, ?3, ?4, ?5 WHERE EXISTS (SELECT 1 FROM messages WHERE content_hash = ?1)
        ON CONFLICT (content_hash, path, position) DO UPDATE SET byte_offset = excluded.byte_offset
        """)
      let touch = try connection.prepare("UPDATE messages SET last_run_id = ?2 WHERE content_hash = ?1")
      for (hash, source) in sources {
        try upsert.run([hash, source.path, source.format.rawValue, Self.position(of: source), Int(source.byteOffset)])
        try touch.run([hash, runID])
      }
    }
  }

  /// Records problems that belong to no message (an unreadable file).
  package func record(_ problems: [Problem], runID: Int) throws {
    guard !problems.isEmpty else { return }
    try connection.transaction {
      let insert = try connection.prepare(
        "INSERT INTO errors (run_id, source, content_hash, kind, severity, detail, byte_offset) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
      for problem in problems {
        try insert.run([runID, problem.source, problem.contentHash, problem.kind, problem.severity, problem.detail, problem.offset])
      }
    }
  }

  static func position(of source: SourceRef) -> String {
    if let index = source.index { return String(index) }
    return source.maildirKey ?? ""
  }

  /// Every stored message with its analyses, ordered by content hash.
  package func allMessages() throws -> [MessageRecord] {
    let decoder = JSONDecoder()
    var records: [String: MessageRecord] = [:]
    var order: [String] = []
    let messages = try connection.prepare(
      """
      SELECT content_hash, message_id, thread_id, sent_at, subject, from_address, status, reason, client, matter, direction
      FROM messages ORDER BY content_hash
      """)
    messages.bind([])
    while try messages.step() {
      let hash = messages.string(0) ?? ""
      order.append(hash)
      records[hash] = MessageRecord(
        contentHash: hash, messageID: messages.string(1), threadID: messages.string(2), sentAt: messages.string(3),
        subject: messages.string(4) ?? "", fromAddress: messages.string(5) ?? "", status: messages.string(6) ?? "error",
        reason: messages.string(7), client: messages.string(8), matter: messages.string(9), direction: messages.string(10),
        sources: [], analyses: [], problems: [])
    }
    let sources = try connection.prepare(
      "SELECT content_hash, path, format, position, byte_offset FROM message_sources ORDER BY content_hash, path, position")
    sources.bind([])
    while try sources.step() {
      guard let hash = sources.string(0) else { continue }
      let position = sources.string(3) ?? ""
      let format = SourceRef.Format(rawValue: sources.string(2) ?? "") ?? .eml
      var source = SourceRef(path: sources.string(1) ?? "", format: format, byteOffset: Int64(sources.int(4)))
      if format == .maildir { source.maildirKey = position } else if let index = Int(position) { source.index = index }
      records[hash]?.sources.append(source)
    }
    let analyses = try connection.prepare("SELECT content_hash, analysis_json FROM analyses ORDER BY content_hash, timekeeper")
    analyses.bind([])
    while try analyses.step() {
      guard let hash = analyses.string(0), let json = analyses.string(1),
        let analysis = try? decoder.decode(MessageAnalysis.self, from: Data(json.utf8))
      else { continue }
      records[hash]?.analyses.append(analysis)
    }
    return order.compactMap { records[$0] }
  }

  // MARK: Entries

  /// Replaces every draft entry with `entries` in one transaction. Entries a person has
  /// approved, edited or rejected are never touched.
  package func replaceDraftEntries(_ entries: [SettledEntry]) throws {
    try connection.transaction {
      let reviewed = try connection.prepare("SELECT entry_id FROM entries WHERE status <> 'draft'")
      reviewed.bind([])
      var keep: Set<String> = []
      while try reviewed.step() { if let id = reviewed.string(0) { keep.insert(id) } }
      try connection.execute("DELETE FROM entry_sources WHERE entry_id IN (SELECT entry_id FROM entries WHERE status = 'draft')")
      try connection.execute("DELETE FROM entries WHERE status = 'draft'")
      let insert = try connection.prepare(
        """
        INSERT INTO entries (entry_id, message_id, content_hash, source, thread_id, sent_at, work_date, timekeeper,
          direction, client, matter, activity_code, task_code, basis, minutes, hours, rate, amount, currency, narrative,
          evidence, confidence, analyzer, message_count)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24)
        """)
      let insertSource = try connection.prepare(
        "INSERT INTO entry_sources (entry_id, position, content_hash, message_id) VALUES (?1, ?2, ?3, ?4)")
      for entry in entries where !keep.contains(entry.entryID) {
        try insert.run([
          entry.entryID, entry.messageID, entry.contentHash, entry.source, entry.threadID, entry.sentAt, entry.workDate,
          entry.timekeeper, entry.direction, entry.client, entry.matter, entry.activityCode, entry.taskCode, entry.basis,
          entry.minutes, entry.hours, entry.rate, entry.amount, entry.currency, entry.narrative, entry.evidence,
          entry.confidence, entry.analyzer, entry.messageCount,
        ])
        for (position, source) in entry.sources.enumerated() {
          try insertSource.run([entry.entryID, position, source.contentHash, source.messageID])
        }
      }
    }
  }

  /// Entries (all statuses but rejected, unless asked), ordered by work date, timekeeper, id.
  package func entries(from: String? = nil, to: String? = nil, includeRejected: Bool = false) throws -> [SettledEntry] {
    let statement = try connection.prepare(
      """
      SELECT entry_id, message_id, content_hash, source, thread_id, sent_at, work_date, timekeeper, direction, client,
        matter, activity_code, task_code, basis, minutes, hours, rate, amount, currency, narrative, evidence, confidence,
        analyzer, message_count
      FROM entries
      WHERE (?1 IS NULL OR work_date >= ?1) AND (?2 IS NULL OR work_date <= ?2) AND (?3 = 1 OR status <> 'rejected')
      ORDER BY work_date, timekeeper, client, matter, entry_id
      """)
    statement.bind([from, to, includeRejected ? 1 : 0])
    var result: [SettledEntry] = []
    while try statement.step() {
      result.append(
        SettledEntry(
          entryID: statement.string(0) ?? "", messageID: statement.string(1) ?? "", contentHash: statement.string(2) ?? "",
          source: statement.string(3) ?? "", threadID: statement.string(4) ?? "", sentAt: statement.string(5) ?? "",
          workDate: statement.string(6) ?? "", timekeeper: statement.string(7) ?? "", direction: statement.string(8) ?? "",
          client: statement.string(9) ?? "", matter: statement.string(10) ?? "", activityCode: statement.string(11) ?? "",
          taskCode: statement.string(12) ?? "", basis: statement.string(13) ?? "", minutes: statement.double(14),
          hours: statement.double(15), rate: statement.double(16), amount: statement.double(17),
          currency: statement.string(18) ?? "", narrative: statement.string(19) ?? "", evidence: statement.string(20) ?? "",
          confidence: statement.double(21), analyzer: statement.string(22) ?? "", messageCount: statement.int(23),
          sources: []))
    }
    let sources = try connection.prepare(
      "SELECT entry_id, content_hash, message_id FROM entry_sources ORDER BY entry_id, position")
    sources.bind([])
    var byEntry: [String: [EntrySource]] = [:]
    while try sources.step() {
      byEntry[sources.string(0) ?? "", default: []].append(
        EntrySource(contentHash: sources.string(1) ?? "", messageID: sources.string(2) ?? ""))
    }
    for index in result.indices { result[index].sources = byEntry[result[index].entryID] ?? [] }
    return result
  }

  /// Every problem recorded, oldest first.
  package func problems() throws -> [(runID: Int, problem: Problem)] {
    let statement = try connection.prepare(
      "SELECT run_id, source, content_hash, kind, severity, detail, byte_offset FROM errors ORDER BY error_id")
    statement.bind([])
    var result: [(Int, Problem)] = []
    while try statement.step() {
      result.append(
        (
          statement.int(0),
          Problem(
            source: statement.string(1) ?? "", contentHash: statement.string(2), kind: statement.string(3) ?? "",
            severity: statement.string(4) ?? "", detail: statement.string(5) ?? "",
            offset: sqlite3_column_type(statement.handle, 6) == SQLITE_NULL ? nil : statement.int(6))
        ))
    }
    return result
  }

  /// Problems of one run.
  package func problems(runID: Int) throws -> [Problem] {
    try problems().filter { $0.runID == runID }.map(\.problem)
  }

  /// A count from a table (for run.json and tests).
  package func count(_ table: String, where condition: String = "1") throws -> Int {
    try connection.scalarInt("SELECT COUNT(*) FROM \(table) WHERE \(condition)")
  }
}
