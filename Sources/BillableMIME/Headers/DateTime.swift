import BillableModel

/// A header date: the instant, and the zone offset it was written in.
package struct MessageDate: Sendable, Hashable {
  /// Seconds since 1970-01-01T00:00:00Z.
  package var secondsSinceEpoch: Int64
  /// The writer's offset from UTC in seconds (`+0100` is 3600). Zero when there was no zone.
  package var utcOffsetSeconds: Int
  /// False when the date had no zone, `-0000`, or an unknown zone name (then it is read as UTC).
  package var hasZone: Bool

  /// `2025-03-04T10:00:00Z`.
  package var isoUTC: String {
    Self.format(secondsSinceEpoch, offset: 0)
  }

  /// `2025-03-04T11:00:00+01:00`: the local time with its offset, as the CSV's `sent_at` wants.
  package var isoWithOffset: String {
    Self.format(secondsSinceEpoch, offset: utcOffsetSeconds)
  }

  private static func format(_ seconds: Int64, offset: Int) -> String {
    let local = seconds + Int64(offset)
    var days = local / 86_400
    var rest = local % 86_400
    if rest < 0 {
      rest += 86_400
      days -= 1
    }
    let (year, month, day) = CivilDate.date(fromDays: days)
    func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
    var text = "\(year < 1000 ? String(repeating: "0", count: 4 - String(year).count) : "")\(year)-\(two(month))-\(two(day))"
    text += "T\(two(rest / 3600)):\(two(rest % 3600 / 60)):\(two(rest % 60))"
    if offset == 0 { return text + "Z" }
    let sign = offset < 0 ? "-" : "+"
    let magnitude = Int64(abs(offset))
    return text + "\(sign)\(two(magnitude / 3600)):\(two(magnitude % 3600 / 60))"
  }
}

/// RFC 5322 dates (section 3.3) and the forms real mail has: no weekday, no seconds, named and
/// military zones, two-digit and three-digit years, `4-Mar-2025`, asctime (`Tue Mar  4 10:00:00
/// 2025`), ISO 8601 (`2025-03-04T10:00:00Z`), and trailing comments or junk.
enum DateTimeParser {
  static func parse(_ raw: [UInt8]) -> MessageDate? {
    let tokens = tokenize(raw)
    var year: Int64? = nil
    var month: Int64? = nil
    var day: Int64? = nil
    var hour: Int64? = nil
    var minute: Int64 = 0
    var second: Int64 = 0
    var offset: Int? = nil
    var hasZone = false
    var numbers: [(value: Int64, digits: Int)] = []

    for token in tokens {
      switch token {
      case .time(let h, let m, let s):
        if hour == nil { hour = h; minute = m; second = s }
      case .zone(let minutes, let known):
        if offset == nil, hour != nil || numbers.count >= 2 {
          offset = minutes * 60
          hasZone = known
        }
      case .word(let word):
        if let h = hour, word == "pm" || word == "am" {  // "06:09:22 PM EDT"
          if word == "pm" && h < 12 { hour = h + 12 }
          if word == "am" && h == 12 { hour = 0 }
        } else if month == nil, let m = monthNumber(word) {
          month = m
        } else if offset == nil, hour != nil, let zone = namedZone(word) {
          offset = zone * 60
          hasZone = true
        }
      case .number(let value, let digits):
        numbers.append((value, digits))
      case .isoDate(let y, let m, let d):
        year = y; month = m; day = d
      }
    }
    // Day and year from the free numbers: a 4-digit number (or one > 31) is the year.
    for number in numbers {
      if year == nil && (number.digits >= 3 || number.value > 31) && (day != nil || month != nil) {
        year = number.value
      } else if day == nil && number.value >= 1 && number.value <= 31 && number.digits <= 2 {
        day = number.value
      } else if year == nil {
        year = number.value
      }
    }
    guard var y = year, let m = month, let d = day, (1...12).contains(m), (1...31).contains(d) else { return nil }
    if y < 50 { y += 2000 } else if y < 1000 { y += 1900 }  // RFC 5322 section 4.3
    // A year of five digits or more is no date (work dates and partitions are YYYY-MM-DD).
    guard y <= 9999 else { return nil }
    // "31 Feb" is no day: rolled over it would bill work to 3 March.
    guard CivilDate.isValid(year: y, month: m, day: d) else { return nil }
    let h = hour ?? 0
    guard (0...23).contains(h), (0...59).contains(minute), (0...60).contains(second) else { return nil }
    let days = CivilDate.days(year: y, month: m, day: d)
    let zoneOffset = offset ?? 0
    let seconds = days * 86_400 + h * 3600 + minute * 60 + min(second, 59) - Int64(zoneOffset)
    return MessageDate(secondsSinceEpoch: seconds, utcOffsetSeconds: hasZone ? zoneOffset : 0, hasZone: hasZone)
  }

  private enum Token {
    case word(String)
    case number(Int64, digits: Int)
    case time(Int64, Int64, Int64)
    case zone(minutes: Int, known: Bool)
    case isoDate(Int64, Int64, Int64)
  }

