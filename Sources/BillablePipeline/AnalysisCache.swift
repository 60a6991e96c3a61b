/// BillablePipeline: readers → parser → de-duplication → batches → cache + analyzer in a
/// bounded task group → a `ScanStore`, then settling entries from everything stored.
///
/// It writes through the `ScanStore` protocol and never imports the store or the reports; the
/// executable connects them. Imports Mailbox, MIME, Analysis, Config, Model.
import BillableMailbox
import BillableModel
import Foundation
import Glibc

/// Analyses on disk, keyed by content hash and analyzer fingerprint.
///
/// One JSON file per key, sharded by the first byte of the key's hash (`ab/abcd….json`, 256
/// folders: a million entries is about 4,000 files a folder); written to a temporary file and renamed,
/// so a reader never sees half a file. A file that cannot be decoded is a miss (and is
/// rewritten by the next store), never an error.
package final class AnalysisCache: @unchecked Sendable {
  package let directory: URL
  private let lock = NSLock()
  private var createdFolders: Set<String> = []

  package init(directory: String) {
    self.directory = URL(fileURLWithPath: directory, isDirectory: true)
  }

  /// The file for a content hash under a fingerprint.
  package func url(contentHash: String, fingerprint: String) -> URL {
    let key = ContentHasher.sha256Hex(Array((contentHash + "\n" + fingerprint).utf8))
    return directory.appendingPathComponent(String(key.prefix(2))).appendingPathComponent(key + ".json")
  }

  /// The cached analyses, or `nil` (a miss).
  package func load(contentHash: String, fingerprint: String) -> [MessageAnalysis]? {
    let url = url(contentHash: contentHash, fingerprint: fingerprint)
    guard let data = try? Data(contentsOf: url),
      let entry = try? JSONDecoder().decode(CacheEntry.self, from: data), entry.contentHash == contentHash,
      entry.fingerprint == fingerprint
    else { return nil }
    return entry.analyses
  }

  /// Stores analyses atomically (temporary file, then rename); a failure to write is not an
  /// error for the scan. Plain POSIX calls: this runs once per analysed message.
  package func store(_ analyses: [MessageAnalysis], contentHash: String, fingerprint: String) {
    let url = url(contentHash: contentHash, fingerprint: fingerprint)
    let entry = CacheEntry(contentHash: contentHash, fingerprint: fingerprint, analyses: analyses)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    guard let data = try? encoder.encode(entry) else { return }
    let folder = url.deletingLastPathComponent().path
    let known = lock.withLock { createdFolders.contains(folder) }
    if !known {
      try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
      lock.withLock { _ = createdFolders.insert(folder) }
    }
    let temporary = folder + "/." + url.lastPathComponent + ".\(getpid()).\(UInt64.random(in: 0...UInt64.max)).tmp"
    let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else { return }
    let written = data.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
    close(descriptor)
    if written != data.count || rename(temporary, url.path) != 0 { unlink(temporary) }
  }

  /// Entries and bytes on disk.
  package func usage() -> (entries: Int, bytes: Int) {
    var entries = 0
    var bytes = 0
    guard let walker = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: [.fileSizeKey]) else {
      return (0, 0)
    }
    for case let url as URL in walker where url.pathExtension == "json" && url.lastPathComponent != "stats.json" {
      entries += 1
      bytes += (try? url.resourceValues(forKeys: [.fileSizeKey]).fileSize) ?? 0
    }
    return (entries, bytes)
  }

  /// Deletes entries last written before `cutoff`; returns how many.
  @discardableResult
  package func prune(olderThan cutoff: Date) -> Int {
    var removed = 0
    guard let walker = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: [.contentModificationDateKey])
    else { return 0 }
    for case let url as URL in walker where url.pathExtension == "json" && url.lastPathComponent != "stats.json" {
      let modified = (try? url.resourceValues(forKeys: [.contentModificationDateKey]).contentModificationDate) ?? .distantFuture
      if modified < cutoff, (try? FileManager.default.removeItem(at: url)) != nil { removed += 1 }
    }
    return removed
  }

  private struct CacheEntry: Codable {
    var contentHash: String
    var fingerprint: String
    var analyses: [MessageAnalysis]
  }
}
