"""Trained text classifiers for what prospects write: ``vague``, ``price_only``, ``deferral``,
``no_authority``, ``missed_meeting``, ``value_unclear``, ``unrealistic_expectations``.

One scikit-learn pipeline (TF-IDF over word 1-2-grams, one-vs-rest logistic regression)
gives a probability per label; a per-label threshold chosen on the validation split decides
what fires. The artifact is stored with skops and loaded with an
explicit list of trusted types: a model file can never run code on load.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from walkaway.errors import ModelError
from walkaway.safeload import load_skops

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
ARTIFACT = "model.skops"
CARD = "card.json"

# Every type the pipeline is made of (besides plain containers and numbers). Loading
# refuses a file with anything else in it.
TRUSTED_TYPES: tuple[str, ...] = (
    "sklearn.pipeline.Pipeline",
    "sklearn.feature_extraction.text.TfidfVectorizer",
    "sklearn.feature_extraction.text.TfidfTransformer",
    "sklearn.multiclass.OneVsRestClassifier",
    "sklearn.linear_model._logistic.LogisticRegression",
    "sklearn.preprocessing._label.LabelBinarizer",
)


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
    """A fitted pipeline with its labels, thresholds and card."""

    pipeline: Any
    labels: tuple[str, ...]
    thresholds: dict[str, float]
    card: dict[str, Any]

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Probabilities, one row per text and one column per label (in ``self.labels``)."""
        if not texts:
            return np.zeros((0, len(self.labels)))
        return np.asarray(self.pipeline.predict_proba(list(texts)))

    def fired(self, probabilities: np.ndarray) -> np.ndarray:
        """Boolean matrix: which labels pass their threshold."""
        limits = np.array([self.thresholds[label] for label in self.labels])
        return probabilities >= limits

    def save(self, folder: str | Path) -> None:
        import skops.io as sio

        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        sio.dump(
            self.pipeline, folder / ARTIFACT, compression=zipfile.ZIP_DEFLATED, compresslevel=9
        )
        card = {**self.card, "labels": list(self.labels), "thresholds": self.thresholds}
        (folder / CARD).write_text(json.dumps(card, indent=2, sort_keys=True) + "\n", "utf-8")


def slim(pipeline: Any) -> Any:
    """Make the fitted pipeline small to store: drop the pruned n-grams vectorizers keep for
    inspection, and hold vocabulary indices as plain ints (skops would store each numpy
    integer as its own array file)."""
    step = pipeline.named_steps["features"]
    vectorizers = (
        [v for _, v in step.transformer_list] if hasattr(step, "transformer_list") else [step]
    )
    for vectorizer in vectorizers:
        if hasattr(vectorizer, "stop_words_"):
            del vectorizer.stop_words_
        vectorizer.vocabulary_ = {
            term: int(index) for term, index in vectorizer.vocabulary_.items()
        }
    return pipeline


def load_classifier(folder: str | Path | None = None) -> ReplyClassifier:
    """Load a classifier folder (default: the shipped one); refuses files with untrusted types."""
    path = Path(folder) if folder is not None else shipped_model_path()
    artifact, card_path = path / ARTIFACT, path / CARD
    if not artifact.is_file() or not card_path.is_file():
        raise ModelError(
            f"no classifier in {path}: expected {ARTIFACT} and {CARD} "
            "(rebuild with `walkaway train-classifiers`)"
        )
    pipeline = load_skops(artifact, TRUSTED_TYPES)
    card = json.loads(card_path.read_text("utf-8"))
    labels = tuple(card["labels"])
    if set(labels) != set(LABELS):
        raise ModelError(f"{card_path}: labels {labels} do not match {LABELS}")
    thresholds = {label: float(card["thresholds"][label]) for label in labels}
    return ReplyClassifier(pipeline=pipeline, labels=labels, thresholds=thresholds, card=card)


def shipped_model_path() -> Path:
    return Path(str(resources.files("walkaway.models").joinpath(MODEL_NAME)))


@lru_cache(maxsize=1)
def get_classifier() -> ReplyClassifier:
    """The shipped classifier, loaded once per process."""
    return load_classifier()
