import BillableModel
import CSQLite

/// A person's review of the entries a scan settled: drafts are approved, edited or rejected,
/// and every change is kept in `entry_reviews` with who made it and when. Settling never
/// touches a reviewed entry (`replaceDraftEntries`) nor bills its messages again
/// (`reviewedCoverage`).
extension Store {
  /// One entry as a reviewer sees it: the settled entry (without its sources) and its status;
  /// `row.hours` reads and writes the entry's.
  @dynamicMemberLookup
  package struct ReviewRow: Sendable, Equatable {
    package var entry: SettledEntry
    package var status: String

    package subscript<Value>(dynamicMember path: WritableKeyPath<SettledEntry, Value>) -> Value {
      get { entry[keyPath: path] }
      set { entry[keyPath: path] = newValue }
    }
  }

  /// Which entries to list or act on; `nil` is any.
  package struct ReviewFilter: Sendable {
    package var statuses: [String]?
    package var from: String?
    package var to: String?
    package var timekeeper: String?
    package var client: String?
    package var matter: String?
    package init(
      statuses: [String]? = nil, from: String? = nil, to: String? = nil, timekeeper: String? = nil, client: String? = nil,
      matter: String? = nil
    ) {
      self.statuses = statuses
      self.from = from
      self.to = to
      self.timekeeper = timekeeper
      self.client = client
      self.matter = matter
    }
  }

  /// One change in an entry's history.
  package struct ReviewEvent: Sendable, Equatable {
    package var entryID: String
    package var at: String
    package var by: String
    package var action: String
    package var field: String?
    package var oldValue: String?
    package var newValue: String?
    package var note: String?
  }

  /// What a change to one entry sets; `nil` leaves a field as it is.
  package struct EntryEdit: Sendable {
    package var hours: Double?
    package var client: String?
    package var matter: String?
    package var taskCode: String?
    package var rate: Double?
    package var narrative: String?
    package var activityCode: String?
    package init() {}
  }

  package enum ReviewError: Error, CustomStringConvertible, Equatable {
    case noSuchEntry(String)
    case ambiguous(String, Int)
    case notEditable(String, String)

    package var description: String {
      switch self {
      case .noSuchEntry(let id): return "no entry has an id that starts with '\(id)'"
      case .ambiguous(let id, let count): return "'\(id)' starts \(count) entry ids; give more of it"
      case .notEditable(let id, let why): return "entry \(id): \(why)"
      }
    }
  }

  /// Entries in dataset order (work date, timekeeper, client, matter, id).
  package func reviewRows(_ filter: ReviewFilter) throws -> [ReviewRow] {
    let statement = try connection.prepare(
      """
      SELECT \(Self.reviewColumns) FROM entries e
      WHERE (?1 IS NULL OR e.status IN (SELECT value FROM json_each(?1)))
        AND (?2 IS NULL OR e.work_date >= ?2) AND (?3 IS NULL OR e.work_date <= ?3)
        AND (?4 IS NULL OR e.timekeeper = ?4) AND (?5 IS NULL OR e.client = ?5) AND (?6 IS NULL OR e.matter = ?6)
      ORDER BY e.work_date, e.timekeeper, e.client, e.matter, e.entry_id
      """)
    let statuses = filter.statuses.map { "[" + $0.map { "\"\($0)\"" }.joined(separator: ",") + "]" }
    statement.bind([statuses, filter.from, filter.to, filter.timekeeper, filter.client, filter.matter])
    var rows: [ReviewRow] = []
    while try statement.step() { rows.append(Self.reviewRow(statement)) }
    return rows
  }

  /// The full entry ids for ids or unique prefixes of them, as people copy them from a list.
  package func resolveEntryIDs(_ prefixes: [String]) throws -> [String] {
    let statement = try connection.prepare(
      "SELECT entry_id FROM entries WHERE substr(entry_id, 1, length(?1)) = ?1 ORDER BY entry_id")
    var ids: [String] = []
    for prefix in prefixes {
      let wanted = prefix.lowercased()
      statement.bind([wanted])
      var found: [String] = []
      while try statement.step() { found.append(statement.string(0) ?? "") }
      statement.reset()
      guard !wanted.isEmpty, let first = found.first else { throw ReviewError.noSuchEntry(prefix) }
      if found.count > 1 && !found.contains(wanted) { throw ReviewError.ambiguous(prefix, found.count) }
      let id = found.contains(wanted) ? wanted : first
      if !ids.contains(id) { ids.append(id) }
    }
    return ids
  }

