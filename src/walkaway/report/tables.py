"""Writing ``analyze`` results to an output folder, exactly as the CLI contract lists them."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable
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


def _json(value: object, depth: int = 0) -> str:
    """``value`` as in :func:`write_json`, for a place ``depth`` levels deep."""
    text = json.dumps(value, indent=2, ensure_ascii=False, sort_keys=False, default=str)
    return text.replace("\n", "\n" + "  " * depth) if depth else text


def write_json_streamed(
    head: dict[str, object], key: str, items: Iterable[object], path: Path
) -> None:
    """Write ``{**head, key: list(items)}`` exactly as :func:`write_json` would, taking
    ``items`` one at a time (JSON strings hold no raw newline, so nesting is indentation)."""

    def write(tmp: Path) -> None:
        with tmp.open("w", encoding="utf-8") as file:
            file.write("{\n")
            for name, value in head.items():
                file.write(f"  {_json(name)}: {_json(value, 1)},\n")
            file.write(f"  {_json(key)}: ")
            opened = False
            for item in items:
                file.write(",\n    " if opened else "[\n    ")
                file.write(_json(item, 2))
                opened = True
            file.write("\n  ]\n}\n" if opened else "[]\n}\n")

    _atomic_write(path, write)


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
    _atomic_write(paths["messages"], result.write_messages)
    _atomic_write(paths["threads"], result.write_threads)
    write_csv(result.quarantine, paths["quarantine"])
    write_json(result.summary, paths["summary"])
    from walkaway.analysis import explained_prospects, explanations_head

    write_json_streamed(
        explanations_head(result), "prospects", explained_prospects(result), paths["scores"]
    )
    return paths
