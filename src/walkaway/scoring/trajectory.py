"""Scores as of each week through a deal's life.

The same features and the same scorer as ``analyze``, evaluated at weekly as-of dates going
back from the final one, each seeing only what was written by then. It shows when a deal
started to go cold, and in backtests how early the walk-away threshold was crossed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import pandas as pd

from walkaway.features import MessageLanguage, Timeline, feature_table, prospect_rows
from walkaway.people import Person
from walkaway.types import ProspectScore, Signal, quick_pickle

Scorer = Callable[[pd.DataFrame, list[Signal]], dict[str, ProspectScore]]
"""Scores every prospect of a feature table from its rows and fired signals."""


@quick_pickle
@dataclass(frozen=True, slots=True)
class TrajectoryPoint:
    as_of: datetime
    score: float
    band: str
    recommendation: str


def weekly_points(
    first: datetime, last: datetime, step_days: int = 7, limit: int = 26
) -> list[datetime]:
    """As-of dates every ``step_days`` back from ``last`` to ``first`` (at most ``limit``)."""
    points = []
    moment = last
    while moment >= first and len(points) < limit:
        points.append(moment)
        moment -= timedelta(days=step_days)
    return sorted(points)


def trajectories(
    timelines: Mapping[str, Timeline],
    people: Mapping[str, Person],
    language: MessageLanguage | None,
    as_of: datetime,
    scorer: Scorer,
    *,
    step_days: int = 7,
    limit: int = 13,
) -> dict[str, list[TrajectoryPoint]]:
    """Per prospect, its score at each weekly as-of date since its first contact (the last
    ``limit`` weeks: a quarter by default, which is what a rep looks back on)."""
    firsts = [timeline.events[0].date for timeline in timelines.values() if timeline.events]
    if not firsts:
        return {}
    points = weekly_points(min(firsts), as_of, step_days, limit)
    return chunk_trajectories(timelines, people, language, points, scorer)


def chunk_trajectories(
    timelines: Mapping[str, Timeline],
    people: Mapping[str, Person],
    language: MessageLanguage | None,
    points: Sequence[datetime],
    scorer: Scorer,
) -> dict[str, list[TrajectoryPoint]]:
    """The trajectories of some prospects at given as-of ``points``.

    Each prospect's points depend only on its own timeline (the scorers score prospects one
    by one), so the prospects can be cut into chunks and scored in parallel; the engine
    keeps the chunks the same whatever the number of workers.
    """
    firsts = {
        prospect: timeline.events[0].date
        for prospect, timeline in timelines.items()
        if timeline.events
    }
    result: dict[str, list[TrajectoryPoint]] = {prospect: [] for prospect in timelines}
    for moment in points:
        active = {p: t for p, t in timelines.items() if p in firsts and firsts[p] <= moment}
        if not active:
            continue
        rows, signals = prospect_rows(active, people, moment, language=language)
        if not rows:
            continue
        for prospect, score in scorer(_table(rows, scorer), signals).items():
            result[prospect].append(
                TrajectoryPoint(moment, score.score, score.band, score.recommendation)
            )
    return result


def _table(rows: Sequence[Mapping[str, object]], scorer: Scorer) -> pd.DataFrame:
    """What ``scorer`` needs of the feature table: all of it, or (a scorer that says it reads
    no features, like the rule prior) only the prospects; building the whole table at every
    point would be most of a rule-scored trajectory's cost."""
    if getattr(scorer, "reads_features", True):
        return feature_table(rows)
    return pd.DataFrame({"prospect": [row["prospect"] for row in rows]})
