"""Synthetic labeled deals for demos, tests and benchmarks: an mbox, deals.csv and the truth.

:func:`simulate` writes a Gmail Takeout-style mailbox of one sales rep talking to ``prospects``
prospects, the outcome of every deal, and a ``truth.json`` that says which behaviours were put
into which message. Deals that were lost drift the way disengaging buyers do (slower, shorter
replies, deferrals, price-only talk, missed meetings, no decision maker, vague or dodged
answers, a champion who leaves, auto-replies only); won deals stay responsive and multithreaded.
Confounders are mixed in on purpose (won deals with hard haggling, a deferral that came back on
time, a rescheduled meeting; a lost deal that looked healthy to the end) so that a scorer cannot
win on one cue.

Everything is derived from ``seed`` and ``start``: no clock, no global random state, and the
same arguments give byte-identical files. Each prospect has its own random stream, so a run is
generated prospect by prospect and written as it goes (memory stays flat), optionally spread
over worker processes without changing a byte.

Example::

    from walkaway.simulate import simulate
    result = simulate("demo", prospects=200, seed=7)
    result.messages, result.outcomes   # (5158, {'won': 68, 'lost': 91, 'open': 41})
"""

from __future__ import annotations

import csv
import io
import json
import logging
import os
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from walkaway.errors import UsageError
from walkaway.simulate._banks import load_banks, phrase_bank_sizes
from walkaway.simulate._deal import Deal
from walkaway.simulate._extras import extras_for
from walkaway.simulate._world import Context, company_names, company_space, make_context

__all__ = ["DEFAULT_START", "SimulationResult", "phrase_bank_sizes", "simulate"]

logger = logging.getLogger(__name__)

DEFAULT_START = date(2026, 1, 5)
_CHUNK = 25  # prospects per unit of work: small enough to keep memory flat
_PARALLEL_FROM = 200  # below this, starting worker processes costs more than it saves


@dataclass(frozen=True, slots=True)
class SimulationResult:
    """Where the files went and what is in them."""

    out_dir: Path
    mbox: Path
    deals: Path
    truth: Path
    readme: Path
    prospects: int
    messages: int
    prospect_messages: int
    noise_messages: int
    internal_messages: int
    threads: int
    outcomes: dict[str, int] = field(default_factory=dict)
    mbox_bytes: int = 0


@dataclass(slots=True)
class _Chunk:
    mbox: bytes
    truth_lines: list[str]
    deal_rows: list[tuple[str, str, str]]
    stats: dict[str, Any]


def _new_stats() -> dict[str, Any]:
    return {
        "messages": 0,
        "prospect_messages": 0,
        "noise_messages": 0,
        "internal_messages": 0,
        "threads": 0,
        "outcomes": {"won": 0, "lost": 0, "open": 0},
        "archetypes": {},
        "free_mail_prospects": 0,
        "behaviour_prospects": {},
        "behaviour_messages": {},
        "confounder_prospects": {},
        "first_message": None,
        "last_message": None,
    }


def _merge(total: dict[str, Any], part: dict[str, Any]) -> None:
    for key in (
        "messages",
        "prospect_messages",
        "noise_messages",
        "internal_messages",
        "threads",
        "free_mail_prospects",
    ):
        total[key] += part[key]
    for key in ("outcomes", "archetypes", "behaviour_messages", "confounder_prospects"):
        for name, count in part[key].items():
            total[key][name] = total[key].get(name, 0) + count
    for name, by_outcome in part["behaviour_prospects"].items():
        into = total["behaviour_prospects"].setdefault(name, {})
        for outcome, count in by_outcome.items():
            into[outcome] = into.get(outcome, 0) + count
    for key, pick in (("first_message", min), ("last_message", max)):
        values = [v for v in (total[key], part[key]) if v is not None]
        total[key] = pick(values) if values else None


