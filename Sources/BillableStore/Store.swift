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
  /// Prepared once: `storedFingerprints` runs for every batch a scan reads.
  private var fingerprintStatement: Statement?
  /// A second connection for `storedFingerprints`, so that a lookup never waits behind a
  /// commit on the writing thread (in WAL mode it reads the last committed state). An
  /// in-memory store has only the one connection.
  private var lookupConnection: Connection?

  /// Opens (creating if needed) the store at `path`; `:memory:` for tests.
  /// - Throws: `StoreError` when the file cannot be opened or its schema is newer than this
  ///   version of billable knows.
  package convenience init(path: String) throws {
    try self.init(path: path, schema: Migrations.all.count)
  }

  /// A second store over the same file with a connection of its own, to read on another
  /// thread while this one is in use; `nil` for an in-memory store, which has one connection.
  package func concurrentReader() throws -> Store? {
    path == ":memory:" ? nil : try Store(readingFrom: path)
  }

  private init(readingFrom path: String) throws {
    self.path = path
    connection = try Connection(path: path)
  }

  /// Opens the store migrated only up to `schema` (for tests of upgrades from older stores).
  package init(path: String, schema: Int) throws {
    self.path = path
    connection = try Connection(path: path)
    if path != ":memory:" { try connection.execute("PRAGMA journal_mode = WAL") }
    try connection.execute("PRAGMA synchronous = NORMAL")
    // A checkpoint waits on fdatasync; at the default 1,000 pages a scan spent a fifth of its
    // time there. 8,192 pages (32 MB of log) checkpoint an eighth as often.
    try connection.execute("PRAGMA wal_autocheckpoint = 8192")
    // Off while migrating (whatever SQLite was built to default to): a migration rebuilds
    // tables that others reference, and the pragma is ignored inside its transaction.
    try connection.execute("PRAGMA foreign_keys = OFF")
    try migrate(upTo: schema)
    try connection.execute("PRAGMA foreign_keys = ON")
  }

  private func migrate(upTo target: Int) throws {
    let version = try connection.scalarInt("PRAGMA user_version")
    if version > Migrations.all.count {
      throw StoreError(
        path: path,
        message: "the database was written by a newer billable (schema \(version), this one knows \(Migrations.all.count)); upgrade billable",
        sql: nil)
    }
    for (index, migration) in Migrations.all.enumerated() where index >= version && index < target {
      try connection.transaction {
        try connection.execute(migration.sql)
        // With the keys off, nothing else would notice a migration that broke a reference.
        if try connection.scalarInt("SELECT count(*) FROM pragma_foreign_key_check") > 0 {
          throw StoreError(path: path, message: "migration \(migration.name) left rows whose references do not hold", sql: nil)
        }
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

  /// Saves one batch in one transaction: messages (upserted), their sources, their analyses
  /// (replaced), and their problems. Returns how many messages were new to the store.
  @discardableResult
  package func save(_ batch: [MessageRecord], runID: Int, fingerprint: String) throws -> Int {
    let statements = try saveStatements ?? prepareSaveStatements()
    saveStatements = statements
    return try connection.transaction {
      let (exists, upsertMessage, upsertSource, deleteAnalyses, deleteDrafts, insertAnalysis, insertDraft, insertProblem) = statements
      var new = 0
      for record in batch {
        exists.bind([record.contentHash])
        let isNew = try !exists.step()
        exists.reset()
        if isNew { new += 1 }
        upsertMessage.bind([
          record.contentHash, record.messageID, record.threadID, record.sentAt, record.subject, record.fromAddress,
          record.status, record.reason, record.client, record.matter, record.direction, runID,
        ])
        guard try upsertMessage.step() else { throw StoreError(path: path, message: "no key for a saved message", sql: nil) }
        let key = upsertMessage.int(0)
        upsertMessage.reset()
        for source in record.sources {
          try upsertSource.run([
            key, record.contentHash, source.path, source.format.rawValue, Self.position(of: source), Int(source.byteOffset),
          ])
        }
        // A new message has no analyses or drafts to replace.
        if !isNew {
          try deleteAnalyses.run([key])
          try deleteDrafts.run([key])
        }
        for analysis in record.analyses {
          try insertAnalysis.run([
            key, record.contentHash, analysis.timekeeper, record.analyzerFingerprint ?? fingerprint, analysis.analyzer,
            analysis.direction.rawValue,
            analysis.isBillable ? 1 : 0, analysis.reason?.rawValue, analysis.client, analysis.matter, analysis.attribution,
          ])
          guard analysis.isBillable else { continue }
          for entry in analysis.entries {
            try insertDraft.run([
              key, record.contentHash, analysis.timekeeper, entry.position, entry.basis.rawValue, entry.minutes,
              entry.activity.rawValue, entry.narrative, entry.evidence, entry.confidence, entry.workDate,
              analysis.direction.rawValue, analysis.client ?? "", analysis.matter ?? "", analysis.analyzer,
              entry.calendar?.uid, entry.calendar?.sequence, entry.calendar?.method,
              entry.calendar.map { $0.isCancelled ? 1 : 0 },
            ])
          }
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

  private typealias SaveStatements = (
    exists: Statement, upsertMessage: Statement, upsertSource: Statement, deleteAnalyses: Statement,
    deleteDrafts: Statement, insertAnalysis: Statement, insertDraft: Statement, insertProblem: Statement
  )
  /// Prepared once: `save` runs for every batch.
  private var saveStatements: SaveStatements?

  private func prepareSaveStatements() throws -> SaveStatements {
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
      RETURNING message_key
      """)
    let upsertSource = try connection.prepare(
      """
      INSERT INTO message_sources (message_key, content_hash, path, format, position, byte_offset)
      VALUES (?1, ?2, ?3, ?4, ?5, ?6)
      ON CONFLICT (message_key, path, position) DO UPDATE SET byte_offset = excluded.byte_offset
      """)
    let deleteAnalyses = try connection.prepare("DELETE FROM analyses WHERE message_key = ?1")
    let deleteDrafts = try connection.prepare("DELETE FROM drafts WHERE message_key = ?1")
    let insertAnalysis = try connection.prepare(
      """
      INSERT INTO analyses (message_key, content_hash, timekeeper, fingerprint, analyzer, direction, billable, reason,
        client, matter, attribution) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
      """)
    let insertDraft = try connection.prepare(
      """
      INSERT INTO drafts (message_key, content_hash, timekeeper, position, basis, minutes, activity_code, narrative,
        evidence, confidence, work_date, direction, client, matter, analyzer, calendar_uid, calendar_sequence,
        calendar_method, calendar_cancelled)
      VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)
      """)
    let insertProblem = try connection.prepare(
      """
      INSERT INTO errors (run_id, source, content_hash, kind, severity, detail, byte_offset)
      VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
      """)
    return (exists, upsertMessage, upsertSource, deleteAnalyses, deleteDrafts, insertAnalysis, insertDraft, insertProblem)
  }

  // MARK: Merging

  private static func sameFile(_ a: String, _ b: String) -> Bool {
    var first = stat()
    var second = stat()
    return stat(a, &first) == 0 && stat(b, &second) == 0 && first.st_dev == second.st_dev && first.st_ino == second.st_ino
  }

  /// What a merge brought in.
  package struct MergeCounts: Sendable, Equatable {
    package var runs = 0
    package var messages = 0
    package var sources = 0
    package var problems = 0
    package var reviewedEntries = 0
    package init() {}
  }

  /// Adds another store's runs, messages (with their sources, analyses and drafts), errors and
  /// reviewed entries to this one, in one transaction: the stores of a scan split with
  /// `--shard K/N` become the store one scan would have written. A message this store holds
  /// already keeps its analyses and gains the other's sources. Draft entries are not copied:
  /// the caller settles again from the merged messages, which is what makes the union equal
  /// one scan (grouping and calendar updates look across messages from every shard).
  /// - Throws: `StoreError` when `other` is this store, not a billable store, or newer.
  @discardableResult
  package func merge(from other: String) throws -> MergeCounts {
    if other == path || Self.sameFile(other, path) {
      throw StoreError(path: other, message: "cannot merge a store into itself", sql: nil)
    }
    guard FileManager.default.fileExists(atPath: other) else { throw StoreError(path: other, message: "no such store", sql: nil) }
    // Looked at before it is opened as a store, which would create the tables in an empty
    // file; then opened on its own, which brings an older store to this schema.
    guard try Connection(path: other).scalarInt("SELECT count(*) FROM sqlite_schema WHERE name IN ('runs', 'messages')") == 2 else {
      throw StoreError(path: other, message: "not a billable store", sql: nil)
    }
    _ = try Store(path: other)
    let attach = try connection.prepare("ATTACH DATABASE ?1 AS other")
    try attach.run([other])
    defer { try? connection.execute("DETACH DATABASE other") }
    return try connection.transaction {
      var counts = MergeCounts()
      let offset = try connection.scalarInt("SELECT COALESCE(MAX(run_id), 0) FROM main.runs")
      func run(_ sql: String) throws -> Int {
        try connection.execute(sql)
        return Int(sqlite3_changes(connection.handle))
      }
      counts.runs = try run(
        """
        INSERT INTO main.runs (run_id, started_at, finished_at, status, inputs, analyzer, fingerprint, messages_read,
          messages_new, duplicates, cache_hits, cache_misses, errors)
        SELECT run_id + \(offset), started_at, finished_at, status, inputs, analyzer, fingerprint, messages_read, messages_new,
          duplicates, cache_hits, cache_misses, errors FROM other.runs ORDER BY run_id
        """)
      try connection.execute(
        """
        CREATE TEMP TABLE merging AS
          SELECT content_hash FROM other.messages WHERE content_hash NOT IN (SELECT content_hash FROM main.messages);
        """)
      defer { try? connection.execute("DROP TABLE IF EXISTS temp.merging") }
      counts.messages = try run(
        """
        INSERT INTO main.messages (content_hash, message_id, thread_id, sent_at, subject, from_address, status, reason,
          client, matter, direction, first_run_id, last_run_id)
        SELECT content_hash, message_id, thread_id, sent_at, subject, from_address, status, reason, client, matter,
          direction, first_run_id + \(offset), last_run_id + \(offset)
        FROM other.messages WHERE content_hash IN (SELECT content_hash FROM temp.merging) ORDER BY message_key
        """)
      counts.sources = try run(
        """
        INSERT OR IGNORE INTO main.message_sources (content_hash, path, format, position, byte_offset, message_key)
        SELECT s.content_hash, s.path, s.format, s.position, s.byte_offset, m.message_key
        FROM other.message_sources s JOIN main.messages m ON m.content_hash = s.content_hash ORDER BY s.message_key
        """)
      try connection.execute(
        """
        INSERT INTO main.analyses (content_hash, timekeeper, fingerprint, analyzer, direction, billable, reason, client,
          matter, attribution, message_key)
        SELECT a.content_hash, a.timekeeper, a.fingerprint, a.analyzer, a.direction, a.billable, a.reason, a.client,
          a.matter, a.attribution, m.message_key
        FROM other.analyses a JOIN main.messages m ON m.content_hash = a.content_hash
        WHERE a.content_hash IN (SELECT content_hash FROM temp.merging);
        INSERT INTO main.drafts (content_hash, timekeeper, position, basis, minutes, activity_code, narrative, evidence,
          confidence, work_date, direction, client, matter, analyzer, calendar_uid, calendar_sequence, calendar_method,
          calendar_cancelled, message_key)
        SELECT d.content_hash, d.timekeeper, d.position, d.basis, d.minutes, d.activity_code, d.narrative, d.evidence,
          d.confidence, d.work_date, d.direction, d.client, d.matter, d.analyzer, d.calendar_uid, d.calendar_sequence,
          d.calendar_method, d.calendar_cancelled, m.message_key
        FROM other.drafts d JOIN main.messages m ON m.content_hash = d.content_hash
        WHERE d.content_hash IN (SELECT content_hash FROM temp.merging);
        """)
      // Each shard reads every input, so a file that cannot be read is an error in each of
      // them: a problem this store has already is not added again.
      counts.problems = try run(
        """
        INSERT INTO main.errors (run_id, source, content_hash, kind, severity, detail, byte_offset)
        SELECT o.run_id + \(offset), o.source, o.content_hash, o.kind, o.severity, o.detail, o.byte_offset FROM other.errors o
        WHERE NOT EXISTS (
          SELECT 1 FROM main.errors e WHERE e.source = o.source AND e.content_hash IS o.content_hash AND e.kind = o.kind
            AND e.severity = o.severity AND e.detail = o.detail AND e.byte_offset IS o.byte_offset)
        ORDER BY o.error_id
        """)
      // A person's review (approved, edited, rejected) is kept, and wins over a draft of the
      // same id here; drafts are settled again. An entry reviewed in both stores keeps this
      // store's review.
      try connection.execute(
        """
        DELETE FROM main.entry_sources WHERE entry_id IN (
          SELECT e.entry_id FROM main.entries e JOIN other.entries o ON o.entry_id = e.entry_id
          WHERE e.status = 'draft' AND o.status <> 'draft');
        DELETE FROM main.entries WHERE status = 'draft'
          AND entry_id IN (SELECT entry_id FROM other.entries WHERE status <> 'draft');
        """)
      counts.reviewedEntries = try run(
        """
        INSERT OR IGNORE INTO main.entries SELECT * FROM other.entries WHERE status <> 'draft'
        """)
      try connection.execute(
        """
        INSERT OR IGNORE INTO main.entry_sources
          SELECT es.* FROM other.entry_sources es JOIN other.entries e ON e.entry_id = es.entry_id WHERE e.status <> 'draft';
        INSERT INTO main.entry_reviews (entry_id, at, by, action, field, old_value, new_value, note)
          SELECT o.entry_id, o.at, o.by, o.action, o.field, o.old_value, o.new_value, o.note FROM other.entry_reviews o
          WHERE NOT EXISTS (
            SELECT 1 FROM main.entry_reviews r WHERE r.entry_id = o.entry_id AND r.at = o.at AND r.by = o.by
              AND r.action = o.action AND r.field IS o.field AND r.old_value IS o.old_value AND r.new_value IS o.new_value
              AND r.note IS o.note)
          ORDER BY o.review_id;
        DELETE FROM main.meta WHERE key = 'settled';
        """)
      return counts
    }
  }

  /// The fingerprint the message's analyses were made under (`nil` if not stored).
  package func storedFingerprint(contentHash: String) throws -> String? {
    try storedFingerprints(contentHashes: [contentHash])[0]
  }

  /// `storedFingerprint` for each of a batch's hashes, read in one transaction: one per
  /// message cost the scan a lock and unlock of the WAL index each.
  package func storedFingerprints(contentHashes: [String]) throws -> [String?] {
    if lookupConnection == nil { lookupConnection = path == ":memory:" ? connection : try Connection(path: path) }
    let lookups = lookupConnection ?? connection
    // A stored message with no analyses (none apply) is known under the fingerprint of the
    // run that last saved it.
    let statement = try fingerprintStatement ?? lookups.prepare(
      """
      SELECT COALESCE((SELECT a.fingerprint FROM analyses a WHERE a.message_key = m.message_key LIMIT 1), r.fingerprint)
        FROM messages m JOIN runs r ON r.run_id = m.last_run_id WHERE m.content_hash = ?1
      """)
    fingerprintStatement = statement
    // The in-memory store's one connection may be inside the writer's transaction.
    let ownTransaction = lookups !== connection
    if ownTransaction { try lookups.execute("BEGIN") }
    // Ended so that no read transaction stays open between batches (it would keep the WAL
    // from being checkpointed).
    defer { if ownTransaction { try? lookups.execute("COMMIT") } }
    return try contentHashes.map { hash in
      statement.bind([hash])
      defer { statement.reset() }
      return try statement.step() ? statement.string(0) : nil
    }
  }

  /// A value of the store's own bookkeeping (the digest of the last settlement).
  package func meta(_ key: String) throws -> String? {
    let statement = try connection.prepare("SELECT value FROM meta WHERE key = ?1")
    statement.bind([key])
    return try statement.step() ? statement.string(0) : nil
  }

  package func setMeta(_ key: String, _ value: String) throws {
    try connection.prepare("INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
      .run([key, value])
  }

  /// Adds sources to messages already stored (found again in another file or a later run);
  /// returns how many were not known before. A source seen before writes nothing, and the
  /// message row is left alone: its `last_run_id` is the run that analysed and stored it,
  /// whose fingerprint its analyses carry. (Stamping every message seen again made a nightly
  /// re-scan rewrite the whole messages table.)
  @discardableResult
  package func addSources(_ sources: [(contentHash: String, source: SourceRef)], runID: Int) throws -> Int {
    guard !sources.isEmpty else { return 0 }
    return try connection.transaction {
      let known = try connection.prepare(
        """
        SELECT 1 FROM messages m JOIN message_sources s ON s.message_key = m.message_key
        WHERE m.content_hash = ?1 AND s.path = ?2 AND s.position = ?3
        """)
      var new = 0
      let upsert = try connection.prepare(
        """
        INSERT INTO message_sources (message_key, content_hash, path, format, position, byte_offset)
        SELECT message_key, ?1, ?2, ?3, ?4, ?5 FROM messages WHERE content_hash = ?1
        ON CONFLICT (message_key, path, position) DO UPDATE SET byte_offset = excluded.byte_offset
          WHERE byte_offset <> excluded.byte_offset
        """)
      for (hash, source) in sources {
        known.bind([hash, source.path, Self.position(of: source)])
        let isKnown = try known.step()
        known.reset()
        try upsert.run([hash, source.path, source.format.rawValue, Self.position(of: source), Int(source.byteOffset)])
        // New only if a row went in: a message that was never stored (skipped) takes none.
        if !isKnown { new += Int(sqlite3_changes(connection.handle)) }
      }
      return new
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

  // MARK: Entries

  /// Streams the unsettled entries of one basis, in the order settling needs: by group key,
  /// then the tie-breaks (see `Settlement`). Only billable analyses have drafts.
  package func forEachDraft(basis: EntryBasis, _ body: (DraftRow) throws -> Void) throws {
    let order: String
    switch basis {
    case .explicit: order = "d.content_hash, d.timekeeper, d.position"
    case .calendar:
      order = "d.timekeeper, d.calendar_uid, d.calendar_sequence DESC, d.calendar_cancelled DESC, m.sent_at DESC, d.content_hash"
    case .estimated: order = "d.timekeeper, d.client, d.matter, d.work_date, d.activity_code, m.sent_at, d.content_hash"
    }
    let statement = try connection.prepare(
      """
      SELECT d.content_hash, COALESCE(m.message_id, ''), COALESCE(m.thread_id, ''), COALESCE(m.sent_at, ''),
        d.timekeeper, d.direction, d.client, d.matter, d.analyzer, d.position, d.basis, d.minutes, d.activity_code,
        d.narrative, d.evidence, d.confidence, d.work_date, d.calendar_uid, d.calendar_sequence, d.calendar_method,
        d.calendar_cancelled,
        (SELECT \(Self.locationSQL) FROM message_sources s WHERE s.message_key = d.message_key ORDER BY s.path, s.position LIMIT 1)
      FROM drafts d JOIN messages m ON m.message_key = d.message_key
      WHERE d.basis = ?1
      ORDER BY \(order)
      """)
    statement.bind([basis.rawValue])
    while try statement.step() {
      var calendar: CalendarRef? = nil
      if let uid = statement.string(17) {
        calendar = CalendarRef(
          uid: uid, sequence: statement.int(18), method: statement.string(19) ?? "", isCancelled: statement.int(20) == 1)
      }
      let entry = DraftEntry(
        basis: EntryBasis(rawValue: statement.string(10) ?? "") ?? .estimated, minutes: statement.double(11),
        activity: ActivityCode(rawValue: statement.string(12) ?? "") ?? .other, narrative: statement.string(13) ?? "",
        evidence: statement.string(14) ?? "", confidence: statement.double(15), workDate: statement.string(16) ?? "",
        calendar: calendar, position: statement.int(9))
      try body(
        DraftRow(
          contentHash: statement.string(0) ?? "", messageID: statement.string(1) ?? "", threadID: statement.string(2) ?? "",
          sentAt: statement.string(3) ?? "", source: statement.string(21) ?? "", timekeeper: statement.string(4) ?? "",
          direction: statement.string(5) ?? "", client: statement.string(6) ?? "", matter: statement.string(7) ?? "",
          analyzer: statement.string(8) ?? "", entry: entry))
    }
  }

  /// A source's readable location (`SourceRef.location`), written in SQL over
  /// `message_sources s`: built in Swift from the parts it cost a warm re-scan a sixth of
  /// its time in messages.csv.
  static let locationSQL = """
    CASE WHEN s.format IN ('mbox', 'stdin') AND s.position <> '' AND s.position NOT GLOB '*[^0-9]*'
      THEN s.path || ': message ' || (CAST(s.position AS INTEGER) + 1) || ' at byte ' || s.byte_offset ELSE s.path END
    """

  /// Replaces every draft entry with the ones `produce` writes, in one transaction. Entries a
  /// person has approved, edited or rejected are never touched.
  package func replaceDraftEntries(_ produce: (_ write: (SettledEntry) throws -> Void) throws -> Void) throws {
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
          evidence, confidence, analyzer, message_count, draft_position)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24,
          ?25)
        ON CONFLICT (entry_id) DO NOTHING
        """)
      let insertSource = try connection.prepare(
        "INSERT OR IGNORE INTO entry_sources (entry_id, position, content_hash, message_id) VALUES (?1, ?2, ?3, ?4)")
      try produce { entry in
        guard !keep.contains(entry.entryID) else { return }
        try insert.run([
          entry.entryID, entry.messageID, entry.contentHash, entry.source, entry.threadID, entry.sentAt, entry.workDate,
          entry.timekeeper, entry.direction, entry.client, entry.matter, entry.activityCode, entry.taskCode, entry.basis,
          entry.minutes, entry.hours, entry.rate, entry.amount, entry.currency, entry.narrative, entry.evidence,
          entry.confidence, entry.analyzer, entry.messageCount, entry.draftPosition,
        ])
        for (position, source) in entry.sources.enumerated() {
          try insertSource.run([entry.entryID, position, source.contentHash, source.messageID])
        }
      }
    }
  }

  /// Streams entries in dataset order (work date, timekeeper, client, matter, id), with
  /// their sources; rejected ones only when asked, and only reviewed ones (approved or
  /// edited) with `approvedOnly`.
  package func forEachEntry(
    from: String? = nil, to: String? = nil, includeRejected: Bool = false, _ body: (SettledEntry) throws -> Void
  ) throws {
    try forEachEntry(from: from, to: to, includeRejected: includeRejected, approvedOnly: false, body)
  }

  package func forEachEntry(
    from: String?, to: String?, includeRejected: Bool, approvedOnly: Bool, _ body: (SettledEntry) throws -> Void
  ) throws {
    // One pass over entries joined with their sources, in entry order then source position,
    // grouped here: a subquery per entry cost more than writing the whole dataset.
    let statement = try connection.prepare(
      """
      SELECT \(Self.settledColumns), es.content_hash, es.message_id
      FROM entries e LEFT JOIN entry_sources es ON es.entry_id = e.entry_id
      WHERE (?1 IS NULL OR e.work_date >= ?1) AND (?2 IS NULL OR e.work_date <= ?2) AND (?3 = 1 OR e.status <> 'rejected')
        AND (?4 = 0 OR e.status IN ('approved', 'edited'))
      ORDER BY e.work_date, e.timekeeper, e.client, e.matter, e.entry_id, es.position
      """)
    statement.bind([from, to, includeRejected ? 1 : 0, approvedOnly ? 1 : 0])
    var current: SettledEntry? = nil
    while try statement.step() {
      let id = statement.string(0) ?? ""
      if let entry = current, entry.entryID != id {
        try body(entry)
        current = nil
      }
      if current == nil { current = Self.settledEntry(statement) }
      if let hash = statement.string(Self.settledColumnCount) {
        current?.sources.append(EntrySource(contentHash: hash, messageID: statement.string(Self.settledColumnCount + 1) ?? ""))
      }
    }
    if let entry = current { try body(entry) }
  }

  /// The columns of `entries` (aliased `e`) that make a `SettledEntry`, in its order.
  static let settledColumns = """
    e.entry_id, e.message_id, e.content_hash, e.source, e.thread_id, e.sent_at, e.work_date, e.timekeeper, e.direction,
      e.client, e.matter, e.activity_code, e.task_code, e.basis, e.minutes, e.hours, e.rate, e.amount, e.currency,
      e.narrative, e.evidence, e.confidence, e.analyzer, e.message_count
    """
  static let settledColumnCount: Int32 = 24

  /// The entry in a row that starts with `settledColumns` (its sources are not in it).
  static func settledEntry(_ statement: Statement) -> SettledEntry {
    SettledEntry(
      entryID: statement.string(0) ?? "", messageID: statement.string(1) ?? "", contentHash: statement.string(2) ?? "",
      source: statement.string(3) ?? "", threadID: statement.string(4) ?? "", sentAt: statement.string(5) ?? "",
      workDate: statement.string(6) ?? "", timekeeper: statement.string(7) ?? "", direction: statement.string(8) ?? "",
      client: statement.string(9) ?? "", matter: statement.string(10) ?? "", activityCode: statement.string(11) ?? "",
      taskCode: statement.string(12) ?? "", basis: statement.string(13) ?? "", minutes: statement.double(14),
      hours: statement.double(15), rate: statement.double(16), amount: statement.double(17),
      currency: statement.string(18) ?? "", narrative: statement.string(19) ?? "", evidence: statement.string(20) ?? "",
      confidence: statement.double(21), analyzer: statement.string(22) ?? "", messageCount: statement.int(23),
      sources: [])
  }

  /// Entries as an array (for exports and summaries of modest size).
  package func entries(from: String? = nil, to: String? = nil, includeRejected: Bool = false, approvedOnly: Bool = false)
    throws -> [SettledEntry]
  {
    var result: [SettledEntry] = []
    try forEachEntry(from: from, to: to, includeRejected: includeRejected, approvedOnly: approvedOnly) { result.append($0) }
    return result
  }

  /// Streams messages.csv rows: by date, then content hash, with their sources and how many
  /// entries each contributed to.
  package func forEachMessage(_ body: (MessageRow) throws -> Void) throws {
    let statement = try connection.prepare(
      """
      SELECT m.content_hash, COALESCE(m.message_id, ''), COALESCE(m.sent_at, ''), COALESCE(m.direction, ''), m.status,
        COALESCE(m.reason, ''), COALESCE(m.client, ''), COALESCE(m.matter, ''),
        (SELECT COUNT(*) FROM entry_sources es WHERE es.content_hash = m.content_hash),
        (SELECT group_concat(location, char(30)) FROM (SELECT \(Self.locationSQL) AS location
           FROM message_sources s WHERE s.message_key = m.message_key ORDER BY s.path, s.position LIMIT ?1)),
        m.message_key
      FROM messages m ORDER BY COALESCE(m.sent_at, ''), m.content_hash
      """)
    // One more than are listed tells whether there are more.
    statement.bind([MessageRow.listedSources + 1])
    let countSources = try connection.prepare("SELECT COUNT(*) FROM message_sources WHERE message_key = ?1")
    while try statement.step() {
      var sources = (statement.string(9) ?? "").split(separator: "\u{1E}").map(String.init)
      var more = 0
      if sources.count > MessageRow.listedSources {
        sources.removeLast(sources.count - MessageRow.listedSources)
        countSources.bind([statement.int(10)])
        more = (try countSources.step() ? countSources.int(0) : 0) - sources.count
        countSources.reset()
      }
      try body(
        MessageRow(
          contentHash: statement.string(0) ?? "", messageID: statement.string(1) ?? "", sources: sources,
          sentAt: statement.string(2) ?? "", direction: statement.string(3) ?? "", status: statement.string(4) ?? "",
          reason: statement.string(5) ?? "", client: statement.string(6) ?? "", matter: statement.string(7) ?? "",
          entries: statement.int(8), moreSources: more))
    }
  }

  /// Streams every problem recorded, oldest first.
  package func forEachProblem(_ body: (Int, Problem) throws -> Void) throws {
    let statement = try connection.prepare(
      "SELECT run_id, source, content_hash, kind, severity, detail, byte_offset FROM errors ORDER BY error_id")
    statement.bind([])
    while try statement.step() {
      try body(
        statement.int(0),
        Problem(
          source: statement.string(1) ?? "", contentHash: statement.string(2), kind: statement.string(3) ?? "",
          severity: statement.string(4) ?? "", detail: statement.string(5) ?? "",
          offset: sqlite3_column_type(statement.handle, 6) == SQLITE_NULL ? nil : statement.int(6)))
    }
  }

  /// Every problem recorded, oldest first.
  package func problems() throws -> [(runID: Int, problem: Problem)] {
    var result: [(Int, Problem)] = []
    try forEachProblem { result.append(($0, $1)) }
    return result
  }

  /// Entries, hours and amount of the store's entries (not rejected), and messages by status.
  package func totals() throws -> (entries: Int, hours: Double, amount: Double, messagesByStatus: [String: Int]) {
    let sums = try connection.prepare(
      "SELECT COUNT(*), COALESCE(ROUND(SUM(hours), 2), 0), COALESCE(ROUND(SUM(amount), 2), 0) FROM entries WHERE status <> 'rejected'")
    sums.bind([])
    _ = try sums.step()
    var byStatus: [String: Int] = [:]
    let statuses = try connection.prepare("SELECT status, COUNT(*) FROM messages GROUP BY status ORDER BY status")
    statuses.bind([])
    while try statuses.step() { byStatus[statuses.string(0) ?? ""] = statuses.int(1) }
    return (sums.int(0), sums.double(1), sums.double(2), byStatus)
  }
}
