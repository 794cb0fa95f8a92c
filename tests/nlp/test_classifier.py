"""The shipped reply classifier: held-out metrics above the floors in its card, numpy inference
equal bit for bit to scikit-learn, safe loading, reproducible training."""

from __future__ import annotations

import copy
import csv
import json
import pickle
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.conftest import PROJECT_ROOT, corpus_path
from tests.nlp.conftest import plain_bodies
from walkaway.errors import ModelError
from walkaway.nlp import linear
from walkaway.nlp.classifier import (
    CARD,
    LABELS,
    build_estimator,
    get_classifier,
    load_classifier,
    shipped_model_path,
)
from walkaway.nlp.linear import ARRAYS, FORMAT, METADATA, LinearTextModel, from_sklearn
from walkaway.nlp.training import choose_thresholds, export_checked, label_metrics, load_examples

DATA = PROJECT_ROOT / "data" / "classifiers" / "examples.jsonl"

# Texts where tokenising, counting or normalising could go astray. The token pattern is
# (?u)\b\w\w+\b on the lowercased text: letters, digits and "_" of any script, two or more.
EDGE_TEXTS = [
    "",
    "   \n\t ",
    "zqxw vbnm plokij",  # no known term
    "?!",  # no token at all
    "a b c I",  # one-letter words only
    "WHAT IS THE PRICE? Price only, PRICE ONLY.",
    "We'll REVISIT in Q3 once the Budget resets",
    "q1 2024 budget_2025 __init__ 42 007 x86_64 3.14",
    "Café déjà vu, naïve Übermorgen; ça coûte trop cher",
    "İstanbul ΟΔΟΣ Straße ǅemal ﬁnance",  # lower() changes lengths and letters
    "日本語のテキスト 中文 한국어 Привет мир مرحبا",
    "price price price price price the the the the the the the the",
    "no budget " * 400,
    "just send pricing\x00 please \u200b thanks \U0001f600",
]


@pytest.fixture(scope="module")
def classifier():
    return get_classifier()


@pytest.fixture(scope="module")
def splits():
    return load_examples(DATA)


@pytest.fixture(scope="module")
def fitted(splits) -> tuple[Any, LinearTextModel]:
    """A scikit-learn pipeline fitted on the training split, and its numpy export."""
    pipeline = build_estimator().fit(splits["train"].texts, splits["train"].targets)
    return pipeline, from_sklearn(pipeline, LABELS)


def _assert_same(pipeline: Any, model: LinearTextModel, texts: list[str]) -> None:
    expected = pipeline.predict_proba(texts)
    got = model.predict_proba(texts)
    assert expected.dtype == got.dtype == np.float32
    assert np.array_equal(expected, got)


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


def test_card_names_the_artifact_format(classifier):
    artifact = classifier.card["artifact"]
    assert artifact["format"] == FORMAT
    assert artifact["files"] == [ARRAYS, METADATA]
    assert artifact["export_check"]["probabilities_equal_bitwise"] is True
    assert "numpy only" in artifact["inference"]
    assert not list(shipped_model_path().glob("*.skops"))


# --- numpy inference equals scikit-learn bit for bit ------------------------------------------


def test_numpy_model_equals_scikit_learn_on_held_out_and_edge_texts(fitted, splits):
    pipeline, model = fitted
    texts = splits["valid"].texts + splits["test"].texts + EDGE_TEXTS
    _assert_same(pipeline, model, texts)
    # Each step on its own, so a compensating error cannot hide.
    matrix = pipeline.named_steps["features"].transform(texts)
    indptr, columns, values = model.transform(texts)
    assert np.array_equal(matrix.indptr, indptr)
    assert np.array_equal(matrix.indices, columns)
    assert matrix.data.dtype == values.dtype and np.array_equal(matrix.data, values)
    decisions = np.stack(
        [e.decision_function(matrix) for e in pipeline.named_steps["model"].estimators_], axis=1
    )
    assert np.array_equal(decisions, model.decision_function(texts))


def test_each_edge_text_alone_and_in_any_batch(fitted):
    pipeline, model = fitted
    together = model.predict_proba(EDGE_TEXTS)
    for i, text in enumerate(EDGE_TEXTS):
        assert np.array_equal(model.predict_proba([text])[0], together[i])
        assert np.array_equal(pipeline.predict_proba([text])[0], together[i])
    assert model.predict_proba([]).shape == (0, len(LABELS))


