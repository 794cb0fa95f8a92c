"""The mail-parser adapter: one raw item in, one :class:`~walkaway.types.Message` out.

This is the only module of walkaway that imports ``mailparser`` (and ``extract_msg`` for
Outlook .msg files). :func:`parse_item` is a pure function of its input, picklable in and
out, so it can run in worker processes.

How it parses: once, with the stdlib's lenient compat32 ``BytesParser`` (the same parser
mail-parser runs internally; :mod:`walkaway.ingest.mimeparse` runs it without compiling a
regex per multipart message), then only the work walkaway needs. mail-parser's own
``MailParser`` also hashes attachments, parses every Received header and builds JSON views,
and it decodes text with ``errors="ignore"``, which drops undecodable bytes silently; so
bodies and headers are decoded here with :mod:`walkaway.ingest.charsets`, and mail-parser
contributes its RFC 5322 date parser and its forensic address parser (for address values
the fast scanner cannot read). Should the adapter itself fail on a message, a full
``MailParser`` parse is the fallback, recorded as the defect ``fallback_mailparser``.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import csv
import dataclasses
import email.utils
import functools
import hashlib
import logging
import mimetypes
import operator
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import policy
from email.message import Message as MimePart
from email.parser import BytesParser, Parser
from typing import Any, TypeVar, cast

import mailparser
from mailparser.dates import parse_mail_date
from mailparser.utils import get_addresses

from walkaway.ingest import flags
from walkaway.ingest.addresses import parse_addresses
from walkaway.ingest.charsets import decode_bytes, decode_header_text, valid_unicode
from walkaway.ingest.htmltext import html_to_text
from walkaway.ingest.limits import DeadlineExceeded, Limits, deadline, resolve
from walkaway.ingest.mimeparse import parse_bytes
from walkaway.types import Address, Attachment, DateSource, Message, Quarantined, RawItem

log = logging.getLogger(__name__)

# mail-parser and extract-msg log at WARNING for ordinary input ("Email content 'calendar'
# not handled", unknown MAPI properties). walkaway reports problems as defects and
# quarantine reasons instead, so their chatter must never reach the user's terminal.
for _noisy in ("mailparser", "extract_msg", "RTFDE"):
    logging.getLogger(_noisy).setLevel(logging.CRITICAL)

_PARSER = BytesParser(policy=policy.compat32)
_TEXT_PARSER = Parser(policy=policy.compat32)
_MIN_YEAR, _MAX_YEAR = 1971, 2100
# How far a Date header may run ahead of the last Received stamp (a sender's clock set
# wrong by hours, a time zone sign flipped) before the Received stamp is trusted instead.
_CLOCK_SLACK = timedelta(days=2)

# Headers whose presence makes a header block an email (an mbox entry may hold anything).
_MAIL_HEADERS = frozenset(
    {
        "from", "to", "cc", "subject", "date", "message-id", "received", "return-path",
        "mime-version", "content-type", "delivered-to", "reply-to", "sender", "in-reply-to",
        "references", "x-mailer", "x-original-to", "x-gm-thrid", "x-gmail-labels",
        "thread-index", "envelope-to",
    }
)  # fmt: skip
_CALENDAR_TYPES = frozenset({"text/calendar", "application/ics", "text/x-vcalendar"})
_MSG_ID = re.compile(r"<([^<>]*)>")
_WHITESPACE = re.compile(r"\s+")
_BASE64_TEXT = re.compile(rb"[A-Za-z0-9+/=\s]{16,}")
_HTML_CHARSET = re.compile(rb"""charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)

# Outlook message classes that are not ordinary mail.
_MSG_CLASS_CALENDAR = {
    "ipm.schedule.meeting.request": ("REQUEST", ""),
    "ipm.schedule.meeting.canceled": ("CANCEL", ""),
    "ipm.schedule.meeting.resp.pos": ("REPLY", "ACCEPTED"),
    "ipm.schedule.meeting.resp.neg": ("REPLY", "DECLINED"),
    "ipm.schedule.meeting.resp.tent": ("REPLY", "TENTATIVE"),
    "ipm.appointment": ("PUBLISH", ""),
}
# ANSI code page of non-Unicode .msg strings, from PR_INTERNET_CPID or the locale id,
# when the file does not state PR_MESSAGE_CODEPAGE (extract-msg then guesses Latin-9).
_CPID_CODEPAGE = {
    50220: "cp932", 50221: "cp932", 50222: "cp932", 51932: "cp932", 932: "cp932",
    949: "cp949", 51949: "cp949", 50225: "cp949", 936: "gb18030", 54936: "gb18030",
    52936: "gb18030", 950: "cp950", 20866: "cp1251", 21866: "cp1251", 28595: "cp1251",
    1251: "cp1251", 1250: "cp1250", 28592: "cp1250", 1253: "cp1253", 28597: "cp1253",
    1254: "cp1254", 1255: "cp1255", 1256: "cp1256", 874: "cp874", 65001: "utf-8",
}  # fmt: skip
_LCID_CODEPAGE = {
    1041: "cp932", 1042: "cp949", 2052: "gb18030", 4100: "gb18030", 1028: "cp950",
    3076: "cp950", 1049: "cp1251", 1058: "cp1251", 1026: "cp1251", 1029: "cp1250",
    1045: "cp1250", 1038: "cp1250", 1032: "cp1253", 1055: "cp1254", 1037: "cp1255",
    1025: "cp1256", 1054: "cp874",
}  # fmt: skip

