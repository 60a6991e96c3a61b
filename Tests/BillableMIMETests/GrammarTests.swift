import BillableModel
import Foundation
import Testing

@testable import BillableMIME

/// Table-driven tests of the small grammars, malformed rows included.
@Suite("Header grammars")
struct GrammarTests {
  @Test(
    "dates",
    arguments: [
      ("Tue, 4 Mar 2025 10:00:00 +0100", "2025-03-04T09:00:00Z"),
      ("4 Mar 2025 10:00:00 -0500", "2025-03-04T15:00:00Z"),
      ("Tue, 4 Mar 2025 10:00 +0000", "2025-03-04T10:00:00Z"),  // no seconds
      ("Tue, 4 Mar 25 10:00:00 +0000", "2025-03-04T10:00:00Z"),  // two-digit year
      ("Tue, 4 Mar 99 10:00:00 +0000", "1999-03-04T10:00:00Z"),
      ("Tue, 4 Mar 2025 10:00:00 EST", "2025-03-04T15:00:00Z"),  // named zone
      ("Tue, 4 Mar 2025 10:00:00 GMT", "2025-03-04T10:00:00Z"),
      ("Tue, 4 Mar 2025 10:00:00 PDT", "2025-03-04T17:00:00Z"),
      ("Tue, 4 Mar 2025 10:00:00 +0000 (UTC) garbage", "2025-03-04T10:00:00Z"),
      ("4-Mar-2025 10:00:00 -0500", "2025-03-04T15:00:00Z"),
      ("Tue Mar  4 10:00:00 2025", "2025-03-04T10:00:00Z"),  // asctime
      ("2025-03-04T10:00:00Z", "2025-03-04T10:00:00Z"),  // ISO 8601
      ("Wed 29 May 2019 06:09:22 PM EDT", "2019-05-29T22:09:22Z"),
      ("Mon, 21 Aug 95 13:30:57 -600", "1995-08-21T19:30:57Z"),  // three-digit zone
      ("Tue, 17 Jul 2012 22:23:35.882 0000", "2012-07-17T22:23:35Z"),
      ("Tue, 29 Feb 2028 23:59:59 -0000", "2028-02-29T23:59:59Z"),
    ])
  func date(_ input: String, _ expected: String) {
    #expect(DateTimeParser.parse(Array(input.utf8))?.isoUTC == expected)
  }

  @Test(
    "unreadable dates",
    arguments: [
      "", "soon", "Tue, 45 Foo 2025", "32 Mar 2025 10:00:00", "Mar 2025", "31 Feb 2025 10:00:00 +0000",
      "29 Feb 2025 10:00:00 +0000", "31 Apr 2025 10:00:00 +0000", "29 Feb 2100 10:00:00 +0000",
      "3 Mar 99999 10:00:00 +0000", "3 Mar 999999999 10:00:00 +0000",
    ])
  func badDate(_ input: String) {
    #expect(DateTimeParser.parse(Array(input.utf8)) == nil)
  }

  @Test("a date keeps its zone")
  func dateOffset() {
    let date = DateTimeParser.parse(Array("Tue, 4 Mar 2025 10:00:00 -0500".utf8))
    #expect(date?.isoWithOffset == "2025-03-04T10:00:00-05:00")
    #expect(date?.hasZone == true)
    #expect(DateTimeParser.parse(Array("Tue, 4 Mar 2025 10:00:00 -0000".utf8))?.hasZone == false)
  }

  @Test(
    "address lists",
    arguments: [
      ("jo@acme.example", [("", "jo@acme.example")]),
      ("Jo Smith <jo@acme.example>", [("Jo Smith", "jo@acme.example")]),
      ("\"Smith, Jo\" <jo@acme.example>, ann@acme.example", [("Smith, Jo", "jo@acme.example"), ("", "ann@acme.example")]),
      ("Team: a@x.example, \"B\" <b@x.example>;, c@y.example", [("", "a@x.example"), ("B", "b@x.example"), ("", "c@y.example")]),
      ("undisclosed-recipients:;", []),
      ("jo@acme.example (Jo Smith)", [("", "jo@acme.example")]),
      ("\"jo.smith\"@acme.example", [("", "jo.smith@acme.example")]),
      ("\"jo smith\"@acme.example", [("", "\"jo smith\"@acme.example")]),
      ("=?utf-8?q?J=C3=BCrgen?= <j@x.example>", [("Jürgen", "j@x.example")]),
      ("<@relay.example:jo@acme.example>", [("", "jo@acme.example")]),
      ("Jo <jo@acme.example", [("Jo", "jo@acme.example")]),  // missing ">"
      ("MAILER DAEMON <>", [("MAILER DAEMON", "<>")]),
      ("Jo (the boss) Smith <jo@acme.example>", [("Jo Smith", "jo@acme.example")]),
    ])
  func addresses(_ input: String, _ expected: [(String, String)]) {
    let parsed = AddressList.parse(Array(input.utf8)).addresses
    #expect(parsed.map(\.name) == expected.map(\.0))
    #expect(parsed.map(\.address) == expected.map(\.1))
  }

