"""Records passed between the pipeline stages.

Every record is a frozen dataclass: stages return new objects instead of mutating their
inputs. Only ``walkaway.ingest`` knows how these are built from raw mail; everything
downstream sees these types alone.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any, Literal, TypeVar

DateSource = Literal["header", "received", "none"]
Recommendation = Literal["walk_away", "escalate", "re_engage", "keep_going"]

_R = TypeVar("_R")


def quick_pickle(cls: type[_R]) -> type[_R]:
    """Give a frozen, slotted dataclass a faster pickle state: a tuple of its field values.

    Records cross between processes (and into the cache) by the hundred thousand.
    dataclasses' own state functions look the fields up again for every object; these
    read them with one ``attrgetter`` and write them straight through the slots, which cuts
    the cost of loading a message by about a third. The state of an earlier pickle (a list
    of the same values) still loads.
    """
    names = tuple(f.name for f in fields(cls))  # type: ignore[arg-type]
    slots: tuple[Callable[[object, object], None], ...] = tuple(
        cls.__dict__[name].__set__ for name in names
    )
    read = operator.attrgetter(*names)
    single = len(names) == 1

    def __getstate__(self: object) -> tuple[Any, ...]:
        return (read(self),) if single else read(self)  # type: ignore[no-any-return]

    def __setstate__(self: object, state: Sequence[Any]) -> None:
        for put, value in zip(slots, state, strict=True):
            put(self, value)

    cls.__getstate__ = __getstate__  # type: ignore[attr-defined]
    cls.__setstate__ = __setstate__  # type: ignore[attr-defined]
    return cls


@quick_pickle
@dataclass(frozen=True, slots=True)
class Address:
    """One mailbox: a normalized (lower-case, stripped) address and its display name."""

    email: str
    name: str = ""

    @property
    def domain(self) -> str:
        return self.email.rpartition("@")[2]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>" if self.name else self.email


@quick_pickle
@dataclass(frozen=True, slots=True)
class Attachment:
    """Attachment metadata only: walkaway never writes attachment content anywhere."""

    filename: str
    content_type: str
    size: int


@dataclass(frozen=True, slots=True)
class RawItem:
    """One undecoded item found in an export, before MIME parsing.

    ``kind`` says which parser applies: ``rfc822`` (mbox entries, .eml, Maildir files,
    the message part of .emlx) or ``msg`` (Outlook compound files).
    """

    source: str
    location: str
    data: bytes
    kind: Literal["rfc822", "msg"] = "rfc822"
    labels: tuple[str, ...] = ()


@quick_pickle
@dataclass(frozen=True, slots=True)
class Quarantined:
    """An input item that could not be used, and why."""

    source: str
    location: str
    reason: str
    detail: str = ""


@quick_pickle
@dataclass(frozen=True, slots=True)
class Message:
    """A parsed email, independent of the export format it came from.

    ``id`` is stable across runs and exports: the Message-ID without angle brackets, or
    ``sha256:<hex>`` of the identifying content when the Message-ID is missing.
    ``date`` is timezone-aware UTC; ``date_source`` records whether it came from the Date
    header, from the newest Received header, or could not be determined;
    ``utc_offset_minutes`` keeps the sender's own offset (for business-hours arithmetic).
    ``body`` is the readable text of the whole body (HTML converted when there is no text
    part); ``text``, ``quoted`` and ``signature`` are filled by :func:`walkaway.clean.clean`.
    """

    id: str
    source: str
    location: str
    message_id: str = ""
    date: datetime | None = None
    date_source: DateSource = "none"
    utc_offset_minutes: int | None = None
    sender: Address | None = None
    to: tuple[Address, ...] = ()
    cc: tuple[Address, ...] = ()
    reply_to: tuple[Address, ...] = ()
    delivered_to: tuple[str, ...] = ()
    subject: str = ""
    body: str = ""
    body_from_html: bool = False
    in_reply_to: str = ""
    references: tuple[str, ...] = ()
    provider_thread_id: str = ""
    thread_index: str = ""
    labels: tuple[str, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    is_auto_reply: bool = False
    auto_reply_reason: str = ""
    is_bounce: bool = False
    bounced_recipients: tuple[str, ...] = ()
    calendar_method: str = ""
    calendar_partstat: str = ""
    calendar_start: datetime | None = None
    calendar_summary: str = ""
    defects: tuple[str, ...] = ()
    size: int = 0
    text: str = ""
    quoted: str = ""
    signature: str = ""

    @property
    def participants(self) -> tuple[Address, ...]:
        """Sender first, then every recipient once."""
        seen: dict[str, Address] = {}
        for address in (self.sender, *self.to, *self.cc):
            if address is not None and address.email and address.email not in seen:
                seen[address.email] = address
        return tuple(seen.values())

    @property
    def recipients(self) -> tuple[Address, ...]:
        return tuple(a for a in (*self.to, *self.cc) if a.email)


@dataclass(frozen=True, slots=True)
class Reply:
    """A body split into the sender's new text, the quoted history and the signature."""

    text: str
    quoted: str = ""
    signature: str = ""


@quick_pickle
@dataclass(frozen=True, slots=True)
class Thread:
    """A conversation: messages in date order, and how they were linked."""

    thread_id: str
    message_ids: tuple[str, ...]
    subject: str
    method: Literal["jwz", "provider", "subject", "single"] = "jwz"
    placeholders: tuple[str, ...] = field(default=())


@quick_pickle
@dataclass(frozen=True, slots=True)
class Signal:
    """One fired signal, always with the email that proves it."""

    prospect: str
    signal: str
    message_id: str
    date: datetime | None
    evidence: str
    strength: float = 1.0


@quick_pickle
@dataclass(frozen=True, slots=True)
class Reason:
    """One contribution to a prospect's score."""

    code: str
    contribution: float
    detail: str = ""


@dataclass(frozen=True, slots=True)
class ProspectScore:
    prospect: str
    score: float
    band: str
    recommendation: Recommendation
    reasons: tuple[Reason, ...] = ()
