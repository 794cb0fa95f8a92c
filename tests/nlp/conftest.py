"""Shared fixtures for the language pipeline tests: one pipeline per test session, and the
text bodies of real mail."""

from __future__ import annotations

import email
import email.policy
from pathlib import Path

import pytest
from spacy.language import Language

from walkaway.nlp import build_pipeline


@pytest.fixture(scope="session")
def nlp() -> Language:
    return build_pipeline()


def plain_bodies(folder: Path) -> list[str]:
    """The decoded ``text/plain`` parts of every mail file under ``folder``, in path order."""
    bodies = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.compat32)
        for part in message.walk():
            if part.get_content_type() == "text/plain":
                payload = part.get_payload(decode=True)
                if isinstance(payload, bytes):
                    bodies.append(payload.decode("utf-8", "replace"))
    return bodies
