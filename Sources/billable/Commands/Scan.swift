import ArgumentParser
import BillableAnalysis
import BillableConfig
import BillableModel
import BillablePipeline
import BillableReports
import BillableStore
import Foundation

extension Store: ScanStore, DatasetSource {}

/// `--db F`, shared by the commands that read the store.
struct StoreOptions: ParsableArguments {
  @Option(name: .long, help: "The SQLite store.")
  var db: String = "billable.sqlite"

  /// Opens the store; `existing` (commands that only read or review) refuses to create one
  /// where a mistyped --db points, which would report zeros as if nothing had been billed.
  func open(existing: Bool = false) throws -> Store {
    if existing && db != ":memory:" && !FileManager.default.fileExists(atPath: db) {
      throw ExitCodeError(message: "\(db): no such store (run `billable scan` first, or give --db)")
    }
    do {
      return try Store(path: db)
    } catch let error as StoreError {
      throw ExitCodeError(message: "\(error)")
    }
  }
}

/// `billable scan`: the original design's scan_billable_time.
struct Scan: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Scan mailboxes into the SQLite store and the CSV dataset.",
    discussion: """
      Messages stream from the inputs in batches; each batch is analysed in parallel (cache \
      first) and committed in one transaction, so a killed scan resumes where it stopped. \
      Entries are then settled from everything the store holds and the dataset in --out is \
      replaced whole.
      """)

  @OptionGroup var configOptions: ConfigOptions
  @OptionGroup var storeOptions: StoreOptions
  @Argument(help: "Mailboxes, message files or directories; - for standard input.") var inputs: [String]
  @Option(help: "The dataset folder.") var out: String = "reports"
  @Option(help: "Messages per batch (one transaction each).") var batchSize: Int = 20
  @Option(help: "Messages analysed at once (default: the number of cores).") var jobs: Int?
  @Option(help: "The analysis cache folder (default: <db>.cache).") var cacheDir: String?
  @Flag(help: "Analyse every message again, ignoring the cache and the store.") var noCache = false
  @Option(help: "Only messages dated on or after this day (YYYY-MM-DD).") var since: String?
  @Option(help: "Analyzer: default or llm.") var analyzer: String = "default"
  @Option(help: "Process only shard K of N (by content hash), e.g. 2/4.") var shard: String?
  @Flag(help: "Print nothing but warnings and errors.") var quiet = false
  @Option(help: "Log format for stderr: text or json.") var logFormat: String = "text"

  func validate() throws {
    if batchSize < 1 { throw ValidationError("--batch-size must be at least 1.") }
    if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1.") }
    if let since, !Self.isDay(since) { throw ValidationError("--since must be a date like 2025-03-01.") }
    if let shard, Self.parseShard(shard) == nil { throw ValidationError("--shard must look like K/N with 1 <= K <= N.") }
    if !["default", "llm"].contains(analyzer) { throw ValidationError("--analyzer must be default or llm.") }
    if !["text", "json"].contains(logFormat) { throw ValidationError("--log-format must be text or json.") }
  }

  /// Exactly `YYYY-MM-DD`, and a day of the calendar: dates are compared as text, so
  /// "2025-3-1" would sort after "2025-03-05", and "2025-02-30" is no day.
  static func isDay(_ text: String) -> Bool {
    let parts = text.split(separator: "-", omittingEmptySubsequences: false)
    guard parts.count == 3, parts.map(\.count) == [4, 2, 2], parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
      let year = Int64(parts[0]), let month = Int64(parts[1]), let day = Int64(parts[2])
    else { return false }
    return CivilDate.isValid(year: year, month: month, day: day)
  }

  static func parseShard(_ text: String) -> (Int, Int)? {
    let parts = text.split(separator: "/")
    guard parts.count == 2, let k = Int(parts[0]), let n = Int(parts[1]), n >= 1, k >= 1, k <= n else { return nil }
    return (k, n)
  }

  func run() async throws {
    let configuration = try configOptions.load()
    let log = Log(format: logFormat, quiet: quiet)
    var job = ScanJob(configuration: configuration, inputs: inputs, database: storeOptions.db, output: out)
    job.useLLM = analyzer == "llm"
    job.batchSize = batchSize
    job.jobs = jobs ?? ProcessInfoLite.activeProcessorCount
    job.cacheDirectory = noCache ? nil : (cacheDir ?? storeOptions.db + ".cache")
    job.since = since
    job.shard = shard.flatMap(Self.parseShard).map { (index: $0.0, count: $0.1) }
    job.crashAfterBatches = ProcessInfo.processInfo.environment["BILLABLE_TEST_CRASH_AFTER_BATCHES"].flatMap(Int.init)
    let progress = ProgressLine(enabled: !quiet && isatty(2) == 1, started: Date(), inputs: inputs)
    let outcome: ScanJob.Outcome
    do {
      outcome = try await job.run { progress.update($0) }
    } catch {
      progress.finish()
      throw error
    }
    progress.finish()
    for warning in outcome.warnings { log.warning(warning) }
    let summary = outcome.summary
    log.info(
      "scanned \(summary.messagesRead) messages (\(summary.unique) analysed, \(summary.duplicates) duplicates or already stored, "
        + "cache \(summary.cacheHits) hits / \(summary.cacheMisses) misses) in \(String(format: "%.2f", outcome.seconds)) s; "
        + "\(outcome.entries) entries, \(String(format: "%.2f", outcome.hours)) h; dataset in \(out)/",
      fields: ["messages": summary.messagesRead, "entries": outcome.entries, "cache_hits": summary.cacheHits])
    if outcome.isPartial {
      log.warning(
        "\(summary.errorMessages) message(s) could not be parsed and \(summary.readFailures) input(s) could not be read; see \(out)/errors.csv")
      throw ExitCode(3)
    }
  }

  static func timestamp(_ date: Date) -> String {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime]
    return formatter.string(from: date)
  }
}

