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
    let digest = sha256 { update in
      bytes.withUnsafeBytes { raw in
        let body = UnsafeRawBufferPointer(rebasing: raw[0..<end])
        if let base = body.baseAddress, memchr(base, 0x0D, body.count) != nil {
          var normalized = [UInt8]()
          normalized.reserveCapacity(end)
          var i = 0
          while i < end {
            let byte = bytes[i]
            if byte == 0x0D {
              normalized.append(0x0A)
              if i + 1 < end, bytes[i + 1] == 0x0A { i += 1 }
            } else {
              normalized.append(byte)
            }
            i += 1
          }
          normalized.withUnsafeBytes { update($0) }
        } else {
          update(body)
        }
      }
      var newline: UInt8 = 0x0A
      withUnsafeBytes(of: &newline) { update($0) }
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
