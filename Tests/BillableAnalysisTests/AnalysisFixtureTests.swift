import BillableAnalysis
import BillableConfig
import BillableMIME
import BillableModel
import BillableTestSupport
import Foundation
import Testing

/// Every message under fixtures/analysis/ against its `.expected.json`: classification,
/// client and matter with the deciding rule, duration candidates, and priced entries.
@Suite("Analysis fixtures")
struct AnalysisFixtureTests {
  static let fixtures = Fixtures.files(in: "analysis", suffix: ".eml")

  static func configuration() throws -> Configuration {
    try ConfigurationLoader.load(path: Fixtures.url("analysis/billable.toml").path)
  }

  /// What the golden holds: the analysis with its entries priced, as sorted-key JSON.
  struct Golden: Encodable {
    struct Entry: Encodable {
      var basis: String
      var minutes: Double
      var billedMinutes: Int
      var hours: Double
      var rate: Double
      var amount: Double
      var activity: String
      var narrative: String
      var workDate: String
      var calendar: CalendarRef?
    }
    var timekeeper: String
    var direction: String
    var billable: Bool
    var reason: String?
    var client: String?
    var matter: String?
    var attribution: String
    var candidates: [DurationCandidate]
    var entries: [Entry]
  }

  static func render(_ relative: String) throws -> String {
    let configuration = try configuration()
    let message = MessageParser().parse(try Fixtures.bytes(relative))
    let analyses = DefaultAnalyzer(configuration: configuration).analyzeNow(AnalysisInput(message: message))
    let pricing = Pricing(configuration: configuration)
    let goldens = analyses.map { analysis in
      Golden(
        timekeeper: analysis.timekeeper, direction: analysis.direction.rawValue, billable: analysis.isBillable,
        reason: analysis.reason?.rawValue, client: analysis.client, matter: analysis.matter, attribution: analysis.attribution,
        candidates: analysis.candidates,
        entries: analysis.entries.map { entry in
          let price = pricing.price(
            minutes: entry.minutes, client: analysis.client, matter: analysis.matter, timekeeper: analysis.timekeeper)
          return Golden.Entry(
            basis: entry.basis.rawValue, minutes: entry.minutes, billedMinutes: price.billedMinutes, hours: price.hours,
            rate: price.rate, amount: price.amount, activity: entry.activity.rawValue, narrative: entry.narrative,
            workDate: entry.workDate, calendar: entry.calendar)
        })
    }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(goldens), as: UTF8.self) + "\n"
  }

  @Test("fixtures were found")
  func found() {
    #expect(Self.fixtures.count >= 30)
  }

  @Test("golden analysis", arguments: fixtures)
  func golden(_ relative: String) throws {
    let rendered = try Self.render(relative)
    if let difference = BillableTestSupport.Golden.check(rendered, against: relative.replacingOccurrences(of: ".eml", with: ".expected.json")) {
      Issue.record(Comment(rawValue: difference))
    }
  }

  @Test("the analyzer is deterministic: the same message twice gives the same bytes", arguments: fixtures)
  func deterministic(_ relative: String) throws {
    #expect(try Self.render(relative) == Self.render(relative))
  }

  @Test("the fingerprint ignores rates and rounding but not clients")
  func fingerprint() throws {
    let base = try Self.configuration()
    var rate = base
    rate.billing.defaultRate = 999
    rate.billing.incrementMinutes = 15
    rate.billing.rounding = .nearest
    #expect(DefaultAnalyzer(configuration: base).fingerprint == DefaultAnalyzer(configuration: rate).fingerprint)
    var domain = base
    domain.clients[0].domains.append("new.example")
    #expect(DefaultAnalyzer(configuration: base).fingerprint != DefaultAnalyzer(configuration: domain).fingerprint)
  }
}

