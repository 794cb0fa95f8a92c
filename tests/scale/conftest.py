"""Shared exports and helpers for the scale tests.

One small synthetic export (``walkaway.simulate``: 12 prospects, about 300 messages) and its
reference outputs, made once per session in this process with no cache and one process: every
cached, resumed, interrupted or distributed run is compared with them.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import walkaway
from walkaway.analysis import AnalysisResult
from walkaway.cli import app
from walkaway.report.tables import write_tables
from walkaway.simulate import simulate

WALKAWAY = [sys.executable, "-m", "walkaway"]

TABLES = (
    "prospects.csv",
    "signals.csv",
    "quarantine.csv",
    "scores.json",
    "messages.parquet",
    "threads.parquet",
)
"""The output files whose bytes must not depend on the cache or the engine."""

# A Gmail Takeout separator as ``walkaway simulate`` writes it: never a body line.
_SEPARATOR = re.compile(rb"^From \d+@xxx ", re.MULTILINE)


def run_cli(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """``walkaway ARGS`` in a new process, as a user runs it."""
    return subprocess.run(
        [*WALKAWAY, *args], capture_output=True, text=True, timeout=timeout, check=False
    )


def invoke(*args: str) -> tuple[int, str]:
    """``walkaway ARGS`` in this process (the language models stay loaded between runs):
    the exit code and what was written to stderr."""
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    return result.exit_code, result.stderr


def table_bytes(out: Path) -> dict[str, bytes]:
    """The bytes of every output table of an analyze folder."""
    return {name: (out / name).read_bytes() for name in TABLES}


def summary(out: Path) -> dict[str, Any]:
    """summary.json of an analyze folder."""
    data: dict[str, Any] = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    return data


def timings(source: Path | AnalysisResult) -> dict[str, Any]:
    """The ``timings`` of a summary (of an analyze folder or a result): wall times, worker
    count, and how many files came from the cache (``cache_hits``) or were resumed
    (``cache_resumed``)."""
    data = summary(source) if isinstance(source, Path) else source.summary
    found: dict[str, Any] = data["timings"]
    return found


def without_timings(data: dict[str, Any]) -> dict[str, Any]:
    """A summary without its wall times and worker count, which differ from run to run."""
    return {key: value for key, value in data.items() if key != "timings"}


def separators(mbox: Path) -> list[int]:
    """Byte offsets of the message separators of a simulated mbox."""
    return [match.start() for match in _SEPARATOR.finditer(mbox.read_bytes())]


@pytest.fixture(scope="session")
def export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic Gmail Takeout mbox (read-only: tests that change it work on a copy)."""
    folder = tmp_path_factory.mktemp("scale-export")
    simulate(folder, prospects=12, seed=7, jobs=1)
    return folder / "inbox.mbox"


@pytest.fixture(scope="session")
def reference_result(export: Path) -> AnalysisResult:
    """``analyze`` of the export in this process, without a cache."""
    return walkaway.analyze([export], jobs=1)


@pytest.fixture(scope="session")
def reference(reference_result: AnalysisResult, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The output tables of :func:`reference_result`, written as ``analyze --out`` does."""
    out = tmp_path_factory.mktemp("scale-reference")
    write_tables(reference_result, out)
    return out
