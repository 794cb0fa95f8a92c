"""Hostile and broken messages, built from code (nothing copied from any corpus).

Each builder returns raw bytes; ``scale`` multiplies the size of the attack so the tests
run small variants and ``benchmarks/fuzz_ingest.py`` the big ones. Shared by the property
tests, the limit tests and the fuzz harness's seed corpus.
"""

from __future__ import annotations

import base64
from collections.abc import Callable

HEADERS = (
    b"From: Dana Whitfield <dana@lumora.io>\n"
    b"To: Jane Doe <jane@acme.com>\n"
    b"Subject: Pilot proposal\n"
    b"Date: Mon, 03 Aug 2026 09:00:00 +0000\n"
    b"Message-ID: <hostile@lumora.io>\n"
)


def nested_multipart(depth: int) -> bytes:
    """Multiparts nested ``depth`` deep, each with its own boundary."""
    inner = b"Content-Type: text/plain\n\nhello from the bottom\n"
    for level in range(depth):
        boundary = b"b%d" % level
        inner = (
            b"Content-Type: multipart/mixed; boundary=" + boundary + b"\n\n--" + boundary + b"\n"
            + inner + b"\n--" + boundary + b"--\n"
        )  # fmt: skip
    return HEADERS + b"MIME-Version: 1.0\n" + inner


def nested_rfc822(depth: int) -> bytes:
    """Attached messages inside attached messages, ``depth`` deep."""
    message = HEADERS + b"\nthe innermost message\n"
    for _ in range(depth):
        message = HEADERS + b"Content-Type: message/rfc822\n\n" + message
    return message


def many_parts(count: int) -> bytes:
    parts = b"".join(b"--B\nContent-Type: text/plain\n\npart %d\n" % i for i in range(count))
    return HEADERS + b"Content-Type: multipart/mixed; boundary=B\n\n" + parts + b"--B--\n"


def many_headers(count: int) -> bytes:
    return HEADERS + b"".join(b"X-Junk-%d: value\n" % i for i in range(count)) + b"\nbody\n"


def huge_header(size: int) -> bytes:
    return HEADERS + b"X-Junk: " + b"a" * size + b"\n\nbody\n"


