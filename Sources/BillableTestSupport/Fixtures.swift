import Foundation

/// Helpers shared by the test targets (and only by them): fixture paths, golden files, line
/// ending flips and running the built `billable` binary.
package enum Fixtures {
  /// The repository root, found from this file's path (fixtures/ is not a SwiftPM resource).
  package static let root: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  /// `fixtures/<relative>`.
  package static func url(_ relative: String) -> URL {
    root.appendingPathComponent("fixtures").appendingPathComponent(relative)
  }

  /// The bytes of `fixtures/<relative>`.
  package static func bytes(_ relative: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: url(relative)))
  }

  /// Files under `fixtures/<directory>` whose names end in `suffix`, sorted.
  package static func files(in directory: String, suffix: String) -> [String] {
    let base = url(directory)
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: base.path) else { return [] }
    return names.filter { $0.hasSuffix(suffix) }.sorted().map { directory + "/" + $0 }
  }

  /// LF line endings turned into CRLF (existing CRLF left alone).
  package static func toCRLF(_ bytes: [UInt8]) -> [UInt8] {
    var out = [UInt8]()
    out.reserveCapacity(bytes.count + bytes.count / 20)
    var previous: UInt8 = 0
    for byte in bytes {
      if byte == 0x0A && previous != 0x0D { out.append(0x0D) }
      out.append(byte)
      previous = byte
    }
    return out
  }

  /// CRLF line endings turned into LF.
  package static func toLF(_ bytes: [UInt8]) -> [UInt8] {
    var out = [UInt8]()
    out.reserveCapacity(bytes.count)
    var index = 0
    while index < bytes.count {
      if bytes[index] == 0x0D, index + 1 < bytes.count, bytes[index + 1] == 0x0A {
        index += 1
        continue
      }
      out.append(bytes[index])
      index += 1
    }
    return out
  }
}

/// Golden-file comparison with a record mode, in the style of swift-argument-parser's snapshots.
package enum Golden {
  /// Compares `actual` with the file at `fixtures/<relative>`. With `BILLABLE_RECORD=1` (or
  /// when the file is missing) the file is written instead. On a mismatch, `<name>.actual` is
  /// written next to it and a line diff is returned.
  /// - Returns: `nil` when they match, else a description of the difference.
  package static func check(_ actual: String, against relative: String) -> String? {
    let url = Fixtures.url(relative)
    let record = ProcessInfo.processInfo.environment["BILLABLE_RECORD"] == "1"
    if record || !FileManager.default.fileExists(atPath: url.path) {
      try? actual.write(to: url, atomically: true, encoding: .utf8)
      return record ? nil : "recorded missing golden \(relative); run again"
    }
    let expected = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
    if expected == actual {
      try? FileManager.default.removeItem(at: url.appendingPathExtension("actual"))
      return nil
    }
    try? actual.write(to: url.appendingPathExtension("actual"), atomically: true, encoding: .utf8)
    let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false)
    let actualLines = actual.split(separator: "\n", omittingEmptySubsequences: false)
    var diff = "\(relative) differs (actual written to \(relative).actual):\n"
    for index in 0..<max(expectedLines.count, actualLines.count) {
      let e = index < expectedLines.count ? String(expectedLines[index]) : "<missing>"
      let a = index < actualLines.count ? String(actualLines[index]) : "<missing>"
      if e != a { diff += "  line \(index + 1)\n  - \(e)\n  + \(a)\n" }
    }
    return diff
  }
}

/// The result of running the built `billable` binary.
package struct CommandResult {
  package var status: Int32
  package var stdout: String
  package var stderr: String
}

/// Runs `.build/debug/billable` (built by `swift build --build-tests`) with `arguments`.
package func runBillable(
  _ arguments: [String], stdin: Data? = nil, in directory: URL? = nil, environment: [String: String] = [:]
) throws -> CommandResult {
  let process = Process()
  if !environment.isEmpty {
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
  }
  process.executableURL = Fixtures.root.appendingPathComponent(".build/debug/billable")
  process.arguments = arguments
  process.currentDirectoryURL = directory ?? Fixtures.root
  let out = Pipe()
  let err = Pipe()
  process.standardOutput = out
  process.standardError = err
  let input = Pipe()
  process.standardInput = input
  try process.run()
  if let stdin { input.fileHandleForWriting.write(stdin) }
  try input.fileHandleForWriting.close()
  let outData = out.fileHandleForReading.readDataToEndOfFile()
  let errData = err.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  return CommandResult(
    status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
    stderr: String(decoding: errData, as: UTF8.self))
}
