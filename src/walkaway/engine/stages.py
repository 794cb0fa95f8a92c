"""The heavy stages of ``analyze``, cut into tasks for an engine, with the cache around them.

- :func:`read_inputs`: files -> parsed, cleaned, de-duplicated messages. This process walks
  the files and splits them into raw messages (a streaming read: one chunk at a time in
  memory); workers parse and clean chunks; results come back in input order and are
  de-duplicated here, exactly as :func:`walkaway.ingest.scan` does.
- :func:`read_language_records`: the language of every reply and of our messages, in
  batches, each result stored in the cache (for training and backtests, which score the
  same messages as of many dates).
- :class:`ScoringRun`: features, signals and weekly trajectories per chunk of prospects;
  for ``analyze`` each chunk also reads the language of its own messages, so the language
  of a whole export is never held in this process.

Chunks are cut the same way whatever the engine or the number of workers, and every task is
a pure function of its chunk, so results are identical across engines and worker counts.
"""

from __future__ import annotations

import dataclasses
import gc
import logging
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from walkaway.cache import (
    Cache,
    CacheCorruptError,
    FilePlan,
    check_record,
    load_record,
    text_key,
)
from walkaway.engine import DaskEngine, Engine, LocalEngine, TaskHandle
from walkaway.engine.tasks import (
    LANGUAGE_BATCH,
    LanguageRow,
    Row,
    ScoreChunk,
    ScoreChunkResult,
    language_chunk,
    read_chunk,
    score_chunk,
    wanted_language,
)
from walkaway.ingest import (
    DEFAULT_LIMITS,
    Deduplicator,
    IngestStats,
    Limits,
    iter_input_files,
    mbox_line_offset,
    mbox_location,
    read_file,
)
from walkaway.spill import TextSpill
from walkaway.types import Address, Message, Quarantined, RawItem

logger = logging.getLogger(__name__)

Progress = Callable[[str, int, int | None], None]

READ_CHUNK_BYTES = 1 << 20
"""Raw bytes per parse task: big enough to amortise shipping, small enough to stream."""
READ_CHUNK_ITEMS = 512
SCORE_CHUNK = 64
"""Prospects per scoring task. Fixed: a chunk's results never depend on the worker count."""

# Below these sizes the work runs in this process: starting workers (and loading the
# language models in each) would cost more than it saves.
PARALLEL_READ_BYTES = 8 << 20
PARALLEL_TEXTS = 2000
PARALLEL_PROSPECTS = 200

T = TypeVar("T")


def _parallel(engine: Engine, size: int, threshold: int) -> bool:
    if isinstance(engine, DaskEngine):
        return True
    return engine.workers > 1 and size >= threshold


# ---------------------------------------------------------------------------------------
# Records decoded on access


class RecordMap(Mapping[str, T]):
    """A read-only mapping of ids to records kept encoded, decoded on each access.

    Language results of a large export take several times less memory encoded.
    """

    def __init__(self, records: Mapping[str, bytes]) -> None:
        self.records = dict(records)

    def __getitem__(self, key: str) -> T:
        value: T = load_record(self.records[key])
        return value

    def __contains__(self, key: object) -> bool:
        return key in self.records

    def __iter__(self) -> Iterator[str]:
        return iter(self.records)

    def __len__(self) -> int:
        return len(self.records)


# ---------------------------------------------------------------------------------------
# Reading


