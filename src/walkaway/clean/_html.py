"""HTML bodies: mark where quote containers start, then convert to text.

``<blockquote>`` needs no help: html2text renders it as ``>``-quoted lines, which keeps
interleaved answers apart from the history. Several clients wrap the history in a plain
``<div>`` instead (Yahoo's ``yahoo_quoted``, Outlook's ``divRplyFwdMsg`` and
``OLK_SRC_BODY_SECTION``, ProtonMail, Zoho); a marker line is inserted before those so the text
splitter can cut there.
"""

from __future__ import annotations

import re

import html2text

from walkaway.clean._plain import QUOTE_MARK

_CONTAINER = re.compile(
    r"<(?:div|span|table)\b[^>]{0,400}?(?:"
    r"class\s*=\s*[\"'][^\"']{0,200}?(?:yahoo_quoted|protonmail_quote|zmail_extra|"
    r"OutlookMessageHeader|gmail_quote_container)"
    r"|id\s*=\s*[\"'](?:divRplyFwdMsg|appendonsend|OLK_SRC_BODY_SECTION|isForwardContent|"
    r"Zm-_Id_-Sgn1|mail-editor-reference-message-container)"
    r")",
    re.I,
)
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!])")
_BLANK_LINE = re.compile(r"\n[ \t\xa0]+(?=\n)")
_EXTRA_BLANKS = re.compile(r"\n{3,}")


def _converter() -> html2text.HTML2Text:
    converter = html2text.HTML2Text()
    converter.body_width = 0  # never re-wrap: line structure carries the quote headers
    converter.ignore_links = True
    converter.ignore_images = True
    converter.ignore_emphasis = True  # "*From:*" would hide the header key
    converter.ignore_tables = True
    converter.unicode_snob = True
    return converter


def html_to_text(html: str) -> str:
    """Readable text of an HTML body, with a marker line where a quote container starts."""
    marked = _CONTAINER.sub(lambda m: f"<p>{QUOTE_MARK}</p>{m.group(0)}", html, count=1)
    text = _converter().handle(marked)
    # html2text escapes Markdown characters ("1\\.", "\\-"); the splitter wants the words.
    text = _ESCAPE.sub(r"\1", text)
    # Every <div> and <br> leaves blank or space-only lines; keep one blank line at most.
    return _EXTRA_BLANKS.sub("\n\n", _BLANK_LINE.sub("\n", text))
