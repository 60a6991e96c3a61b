import BillableModel

/// Parses one message's bytes into a `ParsedMessage`.
///
/// The MIME tree is walked with an explicit stack, never recursion, so a nesting bomb cannot
/// overflow the call stack; past `maxDepth` a container becomes a leaf and past `maxParts` the
/// rest of the tree is dropped, each with a critical defect. Each multipart's body is split on
/// its own boundary before its children are looked at, so a child whose closing boundary is
/// missing is closed by its parent's next delimiter, as GMime and MimeKit do.
package struct MessageParser: Sendable {
  package var options: ParserOptions

  package init(options: ParserOptions = ParserOptions()) {
    self.options = options
  }

  /// Parses `bytes`. Never fails: garbage gives a message with a `no-headers` defect.
  package func parse(_ bytes: [UInt8]) -> ParsedMessage {
    var parts: [MessagePart] = []
    var defects: [Defect] = []
    bytes.withUnsafeBufferPointer { buffer in
      buildTree(buffer, parts: &parts, defects: &defects)
    }
    return ParsedMessage(bytes: bytes, parts: parts, defects: defects, options: options)
  }

  private struct WorkItem {
    var start: Int
    var end: Int
    var depth: Int
    /// The path this entity gets, or for an encapsulated message's root, its wrapper's path.
    var path: String
    var parent: Int?
    var defaultType: String
    var isEmbeddedRoot: Bool
  }

  private func buildTree(_ bytes: UnsafeBufferPointer<UInt8>, parts: inout [MessagePart], defects: inout [Defect]) {
    var stack = [WorkItem(start: 0, end: bytes.count, depth: 0, path: "", parent: nil, defaultType: "text/plain", isEmbeddedRoot: false)]
    var reportedPartLimit = false
    while let item = stack.popLast() {
      if parts.count >= options.maxParts {
        if !reportedPartLimit {
          reportedPartLimit = true
          defects.append(Defect(.partLimit, offset: item.start, partPath: item.path, detail: "limit \(options.maxParts) parts"))
        }
        continue
      }
      let isTop = item.parent == nil
      let header = HeaderBlock.parse(
        bytes, start: item.start, end: item.end, partPath: item.path, isTopLevel: isTop || item.isEmbeddedRoot,
        options: options, defects: &defects)
      if item.isEmbeddedRoot && !header.hasSeparator && header.bodyStart >= item.end {
        defects.append(Defect(.truncatedMessage, offset: item.start, partPath: item.path, detail: "encapsulated message has no body"))
      }
      var part = describe(header, item: item, defects: &defects)

      if isTop || item.isEmbeddedRoot {
        reportDuplicates(header.fields, partPath: item.path, defects: &defects)
      }

      var childRanges: [Range<Int>] = []
      if part.kind == .multipart, let boundary = part.parameters["boundary"] {
        let split = splitMultipart(bytes, start: header.bodyStart, end: item.end, boundary: Array(boundary.utf8))
        switch split {
        case .none:
          // No delimiter at all: keep the body as one leaf (its type still says multipart, so
          // the body chooser takes its text only when nothing better exists).
          defects.append(Defect(.missingStartBoundary, offset: header.bodyStart, partPath: item.path))
          part.kind = .leaf
        case .some(let found):
          if !found.closed {
            defects.append(Defect(.missingFinalBoundary, offset: item.end, partPath: item.path))
          }
          childRanges = found.parts
        }
      }
      if item.isEmbeddedRoot && part.kind != .multipart {
        part.path = item.path.isEmpty ? "1" : item.path + ".1"
      }
      let index = parts.count
      parts.append(part)
      if let parent = item.parent { parts[parent].children.append(index) }

      switch part.kind {
      case .multipart:
        let childDefault = part.mimeType == "multipart/digest" ? "message/rfc822" : "text/plain"
        for (offset, range) in childRanges.enumerated().reversed() {
          let number = offset + 1
          stack.append(
            WorkItem(
              start: range.lowerBound, end: range.upperBound, depth: item.depth + 1,
              path: part.path.isEmpty ? "\(number)" : "\(part.path).\(number)", parent: index,
              defaultType: childDefault, isEmbeddedRoot: false))
        }
      case .message:
        stack.append(
          WorkItem(
            start: header.bodyStart, end: item.end, depth: item.depth + 1, path: part.path, parent: index,
            defaultType: "text/plain", isEmbeddedRoot: true))
      case .leaf:
        break
      }
    }
  }

  /// The part's type, encoding, disposition and kind from its header fields.
  private func describe(_ header: HeaderBlock, item: WorkItem, defects: inout [Defect]) -> MessagePart {
    var mimeType = item.defaultType
    var parameters: [String: String] = [:]
    let path = item.path
    if let field = header.fields.first("content-type") {
      let parsed = ParameterizedValue.parse(field.rawValue, offset: field.offset, partPath: path, defects: &defects)
      let pieces = parsed.value.split(separator: "/", omittingEmptySubsequences: false)
      if pieces.count == 2, !pieces[0].isEmpty, !pieces[1].isEmpty {
        mimeType = parsed.value
      } else if parsed.value == "text" {
        mimeType = "text/plain"
        defects.append(Defect(.invalidContentType, offset: field.offset, partPath: path, detail: "no subtype", severity: .warning))
      } else {
        defects.append(Defect(.invalidContentType, offset: field.offset, partPath: path, detail: "'\(parsed.value.prefix(40))'"))
      }
      parameters = parsed.parameters
    }
    var encoding = TransferEncoding.sevenBit
    if let field = header.fields.first("content-transfer-encoding") {
      if let parsed = TransferEncoding.parse(field.rawValue) {
        encoding = parsed
        if parsed == .unknown {
          defects.append(
            Defect(.unknownTransferEncoding, offset: field.offset, partPath: path, detail: HeaderText.decodeRaw(ByteScan.trimmed(field.rawValue[...])).prefix(40).description))
        }
      }
    }
    var disposition: String? = nil
    var filename: String? = nil
    if let field = header.fields.first("content-disposition") {
      let parsed = ParameterizedValue.parse(field.rawValue, offset: field.offset, partPath: path, defects: &defects)
      disposition = parsed.value.isEmpty ? nil : parsed.value
      filename = parsed["filename"]
    }
    if filename == nil { filename = parameters["name"] }
    var contentID: String? = nil
    if let field = header.fields.first("content-id") {
      contentID = MessageIDList.parse(field.rawValue).first ?? field.value
    }
    var kind = MessagePart.Kind.leaf
    if mimeType.hasPrefix("multipart/") {
      if item.depth >= options.maxDepth {
        defects.append(Defect(.nestingOverflow, offset: item.start, partPath: path, detail: "depth \(item.depth)"))
      } else if let boundary = parameters["boundary"], !boundary.isEmpty {
        kind = .multipart
      } else {
        defects.append(Defect(.multipartWithoutBoundary, offset: item.start, partPath: path))
      }
    } else if mimeType == "message/rfc822" || mimeType == "message/global" {
      if item.depth >= options.maxDepth {
        defects.append(Defect(.nestingOverflow, offset: item.start, partPath: path, detail: "depth \(item.depth)"))
      } else if encoding == .sevenBit || encoding == .eightBit || encoding == .binary {
        kind = .message
      }
    }
    return MessagePart(
      path: path, depth: item.depth, kind: kind, headers: header.fields, mimeType: mimeType, parameters: parameters,
      transferEncoding: encoding, disposition: disposition, filename: filename, contentID: contentID,
      bodyRange: header.bodyStart..<max(header.bodyStart, item.end), parent: item.parent, children: [])
  }

  /// Fields that must appear at most once (RFC 5322 section 3.6) but appear more often.
  private func reportDuplicates(_ fields: [HeaderField], partPath: String, defects: inout [Defect]) {
    let single: Set<String> = [
      "date", "from", "sender", "reply-to", "to", "cc", "bcc", "message-id", "in-reply-to", "references", "subject",
      "content-type", "content-transfer-encoding",
    ]
    var seen: Set<String> = []
    for field in fields where single.contains(field.key) {
      if !seen.insert(field.key).inserted {
        defects.append(Defect(.duplicateHeader, offset: field.offset, partPath: partPath, detail: field.key))
      }
    }
  }

  private struct Split {
    var parts: [Range<Int>]
    var closed: Bool
  }

  /// Splits a multipart body on its boundary; `nil` when no delimiter line is found at all.
  private func splitMultipart(_ bytes: UnsafeBufferPointer<UInt8>, start: Int, end: Int, boundary: [UInt8]) -> Split? {
    var parts: [Range<Int>] = []
    var partStart: Int? = nil
    var pos = start
    while pos < end {
      let newline = ByteScan.find(0x0A, in: bytes, from: pos, to: end)
      let lineEnd = newline ?? end
      let next = newline.map { $0 + 1 } ?? end
      if lineEnd - pos >= boundary.count + 2, bytes[pos] == 0x2D, bytes[pos + 1] == 0x2D,
        let isClose = delimiter(bytes, lineStart: pos, lineEnd: lineEnd, boundary: boundary)
      {
        if let open = partStart {
          // The line break before a delimiter belongs to the delimiter (RFC 2046 section 5.1.1).
          var partEnd = pos
          if partEnd > open, bytes[partEnd - 1] == 0x0A { partEnd -= 1 }
          if partEnd > open, bytes[partEnd - 1] == 0x0D { partEnd -= 1 }
          parts.append(open..<max(open, partEnd))
        }
        if isClose { return Split(parts: parts, closed: true) }
        partStart = next
      }
      pos = next
    }
    guard let open = partStart else { return nil }
    parts.append(open..<max(open, end))
    return Split(parts: parts, closed: false)
  }

  /// Whether the line is `--boundary` (nil if not), and whether it is the closing `--boundary--`.
  /// Only whitespace may follow, so a boundary that is a prefix of another does not match it.
  @inline(__always)
  private func delimiter(_ bytes: UnsafeBufferPointer<UInt8>, lineStart: Int, lineEnd: Int, boundary: [UInt8]) -> Bool? {
    var i = lineStart + 2
    for byte in boundary {
      if bytes[i] != byte { return nil }
      i += 1
    }
    var isClose = false
    if i + 1 < lineEnd, bytes[i] == 0x2D, bytes[i + 1] == 0x2D {
      isClose = true
      i += 2
    }
    while i < lineEnd {
      let byte = bytes[i]
      if byte != 0x20 && byte != 0x09 && byte != 0x0D { return nil }
      i += 1
    }
    return isClose
  }
}
