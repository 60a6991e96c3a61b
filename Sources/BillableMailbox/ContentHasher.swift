import BillableModel
import CLibCrypto
import Glibc

/// SHA-256 of a message's canonical bytes, through OpenSSL's libcrypto.
///
/// Canonical form: every CRLF or lone CR becomes LF, trailing line breaks are dropped and one
/// LF is added. So the same message saved with CRLF (an .eml from Outlook) and with LF (an
/// mbox) gets one hash, and so does one with or without the blank line an mbox puts after it.
package enum ContentHasher {
  /// Plain SHA-256 of `bytes` as lowercase hex (no canonicalization), for cache keys and ids.
  package static func sha256Hex(_ bytes: [UInt8]) -> String {
    ContentHash(digest: sha256 { update in bytes.withUnsafeBytes { update($0) } }).hex
  }

  package static func hash(canonicalizing bytes: [UInt8]) -> ContentHash {
    var end = bytes.count
    while end > 0, bytes[end - 1] == 0x0A || bytes[end - 1] == 0x0D { end -= 1 }
    let newline: [UInt8] = [0x0A]
    let digest = sha256 { update in
      bytes.withUnsafeBytes { raw in
        // Each CR-free stretch is hashed where it stands and each CR or CRLF as one LF, so a
        // CRLF message is never copied.
        var start = 0
        while start < end, let base = raw.baseAddress, let cr = memchr(base + start, 0x0D, end - start) {
          let at = base.distance(to: UnsafeRawPointer(cr))
          update(UnsafeRawBufferPointer(rebasing: raw[start..<at]))
          newline.withUnsafeBytes { update($0) }
          start = at + 1
          if start < end, raw[start] == 0x0A { start += 1 }
        }
        update(UnsafeRawBufferPointer(rebasing: raw[start..<end]))
      }
      newline.withUnsafeBytes { update($0) }
    }
    return ContentHash(digest: digest)
  }

  /// Runs one SHA-256 over whatever `feed` passes to its `update` function.
  private static func sha256(_ feed: ((UnsafeRawBufferPointer) -> Void) -> Void) -> [UInt8] {
    let context = EVP_MD_CTX_new()
    defer { EVP_MD_CTX_free(context) }
    EVP_DigestInit_ex(context, EVP_sha256(), nil)
    feed { buffer in
      if let base = buffer.baseAddress, buffer.count > 0 { EVP_DigestUpdate(context, base, buffer.count) }
    }
    var out = [UInt8](repeating: 0, count: 32)
    var length: UInt32 = 0
    EVP_DigestFinal_ex(context, &out, &length)
    return out
  }
}
