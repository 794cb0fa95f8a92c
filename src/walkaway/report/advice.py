"""What to do now: the suggested next message, the CRM note and the walk-away post-mortem.

The message is written from the prospect's own evidence, not from one fixed template: the
greeting the rep already uses with them, the last topic and its date, the periods they
deferred to, the meetings that moved, the questions still open, the contact an auto-reply
pointed to, concrete slots after the as-of date. Where several phrasings fit, one is chosen
by a hash of the prospect id, so the same export always gives the same words.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from walkaway.report.facts import PROMISED, first_name, parse_time, reason_label

if TYPE_CHECKING:
    from walkaway.report.facts import Phrases

WALK_AWAY_QUESTION = (
    "Based on what I'm hearing, it seems like this might not be the right fit or time. "
    "Would you agree?"
)
_GREETING = re.compile(
    r"^(hi|hello|hey|dear|good (morning|afternoon)|hallo|guten (tag|morgen)|sehr geehrte[rs]?)\b"
    r"[^\n]{0,80}$",
    re.I,
)
_SUBJECT_PREFIX = re.compile(
    r"^\s*((re|fw|fwd|aw|wg|sv|vs|antw|tr|rv|ref)\s*(\[\d+\])?\s*:\s*)+", re.I
)
_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_CHAMPION = re.compile(r"^(?P<email>[^\s;]+@[^\s;]+) engaged earlier")
_ASKED = re.compile(r"""^(?:we )?asked:? (['"])(?P<question>.+?)\1""", re.S)


def _greeting_only(line: str) -> str:
    """The salutation of a first line, without what follows it: ``Hi Alex, quick one.`` ->
    ``Hi Alex,``; ``Hi Katrin, hi Jonas,`` stays whole; ``Hi Sarah -`` -> ``Hi Sarah,``."""
    parts = [p.strip() for p in line.split(",")]
    greeting = [parts[0]]
    for part in parts[1:]:
        if not _GREETING.match(part):
            break
        greeting.append(part)
    text = ", ".join(greeting).rstrip(" -–—:;.!")
    return text + ","


def _pick(options: list[str], key: str) -> str:
    """One of several phrasings, chosen by content (a stable hash), never at random."""
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    return options[digest[0] % len(options)]


def clean_subject(subject: str) -> str:
    """A subject without reply/forward prefixes (Re:, AW:, Fwd: ... repeated)."""
    return _SUBJECT_PREFIX.sub("", subject).strip()


def _trim(text: str, limit: int = 140) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",;:-") + "…"


def _slots(as_of: datetime | None) -> tuple[str, str]:
    """Two concrete meeting days from two days after the as-of date: the next Tuesday and
    Thursday (a specific ask gets answered more often than 'some time next week')."""
    if as_of is None:
        return "Tuesday", "Thursday"
    start = as_of.date() + timedelta(days=2)
    days: list[date] = []
    current = start
    while len(days) < 2:
        if current.weekday() in (1, 3):
            days.append(current)
        current += timedelta(days=1)
    return tuple(f"{d:%A}, {d:%b} {d.day}" for d in days)  # type: ignore[return-value]


class _Context:
    """What the composer knows about one prospect, derived from its facts and messages."""

    def __init__(
        self, facts: dict[str, Any], phrases: Phrases, messages: list[dict[str, Any]]
    ) -> None:
        self.facts = facts
        self.phrases = phrases
        self.messages = messages
        self.as_of = parse_time(facts["as_of"])
        self.codes = [r["code"] for r in facts["reasons"]]
        self.key = facts["prospect"] + "|" + facts["recommendation"]
        outbound = [m for m in messages if m["direction"] == "outbound"]
        inbound = [m for m in messages if m["direction"] == "inbound"]
        names = Counter(m["sender_name"] for m in outbound if m["sender_name"])
        self.rep = first_name(names.most_common(1)[0][0]) if names else ""
        self.last_inbound = inbound[-1] if inbound else None
        self.last_outbound = outbound[-1] if outbound else None
        self.first_outbound = outbound[0] if outbound else None
        self.topic = _main_topic(messages)
        self.ours = {m["sender"] for m in outbound}

    def when(self, iso: str | None) -> str:
        return self.phrases.when(iso)

    def greeting(self) -> str:
        """The greeting the rep last used with this prospect, else one to the last writer."""
        for message in reversed(self.messages):
            if message["direction"] != "outbound":
                continue
            line = next((ln.strip() for ln in message["text"].splitlines() if ln.strip()), "")
            if _GREETING.match(line):
                return _greeting_only(line)
        name = first_name(self.last_inbound["sender_name"]) if self.last_inbound else ""
        return f"Hi {name}," if name else "Hello,"

    def sign_off(self) -> str:
        return "Best,\n" + self.rep if self.rep else "Best,"

    def subject(self, fallback: str) -> str:
        return f"Re: {self.topic}" if self.topic else fallback

    def has(self, code: str) -> bool:
        return code in self.codes

    def name_of(self, email: str) -> str:
        for message in self.messages:
            if message["sender"] == email and message["sender_name"]:
                return first_name(message["sender_name"]) or message["sender_name"]
        return email.partition("@")[0].split(".")[0].capitalize()

    def redirect_contacts(self) -> list[str]:
        """Addresses that automatic replies point to (`please contact ...`), not yet written to."""
        written = {a for m in self.messages if m["direction"] == "outbound" for a in m["to"]}
        found: list[str] = []
        for message in self.messages:
            if message["direction"] != "auto_reply":
                continue
            for address in _ADDRESS.findall(message["text"]):
                address = address.lower().rstrip(".")
                if address != message["sender"] and address not in written | set(found):
                    found.append(address)
        return found

    def open_question(
        self, codes: tuple[str, ...] = ("dodged_questions", "no_decision_maker")
    ) -> str:
        """The most substantive question of ours left unanswered (scheduling asks last)."""
        questions = []
        taken = {
            e["quote"]
            for code in ("no_decision_maker",)
            if code not in codes
            for e in self.phrases.evidence.get(code, [])
        }
        for code in codes:
            for item in self.phrases.evidence.get(code, []):
                match = _ASKED.match(item["quote"])
                if match and not any(match["question"] in quote for quote in taken):
                    question = match["question"].strip().lstrip("-• ").strip()
                    questions.append(
                        (len(_SCHEDULING.findall(question)), item["date"] or "", question)
                    )
        if not questions:
            return ""
        return _trim(min(questions)[2], 110)

    def grounds(self, codes: list[str]) -> list[dict[str, Any]]:
        """The evidence a message was written from: code, label, dates and anchors."""
        grounds = []
        for code in codes:
            items = self.phrases.evidence.get(code, [])
            if items:
                grounds.append(
                    {
                        "code": code,
                        "label": reason_label(code),
                        "days": sorted({i["day"] for i in items if i["day"]}),
                        "anchors": [i["anchor"] for i in items if i["anchor"]][:3],
                    }
                )
        return grounds


def _observations(ctx: _Context) -> tuple[list[str], list[str]]:
    """Plain, polite sentences naming the pattern, strongest reasons first (at most three)."""
    sentences: list[str] = []
    used: list[str] = []
    phrases = ctx.phrases
    silence_said = False
    for code in ctx.codes:
        if len(sentences) >= 3:
            break
        text = ""
        if code in ("repeated_deferral", "deferral") and "deferral" not in " ".join(used):
            count = phrases.deferral_messages()
            periods = phrases.periods()
            first = min(
                (e for c in ("deferral", "repeated_deferral") for e in phrases.evidence.get(c, [])),
                key=lambda e: e["date"] or "",
                default=None,
            )
            if count >= 2 and first:
                text = f"Since {ctx.when(first['date'])}, the start has moved {count} times"
                text += f", most recently to {periods[-1]}." if periods else "."
            elif periods:
                text = f"The decision has moved to {periods[-1]}."
        elif code == "deferral_overdue":
            item = phrases.last(code)
            match = PROMISED.match(item["quote"]) if item else None
            if match:
                # The date in the evidence is when the promised period began.
                text = (
                    f"You had pointed to {match['period']}; since it began on "
                    f"{ctx.when(match['day'])}, I haven't heard from you."
                )
        elif code == "missed_meetings":
            items = phrases.evidence.get(code, [])
            count = len({i["message_id"] for i in items})
            first = phrases.first(code)
            if count >= 2 and first:
                text = (
                    f"Our meeting has been cancelled or moved {count} times "
                    f"since {ctx.when(first['date'])}."
                )
        elif code in ("radio_silence", "unanswered_followups") and not silence_said:
            silence_said = True
            last_reply = ctx.last_inbound
            open_wait = ctx.facts["waits"]["open"]
            notes = int(phrases.feature("unanswered_streak") or 0)
            if last_reply:
                text = f"I haven't heard back since your note on {ctx.when(last_reply['date'])}"
                text += (
                    f", and my last {notes} messages are still unanswered." if notes >= 2 else "."
                )
            elif open_wait:
                text = f"I haven't had a reply since my note on {ctx.when(open_wait['since'])}."
        elif code == "auto_reply_only" and ctx.first_outbound:
            text = (
                f"Since {ctx.when(ctx.first_outbound['date'])}, only automatic replies have "
                "come back to my notes."
            )
        elif code == "champion_left":
            item = phrases.last(code)
            match = _CHAMPION.match(item["quote"]) if item else None
            if match:
                text = (
                    f"With {ctx.name_of(match['email'])} having moved on, the project no "
                    "longer seems to have an owner on your side."
                )
        elif code == "value_unclear":
            item = phrases.last(code)
            if item:
                text = (
                    f"From your note on {ctx.when(item['date'])}, the difference over what "
                    "you have today still isn't clear, and I don't want to push on that."
                )
        elif code == "price_only":
            first = phrases.first(code)
            text = (f"Since {ctx.when(first['date'])}, o" if first else "O") + (
                "ur conversations have stayed on price rather than on what you'd roll out."
            )
        elif code == "no_decision_maker":
            asked = [e for e in phrases.evidence.get(code, []) if e["quote"].startswith("we asked")]
            if len(asked) >= 2:
                text = (
                    f"I've asked {len(asked)} times since {ctx.when(asked[0]['date'])} how to "
                    "involve the person who makes the call, and we haven't found a way yet."
                )
            else:
                text = "We haven't found a way to bring in the person who makes the call."
        elif code == "dodged_questions":
            # Once the decision-maker sentence is said, do not ask the same question again.
            question = ctx.open_question(
                ("dodged_questions",)
                if "no_decision_maker" in used
                else ("dodged_questions", "no_decision_maker")
            )
            if question:
                text = f'A few of my questions, like "{question}", are still open.'
        if text:
            sentences.append(text)
            used.append(code)
    return sentences, used


def _main_topic(messages: list[dict[str, Any]]) -> str:
    """The subject of the conversation that mattered most: the thread the prospect wrote
    most in (the latest on ties), else the longest thread."""
    threads: dict[str, list[dict[str, Any]]] = {}
    for message in messages:
        threads.setdefault(message["thread_id"] or message["message_id"], []).append(message)
    if not threads:
        return ""
    best = max(
        threads.values(),
        key=lambda t: (
            sum(m["direction"] == "inbound" for m in t),
            len(t),
            max(m["date"] or "" for m in t),
        ),
    )
    return clean_subject(best[0]["subject"])


_SCHEDULING = re.compile(
    r"\b(call|minutes?|min|week|monday|tuesday|wednesday|thursday|friday|time|calendar|slot)\b",
    re.I,
)
_MEETING_DAY = re.compile(
    r"\b(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,? )?"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.? \d{1,2}\b",
    re.I,
)


def _walk_away(ctx: _Context) -> dict[str, Any]:
    greeting, sign_off = ctx.greeting(), ctx.sign_off()
    periods = ctx.phrases.periods()
    if ctx.has("declined"):
        item = ctx.phrases.last("declined")
        when = ctx.when(item["date"]) if item else "your last note"
        body = [
            greeting,
            f"Thank you for your note on {when} and for being clear about where things stand. "
            "I'll close this out on my side.",
            _pick(
                [
                    f"If priorities change{' after ' + periods[-1] if periods else ''}, I'd be "
                    "glad to pick it back up: just reply to this thread.",
                    "If anything changes later on, my door is open: a one-line reply to this "
                    "thread is all it takes.",
                ],
                ctx.key,
            ),
            "Thanks again for your time, and all the best.",
            sign_off,
        ]
        used = ["declined"]
        subject = ctx.subject("Closing the loop")
    else:
        sentences, used = _observations(ctx)
        opener = _pick(
            [
                "I want to be straightforward with you.",
                "I'd rather ask than keep guessing.",
                "Thank you for the time you've given this so far.",
            ],
            ctx.key,
        )
        door = (
            f"If the timing changes after {periods[-1]}, I'd be glad to pick this back up: "
            "just reply to this thread."
            if periods
            else "If I've read this wrong, just reply to this thread and we'll pick up where "
            "we left off."
        )
        body = [
            greeting,
            " ".join([opener, *sentences]),
            WALK_AWAY_QUESTION,
            door + " Otherwise I'll close this out on my side and stop following up.",
            sign_off,
        ]
        subject = ctx.subject("Closing the loop")
    return {
        "kind": "walk_away",
        "subject": subject,
        "to": _recipients(ctx),
        "body": "\n\n".join(body),
        "grounds": ctx.grounds(used),
    }


def _recipients(ctx: _Context) -> list[str]:
    """Whom the rep last wrote to (the greeting is theirs too), plus the last person who
    answered when that came later."""
    people = [a for a in ctx.last_outbound["to"] if a not in ctx.ours] if ctx.last_outbound else []
    last = ctx.last_inbound
    if last and last["sender"] not in people:
        later = not ctx.last_outbound or (last["date"] or "") > (ctx.last_outbound["date"] or "")
        if later or not people:
            people.append(last["sender"])
    return people


def _escalate(ctx: _Context) -> dict[str, Any]:
    phrases = ctx.phrases
    said = [
        e
        for e in phrases.evidence.get("no_decision_maker", [])
        if e["direction"] == "inbound" and not e["quote"].startswith("we asked")
    ]
    asked = [e for e in phrases.evidence.get("no_decision_maker", []) if e not in said]
    first, second = _slots(ctx.as_of)
    parts = [ctx.greeting()]
    if said:
        item = said[-1]
        parts.append(
            f'You mentioned on {ctx.when(item["date"])} that "{_trim(item["quote"], 120)}" '
            "That makes sense, and I'd like to make it easy for you."
        )
    elif asked:
        parts.append(
            "I know I've asked about this before"
            + (f" (last on {ctx.when(asked[-1]['date'])})" if asked[-1]["date"] else "")
            + ", and I'd like to make it easier for you."
        )
    ask = _pick(
        [
            "Could we set up 20 minutes with the person who signs off, with you there too, so "
            "they can ask their questions directly?",
            "Would it work to bring the person who makes the final call into a short "
            "20-minute conversation, with you there too?",
        ],
        ctx.key,
    )
    parts.append(
        f"{ask} {first} or {second} would work on my side, and I'm happy to fit "
        "around their calendar."
    )
    periods = phrases.periods()
    extra = "If it's easier, I can send a one-page summary you can forward."
    if periods:
        extra += (
            f" With {periods[-1]} coming up, it would help to get in front of them before then."
        )
    parts.append(extra)
    parts.append(ctx.sign_off())
    return {
        "kind": "escalate",
        "subject": ctx.subject("Bringing in the decision maker"),
        "to": _recipients(ctx),
        "body": "\n\n".join(parts),
        "grounds": ctx.grounds(["no_decision_maker", "deferral", "repeated_deferral"]),
    }


def _re_engage(ctx: _Context) -> dict[str, Any]:
    phrases = ctx.phrases
    first, second = _slots(ctx.as_of)
    parts = [ctx.greeting()]
    used: list[str] = []
    redirects = ctx.redirect_contacts()
    to = _recipients(ctx)
    if ctx.has("auto_reply_only") or ctx.has("champion_left"):
        code = "champion_left" if ctx.has("champion_left") else "auto_reply_only"
        used.append(code)
        opening = (
            "I know it's been a busy stretch: so far my notes"
            + (f" since {ctx.when(ctx.first_outbound['date'])}" if ctx.first_outbound else "")
            + " have only reached automatic replies."
            if code == "auto_reply_only"
            else "I understand the project has changed hands on your side."
        )
        if redirects:
            opening += (
                f" The out-of-office note pointed me to {redirects[0]}, so I've copied them here."
            )
            to = [*to, redirects[0]]
        parts.append(opening)
    elif ctx.last_inbound:
        used.extend(c for c in ("radio_silence", "unanswered_followups") if ctx.has(c))
        days = phrases.silence_days()
        topic = f' on "{ctx.topic}"' if ctx.topic else ""
        parts.append(
            f"It's been {days} days since your last note{topic} "
            f"({ctx.when(ctx.last_inbound['date'])})."
            if days
            else f"Picking up our conversation{topic}."
        )
    if ctx.has("slowing_replies"):
        used.append("slowing_replies")
        parts.append("I know things are busy, so I'll keep this short.")
    periods = phrases.periods()
    if periods:
        used.append("deferral")
        parts.append(f"You mentioned {periods[-1]}: is that still the plan?")
    question = ctx.open_question()
    step = _pick(
        [
            f"Would 15 minutes on {first} or {second} help to decide whether to keep this moving?",
            f"Could we take 15 minutes on {first} or {second} to see if this is still worth "
            "your time?",
        ],
        ctx.key,
    )
    if question and "dodged_questions" in ctx.codes:
        used.append("dodged_questions")
        step = f'One question would help me most: "{question}" ' + step
    parts.append(step + " If a call is too much, a one-line reply is plenty.")
    later = f" after {periods[-1]}" if periods else " in a few weeks"
    parts.append(f"If the timing's wrong, just say so and I'll check back{later}.")
    parts.append(ctx.sign_off())
    return {
        "kind": "re_engage",
        "subject": ctx.subject("Quick check-in"),
        "to": to,
        "body": "\n\n".join(parts),
        "grounds": ctx.grounds(used),
    }


def _keep_going(ctx: _Context) -> dict[str, Any]:
    item = ctx.phrases.last("concrete_next_step")
    parts = [ctx.greeting()]
    if ctx.last_inbound:
        parts.append(f"Thanks for your note on {ctx.when(ctx.last_inbound['date'])}.")
    if item:
        moment = _MEETING_DAY.search(item["quote"]) or _MEETING_DAY.search(item["subject"])
        parts.append(
            (
                f"Looking forward to {moment.group(0)}."
                if moment
                else f"Confirming the next step we agreed on {ctx.when(item['date'])}."
            )
            + " Is there anything you need from me before then?"
        )
    else:
        first, second = _slots(ctx.as_of)
        parts.append(
            f"To keep things moving, would {first} or {second} work for a short call on the "
            "next step?"
        )
    parts.append(ctx.sign_off())
    return {
        "kind": "keep_going",
        "subject": ctx.subject("Next steps"),
        "to": _recipients(ctx),
        "body": "\n\n".join(parts),
        "grounds": ctx.grounds(["concrete_next_step", "recent_engagement"]),
    }


def _crm_note(ctx: _Context) -> dict[str, Any]:
    facts = ctx.facts
    stats = facts["stats"]
    last_reply = parse_time(stats["last_prospect_reply"])
    first_contact = parse_time(stats["first_contact"])
    as_of = ctx.as_of
    text = (
        f"{as_of.date().isoformat() if as_of else ''} {facts['prospect']}: "
        f"{facts['recommendation_label']} (walkaway score {facts['score']:.0f}/100, "
        f"{facts['band']}). {facts['headline']} "
        f"Last reply from the prospect: "
        f"{last_reply.date().isoformat() if last_reply else 'never'}; "
        f"{stats['n_from_prospect']} messages from them and {stats['n_from_us']} from us in "
        f"{stats['n_threads']} thread{'' if stats['n_threads'] == 1 else 's'}"
        + (f" since {first_contact.date().isoformat()}." if first_contact else ".")
    ).strip()
    codes = []
    for reason in facts["reasons"] + facts["positives"]:
        days = sorted({e["day"] for e in reason["evidence"] if e["day"]})
        shown = ", ".join(days[:4]) + (", …" if len(days) > 4 else "")
        codes.append(
            {
                "code": reason["code"],
                "contribution": reason["contribution"],
                "days": days,
                "text": f"{reason['code']} ({reason['contribution']:+.0f}"
                + (f": {shown})" if shown else ")"),
            }
        )
    full = text + " Reason codes: " + "; ".join(c["text"] for c in codes) + "." if codes else text
    return {"summary": text, "codes": codes, "text": full}


def _post_mortem(ctx: _Context) -> dict[str, Any] | None:
    facts = ctx.facts
    if facts["recommendation"] != "walk_away":
        return None
    events = []
    for reason in facts["reasons"]:
        dated = [e for e in reason["evidence"] if e["date"]]
        if not dated:
            continue
        first = min(dated, key=lambda e: e["date"])
        events.append(
            {
                "code": reason["code"],
                "label": reason["label"],
                "date": first["date"],
                "day": first["day"],
                "anchor": first["anchor"],
                "quote": _trim(first["quote"], 160),
                "times": len(dated),
            }
        )
    events.sort(key=lambda e: (e["date"], e["code"]))
    milestones = facts["milestones"]
    sentences = []
    if events:
        first = next(r for r in facts["reasons"] if r["code"] == events[0]["code"])
        what = first["description"] or first["label"]
        sentences.append(
            f"The first warning sign came on {ctx.when(events[0]['date'])}: "
            f"{what[0].lower() + what[1:]}."
        )
    if milestones["first_warning"]:
        sentences.append(
            f"The score first left the low band in the week to "
            f"{ctx.when(milestones['first_warning'])}."
        )
    if milestones["first_walk_away"] and ctx.as_of:
        first_walk = parse_time(milestones["first_walk_away"])
        lead = (ctx.as_of - first_walk).days if first_walk else 0
        sentences.append(
            f"It first recommended walking away in the week to "
            f"{ctx.when(milestones['first_walk_away'])}, {lead} days before "
            f"{ctx.when(facts['as_of'])}"
            + (
                f" (and has held since {ctx.when(milestones['walk_away_since'])})."
                if milestones["walk_away_since"]
                and milestones["walk_away_since"] != milestones["first_walk_away"]
                else "."
            )
        )
    return {
        "summary": " ".join(sentences),
        "events": events,
        "note": "Written for every walk_away prospect: the analyze output does not record "
        "deal outcomes, so lost deals are taken to be the ones to walk away from.",
    }


def advise(
    facts: dict[str, Any], phrases: Phrases, *, messages: list[dict[str, Any]]
) -> dict[str, Any]:
    """The next message, CRM note and (for walk_away) post-mortem of one prospect."""
    ctx = _Context(facts, phrases, messages)
    composer = {
        "walk_away": _walk_away,
        "escalate": _escalate,
        "re_engage": _re_engage,
    }.get(facts["recommendation"], _keep_going)
    return {
        "next_message": composer(ctx),
        "crm_note": _crm_note(ctx),
        "post_mortem": _post_mortem(ctx),
    }