class _Interner:
    """Shares equal strings, addresses and tuples between messages.

    A message's references repeat the ids of the messages before it in its thread and the
    same people write again and again: shared, they cost their memory once. Applied to a
    record just decoded, before anything else holds it."""

    def __init__(self) -> None:
        self.strings: dict[str, str] = {}
        self.addresses: dict[Address, Address] = {}
        self.tuples: dict[tuple[Any, ...], tuple[Any, ...]] = {}
        self.numbers: dict[int, int] = {}

    def _s(self, value: str) -> str:
        return self.strings.setdefault(value, value)

    def _address(self, address: Address | None) -> Address | None:
        return None if address is None else self.addresses.setdefault(address, address)

    def _strings(self, values: tuple[str, ...]) -> tuple[str, ...]:
        if not values:
            return ()
        shared = tuple(self._s(v) for v in values)
        return self.tuples.setdefault(shared, shared)  # type: ignore[return-value]

    def _addresses(self, values: tuple[Address, ...]) -> tuple[Address, ...]:
        if not values:
            return ()
        shared = tuple(self.addresses.setdefault(a, a) for a in values)
        return self.tuples.setdefault(shared, shared)  # type: ignore[return-value]

    def message(self, message: Message) -> Message:
        put = object.__setattr__  # the record is fresh from decoding: nothing else sees it yet
        put(message, "id", self._s(message.id))
        put(message, "source", self._s(message.source))
        put(message, "in_reply_to", self._s(message.in_reply_to))
        put(message, "provider_thread_id", self._s(message.provider_thread_id))
        put(message, "thread_index", self._s(message.thread_index))
        # Replies repeat their subject, people their signature, and a few values (where the
        # date came from, the sender's UTC offset) recur in every message.
        put(message, "subject", self._s(message.subject))
        put(message, "signature", self._s(message.signature))
        put(message, "date_source", self._s(message.date_source))
        put(message, "auto_reply_reason", self._s(message.auto_reply_reason))
        put(message, "calendar_method", self._s(message.calendar_method))
        put(message, "calendar_partstat", self._s(message.calendar_partstat))
        if message.utc_offset_minutes is not None:
            offset = message.utc_offset_minutes
            put(message, "utc_offset_minutes", self.numbers.setdefault(offset, offset))
        put(message, "references", self._strings(message.references))
        put(message, "labels", self._strings(message.labels))
        put(message, "delivered_to", self._strings(message.delivered_to))
        put(message, "defects", self._strings(message.defects))
        put(message, "sender", self._address(message.sender))
        put(message, "to", self._addresses(message.to))
        put(message, "cc", self._addresses(message.cc))
        put(message, "reply_to", self._addresses(message.reply_to))
        return message


@dataclass
class ReadResult:
    """What :func:`read_inputs` found: messages and quarantined items in input order, and
    per input file its source, labels and content digest (empty without a cache)."""

    messages: list[Message]
    quarantined: list[Quarantined]
    quoted: TextSpill | None = None
    inputs: list[tuple[str, tuple[str, ...], str]] = field(default_factory=list)
    cache_hits: int = 0
    cache_resumed: int = 0
    files_read: int = 0


class _Collector:
    """Applies rows in input order: de-duplication and counts as in ``ingest.scan``.

    Each kept message's quoted history goes to ``quoted`` (on disk, by the message's
    position) and leaves the message: only the messages table reads it."""

    def __init__(self, stats: IngestStats) -> None:
        self.stats = stats
        self.seen = Deduplicator()
        self.interner = _Interner()
        self.messages: list[Message] = []
        self.quarantined: list[Quarantined] = []
        self.quoted = TextSpill()

    def accept(self, rows: Sequence[Row]) -> None:
        stats = self.stats
        for kind, _, _, blob in rows:
            record = load_record(blob)
            expected = Quarantined if kind == "quarantined" else Message
            if not isinstance(record, expected):  # a damaged cache entry
                raise CacheCorruptError(f"a {kind} row holds a {type(record).__name__}")
            if isinstance(record, Quarantined):
                stats.add_quarantined(record)
                self.quarantined.append(record)
            elif self.seen.is_duplicate(record):
                stats.add_duplicate()
            else:
                record = self.interner.message(record)
                stats.add_parsed(record)
                self.quoted.add(record.quoted)
                object.__setattr__(record, "quoted", "")  # fresh from decoding, unshared
                self.messages.append(record)


@dataclass
class _FileState:
    path: Path
    plan: FilePlan | None
    writer: Any = None  # cache.FileWriter
    last_location: str = ""
    pushed: int = 0  # bytes of this file handed out so far (for progress)


class _RestartRead(Exception):
    """A cache entry turned out damaged half-way: read everything again without it."""


