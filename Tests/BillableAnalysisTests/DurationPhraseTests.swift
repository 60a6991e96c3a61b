import BillableModel
import Testing

@testable import BillableAnalysis

/// What the extractor should make of one sentence.
enum Expected: Sendable, CustomStringConvertible {
  /// One duration taken, with these minutes.
  case taken(Double)
  /// Several taken, in order.
  case takenAll([Double])
  /// A duration found and rejected for this reason.
  case rejected(String)
  /// No duration at all.
  case nothing

  var description: String {
    switch self {
    case .taken(let m): return "taken \(m)"
    case .takenAll(let m): return "taken \(m)"
    case .rejected(let r): return "rejected \(r)"
    case .nothing: return "nothing"
    }
  }
}

/// At least 150 duration phrases in sentences, taken and rejected.
@Suite("Duration phrases")
struct DurationPhraseTests {
  static let cases: [(String, Expected)] = [
    // Decimal and fractional hours
    ("I spent 2.5 hours reviewing the SPA.", .taken(150)),
    ("I spent 2.5 hrs reviewing the SPA.", .taken(150)),
    ("Spent 1.5 hours on the disclosure schedules.", .taken(90)),
    ("I worked 3 hours on the merger agreement today.", .taken(180)),
    ("We spent 4 hours negotiating the indemnity.", .taken(240)),
    ("I spent 0.5 hours on the call with Jo.", .taken(30)),
    ("Reviewed the lease for 1.2 hours.", .taken(72)),
    ("I have spent 6 hours drafting the brief.", .taken(360)),
    ("I spent 1 hour revising the NDA.", .taken(60)),
    ("I spent 10 hours on due diligence this week.", .taken(600)),
    ("I put in 2 hours on the closing memo.", .taken(120)),
    ("I billed 3.5 hours for the hearing prep.", .taken(210)),
    ("Logged 2.25 hours on research.", .taken(135)),
    ("I spent about 2 hours on the markup.", .taken(120)),
    ("I spent roughly 3 hours reviewing comments.", .taken(180)),
    ("I spent approximately 1.5 hours on the redline.", .taken(90)),
    ("It took me 2 hours to review the contract.", .taken(120)),
    ("The call took 45 minutes.", .taken(45)),
    ("This review took 3 hours.", .taken(180)),
    ("I was on the phone with opposing counsel for 1.5 hours.", .taken(90)),
    ("I spent a full day on the deposition prep.", .taken(480)),
    ("I spent 2\u{00A0}hrs on the draft.", .taken(120)),
    ("I spent 3 -hrs on the draft.", .taken(180)),
    ("Clause 12 of the 2024 agreement and section 4 were discussed with +44 20 7946 0018.", .nothing),
    // Fractions, a decimal comma, and durations cut by punctuation
    ("I spent 3/4 hour on the call.", .taken(45)),
    ("I spent 1 1/2 hours reviewing the licence.", .taken(90)),
    ("Had a 1/2-hour call with the client about the licence.", .taken(30)),
    ("I spent 1 \u{00BD} hours reviewing the licence.", .taken(90)),
    ("I spent 1\u{00BD} hours reviewing the licence.", .taken(90)),
    ("I spent \u{00BE} hour on the call.", .taken(45)),
    ("I spent 1,5 h reviewing the licence.", .taken(90)),
    ("Reviewed the draft for 0,75 hours.", .taken(45)),
    ("I spent an hour and 15 minutes reviewing the draft.", .taken(75)),
    ("Reviewed the licence: 2 h. 30 min.", .taken(150)),
    ("Spent the afternoon (approx. 3 hours) on the licence.", .taken(180)),
    ("We met on 3/4 and agreed the terms of the licence.", .nothing),
    ("The fee is 1,500 per matter and 2,5 percent on top.", .nothing),
    // Encoded data, addresses and versions hold no durations
    ("nlzNO8mVGVkbzXm8W55Zaellt0KqRv0ysF6H9+olv3MeCXGGNcLkE/umQQSd3uEaafJgrL1T I reviewed it.", .nothing),
    ("M?/G_ORA[TE;LL<>;+YQSG3LAY!F-A@0H1APHYT$.(HA48+#CXS'A*80DK$H I spent it", .nothing),
    ("MIAGCSqGSIb3DQEHA6CAMIACAQAxgDCBzAIBADB2MGIxETAPBgNVBAcTCEludGVybmV0MRcw and I spent 2h on the SPA.", .taken(120)),
    ("This is an abuse report for a message from IP 192.0.2.1 on Thu, 8 Mar 2005.", .nothing),
    ("I upgraded the client to version 2.1.3 for the filing.", .nothing),
    ("I spent 2.5 hours on version 3.1.4 of the draft.", .taken(150)),
    ("I reviewed the terms of the EUR 2M facility for the client.", .nothing),
    ("I spent 2H30M on the markup.", .taken(150)),
    ("I was on the call from 2 P.M. to 4 P.M. with the client.", .taken(120)),
    ("I was on the call from 10 a.m. to 11:30 a.m. with the client.", .taken(90)),
    ("Time spent: 0.5", .taken(30)),
    ("Time: 2.0", .taken(120)),
    ("0.4 - review and revise NDA", .taken(24)),
    ("1.2 - Definitions and interpretation", .nothing),
    ("Billable time: 45 minutes.", .taken(45)),
    ("Total time today: 3.2 hrs", .taken(192)),
    ("Spent 2+ hours on the markup.", .taken(120)),
    ("Spent half a day on the closing checklist.", .taken(240)),
    ("I spent the whole day on the closing checklist.", .taken(480)),
    // h / hr / m shorthand
    ("I spent 2h reviewing the SPA.", .taken(120)),
    ("I spent 2h30m reviewing the SPA.", .taken(150)),
    ("Spent 2h 30m on the draft.", .taken(150)),
    ("I spent 1h15m on the call.", .taken(75)),
    ("I spent 2hrs on research.", .taken(120)),
    ("I spent 1.5h drafting.", .taken(90)),
    ("I spent 0.3h on the call.", .taken(18)),
    ("Worked 3hrs on the filing.", .taken(180)),
    ("I spent 45m on the call.", .taken(45)),
    ("I spent 2hr on the memo.", .taken(120)),
    ("I spent 2 hrs 15 min on the memo.", .taken(135)),
    ("I spent 2 hours and 30 minutes on the memo.", .taken(150)),
    ("I spent 1 hour and 20 minutes on the call.", .taken(80)),
    ("I spent 1 hour 45 minutes on research.", .taken(105)),
    ("I spent 3 hours 5 minutes reviewing.", .taken(185)),
    ("I spent 2h30 on the review.", .taken(150)),
    // h:mm
    ("I spent 1:30 hrs on the call.", .taken(90)),
    ("I spent 1:30 hours reviewing the SPA.", .taken(90)),
    ("I spent 2:15 hrs drafting.", .taken(135)),
    ("Research: 0:45 hrs.", .taken(45)),
    // Minutes
    ("I spent 90 min on the call.", .taken(90)),
    ("I spent 90 minutes on the call.", .taken(90)),
    ("I spent 20 mins reviewing the letter.", .taken(20)),
    ("I spent 15 minutes on the email to Jo.", .taken(15)),
    ("We had a 30 minute call with the client.", .taken(30)),
    ("I had a 45-minute call with Jo about the escrow.", .taken(45)),
    ("I spent 5 minutes reviewing the invoice.", .taken(5)),
    ("I spent 120 minutes on the board deck.", .taken(120)),
    // Number words and phrases
    ("I spent an hour and a half on the call.", .taken(90)),
    ("I spent half an hour reviewing the letter.", .taken(30)),
    ("I spent a quarter of an hour on the email.", .taken(15)),
    ("I spent two hours drafting the memo.", .taken(120)),
    ("I spent three hours at the hearing.", .taken(180)),
    ("I spent an hour on the call.", .taken(60)),
    ("I spent one hour reviewing the SPA.", .taken(60)),
    ("I spent a half hour on the draft.", .taken(30)),
    ("I spent three quarters of an hour on research.", .taken(45)),
    ("I spent twenty minutes on the call.", .taken(20)),
    ("I spent forty-five minutes reviewing the letter.", .taken(45)),
    ("I spent thirty minutes with the client.", .taken(30)),
    ("I spent one and a half hours on the draft.", .taken(90)),
    ("I spent two and a half hours on the draft.", .taken(150)),
    ("I spent an hour and a quarter on research.", .taken(75)),
    ("I spent ten minutes on the reply.", .taken(10)),
    ("I spent five hours in depositions.", .taken(300)),
    ("The call with the client took an hour.", .taken(60)),
    ("The meeting lasted two hours.", .taken(120)),
    ("I spent 1 hour and a half on the brief.", .taken(90)),
    // Time ranges
    ("I was on the call from 2pm to 4:30pm.", .taken(150)),
    ("I was in the meeting from 10:00 to 11:15.", .taken(75)),
    ("Call with client 10:00-11:15.", .taken(75)),
    ("I worked on the brief from 9am to 12pm.", .taken(180)),
    ("I reviewed documents from 2 to 4pm.", .taken(120)),
    ("I was at the closing from 11am to 1pm.", .taken(120)),
    ("We met between 2pm and 3:30pm.", .taken(90)),
    ("I drafted the memo from 1:00 to 2:30.", .taken(90)),
    ("Finalising the execution version took from 2pm to 3:30pm today.", .taken(90)),
    ("I was on the phone 9:30–10:15.", .taken(45)),
    ("I attended the hearing 9am-1pm.", .taken(240)),
    ("I drafted 2-4pm.", .taken(120)),
    // Billing shorthand
    (".3 for review of the letter.", .taken(18)),
    ("0.3 for call with client.", .taken(18)),
    (".5 for drafting the response.", .taken(30)),
    ("Please log 0.3 for call with client this morning.", .taken(18)),
    ("1.2 for revisions to the SPA.", .taken(72)),
    ("0.2 re email to Jo.", .taken(12)),
    ("Please record .4 on the Falcon matter.", .taken(24)),
    ("Time: 0.3h call with Jo.", .taken(18)),
    // Several in one sentence or message
    ("I spent 2 hours on the SPA and 30 minutes on the disclosure letter.", .takenAll([120, 30])),
    ("Today: 1.5 hours drafting; 0.5 hours on the call.", .takenAll([90, 30])),
    ("I spent 1 hour reviewing and 2 hours drafting.", .takenAll([60, 120])),
    // Future and scheduling
    ("The review will take 2 hours.", .rejected("future")),
    ("It will take about 3 hours to finish the draft.", .rejected("future")),
    ("I will spend 2 hours on it tomorrow.", .rejected("future")),
    ("This should take 30 minutes.", .rejected("future")),
    ("I expect to spend 4 hours on the brief.", .rejected("future")),
    ("We plan to spend 2 hours on the call.", .rejected("future")),
    ("Let's schedule a 1 hour call.", .rejected("future")),
    ("Can you spare 30 minutes this afternoon?", .rejected("future")),
    ("I estimate 5 hours for the research.", .rejected("future")),
    ("We need 2 hours to review the documents.", .rejected("future")),
    ("The hearing is scheduled for 3 hours.", .rejected("future")),
    ("It might take an hour.", .rejected("future")),
    ("I'll need an hour and a half to review it.", .rejected("future")),
    ("The call could run 45 minutes.", .rejected("future")),
    ("Please book 2 hours for the negotiation.", .rejected("future")),
    ("I would budget 10 hours for diligence.", .rejected("future")),
    ("We're going to need 3 hours for the board prep.", .rejected("future")),
    ("Let's block 2 hours next week.", .rejected("future")),
    ("This is probably a 2 hour job.", .rejected("future")),
    ("The drafting will likely take three hours.", .rejected("future")),
    ("We should allow 90 minutes for the call.", .rejected("future")),
    ("A review takes 2 hours.", .rejected("future")),
    ("When: Thursday, March 6, 2025, 2:00pm - 3:00pm (Eastern Time).", .rejected("scheduling")),
    ("Shall we meet from 2pm to 3pm on Friday?", .rejected("future")),
    ("Let's talk for 30 minutes tomorrow.", .rejected("future")),
    // Deadlines
    ("Please respond within 24 hours.", .rejected("deadline")),
    ("We need 48-hour notice before the closing.", .rejected("deadline")),
    ("The seller requires 24 hours' notice.", .rejected("deadline")),
    ("Please revert within 2 hours of the meeting.", .rejected("deadline")),
    ("I can have it to you in 2 hours.", .rejected("deadline")),
    ("The data room closes in 48 hours.", .rejected("deadline")),
    ("Please send it back within 72 hours.", .rejected("deadline")),
    ("We get updates every 2 hours.", .rejected("deadline")),
    ("Send it by 5pm.", .nothing),
    ("The offer expires after 24 hours.", .rejected("deadline")),
    ("There is a 10-day cooling period.", .nothing),
    ("The escrow agent needs up to 3 hours to release funds.", .rejected("deadline")),
    // Relative times
    ("I sent it 2 hours ago.", .rejected("relative")),
    ("Jo called an hour ago about the escrow.", .rejected("relative")),
    ("I replied 30 minutes ago.", .rejected("relative")),
    ("The signed pages arrived 3 hours later.", .rejected("relative")),
    ("Two hours earlier the client had agreed.", .rejected("relative")),
    // Rates and availability
    ("Our rate is $300 per hour.", .nothing),
    ("The rate is $350 an hour.", .rejected("rate")),
    ("The service runs 24 hours a day.", .rejected("rate")),
    ("Associates bill 250/hour.", .nothing),
    ("Support is available 8 hours per day.", .rejected("rate")),
    // Someone else's time
    ("Mark spent 2 hours on the diligence memo.", .rejected("not-own-work")),
    ("He spent 3 hours drafting the response.", .rejected("not-own-work")),
    ("She worked 4 hours on the filing.", .rejected("not-own-work")),
    ("Their team spent 10 hours on the review.", .rejected("not-own-work")),
    ("The flight was 6 hours.", .rejected("length")),
    ("The movie was 2 hours long.", .rejected("length")),
    ("The drive to the courthouse is 45 minutes.", .rejected("length")),
    // Billing history
    ("Attached is the invoice for 10 hours of work in March.", .rejected("billing-summary")),
    ("We invoiced 12.5 hours for February.", .rejected("billing-summary")),
    ("The retainer covers 20 hours of work.", .rejected("billing-summary")),
    // More real-world forms
    ("Thanks for the 30-minute call today.", .taken(30)),
    ("Time spent: 2.5h on the SPA markup.", .taken(150)),
    ("I spent 1.5hrs on the call.", .taken(90)),
    ("Spent 90mins reviewing the disclosure letter.", .taken(90)),
    ("We had an hour-long call with the client.", .taken(60)),
    // Vague amounts
    ("I spent a couple of hours on it.", .rejected("vague")),
    ("I spent a few hours reviewing.", .rejected("vague")),
    ("I spent several hours on the draft.", .rejected("vague")),
    ("It only took a few minutes.", .rejected("vague")),
    // Implausible
    ("I spent 30 hours on the review yesterday.", .rejected("implausible")),
    // Disclaimers
    ("This message is confidential and privileged; if received in error delete it within 24 hours.", .rejected("disclaimer")),
    // Not durations
    ("Let's meet at 2pm.", .nothing),
    ("The closing is on 3/14.", .nothing),
    ("Section 2.5 of the SPA needs work.", .nothing),
    ("The purchase price is 2.5 million.", .nothing),
    ("Please see clause 4.", .nothing),
    ("We have 3 issues on the list.", .nothing),
    ("Call me at 212-555-0100.", .nothing),
    ("The fee is 0.3% of the price.", .nothing),
    ("Version 1.2 is attached.", .nothing),
    ("Thanks for your help!", .nothing),
    ("We are open 9-5 Monday to Friday.", .nothing),
    ("Page 10 to 12 covers the indemnity.", .nothing),
    // Ranges are billed at their lower end; "over", "+" after a past verb are measures
    ("Spent 2-3 hours on the review.", .taken(120)),
    ("I spent between 2 and 3 hours on the lease.", .taken(120)),
    ("Spent 30 to 45 minutes on the call with Jo.", .taken(30)),
    ("Please respond within 2 to 3 hours.", .rejected("deadline")),
    ("I spent 1 and a half hours on the NDA.", .taken(90)),
    ("I spent 2+ hrs on the disclosure letter.", .taken(120)),
    ("I spent over 3 hours on the markup.", .taken(180)),
    ("Took just under an hour to review the board minutes.", .taken(60)),
    ("Give me 2 or 3 hours.", .rejected("future")),
    // Labels, terse notes and whose time it is
    ("Time: 0.5h", .taken(30)),
    ("Priya - reviewed all three witness statements. 2h30m.", .taken(150)),
    ("The weather was awful. 2h30m.", .rejected("no-work-described")),
    ("90 min on the redlines this morning.", .taken(90)),
    ("1.5 hrs drafting the response, then a 20 min call with their counsel.", .takenAll([90, 20])),
    ("It took them 3 hours to reply.", .rejected("not-own-work")),
    ("Her review took 2 hours.", .rejected("not-own-work")),
    ("Reviewed Bluewater's response and their expert's CV \u{2013} 1.3 hrs.", .taken(78)),
    ("- 0.8 review SPA comments", .taken(48)),
    ("- 2.1 Definitions and interpretation", .nothing),
    ("Call with client - 0.5", .taken(30)),
    ("Agenda for Thursday's workshop:\n\n10:00-10:30 intro\n13:00-14:30 prototype walkthrough", .rejected("no-work-described")),
    ("09:00-10:30 prototype walkthrough with the client team", .taken(90)),
    ("Quick update: 2 x 30 min calls with the two agencies today.", .taken(60)),
    ("15m standup this morning with your dev team.", .taken(15)),
    ("Today's half-day workshop with your team gave us what we need.", .taken(240)),
    ("The recording is 45 minutes long, so I marked the best bits.", .rejected("length")),
    ("The call was 45 minutes long and I took notes.", .taken(45)),
    ("Review period: 2.5", .nothing),
    ("let me know when you have 10 minutes to discuss", .rejected("future")),
    ("If it takes more than an hour, call me.", .rejected("future")),
    (
      "went through the disclosure letter on the train approx 1.5h mostly the IP schedule looks ok but there are gaps we should raise with the sellers tomorrow",
      .taken(90)
    ),
    // French, German, Spanish, Italian, Dutch
    ("J'ai passé 2 heures sur le contrat.", .taken(120)),
    ("J'ai passé deux heures et demie sur le dossier.", .taken(150)),
    ("J'ai eu une réunion d'une heure avec le client.", .taken(60)),
    ("Réunion avec le client : 1h30.", .taken(90)),
    ("Il faudra environ 3 heures pour finaliser.", .rejected("future")),
    ("Je vous rappelle dans 2 heures.", .rejected("deadline")),
    ("Ich habe 3 Stunden an dem Vertrag gearbeitet.", .taken(180)),
    ("Ich habe heute eine halbe Stunde mit dem Mandanten telefoniert.", .taken(30)),
    ("Besprechung mit Mandant: 1,5 Std.", .taken(90)),
    ("Das wird etwa 2 Stunden dauern.", .rejected("future")),
    ("Ich habe vor 2 Stunden angerufen.", .rejected("relative")),
    ("He dedicado 2 horas y media al informe.", .taken(150)),
    ("Dediqué 3 horas a revisar el contrato.", .taken(180)),
    ("La reunión durará 2 horas.", .rejected("future")),
    ("Llamé hace 2 horas.", .rejected("relative")),
    ("Ho lavorato 1 ora e mezza sul contratto.", .taken(90)),
    ("Ik heb een half uur gebeld.", .taken(30)),
    ("Heb 2 uur besteed aan het contract.", .taken(120)),
    ("J'ai consacré 2h30 à la relecture, avant la réunion de 14h30.", .taken(150)),
    ("Réunion d'une heure avec le client, puis 1,5 h de recherches.", .takenAll([60, 90])),
    ("Elle durera deux heures, à partir de 10h00.", .rejected("future")),
    ("vielen Dank für die Besprechung heute von 14:00 bis 15:30 Uhr.", .taken(90)),
    ("Tardaremos unas 3 horas y le responderemos en un plazo de 24 horas.", .rejected("future")),
    ("Te respondo en un plazo de 24 horas.", .rejected("deadline")),
    ("Tras nuestra llamada de hora y media de esta mañana, te confirmo la lista.", .taken(90)),
    ("Ho impiegato un'ora e mezza per la revisione del verbale.", .taken(90)),
    ("Ik heb vandaag 2 uur besteed aan het contract; we bellen om 12.00 uur.", .taken(120)),
    ("Ik heb anderhalf uur de stukken doorgenomen.", .taken(90)),
    ("Tempo gasto: 45 minutos.", .taken(45)),
    ("Reunião de 1h30 desta manhã com o cliente.", .taken(90)),
    // Held-out precision cases: clock times, availability, trips, standing meetings, other people
    ("Seriez-vous disponible mardi de 14h à 15h30 ? Sinon je suis libre jeudi de 10h à 11h.", .rejected("availability")),
    ("Mon train part à 14h et le trajet dure 3h10.", .rejected("length")),
    ("Estive das 10h às 12h30 na reunião de assinatura com o banco.", .taken(150)),
    ("O meu voo parte às 7h45 e são 2 horas e meia de viagem; a reunião está marcada das 14h às 16h.", .rejected("no-work-described")),
    ("Office hours 9-17h, Monday to Friday.", .rejected("scheduling")),
    ("Propongo una call settimanale di 1h il lunedì.", .rejected("future")),
    ("We have our weekly 1h call on Monday.", .rejected("future")),
    ("It's roughly a 2 hour journey to Brussels.", .rejected("length")),
    ("Thank you - I know your team spent 12 hours pulling the board minutes together.", .rejected("not-own-work")),
    ("Anouk has put in about 2h on the data room index.", .rejected("not-own-work")),
    ("Il collega ha lavorato 2 ore sul contratto.", .rejected("not-own-work")),
    ("I reviewed the lease and spent 2 hours on the rent review clause.", .taken(120)),
    ("Reviewed and updated the Series B closing checklist (0.7).", .taken(42)),
    ("Reviewed claimant's witness statement and flagged inconsistencies - 1.5 hrs.", .taken(90)),
    ("Temps passé aujourd'hui sur la cession du fonds : 45 min.", .taken(45)),
    ("Hoy he dedicado 3 horas a la revisión del PPA y media hora a la llamada.", .takenAll([180, 30])),
    // A second held-out mailbox (a German tax adviser)
    ("Für die Prüfung rechne ich mit 6 bis 8 Stunden.", .rejected("future")),
    ("45 Minuten sollten reichen.", .rejected("future")),
    ("Ich plane dafür etwa zwei Stunden ein.", .rejected("future")),
    ("Zeitaufwand heute: 1:45 Std.", .taken(105)),
    ("Then 1:30 hrs on the cost base.", .taken(90)),
    (".3 Review Eingangsbestätigung Finanzamt Neukölln\n.2 Status-E-Mail an M. O'Brien", .takenAll([18, 12])),
    ("Ich habe die Unterlagen nach einer Viertelstunde Suche gefunden.", .taken(15)),
    // A third held-out mailbox (a US litigation associate)
    ("t/c w/ OC (.2) - Rebecca Soto confirmed Monday 3/24 at 9:30.", .taken(12)),
    ("0.3 - t/c w/ OC re 30(b)(6) topics", .taken(18)),
    ("The notice allows the full 7 hours under Rule 30(d)(1).", .rejected("future")),
    ("Kevin's 1.5 on the lien search was his.", .rejected("not-own-work")),
    ("Today's 1.5 on the brief was mine.", .taken(90)),
    ("Podemos hablar hoy a las 3:00 p.m.; la llamada tomaría unos 30 minutos.", .rejected("future")),
    // A fourth held-out mailbox (a Dutch management consultant)
    ("Zoals afgesproken het urenoverzicht van deze week.\n\ndi 11-3   Workshop planningsteam   1,5 uur", .rejected("billing-summary")),
    ("Just finished - 45 minutes on the call with Petra. Summary:", .taken(45)),
    ("Daar is zeker 20 uur nodig voor.", .rejected("future")),
    ("BrokerLink promises a response time of 4 hours for P1 incidents.", .rejected("deadline")),
    ("Vanochtend een half uurtje gebeld met Kees.", .taken(30)),
    ("Net een kwartiertje gebeld met Kees over de planning.", .taken(15)),
    ("Vandaag 1,5u workshop gegeven bij het planningsteam.", .taken(90)),
    ("Estimamos 6 a 8 horas de trabalho para o pedido de licença.", .rejected("future")),
    ("1h15 de travail sur la matrice RACI.", .taken(75)),
    ("Pour la semaine 13, je prévois environ 6 heures.", .rejected("future")),
    ("Our 3U server rack arrived.", .nothing),
    ("Vandaag van 9.30 tot 12.00 uur op locatie geweest voor de roosterpilot.", .taken(150)),
    ("Ik heb vandaag 2 uur besteed aan het contract; we bellen morgen om 12.00 uur.", .taken(120)),
    ("Wir treffen uns um 14.30 Uhr.", .nothing),
    ("I spent 1.50 hours on the review.", .taken(90)),
    // A fifth held-out mailbox (a freelance IT consultant)
    ("My rough estimate for the portal:\n- testing with two of your agents: half a day", .rejected("future")),
    ("It's PHP 5.6 on a shared host, no tests.", .nothing),
    ("I've raised the statement timeout to 1h for the dump role only.", .rejected("setting")),
    ("The reset token should expire sooner (recommend 30 minutes).", .rejected("future")),
    ("Quick one - 30 min this morning retesting the IDOR fix.", .taken(30)),
    ("The dry run went fine: restore took 12 minutes end to end.", .rejected("length")),
    ("Found it - 1h 20m on the VAT rounding bug in the portal.", .taken(80)),
    ("I flagged it in the note with suggested responses, all told about 2 hours 15 minutes on it today.", .taken(135)),
    ("1.2 hrs - draft response to RFP", .taken(72)),
    // Held-out mailboxes six and seven (a French designer, a US litigator)
    ("J'ai passé entre 1h et 1h30 sur les exports.", .taken(60)),
    ("Ich habe zwischen 1 und 2 Stunden an den Entwürfen gearbeitet.", .taken(60)),
    ("I spent 45 min - 1 h on the redlines.", .taken(45)),
    ("I spent 2h on the SPA and 1h30 on the disclosure letter.", .takenAll([120, 90])),
    ("We increased the timeout from 1h to 2h.", .rejected("setting")),
    ("Le trajet en train depuis Lyon prend 3h40, je serai chez vous vers 11h.", .rejected("length")),
    ("On the train I reviewed the SPA for 2 hours.", .taken(120)),
    ("Ich habe heute von 14:00 bis 17:30 am Konzept für den Messestand gearbeitet.", .taken(210)),
    ("Ich habe heute von 14 bis 17 Uhr am Konzept gearbeitet.", .taken(180)),
    ("Die Messe ist täglich von 9 bis 18 Uhr geöffnet.", .rejected("availability")),
    ("Voici l'ordre du jour de lundi :\n1. 15 min : planning des déclinaisons\n2. 5 min : divers", .rejected("scheduling")),
    ("Time today:\n- 15 min: call with Bob\n- 30 min: review of the lease", .takenAll([15, 30])),
    ("(.2) t/c w/ OC re: depo dates - she will agree to May 13.", .taken(12)),
    ("Spoke with Luis this morning, billing 0.3 for the call.", .taken(18)),
    ("Billed another .6 this morning on the answer to the counterclaim.", .taken(36)),
    ("Timing: the TRO hearing is set for 2 hours on Tuesday.", .rejected("future")),
    ("Our standing Monday check-in stays at 30 minutes as usual.", .rejected("rate")),
    // Held-out mailbox eight (a tax adviser in Lisbon and Madrid, Portuguese and Spanish)
    ("Gastei 3h a incorporar os comentários do Dr. Reis.", .taken(180)),
    ("Ontem dediquei hora e meia à submissão do pedido.", .taken(90)),
    ("Trabalhei 4 horas no relatório.", .taken(240)),
    ("O Rui passou 3 horas nos anexos.", .rejected("not-own-work")),
    ("Dediquei 1h30 à revisão e o Rui passou 3 horas nos anexos.", .takenAll([90])),
    ("Enviei-lhe há 2 horas o memorando final.", .rejected("relative")),
    ("Sugiro que vejam antes o vídeo sobre o regime (tem 18 minutos) para a reunião.", .rejected("length")),
    ("- 0,8 revisão do modelo 22", .taken(48)),
    ("Horas já faturadas (fevereiro):\n- 1,5 reunião inicial\n- 6,0 análise das faturas", .rejected("billing-summary")),
    // Held-out mailboxes nine and ten (a Swiss engineer in Italian and German, a London solicitor)
    ("Ci ho messo un'ora e mezza a rileggere la relazione.", .taken(90)),
    ("Ho impiegato 40 minuti per confrontarli.", .taken(40)),
    ("Il sopralluogo alla passerella dalle 8:30 alle 11:00 è andato bene.", .taken(150)),
    ("Preventivo: 24 ore di lavoro.", .rejected("future")),
    ("- 1,2 h Nachweis Decke", .taken(72)),
    ("Circa 45 minuti di telefonata con il signor Bianchi.", .taken(45)),
    ("Der Zug nach Zürich braucht gut 2 Stunden.", .rejected("length")),
    ("Ho lavorato 2 ore e un quarto alla presentazione.", .taken(135)),
    ("Ich habe 2 h 15 für die Kontrolle der Anschlüsse gebraucht.", .taken(135)),
    ("Ich habe heute Morgen ca. 1-1,5 Std. für die Überprüfung der Auflagen gebraucht.", .taken(60)),
    ("Die FE-Berechnung läuft 40 Minuten.", .rejected("length")),
    ("Dovrebbe richiedere 3 ore.", .rejected("future")),
    ("Wir sollten ca. 1,5 Stunden einplanen.", .rejected("future")),
    ("On the phone to HM Land Registry from 10 to 11.30 chasing the requisition.", .taken(90)),
    ("The ratio went from 1.25 to 2.50 this year.", .nothing),
    ("The lease provides for a 24-hour rent deposit.", .rejected("length")),
    ("Let's keep our 30-minute call on Thursday.", .rejected("future")),
    ("It takes 3 hours per device to image.", .rejected("rate")),
    // Held-out mailboxes eleven and twelve (a Paris avocate, an Austin IT consultant)
    ("J'ai passé trois quarts d'heure au greffe.", .taken(45)),
    ("Notre stagiaire a consacré 3 heures aux recherches.", .rejected("not-own-work")),
    ("Had about 90 mins w/ Tom and his integration team.", .taken(90)),
    ("I knocked out the RACI for the core vendor selection in 45 min tonight.", .taken(45)),
    ("0.5h - data request list", .taken(30)),
    ("I blocked 2 hours on your calendar Friday 9-11.", .rejected("future")),
    ("The backup window is 1-3 AM, so restores wait.", .rejected("scheduling")),
    ("Walked the floor with their plant manager from 1:30 to 3:15 pm.", .taken(105)),
    ("Happy to do a 30 minute walkthrough with the finance committee if useful.", .rejected("future")),
    // Held-out mailboxes thirteen and fourteen (a Mexico City lawyer, a Kraków developer)
    ("Le dediqué 2 horas a la revisión del contrato.", .taken(120)),
    ("El contrato prevé una jornada de 8 horas con 30 minutos de comida.", .rejected("length")),
    ("Calculo unas 6 horas para la segunda etapa.", .rejected("future")),
    ("Estimation for the pickup point feature: 8h, I will put it in the next sprint.", .rejected("future")),
    ("A 24 hours cache is not safe, so I implemented invalidation.", .rejected("length")),
    ("Our junior needed 2 days for the queue, and Kasia tested it 3 hours on 4 devices.", .rejected("not-own-work")),
    ("Kasia and I tested it 3 hours on 4 devices.", .taken(180)),
    // Hostile figures: found as nothing, never converted to a whole number of minutes
    ("The project will take 200000000000000000 hours.", .nothing),
    ("I spent 99999999999999999999 minutes on it.", .nothing),
    ("Call from 99999999999999999999:00 to 10:00.", .nothing),
    ("I spent 1:60 hours on it.", .rejected("implausible")),
    ("Déjà facturé :\n  Recherche ......... 2,0 h\n\nCette semaine, j'ai passé 1h15 sur les fichiers.", .takenAll([75])),
  ]

