"""The block-wise mbox reader cuts exactly where reading line by line does.

The reference below is the line-by-line loop the reader replaced (``readline(max_bytes + 1)``
driving the same splitter); random mboxes assembled from the lines that matter (separators,
escaped ``>From``, MIME delimiters, blank lines with either line end, long lines, a BOM),
read in blocks of random size, with random limits and broken-off streams, must give the
same items.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from walkaway.ingest import sources
from walkaway.ingest.sources import _HEADER_LINE, _iter_mbox, _MboxSplitter, read_file
from walkaway.types import Quarantined, RawItem

Item = RawItem | Quarantined


def reference_iter_mbox(stream: io.BufferedIOBase, max_bytes: int) -> Iterator[Item]:
    """The line-by-line reader: the splitter fed one ``readline`` at a time."""
    splitter = _MboxSplitter("x.mbox", ("L",), max_bytes)
    line_no = 0
    previous_blank = True
    pending: tuple[bytes, int] | None = None
    try:
        while line := stream.readline(max_bytes + 1):
            line_no += 1
            if line_no == 1 and line.startswith(b"\xef\xbb\xbf"):
                line = line[3:]
            if pending is not None:
                candidate, candidate_no = pending
                pending = None
                if _HEADER_LINE.match(line):
                    item = splitter.start(candidate_no)
                    if item is not None:
                        yield item
                else:
                    splitter.add(candidate)
            if line[:5] == b"From " and splitter.may_split(line, previous_blank):
                pending = (line, line_no)
                previous_blank = False
                continue
            splitter.add(line)
            previous_blank = line in (b"\n", b"\r\n")
    except OSError as error:
        if pending is not None:
            splitter.add(pending[0])
        yield splitter.truncated(f"{type(error).__name__}: {error}")
        return
    if pending is not None:
        splitter.add(pending[0])
    item = splitter.finish()
    if item is not None:
        yield item


class BreaksOff(io.RawIOBase):
    """A raw stream that serves ``data`` in reads of at most ``step`` bytes, then fails."""

    def __init__(self, data: bytes, step: int, fail: bool) -> None:
        super().__init__()
        self.data, self.step, self.fail, self.position = data, step, fail, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        if self.position >= len(self.data) and self.fail:
            raise OSError("broken off")
        piece = self.data[self.position : self.position + min(self.step, len(buffer))]
        buffer[: len(piece)] = piece
        self.position += len(piece)
        return len(piece)


def stream(data: bytes, step: int, fail: bool) -> io.BufferedReader:
    return io.BufferedReader(BreaksOff(data, step, fail), buffer_size=16)


LINE_FROM = b"From a@b Tue Mar 17 10:18:40 2020\n"
LINES = st.sampled_from(
    [
        LINE_FROM,
        b"From a@b Tue Mar 17 10:18:40 2020\r\n",
        b"From - Tue Mar 17 10:18:40 2020\n",
        b"From x\n",
        b"From Russia with love\n",
        b"Subject: hi\n",
        b"X-Y: z\r\n",
        b'Content-Type: multipart/mixed; boundary="b1"\n',
        b"Content-Type: text/plain\n",
        b"  folded\n",
        b"--b1\n",
        b"--b1--\n",
        b"-- \n",
        b"\n",
        b"\r\n",
        b">From x\n",
        b">>From y\r\n",
        b"> quoted\n",
        b">\n",
        b"text line\n",
        b"boundary=b1 in text\n",
        b"a line that is somewhat longer than the others, to pass small limits\n",
        b"\xef\xbb\xbf",
        b"no newline",
        b"\r",
    ]
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    lines=st.lists(LINES, max_size=40),
    max_bytes=st.sampled_from([8, 30, 64, 200, 10_000]),
    block=st.integers(min_value=1, max_value=70),
    step=st.integers(min_value=1, max_value=90),
    fail=st.booleans(),
)
@example(
    lines=[LINE_FROM, b"Subject: hi\n", b"\n", b"body\n", b"\n"],
    max_bytes=10_000,
    block=7,
    step=5,
    fail=False,
)
@example(  # a CRLF blank line ends a run of plain lines: the next "From x" may split
    lines=[LINE_FROM, b"Subject: hi\n", b"\n", b"text line\n", b"\r\n", b"From x\n", b"X-Y: z\n"],
    max_bytes=10_000,
    block=70,
    step=90,
    fail=False,
)
def test_blocks_cut_like_lines(
    lines: list[bytes], max_bytes: int, block: int, step: int, fail: bool
) -> None:
    data = b"".join(lines)
    expected = list(reference_iter_mbox(stream(data, step, fail), max_bytes))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sources, "_READ_BYTES", block)
        found = list(_iter_mbox(stream(data, step, fail), "x.mbox", ("L",), max_bytes))
    assert found == expected


def test_export_reads_the_same_in_small_blocks(real_emails: Path) -> None:
    """Real mboxes, in blocks far smaller than their messages, with small limits too."""
    mboxes = [
        path
        for path in sorted(real_emails.rglob("*"))
        if path.is_file() and path.read_bytes()[:5] == b"From "
    ]
    assert mboxes
    for path in mboxes:
        data = path.read_bytes()
        for max_bytes in (300, 5000, 10_000_000):
            expected = list(reference_iter_mbox(stream(data, 4096, False), max_bytes))
            with pytest.MonkeyPatch.context() as patch:
                patch.setattr(sources, "_READ_BYTES", 97)
                found = list(_iter_mbox(stream(data, 4096, False), "x.mbox", ("L",), max_bytes))
            assert found == expected, path
            assert list(read_file(path, max_bytes=max_bytes)) == [
                item_from(path, item) for item in expected
            ]


def item_from(path: Path, item: Item) -> Item:
    """``item`` as read_file names it (the file's path and labels)."""
    if isinstance(item, RawItem):
        return RawItem(str(path), item.location, item.data, item.kind, ())
    return Quarantined(str(path), item.location, item.reason, item.detail)
