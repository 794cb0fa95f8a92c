"""Plain-data results of the language pipeline: what one message's new text says.

:func:`analyze_text` and :func:`analyze_texts` run the pipeline of
:func:`walkaway.nlp.get_pipeline` and return frozen dataclasses, so the signal stages never
touch spaCy objects. They expect the *new text* of a message: quoted history and signature
already removed (see :func:`walkaway.split_reply`).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from itertools import repeat

from spacy.language import Language
from spacy.tokens import Doc, Span

from walkaway.nlp.dates import DeferralTarget, find_periods
from walkaway.nlp.extensions import SIGNALS_KEY, TOPICS_KEY
from walkaway.nlp.pipeline import get_pipeline
from walkaway.types import quick_pickle

DEFERRAL = "DEFERRAL"

# One-for-one replacements, so character offsets into the normalized text are offsets into
# the original: the tokenizer makes a separate token of a no-break space, which would split
# "next\u00a0quarter" in two.
_SPACES = str.maketrans(dict.fromkeys("\u00a0\u2007\u2009\u200a\u200b\u202f\u2060\ufeff", " "))


def normalize_text(text: str) -> str:
    """Replace no-break, thin and zero-width spaces by plain spaces (same length)."""
    return text.translate(_SPACES)


@quick_pickle
@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence, its offsets in the analyzed text, and the signal labels inside it."""

    text: str
    start_char: int
    end_char: int
    labels: tuple[str, ...] = ()


@quick_pickle
@dataclass(frozen=True, slots=True)
class RuleHit:
    """One rule match: label, pattern id, the matched words and the sentence around them."""

    label: str
    pattern_id: str
    text: str
    start_char: int
    end_char: int
    sentence: str
    sentence_index: int


@quick_pickle
@dataclass(frozen=True, slots=True)
class Question:
    """A direct question and its topics (the first is the main one; ``other`` when none)."""

    text: str
    start_char: int
    end_char: int
    topic: str
    topics: tuple[str, ...]


@quick_pickle
@dataclass(frozen=True, slots=True)
class TextAnalysis:
    """Everything the rule pipeline found in one text.

    ``deferral_targets`` holds the resolved period of each deferral that names one (only
    when a reference date was given). ``price_share`` is price mentions / (price + value,
    outcome, implementation and next-step mentions), ``None`` when there are neither.
    ``topics`` are the question topics (timeline, budget, decision, headcount, next_step)
    the text talks about anywhere, which tells whether a reply answered a question.
    """

    text: str
    sentences: tuple[Sentence, ...]
    spans: tuple[RuleHit, ...]
    questions: tuple[Question, ...]
    deferral_targets: tuple[DeferralTarget, ...]
    price_mentions: int
    value_mentions: int
    price_share: float | None
    topics: frozenset[str] = frozenset()

    @property
    def labels(self) -> frozenset[str]:
        """The signal labels that fired anywhere in the text."""
        return frozenset(hit.label for hit in self.spans)

    def hits(self, label: str) -> tuple[RuleHit, ...]:
        """The matches of one label, in text order."""
        return tuple(hit for hit in self.spans if hit.label == label)


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """Offsets of ``text[start:end]`` without surrounding white space."""
    piece = text[start:end]
    start += len(piece) - len(piece.lstrip())
    end -= len(piece) - len(piece.rstrip())
    return start, max(start, end)


def _deferral_targets(
    doc: Doc, spans: Sequence[Span], reference: date | datetime, fiscal_year_start: int
) -> tuple[DeferralTarget, ...]:
    """The resolved period of each deferral: inside its span, else anywhere in its sentence."""
    targets: dict[int, DeferralTarget] = {}
    for span in spans:
        for scope in (span, span.sent):
            periods = find_periods(scope.text, reference, fiscal_year_start=fiscal_year_start)
            if periods:
                first = periods[0]
                offset = scope.start_char
                targets.setdefault(
                    offset + first.start_char,
                    DeferralTarget(
                        first.kind,
                        first.label,
                        first.start,
                        first.end,
                        first.text,
                        offset + first.start_char,
                        offset + first.end_char,
                    ),
                )
                break
    return tuple(targets[key] for key in sorted(targets))


