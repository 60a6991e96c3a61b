import BillableConfig
import BillableMIME
import BillableModel
import Foundation

/// The deterministic, offline, explainable analyzer.
///
/// For each timekeeper the message involves: direction (sent when a timekeeper address is the
/// sender), then not-billable checks (automated, ignored sender or subject, internal, no
/// client), then client and matter (`ClientMatcher`), then the time: explicit durations in
/// the new text (`DurationExtractor`), calendar events with a client (`CalendarReader`), and
/// otherwise a reading or writing estimate from the words. Entries carry raw minutes; rounding
/// and rates are `Pricing`'s job.
package struct DefaultAnalyzer: Analyzer {
  package static let name = "default"
  /// Bump when behaviour changes: cached results of older versions are then stale.
  package static let version = "1.5.0"

  package let configuration: Configuration
  package let fingerprint: AnalyzerFingerprint
  /// Each timekeeper's calendar in their zone, made once: creating a Calendar and TimeZone per
  /// message cost more than reading the message.
  private let calendars: [String: Calendar]

  package init(configuration: Configuration) {
    self.configuration = configuration
    var calendars: [String: Calendar] = [:]
    for timekeeper in configuration.timekeepers {
      var calendar = Calendar(identifier: .gregorian)
      calendar.timeZone = TimeZone(identifier: timekeeper.timezone) ?? TimeZone(identifier: "UTC") ?? .current
      calendars[timekeeper.id] = calendar
    }
    self.calendars = calendars
    self.fingerprint = AnalyzerFingerprint(
      name: Self.name, version: Self.version, configurationDigest: stableDigest(Self.analysisRelevant(configuration)))
  }

  /// The configuration that changes analysis, as one canonical string. Rates, rounding,
  /// currency and grouping are left out: they apply after the cache.
  package static func analysisRelevant(_ configuration: Configuration) -> String {
    var parts: [String] = []
    for timekeeper in configuration.timekeepers {
      parts.append("tk:\(timekeeper.id):\(timekeeper.addresses.joined(separator: ",")):\(timekeeper.timezone)")
    }
    for client in configuration.clients {
      parts.append("cl:\(client.id):\(client.name):\(client.domains.joined(separator: ",")):\(client.addresses.joined(separator: ","))")
    }
    for matter in configuration.matters {
      parts.append("mt:\(matter.id):\(matter.client):\(matter.name):\(matter.keywords.joined(separator: "\u{1F}")):\(matter.taskCode ?? "")")
    }
    parts.append("ig:\(configuration.ignore.senders.joined(separator: ",")):\(configuration.ignore.subjects.joined(separator: ","))")
    let billing = configuration.billing
    parts.append(
      "bl:\(billing.readWordsPerMinute):\(billing.writeWordsPerMinute):\(billing.attachmentMinutes):\(billing.maxEstimateMinutes):\(configuration.effectiveFirmDomains.joined(separator: ","))"
    )
    return parts.joined(separator: "\n")
  }

  package func analyze(_ input: AnalysisInput) async -> [MessageAnalysis] {
    analyzeNow(input)
  }

  /// The synchronous work behind `analyze`.
  package func analyzeNow(_ input: AnalysisInput) -> [MessageAnalysis] {
    let message = input.message
    let fromAddresses = message.from.map { $0.address.lowercased() } + message.sender.map { $0.address.lowercased() }
    let recipients = (message.to + message.cc + message.bcc).map { $0.address.lowercased() }
    var involved: [(Configuration.Timekeeper, Direction)] = []
    for timekeeper in configuration.timekeepers {
      if fromAddresses.contains(where: timekeeper.addresses.contains) {
        involved.append((timekeeper, .sent))
      } else if recipients.contains(where: timekeeper.addresses.contains) {
        involved.append((timekeeper, .received))
      }
    }
    // One timekeeper: the mailbox is theirs, so mail they were Bcc'd on or got through a list
    // is still theirs to read.
    if involved.isEmpty, configuration.timekeepers.count == 1 {
      involved.append((configuration.timekeepers[0], .received))
    }
    if involved.isEmpty {
      return [
        MessageAnalysis(
          timekeeper: "", direction: .received, isBillable: false, reason: .noTimekeeper, client: nil, matter: nil,
          attribution: "none", evidence: ["no configured timekeeper sent or received this message"], entries: [],
          candidates: [], estimateMinutes: nil, analyzer: fingerprint.label)
      ]
    }
    // The new text's durations are the same for every timekeeper: found once, and only if a
    // timekeeper's analysis gets that far.
    var durations: (found: [DurationExtractor.Found], candidates: [DurationCandidate])?
    let newText = input.body.pieces.newText
    return involved.map { involvement in
      analyze(input, for: involvement.0, direction: involvement.1) {
        if durations == nil { durations = DurationExtractor.extract(from: newText) }
        return durations ?? ([], [])
      }
    }
  }

  private func analyze(
    _ input: AnalysisInput, for timekeeper: Configuration.Timekeeper, direction: Direction,
    durations: () -> (found: [DurationExtractor.Found], candidates: [DurationCandidate])
  ) -> MessageAnalysis {
    let message = input.message
    let body = input.body
    var evidence: [String] = []
    var result = MessageAnalysis(
      timekeeper: timekeeper.id, direction: direction, isBillable: false, reason: nil, client: nil, matter: nil,
      attribution: "none", evidence: [], entries: [], candidates: [], estimateMinutes: nil, analyzer: fingerprint.label)
    let sender = message.from.first?.address.lowercased() ?? ""
    evidence.append(
      direction == .sent ? "sent by \(timekeeper.id) (\(sender))" : "received by \(timekeeper.id)\(sender.isEmpty ? "" : " from \(sender)")")

    func finish(_ reason: NotBillableReason, _ why: String) -> MessageAnalysis {
      var finished = result
      finished.reason = reason
      finished.evidence = evidence + ["not billable (\(reason.rawValue)): \(why)"]
      return finished
    }
    if message.parts.isEmpty || message.defects.contains(where: { $0.kind == .noHeaders }) && message.from.isEmpty {
      return finish(.unparseable, "the message has no headers")
    }
    if let why = Automation.draftReason(message) { return finish(.draft, why) }
    if direction == .received, let why = Automation.reason(message) { return finish(.automated, why) }
    if let pattern = configuration.ignore.senders.first(where: { Automation.glob($0, matches: sender) }) {
      return finish(.ignoredSender, "sender \(sender) matches ignore rule '\(pattern)'")
    }
    let subject = message.subject ?? ""
    // A subject rule without * or ? is a phrase the subject contains ("Weekly report" also
    // ignores "Weekly report – week 11"); with them it is a pattern of the whole subject.
    let lowerSubject = subject.lowercased()
    if let pattern = configuration.ignore.subjects.first(where: { pattern in
      pattern.contains(where: { $0 == "*" || $0 == "?" })
        ? Automation.glob(pattern, matches: subject) : lowerSubject.contains(pattern.lowercased())
    }) {
      return finish(.ignoredSubject, "subject matches ignore rule '\(pattern)'")
    }

    let newText = body.pieces.newText
    let calendar = calendars[timekeeper.id] ?? Calendar(identifier: .gregorian)
    let zone = calendar.timeZone
    let participants = (message.from + message.to + message.cc + message.bcc).map { $0.address.lowercased() }
    let firm = configuration.effectiveFirmDomains
    let external = participants.filter { address in
      !timekeeper.addresses.contains(address) && !firm.contains { ClientMatcher.domainMatches(address, $0) }
    }

    var match = ClientMatcher.match(
      subject: subject, text: newText, from: message.from.map { $0.address.lowercased() },
      to: message.to.map { $0.address.lowercased() }, cc: message.cc.map { $0.address.lowercased() },
      direction: direction, configuration: configuration)

    // Calendar events: a meeting with a client is an entry even if the mail text says nothing.
    var calendarEvents: [CalendarReader.Event] = []
    for part in body.calendars {
      calendarEvents += CalendarReader.events(in: part.text, method: part.method, fallbackZone: zone)
    }
    // The same event twice is one meeting: Google and Outlook send an invitation inline and
    // again as invite.ics. An occurrence is its UID, SEQUENCE and times.
    var seenEvents: Set<String> = []
    calendarEvents.removeAll { event in
      !seenEvents.insert("\(event.uid)|\(event.sequence)|\(event.start.map(\.timeIntervalSince1970) ?? -1)|\(event.end.map(\.timeIntervalSince1970) ?? -1)|\(event.isCancelled)").inserted
    }
    // An invitation is a scheduling message (REQUEST, CANCEL, REPLY, …). A calendar file with
    // no method, or published, is an invitation only when it holds an event or two ("add to
    // calendar" links); one of many events is someone's calendar, and billing each of its
    // meetings would bill a year in one message.
    let isPublished = { (event: CalendarReader.Event) in event.method.isEmpty || event.method == "PUBLISH" }
    let published = calendarEvents.filter(isPublished)
    if published.count > Self.mostPublishedEvents {
      calendarEvents.removeAll(where: isPublished)
      evidence.append("a calendar file of \(published.count) published events: a calendar, not an invitation")
    }
    // One invitation is one event, with its recurrence exceptions under the same UID.
    let invited = Set(calendarEvents.map(\.uid)).count
    if invited > Self.mostInvitedEvents {
      calendarEvents.removeAll()
      evidence.append("\(invited) different events in one message: a calendar, not an invitation")
    }
    if match.client == nil {
      for event in calendarEvents {
        let eventMatch = ClientMatcher.match(
          subject: event.summary, text: "", from: event.participants, to: [], cc: [], direction: .received,
          configuration: configuration)
        if eventMatch.client != nil {
          match = eventMatch
          match.evidence = "calendar participants: " + eventMatch.evidence
          break
        }
      }
    }
    if match.client == nil {
      // Mail on the timekeeper's own Gmail (or other public) address that names no client.
      let own = participants.filter(timekeeper.addresses.contains)
      if !own.isEmpty, own.allSatisfy(PublicMailDomains.owns) {
        return finish(.personal, "on \(timekeeper.id)'s personal address (\(own[0])) and no client is named")
      }
      if external.isEmpty && !participants.isEmpty {
        return finish(.internal, "every participant is at the firm (\(firm.joined(separator: ", "))) and no matter is named")
      }
      return finish(.noClient, match.evidence)
    }
    // Within the firm, asking for a matter's hours or timesheets is billing administration,
    // which the client does not pay for (talking about the matter itself is A105 work). The
    // timekeeper's own time entries sent to the office are the record of work, and stay.
    if external.isEmpty, !participants.isEmpty,
      let phrase = Self.phrase(of: Self.billingAdministration, in: [lowerSubject, newText.lowercased()]),
      direction == .received || durations().found.isEmpty
    {
      return finish(.internal, "among the firm only, about billing (\"\(phrase)\"), not work on the matter")
    }
    result.client = match.client
    result.matter = match.matter
    result.attribution = match.rule
    evidence.append("client \(match.client ?? "") / matter \(match.matter ?? "(unresolved)") by \(match.rule): \(match.evidence)")
    result.isBillable = true

    let topic = Narrative.topic(message.subject)
    let reTopic = topic.isEmpty ? "" : " re: \(topic)"
    let workDate = message.date.map { Self.day(Date(timeIntervalSince1970: TimeInterval($0.secondsSinceEpoch)), calendar: calendar) } ?? ""
    if workDate.isEmpty { evidence.append("no readable Date header: work date unknown") }
    let counterparty = counterpartyActivity(message: message, direction: direction, firm: firm, client: match.client)
    var entries: [DraftEntry] = []

    // Explicit durations in the new text only.
    var extraction = durations()
    if direction == .received {
      // "I spent 2 hours" in received mail is the sender's time, not this timekeeper's.
      extraction.candidates = extraction.candidates.map { candidate in
        var candidate = candidate
        if candidate.taken {
          candidate.taken = false
          candidate.reason = "sender's-time"
        }
        return candidate
      }
      extraction.found = []
    }
    if !calendarEvents.isEmpty {
      // An invitation's text repeats the event's times; the calendar part is the entry.
      extraction.candidates = extraction.candidates.map { candidate in
        var candidate = candidate
        if candidate.taken && candidate.reason == "time-range" {
          candidate.taken = false
          candidate.reason = "calendar-invite"
        }
        return candidate
      }
      extraction.found.removeAll { found in
        extraction.candidates.contains { $0.reason == "calendar-invite" && $0.text == found.phrase }
      }
    }
    result.candidates = extraction.candidates
    for found in extraction.found {
      let fallback: ActivityCode = counterparty
      let activity = Narrative.activity(for: found.task + " " + found.sentence, fallback: fallback)
      var narrative = Narrative.imperative(found.task)
      if narrative.isEmpty { narrative = activity.title }
      narrative += reTopic
      entries.append(
        DraftEntry(
          basis: .explicit, minutes: found.minutes, activity: activity, narrative: narrative,
          evidence: "\"\(found.sentence)\"", confidence: found.isFirstPerson ? 0.9 : 0.8, workDate: workDate,
          position: entries.count))
    }
    if !extraction.candidates.isEmpty {
      evidence.append(
        "duration candidates: "
          + extraction.candidates.map { "'\($0.text)' \($0.taken ? "taken" : "rejected") (\($0.reason))" }.joined(separator: "; "))
    }

    // Calendar events with a client.
    for var event in calendarEvents {
      // The timekeeper's own decline takes the meeting off their time, as a cancel does
      // (settling: the highest SEQUENCE wins, a cancel wins a tie).
      let declined = event.declined.contains(where: timekeeper.addresses.contains)
      if declined { event.isCancelled = true }
      let clientsInEvent = event.participants.contains { address in
        configuration.clients.contains { ClientMatcher.owns($0, address) }
      }
      guard clientsInEvent || match.rule.hasPrefix("matter") else {
        evidence.append("calendar event '\(event.summary)' has no client participant: not an entry")
        continue
      }
      let reference = CalendarRef(uid: event.uid, sequence: event.sequence, method: event.method, isCancelled: event.isCancelled)
      if event.isAllDay {
        evidence.append("calendar event '\(event.summary)' is all-day: no duration to bill")
        continue
      }
      if !event.isCancelled, let minutes = event.minutes, minutes >= 24 * 60 {
        evidence.append("calendar event '\(event.summary)' lasts a day or more: not a meeting to bill")
        continue
      }
      guard let minutes = event.minutes, let start = event.start else {
        if event.isCancelled {
          entries.append(
            DraftEntry(
              basis: .calendar, minutes: 0, activity: .communicateClient, narrative: "Cancelled: \(event.summary)",
              evidence: "METHOD:CANCEL for UID \(event.uid)", confidence: 0.9, workDate: workDate, calendar: reference,
              position: entries.count))
        } else {
          evidence.append(
            "calendar event '\(event.summary)' has \(event.start == nil ? "no readable start" : "no readable end or duration")")
        }
        continue
      }
      let day = Self.day(start, calendar: calendar)
      let title = event.summary.isEmpty ? topic : event.summary
      entries.append(
        DraftEntry(
          basis: .calendar, minutes: event.isCancelled ? 0 : min(minutes, 24 * 60),
          activity: Narrative.activity(for: title, fallback: .communicateClient),
          narrative: "\(declined ? "Declined: " : event.isCancelled ? "Cancelled: " : "")Meeting: \(title)",
          evidence: "\(event.method.isEmpty ? "VEVENT" : event.method) UID \(event.uid) SEQUENCE \(event.sequence), \(Int(minutes)) min on \(day)",
          confidence: 0.85, workDate: day, calendar: reference, position: entries.count))
      evidence.append(
        "calendar \(declined ? "decline" : event.isCancelled ? "cancel" : "event") '\(event.summary)' UID \(event.uid) seq \(event.sequence): \(Int(minutes)) min on \(day)")
    }

    // Otherwise an estimate from the words.
    if entries.isEmpty {
      let words = Self.wordCount(newText)
      let attachments = message.parts.filter { $0.kind == .leaf && ($0.isAttachment || ($0.filename != nil && $0.mediaType != "text")) }.count
      let billing = configuration.billing
      var minutes: Double
      let how: String
      switch direction {
      case .received:
        minutes = Double(words) / Double(billing.readWordsPerMinute) + Double(attachments) * billing.attachmentMinutes
        how = "\(words) words at \(billing.readWordsPerMinute) wpm read + \(attachments) attachment(s) x \(billing.attachmentMinutes) min"
      case .sent:
        minutes = Double(words) / Double(billing.writeWordsPerMinute)
        how = "\(words) words at \(billing.writeWordsPerMinute) wpm written"
      }
      minutes = min(minutes, billing.maxEstimateMinutes)
      minutes = (minutes * 100).rounded() / 100
      result.estimateMinutes = minutes
      evidence.append("estimate: \(how) = \(minutes) min")
      if minutes > 0 {
        let person = Self.personLabel(direction == .received ? message.from.first : (message.to.first ?? message.cc.first), configuration)
        let narrative: String
        let activity: ActivityCode
        switch direction {
        case .received:
          activity = counterparty == .communicateTeam ? .communicateTeam : .review
          narrative = "Review email from \(person)\(reTopic)"
        case .sent:
          activity = counterparty
          narrative = "Email to \(person)\(reTopic)"
        }
        entries.append(
          DraftEntry(
            basis: .estimated, minutes: minutes, activity: activity, narrative: narrative, evidence: how, confidence: 0.5,
            workDate: workDate, position: entries.count))
      }
    }
    result.entries = entries
    result.evidence = evidence
    return result
  }

  /// Who the timekeeper dealt with: the firm (A105), the client (A106), other counsel (A107)
  /// or anyone else (A108).
  /// The first of `phrases` that one of `texts` (lowercased, each once) contains.
  static func phrase(of phrases: [String], in texts: [String]) -> String? {
    phrases.first { phrase in texts.contains { $0.contains(phrase) } }
  }

  /// Phrases of billing administration: timesheets, time entries and invoicing runs.
  static let billingAdministration = [
    "timesheet", "time sheet", "time entries", "your hours", "prebill", "pre-bill", "billing run", "month-end billing",
    "for invoicing", "stundenzettel", "zeiterfassung", "relevé d'heures", "vos heures", "tes heures",
    "pour la facturation", "relevé de temps", "feuille de temps", "fiche de temps", "urenstaat", "urenregistratie", "je uren", "tus horas", "para facturar", "le tue ore",
    "per la fatturazione", "as tuas horas", "para faturar",
  ]

  private func counterpartyActivity(message: ParsedMessage, direction: Direction, firm: [String], client: String?) -> ActivityCode {
    let others: [Address] = direction == .sent ? message.to + message.cc : message.from
    let addresses = others.map { $0.address.lowercased() }
    guard !addresses.isEmpty else { return .communicateClient }
    if addresses.allSatisfy({ address in firm.contains { ClientMatcher.domainMatches(address, $0) } }) { return .communicateTeam }
    let clientRecord = client.flatMap { configuration.client($0) }
    let isClient = { (address: String) -> Bool in clientRecord.map { ClientMatcher.owns($0, address) } ?? false }
    if addresses.contains(where: isClient) { return .communicateClient }
    let lawLike = ["law", "legal", "llp", "counsel", "attorney", "avocat", "solicitor"]
    let hosts = addresses.compactMap { $0.split(separator: "@").last }
    if hosts.contains(where: { host in lawLike.contains { host.contains($0) } }) {
      return .communicateCounsel
    }
    return .communicateOther
  }

  /// "Jo Smith (Acme)" or the address.
  static func personLabel(_ address: Address?, _ configuration: Configuration) -> String {
    guard let address else { return "unknown" }
    let name = address.name.isEmpty ? (address.comment ?? address.address) : address.name
    let lower = address.address.lowercased()
    if let client = configuration.clients.first(where: { ClientMatcher.owns($0, lower) }) {
      return "\(name) (\(client.name))"
    }
    return name
  }

  /// Words: runs of letters or digits. Over UTF-8 bytes, with any non-ASCII byte counted as
  /// part of a word (accented and non-Latin words count once, which is all a reading-time
  /// estimate needs).
  /// Long runs without a space (base64, uuencode, yEnc, keys, long URLs; see
  /// `DurationExtractor.isOpaqueRun`) are no words anyone reads or writes.
  package static func wordCount(_ text: String) -> Int {
    var count = 0
    var runWords = 0
    var runLength = 0
    var runSpaceless = 0
    var inWord = false
    func endRun() {
      if !DurationExtractor.isOpaqueRun(length: runLength, spaceless: runSpaceless) { count += runWords }
      runWords = 0
      runLength = 0
      runSpaceless = 0
    }
    for byte in text.utf8 {
      if byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) {
        endRun()
        inWord = false
        continue
      }
      if byte & 0xC0 != 0x80 { runLength += 1 }  // characters, not bytes
      if DurationExtractor.isSpacelessLead(byte) { runSpaceless += 1 }
      let isWordByte = byte >= 0x80 || (byte >= 0x30 && byte <= 0x39) || ((byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A)
      if isWordByte && !inWord { runWords += 1 }
      inWord = isWordByte
    }
    endRun()
    return count
  }

  /// Published events one message may bring as meetings, and events of any kind (by UID)
  /// (see `analyze`).
  static let mostPublishedEvents = 3
  static let mostInvitedEvents = 10

  /// `YYYY-MM-DD` of `date` in the calendar's zone.
  package static func day(_ date: Date, calendar: Calendar) -> String {
    let parts = calendar.dateComponents([.year, .month, .day], from: date)
    func two(_ value: Int) -> String { value < 10 ? "0\(value)" : String(value) }
    return "\(parts.year ?? 0)-\(two(parts.month ?? 0))-\(two(parts.day ?? 0))"
  }
}
