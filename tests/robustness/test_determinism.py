"""The same input and ``--as-of`` give the same results, byte for byte.

``walkaway analyze --no-cache`` runs three times on the sample exports and on the real-email
corpus, each into its own folder. The second run differs from the first in what must not
matter to one process: the string hash seed (set and dict order of strings), the time zone
and the locale; the third differs in ``--jobs 2`` against ``--jobs 1`` (worker processes
against one process). Every .csv and .json file must be identical byte for byte, the
report's per-prospect JSON and scores.json included; summary.json is identical except its
``timings`` object, which holds measured durations and the number of workers (the output
contract puts them in summary.json), so it is compared with ``timings`` removed. The
Parquet tables must be equal as DataFrames.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import SAMPLES, corpus_path
from tests.robustness.cli import assert_clean_run, walkaway

CACHE_DIR = ".walkaway-cache"

# (name, export, options): --as-of fixed, so nothing depends on the day the test runs.
CORPORA = {
    "samples": (lambda: SAMPLES, ["--as-of", "2026-11-20"]),
    # With our side named, the corpus yields prospects, signals and report pages.
    "real-emails": (
        lambda: corpus_path("real-emails"),
        ["--as-of", "2026-01-01", "--our-domain", "redhat.com"],
    ),
}

RUNS = (
    # (folder, --jobs, environment)
    ("first", "1", {"PYTHONHASHSEED": "1", "TZ": "UTC", "LC_ALL": "C.UTF-8"}),
    ("second", "1", {"PYTHONHASHSEED": "2", "TZ": "Pacific/Chatham", "LC_ALL": "C"}),
    ("workers", "2", {"PYTHONHASHSEED": "3", "TZ": "America/St_Johns"}),
)


def output_files(folder: Path) -> dict[str, Path]:
    """The result files of an analyze folder by relative path (the cache left out)."""
    return {
        path.relative_to(folder).as_posix(): path
        for path in sorted(folder.rglob("*"))
        if path.is_file()
        and path.suffix in {".csv", ".json", ".parquet"}
        and CACHE_DIR not in path.relative_to(folder).parts
    }


def assert_same_outputs(first: Path, second: Path) -> int:
    """Every .csv/.json equal byte for byte (summary.json without ``timings``), every
    .parquet equal as a DataFrame; the number of files compared."""
    left, right = output_files(first), output_files(second)
    assert sorted(left) == sorted(right)
    different: list[str] = []
    for name, path in left.items():
        other = right[name]
        if name == "summary.json":
            a, b = (json.loads(p.read_text("utf-8")) for p in (path, other))
            assert set(a.pop("timings")) == set(b.pop("timings"))
            if a != b:
                different.append(name)
        elif path.suffix == ".parquet":
            try:
                pd.testing.assert_frame_equal(pd.read_parquet(path), pd.read_parquet(other))
            except AssertionError as error:
                different.append(f"{name}: {str(error)[:300]}")
        elif path.read_bytes() != other.read_bytes():
            different.append(name)
    assert different == [], f"{first} and {second} differ in {different}"
    return len(left)


@pytest.mark.slow
@pytest.mark.parametrize(
    "corpus", ["samples", pytest.param("real-emails", marks=pytest.mark.corpus)]
)
def test_two_runs_give_identical_results(corpus: str, tmp_path: Path) -> None:
    export, options = CORPORA[corpus]
    source = export()
    runs = []
    for name, jobs, env in RUNS:
        out = tmp_path / name
        result = walkaway(
            "analyze", source, "--out", out, "--no-cache", "--jobs", jobs, *options, env=env
        )
        assert_clean_run(result)
        runs.append(out)
    compared = assert_same_outputs(runs[0], runs[1])  # another process, same work
    assert assert_same_outputs(runs[0], runs[2]) == compared  # one process against workers
    summary = json.loads((runs[0] / "summary.json").read_text("utf-8"))
    # Not a vacuous comparison: prospects with report pages, and the worker counts differ.
    assert summary["prospects"] > 0
    assert compared >= 7 + summary["prospects"]
    workers = [json.loads((r / "summary.json").read_text("utf-8"))["timings"] for r in runs]
    assert [w["workers"] for w in workers] == [1, 1, 2]


def test_the_comparison_sees_one_changed_byte_but_not_timings(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    for folder, seconds in ((first, 1.5), (second, 2.5)):
        (folder / "report" / "prospects").mkdir(parents=True)
        (folder / "summary.json").write_text(
            json.dumps({"parsed": 3, "timings": {"total_seconds": seconds}}), "utf-8"
        )
        (folder / "prospects.csv").write_text("prospect,score\nacme.com,61.0\n", "utf-8")
        (folder / "report" / "prospects" / "acme.com.json").write_text("{}", "utf-8")
        pd.DataFrame({"id": ["m1", "m2"]}).to_parquet(folder / "messages.parquet")
    assert assert_same_outputs(first, second) == 4
    (second / "report" / "prospects" / "acme.com.json").write_text("{ }", "utf-8")
    with pytest.raises(AssertionError, match=r"acme\.com\.json"):
        assert_same_outputs(first, second)
    (second / "report" / "prospects" / "acme.com.json").write_text("{}", "utf-8")
    pd.DataFrame({"id": ["m2", "m1"]}).to_parquet(second / "messages.parquet")
    with pytest.raises(AssertionError, match=r"messages\.parquet"):
        assert_same_outputs(first, second)
