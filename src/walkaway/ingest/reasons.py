"""What each quarantine and skip reason means, and what the user can do about it.

Every item ingest cannot use ends in ``quarantine.csv`` with a reason code; files never
read (hidden, plainly not mail by name, outside the export) are counted as skipped. This
table turns those codes into plain language for the summary printed after ``analyze`` and
for ``summary.json``. It is data: adding a reason means adding a row here, and a test
checks that every code ingest can produce has one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ReasonInfo:
    """A reason code explained: a short title, what happened, and what the user can do."""

    code: str
    title: str
    explanation: str
    action: str


def _table(*rows: tuple[str, str, str, str]) -> dict[str, ReasonInfo]:
    return {
        code: ReasonInfo(code, title, explanation, action)
        for code, title, explanation, action in rows
    }


QUARANTINE_REASONS: Mapping[str, ReasonInfo] = _table(
    (
        "not_email",
        "not mail",
        "These files are not email or mailboxes (documents, notes, binaries), or text found "
        "before the first message of an mbox.",
        "Nothing to do if they are not mail. Otherwise point walkaway at the export folder "
        "itself: mbox, .eml, Maildir, Outlook .msg, Apple Mail .emlx, or a .gz of these.",
    ),
    (
        "empty",
        "empty",
        "These files or mailbox entries hold no data.",
        "Nothing to do. If a mailbox should not be empty, export it again.",
    ),
    (
        "too_large",
        "larger than the size limit",
        "These messages are larger than the size limit (50 MB per message unless changed), "
        "usually because of big attachments.",
        "If they matter, run again with a higher limit: --max-message-mb.",
    ),
    (
        "too_complex",
        "structure beyond real mail",
        "These messages go far beyond what mail programs write (more than a thousand MIME "
        "parts, parts nested dozens of levels deep, or megabytes of headers). They are "
        "almost always spam or deliberately malformed, and are set aside so they cannot "
        "slow down or exhaust the run.",
        "Usually nothing. The detail column names the limit each one crossed; if a real "
        "conversation is among them, the limits can be raised through walkaway.ingest.Limits.",
    ),
    (
        "timeout",
        "took too long to read",
        "Reading these messages took longer than the time limit (10 seconds per message "
        "unless changed). Ordinary mail takes milliseconds.",
        "Usually nothing: they are most often malformed. If they matter, run again with a "
        "higher limit: --max-message-seconds.",
    ),
    (
        "truncated",
        "cut off",
        "These files end in the middle of a message: an interrupted download or copy, or a "
        "damaged .gz. The messages before the cut were read.",
        "Export or copy the mailbox again and rerun to get the missing messages.",
    ),
    (
        "unreadable",
        "could not be read",
        "These files could not be opened or read: missing permissions, a broken link, a disk "
        "error.",
        "Check that the files exist and that you can read them, then run again.",
    ),
    (
        "no_headers",
        "no mail headers",
        "These items have no mail headers (From, To, Subject, Date...): fragments or text "
        "between messages, often in a damaged mbox.",
        "Usually nothing. If there are many, the file may not be a real mbox: export the "
        "mailbox again.",
    ),
    (
        "msg_unreadable",
        "damaged Outlook file",
        "These Outlook .msg files are damaged or of a kind that cannot be read.",
        "Open them in Outlook and save them again (or save them as .eml), then run again.",
    ),
    (
        "unparseable",
        "too malformed to parse",
        "These messages are so malformed that no parser could read them.",
        "Usually spam or damage. Open the file named in quarantine.csv to check; export "
        "again if it is real mail.",
    ),
)
"""Every reason an input item can be quarantined for."""

SKIP_REASONS: Mapping[str, ReasonInfo] = _table(
    (
        "hidden",
        "hidden",
        "Hidden files and folders (names starting with a dot) are not read.",
        "Nothing to do; rename them if they hold mail.",
    ),
    (
        "not_mail_by_name",
        "not mail by name",
        "Files whose names say they are not mail (.csv, .pdf, .json, images...) are not read.",
        "Nothing to do; name a file on the command line to have it read anyway.",
    ),
    (
        "maildir_tmp",
        "Maildir tmp",
        "A Maildir's tmp folder holds messages still being delivered; they are not read.",
        "Nothing to do.",
    ),
    (
        "maildir_metadata",
        "Maildir bookkeeping",
        "Index and bookkeeping files a mail server keeps inside a Maildir are not read.",
        "Nothing to do.",
    ),
    (
        "not_a_file",
        "not a regular file",
        "Pipes, sockets and devices inside the export are not read: they may never end.",
        "Nothing to do; name one on the command line if it really carries mail.",
    ),
    (
        "symlink_outside_export",
        "link out of the export",
        "Links that point outside the export folder are not followed, so an export cannot "
        "make walkaway read other files on this computer.",
        "Copy the linked mail into the export folder, or name it on the command line.",
    ),
    (
        "symlink_loop",
        "link loop",
        "Folders reached a second time through a link are read only once.",
        "Nothing to do.",
    ),
    (
        "too_deep",
        "folders nested too deep",
        "Folders nested more than 64 levels deep are not read.",
        "Move the mail closer to the export folder, or name the deep folder directly.",
    ),
    (
        "unreadable_folder",
        "folder could not be listed",
        "These folders could not be listed (missing permissions, a disk error).",
        "Check that you can open them, then run again.",
    ),
)
"""Every reason a file can be skipped without being read."""

_UNKNOWN = ReasonInfo(
    "", "other", "Set aside for a reason without a description.", "See the detail column."
)


def explain(code: str) -> ReasonInfo:
    """The description of a quarantine or skip reason (a generic one for unknown codes)."""
    info = QUARANTINE_REASONS.get(code) or SKIP_REASONS.get(code)
    if info is not None:
        return info
    return ReasonInfo(code, _UNKNOWN.title, _UNKNOWN.explanation, _UNKNOWN.action)


def _rows(counts: Mapping[str, int]) -> list[dict[str, object]]:
    rows = []
    # Most frequent first; ties by code, so the order never depends on input order.
    for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        if count <= 0:
            continue
        info = explain(code)
        rows.append(
            {
                "reason": code,
                "count": int(count),
                "title": info.title,
                "explanation": info.explanation,
                "action": info.action,
            }
        )
    return rows


def quarantine_summary(
    quarantine_reasons: Mapping[str, int], skip_reasons: Mapping[str, int] | None = None
) -> dict[str, object]:
    """Counts by reason with their explanation and remedy: ``summary.json``'s
    ``quarantine_summary``.

    >>> summary = quarantine_summary({"not_email": 3})
    >>> summary["quarantined"], summary["reasons"][0]["title"]
    (3, 'not mail')
    """
    skip_reasons = skip_reasons or {}
    return {
        "quarantined": int(sum(quarantine_reasons.values())),
        "reasons": _rows(quarantine_reasons),
        "skipped_files": int(sum(skip_reasons.values())),
        "skip_reasons": _rows(skip_reasons),
    }


def describe_quarantine(summary: Mapping[str, object], *, details_file: str = "") -> list[str]:
    """The quarantine summary as plain lines for a terminal ([] when nothing was set aside).

    >>> describe_quarantine(quarantine_summary({"empty": 2}))[0]
    '2 items were set aside:'
    """
    reasons = summary.get("reasons") or []
    skips = summary.get("skip_reasons") or []
    lines: list[str] = []
    if isinstance(reasons, list) and reasons:
        total = summary.get("quarantined", 0)
        lines.append(f"{total} item{'s were' if total != 1 else ' was'} set aside:")
        for row in reasons:
            lines.append(f"  {row['count']:>6}  {row['title']}: {row['explanation']}")
            lines.append(f"          What to do: {row['action']}")
        if details_file:
            lines.append(f"  Each item and its reason: {details_file}")
    if isinstance(skips, list) and skips:
        total = summary.get("skipped_files", 0)
        names = ", ".join(f"{row['count']} {row['title']}" for row in skips)
        lines.append(f"{total} file{'s' if total != 1 else ''} not read: {names}.")
    return lines