def _generate(ctx: Context, begin: int, end: int) -> _Chunk:
    """Prospects ``begin`` to ``end - 1`` with the noise that follows each of them."""
    buffer = io.BytesIO()
    truth_lines: list[str] = []
    rows: list[tuple[str, str, str]] = []
    stats = _new_stats()
    for index in range(begin, end):
        result = Deal(ctx, index).run()
        for entry in result.entries:
            buffer.write(entry)
        previous = company_names(ctx, index - 1 if index else index + 1)[0]
        extras = extras_for(ctx, index, result.first, result.last, result.company, previous)
        for entry in extras.entries:
            buffer.write(entry)
        truth = result.truth
        truth_lines.append(json.dumps(truth, ensure_ascii=False))
        rows.append((
            result.prospect,
            result.outcome if result.outcome in ("won", "lost") else "",
            result.closed_at.isoformat() if result.closed_at else "",
        ))  # fmt: skip
        n = truth["n_messages"]
        stats["messages"] += n + extras.noise + extras.internal
        stats["prospect_messages"] += n
        stats["noise_messages"] += extras.noise
        stats["internal_messages"] += extras.internal
        stats["threads"] += truth["n_threads"] + extras.threads
        stats["outcomes"][result.outcome] += 1
        stats["archetypes"][truth["archetype"]] = stats["archetypes"].get(truth["archetype"], 0) + 1
        stats["free_mail_prospects"] += truth["free_mail"]
        for name, ids in truth["behaviours"].items():
            by_outcome = stats["behaviour_prospects"].setdefault(name, {})
            by_outcome[result.outcome] = by_outcome.get(result.outcome, 0) + 1
            stats["behaviour_messages"][name] = stats["behaviour_messages"].get(name, 0) + len(ids)
        for name in truth["confounders"]:
            stats["confounder_prospects"][name] = stats["confounder_prospects"].get(name, 0) + 1
        first, last = truth["first_message"], truth["last_message"]
        if stats["first_message"] is None or first < stats["first_message"]:
            stats["first_message"] = first
        if stats["last_message"] is None or last > stats["last_message"]:
            stats["last_message"] = last
    return _Chunk(buffer.getvalue(), truth_lines, rows, stats)


def _chunks(ctx: Context, prospects: int, jobs: int) -> Iterator[_Chunk]:
    """Chunks in prospect order; with ``jobs > 1`` they are made ahead in worker processes."""
    bounds = [(begin, min(begin + _CHUNK, prospects)) for begin in range(0, prospects, _CHUNK)]
    if jobs <= 1 or len(bounds) < 2:
        for begin, end in bounds:
            yield _generate(ctx, begin, end)
        return
    window = jobs * 2  # chunks in flight: bounds memory while keeping every worker busy
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        pending: list[Future[_Chunk]] = []
        queue = iter(bounds)
        for begin, end in queue:
            pending.append(pool.submit(_generate, ctx, begin, end))
            if len(pending) >= window:
                break
        while pending:
            chunk = pending.pop(0).result()
            following = next(queue, None)
            if following is not None:
                pending.append(pool.submit(_generate, ctx, *following))
            yield chunk


def _parse_messages(value: int | tuple[int, int]) -> tuple[int, int]:
    low, high = (value, value) if isinstance(value, int) else tuple(value)
    if low < 4 or high < low:
        raise UsageError(
            "messages_per_prospect must be a number >= 4 or a range (low, high) with "
            f"4 <= low <= high, got {value!r}"
        )
    return int(low), int(high)


