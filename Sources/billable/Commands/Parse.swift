import ArgumentParser
import Dispatch
import Glibc
import BillableMIME
import BillableMailbox
import BillableModel

/// `billable parse`: read messages and show what the parser saw.
struct Parse: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Parse messages and print what was found in each.",
    discussion: """
      INPUT is an mbox (optionally .gz), a Maildir, an .eml file, a directory (walked \
      recursively, each file's format detected) or - for standard input.

      By default one line per message: content hash, source, date, sender, subject, parts, \
      words of new text and defects. --json prints one JSON object per message with the \
      fields of Python's email package reading (see shared/tools/mime_oracle.py), for \
      inspection and differential testing. --count prints only totals.
      """)

  @Argument(help: "Mailboxes, message files or directories; - for standard input.")
  var inputs: [String]

  @Flag(help: "One JSON object per message (JSON Lines).")
  var json = false

  @Flag(help: "Parse everything but print only the totals (for benchmarks).")
  var count = false

  @Option(help: "Messages parsed at once (default: the number of cores).")
  var jobs: Int?

  func run() async throws {
    let reader = InputReader(paths: inputs)
    let output = BufferedOutput()
    let mode: ParseReport.Mode = json ? .json : (count ? .none : .line)
    let workers = max(1, jobs ?? ProcessInfoLite.activeProcessorCount)
    var totals = Totals()
    var batch: [RawMessage] = []
    var batchBytes = 0
    // Messages are read in order on this thread and parsed a batch at a time on all cores;
    // results are written in input order, so the output does not depend on --jobs. A batch
    // is cut at 32 messages per worker or 2 MB, whichever comes first, so a mailbox of large
    // attachments does not hold more in memory than one of short notes.
    func flush() throws {
      guard !batch.isEmpty else { return }
      for result in ParseReport.process(batch, mode: mode, workers: workers) {
        totals.add(result)
        if !result.rendered.isEmpty { try output.write(result.rendered) }
      }
      batch.removeAll(keepingCapacity: true)
      batchBytes = 0
    }
    while let event = reader.next() {
      switch event {
      case .failure(let error):
        try flush()
        totals.failures += 1
        try output.flush()
        StandardError.write("billable: \(error)")
      case .message(let raw):
        batchBytes += raw.bytes.count
        batch.append(raw)
        if batch.count >= 32 * workers || batchBytes >= 2 << 20 { try flush() }
      }
    }
    try flush()
    if count {
      try output.write(totals.line + "\n")
    }
    try output.flush()
    if totals.failures > 0 || totals.unparseable > 0 {
      throw ExitCode(3)
    }
  }

  func validate() throws {
    if json && count { throw ValidationError("--json and --count cannot be used together.") }
    if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1.") }
  }
}

/// Running totals for `--count` and the exit status.
struct Totals {
  var messages = 0
  var bytes = 0
  var textBytes = 0
  var addresses = 0
  var withDefects = 0
  var unparseable = 0
  var failures = 0

  mutating func add(_ result: ParseReport.Result) {
    messages += 1
    bytes += result.bytes
    textBytes += result.textBytes
    addresses += result.addresses
    if result.hasDefects { withDefects += 1 }
    if result.isUnparseable { unparseable += 1 }
  }

  var line: String {
    "billable messages=\(messages) bytes=\(bytes) text_bytes=\(textBytes) addresses=\(addresses) "
      + "with_defects=\(withDefects) unparseable=\(unparseable) read_failures=\(failures)"
  }
}

/// The two per-message renderings of `billable parse`, and the parallel step that makes them.
enum ParseReport {
  enum Mode {
    case none
    case line
    case json
  }

  /// What one message contributes to the output and the totals.
  struct Result {
    var rendered = ""
    var bytes = 0
    var textBytes = 0
    var addresses = 0
    var hasDefects = false
    var isUnparseable = false
  }

  /// Parses and renders `batch` on up to `workers` threads; results are in input order.
  static func process(_ batch: [RawMessage], mode: Mode, workers: Int) -> [Result] {
    var results = [Result](repeating: Result(), count: batch.count)
    if workers == 1 || batch.count < 2 {
      for index in batch.indices { results[index] = processOne(batch[index], mode: mode) }
      return results
    }
    results.withUnsafeMutableBufferPointer { buffer in
      let slots = SendableBuffer(buffer)
      DispatchQueue.concurrentPerform(iterations: min(workers, batch.count)) { worker in
        var index = worker
        while index < batch.count {
          slots.buffer[index] = processOne(batch[index], mode: mode)
          index += workers
        }
      }
    }
    return results
  }
  static func processOne(_ raw: RawMessage, mode: Mode) -> Result {
    let message = MessageParser().parse(raw.bytes)
    let body = message.body()
    var result = Result()
    result.bytes = raw.bytes.count
    result.textBytes = body.text.utf8.count + (message.subject?.utf8.count ?? 0)
    result.addresses = message.from.count + message.to.count + message.cc.count
    result.hasDefects = message.hasDefects || !body.defects.isEmpty || !raw.defects.isEmpty
    result.isUnparseable = message.defects.contains { $0.kind == .noHeaders }
    switch mode {
    case .none: break
    case .line: result.rendered = TerminalText.printable(line(raw: raw, message: message, body: body)) + "\n"
    case .json: result.rendered = json(raw: raw, message: message, body: body).rendered + "\n"
    }
    return result
  }

