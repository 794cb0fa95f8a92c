"""Small builders for hand-made Messages in unit tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from walkaway.types import Address, Message

_counter = iter(range(1, 10**9))


def when(day: str, hour: int = 10, minute: int = 0) -> datetime:
    """A UTC datetime from an ISO date and an hour."""
    return datetime.fromisoformat(day).replace(hour=hour, minute=minute, tzinfo=UTC)


def msg(
    sender: str,
    to: str | list[str],
    date: datetime,
    *,
    subject: str = "Pilot",
    text: str = "Hello",
    cc: list[str] | None = None,
    signature: str = "",
    auto: bool = False,
    bounce: bool = False,
    bounced: tuple[str, ...] = (),
    in_reply_to: str = "",
    labels: tuple[str, ...] = (),
    delivered_to: tuple[str, ...] = (),
    offset: int | None = 0,
    message_id: str | None = None,
) -> Message:
    number = next(_counter)
    mid = message_id or f"m{number}@test"
    recipients = [to] if isinstance(to, str) else to
    return Message(
        id=mid,
        source="test",
        location=str(number),
        message_id=mid,
        date=date,
        date_source="header",
        utc_offset_minutes=offset,
        sender=Address(sender, sender.split("@")[0].title()),
        to=tuple(Address(a) for a in recipients),
        cc=tuple(Address(a) for a in cc or ()),
        subject=subject,
        body=text,
        text=text,
        signature=signature,
        is_auto_reply=auto,
        is_bounce=bounce,
        bounced_recipients=bounced,
        in_reply_to=in_reply_to,
        labels=labels,
        delivered_to=delivered_to,
    )


def days(n: float) -> timedelta:
    return timedelta(days=n)