Index = dict[str, list[str]]


def parse_item(
    raw: RawItem,
    *,
    max_bytes: int | None = None,
    limits: Limits | None = None,
) -> Message | Quarantined:
    """Parse one raw item into a :class:`Message`, or say why it cannot be used.

    Never raises for bad input: the result is a :class:`Quarantined` with a ``reason``
    code (``empty``, ``too_large``, ``too_complex``, ``timeout``, ``no_headers``,
    ``msg_unreadable``, ``unparseable``; see :mod:`walkaway.ingest.reasons`) and a human
    ``detail``. ``limits`` bounds what one message may cost (see
    :mod:`walkaway.ingest.limits`); ``max_bytes``, when given, overrides its size limit.

    >>> raw = RawItem("x.eml", "", b"From: Ann <ann@example.com>\\nSubject: Hi\\n\\nHello\\n")
    >>> parse_item(raw).body
    'Hello'
    """
    limits = resolve(limits, max_bytes)
    size = len(raw.data)
    if size > limits.max_bytes:
        return _quarantine(
            raw, "too_large", f"{size} bytes is more than the limit of {limits.max_bytes}"
        )
    if not raw.data or raw.data.isspace():
        return _quarantine(raw, "empty", "the item holds no data")
    try:
        with deadline(limits.max_seconds):
            result = _parse_guarded(raw, limits)
    except DeadlineExceeded:
        return _quarantine(
            raw, "timeout", f"parsing took longer than the limit of {limits.max_seconds:g} s"
        )
    if isinstance(result, Quarantined):
        return _valid_record(result)
    if len(result.body) > limits.max_body_chars:
        result = dataclasses.replace(
            result,
            body=result.body[: limits.max_body_chars],
            defects=(*result.defects, "body_truncated"),
        )
    return _valid_record(result)


_Record = TypeVar("_Record", Message, Quarantined, Address, Attachment)

# No real address is longer (RFC 5321: 254 characters) and no real display name comes close
# (the longest in the test corpus: 66). Unbounded ones, up to the 1 MB header budget, made
# later stages that match names against text quadratic: one message stalled a run for hours.
MAX_ADDRESS_CHARS = 254
MAX_NAME_CHARS = 256


def _valid_value(value: object) -> object:
    """``value`` made valid; the very same object when nothing needed changing."""
    if isinstance(value, str):
        # ASCII is valid: spare the encode of valid_unicode for nearly every string.
        return value if value.isascii() else valid_unicode(value)
    if isinstance(value, tuple):
        cleaned = tuple(_valid_value(v) for v in value)
        return value if all(map(operator.is_, cleaned, value)) else cleaned
    if isinstance(value, Address):
        email_, name = value.email, value.name
        if (
            len(email_) <= MAX_ADDRESS_CHARS
            and len(name) <= MAX_NAME_CHARS
            and email_.isascii()
            and name.isascii()
        ):
            return value  # the common case, settled without the generic field walk
        if len(email_) > MAX_ADDRESS_CHARS or len(name) > MAX_NAME_CHARS:
            value = Address(value.email[:MAX_ADDRESS_CHARS], value.name[:MAX_NAME_CHARS])
        return _valid_record(value)
    if isinstance(value, Attachment):
        return _valid_record(value)
    return value


def _valid_record(record: _Record) -> _Record:
    """``record`` with valid Unicode in every text field (see :func:`valid_unicode`).

    Undecodable bytes survive in Message-IDs, References, content types and file names
    of damaged mail; downstream, every writer would fail on them.
    """
    changes: dict[str, Any] = {}
    for name in _FIELD_NAMES[type(record)]:
        value = getattr(record, name)
        cleaned = _valid_value(value)
        # _valid_value returns its argument unchanged or a value that differs from it.
        if cleaned is not value:
            changes[name] = cleaned
    return dataclasses.replace(record, **changes) if changes else record


# dataclasses.fields() of each record type, looked up once (it is slow per call).
_FIELD_NAMES: dict[type, tuple[str, ...]] = {
    cls: tuple(item.name for item in dataclasses.fields(cls))
    for cls in (Message, Quarantined, Address, Attachment)
}


def _parse_guarded(raw: RawItem, limits: Limits) -> Message | Quarantined:
    try:
        if raw.kind == "msg":
            return _parse_msg(raw)
        return _parse_rfc822(raw, limits)
    except RecursionError:
        # The stdlib parser recurses once per nesting level and gives up long before
        # ``max_depth`` matters for such input: hostile nesting, not a message.
        return _quarantine(raw, "too_complex", "MIME parts nested too deeply to parse")
    except Exception as error:  # one bad message must never stop the batch
        log.debug("adapter failed on %s %s", raw.source, raw.location, exc_info=True)
        if raw.kind == "msg":
            return _quarantine(raw, "msg_unreadable", f"{type(error).__name__}: {error}")
        return _fallback(raw, error)


