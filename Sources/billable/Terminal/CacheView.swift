import BillablePipeline
import BillableStore
import Foundation

/// The store's cache database is the scan's analysis cache.
extension CacheDatabase: AnalysisCache {}

/// The cache as `billable cache` sees it (no analyzer needed).
struct AnalysisCacheView {
  let cache: CacheDatabase

  init(directory: String) {
    cache = CacheDatabase(directory: directory)
  }

  func usage() -> (entries: Int, bytes: Int) { cache.usage() }
  func prune(olderThan cutoff: Date) -> Int { cache.prune(olderThan: cutoff) }

  /// What the last scan left in `stats.json` (see `CacheStats.save`): its hits and misses, and
  /// its LLM counters if it used the LLM analyzer.
  func lastRun() -> (hits: Int, misses: Int, llm: [String: Int]?)? {
    guard let data = FileManager.default.contents(atPath: cache.directory + "/stats.json"),
      let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
    else { return nil }
    return (object["last_run_hits"] as? Int ?? 0, object["last_run_misses"] as? Int ?? 0, object["last_run_llm"] as? [String: Int])
  }
}