def test_the_shipped_model_matches_a_fresh_export(fitted, splits, classifier):
    """Training is deterministic: the shipped arrays are those of a refit."""
    _, model = fitted
    shipped = classifier.model
    assert shipped.vocabulary == model.vocabulary
    for name in ("idf", "coef", "intercept"):
        assert np.array_equal(getattr(shipped, name), getattr(model, name)), name
    assert np.array_equal(
        classifier.predict_proba(splits["test"].texts), model.predict_proba(splits["test"].texts)
    )


@pytest.mark.corpus
def test_numpy_model_equals_scikit_learn_on_real_emails(fitted, real_emails):
    bodies = plain_bodies(real_emails)
    paragraphs = [part for body in bodies for part in body.split("\n\n") if part.strip()]
    texts = bodies + paragraphs
    assert len(texts) > 2000
    _assert_same(*fitted, texts)


@pytest.mark.corpus
def test_numpy_model_equals_scikit_learn_on_public_sentences(fitted):
    path = corpus_path("datasets", "wiki-weasel-conll2010", "test.csv")
    with path.open(encoding="utf-8") as handle:
        texts = [row["text"] for row in csv.DictReader(handle)]
    assert len(texts) > 5000
    _assert_same(*fitted, texts)


@pytest.mark.parametrize(
    ("ngram_range", "lowercase", "sublinear_tf"), [((1, 1), True, True), ((1, 3), False, False)]
)
def test_other_ngram_ranges_case_and_tf_are_equal_too(splits, ngram_range, lowercase, sublinear_tf):
    from sklearn.feature_extraction.text import TfidfVectorizer

    pipeline = build_estimator(C=1.0)
    pipeline.set_params(
        features=TfidfVectorizer(
            ngram_range=ngram_range,
            lowercase=lowercase,
            sublinear_tf=sublinear_tf,
            dtype=np.float32,
        )
    )
    train = splits["train"]
    pipeline.fit(train.texts[:800], train.targets[:800])  # a part keeps the test quick
    model = from_sklearn(pipeline, LABELS)
    assert model.settings["ngram_range"] == list(ngram_range)
    _assert_same(pipeline, model, splits["valid"].texts + EDGE_TEXTS)


@pytest.mark.parametrize(
    "params", [{"norm": "l1"}, {"dtype": np.float64}, {"stop_words": "english"}, {"binary": True}]
)
def test_export_refuses_what_it_cannot_repeat(fitted, params):
    pipeline = copy.deepcopy(fitted[0])
    pipeline.named_steps["features"].set_params(**params)
    with pytest.raises(ModelError, match="unsupported vectorizer setting"):
        from_sklearn(pipeline, LABELS)


def test_expit_equals_scipy_for_float32():
    from scipy.special import expit

    # Every 997th float32 bit pattern (all signs, magnitudes, subnormals, NaNs), a dense run
    # where decisions live, and the edges of the over- and underflow branches.
    patterns = np.arange(0, 2**32, 997, dtype=np.uint64).astype(np.uint32).view(np.float32)
    dense = np.linspace(-40, 40, 2_000_001, dtype=np.float32)
    edges = np.array(
        [0.0, -0.0, np.inf, -np.inf, np.nan, 88.0, 88.72283, 88.72284, -88.0, 103.97208,
         103.97209, -103.97208, -103.97209, 1e-45, -1e-45, 3.4028235e38, -3.4028235e38],
        dtype=np.float32,
    )  # fmt: skip
    x = np.concatenate([patterns, dense, edges, -edges])
    with np.errstate(all="ignore"):
        expected = expit(x)
    got = linear.expit(x)
    assert got.dtype == np.float32
    assert np.array_equal(expected, got, equal_nan=True)


