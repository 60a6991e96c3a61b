import ArgumentParser
import BillableAnalysis
import BillableConfig
import BillableMIME
import BillableMailbox
import BillableModel
import BillablePipeline
import BillableStore
import Foundation
import MCP

/// `billable mcp`: the four agent tools of the original design, served over the Model Context
/// Protocol on stdio. Each tool does what the matching command does, through the same code,
/// and returns structured content plus a short text rendering. Bad input is a tool error, never
/// a crash, and no tool reads or scans outside the folders named by `--allow`.
struct MCPServer: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "mcp",
    abstract: "Serve scan, analyze, summary and configuration as MCP tools over stdio.",
    discussion: """
      Register it with an assistant as a stdio server, e.g. command "billable", args \
      ["mcp", "--config", "/path/billable.toml", "--db", "/path/billable.sqlite", "--allow", "/path/Mail"].
      """)

  @OptionGroup var configOptions: ConfigOptions
  @OptionGroup var storeOptions: StoreOptions
  @Option(help: "The dataset folder written by scans.") var out: String = "reports"
  @Option(help: "A folder the tools may read (repeatable; default: the current folder).") var allow: [String] = []

  func run() async throws {
    let allowed = (allow.isEmpty ? [FileManager.default.currentDirectoryPath] : allow).map(PathGuard.resolve)
    let tools = BillableTools(
      configPath: configOptions.config, database: storeOptions.db, output: out, guardian: PathGuard(allowed: allowed))
    let server = Server(
      name: "billable", version: Billable.configuration.version, capabilities: .init(tools: .init(listChanged: false)))
    let inFlight = InFlightCalls()
    await server.withMethodHandler(ListTools.self) { _ in
      .init(tools: BillableTools.definitions)
    }
    await server.withMethodHandler(CallTool.self) { [tools] params in
      await inFlight.begin()
      defer { Task { await inFlight.end() } }
      return await tools.call(params, server: server)
    }
    try await server.start(transport: StdioTransport())
    await server.waitUntilCompleted()
    // The SDK answers each request in a task of its own and returns when standard input
    // closes: a client that sends its calls and closes its end (a script, a pipe) would lose
    // the answers still being worked on, and not know whether a change was applied.
    await inFlight.waitUntilIdle()
    try? await Task.sleep(for: .milliseconds(100))  // the last answers leave through the transport
  }
}

/// Tool calls being answered.
actor InFlightCalls {
  private var count = 0
  func begin() { count += 1 }
  func end() { count -= 1 }
  func waitUntilIdle() async {
    while count > 0 { try? await Task.sleep(for: .milliseconds(10)) }
  }
}

/// Keeps tool calls inside the allowed folders (symlinks and `..` resolved first).
struct PathGuard: Sendable {
  let allowed: [String]

  /// On disk (realpath) when the path exists, so that `link/..` means what the kernel
  /// makes of it; otherwise by its text.
  static func resolve(_ path: String) -> String {
    let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    return FileSystem.realPath(absolute) ?? URL(fileURLWithPath: absolute).standardizedFileURL.resolvingSymlinksInPath().path
  }

  /// The resolved path, or a tool error naming the allowed folders.
  func check(_ path: String) throws -> String {
    let resolved = Self.resolve(path)
    guard allowed.contains(where: { resolved == $0 || resolved.hasPrefix($0.hasSuffix("/") ? $0 : $0 + "/") }) else {
      throw ToolError("\(path) is outside the folders this server may read (\(allowed.joined(separator: ", ")))")
    }
    return resolved
  }
}

/// A message for the assistant: the call failed, the server goes on.
struct ToolError: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}

/// The four tools: definitions (JSON Schemas an assistant can follow) and their calls.
struct BillableTools: Sendable {
  let configPath: String
  let database: String
  let output: String
  let guardian: PathGuard

