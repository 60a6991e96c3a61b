import Foundation
import BillableModel

/// Finds statements of time spent in a message's new text.
///
/// The text is split into sentences and each sentence into tokens (numbers, clock times,
/// words, punctuation). Durations are matched over tokens: `2.5 hours`, `2h30m`, `1:30 hrs`,
/// `90 min`, number words ("an hour and a half", "half an hour", "a quarter of an hour",
/// "two hours"), clock ranges ("from 2pm to 4:30pm", "10:00–11:15") and billing shorthand
/// (".3 for review", "0.3h"). Each match is then judged in its sentence: a future or
/// scheduling statement ("will take 2 hours"), a deadline ("within 24 hours", "48-hour
/// notice"), a relative time ("2 hours ago"), a rate ("$300 per hour"), someone else's time,
/// a disclaimer or a sentence that describes no work is rejected, with the reason kept.
package enum DurationExtractor {
  /// One duration statement that was taken, with the words that say what the work was.
  package struct Found: Sendable, Hashable {
    package var minutes: Double
    /// The sentence, trimmed, as evidence.
    package var sentence: String
    /// The duration as written.
    package var phrase: String
    /// The task the sentence describes ("reviewing the SPA"), or "".
    package var task: String
    /// True for a first-person statement ("I spent …"), which earns more confidence.
    package var isFirstPerson: Bool
  }

  /// The sentence as evidence: trimmed, and cut after `longestEvidence` characters (a
  /// "sentence" with no full stop can be a whole message, and it is stored with each entry).
  static func evidence(_ sentence: String) -> String {
    let trimmed = sentence.trimmingSpacesAndPunctuation
    guard trimmed.unicodeScalars.count > longestEvidence else { return trimmed }
    return String(String.UnicodeScalarView(trimmed.unicodeScalars.prefix(longestEvidence))) + "\u{2026}"
  }

  static let longestEvidence = 500

  /// A message with more duration statements than this is a generated list or an attack,
  /// not someone's account of their time: the rest are not read.
  static let mostCandidates = 200

  /// Every candidate (taken or not) and the taken ones with their tasks.
  package static func extract(from text: String) -> (found: [Found], candidates: [DurationCandidate]) {
    var found: [Found] = []
    var candidates: [DurationCandidate] = []
    let bytes = Array(text.utf8)
    guard mayHoldDuration(bytes[...]) else { return (found, candidates) }
    // Over bytes until a sentence may hold a duration: most sentences of most mail hold none,
    // and only those become Strings and tokens.
    let lines = logicalLines(bytes)
    // Which lines head an agenda or a summary of hours: read when first asked about.
    var marks = LineMarks(count: lines.count)
    for (lineIndex, line) in lines.enumerated() {
      var inDisclaimer: Bool? = nil
      var previousSentence: Range<Int>? = nil
      for range in sentenceRanges(inLogicalLine: line) {
        defer { previousSentence = range }
        guard mayHoldDuration(line[range]) else { continue }
        let bytes = Array(line[range])
        let sentence = String(decoding: bytes, as: UTF8.self)
        let tokens = tokenize(sentence)
        // What the sentence says is read once, when its first duration is judged.
        lazy var facts = SentenceFacts(tokens)
        var trimmed: String? = nil
        var index = 0
        while index < tokens.count {
          guard candidates.count < mostCandidates else { return (found, candidates) }
          guard let match = matchDuration(tokens, at: index) else {
            index += 1
            continue
          }
          let phrase = Self.text(of: tokens, match.range, in: bytes)
          var verdict = judge(tokens, match: match, facts: facts)
          // A terse time note after the work it is for: "Reviewed the three statements. 2h30m."
          var workBefore: String? = nil
          if verdict.reason == "no-work-described", tokens.count <= match.range.count + 3, let previous = previousSentence {
            let before = String(decoding: line[previous], as: UTF8.self)
            let facts = SentenceFacts(tokenize(before))
            if facts.workWord || facts.pastWorkVerb {
              verdict = Verdict(taken: true, reason: "explicit", firstPerson: verdict.firstPerson)
              workBefore = before
            }
          }
          // "Agenda for Thursday:" then "13:00-14:30 prototype walkthrough", or "Ordre du jour :"
          // then "2. 15 min : planning": a programme, not a log.
          if verdict.taken, !facts.pastWorkVerb,
            tokens[..<match.range.lowerBound].allSatisfy({ $0.word == nil }),
            marks.above(lineIndex, in: lines, match.isRange ? .agenda : .agendaHeading)
          {
            verdict = Verdict(taken: false, reason: "scheduling", firstPerson: verdict.firstPerson)
          }
          // "My rough estimate:" then "- testing: half a day": a quote, not a log.
          if verdict.taken, !facts.pastWorkVerb, marks.above(lineIndex, in: lines, .plan) {
            verdict = Verdict(taken: false, reason: "future", firstPerson: verdict.firstPerson)
          }
          // "Urenoverzicht week 11:", "Récapitulatif des heures": a table that restates time
          // already billed from the mail it was in; billing it again would double it.
          if verdict.taken,
            LineMarks.isTabular(line) && marks.above(lineIndex, in: lines, .summary)
              || LineMarks.isListItem(line) && marks.above(lineIndex, in: lines, .billed)
          {
            verdict = Verdict(taken: false, reason: "billing-summary", firstPerson: verdict.firstPerson)
          }
          let disclaimer = inDisclaimer ?? isDisclaimer(line)
          inDisclaimer = disclaimer
          if disclaimer { verdict = Verdict(taken: false, reason: "disclaimer", firstPerson: verdict.firstPerson) }
          let minutes = match.minutes
          if let minutes, verdict.taken {
            let task = workBefore.map(Self.workClause) ?? taskPhrase(tokens, excluding: match.range, in: bytes)
            if let workBefore {
              trimmed = evidence(
                workBefore.trimmingCharacters(in: .whitespaces) + " " + sentence.trimmingCharacters(in: .whitespaces))
            }
            if trimmed == nil { trimmed = evidence(sentence) }
            found.append(
              Found(
                minutes: minutes, sentence: trimmed ?? sentence, phrase: phrase, task: task,
                isFirstPerson: verdict.firstPerson))
            candidates.append(DurationCandidate(text: phrase, minutes: minutes, taken: true, reason: verdict.reason))
          } else {
            candidates.append(
              DurationCandidate(text: phrase, minutes: minutes, taken: false, reason: minutes == nil ? "vague" : verdict.reason))
          }
          index = match.range.upperBound
        }
      }
    }
    return (found, candidates)
  }

  /// The lines of a text that head an agenda ("Agenda for Thursday:") or a summary of hours
  /// already worked or billed ("Urenoverzicht week 11", "récapitulatif des heures, déjà
  /// facturées"; not today's new entries: "Please enter for today:" is no summary). What
  /// follows within a dozen lines is a programme or a restatement, not new time.
  struct LineMarks {
    static let agendaWords = ["agenda", "programme", "program", "schedule", "timetable", "itinerary", "tagesordnung",
      "ordre du jour"].map { Array($0.utf8) }
    static let summaryWords = [
      "summary of hours", "hours summary", "time summary", "overview of hours", "hours to date", "urenoverzicht",
      "weekoverzicht", "maandoverzicht", "overzicht van de uren", "récapitulatif des heures", "recapitulatif des heures",
      "stundenübersicht", "stundenaufstellung", "zeitaufstellung", "resumen de horas", "riepilogo ore",
      "resumo de horas",
    ].map { Array($0.utf8) }
    /// Headings of time already invoiced: every entry below restates billed time, table or list.
    static let billedWords = [
      "heures facturées", "déjà facturé", "bereits abgerechnet", "bereits in rechnung", "horas facturadas",
      "ya facturad", "ore fatturate", "già fatturat", "horas faturadas", "já faturad", "already invoiced",
      "already billed", "al gefactureerd", "reeds gefactureerd",
    ].map { Array($0.utf8) }
    /// Headings of estimates and quotes: what follows is a plan, not a log.
    static let planWords = [
      "estimate", "quote for", "quotation", "proposal", "offerte", "devis", "angebot", "kostenvoranschlag", "presupuesto",
      "preventivo", "orçamento", "begroting",
    ].map { Array($0.utf8) }
    static let reach = 12
    enum Kind: UInt8 {
      case agenda = 1
      case summary = 2
      case plan = 4
      /// An agenda's heading line, ending in a colon: below it even bare lengths are a programme.
      case agendaHeading = 8
      /// A heading of time already invoiced.
      case billed = 16
    }
    /// Per line: nil until read, then the kinds it heads as bits.
    private var kinds: [UInt8?]

    init(count: Int) { kinds = Array(repeating: nil, count: count) }

    /// Whether one of the lines just above `index` heads a `kind`.
    mutating func above(_ index: Int, in lines: [[UInt8]], _ kind: Kind) -> Bool {
      for at in max(0, index - Self.reach)..<index {
        if kinds[at] == nil {
          let lower = lines[at].prefix(200).map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
          var found: UInt8 = 0
          if Self.agendaWords.contains(where: { ClientMatcher.contains(lower, $0) }) {
            found |= Kind.agenda.rawValue
            if lower.last(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) == UInt8(ascii: ":") {
              found |= Kind.agendaHeading.rawValue
            }
          }
          if Self.summaryWords.contains(where: { ClientMatcher.contains(lower, $0) }) { found |= Kind.summary.rawValue }
          if Self.billedWords.contains(where: { ClientMatcher.contains(lower, $0) }) {
            found |= Kind.summary.rawValue | Kind.billed.rawValue
          }
          if Self.planWords.contains(where: { ClientMatcher.contains(lower, $0) }) { found |= Kind.plan.rawValue }
          kinds[at] = found
        }
        if let found = kinds[at], found & kind.rawValue != 0 { return true }
      }
      return false
    }

    /// A row of a table or an item of a list ("- 1,5 reunião inicial", "• 2.0 research"), not
    /// a sentence of prose.
    static func isListItem(_ line: [UInt8]) -> Bool {
      if isTabular(line) { return true }
      guard let first = line.firstIndex(where: { $0 != 0x20 }) else { return false }
      if first >= 2 { return true }  // indented
      switch line[first] {
      case UInt8(ascii: "-"), UInt8(ascii: "*"), UInt8(ascii: "+"): return true
      case 0xE2:  // • U+2022, – U+2013
        return line.count > first + 2 && line[first + 1] == 0x80 && (line[first + 2] == 0xA2 || line[first + 2] == 0x93)
      default: return line[first] >= 0x30 && line[first] <= 0x39
      }
    }

    /// A row of a table of hours ("di 11-3   Stuurgroep   1,5 uur"): columns set apart by
    /// runs of spaces or tabs.
    static func isTabular(_ line: [UInt8]) -> Bool {
      var spaces = 0
      for byte in line {
        if byte == 0x09 { return true }
        spaces = byte == 0x20 ? spaces + 1 : 0
        if spaces >= 3 { return true }
      }
      return false
    }
  }

  /// The work a terse time note is for, from the sentence before it: without a greeting
  /// ("Priya - reviewed the statements." gives "reviewed the statements") or the full stop.
  static func workClause(_ sentence: String) -> String {
    var clause = Substring(sentence.trimmingCharacters(in: .whitespaces))
    for separator in [" - ", " \u{2013} ", ", "] {
      if let range = clause.range(of: separator), clause[..<range.lowerBound].split(separator: " ").count <= 2 {
        clause = clause[range.upperBound...]
        break
      }
    }
    while let last = clause.last, last == "." || last == "!" || last == ";" { clause = clause.dropLast() }
    return String(clause)
  }

  // MARK: - Sentences and tokens

  /// A cheap byte test before any tokenizing, true for every text that holds a duration: a
  /// word hour, half, quarter, min(ute), full, whole or entire ("a full day", "the whole day"),
  /// or a number followed by what
  /// a duration or a clock time needs: a unit or am/pm letter (h, m, a, p, after spaces or a
  /// hyphen), `:30`, a decimal point, or any non-ASCII character (a no-break space, a dash).
  /// Dates, phone numbers, amounts and section numbers fail it.
  static func mayHoldDuration(_ bytes: ArraySlice<UInt8>) -> Bool {
    var index = bytes.startIndex
    let end = bytes.endIndex
    func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
    func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) }
    while index < end {
      let byte = bytes[index]
      if isDigit(byte) {
        if index > bytes.startIndex, bytes[index - 1] == 0x2E { return true }  // ".3 for review"
        while index < end, isDigit(bytes[index]) { index += 1 }
        guard index < end else { return false }
        // "1:30", "1.5", and "0,8 revisão" (a decimal comma)
        if bytes[index] == 0x3A || bytes[index] == 0x2E || bytes[index] == 0x2C, index + 1 < end, isDigit(bytes[index + 1]) {
          return true
        }
        var next = index
        while next < end, isSpace(bytes[next]) { next += 1 }
        if next < end, bytes[next] == 0x2D || bytes[next] == 0x2B {  // "45-minute", "2+ hours"
          next += 1
          while next < end, isSpace(bytes[next]) { next += 1 }
        }
        guard next < end else { return false }
        let follower = bytes[next]
        if follower >= 0x80 { return true }
        let lower = follower | 0x20
        if lower == 0x68 || lower == 0x6D || lower == 0x61 || lower == 0x70 { return true }  // h m a p
        // Stunden, Std., ore, ora, uur, uren, Uhr
        if lower == 0x73 || lower == 0x6F || lower == 0x75 {
          if hasWord(bytes, at: next, "std") || hasWord(bytes, at: next, "stund") || hasWord(bytes, at: next, "ore")
            || hasWord(bytes, at: next, "ora") || hasWord(bytes, at: next, "uur") || hasWord(bytes, at: next, "uren")
            || hasWord(bytes, at: next, "uhr")
          {
            return true
          }
          // Dutch "1,5u": a lone u after the number
          if lower == 0x75, next + 1 == end || (bytes[next + 1] | 0x20) < 0x61 || (bytes[next + 1] | 0x20) > 0x7A { return true }
        }
        continue
      }
      let lower = byte | 0x20
      // The words a duration can be made of without a digit, by first letter.
      let found: Bool
      switch lower {
      case 0x68:  // h
        found = hasWord(bytes, at: index, "hour") || hasWord(bytes, at: index, "half") || hasWord(bytes, at: index, "heure")
          || hasWord(bytes, at: index, "hora")
      case 0x6D: found = hasWord(bytes, at: index, "min") || hasWord(bytes, at: index, "mezz")  // m
      case 0x71: found = hasWord(bytes, at: index, "quarter")  // q
      case 0x66: found = hasWord(bytes, at: index, "full")  // f
      case 0x73: found = hasWord(bytes, at: index, "stund")  // s
      case 0x76: found = hasWord(bytes, at: index, "viertelst")  // v
      case 0x6B: found = hasWord(bytes, at: index, "kwartier")  // k
      case 0x64: found = hasWord(bytes, at: index, "dreiviertelst")  // d
      case 0x75: found = hasWord(bytes, at: index, "uur")  // u
      case 0x77, 0x65:  // " whole", " entire"
        found = index > bytes.startIndex && bytes[index - 1] == 0x20
          && (hasWord(bytes, at: index, "whole") || hasWord(bytes, at: index, "entire"))
      default: found = false
      }
      if found { return true }
      index += 1
    }
    return false
  }

  private static func hasWord(_ bytes: ArraySlice<UInt8>, at index: Int, _ word: StaticString) -> Bool {
    let count = word.utf8CodeUnitCount
    guard index + count <= bytes.endIndex else { return false }
    let p = word.utf8Start
    for offset in 0..<count where bytes[index + offset] | 0x20 != p[offset] { return false }
    return true
  }

  private static let disclaimerMarkers = [
    "confidential", "privileged", "intended recipient", "disclaimer", "received this in error", "received in error",
  ].map { Array($0.utf8) }

  /// Whether a logical line reads as a legal disclaimer (two of its markers).
  static func isDisclaimer(_ line: [UInt8]) -> Bool {
    let lower = line.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
    return disclaimerMarkers.filter { ClientMatcher.contains(lower, $0) }.count >= 2
  }

  /// A logical line's sentences: split at `.`, `!`, `?` or `;` followed by a space (a decimal
  /// point or ".3" is not an end). Sentences of nothing but spaces and punctuation are left out.
  static func sentenceRanges(inLogicalLine bytes: [UInt8]) -> [Range<Int>] {
    var result: [Range<Int>] = []
    var start = 0
    var index = 0
    func append(_ range: Range<Int>) {
      if bytes[range].contains(where: { !isFiller($0) }) { result.append(range) }
    }
    while index < bytes.count {
      let byte = bytes[index]
      if byte == 0x2E || byte == 0x21 || byte == 0x3F || byte == 0x3B {  // . ! ? ;
        let atEnd = index + 1 == bytes.count || bytes[index + 1] == 0x20
        let previous = index > 0 ? bytes[index - 1] : 0x20
        // Keep "Mr." "e.g." ".3 for review" and "2 h. 30 min." together.
        if atEnd
          && !(byte == 0x2E
            && (previous == 0x20 || isAbbreviation(bytes, from: start, to: index) || isUnitBeforeNumber(bytes, from: start, dot: index)))
        {
          append(start..<(index + 1))
          start = index + 1
        }
      }
      index += 1
    }
    if start < bytes.count { append(start..<bytes.count) }
    return result
  }

  /// Spaces and the punctuation a sentence may begin or end with; a sentence of nothing else
  /// holds no duration. Every non-ASCII byte counts as content, to be safe.
  private static func isFiller(_ byte: UInt8) -> Bool {
    byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) || byte == 0x2D || byte == 0x2A || byte == 0x2E || byte == 0x3B
      || byte == 0x2C
  }

  private static let abbreviations: [[UInt8]] = [
    "mr", "mrs", "ms", "dr", "e.g", "i.e", "a.m", "p.m", "approx", "est", "vs", "no", "inc", "corp", "ltd", "co",
    // "ca. 1,5 Std.", "env. 2 h", "ungef. 3 Std.", "aprox. 2 horas", "circa", "z.b"
    "ca", "env", "ungef", "aprox", "z.b", "bzw", "ggf",
  ].map { Array($0.utf8) }

  /// Whether the word ending at the `.` at `end` is a common abbreviation ("(approx." too).
  private static func isAbbreviation(_ bytes: [UInt8], from start: Int, to end: Int) -> Bool {
    wordBefore(bytes, from: start, to: end, isOneOf: abbreviations)
  }

  private static let unitAbbreviations: [[UInt8]] = ["h", "hr", "hrs", "min", "mins"].map { Array($0.utf8) }

  /// "2 h. 30 min.": a unit's dot followed by the next number of the same duration.
  private static func isUnitBeforeNumber(_ bytes: [UInt8], from start: Int, dot: Int) -> Bool {
    var next = dot + 1
    while next < bytes.count, bytes[next] == 0x20 { next += 1 }
    guard next < bytes.count, bytes[next] >= 0x30, bytes[next] <= 0x39 else { return false }
    return wordBefore(bytes, from: start, to: dot, isOneOf: unitAbbreviations)
  }

  /// Whether the word that ends at `end`, without the brackets or quotes before it, is one of
  /// `words` (lowercase), ignoring case. Runs at every full stop, so it allocates nothing.
  private static func wordBefore(_ bytes: [UInt8], from start: Int, to end: Int, isOneOf words: [[UInt8]]) -> Bool {
    var wordStart = end
    while wordStart > start, bytes[wordStart - 1] != 0x20, end - wordStart <= 8 { wordStart -= 1 }
    while wordStart < end, bytes[wordStart] == 0x28 || bytes[wordStart] == 0x5B || bytes[wordStart] == 0x22 || bytes[wordStart] == 0x27 {
      wordStart += 1  // ( [ " '
    }
    let length = end - wordStart
    return words.contains { word in
      word.count == length && word.indices.allSatisfy { offset in
        let byte = bytes[wordStart + offset]
        return (byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte) == word[offset]
      }
    }
  }

  /// Lines joined where a paragraph was merely wrapped: a line break ends a sentence only at
  /// a blank line, after sentence punctuation or a short line ("Kind regards,"), or before a
  /// list item ("- 0.3 call with client").
  static func logicalLines(_ bytes: [UInt8]) -> [[UInt8]] {
    var result: [[UInt8]] = []
    var current: [UInt8] = []
    // Characters in `current`, kept as it grows: counting them per line was quadratic in a
    // paragraph that never ends a sentence (PGP armour, base64 pasted as text).
    var currentCharacters = 0
    func finish() {
      if !current.isEmpty { result.append(current) }
      current.removeAll(keepingCapacity: true)
      currentCharacters = 0
    }
    func characters(_ line: ArraySlice<UInt8>) -> Int { line.lazy.filter { $0 & 0xC0 != 0x80 }.count }
    // Over UTF-8 bytes: every test below is on ASCII.
    var lines: [ArraySlice<UInt8>] = []
    var start = 0
    for index in 0...bytes.count where index == bytes.count || bytes[index] == 0x0A {
      var lo = start
      var hi = index
      while lo < hi, bytes[lo] == 0x20 || bytes[lo] == 0x09 || bytes[lo] == 0x0D { lo += 1 }
      while hi > lo, bytes[hi - 1] == 0x20 || bytes[hi - 1] == 0x09 || bytes[hi - 1] == 0x0D { hi -= 1 }
      lines.append(bytes[lo..<hi])
      start = index + 1
    }
    for line in lines {
      if line.isEmpty {
        finish()
        continue
      }
      if current.isEmpty {
        current.append(contentsOf: line)
        currentCharacters = characters(line)
        continue
      }
      let first = line[line.startIndex]
      let second = line.dropFirst().prefix(2)
      let startsItem = first == 0x2D || first == 0x2A || first == 0x3E || line.starts(with: [0xE2, 0x80, 0xA2])  // - * > •
        || (first >= 0x30 && first <= 0x39 && second.contains { $0 == 0x2E || $0 == 0x29 } && !line.contains(0x3A))
        || (first == 0x2E && second.first.map { $0 >= 0x30 && $0 <= 0x39 } == true)  // ".3 review", a time entry
      let last = current[current.count - 1]
      let endsSentence = last == 0x2E || last == 0x21 || last == 0x3F || last == 0x3A || last == 0x3B
      // A short line ("Kind regards,") ends its own sentence; count characters, not bytes.
      let isShort = currentCharacters <= 40
      if startsItem || endsSentence || isShort {
        finish()
        current.append(contentsOf: line)
        currentCharacters = characters(line)
      } else {
        current.append(0x20)
        current.append(contentsOf: line)
        currentCharacters += 1 + characters(line)
      }
    }
    finish()
    return result
  }

  enum Kind: Equatable {
    case number(Double, hasDecimal: Bool, leadingDot: Bool)
    case clock(hour: Int, minute: Int)
    case word(String)
    case symbol(Character)
  }

  struct Token: Equatable {
    var kind: Kind
    /// Range in the sentence's Unicode scalars.
    var start: Int
    var end: Int
    /// The same range in the sentence's UTF-8 bytes.
    var byteStart = 0
    var byteEnd = 0
    /// No space between this token and the previous one ("2h", "4:30pm").
    var attached: Bool

    var word: String? {
      if case .word(let w) = kind { return w }
      return nil
    }
    var number: Double? {
      if case .number(let n, _, _) = kind { return n }
      return nil
    }
  }

  static func tokenize(_ sentence: String) -> [Token] {
    // Unicode scalars, not Characters: grapheme breaking per character cost more than the
    // rest of the analysis, and every token boundary here is a scalar boundary.
    let characters = Array(sentence.unicodeScalars)
    let utf8 = Array(sentence.utf8)
    // Where each scalar starts in the UTF-8 bytes, so that phrases, numbers and ASCII words are
    // cut from the bytes rather than built a scalar at a time.
    var offsets: [Int] = []
    offsets.reserveCapacity(characters.count + 1)
    var offset = 0
    for character in characters {
      offsets.append(offset)
      offset += UTF8.width(character)
    }
    offsets.append(offset)
    var tokens: [Token] = []
    var index = 0
    var previousEnd = -1
    func text(_ start: Int, _ end: Int) -> String { String(decoding: utf8[offsets[start]..<offsets[end]], as: UTF8.self) }
    func add(_ kind: Kind, _ start: Int, _ end: Int) {
      tokens.append(
        Token(kind: kind, start: start, end: end, byteStart: offsets[start], byteEnd: offsets[end], attached: start == previousEnd))
      previousEnd = end
    }
    /// A fraction, added to a whole number just before it ("1 ½", "1½", "1 1/2").
    func addFraction(_ fraction: Double, _ start: Int, _ end: Int) {
      if let last = tokens.last, case .number(let whole, false, false) = last.kind,
        characters[last.end..<start].allSatisfy({ $0 == " " || $0 == "\u{00A0}" })
      {
        tokens.removeLast()
        previousEnd = last.attached ? last.start : -1
        add(.number(whole + fraction, hasDecimal: true, leadingDot: false), last.start, end)
      } else {
        add(.number(fraction, hasDecimal: true, leadingDot: false), start, end)
      }
    }
    // Where each run of characters without a space ends, for the run at `index`.
    var runEnd = 0
    while index < characters.count {
      let character = characters[index]
      if character.isSpace {
        index += 1
        continue
      }
      // A long run with no space is base64, uuencode, yEnc, a key or a URL, never prose:
      // "6H9" inside it is no duration, nor is an "I" a first person. It becomes one opaque
      // token — unless it is mostly a script written without spaces (Chinese, Japanese, Thai).
      if index >= runEnd {
        runEnd = index
        var spaceless = 0
        while runEnd < characters.count, !characters[runEnd].isSpace {
          if isSpacelessScript(characters[runEnd].value) { spaceless += 1 }
          runEnd += 1
        }
        if isOpaqueRun(length: runEnd - index, spaceless: spaceless) {
          add(.symbol("\u{FFFC}"), index, runEnd)
          index = runEnd
          continue
        }
      }
      // "192.0.2.1", "1.2.3": an address or a version, not a number of hours.
      if character.isASCIIDigit, let end = dottedRunEnd(characters, from: index) {
        add(.word(String(String.UnicodeScalarView(characters[index..<end]))), index, end)
        index = end
        continue
      }
      let startsDecimal = character == "." && index + 1 < characters.count && characters[index + 1].isASCIIDigit
        && (index == 0 || !characters[index - 1].isASCIIDigit)
      if character.isASCIIDigit || startsDecimal {
        let start = index
        while index < characters.count, characters[index].isASCIIDigit { index += 1 }
        // Clock time h:mm
        // (no clock has more than two digits of hours or sixty minutes: "1:60" is no time)
        if index + 2 < characters.count, characters[index] == ":", characters[index + 1].isASCIIDigit,
          characters[index + 2].isASCIIDigit, index > start, index - start <= 2, let hour = Int(text(start, index)),
          let minute = Int(text(index + 1, index + 3)), minute < 60
        {
          index += 3
          add(.clock(hour: hour, minute: minute), start, index)
          continue
        }
        var hasDecimal = false
        if index + 1 < characters.count, characters[index] == ".", characters[index + 1].isASCIIDigit {
          // "om 14.00 uur", "van 9.30 tot 12.00": a clock time with a dot, as Dutch and German write it.
          if !startsDecimal, let clock = dottedClock(characters, start: start, dot: index, previous: tokens.last) {
            index = clock.end
            add(.clock(hour: clock.hour, minute: clock.minute), start, index)
            continue
          }
          hasDecimal = true
          index += 1
          while index < characters.count, characters[index].isASCIIDigit { index += 1 }
        }
        let digits = text(start, index)
        var value = Double(startsDecimal ? "0" + digits : digits) ?? 0
        // "1,5 h": a decimal comma, when one or two digits and then a unit follow.
        if !hasDecimal && !startsDecimal, index + 1 < characters.count, characters[index] == ",", characters[index + 1].isASCIIDigit {
          var end = index + 1
          while end < characters.count, characters[end].isASCIIDigit { end += 1 }
          // "- 0,8 revisão do modelo 22": a time entry's figure opening the line, as a
          // Portuguese, Spanish or German note writes it.
          let opensEntry = tokens.allSatisfy { $0.word == nil && $0.number == nil } && end + 1 < characters.count
            && characters[end] == " " && characters[end + 1].isLetter
          if end - index - 1 <= 2, unitFollows(characters, at: end) || opensEntry,
            let fraction = Double("0." + text(index + 1, end))
          {
            value += fraction
            hasDecimal = true
            index = end
          }
        }
        // "3/4 hour", "1 1/2 hours": a fraction of halves, thirds or quarters before a unit.
        if !hasDecimal && !startsDecimal, index + 2 < characters.count, characters[index] == "/",
          let denominator = Double(String(characters[index + 1])), [2, 3, 4].contains(denominator), value < denominator,
          index + 2 == characters.count || !characters[index + 2].isASCIIDigit, unitFollows(characters, at: index + 2)
        {
          index += 2
          addFraction(value / denominator, start, index)
          continue
        }
        add(.number(value, hasDecimal: hasDecimal, leadingDot: startsDecimal), start, index)
        continue
      }
      if (0xBC...0xBE).contains(character.value) {  // ¼ ½ ¾: "1 ½ hours", "¾ hour"
        index += 1
        addFraction(Double(character.value - 0xBB) / 4, index - 1, index)
        continue
      }
      if character.isLetter || character == "'" || character == "\u{2019}" {
        let start = index
        var isASCII = true
        while index < characters.count, characters[index].isLetter || characters[index] == "'" || characters[index] == "\u{2019}" {
          if characters[index].value >= 0x80 { isASCII = false }
          index += 1
        }
        var word: String
        if isASCII {
          var bytes = Array(utf8[offsets[start]..<offsets[index]])
          // A capital M alone is kept as it is: after a number it means million or mega
          // ("EUR 2M facility", "a 5M file"), which a minute "m" must not be taken for.
          if !(bytes.count == 1 && bytes[0] == 0x4D) {
            for at in bytes.indices where bytes[at] >= 0x41 && bytes[at] <= 0x5A { bytes[at] |= 0x20 }
          }
          while bytes.last == 0x27 { bytes.removeLast() }  // "24 hours' notice"
          word = String(decoding: bytes, as: UTF8.self)
        } else {
          word = ""
          for scalar in characters[start..<index] { word.unicodeScalars.append(scalar == "\u{2019}" ? "'" : scalar) }
          while word.hasSuffix("'") { word.removeLast() }
          word = word.lowercased()
        }
        add(.word(word), start, index)
        continue
      }
      add(.symbol(Character(character)), index, index + 1)
      index += 1
    }
    return tokens
  }

  /// "H.MM" or "HH.MM" as a clock time: after "om", "van", "tot", "um", "von", "bis", or before
  /// "uur", "Uhr", "u", "h", or "tot"/"bis"/"-" and another such time. A duration with a
  /// fraction is written "1,5 uur" in these languages, and "1.50 hours" has no such company.
  private static func dottedClock(_ characters: [Unicode.Scalar], start: Int, dot: Int, previous: Token?)
    -> (hour: Int, minute: Int, end: Int)?
  {
    guard dot - start <= 2, dot + 2 < characters.count, characters[dot + 1].isASCIIDigit, characters[dot + 2].isASCIIDigit,
      dot + 3 == characters.count || !characters[dot + 3].isASCIIDigit
    else { return nil }
    let hour = characters[start..<dot].reduce(0) { $0 * 10 + Int($1.value - 0x30) }
    let minute = Int(characters[dot + 1].value - 0x30) * 10 + Int(characters[dot + 2].value - 0x30)
    guard hour <= 23, minute <= 59 else { return nil }
    let end = dot + 3
    // The word after, skipping spaces.
    var at = end
    while at < characters.count, characters[at] == " " { at += 1 }
    var word = ""
    while at < characters.count, characters[at].isLetter, word.unicodeScalars.count < 6 {
      word.unicodeScalars.append(Unicode.Scalar(characters[at].value | (characters[at].value < 0x80 ? 0x20 : 0)) ?? characters[at])
      at += 1
    }
    let dashAfter = at < characters.count && (characters[at] == "-" || characters[at] == "\u{2013}") && word.isEmpty
    // After an English "to", "from" or "at" only quarter hours ("from 10 to 11.30"): "from 1.25
    // to 2.50" is a ratio, not twenty-five past one.
    let englishLead = englishClockLeads.contains(previous?.word ?? "") && [0, 15, 30, 45].contains(minute)
    guard dottedClockBefore.contains(previous?.word ?? "") || englishLead || dottedClockUnits.contains(word) || word == "tot"
      || word == "bis" || dashAfter
    else { return nil }
    // "12.00 uur" is one time of day: the unit is the clock's, not an hour unit after it.
    return (hour, minute, dottedClockUnits.contains(word) ? at : end)
  }

  private static let dottedClockBefore: Set<String> = [
    "om", "van", "vanaf", "tot", "um", "von", "bis", "ab", "gegen",
  ]
  private static let englishClockLeads: Set<String> = ["to", "from", "until", "till", "at"]
  private static let dottedClockUnits: Set<String> = ["uur", "uhr", "u", "h"]

  /// Longer runs without a space are opaque to the tokenizer and to word counts (see
  /// `tokenize`), unless mostly in a script written without spaces. Real duration phrases
  /// ("2h30m", "(approx.3hrs)") are far shorter.
  static let longestWordRun = 30

  package static func isOpaqueRun(length: Int, spaceless: Int) -> Bool {
    length > longestWordRun && spaceless * 2 < length
  }

  /// Scripts written without spaces between words, roughly: Thai, Lao, Tibetan, Myanmar,
  /// Khmer and their neighbours (U+0800–U+1FFF), CJK, kana and Hangul (U+3000–U+DFFF), CJK
  /// compatibility and full-width forms (U+F000–U+FFFF). The ranges are those whose UTF-8
  /// starts with E0, E1, E3–ED or EF (`isSpacelessLead`), so a count over bytes agrees.
  package static func isSpacelessScript(_ value: UInt32) -> Bool {
    (0x0800...0x1FFF).contains(value) || (0x3000...0xDFFF).contains(value) || (0xF000...0xFFFF).contains(value)
  }

  /// The first byte of a character of `isSpacelessScript`.
  package static func isSpacelessLead(_ byte: UInt8) -> Bool {
    byte == 0xE0 || byte == 0xE1 || (byte >= 0xE3 && byte <= 0xED) || byte == 0xEF
  }

  /// The end of "d.d.d" (three or more dot-separated groups of digits) starting at `start`.
  private static func dottedRunEnd(_ characters: [Unicode.Scalar], from start: Int) -> Int? {
    var index = start
    var groups = 0
    while true {
      let groupStart = index
      while index < characters.count, characters[index].isASCIIDigit { index += 1 }
      guard index > groupStart else { return nil }
      groups += 1
      guard index + 1 < characters.count, characters[index] == ".", characters[index + 1].isASCIIDigit else { break }
      index += 1
    }
    return groups >= 3 ? index : nil
  }

  /// Whether an hour or minute unit starts at `index`, after spaces or a hyphen ("1/2-hour").
  private static func unitFollows(_ characters: [Unicode.Scalar], at index: Int) -> Bool {
    var start = index
    while start < characters.count, characters[start].isSpace || characters[start] == "-" { start += 1 }
    var end = start
    var word = ""
    while end < characters.count, characters[end].isLetter, end - start < 8 {
      word.unicodeScalars.append(characters[end].properties.lowercaseMapping.unicodeScalars.first ?? characters[end])
      end += 1
    }
    return hourUnits.contains(word) || minuteUnits.contains(word) || word == "m" || word == "u"
  }

  private static func text(of tokens: [Token], _ range: Range<Int>, in sentence: [UInt8]) -> String {
    guard let first = tokens[safe: range.lowerBound], let last = tokens[safe: range.upperBound - 1] else { return "" }
    return String(decoding: sentence[first.byteStart..<last.byteEnd], as: UTF8.self)
  }

  // MARK: - Durations

  struct Match {
    var range: Range<Int>
    /// `nil` for a vague amount ("a couple of hours").
    var minutes: Double?
    var isRange = false
    var isShorthand = false
  }

  // Units and number words in English and in the languages of European practice: French,
  // German, Spanish, Italian, Dutch ("2 heures", "3 Std.", "1 ora e mezza", "2 uur").
  static let hourUnits: Set<String> = [
    "h", "hr", "hrs", "hour", "hours", "hs", "heure", "heures", "stunde", "stunden", "std", "hora", "horas", "ora",
    "ore", "uur", "uren", "uurtje", "uurtjes",
  ]
  static let minuteUnits: Set<String> = [
    "min", "mins", "minute", "minutes", "mn", "minuten", "minuto", "minutos", "minuti", "minuut",
  ]
  static let numberWords: [String: Double] = [
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40, "fortyfive": 45, "fifty": 50,
    "sixty": 60, "ninety": 90,
    "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "dix": 10, "quinze": 15, "vingt": 20, "trente": 30,
    "ein": 1, "eine": 1, "einer": 1, "zwei": 2, "drei": 3, "vier": 4, "fünf": 5, "zehn": 10, "fünfzehn": 15,
    "zwanzig": 20, "dreißig": 30,
    "una": 1, "uno": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "diez": 10, "quince": 15, "veinte": 20,
    "treinta": 30, "due": 2, "tre": 3, "een": 1, "twee": 2, "drie": 3, "d'une": 1, "d'un": 1,
  ]
  /// "and" before "a half" or more minutes: "2 horas y media", "deux heures et demie".
  static let conjunctions: Set<String> = ["and", "et", "y", "und", "e", "en"]
  static let quarterWords: Set<String> = ["quarter", "quarto", "quart", "cuarto", "viertel", "kwartier"]
  /// Words that may follow "2 h 15" (fifteen minutes, not fifteen of something).
  static let afterSpacedMinutes: Set<String> = [
    "für", "for", "per", "sur", "on", "a", "à", "am", "an", "al", "alla", "en", "op", "voor", "para", "pour", "de", "di",
    "in", "im", "zur", "zum", "auf", "heute", "today", "oggi",
  ]
  /// Half, alone after a conjunction ("et demie") or before an hour unit ("une demi-heure").
  static let halfWords: Set<String> = [
    "half", "demi", "demie", "halb", "halbe", "halben", "media", "medio", "mezza", "mezzo", "meia", "meio",
  ]

  private static func isHourUnit(_ token: Token?) -> Bool { token?.word.map(hourUnits.contains) ?? false }
  private static func isMinuteUnit(_ token: Token?) -> Bool {
    guard let word = token?.word else { return false }
    return minuteUnits.contains(word) || (word == "m" && token?.attached == true)
  }

  /// A number, or a number word ("two", "forty-five" as "forty" "-" "five").
  private static func quantity(_ tokens: [Token], at index: Int) -> (Double, Int)? {
    guard let token = tokens[safe: index] else { return nil }
    // A figure past a hundred thousand is an amount or an id, never a length of work (and
    // "99999999999999999999 hours" must not reach an Int conversion downstream).
    if let number = token.number { return number <= 100_000 ? (number, index + 1) : nil }
    guard let word = token.word, let value = numberWords[word] else { return nil }
    // twenty-five, thirty five
    if value >= 20, let next = tokens[safe: index + 1] {
      var j = index + 1
      if case .symbol("-") = next.kind { j += 1 }
      if let unitWord = tokens[safe: j]?.word, let unit = numberWords[unitWord], unit < 10 {
        return (value + unit, j + 1)
      }
    }
    return (value, index + 1)
  }

  static func matchDuration(_ tokens: [Token], at index: Int) -> Match? {
    guard let single = matchSingleDuration(tokens, at: index) else { return nil }
    return matchDurationRange(tokens, from: index, lower: single) ?? single
  }

  /// "between 2 and 3 hours" and its translations: the word before a range of quantities.
  private static let betweenWords: Set<String> = ["between", "entre", "zwischen", "tra", "fra", "tussen"]
  /// What joins the two ends of "1h-1h30", "1h à 1h30", "1 Std. bis 1,5 Std.".
  private static let durationRangeJoins: Set<String> = ["to", "bis", "à", "a", "tot", "até", "or", "ou", "oder", "o"]

  /// Two durations as one range, billed at its lower end: "between 1h and 1h30", "entre 1h
  /// et 1h30", "45 min - 1 h", "1 Std. bis 1,5 Std.". Not "from 1h to 2h", which is a change
  /// of a setting, and not "2h and 1h30", which are two pieces of work.
  private static func matchDurationRange(_ tokens: [Token], from index: Int, lower: Match) -> Match? {
    guard let lowerMinutes = lower.minutes, !lower.isRange, !lower.isShorthand,
      let join = tokens[safe: lower.range.upperBound]
    else { return nil }
    let previous = index > 0 ? tokens[index - 1].word : nil
    switch join.kind {
    case .symbol("-"), .symbol("\u{2013}"): break
    case .word(let word) where conjunctions.contains(word): guard previous.map(betweenWords.contains) == true else { return nil }
    case .word(let word) where durationRangeJoins.contains(word): guard previous.map(rangeStarts.contains) != true else { return nil }
    default: return nil
    }
    let next = lower.range.upperBound + 1
    guard next < tokens.count, tokens[next].number != nil || tokens[next].word != nil,
      let upper = matchSingleDuration(tokens, at: next), let upperMinutes = upper.minutes, !upper.isRange,
      !upper.isShorthand, upperMinutes > lowerMinutes, upperMinutes <= 12 * 60
    else { return nil }
    return Match(range: index..<upper.range.upperBound, minutes: lowerMinutes)
  }

  private static func matchSingleDuration(_ tokens: [Token], at index: Int) -> Match? {
    // "2 x 30 min calls", "3 × 1h": a count of equal sessions.
    if case .number(let count, false, false) = tokens[index].kind, count >= 2, count <= 10,
      let times = tokens[safe: index + 1], times.word == "x" || times.kind == .symbol("×") || times.kind == .symbol("*"),
      tokens[safe: index + 2]?.number != nil, let each = matchSingleDuration(tokens, at: index + 2), let minutes = each.minutes,
      !each.isRange, !each.isShorthand
    {
      return Match(range: index..<each.range.upperBound, minutes: count * minutes)
    }
    if let range = matchClockRange(tokens, at: index) { return range }
    if let word = tokens[index].word, mayStartHalf(word), let half = matchHalf(word, tokens, at: index) { return half }
    if tokens[index].word != nil, let phrase = matchPhrase(tokens, at: index) {
      // "an hour and 15 minutes" is one duration, as "1 hour and 15 minutes" is.
      if phrase.minutes == 60, tokens[phrase.range.upperBound - 1].word == "hour" {
        return hoursAndMinutes(tokens, from: index, hours: 1, after: phrase.range.upperBound)
      }
      return phrase
    }
    return matchQuantity(tokens, at: index)
  }

  /// Whether a word's first two letters are those of a word `matchHalf` knows: most words
  /// are passed over without hashing.
  private static func mayStartHalf(_ word: String) -> Bool {
    var bytes = word.utf8.makeIterator()
    guard let first = bytes.next(), let second = bytes.next() else { return false }
    switch (UInt16(first) << 8) | UInt16(second) {
    case 0x6861, 0x6465, 0x6D65, 0x6675, 0x616E, 0x6569, 0x686F, 0x6865, 0x6F72, 0x7374, 0x7575, 0x756E, 0x7669, 0x6472,
      0x6B77:
      // ha, de, me, fu, an, ei, ho, he, or, st, uu, un, vi, dr, kw
      return true
    default: return false
    }
  }

  private static let bareHourUnits: Set<String> = ["hora", "heure", "ora", "stunde", "uur"]

  /// "une demi-heure", "eine halbe Stunde", "media hora", "mezz'ora", "anderthalb Stunden".
  private static func matchHalf(_ word: String, _ tokens: [Token], at index: Int) -> Match? {
    if word == "mezz'ora" { return Match(range: index..<(index + 1), minutes: 30) }
    if word == "un'ora" { return hoursAndMinutes(tokens, from: index, hours: 1, after: index + 1) }
    // "una llamada de hora y media": the unit alone, then "and a half"
    if bareHourUnits.contains(word), let conjunction = tokens[safe: index + 1]?.word,
      conjunctions.contains(conjunction), let half = tokens[safe: index + 2]?.word, halfWords.contains(half)
    {
      return Match(range: index..<(index + 3), minutes: 90)
    }
    // "a half-day workshop", "a full-day session on site"
    if word == "half" || word == "full", tokens[safe: index + 1]?.kind == .symbol("-"), tokens[safe: index + 2]?.word == "day" {
      return Match(range: index..<(index + 3), minutes: word == "half" ? 240 : 480)
    }
    let minutes: Double
    switch word {
    case "anderthalb", "eineinhalb", "anderhalf": minutes = 90
    case "viertelstunde", "kwartier", "kwartiertje": return Match(range: index..<(index + 1), minutes: 15)
    case "dreiviertelstunde": return Match(range: index..<(index + 1), minutes: 45)
    case _ where halfWords.contains(word): minutes = 30  // "half uur", "half-hour"
    default: return nil
    }
    var unit = index + 1
    if tokens[safe: unit]?.kind == .symbol("-") { unit += 1 }
    guard isHourUnit(tokens[safe: unit]) else { return nil }
    return Match(range: index..<(unit + 1), minutes: minutes)
  }

  /// Fixed phrases built on "hour" without a digit.
  static let phrases: [([String], Double?)] = [
    (["an", "hour", "and", "a", "half"], 90), (["one", "hour", "and", "a", "half"], 90),
    (["a", "hour", "and", "a", "half"], 90), (["an", "hour", "and", "a", "quarter"], 75),
    (["an", "hour", "and", "fifteen", "minutes"], 75), (["an", "hour", "and", "thirty", "minutes"], 90),
    (["an", "hour", "and", "forty", "five", "minutes"], 105),
    (["one", "and", "a", "half", "hours"], 90), (["one", "and", "a", "half", "hour"], 90),
    (["two", "and", "a", "half", "hours"], 150), (["three", "and", "a", "half", "hours"], 210),
    (["a", "half", "hour"], 30), (["half", "an", "hour"], 30), (["half", "hour"], 30),
    (["a", "quarter", "of", "an", "hour"], 15), (["quarter", "of", "an", "hour"], 15), (["a", "quarter", "hour"], 15),
    (["three", "quarters", "of", "an", "hour"], 45), (["an", "hour"], 60), (["a", "full", "hour"], 60),
    (["one", "hour"], 60), (["a", "full", "day"], 480), (["an", "entire", "hour"], 60),
    (["trois", "quarts", "d'heure"], 45), (["un", "quart", "d'heure"], 15), (["tre", "quarti", "d'ora"], 45),
    (["un", "quarto", "d'ora"], 15), (["tres", "cuartos", "de", "hora"], 45), (["un", "cuarto", "de", "hora"], 15),
    (["três", "quartos", "de", "hora"], 45), (["um", "quarto", "de", "hora"], 15), (["drie", "kwartier"], 45),
    (["half", "a", "day"], 240), (["a", "half", "day"], 240), (["the", "whole", "day"], 480), (["a", "whole", "day"], 480),
    (["the", "entire", "day"], 480), (["an", "entire", "day"], 480),
    // Vague amounts: found, but with no definite length.
    (["a", "couple", "of", "hours"], nil), (["a", "couple", "hours"], nil), (["a", "few", "hours"], nil),
    (["several", "hours"], nil), (["a", "few", "minutes"], nil), (["a", "couple", "of", "minutes"], nil),
    (["a", "few", "mins"], nil), (["many", "hours"], nil),
  ]

  /// The phrases by first word, in table order: matchPhrase runs at every word of a sentence.
  private static let phrasesByFirstWord: [String: [([String], Double?)]] = Dictionary(
    grouping: phrases, by: { $0.0[0] })

  private static func matchPhrase(_ tokens: [Token], at index: Int) -> Match? {
    guard let word = tokens[index].word, let candidates = phrasesByFirstWord[word] else { return nil }
    for (phrase, minutes) in candidates where startsWith(tokens, at: index, phrase) {
      return Match(range: index..<(index + phrase.count), minutes: minutes)
    }
    return nil
  }

  private static func startsWith(_ tokens: [Token], at index: Int, _ phrase: [String]) -> Bool {
    guard index + phrase.count <= tokens.count else { return false }
    for (offset, word) in phrase.enumerated() where tokens[index + offset].word != word {
      return false
    }
    return true
  }

  private static let shorthandFollowers: Set<String> = ["for", "on", "re", "reviewing", "drafting", "call", "to"]

  /// N hours [and] [M minutes], N minutes, h:mm hours, and billing shorthand (".3 for …").
  private static func matchQuantity(_ tokens: [Token], at index: Int) -> Match? {
    if case .clock(let hour, let minute) = tokens[index].kind, isHourUnit(tokens[safe: index + 1]) {
      return Match(range: index..<(index + 2), minutes: Double(hour * 60 + minute))  // "1:30 hrs"
    }
    guard let (value, afterNumber) = quantity(tokens, at: index) else { return nil }
    var j = afterNumber
    if let range = matchQuantityRange(tokens, from: index, lower: value, separator: afterNumber) { return range }
    // "1 and a half hours", "2 and a half hrs"
    if tokens[safe: j]?.word == "and", tokens[safe: j + 1]?.word == "a", tokens[safe: j + 2]?.word == "half",
      isHourUnit(tokens[safe: j + 3])
    {
      return Match(range: index..<(j + 4), minutes: (value + 0.5) * 60)
    }
    // "45-minute call": the hyphen joins the number to its unit; "2+ hours" is at least 2.
    if let joiner = tokens[safe: j], joiner.kind == .symbol("-") || joiner.kind == .symbol("+"),
      isHourUnit(tokens[safe: j + 1]) || isMinuteUnit(tokens[safe: j + 1])
    {
      j += 1
    }
    // Dutch "1,5u": a u stuck to a decimal figure (a "3U" server or "2u" is no time)
    let dutchU = tokens[safe: j].map { $0.word == "u" && $0.attached } ?? false
    if case .number(_, true, _) = tokens[index].kind, dutchU {
      return hoursAndMinutes(tokens, from: index, hours: value, after: j + 1)
    }
    if isHourUnit(tokens[safe: j]) {
      // "14h30", "9h00": the French and Portuguese way to write a clock time, not 14.5 hours
      // (a dotted "12.00 uur" is a clock token already, see `dottedClock`).
      if value >= 9, let unit = tokens[safe: j], unit.word == "h", unit.attached {
        if let minutes = tokens[safe: j + 1], minutes.attached, minutes.number != nil { return nil }
        // "le train de 14h", "à 10h": a time of day; "spent 10h on the brief" is not.
        let before = tokens[..<index].last(where: { $0.word != nil })?.word ?? ""
        if !pastWorkWords.contains(before) { return nil }
      }
      return hoursAndMinutes(tokens, from: index, hours: value, after: j + 1)
    }
    if isMinuteUnit(tokens[safe: j]) {
      return Match(range: index..<(j + 1), minutes: value)
    }
    // Billing shorthand: ".3 for review", "0.5 on the call", a time-entry line "0.4 - review
    // and revise NDA", and a labelled "Time spent: 0.5".
    if case .number(let n, true, _) = tokens[index].kind, n > 0, n < 10,
      isShorthandPlace(tokens, number: index, after: afterNumber)
    {
      var match = Match(range: index..<afterNumber, minutes: n * 60)
      match.isShorthand = true
      return match
    }
    return nil
  }

  /// "2-3 hours", "2 to 3 hours", "2 or 3 hours", "between 2 and 3 hours": a range is billed at
  /// its lower end, since billing more than the time spent is never right.
  private static func matchQuantityRange(_ tokens: [Token], from index: Int, lower: Double, separator: Int) -> Match? {
    guard let kind = tokens[safe: separator]?.kind else { return nil }
    switch kind {
    case .symbol("-"), .symbol("\u{2013}"): break
    case .word(let word) where durationRangeJoins.contains(word): break
    case .word(let word) where conjunctions.contains(word) && index > 0 && tokens[index - 1].word.map(betweenWords.contains) == true:
      break
    default: return nil
    }
    // "9-17h" is office hours, not nine hours of work.
    guard lower > 0, let (upper, afterUpper) = quantity(tokens, at: separator + 1), upper > lower else { return nil }
    // Both ends written alike: "two to three hours", "2-3 hours"; "Quick one - 30 min" is no range.
    guard (tokens[index].number == nil) == (tokens[separator + 1].number == nil) else { return nil }
    if isHourUnit(tokens[safe: afterUpper]) {
      guard upper <= 12 else { return nil }
      // Only whole units: "2-3 hours and 30 minutes" is no simple range.
      let whole = hoursAndMinutes(tokens, from: separator + 1, hours: upper, after: afterUpper + 1)
      guard whole.range.upperBound == afterUpper + 1 else { return nil }
      return Match(range: index..<(afterUpper + 1), minutes: lower * 60)
    }
    if isMinuteUnit(tokens[safe: afterUpper]) { return Match(range: index..<(afterUpper + 1), minutes: lower) }
    return nil
  }

  /// The abbreviations of time-entry narratives: "t/c" (telephone conference), "w/", "OC"
  /// (opposing counsel), "re".
  private static func isLawyerShorthand(_ tokens: ArraySlice<Token>) -> Bool {
    var previous: Token? = nil
    for token in tokens {
      if let word = token.word, ["oc", "re", "tc", "tcs", "corr", "conf"].contains(word) { return true }
      if token.kind == .symbol("/"), let before = previous?.word, before == "t" || before == "w" { return true }
      previous = token
    }
    return false
  }

  /// Words a bare time figure may follow ("spent 0.5 on", "another 0.3 for").
  private static let shorthandLeads: Set<String> = [
    "spent", "billed", "logged", "took", "about", "approx", "approximately", "around", "another", "and", "also", "plus",
    "then", "total", "time", "hours", "hrs", "today", "yesterday", "i", "we", "put", "in", "additional", "further",
    "extra", "a", "just", "over", "under", "roughly", "me", "us", "log", "record", "bill", "book", "charge", "enter",
    "note", "please", "add", "billing", "logging", "charging", "booked", "recorded",
  ]

  private static let timeLabels: Set<String> = [
    "time", "spent", "hours", "hrs", "billed", "logged", "temps", "zeit", "zeitaufwand", "aufwand", "tiempo", "tempo",
    "gasto", "speso", "tijd", "heures", "stunden", "horas", "ore", "uren",
  ]
  /// "from" in a clock range: "von 14:00 bis 15:30", "de 9:00 à 11:00", "dalle 10:00 alle 12:00".
  private static let rangeStarts: Set<String> = ["from", "between", "von", "de", "desde", "dalle", "van", "das", "entre"]

  private static let daysAround: Set<String> = ["today", "yesterday", "tonight"]
  private static let partsOfDay: Set<String> = ["morning", "afternoon", "evening"]

  private static func isShorthandPlace(_ tokens: [Token], number index: Int, after: Int) -> Bool {
    // "0.5 on the call", "Billed 1.2 for the motion"; not "PHP 5.6 on a shared host", where
    // the figure belongs to the word before it.
    // "Billed another .6 this morning on the answer": when it was done may come between.
    var follower = after
    if let word = tokens[safe: follower]?.word, Self.daysAround.contains(word) {
      follower += 1
    } else if tokens[safe: follower]?.word == "this", let part = tokens[safe: follower + 1]?.word,
      Self.partsOfDay.contains(part)
    {
      follower += 2
    }
    if let next = tokens[safe: follower]?.word, shorthandFollowers.contains(next) {
      guard index > 0, let previous = tokens[index - 1].word else { return true }
      return shorthandLeads.contains(previous) || previous.hasSuffix("'s")  // "Kevin's 1.5" is judged as his
    }
    // ".3 Review Eingangsbestätigung": a figure with a leading dot that starts a line is a
    // time entry (a section number is written "1.2").
    if index == 0, case .number(_, _, true) = tokens[index].kind, tokens[safe: after]?.word != nil { return true }
    // A time entry written task first: "Call with client - 0.5" (not after a colon: "Review
    // period: 2.5" is a term of a contract).
    let isLast = tokens[after...].allSatisfy { $0.kind == .symbol(".") || $0.kind == .symbol(")") }
    if isLast, index >= 2, [.symbol("-"), .symbol("\u{2013}")].contains(tokens[index - 1].kind),
      tokens[..<(index - 1)].contains(where: { $0.word.map(workWordsAndPlurals.contains) ?? false })
    {
      return true
    }
    // A figure in brackets after the task: "Reviewed the closing checklist (0.7)."
    // "t/c w/ OC (.2)": with a leading dot it is a time entry whatever the task's words.
    // "(.2) t/c w/ OC re: depo dates": the same figure opening the entry.
    if index >= 1, tokens[index - 1].kind == .symbol("("), tokens[safe: after]?.kind == .symbol(")") {
      if case .number(_, _, true) = tokens[index].kind { return index >= 2 || tokens[safe: after + 1]?.word != nil }
      guard index >= 2 else { return false }
      if tokens[..<(index - 1)].contains(where: {
        $0.word.map(workWordsAndPlurals.contains) ?? false || $0.word.map(pastWorkWords.contains) ?? false
      }) {
        return true
      }
    }
    // A bulleted time entry: "- 0.8 review SPA comments", "• 1.1 revise schedule 4".
    if index == 1, Self.bullets.contains(tokens[0].kind),
      let next = tokens[safe: after]?.word, workWordsAndPlurals.contains(next)
    {
      return true
    }
    // A numbered clause ("1.2 - Definitions") starts the same way: the task must be work.
    if index == 0, let separator = tokens[safe: after], [.symbol("-"), .symbol("\u{2013}"), .symbol(":")].contains(separator.kind),
      tokens[(after + 1)...].contains(where: { $0.word.map(workWords.contains) ?? false })
        || isLawyerShorthand(tokens[(after + 1)...])
    {
      return true
    }
    if index >= 2, tokens[index - 1].kind == .symbol(":"), let label = tokens[index - 2].word, timeLabels.contains(label) {
      return true
    }
    return false
  }

  /// After "N hours": "and 30 minutes", "30m", "and a half", or a bare "30" stuck to "2h".
  private static func hoursAndMinutes(_ tokens: [Token], from index: Int, hours: Double, after start: Int) -> Match {
    var minutes = hours * 60
    var end = start
    var k = start
    if tokens[safe: k]?.kind == .symbol("."), tokens[safe: k + 1]?.number != nil { k += 1 }  // "2 h. 30 min."
    let conjunction = tokens[safe: k]?.word.map(conjunctions.contains) ?? false
    if conjunction { k += 1 }
    let quarterAt = tokens[safe: k]?.word.map(["a", "un", "une", "um", "een", "eine"].contains) == true ? k + 1 : k
    if tokens[safe: k]?.word == "a", tokens[safe: k + 1]?.word == "half" {
      minutes += 30
      end = k + 2
    } else if conjunction, let word = tokens[safe: quarterAt]?.word, Self.quarterWords.contains(word) {
      minutes += 15  // "2 ore e un quarto", "two hours and a quarter", "2 heures et quart"
      end = quarterAt + 1
    } else if !conjunction, start > 0, tokens[start - 1].word == "h", let next = tokens[safe: k], !next.attached,
      case .number(let more, false, false) = next.kind, more < 60, k + 1 == tokens.count || tokens[k + 1].word == nil
        || Self.afterSpacedMinutes.contains(tokens[k + 1].word ?? "")
    {
      minutes += more  // "2 h 15 für die Kontrolle"
      end = k + 1
    } else if conjunction, let word = tokens[safe: k]?.word, halfWords.contains(word) {
      minutes += 30  // "2 heures et demie", "2 horas y media"
      end = k + 1
    } else if let (more, afterMore) = quantity(tokens, at: k) {
      if isMinuteUnit(tokens[safe: afterMore]) {
        minutes += more
        end = afterMore + 1
      } else if let next = tokens[safe: k], next.attached, next.number != nil, more < 60, afterMore == k + 1 {
        minutes += more  // "2h30"
        end = afterMore
      }
    }
    return Match(range: index..<end, minutes: minutes)
  }

  /// "from 2pm to 4:30pm", "10:00-11:15", "2-4pm", "between 2 and 3:30 pm".
  private static func matchClockRange(_ tokens: [Token], at index: Int) -> Match? {
    // The minutes of something longer ("99999:00 to 10:00") start no range.
    if index > 0, tokens[index - 1].kind == .symbol(":"), tokens[index].attached { return nil }
    var start = index
    if let word = tokens[index].word, rangeStarts.contains(word) { start = index + 1 }
    guard let (first, afterFirst) = clockTime(tokens, at: start) else { return nil }
    guard let separator = tokens[safe: afterFirst] else { return nil }
    var j = afterFirst
    switch separator.kind {
    case .word("to"), .word("till"), .word("until"), .word("and"), .symbol("-"), .symbol("–"), .symbol("—"), .word("bis"),
      .word("à"), .word("a"), .word("al"), .word("alle"), .word("tot"), .word("até"), .word("às"), .word("as"):
      j += 1
    default:
      return nil
    }
    guard let (second, afterSecond) = clockTime(tokens, at: j) else { return nil }
    // At least one side must be unmistakably a clock time (h:mm or am/pm), or "2-4" is a count.
    guard first.explicit || second.explicit else { return nil }
    var startMinutes = first.minutes
    var endMinutes = second.minutes
    // "2-4pm": the suffix applies to both; "11am-1pm" crosses noon.
    if first.meridiem == nil, let meridiem = second.meridiem, meridiem == "pm", first.hour < 12,
      first.hour + 12 <= second.hour24
    {
      startMinutes += 12 * 60
    }
    if first.meridiem == nil && second.meridiem == nil && endMinutes <= startMinutes && endMinutes + 12 * 60 > startMinutes {
      endMinutes += 12 * 60  // "10:00-1:00"
    }
    let length = endMinutes - startMinutes
    guard length > 0, length <= 12 * 60 else { return nil }
    var match = Match(range: index..<afterSecond, minutes: Double(length))
    match.isRange = true
    return match
  }

  private struct Clock {
    var hour: Int
    var hour24: Int
    var minutes: Int
    var meridiem: String?
    var explicit: Bool
  }

  private static func clockTime(_ tokens: [Token], at index: Int) -> (Clock, Int)? {
    guard let token = tokens[safe: index] else { return nil }
    var hour: Int
    var minute = 0
    var explicit = false
    switch token.kind {
    case .clock(let h, let m):
      hour = h
      minute = m
      explicit = true
    case .number(let n, let hasDecimal, _) where !hasDecimal && n >= 0 && n <= 23:
      hour = Int(n)
    default:
      return nil
    }
    guard hour <= 23, minute <= 59 else { return nil }
    var next = index + 1
    // "14h", "15h30", "9h00": a clock time as French, Portuguese and others write it.
    if token.number != nil, let h = tokens[safe: next], h.word == "h", h.attached {
      next += 1
      explicit = true
      if let minutes = tokens[safe: next], minutes.attached, case .number(let m, false, _) = minutes.kind, m < 60 {
        minute = Int(m)
        next += 1
      }
    }
    // "von 14 bis 17 Uhr": the German o'clock.
    if token.number != nil, tokens[safe: next]?.word == "uhr" {
      next += 1
      explicit = true
    }
    var meridiem: String? = nil
    // After a 24-hour time, "am" is German ("bis 17:30 am Konzept"), not a.m.
    if let word = tokens[safe: next]?.word, ["am", "pm", "a", "p"].contains(word), hour <= 12 {
      if word == "a" || word == "p" {
        // "2 p.m." tokenizes as p . m .
        if tokens[safe: next + 1]?.kind == .symbol("."), tokens[safe: next + 2]?.word?.lowercased() == "m" {
          meridiem = word + "m"
          next += 3
          if tokens[safe: next]?.kind == .symbol(".") { next += 1 }
        }
      } else {
        meridiem = word
        next += 1
      }
    }
    if meridiem != nil { explicit = true }
    guard hour <= 12 || meridiem == nil else { return nil }
    var hour24 = hour
    if meridiem == "pm" && hour < 12 { hour24 += 12 }
    if meridiem == "am" && hour == 12 { hour24 = 0 }
    return (Clock(hour: hour, hour24: hour24, minutes: hour24 * 60 + minute, meridiem: meridiem, explicit: explicit), next)
  }

  // MARK: - Judgement

  struct Verdict {
    var taken: Bool
    var reason: String
    var firstPerson: Bool
  }

  // The word lists hold English and, where a statement of one's own time needs them, the
  // common words of French, German, Spanish, Italian and Dutch.
  static let firstPersonWords: Set<String> = [
    "i", "i've", "i'd", "i'm", "i'll", "me", "my", "we", "we've", "we'd", "our", "us", "myself", "ourselves",
    "j'ai", "je", "nous", "ich", "wir", "ik", "wij",
  ]
  /// First-person words that can be a subject (not "my", "our", "me", "us").
  static let ownSubjects: Set<String> = [
    "i", "i've", "i'd", "i'm", "i'll", "we", "we've", "we'd", "j'ai", "je", "nous", "ich", "wir", "ik", "wij",
  ]
  static let thirdPersonWords: Set<String> = [
    "he", "she", "they", "his", "her", "their", "he's", "she's", "they've", "him", "them",
  ]
  static let futureWords: Set<String> = [
    "will", "i'll", "we'll", "you'll", "shall", "going", "gonna", "plan", "planning", "expect", "expected", "expecting",
    "estimate", "estimated", "anticipate", "anticipated", "need", "needs", "schedule", "scheduled", "scheduling", "book",
    "booked", "let's", "lets", "can", "could", "would", "should", "may", "might", "propose", "proposed", "tomorrow",
    "next", "upcoming", "budget", "budgeted", "quote", "allow", "allocate", "reserve", "block", "hold", "probably",
    "likely", "want", "wants", "require", "requires", "required", "take", "takes", "set",
    "prendra", "prendre", "vais", "allons", "demain", "prévoir", "prévu", "prévue", "devrait", "faudra", "wird", "werde",
    "werden", "dauern", "geplant", "brauchen", "tomará", "llevará", "mañana", "voy", "vamos", "necesitaré", "será",
    "debería", "domani", "richiederà", "servirà", "sarà", "zal", "zullen", "gaat", "durera", "dureront", "durará",
    "durerà", "dauert", "duurt", "give", "propongo", "proponho", "proposons", "sugiero", "suggerisco", "suggest",
    "prévoyons", "vorschlagen", "marcada", "marcado", "programada", "programado", "prevista", "previsto",
    "programmata", "programmato", "gepland", "agendada", "agendado", "fixée", "fixé", "angesetzt", "convocada",
    "rechne", "rechnen", "schätze", "schätzen", "plane", "planen", "einplanen", "veranschlage", "veranschlagen",
    "tomaría", "llevaría", "tardaría", "sería", "necesitaría", "prendrait", "durerait", "richiederebbe", "durerebbe",
    "levaria", "demoraria", "podemos", "podríamos", "pouvons", "können", "könnten", "possiamo", "kunnen", "allows",
    "estimamos", "estimo", "estimons", "stimiamo", "stimo", "schatten", "schat", "begroten", "prévois", "prévoit",
    "verwacht", "verwachten", "reken", "rekenen", "inplannen", "plannen", "erwarte", "erwarten", "espero", "prevedo",
    "calculo", "calcula", "calculamos", "preveo", "contempla", "contemplan", "estimation", "estimations", "estimación", "estimativa", "stima", "schätzung", "inschatting", "blocked", "reserved",
    "pencilled", "penciled", "happy", "glad", "willing", "offer", "preventivo", "devis", "angebot", "offerte", "presupuesto", "orçamento", "begroting", "kostenvoranschlag", "assumes",
    "assume", "dovrebbe", "dovrebbero", "potrebbe", "potrebbero", "servono", "serviranno", "occorrono", "occorreranno",
    "sollten", "sollte", "müssen", "müssten",
    "recommend", "recommends", "advise",
    "prevediamo", "prevejo",
    "permits", "permitted", "tardaremos", "tardará", "tardarán", "necesitaremos", "necesitará", "sera",
    "aura", "pourra", "devra", "fera", "nécessitera", "vorranno", "levará", "levar", "vai", "vão", "kost",
    "kosten", "benötigen",
  ]
  static let pastWorkWords: Set<String> = [
    "spent", "worked", "took", "billed", "logged", "recorded", "reviewed", "drafted", "revised", "prepared", "researched",
    "had", "did", "was", "were", "attended", "lasted", "ran", "called", "met", "discussed", "finished", "completed",
    "put", "went", "looked", "checked", "spoke", "talked", "handled",
    "passé", "passée", "consacré", "consacrée", "travaillé", "gearbeitet", "verbracht", "aufgewendet", "investiert",
    "telefoniert", "geprüft", "besprochen", "dediqué", "dedicado", "dedicamos", "pasé", "trabajé", "trabajado",
    "invertí", "invertido", "revisé", "lavorato", "dedicato", "impiegato", "speso", "besteed", "gewerkt", "duré",
    "dauerte", "duró", "durato", "duurde", "geweest", "gewesen", "estive", "estuve", "stato", "stata",
    "gastei", "dediquei", "passei", "trabalhei", "investi", "levei", "demorei", "revi", "analisei", "preparei",
    "redigi", "estivemos", "passámos", "dedicámos", "trabalhámos", "gastámos", "durou", "demorou", "passou", "gastou",
    "dedicou", "trabalhou", "esteve", "messo",
  ]
  static let workWords: Set<String> = [
    "spent", "spend", "spending", "worked", "working", "work", "call", "calls", "called", "meeting", "meetings", "met",
    "conference", "review", "reviewed", "reviewing", "draft", "drafted", "drafting", "revise", "revised", "revising",
    "revision", "revisions", "research", "researched", "researching", "prepare", "prepared", "preparing", "preparation",
    "discussion", "discussed", "discussing", "analysis", "analyzed", "analysing", "analyzing", "read", "reading",
    "markup", "redline", "redlined", "negotiation", "negotiated", "negotiating", "hearing", "deposition", "travel",
    "traveled", "travelled", "billed", "bill", "logged", "log", "edits", "edited", "editing", "comments",
    "commented", "attended", "attend", "teleconference", "zoom", "session", "memo", "brief", "briefing", "filing",
    "filed", "correspondence", "emails", "email", "letter", "agreement", "contract", "document", "documents",
    "finalize", "finalise", "finalized", "finalised", "finalizing", "finalising", "negotiate", "update", "updated",
    "updating", "coordinate", "coordinated", "coordinating", "summarize", "summarized", "phone", "spoke", "talked",
    "drafts", "mark", "comment", "conferred", "conferring", "strategy", "billable", "chargeable", "timesheet",
    "réunion", "appel", "contrat", "relecture", "révision", "rédaction", "audience", "besprechung", "telefonat",
    "vertrag", "prüfung", "entwurf", "sitzung", "reunión", "llamada", "contrato", "revisión", "informe", "borrador",
    "riunione", "chiamata", "contratto", "revisione", "vergadering", "overleg", "recherches", "analyse", "diligences",
    "investigación", "análisis", "ricerca", "ricerche", "analisi", "onderzoek", "pesquisa", "análise", "reunião",
    "chamada", "revisão", "telefonema", "gesprek", "telefoongesprek", "travail", "arbeit", "trabajo", "lavoro", "werk",
    "trabalho", "gebeld", "besproken", "uitgewerkt",
    // consultants and agencies
    "standup", "stand-up", "sync", "workshop", "kickoff", "design", "designed", "designing", "wireframe", "wireframes",
    "mockup", "mockups", "prototype", "prototyping", "testing", "tested", "qa", "debugging", "debugged", "fixed",
    "implemented", "implementing", "development", "developing", "coding", "interview", "interviews", "training",
    "presentation", "pitch", "brainstorm", "planning", "onboarding", "audit", "setup", "deployment", "copywriting",
    "shoot", "site", "onsite", "on-site", "retest", "retesting", "retested", "debug",
    // engineers and site work, in Italian, German and French
    "sopralluogo", "sopralluoghi", "verifica", "verifiche", "telefonata", "relazione", "calcolo", "calcoli", "progetto",
    "baustelle", "begehung", "besichtigung", "kontrolle", "nachweis", "berechnung", "bemessung", "planung", "visite",
    "chantier", "rilievo", "perizia", "gutachten", "rilettura",
    // consultants on site
    "walked", "walkthrough", "walk-through", "visited", "toured", "inspected", "inspection", "observed", "shadowed",
    "facilitated", "facilitating", "interviewed", "presented", "demoed", "hosted", "moderated",
  ]
  /// The work words and their plurals ("redlines", "calls"), for one lookup per word.
  static let workWordsAndPlurals: Set<String> = workWords.union(workWords.map { $0 + "s" })
  static let billingSummaryWords: Set<String> = [
    "invoice", "invoices", "invoiced", "invoicing", "retainer", "prebill", "write-off", "writeoff",
  ]
  static let scheduleWords: Set<String> = [
    "when", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "mon", "tue", "wed", "thu",
    "fri", "invitation", "invite", "agenda", "where", "dial", "join",
  ]
  static let shiftWords: Set<String> = [
    "jornada", "jornadas", "turno", "turnos", "shift", "shifts", "schicht", "schichten", "workweek", "journée", "horario",
  ]
  static let breakWords: Set<String> = [
    "comida", "descanso", "break", "lunch", "pausa", "pause", "almuerzo", "mittagspause", "pranzo", "déjeuner",
  ]
  /// Words after a length that keep it a length of time ("a 2 hour call on", "an hour of").
  static let afterLength: Set<String> = ["on", "of", "for", "with", "to", "in", "at", "and", "or", "per", "a", "each"]
  static let completionVerbs: Set<String> = [
    "finished", "completed", "knocked", "wrapped", "did", "turned", "cranked", "drafted", "reviewed", "wrote",
    "prepared", "got", "banged",
  ]
  static let slotWords: Set<String> = ["window", "slot", "shift", "maintenance"]
  static let runVerbs: Set<String> = ["runs", "run", "lasts"]
  static let italianInfinitiveEndings = [
    "are", "ere", "ire", "arlo", "arla", "arli", "arle", "erlo", "erla", "erli", "erle", "irlo", "irla", "irli",
  ]
  static let weekdays: Set<String> = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
  static let bullets: [Kind] = [.symbol("-"), .symbol("*"), .symbol("•"), .symbol("\u{2013}")]
  /// Italian "per" is "for": "un'ora e mezza per la revisione", "40 minuti per confrontarli"
  /// (an article or an infinitive after it) are no rate, as "$300 per hour" is.
  static func isItalianFor(_ next: String) -> Bool {
    italianArticles.contains(next)
      || italianInfinitiveEndings.contains { next.count > $0.count + 2 && next.hasSuffix($0) }
  }
  /// Italian "per" is "for": "un'ora e mezza per la revisione" is no rate.
  static let italianArticles: Set<String> = ["la", "il", "lo", "le", "i", "gli", "l'", "un", "una", "uno"]
  /// Words in 's that own nothing: "today's 1.5 on the brief" is still mine.
  static let notOwners: Set<String> = [
    "today's", "yesterday's", "tonight's", "week's", "morning's", "afternoon's", "evening's", "month's", "it's", "that's",
    "let's", "here's", "there's", "what's", "day's",
  ]
  static let modalsAfter: Set<String> = [
    "should", "will", "would", "could", "might", "sollte", "sollten", "soll", "wird", "werden", "würde", "würden",
    "nodig", "needed", "nötig", "nécessaires", "necesarias", "necessarie",
    "reichen", "reicht", "einplanen", "veranschlagen", "einrechnen", "prévoir", "prevedere", "devrait", "devraient", "suffira", "suffiront", "debería", "deberían", "bastará", "bastarán",
    "dovrebbe", "dovrebbero", "basterà", "basteranno", "zou", "zouden", "moet", "moeten", "deverá", "deverão",
  ]
  static let deadlineNouns: Set<String> = [
    "plazo", "délai", "frist", "termine", "prazo", "termijn", "deadline", "sla",
  ]
  static let availabilityWords: Set<String> = [
    "open", "opening", "opens", "ouvert", "ouverts", "ouverture", "horaires", "geöffnet", "öffnungszeiten", "sprechzeiten",
    "abierto", "abiertos", "horario", "aperto", "aperti", "orari", "orario", "geopend", "openingstijden", "aberto",
    "abertos", "horário", "reachable", "erreichbar", "bereikbaar", "available", "free", "disponible", "disponibles",
    "libre", "libres", "frei", "disponibile", "disponibili", "beschikbaar", "disponível", "livre",
  ]
  static let settingVerbs: Set<String> = [
    "raised", "increased", "reduced", "lowered", "set", "changed", "bumped", "extended", "limited", "capped", "shortened",
    "configured",
  ]
  static let machineNouns: Set<String> = [
    "restore", "backup", "build", "builds", "job", "jobs", "query", "queries", "pipeline", "upload", "download", "script",
    "compile", "compilation", "import", "export", "sync", "install", "installation", "reboot", "restart", "dump", "index",
    "indexing", "scan", "ci", "cron", "request", "deploy", "deployment", "suite", "tests", "render", "rendering",
    "berechnung", "simulation", "simulazione", "rechenlauf", "calcul", "berekening", "simulatie",
  ]
  static let recurringWords: Set<String> = [
    "weekly", "daily", "monthly", "biweekly", "fortnightly", "wöchentlich", "wöchentliche", "wöchentlichen", "tägliche",
    "hebdomadaire", "quotidien", "quotidienne", "semanal", "diario", "diaria", "settimanale", "quotidiano", "wekelijks",
    "wekelijkse", "dagelijks", "dagelijkse", "diário", "standing",
  ]
  static let travelWords: Set<String> = [
    "journey", "flight", "drive", "trip", "commute", "ride", "train", "layover", "trajet", "vol", "fahrt", "flug", "reise",
    "viaje", "vuelo", "trayecto", "viaggio", "volo", "tragitto", "reis", "vlucht", "rit", "viagem", "voo", "zug", "bahn",
    "zugfahrt", "autofahrt", "treno", "tren", "trein", "comboio", "auto", "coche", "voiture", "macchina",
  ]
  /// How a trip's length is said: "takes", "prend", "dauert", "dura", "duurt", "leva".
  static let travelLengthVerbs: Set<String> = [
    "takes", "take", "took", "is", "was", "lasts", "lasted", "prend", "prendra", "dure", "dauert", "dauerte", "braucht",
    "dura", "duró", "tarda", "tardó", "impiega", "ci", "duurt", "duurde", "leva", "levou", "demora", "demorou",
    "richiede", "requiert", "benötigt", "needs",
  ]
  static let mediaWords: Set<String> = [
    "recording", "recordings", "video", "videos", "footage", "clip", "film", "movie", "podcast", "episode", "audio",
    "track", "webinar", "trailer", "reel", "vídeo", "vidéo", "grabación", "gravação", "registrazione",
    "enregistrement", "aufzeichnung", "opname", "vidéos", "vídeos",
  ]
  /// How a recording's length is said after it: "(tem 18 minutos)", "dure 20 minutes", "dauert 12 Minuten".
  static let mediaLengthVerbs: Set<String> = [
    "runs", "run", "lasts", "is", "has", "tem", "dura", "dure", "fait", "dauert", "hat", "duurt", "durata",
  ]
  static let conditionWords: Set<String> = ["if", "when", "whenever", "once", "unless", "si", "wenn", "falls", "cuando"]
  static let deadlineBefore: Set<String> = [
    "within", "in", "every", "per", "after", "before", "each", "under", "over", "dans", "sous", "innerhalb", "binnen",
    "dentro", "entro", "pro", "par", "por",
  ]
  static let deadlineAfter: Set<String> = [
    "notice", "deadline", "turnaround", "window", "period", "cooling", "responstijd", "reactietijd",
  ]
  static let relativeAfter: Set<String> = [
    "ago", "earlier", "later", "before", "prior", "beforehand", "afterwards", "fa", "geleden", "später", "después",
  ]

  /// Past words that say nothing of work by themselves.
  static let auxiliaryPastWords: Set<String> = ["was", "were", "had", "did"]
  static let spendingWords: Set<String> = ["spent", "spend", "spending", "worked", "took", "logged"]
  static let durationVerbs: Set<String> = [
    "took", "takes", "ran", "runs", "lasted", "lasts", "läuft", "lief", "dauert", "dauerte", "gira", "tourne", "loopt",
  ]
  static let lengthVerbs: Set<String> = ["is", "are", "runs", "run", "lasts"]

  struct WordClass: OptionSet, Sendable {
    let rawValue: UInt8
    static let firstPerson = WordClass(rawValue: 1)
    static let thirdPerson = WordClass(rawValue: 2)
    static let work = WordClass(rawValue: 4)
    static let pastWork = WordClass(rawValue: 8)
    static let billingSummary = WordClass(rawValue: 16)
    static let availability = WordClass(rawValue: 32)
    static let schedule = WordClass(rawValue: 64)
    static let counted = WordClass(rawValue: 128)  // "time", "total"
  }

  /// Every word of the lists above with the classes it is in.
  static let wordClasses: [String: WordClass] = {
    var classes: [String: WordClass] = [:]
    let lists: [(Set<String>, WordClass)] = [
      (firstPersonWords, .firstPerson), (thirdPersonWords, .thirdPerson), (workWordsAndPlurals, .work),
      (pastWorkWords, .pastWork), (billingSummaryWords, .billingSummary), (availabilityWords, .availability),
      (scheduleWords, .schedule), (["time", "total"], .counted),
    ]
    for (words, wordClass) in lists {
      for word in words { classes[word, default: []].insert(wordClass) }
    }
    return classes
  }()

  /// What a sentence says whatever the duration judged in it: computed once per sentence, so
  /// that a sentence of thousands of durations is not read once for each.
  struct SentenceFacts {
    var firstPerson = false
    var thirdPerson = false
    var workWord = false
    var pastWork = false
    /// A past work verb other than was/were/had/did.
    var pastWorkVerb = false
    var billingSummary = false
    var scheduleWord = false
    var totalTime = false
    /// The first word is a past work verb: a note in the writer's voice ("Reviewed …").
    var startsWithOwnVerb = false
    /// Opening hours or availability ("open", "horaires", "erreichbar").
    var availability = false

    init(_ tokens: [Token]) {
      var time = false
      var total = false
      if let first = tokens.first(where: { $0.word != nil })?.word { startsWithOwnVerb = pastWorkWords.contains(first) }
      for (index, token) in tokens.enumerated() {
        // One lookup per word for every class it belongs to: most words belong to none.
        guard let word = token.word, let classes = wordClasses[word] else { continue }
        if classes.contains(.firstPerson) { firstPerson = true }
        if isSpanishIHave(word, before: tokens[safe: index + 1]?.word) {
          firstPerson = true
          continue
        }
        if classes.contains(.thirdPerson) { thirdPerson = true }
        if classes.contains(.work) { workWord = true }
        if classes.contains(.pastWork) {
          pastWork = true
          if !auxiliaryPastWords.contains(word) { pastWorkVerb = true }
        }
        if classes.contains(.billingSummary) { billingSummary = true }
        if classes.contains(.availability) { availability = true }
        if classes.contains(.schedule) { scheduleWord = true }
        if word == "time" { time = true }
        if word == "total" { total = true }
      }
      totalTime = time && total
    }
  }

  /// Tokens on each side of a duration that its judgement reads. Real sentences have far
  /// fewer; a bound keeps a hostile one-line list of durations linear.
  static let contextTokens = 60

  static func judge(_ tokens: [Token], match: Match, facts: SentenceFacts) -> Verdict {
    let firstPerson = facts.firstPerson
    let windowStart = max(0, match.range.lowerBound - contextTokens)
    let before = tokens[windowStart..<match.range.lowerBound]
    let after = tokens[match.range.upperBound..<min(tokens.count, match.range.upperBound + contextTokens)]
    let wordsBefore = before.compactMap(\.word)
    let wordsAfter = after.compactMap(\.word)
    guard let minutes = match.minutes else { return Verdict(taken: false, reason: "vague", firstPerson: firstPerson) }
    if minutes <= 0 { return Verdict(taken: false, reason: "zero", firstPerson: firstPerson) }
    // Relative: "2 hours ago", "an hour later".
    if let next = wordsAfter.first, relativeAfter.contains(next) {
      return Verdict(taken: false, reason: "relative", firstPerson: firstPerson)
    }
    if wordsAfter.starts(with: ["from", "now"]) { return Verdict(taken: false, reason: "relative", firstPerson: firstPerson) }
    // "il y a 2 heures", "vor 2 Stunden", "hace 2 horas"
    if wordsBefore.last == "vor" || wordsBefore.last == "hace" || wordsBefore.last == "há"
      || wordsBefore.suffix(3) == ["il", "y", "a"]
    {
      return Verdict(taken: false, reason: "relative", firstPerson: firstPerson)
    }
    // Deadlines: "within 24 hours", "48-hour notice", "24 hours' notice", "in 2 hours", "every 2 hours".
    let previousWord = before.last?.word
    let putIn = previousWord == "in" && ["put", "logged", "clocked"].contains(wordsBefore.dropLast().last ?? "")
    // "I spent over 3 hours", "took just under an hour": a past verb makes over/under a measure.
    let measured = ((previousWord == "over" || previousWord == "under")
      && wordsBefore.dropLast().suffix(3).contains(where: pastWorkWords.contains))
      // "knocked out the RACI in 45 min": how long it took, not a deadline
      || (previousWord == "in" && wordsBefore.dropLast().contains(where: Self.completionVerbs.contains))
    if let previousWord, deadlineBefore.contains(previousWord), !match.isRange, !putIn, !measured {
      return Verdict(taken: false, reason: "deadline", firstPerson: firstPerson)
    }
    // "en un plazo de 24 horas", "dans un délai de 48 heures", "binnen een termijn van 2 uur"
    if wordsBefore.suffix(3).contains(where: deadlineNouns.contains), !match.isRange {
      return Verdict(taken: false, reason: "deadline", firstPerson: firstPerson)
    }
    // "a response time of 4 hours", "turnaround time: 24 hours"
    let recent = Array(wordsBefore.suffix(4))
    if zip(recent, recent.dropFirst()).contains(where: { ($0.0 == "response" || $0.0 == "turnaround") && $0.1 == "time" })
      || wordsAfter.starts(with: ["response", "time"])
    {
      return Verdict(taken: false, reason: "deadline", firstPerson: firstPerson)
    }
    if wordsAfter.prefix(2).contains(where: deadlineAfter.contains) {
      return Verdict(taken: false, reason: "deadline", firstPerson: firstPerson)
    }
    if wordsBefore.suffix(2) == ["up", "to"] || wordsBefore.suffix(2) == ["no", "later"] || wordsBefore.last == "by" {
      return Verdict(taken: false, reason: "deadline", firstPerson: firstPerson)
    }
    // Rates and availability: "$300 per hour", "300 an hour", "24 hours a day", "business hours".
    if before.last?.kind == .symbol("$") || before.dropLast().last?.kind == .symbol("$") || before.last?.kind == .symbol("/")
      || wordsAfter.prefix(2) == ["a", "day"] || wordsAfter.prefix(2) == ["a", "week"] || (wordsAfter.first == "per" && !Self.isItalianFor(wordsAfter.dropFirst().first ?? ""))
      || wordsAfter.first == "daily" || wordsAfter.first == "weekly" || after.first?.kind == .symbol("/")
    {
      return Verdict(taken: false, reason: "rate", firstPerson: firstPerson)
    }
    if let first = tokens[safe: match.range.lowerBound], first.word == "an" || first.word == "a",
      before.contains(where: { $0.kind == .symbol("$") || $0.word == "rate" || $0.word == "usd" || $0.word == "eur" })
    {
      return Verdict(taken: false, reason: "rate", firstPerson: firstPerson)
    }
    // Future and scheduling: a future marker before the duration, with no past work verb
    // between them ("I will spend 2 hours", "it should take 30 minutes", "let's book an hour").
    if let marker = wordsBefore.lastIndex(where: futureWords.contains) {
      let between = wordsBefore[(marker + 1)...]
      let pastAfterMarker = between.contains(where: pastWorkWords.contains)
      let markerWord = wordsBefore[marker]
      // "took" is past; "take"/"takes" only signal the future with a modal or as "takes N".
      let weakMarker = markerWord == "take" || markerWord == "takes" || markerWord == "set" || markerWord == "hold"
        || markerWord == "need" || markerWord == "needs"
      let modalBefore = wordsBefore[..<marker].contains { ["will", "would", "should", "could", "may", "might", "can", "to"].contains($0) }
      // "the hearing is set for 2 hours": scheduled, not spent.
      let scheduled = markerWord == "set" && marker > wordsBefore.startIndex
        && ["is", "are", "was", "were", "been", "be"].contains(wordsBefore[marker - 1])
      if !pastAfterMarker
        && (!weakMarker || modalBefore || scheduled || markerWord == "takes" || markerWord == "need" || markerWord == "needs")
      {
        return Verdict(taken: false, reason: "future", firstPerson: firstPerson)
      }
    }
    // "45 Minuten sollten reichen", "2 hours should do": a modal right after is a plan.
    if let next = wordsAfter.first, modalsAfter.contains(next) {
      return Verdict(taken: false, reason: "future", firstPerson: firstPerson)
    }
    // "a 2 hour call tomorrow", "1 hour next week"; not a plan at the end of a long sentence.
    if wordsAfter.prefix(5).contains("tomorrow") || wordsAfter.starts(with: ["next"])
      || wordsAfter.prefix(5).contains("scheduled")
      || (!facts.pastWorkVerb && zip(wordsAfter.prefix(4), wordsAfter.dropFirst().prefix(4)).contains {
        $0.0 == "on" && Self.weekdays.contains($0.1)
      })
    {
      return Verdict(taken: false, reason: "future", firstPerson: firstPerson)
    }
    // "the backup window is 1-3 AM", "her shift 7-15": a slot on the clock, not time spent.
    if match.isRange, wordsBefore.suffix(3).contains(where: Self.slotWords.contains) {
      return Verdict(taken: false, reason: "scheduling", firstPerson: firstPerson)
    }
    // A clock range next to a weekday or "When:" announces a meeting; it is not time spent.
    if match.isRange, facts.scheduleWord, !facts.pastWork {
      return Verdict(taken: false, reason: "scheduling", firstPerson: firstPerson)
    }
    // A condition or a request: "when you have 10 minutes", "if it takes an hour".
    if let condition = wordsBefore.suffix(5).lastIndex(where: conditionWords.contains),
      !wordsBefore[(condition + 1)...].contains(where: pastWorkWords.contains)
    {
      return Verdict(taken: false, reason: "future", firstPerson: firstPerson)
    }
    if minutes > 24 * 60 { return Verdict(taken: false, reason: "implausible", firstPerson: firstPerson) }
    // A setting: "raised the timeout to 1h", "set the retention to 30 minutes".
    // "increased the timeout from 1h to 2h" is the same, however it reads as a range.
    if wordsBefore.last == "to" || wordsBefore.last == "at" || (match.isRange && tokens[match.range.lowerBound].word == "from"),
      wordsBefore.suffix(6).contains(where: { settingVerbs.contains($0) })
    {
      return Verdict(taken: false, reason: "setting", firstPerson: firstPerson)
    }
    // A machine's time: "the restore took 12 minutes", "the build runs 40 minutes".
    if let verb = wordsBefore.lastIndex(where: durationVerbs.contains),
      verb > wordsBefore.startIndex, machineNouns.contains(wordsBefore[verb - 1])
    {
      return Verdict(taken: false, reason: "length", firstPerson: firstPerson)
    }
    // Opening hours and availability: "we are open 9h-17h", "reachable from 10:00 to 12:00".
    if facts.availability && !facts.pastWorkVerb {
      return Verdict(taken: false, reason: "availability", firstPerson: firstPerson)
    }
    // A standing meeting, not time spent: "our weekly 1h call".
    if wordsBefore.suffix(3).contains(where: recurringWords.contains)
      || (!facts.pastWorkVerb && wordsBefore.suffix(6).contains(where: recurringWords.contains))
    {
      return Verdict(taken: false, reason: "rate", firstPerson: firstPerson)
    }
    // A trip's length: "a 2 hour journey", "the 7h45 flight".
    if let next = wordsAfter.first, travelWords.contains(next), !facts.pastWorkVerb {
      return Verdict(taken: false, reason: "length", firstPerson: firstPerson)
    }
    // A shift or a break is a fact of someone's job, not time spent on the matter: "una
    // jornada de 8 horas con 30 minutos de comida", "a 12-hour shift", "30 Minuten Pause".
    if !facts.pastWorkVerb,
      wordsBefore.suffix(3).contains(where: Self.shiftWords.contains) || wordsAfter.prefix(2).contains(where: Self.breakWords.contains)
    {
      return Verdict(taken: false, reason: "length", firstPerson: firstPerson)
    }
    // "the drive there takes 3 hours", "le trajet en train prend 3h40", "die Fahrt dauert 7 Stunden"
    if let trip = wordsBefore.suffix(8).lastIndex(where: travelWords.contains),
      wordsBefore[(trip + 1)...].contains(where: travelLengthVerbs.contains), !facts.pastWorkVerb
    {
      return Verdict(taken: false, reason: "length", firstPerson: firstPerson)
    }
    // "The recording is 45 minutes long", "the video runs 20 minutes": a length, not work.
    if wordsAfter.first == "long" || wordsBefore.suffix(3).contains(where: Self.runVerbs.contains),
      wordsBefore.contains(where: { lengthVerbs.contains($0) || mediaWords.contains($0) }),
      !facts.pastWorkVerb
    {
      return Verdict(taken: false, reason: "length", firstPerson: firstPerson)
    }
    if let media = wordsBefore.suffix(8).lastIndex(where: mediaWords.contains),
      wordsBefore[(media + 1)...].suffix(2).contains(where: mediaLengthVerbs.contains), !facts.pastWorkVerb
    {
      return Verdict(taken: false, reason: "length", firstPerson: firstPerson)
    }
    // Totals on an invoice or a retainer are billing history, not new work: counting them
    // would bill the same hours twice.
    let spendingBefore = wordsBefore.contains(where: spendingWords.contains)
    if facts.billingSummary && !spendingBefore {
      return Verdict(taken: false, reason: "billing-summary", firstPerson: firstPerson)
    }
    // Whose time: the subject of the nearest work verb, else someone named before the duration
    // ("he spent 2 hours"; after it they are the object: "2 hours on their comments"), unless
    // "I" or "we" is in it too or the note opens with its verb ("Reviewed their expert's CV").
    let subject = subjectOfWork(tokens, from: windowStart, before: match.range.lowerBound)
    if subject == .someoneElse { return Verdict(taken: false, reason: "not-own-work", firstPerson: false) }
    let thirdPerson = (facts.thirdPerson && !facts.startsWithOwnVerb && namesSomeoneElse(Array(wordsBefore)))
      || subject == .name
    if thirdPerson && !firstPerson {
      return Verdict(taken: false, reason: "not-own-work", firstPerson: false)
    }
    // Someone named does the work, and the writer is in the sentence only as "our" or "my"
    // ("our junior needed 2 days, and Kasia tested it 3 hours"): theirs, not the writer's.
    if subject == .name, !tokens.contains(where: { $0.word.map(Self.ownSubjects.contains) ?? false }) {
      return Verdict(taken: false, reason: "not-own-work", firstPerson: false)
    }
    // A labelled figure is a time entry: "Time: 0.5h", "Hours spent: 2".
    let labelled = before.last?.kind == .symbol(":") && wordsBefore.suffix(2).contains(where: timeLabels.contains)
    // "Then 1:30 hrs on the cost base", "90 min on the redlines": a note that opens with the time.
    let afterSeparator = [.symbol("-"), .symbol("\u{2013}"), .symbol(":")].contains(before.last?.kind)
    let timeOnTask = wordsAfter.first == "on" && (match.range.lowerBound <= 2 || afterSeparator)
    // "a 24-hour rent deposit", "a 15-minute break": a compound adjective describes a thing,
    // unless the thing is work ("a 45-minute call").
    let hyphenated = match.range.count == 3 && tokens[match.range.lowerBound].number != nil
      && tokens[match.range.lowerBound + 1].kind == .symbol("-")
    let afterArticle = wordsBefore.last == "a" || wordsBefore.last == "an"  // "a 24 hours cache"
    if hyphenated || afterArticle, let thing = wordsAfter.first, !workWordsAndPlurals.contains(thing),
      !Self.afterLength.contains(thing), !facts.pastWorkVerb
    {
      return Verdict(taken: false, reason: "length", firstPerson: firstPerson)
    }
    // "- 1,2 h Nachweis Decke": a bulleted line that opens with its time is a time note.
    let bulletNote = match.range.lowerBound == 1 && Self.bullets.contains(tokens[0].kind) && !wordsAfter.isEmpty
      // "0.5h - data request list": a note that opens with its time and a dash
      || (match.range.lowerBound == 0 && [.symbol("-"), .symbol("\u{2013}")].contains(after.first?.kind) && !wordsAfter.isEmpty)
    // "about 90 mins w/ Tom and his team": time with someone is a meeting
    let withSomeone = wordsAfter.first == "with" || (wordsAfter.first == "w" && after.dropFirst().first?.kind == .symbol("/"))
    let describesWork = facts.workWord || match.isShorthand || facts.pastWorkVerb || labelled || timeOnTask
      || facts.totalTime || bulletNote || withSomeone  // "Total time today: 3.2 hrs"
    if !describesWork && !firstPerson {
      return Verdict(taken: false, reason: "no-work-described", firstPerson: false)
    }
    // "Kevin's 1.5 on the lien search was his": a figure someone's, by name.
    if match.isShorthand, let owner = tokens[safe: match.range.lowerBound - 1]?.word, owner.hasSuffix("'s"),
      !notOwners.contains(owner)
    {
      return Verdict(taken: false, reason: "not-own-work", firstPerson: false)
    }
    if match.isShorthand { return Verdict(taken: true, reason: "billing-shorthand", firstPerson: firstPerson) }
    if match.isRange { return Verdict(taken: true, reason: "time-range", firstPerson: firstPerson) }
    return Verdict(taken: true, reason: "explicit", firstPerson: firstPerson)
  }

  /// He, she, they as the subject before a duration, or his, her, their with a past work verb
  /// close after it ("their team spent"); a possessive alone is an object ("their comments").
  private static let thirdPersonSubjects: Set<String> = ["he", "she", "they", "he's", "she's", "they've", "him", "them"]
  private static func namesSomeoneElse(_ words: [String]) -> Bool {
    for (index, word) in words.enumerated() where thirdPersonWords.contains(word) {
      if thirdPersonSubjects.contains(word) { return true }
      if words[(index + 1)..<min(words.count, index + 4)].contains(where: pastWorkWords.contains) { return true }
    }
    return false
  }

  /// "Mark spent 2 hours", "Acme's team worked 3 hours": a capitalized name as the subject.
  private static let notNames: Set<String> = [
    "have", "had", "just", "already", "also", "probably", "together", "time", "total", "hours", "work", "today",
    "yesterday", "tonight", "overall", "actually", "only", "was", "were", "been", "has",
    "and", "then", "so", "but", "or", "which", "that", "who", "since", "after", "once", "when", "as", "because",
    "finally", "again", "morning", "afternoon", "evening", "week", "et", "y", "und", "e", "en", "puis", "dann", "luego",
    "poi", "daarna", "depois", "hier", "gestern", "ayer", "ieri", "gisteren", "ontem", "heute", "hoy", "oggi", "vandaag",
    "hoje", "aujourd'hui", "j'ai", "ich", "wir", "ik", "wij", "nous", "je", "temps", "tiempo", "zeit", "tempo", "tijd",
  ]

  enum Subject { case none, name, someoneElse }

  /// Spanish "he dedicado", "he trabajado": "I have", not the English "he".
  private static func isSpanishIHave(_ word: String, before participle: String?) -> Bool {
    guard word == "he", let participle else { return false }
    return participle.hasSuffix("ado") || participle.hasSuffix("ido")
  }

  /// The subject of the work verb nearest before the duration: someone else for certain
  /// ("your team spent 12 hours", "il collega ha lavorato 2 ore": theirs, whoever else the
  /// sentence names), a name ("Anouk has put in about 2h": theirs unless I or we are in it
  /// too), or neither.
  private static func subjectOfWork(_ tokens: [Token], from start: Int, before end: Int) -> Subject {
    guard let verbIndex = tokens[start..<end].lastIndex(where: { $0.word.map(subjectVerbs.contains) ?? false }) else {
      return .none
    }
    if let verb = tokens[verbIndex].word {
      if ownPastVerbs.contains(verb) { return .none }
      if othersPastVerbs.contains(verb) { return .someoneElse }
    }
    var index = verbIndex - 1
    while index >= start, let word = tokens[index].word, auxiliaries.contains(word) { index -= 1 }
    guard index >= start, let subject = tokens[index].word else { return .none }
    if isSpanishIHave(subject, before: tokens[verbIndex].word) { return .none }
    if otherSubjects.contains(subject) { return .someoneElse }
    if firstPersonWords.contains(subject) || firstPersonAuxiliaries.contains(subject) || notNames.contains(subject) {
      return .none
    }
    return .name
  }

  /// Who is never the timekeeper: other people, their teams, the client.
  private static let otherSubjects: Set<String> = [
    "he", "she", "they", "you", "team", "colleague", "colleagues", "associate", "associates", "paralegal", "paralegals",
    "partner", "counsel", "client", "clients", "staff", "department", "collega", "colleghi", "collègue", "collègues",
    "kollege", "kollegin", "kollegen", "colega", "colegas", "collega's", "equipo", "équipe", "squadra", "equipa",
    "trainee", "intern", "assistant", "secretary", "stagiaire", "assistante", "secrétaire", "confrère", "consœur",
    "collaborateur", "collaboratrice", "praktikant", "praktikantin", "stagista", "becario", "becaria", "estagiário",
  ]

  private static let subjectVerbs = Set([
    "spent", "worked", "billed", "logged", "put", "devoted", "lavorato", "gearbeitet", "verbracht", "trabajado",
    "dedicado", "passé", "travaillé", "consacré", "besteed", "gewerkt", "dedicato", "speso", "impiegato",
    // "Kasia tested it 3 hours": the one who did the work named before its verb
    "tested", "reviewed", "drafted", "prepared", "researched", "debugged", "implemented", "checked", "analysed",
    "analyzed",
  ]).union(ownPastVerbs).union(othersPastVerbs)
  /// Portuguese and Spanish say who in the verb: "dediquei", "pasé" are mine; "passou",
  /// "trabajó" someone else's, whoever is named.
  private static let ownPastVerbs: Set<String> = [
    "dediquei", "passei", "trabalhei", "gastei", "estive", "dediqué", "pasé", "trabajé", "gasté", "invertí", "estuve",
  ]
  private static let othersPastVerbs: Set<String> = [
    "passou", "trabalhou", "gastou", "dedicou", "esteve", "pasó", "trabajó", "dedicó", "gastó", "estuvo", "invirtió",
  ]
  private static let auxiliaries: Set<String> = [
    "has", "have", "had", "also", "just", "already", "then", "actually", "probably", "ha", "hat", "heeft", "hanno", "han",
    "hebben", "haben", "ont", "a", "tem", "têm", "al", "sicuramente",
  ]
  /// "ho lavorato", "heb besteed", "habe verbracht", "hemos dedicado": I or we, in the verb.
  private static let firstPersonAuxiliaries: Set<String> = ["ho", "heb", "habe", "hemos", "abbiamo", "avons", "hebben"]

  // MARK: - The task a statement describes

  /// The clause that says what the work was, without the duration: "reviewing the SPA" from
  /// "I spent 2.5 hours reviewing the SPA", "call with Jo re closing" from ".3 for call with Jo
  /// re closing".
  private static let taskFillers: Set<String> = [
    "i", "we", "spent", "spend", "about", "around", "roughly", "approximately", "approx", "over", "just", "another",
    "on", "for", "in", "total", "today", "yesterday", "this", "morning", "afternoon", "evening", "have", "has",
    "had", "it", "took", "me", "us", "of", "a", "an", "the", "so", "far", "and", "also", "already", "doing", "time",
    "was", "were", "been", "worked", "working", "hi", "hello", "all", "team", "fyi", "note", "logged", "billed",
  ]
  private static let taskTrailers: Set<String> = [
    "today", "yesterday", "tonight", "so", "far", "this", "morning", "afternoon", "evening", "earlier", "on", "for", "and",
    "with", "the", "a", "an", "to", "of",
    // "Reviewing the lease took me 2 hours": the verb of the duration is not the task's.
    "took", "takes", "take", "lasted", "ran", "was", "were", "me", "us", "about", "around", "approx", "approximately",
  ]

  static func taskPhrase(_ tokens: [Token], excluding range: Range<Int>, in sentence: [UInt8]) -> String {
    // Prefer what follows the duration; else what precedes it.
    func phrase(_ slice: ArraySlice<Token>) -> String {
      var first = slice.startIndex
      while first < slice.endIndex {
        let token = slice[first]
        if let word = token.word, taskFillers.contains(word) {
          first += 1
          continue
        }
        if case .symbol(let s) = token.kind, ["-", "–", ":", "(", ")", "="].contains(s) {
          first += 1
          continue
        }
        break
      }
      // Stop at the end of the clause, or where another duration starts.
      var end = first
      while end < slice.endIndex {
        if case .symbol(let s) = slice[end].kind, [".", ",", ";", "!", "?", ":", "(", ")"].contains(s) { break }
        if slice[end].word == "and", end + 1 < slice.endIndex, slice[end + 1].word.map(firstPersonWords.contains) ?? false {
          break
        }
        if end > first, matchDuration(tokens, at: end) != nil { break }
        end += 1
      }
      while end > first, let word = slice[end - 1].word, taskTrailers.contains(word) { end -= 1 }
      guard end > first else { return "" }
      return String(decoding: sentence[slice[first].byteStart..<slice[end - 1].byteEnd], as: UTF8.self)
    }
    let following = phrase(tokens[range.upperBound...])
    if !following.isEmpty { return following }
    // "Call with client - 0.5": the separator just before the figure ends the task.
    var end = range.lowerBound
    while end > 0, [.symbol("-"), .symbol("\u{2013}"), .symbol(":")].contains(tokens[end - 1].kind) { end -= 1 }
    var start = end
    while start > 0 {
      if case .symbol(let s) = tokens[start - 1].kind, [".", ",", ";", "!", "?", ":", "-", "–", "("].contains(s) { break }
      start -= 1
    }
    return phrase(tokens[start..<end])
  }
}

