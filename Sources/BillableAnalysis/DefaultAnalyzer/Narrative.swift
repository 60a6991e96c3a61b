import BillableModel

/// UTBMS activity codes and one-task narratives.
package enum Narrative {
  /// The activity a task phrase describes, or `fallback`.
  package static func activity(for task: String, fallback: ActivityCode) -> ActivityCode {
    let words = Set(task.lowercased().split { !$0.isLetter }.map(String.init))
    // The first kind whose words the task holds: travel and court before drafting and review.
    if let (code, _) = kinds.first(where: { !$0.words.isDisjoint(with: words) }) { return code }
    if !callWords.isDisjoint(with: words) {
      if !counselWords.isDisjoint(with: words) { return .communicateCounsel }
      if !clientWords.isDisjoint(with: words) { return .communicateClient }
      if !teamWords.isDisjoint(with: words) { return .communicateTeam }
    }
    return fallback
  }

  /// Words of each kind of work, in English, French, German, Spanish, Italian, Dutch and
  /// Portuguese, in the order they are tried.
  private static let kinds: [(code: ActivityCode, words: Set<String>)] = [
    (.travel, travelWords), (.appear, appearWords), (.research, researchWords), (.draft, draftWords),
    (.review, reviewWords), (.plan, planWords),
  ]
  private static let travelWords: Set<String> = [
    "travel", "traveled", "travelled", "travelling", "traveling", "flight", "drive", "drove", "déplacement",
    "trajet", "voyage", "reise", "anreise", "fahrt", "viaje", "desplazamiento", "viaggio", "trasferta", "reis",
    "viagem", "deslocação",
  ]
  private static let appearWords: Set<String> = [
    "hearing", "court", "deposition", "trial", "appear", "appeared", "appearance", "mediation", "arbitration",
    "audience", "tribunal", "verhandlung", "gericht", "audiencia", "juicio", "udienza", "tribunale", "zitting",
    "rechtbank", "audiência",
  ]
  private static let researchWords: Set<String> = [
    "research", "researched", "researching", "caselaw", "precedent", "precedents", "westlaw", "lexis", "recherche",
    "recherches", "recherchiert", "recherchen", "investigación", "ricerca", "ricerche", "onderzoek", "onderzocht",
    "pesquisa", "pesquisei",
  ]
  private static let draftWords: Set<String> = [
    "draft", "drafted", "drafting", "revise", "revised", "revising", "revision", "revisions", "redline", "redlined",
    "markup", "prepare", "prepared", "preparing", "wrote", "write", "writing", "edit", "edited", "editing",
    "rédigé", "rédaction", "rédiger", "révisé", "révision", "préparé", "préparation", "maquette", "maquettes",
    "entwurf", "entwürfe", "entworfen", "überarbeitet", "überarbeitung", "verfasst", "vorbereitet", "vorbereitung",
    "redacción", "redactado", "redactar", "borrador", "preparado", "preparación", "redatto", "redazione", "bozza",
    "preparato", "preparazione", "opgesteld", "opstellen", "voorbereid", "voorbereiding", "redigi", "redação",
    "preparei", "preparação",
  ]
  private static let reviewWords: Set<String> = [
    "review", "reviewed", "reviewing", "analyze", "analyzed", "analyzing", "analyse", "analysed", "analysis",
    "read", "reading", "examine", "examined", "diligence", "relu", "relecture", "analysé", "examiné", "examen",
    "vérifié", "vérification", "revu", "geprüft", "prüfung", "durchgesehen", "durchsicht", "analysiert", "gelesen",
    "revisión", "revisado", "revisar", "análisis", "analizado", "estudiado", "revisione", "esaminato", "analisi",
    "analizzato", "beoordeeld", "beoordeling", "doorgenomen", "gecontroleerd", "revisão", "revi", "analisei",
    "análise",
  ]
  private static let planWords: Set<String> = [
    "plan", "planning", "strategy", "strategize", "outline", "stratégie", "strategie", "estrategia", "strategia",
  ]
  private static let callWords: Set<String> = [
    "call", "calls", "meeting", "meet", "met", "conference", "phone", "spoke", "talked", "discussion", "discussed",
    "zoom", "teleconference", "appel", "réunion", "visio", "anruf", "telefonat", "besprechung", "llamada",
    "reunión", "chiamata", "riunione", "telefonata", "gesprek", "overleg", "vergadering", "chamada", "reunião",
    "telefonema",
  ]
  private static let counselWords: Set<String> = [
    "counsel", "opposing", "confrère", "gegenseite", "contraparte", "controparte", "wederpartij",
  ]
  private static let clientWords: Set<String> = [
    "client", "clients", "cliente", "clientes", "mandant", "mandanten", "klant", "kunde", "kunden",
  ]
  private static let teamWords: Set<String> = [
    "team", "internal", "associate", "partner", "colleague", "colleagues", "équipe", "collègue", "kollege",
    "kollegin", "equipo", "collega", "collega's",
  ]

  /// "reviewing the SPA" → "Review the SPA"; "call with Jo" → "Call with Jo".
  package static func imperative(_ task: String) -> String {
    var words = task.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
    guard let first = words.first else { return "" }
    let lower = first.lowercased()
    words[0] = lemmas[lower] ?? lower
    words[0] = words[0].prefix(1).uppercased() + words[0].dropFirst()
    return words.joined(separator: " ")
  }

  /// First verbs of a task as the imperative a narrative opens with.
  private static let lemmas: [String: String] = [
    "reviewing": "review", "reviewed": "review", "drafting": "draft", "drafted": "draft", "revising": "revise",
    "revised": "revise", "preparing": "prepare", "prepared": "prepare", "researching": "research",
    "researched": "research", "analyzing": "analyze", "analyzed": "analyze", "analysing": "analyse",
    "editing": "edit", "edited": "edit", "reading": "read", "discussing": "discuss", "discussed": "discuss",
    "negotiating": "negotiate", "negotiated": "negotiate", "attending": "attend", "attended": "attend",
    "redlining": "redline", "redlined": "redline", "working": "work", "worked": "work", "finalizing": "finalize",
    "finalized": "finalize", "traveling": "travel", "travelled": "travel", "traveled": "travel",
    "travelling": "travel", "calling": "call", "called": "call", "writing": "write", "wrote": "write",
    "meeting": "meeting", "updating": "update", "updated": "update", "coordinating": "coordinate",
    "coordinated": "coordinate", "summarizing": "summarize", "summarized": "summarize", "finalising": "finalise",
    "finalised": "finalise", "summarising": "summarise", "summarised": "summarise", "organising": "organise",
    "organised": "organise", "organizing": "organize", "organized": "organize", "checking": "check", "checked": "check",
    "marking": "mark", "marked": "mark", "commenting": "comment", "commented": "comment",
  ]

  /// Trims a subject for "re:" ("Re: Fwd: Closing checklist" → "closing checklist").
  package static func topic(_ subject: String?) -> String {
    guard var text = subject?.trimmingSpacesAndPunctuation, !text.isEmpty else { return "" }
    while true {
      let lower = text.lowercased()
      guard let prefix = ["re:", "fw:", "fwd:", "aw:", "wg:", "tr:", "sv:", "antw:"].first(where: lower.hasPrefix) else { break }
      text = String(text.dropFirst(prefix.count)).trimmingSpacesAndPunctuation
    }
    if text.count > 80 { text = String(text.prefix(77)) + "..." }
    return text
  }
}