def _quarantine(raw: RawItem, reason: str, detail: str) -> Quarantined:
    return Quarantined(raw.source, raw.location, reason, detail)


# ---------------------------------------------------------------------------------------
# Headers


def _index(part: MimePart) -> Index:
    index: Index = {}
    for name, value in part.raw_items():
        index.setdefault(name.strip().lower(), []).append(value)
    return index


def _first(index: Index, name: str) -> str:
    values = index.get(name)
    return values[0] if values else ""


def _text(index: Index, name: str, defects: list[str], hint: str | None = None) -> str:
    value, found = decode_header_text(_first(index, name), hint)
    defects.extend(found)
    return value


def _addresses(
    index: Index,
    name: str,
    defects: list[str],
    *,
    first_only: bool = False,
    hint: str | None = None,
) -> tuple[Address, ...]:
    values = index.get(name, [])[:1] if first_only else index.get(name, [])
    result: dict[str, Address] = {}
    for value in values:
        addresses, found = parse_addresses(value, fallback=_forensic_addresses, charset_hint=hint)
        defects.extend(f"{name}:{code}" for code in found)
        for address in addresses:
            result.setdefault(address.email, address)
    return tuple(result.values())


def _forensic_addresses(value: str) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = get_addresses(value, decode_names=True)
    return pairs


def _message_id(value: str) -> str:
    """``<abc@host>`` -> ``abc@host``; whitespace removed; '' for empty or ``<>``."""
    match = _MSG_ID.search(value)
    token = match.group(1) if match else value
    return _WHITESPACE.sub("", token)


def _id_list(values: Iterable[str], own_id: str) -> tuple[str, ...]:
    """Message-IDs of References/In-Reply-To in order, de-duplicated, junk dropped."""
    found: dict[str, None] = {}
    for value in values:
        tokens = _MSG_ID.findall(value)
        if not tokens:
            tokens = [t for t in re.split(r"[\s,]+", value) if "@" in t]
        for token in tokens:
            token = _WHITESPACE.sub("", token)
            if len(token) > 2 and token != own_id and token not in ("<>", "@"):
                found.setdefault(token)
    return tuple(found)


def _thread_index(value: str, defects: list[str]) -> str:
    """Hex of the 22-byte conversation root of an Outlook Thread-Index ('' on garbage)."""
    value = _WHITESPACE.sub("", value)
    if not value:
        return ""
    try:
        data = base64.b64decode(value + "=" * (-len(value) % 4), validate=True)
    except (binascii.Error, ValueError):
        data = b""
    if len(data) < 22:
        defects.append("thread_index_invalid")
        return ""
    return data[:22].hex()


def _gmail_labels(value: str) -> list[str]:
    if not value:
        return []
    row = next(csv.reader([value], skipinitialspace=True), [])
    return [label.strip() for label in row if label.strip()]


# ---------------------------------------------------------------------------------------
# Dates


def _parse_date(value: str) -> tuple[datetime | None, int | None]:
    """A Date-like header value as (aware UTC datetime, sender's UTC offset in minutes)."""
    value = value.strip()
    if not value:
        return None, None
    result = parse_mail_date(value)
    if result.value is not None:
        try:
            offset = round(float(result.timezone) * 60)
        except (TypeError, ValueError):
            offset = None
        return result.value.astimezone(UTC), offset
    # Lenient fallback for what RFC 5322 forbids but mailers write (missing seconds or
    # zone, two-digit years, stray words).
    try:
        parsed = email.utils.parsedate_tz(value)
    except (TypeError, ValueError, IndexError):
        parsed = None
    if not parsed:
        return None, None
    try:
        stamp = email.utils.mktime_tz(parsed)
        moment = datetime.fromtimestamp(stamp, UTC)
    except (OverflowError, ValueError, OSError):
        return None, None
    offset_seconds = parsed[9]
    return moment, None if offset_seconds is None else offset_seconds // 60


def _sane(moment: datetime | None) -> bool:
    return moment is not None and _MIN_YEAR <= moment.year <= _MAX_YEAR


def _received_moments(index: Index) -> Iterator[datetime]:
    """The sane timestamps of the Received headers, topmost (newest hop) first."""
    for received in index.get("received", []):
        _, _, stamp = received.rpartition(";")
        moment, _ = _parse_date(_WHITESPACE.sub(" ", stamp))
        if moment is not None and _sane(moment):
            yield moment


def _message_date(
    index: Index, defects: list[str]
) -> tuple[datetime | None, DateSource, int | None]:
    raw = _first(index, "date")
    if raw.strip():
        moment, offset = _parse_date(raw)
        if moment is not None and _sane(moment):
            # A Date after every Received stamp is impossible but for a wrong clock: spam
            # dated years ahead (to stay on top of the inbox) or a damaged year. Trusted,
            # it would become the newest message and move the default as-of date with it.
            # The topmost stamp is parsed first: all of them only when that one disagrees.
            stamps = _received_moments(index)
            first = next(stamps, None)
            if first is None or moment <= first + _CLOCK_SLACK:
                return moment, "header", offset
            latest = max([first, *stamps])
            if moment <= latest + _CLOCK_SLACK:
                return moment, "header", offset
            defects.append("date_after_received")
            return latest, "received", None
        defects.append("date_unparseable" if moment is None else "date_absurd")
    else:
        defects.append("date_missing")
    # The topmost Received header is the newest: the moment our side got the message.
    for moment in _received_moments(index):
        defects.append("date_from_received")
        return moment, "received", None
    return None, "none", None


