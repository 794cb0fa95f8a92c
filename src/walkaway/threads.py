"""Threading: rebuild conversations from parsed messages.

Three passes, strongest evidence first:

1. **Headers (JWZ).** Every Message-ID, and every id named in In-Reply-To or References,
   gets a container; ids that are referenced but absent become placeholders, so two replies
   to a missing root still share a thread. Each message's own headers choose its parent;
   the References chains of other messages fill in parents only for placeholders and for
   messages that declare no parent of their own. A link that would put a container under its
   own descendant is refused, so header loops cannot hang or split anything.
2. **Provider ids.** Messages with the same Gmail thread id (``X-GM-THRID``) or the same
   Outlook ``Thread-Index`` conversation (its first 22 bytes) join one thread, even without
   any reply headers.
3. **Subject, for broken chains only.** A piece whose first message looks like a reply
   (its reply headers point nowhere, or it has none but carries a reply prefix) joins an
   earlier thread with the same normalized subject when they share a participant and the
   reply is within ``subject_window_days`` of that thread's nearest message. Addresses that
   say nothing about the conversation do not count as shared: a mailing list, the mailbox
   owner or a rep who writes with 50 or more people (otherwise every prospect answering the
   same template subject would land in one thread). Generic subjects ("hi", "meeting", ...)
   never join on their own. Unlike JWZ's last step, two ordinary threads that merely share
   a subject are never merged.

Parent precedence (see notmuch's ``threading/parent-priority`` case): a message's parent is
its In-Reply-To when that holds exactly one id and names a message we have; else the last
References entry that names a message we have; else the In-Reply-To (or last References)
placeholder. Mail clients that write References oldest-last (debbugs) or mistype one id are
thereby read as their author meant. Only References chains (not In-Reply-To) imply parents
for other containers, as in JWZ. Ids equal to one of the message's own addresses are dropped
(old clients write ``In-Reply-To: <bob@example.com>'s message of ...``).

The result depends only on the set of input messages: the same messages in any order give
the same threads with the same ids. A thread's id is the id of its root: the Message-ID
(``Message.id``) of the root message, or the referenced Message-ID of a placeholder root.
"""

from __future__ import annotations

import base64
import binascii
import functools
import logging
import math
import re
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from walkaway.types import Message, Thread

log = logging.getLogger(__name__)

__all__ = [
    "build_threads",
    "is_generic_subject",
    "normalize_subject",
    "outlook_conversation_key",
    "subject_key",
    "thread_of",
]

# Reply and forward prefixes as mail clients write them in many languages. Each must be
# followed by a colon (optionally a counter such as "Re[2]:" or "Re(2):"), so ordinary words
# at the start of a subject ("Rerun", "Revenue") are never taken for a prefix.
_REPLY_WORDS = (
    "re",  # Latin "in re": most clients, most languages
    "aw",  # German Antwort
    "antw",  # Dutch / German
    "antwort",
    "sv",  # Scandinavian svar
    "vs",  # Finnish vastaus
    "odp",  # Polish odpowiedź
    "r",  # Italian
    "rif",  # Italian riferimento
    "ris",  # Italian risposta
    "res",  # Portuguese resposta
    "rv",  # Spanish / Portuguese reenviado (forward)
    "ynt",  # Turkish yanıt
    "atb",  # Latvian atbilde
    "fwd",
    "fw",
    "wg",  # German weitergeleitet
    "tr",  # French transféré
    "enc",  # Portuguese encaminhado
    "vb",  # Swedish vidarebefordrat
    "doorst",  # Dutch doorgestuurd
    "pd",  # Polish przekaż dalej
    "απ",  # Greek απάντηση
    "σχετ",  # Greek σχετικά
    "πρθ",  # Greek προώθηση
    "回复",  # Chinese (simplified) reply
    "答复",
    "回覆",  # Chinese (traditional) reply
    "转发",  # Chinese forward
    "轉寄",
    "返信",  # Japanese reply
    "転送",  # Japanese forward
)
# Auto-replies often arrive without reply headers; their prefix marks them as replies too.
_AUTO_REPLY_WORDS = (
    "automatic reply",
    "auto reply",
    "auto-reply",
    "autoreply",
    "out of office",
    "out of the office",
    "abwesenheitsnotiz",
    "automatische antwort",
    "réponse automatique",
    "respuesta automática",
    "risposta automatica",
    "automatisch antwoord",
)
_PREFIX_WORD = re.compile(
    r"\s*(?:"
    + "|".join(
        re.escape(w) for w in sorted(_REPLY_WORDS + _AUTO_REPLY_WORDS, key=len, reverse=True)
    )
    + r")\s*(?:\[\d+\]|\(\d+\)|\^\d+)?\s*[:：]",
    re.IGNORECASE,
)
# "[fedora-devel] ", "[EXTERNAL] ", "[support.example.com #33575] ": list and gateway tags.
_PREFIX_TAG = re.compile(r"\s*\[[^\[\]]{1,80}\]")
_TRAILING_FWD = re.compile(r"\s*\((?:fwd|fw)\)\s*$", re.IGNORECASE)
_SPACES = re.compile(r"\s+")

