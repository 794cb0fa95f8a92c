"""Timing signals: how a prospect's behaviour over time says they are drifting away.

Everything is computed *as of* a timestamp from the prospect's timeline (their messages and
ours, in date order), never from the clock. Latencies count business hours in the prospect's
own time zone (the UTC offset of their Date headers), so a Friday-evening email answered on
Monday morning is a quick reply, not a 60-hour one. Auto-replies and bounces never count as
engagement.
"""

from __future__ import annotations

import math
import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from functools import lru_cache
from typing import Literal

from walkaway.types import Message, Signal, quick_pickle

Direction = Literal["out", "in", "auto", "bounce", "other"]

# "Jane is no longer with the company", in the languages auto-replies come in.
_LEFT_COMPANY = re.compile(
    r"(?:no\s+longer\s+(?:with|at|employed|works?|working)|has\s+left\s+(?:the\s+company|\w+)|"
    r"is\s+no\s+longer\s+part\s+of|left\s+the\s+(?:company|organi[sz]ation)|"
    r"not\s+with\s+\w+\s+anymore|nicht\s+mehr\s+(?:im\s+unternehmen|bei|für)|"
    r"hat\s+das\s+unternehmen\s+verlassen|ne\s+fait\s+plus\s+partie|a\s+quitté|"
    r"ya\s+no\s+(?:trabaja|forma\s+parte)|non\s+lavora\s+più|non\s+fa\s+più\s+parte)",
    re.IGNORECASE,
)


@quick_pickle
@dataclass(frozen=True, slots=True)
class Event:
    """One message on a prospect's timeline, seen from our side."""

    message: Message
    direction: Direction
    thread_id: str = ""

    @property
    def date(self) -> datetime:
        assert self.message.date is not None
        return self.message.date


@dataclass(frozen=True, slots=True)
class TimingConfig:
    """Thresholds of the timing signals (documented defaults; overridable from config)."""

    workday_start_hour: int = 8
    workday_end_hour: int = 18
    workdays: tuple[int, ...] = (0, 1, 2, 3, 4)
    # A latency this short is noise ("usual" never goes below it), in business hours.
    latency_floor_hours: float = 4.0
    min_latency_samples: int = 3
    slowing_factor: float = 2.0
    silence_factor: float = 3.0
    min_silence_business_days: float = 5.0
    followup_streak: int = 2
    recent_business_days: float = 10.0
    champion_window_days: float = 365.0

    @property
    def hours_per_day(self) -> float:
        return float(self.workday_end_hour - self.workday_start_hour)


@dataclass(frozen=True, slots=True)
class TimingResult:
    features: dict[str, float | int | str | None]
    signals: tuple[Signal, ...] = field(default=())


def business_hours_between(
    start: datetime, end: datetime, offset_minutes: int = 0, config: TimingConfig | None = None
) -> float:
    """Working hours between two instants, in the local time given by ``offset_minutes``."""
    return _business_hours(start, end, offset_minutes, config or _DEFAULT_TIMING)


_DEFAULT_TIMING = TimingConfig()


