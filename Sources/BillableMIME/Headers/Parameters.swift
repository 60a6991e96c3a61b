import BillableModel

/// `type/subtype; name=value; …` as in Content-Type and Content-Disposition, with RFC 2231
/// continuations (`name*0`, `name*1*`) and charset/language (`name*=utf-8'en'%E2%82%AC`).
package struct ParameterizedValue: Sendable, Hashable {
  /// The value before the first parameter, lowercased (`multipart/mixed`, `attachment`).
  package var value: String
  /// Parameters by lowercased name, values decoded (RFC 2231 and RFC 2047, which many mailers
  /// use for file names though no RFC allows it).
  package var parameters: [String: String]

  package subscript(_ name: String) -> String? { parameters[name] }

  /// Parses a raw header value. Lenient: a missing `;`, an unterminated quote, duplicate
  /// names (the first wins) and unquoted special characters are accepted and recorded.
  static func parse(
    _ raw: [UInt8], offset: Int, partPath: String, defects: inout [Defect]
  ) -> ParameterizedValue {
    var cursor = 0
    let count = raw.count
    func skipSpaceAndComments() {
      while cursor < count {
        let byte = raw[cursor]
        if ByteScan.isWhitespace(byte) {
          cursor += 1
        } else if byte == 0x28 {  // "(" comment, possibly nested
          var depth = 0
          while cursor < count {
            let c = raw[cursor]
            if c == 0x5C { cursor += 2; continue }
            if c == 0x28 { depth += 1 }
            if c == 0x29 { depth -= 1; if depth == 0 { cursor += 1; break } }
            cursor += 1
          }
        } else {
          break
        }
      }
    }
    skipSpaceAndComments()
    let valueStart = cursor
    while cursor < count, raw[cursor] != 0x3B, !ByteScan.isWhitespace(raw[cursor]), raw[cursor] != 0x28 {
      cursor += 1
    }
    var result = ParameterizedValue(value: ByteScan.lowercasedString(raw[valueStart..<min(cursor, count)]), parameters: [:])
    // Mailers write `text/plain charset=us-ascii` with no `;`; take parameters after any whitespace.
    var pieces: [(name: String, section: Int?, extended: Bool, value: [UInt8])] = []
    var reportedMissingSemicolon = false
    while cursor < count {
      skipSpaceAndComments()
      if cursor < count, raw[cursor] == 0x3B {
        cursor += 1
        skipSpaceAndComments()
      } else if cursor < count, !reportedMissingSemicolon {
        reportedMissingSemicolon = true
        defects.append(Defect(.invalidParameter, offset: offset, partPath: partPath, detail: "missing ';'"))
      }
      guard cursor < count else { break }
      let nameStart = cursor
      while cursor < count, raw[cursor] != 0x3D, raw[cursor] != 0x3B, !ByteScan.isWhitespace(raw[cursor]) { cursor += 1 }
      let nameBytes = raw[nameStart..<cursor]
      skipSpaceAndComments()
      guard cursor < count, raw[cursor] == 0x3D, !nameBytes.isEmpty else {
        // A bare word with no "=": skip it.
        if cursor < count, raw[cursor] != 0x3B { cursor += 1 }
        continue
      }
      cursor += 1  // "="
      skipSpaceAndComments()
      var value = [UInt8]()
      if cursor < count, raw[cursor] == 0x22 {
        cursor += 1
        var closed = false
        while cursor < count {
          let byte = raw[cursor]
          if byte == 0x5C, cursor + 1 < count {
            value.append(raw[cursor + 1])
            cursor += 2
            continue
          }
          if byte == 0x22 { closed = true; cursor += 1; break }
          value.append(byte)
          cursor += 1
        }
        if !closed {
          defects.append(Defect(.invalidParameter, offset: offset, partPath: partPath, detail: "unterminated quote"))
          // An unterminated quote usually swallowed the rest; keep up to a ';' if any.
          if let semi = value.firstIndex(of: 0x3B) { value = Array(value[..<semi]) }
          value = Array(ByteScan.trimmed(value[...]))
        }
      } else {
        let start = cursor
        while cursor < count, raw[cursor] != 0x3B { cursor += 1 }
        value = Array(ByteScan.trimmed(raw[start..<cursor]))
      }
      var name = ByteScan.lowercasedString(nameBytes)
      var extended = false
      var section: Int? = nil
      if name.hasSuffix("*") {
        extended = true
        name.removeLast()
      }
      if let star = name.lastIndex(of: "*"), let number = Int(name[name.index(after: star)...]) {
        section = number
        name = String(name[..<star])
      }
      pieces.append((name, section, extended, value))
    }
    result.parameters = assemble(pieces, offset: offset, partPath: partPath, defects: &defects)
    return result
  }

  /// Joins RFC 2231 sections in order and decodes charsets; plain parameters pass through.
  private static func assemble(
    _ pieces: [(name: String, section: Int?, extended: Bool, value: [UInt8])], offset: Int, partPath: String,
    defects: inout [Defect]
  ) -> [String: String] {
    var plain: [String: String] = [:]
    var sectioned: [String: [(Int, Bool, [UInt8])]] = [:]
    var order: [String] = []
    for piece in pieces {
      if let section = piece.section {
        if sectioned[piece.name] == nil { order.append(piece.name) }
        sectioned[piece.name, default: []].append((section, piece.extended, piece.value))
      } else if piece.extended {
        // name*=charset'lang'value: a single extended section wins over a plain duplicate.
        plain[piece.name] = decodeExtended([(0, true, piece.value)])
      } else if plain[piece.name] == nil {
        plain[piece.name] = EncodedWord.decode(piece.value)
      } else {
        defects.append(Defect(.invalidParameter, offset: offset, partPath: partPath, detail: "duplicate '\(piece.name)'"))
      }
    }
    for name in order {
      guard let sections = sectioned[name] else { continue }
      let sorted = sections.sorted { $0.0 < $1.0 }
      plain[name] = decodeExtended(sorted)
    }
    return plain
  }

  /// Decodes RFC 2231 sections: the first extended section may carry `charset'language'`, and
  /// extended sections are percent-encoded in that charset.
  private static func decodeExtended(_ sections: [(Int, Bool, [UInt8])]) -> String {
    var charset = "utf-8"
    var bytes = [UInt8]()
    for (index, section) in sections.enumerated() {
      var value = section.2[...]
      if section.1 {
        if index == 0, let q1 = value.firstIndex(of: 0x27),
          let q2 = value[(q1 + 1)...].firstIndex(of: 0x27)
        {
          let declared = String(decoding: value[value.startIndex..<q1], as: UTF8.self)
          if !declared.isEmpty { charset = declared }
          value = value[(q2 + 1)...]
        }
        bytes.append(contentsOf: percentDecode(value))
      } else {
        bytes.append(contentsOf: value)
      }
    }
    return Charset.decode(bytes, charset: charset).text
  }

  private static func percentDecode(_ value: ArraySlice<UInt8>) -> [UInt8] {
    var out = [UInt8]()
    out.reserveCapacity(value.count)
    var i = value.startIndex
    while i < value.endIndex {
      let byte = value[i]
      if byte == 0x25, i + 2 < value.endIndex, let high = hexValue(value[i + 1]), let low = hexValue(value[i + 2]) {
        out.append(high << 4 | low)
        i += 3
      } else {
        out.append(byte)
        i += 1
      }
    }
    return out
  }
}

@inline(__always)
func hexValue(_ byte: UInt8) -> UInt8? {
  switch byte {
  case 0x30...0x39: return byte - 0x30
  case 0x41...0x46: return byte - 0x41 + 10
  case 0x61...0x66: return byte - 0x61 + 10
  default: return nil
  }
}
