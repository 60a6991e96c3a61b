import BillableStore
import Foundation
import Testing

@Suite("Analysis cache database")
struct CacheDatabaseTests {
  final class Folder {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("cache-\(UUID().uuidString)").path
    deinit { try? FileManager.default.removeItem(atPath: path) }
  }

  @Test("a written entry is found under its key only, and survives reopening once flushed")
  func roundTrip() throws {
    let folder = Folder()
    let cache = CacheDatabase(directory: folder.path)
    #expect(cache.problem == nil)
    #expect(cache.lookup(contentHash: "aa", fingerprint: "f1") == nil)
    cache.write([("aa", "f1", Array("one".utf8)), ("bb", "f1", Array("two".utf8))], used: [])
    #expect(cache.lookup(contentHash: "aa", fingerprint: "f1") == Array("one".utf8))
    #expect(cache.lookup(contentHash: "aa", fingerprint: "f2") == nil, "another fingerprint is another key")
    // Rewriting a key replaces its body.
    cache.write([("aa", "f1", Array("uno".utf8))], used: [])
    // Writes wait in memory until flushed (or until enough are waiting).
    #expect(CacheDatabase(directory: folder.path).lookup(contentHash: "aa", fingerprint: "f1") == nil)
    cache.flush()
    // Flushed into the database file itself: a copy of the file alone, without its
    // write-ahead log, holds both entries.
    let copy = Folder()
    try FileManager.default.createDirectory(atPath: copy.path, withIntermediateDirectories: true)
    try FileManager.default.copyItem(atPath: cache.path, toPath: copy.path + "/" + CacheDatabase.fileName)
    #expect(CacheDatabase(directory: copy.path).usage().entries == 2)
    let reopened = CacheDatabase(directory: folder.path)
    #expect(reopened.lookup(contentHash: "aa", fingerprint: "f1") == Array("uno".utf8))
    #expect(reopened.usage().entries == 2)
    #expect(reopened.usage().bytes > 0)
  }

  @Test("prune removes entries not used since the cutoff; a use keeps an entry")
  func prune() throws {
    let folder = Folder()
    var clock = 1_000
    let cache = CacheDatabase(directory: folder.path, now: { clock })
    cache.write([("old", "f", [1]), ("used", "f", [2])], used: [])
    clock = 5_000
    cache.write([("new", "f", [3])], used: [("used", "f")])
    #expect(cache.prune(olderThan: Date(timeIntervalSince1970: 2_000)) == 1)
    #expect(cache.lookup(contentHash: "old", fingerprint: "f") == nil)
    #expect(cache.lookup(contentHash: "used", fingerprint: "f") == [2])
    #expect(cache.lookup(contentHash: "new", fingerprint: "f") == [3])
  }

  @Test("prune deletes the entries of the old one-file-per-entry layout, and nothing else")
  func legacyLayout() throws {
    let folder = Folder()
    let cache = CacheDatabase(directory: folder.path)
    for shard in ["ab", "0f"] {
      try FileManager.default.createDirectory(atPath: folder.path + "/" + shard, withIntermediateDirectories: true)
      try Data("{}".utf8).write(to: URL(fileURLWithPath: folder.path + "/\(shard)/\(shard)12.json"))
    }
    try FileManager.default.createDirectory(atPath: folder.path + "/cd", withIntermediateDirectories: true)
    try Data("mine".utf8).write(to: URL(fileURLWithPath: folder.path + "/cd/notes.txt"))
    #expect(cache.prune(olderThan: Date()) == 2)
    let left = try FileManager.default.contentsOfDirectory(atPath: folder.path)
    #expect(!left.contains("ab") && !left.contains("0f") && left.contains("cd") && left.contains(CacheDatabase.fileName))
  }

  @Test("a file that is not a database is moved aside and the cache starts empty")
  func foreignFile() throws {
    let folder = Folder()
    try FileManager.default.createDirectory(atPath: folder.path, withIntermediateDirectories: true)
    try Data(repeating: 0x20, count: 8192).write(to: URL(fileURLWithPath: folder.path + "/" + CacheDatabase.fileName))
    let cache = CacheDatabase(directory: folder.path)
    #expect(cache.problem == nil)
    #expect(cache.damagedFileMovedTo != nil)
    #expect(cache.lookup(contentHash: "aa", fingerprint: "f") == nil)
    cache.write([("aa", "f", [7])], used: [])
    #expect(cache.lookup(contentHash: "aa", fingerprint: "f") == [7])
  }

  @Test("a cache written by schema 1 keeps its entries under schema 2")
  func upgradeFromSchema1() throws {
    let folder = Folder()
    try FileManager.default.createDirectory(atPath: folder.path, withIntermediateDirectories: true)
    // The first schema, as billable 1.x wrote it: rows keyed by the two strings.
    let script = """
      import sqlite3, sys
      c = sqlite3.connect(sys.argv[1])
      c.execute('CREATE TABLE analyses (content_hash TEXT NOT NULL, fingerprint TEXT NOT NULL, used_at INTEGER NOT NULL, body BLOB NOT NULL, UNIQUE (content_hash, fingerprint))')
      c.executemany('INSERT INTO analyses VALUES (?, ?, ?, ?)', [('aa', 'f1', 100, b'one'), ('aa', 'f2', 200, b'two'), ('bb', 'f1', 300, b'three')])
      c.execute('PRAGMA user_version = 1')
      c.commit()
      """
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", script, folder.path + "/" + CacheDatabase.fileName]
    try process.run()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)

    let cache = CacheDatabase(directory: folder.path)
    #expect(cache.problem == nil && cache.damagedFileMovedTo == nil)
    #expect(cache.lookup(contentHash: "aa", fingerprint: "f1") == Array("one".utf8))
    #expect(cache.lookup(contentHash: "aa", fingerprint: "f2") == Array("two".utf8))
    #expect(cache.lookup(contentHash: "bb", fingerprint: "f1") == Array("three".utf8))
    #expect(cache.lookup(contentHash: "bb", fingerprint: "f2") == nil)
    #expect(cache.usage().entries == 3)
    // The times of last use came along: prune still tells old entries from new.
    #expect(cache.prune(olderThan: Date(timeIntervalSince1970: 250)) == 2)
    #expect(cache.lookup(contentHash: "bb", fingerprint: "f1") == Array("three".utf8))
  }

  @Test("a cache folder that cannot be created leaves the cache off, with the reason")
  func unusable() throws {
    let folder = Folder()
    try Data("a file".utf8).write(to: URL(fileURLWithPath: folder.path))
    let cache = CacheDatabase(directory: folder.path + "/inside")
    #expect(cache.problem != nil)
    #expect(cache.lookup(contentHash: "aa", fingerprint: "f") == nil)
    cache.write([("aa", "f", [7])], used: [])
    #expect(cache.usage().entries == 0)
  }
}
