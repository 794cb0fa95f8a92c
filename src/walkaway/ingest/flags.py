"""Detectors for automatic mail: auto-replies, bounces and calendar messages.

Plain functions over decoded header values, the subject and already-extracted MIME facts,
so each rule can be tested on its own. ``Headers`` maps a lower-case header name to its
decoded values in message order.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

Headers = Mapping[str, Sequence[str]]

FLAG_HEADERS = frozenset(
    {
        "auto-submitted",
        "x-autoreply",
        "x-autorespond",
        "x-auto-response-suppress",
        "precedence",
        "list-id",
        "list-unsubscribe",
        "list-post",
        "mailing-list",
        "x-failed-recipients",
        "return-path",
    }
)
"""Headers the detectors read; the parser decodes only these (and the ones it needs)."""


def _first(headers: Headers, name: str) -> str:
    values = headers.get(name)
    return values[0].strip() if values else ""


# ---------------------------------------------------------------------------------------
# Auto-replies

# Subjects that say "automatic reply" in the languages our users' prospects write in.
# Phrases are matched anywhere in the subject: they do not occur in human subjects.
_AUTO_PHRASES = (
    "automatic reply",
    "auto reply",
    "auto-reply",
    "autoreply",
    "auto response",
    "auto-response",
    "autoresponse",
    "automated response",
    "out of office",
    "out of the office",
    "out-of-office",
    "abwesenheitsnotiz",
    "automatische antwort",
    "respuesta automática",
    "respuesta automatica",
    "fuera de la oficina",
    "réponse automatique",
    "reponse automatique",
    "risposta automatica",
    "automatisch antwoord",
    "resposta automática",
    "resposta automatica",
    "autosvar",
    "automaattinen vastaus",
    "odpowiedź automatyczna",
    "automatická odpověď",
    "automatikus válasz",
    "αυτόματη απάντηση",
    "автоматический ответ",
    "otomatik yanıt",
    "自動応答",
    "自動返信",
    "自动回复",
    "自動回覆",
    "자동 회신",
    "자동 응답",
)
# Short words that are only an auto-reply marker at the very start of the subject.
_AUTO_PREFIXES = re.compile(
    r"^\s*[\[(]?\s*(auto|ooo|absence|absent|abwesend|afwezig|fuori sede|ausente|"
    r"frånvaro|fravær|fraværende|poissa|away|on vacation|on leave)\b\s*[:\])\-–]",
    re.IGNORECASE,
)
_COMMENT = re.compile(r"\([^()]*\)")
_LIST_HEADERS = ("list-id", "list-unsubscribe", "list-post", "mailing-list")


def auto_reply_reason(headers: Headers, subject: str) -> str:
    """Why this message looks like an automatic reply ('' when it does not).

    The reason names the rule that fired, e.g. ``auto-submitted:auto-replied``,
    ``x-autoreply``, ``precedence:bulk`` or ``subject:out of office``.
    """
    auto_submitted = _first(headers, "auto-submitted").split(";", 1)[0]
    auto_submitted = _COMMENT.sub("", auto_submitted).strip().lower()
    if auto_submitted and auto_submitted != "no":
        return f"auto-submitted:{auto_submitted}"
    for name in ("x-autoreply", "x-autorespond"):
        value = _first(headers, name).lower()
        if name in headers and value not in ("no", "false", "0"):
            return name
    suppress = _first(headers, "x-auto-response-suppress")
    if suppress:
        return "x-auto-response-suppress"
    precedence = _first(headers, "precedence").lower()
    if precedence == "auto_reply":
        return "precedence:auto_reply"
    # Mailing-list software stamps "Precedence: bulk/junk" on every post it relays; that
    # says nothing about the author, so it only counts for mail that no list carried.
    if precedence in ("bulk", "junk") and not any(h in headers for h in _LIST_HEADERS):
        return f"precedence:{precedence}"
    lowered = subject.casefold()
    # Plain substring tests: a dozen times faster than one big case-insensitive regex.
    for phrase in _AUTO_PHRASES:
        if phrase in lowered:
            return f"subject:{phrase}"
    match = _AUTO_PREFIXES.match(subject)
    if match:
        return f"subject:{match.group(1).lower()}"
    return ""


# ---------------------------------------------------------------------------------------
# Bounces

_DAEMON_LOCALS = frozenset(
    {
        "mailer-daemon",
        "mailerdaemon",
        "mailer_daemon",
        "postmaster",
        "mail-delivery-subsystem",
        "mail.delivery.subsystem",
        "mail.delivery.system",
        "mail-delivery-system",
        "maildelivery",
        "mail-daemon",
        "mdaemon",
        "bounce",
        "bounces",
        "nobody",
        "noreply-dmarc-support",
    }
)
# Subjects every common MTA uses for a failed delivery. Anchored at the start: a human
# forwarding a bounce writes "Fw: Undeliverable: ...".
_BOUNCE_SUBJECT = re.compile(
    r"^\s*(?:\[[^\]]*\]\s*)?(?:"
    r"undeliver(?:able|ed)|undelivered mail|delivery status notification \(failure\)|"
    r"delivery status notification(?!\s*\((?:delay|success|relay))|"
    r"delivery (?:status )?notification: (?:failed|error|delivery has failed)|"
    r"delivery failure|delivery has failed|failed delivery|failure delivery|"
    r"mail delivery fail|mail delivery failure|mail delivery failed|"
    r"returned mail|returned mail: |mail system error|failure notice|"
    r"message delivery has failed|message you sent blocked|mail could not be delivered|"
    r"non remis|nicht zustellbar|unzustellbar|no se puede entregar|non recapitabile|"
    r"onbestelbaar|non distribuibile|could not send message|there was an error sending|"
    r"delivery report|email delivery failure|mail failure|postmaster notify|"
    r"notice: mail delivery status|warning: could not send|delivery failed|"
    r"message not delivered|undelivered message|email bounce|permanent delivery failure|"
    r"mail failed"
    r")",
    re.IGNORECASE,
)
# Japanese MTAs put the verb last ("メッセージを配信できません。"): searched, not anchored.
_BOUNCE_SUBJECT_CJK = re.compile(
    r"配信できません|配送できません|配信に失敗|送信できませんでした|不達"
)
# Strong enough on their own, whoever sent them.
_BOUNCE_SUBJECT_STRONG = re.compile(
    r"^\s*(?:undelivered mail returned to sender|undeliverable:|"
    r"delivery status notification \(failure\)|mail delivery failed|returned mail:|"
    r"failure notice\s*$|delivery status notification: failed|"
    r"mail delivery failure|message delivery has failed|delivery failure|"
    r"mail system error - returned mail|nondeliverable mail|"
    r"\*\*message you sent blocked)",
    re.IGNORECASE,
)
_NOT_FAILED = frozenset({"delayed", "delivered", "relayed", "expanded", "deliverable"})
_ADDRESS = re.compile(r"[^\s<>;:,\"'()\[\]]+@[^\s<>;:,\"'()\[\]]+\.[A-Za-z0-9-]+")


def bounce_reason(
    headers: Headers,
    subject: str,
    sender_email: str,
    *,
    has_delivery_status: bool = False,
    delivery_actions: Iterable[str] = (),
) -> str:
    """Why this message looks like a bounce, a failed-delivery report ('' when it does not).

    ``has_delivery_status`` says the message carries an RFC 3464 ``message/delivery-status``
    part (usually inside ``multipart/report; report-type=delivery-status``);
    ``delivery_actions`` are its ``Action`` values. A report whose only actions are
    ``delayed``, ``delivered``, ``relayed`` or ``expanded`` is not a bounce: the mail may
    still arrive, or did.
    """
    actions = {a.strip().lower() for a in delivery_actions if a.strip()}
    if has_delivery_status:
        # "failed", but also non-standard words such as "expired" (SendGrid).
        if not actions or actions - _NOT_FAILED:
            return "delivery-status"
        return ""
    if headers.get("x-failed-recipients"):
        return "x-failed-recipients"
    daemon = is_daemon_sender(sender_email)
    if daemon and (_BOUNCE_SUBJECT.match(subject) or _BOUNCE_SUBJECT_CJK.search(subject)):
        return "daemon-subject"
    if _BOUNCE_SUBJECT_STRONG.match(subject):
        return "subject"
    return_path = _first(headers, "return-path")
    if return_path.replace(" ", "") == "<>" and _BOUNCE_SUBJECT.match(subject):
        return "null-sender-subject"
    return ""


def is_daemon_sender(address: str) -> bool:
    """True for the mail system's own senders (MAILER-DAEMON, postmaster and kin)."""
    local = address.partition("@")[0].lower()
    return local in _DAEMON_LOCALS or local.startswith(("mailer-daemon", "postmaster"))


