import ArgumentParser
import BillableAnalysis
import BillableConfig
import BillableMIME
import BillableMailbox
import BillableModel
import Foundation

/// `billable analyze`: the original design's analyze_time_entry. One message, every step
/// explained; nothing is written.
struct Analyze: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Explain how billable reads one message: classification, client, durations, entries.",
    discussion: """
      FILE is an .eml file, an mbox (every message in it, or the one named by --message-id) \
      or - for standard input.
      """)

  @OptionGroup var options: ConfigOptions
  @Argument(help: "The message file.") var file: String
  @Option(help: "In an mbox, the message with this Message-ID (with or without <>).") var messageID: String?
  @Flag(help: "Print JSON instead of text.") var json = false
  @Option(help: "Analyzer: default or llm.") var analyzer: String = "default"

  func validate() throws {
    if !["default", "llm"].contains(analyzer) { throw ValidationError("--analyzer must be default or llm.") }
  }

  func run() async throws {
    let configuration = try options.load()
    let engine: any Analyzer =
      analyzer == "llm" ? LLMAnalyzer(configuration: configuration) : DefaultAnalyzer(configuration: configuration)
    let pricing = Pricing(configuration: configuration)
    let reader = InputReader(paths: [file])
    let wanted = messageID.map { $0.trimmingCharacters(in: ["<", ">", " "]) }
    var found = 0
    var failed = false
    let output = BufferedOutput()
    while let event = reader.next() {
      switch event {
      case .failure(let error):
        StandardError.write("billable: \(error)")
        failed = true
      case .message(let raw):
        let message = MessageParser().parse(raw.bytes)
        if let wanted, message.messageID != wanted { continue }
        found += 1
        let input = AnalysisInput(message: message)
        let analyses = await engine.analyze(input)
        let report = AnalysisReport(raw: raw, input: input, analyses: analyses, pricing: pricing, configuration: configuration)
        try output.write(json ? report.json().rendered + "\n" : TerminalText.printable(report.text(), keepingLineBreaks: true) + "\n")
      }
    }
    try output.flush()
    if found == 0 && !failed {
      StandardError.write("billable: \(file): \(wanted.map { "no message with Message-ID <\($0)>" } ?? "no message found")")
      throw ExitCode(1)
    }
    if failed { throw ExitCode(found > 0 ? 3 : 1) }
  }
}

/// The explanation of one message, as text or JSON.
struct AnalysisReport {
  let raw: RawMessage
  let input: AnalysisInput
  let analyses: [MessageAnalysis]
  let pricing: Pricing
  let configuration: Configuration

  func priced(_ analysis: MessageAnalysis) -> [(entry: DraftEntry, price: Pricing.Price)] {
    analysis.entries.map { entry in
      (entry, pricing.price(minutes: entry.minutes, client: analysis.client, matter: analysis.matter, timekeeper: analysis.timekeeper))
    }
  }

