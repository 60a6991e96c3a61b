import Foundation

/// Finds the line of a key in TOML text, for error messages and for `config set`.
///
/// TOMLKit reports lines only for syntax errors; this scan covers the rest. Keys are named
/// as in errors: `billing.increment_minutes`, `client[2].rate` (array tables counted from 1),
/// and a table by itself (`billing`, `client[2]`) names its header line.
package struct KeyLocator: Sendable {
  /// 1-based line numbers by key.
  package private(set) var lines: [String: Int] = [:]
  /// For each table path, the last line that belongs to it (where a new key can go).
  package private(set) var tableEnds: [String: Int] = [:]
  /// For array tables, how many there are (`client` → 3).
  package private(set) var arrayCounts: [String: Int] = [:]

  package init(text: String) {
    var table = ""
    var inMultiline = false
    for (offset, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let number = offset + 1
      let line = Self.stripComment(String(rawLine)).trimmingCharacters(in: .whitespaces)
      if inMultiline {
        if line.contains("]") { inMultiline = false }
        tableEnds[table] = number
        continue
      }
      if line.isEmpty { continue }
      if line.hasPrefix("[[") && line.hasSuffix("]]") {
        let name = String(line.dropFirst(2).dropLast(2)).trimmingCharacters(in: .whitespaces)
        let count = (arrayCounts[name] ?? 0) + 1
        arrayCounts[name] = count
        table = "\(name)[\(count)]"
        lines[table] = number
        tableEnds[table] = number
        continue
      }
      if line.hasPrefix("[") && line.hasSuffix("]") {
        table = String(line.dropFirst().dropLast()).trimmingCharacters(in: .whitespaces)
        lines[table] = number
        tableEnds[table] = number
        continue
      }
      if let equals = line.firstIndex(of: "=") {
        var key = line[..<equals].trimmingCharacters(in: .whitespaces)
        if key.hasPrefix("\"") && key.hasSuffix("\"") && key.count >= 2 { key = String(key.dropFirst().dropLast()) }
        let full = table.isEmpty ? key : "\(table).\(key)"
        lines[full] = number
        tableEnds[table] = number
        let value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
        if value.hasPrefix("[") && !value.contains("]") { inMultiline = true }
      }
    }
  }

  /// The line of `key`, falling back to its table's header, or `nil`.
  package func line(of key: String) -> Int? {
    if let line = lines[key] { return line }
    // A single [timekeeper] is reported as `timekeeper.x`, but may be written [[timekeeper]].
    if key.hasPrefix("timekeeper."), let line = lines["timekeeper[1]" + key.dropFirst("timekeeper".count)] {
      return line
    }
    var parent = key
    while let dot = parent.lastIndex(of: ".") {
      parent = String(parent[..<dot])
      if let line = lines[parent] { return line }
    }
    if let bracket = key.firstIndex(of: "["), let line = lines[String(key[..<bracket])] { return line }
    return nil
  }

  /// The line without a trailing `# comment` (a `#` inside a string is kept).
  static func stripComment(_ line: String) -> String {
    var inString = false
    var quote: Character = "\""
    var previous: Character = " "
    for (index, character) in zip(line.indices, line) {
      if inString {
        if character == quote && previous != "\\" { inString = false }
      } else if character == "\"" || character == "'" {
        inString = true
        quote = character
      } else if character == "#" {
        return String(line[..<index])
      }
      previous = character
    }
    return line
  }
}
