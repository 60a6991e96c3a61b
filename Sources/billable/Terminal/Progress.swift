import BillablePipeline
import Foundation

/// The progress line on a terminal: messages, MB/s, messages/s, cache hits. Redrawn in place
/// with `\r`; nothing at all when stderr is not a terminal (cron) or with --quiet.
final class ProgressLine: @unchecked Sendable {
  private let enabled: Bool
  private let started: Date
  private let lock = NSLock()
  private var drawn = false

  init(enabled: Bool, started: Date) {
    self.enabled = enabled
    self.started = started
  }

  func update(_ progress: ScanProgress) {
    guard enabled else { return }
    let seconds = max(0.001, Date().timeIntervalSince(started))
    let megabytes = Double(progress.bytes) / 1_048_576
    let line = String(
      format: "\r%d messages, %.1f MB, %.0f msg/s, %.1f MB/s, %d cache hits, %d analysed ", progress.messages, megabytes,
      Double(progress.messages) / seconds, megabytes / seconds, progress.cacheHits, progress.analysed)
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
