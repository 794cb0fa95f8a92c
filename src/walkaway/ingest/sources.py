"""Find the messages in mailbox exports, streaming, whatever their size.

Every input path (file or folder tree, visited in sorted order) turns into a stream of
:class:`~walkaway.types.RawItem` (the undecoded bytes of one message) or
:class:`~walkaway.types.Quarantined` (a file or an mbox entry that cannot be used, and why).
The format is recognised from the content, not from the file name: mbox (mboxo and
mboxrd, Gmail Takeout, Thunderbird files without extension), single RFC 822 files (.eml,
Maildir entries), Outlook .msg (compound file), Apple Mail .emlx, and gzip of any of these.

An mbox is read in binary, a block at a time, so memory holds one message (and one block)
at a time; only the lines that may change the course (separators, escaped ``>From``, MIME
delimiters) are looked at one by one. A message larger than ``max_bytes`` is not kept in
memory: it is skipped and quarantined as ``too_large``.
"""

from __future__ import annotations

import gzip
import io
import logging
import os
import plistlib
import re
import zlib
from collections.abc import Callable, Generator, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO, cast

from walkaway.errors import InputNotFoundError
from walkaway.ingest.charsets import valid_unicode
from walkaway.ingest.limits import DEFAULT_MAX_BYTES
from walkaway.types import Quarantined, RawItem

log = logging.getLogger(__name__)


SKIPPED_SUFFIXES = frozenset(
    {
        ".csv", ".json", ".jsonl", ".md", ".py", ".yaml", ".yml", ".toml", ".ipynb",
        ".parquet", ".png", ".jpg", ".jpeg", ".gif", ".pdf", ".zip", ".html", ".htm",
        ".xlsx", ".docx", ".pptx", ".svg", ".css", ".js", ".pyc", ".7z", ".tar", ".tgz",
        ".msf", ".plist", ".sqlite", ".db",
    }
)  # fmt: skip
"""Names plainly not mail: skipped while walking a folder (a file named on purpose is read).

``.msf`` are Thunderbird's index files, ``.plist`` and ``table_of_contents`` the
book-keeping inside an Apple Mail ``.mbox`` export folder."""
SKIPPED_NAMES = frozenset({"table_of_contents", "thumbs.db", "desktop.ini"})

# Book-keeping files that mail servers keep inside a Maildir.
_MAILDIR_METADATA = re.compile(r"^(dovecot|courierimap|maildirfolder$|subscriptions$)")

OnSkip = Callable[[str, str], None]
"""Called with (path, reason) for every file skipped without being read."""

_GZIP_MAGIC = b"\x1f\x8b"
_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_BOM = b"\xef\xbb\xbf"
_SNIFF_BYTES = 8192
_BUFFER_BYTES = 64 * 1024
_READ_BYTES = 1 << 20  # an mbox is scanned a block of this size at a time
_EMLX_COUNT_DIGITS = 12  # an .emlx byte count; longer digit runs are not one

# A header field line: a name of printable ASCII without colon or space, then a colon.
_HEADER_LINE = re.compile(rb"^[!-9;-~]+[ \t]*:")
# Headers whose presence makes a header block a mail message (not e.g. a YAML file).
_MAIL_HEADERS = frozenset(
    b"""from to cc subject date message-id received return-path mime-version
    content-type delivered-to reply-to sender in-reply-to references x-mailer
    x-original-to x-gm-thrid x-gmail-labels thread-index envelope-to""".split()
)
# "From <sender> [<date>]": the mbox separator. The sender is one token ("-" for
# Thunderbird/Netscape, "1844347792267117879@xxx" for Gmail Takeout); the date, when
# present, must look like asctime ("Tue Mar 17 10:18:40 +0000 2020" and variants).
_SEPARATOR = re.compile(
    rb"^From \S+(?:[ \t]+(?P<date>.*?))?[ \t]*\r?\n?$",
)
_SEPARATOR_DATE = re.compile(rb"\d{1,2}:\d{2}.*\d{4}|\d{4}.*\d{1,2}:\d{2}")
_ESCAPED_FROM = re.compile(rb"^>+From ")
_BOUNDARY = re.compile(rb'(?i)boundary\s*=\s*("[^"]+"|[^\s;]+)')
_BLANK = (b"\n", b"\r\n")