/// One scan, from inputs to the dataset: the body of `billable scan`, and of the MCP server's
/// scan_billable_time tool.
struct ScanJob {
  var configuration: Configuration
  var inputs: [String]
  var database: String
  var output: String
  var batchSize = 20
  var jobs = ProcessInfoLite.activeProcessorCount
  var cacheDirectory: String?
  var since: String?
  var shard: (index: Int, count: Int)?
  var crashAfterBatches: Int?
  var useLLM = false
  /// The MCP server's allowed folders: a link in them that leads out is not followed.
  var confinedTo: [String]?

  init(configuration: Configuration, inputs: [String], database: String, output: String) {
    self.configuration = configuration
    self.inputs = inputs
    self.database = database
    self.output = output
    self.cacheDirectory = database + ".cache"
  }

  struct Outcome {
    var summary: ScanSummary
    var seconds: Double
    var entries: Int
    var hours: Double
    var amount: Double
    /// What went wrong without stopping the scan (the cache could not be used).
    var warnings: [String] = []
    /// Some inputs could not be read or some messages could not be parsed.
    var isPartial: Bool { summary.isPartial }
  }

  /// The store's totals as run.json gives them (scan and merge).
  static func manifest(of totals: (entries: Int, hours: Double, amount: Double, messagesByStatus: [String: Int])) -> [String: Any] {
    [
      "messages": totals.messagesByStatus.values.reduce(0, +), "messages_by_status": totals.messagesByStatus,
      "entries": totals.entries, "hours": totals.hours, "amount": totals.amount,
    ]
  }