# Subjects too common to say anything about which conversation a message belongs to.
_GENERIC_SUBJECTS = frozenset(
    {
        "",
        "hi",
        "hello",
        "hey",
        "hi there",
        "hello there",
        "question",
        "questions",
        "quick question",
        "a quick question",
        "meeting",
        "call",
        "follow up",
        "follow-up",
        "followup",
        "following up",
        "checking in",
        "just checking in",
        "catch up",
        "catching up",
        "update",
        "fyi",
        "thanks",
        "thank you",
        "test",
        "(no subject)",
        "no subject",
        "(none)",
        "none",
        "untitled",
    }
)

_ANGLE_ID = re.compile(r"<\s*([^<>\s]+?)\s*>")
_OUTLOOK_ROOT_BYTES = 22
_HEX = re.compile(r"(?:[0-9a-fA-F]{2})+")
_NO_TIME = math.inf  # undated messages sort after dated ones
# Someone who exchanged mail with this many people is a hub (see _shared_addresses).
_HUB_CORRESPONDENTS = 50


def normalize_subject(subject: str) -> str:
    """The subject without any stack of reply/forward prefixes or list tags, spaces collapsed.

    >>> normalize_subject("RE: AW: [sales] Re[2]: Pricing  for Q3")
    'Pricing for Q3'
    """
    return _strip_prefixes(subject)[0]


def subject_key(subject: str) -> str:
    """The case-folded normalized subject used to compare subjects."""
    return normalize_subject(subject).casefold()


def is_generic_subject(subject: str) -> bool:
    """True when the subject is too generic to link messages by itself ("Hi", "Meeting")."""
    return not _topic(subject)


def outlook_conversation_key(thread_index: str) -> str:
    """The conversation part of an Outlook ``Thread-Index`` (hex of its first 22 bytes).

    Accepts the header as sent (base64) or already reduced to hex, as ingest stores it.
    Returns ``""`` when the value holds fewer than 22 bytes, or when its GUID part is blank
    (some gateways write zeros, which would merge unrelated conversations).
    """
    value = "".join(thread_index.split())
    if not value:
        return ""
    raw = b""
    if len(value) >= 2 * _OUTLOOK_ROOT_BYTES and _HEX.fullmatch(value):
        raw = bytes.fromhex(value[: 2 * _OUTLOOK_ROOT_BYTES])
    else:
        try:
            raw = base64.b64decode(value + "=" * (-len(value) % 4), validate=True)
        except (binascii.Error, ValueError):
            return ""
    if len(raw) < _OUTLOOK_ROOT_BYTES:
        return ""
    guid = raw[6:_OUTLOOK_ROOT_BYTES]
    if len(set(guid)) <= 1:
        return ""
    return raw[:_OUTLOOK_ROOT_BYTES].hex()


