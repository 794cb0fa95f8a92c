"""Tests for walkaway.threads: real threading cases from public corpora, and sales-mail cases."""

from __future__ import annotations

import base64
import gzip
import random
from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from itertools import combinations
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from walkaway.ingest import read_messages
from walkaway.threads import (
    build_threads,
    is_generic_subject,
    normalize_subject,
    outlook_conversation_key,
    subject_key,
    thread_of,
)
from walkaway.types import Address, Message, Thread

from .conftest import corpus_path

# --- Reading real mail through walkaway's own ingest stage. -----------------------------------


def _read_mbox_gz(path: Path) -> list[Message]:
    return list(read_messages([path]))


def _read_files(folder: Path) -> list[Message]:
    return list(read_messages([folder]))


# --- Ground truth: the MHonArc by-thread page of the fedora-devel archive. -------------------


class _ThreadPage(HTMLParser):
    """Top-level <li> of the list after the <hr> are threads; anchors name message numbers."""

    def __init__(self) -> None:
        super().__init__()
        self.after_rule = False
        self.depth = 0
        self.threads: list[set[int]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "hr":
            self.after_rule = True
        elif not self.after_rule:
            return
        elif tag == "ul":
            self.depth += 1
        elif tag == "li" and self.depth == 1:
            self.threads.append(set())
        elif tag == "a" and self.depth >= 1:
            name = dict(attrs).get("name")
            if name and name.isdigit():
                self.threads[-1].add(int(name))

    def handle_endtag(self, tag: str) -> None:
        if self.after_rule and tag == "ul":
            self.depth -= 1


def _pairs(groups: Iterable[set[int]]) -> set[tuple[int, int]]:
    return {pair for group in groups for pair in combinations(sorted(group), 2)}


def _score(predicted: list[set[int]], truth: list[set[int]]) -> tuple[float, float, float]:
    """(share of true threads reproduced exactly, pairwise precision, pairwise recall)."""
    found = {frozenset(group) for group in predicted}
    exact = sum(frozenset(group) in found for group in truth) / len(truth)
    predicted_pairs, true_pairs = _pairs(predicted), _pairs(truth)
    hits = len(predicted_pairs & true_pairs)
    return exact, hits / len(predicted_pairs), hits / len(true_pairs)


@pytest.fixture(scope="module")
def fedora(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Message], list[set[int]]]:
    folder = corpus_path("real-emails", "jwzthreading-fedora-devel")
    messages = _read_mbox_gz(folder / "2010-January.txt.gz")
    page = _ThreadPage()
    page.feed(
        gzip.decompress((folder / "2010-January_thread.html.gz").read_bytes()).decode("latin-1")
    )
    truth = [group for group in page.threads if group]
    return messages, truth


def _as_positions(threads: list[Thread], messages: list[Message]) -> list[set[int]]:
    # MHonArc numbers messages in archive order, which is the mbox order.
    position = {message.id: index for index, message in enumerate(messages)}
    return [{position[mid] for mid in thread.message_ids} for thread in threads]


@pytest.mark.corpus
def test_threads_match_mailing_list_archive_ground_truth(
    fedora: tuple[list[Message], list[set[int]]],
) -> None:
    messages, truth = fedora
    assert len(messages) == 292
    assert sum(len(group) for group in truth) == 292
    exact, precision, recall = _score(_as_positions(build_threads(messages), messages), truth)
    # Measured: every one of the 60 archive threads reproduced, pairwise P = R = 1.0.
    assert exact >= 0.95
    assert precision >= 0.99
    assert recall >= 0.99


@pytest.mark.corpus
def test_threads_subject_fallback_joins_archive_possible_follow_ups(
    fedora: tuple[list[Message], list[set[int]]],
) -> None:
    messages, truth = fedora
    headers_only = _as_positions(build_threads(messages, subject_window_days=0), messages)
    with_subject = _as_positions(build_threads(messages), messages)
    # msg00153 replies to a message the archive never got; the archive lists it as a
    # "possible follow-up" of "Common Lisp apps in Fedora" (msg00055), and so do we.
    assert not any({55, 153} <= group for group in headers_only)
    assert any({55, 153, 248, 285} <= group for group in with_subject)
    assert _score(with_subject, truth)[2] > _score(headers_only, truth)[2]


