from __future__ import annotations

import pytest

from tests.builders import msg, when
from walkaway.people import (
    OwnSide,
    account_key,
    build_people,
    company_domain,
    infer_own_side,
    is_automated,
    message_prospects,
    seniority,
    title_from_signature,
)


@pytest.mark.parametrize(
    ("email", "key"),
    [
        ("jane@acme.com", "acme.com"),
        ("Jane@Mail.Acme.co.uk", "acme.co.uk"),
        ("ops@eu.sub.bigcorp.de", "bigcorp.de"),
        ("bob.smith@gmail.com", "bob.smith@gmail.com"),
        ("someone@googlemail.com", "someone@googlemail.com"),
        ("x@web.de", "x@web.de"),
    ],
)
def test_account_key_groups_company_domains_and_keeps_free_mail_addresses(email, key):
    assert account_key(email) == key


def test_company_domain_works_offline_with_unknown_suffix():
    assert company_domain("intranet.local") == "intranet.local"
    assert company_domain("") == ""


@pytest.mark.parametrize(
    "address",
    [
        "MAILER-DAEMON@mx.acme.com",
        "no-reply@acme.com",
        "noreply@x.io",
        "postmaster@a.de",
        "fedora-devel-list-bounces@redhat.com",
        "notifications@github.com",
    ],
)
def test_machines_are_not_people(address):
    assert is_automated(address)


@pytest.mark.parametrize("address", ["jane@acme.com", "norbert@acme.com", "newsom@acme.com"])
def test_people_are_not_machines(address):
    assert not is_automated(address)


@pytest.mark.parametrize(
    ("title", "level"),
    [
        ("VP of Operations", "executive"),
        ("Chief Revenue Officer", "executive"),
        ("Co-Founder & CEO", "executive"),
        ("Geschäftsführer", "executive"),
        ("Directrice générale", "executive"),
        ("Head of Finance", "director"),
        ("Director of IT", "director"),
        ("Leiterin Einkauf", "director"),
        ("Procurement Manager", "manager"),
        ("Channel Partner Manager", "manager"),
        ("Senior Data Analyst", "staff"),
        ("Happy to help", ""),
    ],
)
def test_seniority_levels(title, level):
    assert seniority(title) == level


def test_title_from_signature_picks_the_title_line():
    signature = "Jane Doe\nVP Operations | Acme Corp\n+1 (555) 123-4567\nwww.acme.com"
    assert title_from_signature(signature, "Jane Doe") == "VP Operations"


def test_title_from_signature_ignores_prose_and_contacts():
    assert title_from_signature("Thanks again for the call.\n+44 20 7946 0958", "") == ""


def test_own_side_from_options_matches_subdomains():
    own = OwnSide.from_options(["lumora.io"], ["me@gmail.com"])
    assert own.is_own("dana@lumora.io")
    assert own.is_own("dana@eu.lumora.io")
    assert own.is_own("ME@gmail.com")
    assert not own.is_own("jane@acme.com")


def test_infer_own_side_prefers_delivered_to():
    messages = [
        msg(
            "jane@acme.com", "dana@lumora.io", when("2026-08-03"), delivered_to=("dana@lumora.io",)
        ),
        msg("dana@lumora.io", "jane@acme.com", when("2026-08-04")),
        msg("jane@acme.com", "dana@lumora.io", when("2026-08-05")),
    ]
    own = infer_own_side(messages)
    assert own.domains == {"lumora.io"}
    assert "Delivered-To" in own.how


def test_infer_own_side_for_a_free_mail_owner_keeps_only_the_address():
    messages = [msg("me@gmail.com", "jane@acme.com", when("2026-08-03"), labels=("Sent",))]
    own = infer_own_side(messages)
    assert own.addresses == {"me@gmail.com"} and not own.domains


def test_message_prospects_excludes_own_side_and_machines():
    own = OwnSide.from_options(["lumora.io"])
    message = msg(
        "dana@lumora.io",
        ["jane@acme.com", "bob@gmail.com"],
        when("2026-08-03"),
        cc=["sam@lumora.io", "no-reply@acme.com"],
    )
    assert message_prospects(message, own) == ("acme.com", "bob@gmail.com")


def test_bounce_belongs_to_the_address_that_bounced():
    own = OwnSide.from_options(["lumora.io"])
    bounce = msg(
        "mailer-daemon@mx.lumora.io",
        "dana@lumora.io",
        when("2026-09-01"),
        bounce=True,
        bounced=("jane@acme.com",),
    )
    assert message_prospects(bounce, own) == ("acme.com",)


def test_build_people_keeps_best_name_and_senior_title():
    own = OwnSide.from_options(["lumora.io"])
    messages = [
        msg(
            "jane@acme.com", "dana@lumora.io", when("2026-08-03"), signature="Jane\nSenior Analyst"
        ),
        msg(
            "jane@acme.com", "dana@lumora.io", when("2026-09-03"), signature="Jane\nDirector of IT"
        ),
    ]
    people = build_people(messages, own)
    assert people["jane@acme.com"].title == "Director of IT"
    assert people["jane@acme.com"].seniority == "director"
    assert people["dana@lumora.io"].own


def test_legal_footer_officers_are_not_the_senders_title():
    signature = (
        "Petra Kühn\nEinkauf\nFeldmann Präzisionstechnik GmbH\n"
        "Geschäftsführer: Dr. Klaus Feldmann | Amtsgericht Stuttgart HRB 12345"
    )
    assert seniority(title_from_signature(signature, "Petra Kühn")) != "executive"
