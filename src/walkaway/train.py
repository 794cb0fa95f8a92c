"""Training on labeled past deals, and honest backtests.

Each deal is judged as of its own cut-off: ``closed_at`` minus ``horizon`` days, seeing only
messages written strictly before it (without ``closed_at``: as of the prospect's newest
message). Everything a deal's features depend on is rebuilt from those messages alone —
its people and titles, its threads — so a message written at or after the cut-off cannot
change them (``tests/test_train.py`` proves it).

``train`` cross-validates a small, interpretable model against the rule prior on the same
folds and reports ROC-AUC, PR-AUC, Brier score and calibration with bootstrap intervals;
``evaluate`` backtests a saved model or the rule prior deal by deal, with the walk-away lead
time on lost deals and the false walk-away rate on won ones.
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import io
import itertools
import logging
import platform
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from walkaway import __version__
from walkaway.analysis import Corpus, read_corpus
from walkaway.errors import ConfigError, UsageError
from walkaway.features import Timeline, prospect_features
from walkaway.people import account_key, build_people
from walkaway.scoring.model import (
    FEATURES,
    DealModel,
    build_estimator,
    feature_matrix,
    model_scores,
)
from walkaway.scoring.rules import RuleSet, load_rules, score_prospect
from walkaway.scoring.trajectory import weekly_points
from walkaway.signals.timing import Event
from walkaway.threads import build_threads
from walkaway.types import ProspectScore, Signal

logger = logging.getLogger(__name__)

OUTCOMES = {"won": 0, "lost": 1}
MIN_DEALS = 10
MIN_PER_CLASS = 3


# --- deals.csv --------------------------------------------------------------------------


# Outcomes of deals still open: not labels, skipped quietly. Any other value is skipped too,
# with a warning: it is often a typo or a CRM's own vocabulary ("Closed Won").
OPEN_OUTCOMES = frozenset({"", "open", "pending", "active", "ongoing", "in progress", "unknown"})
_EXPECTED_HEADER = "prospect,outcome[,closed_at]"
_PROSPECT = re.compile(r"[^\s@]+@[^\s@]+\.[^\s@]+|[^\s@]+\.[^\s@]+")


def load_deals(path: str | Path) -> pd.DataFrame:
    """Read ``deals.csv``: ``prospect, outcome`` (won | lost; other outcomes are skipped,
    with a warning naming their rows unless they are :data:`OPEN_OUTCOMES`), optional
    ``closed_at`` (ISO date); other columns are ignored. Errors name the row (the header is
    row 1), the column and what was expected.
    """
    path = Path(path)
    if not path.is_file():
        raise UsageError(f"--deals: no such file: {path}")
    rows = _read_deal_rows(path)
    if not any(value.strip() for row in rows for value in row):
        raise ConfigError(f"{path}: the file is empty (expected a header row {_EXPECTED_HEADER})")
    columns = [c.strip().lower() for c in rows[0]]
    for required in ("prospect", "outcome"):
        if required not in columns:
            hint = ""
            if len(columns) == 1 and ";" in columns[0]:
                hint = "; values seem to be separated by ';', walkaway expects ','"
            raise ConfigError(
                f"{path}: row 1: missing column {required!r} (expected a header with "
                f"prospect, outcome and optionally closed_at; found {columns}{hint})"
            )
    for index, column in enumerate(columns):
        if column and column in columns[:index]:
            raise ConfigError(
                f"{path}: row 1: column {column!r} appears twice (expected each column once)"
            )
    missing = [name for name in ("prospect", "outcome", "closed_at") if name not in columns]
    for column in columns:
        # Other columns are ignored (CRM exports carry many), but a misspelt closed_at
        # would silently judge every deal as of its newest message.
        close = difflib.get_close_matches(column, missing, n=1, cutoff=0.75)
        if close:
            logger.warning(
                "%s: row 1: column %r is ignored; did you mean %r?", path, column, close[0]
            )
    deals: dict[str, dict[str, Any]] = {}
    ignored: list[str] = []
    for number, values in enumerate(rows[1:], start=2):
        if not any(v.strip() for v in values):
            continue  # a blank row, or only separators
        if len(values) > len(columns):
            raise ConfigError(
                f"{path}: row {number}: {len(values)} values but the header has {len(columns)} "
                "columns (expected one value per column; quote values that contain commas)"
            )
        row = {name: value.strip() for name, value in zip(columns, values, strict=False)}
        prospect = row.get("prospect", "")
        outcome = row.get("outcome", "").lower()
        if not prospect:
            raise ConfigError(
                f"{path}: row {number}, column 'prospect': empty "
                "(expected a company domain or an address)"
            )
        if not _PROSPECT.fullmatch(prospect) or not prospect.isprintable():
            raise ConfigError(
                f"{path}: row {number}, column 'prospect': {prospect!r} is not a company "
                "domain or an email address (expected e.g. acme.com or jane@gmail.com)"
            )
        if outcome in OPEN_OUTCOMES:
            continue  # open deals are not labels
        if outcome not in OUTCOMES:
            # Other outcomes are not labels either (the contract ignores them), but a typo
            # or a CRM's own word would drop a deal unnoticed: the user is told which.
            ignored.append(f"row {number} {row['outcome']!r}")
            continue
        closed_at = None
        if row.get("closed_at"):
            try:
                closed_at = datetime.fromisoformat(row["closed_at"])
            except ValueError as error:
                raise ConfigError(
                    f"{path}: row {number}, column 'closed_at': {row['closed_at']!r} is not an "
                    "ISO date (expected e.g. 2026-10-21)"
                ) from error
            if closed_at.tzinfo is None:
                closed_at = closed_at.replace(tzinfo=UTC)
        key = account_key(prospect) if "@" in prospect else prospect.lower().strip(". ")
        previous = deals.get(key)
        if previous is not None and previous["outcome"] != outcome:
            raise ConfigError(
                f"{path}: row {number}, column 'outcome': {prospect!r} is {outcome!r} here but "
                f"{previous['outcome']!r} in row {previous['row']} "
                "(expected one outcome per prospect)"
            )
        if previous is not None and previous["closed_at"] != closed_at:
            raise ConfigError(
                f"{path}: row {number}, column 'closed_at': {prospect!r} closed "
                f"{row.get('closed_at') or 'without a date'} here but "
                f"{previous['closed_text'] or 'without a date'} in row {previous['row']} "
                "(expected one deal per prospect)"
            )
        deals[key] = {
            "prospect": key,
            "outcome": outcome,
            "closed_at": closed_at,
            "row": number,
            "closed_text": row.get("closed_at", ""),
        }
    if ignored:
        more = len(ignored) - 5
        shown = ", ".join(ignored[:5]) + (f" and {more} more" if more > 0 else "")
        logger.warning(
            "%s: %d deal(s) skipped: outcome is neither won nor lost (%s)",
            path,
            len(ignored),
            shown,
        )
    table = pd.DataFrame(list(deals.values()), columns=["prospect", "outcome", "closed_at", "row"])
    return table.sort_values("prospect", kind="stable").reset_index(drop=True)


def _read_deal_rows(path: Path) -> list[list[str]]:
    """The CSV records of a deals file; undecodable bytes and broken quoting named by row."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ConfigError(f"{path}: {_not_utf8(data, error)}") from error
    rows: list[list[str]] = []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        rows.extend(reader)
    except csv.Error as error:
        raise ConfigError(
            f"{path}: row {len(rows) + 1} (line {reader.line_num}): not valid CSV ({error}; "
            "expected comma-separated values, quotes closed)"
        ) from error
    return rows


