import BillableMIME
import BillableMailbox
import BillableTestSupport
import Foundation
import Testing

/// Every `.eml` under fixtures/mime/ against its `.expected.txt` golden, and again with its
/// line endings flipped (LF to CRLF, or CRLF to LF): the structure, text, defect kinds and the
/// content hash must not change with the line endings.
@Suite("MIME fixtures")
struct FixtureGoldenTests {
  static let fixtures: [String] =
    Fixtures.files(in: "mime/rfc", suffix: ".eml") + Fixtures.files(in: "mime/malformed", suffix: ".eml")

  @Test("fixtures were found")
  func fixturesExist() {
    #expect(Self.fixtures.count >= 60)
  }

  @Test("golden tree", arguments: fixtures)
  func golden(_ relative: String) throws {
    let bytes = try Fixtures.bytes(relative)
    let message = MessageParser().parse(bytes)
    let rendered = TreeRenderer.render(message)
    let goldenPath = relative.replacingOccurrences(of: ".eml", with: ".expected.txt")
    if let difference = Golden.check(rendered, against: goldenPath) {
      Issue.record(Comment(rawValue: difference))
    }
  }

  @Test("line endings do not change the reading", arguments: fixtures)
  func lineEndings(_ relative: String) throws {
    let bytes = try Fixtures.bytes(relative)
    // Bare CRs are the fixture's point in 107; flipping would turn them into line breaks.
    let isCRLF = bytes.firstIndex(of: 0x0D).map { $0 + 1 < bytes.count && bytes[$0 + 1] == 0x0A } ?? false
    let flipped = isCRLF ? Fixtures.toLF(bytes) : Fixtures.toCRLF(bytes)
    guard !relative.contains("107-bare-cr") else { return }
    let original = TreeRenderer.render(MessageParser().parse(bytes), withOffsets: false)
    let other = TreeRenderer.render(MessageParser().parse(flipped), withOffsets: false)
    #expect(original == other)
    #expect(ContentHasher.hash(canonicalizing: bytes) == ContentHasher.hash(canonicalizing: flipped))
  }
}