# ---------------------------------------------------------------------------------------
# MIME walk


@dataclass
class _Parts:
    plain: list[str] = field(default_factory=list)
    html: list[str] = field(default_factory=list)
    forwarded: list[str] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    calendars: list[flags.CalendarFacts] = field(default_factory=list)
    has_delivery_status: bool = False
    is_report: bool = False
    dsn_recipients: list[str] = field(default_factory=list)
    dsn_actions: list[str] = field(default_factory=list)
    defects: list[str] = field(default_factory=list)


def _walk(
    part: MimePart,
    parts: _Parts,
    depth: int = 0,
    in_attachment: bool = False,
    index: Index | None = None,
) -> None:
    """Collect body text, attachments, calendar and delivery-status facts of ``part``.

    ``index`` is the top-level header index: reading headers from it spares the stdlib's
    linear header scans, which cost more than the rest of the walk on a typical message.
    """
    if index is not None:
        raw_type = _first(index, "content-type")
        raw_disposition = _first(index, "content-disposition")
    else:
        raw_type = part.get("content-type", "")
        raw_disposition = part.get("content-disposition", "")
    raw_type = str(raw_type)
    raw_disposition = str(raw_disposition)
    if index is None or not raw_type:
        content_type = part.get_content_type()
    else:
        # What compat32's get_content_type() computes, without another header scan.
        content_type = raw_type.partition(";")[0].strip().lower()
        if content_type.count("/") != 1:
            content_type = "text/plain"
    disposition = raw_disposition.partition(";")[0].strip().lower()
    if content_type.startswith("message/"):
        _message_part(part, content_type, parts, disposition, depth, in_attachment)
        return
    if part.is_multipart():
        inner = in_attachment or disposition == "attachment"
        for child in part.get_payload():
            if isinstance(child, MimePart):
                _walk(child, parts, depth + 1, inner)
        return
    has_name = "name" in raw_disposition.lower() or "name" in raw_type.lower()
    filename = _filename(part, parts.defects) if has_name else ""
    if content_type in _CALENDAR_TYPES:
        text = _decoded_text(part, raw_type, parts.defects)
        method = _param(raw_type, "method")
        parts.calendars.append(flags.parse_calendar(text, method_hint=method))
        if filename or disposition == "attachment":
            parts.attachments.append(Attachment(filename, content_type, _size(part)))
        return
    if content_type in ("text/plain", "text/html") and not in_attachment:
        # Unnamed text is the body; named text explicitly shown inline (a security
        # gateway's notice, Apple Mail's text pieces) is both body and attachment.
        if not filename and disposition != "attachment":
            text = _decoded_text(part, raw_type, parts.defects)
            (parts.plain if content_type == "text/plain" else parts.html).append(text)
            return
        if filename and disposition == "inline":
            text = _decoded_text(part, raw_type, parts.defects)
            (parts.plain if content_type == "text/plain" else parts.html).append(text)
    if content_type.startswith("multipart/"):
        # A multipart without a usable boundary: its text would otherwise vanish.
        parts.defects.append("multipart_without_parts")
        parts.plain.append(_decoded_text(part, raw_type, parts.defects))
        return
    if filename or disposition == "attachment" or not content_type.startswith("text/"):
        parts.attachments.append(Attachment(filename, content_type, _size(part)))


def _param(raw_type: str, name: str) -> str:
    """A simple Content-Type parameter (no RFC 2231 continuations), '' when absent."""
    match = _param_pattern(name).search(raw_type)
    return (match.group(1) or match.group(2) or "").strip() if match else ""


@functools.cache  # called with a few constant names
def _param_pattern(name: str) -> re.Pattern[str]:
    return re.compile(rf"""(?i);\s*{name}\s*=\s*(?:"([^"]*)"|([^;\s]*))""")


def _filename(part: MimePart, defects: list[str]) -> str:
    try:
        name = part.get_filename() or ""
    except Exception:  # a malformed parameter list must not cost the message
        defects.append("filename_unreadable")
        return ""
    name, found = decode_header_text(name)  # RFC 2047 in a filename is common, if illegal
    defects.extend(found)
    return name


def _payload_bytes(part: MimePart) -> bytes:
    try:
        payload = part.get_payload(decode=True)
    except Exception:
        payload = None
    if isinstance(payload, bytes):
        return payload
    raw = part.get_payload()
    if isinstance(raw, str):
        return raw.encode("utf-8", "surrogateescape")
    return b""


def _size(part: MimePart) -> int:
    return len(_payload_bytes(part))


def _decoded_text(part: MimePart, raw_type: str, defects: list[str]) -> str:
    charset = _param(raw_type, "charset") if "harset" in raw_type else ""
    if not charset and "*" in raw_type:
        try:  # RFC 2231 forms such as charset*=utf-8''
            charset = part.get_content_charset() or ""
        except Exception:
            charset = ""
    text, found = decode_bytes(_payload_bytes(part), charset or None)
    defects.extend(found)
    # The stdlib skips characters outside the base64 alphabet and repairs padding without
    # a word; its notes on the part are the only trace of text that could not be decoded.
    if any(type(d).__name__.startswith("InvalidBase64") for d in part.defects):
        defects.append("base64_invalid")
    return text


