"""Speed and accuracy of the cleaning stage (reply / quote / signature splitting).

    python benchmarks/bench_clean.py              # ms/message of walkaway.clean.split_reply
    python benchmarks/bench_clean.py --compare    # accuracy per fixture family, every candidate
    python benchmarks/bench_clean.py --failures   # the fixtures walkaway gets wrong

Inputs are the quote-signature fixtures in ../shared/corpora (read in place, never copied) with
the expectations in tests/clean/expectations.py. Metrics, per family:

* text: the new text equals the expectation after whitespace normalization;
* sig: the signature equals the expectation (only where one is stated);
* reply: text + signature together equal the expected text + signature (where both are stated):
  quote removal alone, fair to libraries that do not separate signatures;
* talon-html also gets talon's own check: text + signature with all whitespace removed.

Candidates are the libraries that are importable in the running interpreter: walkaway,
mail-parser-reply, quotequail, email_reply_parser (zapier), talon (quotations + brute-force
signature; talon needs its own environment, run this script from one with ``PYTHONPATH=src``).
Libraries without HTML support get the HTML fixtures through the same html2text conversion.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from tests.clean.expectations import Case, load_all, normalize  # noqa: E402

from walkaway.clean import split_reply  # noqa: E402
from walkaway.clean._html import html_to_text  # noqa: E402

CORPORA = Path(os.environ.get("WALKAWAY_CORPORA", ROOT.parent / "shared" / "corpora"))
FIXTURES = CORPORA / "real-emails" / "quote-signature-fixtures"
LONG_QUOTE = FIXTURES / "github-email_reply_parser" / "email_long_quote.txt"

Splitter = Callable[[str, bool, "str | None"], tuple[str, str]]


def walkaway_split(body: str, html: bool, sender: str | None) -> tuple[str, str]:
    reply = split_reply(body, html=html, sender=sender)
    return reply.text, reply.signature


def _as_text(body: str, html: bool) -> str:
    return html_to_text(body) if html else body


def candidates() -> dict[str, Splitter]:
    found: dict[str, Splitter] = {"walkaway": walkaway_split}
    try:
        from mailparser_reply import EmailReplyParser as MPR
        from mailparser_reply.constants import MAIL_LANGUAGES

        languages = [lang for lang in MAIL_LANGUAGES if lang != "david"]

        def mail_parser_reply(body: str, html: bool, sender: str | None) -> tuple[str, str]:
            replies = MPR(languages=languages).read(_as_text(body, html)).replies
            if not replies:
                return "", ""
            first = replies[0]
            return first.body, "\n".join(p for p in (first.signatures, first.disclaimers) if p)

        found["mail-parser-reply"] = mail_parser_reply
    except ImportError:
        pass
    try:
        import quotequail

        def quotequail_split(body: str, html: bool, sender: str | None) -> tuple[str, str]:
            if html:
                parts = quotequail.quote_html(body, quote_intro_line=True)
                shown = "".join(part for show, part in parts if show)
                return html_to_text(shown), ""
            parts = quotequail.quote(body, quote_intro_line=True)
            return "\n".join(part for show, part in parts if show), ""

        found["quotequail"] = quotequail_split
    except ImportError:
        pass
    try:
        from email_reply_parser import EmailReplyParser as ERP

        def zapier(body: str, html: bool, sender: str | None) -> tuple[str, str]:
            message = ERP.read(_as_text(body, html))
            visible = "\n".join(f.content for f in message.fragments if not f.hidden)
            signature = "\n".join(
                f.content for f in message.fragments if f.signature and not f.quoted
            )
            return visible, signature

        found["email_reply_parser"] = zapier
    except ImportError:
        pass
    try:
        from talon import quotations
        from talon.signature.bruteforce import extract_signature

        def talon_split(body: str, html: bool, sender: str | None) -> tuple[str, str]:
            if html:
                reply = html_to_text(quotations.extract_from_html(body))
            else:
                reply = quotations.extract_from_plain(body)
            text, signature = extract_signature(reply)
            return text, signature or ""

        found["talon"] = talon_split
    except ImportError:
        pass
    return found


def score(cases: list[Case], split: Splitter) -> dict[str, list[int]]:
    """Per family: ok/total pairs for text, signature, text + signature, talon's own check."""
    table: dict[str, list[int]] = defaultdict(lambda: [0] * 8)
    for case in cases:
        row = table[case.family]
        try:
            text, signature = split(case.body, case.html, case.sender)
        except Exception:  # a candidate crashing on an input counts as a miss
            text, signature = "\x00", "\x00"
        if case.text is not None:
            row[1] += 1
            row[0] += normalize(text) == normalize(case.text)
        if case.signature is not None:
            row[3] += 1
            row[2] += normalize(signature) == normalize(case.signature)
        if case.text is not None and case.signature is not None:
            row[5] += 1
            got = normalize(text + "\n" + signature)
            row[4] += got == normalize(case.text + "\n" + case.signature)
        if case.family == "talon-html" and case.signature is not None:
            row[7] += 1
            joined = "".join((text + signature).split())
            row[6] += joined == "".join(((case.text or "") + case.signature).split())
    return table


