import Foundation

/// The effective configuration as TOML, defaults filled in (`billable config show`), and the
/// commented starter file (`billable config init`).
package enum ConfigRenderer {
  package static func render(_ configuration: Configuration) -> String {
    var out: [String] = []
    func quote(_ text: String) -> String { ConfigEditor.tomlString(text) }
    func list(_ values: [String]) -> String { "[" + values.map(quote).joined(separator: ", ") + "]" }
    func number(_ value: Double) -> String {
      value == value.rounded() && abs(value) < 1e15 ? String(format: "%.1f", value) : String(value)
    }
    let several = configuration.timekeepers.count > 1
    for timekeeper in configuration.timekeepers {
      out.append(several ? "[[timekeeper]]" : "[timekeeper]")
      out.append("id = \(quote(timekeeper.id))")
      out.append("name = \(quote(timekeeper.name))")
      out.append("addresses = \(list(timekeeper.addresses))")
      out.append("timezone = \(quote(timekeeper.timezone))")
      if let rate = timekeeper.rate { out.append("rate = \(number(rate))") }
      if let classification = timekeeper.classification { out.append("classification = \(quote(classification))") }
      out.append("")
    }
    let billing = configuration.billing
    out.append("[billing]")
    out.append("increment_minutes = \(billing.incrementMinutes)")
    out.append("minimum_minutes = \(billing.minimumMinutes)")
    out.append("rounding = \(quote(billing.rounding.rawValue))")
    out.append("currency = \(quote(billing.currency))")
    out.append("default_rate = \(number(billing.defaultRate))")
    out.append("read_words_per_minute = \(billing.readWordsPerMinute)")
    out.append("write_words_per_minute = \(billing.writeWordsPerMinute)")
    out.append("attachment_minutes = \(number(billing.attachmentMinutes))")
    out.append("max_estimate_minutes = \(number(billing.maxEstimateMinutes))")
    out.append("group_estimates = \(billing.groupEstimates)")
    out.append("firm_domains = \(list(configuration.effectiveFirmDomains))")
    if !billing.lawFirmID.isEmpty { out.append("law_firm_id = \(quote(billing.lawFirmID))") }
    out.append("")
    for client in configuration.clients {
      out.append("[[client]]")
      out.append("id = \(quote(client.id))")
      out.append("name = \(quote(client.name))")
      out.append("domains = \(list(client.domains))")
      if !client.addresses.isEmpty { out.append("addresses = \(list(client.addresses))") }
      if let rate = client.rate { out.append("rate = \(number(rate))") }
      out.append("")
    }
    for matter in configuration.matters {
      out.append("[[matter]]")
      out.append("id = \(quote(matter.id))")
      out.append("client = \(quote(matter.client))")
      out.append("name = \(quote(matter.name))")
      out.append("keywords = \(list(matter.keywords))")
      if let code = matter.taskCode { out.append("task_code = \(quote(code))") }
      if let rate = matter.rate { out.append("rate = \(number(rate))") }
      out.append("")
    }
    out.append("[ignore]")
    out.append("senders = \(list(configuration.ignore.senders))")
    out.append("subjects = \(list(configuration.ignore.subjects))")
    out.append("")
    let llm = configuration.llm
    out.append("[llm]")
    out.append("base_url = \(quote(llm.baseURL))")
    out.append("model = \(quote(llm.model))")
    out.append("api_key_env = \(quote(llm.apiKeyEnv))")
    out.append("requests_per_minute = \(llm.requestsPerMinute)")
    out.append("concurrency = \(llm.concurrency)")
    out.append("timeout_seconds = \(number(llm.timeoutSeconds))")
    out.append("max_input_chars = \(llm.maxInputChars)")
    out.append("temperature = \(number(llm.temperature))")
    out.append("max_retries = \(llm.maxRetries)")
    out.append("breaker_failures = \(llm.breakerFailures)")
    out.append("breaker_cooldown_seconds = \(number(llm.breakerCooldownSeconds))")
    return out.joined(separator: "\n") + "\n"
  }

  /// The commented starter file written by `billable config init`.
  package static let starter = """
    # billable.toml: who bills, how time is rounded, and which mail belongs to which client.
    # Every key is documented in docs/configuration.md; values shown are the defaults unless noted.

    # The person whose mail this is. For a firm's nightly run over several people, write one
    # [[timekeeper]] table per person instead; each gets their own entries.
    [timekeeper]
    id = "JD"                           # required: the timekeeper code used in exports
    name = "Jane Doe"
    addresses = ["jane@doe-law.example"]  # required: mail from these is "sent", to them "received"
    timezone = "America/New_York"       # IANA zone; work dates are days in this zone (default UTC)
    # classification = "PT"             # LEDES: PT, AS, OC, LA or OT

    [billing]
    increment_minutes = 6       # bill in tenths of an hour
    minimum_minutes = 6         # no entry bills less than this
    rounding = "up"             # up | nearest
    currency = "USD"
    default_rate = 300.0        # per hour, when neither the matter nor the client has a rate
    read_words_per_minute = 240 # reading speed for estimates of received mail
    write_words_per_minute = 20 # composing speed for estimates of sent mail
    attachment_minutes = 1.0    # added per attachment of received mail
    max_estimate_minutes = 60.0 # cap on one message's estimate
    group_estimates = true      # one estimated entry per matter, day and activity
    # firm_domains = ["doe-law.example"]  # default: the timekeepers' domains
    # law_firm_id = "12-3456789"          # LAW_FIRM_ID in LEDES invoices (usually the tax id)

    [[client]]
    id = "ACME"
    name = "Acme Corp"
    domains = ["acme.example"]  # mail to or from these domains (and subdomains) is Acme's
    # addresses = ["jo.smith@gmail.example"]  # people who write from elsewhere
    rate = 350.0

    [[matter]]
    id = "ACME-001"
    client = "ACME"
    name = "Falcon merger"
    keywords = ["Project Falcon"]  # a matter id or keyword in the subject or body picks the matter
    task_code = "L110"          # optional UTBMS task code for LEDES

    [ignore]
    senders = ["noreply@*", "no-reply@*", "*@news.*"]
    # subjects = ["Weekly sales report", "*newsletter*"]  # a phrase the subject contains, or a * ? pattern

    # The optional LLM analyzer (billable scan --analyzer llm). The key is read from the
    # environment variable named here and is never written anywhere.
    # [llm]
    # base_url = "https://api.openai.com/v1"  # or a local llama.cpp / Ollama / vLLM server
    # model = "gpt-4o-mini"
    # api_key_env = "OPENAI_API_KEY"

    """
}
