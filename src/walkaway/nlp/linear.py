"""TF-IDF + one-vs-rest logistic regression at run time, with numpy alone.

The reply classifier is trained with scikit-learn (``TfidfVectorizer`` over word n-grams, one
``LogisticRegression`` per label). Importing scikit-learn, scipy and skops in every worker costs
seconds and more than 150 MB each, for what is a dictionary look-up and a few array operations.
:class:`LinearTextModel` repeats scikit-learn's arithmetic step by step, in the same order and
the same precision, so its probabilities are bit for bit those of ``pipeline.predict_proba``:

1. ``text.lower()``, then ``re.findall(token_pattern)``; n-grams are tokens joined by a space;
2. counts per text, columns in ascending order (scipy's sorted CSR indices);
3. float32 ``log(count) + 1`` (sublinear tf), times the float32 idf;
4. l2 row normalisation as ``sklearn.utils.sparsefuncs_fast``: float32 squares summed in
   double, in column order; each value divided in double, then rounded to float32;
5. decision ``x @ coef.T + intercept``: scipy's CSR product sums each row in float32, in
   column order, starting from zero; then the float32 intercept is added;
6. ``scipy.special.expit`` in float32, that is ``1 / (1 + expf(-x))`` with the C library's
   ``expf``: numpy's own float32 ``exp`` rounds differently, so :func:`expf` repeats glibc's
   algorithm in float64 arithmetic.

Row sums use ``np.cumsum``, which adds strictly in order (``np.sum`` adds pairwise and would
round differently). The tests compare both paths with ``np.array_equal`` on thousands of texts.

The artifact is two files with no pickle in them: ``model.npz`` (``idf``, ``coef``,
``intercept``, float32, read with ``allow_pickle=False``) and ``model.json`` (format, labels,
vectorizer settings, vocabulary in column order). Loading checks every one of them.
"""

from __future__ import annotations

import copy
import io
import json
import re
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from walkaway.errors import ModelError

FORMAT = "walkaway.linear-text/1"
ARRAYS = "model.npz"
METADATA = "model.json"
TOKEN_PATTERN = r"(?u)\b\w\w+\b"

# What the inference below reproduces. Settings that only shape fitting (min_df, max_df,
# smooth_idf, ...) are already in the vocabulary and the idf and need no record.
SETTINGS: dict[str, Any] = {
    "analyzer": "word",
    "lowercase": True,
    "token_pattern": TOKEN_PATTERN,
    "ngram_range": [1, 2],
    "stop_words": None,
    "strip_accents": None,
    "binary": False,
    "sublinear_tf": True,
    "use_idf": True,
    "norm": "l2",
    "dtype": "float32",
}
# The settings allowed to differ from the above, with a check of their value.
_VARIABLE: dict[str, Callable[[Any], bool]] = {
    "lowercase": lambda value: isinstance(value, bool),
    "sublinear_tf": lambda value: isinstance(value, bool),
    "ngram_range": lambda value: (
        isinstance(value, list)
        and len(value) == 2
        and all(type(n) is int for n in value)
        and 1 <= value[0] <= value[1] <= 4
    ),
}
_ARRAY_NAMES = ("idf", "coef", "intercept")
# Most elements (rows x padded length x labels) the ordered row sums pad at once.
_PAD_BUDGET = 1 << 22