@pytest.mark.corpus
def test_threads_do_not_depend_on_input_order_on_real_archive(
    fedora: tuple[list[Message], list[set[int]]],
) -> None:
    messages = fedora[0]
    expected = build_threads(messages)
    for seed in range(3):
        shuffled = list(messages)
        random.Random(seed).shuffle(shuffled)
        assert build_threads(shuffled) == expected


@pytest.mark.corpus
def test_threads_keep_replies_to_a_missing_root_together() -> None:
    messages = _read_files(corpus_path("real-emails", "notmuch-corpora", "threading", "ghost-root"))
    threads = {thread.thread_id: thread for thread in build_threads(messages)}
    assert len(threads) == 2
    real = threads["000-real-root@example.org"]
    assert real.subject == "root message"
    assert len(real.message_ids) == 6
    assert real.placeholders == ("nonexistent-message@example.org",)
    # The request tracker's two messages only share a ticket id nobody has: a placeholder
    # root holds them together with the message they answer.
    ticket = next(t for key, t in threads.items() if key.startswith("RT-Ticket-33575@"))
    assert len(ticket.message_ids) == 3
    assert ticket.message_ids[0] == "87bmc6lp3h.fsf@len.workgroup"
    assert ticket.subject == "FYI: xxxx xxxxxxx xxxxxxxxxxxx xxx"
    assert ticket.placeholders == (ticket.thread_id,)
    assert {t.method for t in threads.values()} == {"jwz"}


@pytest.mark.corpus
def test_threads_prefer_a_known_in_reply_to_over_odd_references() -> None:
    folder = corpus_path("real-emails", "notmuch-corpora", "threading", "parent-priority")
    (thread,) = build_threads(_read_files(folder))
    # The child's References names a mistyped id, the grand-child's lists oldest last; the
    # root stays the root only if In-Reply-To wins when it names a message we have.
    assert thread.thread_id == "B00-root@example.org"
    assert thread.subject == "root message"
    assert thread.message_ids == (
        "B00-root@example.org",
        "B01-child@example.org",
        "B01-grand-child@example.org",
    )
    assert thread.placeholders == ("B00--root@example.org",)


@pytest.mark.corpus
@pytest.mark.parametrize("reverse", [False, True])
def test_threads_refuse_in_reply_to_loops(reverse: bool) -> None:
    messages = _read_files(corpus_path("real-emails", "notmuch-corpora", "broken", "loop"))
    if reverse:
        messages.reverse()
    (thread,) = build_threads(messages)
    # Each message says it answers the other; the older one is taken as the root.
    assert thread.thread_id == "mid-loop-12@example.org"
    assert thread.message_ids == ("mid-loop-12@example.org", "mid-loop-21@example.org")
    assert thread.placeholders == ()


@pytest.mark.corpus
def test_threads_match_notmuch_on_its_default_maildir() -> None:
    # The corpus holds one message in two folders (53 files); ingest keeps one copy of each.
    messages = _read_files(corpus_path("real-emails", "notmuch-corpora", "default"))
    assert len(messages) == 52
    threads = build_threads(messages)
    assert sorted(thread_of(threads)) == sorted(m.id for m in messages)
    assert len({t.thread_id for t in threads}) == len(threads)
    # notmuch's own search output for this corpus: 24 threads of these sizes.
    assert sorted((len(t.message_ids) for t in threads), reverse=True) == [
        *(7, 5, 4, 3, 3, 3, 3),
        *([2] * 7),
        *([1] * 10),
    ]
    maildir = next(t for t in threads if len(t.message_ids) == 7)
    assert maildir.subject == "Working with Maildir storage?"


# --- Hand-built sales mail. ------------------------------------------------------------------

REP = Address("rep@acme.com", "Rita Rep")
BUYER = Address("buyer@globex.com", "Bob Buyer")
OTHER_BUYER = Address("cto@initech.com", "Carla CTO")
OTHER_REP = Address("sam@acme.com", "Sam Sales")
START = datetime(2024, 3, 4, 9, 0, tzinfo=UTC)


