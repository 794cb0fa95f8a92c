"""Rendering decided messages to RFC 5322 bytes and mbox entries, with the stdlib ``email``.

Header values are built here already encoded (RFC 2047 for non-ASCII display names and
subjects) and folded, and written verbatim: the default policies re-fold long Message-ID and
References values and may RFC 2047-encode them, which breaks threading in every reader.
Each mail client gets the header order, boundaries and Message-ID shape it uses in real
exports, so downstream code meets the same variety it will meet in users' mailboxes.
"""

from __future__ import annotations

import base64
import binascii
import io
import random
import re
from datetime import datetime, timedelta
from email.generator import BytesGenerator
from email.header import Header
from email.message import Message
from email.policy import Compat32
from email.utils import format_datetime, formataddr
from functools import lru_cache

from walkaway.simulate._clock import ZONES
from walkaway.simulate._model import Mail, Person

_PACIFIC = ZONES["us_pacific"]
_MBOXRD = re.compile(rb"^(>*From )", re.MULTILINE)
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_GMAIL_ID_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-+="
_CONTENT = ("\0content", "")


class _VerbatimPolicy(Compat32):
    """compat32, except header values are written exactly as stored (they arrive encoded)."""

    def fold(self, name: str, value: str) -> str:  # type: ignore[override]
        return f"{name}: {value}\n" if value else f"{name}:\n"

    def fold_binary(self, name: str, value: str) -> bytes:  # type: ignore[override]
        return self.fold(name, value).encode("ascii")


POLICY = _VerbatimPolicy(linesep="\n")


class _Generator(BytesGenerator):
    """BytesGenerator that writes LF-only payloads in one piece instead of line by line.

    Every payload here is built with ``\n`` line ends, which is what the base class would
    write anyway; skipping the per-line split and write halves the rendering time.
    """

    def _write_lines(self, lines: str) -> None:
        if "\r" in lines:
            super()._write_lines(lines)  # type: ignore[misc]
        elif lines:
            self.write(lines)


@lru_cache(maxsize=32768)
def header_address(name: str, email: str) -> str:
    """``Name <addr>``, with the name RFC 2047-encoded when it is not ASCII."""
    return formataddr((name, email), charset="utf-8")


@lru_cache(maxsize=32768)
def header_text(value: str) -> str:
    """An unstructured header value (Subject), encoded only when it needs to be."""
    if value.isascii():
        return value
    return Header(value, "utf-8", header_name="Subject").encode(linesep="\n")


def _addresses(people: list[Person]) -> str:
    return ", ".join(header_address(*person.address()) for person in people)


def fold_ids(ids: tuple[str, ...] | list[str]) -> str:
    """Message-ids as ``<a>`` joined the way Gmail folds References: one per line."""
    return "\n ".join(f"<{mid}>" for mid in ids)


def rfc_date(when: datetime, *, pad: bool = True) -> str:
    text = format_datetime(when)
    if not pad and text[5] == "0":  # Thunderbird writes "Tue, 6 Jan 2026 ..."
        text = text[:5] + text[6:]
    return text


def asctime_utc(when: datetime) -> str:
    """The date of a Takeout ``From `` separator: ``Tue Jan 06 20:04:05 +0000 2026`` (UTC)."""
    utc = when.utctimetuple()
    return (
        f"{_WEEKDAYS[utc.tm_wday]} {_MONTHS[utc.tm_mon - 1]} {utc.tm_mday:02d} "
        f"{utc.tm_hour:02d}:{utc.tm_min:02d}:{utc.tm_sec:02d} +0000 {utc.tm_year}"
    )


def gmail_message_id(rng: random.Random) -> str:
    return "CA" + "".join(rng.choices(_GMAIL_ID_CHARS, k=rng.randint(44, 58))) + "@mail.gmail.com"


