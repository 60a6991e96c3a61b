/// Message identifiers (`<id@host>`) in Message-ID, In-Reply-To, References and Content-ID.
enum MessageIDList {
  /// The ids inside angle brackets, without the brackets; comments and phrases (obsolete
  /// In-Reply-To forms) are skipped. A value with no brackets at all yields its bare words.
  static func parse(_ raw: [UInt8]) -> [String] {
    var ids: [String] = []
    var i = 0
    let n = raw.count
    var sawAngle = false
    while i < n {
      if raw[i] == 0x3C {
        sawAngle = true
        let start = i + 1
        var j = start
        while j < n, raw[j] != 0x3E, raw[j] != 0x3C { j += 1 }
        let id = raw[start..<j].filter { !ByteScan.isWhitespace($0) }
        if !id.isEmpty { ids.append(HeaderText.decodeRaw(id)) }
        i = j < n && raw[j] == 0x3E ? j + 1 : j
      } else if raw[i] == 0x28 {
        var depth = 0
        while i < n {
          if raw[i] == 0x28 { depth += 1 }
          if raw[i] == 0x29 { depth -= 1; if depth == 0 { break } }
          i += 1
        }
        i += 1
      } else {
        i += 1
      }
    }
    if !sawAngle {
      for word in raw.split(whereSeparator: ByteScan.isWhitespace) where word.contains(0x40) {
        ids.append(HeaderText.decodeRaw(word))
      }
    }
    return ids
  }
}
