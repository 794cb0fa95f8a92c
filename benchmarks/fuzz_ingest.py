"""A time-boxed mutation fuzzer for ingest: real emails, damaged in many ways, must never make
``parse_item`` or ``scan`` raise, and every item read must be accounted for.

    python benchmarks/fuzz_ingest.py --seconds 180 --seed 1
    python benchmarks/fuzz_ingest.py --seed 1 --iteration 4711      # replay one input
    python benchmarks/fuzz_ingest.py --replay /tmp/walkaway-fuzz-1-4711.eml

Seeds are every message of ../shared/corpora/real-emails (read in place, never copied) plus
the hostile messages of tests/robustness/hostile.py. Each iteration takes one seed and
applies one to three mutations: truncation, bit flips, NUL bytes, mangled headers, splicing
two messages, nesting in multiparts or attached messages, invalid base64 or
quoted-printable bodies, wrong or unknown charsets, huge lines, absurd dates, CR or CRLF
line ends, missing header/body separators. The result goes through ``parse_item`` (and
``walkaway.clean.clean`` when it parses); every tenth iteration several results are also
written as an mbox (sometimes gzipped, sometimes as .emlx) and read back with ``scan``,
checking the accounting invariant (inputs = parsed + duplicates + quarantined).

Every iteration draws from its own ``random.Random(f"{seed}:{iteration}")``: a run is
reproducible by seed, and one input by seed and iteration. An input that breaks a promise
(an exception, an invalid record, broken accounting) or takes longer than ``--slow``
seconds is written to ``--crashes`` with a note of what happened.
"""

from __future__ import annotations

import argparse
import base64
import gzip
import hashlib
import random
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from tests.robustness.damage import flip_bytes, insert_nuls, mangle_headers  # noqa: E402
from tests.robustness.hostile import hostile_messages  # noqa: E402
from tests.robustness.invariants import record_problems, scan_problems  # noqa: E402

from walkaway.clean import clean  # noqa: E402
from walkaway.ingest import iter_raw_items, parse_item  # noqa: E402
from walkaway.ingest.limits import DeadlineExceeded, deadline  # noqa: E402
from walkaway.types import Message, Quarantined, RawItem  # noqa: E402

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpora" / "real-emails"
CLEAN_SECONDS = 30.0
MAX_SEED_BYTES = 2_000_000  # bigger seeds only slow the loop; hostile.py covers size attacks

Mutation = Callable[[bytes, random.Random, "list[bytes]"], bytes]

_HEADER_END = re.compile(rb"\r?\n\r?\n")
_DATE = re.compile(rb"^Date:[^\n]*", re.MULTILINE | re.IGNORECASE)
_CHARSET = re.compile(rb"charset=\"?[^\";\s]*\"?", re.IGNORECASE)
_CTE = re.compile(rb"^Content-Transfer-Encoding:[^\n]*", re.MULTILINE | re.IGNORECASE)

CHARSETS = [
    b"x-unknown", b"utf-7", b"utf-16", b"utf-32", b"gb2312", b"ks_c_5601-1987", b"shift_jis",
    b"iso-2022-jp", b"koi8-r", b"unknown-8bit", b"", b'"', b"\xff\xfe", b"us-ascii",
    b"iso-8859-1", b"big5", b"x" * 300, b"utf-8\x00", b"cp65001", b"macintosh",
]  # fmt: skip
ABSURD_DATES = [
    b"Fri, 31 Dec 99999 25:61:61 +9999", b"-1", b"", b"Mon, 01 Jan 0001 00:00:00 -9999",
    b"Thu, 01 Jan 1970 00:00:00 +0000", b"Sun, 29 Feb 2100 12:00:00 +0000",
    b"9" * 5000, b"Tue, 32 Foo 2026 99:99:99 GMT", b"yesterday", b"2026-08-03T09:00:00Z",
    b"Wed, 03 Aug 2026 09:00:00 +2400", b"\xff\xfe\x00",
]  # fmt: skip


# ---------------------------------------------------------------------------------------
# Mutations: pure functions of (data, rng, other seeds)


def truncate(data: bytes, rng: random.Random, pool: list[bytes]) -> bytes:
    """An interrupted copy: cut anywhere, often inside the headers or a MIME part."""
    return data[: rng.randrange(len(data) + 1)]


def flip(data: bytes, rng: random.Random, pool: list[bytes]) -> bytes:
    return flip_bytes(data, rng)


def nuls(data: bytes, rng: random.Random, pool: list[bytes]) -> bytes:
    return insert_nuls(data, rng)