def _message_part(
    part: MimePart,
    content_type: str,
    parts: _Parts,
    disposition: str = "",
    depth: int = 0,
    in_attachment: bool = False,
) -> None:
    payload = part.get_payload()
    if content_type == "message/delivery-status":
        parts.has_delivery_status = True
        blocks: list[MimePart] = []
        if isinstance(payload, list):
            blocks = [b for b in payload if isinstance(b, MimePart)]
        elif isinstance(payload, str):
            # A transfer-encoded report arrives as one string: split its field blocks here.
            text, _ = decode_bytes(_payload_bytes(part), "utf-8")
            blocks = [
                _TEXT_PARSER.parsestr(b, headersonly=True) for b in re.split(r"\n\s*\n", text)
            ]
        for block in blocks:
            fields = list(block.items())
            body = block.get_payload()
            if isinstance(body, str) and body.strip():
                # Some MTAs transfer-encode one block, or write prose where fields belong.
                data = _payload_bytes(block)
                if _BASE64_TEXT.fullmatch(data.strip()):
                    # The block after "Content-Transfer-Encoding: base64" (seen from Postfix).
                    with contextlib.suppress(binascii.Error, ValueError):
                        data = base64.b64decode(data, validate=False)
                text, _ = decode_bytes(data, "utf-8")
                extra = list(_TEXT_PARSER.parsestr(text.strip() + "\n", headersonly=True).items())
                if extra:
                    fields.extend(extra)
                else:
                    parts.plain.append(text)
            _delivery_fields(fields, parts)
        return
    if content_type in ("message/rfc822", "message/global"):
        inner = payload[0] if isinstance(payload, list) and payload else None
        inner = inner if isinstance(inner, MimePart) else None
        named = disposition == "" and "name" in str(part.get("content-type", "")).lower()
        shown_inline = disposition == "inline" or (disposition == "" and not named)
        if shown_inline and not parts.is_report and not in_attachment and inner is not None:
            # Forwarded inline (or a digest entry): mail clients show it as part of the
            # body, so do we, after a forward marker the reply splitter recognises. The
            # message a bounce returns stays out: it is the bounced mail, not new text.
            forwarded = _Parts(defects=parts.defects, is_report=parts.is_report)
            _walk(inner, forwarded, depth + 1)
            text, _ = _body(forwarded)
            header_lines = [
                f"{label}: {decode_header_text(inner.get(label, ''))[0]}"
                for label in ("From", "Date", "Subject", "To")
                if inner.get(label)
            ]
            marker = "---------- Forwarded message ---------"
            parts.forwarded.append("\n".join([marker, *header_lines, "", text]))
            parts.attachments.extend(forwarded.attachments)
            return
        # A forwarded or bounced message sent as an attachment: metadata only.
        filename = _filename(part, parts.defects)
        if not filename and inner is not None:
            subject, _ = decode_header_text(inner.get("subject", ""))
            filename = f"{subject or 'message'}.eml"
        try:
            size = len(inner.as_bytes()) if inner is not None else 0
        except Exception:  # re-serialising a broken message may fail: size unknown
            size = 0
        parts.attachments.append(Attachment(filename, content_type, size))


def _delivery_fields(fields: Iterable[tuple[str, object]], parts: _Parts) -> None:
    final = original = ""
    for name, value in fields:
        key = name.strip().lower()
        if key == "final-recipient":
            final = flags.recipient_address(str(value))
        elif key == "original-recipient":
            original = flags.recipient_address(str(value))
        elif key == "action":
            parts.dsn_actions.append(str(value))
    if final or original:
        parts.dsn_recipients.append(final or original)


def _body(parts: _Parts) -> tuple[str, bool]:
    """The text/plain parts, else the HTML parts as text; inline forwards after them."""
    texts = [t for t in parts.plain if t.strip()]
    from_html = False
    if not texts:
        texts = [t for t in (html_to_text(h) for h in parts.html if h.strip()) if t]
        from_html = bool(texts)
    texts.extend(parts.forwarded)
    return _normalize_newlines("\n\n".join(texts)), from_html


def _normalize_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


# ---------------------------------------------------------------------------------------
# RFC 822 messages


