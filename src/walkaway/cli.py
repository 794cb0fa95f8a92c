"""The ``walkaway`` command: thin wrappers over the library functions.

Exit codes (the contract): 0 done (even with quarantined items), 1 nothing usable in the
input, 2 usage error. Errors are one line on stderr, never a traceback.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from walkaway.errors import WalkawayError

app = typer.Typer(
    name="walkaway",
    help="Read exported mailboxes and tell, with evidence, when a prospect has gone cold.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out_console = Console()
err_console = Console(stderr=True)

OurDomain = Annotated[
    list[str] | None,
    typer.Option("--our-domain", help="Our company's domain (repeatable). Default: inferred."),
]
Me = Annotated[
    list[str] | None,
    typer.Option("--me", help="Our own address (repeatable). Default: inferred."),
]


@app.callback()
def _root() -> None:
    """Read exported mailboxes and tell, with evidence, when a prospect has gone cold."""


def _fail(error: WalkawayError) -> typer.Exit:
    # Plain write: one line, never wrapped to the terminal width.
    sys.stderr.write(f"walkaway: error: {error}\n")
    return typer.Exit(code=error.exit_code)


@app.command()
def analyze(
    paths: Annotated[
        list[Path],
        typer.Argument(help="Export files or folders (mbox, .eml, Maildir, .msg, .emlx, .gz)."),
    ],
    out: Annotated[Path, typer.Option("--out", help="Output folder.")],
    our_domain: OurDomain = None,
    me: Me = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Score as of this ISO date. Default: the newest message."),
    ] = None,
    model: Annotated[Path | None, typer.Option("--model", help="A trained model folder.")] = None,
    rules: Annotated[
        Path | None,
        typer.Option("--rules", help="A rules file (TOML) instead of the built-in one."),
    ] = None,
    jobs: Annotated[
        int | None,
        typer.Option("--jobs", help="Worker processes (local engine). Default: all cores."),
    ] = None,
    engine: Annotated[
        str, typer.Option("--engine", help="local (this machine) or dask (a Dask cluster).")
    ] = "local",
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            help="Dask scheduler address (tcp://host:8786) for --engine dask. "
            "Default: a local cluster.",
        ),
    ] = None,
    no_cache: Annotated[
        bool,
        typer.Option("--no-cache", help="Neither use nor update the cache in OUT/.walkaway-cache."),
    ] = False,
    no_report: Annotated[
        bool, typer.Option("--no-report", help="Skip the HTML/Markdown reports.")
    ] = False,
    redact: Annotated[
        bool,
        typer.Option(
            "--redact",
            help="Mask addresses, phone numbers and personal names in tables and reports "
            "(for sharing).",
        ),
    ] = False,
    max_message_mb: Annotated[
        float,
        typer.Option("--max-message-mb", help="Quarantine messages larger than this (MB)."),
    ] = 50.0,
    message_timeout: Annotated[
        float,
        typer.Option(
            "--message-timeout",
            help="Quarantine a message whose parsing takes longer (seconds; 0: no limit).",
        ),
    ] = 10.0,
) -> None:
    """Analyze exports and write prospects.csv, signals.csv, messages/threads Parquet,
    quarantine.csv, summary.json, scores.json and report/ to --out."""
    from walkaway.analysis import analyze as run_analysis
    from walkaway.cache import CACHE_DIRNAME, Cache, input_digests, outputs_key
    from walkaway.engine import check_engine_options
    from walkaway.report.tables import write_tables

    try:
        # Checked first: a run whose outputs are reused must not accept bad options either.
        check_engine_options(engine, jobs=jobs, scheduler=scheduler)
        limits = _limits(max_message_mb, message_timeout)
        with _progress() as update:
            cache = None if no_cache else Cache(out / CACHE_DIRNAME)
            key = None
            if cache is not None:
                # Unchanged inputs, options and code: the outputs already in OUT are the
                # answer (they are checked to be the files this key wrote).
                key = outputs_key(
                    input_digests(paths, progress=update),
                    {
                        "our_domain": our_domain or [],
                        "me": me or [],
                        "as_of": as_of,
                        "model": _digest_or_none(model),
                        "rules": _digest_or_none(rules),
                        "redact": redact,
                        "limits": limits,
                    },
                )
                reused = cache.outputs_current(key, out)
                if reused is not None:
                    index = None if no_report else _current_report(out, redact, jobs)
                    _print_reused(out, reused, given_own_side=bool(our_domain or me))
                    _print_index(index)
                    return
                cache.forget_outputs()
            result = run_analysis(
                paths,
                our_domains=our_domain or (),
                me=me or (),
                as_of=as_of,
                model=model,
                rules=rules,
                progress=update,
                jobs=jobs,
                engine=engine,
                scheduler=scheduler,
                cache=cache,
                limits=limits,
            )
        written = write_tables(result, out)
        if redact:
            from walkaway.redact import redact_tables

            written = redact_tables(out)
        own_line = f"Our side ({result.own.how}): {result.own.describe()}"
        summary = result.summary
        clock_dependent = as_of is None and summary["undated_messages"] == summary["parsed"]
        if cache is not None and key is not None and not clock_dependent:
            cache.record_outputs(
                key,
                out,
                [str(path.relative_to(out)) for path in written.values()],
                extra={"own_side_line": own_line},
            )
        index = None if no_report else _render(out, redact, jobs)
    except WalkawayError as error:
        raise _fail(error) from None
    except KeyboardInterrupt:
        # Typer turns Ctrl-C into a silent exit 130: say what happened and what is kept.
        where = "" if no_cache else f"; finished work is kept in {out / CACHE_DIRNAME}"
        sys.stderr.write(f"walkaway: interrupted{where}\n")
        raise

    if not (our_domain or me):
        err_console.print(own_line, highlight=False)
    _print_prospects(result.prospects)
    _print_summary(result.summary, out)
    _print_index(index)


def _limits(max_message_mb: float, message_timeout: float):  # type: ignore[no-untyped-def]
    from walkaway.errors import UsageError
    from walkaway.ingest.limits import Limits

    if not max_message_mb > 0:
        raise UsageError(f"--max-message-mb must be more than 0, not {max_message_mb}")
    if not message_timeout >= 0:
        raise UsageError(f"--message-timeout must be 0 or more, not {message_timeout}")
    return Limits(
        max_bytes=max(1, int(max_message_mb * 1024 * 1024)),
        max_seconds=message_timeout or None,
    )


def _render(out: Path, redact: bool, jobs: int | None) -> Path:
    from walkaway.report.render import render_reports

    return render_reports(out, redact=redact, jobs=jobs)


def _current_report(out: Path, redact: bool, jobs: int | None) -> Path:
    """The report of reused outputs, rendered again only when it is missing or older."""
    index = out / "report" / "index.html"
    summary = out / "summary.json"
    if index.exists() and index.stat().st_mtime_ns >= summary.stat().st_mtime_ns:
        return index
    return _render(out, redact, jobs)


def _print_index(index: Path | None) -> None:
    if index is not None:
        out_console.print(f"Report: {index}", highlight=False, soft_wrap=True)


def _digest_or_none(path: Path | None) -> str | None:
    from walkaway.cache import digest_paths

    if path is None:
        return None
    if not path.exists():
        return f"missing:{path}"  # analyze reports the missing path itself
    return digest_paths([path])


def _print_summary(summary: dict, out: Path) -> None:  # type: ignore[type-arg]
    out_console.print(
        f"{summary['parsed']} messages parsed, {summary['duplicates']} duplicates, "
        f"{summary['quarantined']} quarantined (of {summary['inputs']}); "
        f"{summary['threads']} threads, {summary['prospects']} prospects; as of {summary['as_of']}",
        highlight=False,
        soft_wrap=True,
    )
    out_console.print(f"Results: {out}/", highlight=False, soft_wrap=True)
    from walkaway.ingest.reasons import describe_quarantine

    described = summary.get("quarantine_summary")
    if isinstance(described, dict):
        for line in describe_quarantine(described, details_file=str(out / "quarantine.csv")):
            err_console.print(line, highlight=False, soft_wrap=True)


def _print_reused(out: Path, record: dict, *, given_own_side: bool) -> None:  # type: ignore[type-arg]
    """What a run prints, from the outputs an identical earlier run wrote."""
    import json

    import pandas as pd

    err_console.print(
        "Inputs, options and code unchanged since the last run: its results are current.",
        highlight=False,
    )
    if not given_own_side and record.get("own_side_line"):
        err_console.print(str(record["own_side_line"]), highlight=False)
    prospects = pd.read_csv(out / "prospects.csv", keep_default_na=False)
    _print_prospects(prospects)
    _print_summary(json.loads((out / "summary.json").read_text(encoding="utf-8")), out)


@app.command()
def report(
    folder: Annotated[Path, typer.Argument(help="An output folder of walkaway analyze.")],
    redact: Annotated[
        bool,
        typer.Option("--redact", help="Mask addresses, phone numbers and personal names."),
    ] = False,
    jobs: Annotated[
        int | None,
        typer.Option("--jobs", help="Worker processes drawing charts. Default: all cores."),
    ] = None,
) -> None:
    """Render the reports (report/index.html and one page per prospect) of an analyze
    output folder again, without re-analysing."""
    from walkaway.report.render import render_reports

    try:
        index = render_reports(folder, redact=redact, jobs=jobs)
    except WalkawayError as error:
        raise _fail(error) from None
    _print_index(index)


@app.command()
def classify(
    texts: Annotated[list[str] | None, typer.Argument(help="Texts to classify.")] = None,
    file: Annotated[Path | None, typer.Option("--file", help="A CSV file of texts.")] = None,
    column: Annotated[
        str, typer.Option("--column", help="The CSV column holding the text.")
    ] = "text",
) -> None:
    """Print one JSON object per text: label probabilities, top label, evidence spans.

    Without TEXT or --file, reads one text per line from standard input."""
    import csv
    import json

    from walkaway.nlp.classify import classify as run_classify

    items = list(texts or [])
    if file is not None:
        if not file.is_file():
            raise _fail(WalkawayError(f"--file: no such file: {file}"))
        with file.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            if column not in (reader.fieldnames or []):
                raise _fail(
                    WalkawayError(f"--file {file}: no column {column!r} (has {reader.fieldnames})")
                )
            items.extend(row[column] or "" for row in reader)
    if not items and texts is None and file is None and not sys.stdin.isatty():
        items = [line.rstrip("\n") for line in sys.stdin if line.strip()]
    if not items:
        raise _fail(WalkawayError("nothing to classify: give TEXT arguments, --file or stdin"))
    try:
        for start in range(0, len(items), 512):
            for result in run_classify(items[start : start + 512]):
                sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
    except WalkawayError as error:
        raise _fail(error) from None


@app.command("train-classifiers")
def train_classifiers_command(
    data: Annotated[Path, typer.Option("--data", help="Labeled examples (JSON lines).")] = Path(
        "data/classifiers/examples.jsonl"
    ),
    out: Annotated[Path, typer.Option("--out", help="Model folder to write.")] = Path(
        "models/reply-classifier"
    ),
    compare: Annotated[
        bool, typer.Option("--compare/--no-compare", help="Also compare candidate models.")
    ] = True,
    datasets: Annotated[
        Path | None,
        typer.Option("--datasets", help="Public datasets for transfer checks (optional)."),
    ] = None,
) -> None:
    """Rebuild the reply classifiers from labeled examples, with their model card."""
    from walkaway.nlp.training import train_classifiers

    try:
        classifier = train_classifiers(data, out, compare=compare, datasets=datasets)
    except WalkawayError as error:
        raise _fail(error) from None
    metrics = classifier.card["metrics_test"]
    for label in classifier.labels:
        m = metrics[label]
        out_console.print(
            f"{label:<26} P {m['precision']:.3f}  R {m['recall']:.3f}  F1 {m['f1']:.3f}",
            highlight=False,
        )
    out_console.print(f"macro F1 {metrics['macro']['f1']:.3f} (held-out test). Saved to {out}/")


def _interval(metrics: dict, intervals: dict, name: str, key: str) -> str:
    value = metrics.get(key)
    bounds = intervals.get(name, {}).get(key)
    text = "n/a" if value is None else f"{value:.3f}"
    return text + (f" [{bounds[0]:.3f}, {bounds[1]:.3f}]" if bounds else "")


@app.command()
def train(
    paths: Annotated[list[Path], typer.Argument(help="Export files or folders.")],
    deals: Annotated[
        Path, typer.Option("--deals", help="deals.csv: prospect, outcome, closed_at.")
    ],
    out: Annotated[Path, typer.Option("--out", help="Model folder to write.")],
    our_domain: OurDomain = None,
    me: Me = None,
    horizon: Annotated[
        float, typer.Option("--horizon", help="Judge each deal DAYS before it closed.")
    ] = 0.0,
) -> None:
    """Train a deal model on labeled deals; print cross-validated metrics next to the rule prior."""
    from walkaway.train import train as run_train

    try:
        result = run_train(
            paths, deals, out, our_domains=our_domain or (), me=me or (), horizon_days=horizon
        )
    except WalkawayError as error:
        raise _fail(error) from None
    m = result.metrics
    table = Table(
        title=f"Cross-validated on {m['deals']['used']} deals "
        f"({m['deals']['won']} won, {m['deals']['lost']} lost), 95% intervals"
    )
    for column in ("", "ROC-AUC", "PR-AUC", "Brier"):
        table.add_column(column)
    for label, name, key in (
        ("model", "model", "model_cv"),
        ("rule prior", "rule_prior", "rule_prior_cv"),
    ):
        table.add_row(
            label,
            *(
                _interval(m[key], m["intervals_95"], name, k)
                for k in ("roc_auc", "pr_auc", "brier")
            ),
        )
    out_console.print(table)
    out_console.print(f"Model ({m['model']}) saved to {out}/ with MODEL_CARD.md", highlight=False)


@app.command()
def evaluate(
    paths: Annotated[list[Path], typer.Argument(help="Export files or folders.")],
    deals: Annotated[
        Path, typer.Option("--deals", help="deals.csv: prospect, outcome, closed_at.")
    ],
    model: Annotated[
        Path | None, typer.Option("--model", help="A model folder (default: the rule prior).")
    ] = None,
    horizon: Annotated[
        float, typer.Option("--horizon", help="Judge each deal DAYS before it closed.")
    ] = 0.0,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write metrics.json and predictions.csv here.")
    ] = None,
    our_domain: OurDomain = None,
    me: Me = None,
) -> None:
    """Backtest a model, or the rule prior, on labeled deals as of each deal's cut-off."""
    from walkaway.train import evaluate as run_evaluate

    try:
        result = run_evaluate(
            paths,
            deals,
            model=model,
            horizon_days=horizon,
            out=out,
            our_domains=our_domain or (),
            me=me or (),
        )
    except WalkawayError as error:
        raise _fail(error) from None
    d = result["deals"]
    table = Table(
        title=f"Backtest on {d['used']} deals ({d['won']} won, {d['lost']} lost), "
        f"horizon {horizon:g} days, 95% intervals"
    )
    for column in ("", "ROC-AUC", "PR-AUC", "Brier"):
        table.add_column(column)
    for name, values in result["metrics"].items():
        table.add_row(
            name.replace("_", " "),
            *(
                _interval(values, result["intervals_95"], name, k)
                for k in ("roc_auc", "pr_auc", "brier")
            ),
        )
    out_console.print(table)
    w = result["walk_away"]
    out_console.print(
        f"walk_away reached on {w['lost_deals_flagged']} of {w['lost_deals']} lost deals, "
        f"median {w['median_lead_days']} days before the end; false walk-away rate on won deals: "
        f"{w['false_walk_away_rate_won']}",
        highlight=False,
    )
    if result.get("warning"):
        err_console.print(f"warning: {result['warning']}", highlight=False)
    if out is not None:
        out_console.print(f"Wrote {out}/metrics.json and {out}/predictions.csv", highlight=False)


