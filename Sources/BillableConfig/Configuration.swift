/// BillableConfig: `billable.toml` in, a validated `Configuration` out.
///
/// Reading goes through TOMLKit; every problem is a `ConfigError` that names the file, the
/// line and the key. Imports BillableModel and TOMLKit only.
import Foundation

/// The whole configuration, with every default filled in.
package struct Configuration: Sendable, Hashable {
  package var timekeepers: [Timekeeper]
  package var billing: Billing
  package var clients: [Client]
  package var matters: [Matter]
  package var ignore: IgnoreRules
  package var llm: LLMSettings

  package init(
    timekeepers: [Timekeeper] = [], billing: Billing = Billing(), clients: [Client] = [], matters: [Matter] = [],
    ignore: IgnoreRules = IgnoreRules(), llm: LLMSettings = LLMSettings()
  ) {
    self.timekeepers = timekeepers
    self.billing = billing
    self.clients = clients
    self.matters = matters
    self.ignore = ignore
    self.llm = llm
  }

  /// A person whose time is billed.
  package struct Timekeeper: Sendable, Hashable {
    package var id: String
    package var name: String
    /// Addresses that are this person (lowercased): mail from them is "sent".
    package var addresses: [String]
    /// IANA zone (`America/New_York`): work dates are days in this zone.
    package var timezone: String
    /// This person's own rate, used when neither the matter nor the client sets one.
    package var rate: Double?
    /// The LEDES timekeeper classification (PT, AS, OC, LA, OT), for e-billing exports.
    package var classification: String?

    /// The classifications LEDES 1998B and the UTBMS define: partner, associate, of counsel,
    /// legal assistant (paralegal), other timekeeper.
    package static let classifications = ["PT", "AS", "OC", "LA", "OT"]

    package init(
      id: String, name: String, addresses: [String], timezone: String, rate: Double? = nil, classification: String? = nil
    ) {
      self.id = id
      self.name = name
      self.addresses = addresses
      self.timezone = timezone
      self.rate = rate
      self.classification = classification
    }
  }

  /// How time becomes billed hours.
  package struct Billing: Sendable, Hashable {
    package var incrementMinutes = 6
    package var minimumMinutes = 6
    package var rounding = Rounding.up
    package var currency = "USD"
    package var defaultRate = 0.0
    package var readWordsPerMinute = 240
    package var writeWordsPerMinute = 20
    /// Estimated minutes added for each attachment of received mail (reviewing it).
    package var attachmentMinutes = 1.0
    /// No single message's estimate exceeds this many minutes.
    package var maxEstimateMinutes = 60.0
    package var groupEstimates = true
    /// The firm's own domains (mail only among them is internal); default: the timekeepers'.
    package var firmDomains: [String] = []
    /// The firm's id in LEDES invoices (LAW_FIRM_ID, usually its tax id); empty if unset.
    package var lawFirmID = ""

    package init() {}

    package enum Rounding: String, Sendable, Hashable, CaseIterable {
      case up
      case nearest
    }
  }

  /// A client: who they are on the wire, and their rate.
  package struct Client: Sendable, Hashable {
    package var id: String
    package var name: String
    /// Mail domains (lowercased); subdomains match too.
    package var domains: [String]
    /// Individual addresses (lowercased), for people who write from elsewhere.
    package var addresses: [String]
    package var rate: Double?

    package init(id: String, name: String, domains: [String], addresses: [String], rate: Double? = nil) {
      self.id = id
      self.name = name
      self.domains = domains
      self.addresses = addresses
      self.rate = rate
    }
  }

  /// A matter (engagement) of a client.
  package struct Matter: Sendable, Hashable {
    package var id: String
    package var client: String
    package var name: String
    /// Phrases that identify the matter in a subject or body (case-insensitive).
    package var keywords: [String]
    /// UTBMS task code for LEDES (`L110`).
    package var taskCode: String?
    package var rate: Double?

    package init(id: String, client: String, name: String, keywords: [String], taskCode: String? = nil, rate: Double? = nil) {
      self.id = id
      self.client = client
      self.name = name
      self.keywords = keywords
      self.taskCode = taskCode
      self.rate = rate
    }
  }

  /// Mail that is never billable.
  package struct IgnoreRules: Sendable, Hashable {
    /// Sender patterns with `*` wildcards (`noreply@*`, `*@news.*`).
    package var senders: [String] = []
    /// Subject patterns with `*` wildcards, case-insensitive.
    package var subjects: [String] = []
    package init() {}
  }

  /// The optional LLM analyzer (an OpenAI-compatible endpoint).
  package struct LLMSettings: Sendable, Hashable {
    package var baseURL = "https://api.openai.com/v1"
    package var model = "gpt-4o-mini"
    /// The environment variable that holds the API key; the key itself is never in the file.
    package var apiKeyEnv = "OPENAI_API_KEY"
    package var requestsPerMinute = 3500
    package var concurrency = 10
    package var timeoutSeconds = 60.0
    package var maxInputChars = 12_000
    package var temperature = 0.0
    package var maxRetries = 4
    package var breakerFailures = 5
    package var breakerCooldownSeconds = 30.0
    package init() {}
  }

  /// The matter with this id.
  package func matter(_ id: String) -> Matter? { matters.first { $0.id == id } }
  /// The client with this id.
  package func client(_ id: String) -> Client? { clients.first { $0.id == id } }

  /// The firm's domains: configured, else those of the timekeepers' addresses (not a public
  /// mail service's: a timekeeper's Gmail address makes no one at gmail.com a colleague).
  package var effectiveFirmDomains: [String] {
    if !billing.firmDomains.isEmpty { return billing.firmDomains }
    var domains: [String] = []
    for timekeeper in timekeepers {
      for address in timekeeper.addresses {
        if let at = address.lastIndex(of: "@") {
          let domain = String(address[address.index(after: at)...])
          if !domains.contains(domain), !PublicMailDomains.contains(domain) { domains.append(domain) }
        }
      }
    }
    return domains
  }
}
