"""Training, evaluation and the model card of the reply classifiers.

``train_classifiers`` reads ``data/classifiers/examples.jsonl`` with its fixed splits: fits on
``train``, picks each label's threshold on ``valid`` (best F1), and reports precision, recall
and F1 on ``test``, which nothing else touches. The fitted scikit-learn pipeline is exported
to the numpy model that ships (:mod:`walkaway.nlp.linear`) and checked against it on ``valid``
and ``test``. Public proxy datasets, when available, give *transfer* figures (how the
``vague`` probability orders hedged vs certain sentences, and low- vs high-specificity
answers): information, not accuracy. Same data and code, same model.
"""

from __future__ import annotations

import csv
import hashlib
import json
import logging
import platform
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from walkaway import __version__
from walkaway.errors import ModelError, UsageError
from walkaway.nlp.classifier import LABELS, MODEL_NAME, ReplyClassifier, TextModel, build_estimator
from walkaway.nlp.linear import ARRAYS, FORMAT, METADATA, LinearTextModel, from_sklearn

logger = logging.getLogger(__name__)

REBUILD_COMMAND = (
    "walkaway train-classifiers --data data/classifiers/examples.jsonl "
    "--out models/reply-classifier --datasets ../shared/corpora/datasets"
)
# A held-out F1 this much below the recorded one fails the test suite.
FLOOR_MARGIN = 0.05
# The exported model may differ from scikit-learn only where the C library's float exp rounds
# differently from glibc's (other platforms): in the last bits, never by more than this.
EXPORT_TOLERANCE = 1e-6


@dataclass(frozen=True)
class Split:
    texts: list[str]
    targets: np.ndarray  # (n, len(LABELS)) of 0/1


def load_examples(path: str | Path) -> dict[str, Split]:
    """The labeled examples by split, with errors that name the line."""
    path = Path(path)
    if not path.is_file():
        raise UsageError(f"training data not found: {path}")
    rows: dict[str, list[tuple[str, list[str]]]] = {"train": [], "valid": [], "test": []}
    for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            text, labels, split = record["text"], record["labels"], record["split"]
        except (json.JSONDecodeError, KeyError, TypeError) as error:
            raise UsageError(
                f"{path}:{number}: expected text, labels and split ({error})"
            ) from error
        unknown = set(labels) - set(LABELS)
        if unknown or split not in rows:
            raise UsageError(f"{path}:{number}: unknown label {sorted(unknown)} or split {split!r}")
        rows[split].append((text, labels))
    return {
        split: Split(
            texts=[text for text, _ in items],
            targets=np.array(
                [[label in labels for label in LABELS] for _, labels in items], dtype=int
            )
            if items
            else np.zeros((0, len(LABELS)), dtype=int),
        )
        for split, items in rows.items()
    }