def test_row_sums_add_in_order_even_when_rows_are_grouped(monkeypatch):
    rng = np.random.default_rng(0)
    lengths = np.array([0, 1, 700, 3, 0, 40, 2, 1500, 9])
    indptr = np.concatenate([[0], np.cumsum(lengths)])
    values = rng.standard_normal((int(indptr[-1]), 3)) * 10.0 ** rng.integers(-3, 4, (1, 3))
    values = values.astype(np.float32)
    expected = np.zeros((len(lengths), 3), dtype=np.float32)
    for row in range(len(lengths)):
        for k in range(3):
            total = np.float32(0.0)
            for value in values[indptr[row] : indptr[row + 1], k]:
                total = np.float32(total + value)
            expected[row, k] = total
    assert np.array_equal(linear._ordered_row_sums(values, indptr), expected)
    monkeypatch.setattr(linear, "_PAD_BUDGET", 3000)  # forces several groups
    assert np.array_equal(linear._ordered_row_sums(values, indptr), expected)


# --- the artifact: saving, loading, refusing ---------------------------------------------------


def test_save_is_byte_for_byte_reproducible_and_loads_back(fitted, splits, tmp_path: Path):
    _, model = fitted
    model.save(tmp_path / "a")
    model.save(tmp_path / "b")
    for name in (ARRAYS, METADATA):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    loaded = LinearTextModel.load(tmp_path / "a", LABELS)
    texts = splits["test"].texts
    assert np.array_equal(loaded.predict_proba(texts), model.predict_proba(texts))


def test_export_check_passes_and_reports(fitted, splits):
    exported, check = export_checked(fitted[0], splits["valid"].texts)
    assert check == {"texts": len(splits["valid"].texts), "probabilities_equal_bitwise": True}
    assert exported.vocabulary == fitted[1].vocabulary


def test_export_check_tolerates_last_bits_only(fitted, splits, monkeypatch, caplog):
    exact = LinearTextModel.predict_proba
    texts = splits["valid"].texts[:50]

    def last_bit_off(self: LinearTextModel, texts: list[str]) -> np.ndarray:
        return np.nextafter(exact(self, texts), np.float32(1.0))

    monkeypatch.setattr(LinearTextModel, "predict_proba", last_bit_off)
    _, check = export_checked(fitted[0], texts)
    assert check["probabilities_equal_bitwise"] is False
    assert 0 < check["largest_difference"] < 1e-6
    assert "differ from scikit-learn in the last bits" in caplog.text

    monkeypatch.setattr(LinearTextModel, "predict_proba", lambda self, t: exact(self, t) * 0.99)
    with pytest.raises(ModelError, match="does not reproduce scikit-learn"):
        export_checked(fitted[0], texts)


