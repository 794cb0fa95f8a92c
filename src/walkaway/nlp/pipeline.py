"""The walkaway language pipeline: a blank English spaCy pipeline plus our own components.

Nothing is downloaded: ``spacy.blank("en")`` brings the tokenizer, and every other piece is
rule data shipped in this package. Trained text classifiers can be added on top of the
returned pipeline (``nlp.add_pipe(...)``) without touching the rules.
"""

from __future__ import annotations

from functools import lru_cache
from typing import cast

import spacy
from spacy.attrs import NORM, ORTH
from spacy.language import Language
from spacy.tokenizer import Tokenizer

# Importing the modules registers the factories and the custom attributes.
from walkaway.nlp import extensions, questions, rules, sentences  # noqa: F401
from walkaway.nlp.extensions import SIGNALS_KEY, TERMS_KEY

SIGNAL_PATTERN_FILES = (
    "deferral",
    "meeting",
    "authority",
    "value",
    "expectations",
    "vague",
    "decline",
)
TERM_PATTERN_FILES = ("price", "value_talk")

# Pipe names, in order.
SENTENCIZER = "email_sentencizer"
SIGNAL_RULES = "walkaway_rules"
TERM_RULES = "walkaway_terms"
QUESTIONS = "question_detector"


def _add_upper_case_contractions(nlp: Language) -> None:
    """Split "DON'T" like "don't": spaCy's exceptions cover lower and title case only, and
    the rules match on norms ("not"), so shouted replies would otherwise slip through."""
    tokenizer = cast(Tokenizer, nlp.tokenizer)
    for string, pieces in list(tokenizer.rules.items()):
        if not ("'" in string or "’" in string) or string != string.lower():
            continue
        upper = string.upper()
        if upper == string or upper in tokenizer.rules:
            continue
        tokenizer.add_special_case(
            upper,
            [
                {ORTH: piece[ORTH].upper(), NORM: piece.get(NORM, piece[ORTH].lower())}
                for piece in pieces
            ],
        )


def build_pipeline() -> Language:
    """A fresh, initialized pipeline: sentences, signal rules, price/value terms, questions.

    >>> nlp = build_pipeline()
    >>> doc = nlp("Hi Dana,\\n\\nLet's revisit next quarter. Who else is involved?")
    >>> [(span.label_, span.text) for span in doc.spans["walkaway"]]
    [('DEFERRAL', 'revisit next quarter')]
    >>> [(q.text, q.label_) for q in doc._.questions]
    [('Who else is involved?', 'decision')]
    """
    nlp = spacy.blank("en")
    _add_upper_case_contractions(nlp)
    nlp.add_pipe(SENTENCIZER)
    nlp.add_pipe(
        "walkaway_rules",
        name=SIGNAL_RULES,
        config={"spans_key": SIGNALS_KEY, "pattern_files": list(SIGNAL_PATTERN_FILES)},
    )
    nlp.add_pipe(
        "walkaway_rules",
        name=TERM_RULES,
        config={
            "spans_key": TERMS_KEY,
            "pattern_files": list(TERM_PATTERN_FILES),
            # "Price isn't the issue" still puts price on the table.
            "negation_window": 0,
        },
    )
    nlp.add_pipe(QUESTIONS)
    nlp.initialize()
    return nlp


@lru_cache(maxsize=1)
def get_pipeline() -> Language:
    """The shared pipeline of :func:`build_pipeline`, built once per process.

    Callers must not add or remove pipes on it; build their own with :func:`build_pipeline`.
    """
    return build_pipeline()
