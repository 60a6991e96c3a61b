import BillableModel
import Glibc

/// Lists the messages of a Maildir or Maildir++ folder.
///
/// Reads `cur/` and `new/` (never `tmp/`, where deliveries are still being written), then each
/// Maildir++ sub-folder (`.Sent`, `.Archive.2024`) the same way, all in sorted order so runs
/// are reproducible. Flags come from the `:2,FLAGS` suffix (`;2,` on file systems that forbid
/// colons); the key is the name before it, which survives flag changes.
package enum MaildirReader {
  /// One message file of a Maildir.
  package struct Entry: Sendable, Hashable {
    package var path: String
    package var key: String
    package var flags: String?
    /// `nil` for the top-level folder, else the sub-folder name (`.Sent`).
    package var folder: String?
  }

  /// Whether `path` is a Maildir: it has `cur/` and `new/` (or `cur/` and `tmp/`).
  package static func isMaildir(_ path: String) -> Bool {
    FileSystem.isDirectory(path + "/cur") && (FileSystem.isDirectory(path + "/new") || FileSystem.isDirectory(path + "/tmp"))
  }

  /// Every message file in the Maildir at `path` and its Maildir++ sub-folders.
  package static func entries(in path: String) throws -> [Entry] {
    var result = try folderEntries(path, folder: nil)
    for name in try FileSystem.sortedNames(in: path) where name.hasPrefix(".") && name != "." && name != ".." {
      let sub = path + "/" + name
      if isMaildir(sub) { result += try folderEntries(sub, folder: name) }
    }
    return result
  }

  private static func folderEntries(_ path: String, folder: String?) throws -> [Entry] {
    var result: [Entry] = []
    // Message files left at the folder's top level (some tools do this) carry the `:2,` info
    // suffix; anything else there is the server's bookkeeping (dovecot-uidlist, maildirfolder).
    for name in try FileSystem.sortedNames(in: path) where !name.hasPrefix(".") && splitInfo(name).flags != nil {
      let file = path + "/" + name
      guard FileSystem.isRegularFile(file) else { continue }
      let (key, flags) = splitInfo(name)
      result.append(Entry(path: file, key: key, flags: flags, folder: folder))
    }
    for sub in ["cur", "new"] {
      let directory = path + "/" + sub
      guard FileSystem.isDirectory(directory) else { continue }
      for name in try FileSystem.sortedNames(in: directory) where !name.hasPrefix(".") {
        let file = directory + "/" + name
        guard FileSystem.isRegularFile(file) else { continue }
        let (key, flags) = splitInfo(name)
        result.append(Entry(path: file, key: key, flags: flags, folder: folder))
      }
    }
    return result
  }

  /// `1700000000.M1P1.host:2,RS` → key `1700000000.M1P1.host`, flags `RS`.
  package static func splitInfo(_ name: String) -> (key: String, flags: String?) {
    let bytes = Array(name.utf8)
    var i = bytes.count - 3
    while i >= 0 {
      let separator = bytes[i]
      if (separator == 0x3A || separator == 0x3B || separator == 0x21), bytes[i + 1] == 0x32, bytes[i + 2] == 0x2C {
        return (String(decoding: bytes[..<i], as: UTF8.self), String(decoding: bytes[(i + 3)...], as: UTF8.self))
      }
      i -= 1
    }
    return (name, nil)
  }
}