def _parse_rfc822(raw: RawItem, limits: Limits) -> Message | Quarantined:
    mime = parse_bytes(raw.data)  # = _PARSER.parsebytes, faster on multipart mail
    index = _index(mime)
    if not index.keys() & _MAIL_HEADERS:
        return _quarantine(raw, "no_headers", "no mail header found before the body")
    over = _over_budget(mime, limits)
    if over:
        return _quarantine(raw, "too_complex", over)
    defects: list[str] = []
    parts = _Parts(defects=defects)
    top_type = _first(index, "content-type")
    if top_type.lstrip().lower().startswith("multipart/report"):
        parts.is_report = True
        parts.has_delivery_status = _param(top_type, "report-type").lower() == "delivery-status"
    _walk(mime, parts, index=index)
    if any(type(d).__name__ == "StartBoundaryNotFoundDefect" for d in mime.defects):
        defects.append("multipart_boundary_missing")
    hint = _charset_hint(raw.data, index)
    senders = _addresses(index, "from", defects, first_only=True, hint=hint) or _addresses(
        index, "sender", defects, first_only=True, hint=hint
    )
    subject = _text(index, "subject", defects, hint)
    date, date_source, offset = _message_date(index, defects)
    body, from_html = _body(parts)
    return _assemble(
        raw,
        index,
        defects,
        parts,
        sender=senders[0] if senders else None,
        to=_addresses(index, "to", defects, hint=hint),
        cc=_addresses(index, "cc", defects, hint=hint),
        reply_to=_addresses(index, "reply-to", defects, hint=hint),
        subject=subject,
        date=date,
        date_source=date_source,
        offset=offset,
        body=body,
        from_html=from_html,
        calendar=None,
        msg_class="",
    )


def _over_budget(mime: MimePart, limits: Limits) -> str:
    """Which structural limit the parsed message exceeds ('' when none).

    Checked on the parsed tree, iteratively (a recursive walk is what hostile nesting
    attacks), before any part is decoded: within these limits the rest of the work is
    linear in the message size.
    """
    fields = mime.raw_items()
    header_bytes = 0
    for count, (name, value) in enumerate(fields, start=1):
        if count > limits.max_header_fields:
            return f"more than {limits.max_header_fields} header fields"
        header_bytes += len(name) + len(value) + 2
        if header_bytes > limits.max_header_bytes:
            return f"header block larger than the limit of {limits.max_header_bytes} bytes"
    stack: list[tuple[MimePart, int]] = [(mime, 0)]
    parts = 0
    while stack:
        part, depth = stack.pop()
        parts += 1
        if parts > limits.max_parts:
            return f"more than {limits.max_parts} MIME parts"
        if depth > limits.max_depth:
            return f"MIME parts nested more than {limits.max_depth} deep"
        payload = part.get_payload()
        if isinstance(payload, list):
            stack.extend((child, depth + 1) for child in payload if isinstance(child, MimePart))
    return ""


_CHARSET_PARAM = re.compile(rb"""(?i)charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""")
_HINTED_HEADERS = ("subject", "from", "sender", "to", "cc", "reply-to")


def _charset_hint(data: bytes, index: Index) -> str | None:
    """The first charset the message declares, when raw 8-bit headers need one."""
    if all(value.isascii() for name in _HINTED_HEADERS for value in index.get(name, ())):
        return None
    match = _CHARSET_PARAM.search(data)
    return match.group(1).decode("ascii") if match else None


def _assemble(
    raw: RawItem,
    index: Index,
    defects: list[str],
    parts: _Parts,
    *,
    sender: Address | None,
    to: tuple[Address, ...],
    cc: tuple[Address, ...],
    reply_to: tuple[Address, ...],
    subject: str,
    date: datetime | None,
    date_source: DateSource,
    offset: int | None,
    body: str,
    from_html: bool,
    calendar: flags.CalendarFacts | None,
    msg_class: str,
    message_id: str = "",
    thread_index: str = "",
) -> Message:
    """Everything the two parsers (RFC 822 and .msg) share: ids, threading, flags."""
    message_id = _message_id(_first(index, "message-id")) or message_id
    references = _id_list(index.get("references", []), message_id)
    reply_ids = _id_list(index.get("in-reply-to", [])[:1], message_id)
    thread_id = _WHITESPACE.sub("", _first(index, "x-gm-thrid"))
    thread_index = _thread_index(_first(index, "thread-index"), defects) or thread_index
    labels = [*_gmail_labels(_text(index, "x-gmail-labels", defects)), *raw.labels]
    delivered = [
        a.email
        for name in ("delivered-to", "x-original-to")
        for a in _addresses(index, name, defects)
    ]
    flag_headers = {
        name: [decode_header_text(v)[0] for v in index[name]]
        for name in flags.FLAG_HEADERS
        if name in index
    }
    sender_email = sender.email if sender else ""
    bounce = flags.bounce_reason(
        flag_headers,
        subject,
        sender_email,
        has_delivery_status=parts.has_delivery_status,
        delivery_actions=parts.dsn_actions,
    )
    if not bounce and msg_class.startswith("report.") and msg_class.endswith(".ndr"):
        bounce = "msg-class:ndr"
    # Reports (bounces, delay notices, feedback reports, read receipts) and the mail
    # system's own notices are automatic, but they are not replies from the recipient.
    report = (
        bool(bounce)
        or parts.has_delivery_status
        or parts.is_report
        or flags.is_daemon_sender(sender_email)
    )
    auto_reply = "" if report else flags.auto_reply_reason(flag_headers, subject)
    if not auto_reply and not report and ".oof" in msg_class:
        auto_reply = "msg-class:oof"
    bounced: list[str] = []
    if bounce:
        bounced = [*parts.dsn_recipients]
        for value in flag_headers.get("x-failed-recipients", []):
            bounced.extend(a.email for a in parse_addresses(value)[0])
    if calendar is None:
        calendar = next((c for c in parts.calendars if c.method or c.start), None)
    calendar = calendar or flags.CalendarFacts()
    defects.extend(parts.defects)
    identity = message_id or _content_hash(sender_email, _first(index, "date"), subject, body)
    return Message(
        id=identity,
        source=raw.source,
        location=raw.location,
        message_id=message_id,
        date=date,
        date_source=date_source,
        utc_offset_minutes=offset,
        sender=sender,
        to=to,
        cc=cc,
        reply_to=reply_to,
        delivered_to=tuple(dict.fromkeys(delivered)),
        subject=subject,
        body=body,
        body_from_html=from_html,
        in_reply_to=reply_ids[0] if reply_ids else "",
        references=references,
        provider_thread_id=f"gm:{thread_id}" if thread_id else "",
        thread_index=thread_index,
        labels=tuple(dict.fromkeys(label for label in labels if label)),
        attachments=tuple(parts.attachments),
        is_auto_reply=bool(auto_reply),
        auto_reply_reason=auto_reply,
        is_bounce=bool(bounce),
        bounced_recipients=tuple(dict.fromkeys(r for r in bounced if r)),
        calendar_method=calendar.method,
        calendar_partstat=calendar.partstat,
        calendar_start=calendar.start,
        calendar_summary=calendar.summary,
        defects=tuple(dict.fromkeys(defects)),
        size=len(raw.data),
    )


