from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.builders import days, msg, when
from walkaway.signals.timing import Event, TimingConfig, business_hours_between, timing_signals

REP, JANE = "dana@lumora.io", "jane@acme.com"


def timeline(*pairs):
    """Events from (direction, date[, kwargs]) tuples."""
    events = []
    for item in pairs:
        direction, date, *rest = item
        extra = rest[0] if rest else {}
        m = msg(REP, JANE, date, **extra) if direction == "out" else msg(JANE, REP, date, **extra)
        events.append(Event(message=m, direction=direction, thread_id="t1"))
    return events


def fired(result):
    return {s.signal for s in result.signals}


def test_business_hours_skip_nights_and_weekends():
    friday_5pm = datetime(2026, 11, 13, 17, tzinfo=UTC)
    monday_9am = datetime(2026, 11, 16, 9, tzinfo=UTC)
    assert business_hours_between(friday_5pm, monday_9am) == pytest.approx(2.0)


def test_business_hours_use_the_local_offset():
    # 07:00 UTC is 09:00 in UTC+2: one hour into the working day there, before it in UTC.
    start = datetime(2026, 11, 16, 6, tzinfo=UTC)
    end = datetime(2026, 11, 16, 7, tzinfo=UTC)
    assert business_hours_between(start, end, offset_minutes=120) == pytest.approx(1.0)
    assert business_hours_between(start, end, offset_minutes=0) == 0.0


def test_business_hours_over_many_weeks_match_day_by_day_count():
    start = datetime(2026, 1, 5, 12, tzinfo=UTC)
    end = datetime(2026, 6, 3, 15, tzinfo=UTC)
    config = TimingConfig()
    expected = 0.0
    day = start
    while day < end:
        step = min(end, day.replace(hour=0) + days(1))
        expected += business_hours_between(day, step, 0, config)
        day = step
    assert business_hours_between(start, end) == pytest.approx(expected)


def test_slowing_replies_fires_on_a_rising_series_with_evidence():
    events = timeline(
        ("out", when("2026-08-03", 9)),
        ("in", when("2026-08-03", 11)),
        ("out", when("2026-08-10", 9)),
        ("in", when("2026-08-11", 9)),
        ("out", when("2026-08-17", 9)),
        ("in", when("2026-08-20", 9)),
        ("out", when("2026-08-24", 9)),
        ("in", when("2026-09-04", 9)),
    )
    result = timing_signals("acme.com", events, when("2026-09-04", 12))
    assert "slowing_replies" in fired(result)
    slowing = next(s for s in result.signals if s.signal == "slowing_replies")
    assert slowing.message_id == events[-1].message.id
    assert "business days" in slowing.evidence


def test_steady_fast_replies_do_not_slow():
    events = []
    for week in range(5):
        start = when("2026-08-03", 9) + days(7 * week)
        events += timeline(("out", start), ("in", start + days(0.1)))
    result = timing_signals("acme.com", events, when("2026-09-04"))
    assert not fired(result) & {"slowing_replies", "radio_silence", "unanswered_followups"}
    assert "recent_engagement" in fired(result)


def test_unanswered_followups_and_radio_silence():
    events = timeline(
        ("out", when("2026-08-03", 9)),
        ("in", when("2026-08-03", 13)),
        ("out", when("2026-08-10", 9)),
        ("in", when("2026-08-10", 15)),
        ("out", when("2026-09-01", 9)),
        ("out", when("2026-09-08", 9)),
        ("out", when("2026-09-15", 9)),
    )
    result = timing_signals("acme.com", events, when("2026-09-30"))
    assert {"unanswered_followups", "radio_silence"} <= fired(result)
    assert result.features["unanswered_streak"] == 3
    silence = next(s for s in result.signals if s.signal == "radio_silence")
    assert silence.message_id == events[4].message.id


def test_a_slow_prospect_waiting_their_usual_time_is_not_silent():
    # This prospect always takes about two weeks; ten business days of waiting is normal.
    events = timeline(
        ("out", when("2026-06-01", 9)),
        ("in", when("2026-06-15", 9)),
        ("out", when("2026-06-16", 9)),
        ("in", when("2026-06-30", 9)),
        ("out", when("2026-07-01", 9)),
    )
    result = timing_signals("acme.com", events, when("2026-07-14", 9))
    assert "radio_silence" not in fired(result)


def test_future_events_are_invisible():
    events = timeline(
        ("out", when("2026-08-03", 9)),
        ("out", when("2026-08-10", 9)),
        ("out", when("2026-08-17", 9)),
        ("in", when("2026-08-20", 9)),
    )
    before = timing_signals("acme.com", events, when("2026-08-18"))
    assert before.features["n_inbound"] == 0
    assert before.features["unanswered_streak"] == 3


def test_auto_reply_only():
    events = [
        Event(msg(REP, JANE, when("2026-08-03")), "out"),
        Event(msg(JANE, REP, when("2026-08-03", 11), auto=True, subject="Out of Office"), "auto"),
    ]
    result = timing_signals("acme.com", events, when("2026-08-10"))
    assert "auto_reply_only" in fired(result)


def test_champion_left_after_engagement_by_bounce_and_by_notice():
    base = timeline(("out", when("2026-08-03", 9)), ("in", when("2026-08-03", 12)))
    bounce = Event(
        msg("mailer-daemon@mx.lumora.io", REP, when("2026-09-01"), bounce=True, bounced=(JANE,)),
        "bounce",
    )
    assert "champion_left" in fired(timing_signals("acme.com", [*base, bounce], when("2026-09-02")))
    notice = Event(
        msg(
            JANE,
            REP,
            when("2026-09-01"),
            auto=True,
            text="Jane Doe is no longer with Acme. Please contact sales@acme.com.",
        ),
        "auto",
    )
    assert "champion_left" in fired(timing_signals("acme.com", [*base, notice], when("2026-09-02")))


def test_bounce_of_someone_who_never_engaged_is_not_a_lost_champion():
    events = [
        Event(msg(REP, JANE, when("2026-08-03")), "out"),
        Event(
            msg("mailer-daemon@x.io", REP, when("2026-08-03", 11), bounce=True, bounced=(JANE,)),
            "bounce",
        ),
    ]
    assert "champion_left" not in fired(timing_signals("acme.com", events, when("2026-08-10")))


def test_latency_is_measured_within_a_conversation():
    # Our "thanks, received" in one thread, then weeks later they open a new topic: not slow.
    events = [
        Event(msg(REP, JANE, when("2026-08-03", 9)), "out", "a"),
        Event(msg(JANE, REP, when("2026-08-03", 11)), "in", "a"),
        Event(msg(REP, JANE, when("2026-08-10", 9)), "out", "b"),
        Event(msg(JANE, REP, when("2026-08-10", 12)), "in", "b"),
        Event(msg(REP, JANE, when("2026-08-17", 9)), "out", "c"),
        Event(msg(JANE, REP, when("2026-08-17", 12)), "in", "c"),
        Event(msg(REP, JANE, when("2026-08-18", 9), text="Received, thanks!"), "out", "c"),
        Event(msg(REP, JANE, when("2026-09-14", 9)), "out", "d"),
        Event(msg(JANE, REP, when("2026-09-14", 11)), "in", "d"),
    ]
    result = timing_signals("acme.com", events, when("2026-09-15"))
    assert result.features["n_latency_samples"] == 4
    assert result.features["latest_latency_hours"] == pytest.approx(2.0)
    assert "slowing_replies" not in fired(result)
