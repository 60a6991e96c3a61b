import BillableTestSupport
import Foundation
import Synchronization
import Testing
import XCTest

/// The built binary, run from outside: output, exit codes, help text.
@Suite("billable CLI")
struct CLITests {
  @Test("parse prints one line per message and exits 0")
  func parseSample() throws {
    let result = try runBillable(["parse", "fixtures/sample/mbox", "fixtures/sample/maildir", "fixtures/sample/eml"])
    #expect(result.status == 0)
    #expect(result.stdout.split(separator: "\n").count == 24)
    #expect(result.stdout.contains("Project Falcon - kickoff and SPA review"))
    #expect(result.stderr.isEmpty)
  }

  @Test("--json prints one object per message with the oracle's fields")
  func json() throws {
    let result = try runBillable(["parse", "--json", "fixtures/mime/rfc/009-multipart-alternative.eml"])
    #expect(result.status == 0)
    let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
    for key in ["source", "message_id", "date", "from", "to", "cc", "subject", "text", "parts", "defects", "content_hash"] {
      #expect(object?[key] != nil, "missing \(key)")
    }
    #expect((object?["parts"] as? [Any])?.count == 2)
  }

  @Test("text output for a terminal carries no control characters from the mail")
  func noEscapes() throws {
    let evil = Data("From: Jane Doe <jane@doe-law.example>\nTo: bob@acme.example\nSubject: evil \u{1B}]0;pwn\u{07} title\n\nI spent 2 hours \u{1B}[31mred\u{1B}[0m on it.\n".utf8)
    let parse = try runBillable(["parse", "-"], stdin: evil)
    #expect(parse.status == 0 && parse.stdout.contains("evil  ]0;pwn  title") && !parse.stdout.contains("\u{1B}"))
    let analyze = try runBillable(["analyze", "--config", "fixtures/sample/billable.toml", "-"], stdin: evil)
    #expect(analyze.status == 0 && analyze.stdout.contains("[31mred") && !analyze.stdout.contains("\u{1B}"))
    #expect(!analyze.stdout.contains("\u{07}"))
  }

  @Test("standard input is read with -")
  func standardInput() throws {
    let bytes = try Fixtures.bytes("mime/rfc/001-plain-ascii.eml")
    let result = try runBillable(["parse", "-"], stdin: Data(bytes))
    #expect(result.status == 0)
    #expect(result.stdout.split(separator: "\n").count == 1)
    #expect(result.stdout.contains(" - "))
  }

  @Test("--count prints totals only")
  func count() throws {
    let result = try runBillable(["parse", "--count", "fixtures/sample/mbox"])
    #expect(result.status == 0)
    #expect(result.stdout.hasPrefix("billable messages=12 "))
  }

  @Test("a missing input is reported, the rest is parsed, and the exit status is 3")
  func missingInput() throws {
    let result = try runBillable(["parse", "no/such/file.mbox", "fixtures/mbox/mboxo/basic.mbox"])
    #expect(result.status == 3)
    #expect(result.stderr.contains("no/such/file.mbox: no such file or directory"))
    #expect(result.stdout.split(separator: "\n").count == 3)
  }

  @Test("a day that is not YYYY-MM-DD of the calendar is a usage error", arguments: ["2025-3-1", "2025-02-30", "2025-13-01", "2025-00-10", "20250301"])
  func badDay(_ day: String) throws {
    let scan = try runBillable(["scan", "--since", day, "--db", "/nonexistent/never-opened.sqlite", "fixtures/sample/mbox"])
    #expect(scan.status == 2)
    #expect(scan.stderr.contains("--since must be a date like 2025-03-01"))
    #expect(try runBillable(["summary", "--from", day, "--db", "/nonexistent/never-opened.sqlite"]).status == 2)
  }

  @Test("usage errors exit 2")
  func usage() throws {
    #expect(try runBillable(["parse", "--no-such-option", "x"]).status == 2)
    #expect(try runBillable(["parse", "--json", "--count", "x"]).status == 2)
    #expect(try runBillable(["no-such-command"]).status == 2)
  }