  func text() -> String {
    let message = input.message
    let body = input.body
    var lines: [String] = []
    lines.append("message \(raw.source.location)")
    lines.append("  content hash  \(raw.contentHash.hex)")
    lines.append("  message-id    \(message.messageID ?? "-")")
    lines.append("  date          \(message.date?.isoWithOffset ?? "- (no readable Date header)")")
    lines.append("  from          \(message.from.map(Self.describe).joined(separator: ", "))")
    lines.append("  to            \(message.to.map(Self.describe).joined(separator: ", "))")
    if !message.cc.isEmpty { lines.append("  cc            \(message.cc.map(Self.describe).joined(separator: ", "))") }
    lines.append("  subject       \(message.subject ?? "-")")
    let leaves = message.parts.filter { $0.kind == .leaf }.map { part in
      "\(part.mimeType)\(part.filename.map { " \"\($0)\"" } ?? "")"
    }
    lines.append("  parts         \(leaves.joined(separator: ", "))")
    lines.append("  body          \(body.sourceType ?? "none"); new text \(DefaultAnalyzer.wordCount(body.pieces.newText)) words, quoted \(DefaultAnalyzer.wordCount(body.pieces.quotedText)) words, signature \(DefaultAnalyzer.wordCount(body.pieces.signature)) words")
    let defects = message.defects + body.defects
    lines.append("  defects       \(defects.isEmpty ? "none" : defects.map(\.kind.rawValue).joined(separator: ", "))")
    for analysis in analyses {
      lines.append("")
      lines.append("timekeeper \(analysis.timekeeper.isEmpty ? "-" : analysis.timekeeper) (\(analysis.direction.rawValue))")
      lines.append("  classification  \(analysis.isBillable ? "billable" : "not billable: \(analysis.reason?.rawValue ?? "")")")
      for step in analysis.evidence { lines.append("  - \(step)") }
      if !analysis.candidates.isEmpty {
        lines.append("  durations")
        for candidate in analysis.candidates {
          let minutes = candidate.minutes.map { " = \(Self.format($0)) min" } ?? ""
          lines.append("    '\(candidate.text)'\(minutes): \(candidate.taken ? "taken" : "rejected") (\(candidate.reason))")
        }
      }
      let entries = priced(analysis)
      if !entries.isEmpty { lines.append("  entries") }
      for (index, priced) in entries.enumerated() {
        let entry = priced.entry
        let price = priced.price
        lines.append(
          "    \(index + 1). \(entry.basis.rawValue) \(entry.activity.rawValue) on \(entry.workDate.isEmpty ? "?" : entry.workDate): "
            + "\(Self.format(entry.minutes)) min -> \(price.billedMinutes) min = \(Self.format(price.hours)) h x "
            + "\(Self.money(price.rate)) = \(Self.money(price.amount)) \(configuration.billing.currency)")
        lines.append("       \(entry.narrative)")
        lines.append("       evidence: \(entry.evidence)")
      }
      if let estimate = analysis.estimateMinutes, analysis.entries.first?.basis == .estimated {
        lines.append(
          "  note: estimates are grouped per matter, day and activity before rounding in 'billable scan'; "
            + "alone this message would bill \(pricing.billedMinutes(estimate)) min")
      }
    }
    return lines.joined(separator: "\n")
  }

  func json() -> JSON {
    let message = input.message
    let body = input.body
    let analysesJSON: [JSON] = analyses.map { analysis in
      let entries: [JSON] = priced(analysis).map { priced in
        let entry = priced.entry
        let price = priced.price
        var fields: [(String, JSON)] = [
          ("basis", .string(entry.basis.rawValue)), ("minutes", .number(entry.minutes)),
          ("billed_minutes", .int(price.billedMinutes)), ("hours", .number(price.hours)), ("rate", .number(price.rate)),
          ("amount", .number(price.amount)), ("currency", .string(configuration.billing.currency)),
          ("activity_code", .string(entry.activity.rawValue)), ("task_code", .optional(price.taskCode)),
          ("narrative", .string(entry.narrative)), ("evidence", .string(entry.evidence)),
          ("confidence", .number(entry.confidence)), ("work_date", .string(entry.workDate)),
        ]
        if let calendar = entry.calendar {
          fields.append(
            (
              "calendar",
              .object([
                ("uid", .string(calendar.uid)), ("sequence", .int(calendar.sequence)), ("method", .string(calendar.method)),
                ("cancelled", .bool(calendar.isCancelled)),
              ])
            ))
        }
        return .object(fields)
      }
      return .object([
        ("timekeeper", .string(analysis.timekeeper)), ("direction", .string(analysis.direction.rawValue)),
        ("billable", .bool(analysis.isBillable)), ("reason", .optional(analysis.reason?.rawValue)),
        ("client", .optional(analysis.client)), ("matter", .optional(analysis.matter)),
        ("attribution", .string(analysis.attribution)), ("evidence", .array(analysis.evidence.map(JSON.string))),
        (
          "candidates",
          .array(
            analysis.candidates.map { candidate in
              .object([
                ("text", .string(candidate.text)), ("minutes", candidate.minutes.map(JSON.number) ?? .null),
                ("taken", .bool(candidate.taken)), ("reason", .string(candidate.reason)),
              ])
            })
        ),
        ("estimate_minutes", analysis.estimateMinutes.map(JSON.number) ?? .null), ("entries", .array(entries)),
        ("analyzer", .string(analysis.analyzer)),
      ])
    }
    return .object([
      ("source", .string(raw.source.location)), ("content_hash", .string(raw.contentHash.hex)),
      ("message_id", .optional(message.messageID)), ("date", .optional(message.date?.isoWithOffset)),
      ("from", JSON.addresses(message.from)), ("to", JSON.addresses(message.to)), ("cc", JSON.addresses(message.cc)),
      ("subject", .optional(message.subject)), ("new_text", .string(body.pieces.newText)),
      ("defects", .array((message.defects + body.defects).map { .string($0.kind.rawValue) })),
      ("analyses", .array(analysesJSON)),
    ])
  }

  static func describe(_ address: Address) -> String {
    address.name.isEmpty ? address.address : "\(address.name) <\(address.address)>"
  }

  static func format(_ value: Double) -> String {
    guard value.isFinite, value.magnitude < 1e15 else { return String(value) }
    return value == value.rounded() ? String(Int(value)) : String((value * 100).rounded() / 100)
  }

  static func money(_ value: Double) -> String {
    guard value.isFinite, value.magnitude < 1e15 else { return String(value) }
    let cents = Int((value * 100).rounded())
    let fraction = abs(cents % 100)
    return "\(cents / 100).\(fraction < 10 ? "0" : "")\(fraction)"
  }
}