  func run(progress: @escaping @Sendable (ScanProgress) -> Void) async throws -> Outcome {
    // Before an hour of analysis, not after it: --out must not name a folder the swap would delete.
    let kept = [database] + inputs.filter { $0 != "-" } + (cacheDirectory.map { [$0] } ?? [])
    if let refusal = Dataset.refusal(toReplace: output, keeping: kept) { throw ExitCodeError(message: refusal) }
    MallocTuning.keepFreedMemory()
    let lock = try ScanLock(databasePath: database)
    defer { lock.release() }
    let store: Store
    do {
      store = try Store(path: database)
    } catch {
      throw ExitCodeError(message: "\(error)")
    }
    let llm = useLLM ? LLMAnalyzer(configuration: configuration) : nil
    let analyzer: any Analyzer = llm ?? DefaultAnalyzer(configuration: configuration)
    let cache = cacheDirectory.map { CacheDatabase(directory: $0) }
    var options = ScanOptions(inputs: inputs)
    options.batchSize = batchSize
    // An LLM request waits on the network, not the CPU: let as many messages be in analysis
    // as the analyzer may have requests in flight.
    options.jobs = llm == nil ? jobs : max(jobs, configuration.llm.concurrency)
    options.since = since
    options.shard = shard
    options.reanalyse = cacheDirectory == nil
    options.crashAfterBatches = crashAfterBatches
    options.confinedTo = confinedTo
    let started = Date()
    let runID = try store.beginRun(
      startedAt: Scan.timestamp(started), inputs: inputs, analyzer: analyzer.fingerprint.label,
      fingerprint: analyzer.fingerprint.description)
    let scanner = Scanner(
      configuration: configuration, analyzer: analyzer, cache: cache, store: store, options: options, progress: progress)
    let summary: ScanSummary
    do {
      summary = try await scanner.run(runID: runID)
    } catch {
      var counts = Store.RunCounts()
      counts.errors = 1
      try? store.finishRun(runID, finishedAt: Scan.timestamp(Date()), status: "failed", counts: counts)
      throw ExitCodeError(message: "scan failed: \(error)")
    }
    let finished = Date()
    var counts = Store.RunCounts()
    counts.messagesRead = summary.messagesRead
    counts.messagesNew = summary.newToStore
    counts.duplicates = summary.duplicates
    counts.cacheHits = summary.cacheHits
    counts.cacheMisses = summary.cacheMisses
    counts.errors = summary.problems
    try store.finishRun(runID, finishedAt: Scan.timestamp(finished), status: summary.isPartial ? "partial" : "done", counts: counts)

    let totals = try store.totals()
    let seconds = finished.timeIntervalSince(started)
    let thisRun: [String: Any] = [
      "messages_read": summary.messagesRead, "bytes_read": summary.bytes, "unique_analysed": summary.unique,
      "duplicates": summary.duplicates, "already_stored": summary.alreadyStored, "new_to_store": summary.newToStore,
      "cache_hits": summary.cacheHits, "cache_misses": summary.cacheMisses, "skipped_by_since": summary.skippedBySince,
      "skipped_by_shard": summary.skippedByShard, "error_messages": summary.errorMessages,
      "read_failures": summary.readFailures, "problems": summary.problems, "batches": summary.batches,
      "settled": summary.settled,
    ]
    let storeTotals = Self.manifest(of: totals)
    let optionValues: [String: Any] = [
      "batch_size": batchSize, "jobs": jobs, "since": since ?? NSNull(),
      "shard": shard.map { "\($0.index)/\($0.count)" } ?? NSNull(), "cache": cacheDirectory ?? NSNull(),
    ]
    var manifest: [String: Any] = [:]
    manifest["run_id"] = runID
    manifest["started_at"] = Scan.timestamp(started)
    manifest["finished_at"] = Scan.timestamp(finished)
    manifest["seconds"] = (seconds * 1000).rounded() / 1000
    manifest["inputs"] = inputs
    manifest["database"] = database
    manifest["analyzer"] = ["label": analyzer.fingerprint.label, "fingerprint": analyzer.fingerprint.description]
    manifest["options"] = optionValues
    manifest["this_run"] = thisRun
    manifest["store"] = storeTotals
    if let llm {
      let stats = llm.stats
      manifest["llm"] = [
        "model": configuration.llm.model, "prompt_version": LLMAnalyzer.promptVersion, "requests": stats.requests,
        "retries": stats.retries, "failures": stats.failures, "fallbacks": stats.fallbacks,
        "rejected_answers": stats.rejectedAnswers, "prompt_tokens": stats.promptTokens,
        "completion_tokens": stats.completionTokens,
      ]
    }
    do {
      try Dataset.write(store, manifest: manifest, to: output)
    } catch {
      throw ExitCodeError(message: "\(output): cannot write the dataset (the previous one is unchanged): \(error.localizedDescription)")
    }
    if let cache { CacheStats.save(cache: cache, summary: summary, llm: llm?.stats) }
    var warnings: [String] = []
    if let moved = cache?.damagedFileMovedTo { warnings.append("the analysis cache was damaged; it was moved to \(moved) and started afresh") }
    if let problem = cache?.problem { warnings.append("the analysis cache was not used fully: \(problem)") }
    return Outcome(
      summary: summary, seconds: seconds, entries: totals.entries, hours: totals.hours, amount: totals.amount, warnings: warnings)
  }
}

