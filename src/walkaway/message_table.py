"""The messages table of ``analyze``, built when asked for, or written in batches.

A large export's messages table is bigger in memory than the messages themselves (pandas
keeps a Python object per cell), so ``analyze`` does not build it up front.
:class:`MessageTable` keeps what it needs to build it: the parsed messages, each one's
thread, our side, and the quoted histories kept on disk (:class:`walkaway.spill.TextSpill`).
``to_pandas`` builds the whole table (the Python API's ``result.messages``);
``write_parquet`` writes the same rows in the same order, a batch at a time, so the CLI's
memory does not depend on the size of the export.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from walkaway.people import OwnSide, message_prospects
from walkaway.spill import TextSpill
from walkaway.types import Message

WRITE_BATCH = 8192
"""Rows per batch (and Parquet row group) when the table is written in batches."""

_LIST = pa.list_(pa.string())
SCHEMA = pa.schema(
    [
        ("id", pa.large_string()),
        ("message_id", pa.large_string()),
        ("thread_id", pa.large_string()),
        ("date", pa.timestamp("us", tz="UTC")),
        ("date_source", pa.large_string()),
        ("sender", pa.large_string()),
        ("sender_name", pa.large_string()),
        ("to", _LIST),
        ("cc", _LIST),
        ("subject", pa.large_string()),
        ("direction", pa.large_string()),
        ("prospects", _LIST),
        ("text", pa.large_string()),
        ("quoted", pa.large_string()),
        ("signature", pa.large_string()),
        ("body_from_html", pa.bool_()),
        ("in_reply_to", pa.large_string()),
        ("references", _LIST),
        ("provider_thread_id", pa.large_string()),
        ("labels", _LIST),
        ("n_attachments", pa.int64()),
        ("attachment_names", _LIST),
        ("is_auto_reply", pa.bool_()),
        ("auto_reply_reason", pa.large_string()),
        ("is_bounce", pa.bool_()),
        ("calendar_method", pa.large_string()),
        ("calendar_partstat", pa.large_string()),
        ("defects", _LIST),
        ("size", pa.int64()),
        ("source", pa.large_string()),
        ("location", pa.large_string()),
    ]
)
"""The columns of ``messages.parquet``, typed once so every batch writes the same schema."""


def direction(message: Message, own: OwnSide) -> str:
    """``outbound``, ``inbound``, ``internal``, ``auto_reply``, ``bounce`` or ``unknown``."""
    sender = message.sender.email if message.sender is not None else ""
    if message.is_bounce:
        return "bounce"
    if message.is_auto_reply:
        return "auto_reply"
    if sender and own.is_own(sender):
        external = [a for a in message.recipients if not own.is_own(a.email)]
        return "outbound" if external else "internal"
    return "inbound" if sender else "unknown"


class MessageTable:
    """The rows of the messages table, sorted by date (undated last), then id.

    ``quoted`` holds each message's quoted history by its position in ``messages``; without
    it the messages' own ``quoted`` field is used.
    """

    def __init__(
        self,
        messages: Sequence[Message],
        thread_of: Mapping[str, str],
        own: OwnSide,
        quoted: TextSpill | None = None,
    ) -> None:
        self.messages = messages
        self.thread_of = thread_of
        self.own = own
        self.quoted = quoted
        self._order: list[int] | None = None

    def __len__(self) -> int:
        return len(self.messages)

    def order(self) -> list[int]:
        """Positions of the messages in table order: by date with the undated last, then by
        id; ties keep input order."""
        if self._order is None:
            messages = self.messages
            floor = datetime.min

            def key(i: int) -> tuple[bool, datetime, str]:
                m = messages[i]
                return (m.date is None, floor if m.date is None else m.date, m.id)

            self._order = sorted(range(len(messages)), key=key)
        return self._order

    def _columns(self, positions: Sequence[int]) -> dict[str, list[object]]:
        messages = [self.messages[i] for i in positions]
        thread_of, own = self.thread_of, self.own
        lists = ("references", "labels", "defects")
        derived: dict[str, Callable[[Message], object]] = {
            "thread_id": lambda m: thread_of.get(m.id, ""),
            "sender": lambda m: m.sender.email if m.sender else "",
            "sender_name": lambda m: m.sender.name if m.sender else "",
            "to": lambda m: [a.email for a in m.to],
            "cc": lambda m: [a.email for a in m.cc],
            "direction": lambda m: direction(m, own),
            "prospects": lambda m: list(message_prospects(m, own)),
            "n_attachments": lambda m: len(m.attachments),
            "attachment_names": lambda m: [a.filename for a in m.attachments],
        }
        # Column by column: a dict per message would briefly double the memory. Every other
        # column is the message field of its name, read with attrgetter (a loop in C): this
        # table is written in the tail of every run, after the workers are done.
        columns: dict[str, list[object]] = {}
        for name in SCHEMA.names:
            if name in derived:
                columns[name] = [derived[name](m) for m in messages]
            elif name == "quoted" and self.quoted is not None:
                columns[name] = self.quoted.get_many(positions)  # type: ignore[assignment]
            elif name in lists:
                columns[name] = list(map(list, map(operator.attrgetter(name), messages)))
            else:
                columns[name] = list(map(operator.attrgetter(name), messages))
        return columns

    def _frame(self, positions: Sequence[int]) -> pd.DataFrame:
        table = pd.DataFrame(self._columns(positions))
        table["date"] = pd.to_datetime(table["date"], utc=True)
        return table

    def to_pandas(self) -> pd.DataFrame:
        """The whole table (empty, without columns, when there are no messages)."""
        if not self.messages:
            return pd.DataFrame()
        return self._frame(self.order()).reset_index(drop=True)

    def write_parquet(self, path: str | Path, batch_rows: int = WRITE_BATCH) -> None:
        """Write the table to ``path`` a batch of rows at a time (the rows and values of
        :meth:`to_pandas`; memory bounded by the batch, not the export)."""
        if not self.messages:
            pd.DataFrame().to_parquet(path, index=False)
            return
        order = self.order()
        frames = (self._frame(order[i : i + batch_rows]) for i in range(0, len(order), batch_rows))
        write_batches(frames, path, SCHEMA)


def write_batches(frames: Iterable[pd.DataFrame], path: str | Path, schema: pa.Schema) -> None:
    """Write frames with the same columns to one Parquet file, a row group each, with the
    column types of ``schema``."""
    writer: pq.ParquetWriter | None = None
    try:
        for frame in frames:
            batch = pa.Table.from_pandas(frame, preserve_index=False)
            if writer is None:
                # The first batch's pandas metadata describes every batch: the columns and
                # their pandas types are the same in each.
                writer = pq.ParquetWriter(path, schema.with_metadata(batch.schema.metadata))
            writer.write_table(batch.cast(writer.schema))
    finally:
        if writer is not None:
            writer.close()


def write_frame(frame: pd.DataFrame, path: str | Path, schema: pa.Schema = SCHEMA) -> None:
    """Write a table already built (``result.messages``) as :meth:`MessageTable.write_parquet`
    would: with the column types of ``schema`` (an all-empty list column stays a list of
    strings). A table whose columns were changed is written as it is."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    if table.schema.names == schema.names:
        table = table.cast(schema.with_metadata(table.schema.metadata))
    pq.write_table(table, path)
