import BillableMailbox
import BillableModel
import BillableTestSupport
import Foundation
import Testing

/// All messages an input yields, failing the test on a read failure.
func readAll(_ paths: [String]) -> [RawMessage] {
  let reader = InputReader(paths: paths)
  var messages: [RawMessage] = []
  while let event = reader.next() {
    switch event {
    case .message(let message): messages.append(message)
    case .failure(let error): Issue.record("read failure: \(error)")
    }
  }
  return messages
}

/// One line per message: index, offset, size, hash and the raw Subject line (readers do not
/// parse MIME), the GMime-style mbox golden.
func mboxListing(_ messages: [RawMessage]) -> String {
  messages.map { message in
    let text = String(decoding: message.bytes, as: UTF8.self)
    let subject = text.split(separator: "\n").first { $0.hasPrefix("Subject:") }.map {
      String($0.dropFirst(8)).trimmingCharacters(in: .whitespacesAndNewlines)
    } ?? "-"
    let defects = message.defects.map(\.kind.rawValue).joined(separator: ",")
    return "message \(message.source.index.map(String.init) ?? "-") offset=\(message.source.byteOffset) "
      + "bytes=\(message.bytes.count) hash=\(message.contentHash.hex.prefix(16)) subject=\(subject)"
      + (defects.isEmpty ? "" : " defects=\(defects)")
  }.joined(separator: "\n") + "\n"
}

@Suite("mbox reader")
struct MboxReaderTests {
  static let mboxes = [
    "mbox/mboxo/basic.mbox", "mbox/mboxrd/quoted-from.mbox", "mbox/mboxcl2/content-length.mbox", "mbox/crlf/crlf.mbox",
    "mbox/gmail/takeout.mbox", "mbox/edge/bom.mbox", "mbox/edge/no-trailing-newline.mbox",
    "mbox/edge/from-in-body-not-separator.mbox", "mbox/gz/basic.mbox.gz",
  ]

  @Test("offsets and content hashes", arguments: mboxes)
  func golden(_ relative: String) {
    let messages = readAll([Fixtures.url(relative).path])
    #expect(!messages.isEmpty)
    let golden = relative.replacingOccurrences(of: ".mbox.gz", with: ".gz").replacingOccurrences(of: ".mbox", with: "")
      + ".expected.txt"
    if let difference = Golden.check(mboxListing(messages), against: golden) {
      Issue.record(Comment(rawValue: difference))
    }
  }

  @Test("message counts per variant")
  func counts() {
    #expect(readAll([Fixtures.url("mbox/mboxo/basic.mbox").path]).count == 3)
    #expect(readAll([Fixtures.url("mbox/mboxrd/quoted-from.mbox").path]).count == 3)
    #expect(readAll([Fixtures.url("mbox/mboxcl2/content-length.mbox").path]).count == 3)
    #expect(readAll([Fixtures.url("mbox/crlf/crlf.mbox").path]).count == 3)
    #expect(readAll([Fixtures.url("mbox/edge/empty.mbox").path]).isEmpty)
    #expect(readAll([Fixtures.url("mbox/edge/from-in-body-not-separator.mbox").path]).count == 2)
  }

  @Test("mboxrd quoting loses one level")
  func mboxrd() {
    let bodies = readAll([Fixtures.url("mbox/mboxrd/quoted-from.mbox").path]).map { String(decoding: $0.bytes, as: UTF8.self) }
    let lines = bodies.joined(separator: "\n").split(separator: "\n")
    #expect(lines.contains("From the seller's draft we keep clause 4."))  // was >From
    #expect(lines.contains(">From the seller's draft we keep clause 4."))  // was >>From
    #expect(lines.contains(">>From three levels: un-quoted once it has two."))  // was >>>From
    #expect(lines.contains("From one level."))
    #expect(lines.contains("> From with a space after '>' is an ordinary quote and stays."))
  }

  @Test("Content-Length frames mboxcl2 bodies with unquoted From lines")
  func mboxcl2() {
    let messages = readAll([Fixtures.url("mbox/mboxcl2/content-length.mbox").path])
    let text = messages.map { String(decoding: $0.bytes, as: UTF8.self) }.joined()
    #expect(text.split(separator: "\n").contains { $0.hasPrefix("From ") })
  }

  @Test("gzip gives the same messages as the plain file")
  func gzip() {
    let plain = readAll([Fixtures.url("mbox/mboxo/basic.mbox").path]).map(\.contentHash)
    let compressed = readAll([Fixtures.url("mbox/gz/basic.mbox.gz").path]).map(\.contentHash)
    #expect(plain == compressed)
  }