def thread_of(threads: Iterable[Thread]) -> dict[str, str]:
    """Map every message id to the id of the thread that holds it."""
    return {message_id: thread.thread_id for thread in threads for message_id in thread.message_ids}


def build_threads(
    messages: Iterable[Message], *, subject_window_days: float = 14.0
) -> list[Thread]:
    """Group messages into conversations.

    ``messages`` must have unique ``Message.id`` values (ingest removes duplicates). Returns
    one :class:`~walkaway.types.Thread` per conversation, ordered by first message date then
    thread id; inside a thread, message ids are in date order (undated messages last).
    ``method`` says what linked the thread: ``jwz`` (reply headers), ``provider`` (Gmail
    thread id or Outlook conversation index joined pieces), ``subject`` (the subject fallback
    joined pieces) or ``single`` (one message). ``subject_window_days <= 0`` turns the
    subject fallback off.

    >>> from walkaway.types import Message
    >>> root = Message(id="a@x", source="s", location="1", message_id="a@x", subject="Pricing")
    >>> reply = Message(id="b@x", source="s", location="2", message_id="b@x",
    ...                 subject="Re: Pricing", in_reply_to="a@x")
    >>> [(t.thread_id, t.message_ids, t.method) for t in build_threads([reply, root])]
    [('a@x', ('a@x', 'b@x'), 'jwz')]
    """
    ordered = sorted(messages, key=lambda m: m.id)
    if not ordered:
        return []
    ids = [m.id for m in ordered]
    if len(set(ids)) != len(ids):
        raise ValueError("build_threads needs unique Message.id values (deduplicate first)")
    times = [m.date.timestamp() if m.date is not None else _NO_TIME for m in ordered]
    # The same few people write to each other again and again: one set per group of them.
    groups: dict[frozenset[str], frozenset[str]] = {}
    people = [
        groups.setdefault(group, group)
        for group in (
            frozenset(a.email for a in (m.sender, *m.to, *m.cc) if a is not None and a.email)
            for m in ordered
        )
    ]
    try:
        return _build(ordered, times, people, subject_window_days)
    finally:
        # The parsing caches pay off within one export; kept, they would hold (and scatter
        # through the heap) the ids and subjects of every export read in the process.
        for cached in (_ids_in, _strip_prefixes, _topic):
            cached.cache_clear()


def _build(
    ordered: list[Message],
    times: list[float],
    people: list[frozenset[str]],
    subject_window_days: float,
) -> list[Thread]:
    graph = _link_headers(ordered, times, people)
    piece_of = graph.pieces()
    group_of = _join_by_provider(ordered, piece_of)
    if subject_window_days > 0:
        cluster_of, subject_joined = _join_by_subject(
            ordered, times, people, group_of, window_seconds=subject_window_days * 86400.0
        )
    else:
        cluster_of, subject_joined = group_of, set()
    threads = _assemble(ordered, times, graph, piece_of, cluster_of, subject_joined)
    log.debug(
        "threaded %d messages into %d threads (%d placeholders)",
        len(ordered),
        len(threads),
        len(graph.node_key) - len(ordered),
    )
    return threads


class _DisjointSets:
    """Union-find with path halving and union by size."""

    __slots__ = ("_parent", "_size")

    def __init__(self, count: int) -> None:
        self._parent = list(range(count))
        self._size = [1] * count

    def find(self, item: int) -> int:
        parent = self._parent
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    def union(self, a: int, b: int) -> int:
        root_a, root_b = self.find(a), self.find(b)
        if root_a == root_b:
            return root_a
        if self._size[root_a] < self._size[root_b]:
            root_a, root_b = root_b, root_a
        self._parent[root_b] = root_a
        self._size[root_a] += self._size[root_b]
        return root_a