  static func line(raw: RawMessage, message: ParsedMessage, body: MessageBody) -> String {
    let hash = String(raw.contentHash.hex.prefix(12))
    let date = message.date?.isoWithOffset ?? "-"
    let from = message.from.first.map(AnalysisReport.describe) ?? "-"
    let subject = message.subject.map { $0.isEmpty ? "-" : $0 } ?? "-"
    let leaves = message.parts.filter { $0.kind == .leaf }.count
    let words = body.pieces.newText.split(whereSeparator: { $0.isWhitespace }).count
    let defects = message.defects.count + body.defects.count + raw.defects.count
    return "\(hash)  \(raw.source.location)  \(date)  \(from)  \"\(oneLine(subject))\"  parts=\(leaves) "
      + "new_words=\(words) defects=\(defects)"
  }

  private static func oneLine(_ text: String) -> String {
    String(text.map { $0.isNewline || $0 == "\t" ? " " : $0 }.prefix(80))
  }

  static func json(raw: RawMessage, message: ParsedMessage, body: MessageBody) -> JSON {
    let source = raw.source
    var parts: [JSON] = []
    for index in message.parts.indices {
      let part = message.parts[index]
      guard part.kind != .multipart else { continue }
      parts.append(
        .object([
          ("path", .string(part.path)),
          ("content_type", .string(part.mimeType)),
          ("charset", .optional(part.charset)),
          ("filename", .optional(part.filename)),
          ("disposition", .optional(part.disposition)),
          ("decoded_size", .optional(message.decodedSize(of: index))),
        ]))
    }
    let defects = (raw.defects + message.defects + body.defects).map { defect -> JSON in
      .object([
        ("kind", .string(defect.kind.rawValue)), ("severity", .string(defect.severity.rawValue)),
        ("offset", .int(defect.offset)), ("part", .string(defect.partPath)), ("detail", .string(defect.detail)),
      ])
    }
    return .object([
      (
        "source",
        .object([
          ("path", .string(source.path)), ("format", .string(source.format.rawValue)),
          ("index", .optional(source.index)), ("key", .optional(source.maildirKey)),
          ("offset", .int(Int(source.byteOffset))), ("flags", .optional(source.maildirFlags)),
        ])
      ),
      ("content_hash", .string(raw.contentHash.hex)),
      ("message_id", .optional(message.rawMessageID)),
      ("date", .optional(message.date?.isoUTC)),
      ("from", JSON.addresses(message.from)),
      ("to", JSON.addresses(message.to)),
      ("cc", JSON.addresses(message.cc)),
      ("subject", .optional(message.subject)),
      ("text", .string(TextNormalizer.normalize(body.text))),
      ("text_from", .optional(body.sourceType)),
      ("new_text", .string(TextNormalizer.normalize(body.pieces.newText))),
      ("parts", .array(parts)),
      ("defects", .array(defects)),
    ])
  }
}

/// The oracle's text normalisation, so the two outputs compare line by line: line breaks to LF,
/// runs of other whitespace to one space, lines trimmed, blank-line runs to one, ends trimmed.
enum TextNormalizer {
  static func normalize(_ text: String) -> String {
    var lines: [String] = []
    var blankRun = 0
    var current = String.UnicodeScalarView()
    var pendingSpace = false
    func endLine() {
      if current.isEmpty {
        blankRun += 1
        if blankRun == 1 { lines.append("") }
      } else {
        blankRun = 0
        lines.append(String(current))
      }
      current = String.UnicodeScalarView()
      pendingSpace = false
    }
    var previousWasCR = false
    for scalar in text.unicodeScalars {
      if scalar == "\n" {
        if previousWasCR { previousWasCR = false; continue }
        endLine()
        continue
      }
      previousWasCR = false
      if scalar == "\r" {
        previousWasCR = true
        endLine()
        continue
      }
      if isPythonSpace(scalar) {
        if !current.isEmpty { pendingSpace = true }
        continue
      }
      if pendingSpace {
        current.append(" ")
        pendingSpace = false
      }
      current.append(scalar)
    }
    endLine()
    while lines.first == "" { lines.removeFirst() }
    while lines.last == "" { lines.removeLast() }
    return lines.joined(separator: "\n")
  }

  /// Python's `str.isspace()` minus LF and CR, which are line breaks here.
  private static func isPythonSpace(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x09, 0x0B, 0x0C, 0x1C...0x1F, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F,
      0x3000:
      return true
    default:
      return false
    }
  }
}

/// Each worker writes only its own slots, so sharing the buffer across threads is safe.
struct SendableBuffer<Element>: @unchecked Sendable {
  let buffer: UnsafeMutableBufferPointer<Element>
  init(_ buffer: UnsafeMutableBufferPointer<Element>) { self.buffer = buffer }
}

/// The processor count without Foundation's ProcessInfo (which would load Foundation and ICU,
/// about 8 MB of resident memory, for one number).
enum ProcessInfoLite {
  static var activeProcessorCount: Int {
    let count = sysconf(Int32(_SC_NPROCESSORS_ONLN))
    return count > 0 ? count : 1
  }
}
