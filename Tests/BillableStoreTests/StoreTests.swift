import BillableModel
import BillableStore
import Foundation
import Testing

/// The store against an in-memory database and one on disk alike.
@Suite("Store")
struct StoreTests {
  enum Location: String, CaseIterable, CustomTestStringConvertible {
    case memory, disk
    var testDescription: String { rawValue }
  }

  static func open(_ location: Location) throws -> (Store, URL?) {
    switch location {
    case .memory: return (try Store(path: ":memory:"), nil)
    case .disk:
      let url = FileManager.default.temporaryDirectory.appendingPathComponent("store-\(UUID().uuidString).sqlite")
      return (try Store(path: url.path), url)
    }
  }

  /// Removes a test database with its WAL and shared-memory files, which SQLite leaves beside it.
  static func remove(_ url: URL?) {
    guard let url else { return }
    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: url.path + suffix) }
  }

  static func record(_ hash: String, entries: [DraftEntry], billable: Bool = true, source: String = "a.mbox") -> MessageRecord {
    let analysis = MessageAnalysis(
      timekeeper: "JD", direction: .sent, isBillable: billable, reason: billable ? nil : .automated, client: "ACME",
      matter: "M1", attribution: "matter-id", evidence: [], entries: entries, candidates: [], estimateMinutes: nil,
      analyzer: "default@test")
    return MessageRecord(
      contentHash: hash, messageID: "\(hash)@x", threadID: nil, sentAt: "2025-03-0\(hash.count % 9 + 1)T10:00:00Z",
      subject: "s", fromAddress: "jd@x", status: billable ? "billable" : "not_billable", reason: nil, client: "ACME",
      matter: "M1", direction: "sent", sources: [SourceRef(path: source, format: .mbox, index: 0)], analyses: [analysis],
      problems: [])
  }

  static let entry = DraftEntry(
    basis: .explicit, minutes: 90, activity: .review, narrative: "Review the SPA", evidence: "\"I spent 1.5 hours\"",
    confidence: 0.9, workDate: "2025-03-03")

  @Test("migrations run once and the schema version is recorded", arguments: Location.allCases)
  func migrations(_ location: Location) throws {
    let (store, url) = try Self.open(location)
    #expect(store.schemaVersion == 3)
    if let url {
      // Reopening applies nothing twice.
      #expect(try Store(path: url.path).schemaVersion == 3)
      Self.remove(url)
    }
  }

  @Test("a batch is saved with its fingerprint; sources are added once", arguments: Location.allCases)
  func saveAndSources(_ location: Location) throws {
    let (store, url) = try Self.open(location)
    defer { Self.remove(url) }
    let run = try store.beginRun(startedAt: "t", inputs: ["a"], analyzer: "default@test", fingerprint: "F1")
    #expect(try store.save([Self.record("aa", entries: [Self.entry]), Self.record("bb", entries: [])], runID: run, fingerprint: "F1") == 2)
    #expect(try store.save([Self.record("aa", entries: [Self.entry])], runID: run, fingerprint: "F1") == 0)
    #expect(try store.storedFingerprint(contentHash: "aa") == "F1")
    #expect(try store.storedFingerprint(contentHash: "zz") == nil)
    // A batch of lookups, in order, in one read (a file store reads on its own connection).
    #expect(try store.storedFingerprints(contentHashes: ["zz", "bb", "aa"]) == [nil, "F1", "F1"])
    let other = SourceRef(path: "b.mbox", format: .mbox, index: 3, byteOffset: 99)
    #expect(try store.addSources([("aa", other)], runID: run) == 1)
    #expect(try store.addSources([("aa", other)], runID: run) == 0)
    var rows: [MessageRow] = []
    try store.forEachMessage { rows.append($0) }
    #expect(rows.first { $0.contentHash == "aa" }?.sources.count == 2)
  }

  @Test("text holding a NUL byte comes back whole, not cut at the NUL", arguments: Location.allCases)
  func nulByte(_ location: Location) throws {
    let (store, url) = try Self.open(location)
    defer { Self.remove(url) }
    let run = try store.beginRun(startedAt: "t", inputs: ["a"], analyzer: "default@test", fingerprint: "F1")
    var record = Self.record("aa", entries: [])
    record.messageID = "before\u{0}after@x"
    try store.save([record], runID: run, fingerprint: "F1")
    var ids: [String] = []
    try store.forEachMessage { ids.append($0.messageID) }
    #expect(ids == ["before\u{0}after@x"])
  }

  @Test("merging a store adds its runs, new messages and every new source; a message held already keeps its analyses")
  func merge() throws {
    let (mine, mineURL) = try Self.open(.disk)
    let (other, otherURL) = try Self.open(.disk)
    defer { [mineURL, otherURL].forEach(Self.remove) }
    let first = try mine.beginRun(startedAt: "t1", inputs: ["a"], analyzer: "default@test", fingerprint: "F1")
    try mine.save([Self.record("aa", entries: [Self.entry], source: "a.mbox")], runID: first, fingerprint: "F1")
    let problem = Problem(source: "gone.mbox", contentHash: nil, kind: "read-error", severity: "critical", detail: "missing", offset: nil)
    try mine.record([problem], runID: first)
    let second = try other.beginRun(startedAt: "t2", inputs: ["b"], analyzer: "default@test", fingerprint: "F2")
    try other.save([Self.record("aa", entries: [], source: "b.mbox"), Self.record("bb", entries: [Self.entry], source: "b.mbox")], runID: second, fingerprint: "F2")
    try other.record([problem], runID: second)

    let counts = try mine.merge(from: otherURL!.path)
    #expect(counts.runs == 1 && counts.messages == 1 && counts.sources == 2 && counts.problems == 0)
    var sources: [String: [String]] = [:]
    try mine.forEachMessage { sources[$0.contentHash] = $0.sources.sorted() }
    #expect(sources == ["aa": ["a.mbox: message 1 at byte 0", "b.mbox: message 1 at byte 0"], "bb": ["b.mbox: message 1 at byte 0"]])
    #expect(try mine.storedFingerprint(contentHash: "aa") == "F1", "the message held already keeps its analyses")
    #expect(try mine.storedFingerprint(contentHash: "bb") == "F2")
    // Merging again brings nothing new.
    let again = try mine.merge(from: otherURL!.path)
    #expect(again.runs == 1 && again.messages == 0 && again.sources == 0 && again.problems == 0)
    #expect(throws: StoreError.self) { try mine.merge(from: mineURL!.path) }
  }

  @Test("drafts stream in order; replacing entries keeps reviewed ones", arguments: Location.allCases)
  func entries(_ location: Location) throws {
    let (store, url) = try Self.open(location)
    defer { Self.remove(url) }
    let run = try store.beginRun(startedAt: "t", inputs: [], analyzer: "a", fingerprint: "F")
    try store.save([Self.record("aa", entries: [Self.entry]), Self.record("bb", entries: [Self.entry])], runID: run, fingerprint: "F")
    var drafts: [DraftRow] = []
    try store.forEachDraft(basis: .explicit) { drafts.append($0) }
    #expect(drafts.map(\.contentHash) == ["aa", "bb"])
    #expect(drafts.first?.source == "a.mbox: message 1 at byte 0")
    func settled(_ id: String, _ hash: String) -> SettledEntry {
      SettledEntry(
        entryID: id, messageID: "m", contentHash: hash, source: "s", threadID: "t", sentAt: "", workDate: "2025-03-03",
        timekeeper: "JD", direction: "sent", client: "ACME", matter: "M1", activityCode: "A104", taskCode: "",
        basis: "explicit", minutes: 90, hours: 1.5, rate: 100, amount: 150, currency: "USD", narrative: "n", evidence: "e",
        confidence: 0.9, analyzer: "a", messageCount: 1, sources: [EntrySource(contentHash: hash, messageID: "m")])
    }
    try store.replaceDraftEntries { write in
      try write(settled("e1", "aa"))
      try write(settled("e2", "bb"))
    }
    #expect(try store.entries().map(\.entryID) == ["e1", "e2"])
    #expect(try store.entries().first?.sources == [EntrySource(contentHash: "aa", messageID: "m")])
    let totals = try store.totals()
    #expect(totals.entries == 2 && totals.hours == 3 && totals.amount == 300)
    try store.replaceDraftEntries { write in try write(settled("e3", "aa")) }
    #expect(try store.entries().map(\.entryID) == ["e3"])
  }

  @Test("a store of schema 1 moves to integer message keys with every row, and works on")
  func upgradeFromSchema1() throws {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("store-\(UUID().uuidString).sqlite")
    defer { Self.remove(url) }
    _ = try Store(path: url.path, schema: 1)
    // Rows as billable 0.1 wrote them, straight into the schema 1 tables.
    try Self.python(
      url,
      """
      c.execute("INSERT INTO runs (run_id, started_at, status, inputs, analyzer, fingerprint) VALUES (1, 't', 'done', 'a', 'd', 'F1')")
      for h in ('bb', 'aa'):
          c.execute("INSERT INTO messages (content_hash, message_id, subject, from_address, status, first_run_id, last_run_id, sent_at) VALUES (?, ?, 's', 'jd@x', 'billable', 1, 1, '2025-03-03T10:00:00Z')", (h, h + '@x'))
          c.execute("INSERT INTO analyses VALUES (?, 'JD', 'F1', 'default@test', 'sent', 1, NULL, 'ACME', 'M1', 'matter-id')", (h,))
          c.execute("INSERT INTO drafts (content_hash, timekeeper, position, basis, minutes, activity_code, narrative, evidence, confidence, work_date, direction, client, matter, analyzer) VALUES (?, 'JD', 0, 'explicit', 90, 'A104', 'Review', 'e', 0.9, '2025-03-03', 'sent', 'ACME', 'M1', 'default@test')", (h,))
      c.execute("INSERT INTO message_sources VALUES ('aa', 'a.mbox', 'mbox', '0', 0)")
      c.execute("INSERT INTO message_sources VALUES ('aa', 'b.mbox', 'mbox', '3', 99)")
      c.execute("INSERT INTO message_sources VALUES ('bb', 'a.mbox', 'mbox', '1', 500)")
      """)
    let store = try Store(path: url.path)
    #expect(store.schemaVersion == 3)
    #expect(try store.storedFingerprint(contentHash: "aa") == "F1")
    var rows: [MessageRow] = []
    try store.forEachMessage { rows.append($0) }
    #expect(rows.map(\.contentHash) == ["aa", "bb"])
    #expect(rows.map(\.sources.count) == [2, 1])
    var drafts: [DraftRow] = []
    try store.forEachDraft(basis: .explicit) { drafts.append($0) }
    #expect(drafts.map(\.contentHash) == ["aa", "bb"])
    #expect(drafts.first?.source == "a.mbox: message 1 at byte 0")
    // It works on: a new source for an old message, a re-analysis, a new message.
    let run = try store.beginRun(startedAt: "t", inputs: [], analyzer: "d", fingerprint: "F2")
    #expect(try store.addSources([("bb", SourceRef(path: "c.mbox", format: .mbox, index: 0))], runID: run) == 1)
    #expect(try store.save([Self.record("aa", entries: []), Self.record("cc", entries: [Self.entry])], runID: run, fingerprint: "F2") == 1)
    #expect(try store.storedFingerprint(contentHash: "aa") == "F2")
    drafts = []
    try store.forEachDraft(basis: .explicit) { drafts.append($0) }
    #expect(drafts.map(\.contentHash) == ["bb", "cc"])
    // Foreign keys and the file hold.
    let check = try Self.python(url, "print(c.execute('PRAGMA foreign_key_check').fetchall(), c.execute('PRAGMA integrity_check').fetchone()[0])")
    #expect(check == "[] ok")
  }

  /// Runs Python statements against the database at `url` (`c` is the connection); returns what they print.
  @discardableResult
  static func python(_ url: URL, _ body: String) throws -> String {
    let process = Process()
    let output = Pipe()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", "import sqlite3,sys\nc=sqlite3.connect(sys.argv[1])\n" + body + "\nc.commit()", url.path]
    process.standardOutput = output
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
    return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
  }

  @Test("a database from a newer billable is refused with a clear message")
  func newerSchema() throws {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("store-\(UUID().uuidString).sqlite")
    defer { Self.remove(url) }
    _ = try Store(path: url.path)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('PRAGMA user_version = 99'); c.commit()", url.path]
    try process.run()
    process.waitUntilExit()
    #expect(throws: StoreError.self) { try Store(path: url.path) }
  }
}
