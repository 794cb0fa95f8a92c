"""Trained text classifiers for what prospects write: ``vague``, ``price_only``, ``deferral``,
``no_authority``, ``missed_meeting``, ``value_unclear``, ``unrealistic_expectations``.

TF-IDF over word 1-2-grams and one logistic regression per label give a probability per
label; a per-label threshold chosen on the validation split decides what fires. scikit-learn
trains the model (``walkaway train-classifiers``); the shipped artifact holds its numbers only
(``model.npz`` and ``model.json``, no pickle) and :mod:`walkaway.nlp.linear` runs it with numpy
alone, with the same probabilities bit for bit. This module never imports scikit-learn except
inside :func:`build_estimator`, which only training calls.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from walkaway.errors import ModelError
from walkaway.nlp.linear import ARRAYS, METADATA, LinearTextModel, from_sklearn

LABELS: tuple[str, ...] = (
    "vague",
    "price_only",
    "deferral",
    "no_authority",
    "missed_meeting",
    "value_unclear",
    "unrealistic_expectations",
)
MODEL_NAME = "reply-classifier"
CARD = "card.json"


class TextModel(Protocol):
    """What a classifier needs from its model: the numpy model at run time, or a fitted
    scikit-learn pipeline while training."""

    def predict_proba(self, texts: list[str]) -> np.ndarray: ...


def build_estimator(*, C: float = 5.0, random_state: int = 0) -> Any:
    """The untrained pipeline: TF-IDF over word 1-2-grams, one-vs-rest logistic regression.

    Character n-grams scored the same on the validation split but cost six times as much
    per word (see the model card's comparison), and this stage runs on every reply.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.pipeline import Pipeline

    features = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, dtype=np.float32)
    model = OneVsRestClassifier(
        LogisticRegression(C=C, max_iter=3000, class_weight="balanced", random_state=random_state)
    )
    return Pipeline([("features", features), ("model", model)])


@dataclass(frozen=True)
class ReplyClassifier:
    """A model with its labels, thresholds and card."""

    model: TextModel
    labels: tuple[str, ...]
    thresholds: dict[str, float]
    card: dict[str, Any]

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Probabilities (float32), one row per text and one column per label (in
        ``self.labels``)."""
        if not texts:
            return np.zeros((0, len(self.labels)), dtype=np.float32)
        return np.asarray(self.model.predict_proba(list(texts)))

    def fired(self, probabilities: np.ndarray) -> np.ndarray:
        """Boolean matrix: which labels pass their threshold."""
        limits = np.array([self.thresholds[label] for label in self.labels])
        return probabilities >= limits

    def save(self, folder: str | Path) -> None:
        """Write the model (a scikit-learn pipeline is exported first) and ``card.json``."""
        model = self.model
        if not isinstance(model, LinearTextModel):
            model = from_sklearn(model, self.labels)
        folder = Path(folder)
        model.save(folder)
        card = {**self.card, "labels": list(self.labels), "thresholds": self.thresholds}
        (folder / CARD).write_text(json.dumps(card, indent=2, sort_keys=True) + "\n", "utf-8")


def load_classifier(folder: str | Path | None = None) -> ReplyClassifier:
    """Load a classifier folder (default: the shipped one); refuses malformed or tampered
    files with a :class:`ModelError`."""
    path = Path(folder) if folder is not None else shipped_model_path()
    card_path = path / CARD
    if not all((path / name).is_file() for name in (ARRAYS, METADATA, CARD)):
        raise ModelError(
            f"no classifier in {path}: expected {ARRAYS}, {METADATA} and {CARD} "
            "(rebuild with `walkaway train-classifiers`)"
        )
    try:
        card = json.loads(card_path.read_text("utf-8"))
        labels = tuple(card["labels"])
        thresholds = {label: float(card["thresholds"][label]) for label in labels}
    except (OSError, UnicodeDecodeError, ValueError, TypeError, KeyError) as error:
        raise ModelError(f"{card_path}: expected labels and thresholds ({error!r})") from error
    if labels != LABELS:
        raise ModelError(f"{card_path}: labels {labels} do not match {LABELS}")
    model = LinearTextModel.load(path, LABELS)
    return ReplyClassifier(model=model, labels=labels, thresholds=thresholds, card=card)


def shipped_model_path() -> Path:
    return Path(str(resources.files("walkaway.models").joinpath(MODEL_NAME)))


@lru_cache(maxsize=1)
def get_classifier() -> ReplyClassifier:
    """The shipped classifier, loaded once per process."""
    return load_classifier()
