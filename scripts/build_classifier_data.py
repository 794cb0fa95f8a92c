"""Build walkaway's labeled text-classifier data from its hand-written and third-party sources.

Inputs (all under ``data/classifiers/``):

- ``authored/*.txt``: reply texts written by the project, one block per reply. A block starts with
  a header line ``@ <labels or none> [| hn=<category>] [| note=<text>]`` and its text runs to the
  next header. ``authored/frames.txt`` holds label-neutral greetings, openers, closers and
  sign-offs; ``authored/sentences_eval.txt`` holds the span-annotated evaluation replies.
- ``external_selection.csv``: the few rows taken from licensed public datasets, with our labels.

Outputs:

- ``examples.jsonl``: one labeled example per line with a fixed, group-aware split.
- ``used_external_rows.csv``: the public-dataset rows used, so transfer evaluations can skip them.
- ``sentences_eval.jsonl``: multi-sentence replies with the character span of each label.

After writing, a self-check prints counts per label and split, duplicates, and exact and
near-duplicate overlap between splits. ``--check-only`` runs the self-check on existing files.
Splits already stored in ``examples.jsonl`` are kept; ``--reshuffle`` assigns all groups afresh.

Usage::

    python scripts/build_classifier_data.py [--corpus DIR] [--check-only] [--reshuffle]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import random
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data" / "classifiers"
AUTHORED = DATA / "authored"
DEFAULT_CORPUS = REPO.parent / "shared" / "corpora" / "datasets"

LABELS: tuple[str, ...] = (
    "vague",
    "price_only",
    "deferral",
    "no_authority",
    "missed_meeting",
    "value_unclear",
    "unrealistic_expectations",
)
SPLITS: tuple[str, ...] = ("train", "valid", "test")
# The seed orders new groups and frames; with --reshuffle, changing it reshuffles every split.
SEED = "walkaway-classifier-data-v1"
# 20 slots: 4 test (20%), 3 valid (15%), 13 train (65%); assigned systematically along a
# stratified ordering so that every label gets close to these shares.
SPLIT_SLOTS = ["test"] * 4 + ["valid"] * 3 + ["train"] * 13
FRAME_RATE = 0.30
FRAME_MAX_CHARS = 260
# Groups are merged when two cores are this similar (char n-gram TF-IDF cosine), so that
# near-paraphrases never straddle two splits.
NEAR_DUP_MERGE = 0.60
NEAR_DUP_REPORT = 0.60
# Sentences with at least this many words that occur in two cores tie the cores together
# (frame fragments such as "Thanks again." are exempt: they are split-partitioned themselves).
SHARED_SENTENCE_MIN_WORDS = 2

FILE_PREFIX = {
    "vague": "vag",
    "price_only": "pri",
    "deferral": "def",
    "no_authority": "noa",
    "missed_meeting": "mis",
    "value_unclear": "val",
    "unrealistic": "unr",
    "mixed": "mix",
    "more_positives": "pos",
    "neg_scheduling": "nsc",
    "neg_commitment": "nco",
    "neg_price_value": "npv",
    "neg_questions": "nqu",
    "neg_authority": "nau",
    "neg_ooo_logistics": "nol",
    "neg_misc": "nmi",
    "neg_cues": "ncu",
}
NON_CORE_FILES = {"frames", "sentences_eval"}

DATASET_LICENSES = {
    "parakweet-email-intent": "Apache-2.0",
    "subjective-qa": "CC BY 4.0",
}
DATASET_PREFIX = {"parakweet-email-intent": "pk", "subjective-qa": "sqa"}

GREETING_RE = re.compile(
    r"^(hi|hello|hey|hiya|dear|good (morning|afternoon|evening)|morning|guten|hola|bonjour|"
    r"oi|namaste|bom dia|hallo|grazie|merci|obrigado|sehr geehrte|greetings)\b",
    re.IGNORECASE,
)
SIGNED_RE = re.compile(
    r"(regards|best|cheers|thanks|thank you|grüßen|saludos)[,.!]?\s+[A-Z][\w.' -]{0,40}$",
    re.IGNORECASE,
)
AUTO_REPLY_RE = re.compile(
    r"^(automatic reply|abwesenheitsnotiz|respuesta automática|out of office|"
    r"thank you for your (email|message)\. i am|thanks for your message\. i'm)",
    re.IGNORECASE,
)
SENTENCE_SPLIT_RE = re.compile(r"(?<=[.!?])\s+|\n+")

# Surface cue words per label. A negative that contains a cue word of some label is a "hard"
# negative: a keyword matcher would fire on it. Positives are also measured against their own
# label's cues, to show how much of the data goes beyond keywords. Kept deliberately broad.
CUE_PATTERNS: dict[str, re.Pattern[str]] = {
    label: re.compile(pattern, re.IGNORECASE)
    for label, pattern in {
        "vague": r"\b(not sure|unsure|maybe|perhaps|possibly|probably|depends|hard to say|"
        r"we'?ll see|get back to you|think about|at some point|unclear|tbd|not yet)\b",
        "price_only": r"\b(price[sd]?|pricing|costs?|discount\w*|quot(e|es|ed|ation)|budget\w*|"
        r"cheap\w*|expensive|fees?|rates?|per (seat|user|unit)|invoice\w*)\b|[$€£]",
        "deferral": r"\b(next (quarter|year|month|fiscal|budget)|q[1-4]|h[12]|fiscal|new year|"
        r"after the (holidays|summer)|revisit|later|hold off|on hold|postpone\w*|push\w*|"
        r"park\w*|table|january|february|april|june|july|august|september|october|november|"
        r"december|spring|summer|autumn|winter|months?)\b",
        "no_authority": r"\b(boss|manager|director|cfo|ceo|coo|cto|cio|vp|board|owners?|partners|"
        r"procurement|purchasing|committee|leadership|management|approv\w*|sign[- ]?off|"
        r"decision|decides?|head office|head of)\b",
        "missed_meeting": r"\b(meeting|call|demo|session|reschedul\w*|cancel\w*|missed|"
        r"can'?t make|won'?t make|double[- ]booked|postpone\w*|invite|slot)\b",
        "value_unclear": r"\b(already (have|use|pay|do|get)|spreadsheets?|excel|different|"
        r"compar\w*|current (tool|system|process|vendor|setup|provider)|value|roi|benefit\w*|"
        r"worth|why would)\b",
        "unrealistic_expectations": r"\b(guarantee\w*|free|no cost|no charge|zero|unlimited|"
        r"24/7|refund\w*|all \d[\d,]*|every|by (monday|tomorrow|friday|next week|the weekend))"
        r"\b|100%",
    }.items()
}


def cue_labels(text: str) -> tuple[str, ...]:
    """Return the labels whose surface cue words occur in ``text``."""
    return tuple(label for label in LABELS if CUE_PATTERNS[label].search(text))


@dataclass(frozen=True)
class Core:
    """One hand-written or third-party reply before framing and splitting."""

    id: str
    text: str
    labels: tuple[str, ...]
    source: str
    hard_negative: str | None
    note: str | None
    origin: str


@dataclass(frozen=True)
class Example:
    """One line of ``examples.jsonl``."""

    id: str
    text: str
    labels: tuple[str, ...]
    source: str
    split: str
    group: str
    hard_negative: str | None
    note: str | None

    def to_json(self) -> dict[str, object]:
        """Return the JSON object written for this example (optional keys only when set)."""
        record: dict[str, object] = {
            "id": self.id,
            "text": self.text,
            "labels": list(self.labels),
            "source": self.source,
            "split": self.split,
            "group": self.group,
        }
        if not self.labels:
            if self.hard_negative:
                record["negative_type"] = self.hard_negative
            record["cues"] = list(cue_labels(self.text))
        if self.note:
            record["note"] = self.note
        return record


def normalize(text: str) -> str:
    """Fold case, quotes, punctuation and spacing so trivially different texts compare equal."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    text = re.sub(r"[^\w' ]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def sentences(text: str) -> list[str]:
    """Split a reply into rough sentences (good enough for overlap checks, not for spans)."""
    return [part.strip() for part in SENTENCE_SPLIT_RE.split(text) if part and part.strip()]


def short_hash(text: str, length: int = 8) -> str:
    """Return a stable hex digest prefix used in ids and orderings."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:length]


def canonical_labels(labels: Iterable[str]) -> tuple[str, ...]:
    """Validate labels and return them in the canonical order of ``LABELS``."""
    found = set(labels)
    unknown = found - set(LABELS)
    if unknown:
        raise ValueError(f"unknown label(s) {sorted(unknown)}; allowed: {', '.join(LABELS)}")
    return tuple(label for label in LABELS if label in found)


def parse_header(line: str, where: str) -> tuple[tuple[str, ...], str | None, str | None]:
    """Parse ``@ labels | hn=... | note=...`` into labels, hard-negative category and note."""
    parts = [part.strip() for part in line[1:].split("|")]
    label_words = parts[0].split()
    if not label_words:
        raise ValueError(f"{where}: header without labels; write 'none' for a negative")
    if label_words == ["none"]:
        labels: tuple[str, ...] = ()
    elif "none" in label_words:
        raise ValueError(f"{where}: 'none' cannot be combined with labels")
    else:
        labels = canonical_labels(label_words)
    hard_negative = note = None
    for part in parts[1:]:
        key, _, value = part.partition("=")
        if key == "hn":
            hard_negative = value.strip()
        elif key == "note":
            note = value.strip()
        else:
            raise ValueError(f"{where}: unknown header field {key!r}")
    if hard_negative and labels:
        raise ValueError(f"{where}: hn= is only for negatives")
    return labels, hard_negative, note


def read_blocks(path: Path) -> list[tuple[str, str, int]]:
    """Return ``(header, text, line_number)`` for each block of an authored file."""
    blocks: list[tuple[str, str, int]] = []
    header: str | None = None
    header_line = 0
    body: list[str] = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if raw.startswith("@"):
            if header is not None:
                blocks.append((header, "\n".join(body).strip(), header_line))
            header, header_line, body = raw, number, []
        elif header is not None:
            body.append(raw.rstrip())
        elif raw.strip() and not raw.startswith("#"):
            raise ValueError(f"{path.name}:{number}: text outside a block")
    if header is not None:
        blocks.append((header, "\n".join(body).strip(), header_line))
    return blocks


def load_authored_cores() -> list[Core]:
    """Read every authored core file into ``Core`` records."""
    cores: list[Core] = []
    for path in sorted(AUTHORED.glob("*.txt")):
        stem = path.stem
        if stem in NON_CORE_FILES:
            continue
        if stem not in FILE_PREFIX:
            raise ValueError(f"{path.name}: no id prefix registered in FILE_PREFIX")
        for header, text, line in read_blocks(path):
            where = f"{path.name}:{line}"
            if not text:
                raise ValueError(f"{where}: empty block")
            labels, hard_negative, note = parse_header(header, where)
            cores.append(
                Core(
                    id=f"{FILE_PREFIX[stem]}-{short_hash(text)}",
                    text=text,
                    labels=labels,
                    source="authored",
                    hard_negative=hard_negative,
                    note=note,
                    origin=where,
                )
            )
    return cores


def corpus_text(corpus: Path, dataset: str, file: str, locator: str) -> str:
    """Read one row's text from the public dataset copy, located as in the selection file."""
    kind, _, number_text = locator.partition(" ")
    number = int(number_text)
    path = corpus / dataset / file
    if dataset == "parakweet-email-intent" and kind == "line":
        lines = path.read_text(encoding="utf-8", errors="replace").split("\n")
        return lines[number - 1].split("\t", 1)[1].strip()
    if dataset == "subjective-qa" and kind == "row":
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        return rows[number]["ANSWER"].strip()
    raise ValueError(f"cannot locate {locator!r} in {dataset}/{file}")


def load_external_cores(corpus: Path | None) -> tuple[list[Core], list[dict[str, str]]]:
    """Read the public-dataset selection; check each text against the corpus when present."""
    cores: list[Core] = []
    rows: list[dict[str, str]] = []
    with (DATA / "external_selection.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            dataset = row["dataset"]
            if dataset not in DATASET_LICENSES:
                raise ValueError(f"{dataset}: not a dataset whose license allows shipping")
            if corpus is not None:
                original = corpus_text(corpus, dataset, row["file"], row["locator"])
                if original != row["text"]:
                    raise ValueError(f"{dataset} {row['locator']}: text differs from the corpus")
            locator_id = row["locator"].split()[1]
            stem = Path(row["file"]).stem.split("-")[0].lower()
            core_id = f"{DATASET_PREFIX[dataset]}-{stem}-{locator_id}"
            note_parts = [f"{row['file']} {row['locator']}", DATASET_LICENSES[dataset]]
            if row["note"]:
                note_parts.append(row["note"])
            cores.append(
                Core(
                    id=core_id,
                    text=row["text"],
                    labels=canonical_labels(row["labels"].split()),
                    source=dataset,
                    hard_negative=row["hard_negative"] or None,
                    note="; ".join(note_parts),
                    origin=f"{dataset}/{row['file']} {row['locator']}",
                )
            )
            rows.append(row)
    return cores, rows


class UnionFind:
    """Minimal union-find over string keys, used to merge cores into split groups."""

    def __init__(self, keys: Iterable[str]) -> None:
        self.parent = {key: key for key in keys}

    def find(self, key: str) -> str:
        """Return the representative of ``key``'s set."""
        root = key
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[key] != root:
            self.parent[key], key = root, self.parent[key]
        return root

    def union(self, first: str, second: str) -> None:
        """Merge the sets of two keys (the smaller key becomes the representative)."""
        a, b = self.find(first), self.find(second)
        if a != b:
            low, high = sorted((a, b))
            self.parent[high] = low


def similar_pairs(texts: Sequence[str], threshold: float) -> list[tuple[int, int, float]]:
    """Return index pairs whose char n-gram TF-IDF cosine similarity reaches ``threshold``."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    matrix = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
    vectors = matrix.fit_transform([normalize(text) for text in texts])
    similarity = (vectors @ vectors.T).tocoo()
    pairs = [
        (int(i), int(j), float(value))
        for i, j, value in zip(similarity.row, similarity.col, similarity.data, strict=True)
        if i < j and value >= threshold
    ]
    return sorted(pairs, key=lambda pair: -pair[2])


def build_groups(
    cores: Sequence[Core], exempt_sentences: set[str]
) -> tuple[dict[str, str], list[tuple[str, str, float]]]:
    """Group cores that share a sentence or nearly repeat each other; return id -> group."""
    by_norm: dict[str, str] = {}
    for core in cores:
        key = normalize(core.text)
        if key in by_norm:
            raise ValueError(f"duplicate text: {core.origin} repeats {by_norm[key]}")
        by_norm[key] = core.origin
    groups = UnionFind(core.id for core in cores)
    sentence_owner: dict[str, str] = {}
    for core in cores:
        for sentence in sentences(core.text):
            key = normalize(sentence)
            if len(key.split()) < SHARED_SENTENCE_MIN_WORDS or key in exempt_sentences:
                continue
            if key in sentence_owner:
                groups.union(sentence_owner[key], core.id)
            else:
                sentence_owner[key] = core.id
    merged = []
    for i, j, score in similar_pairs([core.text for core in cores], NEAR_DUP_MERGE):
        groups.union(cores[i].id, cores[j].id)
        merged.append((cores[i].id, cores[j].id, score))
    return {core.id: f"g-{groups.find(core.id)}" for core in cores}, merged


def stratum(core: Core) -> str:
    """Return the stratum used to balance splits: the label set, or the negative's category."""
    if core.labels:
        return "+".join(core.labels)
    return f"none:{core.hard_negative or 'plain'}"


def previous_splits(path: Path) -> dict[str, str]:
    """Return ``core id -> split`` from an earlier ``examples.jsonl`` (empty if there is none)."""
    if not path.exists():
        return {}
    return {
        record["id"]: record["split"]
        for record in load_jsonl(path)
        if not str(record["id"]).endswith("-f")
    }


def assign_splits(
    cores: Sequence[Core], group_of: dict[str, str], previous: dict[str, str]
) -> dict[str, str]:
    """Assign each group to a split.

    Groups with a member that already had a split keep it, so the split stays fixed as examples
    are added. New groups are assigned by systematic sampling along a stratified, hashed order,
    which gives every label close to the 65/15/20 shares.
    """
    members: dict[str, list[Core]] = defaultdict(list)
    for core in sorted(cores, key=lambda c: c.id):
        members[group_of[core.id]].append(core)
    split_of: dict[str, str] = {}
    new_groups = []
    for group, group_cores in members.items():
        known = Counter(previous[core.id] for core in group_cores if core.id in previous)
        if not known:
            new_groups.append(group)
            continue
        split_of[group] = sorted(known.items(), key=lambda item: (-item[1], item[0]))[0][0]
        if len(known) > 1:
            # A new near-paraphrase tied together cores that used to sit in different splits.
            print(f"warning: {group} joined splits {dict(known)}; kept {split_of[group]}")
    slots = list(SPLIT_SLOTS)
    random.Random(SEED).shuffle(slots)
    ordered = sorted(
        new_groups,
        key=lambda group: (stratum(members[group][0]), short_hash(SEED + group, 16)),
    )
    for index, group in enumerate(ordered):
        split_of[group] = slots[index % len(slots)]
    return split_of


def read_frame_sections() -> dict[str, list[str]]:
    """Read ``frames.txt`` into ``{section: [fragment, ...]}``."""
    sections: dict[str, list[str]] = defaultdict(list)
    current: str | None = None
    for raw in (AUTHORED / "frames.txt").read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1]
            continue
        if current is None:
            raise ValueError("frames.txt: fragment before the first [section]")
        sections[current].append(line.replace("\\n", "\n"))
    return sections


def frame_sentences() -> set[str]:
    """Return the normalized sentences of all frame fragments."""
    return {
        normalize(sentence)
        for fragments in read_frame_sections().values()
        for fragment in fragments
        for sentence in sentences(fragment)
    }


def load_frames(excluded_sentences: set[str]) -> dict[str, dict[str, list[str]]]:
    """Read frame fragments and give each to one split: ``{split: {section: [fragments]}}``."""
    sections = read_frame_sections()
    seen: set[str] = set()
    slots = list(SPLIT_SLOTS)
    random.Random(SEED + "frames").shuffle(slots)
    by_split: dict[str, dict[str, list[str]]] = {split: defaultdict(list) for split in SPLITS}
    for section, fragments in sections.items():
        kept = []
        for fragment in fragments:
            key = normalize(fragment)
            if key in seen:
                raise ValueError(f"frames.txt: fragment repeated across sections: {fragment!r}")
            seen.add(key)
            # A fragment that is also a sentence of some core could carry that sentence across
            # splits, so it is left out.
            if key not in excluded_sentences:
                kept.append(fragment)
        # Each fragment's split depends on its own hash only, so adding a fragment moves no other.
        for fragment in kept:
            slot = int(short_hash(SEED + fragment, 16), 16) % len(slots)
            by_split[slots[slot]][section].append(fragment)
    for split, sections_of_split in by_split.items():
        for section in sections:
            if len(sections_of_split[section]) < 3:
                raise ValueError(f"frames.txt: fewer than 3 {section} fragments for {split}")
    return by_split


def frame_text(core: Core, fragments: dict[str, list[str]], rng: random.Random) -> str | None:
    """Wrap a core in greeting / opener / closer / sign-off fragments of its own split."""
    text = core.text
    if "\n" in text or len(text) > FRAME_MAX_CHARS or AUTO_REPLY_RE.match(text):
        return None
    has_greeting = bool(GREETING_RE.match(text))
    is_signed = bool(SIGNED_RE.search(text))
    casual = text[:1].islower()
    if has_greeting:
        # The core already opens the message, so fragments may only follow it.
        patterns = ["sig", "cl", "cl_sig"]
    elif casual:
        patterns = ["g_plain", "sig"]
    else:
        patterns = ["g_sig", "g_op", "op_cl", "sig", "full", "g_cl"]
    if is_signed:
        patterns = [p for p in patterns if p in {"g_op", "g_plain"}]
    if not patterns:
        return None
    pattern = rng.choice(patterns)
    # People put the greeting on its own line more often than inline.
    after_greeting = rng.choices(["\n\n", "\n", " "], weights=[6, 1, 3])[0]

    def pick(section: str) -> str:
        return rng.choice(fragments[section])

    if pattern == "g_sig":
        return f"{pick('greeting')}{after_greeting}{text}\n\n{pick('signoff')}"
    if pattern == "g_op":
        return f"{pick('greeting')}{after_greeting}{pick('opener')} {text}"
    if pattern == "op_cl":
        return f"{pick('opener')} {text} {pick('closer')}"
    if pattern == "sig":
        return f"{text}\n\n{pick('signoff')}"
    if pattern == "cl":
        return f"{text} {pick('closer')}"
    if pattern == "cl_sig":
        return f"{text} {pick('closer')}\n\n{pick('signoff')}"
    if pattern == "full":
        return (
            f"{pick('greeting')}{after_greeting}{pick('opener')} {text} {pick('closer')}"
            f"\n\n{pick('signoff')}"
        )
    if pattern == "g_cl":
        return f"{pick('greeting')}{after_greeting}{text} {pick('closer')}"
    return f"{pick('greeting').rstrip(',')} - {text}"


def build_examples(
    corpus: Path | None, previous: dict[str, str]
) -> tuple[list[Example], list[dict[str, str]], list]:
    """Build all examples; return them with the external rows used and the merged near-dups."""
    authored = load_authored_cores()
    external, external_rows = load_external_cores(corpus)
    cores = authored + external
    group_of, merged = build_groups(cores, frame_sentences())
    split_of_group = assign_splits(cores, group_of, previous)
    core_sentences = {normalize(s) for core in cores for s in sentences(core.text)}
    frames = load_frames(core_sentences)
    examples: list[Example] = []
    for core in cores:
        group = group_of[core.id]
        split = split_of_group[group]
        examples.append(
            Example(
                core.id,
                core.text,
                core.labels,
                core.source,
                split,
                group,
                core.hard_negative,
                core.note,
            )
        )
        if core.source != "authored":
            continue  # third-party rows stay verbatim
        rng = random.Random(f"{SEED}:{core.id}")
        if rng.random() >= FRAME_RATE:
            continue
        framed = frame_text(core, frames[split], rng)
        if framed is None:
            continue
        note = f"framed: label-neutral pleasantries around {core.id}"
        examples.append(
            Example(
                f"{core.id}-f",
                framed,
                core.labels,
                core.source,
                split,
                group,
                core.hard_negative,
                f"{core.note}; {note}" if core.note else note,
            )
        )
    order = {split: index for index, split in enumerate(SPLITS)}
    examples.sort(key=lambda example: (order[example.split], example.id))
    return examples, external_rows, merged


def parse_eval_block(text: str, where: str) -> tuple[str, list[dict[str, object]]]:
    """Strip ``[[label, label: sentence]]`` markup, returning plain text and label spans."""
    pattern = re.compile(r"\[\[([a-z_, ]+):\s*(.+?)\]\]", re.DOTALL)
    plain: list[str] = []
    spans: list[dict[str, object]] = []
    position = 0
    length = 0
    for match in pattern.finditer(text):
        before = text[position : match.start()]
        plain.append(before)
        length += len(before)
        labels = canonical_labels(label.strip() for label in match.group(1).split(","))
        span_text = match.group(2)
        for label in labels:
            spans.append(
                {"label": label, "start": length, "end": length + len(span_text), "text": span_text}
            )
        plain.append(span_text)
        length += len(span_text)
        position = match.end()
    plain.append(text[position:])
    result = "".join(plain)
    if "[[" in result or "]]" in result:
        raise ValueError(f"{where}: unbalanced span markup")
    for span in spans:
        start, end = int(span["start"]), int(span["end"])  # type: ignore[call-overload]
        if result[start:end] != span["text"]:
            raise ValueError(f"{where}: span offsets do not match the text")
    return result, spans


def build_sentence_eval() -> list[dict[str, object]]:
    """Read ``authored/sentences_eval.txt`` into span-annotated evaluation records."""
    path = AUTHORED / "sentences_eval.txt"
    if not path.exists():
        return []
    records: list[dict[str, object]] = []
    for header, text, line in read_blocks(path):
        where = f"{path.name}:{line}"
        if not header.startswith("@@"):
            raise ValueError(f"{where}: evaluation blocks start with '@@'")
        note = header[2:].strip().removeprefix("note=").strip() or None
        plain, spans = parse_eval_block(text, where)
        labels = canonical_labels(str(span["label"]) for span in spans)
        record: dict[str, object] = {
            "id": f"se-{short_hash(plain)}",
            "text": plain,
            "labels": list(labels),
            "spans": spans,
        }
        if note:
            record["note"] = note
        records.append(record)
    ids = [record["id"] for record in records]
    if len(ids) != len(set(ids)):
        raise ValueError("sentences_eval.txt: duplicate replies")
    return records


def write_outputs(
    examples: Sequence[Example],
    external_rows: Sequence[dict[str, str]],
    eval_records: Sequence[dict[str, object]],
) -> None:
    """Write examples.jsonl, used_external_rows.csv and sentences_eval.jsonl."""
    with (DATA / "examples.jsonl").open("w", encoding="utf-8") as handle:
        for example in examples:
            handle.write(json.dumps(example.to_json(), ensure_ascii=False) + "\n")
    split_by_id = {example.id: example.split for example in examples}
    with (DATA / "used_external_rows.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "dataset",
                "file",
                "locator",
                "example_id",
                "split",
                "labels",
                "license",
                "text_sha1",
            ]
        )
        for row in external_rows:
            dataset = row["dataset"]
            stem = Path(row["file"]).stem.split("-")[0].lower()
            example_id = f"{DATASET_PREFIX[dataset]}-{stem}-{row['locator'].split()[1]}"
            writer.writerow(
                [
                    dataset,
                    row["file"],
                    row["locator"],
                    example_id,
                    split_by_id[example_id],
                    " ".join(canonical_labels(row["labels"].split())) or "none",
                    DATASET_LICENSES[dataset],
                    # The hash of the stripped text lets a transfer evaluation exclude these rows
                    # even if it reads the dataset in another order.
                    hashlib.sha1(row["text"].encode("utf-8")).hexdigest(),
                ]
            )
    with (DATA / "sentences_eval.jsonl").open("w", encoding="utf-8") as handle:
        for record in eval_records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")