  static let definitions: [Tool] = [
    Tool(
      name: "scan_billable_time",
      description: """
        Scan mailboxes (mbox, Maildir or .eml files, or folders of them) into billable-time entries: \
        store them in the SQLite store, rewrite the CSV dataset, and report counts, cache hits, entry \
        totals and errors. Re-scanning the same mail is cheap and never duplicates entries.
        """,
      inputSchema: .object([
        "type": "object",
        "properties": .object([
          "paths": .object([
            "type": "array", "items": .object(["type": "string"]), "minItems": 1,
            "description": "Files or folders to scan; each must be inside a folder the server allows.",
          ]),
          "since": .object([
            "type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
            "description": "Only analyse messages dated on or after this day (YYYY-MM-DD).",
          ]),
          "analyzer": .object([
            "type": "string", "enum": ["default"], "description": "The analyzer; only the offline default one is available.",
          ]),
        ]),
        "required": ["paths"],
        "additionalProperties": false,
      ])),
    Tool(
      name: "analyze_time_entry",
      description: """
        Explain how one email is billed, step by step, without writing anything: classification and \
        why, client and matter and the rule that decided, every duration found (taken or rejected and \
        why), and the entries with their rounding and rate. Same output as `billable analyze --json`.
        """,
      inputSchema: .object([
        "type": "object",
        "properties": .object([
          "path": .object(["type": "string", "description": "An .eml file, or an mbox together with message_id."]),
          "message_id": .object([
            "type": "string", "description": "In an mbox, the Message-ID of the message to explain (with or without <>).",
          ]),
        ]),
        "required": ["path"],
        "additionalProperties": false,
      ])),
    Tool(
      name: "get_time_tracking_summary",
      description: "Totals of billed hours and amounts from the store, grouped and filtered.",
      inputSchema: .object([
        "type": "object",
        "properties": .object([
          "group_by": .object([
            "type": "string", "enum": ["matter", "client", "day", "week", "month", "timekeeper"],
            "description": "How to group the totals (default matter).",
          ]),
          "from": .object(["type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "description": "First work date."]),
          "to": .object(["type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "description": "Last work date."]),
          "client": .object(["type": "string", "description": "Only this client id."]),
          "matter": .object(["type": "string", "description": "Only this matter id."]),
        ]),
        "additionalProperties": false,
      ])),
    Tool(
      name: "configure_time_tracking",
      description: """
        Read or change billable.toml. With no changes, returns the effective configuration. With \
        changes, sets each key (e.g. billing.increment_minutes, client.ACME.rate, matter.ACME-001.keywords, \
        timekeeper.timezone, ignore.senders) with the same validation as `billable config set`, keeps \
        the file's comments, and reports what changed. Nothing is written if any change is invalid.
        """,
      inputSchema: .object([
        "type": "object",
        "properties": .object([
          "get": .object(["type": "string", "description": "Return only this key's effective value."]),
          "changes": .object([
            "type": "object", "additionalProperties": .object(["type": "string"]),
            "description": "Keys to set, each with a TOML value written as a string (\"6\", \"\\\"up\\\"\", \"[\\\"a\\\"]\").",
          ]),
        ]),
        "additionalProperties": false,
      ])),
  ]

  func call(_ params: CallTool.Parameters, server: Server) async -> CallTool.Result {
    do {
      let (structured, text) = try await dispatch(params, server: server)
      let content: Value? = structured
      return CallTool.Result(content: [.text(text: text, annotations: nil, _meta: nil)], structuredContent: content, isError: false)
    } catch {
      let message = "\(error)"
      let content: Value? = .object(["error": .string(message)])
      return CallTool.Result(content: [.text(text: message, annotations: nil, _meta: nil)], structuredContent: content, isError: true)
    }
  }

  private func dispatch(_ params: CallTool.Parameters, server: Server) async throws -> (Value, String) {
    let arguments = params.arguments ?? [:]
    switch params.name {
    case "scan_billable_time": return try await scan(arguments, token: params._meta?.progressToken, server: server)
    case "analyze_time_entry": return try analyze(arguments)
    case "get_time_tracking_summary": return try summary(arguments)
    case "configure_time_tracking": return try configure(arguments)
    default: throw ToolError("unknown tool '\(params.name)'; the tools are \(Self.definitions.map(\.name).joined(separator: ", "))")
    }
  }

  /// The configuration file, or `text` read from it already.
  private func configuration(text: String? = nil) throws -> Configuration {
    do {
      return try text.map { try ConfigurationLoader.load(text: $0, file: configPath) } ?? ConfigurationLoader.load(path: configPath)
    } catch {
      throw ToolError("\(error)")
    }
  }

  private func string(_ arguments: [String: Value], _ key: String) throws -> String? {
    guard let value = arguments[key], !value.isNull else { return nil }
    guard let text = value.stringValue else { throw ToolError("'\(key)' must be a string") }
    return text
  }

  private func day(_ arguments: [String: Value], _ key: String) throws -> String? {
    guard let text = try string(arguments, key) else { return nil }
    guard Scan.isDay(text) else { throw ToolError("'\(key)' must be a date like 2025-03-01, found '\(text)'") }
    return text
  }

  private func scan(_ arguments: [String: Value], token: ProgressToken?, server: Server) async throws -> (Value, String) {
    guard let list = arguments["paths"]?.arrayValue, !list.isEmpty else { throw ToolError("'paths' must be a non-empty list of paths") }
    var paths: [String] = []
    for item in list {
      guard let path = item.stringValue else { throw ToolError("'paths' must hold strings") }
      let resolved = try guardian.check(path)
      guard FileManager.default.fileExists(atPath: resolved) else { throw ToolError("\(path): no such file or folder") }
      paths.append(resolved)
    }
    if let analyzer = try string(arguments, "analyzer"), analyzer != "default" {
      throw ToolError("analyzer '\(analyzer)' is not available; use 'default'")
    }
    var job = ScanJob(configuration: try configuration(), inputs: paths, database: database, output: output)
    job.since = try day(arguments, "since")
    job.confinedTo = guardian.allowed
    let outcome = try await job.run { progress in
      guard let token else { return }
      Task {
        try? await server.notify(
          ProgressNotification.message(
            .init(progressToken: token, progress: Double(progress.messages), message: "\(progress.messages) messages")))
      }
    }
    let summary = outcome.summary
    let structured: Value = .object([
      "messages_read": .int(summary.messagesRead), "analysed": .int(summary.unique),
      "duplicates_or_already_stored": .int(summary.duplicates), "cache_hits": .int(summary.cacheHits),
      "cache_misses": .int(summary.cacheMisses), "unparseable_messages": .int(summary.errorMessages),
      "unreadable_inputs": .int(summary.readFailures), "problems_recorded": .int(summary.problems),
      "entries": .int(outcome.entries), "hours": .double(outcome.hours), "amount": .double(outcome.amount),
      "database": .string(database), "dataset": .string(output), "seconds": .double((outcome.seconds * 1000).rounded() / 1000),
    ])
    let text = "Scanned \(summary.messagesRead) messages (\(summary.unique) analysed, \(summary.cacheHits) from cache); "
      + "the store holds \(outcome.entries) entries, \(String(format: "%.2f", outcome.hours)) h"
      + (outcome.isPartial ? "; \(summary.errorMessages + summary.readFailures) problem(s), see \(output)/errors.csv" : ".")
    return (structured, text)
  }

  private func analyze(_ arguments: [String: Value]) throws -> (Value, String) {
    guard let path = try string(arguments, "path") else { throw ToolError("'path' is required") }
    let resolved = try guardian.check(path)
    let wanted = try string(arguments, "message_id").map { $0.trimmingCharacters(in: ["<", ">", " "]) }
    let configuration = try configuration()
    let reader = InputReader(paths: [resolved], confinedTo: guardian.allowed)
    while let event = reader.next() {
      switch event {
      case .failure(let error):
        throw ToolError("\(path): \(error.message)")
      case .message(let raw):
        let message = MessageParser().parse(raw.bytes)
        if let wanted, message.messageID != wanted { continue }
        let input = AnalysisInput(message: message)
        let analyses = DefaultAnalyzer(configuration: configuration).analyzeNow(input)
        let report = AnalysisReport(
          raw: raw, input: input, analyses: analyses, pricing: Pricing(configuration: configuration), configuration: configuration)
        let json = report.json().rendered
        let value = try JSONDecoder().decode(Value.self, from: Data(json.utf8))
        return (value, report.text())
      }
    }
    throw ToolError("\(path): \(wanted.map { "no message with Message-ID <\($0)>" } ?? "no message found")")
  }

  private func summary(_ arguments: [String: Value]) throws -> (Value, String) {
    let grouping = try string(arguments, "group_by") ?? "matter"
    guard let by = Summary.Grouping(rawValue: grouping) else {
      throw ToolError("'group_by' must be one of matter, client, day, week, month, timekeeper")
    }
    guard FileManager.default.fileExists(atPath: database) else {
      throw ToolError("\(database) does not exist yet; run scan_billable_time first")
    }
    let store = try Store(path: database)
    let report = try Summary.report(
      store: store, by: by, from: try day(arguments, "from"), to: try day(arguments, "to"), client: try string(arguments, "client"),
      matter: try string(arguments, "matter"))
    let json = Summary.render(report, format: .json)
    return (try JSONDecoder().decode(Value.self, from: Data(json.utf8)), Summary.render(report, format: .table))
  }

  private func configure(_ arguments: [String: Value]) throws -> (Value, String) {
    // One call at a time reads and rewrites the file: concurrent calls lost each other's changes.
    try AtomicFile.locked(configPath) { try configureLocked(arguments) }
  }

  private func configureLocked(_ arguments: [String: Value]) throws -> (Value, String) {
    guard var text = try? String(contentsOfFile: configPath, encoding: .utf8) else {
      throw ToolError("\(configPath): cannot read the configuration; create one with 'billable config init'")
    }
    if let key = try string(arguments, "get") {
      do {
        let value = try ConfigEditor.get(key, in: try configuration(text: text), file: configPath)
        return (.object(["key": .string(key), "value": .string(value)]), "\(key) = \(value)")
      } catch let errors as ConfigErrors {
        throw ToolError(errors.description)
      }
    }
    guard let changes = arguments["changes"]?.objectValue, !changes.isEmpty else {
      let shown = ConfigRenderer.render(try configuration(text: text))
      return (.object(["configuration": .string(shown)]), shown)
    }
    var applied: [Value] = []
    var current = try? ConfigurationLoader.load(text: text, file: configPath)
    for key in changes.keys.sorted() {
      guard let value = changes[key]?.stringValue else { throw ToolError("the value of '\(key)' must be a string") }
      let before = current.flatMap { try? ConfigEditor.get(key, in: $0, file: configPath) } ?? ""
      do {
        let edited = try ConfigEditor.apply(key, to: value, in: text, file: configPath)
        text = edited.text
        current = edited.configuration
      } catch let errors as ConfigErrors {
        throw ToolError(errors.description)
      }
      applied.append(.object(["key": .string(key), "before": .string(before), "after": .string(ConfigEditor.tomlLiteralForDisplay(value))]))
    }
    try AtomicFile.write(text, to: configPath)
    let lines = applied.compactMap { item -> String? in
      guard case .object(let fields) = item else { return nil }
      return "\(fields["key"]?.stringValue ?? ""): \(fields["before"]?.stringValue ?? "") -> \(fields["after"]?.stringValue ?? "")"
    }
    return (.object(["changed": .array(applied)]), "Changed " + lines.joined(separator: "; "))
  }
}