def iter_raw_items(
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    on_skip: OnSkip | None = None,
) -> Iterator[RawItem | Quarantined]:
    """Yield every message found under ``paths`` (files or folders), in a stable order.

    Folders are walked recursively in sorted order. Hidden entries (name starting with
    ``.``, except Maildir++ folders such as ``.Sent`` inside a Maildir), Maildir ``tmp/``
    folders and files plainly not mail by name (:data:`SKIPPED_SUFFIXES`) are not read;
    ``on_skip(path, reason)`` hears about each. A file that cannot be read or holds no mail
    becomes a :class:`Quarantined` record; it never stops the batch.

    Raises:
        InputNotFoundError: a given path does not exist (checked before anything is read).

    >>> for item in iter_raw_items(["export/"]):  # doctest: +SKIP
    ...     print(item.source, item.location)
    """
    for file, labels in iter_input_files(paths, on_skip):
        yield from _read_file(file, labels, max_bytes)


# ---------------------------------------------------------------------------------------
# Folder walking


def _is_maildir(folder: Path) -> bool:
    return (folder / "cur").is_dir() or (folder / "new").is_dir()


def _maildir_label(base: Path, folder: Path) -> tuple[str, ...]:
    """Label of a Maildir folder: its path below ``base``, ``.Sent`` -> ``Sent``."""
    if folder == base:
        return ()
    parts = []
    for part in folder.relative_to(base).parts:
        # Maildir++ names nested folders ".Parent.Child".
        parts.extend(part[1:].split(".") if part.startswith(".") else [part])
    label = "/".join(p for p in parts if p)
    return (label,) if label else ()


def _sorted_entries(folder: Path, on_skip: OnSkip | None) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(folder) as entries:
            return sorted(entries, key=lambda entry: entry.name)
    except OSError as error:
        log.warning("cannot list folder %s: %s", folder, error)
        if on_skip is not None:
            on_skip(str(folder), "unreadable_folder")
        return []


_MAX_FOLDER_DEPTH = 64
"""Folders nested deeper than this are not visited (``too_deep``): a real export has a
handful of levels, and the walk must not recurse without bound into a crafted tree."""


def _walk(root: Path, on_skip: OnSkip | None) -> Iterator[tuple[Path, tuple[str, ...]]]:
    """Files to read under ``root`` with the labels their Maildir folder gives them.

    Only regular files are read: a FIFO or a device would block or never end. Symbolic
    links are followed only when they stay inside ``root`` (an export unpacked from an
    archive may carry links to ``/`` or to the user's own files), and each folder is
    visited once, so link loops end.
    """

    def skip(path: str, reason: str) -> None:
        if on_skip is not None:
            on_skip(path, reason)

    try:
        root_real = root.resolve()
    except (OSError, RuntimeError):
        root_real = root.absolute()
    visited: set[Path] = set()

    def kind(entry: os.DirEntry[str]) -> str:
        """What to do with an entry: ``dir``, ``file``, or the reason to skip it."""
        try:
            if entry.is_symlink():
                target = Path(entry.path).resolve()
                if target != root_real and root_real not in target.parents:
                    return "symlink_outside_export"
            if entry.is_dir():
                return "dir"
            if entry.is_file() or not os.path.exists(entry.path):
                # A dangling link is kept: opening it fails and it is quarantined, not lost.
                return "file"
            return "not_a_file"
        except (OSError, RuntimeError):  # a looping link, a vanished file: reading reports it
            return "file"

    def visit(
        folder: Path, labels: tuple[str, ...], base: Path | None, depth: int
    ) -> Iterator[tuple[Path, tuple[str, ...]]]:
        try:
            real = folder.resolve()
        except (OSError, RuntimeError):
            real = folder.absolute()
        if real in visited:
            skip(str(folder), "symlink_loop")
            return
        visited.add(real)
        if depth > _MAX_FOLDER_DEPTH:
            skip(str(folder), "too_deep")
            return
        # Labels name a Maildir by its path below the folder holding the outermost Maildir
        # ("Sent" for ~/Mail/Sent, "Sent/2019" for its Maildir++ child ".2019"); the Maildir
        # given as the root itself is the inbox and gets no label.
        maildir = _is_maildir(folder)
        if maildir:
            if base is None:
                base = folder if folder == root else folder.parent
            labels = _maildir_label(base, folder)
        for entry in _sorted_entries(folder, on_skip):
            path = Path(entry.path)
            name = entry.name
            what = kind(entry)
            if what == "dir":
                if name.startswith("."):
                    # Maildir++ keeps subfolders as hidden Maildirs: ".Sent", ".Archive.2019".
                    if maildir and _is_maildir(path):
                        yield from visit(path, labels, base, depth + 1)
                    else:
                        skip(entry.path, "hidden")
                elif maildir and name == "tmp":
                    skip(entry.path, "maildir_tmp")  # messages still being delivered
                elif maildir and name in ("cur", "new"):
                    yield from _maildir_files(path, labels, skip, kind)
                else:
                    yield from visit(path, labels, base, depth + 1)
            elif name.startswith("."):
                skip(entry.path, "hidden")
            elif what != "file":
                skip(entry.path, what)
            elif maildir and _MAILDIR_METADATA.match(name):
                skip(entry.path, "maildir_metadata")
            elif _plainly_not_mail(name):
                skip(entry.path, "not_mail_by_name")
            else:
                yield path, labels

    yield from visit(root, (), None, 0)


