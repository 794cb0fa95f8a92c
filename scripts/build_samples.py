"""Build the sample mailbox exports under ``data/samples/`` from the conversations below.

The sample is the mailbox of a fictional account executive, Dana Whitfield of Lumora Analytics
(``lumora.io``), and a handful of messages exported from Outlook by her manager, Sam Okafor. It
covers twelve fictional prospects between August and November 2026, each written to show one
way a deal lives or dies (see ``PROSPECTS`` at the end of this file).

Rebuild (deterministic: no clock, no unseeded randomness; two runs give byte-identical files)::

    python scripts/build_samples.py

Outputs:

- ``data/samples/gmail-takeout/dana-whitfield.mbox``: Gmail Takeout mbox (mboxrd quoting,
  ``X-GM-THRID`` and ``X-Gmail-Labels`` headers, LF line endings).
- ``data/samples/outlook-export/*.eml``: messages Sam saved from Outlook (CRLF line endings);
  most of them are also in Dana's mbox under the same Message-ID.
- ``data/samples/deals.csv``: the deals with a known outcome (``prospect,outcome,closed_at``).
- ``tests/data/sample_expectations.json``: per prospect, the counts and the verdicts a sales
  manager would give, computed from the same data that renders the mail.

The conversations are plain Python data (``Person``, ``Mail``, ``Conv``); the code renders them
the way each mail client would (quoting style, signatures, MIME structure, header quirks). Only
the standard library is used, and the walkaway package is deliberately not imported: the sample
is the independent ground truth its parsers are checked against.
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import hashlib
import html
import io
import json
import quopri
import random
import re
import struct
import textwrap
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.header import Header
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"
MBOX_PATH = SAMPLES / "gmail-takeout" / "dana-whitfield.mbox"
EML_DIR = SAMPLES / "outlook-export"
DEALS_PATH = SAMPLES / "deals.csv"
EXPECTATIONS_PATH = ROOT / "tests" / "data" / "sample_expectations.json"

OUR_DOMAIN = "lumora.io"
FREE_MAIL = frozenset({"gmail.com", "googlemail.com", "yahoo.com", "outlook.com", "hotmail.com"})
UTC = dt.UTC

# --------------------------------------------------------------------------------------------
# Time zones. Fixed rules for 2026 keep the script free of tzdata: the US leaves daylight time
# on 1 November 2026 (02:00 local), the EU and UK on 25 October 2026 (01:00 UTC).
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Zone:
    """A time zone as the sample needs it: standard and daylight offsets in hours."""

    std: int
    dst: int
    std_abbr: str
    dst_abbr: str
    dst_end_utc: datetime
    windows_name: str = ""


def _us_zone(std: int, letter: str, windows_name: str) -> Zone:
    end = datetime(2026, 11, 1, 2, tzinfo=UTC) - timedelta(hours=std + 1)
    return Zone(std, std + 1, f"{letter}ST", f"{letter}DT", end, windows_name)


_EU_END = datetime(2026, 10, 25, 1, tzinfo=UTC)
ZONES = {
    "ET": _us_zone(-5, "E", "Eastern Standard Time"),
    "CT": _us_zone(-6, "C", "Central Standard Time"),
    "MT": _us_zone(-7, "M", "Mountain Standard Time"),
    "PT": _us_zone(-8, "P", "Pacific Standard Time"),
    "UK": Zone(0, 1, "GMT", "BST", _EU_END, "GMT Standard Time"),
    "DE": Zone(1, 2, "CET", "CEST", _EU_END, "W. Europe Standard Time"),
}


def local_to_utc(zone_key: str, local: datetime) -> tuple[datetime, int]:
    """UTC time and UTC offset (hours) of a naive local time in one of ``ZONES``."""
    zone = ZONES[zone_key]
    candidate = (local - timedelta(hours=zone.dst)).replace(tzinfo=UTC)
    if candidate < zone.dst_end_utc:
        return candidate, zone.dst
    return (local - timedelta(hours=zone.std)).replace(tzinfo=UTC), zone.std


def utc_to_local(zone_key: str, moment: datetime) -> tuple[datetime, int, str]:
    """Naive local time, offset (hours) and abbreviation of a UTC moment in a zone."""
    zone = ZONES[zone_key]
    if moment < zone.dst_end_utc:
        offset, abbr = zone.dst, zone.dst_abbr
    else:
        offset, abbr = zone.std, zone.std_abbr
    return (moment + timedelta(hours=offset)).replace(tzinfo=None), offset, abbr


def parse_local(text: str) -> datetime:
    """'2026-08-04 09:12' or '2026-08-04 09:12:41' as a naive datetime."""
    fmt = "%Y-%m-%d %H:%M:%S" if text.count(":") == 2 else "%Y-%m-%d %H:%M"
    return datetime.strptime(text, fmt)


# --------------------------------------------------------------------------------------------
# The data model: people, mails, conversations.
# --------------------------------------------------------------------------------------------

CLIENTS = frozenset(
    {"gmail", "outlook", "outlook_desktop", "outlook_de", "thunderbird_de", "apple", "iphone"}
)


@dataclass(frozen=True)
class Person:
    """Someone who writes or receives mail in the sample.

    ``display`` and ``header_email`` are how the person's own mail system writes their From
    header (Exchange keeps the capitalisation of the primary address, some companies use
    "Last, First" display names); ``email`` is the normalized address used for counting.
    """

    name: str
    email: str
    title: str
    org: str
    zone: str
    client: str
    signature: str = ""
    reply_signature: str | None = None
    display: str = ""
    header_email: str = ""

    @property
    def from_name(self) -> str:
        return self.display or self.name

    @property
    def from_email(self) -> str:
        return self.header_email or self.email


@dataclass(frozen=True)
class Attach:
    """One attachment: file name, MIME type and content."""

    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class Cal:
    """An iCalendar payload carried by a mail (invitation, cancellation, reply, counter)."""

    method: str
    uid: str
    summary: str
    start: str
    end: str
    zone: str
    organizer: Person
    attendees: tuple[Person, ...]
    style: str = "outlook"
    sequence: int = 0
    partstat: str = ""
    comment: str = ""
    location: str = ""
    description: str = ""
    status: str = "CONFIRMED"
    original_start: str = ""


@dataclass
class Mail:
    """One message as written: who, when (sender's local time), what.

    ``parent`` is the index of the message this one answers within its conversation (-1: the
    previous one; None: none). ``link=False`` leaves out In-Reply-To/References although the
    message belongs to the conversation (calendar traffic, a reply from a header-stripping
    phone client). ``outlook=True`` puts a copy in Sam's Outlook export as well.
    """

    sender: Person
    to: tuple[Person, ...]
    at: str
    body: str = ""
    cc: tuple[Person, ...] = ()
    parent: int | None = -1
    subject: str | None = None
    subject_prefix: str = ""
    kind: str = "mail"
    client: str | None = None
    html_only: bool = False
    attachments: tuple[Attach, ...] = ()
    link: bool = True
    quote: bool = True
    sig: bool = True
    forward: bool = False
    outlook: bool = False
    headers: tuple[tuple[str, str], ...] = ()
    unread: bool = False
    cal: Cal | None = None
    bounced: str = ""
    no_date: bool = False
    inline_logo: bool = False


@dataclass
class Conv:
    """A conversation: what Gmail shows as one thread (one X-GM-THRID)."""

    key: str
    subject: str
    mails: list[Mail]
    label: str = ""


def text(block: str) -> str:
    """Dedent a body written in source; lines indented two extra spaces continue the line above.

    Mail clients send a paragraph as one long line; the source wraps it for readability.
    """
    lines: list[str] = []
    for line in textwrap.dedent(block).strip("\n").split("\n"):
        if line.startswith("  ") and lines and lines[-1]:
            lines[-1] = lines[-1] + " " + line.strip()
        else:
            lines.append(line.rstrip())
    return "\n".join(lines).strip("\n")


def m(
    sender: Person, to: Person | tuple[Person, ...], at: str, body: str = "", **kw: object
) -> Mail:
    """Shorthand for a Mail; ``to`` may be one person."""
    recipients = to if isinstance(to, tuple) else (to,)
    cc = kw.pop("cc", ())
    cc = cc if isinstance(cc, tuple) else (cc,)
    return Mail(sender, recipients, at, text(body) if body else "", cc=cc, **kw)  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------
# Small deterministic generators: hashes, ids, binary attachments.
# --------------------------------------------------------------------------------------------


def digest(*parts: object) -> bytes:
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).digest()


def hexid(length: int, *parts: object, upper: bool = False) -> str:
    value = digest(*parts).hex()
    while len(value) < length:
        value += digest(value).hex()
    value = value[:length]
    return value.upper() if upper else value


def number(modulo: int, *parts: object) -> int:
    return int.from_bytes(digest(*parts)[:8], "big") % modulo


def uuid_like(*parts: object, upper: bool = False) -> str:
    h = hexid(32, *parts)
    h = h[:12] + "4" + h[13:16] + "89ab"[int(h[16], 16) % 4] + h[17:]
    value = f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
    return value.upper() if upper else value


_GMAIL_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+=_-"


def gmail_local_part(*parts: object) -> str:
    raw = digest("gmail", *parts) + digest("gmail2", *parts)
    body = "".join(_GMAIL_ALPHABET[b % len(_GMAIL_ALPHABET)] for b in raw[:44])
    return "CA" + "FKJMH"[raw[44] % 5] + body


def make_pdf(title: str, lines: list[str]) -> bytes:
    """A small valid one-page PDF (Helvetica text), with correct xref offsets."""

    def esc(value: str) -> str:
        value = value.encode("latin-1", "replace").decode("latin-1")
        return value.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    content = ["BT", "/F1 18 Tf", "72 720 Td", f"({esc(title)}) Tj", "/F1 11 Tf", "0 -28 Td"]
    for line in lines:
        content += [f"({esc(line)}) Tj", "0 -16 Td"]
    content.append("ET")
    stream = "\n".join(content).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Title (" + esc(title).encode("latin-1") + b") /Producer (Lumora Docs) >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number_, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number_} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info 6 0 R >>\n"
        f"startxref\n{xref}\n%%EOF\n".encode()
    )
    return out.getvalue()


def make_png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A small valid PNG filled with one colour (an email signature logo)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    row = b"\x00" + bytes(rgb) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height, 9))
        + chunk(b"IEND", b"")
    )


def pdf(filename: str, title: str, *lines: str) -> Attach:
    return Attach(filename, "application/pdf", make_pdf(title, list(lines)))


# --------------------------------------------------------------------------------------------
# Header formatting: written by hand so that nothing RFC 2047-encodes Message-ID/References.
# --------------------------------------------------------------------------------------------

_SPECIALS = re.compile(r'[()<>\[\]:;@\\,."]')


def encode_words(value: str, charset: str = "utf-8") -> str:
    """RFC 2047 encoded words for a non-ASCII phrase or subject, folded at 76 characters.

    A Latin-1 client falls back to UTF-8 for characters Latin-1 lacks (an en dash, say).
    """
    try:
        value.encode(charset)
    except UnicodeEncodeError:
        charset = "utf-8"
    return Header(value, charset, maxlinelen=76).encode()


def phrase(name: str, charset: str = "utf-8") -> str:
    if not name.isascii():
        return encode_words(name, charset)
    if _SPECIALS.search(name):
        return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return name


def address(person: Person, charset: str = "utf-8") -> str:
    return f"{phrase(person.from_name, charset)} <{person.from_email}>"


def fold(name: str, items: list[str], separator: str) -> str:
    """One header line, folded greedily at 78 characters between items."""
    line = f"{name}: "
    out: list[str] = []
    for position, item in enumerate(items):
        piece = item + (separator if position < len(items) - 1 else "")
        if len(line) + len(piece.rstrip()) > 78 and line.strip() != f"{name}:":
            out.append(line.rstrip())
            line = " "
        line += piece
    out.append(line.rstrip())
    return "\n".join(out)


def subject_header(name: str, value: str, charset: str = "utf-8", per_word: bool = False) -> str:
    """Subject-like header. Gmail encodes the whole value; Outlook only the non-ASCII words."""
    if value.isascii():
        return fold(name, value.split(" "), " ")
    if not per_word:
        return f"{name}: {encode_words(value, charset)}"
    pieces: list[str] = []
    run: list[str] = []
    for word in [*value.split(" "), None]:
        if word is not None and not word.isascii():
            run.append(word)
            continue
        if run:
            pieces.append(encode_words(" ".join(run), charset))
            run = []
        if word is not None:
            pieces.append(word)
    return fold(name, pieces, " ")


def date_header(moment: datetime, offset_hours: int, comment: str = "", pad: bool = False) -> str:
    local = moment + timedelta(hours=offset_hours)
    sign = "+" if offset_hours >= 0 else "-"
    day = f"{local.day:02d}" if pad else str(local.day)
    value = (
        f"{local:%a}, {day} {local:%b} {local:%Y} {local:%H:%M:%S} {sign}{abs(offset_hours):02d}00"
    )
    return value + (f" ({comment})" if comment else "")


# --------------------------------------------------------------------------------------------
# MIME parts, serialized by hand (LF line endings; the Outlook export converts to CRLF).
# --------------------------------------------------------------------------------------------


@dataclass
class Part:
    headers: list[str]
    body: str = ""
    parts: list[Part] = field(default_factory=list)
    boundary: str = ""


def serialize(part: Part) -> str:
    head = "\n".join(part.headers) + "\n\n"
    if not part.parts:
        return head + part.body + ("" if part.body.endswith("\n") else "\n")
    chunks = [head]
    for child in part.parts:
        chunks.append(f"--{part.boundary}\n{serialize(child)}\n")
    chunks.append(f"--{part.boundary}--\n")
    return "".join(chunks)


def qp(data: bytes) -> str:
    return quopri.encodestring(data, quotetabs=False).decode("ascii")


def b64(data: bytes) -> str:
    return base64.encodebytes(data).decode("ascii")


def text_part(content: str, subtype: str, client: str) -> Part:
    """A text/plain or text/html part encoded the way ``client`` encodes it."""
    is_ascii = content.isascii()
    short = all(len(line) <= 76 for line in content.split("\n"))
    data = content.encode("utf-8")
    if client == "gmail":
        headers = [f'Content-Type: text/{subtype}; charset="UTF-8"']
        if is_ascii and short:
            return Part(headers, content)
        return Part([*headers, "Content-Transfer-Encoding: quoted-printable"], qp(data))
    if client in ("outlook", "outlook_desktop"):
        charset = "us-ascii" if is_ascii else "utf-8"
        return Part(
            [
                f'Content-Type: text/{subtype}; charset="{charset}"',
                "Content-Transfer-Encoding: quoted-printable",
            ],
            qp(data),
        )
    if client == "outlook_de":
        # Outlook picks the smallest charset that holds the text: Latin-1 unless a quoted
        # reply brought in characters it lacks (Gmail's narrow no-break space, say).
        for charset in ("iso-8859-1", "windows-1252", "utf-8"):
            try:
                data = content.encode(charset)
            except UnicodeEncodeError:
                continue
            break
        return Part(
            [
                f'Content-Type: text/{subtype}; charset="{charset}"',
                "Content-Transfer-Encoding: quoted-printable",
            ],
            qp(data),
        )
    if client in ("apple", "iphone"):
        if is_ascii and short:
            return Part(
                [
                    f"Content-Type: text/{subtype};\n\tcharset=us-ascii",
                    "Content-Transfer-Encoding: 7bit",
                ],
                content,
            )
        return Part(
            [
                f"Content-Type: text/{subtype};\n\tcharset=utf-8",
                "Content-Transfer-Encoding: quoted-printable",
            ],
            qp(data),
        )
    if client == "thunderbird_de":
        params = "; format=flowed" if subtype == "plain" else ""
        return Part(
            [
                f"Content-Type: text/{subtype}; charset=UTF-8{params}",
                f"Content-Transfer-Encoding: {'7bit' if is_ascii else '8bit'}",
            ],
            content,
        )
    if client == "bulk":
        return Part(
            [
                f'Content-Type: text/{subtype}; charset="utf-8"',
                "Content-Transfer-Encoding: quoted-printable",
            ],
            qp(data),
        )
    raise ValueError(f"unknown client {client!r}")


def boundary(client: str, seed: str, level: int = 0) -> str:
    if client == "gmail":
        return "000000000000" + hexid(16, "b", seed, level)
    if client.startswith("outlook"):
        return f"_00{level}_{hexid(24, 'b', seed, upper=True)}namprdprodoutlookcom_"
    if client in ("apple", "iphone"):
        return f"Apple-Mail={uuid_like('b', seed, level, upper=True)}"
    if client == "thunderbird_de":
        return "------------" + hexid(24, "b", seed, level)[:24].upper()
    return "==_" + hexid(20, "b", seed, level) + "=="


def attachment_part(item: Attach, client: str, seed: str) -> Part:
    quoted = item.filename if item.filename.isascii() else encode_words(item.filename)
    headers = [
        f'Content-Type: {item.content_type}; name="{quoted}"',
        f'Content-Disposition: attachment; filename="{quoted}"',
        "Content-Transfer-Encoding: base64",
    ]
    if client == "gmail":
        attachment_id = "f_" + hexid(9, "att", seed, item.filename)
        headers += [f"Content-ID: <{attachment_id}>", f"X-Attachment-Id: {attachment_id}"]
    elif client.startswith("outlook"):
        headers = [
            headers[0],
            f"Content-Description: {quoted}",
            f'Content-Disposition: attachment; filename="{quoted}"; size={len(item.data)}',
            headers[2],
        ]
    return Part(headers, b64(item.data))


# --------------------------------------------------------------------------------------------
# Quoting styles: how each client writes the attribution line and the quoted history.
# --------------------------------------------------------------------------------------------

_WEEKDAYS_DE = ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"]
_MONTHS_DE = [
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
]


def clock12(local: datetime, separator: str = " ") -> str:
    hour = local.hour % 12 or 12
    return f"{hour}:{local:%M}{separator}{'AM' if local.hour < 12 else 'PM'}"


def quote_prefix(body: str, style: str) -> str:
    out = []
    for line in body.rstrip("\n").split("\n"):
        if style == "thunderbird":
            out.append(">" + ("" if line.startswith(">") or not line else " ") + line)
        else:
            out.append("> " + line if line else ">")
    return "\n".join(out)


def outlook_people(people: tuple[Person, ...]) -> str:
    return "; ".join(f"{p.from_name} <{p.from_email}>" for p in people)


def escape_lines(value: str) -> str:
    return "<br>\n".join(html.escape(line, quote=False) for line in value.split("\n"))


def paragraphs_html(value: str, outlook: bool = False) -> str:
    """Paragraph markup as Gmail (``<div>``) or Outlook/Word (``<p class=MsoNormal>``) writes it."""
    if outlook:
        rows = []
        for line in value.split("\n"):
            inner = html.escape(line, quote=False) if line else "&nbsp;"
            rows.append(f'<p class="MsoNormal">{inner}<o:p></o:p></p>')
        return "\n".join(rows)
    rows = []
    for line in value.split("\n"):
        rows.append(f"<div>{html.escape(line, quote=False)}</div>" if line else "<div><br></div>")
    return "\n".join(rows)


def wrap_flowed(value: str, width: int = 72) -> str:
    """format=flowed (RFC 3676): soft line breaks end with a space."""
    out = []
    for line in value.split("\n"):
        if len(line) <= width or line.startswith(">") or line == "-- ":
            out.append(line)
            continue
        words = line.split(" ")
        current = ""
        for word in words:
            if current and len(current) + 1 + len(word) > width:
                out.append(current + " ")
                current = word
            else:
                current = f"{current} {word}" if current else word
        out.append(current)
    return "\n".join(out)


# --------------------------------------------------------------------------------------------
# Mail systems: message ids, outbound hosts, Outlook Thread-Index.
# --------------------------------------------------------------------------------------------

# Exchange Online tenants (server prefix, region) for the prospects on Microsoft 365.
TENANTS = {
    "kestrelfreight.com": ("CH3PR12MB", "namprd12"),
    "corvane.com": ("BL1PR19MB", "namprd19"),
    "marlowehealth.com": ("CY8PR22MB", "namprd22"),
    "brixworthprops.com": ("MN2PR05MB", "namprd05"),
    "ashgrovelearning.com": ("SJ0PR11MB", "namprd11"),
    "stellwagenmarine.com": ("BN9PR18MB", "namprd18"),
    "copperline-retail.com": ("DM4PR16MB", "namprd16"),
    "tidewell.co.uk": ("LO4P265MB", "GBRP265"),
}
ON_PREMISES = {
    "nordhafen-logistik.de": (
        "NHL-EXMBX02.nordhafen.local",
        "mx01.nordhafen-logistik.de",
        "203.0.113.41",
    ),
    "feldmann-praezision.de": (
        "FPT-EX01.feldmann.local",
        "mail.feldmann-praezision.de",
        "198.51.100.23",
    ),
}
GOOGLE_HOSTED = frozenset({OUR_DOMAIN, "gmail.com", "quillfeather.com"})


def domain_of(email: str) -> str:
    return email.rpartition("@")[2].lower()


def message_id(client: str, sender: Person, seed: str, moment: datetime) -> str:
    domain = domain_of(sender.email)
    if client == "gmail":
        return f"{gmail_local_part(seed)}@mail.gmail.com"
    if client == "outlook":
        prefix, region = TENANTS[domain]
        server = f"{prefix}{4000 + number(6000, 'srv', domain, seed[:6])}"
        local = server + hexid(24, "mid", seed, upper=True)
        host = f"{server}.{region}.prod.outlook.com"
        # UK tenants write the whole id upper-case, as Exchange Online does for GBR regions.
        return (f"{local}@{host}").upper() if region.startswith("GBR") else f"{local}@{host}"
    if client == "outlook_desktop":
        return (
            f"{number(256, 'a', seed):02x}{number(256, 'b', seed):02x}01dc"
            f"{hexid(4, 'c', seed)}${hexid(8, 'd', seed)}${hexid(8, 'e', seed)}$@{domain}"
        )
    if client == "outlook_de":
        return f"{hexid(32, 'mid', seed, upper=True)}@{ON_PREMISES[domain][0]}"
    if client == "thunderbird_de":
        return f"{uuid_like('mid', seed)}@{domain}"
    if client in ("apple", "iphone"):
        return f"{uuid_like('mid', seed, upper=True)}@{domain}"
    if client == "dsn":
        return (
            f"{hexid(8, 'd1', seed)}.{hexid(8, 'd2', seed)}.{hexid(5, 'd3', seed)}."
            f"{hexid(4, 'd4', seed)}.GMR@mx.google.com"
        )
    if client == "bulk":
        return f"{moment:%Y%m%d%H%M%S}.{hexid(12, 'nl', seed)}@mail.pipelinebrief.news"
    raise ValueError(client)


def outbound_host(email: str) -> tuple[str, str]:
    domain = domain_of(email)
    if domain in GOOGLE_HOSTED or domain == "googlemail.com":
        n = 20 + number(60, "sor", email)
        return f"mail-sor-f{n}.google.com", f"209.85.220.{n}"
    if domain in ON_PREMISES:
        return ON_PREMISES[domain][1], ON_PREMISES[domain][2]
    if domain in TENANTS:
        region = "lo2gbr01" if domain.endswith(".uk") else "dm6nam12"
        n = number(1000, "host", domain)
        return (
            f"mail-{region}on2{n:03d}.outbound.protection.outlook.com",
            f"40.107.{number(250, 'ip', domain)}.{n % 250}",
        )
    return f"o7.email.{domain}", "192.0.2.77"


def filetime(moment: datetime) -> int:
    return int((moment - datetime(1601, 1, 1, tzinfo=UTC)).total_seconds() * 10**7)


def thread_index(conv_key: str, root_time: datetime, chain: list[datetime]) -> str:
    """Outlook Thread-Index: 22-byte header (FILETIME high bytes + GUID), 5 bytes per level.

    Each child block holds the time since the header (31 bits of FILETIME >> 18) plus a
    random nibble and a sequence nibble, as [MS-OXOMSG] PidTagConversationIndex describes.
    """
    header_time = filetime(root_time) >> 16
    data = header_time.to_bytes(6, "big") + digest("guid", conv_key)[:16]
    for level, moment in enumerate(chain, start=1):
        delta = max(0, filetime(moment) - (header_time << 16))
        if delta < 1 << 49:
            value = (delta >> 18) & 0x7FFFFFFF
        else:
            value = 0x80000000 | ((delta >> 23) & 0x7FFFFFFF)
        tail = ((number(16, "rnd", conv_key, level) << 4) | (level & 0x0F)).to_bytes(1, "big")
        data += value.to_bytes(4, "big") + tail
    return base64.b64encode(data).decode("ascii")


# --------------------------------------------------------------------------------------------
# Rendering one mail: subject, quoting, MIME structure, headers as the sender's client writes.
# --------------------------------------------------------------------------------------------

# Prefixes Exchange puts on notices; Thread-Topic keeps the conversation's own topic.
_NOTICE_PREFIX = re.compile(
    r"^(Canceled|Accepted|Declined|Tentative|New Time Proposed|Automatic reply|Out of Office|"
    r"Abwesenheitsnotiz|Automatische Antwort)\s*:\s*",
    re.IGNORECASE,
)
_REPLY_PREFIX = re.compile(r"^(re|aw)\s*:\s*", re.IGNORECASE)


def reply_subject(parent_subject: str, client: str) -> str:
    """The subject each client gives a reply (Gmail does not know the German 'AW:')."""
    if client == "outlook_de":
        return "AW: " + _REPLY_PREFIX.sub("", parent_subject, count=1)
    if client in ("outlook", "outlook_desktop"):
        return "RE: " + re.sub(r"^re\s*:\s*", "", parent_subject, count=1, flags=re.IGNORECASE)
    if re.match(r"^re\s*:", parent_subject, re.IGNORECASE):
        return parent_subject
    return "Re: " + parent_subject


def base_subject(subject: str) -> str:
    previous = None
    while previous != subject:
        previous = subject
        subject = re.sub(r"^(re|aw|fwd?|wg)\s*:\s*", "", subject, flags=re.IGNORECASE)
    return subject


@dataclass
class Rendered:
    """A mail after rendering: ids, final subject, text, and the MIME tree with its headers."""

    conv: Conv
    index: int
    mail: Mail
    parent: Rendered | None
    client: str
    utc: datetime
    offset: int
    message_id: str
    subject: str
    chain: list[Rendered]
    plain: str = ""
    html_inner: str = ""
    root: Part | None = None

    @property
    def seed(self) -> str:
        return f"{self.conv.key}/{self.index}"

    @property
    def participants(self) -> list[Person]:
        return [self.mail.sender, *self.mail.to, *self.mail.cc]


def signature_for(rendered: Rendered) -> str:
    mail, person = rendered.mail, rendered.mail.sender
    if rendered.client == "iphone":
        return "Sent from my iPhone"
    if not mail.sig:
        return ""
    if rendered.parent is not None and person.reply_signature is not None:
        return person.reply_signature
    return person.signature


def attribution(rendered: Rendered, parent: Rendered) -> tuple[str, str]:
    """The line introducing the quoted parent, in the replier's time zone: (plain, html)."""
    local, _, _ = utc_to_local(rendered.mail.sender.zone, parent.utc)
    who = parent.mail.sender
    client = rendered.client
    if client == "gmail":
        line = (
            f"On {local:%a}, {local:%b} {local.day}, {local:%Y} at {clock12(local, chr(0x202F))} "
            f"{who.from_name} <{who.from_email}> wrote:"
        )
        # Gmail breaks a long attribution line after the "<" of the address.
        plain = line if len(line) <= 78 else line.replace(" <", " <\n", 1)
        link = f'&lt;<a href="mailto:{who.from_email}">{who.from_email}</a>&gt;'
        html_line = html.escape(line).replace(html.escape(f"<{who.from_email}>"), link)
        return plain, html_line
    if client in ("apple", "iphone"):
        line = (
            f"On {local:%b} {local.day}, {local:%Y}, at {clock12(local)}, "
            f"{who.from_name} <{who.from_email}> wrote:"
        )
        return line, html.escape(line)
    if client == "thunderbird_de":
        line = f"Am {local:%d.%m.%Y} um {local:%H:%M} schrieb {who.from_name}:"
        return line, html.escape(line)
    raise ValueError(client)


def outlook_header_block(rendered: Rendered, parent: Rendered, german: bool) -> list[str]:
    local, _, _ = utc_to_local(rendered.mail.sender.zone, parent.utc)
    who = parent.mail.sender
    if german:
        sent = (
            f"{_WEEKDAYS_DE[local.weekday()]}, {local.day}. {_MONTHS_DE[local.month - 1]} "
            f"{local:%Y} {local:%H:%M}"
        )
        rows = [
            f"Von: {who.from_name} <{who.from_email}>",
            f"Gesendet: {sent}",
            f"An: {outlook_people(parent.mail.to)}",
        ]
        if parent.mail.cc:
            rows.append(f"Cc: {outlook_people(parent.mail.cc)}")
        rows.append(f"Betreff: {parent.subject}")
        return rows
    sent = f"{local:%A}, {local:%B} {local.day}, {local:%Y} {clock12(local)}"
    rows = [
        f"From: {who.from_name} <{who.from_email}>",
        f"Sent: {sent}",
        f"To: {outlook_people(parent.mail.to)}",
    ]
    if parent.mail.cc:
        rows.append(f"Cc: {outlook_people(parent.mail.cc)}")
    rows.append(f"Subject: {parent.subject}")
    return rows


def forward_block(rendered: Rendered, parent: Rendered) -> tuple[str, str]:
    local, _, _ = utc_to_local(rendered.mail.sender.zone, parent.utc)
    who = parent.mail.sender
    rows = [
        "---------- Forwarded message ---------",
        f"From: {who.from_name} <{who.from_email}>",
        f"Date: {local:%a}, {local:%b} {local.day}, {local:%Y} at {clock12(local, chr(0x202F))}",
        f"Subject: {parent.subject}",
        f"To: {', '.join(f'{p.from_name} <{p.from_email}>' for p in parent.mail.to)}",
    ]
    if parent.mail.cc:
        rows.append(f"Cc: {', '.join(f'{p.from_name} <{p.from_email}>' for p in parent.mail.cc)}")
    plain = "\n".join(rows) + "\n\n\n" + parent.plain.rstrip("\n")
    markup = "<br>".join(html.escape(r) for r in rows)
    return plain, (
        f'<div class="gmail_quote gmail_quote_container"><div dir="ltr" class="gmail_attr">'
        f"{markup}<br></div><br><br>{parent.html_inner}</div>"
    )


def compose(rendered: Rendered) -> None:
    """Fill ``plain`` and ``html_inner``: new text, signature, quoted history per client."""
    mail, client, parent = rendered.mail, rendered.client, rendered.parent
    new = mail.body
    sig = signature_for(rendered)
    quoted = parent is not None and mail.quote and mail.kind == "mail"
    logo = ""
    if mail.inline_logo:
        cid_high = hexid(4, "cid", rendered.seed, upper=True)
        cid_low = hexid(8, "cid2", rendered.seed, upper=True)
        logo = (
            f'<p class="MsoNormal"><img width="120" height="32" style="width:1.25in;height:.3333in"'
            f' id="Picture_x0020_1" src="cid:image001.png@01DC{cid_high}.{cid_low}"'
            f' alt="{html.escape(mail.sender.org)}">'
            f"<o:p></o:p></p>"
        )

    if client == "gmail":
        plain_parts = [new]
        markup = f'<div dir="ltr">{paragraphs_html(new)}'
        if sig:
            plain_parts.append("-- \n" + sig)
            markup += (
                '<br clear="all"><div><br></div><span class="gmail_signature_prefix">-- </span>'
                '<br><div dir="ltr" class="gmail_signature" data-smartmail="gmail_signature">'
                f'<div dir="ltr">{escape_lines(sig)}</div></div>'
            )
        markup += "</div>"
        if parent is not None and mail.forward:
            fwd_plain, fwd_html = forward_block(rendered, parent)
            plain_parts.append(fwd_plain)
            markup += "<br>" + fwd_html
        elif quoted and parent is not None:
            attr_plain, attr_html = attribution(rendered, parent)
            plain_parts.append(attr_plain + "\n\n" + quote_prefix(parent.plain, "gmail"))
            markup += (
                '<br><div class="gmail_quote gmail_quote_container"><div dir="ltr" '
                f'class="gmail_attr">{attr_html}<br></div><blockquote class="gmail_quote" '
                'style="margin:0px 0px 0px 0.8ex;border-left:1px solid rgb(204,204,204);'
                f'padding-left:1ex">{parent.html_inner}</blockquote></div>'
            )
        rendered.plain = "\n\n".join(plain_parts) + "\n"
        rendered.html_inner = markup
        return

    if client in ("outlook", "outlook_desktop"):
        plain_parts = [new] + ([sig] if sig else [])
        markup = paragraphs_html(new, outlook=True)
        if sig:
            markup += "\n" + paragraphs_html("\n" + sig, outlook=True)
        markup += logo
        if quoted and parent is not None:
            rows = outlook_header_block(rendered, parent, german=False)
            plain_parts.append("\n".join(rows) + "\n\n" + parent.plain.rstrip("\n"))
            bold = "<br>\n".join(
                f"<b>{html.escape(r.split(': ', 1)[0])}:</b> {html.escape(r.split(': ', 1)[1])}"
                for r in rows
            )
            markup += (
                '\n<div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0in 0in '
                f'0in"><p class="MsoNormal">{bold}<o:p></o:p></p></div>\n'
                f'<p class="MsoNormal"><o:p>&nbsp;</o:p></p>\n{parent.html_inner}'
            )
        rendered.plain = "\n\n".join(plain_parts) + "\n"
        rendered.html_inner = markup
        return

    if client == "outlook_de":
        plain_parts = [new] + ([sig] if sig else [])
        if quoted and parent is not None:
            rows = outlook_header_block(rendered, parent, german=True)
            plain_parts.append(
                "-----Ursprüngliche Nachricht-----\n"
                + "\n".join(rows)
                + "\n\n"
                + parent.plain.rstrip("\n")
            )
        rendered.plain = "\n\n".join(plain_parts) + "\n"
        rendered.html_inner = f"<div>{escape_lines(rendered.plain.rstrip())}</div>"
        return

    if client == "thunderbird_de":
        # Thunderbird's default: the reply goes *below* the quote (bottom-posting).
        plain_parts = []
        if quoted and parent is not None:
            attr_plain, _ = attribution(rendered, parent)
            plain_parts.append(attr_plain + "\n" + quote_prefix(parent.plain, "thunderbird"))
        plain_parts.append(wrap_flowed(new))
        if sig:
            plain_parts.append("-- \n" + sig)
        rendered.plain = "\n\n".join(plain_parts) + "\n"
        rendered.html_inner = f"<div>{escape_lines(rendered.plain.rstrip())}</div>"
        return

    if client in ("apple", "iphone"):
        plain_parts = [new] + ([sig] if sig else [])
        markup = f'<div dir="ltr">{escape_lines(new)}</div>'
        if sig:
            markup += f'<div dir="ltr"><br></div><div dir="ltr">{escape_lines(sig)}</div>'
        if quoted and parent is not None:
            attr_plain, attr_html = attribution(rendered, parent)
            plain_parts.append(quote_prefix(attr_plain + "\n\n" + parent.plain, "apple"))
            markup += (
                f'<div dir="ltr"><br><blockquote type="cite">{attr_html}<br><br></blockquote>'
                f'</div><blockquote type="cite"><div dir="ltr">{parent.html_inner}</div>'
                "</blockquote>"
            )
        rendered.plain = "\n\n".join(plain_parts) + "\n"
        rendered.html_inner = markup
        return
    raise ValueError(client)


_OUTLOOK_HEAD = (
    '<html xmlns:v="urn:schemas-microsoft-com:vml" '
    'xmlns:o="urn:schemas-microsoft-com:office:office"'
    ' xmlns:w="urn:schemas-microsoft-com:office:word" '
    'xmlns:m="http://schemas.microsoft.com/office/2004/12/omml" '
    'xmlns="http://www.w3.org/TR/REC-html40">\n<head>\n'
    '<meta http-equiv="Content-Type" content="text/html; charset={charset}">\n'
    '<meta name="Generator" content="Microsoft Word 15 (filtered medium)">\n'
    "<style><!--\n/* Font Definitions */\n@font-face\n\t{{font-family:Calibri;}}\n"
    "p.MsoNormal, li.MsoNormal, div.MsoNormal\n\t{{margin:0in;\n\tfont-size:11.0pt;\n\t"
    'font-family:"Calibri",sans-serif;}}\n.MsoChpDefault\n\t{{mso-style-type:export-only;}}\n'
    "div.WordSection1\n\t{{page:WordSection1;}}\n--></style>\n</head>\n"
    '<body lang="EN-US" link="#0563C1" vlink="#954F72" style="word-wrap:break-word">\n'
    '<div class="WordSection1">\n'
)


def html_document(rendered: Rendered) -> str:
    client, inner = rendered.client, rendered.html_inner
    if client == "gmail":
        return inner + "\n"
    if client in ("outlook", "outlook_desktop"):
        charset = "us-ascii" if inner.isascii() else "utf-8"
        return _OUTLOOK_HEAD.format(charset=charset) + inner + "\n</div>\n</body>\n</html>\n"
    if client in ("apple", "iphone"):
        return (
            '<html aria-label="message body"><head><meta http-equiv="content-type" '
            'content="text/html; charset=utf-8"></head><body style="overflow-wrap: break-word; '
            '-webkit-nbsp-mode: space; line-break: after-white-space;">'
            + inner
            + "</body></html>\n"
        )
    return f"<html><body>{inner}</body></html>\n"


# --------------------------------------------------------------------------------------------
# Calendar payloads (RFC 5545), as Exchange and Thunderbird write them.
# --------------------------------------------------------------------------------------------


def ics_fold(line: str) -> list[str]:
    """Fold one content line at 75 octets (continuation lines start with a space)."""
    out, current = [], ""
    for char in line:
        limit = 75 if not out else 74
        if len((current + char).encode("utf-8")) > limit:
            out.append(current)
            current = char
        else:
            current += char
    out.append(current)
    return [out[0]] + [" " + piece for piece in out[1:]]


def ics_text(value: str) -> str:
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _us_vtimezone(zone: Zone) -> list[str]:
    def off(hours: int) -> str:
        return f"{'+' if hours >= 0 else '-'}{abs(hours):02d}00"

    return [
        "BEGIN:VTIMEZONE",
        f"TZID:{zone.windows_name}",
        "BEGIN:STANDARD",
        "DTSTART:16010101T020000",
        f"TZOFFSETFROM:{off(zone.dst)}",
        f"TZOFFSETTO:{off(zone.std)}",
        "RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=1SU;BYMONTH=11",
        "END:STANDARD",
        "BEGIN:DAYLIGHT",
        "DTSTART:16010101T020000",
        f"TZOFFSETFROM:{off(zone.std)}",
        f"TZOFFSETTO:{off(zone.dst)}",
        "RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=2SU;BYMONTH=3",
        "END:DAYLIGHT",
        "END:VTIMEZONE",
    ]


_BERLIN_VTIMEZONE = [
    "BEGIN:VTIMEZONE",
    "TZID:Europe/Berlin",
    "X-LIC-LOCATION:Europe/Berlin",
    "BEGIN:DAYLIGHT",
    "TZNAME:CEST",
    "TZOFFSETFROM:+0100",
    "TZOFFSETTO:+0200",
    "DTSTART:19700329T020000",
    "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3",
    "END:DAYLIGHT",
    "BEGIN:STANDARD",
    "TZNAME:CET",
    "TZOFFSETFROM:+0200",
    "TZOFFSETTO:+0100",
    "DTSTART:19701025T030000",
    "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10",
    "END:STANDARD",
    "END:VTIMEZONE",
]


def ics(cal: Cal, sender: Person, stamp: datetime) -> str:
    """The VCALENDAR text (CRLF line endings, folded) for one calendar message."""
    start, end = parse_local(cal.start), parse_local(cal.end)
    zone = ZONES[cal.zone]
    tzid = "Europe/Berlin" if cal.style == "thunderbird" else zone.windows_name
    lines = ["BEGIN:VCALENDAR"]
    if cal.style == "thunderbird":
        lines += [
            "PRODID:-//Mozilla.org/NONSGML Mozilla Calendar V1.1//EN",
            "VERSION:2.0",
            f"METHOD:{cal.method}",
            *_BERLIN_VTIMEZONE,
        ]
    else:
        lines += [
            f"METHOD:{cal.method}",
            "PRODID:Microsoft Exchange Server 2010",
            "VERSION:2.0",
            *_us_vtimezone(zone),
        ]
    lines.append("BEGIN:VEVENT")
    organizer = cal.organizer
    lines.append(f"ORGANIZER;CN={organizer.name}:mailto:{organizer.from_email}")
    for person in cal.attendees:
        if cal.method in ("REPLY", "COUNTER") and person is sender:
            partstat = cal.partstat
            lines.append(
                f"ATTENDEE;PARTSTAT={partstat};CN={person.name}:mailto:{person.from_email}"
            )
        elif cal.method in ("REQUEST", "CANCEL"):
            lines.append(
                f"ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE;CN={person.name}"
                f":mailto:{person.from_email}"
            )
    if cal.comment:
        lines.append(f"COMMENT;LANGUAGE=en-US:{ics_text(cal.comment)}")
    if cal.description:
        lang = "" if cal.style == "thunderbird" else ";LANGUAGE=en-US"
        lines.append(f"DESCRIPTION{lang}:{ics_text(cal.description)}")
    lines.append(f"UID:{cal.uid}")
    summary = cal.summary
    if cal.method == "REPLY":
        summary = ("Accepted: " if cal.partstat == "ACCEPTED" else "Declined: ") + summary
    if cal.method == "CANCEL":
        summary = "Canceled: " + summary
    lang = "" if cal.style == "thunderbird" else ";LANGUAGE=en-US"
    lines.append(f"SUMMARY{lang}:{ics_text(summary)}")
    lines.append(f"DTSTART;TZID={tzid}:{start:%Y%m%dT%H%M%S}")
    lines.append(f"DTEND;TZID={tzid}:{end:%Y%m%dT%H%M%S}")
    if cal.original_start:
        original = parse_local(cal.original_start)
        lines.append(f"X-MS-OLK-ORIGINALSTART;TZID={tzid}:{original:%Y%m%dT%H%M%S}")
    if cal.style != "thunderbird":
        lines += ["CLASS:PUBLIC", f"PRIORITY:{1 if cal.method == 'CANCEL' else 5}"]
    lines.append(f"DTSTAMP:{stamp:%Y%m%dT%H%M%SZ}")
    lines += ["TRANSP:OPAQUE", f"STATUS:{cal.status}", f"SEQUENCE:{cal.sequence}"]
    if cal.location:
        lines.append(f"LOCATION{lang}:{ics_text(cal.location)}")
    if cal.style != "thunderbird":
        lines += [
            "X-MICROSOFT-CDO-APPT-SEQUENCE:" + str(cal.sequence),
            "X-MICROSOFT-CDO-BUSYSTATUS:" + ("FREE" if cal.method == "CANCEL" else "BUSY"),
            "X-MICROSOFT-CDO-IMPORTANCE:1",
            "X-MICROSOFT-DISALLOW-COUNTER:FALSE",
        ]
    if cal.method == "REQUEST":
        lines += [
            "BEGIN:VALARM",
            "DESCRIPTION:REMINDER",
            "TRIGGER;RELATED=START:-PT15M",
            "ACTION:DISPLAY",
            "END:VALARM",
        ]
    lines += ["END:VEVENT", "END:VCALENDAR"]
    folded: list[str] = []
    for line in lines:
        folded += ics_fold(line)
    return "\r\n".join(folded) + "\r\n"


# --------------------------------------------------------------------------------------------
# The MIME body of a rendered mail, and the headers its sender's client writes.
# --------------------------------------------------------------------------------------------


def content_part(rendered: Rendered) -> Part:
    mail, client, seed = rendered.mail, rendered.client, rendered.seed
    if mail.kind == "bounce":
        return bounce_part(rendered)
    plain_only = client in ("thunderbird_de", "outlook_de")
    if mail.kind == "news":
        return text_part(mail.body, "html", "bulk")
    if mail.html_only:
        html_part = text_part(html_document(rendered), "html", client)
        if not mail.inline_logo:
            body = html_part
        else:
            logo = make_png(120, 32, (12, 59, 94))
            cid = re.search(r'src="cid:([^"]+)"', rendered.html_inner)
            assert cid is not None
            image = Part(
                [
                    'Content-Type: image/png; name="image001.png"',
                    "Content-Description: image001.png",
                    f'Content-Disposition: inline; filename="image001.png"; size={len(logo)}',
                    f"Content-ID: <{cid.group(1)}>",
                    "Content-Transfer-Encoding: base64",
                ],
                b64(logo),
            )
            body = Part(
                [
                    f'Content-Type: multipart/related;\n\tboundary="{boundary(client, seed, 4)}";'
                    '\n\ttype="text/html"'
                ],
                parts=[html_part, image],
                boundary=boundary(client, seed, 4),
            )
    elif plain_only and mail.cal is None:
        body = text_part(rendered.plain, "plain", client)
    else:
        children = [text_part(rendered.plain, "plain", client)]
        if not plain_only:
            children.append(text_part(html_document(rendered), "html", client))
        if mail.cal is not None:
            calendar = ics(mail.cal, mail.sender, rendered.utc)
            method = mail.cal.method
            if mail.cal.style == "thunderbird":
                children.append(
                    Part(
                        [
                            f"Content-Type: text/calendar; charset=UTF-8; method={method}",
                            "Content-Transfer-Encoding: 8bit",
                        ],
                        calendar.replace("\r\n", "\n"),
                    )
                )
            else:
                children.append(
                    Part(
                        [
                            f'Content-Type: text/calendar; charset="utf-8"; method={method}',
                            "Content-Transfer-Encoding: base64",
                        ],
                        b64(calendar.encode("utf-8")),
                    )
                )
        alt = boundary(client, seed, 1)
        body = Part(
            [f'Content-Type: multipart/alternative;\n\tboundary="{alt}"'],
            parts=children,
            boundary=alt,
        )
        if mail.cal is not None and mail.cal.style == "thunderbird":
            calendar = ics(mail.cal, mail.sender, rendered.utc)
            invite = Attach("invite.ics", "application/ics", calendar.encode("utf-8"))
            mixed = boundary(client, seed, 2)
            return Part(
                [f'Content-Type: multipart/mixed; boundary="{mixed}"'],
                parts=[body, attachment_part(invite, client, seed)],
                boundary=mixed,
            )
    if mail.attachments:
        mixed = boundary(client, seed, 2)
        return Part(
            [f'Content-Type: multipart/mixed;\n\tboundary="{mixed}"'],
            parts=[body] + [attachment_part(a, client, seed) for a in mail.attachments],
            boundary=mixed,
        )
    return body


def bounce_part(rendered: Rendered) -> Part:
    """A Gmail delivery status notification (RFC 3464) for ``mail.bounced``."""
    assert rendered.parent is not None
    original, failed = rendered.parent, rendered.mail.bounced
    arrival = date_header(original.utc, -7, "PDT", pad=True)
    last = date_header(rendered.utc - timedelta(seconds=2), -7, "PDT", pad=True)
    remote = (
        f"550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient {failed} not found by SMTP "
        f"address lookup [SJ1PEPF0000{hexid(4, 'r', rendered.seed, upper=True)}.namprd11.prod"
        f".outlook.com {rendered.utc:%Y-%m-%dT%H:%M:%S}.118Z 08DCE9A1B2C3D4E5]"
    )
    notice = text(
        f"""
        ** Address not found **

        Your message wasn't delivered to {failed} because the address couldn't be found,
          or is unable to receive mail.

        Learn more here: https://support.google.com/mail/answer/6596

        The response from the remote server was:
        {remote}
        """
    )
    notice_html = (
        '<html>\n<head>\n<style>\n* {\nfont-family:Roboto, "Helvetica Neue", Helvetica, Arial, '
        'sans-serif;\n}\n</style>\n</head>\n<body>\n<table cellpadding="0" cellspacing="0" '
        'class="email-wrapper" style="padding-top:32px;background-color:#ffffff;"><tbody>\n'
        '<tr><td><table cellpadding=0 cellspacing=0><tbody><tr><td style="font-size:24px;">'
        'Address not found</td></tr>\n<tr><td style="padding-top:24px;">Your message wasn\'t '
        f"delivered to <a style='color:#212121;text-decoration:none;'><b>{failed}</b></a> because "
        "the address couldn't be found, or is unable to receive mail.</td></tr>\n"
        '<tr><td style="padding-top:24px;">The response from the remote server was:</td></tr>\n'
        f'<tr><td style="font-family:monospace;">{html.escape(remote)}</td></tr>\n'
        "</tbody></table></td></tr></tbody></table>\n</body>\n</html>\n"
    )
    alt = boundary("gmail", rendered.seed, 7)
    human = Part(
        [f'Content-Type: multipart/alternative; boundary="{alt}"'],
        parts=[text_part(notice + "\n", "plain", "gmail"), text_part(notice_html, "html", "gmail")],
        boundary=alt,
    )
    status = text(
        f"""
        Reporting-MTA: dns; googlemail.com
        Received-From-MTA: dns; {original.mail.sender.email}
        Arrival-Date: {arrival}
        X-Original-Message-ID: <{original.message_id}>

        Final-Recipient: rfc822; {failed}
        Action: failed
        Status: 5.1.10
        Remote-MTA: dns; ashgrovelearning-com.mail.protection.outlook.com.
          (52.101.40.12, the server for the domain ashgrovelearning.com.)
        Diagnostic-Code: smtp; {remote}
        Last-Attempt-Date: {last}
        """
    )
    report = Part(["Content-Type: message/delivery-status"], status + "\n")
    assert original.root is not None
    attached = Part(["Content-Type: message/rfc822"], serialize(original.root))
    outer = boundary("gmail", rendered.seed, 8)
    return Part(
        [f'Content-Type: multipart/report; boundary="{outer}"; report-type=delivery-status'],
        parts=[human, report, attached],
        boundary=outer,
    )


def core_headers(rendered: Rendered) -> list[str]:
    """Headers written by the sender's mail client, in that client's order and spelling."""
    mail, client = rendered.mail, rendered.client
    charset = "iso-8859-1" if client == "outlook_de" else "utf-8"
    sender = address(mail.sender, charset)
    to = fold("To", [address(p, charset) for p in mail.to], ", ")
    cc = fold("Cc", [address(p, charset) for p in mail.cc], ", ") if mail.cc else ""
    per_word = client.startswith("outlook")
    subject = subject_header("Subject", rendered.subject, charset, per_word)
    refs = [f"<{r.message_id}>" for r in rendered.chain[:-1]] if mail.link else []
    references = fold("References", refs, " ") if refs else ""
    in_reply_to = f"In-Reply-To: <{rendered.parent.message_id}>" if refs and rendered.parent else ""
    local_date = date_header(rendered.utc, rendered.offset)
    mid = f"Message-ID: <{rendered.message_id}>"
    extra = [f"{k}: {v}" for k, v in mail.headers]
    date = "" if mail.no_date else f"Date: {local_date}"

    def keep(*rows: str) -> list[str]:
        return [row for row in rows if row]

    if client == "gmail":
        return keep(
            "MIME-Version: 1.0",
            date,
            references,
            in_reply_to,
            mid,
            subject,
            f"From: {sender}",
            to,
            cc,
            *extra,
        )
    if client == "dsn":
        return keep(
            "Return-Path: <>",
            f"From: {sender}",
            to,
            "Auto-Submitted: auto-replied",
            subject,
            references,
            in_reply_to,
            f"X-Failed-Recipients: {mail.bounced}",
            mid,
            f"Date: {date_header(rendered.utc, -7, 'PDT')}",
            "MIME-Version: 1.0",
        )
    topic_text = base_subject(_NOTICE_PREFIX.sub("", rendered.subject))
    topic = subject_header("Thread-Topic", topic_text, charset, per_word)
    index = ""
    if mail.link or mail.kind in ("cal", "auto"):
        root_time = rendered.chain[0].utc
        index = "Thread-Index: " + thread_index(
            rendered.conv.key, root_time, [r.utc for r in rendered.chain[1:]]
        )
    if client == "outlook":
        utc_date = "" if mail.no_date else f"Date: {date_header(rendered.utc, 0)}"
        return keep(
            f"From: {sender}",
            to,
            cc.replace("Cc:", "CC:", 1),
            subject,
            topic,
            index,
            utc_date,
            mid,
            references,
            in_reply_to,
            "Accept-Language: en-US",
            "Content-Language: en-US",
            f"X-MS-Has-Attach: {'yes' if mail.attachments or mail.inline_logo else ''}",
            "X-MS-TNEF-Correlator:",
            *extra,
            "MIME-Version: 1.0",
        )
    if client == "outlook_desktop":
        return keep(
            f"From: {sender}",
            to,
            cc,
            references,
            in_reply_to,
            subject,
            date,
            mid,
            "MIME-Version: 1.0",
            "X-Mailer: Microsoft Outlook 16.0",
            index,
            "Content-Language: en-us",
            *extra,
        )
    if client == "outlook_de":
        return keep(
            f"From: {sender}",
            to,
            cc.replace("Cc:", "CC:", 1),
            subject,
            topic,
            index,
            date,
            mid,
            references,
            in_reply_to,
            "Accept-Language: de-DE, en-US",
            "Content-Language: de-DE",
            "X-MS-Has-Attach:",
            f"X-Originating-IP: [10.12.4.{number(200, 'ip', mail.sender.email) + 20}]",
            *extra,
            "MIME-Version: 1.0",
        )
    if client == "thunderbird_de":
        return keep(
            mid,
            date,
            "MIME-Version: 1.0",
            "User-Agent: Mozilla Thunderbird",
            subject,
            "Content-Language: de-DE",
            to,
            cc,
            references,
            f"From: {sender}",
            in_reply_to,
            *extra,
        )
    if client in ("apple", "iphone"):
        mailer = (
            "X-Mailer: iPhone Mail (22A3370)"
            if client == "iphone"
            else "X-Mailer: Apple Mail (2.3826.200.121)"
        )
        version = (
            "Mime-Version: 1.0 (1.0)"
            if client == "iphone"
            else "Mime-Version: 1.0 (Mac OS X Mail 16.0 \\(3826.200.121\\))"
        )
        return keep(
            f"From: {sender}",
            version,
            subject,
            in_reply_to,
            date,
            cc,
            f"Message-Id: <{rendered.message_id}>",
            references,
            to,
            mailer,
            *extra,
        )
    if client == "bulk":
        return keep(f"From: {sender}", to, subject, date, mid, "MIME-Version: 1.0", *extra)
    raise ValueError(client)


def render_conversations(convs: list[Conv]) -> list[Rendered]:
    """Render every mail of every conversation, parents before children."""
    out: list[Rendered] = []
    for conv in convs:
        done: list[Rendered] = []
        for index, mail in enumerate(conv.mails):
            parent_index = mail.parent
            if parent_index == -1:
                parent_index = index - 1 if index > 0 else None
            parent = done[parent_index] if parent_index is not None else None
            client = mail.client or mail.sender.client
            if mail.kind == "bounce":
                client = "dsn"
            elif mail.kind == "news":
                client = "bulk"
            assert client in CLIENTS | {"dsn", "bulk"}, client
            local = parse_local(mail.at)
            seconds = number(60, "sec", conv.key, index)
            if local.second == 0 and mail.at.count(":") == 1:
                local = local.replace(second=seconds)
            utc, offset = local_to_utc(mail.sender.zone, local)
            if mail.subject is not None:
                subject = mail.subject
            elif mail.subject_prefix and parent is not None:
                subject = mail.subject_prefix + parent.subject
            elif parent is None:
                subject = conv.subject
            elif mail.forward:
                subject = "Fwd: " + parent.subject
            else:
                subject = reply_subject(parent.subject, client)
            seed = f"{conv.key}/{index}"
            rendered = Rendered(
                conv=conv,
                index=index,
                mail=mail,
                parent=parent,
                client=client,
                utc=utc,
                offset=offset,
                message_id=message_id(client, mail.sender, seed, utc),
                subject=subject,
                chain=[],
            )
            rendered.chain = ([*parent.chain] if parent is not None else []) + [rendered]
            if client not in ("dsn", "bulk"):
                compose(rendered)
            else:
                rendered.plain = mail.body
            content = content_part(rendered)
            rendered.root = Part(
                core_headers(rendered) + content.headers,
                content.body,
                content.parts,
                content.boundary,
            )
            done.append(rendered)
        out += done
    return out


# --------------------------------------------------------------------------------------------
# Copies: the same message as Dana's Gmail and Sam's Outlook each stored it.
# --------------------------------------------------------------------------------------------


def received_at(rendered: Rendered, owner: Person) -> datetime:
    return rendered.utc + timedelta(seconds=2 + number(9, "delay", rendered.seed, owner.email))


def envelope(rendered: Rendered, owner: Person) -> list[str]:
    """Delivered-To, Received and Return-Path as Google adds them on delivery to ``owner``."""
    at = received_at(rendered, owner)
    _, offset, abbr = utc_to_local("PT", at)
    stamp = date_header(at, offset, abbr, pad=True)
    seed = rendered.seed + owner.email
    smtp_id = f"{hexid(8, 'smtp', seed)}{hexid(2, 'x', seed)}.{hexid(3, 'y', seed)}.2026"
    top = (
        f"Received: by 2002:a05:7300:{hexid(4, 'r1', seed)}:b0:{hexid(3, 'r2', seed)}:"
        f"{hexid(5, 'r3', seed)} with SMTP id {hexid(2, 'r4', seed)}csp{number(9999999, seed)};\n"
        f"        {stamp}"
    )
    rows = [f"Delivered-To: {owner.email}", top]
    sender = rendered.mail.sender
    if rendered.client == "dsn":
        return rows
    host, ip = outbound_host(sender.email)
    secure = "ESMTPS" if domain_of(sender.email) not in GOOGLE_HOSTED else "SMTPS"
    rows += [
        f"Return-Path: <{sender.from_email}>",
        f"Received: from {host} ({host}. [{ip}])\n        by mx.google.com with {secure} id "
        f"{smtp_id}\n        for <{owner.email}>\n        (version=TLS1_3 "
        f"cipher=TLS_AES_256_GCM_SHA384 bits=256/256);\n        {stamp}",
        f"Received-SPF: pass (google.com: domain of {sender.from_email} designates {ip} as "
        f"permitted sender) client-ip={ip};",
    ]
    return rows


def with_headers(part: Part, extra: list[str]) -> str:
    return serialize(Part(extra + part.headers, part.body, part.parts, part.boundary))


def gmail_id(moment: datetime, seed: str) -> int:
    """Gmail message ids are a millisecond timestamp shifted left 20 bits plus low bits."""
    return (int(moment.timestamp() * 1000) << 20) | number(1 << 20, "gid", seed)


def mboxrd_quote(message: str) -> str:
    """mboxrd: every line that starts with '>*From ' gets one more '>'."""
    return re.sub(r"^(>*From )", r">\1", message, flags=re.MULTILINE)


def prospect_key(email: str) -> str:
    """The account key: the company domain, or the full address for free-mail providers."""
    email = email.lower()
    domain = domain_of(email)
    return email if domain in FREE_MAIL else domain


def separator_date(moment: datetime) -> str:
    return f"{moment:%a %b %d %H:%M:%S} +0000 {moment:%Y}"


def eml_name(subject: str, taken: set[str]) -> str:
    name = re.sub(r'[\\/:*?"<>|]', "_", subject).replace("\u2013", "-")
    name = name.encode("ascii", "replace").decode("ascii").replace("?", "_").strip() or "message"
    candidate, n = f"{name}.eml", 2
    while candidate in taken:
        candidate, n = f"{name} ({n}).eml", n + 1
    taken.add(candidate)
    return candidate


# ============================================================================================
# The cast. Phone numbers use the 555-01xx (US) and 7946 0xxx (UK) ranges kept for fiction.
# ============================================================================================

DANA = Person(
    "Dana Whitfield",
    "dana.whitfield@lumora.io",
    "Account Executive",
    "Lumora Analytics",
    "ET",
    "gmail",
    signature="Dana Whitfield\nAccount Executive | Lumora Analytics\n"
    "m: +1 (617) 555-0142\nlumora.io",
)
SAM = Person(
    "Sam Okafor",
    "sam.okafor@lumora.io",
    "VP Sales, North America",
    "Lumora Analytics",
    "ET",
    "outlook_desktop",
    signature="Sam Okafor\nVP Sales, North America\nLumora Analytics\n"
    "d: +1 617 555 0178 | sam.okafor@lumora.io",
    reply_signature="Sam Okafor | VP Sales, North America | Lumora Analytics | +1 617 555 0178",
)
PRIYA = Person(
    "Priya Raman",
    "priya.raman@lumora.io",
    "Senior Solutions Engineer",
    "Lumora Analytics",
    "CT",
    "gmail",
    signature="Priya Raman | Senior Solutions Engineer\nLumora Analytics \u00b7 +1 512-555-0119",
)

# 1. Kestrel Freight Systems (Chicago): the healthy, multithreaded deal.
KESTREL = "Kestrel Freight Systems"
MAYA = Person(
    "Maya Lindqvist",
    "maya.lindqvist@kestrelfreight.com",
    "Director, Operations Analytics",
    KESTREL,
    "CT",
    "outlook",
    header_email="Maya.Lindqvist@kestrelfreight.com",
    signature="Maya Lindqvist\nDirector, Operations Analytics\nKestrel Freight Systems\n"
    "O: 312-555-0164 | M: 312-555-0187\n2200 W. Fulton Market, Chicago, IL 60612",
    reply_signature="Maya Lindqvist | Director, Operations Analytics | Kestrel Freight Systems",
)
TOM = Person(
    "Tom Brennan",
    "tom.brennan@kestrelfreight.com",
    "VP of Operations",
    KESTREL,
    "CT",
    "outlook",
    header_email="Tom.Brennan@kestrelfreight.com",
    signature="Tom Brennan | VP of Operations\nKestrel Freight Systems\n312-555-0101",
)
RACHEL = Person(
    "Rachel Osei",
    "rachel.osei@kestrelfreight.com",
    "IT Security Manager",
    KESTREL,
    "CT",
    "outlook",
    header_email="Rachel.Osei@kestrelfreight.com",
    signature="Rachel Osei, CISSP\nIT Security Manager | Kestrel Freight Systems\n312-555-0139",
)
CARLOS = Person(
    "Carlos Mendez",
    "carlos.mendez@kestrelfreight.com",
    "Senior Procurement Specialist",
    KESTREL,
    "CT",
    "outlook",
    header_email="Carlos.Mendez@kestrelfreight.com",
    signature="Carlos Mendez\nSr. Procurement Specialist\nKestrel Freight Systems | 312-555-0152",
)
LUIS = Person(
    "Luis Ortega",
    "luis.ortega@kestrelfreight.com",
    "Regional Dispatch Lead, Central",
    KESTREL,
    "CT",
    "outlook",
    header_email="Luis.Ortega@kestrelfreight.com",
)
DEE = Person(
    "Dee Harmon",
    "dee.harmon@kestrelfreight.com",
    "Regional Dispatch Lead, Midwest",
    KESTREL,
    "CT",
    "outlook",
    header_email="Dee.Harmon@kestrelfreight.com",
)
ANIL = Person(
    "Anil Kapoor",
    "anil.kapoor@kestrelfreight.com",
    "Regional Dispatch Lead, Southeast",
    KESTREL,
    "ET",
    "outlook",
    header_email="Anil.Kapoor@kestrelfreight.com",
)

# 2. Tidewell Insurance Group (London): strong start, then radio silence.
OLIVER = Person(
    "Oliver Pratt",
    "oliver.pratt@tidewell.co.uk",
    "Head of Data & Analytics",
    "Tidewell Insurance Group",
    "UK",
    "apple",
    signature="Oliver Pratt\nHead of Data & Analytics\nTidewell Insurance Group\n"
    "+44 20 7946 0321 | tidewell.co.uk",
)

# 3. Corvane Manufacturing (Columbus, Ohio): "next quarter", then "frozen until Q1".
GREG = Person(
    "Greg Halvorsen",
    "greg.halvorsen@corvane.com",
    "Director, FP&A",
    "Corvane Manufacturing",
    "ET",
    "outlook",
    display="Halvorsen, Greg",
    header_email="Greg.Halvorsen@corvane.com",
    signature="Greg Halvorsen\nDirector, Financial Planning & Analysis\n"
    "Corvane Manufacturing Co. | (614) 555-0133",
    reply_signature="",
)
JANET = Person(
    "Janet Ruiz",
    "janet.ruiz@corvane.com",
    "Senior Financial Analyst",
    "Corvane Manufacturing",
    "ET",
    "outlook",
    display="Ruiz, Janet",
    header_email="Janet.Ruiz@corvane.com",
    signature="Janet Ruiz\nSenior Financial Analyst, FP&A\nCorvane Manufacturing Co.\n"
    "(614) 555-0146",
)

# 4. Marlowe Health Partners (Denver): three missed meetings.
_MARLOWE_NOTICE = (
    "CONFIDENTIALITY NOTICE: This e-mail, including any attachments, is for the sole use of the\n"
    "intended recipient(s) and may contain confidential and privileged information, including\n"
    "protected health information. Any unauthorized review, use, disclosure or distribution is\n"
    "prohibited. If you are not the intended recipient, please contact the sender by reply\n"
    "e-mail and destroy all copies of the original message."
)
JESSICA = Person(
    "Jessica Tran",
    "jessica.tran@marlowehealth.com",
    "Director, Revenue Cycle Analytics",
    "Marlowe Health Partners",
    "MT",
    "outlook",
    header_email="Jessica.Tran@marlowehealth.com",
    signature="Jessica Tran, MBA\nDirector, Revenue Cycle Analytics\nMarlowe Health Partners\n"
    "720-555-0148\n\n" + _MARLOWE_NOTICE,
)
KEVIN = Person(
    "Kevin Doyle",
    "kevin.doyle@marlowehealth.com",
    "Revenue Cycle Analyst",
    "Marlowe Health Partners",
    "MT",
    "outlook",
    header_email="Kevin.Doyle@marlowehealth.com",
)

# 5. Quillfeather Publishing (Portland, Oregon): an eager contact without authority.
BEN = Person(
    "Ben Carter",
    "ben.carter@quillfeather.com",
    "Marketing Operations Specialist",
    "Quillfeather Publishing",
    "PT",
    "gmail",
    signature="Ben Carter\nMarketing Operations Specialist\n"
    "Quillfeather Publishing | Portland, OR\n503-555-0177",
)

# 6. Brixworth Properties (Atlanta): price, price, price.
DEREK = Person(
    "Derek Lyle",
    "derek.lyle@brixworthprops.com",
    "Purchasing Manager",
    "Brixworth Properties",
    "ET",
    "outlook",
    header_email="Derek.Lyle@brixworthprops.com",
    signature="Derek Lyle\nPurchasing Manager\nBrixworth Properties, LLC\nP: 404-555-0116",
    reply_signature="",
)

# 7. Ashgrove Learning (Seattle): the champion leaves.
MARCUS = Person(
    "Marcus Bell",
    "marcus.bell@ashgrovelearning.com",
    "Head of Learning Analytics",
    "Ashgrove Learning",
    "PT",
    "outlook",
    header_email="Marcus.Bell@ashgrovelearning.com",
    signature="Marcus Bell\nHead of Learning Analytics | Ashgrove Learning\n206-555-0171",
)
TYLER = Person(
    "Tyler Nguyen",
    "tyler.nguyen@ashgrovelearning.com",
    "Learning Data Analyst",
    "Ashgrove Learning",
    "PT",
    "outlook",
    header_email="Tyler.Nguyen@ashgrovelearning.com",
    signature="Tyler Nguyen\nLearning Data Analyst\nAshgrove Learning",
)
HANNAH = Person(
    "Hannah Price",
    "hannah.price@ashgrovelearning.com",
    "Director, People Systems",
    "Ashgrove Learning",
    "PT",
    "outlook",
    header_email="Hannah.Price@ashgrovelearning.com",
    signature="Hannah Price\nDirector, People Systems\nAshgrove Learning | 206-555-0108",
)
MAILER = Person(
    "Mail Delivery Subsystem", "mailer-daemon@googlemail.com", "", "Google", "PT", "gmail"
)

# 8. Nordhafen Logistik GmbH (Hamburg): nothing but out-of-office replies.
KATRIN = Person(
    "Katrin Vogel",
    "k.vogel@nordhafen-logistik.de",
    "Leiterin Controlling",
    "Nordhafen Logistik GmbH",
    "DE",
    "outlook_de",
    header_email="K.Vogel@nordhafen-logistik.de",
)
JONAS = Person(
    "Jonas Adler",
    "j.adler@nordhafen-logistik.de",
    "Teamleiter Business Intelligence",
    "Nordhafen Logistik GmbH",
    "DE",
    "outlook_de",
    header_email="J.Adler@nordhafen-logistik.de",
)

# 9. Copperline Retail (Dallas): the value never lands, the expectations are impossible.
AARON = Person(
    "Aaron Whitlock",
    "aaron.whitlock@copperline-retail.com",
    "Director of Store Operations",
    "Copperline Retail",
    "CT",
    "apple",
    signature="Aaron Whitlock\nDirector of Store Operations\nCopperline Retail\n469-555-0190",
)
MEGAN = Person(
    "Megan Foley",
    "megan.foley@copperline-retail.com",
    "Regional Operations Manager",
    "Copperline Retail",
    "CT",
    "outlook",
    header_email="Megan.Foley@copperline-retail.com",
    signature="Megan Foley | Regional Operations Manager, North Texas\nCopperline Retail",
)

# 10. An independent consultant on free mail: small and healthy.
ELENA = Person(
    "Elena Marchetti",
    "elena.marchetti.analytics@gmail.com",
    "Independent analytics consultant",
    "Marchetti Analytics",
    "ET",
    "gmail",
    signature="Elena Marchetti\nIndependent analytics consultant\n"
    "elenamarchetti.co \u00b7 215-555-0126",
)

# 11. Stellwagen Marine Insurance (Portland, Maine): hard price negotiation, and a signature.
STELLWAGEN = "Stellwagen Marine Insurance"
SOPHIE = Person(
    "Sophie Lam",
    "sophie.lam@stellwagenmarine.com",
    "Head of Underwriting Analytics",
    STELLWAGEN,
    "ET",
    "outlook",
    header_email="Sophie.Lam@stellwagenmarine.com",
    signature="Sophie Lam\nHead of Underwriting Analytics\nStellwagen Marine Insurance\n"
    "207-555-0135",
)
NATHAN = Person(
    "Nathan Cole",
    "nathan.cole@stellwagenmarine.com",
    "Procurement Manager",
    STELLWAGEN,
    "ET",
    "outlook",
    header_email="Nathan.Cole@stellwagenmarine.com",
    signature="Nathan Cole\nProcurement Manager\nStellwagen Marine Insurance\n"
    "T 207-555-0122 | One Commercial Wharf, Portland, ME 04101",
)
VICTORIA = Person(
    "Victoria Hale",
    "victoria.hale@stellwagenmarine.com",
    "Chief Financial Officer",
    STELLWAGEN,
    "ET",
    "outlook",
    header_email="Victoria.Hale@stellwagenmarine.com",
    signature="Victoria Hale\nChief Financial Officer\nStellwagen Marine Insurance",
)
RAJ = Person(
    "Raj Patel",
    "raj.patel@stellwagenmarine.com",
    "IT Systems Lead",
    STELLWAGEN,
    "ET",
    "outlook",
    header_email="Raj.Patel@stellwagenmarine.com",
    signature="Raj Patel | IT Systems Lead | Stellwagen Marine Insurance | 207-555-0157",
)

# 12. Feldmann Präzisionstechnik GmbH (Stuttgart): one "next quarter" that did come back.
_FELDMANN_FOOTER = (
    "Feldmann Präzisionstechnik GmbH \u00b7 Industriestraße 14 \u00b7 70565 Stuttgart\n"
    "Sitz der Gesellschaft: Stuttgart \u00b7 Registergericht: Amtsgericht Stuttgart HRB 731245\n"
    "Geschäftsführer: Dr. Klaus Feldmann"
)
STEFAN = Person(
    "Stefan Brenner",
    "s.brenner@feldmann-praezision.de",
    "Leiter Vertriebssteuerung",
    "Feldmann Präzisionstechnik GmbH",
    "DE",
    "thunderbird_de",
    display="Dr. Stefan Brenner",
    signature="Dr. Stefan Brenner\nLeiter Vertriebssteuerung\nTel. +49 711 9937-2140\n\n"
    + _FELDMANN_FOOTER,
)
PETRA = Person(
    "Petra Kühn",
    "p.kuehn@feldmann-praezision.de",
    "Einkauf",
    "Feldmann Präzisionstechnik GmbH",
    "DE",
    "outlook_de",
    header_email="P.Kuehn@feldmann-praezision.de",
    signature="Petra Kühn\nEinkauf / Lieferantenmanagement\nTel. +49 711 9937-2311\n\n"
    + _FELDMANN_FOOTER,
)
KLAUS = Person(
    "Klaus Feldmann",
    "k.feldmann@feldmann-praezision.de",
    "Geschäftsführer",
    "Feldmann Präzisionstechnik GmbH",
    "DE",
    "outlook_de",
    display="Dr. Klaus Feldmann",
)

NEWSLETTER = Person(
    "The Pipeline Brief", "hello@pipelinebrief.news", "", "The Pipeline Brief", "ET", "gmail"
)


def auto(sender: Person, to: Person, at: str, body: str, prefix: str, **kw: object) -> Mail:
    """An out-of-office auto-reply to the previous mail (or ``parent``)."""
    return m(sender, to, at, body, kind="auto", subject_prefix=prefix, sig=False, quote=False, **kw)


def invite(
    sender: Person, to: tuple[Person, ...], at: str, body: str, cal: Cal, subject: str, **kw: object
) -> Mail:
    """A calendar message: linked to its conversation by provider ids, not by References."""
    return m(
        sender,
        to,
        at,
        body,
        kind="cal",
        cal=cal,
        subject=subject,
        sig=False,
        quote=False,
        link=False,
        **kw,
    )


def exchange_uid(seed: str) -> str:
    return "040000008200E00074C5B7101A82E00800000000" + hexid(72, "uid", seed, upper=True)


EXCHANGE_OOF = (("Auto-Submitted", "auto-generated"), ("X-Auto-Response-Suppress", "All"))


# ============================================================================================
# 1. Kestrel Freight Systems: fast replies, five people, a VP with budget, a dated pilot.
# ============================================================================================

KESTREL_LABEL = "Prospects/Kestrel Freight"
KESTREL_CONVS = [
    Conv(
        "kestrel-intro",
        "Lumora + Kestrel: dispatch visibility",
        label=KESTREL_LABEL,
        mails=[
            m(
                DANA,
                MAYA,
                "2026-08-04 09:12",
                """
            Hi Maya,

            Thanks for joining our webinar on dispatch visibility last Thursday - you asked a great
              question about rolling exceptions up by region, and I promised I'd follow up.

            A lot of the ops teams we work with (3PLs and regional carriers, mostly) stitch their
              weekly status together from TMS exports and spreadsheets. Lumora pulls that together
              automatically and flags the exceptions before the Monday meeting instead of after
              it.

            Would you be open to a 30-minute call this week or next? Happy to tailor it to what
              your dispatch leads actually look at.

            Best,
            Dana
            """,
            ),
            m(
                MAYA,
                DANA,
                "2026-08-04 10:31",
                """
            Hi Dana,

            Good timing actually. We're trying to get out of what my team calls "spreadsheet
              Monday" - 18 dispatch teams across 4 regions each send a workbook and one of my
              analysts spends most of the day merging them.

            Thursday 2pm CT or Friday morning both work for me. I'd like to bring Rachel from IT
              security, anything that touches our TMS data goes through her.

            Thanks,
            Maya
            """,
            ),
            m(
                DANA,
                MAYA,
                "2026-08-04 11:58",
                """
            Thursday 2pm CT it is - I'll send an invite to you and Rachel.

            To make the most of the time, could you tell me roughly which TMS you're on and whether
              the regional workbooks follow the same template? No need for anything formal, a
              sentence or two is plenty.

            Talk soon,
            Dana
            """,
            ),
            m(
                MAYA,
                DANA,
                "2026-08-04 13:47",
                """
            We're on an older on-prem TMS (custom build, don't ask) plus Samsara for telematics.
              The templates are *supposed* to be the same, in practice every region has added
              their own columns lol.

            Invite recieved, see you Thursday.
            Maya
            """,
            ),
        ],
    ),
    Conv(
        "kestrel-recap",
        "Recap + next steps: Kestrel x Lumora",
        label=KESTREL_LABEL,
        mails=[
            m(
                DANA,
                MAYA,
                "2026-08-06 16:20",
                """
            Hi Maya, hi Rachel,

            Thank you both for the time today. A quick recap so we're on the same page:

            - Today: 18 dispatch teams in 4 regions, weekly workbooks merged by hand (6-8 hours
              every Monday).
            - Goal: one view of late pickups, dwell time and exceptions by region, refreshed daily.
            - Rachel's requirements: SSO via Entra ID, data stays in US regions, SOC 2 Type II
              report before any data leaves the TMS.

            Proposed next steps:
            1. I send our SOC 2 report and security overview to Rachel under NDA (tomorrow).
            2. Priya from our solutions team builds a sample dashboard from one region's anonymised
              workbook - Maya, could you send one over?
            3. We regroup the week of Aug 17 to review it together.

            Did I miss anything?

            Best,
            Dana
            """,
                cc=RACHEL,
            ),
            m(
                MAYA,
                DANA,
                "2026-08-07 08:05",
                """
            Morning Dana,

            That's accurate. I'll get the Central region workbook to Priya today once I've
              scrubbed the driver names.

            I'm also looping in Tom Brennan, our VP of Operations. He owns the budget for this and
              he's been asking for exactly this view for a year.

            Tom - Dana's recap is below. Short version: Lumora could replace the Monday merge.

            Maya
            """,
                cc=(RACHEL, TOM),
            ),
            m(
                TOM,
                (MAYA, DANA),
                "2026-08-07 09:12",
                """
            Thanks Maya. Dana, good to e-meet you.

            Two questions before I spend more of my team's time on this:
            - what does pricing look like for all 18 teams, roughly?
            - what's a realistic rollout? Nothing new touches dispatch between Nov 1 and
              Thanksgiving (peak), so I'd want the leads live right after.

            Tom
            """,
                cc=RACHEL,
                client="iphone",
            ),
            m(
                DANA,
                (TOM, MAYA),
                "2026-08-07 11:02",
                """
            Hi Tom,

            Great to e-meet you too, and both fair questions.

            Pricing: for 18 teams you'd be on our Operations tier, which is priced per team rather
              than per seat so every dispatcher can log in. List is $1,450 per team per year, so
              roughly $26k a year for all 18, with a discount on a multi-year term. I've copied my
              manager Sam Okafor, who can speak to commercial flexibility.

            Rollout: a realistic plan is a 6-week pilot with 3 regions starting right after
              Thanksgiving (Monday Nov 30), then the 4th region in January. The main dependency is
              Rachel's security review, which usually takes 2-3 weeks, so we have plenty of room.

            Would it help if Priya and I walked you through the sample dashboard once it's ready?
              30 minutes would do.

            Best,
            Dana
            """,
                cc=(RACHEL, SAM),
            ),
            m(
                TOM,
                (DANA, MAYA),
                "2026-08-07 13:26",
                """
            Dana,

            That's in the range I expected. Yes to the walkthrough - Maya, can you find 30 min for
              the three of us plus Priya the week of the 17th? Tuesday 3pm works for me if that's
              easier.

            Pilot with Central, Midwest and Southeast makes sense. I'd want a written proposal by
              the end of September so Carlos in procurement can get it into the Q4 cycle.

            Thanks,
            Tom
            """,
                cc=(RACHEL, SAM),
                outlook=True,
            ),
            m(
                SAM,
                TOM,
                "2026-08-07 15:48",
                """
            Tom,

            Thanks for jumping in so quickly. I run sales for North America here and I'll make sure
              Dana has whatever she needs from our side. On the commercial piece we have room on a
              two-year term, and we can talk about pilot credits once the scope is set.

            Looking forward to the walkthrough.

            Best regards,
            Sam
            """,
                cc=(DANA, MAYA, RACHEL),
                outlook=True,
            ),
            m(
                MAYA,
                (DANA, TOM, PRIYA),
                "2026-08-10 08:40",
                """
            All - Tuesday Aug 18, 3pm CT is booked for Tom, Dana, Priya and me. Priya, the Central
              workbook is in your inbox (sent through our secure share, the link expires Friday).

            Maya
            """,
                parent=4,
            ),
        ],
    ),
    Conv(
        "kestrel-security",
        "Lumora security documentation for Kestrel",
        label=KESTREL_LABEL,
        mails=[
            m(
                DANA,
                RACHEL,
                "2026-08-07 10:15",
                """
            Hi Rachel,

            As promised, attached is our security overview; the SOC 2 Type II report is in the
              data room link below under the NDA your team sent over. Priya from our solutions
              team is copied for anything technical.

            Data room: https://trust.lumora.io/kestrel (access code sent separately)

            Best,
            Dana
            """,
                cc=PRIYA,
                attachments=(
                    pdf(
                        "Lumora_Security_Overview_2026.pdf",
                        "Lumora Analytics - Security Overview 2026",
                        "SOC 2 Type II (report available under NDA)",
                        "SAML 2.0 SSO, SCIM 2.0 provisioning",
                        "Hosting: AWS us-east-2 / us-west-2",
                        "Encryption at rest (AES-256) and in transit",
                    ),
                ),
            ),
            m(
                RACHEL,
                (DANA, PRIYA),
                "2026-08-12 14:02",
                """
            Thanks Dana. I've gone through the overview and the report. A few questions:

            1. Do you support SAML SSO with Entra ID, including SCIM provisioning and
              deprovisioning?
            2. Where is customer data hosted, and can we pin it to US regions?
            3. How long do you keep raw uploaded files after ingestion?
            4. Can audit logs be exported to our SIEM?

            Our standard vendor questionnaire is on the supplier portal as well, please fill in
              what you can there.

            Rachel
            """,
            ),
            m(
                PRIYA,
                RACHEL,
                "2026-08-13 10:40",
                """
            Hi Rachel,

            Thanks for the thorough list - answers inline:

            1. Yes. SAML 2.0 with Entra ID, and SCIM 2.0 for both provisioning and deprovisioning
              (users are deactivated within 5 minutes of removal from the group).
            2. AWS us-east-2 with a replica in us-west-2. Your workspace can be pinned to US
              regions contractually.
            3. 30 days by default, configurable down to 7. Derived tables stay until you delete
              the workspace.
            4. Yes, via syslog forwarding or our audit-log API (JSON, pull-based).

            I've filled in the questionnaire on the portal too. Happy to get on a call if it's
              easier to go through the rest live.

            Cheers,
            Priya
            """,
                cc=DANA,
            ),
            m(
                RACHEL,
                PRIYA,
                "2026-09-01 11:15",
                """
            Priya,

            The security review is approved with one condition: SCIM deprovisioning gets tested
              during the pilot. The formal sign-off letter will come from our CISO office this
              week.

            Rachel
            """,
                cc=DANA,
            ),
            m(
                DANA,
                RACHEL,
                "2026-09-01 12:30",
                """
            That's great news - thank you Rachel. We'll put a SCIM deprovisioning test in week 1 of
              the pilot plan so it's done before anyone relies on it.

            Best,
            Dana
            """,
                cc=(PRIYA, MAYA),
            ),
        ],
    ),
    Conv(
        "kestrel-proposal",
        "Kestrel pilot + rollout proposal",
        label=KESTREL_LABEL,
        mails=[
            m(
                DANA,
                (TOM, MAYA),
                "2026-09-22 10:05",
                """
            Hi Tom, hi Maya,

            Attached is our proposal for the pilot and the full rollout, as discussed on the
              walkthrough. The headlines:

            - Pilot: Central, Midwest and Southeast (11 teams), 6 weeks starting Monday Nov 30.
              $6,000 pilot fee, credited in full against year one.
            - Full rollout: 18 teams on the Operations tier, $1,450 per team per year list, 10% off
              on a two-year term = $23,490 per year.
            - Implementation: Priya as your solutions engineer, weekly check-ins, SCIM test in
              week 1.

            Carlos, I've copied you so you have the commercial details early. Happy to walk
              through anything.

            Best,
            Dana
            """,
                cc=CARLOS,
                attachments=(
                    pdf(
                        "Lumora_Proposal_Kestrel_Freight_2026-09.pdf",
                        "Proposal: Lumora Operations for Kestrel Freight Systems",
                        "Pilot: 3 regions, 11 teams, 6 weeks from 30 Nov 2026",
                        "Pilot fee USD 6,000, credited against year one",
                        "Rollout: 18 teams, USD 1,450 per team per year (list)",
                        "Two-year term: 10% discount, USD 23,490 per year",
                    ),
                ),
            ),
            m(
                CARLOS,
                DANA,
                "2026-09-23 09:18",
                """
            Hi Dana,

            Thank you for the proposal. A few commercial questions from procurement:

            1) Can the pilot fee be invoiced in January instead of December?
            2) Is the year-2 price locked, or subject to your annual uplift?
            3) Our standard payment terms are net-60.
            4) Please confirm the price per team if we add teams mid-term.

            Regards,
            Carlos
            """,
                cc=(TOM, MAYA),
                html_only=True,
            ),
            m(
                DANA,
                CARLOS,
                "2026-09-23 14:40",
                """
            Hi Carlos,

            Thanks for the quick read. In order:

            1) Yes, we can invoice the pilot fee on January 4.
            2) Locked for the two-year term; after that, renewals are capped at 5%.
            3) Net-45 is our standard, and we can do net-60 on a two-year agreement.
            4) Teams added mid-term are pro-rated at the same per-team rate.

            Best,
            Dana
            """,
                cc=(TOM, MAYA),
            ),
            m(
                MAYA,
                DANA,
                "2026-09-24 08:52",
                """
            Thanks Dana. From the ops side the rollout plan works. Two requests:

            - can the pilot include the Southeast night shift? They have the worst exceptions and
              would be my best internal references.
            - can Priya run a 1-hour training for the dispatch leads in the first week?

            Maya
            """,
                cc=(TOM, CARLOS),
            ),
            m(
                DANA,
                MAYA,
                "2026-09-24 10:15",
                """
            Hi Maya,

            Both yes. The night shift is in (it adds 2 teams to the pilot at no extra cost), and
              Priya will run the dispatch-lead training on Wednesday Dec 2 at 10am CT. I'll send
              the updated plan with the PO paperwork.

            Best,
            Dana
            """,
                cc=(TOM, CARLOS, PRIYA),
            ),
            m(
                TOM,
                (DANA, MAYA, CARLOS),
                "2026-10-06 16:05",
                """
            All -

            I've approved this on my side. Carlos will issue the PO for the pilot this month. The
              pilot start of Monday Nov 30 stands.

            Nice work.
            Tom
            """,
            ),
            m(
                CARLOS,
                DANA,
                "2026-10-21 11:30",
                """
            Dana,

            PO 4500187733 for the pilot is attached. Please reference it on the invoice.

            Carlos
            """,
                cc=(TOM, MAYA),
                attachments=(
                    pdf(
                        "PO_4500187733.pdf",
                        "Kestrel Freight Systems - Purchase Order 4500187733",
                        "Vendor: Lumora Analytics, Inc.",
                        "Item: Lumora Operations pilot (13 teams)",
                        "Amount: USD 6,000.00",
                        "Terms: net 60",
                        "Invoice date: 2027-01-04",
                    ),
                ),
            ),
            m(
                DANA,
                CARLOS,
                "2026-10-21 12:45",
                """
            Received, thank you Carlos! Our finance team will reference the PO on the January 4
              invoice.

            Best,
            Dana
            """,
                cc=(TOM, MAYA),
            ),
        ],
    ),
    Conv(
        "kestrel-kickoff",
        "Pilot kickoff prep - Nov 30",
        label=KESTREL_LABEL,
        mails=[
            m(
                DANA,
                MAYA,
                "2026-11-12 09:30",
                """
            Hi Maya,

            With the pilot starting Nov 30, could we do a 45-minute kickoff prep with you and the
              three regional leads next week? Priya will walk through the data connection steps.
              Tuesday, Wednesday or Thursday afternoon all work for us.

            Best,
            Dana
            """,
                cc=PRIYA,
            ),
            m(
                MAYA,
                DANA,
                "2026-11-12 10:10",
                """
            Tuesday 3pm works. I'll send the invite to the regional leads and include you both.

            Maya
            """,
                cc=PRIYA,
            ),
            m(
                MAYA,
                DANA,
                "2026-11-16 09:05",
                """
            Hi Dana - quick heads-up, Anil will dial in from the Atlanta yard tomorrow so we may
              start 5 min late.

            Also, can Priya send the SSO metadata file ahead of the call so Rachel can
              pre-configure it?

            Thanks!
            Maya
            """,
                cc=(PRIYA, RACHEL),
                unread=True,
            ),
        ],
    ),
    Conv(
        "kestrel-invite",
        "Kestrel x Lumora \u2013 pilot kickoff prep",
        label=KESTREL_LABEL,
        mails=[
            invite(
                MAYA,
                (DANA, PRIYA, LUIS, DEE, ANIL),
                "2026-11-12 10:22",
                """
            Agenda:
            - Data connection steps (Priya)
            - SSO / SCIM test plan (Rachel joins for the last 15 min)
            - Pilot success criteria by region

            ________________________________________________________________________________
            Microsoft Teams meeting
            Join on your computer, mobile app or room device
            Meeting ID: 284 113 907 552
            Passcode: q7Xk2m
            ________________________________________________________________________________
            """,
                Cal(
                    "REQUEST",
                    exchange_uid("kestrel-kickoff"),
                    "Kestrel x Lumora \u2013 pilot kickoff prep",
                    "2026-11-17 15:00",
                    "2026-11-17 15:45",
                    "CT",
                    MAYA,
                    (DANA, PRIYA, LUIS, DEE, ANIL),
                    location="Microsoft Teams Meeting",
                    description="Agenda: data connection steps, SSO/SCIM test plan, pilot "
                    "success criteria by region.",
                ),
                subject="Kestrel x Lumora \u2013 pilot kickoff prep",
            ),
        ],
    ),
]


# ============================================================================================
# 2. Tidewell Insurance Group: replies slow from minutes to days to a week+, then stop.
# ============================================================================================

TIDEWELL_LABEL = "Prospects/Tidewell"
TIDEWELL_CONVS = [
    Conv(
        "tidewell-intro",
        "Data Leaders London - following up",
        label=TIDEWELL_LABEL,
        mails=[
            m(
                OLIVER,
                DANA,
                "2026-08-10 13:20",
                """
            Hi Dana,

            We met briefly at the Data Leaders London drinks last Wednesday - I was the one moaning
              about our claims dashboards :) You said Lumora could get our claims handlers off
              the weekly Excel pack.

            I'd love to see it properly. We have about 40 claims handlers across two sites, and
              the weekly pack takes my team most of Thursday.

            Is there a time in the next week or so that works with the time difference?

            Cheers,
            Oliver
            """,
            ),
            m(
                DANA,
                OLIVER,
                "2026-08-10 08:52",
                """
            Hi Oliver,

            Of course I remember - the Thursday pack! Thanks for reaching out.

            How about Wednesday Aug 12 at 2pm BST (9am for me)? Thursday at the same time works
              too. I'll bring a demo built around claims data rather than our generic one.

            Best,
            Dana
            """,
            ),
            m(
                OLIVER,
                DANA,
                "2026-08-10 15:24",
                """
            Wednesday 2pm BST is perfect. I'll bring Gemma from my team, she builds the pack.

            Could you show how you'd handle FNOL-to-settlement cycle time? That's the metric our
              board asks about every quarter and we can never explain the outliers.

            Oliver
            """,
            ),
            m(
                DANA,
                OLIVER,
                "2026-08-10 11:05",
                """
            Noted - cycle time by claim type, with the outliers explained, will be front and
              centre. Teams link to follow.

            Dana
            """,
            ),
        ],
    ),
    Conv(
        "tidewell-trial",
        "Lumora demo follow-up + trial",
        label=TIDEWELL_LABEL,
        mails=[
            m(
                DANA,
                OLIVER,
                "2026-08-12 12:10",
                """
            Hi Oliver,

            Thanks to you and Gemma for a great session this morning. As discussed:

            - A 3-week trial on an anonymised claims extract (18 months is plenty).
            - We build the cycle-time view with outlier drill-down, plus the weekly pack as a
              scheduled report.
            - Success = Gemma doesn't have to build the Thursday pack by hand for 3 weeks running.

            Who on your side should I work with for the data extract?

            Best,
            Dana
            """,
            ),
            m(
                OLIVER,
                DANA,
                "2026-08-12 21:35",
                """
            Thanks Dana - that was genuinely the best vendor demo we've had this year. Gemma
              hasn't stopped talking about the cycle-time view, and I showed the outlier drill-down
              to our COO in the lift afterwards (he asked when we can have it, which is a first).

            Yes to the trial. I'll get an anonymised extract together myself this week, about 18
              months of claims plus the handler assignments.

            From our side, the main hurdle will be IT approval for the data share, but I've done
              that dance before and our infosec team is reasonable.

            Two questions:
            1. Can Lumora connect directly to our Snowflake warehouse later, or is it file uploads
              only?
            2. What would a licence for ~45 users look like, roughly? No need for a formal quote,
              I just want to know which budget line this comes out of.

            Cheers,
            Oliver
            """,
            ),
            m(
                DANA,
                OLIVER,
                "2026-08-13 09:02",
                """
            Hi Oliver,

            That's lovely to hear - thank you, and please thank Gemma too.

            1. Yes, we connect to Snowflake directly (read-only service user); uploads are just
              the quickest way to start a trial.
            2. For ~45 users you'd be on our Team plan: about GBP 28k a year list, less on a
              multi-year term.

            I'll send the trial invites as soon as IT has approved the data share.

            Best,
            Dana
            """,
            ),
            m(
                DANA,
                OLIVER,
                "2026-09-01 10:15",
                """
            Hi Oliver,

            Your trial workspace is live: https://app.lumora.io/t/tidewell - you and Gemma have
              invites. I loaded the extract you sent and built the cycle-time view, the outlier
              drill-down and a draft of the Thursday pack.

            Shall we do 30 minutes next week to walk through it?

            Best,
            Dana
            """,
            ),
            m(
                OLIVER,
                DANA,
                "2026-09-02 10:48",
                """
            Thanks Dana, got the invites. The team will start poking at it next week - bit of a
              crunch with half-year reporting right now.

            Oliver
            """,
            ),
            m(
                DANA,
                OLIVER,
                "2026-09-14 10:30",
                """
            Hi Oliver,

            How's the trial going? I can see Gemma built two views last week, which is a great
              sign. Would a 30-minute check-in this week help, or is async easier while reporting
              is on?

            Best,
            Dana
            """,
            ),
            m(
                OLIVER,
                DANA,
                "2026-09-17 16:55",
                """
            Hi Dana, bit swamped this week, will have a proper look and come back to you.
            O
            """,
                client="iphone",
            ),
            m(
                DANA,
                OLIVER,
                "2026-09-28 11:20",
                """
            Hi Oliver,

            The trial wraps up on Friday. A quick usage summary: Gemma and two handlers logged in
              on 9 days, the cycle-time view was opened 31 times and the Thursday pack ran
              automatically twice.

            I'd love 20 minutes to go over what you'd want from a licence and what IT would need.
              Would Tuesday or Thursday next week work?

            Best,
            Dana
            """,
            ),
            m(OLIVER, DANA, "2026-10-07 19:02", "Thanks Dana, noted.", client="iphone"),
            m(
                DANA,
                OLIVER,
                "2026-10-08 09:40",
                """
            Thanks Oliver! Shall I extend the trial by two weeks while things are busy? And would a
              20-minute call next week work to go over pricing for ~45 users - Tuesday 13th or
              Thursday 15th at 3pm BST?

            Best,
            Dana
            """,
            ),
            m(
                DANA,
                OLIVER,
                "2026-10-20 10:05",
                """
            Hi Oliver,

            Just floating this back to the top of your inbox. I've extended the trial to Oct 30 so
              nothing gets lost in the meantime.

            Dana
            """,
            ),
            m(
                DANA,
                OLIVER,
                "2026-10-30 11:15",
                """
            Hi Oliver,

            The trial workspace closes today. I've kept the data for another 30 days in case you
              want to pick it back up.

            Is this still a priority for the claims team this year? If the timing's wrong, that's
              completely fine - just let me know and I'll stop nudging.

            Dana
            """,
            ),
            m(
                DANA,
                OLIVER,
                "2026-11-10 09:45",
                """
            Hi Oliver,

            One last note from me. I haven't heard back since early October, so I'm guessing the
              claims dashboards have slipped down the list - which happens.

            If it comes back up, reply here and Gemma's views will be waiting for you.

            All the best,
            Dana
            """,
            ),
        ],
    ),
]


# ============================================================================================
# 3. Corvane Manufacturing: "revisit next quarter" in August, "frozen until Q1" in October,
#    then the promised end-of-October update never comes.
# ============================================================================================

CORVANE_LABEL = "Prospects/Corvane"
CORVANE_CONVS = [
    Conv(
        "corvane-intro",
        "Intro from Janet Ruiz - Lumora for FP&A",
        label=CORVANE_LABEL,
        mails=[
            m(
                DANA,
                GREG,
                "2026-08-03 10:20",
                """
            Hi Greg,

            Janet mentioned after our FP&A webinar that your team spends the first week of every
              month rebuilding the plant-level variance pack by hand. That's exactly the work
              Lumora takes off finance teams' plates: the pack refreshes itself from the ERP and
              the variance commentary starts from a draft instead of a blank page.

            Would you be open to a 30-minute intro? Janet's welcome to join, of course.

            Best,
            Dana
            """,
                cc=JANET,
            ),
            m(
                GREG,
                DANA,
                "2026-08-04 07:45",
                """
            Dana,

            Thanks - Janet's been talking this up. Timing is tough, we're mid-close on Q2 audit
              items, but happy to do 30 min. Thursday 8/6 at 11 ET?

            Greg
            """,
                cc=JANET,
            ),
            m(
                DANA,
                GREG,
                "2026-08-04 09:10",
                """
            Thursday at 11 works - invite sent. Looking forward to it.

            Dana
            """,
                cc=JANET,
            ),
            m(
                DANA,
                GREG,
                "2026-08-06 15:30",
                """
            Hi Greg, hi Janet,

            Thanks for the time today. What I heard:

            - The variance pack covers 6 plants and takes 3 analysts most of the first week.
            - The commentary is the painful part, not the numbers.
            - Anything new has to show value before the FY27 budget is set.

            Suggested next step: a 2-week proof of value on the Dayton and Toledo plants, using
              last quarter's data. For 12 users, the ballpark is $18k a year.

            Could we start the week of Aug 24?

            Best,
            Dana
            """,
                cc=JANET,
            ),
            m(
                JANET,
                DANA,
                "2026-08-07 09:05",
                """
            Thanks Dana! I can pull the Dayton and Toledo data whenever Greg gives the go-ahead.

            Janet
            """,
                cc=GREG,
            ),
            m(
                GREG,
                DANA,
                "2026-08-20 16:40",
                """
            Dana,

            Appreciate the patience. We talked about this internally. We like it, but we're locked
              until the next budget cycle and I can't start anything new right now, even a proof
              of value.

            Let's revisit next quarter - ping me early October and we'll see where we are.

            Greg
            """,
                cc=JANET,
                parent=3,
            ),
            m(
                DANA,
                GREG,
                "2026-08-20 17:15",
                """
            Understood, Greg - thanks for being straight with me. I'll reach out the first week of
              October.

            In the meantime I'll send Janet our variance commentary template, no strings attached.

            Dana
            """,
                cc=JANET,
            ),
        ],
    ),
    Conv(
        "corvane-october",
        "Checking back in - Lumora / Corvane FP&A",
        label=CORVANE_LABEL,
        mails=[
            m(
                DANA,
                GREG,
                "2026-10-05 09:30",
                """
            Hi Greg,

            As promised, checking back in now that Q4 is here. Is the proof of value on Dayton and
              Toledo something we can get on the calendar in October? It's two weeks of Janet's
              time at most, and we do the heavy lifting.

            Best,
            Dana
            """,
                cc=JANET,
            ),
            m(
                GREG,
                DANA,
                "2026-10-09 14:20",
                """
            Hi Dana,

            Thanks for following up. Unfortunately budgets are frozen until after the new year.
              Corporate put a hold on all new software spend while they finish Q1 planning.

            I should have a better sense once the Q1 planning numbers come out. I'll get back to
              you by end of October.

            Greg
            """,
                cc=JANET,
            ),
            m(
                DANA,
                GREG,
                "2026-10-09 15:05",
                """
            Thanks for letting me know, Greg. End of October works - I'll keep an eye out.

            If it helps the Q1 case, I can put together a one-page ROI summary based on the Dayton
              numbers Janet shared in August.

            Dana
            """,
                cc=JANET,
            ),
            m(
                JANET,
                DANA,
                "2026-10-12 08:30",
                """
            Hi Dana, sorry, I know it's frustrating. Everything is on hold here until Q1, even
              renewals are getting re-reviewed. I'd still love to use it!

            Janet
            """,
                sig=False,
            ),
            m(
                DANA,
                GREG,
                "2026-10-30 10:15",
                """
            Hi Greg,

            It's the end of October, so I'm checking in as agreed - are the Q1 planning numbers
              out yet?

            Dana
            """,
                cc=JANET,
                parent=2,
            ),
            m(
                DANA,
                GREG,
                "2026-11-03 10:00",
                """
            Hi Greg,

            I hope the close went smoothly. Following up on my note from Friday - any news on the
              Q1 planning numbers?

            I've attached the one-page ROI summary I mentioned - based on Dayton, the pack would
              save about 70 analyst hours a month across the six plants.

            Best,
            Dana
            """,
                cc=JANET,
                attachments=(
                    pdf(
                        "Corvane_ROI_summary.pdf",
                        "Lumora for Corvane FP&A - ROI summary",
                        "Variance pack: 6 plants, 3 analysts, ~5 days per month today",
                        "Estimated saving: ~70 analyst hours per month",
                        "Subscription: USD 18,000 per year (12 users)",
                    ),
                ),
            ),
            m(
                DANA,
                GREG,
                "2026-11-12 13:30",
                """
            Hi Greg,

            Following up on my note from last week. Would a 15-minute call before Thanksgiving
              make sense, so I know how to plan for Q1 on our side?

            Dana
            """,
            ),
        ],
    ),
]


# ============================================================================================
# 4. Marlowe Health Partners: a cancelled demo (METHOD:CANCEL), a no-show with "sorry I missed
#    our call", a counter-proposal and then a decline on the day. Three misses.
# ============================================================================================

MARLOWE_LABEL = "Prospects/Marlowe Health"
_MARLOWE_DEMO_UID = hexid(26, "gcal", "marlowe-oct6") + "@google.com"
_MARLOWE_RESCHEDULED_UID = hexid(26, "gcal", "marlowe-oct15") + "@google.com"
_MARLOWE_TEAMS = """
    ________________________________________________________________________________
    Microsoft Teams meeting
    Join on your computer, mobile app or room device
    Meeting ID: 219 554 083 117
    Passcode: Hb3r9Q
    ________________________________________________________________________________
"""
MARLOWE_CONVS = [
    Conv(
        "marlowe-intro",
        "Lumora x Marlowe Health - denials analytics",
        label=MARLOWE_LABEL,
        mails=[
            m(
                DANA,
                JESSICA,
                "2026-08-12 11:00",
                """
            Hi Jessica,

            I saw you downloaded our 2026 denials benchmark report - thank you! I work with revenue
              cycle teams at health systems your size, and the question I hear most is "which
              denials are we going to see again next month, and why?".

            Lumora answers that by payer and by denial reason, straight from your 835/837 data.
              Would a demo for your team be useful?

            Best,
            Dana
            """,
            ),
            m(
                JESSICA,
                DANA,
                "2026-08-13 08:15",
                """
            Hi Dana,

            Yes, denials are our #1 headache this year. Let's set up a demo for my team. August is
              all budget reviews, so I'll send an invite for mid-September.

            Jessica
            """,
            ),
            m(
                DANA,
                JESSICA,
                "2026-08-13 10:40",
                """
            Sounds great, Jessica. So I can tailor it: which payers drive most of your denials
              today, and is your team working from the clearinghouse reports or from your own
              extracts?

            Dana
            """,
            ),
            m(
                JESSICA,
                DANA,
                "2026-08-17 09:20",
                """
            Commercial payers mostly, plus Medicare Advantage. We pull our own extracts from Epic
              every week. I'll send the invite shortly.

            J
            """,
            ),
        ],
    ),
    Conv(
        "marlowe-demo-1",
        "Lumora platform demo",
        label=MARLOWE_LABEL,
        mails=[
            invite(
                JESSICA,
                (DANA,),
                "2026-08-27 14:05",
                """
            Hi Dana - booking our demo. Kevin from my team will join too.
            """
                + _MARLOWE_TEAMS,
                Cal(
                    "REQUEST",
                    exchange_uid("marlowe-demo-1"),
                    "Lumora platform demo",
                    "2026-09-15 11:00",
                    "2026-09-15 12:00",
                    "MT",
                    JESSICA,
                    (DANA, KEVIN),
                    location="Microsoft Teams Meeting",
                ),
                subject="Lumora platform demo",
                cc=KEVIN,
            ),
            invite(
                JESSICA,
                (DANA,),
                "2026-09-14 18:40",
                """
            Apologies Dana - I need to cancel, board prep ran over and tomorrow is a write-off.
              I'll reach out to reschedule.

            Jessica
            """,
                Cal(
                    "CANCEL",
                    exchange_uid("marlowe-demo-1"),
                    "Lumora platform demo",
                    "2026-09-15 11:00",
                    "2026-09-15 12:00",
                    "MT",
                    JESSICA,
                    (DANA, KEVIN),
                    sequence=1,
                    status="CANCELLED",
                    location="Microsoft Teams Meeting",
                ),
                subject="Canceled: Lumora platform demo",
                cc=KEVIN,
                parent=0,
                headers=(("Importance", "high"),),
            ),
        ],
    ),
    Conv(
        "marlowe-reschedule",
        "Rescheduling our demo",
        label=MARLOWE_LABEL,
        mails=[
            m(
                DANA,
                JESSICA,
                "2026-09-15 09:10",
                """
            Hi Jessica,

            Saw the cancellation - no problem at all, board prep always wins. Would Tuesday Oct 6
              or Wednesday Oct 7 work instead, same time?

            Best,
            Dana
            """,
            ),
            m(
                JESSICA,
                DANA,
                "2026-09-21 16:30",
                """
            Oct 6 at 10 MT works. Sorry again.

            J
            """,
                sig=False,
            ),
            m(
                DANA,
                JESSICA,
                "2026-09-21 19:05",
                """
            Perfect - the invite is on its way for Tuesday Oct 6, 10-11am MT (12pm ET). I'll use
              Google Meet this time, the link is in the invite.

            Dana
            """,
            ),
            m(
                DANA,
                JESSICA,
                "2026-10-06 12:25",
                """
            Hi Jessica,

            We're on the Meet link now - are you still able to join? No worries if something's
              come up, just let me know.

            Dana
            """,
            ),
            m(
                JESSICA,
                DANA,
                "2026-10-08 10:12",
                """
            Dana - so sorry I missed our call, something came up with an audit and I didn't see
              your note until late that night.

            Can we try again next week? Thursday the 15th any time after 11 MT.

            Jessica
            """,
            ),
            m(
                DANA,
                JESSICA,
                "2026-10-08 12:40",
                """
            No problem, these things happen. I've sent an invite for Thursday Oct 15, 11am MT. If
              anyone from your team wants to join (Kevin?), feel free to forward it.

            Dana
            """,
            ),
            m(
                DANA,
                JESSICA,
                "2026-11-02 10:30",
                """
            Hi Jessica,

            I know the last couple of months have been hectic on your side. We've tried to get the
              demo in three times now, so rather than keep sending invites I wanted to ask
              directly: is denials analytics still something you want to look at this year?

            If not, no problem at all - I'd rather know, and we can reconnect when the timing is
              better.

            Best,
            Dana
            """,
            ),
            m(
                JESSICA,
                DANA,
                "2026-11-09 15:45",
                """
            Hi Dana,

            Appreciate your patience. Things are really hectic here right now. Let's reconnect at
              some point, maybe after the holidays? I'll reach out.

            Jessica
            """,
            ),
        ],
    ),
    Conv(
        "marlowe-demo-2",
        "Accepted: Lumora demo \u2013 Marlowe Health",
        label=MARLOWE_LABEL,
        mails=[
            invite(
                JESSICA,
                (DANA,),
                "2026-09-22 07:50",
                "",
                Cal(
                    "REPLY",
                    _MARLOWE_DEMO_UID,
                    "Lumora demo \u2013 Marlowe Health",
                    "2026-10-06 10:00",
                    "2026-10-06 11:00",
                    "MT",
                    DANA,
                    (JESSICA,),
                    partstat="ACCEPTED",
                ),
                subject="Accepted: Lumora demo \u2013 Marlowe Health",
            ),
        ],
    ),
    Conv(
        "marlowe-demo-3",
        "Lumora demo \u2013 Marlowe Health (rescheduled)",
        label=MARLOWE_LABEL,
        mails=[
            invite(
                JESSICA,
                (DANA,),
                "2026-10-13 17:20",
                """
            I'm sorry, Thursday doesn't work after all. Could we do Tuesday the 20th at 10 MT
              instead?

            Proposed new time: Tuesday, October 20, 2026 10:00 AM-11:00 AM (UTC-07:00) Mountain
              Time (US & Canada).
            """,
                Cal(
                    "COUNTER",
                    _MARLOWE_RESCHEDULED_UID,
                    "Lumora demo \u2013 Marlowe Health (rescheduled)",
                    "2026-10-20 10:00",
                    "2026-10-20 11:00",
                    "MT",
                    DANA,
                    (JESSICA,),
                    partstat="TENTATIVE",
                    original_start="2026-10-15 11:00",
                    comment="Thursday doesn't work after all - could we do Tue 10/20?",
                ),
                subject="New Time Proposed: Lumora demo \u2013 Marlowe Health (rescheduled)",
            ),
            invite(
                JESSICA,
                (DANA,),
                "2026-10-20 08:52",
                """
            Sorry - conflict came up. I'll reach out to reschedule.
            """,
                Cal(
                    "REPLY",
                    _MARLOWE_RESCHEDULED_UID,
                    "Lumora demo \u2013 Marlowe Health (rescheduled)",
                    "2026-10-20 10:00",
                    "2026-10-20 11:00",
                    "MT",
                    DANA,
                    (JESSICA,),
                    sequence=1,
                    partstat="DECLINED",
                    comment="Sorry - conflict came up. I'll reach out to reschedule.",
                ),
                subject="Declined: Lumora demo \u2013 Marlowe Health (rescheduled)",
                parent=0,
            ),
        ],
    ),
]


# ============================================================================================
# 5. Quillfeather Publishing: Ben is keen and quick, but it is "not my call", and two requests
#    to meet his boss go nowhere. No senior title ever writes or is copied.
# ============================================================================================

QUILL_LABEL = "Prospects/Quillfeather"
QUILL_CONVS = [
    Conv(
        "quill-demo",
        "Demo request - Quillfeather Publishing",
        label=QUILL_LABEL,
        mails=[
            m(
                BEN,
                DANA,
                "2026-08-18 10:05",
                """
            Hi Dana,

            I filled out the form on your site but figured I'd email too. I run our marketing ops
              stack at Quillfeather (indie publisher, about 60 titles a year). We're trying to
              figure out which campaigns actually move book sales vs just clicks.

            Could I get a demo sometime next week?

            Thanks!
            Ben
            """,
            ),
            m(
                DANA,
                BEN,
                "2026-08-18 14:30",
                """
            Hi Ben,

            Thanks for reaching out - title-level attribution is one of my favourite problems.
              How about Tuesday Aug 25 at 10am PT?

            It would also help to know who else would be involved in choosing a tool like this;
              happy to include them from the start.

            Best,
            Dana
            """,
            ),
            m(
                BEN,
                DANA,
                "2026-08-18 12:02",
                """
            Tuesday at 10 works! It'll just be me for now.

            Ben
            """,
            ),
        ],
    ),
    Conv(
        "quill-recap",
        "Recap + next steps (Quillfeather)",
        label=QUILL_LABEL,
        mails=[
            m(
                DANA,
                BEN,
                "2026-08-25 15:10",
                """
            Hi Ben,

            Thanks for the great conversation today. Recap:

            - Today: campaign data in HubSpot, orders in Shopify, no link between the two.
            - Goal: see which campaigns drive sales per title, not just clicks.
            - Next: a short trial on last season's data.

            Would it make sense to bring Linda (your VP Marketing, I believe?) into the next
              conversation? In my experience whoever owns the marketing budget wants to see the
              attribution model before anything else.

            Best,
            Dana
            """,
            ),
            m(
                BEN,
                DANA,
                "2026-08-26 09:15",
                """
            Thanks Dana, loved the demo, especially the title-level attribution.

            I'll need to run this by my boss before anything else happens, it's not really my
              call. I'll share your recap with her.

            Ben
            """,
            ),
            m(
                DANA,
                BEN,
                "2026-09-02 11:00",
                """
            Hi Ben,

            Any reaction from Linda? Would she be open to a 20-minute call with us? Happy to work
              around her calendar, early mornings or evenings PT are fine.

            Dana
            """,
            ),
            m(
                BEN,
                DANA,
                "2026-09-03 08:40",
                """
            I'll mention it to her. She's pretty slammed with the fall catalog launch right now.

            Ben
            """,
            ),
            m(
                DANA,
                BEN,
                "2026-09-16 10:20",
                """
            Hi Ben, checking in - did you get a chance to talk with Linda?

            Dana
            """,
            ),
            m(
                BEN,
                DANA,
                "2026-09-17 13:05",
                """
            Sort of - she said to send over some pricing and shell look when she can.
            """,
            ),
            m(
                DANA,
                BEN,
                "2026-09-18 09:45",
                """
            Hi Ben,

            Pricing attached: the Growth plan (5 users, HubSpot + Shopify connectors) is $9,600 a
              year, and there's no implementation fee.

            Could we get 15 minutes with Linda to make sure this fits her priorities for next
              year? I could also send her a short summary directly if that's easier.

            Best,
            Dana
            """,
                attachments=(
                    pdf(
                        "Lumora_Pricing_Quillfeather.pdf",
                        "Lumora Growth plan - Quillfeather Publishing",
                        "5 users, HubSpot and Shopify connectors",
                        "USD 9,600 per year",
                        "No implementation fee",
                    ),
                ),
            ),
            m(
                BEN,
                DANA,
                "2026-09-24 11:30",
                """
            Honestly it's not my call and I can't really get time on her calendar right now. I
              forwarded your email, I'll let you know if she bites.

            Ben
            """,
            ),
            m(
                DANA,
                BEN,
                "2026-10-14 10:00",
                """
            Hi Ben,

            Hope the catalog launch went well! Any word from Linda on the pricing?

            Dana
            """,
            ),
            m(
                BEN,
                DANA,
                "2026-10-15 09:50",
                """
            No news yet, Linda hasn't had a chance to look. I'll keep nudging!

            Ben
            """,
            ),
            m(
                DANA,
                BEN,
                "2026-11-04 10:15",
                """
            Hi Ben,

            Thanks for keeping at it. Is there anyone else on Linda's team who looks at tooling
              and budget, who we could talk to in the meantime?

            Dana
            """,
            ),
            m(
                BEN,
                DANA,
                "2026-11-05 10:40",
                """
            Still waiting on her, sorry! It's really just her. Budget planning for next year starts
              in December, maybe it comes up then.

            Ben
            """,
            ),
        ],
    ),
    Conv(
        "quill-shopify",
        "Shopify + HubSpot question",
        label=QUILL_LABEL,
        mails=[
            m(
                BEN,
                DANA,
                "2026-09-28 14:15",
                """
            Quick q - does Lumora pull order data from Shopify directly or do we need to export
              it? And can it match HubSpot contacts to orders by email?

            Ben
            """,
            ),
            m(
                DANA,
                BEN,
                "2026-09-28 17:40",
                """
            Great questions - looping in Priya from our solutions team, who has set this up for
              two other publishers.

            Dana
            """,
                cc=PRIYA,
            ),
            m(
                PRIYA,
                BEN,
                "2026-09-29 09:30",
                """
            Hi Ben,

            1. Directly - we use the Shopify Admin API with a read-only app, no exports needed.
            2. Yes. We match on email first, then on the HubSpot contact id stored in the order
              note if you use their Shopify integration.

            Cheers,
            Priya
            """,
                cc=DANA,
            ),
            m(
                BEN,
                PRIYA,
                "2026-09-29 10:05",
                """
            Perfect, that's what I hoped. Thanks Priya!
            """,
                cc=DANA,
            ),
        ],
    ),
]


# ============================================================================================
# 6. Brixworth Properties: every reply is about discount; direct questions are dodged.
# ============================================================================================

BRIX_LABEL = "Prospects/Brixworth"
BRIX_CONVS = [
    Conv(
        "brix-pricing",
        "Pricing request",
        label=BRIX_LABEL,
        mails=[
            m(
                DEREK,
                DANA,
                "2026-09-03 08:30",
                """
            Dana,

            Send me your pricing for 25 users. What's the best discount you can do for annual?

            Thanks,
            Derek
            """,
            ),
            m(
                DANA,
                DEREK,
                "2026-09-03 10:05",
                """
            Hi Derek,

            Thanks for reaching out! Happy to put numbers together. So they're accurate, a few
              quick questions:

            - How many seats would you roll out first?
            - What reporting are you hoping to replace - occupancy, maintenance, leasing?
            - Who else is involved in the decision?

            Best,
            Dana
            """,
            ),
            m(
                DEREK,
                DANA,
                "2026-09-03 15:12",
                """
            Just need ballpark pricing for now. We'll see on seats. What's the discount for annual
              prepay?
            """,
            ),
            m(
                DANA,
                DEREK,
                "2026-09-04 09:20",
                """
            Understood. Ballpark: our Portfolio plan lists at $65 per user per month, and annual
              prepay takes 10% off - about $17.5k a year for 25 users.

            If you can tell me a bit about what you're trying to report on, I can tell you whether
              Portfolio is even the right plan; you might not need it. What's driving the search
              right now?

            Best,
            Dana
            """,
            ),
            m(
                DEREK,
                DANA,
                "2026-09-08 11:45",
                """
            Hard to say at this point. Can you do better on price? The other vendor we're talking
              to came in about 30% lower.
            """,
            ),
            m(
                DANA,
                DEREK,
                "2026-09-08 13:30",
                """
            Hi Derek,

            I'd like to make sure we're comparing the same thing. Could we do a 20-minute call so I
              can understand the use case? And who else on your side would weigh in - is there
              someone in property operations or finance?

            Dana
            """,
            ),
            m(
                DEREK,
                DANA,
                "2026-09-14 16:05",
                """
            We're still looking at options. What's your best and final number?
            """,
            ),
        ],
    ),
    Conv(
        "brix-proposal",
        "Brixworth - proposal",
        label=BRIX_LABEL,
        mails=[
            m(
                DANA,
                DEREK,
                "2026-10-01 10:30",
                """
            Hi Derek,

            Attached is a proposal for 25 users on annual prepay at $58 per user per month.

            To go further than that I'd need to understand the rollout: how many properties and
              users would start in the first phase? And is there a date you're working towards?

            Best,
            Dana
            """,
                attachments=(
                    pdf(
                        "Lumora_Proposal_Brixworth.pdf",
                        "Proposal: Lumora Portfolio - Brixworth Properties",
                        "25 users, annual prepay",
                        "USD 58 per user per month (USD 17,400 per year)",
                    ),
                ),
            ),
            m(
                DEREK,
                DANA,
                "2026-10-05 14:20",
                """
            Too expensive. We'd need at least 35% off list to move forward. Any end of quarter
              deals?
            """,
            ),
            m(
                DANA,
                DEREK,
                "2026-10-06 09:50",
                """
            Hi Derek,

            35% isn't something I can do on a 25-user deal. Who would sign off on this on your
              side? I'd be glad to walk them through what the reporting saves, so the price is
              judged against something.

            Dana
            """,
            ),
            m(
                DEREK,
                DANA,
                "2026-10-16 10:10",
                """
            We'll see. Just send the discounted quote and I'll take it from there.
            """,
            ),
            m(
                DANA,
                DEREK,
                "2026-10-20 11:30",
                """
            Hi Derek,

            Revised quote attached: 15% off list on annual prepay, which is as far as I can go
              without a multi-year term.

            Could we get 20 minutes with whoever owns the reporting on your side before you
              decide? I'd hate for you to buy the wrong plan.

            Dana
            """,
                attachments=(
                    pdf(
                        "Lumora_Quote_Brixworth_rev2.pdf",
                        "Revised quote: Lumora Portfolio - Brixworth",
                        "25 users, annual prepay, 15% off list",
                        "USD 55.25 per user per month",
                    ),
                ),
            ),
            m(
                DEREK,
                DANA,
                "2026-10-26 08:55",
                """
            Still high. Can you match $40 a seat?
            """,
            ),
            m(
                DANA,
                SAM,
                "2026-10-26 10:05",
                """
            Sam - see below. Six weeks in and I still don't know what he wants to report on or who
              signs. Do we go lower than 15?
            """,
                forward=True,
                outlook=True,
            ),
            m(
                SAM,
                DANA,
                "2026-10-26 11:20",
                """
            Dana,

            Don't go below 15. He's shopping us against someone and hasn't told you a single thing
              about the use case. Give it one more honest note and then move on.

            Sam
            """,
                outlook=True,
            ),
            m(
                DANA,
                DEREK,
                "2026-11-06 10:40",
                """
            Hi Derek,

            $40 a seat isn't possible. If price is the main thing, we may not be the right fit,
              and that's OK. If you'd like to talk about what you'd actually get for the price,
              I'm happy to - I still don't know which reports you need.

            Dana
            """,
                parent=5,
            ),
            m(
                DEREK,
                DANA,
                "2026-11-09 13:15",
                """
            Any Black Friday pricing?
            """,
            ),
        ],
    ),
]


# ============================================================================================
# 7. Ashgrove Learning: an engaged champion, then "no longer with the company" and a bounce.
# ============================================================================================

ASH_LABEL = "Prospects/Ashgrove"
_ASH_PROPOSAL = pdf(
    "Lumora_Proposal_Ashgrove_Learning.pdf",
    "Proposal: Lumora Learning Analytics - Ashgrove",
    "2,000 employees, 12 admin users",
    "USD 42,000 per year (list)",
    "Implementation: 4 weeks, LMS + HRIS connectors",
)
ASH_CONVS = [
    Conv(
        "ash-demo",
        "Lumora demo for Ashgrove",
        label=ASH_LABEL,
        mails=[
            m(
                MARCUS,
                DANA,
                "2026-08-05 09:40",
                """
            Hi Dana,

            Your colleague Priya gave a talk at the L&D Analytics Summit in June that a few of us
              are still quoting. We have about 2,000 employees on our LMS and the reporting out of
              it is, frankly, terrible - completion rates and not much else.

            Could we get a demo? I'd like to see the skills-to-performance view Priya showed.

            Thanks,
            Marcus
            """,
            ),
            m(
                DANA,
                MARCUS,
                "2026-08-05 13:15",
                """
            Hi Marcus,

            Thanks for getting in touch - I'll tell Priya, she'll be thrilled. Would Monday Aug 10
              or Tuesday Aug 11 at 10am PT work for a demo? I'll make sure the skills view is
              front and centre.

            Best,
            Dana
            """,
            ),
            m(
                MARCUS,
                DANA,
                "2026-08-05 10:48",
                """
            Tuesday the 11th at 10 PT. I'll bring Tyler, my analyst.

            Marcus
            """,
            ),
            m(
                DANA,
                MARCUS,
                "2026-08-11 14:30",
                """
            Hi Marcus,

            Thanks to you and Tyler for a great session. As discussed, I'll send the ROI numbers
              from the two customers I mentioned, and a template for the business case.

            Best,
            Dana
            """,
            ),
            m(
                MARCUS,
                DANA,
                "2026-08-11 12:55",
                """
            This is exactly what we need. I'm going to build the business case for our COO.
              Tyler will help with the numbers - copying him here.

            Marcus
            """,
                cc=TYLER,
            ),
        ],
    ),
    Conv(
        "ash-business-case",
        "Ashgrove business case - numbers",
        label=ASH_LABEL,
        mails=[
            m(
                DANA,
                MARCUS,
                "2026-08-13 10:00",
                """
            Hi Marcus, hi Tyler,

            The numbers from the two customers I mentioned (both anonymised, happy to set up a
              reference call with either):

            - Regional insurer, 1,800 employees: course completion up 22%, time-to-competency for
              new hires down 3 weeks.
            - Logistics company, 2,400 employees: 40% less time spent on L&D reporting.

            The business case template is attached to our shared folder:
              https://share.lumora.io/ashgrove-bc

            Best,
            Dana
            """,
                cc=TYLER,
            ),
            m(
                TYLER,
                DANA,
                "2026-08-13 11:20",
                """
            Thanks Dana - quick question on the completion-rate lift: was that measured over 6 or
              12 months?

            Tyler
            """,
                cc=MARCUS,
            ),
            m(
                DANA,
                TYLER,
                "2026-08-13 15:05",
                """
            12 months, comparing the same cohort sizes year over year.

            Dana
            """,
                cc=MARCUS,
            ),
            m(
                MARCUS,
                DANA,
                "2026-09-10 16:10",
                """
            Dana - the business case is done, im presenting to our COO on Sep 24. Fingers
              crossed!

            Marcus
            """,
                cc=TYLER,
            ),
            m(
                MARCUS,
                DANA,
                "2026-09-25 09:30",
                """
            Went well! The COO wants a formal proposal by mid-October. Tyler will help with the
              user counts.

            Marcus
            """,
                cc=TYLER,
            ),
            m(
                DANA,
                MARCUS,
                "2026-09-25 13:00",
                """
            That's fantastic news - congratulations, Marcus! I'll have the proposal draft to you in
              the first week of October.

            Dana
            """,
                cc=TYLER,
            ),
            m(
                DANA,
                TYLER,
                "2026-10-14 12:20",
                """
            Hi Tyler,

            I just learned that Marcus has left Ashgrove - I hope he's onto something great. Is
              the proposal still moving ahead for mid-October? And is Hannah Price the right
              person to talk to now?

            Dana
            """,
                cc=MARCUS,
            ),
            m(
                MAILER,
                DANA,
                "2026-10-14 09:21:30",
                kind="bounce",
                subject="Delivery Status Notification (Failure)",
                bounced="marcus.bell@ashgrovelearning.com",
            ),
            m(
                TYLER,
                DANA,
                "2026-10-15 13:40",
                """
            Hi Dana,

            Yeah, Marcus left at the end of September, it was pretty sudden. Hannah is taking over
              his projects, she's the right person. I don't know where the proposal stands now,
              sorry.

            Tyler
            """,
                parent=6,
            ),
        ],
    ),
    Conv(
        "ash-proposal",
        "Ashgrove - proposal draft",
        label=ASH_LABEL,
        mails=[
            m(
                DANA,
                MARCUS,
                "2026-10-06 10:00",
                """
            Hi Marcus,

            As promised, the proposal draft is attached. Let me know what you'd like changed before
              it goes to your COO.

            Best,
            Dana
            """,
                attachments=(_ASH_PROPOSAL,),
            ),
            auto(
                MARCUS,
                DANA,
                "2026-10-06 07:01:12",
                """
            Marcus Bell is no longer with Ashgrove Learning.

            For learning analytics questions, please contact Hannah Price at
              hannah.price@ashgrovelearning.com. For all other inquiries, please call our main
              line at (206) 555-0100.

            Thank you.
            """,
                "Automatic reply: ",
                headers=EXCHANGE_OOF,
            ),
        ],
    ),
    Conv(
        "ash-hannah",
        "Introduction - Lumora and Ashgrove's learning analytics project",
        label=ASH_LABEL,
        mails=[
            m(
                DANA,
                HANNAH,
                "2026-10-16 10:00",
                """
            Hi Hannah,

            Tyler mentioned you've taken over Marcus Bell's projects. Marcus and I had been working
              on a learning analytics business case, which your COO asked to see as a formal
              proposal by mid-October.

            I've attached the proposal so you have the full picture. Would a 30-minute call help
              you get up to speed?

            Best,
            Dana
            """,
                attachments=(_ASH_PROPOSAL,),
            ),
            m(
                HANNAH,
                DANA,
                "2026-10-27 15:25",
                """
            Hi Dana,

            Thanks for reaching out and for the context. I'm still getting up to speed on Marcus's
              projects. I'll take a look at the proposal and get back to you.

            Hannah
            """,
            ),
            m(
                DANA,
                HANNAH,
                "2026-11-02 11:00",
                """
            Thanks Hannah. Whenever you're ready, a 30-minute call might save you some reading -
              I can walk you through what Marcus and Tyler built.

            Dana
            """,
            ),
            m(
                HANNAH,
                DANA,
                "2026-11-09 10:05",
                """
            Hi Dana,

            After reviewing priorities with our COO, we've decided not to move forward with a new
              analytics tool this year. Thanks for your time and for the work you put in with
              Marcus and Tyler.

            Hannah
            """,
            ),
            m(
                DANA,
                HANNAH,
                "2026-11-09 14:30",
                """
            Thanks for letting me know, Hannah - I appreciate the clear answer. If priorities
              change next year, the door is open.

            All the best,
            Dana
            """,
            ),
        ],
    ),
]


# ============================================================================================
# 8. Nordhafen Logistik GmbH: after the first contact, only out-of-office replies come back.
# ============================================================================================

_KATRIN_OOF_1 = """
    Vielen Dank für Ihre Nachricht. Ich bin bis zum 21.09.2026 nicht im Büro und habe nur
      eingeschränkten Zugriff auf meine E-Mails. In dringenden Fällen wenden Sie sich bitte an
      controlling@nordhafen-logistik.de.

    Thank you for your message. I am out of the office until 21 September 2026 with limited
      access to email. For urgent matters please contact controlling@nordhafen-logistik.de.

    Katrin Vogel
    Leiterin Controlling | Nordhafen Logistik GmbH
"""
NORDHAFEN_CONVS = [
    Conv(
        "nordhafen-summit",
        "Great to meet you at the Hamburg Supply Chain Summit",
        mails=[
            m(
                DANA,
                KATRIN,
                "2026-09-08 09:30",
                """
            Dear Ms. Vogel,

            It was great to meet you at our stand at the Hamburg Supply Chain Summit last week.
              As promised, here is a short overview of how Lumora helps logistics controlling
              teams: cost per shipment and margin by lane, refreshed daily from the TMS and the
              ERP, instead of a monthly Excel exercise.

            Would a 30-minute call in the next two weeks work? I'm in Boston, so afternoons in
              Hamburg are easiest.

            Best regards,
            Dana Whitfield
            """,
            ),
            auto(
                KATRIN,
                DANA,
                "2026-09-08 15:31:20",
                _KATRIN_OOF_1,
                "Automatic reply: ",
                headers=(("Auto-Submitted", "auto-replied"), ("X-Auto-Response-Suppress", "All")),
            ),
            m(
                DANA,
                KATRIN,
                "2026-09-23 10:10",
                """
            Hi Katrin,

            I hope your time away was good! Just bringing this back to the top of your inbox -
              would a short call in early October work?

            Best regards,
            Dana
            """,
                parent=0,
            ),
            auto(
                KATRIN,
                DANA,
                "2026-09-23 16:11:02",
                """
            Sehr geehrte Damen und Herren,

            ich bin vom 23.09. bis einschließlich 09.10.2026 auf Dienstreise und lese meine
              E-Mails nur unregelmäßig. Ihre Nachricht wird nicht weitergeleitet.

            Mit freundlichen Grüßen
            Katrin Vogel
            """,
                "Abwesenheitsnotiz: ",
                no_date=True,
            ),
        ],
    ),
    Conv(
        "nordhafen-bi",
        "Lumora \u2013 logistics controlling dashboards (Nordhafen)",
        mails=[
            m(
                DANA,
                JONAS,
                "2026-10-06 09:00",
                """
            Dear Mr. Adler,

            Katrin Vogel mentioned at the Hamburg Supply Chain Summit that you lead business
              intelligence at Nordhafen. I'd love to show you how other logistics companies use
              Lumora to get lane-level margin reporting without adding to the BI backlog.

            Would 30 minutes in the next few weeks work for you?

            Best regards,
            Dana Whitfield
            """,
                cc=KATRIN,
            ),
            auto(
                JONAS,
                DANA,
                "2026-10-06 15:01:05",
                """
            Thank you for your email. I am on parental leave until 30 October 2026. Your message
              will not be forwarded. For BI topics please contact bi@nordhafen-logistik.de.

            Jonas Adler
            """,
                "Out of Office: ",
                parent=0,
                headers=(("X-Autoreply", "yes"), ("Precedence", "auto_reply")),
            ),
            auto(
                KATRIN,
                DANA,
                "2026-10-06 15:01:19",
                _KATRIN_OOF_1.replace("21.09.2026", "09.10.2026").replace(
                    "21 September 2026", "9 October 2026"
                ),
                "Automatic reply: ",
                parent=0,
                headers=(("Auto-Submitted", "auto-replied"), ("X-Auto-Response-Suppress", "All")),
            ),
            m(
                DANA,
                (KATRIN, JONAS),
                "2026-10-27 10:30",
                """
            Hi Katrin, hi Jonas,

            Following up on my note from earlier this month - is lane-level margin reporting
              something you're looking at for next year's planning?

            Best regards,
            Dana
            """,
                parent=0,
            ),
            auto(
                KATRIN,
                DANA,
                "2026-10-27 15:31:10",
                """
            Vielen Dank für Ihre Nachricht. Ich bin bis einschließlich 06.11.2026 im Urlaub. Ihre
              Nachricht wird nicht weitergeleitet.

            Katrin Vogel
            """,
                "Abwesenheitsnotiz: ",
            ),
        ],
    ),
    Conv(
        "nordhafen-close",
        "Closing the loop - Lumora",
        mails=[
            m(
                DANA,
                (KATRIN, JONAS),
                "2026-11-10 09:00",
                """
            Hi Katrin, hi Jonas,

            I've reached out a few times since the summit and I know autumn is busy. I'll stop
              filling your inbox - if logistics controlling dashboards become a priority, just
              reply to this email and I'll pick it up straight away.

            Best regards,
            Dana
            """,
            ),
            auto(
                KATRIN,
                DANA,
                "2026-11-10 15:01:40",
                _KATRIN_OOF_1.replace("21.09.2026", "13.11.2026").replace(
                    "21 September 2026", "13 November 2026"
                ),
                "Automatic reply: ",
                headers=(("Auto-Submitted", "auto-replied"), ("X-Auto-Response-Suppress", "All")),
            ),
        ],
    ),
]


# ============================================================================================
# 9. Copperline Retail: "how is this different from our spreadsheets?" and "40 teams live by
#    next week at no cost". Closed lost.
# ============================================================================================

COPPER_LABEL = "Prospects/Copperline"
COPPER_CONVS = [
    Conv(
        "copper-intro",
        "Store ops dashboards for Copperline",
        label=COPPER_LABEL,
        mails=[
            m(
                DANA,
                AARON,
                "2026-08-24 10:00",
                """
            Hi Aaron,

            I work with store operations teams at regional retailers. Most of them run their weekly
              store scorecards out of spreadsheets that district managers fill in by hand; Lumora
              builds those scorecards automatically from the POS and labour data and flags the
              stores that need a visit.

            Would it be worth a conversation?

            Best,
            Dana
            """,
            ),
            m(
                AARON,
                DANA,
                "2026-08-25 08:20",
                "Sure, send me something and we can talk next week.",
            ),
            m(
                DANA,
                AARON,
                "2026-08-25 10:45",
                """
            Great - a two-page overview is attached. Would Wednesday Sep 2 at 2pm CT work for a
              call?

            Dana
            """,
                attachments=(
                    pdf(
                        "Lumora_Retail_Store_Ops_Overview.pdf",
                        "Lumora for Retail Store Operations",
                        "Automatic store scorecards from POS and labour data",
                        "Exception alerts for district managers",
                        "Typical pilot: 3 stores, 4 weeks",
                    ),
                ),
            ),
            m(AARON, DANA, "2026-08-25 12:05", "Wed 2pm is fine.", sig=False),
        ],
    ),
    Conv(
        "copper-followup",
        "Following up on our call - Copperline",
        label=COPPER_LABEL,
        mails=[
            m(
                DANA,
                AARON,
                "2026-09-02 16:30",
                """
            Hi Aaron,

            Thanks for the time today. What I heard: 40 store teams, district managers compile
              weekly scorecards in a shared workbook, and it's hard to spot the struggling stores
              until the month closes.

            A sensible start would be a 4-week pilot with 3 stores in one district, so you can
              compare Lumora's scorecards with the workbook side by side.

            Best,
            Dana
            """,
            ),
            m(
                AARON,
                DANA,
                "2026-09-08 09:40",
                """
            Thanks Dana. Honestly I still don't see how this is different from our spreadsheets.
              My team already has a tracker in Excel that does most of this, and the DMs know how
              to use it.
            """,
            ),
            m(
                DANA,
                AARON,
                "2026-09-08 12:15",
                """
            Hi Aaron,

            Fair question. Three differences that matter to teams like yours:

            1. Nobody fills anything in - the numbers come from the POS and labour systems daily.
            2. The DMs get an alert when a store drifts, instead of finding out at month end.
            3. You see trends across all 40 stores in one place, not 40 tabs.

            If the tracker already does all that, you probably don't need us. If it doesn't, the
              pilot would show it quickly.

            Dana
            """,
            ),
            m(
                AARON,
                DANA,
                "2026-09-14 17:50",
                """
            OK, maybe. Megan runs our biggest region so I've copied her.

            If we did this we'd need it live for all 40 teams by next week, at no cost until it
              proves itself. Holiday prep starts on the 21st.
            """,
                cc=MEGAN,
            ),
            m(
                MEGAN,
                (AARON, DANA),
                "2026-09-15 07:30",
                """
            Hi both - for what it's worth my DMs are pretty attached to the tracker. Not sure we
              have bandwidth to learn something new before the holidays.

            Megan
            """,
            ),
            m(
                DANA,
                (AARON, MEGAN),
                "2026-09-15 11:00",
                """
            Hi Aaron, hi Megan,

            I understand the timing. Getting 40 teams live in a week isn't something I'd promise
              anyone - it would set you up to fail in the middle of holiday prep.

            What I can do: a free 2-week proof of value with 3 stores in Megan's region, with us
              doing the setup. The DMs keep their tracker; we just show what the scorecards would
              have flagged.

            Best,
            Dana
            """,
            ),
            m(
                AARON,
                DANA,
                "2026-09-28 10:15",
                """
            Not sure what we'd get that we don't already have. Two weeks of set-up during the
              holidays is a non-starter.
            """,
            ),
            m(
                DANA,
                AARON,
                "2026-10-06 10:30",
                """
            Fair enough. Here's a 3-minute video of a district manager at a similar chain using
              the store alerts: https://lumora.io/v/dm-alerts - no set-up needed to watch it.

            Dana
            """,
            ),
            m(
                AARON,
                DANA,
                "2026-10-16 14:40",
                """
            Watched it. Still not seeing the value over waht we have, to be honest.
            """,
            ),
            m(
                AARON,
                DANA,
                "2026-10-29 09:10",
                """
            Dana, we've decided to stick with our spreadsheets for now. Appreciate your time.

            Aaron
            """,
            ),
            m(
                DANA,
                AARON,
                "2026-10-29 11:00",
                """
            Thanks for letting me know, Aaron, and for being straightforward. If the tracker ever
              starts to creak, you know where to find me.

            Dana
            """,
            ),
        ],
    ),
]


# ============================================================================================
# 10. Elena Marchetti, an independent consultant on gmail.com: small, quick and signed.
# ============================================================================================

ELENA_LABEL = "Prospects/Marchetti"
ELENA_CONVS = [
    Conv(
        "elena-intro",
        "Lumora for a one-person consultancy?",
        label=ELENA_LABEL,
        mails=[
            m(
                ELENA,
                DANA,
                "2026-09-14 08:05",
                """
            Hi Dana,

            I'm an independent analytics consultant (mostly retail and a credit union or two) and
              a former colleague at one of your customers pointed me your way.

            Is there a plan for 2-3 seats, and what does it cost? I don't need enterprise SSO or
              anything fancy, but I do need to share dashboards with clients without them seeing
              each other's data.

            Thanks,
            Elena
            """,
            ),
            m(
                DANA,
                ELENA,
                "2026-09-14 09:10",
                """
            Hi Elena,

            Thanks for reaching out! Our Starter plan is built for exactly this: $129 per user per
              month, or $1,290 per user per year, with separate client workspaces so nobody sees
              anybody else's data.

            What kind of work do you do for your clients - recurring reporting, or one-off
              projects? That changes which connectors you'll want.

            Best,
            Dana
            """,
            ),
            m(
                ELENA,
                DANA,
                "2026-09-14 10:02",
                """
            Mostly recurring monthly reporting for mid-size retailers, plus a regional credit union.
              Client workspaces are exactly what I need. Could we do a quick call to see it in
              action?
            """,
                sig=False,
            ),
            m(
                DANA,
                ELENA,
                "2026-09-14 10:30",
                """
            Of course - would Thursday at 11am ET work?

            Dana
            """,
            ),
            m(ELENA, DANA, "2026-09-14 10:41", "Thursday 11 works!", sig=False),
            m(
                DANA,
                ELENA,
                "2026-09-17 12:10",
                """
            Hi Elena,

            Great to talk today. As promised, you now have a 14-day trial with two client
              workspaces set up (Retail A, Credit Union). The Shopify and QuickBooks connectors
              are enabled.

            Shall we pencil in a check-in for the end of the trial?

            Best,
            Dana
            """,
            ),
            m(
                ELENA,
                DANA,
                "2026-09-18 09:30",
                """
            Thanks Dana, I'm in. First impression: the client workspace setup is lovley. I'll try it
              with my credit union data this week and let you know.

            Elena
            """,
            ),
        ],
    ),
    Conv(
        "elena-order",
        "Lumora Starter - order form",
        label=ELENA_LABEL,
        mails=[
            m(
                DANA,
                ELENA,
                "2026-10-19 10:00",
                """
            Hi Elena,

            Following our call last week, here's the order form for 2 Starter seats on an annual
              plan ($2,580 a year). If you're happy, sign and send it back and we'll book your
              onboarding.

            Best,
            Dana
            """,
                attachments=(
                    pdf(
                        "Lumora_Order_Form_Marchetti_Analytics.pdf",
                        "Order Form: Lumora Starter - Marchetti Analytics",
                        "2 users, annual plan, USD 2,580 per year",
                        "Client workspaces included",
                    ),
                ),
            ),
            m(
                ELENA,
                DANA,
                "2026-10-21 16:20",
                """
            Signed and attached! Looking forward to getting started. Can we do onboarding Monday at
              10?

            Elena
            """,
                attachments=(
                    pdf(
                        "Lumora_Order_Form_Marchetti_Analytics_signed.pdf",
                        "Order Form: Lumora Starter - Marchetti Analytics (signed)",
                        "Signed: Elena Marchetti, 21 October 2026",
                    ),
                ),
            ),
            m(
                DANA,
                ELENA,
                "2026-10-21 16:45",
                """
            Monday 10am works - invite coming. Welcome aboard!

            Dana
            """,
            ),
        ],
    ),
    Conv(
        "elena-onboarding",
        "Onboarding questions",
        label=ELENA_LABEL,
        mails=[
            m(
                ELENA,
                DANA,
                "2026-10-27 14:10",
                """
            Hi Dana,

            Onboarding was great, thank you. Two follow-ups:
            1) Can I put my own logo on the client dashboards?
            2) How do I add a client user who should only see their workspace?

            Elena
            """,
            ),
            m(
                DANA,
                ELENA,
                "2026-10-27 14:50",
                """
            Hi Elena,

            1) Yes - Settings > Branding, per workspace.
            2) Looping in Priya, who can walk you through client roles.

            Dana
            """,
                cc=PRIYA,
            ),
            m(
                PRIYA,
                ELENA,
                "2026-10-27 16:05",
                """
            Hi Elena,

            In the workspace, go to Members > Invite and choose the "Client viewer" role. They'll
              only see that workspace, and they don't count against your seats.

            Cheers,
            Priya
            """,
                cc=DANA,
            ),
            m(
                ELENA,
                DANA,
                "2026-11-12 11:30",
                """
            Hi Dana,

            Client #2 wants in too - can I add a third seat mid-term? I'd like to have it before
              our kickoff on Nov 23.

            Elena
            """,
                cc=PRIYA,
            ),
            m(
                DANA,
                ELENA,
                "2026-11-12 12:05",
                """
            Absolutely - it's pro-rated to your renewal date. I'll send the add-on form today so
              you have the seat well before the 23rd.

            Dana
            """,
                cc=PRIYA,
            ),
            m(ELENA, DANA, "2026-11-12 13:20", "Perfect, thanks!", sig=False),
        ],
    ),
]


# ============================================================================================
# 11. Stellwagen Marine Insurance: procurement fights hard on price, but value, implementation
#     and an engaged CFO carry the deal to a signed order form.
# ============================================================================================

STELL_LABEL = "Prospects/Stellwagen"
STELL_CONVS = [
    Conv(
        "stell-intro",
        "Intro: Lumora <> Stellwagen underwriting analytics",
        label=STELL_LABEL,
        mails=[
            m(
                SOPHIE,
                DANA,
                "2026-08-17 09:15",
                """
            Hi Dana,

            Mia Costa at Harbor Point Mutual suggested I reach out - she says Lumora cut their
              underwriting review backlog roughly in half. We have 42 underwriters and a backlog
              that keeps our CFO up at night.

            Could we see a demo? Raj from IT would join.

            Best,
            Sophie
            """,
            ),
            m(
                DANA,
                SOPHIE,
                "2026-08-17 10:00",
                """
            Hi Sophie,

            Thanks for reaching out, and please thank Mia for me! Would Monday Aug 24 at 1pm ET
              work? I'll build the demo around a marine cargo book.

            Best,
            Dana
            """,
            ),
            m(
                SOPHIE,
                DANA,
                "2026-08-17 11:30",
                """
            Monday the 24th at 1pm works. Raj will join.

            Sophie
            """,
            ),
            m(
                DANA,
                SOPHIE,
                "2026-08-24 16:00",
                """
            Hi Sophie, hi Raj,

            Thank you both for today. Recap:

            - Goal: cut the underwriting review backlog and give underwriters a single view of
              exposure per account.
            - Data: the policy admin system (nightly extract) plus the claims warehouse.
            - Security: SSO through your identity provider, US hosting.

            Next step on our side: an implementation plan from Priya, our solutions engineer.

            Best,
            Dana
            """,
                cc=RAJ,
            ),
            m(
                SOPHIE,
                DANA,
                "2026-08-25 08:45",
                """
            Great session. We'd like to move forward with an evaluation. Raj will coordinate on SSO
              and data access.

            Sophie
            """,
                cc=RAJ,
            ),
        ],
    ),
    Conv(
        "stell-implementation",
        "Stellwagen - implementation plan",
        label=STELL_LABEL,
        mails=[
            m(
                PRIYA,
                RAJ,
                "2026-09-01 10:00",
                """
            Hi Raj,

            Here's the implementation plan we discussed:

            - Weeks 1-2: SSO (SAML), nightly extract from the policy admin system, claims warehouse
              connection (read-only).
            - Weeks 3-4: underwriting workbench views, exposure per account, backlog tracking.
            - Weeks 5-6: training for underwriters, go-live.

            Working back from a go-live of Monday Jan 11, we'd start on Nov 30.

            Cheers,
            Priya
            """,
                cc=(DANA, SOPHIE),
            ),
            m(
                RAJ,
                PRIYA,
                "2026-09-02 09:20",
                """
            Thanks Priya. Two questions: can the extract run every 4 hours instead of nightly, and
              do you provide a sandbox for our UAT? Also, our change freeze runs Dec 14 - Jan 4, so
              Jan 11 lands right after it, which is good.

            Raj
            """,
                cc=(DANA, SOPHIE),
            ),
            m(
                PRIYA,
                RAJ,
                "2026-09-02 11:00",
                """
            Yes to both: extracts can run every 4 hours (or hourly if the source can take it), and
              every enterprise workspace comes with a sandbox. We'll make sure nothing needs to
              change on your side during the freeze.

            Cheers,
            Priya
            """,
                cc=(DANA, SOPHIE),
            ),
            m(
                SOPHIE,
                DANA,
                "2026-09-02 14:30",
                """
            The plan looks right. For the business case to Victoria (our CFO), can you estimate the
              hours saved per underwriter per week?

            Sophie
            """,
                cc=(PRIYA, RAJ),
            ),
            m(
                DANA,
                SOPHIE,
                "2026-09-03 09:30",
                """
            Hi Sophie,

            Based on Harbor Point and two other marine carriers: about 3.5 hours per underwriter
              per week, mostly from not assembling account files by hand. For 42 underwriters
              that's roughly 7,600 hours a year.

            Best,
            Dana
            """,
                cc=(PRIYA, RAJ),
            ),
        ],
    ),
    Conv(
        "stell-commercial",
        "Lumora commercial proposal \u2013 Stellwagen Marine",
        label=STELL_LABEL,
        mails=[
            m(
                DANA,
                (SOPHIE, NATHAN),
                "2026-10-01 10:00",
                """
            Hi Sophie, hi Nathan,

            Attached is our commercial proposal:

            - Lumora Enterprise, 60 users: $118,800 per year list.
            - Implementation (6 weeks, Priya leading): $12,000.
            - Three-year term: 8% off the subscription.

            Victoria, I've copied you as the business case owner, and my manager Sam Okafor is
              copied as well.

            Best,
            Dana
            """,
                cc=(VICTORIA, SAM),
                attachments=(
                    pdf(
                        "Lumora_Proposal_Stellwagen_Marine.pdf",
                        "Proposal: Lumora Enterprise - Stellwagen Marine Insurance",
                        "60 users, USD 118,800 per year (list)",
                        "Implementation: USD 12,000",
                        "Three-year term: 8% discount on subscription",
                    ),
                ),
            ),
            m(
                NATHAN,
                DANA,
                "2026-10-02 15:10",
                """
            Dana,

            Thank you for the proposal. Candidly, the pricing is well above what we budgeted. To
              move forward we would need:

            - 25% off list
            - net-60 payment terms
            - a 3% cap on renewal increases
            - the implementation fee waived

            We are evaluating one other vendor whose offer is materially lower. Please send a
              revised proposal by October 9.

            Regards,
            Nathan Cole
            """,
                cc=(SOPHIE, VICTORIA, SAM),
                html_only=True,
                inline_logo=True,
                outlook=True,
            ),
            m(
                SOPHIE,
                DANA,
                "2026-10-02 16:00",
                """
            Dana - don't panic about Nathan, that's his opening position on every deal. The value
              case is what matters to Victoria. Happy to jump on a call Monday to strategize.

            Sophie
            """,
                sig=False,
            ),
            m(
                DANA,
                NATHAN,
                "2026-10-07 11:00",
                """
            Hi Nathan,

            Thanks for the clear list. Here is what we can do:

            - 10% off list on a three-year term
            - net-45 payment terms
            - a 5% cap on renewal increases
            - the implementation fee reduced by 50%, to $6,000

            In return we'd ask for a three-year term and a reference call after go-live.

            Best,
            Dana
            """,
                cc=(SOPHIE, VICTORIA, SAM),
                parent=1,
            ),
            m(
                NATHAN,
                DANA,
                "2026-10-08 09:40",
                """
            Dana,

            20% or we go with the alternative. Net-60 is standard for all our vendors.

            Nathan
            """,
                cc=(SOPHIE, VICTORIA, SAM),
            ),
            m(
                VICTORIA,
                (DANA, NATHAN),
                "2026-10-08 17:30",
                """
            All -

            I want to step in here. The value case Sophie presented is strong: 3.5 hours per
              underwriter per week is real money for us, and the backlog matters more to me than
              the last few points of discount.

            That said, I need year one to land under $96k to fit this year's budget. Dana, Sam -
              can you get there?

            Victoria
            """,
                cc=(SOPHIE, SAM),
            ),
            m(
                SAM,
                VICTORIA,
                "2026-10-09 10:15",
                """
            Victoria,

            Thank you - that's a clear target and we can work with it. Our proposal:

            - 15% off list on a three-year term, with a phased ramp: 45 users in year one, 60 from
              year two.
            - That puts year one at $75,735 in subscription plus the $6,000 implementation fee,
              comfortably under $96k, and you keep the volume discount in years two and three.
            - Net-60 is fine on a three-year agreement.

            If that works in principle, Dana will send the revised order form.

            Best regards,
            Sam
            """,
                cc=(DANA, NATHAN, SOPHIE),
                outlook=True,
            ),
            m(
                VICTORIA,
                SAM,
                "2026-10-09 12:02",
                """
            Sam - works for me in principle. Let Nathan paper it, and keep the ramp language
              simple.

            V
            """,
                client="iphone",
                link=False,
                outlook=True,
            ),
            m(
                DANA,
                NATHAN,
                "2026-10-12 10:30",
                """
            Hi Nathan,

            Following Victoria and Sam's exchange, the revised order form is attached: 15% off list
              on a three-year term, 45 users in year one and 60 from year two, implementation at
              $6,000, net-60.

            Best,
            Dana
            """,
                cc=(VICTORIA, SOPHIE, SAM),
                parent=6,
                attachments=(
                    pdf(
                        "Lumora_Order_Form_Stellwagen_rev2.pdf",
                        "Order Form (rev. 2): Lumora Enterprise - Stellwagen Marine",
                        "Term: 36 months; 15% off list",
                        "Year 1: 45 users, USD 75,735",
                        "Years 2-3: 60 users",
                        "Implementation: USD 6,000; payment terms net 60",
                    ),
                ),
            ),
            m(
                NATHAN,
                DANA,
                "2026-10-13 14:05",
                """
            Dana,

            Net-45 on the implementation fee is fine, net-60 on the subscription. Legal will send
              two redlines on the DPA separately. Otherwise we're close.

            Nathan
            """,
                cc=(VICTORIA, SOPHIE, SAM),
            ),
            m(
                DANA,
                NATHAN,
                "2026-10-13 16:20",
                """
            Agreed on the payment terms. Our legal team will turn the DPA redlines around within
              48 hours of receiving them.

            Dana
            """,
                cc=(VICTORIA, SOPHIE, SAM),
            ),
        ],
    ),
    Conv(
        "stell-signature",
        "Stellwagen order form - for signature",
        label=STELL_LABEL,
        mails=[
            m(
                DANA,
                (NATHAN, VICTORIA),
                "2026-11-09 10:00",
                """
            Hi Nathan, hi Victoria,

            The final order form, with the DPA redlines incorporated, is attached for signature.

            Best,
            Dana
            """,
                cc=SOPHIE,
                attachments=(
                    pdf(
                        "Lumora_Order_Form_Stellwagen_final.pdf",
                        "Order Form (final): Lumora Enterprise - Stellwagen Marine",
                        "Term: 36 months from 30 November 2026",
                        "Year 1: 45 users, USD 75,735",
                    ),
                ),
            ),
            m(
                NATHAN,
                DANA,
                "2026-11-12 11:30",
                """
            Dana,

            Signed order form attached. The PO will follow from AP within 5 business days.

            Nathan
            """,
                cc=(VICTORIA, SOPHIE),
                attachments=(
                    pdf(
                        "Lumora_Order_Form_Stellwagen_SIGNED.pdf",
                        "Order Form (signed): Lumora Enterprise - Stellwagen Marine",
                        "Signed for Stellwagen Marine Insurance:",
                        "Victoria Hale, CFO, 12 November 2026",
                    ),
                ),
            ),
            m(
                VICTORIA,
                (DANA, NATHAN, SOPHIE),
                "2026-11-12 13:10",
                """
            Great work, all. Looking forward to seeing the backlog come down. Sophie, please keep
              me posted on the kickoff.

            Victoria
            """,
            ),
            m(
                DANA,
                (VICTORIA, NATHAN, SOPHIE),
                "2026-11-12 13:45",
                """
            Thank you Victoria, Nathan and Sophie - we're excited to get started. Priya will
              reach out about the kickoff this week.

            Best,
            Dana
            """,
                cc=SAM,
            ),
        ],
    ),
    Conv(
        "stell-kickoff",
        "Kickoff - Stellwagen x Lumora",
        label=STELL_LABEL,
        mails=[
            m(
                SOPHIE,
                (DANA, PRIYA),
                "2026-11-13 09:20",
                """
            Hi both,

            The kickoff on Tuesday Nov 24 at 10am works for us - I'll book the big conference room
              in Portland, and Raj will have the SSO metadata ready by Nov 20.

            Priya, can you send the data connector checklist beforehand?

            Sophie
            """,
                cc=RAJ,
            ),
            m(
                PRIYA,
                SOPHIE,
                "2026-11-13 10:45",
                """
            Will do - checklist attached. The only item with a lead time is the read-only database
              user for the claims warehouse.

            Cheers,
            Priya
            """,
                cc=(DANA, RAJ),
                attachments=(
                    pdf(
                        "Lumora_Connector_Checklist.pdf",
                        "Lumora - Data connector checklist",
                        "SAML metadata (IdP)",
                        "Read-only DB user: claims warehouse",
                        "SFTP drop for policy admin extract (every 4 hours)",
                    ),
                ),
            ),
            m(
                RAJ,
                (PRIYA, SOPHIE),
                "2026-11-13 13:05",
                """
            Got it, thanks Priya. I'll have the service accounts created by the 20th.

            Raj
            """,
                cc=DANA,
            ),
        ],
    ),
]


# ============================================================================================
# 12. Feldmann Präzisionstechnik: one "next quarter" in September that did come back in
#     October, a workshop, purchasing paperwork in German, and the managing director in cc.
# ============================================================================================

FELDMANN_LABEL = "Prospects/Feldmann"
FELDMANN_CONVS = [
    Conv(
        "feldmann-inquiry",
        "Anfrage: Vertriebsanalysen mit Lumora",
        label=FELDMANN_LABEL,
        mails=[
            m(
                STEFAN,
                DANA,
                "2026-08-11 10:05",
                """
            Dear Ms Whitfield,

            your colleague Mr Okafor gave me your contact at the Sales Ops Forum in Munich. We are
              a mid-sized manufacturer of precision components (approx. 850 employees) and are
              looking for a better way to analyse our sales pipeline across our 14 sales regions
              in the DACH region and Eastern Europe.

            Could you send me some information and suggest a date for a video call?

            Best regards
            Stefan Brenner
            """,
            ),
            m(
                DANA,
                STEFAN,
                "2026-08-11 08:30",
                """
            Dear Dr. Brenner,

            Thank you for getting in touch - Sam mentioned he'd enjoyed your conversation in
              Munich. I've attached a short overview of Lumora for sales operations.

            Would Thursday, August 20 at 4pm CEST work for a video call? Alternatively Friday at
              the same time.

            Best regards,
            Dana
            """,
                attachments=(
                    pdf(
                        "Lumora_Sales_Operations_Overview.pdf",
                        "Lumora for Sales Operations",
                        "Pipeline analytics across regions and currencies",
                        "Forecast accuracy tracking",
                        "Hosting in the EU (Frankfurt) available",
                    ),
                ),
            ),
            m(
                STEFAN,
                DANA,
                "2026-08-11 16:10",
                """
            Thursday, 20 August, 16:00 CEST suits me well. I will send you a Teams link.

            Kind regards
            """,
            ),
            m(
                DANA,
                STEFAN,
                "2026-08-20 12:30",
                """
            Dear Dr. Brenner,

            Thank you for the time today. As discussed, our offer for 14 regions and 60 users is
              attached, including EU hosting in Frankfurt and a German-language interface.

            Best regards,
            Dana
            """,
                attachments=(
                    pdf(
                        "Lumora_Angebot_Feldmann_2026-08.pdf",
                        "Offer: Lumora Sales Analytics - Feldmann",
                        "14 regions, 60 users, EU hosting (Frankfurt)",
                        "EUR 54,000 per year",
                    ),
                ),
            ),
            m(
                STEFAN,
                DANA,
                "2026-09-03 09:40",
                """
            Dear Ms Whitfield,

            thank you for the detailed offer. We discussed it internally last week. The solution is
              convincing, but the budget for this year is already allocated.

            Let us pick this up again next quarter, when the Q4 budget is released. Please contact
              me again at the beginning of October.

            Mit freundlichen Grüßen
            """,
            ),
            m(
                DANA,
                STEFAN,
                "2026-09-03 08:15",
                """
            Dear Dr. Brenner,

            Thank you for the clear feedback - I'll be in touch at the start of October.

            Best regards,
            Dana
            """,
            ),
        ],
    ),
    Conv(
        "feldmann-workshop",
        "Workshop mit unseren Vertriebsleitern",
        label=FELDMANN_LABEL,
        mails=[
            m(
                STEFAN,
                DANA,
                "2026-10-05 11:20",
                """
            Dear Ms Whitfield,

            as promised - and before you had to chase me :-) - the Q4 budget has been released and
              our project is included.

            As a next step we would like to hold a workshop with our regional sales managers.
              Would 3 or 4 November work for you? On site in Stuttgart or online.

            Mit freundlichen Grüßen
            """,
            ),
            m(
                DANA,
                STEFAN,
                "2026-10-05 08:05",
                """
            Dear Dr. Brenner,

            That's wonderful news, thank you! 3 November works for us, and Sam and I would be glad
              to come to Stuttgart in person.

            Best regards,
            Dana
            """,
                cc=SAM,
            ),
            m(
                STEFAN,
                DANA,
                "2026-10-05 15:45",
                """
            Wunderbar. 3 November, 10:00-13:00, in our office in Stuttgart-Vaihingen. I will send
              an invitation. Please also copy Ms Kühn from purchasing on your offer afterwards.

            Kind regards
            """,
                cc=SAM,
            ),
        ],
    ),
    Conv(
        "feldmann-invite",
        "Einladung: Lumora Workshop Vertriebssteuerung",
        label=FELDMANN_LABEL,
        mails=[
            invite(
                STEFAN,
                (DANA, SAM),
                "2026-10-06 09:00",
                """
            Einladung: Lumora Workshop Vertriebssteuerung

            Wann: Dienstag, 3. November 2026 10:00 - 13:00 (Europe/Berlin)
            Wo: Feldmann Präzisionstechnik GmbH, Industriestraße 14, 70565 Stuttgart, Raum "Neckar"
            Organisator: Dr. Stefan Brenner <s.brenner@feldmann-praezision.de>

            Teilnehmer:
            Dana Whitfield <dana.whitfield@lumora.io>
            Sam Okafor <sam.okafor@lumora.io>
            """,
                Cal(
                    "REQUEST",
                    uuid_like("feldmann-workshop-event"),
                    "Lumora Workshop Vertriebssteuerung",
                    "2026-11-03 10:00",
                    "2026-11-03 13:00",
                    "DE",
                    STEFAN,
                    (DANA, SAM),
                    style="thunderbird",
                    location="Feldmann Präzisionstechnik GmbH, Industriestraße 14, Stuttgart",
                    description="Workshop mit den Vertriebsleitern der 14 Regionen.",
                ),
                subject="Einladung: Lumora Workshop Vertriebssteuerung",
            ),
        ],
    ),
    Conv(
        "feldmann-offer",
        "Angebot Lumora - Feldmann Präzisionstechnik",
        label=FELDMANN_LABEL,
        mails=[
            m(
                DANA,
                STEFAN,
                "2026-11-04 11:00",
                """
            Dear Dr. Brenner,

            Thank you for hosting us yesterday - the discussion with your regional managers was
              the most concrete workshop we've had this year.

            Attached is our updated offer for 14 regions and 60 users, including the forecast
              module your managers asked for. I've copied Ms Kühn from purchasing, as you
              suggested.

            Best regards,
            Dana
            """,
                cc=(SAM, PETRA),
                attachments=(
                    pdf(
                        "Lumora_Angebot_Feldmann_2026-11.pdf",
                        "Offer: Lumora Sales Analytics - Feldmann",
                        "14 regions, 60 users, forecast module",
                        "EU hosting (Frankfurt)",
                        "EUR 58,500 per year",
                    ),
                ),
            ),
            m(
                PETRA,
                DANA,
                "2026-11-06 10:15",
                """
            Sehr geehrte Frau Whitfield,

            vielen Dank für Ihr Angebot. Für die Anlage als neuer Lieferant benötigen wir noch
              folgende Unterlagen:

            - Lieferantenselbstauskunft (Formular anbei)
            - Ihre Steuernummer bzw. USt-IdNr. (falls vorhanden)
            - Nachweis über Ihre Betriebshaftpflichtversicherung
            - Auftragsverarbeitungsvertrag (AVV) gemäß Art. 28 DSGVO

            Bitte senden Sie uns die Unterlagen bis zum 20.11.2026 zu, damit die Bestellung noch im
              November ausgelöst werden kann.

            Mit freundlichen Grüßen
            """,
                cc=STEFAN,
                attachments=(
                    pdf(
                        "Lieferantenselbstauskunft.pdf",
                        "Lieferantenselbstauskunft",
                        "Firma, Anschrift, Steuernummer",
                        "Bankverbindung",
                        "Ansprechpartner",
                    ),
                ),
            ),
            m(
                DANA,
                PETRA,
                "2026-11-06 09:30",
                """
            Dear Ms. Kühn,

            Thank you - attached are the completed supplier form, our certificate of insurance and
              our data processing agreement (AVV) under Art. 28 GDPR. As a US company we don't
              have a German VAT ID; our EIN is on the supplier form.

            Please let me know if anything else is missing.

            Best regards,
            Dana
            """,
                cc=STEFAN,
                attachments=(
                    pdf(
                        "Lieferantenselbstauskunft_Lumora.pdf",
                        "Lieferantenselbstauskunft - Lumora",
                        "Lumora Analytics, Inc., Boston, MA",
                        "EIN: 00-0000000 (sample)",
                    ),
                    pdf(
                        "Lumora_AVV_DPA_2026.pdf",
                        "Auftragsverarbeitungsvertrag / DPA",
                        "Lumora Analytics, Inc. - Art. 28 DSGVO / GDPR",
                    ),
                ),
            ),
            m(
                PETRA,
                DANA,
                "2026-11-09 08:40",
                """
            Sehr geehrte Frau Whitfield,

            vielen Dank für die schnelle Rückmeldung. Die Unterlagen sind vollständig, die
              Lieferantenanlage ist erfolgt.

            Mit freundlichen Grüßen
            """,
                cc=STEFAN,
            ),
            m(
                STEFAN,
                DANA,
                "2026-11-13 14:20",
                """
            Dear Ms Whitfield, dear Mr Okafor,

            thank you for the productive workshop and the offer. Purchasing has completed the
              supplier onboarding.

            We plan to sign by the end of November. Our managing director, Dr. Klaus Feldmann (in
              cc), would like to join a short final call - would 24 November at 16:00 CET work for
              you?

            Mit freundlichen Grüßen
            """,
                cc=(SAM, KLAUS),
                parent=0,
            ),
            m(
                DANA,
                STEFAN,
                "2026-11-13 09:05",
                """
            Dear Dr. Brenner, dear Dr. Feldmann,

            Thank you - 24 November at 16:00 CET works for both of us. I'll send a video link.

            Best regards,
            Dana
            """,
                cc=(SAM, KLAUS),
            ),
        ],
    ),
]


# ============================================================================================
# Not prospects: an internal thread and a newsletter.
# ============================================================================================

INTERNAL_CONVS = [
    Conv(
        "internal-pipeline",
        "Pipeline notes for Monday",
        mails=[
            m(
                DANA,
                SAM,
                "2026-10-30 16:00",
                """
            Sam,

            Notes for Monday's pipeline review:

            - Kestrel: PO in, pilot starts Nov 30. Commit.
            - Stellwagen: order form with Nathan, expect signature mid-November. Commit.
            - Feldmann: workshop in Stuttgart on Nov 3. Upside.
            - Corvane: budget frozen until Q1; Greg promised an update by today, nothing yet.
            - Marlowe: three missed demos. I'll ask Jessica directly whether to pause.
            - Tidewell: quiet since early October, trial closed today.
            - Brixworth: still only price. One honest note, as you said.
            - Quillfeather: Ben still can't get Linda on a call.

            Dana
            """,
                outlook=True,
            ),
            m(
                SAM,
                DANA,
                "2026-11-02 08:10",
                """
            Thanks Dana, clear notes.

            Agree on Marlowe and Brixworth - one honest last note each, then close them out. For
              Quillfeather, let me try Linda directly, exec to exec; send me what you have.

            Sam
            """,
                outlook=True,
            ),
        ],
    ),
]

_NEWS_FOOTER = (
    '<p style="font-size:11px;color:#888">You are receiving this because you subscribed at '
    'pipelinebrief.news. <a href="https://pipelinebrief.news/u/{token}">Unsubscribe</a> | '
    "The Pipeline Brief, 100 Example Street, Suite 5, Austin, TX 78701</p>"
)


def newsletter(at: str, issue: int, title: str, paragraphs: list[str], unread: bool) -> Conv:
    token = hexid(16, "news", issue)
    body = (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>The Pipeline Brief</title></head>'
        '<body style="font-family:Georgia,serif;max-width:600px;margin:auto">'
        f"<h1>The Pipeline Brief #{issue}</h1><h2>{html.escape(title)}</h2>"
        + "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
        + _NEWS_FOOTER.format(token=token)
        + "</body></html>"
    )
    subject = f"The Pipeline Brief #{issue}: {title}"
    mail = Mail(
        NEWSLETTER,
        (DANA,),
        at,
        body,
        kind="news",
        subject=subject,
        unread=unread,
        headers=(
            (
                "List-Unsubscribe",
                f"<https://pipelinebrief.news/u/{token}>, "
                f"<mailto:unsubscribe+{token}@pipelinebrief.news>",
            ),
            ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
            ("List-Id", "The Pipeline Brief <weekly.pipelinebrief.news>"),
            ("Precedence", "bulk"),
            ("Feedback-ID", f"{issue}:pipelinebrief:newsletter"),
        ),
    )
    return Conv(f"newsletter-{issue}", subject, [mail])


NEWSLETTER_CONVS = [
    newsletter(
        "2026-09-15 06:00",
        37,
        "Reading the silence",
        [
            "When a prospect goes quiet, the instinct is to send another follow-up. The data says "
            "something else: reply latency that doubles twice in a row predicts a lost deal better "
            "than any single missed email.",
            "This week: three questions to ask before your fourth follow-up, and why "
            "'next quarter' means something different the second time you hear it.",
        ],
        unread=False,
    ),
    newsletter(
        "2026-10-13 06:00",
        41,
        "Q4 forecasting without the guesswork",
        [
            "Commit, upside, pipeline: most teams use the words, few agree on what they mean. We "
            "asked twelve sales leaders how they decide what goes in commit.",
            "Plus: the one meeting you should never let a prospect cancel twice.",
        ],
        unread=True,
    ),
]

CONVERSATIONS: list[Conv] = [
    *KESTREL_CONVS,
    *TIDEWELL_CONVS,
    *CORVANE_CONVS,
    *MARLOWE_CONVS,
    *QUILL_CONVS,
    *BRIX_CONVS,
    *ASH_CONVS,
    *NORDHAFEN_CONVS,
    *COPPER_CONVS,
    *ELENA_CONVS,
    *STELL_CONVS,
    *FELDMANN_CONVS,
    *INTERNAL_CONVS,
    *NEWSLETTER_CONVS,
]


# ============================================================================================
# What a sales manager would say about each prospect as of the newest message (2026-11-16).
# Counts are not written here: they are computed from the rendered messages in ``main``.
# ``expected_signals`` must fire; ``expected_positive_signals`` must fire where the positive
# codes are implemented; ``absent_signals`` must not fire.
# ============================================================================================

ALL_NEGATIVE = (
    "radio_silence",
    "slowing_replies",
    "unanswered_followups",
    "auto_reply_only",
    "champion_left",
    "vague",
    "price_only",
    "deferral",
    "repeated_deferral",
    "missed_meetings",
    "no_decision_maker",
    "dodged_questions",
    "value_unclear",
    "unrealistic_expectations",
)


def _without(*codes: str) -> list[str]:
    return [c for c in ALL_NEGATIVE if c not in codes]


PROSPECTS: dict[str, dict[str, object]] = {
    "kestrelfreight.com": {
        "name": KESTREL,
        "story": "Healthy: replies within hours, five people engaged including the VP of "
        "Operations who owns the budget; price and rollout both discussed; PO issued and a "
        "pilot dated for Nov 30.",
        "expected_signals": [],
        "expected_positive_signals": ["multithreaded", "exec_engaged", "concrete_next_step"],
        "absent_signals": _without("deferral", "vague"),
        "expected_recommendation": "keep_going",
        "acceptable_recommendations": ["keep_going"],
    },
    "tidewell.co.uk": {
        "name": "Tidewell Insurance Group",
        "story": "Strong inbound start, then reply latency grows from 1.5 hours to 9 days, "
        "replies shrink to 'Thanks Dana, noted.', and the last four follow-ups go unanswered.",
        "expected_signals": ["slowing_replies", "unanswered_followups", "radio_silence"],
        "expected_positive_signals": [],
        "absent_signals": [
            "price_only",
            "auto_reply_only",
            "champion_left",
            "missed_meetings",
            "repeated_deferral",
            "no_decision_maker",
            "value_unclear",
            "unrealistic_expectations",
        ],
        "expected_recommendation": "walk_away",
        "acceptable_recommendations": ["walk_away", "re_engage"],
    },
    "corvane.com": {
        "name": "Corvane Manufacturing",
        "story": "'Let's revisit next quarter' in August, 'budgets are frozen until after the "
        "new year' in October with a promise to follow up by end of October; the date passes "
        "and three follow-ups go unanswered.",
        "expected_signals": ["deferral", "repeated_deferral", "unanswered_followups"],
        "expected_positive_signals": [],
        "absent_signals": [
            "price_only",
            "auto_reply_only",
            "champion_left",
            "missed_meetings",
            "unrealistic_expectations",
            "exec_engaged",
        ],
        "expected_recommendation": "walk_away",
        "acceptable_recommendations": ["walk_away"],
    },
    "marlowehealth.com": {
        "name": "Marlowe Health Partners",
        "story": "Three missed demos: an Outlook cancellation (METHOD:CANCEL) the evening "
        "before, a no-show followed by 'so sorry I missed our call', and a counter-proposal "
        "declined on the day; then 'let's reconnect after the holidays'.",
        "expected_signals": ["missed_meetings"],
        "expected_positive_signals": [],
        "absent_signals": [
            "price_only",
            "auto_reply_only",
            "champion_left",
            "value_unclear",
            "unrealistic_expectations",
            "no_decision_maker",
        ],
        "expected_recommendation": "walk_away",
        "acceptable_recommendations": ["walk_away"],
    },
    "quillfeather.com": {
        "name": "Quillfeather Publishing",
        "story": "An eager marketing-ops specialist who answers within a day but says it's "
        "'not my call'; two requests to meet his boss go nowhere, and no senior title ever "
        "writes or is copied.",
        "expected_signals": ["no_decision_maker"],
        "expected_positive_signals": [],
        "absent_signals": [
            "radio_silence",
            "slowing_replies",
            "auto_reply_only",
            "champion_left",
            "missed_meetings",
            "price_only",
            "value_unclear",
            "unrealistic_expectations",
            "exec_engaged",
        ],
        "expected_recommendation": "escalate",
        "acceptable_recommendations": ["escalate", "walk_away"],
    },
    "brixworthprops.com": {
        "name": "Brixworth Properties",
        "story": "Every reply asks for a discount or a better number; direct questions about "
        "seats, use case and decision makers get 'we'll see' or 'hard to say at this point'.",
        "expected_signals": ["price_only", "vague", "dodged_questions"],
        "expected_positive_signals": [],
        "absent_signals": [
            "auto_reply_only",
            "champion_left",
            "missed_meetings",
            "repeated_deferral",
            "exec_engaged",
            "multithreaded",
            "concrete_next_step",
        ],
        "expected_recommendation": "walk_away",
        "acceptable_recommendations": ["walk_away"],
    },
    "ashgrovelearning.com": {
        "name": "Ashgrove Learning",
        "story": "An engaged champion builds the business case, then an auto-reply says he is "
        "no longer with the company, a later reply-all bounces (DSN), and his successor "
        "declines. Closed lost on Nov 9.",
        "expected_signals": ["champion_left"],
        "expected_positive_signals": [],
        "absent_signals": [
            "price_only",
            "auto_reply_only",
            "missed_meetings",
            "repeated_deferral",
            "unrealistic_expectations",
        ],
        "expected_recommendation": "walk_away",
        "acceptable_recommendations": ["walk_away"],
        "outcome": "lost",
        "closed_at": "2026-11-09",
    },
    "nordhafen-logistik.de": {
        "name": "Nordhafen Logistik GmbH",
        "story": "After the first contact only out-of-office replies ever come back (English "
        "with Auto-Submitted, German 'Abwesenheitsnotiz' with no auto-reply headers at all, "
        "one with X-Autoreply); no human has written a word.",
        "expected_signals": ["auto_reply_only", "unanswered_followups"],
        "expected_positive_signals": [],
        "absent_signals": [
            "price_only",
            "champion_left",
            "missed_meetings",
            "vague",
            "deferral",
            "repeated_deferral",
            "no_decision_maker",
            "value_unclear",
            "unrealistic_expectations",
            "dodged_questions",
        ],
        "expected_recommendation": "re_engage",
        "acceptable_recommendations": ["re_engage", "walk_away"],
    },
    "copperline-retail.com": {
        "name": "Copperline Retail",
        "story": "'I still don't see how this is different from our spreadsheets', 'we'd need "
        "it live for all 40 teams by next week, at no cost'; the value never lands. Closed "
        "lost on Oct 29.",
        "expected_signals": ["value_unclear", "unrealistic_expectations"],
        "expected_positive_signals": [],
        "absent_signals": [
            "price_only",
            "auto_reply_only",
            "champion_left",
            "missed_meetings",
            "repeated_deferral",
            "exec_engaged",
        ],
        "expected_recommendation": "walk_away",
        "acceptable_recommendations": ["walk_away"],
        "outcome": "lost",
        "closed_at": "2026-10-29",
    },
    "elena.marchetti.analytics@gmail.com": {
        "name": "Elena Marchetti",
        "story": "An independent consultant on gmail.com: asks price and use case on day one, "
        "signs an order form within five weeks, books onboarding and adds a seat.",
        "expected_signals": [],
        "expected_positive_signals": ["concrete_next_step"],
        "absent_signals": _without("deferral", "vague"),
        "expected_recommendation": "keep_going",
        "acceptable_recommendations": ["keep_going"],
        "outcome": "won",
        "closed_at": "2026-10-21",
    },
    "stellwagenmarine.com": {
        "name": STELLWAGEN,
        "story": "Procurement fights hard on price (25% off, net-60, 'or we go with the "
        "alternative'), but the CFO backs the value case, implementation is planned, and the "
        "order form is signed on Nov 12 with a dated kickoff.",
        "expected_signals": [],
        "expected_positive_signals": ["exec_engaged", "multithreaded", "concrete_next_step"],
        "absent_signals": _without("deferral", "vague"),
        "expected_recommendation": "keep_going",
        "acceptable_recommendations": ["keep_going"],
        "outcome": "won",
        "closed_at": "2026-11-12",
    },
    "feldmann-praezision.de": {
        "name": "Feldmann Präzisionstechnik GmbH",
        "story": "German-speaking prospect: a single 'next quarter' in September that did come "
        "back on time in October, a workshop in Stuttgart, purchasing paperwork in German, and "
        "the managing director joining the final call on Nov 24.",
        "expected_signals": [],
        "expected_positive_signals": ["concrete_next_step"],
        "absent_signals": [
            "repeated_deferral",
            "radio_silence",
            "slowing_replies",
            "unanswered_followups",
            "auto_reply_only",
            "champion_left",
            "missed_meetings",
            "price_only",
            "value_unclear",
            "unrealistic_expectations",
        ],
        "expected_recommendation": "keep_going",
        "acceptable_recommendations": ["keep_going"],
    },
}

NOT_PROSPECTS = {
    "mailer-daemon@googlemail.com": "delivery status notifications (the bounce belongs to the "
    "prospect of the failed recipient)",
    "pipelinebrief.news": "a newsletter (List-Unsubscribe, Precedence: bulk)",
}


# ============================================================================================
# Build.
# ============================================================================================


def check(rendered: list[Rendered]) -> None:
    """Guards on the data itself, so an edit cannot silently make the sample inconsistent."""
    ids = [r.message_id for r in rendered]
    assert len(ids) == len(set(ids)), "duplicate Message-ID"
    for r in rendered:
        if r.parent is not None:
            assert r.parent.utc < r.utc, f"{r.seed} is dated before its parent"
        assert datetime(2026, 8, 1, tzinfo=UTC) <= r.utc < datetime(2026, 11, 17, tzinfo=UTC), (
            r.seed
        )
        for person in r.participants:
            assert person.email == person.email.lower() and person.email.strip() == person.email
    newest = max(rendered, key=lambda r: r.utc)
    assert newest.utc.date().isoformat() == "2026-11-16", newest.seed


def copies(
    rendered: list[Rendered],
) -> tuple[list[tuple[datetime, str, str]], list[tuple[str, str]]]:
    """Dana's mbox entries (time, separator, text) and Sam's .eml files (name, text)."""
    in_mbox = [r for r in rendered if any(p.email == DANA.email for p in r.participants)]
    last_activity: dict[str, datetime] = {}
    for r in rendered:
        last_activity[r.conv.key] = max(r.utc, last_activity.get(r.conv.key, r.utc))
    # Gmail's thread id is the message id of the first message of the conversation.
    stamps = {r.seed: received_at(r, DANA) if r.mail.sender is not DANA else r.utc for r in in_mbox}
    thread_ids: dict[str, int] = {}
    for r in sorted(in_mbox, key=lambda r: stamps[r.seed]):
        thread_ids.setdefault(r.conv.key, gmail_id(stamps[r.seed], r.seed))

    entries = []
    for r in in_mbox:
        assert r.root is not None
        sent = r.mail.sender is DANA
        labels = []
        if not sent:
            recent = last_activity[r.conv.key] >= datetime(2026, 11, 2, tzinfo=UTC)
            labels.append("Inbox" if recent else "Archived")
        else:
            labels.append("Sent")
        if r.mail.kind == "news":
            labels.append("Category Promotions")
        elif r.mail.kind in ("cal", "auto", "bounce"):
            labels.append("Category Updates")
        elif not sent:
            labels.append("Category Personal")
        if r.conv.label and r.mail.kind == "mail":
            labels.append("Important")
        labels.append("Unread" if r.mail.unread else "Opened")
        if r.conv.label:
            labels.append(r.conv.label)
        extra = [f"X-GM-THRID: {thread_ids[r.conv.key]}", f"X-Gmail-Labels: {','.join(labels)}"]
        if not sent:
            extra += envelope(r, DANA)
        body = with_headers(r.root, extra)
        stamp = stamps[r.seed]
        separator = f"From {gmail_id(stamp, r.seed)}@xxx {separator_date(stamp)}"
        entries.append((stamp, separator, body))

    files: list[tuple[str, str]] = []
    taken: set[str] = set()
    for r in rendered:
        if not r.mail.outlook:
            continue
        assert r.root is not None
        assert any(p.email == SAM.email for p in r.participants), r.seed
        extra = envelope(r, SAM) if r.mail.sender is not SAM else []
        files.append((eml_name(r.subject, taken), with_headers(r.root, extra)))
    return entries, files


def expectations(rendered: list[Rendered], mbox_count: int, eml_count: int) -> dict[str, object]:
    """Counts per prospect, computed from the same messages that were written."""
    per: dict[str, dict[str, object]] = {}
    for key in PROSPECTS:
        per[key] = {"messages": [], "threads": set(), "contacts": set()}
    for r in rendered:
        keys = set()
        for person in r.participants:
            key = prospect_key(person.email)
            if domain_of(person.email) == OUR_DOMAIN or key in NOT_PROSPECTS:
                continue
            assert key in PROSPECTS, f"{key} is neither a prospect nor listed in NOT_PROSPECTS"
            keys.add(key)
            per[key]["contacts"].add(person.email)  # type: ignore[union-attr]
        if r.mail.bounced:
            keys.add(prospect_key(r.mail.bounced))
        assert len(keys) <= 1, f"{r.seed} involves two prospects"
        for key in keys:
            per[key]["messages"].append(r)  # type: ignore[union-attr]
            per[key]["threads"].add(r.conv.key)  # type: ignore[union-attr]

    def iso(moment: datetime) -> str:
        return moment.isoformat().replace("+00:00", "Z")

    prospects: dict[str, object] = {}
    for key, meta in PROSPECTS.items():
        messages: list[Rendered] = sorted(per[key]["messages"], key=lambda r: r.utc)  # type: ignore[arg-type]
        human = [
            r
            for r in messages
            if prospect_key(r.mail.sender.email) == key and r.mail.kind != "auto"
        ]
        entry: dict[str, object] = {
            "name": meta["name"],
            "n_messages": len(messages),
            "n_threads": len(per[key]["threads"]),  # type: ignore[arg-type]
            "n_from_prospect": len(human),
            "n_auto_replies": sum(r.mail.kind == "auto" for r in messages),
            "n_bounces": sum(r.mail.kind == "bounce" for r in messages),
            "n_calendar": sum(r.mail.kind == "cal" for r in messages),
            "contacts": sorted(per[key]["contacts"]),  # type: ignore[arg-type]
            "thread_subjects": sorted(
                {c.subject for c in CONVERSATIONS if c.key in per[key]["threads"]}  # type: ignore[operator]
            ),
            "first_contact": iso(messages[0].utc),
            "last_contact": iso(messages[-1].utc),
            "last_prospect_message": iso(human[-1].utc) if human else None,
        }
        for field_name in (
            "expected_signals",
            "expected_positive_signals",
            "absent_signals",
            "expected_recommendation",
            "acceptable_recommendations",
            "outcome",
            "closed_at",
            "story",
        ):
            if field_name in meta:
                entry[field_name] = meta[field_name]
        prospects[key] = entry

    newest = max(rendered, key=lambda r: r.utc)
    duplicates = sum(
        1 for r in rendered if r.mail.outlook and any(p.email == DANA.email for p in r.participants)
    )
    internal = [
        r for r in rendered if all(domain_of(p.email) == OUR_DOMAIN for p in r.participants)
    ]
    return {
        "our_domain": OUR_DOMAIN,
        "rep": DANA.email,
        "manager": SAM.email,
        "as_of": iso(newest.utc),
        "as_of_date": newest.utc.date().isoformat(),
        "files": {
            "gmail-takeout/dana-whitfield.mbox": mbox_count,
            "outlook-export": eml_count,
        },
        "inputs": mbox_count + eml_count,
        "total_messages": len(rendered),
        "duplicates": duplicates,
        "threads": len({r.conv.key for r in rendered}),
        "auto_replies": sum(r.mail.kind == "auto" for r in rendered),
        "bounces": sum(r.mail.kind == "bounce" for r in rendered),
        "calendar_messages": sum(r.mail.kind == "cal" for r in rendered),
        "internal_messages": len(internal),
        "not_prospects": NOT_PROSPECTS,
        "prospects": prospects,
    }


def main() -> None:
    rendered = render_conversations(CONVERSATIONS)
    check(rendered)
    entries, files = copies(rendered)

    # Takeout does not sort its mbox by date; a fixed shuffle keeps parsers honest about it.
    random.Random(20261116).shuffle(entries)
    MBOX_PATH.parent.mkdir(parents=True, exist_ok=True)
    with MBOX_PATH.open("wb") as out:
        for _, separator, body in entries:
            out.write((separator + "\n" + mboxrd_quote(body) + "\n").encode("utf-8"))

    EML_DIR.mkdir(parents=True, exist_ok=True)
    for stale in EML_DIR.glob("*.eml"):
        stale.unlink()
    for name, body in files:
        (EML_DIR / name).write_bytes(body.replace("\n", "\r\n").encode("utf-8"))

    with DEALS_PATH.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["prospect", "outcome", "closed_at"])
        deals = [
            (meta["closed_at"], key, meta["outcome"])
            for key, meta in PROSPECTS.items()
            if "outcome" in meta
        ]
        for closed_at, key, outcome in sorted(deals):  # type: ignore[type-var]
            writer.writerow([key, outcome, closed_at])

    summary = expectations(rendered, len(entries), len(files))
    EXPECTATIONS_PATH.parent.mkdir(parents=True, exist_ok=True)
    EXPECTATIONS_PATH.write_text(
        json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    print(
        f"{summary['total_messages']} messages ({len(entries)} in the mbox, {len(files)} .eml, "
        f"{summary['duplicates']} duplicates) in {summary['threads']} conversations; "
        f"as of {summary['as_of']}"
    )


if __name__ == "__main__":
    main()
