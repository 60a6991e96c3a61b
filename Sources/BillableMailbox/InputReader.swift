import BillableModel

/// Walks the inputs a user names (files, directories, `-`) and yields their messages one at a
/// time, detecting each file's format.
///
/// - A directory that is a Maildir is read as one; any other directory is walked recursively in
///   sorted order, skipping dot-files and files that are plainly not mail (README, LICENSE,
///   COPYING, MANIFEST, `*.md`, `*.toml`, `*.json`, `*.csv`, `*.sqlite`). Symbolic links are
///   followed, but no directory is walked twice.
/// - A file is gzip if it starts with the gzip magic, mbox if it starts with a `From ` line
///   (after an optional BOM), otherwise one message (.eml).
/// - `-` is standard input, sniffed the same way; so is a pipe or device named as an input.
/// - No message is kept beyond `RawMessage.maxLength` bytes (see `Defect.Kind.messageTooLarge`).
///
/// A file that cannot be read is reported through `next()` as a failure and the walk goes on.
package final class InputReader {
  /// What the walk produced next.
  package enum Event: Sendable {
    case message(RawMessage)
    case failure(MailboxError)
  }

  private enum Pending {
    /// A file or directory; `named` when the user named it rather than a walk finding it.
    case path(String, named: Bool)
    case maildir(MaildirReader.Entry)
  }

  private var pending: [Pending]
  /// Directories walked so far: a symbolic link back to one of them (`sub/loop -> ..`) is
  /// not walked again, or the walk would go round until paths grew too long.
  private var walked: Set<FileSystem.Identity> = []
  private var mbox: MboxReader?
  private var mboxGzip: GzipSource?
  /// The message after the current one, read ahead in a truncated gzip stream.
  private var heldMessage: RawMessage?
  private var mboxPath = ""

  /// Folders (canonical paths) nothing may be read outside of, links followed: the MCP
  /// server's `--allow`. `nil` reads wherever the inputs and their links lead.
  private let roots: [String]?

  /// - Parameters:
  ///   - paths: files, directories and `-`, in the order given.
  ///   - roots: when given, a file or folder whose real path is outside every root (a link
  ///     in an allowed folder that leads out) is not read; it is reported as a failure.
  package init(paths: [String], confinedTo roots: [String]? = nil) {
    self.pending = paths.reversed().map { .path($0, named: true) }
    self.roots = roots
  }

  /// A failure for a path that leads outside the roots, or `nil` when it may be read (or
  /// does not exist, which opening it reports).
  private func outsideRoots(_ path: String) -> MailboxError? {
    guard let roots, path != "-", let real = FileSystem.realPath(path) else { return nil }
    if roots.contains(where: { real == $0 || real.hasPrefix($0.hasSuffix("/") ? $0 : $0 + "/") }) { return nil }
    return MailboxError(path: path, message: "leads outside the folders this run may read (\(real)); not read")
  }

  /// The next message or failure, or `nil` when every input is done.
  package func next() -> Event? {
    while true {
      if let reader = mbox {
        do {
          if var message = try heldMessage ?? reader.next() {
            heldMessage = nil
            // A truncated stream cuts off only its last message: look one ahead to know
            // which that is (the reader has buffered past the end by then).
            // (Once the gzip stream is truncated its source returns nothing more, so no read
            // can fail after this one.)
            if let gzip = mboxGzip, gzip.wasTruncated {
              heldMessage = try reader.next()
              if heldMessage == nil, !message.defects.contains(where: { $0.kind == .truncatedCompressedFile }) {
                message.defects.append(Defect(.truncatedCompressedFile, offset: Int(message.source.byteOffset)))
              }
            }
            return .message(message)
          }
          let gzip = mboxGzip
          mbox = nil
          mboxGzip = nil
          if let gzip, gzip.wasTruncated {
            return .failure(MailboxError(path: mboxPath, message: "the gzip file is truncated: its last message is incomplete"))
          }
          if let gzip, gzip.hadTrailingGarbage {
            return .failure(MailboxError(path: mboxPath, message: "bytes after the gzip data were ignored (every message before them was read)"))
          }
        } catch let error as MailboxError {
          mbox = nil
          mboxGzip = nil
          return .failure(error)
        } catch {
          mbox = nil
          mboxGzip = nil
          return .failure(MailboxError(path: mboxPath, message: "\(error)"))
        }
      }
      guard let item = pending.popLast() else { return nil }
      switch item {
      case .maildir(let entry):
        if let outside = outsideRoots(entry.path) { return .failure(outside) }
        do {
          var (bytes, truncated) = try FileSystem.readMessage(entry.path)
          if LineEnds.areCarriageReturnsOnly(bytes[...].prefix(512)) { bytes = bytes.map { $0 == 0x0D ? 0x0A : $0 } }
          let source = SourceRef(
            path: entry.path, format: .maildir, maildirKey: entry.key, maildirFlags: entry.flags,
            maildirFolder: entry.folder)
          return .message(RawMessage(bytes: bytes, source: source, defects: truncated ? [Self.tooLarge] : []))
        } catch let error as MailboxError {
          return .failure(error)
        } catch {
          return .failure(MailboxError(path: entry.path, message: "\(error)"))
        }
      case .path(let path, let named):
        if let event = open(path, named: named) { return event }
      }
    }
  }

  /// Starts reading `path`: queues a directory's contents, starts an mbox, or returns a single
  /// message or a failure.
  private func open(_ path: String, named: Bool) -> Event? {
    if let outside = outsideRoots(path) { return .failure(outside) }
    do {
      if path == "-" {
        return try openStream(FileSource(standardInput: ()), path: "-", isStandardInput: true)
      }
      if FileSystem.isDirectory(path) {
        if let identity = FileSystem.identity(path), !walked.insert(identity).inserted { return nil }
        if MaildirReader.isMaildir(path) {
          // cur/ and new/ (and Maildir++ .folders) first; then plain sub-directories, which
          // mail stores such as notmuch nest inside a Maildir, walked as any directory.
          let entries = try MaildirReader.entries(in: path)
          var queue: [Pending] = entries.map { .maildir($0) }
          for name in try FileSystem.sortedNames(in: path)
          where !Self.isSkippedName(name) && !["cur", "new", "tmp"].contains(name) {
            let child = path.hasSuffix("/") ? path + name : path + "/" + name
            if FileSystem.isDirectory(child) { queue.append(.path(child, named: false)) }
          }
          pending.append(contentsOf: queue.reversed())
          return nil
        }
        let names = try FileSystem.sortedNames(in: path).filter { !Self.isSkippedName($0) }
        pending.append(contentsOf: names.reversed().map { .path(path.hasSuffix("/") ? path + $0 : path + "/" + $0, named: false) })
        return nil
      }
      if let problem = FileSystem.lookupProblem(path) {
        return .failure(MailboxError(path: path, message: problem.prefix(1).lowercased() + problem.dropFirst()))
      }
      // A pipe or device in a walked tree is skipped; one the user names (`<(zcat a.mbox.gz)`,
      // /dev/stdin) is read as a stream, as `-` is.
      guard named || FileSystem.isRegularFile(path) else { return nil }
      return try openStream(FileSource(path: path), path: path, isStandardInput: false)
    } catch let error as MailboxError {
      return .failure(error)
    } catch {
      return .failure(MailboxError(path: path, message: "\(error)"))
    }
  }

  private func openStream(_ file: FileSource, path: String, isStandardInput: Bool) throws -> Event? {
    let sniffer = try SniffingSource(file)
    var source: any ByteSource = sniffer
    var gzip: GzipSource? = nil
    if sniffer.head.starts(with: [0x1F, 0x8B]) {
      let decompressed = try GzipSource(sniffer, path: path)
      gzip = decompressed
      let inner = try SniffingSource(decompressed)
      source = inner
      return try startReading(source, head: inner.head, path: path, isStandardInput: isStandardInput, gzip: gzip)
    }
    return try startReading(source, head: sniffer.head, path: path, isStandardInput: isStandardInput, gzip: gzip)
  }

  private func startReading(
    _ source: any ByteSource, head: [UInt8], path: String, isStandardInput: Bool, gzip: GzipSource?
  ) throws -> Event? {
    // Classic Mac OS line ends (CR alone): read as LF, as the content hash already counts them.
    var source = source
    var head = head
    if LineEnds.areCarriageReturnsOnly(head) {
      source = CarriageReturnSource(source)
      head = head.map { $0 == 0x0D ? 0x0A : $0 }
    }
    if FormatSniffer.isMbox(head) {
      mbox = MboxReader(source: source, path: path, format: isStandardInput ? .stdin : .mbox)
      mboxGzip = gzip
      mboxPath = path
      return nil
    }
    let (bytes, truncated) = try FileSystem.readMessage(source)
    if bytes.isEmpty {
      // An empty file holds no message; a gzip file cut before its first byte of mail is damage.
      if let gzip, gzip.wasTruncated { throw MailboxError(path: path, message: "the gzip file is truncated before any message") }
      return nil
    }
    var message = RawMessage(
      bytes: bytes, source: SourceRef(path: path, format: isStandardInput ? .stdin : .eml), defects: truncated ? [Self.tooLarge] : [])
    if let gzip, gzip.wasTruncated { message.defects.append(Defect(.truncatedCompressedFile, offset: 0)) }
    return .message(message)
  }

  private static let tooLarge = Defect(.messageTooLarge, offset: 0, detail: "kept the first \(RawMessage.maxLength >> 20) MB")

  static func isSkippedName(_ name: String) -> Bool {
    if name.hasPrefix(".") { return true }
    let lower = name.lowercased()
    for prefix in ["readme", "license", "licence", "copying", "manifest", "artistic-license"]
    where lower == prefix || lower.hasPrefix(prefix + ".") {
      return true
    }
    for suffix in [".md", ".toml", ".json", ".jsonl", ".csv", ".sqlite", ".sqlite-wal", ".sqlite-shm", ".py", ".sh"]
    where lower.hasSuffix(suffix) {
      return true
    }
    return false
  }
}

