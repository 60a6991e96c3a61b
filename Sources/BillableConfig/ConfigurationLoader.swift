import Foundation
import TOMLKit

/// Every problem found in one configuration file (all of them, so one run fixes them all).
package struct ConfigErrors: Error, CustomStringConvertible, Sendable {
  package var errors: [ConfigError]
  package var description: String { errors.map(\.description).joined(separator: "\n") }
}

/// Reads and validates `billable.toml`.
package enum ConfigurationLoader {
  /// Loads the file at `path`.
  /// - Throws: `ConfigErrors` naming the file, line and key of each problem.
  package static func load(path: String) throws -> Configuration {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw ConfigErrors(errors: [ConfigError(file: path, line: nil, key: nil, message: "cannot read the file; create one with 'billable config init'")])
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw ConfigErrors(errors: [ConfigError(file: path, line: nil, key: nil, message: "the file is not UTF-8 text")])
    }
    return try load(text: text, file: path)
  }

  /// Parses and validates configuration text; `file` is the name used in errors.
  package static func load(text: String, file: String) throws -> Configuration {
    let table: TOMLTable
    do {
      table = try TOMLTable(string: text)
    } catch let error as TOMLParseError {
      throw ConfigErrors(errors: [
        ConfigError(file: file, line: error.source.begin.line, key: nil, message: "invalid TOML: \(error.description)")
      ])
    }
    var reader = Reader(file: file, locator: KeyLocator(text: text))
    let configuration = reader.read(table)
    if !reader.errors.isEmpty { throw ConfigErrors(errors: reader.errors) }
    return configuration
  }
}

/// Walks the TOML tree against the schema, collecting errors with their lines.
private struct Reader {
  /// Bounds that keep every figure a real configuration could want and nothing that would
  /// overflow a calculation: no increment longer than a day, no rate above a million an hour.
  static let dayMinutes = 24 * 60
  static let mostRate = 1_000_000.0
  let file: String
  let locator: KeyLocator
  var errors: [ConfigError] = []

  mutating func fail(_ key: String, _ message: String) {
    errors.append(ConfigError(file: file, line: locator.line(of: key), key: key, message: message))
  }

  mutating func read(_ root: TOMLTable) -> Configuration {
    var configuration = Configuration()
    check(root, path: "", allowed: ["timekeeper", "billing", "client", "matter", "ignore", "llm"])

    // [timekeeper] (one) or [[timekeeper]] (several).
    if let value = root["timekeeper"] {
      if let table = value.table {
        if let timekeeper = readTimekeeper(table, path: "timekeeper") { configuration.timekeepers = [timekeeper] }
      } else if let array = value.array {
        for (index, element) in array.enumerated() {
          let path = "timekeeper[\(index + 1)]"
          guard let table = element.table else {
            fail(path, "expected a table")
            continue
          }
          if let timekeeper = readTimekeeper(table, path: path) { configuration.timekeepers.append(timekeeper) }
        }
      } else {
        fail("timekeeper", "expected a [timekeeper] table or [[timekeeper]] tables")
      }
    }
    if configuration.timekeepers.isEmpty && errors.isEmpty {
      errors.append(ConfigError(file: file, line: nil, key: "timekeeper", message: "missing: add a [timekeeper] table with id and addresses"))
    }
    var seenTimekeepers: Set<String> = []
    for (index, timekeeper) in configuration.timekeepers.enumerated() where !seenTimekeepers.insert(timekeeper.id).inserted {
      fail(configuration.timekeepers.count > 1 ? "timekeeper[\(index + 1)].id" : "timekeeper.id", "duplicate timekeeper id '\(timekeeper.id)'")
    }

    if let table = table(root, "billing") { configuration.billing = readBilling(table) }
    for (index, table) in tables(root, "client").enumerated() {
      if let client = readClient(table, path: "client[\(index + 1)]") { configuration.clients.append(client) }
    }
    for (index, table) in tables(root, "matter").enumerated() {
      if let matter = readMatter(table, path: "matter[\(index + 1)]") { configuration.matters.append(matter) }
    }
    if let table = table(root, "ignore") {
      check(table, path: "ignore", allowed: ["senders", "subjects"])
      configuration.ignore.senders = strings(table, "senders", path: "ignore")?.map { $0.lowercased() } ?? []
      configuration.ignore.subjects = strings(table, "subjects", path: "ignore") ?? []
    }
    if let table = table(root, "llm") { configuration.llm = readLLM(table) }

    // Cross-references.
    var clientIDs: Set<String> = []
    for (index, client) in configuration.clients.enumerated() where !clientIDs.insert(client.id).inserted {
      fail("client[\(index + 1)].id", "duplicate client id '\(client.id)'")
    }
    // A domain or address under two clients would only ever reach the first of them.
    var owners: [String: String] = [:]
    for (index, client) in configuration.clients.enumerated() {
      for (key, values) in [("domains", client.domains), ("addresses", client.addresses)] {
        for value in Set(values) {
          if let owner = owners[value], owner != client.id {
            fail("client[\(index + 1)].\(key)", "'\(value)' is listed for client '\(owner)' too; its mail would always go to '\(owner)'")
          } else {
            owners[value] = client.id
          }
        }
      }
    }
    var matterIDs: Set<String> = []
    for (index, matter) in configuration.matters.enumerated() {
      if !matterIDs.insert(matter.id).inserted { fail("matter[\(index + 1)].id", "duplicate matter id '\(matter.id)'") }
      if !clientIDs.contains(matter.client) {
        let known = clientIDs.sorted().joined(separator: ", ")
        fail("matter[\(index + 1)].client", "no client with id '\(matter.client)' (clients: \(known.isEmpty ? "none" : known))")
      }
    }
    return configuration
  }

