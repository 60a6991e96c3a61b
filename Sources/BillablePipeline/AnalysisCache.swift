/// BillablePipeline: readers → parser → de-duplication → batches → cache + analyzer in a
/// bounded task group → a `ScanStore`, then settling entries from everything stored.
///
/// It writes through the `ScanStore` and `AnalysisCache` protocols and never imports the store
/// or the reports; the executable connects them. Imports Mailbox, MIME, Analysis, Config, Model.
import BillableModel
import Foundation

/// Analyses on disk, keyed by content hash and analyzer fingerprint (the store's
/// `CacheDatabase` implements it). The scan looks a batch up before analysis and writes the
/// batch's new entries in one go after it; bodies are opaque bytes (see `CacheCodec`).
package protocol AnalysisCache: AnyObject {
  /// The body stored for a key, or `nil` (a miss).
  func lookup(contentHash: String, fingerprint: String) -> [UInt8]?
  /// Stores new bodies and marks the ones just served as used, all at once.
  func write(_ entries: [(contentHash: String, fingerprint: String, body: [UInt8])], used: [(contentHash: String, fingerprint: String)])
}

/// How analyses are kept in the cache: their JSON. A body that is damaged or truncated
/// decodes to `nil`, a miss, never an error.
package enum CacheCodec {
  package static func encode(_ analyses: [MessageAnalysis]) -> [UInt8]? {
    (try? JSONEncoder().encode(analyses)).map(Array.init)
  }

  package static func decode(_ body: [UInt8]) -> [MessageAnalysis]? {
    try? JSONDecoder().decode([MessageAnalysis].self, from: Data(body))
  }
}
