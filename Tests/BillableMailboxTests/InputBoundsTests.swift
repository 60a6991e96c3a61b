import BillableMailbox
import BillableModel
import Foundation
import Testing

/// Inputs that would otherwise be held whole in memory, and inputs that are not files.
@Suite("reader bounds and streams")
struct InputBoundsTests {
  final class Folder {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("inputs-\(UUID().uuidString)").path
    init() throws { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
    deinit { try? FileManager.default.removeItem(atPath: path) }
  }

  static let separator = Array("From jo@example.com Mon Mar  3 10:00:00 2025\n".utf8)

  @Test("an mbox message past the size limit keeps its start, is marked, and the next message is whole")
  func oversizedMboxMessage() throws {
    // No line break for the whole body: the reader must not grow its buffer to find one.
    var mbox = Self.separator + Array("Subject: huge\n\n".utf8)
    mbox += [UInt8](repeating: 0x78, count: RawMessage.maxLength + (3 << 20))
    mbox += Array("\n".utf8) + Self.separator + Array("Subject: after\n\nhello\n".utf8)
    let reader = MboxReader(bytes: mbox)
    let huge = try #require(try reader.next())
    #expect(huge.bytes.count == RawMessage.maxLength)
    #expect(huge.bytes.starts(with: Array("Subject: huge\n\nxxx".utf8)))
    #expect(huge.defects.map(\.kind) == [.messageTooLarge])
    #expect(huge.defects.first?.severity == .critical)
    let after = try #require(try reader.next())
    #expect(after.bytes == Array("Subject: after\n\nhello\n".utf8))
    #expect(after.defects.isEmpty)
    #expect(after.source.byteOffset == Int64(mbox.count - after.bytes.count))
    #expect(try reader.next() == nil)
  }

  @Test("a single-message file past the size limit is cut at the limit and marked; one at the limit is not")
  func oversizedFile() throws {
    let folder = try Folder()
    let header = Array("Subject: big\n\n".utf8)
    for (name, size, marked) in [("at-limit.eml", RawMessage.maxLength, false), ("over.eml", RawMessage.maxLength + 1, true)] {
      let path = folder.path + "/" + name
      try Data(header + [UInt8](repeating: 0x79, count: size - header.count)).write(to: URL(fileURLWithPath: path))
      let messages = readAll([path])
      #expect(messages.count == 1)
      #expect(messages.first?.bytes.count == RawMessage.maxLength)
      #expect(messages.first?.defects.contains { $0.kind == .messageTooLarge } == marked, "\(name)")
    }
  }

  @Test("a pipe named as an input is read as a stream; one found in a walked folder is skipped")
  func namedPipe() throws {
    let folder = try Folder()
    let fifo = folder.path + "/mail.fifo"
    #expect(mkfifo(fifo, 0o600) == 0)
    let mbox = Self.separator + Array("Subject: one\n\nfirst\n\n".utf8) + Self.separator + Array("Subject: two\n\nsecond\n".utf8)
    // The writer blocks until the reader opens the pipe, so it runs on a thread of its own.
    let writer = Thread {
      let handle = FileHandle(forWritingAtPath: fifo)
      handle?.write(Data(mbox))
      try? handle?.close()
    }
    writer.start()
    let messages = readAll([fifo])
    #expect(messages.map { String(decoding: $0.bytes, as: UTF8.self) } == ["Subject: one\n\nfirst\n", "Subject: two\n\nsecond\n"])
    #expect(messages.first?.source.path == fifo)
    // Walking the folder must not open the pipe (nothing writes to it now: it would block).
    #expect(readAll([folder.path]).isEmpty)
  }

  @Test("a symbolic link back to an ancestor folder is not walked round; each message is read once")
  func linkLoop() throws {
    let folder = try Folder()
    try FileManager.default.createDirectory(atPath: folder.path + "/sub", withIntermediateDirectories: true)
    try Data("Subject: one\n\nhello\n".utf8).write(to: URL(fileURLWithPath: folder.path + "/sub/one.eml"))
    try FileManager.default.createSymbolicLink(atPath: folder.path + "/sub/up", withDestinationPath: "..")
    try FileManager.default.createSymbolicLink(atPath: folder.path + "/again", withDestinationPath: "sub")
    let messages = readAll([folder.path])
    #expect(messages.count == 1)
    // Naming the same folder twice reads it once, too: its messages would only be duplicates.
    #expect(readAll([folder.path + "/sub", folder.path + "/again"]).count == 1)
  }

  @Test("confined to a folder, links that lead out of it are reported and not read")
  func confined() throws {
    let inside = try Folder()
    let outside = try Folder()
    let message = Data("Subject: x\n\nhello\n".utf8)
    try message.write(to: URL(fileURLWithPath: outside.path + "/secret.eml"))
    try message.write(to: URL(fileURLWithPath: inside.path + "/mine.eml"))
    try FileManager.default.createSymbolicLink(atPath: inside.path + "/folder-link", withDestinationPath: outside.path)
    try FileManager.default.createSymbolicLink(atPath: inside.path + "/file-link.eml", withDestinationPath: outside.path + "/secret.eml")
    let root = try #require(FileSystem.realPath(inside.path))
    let reader = InputReader(paths: [inside.path], confinedTo: [root])
    var read: [String] = []
    var refused: [String] = []
    while let event = reader.next() {
      switch event {
      case .message(let raw): read.append(raw.source.path)
      case .failure(let error): refused.append(error.path)
      }
    }
    #expect(read == [inside.path + "/mine.eml"])
    #expect(refused.sorted() == [inside.path + "/file-link.eml", inside.path + "/folder-link"])
    // Without confinement, the same links are followed.
    #expect(readAll([inside.path]).count == 3)
  }
}
