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

/// The scan: stream messages from the inputs in fixed-size batches, analyse them in a task
/// group at most `jobs` wide (cache first), save each batch in one transaction, in input order,
/// then settle entries from everything the store holds.
///
/// The reading, the store lookups and the commits run in this task while the analyses of the
/// next batch run in child tasks, so no core waits for a batch to be written. Memory stays
/// flat: at most `batchesInFlight` batches are open, and de-duplication asks the store rather
/// than keeping every hash seen. A message the store already holds under the same analyzer
/// fingerprint is not parsed again; only its new source is recorded.
package final class Scanner {
  let configuration: Configuration
  let analyzer: any Analyzer
  let cache: (any AnalysisCache)?
  let store: any ScanStore
  let options: ScanOptions
  let progress: (@Sendable (ScanProgress) -> Void)?
  /// Batches read ahead of the one being committed: two keep every core busy across a commit.
  static let batchesInFlight = 2

  package init(
    configuration: Configuration, analyzer: any Analyzer, cache: (any AnalysisCache)?, store: any ScanStore,
    options: ScanOptions, progress: (@Sendable (ScanProgress) -> Void)? = nil
  ) {
    self.configuration = configuration
    self.analyzer = analyzer
    self.cache = cache
    self.store = store
    self.options = options
    self.progress = progress
  }

  /// One batch on its way from the reader to its commit.
  private final class Batch {
    var messages: [RawMessage] = []
    /// Later copies of a message, found while it was still in flight.
    var extraSources: [Int: [SourceRef]] = [:]
    var outcomes: [Outcome?] = []
    /// Messages the store already holds, with the sources seen now.
    var known: [(String, SourceRef)] = []
    var pending = 0
    let sequence: Int
    init(sequence: Int) { self.sequence = sequence }
  }

  private struct Work: Sendable {
    var batch: Int
    var index: Int
    var raw: RawMessage
    var cached: [UInt8]?
  }

  struct Outcome: Sendable {
    var batch = 0
    var index = 0
    var record: MessageRecord?
    var cacheHit = false
    var skipped = false
    /// The analyses to cache (a miss), under `fingerprint`.
    var cacheBody: [UInt8]?
    var fingerprint = ""
  }

  package func run(runID: Int) async throws -> ScanSummary {
    var summary = ScanSummary()
    let reader = InputReader(paths: options.inputs)
    let fingerprint = analyzer.fingerprint.description
    let jobs = max(1, options.jobs)
    var open = Batch(sequence: 0)
    var sealed: [Batch] = []
    var inFlight: [ContentHash: (batch: Batch, index: Int)] = [:]
    var queue: [Work] = []
    var queued = 0
    var running = 0
    var inputDone = false

    /// Store and cache lookups for a full batch; its misses join the queue.
    func seal() throws {
      let batch = open
      open = Batch(sequence: batch.sequence + 1)
      batch.outcomes = Array(repeating: nil, count: batch.messages.count)
      for (index, raw) in batch.messages.enumerated() {
        let hash = raw.contentHash.hex
        if !options.reanalyse, let stored = try store.storedFingerprint(contentHash: hash), stored == fingerprint {
          batch.known.append((hash, raw.source))
          summary.alreadyStored += 1
          summary.duplicates += 1
          continue
        }
        let cached = cache?.lookup(contentHash: hash, fingerprint: fingerprint)
        queue.append(Work(batch: batch.sequence, index: index, raw: raw, cached: cached))
        batch.pending += 1
      }
      sealed.append(batch)
    }

    /// Reads until a batch is sealed or the input ends.
    func readBatch() throws {
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
          if let holder = inFlight[raw.contentHash] {
            // The same message again before its first copy was committed: one analysis, both
            // sources. A copy in an earlier batch counts as already stored, as it would have
            // been had that batch been committed first.
            summary.duplicates += 1
            if holder.batch !== open { summary.alreadyStored += 1 }
            holder.batch.extraSources[holder.index, default: []].append(raw.source)
            continue
          }
          inFlight[raw.contentHash] = (open, open.messages.count)
          open.messages.append(raw)
          if open.messages.count >= options.batchSize {
            try seal()
            return
          }
        }
      }
      inputDone = true
      if !open.messages.isEmpty { try seal() }
    }

    /// Commits finished batches at the head of the line, in input order.
    func commitFinished() throws {
      while let batch = sealed.first, batch.pending == 0 {
        sealed.removeFirst()
        try commit(batch, runID: runID, fingerprint: fingerprint, summary: &summary)
        for raw in batch.messages { inFlight[raw.contentHash] = nil }
        summary.batches += 1
        progress?(ScanProgress(messages: summary.messagesRead, bytes: summary.bytes, cacheHits: summary.cacheHits, analysed: summary.cacheMisses))
        if let limit = options.crashAfterBatches, summary.batches >= limit {
          // Simulates kill -9 right after a commit, for the resume test.
          _exit(137)
        }
      }
    }

    let analyzer = self.analyzer
    let since = options.since
    try await withThrowingTaskGroup(of: Outcome.self) { group in
      while true {
        while running < jobs, queued < queue.count {
          let work = queue[queued]
          queued += 1
          running += 1
          group.addTask {
            var outcome = await Self.analyse(work.raw, cached: work.cached, analyzer: analyzer, fingerprint: fingerprint, since: since)
            outcome.batch = work.batch
            outcome.index = work.index
            return outcome
          }
        }
        // Started work leaves the queue at once: it holds the raw message.
        queue.removeFirst(queued)
        queued = 0
        try commitFinished()
        if !inputDone && sealed.count < Self.batchesInFlight {
          try readBatch()
          continue
        }
        guard running > 0, let outcome = try await group.next() else {
          if inputDone && sealed.isEmpty { break }
          continue
        }
        running -= 1
        guard let batch = sealed.first(where: { $0.sequence == outcome.batch }) else { continue }
        batch.outcomes[outcome.index] = outcome
        batch.pending -= 1
      }
    }
    cache?.flush()
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

  /// One batch's writes: its new cache entries, then its messages in one store transaction.
  private func commit(_ batch: Batch, runID: Int, fingerprint: String, summary: inout ScanSummary) throws {
    var known = batch.known
    var records: [MessageRecord] = []
    var fresh: [(contentHash: String, fingerprint: String, body: [UInt8])] = []
    var served: [(contentHash: String, fingerprint: String)] = []
    for (index, outcome) in batch.outcomes.enumerated() {
      let extra = batch.extraSources[index] ?? []
      guard let outcome else {
        // Known to the store: every copy is one more source.
        let hash = batch.messages[index].contentHash.hex
        known += extra.map { (hash, $0) }
        continue
      }
      if let body = outcome.cacheBody, let record = outcome.record {
        fresh.append((record.contentHash, outcome.fingerprint, body))
      }
      if outcome.skipped {
        summary.skippedBySince += 1
        continue
      }
      guard var record = outcome.record else { continue }
      record.sources += extra
      if outcome.cacheHit {
        summary.cacheHits += 1
        served.append((record.contentHash, fingerprint))
      } else {
        summary.cacheMisses += 1
      }
      if record.status == "error" { summary.errorMessages += 1 }
      summary.problems += record.problems.count
      records.append(record)
    }
    if !known.isEmpty { summary.newSources += try store.addSources(known, runID: runID) }
    cache?.write(fresh, used: served)
    guard !records.isEmpty else { return }
    summary.unique += records.count
    summary.newToStore += try store.save(records, runID: runID, fingerprint: fingerprint)
    summary.newSources += records.count
  }

  /// Parse, then cache or analyzer, for one message (runs in a child task).
  static func analyse(
    _ raw: RawMessage, cached: [UInt8]?, analyzer: any Analyzer, fingerprint: String, since: String?
  ) async -> Outcome {
    let message = MessageParser().parse(raw.bytes)
    if let since, let date = message.date, String(date.isoUTC.prefix(10)) < since {
      return Outcome(skipped: true)
    }
    let hash = raw.contentHash.hex
    var outcome = Outcome(fingerprint: fingerprint)
    var analyses: [MessageAnalysis]
    let body = message.body()
    if let cached, let decoded = CacheCodec.decode(cached) {
      analyses = decoded
      outcome.cacheHit = true
    } else {
      analyses = await analyzer.analyze(AnalysisInput(message: message, body: body))
      // A fallback result is the fallback analyzer's, and is cached and stored under its key,
      // never the primary's: the next run asks the primary again.
      if analyses.contains(where: { $0.analyzer.contains("(fallback") }), let fallback = analyzer.fallbackFingerprint {
        outcome.fingerprint = fallback.description
      }
      outcome.cacheBody = CacheCodec.encode(analyses)
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
    var record = MessageRecord(
      contentHash: hash, messageID: messageID,
      threadID: message.references.first ?? message.inReplyTo.first ?? messageID,
      sentAt: message.date?.isoWithOffset, subject: message.subject ?? "",
      fromAddress: message.from.first?.address ?? "", status: status,
      reason: billable == nil ? main?.reason?.rawValue : nil, client: main?.client, matter: main?.matter,
      direction: main?.direction.rawValue, sources: [raw.source], analyses: analyses, problems: problems)
    if outcome.fingerprint != fingerprint { record.analyzerFingerprint = outcome.fingerprint }
    outcome.record = record
    return outcome
  }
}
