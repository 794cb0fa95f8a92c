"""The rule component: fast token matching, negation, combine rules, and its errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import spacy
from spacy.language import Language
from spacy.matcher import Matcher

from walkaway.errors import ConfigError, ModelError
from walkaway.nlp.patterns import PatternRule, load_rules
from walkaway.nlp.rules import TriggeredMatcher, compile_token_pattern

EXAMPLES = Path(__file__).with_name("pattern_examples.jsonl")
SIGNAL_FILES = ["deferral", "meeting", "authority", "value", "expectations", "vague", "questions"]


def test_compile_token_pattern_expands_a_leading_set_and_optional_tokens() -> None:
    pattern = [{"LOWER": {"IN": ["can", "could"]}}, {"LOWER": "we"}]
    assert compile_token_pattern(pattern) == [
        [{"LOWER": "can"}, {"LOWER": "we"}],
        [{"LOWER": "could"}, {"LOWER": "we"}],
    ]
    optional = [{"LOWER": "the", "OP": "?"}, {"LOWER": "board"}]
    assert compile_token_pattern(optional) == [
        [{"LOWER": "board"}],
        [{"LOWER": "the"}, {"LOWER": "board"}],
    ]
    shaped = [{"SHAPE": {"IN": ["dddd"]}, "LOWER": {"REGEX": "^20"}}]
    assert compile_token_pattern(shaped) == [[{"SHAPE": "dddd", "LOWER": {"REGEX": "^20"}}]]
    # Later tokens keep their sets: their predicates only run where a match started.
    tail = [{"LOWER": "a"}, {"LOWER": {"IN": ["b", "c"]}}]
    assert compile_token_pattern(tail) == [tail]


def _token_rules() -> list[PatternRule]:
    return [
        rule
        for rule in load_rules(SIGNAL_FILES)
        if isinstance(rule, PatternRule) and not rule.is_phrase
    ]


def _texts() -> list[str]:
    with EXAMPLES.open(encoding="utf-8") as handle:
        examples = [json.loads(line)["text"] for line in handle if line.strip()]
    crowded = "I can't make it today. " * 60 + "Requires approval. " * 40 + "In 2027 " * 30
    return [" ".join(examples), crowded, ""]


def test_triggered_matcher_finds_exactly_what_spacy_matcher_finds() -> None:
    nlp = spacy.blank("en")
    reference = Matcher(nlp.vocab)
    triggered = TriggeredMatcher(nlp.vocab, validate=True)
    for number, rule in enumerate(_token_rules()):
        key = f"{rule.label}-{rule.id}-{number}"
        reference.add(key, [[dict(token) for token in rule.pattern]])
        triggered.add(key, compile_token_pattern(rule.pattern))
    assert len(triggered) >= len(_token_rules())
    for text in _texts():
        doc = nlp.make_doc(text)
        expected = set(reference(doc)) if len(doc) else set()
        assert set(triggered(doc)) == expected


def _matcher_with(nlp: Language, patterns: list[dict[str, Any]]) -> Any:
    rules = nlp.add_pipe(
        "walkaway_rules", name=f"rules_{len(nlp.pipe_names)}", config={"spans_key": "test"}
    )
    rules.initialize(patterns=patterns)
    return rules


@pytest.fixture
def blank() -> Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("email_sentencizer")
    return nlp


def test_negation_cancels_a_match_only_close_before_it_in_the_same_sentence(
    blank: Language,
) -> None:
    _matcher_with(blank, [{"label": "M", "pattern": "need to reschedule", "id": "r"}])
    found = {
        text: [span.text for span in doc.spans["test"]]
        for text, doc in (
            (text, blank(text))
            for text in (
                "No need to reschedule.",
                "We do not really need to reschedule.",
                "No. We need to reschedule.",
                "No, but we need to reschedule.",
                "It is not that we need to reschedule.",
            )
        )
    }
    assert found == {
        "No need to reschedule.": [],
        "We do not really need to reschedule.": [],
        "No. We need to reschedule.": ["need to reschedule"],
        "No, but we need to reschedule.": ["need to reschedule"],
        "It is not that we need to reschedule.": [],
    }


def test_negatable_false_keeps_the_match(blank: Language) -> None:
    _matcher_with(blank, [{"label": "M", "pattern": "until march", "id": "u", "negatable": False}])
    doc = blank("Not until March.")
    assert [s.text for s in doc.spans["test"]] == ["until March"]


def test_combine_rule_needs_both_parts_in_one_sentence_in_order_and_within_the_gap(
    blank: Language,
) -> None:
    _matcher_with(
        blank,
        [
            {"label": "CUE", "pattern": "revisit", "id": "revisit"},
            {"label": "PERIOD", "pattern": "next quarter", "id": "nq"},
            {
                "label": "DEFERRAL",
                "combine": ["CUE", "PERIOD"],
                "id": "c",
                "max_gap": 2,
                "ordered": True,
            },
        ],
    )
    results = {
        text: [(s.label_, s.id_, s.text) for s in doc.spans["test"]]
        for text, doc in (
            (text, blank(text))
            for text in (
                "Let's revisit next quarter.",
                "Let's revisit this whole thing next quarter.",
                "Next quarter we revisit.",
                "Let's revisit. Next quarter is busy.",
            )
        )
    }
    assert results == {
        "Let's revisit next quarter.": [("DEFERRAL", "c:revisit+nq", "revisit next quarter")],
        "Let's revisit this whole thing next quarter.": [],
        "Next quarter we revisit.": [],
        "Let's revisit. Next quarter is busy.": [],
    }
    doc = blank("Let's revisit next quarter.")
    parts = doc.spans["test_parts"]
    assert [(s.label_, s.text) for s in parts] == [("CUE", "revisit"), ("PERIOD", "next quarter")]


def test_overlapping_matches_of_one_label_keep_the_longest(blank: Language) -> None:
    _matcher_with(
        blank,
        [
            {"label": "M", "pattern": "on hold", "id": "short"},
            {"label": "M", "pattern": "put this on hold for now", "id": "long"},
            {"label": "V", "pattern": "for now", "id": "other_label"},
        ],
    )
    doc = blank("Let's put this on hold for now.")
    spans = doc.spans["test"]
    assert [(s.label_, s.id_) for s in spans] == [("M", "long"), ("V", "other_label")]


def test_contractions_curly_apostrophes_and_capitals_match_the_same_phrase(nlp: Language) -> None:
    texts = ["I don't see the value", "I don’t see the value", "I dont see the value"]
    texts += ["I do not see the value", "I DON'T SEE THE VALUE", "I DON’T SEE THE VALUE"]
    for text in texts:
        doc = nlp(text)
        assert [s.label_ for s in doc.spans["walkaway"]] == ["VALUE_UNCLEAR"], text


def test_a_component_without_patterns_explains_what_to_do() -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("email_sentencizer")
    nlp.add_pipe("walkaway_rules")
    with pytest.raises(ModelError, match=r"nlp\.initialize\(\)"):
        nlp("Let's revisit next quarter.")


def test_an_invalid_token_pattern_is_a_config_error() -> None:
    nlp = spacy.blank("en")
    rules = nlp.add_pipe("walkaway_rules")
    with pytest.raises(ConfigError, match="invalid token pattern X/bad"):
        rules.initialize(patterns=[{"label": "X", "pattern": [{"COLOUR": "red"}], "id": "bad"}])


def test_labels_leave_out_the_parts_of_combine_rules(nlp: Language) -> None:
    assert nlp.get_pipe("walkaway_rules").labels == (
        "DECLINED",
        "DEFERRAL",
        "MISSED_MEETING",
        "NO_AUTHORITY",
        "UNREALISTIC",
        "VAGUE",
        "VALUE_UNCLEAR",
    )
    assert nlp.get_pipe("walkaway_terms").labels == ("PRICE", "VALUE")
