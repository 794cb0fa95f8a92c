"""The tasks engines run: plain functions of plain data, importable by any worker process.

Each returns what it computed as cache-ready records (bytes of :func:`walkaway.cache.dump_record`)
or plain data, so the main process can store them without encoding them again.
"""

from __future__ import annotations

import dataclasses
import logging
import pickle
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from walkaway.cache import dump_record, load_record
from walkaway.clean import clean
from walkaway.ingest.limits import DeadlineExceeded, Limits, deadline
from walkaway.ingest.parse import parse_item
from walkaway.types import Message, Quarantined, RawItem

logger = logging.getLogger(__name__)

Row = tuple[str, str, str, bytes]
"""One input item as stored: ``(kind, message id, location, record)``, kind ``message`` or
``quarantined``."""


def slim(message: Message) -> Message:
    """A cleaned message without its raw ``body`` when the new text says it all.

    Downstream reads ``text`` and falls back to ``body`` only when ``text`` is empty, so the
    body is kept only then. It is by far the largest field of a message."""
    return dataclasses.replace(message, body="") if message.text else message


def read_chunk(items: Sequence[RawItem | Quarantined], limits: Limits) -> list[Row]:
    """Parse and clean raw items within ``limits``, in order; each result as a stored row."""
    rows: list[Row] = []
    for item in items:
        result = item if isinstance(item, Quarantined) else parse_item(item, limits=limits)
        if isinstance(result, Quarantined):
            rows.append(("quarantined", "", result.location, dump_record(result)))
        else:
            message = slim(_clean_within(result, limits))
            rows.append(("message", message.id, message.location, dump_record(message)))
    return rows


def _clean_within(message: Message, limits: Limits) -> Message:
    """``clean(message)``, or the message as parsed when cleaning overruns the time limit
    (its ``text`` stays empty and later stages read the whole body)."""
    try:
        with deadline(limits.max_seconds):
            return clean(message)
    except DeadlineExceeded:
        logger.warning(
            "%s %s: cleaning took too long; the whole body is used",
            message.source,
            message.location,
        )
        return message


# ---------------------------------------------------------------------------------------
# Language


@lru_cache(maxsize=1)
def question_pipeline() -> Any:
    """The language pipeline without its signal and price/value rules.

    Our own messages are read for the questions they ask only (nothing reads signal spans
    of our side), and the rules are most of the pipeline's cost. Questions and sentences
    come out exactly as from the full pipeline: the question detector has its own rules.
    """
    from walkaway.nlp.pipeline import SIGNAL_RULES, TERM_RULES, build_pipeline

    nlp = build_pipeline()
    for name in (SIGNAL_RULES, TERM_RULES):
        nlp.remove_pipe(name)
    return nlp


LANGUAGE_BATCH = 256


def warm_up() -> None:
    """Load what reading language and scoring need (the pipelines, the classifier, the
    scoring modules) so the first chunk a worker gets does not wait for it."""
    from walkaway.nlp.classifier import get_classifier
    from walkaway.nlp.pipeline import get_pipeline
    from walkaway.scoring import trajectory  # noqa: F401

    get_pipeline()
    question_pipeline()
    get_classifier()


def _language(kind: str, texts: Sequence[str], references: Sequence[datetime | None]) -> list[Any]:
    if kind == "reply":
        from walkaway.nlp.classify import label_texts

        return label_texts(list(texts), list(references))
    from walkaway.nlp import analyze_texts

    return list(analyze_texts(list(texts), list(references), nlp=question_pipeline()))


def language_chunk(
    kind: str, texts: Sequence[str], references: Sequence[datetime | None]
) -> list[bytes]:
    """Language results of a batch of texts: ``reply`` -> classified (``TextLabels``),
    ``ours`` -> sentences and questions (``TextAnalysis``). Order kept."""
    return [dump_record(r) for r in _language(kind, texts, references)]


# ---------------------------------------------------------------------------------------
# Scoring


@dataclass(frozen=True)
class ScoreChunk:
    """Everything a worker needs to score some prospects, and nothing more.

    The worker reads the language of every reply and message of ours in these timelines
    that ``replies`` and ``ours`` do not already hold (results found in the cache), and
    returns those new results for the cache."""

    timelines: Mapping[str, Any]  # prospect -> Timeline
    people: Mapping[str, Any]  # email -> Person, for the addresses in these timelines
    replies: Mapping[str, bytes]  # message id -> TextLabels record
    ours: Mapping[str, bytes]  # message id -> TextAnalysis record
    as_of: datetime
    points: tuple[datetime, ...]
    rules: Any  # RuleSet
    model: str | None = None