@functools.lru_cache(maxsize=1 << 16)
def _topic(subject: str) -> str:
    """The subject key, or ``""`` when the subject is generic."""
    key = subject_key(subject)
    bare = key.strip(" .,;:!?-…")
    return "" if bare in _GENERIC_SUBJECTS or not any(ch.isalnum() for ch in bare) else key


# Mailboxes repeat subjects a lot ("Re: Re: Proposal"): normalize each distinct one once.
@functools.lru_cache(maxsize=1 << 16)
def _strip_prefixes(subject: str) -> tuple[str, bool]:
    """(normalized subject, whether a reply/forward/auto-reply prefix was removed)."""
    text = _SPACES.sub(" ", subject or "").strip()
    replied = False
    position = 0
    while True:
        match = _PREFIX_WORD.match(text, position)
        if match:
            replied = True
            position = match.end()
            continue
        match = _PREFIX_TAG.match(text, position)
        # A subject that is only a tag ("[urgent]") keeps it: it is all there is.
        if match and text[match.end() :].strip():
            position = match.end()
            continue
        break
    text = _TRAILING_FWD.sub("", text[position:]).strip()
    return text, replied


@functools.lru_cache(maxsize=1 << 17)
def _ids_in(value: str) -> tuple[str, ...]:
    """Message ids in a header value: `<...>` tokens, or bare ids when there are no brackets."""
    if value[:1] == "<" and value[-1:] == ">" and value.count("<") == 1:
        bare = value[1:-1].strip()
        if len(bare.split()) == 1:
            return (bare,)
    if "<" in value:
        found = _ANGLE_ID.findall(value)
        if found:
            return tuple(found)
    tokens = value.split()
    if len(tokens) > 1:
        tokens = [token for token in tokens if "@" in token]
    return tuple(bare for token in tokens if (bare := token.strip("<>,;")))


def _own_key(message: Message) -> str:
    found = _ids_in(message.message_id) if message.message_id else ()
    return found[0] if found else message.id


class _HeaderGraph:
    """Containers for messages (nodes ``0..n-1``) and placeholders (nodes ``n..``)."""

    def __init__(self, messages: Sequence[Message], people: Sequence[frozenset[str]]) -> None:
        self.real_count = len(messages)
        self.node_key: list[str] = []
        self.node_index: dict[str, int] = {}
        self.canonical: list[int] = []
        for index, message in enumerate(messages):
            key = _own_key(message)
            # Two messages with one Message-ID (different content, kept apart by ingest):
            # the later-sorting one gets a key of its own and is linked under the first.
            self.canonical.append(self.node_index.get(key, index))
            while key in self.node_index:
                key = f"{key}#{message.id}"
            self._add(key)
        # Per message, the containers its References and In-Reply-To name, in header order.
        self.references: list[list[int]] = []
        self.in_reply_to: list[list[int]] = []
        for index, message in enumerate(messages):
            if not (message.references or message.in_reply_to):
                self.references.append([])
                self.in_reply_to.append([])
                continue
            own, addresses = self.node_key[index], people[index]
            refs = [ref for value in message.references for ref in _ids_in(value)]
            replies = _ids_in(message.in_reply_to)
            self.references.append(self._nodes(refs, own, addresses))
            self.in_reply_to.append(self._nodes(replies, own, addresses))
        self.parent = [-1] * len(self.node_key)
        self.trees = _DisjointSets(len(self.node_key))

    def _add(self, key: str) -> int:
        index = len(self.node_key)
        self.node_key.append(key)
        self.node_index[key] = index
        return index

    def _nodes(self, ids: Iterable[str], own: str, addresses: frozenset[str]) -> list[int]:
        nodes: dict[int, None] = {}  # ordered, without repeats
        for ref in ids:
            # `<bob@example.com>'s message of ...` names a person, not a message.
            if ref == own or (addresses and ref.lower() in addresses):
                continue
            node = self.node_index.get(ref)
            nodes[self._add(ref) if node is None else node] = None
        return list(nodes)

    def has_reply_headers(self, index: int) -> bool:
        return bool(self.references[index] or self.in_reply_to[index])

    def own_parent(self, index: int) -> int:
        """The parent a message's own headers name (see the module docstring), or -1."""
        replies = self.in_reply_to[index]
        single = replies if len(replies) == 1 else []
        extra = replies[::-1] if len(replies) > 1 else []
        candidates = [*single, *self.references[index][::-1], *extra]
        for node in candidates:
            if node < self.real_count and node != index:
                return node
        return candidates[0] if candidates else -1

    def link(self, child: int, parent: int) -> bool:
        """Put a parentless ``child`` under ``parent`` unless that would close a loop."""
        # ``child`` has no parent, so it is the root of its tree: the link closes a loop
        # exactly when ``parent`` already sits in that tree.
        if self.parent[child] != -1 or self.trees.find(child) == self.trees.find(parent):
            return False
        self.parent[child] = parent
        self.trees.union(child, parent)
        return True

    def pieces(self) -> list[int]:
        """For every message, the root container of its tree."""
        root_of_set: dict[int, int] = {}
        for node, parent in enumerate(self.parent):
            if parent == -1:
                root_of_set[self.trees.find(node)] = node
        return [root_of_set[self.trees.find(i)] for i in range(self.real_count)]


