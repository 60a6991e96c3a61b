/// One mailbox: a display name (decoded) and an address (`local@domain`, as written).
package struct Address: Sendable, Hashable {
  package var name: String
  package var address: String
  /// The group this mailbox was listed in (`Team: a@x, b@y;`), if any.
  package var group: String?
  /// A comment next to a bare address (`jo@x.example (Jo Smith)`): old mailers' display name.
  package var comment: String?

  package init(name: String, address: String, group: String? = nil, comment: String? = nil) {
    self.name = name
    self.address = address
    self.group = group
    self.comment = comment.flatMap { $0.isEmpty ? nil : $0 }
  }

  /// The domain part, lowercased (`acme.example`), or `""`.
  package var domain: String {
    guard let at = address.lastIndex(of: "@") else { return "" }
    return address[address.index(after: at)...].lowercased()
  }
}

/// RFC 5322 address lists (section 3.4, with the obsolete forms of 4.4): mailboxes with or
/// without display names, angle addresses with routes, groups (flattened, their name kept on
/// each member), comments, quoted strings and quoted local parts.
///
/// Lenient: a missing `>`, a stray `<`, an unquoted `.` or `@` in a display name, a bare
/// display name with no address, and `;` or `,` in odd places all yield the best reading and
/// a flag the caller turns into a defect.
enum AddressList {
  static func parse(_ raw: [UInt8]) -> (addresses: [Address], malformed: Bool) {
    var parser = Parser(raw: raw)
    parser.run()
    return (parser.result, parser.malformed)
  }

  private enum Token: Equatable {
    case atom([UInt8])  // run of atext and dots (and @ kept separately)
    case quoted([UInt8])
    case special(UInt8)  // < > @ , ; : (comments are dropped, but their text is kept for names)
    case comment([UInt8])
    case space
  }

  private struct Parser {
    let raw: [UInt8]
    var result: [Address] = []
    var malformed = false

    init(raw: [UInt8]) { self.raw = raw }

    private func tokenize() -> [Token] {
      var tokens: [Token] = []
      var i = 0
      let n = raw.count
      while i < n {
        let byte = raw[i]
        switch byte {
        case 0x20, 0x09, 0x0D, 0x0A:
          if tokens.last != .space { tokens.append(.space) }
          i += 1
        case 0x22:  // quoted string
          var value = [UInt8]()
          i += 1
          while i < n, raw[i] != 0x22 {
            if raw[i] == 0x5C, i + 1 < n { i += 1 }
            value.append(raw[i])
            i += 1
          }
          i += 1
          tokens.append(.quoted(value))
        case 0x28:  // comment, nested
          var depth = 1
          var value = [UInt8]()
          i += 1
          while i < n {
            let c = raw[i]
            if c == 0x5C, i + 1 < n { value.append(raw[i + 1]); i += 2; continue }
            if c == 0x28 { depth += 1 }
            if c == 0x29 { depth -= 1; if depth == 0 { i += 1; break } }
            value.append(c)
            i += 1
          }
          tokens.append(.comment(value))
        case 0x3C, 0x3E, 0x40, 0x2C, 0x3B, 0x3A:
          tokens.append(.special(byte))
          i += 1
        default:
          let start = i
          while i < n {
            let c = raw[i]
            if c == 0x20 || c == 0x09 || c == 0x0D || c == 0x0A || c == 0x22 || c == 0x28 || c == 0x3C || c == 0x3E
              || c == 0x40 || c == 0x2C || c == 0x3B || c == 0x3A
            {
              break
            }
            i += 1
          }
          tokens.append(.atom(Array(raw[start..<i])))
        }
      }
      return tokens
    }

    mutating func run() {
      let tokens = tokenize()
      var group: String? = nil
      var index = 0
      // Split into mailbox-sized chunks on "," and group delimiters ":" and ";".
      var chunk: [Token] = []
      while index < tokens.count {
        let token = tokens[index]
        index += 1
        switch token {
        case .special(0x2C):
          emit(chunk, group: group)
          chunk.removeAll()
        case .special(0x3A) where !chunkHasAngle(chunk) && group == nil && isPhrase(chunk):
          // "display-name:" starts a group.
          group = phraseText(chunk)
          chunk.removeAll()
        case .special(0x3B):
          emit(chunk, group: group)
          chunk.removeAll()
          group = nil
        default:
          chunk.append(token)
        }
      }
      emit(chunk, group: group)
    }

