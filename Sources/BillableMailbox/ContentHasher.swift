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
    var out = [UInt8](repeating: 0, count: 32)
    bytes.withUnsafeBufferPointer { buffer in
      let context = EVP_MD_CTX_new()
      defer { EVP_MD_CTX_free(context) }
      EVP_DigestInit_ex(context, EVP_sha256(), nil)
      EVP_DigestUpdate(context, buffer.baseAddress, buffer.count)
      var length: UInt32 = 0
      EVP_DigestFinal_ex(context, &out, &length)
    }
    return ContentHash(digest: out).hex
  }

  package static func hash(canonicalizing bytes: [UInt8]) -> ContentHash {
    var end = bytes.count
    while end > 0, bytes[end - 1] == 0x0A || bytes[end - 1] == 0x0D { end -= 1 }
    let digest: [UInt8] = bytes.withUnsafeBufferPointer { buffer -> [UInt8] in
      let context = EVP_MD_CTX_new()
      defer { EVP_MD_CTX_free(context) }
      EVP_DigestInit_ex(context, EVP_sha256(), nil)
      if let base = buffer.baseAddress, end > 0 {
        if memchr(base, 0x0D, end) == nil {
          EVP_DigestUpdate(context, base, end)
        } else {
          var normalized = [UInt8]()
          normalized.reserveCapacity(end)
          var i = 0
          while i < end {
            let byte = base[i]
            if byte == 0x0D {
              normalized.append(0x0A)
              if i + 1 < end, base[i + 1] == 0x0A { i += 1 }
            } else {
              normalized.append(byte)
            }
            i += 1
          }
          normalized.withUnsafeBytes { _ = EVP_DigestUpdate(context, $0.baseAddress, $0.count) }
        }
      }
      var newline: UInt8 = 0x0A
      EVP_DigestUpdate(context, &newline, 1)
      var out = [UInt8](repeating: 0, count: 32)
      var length: UInt32 = 0
      EVP_DigestFinal_ex(context, &out, &length)
      return out
    }
    return ContentHash(digest: digest)
  }
}