def _link_headers(
    messages: Sequence[Message], times: Sequence[float], people: Sequence[frozenset[str]]
) -> _HeaderGraph:
    graph = _HeaderGraph(messages, people)
    count = len(messages)
    by_time = sorted(range(count), key=lambda i: (times[i], messages[i].id))
    for index, canonical in enumerate(graph.canonical):
        if canonical != index:
            graph.link(index, canonical)
    # Own links, newest message first: in a header loop the link refused is the one from the
    # oldest message, which then stands as the root.
    for index in reversed(by_time):
        parent = graph.own_parent(index)
        if parent != -1:
            graph.link(index, parent)
    # Parents implied by References chains, oldest message first (its chain is the least
    # trimmed), only for containers whose own headers said nothing.
    for index in by_time:
        chain = graph.references[index]
        for position in range(1, len(chain)):
            child = chain[position]
            if child < count and graph.has_reply_headers(child):
                continue
            graph.link(child, chain[position - 1])
    return graph


def _join_by_provider(messages: Sequence[Message], piece_of: Sequence[int]) -> list[int]:
    """Per message, a group representative; groups are header pieces joined by provider ids.

    Pieces that share a provider thread id (Gmail ``X-GM-THRID``) or an Outlook conversation
    form one group.
    """
    pieces = sorted(set(piece_of))
    slot = {piece: position for position, piece in enumerate(pieces)}
    groups = _DisjointSets(len(pieces))
    first_with: dict[str, int] = {}
    for index, message in enumerate(messages):
        keys = []
        if message.provider_thread_id.strip():
            keys.append("provider:" + message.provider_thread_id.strip())
        if message.thread_index:
            conversation = outlook_conversation_key(message.thread_index)
            if conversation:
                keys.append("outlook:" + conversation)
        for key in keys:
            here = slot[piece_of[index]]
            other = first_with.setdefault(key, here)
            if other != here:
                groups.union(other, here)
    return [groups.find(slot[piece]) for piece in piece_of]