def analysis_from_doc(
    doc: Doc, *, reference: date | datetime | None = None, fiscal_year_start: int = 1
) -> TextAnalysis:
    """Turn a ``Doc`` processed by the walkaway pipeline into a :class:`TextAnalysis`."""
    text = doc.text
    sentence_spans = list(doc.sents) if len(doc) else []
    sentence_starts = [sent.start for sent in sentence_spans]
    signal_spans = list(doc.spans[SIGNALS_KEY]) if SIGNALS_KEY in doc.spans else []
    sentences = []
    for sent in sentence_spans:
        start, end = _trimmed(text, sent.start_char, sent.end_char)
        if start < end:
            sentences.append(Sentence(text[start:end], start, end, sent._.walkaway_labels))
    hits = []
    for span in signal_spans:
        index = max(0, bisect.bisect_right(sentence_starts, span.start) - 1)
        sent = sentence_spans[index]
        start, end = _trimmed(text, sent.start_char, sent.end_char)
        hits.append(
            RuleHit(
                span.label_,
                span.id_,
                span.text,
                span.start_char,
                span.end_char,
                text[start:end],
                index,
            )
        )
    questions = []
    for question in doc._.questions:
        start, end = _trimmed(text, question.start_char, question.end_char)
        topics = (question.label_, *(t for t in question._.question_topics if t != question.label_))
        questions.append(Question(text[start:end], start, end, question.label_, topics))
    deferrals = [span for span in signal_spans if span.label_ == DEFERRAL]
    targets = (
        _deferral_targets(doc, deferrals, reference, fiscal_year_start)
        if reference is not None and deferrals
        else ()
    )
    return TextAnalysis(
        text=text,
        sentences=tuple(sentences),
        spans=tuple(hits),
        questions=tuple(questions),
        deferral_targets=targets,
        price_mentions=doc._.price_mentions,
        value_mentions=doc._.value_mentions,
        price_share=doc._.price_share,
        topics=frozenset(span.label_ for span in doc.spans.get(TOPICS_KEY, ())),
    )


def analyze_text(
    text: str,
    *,
    reference: date | datetime | None = None,
    fiscal_year_start: int = 1,
    nlp: Language | None = None,
) -> TextAnalysis:
    """Run the rule pipeline on one text (a message's new text).

    ``reference`` (the message date) lets deferrals resolve to dates; ``fiscal_year_start``
    is the month the prospect's fiscal year starts. ``nlp`` defaults to the shared pipeline.

    >>> analysis = analyze_text("Let's revisit next quarter.", reference=date(2026, 11, 20))
    >>> [(hit.label, hit.text) for hit in analysis.spans]
    [('DEFERRAL', 'revisit next quarter')]
    >>> analysis.deferral_targets[0].label
    'Q1 2027'
    """
    pipeline = nlp or get_pipeline()
    doc = pipeline(normalize_text(text))
    return analysis_from_doc(doc, reference=reference, fiscal_year_start=fiscal_year_start)


def analyze_texts(
    texts: Iterable[str],
    references: Iterable[date | datetime | None] | None = None,
    *,
    n_process: int = 1,
    batch_size: int = 256,
    fiscal_year_start: int = 1,
    nlp: Language | None = None,
) -> Iterator[TextAnalysis]:
    """:func:`analyze_text` for many texts through ``nlp.pipe``, lazily, in input order.

    ``references`` pairs a message date with each text (``None`` for all when omitted).
    """
    pipeline = nlp or get_pipeline()
    pairs = zip(
        (normalize_text(text) for text in texts),
        repeat(None) if references is None else references,
        strict=references is not None,
    )
    for doc, reference in pipeline.pipe(
        pairs, as_tuples=True, n_process=n_process, batch_size=batch_size
    ):
        yield analysis_from_doc(doc, reference=reference, fiscal_year_start=fiscal_year_start)