def _not_utf8(data: bytes, error: UnicodeDecodeError) -> str:
    """Where a deals file stops being UTF-8: row, column and byte."""
    line_start = data.rfind(b"\n", 0, error.start) + 1
    row = data.count(b"\n", 0, error.start) + 1

    def fields(line: bytes) -> list[str]:
        text = line.decode("utf-8-sig", "replace").replace("\r", "")
        try:
            return next(csv.reader([text]), [""])
        except csv.Error:
            return [""]

    header = fields(data.split(b"\n", 1)[0])
    index = len(fields(data[line_start : error.start])) - 1
    column = f", column {header[index].strip().lower()!r}" if 0 <= index < len(header) else ""
    return (
        f"row {row}{column}: not UTF-8 text (byte 0x{data[error.start]:02x}); "
        "save deals.csv as UTF-8 (in Excel: CSV UTF-8)"
    )


# --- features of a deal as of its cut-off ----------------------------------------------------


@dataclass(frozen=True)
class DealView:
    """One deal seen as of its cut-off: its feature row, fired signals and prior score."""

    prospect: str
    outcome: str
    as_of: datetime
    features: pd.DataFrame  # one row
    signals: tuple[Signal, ...]
    prior: ProspectScore


def cutoff_for(
    deal: pd.Series | dict[str, Any], timeline: Timeline, horizon_days: float
) -> datetime:
    """Strictly-before bound: ``closed_at - horizon``; else just after the newest message."""
    closed_at = deal["closed_at"]
    if closed_at is not None and not pd.isna(closed_at):
        return closed_at - timedelta(days=horizon_days)
    return timeline.events[-1].date + timedelta(microseconds=1)


