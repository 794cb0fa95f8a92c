"""The rule prior: fired signals -> score 0-100, band, recommendation and reasons.

The weights live in a TOML file (``walkaway/data/rules.toml``, or the user's own copy) so a
sales team can change them without code. The score is the clipped sum of contributions, which
keeps every point of it explainable: each reason says how many points it added.
"""

from __future__ import annotations

import tomllib
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from walkaway.errors import ConfigError
from walkaway.types import ProspectScore, Reason, Recommendation, Signal


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    points: float
    max_points: float
    kind: str = "language"
    description: str = ""

    def contribution(self, strength: float) -> float:
        value = self.points * max(strength, 0.0)
        if self.points >= 0:
            return min(value, self.max_points)
        return max(value, self.max_points)


@dataclass(frozen=True, slots=True)
class RuleSet:
    """A parsed rules file."""

    rules: Mapping[str, Rule]
    bands: tuple[tuple[str, float], ...]
    walk_away_score: float = 75.0
    hard_stop_score: float = 50.0
    hard_stops: frozenset[str] = frozenset()
    escalate_codes: frozenset[str] = frozenset()
    escalate_min_score: float = 30.0
    re_engage_codes: frozenset[str] = frozenset()
    re_engage_min_score: float = 30.0
    source: str = field(default="builtin")

    def band(self, score: float) -> str:
        for name, lower in self.bands:
            if score >= lower:
                return name
        return self.bands[-1][0]


def default_rules_path() -> Path:
    return Path(str(resources.files("walkaway").joinpath("data/rules.toml")))


def load_rules(path: str | Path | None = None) -> RuleSet:
    """Read and validate a rules file; errors name the entry and what was expected."""
    source = Path(path) if path is not None else default_rules_path()
    try:
        data = tomllib.loads(source.read_text("utf-8"))
    except FileNotFoundError as error:
        raise ConfigError(f"rules file not found: {source}") from error
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{source}: not valid TOML: {error}") from error
    return parse_rules(data, source=str(source) if path is not None else "builtin")


def parse_rules(data: Mapping[str, Any], source: str = "builtin") -> RuleSet:
    rules: dict[str, Rule] = {}
    for code, entry in dict(data.get("rules", {})).items():
        if not isinstance(entry, Mapping):
            raise ConfigError(f"{source}: [rules.{code}] must be a table")
        try:
            points = float(entry["points"])
            max_points = float(entry.get("max_points", points))
        except KeyError as error:
            raise ConfigError(f"{source}: [rules.{code}] needs a number for {error}") from error
        except (TypeError, ValueError) as error:
            raise ConfigError(f"{source}: [rules.{code}] points must be numbers") from error
        if (points >= 0) != (max_points >= 0):
            raise ConfigError(
                f"{source}: [rules.{code}] points and max_points must have the same sign"
            )
        rules[code] = Rule(
            code=code,
            points=points,
            max_points=max_points,
            kind=str(entry.get("kind", "language")),
            description=str(entry.get("description", "")),
        )
    raw_bands = dict(data.get("bands", {}))
    if not raw_bands:
        raise ConfigError(f"{source}: [bands] is missing")
    try:
        bands = tuple(sorted(((k, float(v)) for k, v in raw_bands.items()), key=lambda b: -b[1]))
    except (TypeError, ValueError) as error:
        raise ConfigError(f"{source}: [bands] values must be numbers") from error
    rec = dict(data.get("recommendation", {}))

    def codes(key: str) -> frozenset[str]:
        value = rec.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{source}: [recommendation] {key} must be a list of reason codes")
        return frozenset(value)

    return RuleSet(
        rules=rules,
        bands=bands,
        walk_away_score=float(rec.get("walk_away_score", 75)),
        hard_stop_score=float(rec.get("hard_stop_score", 50)),
        hard_stops=codes("hard_stops"),
        escalate_codes=codes("escalate_codes"),
        escalate_min_score=float(rec.get("escalate_min_score", 30)),
        re_engage_codes=codes("re_engage_codes"),
        re_engage_min_score=float(rec.get("re_engage_min_score", 30)),
        source=source,
    )


def score_prospect(prospect: str, signals: Iterable[Signal], rules: RuleSet) -> ProspectScore:
    """Score one prospect from its fired signals (any order; several per code allowed).

    Several firings of one code add their strengths before the cap, so the third missed
    meeting weighs more than the second, up to ``max_points``.
    """
    strengths: dict[str, float] = defaultdict(float)
    for signal in signals:
        if signal.signal in rules.rules:
            strengths[signal.signal] += signal.strength
    reasons = [
        Reason(
            code=code,
            contribution=round(rules.rules[code].contribution(s), 1),
            detail=rules.rules[code].description,
        )
        for code, s in strengths.items()
    ]
    reasons = [r for r in reasons if r.contribution != 0]
    reasons.sort(key=lambda r: (-abs(r.contribution), r.code))
    total = sum(r.contribution for r in reasons)
    score = round(min(100.0, max(0.0, total)), 1)
    return ProspectScore(
        prospect=prospect,
        score=score,
        band=rules.band(score),
        recommendation=recommend(score, reasons, rules),
        reasons=tuple(reasons),
    )


def recommend(score: float, reasons: Iterable[Reason], rules: RuleSet) -> Recommendation:
    """Walk away, escalate, re-engage or keep going, from the score and what drives it."""
    negative = [r for r in reasons if r.contribution > 0]
    codes = {r.code for r in negative}
    if score >= rules.walk_away_score or (
        score >= rules.hard_stop_score and codes & rules.hard_stops
    ):
        return "walk_away"
    if score >= rules.escalate_min_score and negative and negative[0].code in rules.escalate_codes:
        return "escalate"
    if score >= rules.re_engage_min_score and negative:
        top = negative[0].code
        if top in rules.re_engage_codes:
            return "re_engage"
        if codes & rules.escalate_codes:
            return "escalate"
        return "re_engage"
    return "keep_going"


def rule_scorer(rules: RuleSet):  # type: ignore[no-untyped-def]
    """A scorer (feature table, signals) -> scores that applies the rule prior."""

    def score(table, signals):  # type: ignore[no-untyped-def]
        by_prospect: dict[str, list[Signal]] = defaultdict(list)
        for signal in signals:
            by_prospect[signal.prospect].append(signal)
        return {
            prospect: score_prospect(prospect, by_prospect.get(prospect, []), rules)
            for prospect in table["prospect"]
        }

    return score
