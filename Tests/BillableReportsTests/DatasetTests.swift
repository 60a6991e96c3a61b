import BillableModel
import BillableReports
import Foundation
import Testing

/// The dataset's files, written with messages.csv on a second thread or after the entries.
@Suite("Dataset")
struct DatasetTests {
  /// Rows held in memory; a second reader (when `concurrent`) is a copy over the same rows.
  final class Rows: DatasetSource, @unchecked Sendable {
    let entries: [SettledEntry]
    let messages: [MessageRow]
    let concurrent: Bool
    let failMessages: Bool

    init(entries: [SettledEntry], messages: [MessageRow], concurrent: Bool, failMessages: Bool = false) {
      self.entries = entries
      self.messages = messages
      self.concurrent = concurrent
      self.failMessages = failMessages
    }

    struct Broken: Error {}

    func forEachEntry(from: String?, to: String?, includeRejected: Bool, _ body: (SettledEntry) throws -> Void) throws {
      for entry in entries { try body(entry) }
    }
    func forEachMessage(_ body: (MessageRow) throws -> Void) throws {
      for (index, message) in messages.enumerated() {
        if failMessages && index == messages.count / 2 { throw Broken() }
        try body(message)
      }
    }
    func forEachProblem(_ body: (Int, Problem) throws -> Void) throws {
      try body(1, Problem(source: "a.mbox: message 2 at byte 10", contentHash: "h2", kind: "no-headers", severity: "critical", detail: "", offset: 0))
    }
    func concurrentReader() throws -> Rows? {
      concurrent ? Rows(entries: entries, messages: messages, concurrent: false, failMessages: failMessages) : nil
    }
  }

  static func rows(concurrent: Bool, failMessages: Bool = false) -> Rows {
    let entries = (0..<300).map { index in
      SettledEntry(
        entryID: "e\(index)", messageID: "m\(index)@x", contentHash: "h\(index)", source: "a.mbox: message \(index + 1) at byte \(index * 100)",
        threadID: "t", sentAt: "2025-0\(index % 3 + 1)-03T10:00:00Z", workDate: "2025-0\(index % 3 + 1)-03", timekeeper: "JD",
        direction: "sent", client: "ACME", matter: "M1", activityCode: "A104", taskCode: "", basis: "explicit", minutes: 30,
        hours: 0.5, rate: 300, amount: 150, currency: "USD", narrative: "Review, \"draft\" \(index)", evidence: "e", confidence: 0.9,
        analyzer: "default@test", messageCount: 1, sources: [EntrySource(contentHash: "h\(index)", messageID: "m\(index)@x")])
    }.sorted { ($0.workDate, $0.entryID) < ($1.workDate, $1.entryID) }
    let messages = (0..<5000).map { index in
      MessageRow(
        contentHash: "h\(index)", messageID: "m\(index)@x", sources: ["a.mbox: message \(index + 1) at byte \(index * 100)"],
        sentAt: "2025-03-03T10:00:00Z", direction: "sent", status: "billable", reason: "", client: "ACME", matter: "M1", entries: 1)
    }
    return Rows(entries: entries, messages: messages, concurrent: concurrent, failMessages: failMessages)
  }

  static func files(in folder: String) throws -> [String: Data] {
    var result: [String: Data] = [:]
    let enumerator = FileManager.default.enumerator(atPath: folder)
    while let name = enumerator?.nextObject() as? String {
      var isDirectory: ObjCBool = false
      if FileManager.default.fileExists(atPath: folder + "/" + name, isDirectory: &isDirectory), !isDirectory.boolValue {
        result[name] = try Data(contentsOf: URL(fileURLWithPath: folder + "/" + name))
      }
    }
    return result
  }

  @Test("messages.csv written beside the entries gives the same files as written after them")
  func concurrentSameAsSequential() throws {
    let base = FileManager.default.temporaryDirectory.appendingPathComponent("dataset-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: base) }
    try Dataset.write(Self.rows(concurrent: false), manifest: ["run": 1], to: base + "/one")
    try Dataset.write(Self.rows(concurrent: true), manifest: ["run": 1], to: base + "/two")
    let one = try Self.files(in: base + "/one")
    let two = try Self.files(in: base + "/two")
    #expect(one.keys.sorted() == two.keys.sorted())
    #expect(one.keys.contains("messages.csv") && one.keys.contains("entries/month=2025-02/part-00000.csv"))
    for (name, data) in one { #expect(two[name] == data, "\(name)") }
    #expect(String(decoding: one["messages.csv"] ?? Data(), as: UTF8.self).split(separator: "\n").count == 5001)
  }

  @Test("a failure on the messages thread fails the write and leaves the previous dataset whole", arguments: [false, true])
  func failureKeepsPrevious(concurrent: Bool) throws {
    let base = FileManager.default.temporaryDirectory.appendingPathComponent("dataset-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: base) }
    try Dataset.write(Self.rows(concurrent: concurrent), manifest: ["run": 1], to: base + "/out")
    let before = try Self.files(in: base + "/out")
    #expect(throws: Rows.Broken.self) {
      try Dataset.write(Self.rows(concurrent: concurrent, failMessages: true), manifest: ["run": 2], to: base + "/out")
    }
    #expect(try Self.files(in: base + "/out") == before)
    // No staging folder is left behind.
    #expect(try FileManager.default.contentsOfDirectory(atPath: base) == ["out"])
  }

  @Test("a message with more sources than are listed says how many more")
  func moreSources() throws {
    let base = FileManager.default.temporaryDirectory.appendingPathComponent("dataset-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: base) }
    let row = MessageRow(
      contentHash: "h", messageID: "m@x", sources: ["b.mbox: message 2 at byte 9", "a.mbox: message 1 at byte 0"], sentAt: "",
      direction: "received", status: "not_billable", reason: "automated", client: "", matter: "", entries: 0, moreSources: 298)
    try Dataset.write(Rows(entries: [], messages: [row], concurrent: false), manifest: [:], to: base)
    let text = try String(contentsOfFile: base + "/messages.csv", encoding: .utf8)
    #expect(text.split(separator: "\n").last == "h,m@x,a.mbox: message 1 at byte 0; b.mbox: message 2 at byte 9; and 298 more,,received,not_billable,automated,,,0")
  }
}