def _mail(
    message_id: str,
    *,
    subject: str = "Proposal for Globex",
    days: float = 0.0,
    sender: Address = REP,
    to: tuple[Address, ...] = (BUYER,),
    in_reply_to: str = "",
    references: tuple[str, ...] = (),
    gmail_thread: str = "",
    thread_index: str = "",
) -> Message:
    return Message(
        id=message_id,
        source="test",
        location=message_id,
        message_id=f"<{message_id}>",
        date=START + timedelta(days=days),
        sender=sender,
        to=to,
        subject=subject,
        in_reply_to=in_reply_to,
        references=references,
        provider_thread_id=gmail_thread,
        thread_index=thread_index,
    )


def _groups(threads: list[Thread]) -> set[frozenset[str]]:
    return {frozenset(t.message_ids) for t in threads}


def test_threads_link_replies_by_headers_in_date_order() -> None:
    root = _mail("p1@acme.com")
    reply = _mail(
        "r1@globex.com",
        subject="RE: Proposal for Globex",
        days=2,
        sender=BUYER,
        to=(REP,),
        in_reply_to="<p1@acme.com>",
        references=("<p1@acme.com>",),
    )
    answer = _mail(
        "a1@acme.com",
        subject="Re: RE: Proposal for Globex",
        days=3,
        in_reply_to="<r1@globex.com>",
        references=("<p1@acme.com>", "<r1@globex.com>"),
    )
    (thread,) = build_threads([answer, reply, root])
    assert thread == Thread(
        thread_id="p1@acme.com",
        message_ids=("p1@acme.com", "r1@globex.com", "a1@acme.com"),
        subject="Proposal for Globex",
        method="jwz",
        placeholders=(),
    )


def test_threads_join_reply_with_broken_references_by_subject_and_participants() -> None:
    root = _mail("p1@acme.com")
    # A mobile client dropped the real parent id and wrote one nobody has.
    reply = _mail(
        "r1@globex.com",
        subject="AW: Proposal for Globex",
        days=3,
        sender=BUYER,
        to=(REP,),
        in_reply_to="<lost@globex.mobile>",
    )
    follow = _mail(
        "f1@acme.com", subject="Re: AW: Proposal for Globex", days=4, in_reply_to="<r1@globex.com>"
    )
    (thread,) = build_threads([follow, reply, root])
    assert thread.method == "subject"
    assert thread.thread_id == "p1@acme.com"
    assert thread.message_ids == ("p1@acme.com", "r1@globex.com", "f1@acme.com")
    assert thread.placeholders == ("lost@globex.mobile",)


def test_threads_join_reply_without_any_headers_when_subject_says_reply() -> None:
    root = _mail("p1@acme.com")
    reply = _mail(
        "r1@globex.com", subject="Re: Proposal for Globex", days=1, sender=BUYER, to=(REP,)
    )
    (thread,) = build_threads([root, reply])
    assert thread.method == "subject"


def test_threads_do_not_join_same_subject_between_different_people() -> None:
    first = _mail("p1@acme.com", subject="Pricing for the pilot")
    other = _mail(
        "x1@initech.com",
        subject="Re: Pricing for the pilot",
        days=2,
        sender=OTHER_BUYER,
        to=(OTHER_REP,),
        in_reply_to="<gone@initech.com>",
    )
    assert _groups(build_threads([first, other])) == {
        frozenset({"p1@acme.com"}),
        frozenset({"x1@initech.com"}),
    }


def test_threads_do_not_join_same_subject_months_apart() -> None:
    first = _mail("p1@acme.com", subject="Renewal 2024")
    late = _mail("r9@globex.com", subject="Re: Renewal 2024", days=120, sender=BUYER, to=(REP,))
    threads = build_threads([first, late])
    assert len(threads) == 2
    assert {t.method for t in threads} == {"single"}


def test_threads_subject_window_counts_from_the_nearest_message() -> None:
    root = _mail("p1@acme.com", subject="Security review")
    reply = _mail(
        "r1@globex.com",
        subject="Re: Security review",
        days=30,
        sender=BUYER,
        to=(REP,),
        in_reply_to="<p1@acme.com>",
    )
    late = _mail(
        "r2@globex.com",
        subject="RE: Security review",
        days=40,
        sender=BUYER,
        to=(REP,),
        references=("<missing@globex.com>",),
    )
    assert len(build_threads([root, reply, late], subject_window_days=14)) == 1
    assert len(build_threads([root, reply, late], subject_window_days=7)) == 2