  /// Every event of one input: its messages, then its failures.
  static func events(_ path: String) -> (messages: [RawMessage], failures: [String]) {
    let reader = InputReader(paths: [path])
    var messages: [RawMessage] = []
    var failures: [String] = []
    while let event = reader.next() {
      switch event {
      case .message(let message): messages.append(message)
      case .failure(let error): failures.append(error.message)
      }
    }
    return (messages, failures)
  }

  @Test(
    "a damaged gzip keeps every message decoded before the damage and reports the input",
    arguments: [
      ("damaged-trailing-garbage", 150, "bytes after the gzip data were ignored"),
      ("damaged-bad-crc", 150, "gzip data is corrupt"),
      ("damaged-truncated", 85, "the gzip file is truncated"),
    ])
  func damagedGzip(_ name: String, _ count: Int, _ failure: String) {
    let (messages, failures) = Self.events(Fixtures.url("mbox/gz/\(name).mbox.gz").path)
    #expect(messages.count == count)
    #expect(failures.count == 1 && failures[0].contains(failure), "\(failures)")
    // Only a truncated file's last message is cut off, and only it says so.
    let marked = messages.filter { $0.defects.contains { $0.kind == .truncatedCompressedFile } }
    #expect(marked.map(\.source.index) == (name == "damaged-truncated" ? [messages.last?.source.index] : []))
  }

  @Test("CRLF and LF copies of one message hash the same")
  func crlfHash() throws {
    let bytes = try Fixtures.bytes("mime/rfc/001-plain-ascii.eml")
    #expect(ContentHasher.hash(canonicalizing: bytes) == ContentHasher.hash(canonicalizing: Fixtures.toCRLF(bytes)))
    #expect(ContentHasher.hash(canonicalizing: bytes) == ContentHasher.hash(canonicalizing: bytes + [0x0A, 0x0A]))
    #expect(ContentHasher.hash(canonicalizing: bytes) != ContentHasher.hash(canonicalizing: bytes + [0x78]))
    // Lone CRs (old Mac line ends) read as LF too, wherever they stand.
    #expect(
      ContentHasher.hash(canonicalizing: Array("\rA: b\r\rc\r\nd\r".utf8))
        == ContentHasher.hash(canonicalizing: Array("\nA: b\n\nc\nd\n".utf8)))
  }

  /// A multi-megabyte mbox written here, with messages of varied sizes straddling the reader's
  /// 1 MiB chunks, must come back message for message, byte for byte.
  @Test("streaming across chunk boundaries")
  func chunkBoundaries() throws {
    var expected: [[UInt8]] = []
    var file = [UInt8]()
    var seed: UInt64 = 42
    func random(_ bound: Int) -> Int {
      seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Int((seed >> 33) % UInt64(bound))
    }
    for index in 0..<400 {
      var message = Array("From: a@x.example\nSubject: message \(index)\n\n".utf8)
      let lines = 1 + random(600)
      for line in 0..<lines {
        if line % 97 == 5 {
          message += Array(">From the quoted line \(line)\n".utf8)  // un-quoted by one level
        } else {
          message += Array(String(repeating: "x", count: random(120)).utf8) + [0x0A]
        }
      }
      file += Array("From a@x.example Mon Jan  1 00:00:00 2024\n".utf8) + message + [0x0A]
      var unquoted = message
      var i = 0
      while i + 6 < unquoted.count {
        if (i == 0 || unquoted[i - 1] == 0x0A) && unquoted[i] == 0x3E && unquoted[i + 1] == 0x46 {
          unquoted.remove(at: i)
        }
        i += 1
      }
      expected.append(unquoted)
    }
    #expect(file.count > 3 << 20)
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("billable-chunks-\(UUID().uuidString).mbox")
    try Data(file).write(to: url)
    defer { try? FileManager.default.removeItem(at: url) }
    let messages = readAll([url.path])
    #expect(messages.count == expected.count)
    for (message, bytes) in zip(messages, expected) where message.bytes != bytes {
      Issue.record("message \(message.source.index ?? -1) differs")
      break
    }
  }
}

