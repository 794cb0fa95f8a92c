"""walkaway.simulate: synthetic labeled mailboxes that are deterministic, consistent and varied."""

from __future__ import annotations

import csv
import email
import hashlib
import json
import mailbox
import re
import string
import time
from collections import Counter, defaultdict
from datetime import UTC, date, datetime
from email import policy
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import pytest

from walkaway.errors import UsageError
from walkaway.simulate import SimulationResult, phrase_bank_sizes, simulate
from walkaway.simulate._banks import MIN_PHRASINGS, PLACEHOLDERS, Slots, load_banks
from walkaway.simulate._world import DECK_SIZE, company_names, make_context

FILES = ("inbox.mbox", "deals.csv", "truth.json", "README.md")
# Three full plan blocks: every archetype and every deliberate confounder appears three times.
PROSPECTS = DECK_SIZE * 3
SEED = 20260105


def _digest(folder: Path) -> dict[str, str]:
    return {name: hashlib.sha256((folder / name).read_bytes()).hexdigest() for name in FILES}


def _mid(value: str | None) -> str:
    return (value or "").strip().removeprefix("<").removesuffix(">")


class Corpus:
    """One simulated run, parsed once for all the tests that read it."""

    def __init__(self, folder: Path, result: SimulationResult) -> None:
        self.folder = folder
        self.result = result
        self.truth: dict[str, Any] = json.loads((folder / "truth.json").read_text("utf-8"))
        with (folder / "deals.csv").open(encoding="utf-8", newline="") as handle:
            self.deals = list(csv.DictReader(handle))
        self.raw = (folder / "inbox.mbox").read_bytes()
        box = mailbox.mbox(folder / "inbox.mbox")
        try:
            self.messages = list(box)
        finally:
            box.close()
        self.by_id = {_mid(m["Message-ID"]): m for m in self.messages}
        self.by_thread: dict[str, list[mailbox.mboxMessage]] = defaultdict(list)
        for message in self.messages:
            self.by_thread[message["X-GM-THRID"]].append(message)
        self.prospects: list[dict[str, Any]] = self.truth["prospects"]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    folder = tmp_path_factory.mktemp("simulated")
    return Corpus(folder, simulate(folder, prospects=PROSPECTS, seed=SEED))


# ---------------------------------------------------------------------------- determinism


def test_simulate_same_seed_gives_byte_identical_files(tmp_path: Path) -> None:
    simulate(tmp_path / "a", prospects=30, seed=7)
    simulate(tmp_path / "b", prospects=30, seed=7)
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")


def test_simulate_different_seed_gives_different_mail(tmp_path: Path) -> None:
    simulate(tmp_path / "a", prospects=30, seed=7)
    simulate(tmp_path / "b", prospects=30, seed=8)
    first, second = _digest(tmp_path / "a"), _digest(tmp_path / "b")
    assert first["inbox.mbox"] != second["inbox.mbox"]
    assert first["truth.json"] != second["truth.json"]


def test_simulate_output_does_not_depend_on_worker_processes(tmp_path: Path) -> None:
    simulate(tmp_path / "serial", prospects=60, seed=3, jobs=1)
    simulate(tmp_path / "parallel", prospects=60, seed=3, jobs=2)
    assert _digest(tmp_path / "serial") == _digest(tmp_path / "parallel")


def test_simulate_dates_follow_start_not_the_clock(tmp_path: Path) -> None:
    simulate(tmp_path / "a", prospects=5, seed=1, start=date(2024, 3, 4))
    truth = json.loads((tmp_path / "a" / "truth.json").read_text("utf-8"))
    first = datetime.fromisoformat(truth["totals"]["first_message"]).date()
    assert date(2024, 3, 4) <= first < date(2024, 12, 31)


def test_simulate_small_run_is_quick(tmp_path: Path) -> None:
    # Generous bound for busy CI machines; the real throughput is measured in benchmarks/.
    begin = time.perf_counter()
    result = simulate(tmp_path, prospects=DECK_SIZE, seed=2)
    assert time.perf_counter() - begin < 10
    assert result.messages > DECK_SIZE * 6


