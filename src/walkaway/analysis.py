"""``walkaway.analyze``: the whole pipeline from export files to scored prospects.

ingest -> clean -> threads -> people -> signals -> features -> score. This module only wires
the stages together and builds the output tables; each stage lives in its own module.
"""

from __future__ import annotations

import logging
import platform
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

import pandas as pd

from walkaway import __version__
from walkaway.cache import Cache
from walkaway.engine import Engine, make_engine
from walkaway.engine.stages import ReadResult, ScoringRun, read_inputs, read_language_records, timed
from walkaway.engine.tasks import warm_up
from walkaway.errors import NoUsableInputError, UsageError
from walkaway.features import (
    MessageLanguage,
    Timeline,
    build_timelines,
    feature_table,
)
from walkaway.ingest import DEFAULT_LIMITS, IngestStats, Limits
from walkaway.ingest.reasons import quarantine_summary
from walkaway.message_table import MessageTable, write_frame
from walkaway.people import OwnSide, Person, build_people, infer_own_side
from walkaway.scoring.rules import RuleSet, load_rules, rule_scorer
from walkaway.scoring.trajectory import Scorer, TrajectoryPoint
from walkaway.spill import TextSpill
from walkaway.thread_table import SCHEMA as THREAD_SCHEMA
from walkaway.thread_table import ThreadTable
from walkaway.threads import build_threads
from walkaway.types import Message, ProspectScore, Quarantined, Signal, Thread

logger = logging.getLogger(__name__)

Progress = Callable[[str, int, int | None], None]
"""Progress callback: ``(stage, done, total or None)``."""

PROSPECT_COLUMNS = [
    "prospect",
    "name",
    "score",
    "band",
    "recommendation",
    "reasons",
    "n_messages",
    "n_threads",
    "first_contact",
    "last_contact",
    "last_prospect_reply",
]
SIGNAL_COLUMNS = ["prospect", "signal", "message_id", "date", "evidence"]
QUARANTINE_COLUMNS = ["source", "location", "reason", "detail"]


@dataclass
class AnalysisResult:
    """What ``analyze`` returns: the contract's tables plus the records behind them.

    ``messages`` and ``threads`` (the messages and threads tables) are built on first use
    from ``message_table`` and ``thread_table``, which can also write them to Parquet a batch
    at a time."""

    prospects: pd.DataFrame
    signals: pd.DataFrame
    message_table: MessageTable
    thread_table: ThreadTable
    quarantine: pd.DataFrame
    features: pd.DataFrame
    summary: dict[str, object]
    scores: dict[str, ProspectScore] = field(default_factory=dict)
    timelines: dict[str, Timeline] = field(default_factory=dict)
    trajectories: dict[str, list[TrajectoryPoint]] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)
    own: OwnSide = field(default_factory=OwnSide)
    as_of: datetime | None = None
    _messages: pd.DataFrame | None = field(default=None, init=False, repr=False)
    _threads: pd.DataFrame | None = field(default=None, init=False, repr=False)

    @property
    def messages(self) -> pd.DataFrame:
        """The messages table (one row per message, by date then id)."""
        if self._messages is None:
            self._messages = self.message_table.to_pandas()
        return self._messages

    def write_messages(self, path: str | Path) -> None:
        """Write the messages table to a Parquet file: a batch of rows at a time, unless
        the whole table was already built."""
        if self._messages is not None:
            write_frame(self._messages, path)
        else:
            self.message_table.write_parquet(path)

    @property
    def threads(self) -> pd.DataFrame:
        """The threads table (one row per thread, by first date then thread id)."""
        if self._threads is None:
            self._threads = self.thread_table.to_pandas()
        return self._threads

    def write_threads(self, path: str | Path) -> None:
        """Write the threads table to a Parquet file, as :meth:`write_messages` does."""
        if self._threads is not None:
            write_frame(self._threads, path, THREAD_SCHEMA)
        else:
            self.thread_table.write_parquet(path)


