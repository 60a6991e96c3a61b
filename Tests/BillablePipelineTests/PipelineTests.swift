import BillableAnalysis
import BillableConfig
import BillableModel
import BillablePipeline
import BillableStore
import BillableTestSupport
import Foundation
import Testing

extension Store: ScanStore {}

/// The scan and settlement through an in-memory store.
@Suite("Pipeline")
struct PipelineTests {
  static let configuration: Configuration = {
    (try? ConfigurationLoader.load(path: Fixtures.url("analysis/billable.toml").path)) ?? Configuration()
  }()

  /// Scans `paths` into `store` (through `writes` when given, a wrapper around it).
  func run(
    _ paths: [String], into store: Store, writes: (any ScanStore)? = nil, cache: (any AnalysisCache)? = nil,
    batchSize: Int = 3, jobs: Int = 2, since: String? = nil
  ) async throws -> ScanSummary {
    var options = ScanOptions(inputs: paths)
    options.since = since
    options.batchSize = batchSize
    options.jobs = jobs
    let scanner = Scanner(
      configuration: Self.configuration, analyzer: DefaultAnalyzer(configuration: Self.configuration), cache: cache,
      store: writes ?? store, options: options)
    return try await scanner.run(runID: try store.beginRun(startedAt: "t", inputs: [], analyzer: "d", fingerprint: "f"))
  }

  func scan(_ relatives: [String], store: Store, jobs: Int = 2) async throws -> ScanSummary {
    try await run(relatives.map { Fixtures.url($0).path }, into: store, jobs: jobs)
  }

  @Test("calendar: a later SEQUENCE replaces the request, a CANCEL removes the event")
  func calendarSettlement() async throws {
    let store = try Store(path: ":memory:")
    _ = try await scan(["analysis/calendar-request-tzid.eml", "analysis/calendar-update-sequence.eml"], store: store)
    var calendar = try store.entries().filter { $0.basis == "calendar" && $0.client == "ACME" }
    #expect(calendar.count == 1)
    #expect(calendar.first?.minutes == 90)  // the update (SEQUENCE 1) moved it to 90 minutes
    #expect(calendar.first?.messageCount == 2)
    _ = try await scan(["analysis/calendar-cancel.eml"], store: store)
    calendar = try store.entries().filter { $0.basis == "calendar" && $0.client == "ACME" }
    #expect(calendar.isEmpty)
  }

  @Test("calendar: the timekeeper's decline takes the meeting off; an acceptance keeps it")
  func calendarDecline() async throws {
    let accepted = try Store(path: ":memory:")
    _ = try await scan(["analysis/calendar-request-tzid.eml", "analysis/calendar-accept.eml"], store: accepted)
    let kept = try accepted.entries().filter { $0.basis == "calendar" && $0.client == "ACME" }
    #expect(kept.count == 1 && kept.first?.minutes == 60 && kept.first?.messageCount == 2)
    let declined = try Store(path: ":memory:")
    _ = try await scan(["analysis/calendar-request-tzid.eml", "analysis/calendar-decline.eml"], store: declined)
    #expect(try declined.entries().filter { $0.basis == "calendar" }.isEmpty)
  }

  @Test("a message exported many times: every copy is a source, counted once, whether held or already written")
  func manyCopies() async throws {
    // More copies than the scan holds at once (Scanner.copiesInFlight), with other mail
    // between them, so copies arrive both while their message is in flight and after.
    let copies = Scanner.copiesInFlight * 2 + 500
    func message(_ id: String, _ minute: Int) -> String {
      """
      From jo@acme.example Wed Mar  5 10:\(minute < 10 ? "0" : "")\(minute):00 2025
      From: Jo Smith <jo@acme.example>
      To: Jane Doe <jane@doe-law.example>
      Date: Wed, 05 Mar 2025 10:\(minute < 10 ? "0" : "")\(minute):00 -0500
      Subject: Lease renewal \(id)
      Message-ID: <\(id)@acme.example>

      Jane, a short note on the lease renewal.


      """
    }
    var mbox = ""
    for index in 0..<copies {
      mbox += message("same", 1)
      if index % 4_000 == 0 { mbox += message("other-\(index)", 2 + index / 4_000) }
    }
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("copies-\(UUID().uuidString).mbox")
    try mbox.write(to: url, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(at: url) }
    let store = try Store(path: ":memory:")
    let summary = try await run([url.path], into: store, batchSize: 2)
    let others = (copies + 3_999) / 4_000
    #expect(summary.messagesRead == copies + others)
    #expect(summary.unique == 1 + others)
    #expect(summary.duplicates == copies - 1)
    var sources: [String: Int] = [:]
    var listed: [String: (Int, Int)] = [:]
    try store.forEachMessage { row in
      sources[row.messageID] = row.sources.count + row.moreSources
      listed[row.messageID] = (row.sources.count, row.moreSources)
    }
    #expect(sources["same@acme.example"] == copies)
    #expect(sources.values.reduce(0, +) == copies + others)
    // messages.csv lists the first sources and counts the rest.
    #expect(listed["same@acme.example"].map { $0.0 } == MessageRow.listedSources)
  }

