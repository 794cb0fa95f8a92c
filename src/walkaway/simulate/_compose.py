"""Message bodies: the new text, a signature, and quoted history the way each client writes it.

Gmail, Apple Mail and Thunderbird quote with ``>`` under an "On ... wrote:" line (localised);
Outlook puts a separator and a ``From:/Sent:/To:/Subject:`` block above the unindented history.
The HTML alternative carries the same parts in each client's markup (``gmail_quote``,
``divRplyFwdMsg``, ``blockquote type="cite"``) so quote detection meets both forms.
"""

from __future__ import annotations

import html
import random
from dataclasses import dataclass
from datetime import datetime

from walkaway.simulate._banks import Banks
from walkaway.simulate._model import Person, Thread

# Quoted history longer than this quotes only the previous message's own text, the way long
# threads get trimmed in practice, and keeps message size bounded.
_MAX_QUOTED_CHARS = 2500


@dataclass(slots=True)
class Body:
    """The plain text of a message, its own part (for later quoting) and its HTML form."""

    text: str
    own: str
    html: str


def _names(banks: Banks, lang: str) -> dict[str, list[str]]:
    names: dict[str, list[str]] = banks.mail["names"].get(lang) or banks.mail["names"]["en"]
    return names


def attribution_fields(
    banks: Banks, lang: str, when: datetime, name: str, email: str
) -> dict[str, str]:
    """Values for the localised "On <date>, <name> wrote:" templates, in the reader's zone."""
    names = _names(banks, lang)
    hour12 = when.hour % 12 or 12
    return {
        "wd_short": names["wd_short"][when.weekday()],
        "wd_long": names["wd_long"][when.weekday()],
        "mon_short": names["mon_short"][when.month - 1],
        "mon_long": names["mon_long"][when.month - 1],
        "d": str(when.day),
        "m": f"{when.month:02d}",
        "yyyy": str(when.year),
        "HH": f"{when.hour:02d}",
        "h12": str(hour12),
        "mm": f"{when.minute:02d}",
        "ampm": "AM" if when.hour < 12 else "PM",
        "name": name,
        "email": email,
    }


def _quote_source(thread: Thread) -> str:
    text = thread.last_text
    return text if len(text) <= _MAX_QUOTED_CHARS else thread.last_own_text


def _gt_quote(text: str) -> str:
    return "\n".join(
        "> " + line if line and line[0] != ">" else ">" + line for line in text.split("\n")
    )


def _html_lines(text: str) -> str:
    return html.escape(text, quote=False).replace("\n", "<br>\n")


def _html_paragraphs(paragraphs: list[str], tag: str = "div") -> str:
    parts = []
    for index, paragraph in enumerate(paragraphs):
        if index:
            parts.append(f"<{tag}><br></{tag}>")
        parts.append(f"<{tag}>{_html_lines(paragraph)}</{tag}>")
    return "\n".join(parts)


def compose(
    *,
    banks: Banks,
    sender: Person,
    paragraphs: list[str],
    closing: str,
    footer: str,
    thread: Thread | None,
    when: datetime,
    quote: bool,
) -> Body:
    """Assemble a message body from its parts.

    ``paragraphs`` are the new text (greeting first), ``closing`` the sign-off and name,
    ``footer`` the signature block or a mobile footer; ``thread`` supplies the history to quote.
    """
    blocks = [paragraph for paragraph in paragraphs if paragraph]
    if closing:
        blocks.append(closing)
    own = "\n\n".join(blocks)
    if footer:
        own += "\n\n" + ("-- \n" if sender.sig_dash else "") + footer
    own_html_paragraphs = [*blocks]
    text = own
    quote_html = ""
    if quote and thread is not None and thread.last_sender is not None and thread.last_date:
        previous = _quote_source(thread)
        last = thread.last_sender
        local = sender.zone.local(thread.last_date)
        fields = attribution_fields(banks, sender.lang, local, last.name, last.email)
        client = sender.client
        if client == "outlook":
            to_people = thread.last_to or [sender]
            fields["to"] = "; ".join(f"{person.name} <{person.email}>" for person in to_people)
            fields["subject"] = thread.last_subject
            header = banks.mail["outlook_header"][sender.lang].format_map(fields)
            separator = banks.mail["outlook_separators"][len(thread.message_ids) % 3]
            text = f"{own}\n\n{separator}\n{header}\n\n{previous}"
            header_html = "<br>\n".join(
                "<b>{}:</b>{}".format(*map(html.escape, line.split(":", 1)))
                for line in header.split("\n")
            )
            quote_html = (
                '<div id="appendonsend"></div>\n<hr style="display:inline-block;width:98%" '
                'tabindex="-1">\n<div id="divRplyFwdMsg" dir="ltr"><font face="Calibri, '
                f'sans-serif" style="font-size:11pt" color="#000000">{header_html}</font>'
                f"<div>&nbsp;</div></div>\n<div>{_html_lines(previous)}</div>"
            )
        else:
            key = {"gmail": "gmail_attribution", "apple": "apple_attribution"}.get(
                client, "thunderbird_attribution"
            )
            attribution = banks.mail[key][sender.lang].format_map(fields)
            text = f"{own}\n\n{attribution}\n{_gt_quote(previous)}"
            if client == "gmail":
                quote_html = (
                    '<br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">'
                    f"{html.escape(attribution)}<br></div>\n"
                    '<blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;'
                    'border-left:1px solid rgb(204,204,204);padding-left:1ex">\n'
                    f"{_html_lines(previous)}\n</blockquote></div>"
                )
            else:
                quote_html = (
                    f"<div><br><div>{html.escape(attribution)}</div>\n"
                    f'<blockquote type="cite">{_html_lines(previous)}</blockquote></div>'
                )
    return Body(text=text, own=own, html=_to_html(sender, own_html_paragraphs, footer, quote_html))


