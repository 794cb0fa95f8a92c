"""Ingest: mailbox exports in, walkaway :class:`~walkaway.types.Message` records out.

Streaming from end to end: files are found and read one message at a time
(:func:`iter_raw_items`), each raw item is parsed by the mail-parser adapter
(:func:`parse_item`), and repeated messages are dropped by id (:class:`Deduplicator`).
Every input item ends as exactly one of parsed, duplicate or quarantined, and
:class:`IngestStats` counts them.

>>> for message in read_messages(["export/inbox.mbox"]):  # doctest: +SKIP
...     print(message.date, message.sender, message.subject)
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator

from walkaway.ingest.limits import DEFAULT_LIMITS, Limits
from walkaway.ingest.limits import resolve as resolve_limits
from walkaway.ingest.parse import parse_item
from walkaway.ingest.sources import (
    DEFAULT_MAX_BYTES,
    iter_input_files,
    iter_raw_items,
    mbox_line_offset,
    mbox_location,
    read_file,
)
from walkaway.ingest.stats import Deduplicator, IngestStats
from walkaway.types import Message, Quarantined

__all__ = [
    "DEFAULT_LIMITS",
    "DEFAULT_MAX_BYTES",
    "Deduplicator",
    "IngestStats",
    "Limits",
    "iter_input_files",
    "iter_raw_items",
    "mbox_line_offset",
    "mbox_location",
    "parse_item",
    "read_file",
    "read_messages",
    "scan",
]

Paths = str | os.PathLike[str] | Iterable[str | os.PathLike[str]]


def scan(
    paths: Paths,
    *,
    stats: IngestStats | None = None,
    max_bytes: int | None = None,
    limits: Limits | None = None,
) -> Iterator[Message | Quarantined]:
    """Yield every parsed message and every quarantined item under ``paths``, in order.

    Duplicates (a message id seen before) are counted in ``stats`` and not yielded.
    ``limits`` bounds what one message may cost (default :data:`DEFAULT_LIMITS`);
    ``max_bytes``, when given, overrides its size limit.

    Raises:
        walkaway.errors.InputNotFoundError: a path does not exist.
    """
    stats = stats if stats is not None else IngestStats()
    seen = Deduplicator()
    limits = resolve_limits(limits, max_bytes)
    for item in iter_raw_items(paths, max_bytes=limits.max_bytes, on_skip=stats.add_skipped):
        result = item if isinstance(item, Quarantined) else parse_item(item, limits=limits)
        if isinstance(result, Quarantined):
            stats.add_quarantined(result)
            yield result
        elif seen.is_duplicate(result):
            stats.add_duplicate()
        else:
            stats.add_parsed(result)
            yield result


def read_messages(paths: Paths) -> Iterator[Message]:
    """Yield the parsed, de-duplicated messages under ``paths`` (files or folders), streaming.

    Formats are recognised from content: mbox (incl. Gmail Takeout and Thunderbird),
    .eml trees, Maildir, Outlook .msg, Apple Mail .emlx, and gzip of any of these. Items
    that cannot be used are skipped here; use :func:`scan` to see them and their reasons.

    Raises:
        walkaway.errors.InputNotFoundError: a path does not exist.
    """
    for result in scan(paths):
        if isinstance(result, Message):
            yield result
