"""Redaction for sharing: mask email addresses, phone numbers and personal names.

A :class:`Redactor` is built from an analyze output folder: it learns every address and
display name in the messages (and the names hidden in ``first.last@`` addresses), numbers
the people in order of first appearance, and replaces them consistently everywhere:
``greg.halvorsen@corvane.com`` becomes ``person-3@corvane.com`` and ``Greg Halvorsen``,
``Halvorsen, Greg`` and ``Hi Greg,`` all become ``Person 3``. Company domains are kept (they
are the accounts the report is about); a free-mail prospect, whose id is an address, gets
the masked address as its id. Phone numbers become ``[phone]``.

Names are matched as capitalised words, so a name written in lower case in a body, or a
person never seen in a header or address, is not caught: redaction lowers the risk of
sharing, it does not replace reading what you share.

``redact_tables(DIR)`` rewrites the folder's tables in place; ``render_reports(DIR,
redact=True)`` masks the pages only.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from walkaway.report.data import OutputFolder, load_output

_ADDRESS = re.compile(r"(?<![\w.+'-])[\w.+'-]+@(?P<domain>[\w-]+(?:\.[\w-]+)+)", re.U)
_PSEUDONYM_ADDRESS = re.compile(r"^person-\d+@")
_PHONE_CANDIDATE = re.compile(r"(?<![\w/.,+-])(?:\+|\(\+?)?\d[\d ().\-/\u00a0]{5,}\d(?![\w/-])")
_DATE_LIKE = re.compile(
    r"^(\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{2,4}|\d{4}\s*-\s*\d{4})$"
)
_WORD = re.compile(r"(?<![\w@])[^\W\d_][\w'’-]*", re.U)
_REPEATS = re.compile(r"\b(Person (\d+))(?:(?:,\s*|\s+|-)Person \2\b)+")
_LOCAL_SPLIT = re.compile(r"[._-]+")

# Capitalised words that are never taken for a name (months and days would break dates;
# the rest are words that machine senders put in their display names).
_NOT_NAMES = frozenset(
    [
        "january", "february", "march", "april", "may", "june", "july", "august", "september",
        "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
        "sep", "sept", "oct", "nov", "dec", "monday", "tuesday", "wednesday", "thursday",
        "friday", "saturday", "sunday", "the", "and", "of", "for", "team", "sales", "support",
        "info", "news", "newsletter", "brief", "office", "admin", "service", "services",
        "notifications", "notification", "mail", "delivery", "subsystem", "system", "no",
        "reply", "noreply", "do", "not", "postmaster", "mailer", "daemon", "auto", "customer",
        "billing", "hello", "dr", "mr", "mrs", "ms", "prof", "herr", "frau", "sir", "dame",
        "mx", "jr", "sr", "ii", "iii",
    ]
)  # fmt: skip

# Local parts that name a role, not a person (info@, sales@ ...).
_ROLE_LOCALS = {
    "info", "sales", "support", "contact", "hello", "office", "admin", "team", "billing",
    "accounts", "controlling", "marketing", "hr", "jobs", "careers", "press", "help",
    "service", "noreply", "no-reply", "mailer-daemon", "postmaster", "newsletter", "news",
}  # fmt: skip


def _name_tokens(name: str) -> list[str]:
    tokens = []
    for token in _WORD.findall(name):
        token = token.strip("'’-")
        if len(token) >= 2 and token.casefold() not in _NOT_NAMES and token[0].isupper():
            tokens.append(token)
    return tokens


def _local_part_names(address: str) -> list[str]:
    """Name tokens hidden in an address: ``maya.lindqvist@`` -> Maya, Lindqvist;
    ``k.vogel@`` -> Vogel. Only the ``first.last`` shapes: other words in a local part
    (``elena.marchetti.analytics``) are as likely a trade as a name."""
    local = address.partition("@")[0].lower()
    if local in _ROLE_LOCALS:
        return []
    parts = _LOCAL_SPLIT.split(local)
    if len(parts) != 2 or not all(p.isalpha() for p in parts):
        return []
    return [p.capitalize() for p in parts if len(p) >= 2 and p not in _NOT_NAMES]


def mask_phones(text: str) -> str:
    """Replace phone numbers (7 to 15 digits with the usual separators) with ``[phone]``."""

    def replace(match: re.Match[str]) -> str:
        candidate = match.group(0)
        digits = sum(c.isdigit() for c in candidate)
        if not 7 <= digits <= 15 or _DATE_LIKE.match(candidate.strip()):
            return candidate
        plain = candidate.replace(" ", "")
        # A bare run of digits without any phone punctuation is an id or an amount.
        if plain.isdigit() and digits < 10:
            return candidate
        return "[phone]"

    return _PHONE_CANDIDATE.sub(replace, text)


class Redactor:
    """Consistent pseudonyms for the people of one export (see the module docstring)."""

    def __init__(self) -> None:
        self._addresses: dict[str, str] = {}
        self._numbers: dict[str, int] = {}
        self._tokens: dict[str, int] = {}
        self._lower_tokens: dict[str, int] = {}
        self._count = 0

    # Building -----------------------------------------------------------------------
    def _person(self, address: str) -> int:
        address = address.lower()
        if address not in self._numbers:
            self._count += 1
            self._numbers[address] = self._count
        return self._numbers[address]

    def add_person(self, address: str = "", name: str = "") -> None:
        """Learn one person: an address, a display name, or both (one number for both).

        Without a display name, the name tokens come from a ``first.last@`` address."""
        from walkaway.people import is_automated

        address = address.strip().lower()
        if address and _PSEUDONYM_ADDRESS.match(address):
            return
        if address:
            number = self._person(address)
        elif name.strip():
            number = self._person("name:" + name.strip())
        else:
            return
        if address and is_automated(address):
            return
        tokens = _name_tokens(name) if name.strip() else _local_part_names(address)
        for token in tokens:
            self._tokens.setdefault(token, number)
            self._tokens.setdefault(token.upper(), number)
            if len(token) >= 4:
                # File paths and addresses write names in lower case (dana-whitfield.mbox).
                self._lower_tokens.setdefault(token.lower(), number)

    @classmethod
    def for_folder(cls, folder: OutputFolder) -> Redactor:
        """Learn every person of an output folder, numbered by first appearance."""
        redactor = cls()
        order: list[str] = []
        names: dict[str, list[str]] = {}
        messages = folder.messages
        if not messages.empty:
            ordered = messages.sort_values(["date", "id"], kind="stable", na_position="last")
            for row in ordered[["sender", "sender_name", "to", "cc"]].itertuples(index=False):
                sender = str(row.sender or "").lower()
                for address in [sender, *(str(a).lower() for a in _as_list(row.to))]:
                    if address and address not in names:
                        order.append(address)
                        names[address] = []
                for address in (str(a).lower() for a in _as_list(row.cc)):
                    if address and address not in names:
                        order.append(address)
                        names[address] = []
                name = str(row.sender_name or "").strip()
                if sender and name and name not in names[sender]:
                    names[sender].append(name)
        own = folder.summary.get("own_side", {}) or {}
        extra = [str(a) for a in own.get("addresses", []) or []]
        extra += [str(p) for p in folder.prospects.get("prospect", []) if "@" in str(p)]
        for address in extra:
            if address.lower() not in names:
                order.append(address.lower())
                names[address.lower()] = []
        for address in order:
            if not names[address]:
                redactor.add_person(address)
            for name in names[address]:
                redactor.add_person(address, name)
        return redactor

    # Masking ------------------------------------------------------------------------
    def address(self, address: str) -> str:
        """``person-N@domain`` for an address (company domains stay readable)."""
        if not address or "@" not in address or _PSEUDONYM_ADDRESS.match(address.lower()):
            return address
        domain = address.rpartition("@")[2].lower()
        return f"person-{self._person(address)}@{domain}"

    def text(self, value: str) -> str:
        """Mask addresses, phone numbers and known names in free text."""
        if not value:
            return value
        value = _ADDRESS.sub(lambda m: self.address(m.group(0)), value)
        value = mask_phones(value)

        def name(match: re.Match[str]) -> str:
            token = match.group(0)
            number = self._tokens.get(token.strip("'’-"))
            if number is None and token.endswith(("'s", "’s")):
                number = self._tokens.get(token[:-2])
                if number is not None:
                    return f"Person {number}'s"
            return f"Person {number}" if number is not None else token

        value = _WORD.sub(name, value)
        return _REPEATS.sub(r"\1", value)

    def path(self, value: str) -> str:
        """Like :meth:`text`, also masking lower-case names (file names, folders)."""
        value = self.text(value)

        def lower(match: re.Match[str]) -> str:
            number = self._lower_tokens.get(match.group(0).lower())
            return f"person-{number}" if number is not None else match.group(0)

        return re.sub(r"[A-Za-zÀ-ÿ]{4,}", lower, value)

    def prospect(self, prospect: str) -> str:
        return self.address(prospect) if "@" in prospect else prospect

    # Tables ---------------------------------------------------------------------------
    def redact_folder(self, folder: OutputFolder) -> OutputFolder:
        """A redacted copy of every table of the folder (the input is not changed)."""
        prospects = folder.prospects.copy()
        if "prospect" in prospects:
            prospects["prospect"] = prospects["prospect"].map(self.prospect)
        if "name" in prospects:
            prospects["name"] = prospects["name"].map(self.text)

        signals = folder.signals.copy()
        if not signals.empty:
            signals["prospect"] = signals["prospect"].map(self.prospect)
            signals["evidence"] = signals["evidence"].map(self.text)

        messages = folder.messages.copy()
        if not messages.empty:
            for column in ("subject", "text", "quoted", "signature", "sender_name"):
                if column in messages:
                    messages[column] = messages[column].map(_str_map(self.text))
            for column in ("auto_reply_reason",):
                if column in messages:
                    messages[column] = messages[column].map(_str_map(self.text))
            if "sender" in messages:
                messages["sender"] = messages["sender"].map(_str_map(self.address))
            for column in ("to", "cc"):
                if column in messages:
                    messages[column] = messages[column].map(_list_map(self.address))
            if "prospects" in messages:
                messages["prospects"] = messages["prospects"].map(_list_map(self.prospect))
            for column in ("labels", "attachment_names"):
                if column in messages:
                    messages[column] = messages[column].map(_list_map(self.text))
            for column in ("source", "location"):
                if column in messages:
                    messages[column] = messages[column].map(_str_map(self.path))

        threads = folder.threads.copy()
        if not threads.empty:
            if "subject" in threads:
                threads["subject"] = threads["subject"].map(_str_map(self.text))
            if "prospects" in threads:
                threads["prospects"] = threads["prospects"].map(_list_map(self.prospect))
            if "participants" in threads:
                threads["participants"] = threads["participants"].map(_list_map(self.address))

        quarantine = folder.quarantine.copy()
        for column in ("source", "location", "detail"):
            if column in quarantine and not quarantine.empty:
                quarantine[column] = quarantine[column].map(_str_map(self.path))

        summary = dict(folder.summary)
        own = dict(summary.get("own_side") or {})
        if own.get("addresses"):
            own["addresses"] = [self.address(a) for a in own["addresses"]]
        if own:
            summary["own_side"] = own
        summary["redacted"] = True

        scores = dict(folder.scores)
        scores["prospects"] = [
            {
                **p,
                "prospect": self.prospect(str(p.get("prospect", ""))),
                "name": self.text(str(p.get("name", ""))),
            }
            for p in folder.scores.get("prospects", [])
        ]
        scores["redacted"] = True
        return folder.with_tables(
            prospects=prospects,
            signals=signals,
            messages=messages,
            threads=threads,
            quarantine=quarantine,
            summary=summary,
            scores=scores,
        )


def _as_list(value: object) -> list[Any]:
    if value is None or isinstance(value, str):
        return [value] if value else []
    try:
        return list(value)  # type: ignore[call-overload]
    except TypeError:
        return []


def _str_map(function):  # type: ignore[no-untyped-def]
    return lambda value: function(value) if isinstance(value, str) and value else value


def _list_map(function):  # type: ignore[no-untyped-def]
    return lambda values: [function(str(v)) for v in _as_list(values)]


def redact_tables(out_dir: str | Path) -> dict[str, Path]:
    """Rewrite an analyze output folder's tables with addresses, phone numbers and names
    masked (prospects.csv, signals.csv, messages/threads Parquet, quarantine.csv,
    summary.json, scores.json); ``summary.json`` records ``"redacted": true``.

    Run it before :func:`walkaway.report.render.render_reports` so tables and pages agree;
    an already redacted folder is left as it is.
    """
    from walkaway.report.tables import table_paths, write_csv, write_json, write_parquet

    out = Path(out_dir)
    folder = load_output(out)
    paths = table_paths(out)
    if folder.redacted:
        return paths
    redacted = Redactor.for_folder(folder).redact_folder(folder)
    write_csv(redacted.prospects, paths["prospects"])
    write_csv(redacted.signals, paths["signals"])
    write_parquet(redacted.messages, paths["messages"])
    write_parquet(redacted.threads, paths["threads"])
    write_csv(redacted.quarantine, paths["quarantine"])
    write_json(redacted.scores, paths["scores"])
    # The summary last: it is what marks the folder as redacted.
    write_json(redacted.summary, paths["summary"])
    return paths
