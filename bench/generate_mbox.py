#!/usr/bin/env python3
"""Generate a deterministic, synthetic mbox corpus for the MIME parser benchmark.

The output is meant to look like an export of a legal/consulting practice's
mailbox: the workload billable is built for.  Two kinds exist:

  text         many short messages (about 6 KB on average): plain text,
               multipart/alternative, quoted-printable/base64/8bit bodies,
               legacy charsets, RFC 2047 headers, quoted reply threads.
  attachments  fewer, larger multipart/mixed messages carrying 1-3 base64
               attachments (mostly 20-32 KB, a 1 % tail of 100 KB - 2 MB).

Properties the benchmark relies on:

* Deterministic: everything comes from one random.Random(seed), so the same
  seed and Python version give byte-identical output.  The message stream does
  not depend on --size-mb, so a smaller corpus is a prefix of a larger one.
* Streaming: each message is written as soon as it is built; memory use is
  bounded (a few MB of word pools plus one message) whatever the size.
* Valid mbox for both mboxo and mboxrd readers: LF line endings, a
  "From <addr> <asctime>" separator before every message, an empty line after
  every message, and every body line matching ^>*From  quoted with one more '>'.
  A few generated sentences start with "From " on purpose so that quoting is
  exercised.

Sizes are in MiB (1 MB here = 1,048,576 bytes), as in the benchmark tables.
Python standard library only.
"""

import argparse
import base64
import binascii
import html
import random
import re
import sys
import textwrap
import time

MIB = 1024 * 1024

# --------------------------------------------------------------------------
# Vocabulary.  Everything below is invented; the point is realistic byte
# patterns (sentence lengths, punctuation, accents, multi-byte scripts), not
# meaning.
# --------------------------------------------------------------------------

EN_FIRST = ["James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael",
            "Linda", "David", "Elizabeth", "William", "Barbara", "Richard", "Susan",
            "Joseph", "Jessica", "Thomas", "Sarah", "Charles", "Karen", "Daniel",
            "Nancy", "Matthew", "Lisa", "Anthony", "Margaret", "Mark", "Sandra",
            "Steven", "Ashley", "Andrew", "Emily", "Kevin", "Michelle", "Brian",
            "Amanda", "Rachel", "Owen", "Priya", "Hannah", "Ethan", "Grace"]
EN_LAST = ["Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis",
           "Wilson", "Anderson", "Taylor", "Thomas", "Moore", "Martin", "Jackson",
           "Thompson", "White", "Harris", "Clark", "Lewis", "Robinson", "Walker",
           "Young", "Allen", "King", "Wright", "Scott", "Hill", "Green", "Adams",
           "Baker", "Nelson", "Carter", "Mitchell", "Roberts", "O'Brien", "Patel",
           "Chen", "Fitzgerald", "Hughes", "Kowalski"]
# (native first, native last, ascii first, ascii last) - the ASCII forms build
# the e-mail address, as real mail systems do.
DE_NAMES = [("Jürgen", "Müller", "juergen", "mueller"), ("Sören", "Schäfer", "soeren", "schaefer"),
            ("Andrea", "Weiß", "andrea", "weiss"), ("Björn", "Köhler", "bjoern", "koehler"),
            ("Katrin", "Bergmann", "katrin", "bergmann"), ("Jörg", "Hoffmann", "joerg", "hoffmann"),
            ("Ursula", "Krüger", "ursula", "krueger"), ("Stefan", "Groß", "stefan", "gross"),
            ("Mareike", "Vogt", "mareike", "vogt"), ("Tobias", "Lübke", "tobias", "luebke"),
            ("Anja", "Schröder", "anja", "schroeder"), ("Matthias", "Kessler", "matthias", "kessler")]
FR_NAMES = [("François", "Lefèvre", "francois", "lefevre"), ("Hélène", "Dubois", "helene", "dubois"),
            ("Jérôme", "Moreau", "jerome", "moreau"), ("Céline", "Rousseau", "celine", "rousseau"),
            ("Amélie", "Girard", "amelie", "girard"), ("Benoît", "Fournier", "benoit", "fournier"),
            ("Noël", "Garnier", "noel", "garnier"), ("Estelle", "Bonnard", "estelle", "bonnard"),
            ("Loïc", "Mercier", "loic", "mercier"), ("Agnès", "Faure", "agnes", "faure")]
RU_NAMES = [("Алексей", "Смирнов", "aleksey", "smirnov"), ("Ольга", "Иванова", "olga", "ivanova"),
            ("Дмитрий", "Соколов", "dmitry", "sokolov"), ("Наталья", "Кузнецова", "natalia", "kuznetsova"),
            ("Сергей", "Попов", "sergey", "popov"), ("Екатерина", "Волкова", "ekaterina", "volkova"),
            ("Андрей", "Лебедев", "andrey", "lebedev"), ("Татьяна", "Морозова", "tatiana", "morozova"),
            ("Пётр", "Фёдоров", "petr", "fedorov"), ("Юлия", "Новикова", "yulia", "novikova")]
# Japanese names are written family name first.
JA_NAMES = [("太郎", "田中", "taro", "tanaka"), ("花子", "鈴木", "hanako", "suzuki"),
            ("健一", "佐藤", "kenichi", "sato"), ("美咲", "高橋", "misaki", "takahashi"),
            ("大輔", "伊藤", "daisuke", "ito"), ("裕子", "渡辺", "yuko", "watanabe"),
            ("誠", "山本", "makoto", "yamamoto"), ("恵", "中村", "megumi", "nakamura"),
            ("翔", "小林", "sho", "kobayashi"), ("直樹", "加藤", "naoki", "kato")]

# (organisation, domain) per language.  Organisations appear in signatures, so
# they must be encodable in the charsets used for that language.
ORGS = {
    "en": [("Harlow & Finch LLP", "harlowfinch.com"), ("Pemberton Advisory Group", "pembertonadvisory.com"),
           ("Calloway Strand Partners", "callowaystrand.com"), ("Northgate Capital Partners", "northgatecap.com"),
           ("Meridian Logistics Inc.", "meridian-logistics.com"), ("Ashcombe Whitley LLP", "ashcombe.co.uk"),
           ("Brightline Consulting", "brightline-consulting.com"), ("Quarry Hill Holdings", "quarryhill.com"),
           ("Vantage Bio Therapeutics", "vantagebio.com"), ("Redfern Legal", "redfernlegal.com.au")],
    "de": [("Bergmann Schäfer Rechtsanwälte PartG mbB", "bergmann-schaefer.de"),
           ("Kessler & Voigt Unternehmensberatung GmbH", "kessler-voigt.de"),
           ("Lindqvist Maschinenbau AG", "lindqvist-ag.de"), ("Hanseatische Treuhand GmbH", "hanseatische-treuhand.de")],
    "fr": [("Lefèvre Moreau Avocats", "lefevre-moreau.fr"), ("Cabinet Rousseau & Associés", "rousseau-associes.fr"),
           ("Girard Conseil SAS", "girard-conseil.fr"), ("Société Générale d'Ingénierie", "sgi-ingenierie.fr")],
    "ru": [("Юридическая фирма Соколов и партнёры", "sokolov-law.ru"), ("ООО Волга Инвест", "volga-invest.ru"),
           ("АО Северная логистика", "sevlog.ru"), ("Консалтинговая группа Меридиан", "meridian-consult.ru")],
    "ja": [("田中・鈴木法律事務所", "tanaka-suzuki-law.jp"), ("株式会社山本製作所", "yamamoto-ss.co.jp"),
           ("東京コンサルティング株式会社", "tokyo-consulting.co.jp"), ("中村総合法律事務所", "nakamura-law.jp")],
}
TITLES = {
    "en": ["Partner", "Senior Associate", "Associate", "Paralegal", "Of Counsel", "General Counsel",
           "Managing Director", "Engagement Manager", "Principal", "Legal Operations Manager"],
    "de": ["Rechtsanwalt", "Rechtsanwältin | Partnerin", "Senior Associate", "Steuerberater", "Geschäftsführer"],
    "fr": ["Avocat associé", "Avocate collaboratrice", "Juriste senior", "Directeur juridique"],
    "ru": ["Старший юрист", "Партнёр", "Юрист", "Руководитель практики"],
    "ja": ["弁護士", "パートナー弁護士", "アソシエイト", "法務部長"],
}
PHONES = {"en": ["+1 212 555 0{:03d}", "+1 (415) 555-0{:03d}", "+44 20 7946 0{:03d}", "+61 2 5550 1{:03d}"],
          "de": ["+49 69 2400 1{:03d}", "+49 89 5511 2{:03d}"], "fr": ["+33 1 44 55 6{:03d}"],
          "ru": ["+7 495 123-4{:03d}"], "ja": ["03-5555-1{:03d}", "+81 6 6555 2{:03d}"]}