  @Test(
    "help text, word for word",
    arguments: [
      ["--help"], ["parse", "--help"], ["scan", "--help"], ["merge", "--help"], ["analyze", "--help"], ["summary", "--help"],
      ["export", "--help"], ["config", "--help"], ["cache", "--help"], ["mcp", "--help"], ["review", "--help"],
      ["review", "edit", "--help"],
    ])
  func help(_ arguments: [String]) throws {
    let result = try runBillable(arguments)
    #expect(result.status == 0)
    let name = arguments.count == 1 ? "billable" : arguments.dropLast().joined(separator: "-")
    if let difference = Golden.check(result.stdout, against: "e2e/help/\(name).txt") {
      Issue.record(Comment(rawValue: difference))
    }
  }
}

/// `billable config` from outside: init, set (comments kept), get, validate, and errors.
@Suite("billable config")
struct ConfigCommandTests {
  @Test("init, set, get and validate")
  func roundTrip() throws {
    let scratch = try Scratch()
    let file = scratch.path("billable.toml")
    #expect(try runBillable(["config", "init", "--config", file]).status == 0)
    #expect(try runBillable(["config", "init", "--config", file]).status == 2)  // never overwrites silently
    let set = try runBillable(["config", "set", "--config", file, "billing.increment_minutes", "15"])
    #expect(set.status == 0, "\(set.stderr)")
    let text = try scratch.read("billable.toml")
    #expect(text.contains("increment_minutes = 15  # bill in tenths of an hour"))
    #expect(text.contains("# billable.toml: who bills"))
    #expect(try runBillable(["config", "get", "--config", file, "billing.increment_minutes"]).stdout == "15\n")
    #expect(try runBillable(["config", "get", "--config", file, "billing.read_words_per_minute"]).stdout == "240\n")
    let validate = try runBillable(["config", "validate", "--config", file])
    #expect(validate.status == 0)
    #expect(validate.stdout.contains("ok (1 timekeeper(s), 1 client(s), 1 matter(s))"))
    let bad = try runBillable(["config", "set", "--config", file, "billing.rounding", "down"])
    #expect(bad.status == 2)
    #expect(bad.stderr.contains("key 'billing.rounding': expected \"up\" or \"nearest\", found \"down\""))
    #expect(try scratch.read("billable.toml") == text)  // nothing written
  }

  @Test("set from several processes at once: every change lands")
  func concurrentSets() throws {
    let scratch = try Scratch()
    let file = scratch.path("billable.toml")
    try FileManager.default.copyItem(atPath: Fixtures.url("sample/billable.toml").path, toPath: file)
    let changes = [
      ("client.ACME.rate", "401"), ("client.GLOBEX.rate", "402"), ("billing.currency", "EUR"),
      ("billing.default_rate", "403"), ("timekeeper.name", "Jane Q. Doe"), ("billing.increment_minutes", "12"),
    ]
    let statuses = Mutex([Int32](repeating: -1, count: changes.count))
    DispatchQueue.concurrentPerform(iterations: changes.count) { index in
      let status = (try? runBillable(["config", "set", "--config", file, changes[index].0, changes[index].1]))?.status ?? -1
      statuses.withLock { $0[index] = status }
    }
    #expect(statuses.withLock { $0 } == Array(repeating: 0, count: changes.count))
    let shown = try runBillable(["config", "get", "--config", file, "client.ACME.rate"]).stdout
    #expect(shown == "401.0\n")
    for (key, value) in changes.dropFirst() {
      let got = try runBillable(["config", "get", "--config", file, key]).stdout
      #expect(got.contains(value), "\(key): \(got)")
    }
  }

  @Test("a bad file names the file, line and key and exits 2")
  func badFile() throws {
    let result = try runBillable(["config", "validate", "--config", "fixtures/config/invalid/wrong-type-int.toml"])
    #expect(result.status == 2)
    #expect(result.stderr.contains("fixtures/config/invalid/wrong-type-int.toml:10: key 'billing.increment_minutes'"))
  }
}

/// XCTest sees at least one test, so the runner's summary counts something (Swift Testing's
/// results print separately).
final class CLIVersionTests: XCTestCase {
  func testVersion() throws {
    let result = try runBillable(["--version"])
    XCTAssertEqual(result.status, 0)
    XCTAssertEqual(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "0.1.0")
  }
}
