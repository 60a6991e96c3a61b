import ArgumentParser
import BillableConfig
import BillablePipeline
import BillableReports
import BillableStore
import Foundation

/// `billable merge`: the stores of a scan split with `--shard K/N` into one, settled and
/// written out as one scan would have.
struct Merge: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Merge stores (such as the shards of a scan) into one, then settle and write the dataset.",
    discussion: """
      Runs, messages with their sources and analyses, errors and reviewed entries are added to \
      --db (a message it holds already gains the other store's sources). Entries are then \
      settled from all the merged messages, so the stores of `scan --shard 1/N` … `N/N` merge \
      into exactly what one scan would have written; the dataset in --out is replaced whole.
      """)

  @OptionGroup var configOptions: ConfigOptions
  @OptionGroup var storeOptions: StoreOptions
  @Argument(help: "The stores to merge into --db.") var stores: [String]
  @Option(help: "The dataset folder.") var out: String = "reports"
  @Flag(help: "Print nothing but warnings and errors.") var quiet = false
  @Option(help: "Log format for stderr: text or json.") var logFormat: String = "text"

  func validate() throws {
    if !["text", "json"].contains(logFormat) { throw ValidationError("--log-format must be text or json.") }
  }

  func run() throws {
    let configuration = try configOptions.load()
    let log = Log(format: logFormat, quiet: quiet)
    if let refusal = Dataset.refusal(toReplace: out, keeping: [storeOptions.db] + stores) {
      throw ExitCodeError(message: refusal)
    }
    let lock = try ScanLock(databasePath: storeOptions.db)
    defer { lock.release() }
    let store = try storeOptions.open()
    let started = Date()
    var merged: [[String: Any]] = []
    var total = Store.MergeCounts()
    for other in stores {
      let counts: Store.MergeCounts
      do {
        counts = try store.merge(from: other)
      } catch {
        throw ExitCodeError(message: "\(other): cannot merge: \(error)")
      }
      merged.append([
        "store": other, "runs": counts.runs, "messages": counts.messages, "sources": counts.sources,
        "problems": counts.problems, "reviewed_entries": counts.reviewedEntries,
      ])
      total.messages += counts.messages
      total.sources += counts.sources
    }
    do {
      try Settlement.settle(store, configuration: configuration)
    } catch {
      throw ExitCodeError(message: "cannot settle the merged entries: \(error)")
    }
    let totals = try store.totals()
    let finished = Date()
    let manifest: [String: Any] = [
      "merged_from": merged, "database": storeOptions.db, "started_at": Scan.timestamp(started),
      "finished_at": Scan.timestamp(finished), "seconds": (finished.timeIntervalSince(started) * 1000).rounded() / 1000,
      "store": ScanJob.manifest(of: totals),
    ]
    do {
      try Dataset.write(store, manifest: manifest, to: out)
    } catch {
      throw ExitCodeError(message: "\(out): cannot write the dataset (the previous one is unchanged): \(error.localizedDescription)")
    }
    log.info(
      "merged \(stores.count) store(s): \(total.messages) new messages, \(total.sources) new sources; "
        + "\(totals.entries) entries, \(String(format: "%.2f", totals.hours)) h; dataset in \(out)/",
      fields: ["messages": total.messages, "entries": totals.entries])
  }
}