DOCS = ["share purchase agreement", "engagement letter", "statement of work", "non-disclosure agreement",
        "term sheet", "board resolution", "disclosure schedule", "data processing addendum",
        "master services agreement", "settlement proposal", "witness statement", "expert report",
        "privilege log", "discovery responses", "escrow agreement", "transition services agreement",
        "lease amendment", "IP assignment", "employment agreement", "shareholders' agreement",
        "due diligence report", "draft opinion letter", "regulatory filing", "board deck",
        "pre-bill", "invoice", "matter budget", "closing checklist", "side letter", "credit agreement"]
TOPICS = ["indemnification", "limitation of liability", "change of control", "earn-out mechanics",
          "working capital adjustment", "non-compete scope", "GDPR transfer mechanism", "governing law",
          "termination for convenience", "warranty survival period", "MAC clause", "exclusivity",
          "fee cap", "conflict check", "litigation hold", "tax gross-up", "retention bonuses"]
ACTIVITIES = ["Review of {doc}", "Revise {doc} per client comments", "Call with client re {topic}",
              "Draft {doc}", "Research re {topic}", "Conference with opposing counsel re {topic}",
              "Mark up {doc}", "Prepare issues list for {doc}", "Email correspondence re {topic}",
              "Finalize {doc} for signature", "Internal strategy meeting re {topic}"]
SECTIONS = ["Section 4.2", "Section 7.1(b)", "clause 12", "Schedule 3", "Article 9", "paragraph 14",
            "Exhibit B", "Section 2.3(c)", "clause 18.4", "Annex II"]
DAYS_TXT = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "tomorrow", "next week", "this afternoon"]
PARTIES = ["client", "buyer", "seller", "lender", "counterparty", "board", "CFO", "landlord", "regulator"]
MATTERS = ["Project Falcon", "Project Aurora", "the Meridian acquisition", "the Quarry Hill dispute",
           "Project Borealis", "the Vantage licensing deal", "the Redfern arbitration", "Project Kestrel"]

# English sentence templates.  The ones starting with "From " deliberately
# produce body lines that mbox writers must quote as ">From ".
EN_SENTENCES = [
    "Please find attached the revised {doc} reflecting our comments from {day}.",
    "I spent {hours} hours on review of the {doc} and flagged several issues in {section}.",
    "Could you confirm whether the {party} has signed off on the {doc}?",
    "We should discuss the {topic} point on our call {day}.",
    "From our perspective, the {doc} is acceptable subject to the changes in {section}.",
    "From the {party}'s side, the remaining open item is the {topic} language.",
    "From what I understand, the {party} wants to revisit {section} before signing.",
    "Our fees for this phase are estimated at {amount}, excluding disbursements.",
    "The deadline for our response on {matter} is {date}.",
    "I have updated the {doc} and circulated it to the working group.",
    "Opposing counsel pushed back on the {topic} provisions again this morning.",
    "Let me know if you need anything further before the call.",
    "We billed {hours} hours to {matter} last week, mostly on the {doc}.",
    "Can you send me the latest version of the {doc} so I can run a comparison?",
    "The {party} has asked for a \"clean\" and a redlined version of the {doc}.",
    "Note that {section} still refers to the old definition of \"Effective Date\".",
    "I'd suggest we accept their drafting on {topic} but hold firm on {section}.",
    "Time spent today: {hours} hours on the {doc}, plus a short call with the {party}.",
    "Attached is the pre-bill for {matter}; please review the time entries before Friday.",
    "The partner review of the {doc} took {hours} hours, which is within the budget.",
    "We're still waiting on the {party} to return the signed {doc}.",
    "As discussed, we will cap the fees for {matter} at {amount}.",
    "I've reviewed the {party}'s comments and most of them are drafting points only.",
    "Please don't forward this email outside the deal team - it contains privileged advice.",
    "The conflict check for {matter} came back clear.",
    "We'll need the board minutes before we can finalize the {doc}.",
    "I spent {hours} hours on research into {topic} and summarized the findings below.",
    "Just a quick reminder that the {doc} must be filed by {date}.",
    "The {party} agreed to our position on {topic}, so {section} can be closed out.",
    "Can we move our call to {day}? Something came up on {matter}.",
    "I'm out of office {day} but reachable on my mobile.",
    "Thanks for the quick turnaround on the {doc}.",
    "We should flag the {topic} risk to the client in writing.",
    "The updated budget for {matter} assumes another {hours} hours of associate time.",
    "I'll send a marked-up copy of the {doc} by end of day.",
]
DE_SENTENCES = [
    "Anbei erhalten Sie den überarbeiteten Entwurf des Anteilskaufvertrags mit unseren Anmerkungen.",
    "Ich habe {hours} Stunden für die Prüfung der Due-Diligence-Unterlagen aufgewendet.",
    "Könnten Sie bitte bestätigen, ob die Geschäftsführung dem Entwurf zugestimmt hat?",
    "Die Frist für die Stellungnahme endet am {date}.",
    "Unser Honorar für diese Phase schätzen wir auf {amount} zzgl. Umsatzsteuer.",
    "Bezüglich der Haftungsbeschränkung in § {n} sehen wir noch Abstimmungsbedarf.",
    "Gerne können wir die offenen Punkte in einer Telefonkonferenz am {day_de} besprechen.",
    "Die Gegenseite hat ihre Kommentare zur Gewährleistungsregelung übermittelt.",
    "Bitte beachten Sie, dass die Unterlagen streng vertraulich zu behandeln sind.",
    "Von unserer Seite bestehen keine weiteren Anmerkungen zum Vertragsentwurf.",
    "Für die Überprüfung der Garantiekataloge haben wir weitere {hours} Stunden veranschlagt.",
    "Die Gesellschafterversammlung muss dem Verkauf noch zustimmen.",
    "Wir empfehlen, die Wettbewerbsverbotsklausel auf zwei Jahre zu begrenzen.",
    "Die Abrechnung für den Monat enthält {hours} Stunden für Besprechungen mit dem Mandanten.",
]
FR_SENTENCES = [
    "Veuillez trouver ci-joint la version révisée du protocole de cession intégrant nos commentaires.",
    "J'ai consacré {hours} heures à la revue du rapport d'audit juridique.",
    "Pourriez-vous nous confirmer que le client a validé le projet de pacte d'associés ?",
    "Le délai de dépôt des conclusions expire le {date}.",
    "Nos honoraires pour cette phase sont estimés à {amount} hors taxes.",
    "Nous restons à votre disposition pour en discuter lors de notre appel de {day_fr}.",
    "La clause de garantie d'actif et de passif appelle plusieurs observations de notre part.",
    "L'avocat de la partie adverse nous a transmis ses commentaires sur l'article {n}.",
    "Merci de bien vouloir traiter ces documents de manière strictement confidentielle.",
    "Nous avons facturé {hours} heures sur ce dossier au titre du mois écoulé.",
    "Le conseil d'administration doit encore approuver l'opération.",
    "Il conviendrait de préciser la durée de la clause de non-concurrence.",
]
RU_SENTENCES = [
    "Направляю вам исправленный проект договора купли-продажи акций с нашими комментариями.",
    "Я потратил {hours} часа на анализ отчёта о юридической проверке.",
    "Просим подтвердить, согласовал ли клиент условия соглашения о конфиденциальности.",
    "Срок подачи документов в арбитражный суд истекает {date}.",
    "Стоимость наших услуг на данном этапе составит {amount} без учёта НДС.",
    "Предлагаю обсудить позицию по заверениям об обстоятельствах на созвоне в {day_ru}.",
    "Во вложении протокол заседания совета директоров.",
    "Прошу учесть замечания контрагента к пункту {n} договора.",
    "Подготовили меморандум по налоговым рискам сделки.",
    "За прошлую неделю по проекту учтено {hours} часа работы юристов.",
    "Контрагент настаивает на ограничении ответственности суммой сделки.",
    "Документы необходимо подписать до конца месяца.",
]
JA_SENTENCES = [
    "株式譲渡契約書の修正案を添付いたしますので、ご確認ください。",
    "先日の打ち合わせでご指摘いただいた点について、第{n}条を修正しました。",
    "デューデリジェンス報告書のドラフトは{date}までにお送りする予定です。",
    "本件に関する費用の見積りは{amount}（税別）となります。",
    "契約書のレビューに{hours}時間を要しました。",
    "秘密保持契約の締結状況についてご教示いただけますでしょうか。",
    "取締役会議事録の案を作成しましたので、ご査収ください。",
    "相手方代理人からのコメントを反映した版を共有いたします。",
    "ご不明な点がございましたら、お気軽にお問い合わせください。",
    "表明保証条項の範囲について、クライアントと協議が必要です。",
    "今週の作業時間は合計{hours}時間です。",
    "競業避止義務の期間については、二年間とすることを提案いたします。",
]
SENTENCES = {"en": EN_SENTENCES, "de": DE_SENTENCES, "fr": FR_SENTENCES, "ru": RU_SENTENCES, "ja": JA_SENTENCES}

