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
    func mentions(_ needle: String) -> Bool {
      let lowered = asciiLowercased(needle)
      return containsToken(subject, lowercased: lowered) || containsToken(text, lowercased: lowered)
    }
    // 1. A matter id, as a whole token.
    for matter in configuration.matters where mentions(matter.id) {
      return Result(
        client: matter.client, matter: matter.id, rule: "matter-id",
        evidence: "matter id '\(matter.id)' appears in the \(containsToken(subject, lowercased: asciiLowercased(matter.id)) ? "subject" : "text")")
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

  /// `needle` (ASCII-lowercased bytes) in `text`, ignoring ASCII case, with no ASCII letter or
  /// digit right before or after it. Over the text's own UTF-8 storage: this runs for every
  /// matter id and keyword of every message.
  static func containsToken(_ text: String, lowercased needle: [UInt8]) -> Bool {
    var text = text
    return text.withUTF8 { containsToken($0, needle) }
  }

  /// UTF-8 bytes with ASCII letters lowercased (Unicode lowercasing of a whole body is costly,
  /// and ids and keywords are matched case-insensitively in ASCII; other letters must match as
  /// written).
  static func asciiLowercased(_ text: String) -> [UInt8] {
    text.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
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

  static func containsToken(_ haystack: UnsafeBufferPointer<UInt8>, _ needle: [UInt8]) -> Bool {
    guard let first = needle.first, needle.count <= haystack.count else { return false }
    func isWordByte(_ byte: UInt8) -> Bool {
      (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A)
    }
    func lowered(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte }
    var index = 0
    let last = haystack.count - needle.count
    while index <= last {
      if lowered(haystack[index]) == first {
        var matched = true
        for offset in 1..<needle.count where lowered(haystack[index + offset]) != needle[offset] {
          matched = false
          break
        }
        if matched {
          let before = index > 0 ? haystack[index - 1] : 0x20
          let after = index + needle.count < haystack.count ? haystack[index + needle.count] : 0x20
          if !isWordByte(before) && !isWordByte(after) { return true }
        }
      }
      index += 1
    }
    return false
  }
}
