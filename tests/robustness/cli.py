"""Running the ``walkaway`` command in a subprocess, as users do."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def walkaway(
    *args: str | Path,
    env: dict[str, str] | None = None,
    prefix: tuple[str, ...] = (),
    cwd: Path | None = None,
    timeout: float = 600,
) -> subprocess.CompletedProcess[str]:
    """``python -m walkaway ARGS`` with this interpreter; ``prefix`` wraps the command
    (``unshare -n`` ...), ``env`` adds variables to the current environment."""
    command = [*prefix, sys.executable, "-m", "walkaway", *map(str, args)]
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        command, capture_output=True, text=True, env=full_env, cwd=cwd, timeout=timeout
    )


def assert_clean_run(result: subprocess.CompletedProcess[str]) -> None:
    """Exit 0 and no traceback anywhere in the output."""
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    assert "Traceback" not in output, output[-3000:]


def assert_exact_accounting(out: Path) -> dict[str, object]:
    """summary.json adds up and quarantine.csv lists every quarantined item; the summary."""
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    assert summary["inputs"] == summary["parsed"] + summary["duplicates"] + summary["quarantined"]
    with (out / "quarantine.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == summary["quarantined"]
    assert all(row["reason"] for row in rows)
    reasons: dict[str, int] = {}
    for row in rows:
        reasons[row["reason"]] = reasons.get(row["reason"], 0) + 1
    assert reasons == summary["quarantine_reasons"]
    return summary
