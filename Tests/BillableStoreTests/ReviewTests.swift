import BillableModel
import BillableStore
import Foundation
import Testing

/// `billable review`'s store side: statuses, edits, their history, and what settling is told.
@Suite("Review")
struct ReviewTests {
  static func entry(_ id: String, _ hash: String, hours: Double = 1.5, date: String = "2025-03-03") -> SettledEntry {
    SettledEntry(
      entryID: id, messageID: "\(hash)@x", contentHash: hash, source: "s", threadID: "t", sentAt: "", workDate: date,
      timekeeper: "JD", direction: "sent", client: "ACME", matter: "M1", activityCode: "A104", taskCode: "",
      basis: "explicit", minutes: hours * 60, hours: hours, rate: 100, amount: hours * 100, currency: "USD",
      narrative: "Review the SPA", evidence: "e", confidence: 0.9, analyzer: "a", messageCount: 1,
      sources: [EntrySource(contentHash: hash, messageID: "\(hash)@x")], draftPosition: 0)
  }

  /// A store holding three draft entries, ab12…, ab34… and cd56….
  static func store(_ url: URL? = nil) throws -> Store {
    let store = try Store(path: url?.path ?? ":memory:")
    let run = try store.beginRun(startedAt: "t", inputs: [], analyzer: "a", fingerprint: "F")
    try store.save([StoreTests.record("aa", entries: []), StoreTests.record("bb", entries: []), StoreTests.record("cc", entries: [])], runID: run, fingerprint: "F")
    try store.replaceDraftEntries { write in
      try write(Self.entry("ab12" + String(repeating: "0", count: 28), "aa"))
      try write(Self.entry("ab34" + String(repeating: "0", count: 28), "bb", date: "2025-03-04"))
      try write(Self.entry("cd56" + String(repeating: "0", count: 28), "cc", date: "2025-03-05"))
    }
    return store
  }

  @Test("entries are named by a unique prefix; an ambiguous or unknown one is an error")
  func prefixes() throws {
    let store = try Self.store()
    #expect(try store.resolveEntryIDs(["ab12", "CD5"]) == ["ab12" + String(repeating: "0", count: 28), "cd56" + String(repeating: "0", count: 28)])
    #expect(throws: Store.ReviewError.ambiguous("ab", 2)) { try store.resolveEntryIDs(["ab"]) }
    #expect(throws: Store.ReviewError.noSuchEntry("ef")) { try store.resolveEntryIDs(["ef"]) }
    #expect(throws: Store.ReviewError.noSuchEntry("")) { try store.resolveEntryIDs([""]) }
  }

