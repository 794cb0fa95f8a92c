"""Per-prospect timelines and the prospect x feature table, as of a date.

``build_timelines`` decides, once, which messages belong to which prospect and in which
direction they went. ``prospect_features`` then computes every signal and feature of every
prospect from those timelines, seeing only messages dated at or before ``as_of``: the same
function serves ``analyze`` (as of the newest message) and backtests (as of each deal's
cut-off), which is what keeps training honest.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING

import pandas as pd

from walkaway.people import OwnSide, Person, account_key, is_automated, message_prospects
from walkaway.signals.contacts import contact_signals
from walkaway.signals.language import language_signals
from walkaway.signals.timing import Direction, Event, TimingConfig, timing_signals
from walkaway.types import Message, Signal, quick_pickle

if TYPE_CHECKING:
    from walkaway.cache import Cache
    from walkaway.engine import Engine
    from walkaway.nlp.analysis import TextAnalysis
    from walkaway.nlp.classify import TextLabels

Progress = Callable[[str, int, int | None], None]


@quick_pickle
@dataclass(frozen=True, slots=True)
class Timeline:
    """Everything that happened with one prospect, in date order."""

    prospect: str
    events: tuple[Event, ...]
    undated: tuple[Message, ...] = ()

    def until(self, as_of: datetime) -> tuple[Event, ...]:
        return tuple(e for e in self.events if e.date <= as_of)


def direction_for(
    message: Message, prospect: str, own: OwnSide, people: Mapping[str, Person]
) -> Direction:
    """How a message relates to one prospect, from our side."""
    sender = message.sender.email if message.sender is not None else ""
    if message.is_bounce:
        return "bounce"
    if sender and own.is_own(sender):
        if message.is_auto_reply:
            return "other"
        return (
            "out"
            if any(_account(people, a.email) == prospect for a in message.recipients)
            else "other"
        )
    if sender and _account(people, sender) == prospect:
        if message.is_auto_reply:
            return "auto"
        return "in"
    if sender and is_automated(sender) and message.is_auto_reply:
        return "auto"
    return "other"


def _account(people: Mapping[str, Person], email: str) -> str:
    person = people.get(email)
    if person is not None:
        return person.account
    return account_key(email)


def build_timelines(
    messages: Iterable[Message],
    own: OwnSide,
    people: Mapping[str, Person],
    thread_of: Mapping[str, str],
) -> dict[str, Timeline]:
    """Group messages by prospect account, with each message's direction.

    A prospect is someone we wrote to: newsletters, notifications and cold mail from other
    companies do not make prospects until our side answers.
    """
    messages = list(messages)
    # Bounces that do not name the failed address are matched to the message they answer.
    sent_to: dict[str, tuple[str, ...]] = {
        m.message_id: tuple(a.email for a in m.recipients)
        for m in messages
        if m.message_id and m.sender is not None and own.is_own(m.sender.email)
    }
    per_prospect: dict[str, list[Event]] = defaultdict(list)
    undated: dict[str, list[Message]] = defaultdict(list)
    for message in messages:
        if message.is_bounce and not message.bounced_recipients and message.in_reply_to in sent_to:
            message = replace(message, bounced_recipients=sent_to[message.in_reply_to])
        for prospect in message_prospects(message, own):
            if message.date is None:
                undated[prospect].append(message)
                continue
            direction = direction_for(message, prospect, own, people)
            per_prospect[prospect].append(
                Event(message=message, direction=direction, thread_id=thread_of.get(message.id, ""))
            )
    timelines: dict[str, Timeline] = {}
    for prospect, events in per_prospect.items():
        if not any(e.direction == "out" for e in events):
            continue
        events.sort(key=lambda e: (e.date, e.message.id))
        timelines[prospect] = Timeline(
            prospect=prospect, events=tuple(events), undated=tuple(undated.get(prospect, ()))
        )
    return timelines


@dataclass(frozen=True)
class MessageLanguage:
    """Per-message language results, computed once and reused for any as-of date.

    ``replies``: the prospect's human replies, classified (``TextLabels``); ``ours``: our
    messages' sentences and the questions they ask (``TextAnalysis``; the signal rules are
    not run on our side: nothing reads them).
    """

    replies: Mapping[str, TextLabels] = field(default_factory=dict)
    ours: Mapping[str, TextAnalysis] = field(default_factory=dict)


def read_language(
    timelines: Mapping[str, Timeline],
    batch_size: int = 256,
    *,
    engine: Engine | None = None,
    cache: Cache | None = None,
    progress: Progress | None = None,
) -> MessageLanguage:
    """Run the language layer on every prospect reply and every message of ours, once.

    ``engine`` spreads the batches over worker processes or a cluster (results are the same
    whatever runs them); ``cache`` reuses results stored by earlier runs. The mappings
    returned hold the results encoded and decode them on access, which keeps a large
    export's language results small in memory.
    """
    from walkaway.engine.stages import read_language_records

    return read_language_records(
        timelines, engine=engine, cache=cache, batch_size=batch_size, progress=progress
    )


def prospect_features(
    timelines: Mapping[str, Timeline],
    people: Mapping[str, Person],
    as_of: datetime,
    timing: TimingConfig | None = None,
    language: MessageLanguage | None = None,
) -> tuple[pd.DataFrame, list[Signal]]:
    """One row of features per prospect with activity up to ``as_of``, and every fired signal.

    Without ``language`` only timing and contact signals are computed."""
    rows, signals = prospect_rows(timelines, people, as_of, timing, language)
    return feature_table(rows), signals


def prospect_rows(
    timelines: Mapping[str, Timeline],
    people: Mapping[str, Person],
    as_of: datetime,
    timing: TimingConfig | None = None,
    language: MessageLanguage | None = None,
) -> tuple[list[dict[str, object]], list[Signal]]:
    """The rows of :func:`prospect_features` (prospects in sorted order) and the signals.

    Each row depends on its own prospect only: rows computed in chunks and concatenated in
    prospect order make the same table (:func:`feature_table`)."""
    rows: list[dict[str, object]] = []
    signals: list[Signal] = []
    for prospect in sorted(timelines):
        events = timelines[prospect].until(as_of)
        if not any(e.direction in {"out", "in"} for e in events):
            continue
        row: dict[str, object] = {"prospect": prospect}
        row.update(_activity(events))
        timing_result = timing_signals(prospect, events, as_of, timing)
        row.update(timing_result.features)
        contact_features, contact_fired = contact_signals(prospect, events, people)
        row.update(contact_features)
        fired = [*timing_result.signals, *contact_fired]
        if language is not None:
            language_result = language_signals(
                prospect, events, as_of, language.replies, language.ours, people
            )
            row.update(language_result.features)
            fired += language_result.signals
        for signal in fired:
            row[f"signal_{signal.signal}"] = (
                row.get(f"signal_{signal.signal}", 0.0) + signal.strength
            )  # type: ignore[operator]
        rows.append(row)
        signals.extend(fired)
    return rows, signals


def feature_table(rows: Sequence[Mapping[str, object]]) -> pd.DataFrame:
    """The prospect x feature table from :func:`prospect_rows` rows (signals absent = 0)."""
    # Columns in order of first appearance, as pandas orders the keys of a list of dicts.
    columns = list(dict.fromkeys(key for row in rows for key in row))
    # Absent signals are filled in the rows rather than with ``fillna`` on the frame: the
    # same float64 columns, without pandas rewriting every signal column afterwards.
    absent = dict.fromkeys((c for c in columns if c.startswith("signal_")), 0.0)
    return pd.DataFrame([{**absent, **row} for row in rows], columns=columns or None)


def _activity(events: Sequence[Event]) -> dict[str, object]:
    dates = [e.date for e in events]
    replies = [e.date for e in events if e.direction == "in"]
    threads = {e.thread_id for e in events if e.thread_id}
    return {
        "n_messages": len(events),
        "n_threads": len(threads),
        "first_contact": min(dates),
        "last_contact": max(dates),
        "last_prospect_reply": max(replies) if replies else None,
    }
