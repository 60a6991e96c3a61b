import BillableModel
import Testing

@testable import BillableAnalysis

@Suite("Narratives and activity codes")
struct NarrativeTests {
  /// The task of a stated time, in the languages the analyzer reads, and the UTBMS code it gets
  /// (A106, the fallback here, when the words say nothing of the kind of work).
  static let tasks: [(String, ActivityCode)] = [
    ("reviewing the SPA", .review),
    ("relecture du pacte d'associés", .review),
    ("die Unterlagen geprüft", .review),
    ("revisión del contrato de arrendamiento", .review),
    ("doorgenomen met de stukken", .review),
    ("drafting the TRO motion", .draft),
    ("rédaction des statuts", .draft),
    ("am Entwurf gearbeitet", .draft),
    ("redazione del verbale", .draft),
    ("les maquettes de la page d'accueil", .draft),
    ("recherches de jurisprudence", .research),
    ("onderzoek naar de huurprijs", .research),
    ("call with opposing counsel", .communicateCounsel),
    ("réunion avec le client", .communicateClient),
    ("Besprechung mit dem Mandanten", .communicateClient),
    ("trajet aller-retour à Lyon", .travel),
    ("audiencia previa", .appear),
    ("repartitioning the events table", .communicateClient),
  ]

  @Test("a task's words give its activity code", arguments: tasks)
  func activity(_ task: String, _ expected: ActivityCode) {
    #expect(Narrative.activity(for: task, fallback: .communicateClient) == expected)
  }
}