SUBJECTS = {
    "en": ["{matter} - revised {doc}", "{matter}: comments on {doc}", "Pre-bill for {matter}",
           "Call re {topic}", "{doc} - signature version", "Time entries w/e {date}", "Question on {section}",
           "{matter} - open issues list", "Urgent: {doc} deadline", "Invoice {inv} - {matter}",
           "FYI: opposing counsel's markup of the {doc}", "\"{matter}\" budget update"],
    "de": ["Entwurf Anteilskaufvertrag - Anmerkungen", "Honorarabrechnung {inv}", "Stellungnahme zur Gewährleistung",
           "Termin Telefonkonferenz {day_de}", "Due-Diligence-Bericht: offene Punkte", "Überarbeitete Fassung § {n}"],
    "fr": ["Projet de protocole de cession - commentaires", "Facture d'honoraires {inv}", "Pacte d'associés : dernière version",
           "Réunion de {day_fr} - ordre du jour", "Audit juridique : points ouverts", "Clause de non-concurrence (article {n})"],
    "ru": ["Проект договора купли-продажи акций", "Счёт на оплату {inv}", "Замечания к пункту {n}",
           "Созвон в {day_ru}", "Отчёт о юридической проверке", "Протокол совета директоров"],
    "ja": ["株式譲渡契約書のドラフトについて", "請求書送付のご案内（{inv}）", "第{n}条の修正について",
           "デューデリジェンス報告書", "打ち合わせ日程のご相談", "秘密保持契約の件"],
}
GREETINGS = {"en": ["Hi {first},", "Dear {first},", "Dear Mr. {last},", "Dear Ms. {last},", "{first} -", "Hello all,", "Team,"],
             "de": ["Sehr geehrte Frau {last},", "Sehr geehrter Herr {last},", "Hallo {first},", "Liebe Kolleginnen und Kollegen,"],
             "fr": ["Bonjour {first},", "Chère Madame {last},", "Cher Maître,", "Chers confrères,"],
             "ru": ["Добрый день, {first}!", "Уважаемые коллеги,", "{first}, добрый день."],
             "ja": ["{last}様", "{last}先生", "各位"]}
CLOSINGS = {"en": ["Best regards,", "Thanks,", "Kind regards,", "Best,", "Many thanks,", "Regards,"],
            "de": ["Mit freundlichen Grüßen", "Beste Grüße", "Viele Grüße"],
            "fr": ["Bien cordialement,", "Cordialement,", "Bien à vous,"],
            "ru": ["С уважением,", "Спасибо,"],
            "ja": ["よろしくお願いいたします。", "以上、よろしくお願い申し上げます。"]}
DISCLAIMERS = {
    "en": "CONFIDENTIALITY NOTICE: This e-mail message and any attachments are confidential and may be "
          "protected by the attorney-client privilege or the work product doctrine. If you are not the intended "
          "recipient, please notify the sender immediately by reply e-mail and delete this message and any "
          "attachments. Any unauthorized review, use, disclosure or distribution is prohibited.",
    "de": "Diese E-Mail enthält vertrauliche und/oder rechtlich geschützte Informationen. Wenn Sie nicht der "
          "richtige Adressat sind oder diese E-Mail irrtümlich erhalten haben, informieren Sie bitte sofort den "
          "Absender und vernichten Sie diese Mail. Das unerlaubte Kopieren sowie die unbefugte Weitergabe dieser "
          "Mail sind nicht gestattet.",
    "fr": "Ce message et toutes les pièces jointes sont confidentiels et établis à l'intention exclusive de ses "
          "destinataires. Toute utilisation ou diffusion non autorisée est interdite. Si vous avez reçu ce message "
          "par erreur, merci d'en avertir immédiatement l'expéditeur et de le détruire.",
    "ru": "Данное сообщение и все вложения являются конфиденциальными и предназначены исключительно для "
          "адресата. Если вы получили это сообщение по ошибке, пожалуйста, сообщите отправителю и удалите его.",
    "ja": "本メールは機密情報を含む場合があります。誤って受信された場合は、直ちに送信者にご連絡の上、本メールを削除してください。",
}
DAY_DE = ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag"]
DAY_FR = ["lundi", "mardi", "mercredi", "jeudi", "vendredi"]
DAY_RU = ["понедельник", "вторник", "среду", "четверг", "пятницу"]
REPLY_PREFIX = {"en": ["Re: ", "RE: ", "Re: ", "Fwd: "], "de": ["AW: ", "Re: ", "WG: "],
                "fr": ["RE: ", "Re: ", "TR: "], "ru": ["Re: ", "RE: "], "ja": ["Re: ", "RE: "]}