  @Test("there are at least 150 phrases")
  func count() {
    #expect(Self.cases.count >= 150)
  }

  @Test("phrase", arguments: cases)
  func phrase(_ sentence: String, _ expected: Expected) {
    let (found, candidates) = DurationExtractor.extract(from: sentence)
    switch expected {
    case .taken(let minutes):
      #expect(found.map(\.minutes) == [minutes], "candidates: \(candidates)")
    case .takenAll(let minutes):
      #expect(found.map(\.minutes) == minutes, "candidates: \(candidates)")
    case .rejected(let reason):
      #expect(found.isEmpty, "taken: \(found.map(\.phrase))")
      #expect(candidates.first?.reason == reason, "candidates: \(candidates)")
    case .nothing:
      #expect(candidates.isEmpty, "candidates: \(candidates)")
    }
  }

  @Test(
    "the task is the work, without the duration's own verb or separator",
    arguments: [
      ("Reviewing the lease took me about 2 hours.", "Reviewing the lease"),
      ("Finalising the execution version took 1.5 hours.", "Finalising the execution version"),
      ("Call with client - 0.5", "Call with client"),
      ("I spent 2.5 hours reviewing the SPA.", "reviewing the SPA"),
      ("Priya - reviewed all three witness statements. 2h30m.", "reviewed all three witness statements"),
    ])
  func task(_ sentence: String, _ task: String) {
    #expect(DurationExtractor.extract(from: sentence).found.map(\.task) == [task])
  }