class LinearTextModel:
    """Per-label probabilities of a TF-IDF + logistic regression model, in numpy only."""

    def __init__(
        self,
        *,
        labels: Sequence[str],
        vocabulary: Sequence[str],
        idf: np.ndarray,
        coef: np.ndarray,
        intercept: np.ndarray,
        settings: dict[str, Any] | None = None,
    ) -> None:
        settings = copy.deepcopy(SETTINGS if settings is None else settings)
        _check_settings(settings)
        self.labels = tuple(labels)
        self.vocabulary = tuple(vocabulary)
        self.settings = settings
        self.idf, self.coef, self.intercept = idf, coef, intercept
        _check_arrays(self.labels, self.vocabulary, idf, coef, intercept)
        self._index = {term: column for column, term in enumerate(self.vocabulary)}
        if len(self._index) != len(self.vocabulary):
            raise ModelError("the vocabulary repeats terms")
        self._findall = re.compile(settings["token_pattern"]).findall
        self._lowercase: bool = settings["lowercase"]
        self._ngrams = (int(settings["ngram_range"][0]), int(settings["ngram_range"][1]))
        # (terms, labels), contiguous: one gather gives every weight of a text's terms.
        self._weights = np.ascontiguousarray(coef.T)

    # --- inference ------------------------------------------------------------------------

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Probabilities (float32), one row per text, one column per label."""
        return expit(self.decision_function(texts))

    def decision_function(self, texts: Sequence[str]) -> np.ndarray:
        """``x @ coef.T + intercept`` (float32), one row per text, one column per label."""
        indptr, columns, values = self.transform(texts)
        products = values[:, None] * self._weights[columns]
        return _ordered_row_sums(products, indptr) + self.intercept

    def transform(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The TF-IDF rows as CSR parts: ``(indptr, columns, values)``, values float32."""
        rows, columns, counts = self.term_counts(texts)
        indptr = np.zeros(len(texts) + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows, minlength=len(texts)), out=indptr[1:])
        values = counts.astype(np.float32)
        if self.settings["sublinear_tf"]:
            np.log(values, out=values)
            values += 1.0
        values *= self.idf[columns]
        # l2: float32 squares summed in double; the division is done in double too.
        squares = (values * values).astype(np.float64)
        norms = np.sqrt(_ordered_row_sums(squares[:, None], indptr)[:, 0])
        norms[norms == 0.0] = 1.0  # scikit-learn leaves empty rows alone
        values = (values.astype(np.float64) / np.repeat(norms, np.diff(indptr))).astype(np.float32)
        return indptr, columns, values

    def term_counts(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(text index, column, count) of every known term, sorted by text then column."""
        if isinstance(texts, str):
            raise TypeError("expected a sequence of texts, got one string")
        index, findall, lowercase = self._index.get, self._findall, self._lowercase
        low, high = self._ngrams
        found: list[int] = []
        sizes: list[int] = []
        for text in texts:
            if not isinstance(text, str):
                raise TypeError(f"expected str, got {type(text).__name__}")
            tokens = findall(text.lower() if lowercase else text)
            before = len(found)
            if low == 1:
                found.extend([column for column in map(index, tokens) if column is not None])
            for n in range(max(low, 2), high + 1):
                # The n-grams in scikit-learn's order; order does not change counts anyway.
                grams = map(" ".join, zip(*(tokens[k:] for k in range(n)), strict=False))
                found.extend([column for column in map(index, grams) if column is not None])
            sizes.append(len(found) - before)
        n_terms = len(self.vocabulary)
        keys = np.repeat(np.arange(len(sizes), dtype=np.int64), sizes) * n_terms
        keys += np.asarray(found, dtype=np.int64)
        # Sorted unique (text, column) pairs with their counts: the CSR layout of the counts.
        unique, counts = np.unique(keys, return_counts=True)
        return unique // n_terms, unique % n_terms, counts

    # --- files ----------------------------------------------------------------------------

    def save(self, folder: str | Path) -> None:
        """Write ``model.npz`` and ``model.json`` into ``folder``."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        # An .npz written by hand: numpy's savez stamps each member with the current time,
        # and a rebuild of the same model should give the same bytes.
        with zipfile.ZipFile(folder / ARRAYS, "w") as archive:
            for name, array in zip(
                _ARRAY_NAMES, (self.idf, self.coef, self.intercept), strict=True
            ):
                buffer = io.BytesIO()
                np.lib.format.write_array(buffer, np.ascontiguousarray(array), allow_pickle=False)
                member = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
                archive.writestr(
                    member, buffer.getvalue(), compress_type=zipfile.ZIP_DEFLATED, compresslevel=9
                )
        metadata = {
            "format": FORMAT,
            "labels": list(self.labels),
            "settings": self.settings,
            "vocabulary": list(self.vocabulary),
        }
        (folder / METADATA).write_text(
            json.dumps(metadata, ensure_ascii=False, indent=0) + "\n", "utf-8"
        )

    @classmethod
    def load(cls, folder: str | Path, labels: Sequence[str]) -> LinearTextModel:
        """Read a model folder; refuses anything but the expected, well-formed files."""
        folder = Path(folder)
        metadata = _read_metadata(folder / METADATA)
        if metadata["labels"] != list(labels):
            raise ModelError(
                f"{folder / METADATA}: labels {metadata['labels']} do not match {list(labels)}"
            )
        arrays = _read_arrays(folder / ARRAYS)
        try:
            return cls(
                labels=metadata["labels"],
                vocabulary=metadata["vocabulary"],
                settings=metadata["settings"],
                **arrays,
            )
        except ModelError as error:
            raise ModelError(f"{folder}: {error}") from error


# --- export from scikit-learn (training only) -------------------------------------------------


def from_sklearn(pipeline: Any, labels: Sequence[str]) -> LinearTextModel:
    """The fitted ``Pipeline([("features", TfidfVectorizer), ("model", OneVsRestClassifier(
    LogisticRegression))])`` as a :class:`LinearTextModel`; refuses anything it cannot repeat
    exactly."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier

    steps = getattr(pipeline, "named_steps", {})
    vectorizer, model = steps.get("features"), steps.get("model")
    if not isinstance(vectorizer, TfidfVectorizer) or not isinstance(model, OneVsRestClassifier):
        raise ModelError("expected a fitted TfidfVectorizer -> OneVsRestClassifier pipeline")
    params = vectorizer.get_params()
    unsupported = {
        name: params[name]
        for name in ("input", "preprocessor", "tokenizer", "vocabulary")
        if params[name] not in (None, "content")
    }
    if unsupported:
        raise ModelError(f"the vectorizer uses settings the numpy model lacks: {unsupported}")
    dtype = np.dtype(params["dtype"]).name
    settings = {name: params[name] for name in SETTINGS if name not in {"ngram_range", "dtype"}}
    settings |= {"ngram_range": list(params["ngram_range"]), "dtype": dtype}
    estimators = list(model.estimators_)
    if not model.multilabel_ or len(estimators) != len(labels):
        raise ModelError(f"expected {len(labels)} one-vs-rest estimators for a multilabel model")
    for estimator in estimators:
        if not isinstance(estimator, LogisticRegression) or list(estimator.classes_) != [0, 1]:
            raise ModelError("every label needs a binary LogisticRegression (classes 0 and 1)")
    terms = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.__getitem__)
    return LinearTextModel(
        labels=labels,
        vocabulary=terms,
        settings=settings,
        idf=vectorizer.idf_,
        coef=np.concatenate([estimator.coef_ for estimator in estimators]),
        intercept=np.concatenate([np.atleast_1d(estimator.intercept_) for estimator in estimators]),
    )


# --- checks ---------------------------------------------------------------------------------


def _check_settings(settings: dict[str, Any]) -> None:
    if set(settings) != set(SETTINGS):
        missing, extra = (
            sorted(set(SETTINGS) - set(settings)),
            sorted(set(settings) - set(SETTINGS)),
        )
        raise ModelError(f"vectorizer settings: missing {missing}, unknown {extra}")
    for name, value in settings.items():
        allowed = _VARIABLE.get(name)
        if not (allowed(value) if allowed else value == SETTINGS[name]):
            raise ModelError(f"unsupported vectorizer setting {name}={value!r}")


def _check_arrays(
    labels: tuple[str, ...],
    vocabulary: tuple[str, ...],
    idf: np.ndarray,
    coef: np.ndarray,
    intercept: np.ndarray,
) -> None:
    if not labels or not all(isinstance(label, str) for label in labels):
        raise ModelError("labels must be a non-empty list of strings")
    if not vocabulary or not all(isinstance(term, str) for term in vocabulary):
        raise ModelError("the vocabulary must be a non-empty list of strings")
    expected = {
        "idf": (len(vocabulary),),
        "coef": (len(labels), len(vocabulary)),
        "intercept": (len(labels),),
    }
    for name, array in zip(_ARRAY_NAMES, (idf, coef, intercept), strict=True):
        if not isinstance(array, np.ndarray) or array.dtype != np.float32:
            raise ModelError(
                f"{name} must be a float32 array, not {getattr(array, 'dtype', array)}"
            )
        if array.shape != expected[name]:
            raise ModelError(f"{name} has shape {array.shape}, expected {expected[name]}")
        if not np.isfinite(array).all():
            raise ModelError(f"{name} holds values that are not finite")
    if (idf <= 0).any():
        raise ModelError("idf holds values that are not positive")


def _read_metadata(path: Path) -> dict[str, Any]:
    try:
        metadata = json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ModelError(f"{path} is not readable JSON ({error})") from error
    keys = {"format", "labels", "settings", "vocabulary"}
    if not isinstance(metadata, dict) or set(metadata) != keys:
        raise ModelError(f"{path}: expected exactly the keys {sorted(keys)}")
    if metadata["format"] != FORMAT:
        raise ModelError(f"{path}: format {metadata['format']!r} is not {FORMAT!r}")
    if not isinstance(metadata["settings"], dict):
        raise ModelError(f"{path}: settings must be an object")
    for name in ("labels", "vocabulary"):
        if not isinstance(metadata[name], list):
            raise ModelError(f"{path}: {name} must be a list")
    return metadata


def _read_arrays(path: Path) -> dict[str, np.ndarray]:
    try:
        archive = np.load(path, allow_pickle=False)
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as error:
        raise ModelError(f"{path} is not a numpy archive ({error})") from error
    if not isinstance(archive, np.lib.npyio.NpzFile):
        raise ModelError(f"{path} is not a numpy .npz archive")
    with archive:
        if sorted(archive.files) != sorted(_ARRAY_NAMES):
            raise ModelError(
                f"{path}: expected the arrays {list(_ARRAY_NAMES)}, got {archive.files}"
            )
        try:
            return {name: archive[name] for name in _ARRAY_NAMES}
        except (OSError, ValueError, EOFError, zipfile.BadZipFile) as error:
            # Object arrays land here: they would need a pickle, which is refused.
            raise ModelError(f"{path}: unreadable array ({error})") from error


# --- arithmetic in scikit-learn's order -------------------------------------------------------


def _ordered_row_sums(values: np.ndarray, indptr: np.ndarray) -> np.ndarray:
    """Per row, the sum of ``values[indptr[i]:indptr[i + 1]]`` (shape (nnz, k)) added strictly
    in order from zero, in the dtype of ``values``, as a C loop over a CSR row does.

    Rows are laid side by side, padded with zeros at their end (adding zero changes no sum),
    and ``np.cumsum`` runs along them. Rows go in groups of similar length (within a factor
    of two, and at most ``_PAD_BUDGET`` elements at once), so one long text does not pad every
    short one to its length.
    """
    n_rows, width = len(indptr) - 1, values.shape[1]
    lengths = np.diff(indptr)
    sums = np.zeros((n_rows, width), dtype=values.dtype)
    filled = np.flatnonzero(lengths)
    octaves = np.frexp(lengths[filled])[1]  # 2**(o - 1) <= length < 2**o
    for octave in np.unique(octaves):
        rows = filled[octaves == octave]
        per_group = max(1, _PAD_BUDGET // (int(lengths[rows].max()) * width))
        for first in range(0, len(rows), per_group):
            group = rows[first : first + per_group]
            row_lengths = lengths[group]
            offsets = _ranges(row_lengths)
            padded = np.zeros((int(row_lengths.max()), len(group), width), dtype=values.dtype)
            padded[offsets, np.repeat(np.arange(len(group)), row_lengths)] = values[
                np.repeat(indptr[group], row_lengths) + offsets
            ]
            sums[group] = np.cumsum(padded, axis=0)[-1]
    return sums


def _ranges(lengths: np.ndarray) -> np.ndarray:
    """``concatenate([arange(n) for n in lengths])`` without the loop."""
    total = int(lengths.sum())
    starts = np.repeat(np.cumsum(lengths) - lengths, lengths)
    return np.arange(total, dtype=np.int64) - starts


def expit(x: np.ndarray) -> np.ndarray:
    """``scipy.special.expit`` for float32: ``1 / (1 + expf(-x))`` in float32 arithmetic."""
    x = np.asarray(x, dtype=np.float32)
    one = np.float32(1.0)
    with np.errstate(invalid="ignore"):  # signalling NaNs stay NaN, quietly
        return one / (one + expf(-x))


# The algorithm of the C library's expf (Arm's optimized-routines, MIT licensed, which glibc
# and musl ship): exp(x) = 2^(k/32) * 2^(r/32) with a 32-entry table and a cubic, in double,
# then rounded once to float. Table entries are the bits of 2^(i/32) minus i << 47.
_EXP2F_TABLE = np.array(
    [
        0x3FF0000000000000, 0x3FEFD9B0D3158574, 0x3FEFB5586CF9890F, 0x3FEF9301D0125B51,
        0x3FEF72B83C7D517B, 0x3FEF54873168B9AA, 0x3FEF387A6E756238, 0x3FEF1E9DF51FDEE1,
        0x3FEF06FE0A31B715, 0x3FEEF1A7373AA9CB, 0x3FEEDEA64C123422, 0x3FEECE086061892D,
        0x3FEEBFDAD5362A27, 0x3FEEB42B569D4F82, 0x3FEEAB07DD485429, 0x3FEEA47EB03A5585,
        0x3FEEA09E667F3BCD, 0x3FEE9F75E8EC5F74, 0x3FEEA11473EB0187, 0x3FEEA589994CCE13,
        0x3FEEACE5422AA0DB, 0x3FEEB737B0CDC5E5, 0x3FEEC49182A3F090, 0x3FEED503B23E255D,
        0x3FEEE89F995AD3AD, 0x3FEEFF76F2FB5E47, 0x3FEF199BDD85529C, 0x3FEF3720DCEF9069,
        0x3FEF5818DCFBA487, 0x3FEF7C97337B9B5F, 0x3FEFA4AFA2A490DA, 0x3FEFD0765B6E4540,
    ],
    dtype=np.uint64,
)  # fmt: skip
_N = 32
_INV_LN2_N = float.fromhex("0x1.71547652b82fep+0") * _N
_SHIFT = float.fromhex("0x1.8p+52")
_C0 = float.fromhex("0x1.c6af84b912394p-5") / _N**3
_C1 = float.fromhex("0x1.ebfce50fac4f3p-3") / _N**2
_C2 = float.fromhex("0x1.62e42ff0c52d6p-1") / _N
_OVERFLOW = float.fromhex("0x1.62e42ep6")  # above: exp(x) > FLT_MAX
_UNDERFLOW = float.fromhex("-0x1.9fe368p6")  # below: exp(x) < 2^-150, rounds to 0


def expf(x: np.ndarray) -> np.ndarray:
    """The C library's float32 ``exp`` (glibc's algorithm), element-wise, in numpy."""
    x = np.asarray(x, dtype=np.float32)
    with np.errstate(invalid="ignore", over="ignore"):  # NaN and huge inputs are set below
        z = _INV_LN2_N * x.astype(np.float64)
        kd = z + _SHIFT  # rounds z to an integer in the low bits of kd
        ki = kd.view(np.uint64)
        kd = kd - _SHIFT  # new array: ki is a view of the old one
        r = z - kd
        bits = _EXP2F_TABLE[ki % np.uint64(_N)] + (ki << np.uint64(52 - 5))
        s = bits.view(np.float64)
        y = (_C0 * r + _C1) * (r * r) + (_C2 * r + 1.0)
        y = (y * s).astype(np.float32)
    y[x > _OVERFLOW] = np.inf  # and +inf
    y[x < _UNDERFLOW] = 0.0  # and -inf
    nan = np.isnan(x)
    y[nan] = x[nan]
    return y