  /// Unknown keys are errors: a typo must not silently fall back to a default.
  mutating func check(_ table: TOMLTable, path: String, allowed: Set<String>) {
    for key in table.keys.sorted() where !allowed.contains(key) {
      let full = path.isEmpty ? key : "\(path).\(key)"
      fail(full, "unknown key (known: \(allowed.sorted().joined(separator: ", ")))")
    }
  }

  mutating func table(_ root: TOMLTable, _ key: String) -> TOMLTable? {
    guard let value = root[key] else { return nil }
    guard let table = value.table else {
      fail(key, "expected a [\(key)] table, found \(describe(value))")
      return nil
    }
    return table
  }

  mutating func tables(_ root: TOMLTable, _ key: String) -> [TOMLTable] {
    guard let value = root[key] else { return [] }
    if let array = value.array {
      var result: [TOMLTable] = []
      for (index, element) in array.enumerated() {
        if let table = element.table { result.append(table) } else { fail("\(key)[\(index + 1)]", "expected a table") }
      }
      return result
    }
    if let table = value.table { return [table] }
    fail(key, "expected [[\(key)]] tables, found \(describe(value))")
    return []
  }

  mutating func string(_ table: TOMLTable, _ key: String, path: String, required: Bool = false) -> String? {
    let full = "\(path).\(key)"
    guard let value = table[key] else {
      if required { fail(full, "missing (required)") }
      return nil
    }
    guard let string = value.string else {
      fail(full, "expected a string, found \(describe(value))")
      return nil
    }
    if required && string.trimmingCharacters(in: .whitespaces).isEmpty { fail(full, "must not be empty") }
    return string
  }

  mutating func int(_ table: TOMLTable, _ key: String, path: String, minimum: Int, maximum: Int) -> Int? {
    let full = "\(path).\(key)"
    guard let value = table[key] else { return nil }
    guard value.type == .int, let int = value.int else {
      fail(full, "expected an integer, found \(describe(value))")
      return nil
    }
    guard int >= minimum else {
      fail(full, "must be at least \(minimum), found \(int)")
      return nil
    }
    guard int <= maximum else {
      fail(full, "must be at most \(maximum), found \(int)")
      return nil
    }
    return int
  }

  mutating func double(_ table: TOMLTable, _ key: String, path: String, minimum: Double, maximum: Double) -> Double? {
    let full = "\(path).\(key)"
    guard let value = table[key] else { return nil }
    let number: Double?
    switch value.type {
    case .double: number = value.double
    case .int: number = value.int.map(Double.init)
    default: number = nil
    }
    guard let number, number.isFinite else {
      fail(full, "expected a number, found \(describe(value))")
      return nil
    }
    guard number >= minimum else {
      fail(full, "must be at least \(minimum), found \(number)")
      return nil
    }
    guard number <= maximum else {
      fail(full, "must be at most \(Int(maximum)), found \(number)")
      return nil
    }
    return number
  }

  mutating func bool(_ table: TOMLTable, _ key: String, path: String) -> Bool? {
    guard let value = table[key] else { return nil }
    guard value.type == .bool, let bool = value.bool else {
      fail("\(path).\(key)", "expected true or false, found \(describe(value))")
      return nil
    }
    return bool
  }