def _maildir_files(
    folder: Path,
    labels: tuple[str, ...],
    skip: OnSkip,
    kind: Callable[[os.DirEntry[str]], str],
) -> Iterator[tuple[Path, tuple[str, ...]]]:
    for entry in _sorted_entries(folder, None):
        what = kind(entry)
        if entry.name.startswith("."):
            skip(entry.path, "hidden")
        elif what == "file":
            yield Path(entry.path), labels
        else:
            skip(entry.path, "not_a_file" if what == "dir" else what)


def _plainly_not_mail(name: str) -> bool:
    lower = name.lower()
    if lower in SKIPPED_NAMES:
        return True
    if lower.endswith(".gz"):
        lower = lower[:-3]
    return os.path.splitext(lower)[1] in SKIPPED_SUFFIXES


# ---------------------------------------------------------------------------------------
# Reading one file


def display_path(path: str | os.PathLike[str]) -> str:
    """``path`` as text for records and tables: bytes of a file name that are not UTF-8
    (Python keeps them as lone surrogates, which no writer accepts) read as Windows-1252."""
    return valid_unicode(os.fspath(path))


def _read_file(
    path: Path, labels: tuple[str, ...], max_bytes: int
) -> Iterator[RawItem | Quarantined]:
    source = display_path(path)
    try:
        # A buffer larger than the sniffed head: peek() returns at most one buffer.
        handle: BinaryIO = open(path, "rb", buffering=_BUFFER_BYTES)  # noqa: SIM115 - closed below
    except OSError as error:
        yield Quarantined(source, "", "unreadable", f"{type(error).__name__}: {error}")
        return
    try:
        stream: BinaryIO = handle
        head = _peek(stream)
        compressed = head.startswith(_GZIP_MAGIC)
        if compressed:
            # Sniff from a decompressor that tolerates a cut-off stream: peeking through
            # GzipFile would raise on a truncated file shorter than the head, losing the
            # complete messages before the cut. ``max_length`` bounds a gzip bomb.
            head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(
                _peek(handle, _BUFFER_BYTES), _SNIFF_BYTES
            )
            stream = io.BufferedReader(_OneReadAtATime(gzip.GzipFile(fileobj=handle, mode="rb")))  # type: ignore[arg-type]
        yield from _read_stream(stream, head, source, labels, max_bytes, compressed, path)
    except (OSError, EOFError, zlib.error) as error:
        # A broken gzip or an I/O error before any message of this file was yielded.
        broken = isinstance(error, EOFError | zlib.error | gzip.BadGzipFile)
        reason = "truncated" if broken else "unreadable"
        yield Quarantined(source, "", reason, f"{type(error).__name__}: {error}")
    except Exception as error:  # one bad file must never stop the batch
        log.debug("reading %s failed", source, exc_info=True)
        yield Quarantined(source, "", "unreadable", f"{type(error).__name__}: {error}")
    finally:
        handle.close()