/// One scan per store at a time: an exclusive lock on `<db>.lock` (flock), so a second scan
/// stops at once with a clear message instead of interleaving writes. The kernel drops the
/// lock when the process dies, so a killed scan never leaves a stale lock behind.
final class ScanLock {
  private let descriptor: Int32

  init(databasePath: String) throws {
    let path = databasePath + ".lock"
    descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else { throw ExitCodeError(message: "\(path): cannot create the lock file: \(String(cString: strerror(errno)))") }
    if flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
      close(descriptor)
      throw ExitCodeError(message: "\(databasePath) is in use by another billable scan; wait for it to finish, or use another --db")
    }
  }

  func release() {
    flock(descriptor, LOCK_UN)
    close(descriptor)
  }
}

/// Last run's cache figures, for `billable cache stats`.
enum CacheStats {
  static func save(cache: CacheDatabase, summary: ScanSummary, llm: LLMStats?) {
    var stats: [String: Any] = ["last_run_hits": summary.cacheHits, "last_run_misses": summary.cacheMisses]
    if let llm {
      stats["last_run_llm"] = [
        "requests": llm.requests, "retries": llm.retries, "failures": llm.failures, "fallbacks": llm.fallbacks,
        "prompt_tokens": llm.promptTokens, "completion_tokens": llm.completionTokens,
      ]
    }
    if let data = try? JSONSerialization.data(withJSONObject: stats, options: [.sortedKeys]) {
      try? data.write(to: URL(fileURLWithPath: cache.directory + "/stats.json"))
    }
  }
}

/// glibc gives freed memory back to the kernel eagerly: with three threads allocating, the
/// madvise calls and the TLB shootdowns they cause took about a tenth of a cold scan. Keeping
/// up to 256 MB of freed memory (and serving buffers under 32 MB from the heap) cut a cold
/// scan of the bench mailbox by 0.3-0.5 s; peak RSS did not change (49 MB), because the scan's
/// working set is small and flat.
enum MallocTuning {
  static func keepFreedMemory() {
    // mallopt is glibc's and <malloc.h> is not in Swift's Glibc module: found at run time, so
    // another C library simply keeps its defaults.
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
    let mallopt = unsafeBitCast(symbol, to: (@convention(c) (Int32, Int32) -> Int32).self)
    let trimThreshold: Int32 = -1, mmapThreshold: Int32 = -3  // M_TRIM_THRESHOLD, M_MMAP_THRESHOLD
    _ = mallopt(trimThreshold, 256 << 20)
    _ = mallopt(mmapThreshold, 32 << 20)
  }
}