  @Test("groups are remembered and comments kept aside")
  func groupsAndComments() {
    let parsed = AddressList.parse(Array("Team: a@x.example;, jo@y.example (Jo)".utf8)).addresses
    #expect(parsed.first?.group == "Team")
    #expect(parsed.last?.group == nil)
    #expect(parsed.last?.comment == "Jo")
  }

  @Test(
    "RFC 2047 encoded words",
    arguments: [
      ("=?utf-8?B?Q2Fmw6k=?=", "Café"),
      ("=?iso-8859-1?Q?Caf=E9_cr=E8me?=", "Café crème"),
      ("=?utf-8?q?a?= =?utf-8?q?b?=", "ab"),  // whitespace between words dropped
      ("=?utf-8?q?a?=  \t =?utf-8?q?b?=", "ab"),
      ("x =?utf-8?q?a?= y", "x a y"),  // but kept next to text
      ("=?utf-8?q?=C3?= =?utf-8?q?=A9t=C3=A9?=", "été"),  // a character split across two words
      ("=?UTF-8*en?Q?hello?=", "hello"),  // RFC 2231 language
      ("=?utf-8?Q?unterminated", "=?utf-8?Q?unterminated"),
      ("=?bogus?X?abc?=", "=?bogus?X?abc?="),
      ("=?x-unknown?q?abc?=", "abc"),  // unknown charset: fallback
      ("plain text", "plain text"),
      ("=?iso-2022-jp?B?GyRCJDMkcyRLJEEkTxsoQg==?=", "こんにちは"),
      ("=?koi8-r?B?8NLJ18XU?=", "Привет"),
    ])
  func encodedWords(_ input: String, _ expected: String) {
    #expect(EncodedWord.decode(Array(input.utf8)) == expected)
  }

  @Test(
    "parameters (RFC 2045 and RFC 2231)",
    arguments: [
      ("text/plain; charset=\"utf-8\"", "text/plain", "charset", "utf-8"),
      ("TEXT/Plain; CHARSET=ISO-8859-1", "text/plain", "charset", "ISO-8859-1"),
      ("multipart/mixed;\tboundary=b1", "multipart/mixed", "boundary", "b1"),
      ("multipart/mixed boundary=\"b1\"", "multipart/mixed", "boundary", "b1"),  // no ";"
      ("attachment; filename*=utf-8''%E2%82%AC%20rates.pdf", "attachment", "filename", "€ rates.pdf"),
      ("attachment; filename*0*=utf-8'en'Proj; filename*1=ect%20Falcon.pdf", "attachment", "filename", "Project%20Falcon.pdf"),
      ("attachment; filename*0*=utf-8''Proj; filename*1*=ect%20Falcon.pdf", "attachment", "filename", "Project Falcon.pdf"),
      ("attachment; filename=\"=?utf-8?q?r=C3=A9sum=C3=A9.pdf?=\"", "attachment", "filename", "résumé.pdf"),
      ("multipart/mixed; boundary=\"abc", "multipart/mixed", "boundary", "abc"),  // unterminated quote
      ("text/plain; (comment) charset=us-ascii", "text/plain", "charset", "us-ascii"),
      ("application/pdf; name=\"a \\\"quoted\\\" name.pdf\"", "application/pdf", "name", "a \"quoted\" name.pdf"),
    ])
  func parameters(_ input: String, _ value: String, _ name: String, _ expected: String) {
    var defects: [BillableModel.Defect] = []
    let parsed = ParameterizedValue.parse(Array(input.utf8), offset: 0, partPath: "", defects: &defects)
    #expect(parsed.value == value)
    #expect(parsed[name] == expected)
  }

  @Test(
    "base64",
    arguments: [
      ("SGVsbG8gV29ybGQh", "Hello World!", false),
      ("SGVs\nbG8g\r\nV29y bGQh", "Hello World!", false),
      ("SGVsbG8=", "Hello", false),
      ("SGVsbG8", "Hello", true),  // missing padding
      ("SGVs*bG8=", "Hello", true),  // illegal character skipped
      ("SGVsbG8gV29ybGQhA", "Hello World!", true),  // one stray character
      ("", "", false),
    ])
  func base64(_ input: String, _ expected: String, _ invalid: Bool) {
    let decoded = Base64Decoder.decode(Array(input.utf8))
    #expect(String(decoding: decoded.bytes, as: UTF8.self) == expected)
    #expect(decoded.invalid == invalid)
  }

