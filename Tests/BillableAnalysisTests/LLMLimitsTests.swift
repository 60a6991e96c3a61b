import Foundation
import Testing

@testable import BillableAnalysis

/// The LLM client's limits, on their own clock-sized windows.
@Suite("LLM limits")
struct LLMLimitsTests {
  @Test("the rate limiter never lets more than the limit into any window")
  func rateLimit() async {
    let limiter = RateLimiter(requestsPerMinute: 5, window: 0.5)
    var times: [Double] = []
    for _ in 0..<12 {
      await limiter.acquire()
      times.append(RateLimiter.now())
    }
    for (index, time) in times.enumerated() {
      let inWindow = times[index...].filter { $0 - time < 0.5 - 0.005 }.count
      #expect(inWindow <= 5)
    }
    #expect((times.last ?? 0) - (times.first ?? 0) >= 1.0 - 0.05)  // 12 sends at 5 per 0.5 s need 2 refills
  }

  @Test("the concurrency limiter bounds work in flight")
  func concurrency() async {
    let limiter = ConcurrencyLimiter(permits: 3)
    let counter = Counter()
    await withTaskGroup(of: Void.self) { group in
      for _ in 0..<12 {
        group.addTask {
          await limiter.acquire()
          await counter.enter()
          try? await Task.sleep(nanoseconds: 20_000_000)
          await counter.leave()
          await limiter.release()
        }
      }
    }
    #expect(await counter.maximum == 3)
  }

  actor Counter {
    var current = 0
    var maximum = 0
    func enter() {
      current += 1
      maximum = max(maximum, current)
    }
    func leave() { current -= 1 }
  }

  @Test("backoff: full jitter under the cap, never shorter than Retry-After")
  func backoff() {
    let backoff = Backoff(base: 0.5, cap: 4)
    for attempt in 0..<8 {
      let delay = backoff.delay(attempt: attempt, retryAfter: nil)
      #expect(delay >= 0 && delay <= min(4, 0.5 * pow(2, Double(attempt))))
    }
    #expect(backoff.delay(attempt: 0, retryAfter: 3) >= 3)
    #expect(Backoff.retryAfter("2") == 2)
    #expect(Backoff.retryAfter("soon") == nil)
    let future = Date().addingTimeInterval(30)
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "GMT")
    formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
    let seconds = Backoff.retryAfter(formatter.string(from: future)) ?? 0
    #expect(seconds > 25 && seconds <= 30)
  }

  @Test("the breaker opens after N failures, half-opens after the cool-down, closes on success")
  func breaker() async throws {
    let breaker = CircuitBreaker(failures: 2, cooldownSeconds: 0.2)
    #expect(await breaker.allow())
    await breaker.failed()
    #expect(await breaker.current == .closed)
    await breaker.failed()
    #expect(await breaker.current == .open)
    #expect(await !breaker.allow())
    try await Task.sleep(nanoseconds: 250_000_000)
    #expect(await breaker.allow())  // the trial call
    #expect(await breaker.current == .halfOpen)
    #expect(await !breaker.allow())  // only one trial at a time
    await breaker.failed()
    #expect(await breaker.current == .open)
    try await Task.sleep(nanoseconds: 250_000_000)
    #expect(await breaker.allow())
    await breaker.succeeded()
    #expect(await breaker.current == .closed)
    #expect(await breaker.transitions == [.open, .halfOpen, .open, .halfOpen, .closed])
  }
}