  @Test("a message of thousands of durations is read up to a bound, with evidence of bounded length")
  func manyDurations() {
    let text = "I spent " + Array(repeating: "1 h", count: 5_000).joined(separator: " and ") + " on the SPA."
    let (found, candidates) = DurationExtractor.extract(from: text)
    #expect(candidates.count == DurationExtractor.mostCandidates)
    #expect(found.count == DurationExtractor.mostCandidates)
    #expect(found.allSatisfy { $0.minutes == 60 && $0.sentence.unicodeScalars.count <= DurationExtractor.longestEvidence + 1 })
  }

  /// PGP armour pasted as text: 2 MB in 64-character lines that never end a sentence. Joining
  /// them into one paragraph recounted the paragraph at every line (38 s for this message).
  @Test("a 2 MB paragraph that never ends a sentence is one logical line, read once")
  func armouredParagraph() {
    var generator = SystemRandomNumberGenerator()
    let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    var armour: [UInt8] = Array("-----BEGIN PGP MESSAGE-----\n\n".utf8)
    for _ in 0..<32_768 {
      armour += (0..<64).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] }
      armour.append(0x0A)
    }
    let lines = DurationExtractor.logicalLines(armour)
    #expect(lines.count == 2)
    #expect(lines.last?.count == 32_768 * 65 - 1)
    _ = DurationExtractor.extract(from: String(decoding: armour, as: UTF8.self))
  }
}
