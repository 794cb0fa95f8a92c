"""One prospect's deal, from first touch to outcome, as a list of rendered mbox entries.

A deal runs through stages (intro, discovery call, recap, demo, proposal, decision) on one
clock. The plan's archetype sets traits (reply latency and its drift, how questions get
answered, deferrals, missed meetings ...), and every behaviour injected into a message is
recorded with that message's id, so the truth file can point at the exact emails.
"""

from __future__ import annotations

import base64
import hashlib
import math
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from walkaway.simulate._banks import Slots, load_banks
from walkaway.simulate._clock import business_time, meeting_slot, quarter_after
from walkaway.simulate._compose import compose, roughen
from walkaway.simulate._mime import ics, mbox_entry, message_id_for, render, render_dsn
from walkaway.simulate._model import Mail, Person, Thread
from walkaway.simulate._world import (
    Context,
    make_company,
    make_contact,
    outlook_tenant,
    plan_for,
)

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")  # fmt: skip
_MONTHS_SHORT = tuple(month[:3] for month in _MONTHS)
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# Phrasings that only make sense in some months: intent -> (word in the phrase, months).
_SEASONAL: dict[str, tuple[str, tuple[int, ...]]] = {
    "deferral": ("holiday", (11, 12)),
    "repeated_deferral": ("holiday", (11, 12)),
    "deferral_ack": ("holiday", (11, 12)),
    "deferral_followup": ("holiday", (1, 2)),
    "deferral_return": ("holiday", (1, 2)),
    "post_loss_checkin": ("New year", (1, 2)),
}
_TWELVE_HOUR_REGIONS = frozenset({"us", "ca", "au", "in", "sg", "ie", "uk"})


@dataclass(slots=True)
class Traits:
    """How this prospect behaves; drawn once per deal from its archetype."""

    base_latency: float = 8.0
    drift: float = 0.0
    reply_p: float = 0.96
    fade: float = 0.0
    shorten: float = 0.03
    specific: float = 0.85
    dodge: float = 0.03
    vague: float = 0.05
    value_unclear: float = 0.02
    price: float = 0.05
    misses: int = 0
    deferrals: int = 0
    deferral_kept: bool = False
    no_authority: bool = False
    contacts: int = 1
    exec_joins: bool = False
    procurement: bool = False
    champion_leaves: bool = False
    auto_reply_only: bool = False
    hard_negotiation: bool = False
    one_reschedule: bool = False
    ooo: bool = False
    inbound: bool = False
    ending: str = "signed"
    stop_stage: int = 99


@dataclass(slots=True)
class DealResult:
    """What the orchestrator writes: mbox entries, the truth record and the deals.csv row."""

    entries: list[bytes]
    truth: dict[str, Any]
    prospect: str
    outcome: str
    closed_at: date | None
    first: datetime
    last: datetime
    company: str


class _Stop(Exception):
    """The prospect went silent: skip the remaining stages and close the deal."""


