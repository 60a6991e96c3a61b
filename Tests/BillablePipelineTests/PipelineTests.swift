import BillableAnalysis
import BillableConfig
import BillableModel
import BillablePipeline
import BillableStore
import BillableTestSupport
import Foundation
import Testing

extension Store: ScanStore {}

/// The scan and settlement through an in-memory store.
@Suite("Pipeline")
struct PipelineTests {
  static let configuration: Configuration = {
    (try? ConfigurationLoader.load(path: Fixtures.url("analysis/billable.toml").path)) ?? Configuration()
  }()

  func scan(_ relatives: [String], store: Store, jobs: Int = 2) async throws -> ScanSummary {
    var options = ScanOptions(inputs: relatives.map { Fixtures.url($0).path })
    options.jobs = jobs
    options.batchSize = 3
    let scanner = Scanner(
      configuration: Self.configuration, analyzer: DefaultAnalyzer(configuration: Self.configuration), cache: nil,
      store: store, options: options)
    let run = try store.beginRun(startedAt: "t", inputs: [], analyzer: "d", fingerprint: "f")
    return try await scanner.run(runID: run)
  }

  @Test("calendar: a later SEQUENCE replaces the request, a CANCEL removes the event")
  func calendarSettlement() async throws {
    let store = try Store(path: ":memory:")
    _ = try await scan(["analysis/calendar-request-tzid.eml", "analysis/calendar-update-sequence.eml"], store: store)
    var calendar = try store.entries().filter { $0.basis == "calendar" && $0.client == "ACME" }
    #expect(calendar.count == 1)
    #expect(calendar.first?.minutes == 90)  // the update (SEQUENCE 1) moved it to 90 minutes
    #expect(calendar.first?.messageCount == 2)
    _ = try await scan(["analysis/calendar-cancel.eml"], store: store)
    calendar = try store.entries().filter { $0.basis == "calendar" && $0.client == "ACME" }
    #expect(calendar.isEmpty)
  }

  @Test("estimates are grouped per matter, day and activity before rounding")
  func grouping() async throws {
    // Two short received emails on one matter, one day: 0.2 h if each were rounded alone.
    var mbox = ""
    for (index, hour) in ["09", "15"].enumerated() {
      mbox += """
        From jo@acme.example Wed Mar  5 \(hour):00:00 2025
        From: Jo Smith <jo@acme.example>
        To: Jane Doe <jane@doe-law.example>
        Date: Wed, 05 Mar 2025 \(hour):00:00 -0500
        Subject: Lease renewal - note \(index)
        Message-ID: <group-\(index)@acme.example>

        Jane, a short note on the lease renewal: the landlord agreed to the rent schedule.


        """
    }
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("group-\(UUID().uuidString).mbox")
    try mbox.write(to: url, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(at: url) }
    let store = try Store(path: ":memory:")
    var options = ScanOptions(inputs: [url.path])
    options.batchSize = 1
    let scanner = Scanner(
      configuration: Self.configuration, analyzer: DefaultAnalyzer(configuration: Self.configuration), cache: nil,
      store: store, options: options)
    _ = try await scanner.run(runID: try store.beginRun(startedAt: "t", inputs: [], analyzer: "d", fingerprint: "f"))
    let entries = try store.entries()
    #expect(entries.count == 1)
    #expect(entries.first?.hours == 0.1)
    #expect(entries.first?.messageCount == 2)
    #expect(entries.first?.sources.map(\.messageID) == ["group-0@acme.example", "group-1@acme.example"])
    #expect(entries.first?.narrative == "Review 2 emails re: Headquarters lease renewal")
  }

  @Test("the same inputs give the same entries whatever the width of the task group")
  func determinism() async throws {
    let inputs = ["analysis"]
    let one = try Store(path: ":memory:")
    let many = try Store(path: ":memory:")
    _ = try await scan(inputs, store: one, jobs: 1)
    _ = try await scan(inputs, store: many, jobs: 8)
    #expect(try one.entries() == many.entries())
    #expect(try !one.entries().isEmpty)
  }

  @Test("shards partition the messages")
  func shards() throws {
    var counts = [0, 0, 0]
    for byte in 0..<255 {
      let hash = ContentHash(digest: [UInt8](repeating: UInt8(byte), count: 32))
      counts[Scanner.shard(of: hash, count: 3)] += 1
    }
    #expect(counts.reduce(0, +) == 255 && counts.allSatisfy { $0 > 50 })
  }
}
