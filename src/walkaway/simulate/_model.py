"""The simulator's own working records: people, threads and messages about to be rendered."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from walkaway.simulate._clock import Zone

Client = Literal["gmail", "outlook", "apple", "other"]


@dataclass(slots=True)
class Person:
    """Someone who sends or receives mail in the simulation."""

    name: str
    email: str
    first: str
    title: str
    role: str
    zone: Zone
    client: Client
    lang: str = "en"
    signature: str = ""
    sig_dash: bool = False
    mobile: float = 0.0
    sloppy: float = 0.0
    html_only: bool = False
    outlook_tenant: str = ""
    display: str = ""

    def address(self) -> tuple[str, str]:
        return (self.display or self.name, self.email)


@dataclass(slots=True)
class Thread:
    """A conversation as Gmail sees it: one X-GM-THRID, one subject line."""

    gm_thrid: int
    subject: str
    index_root: bytes
    message_ids: list[str] = field(default_factory=list)
    last_subject: str = ""
    last_text: str = ""
    last_own_text: str = ""
    last_sender: Person | None = None
    last_to: list[Person] = field(default_factory=list)
    last_date: datetime | None = None


@dataclass(slots=True)
class Mail:
    """One message, fully decided, waiting to be rendered to bytes."""

    message_id: str
    gm_id: int
    gm_thrid: int
    date: datetime
    sender: Person
    to: list[Person]
    cc: list[Person]
    subject: str
    text: str
    html: str | None = None
    html_only: bool = False
    in_reply_to: str = ""
    references: tuple[str, ...] = ()
    labels: str = "Inbox"
    inbound: bool = True
    thread_topic: str = ""
    thread_index: str = ""
    extra_headers: list[tuple[str, str]] = field(default_factory=list)
    calendar: tuple[str, str] | None = None
    attachment: tuple[str, str, bytes] | None = None
    raw_from: str = ""