  @Test("approving and rejecting set the status once, each change in the history with who and why")
  func statuses() throws {
    let store = try Self.store()
    let ids = try store.resolveEntryIDs(["ab12", "ab34"])
    #expect(try store.setReviewStatus(ids, to: "approved", by: "jd", at: "2026-01-02T10:00:00Z", note: nil) == 2)
    #expect(try store.setReviewStatus(ids, to: "approved", by: "jd", at: "2026-01-02T10:01:00Z", note: nil) == 0)
    #expect(try store.setReviewStatus([ids[1]], to: "rejected", by: "mr", at: "2026-01-02T11:00:00Z", note: "duplicate") == 1)
    let statuses = try store.reviewRows(Store.ReviewFilter()).map(\.status)
    #expect(statuses == ["approved", "rejected", "draft"])
    #expect(try store.reviewRows(Store.ReviewFilter(statuses: ["draft"])).map(\.entryID) == [try store.resolveEntryIDs(["cd"])[0]])
    let history = try store.reviewHistory(ids[1])
    #expect(history.map(\.action) == ["approve", "reject"])
    #expect(history.last?.by == "mr" && history.last?.note == "duplicate" && history.last?.oldValue == "approved")
    // Rejected entries leave the entries (and so the dataset and summaries); approvedOnly keeps the approved.
    #expect(try store.entries().map(\.entryID) == [ids[0], try store.resolveEntryIDs(["cd"])[0]])
    #expect(try store.entries(approvedOnly: true).map(\.entryID) == [ids[0]])
    #expect(throws: Store.ReviewError.noSuchEntry("nope")) {
      try store.setReviewStatus(["nope"], to: "approved", by: "jd", at: "t", note: nil)
    }
  }

  @Test("an edit recomputes the amount, records each changed field, and marks the entry edited")
  func edits() throws {
    let store = try Self.store()
    let id = try store.resolveEntryIDs(["cd"])[0]
    var edit = Store.EntryEdit()
    edit.hours = 1.2
    edit.narrative = "Review and revise the SPA"
    let row = try store.editEntry(id, edit, by: "jd", at: "t", note: "client cap")
    #expect(row.status == "edited" && row.hours == 1.2 && row.amount == 120)
    let history = try store.reviewHistory(id)
    #expect(history.map { $0.field ?? "" } == ["hours", "minutes", "amount", "narrative"])
    #expect(history.first.map { [$0.oldValue, $0.newValue] } == ["1.5", "1.2"])
    // An edit that changes nothing records nothing; approving an edited entry keeps it edited.
    _ = try store.editEntry(id, edit, by: "jd", at: "t", note: nil)
    #expect(try store.reviewHistory(id).count == 4)
    #expect(try store.setReviewStatus([id], to: "approved", by: "jd", at: "t", note: nil) == 0)
    #expect(try store.entries(approvedOnly: true).map(\.hours) == [1.2])
    // A rejected entry is not edited back into the bill.
    let other = try store.resolveEntryIDs(["ab12"])[0]
    try store.setReviewStatus([other], to: "rejected", by: "jd", at: "t", note: nil)
    #expect(throws: Store.ReviewError.self) { try store.editEntry(other, edit, by: "jd", at: "t", note: nil) }
    #expect(try store.reviewRow(other)?.status == "rejected")
  }

  @Test("bulk approval chooses its drafts in its own transaction, by filter")
  func bulk() throws {
    let store = try Self.store()
    let result = try store.setReviewStatus(
      draftsIn: Store.ReviewFilter(from: "2025-03-04"), to: "approved", by: "jd", at: "t", note: nil)
    #expect(result.selected == 2 && result.changed == 2)
    #expect(try store.reviewRows(Store.ReviewFilter(statuses: ["approved"])).map(\.workDate) == ["2025-03-04", "2025-03-05"])
  }

  @Test("a re-settlement keeps reviewed entries, and tells settling which messages they cover")
  func coverage() throws {
    let store = try Self.store()
    let ids = try store.resolveEntryIDs(["ab12", "cd"])
    try store.setReviewStatus([ids[0]], to: "approved", by: "jd", at: "t", note: nil)
    try store.setReviewStatus([ids[1]], to: "rejected", by: "jd", at: "t", note: nil)
    let coverage = try store.reviewedCoverage()
    #expect(coverage.entryIDs == Set(ids))
    func draft(_ hash: String, _ basis: EntryBasis, position: Int, analyzer: String, messageID: String? = nil) -> DraftRow {
      DraftRow(
        contentHash: hash, messageID: messageID ?? "\(hash)@x", threadID: "t", sentAt: "2025-03-03T10:00:00Z", source: "s",
        timekeeper: "JD", direction: "sent", client: "ACME", matter: "M1", analyzer: analyzer,
        entry: DraftEntry(
          basis: basis, minutes: 30, activity: .review, narrative: "n", evidence: "e", confidence: 0.9, workDate: "2025-03-03",
          position: position))
    }
    // The reviewed entry's own draft; the message's other drafts are still theirs to bill.
    #expect(coverage.covers(draft("aa", .explicit, position: 0, analyzer: "a")))
    #expect(!coverage.covers(draft("aa", .explicit, position: 1, analyzer: "a")))
    #expect(!coverage.covers(draft("bb", .explicit, position: 0, analyzer: "a")))
    // A new analyzer's reading of a reviewed message: its place, or another basis, is covered.
    #expect(coverage.covers(draft("aa", .explicit, position: 0, analyzer: "b")))
    #expect(coverage.covers(draft("aa", .estimated, position: 0, analyzer: "b")))
    #expect(!coverage.covers(draft("aa", .explicit, position: 1, analyzer: "b")))
    // Another copy of the same mail (same Message-ID and Date, other bytes).
    #expect(coverage.covers(draft("zz", .explicit, position: 0, analyzer: "a", messageID: "aa@x")))
    #expect(!coverage.covers(draft("zz", .explicit, position: 0, analyzer: "a", messageID: "zz@x")))
    try store.replaceDraftEntries { write in try write(Self.entry(ids[0], "aa", hours: 9)) }
    let rows = try store.reviewRows(Store.ReviewFilter())
    #expect(rows.map(\.entryID) == ids, "the draft is gone, the reviewed two stay")
    #expect(rows.first?.hours == 1.5, "an approved entry is not overwritten by a draft of its id")
  }

  @Test("a merged store brings its reviewed entries and their history, once")
  func merge() throws {
    let mineURL = FileManager.default.temporaryDirectory.appendingPathComponent("review-\(UUID().uuidString).sqlite")
    let otherURL = FileManager.default.temporaryDirectory.appendingPathComponent("review-\(UUID().uuidString).sqlite")
    defer { [mineURL, otherURL].forEach(StoreTests.remove) }
    // The same store reviewed on a laptop: the review wins over this store's draft of the id.
    let mine = try Self.store(mineURL)
    let other = try Self.store(otherURL)
    try other.setReviewStatus(try other.resolveEntryIDs(["ab12"]), to: "approved", by: "jd", at: "t", note: nil)
    try mine.merge(from: otherURL.path)
    try mine.merge(from: otherURL.path)
    #expect(try mine.reviewRows(Store.ReviewFilter()).map(\.status) == ["approved", "draft", "draft"])
    #expect(try mine.reviewHistory(nil).count == 1)
    #expect(try mine.entries().first?.sources.count == 1)
  }
}
