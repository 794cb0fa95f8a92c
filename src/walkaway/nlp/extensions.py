"""Custom ``Doc``/``Span`` attributes set by walkaway's components.

All are getters over ``doc.spans`` groups, so they stay right when spans are edited and
survive ``Doc.to_bytes``/``DocBin`` (which keep span groups but not computed values).

- ``Doc._.questions``: list of question spans (label = topic).
- ``Doc._.walkaway_labels``: sorted labels of the signal spans in the doc.
- ``Doc._.price_mentions`` / ``Doc._.value_mentions``: counts of price terms and of
  value, outcome, implementation and next-step terms.
- ``Doc._.price_share``: price mentions / (price + value mentions), ``None`` when neither.
- ``Span._.walkaway_labels``: sorted labels of the signal spans overlapping the span
  (use it on ``doc.sents``).
- ``Span._.question_topics``: topics of the topic cues inside the span, in order, unique.
"""

from __future__ import annotations

from collections.abc import Callable

from spacy.tokens import Doc, Span

SIGNALS_KEY = "walkaway"
TERMS_KEY = "walkaway_terms"
QUESTIONS_KEY = "questions"
TOPICS_KEY = "walkaway_topics"
PRICE_LABEL = "PRICE"
VALUE_LABEL = "VALUE"


def _group(doc: Doc, key: str) -> list[Span]:
    return list(doc.spans[key]) if key in doc.spans else []


def _doc_labels(doc: Doc) -> tuple[str, ...]:
    return tuple(sorted({span.label_ for span in _group(doc, SIGNALS_KEY)}))


def _span_labels(span: Span) -> tuple[str, ...]:
    return tuple(
        sorted(
            {
                hit.label_
                for hit in _group(span.doc, SIGNALS_KEY)
                if hit.start < span.end and hit.end > span.start
            }
        )
    )


def _count(doc: Doc, label: str) -> int:
    return sum(1 for span in _group(doc, TERMS_KEY) if span.label_ == label)


def _price_share(doc: Doc) -> float | None:
    price, value = _count(doc, PRICE_LABEL), _count(doc, VALUE_LABEL)
    return price / (price + value) if price + value else None


def _question_topics(span: Span) -> tuple[str, ...]:
    topics = (
        cue.label_
        for cue in _group(span.doc, TOPICS_KEY)
        if cue.start >= span.start and cue.end <= span.end
    )
    return tuple(dict.fromkeys(topics))


def register_extensions() -> None:
    """Register the attributes (idempotent; called when :mod:`walkaway.nlp` is imported)."""
    doc_getters: dict[str, Callable[[Doc], object]] = {
        "questions": lambda doc: _group(doc, QUESTIONS_KEY),
        "walkaway_labels": _doc_labels,
        "price_mentions": lambda doc: _count(doc, PRICE_LABEL),
        "value_mentions": lambda doc: _count(doc, VALUE_LABEL),
        "price_share": _price_share,
    }
    for name, getter in doc_getters.items():
        if not Doc.has_extension(name):
            Doc.set_extension(name, getter=getter)
    span_getters: dict[str, Callable[[Span], object]] = {
        "walkaway_labels": _span_labels,
        "question_topics": _question_topics,
    }
    for span_name, span_getter in span_getters.items():
        if not Span.has_extension(span_name):
            Span.set_extension(span_name, getter=span_getter)


register_extensions()
