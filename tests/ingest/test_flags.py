"""Auto-reply, bounce and calendar detectors, one rule at a time."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from walkaway.ingest.flags import (
    auto_reply_reason,
    bounce_reason,
    is_daemon_sender,
    parse_calendar,
    recipient_address,
)


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ({"auto-submitted": ["auto-replied"]}, "auto-submitted:auto-replied"),
        ({"auto-submitted": ["auto-generated (warning)"]}, "auto-submitted:auto-generated"),
        ({"x-autoreply": ["yes"]}, "x-autoreply"),
        ({"x-autorespond": ["Vacation"]}, "x-autorespond"),
        ({"x-auto-response-suppress": ["All"]}, "x-auto-response-suppress"),
        ({"precedence": ["auto_reply"]}, "precedence:auto_reply"),
        ({"precedence": ["bulk"]}, "precedence:bulk"),
        ({"precedence": ["junk"]}, "precedence:junk"),
    ],
)
def test_auto_reply_headers(headers: dict[str, list[str]], reason: str) -> None:
    assert auto_reply_reason(headers, "Re: pricing") == reason


def test_auto_submitted_no_is_a_human() -> None:
    assert auto_reply_reason({"auto-submitted": ["no"]}, "Re: pricing") == ""


def test_precedence_stamped_by_a_mailing_list_says_nothing_about_the_author() -> None:
    headers = {"precedence": ["junk"], "list-id": ["<fedora-devel-list.redhat.com>"]}
    assert auto_reply_reason(headers, "Re: rpm macros") == ""


@pytest.mark.parametrize(
    "subject",
    [
        "Automatic reply: Proposal for Q3",
        "Auto: Proposal",
        "Autoreply: Proposal",
        "Out of Office: Proposal",
        "Out of the office until Monday",
        "[Out of Office] Re: Proposal",
        "Abwesenheitsnotiz: Angebot",
        "Automatische Antwort: Angebot",
        "Respuesta automática: Propuesta",
        "Réponse automatique : Proposition",
        "Absence: Re: Proposition",
        "Risposta automatica: Offerta",
        "Fuori sede: Offerta",
        "Automatisch antwoord: Offerte",
        "Afwezig: Offerte",
        "Resposta automática: Proposta",
        "Autosvar: Tilbud",
        "Automaattinen vastaus: Tarjous",
        "自動応答: ご提案",
    ],
)
def test_auto_reply_subjects_in_many_languages(subject: str) -> None:
    assert auto_reply_reason({}, subject).startswith("subject:")


@pytest.mark.parametrize(
    "subject",
    ["Re: Automation of your reply workflow", "Absenteeism report", "Auto insurance quote"],
)
def test_ordinary_subjects_are_not_auto_replies(subject: str) -> None:
    assert auto_reply_reason({}, subject) == ""


def test_delivery_status_report_is_a_bounce_unless_only_delayed() -> None:
    assert bounce_reason({}, "Undelivered", "x@y.z", has_delivery_status=True) == (
        "delivery-status"
    )
    failed = bounce_reason({}, "x", "", has_delivery_status=True, delivery_actions=["failed"])
    assert failed == "delivery-status"
    expired = bounce_reason({}, "x", "", has_delivery_status=True, delivery_actions=["expired"])
    assert expired == "delivery-status"
    delayed = bounce_reason({}, "x", "", has_delivery_status=True, delivery_actions=["delayed"])
    assert delayed == ""


@pytest.mark.parametrize(
    ("subject", "sender", "expected"),
    [
        ("Undeliverable: Proposal", "postmaster@contoso.com", "daemon-subject"),
        (
            "Delivery Status Notification (Failure)",
            "mailer-daemon@googlemail.com",
            "daemon-subject",
        ),
        (
            "Mail delivery failed: returning message to sender",
            "MAILER-DAEMON@x.org",
            "daemon-subject",
        ),
        ("Returned mail: see transcript for details", "MAILER-DAEMON@x.org", "daemon-subject"),
        ("Undelivered Mail Returned to Sender", "someone@x.org", "subject"),
        ("Delivery Status Notification (Delay)", "mailer-daemon@googlemail.com", ""),
        ("Fw: Undeliverable: Proposal", "ann@example.com", ""),
        ("Re: failure notice about the invoice", "ann@example.com", ""),
    ],
)
def test_classic_bounces_by_sender_and_subject(subject: str, sender: str, expected: str) -> None:
    assert bounce_reason({}, subject, sender.lower()) == expected


def test_exim_failed_recipients_header_is_a_bounce() -> None:
    headers = {"x-failed-recipients": ["gone@example.com"]}
    assert bounce_reason(headers, "Mail failure", "ann@example.com") == "x-failed-recipients"


def test_daemon_senders() -> None:
    assert is_daemon_sender("mailer-daemon@example.com")
    assert is_daemon_sender("postmaster@example.com")
    assert not is_daemon_sender("ann@example.com")


def test_recipient_address_reads_dsn_fields() -> None:
    assert recipient_address("rfc822; Ann.Lee@Example.COM") == "ann.lee@example.com"
    assert recipient_address("RFC822; <u@ci.com>") == "u@ci.com"
    assert recipient_address("x400; nonsense") == ""


def ics(*lines: str) -> str:
    return "\r\n".join(["BEGIN:VCALENDAR", *lines, "END:VCALENDAR"]) + "\r\n"


def test_calendar_reply_partstat_summary_and_utc_start() -> None:
    text = ics(
        "METHOD:REPLY",
        "BEGIN:VEVENT",
        'ATTENDEE;PARTSTAT=DECLINED;CN="Lee, Ann":mailto:ann@example.com',
        "SUMMARY:Demo\\, part 2",
        "DTSTART:20240527T140000Z",
        "END:VEVENT",
    )
    facts = parse_calendar(text)
    assert facts.method == "REPLY"
    assert facts.partstat == "DECLINED"
    assert facts.summary == "Demo, part 2"
    assert facts.start == datetime(2024, 5, 27, 14, 0, tzinfo=UTC)


def test_calendar_partstat_only_counts_in_a_reply() -> None:
    text = ics(
        "METHOD:REQUEST",
        "BEGIN:VEVENT",
        "ATTENDEE;PARTSTAT=NEEDS-ACTION:mailto:a@b.c",
        "END:VEVENT",
    )
    assert parse_calendar(text).partstat == ""


def test_calendar_windows_time_zone_name_is_resolved() -> None:
    text = ics(
        "METHOD:REQUEST",
        "BEGIN:VEVENT",
        "DTSTART;TZID=Pacific Standard Time:20200107T093000",
        "SUMMARY:Sync",
        "END:VEVENT",
    )
    assert parse_calendar(text).start == datetime(2020, 1, 7, 17, 30, tzinfo=UTC)


def test_calendar_custom_vtimezone_rules_give_the_offset() -> None:
    zone = [
        "BEGIN:VTIMEZONE",
        "TZID:Custom Zone",
        "BEGIN:STANDARD",
        "DTSTART:16010101T020000",
        "TZOFFSETFROM:-0300",
        "TZOFFSETTO:-0400",
        "RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=1SU;BYMONTH=11",
        "END:STANDARD",
        "BEGIN:DAYLIGHT",
        "DTSTART:16010101T020000",
        "TZOFFSETFROM:-0400",
        "TZOFFSETTO:-0300",
        "RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=2SU;BYMONTH=3",
        "END:DAYLIGHT",
        "END:VTIMEZONE",
    ]
    summer = ics(*zone, "BEGIN:VEVENT", "DTSTART;TZID=Custom Zone:20240527T140000", "END:VEVENT")
    winter = ics(*zone, "BEGIN:VEVENT", "DTSTART;TZID=Custom Zone:20240115T140000", "END:VEVENT")
    assert parse_calendar(summer).start == datetime(2024, 5, 27, 17, 0, tzinfo=UTC)
    assert parse_calendar(winter).start == datetime(2024, 1, 15, 18, 0, tzinfo=UTC)


def test_calendar_folded_lines_all_day_events_and_method_hint() -> None:
    text = ics(
        "BEGIN:VEVENT",
        "SUMMARY:Quarterly business",
        "  review",
        "DTSTART;VALUE=DATE:20240601",
        "END:VEVENT",
    )
    facts = parse_calendar(text, method_hint="cancel")
    assert facts.summary == "Quarterly business review"
    assert facts.method == "CANCEL"
    assert facts.start == datetime(2024, 6, 1, tzinfo=UTC)


def test_calendar_garbage_gives_empty_facts() -> None:
    facts = parse_calendar("not a calendar\nDTSTART:garbage")
    assert (facts.method, facts.start, facts.summary) == ("", None, "")
