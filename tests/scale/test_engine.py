"""Engines: worker processes and a Dask cluster give exactly the results of one process;
progress reports every stage with its total."""

from __future__ import annotations

import io
import os
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from rich.console import Console

import walkaway
from tests.scale.conftest import (
    invoke,
    run_cli,
    summary,
    table_bytes,
    timings,
    without_timings,
)
from walkaway import cli
from walkaway.analysis import AnalysisResult
from walkaway.engine import LocalEngine, TaskHandle, stages

FRAMES = ("prospects", "signals", "messages", "threads", "quarantine", "features")


@pytest.fixture
def many_small_tasks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cut the small export into many tasks and ship them whatever their size, so that
    workers really run them and results come back in whatever order they finish."""
    monkeypatch.setattr(stages, "PARALLEL_READ_BYTES", 0)
    monkeypatch.setattr(stages, "PARALLEL_TEXTS", 0)
    monkeypatch.setattr(stages, "PARALLEL_PROSPECTS", 0)
    monkeypatch.setattr(stages, "READ_CHUNK_ITEMS", 16)
    monkeypatch.setattr(stages, "SCORE_CHUNK", 2)


def test_worker_processes_give_the_results_of_one_process(
    export: Path,
    reference_result: AnalysisResult,
    many_small_tasks: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    shipped: Counter[str] = Counter()
    submit = LocalEngine.submit

    def counting_submit(
        self: LocalEngine, fn: Callable[..., Any], *args: Any, inline: bool = False
    ) -> TaskHandle:
        if not inline and self.jobs > 1:
            shipped[fn.__name__] += 1
        return submit(self, fn, *args, inline=inline)

    monkeypatch.setattr(LocalEngine, "submit", counting_submit)
    warmed: list[str] = []
    warm = LocalEngine.warm

    def recording_warm(self: LocalEngine, fn: Callable[[], Any]) -> None:
        warmed.append(fn.__name__)
        warm(self, fn)

    monkeypatch.setattr(LocalEngine, "warm", recording_warm)
    result = walkaway.analyze([export], jobs=2)
    assert warmed == ["warm_up"]  # once, between reading and scoring
    assert shipped["read_chunk"] > 10
    assert "language_chunk" not in shipped  # language is read where each chunk is scored
    assert shipped["score_chunk"] == 6  # 12 prospects, 2 per task
    assert timings(result)["workers"] == 2
    for name in FRAMES:
        pd.testing.assert_frame_equal(
            getattr(result, name), getattr(reference_result, name), obj=name
        )
    assert result.scores == reference_result.scores
    assert result.trajectories == reference_result.trajectories
    assert without_timings(result.summary) == without_timings(reference_result.summary)


def test_dask_engine_writes_the_outputs_of_the_local_engine(
    export: Path, reference: Path, tmp_path: Path, many_small_tasks: None
) -> None:
    from distributed import LocalCluster

    out = tmp_path / "out"
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        code, stderr = invoke(
            "analyze", str(export), "--out", str(out), "--no-report", "--no-cache",
            "--engine", "dask", "--scheduler", cluster.scheduler_address,
        )  # fmt: skip
        ran = set(cluster.scheduler.task_prefixes)
    assert code == 0, stderr
    assert {"read_chunk", "score_chunk"} <= ran  # the cluster did the work
    assert timings(out)["workers"] == 2
    assert table_bytes(out) == table_bytes(reference)
    assert without_timings(summary(out)) == without_timings(summary(reference))


def test_scheduler_without_dask_engine_is_a_usage_error(export: Path, tmp_path: Path) -> None:
    result = run_cli(
        "analyze", str(export), "--out", str(tmp_path / "out"),
        "--scheduler", "tcp://127.0.0.1:8786",
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "walkaway: error: --scheduler needs --engine dask",
    ]


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--engine", "spark", "--engine spark: choose one of local, dask"),
        ("--jobs", "0", "--jobs must be at least 1, got 0"),
    ],
)
def test_bad_engine_options_are_usage_errors(
    option: str, value: str, message: str, export: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    code, stderr = invoke("analyze", str(export), "--out", str(out), option, value)
    assert code == 2
    assert stderr == f"walkaway: error: {message}\n"


# ---------------------------------------------------------------------------------------
# Progress


def test_progress_reports_every_stage_with_its_total(export: Path, tmp_path: Path) -> None:
    events: list[tuple[str, int, int | None]] = []
    walkaway.analyze(
        [export], jobs=1, cache=tmp_path / "cache", progress=lambda *e: events.append(e)
    )
    stages_seen = list(dict.fromkeys(name for name, _, _ in events))
    assert stages_seen == ["checking cache", "reading", "scoring"]
    size = export.stat().st_size
    for stage in stages_seen:
        counted = [(done, total) for name, done, total in events if name == stage and total]
        assert counted, stage
        dones = [done for done, _ in counted]
        assert dones == sorted(dones), stage  # never goes back
        assert counted[-1][0] == counted[-1][1], stage  # ends complete
    assert {total for name, _, total in events if name in ("checking cache", "reading")} == {size}
    assert {total for name, _, total in events if name == "scoring"} == {12}  # prospects


def test_command_line_progress_shows_rate_and_time_left(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=160, color_system=None)
    monkeypatch.setattr(cli, "err_console", console)
    display = cli._progress()
    update = display.__enter__()
    for done in range(0, 41, 4):  # 40 MB read at about 200 MB/s
        update("reading", done * 1_000_000, 100_000_000)
        time.sleep(0.02)
    screen.seek(0)
    screen.truncate()  # keep only what is drawn from now on: the display after the updates
    display._bar.refresh()  # type: ignore[union-attr]
    shown = screen.getvalue()
    display.__exit__(None, None, None)
    assert "reading" in shown
    assert "40 MB of 100 MB" in shown
    assert " MB/s" in shown
    assert "-:--:--" not in shown  # the time left is known ...
    assert "0:00:0" in shown  # ... and short at this rate


def test_warm_runs_on_a_started_pool_only() -> None:
    engine = LocalEngine(2)
    try:
        engine.warm(os.getpid)
        assert engine._pool is None  # no worker is started just to be warmed
        worker = engine.submit(os.getpid).result()
        assert worker != os.getpid()
        pool = engine._pool
        assert pool is not None
        sent: list[object] = []
        submit = pool.submit

        def recording_submit(fn: Callable[..., Any], /, *args: Any) -> Any:
            sent.append(fn)
            return submit(fn, *args)

        pool.submit = recording_submit  # type: ignore[method-assign]
        engine.warm(os.getpid)
        assert sent == [os.getpid, os.getpid]  # one call per worker, not waited for
    finally:
        engine.close()
