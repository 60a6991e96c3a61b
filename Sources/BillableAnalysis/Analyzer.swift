/// BillableAnalysis: one parsed message plus the configuration in, a classification and draft
/// time entries out, for each timekeeper the message involves.
///
/// The default analyzer is deterministic and offline; every decision carries its evidence so
/// `billable analyze` can explain it. Rounding and rates are applied afterwards by `Pricing`,
/// so they never change what is cached. Imports BillableMIME, BillableConfig, BillableModel.
import BillableConfig
import BillableMIME
import BillableModel

/// Identifies an analyzer and everything that changes its output, for cache keys: a change of
/// any part here makes earlier results stale; nothing outside it (a rate) does.
package struct AnalyzerFingerprint: Sendable, Hashable, CustomStringConvertible {
  package var name: String
  package var version: String
  /// The model and prompt version for the LLM analyzer; empty for the default one.
  package var model: String
  /// A digest of the configuration that affects analysis.
  package var configurationDigest: String

  package init(name: String, version: String, model: String = "", configurationDigest: String) {
    self.name = name
    self.version = version
    self.model = model
    self.configurationDigest = configurationDigest
  }

  /// `default@1.0.0`, written in each entry's `analyzer` column.
  package var label: String { model.isEmpty ? "\(name)@\(version)" : "\(name):\(model)" }

  /// The whole fingerprint as one string (the cache key's second half).
  package var description: String { "\(name)|\(version)|\(model)|\(configurationDigest)" }
}

/// What an analyzer needs to know about one message.
package struct AnalysisInput: Sendable {
  package var message: ParsedMessage
  package var body: MessageBody

  package init(message: ParsedMessage, body: MessageBody) {
    self.message = message
    self.body = body
  }

  package init(message: ParsedMessage) {
    self.init(message: message, body: message.body())
  }
}

/// Turns one message into per-timekeeper analyses.
package protocol Analyzer: Sendable {
  var fingerprint: AnalyzerFingerprint { get }
  func analyze(_ input: AnalysisInput) async -> [MessageAnalysis]
  /// The fingerprint these results are cached and stored under: this analyzer's, or that of
  /// a fallback analyzer that decided instead (so the next run asks this one again).
  func fingerprint(of analyses: [MessageAnalysis]) -> AnalyzerFingerprint
}

extension Analyzer {
  package func fingerprint(of analyses: [MessageAnalysis]) -> AnalyzerFingerprint { fingerprint }
}

/// A 128-bit digest (two FNV-1a 64 hashes with different seeds) of a canonical string: enough
/// to tell configurations apart in cache keys without a crypto dependency here.
package func stableDigest(_ text: String) -> String {
  var a: UInt64 = 0xcbf2_9ce4_8422_2325
  var b: UInt64 = 0x8422_2325_cbf2_9ce4
  for byte in text.utf8 {
    a = (a ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
    b = (b ^ UInt64(byte ^ 0x5A)) &* 0x0000_0100_0000_01B3
  }
  let hex = { (value: UInt64) -> String in
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: 16 - digits.count) + digits
  }
  return hex(a) + hex(b)
}
