"""The suggested next message, the CRM note and the post-mortem, on the sample export.

The sample's verdicts are those of ``tests/data/sample_expectations.json``; these tests check
that each message is written from that prospect's own evidence: its dates, periods, quotes,
people and the as-of date, not a fixed text.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from walkaway.report.advice import WALK_AWAY_QUESTION, clean_subject
from walkaway.report.data import load_output
from walkaway.report.facts import build_facts


@pytest.fixture(scope="module")
def pages(sample_output: Path) -> dict[str, dict]:
    return {p["prospect"]: p for p in build_facts(load_output(sample_output)).prospects}


def by_recommendation(pages: dict[str, dict], recommendation: str) -> list[dict]:
    return [p for p in pages.values() if p["recommendation"] == recommendation]


def test_every_recommendation_of_the_sample_gets_its_kind_of_message(pages):
    for page in pages.values():
        message = page["next_message"]
        assert message["kind"] == page["recommendation"]
        assert message["to"], page["prospect"]
        assert message["subject"] and not re.search(r"\{|\}|\bNone\b|\bnan\b", message["body"])
        assert message["body"].startswith(("Hi ", "Dear ", "Hello"))
        assert message["body"].rstrip().endswith("Dana"), "signed by the rep of the export"


def test_walk_away_messages_ask_the_question_leave_the_door_open_and_differ(pages):
    walk_aways = by_recommendation(pages, "walk_away")
    assert len(walk_aways) >= 4
    bodies = [p["next_message"]["body"] for p in walk_aways]
    assert len(set(bodies)) == len(bodies), "no two prospects get the same text"
    for page in walk_aways:
        body = page["next_message"]["body"]
        codes = {r["code"] for r in page["reasons"]}
        if "declined" in codes:
            # They already said no: thank them and close, no question to answer.
            assert WALK_AWAY_QUESTION not in body
            assert "close this out" in body and "pick it back up" in body
        else:
            assert WALK_AWAY_QUESTION in body
            assert "pick" in body and "close this out" in body
            assert re.search(r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d", body), (
                "names the pattern with its dates"
            )
        assert page["next_message"]["grounds"], "says which evidence it was written from"


def test_walk_away_names_the_deferrals_with_their_dates_and_periods(pages):
    corvane = pages["corvane.com"]
    body = corvane["next_message"]["body"]
    assert "Hi Greg," in body  # the greeting the rep used with him
    assert "since your note on Oct 12" in body  # his last reply
    assert "most recently to January 2027" in body  # the period he deferred to
    assert re.search(r"the start has moved \d times", body)
    assert "after January 2027" in body  # the open door is dated too


def test_walk_away_after_missed_meetings_counts_them(pages):
    marlowe = pages["marlowehealth.com"]
    body = marlowe["next_message"]["body"]
    missed = {e["message_id"] for r in marlowe["reasons"] if r["code"] == "missed_meetings"
              for e in r["evidence"]}  # fmt: skip
    assert f"cancelled or moved {len(missed)} times since Sep 15" in body


def test_escalate_asks_for_the_decision_maker_in_the_prospects_own_words(pages):
    (page,) = by_recommendation(pages, "escalate")
    body = page["next_message"]["body"]
    statements = [
        e["quote"]
        for r in page["reasons"]
        if r["code"] == "no_decision_maker"
        for e in r["evidence"]
        if e["direction"] == "inbound"
    ]
    assert any(quote[:40] in body for quote in statements), "quotes what they said"
    assert "makes the final call" in body or "signs off" in body
    # Concrete slots after the as-of date (Monday 2026-11-16).
    assert "Thursday, Nov 19" in body and "Tuesday, Nov 24" in body


def test_re_engage_after_auto_replies_copies_the_contact_they_point_to(pages):
    (page,) = by_recommendation(pages, "re_engage")
    message = page["next_message"]
    assert page["prospect"] == "nordhafen-logistik.de"
    assert "automatic replies" in message["body"]
    assert "controlling@nordhafen-logistik.de" in message["body"]
    assert "controlling@nordhafen-logistik.de" in message["to"]
    assert "Thursday, Nov 19" in message["body"]
    assert not clean_subject(message["subject"]).lower().startswith("closing the loop")


def test_keep_going_confirms_the_agreed_step_without_walking_away(pages):
    for page in by_recommendation(pages, "keep_going"):
        body = page["next_message"]["body"]
        assert WALK_AWAY_QUESTION not in body and "close this out" not in body
        assert "before then" in body or "next step" in body
    assert (
        "Looking forward to Tuesday Nov 24" in pages["stellwagenmarine.com"]["next_message"]["body"]
    )


def test_crm_note_lists_every_reason_code_with_its_dates(pages, sample_output: Path):
    import pandas as pd

    signals = pd.read_csv(sample_output / "signals.csv")
    for page in pages.values():
        note = page["crm_note"]["text"]
        assert page["prospect"] in note and page["recommendation_label"] in note
        assert note.startswith("2026-11-16 ")
        for reason in page["reasons"] + page["positives"]:
            assert f"{reason['code']} ({reason['contribution']:+.0f}" in note
            fired = signals[
                (signals["prospect"] == page["prospect"]) & (signals["signal"] == reason["code"])
            ]
            first_day = sorted(fired["date"].str[:10])[0]
            assert first_day in note, (page["prospect"], reason["code"])


def test_post_mortem_only_for_walk_away_and_in_the_order_signals_came(pages):
    for page in pages.values():
        post_mortem = page["post_mortem"]
        if page["recommendation"] != "walk_away":
            assert post_mortem is None
            continue
        days = [e["date"] for e in post_mortem["events"]]
        assert days == sorted(days) and days
        earliest = min(e["date"] for r in page["reasons"] for e in r["evidence"] if e["date"])
        assert days[0] == earliest
        assert "first warning sign came on" in post_mortem["summary"]
        assert "walk_away" in post_mortem["note"]


def test_headlines_carry_numbers_and_dates(pages):
    assert pages["corvane.com"]["headline"].startswith("No reply for 35 days")
    assert pages["copperline-retail.com"]["headline"].startswith("Said no on Oct 29")
    assert re.search(r"\d+ meetings missed or moved", pages["marlowehealth.com"]["headline"])


@pytest.mark.parametrize(
    ("subject", "clean"),
    [
        ("RE: AW: Fwd: Pilot", "Pilot"),
        ("Re[2]: Angebot", "Angebot"),
        ("SV: Tilbud", "Tilbud"),
        ("Recap + next steps", "Recap + next steps"),
    ],
)
def test_clean_subject_drops_reply_prefixes(subject: str, clean: str):
    assert clean_subject(subject) == clean


@pytest.mark.parametrize(
    ("first_line", "greeting"),
    [
        ("Hi Alex, quick one.", "Hi Alex,"),
        ("Hi Katrin, hi Jonas,", "Hi Katrin, hi Jonas,"),
        ("Dear Dr. Brenner, dear Dr. Feldmann,", "Dear Dr. Brenner, dear Dr. Feldmann,"),
        ("Hi Sarah -", "Hi Sarah,"),
        ("Good morning Søren", "Good morning Søren,"),
    ],
)
def test_the_greeting_is_the_one_the_rep_used_without_the_rest_of_the_line(
    first_line: str, greeting: str
):
    from walkaway.report.advice import _greeting_only

    assert _greeting_only(first_line) == greeting