class _OneReadAtATime(io.RawIOBase):
    """A gzip stream read with ``read1``: each read returns what one step decompressed.

    ``GzipFile.read(n)`` gathers ``n`` bytes before returning and, when the file is cut
    off, raises with everything gathered so far; the lines before the cut would be lost
    with it. Through ``read1`` the buffer above holds them, and they are read first.
    """

    def __init__(self, stream: gzip.GzipFile) -> None:
        super().__init__()
        self._stream = stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self._stream.read1(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _peek(stream: BinaryIO, size: int = _SNIFF_BYTES) -> bytes:
    peek = getattr(stream, "peek", None)
    if peek is None:  # pragma: no cover - every stream we build is buffered
        raise TypeError("stream must be buffered")
    head: bytes = peek(size)[:size]
    return head


def sniff(head: bytes) -> str:
    """Name the format of a file from its first bytes (after any gzip layer).

    One of ``msg``, ``mbox``, ``emlx``, ``rfc822``, ``empty`` or ``unknown``.
    """
    if head.startswith(_CFB_MAGIC):
        return "msg"
    text = head[len(_BOM) :] if head.startswith(_BOM) else head
    text = text.lstrip(b"\r\n")
    if not text.strip():
        return "empty"
    first, _, rest = text.partition(b"\n")
    if first.startswith(b"From ") and _is_separator(first):
        return "mbox"
    count = first.strip()
    if count.isdigit() and len(count) <= _EMLX_COUNT_DIGITS and _looks_like_headers(rest):
        return "emlx"
    if _looks_like_headers(text):
        return "rfc822"
    return "unknown"


def _looks_like_headers(text: bytes) -> bool:
    """True when ``text`` starts with a header block holding at least one mail header."""
    lines = text.split(b"\n", 60)[:60]
    if not lines or not _HEADER_LINE.match(lines[0]):
        return False
    for line in lines:
        if line in (b"", b"\r"):
            break
        if line[:1] in (b" ", b"\t"):
            continue
        match = _HEADER_LINE.match(line)
        if not match:
            return False
        name = line.split(b":", 1)[0].strip().lower()
        if name in _MAIL_HEADERS:
            return True
    return False


def _read_stream(
    stream: BinaryIO,
    head: bytes,
    source: str,
    labels: tuple[str, ...],
    max_bytes: int,
    compressed: bool,
    path: Path,
) -> Iterator[RawItem | Quarantined]:
    kind = sniff(head)
    if kind == "mbox":
        yield from _iter_mbox(stream, source, labels, max_bytes)
        return
    if kind == "empty":
        yield Quarantined(source, "", "empty", "the file holds no data")
        return
    if kind == "unknown":
        yield Quarantined(source, "", "not_email", "the content is not an email or a mailbox")
        return
    if not compressed:
        size = path.stat().st_size
        if size > max_bytes:
            yield Quarantined(
                source, "", "too_large", f"{size} bytes is more than the limit of {max_bytes}"
            )
            return
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        yield Quarantined(source, "", "too_large", f"more than the limit of {max_bytes} bytes")
        return
    if kind == "msg":
        yield RawItem(source, "", data, kind="msg", labels=labels)
    elif kind == "emlx":
        yield _emlx_item(data, source, labels, path)
    else:
        yield RawItem(source, "", data.removeprefix(_BOM), labels=labels)


def _emlx_item(
    data: bytes, source: str, labels: tuple[str, ...], path: Path
) -> RawItem | Quarantined:
    """Apple Mail .emlx: a byte-count line, the message, then an XML property list."""
    first, _, rest = data.partition(b"\n")
    count = int(first.strip())
    message = rest[:count]
    if len(message) < count:
        return Quarantined(
            source, "", "truncated", f"emlx announces {count} bytes, holds {len(message)}"
        )
    extra = list(labels)
    # Apple Mail stores each mailbox as "<Name>.mbox/.../Messages/<id>.emlx".
    for parent in path.parents:
        if parent.name.endswith(".mbox"):
            extra.append(parent.name[: -len(".mbox")])
            break
    try:
        plist = plistlib.loads(rest[count:].strip()) if rest[count:].strip() else {}
    except Exception:  # a damaged trailer only costs us the flags
        plist = {}
    if isinstance(plist, dict):
        flags = plist.get("flags")
        # Bit 4 of the flags word is the user's "flagged" mark.
        if isinstance(flags, int) and flags & (1 << 4):
            extra.append("Flagged")
    return RawItem(source, "", message, labels=tuple(dict.fromkeys(extra)))


def _iter_mbox(
    stream: BinaryIO, source: str, labels: tuple[str, ...], max_bytes: int
) -> Iterator[RawItem | Quarantined]:
    """Split an mbox on real ``From `` separator lines, un-escaping ``>From `` one level.

    A ``From `` line opens a new message only when all of these hold:

    - it is shaped like a separator: ``From <token>`` and optionally an asctime-like date
      (``From Russia with love`` is not);
    - the next line is a header field;
    - it follows a blank line or starts the file, unless it carries a date or is
      Thunderbird's ``From -`` (those writers do not always leave the blank line);
    - it is not the first line of a MIME part's body (a ``git format-patch`` attachment or
      a forwarded mbox starts exactly like a separator).

    The stream is read in blocks of :data:`_READ_BYTES`; lines are those ``readline(max_bytes
    + 1)`` would return (a longer line comes in pieces, and cannot fill the memory).
    """
    splitter = _MboxSplitter(source, labels, max_bytes)
    read = cast(io.BufferedIOBase, stream).read1  # one read at a time: see _OneReadAtATime
    pieces: list[bytes] = []  # the start of a line that did not end in the blocks read so far
    held = 0
    try:
        while block := read(_READ_BYTES):
            if pieces:
                pieces.append(block)
                held += len(block)
                if held < splitter.line_limit and b"\n" not in block:
                    continue  # joined once the line ends: a long line is not copied over and over
                block = b"".join(pieces)
                pieces = []
            done = yield from splitter.feed(block, final=False)
            if done < len(block):
                pieces, held = [block[done:]], len(block) - done
        if pieces:
            yield from splitter.feed(b"".join(pieces), final=True)
    except (OSError, EOFError, zlib.error) as error:
        splitter.flush_pending()
        yield splitter.truncated(f"{type(error).__name__}: {error}")
        return
    splitter.flush_pending()
    item = splitter.finish()
    if item is not None:
        yield item


# Lines an mbox reader must look at one by one: those starting with "From ", "--" or
# ">From " (">>From " ...), and those holding "oundary" anywhere (a Content-Type parameter).
# Every other line of a message is plain text that is only appended.
_ATTENTION_STARTS = (b"From ", b"--")
_ATTENTION_AFTER_NEWLINE = (b"\nFrom ", b"\n--", re.compile(rb"\n>+From "))
_ESCAPED_FROM_HERE = re.compile(rb">+From ")  # for Pattern.match at a position

Needle = bytes | re.Pattern[bytes]


class _NextOccurrence:
    """Where needles next occur in ``data`` at or after a position that only moves forward.

    Each needle is searched again only once the position has passed its last occurrence, so
    scanning a block costs one pass per needle, however often it is asked.
    """

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.found: dict[Needle, int] = {}

    def __call__(self, needle: Needle, position: int) -> int:
        """Index of the first ``needle`` at or after ``position``, ``len(data)`` if none."""
        index = self.found.get(needle, -1)
        if index < position:
            if isinstance(needle, bytes):
                index = self.data.find(needle, position)
            else:
                match = needle.search(self.data, position)
                index = match.start() if match else -1
            if index < 0:
                index = len(self.data)
            self.found[needle] = index
        return index


class _MboxSplitter:
    """Cuts an mbox into messages: accumulates the current one and tracks its MIME structure.

    Lines go one by one through :meth:`_line` where anything may happen (a separator, an
    escaped ``>From``, a MIME delimiter or a part's headers). Between such lines, inside a
    message, runs of ordinary lines are appended in one piece (:meth:`_plain_run_end`): the
    result is the same as line by line, at a fraction of the cost.
    """

    def __init__(self, source: str, labels: tuple[str, ...], max_bytes: int) -> None:
        self.source = source
        self.labels = labels
        self.max_bytes = max_bytes
        self.line_limit = max_bytes + 1  # the longest line read in one piece
        self.count = 0
        self.start_line = 0
        self.line_no = 0
        self.previous_blank = True
        self.pending: tuple[bytes, int] | None = None  # a candidate separator and its line
        self._reset()

    def _reset(self) -> None:
        self.parts: list[bytes] = []
        self.size = 0
        self.oversize = False
        self.boundaries: set[bytes] = set()
        # Where we are relative to the last MIME delimiter: "none", "headers" (reading a
        # part's header block) or "body_start" (the blank line after it was just seen).
        self.zone = "none"

    def feed(self, data: bytes, *, final: bool) -> Generator[RawItem | Quarantined, None, int]:
        """Read the lines of ``data``; yield the messages they complete.

        Returns where the unread rest starts: a last line without its newline, kept for the
        next block, unless ``final`` (the end of the stream) says it is complete.
        """
        position, size, limit = 0, len(data), self.line_limit
        complete_end = data.rfind(b"\n") + 1  # the end of the last line with its newline
        after = _NextOccurrence(data)
        while position < size:
            if self.count and self.pending is None and self.zone == "none":
                stop = self._plain_run_end(data, position, complete_end, after)
                if stop > position:
                    self._add_plain(data[position:stop])
                    position = stop
                    continue
            newline = data.find(b"\n", position, position + limit)
            if newline >= 0:
                end = newline + 1
            elif size - position >= limit or final:
                end = min(size, position + limit)
            else:
                return position
            item = self._line(data[position:end])
            position = end
            if item is not None:
                yield item
        return position

    def _plain_run_end(
        self, data: bytes, position: int, complete_end: int, after: _NextOccurrence
    ) -> int:
        """End of the ordinary lines from ``position`` on: complete lines none of which needs
        attention (see ``_ATTENTION_STARTS``), at most a line's limit of bytes in all (so that
        no line in it would have come in pieces)."""
        if data.startswith(_ATTENTION_STARTS, position) or _ESCAPED_FROM_HERE.match(data, position):
            return position
        stop = complete_end
        for needle in _ATTENTION_AFTER_NEWLINE:
            stop = min(stop, after(needle, position) + 1)
        boundary = after(b"oundary", position)
        if boundary < stop:
            stop = data.rfind(b"\n", position, boundary) + 1  # the start of its line
        if stop - position > self.line_limit:
            stop = data.rfind(b"\n", position, position + self.line_limit) + 1
        return max(stop, position)

    def _add_plain(self, run: bytes) -> None:
        """Append complete ordinary lines: what :meth:`add` does to each, at once."""
        self.line_no += run.count(b"\n")
        self.previous_blank = run in _BLANK or run.endswith((b"\n\n", b"\n\r\n"))
        if self.oversize:
            return
        self.size += len(run)
        if self.size > self.max_bytes:
            self.oversize = True
            self.parts.clear()
        else:
            self.parts.append(run)

    def _line(self, line: bytes) -> RawItem | Quarantined | None:
        """Read one line; the message it completes, if any."""
        self.line_no += 1
        if self.line_no == 1 and line.startswith(_BOM):
            line = line[len(_BOM) :]
        item = None
        if self.pending is not None:
            candidate, candidate_no = self.pending
            self.pending = None
            if _HEADER_LINE.match(line):
                item = self.start(candidate_no)
            else:
                self.add(candidate)
        if line[:5] == b"From " and self.may_split(line, self.previous_blank):
            self.pending = (line, self.line_no)
            self.previous_blank = False
            return item
        self.add(line)
        self.previous_blank = line in _BLANK
        return item

    def flush_pending(self) -> None:
        """At the end of the stream, a candidate separator is only a line of text."""
        if self.pending is not None:
            self.add(self.pending[0])
            self.pending = None

    def may_split(self, line: bytes, previous_blank: bool) -> bool:
        if self.zone == "body_start" or not _is_separator(line):
            return False
        if previous_blank:
            return True
        # Thunderbird and some converters write "From - <date>" with no blank line before.
        token, _, date = line[5:].strip().partition(b" ")
        return token == b"-" or bool(date.strip())

    def add(self, line: bytes) -> None:
        if self.count == 0 and not self.parts and line in _BLANK:
            return  # blank lines before the first separator
        if line[:1] == b">" and _ESCAPED_FROM.match(line):
            line = line[1:]
        if self.zone != "none" or line[:2] == b"--" or b"oundary" in line:
            self._track_mime(line)
        if self.oversize:
            return
        self.size += len(line)
        if self.size > self.max_bytes:
            self.oversize = True
            self.parts.clear()
        else:
            self.parts.append(line)

    def _track_mime(self, line: bytes) -> None:
        if b"oundary" in line:
            match = _BOUNDARY.search(line)
            if match:
                self.boundaries.add(match.group(1).strip(b'"'))
        if line[:2] == b"--" and self.boundaries:
            marker = line[2:].rstrip()
            if marker in self.boundaries:
                self.zone = "headers"  # a part delimiter: the part's headers follow
                return
            if marker[-2:] == b"--" and marker[:-2] in self.boundaries:
                self.zone = "none"  # the closing delimiter
                return
        if self.zone == "headers":
            if line in _BLANK:
                self.zone = "body_start"
            elif not (_HEADER_LINE.match(line) or line[:1] in (b" ", b"\t")):
                self.zone = "none"
        elif self.zone == "body_start":
            self.zone = "none"

    def _location(self) -> str:
        return f"message {self.count} (line {self.start_line})"

    def finish(self) -> RawItem | Quarantined | None:
        """The message collected so far (None when there is none)."""
        if self.oversize:
            result: RawItem | Quarantined | None = Quarantined(
                self.source,
                self._location(),
                "too_large",
                f"more than the limit of {self.max_bytes} bytes",
            )
        elif self.count == 0:
            # Text before the first separator: not a message, but not dropped silently.
            text = b"".join(self.parts).strip()
            result = (
                Quarantined(
                    self.source,
                    "preamble (line 1)",
                    "not_email",
                    f"{len(text)} bytes before the first message",
                )
                if text
                else None
            )
        else:
            # The blank line before a separator belongs to the mbox, not to the message.
            # Parts are single lines or runs of whole lines (see _add_plain).
            last = self.parts[-1] if self.parts else b""
            if last in _BLANK:
                self.parts.pop()
            elif last.endswith(b"\n\n"):
                self.parts[-1] = last[:-1]
            elif last.endswith(b"\n\r\n"):
                self.parts[-1] = last[:-2]
            result = RawItem(
                self.source, self._location(), b"".join(self.parts), labels=self.labels
            )
        self._reset()
        return result

    def start(self, line_no: int) -> RawItem | Quarantined | None:
        """Close the current message and open the one whose separator is at ``line_no``."""
        result = self.finish()
        self.count += 1
        self.start_line = line_no
        return result

    def truncated(self, detail: str) -> Quarantined:
        """The stream broke off (damaged gzip): the message being read is incomplete."""
        self.count = max(self.count, 1)
        return Quarantined(self.source, self._location(), "truncated", detail)


def _is_separator(line: bytes) -> bool:
    """Shaped like ``From <token>`` with, optionally, an asctime-like date."""
    match = _SEPARATOR.match(line)
    if not match:
        return False
    date = match.group("date")
    return not date or bool(_SEPARATOR_DATE.search(date))


# ---------------------------------------------------------------------------------------
# File by file, resumable: for engines that read files in parallel and for the cache


def iter_input_files(
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    on_skip: OnSkip | None = None,
) -> Iterator[tuple[Path, tuple[str, ...]]]:
    """The files :func:`iter_raw_items` reads, in the same order, with their folder labels.

    ``read_file(path, labels)`` over these yields exactly what ``iter_raw_items`` yields.

    Raises:
        InputNotFoundError: a given path does not exist (checked before anything is listed).
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    roots = [Path(p) for p in paths]
    for root in roots:
        if not root.exists():
            raise InputNotFoundError(str(root))
    for root in roots:
        if root.is_dir():
            yield from _walk(root, on_skip)
        else:
            yield root, ()


def read_file(
    path: str | os.PathLike[str],
    labels: tuple[str, ...] = (),
    max_bytes: int = DEFAULT_MAX_BYTES,
    *,
    offset: int = 0,
    first_line: int = 1,
    first_message: int = 1,
) -> Iterator[RawItem | Quarantined]:
    """The items of one file, as :func:`iter_raw_items` yields them.

    With ``offset > 0`` the file must be an uncompressed mbox and ``offset`` the start of a
    separator line (see :func:`mbox_line_offset`): reading resumes there, as if the file had
    been read from the start, with locations counted from line ``first_line`` and message
    number ``first_message``. This is how an mbox that grew is read again from its last
    known message only.
    """
    path = Path(path)
    if offset <= 0:
        yield from _read_file(path, labels, max_bytes)
        return
    source = display_path(path)
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed in the finally below
    except OSError as error:
        yield Quarantined(source, "", "unreadable", f"{type(error).__name__}: {error}")
        return
    try:
        handle.seek(offset)
        line_shift, count_shift = first_line - 1, first_message - 1
        for item in _iter_mbox(handle, source, labels, max_bytes):
            yield _shifted(item, line_shift, count_shift)
    finally:
        handle.close()


_MBOX_LOCATION = re.compile(r"^message (\d+) \(line (\d+)\)$")


def mbox_location(location: str) -> tuple[int, int] | None:
    """``(message number, line)`` of an mbox item's location, ``None`` for other items."""
    match = _MBOX_LOCATION.match(location)
    return (int(match.group(1)), int(match.group(2))) if match else None


def _shifted(item: RawItem | Quarantined, lines: int, count: int) -> RawItem | Quarantined:
    place = mbox_location(item.location)
    if place is None:
        return item
    location = f"message {place[0] + count} (line {place[1] + lines})"
    if isinstance(item, RawItem):
        return RawItem(item.source, location, item.data, item.kind, item.labels)
    return Quarantined(item.source, location, item.reason, item.detail)


def mbox_line_offset(
    path: str | os.PathLike[str], line: int, *, block: int = 1 << 20
) -> int | None:
    """Byte offset where line ``line`` (1-based) of an uncompressed mbox starts, when that
    line is a ``From `` separator; ``None`` otherwise (compressed file, no such line, or a
    line that is not a separator: then the file cannot be resumed there).
    """
    if line < 1:
        return None
    remaining = line - 1  # newlines to pass
    position = 0
    try:
        with open(path, "rb") as handle:
            if handle.read(2) == _GZIP_MAGIC:
                return None
            handle.seek(0)
            while remaining:
                data = handle.read(block)
                if not data:
                    return None
                found = data.count(b"\n")
                if found < remaining:
                    remaining -= found
                    position += len(data)
                    continue
                cut = -1
                for _ in range(remaining):
                    cut = data.index(b"\n", cut + 1)
                position += cut + 1
                remaining = 0
            handle.seek(position)
            head = handle.readline(_SNIFF_BYTES)
    except OSError:
        return None
    if position == 0 and head.startswith(_BOM):
        head = head[len(_BOM) :]
    return position if head.startswith(b"From ") and _is_separator(head) else None
