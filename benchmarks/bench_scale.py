"""Scale: ``walkaway analyze`` on a large generated export, against the targets.

On a synthetic Gmail-Takeout-style export (``walkaway simulate``; 4,000 prospects make about
100,000 messages, 380 MB) it measures, each run a separate process as a user runs it:

1. throughput of the whole ``walkaway analyze`` run over the throughput of mail-parser alone
   parsing the same mbox in one process, the naive way (``mailbox.mbox`` to split,
   ``mailparser.parse_from_bytes`` on each message); target >= 1.5;
2. first run over a re-run on the unchanged export (target >= 20), and a run after mail was
   appended to the mbox (only the new part is read);
3. words per second per core of the language stage, in one process (the reference of
   ``bench_language.py``) and in the engine's worker processes;
4. peak memory of ``analyze`` on a ~1 GB mbox (10,500 prospects): the RSS of the main
   process, and of the main process plus its workers the PSS sum (shared pages split
   between the processes that share them) beside the RSS sum (shared pages counted in
   every process); target < 1 GB for both the main RSS and the PSS sum.

Generated exports are kept in ``--work`` (default: a folder in the system's temporary
directory) and reused by later runs. Wall times of whole runs are the figures (this is what
a user waits for); CPU times of all processes are printed beside them, since the machine
may be shared. The re-run is only a re-run if the code did not change in between (the
outputs are keyed by the code's fingerprint): if it did, this says so and runs again.

    python benchmarks/bench_scale.py [--work DIR] [--prospects 4000] [--big-prospects 10500]
                                     [--skip-big] [--skip-baseline] [--jobs N]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil  # installed with dask[distributed]

WALKAWAY = [sys.executable, "-m", "walkaway"]
REUSED = "unchanged since the last run"
TARGET_THROUGHPUT = 1.5
TARGET_RERUN = 20.0
TARGET_RSS = 1_000_000_000


@dataclass
class Run:
    """One process tree's wall time, peak memory, CPU time and standard error."""

    seconds: float
    peak_main_bytes: int
    peak_tree_bytes: int
    peak_tree_pss_bytes: int
    cpu_seconds: float
    returncode: int
    stderr: str


def run_measured(command: list[str], *, interval: float = 0.1) -> Run:
    """Run ``command``; sample the memory of it and every descendant (workers) while it runs:
    the RSS of the main process, and of all processes both the RSS sum (which counts the
    pages they share, such as libraries and models, once per process) and the PSS sum (which
    splits each shared page between the processes that map it: what the run really holds)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    root = psutil.Process(process.pid)
    peak_main = peak_tree = peak_pss = 0
    cpu: dict[int, float] = {}
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak_main, peak_tree, peak_pss
        while not stop.is_set():
            try:
                tree = [root, *root.children(recursive=True)]
            except psutil.Error:
                break
            total = pss = 0
            for proc in tree:
                try:
                    info = proc.memory_full_info()
                    times = proc.cpu_times()
                except psutil.Error:
                    continue
                total += info.rss
                pss += getattr(info, "pss", info.rss)  # PSS is Linux-only
                cpu[proc.pid] = times.user + times.system
                if proc.pid == root.pid:
                    peak_main = max(peak_main, info.rss)
            peak_tree = max(peak_tree, total)
            peak_pss = max(peak_pss, pss)
            stop.wait(interval)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, raw_stderr = process.communicate()
    seconds = time.perf_counter() - started
    stop.set()
    sampler.join()
    stderr = raw_stderr.decode(errors="replace")
    if process.returncode != 0:
        sys.stderr.write(stderr[-3000:])
        raise SystemExit(f"failed ({process.returncode}): {' '.join(command)}")
    return Run(
        seconds, peak_main, peak_tree, peak_pss, sum(cpu.values()), process.returncode, stderr
    )


def simulate(folder: Path, prospects: int, seed: int) -> Path:
    """The mbox of a generated export, generated unless ``folder`` already has it."""
    mbox = folder / "inbox.mbox"
    if not mbox.exists():
        print(f"   (generating {prospects} prospects, seed {seed}, in {folder})", flush=True)
        command = [*WALKAWAY, "simulate", "--prospects", str(prospects), "--seed", str(seed)]
        subprocess.run([*command, "--out", str(folder)], check=True, stdout=subprocess.DEVNULL)
    return mbox


_BASELINE = """
import logging, mailbox, sys, time
import mailparser
logging.disable(logging.CRITICAL)  # mail-parser logs every part it does not handle
started, cpu = time.perf_counter(), time.process_time()
box = mailbox.mbox(sys.argv[1], create=False)
parse = 0.0
count = 0
for key in box.iterkeys():
    data = box.get_bytes(key)
    mark = time.perf_counter()
    mailparser.parse_from_bytes(data)
    parse += time.perf_counter() - mark
    count += 1
