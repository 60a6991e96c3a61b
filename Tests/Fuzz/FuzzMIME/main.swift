// libFuzzer entry point for the parser and the mbox reader (`make fuzz`).
//
// Built normally, this is a harmless program that does nothing. Built by Tests/Fuzz/run.sh with
// `--sanitize=fuzzer --sanitize=address`, libFuzzer drives `fuzzTestOneInput`.
import BillableMIME
import BillableMailbox

/// One input through every entry point: the whole parser (headers, tree, every part's decoding,
/// the body text and its split), the same bytes as the body of a multipart (to reach the part
/// grammar), and the mbox reader.
func fuzzOne(_ data: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
  guard let data else { return 0 }
  let bytes = Array(UnsafeBufferPointer(start: data, count: count))
  exercise(bytes)
  exercise(Array("Content-Type: multipart/mixed; boundary=x\n\n--x\n".utf8) + bytes + Array("\n--x--\n".utf8))
  let reader = MboxReader(bytes: Array("From a@b Mon Jan  1 00:00:00 2024\n".utf8) + bytes)
  var messages = 0
  while let message = try? reader.next(), messages < 10_000 {
    _ = message.contentHash
    messages += 1
  }
  return 0
}

func exercise(_ bytes: [UInt8]) {
  let message = MessageParser().parse(bytes)
  let body = message.body()
  _ = body.pieces.newText.count
  for index in message.parts.indices {
    _ = message.decodedSize(of: index)
  }
}

/// libFuzzer's entry point. SwiftPM's `--sanitize=fuzzer` build links libFuzzer's own `main`,
/// which calls this; a plain build makes a program with nothing to do.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
  fuzzOne(start?.assumingMemoryBound(to: UInt8.self), count)
}
