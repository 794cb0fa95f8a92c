"""Language signals: what the prospect writes, and what they leave unanswered.

Per message, the rule pipeline and the trained classifier (``walkaway.nlp``) say which labels
a reply carries, with the sentence that shows it. Per prospect, as of a date, those become
signals only when a *pattern* holds — one vague sentence is conversation, several vague
replies are a signal:

- ``vague`` / ``price_only``: in several replies and a large share of them;
- ``deferral`` at the first push to a later period, ``repeated_deferral`` from the second,
  ``deferral_overdue`` when a promised period started and the prospect never came back;
- ``missed_meetings`` from the second missed, cancelled or moved meeting (text or calendar);
- ``no_decision_maker``: the prospect cannot decide and nobody senior ever appears;
- ``dodged_questions``: the rep's direct questions get replies that avoid them, repeatedly;
- ``value_unclear``, ``unrealistic_expectations``: each reply that says so;
- ``declined``: the prospect said no in so many words;
- ``concrete_next_step`` (positive): a recent, specific date or time agreed by the prospect.

Each fired signal yields one row per piece of evidence; the rows' strengths add up to the
signal's strength, so the score and ``signals.csv`` tell the same story.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING

from walkaway.people import Person, seniority_rank
from walkaway.signals.timing import Event, fire
from walkaway.types import Signal

if TYPE_CHECKING:
    # The language types only: the process that plans the work (and never reads language
    # itself) does not load spaCy.
    from walkaway.nlp.analysis import TextAnalysis
    from walkaway.nlp.classify import TextLabels

# A specific moment: a weekday, a day of a month, or a clock time.
_WHEN = re.compile(
    r"\b(?:(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day)?\b|"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?\b|"
    r"\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b|"
    r"the\s+\d{1,2}(?:st|nd|rd|th)\b|\d{1,2}(?::\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.)|\b\d{1,2}:\d{2}\b|"
    r"\d{1,2}\.\s*(?:januar|februar|märz|april|mai|juni|juli|august|september|oktober|november|dezember))",
    re.IGNORECASE,
)
# Saying yes to that moment, or committing to the deal's next step.
_COMMIT = re.compile(
    r"\b(?:works|work for (?:me|us|you)|suits|is fine|confirmed?|booked|scheduled|see you|"
    r"sounds good|let'?s do|i'?ll send (?:the|an|you an?) (?:invite|invitation)|invite sent|"
    r"(?:plan|ready|going) to sign|will sign|signed|purchase order|\bpo\b|kick-?off|go ahead|"
    r"move forward|approved|passt|einverstanden)\b",
    re.IGNORECASE,
)

NEGATIVE_LANGUAGE = ("deferral", "no_authority", "missed_meeting", "value_unclear")
TOPICS_ANSWERED_BY_A_DATE = {"timeline", "next_step"}


@dataclass(frozen=True, slots=True)
class LanguageConfig:
    """Thresholds of the language signals (documented defaults)."""

    min_messages: int = 2
    vague_share: float = 0.25
    price_share: float = 0.5
    missed_meetings_from: int = 2
    dodged_from: int = 2
    dodged_share: float = 0.5
    deferral_min_days: int = 21
    next_step_recent_days: int = 30


@dataclass(frozen=True, slots=True)
class LanguageResult:
    features: dict[str, float | int | str | None]
    signals: tuple[Signal, ...] = field(default=())


def is_concrete_commitment(text: str) -> bool:
    """A specific day or time plus a yes to it ("Tuesday 3pm works", "PO attached")."""
    return bool(_WHEN.search(text) and _COMMIT.search(text)) or bool(
        re.search(r"\b(?:signed|purchase order|po\s+\d+)\b", text, re.IGNORECASE)
    )


# Replies are searched for a date again at every as-of date of a trajectory. Bounded, and
# keyed by the text itself (str hashes are cached, so a hit costs a dict lookup).
@lru_cache(maxsize=4096)
def _names_a_moment(text: str) -> bool:
    """Whether ``text`` names a specific day or time."""
    return bool(_WHEN.search(text))


def _sentence_with(labels: TextLabels, label: str) -> str:
    for span in labels.spans:
        if span.label == label and span.source == "model":
            return span.text
    for span in labels.spans:
        if span.label == label:
            for sentence in labels.analysis.sentences:
                if sentence.start_char <= span.start < sentence.end_char:
                    return sentence.text
            return span.text
    return _first_words(labels.text)


def _first_words(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _rows(
    prospect: str, code: str, items: Sequence[tuple[Event, str]], total: float
) -> list[Signal]:
    """One row per piece of evidence, sharing the signal's total strength."""
    share = total / len(items)
    return [fire(prospect, code, event, evidence, share) for event, evidence in items]