    private func chunkHasAngle(_ chunk: [Token]) -> Bool {
      chunk.contains(.special(0x3C))
    }

    private func isPhrase(_ chunk: [Token]) -> Bool {
      chunk.allSatisfy {
        switch $0 {
        case .atom, .quoted, .space, .comment: return true
        default: return false
        }
      }
    }

    /// The display-name text of a phrase: atoms and quoted strings with single spaces, RFC 2047
    /// words decoded (only in atoms, but mailers also quote them, so both).
    private func phraseText(_ chunk: [Token]) -> String {
      var bytes = [UInt8]()
      var needSpace = false
      for token in chunk {
        switch token {
        case .atom(let value), .quoted(let value):
          if needSpace { bytes.append(0x20) }
          bytes.append(contentsOf: value)
          needSpace = false
        case .special(let value):
          bytes.append(value)
          needSpace = false
        case .space:
          if !bytes.isEmpty { needSpace = true }
        case .comment:
          break
        }
      }
      return EncodedWord.decode(bytes).trimmingSpaces
    }

    private mutating func emit(_ chunk: [Token], group: String?) {
      let meaningful = chunk.filter { $0 != .space }
      if meaningful.isEmpty { return }
      if let open = chunk.firstIndex(of: .special(0x3C)) {
        // name-addr: phrase <addr-spec>
        let close = chunk[open...].firstIndex(of: .special(0x3E))
        if close == nil { malformed = true }
        var inner = Array(chunk[(open + 1)..<(close ?? chunk.count)])
        // Obsolete route: <@a,@b:user@host>
        if let colon = inner.firstIndex(of: .special(0x3A)) { inner = Array(inner[(colon + 1)...]) }
        var address = addrSpecText(inner)
        let name = phraseText(Array(chunk[..<open]))
        if address.isEmpty {
          if name.isEmpty { return }
          address = "<>"  // the null reverse-path of bounces, kept visible as Python does
        }
        result.append(Address(name: name, address: address, group: group))
        return
      }
      // addr-spec, maybe with a comment: jo@x.example (Jo Smith). RFC 5322 gives comments no
      // meaning, so the name stays empty (as in Python's email package); `comment` keeps it.
      if chunk.contains(.special(0x40)) {
        let address = addrSpecText(chunk)
        result.append(Address(name: "", address: address, group: group, comment: commentName(chunk)))
        return
      }
      // No "@": a bare local name (legal only in obsolete forms) or a display name alone.
      malformed = true
      let text = addrSpecText(chunk)
      if !text.isEmpty {
        result.append(Address(name: "", address: text, group: group))
      }
    }

    private func commentName(_ chunk: [Token]) -> String {
      for token in chunk {
        if case .comment(let value) = token {
          return EncodedWord.decode(value).trimmingSpaces
        }
      }
      return ""
    }

    /// local@domain without whitespace or comments; a quoted local part keeps its quotes when
    /// it needs them.
    private func addrSpecText(_ chunk: [Token]) -> String {
      var bytes = [UInt8]()
      for token in chunk {
        switch token {
        case .atom(let value): bytes.append(contentsOf: value)
        case .quoted(let value):
          if value.allSatisfy(isDotAtomText) {
            bytes.append(contentsOf: value)
          } else {
            bytes.append(0x22)
            for byte in value {
              if byte == 0x22 || byte == 0x5C { bytes.append(0x5C) }
              bytes.append(byte)
            }
            bytes.append(0x22)
          }
        case .special(let value) where value == 0x40: bytes.append(value)
        default: break
        }
      }
      return HeaderText.decodeRaw(bytes)
    }

    private func isDotAtomText(_ byte: UInt8) -> Bool {
      switch byte {
      case 0x41...0x5A, 0x61...0x7A, 0x30...0x39, 0x2E: return true
      default: return Array("!#$%&'*+-/=?^_`{|}~".utf8).contains(byte) || byte >= 0x80
      }
    }
  }
}

extension String {
  /// The string without leading and trailing whitespace (no Foundation needed).
  var trimmingSpaces: String {
    let scalars = unicodeScalars
    guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
      let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
    else { return "" }
    return String(scalars[first...last])
  }
}
