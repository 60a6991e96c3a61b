import Foundation
import TOMLKit

/// Reads and changes single keys in a configuration file's text, keeping every comment, blank
/// line and the order of everything else (TOMLKit would rewrite the whole file without them).
///
/// Keys: `billing.increment_minutes`, `timekeeper.name` (or `timekeeper.JD.name` when there
/// are several), `client.ACME.rate`, `matter.ACME-001.keywords`, `ignore.senders`,
/// `llm.model`. A table addressed by id must exist; a plain key that is missing is added at
/// the end of its table (the table is created if needed).
package enum ConfigEditor {
  /// The text with `key` set to `value`, validated as a whole before it is returned.
  /// - Parameter value: a TOML value (`6`, `"up"`, `["a", "b"]`, `true`); anything that is not
  ///   valid TOML is taken as a string.
  /// - Throws: `ConfigErrors` if the key is unknown or the result does not validate.
  package static func set(_ key: String, to value: String, in text: String, file: String) throws -> String {
    try apply(key, to: value, in: text, file: file).text
  }

  /// `set`, with the configuration the new text was validated as (so a caller changing several
  /// keys need not parse each text again).
  package static func apply(_ key: String, to value: String, in text: String, file: String) throws
    -> (text: String, configuration: Configuration)
  {
    // A file saved with Windows line ends is edited as LF and written back as it came.
    if text.contains("\r\n") {
      let edited = try apply(key, to: value, in: text.replacingOccurrences(of: "\r\n", with: "\n"), file: file)
      return (edited.text.replacingOccurrences(of: "\n", with: "\r\n"), edited.configuration)
    }
    let literal = tomlLiteral(value)
    let (tablePath, leaf) = try resolve(key, in: text, file: file)
    let locator = KeyLocator(text: text)
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let fullKey = tablePath.isEmpty ? leaf : "\(tablePath).\(leaf)"
    if let line = locator.lines[fullKey] {
      let original = lines[line - 1]
      guard let equals = original.firstIndex(of: "=") else { return (text, try ConfigurationLoader.load(text: text, file: file)) }
      let comment = KeyLocator.stripComment(original).count < original.count
        ? "  " + original[original.index(original.startIndex, offsetBy: KeyLocator.stripComment(original).count)...]
          .trimmingCharacters(in: .whitespaces) : ""
      let valueStart = original.index(after: equals)
      var endLine = line
      // A multi-line list: replace every line up to its closing bracket.
      let rest = original[valueStart...].trimmingCharacters(in: .whitespaces)
      if rest.hasPrefix("[") && !KeyLocator.stripComment(String(rest)).contains("]") {
        while endLine < lines.count && !KeyLocator.stripComment(lines[endLine - 1]).contains("]") { endLine += 1 }
        if endLine > line && endLine <= lines.count && !KeyLocator.stripComment(lines[endLine - 1]).contains("]") {
          endLine = line
        }
      }
      let replaced = String(original[..<valueStart]).trimmingCharacters(in: .whitespaces) + " " + literal
        + (endLine == line ? comment : "")
      lines.replaceSubrange((line - 1)..<endLine, with: [replaced])
    } else if let end = locator.tableEnds[tablePath], !tablePath.isEmpty {
      lines.insert("\(leaf) = \(literal)", at: end)
    } else if tablePath.isEmpty {
      lines.insert("\(leaf) = \(literal)", at: 0)
    } else {
      if lines.last?.isEmpty == false { lines.append("") }
      lines.append("[\(tablePath)]")
      lines.append("\(leaf) = \(literal)")
      lines.append("")
    }
    let result = lines.joined(separator: "\n")
    return (result, try ConfigurationLoader.load(text: result, file: file))
  }

  /// The value of `key` as written in the effective configuration (defaults included).
  package static func get(_ key: String, in configuration: Configuration, file: String) throws -> String {
    let rendered = ConfigRenderer.render(configuration)
    let (tablePath, leaf) = try resolve(key, in: rendered, file: file, allowMissing: true)
    let locator = KeyLocator(text: rendered)
    let lines = rendered.split(separator: "\n", omittingEmptySubsequences: false)
    let fullKey = tablePath.isEmpty ? leaf : "\(tablePath).\(leaf)"
    guard let line = locator.lines[fullKey], let equals = lines[line - 1].firstIndex(of: "=") else {
      throw ConfigErrors(errors: [ConfigError(file: file, line: nil, key: key, message: "not set and has no default")])
    }
    return lines[line - 1][lines[line - 1].index(after: equals)...].trimmingCharacters(in: .whitespaces)
  }

  /// Maps a user key to (table path in the file, leaf key).
  private static func resolve(_ key: String, in text: String, file: String, allowMissing: Bool = false) throws -> (String, String) {
    let parts = key.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
    func failure(_ message: String) -> ConfigErrors {
      ConfigErrors(errors: [ConfigError(file: file, line: nil, key: key, message: message)])
    }
    guard parts.count >= 2, parts.allSatisfy({ !$0.isEmpty }) else {
      throw failure("expected a dotted key such as billing.increment_minutes or client.ACME.rate")
    }
    let locator = KeyLocator(text: text)
    switch parts[0] {
    case "billing", "ignore", "llm":
      guard parts.count == 2 else { throw failure("expected \(parts[0]).<key>") }
      return (parts[0], parts[1])
    case "timekeeper", "client", "matter":
      let kind = parts[0]
      if kind == "timekeeper" && parts.count == 2 {
        if locator.lines["timekeeper"] != nil { return ("timekeeper", parts[1]) }
        if locator.arrayCounts["timekeeper"] == 1 { return ("timekeeper[1]", parts[1]) }
        throw failure("there are several timekeepers: use timekeeper.<id>.\(parts[1])")
      }
      guard parts.count == 3 else { throw failure("expected \(kind).<id>.<key>") }
      let id = parts[1]
      let count = locator.arrayCounts[kind] ?? 0
      let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
      for index in 1...max(count, 1) where count > 0 {
        if let line = locator.lines["\(kind)[\(index)].id"],
          let equals = lines[line - 1].firstIndex(of: "="),
          KeyLocator.stripComment(String(lines[line - 1][lines[line - 1].index(after: equals)...]))
            .trimmingCharacters(in: .whitespaces) == "\"\(id)\""
        {
          return ("\(kind)[\(index)]", parts[2])
        }
      }
      if kind == "timekeeper", locator.lines["timekeeper"] != nil { return ("timekeeper", parts[2]) }
      throw failure("no \(kind) with id '\(id)'")
    default:
      throw failure("unknown section '\(parts[0])' (known: billing, client, ignore, llm, matter, timekeeper)")
    }
  }

  /// How `set` echoes the value it wrote.
  package static func tomlLiteralForDisplay(_ value: String) -> String { tomlLiteral(value) }

  /// `value` as a TOML literal: kept if it parses as exactly one value on one line, else
  /// quoted as a string. (A value with a line break could smuggle in a table of its own:
  /// `350\n[llm]\nbase_url = …`.)
  static func tomlLiteral(_ value: String) -> String {
    if !value.contains(where: \.isNewline), let table = try? TOMLTable(string: "v = \(value)"), table.keys == ["v"] {
      return value
    }
    return tomlString(value)
  }

  /// A TOML basic string: quotes, backslashes and control characters escaped.
  package static func tomlString(_ text: String) -> String {
    var escaped = "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": escaped += "\\\""
      case "\\": escaped += "\\\\"
      case "\n": escaped += "\\n"
      case "\r": escaped += "\\r"
      case "\t": escaped += "\\t"
      case _ where scalar.value < 0x20 || scalar.value == 0x7F:
        escaped += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
          + String(scalar.value, radix: 16, uppercase: true)
      default: escaped.unicodeScalars.append(scalar)
      }
    }
    return escaped + "\""
  }
}