def recipient_address(value: str) -> str:
    """The address in a DSN recipient field such as ``rfc822; Ann@Example.com``."""
    _, _, address = value.rpartition(";")
    match = _ADDRESS.search(address or value)
    return match.group(0).strip(".").lower() if match else ""


# ---------------------------------------------------------------------------------------
# Calendar (iCalendar, RFC 5545)


@dataclass(frozen=True, slots=True)
class CalendarFacts:
    """What walkaway keeps of a calendar part."""

    method: str = ""
    partstat: str = ""
    start: datetime | None = None
    summary: str = ""


_UNFOLD = re.compile(r"\r?\n[ \t]")
_UTC_OFFSET_NAME = re.compile(r"\(?(?:UTC|GMT)\s*([+-])(\d{1,2}):?(\d{2})?")
_ICS_ESCAPES = {"n": "\n", "N": "\n", ",": ",", ";": ";", "\\": "\\"}
_ICS_ESCAPE = re.compile(r"\\(.)")


def _split_property(line: str) -> tuple[str, dict[str, str], str]:
    """``NAME;P1=V1;P2="V;2":value`` -> (NAME, {P1: V1, P2: V;2}, value), quote-aware."""
    quoted = False
    cut = -1
    for index, char in enumerate(line):
        if char == '"':
            quoted = not quoted
        elif char == ":" and not quoted:
            cut = index
            break
    if cut < 0:
        return line.upper(), {}, ""
    head, value = line[:cut], line[cut + 1 :]
    pieces: list[str] = []
    buffer = ""
    quoted = False
    for char in head:
        if char == '"':
            quoted = not quoted
        elif char == ";" and not quoted:
            pieces.append(buffer)
            buffer = ""
            continue
        buffer += char
    pieces.append(buffer)
    params: dict[str, str] = {}
    for piece in pieces[1:]:
        key, _, val = piece.partition("=")
        params[key.strip().upper()] = val.strip().strip('"')
    return pieces[0].strip().upper(), params, value


