"""Mail that belongs to no prospect: newsletters, tool notifications, and our own team talking.

Real mailboxes are full of it, and a prospect finder must not turn any of it into a deal.
Internal mail names prospect companies on purpose: mentioning a company is not talking to it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from walkaway.simulate._banks import Slots, load_banks
from walkaway.simulate._clock import ZONES, business_time
from walkaway.simulate._compose import compose
from walkaway.simulate._mime import mbox_entry, message_id_for, render
from walkaway.simulate._model import Mail, Person, Thread
from walkaway.simulate._world import Context

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")  # fmt: skip


@dataclass(slots=True)
class Extras:
    entries: list[bytes]
    noise: int
    internal: int
    threads: int


def _gm_id(when: datetime, rng: random.Random) -> int:
    return (int(when.timestamp() * 1000) << 20) | rng.getrandbits(20)


def extras_for(
    ctx: Context, index: int, first: datetime, last: datetime, company: str, other_company: str
) -> Extras:
    """Noise and internal mail dated within the window of prospect ``index``'s deal."""
    rng = random.Random(f"walkaway.simulate:{ctx.seed}:extras:{index}")
    banks = load_banks()
    other = banks.other
    span = max((last - first).total_seconds(), 3600.0)
    out = Extras(entries=[], noise=0, internal=0, threads=0)
    slots = Slots(
        company=company,
        company2=other_company,
        product=ctx.product,
        se=ctx.se.first,
        n=str(rng.randint(100, 9999)),
        year=str(first.year),
        month=_MONTHS[first.month - 1],
        day=("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")[rng.randrange(5)],
        time=rng.choice(("10am", "11:30am", "2pm", "3pm", "4:30pm")),
        date=f"{first.day} {_MONTHS[first.month - 1][:3]}",
        pct=str(rng.choice((10, 15, 20))),
        quarter=f"Q{(first.month - 1) // 3 + 1}",
        system=rng.choice(banks.world["systems"]),
        pain=rng.choice(banks.world["pains"]),
        competitor=rng.choice(banks.world["competitors"]),
    )
    owner = ctx.owner

    def moment() -> datetime:
        return first + timedelta(seconds=rng.uniform(0, span))

    if rng.random() < 0.45:
        sender_spec = rng.choice(other["newsletters"])
        sender = Person(
            sender_spec["name"],
            sender_spec["email"],
            sender_spec["name"],
            "",
            "newsletter",
            ZONES["us_east"],
            "other",
        )
        when = business_time(moment(), sender.zone, rng)
        subject = rng.choice(other["newsletter_subject"]).format_map(slots)
        paragraphs = rng.sample(other["newsletter_body"], 3)
        html = (
            '<!DOCTYPE html><html><body style="margin:0"><table width="100%"><tr><td>'
            f"<h1>{subject}</h1>"
            + "".join(f"<p>{p}</p>" for p in paragraphs)
            + f'<p><a href="https://{sender.email.rpartition("@")[2]}/unsubscribe">Unsubscribe</a></p>'
            "</td></tr></table></body></html>\n"
        )
        list_id = sender_spec["list"]
        domain = sender.email.rpartition("@")[2]
        token = f"{rng.getrandbits(64):016x}"
        headers = [
            ("Precedence", "bulk"),
            ("List-Id", f"{sender_spec['name']} <{list_id}>"),
            (
                "List-Unsubscribe",
                f"<https://{domain}/u/{token}>, <mailto:unsubscribe-{token}@{domain}>",
            ),
            ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
        ]
        html_only = rng.random() < 0.6
        text = "\n\n".join([subject, *paragraphs, f"Unsubscribe: https://{domain}/u/{token}"])
        labels = rng.choice(
            (
                "Category Promotions,Unread",
                "Inbox,Category Updates,Opened",
                "Category Promotions,Opened",
            )
        )
        _single(
            out, ctx, rng, sender, [owner], subject, text, html, when, headers, html_only, labels
        )
        out.noise += 1
    if rng.random() < 0.2:
        spec = rng.choice(other["notifications"])
        domain = (
            "google.com"
            if spec["local"] in ("calendar-notification", "drive-shares-noreply")
            else f"mail.{ctx.our_domain}"
        )
        sender = Person(
            spec["name"],
            f"{spec['local']}@{domain}",
            spec["name"],
            "",
            "notification",
            ZONES["us_pacific"],
            "other",
        )
        when = moment()
        subject = spec["subject"].format_map(slots)
        text = spec["body"].format_map(slots) + "\n"
        headers = [("Auto-Submitted", "auto-generated")]
        labels = "Inbox,Category Updates,Opened"
        _single(out, ctx, rng, sender, [owner], subject, text, None, when, headers, False, labels)
        out.noise += 1
    if rng.random() < 0.22:
        peer = rng.choice((ctx.manager, ctx.se, ctx.colleague, ctx.csm))
        subject = rng.choice(other["internal_subject"]).format_map(slots)
        thread = Thread(gm_thrid=0, subject=subject, index_root=b"\0" * 22)
        people = [owner, peer] if rng.random() < 0.5 else [peer, owner]
        when = business_time(moment(), people[0].zone, rng)
        for position in range(rng.choice((1, 2, 2, 3))):
            sender, recipient = people[position % 2], people[(position + 1) % 2]
            bank = other["internal_body"] if position == 0 else other["internal_reply"]
            text = rng.choice(bank).format_map(slots)
            _threaded(out, ctx, rng, thread, sender, recipient, text, when)
            when = business_time(when + timedelta(hours=rng.uniform(0.2, 6)), recipient.zone, rng)
        out.threads += 1
    return out


