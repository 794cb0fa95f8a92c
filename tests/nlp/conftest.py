"""Shared fixtures for the language pipeline tests: one pipeline per test session."""

from __future__ import annotations

import pytest
from spacy.language import Language

from walkaway.nlp import build_pipeline


@pytest.fixture(scope="session")
def nlp() -> Language:
    return build_pipeline()
