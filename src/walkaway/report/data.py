"""Reading an ``analyze`` output folder back: the only input of the reports.

``walkaway report DIR`` re-renders from these files alone, so everything a report shows must
be recoverable from them: the prospect table, the fired signals with their evidence, the
parsed messages and threads, the summary, and ``scores.json`` (reasons with contributions,
weekly trajectories, features).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pandas as pd

from walkaway.errors import UsageError

REQUIRED_FILES = (
    "prospects.csv",
    "signals.csv",
    "messages.parquet",
    "threads.parquet",
    "summary.json",
    "scores.json",
)


@dataclass(frozen=True)
class OutputFolder:
    """The tables of one analyze output folder, as read from disk.

    CSV columns are kept as the strings that were written (no NaN, no silent type guesses),
    so a redacted copy can be written back byte-compatible with :mod:`walkaway.report.tables`.
    """

    path: Path
    prospects: pd.DataFrame
    signals: pd.DataFrame
    messages: pd.DataFrame
    threads: pd.DataFrame
    quarantine: pd.DataFrame
    summary: dict[str, Any]
    scores: dict[str, Any]

    def with_tables(self, **changes: Any) -> OutputFolder:
        """A copy with some tables replaced (stages never mutate their inputs)."""
        return replace(self, **changes)

    @property
    def redacted(self) -> bool:
        return bool(self.summary.get("redacted"))


def _read_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False)


def load_output(out_dir: str | Path) -> OutputFolder:
    """Read an analyze output folder; a missing or unreadable file is a usage error that
    names the file and says how to produce it."""
    folder = Path(out_dir)
    if not folder.is_dir():
        raise UsageError(f"no such folder: {folder}")
    missing = [name for name in REQUIRED_FILES if not (folder / name).is_file()]
    if missing:
        raise UsageError(
            f"{folder} is not a complete analyze output folder (missing {', '.join(missing)}); "
            "run `walkaway analyze PATH --out DIR` first"
        )
    try:
        prospects = _read_csv(folder / "prospects.csv")
        signals = _read_csv(folder / "signals.csv")
        quarantine_path = folder / "quarantine.csv"
        quarantine = (
            _read_csv(quarantine_path)
            if quarantine_path.is_file()
            else pd.DataFrame(columns=["source", "location", "reason", "detail"])
        )
        messages = pd.read_parquet(folder / "messages.parquet")
        threads = pd.read_parquet(folder / "threads.parquet")
        summary = json.loads((folder / "summary.json").read_text("utf-8"))
        scores = json.loads((folder / "scores.json").read_text("utf-8"))
    except (OSError, ValueError) as error:
        raise UsageError(f"{folder}: cannot read the analyze output: {error}") from error
    if not isinstance(scores, dict) or not isinstance(scores.get("prospects"), list):
        raise UsageError(f"{folder / 'scores.json'}: no 'prospects' list; re-run analyze")
    return OutputFolder(
        path=folder,
        prospects=prospects,
        signals=signals,
        messages=messages,
        threads=threads,
        quarantine=quarantine,
        summary=summary if isinstance(summary, dict) else {},
        scores=scores,
    )