def _is_deferral(
    labels: TextLabels, event: Event, config: LanguageConfig, threshold: float
) -> bool:
    if "deferral" in labels.fired:
        return True
    # A rule hit counts when it names a period far enough away ("next quarter") and the
    # classifier at least leans that way ("a talk in June" names a month, defers nothing).
    if labels.probabilities["deferral"] < threshold / 2:
        return False
    horizon = event.date.date() + timedelta(days=config.deferral_min_days)
    return any(target.start >= horizon for target in labels.analysis.deferral_targets)


def language_signals(
    prospect: str,
    events: Sequence[Event],
    as_of: datetime,
    labels: Mapping[str, TextLabels],
    rep_texts: Mapping[str, TextAnalysis],
    people: Mapping[str, Person],
    config: LanguageConfig | None = None,
) -> LanguageResult:
    """Language features and fired signals of one prospect, from events up to ``as_of``."""
    config = config or LanguageConfig()
    events = [e for e in events if e.date <= as_of]
    replies = [
        (e, labels[e.message.id]) for e in events if e.direction == "in" and e.message.id in labels
    ]
    signals: list[Signal] = []
    n_replies = len(replies)

    def with_label(label: str) -> list[tuple[Event, TextLabels]]:
        return [(e, x) for e, x in replies if label in x.fired]

    # vague and price_only: a habit, not a sentence.
    vague = with_label("vague")
    if len(vague) >= config.min_messages and len(vague) / n_replies >= config.vague_share:
        items = [(e, _sentence_with(x, "vague")) for e, x in vague]
        signals += _rows(prospect, "vague", items, len(vague) / config.min_messages)
    price = with_label("price_only")
    price_mentions = sum(x.analysis.price_mentions for _, x in replies)
    value_mentions = sum(x.analysis.value_mentions for _, x in replies)
    if len(price) >= config.min_messages and len(price) / n_replies >= config.price_share:
        items = [(e, _sentence_with(x, "price_only")) for e, x in price]
        signals += _rows(prospect, "price_only", items, len(price) / n_replies / config.price_share)

    # Deferrals, in order: the first is a deferral, the second on is a repeated deferral.
    from walkaway.nlp.classifier import get_classifier

    threshold = get_classifier().thresholds["deferral"]
    deferrals = [(e, x) for e, x in replies if _is_deferral(x, e, config, threshold)]
    if deferrals:
        first_event, first = deferrals[0]
        signals += _rows(prospect, "deferral", [(first_event, _deferral_evidence(first))], 1.0)
    if len(deferrals) >= 2:
        items = [(e, _deferral_evidence(x)) for e, x in deferrals[1:]]
        signals += _rows(prospect, "repeated_deferral", items, 1.0 + 0.5 * (len(items) - 1))
    overdue = _overdue_deferral(deferrals, replies, as_of)
    if overdue is not None:
        event, evidence = overdue
        signals += _rows(prospect, "deferral_overdue", [(event, evidence)], 1.0)

    # Meetings missed, cancelled or moved by the prospect: text and calendar alike.
    misses: list[tuple[Event, str]] = []
    for event in events:
        if event.direction not in {"in", "auto"}:
            continue
        message = event.message
        method, partstat = message.calendar_method.upper(), message.calendar_partstat.upper()
        from_calendar = method in {"CANCEL", "COUNTER"} or (
            method == "REPLY" and partstat == "DECLINED"
        )
        from_text = (
            event.direction == "in"
            and message.id in labels
            and "missed_meeting" in labels[message.id].fired
        )
        if from_calendar or from_text:
            what = f"calendar {method.lower()}" + (f" ({partstat.lower()})" if partstat else "")
            sentence = _sentence_with(labels[message.id], "missed_meeting") if from_text else ""
            evidence = sentence if from_text else f"{what}: {message.subject!r}"
            if from_text and from_calendar:
                evidence = f"{what}: {sentence}"
            misses.append((event, evidence))
    if len(misses) >= config.missed_meetings_from:
        signals += _rows(prospect, "missed_meetings", misses, 0.5 * len(misses))

    # value and expectations: every reply that says so.
    for label, code, per_message in (
        ("value_unclear", "value_unclear", 0.5),
        ("unrealistic_expectations", "unrealistic_expectations", 1.0),
    ):
        hits = with_label(label)
        if hits:
            items = [(e, _sentence_with(x, label)) for e, x in hits]
            signals += _rows(prospect, code, items, per_message * len(items))

    # An explicit no ("we went with another vendor", "we'll pass").
    declined = [(e, x) for e, x in replies if "DECLINED" in x.analysis.labels]
    if declined:
        event, declined_labels = declined[-1]
        hit = declined_labels.analysis.hits("DECLINED")[0]
        signals += _rows(prospect, "declined", [(event, hit.sentence)], 1.0)

    # Decision makers: cannot decide, asked for, never seen.
    signals += _decision_maker(prospect, events, replies, rep_texts, people)

    # Dodged questions: the rep asks, the prospect replies, the reply avoids the question.
    dodged, answered = _dodged_questions(events, labels, rep_texts)
    judged = len(dodged) + answered
    dodged_messages = {reply.message.id for _, _, reply, _ in dodged}
    if (
        len(dodged) >= config.dodged_from
        and len(dodged_messages) >= 2
        and len(dodged) / judged >= config.dodged_share
    ):
        items = [
            (
                reply,
                f"asked {question!r} ({_day(asked.date)}); the reply: {_first_words(text, 120)}",
            )
            for question, asked, reply, text in dodged
        ]
        signals += _rows(prospect, "dodged_questions", items, len(dodged) / config.dodged_from)

    # A concrete next step, recent, and after the latest setback.
    setbacks = [e.date for e, x in replies if set(x.fired) & set(NEGATIVE_LANGUAGE)]
    setbacks += [e.date for e, _ in declined]
    setbacks += [e.date for e, _ in misses]
    latest_setback = max(setbacks, default=None)
    recent = as_of - timedelta(days=config.next_step_recent_days)
    for event in reversed(events):
        if event.date < recent:
            break
        if event.direction != "in" or (latest_setback is not None and event.date <= latest_setback):
            continue
        message = event.message
        if (
            message.calendar_method.upper() == "REQUEST"
            or (
                message.calendar_method.upper() == "REPLY"
                and message.calendar_partstat.upper() == "ACCEPTED"
            )
            or is_concrete_commitment(message.text)
        ):
            evidence = (
                _first_words(message.text)
                or f"calendar {message.calendar_method.lower()}: {message.subject!r}"
            )
            signals += _rows(prospect, "concrete_next_step", [(event, evidence)], 1.0)
            break

    features: dict[str, float | int | str | None] = {
        "n_replies_read": n_replies,
        "n_vague_replies": len(vague),
        "n_price_only_replies": len(price),
        "price_share": price_mentions / (price_mentions + value_mentions)
        if price_mentions + value_mentions
        else None,
        "n_deferrals": len(deferrals),
        "n_missed_meetings": len(misses),
        "n_value_unclear": len(with_label("value_unclear")),
        "n_unrealistic": len(with_label("unrealistic_expectations")),
        "n_no_authority": len(with_label("no_authority")),
        "declined": int(bool(declined)),
        "n_questions_dodged": len(dodged),
        "n_questions_answered": answered,
    }
    return LanguageResult(features=features, signals=tuple(signals))


