import ArgumentParser
import BillableConfig
import Foundation

/// `billable config`: the original design's configure_time_tracking.
struct Config: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Create, show, read, change or check billable.toml.",
    subcommands: [Init.self, Show.self, Get.self, Set.self, Validate.self])

  struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Write a commented starter configuration.")
    @OptionGroup var options: ConfigOptions
    @Flag(help: "Overwrite an existing file.") var force = false

    func run() throws {
      if FileManager.default.fileExists(atPath: options.config) && !force {
        StandardError.write("billable: \(options.config) exists; use --force to overwrite it")
        throw ExitCode(2)
      }
      try AtomicFile.write(ConfigRenderer.starter, to: options.config)
      print("wrote \(options.config): edit the timekeeper, clients and matters, then run 'billable config validate'")
    }
  }

  struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the effective configuration, defaults filled in.")
    @OptionGroup var options: ConfigOptions

    func run() throws {
      print(ConfigRenderer.render(try options.load()), terminator: "")
    }
  }

  struct Get: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Print one key's effective value.",
      discussion: "Keys: billing.increment_minutes, timekeeper.timezone, client.ACME.rate, matter.ACME-001.keywords, …")
    @OptionGroup var options: ConfigOptions
    @Argument(help: "A dotted key.") var key: String

    func run() throws {
      let configuration = try options.load()
      do {
        print(try ConfigEditor.get(key, in: configuration, file: options.config))
      } catch let errors as ConfigErrors {
        for error in errors.errors { StandardError.write("billable: \(error)") }
        throw ExitCode(2)
      }
    }
  }

  struct Set: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Change one key, keeping the file's comments and order.",
      discussion: "VALUE is a TOML value (6, \"up\", [\"a\", \"b\"], true); other text is taken as a string.")
    @OptionGroup var options: ConfigOptions
    @Argument(help: "A dotted key.") var key: String
    @Argument(help: "The new value.") var value: String

    func run() throws {
      let unreadable = "billable: \(options.config): cannot read the file; create one with 'billable config init'"
      // No lock file beside a configuration that is not there.
      guard FileManager.default.isReadableFile(atPath: options.config) else {
        StandardError.write(unreadable)
        throw ExitCode(2)
      }
      do {
        try AtomicFile.locked(options.config) {
          // Read under the lock: another `set` may be changing the file at this moment.
          guard let text = try? String(contentsOfFile: options.config, encoding: .utf8) else {
            StandardError.write(unreadable)
            throw ExitCode(2)
          }
          let updated = try ConfigEditor.set(key, to: value, in: text, file: options.config)
          try AtomicFile.write(updated, to: options.config)
        }
        print("\(key) = \(ConfigEditor.tomlLiteralForDisplay(value))")
      } catch let errors as ConfigErrors {
        for error in errors.errors { StandardError.write("billable: \(error)") }
        throw ExitCode(2)
      }
    }
  }

  struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Check the configuration; exit 2 with every problem listed.")
    @OptionGroup var options: ConfigOptions

    func run() throws {
      let configuration = try options.load()
      print(
        "\(options.config): ok (\(configuration.timekeepers.count) timekeeper(s), \(configuration.clients.count) client(s), "
          + "\(configuration.matters.count) matter(s))")
    }
  }
}

/// Whole-file writes that never leave a half-written file: write a temporary file beside the
/// target, then rename it over the target.
enum AtomicFile {
  /// Runs `body` holding an exclusive lock beside `path` (`.NAME.lock`), so read-modify-write
  /// edits of one file by several processes or MCP calls at once all land, one after another.
  static func locked<T>(_ path: String, _ body: () throws -> T) throws -> T {
    let url = URL(fileURLWithPath: path)
    let lockPath = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).lock").path
    let descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else { throw ExitCodeError(message: "\(lockPath): cannot create the lock file: \(String(cString: strerror(errno)))") }
    defer { close(descriptor) }
    while flock(descriptor, LOCK_EX) != 0 {
      guard errno == EINTR else { throw ExitCodeError(message: "\(lockPath): cannot lock: \(String(cString: strerror(errno)))") }
    }
    defer { flock(descriptor, LOCK_UN) }
    return try body()
  }

  static func write(_ text: String, to path: String) throws {
    let url = URL(fileURLWithPath: path)
    // Unique per write: two writers in one process (MCP calls) must not share a temporary file.
    let temporary = url.deletingLastPathComponent().appendingPathComponent(
      ".\(url.lastPathComponent).tmp-\(getpid())-\(UUID().uuidString.prefix(8))")
    do {
      try Data(text.utf8).write(to: temporary)
      // rename(2) replaces the target in one step; readers see the old file or the new one.
      guard rename(temporary.path, path) == 0 else {
        throw ExitCodeError(message: "\(path): cannot replace: \(String(cString: strerror(errno)))")
      }
    } catch {
      try? FileManager.default.removeItem(at: temporary)
      throw ExitCodeError(message: "\(path): cannot write: \(error)")
    }
  }
}
