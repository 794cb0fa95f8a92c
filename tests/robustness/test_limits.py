"""Per-message limits: each hostile shape ends with its reason code, and the time limit
interrupts a runaway parse without leaving a timer, a handler or a thread behind."""

from __future__ import annotations

import ast
import contextlib
import signal
import threading
import time
from pathlib import Path

import pytest

import walkaway.ingest.parse as parse_module
from tests.robustness.hostile import BUILDERS, HEADERS, hostile_messages
from tests.robustness.invariants import record_problems
from walkaway.ingest import DEFAULT_LIMITS, IngestStats, Limits, parse_item, scan
from walkaway.ingest.limits import DeadlineExceeded, deadline, timer_available
from walkaway.ingest.reasons import QUARANTINE_REASONS, SKIP_REASONS, quarantine_summary
from walkaway.types import Message, Quarantined, RawItem

INGEST = Path(parse_module.__file__).parent

# What each hostile message must come to under the default limits: a quarantine reason, or
# a message that carries the given defect ("" when the message must simply parse).
EXPECTED: dict[str, tuple[str, str]] = {
    "nested_multipart": ("too_complex", ""),
    "nested_multipart_deep": ("too_complex", ""),
    "nested_rfc822": ("too_complex", ""),
    "many_parts": ("too_complex", ""),
    "many_headers": ("too_complex", ""),
    "huge_header": ("too_complex", ""),
    "huge_subject": ("", ""),
    "gigantic_line": ("", "body_truncated"),
    "bad_base64": ("", "base64_invalid"),
    "bad_quoted_printable": ("", ""),
    "unknown_charsets": ("", "charset_unknown"),
    "nul_bytes": ("", ""),
    "absurd_dates": ("", "date_unparseable"),
    "future_date": ("", "date_after_received"),
    "huge_attachment_claims": ("", ""),
    "unclosed_calendar": ("", ""),
    "deep_html": ("", ""),
    "references_flood": ("", ""),
    "recipients_flood": ("", ""),
    "encoded_word_flood": ("", ""),
}


def raw(data: bytes) -> RawItem:
    return RawItem("hostile.eml", "", data)


def test_every_hostile_message_has_an_expectation() -> None:
    assert set(EXPECTED) == set(BUILDERS)


@pytest.mark.parametrize(("name", "data"), sorted(hostile_messages().items()))
def test_hostile_message_ends_with_its_reason(name: str, data: bytes) -> None:
    reason, defect = EXPECTED[name]
    started = time.perf_counter()
    result = parse_item(raw(data))
    elapsed = time.perf_counter() - started
    assert record_problems(result) == []
    if reason:
        assert isinstance(result, Quarantined), result
        assert result.reason == reason
    else:
        assert isinstance(result, Message), result
        if defect:
            assert defect in result.defects
    # Not a speed test: a bound 20x above the measured time, so that quadratic work (an
    # unclosed calendar took 63 s at 100,000 events) fails instead of passing slowly.
    assert elapsed < 5.0, f"{name} took {elapsed:.1f} s"


def test_text_after_html_nested_deeper_than_libxml2_follows_is_kept() -> None:
    message = parse_item(raw(hostile_messages()["deep_html"]))
    assert isinstance(message, Message)
    assert message.body.split() == ["before", "deep", "after"]


def test_future_date_gives_way_to_the_received_stamp() -> None:
    message = parse_item(raw(hostile_messages()["future_date"]))
    assert isinstance(message, Message)
    assert (message.date_source, message.date.year) == ("received", 2026)  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("limits", "data", "detail"),
    [
        (Limits(max_bytes=1_000), HEADERS + b"\n" + b"x" * 1_000, "more than the limit of 1000"),
        (Limits(max_header_bytes=2_000), BUILDERS["huge_header"][0](3_000), "header block"),
        (Limits(max_header_fields=20), BUILDERS["many_headers"][0](30), "20 header fields"),
        (Limits(max_depth=3), BUILDERS["nested_multipart"][0](5), "nested more than 3 deep"),
        (Limits(max_parts=10), BUILDERS["many_parts"][0](12), "more than 10 MIME parts"),
    ],
)
def test_each_limit_is_configurable_and_named_in_the_detail(
    limits: Limits, data: bytes, detail: str
) -> None:
    result = parse_item(raw(data), limits=limits)
    assert isinstance(result, Quarantined)
    assert result.reason in ("too_large", "too_complex")
    assert detail in result.detail
    # The defaults let the same messages through.
    assert isinstance(parse_item(raw(data)), Message)


def test_body_limit_truncates_with_a_defect_instead_of_dropping_the_message() -> None:
    message = parse_item(raw(HEADERS + b"\n" + b"a" * 500), limits=Limits(max_body_chars=100))
    assert isinstance(message, Message)
    assert len(message.body) == 100 and "body_truncated" in message.defects


def test_scan_applies_limits_to_every_item(tmp_path: Path) -> None:
    (tmp_path / "ok.eml").write_bytes(HEADERS + b"\nhello\n")
    (tmp_path / "deep.eml").write_bytes(BUILDERS["nested_multipart"][0](5))
    stats = IngestStats()
    results = list(scan(tmp_path, stats=stats, limits=Limits(max_depth=3)))
    assert stats.balanced and stats.quarantine_reasons == {"too_complex": 1}
    assert sum(isinstance(r, Message) for r in results) == 1


