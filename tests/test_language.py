"""Language signals per prospect: patterns over several replies, each with its sentence."""

from __future__ import annotations

from tests.builders import msg, when
from walkaway.features import MessageLanguage, Timeline, prospect_features, read_language
from walkaway.people import OwnSide, build_people
from walkaway.signals.timing import Event

REP, JANE = "dana@lumora.io", "jane@acme.com"
OWN = OwnSide.from_options(["lumora.io"])


def timeline(*items):
    """Events from (direction, day, text[, kwargs]) in one thread."""
    events = []
    for direction, day, text, *rest in items:
        extra = rest[0] if rest else {}
        sender, to = (REP, JANE) if direction == "out" else (JANE, REP)
        events.append(Event(msg(sender, to, when(day), text=text, **extra), direction, "t1"))
    return events


def fired(events, as_of="2026-11-30"):
    people = build_people([e.message for e in events], OWN)
    timelines = {"acme.com": Timeline("acme.com", tuple(events))}
    language = read_language(timelines)
    assert isinstance(language, MessageLanguage)
    _, signals = prospect_features(timelines, people, when(as_of), language=language)
    return signals


def codes(signals):
    return {s.signal for s in signals}


def test_one_deferral_then_a_repeated_one_with_the_sentence_as_evidence():
    events = timeline(
        ("out", "2026-08-03", "Could we start the pilot in September?"),
        ("in", "2026-08-04", "Thanks Dana. Let's revisit next quarter when budgets reset."),
    )
    assert {"deferral"} <= codes(fired(events, "2026-08-10"))
    assert "repeated_deferral" not in codes(fired(events, "2026-08-10"))
    events += timeline(
        ("out", "2026-10-05", "Checking back in as agreed - is Q4 a good time to start?"),
        ("in", "2026-10-06", "Sorry, budgets are frozen until after the new year."),
    )
    signals = fired(events, "2026-10-10")
    repeated = [s for s in signals if s.signal == "repeated_deferral"]
    assert repeated and "frozen until after the new year" in repeated[0].evidence


def test_a_single_missed_meeting_is_not_a_pattern_but_two_are():
    events = timeline(
        ("out", "2026-08-03", "Shall we meet Tuesday at 10?"),
        ("in", "2026-08-05", "So sorry I missed our call, something came up."),
    )
    assert "missed_meetings" not in codes(fired(events, "2026-08-10"))
    cancel = msg(JANE, REP, when("2026-08-12"), text="", subject="Canceled: Demo")
    from dataclasses import replace

    events.append(Event(replace(cancel, calendar_method="CANCEL"), "in", "t1"))
    assert "missed_meetings" in codes(fired(events, "2026-08-20"))


def test_price_talk_tied_to_rollout_is_not_price_only():
    events = timeline(
        ("in", "2026-08-03", "What would 40 seats cost, and how long does rollout take?"),
        ("in", "2026-08-05", "The pricing works if onboarding for the night shift is included."),
        ("in", "2026-08-07", "Great, we'd like to start the pilot on March 2 with two regions."),
    )
    assert "price_only" not in codes(fired(events, "2026-08-10"))


def test_haggling_in_every_reply_is_price_only():
    events = timeline(
        ("in", "2026-08-03", "What's your best price? We need a big discount."),
        ("in", "2026-08-05", "Too expensive. Can you do 35% off list?"),
        ("in", "2026-08-07", "Still high. Can you match $40 a seat?"),
    )
    assert "price_only" in codes(fired(events, "2026-08-10"))


def test_dodged_questions_need_a_pattern_over_several_exchanges():
    events = timeline(
        ("out", "2026-08-03", "How many seats would you roll out first?"),
        ("in", "2026-08-04", "We'll see. Just send me the pricing."),
        ("out", "2026-08-06", "Who else is involved in the decision on your side?"),
        ("in", "2026-08-07", "Hard to say at this point. What's the discount for annual?"),
    )
    signals = fired(events, "2026-08-10")
    dodged = [s for s in signals if s.signal == "dodged_questions"]
    assert len(dodged) == 2
    assert "roll out first" in dodged[0].evidence


def test_declined_and_concrete_next_step():
    no = timeline(("in", "2026-08-03", "Dana, we went with another vendor. Thanks for your time."))
    assert "declined" in codes(fired(no, "2026-08-10"))
    yes = timeline(
        ("out", "2026-11-10", "Could we do the kickoff prep next week?"),
        ("in", "2026-11-11", "Tuesday 3pm works, I'll send the invite."),
    )
    assert "concrete_next_step" in codes(fired(yes, "2026-11-20"))
    # ... but not when it is old news.
    assert "concrete_next_step" not in codes(fired(yes, "2027-02-20"))


def test_no_decision_maker_until_someone_senior_appears():
    events = timeline(
        ("in", "2026-08-03", "I'll need to run this by my boss before we go further."),
        (
            "out",
            "2026-08-04",
            "Would your VP be open to a short call? Who makes the final decision?",
        ),
        ("in", "2026-08-06", "Honestly it's not my call."),
    )
    assert "no_decision_maker" in codes(fired(events, "2026-08-10"))
    vp = msg(
        "linda@acme.com",
        REP,
        when("2026-08-08"),
        text="Happy to talk. Thursday works.",
        signature="Linda Park\nVP Marketing",
    )
    events.append(Event(vp, "in", "t1"))
    assert "no_decision_maker" not in codes(fired(events, "2026-08-10"))
