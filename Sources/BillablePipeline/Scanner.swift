import BillableAnalysis
import BillableConfig
import BillableMIME
import BillableMailbox
import BillableModel
import Foundation

/// Where the scan writes. The store implements it; tests use an in-memory one.
package protocol ScanStore: AnyObject {
  /// The analyzer fingerprint a stored message was analysed under, or `nil` if unknown.
  func storedFingerprint(contentHash: String) throws -> String?
  /// One batch, one transaction; returns how many messages were new.
  @discardableResult func save(_ batch: [MessageRecord], runID: Int, fingerprint: String) throws -> Int
  /// Sources found again for messages already stored and analysed; returns how many are new.
  @discardableResult func addSources(_ sources: [(contentHash: String, source: SourceRef)], runID: Int) throws -> Int
  /// The store's bookkeeping values (the digest of the last settlement).
  func meta(_ key: String) throws -> String?
  func setMeta(_ key: String, _ value: String) throws
  func record(_ problems: [Problem], runID: Int) throws
  /// Unsettled entries of one basis, in settling order (see `Settlement`).
  func forEachDraft(basis: EntryBasis, _ body: (DraftRow) throws -> Void) throws
  /// Replaces the draft entries with what `produce` writes, in one transaction.
  func replaceDraftEntries(_ produce: (_ write: (SettledEntry) throws -> Void) throws -> Void) throws
}

/// How a scan runs.
package struct ScanOptions: Sendable {
  package var inputs: [String]
  package var batchSize = 20
  package var jobs = 2
  /// Only messages dated on or after this day (`YYYY-MM-DD`) are analysed.
  package var since: String? = nil
  /// `--shard K/N`: only messages whose content hash falls in shard K (1-based) of N.
  package var shard: (index: Int, count: Int)? = nil
  /// Re-analyse messages already stored (after an analyzer change that kept its fingerprint).
  package var reanalyse = false
  /// Test hook: stop the process after this many committed batches, as a kill would.
  package var crashAfterBatches: Int? = nil

  package init(inputs: [String]) {
    self.inputs = inputs
  }
}

/// What a scan did.
package struct ScanSummary: Sendable {
  package var messagesRead = 0
  package var unique = 0
  package var duplicates = 0
  package var alreadyStored = 0
  package var newToStore = 0
  package var cacheHits = 0
  package var cacheMisses = 0
  package var skippedByShard = 0
  package var skippedBySince = 0
  package var errorMessages = 0
  package var readFailures = 0
  package var problems = 0
  package var bytes = 0
  package var batches = 0
  package var entries = 0
  package var newSources = 0
  package var settled = false
  package init() {}

  /// Some inputs could not be read or some messages could not be parsed.
  package var isPartial: Bool { errorMessages > 0 || readFailures > 0 }
}

/// Progress, reported after each batch.
package struct ScanProgress: Sendable {
  package var messages: Int
  package var bytes: Int
  package var cacheHits: Int
  /// Messages the analyzer read (cache misses).
  package var analysed: Int
}