  @Test("copies of one message with different trace headers are billed once")
  func copiesWithDifferentBytes() async throws {
    // The Sent copy, the copy delivered back to its sender (who copied herself), and a client
    // message as two exports wrote it: different bytes, one Message-ID and Date each.
    func mail(_ from: String, _ to: String, _ id: String, _ date: String, _ text: String, trace: String) -> String {
      """
      From x@x Wed Mar  5 10:00:00 2025
      \(trace)From: \(from)
      To: \(to)
      Date: \(date)
      Subject: Lease renewal
      Message-ID: <\(id)>

      \(text)


      """
    }
    let received = "Jane, the landlord agreed to the lease renewal rent schedule; please review the draft."
    let mbox = [
      mail("Jane Doe <jane@doe-law.example>", "Jo Smith <jo@acme.example>, Jane Doe <jane@doe-law.example>", "s1@doe-law.example",
        "Wed, 05 Mar 2025 10:00:00 -0500", "Jo, I spent 2 hours reviewing the lease renewal rent schedule.", trace: ""),
      mail("Jane Doe <jane@doe-law.example>", "Jo Smith <jo@acme.example>, Jane Doe <jane@doe-law.example>", "s1@doe-law.example",
        "Wed, 05 Mar 2025 10:00:00 -0500", "Jo, I spent 2 hours reviewing the lease renewal rent schedule.",
        trace: "Received: from mx.doe-law.example by imap.doe-law.example; Wed, 05 Mar 2025 10:00:02 -0500\nDelivered-To: jane@doe-law.example\n"),
      mail("Jo Smith <jo@acme.example>", "Jane Doe <jane@doe-law.example>", "r1@acme.example", "Wed, 05 Mar 2025 11:00:00 -0500", received,
        trace: "X-Gmail-Labels: Inbox\n"),
      mail("Jo Smith <jo@acme.example>", "Jane Doe <jane@doe-law.example>", "r1@acme.example", "Wed, 05 Mar 2025 11:00:00 -0500", received,
        trace: "Status: RO\n"),
    ].joined()
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("copies-\(UUID().uuidString).mbox")
    try mbox.write(to: url, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(at: url) }
    let store = try Store(path: ":memory:")
    let summary = try await run([url.path], into: store, batchSize: 1)
    #expect(summary.unique == 4, "four different byte sequences are four stored messages")
    let entries = try store.entries()
    let explicit = entries.filter { $0.basis == "explicit" }
    #expect(explicit.count == 1 && explicit.first?.minutes == 120)
    let estimated = entries.filter { $0.basis == "estimated" }
    #expect(estimated.count == 1 && estimated.first?.messageCount == 1)
  }

