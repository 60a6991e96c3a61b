import BillableModel
import Foundation

/// A hand-written reader of the iCalendar (RFC 5545) parts the parser kept: just what billing
/// needs from VEVENTs.
///
/// Handles line unfolding, parameters (`DTSTART;TZID=America/New_York:…`), UTC, floating
/// and zoned times, all-day dates, DURATION, METHOD, STATUS, UID, SEQUENCE and declines. Zone names
/// are looked up in the system time-zone database; Outlook's Windows names ("Eastern Standard
/// Time") are mapped to IANA ones; an unknown zone falls back to the timekeeper's.
package enum CalendarReader {
  package struct Event: Sendable, Hashable {
    package var uid: String
    package var sequence: Int
    package var method: String
    package var isCancelled: Bool
    package var summary: String
    package var start: Date?
    package var end: Date?
    package var isAllDay: Bool
    /// For an all-day event, its first day (`YYYY-MM-DD`).
    package var allDayDate: String?
    /// Organizer and attendees, lowercased addresses.
    package var participants: [String]
    /// Attendees whose PARTSTAT is DECLINED (a REPLY saying "I will not come").
    package var declined: [String] = []

    package var minutes: Double? {
      guard let start, let end, end > start else { return nil }
      return end.timeIntervalSince(start) / 60
    }
  }

  /// The events in one calendar part. `fallbackZone` is used for floating times and unknown zones.
  package static func events(in text: String, method contentTypeMethod: String?, fallbackZone: TimeZone) -> [Event] {
    let lines = unfold(text)
    var method = contentTypeMethod?.uppercased() ?? ""
    var events: [Event] = []
    var current: Event? = nil
    var durationText: String? = nil
    var depth = 0  // nested components inside a VEVENT (VALARM) are skipped
    for line in lines {
      let (name, parameters, value) = split(line)
      switch name {
      case "METHOD" where current == nil:
        method = value.uppercased()
      case "BEGIN":
        if value.uppercased() == "VEVENT" && current == nil {
          current = Event(
            uid: "", sequence: 0, method: method, isCancelled: method == "CANCEL", summary: "", start: nil, end: nil,
            isAllDay: false, allDayDate: nil, participants: [])
          durationText = nil
        } else if current != nil {
          depth += 1
        }
      case "END":
        if current != nil && depth > 0 {
          depth -= 1
        } else if value.uppercased() == "VEVENT", var event = current {
          if event.end == nil, let start = event.start, let durationText, let seconds = parseDuration(durationText) {
            event.end = start.addingTimeInterval(seconds)
          }
          event.method = method
          if method == "CANCEL" { event.isCancelled = true }
          events.append(event)
          current = nil
        }
      default:
        guard current != nil, depth == 0 else { continue }
        switch name {
        case "UID": current?.uid = value
        case "SEQUENCE": current?.sequence = Int(value.trimmingCharacters(in: .whitespaces)) ?? 0
        case "SUMMARY": current?.summary = unescape(value)
        case "STATUS": if value.uppercased() == "CANCELLED" { current?.isCancelled = true }
        case "DTSTART":
          let parsed = parseDateTime(value, parameters: parameters, fallbackZone: fallbackZone)
          current?.start = parsed.date
          if parsed.isDate {
            current?.isAllDay = true
            current?.allDayDate = parsed.dayString
          }
        case "DTEND":
          current?.end = parseDateTime(value, parameters: parameters, fallbackZone: fallbackZone).date
        case "DURATION": durationText = value
        case "ORGANIZER", "ATTENDEE":
          let address = value.lowercased().replacingOccurrences(of: "mailto:", with: "")
          if address.contains("@") {
            current?.participants.append(address)
            if name == "ATTENDEE", parameters["PARTSTAT"]?.uppercased() == "DECLINED" { current?.declined.append(address) }
          }
        default: break
        }
      }
    }
    return events
  }

  /// RFC 5545 section 3.1: a line break followed by a space or tab continues the line.
  static func unfold(_ text: String) -> [String] {
    var lines: [String] = []
    for raw in text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
      var line = String(raw)
      if line.hasSuffix("\r") { line.removeLast() }
      if let first = line.first, first == " " || first == "\t", !lines.isEmpty {
        lines[lines.count - 1] += line.dropFirst()
      } else {
        lines.append(line)
      }
    }
    return lines
  }

  /// `NAME;PARAM=V;PARAM2="V2":value` → (NAME, params, value). Colons inside quoted parameters
  /// do not end the name.
  static func split(_ line: String) -> (String, [String: String], String) {
    var inQuotes = false
    var colon: String.Index? = nil
    for index in line.indices {
      let character = line[index]
      if character == "\"" { inQuotes.toggle() }
      if character == ":" && !inQuotes {
        colon = index
        break
      }
    }
    guard let colon else { return (line.uppercased(), [:], "") }
    let head = line[..<colon]
    let value = String(line[line.index(after: colon)...])
    var pieces = head.split(separator: ";").map(String.init)
    let name = pieces.isEmpty ? "" : pieces.removeFirst().uppercased()
    var parameters: [String: String] = [:]
    for piece in pieces {
      guard let equals = piece.firstIndex(of: "=") else { continue }
      var parameterValue = String(piece[piece.index(after: equals)...])
      if parameterValue.hasPrefix("\"") && parameterValue.hasSuffix("\"") && parameterValue.count >= 2 {
        parameterValue = String(parameterValue.dropFirst().dropLast())
      }
      parameters[piece[..<equals].uppercased()] = parameterValue
    }
    return (name, parameters, value)
  }

  private static func unescape(_ text: String) -> String {
    text.replacingOccurrences(of: "\\n", with: " ").replacingOccurrences(of: "\\N", with: " ")
      .replacingOccurrences(of: "\\,", with: ",").replacingOccurrences(of: "\\;", with: ";")
      .replacingOccurrences(of: "\\\\", with: "\\")
  }

  struct ParsedTime {
    var date: Date?
    var isDate: Bool
    var dayString: String?
  }

  /// `20250306T140000Z`, `20250306T140000` (+TZID or floating), `20250306` (VALUE=DATE).
  static func parseDateTime(_ raw: String, parameters: [String: String], fallbackZone: TimeZone) -> ParsedTime {
    let value = raw.trimmingCharacters(in: .whitespaces)
    let digits = value.filter(\.isNumber)
    let unreadable = ParsedTime(date: nil, isDate: false, dayString: nil)
    // RFC 5545: YYYYMMDD, or YYYYMMDDTHHMMSS with an optional Z. Anything else, or a day
    // that is not on the calendar (February 30, month 13, hour 25), is no time at all:
    // rolling it over would bill a meeting on a day nobody named.
    let shape = value.hasSuffix("Z") ? value.dropLast() : Substring(value)
    guard shape.count == 8 || (shape.count == 15 && shape[shape.index(shape.startIndex, offsetBy: 8)] == "T"),
      digits.count == shape.count - (shape.count == 15 ? 1 : 0),
      let year = Int(digits.prefix(4)), let month = Int(digits.dropFirst(4).prefix(2)),
      let day = Int(digits.dropFirst(6).prefix(2)),
      (1970...2200).contains(year), CivilDate.isValid(year: Int64(year), month: Int64(month), day: Int64(day))
    else { return unreadable }
    var components = DateComponents()
    components.year = year
    components.month = month
    components.day = day
    let isDate = parameters["VALUE"]?.uppercased() == "DATE" || !value.contains("T")
    if isDate {
      var calendar = Calendar(identifier: .gregorian)
      calendar.timeZone = fallbackZone
      let dayString = String(format: "%04d-%02d-%02d", year, month, day)
      return ParsedTime(date: calendar.date(from: components), isDate: true, dayString: dayString)
    }
    let time = digits.dropFirst(8)
    guard let hour = Int(time.prefix(2)), let minute = Int(time.dropFirst(2).prefix(2)),
      let second = Int(time.dropFirst(4).prefix(2)), hour <= 23, minute <= 59, second <= 60
    else { return unreadable }
    components.hour = hour
    components.minute = minute
    components.second = min(second, 59)
    var zone = fallbackZone
    if value.hasSuffix("Z") {
      zone = TimeZone(identifier: "UTC") ?? fallbackZone
    } else if let tzid = parameters["TZID"] {
      zone = timeZone(named: tzid) ?? fallbackZone
    }
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = zone
    return ParsedTime(date: calendar.date(from: components), isDate: false, dayString: nil)
  }

  /// An IANA zone, a Windows zone name, or a TZID with a vendor prefix (`/mozilla.org/…/Europe/Paris`).
  static func timeZone(named name: String) -> TimeZone? {
    if let zone = TimeZone(identifier: name) { return zone }
    if let mapped = windowsZones[name], let zone = TimeZone(identifier: mapped) { return zone }
    // "/mozilla.org/20050126_1/America/New_York", "(UTC-05:00) Eastern Time (US & Canada)"
    let parts = name.split(separator: "/")
    if parts.count >= 2, let zone = TimeZone(identifier: parts.suffix(2).joined(separator: "/")) { return zone }
    for (windows, iana) in windowsZones where name.contains(windows) { return TimeZone(identifier: iana) }
    return nil
  }

  static let windowsZones: [String: String] = [
    "Eastern Standard Time": "America/New_York", "Central Standard Time": "America/Chicago",
    "Mountain Standard Time": "America/Denver", "Pacific Standard Time": "America/Los_Angeles",
    "US Mountain Standard Time": "America/Phoenix", "Alaskan Standard Time": "America/Anchorage",
    "Hawaiian Standard Time": "Pacific/Honolulu", "Atlantic Standard Time": "America/Halifax",
    "GMT Standard Time": "Europe/London", "Greenwich Standard Time": "Atlantic/Reykjavik",
    "W. Europe Standard Time": "Europe/Berlin", "Romance Standard Time": "Europe/Paris",
    "Central Europe Standard Time": "Europe/Budapest", "Central European Standard Time": "Europe/Warsaw",
    "E. Europe Standard Time": "Europe/Chisinau", "FLE Standard Time": "Europe/Kiev", "GTB Standard Time": "Europe/Bucharest",
    "Russian Standard Time": "Europe/Moscow", "India Standard Time": "Asia/Kolkata", "China Standard Time": "Asia/Shanghai",
    "Tokyo Standard Time": "Asia/Tokyo", "Korea Standard Time": "Asia/Seoul", "Singapore Standard Time": "Asia/Singapore",
    "AUS Eastern Standard Time": "Australia/Sydney", "New Zealand Standard Time": "Pacific/Auckland",
    "UTC": "UTC", "Coordinated Universal Time": "UTC",
  ]

  /// RFC 5545 DURATION: `PT1H30M`, `P1D`, `-PT15M`, `P1W`.
  static func parseDuration(_ text: String) -> TimeInterval? {
    var value = text.trimmingCharacters(in: .whitespaces).uppercased()
    var sign = 1.0
    if value.hasPrefix("-") { sign = -1; value.removeFirst() } else if value.hasPrefix("+") { value.removeFirst() }
    guard value.hasPrefix("P") else { return nil }
    value.removeFirst()
    var total = 0.0
    var number = ""
    var inTime = false
    for character in value {
      if character.isNumber {
        // No meeting lasts a billion seconds: a longer figure is a broken or hostile file.
        guard number.count < 9 else { return nil }
        number.append(character)
        continue
      }
      let amount = Double(number) ?? 0
      number = ""
      switch character {
      case "T": inTime = true
      case "W": total += amount * 7 * 86_400
      case "D": total += amount * 86_400
      case "H" where inTime: total += amount * 3600
      case "M" where inTime: total += amount * 60
      case "S" where inTime: total += amount
      default: return nil
      }
    }
    return sign * total
  }
}