def deal_view(
    corpus: Corpus, prospect: str, outcome: str, cutoff: datetime, rules: RuleSet
) -> DealView | None:
    """The deal as it stood just before ``cutoff``, built only from messages written before it."""
    timeline = corpus.timelines.get(prospect)
    if timeline is None:
        return None
    before = [e for e in timeline.events if e.date < cutoff]
    if not any(e.direction == "out" for e in before):
        return None
    messages = [e.message for e in before]
    people = build_people(messages, corpus.own)
    thread_of = {mid: t.thread_id for t in build_threads(messages) for mid in t.message_ids}
    events = tuple(Event(e.message, e.direction, thread_of.get(e.message.id, "")) for e in before)
    as_of = cutoff - timedelta(microseconds=1)
    table, signals = prospect_features(
        {prospect: Timeline(prospect, events)}, people, as_of, language=corpus.language
    )
    if table.empty:
        return None
    prior = score_prospect(prospect, signals, rules)
    return DealView(prospect, outcome, as_of, table, tuple(signals), prior)


@dataclass
class DealSet:
    views: list[DealView]
    skipped: dict[str, str] = field(default_factory=dict)

    @property
    def y(self) -> np.ndarray:
        return np.array([OUTCOMES[v.outcome] for v in self.views])

    @property
    def X(self) -> pd.DataFrame:
        table = pd.concat([v.features for v in self.views], ignore_index=True)
        return feature_matrix(table, {v.prospect: v.prior.score for v in self.views})

    @property
    def prior_scores(self) -> np.ndarray:
        return np.array([v.prior.score for v in self.views])


def deal_set(corpus: Corpus, deals: pd.DataFrame, horizon_days: float, rules: RuleSet) -> DealSet:
    views: list[DealView] = []
    skipped: dict[str, str] = {}
    for deal in deals.to_dict("records"):
        timeline = corpus.timelines.get(deal["prospect"])
        if timeline is None:
            skipped[deal["prospect"]] = "no conversation with this prospect in the export"
            continue
        view = deal_view(
            corpus,
            deal["prospect"],
            deal["outcome"],
            cutoff_for(deal, timeline, horizon_days),
            rules,
        )
        if view is None:
            skipped[deal["prospect"]] = "no message from our side before the cut-off"
            continue
        views.append(view)
    return DealSet(views, skipped)


# --- metrics --------------------------------------------------------------------------------


