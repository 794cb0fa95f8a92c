"""Every pattern file fires on its positive examples and stays quiet on its negatives.

The examples live in ``pattern_examples.jsonl`` next to this file: adding a phrase to
``src/walkaway/nlp/patterns`` comes with an example here.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from spacy.language import Language

from walkaway.errors import ConfigError
from walkaway.nlp import normalize_text
from walkaway.nlp.patterns import (
    PATTERNS_DIR,
    CombineRule,
    PatternRule,
    load_rules,
    parse_rule,
    pattern_path,
    read_rules,
)

EXAMPLES = Path(__file__).with_name("pattern_examples.jsonl")
FILE_LABELS = {
    "deferral": ("walkaway", "DEFERRAL"),
    "meeting": ("walkaway", "MISSED_MEETING"),
    "authority": ("walkaway", "NO_AUTHORITY"),
    "value": ("walkaway", "VALUE_UNCLEAR"),
    "expectations": ("walkaway", "UNREALISTIC"),
    "vague": ("walkaway", "VAGUE"),
    "decline": ("walkaway", "DECLINED"),
    "price": ("walkaway_terms", "PRICE"),
    "value_talk": ("walkaway_terms", "VALUE"),
}


def _examples() -> list[dict[str, Any]]:
    with EXAMPLES.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


@pytest.mark.parametrize(
    "example",
    _examples(),
    ids=lambda e: f"{e['file']}-{'pos' if e['expect'] else 'neg'}-{e['text'][:40]}",
)
def test_pattern_file_matches_its_examples(nlp: Language, example: dict[str, Any]) -> None:
    key, label = FILE_LABELS[example["file"]]
    doc = nlp(normalize_text(example["text"]))
    hits = [(span.id_, span.text) for span in doc.spans[key] if span.label_ == label]
    assert bool(hits) is example["expect"], hits


def test_every_pattern_file_has_ten_positive_and_ten_negative_examples() -> None:
    counts = Counter((e["file"], e["expect"]) for e in _examples())
    for name in FILE_LABELS:
        assert counts[(name, True)] >= 10, name
        assert counts[(name, False)] >= 10, name


def test_every_shipped_pattern_file_is_valid_and_covered_by_examples() -> None:
    shipped = {path.stem for path in PATTERNS_DIR.glob("*.jsonl")}
    assert set(FILE_LABELS) | {"questions"} == shipped
    for name in shipped:
        rules = read_rules(pattern_path(name))
        assert rules, name
        assert all(rule.id and rule.label for rule in rules)


def test_combine_rules_refer_to_labels_defined_in_the_same_file() -> None:
    for name in FILE_LABELS:
        rules = load_rules([name])
        labels = {rule.label for rule in rules if isinstance(rule, PatternRule)}
        for rule in rules:
            if isinstance(rule, CombineRule):
                assert set(rule.parts) <= labels, (name, rule)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ({"label": "X", "id": "x"}, "'pattern' must be"),
        ({"label": "", "pattern": "a", "id": "x"}, "'label'"),
        ({"label": "X", "pattern": "a"}, "'id'"),
        ({"label": "X", "pattern": "a", "id": "x", "colour": 1}, "unknown keys"),
        ({"label": "X", "combine": ["A"], "id": "x"}, "exactly two"),
        ({"label": "X", "combine": ["A", "B"], "id": "x", "max_gap": -1}, "max_gap"),
        ({"label": "X", "pattern": "a", "id": "x", "negatable": "no"}, "true or false"),
        (["not", "an", "object"], "JSON object"),
    ],
)
def test_invalid_rules_are_rejected_with_a_clear_message(line: Any, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_rule(line, "test.jsonl line 1")


def test_invalid_json_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.jsonl"
    path.write_text('{"label": "X", "pattern": "a", "id": "x"}\n{not json}\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"broken.jsonl line 2: invalid JSON"):
        read_rules(path)


def test_unknown_pattern_file_lists_the_available_ones() -> None:
    with pytest.raises(ConfigError, match=r"available: .*deferral"):
        pattern_path("no_such_file")
