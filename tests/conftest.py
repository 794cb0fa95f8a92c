"""Shared fixtures. Corpus tests read ../shared/corpora in place and never copy it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# Property tests are reproducible by default (the same examples every run, so CI does not
# flake); set WALKAWAY_HYPOTHESIS_RANDOM=1 to explore new examples locally.
settings.register_profile("reproducible", derandomize=True, deadline=None)
settings.register_profile("explore", deadline=None)
settings.load_profile(
    "explore" if os.environ.get("WALKAWAY_HYPOTHESIS_RANDOM") == "1" else "reproducible"
)

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SAMPLES = PROJECT_ROOT / "data" / "samples"
CORPORA = Path(os.environ.get("WALKAWAY_CORPORA", PROJECT_ROOT.parent / "shared" / "corpora"))
REQUIRE_CORPORA = os.environ.get("WALKAWAY_REQUIRE_CORPORA") == "1"


def corpus_path(*parts: str) -> Path:
    """Path inside ../shared/corpora; skips the test when absent, fails when CI requires it."""
    path = CORPORA.joinpath(*parts)
    if not path.exists():
        message = f"corpus not available: {path} (set WALKAWAY_CORPORA or check out ../shared)"
        if REQUIRE_CORPORA:
            pytest.fail(message + "; WALKAWAY_REQUIRE_CORPORA=1 requires it")
        pytest.skip(message)
    return path


@pytest.fixture
def real_emails() -> Path:
    return corpus_path("real-emails")


@pytest.fixture
def datasets() -> Path:
    return corpus_path("datasets")