def test_threads_never_join_a_fresh_message_by_subject() -> None:
    # No reply headers and no reply prefix: the sender started a new conversation.
    first = _mail("p1@acme.com", subject="Proposal for Globex")
    again = _mail("p2@acme.com", subject="Proposal for Globex", days=5)
    assert len(build_threads([first, again])) == 2


@pytest.mark.parametrize(
    "subject", ["Hi", "hello!", "Quick question", "Meeting", "Following up", "(no subject)", ""]
)
def test_threads_do_not_join_generic_subjects(subject: str) -> None:
    first = _mail("p1@acme.com", subject=subject)
    reply = _mail(
        "r1@globex.com",
        subject=f"Re: {subject}",
        days=1,
        sender=BUYER,
        to=(REP,),
        in_reply_to="<unknown@globex.com>",
    )
    assert len(build_threads([first, reply])) == 2


def test_threads_ignore_a_mailing_list_as_shared_participant() -> None:
    lists = Address("sales-announce@lists.example.org")
    people = [Address(f"person{n}@example.net") for n in range(4)]
    first = _mail("l1@example.net", subject="Price list update", sender=people[0], to=(lists,))
    others = [
        _mail(f"l{n}@example.net", subject="Unrelated", days=n, sender=people[n], to=(lists,))
        for n in (2, 3)
    ]
    reply = _mail(
        "l9@example.net",
        subject="Re: Price list update",
        days=1,
        sender=people[1],
        to=(lists,),
        in_reply_to="<elsewhere@example.net>",
    )
    threads = build_threads([first, *others, reply])
    assert len(threads) == 4


def test_threads_do_not_join_via_a_rep_who_writes_to_everyone() -> None:
    # A team export: three reps each send the same template to 55 prospects. Only the
    # prospect, not the rep, can tie a broken reply to the right conversation.
    reps = [Address(f"rep{n}@acme.com") for n in range(3)]
    outreach = [
        _mail(
            f"t{r}.{p}@acme.com",
            subject="Cutting your cloud bill",
            days=p / 10,
            sender=reps[r],
            to=(Address(f"buyer{r}.{p}@prospect{p}.com"),),
        )
        for r in range(3)
        for p in range(55)
    ]
    reply = _mail(
        "answer@prospect3.com",
        subject="RE: Cutting your cloud bill",
        days=6,
        sender=Address("buyer0.3@prospect3.com"),
        to=(reps[0],),
        in_reply_to="<stripped-by-gateway@prospect3.com>",
    )
    mapping = thread_of(build_threads([*outreach, reply]))
    assert mapping["answer@prospect3.com"] == "t0.3@acme.com"
    assert len(set(mapping.values())) == len(outreach)


def test_threads_join_gmail_thread_ids_without_headers() -> None:
    first = _mail("g1@acme.com", subject="Intro call", gmail_thread="1790000000000000001")
    second = _mail(
        "g2@globex.com",
        subject="Notes from today",
        days=1,
        sender=BUYER,
        to=(REP,),
        gmail_thread="1790000000000000001",
    )
    other = _mail("g3@acme.com", subject="Intro call", days=1, gmail_thread="1790000000000000002")
    threads = build_threads([second, other, first])
    assert _groups(threads) == {
        frozenset({"g1@acme.com", "g2@globex.com"}),
        frozenset({"g3@acme.com"}),
    }
    joined = next(t for t in threads if len(t.message_ids) == 2)
    assert joined.method == "provider"
    assert joined.thread_id == "g1@acme.com"


def test_threads_do_not_join_by_subject_across_different_gmail_threads() -> None:
    first = _mail("g1@acme.com", gmail_thread="17901")
    reply = _mail(
        "g2@globex.com",
        subject="Re: Proposal for Globex",
        days=1,
        sender=BUYER,
        to=(REP,),
        gmail_thread="17902",
    )
    assert len(build_threads([first, reply])) == 2


def _thread_index(conversation: bytes, replies: int = 0) -> str:
    header = b"\x01" + bytes(range(1, 6)) + conversation
    return base64.b64encode(header + b"\x00\x00\x10\x20\x30" * replies).decode()