def headers(data: bytes, rng: random.Random, pool: list[bytes]) -> bytes:
    return mangle_headers(data, rng)


def splice(data: bytes, rng: random.Random, pool: list[bytes]) -> bytes:
    """The head of this message joined to the tail of another (a bad merge of two files)."""
    other = rng.choice(pool)
    return data[: rng.randrange(len(data) + 1)] + other[rng.randrange(len(other) + 1) :]


def nest(data: bytes, rng: random.Random, pool: list[bytes]) -> bytes:
    """The message wrapped in multiparts or attached messages, a few or many levels deep."""
    depth = rng.choice((1, 2, 5, 30, 120))
    for level in range(depth):
        if rng.random() < 0.5:
            boundary = b"nest%d" % level
            closed = rng.random() < 0.8
            data = (
                b"From: a@example.com\nMIME-Version: 1.0\n"
                b"Content-Type: multipart/mixed; boundary=" + boundary + b"\n\n--" + boundary
                + b"\nContent-Type: message/rfc822\n\n" + data + b"\n--" + boundary
                + (b"--\n" if closed else b"\n")
            )  # fmt: skip
        else:
            data = b"From: a@example.com\nContent-Type: message/rfc822\n\n" + data
    return data


def bad_base64(data: bytes, rng: random.Random, pool: list[bytes]) -> bytes:
    """Declare base64 and corrupt the body: junk characters, bad padding, cut quads."""
    head, body = _split(data)
    encoded = base64.encodebytes(body)
    junk = rng.choice([b"!!@@##", b"=", b"====", b"\x00", b"\xff", b"A", b"\n\n"])
    cut = rng.randrange(len(encoded) + 1)
    body = encoded[:cut] + junk + encoded[cut + rng.randrange(4) :]
    return _set_cte(head, b"base64") + b"\n\n" + body