@app.command()
def simulate(
    prospects: Annotated[int, typer.Option("--prospects", help="How many prospects to generate.")],
    seed: Annotated[int, typer.Option("--seed", help="Random seed: same seed, same bytes.")],
    out: Annotated[Path, typer.Option("--out", help="Output folder.")],
    jobs: Annotated[int | None, typer.Option("--jobs", help="Worker processes.")] = None,
) -> None:
    """Generate SYNTHETIC labeled deals: OUT/inbox.mbox, OUT/deals.csv, OUT/truth.json."""
    from walkaway.simulate import simulate as run_simulation

    try:
        result = run_simulation(out, prospects=prospects, seed=seed, jobs=jobs)
    except WalkawayError as error:
        raise _fail(error) from None
    out_console.print(
        f"Synthetic data (not real mail): {result.messages} messages for {result.prospects} "
        f"prospects in {result.mbox}; labels in {result.deals}",
        highlight=False,
    )


def _print_prospects(prospects, limit: int = 15) -> None:  # type: ignore[no-untyped-def]
    if prospects.empty:
        out_console.print("No prospects found (no exchange between our side and another company).")
        return
    table = Table(title="Prospects, most disengaged first", show_lines=False)
    for column, justify in (
        ("prospect", "left"),
        ("score", "right"),
        ("band", "left"),
        ("recommendation", "left"),
        ("top reasons", "left"),
    ):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for row in prospects.head(limit).itertuples():
        reasons = ", ".join(str(row.reasons).split(";")[:3]) if row.reasons else "-"
        table.add_row(
            str(row.prospect), f"{row.score:.0f}", str(row.band), str(row.recommendation), reasons
        )
    out_console.print(table)
    if len(prospects) > limit:
        out_console.print(f"... and {len(prospects) - limit} more in prospects.csv")


