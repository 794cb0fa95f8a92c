"""walkaway's exceptions: one home for what went wrong and what the user can do about it.

The CLI maps them to the contract's exit codes: :class:`UsageError` -> 2,
:class:`NoUsableInputError` -> 1. Anything that concerns a single message never raises
out of ingest: it becomes a :class:`walkaway.types.Quarantined` record instead.
"""

from __future__ import annotations


class WalkawayError(Exception):
    """Base class for every error walkaway raises on purpose."""

    exit_code = 2


class UsageError(WalkawayError):
    """The command was called wrongly: bad option, missing path, unreadable file."""

    exit_code = 2


class InputNotFoundError(UsageError):
    def __init__(self, path: str) -> None:
        super().__init__(f"no such file or folder: {path}")
        self.path = path


class ConfigError(UsageError):
    """A config file or a deals file is invalid; the message names the row and column."""


class NoUsableInputError(WalkawayError):
    """The input held nothing walkaway could use (empty export, every item quarantined)."""

    exit_code = 1


class ModelError(WalkawayError):
    """A model file is missing, of the wrong kind, or not trusted."""

    exit_code = 2