def read_inputs(
    paths: Sequence[str | Path],
    *,
    engine: Engine,
    cache: Cache | None = None,
    stats: IngestStats,
    limits: Limits = DEFAULT_LIMITS,
    progress: Progress | None = None,
) -> ReadResult:
    """Parse, clean and de-duplicate every message under ``paths``, in input order;
    ``limits`` bounds what one message may cost (see :mod:`walkaway.ingest.limits`)."""
    files = list(iter_input_files(paths, on_skip=stats.add_skipped))
    for _attempt in range(3):
        attempt_stats = IngestStats()
        try:
            result = _read_once(files, engine, cache, attempt_stats, limits, progress)
        except _RestartRead:
            continue
        _merge_stats(stats, attempt_stats)
        return result
    # A cache that keeps failing is not worth a fourth try: read without it.
    attempt_stats = IngestStats()
    result = _read_once(files, engine, None, attempt_stats, limits, progress)
    _merge_stats(stats, attempt_stats)
    return result


def _merge_stats(into: IngestStats, part: IngestStats) -> None:
    into.inputs += part.inputs
    into.parsed += part.parsed
    into.duplicates += part.duplicates
    into.quarantined += part.quarantined
    into.quarantine_reasons.update(part.quarantine_reasons)
    into.auto_replies += part.auto_replies
    into.bounces += part.bounces


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _read_once(
    files: list[tuple[Path, tuple[str, ...]]],
    engine: Engine,
    cache: Cache | None,
    stats: IngestStats,
    limits: Limits,
    progress: Progress | None,
) -> ReadResult:
    total = sum(_size(path) for path, _ in files)
    plans: list[FilePlan | None] = []
    checked = 0
    for path, labels in files:
        if cache is None:
            plans.append(None)
            continue
        try:
            plans.append(cache.plan_file(path, labels, limits))
        except OSError:
            plans.append(None)  # unreadable: reading it quarantines it with the reason
        checked += _size(path)
        if progress is not None:
            progress("checking cache", checked, total)
    to_read = sum(
        _size(path) - (plan.prefix.size if plan and plan.prefix else 0)
        for (path, _), plan in zip(files, plans, strict=True)
        if not (plan and plan.hit)
    )
    parallel = _parallel(engine, to_read, PARALLEL_READ_BYTES)
    window = max(4, engine.workers * 3)
    collector = _Collector(stats)
    result = ReadResult(collector.messages, collector.quarantined, collector.quoted)
    pending: deque[tuple[_FileState, TaskHandle, int, bool]] = deque()
    writing: list[_FileState] = []
    done_bytes = 0
    # With parsing in workers, this process only splits files and keeps records that are
    # never part of a reference cycle: collection passes over them would be pure cost.
    gc_paused = parallel and gc.isenabled()
    if gc_paused:
        gc.disable()

    def consume() -> None:
        nonlocal done_bytes
        state, handle, size, last = pending.popleft()
        rows: list[Row] = handle.result()
        if state.writer is not None:
            state.writer.write(rows)
        if rows:
            state.last_location = rows[-1][2]
        if isinstance(handle, _Ready) and cache is not None:
            # Rows from the cache are untrusted bytes: one that does not decode to a
            # walkaway record (damaged, or tampered with: UntrustedRecordError) drops the
            # entry, and the file is read again.
            try:
                collector.accept(rows)
            except Exception as error:
                entry = (state.plan.hit or state.plan.prefix) if state.plan else None
                logger.warning("cache entry damaged, reading the files again: %s", error)
                if entry is not None:
                    cache.drop_entry(entry)
                raise _RestartRead from error
        else:
            collector.accept(rows)
        done_bytes += size
        if last:
            _commit(state)
        if progress is not None:
            progress("reading", done_bytes, total)

    def push(state: _FileState, handle: TaskHandle, size: int, last: bool = False) -> None:
        state.pushed += size
        pending.append((state, handle, size, last))
        while len(pending) > window or (pending and pending[0][1].done()):
            consume()

    try:
        for (path, labels), plan in zip(files, plans, strict=True):
            state = _FileState(path, plan)
            size = _size(path)
            if plan is not None:
                result.inputs.append((str(path), labels, plan.content.digest))
            if cache is not None and plan is not None and plan.hit is not None:
                result.cache_hits += 1
                try:
                    for rows in cache.read_entry(plan.hit):
                        push(state, _Ready(rows), 0)
                except CacheCorruptError as error:
                    logger.warning("cache entry damaged, reading the files again: %s", error)
                    cache.drop_entry(plan.hit)
                    raise _RestartRead from error
                push(state, _Ready([]), size)
                continue
            if cache is not None and plan is not None:
                state.writer = cache.writer(plan)
                writing.append(state)
            result.files_read += 1
            offset, first_line, first_message = 0, 1, 1
            if cache is not None and plan is not None and plan.prefix is not None:
                result.cache_resumed += 1
                offset, first_line, first_message = plan.prefix.resume or (0, 1, 1)
                try:
                    for rows in cache.read_entry(plan.prefix, limit=plan.prefix.items - 1):
                        push(state, _Ready(rows), 0)
                except CacheCorruptError as error:
                    cache.drop_entry(plan.prefix)
                    raise _RestartRead from error
                push(state, _Ready([]), offset)
            chunk: list[RawItem | Quarantined] = []
            chunk_bytes = 0
            items = read_file(
                path,
                labels,
                limits.max_bytes,
                offset=offset,
                first_line=first_line,
                first_message=first_message,
            )
            for item in items:
                chunk.append(item)
                chunk_bytes += len(item.data) if isinstance(item, RawItem) else 0
                if chunk_bytes >= READ_CHUNK_BYTES or len(chunk) >= READ_CHUNK_ITEMS:
                    handle = engine.submit(read_chunk, chunk, limits, inline=not parallel)
                    push(state, handle, chunk_bytes)
                    chunk, chunk_bytes = [], 0
            # The last chunk also accounts for separators and anything not in a message.
            rest = max(chunk_bytes, size - state.pushed)
            push(state, engine.submit(read_chunk, chunk, limits, inline=not parallel), rest, True)
        while pending:
            consume()
    except BaseException:
        for state in writing:
            if state.writer is not None:
                state.writer.abort()
        raise
    finally:
        if gc_paused:
            gc.enable()
    return result


