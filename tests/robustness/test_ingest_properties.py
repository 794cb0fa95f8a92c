"""Property tests: whatever bytes an export holds, ingest never raises, never loses an item
from the accounting, and hands on only valid, picklable records.

Inputs are random bytes, random mail assembled from hostile pieces (MIME trees with broken
boundaries, lying and unknown charsets, bad base64 and quoted-printable, NULs, absurd dates,
hostile file names), and random damage applied to them (truncation, bit flips, NULs).
Where the input is well formed, the text must come out whole.
"""

from __future__ import annotations

import base64
import quopri
import random
import tempfile
from email.header import Header
from pathlib import Path

from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from tests.robustness.damage import DAMAGES
from tests.robustness.hostile import HEADERS
from tests.robustness.invariants import parse_problems, scan_problems
from walkaway.ingest import IngestStats, iter_raw_items, parse_item, scan
from walkaway.types import Message, Quarantined, RawItem

# Enough examples to find the classic crashes in seconds; the fuzz harness runs for longer.
PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# ---------------------------------------------------------------------------------------
# Strategies: pieces of hostile mail

HEADER_NAMES = [
    "From", "To", "Cc", "Reply-To", "Sender", "Subject", "Date", "Message-ID", "In-Reply-To",
    "References", "Received", "Content-Type", "Content-Transfer-Encoding",
    "Content-Disposition", "MIME-Version", "Thread-Index", "X-GM-THRID", "X-Gmail-Labels",
    "Auto-Submitted", "Precedence", "Delivered-To", "X-Failed-Recipients",
]  # fmt: skip
CHARSETS = [
    "utf-8", "us-ascii", "iso-8859-1", "windows-1252", "gb2312", "ks_c_5601-1987",
    "shift_jis", "iso-2022-jp", "koi8-r", "x-unknown", "unknown-8bit", "utf-7", "utf-16",
    "", '"', "\xff", "utf-8\x00", "big5", "x" * 300,
]  # fmt: skip
ENCODINGS = ["7bit", "8bit", "binary", "base64", "quoted-printable", "x-uuencode", "bogus", ""]
CONTENT_TYPES = [
    "text/plain", "text/html", "text/calendar", "application/ics", "application/pdf",
    "application/octet-stream", "image/png", "message/rfc822", "message/delivery-status",
    "message/global", "multipart/mixed", "text", "", "/", "text/plain/extra",
]  # fmt: skip
HOSTILE_NAMES = [
    "../../etc/passwd", "/etc/shadow", "C:\\Windows\\win.ini", "CON", "nul.txt", "a\x00b",
    "=?utf-8?q?=2E=2E=2F=2E=2E=2Fx?=", "x" * 2000, ".", "..", "", " ", "\u202etxt.exe",
]  # fmt: skip

header_text = st.one_of(
    st.text(max_size=120),
    # Raw bytes, invalid UTF-8 included (kept as surrogate escapes until written out).
    st.binary(max_size=120).map(lambda b: b.decode("utf-8", "surrogateescape")),
    st.sampled_from(
        [
            "=?utf-8?B?////?=", "=?x-unknown?q?=FF?=", "=?gb2312?b?1tDOxA==?=",
            "unlisted-recipients:;",
            "Fri, 31 Dec 99999 25:61:61 +9999", "Thu, 01 Jan 1970 00:00:00 +0000", "<>", "<@>",
            '"Lee, Ann" <ann@example.com>, bob@', "=?utf-8?q?a=2C_b?= <x@y.z>", "\x00", "-1",
        ]
    ),
)  # fmt: skip
headers = st.lists(
    st.tuples(st.sampled_from(HEADER_NAMES) | st.text(min_size=1, max_size=20), header_text),
    max_size=12,
)


def _header_block(pairs: list[tuple[str, str]]) -> bytes:
    lines = [
        f"{name}: {value}".encode("utf-8", "surrogateescape").replace(b"\n", b"\n ")
        for name, value in pairs
    ]
    return b"\n".join(lines)


