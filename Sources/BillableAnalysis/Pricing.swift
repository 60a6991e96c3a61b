import BillableConfig
import BillableModel

/// Rounding to the billing increment and the rate that applies: kept apart from analysis so a
/// change of rate or increment re-prices without re-analysing.
package struct Pricing: Sendable {
  package var configuration: Configuration

  package init(configuration: Configuration) {
    self.configuration = configuration
  }

  /// Billed minutes for `minutes` of work: rounded up (or to the nearest increment), and never
  /// below the minimum (one increment by default). Zero stays zero.
  package func billedMinutes(_ minutes: Double) -> Int {
    guard minutes > 0, minutes.isFinite else { return 0 }
    // No entry is longer than a day (the analyzers clamp); this only keeps the Int conversion safe.
    let minutes = min(minutes, 1_000_000)
    let billing = configuration.billing
    let increment = Double(max(1, billing.incrementMinutes))
    // Tolerate floating noise: 0.1 h written as 6.000000001 minutes is one increment.
    let units = minutes / increment
    let rounded: Double
    switch billing.rounding {
    case .up: rounded = (units - 1e-9).rounded(.up)
    case .nearest: rounded = units.rounded(.toNearestOrAwayFromZero)
    }
    return max(Int(rounded * increment), billing.minimumMinutes, billing.rounding == .up ? Int(increment) : 0)
  }

  /// Hours as billed, to two decimals (0.1 for 6 minutes).
  package func hours(billedMinutes: Int) -> Double {
    (Double(billedMinutes) / 60 * 100).rounded() / 100
  }

  /// The hourly rate: the matter's, else the client's, else the timekeeper's, else the default.
  package func rate(client: String?, matter: String?, timekeeper: String) -> Double {
    if let matter, let rate = configuration.matter(matter)?.rate { return rate }
    if let client, let rate = configuration.client(client)?.rate { return rate }
    if let rate = configuration.timekeepers.first(where: { $0.id == timekeeper })?.rate { return rate }
    return configuration.billing.defaultRate
  }

  /// What `minutes` of work for this client, matter and timekeeper bill.
  package struct Price: Sendable, Hashable {
    package var billedMinutes: Int
    package var hours: Double
    package var rate: Double
    package var amount: Double
    /// The matter's UTBMS task code, if configured.
    package var taskCode: String?
  }

  package func price(minutes: Double, client: String?, matter: String?, timekeeper: String) -> Price {
    let billed = billedMinutes(minutes)
    let hours = hours(billedMinutes: billed)
    let rate = rate(client: client, matter: matter, timekeeper: timekeeper)
    return Price(
      billedMinutes: billed, hours: hours, rate: rate, amount: amount(hours: hours, rate: rate),
      taskCode: matter.flatMap { configuration.matter($0)?.taskCode })
  }

  /// hours × rate, to the cent.
  package func amount(hours: Double, rate: Double) -> Double {
    (hours * rate * 100).rounded() / 100
  }
}
