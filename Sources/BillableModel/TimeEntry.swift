/// Whether the timekeeper sent the message or received it.
package enum Direction: String, Codable, Sendable, Hashable {
  case sent
  case received
}

/// What an entry's time rests on.
package enum EntryBasis: String, Codable, Sendable, Hashable {
  /// A duration the timekeeper wrote ("spent 2.5 hours").
  case explicit
  /// A calendar invite's start and end.
  case calendar
  /// Reading or writing time estimated from the words.
  case estimated
}

/// UTBMS activity codes (the "A" series of the ABA Uniform Task-Based Management System).
package enum ActivityCode: String, Codable, Sendable, Hashable, CaseIterable {
  case plan = "A101"
  case research = "A102"
  case draft = "A103"
  case review = "A104"
  case communicateTeam = "A105"
  case communicateClient = "A106"
  case communicateCounsel = "A107"
  case communicateOther = "A108"
  case appear = "A109"
  case travel = "A110"
  case other = "A111"

  /// The code's UTBMS description.
  package var title: String {
    switch self {
    case .plan: return "Plan and prepare for"
    case .research: return "Research"
    case .draft: return "Draft/revise"
    case .review: return "Review/analyze"
    case .communicateTeam: return "Communicate (in firm)"
    case .communicateClient: return "Communicate (with client)"
    case .communicateCounsel: return "Communicate (with opposing counsel)"
    case .communicateOther: return "Communicate (other outside counsel/parties)"
    case .appear: return "Appear for/attend"
    case .travel: return "Travel"
    case .other: return "Other"
    }
  }
}

/// A calendar event an entry came from, so a later update or cancel can replace it.
package struct CalendarRef: Codable, Sendable, Hashable {
  package var uid: String
  package var sequence: Int
  /// `REQUEST`, `CANCEL`, `PUBLISH`, `REPLY`, …
  package var method: String
  /// True when the invite cancels the event (METHOD:CANCEL or STATUS:CANCELLED).
  package var isCancelled: Bool

  package init(uid: String, sequence: Int, method: String, isCancelled: Bool) {
    self.uid = uid
    self.sequence = sequence
    self.method = method
    self.isCancelled = isCancelled
  }
}

/// One unrounded, unpriced piece of work found in one message for one timekeeper. Rounding,
/// rates and grouping come later (they do not change what the message says).
package struct DraftEntry: Codable, Sendable, Hashable {
  package var basis: EntryBasis
  /// Raw minutes before rounding.
  package var minutes: Double
  package var activity: ActivityCode
  /// One task, in the imperative: "Review email from Jo Smith (Acme) re: closing checklist".
  package var narrative: String
  /// What produced the entry, quoted from the message.
  package var evidence: String
  /// 0 to 1: how sure the analyzer is that this is billable time.
  package var confidence: Double
  /// The day the work was done, `YYYY-MM-DD` in the timekeeper's zone ("" when unknown).
  package var workDate: String
  package var calendar: CalendarRef?
  /// Position among the message's entries, for deterministic entry ids.
  package var position: Int

  package init(
    basis: EntryBasis, minutes: Double, activity: ActivityCode, narrative: String, evidence: String,
    confidence: Double, workDate: String, calendar: CalendarRef? = nil, position: Int = 0
  ) {
    self.basis = basis
    self.minutes = minutes
    self.activity = activity
    self.narrative = narrative
    self.evidence = evidence
    self.confidence = confidence
    self.workDate = workDate
    self.calendar = calendar
    self.position = position
  }
}

/// A duration the analyzer found in a message, and whether it became an entry.
package struct DurationCandidate: Codable, Sendable, Hashable {
  /// The words as written ("spent 2.5 hours").
  package var text: String
  /// Minutes, when the phrase has a definite length.
  package var minutes: Double?
  package var taken: Bool
  /// Why it was taken or rejected (`explicit`, `future`, `deadline`, `relative`, …).
  package var reason: String

  package init(text: String, minutes: Double?, taken: Bool, reason: String) {
    self.text = text
    self.minutes = minutes
    self.taken = taken
    self.reason = reason
  }
}

/// Why a message is not billable (stable snake_case values, used in `messages.csv`).
package enum NotBillableReason: String, Codable, Sendable, Hashable, CaseIterable {
  case automated
  case ignoredSender = "ignored_sender"
  case ignoredSubject = "ignored_subject"
  case noClient = "no_client"
  case `internal`
  case personal
  case noTimekeeper = "no_timekeeper"
  case unparseable
  /// A saved draft, never sent: the sent message, if there is one, is the work.
  case draft
}

/// The analyzer's verdict on one message for one timekeeper.
package struct MessageAnalysis: Codable, Sendable, Hashable {
  package var timekeeper: String
  package var direction: Direction
  package var isBillable: Bool
  package var reason: NotBillableReason?
  package var client: String?
  package var matter: String?
  /// Which rule chose the client and matter (`matter-id`, `matter-keyword`, `participant-address`,
  /// `participant-domain`), with the tie-break when one applied.
  package var attribution: String
  /// Human-readable steps, in order, for `billable analyze`.
  package var evidence: [String]
  package var entries: [DraftEntry]
  package var candidates: [DurationCandidate]
  /// The raw reading or writing estimate in minutes, when the message is billable and had no
  /// explicit or calendar time (it is also the `minutes` of the estimated entry).
  package var estimateMinutes: Double?
  /// Who produced this (`default@1.0.0`, `llm:MODEL@PROMPT (fallback: …)`).
  package var analyzer: String

  package init(
    timekeeper: String, direction: Direction, isBillable: Bool, reason: NotBillableReason?, client: String?,
    matter: String?, attribution: String, evidence: [String], entries: [DraftEntry], candidates: [DurationCandidate],
    estimateMinutes: Double?, analyzer: String
  ) {
    self.timekeeper = timekeeper
    self.direction = direction
    self.isBillable = isBillable
    self.reason = reason
    self.client = client
    self.matter = matter
    self.attribution = attribution
    self.evidence = evidence
    self.entries = entries
    self.candidates = candidates
    self.estimateMinutes = estimateMinutes
    self.analyzer = analyzer
  }
}
