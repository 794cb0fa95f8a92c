"""walkaway: read exported mailboxes and tell, with evidence, when a prospect has gone cold.

The public API::

    result = walkaway.analyze(paths, our_domains=("acme.com",), as_of=None)
    for message in walkaway.read_messages(paths): ...
    reply = walkaway.split_reply(body, html=False, sender=None)
"""

from __future__ import annotations

__version__ = "0.1.0"

from walkaway.analysis import AnalysisResult, analyze
from walkaway.clean import split_reply
from walkaway.ingest import read_messages
from walkaway.types import (
    Address,
    Attachment,
    Message,
    ProspectScore,
    Quarantined,
    Reason,
    Reply,
    Signal,
    Thread,
)

__all__ = [
    "Address",
    "AnalysisResult",
    "Attachment",
    "Message",
    "ProspectScore",
    "Quarantined",
    "Reason",
    "Reply",
    "Signal",
    "Thread",
    "__version__",
    "analyze",
    "read_messages",
    "split_reply",
]