@st.composite
def leaf_part(draw: st.DrawFn) -> bytes:
    content_type = draw(st.sampled_from(CONTENT_TYPES))
    charset = draw(st.sampled_from(CHARSETS))
    encoding = draw(st.sampled_from(ENCODINGS))
    filename = draw(st.none() | st.sampled_from(HOSTILE_NAMES))
    body = draw(st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
    if encoding == "base64" and draw(st.booleans()):
        body = base64.encodebytes(body)
    elif encoding == "quoted-printable" and draw(st.booleans()):
        body = quopri.encodestring(body)
    lines = [f"Content-Type: {content_type}; charset={charset}"]
    if filename is not None:
        lines[0] += f'; name="{filename}"'
        lines.append(f'Content-Disposition: attachment; filename="{filename}"; size=999999999999')
    lines.append(f"Content-Transfer-Encoding: {encoding}")
    return "\n".join(lines).encode("utf-8", "surrogateescape") + b"\n\n" + body


def multipart(children: st.SearchStrategy[bytes]) -> st.SearchStrategy[bytes]:
    @st.composite
    def build(draw: st.DrawFn) -> bytes:
        parts = draw(st.lists(children, max_size=4))
        boundary = draw(st.sampled_from(["B", "=_x", "", "a" * 80, "--", "B B"]))
        closed = draw(st.booleans())
        kind = draw(st.sampled_from(["mixed", "alternative", "report", "related", "signed"]))
        out = f'Content-Type: multipart/{kind}; boundary="{boundary}"\n\n'.encode()
        for part in parts:
            out += b"--" + boundary.encode() + b"\n" + part + b"\n"
        if closed:
            out += b"--" + boundary.encode() + b"--\n"
        return out

    return build()


mime_trees = st.recursive(leaf_part(), multipart, max_leaves=8)


@st.composite
def hostile_mail(draw: st.DrawFn) -> bytes:
    """A message assembled from hostile pieces, then possibly damaged."""
    data = _header_block(draw(headers)) + b"\n" + draw(mime_trees)
    damage = draw(st.sampled_from([None, *DAMAGES]))
    if damage is not None:
        data = DAMAGES[damage](data, random.Random(draw(st.integers(0, 2**32))))
    return data


# ---------------------------------------------------------------------------------------
# Never raises, only valid records


@PROPERTY
@given(st.binary(max_size=4096))
@example(b"\x00" * 64)
@example(b"From: a\n\n" + b"\xff" * 100)
@example(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
def test_random_bytes_never_raise(data: bytes) -> None:
    assert parse_problems(data) == []


@PROPERTY
@given(st.binary(min_size=8, max_size=2048))
def test_random_bytes_as_outlook_msg_never_raise(data: bytes) -> None:
    # Compound-file magic first, so extract-msg's parser is what gets attacked.
    assert parse_problems(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + data, kind="msg") == []


@PROPERTY
@given(hostile_mail())
def test_hostile_mail_never_raises(data: bytes) -> None:
    assert parse_problems(data) == []


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(hostile_mail() | st.binary(max_size=512), min_size=1, max_size=5), st.booleans())
def test_mbox_of_hostile_mail_keeps_exact_accounting(messages: list[bytes], gzip_it: bool) -> None:
    mbox = b"".join(
        b"From sender@example.com Mon Aug  3 09:00:00 2026\n" + m + b"\n" for m in messages
    )
    if gzip_it:
        import gzip

        mbox = gzip.compress(mbox, mtime=0)
    assert scan_problems(mbox, "inbox.mbox") == []


# ---------------------------------------------------------------------------------------
# Well-formed input: nothing lost

# Text without lone surrogates or bare CR (mail has no bare CR line ends to keep).
body_text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r"))
NON_WESTERN = ["utf-8", "koi8-r", "windows-1251", "gb18030", "shift_jis", "euc-kr", "iso-8859-7"]


@PROPERTY
@given(
    body_text,
    st.sampled_from(["8bit", "base64", "quoted-printable"]),
    st.sampled_from(NON_WESTERN),
)
def test_body_text_survives_every_transfer_encoding(text: str, cte: str, charset: str) -> None:
    try:
        data = text.encode(charset)
    except UnicodeEncodeError:
        assume(False)
        return
    payload = {
        "8bit": data,
        "base64": base64.encodebytes(data),
        "quoted-printable": quopri.encodestring(data),
    }[cte]
    mime = f"Content-Type: text/plain; charset={charset}\nContent-Transfer-Encoding: {cte}\n\n"
    raw = HEADERS + mime.encode() + payload
    message = parse_item(RawItem("x.eml", "", raw))
    assert isinstance(message, Message)
    assert message.body == text.replace("\r\n", "\n").strip()


@PROPERTY
@given(st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=200))
def test_encoded_subject_survives(text: str) -> None:
    encoded = Header(text, "utf-8").encode().encode()
    raw = HEADERS.replace(b"Subject: Pilot proposal", b"Subject: " + encoded) + b"\nhi\n"
    message = parse_item(RawItem("x.eml", "", raw))
    assert isinstance(message, Message)
    assert message.subject == text.strip()


# Body lines that an mbox writer must escape, and lines that look like separators.
mbox_lines = st.lists(
    st.sampled_from(["From here on", ">From quoted", ">>From deeper", "From a@b Mon Aug  3", "x"])
    | st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=40),
    max_size=8,
)


@PROPERTY
@given(st.lists(mbox_lines, min_size=1, max_size=6))
def test_mboxrd_round_trip_keeps_every_message_and_body_line(bodies: list[list[str]]) -> None:
    """An mboxrd writer escapes ``>*From `` lines with one more ``>``; reading undoes it."""
    chunks = []
    for number, lines in enumerate(bodies):
        escaped = [(">" + line) if line.lstrip(">").startswith("From ") else line for line in lines]
        chunks.append(
            f"From sender@example.com Mon Aug  3 09:00:00 2026\nFrom: a@example.com\n"
            f"Message-ID: <m{number}@example.com>\nSubject: {number}\n\n"
            + "\n".join(escaped)
            + "\n\n"
        )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "inbox.mbox"
        path.write_bytes("".join(chunks).encode())
        items = list(iter_raw_items(path))
        assert all(isinstance(item, RawItem) for item in items)
        assert len(items) == len(bodies)
        stats = IngestStats()
        messages = [m for m in scan(path, stats=stats) if isinstance(m, Message)]
    assert stats.balanced and stats.parsed == len(bodies)
    for message, lines in zip(messages, bodies, strict=True):
        assert message.body == "\n".join(lines).strip()


# ---------------------------------------------------------------------------------------
# A folder of anything: the accounting always adds up


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["eml", "mbox", "", "gz", "txt"]),
            hostile_mail() | st.binary(max_size=300),
        ),
        max_size=8,
    )
)
def test_folder_of_anything_balances(files: list[tuple[str, bytes]]) -> None:
    import gzip

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for number, (suffix, data) in enumerate(files):
            if suffix == "gz":
                data = gzip.compress(data, mtime=0)
            (root / f"{number}.{suffix}").write_bytes(data)
        stats = IngestStats()
        results = list(scan(root, stats=stats))
    assert stats.balanced
    assert stats.inputs + stats.skipped_files >= len(files)
    assert len(results) == stats.parsed + stats.quarantined
    assert all(isinstance(r, Message | Quarantined) for r in results)