def test_threads_join_outlook_conversation_index() -> None:
    conversation = bytes(range(100, 116))
    first = _mail(
        "o1@acme.com", subject="Statement of work", thread_index=_thread_index(conversation)
    )
    reply = _mail(
        "o2@globex.com",
        subject="SOW comments",
        days=2,
        sender=BUYER,
        to=(REP,),
        thread_index=_thread_index(conversation, replies=1),
    )
    other = _mail(
        "o3@acme.com",
        subject="Statement of work",
        days=2,
        thread_index=_thread_index(bytes(range(50, 66))),
    )
    threads = build_threads([reply, other, first])
    assert _groups(threads) == {
        frozenset({"o1@acme.com", "o2@globex.com"}),
        frozenset({"o3@acme.com"}),
    }
    assert next(t for t in threads if len(t.message_ids) == 2).method == "provider"


def test_outlook_conversation_key_reads_the_first_22_bytes() -> None:
    conversation = bytes(range(100, 116))
    root_key = outlook_conversation_key(_thread_index(conversation))
    assert len(root_key) == 44
    assert outlook_conversation_key(_thread_index(conversation, replies=3)) == root_key
    # Ingest stores the conversation root as hex already.
    assert outlook_conversation_key(root_key) == root_key
    assert outlook_conversation_key(root_key.upper() + "0a0b0c0d0e") == root_key
    assert outlook_conversation_key("not base64 at all!") == ""
    assert outlook_conversation_key(base64.b64encode(b"short").decode()) == ""
    assert outlook_conversation_key(_thread_index(bytes(16))) == ""  # blank GUID


@pytest.mark.parametrize("order", [(0, 1, 2), (2, 1, 0), (1, 2, 0)])
def test_threads_refuse_reference_cycles(order: tuple[int, ...]) -> None:
    loop = [
        _mail("c1@acme.com", days=0, in_reply_to="<c3@acme.com>"),
        _mail(
            "c2@globex.com",
            days=1,
            sender=BUYER,
            to=(REP,),
            in_reply_to="<c1@acme.com>",
            references=("<c3@acme.com>", "<c1@acme.com>"),
        ),
        _mail(
            "c3@acme.com",
            days=2,
            in_reply_to="<c2@globex.com>",
            references=("<c1@acme.com>", "<c2@globex.com>", "<c3@acme.com>"),
        ),
    ]
    (thread,) = build_threads([loop[i] for i in order])
    assert thread.thread_id == "c1@acme.com"
    assert thread.message_ids == ("c1@acme.com", "c2@globex.com", "c3@acme.com")
    assert thread.method == "jwz"


def test_threads_follow_in_reply_to_when_references_disagree() -> None:
    pricing = _mail("a@acme.com", subject="Pricing")
    onboarding = _mail("b@acme.com", subject="Onboarding", days=1)
    # The client copied References from another message; In-Reply-To names the one answered.
    reply = _mail(
        "x@globex.com",
        subject="Re: Pricing",
        days=2,
        sender=BUYER,
        to=(REP,),
        in_reply_to="<a@acme.com>",
        references=("<b@acme.com>",),
    )
    assert _groups(build_threads([reply, onboarding, pricing])) == {
        frozenset({"a@acme.com", "x@globex.com"}),
        frozenset({"b@acme.com"}),
    }


def test_threads_keep_a_missing_root_as_placeholder() -> None:
    first = _mail(
        "r1@globex.com",
        subject="Re: Budget",
        sender=BUYER,
        to=(REP,),
        references=("<root@acme.com>",),
    )
    second = _mail("r2@acme.com", subject="Re: Budget", days=1, in_reply_to="<root@acme.com>")
    (thread,) = build_threads([second, first])
    assert thread.thread_id == "root@acme.com"
    assert thread.subject == "Budget"
    assert thread.placeholders == ("root@acme.com",)
    assert thread.method == "jwz"


def test_threads_ignore_an_address_given_as_in_reply_to() -> None:
    # Old clients write `In-Reply-To: <bob@example.com>'s message of ...`.
    first = _mail(
        "m1@acme.com",
        subject="Re: Budget",
        to=(BUYER,),
        in_reply_to="<buyer@globex.com>'s message of Mon, 4 Mar 2024",
    )
    second = _mail(
        "m2@acme.com",
        subject="Re: Contract",
        days=30,
        to=(BUYER,),
        in_reply_to="<buyer@globex.com>'s message of Wed, 3 Apr 2024",
    )
    assert len(build_threads([first, second])) == 2


