"""The curated public API (the library's face) stays what the contract says."""

from __future__ import annotations

import walkaway


def test_public_api_is_curated():
    assert set(walkaway.__all__) == {
        "Address",
        "AnalysisResult",
        "Attachment",
        "Message",
        "ProspectScore",
        "Quarantined",
        "Reason",
        "Reply",
        "Signal",
        "Thread",
        "__version__",
        "analyze",
        "classify",
        "read_messages",
        "split_reply",
    }
    for name in walkaway.__all__:
        assert getattr(walkaway, name) is not None


def test_split_reply_contract():
    reply = walkaway.split_reply(
        "Sounds good, Tuesday works.\n\nBest,\nJane\n\nOn Mon, Aug 3, 2026 at 9:00 AM Dana "
        "<dana@lumora.io> wrote:\n> Could we meet Tuesday?\n"
    )
    assert reply.text.startswith("Sounds good, Tuesday works.")
    assert "Could we meet" in reply.quoted
    assert "Jane" in reply.signature


def test_classify_contract():
    [result] = walkaway.classify(["We'll revisit once budgets reset after Q1."])
    assert set(result) == {"text", "labels", "top", "spans"}
    assert result["top"] == "deferral"
    assert set(result["labels"]) >= {
        "vague",
        "price_only",
        "deferral",
        "no_authority",
        "missed_meeting",
        "value_unclear",
    }
    assert any(span["label"] == "deferral" for span in result["spans"])
    [neutral] = walkaway.classify("Tuesday 3pm works.")
    assert neutral["top"] == "none"