  mutating func strings(_ table: TOMLTable, _ key: String, path: String) -> [String]? {
    let full = "\(path).\(key)"
    guard let value = table[key] else { return nil }
    guard let array = value.array else {
      fail(full, "expected a list of strings, found \(describe(value))")
      return nil
    }
    var result: [String] = []
    for element in array {
      guard let string = element.string else {
        fail(full, "expected a list of strings, found \(describe(element)) in it")
        return nil
      }
      result.append(string)
    }
    return result
  }

  func describe(_ value: any TOMLValueConvertible) -> String {
    switch value.type {
    case .string: return "\"\(value.string ?? "")\""
    case .table: return "a table"
    case .array: return "a list"
    default: return value.debugDescription
    }
  }

  mutating func readTimekeeper(_ table: TOMLTable, path: String) -> Configuration.Timekeeper? {
    check(table, path: path, allowed: ["id", "name", "addresses", "timezone", "rate", "classification"])
    let id = string(table, "id", path: path, required: true) ?? ""
    let name = string(table, "name", path: path) ?? id
    let listed = strings(table, "addresses", path: path)?.map { $0.lowercased() }
    let addresses = listed ?? []
    if table["addresses"] == nil {
      fail("\(path).addresses", "missing: list the timekeeper's email addresses")
    } else if listed?.isEmpty == true {
      // With none, no message could be told to be the timekeeper's: nothing would ever bill.
      fail("\(path).addresses", "empty: list at least one of the timekeeper's email addresses")
    }
    for address in addresses where !address.contains("@") { fail("\(path).addresses", "'\(address)' is not an email address") }
    let timezone = string(table, "timezone", path: path) ?? "UTC"
    if TimeZone(identifier: timezone) == nil {
      fail("\(path).timezone", "unknown time zone '\(timezone)' (use an IANA name such as America/New_York)")
    }
    let rate = double(table, "rate", path: path, minimum: 0, maximum: Self.mostRate)
    let classification = string(table, "classification", path: path)
    if let classification, !Configuration.Timekeeper.classifications.contains(classification) {
      fail(
        "\(path).classification",
        "expected one of \(Configuration.Timekeeper.classifications.joined(separator: ", ")) (LEDES), found \"\(classification)\"")
    }
    return Configuration.Timekeeper(
      id: id, name: name, addresses: addresses, timezone: timezone, rate: rate, classification: classification)
  }

  mutating func readBilling(_ table: TOMLTable) -> Configuration.Billing {
    let path = "billing"
    check(
      table, path: path,
      allowed: [
        "increment_minutes", "minimum_minutes", "rounding", "currency", "default_rate", "read_words_per_minute",
        "write_words_per_minute", "attachment_minutes", "max_estimate_minutes", "group_estimates", "firm_domains",
        "law_firm_id",
      ])
    var billing = Configuration.Billing()
    if let value = int(table, "increment_minutes", path: path, minimum: 1, maximum: Self.dayMinutes) {
      billing.incrementMinutes = value
      billing.minimumMinutes = value
    }
    if let value = int(table, "minimum_minutes", path: path, minimum: 0, maximum: Self.dayMinutes) { billing.minimumMinutes = value }
    if let value = string(table, "rounding", path: path) {
      if let rounding = Configuration.Billing.Rounding(rawValue: value) {
        billing.rounding = rounding
      } else {
        fail("billing.rounding", "expected \"up\" or \"nearest\", found \"\(value)\"")
      }
    }
    if let value = string(table, "currency", path: path) {
      if value.count == 3 && value.allSatisfy({ $0.isASCII && $0.isUppercase }) {
        billing.currency = value
      } else {
        fail("billing.currency", "expected an ISO 4217 code such as \"USD\", found \"\(value)\"")
      }
    }
    if let value = double(table, "default_rate", path: path, minimum: 0, maximum: Self.mostRate) { billing.defaultRate = value }
    if let value = string(table, "law_firm_id", path: path) {
      // A LEDES field: no separator, no line end.
      if value.contains(where: { $0 == "|" || $0.isNewline || $0 == "[" || $0 == "]" }) || value.count > 20 {
        fail("billing.law_firm_id", "expected at most 20 characters without | [ ] or a line break, found \"\(value)\"")
      } else {
        billing.lawFirmID = value
      }
    }
    if let value = int(table, "read_words_per_minute", path: path, minimum: 1, maximum: 100_000) { billing.readWordsPerMinute = value }
    if let value = int(table, "write_words_per_minute", path: path, minimum: 1, maximum: 100_000) { billing.writeWordsPerMinute = value }
    if let value = double(table, "attachment_minutes", path: path, minimum: 0, maximum: Double(Self.dayMinutes)) { billing.attachmentMinutes = value }
    if let value = double(table, "max_estimate_minutes", path: path, minimum: 1, maximum: Double(Self.dayMinutes)) { billing.maxEstimateMinutes = value }
    if let value = bool(table, "group_estimates", path: path) { billing.groupEstimates = value }
    if let value = strings(table, "firm_domains", path: path) { billing.firmDomains = value.map { $0.lowercased() } }
    return billing
  }

