"""Words and phrases that mark reply headers, separators and sign-offs, in many languages.

These are data: adding a client's phrasing or a language is a change here plus a test, not a
change to the splitting logic. Every entry is lower case and matched case-insensitively.
"""

from __future__ import annotations

# Words that open an attribution line ("On <date>, <name> wrote:", "Am <date> schrieb <name>:").
ATTRIBUTION_INTROS = (
    "on", "am", "le", "el", "il", "il giorno", "in data", "op", "den", "w dniu", "dnia", "em",
    "às", "på", "dne", "dňa", "dana", "el día", "vào", "在",
)  # fmt: skip

# The verb of an attribution line. Matched as a whole word (or CJK sequence).
ATTRIBUTION_VERBS = (
    "wrote", "writes", "has written", "said", "schrieb", "schreef", "a écrit", "a escrit",
    "escribió", "escreveu", "ha scritto", "scrisse", "skrev", "skrivit", "napisał(a)", "napisała",
    "napisał", "napisal", "pisze", "kirjoitti", "írta", "napsal(a)", "napsal", "napísal",
    "написал(а)", "написала", "написал", "пишет", "yazdı", "έγραψε", "写道", "寫道",
)  # fmt: skip

# Lines that open quoted or forwarded history outright.
SEPARATOR_PHRASES = (
    "original message", "original e-mail", "original email", "forwarded message",
    "forwarded e-mail", "forwarded email", "begin forwarded message", "message forwarded",
    "ursprüngliche nachricht", "ursprüngliche e-mail", "weitergeleitete nachricht",
    "anfang der weitergeleiteten nachricht", "originalnachricht", "message d'origine",
    "message original", "message transféré", "début du message réexpédié", "message réexpédié",
    "mensaje original", "mensaje reenviado", "comienzo del mensaje reenviado",
    "messaggio originale", "messaggio inoltrato", "inizio messaggio inoltrato",
    "oorspronkelijk bericht", "origineel bericht", "doorgestuurd bericht",
    "begin doorgestuurd bericht", "oprindelig meddelelse", "oprindelig besked",
    "videresendt meddelelse", "videresendt besked", "opprinnelig melding", "videresendt melding",
    "ursprungligt meddelande", "vidarebefordrat meddelande", "vidarebefordrat brev",
    "alkuperäinen viesti", "välitetty viesti", "oryginalna wiadomość", "wiadomość oryginalna",
    "wiadomość przekazana dalej", "przekazana wiadomość", "mensagem original",
    "mensagem encaminhada", "início da mensagem reencaminhada", "původní zpráva",
    "přeposlaná zpráva", "eredeti üzenet", "továbbított üzenet", "исходное сообщение",
    "пересылаемое сообщение", "пересланное сообщение", "元のメッセージ", "転送メッセージ",
    "原始邮件", "转发邮件", "原始郵件", "orijinal mesaj", "iletilen mesaj",
)  # fmt: skip

# Header-block keys (Outlook, Gmail forwards, Thunderbird, webmail) by what they name.
HEADER_KEYS: dict[str, str] = {}
for _category, _keys in {
    "from": (
        "from",
        "von",
        "de",
        "da",
        "van",
        "fra",
        "från",
        "od",
        "от",
        "от кого",
        "lähettäjä",
        "kimden",
        "feladó",
        "odesílatel",
        "afzender",
        "mittente",
        "remitente",
        "差出人",
        "发件人",
        "寄件者",
        "寄件人",
        "보낸 사람",
        "sender",
        "sent by",
        "on behalf of",
    ),
    "date": (
        "sent",
        "date",
        "datum",
        "gesendet",
        "envoyé",
        "envoyé le",
        "enviado",
        "enviada",
        "enviado el",
        "inviato",
        "data",
        "verzonden",
        "sendt",
        "skickat",
        "wysłano",
        "wysłane",
        "отправлено",
        "дата",
        "lähetetty",
        "päivämäärä",
        "送信日時",
        "发送时间",
        "日期",
        "message du",
        "fecha",
        "gönderildi",
        "tarih",
        "elküldve",
        "dátum",
        "odesláno",
        "verstuurd",
        "gesendet am",
        "envoyé par",
        "sent at",
    ),
    "to": (
        "to",
        "an",
        "à",
        "a",
        "para",
        "aan",
        "til",
        "till",
        "do",
        "кому",
        "vastaanottaja",
        "宛先",
        "收件人",
        "收件者",
        "címzett",
        "komu",
        "kime",
        "destinatario",
        "destinataire",
        "empfänger",
        "recipient",
        "recipients",
    ),
    "cc": (
        "cc",
        "kopie",
        "copie à",
        "copie",
        "kopia",
        "копия",
        "kopio",
        "cc.",
        "bcc",
        "blind copy",
    ),
    "subject": (
        "subject",
        "betreff",
        "objet",
        "sujet",
        "asunto",
        "assunto",
        "oggetto",
        "onderwerp",
        "emne",
        "ämne",
        "temat",
        "тема",
        "aihe",
        "件名",
        "主题",
        "主旨",
        "tárgy",
        "předmět",
        "konu",
        "subj",
    ),
}.items():
    for _key in _keys:
        HEADER_KEYS[_key] = _category

