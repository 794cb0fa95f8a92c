"""Reading and checking rule data: the ``patterns/*.jsonl`` files shipped with the package.

Each line of a pattern file is one JSON object of one of two shapes:

``{"label": "MISSED_MEETING", "pattern": "sorry I missed", "id": "sorry_missed"}``
    A phrase (matched token by token on the ``NORM`` attribute, so "don't", "dont" and
    "don’t" are the same words) or a list of spaCy ``Matcher`` token dicts.
    ``"negatable": false`` turns off the negation check for this pattern.
    ``"weak": true`` marks a low-precision cue that only counts when nothing stronger fired
    (used by the question topics).

``{"label": "DEFERRAL", "combine": ["DEFER_CUE", "PERIOD"], "id": "cue_with_period"}``
    A rule that fires when both part labels match inside one sentence, at most ``max_gap``
    tokens apart (optional), in the given order when ``"ordered": true``. Labels used as
    parts are auxiliary: their matches are kept apart from the signal spans.

Adding a phrase is a data change: add a line here and an example to the tests.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from walkaway.errors import ConfigError

PATTERNS_DIR = Path(__file__).resolve().parent / "patterns"

_PATTERN_KEYS = frozenset({"label", "pattern", "id", "negatable", "weak"})
_COMBINE_KEYS = frozenset({"label", "combine", "id", "max_gap", "ordered"})

TokenPattern = list[dict[str, Any]]


@dataclass(frozen=True, slots=True)
class PatternRule:
    """One matching rule: a phrase (``str``) or a list of token dicts, with its label and id."""

    label: str
    pattern: str | tuple[Mapping[str, Any], ...]
    id: str
    negatable: bool = True
    weak: bool = False

    @property
    def is_phrase(self) -> bool:
        return isinstance(self.pattern, str)

    def to_json(self) -> dict[str, Any]:
        """The JSON object this rule was read from (defaults left out)."""
        data: dict[str, Any] = {
            "label": self.label,
            "pattern": (
                self.pattern if isinstance(self.pattern, str) else [dict(t) for t in self.pattern]
            ),
            "id": self.id,
        }
        if not self.negatable:
            data["negatable"] = False
        if self.weak:
            data["weak"] = True
        return data


@dataclass(frozen=True, slots=True)
class CombineRule:
    """A rule that fires when two part labels both match inside one sentence."""

    label: str
    parts: tuple[str, str]
    id: str
    max_gap: int | None = None
    ordered: bool = False

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"label": self.label, "combine": list(self.parts), "id": self.id}
        if self.max_gap is not None:
            data["max_gap"] = self.max_gap
        if self.ordered:
            data["ordered"] = True
        return data


Rule = PatternRule | CombineRule


def pattern_path(name: str) -> Path:
    """Path of a pattern file shipped with the package, by stem (``"deferral"``)."""
    path = PATTERNS_DIR / f"{name}.jsonl"
    if not path.is_file():
        available = ", ".join(sorted(p.stem for p in PATTERNS_DIR.glob("*.jsonl")))
        raise ConfigError(f"no pattern file named {name!r}; available: {available}")
    return path


def parse_rule(data: Any, where: str) -> Rule:
    """Check one decoded JSON line and turn it into a rule; ``where`` names it in errors."""
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: expected a JSON object, got {type(data).__name__}")
    label = data.get("label")
    rule_id = data.get("id")
    if not isinstance(label, str) or not label:
        raise ConfigError(f"{where}: 'label' must be a non-empty string")
    if not isinstance(rule_id, str) or not rule_id:
        raise ConfigError(f"{where}: 'id' must be a non-empty string")
    if "combine" in data:
        unknown = set(data) - _COMBINE_KEYS
        parts = data["combine"]
        if unknown:
            raise ConfigError(f"{where}: unknown keys {sorted(unknown)} in a combine rule")
        if (
            not isinstance(parts, list)
            or len(parts) != 2
            or not all(isinstance(p, str) and p for p in parts)
        ):
            raise ConfigError(f"{where}: 'combine' must list exactly two part labels")
        max_gap = data.get("max_gap")
        ordered = data.get("ordered", False)
        if max_gap is not None and (not isinstance(max_gap, int) or max_gap < 0):
            raise ConfigError(f"{where}: 'max_gap' must be a whole number of tokens")
        if not isinstance(ordered, bool):
            raise ConfigError(f"{where}: 'ordered' must be true or false")
        return CombineRule(label, (parts[0], parts[1]), rule_id, max_gap, ordered)
    negatable = data.get("negatable", True)
    weak = data.get("weak", False)
    if not isinstance(negatable, bool) or not isinstance(weak, bool):
        raise ConfigError(f"{where}: 'negatable' and 'weak' must be true or false")
    unknown = set(data) - _PATTERN_KEYS
    if unknown:
        raise ConfigError(f"{where}: unknown keys {sorted(unknown)}")
    pattern = data.get("pattern")
    if isinstance(pattern, str):
        if not pattern.strip():
            raise ConfigError(f"{where}: empty phrase pattern")
        return PatternRule(label, pattern, rule_id, negatable, weak)
    if isinstance(pattern, list) and pattern and all(isinstance(t, dict) for t in pattern):
        return PatternRule(label, tuple(pattern), rule_id, negatable, weak)
    raise ConfigError(f"{where}: 'pattern' must be a phrase or a non-empty list of token dicts")


def read_rules(path: Path) -> list[Rule]:
    """Read a ``.jsonl`` pattern file; blank lines are skipped, errors name file and line."""
    rules: list[Rule] = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            where = f"{path.name} line {number}"
            try:
                data = json.loads(line)
            except json.JSONDecodeError as error:
                raise ConfigError(f"{where}: invalid JSON ({error.msg})") from error
            rules.append(parse_rule(data, where))
    return rules


def load_rules(names: Sequence[str]) -> list[Rule]:
    """Rules of the package's pattern files, by stem, in order."""
    rules: list[Rule] = []
    for name in names:
        rules.extend(read_rules(pattern_path(name)))
    return rules


def rules_from_json(items: Iterable[Mapping[str, Any] | Rule]) -> list[Rule]:
    """Rules from already decoded JSON objects (or rules, passed through unchanged)."""
    rules: list[Rule] = []
    for number, item in enumerate(items, start=1):
        if isinstance(item, PatternRule | CombineRule):
            rules.append(item)
        else:
            rules.append(parse_rule(dict(item), f"pattern {number}"))
    return rules


def write_rules(path: Path, rules: Iterable[Rule]) -> None:
    """Write rules as JSON lines (the inverse of :func:`read_rules`)."""
    with path.open("w", encoding="utf-8") as handle:
        for rule in rules:
            handle.write(json.dumps(rule.to_json(), ensure_ascii=False) + "\n")
