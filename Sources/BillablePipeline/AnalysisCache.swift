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
/// Lookups and writes come from different threads (the scan task and its writer), so an
/// implementation must be safe to call from both at once.
package protocol AnalysisCache: AnyObject, Sendable {
  /// The body stored for each content hash under the fingerprint, or `nil` (a miss).
  func lookup(contentHashes: [String], fingerprint: String) -> [[UInt8]?]
  /// Stores new bodies and marks the ones just served as used (perhaps not on disk until `flush`).
  func write(_ entries: [(contentHash: String, fingerprint: String, body: [UInt8])], used: [(contentHash: String, fingerprint: String)])
  /// Puts every write on disk; the scan calls it once all batches are committed, on its
  /// writer thread while entries are settled.
  func flush()
}

/// How analyses are kept in the cache: their JSON, as `JSONDecoder` reads it back. A body
/// that is damaged or truncated decodes to `nil`, a miss, never an error.
///
/// Encoding is written out by hand: it runs for every message analysed, and Foundation's
/// `JSONEncoder` took 6% of a cold scan. A test checks that every stored property is written
/// and that `JSONDecoder` gives back an equal value.
package enum CacheCodec {
  package static func encode(_ analyses: [MessageAnalysis]) -> [UInt8]? {
    var out = JSONOut()
    out.array(analyses) { out, analysis in
      out.object {
        $0.key("timekeeper", analysis.timekeeper)
        $0.key("direction", analysis.direction.rawValue)
        $0.key("isBillable", analysis.isBillable)
        $0.key("reason", analysis.reason?.rawValue)
        $0.key("client", analysis.client)
        $0.key("matter", analysis.matter)
        $0.key("attribution", analysis.attribution)
        $0.name("evidence")
        $0.array(analysis.evidence) { $0.string($1) }
        $0.name("entries")
        $0.array(analysis.entries) { out, entry in
          out.object {
            $0.key("basis", entry.basis.rawValue)
            $0.key("minutes", entry.minutes)
            $0.key("activity", entry.activity.rawValue)
            $0.key("narrative", entry.narrative)
            $0.key("evidence", entry.evidence)
            $0.key("confidence", entry.confidence)
            $0.key("workDate", entry.workDate)
            if let calendar = entry.calendar {
              $0.name("calendar")
              $0.object {
                $0.key("uid", calendar.uid)
                $0.key("sequence", Double(calendar.sequence))
                $0.key("method", calendar.method)
                $0.key("isCancelled", calendar.isCancelled)
              }
            }
            $0.key("position", Double(entry.position))
          }
        }
        $0.name("candidates")
        $0.array(analysis.candidates) { out, candidate in
          out.object {
            $0.key("text", candidate.text)
            $0.key("minutes", candidate.minutes)
            $0.key("taken", candidate.taken)
            $0.key("reason", candidate.reason)
          }
        }
        $0.key("estimateMinutes", analysis.estimateMinutes)
        $0.key("analyzer", analysis.analyzer)
      }
    }
    return out.failed ? nil : out.bytes
  }

  package static func decode(_ body: [UInt8]) -> [MessageAnalysis]? {
    try? JSONDecoder().decode([MessageAnalysis].self, from: Data(body))
  }
}

/// A minimal JSON writer: UTF-8 strings escaped per RFC 8259, numbers in Swift's shortest
/// round-trip form, `nil` left out (as `JSONEncoder` does). A non-finite number, which JSON
/// cannot hold, marks the output failed.
private struct JSONOut {
  var bytes: [UInt8] = []
  var failed = false
  private var needsComma = false

  init() { bytes.reserveCapacity(1024) }

  mutating func object(_ body: (inout JSONOut) -> Void) {
    separate()
    bytes.append(0x7B)
    needsComma = false
    body(&self)
    bytes.append(0x7D)
    needsComma = true
  }

  mutating func array<T>(_ items: [T], _ each: (inout JSONOut, T) -> Void) {
    separate()
    bytes.append(0x5B)
    needsComma = false
    for item in items { each(&self, item) }
    bytes.append(0x5D)
    needsComma = true
  }

  mutating func name(_ key: String) {
    string(key)
    bytes.append(0x3A)
    needsComma = false
  }

  mutating func key(_ key: String, _ value: String?) {
    guard let value else { return }
    name(key)
    string(value)
  }

  mutating func key(_ key: String, _ value: Bool) {
    name(key)
    separate()
    bytes.append(contentsOf: value ? Array("true".utf8) : Array("false".utf8))
    needsComma = true
  }

  mutating func key(_ key: String, _ value: Double?) {
    guard let value else { return }
    guard value.isFinite else {
      failed = true
      return
    }
    name(key)
    separate()
    // Whole numbers as integers (Int fields must read back as Int); others shortest round-trip.
    if value == value.rounded(), abs(value) < 1e15 {
      bytes.append(contentsOf: String(Int64(value)).utf8)
    } else {
      bytes.append(contentsOf: value.description.utf8)
    }
    needsComma = true
  }

  mutating func string(_ text: String) {
    separate()
    bytes.append(0x22)
    for byte in text.utf8 {
      switch byte {
      case 0x22: bytes.append(contentsOf: [0x5C, 0x22])
      case 0x5C: bytes.append(contentsOf: [0x5C, 0x5C])
      case 0x0A: bytes.append(contentsOf: [0x5C, 0x6E])
      case 0x0D: bytes.append(contentsOf: [0x5C, 0x72])
      case 0x09: bytes.append(contentsOf: [0x5C, 0x74])
      case 0x00..<0x20:
        let hex = Array("0123456789abcdef".utf8)
        bytes.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]])
      default: bytes.append(byte)
      }
    }
    bytes.append(0x22)
    needsComma = true
  }

  private mutating func separate() {
    if needsComma { bytes.append(0x2C) }
    needsComma = false
  }
}