  @Test(
    "quoted-printable",
    arguments: [
      ("caf=C3=A9", "café", false),
      ("caf=c3=a9", "café", false),
      ("soft=\nbreak", "softbreak", false),
      ("soft=  \r\nbreak", "softbreak", false),
      ("a=3Db", "a=b", false),
      ("trailing   \nspace", "trailing\nspace", false),
      ("bad=ZZ", "bad=ZZ", true),
      ("lone=4", "lone=4", true),
      ("end=", "end", false),
      ("inner \t  space", "inner \t  space", false),
    ])
  func quotedPrintable(_ input: String, _ expected: String, _ invalid: Bool) {
    let decoded = QuotedPrintable.decode(Array(input.utf8))
    #expect(String(decoding: decoded.bytes, as: UTF8.self) == expected)
    #expect(decoded.invalid == invalid)
  }

  /// Each of these once cost a scan of the rest of the input per byte or per `=?` (quadratic);
  /// at this size that took seconds, and a hostile half-megabyte header far longer.
  @Test("hostile repetition reads as written")
  func hostileRepetition() {
    for value in [String(repeating: "=?x?q?a", count: 20_000), String(repeating: "=?a", count: 40_000)] {
      #expect(EncodedWord.decode(Array(value.utf8)) == value)
    }
    let spaces = String(repeating: " ", count: 200_000) + "x"
    #expect(QuotedPrintable.decode(Array(spaces.utf8)).bytes == Array(spaces.utf8))
  }

  @Test(
    "charsets",
    arguments: [
      ([0x63, 0x61, 0x66, 0xC3, 0xA9], "utf-8", "café", nil),
      ([0x63, 0x61, 0x66, 0xE9], "iso-8859-1", "café", nil),
      ([0x93, 0x71, 0x94, 0x20, 0x80], "windows-1252", "\u{201C}q\u{201D} €", nil),
      ([0x93, 0x71, 0x94], "utf-8", "\u{201C}q\u{201D}", Defect.Kind.charsetFallback),  // declared wrong
      ([0xC3, 0xA9], "us-ascii", "é", nil),  // 8-bit in "ascii": UTF-8 first
      ([0xF0, 0xD2, 0xC9, 0xD7, 0xC5, 0xD4], "koi8-r", "Привет", nil),
      ([0x61], "x-no-such-charset", "a", Defect.Kind.unknownCharset),
      ([0x82, 0xA0], "shift_jis", "あ", nil),
      ([0xA4, 0xA4], "big5", "中", nil),
    ] as [([UInt8], String, String, Defect.Kind?)])
  func charsets(_ bytes: [UInt8], _ charset: String, _ expected: String, _ defect: Defect.Kind?) {
    let decoded = Charset.decode(bytes, charset: charset)
    #expect(decoded.text == expected)
    #expect(decoded.defect == defect)
  }

  @Test("format=flowed is undone, quotes and signature kept")
  func formatFlowed() {
    let text = "This is a long \nline that flows.\n> quoted \n> flowed\n-- \nsig"
    #expect(FormatFlowed.decode(text, deleteSpace: false) == "This is a long line that flows.\n> quoted flowed\n-- \nsig")
    #expect(FormatFlowed.decode("del \nsp", deleteSpace: true) == "delsp")
    #expect(FormatFlowed.decode(" >stuffed", deleteSpace: false) == ">stuffed")
  }

  @Test("a > inside a quoted attribute does not end the tag")
  func quotedAttribute() {
    #expect(HTMLText.strippedText(Array("<input value=\"a>b\">text".utf8)) == Array(" text".utf8))
  }

  @Test("HTML to text drops scripts and styles and keeps links' text")
  func html() {
    let text = HTMLText.text(
      fromHTML:
        "<html><head><title>T</title><style>p{}</style></head><body><script>alert(1)</script><p>Hello &amp; caf&eacute;</p><ul><li>one</li><li>two</li></ul><a href='http://x'>link text</a><table><tr><td>a</td><td>b</td></tr></table></body></html>"
    )
    let lines = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    #expect(lines == ["Hello & café", "one", "two", "link text", "a b"])
    #expect(!text.contains("alert"))
  }

  @Test("HTML white space is one space; only blocks and <br> break lines, except in <pre>")
  func htmlWhiteSpace() {
    // Outlook's reply header: a source line break after each <br>.
    let outlook = HTMLText.text(
      fromHTML: "<p><b>From:</b> Jo &lt;jo@acme.example&gt; <br>\n<b>Sent:</b> Monday<br>\n<b>To:</b>\n  Jane</p><pre>a\n  b</pre>")
    #expect(outlook == "\nFrom: Jo <jo@acme.example>\nSent: Monday\nTo: Jane\n\na\n  b\n")
  }