class _Ready:
    """A handle for rows already at hand (from the cache)."""

    __slots__ = ("_rows",)

    def __init__(self, rows: list[Row]) -> None:
        self._rows = rows

    def result(self) -> list[Row]:
        return self._rows

    def done(self) -> bool:
        return True


def _commit(state: _FileState) -> None:
    """Make a file's cache entry visible, with where an mbox could be resumed."""
    if state.writer is None:
        return
    resume = None
    place = mbox_location(state.last_location)
    if place is not None:
        number, line = place
        offset = mbox_line_offset(state.path, line)
        if offset is not None:
            resume = (offset, line, number)
    state.writer.commit(resume)
    state.writer = None


# ---------------------------------------------------------------------------------------
# Language


def read_language_records(
    timelines: Mapping[str, Any],
    *,
    engine: Engine | None = None,
    cache: Cache | None = None,
    batch_size: int = LANGUAGE_BATCH,
    progress: Progress | None = None,
) -> Any:
    """Language results of every prospect reply and every message of ours (see
    :func:`walkaway.features.read_language`)."""
    from walkaway.features import MessageLanguage

    engine = engine or LocalEngine(1)
    wanted = wanted_language(timelines)
    keys: dict[str, dict[str, bytes]] = {kind: {} for kind in wanted}
    jobs: dict[bytes, tuple[str, str, datetime | None, str]] = {}
    for kind, entries in wanted.items():
        for message_id in sorted(entries):
            text, reference = entries[message_id]
            key = text_key(kind, text, reference)
            keys[kind][message_id] = key
            jobs.setdefault(key, (kind, text, reference, message_id))
    found = _valid_language(cache.language_lookup(jobs), jobs) if cache is not None else {}
    missing = [key for key in jobs if key not in found]
    total = len(missing)
    parallel = _parallel(engine, total, PARALLEL_TEXTS)
    handles: deque[tuple[list[bytes], TaskHandle]] = deque()
    new_rows: list[tuple[bytes, str, str, bytes]] = []
    done = 0

    def consume() -> None:
        nonlocal done
        batch, handle = handles.popleft()
        for key, record in zip(batch, handle.result(), strict=True):
            found[key] = record
            kind, _, _, message_id = jobs[key]
            new_rows.append((key, kind, message_id, record))
        done += len(batch)
        if progress is not None:
            progress("reading replies", done, total)

    # Local workers take every batch at once (texts are small and already in memory); a
    # cluster gets a window, as everything submitted is sent at once.
    window = engine.workers * 4 if isinstance(engine, DaskEngine) else 1 << 30
    for kind in ("reply", "ours"):
        batch_keys = [key for key in missing if jobs[key][0] == kind]
        for start in range(0, len(batch_keys), batch_size):
            batch = batch_keys[start : start + batch_size]
            handle = engine.submit(
                language_chunk,
                kind,
                [jobs[k][1] for k in batch],
                [jobs[k][2] for k in batch],
                inline=not parallel,
            )
            handles.append((batch, handle))
            while len(handles) > window or (handles and handles[0][1].done()):
                consume()
    while handles:
        consume()
    if cache is not None and new_rows:
        cache.language_store(new_rows)
    return MessageLanguage(
        replies=RecordMap({mid: found[key] for mid, key in keys["reply"].items()}),
        ours=RecordMap({mid: found[key] for mid, key in keys["ours"].items()}),
    )