# A sign-off that starts a closing block ("Best,", "Mit freundlichen Grüßen").
CLOSINGS = (
    "best", "best regards", "best wishes", "best rgds", "kind regards", "kindest regards",
    "warm regards", "warmest regards", "regards", "rgds", "with regards", "with best regards",
    "many thanks", "many thanks again", "thanks", "thanks!", "thank you", "thanks again",
    "thanks so much", "thank you so much", "thanks a lot", "thanks in advance", "thank you again",
    "thx", "tks", "ty", "cheers", "sincerely", "yours sincerely", "sincerely yours",
    "yours truly", "yours faithfully", "very truly yours", "yours", "all the best", "talk soon",
    "speak soon", "take care", "br", "respectfully", "cordially", "warmly", "best,",
    "mit freundlichen grüßen", "mit freundlichen grüssen", "mit besten grüßen",
    "mit besten grüssen", "freundliche grüße", "freundliche grüsse", "viele grüße",
    "viele grüsse", "beste grüße", "beste grüsse", "liebe grüße", "liebe grüsse",
    "herzliche grüße", "herzliche grüsse", "schöne grüße", "grüße", "grüsse", "gruß", "gruss",
    "lg", "vg", "mfg", "danke", "vielen dank", "cordialement", "bien cordialement",
    "très cordialement", "bien à vous", "salutations", "meilleures salutations",
    "sincères salutations", "amicalement", "bien amicalement", "merci", "merci beaucoup",
    "bonne journée", "saludos", "un saludo", "saludos cordiales", "atentamente",
    "muchas gracias", "gracias", "un abrazo", "cordiali saluti", "distinti saluti", "saluti",
    "un saluto", "grazie", "grazie mille", "met vriendelijke groet", "met vriendelijke groeten",
    "vriendelijke groet", "vriendelijke groeten", "groeten", "groet", "mvg", "bedankt",
    "med venlig hilsen", "venlig hilsen", "mvh", "hilsen", "kh", "kærlig hilsen",
    "de bedste hilsner", "med vennlig hilsen", "vennlig hilsen", "med vänlig hälsning",
    "med vänliga hälsningar", "vänliga hälsningar", "vänlig hälsning", "hälsningar", "tack",
    "pozdrawiam", "z poważaniem", "z powazaniem", "serdecznie pozdrawiam", "pozdrowienia",
    "atenciosamente", "cumprimentos", "abraços", "abraço", "obrigado", "obrigada",
    "с уважением", "спасибо", "всего доброго", "ystävällisin terveisin", "terveisin",
    "s pozdravem", "üdvözlettel", "udvozlettel", "üdv", "udv", "köszönöm", "koszonom",
    "saygılarımla",
)  # fmt: skip

# Device and app footers: "Sent from my iPhone", "Get Outlook for iOS", "Von meinem iPhone
# gesendet". Each is a regular-expression fragment matched at the start of a line.
DEVICE_LINE_PATTERNS = (
    r"sent (from|with|via|using|by) ",
    r"sent from my",
    r"(get|download) outlook for ",
    r"get the \w+ app",
    r"envoyé (de|depuis|à partir de|avec|par) ",
    r"gesendet (von|mit|vom|über) ",
    r"von meinem .{1,40} gesendet",
    r"enviado (desde|de|con|do|pelo) ",
    r"inviato (da|dal|con) ",
    r"verstuurd (vanaf|met|van|via) ",
    r"verzonden (vanaf|met|van) ",
    r"skickat från ",
    r"sendt fra ",
    r"wysłane (z|za pomocą) ",
    r"отправлено (с|из) ",
    r"lähetetty .{1,40}(sta|stä|lla|llä)\b",
    r"scarica outlook per ",
    r"obtenir outlook pour ",
    r"outlook (for|für|pour|para) (ios|android)",
)

# Phrases of legal disclaimers and confidentiality footers.
DISCLAIMER_PATTERNS = (
    r"\bconfidential",
    r"\bintended (solely |only )?for\b",
    r"\bintended recipient",
    r"\bprivileged\b",
    r"\bif you (are not|have received)",
    r"\bdisclaimer\b",
    r"\bscanned for viruses",
    r"\bfree (of|from) (errors or )?viruses",
    r"\bunauthori[sz]ed (use|review|disclosure|copying|dissemination)",
    r"\bplease consider the environment before printing",
    r"\bvertraulich",
    r"\bkonfidentiell",
    r"\bconfidentiel",
    r"\bconfidencial",
    r"\briservat[eoi]\b",
    r"\bdestinatario\b.{0,80}\b(errore|error)",
    r"\bthis (e-?mail|message) (and any attachments? )?(is|are|may)\b.{0,60}"
    r"\b(confidential|privileged|intended)",
)

# "CAUTION: This email originated from outside..." and similar banners added on delivery.
BANNER_PATTERN = (
    r"^\W{0,3}(caution|warning|external( email| sender)?|attention|notice|\[external\]|"
    r"this (e-?mail|message) (originated|came|comes|was sent) from outside)\b.{0,400}"
    r"(outside|external|do not click|unknown sender|not from)"
)

# First tokens that make a short capitalised last line an ordinary sentence, not a name.
NOT_A_NAME = frozenset(
    (
        "yes", "no", "ok", "okay", "sure", "thanks", "thank", "great", "good", "done", "agreed",
        "perfect", "cool", "fine", "noted", "see", "talk", "let", "will", "sounds", "looking",
        "hello", "hi", "hey", "dear", "please", "call", "meet", "tomorrow", "today", "monday",
        "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "attached",
        "regards", "best", "cheers", "confirmed", "absolutely", "definitely", "maybe", "not",
        "nope", "yep", "yeah", "correct", "right", "exactly", "indeed", "awesome", "excellent",
        "wonderful", "nice", "welcome", "congrats", "congratulations", "sorry", "apologies",
        "later", "soon", "now", "again", "also", "and", "but", "or", "so", "the", "a", "an",
        "i", "we", "you", "it", "this", "that", "there", "here", "what", "when", "why", "how",
        "who", "where", "which", "ja", "nein", "oui", "non", "si", "sí", "merci", "danke",
        "gracias", "grazie", "tack", "tak", "bedankt", "best,", "am", "pm",
    )
)  # fmt: skip
