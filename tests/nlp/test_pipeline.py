"""Building, saving and loading the pipeline: offline, self-contained, reproducible."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import DocBin

import walkaway.nlp.patterns
from walkaway.nlp import build_pipeline, get_pipeline

SAMPLES = [
    "Hi Dana,\n\nSorry I missed our call, something came up. Can we push to Thursday?",
    "Let's revisit next quarter, I need to run this by my boss anyway.",
    "We don't see how this is different from what we already have. What's the price?",
    "We need it fully rolled out to all teams by next week, at no cost. Maybe.",
    "Could you share the timeline? How many reps would use it?",
]


def _fingerprint(nlp: Language, texts: list[str]) -> list[Any]:
    result = []
    for doc in nlp.pipe(texts):
        result.append(
            (
                [(s.start_char, s.end_char) for s in doc.sents],
                [(s.label_, s.id_, s.text) for s in doc.spans["walkaway"]],
                [(s.label_, s.text) for s in doc.spans["walkaway_terms"]],
                [(q.label_, q.text) for q in doc._.questions],
            )
        )
    return result


def test_pipeline_builds_and_runs_without_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise OSError("network access attempted")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    nlp = build_pipeline()
    assert nlp.pipe_names == [
        "email_sentencizer",
        "walkaway_rules",
        "walkaway_terms",
        "question_detector",
    ]
    assert _fingerprint(nlp, SAMPLES[:1])[0][1]


def test_get_pipeline_is_built_once() -> None:
    assert get_pipeline() is get_pipeline()


def test_saved_pipeline_loads_without_the_package_pattern_files(
    nlp: Language, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    nlp.to_disk(tmp_path / "pipeline")
    assert (tmp_path / "pipeline" / "walkaway_rules" / "patterns.jsonl").is_file()
    assert (tmp_path / "pipeline" / "question_detector" / "patterns.jsonl").is_file()

    def missing(name: str) -> Path:
        raise AssertionError(f"package pattern file {name} read while loading from disk")

    monkeypatch.setattr(walkaway.nlp.patterns, "pattern_path", missing)
    loaded = spacy.load(tmp_path / "pipeline")
    assert loaded.pipe_names == nlp.pipe_names
    assert _fingerprint(loaded, SAMPLES) == _fingerprint(nlp, SAMPLES)


def test_bytes_round_trip_keeps_the_rules(nlp: Language) -> None:
    copy = build_pipeline()
    for name in ("walkaway_rules", "walkaway_terms", "question_detector"):
        copy.get_pipe(name).from_bytes(nlp.get_pipe(name).to_bytes())
    assert _fingerprint(copy, SAMPLES) == _fingerprint(nlp, SAMPLES)
    assert nlp.get_pipe("walkaway_rules").patterns == copy.get_pipe("walkaway_rules").patterns


def test_span_groups_survive_docbin_serialization(nlp: Language) -> None:
    docs = list(nlp.pipe(SAMPLES))
    restored = list(DocBin(docs=docs, store_user_data=True).get_docs(nlp.vocab))
    for doc, again in zip(docs, restored, strict=True):
        assert [(s.label_, s.text) for s in again.spans["walkaway"]] == [
            (s.label_, s.text) for s in doc.spans["walkaway"]
        ]
        assert [q.text for q in again._.questions] == [q.text for q in doc._.questions]
        assert again._.price_share == doc._.price_share


def test_sentence_and_doc_attributes(nlp: Language) -> None:
    doc = nlp(SAMPLES[1] + " What's the price? Our ROI matters and so does the rollout.")
    assert [sent._.walkaway_labels for sent in doc.sents] == [
        ("DEFERRAL", "NO_AUTHORITY"),
        (),
        (),
    ]
    assert doc._.walkaway_labels == ("DEFERRAL", "NO_AUTHORITY")
    assert (doc._.price_mentions, doc._.value_mentions) == (1, 2)
    assert doc._.price_share == pytest.approx(1 / 3)
    assert nlp("Thanks!")._.price_share is None


def test_more_processes_give_the_same_result(nlp: Language) -> None:
    texts = SAMPLES * 4
    single = _fingerprint(nlp, texts)
    docs = list(nlp.pipe(texts, n_process=2, batch_size=4))
    assert [[(s.label_, s.text) for s in d.spans["walkaway"]] for d in docs] == [
        [(label, text) for label, _, text in row[1]] for row in single
    ]
