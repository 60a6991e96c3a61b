import Foundation

/// Requests per minute, exactly: a sliding window of send times, shared by every worker. A
/// request waits until fewer than `limit` were sent in the last 60 seconds, so no 60-second
/// window ever holds more than `limit` (a token bucket allows bursts over the window).
package actor RateLimiter {
  let limit: Int
  let window: Double
  private var sent: [Double] = []  // monotonic seconds, oldest first

  package init(requestsPerMinute: Int, window: Double = 60) {
    self.limit = max(1, requestsPerMinute)
    self.window = window
  }

  /// Waits for a slot and records the send.
  package func acquire() async {
    while true {
      let now = Self.now()
      while let first = sent.first, now - first >= window { sent.removeFirst() }
      if sent.count < limit {
        sent.append(now)
        return
      }
      let wait = (sent[0] + window) - now
      try? await Task.sleep(nanoseconds: UInt64(max(0.001, wait) * 1_000_000_000))
    }
  }

  static func now() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
  }
}

/// At most `permits` requests in flight.
package actor ConcurrencyLimiter {
  private var available: Int
  private var waiters: [CheckedContinuation<Void, Never>] = []

  package init(permits: Int) {
    available = max(1, permits)
  }

  package func acquire() async {
    if available > 0 {
      available -= 1
      return
    }
    await withCheckedContinuation { waiters.append($0) }
  }

  package func release() {
    if waiters.isEmpty {
      available += 1
    } else {
      waiters.removeFirst().resume()
    }
  }
}

/// Exponential backoff with full jitter (a random wait between 0 and base·2^attempt, capped),
/// and never shorter than the server's Retry-After.
package struct Backoff: Sendable {
  package var base: Double = 0.5
  package var cap: Double = 30

  package init(base: Double = 0.5, cap: Double = 30) {
    self.base = base
    self.cap = cap
  }

  package func delay(attempt: Int, retryAfter: Double?) -> Double {
    let ceiling = min(cap, base * pow(2, Double(attempt)))
    let jittered = Double.random(in: 0...ceiling)
    return max(jittered, min(retryAfter ?? 0, 120))
  }

  /// `Retry-After` as seconds (a number, or an HTTP date).
  package static func retryAfter(_ value: String?) -> Double? {
    guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
    if let seconds = Double(value) { return max(0, seconds) }
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "GMT")
    formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
    guard let date = formatter.date(from: value) else { return nil }
    return max(0, date.timeIntervalSinceNow)
  }
}

/// Closed → (N consecutive failures) → open: calls fail fast for `cooldown` seconds → half-open:
/// one trial call; success closes, failure opens again.
package actor CircuitBreaker {
  package enum State: String, Sendable { case closed, open, halfOpen = "half-open" }

  let threshold: Int
  let cooldown: Double
  private(set) var state = State.closed
  private var failures = 0
  private var openedAt = 0.0
  private var trialInFlight = false
  /// Every transition, for stats and tests.
  package private(set) var transitions: [State] = []

  package init(failures: Int, cooldownSeconds: Double) {
    threshold = max(1, failures)
    cooldown = cooldownSeconds
  }

  /// Whether a call may go out now.
  package func allow() -> Bool {
    switch state {
    case .closed: return true
    case .open:
      if RateLimiter.now() - openedAt >= cooldown {
        move(to: .halfOpen)
        trialInFlight = true
        return true
      }
      return false
    case .halfOpen:
      if trialInFlight { return false }
      trialInFlight = true
      return true
    }
  }

  package func succeeded() {
    failures = 0
    trialInFlight = false
    if state != .closed { move(to: .closed) }
  }

  package func failed() {
    trialInFlight = false
    failures += 1
    if state == .halfOpen || failures >= threshold {
      openedAt = RateLimiter.now()
      if state != .open { move(to: .open) }
    }
  }

  package var current: State { state }

  private func move(to next: State) {
    state = next
    transitions.append(next)
  }
}