def test_threads_single_message() -> None:
    (thread,) = build_threads([_mail("s1@acme.com", subject="Fwd: [EXT] Re: Pilot scope")])
    assert thread == Thread("s1@acme.com", ("s1@acme.com",), "Pilot scope", "single", ())


def test_threads_need_unique_message_ids() -> None:
    with pytest.raises(ValueError, match="unique"):
        build_threads([_mail("d@acme.com"), _mail("d@acme.com", days=1)])
    assert build_threads([]) == []


def test_threads_keep_two_messages_with_one_message_id_together() -> None:
    # Ingest keeps both when the content differs (id from a content hash).
    sent = _mail("dup@acme.com", days=0)
    received = replace(sent, id="sha256:0f", location="inbox", in_reply_to="<other@globex.com>")
    (thread,) = build_threads([received, sent])
    assert thread.message_ids == ("dup@acme.com", "sha256:0f")
    assert thread.thread_id == "dup@acme.com"


def test_threads_subject_fallback_can_be_turned_off() -> None:
    root = _mail("p1@acme.com")
    reply = _mail(
        "r1@globex.com", subject="Re: Proposal for Globex", days=1, sender=BUYER, to=(REP,)
    )
    assert len(build_threads([root, reply], subject_window_days=0)) == 2
    assert len(build_threads([root, reply], subject_window_days=1)) == 1


def test_thread_of_maps_every_message_to_its_thread() -> None:
    root = _mail("p1@acme.com")
    reply = _mail("r1@globex.com", days=1, sender=BUYER, to=(REP,), in_reply_to="<p1@acme.com>")
    lone = _mail("z1@acme.com", subject="Other topic", days=2)
    assert thread_of(build_threads([root, reply, lone])) == {
        "p1@acme.com": "p1@acme.com",
        "r1@globex.com": "p1@acme.com",
        "z1@acme.com": "z1@acme.com",
    }


def _mixed_mailbox() -> list[Message]:
    conversation = bytes(range(200, 216))
    return [
        _mail("p1@acme.com"),
        _mail(
            "r1@globex.com",
            subject="RE: Proposal for Globex",
            days=2,
            sender=BUYER,
            to=(REP,),
            in_reply_to="<p1@acme.com>",
            references=("<p1@acme.com>",),
        ),
        _mail(
            "r2@globex.com",
            subject="AW: Proposal for Globex",
            days=5,
            sender=BUYER,
            to=(REP,),
            in_reply_to="<lost@globex.com>",
        ),
        _mail("g1@acme.com", subject="Kickoff", days=1, to=(OTHER_BUYER,), gmail_thread="9"),
        _mail(
            "g2@initech.com",
            subject="Agenda",
            days=2,
            sender=OTHER_BUYER,
            to=(REP,),
            gmail_thread="9",
        ),
        _mail("o1@acme.com", subject="SOW", days=3, thread_index=_thread_index(conversation)),
        _mail(
            "o2@globex.com",
            subject="RE: SOW",
            days=4,
            sender=BUYER,
            to=(REP,),
            thread_index=_thread_index(conversation, 1),
        ),
        _mail("c1@acme.com", subject="Loop", days=6, in_reply_to="<c2@acme.com>"),
        _mail("c2@acme.com", subject="Re: Loop", days=7, in_reply_to="<c1@acme.com>"),
        _mail(
            "h1@globex.com",
            subject="Re: Hi",
            days=8,
            sender=BUYER,
            to=(REP,),
            references=("<ghost@acme.com>",),
        ),
        _mail("h2@acme.com", subject="Re: Hi", days=9, references=("<ghost@acme.com>",)),
        _mail("h3@acme.com", subject="Hi", days=9.5),
        Message(id="sha256:abc", source="test", location="undated", subject="Re: SOW"),
    ]


@settings(max_examples=60, deadline=None)
@given(st.permutations(_mixed_mailbox()))
def test_threads_do_not_depend_on_input_order(messages: list[Message]) -> None:
    assert build_threads(messages) == build_threads(_mixed_mailbox())


