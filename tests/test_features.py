from __future__ import annotations

from tests.builders import days, msg, when
from walkaway.features import build_timelines, prospect_features
from walkaway.people import OwnSide, build_people

REP = "dana@lumora.io"
OWN = OwnSide.from_options(["lumora.io"])


def run(messages, as_of):
    people = build_people(messages, OWN)
    thread_of = {m.id: "t1" for m in messages}
    timelines = build_timelines(messages, OWN, people, thread_of)
    return timelines, prospect_features(timelines, people, as_of)


def test_newsletters_do_not_make_prospects():
    messages = [
        msg("news@vendor.com", REP, when("2026-08-03")),
        msg(REP, "jane@acme.com", when("2026-08-04")),
    ]
    timelines, (table, _) = run(messages, when("2026-08-10"))
    assert set(timelines) == {"acme.com"}
    assert list(table["prospect"]) == ["acme.com"]


def test_directions_from_our_side():
    messages = [
        msg(REP, "jane@acme.com", when("2026-08-03")),
        msg("jane@acme.com", REP, when("2026-08-04")),
        msg("jane@acme.com", REP, when("2026-08-05"), auto=True),
        msg(
            "mailer-daemon@mx.lumora.io",
            REP,
            when("2026-08-06"),
            bounce=True,
            bounced=("jane@acme.com",),
        ),
    ]
    timelines, _ = run(messages, when("2026-08-10"))
    assert [e.direction for e in timelines["acme.com"].events] == ["out", "in", "auto", "bounce"]


def test_bounce_without_recipient_is_matched_through_in_reply_to():
    sent = msg(REP, "jane@acme.com", when("2026-08-03"), message_id="orig@lumora.io")
    bounce = msg(
        "mailer-daemon@mx.lumora.io",
        REP,
        when("2026-08-03", 11),
        bounce=True,
        in_reply_to="orig@lumora.io",
    )
    timelines, _ = run([sent, bounce], when("2026-08-10"))
    assert [e.direction for e in timelines["acme.com"].events] == ["out", "bounce"]


def test_features_only_see_the_past():
    messages = [msg(REP, "jane@acme.com", when("2026-08-03") + days(7 * i)) for i in range(4)]
    messages.append(msg("jane@acme.com", REP, when("2026-09-01")))
    _, (early, _) = run(messages, when("2026-08-12"))
    _, (late, _) = run(messages, when("2026-09-30"))
    assert early.loc[0, "n_messages"] == 2 and early.loc[0, "n_inbound"] == 0
    assert late.loc[0, "n_messages"] == 5 and late.loc[0, "n_inbound"] == 1


def test_multithreaded_and_exec_engaged_lower_risk():
    messages = [
        msg(REP, ["jane@acme.com", "raj@acme.com"], when("2026-08-03")),
        msg("jane@acme.com", REP, when("2026-08-03", 12), signature="Jane Doe\nVP Operations"),
        msg("raj@acme.com", REP, when("2026-08-04", 12), signature="Raj\nIT Manager"),
    ]
    _, (table, signals) = run(messages, when("2026-08-05"))
    fired = {s.signal for s in signals}
    assert {"multithreaded", "exec_engaged"} <= fired
    assert table.loc[0, "n_contacts_writing"] == 2
