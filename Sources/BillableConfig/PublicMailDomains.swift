/// Domains of public mail services, whose addresses belong to people rather than to an
/// organisation. A timekeeper's personal Gmail address says nothing about who else is at the
/// firm: everyone at gmail.com is not a colleague, and mail on that address is personal unless
/// it names a client.
package enum PublicMailDomains {
  package static func contains(_ domain: some StringProtocol) -> Bool {
    domains.contains(domain.lowercased())
  }

  /// Whether an address is at a public mail service.
  package static func owns(_ address: String) -> Bool {
    guard let at = address.lastIndex(of: "@") else { return false }
    return contains(address[address.index(after: at)...])
  }

  private static let domains: Set<String> = [
    // International
    "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "msn.com", "yahoo.com", "ymail.com",
    "icloud.com", "me.com", "mac.com", "aol.com", "proton.me", "protonmail.com", "pm.me", "mail.com", "gmx.com",
    "zoho.com", "fastmail.com", "hey.com", "yandex.com", "yandex.ru", "mail.ru", "qq.com", "163.com", "126.com",
    "naver.com",
    // United Kingdom and Ireland
    "hotmail.co.uk", "yahoo.co.uk", "btinternet.com", "sky.com", "virginmedia.com", "eircom.net",
    // United States
    "comcast.net", "verizon.net", "att.net", "sbcglobal.net", "cox.net", "charter.net",
    // France, Belgium, Switzerland
    "orange.fr", "wanadoo.fr", "free.fr", "laposte.net", "sfr.fr", "hotmail.fr", "yahoo.fr", "live.fr", "skynet.be",
    "telenet.be", "bluewin.ch", "gmx.ch",
    // Germany and Austria
    "gmx.de", "gmx.net", "gmx.at", "web.de", "t-online.de", "freenet.de", "yahoo.de", "hotmail.de", "outlook.de",
    "posteo.de", "mailbox.org",
    // Spain, Italy, Portugal
    "hotmail.es", "yahoo.es", "telefonica.net", "libero.it", "virgilio.it", "tiscali.it", "alice.it", "hotmail.it",
    "yahoo.it", "sapo.pt",
    // The Netherlands
    "ziggo.nl", "kpnmail.nl", "hetnet.nl", "planet.nl", "xs4all.nl", "hotmail.nl", "live.nl",
  ]
}
