"""The stdlib's compat32 MIME parser, without one regex compilation per multipart message.

:func:`parse_bytes` returns exactly what ``BytesParser(policy=compat32).parsebytes`` returns.
It exists for speed alone. For every multipart part, ``email.feedparser.FeedParser._parsegen``
compiles a regular expression that matches its boundary lines::

    '(?P<sep>' + re.escape('--' + boundary) +
    r')(?P<end>--)?(?P<ws>[ \\t]*)(?P<linesep>\\r\\n|\\r|\\n)?$'

Boundaries are unique per message, so the ``re`` module's cache never hits, and compiling
(pure Python in ``re._parser`` / ``re._compiler``) cost more than the rest of parsing a typical
message. It also evicts every other cached pattern of the process.

Here the literal separator is checked with ``str.startswith`` and the rest of the line is
matched by an equivalent pattern whose first group is ``.{N}`` (any ``N`` characters, ``N``
the separator's length) instead of the literal: once the line starts with the separator, the
two patterns walk the line identically, so :class:`BoundaryMatcher` returns a genuine
``re.Match`` with the same groups and spans. Those patterns depend only on the length and are
compiled once per length. The property test in ``tests/ingest/test_mimeparse.py`` checks
this against the real regex on arbitrary lines.

Nothing process-wide is changed: ``email.feedparser`` itself is left alone, so other code in
the process (mail-parser included) parses exactly as before, at the stdlib's speed. Only this
module's :class:`_FeedParser` runs a copy of ``_parsegen`` whose global ``re`` is
:data:`_RE_FOR_FEEDPARSER`, which hands out a :class:`BoundaryMatcher` for that one pattern
shape and defers to :func:`re.compile` for any other pattern. Should a later Python build the
boundary pattern differently, the shape no longer matches and parsing stays correct, only as
slow as the stdlib's.
"""

from __future__ import annotations

import email.feedparser
import functools
import re
import types
from email import policy
from email.message import Message
from io import StringIO
from typing import Any

__all__ = ["BoundaryMatcher", "parse_bytes"]

# The boundary pattern of email.feedparser, around the escaped separator.
_PREFIX = "(?P<sep>"
_SUFFIX = r")(?P<end>--)?(?P<ws>[ \t]*)(?P<linesep>\r\n|\r|\n)?$"
_ESCAPED_CHAR = re.compile(r"\\(.)", re.DOTALL)
_READ_CHARS = 8192  # what email.parser.Parser.parse reads per feed


@functools.lru_cache(maxsize=256)
def _fixed_width(length: int) -> re.Pattern[str]:
    """The boundary pattern with ``length`` arbitrary characters in place of the separator."""
    return re.compile(f"(?P<sep>.{{{length}}})" + _SUFFIX[1:], re.DOTALL)


class BoundaryMatcher:
    """Matches lines exactly like ``re.compile(<feedparser boundary pattern>).match``.

    Only ``match(line)`` is what the feed parser calls; anything else (other arguments, other
    methods) is answered by the real compiled pattern, built on first use.
    """

    __slots__ = ("_pattern", "_regex", "separator")

    def __init__(self, separator: str) -> None:
        self.separator = separator
        self._pattern = _fixed_width(len(separator))
        self._regex: re.Pattern[str] | None = None

    @property
    def pattern(self) -> str:
        """The pattern string the feed parser asked for."""
        return _PREFIX + re.escape(self.separator) + _SUFFIX

    def match(self, string: str, *args: Any, **kwargs: Any) -> re.Match[str] | None:
        """``re.match`` of the boundary pattern at the start of ``string``."""
        if args or kwargs or not isinstance(string, str):
            return self._real().match(string, *args, **kwargs)
        if not string.startswith(self.separator):
            return None
        return self._pattern.match(string)

    def _real(self) -> re.Pattern[str]:
        if self._regex is None:
            self._regex = re.compile(self.pattern)
        return self._regex

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real(), name)


def boundary_separator(pattern: str) -> str | None:
    """The separator of a pattern shaped like the feed parser's boundary pattern, else None.

    The pattern is recognised only when it is exactly what the feed parser builds for that
    separator (``re.escape`` of it between the fixed prefix and suffix).
    """
    if not (pattern.startswith(_PREFIX) and pattern.endswith(_SUFFIX)):
        return None
    escaped = pattern[len(_PREFIX) : -len(_SUFFIX)]
    separator = _ESCAPED_CHAR.sub(r"\1", escaped)
    return separator if re.escape(separator) == escaped else None


class _ReForFeedparser:
    """The ``re`` module as the copied ``_parsegen`` sees it: ``compile`` knows one shape."""

    @staticmethod
    def compile(pattern: Any, flags: Any = 0) -> Any:
        if flags == 0 and isinstance(pattern, str):
            separator = boundary_separator(pattern)
            if separator is not None:
                return BoundaryMatcher(separator)
        return re.compile(pattern, flags)

    def __getattr__(self, name: str) -> Any:
        return getattr(re, name)


_RE_FOR_FEEDPARSER = _ReForFeedparser()


def _parsegen_copy() -> types.FunctionType | None:
    """``FeedParser._parsegen`` running with ``re`` bound to :data:`_RE_FOR_FEEDPARSER`.

    A function reads its globals from the module that defined it; a copy of the function
    object over a copy of those globals lets us swap the one name without patching the
    module. The method is recursive through ``self._parsegen``, so the subclass below runs
    the copy at every level. None if this Python's feed parser has no such method: then the
    stdlib's own runs, as slow as ever but as correct.
    """
    original = getattr(email.feedparser.FeedParser, "_parsegen", None)
    if not isinstance(original, types.FunctionType):
        return None
    namespace = dict(vars(email.feedparser))
    namespace["re"] = _RE_FOR_FEEDPARSER
    copy = types.FunctionType(
        original.__code__,
        namespace,
        original.__name__,
        original.__defaults__,
        original.__closure__,
    )
    copy.__qualname__ = original.__qualname__
    copy.__kwdefaults__ = original.__kwdefaults__
    return copy


_PARSEGEN = _parsegen_copy()


class _FeedParser(email.feedparser.FeedParser):
    if _PARSEGEN is not None:
        _parsegen = _PARSEGEN


def parse_bytes(data: bytes, *, headersonly: bool = False) -> Message:
    """What ``BytesParser(policy=compat32).parsebytes(data, headersonly)`` returns.

    >>> parse_bytes(b"Subject: Hi\\n\\nHello\\n").get_payload()
    'Hello\\n'
    """
    # The steps of BytesParser.parsebytes and Parser.parse, with our feed parser.
    text = StringIO(data.decode("ASCII", errors="surrogateescape"))
    parser = _FeedParser(policy=policy.compat32)
    if headersonly:
        parser._set_headersonly()  # type: ignore[attr-defined]
    while chunk := text.read(_READ_CHARS):
        parser.feed(chunk)
    return parser.close()
