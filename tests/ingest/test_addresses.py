"""Address headers: normalized, decoded, never crashing on what real mail contains."""

from __future__ import annotations

import base64

import pytest

from walkaway.ingest.addresses import parse_addresses
from walkaway.types import Address


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Ann Lee <Ann.Lee@Example.COM>", [("ann.lee@example.com", "Ann Lee")]),
        ('"Lee, Ann" <ann@example.com>', [("ann@example.com", "Lee, Ann")]),
        ("'Ann Lee' <ann@example.com>", [("ann@example.com", "Ann Lee")]),
        ("ann@example.com (Ann Lee)", [("ann@example.com", "Ann Lee")]),
        (" ann@example.com ", [("ann@example.com", "")]),
        ("=?UTF-8?B?5bGx55Sw?= <yamada@example.jp>", [("yamada@example.jp", "山田")]),
        ('"ann@example.com" <ann@example.com>', [("ann@example.com", "")]),
        ('"A \\"Johnny\\" B" <j@example.com>', [("j@example.com", 'A "Johnny" B')]),
        ("Ann <ann@example.com", [("ann@example.com", "Ann")]),
        ("<@relay.example:ann@example.com>", [("ann@example.com", "")]),
    ],
)
def test_single_addresses(value: str, expected: list[tuple[str, str]]) -> None:
    addresses, _ = parse_addresses(value)
    assert [(a.email, a.name) for a in addresses] == expected


def test_korean_name_with_a_lying_charset_label() -> None:
    encoded = base64.b64encode("홍길동".encode("cp949")).decode()
    addresses, _ = parse_addresses(f"=?ks_c_5601-1987?B?{encoded}?= <k@example.kr>")
    assert addresses == (Address("k@example.kr", "홍길동"),)


def test_groups_and_empty_groups_yield_members_only() -> None:
    assert parse_addresses("unlisted-recipients:;") == ((), ())
    assert parse_addresses("undisclosed-recipients: ;") == ((), ())
    addresses, _ = parse_addresses('Team: a@example.com, "B" <b@example.com>;, c@example.com')
    assert [a.email for a in addresses] == ["a@example.com", "b@example.com", "c@example.com"]


def test_lists_are_deduplicated_in_order_and_junk_dropped() -> None:
    value = "A <a@example.com>, , b@example.com,\n\tA again <A@EXAMPLE.COM>, root"
    addresses, defects = parse_addresses(value)
    assert addresses == (Address("a@example.com", "A"), Address("b@example.com", ""))
    assert defects == ()


def test_raw_8bit_names_are_decoded() -> None:
    value = "Jürgen Groß <jg@example.de>".encode().decode("ascii", "surrogateescape")
    addresses, defects = parse_addresses(value)
    assert addresses == (Address("jg@example.de", "Jürgen Groß"),)
    assert defects == ("header_8bit",)


def test_unreadable_values_go_to_the_fallback_and_are_reported() -> None:
    calls: list[str] = []

    def fallback(value: str) -> list[tuple[str, str]]:
        calls.append(value)
        return [("Recovered", "ok@example.com")]

    addresses, defects = parse_addresses("Ann Lee ann@@example.com", fallback=fallback)
    assert calls
    assert addresses == (Address("ok@example.com", "Recovered"),)
    assert defects == ()
    assert parse_addresses("Ann Lee ann@@example.com")[1] == ("address_unparseable",)