def test_limits_reject_nonsense_values() -> None:
    with pytest.raises(ValueError, match="max_parts"):
        Limits(max_parts=0)
    with pytest.raises(ValueError, match="max_seconds"):
        Limits(max_seconds=-1)


# ---------------------------------------------------------------------------------------
# The time limit


def _slow_parser(raw: RawItem, limits: Limits) -> Message:
    # Stands in for a parser stuck on a pathological input; sleeps in small steps so the
    # signal is handled promptly, and swallows ordinary exceptions as real parsers do.
    while True:
        with contextlib.suppress(Exception):
            time.sleep(0.01)


@pytest.mark.skipif(not timer_available(), reason="no SIGALRM timer on this platform/thread")
def test_time_limit_quarantines_a_runaway_parse(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parse_module, "_parse_rfc822", _slow_parser)
    threads = threading.active_count()
    handler = signal.getsignal(signal.SIGALRM)
    started = time.perf_counter()
    result = parse_item(raw(HEADERS + b"\nhi\n"), limits=Limits(max_seconds=0.2))
    elapsed = time.perf_counter() - started
    assert isinstance(result, Quarantined) and result.reason == "timeout"
    assert "0.2 s" in result.detail
    assert 0.2 <= elapsed < 2.0
    # Nothing left behind: no timer armed, the previous handler back, no thread started.
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) == handler
    assert threading.active_count() == threads
    # And the next message parses normally.
    monkeypatch.undo()
    assert isinstance(parse_item(raw(HEADERS + b"\nhi\n")), Message)


@pytest.mark.skipif(not timer_available(), reason="no SIGALRM timer on this platform/thread")
def test_deadline_does_not_fire_after_the_block() -> None:
    with deadline(0.05) as armed:
        assert armed
    time.sleep(0.1)  # a leaked timer would kill the test process with SIGALRM here
    with pytest.raises(DeadlineExceeded), deadline(0.05):
        time.sleep(1)


def test_deadline_stands_aside_off_the_main_thread() -> None:
    outcome: list[object] = []

    def work() -> None:
        with deadline(0.01) as armed:
            outcome.append(armed)
            time.sleep(0.05)
        outcome.append(
            parse_item(raw(HEADERS + b"\nhi\n"), limits=Limits(max_seconds=0.01)).__class__
        )

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert outcome == [False, Message]


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="no SIGALRM on this platform")
def test_deadline_leaves_a_callers_own_alarm_handler_alone() -> None:
    fired: list[int] = []
    previous = signal.signal(signal.SIGALRM, lambda signum, frame: fired.append(signum))
    try:
        with deadline(0.01) as armed:
            assert not armed
        assert isinstance(parse_item(raw(HEADERS + b"\nhi\n")), Message)
    finally:
        signal.signal(signal.SIGALRM, previous)
    assert fired == []


def test_default_time_limit_is_ten_seconds() -> None:
    assert DEFAULT_LIMITS.max_seconds == 10.0


# ---------------------------------------------------------------------------------------
# Every reason has an explanation


def _reason_literals() -> set[str]:
    """Reason codes written in ingest's source: Quarantined(...) and _quarantine(...) calls
    (third and second positional argument) and skip(...)/on_skip(...) calls (second)."""
    found: set[str] = set()
    for path in INGEST.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            position = {"Quarantined": 2, "_quarantine": 1, "skip": 1, "on_skip": 1}.get(name)
            if position is None or len(node.args) <= position:
                continue
            argument = node.args[position]
            if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                found.add(argument.value)
    return found


def test_every_reason_ingest_can_produce_is_explained() -> None:
    literals = _reason_literals()
    assert {"not_email", "too_large", "too_complex", "timeout", "hidden"} <= literals
    explained = set(QUARANTINE_REASONS) | set(SKIP_REASONS)
    assert literals - explained == set()
    for info in [*QUARANTINE_REASONS.values(), *SKIP_REASONS.values()]:
        assert info.title and info.explanation.endswith(".") and info.action.endswith(".")


def test_quarantine_summary_orders_by_count_and_explains() -> None:
    summary = quarantine_summary({"empty": 2, "not_email": 5, "timeout": 2}, {"hidden": 1})
    assert [r["reason"] for r in summary["reasons"]] == ["not_email", "empty", "timeout"]  # type: ignore[index]
    assert summary["quarantined"] == 9 and summary["skipped_files"] == 1
    assert "--max-message-seconds" in summary["reasons"][2]["action"]  # type: ignore[index]


def test_cleaning_that_overruns_the_time_limit_keeps_the_message(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A message whose cleaning never ends is kept as parsed (whole body, no split)."""
    from walkaway.cache import load_record
    from walkaway.engine import tasks

    def endless(message: object) -> object:
        time.sleep(5)
        raise AssertionError("the deadline should have stopped cleaning")

    monkeypatch.setattr(tasks, "clean", endless)
    raw = RawItem("inbox.eml", "", b"From: a@b.com\r\nSubject: hi\r\n\r\nHello there\r\n")
    started = time.perf_counter()
    ((kind, _, _, record),) = tasks.read_chunk([raw], Limits(max_seconds=0.2))
    assert time.perf_counter() - started < 3
    assert kind == "message"
    message = load_record(record)
    assert "Hello there" in message.body and message.text == ""
