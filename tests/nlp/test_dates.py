"""Deferrals resolved to date ranges against the message date."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from walkaway.errors import ConfigError
from walkaway.nlp import build_pipeline, find_periods, resolve_deferral

NOV_20 = date(2026, 11, 20)  # a Friday in Q4
MAY_14 = date(2026, 5, 14)  # a Thursday in Q2
DEC_30 = date(2026, 12, 30)
JAN_10 = date(2027, 1, 10)
SEP_15 = date(2026, 9, 15)

CASES = [
    # text, reference, fiscal year start, kind, start, end, label
    ("next quarter", NOV_20, 1, "next_quarter", "2027-01-01", "2027-03-31", "Q1 2027"),
    ("next quarter", MAY_14, 1, "next_quarter", "2026-07-01", "2026-09-30", "Q3 2026"),
    ("this quarter", NOV_20, 1, "this_quarter", "2026-10-01", "2026-12-31", "Q4 2026"),
    ("the following quarter", DEC_30, 1, "next_quarter", "2027-01-01", "2027-03-31", "Q1 2027"),
    (
        "end of next quarter",
        NOV_20,
        1,
        "next_quarter",
        "2027-03-01",
        "2027-03-31",
        "end of Q1 2027",
    ),
    ("Q3", MAY_14, 1, "quarter", "2026-07-01", "2026-09-30", "Q3 2026"),
    ("Q3", NOV_20, 1, "quarter", "2027-07-01", "2027-09-30", "Q3 2027"),  # passed: next year
    ("Q2", MAY_14, 1, "quarter", "2026-04-01", "2026-06-30", "Q2 2026"),  # ongoing counts
    ("Q1", MAY_14, 1, "quarter", "2027-01-01", "2027-03-31", "Q1 2027"),
    ("Q3 2027", MAY_14, 1, "quarter", "2027-07-01", "2027-09-30", "Q3 2027"),
    ("Q3'27", MAY_14, 1, "quarter", "2027-07-01", "2027-09-30", "Q3 2027"),
    ("3Q27", MAY_14, 1, "quarter", "2027-07-01", "2027-09-30", "Q3 2027"),
    ("third quarter", NOV_20, 1, "quarter", "2027-07-01", "2027-09-30", "Q3 2027"),
    ("the 4th quarter of 2026", MAY_14, 1, "quarter", "2026-10-01", "2026-12-31", "Q4 2026"),
    ("Q1 next year", MAY_14, 1, "quarter", "2027-01-01", "2027-03-31", "Q1 2027"),
    ("early Q3", MAY_14, 1, "quarter", "2026-07-01", "2026-07-31", "early Q3 2026"),
    ("after Q4", NOV_20, 1, "quarter", "2027-01-01", "2027-03-31", "Q1 2027"),
    ("not until Q2", NOV_20, 1, "quarter", "2027-04-01", "2027-06-30", "Q2 2027"),
    ("H2", MAY_14, 1, "half", "2026-07-01", "2026-12-31", "H2 2026"),
    ("H1", NOV_20, 1, "half", "2027-01-01", "2027-06-30", "H1 2027"),
    ("the second half of next year", MAY_14, 1, "half", "2027-07-01", "2027-12-31", "H2 2027"),
    ("after the holidays", NOV_20, 1, "after_holidays", "2027-01-02", "2027-01-31", "January 2027"),
    ("after the holidays", JAN_10, 1, "after_holidays", "2027-01-02", "2027-01-31", "January 2027"),
    ("after Christmas", MAY_14, 1, "after_holidays", "2027-01-02", "2027-01-31", "January 2027"),
    ("in the new year", DEC_30, 1, "new_year", "2027-01-01", "2027-01-31", "January 2027"),
    ("early next year", NOV_20, 1, "part_of_year", "2027-01-01", "2027-03-31", "early 2027"),
    ("late 2027", MAY_14, 1, "part_of_year", "2027-10-01", "2027-12-31", "late 2027"),
    ("next year", DEC_30, 1, "next_year", "2027-01-01", "2027-12-31", "2027"),
    ("in 2028", MAY_14, 1, "year", "2028-01-01", "2028-12-31", "2028"),
    ("later this year", MAY_14, 1, "later_this_year", "2026-06-01", "2026-12-31", "rest of 2026"),
    ("later this year", DEC_30, 1, "later_this_year", "2026-12-31", "2026-12-31", "rest of 2026"),
    ("end of year", MAY_14, 1, "end_of_year", "2026-12-01", "2026-12-31", "December 2026"),
    ("by year-end", DEC_30, 1, "end_of_year", "2026-12-01", "2026-12-31", "December 2026"),
    (
        "once our fiscal year rolls over",
        MAY_14,
        1,
        "fiscal_rollover",
        "2027-01-01",
        "2027-03-31",
        "Q1 2027",
    ),
    (
        "once our fiscal year rolls over",
        MAY_14,
        7,
        "fiscal_rollover",
        "2026-07-01",
        "2026-09-30",
        "FY2027 Q1",
    ),
    (
        "once our fiscal year rolls over",
        SEP_15,
        7,
        "fiscal_rollover",
        "2027-07-01",
        "2027-09-30",
        "FY2028 Q1",
    ),
    ("Q3", NOV_20, 7, "quarter", "2027-01-01", "2027-03-31", "FY2027 Q3"),  # fiscal quarter
    ("Q1", NOV_20, 4, "quarter", "2027-04-01", "2027-06-30", "FY2028 Q1"),
    ("next quarter", NOV_20, 7, "next_quarter", "2027-01-01", "2027-03-31", "FY2027 Q3"),
    ("next fiscal year", MAY_14, 7, "fiscal_year", "2026-07-01", "2027-06-30", "FY2027"),
    ("in FY28", MAY_14, 1, "fiscal_year", "2028-01-01", "2028-12-31", "FY2028"),
    ("FY27 Q2", MAY_14, 7, "quarter", "2026-10-01", "2026-12-31", "FY2027 Q2"),
    ("in a couple of months", NOV_20, 1, "relative", "2027-01-20", "2027-02-19", None),
    ("in a few weeks", NOV_20, 1, "relative", "2026-12-04", "2026-12-24", None),
    ("in 6 weeks", NOV_20, 1, "relative", "2027-01-01", "2027-01-07", None),
    ("in six weeks", NOV_20, 1, "relative", "2027-01-01", "2027-01-07", None),
    ("in 3-4 weeks", NOV_20, 1, "relative", "2026-12-11", "2026-12-24", None),
    ("a week or two from now", NOV_20, 1, "relative", "2026-11-27", "2026-12-10", None),
    ("in 2 months", DEC_30, 1, "relative", "2027-02-28", "2027-03-29", None),  # month ends clamp
    ("within 2 weeks", NOV_20, 1, "within", "2026-11-20", "2026-12-04", "within 2 weeks"),
    ("next month", NOV_20, 1, "next_month", "2026-12-01", "2026-12-31", "December 2026"),
    ("next month", DEC_30, 1, "next_month", "2027-01-01", "2027-01-31", "January 2027"),
    (
        "early next month",
        NOV_20,
        1,
        "next_month",
        "2026-12-01",
        "2026-12-10",
        "early December 2026",
    ),
    ("end of the month", NOV_20, 1, "this_month", "2026-11-21", "2026-11-30", "late November 2026"),
    ("after summer", MAY_14, 1, "after_season", "2026-09-01", "2026-09-30", "September 2026"),
    ("after the summer", SEP_15, 1, "after_season", "2026-09-01", "2026-09-30", "September 2026"),
    (
        "after the summer break",
        NOV_20,
        1,
        "after_season",
        "2027-09-01",
        "2027-09-30",
        "September 2027",
    ),
    ("in the fall", MAY_14, 1, "season", "2026-09-01", "2026-11-30", "autumn 2026"),
    ("next summer", date(2026, 7, 1), 1, "season", "2027-06-01", "2027-08-31", "summer 2027"),
    ("this winter", NOV_20, 1, "season", "2026-12-01", "2027-02-28", "winter 2026"),
    ("after March", NOV_20, 1, "after_month", "2027-04-01", "2027-04-30", "April 2027"),
    ("after March", date(2027, 3, 5), 1, "after_month", "2027-04-01", "2027-04-30", "April 2027"),
    ("after March", date(2027, 4, 10), 1, "after_month", "2027-04-01", "2027-04-30", "April 2027"),
    ("after December", NOV_20, 1, "after_month", "2027-01-01", "2027-01-31", "January 2027"),
    ("mid-January", NOV_20, 1, "month", "2027-01-11", "2027-01-20", "mid January 2027"),
    ("early February", JAN_10, 1, "month", "2027-02-01", "2027-02-10", "early February 2027"),
    ("end of June 2027", MAY_14, 1, "month", "2027-06-21", "2027-06-30", "late June 2027"),
    ("in May", NOV_20, 1, "month", "2027-05-01", "2027-05-31", "May 2027"),
    ("in May", MAY_14, 1, "month", "2026-05-01", "2026-05-31", "May 2026"),
    ("January", DEC_30, 1, "month", "2027-01-01", "2027-01-31", "January 2027"),
    ("sometime in Sept.", MAY_14, 1, "month", "2026-09-01", "2026-09-30", "September 2026"),
    ("before March", NOV_20, 1, "before_month", "2026-11-20", "2027-02-28", "before March 2027"),
    ("next week", NOV_20, 1, "next_week", "2026-11-23", "2026-11-29", None),
    ("next week", DEC_30, 1, "next_week", "2027-01-04", "2027-01-10", None),
    ("the week after next", NOV_20, 1, "week_after_next", "2026-11-30", "2026-12-06", None),
    ("tomorrow", DEC_30, 1, "tomorrow", "2026-12-31", "2026-12-31", None),
    ("by Friday", MAY_14, 1, "weekday", "2026-05-15", "2026-05-15", None),
    ("next Friday", MAY_14, 1, "weekday", "2026-05-22", "2026-05-22", None),
]


@pytest.mark.parametrize(
    ("text", "reference", "fiscal_start", "kind", "start", "end", "label"),
    CASES,
    ids=[f"{c[0]}@{c[1]}/fy{c[2]}" for c in CASES],
)
def test_period_resolution(
    text: str,
    reference: date,
    fiscal_start: int,
    kind: str,
    start: str,
    end: str,
    label: str | None,
) -> None:
    target = resolve_deferral(f"Let's talk {text}.", reference, fiscal_year_start=fiscal_start)
    assert target is not None
    assert (target.kind, target.start.isoformat(), target.end.isoformat()) == (kind, start, end)
    if label is not None:
        assert target.label == label
    assert f"Let's talk {text}."[target.start_char : target.end_char] == target.text


@pytest.mark.parametrize(
    "text",
    [
        "Let's revisit at some point.",
        "We may revisit this.",
        "Numbers fall quickly when deals stall.",
        "Marching orders: may the best vendor win.",
        "We have 6 weeks of data.",
        "Timing isn't right.",
        "",
    ],
)
def test_texts_without_a_resolvable_period(text: str) -> None:
    assert find_periods(text, NOV_20) == []
    assert resolve_deferral(text, NOV_20) is None


def test_a_negated_period_is_skipped() -> None:
    target = resolve_deferral("Not next quarter — this month.", NOV_20)
    assert target is not None
    assert (target.kind, target.label) == ("this_month", "November 2026")


def test_first_period_wins_and_overlaps_keep_the_longest() -> None:
    periods = find_periods(
        "Let's revisit after the holidays, maybe mid-January or in Q1 2027.", NOV_20
    )
    assert [p.text for p in periods] == ["after the holidays", "mid-January", "in Q1 2027"]
    assert (
        resolve_deferral("after the holidays, maybe mid-January", NOV_20).kind == "after_holidays"
    )


def test_reference_may_be_an_aware_datetime() -> None:
    sent = datetime(2026, 12, 31, 23, 30, tzinfo=timezone(timedelta(hours=-5)))
    target = resolve_deferral("next quarter", sent)
    assert target is not None and target.label == "Q1 2027"


def test_resolve_accepts_a_deferral_span() -> None:
    doc = build_pipeline()("Honestly, let's revisit after the summer.")
    (span,) = doc.spans["walkaway"]
    target = resolve_deferral(span, MAY_14)
    assert target is not None and target.label == "September 2026"
    assert target.contains(date(2026, 9, 15)) and not target.contains(date(2026, 10, 1))


def test_invalid_fiscal_year_start_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="fiscal_year_start"):
        resolve_deferral("next quarter", NOV_20, fiscal_year_start=13)


PERIODS = [
    "next quarter", "this quarter", "Q1", "Q2", "Q3", "Q4", "H1", "H2", "next month",
    "after the holidays", "in the new year", "early next year", "end of year", "after summer",
    "in the fall", "once our fiscal year rolls over", "after March", "mid-January", "in May",
    "in a few weeks", "in a couple of months", "in 6 weeks", "later this year", "next week",
]  # fmt: skip


@given(
    text=st.sampled_from(PERIODS),
    reference=st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)),
    fiscal_start=st.integers(min_value=1, max_value=12),
)
def test_every_resolved_period_is_well_formed_and_not_over(
    text: str, reference: date, fiscal_start: int
) -> None:
    target = resolve_deferral(text, reference, fiscal_year_start=fiscal_start)
    assert target is not None
    assert target.start <= target.end
    # A named period is never entirely in the past; "this quarter" may have started.
    assert target.end >= reference
    assert (target.end - target.start).days < 370