def _unescape(value: str) -> str:
    return _ICS_ESCAPE.sub(lambda m: _ICS_ESCAPES.get(m.group(1), m.group(1)), value).strip()


def parse_calendar(text: str, *, method_hint: str = "") -> CalendarFacts:
    """Read METHOD, the first event's DTSTART (as UTC) and SUMMARY, and the replying
    attendee's PARTSTAT from iCalendar text. Never raises; unknown parts stay empty.

    A small unfolding line parser is enough: walkaway needs four properties, and the
    one hard part, Outlook's Windows time-zone names (``TZID=Pacific Standard Time``), is
    handled through the IANA mapping tzlocal ships (an extract-msg dependency), then the
    VTIMEZONE block's own offsets.
    """
    lines = _UNFOLD.sub("", text).splitlines()
    method = method_hint.strip().upper()
    summary = ""
    partstat = ""
    start_raw: tuple[dict[str, str], str] | None = None
    stack: list[str] = []
    events_open = 0  # VEVENTs on the stack, counted as they open and close: an unclosed
    # BEGIN:VEVENT repeated a million times must not make this loop quadratic
    zones: dict[str, dict[str, dict[str, str]]] = {}
    zone_id = ""
    zone_part = ""
    for line in lines:
        if not line.strip():
            continue
        name, params, value = _split_property(line)
        if name == "BEGIN":
            stack.append(value.strip().upper())
            events_open += stack[-1] == "VEVENT"
            if stack[-1] in ("STANDARD", "DAYLIGHT") and zone_id:
                zone_part = stack[-1]
                zones.setdefault(zone_id, {})[zone_part] = {}
            continue
        if name == "END":
            if stack:
                events_open -= stack.pop() == "VEVENT"
            zone_part = ""
            continue
        component = stack[-1] if stack else ""
        if component == "VCALENDAR" and name == "METHOD":
            method = value.strip().upper()
        elif component == "VTIMEZONE" and name == "TZID":
            zone_id = value.strip()
        elif zone_part and zone_id:
            zones[zone_id][zone_part][name] = value.strip()
        elif component == "VEVENT" and events_open == 1:
            if name == "SUMMARY" and not summary:
                summary = _unescape(value)
            elif name == "DTSTART" and start_raw is None:
                start_raw = (params, value.strip())
            elif name == "ATTENDEE" and not partstat and "PARTSTAT" in params:
                partstat = params["PARTSTAT"].upper()
    start = _ics_datetime(*start_raw, zones) if start_raw else None
    return CalendarFacts(
        method=method,
        partstat=partstat if method == "REPLY" else "",
        start=start,
        summary=summary,
    )


