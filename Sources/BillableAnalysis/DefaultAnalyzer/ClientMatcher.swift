import BillableModel
import Foundation
import BillableConfig
import BillableMIME

/// Decides which client and matter a message belongs to, and says which rule decided.
///
/// In order of strength: a matter id in the subject or new text; a matter keyword there; the
/// participants' addresses, then domains (subdomains included), mapped to clients. When the
/// participants touch two clients, the one named by a matter id or keyword wins; else the
/// sender's side for received mail and the first client among the To recipients (then Cc)
/// for sent mail.
package enum ClientMatcher {
  package struct Result: Sendable, Hashable {
    package var client: String?
    package var matter: String?
    package var rule: String
    package var evidence: String
  }

  package static func match(
    subject: String, text: String, from: [String], to: [String], cc: [String], direction: Direction,
    configuration: Configuration
  ) -> Result {
    let lowerSubject = asciiLowercased(subject)
    let lowerText = asciiLowercased(text)
    func mentions(_ needle: String) -> Bool {
      let lowered = asciiLowercased(needle)
      return containsToken(lowerSubject, lowered) || containsToken(lowerText, lowered)
    }
    // 1. A matter id, as a whole token.
    for matter in configuration.matters where mentions(matter.id) {
      return Result(
        client: matter.client, matter: matter.id, rule: "matter-id",
        evidence: "matter id '\(matter.id)' appears in the \(containsToken(lowerSubject, asciiLowercased(matter.id)) ? "subject" : "text")")
    }
    // 2. Matter keywords: the matter with the most distinct keyword hits (config order breaks ties).
    var best: (matter: Configuration.Matter, hits: [String])? = nil
    for matter in configuration.matters {
      let hits = matter.keywords.filter { !$0.isEmpty && mentions($0) }
      if !hits.isEmpty, hits.count > (best?.hits.count ?? 0) { best = (matter, hits) }
    }
    if let best {
      return Result(
        client: best.matter.client, matter: best.matter.id, rule: "matter-keyword",
        evidence: "keyword \(best.hits.map { "'\($0)'" }.joined(separator: ", ")) of matter \(best.matter.id)")
    }
    // 3. Participants.
    func clients(of addresses: [String]) -> [(client: Configuration.Client, address: String, byAddress: Bool)] {
      var result: [(Configuration.Client, String, Bool)] = []
      for address in addresses {
        if let client = configuration.clients.first(where: { $0.addresses.contains(address) }) {
          result.append((client, address, true))
        } else if let client = configuration.clients.first(where: { client in
          client.domains.contains { domainMatches(address, $0) }
        }) {
          result.append((client, address, false))
        }
      }
      return result
    }
    let ordered: [(client: Configuration.Client, address: String, byAddress: Bool)]
    switch direction {
    case .received: ordered = clients(of: from) + clients(of: to) + clients(of: cc)
    case .sent: ordered = clients(of: to) + clients(of: cc) + clients(of: from)
    }
    guard let chosen = ordered.first else {
      return Result(client: nil, matter: nil, rule: "none", evidence: "no configured client among the participants")
    }
    let distinct = Set(ordered.map(\.client.id))
    var evidence = "\(chosen.byAddress ? "address" : "domain of") \(chosen.address) belongs to client \(chosen.client.id)"
    var rule = chosen.byAddress ? "participant-address" : "participant-domain"
    if distinct.count > 1 {
      let side = direction == .received ? "the sender's side" : "the first recipient's side"
      evidence += "; \(distinct.count) clients involved (\(distinct.sorted().joined(separator: ", "))), \(side) wins"
      rule += "+tie-break"
    }
    // A client with a single matter: that matter.
    let matters = configuration.matters.filter { $0.client == chosen.client.id }
    let matter = matters.count == 1 ? matters[0].id : nil
    if let matter { evidence += "; \(chosen.client.id) has one matter, \(matter)" }
    return Result(client: chosen.client.id, matter: matter, rule: rule, evidence: evidence)
  }

  /// Whether `address` (lowercase) is the client's, by address or by domain.
  package static func owns(_ client: Configuration.Client, _ address: String) -> Bool {
    client.addresses.contains(address) || client.domains.contains { domainMatches(address, $0) }
  }

  /// `jo@mail.acme.example` matches `acme.example`. Compared as bytes when both are ASCII
  /// (this runs for every participant against every domain), else as Strings.
  package static func domainMatches(_ address: String, _ domain: String) -> Bool {
    let bytes = address.utf8
    let suffix = domain.utf8
    guard bytes.allSatisfy({ $0 < 0x80 }) && suffix.allSatisfy({ $0 < 0x80 }) else {
      guard let at = address.lastIndex(of: "@") else { return false }
      let host = address[address.index(after: at)...]
      return host == domain || host.hasSuffix("." + domain)
    }
    guard let at = bytes.lastIndex(of: 0x40) else { return false }
    let host = bytes[bytes.index(after: at)...]
    if host.elementsEqual(suffix) { return true }
    guard host.count > suffix.count, host.suffix(suffix.count).elementsEqual(suffix) else { return false }
    return host[host.index(host.endIndex, offsetBy: -suffix.count - 1)] == 0x2E
  }

  /// UTF-8 bytes with ASCII letters lowercased (Unicode lowercasing of a whole body is costly,
  /// and ids and keywords are matched case-insensitively in ASCII; other letters must match as
  /// written).
  static func asciiLowercased(_ text: String) -> [UInt8] {
    var bytes = Array(text.utf8)
    for index in bytes.indices where bytes[index] >= 0x41 && bytes[index] <= 0x5A { bytes[index] |= 0x20 }
    return bytes
  }

  /// Plain substring search over bytes.
  static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
    guard let first = needle.first, needle.count <= haystack.count else { return needle.isEmpty }
    var index = 0
    let last = haystack.count - needle.count
    while index <= last {
      if haystack[index] == first {
        var offset = 1
        while offset < needle.count && haystack[index + offset] == needle[offset] { offset += 1 }
        if offset == needle.count { return true }
      }
      index += 1
    }
    return false
  }

  /// `needle` in `haystack`, both ASCII-lowercased bytes, with no ASCII letter or digit right
  /// before or after it. This runs for every matter id and keyword of every message, so
  /// candidates are found with memchr.
  static func containsToken(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
    guard let first = needle.first, needle.count <= haystack.count else { return false }
    func isWordByte(_ byte: UInt8) -> Bool {
      (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A)
    }
    return haystack.withUnsafeBufferPointer { buffer in
      guard let base = buffer.baseAddress else { return false }
      let last = buffer.count - needle.count
      var index = 0
      while index <= last {
        guard let hit = memchr(base + index, Int32(first), last - index + 1) else { return false }
        index = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
        if memcmp(base + index, needle, needle.count) == 0 {
          let before = index > 0 ? buffer[index - 1] : 0x20
          let after = index + needle.count < buffer.count ? buffer[index + needle.count] : 0x20
          if !isWordByte(before) && !isWordByte(after) { return true }
        }
        index += 1
      }
      return false
    }
  }
}