def outlook_message_id(rng: random.Random, tenant: str) -> str:
    """``<server><hex>@<server>.<region>.prod.outlook.com``; ``tenant`` is ``server.region``."""
    server, _, region = tenant.partition(".")
    return f"{server}{rng.getrandbits(96):024X}@{server}.{region}.prod.outlook.com"


def apple_message_id(rng: random.Random, domain: str) -> str:
    raw = f"{rng.getrandbits(128):032X}"
    return f"{raw[:8]}-{raw[8:12]}-{raw[12:16]}-{raw[16:20]}-{raw[20:]}@{domain}"


def other_message_id(rng: random.Random, when: datetime, domain: str) -> str:
    stamp = when.strftime("%Y%m%d%H%M%S")  # digits only: no locale involved
    return f"{stamp}.{rng.getrandbits(40):010x}@mail.{domain}"


def message_id_for(person: Person, rng: random.Random, when: datetime) -> str:
    """A Message-ID in the shape the sender's mail client uses (without angle brackets)."""
    domain = person.email.rpartition("@")[2]
    if person.client == "gmail":
        return gmail_message_id(rng)
    if person.client == "outlook":
        return outlook_message_id(rng, person.outlook_tenant or "BY5PR11MB4321.namprd11")
    if person.client == "apple":
        return apple_message_id(rng, domain)
    return other_message_id(rng, when, domain)


def _boundary(client: str, rng: random.Random, level: int) -> str:
    if client == "gmail":
        return f"000000000000{rng.getrandbits(64):016x}"
    if client == "outlook":
        return f"_00{level * 4}_{rng.getrandbits(128):032X}_"
    if client == "apple":
        raw = f"{rng.getrandbits(128):032X}"
        return f"Apple-Mail=_{raw[:8]}-{raw[8:12]}-{raw[12:16]}-{raw[16:20]}-{raw[20:]}"
    return "------------" + "".join(rng.choices(_GMAIL_ID_CHARS[:62], k=24))


def _text_part(text: str, subtype: str, client: str, extra: str = "") -> Message:
    part = Message()
    charset = '"UTF-8"' if client in ("gmail", "apple") else '"utf-8"'
    part["Content-Type"] = f"text/{subtype}; charset={charset}{extra}"
    longest = max(map(len, text.split("\n")), default=0)
    if subtype == "plain" and text.isascii() and longest < 900:
        part["Content-Transfer-Encoding"] = "7bit"
        part.set_payload(text)
    elif subtype == "plain" and client in ("apple", "other") and longest < 900:
        # 8bit UTF-8, as Apple Mail and Thunderbird send it; surrogateescape carries the bytes.
        part["Content-Transfer-Encoding"] = "8bit"
        part.set_payload(text.encode("utf-8").decode("ascii", "surrogateescape"))
    else:
        part["Content-Transfer-Encoding"] = "quoted-printable"
        part.set_payload(binascii.b2a_qp(text.encode("utf-8"), istext=True).decode("ascii"))
    return part


def _binary_part(ctype: str, filename: str, data: bytes, *, inline: bool = False) -> Message:
    part = Message()
    part["Content-Type"] = f'{ctype}; name="{filename}"'
    part["Content-Disposition"] = f'{"inline" if inline else "attachment"}; filename="{filename}"'
    part["Content-Transfer-Encoding"] = "base64"
    part.set_payload(base64.encodebytes(data).decode("ascii"))
    return part


def _multipart(
    subtype: str, parts: list[Message | str], client: str, rng: random.Random, level: int
) -> Message:
    container = Message()
    extra = '; report-type="delivery-status"' if subtype == "report" else ""
    container["Content-Type"] = (
        f'multipart/{subtype}; boundary="{_boundary(client, rng, level)}"{extra}'
    )
    container.set_payload(parts)
    return container


