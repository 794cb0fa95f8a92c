"""What keeps ``analyze``'s memory down on large exports: quoted histories on disk, the
messages and threads tables and scores.json written a piece at a time, language results
stored as they come. Each must give exactly what the whole-in-memory way gives."""

from __future__ import annotations

import json
import pickle
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from walkaway.analysis import AnalysisResult, explanations
from walkaway.cache import Cache
from walkaway.engine import LocalEngine
from walkaway.engine.stages import read_inputs
from walkaway.ingest import IngestStats
from walkaway.message_table import MessageTable, write_frame
from walkaway.people import OwnSide, message_prospects
from walkaway.report.tables import write_json, write_json_streamed
from walkaway.spill import TextSpill
from walkaway.thread_table import SCHEMA as THREAD_SCHEMA
from walkaway.thread_table import ThreadTable
from walkaway.types import Address, Message, Thread

TEXTS = ["", "plain", "naïve — “quoted” 🙂", "line\nbreaks\r\n> quoted", "\udcff lone surrogate"]


def test_spill_gives_back_every_text_in_order() -> None:
    spill = TextSpill()
    indexes = [spill.add(text) for text in TEXTS * 3]
    assert indexes == list(range(len(TEXTS) * 3))
    assert [spill.get(i) for i in reversed(indexes)] == list(reversed(TEXTS * 3))
    assert spill.get_many([4, 0, 2]) == [TEXTS[4], TEXTS[0], TEXTS[2]]
    assert spill.nbytes == sum(len(t.encode("utf-8", "surrogatepass")) for t in TEXTS * 3)
    copy = pickle.loads(pickle.dumps(spill))  # a result saved from a notebook
    assert [copy.get(i) for i in indexes] == TEXTS * 3
    spill.close()


def _message(number: int, date: datetime | None) -> Message:
    return Message(
        id=f"m{number % 7}-{number}@example.com",
        source="inbox.mbox",
        location=f"message {number}",
        message_id=f"<m{number}@example.com>",
        date=date,
        date_source="header" if date else "none",
        sender=Address("ana@prospect.io" if number % 2 else "rep@ours.com", "Ana"),
        to=(Address("rep@ours.com") if number % 2 else Address("ana@prospect.io"),),
        subject=f"Subject {number}",
        text=f"text {number}",
        quoted="",
        signature="-- \nAna",
        references=tuple(f"<m{k}@example.com>" for k in range(number % 3)),
    )


def _table(count: int) -> MessageTable:
    dates = [None if n % 5 == 0 else datetime(2026, 1, 1 + n % 9, tzinfo=UTC) for n in range(count)]
    messages = [_message(n, date) for n, date in enumerate(dates)]
    quoted = TextSpill()
    for n in range(count):
        quoted.add(f"> history of {n}\n" * (n % 4))
    own = OwnSide.from_options(["ours.com"], [])
    return MessageTable(messages, {m.id: f"t{i % 4}" for i, m in enumerate(messages)}, own, quoted)