print(count, time.perf_counter() - started, parse, time.process_time() - cpu)
"""


@dataclass
class Baseline:
    messages: int
    seconds: float
    parse_seconds: float
    cpu_seconds: float


def mailparser_baseline(mbox: Path) -> Baseline:
    """mail-parser alone over the mbox, in one process (a fresh interpreter)."""
    out = subprocess.run(
        [sys.executable, "-c", _BASELINE, str(mbox)], check=True, capture_output=True, text=True
    ).stdout.split()
    return Baseline(int(out[0]), float(out[1]), float(out[2]), float(out[3]))


def analyze_command(mbox: Path, out: Path, jobs: int) -> list[str]:
    return [*WALKAWAY, "analyze", str(mbox), "--out", str(out), "--no-report", "--jobs", str(jobs)]


def summary(out: Path) -> dict[str, object]:
    data: dict[str, object] = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    return data


def timings(out: Path) -> dict[str, float]:
    found: dict[str, float] = summary(out)["timings"]  # type: ignore[assignment]
    return found


def stage_line(out: Path) -> str:
    t = timings(out)
    # analyze reads the language of each chunk of prospects where it scores them: its time
    # is in "signals" (language, signals, features and trajectories).
    names = ("ingest_clean", "people", "threads", "signals", "tables")
    labels = {"signals": "language+signals"}
    return ", ".join(
        f"{labels.get(name, name)} {t.get(name + '_seconds', 0):.1f}" for name in names
    )


def mb(value: float) -> str:
    return f"{value / 1e6:,.0f} MB"


def verdict(met: bool) -> str:
    return "met" if met else "MISSED"


def _descendants_cpu() -> float:
    total = 0.0
    for proc in psutil.Process().children(recursive=True):
        try:
            times = proc.cpu_times()
        except psutil.Error:
            continue
        total += times.user + times.system
    return total


def language_rates(out: Path, jobs: int, limit: int = 8000) -> tuple[int, float, float, float]:
    """The language stage (rules + classifier + evidence) on prospect replies of the export:
    words, words per CPU second in this process, words per CPU second of the worker
    processes (warm: models loaded), and the workers' wall-clock words per second."""
    import pandas as pd

    from walkaway.engine import LocalEngine
    from walkaway.engine.tasks import language_chunk

    table = pd.read_parquet(out / "messages.parquet", columns=["direction", "text", "date"])
    replies = table[(table["direction"] == "inbound") & (table["text"].str.len() > 0)].head(limit)
    texts = replies["text"].tolist()
    dates = [d.to_pydatetime() for d in replies["date"]]
    words = sum(len(t.split()) for t in texts)
    batches = [(texts[s : s + 256], dates[s : s + 256]) for s in range(0, len(texts), 256)]

    language_chunk("reply", texts[:8], dates[:8])  # models loaded once, as in a run
    started = time.process_time()
    for batch_texts, batch_dates in batches:
        language_chunk("reply", batch_texts, batch_dates)
    single = words / (time.process_time() - started)

    with LocalEngine(jobs) as engine:
        warm = [engine.submit(language_chunk, "reply", t[:8], d[:8]) for t, d in batches[:jobs]]
        for handle in warm:
            handle.result()
        time.sleep(0.5)  # every worker has loaded the models
        cpu, started = _descendants_cpu(), time.perf_counter()
        for handle in [engine.submit(language_chunk, "reply", t, d) for t, d in batches]:
            handle.result()
        wall = time.perf_counter() - started
        per_cpu = words / max(1e-9, _descendants_cpu() - cpu)
    return words, single, per_cpu, words / wall


