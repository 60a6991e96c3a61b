/// Proleptic Gregorian dates as days since 1970-01-01, without Foundation (Howard Hinnant's
/// algorithms): the parser turns header dates into instants with them and the reports turn
/// work dates into ISO weeks.
package enum CivilDate {
  /// Days since the epoch of `year`-`month`-`day`.
  package static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let mp = (month + 9) % 12
    let doy = (153 * mp + 2) / 5 + day - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return era * 146_097 + doe - 719_468
  }

  /// Whether `year`-`month`-`day` is a day of the calendar ("31 Feb" is not).
  package static func isValid(year: Int64, month: Int64, day: Int64) -> Bool {
    (1...12).contains(month) && day >= 1 && date(fromDays: days(year: year, month: month, day: day)) == (year, month, day)
  }

  /// (year, month, day) of a day number.
  package static func date(fromDays z0: Int64) -> (year: Int64, month: Int64, day: Int64) {
    let z = z0 + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let doe = z - era * 146_097
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
    let y = yoe + era * 400
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let d = doy - (153 * mp + 2) / 5 + 1
    let m = mp < 10 ? mp + 3 : mp - 9
    return (m <= 2 ? y + 1 : y, m, d)
  }
}
