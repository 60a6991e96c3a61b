import BillablePipeline
import Foundation

/// The progress line on a terminal: messages, MB/s, messages/s, cache hits. Redrawn in place
/// with `\r`; nothing at all when stderr is not a terminal (cron) or with --quiet.
final class ProgressLine: @unchecked Sendable {
  private let enabled: Bool
  private let started: Date
  private let lock = NSLock()
  private var drawn = false
  /// Bytes of the input files (0 when unknown, as for standard input).
  private let totalBytes: Int

  init(enabled: Bool, started: Date, inputs: [String] = []) {
    self.enabled = enabled
    self.started = started
    self.totalBytes = enabled ? Self.size(of: inputs) : 0
  }

  /// The size of every regular file under the inputs (what the readers will read, near enough:
  /// gzip files count compressed).
  static func size(of inputs: [String]) -> Int {
    var total = 0
    for input in inputs where input != "-" {
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: input, isDirectory: &isDirectory) else { continue }
      if !isDirectory.boolValue {
        total += (try? FileManager.default.attributesOfItem(atPath: input)[.size] as? Int) ?? 0
        continue
      }
      let walker = FileManager.default.enumerator(
        at: URL(fileURLWithPath: input), includingPropertiesForKeys: [.fileSizeKey, .isRegularFileKey])
      while let url = walker?.nextObject() as? URL {
        let values = try? url.resourceValues(forKeys: [.fileSizeKey, .isRegularFileKey])
        if values?.isRegularFile == true { total += values?.fileSize ?? 0 }
      }
    }
    return total
  }

  func update(_ progress: ScanProgress) {
    guard enabled else { return }
    let seconds = max(0.001, Date().timeIntervalSince(started))
    let megabytes = Double(progress.bytes) / 1_048_576
    var eta = ""
    if totalBytes > 0 {
      let rate = Double(progress.bytes) / seconds
      let remaining = max(0, Double(totalBytes - progress.bytes)) / max(rate, 1)
      eta = String(format: " of %.1f MB, ETA %d:%02d", Double(totalBytes) / 1_048_576, Int(remaining) / 60, Int(remaining) % 60)
    }
    let line = String(
      format: "\r%d messages, %.1f MB%@, %.0f msg/s, %.1f MB/s, %d cache hits, %d analysed ", progress.messages, megabytes,
      eta, Double(progress.messages) / seconds, megabytes / seconds, progress.cacheHits, progress.analysed)
    lock.withLock {
      drawn = true
      FileHandle.standardError.write(Data(line.utf8))
    }
  }

  func finish() {
    lock.withLock {
      if drawn { FileHandle.standardError.write(Data("\n".utf8)) }
      drawn = false
    }
  }
}

/// Warnings and the final line on stderr, as text or JSON lines (for cron and log shippers).
struct Log {
  let format: String
  let quiet: Bool

  func info(_ message: String, fields: [String: Any] = [:]) {
    guard !quiet else { return }
    emit("info", message, fields)
  }

  func warning(_ message: String) { emit("warning", message, [:]) }

  private func emit(_ level: String, _ message: String, _ fields: [String: Any]) {
    if format == "json" {
      var object = fields
      object["level"] = level
      object["message"] = message
      object["time"] = Scan.timestamp(Date())
      if let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) {
        StandardError.write(String(decoding: data, as: UTF8.self))
      }
    } else {
      StandardError.write("billable: \(level == "info" ? "" : level + ": ")\(message)")
    }
  }
}
