"""Email-aware sentence segmentation.

Email is half prose, half lines: a greeting on its own ("Hi Dana,"), bullets, numbered
lists, one-line answers, sign-offs. Plain punctuation rules glue those together, and
spaCy's statistical parsers are not available in a blank pipeline. This component decides
boundaries on the raw text with regular expressions (C speed) and writes them to the
``Doc`` in one vectorised call, so it costs almost nothing next to tokenization.

Rules, in order:

* Terminal punctuation (``. ! ? …``) followed by white space ends a sentence when the next
  word starts a sentence. A period does not end one after an abbreviation ("e.g.",
  "approx.", "vs."), an initial ("J. Smith"), a list marker at the start of a line ("1."),
  or before a lower-case word; "3 p.m. Eastern" stays together. URLs, e-mail addresses
  and decimals have no white space after their inner dots, so they are never split.
* A greeting at the start of the text ("Hi Dana," "Hello team -") is its own sentence.
* Line breaks: a blank line always ends a sentence, and so does a line that starts with a
  bullet or a number. Whether a single line break ends one depends on the text: in
  hard-wrapped mail (every line at most ~80 characters, several long ones) a break only
  counts after a visibly short line; in text typed by a modern client (paragraphs as single
  lines) every break counts unless the next line starts in lower case after a word.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import numpy
from spacy.attrs import IDX, SENT_START
from spacy.language import Language
from spacy.tokens import Doc

# Words that are abbreviations and (almost) never end a sentence when followed by a period.
NEVER_FINAL = frozenset(
    [
        "e.g",
        "eg",
        "i.e",
        "ie",
        "cf",
        "vs",
        "v",
        "approx",
        "appr",
        "ca",
        "incl",
        "excl",
        "esp",
        "fig",
        "figs",
        "no",
        "nos",
        "nr",
        "vol",
        "vols",
        "pp",
        "mr",
        "mrs",
        "ms",
        "mx",
        "dr",
        "prof",
        "sr",
        "jr",
        "st",
        "mt",
        "ft",
        "rev",
        "gen",
        "sgt",
        "capt",
        "col",
        "lt",
        "hon",
        "pres",
        "gov",
        "sen",
        "rep",
        "dept",
        "div",
        "est",
        "min",
        "max",
        "avg",
        "approx.",
        "ref",
        "refs",
        "ext",
        "tel",
        "ph",
        "attn",
        "re",
        "fwd",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "mon",
        "tue",
        "tues",
        "wed",
        "thu",
        "thur",
        "thurs",
        "fri",
        "sat",
        "sun",
        "u.s",
        "u.k",
        "e.u",
        "a.k.a",
        "aka",
        "w.r.t",
        "wrt",
    ]
)

# Abbreviations that do end a sentence when a capitalised word follows ("... at 3 p.m. Does
# that work?"), except before the words in FOLLOWERS ("3 p.m. Eastern").
SOMETIMES_FINAL = frozenset(
    ["a.m", "p.m", "am", "pm", "etc", "inc", "ltd", "co", "corp", "llc", "plc", "bros"]
)
FOLLOWERS = frozenset(
    [
        "eastern",
        "pacific",
        "central",
        "mountain",
        "atlantic",
        "et",
        "est",
        "edt",
        "pt",
        "pst",
        "pdt",
        "ct",
        "cst",
        "cdt",
        "mt",
        "mst",
        "mdt",
        "gmt",
        "bst",
        "cet",
        "cest",
        "utc",
        "ist",
        "aest",
        "jst",
        "sgt",
        "hkt",
        "your",
        "my",
        "our",
        "their",
        "his",
        "her",
    ]
)

_TERMINAL = re.compile(r"(?P<punct>[.!?…]+)(?P<close>[\"'”’)\]]*)(?P<space>\s+)(?=\S)")
_WORD_BEFORE = re.compile(r"\S*\Z")
_LINE = re.compile(r"[^\n]*(?:\n|\Z)")
_BULLET = re.compile(
    r"[ \t]*(?:[-*•·▪◦‣–—>+]|\d{1,3}[.)]|\(\d{1,3}\)|[a-zA-Z][.)]|\([a-zA-Z]\)"
    r"|[ivxIVX]{1,4}[.)])[ \t]+\S"
)
_LIST_MARKER = re.compile(r"\d{1,3}|[a-zA-Z]|[ivxIVX]{1,4}")
_GREETING = re.compile(
    r"\A\s*(?:hi|hello|hey|hiya|dear|greetings|good\s+(?:morning|afternoon|evening|day)|"
    r"morning|afternoon|evening)\b[^\n.!?,:;]{0,40}?[,!:—–-]+[ \t]*(?=\S)",
    re.IGNORECASE,
)
_GREETING_LINE = re.compile(
    r"\s*(?:hi|hello|hey|hiya|dear|greetings|good\s+(?:morning|afternoon|evening|day)|"
    r"morning|afternoon|evening|thanks|thank\s+you|cheers|best|regards|best\s+regards|"
    r"kind\s+regards|warm\s+regards|sincerely|all\s+the\s+best)\b[^\n.!?]{0,40}[,!:—–-]?\s*\Z",
    re.IGNORECASE,
)
_OPENERS = "\"'“‘([{"


def _word_before(text: str, end: int) -> str:
    """The white-space-delimited word that ends at ``end``, without opening brackets/quotes."""
    match = _WORD_BEFORE.search(text, max(0, end - 40), end)
    return match.group().lstrip(_OPENERS) if match else ""


def _starts_lower(text: str, position: int) -> bool:
    """Whether the first letter-or-digit at ``position`` (after quotes/brackets) is lower case."""
    for char in text[position : position + 4]:
        if char in _OPENERS:
            continue
        return char.islower()
    return False


def _punctuation_boundaries(text: str, line_starts: list[int]) -> Iterable[int]:
    """Char offsets where a sentence starts because the previous one ended in punctuation."""
    for match in _TERMINAL.finditer(text):
        punct = match.group("punct")
        following = match.end()
        if "?" in punct or "!" in punct:
            yield following
            continue
        newline = "\n" in match.group("space")
        if _starts_lower(text, following) and not newline:
            continue
        if punct != ".":  # an ellipsis ends a sentence only before a capital or a line break
            if newline or not _starts_lower(text, following):
                yield following
            continue
        word = _word_before(text, match.start())
        lowered = word.lower()
        if lowered in NEVER_FINAL or (len(word) == 1 and word.isalpha() and word.isupper()):
            continue
        word_start = match.start() - len(word)
        line_start = _line_start(line_starts, word_start)
        if _LIST_MARKER.fullmatch(word) and not text[line_start:word_start].strip():
            continue
        if lowered in SOMETIMES_FINAL and not newline:
            next_word = re.match(r"[\w.]+", text[following : following + 20])
            if next_word and next_word.group().lower().rstrip(".") in FOLLOWERS:
                continue
        if _starts_lower(text, following):
            continue
        yield following


def _line_start(line_starts: list[int], offset: int) -> int:
    """Start of the line that holds ``offset`` (``line_starts`` is sorted)."""
    low, high = 0, len(line_starts)
    while low < high:
        middle = (low + high) // 2
        if line_starts[middle] <= offset:
            low = middle + 1
        else:
            high = middle
    return line_starts[low - 1] if low else 0


def _line_boundaries(
    text: str,
    lines: list[tuple[int, str]],
    *,
    wrap_max: int,
    wrap_min_long: int,
    short_ratio: float,
) -> Iterable[int]:
    """Char offsets where a sentence starts because of the line layout."""
    content = [(start, line.rstrip("\r\n")) for start, line in lines]
    lengths = [len(line.rstrip()) for _, line in content if line.strip()]
    if len(lengths) < 2:
        return
    longest = max(lengths)
    hard_wrapped = longest <= wrap_max and sum(n >= wrap_min_long for n in lengths) >= 2
    short_line = short_ratio * longest
    previous: str | None = None
    blank_between = False
    for start, line in content:
        stripped = line.strip()
        if not stripped:
            blank_between = True
            continue
        if previous is not None:
            offset = start + (len(line) - len(line.lstrip()))
            before = previous.rstrip()
            lower_next = _starts_lower(line, len(line) - len(line.lstrip()))
            if (
                blank_between
                or _BULLET.match(line)
                or (_GREETING_LINE.fullmatch(before) and not lower_next)
                or (before.endswith(":") and not lower_next)
            ):
                yield offset
            elif not hard_wrapped:
                if not (lower_next and (before[-1:].isalnum() or before.endswith(","))):
                    yield offset
            elif len(before) < short_line and not lower_next:
                yield offset
        previous = line
        blank_between = False


def sentence_starts(
    text: str,
    *,
    wrap_max: int = 80,
    wrap_min_long: int = 55,
    short_ratio: float = 0.6,
) -> list[int]:
    """Sorted char offsets at which sentences start (the first is always 0).

    >>> [("Hi Dana,\\n\\nCan we push? Tuesday works."[i:]) for i in sentence_starts(
    ...     "Hi Dana,\\n\\nCan we push? Tuesday works.")][1:]
    ['Can we push? Tuesday works.', 'Tuesday works.']
    """
    lines = [(m.start(), m.group()) for m in _LINE.finditer(text) if m.group()]
    line_starts = [start for start, _ in lines]
    starts = {0}
    starts.update(_punctuation_boundaries(text, line_starts))
    starts.update(
        _line_boundaries(
            text, lines, wrap_max=wrap_max, wrap_min_long=wrap_min_long, short_ratio=short_ratio
        )
    )
    greeting = _GREETING.match(text)
    if greeting:
        starts.add(greeting.end())
    return sorted(starts)


class EmailSentencizer:
    """Sets ``Token.is_sent_start`` for every token from :func:`sentence_starts`."""

    def __init__(
        self,
        nlp: Language,
        name: str,
        *,
        wrap_max: int,
        wrap_min_long: int,
        short_ratio: float,
        overwrite: bool,
    ) -> None:
        self.name = name
        self.wrap_max = wrap_max
        self.wrap_min_long = wrap_min_long
        self.short_ratio = short_ratio
        self.overwrite = overwrite

    def __call__(self, doc: Doc) -> Doc:
        if len(doc) == 0 or (not self.overwrite and doc.has_annotation("SENT_START")):
            return doc
        self.set_annotations(doc, self.predict(doc))
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterable[Doc]:
        for doc in docs:
            yield self(doc)

    def predict(self, doc: Doc) -> numpy.ndarray:
        """Indices of the tokens that start a sentence."""
        offsets = sentence_starts(
            doc.text,
            wrap_max=self.wrap_max,
            wrap_min_long=self.wrap_min_long,
            short_ratio=self.short_ratio,
        )
        token_starts = doc.to_array(IDX).astype(numpy.int64)
        positions = numpy.searchsorted(token_starts, numpy.asarray(offsets, dtype=numpy.int64))
        positions = positions[positions < len(token_starts)]
        # A boundary that falls inside a token (the tokenizer kept "end.Next" together) is
        # dropped rather than moved: a sentence must start at a token.
        exact = (
            token_starts[positions] == numpy.asarray(offsets, dtype=numpy.int64)[: len(positions)]
        )
        # Every offset points at a non-space character, so white space never starts a
        # sentence: it stays with the one before, as spaCy expects.
        return positions[exact]

    def set_annotations(self, doc: Doc, starts: numpy.ndarray) -> None:
        values = numpy.full(len(doc), -1, dtype=numpy.int64)
        values[starts] = 1
        values[0] = 1
        column: Any = values.astype(numpy.uint64).reshape(-1, 1)  # spaCy's stubs want Ints2d
        doc.from_array([SENT_START], column)


@Language.factory(
    "email_sentencizer",
    default_config={"wrap_max": 80, "wrap_min_long": 55, "short_ratio": 0.6, "overwrite": False},
    assigns=["token.is_sent_start", "doc.sents"],
)
def make_email_sentencizer(
    nlp: Language,
    name: str,
    wrap_max: int,
    wrap_min_long: int,
    short_ratio: float,
    overwrite: bool,
) -> EmailSentencizer:
    """Email-aware sentence boundaries (greetings, bullets, line layout, abbreviations)."""
    return EmailSentencizer(
        nlp,
        name,
        wrap_max=wrap_max,
        wrap_min_long=wrap_min_long,
        short_ratio=short_ratio,
        overwrite=overwrite,
    )