def _body(mail: Mail, rng: random.Random) -> Message:
    """The MIME tree of a message body (its top part carries the content headers)."""
    client = mail.sender.client
    if mail.html_only:
        main = _text_part(mail.html or mail.text, "html", client)
    elif mail.html is not None:
        main = _multipart(
            "alternative",
            [_text_part(mail.text, "plain", client), _text_part(mail.html, "html", client)],
            client,
            rng,
            2,
        )
    else:
        main = _text_part(mail.text, "plain", client)
    if mail.calendar is not None:
        method, ics = mail.calendar
        calendar = Message()
        calendar["Content-Type"] = f'text/calendar; charset="UTF-8"; method={method}'
        calendar["Content-Transfer-Encoding"] = "7bit" if ics.isascii() else "8bit"
        calendar.set_payload(ics.encode("utf-8").decode("ascii", "surrogateescape"))
        plain = _text_part(mail.text, "plain", client)
        alternative = _multipart("alternative", [plain, calendar], client, rng, 2)
        if client != "gmail":
            return alternative
        invite = _binary_part("application/ics", "invite.ics", ics.encode("utf-8"))
        return _multipart("mixed", [alternative, invite], client, rng, 1)
    if mail.attachment is not None:
        filename, ctype, data = mail.attachment
        return _multipart("mixed", [main, _binary_part(ctype, filename, data)], client, rng, 1)
    return main


def _client_headers(mail: Mail) -> list[tuple[str, str]]:
    sender = mail.sender
    from_ = mail.raw_from or header_address(*sender.address())
    subject = header_text(mail.subject)
    mid = f"<{mail.message_id}>"
    refs = fold_ids(mail.references) if mail.references else ""
    irt = f"<{mail.in_reply_to}>" if mail.in_reply_to else ""
    to = _addresses(mail.to)
    cc = _addresses(mail.cc) if mail.cc else ""
    headers: list[tuple[str, str]]
    if sender.client == "outlook":
        lang = {"de": "de-DE", "fr": "fr-FR", "es": "es-ES", "pt": "pt-BR"}.get(
            sender.lang, "en-US"
        )
        headers = [("From", from_), ("To", to)]
        if cc:
            headers.append(("CC", cc))
        headers.append(("Subject", subject))
        if mail.thread_index:
            headers += [
                ("Thread-Topic", header_text(mail.thread_topic)),
                ("Thread-Index", mail.thread_index),
            ]
        headers += [("Date", rfc_date(mail.date)), ("Message-ID", mid)]
        if refs:
            headers += [("References", refs), ("In-Reply-To", irt)]
        headers += [("Accept-Language", f"{lang}, en-US"), ("Content-Language", lang)]
        headers += [
            ("X-MS-Has-Attach", "yes" if mail.attachment else ""),
            ("X-MS-TNEF-Correlator", ""),
        ]
        headers += [*mail.extra_headers, _CONTENT, ("MIME-Version", "1.0")]
    elif sender.client == "apple":
        headers = [("From", from_), _CONTENT]
        headers.append(("Mime-Version", "1.0 (Mac OS X Mail 16.0 \\(3774.600.62\\))"))
        headers += [("Subject", subject), ("Message-Id", mid), ("Date", rfc_date(mail.date))]
        if irt:
            headers.append(("In-Reply-To", irt))
        if cc:
            headers.append(("Cc", cc))
        headers.append(("To", to))
        if refs:
            headers.append(("References", refs))
        headers += [*mail.extra_headers, ("X-Mailer", "Apple Mail (2.3774.600.62)")]
    elif sender.client == "other":
        headers = [
            ("Message-ID", mid),
            ("Date", rfc_date(mail.date, pad=False)),
            ("MIME-Version", "1.0"),
        ]
        headers += [("User-Agent", "Mozilla Thunderbird"), ("Subject", subject), ("To", to)]
        if cc:
            headers.append(("Cc", cc))
        if refs:
            headers.append(("References", refs))
        headers.append(("From", from_))
        if irt:
            headers.append(("In-Reply-To", irt))
        headers += [*mail.extra_headers, ("Content-Language", "en-US"), _CONTENT]
    else:  # gmail, and Google Workspace (our own side)
        headers = [("MIME-Version", "1.0"), ("Date", rfc_date(mail.date))]
        if refs:
            headers += [("References", refs), ("In-Reply-To", irt)]
        headers += [("Message-ID", mid), ("Subject", subject), ("From", from_), ("To", to)]
        if cc:
            headers.append(("Cc", cc))
        headers += [*mail.extra_headers, _CONTENT]
    return headers


