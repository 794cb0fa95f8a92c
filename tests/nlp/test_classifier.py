"""The shipped reply classifier: held-out metrics above the floors in its card, safe loading,
reproducible training."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import PROJECT_ROOT
from walkaway.errors import ModelError
from walkaway.nlp.classifier import LABELS, get_classifier, load_classifier, shipped_model_path
from walkaway.nlp.training import choose_thresholds, label_metrics, load_examples

DATA = PROJECT_ROOT / "data" / "classifiers" / "examples.jsonl"


@pytest.fixture(scope="module")
def classifier():
    return get_classifier()


@pytest.fixture(scope="module")
def splits():
    return load_examples(DATA)


def test_card_describes_data_code_versions_metrics_thresholds(classifier):
    card = classifier.card
    for key in (
        "data",
        "code_version",
        "library_versions",
        "metrics_test",
        "thresholds",
        "floors_test_f1",
        "rebuild",
    ):
        assert key in card, key
    assert (shipped_model_path() / "MODEL_CARD.md").is_file()
    assert set(card["thresholds"]) == set(LABELS)


def test_card_data_hash_matches_the_training_file(classifier):
    import hashlib

    assert classifier.card["data"]["sha256"] == hashlib.sha256(DATA.read_bytes()).hexdigest()


@pytest.mark.parametrize("label", LABELS)
def test_held_out_f1_stays_above_the_floor_in_the_card(classifier, splits, label):
    test = splits["test"]
    fired = classifier.fired(classifier.predict_proba(test.texts))
    metrics = label_metrics(test.targets, fired)
    assert metrics[label]["f1"] >= classifier.card["floors_test_f1"][label]
    # The card reports what the shipped model really does on the test split.
    assert metrics[label]["f1"] == pytest.approx(
        classifier.card["metrics_test"][label]["f1"], abs=1e-3
    )


def test_thresholds_maximise_f1_on_validation():
    targets = np.array([[1] * len(LABELS), [0] * len(LABELS)])
    probabilities = np.array([[0.8] * len(LABELS), [0.3] * len(LABELS)])
    thresholds = choose_thresholds(targets, probabilities)
    assert all(0.3 < t <= 0.8 for t in thresholds.values())


def test_loading_refuses_untrusted_types(tmp_path: Path):
    import skops.io as sio
    from sklearn.svm import SVC

    folder = tmp_path / "evil"
    folder.mkdir()
    sio.dump(SVC(), folder / "model.skops")
    (folder / "card.json").write_text(json.dumps({"labels": list(LABELS), "thresholds": {}}))
    with pytest.raises(ModelError, match="does not trust"):
        load_classifier(folder)


def test_loading_a_missing_model_is_a_clear_error(tmp_path: Path):
    with pytest.raises(ModelError, match="train-classifiers"):
        load_classifier(tmp_path)


@pytest.mark.slow
def test_training_is_reproducible(tmp_path: Path, classifier):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "walkaway",
            "train-classifiers",
            "--data",
            str(DATA),
            "--out",
            str(tmp_path / "m"),
            "--no-compare",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    card = json.loads((tmp_path / "m" / "card.json").read_text())
    assert card["thresholds"] == classifier.card["thresholds"]
    assert card["metrics_test"] == classifier.card["metrics_test"]