class _RateColumn(ProgressColumn):
    """Items or bytes per second, by the stage's unit."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        if speed is None:
            return Text("", style="progress.data.speed")
        if task.fields.get("unit") == "bytes":
            return Text(f"{speed / 1e6:,.1f} MB/s", style="progress.data.speed")
        return Text(
            f"{speed:,.0f} {task.fields.get('unit', 'items')}/s", style="progress.data.speed"
        )


class _CountColumn(ProgressColumn):
    def render(self, task: Task) -> Text:
        unit = task.fields.get("unit", "items")
        done = task.completed
        if unit == "bytes":
            text = f"{done / 1e6:,.0f} MB" + (
                f" of {task.total / 1e6:,.0f} MB" if task.total else ""
            )
        else:
            text = f"{done:,.0f}" + (f" of {task.total:,.0f}" if task.total else "") + f" {unit}"
        return Text(text, style="progress.download")


_UNITS = {
    "reading": "bytes",
    "checking cache": "bytes",
    "checking inputs": "bytes",
    "reading replies": "texts",
    "scoring": "prospects",
}


class _progress:
    """A Rich progress display on stderr for long runs, with rate and time left per stage;
    silent when stderr is not a terminal."""

    def __enter__(self):  # type: ignore[no-untyped-def]
        self._bar: Progress | None = None
        self._tasks: dict[str, TaskID] = {}
        if err_console.is_terminal:
            self._bar = Progress(
                SpinnerColumn(),
                TextColumn("{task.description:<16}"),
                BarColumn(),
                _CountColumn(),
                _RateColumn(),
                TimeRemainingColumn(),
                TimeElapsedColumn(),
                console=err_console,
                transient=True,
            )
            self._bar.__enter__()

        def update(stage: str, done: int, total: int | None) -> None:
            if self._bar is None:
                return
            task = self._tasks.get(stage)
            if task is None:
                for other in self._tasks.values():  # a new stage: the others are done
                    self._bar.update(other, visible=False)
                task = self._bar.add_task(stage, total=total, unit=_UNITS.get(stage, "items"))
                self._tasks[stage] = task
            self._bar.update(task, completed=done, total=total)

        return update

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)


def main() -> None:
    """Console-script entry point."""
    logging.basicConfig(level=logging.WARNING, format="walkaway: %(levelname)s: %(message)s")
    try:
        app()
    except KeyboardInterrupt:
        err_console.print("walkaway: interrupted")
        sys.exit(130)


if __name__ == "__main__":
    main()