extension Unicode.Scalar {
  var isASCIIDigit: Bool { value >= 0x30 && value <= 0x39 }
  /// Unicode White_Space, answered without the property tables for ASCII.
  var isSpace: Bool { value < 0x80 ? value == 0x20 || (value >= 0x09 && value <= 0x0D) : properties.isWhitespace }
  /// Unicode Alphabetic, answered without the property tables for ASCII.
  var isLetter: Bool { value < 0x80 ? (value | 0x20) >= 0x61 && (value | 0x20) <= 0x7A : properties.isAlphabetic }
}

extension String {
  /// Without surrounding whitespace and sentence punctuation.
  var trimmingSpacesAndPunctuation: String {
    var scalars = Substring(self)
    while let first = scalars.first, first.isWhitespace || first == "-" || first == "*" || first == "•" {
      scalars = scalars.dropFirst()
    }
    while let last = scalars.last, last.isWhitespace || last == "." || last == ";" || last == "," {
      scalars = scalars.dropLast()
    }
    return String(scalars)
  }
}

extension Array {
  subscript(safe index: Int) -> Element? {
    index >= 0 && index < count ? self[index] : nil
  }
}

extension ArraySlice {
  subscript(safe index: Int) -> Element? {
    index >= startIndex && index < endIndex ? self[index] : nil
  }
}
