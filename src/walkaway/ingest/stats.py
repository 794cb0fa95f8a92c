"""Accounting for ingest: every input item ends as parsed, duplicate or quarantined."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from walkaway.types import Message, Quarantined


@dataclass
class IngestStats:
    """Running counts of one ingest run.

    Invariant: ``parsed + duplicates + quarantined == inputs``. Skipped files (hidden, or
    plainly not mail by name) were never read, so they are counted apart and are not inputs.
    """

    inputs: int = 0
    parsed: int = 0
    duplicates: int = 0
    quarantined: int = 0
    skipped_files: int = 0
    quarantine_reasons: Counter[str] = field(default_factory=Counter)
    skip_reasons: Counter[str] = field(default_factory=Counter)
    auto_replies: int = 0
    bounces: int = 0

    def add_parsed(self, message: Message) -> None:
        self.inputs += 1
        self.parsed += 1
        self.auto_replies += message.is_auto_reply
        self.bounces += message.is_bounce

    def add_duplicate(self) -> None:
        self.inputs += 1
        self.duplicates += 1

    def add_quarantined(self, item: Quarantined) -> None:
        self.inputs += 1
        self.quarantined += 1
        self.quarantine_reasons[item.reason] += 1

    def add_skipped(self, path: str, reason: str) -> None:
        del path  # kept in the signature so it can serve as an ``on_skip`` callback
        self.skipped_files += 1
        self.skip_reasons[reason] += 1

    @property
    def balanced(self) -> bool:
        """True when the invariant holds."""
        return self.parsed + self.duplicates + self.quarantined == self.inputs

    def as_dict(self) -> dict[str, object]:
        """Plain data for summary.json."""
        return {
            "inputs": self.inputs,
            "parsed": self.parsed,
            "duplicates": self.duplicates,
            "quarantined": self.quarantined,
            "skipped_files": self.skipped_files,
            "quarantine_reasons": dict(sorted(self.quarantine_reasons.items())),
            "skip_reasons": dict(sorted(self.skip_reasons.items())),
            "auto_replies": self.auto_replies,
            "bounces": self.bounces,
        }


class Deduplicator:
    """Remembers message ids: the first message with an id is kept, later ones are duplicates.

    The same mail often appears more than once in an export (Gmail Takeout lists a message
    once per label in some exports; a Maildir and an mbox of the same account overlap).
    """

    def __init__(self) -> None:
        self._seen: set[str] = set()

    def is_duplicate(self, message: Message) -> bool:
        """True when a message with the same ``id`` was seen before; records it otherwise."""
        if message.id in self._seen:
            return True
        self._seen.add(message.id)
        return False

    def __len__(self) -> int:
        return len(self._seen)