def choose_thresholds(targets: np.ndarray, probabilities: np.ndarray) -> dict[str, float]:
    """Per label, the threshold with the best F1 on this (validation) data.

    Among equally good thresholds, the middle one: it leaves the most room either side.
    """
    grid = np.round(np.arange(0.05, 0.951, 0.025), 3)
    thresholds: dict[str, float] = {}
    for j, label in enumerate(LABELS):
        scores = np.array([_f1(targets[:, j], probabilities[:, j] >= t) for t in grid])
        best = np.flatnonzero(scores >= scores.max() - 1e-12)
        thresholds[label] = float(grid[best[len(best) // 2]])
    return thresholds


def _f1(truth: np.ndarray, predicted: np.ndarray) -> float:
    tp = float(np.sum(truth & predicted))
    fp = float(np.sum(~truth.astype(bool) & predicted))
    fn = float(np.sum(truth.astype(bool) & ~predicted))
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def label_metrics(targets: np.ndarray, fired: np.ndarray) -> dict[str, dict[str, float]]:
    """Precision, recall, F1 and support per label, plus micro and macro averages."""
    out: dict[str, dict[str, float]] = {}
    tps = fps = fns = 0.0
    for j, label in enumerate(LABELS):
        truth, predicted = targets[:, j].astype(bool), fired[:, j].astype(bool)
        tp = float(np.sum(truth & predicted))
        fp = float(np.sum(~truth & predicted))
        fn = float(np.sum(truth & ~predicted))
        tps, fps, fns = tps + tp, fps + fp, fns + fn
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        out[label] = {
            "precision": round(precision, 3),
            "recall": round(recall, 3),
            "f1": round(f1, 3),
            "support": int(truth.sum()),
        }
    micro_p = tps / (tps + fps) if tps + fps else 0.0
    micro_r = tps / (tps + fns) if tps + fns else 0.0
    out["micro"] = {
        "precision": round(micro_p, 3),
        "recall": round(micro_r, 3),
        "f1": round(2 * micro_p * micro_r / (micro_p + micro_r), 3) if micro_p + micro_r else 0.0,
    }
    out["macro"] = {
        key: round(float(np.mean([out[label][key] for label in LABELS])), 3)
        for key in ("precision", "recall", "f1")
    }
    return out


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _git_commit() -> str:
    try:
        result = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            cwd=Path(__file__).parent,
            check=False,
        )
    except OSError:
        return "unknown"
    return result.stdout.strip() or "unknown"


def _versions() -> dict[str, str]:
    versions = {"python": platform.python_version(), "walkaway": __version__}
    for package in ("scikit-learn", "numpy", "scipy", "spacy"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "absent"
    return versions


# --- candidates compared on the validation split ------------------------------------------


def _sklearn_candidate(
    make: Callable[[], Any],
) -> Callable[[Split, Split], tuple[np.ndarray, float]]:
    def run(train: Split, valid: Split) -> tuple[np.ndarray, float]:
        estimator = make().fit(train.texts, train.targets)
        started = time.process_time()
        scores = np.asarray(estimator.predict_proba(valid.texts))
        return scores, time.process_time() - started

    return run


def _svm() -> Any:
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.pipeline import Pipeline
    from sklearn.svm import LinearSVC

    base = _words_and_chars()
    return Pipeline(
        [
            ("features", base.named_steps["features"]),
            (
                "model",
                OneVsRestClassifier(
                    CalibratedClassifierCV(LinearSVC(C=0.5, class_weight="balanced"), cv=3)
                ),
            ),
        ]
    )


def _words_and_chars() -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.pipeline import FeatureUnion, Pipeline

    features = FeatureUnion(
        [
            ("words", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)),
            (
                "chars",
                TfidfVectorizer(
                    analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2
                ),
            ),
        ]
    )
    model = OneVsRestClassifier(LogisticRegression(C=10.0, max_iter=3000, class_weight="balanced"))
    return Pipeline([("features", features), ("model", model)])


def _spacy_textcat(
    train: Split, valid: Split, epochs: int = 12, seed: int = 0
) -> tuple[np.ndarray, float]:
    """spaCy's own multi-label text classifier (bag-of-words architecture) for comparison."""
    import random

    import spacy
    from spacy.training import Example

    spacy.util.fix_random_seed(seed)
    nlp = spacy.blank("en")
    textcat = nlp.add_pipe(
        "textcat_multilabel",
        config={
            "model": {
                "@architectures": "spacy.TextCatBOW.v3",
                "exclusive_classes": False,
                "ngram_size": 2,
                "no_output_layer": False,
                "length": 262144,
            }
        },
    )
    for label in LABELS:
        textcat.add_label(label)
    examples = [
        Example.from_dict(
            nlp.make_doc(text),
            {"cats": {lab: float(y) for lab, y in zip(LABELS, row, strict=True)}},
        )
        for text, row in zip(train.texts, train.targets, strict=True)
    ]
    optimizer = nlp.initialize(lambda: examples)
    rng = random.Random(seed)
    for _ in range(epochs):
        rng.shuffle(examples)
        for start in range(0, len(examples), 32):
            nlp.update(examples[start : start + 32], sgd=optimizer, drop=0.2)
    started = time.process_time()
    scores = np.array([[doc.cats[label] for label in LABELS] for doc in nlp.pipe(valid.texts)])
    return scores, time.process_time() - started


CANDIDATES: dict[str, Callable[[Split, Split], tuple[np.ndarray, float]]] = {
    "tfidf_words_logreg (shipped)": _sklearn_candidate(build_estimator),
    "tfidf_words_chars_logreg": _sklearn_candidate(_words_and_chars),
    "tfidf_words_chars_linearsvc_calibrated": _sklearn_candidate(_svm),
    "spacy_textcat_bow": _spacy_textcat,
}


def compare_candidates(splits: dict[str, Split]) -> dict[str, dict[str, float]]:
    """Macro F1 on valid (thresholds tuned on valid, so optimistic for all alike), fit time
    and prediction speed in words per CPU second."""
    results: dict[str, dict[str, float]] = {}
    words = sum(len(text.split()) for text in splits["valid"].texts)
    for name, run in CANDIDATES.items():
        started = time.perf_counter()
        scores, predict_seconds = run(splits["train"], splits["valid"])
        seconds = time.perf_counter() - started
        thresholds = choose_thresholds(splits["valid"].targets, scores)
        fired = scores >= np.array([thresholds[label] for label in LABELS])
        metrics = label_metrics(splits["valid"].targets, fired)
        results[name] = {
            "valid_macro_f1": metrics["macro"]["f1"],
            "fit_seconds": round(seconds, 1),
            "predict_words_per_second": round(words / max(predict_seconds, 1e-9), -3),
        }
        logger.info("candidate %s: %s", name, results[name])
    return results


# --- transfer checks on public proxies ------------------------------------------------------


def _roc_auc(truth: Sequence[int], scores: Sequence[float] | np.ndarray) -> float:
    from sklearn.metrics import roc_auc_score

    return round(float(roc_auc_score(truth, scores)), 3)


def transfer_checks(
    classifier: ReplyClassifier,
    datasets: Path,
    exclude: set[str] = frozenset(),  # type: ignore[assignment]
) -> dict[str, Any]:
    """How the ``vague`` probability transfers to public hedge/specificity labels.

    Rows used for training are excluded by the SHA-1 of their stripped text (``exclude``);
    these datasets label other genres, so the figures are reported as transfer.
    """
    vague = classifier.labels.index("vague")
    checks: dict[str, Any] = {}
    weasel = datasets / "wiki-weasel-conll2010" / "test.csv"
    if weasel.is_file():
        with weasel.open(encoding="utf-8") as handle:
            rows = [(r["text"].strip(), int(r["label"])) for r in csv.DictReader(handle)]
        probabilities = classifier.predict_proba([text for text, _ in rows])[:, vague]
        truth = [label for _, label in rows]
        fired = probabilities >= classifier.thresholds["vague"]
        checks["wiki_weasel_hedge_vs_certain"] = {
            "rows": len(rows),
            "roc_auc_vague": _roc_auc(truth, probabilities),
            "vague_rate_hedged": round(float(fired[np.array(truth) == 1].mean()), 3),
            "vague_rate_certain": round(float(fired[np.array(truth) == 0].mean()), 3),
        }
    specific = datasets / "subjective-qa" / "test_5768.csv"
    if specific.is_file():
        with specific.open(encoding="utf-8") as handle:
            rows = [
                (r["ANSWER"].strip(), int(r["SPECIFIC"]))
                for r in csv.DictReader(handle)
                if r["SPECIFIC"] in {"0", "2"} and r["ANSWER"].strip()
            ]
        rows = [(t, s) for t, s in rows if hashlib.sha1(t.encode()).hexdigest() not in exclude]
        probabilities = classifier.predict_proba([text for text, _ in rows])[:, vague]
        truth = [1 if score == 0 else 0 for _, score in rows]
        checks["subjective_qa_low_vs_high_specificity"] = {
            "rows": len(rows),
            "roc_auc_vague": _roc_auc(truth, probabilities)
            if 0 < sum(truth) < len(truth)
            else None,
        }
    return checks


def _used_external_hashes(path: Path) -> set[str]:
    """Hashes of public-dataset rows that went into training (listed next to the data)."""
    if not path.is_file():
        return set()
    with path.open(encoding="utf-8") as handle:
        return {row["text_sha1"] for row in csv.DictReader(handle)}


# --- export ------------------------------------------------------------------------------


def export_checked(pipeline: TextModel, texts: list[str]) -> tuple[LinearTextModel, dict[str, Any]]:
    """The fitted pipeline as the numpy model, checked on ``texts`` against the pipeline.

    Bit-for-bit equality is the rule (and what the tests demand); on a platform whose C
    library rounds ``expf`` differently the last bits may differ, which is logged, while any
    larger difference means the export is wrong and raises :class:`ModelError`.
    """
    exported = from_sklearn(pipeline, LABELS)
    expected = np.asarray(pipeline.predict_proba(texts))
    got = exported.predict_proba(texts)
    if expected.shape != got.shape or expected.dtype != got.dtype:
        raise ModelError(
            f"the exported model gives {got.dtype} {got.shape} where scikit-learn gives "
            f"{expected.dtype} {expected.shape}"
        )
    equal = bool(np.array_equal(expected, got))
    check: dict[str, Any] = {"texts": len(texts), "probabilities_equal_bitwise": equal}
    if not equal:
        largest = float(np.max(np.abs(expected.astype(np.float64) - got)))
        differ = int(np.sum(expected != got))
        if not largest <= EXPORT_TOLERANCE:  # NaN included
            raise ModelError(
                f"the exported model does not reproduce scikit-learn: {differ} of "
                f"{expected.size} probabilities differ, by up to {largest:.3g}"
            )
        logger.warning(
            "exported model: %d of %d probabilities differ from scikit-learn in the last bits "
            "(largest difference %.1e)",
            differ,
            expected.size,
            largest,
        )
        check["largest_difference"] = largest
    return exported, check


# --- the whole job --------------------------------------------------------------------------


def train_classifiers(
    data: str | Path,
    out: str | Path | None = None,
    *,
    compare: bool = False,
    datasets: str | Path | None = None,
    random_state: int = 0,
) -> ReplyClassifier:
    """Train, threshold, evaluate and (with ``out``) save the reply classifier with its card."""
    data = Path(data)
    splits = load_examples(data)
    started = time.perf_counter()
    pipeline = build_estimator(random_state=random_state).fit(
        splits["train"].texts, splits["train"].targets
    )
    fit_seconds = time.perf_counter() - started
    draft = ReplyClassifier(model=pipeline, labels=LABELS, thresholds={}, card={})
    thresholds = choose_thresholds(
        splits["valid"].targets, draft.predict_proba(splits["valid"].texts)
    )
    classifier = ReplyClassifier(model=pipeline, labels=LABELS, thresholds=thresholds, card={})
    test_metrics = label_metrics(
        splits["test"].targets, classifier.fired(classifier.predict_proba(splits["test"].texts))
    )
    valid_metrics = label_metrics(
        splits["valid"].targets, classifier.fired(classifier.predict_proba(splits["valid"].texts))
    )
    card: dict[str, Any] = {
        "name": MODEL_NAME,
        "model": "TF-IDF (word 1-2-grams) -> one-vs-rest logistic regression "
        "(C=5, balanced class weights)",
        "data": {
            "file": "data/classifiers/examples.jsonl",
            "sha256": _sha256(data),
            "examples": {split: len(s.texts) for split, s in splits.items()},
            "positives": {
                split: {label: int(s.targets[:, j].sum()) for j, label in enumerate(LABELS)}
                for split, s in splits.items()
            },
        },
        "code_version": {"walkaway": __version__, "git": _git_commit()},
        "library_versions": _versions(),
        "random_state": random_state,
        "thresholds_chosen_on": "valid (best F1 per label)",
        "metrics_test": test_metrics,
        "metrics_valid": valid_metrics,
        "floors_test_f1": {
            label: round(max(0.0, test_metrics[label]["f1"] - FLOOR_MARGIN), 2) for label in LABELS
        },
        "fit_seconds": round(fit_seconds, 1),
        "rebuild": REBUILD_COMMAND,
    }
    exported, export_check = export_checked(pipeline, splits["valid"].texts + splits["test"].texts)
    card["artifact"] = {
        "format": FORMAT,
        "files": [ARRAYS, METADATA],
        "inference": "numpy only (scikit-learn trains; it is not needed to predict)",
        "export_check": export_check,
    }
    if compare:
        card["comparison_valid"] = compare_candidates(splits)
    if datasets is not None and Path(datasets).is_dir():
        used = _used_external_hashes(data.parent / "used_external_rows.csv")
        card["transfer"] = transfer_checks(classifier, Path(datasets), used)
    classifier = ReplyClassifier(model=exported, labels=LABELS, thresholds=thresholds, card=card)
    if out is not None:
        classifier.save(out)
        (Path(out) / "MODEL_CARD.md").write_text(
            render_card(classifier.card | {"thresholds": thresholds}), "utf-8"
        )
    return classifier


def _artifact_lines(artifact: dict[str, Any] | None) -> list[str]:
    if not artifact:
        return []
    check = artifact["export_check"]
    same = (
        "bit for bit"
        if check["probabilities_equal_bitwise"]
        else f"within {check.get('largest_difference', 0):.1e}"
    )
    return [
        f"**Artifact.** `{ARRAYS}` (idf, coefficients and intercepts, float32) and `{METADATA}` "
        f"(labels, vectorizer settings, vocabulary in column order), format "
        f"`{artifact['format']}`; no pickle. Inference needs numpy only "
        "(`walkaway.nlp.linear`); scikit-learn is needed to retrain. At export, its "
        f"probabilities equal scikit-learn's {same} on the {check['texts']} validation and "
        "test texts.",
        "",
    ]


def render_card(card: dict[str, Any]) -> str:
    """The model card for people, from the same facts as card.json."""
    lines = [
        f"# Model card: {card['name']}",
        "",
        f"**Model.** {card['model']}. Thresholds per label chosen on the validation split.",
        "",
        f"**Data.** `{card['data']['file']}` (sha256 `{card['data']['sha256'][:16]}…`): "
        + ", ".join(f"{n} {split}" for split, n in card["data"]["examples"].items())
        + " examples, split by group so no reply or its variants cross splits. "
        "See `data/classifiers/LABELING_GUIDE.md` and `PROVENANCE.md`.",
        "",
        f"**Code.** walkaway {card['code_version']['walkaway']} "
        f"(git {card['code_version']['git']}). "
        "**Libraries.** "
        + ", ".join(f"{k} {v}" for k, v in card["library_versions"].items())
        + ".",
        "",
        f"**Rebuild.** `{card['rebuild']}` (deterministic: random_state={card['random_state']}).",
        "",
        *_artifact_lines(card.get("artifact")),
        "## Held-out test split",
        "",
        "| label | precision | recall | F1 | support | threshold | floor (tests) |",
        "|---|---|---|---|---|---|---|",
    ]
    for label in LABELS:
        m = card["metrics_test"][label]
        lines.append(
            f"| {label} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} "
            f"| {m['support']} "
            f"| {card['thresholds'][label]:.3f} | {card['floors_test_f1'][label]:.2f} |"
        )
    macro, micro = card["metrics_test"]["macro"], card["metrics_test"]["micro"]
    lines += [
        f"| **macro** | {macro['precision']:.3f} | {macro['recall']:.3f} "
        f"| {macro['f1']:.3f} | | | |",
        f"| **micro** | {micro['precision']:.3f} | {micro['recall']:.3f} "
        f"| {micro['f1']:.3f} | | | |",
        "",
        "The examples are written by the project (plus 58 rows from Apache-2.0 / CC BY 4.0 "
        "datasets); the test split measures how well the model generalises to new phrasings of "
        "the same authors, not to every real mailbox.",
    ]
    if "comparison_valid" in card:
        lines += [
            "",
            "## Candidates compared (validation split, macro F1)",
            "",
            "| candidate | macro F1 | fit seconds | predict words/s |",
            "|---|---|---|---|",
        ]
        for name, result in card["comparison_valid"].items():
            lines.append(
                f"| {name} | {result['valid_macro_f1']:.3f} | {result['fit_seconds']} "
                f"| {result['predict_words_per_second']:,.0f} |"
            )
        lines += [
            "",
            "Candidates within about 0.01 macro F1 of each other on 414 validation examples are",
            "a tie; among tied candidates the fastest is shipped, since it runs on every reply.",
        ]
    if card.get("transfer"):
        lines += ["", "## Transfer checks (not accuracy: other genres, proxy labels)", ""]
        for name, result in card["transfer"].items():
            lines.append(f"- **{name}**: " + ", ".join(f"{k} = {v}" for k, v in result.items()))
    return "\n".join(lines) + "\n"
