import Glibc

/// The few file-system calls the readers need, over Glibc (no Foundation on this path).
enum FileSystem {
  static func isDirectory(_ path: String) -> Bool {
    var info = stat()
    return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
  }

  static func isRegularFile(_ path: String) -> Bool {
    var info = stat()
    return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
  }

  static func exists(_ path: String) -> Bool {
    var info = stat()
    return stat(path, &info) == 0
  }

  /// Entry names of a directory, sorted bytewise, without `.` and `..`.
  static func sortedNames(in path: String) throws -> [String] {
    guard let directory = opendir(path) else {
      throw MailboxError(path: path, message: "cannot list directory: \(String(cString: strerror(errno)))")
    }
    defer { closedir(directory) }
    var names: [String] = []
    while let entry = readdir(directory) {
      let name = withUnsafePointer(to: entry.pointee.d_name) {
        $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
      }
      if name != "." && name != ".." { names.append(name) }
    }
    return names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
  }

  /// The whole file; for single-message files only (mboxes are streamed).
  static func readAll(_ path: String) throws -> [UInt8] {
    let source = try FileSource(path: path)
    return try readAll(source)
  }

  static func readAll(_ source: any ByteSource) throws -> [UInt8] {
    var source = source
    var bytes = [UInt8]()
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      let n = try chunk.withUnsafeMutableBufferPointer { pointer -> Int in
        guard let base = pointer.baseAddress else { return 0 }
        return try source.read(into: base, count: pointer.count)
      }
      if n == 0 { break }
      bytes.append(contentsOf: chunk[0..<n])
      if n == chunk.count && chunk.count < 1 << 22 { chunk = [UInt8](repeating: 0, count: chunk.count * 4) }
    }
    return bytes
  }
}