def _day(moment: datetime) -> str:
    return moment.date().isoformat()


def _deferral_evidence(labels: TextLabels) -> str:
    sentence = _sentence_with(labels, "deferral")
    targets = labels.analysis.deferral_targets
    if targets:
        target = targets[0]
        period = f"{target.start.isoformat()} to {target.end.isoformat()}"
        return f"{sentence} (-> {target.label}: {period})"
    return sentence


def _overdue_deferral(
    deferrals: Sequence[tuple[Event, TextLabels]],
    replies: Sequence[tuple[Event, TextLabels]],
    as_of: datetime,
) -> tuple[Event, str] | None:
    """The latest deferral whose promised period has begun, with no human reply since it began."""
    if not deferrals:
        return None
    event, labels = deferrals[-1]
    targets = [t for t in labels.analysis.deferral_targets if t.start > event.date.date()]
    if not targets:
        return None
    target = min(targets, key=lambda t: t.start)
    # Give them two weeks into the promised period before calling it overdue.
    due = target.start + timedelta(days=14)
    if due > as_of.date():
        return None
    if any(e.date.date() >= target.start for e, _ in replies):
        return None
    evidence = (
        f"promised {target.label!r} ({target.start.isoformat()}); no word since: "
        f"{_sentence_with(labels, 'deferral')}"
    )
    return event, evidence


