"""Hostile export folders: links, pipes, loops, odd file names. Walking them ends, reads
only the export, and every item read is accounted for."""

from __future__ import annotations

import gzip
import os
import random
from pathlib import Path

import pytest

from tests.robustness.hostile import HEADERS
from walkaway.ingest import IngestStats, iter_raw_items, scan
from walkaway.types import Message, Quarantined, RawItem

MESSAGE = HEADERS + b"\nhello\n"


def run_scan(root: Path) -> tuple[list[Message | Quarantined], IngestStats]:
    stats = IngestStats()
    results = list(scan(root, stats=stats))
    assert stats.balanced
    return results, stats


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this platform")
def test_a_named_pipe_in_the_export_is_skipped_not_read(tmp_path: Path) -> None:
    (tmp_path / "a.eml").write_bytes(MESSAGE)
    os.mkfifo(tmp_path / "pipe.eml")  # opening it would block forever: nobody writes
    results, stats = run_scan(tmp_path)
    assert [type(r) for r in results] == [Message]
    assert stats.skip_reasons == {"not_a_file": 1}


def test_a_link_loop_is_walked_once(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.eml").write_bytes(MESSAGE)
    os.symlink("..", tmp_path / "sub" / "loop")
    results, stats = run_scan(tmp_path)
    assert stats.inputs == 1 and len(results) == 1
    assert stats.skip_reasons == {"symlink_loop": 1}


def test_links_out_of_the_export_are_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "private.eml").write_bytes(MESSAGE.replace(b"hostile@", b"private@"))
    export = tmp_path / "export"
    export.mkdir()
    (export / "a.eml").write_bytes(MESSAGE)
    os.symlink(outside, export / "folder-link")
    os.symlink(outside / "private.eml", export / "file-link.eml")
    os.symlink("/", export / "root")
    results, stats = run_scan(export)
    assert [r.source for r in results] == [str(export / "a.eml")]
    assert stats.skip_reasons == {"symlink_outside_export": 3}


def test_links_inside_the_export_are_followed(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "a.eml").write_bytes(MESSAGE)
    os.symlink(tmp_path / "real" / "a.eml", tmp_path / "alias.eml")
    results, stats = run_scan(tmp_path)
    # Both paths are read; the second copy is a duplicate by Message-ID.
    assert stats.inputs == 2 and stats.parsed == 1 and stats.duplicates == 1
    assert len(results) == 1


def test_a_folder_tree_deeper_than_any_export_ends(tmp_path: Path) -> None:
    folder = tmp_path
    for _ in range(80):
        folder = folder / "d"
    folder.mkdir(parents=True)
    (folder / "deep.eml").write_bytes(MESSAGE)
    (tmp_path / "top.eml").write_bytes(MESSAGE.replace(b"hostile@", b"top@"))
    results, stats = run_scan(tmp_path)
    assert len(results) == 1 and stats.skip_reasons == {"too_deep": 1}


def test_file_names_that_are_not_utf8_become_readable_text(tmp_path: Path) -> None:
    name = os.fsdecode(b"caf\xe9-\xff.eml")  # Latin-1 bytes: not UTF-8
    (tmp_path / name).write_bytes(MESSAGE)
    (results, _) = run_scan(tmp_path)
    (message,) = results
    message.source.encode("utf-8")  # writable as UTF-8 (CSV, JSON, Parquet)
    assert message.source.endswith("café-ÿ.eml")


def test_emlx_byte_count_too_long_to_be_one_is_not_trusted(tmp_path: Path) -> None:
    (tmp_path / "x.emlx").write_bytes(b"9" * 5_000 + b"\n" + MESSAGE)
    (item,) = list(iter_raw_items(tmp_path / "x.emlx"))
    assert isinstance(item, Quarantined) and item.reason == "not_email"


def test_truncated_small_gzip_keeps_the_messages_before_the_cut(tmp_path: Path) -> None:
    # Bodies that do not compress away, so 80 % of the file holds most of the messages.
    noise = random.Random(7)
    mbox = b"".join(
        b"From a@b Mon Aug  3 09:00:00 2026\n"
        + MESSAGE.replace(b"hostile@", b"m%d@" % i)
        + b"%x\n\n" % noise.getrandbits(2_000)
        for i in range(6)
    )
    compressed = gzip.compress(mbox, mtime=0)
    (tmp_path / "cut.mbox.gz").write_bytes(compressed[: int(len(compressed) * 0.8)])
    items = list(iter_raw_items(tmp_path / "cut.mbox.gz"))
    assert isinstance(items[-1], Quarantined) and items[-1].reason == "truncated"
    assert len(items) > 1 and all(isinstance(i, RawItem) for i in items[:-1])


def test_gzip_bomb_head_is_sniffed_without_inflating_it(tmp_path: Path) -> None:
    # 100 MB of zeros compress to ~100 KB: not mail, found out from the first bytes.
    (tmp_path / "bomb.gz").write_bytes(gzip.compress(b"\x00" * 100_000_000, mtime=0))
    (item,) = list(iter_raw_items(tmp_path / "bomb.gz"))
    assert isinstance(item, Quarantined) and item.reason == "not_email"
