"""Who is who: our own side, the prospects, their contacts and their job titles.

A prospect is an *account*: the registered company domain of its people (``acme.co.uk`` for
``jane@mail.acme.co.uk``, from tldextract's bundled public-suffix list, never fetched), or the
full address for free-mail providers, where a domain says nothing about the company.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import tldextract

from walkaway.types import Address, Message, quick_pickle

logger = logging.getLogger(__name__)

# Local parts that belong to machines, not people: they never make a prospect.
_AUTOMATED_LOCAL = re.compile(
    r"^(?:mailer-daemon|postmaster|no-?reply|do-?not-?reply|donotreply|bounces?|notifications?|"
    r"notify|alerts?|newsletter|news|marketing|mailer|auto-?reply|autoresponder|daemon|root|"
    r"listserv|majordomo|owner-.*|.*-(?:bounces|request|owner)|calendar-notification)(?:[+\-.].*)?$"
)


@lru_cache(maxsize=1)
def _extractor() -> tldextract.TLDExtract:
    # An empty URL list and no cache dir: the bundled suffix snapshot, no network, no disk writes.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


@lru_cache(maxsize=1)
def free_mail_domains() -> frozenset[str]:
    """Consumer mail providers, from the data file shipped with the package."""
    text = resources.files("walkaway").joinpath("data/free_mail_domains.txt").read_text("utf-8")
    return frozenset(
        line.strip().lower() for line in text.splitlines() if line.strip() and line[0] != "#"
    )


@lru_cache(maxsize=65536)
def company_domain(domain: str) -> str:
    """The registered domain (``mail.acme.co.uk`` -> ``acme.co.uk``); the input when unknown."""
    domain = domain.strip().lower().rstrip(".")
    if not domain:
        return ""
    parts = _extractor()(domain)
    if parts.domain and parts.suffix:
        return f"{parts.domain}.{parts.suffix}"
    return domain


def is_free_mail(email: str) -> bool:
    return company_domain(email.rpartition("@")[2]) in free_mail_domains()


@lru_cache(maxsize=1 << 16)
def account_key(email: str) -> str:
    """The prospect key of an address: company domain, or the address itself for free mail."""
    email = email.strip().lower()
    domain = company_domain(email.rpartition("@")[2])
    if not domain or domain in free_mail_domains():
        return email
    return domain


@lru_cache(maxsize=1 << 16)
def is_automated(email: str) -> bool:
    """True for addresses of machines (MAILER-DAEMON, no-reply, list bounces ...)."""
    local = email.partition("@")[0].lower()
    return bool(_AUTOMATED_LOCAL.match(local))


@dataclass(frozen=True, slots=True)
class OwnSide:
    """Our side of every conversation: whole domains and/or single addresses.

    ``how`` says where it came from: ``given`` (``--our-domain`` / ``--me``) or the inference
    that was used, so the CLI can print it.
    """

    domains: frozenset[str] = frozenset()
    addresses: frozenset[str] = frozenset()
    how: str = "given"

    @classmethod
    def from_options(cls, domains: Iterable[str] = (), me: Iterable[str] = ()) -> OwnSide:
        return cls(
            domains=frozenset(company_domain(d) for d in domains if d.strip()),
            addresses=frozenset(a.strip().lower() for a in me if a.strip()),
        )

    def __bool__(self) -> bool:
        return bool(self.domains or self.addresses)

    def is_own(self, email: str) -> bool:
        # Asked for every address of every message, by several stages: remembered.
        return _is_own(self, email)

    def describe(self) -> str:
        parts = sorted(self.domains) + sorted(self.addresses)
        return ", ".join(parts) if parts else "(nobody)"

    def as_dict(self) -> dict[str, object]:
        return {
            "domains": sorted(self.domains),
            "addresses": sorted(self.addresses),
            "how": self.how,
        }


@lru_cache(maxsize=1 << 16)
def _is_own(own: OwnSide, email: str) -> bool:
    email = email.lower()
    if email in own.addresses:
        return True
    return company_domain(email.rpartition("@")[2]) in own.domains


def infer_own_side(messages: Sequence[Message]) -> OwnSide:
    """Guess the mailbox owner when neither ``--our-domain`` nor ``--me`` is given.

    Evidence, strongest first: the Delivered-To / X-Original-To address (what the export's owner
    received), the sender of messages labelled Sent, then the most frequent sender. The owner's
    company domain is ours too, unless it is a free-mail provider.
    """
    delivered = Counter(
        address for m in messages for address in m.delivered_to if not is_automated(address)
    )
    sent = Counter(
        m.sender.email
        for m in messages
        if m.sender is not None
        and any(label.lower() in {"sent", "sent mail", "\\sent"} for label in m.labels)
    )
    senders = Counter(
        m.sender.email
        for m in messages
        if m.sender is not None and m.sender.email and not is_automated(m.sender.email)
    )
    owner, how = "", ""
    if delivered:
        owner, how = delivered.most_common(1)[0][0], "inferred from Delivered-To"
    elif sent:
        owner, how = sent.most_common(1)[0][0], "inferred from the Sent label"
    elif senders:
        owner, how = senders.most_common(1)[0][0], "inferred as the most frequent sender"
    if not owner:
        return OwnSide(how="none found")
    if is_free_mail(owner):
        return OwnSide(addresses=frozenset({owner}), how=how)
    return OwnSide(
        domains=frozenset({company_domain(owner.rpartition("@")[2])}),
        addresses=frozenset({owner}),
        how=how,
    )


def message_prospects(
    message: Message, own: OwnSide, bounced_for: Mapping[str, tuple[str, ...]] | None = None
) -> tuple[str, ...]:
    """The prospect accounts a message belongs to (sorted, without duplicates).

    People of other companies on the message make it part of their account. A bounce belongs
    to the accounts of the addresses that bounced (from the DSN, else from the message it
    answers, looked up in ``bounced_for``).
    """
    addresses: list[str] = []
    if message.is_bounce:
        addresses.extend(message.bounced_recipients)
        if not addresses and bounced_for is not None:
            addresses.extend(bounced_for.get(message.in_reply_to, ()))
    for address in message.participants:
        addresses.append(address.email)
    keys = {
        account_key(email)
        for email in addresses
        if email and "@" in email and not own.is_own(email) and not is_automated(email)
    }
    return tuple(sorted(keys))


# Job titles. Order matters: the first level whose pattern matches wins.
_SENIORITY_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "executive",
        re.compile(
            r"\b(?:chief\s+\w+(?:\s+\w+)?\s+officer|c[eotfmirp]o|cxo|founder|co-?founder|owner|"
            r"president|vice[\s-]+president|s?vp|evp|managing\s+director|general\s+manager|"
            r"managing\s+partner|partner(?!\s+(?:manager|success|marketing|program|account|sales|relations))|geschäftsführer(?:in)?|vorstand|inhaber(?:in)?|"
            r"directeur\s+général|directrice\s+générale|pdg|président(?:e)?|"
            r"director\s+general|consejero\s+delegado|amministratore\s+delegato|"
            r"administrerende\s+direktør|verkställande\s+direktör|vd|dyrektor\s+generalny|prezes)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "director",
        re.compile(
            r"\b(?:director|head\s+of|head,|bereichsleiter(?:in)?|abteilungsleiter(?:in)?|"
            r"leiter(?:in)?|directeur|directrice|responsable|direttore|direttrice|"
            r"directora?|jefe\s+de|gerente\s+general|diretor(?:a)?|dyrektor|hoofd|direktør)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "manager",
        re.compile(
            r"\b(?:manager|lead|team\s+lead|supervisor|gerente|teamleiter(?:in)?|"
            r"chef\s+de\s+projet|coordinator|controller|buyer|procurement)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "staff",
        re.compile(
            r"\b(?:analyst|engineer|specialist|associate|assistant|consultant|administrator|"
            r"developer|architect|officer|representative|executive\s+assistant|referent(?:in)?|"
            r"sachbearbeiter(?:in)?|mitarbeiter(?:in)?|chargé(?:e)?\s+de)\b",
            re.IGNORECASE,
        ),
    ),
)

_SENIORITY_RANK = {"": 0, "staff": 1, "manager": 2, "director": 3, "executive": 4}

# A title line is short, has no sentence punctuation, and is not a phone/address/URL line.
_NOT_TITLE = re.compile(r"(?:@|https?://|www\.|\+?\d[\d\s().-]{6,}|[.!?]\s*$)")


def seniority(title: str) -> str:
    """``executive`` / ``director`` / ``manager`` / ``staff`` / ``''`` for a job title."""
    for level, pattern in _SENIORITY_PATTERNS:
        if pattern.search(title):
            return level
    return ""


def seniority_rank(level: str) -> int:
    return _SENIORITY_RANK.get(level, 0)


def title_from_signature(signature: str, name: str = "") -> str:
    """The job title in a signature block, or ``''``.

    Looks at the short lines of the block (the title usually follows the name) and returns the
    first that reads as a title; ``Jane Doe | VP Sales | Acme`` style lines are split on ``|``.
    """
    if not signature:
        return ""
    name_lower = name.lower().strip()
    candidates: list[str] = []
    for raw_line in signature.splitlines()[:12]:
        line = raw_line.strip(" \t-–—*_>")
        if not line or len(line) > 90:
            continue
        for piece in re.split(r"\s*[|•·]\s*", line):
            piece = piece.strip(" ,")
            if not piece or _NOT_TITLE.search(piece) or piece.lower() == name_lower:
                continue
            # "Geschäftsführer: Dr. Klaus Feldmann" in a legal footer names someone else.
            if ":" in piece:
                continue
            if name_lower and piece.lower().startswith(name_lower + ","):
                piece = piece[len(name_lower) + 1 :].strip()
            candidates.append(piece)
    best, best_rank = "", 0
    for piece in candidates:
        if len(piece.split()) > 9:
            continue
        level = seniority(piece)
        if level and _SENIORITY_RANK[level] > best_rank:
            best, best_rank = piece, _SENIORITY_RANK[level]
    return best


@quick_pickle
@dataclass(frozen=True, slots=True)
class Person:
    """One address seen in the export, with what we know of them."""

    email: str
    name: str
    account: str
    own: bool
    title: str = ""
    seniority: str = ""
    n_sent: int = 0
    n_received: int = 0


def build_people(messages: Iterable[Message], own: OwnSide) -> dict[str, Person]:
    """Every non-automated address: best display name, account, title from signatures."""
    names: dict[str, Counter[str]] = {}
    titles: dict[str, str] = {}
    ranks: dict[str, int] = {}  # seniority rank of titles[email]
    sent: Counter[str] = Counter()
    received: Counter[str] = Counter()
    # People sign every message the same way: each (signature, name) is read once.
    read: dict[tuple[str, str], tuple[str, int]] = {}
    for message in messages:
        sender = message.sender
        if sender is not None and sender.email:
            sent[sender.email] += 1
            _count_name(names, sender)
            if message.signature and not message.is_auto_reply:
                key = (message.signature, sender.name)
                found = read.get(key)
                if found is None:
                    title = title_from_signature(*key)
                    found = read[key] = (title, seniority_rank(seniority(title)))
                title, rank = found
                if title and rank >= ranks.get(sender.email, 0):
                    titles[sender.email] = title
                    ranks[sender.email] = rank
        for address in message.recipients:
            received[address.email] += 1
            _count_name(names, address)
    people: dict[str, Person] = {}
    for email in sorted(set(sent) | set(received)):
        if is_automated(email) or "@" not in email:
            continue
        name_counts = names.get(email)
        name = name_counts.most_common(1)[0][0] if name_counts else ""
        title = titles.get(email, "")
        people[email] = Person(
            email=email,
            name=name,
            account=account_key(email),
            own=own.is_own(email),
            title=title,
            seniority=seniority(title),
            n_sent=sent[email],
            n_received=received[email],
        )
    return people


def _count_name(names: dict[str, Counter[str]], address: Address) -> None:
    name = address.name.strip().strip("'\"")
    if name and "@" not in name:
        names.setdefault(address.email, Counter())[name] += 1