def test_threads_on_a_mixed_mailbox() -> None:
    threads = {t.thread_id: t for t in build_threads(_mixed_mailbox())}
    assert {tid: (t.method, len(t.message_ids)) for tid, t in threads.items()} == {
        "p1@acme.com": ("subject", 3),
        "g1@acme.com": ("provider", 2),
        "o1@acme.com": ("provider", 2),
        "c1@acme.com": ("jwz", 2),
        "ghost@acme.com": ("jwz", 2),
        "h3@acme.com": ("single", 1),
        "sha256:abc": ("single", 1),
    }
    # Threads come by first message date; undated messages last.
    assert list(threads)[-1] == "sha256:abc"


_IDS = [f"m{n}@example.com" for n in range(12)]
_PEOPLE = [REP, BUYER, OTHER_BUYER, OTHER_REP]


@st.composite
def _random_mailbox(draw: st.DrawFn) -> list[Message]:
    """Messages with random reply headers (loops, placeholders, junk) and provider ids."""
    chosen = draw(st.lists(st.sampled_from(_IDS), min_size=1, max_size=len(_IDS), unique=True))
    messages = []
    for message_id in chosen:
        messages.append(
            _mail(
                message_id,
                subject=draw(st.sampled_from(["Pilot", "Re: Pilot", "RE: Budget", "Hi", ""])),
                days=draw(st.integers(0, 40)),
                sender=draw(st.sampled_from(_PEOPLE)),
                to=(draw(st.sampled_from(_PEOPLE)),),
                in_reply_to=draw(st.sampled_from(["", "junk", *(f"<{i}>" for i in _IDS)])),
                references=tuple(
                    f"<{i}>" for i in draw(st.lists(st.sampled_from([*_IDS, "x@y"]), max_size=4))
                ),
                gmail_thread=draw(st.sampled_from(["", "", "", "1", "2"])),
            )
        )
    return messages


@settings(max_examples=150, deadline=None)
@given(_random_mailbox(), st.randoms(use_true_random=False))
def test_threads_partition_any_mailbox_the_same_way_in_any_order(
    messages: list[Message], shuffler: random.Random
) -> None:
    threads = build_threads(messages)
    shuffled = list(messages)
    shuffler.shuffle(shuffled)
    assert build_threads(shuffled) == threads
    assert sorted(thread_of(threads)) == sorted(m.id for m in messages)
    assert sum(len(t.message_ids) for t in threads) == len(messages)
    assert len({t.thread_id for t in threads}) == len(threads)
    by_id = {m.id: m for m in messages}
    for thread in threads:
        dates = [by_id[mid].date or START for mid in thread.message_ids]
        assert dates == sorted(dates)
        assert (thread.method == "single") == (len(thread.message_ids) == 1)
        assert not set(thread.placeholders) & set(thread.message_ids)


@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        ("Re: Pricing", "Pricing"),
        ("RE: RE: FW: Pricing", "Pricing"),
        ("Re[2]: Pricing", "Pricing"),
        ("Re(3): Pricing", "Pricing"),
        ("AW: WG: Angebot", "Angebot"),
        ("SV: VS: Tarjous", "Tarjous"),
        ("Antw: Offerte", "Offerte"),
        ("TR: RE : Devis", "Devis"),
        ("RV: Presupuesto", "Presupuesto"),
        ("R: RIF: Rif: Preventivo", "Preventivo"),
        ("Odp: Oferta", "Oferta"),
        ("Fwd: [fedora-devel] Re: Pricing", "Pricing"),
        ("[EXTERNAL] RE: Pricing", "Pricing"),
        ("回复：报价", "报价"),
        ("Automatic reply: Pricing", "Pricing"),
        ("Pricing (fwd)", "Pricing"),
        ("  Re:Pricing   for   Q3 ", "Pricing for Q3"),
        ("Revenue plan", "Revenue plan"),
        ("Rerun: results", "Rerun: results"),
        ("[urgent]", "[urgent]"),
        ("", ""),
    ],
)
def test_normalize_subject_strips_prefix_stacks(subject: str, expected: str) -> None:
    assert normalize_subject(subject) == expected


def test_subject_helpers() -> None:
    assert subject_key("RE: Pricing For Q3") == "pricing for q3"
    assert is_generic_subject("Re: Follow up")
    assert is_generic_subject("FW: ???")
    assert not is_generic_subject("Re: Pricing for Q3")