def huge_subject(size: int) -> bytes:
    return HEADERS.replace(b"Subject: Pilot proposal", b"Subject: " + b"Re: " * (size // 4))


def gigantic_line(size: int) -> bytes:
    """One body line of ``size`` bytes, no newline anywhere in it."""
    return HEADERS + b"\n" + b"word " * (size // 5)


def bad_base64(size: int) -> bytes:
    body = b"!!!not base64 at all@@@\n" * (size // 24)
    return HEADERS + b"Content-Transfer-Encoding: base64\n\n" + body


def bad_quoted_printable(size: int) -> bytes:
    body = b"=ZZ=\n=\n=4=\n" * (size // 12)
    return HEADERS + b"Content-Transfer-Encoding: quoted-printable\n\n" + body


def unknown_charsets(size: int) -> bytes:
    """A multipart whose parts carry unknown, empty, lying and malformed charset labels."""
    labels = [b"x-unknown", b"", b"utf-7", b"\xff\xfe", b"utf-32", b'"', b"gb2312", b"ks_c_5601"]
    body = bytes(range(256)) * max(1, size // 2048)
    parts = b"".join(
        b"--B\nContent-Type: text/plain; charset=" + label + b"\n\n" + body + b"\n"
        for label in labels
    )
    return HEADERS + b"Content-Type: multipart/alternative; boundary=B\n\n" + parts + b"--B--\n"


def nul_bytes(size: int) -> bytes:
    return HEADERS.replace(b": ", b":\x00 ") + b"\n" + b"\x00hello\x00" * (size // 7)


def absurd_dates(size: int) -> bytes:
    del size
    return (
        HEADERS.replace(
            b"Date: Mon, 03 Aug 2026 09:00:00 +0000",
            b"Date: Fri, 31 Dec 99999999999999999999 25:61:61 +99999\n"
            b"Received: from x by y; Mon, 01 Jan 0001 00:00:00 -9999\n"
            b"Received: from x by y; " + b"9" * 5000,
        )
        + b"\nbody\n"
    )


def future_date(size: int) -> bytes:
    """Spam dated decades ahead; its Received stamp says when it really arrived."""
    del size
    return (
        b"Received: from mx.example.org by mx.acme.com; Mon, 03 Aug 2026 09:00:05 +0000\n"
        + HEADERS.replace(b"2026 09:00:00", b"2049 09:00:00")
        + b"\nbuy now\n"
    )


def huge_attachment_claims(size: int) -> bytes:
    """Attachments whose headers claim terabytes and whose names attack file systems."""
    names = [b"../../etc/passwd", b"/etc/shadow", b"C:\\Windows\\win.ini", b"CON", b"a" * 5000]
    data = base64.encodebytes(b"\x00" * max(1, size // 64))
    parts = b"".join(
        b'--B\nContent-Type: application/octet-stream; name="' + name + b'"; size=99999999999999\n'
        b'Content-Disposition: attachment; filename="' + name + b'"; size=99999999999999\n'
        b"Content-Length: 99999999999999\nContent-Transfer-Encoding: base64\n\n" + data
        for name in names
    )
    return HEADERS + b"Content-Type: multipart/mixed; boundary=B\n\n" + parts + b"--B--\n"


def unclosed_calendar(count: int) -> bytes:
    """A calendar part with ``count`` BEGIN:VEVENT lines and no END (once quadratic)."""
    body = b"BEGIN:VCALENDAR\n" + b"BEGIN:VEVENT\nDTSTART:20260801T100000Z\n" * count
    return HEADERS + b"Content-Type: text/calendar; method=REQUEST\n\n" + body


def deep_html(depth: int) -> bytes:
    """HTML nested deeper than libxml2 follows by default (256), with text after it."""
    html = b"<p>before</p>" + b"<div>" * depth + b"deep" + b"</div>" * depth + b"<p>after</p>"
    return HEADERS + b"Content-Type: text/html\n\n" + html


def references_flood(count: int) -> bytes:
    ids = b" ".join(b"<r%d@lumora.io>" % i for i in range(count))
    return HEADERS + b"References: " + ids + b"\nIn-Reply-To: <r0@lumora.io>\n\nhi\n"


def recipients_flood(count: int) -> bytes:
    to = b", ".join(b"p%d@company%d.com" % (i, i) for i in range(count))
    return HEADERS.replace(b"To: Jane Doe <jane@acme.com>", b"To: " + to) + b"\nhi\n"


def encoded_word_flood(count: int) -> bytes:
    words = b" ".join([b"=?utf-8?q?a=C3?="] * count)
    return HEADERS.replace(b"Subject: Pilot proposal", b"Subject: " + words) + b"\nhi\n"


Builder = Callable[[int], bytes]

BUILDERS: dict[str, tuple[Builder, int]] = {
    # name: (builder, size at scale 1)
    "nested_multipart": (nested_multipart, 60),
    "nested_multipart_deep": (nested_multipart, 2_000),
    "nested_rfc822": (nested_rfc822, 3_000),
    "many_parts": (many_parts, 1_500),
    "many_headers": (many_headers, 12_000),
    "huge_header": (huge_header, 1_200_000),
    "huge_subject": (huge_subject, 200_000),
    "gigantic_line": (gigantic_line, 2_000_000),
    "bad_base64": (bad_base64, 200_000),
    "bad_quoted_printable": (bad_quoted_printable, 200_000),
    "unknown_charsets": (unknown_charsets, 20_000),
    "nul_bytes": (nul_bytes, 20_000),
    "absurd_dates": (absurd_dates, 0),
    "future_date": (future_date, 0),
    "huge_attachment_claims": (huge_attachment_claims, 100_000),
    "unclosed_calendar": (unclosed_calendar, 20_000),
    "deep_html": (deep_html, 1_000),
    "references_flood": (references_flood, 20_000),
    "recipients_flood": (recipients_flood, 5_000),
    "encoded_word_flood": (encoded_word_flood, 20_000),
}
"""Every hostile message, at a size that crosses the default limits where it should."""


def hostile_messages(scale: float = 1.0) -> dict[str, bytes]:
    """Every hostile message, its attack size multiplied by ``scale``."""
    return {name: build(int(size * scale)) for name, (build, size) in BUILDERS.items()}