def binary_metrics(y: np.ndarray, p: np.ndarray) -> dict[str, float | None]:
    """ROC-AUC, PR-AUC (average precision), Brier score of probabilities of 'lost'."""
    from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score

    both = 0 < y.sum() < len(y)
    return {
        "roc_auc": float(roc_auc_score(y, p)) if both else None,
        "pr_auc": float(average_precision_score(y, p)) if both else None,
        "brier": float(brier_score_loss(y, p)),
    }


def calibration(y: np.ndarray, p: np.ndarray, bins: int = 5) -> list[dict[str, float]]:
    """Reliability table: mean predicted vs observed share of lost deals per probability bin."""
    edges = np.linspace(0, 1, bins + 1)
    rows = []
    for lo, hi in itertools.pairwise(edges):
        inside = (p >= lo) & ((p < hi) if hi < 1 else (p <= hi))
        if inside.any():
            rows.append(
                {
                    "bin": f"{lo:.1f}-{hi:.1f}",
                    "n": int(inside.sum()),
                    "mean_predicted": round(float(p[inside].mean()), 3),
                    "observed_lost": round(float(y[inside].mean()), 3),
                }
            )
    return rows


def bootstrap(
    y: np.ndarray, scores: dict[str, np.ndarray], *, resamples: int = 1000, seed: int = 0
) -> dict[str, dict[str, list[float] | None]]:
    """95% percentile intervals of each metric per scorer, and of model minus prior."""
    rng = np.random.default_rng(seed)
    draws: dict[str, dict[str, list[float]]] = {name: {} for name in scores}
    names = list(scores)
    if len(names) == 2:
        draws["difference"] = {}
    for _ in range(resamples):
        index = rng.integers(0, len(y), len(y))
        sample = y[index]
        results = {name: binary_metrics(sample, values[index]) for name, values in scores.items()}
        for name, metrics in results.items():
            for key, value in metrics.items():
                if value is not None:
                    draws[name].setdefault(key, []).append(value)
        if len(names) == 2:
            a, b = results[names[0]], results[names[1]]
            for key in a:
                if a[key] is not None and b[key] is not None:
                    draws["difference"].setdefault(key, []).append(a[key] - b[key])
    intervals: dict[str, dict[str, list[float] | None]] = {}
    for name, by_metric in draws.items():
        intervals[name] = {
            key: [round(float(np.percentile(v, 2.5)), 3), round(float(np.percentile(v, 97.5)), 3)]
            if len(v) >= resamples // 2
            else None
            for key, v in by_metric.items()
        }
    return intervals


def _round(metrics: dict[str, float | None]) -> dict[str, float | None]:
    return {k: (round(v, 3) if v is not None else None) for k, v in metrics.items()}


# --- training -------------------------------------------------------------------------------