ATTRIBUTION = {"en": "On {date}, {name} <{addr}> wrote:", "de": "Am {date} schrieb {name} <{addr}>:",
               "fr": "Le {date}, {name} <{addr}> a écrit :", "ru": "{date}, {name} <{addr}> пишет:",
               "ja": "{date} {name} <{addr}>:"}

# Time zones as (offset in minutes, optional comment) per language.
ZONES = {"en": [(-300, "EST"), (-240, "EDT"), (-480, "PST"), (-420, "PDT"), (0, "GMT"), (60, "BST"), (600, "AEST"), (-360, None)],
         "de": [(60, "CET"), (120, "CEST"), (60, None)], "fr": [(60, "CET"), (120, None)],
         "ru": [(180, "MSK"), (180, None)], "ja": [(540, "JST"), (540, None)]}

DAY_NAMES = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
MONTH_NAMES = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
LONG_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
LONG_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
               "October", "November", "December"]


class Profile:
    """A thread's language + charset + the transfer encodings seen with it."""

    def __init__(self, name, lang, charset, codec, weight, ctes, smart):
        self.name, self.lang, self.charset, self.codec = name, lang, charset, codec
        self.weight, self.ctes, self.smart = weight, ctes, smart


# Weights are percentages of threads.  The CTE lists mirror what real clients
# produce for those charsets (Outlook: QP cp1252; Japanese: 7bit JIS or base64
# Shift_JIS; Russian: 8bit KOI8-R).
PROFILES = [
    Profile("en-ascii", "en", "us-ascii", "ascii", 30, ["7bit"], False),
    Profile("en-utf8", "en", "utf-8", "utf-8", 22, ["8bit", "quoted-printable", "quoted-printable", "base64"], True),
    Profile("en-cp1252", "en", "windows-1252", "cp1252", 10, ["quoted-printable"], True),
    Profile("de-latin1", "de", "iso-8859-1", "latin-1", 8, ["quoted-printable", "8bit"], False),
    Profile("fr-latin1", "fr", "iso-8859-1", "latin-1", 5, ["quoted-printable", "8bit"], False),
    Profile("de-utf8", "de", "utf-8", "utf-8", 4, ["quoted-printable", "8bit"], True),
    Profile("ru-koi8", "ru", "koi8-r", "koi8-r", 5, ["8bit", "base64"], False),
    Profile("ru-utf8", "ru", "utf-8", "utf-8", 3, ["base64", "8bit"], False),
    Profile("ja-jis", "ja", "iso-2022-jp", "iso-2022-jp", 5, ["7bit"], False),
    Profile("ja-sjis", "ja", "shift_jis", "shift_jis", 3, ["base64", "8bit"], False),
    Profile("ja-utf8", "ja", "utf-8", "utf-8", 2, ["base64"], False),
]

_SMART_QUOTES = re.compile(r'"([^"\n]*)"')
# mboxrd quoting: any line of the form >*From gets one more '>'.
_FROM_LINE = re.compile(rb"^(>*From )", re.M)
# Q encoding (RFC 2047 5(3)): only these stay literal, so the result is valid in
# a phrase (display name) as well as in unstructured text.
_Q_TABLE = [chr(b) if (chr(b).isascii() and chr(b).isalnum()) or chr(b) in "!*+-/" else "=%02X" % b
            for b in range(256)]
_Q_TABLE[0x20] = "_"
# Characters that force quoting of an ASCII display name (RFC 5322 specials).
_SPECIALS = set('()<>[]:;@\\,."')


def smarten(text):
    """Typographic quotes/dashes/euro, as Word/Outlook/Gmail produce them."""
    text = _SMART_QUOTES.sub("\u201c\\1\u201d", text)
    text = text.replace("'", "\u2019").replace(" - ", " \u2013 ")
    return text.replace("EUR ", "\u20ac").replace("GBP ", "\u00a3")


def qp_encode(data):
    """Quoted-printable body; '=46rom' keeps QP lines from ever needing mbox quoting."""
    out = binascii.b2a_qp(data, quotetabs=False, istext=True, header=False)
    out = out.replace(b"\nFrom ", b"\n=46rom ")
    if out.startswith(b"From "):
        out = b"=46rom " + out[5:]
    return out


