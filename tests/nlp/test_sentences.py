"""Email-aware sentence segmentation: what email does to sentences, case by case."""

from __future__ import annotations

import pytest
from spacy.language import Language

from walkaway.nlp import sentence_starts

HARD_WRAPPED = (
    "I had a look at the proposal you sent over last week and it mostly makes\n"
    "sense for us, although the rollout plan feels a bit aggressive given that\n"
    "our team is small.\n"
    "\n"
    "We would need to phase it in over a couple of months and start with the\n"
    "support team\n"
    "Thanks\n"
)


def sentences(text: str) -> list[str]:
    starts = sentence_starts(text)
    return [text[a:b].strip() for a, b in zip(starts, [*starts[1:], len(text)], strict=True)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "Hi Dana,\n\nCan we push our call? Something came up.",
            ["Hi Dana,", "Can we push our call?", "Something came up."],
            id="greeting-on-its-own-line",
        ),
        pytest.param(
            "Hi Dana, could you share the timeline? Thanks",
            ["Hi Dana,", "could you share the timeline?", "Thanks"],
            id="greeting-on-the-same-line",
        ),
        pytest.param(
            "Agenda:\n1. Timeline\n2. Budget\n- pricing\n* security review\n• next steps",
            [
                "Agenda:",
                "1. Timeline",
                "2. Budget",
                "- pricing",
                "* security review",
                "• next steps",
            ],
            id="numbered-and-bulleted-lines",
        ),
        pytest.param(
            "We use e.g. Salesforce and i.e. nothing else. Approx. 40 seats vs. 20 today.",
            ["We use e.g. Salesforce and i.e. nothing else.", "Approx. 40 seats vs. 20 today."],
            id="abbreviations",
        ),
        pytest.param(
            "Let's revisit in Q3. Talk soon.",
            ["Let's revisit in Q3.", "Talk soon."],
            id="quarter-ends-a-sentence",
        ),
        pytest.param(
            "Let's talk at 3 p.m. Eastern. Does that work?",
            ["Let's talk at 3 p.m. Eastern.", "Does that work?"],
            id="time-with-timezone",
        ),
        pytest.param(
            "Call me at 3 p.m. Does that work?",
            ["Call me at 3 p.m.", "Does that work?"],
            id="time-ends-a-sentence",
        ),
        pytest.param(
            "See https://acme.com/pricing?plan=pro. Mail dana@acme.com. Thanks!",
            ["See https://acme.com/pricing?plan=pro.", "Mail dana@acme.com.", "Thanks!"],
            id="urls-and-addresses",
        ),
        pytest.param(
            "J. Smith from Acme Inc. joins. Dr. Brown too.",
            ["J. Smith from Acme Inc. joins.", "Dr. Brown too."],
            id="initials-and-titles",
        ),
        pytest.param(
            "Thanks for the update\nWe are still reviewing internally\nI will get back to you",
            [
                "Thanks for the update",
                "We are still reviewing internally",
                "I will get back to you",
            ],
            id="unwrapped-lines-are-sentences",
        ),
        pytest.param(
            "The price is 3.5k per month... we will see. Really?! OK.",
            ["The price is 3.5k per month... we will see.", "Really?!", "OK."],
            id="decimals-ellipsis-and-repeated-marks",
        ),
        pytest.param(
            'She said "we will sign." Then nothing.',
            ['She said "we will sign."', "Then nothing."],
            id="closing-quote",
        ),
        pytest.param(
            "Thanks,\nDana",
            ["Thanks,", "Dana"],
            id="sign-off",
        ),
    ],
)
def test_email_sentences(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def test_hard_wrapped_paragraphs_are_joined_and_short_lines_still_break() -> None:
    assert sentences(HARD_WRAPPED) == [
        "I had a look at the proposal you sent over last week and it mostly makes\n"
        "sense for us, although the rollout plan feels a bit aggressive given that\n"
        "our team is small.",
        "We would need to phase it in over a couple of months and start with the\nsupport team",
        "Thanks",
    ]


def test_pipeline_sentences_start_at_tokens_and_skip_white_space(nlp: Language) -> None:
    doc = nlp("Hi Dana,\n\n\nCan we push?  Something came up.\n")
    assert [sent.text.strip() for sent in doc.sents] == [
        "Hi Dana,",
        "Can we push?",
        "Something came up.",
    ]
    assert all(not sent[0].is_space for sent in doc.sents)


def test_empty_and_whitespace_texts(nlp: Language) -> None:
    assert len(nlp("")) == 0
    assert [s.text for s in nlp("   \n ").sents] == ["   \n "]


def test_boundary_inside_a_token_is_dropped(nlp: Language) -> None:
    # The tokenizer keeps "end.Next" together; a sentence cannot start mid-token.
    doc = nlp("This is the end.Next part follows. Done.")
    assert all(sent.start_char == sent[0].idx for sent in doc.sents)
