"""``walkaway_rules``: phrase and token rules from ``patterns/*.jsonl`` as labelled spans.

One component instance matches a set of pattern files with one ``PhraseMatcher`` (phrases,
on ``NORM`` by default so "don't", "dont" and "don’t" need no variants) and a
:class:`TriggeredMatcher` (token patterns), drops matches that a nearby negation cancels
("no need to reschedule"), applies the sentence-level combine rules ("revisit" + "next
quarter"), and writes what is left to ``doc.spans[spans_key]``. The parts that fed combine
rules go to ``doc.spans[spans_key + "_parts"]``, so later stages can see, say, which words
named the period of a deferral.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy
import srsly
from spacy.attrs import IDS, IS_PUNCT, NORM, SENT_START
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import ensure_path, filter_spans
from spacy.vocab import Vocab

from walkaway.errors import ConfigError, ModelError
from walkaway.nlp.patterns import (
    CombineRule,
    PatternRule,
    Rule,
    load_rules,
    read_rules,
    rules_from_json,
    write_rules,
)

# Norms, so "n't", "nt" and "n’t" are all "not".
NEGATORS = frozenset({"not", "no", "never", "without", "nothing", "neither", "nor", "none"})
# A negation does not reach across these: "No, but we need to reschedule", and "not until
# Q3" or "not before January" still name the period.
NEGATION_STOPS = frozenset(
    {"but", "however", "though", "although", "yet", "and", "so", "until", "till", "til", "before"}
)

_KEY_SEPARATOR = "\x1f"
# Token attributes whose string value can index a trigger, in order of preference.
_STRING_ATTRS = ("LOWER", "NORM", "ORTH", "TEXT", "SHAPE")
_FLAG_ATTRS = frozenset({"LIKE_NUM", "IS_DIGIT", "IS_ALPHA", "IS_TITLE", "IS_UPPER", "LIKE_URL"})
# Rough costs of spaCy's Matcher in ns, measured on our test machine: per call, per token,
# per token and pattern. Only their ratios matter (see TriggeredMatcher._match_group).
_CALL_COST = 15_000
_TOKEN_COST = 250
_PATTERN_COST = 120
_OPTIONAL = re.compile(r"\?|\{0,(\d+)\}")
_REPEAT = re.compile(r"\{(\d*)(,?)(\d*)\}")


def compile_token_pattern(pattern: Sequence[Mapping[str, Any]]) -> list[list[dict[str, Any]]]:
    """Equivalent patterns whose first token can serve as a trigger.

    A first token ``{"LOWER": {"IN": [a, b]}}`` becomes two patterns starting ``{"LOWER":
    a}`` and ``{"LOWER": b}`` (other keys of that token are kept), and an optional first
    token (``"?"``, ``"{0,n}"``) becomes the variants without it and with it repeated.
    Later tokens are untouched: their predicates only run where a pattern already started.
    This keeps the rule data short while :class:`TriggeredMatcher` stays fast.
    """
    tokens = [dict(token) for token in pattern]
    if not tokens:
        return []
    first, rest = tokens[0], tokens[1:]
    optional = _OPTIONAL.fullmatch(first["OP"]) if isinstance(first.get("OP"), str) else None
    if optional:
        mandatory = {key: value for key, value in first.items() if key != "OP"}
        variants = compile_token_pattern(rest) if rest else []
        for count in range(1, int(optional.group(1) or 1) + 1):
            variants.extend(compile_token_pattern([mandatory] * count + rest))
        return variants
    if "OP" not in first:
        for attr in _STRING_ATTRS:
            value = first.get(attr)
            if isinstance(value, dict) and set(value) == {"IN"}:
                return [[{**first, attr: option}, *rest] for option in dict.fromkeys(value["IN"])]
    return [tokens]


def _trigger_attr(token: Mapping[str, Any]) -> str | None:
    """The attribute of a first token that can index a trigger, if any."""
    if "OP" in token:
        return None
    for attr in _STRING_ATTRS:
        if isinstance(token.get(attr), str):
            return attr
    for attr in _FLAG_ATTRS:
        if isinstance(token.get(attr), bool) and token[attr]:
            return attr
    return None


def _max_length(pattern: Sequence[Mapping[str, Any]]) -> int | None:
    """Most tokens a pattern can cover; ``None`` when unbounded."""
    total = 0
    for token in pattern:
        operator = token.get("OP")
        if operator in (None, "!", "?", "1"):
            total += 1
            continue
        repeat = _REPEAT.fullmatch(operator) if isinstance(operator, str) else None
        if repeat is None or (repeat.group(2) and not repeat.group(3)):
            return None  # "*", "+", "{n,}"
        total += int(repeat.group(3) or repeat.group(1))
    return total


def _token_test(token: Mapping[str, Any]) -> tuple[str, frozenset[Any]] | None:
    """``(attr, accepted values)`` when a token is a single mandatory plain test."""
    if "OP" in token or len(token) != 1:
        return None
    ((attr, value),) = token.items()
    if attr in _STRING_ATTRS:
        if isinstance(value, str):
            return attr, frozenset([value])
        if isinstance(value, dict) and set(value) == {"IN"}:
            return attr, frozenset(value["IN"])
    if attr in _FLAG_ATTRS and value is True:
        return attr, frozenset([True])
    return None


class _Group:
    """The patterns that share a first-token trigger, and what may follow the trigger."""

    def __init__(self, vocab: Vocab, validate: bool) -> None:
        self.matcher = Matcher(vocab, validate=validate)
        self.longest: int | None = 0
        # attr id -> accepted values of the second token; None when any token may follow.
        self.second: dict[int, set[int]] | None = {}

    def add(self, key: str, patterns: list[list[dict[str, Any]]], vocab: Vocab) -> None:
        self.matcher.add(key, patterns)
        for pattern in patterns:
            length = _max_length(pattern)
            self.longest = (
                None if length is None or self.longest is None else max(self.longest, length)
            )
            test = _token_test(pattern[1]) if len(pattern) > 1 else None
            if test is None or self.second is None:
                self.second = None
                continue
            attr, values = test
            self.second.setdefault(_attr_id(attr), set()).update(
                _value_id(v, vocab) for v in values
            )


def _attr_id(attr: str) -> int:
    return IDS["ORTH" if attr == "TEXT" else attr]


def _value_id(value: str | bool, vocab: Vocab) -> int:
    return int(value) if isinstance(value, bool) else vocab.strings.add(value)


class TriggeredMatcher:
    """spaCy ``Matcher`` patterns run only where their first tokens occur.

    The ``Matcher`` starts every pattern at every token (about 120 ns per pattern per token
    on our test machine), and it calls the Python predicates of a first token (``IN``,
    ``REGEX``) at every token, so a hundred patterns cost more than tokenizing. Here patterns
    are grouped by a plain test on their first token (``LOWER == "sorry"``, ``SHAPE ==
    "dddd"``, ``LIKE_NUM``). A document is scanned once with numpy for the trigger values;
    where every pattern of a group needs a plain second token ("can" + "not"/"we"), that is
    checked too, and only then does the group's small ``Matcher`` run, on a window that
    starts at the trigger. Patterns without a usable first token go to an ordinary
    ``Matcher`` over the whole doc.
    """

    def __init__(self, vocab: Vocab, *, validate: bool) -> None:
        self.vocab = vocab
        self.validate = validate
        self._groups: dict[tuple[int, int], _Group] = {}
        self._triggers: dict[int, numpy.ndarray] = {}
        self._attr_ids: list[int | str] = []
        self.fallback = Matcher(vocab, validate=validate)
        self._count = 0

    def __len__(self) -> int:
        return self._count

    def add(self, key: str, patterns: Iterable[list[dict[str, Any]]]) -> None:
        """Add token patterns under ``key`` (a string, as for ``Matcher.add``)."""
        grouped: dict[tuple[int, int], list[list[dict[str, Any]]]] = defaultdict(list)
        for pattern in patterns:
            attr = _trigger_attr(pattern[0])
            if attr is None:
                self.fallback.add(key, [pattern])
            else:
                trigger = (_attr_id(attr), _value_id(pattern[0][attr], self.vocab))
                grouped[trigger].append(pattern)
            self._count += 1
        for trigger, group_patterns in grouped.items():
            group = self._groups.setdefault(trigger, _Group(self.vocab, self.validate))
            group.add(key, group_patterns, self.vocab)
        values: dict[int, set[int]] = defaultdict(set)
        attrs: set[int] = set()
        for (attr_id, value), group in self._groups.items():
            values[attr_id].add(value)
            attrs.add(attr_id)
            attrs.update(group.second or ())
        self._triggers = {
            attr_id: numpy.asarray(sorted(found), dtype=numpy.uint64)
            for attr_id, found in values.items()
        }
        self._attr_ids = [*sorted(attrs)]

    def __call__(self, doc: Doc) -> list[tuple[int, int, int]]:
        """``(match_id, start, end)`` for every match, like ``Matcher.__call__``."""
        results: list[tuple[int, int, int]] = []
        if self._triggers and len(doc):
            table = doc.to_array(self._attr_ids).reshape(len(doc), len(self._attr_ids))
            columns = {int(attr_id): table[:, i] for i, attr_id in enumerate(self._attr_ids)}
            followers = {attr_id: [*column[1:].tolist(), 0] for attr_id, column in columns.items()}
            for attr_id, triggers in self._triggers.items():
                values = columns[attr_id]
                # Membership by binary search: numpy.isin sorts its input on every call.
                slots = numpy.minimum(numpy.searchsorted(triggers, values), len(triggers) - 1)
                positions = numpy.flatnonzero(triggers[slots] == values).tolist()
                by_group: dict[int, list[int]] = defaultdict(list)
                for position, value in zip(positions, values[positions].tolist(), strict=True):
                    by_group[value].append(position)
                for value, starts in by_group.items():
                    group = self._groups[(attr_id, value)]
                    if group.second:
                        second = group.second
                        starts = [
                            s
                            for s in starts
                            if any(followers[a][s] in accepted for a, accepted in second.items())
                        ]
                    if starts:
                        results.extend(self._match_group(doc, group, starts))
        if len(self.fallback):
            results.extend(self.fallback(doc))
        return results

    @staticmethod
    def _match_group(doc: Doc, group: _Group, starts: list[int]) -> list[tuple[int, int, int]]:
        matcher, longest = group.matcher, group.longest
        # Estimated cost in ns: one Matcher call has a fixed overhead and then costs per
        # token and pattern. A trigger that is frequent in this doc ("requires" in a spec
        # file, numbers in a report) is cheaper to match in one pass over the whole doc.
        per_token = _TOKEN_COST + _PATTERN_COST * len(matcher)
        window = len(doc) if longest is None else min(len(doc), longest)
        if len(starts) * (_CALL_COST + window * per_token) >= _CALL_COST + len(doc) * per_token:
            return list(matcher(doc))
        found: list[tuple[int, int, int]] = []
        for start in starts:
            end = len(doc) if longest is None else min(len(doc), start + longest)
            found.extend(
                (key, start, start + match_end)
                for key, match_start, match_end in matcher(doc[start:end])
                if match_start == 0
            )
        return found


@dataclass(frozen=True, slots=True)
class RuleMatch:
    """One match before it becomes a span: token offsets, label, pattern id, sentence index."""

    label: str
    id: str
    start: int
    end: int
    sentence: int
    weak: bool = False


def sentence_starts_of(doc: Doc) -> list[int]:
    """Token indices where sentences start; ``[0]`` when no sentence boundaries are set."""
    if not len(doc) or not doc.has_annotation("SENT_START"):
        return [0]
    flags = doc.to_array(SENT_START).astype(numpy.int64)
    starts = numpy.flatnonzero(flags == 1).tolist()
    return starts if starts and starts[0] == 0 else [0, *starts]


class RuleMatcher:
    """Pattern rules as spans; see the module docstring."""

    def __init__(
        self,
        nlp: Language,
        name: str,
        *,
        spans_key: str,
        pattern_files: Sequence[str],
        phrase_matcher_attr: str,
        negation_window: int,
        validate: bool,
    ) -> None:
        self.nlp = nlp
        self.name = name
        self.spans_key = spans_key
        self.pattern_files = list(pattern_files)
        self.phrase_matcher_attr = phrase_matcher_attr
        self.negation_window = negation_window
        self.validate = validate
        self.rules: list[Rule] = []
        self._initialized = False
        self._negator_ids = frozenset(nlp.vocab.strings.add(word) for word in NEGATORS)
        self._stop_ids = frozenset(nlp.vocab.strings.add(word) for word in NEGATION_STOPS)
        self._reset()

    # -- pattern management -------------------------------------------------------------

    def _reset(self) -> None:
        self.matcher = TriggeredMatcher(self.nlp.vocab, validate=self.validate)
        self.phrase_matcher = PhraseMatcher(
            self.nlp.vocab, attr=self.phrase_matcher_attr, validate=self.validate
        )
        self._keys: dict[int, PatternRule] = {}
        self.combine_rules: list[CombineRule] = []
        self.part_labels: frozenset[str] = frozenset()

    def initialize(
        self,
        get_examples: Callable[[], Iterable[Any]] | None = None,
        *,
        nlp: Language | None = None,
        patterns: list[dict[str, Any]] | None = None,
    ) -> None:
        """Load the rules: ``patterns`` when given, else the package files in ``pattern_files``."""
        self.clear()
        rules = load_rules(self.pattern_files) if patterns is None else rules_from_json(patterns)
        self.add_rules(rules)

    def clear(self) -> None:
        """Remove every rule."""
        self.rules = []
        self._initialized = False
        self._reset()

    def add_rules(self, rules: Iterable[Rule]) -> None:
        """Add rules (read with :mod:`walkaway.nlp.patterns`) to the matchers."""
        new_rules = list(rules)
        self.rules.extend(new_rules)
        phrases: dict[str, list[Doc]] = defaultdict(list)
        tokens: dict[str, list[list[dict[str, Any]]]] = defaultdict(list)
        for rule in new_rules:
            if isinstance(rule, CombineRule):
                self.combine_rules.append(rule)
                continue
            key = _KEY_SEPARATOR.join((rule.label, rule.id, str(rule.negatable), str(rule.weak)))
            self._keys[self.nlp.vocab.strings.add(key)] = rule
            if isinstance(rule.pattern, str):
                phrases[key].append(self.nlp.make_doc(rule.pattern))
            else:
                tokens[key].extend(compile_token_pattern(rule.pattern))
        for key, docs in phrases.items():
            self.phrase_matcher.add(key, docs)
        for key, token_patterns in tokens.items():
            try:
                self.matcher.add(key, token_patterns)
            except (ValueError, KeyError) as error:  # spaCy's message names the bad attribute
                label, rule_id = key.split(_KEY_SEPARATOR)[:2]
                raise ConfigError(f"invalid token pattern {label}/{rule_id}: {error}") from error
        self.part_labels = frozenset(p for rule in self.combine_rules for p in rule.parts)
        self._initialized = True

    @property
    def labels(self) -> tuple[str, ...]:
        """Labels this component can write to ``doc.spans[spans_key]``."""
        return tuple(sorted({r.label for r in self.rules} - set(self.part_labels)))

    @property
    def patterns(self) -> list[dict[str, Any]]:
        """The rules as JSON objects, in the pattern-file format."""
        return [rule.to_json() for rule in self.rules]

    # -- matching ---------------------------------------------------------------------------

    def require_patterns(self) -> None:
        """Raise :class:`ModelError` when the rules were never loaded."""
        if not self._initialized:
            raise ModelError(
                f"the {self.name!r} component has no patterns: call nlp.initialize() or build "
                "the pipeline with walkaway.nlp.build_pipeline()"
            )

    def __call__(self, doc: Doc) -> Doc:
        self.require_patterns()
        matches, parts = self.match(doc)
        self.set_annotations(doc, matches, parts)
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterable[Doc]:
        for doc in docs:
            yield self(doc)

    def match(self, doc: Doc) -> tuple[list[RuleMatch], list[RuleMatch]]:
        """Find matches: (signal matches, part matches), negated ones already dropped."""
        # An empty matcher warns on every call, so only the ones with patterns run.
        raw = self.phrase_matcher(doc) if len(self.phrase_matcher) else []
        if len(self.matcher):
            raw += self.matcher(doc)
        if not raw:
            return [], []
        hits = [(self._keys[key], start, end) for key, start, end in raw]
        sentence_starts = sentence_starts_of(doc)
        negated = self._negated_starts(doc, {start for rule, start, _ in hits if rule.negatable})
        found: list[RuleMatch] = []
        for rule, start, end in hits:
            if rule.negatable and start in negated:
                continue
            sentence = bisect.bisect_right(sentence_starts, start) - 1
            found.append(RuleMatch(rule.label, rule.id, start, end, sentence, rule.weak))
        parts = [m for m in found if m.label in self.part_labels]
        signals = [m for m in found if m.label not in self.part_labels]
        signals.extend(self._combine(parts))
        return signals, parts

    def _negated_starts(self, doc: Doc, starts: set[int]) -> set[int]:
        """The match starts that a negator cancels: one within ``negation_window`` tokens
        before, in the same sentence, with no punctuation or "but" in between."""
        if not starts or not self.negation_window:
            return set()
        # Arrays instead of Token objects: creating a Token costs more than the test itself.
        table = doc.to_array([NORM, IS_PUNCT, SENT_START]).reshape(len(doc), 3)
        norms, punct, sentence_start = table.T.tolist()
        negated = set()
        for start in starts:
            for index in range(start - 1, max(-1, start - 1 - self.negation_window), -1):
                if punct[index] or norms[index] in self._stop_ids or sentence_start[index + 1] == 1:
                    break
                if norms[index] in self._negator_ids:
                    negated.add(start)
                    break
        return negated

    def _combine(self, parts: list[RuleMatch]) -> list[RuleMatch]:
        """Matches of the combine rules: both part labels in one sentence, closest pair."""
        if not parts or not self.combine_rules:
            return []
        by_sentence: dict[int, dict[str, list[RuleMatch]]] = defaultdict(lambda: defaultdict(list))
        for part in parts:
            by_sentence[part.sentence][part.label].append(part)
        combined: list[RuleMatch] = []
        for sentence, labelled in by_sentence.items():
            for rule in self.combine_rules:
                firsts, seconds = labelled.get(rule.parts[0]), labelled.get(rule.parts[1])
                if not firsts or not seconds:
                    continue
                pairs = [
                    (max(a.start, b.start) - min(a.end, b.end), a, b)
                    for a in firsts
                    for b in seconds
                    # The parts must not overlap, and keep the rule's order and distance.
                    if (a.end <= b.start or (not rule.ordered and b.end <= a.start))
                    and (
                        rule.max_gap is None
                        or max(a.start, b.start) - min(a.end, b.end) <= rule.max_gap
                    )
                ]
                if not pairs:
                    continue
                _, first, second = min(pairs, key=lambda item: (item[0], item[1].start))
                combined.append(
                    RuleMatch(
                        rule.label,
                        f"{rule.id}:{first.id}+{second.id}",
                        min(first.start, second.start),
                        max(first.end, second.end),
                        sentence,
                    )
                )
        return combined

    def set_annotations(self, doc: Doc, matches: list[RuleMatch], parts: list[RuleMatch]) -> None:
        """Write matches to ``doc.spans``: per label, the longest non-overlapping ones."""
        doc.spans[self.spans_key] = _spans(doc, matches)
        if self.combine_rules:
            doc.spans[f"{self.spans_key}_parts"] = _spans(doc, parts)

    # -- serialization ----------------------------------------------------------------------

    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        return srsly.msgpack_dumps({"patterns": self.patterns})

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = ()) -> RuleMatcher:
        self.clear()
        self.add_rules(rules_from_json(srsly.msgpack_loads(data)["patterns"]))
        return self

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        directory = ensure_path(path)
        directory.mkdir(parents=True, exist_ok=True)
        write_rules(directory / "patterns.jsonl", self.rules)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> RuleMatcher:
        self.clear()
        self.add_rules(read_rules(ensure_path(path) / "patterns.jsonl"))
        return self


def _spans(doc: Doc, matches: list[RuleMatch]) -> list[Span]:
    by_label: dict[str, list[Span]] = defaultdict(list)
    for m in matches:
        by_label[m.label].append(Span(doc, m.start, m.end, label=m.label, span_id=m.id))
    spans = [span for group in by_label.values() for span in filter_spans(group)]
    spans.sort(key=lambda span: (span.start, span.end, span.label_))
    return spans


@Language.factory(
    "walkaway_rules",
    default_config={
        "spans_key": "walkaway",
        "pattern_files": ["deferral", "meeting", "authority", "value", "expectations", "vague"],
        "phrase_matcher_attr": "NORM",
        "negation_window": 3,
        "validate": True,
    },
    assigns=["doc.spans"],
    requires=["token.is_sent_start"],
)
def make_rule_matcher(
    nlp: Language,
    name: str,
    spans_key: str,
    pattern_files: list[str],
    phrase_matcher_attr: str,
    negation_window: int,
    validate: bool,
) -> RuleMatcher:
    """Rule spans from pattern files; see :class:`RuleMatcher`."""
    return RuleMatcher(
        nlp,
        name,
        spans_key=spans_key,
        pattern_files=pattern_files,
        phrase_matcher_attr=phrase_matcher_attr,
        negation_window=negation_window,
        validate=validate,
    )
