from __future__ import annotations

import pytest

from tests.builders import when
from walkaway.errors import ConfigError
from walkaway.scoring.rules import load_rules, parse_rules, score_prospect
from walkaway.types import Signal

RULES = load_rules()


def sig(code: str, strength: float = 1.0) -> Signal:
    return Signal("acme.com", code, "m1@test", when("2026-09-01"), "evidence", strength)


def test_builtin_rules_cover_the_whole_vocabulary():
    vocabulary = {
        "radio_silence",
        "slowing_replies",
        "unanswered_followups",
        "auto_reply_only",
        "champion_left",
        "vague",
        "price_only",
        "deferral",
        "repeated_deferral",
        "missed_meetings",
        "no_decision_maker",
        "dodged_questions",
        "value_unclear",
        "unrealistic_expectations",
    }
    assert vocabulary <= set(RULES.rules)
    assert all(RULES.rules[c].points > 0 for c in vocabulary)
    assert all(
        RULES.rules[c].points < 0 for c in ("multithreaded", "exec_engaged", "concrete_next_step")
    )


def test_no_signals_means_keep_going():
    score = score_prospect("acme.com", [], RULES)
    assert score.score == 0 and score.recommendation == "keep_going" and score.band == "low"


def test_contributions_add_up_to_the_score_and_are_sorted():
    score = score_prospect(
        "acme.com", [sig("radio_silence"), sig("slowing_replies"), sig("exec_engaged")], RULES
    )
    assert score.score == pytest.approx(sum(r.contribution for r in score.reasons))
    assert [r.code for r in score.reasons] == ["radio_silence", "slowing_replies", "exec_engaged"]


def test_strength_is_capped():
    weak = score_prospect("acme.com", [sig("unanswered_followups", 1.0)], RULES)
    strong = score_prospect("acme.com", [sig("unanswered_followups", 10.0)], RULES)
    assert strong.score == RULES.rules["unanswered_followups"].max_points > weak.score


def test_repeated_deferral_with_silence_is_a_walk_away():
    score = score_prospect("acme.com", [sig("repeated_deferral"), sig("radio_silence")], RULES)
    assert score.recommendation == "walk_away"


def test_decision_maker_out_of_reach_escalates():
    score = score_prospect("acme.com", [sig("no_decision_maker"), sig("vague")], RULES)
    assert score.recommendation == "escalate"


def test_silence_alone_re_engages():
    score = score_prospect("acme.com", [sig("radio_silence"), sig("unanswered_followups")], RULES)
    assert score.recommendation == "re_engage"


def test_score_is_clipped_to_0_100():
    many = [sig(code, 3.0) for code in RULES.rules if RULES.rules[code].points > 0]
    assert score_prospect("acme.com", many, RULES).score == 100
    assert score_prospect("acme.com", [sig("exec_engaged")], RULES).score == 0


def test_rules_file_errors_name_the_entry(tmp_path):
    bad = tmp_path / "rules.toml"
    bad.write_text("[bands]\nlow = 0\n[rules.vague]\nmax_points = 3\n")
    with pytest.raises(ConfigError, match=r"rules\.vague.*points"):
        load_rules(bad)
    with pytest.raises(ConfigError, match="same sign"):
        parse_rules({"bands": {"low": 0}, "rules": {"x": {"points": 5, "max_points": -5}}})
    with pytest.raises(ConfigError, match="not found"):
        load_rules(tmp_path / "missing.toml")
    (tmp_path / "broken.toml").write_text("[bands\n")
    with pytest.raises(ConfigError, match="TOML"):
        load_rules(tmp_path / "broken.toml")
