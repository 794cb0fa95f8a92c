"""The command-line contract: files written, columns, exit codes, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import SAMPLES

WALKAWAY = [sys.executable, "-m", "walkaway.cli"]

MBOX = b"""From dana@lumora.io Mon Aug  3 09:00:00 2026
From: Dana Whitfield <dana@lumora.io>
To: Jane Doe <jane@acme.com>
Subject: Pilot proposal
Date: Mon, 03 Aug 2026 09:00:00 +0000
Message-ID: <a1@lumora.io>
Delivered-To: dana@lumora.io

Hi Jane, here is the proposal. When could we start?

From jane@acme.com Mon Aug  3 13:00:00 2026
From: Jane Doe <jane@acme.com>
To: Dana Whitfield <dana@lumora.io>
Subject: Re: Pilot proposal
Date: Mon, 03 Aug 2026 13:00:00 +0000
Message-ID: <b1@acme.com>
In-Reply-To: <a1@lumora.io>
References: <a1@lumora.io>
Delivered-To: dana@lumora.io

Thanks Dana, looks good. Let's talk Thursday.

From dana@lumora.io Mon Aug 10 09:00:00 2026
From: Dana Whitfield <dana@lumora.io>
To: Jane Doe <jane@acme.com>
Subject: Re: Pilot proposal
Date: Mon, 10 Aug 2026 09:00:00 +0000
Message-ID: <a2@lumora.io>
In-Reply-To: <b1@acme.com>
References: <a1@lumora.io> <b1@acme.com>

Any news?

