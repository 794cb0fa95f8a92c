"""Cleaning stage: split each body into the sender's new text, quoted history and signature.

>>> from walkaway.clean import split_reply
>>> reply = split_reply("Works for me.\\n\\nBest,\\nJane\\n\\nOn Tue, Mar 3, 2026 at 9:14 AM "
...                     "Bob <bob@x.com> wrote:\\n> Can we meet Friday?")
>>> reply.text, reply.signature
('Works for me.', 'Best,\\nJane')
"""

from __future__ import annotations

import dataclasses
import logging
import re

from walkaway.clean._html import html_to_text
from walkaway.clean._plain import split_plain
from walkaway.types import Message, Reply

__all__ = ["clean", "split_reply"]

logger = logging.getLogger(__name__)

_LOOKS_LIKE_HTML = re.compile(r"<(?:html|body|div|p|br|table|span|blockquote)\b", re.I)


def split_reply(body: str, html: bool = False, sender: str | None = None) -> Reply:
    """Split an email body into new text, quoted history and signature.

    ``body`` is the decoded text of one message; with ``html=True`` it is HTML and quote
    containers are recognised before conversion to text. ``sender`` ("Jane Doe <jane@x.com>",
    a name or an address) helps find a signature that starts with the sender's name.
    """
    if not body or not body.strip():
        return Reply(text="")
    if html:
        text, quoted, signature = split_plain(html_to_text(body), sender, own_header_at_top=False)
    else:
        text, quoted, signature = split_plain(body, sender)
    return Reply(text=text, quoted=quoted, signature=signature)


def clean(message: Message) -> Message:
    """A copy of ``message`` with ``text``, ``quoted`` and ``signature`` filled from its body.

    ``body_from_html`` says the body was produced from HTML; if it still carries markup, it is
    parsed as HTML here. The input message is never modified.
    """
    body = message.body
    html = message.body_from_html and _LOOKS_LIKE_HTML.search(body[:2000]) is not None
    sender = str(message.sender) if message.sender is not None else None
    reply = split_reply(body, html=html, sender=sender)
    return dataclasses.replace(
        message, text=reply.text, quoted=reply.quoted, signature=reply.signature
    )