/// Line ends of a file's first bytes.
package enum LineEnds {
  /// Carriage returns and no line feed: a file from classic Mac OS, whose lines end in CR.
  package static func areCarriageReturnsOnly(_ head: some Collection<UInt8>) -> Bool {
    head.contains(0x0D) && !head.contains(0x0A)
  }
}

/// A source whose carriage returns are line feeds: for a file with CR line ends only.
final class CarriageReturnSource: ByteSource {
  private var inner: any ByteSource
  init(_ inner: any ByteSource) { self.inner = inner }

  func read(into buffer: UnsafeMutablePointer<UInt8>, count: Int) throws -> Int {
    let n = try inner.read(into: buffer, count: count)
    for index in 0..<n where buffer[index] == 0x0D { buffer[index] = 0x0A }
    return n
  }
}

/// Format detection from a file's first bytes.
package enum FormatSniffer {
  /// Whether the bytes start an mbox: `From ` first, after an optional UTF-8 BOM and blank
  /// lines (an export that begins with an empty line was read as one headerless message,
  /// and every message in it was lost).
  package static func isMbox(_ head: [UInt8]) -> Bool {
    var bytes = head[...]
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
    while let first = bytes.first, first == 0x0A || first == 0x0D || first == 0x20 || first == 0x09 {
      bytes = bytes.dropFirst()
    }
    return bytes.starts(with: Array("From ".utf8))
  }
}

/// Reads the first bytes of a stream for sniffing, then replays them before the rest.
final class SniffingSource: ByteSource {
  private var inner: any ByteSource
  let head: [UInt8]
  private var replayed = 0

  init(_ inner: any ByteSource) throws {
    var inner = inner
    var head = [UInt8](repeating: 0, count: 512)
    var count = 0
    while count < head.count {
      let n = try head.withUnsafeMutableBufferPointer { pointer -> Int in
        guard let base = pointer.baseAddress else { return 0 }
        return try inner.read(into: base + count, count: pointer.count - count)
      }
      if n == 0 { break }
      count += n
    }
    self.inner = inner
    self.head = Array(head[0..<count])
  }

  func read(into buffer: UnsafeMutablePointer<UInt8>, count: Int) throws -> Int {
    if replayed < head.count {
      let n = min(count, head.count - replayed)
      head.withUnsafeBufferPointer { pointer in
        if let base = pointer.baseAddress { buffer.update(from: base + replayed, count: n) }
      }
      replayed += n
      return n
    }
    return try inner.read(into: buffer, count: count)
  }
}