  /// Short received notes on one matter (the lease renewal), one per time of 5 March 2025,
  /// written to a temporary mbox; Message-IDs are `<prefix>-N@acme.example`.
  static func leaseNotes(at times: [String], prefix: String) throws -> URL {
    var mbox = ""
    for (index, time) in times.enumerated() {
      mbox += """
        From jo@acme.example Wed Mar  5 \(time) 2025
        From: Jo Smith <jo@acme.example>
        To: Jane Doe <jane@doe-law.example>
        Date: Wed, 05 Mar 2025 \(time) -0500
        Subject: Lease renewal - note \(index)
        Message-ID: <\(prefix)-\(index)@acme.example>

        Jane, a short note on the lease renewal: the landlord agreed to the rent schedule.


        """
    }
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString).mbox")
    try mbox.write(to: url, atomically: true, encoding: .utf8)
    return url
  }

  @Test("estimates are grouped per matter, day and activity before rounding")
  func grouping() async throws {
    // Two short received emails on one matter, one day: 0.2 h if each were rounded alone.
    let url = try Self.leaseNotes(at: ["09:00:00", "15:00:00"], prefix: "group")
    defer { try? FileManager.default.removeItem(at: url) }
    let store = try Store(path: ":memory:")
    _ = try await run([url.path], into: store, batchSize: 1)
    let entries = try store.entries()
    #expect(entries.count == 1)
    #expect(entries.first?.hours == 0.1)
    #expect(entries.first?.messageCount == 2)
    #expect(entries.first?.sources.map(\.messageID) == ["group-0@acme.example", "group-1@acme.example"])
    #expect(entries.first?.narrative == "Review 2 emails re: Headquarters lease renewal")
  }

  @Test("a day's grouped estimate never bills more than a working day")
  func groupCap() async throws {
    // Forty notes on one matter and day, read at one word a minute: some ten hours in all.
    let url = try Self.leaseNotes(at: (0..<40).map { String(format: "09:%02d:00", $0) }, prefix: "cap")
    defer { try? FileManager.default.removeItem(at: url) }
    var configuration = Self.configuration
    configuration.billing.readWordsPerMinute = 1
    let store = try Store(path: ":memory:")
    let scanner = Scanner(
      configuration: configuration, analyzer: DefaultAnalyzer(configuration: configuration), cache: nil, store: store,
      options: ScanOptions(inputs: [url.path]))
    _ = try await scanner.run(runID: try store.beginRun(startedAt: "t", inputs: [], analyzer: "d", fingerprint: "f"))
    let entries = try store.entries()
    #expect(entries.count == 1)
    #expect(entries.first?.messageCount == 40)
    #expect(entries.first?.hours == Settlement.mostEstimatedMinutesPerDay / 60)
  }

  /// The default analyzer under another version, as after an upgrade.
  struct Upgraded: Analyzer {
    let inner: DefaultAnalyzer
    var fingerprint: AnalyzerFingerprint {
      var fingerprint = inner.fingerprint
      fingerprint.version += "-next"
      return fingerprint
    }
    func analyze(_ input: AnalysisInput) async -> [MessageAnalysis] {
      await inner.analyze(input).map { analysis in
        var analysis = analysis
        analysis.analyzer = fingerprint.label
        return analysis
      }
    }
  }

  @Test("a reviewed entry is never replaced, and its messages are not billed again, even by a new analyzer")
  func reviewedEntriesStay() async throws {
    let store = try Store(path: ":memory:")
    _ = try await scan(["analysis/explicit-first-person.eml"], store: store)
    let explicit = try store.entries().filter { $0.basis == "explicit" }
    #expect(explicit.count == 1)
    try store.setReviewStatus(explicit.map(\.entryID), to: "approved", by: "jd", at: "t", note: nil)
    // Re-analysed by an upgraded analyzer: its draft has a new id, for the same message.
    var options = ScanOptions(inputs: [Fixtures.url("analysis/explicit-first-person.eml").path])
    options.batchSize = 3
    let upgraded = Upgraded(inner: DefaultAnalyzer(configuration: Self.configuration))
    let scanner = Scanner(configuration: Self.configuration, analyzer: upgraded, cache: nil, store: store, options: options)
    let summary = try await scanner.run(runID: try store.beginRun(startedAt: "t", inputs: [], analyzer: "d", fingerprint: "f2"))
    #expect(summary.unique == 1, "the message was analysed again")
    let after = try store.entries().filter { $0.basis == "explicit" }
    #expect(after.map(\.entryID) == explicit.map(\.entryID), "one entry, the approved one: \(after.map(\.analyzer))")
    #expect(try store.reviewRows(Store.ReviewFilter()).first { $0.basis == "explicit" }?.status == "approved")
  }

  @Test("approving one entry of a message keeps its others, and another copy of the message is not billed again")
  func reviewOneOfTwo() async throws {
    func note(trace: String) -> String {
      """
      From jane@doe-law.example Wed Mar  5 10:00:00 2025
      \(trace)From: Jane Doe <jane@doe-law.example>
      To: Jo Smith <jo@acme.example>
      Date: Wed, 05 Mar 2025 10:00:00 -0500
      Subject: Lease renewal - time
      Message-ID: <two-entries@doe-law.example>

      Jo, today: 0.3 for a call with the landlord, and 1.2 for drafting the renewal letter.


      """
    }
    let first = FileManager.default.temporaryDirectory.appendingPathComponent("two-\(UUID().uuidString).mbox")
    let copy = FileManager.default.temporaryDirectory.appendingPathComponent("copy-\(UUID().uuidString).mbox")
    try note(trace: "").write(to: first, atomically: true, encoding: .utf8)
    try note(trace: "X-Trace: relay.example\n").write(to: copy, atomically: true, encoding: .utf8)
    defer { for url in [first, copy] { try? FileManager.default.removeItem(at: url) } }
    let store = try Store(path: ":memory:")
    _ = try await run([first.path], into: store)
    let both = try store.entries().filter { $0.basis == "explicit" }
    #expect(both.map(\.minutes) == [18, 72] || both.map(\.minutes) == [72, 18])
    let approved = try #require(both.first { $0.minutes == 72 })
    try store.setReviewStatus([approved.entryID], to: "approved", by: "jd", at: "t", note: nil)
    _ = try await run([first.path, copy.path], into: store)
    let after = try store.reviewRows(Store.ReviewFilter()).filter { $0.basis == "explicit" }
    #expect(after.count == 2, "the approved 1.2 h and the 0.3 h draft, once each: \(after.map { ($0.status, $0.minutes) })")
    #expect(after.filter { $0.status == "approved" }.map(\.minutes) == [72])
  }

  @Test("mail that arrives after a day's estimates were reviewed is billed in an entry of its own")
  func lateMailAfterReview() async throws {
    func note(_ index: Int) -> String {
      """
      From jo@acme.example Wed Mar  5 1\(index):00:00 2025
      From: Jo Smith <jo@acme.example>
      To: Jane Doe <jane@doe-law.example>
      Date: Wed, 05 Mar 2025 1\(index):00:00 -0500
      Subject: Lease renewal - note \(index)
      Message-ID: <late-\(index)@acme.example>

      Jane, a short note on the lease renewal: the landlord agreed to the rent schedule.


      """
    }
    let first = FileManager.default.temporaryDirectory.appendingPathComponent("late-0-\(UUID().uuidString).mbox")
    let second = FileManager.default.temporaryDirectory.appendingPathComponent("late-1-\(UUID().uuidString).mbox")
    try note(0).write(to: first, atomically: true, encoding: .utf8)
    try note(1).write(to: second, atomically: true, encoding: .utf8)
    defer { for url in [first, second] { try? FileManager.default.removeItem(at: url) } }
    let store = try Store(path: ":memory:")
    _ = try await run([first.path], into: store)
    let day = try store.entries()
    #expect(day.count == 1 && day.first?.messageCount == 1)
    try store.setReviewStatus(day.map(\.entryID), to: "rejected", by: "jd", at: "t", note: "not billed")
    _ = try await run([first.path, second.path], into: store)
    let rows = try store.reviewRows(Store.ReviewFilter())
    #expect(rows.count == 2)
    #expect(rows.first { $0.entryID == day.first?.entryID }?.status == "rejected")
    let late = try store.entries()
    #expect(late.count == 1, "the rejected entry is out of the entries; the late note is in")
    #expect(late.first?.sources.map(\.messageID) == ["late-1@acme.example"])
  }

  @Test("the same inputs give the same entries whatever the width of the task group")
  func determinism() async throws {
    let inputs = ["analysis"]
    let one = try Store(path: ":memory:")
    let many = try Store(path: ":memory:")
    _ = try await scan(inputs, store: one, jobs: 1)
    _ = try await scan(inputs, store: many, jobs: 8)
    #expect(try one.entries() == many.entries())
    #expect(try !one.entries().isEmpty)
  }

  /// An in-memory cache that counts what the scan asks of it (locked: the scan looks up and
  /// writes from different threads).
  final class CountingCache: AnalysisCache, @unchecked Sendable {
    private let lock = NSLock()
    private var bodies: [String: [UInt8]] = [:]
    private var writeCount = 0
    var writes: Int { lock.withLock { writeCount } }
    func lookup(contentHashes: [String], fingerprint: String) -> [[UInt8]?] {
      lock.withLock { contentHashes.map { bodies[$0 + "|" + fingerprint] } }
    }
    func write(_ entries: [(contentHash: String, fingerprint: String, body: [UInt8])], used: [(contentHash: String, fingerprint: String)]) {
      lock.withLock {
        for entry in entries {
          bodies[entry.contentHash + "|" + entry.fingerprint] = entry.body
          writeCount += 1
        }
      }
    }
    func flush() {}
  }

  func scanSample(store: Store, cache: CountingCache?, batchSize: Int, jobs: Int) async throws -> ScanSummary {
    let inputs = ["sample/mbox", "sample/maildir", "sample/eml"].map { Fixtures.url($0).path }
    return try await run(inputs, into: store, cache: cache, batchSize: batchSize, jobs: jobs)
  }

  @Test(
    "batches overlap analysis and commits, yet every copy is analysed once and every source kept",
    arguments: [(1, 1), (2, 3), (3, 2), (7, 8), (100, 2)])
  func overlappingBatches(batchSize: Int, jobs: Int) async throws {
    // The sample holds 24 copies of 20 messages, in three formats.
    let store = try Store(path: ":memory:")
    let cache = CountingCache()
    let summary = try await scanSample(store: store, cache: cache, batchSize: batchSize, jobs: jobs)
    #expect(summary.messagesRead == 24)
    #expect(summary.unique == 20)
    #expect(summary.duplicates == 4)
    #expect(summary.cacheMisses == 20 && cache.writes == 20)
    #expect(summary.batches >= (20 + batchSize - 1) / batchSize)
    var sources = 0
    try store.forEachMessage { sources += $0.sources.count }
    #expect(sources == 24)
    // The same answer as one message at a time, and a fresh store is served from the cache.
    let reference = try Store(path: ":memory:")
    _ = try await scanSample(store: reference, cache: nil, batchSize: 1, jobs: 1)
    #expect(try store.entries() == reference.entries())
    let again = try Store(path: ":memory:")
    let second = try await scanSample(store: again, cache: cache, batchSize: batchSize, jobs: jobs)
    #expect(second.cacheHits == 20 && second.cacheMisses == 0)
    #expect(try again.entries() == reference.entries())
  }

  /// A store whose commits are slow, so that later copies of a message arrive while its
  /// batch is still with the writer.
  final class SlowStore: ScanStore {
    struct Refused: Error {}
    let store: Store
    /// Saves after this many fail.
    let failAfter: Int?
    private(set) var saves = 0
    init(_ store: Store, failAfter: Int? = nil) {
      self.store = store
      self.failAfter = failAfter
    }
    func storedFingerprints(contentHashes: [String]) throws -> [String?] { try store.storedFingerprints(contentHashes: contentHashes) }
    func save(_ batch: [MessageRecord], runID: Int, fingerprint: String) throws -> Int {
      Thread.sleep(forTimeInterval: 0.05)
      saves += 1
      if let failAfter, saves > failAfter { throw Refused() }
      return try store.save(batch, runID: runID, fingerprint: fingerprint)
    }
    func addSources(_ sources: [(contentHash: String, source: SourceRef)], runID: Int) throws -> Int {
      try store.addSources(sources, runID: runID)
    }
    func meta(_ key: String) throws -> String? { try store.meta(key) }
    func setMeta(_ key: String, _ value: String) throws { try store.setMeta(key, value) }
    func record(_ problems: [Problem], runID: Int) throws { try store.record(problems, runID: runID) }
    func forEachDraft(basis: EntryBasis, _ body: (DraftRow) throws -> Void) throws { try store.forEachDraft(basis: basis, body) }
    func reviewedCoverage() throws -> ReviewedCoverage { try store.reviewedCoverage() }
    func replaceDraftEntries(_ produce: (_ write: (SettledEntry) throws -> Void) throws -> Void) throws {
      try store.replaceDraftEntries(produce)
    }
  }

  @Test("a copy read while its first copy's batch waits for the writer is one more source, not a second analysis")
  func copyWhileCommitting() async throws {
    // The inbox's first two messages, then the first again: with batches of one and slow
    // commits, the first batch is still with the writer when the copy is read.
    let url = try Self.twoMessagesAndACopy()
    defer { try? FileManager.default.removeItem(at: url) }
    let store = try Store(path: ":memory:")
    let summary = try await run([url.path], into: store, writes: SlowStore(store), batchSize: 1)
    #expect(summary.messagesRead == 3)
    #expect(summary.unique == 2)
    #expect(summary.duplicates == 1)
    var sources: [Int] = []
    try store.forEachMessage { sources.append($0.sources.count) }
    #expect(sources.count == 2)
    #expect(sources.filter { $0 == 2 }.count == 1, "the copy is the first message's second source")
  }

  /// An mbox of the sample inbox's first two messages, then the first again.
  static func twoMessagesAndACopy() throws -> URL {
    let text = String(decoding: try Data(contentsOf: Fixtures.url("sample/mbox/inbox.mbox")), as: UTF8.self)
    let messages = text.components(separatedBy: "\nFrom ").prefix(2).enumerated().map { $0.offset == 0 ? $0.element : "From " + $0.element }
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("copy-\(UUID().uuidString).mbox")
    try (messages + [messages[0]]).map { $0.hasSuffix("\n") ? $0 + "\n" : $0 + "\n\n" }.joined()
      .write(to: url, atomically: true, encoding: .utf8)
    return url
  }

  @Test("a copy of a message skipped by --since is skipped too, whenever it is read")
  func copyOfSkipped() async throws {
    let url = try Self.twoMessagesAndACopy()
    defer { try? FileManager.default.removeItem(at: url) }
    for writes in [false, true] {
      let store = try Store(path: ":memory:")
      let summary = try await run([url.path], into: store, writes: writes ? SlowStore(store) : nil, batchSize: 1, since: "2100-01-01")
      #expect(summary.skippedBySince == 3)
      #expect(summary.duplicates == 0 && summary.alreadyStored == 0 && summary.newSources == 0)
      var stored = 0
      try store.forEachMessage { _ in stored += 1 }
      #expect(stored == 0)
    }
  }

  @Test("a failed commit stops the scan, and no later batch is committed after it")
  func failedCommit() async throws {
    let store = try Store(path: ":memory:")
    let slow = SlowStore(store, failAfter: 2)
    await #expect(throws: SlowStore.Refused.self) {
      try await run([Fixtures.url("sample/mbox/inbox.mbox").path], into: store, writes: slow, batchSize: 2)
    }
    var stored = 0
    try store.forEachMessage { _ in stored += 1 }
    #expect(stored == 4, "the first two batches of two, and nothing after the refused one")
    #expect(slow.saves == 3)
  }

  @Test("the cache codec writes every stored property, and JSONDecoder reads back an equal value")
  func cacheCodec() throws {
    let entry = DraftEntry(
      basis: .calendar, minutes: 92.5, activity: .communicateClient, narrative: "Meeting: \"Q3\" review\tplan \\ é ✓",
      evidence: "line\nbreak \u{1}", confidence: 0.85, workDate: "2025-03-05",
      calendar: CalendarRef(uid: "uid-1@x", sequence: 3, method: "REQUEST", isCancelled: true), position: 2)
    let analysis = MessageAnalysis(
      timekeeper: "JD", direction: .sent, isBillable: false, reason: .noClient, client: "ACME", matter: "M-1",
      attribution: "matter-id", evidence: ["a", "", "\u{2028}"], entries: [entry, DraftEntry(
        basis: .estimated, minutes: 0.1 + 0.2, activity: .review, narrative: "", evidence: "", confidence: 1e-7, workDate: "")],
      candidates: [
        DurationCandidate(text: "2.5 hours", minutes: 150, taken: true, reason: "explicit"),
        DurationCandidate(text: "a few hours", minutes: nil, taken: false, reason: "vague"),
      ],
      estimateMinutes: -0.55, analyzer: "default@test")
    var bare = analysis
    (bare.reason, bare.client, bare.matter, bare.estimateMinutes) = (nil, nil, nil, nil)
    let body = try #require(CacheCodec.encode([analysis, bare]))
    #expect(CacheCodec.decode(body) == [analysis, bare])
    // Every stored property is written: a new one must be added to the codec too.
    let objects = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [[String: Any]])
    let first = objects[0]
    #expect(first.count == Mirror(reflecting: analysis).children.count)
    let entries = try #require(first["entries"] as? [[String: Any]])
    #expect(entries[0].count == Mirror(reflecting: entry).children.count)
    #expect((entries[0]["calendar"] as? [String: Any])?.count == Mirror(reflecting: entry.calendar!).children.count)
    let candidates = try #require(first["candidates"] as? [[String: Any]])
    #expect(candidates[0].count == Mirror(reflecting: analysis.candidates[0]).children.count)
    // A number JSON cannot hold is not cached; a damaged body is a miss.
    var infinite = analysis
    infinite.estimateMinutes = .infinity
    #expect(CacheCodec.encode([infinite]) == nil)
    #expect(CacheCodec.decode(Array(body.dropLast(3))) == nil)
  }

  @Test("shards partition the messages")
  func shards() throws {
    var counts = [0, 0, 0]
    for byte in 0..<255 {
      let hash = ContentHash(digest: [UInt8](repeating: UInt8(byte), count: 32))
      counts[Scanner.shard(of: hash, count: 3)] += 1
    }
    #expect(counts.reduce(0, +) == 255 && counts.allSatisfy { $0 > 50 })
  }
}
