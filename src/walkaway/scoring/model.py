"""A model trained on a team's own won/lost deals, stored safely, used like the rule prior.

The default estimator is deliberately plain: median imputation, standardization and an
L2-regularized logistic regression over a fixed list of prospect features, with the rule
prior's score among them. With a few dozen deals, anything richer overfits; its
coefficients read as "this feature pushes towards lost". The score is 100 x P(lost).
Reasons are the fired signals ranked by how much their features pushed this prospect's
log-odds up (positive signals: down).
"""

from __future__ import annotations

import json
import zipfile
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from walkaway.errors import ModelError
from walkaway.safeload import load_skops
from walkaway.scoring.rules import RuleSet, recommend, score_prospect
from walkaway.types import ProspectScore, Reason, Signal

ARTIFACT = "model.skops"
CARD = "card.json"

# The features a deal model sees, in order. Counts and durations from the timing, contact and
# language stages, plus the rule prior's own score.
FEATURES: tuple[str, ...] = (
    "rule_score",
    "n_messages",
    "n_inbound",
    "n_outbound",
    "n_auto_replies",
    "n_bounces",
    "median_latency_hours",
    "latest_latency_hours",
    "latency_trend",
    "unanswered_streak",
    "silence_ratio",
    "days_since_prospect_reply",
    "reply_length_ratio",
    "n_contacts_writing",
    "max_seniority_rank",
    "n_vague_replies",
    "n_price_only_replies",
    "price_share",
    "n_deferrals",
    "n_missed_meetings",
    "n_value_unclear",
    "n_unrealistic",
    "n_no_authority",
    "n_questions_dodged",
    "n_questions_answered",
    "declined",
)

# Which reason code a feature speaks for, so model contributions read as reasons.
FEATURE_REASONS: dict[str, str] = {
    "silence_ratio": "radio_silence",
    "days_since_prospect_reply": "radio_silence",
    "latest_latency_hours": "slowing_replies",
    "latency_trend": "slowing_replies",
    "reply_length_ratio": "slowing_replies",
    "unanswered_streak": "unanswered_followups",
    "n_auto_replies": "auto_reply_only",
    "n_bounces": "champion_left",
    "n_vague_replies": "vague",
    "n_price_only_replies": "price_only",
    "price_share": "price_only",
    "n_deferrals": "repeated_deferral",
    "n_missed_meetings": "missed_meetings",
    "n_value_unclear": "value_unclear",
    "n_unrealistic": "unrealistic_expectations",
    "n_no_authority": "no_decision_maker",
    "n_questions_dodged": "dodged_questions",
    "declined": "declined",
    "n_contacts_writing": "multithreaded",
    "max_seniority_rank": "exec_engaged",
}

TRUSTED_TYPES: tuple[str, ...] = (
    "sklearn.pipeline.Pipeline",
    "sklearn.impute._base.SimpleImputer",
    "sklearn.preprocessing._data.StandardScaler",
    "sklearn.linear_model._logistic.LogisticRegression",
    "sklearn.ensemble._hist_gradient_boosting.gradient_boosting.HistGradientBoostingClassifier",
)


def build_estimator(*, C: float = 0.3, random_state: int = 0) -> Any:
    """Impute, standardize, L2 logistic regression (strongly regularized: deals are few)."""
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    return Pipeline(
        [
            ("impute", SimpleImputer(strategy="median", keep_empty_features=True)),
            ("scale", StandardScaler()),
            ("model", LogisticRegression(C=C, max_iter=5000, random_state=random_state)),
        ]
    )


def feature_matrix(table: pd.DataFrame, rule_scores: dict[str, float]) -> pd.DataFrame:
    """The model's input: one row per prospect of a feature table, columns in FEATURES order."""
    frame = pd.DataFrame(index=table.index)
    for name in FEATURES:
        if name == "rule_score":
            frame[name] = [rule_scores.get(p, np.nan) for p in table["prospect"]]
        elif name in table.columns:
            frame[name] = pd.to_numeric(table[name], errors="coerce")
        else:
            frame[name] = np.nan
    return frame.astype(float)


