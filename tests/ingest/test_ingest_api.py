"""scan / read_messages: streaming, de-duplication and the accounting invariant."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from walkaway.errors import InputNotFoundError
from walkaway.ingest import Deduplicator, IngestStats, read_messages, scan
from walkaway.types import Message, Quarantined


def eml(subject: str, message_id: str | None = None, body: str = "Hello.\n") -> bytes:
    mid = f"Message-ID: <{message_id}>\n" if message_id else ""
    return (
        f"From: ann@example.com\nTo: bob@example.org\nSubject: {subject}\n"
        f"Date: Tue, 17 Mar 2020 10:18:40 +0000\n{mid}\n{body}"
    ).encode()


@pytest.fixture
def export(tmp_path: Path) -> Path:
    """An export with every outcome: parsed, duplicates, quarantined and skipped files."""
    mbox = b"".join(
        b"From a@b Tue Mar 17 10:18:40 2020\n" + eml(s, mid) + b"\n"
        for s, mid in [("one", "1@x"), ("two", "2@x"), ("one again", "1@x")]
    )
    (tmp_path / "all.mbox.gz").write_bytes(gzip.compress(mbox))
    (tmp_path / "maildir" / "cur").mkdir(parents=True)
    (tmp_path / "maildir" / "new").mkdir()
    (tmp_path / "maildir" / "cur" / "1:2,S").write_bytes(eml("two, from the maildir", "2@x"))
    (tmp_path / "maildir" / "cur" / "2:2,S").write_bytes(eml("no id"))
    (tmp_path / "maildir" / "cur" / "3:2,S").write_bytes(eml("no id"))  # same content: same id
    (tmp_path / "notes.txt").write_text("shopping list: milk\n")
    (tmp_path / "empty.eml").write_bytes(b"")
    (tmp_path / "deals.csv").write_text("prospect,outcome\n")
    (tmp_path / ".DS_Store").write_bytes(b"\0\0")
    return tmp_path


def test_scan_accounts_for_every_item(export: Path) -> None:
    stats = IngestStats()
    results = list(scan([export], stats=stats))
    messages = [r for r in results if isinstance(r, Message)]
    quarantined = [r for r in results if isinstance(r, Quarantined)]
    assert [m.subject for m in messages] == ["one", "two", "no id"]
    assert sorted(q.reason for q in quarantined) == ["empty", "not_email"]
    assert stats.as_dict() == {
        "inputs": 8,
        "parsed": 3,
        "duplicates": 3,
        "quarantined": 2,
        "skipped_files": 2,
        "quarantine_reasons": {"empty": 1, "not_email": 1},
        "skip_reasons": {"hidden": 1, "not_mail_by_name": 1},
        "auto_replies": 0,
        "bounces": 0,
    }
    assert stats.balanced


def test_read_messages_yields_parsed_unique_messages_lazily(export: Path) -> None:
    stream = read_messages(export)
    assert iter(stream) is stream  # a generator: nothing is read before it is asked for
    first = next(stream)
    assert isinstance(first, Message) and first.subject == "one"
    assert [m.subject for m in stream] == ["two", "no id"]


def test_read_messages_ids_are_unique(export: Path) -> None:
    ids = [m.id for m in read_messages([export])]
    assert len(ids) == len(set(ids)) == 3


def test_missing_path_raises(tmp_path: Path) -> None:
    with pytest.raises(InputNotFoundError):
        list(read_messages([tmp_path / "nope"]))


def test_deduplicator_keeps_the_first() -> None:
    seen = Deduplicator()
    first = Message(id="a@x", source="s", location="1")
    again = Message(id="a@x", source="t", location="2", labels=("Sent",))
    assert not seen.is_duplicate(first)
    assert seen.is_duplicate(again)
    assert len(seen) == 1


def test_stats_count_flags() -> None:
    stats = IngestStats()
    stats.add_parsed(Message(id="1", source="s", location="", is_auto_reply=True))
    stats.add_parsed(Message(id="2", source="s", location="", is_bounce=True))
    stats.add_duplicate()
    stats.add_quarantined(Quarantined("s", "", "too_large"))
    assert (stats.inputs, stats.auto_replies, stats.bounces) == (4, 1, 1)
    assert stats.balanced


def test_gmail_takeout_mbox_end_to_end(tmp_path: Path) -> None:
    takeout = (
        b"From 1661371890195467111@xxx Tue Mar 17 10:18:40 +0000 2020\n"
        b"X-GM-THRID: 1661371890195467111\n"
        b'X-Gmail-Labels: Sent,"Deals, EMEA",Opened\n'
        + eml("Proposal", "p1@mail.gmail.com")
        + b"\nFrom 1661371890195467999@xxx Tue Mar 17 12:00:00 +0000 2020\n"
        b"X-GM-THRID: 1661371890195467111\nX-Gmail-Labels: Inbox\n"
        + eml("Re: Proposal", "p2@mail.gmail.com", "From the client side: not now.\n")
    )
    path = tmp_path / "Takeout" / "Mail" / "All mail Including Spam and Trash.mbox"
    path.parent.mkdir(parents=True)
    path.write_bytes(gzip.compress(takeout))
    first, second = read_messages(tmp_path)
    assert first.provider_thread_id == second.provider_thread_id == "gm:1661371890195467111"
    assert first.labels == ("Sent", "Deals, EMEA", "Opened")
    assert second.labels == ("Inbox",)
    assert second.body == "From the client side: not now."
