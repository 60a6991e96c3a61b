import BillableTestSupport
import Foundation
import Testing

/// A scratch folder per test, removed afterwards.
final class Scratch {
  let url: URL
  init() throws {
    url = FileManager.default.temporaryDirectory.appendingPathComponent("billable-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  }
  deinit { try? FileManager.default.removeItem(at: url) }
  func path(_ name: String) -> String { url.appendingPathComponent(name).path }
  func read(_ name: String) throws -> String { try String(contentsOfFile: path(name), encoding: .utf8) }
}

/// `billable scan` end to end on the bundled sample.
@Suite("billable scan", .serialized)
struct ScanTests {
  static let sample = ["fixtures/sample/mbox", "fixtures/sample/maildir", "fixtures/sample/eml"].map {
    Fixtures.root.appendingPathComponent($0).path
  }
  static let config = Fixtures.url("sample/billable.toml").path

  func scan(_ scratch: Scratch, _ extra: [String] = [], inputs: [String] = sample, environment: [String: String] = [:])
    throws -> CommandResult
  {
    try runBillable(
      ["scan", "--config", Self.config, "--db", scratch.path("b.sqlite"), "--out", scratch.path("reports"), "--quiet"] + extra
        + inputs, environment: environment)
  }

  func entriesFile(_ scratch: Scratch) throws -> String {
    try scratch.read("reports/entries/month=2025-03/part-00000.csv")
  }

  @Test("the dataset has every file, the entries columns in order, and duplicates analysed once")
  func dataset() throws {
    let scratch = try Scratch()
    let result = try scan(scratch)
    #expect(result.status == 0, "\(result.stderr)")
    for file in [
      "entries/_schema.json", "entries/month=2025-03/part-00000.csv", "entry_sources.csv", "messages.csv",
      "summary_by_matter.csv", "summary_by_day.csv", "summary_by_week.csv", "errors.csv", "run.json",
    ] {
      #expect(FileManager.default.fileExists(atPath: scratch.path("reports/" + file)), "missing \(file)")
    }
    let header = try entriesFile(scratch).split(separator: "\n").first.map(String.init)
    #expect(
      header
        == "entry_id,message_id,content_hash,source,thread_id,sent_at,work_date,timekeeper,direction,client,matter,activity_code,task_code,basis,minutes,hours,rate,amount,currency,narrative,evidence,confidence,analyzer,message_count"
    )
    // 24 message copies, 20 unique: messages.csv has one row per unique message.
    let messages = try scratch.read("reports/messages.csv").split(separator: "\n")
    #expect(messages.count == 21)
    let run = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: scratch.path("reports/run.json")))) as? [String: Any]
    let thisRun = run?["this_run"] as? [String: Any]
    #expect(thisRun?["messages_read"] as? Int == 24)
    #expect(thisRun?["unique_analysed"] as? Int == 20)
    #expect(thisRun?["duplicates"] as? Int == 4)
  }

  @Test("review: approvals, edits and rejections survive a re-scan; export --approved bills only them")
  func review() throws {
    let scratch = try Scratch()
    #expect(try scan(scratch).status == 0)
    let db = ["--db", scratch.path("b.sqlite")]
    let drafts = try runBillable(["review", "list", "--format", "csv"] + db)
    #expect(drafts.status == 0, "\(drafts.stderr)")
    // entry_id, status, work_date, timekeeper, client, matter, activity_code, basis, hours, …
    let rows = drafts.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
    let explicit = rows.filter { $0[7] == "explicit" }.map { String($0[0]) }
    let estimated = rows.filter { $0[7] == "estimated" }.map { String($0[0]) }
    #expect(explicit.count == 4 && !estimated.isEmpty)

    let approve = try runBillable(["review", "approve", String(explicit[0].prefix(10)), "--by", "jd"] + db)
    #expect(approve.status == 0 && approve.stdout == "approved 1 entry\n", "\(approve.stdout)\(approve.stderr)")
    let edit = try runBillable(
      ["review", "edit", explicit[1], "--hours", "0.8", "--narrative", "Revise exclusivity clause", "--config", Self.config]
        + db)
    #expect(edit.status == 0, "\(edit.stderr)")
    #expect(try runBillable(["review", "reject", estimated[0], "--note", "courtesy copy"] + db).status == 0)
    let unknown = try runBillable(["review", "approve", "ffffffffff"] + db)
    #expect(unknown.status == 1 && unknown.stderr.contains("no entry has an id that starts with 'ffffffffff'"))
    #expect(try runBillable(["review", "approve"] + db).status == 2)

    // The nightly re-scan, with a new rate: drafts are re-priced, reviewed entries are not.
    let config = try String(contentsOfFile: Self.config, encoding: .utf8).replacingOccurrences(
      of: "rate = 350.0", with: "rate = 400.0")
    try config.write(toFile: scratch.path("rate.toml"), atomically: true, encoding: .utf8)
    #expect(try scan(scratch, ["--config", scratch.path("rate.toml")]).status == 0)
    let reviewed = try runBillable(["review", "list", "--status", "reviewed", "--format", "json"] + db)
    let objects = try JSONSerialization.jsonObject(with: Data(reviewed.stdout.utf8)) as? [[String: Any]] ?? []
    let byID = Dictionary(uniqueKeysWithValues: objects.map { ($0["entry_id"] as? String ?? "", $0) })
    #expect(byID[explicit[0]]?["status"] as? String == "approved")
    #expect(byID[explicit[1]]?["status"] as? String == "edited")
    #expect(byID[explicit[1]]?["hours"] as? Double == 0.8)
    #expect(byID[explicit[1]]?["narrative"] as? String == "Revise exclusivity clause")
    #expect(byID[estimated[0]]?["status"] as? String == "rejected")

    let export = try runBillable(["export", "--approved", "--format", "csv"] + db)
    let exported = export.stdout.split(separator: "\n").dropFirst().map { String($0.prefix(32)) }
    #expect(Set(exported) == Set([explicit[0], explicit[1]]))
    let all = try runBillable(["export", "--format", "csv"] + db).stdout
    #expect(!all.contains(estimated[0]), "a rejected entry is not exported")
    #expect(!(try entriesFile(scratch)).contains(estimated[0]), "nor written to the dataset")

    let history = try runBillable(["review", "history"] + db)
    #expect(history.stdout.contains("jd  approve  \(explicit[0])  status: draft -> approved"))
    #expect(history.stdout.contains("edit  \(explicit[1])  hours: "))
    #expect(history.stdout.contains("reject  \(estimated[0])  status: draft -> rejected  (courtesy copy)"))

    // A narrative comes from a Subject: an escape sequence in it must not reach the terminal.
    #expect(try runBillable(["review", "edit", explicit[0], "--narrative", "evil \u{1B}[31mred", "--config", Self.config] + db).status == 0)
    let table = try runBillable(["review", "list", "--status", "all"] + db).stdout
    #expect(table.contains("evil  [31mred") && !table.contains("\u{1B}"))
  }

  @Test("a second scan writes identical entries files and calls no analyzer")
  func rerunIsIdentical() throws {
    let scratch = try Scratch()
    #expect(try scan(scratch).status == 0)
    let first = try entriesFile(scratch)
    let firstSources = try scratch.read("reports/entry_sources.csv")
    #expect(try scan(scratch, ["--jobs", "1", "--batch-size", "3"]).status == 0)
    #expect(try entriesFile(scratch) == first)
    #expect(try scratch.read("reports/entry_sources.csv") == firstSources)
    let run = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: scratch.path("reports/run.json")))) as? [String: Any]
    #expect((run?["this_run"] as? [String: Any])?["cache_misses"] as? Int == 0)
    #expect((run?["this_run"] as? [String: Any])?["unique_analysed"] as? Int == 0)
  }

  @Test("a rate change on the same store re-prices without re-analysing")
  func repriceOnSameStore() throws {
    let scratch = try Scratch()
    #expect(try scan(scratch).status == 0)
    #expect(try !entriesFile(scratch).contains(",400.00,"))
    let config = try String(contentsOfFile: Self.config, encoding: .utf8).replacingOccurrences(of: "rate = 350.0", with: "rate = 400.0")
    try config.write(toFile: scratch.path("rate.toml"), atomically: true, encoding: .utf8)
    let result = try runBillable(
      ["scan", "--config", scratch.path("rate.toml"), "--db", scratch.path("b.sqlite"), "--out", scratch.path("reports"), "--quiet"]
        + Self.sample)
    #expect(result.status == 0)
    #expect(try entriesFile(scratch).contains(",400.00,"))
    #expect(try readRun(scratch)["unique_analysed"] as? Int == 0)
  }

  @Test("different --jobs and --batch-size give the same bytes")
  func determinism() throws {
    let a = try Scratch()
    let b = try Scratch()
    #expect(try scan(a, ["--jobs", "1", "--batch-size", "1"]).status == 0)
    #expect(try scan(b, ["--jobs", "8", "--batch-size", "50"]).status == 0)
    #expect(try entriesFile(a) == entriesFile(b))
    #expect(try a.read("reports/entries/_schema.json") == b.read("reports/entries/_schema.json"))
  }

  @Test("the stores of a sharded scan merge into what one scan writes", arguments: [2, 3])
  func shardsMerge(shards: Int) throws {
    let single = try Scratch()
    let missing = single.path("missing.mbox")
    #expect(try scan(single, inputs: Self.sample + [missing]).status == 3)
    let scratch = try Scratch()
    var stores: [String] = []
    for shard in 1...shards {
      let store = scratch.path("shard\(shard).sqlite")
      stores.append(store)
      let result = try runBillable(
        ["scan", "--config", Self.config, "--db", store, "--out", scratch.path("out\(shard)"), "--quiet", "--shard", "\(shard)/\(shards)"]
          + Self.sample + [missing])
      #expect(result.status == 3)
    }
    let merged = try runBillable(
      ["merge", "--config", Self.config, "--db", scratch.path("b.sqlite"), "--out", scratch.path("reports"), "--quiet"] + stores)
    #expect(merged.status == 0, "\(merged.stderr)")
    for file in ["entries/month=2025-03/part-00000.csv", "entries/_schema.json", "entry_sources.csv", "messages.csv",
      "summary_by_matter.csv", "summary_by_day.csv", "summary_by_week.csv"]
    {
      #expect(try scratch.read("reports/" + file) == single.read("reports/" + file), "\(file)")
    }
    // Every shard failed to read the missing file; the merged store records it once.
    #expect(try scratch.read("reports/errors.csv").components(separatedBy: "missing.mbox").count == 2)
    // Merging a shard again adds nothing and changes no entry.
    #expect(try runBillable(["merge", "--config", Self.config, "--db", scratch.path("b.sqlite"), "--out", scratch.path("again"), "--quiet", stores[0]]).status == 0)
    #expect(try scratch.read("again/entries/month=2025-03/part-00000.csv") == single.read("reports/entries/month=2025-03/part-00000.csv"))
    // A store cannot be merged into itself, and what is not a store is refused by name.
    let into = try runBillable(["merge", "--config", Self.config, "--db", stores[0], "--out", scratch.path("x"), stores[0]])
    #expect(into.status == 1 && into.stderr.contains("into itself"))
    let foreign = try runBillable(["merge", "--config", Self.config, "--db", scratch.path("b.sqlite"), "--out", scratch.path("x"), Self.config])
    #expect(foreign.status == 1 && foreign.stderr.contains(Self.config))
  }

  @Test("a scan killed after a batch resumes with no duplicate and no lost entry")
  func resumeAfterKill() throws {
    let reference = try Scratch()
    #expect(try scan(reference).status == 0)
    let scratch = try Scratch()
    let killed = try scan(scratch, ["--batch-size", "4"], environment: ["BILLABLE_TEST_CRASH_AFTER_BATCHES": "2"])
    #expect(killed.status == 137)
    #expect(!FileManager.default.fileExists(atPath: scratch.path("reports/run.json")))
    let resumed = try scan(scratch, ["--batch-size", "4"])
    #expect(resumed.status == 0, "\(resumed.stderr)")
    #expect(try entriesFile(scratch) == entriesFile(reference))
    let run = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: scratch.path("reports/run.json")))) as? [String: Any]
    // Two batches of four survived the kill: those eight messages are not analysed again.
    #expect(((run?["this_run"] as? [String: Any])?["already_stored"] as? Int ?? 0) >= 8)
  }

  @Test("cache: hits on a fresh store, a corrupt entry is a miss, a rate change invalidates nothing")
  func cache() throws {
    let scratch = try Scratch()
    let cacheDir = scratch.path("cache")
    #expect(try scan(scratch, ["--cache-dir", cacheDir]).status == 0)
    // A new store, same cache: every message is a cache hit.
    try FileManager.default.removeItem(atPath: scratch.path("b.sqlite"))
    #expect(try scan(scratch, ["--cache-dir", cacheDir]).status == 0)
    var run = try readRun(scratch)
    #expect(run["cache_hits"] as? Int == 20)
    #expect(run["cache_misses"] as? Int == 0)
    // Damage every entry in place (each body is JSON that starts `[{"`): misses, rewritten, no crash.
    let cacheFile = cacheDir + "/analyses.sqlite"
    var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: cacheFile)))
    var damaged = 0
    for index in 0..<(bytes.count - 3) where bytes[index] == 0x5B && bytes[index + 1] == 0x7B && bytes[index + 2] == 0x22 {
      bytes[index + 2] = 0x7B
      damaged += 1
    }
    #expect(damaged >= 20)  // at least the start of every body
    try Data(bytes).write(to: URL(fileURLWithPath: cacheFile))
    try FileManager.default.removeItem(atPath: scratch.path("b.sqlite"))
    #expect(try scan(scratch, ["--cache-dir", cacheDir]).status == 0)
    run = try readRun(scratch)
    #expect(run["cache_misses"] as? Int == 20)
    try FileManager.default.removeItem(atPath: scratch.path("b.sqlite"))
    #expect(try scan(scratch, ["--cache-dir", cacheDir]).status == 0)
    run = try readRun(scratch)
    #expect(run["cache_hits"] as? Int == 20, "damaged entries are rewritten")
    // A rate change: same fingerprint, all hits, and the new rate in the output.
    let config = try String(contentsOfFile: Self.config, encoding: .utf8).replacingOccurrences(of: "rate = 350.0", with: "rate = 400.0")
    try config.write(toFile: scratch.path("rate.toml"), atomically: true, encoding: .utf8)
    try FileManager.default.removeItem(atPath: scratch.path("b.sqlite"))
    #expect(try runBillable(["scan", "--config", scratch.path("rate.toml"), "--db", scratch.path("b.sqlite"), "--out", scratch.path("reports"), "--cache-dir", cacheDir, "--quiet"] + Self.sample).status == 0)
    run = try readRun(scratch)
    #expect(run["cache_hits"] as? Int == 20)
    #expect(try entriesFile(scratch).contains(",400.00,"))
    // A new client domain changes the analysis: everything misses.
    let domain = config.replacingOccurrences(of: "domains = [\"acme.example\"]", with: "domains = [\"acme.example\", \"acme-holdings.example\"]")
    try domain.write(toFile: scratch.path("domain.toml"), atomically: true, encoding: .utf8)
    try FileManager.default.removeItem(atPath: scratch.path("b.sqlite"))
    #expect(try runBillable(["scan", "--config", scratch.path("domain.toml"), "--db", scratch.path("b.sqlite"), "--out", scratch.path("reports"), "--cache-dir", cacheDir, "--quiet"] + Self.sample).status == 0)
    run = try readRun(scratch)
    #expect(run["cache_misses"] as? Int == 20)
  }

  @Test("cache: a damaged or foreign cache file is moved aside with a warning, and the scan goes on", arguments: ["garbage", "truncated"])
  func damagedCacheFile(_ damage: String) throws {
    let scratch = try Scratch()
    let cacheDir = scratch.path("cache")
    let cacheFile = cacheDir + "/analyses.sqlite"
    #expect(try scan(scratch, ["--cache-dir", cacheDir]).status == 0)
    if damage == "garbage" {
      try Data(repeating: 0x41, count: 10_000).write(to: URL(fileURLWithPath: cacheFile))
    } else {
      let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: cacheFile))
      try handle.truncate(atOffset: 4096 + 100)
      try handle.close()
    }
    try FileManager.default.removeItem(atPath: scratch.path("b.sqlite"))
    let result = try scan(scratch, ["--cache-dir", cacheDir])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.contains("analysis cache was damaged"), "\(result.stderr)")
    #expect(try readRun(scratch)["cache_misses"] as? Int == 20)
    let kept = try FileManager.default.contentsOfDirectory(atPath: cacheDir).filter { $0.hasPrefix("analyses.sqlite.damaged-") }
    #expect(kept.count == 1)
    // The fresh cache serves the next scan.
    try FileManager.default.removeItem(atPath: scratch.path("b.sqlite"))
    #expect(try scan(scratch, ["--cache-dir", cacheDir]).status == 0)
    #expect(try readRun(scratch)["cache_hits"] as? Int == 20)
  }

  func readRun(_ scratch: Scratch) throws -> [String: Any] {
    let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: scratch.path("reports/run.json")))) as? [String: Any]
    return object?["this_run"] as? [String: Any] ?? [:]
  }

  @Test("--out never replaces what billable did not write: an input, the store's folder, a file")
  func outRefusals() throws {
    let scratch = try Scratch()
    let maildir = scratch.path("Maildir")
    try FileManager.default.copyItem(atPath: Self.sample[1], toPath: maildir)
    let before = try FileManager.default.subpathsOfDirectory(atPath: maildir).sorted()
    func scanInto(_ out: String, db: String = scratch.path("b.sqlite")) throws -> CommandResult {
      try runBillable(["scan", "--config", Self.config, "--db", db, "--out", out, "--quiet", maildir])
    }
    // The input itself, a folder of someone's files, a file, the folder of the store.
    let input = try scanInto(maildir)
    #expect(input.status == 1 && input.stderr.contains("would delete"), "\(input.stderr)")
    try FileManager.default.createDirectory(atPath: scratch.path("project"), withIntermediateDirectories: true)
    try "keep".write(toFile: scratch.path("project/notes.txt"), atomically: true, encoding: .utf8)
    let project = try scanInto(scratch.path("project"))
    #expect(project.status == 1 && project.stderr.contains("not a billable dataset"), "\(project.stderr)")
    let file = try scanInto(scratch.path("project/notes.txt"))
    #expect(file.status == 1 && file.stderr.contains("is a file"), "\(file.stderr)")
    let storeInside = try scanInto(scratch.path("out"), db: scratch.path("out/b.sqlite"))
    #expect(storeInside.status == 1, "\(storeInside.stderr)")
    #expect(try FileManager.default.subpathsOfDirectory(atPath: maildir).sorted() == before)
    #expect(try scratch.read("project/notes.txt") == "keep")
    // Its own dataset is replaced, through a link as well, and a killed run's staging goes;
    // not when someone put a file of their own into it.
    #expect(try scanInto(scratch.path("reports")).status == 0)
    try "mine".write(toFile: scratch.path("reports/notes.txt"), atomically: true, encoding: .utf8)
    let added = try scanInto(scratch.path("reports"))
    #expect(added.status == 1 && added.stderr.contains("notes.txt"), "\(added.stderr)")
    #expect(try scratch.read("reports/notes.txt") == "mine")
    try FileManager.default.removeItem(atPath: scratch.path("reports/notes.txt"))
    try FileManager.default.createSymbolicLink(atPath: scratch.path("link"), withDestinationPath: scratch.path("reports"))
    try FileManager.default.createDirectory(atPath: scratch.path(".reports.tmp-999999"), withIntermediateDirectories: true)
    #expect(try scanInto(scratch.path("link")).status == 0)
    #expect(try FileManager.default.destinationOfSymbolicLink(atPath: scratch.path("link")) == scratch.path("reports"))
    #expect(!FileManager.default.fileExists(atPath: scratch.path(".reports.tmp-999999")))
  }

  @Test("a second scan on the same store at once stops with a clear message")
  func lock() throws {
    let scratch = try Scratch()
    let lockPath = scratch.path("b.sqlite.lock")
    let holder = Process()
    holder.executableURL = URL(fileURLWithPath: "/usr/bin/flock")
    holder.arguments = [lockPath, "sleep", "5"]
    try holder.run()
    defer { holder.terminate() }
    Thread.sleep(forTimeInterval: 0.5)
    let result = try scan(scratch)
    #expect(result.status == 1)
    #expect(result.stderr.contains("is in use by another billable scan"))
  }

  @Test("an unreadable input and an unparseable message: exit 3, listed in errors.csv, the rest scanned")
  func partialFailure() throws {
    let scratch = try Scratch()
    let garbage = scratch.path("garbage.eml")
    try Data([0x20, 0x0A, 0xFF, 0xFE, 0x00, 0x01]).write(to: URL(fileURLWithPath: garbage))
    let result = try scan(scratch, inputs: Self.sample + [scratch.path("missing.mbox"), garbage])
    #expect(result.status == 3)
    let errors = try scratch.read("reports/errors.csv")
    #expect(errors.contains("read-error"))
    #expect(errors.contains("missing.mbox"))
    #expect(try scratch.read("reports/messages.csv").contains(",error,"))
    #expect(try entriesFile(scratch).split(separator: "\n").count > 10)
  }

  @Test("an entry without a work date is left out of LEDES, and said so")
  func ledesWithoutDate() throws {
    let scratch = try Scratch()
    let mail = """
      From: Jane Doe <jane@doe-law.example>
      To: Jo Smith <jo@acme.example>
      Date: Mon, 3 Mar 99999 10:00:00 -0500
      Message-ID: <nodate@doe-law.example>
      Subject: Project Falcon - SPA

      I spent 2 hours reviewing the SPA.

      """
    try mail.write(toFile: scratch.path("nodate.eml"), atomically: true, encoding: .utf8)
    #expect(try scan(scratch, inputs: [scratch.path("nodate.eml"), Self.sample[2]]).status == 0)
    let ledes = try runBillable(["export", "--config", Self.config, "--db", scratch.path("b.sqlite"), "--format", "ledes98b"])
    #expect(ledes.status == 0)
    #expect(ledes.stderr.contains("1 entries have no work date"))
    let items = ledes.stdout.split(separator: "\n").dropFirst(2)
    #expect(!items.isEmpty)
    // INVOICE_DATE, BILLING_START_DATE, BILLING_END_DATE and LINE_ITEM_DATE are all dates.
    for item in items {
      let fields = item.split(separator: "|", omittingEmptySubsequences: false)
      #expect([0, 5, 6, 13].allSatisfy { fields[$0].count == 8 }, "\(item)")
    }
  }

  @Test("summary and LEDES 1998B export, field by field")
  func summaryAndLEDES() throws {
    let scratch = try Scratch()
    #expect(try scan(scratch).status == 0)
    let summary = try runBillable(["summary", "--db", scratch.path("b.sqlite"), "--by", "matter", "--format", "csv"])
    #expect(summary.status == 0)
    #expect(summary.stdout.hasPrefix("client,matter,entries,hours,amount,currency\n"))
    let ledes = try runBillable(["export", "--config", Self.config, "--db", scratch.path("b.sqlite"), "--format", "ledes98b"])
    #expect(ledes.status == 0, "\(ledes.stderr)")
    let lines = ledes.stdout.split(separator: "\n").map(String.init)
    #expect(lines.first == "LEDES1998B[]")
    #expect(lines[1].hasSuffix("[]"))
    let names = lines[1].dropLast(2).split(separator: "|", omittingEmptySubsequences: false)
    #expect(names.count == 24)
    #expect(names.first == "INVOICE_DATE" && names.last == "CLIENT_MATTER_ID")
    let entries = try entriesFile(scratch).split(separator: "\n").count - 1
    #expect(lines.count - 2 == entries)
    var totals: [String: Double] = [:]
    var sums: [String: Double] = [:]
    for line in lines.dropFirst(2) {
      #expect(line.hasSuffix("[]"))
      let fields = line.dropLast(2).split(separator: "|", omittingEmptySubsequences: false).map(String.init)
      #expect(fields.count == 24)
      #expect(fields[0].count == 8 && fields[0].allSatisfy(\.isNumber))  // INVOICE_DATE YYYYMMDD
      #expect(fields[9] == "F")  // fee
      #expect(fields[16].hasPrefix("A"))  // UTBMS activity
      let units = Double(fields[10]) ?? -1
      let unitCost = Double(fields[20]) ?? -1
      let lineTotal = Double(fields[12]) ?? -1
      #expect(abs(units * unitCost - lineTotal) < 0.01)
      totals[fields[1]] = Double(fields[4])
      sums[fields[1], default: 0] += lineTotal
      #expect(fields[21] == "Doe, Jane")
    }
    for (invoice, total) in totals { #expect(abs((sums[invoice] ?? 0) - total) < 0.01, "invoice \(invoice)") }
  }
}
