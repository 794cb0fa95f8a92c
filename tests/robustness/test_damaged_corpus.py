"""Damaged copies of every real-email corpus file go through ``walkaway analyze``: exit 0,
no traceback, exact accounting.

Each file of ../shared/corpora/real-emails is copied into a temporary folder six ways
(truncated at 10, 50 and 90 %, bits flipped, NULs inserted, headers mangled; gzip files are
also damaged inside) with fixed seeds, so a failure names a reproducible input. The
corpus itself is read in place and never copied into the repository.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import corpus_path
from tests.robustness.cli import assert_clean_run, assert_exact_accounting, walkaway
from tests.robustness.damage import DAMAGES, write_damaged_tree
from tests.robustness.invariants import record_problems
from walkaway.ingest import iter_raw_items, parse_item
from walkaway.types import RawItem

pytestmark = pytest.mark.corpus


@pytest.fixture(scope="module")
def damaged(tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = corpus_path("real-emails")
    target = tmp_path_factory.mktemp("damaged-real-emails")
    written = write_damaged_tree(source, target)
    originals = sum(1 for p in source.rglob("*") if p.is_file())
    assert written >= originals * len(DAMAGES)
    return target


def test_every_damaged_file_parses_to_valid_records(damaged: Path) -> None:
    """File by file, in process, so a problem names its file."""
    problems: list[str] = []
    files = sorted(p for p in damaged.rglob("*") if p.is_file())
    for path in files:
        try:
            for item in iter_raw_items(path):
                result = parse_item(item) if isinstance(item, RawItem) else item
                problems.extend(f"{path}: {p}" for p in record_problems(result))
        except Exception as error:
            problems.append(f"{path}: {type(error).__name__}: {error}")
    assert problems == []


@pytest.mark.parametrize("own_side", ["inferred", "--our-domain"])
def test_analyze_damaged_corpus_exits_0_with_exact_accounting(
    damaged: Path, tmp_path: Path, own_side: str
) -> None:
    out = tmp_path / "out"
    # With our side named, prospects exist and every stage after ingest runs on the damage.
    extra = ["--our-domain", "redhat.com"] if own_side == "--our-domain" else []
    result = walkaway("analyze", damaged, "--out", out, "--no-report", *extra)
    assert_clean_run(result)
    summary = assert_exact_accounting(out)
    assert summary["parsed"] > 1_000
    assert summary["quarantined"] > 0