def parse_as_of(value: str | datetime | None) -> datetime | None:
    """An ISO date or datetime as timezone-aware UTC (naive values are taken as UTC)."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        moment = value
    else:
        try:
            moment = datetime.fromisoformat(value.strip())
        except ValueError as error:
            raise UsageError(
                f"--as-of: {value!r} is not an ISO date such as 2026-11-16 or 2026-11-16T17:00"
            ) from error
        if len(value.strip()) == 10:
            # A bare date means the end of that day: everything written on it counts.
            moment = moment.replace(hour=23, minute=59, second=59)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


@dataclass
class Corpus:
    """Everything read from an export that does not depend on the as-of date.

    Built once by :func:`read_corpus`; ``analyze`` scores it as of one date, backtests as of
    each deal's cut-off. The messages' quoted histories are kept on disk in ``quoted`` (by
    position in ``messages``; the messages' own ``quoted`` is empty): only the messages table
    reads them.
    """

    messages: list[Message]
    quarantined: list[Quarantined]
    stats: IngestStats
    threads: list[Thread]
    thread_of: dict[str, str]
    own: OwnSide
    people: dict[str, Person]
    timelines: dict[str, Timeline]
    language: MessageLanguage | None
    timings: dict[str, float]
    quoted: TextSpill | None = None

    @property
    def newest(self) -> datetime | None:
        dated = [m.date for m in self.messages if m.date is not None]
        return max(dated) if dated else None


def read_corpus(
    paths: str | Path | Sequence[str | Path],
    our_domains: Iterable[str] = (),
    me: Iterable[str] = (),
    *,
    progress: Progress | None = None,
    jobs: int | None = None,
    engine: str | Engine | None = None,
    scheduler: str | None = None,
    cache: str | Path | Cache | None = None,
    limits: Limits | None = None,
) -> Corpus:
    """Ingest, clean, thread, find people and prospects, and read every reply's language.

    ``jobs`` worker processes (default: all cores) parse and read language in parallel;
    ``engine="dask"`` with a ``scheduler`` address runs that work on a Dask cluster;
    ``cache`` is a folder where parsed files and language results are kept for the next run
    (see :mod:`walkaway.cache`). None of these changes the result. ``limits`` bounds what
    one message may cost (see :mod:`walkaway.ingest.limits`).
    """
    with _running(engine, jobs, scheduler) as runner:
        corpus, _ = _read_corpus(
            paths, our_domains, me, progress, runner, _open_cache(cache), limits, language=True
        )
    return corpus


@contextmanager
def _running(
    engine: str | Engine | None, jobs: int | None, scheduler: str | None
) -> Iterator[Engine]:
    """The engine to run on; one made here is closed after, or cancelled on an error
    (Ctrl-C included). An ``Engine`` passed in belongs to the caller and is left open."""
    runner = make_engine(engine, jobs=jobs, scheduler=scheduler)
    try:
        yield runner
    except BaseException:
        if runner is not engine:
            runner.cancel()
        raise
    if runner is not engine:
        runner.close()


def _open_cache(cache: str | Path | Cache | None) -> Cache | None:
    if cache is None or isinstance(cache, Cache):
        return cache
    return Cache(cache)


def _read_corpus(
    paths: str | Path | Sequence[str | Path],
    our_domains: Iterable[str],
    me: Iterable[str],
    progress: Progress | None,
    engine: Engine,
    cache: Cache | None,
    limits: Limits | None = None,
    *,
    language: bool,
) -> tuple[Corpus, ReadResult]:
    """Read, thread, find people and timelines; with ``language``, read every reply's
    language too (``analyze`` reads it where it scores instead)."""
    if isinstance(paths, (str, Path)):
        paths = [paths]
    timings: dict[str, float] = {}
    stats = IngestStats()
    with timed(timings, "ingest_clean_seconds"):
        read = read_inputs(
            [str(p) for p in paths],
            engine=engine,
            cache=cache,
            stats=stats,
            limits=limits or DEFAULT_LIMITS,
            progress=progress,
        )
    # The workers load their language models while this process links people and threads.
    engine.warm(warm_up)
    if cache is not None:
        cache.evict_stale()
    messages, quarantined = read.messages, read.quarantined
    if not messages:
        if stats.inputs == 0:
            raise NoUsableInputError(
                f"no email found in {', '.join(str(p) for p in paths)}: nothing to analyze"
            )
        raise NoUsableInputError(
            f"none of the {stats.inputs} items could be used; see the reasons in quarantine.csv"
        )

    with timed(timings, "people_seconds"):
        own = OwnSide.from_options(our_domains, me)
        if not own:
            own = infer_own_side(messages)
        people = build_people(messages, own)
    with timed(timings, "threads_seconds"):
        threads = build_threads(messages)
        thread_of = {mid: t.thread_id for t in threads for mid in t.message_ids}
    with timed(timings, "people_seconds"):
        timelines = build_timelines(messages, own, people, thread_of)
    message_language = None
    if language:
        if progress is not None:
            progress("reading replies", 0, None)
        with timed(timings, "language_seconds"):
            message_language = read_language_records(
                timelines, engine=engine, cache=cache, progress=progress
            )
    return (
        Corpus(
            messages=messages,
            quarantined=quarantined,
            stats=stats,
            threads=threads,
            thread_of=thread_of,
            own=own,
            people=people,
            timelines=timelines,
            language=message_language,
            timings=timings,
            quoted=read.quoted,
        ),
        read,
    )


def analyze(
    paths: str | Path | Sequence[str | Path],
    our_domains: Iterable[str] = (),
    me: Iterable[str] = (),
    as_of: str | datetime | None = None,
    model: str | Path | None = None,
    *,
    rules: str | Path | RuleSet | None = None,
    progress: Progress | None = None,
    jobs: int | None = None,
    engine: str | Engine | None = None,
    scheduler: str | None = None,
    cache: str | Path | Cache | None = None,
    limits: Limits | None = None,
) -> AnalysisResult:
    """Read exports, rebuild conversations, and score every prospect as of a date.

    ``model`` is a folder written by ``walkaway train``; without it the rule prior scores.
    ``jobs``, ``engine``, ``scheduler`` and ``cache`` choose where the work runs and where
    it is kept between runs (see :func:`read_corpus`); the result never depends on them.
    ``limits`` bounds what one message may cost; messages beyond them are quarantined.

    >>> result = walkaway.analyze(["inbox.mbox"], our_domains=["acme.com"])  # doctest: +SKIP
    >>> result.prospects[["prospect", "score", "recommendation"]]  # doctest: +SKIP
    """
    as_of_time = parse_as_of(as_of)
    rule_set = rules if isinstance(rules, RuleSet) else load_rules(rules)
    scorer, scoring = make_scorer(rule_set, model)
    started = time.perf_counter()
    with _running(engine, jobs, scheduler) as runner:
        return _analyze(
            paths, our_domains, me, as_of_time, model, rule_set, scorer, scoring,
            progress, runner, _open_cache(cache), started, limits,
        )  # fmt: skip


def _analyze(
    paths: str | Path | Sequence[str | Path],
    our_domains: Iterable[str],
    me: Iterable[str],
    as_of_time: datetime | None,
    model: str | Path | None,
    rule_set: RuleSet,
    scorer: Scorer,
    scoring: dict[str, object],
    progress: Progress | None,
    engine: Engine,
    cache: Cache | None,
    started: float,
    limits: Limits | None = None,
) -> AnalysisResult:
    corpus, read = _read_corpus(
        paths, our_domains, me, progress, engine, cache, limits, language=False
    )
    timings = dict(corpus.timings)
    if as_of_time is None:
        as_of_time = corpus.newest or datetime.now(UTC)
    mark = time.perf_counter()
    # The language of each prospect's messages is read where the prospect is scored.
    run = ScoringRun(
        corpus.timelines,
        corpus.people,
        as_of_time,
        rules=rule_set,
        model=str(model) if model is not None else None,
        engine=engine,
        progress=progress,
        cache=cache,
    ).start()
    # While the workers score, this process builds the small tables that need no scores
    # (the messages and threads tables are built when written or read).
    with timed(timings, "tables_seconds"):
        message_table = MessageTable(corpus.messages, corpus.thread_of, corpus.own, corpus.quoted)
        thread_table = ThreadTable(corpus.threads, corpus.messages, corpus.own)
        quarantine_table = pd.DataFrame(
            [(q.source, q.location, q.reason, q.detail) for q in corpus.quarantined],
            columns=QUARANTINE_COLUMNS,
        )
    rows, signals, trajectory = run.finish()
    features = feature_table(rows)
    timings["signals_seconds"] = time.perf_counter() - mark - timings["tables_seconds"]
    mark = time.perf_counter()
    scores = scorer(features, signals) if not features.empty else {}
    if not scores:
        trajectory = {}
    timings["score_seconds"] = time.perf_counter() - mark

    with timed(timings, "tables_seconds"):
        prospects_table = _prospects_table(features, scores, corpus.timelines, corpus.people)
        signals_table = _signals_table(signals)
    timings["total_seconds"] = time.perf_counter() - started
    timings["workers"] = engine.workers
    timings["cache_hits"] = read.cache_hits
    timings["cache_resumed"] = read.cache_resumed
    summary = _summary(
        corpus.stats,
        corpus.messages,
        corpus.threads,
        prospects_table,
        corpus.own,
        as_of_time,
        timings,
        scoring,
    )
    return AnalysisResult(
        prospects=prospects_table,
        signals=signals_table,
        message_table=message_table,
        thread_table=thread_table,
        quarantine=quarantine_table,
        features=features,
        summary=summary,
        scores=scores,
        timelines=corpus.timelines,
        trajectories=trajectory,
        people=corpus.people,
        own=corpus.own,
        as_of=as_of_time,
    )


def make_scorer(rules: RuleSet, model: str | Path | None) -> tuple[Scorer, dict[str, object]]:
    """The rule prior, or a trained model (loaded safely) when ``model`` names one."""
    if model is None:
        return rule_scorer(rules), {"kind": "rules", "source": rules.source}
    from walkaway.scoring.model import load_model, model_scorer

    deal_model = load_model(model)
    return model_scorer(deal_model, rules), {
        "kind": "model",
        "source": str(model),
        "trained_on": deal_model.card.get("data", {}),
    }


def explanations(result: AnalysisResult, rules: RuleSet | None = None) -> dict[str, object]:
    """Every prospect's score with its reasons (contributions) and weekly trajectory: the
    data behind the reports, as ``scores.json``."""
    return {**explanations_head(result), "prospects": list(explained_prospects(result, rules))}


def explanations_head(result: AnalysisResult) -> dict[str, object]:
    """What :func:`explanations` holds besides the prospects."""
    return {
        "as_of": result.as_of.isoformat() if result.as_of else None,
        "scoring": result.summary.get("scoring"),
    }


def _json_value(value: object) -> object:
    """A feature value for JSON: missing -> None, dates -> ISO text, numbers as they are."""
    if pd.isna(value):  # type: ignore[call-overload]
        return None
    isoformat = getattr(value, "isoformat", None)
    return isoformat() if isoformat is not None else value


def explained_prospects(
    result: AnalysisResult, rules: RuleSet | None = None
) -> Iterator[dict[str, object]]:
    """The prospects of :func:`explanations`, one at a time (in the prospects table's order),
    so a large result can be written without holding them all."""
    rules = rules or load_rules()
    # Records hold plain Python values: counts stay JSON numbers and flags true/false.
    features = {
        str(record.pop("prospect")): record for record in result.features.to_dict("records")
    }
    for row in result.prospects.itertuples():
        score = result.scores[row.prospect]
        feature_row = {
            key: _json_value(value)
            for key, value in features.get(row.prospect, {}).items()
            if not key.startswith("signal_")
        }
        yield (
            {
                "prospect": row.prospect,
                "name": row.name,
                "score": score.score,
                "band": score.band,
                "recommendation": score.recommendation,
                "reasons": [
                    {
                        "code": reason.code,
                        "contribution": reason.contribution,
                        "description": reason.detail,
                        "kind": rules.rules[reason.code].kind if reason.code in rules.rules else "",
                    }
                    for reason in score.reasons
                ],
                "trajectory": [
                    {
                        "as_of": p.as_of.isoformat(),
                        "score": p.score,
                        "band": p.band,
                        "recommendation": p.recommendation,
                    }
                    for p in result.trajectories.get(row.prospect, [])
                ],
                "features": feature_row,
            }
        )


def _prospect_name(prospect: str, timeline: Timeline, people: dict[str, Person]) -> str:
    """A readable name: the person for a free-mail prospect, else the company's people."""
    if "@" in prospect:
        person = people.get(prospect)
        return person.name if person is not None and person.name else prospect
    names = []
    for event in timeline.events:
        if event.direction == "in" and event.message.sender is not None:
            person = people.get(event.message.sender.email)
            if person is not None and person.name and person.name not in names:
                names.append(person.name)
    label = prospect
    if names:
        label = f"{prospect} ({', '.join(names[:3])}{', …' if len(names) > 3 else ''})"
    return label


def _prospects_table(
    features: pd.DataFrame,
    scores: dict[str, ProspectScore],
    timelines: dict[str, Timeline],
    people: dict[str, Person],
) -> pd.DataFrame:
    rows = []
    for record in features.to_dict("records") if not features.empty else []:
        prospect = str(record["prospect"])
        score = scores[prospect]
        timeline = timelines[prospect]
        rows.append(
            {
                "prospect": prospect,
                "name": _prospect_name(prospect, timeline, people),
                "score": score.score,
                "band": score.band,
                "recommendation": score.recommendation,
                "reasons": ";".join(r.code for r in score.reasons if r.contribution > 0),
                "n_messages": int(record["n_messages"]) + len(timeline.undated),
                "n_threads": int(record["n_threads"]),
                "first_contact": record["first_contact"],
                "last_contact": record["last_contact"],
                "last_prospect_reply": record["last_prospect_reply"],
                "positive": ";".join(r.code for r in score.reasons if r.contribution < 0),
                "n_prospect_messages": int(record["n_inbound"]),
                "n_our_messages": int(record["n_outbound"]),
                "n_contacts": int(record["n_contacts_involved"]),
            }
        )
    table = pd.DataFrame(
        rows,
        columns=[
            *PROSPECT_COLUMNS,
            "positive",
            "n_prospect_messages",
            "n_our_messages",
            "n_contacts",
        ],
    )
    if not table.empty:
        table = table.sort_values(["score", "prospect"], ascending=[False, True], kind="stable")
        table = table.reset_index(drop=True)
    return table


def _signals_table(signals: list[Signal]) -> pd.DataFrame:
    rows = [(s.prospect, s.signal, s.message_id, s.date, s.evidence) for s in signals]
    table = pd.DataFrame(rows, columns=SIGNAL_COLUMNS)
    if not table.empty:
        table = table.sort_values(["prospect", "date", "signal"], kind="stable").reset_index(
            drop=True
        )
    return table


def _versions() -> dict[str, str]:
    versions = {"walkaway": __version__, "python": platform.python_version()}
    for package in ("mail-parser", "extract-msg", "pandas", "pyarrow", "tldextract"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "absent"
    return versions


def _summary(
    stats: IngestStats,
    messages: list[Message],
    threads: list[Thread],
    prospects: pd.DataFrame,
    own: OwnSide,
    as_of: datetime,
    timings: dict[str, float],
    scoring: dict[str, object],
) -> dict[str, object]:
    return {
        "inputs": stats.inputs,
        "parsed": stats.parsed,
        "duplicates": stats.duplicates,
        "quarantined": stats.quarantined,
        "auto_replies": sum(m.is_auto_reply for m in messages),
        "bounces": sum(m.is_bounce for m in messages),
        "threads": len(threads),
        "prospects": len(prospects),
        "skipped_files": stats.skipped_files,
        "quarantine_reasons": dict(sorted(stats.quarantine_reasons.items())),
        "quarantine_summary": quarantine_summary(stats.quarantine_reasons, stats.skip_reasons),
        "undated_messages": sum(m.date is None for m in messages),
        "own_side": own.as_dict(),
        "as_of": as_of.isoformat(),
        "recommendations": {
            str(k): int(v)
            for k, v in prospects["recommendation"].value_counts().sort_index().items()
        }
        if not prospects.empty
        else {},
        "scoring": scoring,
        "versions": _versions(),
        "timings": {k: round(v, 3) for k, v in timings.items()},
    }