def _ics_datetime(
    params: dict[str, str], value: str, zones: dict[str, dict[str, dict[str, str]]]
) -> datetime | None:
    """A DTSTART value as an aware UTC datetime (all-day dates at midnight UTC)."""
    try:
        if params.get("VALUE", "").upper() == "DATE" or len(value) == 8:
            day = date(int(value[:4]), int(value[4:6]), int(value[6:8]))
            return datetime(day.year, day.month, day.day, tzinfo=UTC)
        local = datetime.strptime(value.rstrip("Z")[:15], "%Y%m%dT%H%M%S")
    except ValueError:
        return None
    if value.endswith("Z"):
        return local.replace(tzinfo=UTC)
    tzid = params.get("TZID", "")
    zone = _zone_for(tzid) if tzid else None
    if zone is not None:
        return local.replace(tzinfo=zone).astimezone(UTC)
    offset = _vtimezone_offset(zones.get(tzid, {}), local)
    if offset is None:
        match = _UTC_OFFSET_NAME.search(tzid)
        if match:
            sign = -1 if match.group(1) == "-" else 1
            offset = sign * timedelta(hours=int(match.group(2)), minutes=int(match.group(3) or 0))
    # A floating time (no zone at all) is read as UTC: the best single guess.
    return (local - offset if offset is not None else local).replace(tzinfo=UTC)


def _zone_for(tzid: str) -> tzinfo | None:
    name = tzid.strip().strip('"')
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        pass
    try:
        from tzlocal.windows_tz import win_tz
    except ImportError:  # pragma: no cover - tzlocal comes with extract-msg
        return None
    iana = win_tz.get(name)
    if iana:
        try:
            return ZoneInfo(iana)
        except (ZoneInfoNotFoundError, ValueError):
            return None
    return None


_WEEKDAYS = {"MO": 0, "TU": 1, "WE": 2, "TH": 3, "FR": 4, "SA": 5, "SU": 6}


def _vtimezone_offset(zone: dict[str, dict[str, str]], local: datetime) -> timedelta | None:
    """UTC offset in force at ``local`` from a VTIMEZONE's yearly STANDARD/DAYLIGHT rules."""
    offsets: dict[str, timedelta] = {}
    for part, props in zone.items():
        parsed = _parse_offset(props.get("TZOFFSETTO", ""))
        if parsed is not None:
            offsets[part] = parsed
    if not offsets:
        return None
    if len(offsets) == 1 or "DAYLIGHT" not in offsets or "STANDARD" not in offsets:
        return next(iter(offsets.values()))
    starts = {part: _yearly_transition(zone[part], local.year) for part in offsets}
    daylight, standard = starts.get("DAYLIGHT"), starts.get("STANDARD")
    if daylight is None or standard is None:
        return offsets["STANDARD"]
    if daylight < standard:  # northern hemisphere
        in_daylight = daylight <= local < standard
    else:
        in_daylight = not (standard <= local < daylight)
    return offsets["DAYLIGHT" if in_daylight else "STANDARD"]


def _parse_offset(value: str) -> timedelta | None:
    match = re.fullmatch(r"([+-])(\d{2})(\d{2})(\d{2})?", value.strip())
    if not match:
        return None
    sign = -1 if match.group(1) == "-" else 1
    return sign * timedelta(hours=int(match.group(2)), minutes=int(match.group(3)))


def _yearly_transition(props: dict[str, str], year: int) -> datetime | None:
    """The transition moment in ``year`` of an RRULE:FREQ=YEARLY;BYMONTH=m;BYDAY=nDD rule."""
    rule = dict(
        item.split("=", 1) for item in props.get("RRULE", "").upper().split(";") if "=" in item
    )
    try:
        clock = datetime.strptime(props.get("DTSTART", "")[:15], "%Y%m%dT%H%M%S")
        month = int(rule["BYMONTH"])
        match = re.fullmatch(r"([+-]?\d)?([A-Z]{2})", rule["BYDAY"])
        if not match:
            return None
        nth = int(match.group(1) or 1)
        weekday = _WEEKDAYS[match.group(2)]
    except (KeyError, ValueError):
        return None
    if nth > 0:
        first = datetime(year, month, 1)
        day = first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))
    else:
        following = datetime(year + (month == 12), month % 12 + 1, 1)
        last = following - timedelta(days=1)
        day = last - timedelta(days=(last.weekday() - weekday) % 7 + 7 * (-nth - 1))
    return day.replace(hour=clock.hour, minute=clock.minute, second=clock.second)
