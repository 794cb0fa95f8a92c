"""Ways real exports get damaged, as pure functions of (bytes, seeded random).

Shared by the damaged-corpus test and ``benchmarks/fuzz_ingest.py``. Every function is
deterministic for a given ``random.Random`` state, so a failure names a reproducible input.
"""

from __future__ import annotations

import gzip
import random
import re
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

Damage = Callable[[bytes, random.Random], bytes]

_HEADER_LINE = re.compile(rb"^[!-9;-~]+[ \t]*:", re.MULTILINE)


def truncate_at(fraction: float) -> Damage:
    """Cut the data off at ``fraction`` of its length (an interrupted copy or download)."""

    def damage(data: bytes, rng: random.Random) -> bytes:
        del rng
        return data[: int(len(data) * fraction)]

    damage.__name__ = f"truncate_{int(fraction * 100)}"
    return damage


def flip_bytes(data: bytes, rng: random.Random) -> bytes:
    """Flip one random bit in about one byte of 200 (at least 8): disk or transfer errors."""
    if not data:
        return data
    buffer = bytearray(data)
    for _ in range(max(8, len(data) // 200)):
        buffer[rng.randrange(len(buffer))] ^= 1 << rng.randrange(8)
    return bytes(buffer)


def insert_nuls(data: bytes, rng: random.Random) -> bytes:
    """Insert NUL bytes and runs of them at random places (a converter gone wrong)."""
    if not data:
        return b"\x00"
    buffer = bytearray(data)
    for _ in range(max(4, len(data) // 500)):
        at = rng.randrange(len(buffer) + 1)
        buffer[at:at] = b"\x00" * rng.choice((1, 1, 2, 16, 512))
    return bytes(buffer)


_MANGLERS: list[Callable[[bytes, random.Random], bytes]] = [
    lambda line, rng: line.replace(b":", b"", 1),  # no colon: not a header any more
    lambda line, rng: line.replace(b":", b"\x00:", 1),  # NUL in the name
    lambda line, rng: line + b" =?utf-8?B?////?= =?x-unknown?q?=FF=FE?= \xff\xfe",
    lambda line, rng: line + b" " + b"x" * rng.choice((1000, 20_000)),  # a long line
    lambda line, rng: line.split(b":", 1)[0] + b":",  # empty value
    lambda line, rng: line.split(b":", 1)[0] + b": " + bytes(rng.randrange(256) for _ in range(40)),
    lambda line, rng: b"Content-Type: multipart/mixed; boundary=" + b"=" * rng.randrange(1, 80),
    lambda line, rng: b"Content-Transfer-Encoding: " + rng.choice([b"base64", b"x-uuencode", b";"]),
    lambda line, rng: b"Date: " + rng.choice([b"Fri, 31 Dec 99999 25:61:61 +9999", b"-1", b""]),
    lambda line, rng: (
        b"Content-Type: text/plain; charset="
        + rng.choice([b"x-unknown", b"utf-7", b"\xff\xfe", b"utf-32", b"gb2312", b'"'])
    ),
    lambda line, rng: line * 3,  # repeated header
    lambda line, rng: b" " + line,  # turned into a continuation line
]


def mangle_headers(data: bytes, rng: random.Random) -> bytes:
    """Damage about a quarter of the header-like lines: missing colons, NULs in names, bad
    encoded words, raw 8-bit junk, long lines, broken boundaries, absurd dates, lying or
    unknown charsets, repeated and folded headers."""
    lines = data.split(b"\n")
    for index, line in enumerate(lines):
        if _HEADER_LINE.match(line) and rng.random() < 0.25:
            lines[index] = rng.choice(_MANGLERS)(line, rng)
    return b"\n".join(lines)


DAMAGES: dict[str, Damage] = {
    "truncate_10": truncate_at(0.10),
    "truncate_50": truncate_at(0.50),
    "truncate_90": truncate_at(0.90),
    "flip": flip_bytes,
    "nuls": insert_nuls,
    "headers": mangle_headers,
}
"""The damaged copies made of every corpus file."""


def seeded(name: str, relative: str, seed: int = 20261123) -> random.Random:
    """A random source fixed by the damage, the file and a seed (order-independent)."""
    return random.Random(zlib.crc32(f"{seed}:{name}:{relative}".encode()))


def damaged_copies(data: bytes, relative: str) -> Iterator[tuple[str, bytes]]:
    """``(damage name, damaged bytes)`` for one file; a .gz is also damaged inside."""
    for name, damage in DAMAGES.items():
        yield name, damage(data, seeded(name, relative))
    if data[:2] == b"\x1f\x8b":
        try:
            inner = gzip.decompress(data)
        except (OSError, EOFError, zlib.error):
            return
        for name in ("flip", "nuls", "headers"):
            damaged = DAMAGES[name](inner, seeded(f"gz-{name}", relative))
            yield f"gz_{name}", gzip.compress(damaged, mtime=0)


def write_damaged_tree(source: Path, target: Path) -> int:
    """Write damaged copies of every file under ``source`` to ``target/<damage>/<path>``.

    Folder structure (Maildir ``cur``/``new``, hidden folders) is kept, so the damaged
    exports are walked as the originals are. Returns the number of files written.
    """
    written = 0
    for path in sorted(p for p in source.rglob("*") if p.is_file()):
        relative = path.relative_to(source).as_posix()
        for name, damaged in damaged_copies(path.read_bytes(), relative):
            destination = target / name / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_bytes(damaged)
            written += 1
    return written
