"""walkaway: read exported mailboxes and tell, with evidence, when a prospect has gone cold.

The public API::

    result = walkaway.analyze(paths, our_domains=("acme.com",), as_of=None)
    for message in walkaway.read_messages(paths): ...
    reply = walkaway.split_reply(body, html=False, sender=None)
    walkaway.classify(["We'll revisit after Q1."])

The functions are imported on first use, so ``import walkaway`` stays light.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

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

__version__ = "0.1.0"

_LAZY = {
    "AnalysisResult": "walkaway.analysis",
    "analyze": "walkaway.analysis",
    "classify": "walkaway.nlp.classify",
    "read_messages": "walkaway.ingest",
    "split_reply": "walkaway.clean",
}

if TYPE_CHECKING:
    from walkaway.analysis import AnalysisResult, analyze
    from walkaway.clean import split_reply
    from walkaway.ingest import read_messages
    from walkaway.nlp.classify import classify


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'walkaway' has no attribute {name!r}")


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
    "classify",
    "read_messages",
    "split_reply",
]