class Generator:
    def __init__(self, seed, kind):
        self.rng = random.Random(seed)
        self.kind = kind
        self.clock = 1641200000  # 2022-01-03 09:33 UTC; advances per message
        self.serial = 0
        self.threads = []
        self.profile_weights = [p.weight for p in PROFILES]
        self._build_pools()
        if kind == "attachments":
            self._build_blob()

    # ---------------------------------------------------------------- pools
    def _fill(self, template, lang):
        """Fill a sentence/subject template; slots not used are ignored."""
        r = self.rng
        amount_n = r.randrange(15, 400) * 250
        if lang == "en":
            amount = r.choice(["${:,}", "GBP {:,}", "EUR {:,}"]).format(amount_n)
        elif lang in ("de", "fr"):
            amount = "{:,} EUR".format(amount_n).replace(",", ".")
        elif lang == "ru":
            amount = "{:,} руб.".format(amount_n * 80).replace(",", " ")
        else:
            amount = "{:,}円".format(amount_n * 150)
        return template.format(
            doc=r.choice(DOCS), topic=r.choice(TOPICS), section=r.choice(SECTIONS), day=r.choice(DAYS_TXT),
            party=r.choice(PARTIES), matter=r.choice(MATTERS), amount=amount, n=r.randrange(2, 30),
            hours="%.1f" % (r.randrange(1, 80) / 10), inv="%d-%05d" % (r.randrange(2022, 2025), r.randrange(100000)),
            date="%02d/%02d/%d" % (r.randrange(1, 29), r.randrange(1, 13), r.randrange(2022, 2026)),
            day_de=r.choice(DAY_DE), day_fr=r.choice(DAY_FR), day_ru=r.choice(DAY_RU))

    def _wrap(self, text, lang):
        if lang == "ja":
            # No spaces to break on: break every 36 characters like many JP clients.
            return "\n".join(text[i:i + 36] for i in range(0, len(text), 36))
        return textwrap.fill(text, 72, break_long_words=False, break_on_hyphens=False)

    def _build_pools(self):
        """Pre-build wrapped paragraphs so per-message work is just picking.

        Wrapping text per message would dominate generation time for a 1 GB
        corpus; a few thousand random paragraphs recombined per message keep
        the byte patterns varied at a fraction of the cost.
        """
        r = self.rng
        self.paragraphs = {}
        for lang, sentences in SENTENCES.items():
            count = 2500 if lang == "en" else 500
            sep = "" if lang == "ja" else " "
            pool = []
            for _ in range(count):
                n = r.choice((1, 2, 2, 3, 3, 4, 5))
                pool.append(self._wrap(sep.join(self._fill(r.choice(sentences), lang) for _ in range(n)), lang))
            self.paragraphs[lang] = pool
        self.smart_paragraphs = {lang: [smarten(p) for p in self.paragraphs[lang]] for lang in ("en", "de")}
        self.disclaimers = {lang: self._wrap(text, lang) for lang, text in DISCLAIMERS.items()}
        # Fail at start-up rather than emit '?' replacements if a word list ever
        # gains a character the profile's charset cannot represent.
        for p in PROFILES:
            pool = self._pool(p)
            text = "\n".join(pool[:200]) + self.disclaimers[p.lang] + "".join(o for o, _ in ORGS[p.lang])
            text += "".join(TITLES[p.lang]) + "".join(CLOSINGS[p.lang]) + "".join(GREETINGS[p.lang])
            text += "".join("".join(n[:2]) for n in self._native_names(p.lang))
            text.encode(p.codec)

    def _pool(self, profile):
        if profile.smart and profile.lang in self.smart_paragraphs:
            return self.smart_paragraphs[profile.lang]
        return self.paragraphs[profile.lang]

    @staticmethod
    def _native_names(lang):
        return {"de": DE_NAMES, "fr": FR_NAMES, "ru": RU_NAMES, "ja": JA_NAMES}.get(lang, [])

    def _build_blob(self):
        """Random bytes + their base64 lines, reused for all attachment payloads.

        Base64-encoding 700+ MB per GB of corpus in Python would take far too
        long, so attachments are a per-file random header plus a window (at a
        random 57-byte-aligned offset) into this pre-encoded 4 MiB block.  The
        parser under test still has to decode genuinely random base64.
        """
        self.blob_lines = 4 * MIB // 57 + 1
        raw = self.rng.randbytes(self.blob_lines * 57)
        self.blob_b64 = base64.encodebytes(raw)  # 76 chars + LF per 57 bytes
        assert len(self.blob_b64) == self.blob_lines * 77

    # --------------------------------------------------------------- people
    def _person(self, profile):
        """A correspondent: display name, address, org, title, zone, language."""
        r = self.rng
        native = self._native_names(profile.lang)
        # Threads in other languages still include English-speaking counsel;
        # plain-ASCII threads only get ASCII names so the body stays ASCII.
        if profile.charset == "us-ascii" or not native or r.random() < 0.3:
            first, last = r.choice(EN_FIRST), r.choice(EN_LAST)
            afirst, alast = first.lower(), last.lower().replace("'", "")
            lang = "en"
        else:
            first, last, afirst, alast = r.choice(native)
            lang = profile.lang
        if profile.lang == "en" and profile.smart and r.random() < 0.15:
            first, last, afirst, alast = r.choice(DE_NAMES + FR_NAMES)
        org, domain = r.choice(ORGS[lang if lang in ORGS else "en"])
        if lang == "ja":
            full = last + " " + first
        else:
            full = first + " " + last
        local = r.choice(("{f}.{l}", "{f0}{l}", "{f}", "{l}.{f}")).format(f=afirst, l=alast, f0=afirst[0])
        return {"first": first, "last": last, "full": full, "addr": local + "@" + domain, "org": org,
                "title": r.choice(TITLES[lang]), "zone": r.choice(ZONES[lang]), "lang": lang,
                "phone": r.choice(PHONES[lang]).format(r.randrange(1000)),
                "last_first": r.random() < 0.25}  # Outlook-style "Last, First"

    # ------------------------------------------------------- header helpers
    def _encoded_words(self, text, charset, codec):
        """RFC 2047 encoded words (B or Q), each at most 75 characters.

        Text is split on character boundaries (a multi-byte character must not
        straddle two words) into chunks as long as the 75-character limit allows.
        """
        r = self.rng
        method = "B" if r.random() < 0.55 else "Q"
        label = charset.upper() if r.random() < 0.4 else charset
        budget = 75 - 7 - len(label)  # room for the payload inside =?label?X?...?=
        if method == "B":
            def enc(s):
                return base64.b64encode(s.encode(codec)).decode("ascii")
        else:
            def enc(s):
                return "".join(_Q_TABLE[b] for b in s.encode(codec))
        words = []
        pos = 0
        while pos < len(text):
            n = len(text) - pos
            payload = enc(text[pos:pos + n])
            # Shrink proportionally until it fits; converges in a few steps and
            # avoids encoding character by character.
            while len(payload) > budget and n > 1:
                n = max(1, min(n - 1, n * budget // len(payload)))
                payload = enc(text[pos:pos + n])
            words.append("=?%s?%s?%s?=" % (label, method, payload))
            pos += n
        return words

    def _header_text(self, text, profile):
        """Unstructured header text, RFC 2047-encoded when it is not ASCII."""
        if text.isascii() and self.rng.random() < 0.97:
            return text.split(" ")  # separate tokens so long subjects can fold
        # Encode in the message charset, or in UTF-8 as many clients do.
        if profile.charset != "us-ascii" and self.rng.random() < 0.6:
            charset, codec = profile.charset, profile.codec
        else:
            charset, codec = "utf-8", "utf-8"
        return self._encoded_words(text, charset, codec)

    def _mailbox(self, person, profile):
        """One address as it appears in From/To/Cc."""
        r = self.rng
        if r.random() < 0.04:
            return [person["addr"]]  # bare address, no display name
        name = person["full"]
        if person["last_first"] and person["lang"] != "ja":
            name = person["last"] + ", " + person["first"]
        if name.isascii():
            if any(c in _SPECIALS for c in name):
                name = '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
            elif r.random() < 0.3:
                name = '"' + name + '"'
            return [name + " <" + person["addr"] + ">"]
        return self._header_text(name, profile) + ["<" + person["addr"] + ">"]

    @staticmethod
    def _fold(name, tokens):
        """Join header tokens, folding at whitespace to keep lines near 78 chars."""
        lines = [name + ":"]
        for tok in tokens:
            if len(lines[-1]) + 1 + len(tok) > 78 and len(lines[-1]) > len(name) + 1:
                lines.append(" " + tok)
            else:
                lines[-1] += " " + tok
        return "\n".join(lines)

    def _address_header(self, name, people, profile):
        tokens = []
        for i, p in enumerate(people):
            toks = self._mailbox(p, profile)
            if i < len(people) - 1:
                toks[-1] += ","
            tokens.extend(toks)
        return self._fold(name, tokens)

    @staticmethod
    def _rfc5322_date(t, zone, pad):
        off, comment = zone
        tm = time.gmtime(t + off * 60)
        z = "%s%02d%02d" % ("+" if off >= 0 else "-", abs(off) // 60, abs(off) % 60)
        day = ("%02d" if pad else "%d") % tm.tm_mday
        s = "%s, %s %s %d %02d:%02d:%02d %s" % (DAY_NAMES[tm.tm_wday], day, MONTH_NAMES[tm.tm_mon - 1],
                                               tm.tm_year, tm.tm_hour, tm.tm_min, tm.tm_sec, z)
        return s + " (" + comment + ")" if comment and pad else s

    @staticmethod
    def _human_date(t, zone):
        """Date as written in attributions/Outlook headers, e.g. Monday, January 1, 2024 9:15 AM."""
        tm = time.gmtime(t + zone[0] * 60)
        hour = tm.tm_hour % 12 or 12
        return "%s, %s %d, %d %d:%02d %s" % (LONG_DAYS[tm.tm_wday], LONG_MONTHS[tm.tm_mon - 1], tm.tm_mday,
                                            tm.tm_year, hour, tm.tm_min, "AM" if tm.tm_hour < 12 else "PM")

    def _message_id(self, person):
        r = self.rng
        style = r.randrange(3)
        if style == 0:  # Gmail
            tok = base64.b64encode(r.randbytes(30)).decode("ascii").replace("/", "_").rstrip("=")
            return "<CA+%s@mail.gmail.com>" % tok
        if style == 1:  # Exchange Online
            box = "%s%dPR%02dMB%04d" % (r.choice(("BN", "DM", "SN", "AM", "VI")), r.randrange(1, 9),
                                       r.randrange(1, 20), r.randrange(10000))
            return "<%s%016X@%s.%s.prod.outlook.com>" % (box, r.getrandbits(64), box,
                                                         r.choice(("namprd11", "eurprd04", "apcprd06")))
        return "<%d.%x.%d@%s>" % (self.clock, r.getrandbits(48), self.serial, person["addr"].split("@")[1])

    def _received(self, sender, rcpt, t):
        r = self.rng
        ip = "%d.%d.%d.%d" % (r.choice((40, 52, 104, 185, 209)), r.randrange(256), r.randrange(256), r.randrange(1, 255))
        sdom, rdom = sender["addr"].split("@")[1], rcpt["addr"].split("@")[1]
        hops = []
        hops.append("Received: from mail.%s (mail.%s [%s])\n\tby mx1.%s (Postfix) with ESMTPS id %X\n\tfor <%s>; %s"
                    % (sdom, sdom, ip, rdom, r.getrandbits(40), rcpt["addr"],
                       self._rfc5322_date(t + r.randrange(2, 30), (0, None), True)))
        if r.random() < 0.6:
            hops.append("Received: from localhost (localhost [127.0.0.1])\n\tby mx1.%s (Postfix) with ESMTP id %X;\n\t%s"
                        % (rdom, r.getrandbits(40), self._rfc5322_date(t + r.randrange(30, 60), (0, None), True)))
        hops.reverse()  # newest hop first, as MTAs prepend
        return hops

    # ----------------------------------------------------------- body parts
    def _signature(self, person, profile):
        lines = [person["full"], person["title"] + " | " + person["org"], "T " + person["phone"]]
        sig = "-- \n" + "\n".join(lines)
        if self.rng.random() < 0.35:
            sig += "\n\n" + self.disclaimers[profile.lang]
        return sig

    def _time_entries(self, person, lang):
        r = self.rng
        lines = ["Time entries (%s):" % r.choice(MATTERS) if lang == "en" else "Time entries:"]
        initials = "".join(w[0] for w in person["full"].split())[:3]
        for _ in range(r.randrange(2, 7)):
            act = r.choice(ACTIVITIES).format(doc=r.choice(DOCS), topic=r.choice(TOPICS))
            lines.append("  %02d/%02d/%d  %-3s  %4.1f  %s" % (r.randrange(1, 29), r.randrange(1, 13), 2023 + r.randrange(2),
                                                           initials, r.randrange(1, 60) / 10, act))
        return "\n".join(lines)

    def _compose(self, thread, sender, recipient, n_paras):
        """Build the reply as blocks: ('p', text) prose, ('pre', text) verbatim, ('quote'|'outlook', text)."""
        r = self.rng
        profile = thread["profile"]
        lang = profile.lang
        pool = self._pool(profile)
        blocks = [("pre", r.choice(GREETINGS[lang]).format(first=recipient["first"], last=recipient["last"]))]
        for _ in range(n_paras):
            blocks.append(("p", r.choice(pool)))
        if r.random() < 0.12:
            blocks.append(("pre", self._time_entries(sender, lang)))
        blocks.append(("pre", r.choice(CLOSINGS[lang]) + "\n" + sender["first"]))
        if r.random() < 0.8:
            blocks.append(("pre", self._signature(sender, profile)))
        return blocks

    @staticmethod
    def _quote_lines(text, cap, prefix):
        """Quote the previous message, keeping at most `cap` lines.

        prefix is "> " (most clients) or ">" (some older ones); the latter turns
        a quoted "From " line into ">From ", which mboxrd must escape as ">>From ".
        """
        out = []
        for line in text.split("\n")[:cap]:
            if not line:
                out.append(">")
            elif line[0] == ">":
                out.append(">" + line)
            else:
                out.append(prefix + line)
        return "\n".join(out)

    def _render_plain(self, blocks):
        return "\n\n".join(text for _, text in blocks) + "\n"

    def _render_html(self, blocks, charset):
        """HTML alternative of the same blocks, in the style of webmail output."""
        out = ['<html><head><meta http-equiv="Content-Type" content="text/html; charset=%s"></head>\n<body>' % charset]
        esc = html.escape
        for kind, text in blocks:
            if kind == "p":
                out.append("<p>" + esc(text, quote=False) + "</p>")
            elif kind == "quote":
                # Quoted text arrives already '>'-prefixed; show it as a cite block instead.
                inner = "\n".join(line.lstrip("> ") for line in text.split("\n"))
                out.append('<blockquote type="cite" style="margin:0 0 0 .8ex;border-left:1px #ccc solid;'
                           'padding-left:1ex">' + esc(inner, quote=False).replace("\n", "<br>\n") + "</blockquote>")
            else:
                out.append('<div style="font-family:Calibri,sans-serif">' + esc(text, quote=False).replace("\n", "<br>\n") + "</div>")
        out.append("</body></html>\n")
        return "\n".join(out)

    def _text_part(self, subtype, text, profile, cte):
        """Encode a text/* part: returns (content headers, body bytes)."""
        r = self.rng
        data = text.encode(profile.codec, "replace")  # pools are pre-checked: no replacement happens
        if cte == "quoted-printable":
            body = qp_encode(data)
        elif cte == "base64":
            body = base64.encodebytes(data)
        else:
            body = data
        if profile.charset == "us-ascii" and subtype == "plain" and r.random() < 0.3:
            ctype = "Content-Type: text/plain; charset=us-ascii; format=flowed"
        else:
            cs = profile.charset.upper() if r.random() < 0.4 else profile.charset
            ctype = 'Content-Type: text/%s; charset="%s"' % (subtype, cs) if r.random() < 0.6 \
                else "Content-Type: text/%s; charset=%s" % (subtype, cs)
        return ctype + "\nContent-Transfer-Encoding: " + cte, body

    def _boundary(self):
        r = self.rng
        style = r.randrange(3)
        if style == 0:
            return "%028x" % r.getrandbits(112)  # Gmail
        if style == 1:
            return "_000_%s_" % ("%040X" % r.getrandbits(160))  # Outlook
        return "----=_Part_%d_%d.%d" % (r.randrange(10 ** 6), r.randrange(10 ** 9), self.clock * 1000 + r.randrange(1000))

    def _multipart(self, subtype, parts, preamble=True):
        """parts: list of (headers str, body bytes) -> (headers str, body bytes)."""
        b = self._boundary()
        chunks = [b"This is a multi-part message in MIME format.\n\n" if preamble and self.rng.random() < 0.5 else b""]
        for hdrs, body in parts:
            chunks.append(("--%s\n%s\n\n" % (b, hdrs)).encode("ascii"))
            chunks.append(body if body.endswith(b"\n") else body + b"\n")
            chunks.append(b"\n")
        chunks.append(("--%s--\n" % b).encode("ascii"))
        return 'Content-Type: multipart/%s;\n\tboundary="%s"' % (subtype, b), b"".join(chunks)

    def _text_body(self, blocks, profile, html_only_ok):
        """plain, plain+html alternative, or (rarely) html only."""
        r = self.rng
        cte = r.choice(profile.ctes)
        x = r.random()
        if x < (0.07 if html_only_ok else 0.0):
            return self._text_part("html", self._render_html(blocks, profile.charset), profile, cte)
        plain = self._text_part("plain", self._render_plain(blocks), profile, cte)
        if x < 0.52:
            return plain
        # HTML parts are usually QP even when the plain part is 8bit.
        hcte = "quoted-printable" if cte in ("8bit", "quoted-printable") and r.random() < 0.7 else cte
        htmlp = self._text_part("html", self._render_html(blocks, profile.charset), profile, hcte)
        return self._multipart("alternative", [plain, htmlp])

    # -------------------------------------------------------- attachments
    _ATTACH_TYPES = [
        ("application/pdf", "pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n",
         b"\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"),
        ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx",
         b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00[Content_Types].xml", b"PK\x05\x06\x00\x00\x00\x00"),
        ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx",
         b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00xl/workbook.xml", b"PK\x05\x06\x00\x00\x00\x00"),
        ("image/png", "png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x04\x00\x00\x00\x03\x00\x08\x06\x00\x00\x00",
         b"\x00\x00\x00\x00IEND\xaeB`\x82"),
        ("image/jpeg", "jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x01\x00H\x00H\x00\x00", b"\xff\xd9"),
    ]
    _FILE_STEMS = ["Engagement Letter", "SPA_markup", "Disclosure Schedule v{n}", "Invoice {inv}", "Board minutes",
                   "DD report (draft)", "Time entries {inv}", "scan_{n}", "Term sheet - clean", "Redline v{n} vs v{m}"]
    _FILE_STEMS_INTL = ["Änderungsvertrag_Entwurf", "Gesellschaftervereinbarung – Fassung {n}", "Protocole de cession révisé",
                        "Отчёт о проверке", "株式譲渡契約書（案）", "Résumé des honoraires"]

    def _attachment_size(self):
        # Mostly small office documents with a thin heavy tail, sized so that
        # 100 MB holds roughly 1,700 messages while still exercising 100 KB - 2 MB
        # attachments.  Log-uniform within each band.
        r = self.rng
        if r.random() < 0.01:
            lo, hi = 100 * 1024, 2 * MIB
        else:
            lo, hi = 20 * 1024, 32 * 1024
        return int(lo * (hi / lo) ** r.random())

    def _attachment(self):
        r = self.rng
        ctype, ext, head, tail = r.choice(self._ATTACH_TYPES)
        size = self._attachment_size()
        # Unique per-file prefix so no two attachments decode identically.
        head = head + r.randbytes(57 * 8 - len(head) % 57)  # pad to a 57-byte multiple
        head_b64 = base64.encodebytes(head)
        nlines = max(0, (size - len(head) - len(tail)) // 57)
        start = r.randrange(self.blob_lines)
        end = start + nlines
        if end <= self.blob_lines:
            middle = self.blob_b64[start * 77:end * 77]
        else:  # wrap around the block
            middle = self.blob_b64[start * 77:] + self.blob_b64[:(end - self.blob_lines) * 77]
        body = head_b64 + middle + base64.encodebytes(tail)
        decoded = len(head) + nlines * 57 + len(tail)
        if r.random() < 0.25:
            stem = r.choice(self._FILE_STEMS_INTL)
        else:
            stem = r.choice(self._FILE_STEMS)
        fname = stem.format(n=r.randrange(1, 9), m=r.randrange(9, 15), inv=r.randrange(10000, 99999)) + "." + ext
        if fname.isascii():
            disp = 'filename="%s"' % fname
            name = 'name="%s"' % fname
        elif r.random() < 0.9:
            # RFC 2231 (Thunderbird, Apple Mail).  Percent-escape per character
            # so continuations never split a UTF-8 sequence, as real clients do.
            toks = [ch if ch.isascii() and (ch.isalnum() or ch in "._-")
                    else "".join("%%%02X" % b for b in ch.encode("utf-8")) for ch in fname]
            pct = "".join(toks)
            if len(pct) <= 60:
                disp = "filename*=utf-8''" + pct
                name = "name*=utf-8''" + pct
            else:
                # Long names use continuations (filename*0*=, filename*1*=, ...).
                pieces, cur = [], ""
                for tok in toks:
                    if cur and len(cur) + len(tok) > 48:
                        pieces.append(cur)
                        cur = ""
                    cur += tok
                pieces.append(cur)
                disp = ";\n\t".join("filename*%d*=%s%s" % (i, "utf-8''" if i == 0 else "", piece)
                                     for i, piece in enumerate(pieces))
                name = 'name="%s"' % "".join(ch if ch.isascii() else "_" for ch in fname)
        else:
            # RFC 2047 inside quotes: not standard (Python flags it as a defect),
            # but Outlook and Gmail send it, so parsers must cope; kept rare.
            words = " ".join(self._encoded_words(fname, "utf-8", "utf-8"))
            disp = 'filename="%s"' % words
            name = 'name="%s"' % words
        hdrs = "Content-Type: %s;\n\t%s\nContent-Disposition: attachment;\n\t%s; size=%d\nContent-Transfer-Encoding: base64" \
               % (ctype, name, disp, decoded)
        return hdrs, body

    def _forwarded_message(self, profile):
        """A small message/rfc822 attachment (a forwarded .eml)."""
        a, b = self._person(profile), self._person(profile)
        blocks = [("p", self.rng.choice(self._pool(profile)))]
        hdrs, body = self._text_part("plain", self._render_plain(blocks), profile, self.rng.choice(profile.ctes))
        inner = ("From: %s\nTo: %s\nSubject: %s\nDate: %s\nMessage-ID: %s\nMIME-Version: 1.0\n%s\n\n"
                 % (" ".join(self._mailbox(a, profile)), " ".join(self._mailbox(b, profile)),
                    " ".join(self._header_text(self._fill(self.rng.choice(SUBJECTS[profile.lang]), profile.lang), profile)),
                    self._rfc5322_date(self.clock - 86400, a["zone"], True), self._message_id(a), hdrs))
        return ("Content-Type: message/rfc822\nContent-Disposition: attachment;\n\tfilename=\"forwarded.eml\"",
                inner.encode("ascii") + body)

    # -------------------------------------------------------------- threads
    def _new_thread(self):
        r = self.rng
        profile = r.choices(PROFILES, self.profile_weights)[0]
        people = [self._person(profile) for _ in range(r.choice((2, 2, 2, 3, 3, 4, 5)))]
        subject = self._fill(r.choice(SUBJECTS[profile.lang]), profile.lang)
        if profile.smart:
            subject = smarten(subject)
        # Geometric-ish thread length: most threads are 1-3 messages.
        length = min(1 + int(r.expovariate(0.35)), 12)
        return {"profile": profile, "people": people, "subject": subject, "length": length, "sent": 0,
                "ids": [], "last_plain": None, "last_sender": None, "last_time": 0, "last_to": None,
                "outlook": r.random() < 0.4, "quote_prefix": "> " if r.random() < 0.85 else ">"}

    def _pick_thread(self):
        r = self.rng
        if not self.threads or (len(self.threads) < 40 and r.random() < 0.4):
            self.threads.append(self._new_thread())
        i = r.randrange(len(self.threads))
        thread = self.threads[i]
        if thread["sent"] + 1 >= thread["length"]:
            self.threads.pop(i)  # this is its last message
        return thread

    def next_message(self):
        """Return the bytes of one mbox entry, separator line included."""
        r = self.rng
        self.serial += 1
        self.clock += r.randrange(60, 2400)
        thread = self._pick_thread()
        profile = thread["profile"]
        people = thread["people"]
        if thread["last_sender"] is None:
            sender = people[0]
        else:
            # Usually the previous recipient answers the previous sender.
            sender = thread["last_to"] if r.random() < 0.8 else r.choice([p for p in people if p is not thread["last_sender"]])
        others = [p for p in people if p is not sender]
        to = [thread["last_sender"]] if thread["last_sender"] in others else others[:1]
        cc = [p for p in others if p not in to]
        recipient = to[0]
        t = self.clock

        text_kind = self.kind == "text"
        blocks = self._compose(thread, sender, recipient, r.choice((2, 3, 3, 4, 4, 5, 6)) if text_kind else r.choice((1, 1, 2)))
        if self.kind == "attachments":
            blocks.insert(1, ("p", "Please find attached the documents referred to below."))
        if thread["last_plain"] is not None:
            prev = thread["last_sender"]
            cap = 80 if text_kind else 15
            if thread["outlook"]:
                hdr = "-----Original Message-----\nFrom: %s <%s>\nSent: %s\nTo: %s\nSubject: %s" % (
                    prev["full"], prev["addr"], self._human_date(thread["last_time"], prev["zone"]),
                    "; ".join(p["full"] for p in [sender] + cc[:2]), thread["subject"])
                body = "\n".join(thread["last_plain"].split("\n")[:cap])
                blocks.append(("outlook", hdr + "\n\n" + body))
            else:
                attr = ATTRIBUTION[profile.lang].format(date=self._human_date(thread["last_time"], prev["zone"]),
                                                        name=prev["full"], addr=prev["addr"])
                blocks.append(("pre", attr))
                blocks.append(("quote", self._quote_lines(thread["last_plain"], cap, thread["quote_prefix"])))

        if text_kind:
            content_hdrs, body = self._text_body(blocks, profile, html_only_ok=True)
        else:
            parts = [self._text_body(blocks, profile, html_only_ok=False)]
            for _ in range(r.choices((1, 2, 3), (72, 23, 5))[0]):
                parts.append(self._attachment())
            if r.random() < 0.03:
                parts.append(self._forwarded_message(profile))
            content_hdrs, body = self._multipart("mixed", parts)

        # ---- headers, in the order a receiving MTA would leave them
        msgid = self._message_id(sender)
        subject = thread["subject"]
        if thread["sent"]:
            subject = r.choice(REPLY_PREFIX[profile.lang]) + subject
        h = ["Return-Path: <%s>" % sender["addr"]]
        h.extend(self._received(sender, recipient, t))
        h.append(self._address_header("From", [sender], profile))
        h.append(self._address_header("To", to, profile))
        if cc:
            h.append(self._address_header("Cc", cc, profile))
        elif r.random() < 0.01:
            h.append("Cc: undisclosed-recipients:;")
        subj_tokens = self._header_text(subject, profile)
        if not subject.isascii() and subj_tokens[0].startswith("=?") and r.random() < 0.5:
            # Common real-world form: ASCII reply prefix left outside the encoded words.
            prefix = subject[:4] if subject[:4] in ("Re: ", "RE: ", "AW: ", "WG: ", "TR: ") else ""
            if prefix:
                subj_tokens = [prefix.strip()] + self._header_text(subject[4:], profile)
        h.append(self._fold("Subject", subj_tokens))
        h.append("Date: " + self._rfc5322_date(t, sender["zone"], r.random() < 0.7))
        h.append("Message-ID: " + msgid)
        if thread["ids"]:
            h.append("In-Reply-To: " + thread["ids"][-1])
            h.append(self._fold("References", thread["ids"][-8:]))
        if thread["outlook"]:
            h.append(self._fold("Thread-Topic", self._header_text(thread["subject"], profile)))
            h.append("Thread-Index: " + base64.b64encode(r.randbytes(22 + 5 * min(thread["sent"], 6))).decode("ascii"))
            h.append("X-MS-Has-Attach: " + ("yes" if self.kind == "attachments" else ""))
        elif r.random() < 0.3:
            h.append("User-Agent: Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:115.0) Gecko/20100101 Thunderbird/115.6.0")
        h.append("MIME-Version: 1.0")
        h.append(content_hdrs)
        head = ("\n".join(h) + "\n\n").encode("ascii")  # headers are pure ASCII by construction

        msg = head + body
        if not msg.endswith(b"\n"):
            msg += b"\n"
        if b"From " in msg:  # cheap C-level check first; the regex is slower
            msg = _FROM_LINE.sub(rb">\1", msg)

        # ---- update thread state for the next reply
        thread["sent"] += 1
        thread["ids"].append(msgid)
        thread["last_plain"] = self._render_plain(blocks)
        thread["last_sender"], thread["last_to"], thread["last_time"] = sender, recipient, t

        tm = time.gmtime(t)
        sep = "From %s %s %s %2d %02d:%02d:%02d %d\n" % (sender["addr"], DAY_NAMES[tm.tm_wday], MONTH_NAMES[tm.tm_mon - 1],
                                                      tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, tm.tm_year)
        # Blank line after each message: mboxo/mboxrd readers expect it before the next From line.
        return sep.encode("ascii") + msg + b"\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--kind", choices=("text", "attachments"), default="text")
    ap.add_argument("--size-mb", type=float, default=100.0, help="approximate output size in MiB (default 100)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("-o", "--output", required=True, help="output mbox path ('-' for stdout)")
    args = ap.parse_args()

    target = int(args.size_mb * MIB)
    started = time.monotonic()
    gen = Generator(args.seed, args.kind)
    written = count = 0
    out = sys.stdout.buffer if args.output == "-" else open(args.output, "wb", buffering=4 * MIB)
    try:
        while written < target:
            entry = gen.next_message()
            out.write(entry)
            written += len(entry)
            count += 1
    finally:
        if out is not sys.stdout.buffer:
            out.close()
        else:
            out.flush()
    print("generate_mbox: kind=%s seed=%d bytes=%d seconds=%.1f" % (args.kind, args.seed, written,
                                                                   time.monotonic() - started), file=sys.stderr)
    # Last line is machine-readable: run.sh stores it next to the corpus.
    print("messages=%d" % count, file=sys.stderr)


if __name__ == "__main__":
    main()
