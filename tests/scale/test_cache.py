"""The on-disk cache of ``walkaway analyze``: reuse, invalidation, resume, damage, tampering
and interruption. Every cached run is compared with an uncached one of the same input."""

from __future__ import annotations

import json
import os
import pickle
import shutil
import signal
import subprocess
import sys
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import walkaway
import walkaway.cache as cache_module
from tests.scale.conftest import (
    invoke,
    run_cli,
    separators,
    summary,
    table_bytes,
    timings,
    without_timings,
)
from walkaway.analysis import AnalysisResult
from walkaway.cache import (
    CACHE_DIRNAME,
    Cache,
    UntrustedRecordError,
    check_record,
    dump_record,
    load_record,
)
from walkaway.engine import stages
from walkaway.engine.tasks import Row
from walkaway.ingest import Limits
from walkaway.report.tables import write_tables
from walkaway.types import Message, Quarantined, RawItem

FRAMES = ("prospects", "signals", "messages", "threads", "quarantine", "features")


def assert_same_result(result: AnalysisResult, expected: AnalysisResult) -> None:
    """Every table, score and count of two analyses agree (wall times aside)."""
    for name in FRAMES:
        pd.testing.assert_frame_equal(getattr(result, name), getattr(expected, name), obj=name)
    assert result.scores == expected.scores
    assert result.trajectories == expected.trajectories
    assert without_timings(result.summary) == without_timings(expected.summary)


def cache_files(root: Path) -> list[str]:
    """Every file under a cache folder, relative, sorted."""
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def assert_cache_consistent(root: Path) -> None:
    """What an interrupted run may leave: no temporary file, and every visible entry whole
    (a manifest, its Parquet file of the recorded size and row count)."""
    leftovers = [name for name in cache_files(root) if name.endswith(".tmp")]
    assert leftovers == []
    for manifest_path in root.glob("files/*/*.json"):
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        parquet = manifest_path.with_suffix(".parquet")
        assert parquet.stat().st_size == manifest["parquet_size"]
        assert pq.ParquetFile(parquet).metadata.num_rows == manifest["items"]
    for part in root.glob("language/*/part-*.parquet"):
        pq.read_table(part)  # raises on a half-written file


# ---------------------------------------------------------------------------------------
# Outputs: a re-run on an unchanged export