def _to_html(sender: Person, paragraphs: list[str], footer: str, quote_html: str) -> str:
    client = sender.client
    signature = _html_lines(footer) if footer else ""
    if client == "gmail":
        body = f'<div dir="ltr">{_html_paragraphs(paragraphs)}'
        if signature:
            body += (
                '<br clear="all"><div><br></div><span class="gmail_signature_prefix">-- </span>'
                f'<br><div dir="ltr" class="gmail_signature">{signature}</div>'
            )
        return body + "</div>\n" + quote_html + "\n"
    if client == "outlook":
        return (
            '<html>\n<head>\n<meta http-equiv="Content-Type" content="text/html; charset=utf-8">\n'
            '</head>\n<body dir="ltr">\n<div style="font-family: Calibri, Arial, Helvetica, '
            'sans-serif; font-size: 11pt; color: rgb(0, 0, 0);">\n'
            f"{_html_paragraphs(paragraphs)}\n</div>\n"
            + (f'<div id="Signature">{signature}</div>\n' if signature else "")
            + quote_html
            + "\n</body>\n</html>\n"
        )
    if client == "apple":
        return (
            '<html><head><meta http-equiv="content-type" content="text/html; charset=utf-8">'
            '</head><body style="overflow-wrap: break-word; -webkit-nbsp-mode: space; '
            'line-break: after-white-space;">\n'
            f"{_html_paragraphs(paragraphs)}\n"
            + (f"<div><br></div><div>{signature}</div>\n" if signature else "")
            + quote_html
            + "\n</body></html>\n"
        )
    return (
        '<!DOCTYPE html>\n<html>\n<head>\n<meta http-equiv="content-type" '
        'content="text/html; charset=UTF-8">\n</head>\n<body>\n'
        f"{_html_paragraphs(paragraphs, 'p')}\n"
        + (f'<div class="moz-signature">-- <br>\n{signature}</div>\n' if signature else "")
        + quote_html
        + "\n</body>\n</html>\n"
    )


_CONTRACTIONS = (
    ("don't", "dont"),
    ("can't", "cant"),
    ("I'm", "im"),
    ("we're", "were"),
    ("it's", "its"),
)


def roughen(sentence: str, rng: random.Random, level: float) -> str:
    """Hurried writing: a swapped letter, a dropped apostrophe, no capital or final period."""
    if level <= 0 or rng.random() >= level:
        return sentence
    kind = rng.randrange(4)
    if kind == 0:
        words = sentence.split(" ")
        candidates = [i for i, word in enumerate(words) if len(word) >= 5 and word.isalpha()]
        if candidates:
            i = rng.choice(candidates)
            word = words[i]
            j = rng.randrange(1, len(word) - 2)
            words[i] = word[:j] + word[j + 1] + word[j] + word[j + 2 :]
            return " ".join(words)
    if kind == 1:
        for proper, sloppy in _CONTRACTIONS:
            if proper in sentence:
                return sentence.replace(proper, sloppy, 1)
    if kind == 2 and sentence[:1].isupper() and sentence[1:2].islower():
        return sentence[0].lower() + sentence[1:]
    return sentence.rstrip(".")
