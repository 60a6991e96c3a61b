import ArgumentParser
import Glibc

/// The `billable` command: glue between the libraries and the terminal. No business logic
/// lives here; exit codes are decided in `main()` and nowhere else.
@main
struct Billable: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "billable",
    abstract: "Turn exported mailboxes into billable-time entries.",
    discussion: """
      Reads mbox (mboxo, mboxrd, mboxcl2, .mbox.gz), Maildir/Maildir++ and .eml files.

      Exit status: 0 done; 1 failed; 2 usage or configuration error; 3 done, but some \
      inputs or messages could not be read or parsed (they are listed on stderr).
      """,
    version: "0.1.0",
    subcommands: [
      Scan.self, Merge.self, Analyze.self, Summary.self, Review.self, Export.self, Config.self, Cache.self, MCPServer.self,
      Parse.self,
    ]
  )

  static func main() async {
    // A closed pipe (`billable parse x | head`) must end the run quietly, not kill it.
    signal(SIGPIPE, SIG_IGN)
    // Message buffers of a few MB come and go all the time. glibc raises its mmap threshold
    // after the first large free, after which such buffers fragment the heap and peak RSS
    // creeps up; a fixed threshold keeps them mmapped and returned to the system on free.
    _ = glibcMallopt(-3 /* M_MMAP_THRESHOLD */, 256 * 1024)
    do {
      var command = try parseAsRoot()
      if var asyncCommand = command as? any AsyncParsableCommand {
        try await asyncCommand.run()
      } else {
        try command.run()
      }
    } catch is OutputClosed {
      Glibc.exit(0)
    } catch {
      if exitCode(for: error) == .validationFailure {
        StandardError.write(fullMessage(for: error))
        Glibc.exit(2)
      }
      exit(withError: error)
    }
  }
}

/// Thrown when stdout's reader has gone away (EPIPE): the run is done, not failed.
struct OutputClosed: Error {}

/// glibc's mallopt; <malloc.h> is not part of the Glibc module.
@_silgen_name("mallopt")
func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
