"""The fast compat32 parser: the same boundary matches and the same trees as the stdlib's."""

from __future__ import annotations

import email.feedparser
import re
from email import policy
from email.message import Message
from email.parser import BytesParser
from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st

from walkaway.ingest.mimeparse import (
    _RE_FOR_FEEDPARSER,
    BoundaryMatcher,
    boundary_separator,
    parse_bytes,
)
from walkaway.ingest.sources import iter_raw_items
from walkaway.types import RawItem

STDLIB = BytesParser(policy=policy.compat32)


def feedparser_pattern(separator: str) -> str:
    """The pattern email.feedparser builds for a multipart boundary (feedparser.py)."""
    return (
        "(?P<sep>" + re.escape(separator) + r")(?P<end>--)?(?P<ws>[ \t]*)(?P<linesep>\r\n|\r|\n)?$"
    )


def match_facts(match: re.Match[str] | None) -> object:
    if match is None:
        return None
    names = ("sep", "end", "ws", "linesep")
    return (
        match.group(0),
        match.groups(),
        match.groupdict(),
        match.span(),
        [match.span(name) for name in names],
        match.lastindex,
        match.lastgroup,
        match.pos,
        match.endpos,
        match.string,
    )


# Characters that matter to the pattern (line ends, blanks, dashes, regex syntax) and others.
PIECES = st.sampled_from(
    ["-", "--", " ", "\t", "\r", "\n", "\r\n", "a", "B", "=_", ".", "*", "(", ")", "\\", "$",
     "é", "\udcff", "\x00", "\x0b", "\x0c", "\u2028", "\x85"]
)  # fmt: skip
TEXT = st.lists(PIECES | st.text(max_size=3), max_size=8).map("".join)


@settings(max_examples=600, deadline=None)
@given(boundary=TEXT, before=TEXT, after=TEXT, keep_separator=st.booleans())
@example(boundary="b", before="", after="--  \t\r\n\n", keep_separator=True)
@example(boundary="b", before="", after="\r\r", keep_separator=True)
@example(boundary="b", before="", after="-- \n\n", keep_separator=True)
@example(boundary="", before="", after="----\n", keep_separator=True)
def test_boundary_matcher_is_the_feedparser_regex(
    boundary: str, before: str, after: str, keep_separator: bool
) -> None:
    separator = "--" + boundary
    line = (before + separator if keep_separator else before) + after
    pattern = feedparser_pattern(separator)
    compiled = _RE_FOR_FEEDPARSER.compile(pattern)
    assert isinstance(compiled, BoundaryMatcher)
    assert compiled.pattern == pattern
    expected = re.compile(pattern).match(line)
    assert match_facts(compiled.match(line)) == match_facts(expected)
    # Arguments the fast path does not take go to the real pattern.
    assert match_facts(compiled.match(line, 0)) == match_facts(expected)


@given(pattern=st.text(max_size=40))
@example(pattern=feedparser_pattern("--a") + "x")
@example(pattern="(?P<sep>\\" + r")(?P<end>--)?(?P<ws>[ \t]*)(?P<linesep>\r\n|\r|\n)?$")
@example(pattern="(?P<sep>a|b" + r")(?P<end>--)?(?P<ws>[ \t]*)(?P<linesep>\r\n|\r|\n)?$")
def test_other_patterns_are_compiled_by_re(pattern: str) -> None:
    try:
        expected = re.compile(pattern)
    except re.error:
        return
    compiled = _RE_FOR_FEEDPARSER.compile(pattern)
    if boundary_separator(pattern) is None:
        assert compiled is expected
    else:  # the shape itself, built from a literal
        assert isinstance(compiled, BoundaryMatcher)


def test_feedparser_itself_is_untouched() -> None:
    """Other users of the stdlib parser in the process (mail-parser) see no change."""
    assert email.feedparser.re is re
    assert email.feedparser.FeedParser._parsegen.__globals__ is vars(email.feedparser)  # type: ignore[attr-defined]


def tree(message: Message) -> object:
    """Everything the parser decides about a message, part by part."""
    payload = message.get_payload()
    children = (
        [tree(part) if isinstance(part, Message) else part for part in payload]
        if isinstance(payload, list)
        else payload
    )
    return (
        message.get_unixfrom(),
        list(message.raw_items()),
        [type(defect).__name__ for defect in message.defects],
        message.preamble,
        message.epilogue,
        children,
    )


def assert_same_parse(data: bytes) -> None:
    for headersonly in (False, True):
        expected = STDLIB.parsebytes(data, headersonly=headersonly)
        assert tree(parse_bytes(data, headersonly=headersonly)) == tree(expected)


NESTED = (
    b'Content-Type: multipart/mixed; boundary="out(1)"\r\n\r\npreamble\r\n--out(1)\r\n'
    b'Content-Type: multipart/alternative; boundary="in.*"\r\n\r\n--in.*\r\n\r\nplain\r\n'
    b"--in.*  \r\n\r\nother\n--in.*--\r\nepilogue in\r\n--out(1)\n"
    b"Content-Type: message/rfc822\n\nSubject: inner\nContent-Type: multipart/mixed; "
    b"boundary=x\n\n--x\n\nhi\n--x--\n--out(1)--\t\nepilogue\n"
)


@given(cut=st.integers(min_value=0, max_value=len(NESTED)))
def test_same_tree_as_stdlib_on_cut_nested_multipart(cut: int) -> None:
    assert_same_parse(NESTED[:cut])


def test_same_tree_as_stdlib_on_real_mail(real_emails: Path) -> None:
    count = 0
    for item in iter_raw_items([real_emails]):
        if isinstance(item, RawItem) and item.kind == "rfc822":
            assert_same_parse(item.data)
            count += 1
    assert count > 100