# ---------------------------------------------------------------------------- consistency


def test_truth_counts_match_the_mbox(corpus: Corpus) -> None:
    totals = corpus.truth["totals"]
    assert len(corpus.messages) == totals["messages"] == corpus.result.messages
    assert len(corpus.by_thread) == totals["threads"]
    prospect_threads: set[str] = set()
    for prospect in corpus.prospects:
        threads = prospect["threads"]
        assert len(threads) == prospect["n_threads"] == len(set(threads))
        assert sum(len(corpus.by_thread[t]) for t in threads) == prospect["n_messages"]
        assert prospect_threads.isdisjoint(threads)
        prospect_threads.update(threads)
    assert sum(p["n_messages"] for p in corpus.prospects) == totals["prospect_messages"]
    others = [m for m in corpus.messages if m["X-GM-THRID"] not in prospect_threads]
    assert len(others) == totals["noise_messages"] + totals["internal_messages"]
    assert totals["noise_messages"] > 0 and totals["internal_messages"] > 0


def test_mbox_separators_are_takeout_style_and_never_split_a_message(corpus: Corpus) -> None:
    separators = re.findall(
        rb"^From (\d+)@xxx (\w{3} \w{3} \d\d \d\d:\d\d:\d\d \+0000 \d{4})$",
        corpus.raw,
        re.MULTILINE,
    )
    assert len(separators) == len(corpus.messages)
    # Body lines starting with "From " were written mboxrd-quoted, so none became a separator.
    assert re.search(rb"^>From ", corpus.raw, re.MULTILINE)
    for message in corpus.messages:
        assert message.get_from().endswith(tuple(f"+0000 {y}" for y in range(2026, 2030)))


def test_every_message_is_marked_synthetic_and_labelled(corpus: Corpus) -> None:
    owner = corpus.truth["mailbox_owner"]["email"]
    for message in corpus.messages:
        assert message["X-Walkaway-Synthetic"] == "yes"
        assert message["X-GM-THRID"].isdigit()
        labels = message["X-Gmail-Labels"].split(",")
        sender = email.utils.parseaddr(message["From"])[1].lower()
        if sender == owner:
            assert "Sent" in labels and message["Delivered-To"] is None
        else:
            assert "Sent" not in labels and message["Delivered-To"] == owner
    assert "SYNTHETIC" in (corpus.folder / "README.md").read_text("utf-8")
    assert corpus.truth["synthetic"] is True


def test_deals_csv_matches_truth(corpus: Corpus) -> None:
    assert list(corpus.deals[0]) == ["prospect", "outcome", "closed_at", "synthetic"]
    assert [row["prospect"] for row in corpus.deals] == [p["prospect"] for p in corpus.prospects]
    for row, prospect in zip(corpus.deals, corpus.prospects, strict=True):
        assert row["synthetic"] == "true"
        if prospect["outcome"] == "open":
            assert row["outcome"] == "" and row["closed_at"] == ""
            assert prospect["closed_at"] is None
        else:
            assert row["outcome"] == prospect["outcome"] in ("won", "lost")
            assert row["closed_at"] == prospect["closed_at"]
    outcomes = Counter(p["outcome"] for p in corpus.prospects)
    assert outcomes == corpus.result.outcomes and set(outcomes) == {"won", "lost", "open"}
    assert len({p["prospect"] for p in corpus.prospects}) == PROSPECTS


def test_closed_at_comes_after_every_signal_of_the_deal(corpus: Corpus) -> None:
    decisive = {"signed", "competitor_chosen", "pass", "breakup_email"}
    for prospect in corpus.prospects:
        if prospect["closed_at"] is None:
            continue
        closed = date.fromisoformat(prospect["closed_at"])
        for behaviour, ids in prospect["behaviours"].items():
            if behaviour.startswith("post_close"):
                continue
            for mid in ids:
                assert _utc_date(corpus.by_id[mid]) <= closed, (prospect["prospect"], behaviour)
            if behaviour in decisive:
                assert _utc_date(corpus.by_id[ids[-1]]) == closed


