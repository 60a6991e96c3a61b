/// The records that flow from the scan pipeline to the store and the reports. They live here,
/// below both, so the pipeline can write through protocols without importing the store.

/// One unique message as the store keeps it.
package struct MessageRecord: Codable, Sendable, Hashable {
  package var contentHash: String
  package var messageID: String?
  /// The id of the thread's first message (References' first id, else In-Reply-To, else own).
  package var threadID: String?
  /// ISO 8601 with the writer's offset, or nil.
  package var sentAt: String?
  package var subject: String
  package var fromAddress: String
  /// `billable`, `not_billable` or `error`.
  package var status: String
  package var reason: String?
  package var client: String?
  package var matter: String?
  package var direction: String?
  /// Every place the message was found in this run.
  package var sources: [SourceRef]
  /// One per timekeeper the message involves.
  package var analyses: [MessageAnalysis]
  /// Problems worth a row in `errors`: read failures, critical parser defects.
  package var problems: [Problem]
  /// The fingerprint the analyses were made under, when not the run's (a fallback).
  package var analyzerFingerprint: String? = nil

  package init(
    contentHash: String, messageID: String?, threadID: String?, sentAt: String?, subject: String, fromAddress: String,
    status: String, reason: String?, client: String?, matter: String?, direction: String?, sources: [SourceRef],
    analyses: [MessageAnalysis], problems: [Problem]
  ) {
    self.contentHash = contentHash
    self.messageID = messageID
    self.threadID = threadID
    self.sentAt = sentAt
    self.subject = subject
    self.fromAddress = fromAddress
    self.status = status
    self.reason = reason
    self.client = client
    self.matter = matter
    self.direction = direction
    self.sources = sources
    self.analyses = analyses
    self.problems = problems
  }
}

/// A row of the `errors` table and `errors.csv`.
package struct Problem: Codable, Sendable, Hashable {
  /// `inbox.mbox: message 3 at byte 48211`, or a file path.
  package var source: String
  package var contentHash: String?
  /// A defect kind (`missing-final-boundary`) or `read-error`.
  package var kind: String
  package var severity: String
  package var detail: String
  package var offset: Int?

  package init(source: String, contentHash: String?, kind: String, severity: String, detail: String, offset: Int?) {
    self.source = source
    self.contentHash = contentHash
    self.kind = kind
    self.severity = severity
    self.detail = detail
    self.offset = offset
  }
}

/// A final, priced time entry: one row of the entries dataset, in its column order.
package struct SettledEntry: Codable, Sendable, Hashable {
  package var entryID: String
  package var messageID: String
  package var contentHash: String
  package var source: String
  package var threadID: String
  package var sentAt: String
  package var workDate: String
  package var timekeeper: String
  package var direction: String
  package var client: String
  package var matter: String
  package var activityCode: String
  package var taskCode: String
  package var basis: String
  package var minutes: Double
  package var hours: Double
  package var rate: Double
  package var amount: Double
  package var currency: String
  package var narrative: String
  package var evidence: String
  package var confidence: Double
  package var analyzer: String
  package var messageCount: Int
  /// Every message that made the entry (content hash, message id), first one first.
  package var sources: [EntrySource]
  /// For an entry made from one draft (explicit, or an estimate not grouped), the draft's
  /// position in its message: what a review of the entry covers (`ReviewedCoverage`).
  package var draftPosition: Int?

  package init(
    entryID: String, messageID: String, contentHash: String, source: String, threadID: String, sentAt: String,
    workDate: String, timekeeper: String, direction: String, client: String, matter: String, activityCode: String,
    taskCode: String, basis: String, minutes: Double, hours: Double, rate: Double, amount: Double, currency: String,
    narrative: String, evidence: String, confidence: Double, analyzer: String, messageCount: Int, sources: [EntrySource],
    draftPosition: Int? = nil
  ) {
    self.entryID = entryID
    self.messageID = messageID
    self.contentHash = contentHash
    self.source = source
    self.threadID = threadID
    self.sentAt = sentAt
    self.workDate = workDate
    self.timekeeper = timekeeper
    self.direction = direction
    self.client = client
    self.matter = matter
    self.activityCode = activityCode
    self.taskCode = taskCode
    self.basis = basis
    self.minutes = minutes
    self.hours = hours
    self.rate = rate
    self.amount = amount
    self.currency = currency
    self.narrative = narrative
    self.evidence = evidence
    self.confidence = confidence
    self.analyzer = analyzer
    self.messageCount = messageCount
    self.sources = sources
    self.draftPosition = draftPosition
  }
}

/// One message behind an entry.
package struct EntrySource: Codable, Sendable, Hashable {
  package var contentHash: String
  package var messageID: String

  package init(contentHash: String, messageID: String) {
    self.contentHash = contentHash
    self.messageID = messageID
  }
}