def _shared_addresses(
    messages: Sequence[Message], people: Sequence[frozenset[str]]
) -> frozenset[str]:
    """Addresses that say nothing about who a conversation is with.

    A mailing list (it receives from several people and never sends), anyone who writes
    with very many people (the mailbox owner, their team mates, a shared sales inbox), and
    any address on more than half of a sizeable mailbox. A reply that shares only such an
    address with a same-subject thread most likely belongs to another conversation: another
    prospect answering the same template subject.
    """
    senders: set[str] = set()
    correspondents: dict[str, set[str]] = defaultdict(set)
    seen_on: dict[str, int] = defaultdict(int)
    for message, everyone in zip(messages, people, strict=True):
        sender = message.sender.email if message.sender is not None else ""
        senders.add(sender)
        mine = correspondents[sender]
        for address in everyone:
            seen_on[address] += 1
            if address == sender:
                continue
            # Capped: past the threshold the exact count no longer matters.
            if len(mine) < _HUB_CORRESPONDENTS:
                mine.add(address)
            theirs = correspondents[address]
            if len(theirs) < _HUB_CORRESPONDENTS:
                theirs.add(sender)
    hubs = {
        address
        for address, who in correspondents.items()
        if len(who) >= _HUB_CORRESPONDENTS or (address not in senders and len(who) >= 3)
    }
    if len(messages) >= 20:
        hubs.update(a for a, seen in seen_on.items() if seen * 2 > len(messages))
    hubs.discard("")
    return frozenset(hubs)


@dataclass(slots=True)
class _Cluster:
    times: list[float]  # sorted dates (timestamps) of the dated messages
    people: set[str]  # participants, shared addresses left out
    topics: set[str]  # subject keys of the messages, generic ones left out
    gmail: set[str]
    head_time: float
    head_id: str


def _join_by_subject(
    messages: Sequence[Message],
    times: Sequence[float],
    people: Sequence[frozenset[str]],
    group_of: Sequence[int],
    *,
    window_seconds: float,
) -> tuple[list[int], set[int]]:
    """Join broken-chain groups to earlier threads by subject, participants and time.

    Returns, per message, a cluster representative (over group representatives), and the
    set of representatives whose cluster holds more than one group.
    """
    hubs = _shared_addresses(messages, people)
    members: dict[int, list[int]] = defaultdict(list)
    for index, group in enumerate(group_of):
        members[group].append(index)
    for group_members in members.values():
        group_members.sort(key=lambda i: (times[i], messages[i].id))
    order = sorted(members, key=lambda g: (times[members[g][0]], messages[members[g][0]].id))
    slot = {group: position for position, group in enumerate(order)}
    sets = _DisjointSets(len(order))
    clusters: dict[int, _Cluster] = {}
    # Threads indexed by (subject key, participant): a reply only ever looks at threads it
    # shares both with, so one busy subject ("Re: Invoice") cannot make this quadratic.
    by_topic: dict[tuple[str, str], list[int]] = defaultdict(list)
    joined: set[int] = set()
    for position, group in enumerate(order):
        indexes = members[group]
        head = messages[indexes[0]]
        cluster = _Cluster(
            times=sorted(times[i] for i in indexes if times[i] != _NO_TIME),
            people=set().union(*(people[i] for i in indexes)) - hubs,
            topics={_topic(messages[i].subject) for i in indexes} - {""},
            gmail={messages[i].provider_thread_id for i in indexes} - {""},
            head_time=times[indexes[0]],
            head_id=head.id,
        )
        clusters[position] = cluster
        key = _topic(head.subject)
        broken = _strip_prefixes(head.subject)[1] or bool(head.in_reply_to or head.references)
        target = None
        if broken and key and cluster.head_time != _NO_TIME:
            cutoff = cluster.head_time - window_seconds
            candidates: set[int] = set()
            for person in cluster.people:
                bucket = by_topic.get((key, person))
                if bucket:
                    candidates.update(_live(bucket, sets, clusters, cutoff))
            target = _nearest_cluster(cluster, candidates, clusters, window_seconds)
        if target is None:
            _register(by_topic, cluster.topics, cluster.people, position)
            continue
        kept = clusters[target]
        root = _merge(sets, clusters, target, position)
        joined.add(root)
        # The thread is already filed under its old subjects x old people; add the rest.
        _register(by_topic, kept.topics, cluster.people - kept.people, root)
        _register(by_topic, cluster.topics - kept.topics, clusters[root].people, root)
    cluster_of = [sets.find(slot[group]) for group in group_of]
    return cluster_of, {sets.find(p) for p in joined}