def load_jsonl(path: Path) -> list[dict]:
    """Read a JSON-lines file."""
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def self_check(examples: list[dict], eval_records: list[dict]) -> bool:
    """Print counts and leakage checks; return False when a hard rule is broken."""
    ok = True
    print(f"examples: {len(examples)}")
    split_counts = Counter(example["split"] for example in examples)
    print("per split:", {split: split_counts[split] for split in SPLITS})
    header = f"{'label':26s}" + "".join(f"{split:>8s}" for split in SPLITS) + f"{'total':>8s}"
    print(header)
    for label in (*LABELS, "(none)"):
        row = []
        for split in SPLITS:
            row.append(
                sum(
                    1
                    for example in examples
                    if example["split"] == split
                    and (
                        label in example["labels"] or (label == "(none)" and not example["labels"])
                    )
                )
            )
        print(f"{label:26s}" + "".join(f"{count:8d}" for count in row) + f"{sum(row):8d}")
    distinct: Counter[str] = Counter()
    for example in examples:
        if not example["id"].endswith("-f"):
            for label in example["labels"]:
                distinct[label] += 1
    print("distinct cores per label (framed variants excluded):", dict(distinct))
    multi = sum(1 for example in examples if len(example["labels"]) > 1)
    print(f"multi-label examples: {multi}")
    combos = Counter(
        "+".join(example["labels"]) for example in examples if len(example["labels"]) > 1
    )
    print("multi-label combinations:", dict(combos.most_common()))
    negatives = [example for example in examples if not example["labels"]]
    hard = [example for example in negatives if example.get("cues")]
    print(
        f"negatives: {len(negatives)}; hard (contain a cue word of some label): {len(hard)} "
        f"({100 * len(hard) / max(1, len(negatives)):.1f}%)"
    )
    cue_counts = Counter(label for example in negatives for label in example.get("cues", []))
    print("negatives per cue label:", {label: cue_counts[label] for label in LABELS})
    print(
        "negative types:",
        dict(Counter(e.get("negative_type", "-") for e in negatives).most_common()),
    )
    for label in LABELS:
        positives = [example for example in examples if label in example["labels"]]
        with_cue = sum(1 for example in positives if CUE_PATTERNS[label].search(example["text"]))
        print(
            f"  {label}: positives containing its own cue words "
            f"{with_cue}/{len(positives)} ({100 * with_cue / max(1, len(positives)):.0f}%)"
        )
    sources = Counter(example["source"] for example in examples)
    print("sources:", dict(sources))
    framed = sum(1 for example in examples if example["id"].endswith("-f"))
    print(f"framed variants: {framed}")
    for split in SPLITS:
        groups = {example["group"] for example in examples if example["split"] == split}
        print(f"groups in {split}: {len(groups)}")

    ids = Counter(example["id"] for example in examples)
    if any(count > 1 for count in ids.values()):
        ok = False
        print("ERROR duplicate ids:", [key for key, count in ids.items() if count > 1])
    norm = Counter(normalize(example["text"]) for example in examples)
    exact = [key for key, count in norm.items() if count > 1]
    print(f"exact duplicates after normalization: {len(exact)}")
    ok &= not exact

    group_splits: dict[str, set[str]] = defaultdict(set)
    for example in examples:
        group_splits[example["group"]].add(example["split"])
    straddling = [group for group, splits in group_splits.items() if len(splits) > 1]
    print(f"groups in more than one split: {len(straddling)}")
    ok &= not straddling

    sentence_splits: dict[str, set[str]] = defaultdict(set)
    for example in examples:
        for sentence in sentences(example["text"]):
            sentence_splits[normalize(sentence)].add(example["split"])
    shared = {
        key: splits
        for key, splits in sentence_splits.items()
        if "test" in splits and len(splits) > 1 and key
    }
    exempt = frame_sentences()
    long_shared = {
        key: s
        for key, s in shared.items()
        if len(key.split()) >= SHARED_SENTENCE_MIN_WORDS and key not in exempt
    }
    print(
        f"sentences in test and another split: {len(shared)} "
        f"({len(long_shared)} with >= {SHARED_SENTENCE_MIN_WORDS} words and not a frame)"
    )
    if shared:
        print("  all:", sorted(shared))
    ok &= not long_shared

    texts = [example["text"] for example in examples]
    pairs = similar_pairs(texts, NEAR_DUP_REPORT)
    cross = [
        (examples[i], examples[j], score)
        for i, j, score in pairs
        if examples[i]["split"] != examples[j]["split"]
    ]
    print(f"near-duplicate pairs across splits (cosine >= {NEAR_DUP_REPORT}): {len(cross)}")
    for first, second, score in cross[:10]:
        print(f"  {score:.2f} [{first['split']}] {first['text'][:70]!r}")
        print(f"       [{second['split']}] {second['text'][:70]!r}")
    ok &= not cross
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
    matrix = vectorizer.fit_transform([normalize(text) for text in texts])
    test_rows = [i for i, example in enumerate(examples) if example["split"] == "test"]
    other_rows = [i for i, example in enumerate(examples) if example["split"] != "test"]
    best = (matrix[test_rows] @ matrix[other_rows].T).max(axis=1).toarray().ravel()
    print(
        "max similarity of each test example to any train/valid example: "
        f"median {sorted(best)[len(best) // 2]:.2f}, max {best.max():.2f}"
    )

    if eval_records:
        print(f"sentences_eval: {len(eval_records)} replies")
        eval_labels: Counter[str] = Counter()
        for record in eval_records:
            eval_labels.update(record["labels"])
        print("  replies per label:", dict(eval_labels))
        print(
            "  replies without labels:", sum(1 for record in eval_records if not record["labels"])
        )
        train_sentences = {
            key for key, splits in sentence_splits.items() if splits & {"train", "valid", "test"}
        }
        overlap = {
            normalize(sentence)
            for record in eval_records
            for sentence in sentences(record["text"])
            if normalize(sentence) in train_sentences
        }
        # Eval replies are judged by the sentences that carry labels; short stock phrases
        # ("Kind regards") may recur, anything of four words or more may not.
        long_overlap = [key for key in overlap if len(key.split()) >= 4]
        print(
            f"  eval sentences also in examples.jsonl: {len(overlap)} "
            f"({len(long_overlap)} with >= 4 words)"
        )
        if overlap:
            print("  e.g.:", sorted(overlap)[:12])
        eval_texts = [str(record["text"]) for record in eval_records]
        combined = similar_pairs(eval_texts + texts, NEAR_DUP_REPORT)
        eval_near = [(i, j) for i, j, _ in combined if i < len(eval_texts) <= j]
        print(f"  eval replies near-duplicating an example: {len(eval_near)}")
        ok &= not long_overlap and not eval_near
    print("self-check:", "PASS" if ok else "FAIL")
    return ok