def _valid_language(
    found: dict[bytes, bytes], jobs: Mapping[bytes, tuple[str, str, datetime | None, str]]
) -> dict[bytes, bytes]:
    """The stored language records that decode to what their analysis makes.

    They are decoded later, in the scoring tasks, where a damaged or tampered record
    (``UntrustedRecordError``) would stop the run: one that fails here is left out and
    computed again instead."""
    from walkaway.nlp.analysis import TextAnalysis
    from walkaway.nlp.classify import TextLabels

    expected = {"reply": TextLabels, "ours": TextAnalysis}
    valid: dict[bytes, bytes] = {}
    failure = ""
    for key, record in found.items():
        try:
            check_record(record, expected[jobs[key][0]])
        except Exception as error:  # untrusted bytes: any failure means "not cached"
            failure = failure or f"{type(error).__name__}: {error}"
            continue
        valid[key] = record
    if failure:
        logger.warning(
            "ignoring %d damaged cached language records (%s)", len(found) - len(valid), failure
        )
    return valid


# ---------------------------------------------------------------------------------------
# Scoring


def _shippable(timeline: Any) -> Any:
    """A timeline without its undated messages (nothing scored reads them), so a chunk
    costs less to send."""
    return dataclasses.replace(timeline, undated=()) if timeline.undated else timeline


def _chunk_people(timelines: Mapping[str, Any], people: Mapping[str, Any]) -> dict[str, Any]:
    emails: set[str] = set()
    for timeline in timelines.values():
        for event in timeline.events:
            message = event.message
            if message.sender is not None:
                emails.add(message.sender.email)
            emails.update(a.email for a in (*message.to, *message.cc, *message.reply_to))
            emails.update(message.bounced_recipients)
    return {email: people[email] for email in sorted(emails) if email in people}