@Suite("mbox detection")
struct MboxDetectionTests {
  @Test("an mbox that starts with blank lines is still an mbox, every message kept", arguments: ["\n", "\r\n\r\n", "\u{FEFF}\n"])
  func leadingBlankLines(_ lead: String) throws {
    let basic = try Data(contentsOf: Fixtures.url("mbox/mboxo/basic.mbox"))
    let expected = readAll([Fixtures.url("mbox/mboxo/basic.mbox").path]).count
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("lead-\(UUID().uuidString)")
    try (Data(lead.utf8) + basic).write(to: url)
    defer { try? FileManager.default.removeItem(at: url) }
    let messages = readAll([url.path])
    #expect(expected > 1)
    #expect(messages.count == expected)
    #expect(messages.allSatisfy { $0.source.format == .mbox })
  }
}

extension MboxDetectionTests {
  @Test("a file with classic Mac line ends (CR only) gives the messages and hashes of its LF copy")
  func carriageReturnsOnly() throws {
    let basic = try Data(contentsOf: Fixtures.url("mbox/mboxo/basic.mbox"))
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("cr-\(UUID().uuidString)")
    try Data(basic.map { $0 == 0x0A ? 0x0D : $0 }).write(to: url)
    defer { try? FileManager.default.removeItem(at: url) }
    let expected = readAll([Fixtures.url("mbox/mboxo/basic.mbox").path])
    let messages = readAll([url.path])
    #expect(messages.map(\.contentHash) == expected.map(\.contentHash))
    #expect(messages.map(\.bytes) == expected.map(\.bytes))
  }
}

extension MboxDetectionTests {
  @Test("a file whose name is not UTF-8 (Latin-1 \"Résumé.eml\") is read, and its name kept byte for byte")
  func latin1FileName() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("names-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let message = try Data(contentsOf: Fixtures.url("mime/rfc/001-plain-ascii.eml"))
    let name: [UInt8] = Array("R".utf8) + [0xE9] + Array("sum".utf8) + [0xE9] + Array(".eml".utf8)
    let path = Array(folder.path.utf8) + [0x2F] + name + [0]
    let descriptor = path.withUnsafeBufferPointer { bytes in
      bytes.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, O_WRONLY | O_CREAT, 0o644) }
    }
    #expect(descriptor >= 0)
    _ = message.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
    close(descriptor)
    let messages = readAll([folder.path])
    #expect(messages.count == 1)
    #expect(messages.first?.source.path.hasSuffix("/R\u{F7E9}sum\u{F7E9}.eml") == true)
  }
}

@Suite("Maildir and directory walking")
struct MaildirReaderTests {
  @Test("cur and new are read, tmp is not; flags and folders come from names")
  func maildir() {
    let messages = readAll([Fixtures.url("maildir/basic").path])
    #expect(messages.count == 4)
    #expect(!messages.contains { $0.source.path.contains("/basic/tmp/") })
    #expect(FileManager.default.fileExists(atPath: Fixtures.url("maildir/basic/tmp").path))
    let seen = messages.first { $0.source.path.hasSuffix(":2,RS") }
    #expect(seen?.source.maildirFlags == "RS")
    #expect(seen?.source.maildirKey == "1700000001.M2P1.host")
    #expect(messages.contains { $0.source.maildirFolder == ".Sent" })
    #expect(messages.allSatisfy { $0.source.format == .maildir })
  }

  @Test("info suffixes", arguments: [
    ("1.M1.host:2,S", "1.M1.host", "S"), ("1.M1.host;2,FS", "1.M1.host", "FS"), ("1.M1.host", "1.M1.host", nil),
    ("1.M1.host,S=123:2,", "1.M1.host,S=123", ""),
  ] as [(String, String, String?)])
  func info(_ name: String, _ key: String, _ flags: String?) {
    let split = MaildirReader.splitInfo(name)
    #expect(split.key == key)
    #expect(split.flags == flags)
  }

  @Test("the same message from mbox, Maildir and .eml has one hash")
  func deduplication() {
    let messages = readAll([
      Fixtures.url("sample/mbox").path, Fixtures.url("sample/maildir").path, Fixtures.url("sample/eml").path,
    ])
    #expect(messages.count == 24)
    #expect(Set(messages.map(\.contentHash)).count == 20)
  }

  @Test("a missing input is a failure and the walk goes on")
  func missing() {
    let reader = InputReader(paths: ["/nonexistent/billable", Fixtures.url("mbox/mboxo/basic.mbox").path])
    var failures = 0
    var messages = 0
    while let event = reader.next() {
      if case .failure = event { failures += 1 } else { messages += 1 }
    }
    #expect(failures == 1)
    #expect(messages == 3)
  }
}
