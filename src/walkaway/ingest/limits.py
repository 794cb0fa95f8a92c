"""Per-message limits: how much work one message may cost before it is quarantined.

An export holds whatever anyone ever mailed its owner, spam and deliberately malformed
mail included. Two layers keep one hostile message from stalling or exhausting a run:

1. Budgets checked while parsing, deterministic and portable: the size of the message,
   of its header block and of its body text, the number of header fields, the MIME nesting
   depth and the number of MIME parts. A message over a budget is quarantined as
   ``too_large`` or ``too_complex`` (the body alone is truncated, with the defect
   ``body_truncated``), with a detail naming the limit. Within these budgets every stage
   of ingest is linear, so they bound the time as well as the memory.
2. A wall-clock backstop, :func:`deadline`, for whatever the budgets miss: a one-shot
   ``SIGALRM`` timer (``setitimer``) that interrupts the parse and quarantines the message
   as ``timeout``. It starts no thread (nothing can leak, nothing keeps running after the
   message is given up), costs two system calls per message, and works in worker
   processes, whose tasks run on the main thread. Where it cannot run (Windows, a thread
   other than the main one, a caller that owns ``SIGALRM`` or an interval timer already)
   it stands aside and the budgets alone apply. Python runs signal handlers between
   bytecodes, so a single long C call (one regex, one lxml parse) finishes first; the
   budgets keep those calls short.

The backstop is the only limit that depends on the machine's speed; on ordinary mail it
never fires (parsing takes milliseconds), so output stays reproducible.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace

MIB = 1024 * 1024

DEFAULT_MAX_BYTES = 50 * MIB
"""Largest single message kept; larger ones are quarantined as ``too_large``."""


@dataclass(frozen=True, slots=True)
class Limits:
    """What one message may cost. Every field is configurable; ``None`` disables the timer.

    The defaults sit far above real mail (in the test corpus: 1.5 MB, 135 KB of headers,
    68 header fields, nesting depth 4, 14 parts) and far below what hurts.
    """

    max_bytes: int = DEFAULT_MAX_BYTES
    """Raw size of one message (``too_large``)."""
    max_seconds: float | None = 10.0
    """Wall-clock time to parse one message (``timeout``); ``None`` or 0: no timer."""
    max_header_bytes: int = 1 * MIB
    """Size of the top-level header block (``too_complex``)."""
    max_header_fields: int = 10_000
    """Number of top-level header fields (``too_complex``)."""
    max_depth: int = 40
    """MIME nesting depth, counting multiparts and attached messages (``too_complex``)."""
    max_parts: int = 1_000
    """Number of MIME parts (``too_complex``)."""
    max_body_chars: int = 1_000_000
    """Body text kept; the rest is cut off and the message gets the ``body_truncated`` defect.
    The language stage cannot use more (spaCy's own limit is one million characters)."""

    def __post_init__(self) -> None:
        for name in (
            "max_bytes",
            "max_header_bytes",
            "max_header_fields",
            "max_depth",
            "max_parts",
            "max_body_chars",
        ):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"Limits.{name} must be a positive integer, not {value!r}")
        if self.max_seconds is not None and not self.max_seconds >= 0:
            raise ValueError(f"Limits.max_seconds must be >= 0 or None, not {self.max_seconds!r}")


DEFAULT_LIMITS = Limits()


def resolve(limits: Limits | None, max_bytes: int | None) -> Limits:
    """``limits`` (default :data:`DEFAULT_LIMITS`) with ``max_bytes`` applied when given."""
    limits = limits if limits is not None else DEFAULT_LIMITS
    if max_bytes is not None and max_bytes != limits.max_bytes:
        limits = replace(limits, max_bytes=max_bytes)
    return limits


class DeadlineExceeded(BaseException):
    """Raised inside :func:`deadline`'s block when the time is up.

    A ``BaseException`` on purpose: parsers and adapters wrap their work in
    ``except Exception`` (to survive bad input), which must not swallow the deadline.
    """


def timer_available() -> bool:
    """True when :func:`deadline` can arm a timer here (POSIX, main thread, timer free)."""
    if (
        not hasattr(signal, "setitimer")
        or threading.current_thread() is not threading.main_thread()
    ):
        return False
    if signal.getsignal(signal.SIGALRM) not in (signal.SIG_DFL, signal.SIG_IGN):
        # Someone else (a test runner's timeout, the host program, a handler installed
        # outside Python that could not be restored) owns it.
        return False
    return signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


@contextmanager
def deadline(seconds: float | None) -> Iterator[bool]:
    """Raise :class:`DeadlineExceeded` in the block if it runs longer than ``seconds``.

    Yields whether a timer was armed. Without ``seconds`` (``None`` or 0), or where
    :func:`timer_available` is false, the block runs unbounded.
    """
    if not seconds or not timer_available():
        yield False
        return
    armed = True

    def on_alarm(signum: int, frame: object) -> None:
        # A late signal (already pending when the block ended) must not escape: only
        # raise while the block is still running.
        if armed:
            raise DeadlineExceeded

    previous = signal.signal(signal.SIGALRM, on_alarm)
    try:
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            yield True
        finally:
            armed = False
            signal.setitimer(signal.ITIMER_REAL, 0)
    finally:
        signal.signal(signal.SIGALRM, previous)