def _takeout_headers(mail: Mail, owner: str, rng: random.Random) -> list[tuple[str, str]]:
    headers = [
        ("X-GM-THRID", str(mail.gm_thrid)),
        ("X-Gmail-Labels", mail.labels),
        ("X-Walkaway-Synthetic", "yes"),
    ]
    if not mail.inbound:
        return headers
    arrived = mail.date + timedelta(seconds=rng.randint(1, 40))
    stamp = f"{rfc_date(_PACIFIC.local(arrived))} ({_PACIFIC.abbreviation(arrived)})"
    sender_domain = mail.sender.email.rpartition("@")[2]
    host = (
        f"mail-{rng.choice(('sor', 'oi1', 'ej1', 'pf1'))}-f{rng.randint(41, 199)}.{sender_domain}"
    )
    ip = f"{rng.choice(('192.0.2', '198.51.100', '203.0.113'))}.{rng.randint(1, 254)}"
    smtp_id = "".join(rng.choices(_GMAIL_ID_CHARS[:62], k=30))
    headers += [
        ("Delivered-To", owner),
        ("Received", f"by 2002:a05:{rng.getrandbits(16):x}:{rng.getrandbits(16):x} with SMTP id "
                     f"{smtp_id};\n        {stamp}"),
        ("Return-Path", f"<{mail.sender.email}>"),
        ("Received", f"from {host} ({host}. [{ip}])\n        by mx.google.com with ESMTPS id "
                     f"{smtp_id[:20]}\n        for <{owner}>\n        (version=TLS1_3 "
                     f"cipher=TLS_AES_256_GCM_SHA384 bits=256/256);\n        {stamp}"),
    ]  # fmt: skip
    return headers


def render(mail: Mail, owner: str, rng: random.Random) -> bytes:
    """The message as bytes (LF line ends), without the mbox separator line."""
    top = _body(mail, rng)
    # Re-add the content headers where this client puts them among its other headers.
    content = top.items()
    for name, _value in content:
        del top[name]
    for name, value in _takeout_headers(mail, owner, rng) + _client_headers(mail):
        if name == _CONTENT[0]:
            for content_name, content_value in content:
                top[content_name] = content_value
        else:
            top[name] = value
    return _flatten(top)


def _flatten(message: Message) -> bytes:
    buffer = io.BytesIO()
    _Generator(buffer, mangle_from_=False, policy=POLICY).flatten(message)
    return buffer.getvalue()