LanguageRow = tuple[bytes, str, str, bytes]
"""One language result as stored: ``(text key, kind, message id, record)``."""


@dataclass
class ScoreChunkResult:
    """Feature rows and signals as of the run's date, each prospect's trajectory, and the
    language results read for the chunk."""

    rows: list[dict[str, object]] = field(default_factory=list)
    signals: list[Any] = field(default_factory=list)
    trajectories: dict[str, list[Any]] = field(default_factory=dict)
    language: list[LanguageRow] = field(default_factory=list)


def wanted_language(timelines: Mapping[str, Any]) -> dict[str, dict[str, tuple[str, Any]]]:
    """The texts whose language scoring reads: ``reply`` -> the prospect's replies, ``ours``
    -> our messages, each by message id as ``(text, reference date)``."""
    wanted: dict[str, dict[str, tuple[str, Any]]] = {"reply": {}, "ours": {}}
    for timeline in timelines.values():
        for event in timeline.events:
            if event.direction == "in":
                wanted["reply"].setdefault(event.message.id, (event.message.text, event.date))
            elif event.direction == "out":
                wanted["ours"].setdefault(event.message.id, (event.message.text, event.date))
    return wanted


def _read_missing_language(
    timelines: Mapping[str, Any], found: Mapping[str, dict[str, Any]]
) -> list[LanguageRow]:
    """Language results of the chunk's texts not in ``found`` (kind -> id -> result), added
    to ``found``; returned as rows for the cache. Equal texts are read once."""
    from walkaway.cache import text_key

    rows: list[LanguageRow] = []
    for kind, entries in wanted_language(timelines).items():
        known = found[kind]
        by_key: dict[bytes, list[str]] = {}
        jobs: dict[bytes, tuple[str, Any]] = {}
        for message_id in sorted(entries):
            if message_id in known:
                continue
            text, reference = entries[message_id]
            key = text_key(kind, text, reference)
            by_key.setdefault(key, []).append(message_id)
            jobs.setdefault(key, (text, reference))
        keys = list(jobs)
        for start in range(0, len(keys), LANGUAGE_BATCH):
            batch = keys[start : start + LANGUAGE_BATCH]
            results = _language(kind, [jobs[k][0] for k in batch], [jobs[k][1] for k in batch])
            for key, result in zip(batch, results, strict=True):
                ids = by_key[key]
                for message_id in ids:
                    known[message_id] = result
                rows.append((key, kind, ids[0], dump_record(result)))
    return rows


_scorers: dict[tuple[bytes, str | None], Any] = {}


def _scorer(rules: Any, model: str | None) -> Any:
    # A trained model is loaded once per worker, not once per chunk. Keyed by the rules'
    # content: a long-lived cluster worker may serve runs with different rules.
    from walkaway.analysis import make_scorer

    key = (pickle.dumps(rules), model)
    if key not in _scorers:
        if len(_scorers) >= 4:
            _scorers.clear()
        _scorers[key] = make_scorer(rules, Path(model) if model else None)[0]
    return _scorers[key]


def score_chunk(chunk: ScoreChunk) -> ScoreChunkResult:
    """Features, signals and the weekly trajectory of a chunk of prospects."""
    from walkaway.features import MessageLanguage, prospect_rows
    from walkaway.scoring.trajectory import chunk_trajectories

    found: dict[str, dict[str, Any]] = {
        "reply": {k: load_record(v) for k, v in chunk.replies.items()},
        "ours": {k: load_record(v) for k, v in chunk.ours.items()},
    }
    new_rows = _read_missing_language(chunk.timelines, found)
    language = MessageLanguage(replies=found["reply"], ours=found["ours"])
    rows, signals = prospect_rows(chunk.timelines, chunk.people, chunk.as_of, language=language)
    scorer = _scorer(chunk.rules, chunk.model)
    trajectories = chunk_trajectories(chunk.timelines, chunk.people, language, chunk.points, scorer)
    return ScoreChunkResult(
        rows=rows, signals=signals, trajectories=trajectories, language=new_rows
    )
