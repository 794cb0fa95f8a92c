"""HTML bodies become readable text with their line structure and quotes kept."""

from __future__ import annotations

from walkaway.ingest.htmltext import html_to_text


def test_blocks_breaks_lists_and_entities() -> None:
    html = (
        "<html><head><style>p {color: red}</style><title>t</title></head><body>"
        "<p>Hi&nbsp;Ann,</p><div>Line one<br>Line   two</div>"
        "<ul><li>first</li><li>second</li></ul><script>var x = 1;</script>"
        "<p>Caf&eacute; &amp; more</p></body></html>"
    )
    assert html_to_text(html) == (
        "Hi Ann,\n\nLine one\nLine two\n\n- first\n- second\n\nCafé & more"
    )


def test_blockquote_lines_are_prefixed_for_the_reply_splitter() -> None:
    html = "<div>Sounds good.</div><blockquote><p>Can we meet?</p><p>Thanks</p></blockquote>"
    assert html_to_text(html) == "Sounds good.\n\n> Can we meet?\n>\n> Thanks"


def test_tables_become_lines_and_images_keep_alt_text() -> None:
    html = "<table><tr><td>Price</td><td>$10</td></tr><tr><td>Seats</td><td>5</td></tr></table>"
    assert html_to_text(html) == "Price $10\nSeats 5"
    assert html_to_text('<p>Logo: <img src="x.png" alt="ACME"></p>') == "Logo: [ACME]"


def test_xml_declaration_and_broken_markup_do_not_fail() -> None:
    assert html_to_text('<?xml version="1.0" encoding="utf-8"?><p>ok</p>') == "ok"
    assert html_to_text("<p>unclosed <b>bold <i>text") == "unclosed bold text"
    assert html_to_text("") == ""
    assert html_to_text("   ") == ""


def test_preformatted_text_keeps_its_line_breaks() -> None:
    assert html_to_text("<pre>a  b\nc</pre>") == "a  b\nc"