def _content_hash(sender: str, raw_date: str, subject: str, body: str) -> str:
    """Stable id for a message without Message-ID: the same mail in two exports matches."""
    body = "\n".join(line.rstrip() for line in body.strip().splitlines())
    content = "\0".join((sender, _WHITESPACE.sub(" ", raw_date).strip(), subject, body))
    return "sha256:" + hashlib.sha256(content.encode("utf-8", "surrogatepass")).hexdigest()


def _fallback(raw: RawItem, error: Exception) -> Message | Quarantined:
    """A full mail-parser parse, for the rare message the adapter itself cannot handle."""
    try:
        parsed = mailparser.parse_from_bytes(raw.data)
        index = _index(parsed.message)
        defects = ["fallback_mailparser", f"adapter_error:{type(error).__name__}"]
        senders = _addresses(index, "from", defects, first_only=True)
        date, date_source, offset = _message_date(index, defects)
        plain = "\n\n".join(parsed.text_plain)
        body = plain or html_to_text("\n".join(parsed.text_html))
        subject = _text(index, "subject", defects)
        return _assemble(
            raw,
            index,
            defects,
            _Parts(),
            sender=senders[0] if senders else None,
            to=_addresses(index, "to", defects),
            cc=_addresses(index, "cc", defects),
            reply_to=_addresses(index, "reply-to", defects),
            subject=subject,
            date=date,
            date_source=date_source,
            offset=offset,
            body=_normalize_newlines(body),
            from_html=not plain and bool(body),
            calendar=None,
            msg_class="",
        )
    except Exception as second:
        return _quarantine(
            raw, "unparseable", f"{type(error).__name__}: {error}; then {type(second).__name__}"
        )


# ---------------------------------------------------------------------------------------
# Outlook .msg


def _parse_msg(raw: RawItem) -> Message | Quarantined:
    import extract_msg  # imported on first use: most exports hold no .msg file

    try:
        item = extract_msg.openMsg(raw.data)
    except Exception as error:
        return _quarantine(raw, "msg_unreadable", f"{type(error).__name__}: {error}")
    try:
        codepage = _msg_codepage(item)
        if codepage:
            item.close()
            item = extract_msg.openMsg(raw.data, overrideEncoding=codepage)
        return _msg_to_message(raw, item, codepage)
    finally:
        item.close()


def _prop(item: object, name: str) -> object:
    props = getattr(item, "props", None)
    prop = props.get(name) if props is not None else None
    return getattr(prop, "value", None)


def _msg_codepage(item: object) -> str:
    """Code page for a non-Unicode .msg that does not declare one ('' when not needed)."""
    if getattr(item, "areStringsUnicode", True) or _prop(item, "3FFD0003") is not None:
        return ""
    cpid = _prop(item, "3FDE0003")
    lcid = _prop(item, "3FF10003")
    if isinstance(cpid, int) and cpid in _CPID_CODEPAGE:
        return _CPID_CODEPAGE[cpid]
    if isinstance(lcid, int) and lcid in _LCID_CODEPAGE:
        return _LCID_CODEPAGE[lcid]
    return ""


def _safe(item: object, name: str) -> object:
    """An extract-msg property, or None when computing it fails (it often decodes RTF)."""
    try:
        return getattr(item, name, None)
    except Exception:
        return None


