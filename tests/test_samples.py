"""The bundled sample export, end to end, against the expectations written with it.

``tests/data/sample_expectations.json`` is produced by ``scripts/build_samples.py`` from the
same conversations it renders: counts are computed, verdicts are what a sales manager reading
the threads would say.
"""

from __future__ import annotations

import json

import pytest

import walkaway
from tests.conftest import PROJECT_ROOT, SAMPLES

EXPECTATIONS = json.loads((PROJECT_ROOT / "tests/data/sample_expectations.json").read_text())
PROSPECTS = EXPECTATIONS["prospects"]

IMPLEMENTED = {
    "radio_silence", "slowing_replies", "unanswered_followups", "auto_reply_only",
    "champion_left", "multithreaded", "exec_engaged", "vague", "price_only", "deferral",
    "repeated_deferral", "missed_meetings", "no_decision_maker", "dodged_questions",
    "value_unclear", "unrealistic_expectations", "concrete_next_step",
}  # fmt: skip


@pytest.fixture(scope="module")
def result() -> walkaway.AnalysisResult:
    return walkaway.analyze([SAMPLES])


def test_samples_accounting(result):
    summary = result.summary
    assert summary["inputs"] == EXPECTATIONS["inputs"]
    assert summary["parsed"] == EXPECTATIONS["total_messages"]
    assert summary["duplicates"] == EXPECTATIONS["duplicates"]
    assert summary["quarantined"] == 0
    assert summary["threads"] == EXPECTATIONS["threads"]
    assert summary["auto_replies"] == EXPECTATIONS["auto_replies"]
    assert summary["bounces"] == EXPECTATIONS["bounces"]


def test_samples_own_side_is_inferred(result):
    assert result.own.domains == {EXPECTATIONS["our_domain"]}
    assert result.as_of.isoformat().replace("+00:00", "Z") == EXPECTATIONS["as_of"]


def test_samples_every_prospect_and_nobody_else(result):
    assert set(result.prospects["prospect"]) == set(PROSPECTS)
    assert not set(EXPECTATIONS["not_prospects"]) & set(result.prospects["prospect"])


@pytest.mark.parametrize("prospect", sorted(PROSPECTS))
def test_samples_message_and_thread_counts(result, prospect):
    row = result.prospects.set_index("prospect").loc[prospect]
    assert row["n_messages"] == PROSPECTS[prospect]["n_messages"]
    assert row["n_threads"] == PROSPECTS[prospect]["n_threads"]


@pytest.mark.parametrize("prospect", sorted(PROSPECTS))
def test_samples_signals_fire_where_a_manager_would_see_them(result, prospect):
    expected = PROSPECTS[prospect]
    fired = set(result.signals.loc[result.signals["prospect"] == prospect, "signal"])
    wanted = {*expected["expected_signals"], *expected.get("expected_positive_signals", ())}
    assert (wanted & IMPLEMENTED) <= fired
    assert not (set(expected["absent_signals"]) & IMPLEMENTED & fired)


def test_samples_every_signal_points_to_a_message_of_its_prospect(result):
    messages = result.messages.set_index("id")
    for row in result.signals.itertuples():
        assert row.message_id in messages.index
        assert row.evidence


@pytest.mark.parametrize("prospect", sorted(PROSPECTS))
def test_samples_recommendations_match_the_rules_of_thumb(result, prospect):
    row = result.prospects.set_index("prospect").loc[prospect]
    acceptable = PROSPECTS[prospect].get(
        "acceptable_recommendations", [PROSPECTS[prospect]["expected_recommendation"]]
    )
    assert row["recommendation"] in acceptable, (row["score"], row["reasons"])


def test_samples_healthy_deals_rank_below_dying_ones(result):
    ranked = list(result.prospects["prospect"])
    healthy = [p for p, e in PROSPECTS.items() if e["expected_recommendation"] == "keep_going"]
    dying = [p for p, e in PROSPECTS.items() if e["expected_recommendation"] == "walk_away"]
    assert max(ranked.index(p) for p in dying) < min(ranked.index(p) for p in healthy)