def _utc_date(message: mailbox.mboxMessage) -> date:
    return parsedate_to_datetime(message["Date"]).astimezone(UTC).date()


def test_behaviour_ids_point_at_messages_of_that_prospect(corpus: Corpus) -> None:
    for prospect in corpus.prospects:
        threads = set(prospect["threads"])
        for group in (prospect["behaviours"], prospect["confounders"]):
            for ids in group.values():
                for mid in ids:
                    assert mid in corpus.by_id
                    assert corpus.by_id[mid]["X-GM-THRID"] in threads


# ---------------------------------------------------------------------------- headers


def test_threading_headers_are_verbatim_and_resolve(corpus: Corpus) -> None:
    header_lines = re.findall(
        rb"^(?:Message-I[Dd]|References|In-Reply-To):.*(?:\n[ \t].*)*", corpus.raw, re.MULTILINE
    )
    assert header_lines and not [line for line in header_lines if b"=?" in line]
    assert len(corpus.by_id) == len(corpus.messages)  # unique, present Message-IDs
    chains = 0
    for message in corpus.messages:
        references = re.findall(r"<([^>]+)>", message["References"] or "")
        reply_to = _mid(message["In-Reply-To"])
        for mid in [*references, reply_to] if reply_to else references:
            assert mid in corpus.by_id, mid
            assert corpus.by_id[mid]["X-GM-THRID"] == message["X-GM-THRID"]
        if reply_to and references:
            assert references[-1] == reply_to
            chains += 1
    assert chains > len(corpus.messages) / 3


def test_messages_parse_without_defects_under_the_default_policy(corpus: Corpus) -> None:
    for message in corpus.messages[::5]:
        parsed = email.message_from_bytes(message.as_bytes(), policy=policy.default)
        for header in ("From", "To", "Cc", "Subject", "Date", "Message-ID", "References"):
            _ = parsed[header]
        assert parsed.get_body(preferencelist=("plain", "html")) is not None
        assert not [d for part in parsed.walk() for d in part.defects]


def test_outlook_thread_index_has_the_conversation_root(corpus: Corpus) -> None:
    import base64

    roots: dict[str, set[bytes]] = defaultdict(set)
    for message in corpus.messages:
        if message["Thread-Index"]:
            data = base64.b64decode(message["Thread-Index"])
            assert len(data) >= 22 and (len(data) - 22) % 5 == 0
            roots[message["X-GM-THRID"]].add(data[:22])
    assert roots and all(len(found) == 1 for found in roots.values())


# ---------------------------------------------------------------------------- behaviour


def _share(prospects: list[dict[str, Any]], behaviour: str) -> float:
    return sum(behaviour in p["behaviours"] for p in prospects) / len(prospects)


def test_won_and_lost_deals_differ_in_injected_behaviours(corpus: Corpus) -> None:
    won = [p for p in corpus.prospects if p["outcome"] == "won"]
    lost = [p for p in corpus.prospects if p["outcome"] == "lost"]
    for negative in (
        "unanswered_followups",
        "radio_silence",
        "slowing_replies",
        "dodged_questions",
    ):
        assert _share(lost, negative) > _share(won, negative) + 0.2, negative
    for negative in ("deferral", "missed_meetings", "no_decision_maker", "champion_left"):
        assert _share(lost, negative) > _share(won, negative), negative
    for positive in ("exec_engaged", "multithreaded", "signed"):
        assert _share(won, positive) > _share(lost, positive), positive
    assert all("signed" in p["behaviours"] for p in won)
    assert not any("signed" in p["behaviours"] for p in lost)


