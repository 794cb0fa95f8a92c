"""``render_reports``: every report page of an analyze output folder, from its files alone.

Writes ``DIR/report/index.html`` and, per prospect, ``DIR/report/prospects/<name>.html``,
``.md`` and ``.json``. The whole ``report/`` folder is built aside and swapped in at the end,
so a re-render (for instance with ``--redact``) never leaves a stale page of an earlier run.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
import time
import unicodedata
from pathlib import Path
from typing import Any

from walkaway.report.charts import bands_from_rules, sparkline_svg, timeline_svgs
from walkaway.report.data import load_output
from walkaway.report.facts import build_facts
from walkaway.report.html import display_title, render_index_html, render_prospect_html
from walkaway.report.markdown import render_prospect_markdown

logger = logging.getLogger(__name__)

REPORT_DIR = "report"
PROSPECTS_DIR = "prospects"

_FAITHFUL = re.compile(r"[a-z0-9][a-z0-9._+-]*(@[a-z0-9][a-z0-9.-]*)?")
_UNSAFE = re.compile(r"[^a-z0-9._+-]+")
_RESERVED = {
    "con",
    "prn",
    "aux",
    "nul",
    *(f"com{i}" for i in range(10)),
    *(f"lpt{i}" for i in range(10)),
    "index",
}


def safe_filename(prospect: str, *, limit: int = 80) -> str:
    """A file name stem for a prospect id that is safe on every file system and in a URL.

    Ids that are plain domains or addresses keep their readable form (``@`` becomes
    ``_at_``); anything else (path separators, dots at the start, control or non-ASCII
    characters, reserved device names, overlong ids) is reduced to a safe slug plus a short
    hash of the original, so two different ids never share a file.

    >>> safe_filename("corvane.com"), safe_filename("Jane.Doe@gmail.com")
    ('corvane.com', 'jane.doe_at_gmail.com-0d4f5ac8e5')
    """
    lowered = prospect.strip().lower()
    stem = lowered.replace("@", "_at_")
    faithful = (
        lowered == prospect
        and _FAITHFUL.fullmatch(lowered) is not None
        and ".." not in lowered
        and len(stem) <= limit
        and stem.split(".")[0] not in _RESERVED
        and not stem.endswith(".")
    )
    if faithful:
        return stem
    ascii_text = unicodedata.normalize("NFKD", lowered).encode("ascii", "ignore").decode()
    slug = _UNSAFE.sub("-", ascii_text.replace("@", "_at_")).strip("-._")
    if slug.split(".")[0] in _RESERVED:
        # Windows reads "nul.com-1a2b.html" as the device NUL, whatever follows the dot.
        slug = f"prospect-{slug}"
    slug = slug[: limit - 11]
    digest = hashlib.sha256(prospect.encode("utf-8")).hexdigest()[:10]
    return f"{slug}-{digest}" if slug else f"prospect-{digest}"


def _chart_input(facts: dict[str, Any]) -> dict[str, Any]:
    """Only what the timeline chart draws."""
    return {
        "prospect": facts["prospect"],
        "as_of": facts["as_of"],
        "stats": facts["stats"],
        "waits": facts["waits"],
        "trajectory": facts["trajectory"],
        "threads": [
            {
                "messages": [
                    {"date": m["date"], "direction": m["direction"], "calendar": m["calendar"]}
                    for m in thread["messages"]
                ]
            }
            for thread in facts["threads"]
        ],
    }


PARALLEL_CHARTS = 48
"""Below this many charts, starting worker processes costs more than it saves."""
_CHARTS_PER_TASK = 16


def render_charts(
    pages: list[dict[str, Any]], bands: list[tuple[str, float]], *, jobs: int | None = None
) -> list[str]:
    """Timeline SVGs for every prospect, in page order.

    A chart costs about a tenth of a second of matplotlib drawing: many of them are drawn in
    ``jobs`` worker processes (default: all cores). The SVGs are the same bytes whichever
    process draws them."""
    from walkaway.engine import LocalEngine

    inputs = [_chart_input(page) for page in pages]
    engine = LocalEngine(jobs)
    if engine.workers <= 1 or len(inputs) < PARALLEL_CHARTS:
        return timeline_svgs(inputs, bands)
    with engine:
        handles = [
            engine.submit(timeline_svgs, inputs[start : start + _CHARTS_PER_TASK], bands)
            for start in range(0, len(inputs), _CHARTS_PER_TASK)
        ]
        return [svg for handle in handles for svg in handle.result()]


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8", newline="\n")


def render_reports(out_dir: str | Path, *, redact: bool = False, jobs: int | None = None) -> Path:
    """Render the reports of an analyze output folder; return the path of ``index.html``.

    Reads only the folder's files (``walkaway report DIR`` re-renders without re-analysing).
    With ``redact``, addresses, phone numbers and personal names are masked in every page
    (the tables are left as they are; see :func:`walkaway.redact.redact_tables`). Charts are
    drawn by ``jobs`` worker processes (default: all cores) when there are many.

    >>> render_reports("out/demo")  # doctest: +SKIP
    PosixPath('out/demo/report/index.html')
    """
    started = time.perf_counter()
    out = Path(out_dir)
    folder = load_output(out)
    if redact and not folder.redacted:
        from walkaway.redact import Redactor

        folder = Redactor.for_folder(folder).redact_folder(folder)
    facts = build_facts(folder)
    scoring = facts.summary.get("scoring") or {}
    bands = bands_from_rules(scoring.get("source") if scoring.get("kind") == "rules" else None)

    names: dict[str, str] = {}
    used: set[str] = set()
    for page in facts.prospects:
        name = safe_filename(page["prospect"])
        if name in used:  # only possible for ids that differ in case alone
            name = f"{name}-{hashlib.sha256(page['prospect'].encode()).hexdigest()[:10]}"
        used.add(name)
        names[page["prospect"]] = name
    charts = render_charts(facts.prospects, bands, jobs=jobs)
    sparks = {
        p["prospect"]: sparkline_svg([t["score"] for t in p["trajectory"]], p["band"])
        for p in facts.prospects
    }
    links = {prospect: f"{PROSPECTS_DIR}/{name}.html" for prospect, name in names.items()}

    staging = Path(tempfile.mkdtemp(dir=out, prefix=".report-"))
    try:
        # mkdtemp makes the folder private (0700); give it the mode a plain mkdir would.
        mask = os.umask(0)
        os.umask(mask)
        staging.chmod(0o777 & ~mask)
        pages_dir = staging / PROSPECTS_DIR
        pages_dir.mkdir()
        for page, chart in zip(facts.prospects, charts, strict=True):
            name = names[page["prospect"]]
            files = {"html": f"{name}.html", "md": f"{name}.md", "json": f"{name}.json"}
            title, people = display_title(page)
            page_out = {**page, "file": name, "title": title, "people": people}
            _write(
                pages_dir / files["html"],
                render_prospect_html(
                    page, chart=chart, files=files, scoring=scoring, redacted=facts.redacted
                ),
            )
            _write(
                pages_dir / files["md"],
                render_prospect_markdown(page, title=title, people=people, files=files),
            )
            _write(
                pages_dir / files["json"],
                json.dumps(page_out, indent=1, ensure_ascii=False, default=str) + "\n",
            )
        index = staging / "index.html"
        _write(
            index,
            render_index_html(
                facts.summary, facts.prospects, links, sparks, redacted=facts.redacted
            ),
        )
        target = out / REPORT_DIR
        previous = None
        if target.exists():
            previous = out / f".report-old-{os.getpid()}"
            target.rename(previous)
        staging.rename(target)
        if previous is not None:
            shutil.rmtree(previous, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    logger.info(
        "rendered %d prospect pages in %.1f s", len(facts.prospects), time.perf_counter() - started
    )
    return target / "index.html"
