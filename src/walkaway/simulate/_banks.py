"""The phrase banks: what people write, kept as data files next to this module.

Adding a phrasing is a data change: append it to the right list in ``phrases/*.json``.
Templates use ``{placeholders}``; :data:`PLACEHOLDERS` lists every name the generator fills,
and a test fills every template with it, so a typo in a bank fails the tests, not a run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

# Every placeholder a template may use. Kept in one place so tests can check the banks.
PLACEHOLDERS = frozenset(
    {
        "first", "me", "company", "product", "domain", "day", "day2", "time", "time2", "tz",
        "date", "date2", "quarter", "quarter_prev", "month", "n", "sites", "hours", "pct",
        "price", "counter", "po", "competitor", "system", "idp", "pain", "topic", "colleague",
        "colleague_first", "colleague_title", "exec", "exec_first", "exec_title", "boss",
        "se", "case_company", "role", "question", "weekday", "return_date", "other", "name",
        "company2", "year", "company_slug", "their_boss", "slot_date",
    }
)  # fmt: skip

# Intents with fewer phrasings than this make the synthetic text too easy to memorise.
MIN_PHRASINGS = 15

_FILES = ("prospect", "rep", "world", "mail", "other")


class Slots(dict[str, str]):
    """Placeholder values for one message; an unknown placeholder is a bank error."""

    def __missing__(self, key: str) -> str:
        raise KeyError(f"phrase bank uses unknown placeholder {{{key}}}")


@dataclass(frozen=True, slots=True)
class Banks:
    """All phrase banks, loaded once per process."""

    prospect: dict[str, tuple[str, ...]]
    rep: dict[str, tuple[str, ...]]
    world: dict[str, Any]
    mail: dict[str, Any]
    other: dict[str, Any]


def _read(name: str) -> Any:
    path = resources.files(__package__).joinpath(f"phrases/{name}.json")
    return json.loads(path.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def load_banks() -> Banks:
    """Read ``phrases/*.json`` (cached: the files never change while a process runs)."""
    data = {name: _read(name) for name in _FILES}
    return Banks(
        prospect={key: tuple(value) for key, value in data["prospect"].items()},
        rep={key: tuple(value) for key, value in data["rep"].items()},
        world=data["world"],
        mail=data["mail"],
        other=data["other"],
    )


def phrase_bank_sizes() -> dict[str, int]:
    """Number of phrasings per intent, as ``side.intent`` -> count (prospect, rep, other)."""
    banks = load_banks()
    sizes = {f"prospect.{key}": len(value) for key, value in banks.prospect.items()}
    sizes.update({f"rep.{key}": len(value) for key, value in banks.rep.items()})
    for key, value in banks.other.items():
        if isinstance(value, list) and value and isinstance(value[0], str):
            sizes[f"other.{key}"] = len(value)
    for key in ("left_company_body",):
        sizes[f"mail.{key}"] = len(banks.mail[key])
    sizes["mail.ooo_body"] = sum(len(v) for v in banks.mail["ooo_body"].values())
    return sizes
