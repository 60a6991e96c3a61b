import BillablePipeline
import Foundation

/// The cache as `billable cache` sees it (no analyzer needed).
struct AnalysisCacheView {
  let cache: AnalysisCache

  init(directory: String) {
    cache = AnalysisCache(directory: directory)
  }

  func usage() -> (entries: Int, bytes: Int) { cache.usage() }
  func prune(olderThan cutoff: Date) -> Int { cache.prune(olderThan: cutoff) }

  /// What the last scan left in `stats.json` (see `CacheStats.save`): its hits and misses, and
  /// its LLM counters if it used the LLM analyzer.
  func lastRun() -> (hits: Int, misses: Int, llm: [String: Int]?)? {
    guard let data = try? Data(contentsOf: cache.directory.appendingPathComponent("stats.json")),
      let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
    else { return nil }
    return (object["last_run_hits"] as? Int ?? 0, object["last_run_misses"] as? Int ?? 0, object["last_run_llm"] as? [String: Int])
  }
}