  @Test("deep HTML does not overflow the stack, and text libxml2 drops past its depth limit is kept")
  func deepHTML() {
    let paragraph = String(repeating: "Please review the escrow terms before Friday. ", count: 10)
    let html = String(repeating: "<div>", count: 20_000) + paragraph + String(repeating: "</div>", count: 20_000)
    #expect(HTMLText.text(fromHTML: html).contains("Please review the escrow terms before Friday."))
  }

  @Test(
    "quote and signature splitting",
    arguments: [
      ("New text.\n\nOn Mon, 3 Mar 2025 at 10:00, Jo <jo@x.example> wrote:\n> old", "New text.", "On Mon, 3 Mar 2025 at 10:00, Jo <jo@x.example> wrote:\n> old", ""),
      ("New.\n\nOn Mon, 3 Mar 2025 at 10:00, Jo Smith <\njo@x.example> wrote:\n> old", "New.", "On Mon, 3 Mar 2025 at 10:00, Jo Smith <\njo@x.example> wrote:\n> old", ""),
      ("Reply.\n-----Original Message-----\nFrom: Jo\nSent: Monday\nTo: Jane\nSubject: x\n\nOld", "Reply.", "-----Original Message-----\nFrom: Jo\nSent: Monday\nTo: Jane\nSubject: x\n\nOld", ""),
      ("Reply.\n________________________________\nFrom: Jo\nSent: Monday\nTo: Jane\n\nOld", "Reply.", "________________________________\nFrom: Jo\nSent: Monday\nTo: Jane\n\nOld", ""),
      ("Text.\n-- \nJane Doe\nDoe Law", "Text.", "", "-- \nJane Doe\nDoe Law"),
      ("> a\nmy answer\n> b\nmore", "my answer\nmore", "> a\n> b", ""),
      ("Quick note.\n\nSent from my iPhone", "Quick note.", "", "Sent from my iPhone"),
      ("Just text.", "Just text.", "", ""),
      ("Danke.\n\nVon: Jo Smith <jo@x.example>\nGesendet: Montag, 3. M\u{00E4}rz 2025 09:00\nAn: Jane\nBetreff: x\n\nOld", "Danke.",
        "Von: Jo Smith <jo@x.example>\nGesendet: Montag, 3. M\u{00E4}rz 2025 09:00\nAn: Jane\nBetreff: x\n\nOld", ""),
      ("Merci.\n\nDe : Jo Smith\nEnvoy\u{00E9} : lundi 3 mars 2025 09:00\n\u{00C0} : Jane\nObjet : x\n\nOld", "Merci.",
        "De : Jo Smith\nEnvoy\u{00E9} : lundi 3 mars 2025 09:00\n\u{00C0} : Jane\nObjet : x\n\nOld", ""),
      ("Merci.\n\nLe lun. 3 mars 2025 \u{00E0} 09:00, Jo <jo@x.example> a\n\u{00E9}crit :\n> old", "Merci.",
        "Le lun. 3 mars 2025 \u{00E0} 09:00, Jo <jo@x.example> a\n\u{00E9}crit :\n> old", ""),
      ("Danke.\n\nAm 03.03.2025 um 09:00 schrieb Jo <jo@x.example>:\n> old", "Danke.", "Am 03.03.2025 um 09:00 schrieb Jo <jo@x.example>:\n> old", ""),
      ("\u{4E86}\u{89E3}\u{3067}\u{3059}\u{3002}\n\n2025\u{5E74}3\u{6708}3\u{65E5}(\u{6708}) 9:00 Jo <jo@x.example>:\n\n> old",
        "\u{4E86}\u{89E3}\u{3067}\u{3059}\u{3002}", "2025\u{5E74}3\u{6708}3\u{65E5}(\u{6708}) 9:00 Jo <jo@x.example>:\n> old", ""),
      // An inline reply: the attribution introduces the quoted lines only; the answers stay new.
      ("Samuel Bronson <sb@x.example> writes:\n\n> Can we change the default?\n\nHi Samuel, yes we can.\n\n> And the docs?\nDone too.",
        "Hi Samuel, yes we can.\n\nDone too.", "Samuel Bronson <sb@x.example> writes:\n> Can we change the default?\n> And the docs?", ""),
      ("Le 29/12/2011 11:13, Allan a \u{00E9}crit :\n> Please use install.\nThank you Allan.", "Thank you Allan.",
        "Le 29/12/2011 11:13, Allan a \u{00E9}crit :\n> Please use install.", ""),
      ("Write to jo@x.example:\nshe knows the answer.", "Write to jo@x.example:\nshe knows the answer.", "", ""),
    ])
  func quotes(_ text: String, _ new: String, _ quoted: String, _ signature: String) {
    let pieces = QuoteSplitter.split(text)
    #expect(pieces.newText == new)
    #expect(pieces.quotedText == quoted)
    #expect(pieces.signature == signature)
  }
}