def test_confounders_exist_and_carry_the_misleading_signal(corpus: Corpus) -> None:
    def with_confounder(name: str) -> list[dict[str, Any]]:
        return [p for p in corpus.prospects if name in p["confounders"]]

    hagglers = with_confounder("hard_negotiation")
    assert hagglers and all(
        p["outcome"] == "won" and "price_only" in p["behaviours"] for p in hagglers
    )
    kept = with_confounder("deferral_kept")
    assert kept and all(p["outcome"] == "won" and p["behaviours"]["deferral"] for p in kept)
    assert all(len(p["confounders"]["deferral_kept"]) == 2 for p in kept)  # the deferral + return
    rescheduled = with_confounder("one_reschedule")
    assert rescheduled and all(
        p["outcome"] == "won" and len(p["behaviours"]["missed_meetings"]) == 1 for p in rescheduled
    )
    sudden = with_confounder("sudden_loss")
    assert sudden
    for prospect in sudden:
        assert prospect["outcome"] == "lost"
        assert "competitor_chosen" in prospect["behaviours"]
        assert "slowing_replies" not in prospect["behaviours"]
        assert "unanswered_followups" not in prospect["behaviours"]
        text = _plain_text(corpus.by_id[prospect["confounders"]["sudden_loss"][0]])
        assert text.strip()


