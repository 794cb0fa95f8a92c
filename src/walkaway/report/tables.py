"""Writing ``analyze`` results to an output folder, exactly as the CLI contract lists them."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from walkaway.analysis import AnalysisResult

CSV_DATE_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def _csv_ready(table: pd.DataFrame) -> pd.DataFrame:
    """Dates as ISO 8601 UTC strings, so CSVs read the same everywhere and diff cleanly."""
    table = table.copy()
    for column in table.columns:
        series = table[column]
        if pd.api.types.is_datetime64_any_dtype(series) or (
            series.dtype == object and series.map(lambda v: hasattr(v, "tzinfo")).any()
        ):
            table[column] = pd.to_datetime(series, utc=True).dt.strftime(CSV_DATE_FORMAT)
    return table


def _atomic_write(path: Path, write) -> None:  # type: ignore[no-untyped-def]
    """Write through a temporary file and rename, so an interrupted run leaves no half file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_csv(table: pd.DataFrame, path: Path) -> None:
    _atomic_write(path, lambda tmp: _csv_ready(table).to_csv(tmp, index=False, lineterminator="\n"))


def write_parquet(table: pd.DataFrame, path: Path) -> None:
    _atomic_write(path, lambda tmp: table.to_parquet(tmp, index=False))


def write_json(data: object, path: Path) -> None:
    _atomic_write(
        path,
        lambda tmp: tmp.write_text(
            json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False, default=str) + "\n",
            encoding="utf-8",
        ),
    )


TABLE_FILES = {
    "prospects": "prospects.csv",
    "signals": "signals.csv",
    "messages": "messages.parquet",
    "threads": "threads.parquet",
    "quarantine": "quarantine.csv",
    "summary": "summary.json",
    "scores": "scores.json",
}
"""The tables of an analyze output folder, by name."""


def table_paths(out_dir: str | Path) -> dict[str, Path]:
    """The path of every table of :data:`TABLE_FILES` in ``out_dir``."""
    return {name: Path(out_dir) / file for name, file in TABLE_FILES.items()}


def write_tables(result: AnalysisResult, out_dir: str | Path) -> dict[str, Path]:
    """Write prospects.csv, signals.csv, messages.parquet, threads.parquet, quarantine.csv,
    summary.json and scores.json (reasons with contributions, weekly trajectories); return
    their paths by name."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = table_paths(out)
    write_csv(result.prospects, paths["prospects"])
    write_csv(result.signals, paths["signals"])
    write_parquet(result.messages, paths["messages"])
    write_parquet(result.threads, paths["threads"])
    write_csv(result.quarantine, paths["quarantine"])
    write_json(result.summary, paths["summary"])
    from walkaway.analysis import explanations

    write_json(explanations(result), paths["scores"])
    return paths
