"""Direct questions in a rep's message, with the topic the reply should speak to."""

from __future__ import annotations

import pytest
from spacy.language import Language

from walkaway.nlp import QUESTION_TOPICS, analyze_text, normalize_text


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("Could you share the timeline?", "timeline"),
        ("Could you share the timeline", "timeline"),
        ("Let me know who else is involved", "decision"),
        ("Let me know who else is involved in the decision.", "decision"),
        ("How are you planning to roll this out?", "timeline"),
        ("When are you looking to go live?", "timeline"),
        ("What's your timeline for a decision?", "timeline"),
        ("What budget have you set aside for this?", "budget"),
        ("Is there a budget allocated for this quarter?", "budget"),
        ("How many reps would use it?", "headcount"),
        ("How many seats do you need?", "headcount"),
        ("Please confirm the number of users.", "headcount"),
        ("Who signs off on purchases like this?", "decision"),
        ("Can you loop in your CFO?", "decision"),
        ("Does Tuesday at 3pm work for a call?", "next_step"),
        ("When works for a quick call next week?", "next_step"),
        ("What are the next steps on your end?", "next_step"),
        ("I was wondering whether you had a chance to review the proposal.", "next_step"),
        ("Would love to hear your thoughts on the proposal", "next_step"),
        ("Any update on your side?", "other"),
        ("Did you enjoy the conference?", "other"),
    ],
)
def test_direct_questions_and_their_topics(nlp: Language, text: str, topic: str) -> None:
    questions = nlp(normalize_text(text))._.questions
    assert [(q.text, q.label_) for q in questions] == [(text, topic)]
    assert topic in QUESTION_TOPICS


@pytest.mark.parametrize(
    "text",
    [
        "How are you?",
        "How are you doing today?",
        "Hope you had a good weekend?",
        "Hope you had a great weekend!",
        "Hope all is well?",
        "Let me know if you have any questions.",
        "Let me know if you have any questions!",
        "Does that make sense?",
        "Sounds good?",
        "Thanks for your time today.",
        "We spoke last week about your goals.",
        "When we spoke, you mentioned the Q3 launch.",
        "Happy to help.",
        "Here is the link: https://acme.com/pricing?plan=pro",
        "Feel free to reach out.",
    ],
)
def test_pleasantries_statements_and_urls_are_not_questions(nlp: Language, text: str) -> None:
    assert nlp(normalize_text(text))._.questions == []


def test_questions_in_a_whole_message_keep_their_own_topics() -> None:
    message = (
        "Hi Dana,\n\n"
        "Hope you had a good weekend! Thanks again for the call on Thursday.\n\n"
        "A couple of things before we put the proposal together:\n"
        "- How many reps would be on the platform?\n"
        "- What budget range are you working with?\n"
        "- Who else needs to be involved in the decision?\n\n"
        "Also, could you let me know your target go-live date\n\n"
        "Let me know if you have any questions.\n"
        "Best,\nSam"
    )
    analysis = analyze_text(message)
    assert [(q.text, q.topic) for q in analysis.questions] == [
        ("- How many reps would be on the platform?", "headcount"),
        ("- What budget range are you working with?", "budget"),
        ("- Who else needs to be involved in the decision?", "decision"),
        ("Also, could you let me know your target go-live date", "timeline"),
    ]
    for question in analysis.questions:
        assert message[question.start_char : question.end_char] == question.text


def test_a_question_lists_all_its_topics_main_one_first() -> None:
    (question,) = analyze_text("Could you share the budget and the timeline?").questions
    assert question.topic == "budget"
    assert question.topics == ("budget", "timeline")