def _register(
    by_topic: dict[tuple[str, str], list[int]], topics: set[str], people: set[str], root: int
) -> None:
    for topic in topics:
        for person in people:
            bucket = by_topic[(topic, person)]
            if not bucket or bucket[-1] != root:
                bucket.append(root)


def _live(
    bucket: list[int], sets: _DisjointSets, clusters: dict[int, _Cluster], cutoff: float
) -> set[int]:
    """The clusters of a bucket with a message at or after ``cutoff``; prunes the rest."""
    # Groups arrive in date order, so a thread whose last message is older than the cutoff
    # can never be joined again: it leaves the bucket for good.
    live: set[int] = set()
    for entry in bucket:
        root = sets.find(entry)
        times = clusters[root].times
        if times and times[-1] >= cutoff:
            live.add(root)
    bucket[:] = sorted(live)
    return live


def _nearest_cluster(
    candidate: _Cluster,
    roots: Iterable[int],
    clusters: dict[int, _Cluster],
    window_seconds: float,
) -> int | None:
    """The cluster ``candidate`` may join, the one with the nearest message first."""
    best: tuple[float, float, str] | None = None
    best_root: int | None = None
    for root in roots:
        other = clusters[root]
        if other.gmail and candidate.gmail and not (other.gmail & candidate.gmail):
            continue  # the provider (Gmail) said these are different conversations
        at = bisect_left(other.times, candidate.head_time)
        nearest = min(
            abs(other.times[i] - candidate.head_time)
            for i in (at - 1, at)
            if 0 <= i < len(other.times)
        )
        if nearest > window_seconds:
            continue
        rank = (nearest, other.head_time, other.head_id)
        if best is None or rank < best:
            best, best_root = rank, root
    return best_root


def _merge(sets: _DisjointSets, clusters: dict[int, _Cluster], target: int, source: int) -> int:
    kept = clusters.pop(target)
    added = clusters.pop(source)
    root = sets.union(target, source)
    first = min((kept.head_time, kept.head_id), (added.head_time, added.head_id))
    clusters[root] = _Cluster(
        times=sorted(kept.times + added.times),
        people=kept.people | added.people,
        topics=kept.topics | added.topics,
        gmail=kept.gmail | added.gmail,
        head_time=first[0],
        head_id=first[1],
    )
    return root


def _assemble(
    messages: Sequence[Message],
    times: Sequence[float],
    graph: _HeaderGraph,
    piece_of: Sequence[int],
    cluster_of: Sequence[int],
    subject_joined: set[int],
) -> list[Thread]:
    members: dict[int, list[int]] = defaultdict(list)
    for index, cluster in enumerate(cluster_of):
        members[cluster].append(index)
    count = len(messages)
    threads: list[tuple[tuple[float, str], Thread]] = []
    for cluster, indexes in members.items():
        indexes.sort(key=lambda i: (times[i], messages[i].id))
        first = indexes[0]
        root = piece_of[first]
        if root < count:
            thread_id = messages[root].id
            subject = normalize_subject(messages[root].subject)
        else:
            thread_id = graph.node_key[root]
            subject = ""
        if not subject:
            subject = next(
                (s for s in (normalize_subject(messages[i].subject) for i in indexes) if s), ""
            )
        placeholders = sorted(
            {
                graph.node_key[node]
                for i in indexes
                for node in (*graph.references[i], *graph.in_reply_to[i])
                if node >= count
            }
        )
        method: Literal["jwz", "provider", "subject", "single"]
        if len(indexes) == 1:
            method = "single"
        elif cluster in subject_joined:
            method = "subject"
        elif len({piece_of[i] for i in indexes}) > 1:
            method = "provider"
        else:
            method = "jwz"
        thread = Thread(
            thread_id=thread_id,
            message_ids=tuple(messages[i].id for i in indexes),
            subject=subject,
            method=method,
            placeholders=tuple(placeholders),
        )
        threads.append(((times[first], thread_id), thread))
    threads.sort(key=lambda item: item[0])
    return [thread for _, thread in threads]