def _msg_to_message(raw: RawItem, item: object, codepage: str) -> Message:
    defects: list[str] = [f"msg_codepage:{codepage}"] if codepage else []
    header_text = _safe(item, "headerText")
    index: Index = {}
    if isinstance(header_text, str) and header_text.strip():
        headers = _PARSER.parsebytes(
            header_text.encode("utf-8", "surrogateescape"), headersonly=True
        )
        index = _index(headers)
    msg_class = str(_safe(item, "classType") or "").lower()

    subject = str(_safe(item, "subject") or "").replace("\x00", "").strip()
    if not subject:
        subject = _text(index, "subject", defects)

    senders = _addresses(index, "from", defects, first_only=True)
    if not senders:
        senders = parse_addresses(str(_safe(item, "sender") or ""))[0]
    sender = senders[0] if senders else None
    if sender is None:
        name = str(_safe(item, "sender") or "").strip()
        sender = Address("", name) if name else None

    to = _addresses(index, "to", defects)
    cc = _addresses(index, "cc", defects)
    if not to and not cc:
        to, cc = _msg_recipients(item)

    if index.get("date"):
        date, date_source, offset = _message_date(index, defects)
    else:
        moment = _safe(item, "date")
        date = moment.astimezone(UTC) if isinstance(moment, datetime) else None
        date_source = "header" if date is not None else "none"
        offset = None
        if date is None:
            defects.append("date_missing")

    parts = _Parts(defects=defects)
    body, from_html = _msg_body(item, defects)
    parts.attachments.extend(_msg_attachments(item))

    calendar = None
    if msg_class in _MSG_CLASS_CALENDAR:
        method, partstat = _MSG_CLASS_CALENDAR[msg_class]
        start = _safe(item, "appointmentStartWhole") or _safe(item, "startDate")
        calendar = flags.CalendarFacts(
            method=method,
            partstat=partstat,
            start=start.astimezone(UTC) if isinstance(start, datetime) else None,
            summary=subject,
        )
    conversation = _msg_stream(item, "__substg1.0_00710102")
    return _assemble(
        raw,
        index,
        defects,
        parts,
        sender=sender,
        to=to,
        cc=cc,
        reply_to=_addresses(index, "reply-to", defects),
        subject=subject,
        date=date,
        date_source=date_source,
        offset=offset,
        body=body,
        from_html=from_html,
        calendar=calendar,
        msg_class=msg_class,
        message_id=_message_id(str(_safe(item, "messageId") or "")),
        thread_index=conversation[:22].hex() if len(conversation) >= 22 else "",
    )


def _msg_recipients(item: object) -> tuple[tuple[Address, ...], tuple[Address, ...]]:
    to: dict[str, Address] = {}
    cc: dict[str, Address] = {}
    for recipient in cast(Iterable[object], _safe(item, "recipients") or []):
        address = str(_safe(recipient, "email") or "").strip().lower()
        if "@" not in address:  # Exchange-internal X.500 names are not addresses
            continue
        name = str(_safe(recipient, "name") or "").strip()
        kind = _safe(recipient, "type")
        try:
            number = int(kind)  # type: ignore[call-overload]
        except (TypeError, ValueError):
            number = 1
        if number == 3:  # Bcc
            continue
        target = cc if number == 2 else to
        target.setdefault(address, Address(address, "" if name.lower() == address else name))
    return tuple(to.values()), tuple(cc.values())


def _msg_body(item: object, defects: list[str]) -> tuple[str, bool]:
    """Plain text (PR_BODY), else the HTML body, of an Outlook item.

    Outlook writes PR_BODY as the plain rendition of every body, so a blank PR_BODY means
    a blank body. Only a stored HTML stream is converted then: deriving HTML from the RTF
    body (RTFDE) costs about a second per message and, on the corpus, only ever produced
    empty templates. When PR_BODY is missing altogether, the RTF route is taken.
    """
    body = _safe(item, "body")
    if isinstance(body, str) and body.replace("\x00", "").strip():
        return _normalize_newlines(body.replace("\x00", "")), False
    html = _msg_stream(item, "__substg1.0_10130102")
    if not html and body is None:
        rendered = _safe(item, "htmlBody")  # may de-encapsulate the RTF body: slow
        html = rendered if isinstance(rendered, bytes) else b""
        if not html:
            defects.append("msg_body_unreadable")
    if html.strip():
        match = _HTML_CHARSET.search(html[:4096])
        text, found = decode_bytes(html, match.group(1).decode() if match else "utf-8")
        defects.extend(found)
        converted = html_to_text(text)
        return _normalize_newlines(converted), bool(converted)
    return "", False


def _msg_stream(item: object, name: str) -> bytes:
    try:
        data = item.getStream(name)  # type: ignore[attr-defined]
    except Exception:  # a damaged compound file: treat the stream as absent
        return b""
    return data if isinstance(data, bytes) else b""


def _msg_attachments(item: object) -> list[Attachment]:
    result: list[Attachment] = []
    for attachment in cast(Iterable[object], _safe(item, "attachments") or []):
        data = _safe(attachment, "data")
        name = str(
            _safe(attachment, "longFilename")
            or _safe(attachment, "shortFilename")
            or _safe(attachment, "displayName")
            or ""
        ).replace("\x00", "")
        if isinstance(data, bytes):
            content_type = str(_safe(attachment, "mimetype") or "")
            content_type = (
                content_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
            )
            result.append(Attachment(name, content_type.lower(), len(data)))
        else:
            # An embedded Outlook item (a forwarded mail, a meeting exception).
            subject = str(_safe(data, "subject") or "").replace("\x00", "")
            result.append(
                Attachment(name or f"{subject or 'item'}.msg", "application/vnd.ms-outlook", 0)
            )
    return result
