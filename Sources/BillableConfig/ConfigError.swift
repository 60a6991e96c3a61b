import Foundation

/// A configuration problem, located: `billable.toml:12: key 'billing.increment_minutes':
/// expected an integer, found "six"`.
package struct ConfigError: Error, CustomStringConvertible, Sendable, Equatable {
  package var file: String
  /// 1-based line, or `nil` when the problem is not on one line (a missing table).
  package var line: Int?
  /// The dotted key (`client[2].rate`), or `nil` for a syntax error.
  package var key: String?
  package var message: String

  package init(file: String, line: Int?, key: String?, message: String) {
    self.file = file
    self.line = line
    self.key = key
    self.message = message
  }

  package var description: String {
    var text = file
    if let line { text += ":\(line)" }
    text += ": "
    if let key { text += "key '\(key)': " }
    return text + message
  }
}