/// Rounding and rates.
@Suite("Pricing")
struct PricingTests {
  static func pricing(increment: Int = 6, minimum: Int? = nil, rounding: Configuration.Billing.Rounding = .up) -> Pricing {
    var configuration = Configuration()
    configuration.billing.incrementMinutes = increment
    configuration.billing.minimumMinutes = minimum ?? increment
    configuration.billing.rounding = rounding
    return Pricing(configuration: configuration)
  }

  @Test(
    "rounding up to the increment, minimum one increment",
    arguments: [(0.0, 0), (0.1, 6), (5.99, 6), (6.0, 6), (6.01, 12), (59.0, 60), (150.0, 150), (151.0, 156)])
  func up(_ minutes: Double, _ billed: Int) {
    #expect(Self.pricing().billedMinutes(minutes) == billed)
  }

  @Test("rounding to the nearest increment", arguments: [(2.9, 6), (3.0, 6), (8.9, 6), (9.0, 12), (14.0, 12)])
  func nearest(_ minutes: Double, _ billed: Int) {
    #expect(Self.pricing(rounding: .nearest).billedMinutes(minutes) == billed)
  }

  @Test("quarter-hour billing with a 15 minute minimum")
  func quarterHours() {
    let pricing = Self.pricing(increment: 15)
    #expect(pricing.billedMinutes(1) == 15)
    #expect(pricing.billedMinutes(16) == 30)
    #expect(pricing.hours(billedMinutes: 30) == 0.5)
  }

  @Test("rates: matter, then client, then timekeeper, then default")
  func rates() {
    var configuration = Configuration()
    configuration.billing.defaultRate = 100
    configuration.timekeepers = [.init(id: "JD", name: "J", addresses: [], timezone: "UTC", rate: 200)]
    configuration.clients = [.init(id: "C", name: "C", domains: [], addresses: [], rate: 300)]
    configuration.matters = [
      .init(id: "M1", client: "C", name: "", keywords: [], taskCode: nil, rate: 400),
      .init(id: "M2", client: "C", name: "", keywords: [], taskCode: nil, rate: nil),
    ]
    let pricing = Pricing(configuration: configuration)
    #expect(pricing.rate(client: "C", matter: "M1", timekeeper: "JD") == 400)
    #expect(pricing.rate(client: "C", matter: "M2", timekeeper: "JD") == 300)
    #expect(pricing.rate(client: "X", matter: nil, timekeeper: "JD") == 200)
    #expect(pricing.rate(client: "X", matter: nil, timekeeper: "ZZ") == 100)
    #expect(pricing.amount(hours: 0.1, rate: 333.33) == 33.33)
  }
}

/// A firm's run over several timekeepers: one message, one analysis per person involved.
@Suite("Several timekeepers")
struct SeveralTimekeepersTests {
  @Test("a message between two timekeepers is analysed for each, from each side")
  func twoTimekeepers() throws {
    let configuration = Configuration(
      timekeepers: [
        .init(id: "JD", name: "Jane Doe", addresses: ["jane@doe-law.example"], timezone: "America/New_York"),
        .init(id: "MR", name: "Mark Rivera", addresses: ["mark@doe-law.example"], timezone: "Europe/London"),
      ],
      clients: [.init(id: "ACME", name: "Acme Corp", domains: ["acme.example"], addresses: [])],
      matters: [.init(id: "ACME-001", client: "ACME", name: "Falcon", keywords: ["Project Falcon"])])
    let text = """
      From: Jane Doe <jane@doe-law.example>
      To: Mark Rivera <mark@doe-law.example>
      Cc: Jo Smith <jo@acme.example>
      Date: Mon, 03 Mar 2025 23:30:00 -0500
      Subject: Project Falcon - SPA markup
      Message-ID: <two@doe-law.example>

      Mark, I spent 1.5 hours on the SPA markup tonight; please review section 4.

      """
    let message = MessageParser().parse(Array(text.utf8))
    let analyses = DefaultAnalyzer(configuration: configuration).analyzeNow(AnalysisInput(message: message))
    #expect(analyses.map(\.timekeeper) == ["JD", "MR"])
    #expect(analyses.map(\.direction) == [.sent, .received])
    #expect(analyses.allSatisfy { $0.isBillable && $0.matter == "ACME-001" })
    // Jane's stated time is hers, not Mark's: he gets reading time, on his own day (London: 4 March).
    #expect(analyses[0].entries.map(\.basis) == [.explicit])
    #expect(analyses[0].entries.first?.minutes == 90)
    #expect(analyses[0].entries.first?.workDate == "2025-03-03")
    #expect(analyses[1].entries.map(\.basis) == [.estimated])
    #expect(analyses[1].candidates.first?.reason == "sender's-time")
    #expect(analyses[1].entries.first?.workDate == "2025-03-04")
  }