"""


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*WALKAWAY, *args], capture_output=True, text=True, cwd=cwd, timeout=300)


@pytest.fixture
def small_export(tmp_path: Path) -> Path:
    path = tmp_path / "inbox"  # no extension: the format is recognised from content
    path.write_bytes(MBOX)
    return path


def test_analyze_writes_every_contract_file(small_export: Path, tmp_path: Path):
    out = tmp_path / "out"
    result = run("analyze", str(small_export), "--out", str(out), "--our-domain", "lumora.io")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    for name in (
        "prospects.csv",
        "signals.csv",
        "messages.parquet",
        "threads.parquet",
        "quarantine.csv",
        "summary.json",
    ):
        assert (out / name).is_file(), name
    prospects = pd.read_csv(out / "prospects.csv")
    assert list(prospects.columns[:11]) == [
        "prospect",
        "name",
        "score",
        "band",
        "recommendation",
        "reasons",
        "n_messages",
        "n_threads",
        "first_contact",
        "last_contact",
        "last_prospect_reply",
    ]
    row = prospects.iloc[0]
    assert row["prospect"] == "acme.com"
    assert row["n_messages"] == 3 and row["n_threads"] == 1
    assert row["recommendation"] in {"walk_away", "escalate", "re_engage", "keep_going"}
    assert 0 <= row["score"] <= 100
    assert row["last_prospect_reply"] == "2026-08-03T13:00:00Z"
    signals = pd.read_csv(out / "signals.csv")
    assert list(signals.columns) == ["prospect", "signal", "message_id", "date", "evidence"]
    assert list(pd.read_csv(out / "quarantine.csv").columns)[:3] == ["source", "location", "reason"]
    summary = json.loads((out / "summary.json").read_text())
    for key in (
        "inputs",
        "parsed",
        "duplicates",
        "quarantined",
        "auto_replies",
        "bounces",
        "threads",
        "prospects",
        "own_side",
        "as_of",
        "versions",
        "timings",
    ):
        assert key in summary, key
    assert summary["inputs"] == summary["parsed"] + summary["duplicates"] + summary["quarantined"]
    assert summary["as_of"] == "2026-08-10T09:00:00+00:00"
    messages = pd.read_parquet(out / "messages.parquet")
    assert len(messages) == 3 and messages["thread_id"].nunique() == 1
    index = out / "report" / "index.html"
    assert index.is_file()
    assert f"Report: {index}" in result.stdout
    page = out / "report" / "prospects" / "acme.com.html"
    for suffix in (".html", ".md", ".json"):
        assert page.with_suffix(suffix).is_file(), suffix


def test_no_report_skips_the_pages_and_report_renders_them_later(
    small_export: Path, tmp_path: Path
):
    out = tmp_path / "out"
    result = run("analyze", str(small_export), "--out", str(out), "--no-report")
    assert result.returncode == 0, result.stderr
    assert not (out / "report").exists()
    result = run("report", str(out))
    assert result.returncode == 0, result.stderr
    assert (out / "report" / "index.html").is_file()
    assert "Jane Doe" in (out / "report" / "prospects" / "acme.com.md").read_text()


def test_report_of_a_folder_that_is_no_analyze_output_is_a_usage_error(tmp_path: Path):
    result = run("report", str(tmp_path))
    assert result.returncode == 2
    assert result.stderr.startswith("walkaway: error:") and "Traceback" not in result.stderr


def test_redact_masks_addresses_and_names_in_tables_and_report(small_export: Path, tmp_path: Path):
    out = tmp_path / "out"
    result = run("analyze", str(small_export), "--out", str(out), "--redact", "--no-cache")
    assert result.returncode == 0, result.stderr
    written = [p for p in out.rglob("*") if p.is_file() and ".walkaway-cache" not in p.parts]
    assert any(p.suffix == ".html" for p in written)
    for path in written:
        if path.suffix in {".csv", ".json", ".html", ".md"}:
            text = path.read_text(encoding="utf-8")
            assert "jane@acme.com" not in text, path
            assert "Jane Doe" not in text, path
    assert json.loads((out / "summary.json").read_text())["redacted"] is True


def test_size_limit_quarantines_with_an_explanation(small_export: Path, tmp_path: Path):
    big = MBOX.split(b"\n\n", 1)[0] + b"\n\n" + b"A long attachment line.\n" * 100 + b"\n"
    big = big.replace(b"<a1@lumora.io>", b"<big@lumora.io>", 1)
    small_export.write_bytes(MBOX + big)
    out = tmp_path / "out"
    result = run(
        "analyze", str(small_export), "--out", str(out), "--max-message-mb", "0.001",
        "--our-domain", "lumora.io",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    quarantine = pd.read_csv(out / "quarantine.csv")
    assert list(quarantine["reason"]) == ["too_large"]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["inputs"] == summary["parsed"] + summary["duplicates"] + summary["quarantined"]
    assert summary["quarantine_summary"]["reasons"][0]["reason"] == "too_large"
    assert "set aside" in result.stderr and "--max-message-mb" in result.stderr
    assert str(out / "quarantine.csv") in result.stderr


def test_bad_limit_is_a_usage_error(small_export: Path, tmp_path: Path):
    result = run("analyze", str(small_export), "--out", str(tmp_path), "--max-message-mb", "0")
    assert result.returncode == 2
    assert "--max-message-mb" in result.stderr and "Traceback" not in result.stderr


def test_analyze_infers_and_prints_the_own_side(small_export: Path, tmp_path: Path):
    result = run("analyze", str(small_export), "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    assert "lumora.io" in result.stderr and "inferred" in result.stderr


def test_as_of_hides_later_messages(small_export: Path, tmp_path: Path):
    out = tmp_path / "out"
    result = run("analyze", str(small_export), "--out", str(out), "--as-of", "2026-08-05")
    assert result.returncode == 0, result.stderr
    prospects = pd.read_csv(out / "prospects.csv")
    assert prospects.loc[0, "n_messages"] == 2


def test_missing_path_is_a_usage_error(tmp_path: Path):
    result = run("analyze", str(tmp_path / "nope.mbox"), "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert "no such file" in result.stderr and "Traceback" not in result.stderr


def test_bad_as_of_is_a_usage_error(small_export: Path, tmp_path: Path):
    result = run("analyze", str(small_export), "--out", str(tmp_path / "o"), "--as-of", "soon")
    assert result.returncode == 2 and "--as-of" in result.stderr


def test_empty_export_exits_1(tmp_path: Path):
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run("analyze", str(empty), "--out", str(tmp_path / "out"))
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0 and "Traceback" not in result.stderr


def test_nothing_usable_exits_1(tmp_path: Path):
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"\x00\x01\x02 not mail at all" * 10)
    result = run("analyze", str(junk), "--out", str(tmp_path / "out"))
    assert result.returncode == 1 and "Traceback" not in result.stderr


def test_unknown_option_is_a_usage_error(tmp_path: Path):
    assert run("analyze", str(tmp_path), "--out", str(tmp_path), "--bogus").returncode == 2


@pytest.mark.skipif(not SAMPLES.is_dir(), reason="data/samples not built")
def test_analyze_runs_on_the_bundled_samples(tmp_path: Path):
    out = tmp_path / "out"
    result = run("analyze", str(SAMPLES), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert len(pd.read_csv(out / "prospects.csv")) >= 8


def test_simulate_writes_synthetic_mbox_and_deals(tmp_path: Path):
    out = tmp_path / "sim"
    result = run("simulate", "--prospects", "5", "--seed", "3", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert (out / "inbox.mbox").is_file() and (out / "deals.csv").is_file()
    assert "Synthetic" in result.stdout


@pytest.mark.corpus
def test_analyze_all_real_emails_exits_0_with_exact_accounting(tmp_path: Path):
    from tests.conftest import corpus_path

    corpus = corpus_path("real-emails")
    out = tmp_path / "out"
    result = run("analyze", str(corpus), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    summary = json.loads((out / "summary.json").read_text())
    assert summary["inputs"] == summary["parsed"] + summary["duplicates"] + summary["quarantined"]
    assert summary["parsed"] > 500
    quarantine = pd.read_csv(out / "quarantine.csv")
    assert len(quarantine) == summary["quarantined"]
    assert quarantine["reason"].notna().all()


def test_engine_options_are_checked_even_when_the_outputs_are_reused(
    small_export: Path, tmp_path: Path
):
    out = tmp_path / "out"
    assert run("analyze", str(small_export), "--out", str(out), "--no-report").returncode == 0
    for bad in (["--jobs", "0"], ["--scheduler", "tcp://127.0.0.1:1"], ["--engine", "spark"]):
        result = run("analyze", str(small_export), "--out", str(out), "--no-report", *bad)
        assert result.returncode == 2, bad
        assert result.stderr.startswith("walkaway: error:") and "Traceback" not in result.stderr
