"""The rule prior: fired signals -> score 0-100, band, recommendation and reasons.

The weights live in a TOML file (``walkaway/data/rules.toml``, or the user's own copy) so a
sales team can change them without code. The score is the clipped sum of contributions, which
keeps every point of it explainable: each reason says how many points it added.
"""

from __future__ import annotations

import difflib
import tomllib
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
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
    except UnicodeDecodeError as error:
        line = source.read_bytes()[: error.start].count(b"\n") + 1
        raise ConfigError(
            f"{source}: line {line}: not UTF-8 text (byte 0x{error.object[error.start]:02x}); "
            "save the rules file as UTF-8"
        ) from error
    except OSError as error:
        raise ConfigError(f"{source}: cannot read the rules file ({error})") from error
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{source}: not valid TOML: {error}") from error
    return parse_rules(data, source=str(source) if path is not None else "builtin")


# What a rules file may contain; anything else is a typo that would silently do nothing.
_RULE_KEYS = ("points", "max_points", "kind", "description")
_RULE_KINDS = ("timing", "language", "positive")
_SCORE_KEYS = ("walk_away_score", "hard_stop_score", "escalate_min_score", "re_engage_min_score")
_CODE_LIST_KEYS = ("hard_stops", "escalate_codes", "re_engage_codes")
_TABLES = ("bands", "recommendation", "rules")
_WEIGHT_RANGE = (-100.0, 100.0)  # one signal can move the 0-100 score at most all the way
_SCORE_RANGE = (0.0, 100.0)


@lru_cache(maxsize=1)
def known_codes() -> frozenset[str]:
    """Every reason code walkaway fires: the entries of the built-in rules file."""
    data = tomllib.loads(default_rules_path().read_text("utf-8"))
    return frozenset(data["rules"])


def _table(value: object, where: str, source: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ConfigError(f"{source}: {where} must be a table, not {_shown(value)}")
    return value


def _shown(value: object) -> str:
    return f"{value!r} ({type(value).__name__})"


def _number(value: object, where: str, source: str, bounds: tuple[float, float]) -> float:
    low, high = bounds
    # bool is an int subclass; ``points = true`` is a typo, not the number 1.
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError(
            f"{source}: {where} = {_shown(value)}: expected a number from {low:g} to {high:g}"
        )
    if not low <= value <= high:  # also false for nan
        raise ConfigError(
            f"{source}: {where} = {value!r} is out of range: expected a number from "
            f"{low:g} to {high:g}"
        )
    return float(value)


def _check_keys(entry: Mapping[str, Any], allowed: Sequence[str], where: str, source: str) -> None:
    unknown = sorted(set(entry) - set(allowed))
    if unknown:
        raise ConfigError(
            f"{source}: {where}: unknown key {unknown[0]!r} (expected {', '.join(allowed)})"
        )


def _unknown_code(code: str, where: str, source: str) -> ConfigError:
    close = difflib.get_close_matches(code, sorted(known_codes()), n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    return ConfigError(
        f"{source}: {where}: unknown reason code {code!r} ({hint}expected one of "
        f"{', '.join(sorted(known_codes()))})"
    )


def parse_rules(data: Mapping[str, Any], source: str = "builtin") -> RuleSet:
    """Validate parsed TOML into a :class:`RuleSet`; errors name the table, the key, the value
    and what was expected."""
    for table in data:
        if table not in _TABLES:
            raise ConfigError(
                f"{source}: unknown table [{table}] (expected [bands], [recommendation] "
                "and [rules.CODE])"
            )
    rules: dict[str, Rule] = {}
    for code, entry in _table(data.get("rules", {}), "[rules]", source).items():
        where = f"[rules.{code}]"
        if not isinstance(entry, Mapping):
            raise ConfigError(f"{source}: {where} must be a table, not {_shown(entry)}")
        _check_keys(entry, _RULE_KEYS, where, source)
        if "points" not in entry:
            raise ConfigError(f"{source}: {where} needs a number for 'points'")
        points = _number(entry["points"], f"{where} points", source, _WEIGHT_RANGE)
        max_points = _number(
            entry.get("max_points", points), f"{where} max_points", source, _WEIGHT_RANGE
        )
        if (points >= 0) != (max_points >= 0):
            raise ConfigError(f"{source}: {where} points and max_points must have the same sign")
        kind = entry.get("kind", "language")
        if kind not in _RULE_KINDS:
            raise ConfigError(
                f"{source}: {where} kind = {_shown(kind)}: expected one of {', '.join(_RULE_KINDS)}"
            )
        description = entry.get("description", "")
        if not isinstance(description, str):
            raise ConfigError(
                f"{source}: {where} description = {_shown(description)}: expected text"
            )
        rules[code] = Rule(code, points, max_points, kind, description)
    for code in rules:
        if code not in known_codes():
            raise _unknown_code(code, f"[rules.{code}]", source)
    raw_bands = _table(data.get("bands", {}), "[bands]", source)
    if not raw_bands:
        raise ConfigError(f"{source}: [bands] is missing")
    bands = tuple(
        sorted(
            (
                (name, _number(v, f"[bands] {name}", source, _SCORE_RANGE))
                for name, v in raw_bands.items()
            ),
            key=lambda b: -b[1],
        )
    )
    rec = _table(data.get("recommendation", {}), "[recommendation]", source)
    _check_keys(rec, (*_SCORE_KEYS, *_CODE_LIST_KEYS), "[recommendation]", source)

    def score(key: str, default: float) -> float:
        return _number(rec.get(key, default), f"[recommendation] {key}", source, _SCORE_RANGE)

    def codes(key: str) -> frozenset[str]:
        value = rec.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(
                f"{source}: [recommendation] {key} = {_shown(value)}: expected a list of "
                'reason codes, e.g. ["radio_silence"]'
            )
        for code in value:
            if code not in known_codes():
                raise _unknown_code(code, f"[recommendation] {key}", source)
        return frozenset(value)

    return RuleSet(
        rules=rules,
        bands=bands,
        walk_away_score=score("walk_away_score", 75),
        hard_stop_score=score("hard_stop_score", 50),
        hard_stops=codes("hard_stops"),
        escalate_codes=codes("escalate_codes"),
        escalate_min_score=score("escalate_min_score", 30),
        re_engage_codes=codes("re_engage_codes"),
        re_engage_min_score=score("re_engage_min_score", 30),
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


class RuleScorer:
    """A scorer (feature table, signals) -> scores that applies the rule prior.

    It reads nothing of the table but its ``prospect`` column (``reads_features``), so a
    caller scoring many tables, such as a trajectory, can skip building the features.
    """

    reads_features = False

    def __init__(self, rules: RuleSet) -> None:
        self.rules = rules

    def __call__(self, table: Any, signals: Iterable[Signal]) -> dict[str, ProspectScore]:
        by_prospect: dict[str, list[Signal]] = defaultdict(list)
        for signal in signals:
            by_prospect[signal.prospect].append(signal)
        return {
            prospect: score_prospect(prospect, by_prospect.get(prospect, []), self.rules)
            for prospect in table["prospect"]
        }


def rule_scorer(rules: RuleSet) -> RuleScorer:
    """A scorer (feature table, signals) -> scores that applies the rule prior."""
    return RuleScorer(rules)
