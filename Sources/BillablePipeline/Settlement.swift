import BillableAnalysis
import BillableConfig
import BillableMailbox
import BillableModel

/// Turns every stored per-message analysis into final, priced entries.
///
/// Settling looks across messages, so it runs on what the store holds, never on what one
/// process happened to see: a store merged from shards settles exactly as one run would.
/// - Explicit entries stay one each.
/// - Calendar entries are one per timekeeper and event UID: the highest SEQUENCE wins (a
///   cancel wins a tie, then the later message); a winning cancel removes the entry.
/// - Estimates are summed per timekeeper, client, matter, work day and activity, and only
///   then rounded (`group_estimates`), so a minimum increment per email never inflates a bill.
package enum Settlement {
  package static func settle(_ records: [MessageRecord], configuration: Configuration) -> [SettledEntry] {
    let pricing = Pricing(configuration: configuration)
    var entries: [SettledEntry] = []
    struct Member {
      var record: MessageRecord
      var analysis: MessageAnalysis
      var entry: DraftEntry
    }
    var calendarGroups: [String: [Member]] = [:]
    var estimateGroups: [String: [Member]] = [:]
    var groupOrder: [String] = []

    for record in records.sorted(by: { $0.contentHash < $1.contentHash }) {
      for analysis in record.analyses where analysis.isBillable {
        for entry in analysis.entries {
          let member = Member(record: record, analysis: analysis, entry: entry)
          switch entry.basis {
          case .explicit:
            let id = entryID([record.contentHash, analysis.timekeeper, "explicit", String(entry.position), analysis.analyzer])
            entries.append(make(id, members: [member], minutes: entry.minutes, narrative: entry.narrative, pricing: pricing))
          case .calendar:
            let key = [analysis.timekeeper, entry.calendar?.uid ?? record.contentHash].joined(separator: "\u{1F}")
            if calendarGroups[key] == nil { groupOrder.append("c" + key) }
            calendarGroups[key, default: []].append(member)
          case .estimated:
            if configuration.billing.groupEstimates {
              let key = [analysis.timekeeper, analysis.client ?? "", analysis.matter ?? "", entry.workDate, entry.activity.rawValue]
                .joined(separator: "\u{1F}")
              if estimateGroups[key] == nil { groupOrder.append("e" + key) }
              estimateGroups[key, default: []].append(member)
            } else {
              let id = entryID([record.contentHash, analysis.timekeeper, "estimated", String(entry.position), analysis.analyzer])
              entries.append(make(id, members: [member], minutes: entry.minutes, narrative: entry.narrative, pricing: pricing))
            }
          }
        }
      }
    }
    for tagged in groupOrder {
      let key = String(tagged.dropFirst())
      if tagged.hasPrefix("c"), let members = calendarGroups[key] {
        // Latest sequence wins; at equal sequence a cancel wins; then the later message.
        let ordered = members.sorted { a, b in
          let sa = a.entry.calendar?.sequence ?? 0
          let sb = b.entry.calendar?.sequence ?? 0
          if sa != sb { return sa > sb }
          let ca = a.entry.calendar?.isCancelled ?? false
          let cb = b.entry.calendar?.isCancelled ?? false
          if ca != cb { return ca }
          if (a.record.sentAt ?? "") != (b.record.sentAt ?? "") { return (a.record.sentAt ?? "") > (b.record.sentAt ?? "") }
          return a.record.contentHash < b.record.contentHash
        }
        guard let winner = ordered.first, !(winner.entry.calendar?.isCancelled ?? false), winner.entry.minutes > 0 else {
          continue
        }
        let id = entryID([winner.analysis.timekeeper, "calendar", winner.entry.calendar?.uid ?? winner.record.contentHash])
        entries.append(make(id, members: [winner] + ordered.dropFirst(), minutes: winner.entry.minutes, narrative: winner.entry.narrative, pricing: pricing))
      } else if tagged.hasPrefix("e"), let members = estimateGroups[key] {
        let ordered = members.sorted { a, b in
          if (a.record.sentAt ?? "") != (b.record.sentAt ?? "") { return (a.record.sentAt ?? "") < (b.record.sentAt ?? "") }
          return a.record.contentHash < b.record.contentHash
        }
        let minutes = ((ordered.reduce(0) { $0 + $1.entry.minutes }) * 100).rounded() / 100
        guard minutes > 0, let first = ordered.first else { continue }
        let narrative = ordered.count == 1 ? first.entry.narrative : groupNarrative(ordered.map(\.entry), first.analysis, configuration)
        let id = entryID(["estimated"] + key.split(separator: "\u{1F}", omittingEmptySubsequences: false).map(String.init))
        entries.append(make(id, members: ordered, minutes: minutes, narrative: narrative, pricing: pricing))
      }
    }
    return entries.sorted {
      ($0.workDate, $0.timekeeper, $0.client, $0.matter, $0.entryID) < ($1.workDate, $1.timekeeper, $1.client, $1.matter, $1.entryID)
    }

    func make(_ id: String, members: [Member], minutes: Double, narrative: String, pricing: Pricing) -> SettledEntry {
      let first = members[0]
      let analysis = first.analysis
      let billed = pricing.billedMinutes(minutes)
      let hours = pricing.hours(billedMinutes: billed)
      let rate = pricing.rate(client: analysis.client, matter: analysis.matter, timekeeper: analysis.timekeeper)
      let taskCode = analysis.matter.flatMap { configuration.matter($0)?.taskCode } ?? ""
      var seen: Set<String> = []
      let sources = members.compactMap { member -> EntrySource? in
        guard seen.insert(member.record.contentHash).inserted else { return nil }
        return EntrySource(contentHash: member.record.contentHash, messageID: member.record.messageID ?? "")
      }
      let evidence = members.count == 1 ? first.entry.evidence : "\(members.count) messages: " + members.map(\.entry.evidence).joined(separator: " | ")
      return SettledEntry(
        entryID: id, messageID: first.record.messageID ?? "", contentHash: first.record.contentHash,
        source: first.record.sources.first.map(\.location) ?? "", threadID: first.record.threadID ?? "",
        sentAt: first.record.sentAt ?? "", workDate: first.entry.workDate, timekeeper: analysis.timekeeper,
        direction: analysis.direction.rawValue, client: analysis.client ?? "", matter: analysis.matter ?? "",
        activityCode: first.entry.activity.rawValue, taskCode: taskCode, basis: first.entry.basis.rawValue,
        minutes: (minutes * 100).rounded() / 100, hours: hours, rate: rate, amount: pricing.amount(hours: hours, rate: rate),
        currency: configuration.billing.currency, narrative: narrative, evidence: String(evidence.prefix(2000)),
        confidence: members.map(\.entry.confidence).min() ?? 0, analyzer: analysis.analyzer, messageCount: sources.count,
        sources: sources)
    }
  }

  /// One task for several emails: "Review 3 emails re: Falcon merger".
  static func groupNarrative(_ entries: [DraftEntry], _ analysis: MessageAnalysis, _ configuration: Configuration) -> String {
    let subject = analysis.matter.flatMap { configuration.matter($0)?.name } ?? analysis.client.flatMap { configuration.client($0)?.name } ?? ""
    let about = subject.isEmpty ? "" : " re: \(subject)"
    switch entries[0].activity {
    case .review: return "Review \(entries.count) emails\(about)"
    case .communicateTeam: return "Correspond with team (\(entries.count) emails)\(about)"
    case .communicateClient: return "Correspond with client (\(entries.count) emails)\(about)"
    case .communicateCounsel: return "Correspond with opposing counsel (\(entries.count) emails)\(about)"
    default: return "Correspond (\(entries.count) emails)\(about)"
    }
  }

  /// A deterministic id: the first 32 hex digits of SHA-256 over the parts.
  package static func entryID(_ parts: [String]) -> String {
    String(ContentHasher.sha256Hex(Array(parts.joined(separator: "\u{1E}").utf8)).prefix(32))
  }
}
