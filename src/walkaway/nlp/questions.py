"""``question_detector``: the direct questions in a text, each with a topic.

Used on the rep's messages, so a later stage can tell whether the prospect's next reply
answered them. A sentence is a question when it ends in "?" or opens with an ask that
needs no question mark ("Let me know who else is involved", "Could you share the
timeline"), unless a pleasantry covers the whole sentence ("How are you?", "Hope you had a
good weekend?", "Let me know if you have any questions").

The topic is the first strong topic cue in the sentence (``timeline``, ``budget``,
``decision``, ``headcount``, ``next_step``); weak cues ("when", "how many") count only
when no strong cue fired; otherwise ``other``. Rules live in ``patterns/questions.jsonl``.

Results: ``doc.spans["questions"]`` (label = topic) read through ``Doc._.questions``, and
every topic cue in ``doc.spans["walkaway_topics"]`` (label = topic), also useful on the
reply side to see whether it speaks about the asked topic at all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span

from walkaway.nlp.extensions import QUESTIONS_KEY, TOPICS_KEY
from walkaway.nlp.rules import RuleMatch, RuleMatcher, sentence_starts_of

ASK = "ASK"
PLEASANTRY = "PLEASANTRY"
TOPIC_LABELS = {
    "TIMELINE": "timeline",
    "BUDGET": "budget",
    "DECISION": "decision",
    "HEADCOUNT": "headcount",
    "NEXT_STEP": "next_step",
}
OTHER_TOPIC = "other"

_CLOSERS = frozenset(")]}\"'”’»")


class QuestionDetector:
    """Marks direct questions; see the module docstring."""

    def __init__(
        self,
        nlp: Language,
        name: str,
        *,
        pattern_files: Sequence[str],
        ask_within: int,
        pleasantry_slack: int,
        validate: bool,
    ) -> None:
        self.name = name
        self.ask_within = ask_within
        self.pleasantry_slack = pleasantry_slack
        self.rules = RuleMatcher(
            nlp,
            f"{name}_rules",
            spans_key=TOPICS_KEY,
            pattern_files=pattern_files,
            phrase_matcher_attr="NORM",
            negation_window=0,
            validate=validate,
        )

    def initialize(
        self,
        get_examples: Callable[[], Iterable[Any]] | None = None,
        *,
        nlp: Language | None = None,
        patterns: list[dict[str, Any]] | None = None,
    ) -> None:
        """Load the rules: ``patterns`` when given, else the package's ``questions.jsonl``."""
        self.rules.initialize(get_examples, nlp=nlp, patterns=patterns)

    def __call__(self, doc: Doc) -> Doc:
        self.rules.require_patterns()
        matches, _ = self.rules.match(doc)
        self.set_annotations(doc, self.predict(doc, matches), matches)
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterable[Doc]:
        for doc in docs:
            yield self(doc)

    def predict(self, doc: Doc, matches: list[RuleMatch]) -> list[tuple[int, int, str]]:
        """(start, end, topic) token spans of the direct questions."""
        if not len(doc):
            return []
        by_sentence: dict[int, list[RuleMatch]] = {}
        for match in matches:
            by_sentence.setdefault(match.sentence, []).append(match)
        starts = sentence_starts_of(doc)
        ends = [*starts[1:], len(doc)]
        questions: list[tuple[int, int, str]] = []
        for index, (start, end) in enumerate(zip(starts, ends, strict=True)):
            first, last = _content_bounds(doc, start, end)
            if first is None or last is None:
                continue
            found = by_sentence.get(index, [])
            covered = any(
                m.label == PLEASANTRY
                and m.start <= first + 2
                and m.end >= last + 1 - self.pleasantry_slack
                for m in found
            )
            if covered:
                continue
            asks = any(m.label == ASK and m.start <= first + self.ask_within for m in found)
            if not (asks or _ends_with_question_mark(doc, start, end)):
                continue
            questions.append((start, _trim_space(doc, start, end), _topic(found)))
        return questions

    def set_annotations(
        self, doc: Doc, questions: list[tuple[int, int, str]], matches: list[RuleMatch]
    ) -> None:
        doc.spans[QUESTIONS_KEY] = [Span(doc, s, e, label=topic) for s, e, topic in questions]
        doc.spans[TOPICS_KEY] = [
            Span(doc, m.start, m.end, label=TOPIC_LABELS[m.label], span_id=m.id)
            for m in sorted(matches, key=lambda m: (m.start, m.end))
            if m.label in TOPIC_LABELS
        ]

    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        return self.rules.to_bytes()

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = ()) -> QuestionDetector:
        self.rules.from_bytes(data)
        return self

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        self.rules.to_disk(path)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> QuestionDetector:
        self.rules.from_disk(path)
        return self


def _content_bounds(doc: Doc, start: int, end: int) -> tuple[int | None, int | None]:
    """First and last token of the sentence that is neither space nor punctuation."""
    first = next((i for i in range(start, end) if not (doc[i].is_punct or doc[i].is_space)), None)
    if first is None:
        return None, None
    last = next(
        i for i in range(end - 1, first - 1, -1) if not (doc[i].is_punct or doc[i].is_space)
    )
    return first, last


def _ends_with_question_mark(doc: Doc, start: int, end: int) -> bool:
    for index in range(end - 1, start - 1, -1):
        text = doc[index].text
        if doc[index].is_space or text in _CLOSERS:
            continue
        return "?" in text and not doc[index].like_url
    return False


def _trim_space(doc: Doc, start: int, end: int) -> int:
    while end > start + 1 and doc[end - 1].is_space:
        end -= 1
    return end


def _topic(matches: list[RuleMatch]) -> str:
    topics = [m for m in matches if m.label in TOPIC_LABELS]
    strong = [m for m in topics if not m.weak]
    chosen = min(strong or topics, key=lambda m: m.start, default=None)
    return TOPIC_LABELS[chosen.label] if chosen else OTHER_TOPIC


@Language.factory(
    "question_detector",
    default_config={
        "pattern_files": ["questions"],
        "ask_within": 3,
        "pleasantry_slack": 3,
        "validate": True,
    },
    assigns=["doc.spans", "doc._.questions"],
    requires=["token.is_sent_start"],
)
def make_question_detector(
    nlp: Language,
    name: str,
    pattern_files: list[str],
    ask_within: int,
    pleasantry_slack: int,
    validate: bool,
) -> QuestionDetector:
    """Direct questions with topics; see :class:`QuestionDetector`."""
    return QuestionDetector(
        nlp,
        name,
        pattern_files=pattern_files,
        ask_within=ask_within,
        pleasantry_slack=pleasantry_slack,
        validate=validate,
    )
