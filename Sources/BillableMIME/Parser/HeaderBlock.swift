import BillableModel

/// The header block of one entity (a message or a MIME part), split into fields.
struct HeaderBlock {
  var fields: [HeaderField] = []
  /// Offset of the first body byte (after the blank line), or `end` when there is no body.
  var bodyStart: Int
  /// Whether a blank line separated headers from body.
  var hasSeparator: Bool

  /// Parses the fields in `bytes[start..<end]`.
  ///
  /// Lenient where real mail is broken: a line that is not a field ends the header block and
  /// starts the body (recorded as a defect); a leading mbox `From ` envelope line is ignored;
  /// the obsolete `Name :` form is accepted; a header block larger than the limit is cut.
  static func parse(
    _ bytes: UnsafeBufferPointer<UInt8>, start: Int, end: Int, partPath: String, isTopLevel: Bool,
    options: ParserOptions, defects: inout [Defect]
  ) -> HeaderBlock {
    var block = HeaderBlock(bodyStart: end, hasSeparator: false)
    var pos = start
    var current: (nameStart: Int, nameEnd: Int, valueStart: Int, valueEnd: Int, lines: Int)? = nil
    var continuationRanges: [Range<Int>] = []
    var kept = 0
    var truncated = false
    var sawCR = false

    func flush() {
      guard let field = current else { return }
      current = nil
      defer { continuationRanges.removeAll(keepingCapacity: true) }
      if truncated { return }
      var value = [UInt8]()
      value.reserveCapacity(field.valueEnd - field.valueStart + 16)
      appendWithoutLineBreaks(bytes, field.valueStart..<field.valueEnd, to: &value)
      for range in continuationRanges { appendWithoutLineBreaks(bytes, range, to: &value) }
      kept += value.count + field.nameEnd - field.nameStart
      if kept > options.maxHeaderBytes {
        truncated = true
        defects.append(Defect(.headerTooLong, offset: field.nameStart, partPath: partPath, detail: "limit \(options.maxHeaderBytes) bytes"))
        return
      }
      let name = String(decoding: UnsafeBufferPointer(rebasing: bytes[field.nameStart..<field.nameEnd]), as: UTF8.self)
      block.fields.append(HeaderField(name: name, rawValue: value, offset: field.nameStart))
    }

    while pos < end {
      let newline = ByteScan.find(0x0A, in: bytes, from: pos, to: end)
      let lineEnd = newline ?? end
      let next = newline.map { $0 + 1 } ?? end
      var contentEnd = lineEnd
      if contentEnd > pos, bytes[contentEnd - 1] == 0x0D { contentEnd -= 1 }

      if contentEnd == pos {  // blank line: end of the header block
        flush()
        block.bodyStart = next
        block.hasSeparator = true
        return block
      }
      if contentEnd - pos > options.maxLineLength {
        defects.append(Defect(.lineTooLong, offset: pos, partPath: partPath, detail: "\(contentEnd - pos) bytes"))
      }
      if !sawCR, ByteScan.find(0x0D, in: bytes, from: pos, to: contentEnd) != nil {
        sawCR = true
        defects.append(Defect(.bareCR, offset: pos, partPath: partPath))
      }
      let first = bytes[pos]
      if first == 0x20 || first == 0x09 {
        if current != nil {
          current?.lines += 1
          continuationRanges.append(pos..<contentEnd)
        } else if pos == start {
          // Leading whitespace before any field: not a header block at all.
          // A folded line before any field has nothing to continue: drop it and read on, as
          // Python's email package does (the fields after it are intact).
          defects.append(Defect(.invalidHeaderLine, offset: pos, partPath: partPath, detail: "continuation before any field"))
        }
        pos = next
        continue
      }
      if let colon = fieldColon(bytes, pos, contentEnd) {
        flush()
        var nameEnd = colon
        while nameEnd > pos, bytes[nameEnd - 1] == 0x20 || bytes[nameEnd - 1] == 0x09 { nameEnd -= 1 }
        current = (pos, nameEnd, colon + 1, contentEnd, 1)
        pos = next
        continue
      }
      // Not a field. A mbox envelope line saved at the top of an .eml is not content.
      if pos == start, isTopLevel, contentEnd - pos >= 5, bytes[pos] == 0x46, bytes[pos + 1] == 0x72,
        bytes[pos + 2] == 0x6F, bytes[pos + 3] == 0x6D, bytes[pos + 4] == 0x20
      {
        pos = next
        continue
      }
      // Not a field and not a continuation: the header block ends and this line starts the
      // body, as Python's email package, GMime and mime4j all read it.
      flush()
      if block.fields.isEmpty {
        if isTopLevel { defects.append(Defect(.noHeaders, offset: pos, partPath: partPath)) }
      } else {
        defects.append(Defect(.invalidHeaderLine, offset: pos, partPath: partPath))
      }
      block.bodyStart = pos
      return block
    }
    flush()
    block.bodyStart = end
    return block
  }

  /// The colon ending a field name on this line, when the name is printable ASCII (optionally
  /// followed by whitespace, the obsolete `Subject :` form).
  private static func fieldColon(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int? {
    var i = start
    while i < end {
      let byte = bytes[i]
      if byte == 0x3A { return i > start ? i : nil }
      if byte == 0x20 || byte == 0x09 {
        // Only whitespace may follow the name before the colon.
        var j = i
        while j < end, bytes[j] == 0x20 || bytes[j] == 0x09 { j += 1 }
        return (j < end && bytes[j] == 0x3A && i > start) ? j : nil
      }
      if byte < 0x21 || byte > 0x7E { return nil }
      i += 1
    }
    return nil
  }

  private static func appendWithoutLineBreaks(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, to out: inout [UInt8]) {
    for i in range {
      let byte = bytes[i]
      if byte != 0x0D && byte != 0x0A { out.append(byte) }
    }
  }
}
