import Glibc

/// Buffered writes to a file descriptor (stdout by default). `print` flushes per line and
/// goes through locks; one `write(2)` per 64 KB is what a JSON-lines stream of thousands of
/// messages needs.
final class BufferedOutput {
  private var buffer: [UInt8] = []
  private let descriptor: Int32

  init(descriptor: Int32 = 1) {
    self.descriptor = descriptor
    buffer.reserveCapacity(1 << 16)
  }

  func write(_ text: String) throws {
    buffer.append(contentsOf: text.utf8)
    if buffer.count >= 1 << 16 { try flush() }
  }

  func flush() throws {
    var offset = 0
    while offset < buffer.count {
      let n = buffer.withUnsafeBytes { pointer in
        Glibc.write(descriptor, pointer.baseAddress.map { $0 + offset }, pointer.count - offset)
      }
      if n < 0 {
        if errno == EINTR { continue }
        if errno == EPIPE { throw OutputClosed() }
        throw ExitCodeError(message: "cannot write output: \(String(cString: strerror(errno)))")
      }
      offset += n
    }
    buffer.removeAll(keepingCapacity: true)
  }
}

/// An error whose message is the whole story (printed as `error: …`), exiting 1.
struct ExitCodeError: Error, CustomStringConvertible {
  var message: String
  var description: String { message }
}

/// Lines on stderr, unbuffered: diagnostics must appear even if the run dies next.
enum StandardError {
  static func write(_ line: String) {
    // Diagnostics quote paths and defects, which a hostile file can fill with escapes.
    let text = TerminalText.printable(line, keepingLineBreaks: true) + "\n"
    _ = text.withCString { Glibc.write(2, $0, strlen($0)) }
  }
}

/// Text from mail on its way to a terminal: an escape sequence in a Subject or a body must not
/// run in the reader's terminal (retitle it, hide text, worse). Control characters become
/// spaces; line breaks too unless the text is made of lines.
enum TerminalText {
  static func printable(_ text: String, keepingLineBreaks: Bool = false) -> String {
    func isControl(_ value: UInt32) -> Bool {
      (value < 0x20 && !(keepingLineBreaks && value == 0x0A)) || (value >= 0x7F && value < 0xA0)
    }
    guard text.unicodeScalars.contains(where: { isControl($0.value) }) else { return text }
    var out = String.UnicodeScalarView()
    for scalar in text.unicodeScalars { out.append(isControl(scalar.value) ? " " : scalar) }
    return String(out)
  }
}