  private static func tokenize(_ raw: [UInt8]) -> [Token] {
    var tokens: [Token] = []
    var i = 0
    let n = raw.count
    func digitsRun(_ from: Int) -> Int {
      var j = from
      while j < n, raw[j] >= 0x30, raw[j] <= 0x39 { j += 1 }
      return j
    }
    func number(_ from: Int, _ to: Int) -> Int64 {
      var value: Int64 = 0
      for k in from..<min(to, from + 9) { value = value * 10 + Int64(raw[k] - 0x30) }
      return value
    }
    while i < n {
      let byte = raw[i]
      if byte == 0x28 {  // comment: skip, nested
        var depth = 0
        while i < n {
          if raw[i] == 0x28 { depth += 1 }
          if raw[i] == 0x29 { depth -= 1; if depth == 0 { i += 1; break } }
          i += 1
        }
        continue
      }
      if (byte == 0x2B || byte == 0x2D), i + 1 < n, raw[i + 1] >= 0x30, raw[i + 1] <= 0x39,
        !(tokens.isEmpty), isAfterTime(tokens)
      {
        let end = digitsRun(i + 1)
        let digits = end - (i + 1)
        var hh: Int64 = 0
        var mm: Int64 = 0
        if digits == 4 {
          hh = number(i + 1, i + 3)
          mm = number(i + 3, i + 5)
        } else if digits == 3 {  // "-600": an hour digit dropped by a sloppy mailer
          hh = number(i + 1, i + 2)
          mm = number(i + 2, i + 4)
        } else if digits <= 2 {
          hh = number(i + 1, end)
          if end + 2 < n, raw[end] == 0x3A { mm = number(end + 1, digitsRun(end + 1)) }
        } else {
          i = end
          continue
        }
        let sign = byte == 0x2D ? -1 : 1
        let minutes = sign * Int(hh * 60 + mm)
        // "-0000" means "no idea of the local zone" (RFC 5322 section 3.3).
        let known = !(byte == 0x2D && minutes == 0) && abs(minutes) < 24 * 60
        tokens.append(.zone(minutes: abs(minutes) < 24 * 60 ? minutes : 0, known: known))
        i = digitsRun(end + 1 < n && raw[end] == 0x3A ? end + 1 : end)
        continue
      }
      if byte >= 0x30 && byte <= 0x39 {
        let end = digitsRun(i)
        if end < n, raw[end] == 0x3A {  // hh:mm[:ss]
          let h = number(i, end)
          let mEnd = digitsRun(end + 1)
          let m = mEnd > end + 1 ? number(end + 1, mEnd) : 0
          var s: Int64 = 0
          var next = mEnd
          if mEnd < n, raw[mEnd] == 0x3A {
            let sEnd = digitsRun(mEnd + 1)
            s = sEnd > mEnd + 1 ? number(mEnd + 1, sEnd) : 0
            next = sEnd
          }
          if next < n, raw[next] == 0x2E { next = digitsRun(next + 1) }  // fractional seconds
          tokens.append(.time(h, m, s))
          i = next
          continue
        }
        if end - i == 4, end + 5 < n, raw[end] == 0x2D, raw[end + 3] == 0x2D {  // ISO 2025-03-04
          let mEnd = digitsRun(end + 1)
          let dEnd = digitsRun(end + 4)
          if mEnd == end + 3, dEnd == end + 6 {
            tokens.append(.isoDate(number(i, end), number(end + 1, mEnd), number(end + 4, dEnd)))
            i = dEnd
            if i < n, raw[i] == 0x54 || raw[i] == 0x74 { i += 1 }  // "T"
            continue
          }
        }
        tokens.append(.number(number(i, end), digits: end - i))
        i = end
        continue
      }
      if (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A {
        let start = i
        while i < n, (raw[i] | 0x20) >= 0x61, (raw[i] | 0x20) <= 0x7A { i += 1 }
        let word = ByteScan.lowercasedString(raw[start..<i])
        if word == "z" || word == "ut" || word == "utc" || word == "gmt" {
          tokens.append(.zone(minutes: 0, known: true))
        } else {
          tokens.append(.word(word))
        }
        continue
      }
      i += 1
    }
    return tokens
  }

  private static func isAfterTime(_ tokens: [Token]) -> Bool {
    tokens.contains {
      if case .time = $0 { return true }
      return false
    }
  }

  private static func monthNumber(_ word: String) -> Int64? {
    let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    guard word.count >= 3, let index = months.firstIndex(of: String(word.prefix(3))) else { return nil }
    return Int64(index + 1)
  }

  /// Zone names RFC 5322 section 4.3 defines (North American) plus common ones.
  private static func namedZone(_ word: String) -> Int? {
    switch word {
    case "est": return -300
    case "edt": return -240
    case "cst": return -360
    case "cdt": return -300
    case "mst": return -420
    case "mdt": return -360
    case "pst": return -480
    case "pdt": return -420
    case "bst": return 60
    case "cet", "met": return 60
    case "cest", "mest": return 120
    case "eet": return 120
    case "eest": return 180
    case "jst": return 540
    case "ist": return 330
    default: return nil
    }
  }
}