@dataclass(frozen=True)
class DealModel:
    pipeline: Any
    card: dict[str, Any]

    def predict_lost(self, X: pd.DataFrame) -> np.ndarray:
        return np.asarray(self.pipeline.predict_proba(X[list(FEATURES)].to_numpy())[:, 1])

    def contributions(self, X: pd.DataFrame) -> np.ndarray | None:
        """Per-feature log-odds contributions (linear models only), one row per prospect."""
        model = self.pipeline.named_steps["model"]
        if not hasattr(model, "coef_"):
            return None
        prepared = self.pipeline[:-1].transform(X[list(FEATURES)].to_numpy())
        return np.asarray(prepared * model.coef_[0])

    def save(self, folder: str | Path) -> None:
        import skops.io as sio

        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        sio.dump(
            self.pipeline, folder / ARTIFACT, compression=zipfile.ZIP_DEFLATED, compresslevel=9
        )
        (folder / CARD).write_text(json.dumps(self.card, indent=2, sort_keys=True) + "\n", "utf-8")


def load_model(folder: str | Path) -> DealModel:
    """Load a model folder from ``walkaway train``, refusing any type outside the allow-list."""
    folder = Path(folder)
    if not (folder / ARTIFACT).is_file() or not (folder / CARD).is_file():
        raise ModelError(
            f"--model {folder}: not a walkaway model folder (expected {ARTIFACT} and {CARD}, "
            "as written by `walkaway train`)"
        )
    try:
        card = json.loads((folder / CARD).read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ModelError(f"--model {folder}: {CARD} is not readable JSON ({error})") from error
    if not isinstance(card, dict):
        raise ModelError(f"--model {folder}: {CARD} is not a model card (expected a JSON object)")
    features = card.get("features")
    if not isinstance(features, list) or tuple(features) != FEATURES:
        raise ModelError(
            f"--model {folder}: trained on other features than this walkaway version uses; "
            "retrain it with `walkaway train`"
        )
    pipeline = load_skops(folder / ARTIFACT, TRUSTED_TYPES)
    try:
        # A file of trusted types can still hold a broken or unfitted estimator: find out
        # now, with one empty row, rather than halfway through scoring.
        pipeline.predict_proba(np.full((1, len(FEATURES)), np.nan))
    except Exception as error:
        raise ModelError(
            f"--model {folder}: {ARTIFACT} does not hold a usable deal model "
            f"({type(error).__name__}: {error}); retrain it with `walkaway train`"
        ) from error
    return DealModel(pipeline=pipeline, card=card)


def model_scores(
    model: DealModel, table: pd.DataFrame, signals: Sequence[Signal], rules: RuleSet
) -> dict[str, ProspectScore]:
    """Score prospects with a trained model; reasons from fired signals, ranked by the model."""
    by_prospect: dict[str, list[Signal]] = defaultdict(list)
    for signal in signals:
        by_prospect[signal.prospect].append(signal)
    prior = {p: score_prospect(p, by_prospect.get(p, []), rules) for p in table["prospect"]}
    X = feature_matrix(table, {p: s.score for p, s in prior.items()})
    lost = model.predict_lost(X)
    contributions = model.contributions(X)
    scores: dict[str, ProspectScore] = {}
    for i, prospect in enumerate(table["prospect"]):
        fired = {s.signal for s in by_prospect.get(prospect, [])}
        weight: dict[str, float] = defaultdict(float)
        if contributions is not None:
            for j, name in enumerate(FEATURES):
                code = FEATURE_REASONS.get(name)
                if code is not None:
                    weight[code] += float(contributions[i, j])
        reasons = []
        for reason in prior[prospect].reasons:
            value = (
                weight.get(reason.code, 0.0) if contributions is not None else reason.contribution
            )
            reasons.append(
                Reason(reason.code, round(value, 2), reason.detail + " (model log-odds)")
            )
        for code in sorted(fired - {r.code for r in reasons}):
            reasons.append(Reason(code, round(weight.get(code, 0.0), 2), "(model log-odds)"))
        reasons.sort(key=lambda r: (-abs(r.contribution), r.code))
        score = round(100.0 * float(lost[i]), 1)
        scores[prospect] = ProspectScore(
            prospect=prospect,
            score=score,
            band=rules.band(score),
            recommendation=recommend(score, prior[prospect].reasons, rules),
            reasons=tuple(reasons),
        )
    return scores


def model_scorer(model: DealModel, rules: RuleSet):  # type: ignore[no-untyped-def]
    """A scorer (feature table, signals) -> scores backed by a trained model."""

    def score(table, signals):  # type: ignore[no-untyped-def]
        return model_scores(model, table, signals, rules)

    return score