def _pct(ok: int, total: int) -> str:
    return f"{ok}/{total} ({100 * ok / total:.0f}%)" if total else "-"


def compare(cases: list[Case]) -> None:
    found = candidates()
    families = sorted({case.family for case in cases})
    for name, split in found.items():
        table = score(cases, split)
        print(f"\n## {name}")
        print(f"{'family':18} {'text':>15} {'signature':>15} {'text+signature':>15}")
        totals = [0] * 8
        for family in families:
            row = table[family]
            totals = [a + b for a, b in zip(totals, row, strict=True)]
            extra = f"   (talon check {_pct(row[6], row[7])})" if row[7] else ""
            cells = "".join(f"{_pct(row[k], row[k + 1]):>16}" for k in (0, 2, 4))
            print(f"{family:18}{cells}{extra}")
        cells = "".join(f"{_pct(totals[k], totals[k + 1]):>16}" for k in (0, 2, 4))
        print(f"{'ALL':18}{cells}")
        print(f"time: {time_per_message(cases, split):.3f} ms/message")


def failures(cases: list[Case]) -> None:
    for case in cases:
        reply = split_reply(case.body, html=case.html, sender=case.sender)
        want_text, want_sig = case.text, case.signature
        bad_text = want_text is not None and normalize(reply.text) != normalize(want_text)
        bad_sig = want_sig is not None and normalize(reply.signature) != normalize(want_sig)
        if bad_text or bad_sig:
            print(f"=== {case.path}")
        if want_text is not None and bad_text:
            print(f"  text     got: {reply.text[:300]!r}\n  text    want: {want_text[:300]!r}")
        if want_sig is not None and bad_sig:
            print(f"  sig      got: {reply.signature[:300]!r}\n  sig     want: {want_sig[:300]!r}")


def time_per_message(cases: list[Case], split: Splitter, repeat: int = 3) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        for case in cases:
            with contextlib.suppress(Exception):  # a crash is scored in compare()
                split(case.body, case.html, case.sender)
        runs.append((time.perf_counter() - start) * 1000 / len(cases))
    return min(runs)


def benchmark(cases: list[Case]) -> None:
    plain = [c for c in cases if not c.html]
    html = [c for c in cases if c.html]
    for label, subset in (("plain-text bodies", plain), ("HTML bodies", html)):
        ms = time_per_message(subset, walkaway_split, repeat=5)
        sizes = statistics.median(len(c.body) for c in subset)
        print(
            f"{label:18} {len(subset):4} messages  median {sizes:6.0f} chars  {ms:.3f} ms/message"
        )
    body = LONG_QUOTE.read_text(encoding="utf-8")
    start = time.perf_counter()
    split_reply(body)
    elapsed = (time.perf_counter() - start) * 1000
    print(f"email_long_quote.txt ({len(body) / 1024:.0f} KB): {elapsed:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compare", action="store_true", help="accuracy of every candidate")
    parser.add_argument("--failures", action="store_true", help="list walkaway's misses")
    args = parser.parse_args()
    if not FIXTURES.exists():
        sys.exit(f"fixtures not found: {FIXTURES} (set WALKAWAY_CORPORA)")
    cases = load_all(FIXTURES)
    if args.failures:
        failures(cases)
    elif args.compare:
        compare(cases)
    else:
        benchmark(cases)


if __name__ == "__main__":
    main()