class Deal:
    """Generates one prospect's mail. Use :meth:`run` once."""

    def __init__(self, ctx: Context, index: int) -> None:
        self.ctx = ctx
        self.index = index
        self.rng = random.Random(f"walkaway.simulate:{ctx.seed}:prospect:{index}")
        self.banks = load_banks()
        self.plan = plan_for(ctx.seed, index)
        self.owner = ctx.owner
        rng = self.rng
        self.company = make_company(ctx, index, self.plan.free_mail, rng)
        tenant = outlook_tenant(self.company.region, rng)
        used: set[str] = {ctx.owner.first, ctx.se.first, ctx.manager.first, ctx.csm.first}
        self.champion = make_contact(self.company, "champion", rng, used, tenant)
        if self.company.free_mail:
            self.colleagues: list[Person] = []
            self.exec: Person | None = None
            self.procurement: Person | None = None
        else:
            self.colleagues = [
                make_contact(self.company, "colleague", rng, used, tenant) for _ in range(3)
            ]
            self.exec = make_contact(self.company, "exec", rng, used, tenant)
            self.procurement = make_contact(self.company, "procurement", rng, used, tenant)
        self.prospect_key = self.champion.email if self.company.free_mail else self.company.domain
        self.tr = self._traits()
        low, high = ctx.messages
        target = rng.triangular(low, high, low + (high - low) * 0.35)
        if self.plan.outcome == "won":
            target *= 1.15
        elif self.plan.archetype in ("slow_fade", "auto_reply_only", "champion_left"):
            target *= 0.8
        self.target = max(4, round(target))
        self.entries: list[bytes] = []
        self.behaviours: dict[str, list[str]] = {}
        self.confounders: dict[str, list[str]] = {}
        self.thread_ids: list[int] = []
        self.involved: list[Person] = [self.champion]
        self.n = 0
        self.first: datetime | None = None
        self.last: datetime | None = None
        self.closed_at: date | None = None
        self.misses_left = self.tr.misses
        self.rescheduled = False
        self.deferrals_left = self.tr.deferrals
        self.last_quarter = ""
        self.colleagues_left = list(self.colleagues[: self.tr.contacts])
        self.asked: list[str] = []
        self.slot: datetime | None = None
        self.slot2: datetime | None = None
        self.main: Thread | None = None
        self.responders: dict[tuple[str, bool], tuple[str, str, float]] = {}
        self._default_slot: datetime | None = None
        self._time_key: tuple[Any, ...] = ()
        self._time_values: dict[str, str] = {}
        self.proposal_thread: Thread | None = None
        self.current: Thread | None = None
        self.decision_thread: Thread | None = None
        # Healthy deals (won, and the confounder that is lost out of the blue) always get answers.
        self.healthy = self.plan.outcome == "won" or self.plan.archetype in (
            "sudden_loss",
            "open_healthy",
            "open_early",
        )
        # Archetypes whose defining behaviour shows at the proposal stay engaged until then.
        self.engaged = self.plan.archetype in (
            "champion_left",
            "auto_reply_only",
            "serial_deferral",
            "price_shopper",
            "value_unclear",
            "no_authority",
        )
        offset_days = rng.uniform(0, ctx.span_days)
        if self.plan.outcome == "open":
            offset_days = ctx.span_days * rng.uniform(0.55, 1.0)
        begin = datetime.combine(ctx.start, time(13), UTC) + timedelta(days=offset_days)
        self.t = business_time(begin, self.owner.zone, rng)
        self.base = self._base_slots()

    # ------------------------------------------------------------------ plan and traits

    def _traits(self) -> Traits:
        rng, plan = self.rng, self.plan
        tr = Traits()
        tr.inbound = rng.random() < 0.3
        healthy = plan.outcome == "won" or plan.archetype in (
            "sudden_loss",
            "open_healthy",
            "open_early",
        )
        if healthy:
            tr.base_latency = rng.uniform(2.5, 14)
            tr.drift = rng.uniform(-0.6, 0.15)
            tr.contacts = 0 if self.company.free_mail else rng.choice((1, 2, 2, 3))
            tr.exec_joins = not self.company.free_mail and (
                plan.archetype == "exec_sponsored" or rng.random() < 0.55
            )
            tr.procurement = not self.company.free_mail and rng.random() < 0.6
            tr.specific = rng.uniform(0.75, 0.95)
            tr.ooo = rng.random() < 0.15
            if plan.archetype == "technical_win":
                tr.contacts = 0 if self.company.free_mail else 3
            if plan.outcome == "won":
                forced = plan.forced_confounder
                tr.hard_negotiation = forced == "hard_negotiation" or rng.random() < 0.08
                tr.deferral_kept = forced == "deferral_kept" or rng.random() < 0.03
                tr.one_reschedule = forced == "one_reschedule" or rng.random() < 0.05
                tr.vague = 0.12 if rng.random() < 0.15 else 0.03
                tr.ending = "signed"
            elif plan.archetype == "sudden_loss":
                tr.ending = "competitor"
            else:
                tr.ending = "open"
                tr.stop_stage = (
                    rng.choice((1, 2)) if plan.archetype == "open_early" else rng.choice((2, 3, 4))
                )
            return tr
        # Disengaging prospects: latency grows, replies thin out, answers get vaguer.
        tr.base_latency = rng.uniform(6, 30)
        tr.drift = rng.uniform(0.9, 1.7)
        tr.reply_p = 0.9
        tr.fade = rng.uniform(0.25, 0.45)
        tr.shorten = rng.uniform(0.2, 0.4)
        tr.specific = rng.uniform(0.25, 0.5)
        tr.dodge = 0.2
        tr.vague = 0.25
        tr.value_unclear = 0.1
        tr.price = 0.1
        tr.contacts = 0 if self.company.free_mail else rng.choice((0, 0, 1))
        tr.exec_joins = not self.company.free_mail and rng.random() < 0.08
        tr.ending = rng.choice(("silence_breakup", "silence_breakup", "silence", "pass"))
        archetype = plan.archetype
        if archetype == "slow_fade":
            tr.drift, tr.fade, tr.shorten = rng.uniform(2.0, 2.8), 0.55, 0.7
        elif archetype == "serial_deferral":
            tr.deferrals = rng.choice((2, 2, 3))
        elif archetype == "price_shopper":
            tr.price = 0.9
            tr.ending = rng.choice(("competitor", "competitor", "silence_breakup"))
        elif archetype == "meeting_misser":
            tr.misses = rng.choice((2, 3, 3))
        elif archetype == "no_authority":
            tr.no_authority, tr.exec_joins = True, False
        elif archetype == "vague_dodger":
            tr.vague, tr.dodge, tr.specific = 0.8, 0.7, 0.08
        elif archetype == "value_unclear":
            tr.value_unclear = 0.85
            tr.ending = rng.choice(("pass", "pass", "silence_breakup"))
        elif archetype == "champion_left":
            tr.champion_leaves, tr.ending = True, "silence"
        elif archetype == "auto_reply_only":
            tr.auto_reply_only, tr.ending = True, "silence_breakup"
        elif archetype == "open_cooling":
            tr.drift, tr.fade = rng.uniform(1.0, 2.0), 0.3
            tr.ending = "open"
            tr.stop_stage = rng.choice((2, 3, 4))
        if plan.outcome == "lost":
            # Disengagement rarely comes alone: secondary behaviours, each independently.
            if rng.random() < 0.45:
                tr.deferrals = max(tr.deferrals, 1)
            if rng.random() < 0.35:
                tr.price = max(tr.price, 0.5)
            if rng.random() < 0.25:
                tr.vague = max(tr.vague, 0.6)
            if rng.random() < 0.25:
                tr.dodge = max(tr.dodge, 0.6)
            if rng.random() < 0.35:
                tr.misses = max(tr.misses, 1)
            if rng.random() < 0.3:
                tr.no_authority, tr.exec_joins = True, False
        return tr

    # ------------------------------------------------------------------ slots and phrases

    def _base_slots(self) -> dict[str, str]:
        rng, world, company = self.rng, self.banks.world, self.company
        price = rng.choice((18, 24, 36, 48, 60, 72, 96, 120, 150)) * 1000
        pct = rng.choice((10, 12, 15, 20, 25, 30))
        colleague = self.colleagues[0] if self.colleagues else self.champion
        executive = self.exec or self.champion
        boss_lang = (
            company.lang if company.lang in world["boss_refs"] and rng.random() < 0.3 else "en"
        )
        return {
            "company": company.name,
            "company_slug": company.slug,
            "product": self.ctx.product,
            "domain": company.domain,
            "system": rng.choice(world["systems"]),
            "idp": rng.choice(world["idps"]),
            "pain": rng.choice(world["pains"]),
            "topic": rng.choice(world["topics"]),
            "competitor": rng.choice(world["competitors"]),
            "case_company": rng.choice(world["case_companies"]),
            "role": rng.choice(world["roles"]),
            "n": str(rng.choice((12, 25, 40, 60, 85, 120, 250, 400))),
            "sites": str(rng.choice((2, 3, 4, 6, 9))),
            "hours": str(rng.choice((6, 10, 15, 20, 30))),
            "pct": str(pct),
            "price": f"${price:,}",
            "counter": f"${price * (100 - pct) // 100:,}",
            "po": str(rng.randint(4500000000, 4599999999)),
            "colleague": colleague.name,
            "colleague_first": colleague.first,
            "colleague_title": colleague.title,
            "exec": executive.name,
            "exec_first": executive.first,
            "exec_title": executive.title,
            "boss": rng.choice(world["boss_refs"][boss_lang]),
            "their_boss": rng.choice(world["their_boss_refs"]),
            "se": self.ctx.se.first,
            "year": str(self.ctx.start.year),
            "other": (
                self.colleagues[1].email if len(self.colleagues) > 1 else f"info@{company.domain}"
            ),
            "company2": company.name,
            "question": "",
            "return_date": "",
            "name": self.champion.name,
        }

    def _slots(self, sender: Person, recipient: Person | None, **extra: str) -> Slots:
        slots = Slots(self.base)
        slots.update(self._time_slots())
        slots["first"] = recipient.first if recipient else ""
        slots["me"] = sender.first
        slots["weekday"] = _WEEKDAYS[sender.zone.local(self.t).weekday()]
        slots.update(extra)
        return slots

    def _time_slots(self) -> dict[str, str]:
        """Day, time and date placeholders; recomputed only when the clock or the slot moves."""
        now = self.t
        if self.slot is not None:
            self.slot = self._roll(self.slot)
        key = (now, self.slot, self.slot2, self.last_quarter)
        if key == self._time_key:
            return self._time_values
        rng = self.rng
        if self.slot is None and (
            self._default_slot is None or self._default_slot <= now + timedelta(hours=20)
        ):
            self._default_slot = meeting_slot(now, self.champion.zone, rng, (2, 6), self.owner.zone)
        slot = self.slot or self._default_slot
        assert slot is not None
        slot2 = self.slot2 if self.slot2 and self.slot2 > slot else slot + timedelta(days=1)
        zone = self.champion.zone
        local, local2 = zone.local(slot), zone.local(slot2)
        twelve = self.company.region in _TWELVE_HOUR_REGIONS
        later = now + timedelta(days=rng.randint(8, 20))
        much_later = later + timedelta(days=rng.randint(14, 35))
        label, _ = quarter_after(now.date())
        values = {
            "day": _WEEKDAYS[local.weekday()],
            "day2": _WEEKDAYS[local2.weekday()],
            "time": _clock_text(local, twelve),
            "time2": _clock_text(local2, twelve),
            "tz": zone.abbreviation(slot) if zone.label != "UK time" else "UK time",
            "date": _date_text(later, twelve),
            "date2": _date_text(much_later, twelve),
            "quarter": label,
            "quarter_prev": self.last_quarter or label,
            "month": _MONTHS[(now.month + 1) % 12],
            "slot_date": _date_text(local, twelve),
        }
        self._time_key, self._time_values = key, values
        return values

    def _roll(self, slot: datetime) -> datetime:
        """Move a proposed slot on by whole weeks until it is a day ahead (same weekday, time)."""
        zone = self.champion.zone
        while slot <= self.t + timedelta(hours=20):
            local = zone.local(slot).replace(tzinfo=None) + timedelta(days=7)
            slot = zone.to_utc(local)
        return slot

    def _soon(self, hours: float) -> datetime:
        """A moment shortly after now, for replies that do not wait for business hours."""
        self.t += timedelta(hours=self.rng.uniform(0.2, hours))
        return self.t

    def _say(self, side: str, intent: str, slots: Slots) -> str:
        bank = self.banks.prospect if side == "prospect" else self.banks.rep
        phrases = bank[intent]
        if intent in _SEASONAL:
            word, months = _SEASONAL[intent]
            if self.t.month not in months:
                # "After the holidays" is something people say in November, not in May.
                phrases = tuple(p for p in phrases if word not in p)
        return self.rng.choice(phrases).format_map(slots)

    # ------------------------------------------------------------------ timing

    def _progress(self) -> float:
        return min(1.0, self.n / self.target)

    def _later(self, person: Person, hours: float, sigma: float = 0.55) -> datetime:
        delay = self.rng.lognormvariate(math.log(max(hours, 0.05)), sigma)
        earliest = self.t + timedelta(hours=delay, minutes=2)
        self.t = business_time(earliest, person.zone, self.rng)
        return self.t

    def _rep_time(self) -> datetime:
        return self._later(self.owner, self.rng.choice((0.6, 1.5, 3, 5)))

    def _prospect_time(self) -> tuple[datetime, float]:
        factor = math.exp(self.tr.drift * self._progress())
        # Capped at three weeks: slower than that is silence, which the stages model explicitly.
        return self._later(self.champion, min(self.tr.base_latency * factor, 500.0), 0.6), factor

    def _jump(self, days: float) -> None:
        self.t = business_time(self.t + timedelta(days=days), self.owner.zone, self.rng)

    def _offer_new_time(self, discussion: Thread, rng: random.Random) -> bool:
        """After a declined or cancelled meeting the champion may ask for another slot."""
        if not (self.misses_left > 0 or self._will_reply()):
            return False
        self.slot = meeting_slot(self.t, self.champion.zone, rng, (3, 9), self.owner.zone)
        text = self.write(
            self.champion,
            discussion,
            [self.say("prospect", "reschedule", self.champion, self.owner)],
            self._prospect_time()[0],
            keep=1,
        )
        self.mark("missed_meetings", text)
        return True

    def _will_reply(self) -> bool:
        chance = self.tr.reply_p - (0 if self.engaged else self.tr.fade * self._progress())
        return self.rng.random() < chance

    # ------------------------------------------------------------------ sending

    def _thread(self, subject: str, people: list[Person]) -> Thread:
        root = self.rng.getrandbits(176).to_bytes(22, "big")
        thread = Thread(gm_thrid=0, subject=subject, index_root=root)
        thread.last_to = list(people)
        return thread

    def mark(self, behaviour: str, mail: Mail | str, *, confounder: bool = False) -> None:
        mid = mail if isinstance(mail, str) else mail.message_id
        target = self.confounders if confounder else self.behaviours
        target.setdefault(behaviour, []).append(mid)

    def _labels(self, sender: Person) -> str:
        if sender is self.owner:
            return "Sent"
        roll = self.rng.random()
        if roll < 0.55:
            return "Inbox,Opened"
        if roll < 0.75:
            return "Inbox,Important,Opened"
        if roll < 0.88:
            return "Archived,Opened"
        if roll < 0.94:
            return "Inbox,Category Personal,Opened"
        return "Inbox,Unread"

    def _recipients(
        self, sender: Person, thread: Thread, to: list[Person] | None, cc: list[Person] | None
    ) -> tuple[list[Person], list[Person]]:
        if to is None:
            last = thread.last_sender
            to = (
                [last]
                if last is not None and last is not sender
                else [p for p in thread.last_to if p is not sender][:1]
            )
            if not to:
                to = [self.owner if sender is not self.owner else self.champion]
        if cc is None:
            seen = {id(p) for p in (*to, sender)}
            cc = []
            for person in (*thread.last_to, thread.last_sender):
                if person is not None and id(person) not in seen:
                    seen.add(id(person))
                    cc.append(person)
        if sender is not self.owner and all(p is not self.owner for p in (*to, *cc)):
            cc = [*cc, self.owner]
        return to, cc

    def send(
        self,
        sender: Person,
        thread: Thread,
        paragraphs: list[str],
        when: datetime,
        *,
        to: list[Person] | None = None,
        cc: list[Person] | None = None,
        closing: str | None = None,
        footer: str | None = None,
        subject: str | None = None,
        quote: bool = True,
        attachment: tuple[str, str, bytes] | None = None,
        calendar: tuple[str, str] | None = None,
        extra_headers: list[tuple[str, str]] | None = None,
        plain_only: bool = False,
        record: bool = True,
    ) -> Mail:
        """Decide headers, compose the body, render, and append the mbox entry.

        ``record=False`` is for automatic replies: they join the Gmail thread, but people go on
        replying to the message before them, so they never become the thread's last message.
        """
        rng = self.rng
        to, cc = self._recipients(sender, thread, to, cc)
        if subject is None:
            subject = self._reply_subject(sender, thread) if thread.message_ids else thread.subject
        if closing is None:
            closing = self._closing(sender)
        if footer is None:
            footer = self._footer(sender)
        local_when = sender.zone.local(when)
        body = compose(
            banks=self.banks,
            sender=sender,
            paragraphs=paragraphs,
            closing=closing,
            footer=footer,
            thread=thread if thread.message_ids else None,
            when=local_when,
            quote=quote,
        )
        gm_id = (int(when.timestamp() * 1000) << 20) | rng.getrandbits(20)
        if not thread.gm_thrid:
            thread.gm_thrid = gm_id
            self.thread_ids.append(gm_id)
        html: str | None = None
        html_only = False
        if not plain_only and calendar is None:
            client = sender.client
            if client == "outlook" and sender.html_only:
                html, html_only = body.html, True
            elif rng.random() < {"gmail": 0.9, "outlook": 0.95, "apple": 0.5}.get(client, 0.15):
                html = body.html
        depth = len(thread.message_ids)
        thread_index = ""
        if sender.client == "outlook":
            tail = b"".join(rng.getrandbits(40).to_bytes(5, "big") for _ in range(min(depth, 12)))
            thread_index = base64.b64encode(thread.index_root + tail).decode("ascii")
        mail = Mail(
            message_id=message_id_for(sender, rng, when),
            gm_id=gm_id,
            gm_thrid=thread.gm_thrid,
            date=local_when,
            sender=sender,
            to=to,
            cc=cc,
            subject=subject,
            text=body.text,
            html=html,
            html_only=html_only,
            in_reply_to=thread.message_ids[-1] if thread.message_ids else "",
            references=tuple(thread.message_ids[-20:]),
            labels=self._labels(sender),
            inbound=sender is not self.owner,
            thread_topic=thread.subject,
            thread_index=thread_index,
            extra_headers=extra_headers or [],
            calendar=calendar,
            attachment=attachment,
        )
        self._emit(mail, render(mail, self.owner.email, rng))
        if not record:
            return mail
        if calendar is None:
            self.current = thread
        thread.message_ids.append(mail.message_id)
        thread.last_subject = subject
        thread.last_text = body.text
        thread.last_own_text = body.own
        thread.last_sender = sender
        thread.last_to = [*to, *cc]
        thread.last_date = when
        return mail

    def _emit(self, mail: Mail, data: bytes) -> None:
        self.entries.append(mbox_entry(mail.gm_id, mail.date, data))
        self.n += 1
        utc = mail.date.astimezone(UTC)
        if self.first is None or utc < self.first:
            self.first = utc
        if self.last is None or utc > self.last:
            self.last = utc

    def _reply_subject(self, sender: Person, thread: Thread) -> str:
        prefixes = self.banks.mail["reply_prefix"][sender.client]
        prefix = prefixes.get(sender.lang, prefixes["en"])
        previous = thread.last_subject or thread.subject
        if previous.startswith(prefix):
            return previous
        if previous != thread.subject and self.rng.random() < 0.3:
            return prefix + previous
        return prefix + thread.subject

    def _closing(self, sender: Person) -> str:
        rng = self.rng
        side = (
            self.banks.rep
            if sender.role in ("owner", "se", "manager", "csm", "ae")
            else self.banks.prospect
        )
        key = "signoff"
        if sender.lang != "en" and f"signoff_{sender.lang}" in side and rng.random() < 0.35:
            key = f"signoff_{sender.lang}"
        signoff = rng.choice(side[key])
        return f"{signoff}\n{sender.first}" if signoff != "-" else f"- {sender.first}"

    def _footer(self, sender: Person) -> str:
        rng = self.rng
        if rng.random() < sender.mobile:
            footers = self.banks.mail["mobile_footer"]
            return rng.choice(
                footers.get(sender.lang, footers["en"]) if rng.random() < 0.5 else footers["en"]
            )
        return sender.signature

    def _greeting(self, sender: Person, recipient: Person | None, slots: Slots) -> str:
        rng = self.rng
        if sender.role in ("owner", "se", "manager", "csm", "ae"):
            return rng.choice(self.banks.rep["greeting"]).format_map(slots)
        key = "greeting"
        if sender.lang != "en" and rng.random() < 0.35:
            key = f"greeting_{sender.lang}"
        return rng.choice(self.banks.prospect[key]).format_map(slots)

    def write(
        self,
        sender: Person,
        thread: Thread,
        sentences: list[str],
        when: datetime,
        *,
        recipient: Person | None = None,
        short: bool = False,
        keep: int = 0,
        **kwargs: Any,
    ) -> Mail:
        """Send a message made of ``sentences``; the first ``keep`` are never roughened."""
        rng = self.rng
        if recipient is None:
            candidates = [*(kwargs.get("to") or ()), thread.last_sender, *thread.last_to]
            recipient = next((p for p in candidates if p is not None and p is not sender), None)
        slots = self._slots(sender, recipient)
        paragraphs: list[str] = []
        if not short or rng.random() < 0.3:
            paragraphs.append(self._greeting(sender, recipient, slots))
        sentences = [
            s if i < keep else roughen(s, rng, sender.sloppy) for i, s in enumerate(sentences)
        ]
        while sentences:
            size = rng.choice((1, 2, 2, 3))
            paragraphs.append(" ".join(sentences[:size]))
            sentences = sentences[size:]
        if (
            not short
            and sender.role not in ("owner", "se", "manager", "csm", "ae")
            and rng.random() < 0.03
        ):
            # A body line starting with "From " exercises mboxrd quoting in every reader.
            paragraphs.append(self._say("prospect", "from_line", slots))
        if short:
            kwargs.setdefault("closing", sender.first if rng.random() < 0.5 else "")
            if rng.random() < 0.6:
                kwargs.setdefault("footer", "")
        return self.send(sender, thread, paragraphs, when, **kwargs)

    def say(
        self, side: str, intent: str, sender: Person, recipient: Person | None = None, **extra: str
    ) -> str:
        return self._say(side, intent, self._slots(sender, recipient, **extra))

    # ------------------------------------------------------------------ automatic mail

    def auto_reply(
        self, person: Person, trigger: Mail, thread: Thread, *, left: bool = False
    ) -> Mail:
        """An out-of-office (or "no longer with the company") reply, seconds after ``trigger``."""
        rng, mail_bank = self.rng, self.banks.mail
        when = trigger.date.astimezone(UTC) + timedelta(seconds=rng.randint(4, 240))
        self.t = max(self.t, when)
        # An auto-responder says the same thing every time, stale return date included.
        key = (person.email, left)
        if key not in self.responders:
            lang = (
                person.lang
                if person.lang in mail_bank["ooo_subject"] and rng.random() < 0.7
                else "en"
            )
            back = person.zone.local(when) + timedelta(days=rng.randint(3, 16))
            slots = self._slots(person, self.owner, return_date=_date_text(back, lang == "en"))
            slots["name"] = person.name
            if left:
                template = rng.choice(mail_bank["left_company_subject"])
                text = rng.choice(mail_bank["left_company_body"]).format_map(slots)
            else:
                template = rng.choice(mail_bank["ooo_subject"][lang])
                text = rng.choice(mail_bank["ooo_body"][lang]).format_map(slots)
            self.responders[key] = (
                template.replace("{subject}", "\0").format_map(slots),
                text,
                rng.random(),
            )
        template, text, roll = self.responders[key]
        subject = template.replace("\0", trigger.subject)
        if roll < 0.2:
            headers: list[tuple[str, str]] = []  # only the subject says it is automatic
        elif person.client == "outlook":
            headers = [("Auto-Submitted", "auto-replied"), ("X-Auto-Response-Suppress", "All"),
                       ("X-MS-Exchange-Inbox-Rules-Loop", person.email)]  # fmt: skip
        elif roll < 0.6:
            headers = [("Auto-Submitted", "auto-replied")]
        else:
            headers = [("X-Autoreply", "yes"), ("Precedence", "auto_reply")]
        return self.send(
            person,
            thread,
            [text],
            when,
            to=[trigger.sender],
            cc=[],
            closing="",
            footer="",
            subject=subject,
            quote=False,
            extra_headers=headers,
            plain_only=True,
            record=False,
        )

    def bounce(self, trigger: Mail, thread: Thread, failed: Person) -> Mail:
        """A DSN for ``trigger``: the champion's mailbox is gone."""
        rng = self.rng
        when = trigger.date.astimezone(UTC) + timedelta(seconds=rng.randint(2, 90))
        self.t = max(self.t, when)
        diagnostic = rng.choice(self.banks.mail["dsn_diagnostic"]).format(email=failed.email)
        gmail_style = rng.random() < 0.5
        domain = self.company.domain
        if gmail_style:
            daemon = Person(
                "Mail Delivery Subsystem",
                "mailer-daemon@googlemail.com",
                "Mail",
                "",
                "daemon",
                self.owner.zone,
                "other",
            )
            raw_from = "Mail Delivery Subsystem <mailer-daemon@googlemail.com>"
            subject = "Delivery Status Notification (Failure)"
            text = (
                "** Address not found **\n\nYour message wasn't delivered to "
                f"{failed.email} because the address couldn't be found, or is unable to "
                "receive mail.\n\nThe response from the remote server was:\n"
                f"{diagnostic}\n"
            )
        else:
            daemon = Person(
                "Mail Delivery System",
                f"MAILER-DAEMON@mx.{domain}",
                "Mail",
                "",
                "daemon",
                self.owner.zone,
                "other",
            )
            raw_from = f"MAILER-DAEMON@mx.{domain} (Mail Delivery System)"
            subject = "Undelivered Mail Returned to Sender"
            text = (
                f"This is the mail system at host mx.{domain}.\n\nI'm sorry to have to "
                "inform you that your message could not\nbe delivered to one or more "
                "recipients. It's attached below.\n\nFor further assistance, please send "
                "mail to postmaster.\n\n"
                "                   The mail system\n\n"
                f"<{failed.email}>: host mx.{domain}[203.0.113.{rng.randint(2, 250)}] said: "
                f"{diagnostic} (in reply to RCPT TO command)\n"
            )
        gm_id = (int(when.timestamp() * 1000) << 20) | rng.getrandbits(20)
        host = "mail.gmail.com" if gmail_style else f"mx.{domain}"
        mid = f"{when.strftime('%Y%m%d%H%M%S')}.{rng.getrandbits(40):010X}@{host}"
        mail = Mail(
            message_id=mid,
            gm_id=gm_id,
            gm_thrid=thread.gm_thrid,
            date=self.owner.zone.local(when),
            sender=daemon,
            to=[self.owner],
            cc=[],
            subject=subject,
            text=text,
            labels="Inbox,Unread",
            raw_from=raw_from,
        )
        self._emit(mail, render_dsn(mail, self.owner.email, failed.email, diagnostic, trigger, rng))
        return mail

    # ------------------------------------------------------------------ calendar

    def _invite(
        self,
        organizer: Person,
        attendees: list[Person],
        start: datetime,
        summary: str,
        uid: str,
        sequence: int,
        *,
        method: str = "REQUEST",
        thread: Thread | None = None,
        partstat_of: Person | None = None,
        partstat: str = "",
        comment: str = "",
        when: datetime | None = None,
        new_start: datetime | None = None,
    ) -> tuple[Mail, Thread]:
        """Send one calendar message (REQUEST, REPLY, COUNTER or CANCEL) about a meeting."""
        rng = self.rng
        end = start + timedelta(minutes=rng.choice((30, 30, 45, 60)))
        shown = new_start or start
        local = organizer.zone.local(shown)
        clock = _clock_text(local, True)
        day = f"{_WEEKDAYS[local.weekday()][:3]} {_MONTHS_SHORT[local.month - 1]} {local.day}"
        when_text = f"{day}, {local.year} {clock} ({organizer.zone.abbreviation(shown)})"
        if method == "REQUEST":
            subject = (
                f"{'Updated invitation' if sequence else 'Invitation'}: {summary} @ {when_text}"
            )
        elif method == "CANCEL":
            subject = (
                f"Canceled: {summary}"
                if organizer.client == "outlook"
                else f"Canceled event: {summary} @ {when_text}"
            )
        elif method == "COUNTER":
            subject = f"New Time Proposed: {summary}"
        else:
            subject = (
                f"{'Accepted' if partstat == 'ACCEPTED' else 'Declined'}: {summary} @ {when_text}"
            )
        sender = organizer if method in ("REQUEST", "CANCEL") else (partstat_of or self.champion)
        if method in ("REQUEST", "CANCEL"):
            states = [(person, "NEEDS-ACTION") for person in attendees]
            to = [p for p in attendees if p is not sender]
            lines = [
                "You have been invited to the following event."
                if method == "REQUEST"
                else "This event has been canceled.",
                f"{summary}\nWhen: {when_text}\nJoining info: meet.google.com/{_meet_code(uid)}",
                "Who:\n"
                + "\n".join(
                    f"  * {p.name}" + (" - organizer" if p is organizer else "")
                    for p in [organizer, *attendees]
                ),
            ]
            if comment:
                lines.insert(1, comment)
        else:
            states = [(sender, partstat or "ACCEPTED")]
            to = [organizer]
            verb = {"ACCEPTED": "accepted", "DECLINED": "declined"}.get(
                partstat, "proposed a new time for"
            )
            lines = [
                f"{sender.name} has {verb} this invitation."
                if method == "REPLY"
                else f"{sender.name} has proposed a new time for this meeting."
            ]
            if comment:
                lines.append(comment)
            lines.append(f"{summary}\nWhen: {when_text}")
        body = ics(
            method=method,
            uid=uid,
            sequence=sequence,
            start=shown,
            end=shown + (end - start),
            stamp=when or self.t,
            organizer=organizer,
            attendees=states,
            summary=summary,
            status="CANCELLED" if method == "CANCEL" else "CONFIRMED",
            comment=comment if method != "REQUEST" else "",
            prodid="-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN"
            if sender.client == "outlook"
            else "-//Google Inc//Google Calendar 70.9054//EN",
        )
        if thread is None:
            thread = self._thread(subject, [organizer, *attendees])
        mail = self.send(
            sender,
            thread,
            lines,
            when or self.t,
            to=to,
            cc=[],
            closing="",
            footer="Invitation from Google Calendar" if sender.client == "gmail" else "",
            subject=subject,
            quote=False,
            calendar=(method, body),
        )
        return mail, thread

    def meeting(self, kind: str, discussion: Thread, attendees: list[Person] | None = None) -> bool:
        """Invite, then attend, miss or reschedule; returns whether the meeting took place."""
        rng = self.rng
        attendees = attendees or [self.champion]
        summary = rng.choice(self.banks.mail["meeting_summary"][kind]).format_map(
            self._slots(self.owner, self.champion)
        )
        uid = f"{rng.getrandbits(104):026x}@google.com"
        sequence = 0
        invite_thread: Thread | None = None
        for _attempt in range(4):
            when = self._rep_time()
            slot = self._roll(
                self.slot or meeting_slot(self.t, self.champion.zone, rng, (2, 7), self.owner.zone)
            )
            self.slot = None
            mode = "attend"
            if self.misses_left > 0 and (kind != "intro" or rng.random() < 0.6):
                self.misses_left -= 1
                mode = rng.choices(
                    ("decline", "counter", "no_show", "cancel"), weights=(3, 2, 4, 2)
                )[0]
                if mode == "counter" and self.champion.client != "outlook":
                    mode = "decline"
            elif self.tr.one_reschedule and not self.rescheduled and self.plan.outcome == "won":
                self.rescheduled = True
                mode = "reschedule"
            cancel_uid = f"040000008200E00074C5B7101A82E008{rng.getrandbits(128):032X}"
            cancel_summary = f"{self.company.name} / {self.ctx.product} follow-up"
            if mode == "cancel":
                guests = [self.owner, *[p for p in attendees if p is not self.champion]]
                invite, invite_thread = self._invite(
                    self.champion, guests, slot, cancel_summary, cancel_uid, 0, when=self._soon(3)
                )
            else:
                invite, invite_thread = self._invite(
                    self.owner, attendees, slot, summary, uid, sequence, when=when
                )
            if mode == "attend":
                if rng.random() < 0.45:
                    partstat_time = self._later(self.champion, 3)
                    if partstat_time < slot:
                        self._invite(
                            self.owner,
                            attendees,
                            slot,
                            summary,
                            uid,
                            sequence,
                            method="REPLY",
                            thread=invite_thread,
                            partstat_of=self.champion,
                            partstat="ACCEPTED",
                            when=partstat_time,
                        )
                self.t = max(self.t, slot + timedelta(minutes=rng.randint(35, 90)))
                self.mark("meeting_held", invite)
                return True
            # Declines, counters and cancellations arrive before the meeting starts.
            before = business_time(
                self.t + (slot - self.t) * rng.uniform(0.2, 0.7), self.champion.zone, rng
            )
            if before >= slot - timedelta(minutes=30):
                before = slot - timedelta(minutes=rng.randint(40, 180))
            before = max(before, self.t + timedelta(minutes=5))
            if mode == "reschedule":
                self.t = before
                self.slot = meeting_slot(self.t, self.champion.zone, rng, (2, 5), self.owner.zone)
                mail = self.write(
                    self.champion,
                    discussion,
                    [self.say("prospect", "reschedule", self.champion, self.owner)],
                    self._later(self.champion, 1),
                    keep=1,
                )
                self.mark("missed_meetings", mail)
                self.mark("one_reschedule", mail, confounder=True)
                self.write(
                    self.owner,
                    discussion,
                    [self.say("rep", "reschedule_ack", self.owner, self.champion)],
                    self._rep_time(),
                    keep=1,
                )
                sequence += 1
                continue
            if mode == "decline":
                self.t = before
                comment = rng.choice(self.banks.mail["decline_comment"])
                mail, _ = self._invite(
                    self.owner,
                    attendees,
                    slot,
                    summary,
                    uid,
                    sequence,
                    method="REPLY",
                    thread=invite_thread,
                    partstat_of=self.champion,
                    partstat="DECLINED",
                    comment=comment,
                    when=before,
                )
                self.mark("missed_meetings", mail)
                if not self._offer_new_time(discussion, rng):
                    return False
            elif mode == "counter":
                self.t = before
                new_start = meeting_slot(self.t, self.champion.zone, rng, (3, 9), self.owner.zone)
                comment = rng.choice(self.banks.mail["counter_comment"])
                mail, _ = self._invite(
                    self.owner,
                    attendees,
                    slot,
                    summary,
                    uid,
                    sequence,
                    method="COUNTER",
                    thread=invite_thread,
                    partstat_of=self.champion,
                    partstat="TENTATIVE",
                    comment=comment,
                    when=before,
                    new_start=new_start,
                )
                self.mark("missed_meetings", mail)
                self.slot = new_start
            elif mode == "cancel":
                self.t = before
                comment = rng.choice(self.banks.mail["cancel_comment"])
                mail, _ = self._invite(
                    self.champion,
                    [self.owner],
                    slot,
                    cancel_summary,
                    cancel_uid,
                    1,
                    method="CANCEL",
                    thread=invite_thread,
                    comment=comment,
                    when=before,
                )
                self.mark("missed_meetings", mail)
                if not self._offer_new_time(discussion, rng):
                    return False
            else:  # no_show: the meeting time passes in silence
                self.t = max(self.t, slot + timedelta(minutes=rng.randint(15, 50)))
                self.slot = slot
                nudge = self.write(
                    self.owner,
                    discussion,
                    [self.say("rep", "missed_you", self.owner, self.champion)],
                    self.t,
                    keep=1,
                )
                self.mark("missed_meetings", nudge)
                self.slot = None
                if not (self.misses_left > 0 or self._will_reply()):
                    self.mark("unanswered_followups", nudge)
                    return False
                self.slot = meeting_slot(self.t, self.champion.zone, rng, (3, 9), self.owner.zone)
                sentences = [
                    self.say("prospect", "missed_meeting", self.champion, self.owner),
                    self.say("prospect", "reschedule", self.champion, self.owner),
                ]
                text = self.write(
                    self.champion, discussion, sentences, self._prospect_time()[0], keep=2
                )
                self.mark("missed_meetings", text)
            ack = self.say("rep", "reschedule_ack", self.owner, self.champion)
            self.write(self.owner, discussion, [ack], self._rep_time(), keep=1)
            sequence += 1
        return False

    # ------------------------------------------------------------------ prospect replies

    def prospect_reply(
        self,
        thread: Thread,
        sentences: list[str],
        *,
        contact: Person | None = None,
        behaviours: tuple[str, ...] = (),
        **kwargs: Any,
    ) -> Mail:
        """A prospect message at the current latency; records the behaviours it carries."""
        contact = contact or self.champion
        when, factor = self._prospect_time()
        short = False
        if self.rng.random() < self.tr.shorten * self._progress() and not behaviours:
            sentences = [self.say("prospect", "short_ack", contact, self.owner)]
            short = True
        mail = self.write(
            contact, thread, sentences, when, short=short, keep=len(sentences), **kwargs
        )
        for behaviour in behaviours:
            self.mark(behaviour, mail)
        if short:
            self.mark("short_replies", mail)
        if factor >= 2.5 and contact is self.champion:
            self.mark("slowing_replies", mail)
        if contact is not self.champion and contact is not self.exec:
            self.mark("multithreaded", mail)
        return mail

    def await_reply(
        self, thread: Thread, last: Mail, *, nudges: int = 2, force: bool = False
    ) -> bool:
        """Whether the prospect answers ``last``; sends unanswered follow-ups along the way."""
        if self.tr.ooo and self.rng.random() < 0.25:
            self.tr.ooo = False
            auto = self.auto_reply(self.champion, last, thread)
            self.mark("ooo_auto_reply", auto)
            self._jump(self.rng.uniform(3, 10))
        if force or self._will_reply():
            return True
        for _ in range(nudges):
            self._jump(self.rng.uniform(3, 8))
            nudge = self.write(
                self.owner,
                thread,
                [self.say("rep", "nudge", self.owner, self.champion)],
                self._rep_time(),
                keep=1,
            )
            if self.healthy or self._will_reply():
                return True
            self.mark("unanswered_followups", nudge)
            last = nudge
        return False

    def answer_sentences(self, questions: list[str]) -> tuple[list[str], list[str]]:
        """Sentences answering ``questions`` and the behaviours they carry."""
        rng, champion = self.rng, self.champion
        sentences: list[str] = []
        behaviours: list[str] = []
        specific = 0
        for _question in questions:
            roll = rng.random()
            dodges = roll < self.tr.specific + self.tr.dodge
            vague = roll < self.tr.specific + self.tr.dodge + self.tr.vague or not self.healthy
            if roll < self.tr.specific or not (dodges or vague):
                sentences.append(self.say("prospect", "answer_specific", champion, self.owner))
                specific += 1
            elif dodges:
                sentences.append(self.say("prospect", "dodge", champion, self.owner))
                if "dodged_questions" not in behaviours:
                    behaviours.append("dodged_questions")
            else:
                sentences.append(self.say("prospect", "vague", champion, self.owner))
                if "vague" not in behaviours:
                    behaviours.append("vague")
        if specific:
            behaviours.append("specific_answers")
        if rng.random() < self.tr.vague * 0.5 and "vague" not in behaviours:
            sentences.append(self.say("prospect", "vague", champion, self.owner))
            behaviours.append("vague")
        if rng.random() < self.tr.value_unclear * 0.6:
            sentences.append(self.say("prospect", "value_unclear", champion, self.owner))
            behaviours.append("value_unclear")
        if rng.random() < self.tr.price * 0.5:
            sentences.append(self.say("prospect", "price_only", champion, self.owner))
            behaviours.append("price_only")
        if rng.random() < (0.5 if self.tr.specific > 0.6 else 0.15):
            sentences.append(self.say("prospect", "question_specific", champion, self.owner))
        if rng.random() < (0.4 if self.tr.specific > 0.6 else 0.05):
            sentences.append(self.say("prospect", "positive_filler", champion, self.owner))
        return sentences, behaviours

    def room(self, messages: int) -> bool:
        return self.n + messages <= self.target

    # ------------------------------------------------------------------ stages

    def stage_intro(self) -> None:
        rng, owner, champion = self.rng, self.owner, self.champion
        slots = self._slots(owner, champion)
        if self.tr.inbound:
            subject = rng.choice((
                "Demo request", f"Question about {self.ctx.product}", f"{self.ctx.product} pricing",
                f"Looking for a {slots['pain']} tool", "Evaluation - " + self.company.name,
                "Inquiry from website", f"Intro via {slots['case_company']}",
            ))  # fmt: skip
            thread = self._thread(subject, [owner])
            self.main = thread
            self.t = business_time(self.t, champion.zone, rng)
            sentences = [self.say("prospect", "interest", champion, owner)]
            behaviours: tuple[str, ...] = ()
            if rng.random() < self.tr.price * 0.6:
                sentences.append(self.say("prospect", "price_only", champion, owner))
                behaviours = ("price_only",)
            sentences.append(self.say("prospect", "ask_times", champion, owner))
            first = self.write(
                champion, thread, sentences, self.t, to=[owner], cc=[], keep=len(sentences)
            )
            for behaviour in behaviours:
                self.mark(behaviour, first)
            self.slot = meeting_slot(self.t, champion.zone, rng, (2, 5), owner.zone)
            self.slot2 = meeting_slot(self.slot, champion.zone, rng, (1, 2), owner.zone)
            self.write(
                owner,
                thread,
                [
                    self.say("rep", "thanks", owner, champion),
                    self.say("rep", "propose_meeting", owner, champion),
                ],
                self._rep_time(),
                keep=2,
            )
        else:
            subject = rng.choice(self.banks.rep["outreach_subject"]).format_map(slots)
            thread = self._thread(subject, [champion])
            self.main = thread
            sentences = [
                self.say("rep", "outreach", owner, champion),
                self.say("rep", "outreach_ask", owner, champion),
            ]
            last = self.write(owner, thread, sentences, self.t, to=[champion], cc=[], keep=2)
            for _ in range(rng.choice((0, 0, 1, 1, 2))):
                self._jump(rng.uniform(3, 7))
                last = self.write(
                    owner,
                    thread,
                    [self.say("rep", "nudge", owner, champion)],
                    self._rep_time(),
                    keep=1,
                )
                self.mark("unanswered_outreach", last)
            sentences = [self.say("prospect", "interest", champion, owner)]
            behaviours = ()
            if rng.random() < self.tr.price * 0.6:
                sentences.append(self.say("prospect", "price_only", champion, owner))
                behaviours = ("price_only",)
            sentences.append(self.say("prospect", "ask_times", champion, owner))
            self.prospect_reply(thread, sentences, behaviours=behaviours)
            self.slot = meeting_slot(self.t, champion.zone, rng, (2, 5), owner.zone)
            self.slot2 = meeting_slot(self.slot, champion.zone, rng, (1, 2), owner.zone)
            self.write(
                owner,
                thread,
                [self.say("rep", "propose_meeting", owner, champion)],
                self._rep_time(),
                keep=1,
            )
        if rng.random() < self.tr.specific:
            self.prospect_reply(
                thread,
                [self.say("prospect", "confirm_specific", champion, owner)],
                behaviours=("concrete_next_step",),
            )
        else:
            self.prospect_reply(
                thread,
                [self.say("prospect", "confirm_vague", champion, owner)],
                behaviours=("vague",),
            )
            self.slot = meeting_slot(self.t, champion.zone, rng, (2, 6), owner.zone)
            self.slot2 = meeting_slot(self.slot, champion.zone, rng, (1, 3), owner.zone)
            last = self.write(
                owner,
                thread,
                [self.say("rep", "propose_meeting", owner, champion)],
                self._rep_time(),
                keep=1,
            )
            if not self.await_reply(thread, last, nudges=1, force=self.healthy):
                raise _Stop
            self.prospect_reply(
                thread,
                [self.say("prospect", "confirm_specific", champion, owner)],
                behaviours=("concrete_next_step",),
            )
        self.write(
            owner,
            thread,
            [self.say("rep", "confirm_meeting", owner, champion)],
            self._rep_time(),
            keep=1,
        )

    def stage_discovery_call(self) -> None:
        assert self.main is not None
        if not self.meeting("intro", self.main):
            raise _Stop

    def stage_recap(self) -> None:
        rng, owner, champion = self.rng, self.owner, self.champion
        subject = rng.choice(
            (
                "Recap + next steps",
                f"Follow-up: {self.company.name} x {self.ctx.product}",
                "Notes from today",
                "Great speaking today",
                f"{self.ctx.product} recap",
            )
        )
        thread = self._thread(subject, [champion])
        questions = rng.sample(self.banks.rep["question"], rng.choice((2, 3, 3)))
        slots = self._slots(owner, champion)
        questions = [q.format_map(slots) for q in questions]
        self.asked = list(questions)
        recap = self.say("rep", "recap", owner, champion)
        last = self.write(
            owner,
            thread,
            [recap, *questions],
            self._rep_time(),
            to=[champion],
            cc=[],
            keep=1 + len(questions),
        )
        rounds = (
            1 + (1 if self.room(10) else 0) + (1 if self.room(16) and rng.random() < 0.5 else 0)
        )
        if self.deferrals_left > 0 and rng.random() < 0.7:
            # "What's your timeline?" answered with "next quarter", before any proposal.
            if not self.await_reply(thread, last):
                raise _Stop
            self._defer(thread)
            return
        for round_index in range(rounds):
            if not self.await_reply(thread, last):
                raise _Stop
            sentences, behaviours = self.answer_sentences(questions)
            if self.tr.no_authority and rng.random() < 0.7:
                sentences.append(self.say("prospect", "no_authority", champion, owner))
                behaviours.append("no_decision_maker")
            colleague = None
            if self.colleagues_left and (round_index == 0 or rng.random() < 0.4):
                colleague = self.colleagues_left.pop(0)
                self.base.update(
                    colleague=colleague.name,
                    colleague_first=colleague.first,
                    colleague_title=colleague.title,
                )
                sentences.append(self.say("prospect", "loop_in_colleague", champion, owner))
                behaviours.append("multithreaded")
            cc = [colleague] if colleague else None
            self.prospect_reply(thread, sentences, behaviours=tuple(behaviours), to=[owner], cc=cc)
            if colleague is not None:
                self.involved.append(colleague)
                self.prospect_reply(
                    thread,
                    [self.say("prospect", "colleague_reply", colleague, owner)],
                    contact=colleague,
                    recipient=owner,
                )
                answerer = self.ctx.se if rng.random() < 0.6 else owner
                cc_us = [owner] if answerer is not owner else []
                answers = [
                    a.format_map(self._slots(answerer, colleague))
                    for a in rng.sample(self.banks.rep["answer"], 2)
                ]
                last = self.write(
                    answerer,
                    thread,
                    answers,
                    self._rep_time(),
                    to=[colleague],
                    cc=[champion, *cc_us],
                    keep=2,
                )
                continue
            dodged = "dodged_questions" in behaviours or "vague" in behaviours
            if dodged and self.asked:
                question = self.asked.pop(0)
                last = self.write(
                    owner,
                    thread,
                    [self.say("rep", "reask", owner, champion, question=question)],
                    self._rep_time(),
                    keep=1,
                )
            elif self.tr.no_authority and "no_decision_maker" in behaviours:
                last = self.write(
                    owner,
                    thread,
                    [self.say("rep", "ask_decision_maker", owner, champion)],
                    self._rep_time(),
                    keep=1,
                )
            else:
                new_question = rng.choice(self.banks.rep["question"]).format_map(slots)
                questions = [new_question]
                last = self.write(
                    owner,
                    thread,
                    [
                        self.say("rep", "thanks", owner, champion),
                        self.say("rep", "answer", owner, champion),
                        new_question,
                    ],
                    self._rep_time(),
                    keep=3,
                )
        if not self.await_reply(thread, last, nudges=1):
            raise _Stop
        sentences, behaviours = self.answer_sentences(questions[:1])
        self.prospect_reply(thread, sentences, behaviours=tuple(behaviours))

    def stage_demo(self) -> None:
        if not (self.room(6) or self.tr.misses > 0):
            return
        attendees = [self.champion, *[p for p in self.involved[1:2]], self.ctx.se]
        assert self.main is not None
        if not self.meeting(
            "demo" if self.rng.random() < 0.6 else "technical", self.main, attendees
        ):
            raise _Stop

    def stage_proposal(self) -> None:
        rng, owner, champion = self.rng, self.owner, self.champion
        self.engaged = False
        thread = self._thread(f"Proposal - {self.company.name}", [champion])
        slots = self._slots(owner, champion)
        filename = rng.choice(self.banks.mail["attachment_names"]["proposal"]).format_map(slots)
        proposal = self.write(
            owner,
            thread,
            [self.say("rep", "send_proposal", owner, champion)],
            self._rep_time(),
            to=[champion],
            cc=[p for p in self.involved[1:2]],
            keep=1,
            attachment=(filename, _ctype(filename), _fake_document(filename, self.company.name)),
        )
        self.proposal_thread = thread
        if self.tr.champion_leaves:
            self._champion_leaves(thread, proposal)
            raise _Stop
        if self.tr.auto_reply_only:
            self._auto_reply_only(thread, proposal)
            raise _Stop
        if not self.await_reply(thread, proposal):
            raise _Stop
        if self.tr.hard_negotiation:
            rounds = rng.choice((2, 2, 3))
            for _ in range(rounds):
                mail = self.prospect_reply(
                    thread,
                    [self.say("prospect", "price_only", champion, owner)],
                    behaviours=("price_only",),
                )
                self.mark("hard_negotiation", mail, confounder=True)
                self.write(
                    owner,
                    thread,
                    [self.say("rep", "price_response", owner, champion)],
                    self._rep_time(),
                    keep=1,
                )
            self.prospect_reply(
                thread,
                [self.say("prospect", "negotiation_agree", champion, owner)],
                behaviours=("concrete_next_step",),
            )
        elif self.tr.price >= 0.5:
            rounds = rng.choice((1, 2, 2, 3))
            for index in range(rounds):
                sentences = [self.say("prospect", "price_only", champion, owner)]
                if index and rng.random() < 0.5:
                    sentences.append(self.say("prospect", "price_only", champion, owner))
                self.prospect_reply(thread, sentences, behaviours=("price_only",))
                reply_intent = "price_response" if index % 2 == 0 else "value_pitch"
                last = self.write(
                    owner,
                    thread,
                    [self.say("rep", reply_intent, owner, champion)],
                    self._rep_time(),
                    keep=1,
                )
                if not self.await_reply(thread, last):
                    raise _Stop
        elif self.tr.value_unclear >= 0.5:
            for _ in range(rng.choice((1, 2, 2))):
                self.prospect_reply(
                    thread,
                    [self.say("prospect", "value_unclear", champion, owner)],
                    behaviours=("value_unclear",),
                )
                last = self.write(
                    owner,
                    thread,
                    [self.say("rep", "value_pitch", owner, champion)],
                    self._rep_time(),
                    keep=1,
                )
                if not self.await_reply(thread, last):
                    raise _Stop
        elif self.tr.no_authority:
            for _ in range(rng.choice((1, 2))):
                self.prospect_reply(
                    thread,
                    [self.say("prospect", "no_authority", champion, owner)],
                    behaviours=("no_decision_maker",),
                )
                last = self.write(
                    owner,
                    thread,
                    [self.say("rep", "ask_decision_maker", owner, champion)],
                    self._rep_time(),
                    keep=1,
                )
                if not self.await_reply(thread, last):
                    raise _Stop
                self.prospect_reply(
                    thread,
                    [self.say("prospect", "decision_maker_unavailable", champion, owner)],
                    behaviours=("no_decision_maker",),
                )
                last = self.write(
                    owner,
                    thread,
                    [self.say("rep", "value_pitch", owner, champion)],
                    self._rep_time(),
                    keep=1,
                )
                if not self.await_reply(thread, last):
                    raise _Stop
        else:
            sentences, behaviours = self.answer_sentences([""])
            self.prospect_reply(thread, sentences, behaviours=tuple(behaviours))
            self.write(
                owner,
                thread,
                [self.say("rep", "answer", owner, champion)],
                self._rep_time(),
                keep=1,
            )
        if self.tr.deferral_kept:
            self._deferral_kept(thread)
        while self.deferrals_left > 0:
            self._defer(thread)

    def _defer(self, thread: Thread) -> None:
        """Budget or timing pushed out; the rep comes back after the date and hears it again."""
        rng, owner, champion = self.rng, self.owner, self.champion
        repeated = bool(self.last_quarter)
        intent = "repeated_deferral" if repeated else "deferral"
        behaviours = ("deferral", "repeated_deferral") if repeated else ("deferral",)
        self.prospect_reply(
            thread, [self.say("prospect", intent, champion, owner)], behaviours=behaviours
        )
        self.deferrals_left -= 1
        label, begins = quarter_after(self.t.date())
        self.last_quarter = label
        self.write(
            owner,
            thread,
            [self.say("rep", "deferral_ack", owner, champion)],
            self._rep_time(),
            keep=1,
        )
        days = max(28, (begins - self.t.date()).days + rng.randint(2, 12))
        self._jump(min(days, 100))
        followup = self.write(
            owner,
            thread,
            [self.say("rep", "deferral_followup", owner, champion)],
            self._rep_time(),
            keep=1,
        )
        if not self.await_reply(thread, followup, nudges=1):
            raise _Stop
        if self.deferrals_left == 0:
            if rng.random() < 0.5:
                self._defer_again_final(thread)
            else:
                sentences, behaviours2 = self.answer_sentences([""])
                self.prospect_reply(thread, sentences, behaviours=tuple(behaviours2))

    def _defer_again_final(self, thread: Thread) -> None:
        self.prospect_reply(
            thread,
            [self.say("prospect", "repeated_deferral", self.champion, self.owner)],
            behaviours=("deferral", "repeated_deferral"),
        )

    def _deferral_kept(self, thread: Thread) -> None:
        """A won deal's single deferral, after which the prospect comes back as promised."""
        rng, owner, champion = self.rng, self.owner, self.champion
        deferral = self.prospect_reply(
            thread, [self.say("prospect", "deferral", champion, owner)], behaviours=("deferral",)
        )
        self.mark("deferral_kept", deferral, confounder=True)
        label, begins = quarter_after(self.t.date())
        self.write(
            owner,
            thread,
            [self.say("rep", "deferral_ack", owner, champion)],
            self._rep_time(),
            keep=1,
        )
        self.t = business_time(
            datetime.combine(begins, time(14), UTC) + timedelta(days=rng.randint(1, 10)),
            champion.zone,
            rng,
        )
        subject = rng.choice(
            (
                f"Back on {self.ctx.product}",
                "Restarting the project",
                f"{self.company.name} - picking this up again",
                f"Re: Proposal - {self.company.name}",
            )
        )
        back = self._thread(subject, [owner])
        self.main = back
        mail = self.write(
            champion,
            back,
            [self.say("prospect", "deferral_return", champion, owner, quarter=label)],
            self.t,
            to=[owner],
            cc=[],
            keep=1,
        )
        self.mark("deferral_returned", mail)
        self.mark("deferral_kept", mail, confounder=True)
        self.write(
            owner,
            back,
            [
                self.say("rep", "thanks", owner, champion),
                self.say("rep", "next_steps", owner, champion),
            ],
            self._rep_time(),
            keep=2,
        )

    def _champion_leaves(self, thread: Thread, trigger: Mail) -> None:
        rng, owner, champion = self.rng, self.owner, self.champion
        if not self.company.free_mail and rng.random() < 0.75:
            auto = self.auto_reply(champion, trigger, thread, left=True)
            self.mark("champion_left", auto)
            self._jump(rng.uniform(2, 8))
            trigger = self.write(
                owner, thread, [self.say("rep", "nudge", owner, champion)], self._rep_time(), keep=1
            )
        dsn = self.bounce(trigger, thread, champion)
        self.mark("champion_left", dsn)
        others = [p for p in self.involved if p is not champion] or self.colleagues[:1]
        if others:
            other = others[0]
            self._jump(rng.uniform(1, 4))
            new = self._thread(f"{self.company.name} / {self.ctx.product} - next steps", [other])
            sentences = [
                f"I understand {champion.first} has moved on.",
                self.say("rep", "ask_decision_maker", owner, other),
            ]
            last = self.write(owner, new, sentences, self._rep_time(), to=[other], cc=[], keep=2)
            if rng.random() < 0.4:
                mail = self.prospect_reply(
                    new, [self.say("prospect", "vague", other, owner)], contact=other
                )
                self.mark("vague", mail)
                last = self.write(
                    owner, new, [self.say("rep", "thanks", owner, other)], self._rep_time(), keep=1
                )
            self._silence(new, last, to=other)

    def _auto_reply_only(self, thread: Thread, trigger: Mail) -> None:
        rng = self.rng
        auto = self.auto_reply(self.champion, trigger, thread)
        self.mark("auto_reply_only", auto)
        for _ in range(rng.choice((2, 3, 3, 4))):
            self._jump(rng.uniform(4, 9))
            nudge = self.write(
                self.owner,
                thread,
                [self.say("rep", "nudge", self.owner, self.champion)],
                self._rep_time(),
                keep=1,
            )
            self.mark("unanswered_followups", nudge)
            auto = self.auto_reply(self.champion, nudge, thread)
            self.mark("auto_reply_only", auto)
        self._jump(rng.uniform(5, 12))
        breakup = self.write(
            self.owner,
            thread,
            [self.say("rep", "breakup", self.owner, self.champion)],
            self._rep_time(),
            keep=1,
        )
        self.mark("breakup_email", breakup)
        self.closed_at = breakup.date.astimezone(UTC).date()
        self.mark("auto_reply_only", self.auto_reply(self.champion, breakup, thread))

    def stage_decision(self) -> None:
        rng, owner, champion = self.rng, self.owner, self.champion
        thread = self._thread(
            rng.choice(
                (
                    "Next steps",
                    f"{self.company.name} <> {self.ctx.product}: next steps",
                    "Contract",
                    "Order form",
                    "Moving forward",
                )
            ),
            [champion],
        )
        self.decision_thread = thread
        opener = self.write(
            owner,
            thread,
            [self.say("rep", "next_steps", owner, champion)],
            self._rep_time(),
            to=[champion],
            cc=[p for p in self.involved[1:2]],
            keep=1,
        )
        if not self.await_reply(thread, opener, force=self.healthy):
            raise _Stop
        if self.tr.exec_joins and self.exec is not None:
            executive = self.exec
            intro = self.prospect_reply(
                thread,
                [self.say("prospect", "exec_intro", champion, owner)],
                cc=[executive],
                behaviours=("multithreaded",),
            )
            self.mark("exec_engaged", intro)
            self.involved.append(executive)
            mail = self.prospect_reply(
                thread, [self.say("prospect", "exec_message", executive, owner)], contact=executive
            )
            self.mark("exec_engaged", mail)
            self.mark("concrete_next_step", mail)
            manager = self.ctx.manager if rng.random() < 0.5 else None
            self.write(
                owner,
                thread,
                [
                    self.say("rep", "thanks", owner, executive),
                    self.say("rep", "next_steps", owner, executive),
                ],
                self._rep_time(),
                to=[executive],
                cc=[champion, *([manager] if manager else [])],
                keep=2,
            )
        missing = self.plan.outcome == "lost" and self.misses_left > 0
        if (missing or (self.room(4) and rng.random() < 0.5)) and not self.meeting(
            "commercial", thread, [champion, *self.involved[1:3]]
        ):
            raise _Stop
        if self.tr.deferrals == 0 and self.plan.outcome == "lost" and self.tr.specific < 0.6:
            sentences, behaviours = self.answer_sentences(["", ""])
            self.prospect_reply(thread, sentences, behaviours=tuple(behaviours))
            return
        sentences = [self.say("prospect", "next_step_concrete", champion, owner)]
        if rng.random() < 0.5:
            sentences.append(self.say("prospect", "positive_filler", champion, owner))
        self.prospect_reply(thread, sentences, behaviours=("concrete_next_step",))
        if self.tr.procurement and self.procurement is not None and self.room(2):
            buyer = self.procurement
            self.involved.append(buyer)
            subject = rng.choice(
                (
                    f"Vendor onboarding - {self.ctx.product}",
                    f"{self.ctx.product}: supplier setup",
                    "Procurement questions",
                )
            )
            proc = self._thread(subject, [owner])
            mail = self.write(
                buyer,
                proc,
                [self.say("prospect", "procurement", buyer, owner)],
                self._later(buyer, 20),
                to=[owner],
                cc=[champion],
                keep=1,
            )
            self.mark("multithreaded", mail)
            self.write(
                owner,
                proc,
                [self.say("rep", "answer", owner, buyer), self.say("rep", "thanks", owner, buyer)],
                self._rep_time(),
                keep=2,
            )
        self.write(
            owner,
            thread,
            [self.say("rep", "next_steps", owner, champion)],
            self._rep_time(),
            keep=1,
        )

    # ------------------------------------------------------------------ endings

    def _silence(self, thread: Thread, last: Mail, *, to: Person | None = None) -> None:
        """Follow-ups into silence; the rep closes the deal with a break-up note or quietly."""
        rng, owner = self.rng, self.owner
        person = to or self.champion
        self.mark("radio_silence", last)
        for _ in range(rng.choice((1, 2, 2, 3))):
            self._jump(rng.uniform(4, 10))
            last = self.write(
                owner,
                thread,
                [self.say("rep", "nudge", owner, person)],
                self._rep_time(),
                to=[person],
                keep=1,
            )
            self.mark("unanswered_followups", last)
            self.mark("radio_silence", last)
        if self.tr.ending == "silence_breakup":
            self._jump(rng.uniform(5, 12))
            breakup = self.write(
                owner,
                thread,
                [self.say("rep", "breakup", owner, person)],
                self._rep_time(),
                to=[person],
                keep=1,
            )
            self.mark("breakup_email", breakup)
            self.closed_at = breakup.date.astimezone(UTC).date()
        else:
            self.closed_at = self.t.date() + timedelta(days=rng.randint(14, 45))

    def finish_lost(self, stopped: bool) -> None:
        rng, owner, champion = self.rng, self.owner, self.champion
        thread = self.current or self.main
        assert thread is not None
        ending = self.tr.ending
        if self.tr.champion_leaves or self.tr.auto_reply_only:
            ending = "silence_breakup" if self.tr.auto_reply_only else "silence"
        elif stopped and self.deferrals_left > 0 and not self.closed_at:
            # A late, short "let's revisit next quarter" before the prospect goes quiet for good.
            try:
                self._jump(rng.uniform(3, 10))
                self._defer(thread)
            except _Stop:
                pass
        if stopped or ending in ("silence", "silence_breakup"):
            if not self.closed_at:
                last = self.write(
                    owner,
                    thread,
                    [self.say("rep", "nudge", owner, champion)],
                    self._rep_time(),
                    keep=1,
                )
                self.mark("unanswered_followups", last)
                self._silence(thread, last)
        else:
            intent = "competitor_chosen" if ending == "competitor" else "pass"
            self._jump(rng.uniform(2, 12))
            mail = self.prospect_reply(
                thread, [self.say("prospect", intent, champion, owner)], behaviours=(intent,)
            )
            if self.plan.archetype == "sudden_loss":
                self.mark("sudden_loss", mail, confounder=True)
            self.closed_at = mail.date.astimezone(UTC).date()
            self.write(
                owner,
                thread,
                [self.say("rep", "loss_ack", owner, champion)],
                self._rep_time(),
                keep=1,
            )
        if rng.random() < 0.25 and self.closed_at:
            self.t = business_time(
                datetime.combine(self.closed_at, time(14), UTC)
                + timedelta(days=rng.randint(60, 150)),
                owner.zone,
                rng,
            )
            new = self._thread(
                rng.choice(
                    (
                        "Checking in",
                        f"{self.ctx.product} update",
                        "Long time no speak",
                        f"{self.company.name} + {self.ctx.product}",
                    )
                ),
                [champion],
            )
            checkin = self.write(
                owner,
                new,
                [self.say("rep", "post_loss_checkin", owner, champion)],
                self.t,
                to=[champion],
                cc=[],
                keep=1,
            )
            self.mark("post_close_checkin", checkin)

    def finish_won(self) -> None:
        rng, owner, champion = self.rng, self.owner, self.champion
        thread = self.decision_thread or self.main
        assert thread is not None
        signer = (
            self.exec
            if (self.exec is not None and self.exec in self.involved and rng.random() < 0.5)
            else champion
        )
        slots = self._slots(signer, owner)
        filename = rng.choice(self.banks.mail["attachment_names"]["signed"]).format_map(slots)
        when, _ = self._prospect_time()
        mail = self.write(
            signer,
            thread,
            [self.say("prospect", "signed", signer, owner)],
            when,
            keep=1,
            attachment=(filename, _ctype(filename), _fake_document(filename, self.company.name)),
        )
        self.mark("signed", mail)
        self.closed_at = mail.date.astimezone(UTC).date()
        self.write(
            owner,
            thread,
            [self.say("rep", "thanks", owner, signer), self.say("rep", "kickoff", owner, signer)],
            self._rep_time(),
            keep=2,
        )
        if rng.random() < 0.6:
            csm = self.ctx.csm
            self._jump(rng.uniform(1, 5))
            kickoff = self._thread(
                rng.choice(
                    (
                        f"Welcome to {self.ctx.product}!",
                        f"{self.company.name} onboarding",
                        "Kickoff",
                    )
                ),
                [champion],
            )
            self.write(
                csm,
                kickoff,
                [self.say("rep", "kickoff", csm, champion)],
                self._later(csm, 2),
                to=[champion],
                cc=[owner],
                keep=1,
            )
            for _ in range(rng.choice((1, 1, 2))):
                self.prospect_reply(
                    kickoff,
                    [self.say("prospect", "onboarding", champion, csm)],
                    to=[csm],
                    cc=[owner],
                    behaviours=("post_close_onboarding",),
                )
                self.write(
                    csm,
                    kickoff,
                    [self.say("rep", "thanks", csm, champion)],
                    self._later(csm, 3),
                    keep=1,
                )

    def finish_open(self) -> None:
        rng, owner, champion = self.rng, self.owner, self.champion
        thread = self.current or self.main
        assert thread is not None
        if self.plan.archetype == "open_cooling":
            for _ in range(rng.choice((1, 2))):
                self._jump(rng.uniform(3, 8))
                nudge = self.write(
                    owner,
                    thread,
                    [self.say("rep", "nudge", owner, champion)],
                    self._rep_time(),
                    keep=1,
                )
                self.mark("unanswered_followups", nudge)

    # ------------------------------------------------------------------ run

    def run(self) -> DealResult:
        """Play the deal out and return its mail and truth."""
        stages = (
            self.stage_intro,
            self.stage_discovery_call,
            self.stage_recap,
            self.stage_demo,
            self.stage_proposal,
            self.stage_decision,
        )
        stopped = False
        try:
            for number, stage in enumerate(stages):
                if number >= self.tr.stop_stage:
                    break
                stage()
        except _Stop:
            stopped = True
        if self.plan.outcome == "won":
            self.finish_won()
        elif self.plan.outcome == "lost":
            self.finish_lost(stopped)
        else:
            self.finish_open()
        return self._result()

    def _result(self) -> DealResult:
        assert self.first is not None and self.last is not None
        confounders = dict(self.confounders)
        truth: dict[str, Any] = {
            "prospect": self.prospect_key,
            "company": self.company.name,
            "free_mail": self.company.free_mail,
            "region": self.company.region,
            "outcome": self.plan.outcome,
            "closed_at": self.closed_at.isoformat() if self.closed_at else None,
            "archetype": self.plan.archetype,
            "behaviours": self.behaviours,
            "confounders": confounders,
            "contacts": [
                {"email": p.email, "name": p.name, "title": p.title, "role": p.role}
                for p in self.involved
            ],
            "rep": self.owner.email,
            "n_messages": self.n,
            "n_threads": len(self.thread_ids),
            "threads": [str(thread_id) for thread_id in self.thread_ids],
            "first_message": self.first.isoformat(),
            "last_message": self.last.isoformat(),
        }
        return DealResult(
            entries=self.entries,
            truth=truth,
            prospect=self.prospect_key,
            outcome=self.plan.outcome,
            closed_at=self.closed_at,
            first=self.first,
            last=self.last,
            company=self.company.name,
        )


