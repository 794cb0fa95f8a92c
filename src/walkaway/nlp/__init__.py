"""walkaway's language layer: a rule-based spaCy pipeline for what prospects and reps write.

Built on ``spacy.blank("en")`` with our own components (nothing is downloaded):

- ``email_sentencizer``: sentences that know greetings, bullets and line layout;
- ``walkaway_rules``: signal spans from ``patterns/*.jsonl`` in ``doc.spans["walkaway"]``
  (``DEFERRAL``, ``MISSED_MEETING``, ``NO_AUTHORITY``, ``VALUE_UNCLEAR``, ``UNREALISTIC``,
  ``VAGUE``), and, as a second instance, price and value terms in
  ``doc.spans["walkaway_terms"]``;
- ``question_detector``: direct questions with topics in ``doc._.questions``.

Most callers want :func:`analyze_text` / :func:`analyze_texts` (plain dataclasses) and
:func:`resolve_deferral` (a deferral as dates).
"""

from __future__ import annotations

from walkaway.nlp.analysis import (
    Question,
    RuleHit,
    Sentence,
    TextAnalysis,
    analysis_from_doc,
    analyze_text,
    analyze_texts,
    normalize_text,
)
from walkaway.nlp.dates import DeferralTarget, find_periods, resolve_deferral
from walkaway.nlp.pipeline import build_pipeline, get_pipeline
from walkaway.nlp.questions import OTHER_TOPIC, TOPIC_LABELS
from walkaway.nlp.sentences import sentence_starts

SIGNAL_LABELS = (
    "DEFERRAL",
    "MISSED_MEETING",
    "NO_AUTHORITY",
    "VALUE_UNCLEAR",
    "UNREALISTIC",
    "VAGUE",
    "DECLINED",
)
QUESTION_TOPICS = (*TOPIC_LABELS.values(), OTHER_TOPIC)

__all__ = [
    "QUESTION_TOPICS",
    "SIGNAL_LABELS",
    "DeferralTarget",
    "Question",
    "RuleHit",
    "Sentence",
    "TextAnalysis",
    "analysis_from_doc",
    "analyze_text",
    "analyze_texts",
    "build_pipeline",
    "find_periods",
    "get_pipeline",
    "normalize_text",
    "resolve_deferral",
    "sentence_starts",
]