def test_rerun_on_unchanged_export_reuses_outputs_byte_for_byte(
    export: Path, reference: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    command = ("analyze", str(export), "--out", str(out), "--no-report")
    first = run_cli(*command)
    assert first.returncode == 0, first.stderr
    written = table_bytes(out)
    # The cached run writes exactly what an uncached one writes.
    assert written == table_bytes(reference)
    assert without_timings(summary(out)) == without_timings(summary(reference))
    names = [*written, "summary.json"]
    stamps = {name: (out / name).stat().st_mtime_ns for name in names}

    second = run_cli(*command)
    assert second.returncode == 0, second.stderr
    assert "unchanged since the last run" in second.stderr
    assert second.stdout == first.stdout  # the same prospects and counts printed
    assert {name: (out / name).stat().st_mtime_ns for name in names} == stamps
    assert table_bytes(out) == written

    # An output changed by hand is not reused: it is rebuilt, from the cached records.
    (out / "prospects.csv").write_text("edited\n", encoding="utf-8")
    third = run_cli(*command)
    assert third.returncode == 0, third.stderr
    assert "unchanged since the last run" not in third.stderr
    assert timings(out)["cache_hits"] == 1
    assert table_bytes(out) == written


@pytest.fixture(scope="module")
def cached_out(export: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An analyze folder with its cache (tests work on copies)."""
    out = tmp_path_factory.mktemp("scale-cached") / "out"
    code, stderr = invoke("analyze", str(export), "--out", str(out), "--no-report", "--jobs", "1")
    assert code == 0, stderr
    return out


def test_changing_as_of_recomputes_the_outputs(
    export: Path, cached_out: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    shutil.copytree(cached_out, out)
    code, stderr = invoke(
        "analyze", str(export), "--out", str(out), "--no-report", "--as-of", "2026-07-15"
    )
    assert code == 0, stderr
    assert "unchanged since the last run" not in stderr
    data = summary(out)
    assert data["as_of"] == "2026-07-15T23:59:59+00:00"
    assert timings(out)["cache_hits"] == 1  # parsing does not depend on the date
    expected = tmp_path / "expected"
    write_tables(walkaway.analyze([export], as_of="2026-07-15", jobs=1), expected)
    assert table_bytes(out) == table_bytes(expected)


def test_changed_content_invalidates_outputs_and_parsed_file(export: Path, tmp_path: Path) -> None:
    mbox = tmp_path / "inbox.mbox"
    shutil.copyfile(export, mbox)
    out = tmp_path / "out"
    command = ("analyze", str(mbox), "--out", str(out), "--no-report", "--jobs", "1")
    assert invoke(*command)[0] == 0
    data = mbox.read_bytes()
    assert b"Lumora" in data
    mbox.write_bytes(data.replace(b"Lumora", b"Zumora"))  # same size, other content

    code, stderr = invoke(*command)
    assert code == 0, stderr
    assert "unchanged since the last run" not in stderr
    assert timings(out)["cache_hits"] == 0
    assert timings(out)["cache_resumed"] == 0
    messages = pd.read_parquet(out / "messages.parquet")
    assert messages["subject"].str.contains("Zumora").any()
    assert not messages["subject"].str.contains("Lumora").any()
    expected = tmp_path / "expected"
    write_tables(walkaway.analyze([mbox], jobs=1), expected)
    assert table_bytes(out) == table_bytes(expected)


# ---------------------------------------------------------------------------------------
# An export that grew


def test_grown_mbox_reads_only_its_new_part_and_matches_a_fresh_read(
    export: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    full = export.read_bytes()
    starts = separators(export)
    kept = len(starts) * 2 // 3  # messages in the first export
    mbox = tmp_path / "inbox.mbox"
    mbox.write_bytes(full[: starts[kept]])
    out = tmp_path / "out"
    command = ("analyze", str(mbox), "--out", str(out), "--no-report", "--jobs", "1")
    assert invoke(*command)[0] == 0

    with mbox.open("ab") as handle:  # the mailbox grew: new mail appended
        handle.write(full[starts[kept] :])
    parsed: list[RawItem | Quarantined] = []
    read_chunk = stages.read_chunk

    def counting_read_chunk(items: Sequence[RawItem | Quarantined], limits: Limits) -> list[Row]:
        parsed.extend(items)
        return read_chunk(items, limits)

    monkeypatch.setattr(stages, "read_chunk", counting_read_chunk)
    code, stderr = invoke(*command)
    assert code == 0, stderr
    assert timings(out)["cache_resumed"] == 1
    # The new messages, and the last old one again (mail may have been appended to it).
    assert len(parsed) == len(starts) - kept + 1
    assert parsed[0].location.startswith(f"message {kept} (line ")

    fresh = tmp_path / "fresh"
    code, stderr = invoke("analyze", str(mbox), "--out", str(fresh), "--no-report", "--no-cache")
    assert code == 0, stderr
    assert table_bytes(out) == table_bytes(fresh)
    assert without_timings(summary(out)) == without_timings(summary(fresh))
    # The entry of the shorter mbox is gone: only the grown file's entry is kept.
    entries = list((out / CACHE_DIRNAME).glob("files/*/*.parquet"))
    assert len(entries) == 1


def test_entries_of_other_code_versions_are_removed(export: Path, tmp_path: Path) -> None:
    root = tmp_path / "cache"
    stale = [root / area / ("0" * 32) for area in ("files", "paths", "language")]
    for folder in stale:
        folder.mkdir(parents=True)
        (folder / "entry.json").write_text("{}", encoding="utf-8")
    outside = tmp_path / "kept"
    outside.mkdir()
    (root / "files" / "link").symlink_to(outside, target_is_directory=True)
    walkaway.analyze([export], jobs=1, cache=root)
    assert not any(folder.exists() for folder in stale)
    assert outside.is_dir()  # a link is not followed
    assert timings(walkaway.analyze([export], jobs=1, cache=root))["cache_hits"] == 1


def test_grown_mbox_with_a_changed_beginning_is_read_again_whole(
    export: Path, tmp_path: Path
) -> None:
    full = export.read_bytes()
    starts = separators(export)
    mbox = tmp_path / "inbox.mbox"
    mbox.write_bytes(full[: starts[len(starts) // 2]])
    root = tmp_path / "cache"
    walkaway.analyze([mbox], jobs=1, cache=root)
    # Longer, but not by appending: an old message was edited too.
    mbox.write_bytes(full.replace(b"Lumora", b"Zumora", 1))

    result = walkaway.analyze([mbox], jobs=1, cache=root)
    assert timings(result)["cache_resumed"] == 0
    assert timings(result)["cache_hits"] == 0
    assert_same_result(result, walkaway.analyze([mbox], jobs=1))


# ---------------------------------------------------------------------------------------
# A damaged or tampered cache is ignored


@pytest.fixture(scope="module")
def primed_cache(export: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache folder filled by one run over the export (tests work on copies)."""
    root = tmp_path_factory.mktemp("scale-primed") / "cache"
    walkaway.analyze([export], jobs=1, cache=root)
    return root


def _entry(root: Path) -> Path:
    (parquet,) = root.glob("files/*/*.parquet")
    return parquet


def _truncate_parquet(root: Path) -> None:
    parquet = _entry(root)
    parquet.write_bytes(parquet.read_bytes()[: parquet.stat().st_size // 2])


def _garble_parquet(root: Path) -> None:
    # Same size as its manifest says: only reading it tells that it is damaged.
    parquet = _entry(root)
    data = bytearray(parquet.read_bytes())
    for at in range(len(data) // 3, len(data) // 3 + 4000, 7):
        data[at] ^= 0xFF
    parquet.write_bytes(bytes(data))


def _delete_parquet(root: Path) -> None:
    _entry(root).unlink()


def _cut_manifest(root: Path) -> None:
    manifest = _entry(root).with_suffix(".json")
    manifest.write_bytes(manifest.read_bytes()[:20])


def _mistyped_manifest(root: Path) -> None:
    manifest = _entry(root).with_suffix(".json")
    data = json.loads(manifest.read_text(encoding="utf-8"))
    data["items"] = "many"
    manifest.write_text(json.dumps(data), encoding="utf-8")


def _mistyped_path_record(root: Path) -> None:
    (record,) = root.glob("paths/*/*.json")
    record.write_text(json.dumps({"size": "big", "resume": True}), encoding="utf-8")


def _garble_language(root: Path) -> None:
    for part in root.glob("language/*/part-*.parquet"):
        part.write_bytes(b"PAR1 not really")


def _garble_outputs_record(root: Path) -> None:
    (root / "outputs.json").write_text(json.dumps({"key": "k", "files": {"a": 1}}))


@pytest.mark.parametrize(
    "damage",
    [
        _truncate_parquet,
        _garble_parquet,
        _delete_parquet,
        _cut_manifest,
        _mistyped_manifest,
        _mistyped_path_record,
        _garble_language,
    ],
)
def test_damaged_cache_is_ignored_and_rewritten(
    damage: Callable[[Path], None],
    export: Path,
    primed_cache: Path,
    reference_result: AnalysisResult,
    tmp_path: Path,
) -> None:
    root = tmp_path / "cache"
    shutil.copytree(primed_cache, root)
    damage(root)
    assert_same_result(walkaway.analyze([export], jobs=1, cache=root), reference_result)
    # The damaged entry was replaced by a good one: the next run reads from the cache.
    again = walkaway.analyze([export], jobs=1, cache=root)
    assert timings(again)["cache_hits"] == 1
    assert_same_result(again, reference_result)


def test_damaged_outputs_record_is_not_trusted(tmp_path: Path) -> None:
    root = tmp_path / "cache"
    root.mkdir()
    _garble_outputs_record(root)
    assert Cache(root).outputs_current("k", tmp_path) is None


class _Exploit:
    """What a tampered cache record could hold: a call of ``os.system`` on load."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, (f"touch {self.marker}",))


def test_record_naming_a_foreign_callable_is_refused_unrun(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    with pytest.raises(UntrustedRecordError, match="system"):
        load_record(pickle.dumps(_Exploit(marker)))
    assert not marker.exists()


def test_record_check_builds_nothing_and_refuses_what_load_refuses(
    reference_result: AnalysisResult, tmp_path: Path
) -> None:
    message = reference_result.timelines[next(iter(reference_result.timelines))].events[0].message
    record = dump_record(message)
    check_record(record, Message)  # a good record passes
    with pytest.raises(pickle.UnpicklingError, match="not a Quarantined"):
        check_record(record, Quarantined)
    with pytest.raises(pickle.UnpicklingError):
        check_record(record[: len(record) // 2], Message)
    marker = tmp_path / "ran"
    with pytest.raises(UntrustedRecordError, match="system"):
        check_record(pickle.dumps(_Exploit(marker)), Message)
    assert not marker.exists()


def test_records_round_trip_through_their_slots(reference_result: AnalysisResult) -> None:
    """Every record type crosses processes as a tuple of its fields and comes back equal,
    nested records included; the list state pickles of earlier versions held still loads,
    and a state of the wrong length is refused."""
    timeline = reference_result.timelines[next(iter(reference_result.timelines))]
    message = timeline.events[0].message
    person = next(iter(reference_result.people.values()))
    assert load_record(dump_record(message)) == message  # the cache's records
    for record in (timeline, person, reference_result.trajectories[timeline.prospect]):
        assert pickle.loads(pickle.dumps(record)) == record  # what the engine ships
    assert message.__getstate__() == tuple(getattr(message, f) for f in Message.__slots__)
    older = object.__new__(Message)
    older.__setstate__(list(message.__getstate__()))
    assert older == message
    with pytest.raises(ValueError):
        object.__new__(Message).__setstate__(message.__getstate__()[:-1])


def _plant(parquet: Path, record: bytes, rows: slice) -> None:
    table = pq.read_table(parquet)
    records = table.column("record").to_pylist()
    records[rows] = [record] * len(records[rows])
    index = table.schema.get_field_index("record")
    table = table.set_column(index, "record", pa.array(records, pa.binary()))
    pq.write_table(table, parquet, compression="zstd")


def test_tampered_parsed_file_record_is_refused_and_analyze_succeeds(
    export: Path,
    primed_cache: Path,
    reference_result: AnalysisResult,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    root = tmp_path / "cache"
    shutil.copytree(primed_cache, root)
    marker = tmp_path / "ran"
    parquet = _entry(root)
    _plant(parquet, pickle.dumps(_Exploit(marker)), slice(5, 6))
    # Made to look whole: the manifest agrees with the new file.
    manifest = parquet.with_suffix(".json")
    data = json.loads(manifest.read_text(encoding="utf-8"))
    data["parquet_size"] = parquet.stat().st_size
    manifest.write_text(json.dumps(data), encoding="utf-8")

    result = walkaway.analyze([export], jobs=1, cache=root)
    assert not marker.exists()
    assert "refers to posix.system" in caplog.text
    assert timings(result)["cache_hits"] == 0
    assert_same_result(result, reference_result)


def test_tampered_language_record_is_refused_and_analyze_succeeds(
    export: Path,
    primed_cache: Path,
    reference_result: AnalysisResult,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    root = tmp_path / "cache"
    shutil.copytree(primed_cache, root)
    marker = tmp_path / "ran"
    for part in root.glob("language/*/part-*.parquet"):
        _plant(part, pickle.dumps(_Exploit(marker)), slice(0, None))

    result = walkaway.analyze([export], jobs=1, cache=root)
    assert not marker.exists()
    assert "damaged cached language records" in caplog.text
    assert_same_result(result, reference_result)


# ---------------------------------------------------------------------------------------
# Interruptions


@pytest.mark.parametrize("stage", ["reading", "scoring"])
def test_interrupted_run_leaves_no_partial_entry(
    stage: str,
    export: Path,
    reference_result: AnalysisResult,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Many small tasks, so that the interruption falls between two of them.
    monkeypatch.setattr(stages, "READ_CHUNK_ITEMS", 32)
    monkeypatch.setattr(stages, "SCORE_CHUNK", 4)
    seen: list[tuple[str, int, int | None]] = []

    def interrupt(name: str, done: int, total: int | None) -> None:
        seen.append((name, done, total))
        if name == stage and total and 0 < done < total:
            raise KeyboardInterrupt

    root = tmp_path / "cache"
    with pytest.raises(KeyboardInterrupt):
        walkaway.analyze([export], jobs=1, cache=root, progress=interrupt)
    assert any(name == stage and 0 < done < (total or 0) for name, done, total in seen)
    assert_cache_consistent(root)
    if stage == "reading":  # the file was half read: nothing of it may be visible
        assert [p for p in cache_files(root) if p.startswith(("files", "paths"))] == []

    result = walkaway.analyze([export], jobs=1, cache=root)
    assert_same_result(result, reference_result)
    assert_cache_consistent(root)
    assert timings(walkaway.analyze([export], jobs=1, cache=root))["cache_hits"] == 1


_INTERRUPTED_CLI = textwrap.dedent(
    """
    import os, signal, sys
    from walkaway.cli import main
    from walkaway.engine import stages

    # As in a terminal: a process started in the background by a shell has SIGINT ignored.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    stages.READ_CHUNK_ITEMS = 32
    read_chunk = stages.read_chunk
    calls = []

    def interrupted_read_chunk(items, limits):
        calls.append(len(items))
        if len(calls) == 3:  # Ctrl-C, a third of the way through the file
            os.kill(os.getpid(), signal.SIGINT)
        return read_chunk(items, limits)

    stages.read_chunk = interrupted_read_chunk
    sys.argv = ["walkaway", *sys.argv[1:]]
    main()
    """
)


def test_ctrl_c_on_the_command_line_leaves_a_usable_cache(
    export: Path, reference: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    command = ["analyze", str(export), "--out", str(out), "--no-report", "--jobs", "1"]
    interrupted = subprocess.run(
        [sys.executable, "-c", _INTERRUPTED_CLI, *command],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert interrupted.returncode == 128 + signal.SIGINT, interrupted.stderr
    assert "walkaway: interrupted; finished work is kept in" in interrupted.stderr
    assert "Traceback" not in interrupted.stderr
    root = out / CACHE_DIRNAME
    assert cache_files(root) == ["CACHEDIR.TAG"]  # no entry, no temporary file
    assert not (out / "prospects.csv").exists()

    code, stderr = invoke(*command)
    assert code == 0, stderr
    assert table_bytes(out) == table_bytes(reference)
    assert timings(out)["cache_hits"] == 0


# ---------------------------------------------------------------------------------------
# Keys: the code that made the records


def test_read_fingerprint_follows_the_code_that_makes_records(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = Path(cache_module.__file__).parent
    copy = tmp_path / "walkaway"
    for name in ("types.py", "errors.py", "features.py", "ingest", "clean", "engine"):
        source = package / name
        if source.is_dir():
            shutil.copytree(source, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, copy / name)
    monkeypatch.setattr(cache_module, "_package_root", lambda: copy)

    def fingerprint() -> str:
        return cache_module._fingerprint(
            cache_module._READ_MODULES, cache_module._READ_LIBRARIES, models=False
        )

    before = fingerprint()
    assert fingerprint() == before
    with (copy / "features.py").open("a", encoding="utf-8") as handle:
        handle.write("\n# scoring code: parsed records do not depend on it\n")
    assert fingerprint() == before
    for changed in ("clean/_plain.py", "ingest/parse.py", "engine/tasks.py"):
        with (copy / changed).open("a", encoding="utf-8") as handle:
            handle.write("\n# changed\n")
        after = fingerprint()
        assert after != before, changed
        before = after


def test_records_of_other_code_are_not_found(
    export: Path, primed_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "cache"
    shutil.copytree(primed_cache, root)
    assert timings(walkaway.analyze([export], jobs=1, cache=root))["cache_hits"] == 1
    monkeypatch.setattr(cache_module, "read_fingerprint", lambda: "other-code")
    assert timings(walkaway.analyze([export], jobs=1, cache=root))["cache_hits"] == 0