/// What the entries a person has reviewed (approved, edited, rejected) cover, so that
/// settling never bills it again: not under a new id after an analyzer upgrade, not from
/// another copy of the same mail, not as another basis.
package struct ReviewedCoverage: Sendable {
  /// One reviewed entry, as seen from one of its messages.
  package struct Review: Sendable, Hashable {
    package var basis: String
    /// The draft's position in the message, for an entry made from one draft.
    package var position: Int?
    package var analyzer: String
    package init(basis: String, position: Int?, analyzer: String) {
      self.basis = basis
      self.position = position
      self.analyzer = analyzer
    }
  }

  package var entryIDs: Set<String> = []
  /// By timekeeper and content hash, and by timekeeper, Message-ID and Date (the same mail
  /// in other bytes: the Sent copy, a re-export with other trace headers).
  private var reviews: [String: [Review]] = [:]

  package init() {}

  package mutating func add(_ review: Review, timekeeper: String, contentHash: String, messageID: String, sentAt: String) {
    reviews[timekeeper + "\u{1F}" + contentHash, default: []].append(review)
    if let copy = DraftRow.copyKey(timekeeper: timekeeper, messageID: messageID, sentAt: sentAt) {
      reviews[copy, default: []].append(review)
    }
  }

  /// Whether a draft is what a reviewed entry already stands for. Under the analyzer that
  /// made the review, a draft is covered by the entry of its own basis and position (the
  /// message's other drafts stay theirs). Under another analyzer the positions of a new
  /// reading need not match, so a draft is covered by a review of another basis (an
  /// approved estimate is not joined by a newly read explicit entry), of a group, or of its
  /// own position.
  package func covers(_ row: DraftRow) -> Bool {
    var keys = [row.timekeeper + "\u{1F}" + row.contentHash]
    if let copy = row.copyKey { keys.append(copy) }
    let basis = row.entry.basis.rawValue
    for key in keys {
      for review in reviews[key] ?? [] {
        let samePlace = review.basis == basis && (review.position == nil || review.position == row.entry.position)
        if review.analyzer == row.analyzer ? samePlace : (samePlace || review.basis != basis) { return true }
      }
    }
    return false
  }
}

/// One unsettled entry as the store keeps it, with what settling needs of its message.
package struct DraftRow: Sendable, Hashable {
  /// The same mail for the same timekeeper in whatever bytes (the Sent copy, a re-export
  /// with other trace headers): timekeeper, Message-ID and Date; `nil` without a Message-ID.
  package static func copyKey(timekeeper: String, messageID: String, sentAt: String) -> String? {
    messageID.isEmpty ? nil : timekeeper + "\u{1F}" + messageID + "\u{1F}" + sentAt
  }

  package var copyKey: String? { Self.copyKey(timekeeper: timekeeper, messageID: messageID, sentAt: sentAt) }

  package var contentHash: String
  package var messageID: String
  package var threadID: String
  package var sentAt: String
  package var source: String
  package var timekeeper: String
  package var direction: String
  package var client: String
  package var matter: String
  package var analyzer: String
  package var entry: DraftEntry

  package init(
    contentHash: String, messageID: String, threadID: String, sentAt: String, source: String, timekeeper: String,
    direction: String, client: String, matter: String, analyzer: String, entry: DraftEntry
  ) {
    self.contentHash = contentHash
    self.messageID = messageID
    self.threadID = threadID
    self.sentAt = sentAt
    self.source = source
    self.timekeeper = timekeeper
    self.direction = direction
    self.client = client
    self.matter = matter
    self.analyzer = analyzer
    self.entry = entry
  }
}

/// One row of messages.csv.
package struct MessageRow: Sendable, Hashable {
  package var contentHash: String
  package var messageID: String
  package var sources: [String]
  package var sentAt: String
  package var direction: String
  package var status: String
  package var reason: String
  package var client: String
  package var matter: String
  package var entries: Int
  /// Sources beyond those listed in `sources` (see `MessageRow.listedSources`).
  package var moreSources: Int

  /// messages.csv lists at most this many sources of a message, and then how many more: one
  /// message exported 300,000 times made a 13 MB field, past what CSV readers take in a line
  /// (DuckDB's default is 2 MB). The store's message_sources table has them all.
  package static let listedSources = 1_000

  package init(
    contentHash: String, messageID: String, sources: [String], sentAt: String, direction: String, status: String,
    reason: String, client: String, matter: String, entries: Int, moreSources: Int = 0
  ) {
    self.moreSources = moreSources
    self.contentHash = contentHash
    self.messageID = messageID
    self.sources = sources
    self.sentAt = sentAt
    self.direction = direction
    self.status = status
    self.reason = reason
    self.client = client
    self.matter = matter
    self.entries = entries
  }
}