def main(argv: Sequence[str] | None = None) -> int:
    """Build the data files (unless ``--check-only``) and run the self-check."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--check-only", action="store_true", help="only run the self-check")
    parser.add_argument(
        "--reshuffle",
        action="store_true",
        help="ignore the splits stored in examples.jsonl and assign all groups afresh",
    )
    args = parser.parse_args(argv)
    if not args.check_only:
        corpus: Path | None = args.corpus
        if corpus is not None and not corpus.is_dir():
            print(f"corpus not found at {corpus}; external texts are not re-verified")
            corpus = None
        previous = {} if args.reshuffle else previous_splits(DATA / "examples.jsonl")
        examples, external_rows, merged = build_examples(corpus, previous)
        eval_records = build_sentence_eval()
        write_outputs(examples, external_rows, eval_records)
        print(f"near-duplicate cores merged into shared groups: {len(merged)}")
        for first, second, score in merged[:40]:
            print(f"  {score:.2f} {first} ~ {second}")
    examples_json = load_jsonl(DATA / "examples.jsonl")
    eval_path = DATA / "sentences_eval.jsonl"
    eval_json = load_jsonl(eval_path) if eval_path.exists() else []
    return 0 if self_check(examples_json, eval_json) else 1


if __name__ == "__main__":
    sys.exit(main())
