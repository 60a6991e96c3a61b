import CLibXML2

/// HTML to plain text through libxml2's forgiving HTML parser.
///
/// Network access and entity loading are off (`HTML_PARSE_NONET`; the HTML parser never
/// loads external entities). Script, style, head and title content is dropped; block elements
/// become line breaks and table cells a space; links keep their text. The tree is walked
/// with parent pointers rather than recursion, so deep markup cannot overflow the stack.
package enum HTMLText {
  /// The text of an HTML document given as UTF-8.
  package static func text(fromHTML html: String) -> String {
    var utf8 = Array(html.utf8)
    if utf8.isEmpty { return "" }
    _ = silenceOnce
    let options = Int32(HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
      | HTML_PARSE_NONET.rawValue | HTML_PARSE_COMPACT.rawValue)
    let document: htmlDocPtr? = utf8.withUnsafeMutableBufferPointer { buffer in
      buffer.baseAddress.flatMap { base in
        base.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
          htmlReadMemory($0, Int32(clamping: buffer.count), nil, "UTF-8", options)
        }
      }
    }
    guard let document else { return "" }
    defer { xmlFreeDoc(document) }
    guard let root = xmlDocGetRootElement(document) else { return "" }

    var out = [UInt8]()
    out.reserveCapacity(utf8.count / 2)
    var node: xmlNodePtr? = root
    var entering = true
    // Inside <pre> (or <textarea>) the text's own line breaks are its layout; elsewhere any
    // run of white space is one space, and only blocks and <br> break lines. Outlook writes
    // "From: …<br>\nSent: …", whose source line break would otherwise double every line and
    // hide the quoted header block.
    var preformatted = 0
    while let current = node {
      let name = elementName(current)
      let isShown = current.pointee.type == XML_ELEMENT_NODE && !skipped.contains(name)
      if entering {
        if isShown {
          if name == "pre" || name == "textarea" { preformatted += 1 }
          appendBreak(for: name, to: &out)
          if let child = current.pointee.children {
            node = child
            continue
          }
        } else if current.pointee.type == XML_TEXT_NODE || current.pointee.type == XML_CDATA_SECTION_NODE,
          var p = current.pointee.content
        {
          if preformatted > 0 {
            while p.pointee != 0 {
              out.append(p.pointee)
              p += 1
            }
          } else {
            while p.pointee != 0 {
              let byte = p.pointee
              p += 1
              guard byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0C else {
                out.append(byte)
                continue
              }
              // One space, and none at the start of a line.
              if let last = out.last, last != 0x20, last != 0x0A { out.append(0x20) }
            }
          }
        }
      }
      // Leaving the node: close its block, then go to the next sibling or back up.
      if isShown {
        if name == "pre" || name == "textarea" { preformatted -= 1 }
        if name != "br" { appendBreak(for: name, to: &out) }  // a <br> is one line break, not two
      }
      if current == root { break }
      if let next = current.pointee.next {
        node = next
        entering = true
      } else {
        node = current.pointee.parent
        entering = false
      }
    }
    // libxml2 stops building the tree past 256 levels of nesting and drops the rest; hostile
    // or machine-made HTML can go deeper. When the tree walk kept well under half the letters a
    // plain tag strip finds, the strip is the safer reading.
    let stripped = strippedText(utf8)
    let strippedLetters = letters(stripped)
    if strippedLetters > 200 && letters(out) * 2 < strippedLetters {
      return String(decoding: stripped, as: UTF8.self)
    }
    return String(decoding: out, as: UTF8.self)
  }

  private static func letters(_ bytes: [UInt8]) -> Int {
    bytes.reduce(0) { $0 + ((($1 | 0x20) >= 0x61 && ($1 | 0x20) <= 0x7A) || $1 >= 0x80 ? 1 : 0) }
  }

  /// Text with every tag removed and the content of script, style, head, title and template
  /// dropped (entities left as written), for the cases the tree walk cannot handle.
  static func strippedText(_ html: [UInt8]) -> [UInt8] {
    var out = [UInt8]()
    out.reserveCapacity(html.count / 2)
    var index = 0
    var skipping: [UInt8]? = nil  // the element whose content is being dropped
    let dropped: [[UInt8]] = ["script", "style", "head", "title", "template", "noscript"].map { Array($0.utf8) }
    while index < html.count {
      let byte = html[index]
      guard byte == 0x3C else {
        if skipping == nil { out.append(byte) }
        index += 1
        continue
      }
      // The tag ends at the first ">" outside a quoted attribute value.
      var end = index + 1
      var quote: UInt8? = nil
      while end < html.count {
        let c = html[end]
        if let open = quote {
          if c == open { quote = nil }
        } else if c == 0x22 || c == 0x27 {
          quote = c
        } else if c == 0x3E {
          break
        }
        end += 1
      }
      var nameStart = index + 1
      let closing = nameStart < end && html[nameStart] == 0x2F
      if closing { nameStart += 1 }
      var nameEnd = nameStart
      while nameEnd < end, (html[nameEnd] | 0x20) >= 0x61, (html[nameEnd] | 0x20) <= 0x7A { nameEnd += 1 }
      let name = html[nameStart..<nameEnd].map { $0 | 0x20 }
      if let current = skipping {
        if closing && name == current { skipping = nil }
      } else if !closing, dropped.contains(name), end < html.count, html[end - 1] != 0x2F {
        skipping = name
      } else {
        out.append(0x20)
      }
      index = end + 1
    }
    return out
  }

  private static func appendBreak(for name: String, to out: inout [UInt8]) {
    if blocks.contains(name) {
      if out.last == 0x20 { out.removeLast() }  // no space left at a line's end
      out.append(0x0A)
    } else if cells.contains(name), let last = out.last, last != 0x20, last != 0x0A {
      out.append(0x20)
    }
  }

  private static let silenceOnce: Void = { billable_xml_silence_errors() }()

  private static func elementName(_ node: xmlNodePtr) -> String {
    guard node.pointee.type == XML_ELEMENT_NODE, let name = node.pointee.name else { return "" }
    return String(cString: name)
  }

  private static let skipped: Set<String> = ["script", "style", "head", "title", "template", "noscript"]
  private static let cells: Set<String> = ["td", "th"]
  private static let blocks: Set<String> = [
    "address", "article", "aside", "blockquote", "br", "center", "dd", "div", "dl", "dt", "fieldset", "figcaption",
    "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p",
    "pre", "section", "table", "tbody", "thead", "tfoot", "tr", "ul",
  ]
}
