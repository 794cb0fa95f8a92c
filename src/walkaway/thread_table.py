"""The threads table of ``analyze``, built when asked for, or written in batches.

Like the messages table (:mod:`walkaway.message_table`), it is not built up front: a large
export's table takes more memory than its threads, and building it while the workers score
would add to the run's peak. :class:`ThreadTable` keeps the threads, the messages and our
side; ``to_pandas`` builds the whole table (the Python API's ``result.threads``) and
``write_parquet`` writes the same rows in the same order a batch at a time.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa

from walkaway.message_table import write_batches
from walkaway.people import OwnSide, message_prospects
from walkaway.types import Message, Thread

WRITE_BATCH = 8192
"""Threads per batch (and Parquet row group) when the table is written in batches."""

_LIST = pa.list_(pa.string())
SCHEMA = pa.schema(
    [
        ("thread_id", pa.large_string()),
        ("subject", pa.large_string()),
        ("method", pa.large_string()),
        ("n_messages", pa.int64()),
        ("first_date", pa.timestamp("us", tz="UTC")),
        ("last_date", pa.timestamp("us", tz="UTC")),
        ("prospects", _LIST),
        ("participants", _LIST),
        ("message_ids", _LIST),
        ("placeholders", _LIST),
    ]
)
"""The columns of ``threads.parquet``, typed once so every batch writes the same schema (a
list column empty in every row stays a list of strings)."""


class ThreadTable:
    """The rows of the threads table: one per thread, by first date (undated last), then
    thread id."""

    def __init__(self, threads: Sequence[Thread], messages: Sequence[Message], own: OwnSide):
        self.threads = threads
        self.messages = messages
        self.own = own

    def __len__(self) -> int:
        return len(self.threads)

    def _by_id(self) -> dict[str, Message]:
        return {m.id: m for m in self.messages}

    def _order(self, by_id: dict[str, Message]) -> list[int]:
        """Positions of the threads in table order; ties keep the threads' order."""
        firsts: list[datetime | None] = []
        for thread in self.threads:
            dates = [
                m.date for i in thread.message_ids if (m := by_id.get(i)) and m.date is not None
            ]
            firsts.append(min(dates) if dates else None)
        floor = datetime.min

        def key(i: int) -> tuple[bool, datetime, str]:
            first = firsts[i]
            return (first is None, floor if first is None else first, self.threads[i].thread_id)

        return sorted(range(len(self.threads)), key=key)

    def _frame(self, positions: Sequence[int], by_id: dict[str, Message]) -> pd.DataFrame:
        # Column by column: a dict per thread would leave the heap scattered with their remains.
        columns: dict[str, list[object]] = {name: [] for name in SCHEMA.names}
        own = self.own
        for position in positions:
            thread = self.threads[position]
            members = [by_id[i] for i in thread.message_ids if i in by_id]
            dates = [m.date for m in members if m.date is not None]
            values = (
                thread.thread_id,
                thread.subject,
                thread.method,
                len(members),
                min(dates) if dates else None,
                max(dates) if dates else None,
                sorted({p for m in members for p in message_prospects(m, own)}),
                sorted({a.email for m in members for a in m.participants}),
                list(thread.message_ids),
                list(thread.placeholders),
            )
            for column, value in zip(columns.values(), values, strict=True):
                column.append(value)
        table = pd.DataFrame(columns)
        for name in ("first_date", "last_date"):
            table[name] = pd.to_datetime(table[name], utc=True)
        return table

    def to_pandas(self) -> pd.DataFrame:
        """The whole table (empty, without columns, when there are no threads)."""
        if not self.threads:
            return pd.DataFrame()
        by_id = self._by_id()
        return self._frame(self._order(by_id), by_id)

    def write_parquet(self, path: str | Path, batch_rows: int = WRITE_BATCH) -> None:
        """Write the table to ``path`` a batch of rows at a time (the rows and values of
        :meth:`to_pandas`; memory bounded by the batch and an index of the messages)."""
        if not self.threads:
            pd.DataFrame().to_parquet(path, index=False)
            return
        by_id = self._by_id()
        order = self._order(by_id)
        frames = (
            self._frame(order[i : i + batch_rows], by_id) for i in range(0, len(order), batch_rows)
        )
        write_batches(frames, path, SCHEMA)
