"""walkaway: read exported mailboxes and tell, with evidence, when a prospect has gone cold."""

from __future__ import annotations

from walkaway.types import Address, Attachment, Message, Quarantined, Reply, Thread

__version__ = "0.1.0"

__all__ = [
    "Address",
    "Attachment",
    "Message",
    "Quarantined",
    "Reply",
    "Thread",
    "__version__",
]
