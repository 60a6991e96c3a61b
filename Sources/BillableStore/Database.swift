/// BillableStore: the SQLite store, through the SQLite C API (libsqlite3, no package build).
///
/// Migrations are frozen SQL strings applied by `PRAGMA user_version`; invariants live in the
/// schema (NOT NULL, CHECK, foreign keys, unique entry ids for upserts). Errors show the
/// failing SQL but never bound values, which can be message content. Imports BillableModel.
import CSQLite
import Foundation

/// A failed database operation: what failed, SQLite's message, and the SQL (without values).
package struct StoreError: Error, CustomStringConvertible, Sendable {
  package var path: String
  package var message: String
  package var sql: String?
  /// SQLite's primary result code (0 when the error did not come from SQLite).
  package var code: Int32 = 0

  package var description: String {
    "\(path): \(message)\(sql.map { " (in: \($0.prefix(120)))" } ?? "")"
  }
}

/// One connection, in SQLite's serialized mode: the scan looks messages up on one thread
/// while it commits on another, and SQLite's own mutex keeps each call whole.
final class Connection {
  let handle: OpaquePointer
  let path: String

  init(path: String) throws {
    var pointer: OpaquePointer? = nil
    let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX
    let status = sqlite3_open_v2(path, &pointer, flags, nil)
    guard status == SQLITE_OK, let pointer else {
      let message = pointer.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
      if let pointer { sqlite3_close_v2(pointer) }
      throw StoreError(path: path, message: "cannot open the database: \(message)", sql: nil, code: status & 0xFF)
    }
    handle = pointer
    self.path = path
    sqlite3_busy_timeout(handle, 5000)
  }

  func busyTimeout(milliseconds: Int32) { sqlite3_busy_timeout(handle, milliseconds) }

  deinit {
    sqlite3_close_v2(handle)
  }

  func error(_ sql: String?) -> StoreError {
    StoreError(path: path, message: String(cString: sqlite3_errmsg(handle)), sql: sql, code: sqlite3_errcode(handle) & 0xFF)
  }

  func execute(_ sql: String) throws {
    var message: UnsafeMutablePointer<CChar>? = nil
    let status = sqlite3_exec(handle, sql, nil, nil, &message)
    if status != SQLITE_OK {
      let text = message.map { String(cString: $0) } ?? "unknown error"
      sqlite3_free(message)
      throw StoreError(path: path, message: text, sql: sql, code: status & 0xFF)
    }
  }

  func prepare(_ sql: String) throws -> Statement {
    var statement: OpaquePointer? = nil
    guard sqlite3_prepare_v2(handle, sql, -1, &statement, nil) == SQLITE_OK, let statement else { throw error(sql) }
    return Statement(statement, connection: self, sql: sql)
  }

  /// Runs `body` in one transaction (BEGIN IMMEDIATE, so a second writer waits or fails at
  /// the start instead of midway); rolls back on error.
  func transaction<T>(_ body: () throws -> T) throws -> T {
    try execute("BEGIN IMMEDIATE")
    do {
      let result = try body()
      try execute("COMMIT")
      return result
    } catch {
      try? execute("ROLLBACK")
      throw error
    }
  }

  func scalarInt(_ sql: String) throws -> Int {
    let statement = try prepare(sql)
    return try statement.step() ? statement.int(0) : 0
  }
}

/// A prepared statement with typed binding and reading.
final class Statement {
  let handle: OpaquePointer
  unowned let connection: Connection
  let sql: String

  init(_ handle: OpaquePointer, connection: Connection, sql: String) {
    self.handle = handle
    self.connection = connection
    self.sql = sql
  }

  deinit {
    sqlite3_finalize(handle)
  }

  /// Binds values to `?1`, `?2`, … in order (nil binds NULL).
  @discardableResult
  func bind(_ values: [(any Bindable)?]) -> Statement {
    sqlite3_reset(handle)
    sqlite3_clear_bindings(handle)
    for (offset, value) in values.enumerated() {
      let index = Int32(offset + 1)
      guard let value else {
        sqlite3_bind_null(handle, index)
        continue
      }
      value.bind(to: handle, at: index)
    }
    return self
  }

  /// Ends the current execution (releasing its read snapshot); bindings stay.
  func reset() { sqlite3_reset(handle) }

  /// Steps once; true when a row is available.
  func step() throws -> Bool {
    switch sqlite3_step(handle) {
    case SQLITE_ROW: return true
    case SQLITE_DONE: return false
    default: throw connection.error(sql)
    }
  }

  /// Runs to completion (for writes).
  func run(_ values: [(any Bindable)?] = []) throws {
    bind(values)
    while try step() {}
  }

  /// The whole value, by its length: a C string would end at a NUL byte, which a header or
  /// a body may well hold.
  func string(_ column: Int32) -> String? {
    guard sqlite3_column_type(handle, column) != SQLITE_NULL, let text = sqlite3_column_text(handle, column) else {
      return nil
    }
    return String(decoding: UnsafeBufferPointer(start: text, count: Int(sqlite3_column_bytes(handle, column))), as: UTF8.self)
  }

  func blob(_ column: Int32) -> [UInt8] {
    let count = Int(sqlite3_column_bytes(handle, column))
    guard count > 0, let bytes = sqlite3_column_blob(handle, column) else { return [] }
    return Array(UnsafeRawBufferPointer(start: bytes, count: count))
  }

  func int(_ column: Int32) -> Int { Int(sqlite3_column_int64(handle, column)) }
  func isNull(_ column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }
  func double(_ column: Int32) -> Double { sqlite3_column_double(handle, column) }
}

/// A value that can be bound to a statement parameter.
protocol Bindable {
  func bind(to statement: OpaquePointer, at index: Int32)
}

extension String: Bindable {
  func bind(to statement: OpaquePointer, at index: Int32) {
    var text = self
    text.withUTF8 { buffer in
      buffer.baseAddress.map { base in
        base.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
          _ = billable_sqlite_bind_text(statement, index, $0, Int32(buffer.count))
        }
      } ?? { _ = billable_sqlite_bind_text(statement, index, "", 0) }()
    }
  }
}

extension Int: Bindable {
  func bind(to statement: OpaquePointer, at index: Int32) { sqlite3_bind_int64(statement, index, Int64(self)) }
}

extension Double: Bindable {
  func bind(to statement: OpaquePointer, at index: Int32) { sqlite3_bind_double(statement, index, self) }
}