  @Test(
    "an auto-reply subject prefix is known in any case; the same words later in a subject are not",
    arguments: [
      ("Automatic reply: Project Falcon", true), ("AUTO-REPLY: SPA", true), ("Out of Office: back Monday", true),
      ("R\u{00E9}ponse automatique : SPA", true), ("Abwesenheitsnotiz: SPA", true), ("Re: Out of Office: SPA", false),
      ("Out of office next week", false), ("Automatic replies are off", false), ("", false),
    ])
  func autoReplySubject(_ subject: String, _ isAutoReply: Bool) {
    #expect((Automation.autoReplyPrefix(subject) != nil) == isAutoReply)
  }

  @Test(
    "words for reading and writing estimates: encoded runs count none, prose without spaces still counts",
    arguments: [
      ("Please review the draft", 4),
      ("see nlzNO8mVGVkbzXm8W55Zaellt0KqRv0ysF6H9+olv3MeCXGGNcLkE/umQQSd3uEaafJgrL1T attached", 2),
      ("M?/G_ORA[TE;LL<>;+YQSG3LAY!F-A@0H1APHYT$.(HA48+#CXS'A*80DK$H", 0),
      // yEnc read as Latin-1: no space, no script that goes without.
      ("\u{00C3}\u{00A9}\u{00C3}\u{00A8}\u{00BC}h\u{00C3}\u{00BC}\u{00C3}\u{009F}I\u{00C3}\u{00B6}\u{00C3}\u{00A4}\u{00C3}\u{0085}8h\u{00C3}\u{0086}\u{00C3}\u{0087}\u{00C3}\u{0088}\u{00C3}\u{0089}\u{00C3}\u{008A}\u{00C3}\u{008B}\u{00C3}\u{008C}", 0),
      // Thai prose has no spaces between words either: it counts.
      ("\u{0E2A}\u{0E27}\u{0E31}\u{0E2A}\u{0E14}\u{0E35}\u{0E04}\u{0E23}\u{0E31}\u{0E1A}\u{0E1C}\u{0E21}\u{0E44}\u{0E14}\u{0E49}\u{0E15}\u{0E23}\u{0E27}\u{0E08}\u{0E2A}\u{0E2D}\u{0E1A}\u{0E2A}\u{0E31}\u{0E0D}\u{0E0D}\u{0E32}\u{0E40}\u{0E23}\u{0E35}\u{0E22}\u{0E1A}\u{0E23}\u{0E49}\u{0E2D}\u{0E22}", 1),
      ("\u{682A}\u{5F0F}\u{8B72}\u{6E21}\u{5951}\u{7D04}\u{66F8}\u{306E}\u{4FEE}\u{6B63}\u{6848}\u{3092}\u{6DFB}\u{4ED8}\u{3044}\u{305F}\u{3057}\u{307E}\u{3059}\u{306E}\u{3067}\u{3001}\u{3054}\u{78BA}\u{8A8D}\u{304F}\u{3060}\u{3055}\u{3044}\u{3002}\u{682A}\u{5F0F} 2025", 2),
    ])
  func words(_ text: String, _ count: Int) {
    #expect(DefaultAnalyzer.wordCount(text) == count)
  }
}
