"""Address headers to normalized :class:`~walkaway.types.Address` records.

A fast scanner handles what real headers contain (display names with commas in quotes,
``'Single Quoted'`` names, ``addr (Comment Name)``, RFC 2047 names in any charset, group
syntax such as ``unlisted-recipients:;``). Values it cannot make sense of go to
mail-parser's forensic address parser, which is slower (about 0.3 ms per message for the
usual four headers, three times the whole stdlib parse) but recovers more; the parser
adapter passes it in as ``fallback`` so that only :mod:`walkaway.ingest.parse` imports
mail-parser.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from walkaway.ingest.charsets import decode_8bit_header, decode_header_text
from walkaway.types import Address

# One list member: quoted strings, angle addresses and comments may contain commas.
_ITEM = re.compile(r'(?:"(?:[^"\\]|\\.)*"?|<[^<>]*>?|\((?:[^()\\]|\\.)*\)?|[^,"<(])+')
_ANGLE = re.compile(r'"(?:[^"\\]|\\.)*"|<([^<>]*)>')
_COMMENT = re.compile(r"\((?:[^()\\]|\\.)*\)")
_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')
_GROUP_PREFIX = re.compile(r'^\s*(?:"(?:[^"\\]|\\.)*"|[^:"<>@,])*:(?!/)')
_MAILBOX = re.compile(r"^[^@\s<>(),;:\"\[\]]+@[^@\s<>(),;:\"\[\]]+$")
_SPACES = re.compile(r"\s+")
# The shape of most real values: one mailbox, an optional plain or quoted name.
_SIMPLE = re.compile(
    r'\s*(?:"(?P<quoted>[^"\\]*)"|(?P<plain>[^"<>(),;:@\\]*?))\s*'
    r"<(?P<angle>[^<>@\s(),;:\"]+@[^<>@\s(),;:\"]+)>\s*"
    r"|\s*(?P<bare>[^<>@\s(),;:\"]+@[^<>@\s(),;:\"]+)\s*"
)
_BACKSLASH = re.compile(r"\\(.)")


Fallback = Callable[[str], list[tuple[str, str]]]
"""Parses a whole header value into (display name, address) pairs."""


def parse_addresses(
    value: str | None, *, fallback: Fallback | None = None, charset_hint: str | None = None
) -> tuple[tuple[Address, ...], tuple[str, ...]]:
    """Mailboxes in one address header value, in order, de-duplicated; plus defect codes.

    ``fallback`` is asked about values holding an ``@`` the scanner could not read;
    ``charset_hint`` decodes raw 8-bit names that are not UTF-8.

    >>> parse_addresses('"Doe, Jane" <Jane.Doe@Example.COM>, undisclosed-recipients:;')[0]
    (Address(email='jane.doe@example.com', name='Doe, Jane'),)
    """
    if not value:
        return (), ()
    simple = _SIMPLE.fullmatch(value) if value.isascii() else None
    if simple:
        email = (simple.group("angle") or simple.group("bare")).lower()
        name = simple.group("quoted") or simple.group("plain") or ""
        return (Address(email, _clean_name(name, email) if name else ""),), ()
    text, had_8bit = decode_8bit_header(value, charset_hint)
    text = text.replace("\r", " ").replace("\n", " ")
    defects: list[str] = ["header_8bit"] if had_8bit else []
    found: dict[str, Address] = {}
    unreadable = False
    for match in _ITEM.finditer(text):
        item = match.group(0).strip()
        group = _GROUP_PREFIX.match(item)
        if group:
            item = item[group.end() :].strip()
        item = item.rstrip(";").strip()
        if not item:
            continue
        address = _parse_item(item)
        if address is None:
            if "@" in item:
                unreadable = True
            continue
        found.setdefault(address.email, address)
    if unreadable and fallback is not None:
        # Let the forensic parser try; keep whatever either side understood.
        for name, email in fallback(text):
            email = email.strip().lower()
            if _MAILBOX.match(email) and email not in found:
                found[email] = Address(email, _clean_name(name, email))
    if unreadable and not found:
        defects.append("address_unparseable")
    return tuple(found.values()), tuple(defects)


def _parse_item(item: str) -> Address | None:
    angles = [m.group(1) for m in _ANGLE.finditer(item) if m.group(1) is not None]
    if angles:
        email = angles[-1]
        # Obsolete source routes: "<@relay.example:ann@example.com>".
        if email.startswith("@") and ":" in email:
            email = email.rsplit(":", 1)[1]
        name = item[: item.rfind("<")]
        if not name.strip():
            comment = _COMMENT.search(item[item.rfind(">") :])
            name = comment.group(0)[1:-1] if comment else ""
    elif "<" in item:
        # An angle address missing its ">": "Ann <ann@example.com".
        name, _, email = item.rpartition("<")
    else:
        comment = _COMMENT.search(item)
        name = comment.group(0)[1:-1] if comment else ""
        email = _COMMENT.sub(" ", item)
    email = _SPACES.sub("", email).strip("'\"").lower()
    if not _MAILBOX.match(email):
        return None
    return Address(email, _clean_name(name, email))


def _clean_name(name: str, email: str) -> str:
    name = name.strip()
    if not name:
        return ""
    quoted = _QUOTED.fullmatch(name)
    if quoted:
        name = _BACKSLASH.sub(r"\1", quoted.group(1))
    else:
        name = _QUOTED.sub(lambda m: _BACKSLASH.sub(r"\1", m.group(1)), name)
    if "=?" in name:
        name = decode_header_text(name)[0]
    name = _SPACES.sub(" ", name).strip().strip("'\"").strip()
    # Outlook writes "'Ann Lee'" and some mailers repeat the address as the name.
    if name.lower() == email or name.lower() == f"<{email}>":
        return ""
    return name