def _clock_text(local: datetime, twelve_hour: bool) -> str:
    if not twelve_hour:
        return f"{local.hour:02d}:{local.minute:02d}"
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    return f"{hour}{suffix}" if local.minute == 0 else f"{hour}:{local.minute:02d}{suffix}"


def _date_text(when: datetime, month_first: bool) -> str:
    if month_first:
        return f"{_MONTHS_SHORT[when.month - 1]} {when.day}"
    return f"{when.day} {_MONTHS_SHORT[when.month - 1]}"


def _meet_code(uid: str) -> str:
    """The meeting's video link code: fixed per meeting, so every update shows the same link."""
    digest = int.from_bytes(hashlib.sha256(uid.encode("ascii")).digest()[:8], "big")
    letters = []
    for _ in range(10):
        digest, index = divmod(digest, 26)
        letters.append("abcdefghijklmnopqrstuvwxyz"[index])
    code = "".join(letters)
    return f"{code[:3]}-{code[3:7]}-{code[7:]}"


def _ctype(filename: str) -> str:
    return (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        if filename.endswith(".xlsx")
        else "application/pdf"
    )


def _fake_document(filename: str, company: str) -> bytes:
    """A tiny stand-in document: enough bytes for attachment metadata, nothing more."""
    text = f"Synthetic document {filename} for {company}. Not a real contract."
    return b"%PDF-1.4\n% walkaway synthetic\n" + text.encode("utf-8") + b"\n%%EOF\n"