class ScoringRun:
    """Features, signals and trajectories of every prospect, computed in chunks.

    :meth:`start` sends the chunks off; :meth:`finish` collects them in order. In between
    this process is free for other work (the output tables).

    Each chunk reads the language of its own messages where it is scored, taking the results
    the ``cache`` holds: nothing of the language of the whole export is ever in this process
    at once, and the new results are stored as chunks come back.
    """

    def __init__(
        self,
        timelines: Mapping[str, Any],
        people: Mapping[str, Any],
        as_of: datetime,
        *,
        rules: Any,
        model: str | None,
        engine: Engine,
        progress: Progress | None = None,
        cache: Cache | None = None,
        step_days: int = 7,
        limit: int = 13,
    ) -> None:
        from walkaway.scoring.trajectory import weekly_points

        self.timelines = timelines
        firsts = [t.events[0].date for t in timelines.values() if t.events]
        self.points = tuple(weekly_points(min(firsts), as_of, step_days, limit)) if firsts else ()
        self.people = people
        self.as_of = as_of
        self.rules = rules
        self.model = model
        self.engine = engine
        self.progress = progress
        self.cache = cache
        self.names = sorted(timelines)
        self.parallel = _parallel(engine, len(self.names), PARALLEL_PROSPECTS)
        self._chunks = iter(range(0, len(self.names), SCORE_CHUNK))
        self._handles: deque[tuple[int, TaskHandle]] = deque()
        # A window of chunks in flight: each holds its timelines until it is sent, and a
        # cluster is sent everything submitted at once.
        self._window = max(8, engine.workers * 4)
        self._cached: dict[str, dict[str, bytes]] = {"reply": {}, "ours": {}}
        self._stored: set[bytes] = set()
        self._language_writer: Any = None
        if cache is not None:
            self._cached = self._cached_language(cache)
            self._language_writer = cache.language_writer()

    def _cached_language(self, cache: Cache) -> dict[str, dict[str, bytes]]:
        """The cache's language results for the messages of these timelines (checked), by
        kind (``reply``, ``ours``) and message id."""
        found: dict[str, dict[str, bytes]] = {"reply": {}, "ours": {}}
        if not cache.has_language():
            return found
        jobs: dict[bytes, tuple[str, str, datetime | None, str]] = {}
        keys: dict[tuple[str, str], bytes] = {}
        for kind, entries in wanted_language(self.timelines).items():
            for message_id, (text, reference) in entries.items():
                key = keys[kind, message_id] = text_key(kind, text, reference)
                jobs.setdefault(key, (kind, text, reference, message_id))
        records = _valid_language(cache.language_lookup(jobs), jobs)
        for (kind, message_id), key in keys.items():
            if key in records:
                found[kind][message_id] = records[key]
        return found

    def _chunk_language(self, timelines: Mapping[str, Any]) -> tuple[dict[str, bytes], ...]:
        """The cached language records of a chunk's messages: replies, ours."""
        parts = []
        for kind, direction in (("reply", "in"), ("ours", "out")):
            cached = self._cached[kind]
            ids = (
                e.message.id
                for t in timelines.values()
                for e in t.events
                if e.direction == direction
            )
            parts.append({i: cached[i] for i in ids if i in cached})
        return tuple(parts)

    def _submit_next(self) -> bool:
        start = next(self._chunks, None)
        if start is None:
            return False
        names = self.names[start : start + SCORE_CHUNK]
        timelines = {name: self.timelines[name] for name in names}
        replies, ours = self._chunk_language(timelines)
        chunk = ScoreChunk(
            timelines={n: _shippable(t) for n, t in timelines.items()}
            if self.parallel
            else timelines,
            people=_chunk_people(timelines, self.people),
            replies=replies,
            ours=ours,
            as_of=self.as_of,
            points=self.points,
            rules=self.rules,
            model=self.model,
        )
        self._handles.append(
            (len(names), self.engine.submit(score_chunk, chunk, inline=not self.parallel))
        )
        return True

    def start(self) -> ScoringRun:
        """Send the first chunks."""
        if not self.parallel:
            return self  # in this process: run them in ``finish``
        while len(self._handles) < self._window and self._submit_next():
            pass
        return self

    def _store_language(self, rows: Sequence[LanguageRow]) -> None:
        if self._language_writer is None:
            return
        new = [row for row in rows if row[0] not in self._stored]
        self._stored.update(row[0] for row in new)
        self._language_writer.write(new)

    def finish(self) -> tuple[list[dict[str, object]], list[Any], dict[str, list[Any]]]:
        """Rows (prospects in sorted order), signals, and trajectories by prospect."""
        rows: list[dict[str, object]] = []
        signals: list[Any] = []
        trajectories: dict[str, list[Any]] = {}
        done = 0
        total = len(self.names)
        try:
            while True:
                if not self._handles and not self._submit_next():
                    break
                count, handle = self._handles.popleft()
                part: ScoreChunkResult = handle.result()
                rows.extend(part.rows)
                signals.extend(part.signals)
                trajectories.update(part.trajectories)
                self._store_language(part.language)
                done += count
                if self.progress is not None:
                    self.progress("scoring", done, total)
                while len(self._handles) < self._window and self._submit_next():
                    pass
        except BaseException:
            if self._language_writer is not None:
                self._language_writer.abort()
            raise
        if self._language_writer is not None:
            self._language_writer.commit()
        ordered = {name: trajectories.get(name, []) for name in self.timelines}
        return rows, signals, ordered


def timed(timings: dict[str, float], name: str) -> _Timer:
    """``with timed(timings, "x_seconds"):`` adds the block's wall time to ``timings``."""
    return _Timer(timings, name)


class _Timer:
    def __init__(self, timings: dict[str, float], name: str) -> None:
        self.timings, self.name = timings, name

    def __enter__(self) -> None:
        self.started = time.perf_counter()

    def __exit__(self, *exc: object) -> None:
        self.timings[self.name] = self.timings.get(self.name, 0.0) + (
            time.perf_counter() - self.started
        )
