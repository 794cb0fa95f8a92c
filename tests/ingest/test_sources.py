"""Finding messages in exports: mbox flavours, Maildir, .eml trees, .emlx, .msg, gzip."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from walkaway.errors import InputNotFoundError
from walkaway.ingest.sources import iter_raw_items, sniff
from walkaway.types import Quarantined, RawItem


def eml(subject: str, body: str = "Hello.\n", message_id: str = "") -> bytes:
    """A small RFC 822 message as bytes (written raw: no policy rewrites our headers)."""
    message_id = message_id or f"<{subject.replace(' ', '.')}@example.com>"
    return (
        "From: Ann Lee <ann@example.com>\n"
        "To: bob@example.org\n"
        f"Subject: {subject}\n"
        "Date: Tue, 17 Mar 2020 10:18:40 +0000\n"
        f"Message-ID: {message_id}\n"
        "\n"
        f"{body}"
    ).encode()


def items(*paths: Path, **kwargs: object) -> list[RawItem | Quarantined]:
    return list(iter_raw_items(list(paths), **kwargs))  # type: ignore[arg-type]


def raw_items(*paths: Path) -> list[RawItem]:
    found = items(*paths)
    assert all(isinstance(item, RawItem) for item in found), found
    return [item for item in found if isinstance(item, RawItem)]


def subjects(found: list[RawItem]) -> list[str]:
    result = []
    for item in found:
        for line in item.data.decode().splitlines():
            if line.startswith("Subject: "):
                result.append(line[len("Subject: ") :])
                break
    return result


# ---------------------------------------------------------------------------------------
# mbox


def test_mbox_splits_on_separators_and_strips_the_envelope_line(tmp_path: Path) -> None:
    path = tmp_path / "inbox.mbox"
    path.write_bytes(
        b"From ann@example.com Tue Mar 17 10:18:40 2020\n"
        + eml("one")
        + b"\nFrom bob@example.org Tue Mar 17 11:00:00 2020\n"
        + eml("two")
    )
    found = raw_items(path)
    assert subjects(found) == ["one", "two"]
    assert not found[0].data.startswith(b"From ")
    assert found[0].data.endswith(b"Hello.\n")  # the blank line before a separator is dropped
    assert found[1].location == "message 2 (line 10)"


def test_mboxrd_unescapes_one_level_of_from_quoting(tmp_path: Path) -> None:
    body = "Intro\n>From here on it was quoted\n>>From a deeper quote\nend\n"
    path = tmp_path / "rd.mbox"
    path.write_bytes(b"From a@b Tue Mar 17 10:18:40 2020\n" + eml("rd", body))
    (item,) = raw_items(path)
    assert b"\nFrom here on it was quoted\n>From a deeper quote\n" in item.data


def test_mboxo_body_line_starting_with_from_does_not_split(tmp_path: Path) -> None:
    body = (
        "My favourite film:\n\nFrom Russia with love\n\n"
        "From bob@example.org\nwas the sender.\n\nFrom - \n\nthe end\n"
    )
    path = tmp_path / "o.mbox"
    path.write_bytes(
        b"From - Mon Jun  3 12:50:27 1996\n"
        + eml("first", body)
        + b"\nFrom - Mon Jun  3 12:50:28 1996\n"
        + eml("second")
    )
    found = raw_items(path)
    assert subjects(found) == ["first", "second"]
    assert b"From Russia with love" in found[0].data
    assert b"From bob@example.org\nwas the sender." in found[0].data


def test_mbox_from_line_not_after_blank_line_and_without_date_does_not_split(
    tmp_path: Path,
) -> None:
    body = "line one\nFrom someone@example.org\nSubject: looks like a header\n"
    path = tmp_path / "o.mbox"
    path.write_bytes(b"From a@b Tue Mar 17 10:18:40 2020\n" + eml("only", body))
    assert subjects(raw_items(path)) == ["only"]


def test_thunderbird_separator_without_blank_line_still_splits(tmp_path: Path) -> None:
    path = tmp_path / "Inbox"  # Thunderbird mbox files have no extension
    path.write_bytes(b"From - \n" + eml("one") + b"From - \n" + eml("two"))
    assert subjects(raw_items(path)) == ["one", "two"]


def test_gmail_takeout_separators_split(tmp_path: Path) -> None:
    path = tmp_path / "All mail Including Spam and Trash.mbox"
    path.write_bytes(
        b"From 1844347792267117879@xxx Tue Mar 17 10:18:40 +0000 2020\n"
        + b"X-GM-THRID: 1844347792267117879\nX-Gmail-Labels: Inbox,Sent\n"
        + eml("takeout one")
        + b"\nFrom 1844347839636459560@xxx\n"  # MimeKit's sample has no date at all
        + eml("takeout two")
    )
    found = raw_items(path)
    assert subjects(found) == ["takeout one", "takeout two"]
    assert found[0].data.startswith(b"X-GM-THRID: 1844347792267117879\n")


def test_from_line_opening_a_mime_part_does_not_split(tmp_path: Path) -> None:
    # git format-patch output attached inline starts exactly like an mbox separator.
    message = (
        b"From: Ann <ann@example.com>\nSubject: patch\nMIME-Version: 1.0\n"
        b'Content-Type: multipart/mixed; boundary="=-=-="\n\n'
        b"--=-=-=\nContent-Type: text/plain\n\nSee the patch.\n\n"
        b"--=-=-=\nContent-Type: text/x-diff\nContent-Disposition: inline; filename=0001.patch\n\n"
        b"From fc88cba7f1f37b9cf3b296eace2422dd0e173502 Mon Sep 17 00:00:00 2001\n"
        b"From: Ann <ann@example.com>\nSubject: [PATCH] fix\n\n---\n diff\n"
        b"--=-=-=--\n"
    )
    path = tmp_path / "patch.mbox"
    path.write_bytes(b"From ann@example.com Sat Feb  5 09:19:10 2022\n" + message)
    (item,) = raw_items(path)
    assert b"[PATCH] fix" in item.data


def test_mbox_message_over_the_size_limit_is_quarantined_not_kept(tmp_path: Path) -> None:
    path = tmp_path / "big.mbox"
    path.write_bytes(
        b"From a@b Tue Mar 17 10:18:40 2020\n"
        + eml("big", "x" * 5000 + "\n")
        + b"\nFrom a@b Tue Mar 17 10:18:41 2020\n"
        + eml("small")
    )
    found = items(path, max_bytes=2000)
    assert isinstance(found[0], Quarantined)
    assert found[0].reason == "too_large"
    assert found[0].location == "message 1 (line 1)"
    assert isinstance(found[1], RawItem)
    assert subjects([found[1]]) == ["small"]


def test_text_before_the_first_separator_is_quarantined(tmp_path: Path) -> None:
    path = tmp_path / "odd.mbox"
    path.write_bytes(
        b"From a@b Tue Mar 17 10:18:40 2020\nnot a header\n\n" + b"From a@b\n" + eml("x")
    )
    found = items(path)
    assert [type(f).__name__ for f in found] == ["Quarantined", "RawItem"]
    assert isinstance(found[0], Quarantined) and found[0].reason == "not_email"


# ---------------------------------------------------------------------------------------
# Folders: .eml trees and Maildir


def test_eml_tree_is_read_in_sorted_order_and_non_mail_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "2.eml").write_bytes(eml("b2"))
    (tmp_path / "a.eml").write_bytes(eml("a"))
    (tmp_path / "c.eml").write_bytes(eml("c"))
    (tmp_path / "notes.md").write_text("# notes\nFrom: me\n")
    (tmp_path / "deals.csv").write_text("prospect,outcome\n")
    (tmp_path / ".hidden.eml").write_bytes(eml("hidden"))
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.eml").write_bytes(eml("git"))
    skipped: list[tuple[str, str]] = []
    found = list(iter_raw_items(tmp_path, on_skip=lambda p, r: skipped.append((Path(p).name, r))))
    assert subjects(found) == ["a", "b2", "c"]  # type: ignore[arg-type]
    assert sorted(skipped) == [
        (".git", "hidden"),
        (".hidden.eml", "hidden"),
        ("deals.csv", "not_mail_by_name"),
        ("notes.md", "not_mail_by_name"),
    ]


def test_maildir_reads_cur_and_new_skips_tmp_and_labels_folders(tmp_path: Path) -> None:
    root = tmp_path / "Maildir"
    for sub in ("cur", "new", "tmp", ".Sent/cur", ".Sent/new", ".Sent/tmp", ".Archive.2019/cur"):
        (root / sub).mkdir(parents=True)
    (root / "cur" / "1:2,S").write_bytes(eml("inbox read"))
    (root / "new" / "2").write_bytes(eml("inbox new"))
    (root / "tmp" / "3").write_bytes(eml("being delivered"))
    (root / ".Sent" / "cur" / "4:2,S").write_bytes(eml("sent one"))
    (root / ".Archive.2019" / "cur" / "5:2,").write_bytes(eml("archived"))
    (root / "dovecot-uidlist").write_text("3 V1 N5\n")
    found = raw_items(root)
    assert {(s, i.labels) for s, i in zip(subjects(found), found, strict=True)} == {
        ("inbox read", ()),
        ("inbox new", ()),
        ("sent one", ("Sent",)),
        ("archived", ("Archive/2019",)),
    }


def test_maildir_inside_a_mail_folder_is_labelled_by_its_name(tmp_path: Path) -> None:
    for name in ("Inbox", "Sent"):
        (tmp_path / name / "cur").mkdir(parents=True)
        (tmp_path / name / "cur" / "1:2,").write_bytes(eml(name.lower()))
    found = raw_items(tmp_path)
    assert [i.labels for i in found] == [("Inbox",), ("Sent",)]


# ---------------------------------------------------------------------------------------
# Single files: detection from content, emlx, msg, gzip, trouble


def test_format_is_detected_from_content_not_extension(tmp_path: Path) -> None:
    (tmp_path / "message.txt").write_bytes(eml("eml named txt"))
    (tmp_path / "mailbox.eml").write_bytes(b"From a@b Tue Mar 17 10:18:40 2020\n" + eml("mbox"))
    (tmp_path / "noext").write_bytes(b"\xef\xbb\xbfFrom -\n" + eml("bom mbox"))
    found = raw_items(tmp_path)
    assert subjects(found) == ["mbox", "eml named txt", "bom mbox"]


def test_sniff_names_formats() -> None:
    assert sniff(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest") == "msg"
    assert sniff(b"From a@b Tue Mar 17 10:18:40 2020\nFrom: x\n") == "mbox"
    assert sniff(b"1234\nFrom: a@b\nSubject: x\n\nbody") == "emlx"
    assert sniff(b"Received: from x\n\tby y\nFrom: a@b\n\nbody") == "rfc822"
    assert sniff(b"key: value\nother: thing\n") == "unknown"  # header-shaped, but not mail
    assert sniff(b"From Russia with love\n") == "unknown"
    assert sniff(b"\n\n  \n") == "empty"


def test_emlx_reads_byte_count_message_and_plist_flags(tmp_path: Path) -> None:
    message = eml("apple")
    plist = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" '
        b'"http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n'
        b'<plist version="1.0"><dict><key>flags</key><integer>17</integer></dict></plist>\n'
    )
    folder = tmp_path / "Sent Messages.mbox" / "Messages"
    folder.mkdir(parents=True)
    (folder / "12.emlx").write_bytes(f"{len(message)}\n".encode() + message + plist)
    (item,) = raw_items(tmp_path)
    assert item.data == message
    assert item.labels == ("Sent Messages", "Flagged")


def test_emlx_shorter_than_announced_is_truncated(tmp_path: Path) -> None:
    message = eml("cut")
    (tmp_path / "1.emlx").write_bytes(f"{len(message) + 100}\n".encode() + message)
    (item,) = items(tmp_path)
    assert isinstance(item, Quarantined) and item.reason == "truncated"


def test_outlook_msg_is_recognised_by_magic_bytes(tmp_path: Path) -> None:
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600
    (tmp_path / "mail_outlook_1").write_bytes(data)
    (item,) = raw_items(tmp_path)
    assert item.kind == "msg" and item.data == data


@pytest.mark.parametrize("name", ["inbox.mbox.gz", "inbox.gz", "inbox"])
def test_gzip_mbox_is_streamed(tmp_path: Path, name: str) -> None:
    mbox = b"From a@b Tue Mar 17 10:18:40 2020\n" + eml("g1") + b"\nFrom a@b\n" + eml("g2")
    (tmp_path / name).write_bytes(gzip.compress(mbox))
    assert subjects(raw_items(tmp_path / name)) == ["g1", "g2"]


def test_gzip_of_eml_emlx_and_msg(tmp_path: Path) -> None:
    message = eml("zipped")
    (tmp_path / "a.eml.gz").write_bytes(gzip.compress(message))
    (tmp_path / "b.emlx.gz").write_bytes(gzip.compress(f"{len(message)}\n".encode() + message))
    cfb = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600
    (tmp_path / "c.msg.gz").write_bytes(gzip.compress(cfb))
    found = raw_items(tmp_path)
    assert [f.data for f in found] == [message, message, cfb]
    assert [f.kind for f in found] == ["rfc822", "rfc822", "msg"]


def test_maildir_of_gzip_files(tmp_path: Path) -> None:
    (tmp_path / "cur").mkdir()
    (tmp_path / "new").mkdir()
    (tmp_path / "cur" / "1:2,S.gz").write_bytes(gzip.compress(eml("maildir gz")))
    assert subjects(raw_items(tmp_path)) == ["maildir gz"]


def test_truncated_gzip_keeps_complete_messages_and_quarantines_the_rest(tmp_path: Path) -> None:
    mbox = b"".join(
        b"From a@b Tue Mar 17 10:18:40 2020\n" + eml(f"m{i}", "x" * 3000 + "\n") + b"\n"
        for i in range(20)
    )
    compressed = gzip.compress(mbox)
    (tmp_path / "cut.mbox.gz").write_bytes(compressed[: len(compressed) // 2])
    found = items(tmp_path / "cut.mbox.gz")
    assert isinstance(found[-1], Quarantined) and found[-1].reason == "truncated"
    assert all(isinstance(f, RawItem) for f in found[:-1])
    assert len(found) > 2


def test_non_mail_content_and_empty_files_are_quarantined(tmp_path: Path) -> None:
    (tmp_path / "README").write_text("This folder holds exported mail.\n")
    (tmp_path / "empty.eml").write_bytes(b"")
    found = items(tmp_path)
    assert {(Path(f.source).name, f.reason) for f in found if isinstance(f, Quarantined)} == {
        ("README", "not_email"),
        ("empty.eml", "empty"),
    }


def test_single_file_over_the_limit_is_quarantined_without_reading(tmp_path: Path) -> None:
    (tmp_path / "big.eml").write_bytes(eml("big", "y" * 10_000))
    (item,) = items(tmp_path, max_bytes=1000)
    assert isinstance(item, Quarantined) and item.reason == "too_large"


def test_unreadable_file_is_quarantined_and_the_batch_goes_on(tmp_path: Path) -> None:
    (tmp_path / "a.eml").write_bytes(eml("a"))
    os.symlink(tmp_path / "gone.eml", tmp_path / "b.eml")  # dangling: open() fails
    (tmp_path / "c.eml").write_bytes(eml("c"))
    found = items(tmp_path)
    assert [type(f).__name__ for f in found] == ["RawItem", "Quarantined", "RawItem"]
    assert isinstance(found[1], Quarantined) and found[1].reason == "unreadable"


def test_missing_path_raises_before_reading_anything(tmp_path: Path) -> None:
    (tmp_path / "a.eml").write_bytes(eml("a"))
    with pytest.raises(InputNotFoundError):
        items(tmp_path, tmp_path / "missing.mbox")


def test_a_single_path_string_is_accepted(tmp_path: Path) -> None:
    (tmp_path / "a.eml").write_bytes(eml("a"))
    assert len(list(iter_raw_items(str(tmp_path)))) == 1


_BODY_LINES = st.lists(
    st.one_of(
        st.sampled_from(
            ["From here on", "From a@b Tue Mar 17 10:18:40 2020", ">From quoted", "", "--x"]
        ),
        st.text(alphabet="abc >:-From", max_size=20),
    ),
    max_size=8,
)


@settings(max_examples=60, deadline=None)
@given(st.lists(_BODY_LINES, min_size=1, max_size=4))
def test_mboxrd_round_trip_keeps_every_body(
    tmp_path_factory: pytest.TempPathFactory, bodies: list[list[str]]
) -> None:
    """Whatever the bodies hold, an mboxrd writer's output splits back into the same bodies."""
    folder = tmp_path_factory.mktemp("rd")
    chunks = []
    originals = []
    for number, lines in enumerate(bodies):
        body = "".join(line + "\n" for line in lines)
        originals.append(body)
        quoted = "".join(
            (">" + line if line.lstrip(">").startswith("From ") else line) + "\n" for line in lines
        )
        chunks.append(b"From a@b Tue Mar 17 10:18:40 2020\n" + eml(f"m{number}", quoted) + b"\n")
    path = folder / "rd.mbox"
    path.write_bytes(b"".join(chunks))
    found = raw_items(path)
    assert len(found) == len(bodies)
    for item, body in zip(found, originals, strict=True):
        assert item.data.split(b"\n\n", 1)[1].decode() == body
