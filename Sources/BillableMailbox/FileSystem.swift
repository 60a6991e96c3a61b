import Glibc

/// The few file-system calls the readers need, over Glibc (no Foundation on this path).
package enum FileSystem {
  /// A file name as a String, losslessly: a name that is not UTF-8 (a Latin-1 "Résumé.eml")
  /// has each byte of 0x80 and above as U+F700 + byte, a private-use character that
  /// `withPath` turns back into the byte. A repaired name (U+FFFD) could not be opened again.
  package static func name(fromBytes bytes: UnsafePointer<CChar>) -> String {
    if let valid = String(validatingCString: bytes) { return valid }
    var scalars = String.UnicodeScalarView()
    var pointer = bytes
    while pointer.pointee != 0 {
      let byte = UInt8(bitPattern: pointer.pointee)
      scalars.append(Unicode.Scalar(byte < 0x80 ? UInt32(byte) : 0xF700 + UInt32(byte))!)
      pointer += 1
    }
    return String(scalars)
  }

  /// Calls `body` with the path's bytes on disk (see `name(fromBytes:)`).
  package static func withPath<T>(_ path: String, _ body: (UnsafePointer<CChar>) -> T) -> T {
    guard path.unicodeScalars.contains(where: { (0xF780...0xF7FF).contains($0.value) }) else {
      return path.withCString(body)
    }
    var bytes: [CChar] = []
    for scalar in path.unicodeScalars {
      if (0xF780...0xF7FF).contains(scalar.value) {
        bytes.append(CChar(bitPattern: UInt8(scalar.value - 0xF700)))
      } else {
        bytes.append(contentsOf: String(scalar).utf8.map { CChar(bitPattern: $0) })
      }
    }
    bytes.append(0)
    return bytes.withUnsafeBufferPointer { body($0.baseAddress!) }
  }

  static func isDirectory(_ path: String) -> Bool {
    var info = stat()
    return withPath(path) { stat($0, &info) } == 0 && (info.st_mode & S_IFMT) == S_IFDIR
  }

  static func isRegularFile(_ path: String) -> Bool {
    var info = stat()
    return withPath(path) { stat($0, &info) } == 0 && (info.st_mode & S_IFMT) == S_IFREG
  }

  /// What a path is on disk, symbolic links followed: the same directory reached twice (a
  /// link to an ancestor) has the same identity.
  struct Identity: Hashable {
    var device: UInt64
    var inode: UInt64
  }

  static func identity(_ path: String) -> Identity? {
    var info = stat()
    guard withPath(path, { stat($0, &info) }) == 0 else { return nil }
    return Identity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
  }

  /// The canonical absolute path (symbolic links and `..` resolved on disk), or `nil` if
  /// the path does not exist.
  package static func realPath(_ path: String) -> String? {
    guard let resolved = withPath(path, { realpath($0, nil) }) else { return nil }
    defer { free(resolved) }
    return name(fromBytes: resolved)
  }

  /// Why `path` cannot be looked at ("No such file or directory", "Too many levels of
  /// symbolic links", "File name too long"), or nil when it can.
  static func lookupProblem(_ path: String) -> String? {
    var info = stat()
    return withPath(path) { stat($0, &info) } == 0 ? nil : String(cString: strerror(errno))
  }

  /// Entry names of a directory, sorted bytewise, without `.` and `..`.
  static func sortedNames(in path: String) throws -> [String] {
    guard let directory = withPath(path, { opendir($0) }) else {
      throw MailboxError(path: path, message: "cannot list directory: \(String(cString: strerror(errno)))")
    }
    defer { closedir(directory) }
    var names: [String] = []
    while let entry = readdir(directory) {
      let name = withUnsafePointer(to: entry.pointee.d_name) {
        $0.withMemoryRebound(to: CChar.self, capacity: 256) { Self.name(fromBytes: $0) }
      }
      if name != "." && name != ".." { names.append(name) }
    }
    return names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
  }

  /// A single-message file, up to `RawMessage.maxLength` bytes (mboxes are streamed);
  /// `truncated` when there was more.
  static func readMessage(_ path: String) throws -> (bytes: [UInt8], truncated: Bool) {
    try readMessage(FileSource(path: path))
  }

  static func readMessage(_ source: any ByteSource) throws -> (bytes: [UInt8], truncated: Bool) {
    var source = source
    var bytes = [UInt8]()
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      // One byte past the limit tells a message of exactly the limit from a longer one.
      let wanted = min(chunk.count, RawMessage.maxLength + 1 - bytes.count)
      let n = try chunk.withUnsafeMutableBufferPointer { pointer -> Int in
        guard let base = pointer.baseAddress else { return 0 }
        return try source.read(into: base, count: wanted)
      }
      if n == 0 { break }
      bytes.append(contentsOf: chunk[0..<n])
      if bytes.count > RawMessage.maxLength {
        bytes.removeLast(bytes.count - RawMessage.maxLength)
        return (bytes, true)
      }
      if n == chunk.count && chunk.count < 1 << 22 { chunk = [UInt8](repeating: 0, count: chunk.count * 4) }
    }
    return (bytes, false)
  }
}
