import BillableAnalysis
import BillableConfig
import BillableMIME
import BillableMailbox
import BillableModel
import Foundation
import Synchronization

/// Where the scan writes. The store implements it; tests use an in-memory one.
///
/// `storedFingerprints` is called from the scan task while the writes run, in order, on the
/// scan's writer thread: an implementation must allow a lookup during a write (the store
/// reads through a connection of its own; an in-memory store shares its one connection,
/// whose calls SQLite serializes).
package protocol ScanStore: AnyObject {
  /// For each content hash, the analyzer fingerprint the stored message was analysed under,
  /// or `nil` if unknown.
  func storedFingerprints(contentHashes: [String]) throws -> [String?]
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
  /// What the entries a person has reviewed cover (see `Settlement`).
  func reviewedCoverage() throws -> ReviewedCoverage
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
  /// Folders nothing may be read outside of, links followed (see `InputReader`).
  package var confinedTo: [String]? = nil
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
/// Three things run at once: this task reads, looks messages up and hands out work; child
/// tasks parse and analyse; a writer thread (`Writer`) commits finished batches in order. A
/// commit that waits on the disk therefore stalls neither the reading nor the analyses.
/// Memory stays flat: a bounded number of batches is open (`batchesInFlight` being read or
/// analysed, `commitsInFlight` waiting for the writer), and de-duplication asks the store
/// rather than keeping every hash seen. A message the store already holds under the same
/// analyzer fingerprint is not parsed again; only its new source is recorded.
package final class Scanner {
  let configuration: Configuration
  let analyzer: any Analyzer
  let cache: (any AnalysisCache)?
  let store: any ScanStore
  let options: ScanOptions
  let progress: (@Sendable (ScanProgress) -> Void)?
  /// Batches being read or analysed: two keep every core busy across a batch boundary.
  static let batchesInFlight = 2
  /// Batches handed to the writer and not yet committed. A commit can wait tens of
  /// milliseconds on fdatasync at a WAL checkpoint; this many let the analyses run on.
  static let commitsInFlight = 8
  /// Sources of copies held while their message is in flight. Reading pauses (and copies
  /// seen after their message was handed on go to the writer) at this many, so a mailbox of
  /// one message exported 300,000 times reads in as little memory as any other.
  package static let copiesInFlight = 5_000
  /// Bytes of mail in one batch: a batch is sealed at `batchSize` messages or at this many
  /// bytes, whichever comes first, and reading pauses while the sealed batches hold
  /// `bytesInFlight`. Twenty 64 MB messages in a batch took 2 GB.
  static let batchBytes = 8 << 20
  static let bytesInFlight = 32 << 20

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
    var hashes: [ContentHash] = []
    /// Bytes of `messages`, until they go to the writer.
    var bytes = 0
    /// Later copies of a message, found while it was still in flight; `laterBatch` when the
    /// copy was read in a later batch (it then counts as already stored).
    var extraSources: [Int: [(source: SourceRef, laterBatch: Bool)]] = [:]
    var extraSourceCount = 0
    var outcomes: [Outcome?] = []
    /// Messages the store already holds, with the sources seen now.
    var known: [(String, SourceRef)] = []
    var pending = 0
    /// Handed to the writer: a copy found now is a source to add after it.
    var submitted = false
    let sequence: Int
    init(sequence: Int) { self.sequence = sequence }
  }

  private struct Work: Sendable {
    var batch: Int
    var index: Int
    var raw: RawMessage
    /// `raw.contentHash` in hex, as the store and cache key it.
    var hash: String
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
    let reader = InputReader(paths: options.inputs, confinedTo: options.confinedTo)
    let fingerprint = analyzer.fingerprint.description
    let jobs = max(1, options.jobs)
    let writer = Writer()
    var open = Batch(sequence: 0)
    var sealed: [Batch] = []
    /// What the writer was given, in order (`nil` for a job that is not a batch).
    var committing: [Batch?] = []
    var inFlight: [ContentHash: (batch: Batch, index: Int)] = [:]
    /// Copies of messages whose batch went to the writer before they were read.
    var lateSources: [(String, SourceRef)] = []
    /// Copies held in batches not yet handed to the writer.
    var heldCopies = 0
    var queue: [Work] = []
    var running = 0
    var inputDone = false
    let store = self.store
    let cache = self.cache

    /// Store and cache lookups for a full batch; its misses join the queue.
    func seal() throws {
      let batch = open
      open = Batch(sequence: batch.sequence + 1)
      batch.outcomes = Array(repeating: nil, count: batch.messages.count)
      let hashes = batch.messages.map(\.contentHash.hex)
      let stored = options.reanalyse ? [] : try store.storedFingerprints(contentHashes: hashes)
      var misses: [Int] = []
      for (index, raw) in batch.messages.enumerated() {
        if !stored.isEmpty, stored[index] == fingerprint {
          batch.known.append((hashes[index], raw.source))
          summary.alreadyStored += 1
          summary.duplicates += 1
        } else {
          misses.append(index)
        }
      }
      let cached = cache?.lookup(contentHashes: misses.map { hashes[$0] }, fingerprint: fingerprint)
      for (position, index) in misses.enumerated() {
        let raw = batch.messages[index]
        queue.append(Work(batch: batch.sequence, index: index, raw: raw, hash: hashes[index], cached: cached?[position]))
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
          let problem = Problem(
            source: error.path, contentHash: nil, kind: "read-error", severity: "critical", detail: error.message, offset: nil)
          writer.submit {
            try store.record([problem], runID: runID)
            return (0, 0)
          }
          committing.append(nil)
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
            // been had that batch been committed first; a copy of a message skipped by
            // --since is skipped too. Counted when the first copy's outcome is known, so the
            // counts do not depend on how far the writer has got.
            if holder.batch.submitted {
              if holder.batch.outcomes[holder.index]?.skipped == true {
                summary.skippedBySince += 1
              } else {
                summary.duplicates += 1
                summary.alreadyStored += 1
                lateSources.append((raw.contentHash.hex, raw.source))
              }
            } else {
              holder.batch.extraSources[holder.index, default: []].append((raw.source, holder.batch !== open))
              holder.batch.extraSourceCount += 1
              heldCopies += 1
            }
            // Enough copies held: let the batches holding them (the open one too) move on.
            if heldCopies >= Self.copiesInFlight || lateSources.count >= Self.copiesInFlight {
              if heldCopies >= Self.copiesInFlight, !open.messages.isEmpty { try seal() }
              return
            }
            continue
          }
          inFlight[raw.contentHash] = (open, open.messages.count)
          open.messages.append(raw)
          open.hashes.append(raw.contentHash)
          open.bytes += raw.bytes.count
          if open.messages.count >= options.batchSize || open.bytes >= Self.batchBytes {
            try seal()
            return
          }
        }
      }
      inputDone = true
      if !open.messages.isEmpty { try seal() }
    }

    /// Takes in what the writer finished, in order; rethrows its first failure.
    func takeCommitted() throws {
      for result in writer.takeFinished() {
        let (newSources, newToStore) = try result.get()
        summary.newSources += newSources
        summary.newToStore += newToStore
        guard let batch = committing.removeFirst() else { continue }
        for hash in batch.hashes where inFlight[hash]?.batch === batch { inFlight[hash] = nil }
        summary.batches += 1
        progress?(ScanProgress(messages: summary.messagesRead, bytes: summary.bytes, cacheHits: summary.cacheHits, analysed: summary.cacheMisses))
      }
    }

    /// Hands finished batches at the head of the line to the writer, in input order, waiting
    /// while it has `commitsInFlight` already.
    func submitFinished() async throws {
      while let batch = sealed.first, batch.pending == 0 {
        while committing.count >= Self.commitsInFlight {
          await writer.waitForFinished()
          try takeCommitted()
        }
        sealed.removeFirst()
        heldCopies -= batch.extraSourceCount
        var writes = Self.writes(of: batch, fingerprint: fingerprint, summary: &summary)
        writes.known += lateSources
        lateSources.removeAll()
        batch.submitted = true
        batch.messages.removeAll()
        batch.bytes = 0
        let job = writes
        let crash = options.crashAfterBatches
        writer.submit {
          let counts = try job.apply(store: store, cache: cache, runID: runID, fingerprint: fingerprint)
          if let crash, batch.sequence + 1 >= crash {
            // Simulates kill -9 right after a batch's commit, for the resume test.
            _exit(137)
          }
          return counts
        }
        committing.append(batch)
      }
    }

    /// Copies of messages already with the writer, as one more job for it.
    func submitLateSources() async throws {
      while committing.count >= Self.commitsInFlight {
        await writer.waitForFinished()
        try takeCommitted()
      }
      let sources = lateSources
      lateSources.removeAll()
      writer.submit { (try store.addSources(sources, runID: runID), 0) }
      committing.append(nil)
    }

    let analyzer = self.analyzer
    let since = options.since
    let caching = cache != nil
    do {
      try await withThrowingTaskGroup(of: Outcome.self) { group in
        while true {
          var started = 0
          while running < jobs, started < queue.count {
            let work = queue[started]
            started += 1
            running += 1
            group.addTask {
              var outcome = await Self.analyse(
              work.raw, hash: work.hash, cached: work.cached, caching: caching, analyzer: analyzer, fingerprint: fingerprint, since: since)
              outcome.batch = work.batch
              outcome.index = work.index
              return outcome
            }
          }
          // Started work leaves the queue at once: it holds the raw message.
          queue.removeFirst(started)
          try takeCommitted()
          try await submitFinished()
          if lateSources.count >= Self.copiesInFlight { try await submitLateSources() }
          if !inputDone && sealed.count < Self.batchesInFlight && heldCopies < Self.copiesInFlight
            && sealed.reduce(0, { $0 + $1.bytes }) < Self.bytesInFlight
          {
            try readBatch()
            continue
          }
          if running > 0, let outcome = try await group.next() {
            running -= 1
            guard let batch = sealed.first(where: { $0.sequence == outcome.batch }) else { continue }
            batch.outcomes[outcome.index] = outcome
            batch.pending -= 1
            continue
          }
          // Nothing to read or analyse: the last copies, then wait for the writer to finish.
          if !lateSources.isEmpty { try await submitLateSources() }
          if committing.isEmpty { break }
          await writer.waitForFinished()
        }
      }
    } catch {
      // Whatever the writer still holds is committed or refused before the error goes up.
      await writer.drain()
      throw error
    }
    // The cache's last rows go to disk on the writer thread, now idle, while this one settles.
    if let cache { writer.submit { cache.flush(); return (0, 0) } }
    do {
      // Settling rewrites every draft entry; when this run changed no message, no source and
      // nothing that prices entries, the stored entries are already the answer.
      let digest = stableDigest(ConfigRenderer.render(configuration) + "\n" + fingerprint)
      let settledBefore = try store.meta("settled")
      if summary.unique > 0 || summary.newSources > 0 || settledBefore != digest {
        summary.entries = try Settlement.settle(store, configuration: configuration)
        try store.setMeta("settled", digest)
        summary.settled = true
      }
    } catch {
      await writer.drain()
      throw error
    }
    await writer.drain()
    return summary
  }

  /// Which of `count` shards a content hash belongs to (0-based): its first 8 bytes mod count.
  package static func shard(of hash: ContentHash, count: Int) -> Int {
    var value: UInt64 = 0
    for byte in hash.bytes.prefix(8) { value = value << 8 | UInt64(byte) }
    return Int(value % UInt64(max(1, count)))
  }

  /// What one batch writes: sources of messages already stored, new cache entries, and its
  /// analysed messages (in one store transaction).
  private struct Writes {
    var known: [(contentHash: String, source: SourceRef)] = []
    var fresh: [(contentHash: String, fingerprint: String, body: [UInt8])] = []
    var served: [(contentHash: String, fingerprint: String)] = []
    var records: [MessageRecord] = []

    /// Runs on the writer thread; returns the new sources and the messages new to the store.
    func apply(store: any ScanStore, cache: (any AnalysisCache)?, runID: Int, fingerprint: String) throws -> (Int, Int) {
      let newSources = known.isEmpty ? 0 : try store.addSources(known, runID: runID)
      cache?.write(fresh, used: served)
      let newToStore = records.isEmpty ? 0 : try store.save(records, runID: runID, fingerprint: fingerprint)
      return (newSources + records.count, newToStore)
    }
  }

  /// A finished batch's writes, counted into the summary.
  private static func writes(of batch: Batch, fingerprint: String, summary: inout ScanSummary) -> Writes {
    var writes = Writes()
    writes.known = batch.known.map { ($0.0, $0.1) }
    for (index, outcome) in batch.outcomes.enumerated() {
      let copies = batch.extraSources[index] ?? []
      let extra = copies.map(\.source)
      if outcome?.skipped == true {
        summary.skippedBySince += 1 + copies.count
        continue
      }
      summary.duplicates += copies.count
      summary.alreadyStored += copies.filter(\.laterBatch).count
      guard let outcome else {
        // Known to the store: every copy is one more source.
        let hash = batch.hashes[index].hex
        writes.known += extra.map { (hash, $0) }
        continue
      }
      if let body = outcome.cacheBody, let record = outcome.record {
        writes.fresh.append((record.contentHash, outcome.fingerprint, body))
      }
      guard var record = outcome.record else { continue }
      record.sources += extra
      if outcome.cacheHit {
        summary.cacheHits += 1
        writes.served.append((record.contentHash, fingerprint))
      } else {
        summary.cacheMisses += 1
      }
      if record.status == "error" { summary.errorMessages += 1 }
      summary.problems += record.problems.count
      writes.records.append(record)
    }
    summary.unique += writes.records.count
    return writes
  }

  /// Parse, then cache or analyzer, for one message (runs in a child task).
  static func analyse(
    _ raw: RawMessage, hash: String, cached: [UInt8]?, caching: Bool, analyzer: any Analyzer, fingerprint: String, since: String?
  ) async -> Outcome {
    let message = MessageParser().parse(raw.bytes)
    if let since, let date = message.date, String(date.isoUTC.prefix(10)) < since {
      return Outcome(skipped: true)
    }
    var outcome = Outcome(fingerprint: fingerprint)
    var analyses: [MessageAnalysis]
    let body = message.body()
    if let cached, let decoded = CacheCodec.decode(cached) {
      analyses = decoded
      outcome.cacheHit = true
    } else {
      analyses = await analyzer.analyze(AnalysisInput(message: message, body: body))
      // A fallback result is cached and stored under the fallback's key, never the primary's.
      let used = analyzer.fingerprint(of: analyses)
      if used != analyzer.fingerprint { outcome.fingerprint = used.description }
      if caching { outcome.cacheBody = CacheCodec.encode(analyses) }
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

/// The scan's writer: store and cache writes run here, one at a time and in the order they
/// were submitted, on a thread of Dispatch's own rather than the cooperative pool. The scan
/// submits without waiting and collects the results as they finish; after a failure the
/// remaining jobs are refused, so nothing is committed out of order.
private final class Writer: Sendable {
  private struct State {
    var finished: [Result<(Int, Int), any Error>] = []
    var waiter: CheckedContinuation<Void, Never>?
    var failed = false
  }
  private let queue = DispatchQueue(label: "billable.scan.writer")
  private let state = Mutex(State())

  /// Queues `job`. It holds the store and cache, which are not Sendable: they are used here
  /// only while the scan task uses them for lookups that SQLite serializes (see
  /// `Connection`), hence the unchecked box.
  func submit(_ job: @escaping () throws -> (Int, Int)) {
    let job = UncheckedBox(job)
    queue.async {
      let refused = self.state.withLock { $0.failed }
      let result: Result<(Int, Int), any Error> = refused ? .failure(CancellationError()) : Result { try job.value() }
      let waiter = self.state.withLock { state -> CheckedContinuation<Void, Never>? in
        if case .failure = result { state.failed = true }
        state.finished.append(result)
        defer { state.waiter = nil }
        return state.waiter
      }
      waiter?.resume()
    }
  }

  /// The results finished since the last call, in submission order.
  func takeFinished() -> [Result<(Int, Int), any Error>] {
    state.withLock { state in
      defer { state.finished.removeAll() }
      return state.finished
    }
  }

  /// Returns once at least one result is waiting to be taken.
  func waitForFinished() async {
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
      let ready = state.withLock { state -> Bool in
        if !state.finished.isEmpty { return true }
        state.waiter = continuation
        return false
      }
      if ready { continuation.resume() }
    }
  }

  /// Returns once every job submitted so far has run.
  func drain() async {
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
      queue.async { continuation.resume() }
    }
  }
}

private struct UncheckedBox<T>: @unchecked Sendable {
  let value: T
  init(_ value: T) { self.value = value }
}
