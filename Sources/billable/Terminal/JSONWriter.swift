import BillableMIME

/// A minimal JSON value and writer: key order is kept as given (so output lines read like the
/// oracle's), strings are escaped per RFC 8259, and nothing depends on Foundation's encoder.
indirect enum JSON {
  case null
  case bool(Bool)
  case int(Int)
  case number(Double)
  case string(String)
  case array([JSON])
  case object([(String, JSON)])

  static func optional(_ value: String?) -> JSON { value.map(JSON.string) ?? .null }
  static func optional(_ value: Int?) -> JSON { value.map(JSON.int) ?? .null }
  static func addresses(_ list: [Address]) -> JSON {
    .array(list.map { .object([("name", .string($0.name)), ("address", .string($0.address))]) })
  }

  func write(to out: inout String) {
    switch self {
    case .null: out += "null"
    case .bool(let value): out += value ? "true" : "false"
    case .int(let value): out += String(value)
    case .number(let value):
      if value.isFinite && value == value.rounded() && abs(value) < 1e15 {
        out += String(Int(value))
      } else {
        out += value.isFinite ? String(value) : "null"
      }
    case .string(let value): JSON.escape(value, into: &out)
    case .array(let values):
      out += "["
      for (index, value) in values.enumerated() {
        if index > 0 { out += ", " }
        value.write(to: &out)
      }
      out += "]"
    case .object(let members):
      out += "{"
      for (index, member) in members.enumerated() {
        if index > 0 { out += ", " }
        JSON.escape(member.0, into: &out)
        out += ": "
        member.1.write(to: &out)
      }
      out += "}"
    }
  }

  var rendered: String {
    var out = ""
    write(to: &out)
    return out
  }

  static func escape(_ text: String, into out: inout String) {
    out += "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case "\u{08}": out += "\\b"
      case "\u{0C}": out += "\\f"
      default:
        if scalar.value < 0x20 {
          let hex = String(scalar.value, radix: 16)
          out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    out += "\""
  }
}