/// The scan: stream messages from the inputs in fixed-size batches, analyse each batch in a
/// task group at most `jobs` wide (cache first), save each batch in one transaction, then
/// settle entries from everything the store holds.
///
/// Memory stays flat: one batch of raw messages is held at a time, and de-duplication asks the
/// store rather than keeping every hash seen. A message the store already holds under the same
/// analyzer fingerprint is not parsed again; only its new source is recorded.
package final class Scanner {
  let configuration: Configuration
  let analyzer: any Analyzer
  let cache: AnalysisCache?
  let store: any ScanStore
  let options: ScanOptions
  let progress: (@Sendable (ScanProgress) -> Void)?

  package init(
    configuration: Configuration, analyzer: any Analyzer, cache: AnalysisCache?, store: any ScanStore, options: ScanOptions,
    progress: (@Sendable (ScanProgress) -> Void)? = nil
  ) {
    self.configuration = configuration
    self.analyzer = analyzer
    self.cache = cache
    self.store = store
    self.options = options
    self.progress = progress
  }

  package func run(runID: Int) async throws -> ScanSummary {
    var summary = ScanSummary()
    let reader = InputReader(paths: options.inputs)
    let fingerprint = analyzer.fingerprint.description
    var batch: [RawMessage] = []
    var batchHashes: [ContentHash: Int] = [:]
    var extraSources: [Int: [SourceRef]] = [:]

    func flush() async throws {
      guard !batch.isEmpty else { return }
      try await process(batch, extraSources: extraSources, runID: runID, fingerprint: fingerprint, summary: &summary)
      batch.removeAll(keepingCapacity: true)
      batchHashes.removeAll(keepingCapacity: true)
      extraSources.removeAll(keepingCapacity: true)
      summary.batches += 1
      progress?(ScanProgress(messages: summary.messagesRead, bytes: summary.bytes, cacheHits: summary.cacheHits, analysed: summary.cacheMisses))
      if let limit = options.crashAfterBatches, summary.batches >= limit {
        // Simulates kill -9 right after a commit, for the resume test.
        _exit(137)
      }
    }

    while let event = reader.next() {
      switch event {
      case .failure(let error):
        summary.readFailures += 1
        summary.problems += 1
        try store.record(
          [Problem(source: error.path, contentHash: nil, kind: "read-error", severity: "critical", detail: error.message, offset: nil)],
          runID: runID)
      case .message(let raw):
        summary.messagesRead += 1
        summary.bytes += raw.bytes.count
        if let shard = options.shard, Self.shard(of: raw.contentHash, count: shard.count) != shard.index - 1 {
          summary.skippedByShard += 1
          continue
        }
        if let index = batchHashes[raw.contentHash] {
          // The same message twice in one batch: one analysis, both sources.
          summary.duplicates += 1
          extraSources[index, default: []].append(raw.source)
          continue
        }
        batchHashes[raw.contentHash] = batch.count
        batch.append(raw)
        if batch.count >= options.batchSize { try await flush() }
      }
    }
    try await flush()
    // Settling rewrites every draft entry; when this run changed no message, no source and
    // nothing that prices entries, the stored entries are already the answer.
    let digest = stableDigest(ConfigRenderer.render(configuration) + "\n" + fingerprint)
    let settledBefore = try store.meta("settled")
    if summary.unique > 0 || summary.newSources > 0 || settledBefore != digest {
      summary.entries = try Settlement.settle(store, configuration: configuration)
      try store.setMeta("settled", digest)
      summary.settled = true
    }
    return summary
  }

  /// Which of `count` shards a content hash belongs to (0-based): its first 8 bytes mod count.
  package static func shard(of hash: ContentHash, count: Int) -> Int {
    var value: UInt64 = 0
    for byte in hash.bytes.prefix(8) { value = value << 8 | UInt64(byte) }
    return Int(value % UInt64(max(1, count)))
  }

  private struct Work: Sendable {
    var index: Int
    var raw: RawMessage
  }

  private func process(
    _ batch: [RawMessage], extraSources: [Int: [SourceRef]], runID: Int, fingerprint: String, summary: inout ScanSummary
  ) async throws {
    var work: [Work] = []
    var known: [(String, SourceRef)] = []
    for (index, raw) in batch.enumerated() {
      let hash = raw.contentHash.hex
      if !options.reanalyse, let stored = try store.storedFingerprint(contentHash: hash), stored == fingerprint {
        known.append((hash, raw.source))
        for extra in extraSources[index] ?? [] { known.append((hash, extra)) }
        summary.alreadyStored += 1
        continue
      }
      work.append(Work(index: index, raw: raw))
    }
    summary.duplicates += batch.count - work.count
    if !known.isEmpty { summary.newSources += try store.addSources(known, runID: runID) }
    guard !work.isEmpty else { return }

    let analyzer = self.analyzer
    let cache = self.cache
    let since = options.since
    let jobs = max(1, options.jobs)
    // A bounded task group: at most `jobs` messages in analysis at once; results sorted back
    // into input order before anything is written, so the output does not depend on --jobs.
    var results: [(Int, MessageRecord?, Bool, Bool)] = []
    try await withThrowingTaskGroup(of: (Int, MessageRecord?, Bool, Bool).self) { group in
      var next = 0
      func add() {
        let item = work[next]
        next += 1
        group.addTask {
          let outcome = await Self.analyse(item.raw, analyzer: analyzer, cache: cache, fingerprint: fingerprint, since: since)
          return (item.index, outcome.record, outcome.cacheHit, outcome.skipped)
        }
      }
      while next < min(jobs, work.count) { add() }
      while let result = try await group.next() {
        results.append(result)
        if next < work.count { add() }
      }
    }
    results.sort { $0.0 < $1.0 }
    var records: [MessageRecord] = []
    for (index, record, hit, skipped) in results {
      if skipped {
        summary.skippedBySince += 1
        continue
      }
      guard var record else { continue }
      record.sources += extraSources[index] ?? []
      if hit { summary.cacheHits += 1 } else { summary.cacheMisses += 1 }
      if record.status == "error" { summary.errorMessages += 1 }
      summary.problems += record.problems.count
      records.append(record)
    }
    summary.unique += records.count
    summary.newToStore += try store.save(records, runID: runID, fingerprint: fingerprint)
    summary.newSources += records.count
  }

  /// Parse, then cache or analyzer, for one message (runs in a child task).
  static func analyse(
    _ raw: RawMessage, analyzer: any Analyzer, cache: AnalysisCache?, fingerprint: String, since: String?
  ) async -> (record: MessageRecord?, cacheHit: Bool, skipped: Bool) {
    let message = MessageParser().parse(raw.bytes)
    if let since, let date = message.date, String(date.isoUTC.prefix(10)) < since {
      return (nil, false, true)
    }
    let hash = raw.contentHash.hex
    var analyses: [MessageAnalysis]
    var hit = false
    var usedFingerprint = fingerprint
    let body = message.body()
    if let cached = cache?.load(contentHash: hash, fingerprint: fingerprint) {
      analyses = cached
      hit = true
    } else {
      analyses = await analyzer.analyze(AnalysisInput(message: message, body: body))
      // A fallback result is the fallback analyzer's, and is cached and stored under its key,
      // never the primary's: the next run asks the primary again.
      if analyses.contains(where: { $0.analyzer.contains("(fallback") }), let fallback = analyzer.fallbackFingerprint {
        usedFingerprint = fallback.description
      }
      cache?.store(analyses, contentHash: hash, fingerprint: usedFingerprint)
    }
    analyses.sort { $0.timekeeper < $1.timekeeper }
    var problems: [Problem] = []
    for defect in raw.defects + message.defects + body.defects where defect.severity == .critical {
      problems.append(
        Problem(
          source: raw.source.location, contentHash: hash, kind: defect.kind.rawValue, severity: defect.severity.rawValue,
          detail: defect.detail, offset: defect.offset))
    }
    let unparseable = analyses.contains { $0.reason == .unparseable }
    let billable = analyses.first { $0.isBillable }
    let status = unparseable ? "error" : (billable != nil ? "billable" : "not_billable")
    let main = billable ?? analyses.first
    let messageID = message.messageID
    let record = MessageRecord(
      contentHash: hash, messageID: messageID,
      threadID: message.references.first ?? message.inReplyTo.first ?? messageID,
      sentAt: message.date?.isoWithOffset, subject: message.subject ?? "",
      fromAddress: message.from.first?.address ?? "", status: status,
      reason: billable == nil ? main?.reason?.rawValue : nil, client: main?.client, matter: main?.matter,
      direction: main?.direction.rawValue, sources: [raw.source], analyses: analyses, problems: problems)
    var stored = record
    if usedFingerprint != fingerprint { stored.analyzerFingerprint = usedFingerprint }
    return (stored, hit, false)
  }
}
