"""Texts kept on disk instead of in memory, read back one by one.

The quoted history of a message is the largest thing in it (each reply quotes the thread
before it) and nothing but the messages table reads it. :class:`TextSpill` keeps such
texts in an unnamed temporary file, in the order they were added, with only their offsets
in memory (16 bytes a text), so holding an export's messages does not grow with the
history they quote.
"""

from __future__ import annotations

import tempfile
import weakref
from array import array
from collections.abc import Iterable


class TextSpill:
    """An append-only list of strings stored in a temporary file.

    ``add`` returns the text's index; ``get`` reads it back. The file is removed when the
    spill is closed or garbage-collected (it has no name on POSIX systems)."""

    def __init__(self) -> None:
        # Closed by close() or when the spill is collected; no "with" can span its life.
        self._file = tempfile.TemporaryFile(prefix="walkaway-spill-")  # noqa: SIM115
        self._closer = weakref.finalize(self, self._file.close)
        self._starts = array("q")
        self._lengths = array("q")
        self._end = 0

    def add(self, text: str) -> int:
        data = text.encode("utf-8", "surrogatepass")
        if data:
            self._file.seek(self._end)
            self._file.write(data)
        self._starts.append(self._end)
        self._lengths.append(len(data))
        self._end += len(data)
        return len(self._starts) - 1

    def get(self, index: int) -> str:
        length = self._lengths[index]
        if not length:
            return ""
        self._file.seek(self._starts[index])
        data = self._file.read(length)
        return data.decode("utf-8", "surrogatepass")

    def get_many(self, indices: Iterable[int]) -> list[str]:
        """Texts of ``indices``, in that order."""
        return [self.get(i) for i in indices]

    def __len__(self) -> int:
        return len(self._starts)

    @property
    def nbytes(self) -> int:
        """Bytes on disk."""
        return self._end

    def close(self) -> None:
        self._closer()

    def __getstate__(self) -> dict[str, object]:
        # A result that is pickled (a notebook saving it) takes its texts along.
        return {"texts": [self.get(i) for i in range(len(self))]}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__init__()  # type: ignore[misc]
        for text in state["texts"]:  # type: ignore[attr-defined]
            self.add(text)
