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

  /// The last run's LLM counters, if it used the LLM analyzer.
  func lastLLM() -> [String: Int]? {
    guard let data = try? Data(contentsOf: cache.directory.appendingPathComponent("stats.json")),
      let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
    else { return nil }
    return object["last_run_llm"] as? [String: Int]
  }

  func lastRun() -> (hits: Int, misses: Int)? {
    guard let data = try? Data(contentsOf: cache.directory.appendingPathComponent("stats.json")),
      let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
    else { return nil }
    return (object["last_run_hits"] as? Int ?? 0, object["last_run_misses"] as? Int ?? 0)
  }
}