def render_dsn(
    mail: Mail, owner: str, failed: str, diagnostic: str, original: Mail, rng: random.Random
) -> bytes:
    """A delivery status notification (RFC 3464) for ``original``, bounced at ``failed``."""
    mta = mail.sender.email.rpartition("@")[2]
    human = _text_part(mail.text, "plain", "other")
    status = Message()
    status["Content-Type"] = "message/delivery-status"
    per_message = Message()
    per_message["Reporting-MTA"] = f"dns; {mta}"
    per_message["Arrival-Date"] = rfc_date(original.date)
    per_recipient = Message()
    per_recipient["Final-Recipient"] = f"rfc822; {failed}"
    per_recipient["Action"] = "failed"
    per_recipient["Status"] = diagnostic.split(" ")[1]
    per_recipient["Diagnostic-Code"] = f"smtp; {diagnostic}"
    status.set_payload([per_message, per_recipient])
    headers = Message()
    headers["Content-Type"] = "text/rfc822-headers"
    headers["Content-Transfer-Encoding"] = "7bit"
    original_headers = [
        f"From: {header_address(*original.sender.address())}",
        f"To: {_addresses(original.to)}",
        f"Subject: {header_text(original.subject)}",
        f"Date: {rfc_date(original.date)}",
        f"Message-ID: <{original.message_id}>",
    ]
    headers.set_payload("\n".join(original_headers) + "\n")
    top = _multipart("report", [human, status, headers], "other", rng, 1)
    content = top.items()
    del top["Content-Type"]
    envelope = [
        *_takeout_headers(mail, owner, rng),
        ("Date", rfc_date(mail.date)),
        ("From", mail.raw_from),
        ("To", owner),
        ("Subject", mail.subject),
        ("Message-Id", f"<{mail.message_id}>"),
        ("Auto-Submitted", "auto-replied"),
        ("MIME-Version", "1.0"),
        *content,
    ]
    for name, value in envelope:
        top[name] = value
    return _flatten(top)


def mbox_entry(gm_id: int, when: datetime, message: bytes) -> bytes:
    """One Takeout-style mbox entry: separator, mboxrd-quoted message, blank line."""
    # The regex only runs where a line could start with "From " (a plain search is ~50x faster).
    quoted = _MBOXRD.sub(rb">\1", message) if b"From " in message else message
    if not quoted.endswith(b"\n"):
        quoted += b"\n"
    return b"From %d@xxx %s\n%s\n" % (gm_id, asctime_utc(when).encode("ascii"), quoted)


def _ics_fold(line: str) -> str:
    """RFC 5545 folding: lines of at most 75 octets, continued with a leading space."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line
    out: list[str] = []
    current = ""
    for char in line:
        limit = 75 if not out else 74
        if len((current + char).encode("utf-8")) > limit:
            out.append(current)
            current = char
        else:
            current += char
    out.append(current)
    return "\n ".join(out)


def _ics_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _ics_time(when: datetime) -> str:
    utc = when.utctimetuple()
    return (
        f"{utc.tm_year:04d}{utc.tm_mon:02d}{utc.tm_mday:02d}"
        f"T{utc.tm_hour:02d}{utc.tm_min:02d}{utc.tm_sec:02d}Z"
    )


def ics(
    *,
    method: str,
    uid: str,
    sequence: int,
    start: datetime,
    end: datetime,
    stamp: datetime,
    organizer: Person,
    attendees: list[tuple[Person, str]],
    summary: str,
    status: str = "CONFIRMED",
    comment: str = "",
    prodid: str = "-//Google Inc//Google Calendar 70.9054//EN",
) -> str:
    """A VCALENDAR with one VEVENT, as calendar clients put in invitation mail."""
    lines = [
        "BEGIN:VCALENDAR",
        f"PRODID:{prodid}",
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        f"METHOD:{method}",
        "BEGIN:VEVENT",
        f"DTSTART:{_ics_time(start)}",
        f"DTEND:{_ics_time(end)}",
        f"DTSTAMP:{_ics_time(stamp)}",
        f"ORGANIZER;CN={_ics_escape(organizer.name)}:mailto:{organizer.email}",
        f"UID:{uid}",
    ]
    for person, partstat in attendees:
        lines.append(
            f"ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT={partstat};"
            f"RSVP={'TRUE' if partstat == 'NEEDS-ACTION' else 'FALSE'};"
            f"CN={_ics_escape(person.name)};X-NUM-GUESTS=0:mailto:{person.email}"
        )
    if comment:
        lines.append(f"COMMENT:{_ics_escape(comment)}")
    lines += [
        f"SEQUENCE:{sequence}",
        f"STATUS:{status}",
        f"SUMMARY:{_ics_escape(summary)}",
        "TRANSP:OPAQUE",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\n".join(_ics_fold(line) for line in lines) + "\n"