def _single(
    out: Extras,
    ctx: Context,
    rng: random.Random,
    sender: Person,
    to: list[Person],
    subject: str,
    text: str,
    html: str | None,
    when: datetime,
    headers: list[tuple[str, str]],
    html_only: bool,
    labels: str,
) -> None:
    gm_id = _gm_id(when, rng)
    mail = Mail(
        message_id=message_id_for(sender, rng, when),
        gm_id=gm_id,
        gm_thrid=gm_id,
        date=sender.zone.local(when),
        sender=sender,
        to=to,
        cc=[],
        subject=subject,
        text=text,
        html=html,
        html_only=html_only,
        labels=labels,
        extra_headers=headers,
    )
    out.entries.append(mbox_entry(gm_id, mail.date, render(mail, ctx.owner.email, rng)))
    out.threads += 1


def _threaded(
    out: Extras,
    ctx: Context,
    rng: random.Random,
    thread: Thread,
    sender: Person,
    recipient: Person,
    text: str,
    when: datetime,
) -> None:
    banks = load_banks()
    local = sender.zone.local(when)
    body = compose(
        banks=banks,
        sender=sender,
        paragraphs=[
            f"{recipient.first} -" if rng.random() < 0.5 else f"Hi {recipient.first},",
            text,
        ],
        closing=sender.first,
        footer="",
        thread=thread if thread.message_ids else None,
        when=local,
        quote=True,
    )
    gm_id = _gm_id(when, rng)
    if not thread.gm_thrid:
        thread.gm_thrid = gm_id
    mail = Mail(
        message_id=message_id_for(sender, rng, when),
        gm_id=gm_id,
        gm_thrid=thread.gm_thrid,
        date=local,
        sender=sender,
        to=[recipient],
        cc=[],
        subject=("Re: " + thread.subject) if thread.message_ids else thread.subject,
        text=body.text,
        html=body.html,
        in_reply_to=thread.message_ids[-1] if thread.message_ids else "",
        references=tuple(thread.message_ids),
        labels="Sent" if sender is ctx.owner else "Inbox,Opened",
        inbound=sender is not ctx.owner,
    )
    out.entries.append(mbox_entry(gm_id, mail.date, render(mail, ctx.owner.email, rng)))
    thread.message_ids.append(mail.message_id)
    thread.last_subject = mail.subject
    thread.last_text = body.text
    thread.last_own_text = body.own
    thread.last_sender = sender
    thread.last_to = [recipient]
    thread.last_date = when.astimezone(UTC)
    out.internal += 1