  mutating func readClient(_ table: TOMLTable, path: String) -> Configuration.Client? {
    check(table, path: path, allowed: ["id", "name", "domains", "addresses", "rate"])
    let id = string(table, "id", path: path, required: true) ?? ""
    return Configuration.Client(
      id: id, name: string(table, "name", path: path) ?? id,
      domains: strings(table, "domains", path: path)?.map { $0.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "@. ")) } ?? [],
      addresses: strings(table, "addresses", path: path)?.map { $0.lowercased() } ?? [],
      rate: double(table, "rate", path: path, minimum: 0, maximum: Self.mostRate))
  }

  mutating func readMatter(_ table: TOMLTable, path: String) -> Configuration.Matter? {
    check(table, path: path, allowed: ["id", "client", "name", "keywords", "task_code", "rate"])
    let id = string(table, "id", path: path, required: true) ?? ""
    let client = string(table, "client", path: path, required: true) ?? ""
    let taskCode = string(table, "task_code", path: path)
    if let taskCode, !Self.isUTBMSCode(taskCode) {
      fail("\(path).task_code", "expected a UTBMS task code such as \"L110\", found \"\(taskCode)\"")
    }
    return Configuration.Matter(
      id: id, client: client, name: string(table, "name", path: path) ?? id,
      keywords: strings(table, "keywords", path: path) ?? [], taskCode: taskCode,
      rate: double(table, "rate", path: path, minimum: 0, maximum: Self.mostRate))
  }

  static func isUTBMSCode(_ code: String) -> Bool {
    let scalars = Array(code.unicodeScalars)
    return scalars.count == 4 && ("A"..."Z").contains(scalars[0]) && scalars[1...].allSatisfy { ("0"..."9").contains($0) }
  }

  mutating func readLLM(_ table: TOMLTable) -> Configuration.LLMSettings {
    let path = "llm"
    check(
      table, path: path,
      allowed: [
        "base_url", "model", "api_key_env", "requests_per_minute", "concurrency", "timeout_seconds", "max_input_chars",
        "temperature", "max_retries", "breaker_failures", "breaker_cooldown_seconds",
      ])
    var llm = Configuration.LLMSettings()
    if let value = string(table, "base_url", path: path) {
      if value.hasPrefix("http://") || value.hasPrefix("https://") {
        llm.baseURL = value.hasSuffix("/") ? String(value.dropLast()) : value
      } else {
        fail("llm.base_url", "expected an http:// or https:// URL, found \"\(value)\"")
      }
    }
    if let value = string(table, "model", path: path) { llm.model = value }
    if let value = string(table, "api_key_env", path: path) { llm.apiKeyEnv = value }
    if let value = int(table, "requests_per_minute", path: path, minimum: 1, maximum: 1_000_000) { llm.requestsPerMinute = value }
    if let value = int(table, "concurrency", path: path, minimum: 1, maximum: 1_000) { llm.concurrency = value }
    if let value = double(table, "timeout_seconds", path: path, minimum: 1, maximum: 86_400) { llm.timeoutSeconds = value }
    if let value = int(table, "max_input_chars", path: path, minimum: 100, maximum: 10_000_000) { llm.maxInputChars = value }
    if let value = double(table, "temperature", path: path, minimum: 0, maximum: 2) { llm.temperature = value }
    if let value = int(table, "max_retries", path: path, minimum: 0, maximum: 100) { llm.maxRetries = value }
    if let value = int(table, "breaker_failures", path: path, minimum: 1, maximum: 1_000) { llm.breakerFailures = value }
    if let value = double(table, "breaker_cooldown_seconds", path: path, minimum: 0, maximum: 86_400) { llm.breakerCooldownSeconds = value }
    return llm
  }
}