  /// Sets the entries' status to `approved` or `rejected`, in one transaction, with one
  /// history row each; returns how many changed (an entry already so is left alone).
  @discardableResult
  package func setReviewStatus(_ ids: [String], to status: String, by reviewer: String, at time: String, note: String?)
    throws -> Int
  {
    try connection.transaction { try setStatus(ids, to: status, by: reviewer, at: time, note: note) }
  }

  /// `setReviewStatus` for the drafts `filter` selects, chosen in the same transaction, so a
  /// scan settling meanwhile cannot slip other entries in; returns how many, and how many changed.
  package func setReviewStatus(draftsIn filter: ReviewFilter, to status: String, by reviewer: String, at time: String, note: String?)
    throws -> (selected: Int, changed: Int)
  {
    var drafts = filter
    drafts.statuses = ["draft"]
    return try connection.transaction {
      let ids = try reviewRows(drafts).map(\.entryID)
      return (ids.count, try setStatus(ids, to: status, by: reviewer, at: time, note: note))
    }
  }

  private func setStatus(_ ids: [String], to status: String, by reviewer: String, at time: String, note: String?) throws -> Int {
    precondition(status == "approved" || status == "rejected")
    let current = try connection.prepare("SELECT status FROM entries WHERE entry_id = ?1")
    let update = try connection.prepare("UPDATE entries SET status = ?2 WHERE entry_id = ?1")
    var changed = 0
    for id in ids {
      current.bind([id])
      guard try current.step(), let old = current.string(0) else {
        current.reset()
        throw ReviewError.noSuchEntry(id)
      }
      current.reset()
      // Approving an edited entry keeps it edited: its figures are the reviewer's, not the scan's.
      if old == status || (status == "approved" && old == "edited") { continue }
      try update.run([id, status])
      try recordReview(id, at: time, by: reviewer, action: status == "approved" ? "approve" : "reject",
        field: "status", old: old, new: status, note: note)
      changed += 1
    }
    return changed
  }

  /// How long a review waits for a scan that is writing the store before giving up.
  package func waitForWriters(seconds: Int) {
    connection.busyTimeout(milliseconds: Int32(clamping: seconds * 1000))
  }

  /// Applies an edit to one entry (status `edited`), recording each field that changed.
  /// Returns the entry as it now is.
  package func editEntry(_ id: String, _ edit: EntryEdit, by reviewer: String, at time: String, note: String?) throws
    -> ReviewRow
  {
    try connection.transaction {
      guard var row = try reviewRow(id) else { throw ReviewError.noSuchEntry(id) }
      // A rejected entry is out of the bill; an edit must not bring it back unnoticed.
      if row.status == "rejected" { throw ReviewError.notEditable(id, "it is rejected; approve it first to bill it again") }
      let before = row
      if let hours = edit.hours {
        row.hours = hours
        row.minutes = hours * 60  // the reviewer's time replaces the scan's reading
      }
      if let client = edit.client { row.client = client }
      if let matter = edit.matter { row.matter = matter }
      if let taskCode = edit.taskCode { row.taskCode = taskCode }
      if let rate = edit.rate { row.rate = rate }
      if let narrative = edit.narrative { row.narrative = narrative }
      if let activity = edit.activityCode { row.activityCode = activity }
      row.amount = ((row.hours * row.rate) * 100).rounded() / 100
      let changes: [(String, String, String)] = [
        ("hours", Self.number(before.hours), Self.number(row.hours)),
        ("minutes", Self.number(before.minutes), Self.number(row.minutes)), ("client", before.client, row.client),
        ("matter", before.matter, row.matter), ("task_code", before.taskCode, row.taskCode),
        ("rate", Self.number(before.rate), Self.number(row.rate)), ("amount", Self.number(before.amount), Self.number(row.amount)),
        ("narrative", before.narrative, row.narrative), ("activity_code", before.activityCode, row.activityCode),
      ].filter { $0.1 != $0.2 }
      guard !changes.isEmpty else { return row }
      row.status = "edited"
      try connection.prepare(
        """
        UPDATE entries SET status = 'edited', hours = ?2, client = ?3, matter = ?4, task_code = ?5, rate = ?6, amount = ?7,
          narrative = ?8, activity_code = ?9, minutes = ?10
        WHERE entry_id = ?1
        """
      ).run([id, row.hours, row.client, row.matter, row.taskCode, row.rate, row.amount, row.narrative, row.activityCode, row.minutes])
      for (field, old, new) in changes {
        try recordReview(id, at: time, by: reviewer, action: "edit", field: field, old: old, new: new, note: note)
      }
      return row
    }
  }