def test_lost_deal_replies_slow_down_while_won_deals_stay_quick(corpus: Corpus) -> None:
    def gaps(prospect: dict[str, Any]) -> list[float]:
        messages = sorted(
            (m for t in prospect["threads"] for m in corpus.by_thread[t]),
            key=lambda m: parsedate_to_datetime(m["Date"]),
        )
        owner = corpus.truth["mailbox_owner"]["email"]
        result, last_ours = [], None
        for message in messages:
            sender = email.utils.parseaddr(message["From"])[1].lower()
            when = parsedate_to_datetime(message["Date"])
            if sender == owner:
                last_ours = when
            elif last_ours is not None and "text/calendar" not in message.as_string()[:4000]:
                result.append((when - last_ours).total_seconds() / 3600)
                last_ours = None
        return result

    slow = [p for p in corpus.prospects if p["archetype"] == "slow_fade"]
    fast = [p for p in corpus.prospects if p["outcome"] == "won"]
    slow_late = [g for p in slow for g in gaps(p)[-2:]]
    fast_late = [g for p in fast for g in gaps(p)[-2:]]
    assert sorted(slow_late)[len(slow_late) // 2] > 2 * sorted(fast_late)[len(fast_late) // 2]


def _plain_text(message: mailbox.mboxMessage) -> str:
    parsed = email.message_from_bytes(message.as_bytes(), policy=policy.default)
    body = parsed.get_body(preferencelist=("plain", "html"))
    return body.get_content() if body is not None else ""


def test_mailbox_holds_the_variety_of_real_exports(corpus: Corpus) -> None:
    raw = corpus.raw
    for needle in (
        b"METHOD:CANCEL",
        b"METHOD:COUNTER",
        b"PARTSTAT=DECLINED",
        b"METHOD:REPLY",
        b"multipart/report",
        b"message/delivery-status",
        b"Precedence: bulk",
        b"Auto-Submitted: auto-replied",
        b"Content-Type: text/html",
        b"wrote:",
        b"________________________________",
        b"X-GM-THRID",
    ):
        assert needle in raw, needle
    left = [p for p in corpus.prospects if "champion_left" in p["behaviours"]]
    kinds = {
        corpus.by_id[mid].get_content_type()
        for p in left
        for mid in p["behaviours"]["champion_left"]
    }
    assert {"multipart/report", "text/plain"} <= kinds  # a DSN and a "has left the company" reply
    types = Counter(m.get_content_type() for m in corpus.messages)
    assert types["text/html"] > 0 and types["multipart/alternative"] > 0
    offsets = {m["Date"][-5:] for m in corpus.messages}
    assert len(offsets) >= 5  # several time zones
    titles = {c["title"] for p in corpus.prospects for c in p["contacts"]}
    assert any(not t.isascii() or t.split()[0] in ("Leiter", "Responsable", "Jefe") for t in titles)


def test_free_mail_prospects_are_keyed_by_address(corpus: Corpus) -> None:
    free = [p for p in corpus.prospects if p["free_mail"]]
    assert free
    for prospect in free:
        key = prospect["prospect"]
        assert "@" in key and key.split("@")[1] in {
            "gmail.com",
            "outlook.com",
            "hotmail.com",
            "yahoo.com",
            "icloud.com",
        }
        assert [c["email"] for c in prospect["contacts"]] == [key]
    assert all("@" not in p["prospect"] for p in corpus.prospects if not p["free_mail"])


_CALENDAR_SUBJECTS = ("Invitation", "Updated", "Accepted", "Declined", "Canceled", "New Time")


def test_people_write_in_business_hours_mostly(corpus: Corpus) -> None:
    human = [
        m
        for m in corpus.messages
        if m["Auto-Submitted"] is None
        and not (m["Subject"] or "").startswith(_CALENDAR_SUBJECTS)
        and "Mail Delivery" not in (m["From"] or "")
    ]
    local = [parsedate_to_datetime(m["Date"]) for m in human]
    weekend = sum(d.weekday() >= 5 for d in local) / len(local)
    office = sum(7 <= d.hour < 19 for d in local) / len(local)
    assert weekend < 0.08 and office > 0.85


# ---------------------------------------------------------------------------- phrase banks


def test_phrase_banks_have_many_phrasings_per_intent() -> None:
    sizes = phrase_bank_sizes()
    small = {
        key: size
        for key, size in sizes.items()
        if size < MIN_PHRASINGS
        and not re.search(r"_(de|fr|es|pt)$", key)
        and key != "prospect.from_line"
    }
    assert not small
    assert sum(sizes.values()) > 900


def test_phrase_bank_templates_use_only_known_placeholders() -> None:
    banks = load_banks()
    values = Slots({name: "x" for name in PLACEHOLDERS} | {"subject": "x"})
    templates = [
        t for bank in (banks.prospect, banks.rep) for phrases in bank.values() for t in phrases
    ]
    templates += [
        t
        for key, value in banks.other.items()
        if key.endswith(("subject", "body", "reply"))
        for t in value
    ]
    templates += [t for phrases in banks.mail["ooo_body"].values() for t in phrases]
    templates += banks.mail["left_company_body"] + banks.mail["left_company_subject"]
    for template in templates:
        fields = {name for _, name, _, _ in string.Formatter().parse(template) if name}
        assert fields <= PLACEHOLDERS | {"subject"}, template
        template.format_map(values)


def test_company_names_are_unique_for_large_runs() -> None:
    ctx = make_context(9, date(2026, 1, 5), "lumora.io", (6, 40), 20000)
    slugs = [company_names(ctx, index)[1] for index in range(20000)]
    assert len(set(slugs)) == len(slugs)


# ---------------------------------------------------------------------------- arguments


@pytest.mark.parametrize(
    "kwargs",
    [
        {"prospects": 0},
        {"prospects": 5, "messages_per_prospect": 2},
        {"prospects": 5, "messages_per_prospect": (20, 10)},
        {"prospects": 5, "our_domain": "lumora"},
        {"prospects": 10**6},
    ],
)
def test_simulate_rejects_bad_arguments(tmp_path: Path, kwargs: dict[str, Any]) -> None:
    with pytest.raises(UsageError):
        simulate(tmp_path, seed=1, **kwargs)


def test_simulate_uses_the_given_domain_for_our_side(tmp_path: Path) -> None:
    result = simulate(tmp_path, prospects=3, seed=4, our_domain="Example-Sales.co.uk")
    truth = json.loads(result.truth.read_text("utf-8"))
    assert all(address.endswith("@example-sales.co.uk") for address in truth["own_side"])
    assert (
        b"Example-sales" in result.mbox.read_bytes() or b"example-sales" in result.mbox.read_bytes()
    )
