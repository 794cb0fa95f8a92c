"""analyze_text / analyze_texts: plain results with offsets into the caller's text."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tests.conftest import corpus_path
from tests.nlp.conftest import plain_bodies
from walkaway.nlp import TextAnalysis, analyze_text, analyze_texts, normalize_text

REPLY = (
    "Hi Sam,\n\n"
    "Thanks for the demo. Honestly we don't see how this is different from what we already "
    "have, and I'd need to run this by my boss anyway.\n"
    "Maybe we revisit after the holidays? What would pricing look like with a discount?\n\n"
    "Dana"
)


def _offsets_hold(analysis: TextAnalysis, text: str) -> None:
    for sentence in analysis.sentences:
        assert text[sentence.start_char : sentence.end_char] == sentence.text
    for hit in analysis.spans:
        assert text[hit.start_char : hit.end_char] == hit.text
        assert hit.text in hit.sentence
        assert analysis.sentences[hit.sentence_index].text == hit.sentence
    for question in analysis.questions:
        assert text[question.start_char : question.end_char] == question.text
    for target in analysis.deferral_targets:
        assert text[target.start_char : target.end_char] == target.text


def test_analysis_of_a_prospect_reply() -> None:
    analysis = analyze_text(REPLY, reference=date(2026, 11, 20))
    _offsets_hold(analysis, REPLY)
    assert [s.text for s in analysis.sentences][:2] == ["Hi Sam,", "Thanks for the demo."]
    assert [(h.label, h.pattern_id, h.text) for h in analysis.spans] == [
        ("VALUE_UNCLEAR", "not_different", "don't see how this is different"),
        ("VALUE_UNCLEAR", "value_unclear", "from what we already have"),
        ("NO_AUTHORITY", "run_by", "run this by my boss"),
        ("VAGUE", "hedge", "Maybe"),
        ("DEFERRAL", "cue_with_period:revisit+season", "revisit after the holidays"),
    ]
    assert analysis.labels == {"VALUE_UNCLEAR", "NO_AUTHORITY", "VAGUE", "DEFERRAL"}
    assert [h.text for h in analysis.hits("VAGUE")] == ["Maybe"]
    (target,) = analysis.deferral_targets
    assert (target.label, target.start, target.end) == (
        "January 2027",
        date(2027, 1, 2),
        date(2027, 1, 31),
    )
    assert [(q.text, q.topic) for q in analysis.questions][-1] == (
        "What would pricing look like with a discount?",
        "budget",
    )
    assert (analysis.price_mentions, analysis.value_mentions) == (2, 1)
    assert analysis.price_share == pytest.approx(2 / 3)


def test_deferral_targets_need_a_reference_date() -> None:
    assert analyze_text("Let's revisit next quarter.").deferral_targets == ()


def test_a_deferral_without_a_period_in_its_span_uses_its_sentence() -> None:
    analysis = analyze_text(
        "We have to put this on hold until the budget resets in January.",
        reference=datetime(2026, 11, 20, 9, 0, tzinfo=UTC),
    )
    assert "DEFERRAL" in analysis.labels
    assert [(t.kind, t.label) for t in analysis.deferral_targets] == [("month", "January 2027")]
    _offsets_hold(analysis, "We have to put this on hold until the budget resets in January.")


def test_no_break_spaces_do_not_hide_phrases_and_offsets_still_fit() -> None:
    text = "Let's\u00a0revisit next\u00a0quarter."
    assert normalize_text(text) == "Let's revisit next quarter."
    analysis = analyze_text(text)
    assert [h.label for h in analysis.spans] == ["DEFERRAL"]
    hit = analysis.spans[0]
    assert normalize_text(text[hit.start_char : hit.end_char]) == hit.text


def test_empty_text() -> None:
    analysis = analyze_text("")
    assert (analysis.sentences, analysis.spans, analysis.questions) == ((), (), ())
    assert analysis.price_share is None


def test_batch_analysis_keeps_order_and_pairs_references() -> None:
    texts = ["Let's revisit in Q3.", "Thanks!", "Q3 works better for budget."]
    references = [date(2026, 5, 1), None, date(2026, 11, 1)]
    results = list(analyze_texts(texts, references, batch_size=2))
    assert [r.text for r in results] == texts
    assert [[t.label for t in r.deferral_targets] for r in results] == [
        ["Q3 2026"],
        [],
        ["Q3 2027"],
    ]
    assert [r.labels for r in analyze_texts(texts)] == [r.labels for r in results]


def test_batch_analysis_refuses_references_of_another_length() -> None:
    with pytest.raises(ValueError):
        list(analyze_texts(["a", "b"], [date(2026, 1, 1)]))


@pytest.mark.corpus
def test_real_mail_bodies_analyze_with_consistent_offsets() -> None:
    bodies = plain_bodies(corpus_path("real-emails", "notmuch-corpora", "default"))
    assert len(bodies) > 30
    for body, analysis in zip(bodies, analyze_texts(bodies), strict=True):
        _offsets_hold(analysis, body)
        # Sentences cover every non-space character of the text, in order.
        covered = "".join(s.text for s in analysis.sentences)
        assert "".join(covered.split()) == "".join(body.split())
