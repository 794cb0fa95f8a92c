"""Who takes part on the prospect's side: breadth (multithreaded) and seniority (exec_engaged).

Both are positive signals: a deal that several people at the prospect work on, with an
executive writing or copied, is less likely to be dying quietly.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from walkaway.people import Person, seniority_rank
from walkaway.signals.timing import Event, fire
from walkaway.types import Signal


def contact_signals(
    prospect: str, events: Sequence[Event], people: Mapping[str, Person]
) -> tuple[dict[str, float | int | str | None], tuple[Signal, ...]]:
    """Features and positive signals about the prospect's people (events already cut at as-of)."""
    writers: dict[str, Event] = {}
    copied: dict[str, Event] = {}
    for event in events:
        message = event.message
        if event.direction == "in" and message.sender is not None:
            writers.setdefault(message.sender.email, event)
        if event.direction in {"in", "out"}:
            # Sender and recipients as written, repeats included: ``setdefault`` keeps first
            # sightings, as ``message.participants`` would, without building it at every
            # as-of date of a trajectory.
            for address in (message.sender, *message.to, *message.cc):
                if address is None or not address.email:
                    continue
                person = people.get(address.email)
                if person is not None and person.account == prospect and not person.own:
                    copied.setdefault(address.email, event)

    signals: list[Signal] = []
    if len(writers) >= 2:
        first = sorted(writers.values(), key=lambda e: e.date)
        latest = first[-1]
        names = ", ".join(_label(people, email) for email in sorted(writers))
        signals.append(
            fire(
                prospect,
                "multithreaded",
                latest,
                f"{len(writers)} people from the prospect wrote: {names}",
                min(2.0, (len(writers) - 1) / 2.0 + 0.5),
            )
        )

    # Executives only (C-level, VP, founder, owner, managing director): a director who writes
    # is welcome, but is not who signs.
    executive = seniority_rank("executive")
    best: tuple[str, Event] | None = None
    for email, event in sorted(copied.items()):
        person = people.get(email)
        if person is None or seniority_rank(person.seniority) < executive:
            continue
        anchor = writers.get(email, event)
        if best is None or (email in writers and best[0] not in writers):
            best = (email, anchor)
    if best is not None:
        email, anchor = best
        verb = "wrote" if email in writers else "was on the thread"
        signals.append(
            fire(
                prospect,
                "exec_engaged",
                anchor,
                f"{_label(people, email)} {verb}: {anchor.message.subject!r}",
            )
        )

    max_rank = max((seniority_rank(people[e].seniority) for e in copied if e in people), default=0)
    features: dict[str, float | int | str | None] = {
        "n_contacts_writing": len(writers),
        "n_contacts_involved": len(copied),
        "max_seniority_rank": max_rank,
    }
    return features, tuple(signals)


def _label(people: Mapping[str, Person], email: str) -> str:
    person = people.get(email)
    if person is None:
        return email
    name = person.name or email
    return f"{name} ({person.title})" if person.title else name