def rerun(mbox: Path, out: Path, jobs: int) -> Run:
    """A run on the unchanged export; again if the code changed since the last run (the
    outputs are keyed by it: a run after a code change is not a re-run)."""
    for _ in range(3):
        run = run_measured(analyze_command(mbox, out, jobs))
        if REUSED in run.stderr:
            return run
        print("   (outputs not reused: the code changed since the last run; running again)")
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    default_work = Path(tempfile.gettempdir()) / "walkaway-bench-scale"
    parser.add_argument("--work", type=Path, default=default_work)
    parser.add_argument("--prospects", type=int, default=4000)
    parser.add_argument("--big-prospects", type=int, default=10500)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--skip-big", action="store_true", help="skip the ~1 GB memory run")
    parser.add_argument("--skip-baseline", action="store_true", help="skip mail-parser alone")
    args = parser.parse_args()
    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    jobs = args.jobs or len(os.sched_getaffinity(0))
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"machine: {os.cpu_count()} cores, jobs {jobs}, load average {load}")

    source = simulate(work / f"export-{args.prospects}", args.prospects, args.seed)
    # The runs read a copy: a later step appends to it.
    inputs = work / "input"
    inputs.mkdir(exist_ok=True)
    mbox = inputs / "inbox.mbox"
    shutil.copyfile(source, mbox)
    out = work / "out"
    shutil.rmtree(out, ignore_errors=True)

    print("\n1. throughput: walkaway analyze vs mail-parser alone (one process)")
    first = run_measured(analyze_command(mbox, out, jobs))
    messages = int(summary(out)["inputs"])  # type: ignore[call-overload]
    print(
        f"   walkaway analyze, first run: {messages:,} messages ({mb(mbox.stat().st_size)}) in "
        f"{first.seconds:.1f} s = {messages / first.seconds:,.0f} msg/s; "
        f"CPU {first.cpu_seconds:.0f} s in all processes; peak RSS main "
        f"{mb(first.peak_main_bytes)}; all processes: RSS sum {mb(first.peak_tree_bytes)}, "
        f"PSS sum {mb(first.peak_tree_pss_bytes)}"
    )
    print(f"   stages (s): {stage_line(out)}")
    throughput_ratio = None
    if not args.skip_baseline:
        base = mailparser_baseline(mbox)
        print(
            f"   mail-parser alone, mailbox.mbox + parse_from_bytes: {base.messages:,} messages "
            f"in {base.seconds:.1f} s = {base.messages / base.seconds:,.0f} msg/s "
            f"(CPU {base.cpu_seconds:.0f} s; parse_from_bytes alone {base.parse_seconds:.1f} s)"
        )
        throughput_ratio = (messages / first.seconds) / (base.messages / base.seconds)
        cpu_ratio = (messages / first.cpu_seconds) / (base.messages / base.cpu_seconds)
        print(
            f"   RATIO analyze / mail-parser throughput: {throughput_ratio:.2f}x "
            f"(target >= {TARGET_THROUGHPUT}: {verdict(throughput_ratio >= TARGET_THROUGHPUT)}); "
            f"per CPU second: {cpu_ratio:.2f}x"
        )

    print("\n2. cache: re-run on the unchanged export, and after mail was appended")
    again = rerun(mbox, out, jobs)
    rerun_ratio = first.seconds / again.seconds
    print(
        f"   re-run: {again.seconds:.2f} s (outputs reused: {REUSED in again.stderr}); "
        f"RATIO first / re-run: {rerun_ratio:.1f}x "
        f"(target >= {TARGET_RERUN:g}: {verdict(rerun_ratio >= TARGET_RERUN)})"
    )
    extra = simulate(work / "export-append", 40, args.seed + 1000)
    with mbox.open("ab") as target, extra.open("rb") as tail:
        shutil.copyfileobj(tail, target)
    grown = run_measured(analyze_command(mbox, out, jobs))
    t = timings(out)
    added = int(summary(out)["inputs"]) - messages  # type: ignore[call-overload]
    print(
        f"   after appending {added:,} messages ({mb(extra.stat().st_size)}): "
        f"{grown.seconds:.1f} s, CPU {grown.cpu_seconds:.0f} s; mbox resumed from its last "
        f"message: {t.get('cache_resumed', 0) == 1}"
    )
    print(f"   stages (s): {stage_line(out)}")

    print("\n3. language stage, words/s per core (prospect replies of the export)")
    words, single, per_cpu, wall_rate = language_rates(out, jobs)
    print(
        f"   {words:,} words: one process {single:,.0f} words/s per core; {jobs} worker "
        f"processes {per_cpu:,.0f} words/s per core ({wall_rate:,.0f} words/s wall clock)"
    )

    peak = None
    if not args.skip_big:
        print("\n4. memory on a ~1 GB mbox")
        big = simulate(work / f"export-{args.big_prospects}", args.big_prospects, args.seed)
        big_out = work / "out-big"
        shutil.rmtree(big_out, ignore_errors=True)
        run = run_measured(analyze_command(big, big_out, jobs))
        # Held against the target: the main process's RSS, and what all processes hold
        # together (PSS). The RSS sum is printed too; it counts shared pages once per worker.
        peak = max(run.peak_main_bytes, run.peak_tree_pss_bytes)
        print(
            f"   {big.stat().st_size / 1e9:.2f} GB, {summary(big_out)['inputs']:,} messages, "
            f"{run.seconds:.0f} s (CPU {run.cpu_seconds:.0f} s): peak RSS main process "
            f"{mb(run.peak_main_bytes)}; all processes: PSS sum {mb(run.peak_tree_pss_bytes)}, "
            f"RSS sum {mb(run.peak_tree_bytes)} "
            f"(target < {mb(TARGET_RSS)} for main RSS and PSS sum: "
            f"{verdict(peak < TARGET_RSS)})"
        )
        print(f"   stages (s): {stage_line(big_out)}")

    print("\ntargets")
    if throughput_ratio is not None:
        print(
            f"   throughput vs mail-parser alone  {throughput_ratio:6.2f}x   "
            f"(>= {TARGET_THROUGHPUT})  {verdict(throughput_ratio >= TARGET_THROUGHPUT)}"
        )
    print(
        f"   first run / re-run              {rerun_ratio:6.1f}x   "
        f"(>= {TARGET_RERUN:g})   {verdict(rerun_ratio >= TARGET_RERUN)}"
    )
    if peak is not None:
        print(
            f"   peak memory on ~1 GB / 1 GB      {peak / TARGET_RSS:6.2f}    "
            f"(< 1)     {verdict(peak < TARGET_RSS)}"
        )


if __name__ == "__main__":
    main()