@pytest.mark.parametrize("batch_rows", [1, 3, 50])
def test_messages_written_in_batches_are_the_whole_table(tmp_path: Path, batch_rows: int) -> None:
    table = _table(23)
    whole = table.to_pandas()
    path = tmp_path / "messages.parquet"
    table.write_parquet(path, batch_rows=batch_rows)
    assert pq.ParquetFile(path).metadata.num_row_groups == -(-23 // batch_rows)
    pd.testing.assert_frame_equal(pd.read_parquet(path), whole)
    # By date, the undated last, then by id; each row keeps its own quoted history.
    dated = whole["date"].notna().tolist()
    assert dated == sorted(dated, reverse=True)
    assert whole.loc[whole["id"] == "m3-10@example.com", "quoted"].item() == (
        "> history of 10\n" * 2
    )


def test_a_built_messages_table_is_written_with_the_same_types(tmp_path: Path) -> None:
    """``result.messages`` once built is written as it is, but with the batched writer's
    types: an all-empty list column (``defects`` here) stays a list of strings, and the
    bytes are the same either way."""
    table = _table(23)
    batched, built = tmp_path / "batched.parquet", tmp_path / "built.parquet"
    table.write_parquet(batched)
    whole = table.to_pandas()
    assert not whole["defects"].map(len).any()
    write_frame(whole, built)
    assert (
        pq.read_schema(built).field("defects").type == pq.read_schema(batched).field("defects").type
    )
    assert built.read_bytes() == batched.read_bytes()
    changed = whole.assign(note="kept")  # a table the user added to is written as it is
    write_frame(changed, tmp_path / "changed.parquet")
    assert pd.read_parquet(tmp_path / "changed.parquet")["note"].eq("kept").all()


def test_an_empty_messages_table_is_written(tmp_path: Path) -> None:
    table = MessageTable([], {}, OwnSide())
    table.write_parquet(tmp_path / "m.parquet")
    assert pd.read_parquet(tmp_path / "m.parquet").empty
    assert table.to_pandas().empty


def _thread_table() -> ThreadTable:
    """Threads over the messages of ``_table``: dated ones, one of undated messages only,
    first dates that tie, an id of a message not read."""
    messages = _table(23).messages
    ids = [m.id for m in messages]
    threads = [
        Thread("t-b", (ids[1], ids[10], ids[19]), "Subject 1"),
        Thread("t-a", (ids[10], ids[2]), "Subject 10", "subject"),  # ties t-b's first date
        Thread("t-undated", (ids[0], ids[5], "<gone@example.com>"), "Subject 0", "single"),
        Thread("t-c", (ids[3], ids[4], ids[6]), "Subject 3", "provider"),
        *(
            Thread(f"t-{n:02d}", (ids[n],), f"Subject {n}")
            for n in range(7, 23)
            if n not in (10, 19)
        ),
    ]
    return ThreadTable(threads, messages, OwnSide.from_options(["ours.com"], []))


def _expected_threads(table: ThreadTable) -> pd.DataFrame:
    """The threads table by its definition, through pandas: a row per thread, by first date
    with the undated last, then by thread id."""
    by_id = {m.id: m for m in table.messages}
    rows = []
    for thread in table.threads:
        members = [by_id[i] for i in thread.message_ids if i in by_id]
        dates = [m.date for m in members if m.date is not None]
        rows.append(
            {
                "thread_id": thread.thread_id,
                "subject": thread.subject,
                "method": thread.method,
                "n_messages": len(members),
                "first_date": min(dates) if dates else None,
                "last_date": max(dates) if dates else None,
                "prospects": sorted({p for m in members for p in message_prospects(m, table.own)}),
                "participants": sorted({a.email for m in members for a in m.participants}),
                "message_ids": list(thread.message_ids),
                "placeholders": list(thread.placeholders),
            }
        )
    frame = pd.DataFrame(rows)
    for name in ("first_date", "last_date"):
        frame[name] = pd.to_datetime(frame[name], utc=True)
    return frame.sort_values(
        ["first_date", "thread_id"], kind="stable", na_position="last"
    ).reset_index(drop=True)


@pytest.mark.parametrize("batch_rows", [1, 4, 50])
def test_threads_written_in_batches_are_the_whole_table(tmp_path: Path, batch_rows: int) -> None:
    table = _thread_table()
    whole = table.to_pandas()
    expected = _expected_threads(table)
    pd.testing.assert_frame_equal(whole, expected)
    order = whole["thread_id"].tolist()
    assert order[3:5] == ["t-11", "t-a"]  # the same first date: by thread id
    assert order[-3:] == ["t-15", "t-20", "t-undated"]  # undated last, by thread id
    assert whole.loc[whole["thread_id"] == "t-undated", "n_messages"].item() == 2
    assert whole["prospects"].map(list).tolist()[0] == ["prospect.io"]
    path = tmp_path / "threads.parquet"
    table.write_parquet(path, batch_rows=batch_rows)
    assert pq.ParquetFile(path).metadata.num_row_groups == -(-len(table) // batch_rows)
    pd.testing.assert_frame_equal(pd.read_parquet(path), whole)
    # Written from the built table, the bytes are the same; ``placeholders`` is empty in
    # every row and stays a list of strings.
    built = tmp_path / "built.parquet"
    write_frame(whole, built, THREAD_SCHEMA)
    assert str(pq.read_schema(built).field("placeholders").type) == "list<element: string>"
    assert table.write_parquet(tmp_path / "whole.parquet", batch_rows=50) is None
    assert built.read_bytes() == (tmp_path / "whole.parquet").read_bytes()


def test_an_empty_threads_table_is_written(tmp_path: Path) -> None:
    table = ThreadTable([], [], OwnSide())
    table.write_parquet(tmp_path / "t.parquet")
    assert pd.read_parquet(tmp_path / "t.parquet").empty
    assert table.to_pandas().empty


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=12,
)


@settings(max_examples=200, deadline=None)
@given(
    head=st.dictionaries(st.text(max_size=6).filter(lambda k: k != "items"), json_values),
    items=st.lists(json_values, max_size=4),
)
def test_streamed_json_is_byte_for_byte_the_json(
    tmp_path_factory: pytest.TempPathFactory, head: dict[str, object], items: list[object]
) -> None:
    folder = tmp_path_factory.mktemp("json")
    write_json({**head, "items": items}, folder / "whole.json")
    write_json_streamed(head, "items", iter(items), folder / "streamed.json")
    assert (folder / "streamed.json").read_bytes() == (folder / "whole.json").read_bytes()


def test_scores_json_is_the_explanations(reference_result: AnalysisResult, reference: Path) -> None:
    assert json.loads((reference / "scores.json").read_text(encoding="utf-8")) == json.loads(
        json.dumps(explanations(reference_result), default=str)
    )


def test_language_results_stored_in_batches_are_found(tmp_path: Path) -> None:
    cache = Cache(tmp_path / "cache")
    rows = [(bytes([n]) * 16, "reply", f"m{n}", b"record %d" % n) for n in range(10)]
    writer = cache.language_writer()
    writer.write(rows[:4])
    writer.write(rows[4:])
    assert not cache.has_language()  # nothing visible before the commit
    writer.commit()
    assert cache.has_language()
    assert cache.language_lookup([rows[2][0], rows[8][0], b"x" * 16]) == {
        rows[2][0]: rows[2][3],
        rows[8][0]: rows[8][3],
    }
    aborted = cache.language_writer()
    aborted.write([(b"y" * 16, "ours", "m", b"never")])
    aborted.abort()
    assert cache.language_lookup([b"y" * 16]) == {}
    assert [p.name for p in cache.language_dir.iterdir() if p.name.endswith(".tmp")] == []


def test_read_messages_share_their_repeated_values(export: Path) -> None:
    """Values that recur from message to message (subjects of a thread, people's signatures,
    recipient lists, where the date came from) are held once, whatever process decoded them."""
    read = read_inputs([export], engine=LocalEngine(1), stats=IngestStats())
    messages = read.messages
    assert len(messages) > 50
    for field in ("subject", "signature", "date_source", "to", "utc_offset_minutes"):
        first: dict[object, object] = {}
        for message in messages:
            value = getattr(message, field)
            if value in (None, "", ()):
                continue
            assert first.setdefault(value, value) is value, field  # equal values: one object
        assert len(first) < len(messages), field  # the export does repeat them
