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
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

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
        int | None, typer.Option("--jobs", help="Worker processes. Default: all cores.")
    ] = None,
    engine: Annotated[str, typer.Option("--engine", help="local or dask.")] = "local",
    no_report: Annotated[
        bool, typer.Option("--no-report", help="Skip the HTML/Markdown reports.")
    ] = False,
) -> None:
    """Analyze exports and write prospects.csv, signals.csv, messages/threads Parquet,
    quarantine.csv and summary.json to --out."""
    from walkaway.analysis import analyze as run_analysis
    from walkaway.report.tables import write_tables

    if engine != "local":
        raise _fail(WalkawayError(f"--engine {engine}: only 'local' is available in this version"))
    try:
        with _progress() as update:
            result = run_analysis(
                paths,
                our_domains=our_domain or (),
                me=me or (),
                as_of=as_of,
                model=model,
                rules=rules,
                progress=update,
            )
        write_tables(result, out)
    except WalkawayError as error:
        raise _fail(error) from None

    summary = result.summary
    own = result.own
    if not (our_domain or me):
        err_console.print(f"Our side ({own.how}): {own.describe()}", highlight=False)
    _print_prospects(result.prospects)
    out_console.print(
        f"{summary['parsed']} messages parsed, {summary['duplicates']} duplicates, "
        f"{summary['quarantined']} quarantined (of {summary['inputs']}); "
        f"{summary['threads']} threads, {summary['prospects']} prospects; as of {summary['as_of']}",
        highlight=False,
    )
    out_console.print(f"Results: {out}/", highlight=False)


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


class _progress:
    """A Rich progress display on stderr for long runs; silent when stderr is not a terminal."""

    def __enter__(self):  # type: ignore[no-untyped-def]
        self._bar: Progress | None = None
        if err_console.is_terminal:
            self._bar = Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                BarColumn(),
                TextColumn("{task.completed} items"),
                TimeElapsedColumn(),
                console=err_console,
                transient=True,
            )
            self._bar.__enter__()
            self._task = self._bar.add_task("reading", total=None)

        def update(stage: str, done: int, total: int | None) -> None:
            if self._bar is not None:
                self._bar.update(self._task, description=stage, completed=done, total=total)

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