  /// The history of one entry, or of every entry, oldest first.
  package func reviewHistory(_ id: String?) throws -> [ReviewEvent] {
    let statement = try connection.prepare(
      """
      SELECT entry_id, at, by, action, field, old_value, new_value, note FROM entry_reviews
      WHERE ?1 IS NULL OR entry_id = ?1 ORDER BY at, review_id
      """)
    statement.bind([id])
    var events: [ReviewEvent] = []
    while try statement.step() {
      events.append(
        ReviewEvent(
          entryID: statement.string(0) ?? "", at: statement.string(1) ?? "", by: statement.string(2) ?? "",
          action: statement.string(3) ?? "", field: statement.string(4), oldValue: statement.string(5),
          newValue: statement.string(6), note: statement.string(7)))
    }
    return events
  }

  /// What reviewed entries cover, for settling: their ids, and each (timekeeper, basis,
  /// message) they were made from.
  package func reviewedCoverage() throws -> ReviewedCoverage {
    let statement = try connection.prepare(
      """
      SELECT e.entry_id, e.timekeeper, e.basis, e.draft_position, e.analyzer, es.content_hash, es.message_id, m.sent_at
      FROM entries e
        LEFT JOIN entry_sources es ON es.entry_id = e.entry_id
        LEFT JOIN messages m ON m.content_hash = es.content_hash
      WHERE e.status <> 'draft'
      """)
    statement.bind([])
    var coverage = ReviewedCoverage()
    while try statement.step() {
      coverage.entryIDs.insert(statement.string(0) ?? "")
      guard let hash = statement.string(5) else { continue }
      let review = ReviewedCoverage.Review(
        basis: statement.string(2) ?? "", position: statement.isNull(3) ? nil : statement.int(3),
        analyzer: statement.string(4) ?? "")
      coverage.add(
        review, timekeeper: statement.string(1) ?? "", contentHash: hash, messageID: statement.string(6) ?? "",
        sentAt: statement.string(7) ?? "")
    }
    return coverage
  }

  /// One entry by its full id.
  package func reviewRow(_ id: String) throws -> ReviewRow? {
    let statement = try connection.prepare("SELECT \(Self.reviewColumns) FROM entries e WHERE e.entry_id = ?1")
    statement.bind([id])
    return try statement.step() ? Self.reviewRow(statement) : nil
  }

  private static let reviewColumns = settledColumns + ", e.status"

  /// A row of `reviewColumns`.
  private static func reviewRow(_ statement: Statement) -> ReviewRow {
    ReviewRow(entry: settledEntry(statement), status: statement.string(settledColumnCount) ?? "")
  }

  private func recordReview(
    _ id: String, at time: String, by reviewer: String, action: String, field: String?, old: String?, new: String?,
    note: String?
  ) throws {
    try connection.prepare(
      "INSERT INTO entry_reviews (entry_id, at, by, action, field, old_value, new_value, note) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
    ).run([id, time, reviewer, action, field, old, new, note])
  }

  /// A figure as the history shows it: "1.5", not "1.5000000001".
  static func number(_ value: Double) -> String {
    let rounded = (value * 100).rounded() / 100
    return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
  }
}
