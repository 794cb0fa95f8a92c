"""The facts of every report page, computed once from an output folder.

HTML, Markdown and JSON pages are three views of the same dictionary built here, so they
cannot disagree: each prospect's verdict, its reasons with their evidence (the message, its
date, sender and the sentence that fired), the reply waits behind the timeline chart, the
weekly score trajectory, the thread view, the suggested next message and the CRM note.
Everything is plain JSON-ready data (strings, numbers, lists, dicts).
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from walkaway.report.data import OutputFolder

REASON_LABELS = {
    "radio_silence": "Radio silence",
    "slowing_replies": "Slowing replies",
    "unanswered_followups": "Unanswered follow-ups",
    "auto_reply_only": "Only auto-replies",
    "champion_left": "Champion left",
    "vague": "Vague answers",
    "price_only": "Price only",
    "deferral": "Deferred",
    "repeated_deferral": "Deferred again",
    "deferral_overdue": "Deferral overdue",
    "declined": "Said no",
    "missed_meetings": "Missed meetings",
    "no_decision_maker": "No decision maker",
    "dodged_questions": "Dodged questions",
    "value_unclear": "Value unclear",
    "unrealistic_expectations": "Unrealistic expectations",
    "multithreaded": "Several contacts",
    "exec_engaged": "Executive engaged",
    "concrete_next_step": "Next step agreed",
    "recent_engagement": "Recent reply",
}

RECOMMENDATIONS = {
    "walk_away": ("Walk away", "Close it politely, leave the door open, and record why."),
    "escalate": ("Escalate", "Ask to bring in the person who decides."),
    "re_engage": ("Re-engage", "Send one specific, low-effort next step."),
    "keep_going": ("Keep going", "The deal is moving: keep the agreed next step on track."),
}
BANDS = ("critical", "high", "medium", "low")

# Evidence strings written by the signal stage carry structure worth showing apart.
_PERIOD = re.compile(r"\s*\(->\s*([^:()]+?)\s*:[^()]*\)\s*$")
PROMISED = re.compile(r"""^promised (['"])(?P<period>.+?)\1 \((?P<day>\d{4}-\d{2}-\d{2})\)""")
_SLOWING = re.compile(
    r"replied after (?P<latest>\d+(?:\.\d+)?) business days, against (?P<before>\d+(?:\.\d+)?)"
)


def anchor(message_id: str) -> str:
    """A short, stable HTML id for a message (Message-IDs hold characters ids should not)."""
    return "m-" + hashlib.sha256(message_id.encode("utf-8")).hexdigest()[:12]


def parse_time(value: object) -> datetime | None:
    """An ISO string or timestamp as aware UTC datetime; None for blanks and NaT."""
    if value is None or value == "" or value == "NaT":
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    try:
        moment = pd.Timestamp(value)  # type: ignore[arg-type]
    except (ValueError, TypeError):
        return None
    if pd.isna(moment):
        return None
    if moment.tzinfo is None:
        moment = moment.tz_localize(UTC)
    return moment.tz_convert(UTC).to_pydatetime()


def number(value: object) -> float | None:
    """A feature value as a float (features arrive as numbers, numeric strings or null)."""
    if value is None or isinstance(value, bool):
        return None
    try:
        result = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(result) or math.isinf(result) else result


def day(moment: datetime | None) -> str:
    return moment.date().isoformat() if moment else ""


def short_day(moment: datetime | None, reference: datetime | None = None) -> str:
    """``Oct 12``, with the year when it differs from the reference date's."""
    if moment is None:
        return "an unknown date"
    text = f"{moment:%b} {moment.day}"
    if reference is None or moment.year != reference.year:
        text += f", {moment.year}"
    return text


def reason_label(code: str) -> str:
    return REASON_LABELS.get(code, code.replace("_", " ").capitalize())


def first_name(display_name: str) -> str:
    """The given name of a display name (``Halvorsen, Greg`` -> ``Greg``;
    ``Dr. Stefan Brenner`` -> ``Stefan``); '' when there is none."""
    name = display_name.strip().strip("\"'")
    if "," in name:
        name = name.split(",", 1)[1].strip()
    tokens = [t for t in name.split() if t.rstrip(".").lower() not in _TITLES]
    return tokens[0] if tokens and tokens[0][:1].isalpha() else ""


_TITLES = {"dr", "mr", "mrs", "ms", "prof", "herr", "frau", "sir", "dame", "mx"}


def natural_name(display_name: str) -> str:
    """``Halvorsen, Greg`` -> ``Greg Halvorsen``; other names unchanged."""
    name = " ".join(display_name.split()).strip("\"'")
    last, comma, given = name.partition(",")
    if comma and given.strip() and "," not in given and "@" not in name:
        return f"{given.strip()} {last.strip()}"
    return name


@dataclass(frozen=True)
class Facts:
    """Facts of the whole report: the index rows and one dict per prospect (rank order)."""

    as_of: datetime | None
    summary: dict[str, Any]
    prospects: list[dict[str, Any]]
    redacted: bool


def _message_record(row: dict[str, Any], evidence_codes: Iterable[str]) -> dict[str, Any]:
    moment = parse_time(row.get("date"))
    calendar = str(row.get("calendar_method") or "")
    partstat = str(row.get("calendar_partstat") or "")
    return {
        "message_id": str(row["id"]),
        "anchor": anchor(str(row["id"])),
        "thread_id": str(row.get("thread_id") or ""),
        "date": moment.isoformat() if moment else None,
        "day": day(moment),
        "direction": str(row.get("direction") or ""),
        "sender": str(row.get("sender") or ""),
        "sender_name": str(row.get("sender_name") or ""),
        "to": [str(a) for a in _as_list(row.get("to"))],
        "cc": [str(a) for a in _as_list(row.get("cc"))],
        "subject": str(row.get("subject") or ""),
        "text": str(row.get("text") or ""),
        "quoted": str(row.get("quoted") or ""),
        "signature": str(row.get("signature") or ""),
        "calendar": (calendar.lower() + (f" ({partstat.lower()})" if partstat else ""))
        if calendar
        else "",
        "attachments": [str(a) for a in _as_list(row.get("attachment_names"))],
        "evidence": sorted(set(evidence_codes)),
    }


def _as_list(value: object) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value else []
    try:
        return list(value)  # type: ignore[call-overload]
    except TypeError:
        return []


def _waits(messages: list[dict[str, Any]], as_of: datetime | None) -> dict[str, Any]:
    """How long the prospect kept us waiting, reply by reply.

    As the timing signals measure it: per thread, from our first message the prospect had
    not answered yet to their next message in that thread (a new topic of theirs weeks after
    our "thanks, received" is not a slow reply). Automatic replies and bounces answer
    nothing. The wait still open at the as-of date runs from our first message after their
    last reply in any thread.
    """
    replies = []
    waiting: dict[str, datetime] = {}
    open_since: tuple[datetime, str] | None = None
    for message in messages:
        moment = parse_time(message["date"])
        if moment is None:
            continue
        thread = message["thread_id"] or message["message_id"]
        if message["direction"] == "outbound":
            waiting.setdefault(thread, moment)
            if open_since is None:
                open_since = (moment, message["message_id"])
        elif message["direction"] == "inbound":
            open_since = None
            started = waiting.pop(thread, None)
            if started is not None:
                replies.append(
                    {
                        "date": moment.isoformat(),
                        "day": day(moment),
                        "days": round((moment - started).total_seconds() / 86400, 2),
                        "message_id": message["message_id"],
                        "waited_from": started.isoformat(),
                    }
                )
    open_wait = None
    if open_since is not None and as_of is not None and as_of >= open_since[0]:
        open_wait = {
            "since": open_since[0].isoformat(),
            "day": day(open_since[0]),
            "days": round((as_of - open_since[0]).total_seconds() / 86400, 2),
            "message_id": open_since[1],
        }
    days = sorted(r["days"] for r in replies)
    median = None
    if days:
        mid = len(days) // 2
        median = days[mid] if len(days) % 2 else round((days[mid - 1] + days[mid]) / 2, 2)
    return {"replies": replies, "open": open_wait, "median_days": median}


def _contacts(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The prospect's people who wrote to us, most active first."""
    seen: dict[str, dict[str, Any]] = {}
    for message in messages:
        if message["direction"] != "inbound" or not message["sender"]:
            continue
        entry = seen.setdefault(
            message["sender"],
            {
                "email": message["sender"],
                "name": natural_name(message["sender_name"]),
                "messages": 0,
            },
        )
        entry["messages"] += 1
        entry["last"] = message["date"]
        if message["sender_name"]:
            entry["name"] = natural_name(message["sender_name"])
    return sorted(seen.values(), key=lambda c: (-c["messages"], c["email"]))


def _evidence_item(signal: dict[str, Any], by_id: dict[str, dict[str, Any]]) -> dict[str, Any]:
    message = by_id.get(signal["message_id"])
    moment = parse_time(signal["date"]) or (parse_time(message["date"]) if message else None)
    text = str(signal["evidence"])
    period_match = _PERIOD.search(text)
    return {
        "message_id": signal["message_id"],
        "anchor": anchor(signal["message_id"]) if message else "",
        "date": moment.isoformat() if moment else None,
        "day": day(moment),
        "sender": message["sender"] if message else "",
        "sender_name": message["sender_name"] if message else "",
        "direction": message["direction"] if message else "",
        "subject": message["subject"] if message else "",
        "quote": _PERIOD.sub("", text) if period_match else text,
        "period": period_match.group(1) if period_match else "",
    }


class Phrases:
    """Short, concrete phrases for one prospect's reasons (headline, CRM note, advice)."""

    def __init__(self, facts: dict[str, Any], as_of: datetime | None) -> None:
        self.facts = facts
        self.as_of = as_of
        self.features = facts["features"]
        self.evidence = {r["code"]: r["evidence"] for r in facts["reasons"] + facts["positives"]}

    def feature(self, name: str) -> float | None:
        return number(self.features.get(name))

    def when(self, iso: str | None) -> str:
        return short_day(parse_time(iso), self.as_of)

    def first(self, code: str) -> dict[str, Any] | None:
        items = [e for e in self.evidence.get(code, []) if e["date"]]
        return min(items, key=lambda e: e["date"]) if items else None

    def last(self, code: str) -> dict[str, Any] | None:
        items = [e for e in self.evidence.get(code, []) if e["date"]]
        return max(items, key=lambda e: e["date"]) if items else None

    def count(self, code: str) -> int:
        return len(self.evidence.get(code, []))

    def silence_days(self) -> int | None:
        since = self.feature("days_since_prospect_reply")
        if since is not None:
            return round(since)
        open_wait = self.facts["waits"]["open"]
        return round(open_wait["days"]) if open_wait else None

    def deferral_messages(self) -> int:
        """Messages in which the prospect pushed the decision out."""
        return len(
            {
                e["message_id"]
                for c in ("deferral", "repeated_deferral")
                for e in self.evidence.get(c, [])
            }
        )

    def periods(self) -> list[str]:
        found = []
        for code in ("deferral", "repeated_deferral"):
            for item in sorted(self.evidence.get(code, []), key=lambda e: e["date"] or ""):
                if item["period"] and item["period"] not in found:
                    found.append(item["period"])
        return found

    def headline(self, code: str) -> str | None:
        """A few words with numbers and dates, e.g. ``no reply for 35 days``."""
        last = self.last(code)
        if code == "radio_silence":
            days = self.silence_days()
            return f"no reply for {days} days" if days else "gone silent"
        if code == "unanswered_followups":
            streak = self.feature("unanswered_streak")
            return f"{int(streak)} messages in a row unanswered" if streak else None
        if code == "repeated_deferral":
            deferrals = self.deferral_messages()
            periods = self.periods()
            tail = f", now to {periods[-1]}" if periods else ""
            return f"pushed back {deferrals} times{tail}"
        if code == "deferral":
            periods = self.periods()
            return f"deferred to {periods[-1]}" if periods else "deferred the decision"
        if code == "deferral_overdue":
            match = PROMISED.match(last["quote"]) if last else None
            return f"'{match['period']}' came and went" if match else "promised date passed"
        if code == "declined":
            return f"said no on {self.when(last['date'])}" if last else "said no"
        if code == "missed_meetings":
            count = int(self.feature("n_missed_meetings") or self.count(code))
            return f"{count} meetings missed or moved"
        if code == "auto_reply_only":
            count = int(self.feature("n_auto_replies") or 0)
            return f"only auto-replies ({count})" if count else "only auto-replies"
        if code == "champion_left":
            return f"main contact left ({self.when(last['date'])})" if last else "contact left"
        if code == "no_decision_maker":
            return "decision maker out of reach"
        if code == "dodged_questions":
            return f"{self.count(code)} questions left unanswered"
        if code == "price_only":
            return "talks only about price"
        if code == "value_unclear":
            return "does not see the value"
        if code == "slowing_replies":
            match = _SLOWING.search(last["quote"]) if last else None
            if match:
                return (
                    f"replies slowing ({float(match['latest']):.0f} business days, "
                    f"against {float(match['before']):.0f} before)"
                )
            return "replies slowing"
        if code == "vague":
            return "vague answers"
        if code == "unrealistic_expectations":
            return "unrealistic expectations"
        if code == "concrete_next_step":
            return f"next step agreed ({self.when(last['date'])})" if last else "next step agreed"
        if code == "recent_engagement":
            days = self.silence_days()
            return f"replied {days} days ago" if days is not None else "replied recently"
        if code == "exec_engaged":
            return "an executive is involved"
        if code == "multithreaded":
            people = int(self.feature("n_contacts_writing") or 0)
            return f"{people} people engaged" if people > 1 else "several people engaged"
        return reason_label(code).lower()


def _headline(facts: dict[str, Any], phrases: Phrases) -> str:
    if facts["recommendation"] == "keep_going" or not facts["reasons"]:
        codes = [r["code"] for r in facts["positives"]][:2]
    else:
        codes = [r["code"] for r in facts["reasons"]][:2]
    parts = [p for p in (phrases.headline(code) for code in codes) if p]
    if not parts:
        return "No warning signs so far."
    text = "; ".join(parts)
    return text[0].upper() + text[1:] + "."


def _trajectory_milestones(trajectory: list[dict[str, Any]]) -> dict[str, Any]:
    first_warning = next((p for p in trajectory if p["band"] != "low"), None)
    first_walk = next((p for p in trajectory if p["recommendation"] == "walk_away"), None)
    streak_start = None
    for point in reversed(trajectory):
        if point["recommendation"] != "walk_away":
            break
        streak_start = point
    return {
        "first_warning": first_warning["as_of"] if first_warning else None,
        "first_walk_away": first_walk["as_of"] if first_walk else None,
        "walk_away_since": streak_start["as_of"] if streak_start else None,
    }


def build_facts(folder: OutputFolder) -> Facts:
    """Every prospect's report facts, in the ranked order of ``prospects.csv``."""
    from walkaway.report.advice import advise

    as_of = parse_time(folder.scores.get("as_of") or folder.summary.get("as_of"))
    scores = {str(p["prospect"]): p for p in folder.scores["prospects"]}

    messages = folder.messages
    by_prospect: dict[str, list[dict[str, Any]]] = {}
    if not messages.empty:
        exploded = messages.explode("prospects")
        exploded = exploded[exploded["prospects"].notna()]
        for prospect, rows in exploded.groupby("prospects", sort=False):
            by_prospect[str(prospect)] = rows.to_dict("records")

    signals_by: dict[str, list[dict[str, Any]]] = {}
    for record in folder.signals.to_dict("records"):
        signals_by.setdefault(str(record["prospect"]), []).append(record)

    thread_subjects = (
        dict(zip(folder.threads["thread_id"], folder.threads["subject"], strict=False))
        if not folder.threads.empty
        else {}
    )

    pages = []
    for row in folder.prospects.to_dict("records"):
        prospect = str(row["prospect"])
        entry = scores.get(prospect, {})
        signals = signals_by.get(prospect, [])
        evidence_codes: dict[str, list[str]] = {}
        for signal in signals:
            evidence_codes.setdefault(str(signal["message_id"]), []).append(str(signal["signal"]))
        rows = sorted(
            by_prospect.get(prospect, []),
            key=lambda r: (parse_time(r.get("date")) or datetime.max.replace(tzinfo=UTC), r["id"]),
        )
        all_messages = [_message_record(r, evidence_codes.get(str(r["id"]), ())) for r in rows]
        # The report speaks as of the analysis date: later messages were not scored.
        visible = [
            m
            for m in all_messages
            if as_of is None or m["date"] is None or parse_time(m["date"]) <= as_of  # type: ignore[operator]
        ]
        by_id = {m["message_id"]: m for m in visible}
        reasons: list[dict[str, Any]] = []
        positives: list[dict[str, Any]] = []
        for reason in entry.get("reasons", []):
            code = str(reason.get("code", ""))
            items = [
                _evidence_item(s, by_id)
                for s in sorted(signals, key=lambda s: (s["date"], s["message_id"]))
                if s["signal"] == code
            ]
            record = {
                "code": code,
                "label": reason_label(code),
                "contribution": number(reason.get("contribution")) or 0.0,
                "description": str(reason.get("description") or ""),
                "kind": str(reason.get("kind") or ""),
                "evidence": items,
            }
            (positives if record["contribution"] < 0 else reasons).append(record)

        threads: dict[str, dict[str, Any]] = {}
        for message in visible:
            thread_id = message["thread_id"]
            thread = threads.setdefault(
                thread_id,
                {
                    "thread_id": thread_id,
                    "anchor": "t-" + anchor(thread_id or message["message_id"])[2:],
                    "subject": str(thread_subjects.get(thread_id) or message["subject"]),
                    "messages": [],
                },
            )
            thread["messages"].append(message)

        recommendation = str(entry.get("recommendation") or row.get("recommendation") or "")
        label, action = RECOMMENDATIONS.get(recommendation, (recommendation, ""))
        trajectory = [
            {
                "as_of": str(p.get("as_of")),
                "day": day(parse_time(p.get("as_of"))),
                "score": number(p.get("score")) or 0.0,
                "band": str(p.get("band") or ""),
                "recommendation": str(p.get("recommendation") or ""),
            }
            for p in entry.get("trajectory", [])
        ]
        facts: dict[str, Any] = {
            "prospect": prospect,
            "name": str(row.get("name") or prospect),
            "score": number(entry.get("score", row.get("score"))) or 0.0,
            "band": str(entry.get("band") or row.get("band") or ""),
            "recommendation": recommendation,
            "recommendation_label": label,
            "action": action,
            "as_of": as_of.isoformat() if as_of else None,
            "reasons": reasons,
            "positives": positives,
            "features": dict(entry.get("features", {})),
            "contacts": _contacts(visible),
            "stats": {
                "n_messages": len(visible),
                "n_from_prospect": sum(m["direction"] == "inbound" for m in visible),
                "n_from_us": sum(m["direction"] == "outbound" for m in visible),
                "n_auto_replies": sum(m["direction"] == "auto_reply" for m in visible),
                "n_threads": len(threads),
                "first_contact": str(row.get("first_contact") or ""),
                "last_contact": str(row.get("last_contact") or ""),
                "last_prospect_reply": str(row.get("last_prospect_reply") or ""),
                "n_later_messages": len(all_messages) - len(visible),
            },
            "waits": _waits(visible, as_of),
            "trajectory": trajectory,
            "milestones": _trajectory_milestones(trajectory),
            "threads": sorted(
                threads.values(), key=lambda t: (t["messages"][0]["date"] or "", t["anchor"])
            ),
        }
        phrases = Phrases(facts, as_of)
        facts["headline"] = _headline(facts, phrases)
        facts["top_reasons"] = [
            {"code": r["code"], "label": r["label"], "phrase": phrases.headline(r["code"])}
            for r in reasons[:3]
        ]
        facts.update(advise(facts, phrases, messages=visible))
        pages.append(facts)
    counts = Counter(p["recommendation"] for p in pages)
    summary = {
        "as_of": as_of.isoformat() if as_of else None,
        "prospects": len(pages),
        "recommendations": {k: counts.get(k, 0) for k in RECOMMENDATIONS},
        "bands": {b: sum(p["band"] == b for p in pages) for b in BANDS},
        "messages": int(folder.summary.get("parsed", len(folder.messages)) or 0),
        "threads": int(folder.summary.get("threads", len(folder.threads)) or 0),
        "quarantined": int(folder.summary.get("quarantined", 0) or 0),
        "scoring": folder.scores.get("scoring") or folder.summary.get("scoring") or {},
    }
    return Facts(as_of=as_of, summary=summary, prospects=pages, redacted=folder.redacted)
