"""Training and backtests on labeled deals: deals.csv validation, no leakage past the
cut-off, and simulate -> train -> evaluate end to end."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pandas as pd
import pytest

from walkaway.analysis import read_corpus
from walkaway.errors import ConfigError, UsageError
from walkaway.scoring.rules import load_rules
from walkaway.simulate import simulate
from walkaway.train import deal_view, evaluate, load_deals, train

RULES = load_rules()


@pytest.fixture(scope="module")
def sim(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("sim")
    simulate(folder, prospects=30, seed=21, jobs=1)
    return folder


@pytest.fixture(scope="module")
def corpus(sim: Path):
    return read_corpus([sim / "inbox.mbox"])


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "deals.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_load_deals_keeps_won_and_lost_and_ignores_others(tmp_path: Path):
    deals = load_deals(
        write(
            tmp_path,
            "prospect,outcome,closed_at\nacme.com,won,2026-10-01\n"
            "Beta.IO,lost,\ngamma.com,open,\njane@gmail.com,lost,2026-09-01\n",
        )
    )
    assert list(deals["prospect"]) == ["acme.com", "beta.io", "jane@gmail.com"]
    assert deals.loc[0, "closed_at"].isoformat() == "2026-10-01T00:00:00+00:00"
    assert pd.isna(deals.loc[1, "closed_at"])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("prospect,result\nacme.com,won\n", r"row 1: missing column 'outcome'"),
        ("prospect,outcome\n,won\n", r"row 2, column 'prospect': empty"),
        ("prospect,outcome,closed_at\nacme.com,won,soon\n", r"row 2, column 'closed_at': 'soon'"),
        ("prospect,outcome\nacme.com,won\nacme.com,lost\n", r"row 3, column 'outcome'.*row 2"),
    ],
)
def test_load_deals_errors_name_row_and_column(tmp_path: Path, text: str, message: str):
    with pytest.raises(ConfigError, match=message):
        load_deals(write(tmp_path, text))


def test_a_message_after_the_cut_off_changes_nothing(sim: Path, corpus, tmp_path: Path):
    deals = load_deals(sim / "deals.csv")
    deal = deals.dropna(subset=["closed_at"]).iloc[0]
    cutoff = deal["closed_at"]
    before = deal_view(corpus, deal["prospect"], deal["outcome"], cutoff, RULES)
    assert before is not None
    # A reply from the prospect written exactly at the cut-off, in an existing conversation,
    # with a title that would make them an executive and words that would fire signals.
    timeline = corpus.timelines[deal["prospect"]]
    last_in = next(e for e in reversed(timeline.events) if e.direction in {"in", "out"})
    person = next(e.message.sender for e in timeline.events if e.direction == "in")
    message_id = last_in.message.message_id
    late = (
        f"From: {person.name} <{person.email}>\nTo: x@lumora.io\n"
        f"Subject: Re: {last_in.message.subject}\n"
        f"Date: {cutoff.strftime('%a, %d %b %Y %H:%M:%S +0000')}\n"
        f"Message-ID: <late-leak-test@{person.email.split('@')[1]}>\n"
        f"In-Reply-To: <{message_id}>\nReferences: <{message_id}>\n\n"
        "Sorry I missed our call. We'll revisit next quarter, not my call.\n\n"
        f"{person.name}\nChief Executive Officer\n"
    )
    export = tmp_path / "export"
    export.mkdir()
    shutil.copy(sim / "inbox.mbox", export / "inbox.mbox")
    (export / "late.eml").write_text(late, encoding="utf-8")
    after_corpus = read_corpus([export])
    assert len(after_corpus.messages) == len(corpus.messages) + 1
    after = deal_view(after_corpus, deal["prospect"], deal["outcome"], cutoff, RULES)
    assert after is not None
    pd.testing.assert_frame_equal(before.features, after.features)
    assert before.signals == after.signals
    assert before.prior == after.prior
    # ... while a cut-off one day later sees it.
    later = cutoff + timedelta(days=1)
    seen = deal_view(after_corpus, deal["prospect"], deal["outcome"], later, RULES)
    unseen = deal_view(corpus, deal["prospect"], deal["outcome"], later, RULES)
    assert seen is not None and unseen is not None
    assert seen.features["n_messages"].iloc[0] == unseen.features["n_messages"].iloc[0] + 1


def test_train_and_evaluate_report_model_and_prior_with_intervals(
    sim: Path, corpus, tmp_path: Path
):
    result = train([], sim / "deals.csv", tmp_path / "model", corpus=corpus)
    metrics = result.metrics
    assert metrics["deals"]["used"] >= 20
    for key in ("model_cv", "rule_prior_cv"):
        assert set(metrics[key]) >= {"roc_auc", "pr_auc", "brier", "calibration"}
    assert set(metrics["intervals_95"]) == {"model", "rule_prior", "difference"}
    low, high = metrics["intervals_95"]["model"]["roc_auc"]
    assert 0 <= low <= metrics["model_cv"]["roc_auc"] <= high <= 1
    card = json.loads((tmp_path / "model" / "card.json").read_text())
    assert card["features"] and card["data"]["deals_sha256"] and card["library_versions"]
    assert (tmp_path / "model" / "MODEL_CARD.md").is_file()

    report = evaluate(
        [],
        sim / "deals.csv",
        model=tmp_path / "model",
        out=tmp_path / "eval",
        corpus=corpus,
        horizon_days=7,
    )
    assert set(report["metrics"]) == {"model", "rule_prior"}
    assert report["in_sample_deals"] and "warning" in report
    predictions = pd.read_csv(tmp_path / "eval" / "predictions.csv")
    assert list(predictions.columns[:7]) == [
        "prospect",
        "as_of",
        "outcome",
        "score",
        "band",
        "recommendation",
        "reasons",
    ]
    assert len(predictions) == report["deals"]["used"]
    assert (
        json.loads((tmp_path / "eval" / "metrics.json").read_text())["walk_away"]["lost_deals"] > 0
    )


def test_training_refuses_too_few_deals(sim: Path, corpus, tmp_path: Path):
    few = load_deals(sim / "deals.csv").head(4)
    path = tmp_path / "few.csv"
    few[["prospect", "outcome"]].to_csv(path, index=False)
    with pytest.raises(UsageError, match="at least"):
        train([], path, None, corpus=corpus)


def test_models_load_without_pickle_and_refuse_foreign_files(tmp_path: Path):
    from walkaway.errors import ModelError
    from walkaway.scoring.model import load_model

    with pytest.raises(ModelError, match="not a walkaway model folder"):
        load_model(tmp_path)


@pytest.mark.slow
def test_simulate_train_evaluate_from_the_command_line(tmp_path: Path):
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "walkaway", *args], capture_output=True, text=True, timeout=600
        )

    sim = tmp_path / "sim"
    assert run("simulate", "--prospects", "24", "--seed", "2", "--out", str(sim)).returncode == 0
    trained = run(
        "train",
        str(sim / "inbox.mbox"),
        "--deals",
        str(sim / "deals.csv"),
        "--out",
        str(tmp_path / "m"),
    )
    assert trained.returncode == 0, trained.stderr
    assert "rule prior" in trained.stdout and "ROC-AUC" in trained.stdout
    evaluated = run(
        "evaluate",
        str(sim / "inbox.mbox"),
        "--deals",
        str(sim / "deals.csv"),
        "--out",
        str(tmp_path / "e"),
    )
    assert evaluated.returncode == 0, evaluated.stderr
    assert "walk_away reached" in evaluated.stdout
    analyzed = run(
        "analyze",
        str(sim / "inbox.mbox"),
        "--out",
        str(tmp_path / "a"),
        "--model",
        str(tmp_path / "m"),
        "--no-report",
    )
    assert analyzed.returncode == 0, analyzed.stderr
    assert json.loads((tmp_path / "a" / "summary.json").read_text())["scoring"]["kind"] == "model"