# Scoring a trajectory asks for the same reply latencies at every weekly as-of date; the
# result is a pure function of two instants, an offset and the config, so it is memoized.
# Bounded: entries are small (two datetimes, an int, a shared config, a float). Equal
# instants written in different zones share a key, which is sound: both are converted
# to the offset's zone before anything else.
@lru_cache(maxsize=1 << 15)
def _business_hours(
    start: datetime, end: datetime, offset_minutes: int, config: TimingConfig
) -> float:
    if end <= start:
        return 0.0
    tz = timezone(timedelta(minutes=offset_minutes))
    local_start, local_end = start.astimezone(tz), end.astimezone(tz)

    def open_hours(day: datetime) -> float:
        if day.weekday() not in config.workdays:
            return 0.0
        lo = max(day.replace(hour=config.workday_start_hour), local_start)
        hi = min(day.replace(hour=config.workday_end_hour), local_end)
        return max(0.0, (hi - lo).total_seconds() / 3600.0)

    day = local_start.replace(hour=0, minute=0, second=0, microsecond=0)
    last_day = local_end.replace(hour=0, minute=0, second=0, microsecond=0)
    total = open_hours(day)
    day += timedelta(days=1)
    # Whole weeks strictly inside the span add a fixed amount; only the edges go day by day.
    full_weeks = max(0, (last_day - day).days // 7)
    total += full_weeks * len(config.workdays) * config.hours_per_day
    day += timedelta(days=7 * full_weeks)
    # A workday strictly between the first and the last day is open from start to end of
    # the working day: the same float ``open_hours`` would compute, added in the same order
    # (closed days add 0.0, which leaves the non-negative total as it is).
    whole_day = max(
        0.0,
        (
            timedelta(hours=config.workday_end_hour) - timedelta(hours=config.workday_start_hour)
        ).total_seconds()
        / 3600.0,
    )
    while day < last_day:
        if day.weekday() in config.workdays:
            total += whole_day
        day += timedelta(days=1)
    if day == last_day:
        total += open_hours(last_day)
    return total


def fire(prospect: str, code: str, event: Event, evidence: str, strength: float = 1.0) -> Signal:
    """A fired signal whose evidence is the message of ``event``."""
    return Signal(
        prospect=prospect,
        signal=code,
        message_id=event.message.id,
        date=event.date,
        evidence=evidence,
        strength=strength,
    )


def _words(text: str) -> int:
    return len(text.split())


def _snippet(message: Message, limit: int = 160) -> str:
    text = " ".join((message.text or message.body).split())
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    subject = message.subject.strip()
    return f"{subject!r}: {text}" if text else repr(subject)


def _day(moment: datetime | None) -> str:
    return moment.astimezone(UTC).date().isoformat() if moment else "?"


def _spearman(values: Sequence[float]) -> float:
    """Rank correlation of values against their order (no scipy needed for one trend)."""
    n = len(values)
    if n < 3:
        return 0.0
    order = sorted(range(n), key=lambda i: values[i])
    ranks = [0.0] * n
    i = 0
    while i < n:
        j = i
        while j + 1 < n and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2.0
        i = j + 1
    mean = (n - 1) / 2.0
    cov = sum((r - mean) * (k - mean) for k, r in enumerate(ranks))
    var_r = sum((r - mean) ** 2 for r in ranks)
    var_k = sum((k - mean) ** 2 for k in range(n))
    return cov / math.sqrt(var_r * var_k) if var_r and var_k else 0.0


def prospect_offset_minutes(events: Sequence[Event]) -> int:
    """The prospect's usual UTC offset, from the Date headers of their own messages."""
    offsets = [
        e.message.utc_offset_minutes
        for e in events
        if e.direction == "in" and e.message.utc_offset_minutes is not None
    ]
    if not offsets:
        return 0
    return statistics.mode(offsets)


def timing_signals(
    prospect: str,
    events: Sequence[Event],
    as_of: datetime,
    config: TimingConfig | None = None,
) -> TimingResult:
    """Timing features and fired signals of one prospect, seeing only events up to ``as_of``.

    ``events`` must be in date order; events after ``as_of`` are ignored here too, so a caller
    cannot leak the future by accident.
    """
    # The shared default keeps the business-hours memo's keys identical, not just equal.
    config = config or _DEFAULT_TIMING
    events = [e for e in events if e.message.date is not None and e.date <= as_of]
    offset = prospect_offset_minutes(events)

    def bh(start: datetime, end: datetime) -> float:
        return _business_hours(start, end, offset, config)

    signals: list[Signal] = []
    inbound = [e for e in events if e.direction == "in"]
    outbound = [e for e in events if e.direction == "out"]
    autos = [e for e in events if e.direction == "auto"]
    bounces = [e for e in events if e.direction == "bounce"]

    # Reply latency, per conversation: from our first message in a thread that the prospect had
    # not answered yet, to their next message in that thread. (Across threads, a "thanks,
    # received" of ours followed weeks later by a new topic of theirs is not a slow reply.)
    # The unanswered streak is global: any human reply from the prospect ends it.
    latencies: list[tuple[float, Event, Event]] = []
    waiting_since: dict[str, Event] = {}
    streak: list[Event] = []
    for event in events:
        thread = event.thread_id or event.message.id
        if event.direction == "out":
            waiting_since.setdefault(thread, event)
            streak.append(event)
        elif event.direction == "in":
            started = waiting_since.pop(thread, None)
            if started is not None:
                latencies.append((bh(started.date, event.date), started, event))
            streak = []

    latency_values = [value for value, _, _ in latencies]
    usual = (
        max(statistics.median(latency_values), config.latency_floor_hours)
        if latency_values
        else None
    )
    latest_latency = latency_values[-1] if latency_values else None
    earlier = latency_values[:-1]
    earlier_median = statistics.median(earlier) if earlier else None
    trend = _spearman(latency_values)

    reply_words = [_words(e.message.text or e.message.body) for e in inbound]
    early_words = (
        statistics.median(reply_words[: max(1, len(reply_words) // 2)]) if reply_words else None
    )
    latest_words = reply_words[-1] if reply_words else None
    reply_length_ratio = (
        (latest_words + 1) / (early_words + 1)
        if latest_words is not None and early_words is not None
        else None
    )

    last_reply = inbound[-1].date if inbound else None
    silence_hours = bh(streak[0].date, as_of) if streak else 0.0
    silence_ratio = silence_hours / usual if usual else None
    days_since_reply = (as_of - last_reply).total_seconds() / 86400.0 if last_reply else None

    # slowing_replies: the latest wait clearly longer than the prospect's earlier rhythm,
    # on a rising trend (one slow reply in a fast series is not a trend).
    if (
        len(latency_values) >= config.min_latency_samples
        and earlier_median is not None
        and latest_latency is not None
        and latest_latency
        >= config.slowing_factor * max(earlier_median, config.latency_floor_hours)
        and trend > 0.3
    ):
        _, _, reply_event = latencies[-1]
        signals.append(
            fire(
                prospect,
                "slowing_replies",
                reply_event,
                (
                    f"replied after {latest_latency / config.hours_per_day:.1f} business days, "
                    f"against {earlier_median / config.hours_per_day:.1f} earlier: "
                    f"{_snippet(reply_event.message)}"
                ),
                min(3.0, latest_latency / max(earlier_median, config.latency_floor_hours))
                / config.slowing_factor,
            )
        )

    # unanswered_followups: our messages since their last reply (the first one is not a
    # follow-up, the ones after it are).
    followups = len(streak) - 1 if streak else 0
    if inbound and followups >= config.followup_streak:
        latest = streak[-1]
        signals.append(
            fire(
                prospect,
                "unanswered_followups",
                latest,
                (
                    f"{followups} follow-ups since {_day(streak[0].date)} without a reply; "
                    f"latest: {_snippet(latest.message)}"
                ),
                followups / config.followup_streak,
            )
        )
    elif not inbound and len(streak) > config.followup_streak:
        latest = streak[-1]
        signals.append(
            fire(
                prospect,
                "unanswered_followups",
                latest,
                (f"{len(streak)} messages, never a reply; latest: {_snippet(latest.message)}"),
                followups / config.followup_streak,
            )
        )

    # radio_silence: waiting far longer than this prospect usually takes to answer.
    min_silence = config.min_silence_business_days * config.hours_per_day
    if streak and inbound and usual is not None:
        threshold = max(config.silence_factor * usual, min_silence)
        if silence_hours >= threshold:
            signals.append(
                fire(
                    prospect,
                    "radio_silence",
                    streak[0],
                    (
                        f"no reply for {silence_hours / config.hours_per_day:.0f} business days "
                        f"to {_snippet(streak[0].message)}; this prospect usually answers in "
                        f"{usual / config.hours_per_day:.1f}"
                    ),
                    min(3.0, silence_hours / threshold),
                )
            )

    # recent_engagement (positive): they answered lately and nothing of ours waits too long.
    fired = {s.signal for s in signals}
    if (
        inbound
        and not fired & {"radio_silence", "unanswered_followups", "slowing_replies"}
        and bh(inbound[-1].date, as_of) <= config.recent_business_days * config.hours_per_day
    ):
        signals.append(
            fire(
                prospect,
                "recent_engagement",
                inbound[-1],
                f"replied on {_day(inbound[-1].date)}: {_snippet(inbound[-1].message)}",
            )
        )

    # auto_reply_only: they answer, but only machines do.
    if autos and not inbound:
        signals.append(
            fire(
                prospect,
                "auto_reply_only",
                autos[-1],
                (
                    f"{len(autos)} automatic replies and no human answer: "
                    f"{_snippet(autos[-1].message)}"
                ),
            )
        )

    champion = _champion_left(prospect, inbound, autos, bounces, config)
    if champion is not None:
        signals.append(champion)

    contacts = {e.message.sender.email for e in inbound if e.message.sender is not None}
    features: dict[str, float | int | str | None] = {
        "n_inbound": len(inbound),
        "n_outbound": len(outbound),
        "n_auto_replies": len(autos),
        "n_bounces": len(bounces),
        "n_latency_samples": len(latency_values),
        "median_latency_hours": statistics.median(latency_values) if latency_values else None,
        "latest_latency_hours": latest_latency,
        "latency_trend": trend,
        "unanswered_streak": len(streak),
        "silence_business_hours": silence_hours,
        "silence_ratio": silence_ratio,
        "days_since_prospect_reply": days_since_reply,
        "reply_words_median": statistics.median(reply_words) if reply_words else None,
        "reply_length_ratio": reply_length_ratio,
        "n_prospect_contacts": len(contacts),
        "utc_offset_minutes": offset,
    }
    return TimingResult(features=features, signals=tuple(signals))


def _champion_left(
    prospect: str,
    inbound: Sequence[Event],
    autos: Sequence[Event],
    bounces: Sequence[Event],
    config: TimingConfig,
) -> Signal | None:
    """A bounce or a "no longer with the company" note for someone who had engaged before."""
    engaged_since: dict[str, datetime] = {}
    for event in inbound:
        sender = event.message.sender
        if sender is not None:
            engaged_since.setdefault(sender.email, event.date)
    if not engaged_since:
        return None
    window = timedelta(days=config.champion_window_days)
    for event in sorted([*bounces, *autos], key=lambda e: e.date):
        message = event.message
        if event.direction == "bounce":
            gone = [a for a in message.bounced_recipients if a in engaged_since]
        else:
            body = message.text or message.body
            sender = message.sender.email if message.sender else ""
            gone = [sender] if sender in engaged_since and _LEFT_COMPANY.search(body) else []
        gone = [a for a in gone if engaged_since[a] < event.date <= engaged_since[a] + window]
        if gone:
            reason = "mail bounced" if event.direction == "bounce" else "automatic reply"
            return Signal(
                prospect=prospect,
                signal="champion_left",
                message_id=message.id,
                date=event.date,
                evidence=f"{', '.join(gone)} engaged earlier; {reason}: {_snippet(message)}",
                strength=1.0,
            )
    return None