def _decision_maker(
    prospect: str,
    events: Sequence[Event],
    replies: Sequence[tuple[Event, TextLabels]],
    rep_texts: Mapping[str, TextAnalysis],
    people: Mapping[str, Person],
) -> list[Signal]:
    not_their_call = [
        (e, _sentence_with(x, "no_authority")) for e, x in replies if "no_authority" in x.fired
    ]
    asks: list[tuple[Event, str]] = []
    for event in events:
        analysis = rep_texts.get(event.message.id)
        if event.direction == "out" and analysis is not None:
            decision = [q.text for q in analysis.questions if "decision" in q.topics]
            if decision:
                asks.append((event, f"we asked: {decision[0]!r}"))
    if not not_their_call and len(asks) < 2:
        return []
    if len(not_their_call) + len(asks) < 2:
        return []
    first = min(e.date for e, _ in [*not_their_call, *asks])
    director = seniority_rank("director")
    for event in events:
        if event.date < first or event.direction not in {"in", "out"}:
            continue
        # Repeats of an address decide the same way, so the raw list does (no dedup needed).
        for address in (event.message.sender, *event.message.to, *event.message.cc):
            if address is None or not address.email:
                continue
            person = people.get(address.email)
            if person is None or person.own or person.account != prospect:
                continue
            wrote = (
                event.direction == "in"
                and event.message.sender is not None
                and (event.message.sender.email == address.email)
            )
            rank = seniority_rank(person.seniority)
            if rank >= seniority_rank("executive") or (wrote and rank >= director):
                return []
    items = sorted([*not_their_call, *asks], key=lambda item: item[0].date)
    return _rows(prospect, "no_decision_maker", items, min(1.5, len(items) / 3.0))


def _dodged_questions(
    events: Sequence[Event], labels: Mapping[str, TextLabels], rep_texts: Mapping[str, TextAnalysis]
) -> tuple[list[tuple[str, Event, Event, str]], int]:
    """Pair each topical question of ours with the prospect's next reply in its thread.

    Returns the dodged questions as (question, our message, their reply, reply text) and the
    number of questions answered."""
    dodged: list[tuple[str, Event, Event, str]] = []
    answered = 0
    for index, event in enumerate(events):
        analysis = rep_texts.get(event.message.id)
        if event.direction != "out" or analysis is None:
            continue
        questions = [q for q in analysis.questions if q.topic != "other"]
        if not questions:
            continue
        reply = next(
            (
                later
                for later in events[index + 1 :]
                if later.direction == "in" and later.thread_id == event.thread_id
            ),
            None,
        )
        if reply is None or reply.message.id not in labels:
            continue  # unanswered is the timing signals' business, not dodging
        reply_labels = labels[reply.message.id]
        if set(reply_labels.fired) & set(NEGATIVE_LANGUAGE):
            answered += len(questions)  # a clear answer of another kind ("not until Q1")
            continue
        for question in questions:
            topics = set(question.topics)
            # The date search is the costly part: only run when a date could answer.
            covered = bool(topics & reply_labels.analysis.topics) or (
                bool(topics & TOPICS_ANSWERED_BY_A_DATE) and _names_a_moment(reply_labels.text)
            )
            if covered and "vague" not in reply_labels.fired:
                answered += 1
            else:
                dodged.append((question.text, event, reply, reply_labels.text))
    return dodged, answered
