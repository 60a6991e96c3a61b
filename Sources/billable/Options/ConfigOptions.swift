import ArgumentParser
import BillableConfig

/// `--config F`, shared by every command that reads billable.toml.
struct ConfigOptions: ParsableArguments {
  @Option(name: .long, help: "The configuration file.")
  var config: String = "billable.toml"

  /// The validated configuration; a bad file prints its errors and exits 2.
  func load() throws -> Configuration {
    do {
      return try ConfigurationLoader.load(path: config)
    } catch let errors as ConfigErrors {
      for error in errors.errors { StandardError.write("billable: \(error)") }
      throw ExitCode(2)
    }
  }
}