class _Payload:
    """Unpickling this creates a file: the proof that a pickle was loaded."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, ...]:
        return (Path.touch, (self.marker,))


def _arrays(folder: Path) -> dict[str, np.ndarray]:
    with np.load(folder / ARRAYS, allow_pickle=False) as archive:
        return {name: archive[name] for name in archive.files}


def _write_arrays(folder: Path, **arrays: Any) -> None:
    (folder / ARRAYS).unlink()
    np.savez(folder / ARRAYS, **arrays)  # pickles object arrays, as an attacker would


def _edit_metadata(folder: Path, change: Callable[[dict[str, Any]], None]) -> None:
    metadata = json.loads((folder / METADATA).read_text("utf-8"))
    change(metadata)
    (folder / METADATA).write_text(json.dumps(metadata), "utf-8")


def _wrong_shape(folder: Path, marker: Path) -> str:
    arrays = _arrays(folder)
    _write_arrays(folder, **arrays | {"coef": arrays["coef"][:, :-1]})
    return r"coef has shape"


def _nan(folder: Path, marker: Path) -> str:
    arrays = _arrays(folder)
    arrays["coef"][3, 10] = np.nan
    _write_arrays(folder, **arrays)
    return r"coef holds values that are not finite"


def _float64(folder: Path, marker: Path) -> str:
    arrays = _arrays(folder)
    _write_arrays(folder, **arrays | {"idf": arrays["idf"].astype(np.float64)})
    return r"idf must be a float32 array"


def _extra_object_array(folder: Path, marker: Path) -> str:
    payload = np.array([_Payload(marker)], dtype=object)
    _write_arrays(folder, **_arrays(folder), extra=payload)
    return r"expected the arrays"


def _object_array_in_place(folder: Path, marker: Path) -> str:
    arrays = _arrays(folder)
    _write_arrays(folder, **arrays | {"intercept": np.array([_Payload(marker)], dtype=object)})
    return r"unreadable array .*allow_pickle"


def _pickle_named_npz(folder: Path, marker: Path) -> str:
    (folder / ARRAYS).write_bytes(pickle.dumps(_Payload(marker)))
    return r"model.npz is not a numpy archive"


def _unknown_setting(folder: Path, marker: Path) -> str:
    _edit_metadata(folder, lambda m: m["settings"].update(max_df=0.5))
    return r"unknown \['max_df'\]"


def _unsupported_value(folder: Path, marker: Path) -> str:
    _edit_metadata(folder, lambda m: m["settings"].update(norm="l1"))
    return r"unsupported vectorizer setting norm='l1'"


def _other_token_pattern(folder: Path, marker: Path) -> str:
    _edit_metadata(folder, lambda m: m["settings"].update(token_pattern="(a+)+$"))
    return r"unsupported vectorizer setting token_pattern"


def _labels_reordered(folder: Path, marker: Path) -> str:
    _edit_metadata(folder, lambda m: m["labels"].reverse())
    return r"labels .* do not match"


def _card_labels_unknown(folder: Path, marker: Path) -> str:
    card = json.loads((folder / CARD).read_text("utf-8"))
    card["labels"] = [*card["labels"][1:], "spam"]
    card["thresholds"]["spam"] = 0.5
    (folder / CARD).write_text(json.dumps(card), "utf-8")
    return r"labels .* do not match"


def _repeated_term(folder: Path, marker: Path) -> str:
    _edit_metadata(folder, lambda m: m["vocabulary"].__setitem__(1, m["vocabulary"][0]))
    return r"repeats terms"


def _short_vocabulary(folder: Path, marker: Path) -> str:
    _edit_metadata(folder, lambda m: m["vocabulary"].pop())
    return r"idf has shape"


def _other_format(folder: Path, marker: Path) -> str:
    _edit_metadata(folder, lambda m: m.update(format="walkaway.linear-text/0"))
    return r"format .* is not"


def _extra_key(folder: Path, marker: Path) -> str:
    _edit_metadata(folder, lambda m: m.update(code="__import__('os').system('x')"))
    return r"expected exactly the keys"


def _old_skops_only(folder: Path, marker: Path) -> str:
    (folder / ARRAYS).unlink()
    (folder / "model.skops").write_bytes(pickle.dumps(_Payload(marker)))
    return r"expected model.npz, model.json and card.json"


TAMPERINGS = {
    "wrong shape": _wrong_shape,
    "NaN": _nan,
    "float64 array": _float64,
    "extra object array": _extra_object_array,
    "object array in place of one": _object_array_in_place,
    "pickle named model.npz": _pickle_named_npz,
    "unknown setting": _unknown_setting,
    "unsupported setting": _unsupported_value,
    "other token pattern": _other_token_pattern,
    "labels reordered": _labels_reordered,
    "unknown label in the card": _card_labels_unknown,
    "repeated term": _repeated_term,
    "vocabulary too short": _short_vocabulary,
    "other format": _other_format,
    "extra metadata key": _extra_key,
    "old skops file only": _old_skops_only,
}


@pytest.mark.parametrize("tampering", sorted(TAMPERINGS))
def test_loading_refuses_a_tampered_artifact(tmp_path: Path, tampering: str):
    folder = tmp_path / "model"
    folder.mkdir()
    for name in (ARRAYS, METADATA, CARD):
        shutil.copy(shipped_model_path() / name, folder / name)
    load_classifier(folder)  # untouched, it loads
    marker = tmp_path / "ran"
    expected = TAMPERINGS[tampering](folder, marker)
    with pytest.raises(ModelError, match=expected):
        load_classifier(folder)
    assert not marker.exists()


def test_loading_a_missing_model_is_a_clear_error(tmp_path: Path):
    with pytest.raises(ModelError, match="train-classifiers"):
        load_classifier(tmp_path)


def test_running_the_classifier_imports_neither_sklearn_nor_scipy_nor_skops():
    code = (
        "import sys\n"
        "from walkaway.nlp.classifier import get_classifier\n"
        "p = get_classifier().predict_proba(['We will revisit after Q3.', ''])\n"
        "assert p.shape == (2, 7) and str(p.dtype) == 'float32'\n"
        "heavy = ('sklearn', 'scipy', 'skops')\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & set(heavy)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


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
