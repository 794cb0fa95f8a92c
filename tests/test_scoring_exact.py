"""The shortcuts of per-prospect scoring give exactly what the plain computations give."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.builders import msg, when
from walkaway.features import build_timelines, feature_table
from walkaway.people import OwnSide, build_people
from walkaway.scoring.rules import load_rules, rule_scorer
from walkaway.scoring.trajectory import chunk_trajectories, weekly_points
from walkaway.signals.contacts import contact_signals
from walkaway.signals.timing import Event, TimingConfig, business_hours_between

REP = "dana@lumora.io"
OWN = OwnSide.from_options(["lumora.io"])


def reference_business_hours(
    start: datetime, end: datetime, offset_minutes: int, config: TimingConfig
) -> float:
    """Every day through ``open_hours``, the whole weeks in one step: the plain algorithm."""
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
    full_weeks = max(0, (last_day - day).days // 7)
    total += full_weeks * len(config.workdays) * config.hours_per_day
    day += timedelta(days=7 * full_weeks)
    while day <= last_day:
        total += open_hours(day)
        day += timedelta(days=1)
    return total


instants = st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1), timezones=st.just(UTC)
)
configs = st.builds(
    lambda start, length, workdays: TimingConfig(
        workday_start_hour=start,
        workday_end_hour=min(23, start + length),
        workdays=tuple(sorted(workdays)),
    ),
    st.integers(0, 22),
    st.integers(0, 12),
    st.sets(st.integers(0, 6)),
)


@settings(max_examples=400, deadline=None)
@given(
    start=instants,
    span=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=60)),
    offset=st.integers(-14 * 60, 14 * 60),
    config=configs,
)
def test_business_hours_are_bit_identical_to_the_plain_algorithm(
    start: datetime, span: timedelta, offset: int, config: TimingConfig
) -> None:
    end = start + span
    expected = reference_business_hours(start, end, offset, config)
    # Twice: computed, then from the memo.
    assert business_hours_between(start, end, offset, config) == expected
    assert business_hours_between(start, end, offset, config) == expected


def test_business_hours_memo_depends_on_the_instants_only() -> None:
    # Equal instants written in other zones are one memo key; the answer must not depend on
    # which spelling came first.
    start = datetime(2026, 11, 13, 17, tzinfo=UTC)
    end = datetime(2026, 11, 16, 9, tzinfo=UTC)
    plus_two = timezone(timedelta(hours=2))
    assert business_hours_between(start.astimezone(plus_two), end.astimezone(plus_two)) == 2.0
    assert business_hours_between(start, end) == 2.0


def fillna_table(rows: list[dict[str, object]]) -> pd.DataFrame:
    """The feature table built the plain way: a frame of the rows, missing signals -> 0."""
    table = pd.DataFrame(rows)
    if not table.empty:
        signal_columns = [c for c in table.columns if c.startswith("signal_")]
        table[signal_columns] = table[signal_columns].fillna(0.0)
    return table


def test_feature_table_matches_the_frame_filled_afterwards() -> None:
    rows: list[dict[str, object]] = [
        {"prospect": "a.com", "n_messages": 3, "last_prospect_reply": None, "signal_vague": 0.5},
        {"prospect": "b.com", "signal_radio_silence": 1.25, "n_messages": 1, "price_share": 0.2},
        {"prospect": "c.com", "n_messages": 2, "last_prospect_reply": when("2026-08-03")},
    ]
    for part in (rows, rows[:1], rows[2:], []):
        expected, table = fillna_table(part), feature_table(part)
        pd.testing.assert_frame_equal(table, expected, check_exact=True)
        assert list(table.dtypes) == list(expected.dtypes)


def test_contact_features_count_repeated_and_empty_addresses_once() -> None:
    first = msg(REP, ["jane@acme.com", "bob@acme.com"], when("2026-08-03"), cc=["jane@acme.com"])
    reply = msg("bob@acme.com", [REP, ""], when("2026-08-04"), cc=["bob@acme.com"])
    people = build_people([first, reply], OWN)
    events = [Event(first, "out", "t1"), Event(reply, "in", "t1")]
    features, _ = contact_signals("acme.com", events, people)
    assert features["n_contacts_writing"] == 1
    assert features["n_contacts_involved"] == 2


def test_rule_scored_trajectory_is_the_one_scored_from_full_feature_tables() -> None:
    start = when("2026-06-01")
    messages = []
    for week in range(12):
        day = start + timedelta(days=7 * week)
        messages.append(msg(REP, "jane@acme.com", day, subject="Pilot"))
        if week < 5:
            messages.append(msg("jane@acme.com", REP, day + timedelta(hours=3 + 20 * week)))
        if week % 3 == 0:
            messages.append(msg(REP, "li@globex.com", day + timedelta(days=1)))
    people = build_people(messages, OWN)
    timelines = build_timelines(messages, OWN, people, {m.id: "t1" for m in messages})
    points = weekly_points(start, start + timedelta(days=90), 7, 13)
    scorer = rule_scorer(load_rules())

    def reads_the_table(table, signals):  # type: ignore[no-untyped-def]
        return scorer(table, signals)  # a plain function: given the full feature table

    fast = chunk_trajectories(timelines, people, None, points, scorer)
    full = chunk_trajectories(timelines, people, None, points, reads_the_table)
    assert fast == full
    assert len(fast["acme.com"]) == len(points)
