import BillableConfig
import BillableTestSupport
import Foundation
import Testing

@Suite("Configuration")
struct ConfigurationTests {
  static let invalid = Fixtures.files(in: "config/invalid", suffix: ".toml")
  static let valid = Fixtures.files(in: "config/valid", suffix: ".toml")

  @Test("fixtures were found")
  func found() {
    #expect(Self.invalid.count >= 12)
    #expect(Self.valid.count >= 3)
  }

  @Test("valid files load", arguments: valid)
  func loads(_ relative: String) throws {
    let configuration = try ConfigurationLoader.load(path: Fixtures.url(relative).path)
    #expect(!configuration.timekeepers.isEmpty)
  }

  @Test("the bundled sample and the starter file are valid")
  func sampleAndStarter() throws {
    let sample = try ConfigurationLoader.load(path: Fixtures.url("sample/billable.toml").path)
    #expect(sample.clients.map(\.id) == ["ACME", "GLOBEX"])
    #expect(sample.billing.incrementMinutes == 6)
    let starter = try ConfigurationLoader.load(text: ConfigRenderer.starter, file: "starter")
    #expect(starter.timekeepers.first?.timezone == "America/New_York")
    // show's output is itself a valid file that reads back the same.
    let shown = ConfigRenderer.render(sample)
    var effective = sample
    effective.billing.firmDomains = sample.effectiveFirmDomains  // show writes the effective value
    #expect(try ConfigurationLoader.load(text: shown, file: "shown") == effective)
  }

  @Test("the LEDES keys are read and shown back")
  func ledesKeys() throws {
    let full = try ConfigurationLoader.load(path: Fixtures.url("config/valid/full.toml").path)
    #expect(full.timekeepers.first?.classification == "PT")
    #expect(full.billing.lawFirmID == "12-3456789")
    let shown = ConfigRenderer.render(full)
    #expect(shown.contains("classification = \"PT\"") && shown.contains("law_firm_id = \"12-3456789\""))
  }

  /// Each invalid file's error, exactly (file:line: key 'k': message), as a golden.
  @Test("invalid files fail with file, line and key", arguments: invalid)
  func fails(_ relative: String) throws {
    var message = ""
    do {
      _ = try ConfigurationLoader.load(path: "fixtures/" + relative)
      Issue.record("\(relative) loaded")
    } catch let errors as ConfigErrors {
      message = errors.description + "\n"
      #expect(errors.errors.count == 1, "\(errors)")
    }
    if let difference = Golden.check(message, against: relative.replacingOccurrences(of: ".toml", with: ".expected.txt")) {
      Issue.record(Comment(rawValue: difference))
    }
  }

  @Test("set keeps comments and order, and refuses a value that does not validate")
  func set() throws {
    let text = ConfigRenderer.starter
    let updated = try ConfigEditor.set("billing.increment_minutes", to: "15", in: text, file: "b.toml")
    #expect(updated.contains("increment_minutes = 15  # bill in tenths of an hour"))
    #expect(updated.split(separator: "\n").count == text.split(separator: "\n").count)
    let rate = try ConfigEditor.set("client.ACME.rate", to: "400", in: text, file: "b.toml")
    #expect(try ConfigurationLoader.load(text: rate, file: "b.toml").clients.first?.rate == 400)
    let keywords = try ConfigEditor.set("matter.ACME-001.keywords", to: "[\"Falcon\", \"Project Falcon\"]", in: text, file: "b.toml")
    #expect(try ConfigurationLoader.load(text: keywords, file: "b.toml").matters.first?.keywords == ["Falcon", "Project Falcon"])
    let added = try ConfigEditor.set("billing.firm_domains", to: "[\"doe-law.example\"]", in: text, file: "b.toml")
    #expect(try ConfigurationLoader.load(text: added, file: "b.toml").billing.firmDomains == ["doe-law.example"])
    let name = try ConfigEditor.set("timekeeper.name", to: "Jane Q. Doe", in: text, file: "b.toml")
    #expect(name.contains("name = \"Jane Q. Doe\""))
    #expect(throws: ConfigErrors.self) { try ConfigEditor.set("billing.increment_minutes", to: "-3", in: text, file: "b.toml") }
    #expect(throws: ConfigErrors.self) { try ConfigEditor.set("billing.rounding", to: "down", in: text, file: "b.toml") }
    #expect(throws: ConfigErrors.self) { try ConfigEditor.set("client.NOPE.rate", to: "1", in: text, file: "b.toml") }
    #expect(throws: ConfigErrors.self) { try ConfigEditor.set("nonsense", to: "1", in: text, file: "b.toml") }
    // A file with Windows line ends is edited, and keeps them.
    let windows = text.replacingOccurrences(of: "\n", with: "\r\n")
    let editedWindows = try ConfigEditor.set("client.ACME.rate", to: "400", in: windows, file: "b.toml")
    #expect(try ConfigurationLoader.load(text: editedWindows, file: "b.toml").clients.first?.rate == 400)
    #expect(!editedWindows.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
    // A value with a line break is one string, never a table of its own.
    let smuggled = "400\n[llm]\nbase_url = \"http://evil.example/v1\""
    #expect(throws: ConfigErrors.self) { try ConfigEditor.set("client.ACME.rate", to: smuggled, in: text, file: "b.toml") }
    let named = try ConfigEditor.set("timekeeper.name", to: "Jane\n[llm]", in: text, file: "b.toml")
    #expect(try ConfigurationLoader.load(text: named, file: "b.toml").timekeepers.first?.name == "Jane\n[llm]")
  }

  @Test("show writes quotes, backslashes and control characters so they read back the same")
  func showEscapes() throws {
    var configuration = try ConfigurationLoader.load(path: Fixtures.url("sample/billable.toml").path)
    configuration.timekeepers[0].name = "Jane \"Q\" \\ Doe\u{1B}]0;x\u{7}\ttab"
    configuration.billing.firmDomains = configuration.effectiveFirmDomains
    let shown = ConfigRenderer.render(configuration)
    #expect(!shown.contains("\u{1B}"))
    #expect(try ConfigurationLoader.load(text: shown, file: "shown").timekeepers.first?.name == configuration.timekeepers[0].name)
  }

  @Test("get reads effective values, defaults included")
  func get() throws {
    let text = "[timekeeper]\nid = \"JD\"\naddresses = [\"jd@x.example\"]\n"
    let configuration = try ConfigurationLoader.load(text: text, file: "b.toml")
    #expect(try ConfigEditor.get("billing.increment_minutes", in: configuration, file: "b.toml") == "6")
    #expect(try ConfigEditor.get("timekeeper.timezone", in: configuration, file: "b.toml") == "\"UTC\"")
  }
}
