import CSQLite
import Foundation

/// The analysis cache on disk: one SQLite file, `analyses.sqlite`, in the cache folder.
///
/// A row per (content hash, analyzer fingerprint) holds the encoded analyses. Rows are written
/// up to `writeEvery` per transaction, so a reader never sees half an entry and a killed scan
/// loses at most the entries not yet written. It is safe to use from two threads (the scan
/// looks up on one and writes on another). This replaced one JSON file per entry: a 100 MB
/// mailbox made 17,000 files, and creating them cost more CPU than parsing the mail.
///
/// Nothing here is allowed to stop a scan: a row that cannot be decoded is a miss (the caller
/// decodes, and rewrites it), a file that is not a database or is damaged is moved aside and
/// started afresh, and a cache that cannot be opened at all misses everything and says why in
/// `problem`.
package final class CacheDatabase: @unchecked Sendable {
  package static let fileName = "analyses.sqlite"
  package let directory: String
  /// Why the cache is not working, if it is not (for a warning); `nil` when it is.
  package private(set) var problem: String?
  private var connection: Connection?
  private var lookupStatement: Statement?
  private var writeStatement: Statement?
  private var touchStatement: Statement?
  private let now: () -> Int
  /// Guards everything below: lookups and writes come from different threads.
  private let lock = NSLock()

  package var path: String { directory + "/" + Self.fileName }

  package init(directory: String, now: @escaping () -> Int = { Int(Date().timeIntervalSince1970) }) {
    self.directory = directory
    self.now = now
    do {
      try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
      connection = try open()
    } catch {
      recover(from: error)
    }
  }

  /// Where a damaged cache file was moved, if one was found.
  package private(set) var damagedFileMovedTo: String?

  /// A file that is not a database, or a damaged one, is kept beside for inspection and the
  /// cache starts afresh; any other failure leaves the cache off for this run.
  private func recover(from error: any Error) {
    // Statements first, then the connection, so that SQLite really closes the file (and its
    // -wal) before anything is moved: a connection closed later would checkpoint and unlink
    // the -wal by name, which by then is the fresh cache's.
    lookupStatement = nil
    writeStatement = nil
    touchStatement = nil
    connection = nil
    guard let error = error as? StoreError, error.code == SQLITE_NOTADB || error.code == SQLITE_CORRUPT else {
      problem = "\(error)"
      return
    }
    let aside = path + ".damaged-\(now())"
    try? FileManager.default.moveItem(atPath: path, toPath: aside)
    for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    damagedFileMovedTo = aside
    do {
      connection = try open()
    } catch {
      problem = "\(error)"
    }
  }

  private func open() throws -> Connection {
    let connection = try Connection(path: path)
    try connection.execute("PRAGMA journal_mode = WAL")
    try connection.execute("PRAGMA synchronous = NORMAL")
    // Fewer checkpoints, each an fdatasync, as in the store (see `Store.init`).
    try connection.execute("PRAGMA wal_autocheckpoint = 8192")
    let version = try connection.scalarInt("PRAGMA user_version")
    if version > 2 {
      throw StoreError(path: path, message: "the cache was written by a newer billable (schema \(version)); use another --cache-dir", sql: nil)
    }
    if version < 2 {
      try connection.transaction {
        if version == 1 { try connection.execute("ALTER TABLE analyses RENAME TO analyses_v1") }
        // Schema 2 looks rows up by a 64-bit key rather than by the two strings: the index
        // of 110-byte text keys took a quarter of the cache file and, inserted into at
        // random, was rewritten almost whole at every commit.
        try connection.execute(
          """
          CREATE TABLE analyses (
            key INTEGER NOT NULL UNIQUE,
            content_hash TEXT NOT NULL,
            fingerprint TEXT NOT NULL,
            used_at INTEGER NOT NULL,
            body BLOB NOT NULL
          );
          """)
        if version == 1 { try copyVersion1Rows(connection) }
        try connection.execute("PRAGMA user_version = 2")
      }
    }
    lookupStatement = try connection.prepare("SELECT content_hash, fingerprint, body FROM analyses WHERE key = ?1")
    writeStatement = try connection.prepare(
      "INSERT OR REPLACE INTO analyses (key, content_hash, fingerprint, used_at, body) VALUES (?1, ?2, ?3, ?4, ?5)")
    touchStatement = try connection.prepare("UPDATE analyses SET used_at = ?2 WHERE key = ?1")
    return connection
  }

  /// Moves a schema-1 cache's rows into the schema-2 table (inside the caller's transaction).
  private func copyVersion1Rows(_ connection: Connection) throws {
    do {
      let rows = try connection.prepare("SELECT content_hash, fingerprint, used_at, body FROM analyses_v1")
      let insert = try connection.prepare(
        "INSERT OR REPLACE INTO analyses (key, content_hash, fingerprint, used_at, body) VALUES (?1, ?2, ?3, ?4, ?5)")
      while try rows.step() {
        let contentHash = rows.string(0) ?? "", fingerprint = rows.string(1) ?? ""
        try insert.run([Self.key(contentHash: contentHash, fingerprint: fingerprint), contentHash, fingerprint, rows.int(2), Blob(rows.blob(3))])
      }
    }
    try connection.execute("DROP TABLE analyses_v1")
  }

  /// The row key of an entry: FNV-1a over both parts. Two entries may share one (at odds of
  /// about n²/2⁶⁵); then the later replaces the earlier, and a lookup, which checks both
  /// parts, misses rather than return the other's analyses.
  static func key(contentHash: String, fingerprint: String) -> Int {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    func add(_ byte: UInt8) {
      hash ^= UInt64(byte)
      hash &*= 0x0000_0100_0000_01b3
    }
    for byte in contentHash.utf8 { add(byte) }
    add(0x0A)
    for byte in fingerprint.utf8 { add(byte) }
    return Int(bitPattern: UInt(hash))
  }

  /// A failure seen while a statement was in use; handled by `recoverIfFailed` once no
  /// statement is held.
  private var failure: (any Error)?

  private func recoverIfFailed() {
    guard let error = failure else { return }
    failure = nil
    recover(from: error)
    if connection == nil, problem == nil { problem = "cannot use the cache: \(error)" }
  }

  /// The stored body for a key, or `nil` (a miss, including any read error).
  package func lookup(contentHash: String, fingerprint: String) -> [UInt8]? {
    lookup(contentHashes: [contentHash], fingerprint: fingerprint)[0]
  }

  /// The stored body for each content hash under `fingerprint`, read in one transaction.
  package func lookup(contentHashes: [String], fingerprint: String) -> [[UInt8]?] {
    lock.lock()
    defer { lock.unlock() }
    recoverIfFailed()
    guard let connection, let statement = lookupStatement, !contentHashes.isEmpty else {
      return contentHashes.map { pendingBodies[$0 + "\n" + fingerprint] }
    }
    // One read transaction for the batch rather than one per lookup; a failure to begin one
    // only means each lookup makes its own.
    let began = (try? connection.execute("BEGIN")) != nil
    defer { if began { try? connection.execute("COMMIT") } }
    return contentHashes.map { contentHash in
      if let body = pendingBodies[contentHash + "\n" + fingerprint] { return body }
      guard failure == nil else { return nil }
      defer { statement.reset() }
      statement.bind([Self.key(contentHash: contentHash, fingerprint: fingerprint)])
      do {
        // The row must carry the key it was found under: a damaged index or two entries
        // sharing a key is a miss, never another message's analyses.
        guard try statement.step(), statement.string(0) == contentHash, statement.string(1) == fingerprint else { return nil }
        return statement.blob(2)
      } catch {
        failure = error
        return nil
      }
    }
  }

  /// Writes accumulated in memory until `writeEvery` are waiting, then committed together.
  /// Unlike the store, the cache need not be durable batch by batch: a message whose entry
  /// a killed scan lost is in the store already, and costs at most one analysis later. One
  /// transaction per 20 messages rewrote each index page it touched every time.
  package static let writeEvery = 500
  private var pendingBodies: [String: [UInt8]] = [:]
  private var pending: [(contentHash: String, fingerprint: String, body: [UInt8], time: Int)] = []
  private var pendingUsed: [(contentHash: String, fingerprint: String, time: Int)] = []

  /// Stores new bodies and marks reused ones as used now (committed with the next `flush`).
  package func write(_ entries: [(contentHash: String, fingerprint: String, body: [UInt8])], used: [(contentHash: String, fingerprint: String)]) {
    lock.lock()
    defer { lock.unlock() }
    guard connection != nil else { return }
    let time = now()
    for entry in entries {
      pendingBodies[entry.contentHash + "\n" + entry.fingerprint] = entry.body
      pending.append((entry.contentHash, entry.fingerprint, entry.body, time))
    }
    pendingUsed += used.map { ($0.contentHash, $0.fingerprint, time) }
    if pending.count + pendingUsed.count >= Self.writeEvery {
      flushLocked()
      recoverIfFailed()
    }
  }

  /// Commits the waiting writes in one transaction and copies the write-ahead log into the
  /// database file, which closing the connection would otherwise do (a scan calls this on a
  /// thread of its own while it settles). A failure loses only those cache entries; it is kept
  /// in `problem` for a warning.
  package func flush() {
    lock.lock()
    defer { lock.unlock() }
    recoverIfFailed()
    flushLocked()
    recoverIfFailed()
    // Passive: another scan reading the same cache is never waited for; what it holds back
    // is copied when the connection closes.
    try? connection?.execute("PRAGMA wal_checkpoint(PASSIVE)")
  }

  private func flushLocked() {
    defer {
      pending.removeAll()
      pendingUsed.removeAll()
      pendingBodies.removeAll()
    }
    guard let connection, let writeStatement, let touchStatement, !(pending.isEmpty && pendingUsed.isEmpty) else { return }
    do {
      try connection.transaction {
        for entry in pending {
          let key = Self.key(contentHash: entry.contentHash, fingerprint: entry.fingerprint)
          try writeStatement.run([key, entry.contentHash, entry.fingerprint, entry.time, Blob(entry.body)])
        }
        for used in pendingUsed { try touchStatement.run([Self.key(contentHash: used.contentHash, fingerprint: used.fingerprint), used.time]) }
      }
    } catch {
      failure = error
    }
  }

  deinit { flushLocked() }

  /// Entries, and bytes on disk (the database with its write-ahead log).
  package func usage() -> (entries: Int, bytes: Int) {
    flush()
    let entries = (try? connection?.scalarInt("SELECT count(*) FROM analyses")) ?? 0
    let bytes = [path, path + "-wal"].reduce(0) { total, file in
      total + ((try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0)
    }
    return (entries, bytes)
  }

  /// Deletes entries not used since `cutoff` and gives the space back, and every entry of the
  /// old one-file-per-entry layout (`ab/abcd….json`); returns how many.
  @discardableResult
  package func prune(olderThan cutoff: Date) -> Int {
    flush()
    let legacy = removeLegacyEntries()
    guard let connection else { return legacy }
    do {
      let statement = try connection.prepare("DELETE FROM analyses WHERE used_at < ?1")
      let seconds = cutoff.timeIntervalSince1970
      try statement.run([seconds.isFinite ? Int(max(-1e15, min(1e15, seconds))) : 0])
      let removed = Int(sqlite3_changes(connection.handle))
      if removed > 0 { try connection.execute("VACUUM") }
      return removed + legacy
    } catch {
      problem = "\(error)"
      return legacy
    }
  }

  private func removeLegacyEntries() -> Int {
    let files = FileManager.default
    let hex = Set("0123456789abcdef")
    var removed = 0
    for folder in (try? files.contentsOfDirectory(atPath: directory)) ?? [] where folder.count == 2 && folder.allSatisfy(hex.contains) {
      let path = directory + "/" + folder
      let names = (try? files.contentsOfDirectory(atPath: path)) ?? []
      guard names.allSatisfy({ $0.hasSuffix(".json") || $0.hasSuffix(".tmp") }) else { continue }
      if (try? files.removeItem(atPath: path)) != nil { removed += names.filter { $0.hasSuffix(".json") }.count }
    }
    return removed
  }
}

/// Bytes bound as a BLOB.
struct Blob: Bindable {
  var bytes: [UInt8]
  init(_ bytes: [UInt8]) { self.bytes = bytes }

  func bind(to statement: OpaquePointer, at index: Int32) {
    bytes.withUnsafeBytes { buffer in
      _ = billable_sqlite_bind_blob(statement, index, buffer.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32(buffer.count))
    }
  }
}