def bad_qp(data: bytes, rng: random.Random, pool: list[bytes]) -> bytes:
    """Declare quoted-printable and scatter broken escapes through the body."""
    head, body = _split(data)
    pieces = [b"=", b"=Z", b"=4", b"=\n", b"=ZZ", b"=\r", b"= \n", b"==="]
    buffer = bytearray(body)
    for _ in range(max(4, len(buffer) // 100)):
        at = rng.randrange(len(buffer) + 1)
        buffer[at:at] = rng.choice(pieces)
    return _set_cte(head, b"quoted-printable") + b"\n\n" + bytes(buffer)


def wrong_charset(data: bytes, rng: random.Random, pool: list[bytes]) -> bytes:
    """Relabel every charset parameter (or add one) with a wrong, unknown or broken label."""
    label = rng.choice(CHARSETS)
    replaced, count = _CHARSET.subn(b"charset=" + label, data)
    if count:
        return replaced
    head, body = _split(data)
    return head + b"\nContent-Type: text/plain; charset=" + label + b"\n\n" + body


def huge_line(data: bytes, rng: random.Random, pool: list[bytes]) -> bytes:
    """A line of tens of kilobytes to megabytes, in the headers or the body."""
    size = rng.choice((10_000, 100_000, 1_000_000, 3_000_000))
    line = rng.choice([b"a", b"word ", b"=?utf-8?q?x?= ", b"<", b"\xff"]) * (size // 5 + 1)
    if rng.random() < 0.5:
        return b"X-Huge: " + line + b"\n" + data
    at = rng.randrange(len(data) + 1)
    return data[:at] + line + data[at:]


def absurd_date(data: bytes, rng: random.Random, pool: list[bytes]) -> bytes:
    value = b"Date: " + rng.choice(ABSURD_DATES)
    replaced, count = _DATE.subn(lambda _: value, data, count=1)
    return replaced if count else value + b"\n" + data


def line_ends(data: bytes, rng: random.Random, pool: list[bytes]) -> bytes:
    """CRLF everywhere, bare CR everywhere, or a mix."""
    choice = rng.randrange(3)
    if choice == 0:
        return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    if choice == 1:
        return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r")
    return b"".join(line + rng.choice([b"\n", b"\r\n", b"\r"]) for line in data.split(b"\n"))


def no_separator(data: bytes, rng: random.Random, pool: list[bytes]) -> bytes:
    """The blank line between headers and body removed: the body reads as headers."""
    return _HEADER_END.sub(b"\n", data, count=1)


MUTATIONS: dict[str, Mutation] = {
    "truncate": truncate,
    "flip": flip,
    "nuls": nuls,
    "headers": headers,
    "splice": splice,
    "nest": nest,
    "bad_base64": bad_base64,
    "bad_qp": bad_qp,
    "charset": wrong_charset,
    "huge_line": huge_line,
    "absurd_date": absurd_date,
    "line_ends": line_ends,
    "no_separator": no_separator,
}


def _split(data: bytes) -> tuple[bytes, bytes]:
    match = _HEADER_END.search(data)
    if match is None:
        return data, b""
    return data[: match.start()], data[match.end() :]


def _set_cte(head: bytes, value: bytes) -> bytes:
    replaced, count = _CTE.subn(b"Content-Transfer-Encoding: " + value, head)
    return replaced if count else head + b"\nContent-Transfer-Encoding: " + value


# ---------------------------------------------------------------------------------------
# Seeds


@dataclass(frozen=True)
class Seed:
    name: str
    data: bytes
    kind: str  # "rfc822" or "msg"


def load_seeds(corpus: Path) -> list[Seed]:
    """Every message of the corpus (each mbox entry on its own) and every hostile message."""
    seeds: list[Seed] = []
    if corpus.exists():
        for item in iter_raw_items(corpus):
            if isinstance(item, RawItem) and 0 < len(item.data) <= MAX_SEED_BYTES:
                name = f"{Path(item.source).relative_to(corpus)} {item.location}".strip()
                seeds.append(Seed(name, item.data, item.kind))
    for name, data in sorted(hostile_messages(scale=0.05).items()):
        seeds.append(Seed(f"hostile:{name}", data, "rfc822"))
    return seeds


# ---------------------------------------------------------------------------------------
# The loop


@dataclass
class Tally:
    inputs: int = 0
    scans: int = 0
    scanned_items: int = 0
    parse_seconds: float = 0.0
    outcomes: Counter[str] = field(default_factory=Counter)
    mutations: Counter[str] = field(default_factory=Counter)
    findings: list[str] = field(default_factory=list)
    slowest: list[tuple[float, int, str]] = field(default_factory=list)


def mutate(seeds: list[Seed], seed: int, iteration: int) -> tuple[Seed, bytes, list[str]]:
    """The input of one iteration: (the seed it came from, its bytes, the mutations)."""
    rng = random.Random(f"{seed}:{iteration}")
    origin = rng.choice(seeds)
    pool = [s.data for s in seeds if s.kind == "rfc822"]
    names = rng.sample(sorted(MUTATIONS), rng.choice((1, 1, 2, 3)))
    data = origin.data
    for name in names:
        data = MUTATIONS[name](data, rng, pool)
    return origin, data, names


def check_one(data: bytes, kind: str) -> tuple[str, list[str], float]:
    """Parse (and clean) one input: (outcome, broken promises, seconds)."""
    raw = RawItem("fuzz.eml", "", data, kind=kind)  # type: ignore[arg-type]
    started = time.perf_counter()
    try:
        result = parse_item(raw)
        if isinstance(result, Message):
            # Cleaning runs outside parse_item's own time limit: a hang there would stall
            # analyze (and this loop), so it gets a backstop of its own.
            with deadline(CLEAN_SECONDS):
                clean(result)
    except DeadlineExceeded:
        return "hang", [f"clean took over {CLEAN_SECONDS} s"], time.perf_counter() - started
    except BaseException as error:
        if isinstance(error, KeyboardInterrupt):
            raise
        return "exception", [f"{type(error).__name__}: {error}"], time.perf_counter() - started
    elapsed = time.perf_counter() - started
    outcome = f"quarantined:{result.reason}" if isinstance(result, Quarantined) else "parsed"
    return outcome, record_problems(result), elapsed


def scan_batch(batch: list[bytes], rng: random.Random) -> tuple[str, bytes, list[str]]:
    """Several inputs as one file read by ``scan``: an mbox, a gzipped mbox or an .emlx."""
    form = rng.choice(["mbox", "mbox", "mbox.gz", "emlx"])
    if form == "emlx":
        message = batch[0]
        data = b"%d\n" % len(message) + message + b"<?xml version='1.0'?><plist/>\n"
    else:
        data = b"".join(
            b"From fuzz@example.com Mon Aug  3 09:00:00 2026\n" + m + b"\n" for m in batch
        )
        if form == "mbox.gz":
            data = gzip.compress(data, mtime=0)
    return f"export.{form}", data, scan_problems(data, f"export.{form}")


def save(crashes: Path, seed: int, iteration: int, data: bytes, note: str, suffix: str) -> Path:
    crashes.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256(data).hexdigest()[:10]
    path = crashes / f"walkaway-fuzz-{seed}-{iteration}-{digest}{suffix}"
    path.write_bytes(data)
    path.with_name(path.name + ".txt").write_text(note + "\n", encoding="utf-8")
    return path


def run(args: argparse.Namespace) -> Tally:
    seeds = load_seeds(args.corpus)
    if not seeds:
        raise SystemExit(f"no seeds: {args.corpus} holds no messages")
    print(f"{len(seeds)} seeds from {args.corpus} and hostile.py; seed {args.seed}", flush=True)
    tally = Tally()
    deadline = time.monotonic() + args.seconds
    iterations = [args.iteration] if args.iteration is not None else None
    iteration = 0
    batch: list[bytes] = []
    last_report = time.monotonic()
    while True:
        if iterations is not None:
            if not iterations:
                break
            iteration = iterations.pop()
        elif time.monotonic() >= deadline:
            break
        origin, data, names = mutate(seeds, args.seed, iteration)
        outcome, problems, elapsed = check_one(data, origin.kind)
        tally.inputs += 1
        tally.parse_seconds += elapsed
        tally.outcomes[outcome] += 1
        tally.mutations.update(names)
        tally.slowest = sorted([*tally.slowest, (elapsed, iteration, origin.name)])[-5:]
        note = f"seed {args.seed} iteration {iteration}: {origin.name} <- {'+'.join(names)}"
        if problems or elapsed > args.slow:
            what = problems or [f"slow: {elapsed:.1f} s"]
            path = save(args.crashes, args.seed, iteration, data, note + "\n" + "\n".join(what), "")
            tally.findings.append(f"{note}: {what[0][:200]} -> {path}")
        if origin.kind == "rfc822":
            batch = [*batch[-3:], data]  # the last four rfc822 inputs
        if batch and (iteration % 10 == 9 or iterations is not None):
            rng = random.Random(f"{args.seed}:{iteration}:scan")
            name, packed, scan_found = scan_batch(batch, rng)
            tally.scans += 1
            tally.scanned_items += len(batch)
            if scan_found:
                path = save(args.crashes, args.seed, iteration, packed, note, f"-{name}")
                tally.findings.append(f"{note} (scan {name}): {scan_found[0][:200]} -> {path}")
            batch = []
        iteration += 1
        if time.monotonic() - last_report > 30:
            last_report = time.monotonic()
            rate = tally.inputs / max(tally.parse_seconds, 1e-9)
            print(
                f"  {tally.inputs} inputs, {len(tally.findings)} findings, {rate:.0f}/s parsing",
                flush=True,
            )
    return tally


def replay(path: Path, kind: str) -> int:
    data = path.read_bytes()
    outcome, problems, elapsed = check_one(data, kind)
    print(f"{path}: {outcome} in {elapsed:.3f} s")
    for problem in problems:
        print(f"  {problem}")
    if not problems:
        found = scan_problems(data, path.name)
        for problem in found:
            print(f"  scan: {problem}")
        problems = found
    return 1 if problems else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="how long to fuzz")
    parser.add_argument("--seed", type=int, default=0, help="same seed, same inputs")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="seed messages")
    parser.add_argument(
        "--crashes", type=Path, default=Path("/tmp"), help="where failing inputs are written"
    )
    parser.add_argument(
        "--slow", type=float, default=5.0, help="record inputs taking longer (seconds)"
    )
    parser.add_argument("--iteration", type=int, help="run only this iteration of --seed")
    parser.add_argument("--replay", type=Path, help="check one saved input and exit")
    parser.add_argument("--kind", choices=("rfc822", "msg"), default="rfc822")
    args = parser.parse_args(argv)
    if args.replay is not None:
        return replay(args.replay, args.kind)

    started = time.perf_counter()
    tally = run(args)
    wall = time.perf_counter() - started
    print(
        f"\n{tally.inputs} inputs in {wall:.0f} s: {tally.inputs / wall:.0f} inputs/s overall, "
        f"{tally.inputs / max(tally.parse_seconds, 1e-9):.0f}/s in parse+clean; "
        f"{tally.scans} scans of {tally.scanned_items} items"
    )
    print("outcomes:")
    for outcome, count in tally.outcomes.most_common():
        print(f"  {count:8d}  {outcome}")
    print("mutations applied:", ", ".join(f"{k} {v}" for k, v in sorted(tally.mutations.items())))
    print(
        "slowest:",
        ", ".join(f"{s:.2f} s (iteration {i}, {name})" for s, i, name in reversed(tally.slowest)),
    )
    print(f"findings: {len(tally.findings)}")
    for finding in tally.findings:
        print(f"  {finding}")
    return 1 if tally.findings else 0


if __name__ == "__main__":
    sys.exit(main())
