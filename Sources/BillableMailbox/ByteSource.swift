import CZlib
import Glibc

/// Something bytes can be read from in chunks: a file, standard input, a gzip stream.
protocol ByteSource {
  /// Reads up to `count` bytes into `buffer`; returns 0 at the end.
  mutating func read(into buffer: UnsafeMutablePointer<UInt8>, count: Int) throws -> Int
}

/// A file descriptor read with read(2): streaming at memory speed with a fixed buffer.
final class FileSource: ByteSource {
  let descriptor: Int32
  let path: String
  private let ownsDescriptor: Bool

  init(path: String) throws {
    let fd = FileSystem.withPath(path) { open($0, O_RDONLY | O_CLOEXEC) }
    guard fd >= 0 else { throw MailboxError(path: path, message: "cannot open: \(String(cString: strerror(errno)))") }
    self.descriptor = fd
    self.path = path
    self.ownsDescriptor = true
  }

  init(standardInput: ()) {
    self.descriptor = 0
    self.path = "-"
    self.ownsDescriptor = false
  }

  deinit {
    if ownsDescriptor { close(descriptor) }
  }

  func read(into buffer: UnsafeMutablePointer<UInt8>, count: Int) throws -> Int {
    while true {
      let n = Glibc.read(descriptor, buffer, count)
      if n >= 0 { return n }
      if errno == EINTR { continue }
      throw MailboxError(path: path, message: "read failed: \(String(cString: strerror(errno)))")
    }
  }
}

/// A gzip (or zlib) stream decompressed on the fly, so `.mbox.gz` never lands on disk whole.
final class GzipSource: ByteSource {
  private var inner: any ByteSource
  private let path: String
  private var stream = z_stream()
  // zlib keeps a pointer into the input between calls, so the buffer must not move: it is
  // allocated once here rather than living in a Swift array.
  private let inputCapacity = 256 * 1024
  private let input: UnsafeMutablePointer<UInt8>
  private var finished = false
  /// Set when the compressed data ended before the gzip trailer.
  private(set) var wasTruncated = false
  /// Set when bytes that are no gzip member follow the last one (they are ignored, as gzip does).
  private(set) var hadTrailingGarbage = false
  /// A corruption found after this read had produced bytes: those are returned first (every
  /// message decoded before the damage is kept), the error on the next read.
  private var deferredError: MailboxError?

  init(_ inner: any ByteSource, path: String) throws {
    self.inner = inner
    self.path = path
    self.input = UnsafeMutablePointer<UInt8>.allocate(capacity: inputCapacity)
    guard billable_inflate_init_gzip(&stream) == Z_OK else {
      input.deallocate()
      throw MailboxError(path: path, message: "cannot start gzip decompression")
    }
  }

  deinit {
    inflateEnd(&stream)
    input.deallocate()
  }

  func read(into buffer: UnsafeMutablePointer<UInt8>, count: Int) throws -> Int {
    if let error = deferredError {
      deferredError = nil
      finished = true
      throw error
    }
    if finished { return 0 }
    stream.next_out = buffer
    stream.avail_out = UInt32(clamping: count)
    while stream.avail_out > 0 {
      if stream.avail_in == 0 {
        let n = try inner.read(into: input, count: inputCapacity)
        if n == 0 {
          wasTruncated = true
          finished = true
          break
        }
        stream.next_in = input
        stream.avail_in = UInt32(n)
      }
      let result = inflate(&stream, Z_NO_FLUSH)
      if result == Z_STREAM_END {
        // Concatenated gzip members are legal (`cat a.gz b.gz` makes them): go on if more follows.
        if stream.avail_in == 0 {
          let n = try inner.read(into: input, count: inputCapacity)
          if n == 0 {
            finished = true
            break
          }
          stream.next_in = input
          stream.avail_in = UInt32(n)
        }
        // Another member starts with the gzip magic; anything else is trailing garbage.
        if stream.next_in.pointee != 0x1F {
          hadTrailingGarbage = true
          finished = true
          break
        }
        inflateReset(&stream)
        continue
      }
      if result != Z_OK && result != Z_BUF_ERROR {
        let error = MailboxError(path: path, message: "gzip data is corrupt (zlib error \(result)); what came before was read")
        let produced = count - Int(stream.avail_out)
        guard produced > 0 else {
          finished = true
          throw error
        }
        deferredError = error
        return produced
      }
    }
    return count - Int(stream.avail_out)
  }
}

/// Bytes already in memory (tests, fuzzing, and callers that hold a mailbox as data).
final class MemorySource: ByteSource {
  private let bytes: [UInt8]
  private var offset = 0

  init(_ bytes: [UInt8]) {
    self.bytes = bytes
  }

  func read(into buffer: UnsafeMutablePointer<UInt8>, count: Int) throws -> Int {
    let n = min(count, bytes.count - offset)
    guard n > 0 else { return 0 }
    bytes.withUnsafeBufferPointer { pointer in
      if let base = pointer.baseAddress { buffer.update(from: base + offset, count: n) }
    }
    offset += n
    return n
  }
}
