import BillableAnalysis
import BillableConfig
import BillableMailbox
import BillableModel

/// Turns the unsettled entries of every stored message into final, priced entries.
///
/// Settling looks across messages, so it runs on what the store holds, never on what one
/// process happened to see: a store merged from shards settles exactly as one run would. It
/// streams the drafts in group order, so memory holds one group at a time, not the mailbox.
/// - Explicit entries stay one each.
/// - Calendar entries are one per timekeeper and event UID: the highest SEQUENCE wins (a
///   cancel wins a tie, then the later message); a winning cancel removes the entry.
/// - Estimates are summed per timekeeper, client, matter, work day and activity, and only
///   then rounded (`group_estimates`), so a minimum increment per email never inflates a bill.
/// - An entry a person has reviewed is never replaced, and the messages it was made from make
///   no other entry of its basis: an approved entry is not billed again under a new id after
///   an analyzer upgrade, and a message that joins an approved day's estimates is billed in
///   an entry of its own.
package enum Settlement {
  /// A working day: the most one grouped estimate (a matter, a day, an activity) may bill.
  package static let mostEstimatedMinutesPerDay = 480.0
  /// Replaces the store's draft entries with freshly settled ones; returns how many.
  @discardableResult
  package static func settle(_ store: any ScanStore, configuration: Configuration) throws -> Int {
    let pricing = Pricing(configuration: configuration)
    var count = 0
    try store.replaceDraftEntries { write in
      // Read in the same transaction, so a review committed meanwhile is seen whole or not at all.
      let reviewed = try store.reviewedCoverage()
      func emit(_ entry: SettledEntry) throws {
        count += 1
        try write(entry)
      }
      var explicitCopies = Copies()
      /// An entry of one draft, which a review then covers by the draft's position.
      func emitAlone(_ row: DraftRow) throws {
        let id = entryID([row.contentHash, row.timekeeper, row.entry.basis.rawValue, String(row.entry.position), row.analyzer])
        var entry = make(id, [row], minutes: row.entry.minutes, narrative: row.entry.narrative, pricing, configuration)
        entry.draftPosition = row.entry.position
        try emit(entry)
      }
      try store.forEachDraft(basis: .explicit) { row in
        guard !explicitCopies.isLaterCopy(row), !reviewed.covers(row) else { return }
        try emitAlone(row)
      }

      var group: [DraftRow] = []
      var groupKey: [String] = []
      func flushCalendar() throws {
        defer { group.removeAll(keepingCapacity: true) }
        guard let winner = group.first, !(winner.entry.calendar?.isCancelled ?? false), winner.entry.minutes > 0 else { return }
        let id = entryID([winner.timekeeper, "calendar", winner.entry.calendar?.uid ?? winner.contentHash])
        try emit(make(id, group, minutes: winner.entry.minutes, narrative: winner.entry.narrative, pricing, configuration))
      }
      try store.forEachDraft(basis: .calendar) { row in
        let key = [row.timekeeper, row.entry.calendar?.uid ?? row.contentHash]
        if key != groupKey {
          try flushCalendar()
          groupKey = key
        }
        group.append(row)
      }
      try flushCalendar()

      groupKey = []
      var estimateCopies = Copies()
      func flushEstimates() throws {
        defer {
          group.removeAll(keepingCapacity: true)
          estimateCopies = Copies()
        }
        guard let first = group.first else { return }
        // Reading and writing estimates never add up past a working day: thirty long mails on
        // one matter and day made a 30-hour entry, which bills more than anyone spent.
        let minutes = min(((group.reduce(0) { $0 + $1.entry.minutes }) * 100).rounded() / 100, Self.mostEstimatedMinutesPerDay)
        guard minutes > 0 else { return }
        let narrative = group.count == 1 ? first.entry.narrative : groupNarrative(group, configuration)
        var id = entryID(["estimated"] + groupKey)
        // The day's entry is reviewed already: what came since is an entry of its own.
        if reviewed.entryIDs.contains(id) { id = entryID(["estimated"] + groupKey + group.map(\.contentHash)) }
        try emit(make(id, group, minutes: minutes, narrative: narrative, pricing, configuration))
      }
      try store.forEachDraft(basis: .estimated) { row in
        let key = [row.timekeeper, row.client, row.matter, row.entry.workDate, row.entry.activity.rawValue]
        if key != groupKey {
          try flushEstimates()
          groupKey = key
        }
        // Rows arrive by group, then date and content hash: a message's copies sit together.
        guard !estimateCopies.isLaterCopy(row), !reviewed.covers(row) else { return }
        guard configuration.billing.groupEstimates else { return try emitAlone(row) }
        group.append(row)
      }
      try flushEstimates()
    }
    return count
  }

  /// Copies of one message whose bytes differ have different content hashes: the copy in
  /// Sent and the one delivered back to a sender who copied themselves, or one mail from two
  /// exports that added different trace headers. Such copies share the Message-ID and the
  /// Date, and are billed once, from the first copy settling meets (the smallest hash).
  struct Copies {
    private var firstHash: [String: String] = [:]

    mutating func isLaterCopy(_ row: DraftRow) -> Bool {
      guard let key = row.copyKey else { return false }
      if let first = firstHash[key] { return first != row.contentHash }
      firstHash[key] = row.contentHash
      return false
    }
  }

  /// A priced entry for a group whose first row is its representative.
  static func make(
    _ id: String, _ rows: [DraftRow], minutes: Double, narrative: String, _ pricing: Pricing, _ configuration: Configuration
  ) -> SettledEntry {
    let first = rows[0]
    let price = pricing.price(
      minutes: minutes, client: first.client.isEmpty ? nil : first.client, matter: first.matter.isEmpty ? nil : first.matter,
      timekeeper: first.timekeeper)
    var seen: Set<String> = []
    let sources = rows.compactMap { row -> EntrySource? in
      guard seen.insert(row.contentHash).inserted else { return nil }
      return EntrySource(contentHash: row.contentHash, messageID: row.messageID)
    }
    let evidence = rows.count == 1 ? first.entry.evidence : "\(rows.count) messages: " + rows.prefix(20).map(\.entry.evidence).joined(separator: " | ")
    return SettledEntry(
      entryID: id, messageID: first.messageID, contentHash: first.contentHash, source: first.source,
      threadID: first.threadID, sentAt: first.sentAt, workDate: first.entry.workDate, timekeeper: first.timekeeper,
      direction: first.direction, client: first.client, matter: first.matter, activityCode: first.entry.activity.rawValue,
      taskCode: price.taskCode ?? "", basis: first.entry.basis.rawValue,
      minutes: (minutes * 100).rounded() / 100, hours: price.hours, rate: price.rate, amount: price.amount,
      currency: configuration.billing.currency, narrative: narrative, evidence: String(evidence.prefix(2000)),
      confidence: rows.map(\.entry.confidence).min() ?? 0, analyzer: first.analyzer, messageCount: sources.count,
      sources: sources)
  }

  /// One task for several emails: "Review 3 emails re: Falcon merger".
  static func groupNarrative(_ rows: [DraftRow], _ configuration: Configuration) -> String {
    let first = rows[0]
    let subject = configuration.matter(first.matter)?.name ?? configuration.client(first.client)?.name ?? ""
    let about = subject.isEmpty ? "" : " re: \(subject)"
    switch first.entry.activity {
    case .review: return "Review \(rows.count) emails\(about)"
    case .communicateTeam: return "Correspond with team (\(rows.count) emails)\(about)"
    case .communicateClient: return "Correspond with client (\(rows.count) emails)\(about)"
    case .communicateCounsel: return "Correspond with opposing counsel (\(rows.count) emails)\(about)"
    default: return "Correspond (\(rows.count) emails)\(about)"
    }
  }

  /// A deterministic id: the first 32 hex digits of SHA-256 over the parts.
  package static func entryID(_ parts: [String]) -> String {
    String(ContentHasher.sha256Hex(Array(parts.joined(separator: "\u{1E}").utf8)).prefix(32))
  }
}
