import BillableTestSupport
import Foundation
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

  @Test("usage errors exit 2")
  func usage() throws {
    #expect(try runBillable(["parse", "--no-such-option", "x"]).status == 2)
    #expect(try runBillable(["parse", "--json", "--count", "x"]).status == 2)
    #expect(try runBillable(["no-such-command"]).status == 2)
  }

  @Test(
    "help text, word for word",
    arguments: [
      ["--help"], ["parse", "--help"], ["scan", "--help"], ["analyze", "--help"], ["summary", "--help"],
      ["export", "--help"], ["config", "--help"], ["cache", "--help"],
    ])
  func help(_ arguments: [String]) throws {
    let result = try runBillable(arguments)
    #expect(result.status == 0)
    let name = arguments.count == 1 ? "billable" : arguments[0]
    if let difference = Golden.check(result.stdout, against: "e2e/help/\(name).txt") {
      Issue.record(Comment(rawValue: difference))
    }
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