def _folds(y: np.ndarray, groups: Sequence[str], seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    from sklearn.model_selection import StratifiedGroupKFold

    splits = int(max(2, min(5, np.bincount(y, minlength=2).min())))
    cv = StratifiedGroupKFold(n_splits=splits, shuffle=True, random_state=seed)
    return list(cv.split(np.zeros(len(y)), y, groups))


def cross_validate(
    deals: DealSet, *, seed: int = 0, candidates: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Out-of-fold probabilities of each candidate and of the prior, on the same folds."""
    candidates = candidates or {"logistic_regression": lambda: build_estimator(random_state=seed)}
    X, y = deals.X.to_numpy(), deals.y
    folds = _folds(y, [v.prospect for v in deals.views], seed)
    oof = {name: np.zeros(len(y)) for name in candidates}
    for train_index, test_index in folds:
        for name, make in candidates.items():
            estimator = make().fit(X[train_index], y[train_index])
            oof[name][test_index] = estimator.predict_proba(X[test_index])[:, 1]
    return {"folds": len(folds), "oof": oof, "prior": deals.prior_scores / 100.0}


def _check_size(deals: DealSet) -> None:
    counts = np.bincount(deals.y, minlength=2) if deals.views else np.array([0, 0])
    if len(deals.views) < MIN_DEALS or counts.min() < MIN_PER_CLASS:
        raise UsageError(
            f"training needs at least {MIN_DEALS} usable deals with {MIN_PER_CLASS} won and "
            f"{MIN_PER_CLASS} lost; found {counts[0]} won and {counts[1]} lost"
            + (
                f" ({len(deals.skipped)} skipped: see deals without conversations)"
                if deals.skipped
                else ""
            )
        )


def _versions() -> dict[str, str]:
    versions = {"python": platform.python_version(), "walkaway": __version__}
    for package in ("scikit-learn", "numpy", "pandas", "skops"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "absent"
    return versions


def _hash_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass
class TrainResult:
    model: DealModel
    metrics: dict[str, Any]
    deals: DealSet


def train(
    paths: Sequence[str | Path],
    deals_path: str | Path,
    out: str | Path | None = None,
    *,
    our_domains: Iterable[str] = (),
    me: Iterable[str] = (),
    horizon_days: float = 0.0,
    rules: RuleSet | None = None,
    seed: int = 0,
    corpus: Corpus | None = None,
) -> TrainResult:
    """Fit the deal model on labeled deals, cross-validated against the rule prior."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    rules = rules or load_rules()
    deals = load_deals(deals_path)
    corpus = corpus or read_corpus(paths, our_domains, me)
    dataset = deal_set(corpus, deals, horizon_days, rules)
    _check_size(dataset)
    candidates = {
        "logistic_regression": lambda: build_estimator(random_state=seed),
        "gradient_boosting": lambda: HistGradientBoostingClassifier(
            max_depth=3, max_iter=100, learning_rate=0.05, random_state=seed
        ),
    }
    cv = cross_validate(dataset, seed=seed, candidates=candidates)
    y = dataset.y
    comparison = {name: _round(binary_metrics(y, cv["oof"][name])) for name in candidates} | {
        "rule_prior": _round(binary_metrics(y, cv["prior"]))
    }
    # The gradient-boosted alternative ships only if it clearly beats the linear model.
    gb_vs_lr = bootstrap(
        y,
        {
            "gradient_boosting": cv["oof"]["gradient_boosting"],
            "logistic_regression": cv["oof"]["logistic_regression"],
        },
        seed=seed,
    )["difference"].get("roc_auc")
    chosen = (
        "gradient_boosting" if gb_vs_lr is not None and gb_vs_lr[0] > 0 else "logistic_regression"
    )
    oof = cv["oof"][chosen]
    intervals = bootstrap(y, {"model": oof, "rule_prior": cv["prior"]}, seed=seed)
    metrics = {
        "deals": {
            "used": len(dataset.views),
            "won": int((y == 0).sum()),
            "lost": int((y == 1).sum()),
            "skipped": dataset.skipped,
        },
        "horizon_days": horizon_days,
        "cross_validation": {"folds": cv["folds"], "grouped_by": "prospect", "seed": seed},
        "model": chosen,
        "model_cv": _round(binary_metrics(y, oof)) | {"calibration": calibration(y, oof)},
        "rule_prior_cv": _round(binary_metrics(y, cv["prior"]))
        | {"calibration": calibration(y, cv["prior"])},
        "intervals_95": intervals,
        "candidates_cv": comparison,
        "note": "Out-of-fold predictions; intervals from 1,000 bootstrap resamples of deals. "
        "With few deals the intervals are wide: read them before the point estimates.",
    }
    final = candidates[chosen]().fit(dataset.X.to_numpy(), y)
    card: dict[str, Any] = {
        "kind": "walkaway deal model",
        "estimator": chosen,
        "features": list(FEATURES),
        "target": "P(lost) as of each deal's cut-off; score = 100 x P(lost)",
        "data": {
            "deals_file": str(Path(deals_path).name),
            "deals_sha256": _hash_file(Path(deals_path)),
            "messages": len(corpus.messages),
            "message_ids_sha256": hashlib.sha256(
                "\n".join(sorted(m.id for m in corpus.messages)).encode()
            ).hexdigest(),
            "prospects": sorted(v.prospect for v in dataset.views),
        },
        "metrics": metrics,
        "code_version": {"walkaway": __version__},
        "library_versions": _versions(),
        "rebuild": "walkaway train PATH... --deals DEALS.csv --out MODEL_DIR",
    }
    model_step = final.named_steps["model"] if hasattr(final, "named_steps") else None
    if model_step is not None and hasattr(model_step, "coef_"):
        card["coefficients"] = {
            name: round(float(c), 4) for name, c in zip(FEATURES, model_step.coef_[0], strict=True)
        }
        card["intercept"] = round(float(model_step.intercept_[0]), 4)
    model = DealModel(pipeline=final, card=card)
    if out is not None:
        model.save(out)
        (Path(out) / "MODEL_CARD.md").write_text(render_model_card(card), "utf-8")
    return TrainResult(model=model, metrics=metrics, deals=dataset)


def render_model_card(card: dict[str, Any]) -> str:
    metrics = card["metrics"]
    lines = [
        "# walkaway deal model",
        "",
        f"Estimator: **{card['estimator']}** over {len(card['features'])} prospect features "
        "(timing, contacts, language counts, and the rule prior's score). "
        f"{card['target']}.",
        "",
        f"Trained on {metrics['deals']['used']} deals ({metrics['deals']['won']} won, "
        f"{metrics['deals']['lost']} lost), horizon {metrics['horizon_days']} days; "
        f"deals file sha256 `{card['data']['deals_sha256'][:16]}…`, "
        f"{card['data']['messages']} messages.",
        "",
        f"## Cross-validation ({metrics['cross_validation']['folds']} folds grouped by prospect)",
        "",
        "| | ROC-AUC | PR-AUC | Brier |",
        "|---|---|---|---|",
    ]
    for label, key in (("model", "model_cv"), ("rule prior", "rule_prior_cv")):
        m = metrics[key]
        lines.append(f"| {label} | {m['roc_auc']} | {m['pr_auc']} | {m['brier']} |")
    lines += ["", "95% bootstrap intervals:", ""]
    for name, by_metric in metrics["intervals_95"].items():
        lines.append(f"- {name}: " + ", ".join(f"{k} {v}" for k, v in by_metric.items()))
    if "coefficients" in card:
        lines += ["", "## Coefficients (standardized features; + pushes towards lost)", ""]
        ranked = sorted(card["coefficients"].items(), key=lambda kv: -abs(kv[1]))
        lines += [f"- `{name}`: {value:+.3f}" for name, value in ranked]
    lines += [
        "",
        "Versions: " + ", ".join(f"{k} {v}" for k, v in card["library_versions"].items()),
        "",
    ]
    return "\n".join(lines)


# --- evaluation -----------------------------------------------------------------------------


def _score_view(view: DealView, model: DealModel | None, rules: RuleSet) -> ProspectScore:
    if model is None:
        return view.prior
    return model_scores(model, view.features, list(view.signals), rules)[view.prospect]


def lead_time(
    corpus: Corpus,
    view: DealView,
    model: DealModel | None,
    rules: RuleSet,
    step_days: int = 7,
) -> tuple[datetime | None, list[tuple[datetime, float]]]:
    """When the deal's weekly trajectory first said walk_away (or None), and the trajectory."""
    timeline = corpus.timelines[view.prospect]
    first = timeline.events[0].date
    cutoff = view.as_of + timedelta(microseconds=1)
    crossed = None
    path: list[tuple[datetime, float]] = []
    for moment in weekly_points(first, view.as_of, step_days, limit=104):
        point = deal_view(
            corpus,
            view.prospect,
            view.outcome,
            min(moment + timedelta(microseconds=1), cutoff),
            rules,
        )
        if point is None:
            continue
        score = _score_view(point, model, rules)
        path.append((moment, score.score))
        if crossed is None and score.recommendation == "walk_away":
            crossed = moment
    return crossed, path


def evaluate(
    paths: Sequence[str | Path],
    deals_path: str | Path,
    *,
    model: str | Path | None = None,
    horizon_days: float = 0.0,
    out: str | Path | None = None,
    our_domains: Iterable[str] = (),
    me: Iterable[str] = (),
    rules: RuleSet | None = None,
    corpus: Corpus | None = None,
    seed: int = 0,
) -> dict[str, Any]:
    """Backtest a model (or the rule prior) on labeled deals, each as of its cut-off."""
    from walkaway.report.tables import write_csv, write_json
    from walkaway.scoring.model import load_model

    rules = rules or load_rules()
    deal_model = load_model(model) if model is not None else None
    deals = load_deals(deals_path)
    corpus = corpus or read_corpus(paths, our_domains, me)
    dataset = deal_set(corpus, deals, horizon_days, rules)
    if not dataset.views:
        raise UsageError(
            "no labeled deal could be evaluated: "
            + "; ".join(f"{p}: {why}" for p, why in list(dataset.skipped.items())[:5])
            or "deals.csv has no won/lost rows"
        )
    y = dataset.y
    scores = [_score_view(v, deal_model, rules) for v in dataset.views]
    probability = np.array([s.score for s in scores]) / 100.0
    prior = dataset.prior_scores / 100.0
    scored = {"model": probability, "rule_prior": prior} if deal_model else {"rule_prior": prior}
    leads: list[float] = []
    false_walk_away = 0
    rows = []
    for view, score in zip(dataset.views, scores, strict=True):
        crossed, _ = lead_time(corpus, view, deal_model, rules)
        if view.outcome == "lost" and crossed is not None:
            leads.append((view.as_of - crossed).total_seconds() / 86400.0)
        if view.outcome == "won" and crossed is not None:
            false_walk_away += 1
        rows.append(
            {
                "prospect": view.prospect,
                "as_of": view.as_of,
                "outcome": view.outcome,
                "score": score.score,
                "band": score.band,
                "recommendation": score.recommendation,
                "reasons": ";".join(r.code for r in score.reasons if r.contribution > 0),
                "prior_score": view.prior.score,
                "first_walk_away": crossed,
            }
        )
    n_lost, n_won = int((y == 1).sum()), int((y == 0).sum())
    in_sample = (
        sorted(
            set(deal_model.card.get("data", {}).get("prospects", []))
            & {v.prospect for v in dataset.views}
        )
        if deal_model
        else []
    )
    metrics: dict[str, Any] = {
        "deals": {"used": len(y), "won": n_won, "lost": n_lost, "skipped": dataset.skipped},
        "horizon_days": horizon_days,
        "scorer": "model" if deal_model else "rule_prior",
        "metrics": {name: _round(binary_metrics(y, values)) for name, values in scored.items()},
        "calibration": {name: calibration(y, values) for name, values in scored.items()},
        "intervals_95": bootstrap(y, scored, seed=seed),
        "walk_away": {
            "lost_deals_flagged": len(leads),
            "lost_deals": n_lost,
            "median_lead_days": round(float(np.median(leads)), 1) if leads else None,
            "lead_days": [round(x, 1) for x in sorted(leads)],
            "false_walk_away_rate_won": round(false_walk_away / n_won, 3) if n_won else None,
        },
        "in_sample_deals": in_sample,
    }
    if in_sample:
        metrics["warning"] = (
            f"{len(in_sample)} of these deals were used to train the model: their scores are "
            "in-sample and flatter it; use the cross-validated figures in its model card"
        )
    if out is not None:
        folder = Path(out)
        folder.mkdir(parents=True, exist_ok=True)
        write_json(metrics, folder / "metrics.json")
        write_csv(pd.DataFrame(rows), folder / "predictions.csv")
    metrics["predictions"] = rows
    return metrics