def simulate(
    out_dir: str | os.PathLike[str],
    *,
    prospects: int,
    seed: int,
    start: date | None = None,
    messages_per_prospect: int | tuple[int, int] = (6, 40),
    our_domain: str = "lumora.io",
    jobs: int | None = None,
) -> SimulationResult:
    """Write a synthetic labeled mailbox to ``out_dir`` and return what was written.

    Files: ``inbox.mbox`` (Gmail Takeout style), ``deals.csv`` (``prospect, outcome, closed_at,
    synthetic``; open deals have an empty outcome), ``truth.json`` (per prospect: outcome,
    archetype, behaviours and confounders with the message ids that carry them, message and
    thread counts; totals) and ``README.md``. ``messages_per_prospect`` is a target range
    (deals end when their story ends, so counts vary). ``jobs`` is the number of worker
    processes: ``None`` uses one per CPU for runs of 200 prospects or more and none below,
    ``1`` generates in this process. The output never depends on it.
    """
    if prospects < 1:
        raise UsageError(f"prospects must be at least 1, got {prospects}")
    if "." not in our_domain or "@" in our_domain:
        raise UsageError(f"our_domain must be a domain such as lumora.io, got {our_domain!r}")
    messages = _parse_messages(messages_per_prospect)
    start = start or DEFAULT_START
    if jobs is None:
        jobs = (os.cpu_count() or 1) if prospects >= _PARALLEL_FROM else 1
    jobs = max(1, jobs)
    ctx = make_context(seed, start, our_domain.lower(), messages, prospects)
    capacity = company_space(load_banks())
    if prospects > capacity:
        raise UsageError(
            f"prospects must be at most {capacity} (distinct company names), got {prospects}"
        )
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    mbox_path, deals_path = out / "inbox.mbox", out / "deals.csv"
    truth_path, readme_path = out / "truth.json", out / "README.md"
    totals = _new_stats()
    mbox_bytes = 0
    header = {
        "synthetic": True,
        "generator": "walkaway.simulate",
        "parameters": {
            "prospects": prospects,
            "seed": seed,
            "start": start.isoformat(),
            "messages_per_prospect": list(messages),
            "our_domain": ctx.our_domain,
        },
        "mailbox_owner": {"email": ctx.owner.email, "name": ctx.owner.name},
        "own_side": [p.email for p in (ctx.owner, ctx.se, ctx.manager, ctx.csm, ctx.colleague)],
    }
    with (
        mbox_path.open("wb", buffering=1 << 20) as mbox,
        deals_path.open("w", encoding="utf-8", newline="") as deals_file,
        truth_path.open("w", encoding="utf-8", newline="\n") as truth,
    ):
        deals = csv.writer(deals_file, lineterminator="\n")
        deals.writerow(("prospect", "outcome", "closed_at", "synthetic"))
        head = json.dumps(header, ensure_ascii=False, indent=2)
        truth.write(head[:-2] + ',\n  "prospects": [\n')
        first_line = True
        for chunk in _chunks(ctx, prospects, jobs):
            mbox.write(chunk.mbox)
            mbox_bytes += len(chunk.mbox)
            for line in chunk.truth_lines:
                truth.write(("    " if first_line else ",\n    ") + line)
                first_line = False
            deals.writerows((*row, "true") for row in chunk.deal_rows)
            _merge(totals, chunk.stats)
        totals["prospects"] = prospects
        truth.write(
            '\n  ],\n  "totals": '
            + json.dumps(totals, ensure_ascii=False, sort_keys=True)
            + "\n}\n"
        )
    readme_path.write_text(_readme(header, totals), encoding="utf-8")
    logger.info("simulated %d prospects, %d messages into %s", prospects, totals["messages"], out)
    return SimulationResult(
        out_dir=out,
        mbox=mbox_path,
        deals=deals_path,
        truth=truth_path,
        readme=readme_path,
        prospects=prospects,
        messages=totals["messages"],
        prospect_messages=totals["prospect_messages"],
        noise_messages=totals["noise_messages"],
        internal_messages=totals["internal_messages"],
        threads=totals["threads"],
        outcomes=dict(totals["outcomes"]),
        mbox_bytes=mbox_bytes,
    )


def _readme(header: dict[str, Any], totals: dict[str, Any]) -> str:
    p, t, o = header["parameters"], totals, totals["outcomes"]
    owner = header["mailbox_owner"]["email"]
    return f"""SYNTHETIC DATA - NOT REAL EMAIL

Everything in this folder was generated by walkaway.simulate. No message here was ever sent.
All people, companies, addresses, phone numbers and deals are invented; any resemblance to real
ones is coincidental. Every message carries the header "X-Walkaway-Synthetic: yes".

Parameters: prospects={p["prospects"]} seed={p["seed"]} start={p["start"]}
messages_per_prospect={p["messages_per_prospect"]} our_domain={p["our_domain"]}
The same parameters always produce byte-identical files.

Files
- inbox.mbox   Gmail Takeout-style mbox of {owner}: "From <id>@xxx <date>"
               separators, X-GM-THRID, X-Gmail-Labels, Delivered-To; body lines starting with
               "From " are mboxrd-quoted (">From "). {t["messages"]} messages in {t["threads"]}
               threads: {t["prospect_messages"]} with prospects, {t["internal_messages"]} internal,
               {t["noise_messages"]} newsletters and notifications.
- deals.csv    prospect, outcome (won | lost | empty while open), closed_at (UTC date the outcome
               became known; messages on or after it are not evidence for it), synthetic.
               {o.get("won", 0)} won, {o.get("lost", 0)} lost, {o.get("open", 0)} open.
- truth.json   Per prospect: outcome, archetype, behaviours and confounders with the ids of
               the messages that carry them, contacts, message and thread counts; totals.

Confounders are included on purpose (won deals with hard price negotiation, a deferral that
came back on time, a rescheduled meeting; lost deals that looked healthy until "we went with
another vendor"), so no single cue predicts the outcome.
"""
