"""What must hold for every result of ingest, whatever the input.

Shared by the property tests and ``benchmarks/fuzz_ingest.py``: each check returns the list
of broken promises (empty when all hold) instead of asserting, so the fuzz harness can
record the input and go on.
"""

from __future__ import annotations

import dataclasses
import pickle
import tempfile
from datetime import UTC, timedelta
from pathlib import Path

from walkaway.ingest import IngestStats, Limits, iter_raw_items, parse_item, scan
from walkaway.ingest.reasons import QUARANTINE_REASONS
from walkaway.types import Address, Attachment, Message, Quarantined, RawItem

_MIN_YEAR, _MAX_YEAR = 1971, 2100


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, tuple):
        return [s for v in value for s in _strings(v)]
    if isinstance(value, (Address, Attachment)):
        return [s for f in dataclasses.fields(value) for s in _strings(getattr(value, f.name))]
    return []


def record_problems(result: object, limits: Limits | None = None) -> list[str]:
    """Broken promises of one ``parse_item`` result (or one quarantined item of a source)."""
    limits = limits or Limits()
    problems: list[str] = []
    if not isinstance(result, (Message, Quarantined)):
        return [f"result is a {type(result).__name__}, not a Message or Quarantined"]
    for item in dataclasses.fields(result):
        for text in _strings(getattr(result, item.name)):
            try:
                text.encode("utf-8")
            except UnicodeEncodeError:
                problems.append(f"{item.name} is not valid Unicode: {text[:80]!r}")
    if isinstance(result, Quarantined):
        if result.reason not in QUARANTINE_REASONS:
            problems.append(f"unknown quarantine reason {result.reason!r}")
        if not result.detail:
            problems.append(f"quarantined as {result.reason!r} without a detail")
    else:
        if not result.id:
            problems.append("message without an id")
        for name in ("date", "calendar_start"):
            moment = getattr(result, name)
            if moment is None:
                continue
            if moment.utcoffset() != timedelta(0) or moment.tzinfo is None:
                problems.append(f"{name} is not UTC: {moment!r}")
            elif name == "date" and not _MIN_YEAR <= moment.year <= _MAX_YEAR:
                problems.append(f"absurd {name} kept: {moment.isoformat()}")
        if len(result.body) > limits.max_body_chars:
            problems.append(f"body of {len(result.body)} characters is over the limit")
        if result.date is not None and result.date.tzinfo is not UTC:
            problems.append("date tzinfo is not datetime.UTC")
    try:
        if pickle.loads(pickle.dumps(result)) != result:
            problems.append("result does not survive pickling (worker processes need it)")
    except Exception as error:
        problems.append(f"result cannot be pickled: {type(error).__name__}: {error}")
    return problems


def parse_problems(data: bytes, kind: str = "rfc822", limits: Limits | None = None) -> list[str]:
    """Parse ``data`` as one item; the exception or broken promises, if any."""
    raw = RawItem("fuzz", "item", data, kind=kind)  # type: ignore[arg-type]
    try:
        result = parse_item(raw, limits=limits)
    except BaseException as error:  # a deadline escaping would be a bug too
        if isinstance(error, KeyboardInterrupt):
            raise
        return [f"parse_item raised {type(error).__name__}: {error}"]
    return record_problems(result, limits)


def scan_problems(data: bytes, name: str = "export", limits: Limits | None = None) -> list[str]:
    """Write ``data`` to a file and read it as an export: sources, parse and accounting."""
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="walkaway-fuzz-") as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            raw_items = list(iter_raw_items(path, max_bytes=(limits or Limits()).max_bytes))
            stats = IngestStats()
            results = list(scan(path, stats=stats, limits=limits))
        except BaseException as error:
            if isinstance(error, KeyboardInterrupt):
                raise
            return [f"reading the file raised {type(error).__name__}: {error}"]
    for item in raw_items:
        if isinstance(item, Quarantined):
            problems.extend(record_problems(item, limits))
    if not stats.balanced:
        problems.append(f"accounting broken: {stats.as_dict()}")
    if stats.inputs != len(raw_items):
        problems.append(f"{len(raw_items)} items read but {stats.inputs} inputs counted")
    if len(results) != stats.parsed + stats.quarantined:
        problems.append(f"{len(results)} results for {stats.parsed + stats.quarantined} counted")
    for result in results:
        problems.extend(record_problems(result, limits))
    return problems
