"""``walkaway.classify``: per-label probabilities for texts, with the spans that show why.

The trained classifier scores each text as a whole; the spans come from the rule pipeline
(``source: "rule:<pattern id>"``) and, for each label that passes its threshold without a rule
span of its own, from the sentence the classifier scores highest for it
(``source: "model"``). ``top`` is the most probable label that passes its threshold, or
``none``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np

from walkaway.nlp.analysis import TextAnalysis, analyze_texts
from walkaway.nlp.classifier import LABELS, ReplyClassifier, get_classifier
from walkaway.types import quick_pickle

# Rule-pipeline span labels -> classifier labels.
RULE_LABELS = {
    "DEFERRAL": "deferral",
    "MISSED_MEETING": "missed_meeting",
    "NO_AUTHORITY": "no_authority",
    "VALUE_UNCLEAR": "value_unclear",
    "UNREALISTIC": "unrealistic_expectations",
    "VAGUE": "vague",
}


@quick_pickle
@dataclass(frozen=True, slots=True)
class LabelSpan:
    label: str
    text: str
    start: int
    end: int
    source: str  # "rule:<pattern id>" or "model"
    score: float | None = None

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "label": self.label,
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "source": self.source,
        }
        if self.score is not None:
            data["score"] = round(self.score, 4)
        return data


@quick_pickle
@dataclass(frozen=True, slots=True)
class TextLabels:
    """The classification of one text, with its rule analysis (sentences, questions, dates)."""

    text: str
    probabilities: dict[str, float]
    fired: tuple[str, ...]
    spans: tuple[LabelSpan, ...]
    analysis: TextAnalysis

    @property
    def top(self) -> str:
        if not self.fired:
            return "none"
        return max(self.fired, key=lambda label: self.probabilities[label])

    def as_dict(self) -> dict[str, Any]:
        """The JSON object the ``classify`` command prints."""
        return {
            "text": self.text,
            "labels": {label: round(self.probabilities[label], 4) for label in LABELS},
            "top": self.top,
            "spans": [span.as_dict() for span in self.spans],
        }


def label_texts(
    texts: Sequence[str],
    references: Sequence[datetime | None] | None = None,
    *,
    classifier: ReplyClassifier | None = None,
) -> list[TextLabels]:
    """Classify texts and find their evidence spans (batch; order kept)."""
    classifier = classifier or get_classifier()
    texts = list(texts)
    if not texts:
        return []
    analyses = list(analyze_texts(texts, references))
    probabilities = classifier.predict_proba(texts)
    fired_matrix = classifier.fired(probabilities)

    # Sentence-level scores only where a fired label has no rule span to show for it, and
    # there is more than one sentence to choose from.
    rule_labels = [{RULE_LABELS.get(hit.label) for hit in a.spans} for a in analyses]
    needs_model_span = [
        {label for j, label in enumerate(LABELS) if fired_matrix[i, j]} - rule_labels[i]
        for i in range(len(texts))
    ]
    wanted: list[tuple[int, int]] = []  # (text index, sentence index)
    for i, analysis in enumerate(analyses):
        if needs_model_span[i] and len(analysis.sentences) > 1:
            wanted.extend((i, k) for k in range(len(analysis.sentences)))
    sentence_scores: dict[tuple[int, int], np.ndarray] = {}
    if wanted:
        scores = classifier.predict_proba([analyses[i].sentences[k].text for i, k in wanted])
        sentence_scores = {key: scores[n] for n, key in enumerate(wanted)}

    results: list[TextLabels] = []
    for i, (text, analysis) in enumerate(zip(texts, analyses, strict=True)):
        fired = tuple(label for j, label in enumerate(LABELS) if fired_matrix[i, j])
        spans: list[LabelSpan] = [
            LabelSpan(
                label=RULE_LABELS[hit.label],
                text=hit.text,
                start=hit.start_char,
                end=hit.end_char,
                source=f"rule:{hit.pattern_id}",
            )
            for hit in analysis.spans
            if hit.label in RULE_LABELS
        ]
        for label in fired:
            if label not in needs_model_span[i]:
                continue
            j = LABELS.index(label)
            if len(analysis.sentences) > 1:
                best = max(range(len(analysis.sentences)), key=lambda k: sentence_scores[(i, k)][j])
                sentence = analysis.sentences[best]
                score = float(sentence_scores[(i, best)][j])
            elif analysis.sentences:
                sentence, score = analysis.sentences[0], float(probabilities[i, j])
            else:
                continue
            spans.append(
                LabelSpan(
                    label=label,
                    text=sentence.text,
                    start=sentence.start_char,
                    end=sentence.end_char,
                    source="model",
                    score=score,
                )
            )
        spans.sort(key=lambda s: (s.start, s.label, s.source))
        results.append(
            TextLabels(
                text=text,
                probabilities={label: float(probabilities[i, j]) for j, label in enumerate(LABELS)},
                fired=fired,
                spans=tuple(spans),
                analysis=analysis,
            )
        )
    return results


def classify(texts: str | Iterable[str]) -> list[dict[str, Any]]:
    """Per-label probabilities, the top label (or ``none``) and evidence spans, per text.

    >>> walkaway.classify(["We'll revisit after Q1."])[0]["top"]  # doctest: +SKIP
    'deferral'
    """
    if isinstance(texts, str):
        texts = [texts]
    return [result.as_dict() for result in label_texts(list(texts))]
