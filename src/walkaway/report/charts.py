"""Charts as inline SVG: the deal timeline (matplotlib) and the index sparklines.

The timeline is one figure with three panels on a shared date axis: the messages both ways,
how long the prospect kept us waiting before each reply (and the wait still open), and the
weekly score with its bands. Sharing the axis is the point: it shows the score climbing as
the silence starts. Output is deterministic (fixed hash salt per chart, no dates in the
metadata) so re-rendering the same folder gives the same bytes.

Sparklines are a handful of numbers each, drawn as a bare SVG polyline: a matplotlib figure
per index row would cost a tenth of a second and tens of kilobytes for a 100x24 line.
"""

from __future__ import annotations

import io
import logging
import re
from datetime import datetime, timedelta
from typing import Any

import matplotlib

matplotlib.use("Agg")

from matplotlib import dates as mdates
from matplotlib.figure import Figure
from matplotlib.ticker import NullLocator

from walkaway.report.facts import parse_time

logger = logging.getLogger(__name__)

BAND_COLORS = {
    "low": "#2e7d32",
    "medium": "#b28704",
    "high": "#e65100",
    "critical": "#c62828",
}
_BAND_FILLS = {
    "low": "#e8f5e9",
    "medium": "#fff8e1",
    "high": "#fff0e0",
    "critical": "#fdecea",
}
US, THEM, MACHINE, OPEN = "#1565c0", "#00897b", "#9e9e9e", "#c62828"

_SVG_HEADER = re.compile(r"^.*?(?=<svg\b)", re.S)
_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.S)
# matplotlib's `*{stroke-linejoin...}` rule would apply to the whole HTML page once inlined;
# the page's stylesheet sets the same on `svg.chart *` instead.
_GLOBAL_STYLE = re.compile(r"<style[^>]*>\*\{[^}]*\}</style>\s*")
_SIZE = re.compile(r'<svg\b([^>]*?)\swidth="[^"]*"\s+height="[^"]*"')

RC: Any = {  # Any: matplotlib types rc keys as a Literal of every known name
    "svg.fonttype": "none",  # text stays text: smaller, selectable, styled by the page
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans", "Arial", "Helvetica"],
    "font.size": 8.5,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": "#777777",
    "axes.labelcolor": "#333333",
    "xtick.color": "#555555",
    "ytick.color": "#555555",
}


def bands_from_rules(source: str | None) -> list[tuple[str, float]]:
    """Band lower bounds, highest first, from the rules file that scored the folder."""
    from walkaway.errors import WalkawayError
    from walkaway.scoring.rules import load_rules

    try:
        rules = load_rules(None if source in (None, "", "builtin") else source)
    except WalkawayError:
        logger.info("rules file %s not readable; using the built-in bands", source)
        rules = load_rules()
    return list(rules.bands)


def _svg_text(figure: Figure, salt: str, label: str, css_class: str) -> str:
    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": salt}):
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    svg = _METADATA.sub("", _SVG_HEADER.sub("", buffer.getvalue(), count=1))
    svg = _GLOBAL_STYLE.sub("", svg, count=1)
    # Scale with the page: drop the fixed size, keep the viewBox.
    svg = _SIZE.sub(r"<svg\1", svg, count=1)
    label = label.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    return svg.replace(
        "<svg ",
        f'<svg class="chart {css_class}" role="img" aria-label="{label}" '
        'preserveAspectRatio="xMidYMid meet" ',
        1,
    ).strip()


def timeline_svg(facts: dict[str, Any], bands: list[tuple[str, float]]) -> str:
    """The deal timeline of one prospect as an inline ``<svg>`` element (a string)."""
    as_of = parse_time(facts["as_of"])
    dated = _dated(_all_messages(facts), "date")
    trajectory = _dated(facts["trajectory"], "as_of")
    moments = [moment for moment, _ in dated] + [moment for moment, _ in trajectory]
    if as_of is not None:
        moments.append(as_of)
    if not moments:
        return ""
    start, end = min(moments), max(moments)
    pad = max((end - start) * 0.03, timedelta(days=1))

    with matplotlib.rc_context(RC):
        canvas = _canvas()
        axes_messages, axes_waits, axes_score = canvas.axes
        try:
            _messages_panel(axes_messages, dated)
            _waits_panel(axes_waits, facts["waits"], as_of)
            _score_panel(axes_score, trajectory, bands)
            # One date axis, drawn once: the upper panels get the same limits and no ticks
            # of their own (shared date ticks were the costliest part of drawing).
            limits = (mdates.date2num(start - pad), mdates.date2num(end + pad))
            for axes in canvas.axes:
                axes.set_xlim(*limits)
            locator = mdates.AutoDateLocator(minticks=4, maxticks=9)
            axes_score.xaxis.set_major_locator(locator)
            axes_score.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
            if as_of is not None:
                for axes in canvas.axes:
                    axes.axvline(as_of, color="#444444", linewidth=0.8, linestyle=":", zorder=1)
                axes_messages.annotate(
                    "as of",
                    (as_of, 1.0),
                    xycoords=("data", "axes fraction"),
                    xytext=(0, 2),
                    textcoords="offset points",
                    ha="center",
                    va="bottom",
                    fontsize=7,
                    color="#444444",
                )
            label = (
                f"Timeline: {facts['stats']['n_from_us']} messages from us, "
                f"{facts['stats']['n_from_prospect']} from the prospect; reply waits; "
                "weekly score"
            )
            return _svg_text(
                canvas.figure, f"timeline-{facts['prospect']}", label, "chart-timeline"
            )
        finally:
            canvas.clear()


def timeline_svgs(inputs: list[dict[str, Any]], bands: list[tuple[str, float]]) -> list[str]:
    """:func:`timeline_svg` of each of ``inputs``, in order (a task for worker processes)."""
    return [timeline_svg(facts, bands) for facts in inputs]


class _Canvas:
    """One figure with the three panels, built once per process and reused chart after
    chart: creating axes and their ticks was a third of the time of every chart. Only the
    artists a chart adds are removed afterwards; limits and ticks are set by every chart."""

    def __init__(self) -> None:
        self.figure = Figure(figsize=(7.4, 4.1))
        self.figure.subplots_adjust(left=0.1, right=0.985, top=0.93, bottom=0.09, hspace=0.42)
        self.axes = tuple(
            self.figure.subplots(3, 1, gridspec_kw={"height_ratios": [1.0, 1.7, 1.7]})
        )
        messages, waits, score = self.axes
        _title(messages, "Messages both ways")
        _title(waits, "How long the prospect kept us waiting before each reply (days)")
        _title(score, "Disengagement score, week by week")
        messages.set_ylim(-0.6, 1.6)
        messages.set_yticks([0.0, 1.0], ["prospect", "us"])
        messages.tick_params(axis="y", length=0)
        messages.spines["left"].set_visible(False)
        waits.grid(axis="y", color="#eeeeee", linewidth=0.6)
        score.set_ylabel("score", fontsize=7.5)
        for axes in (messages, waits):
            axes.xaxis.set_major_locator(NullLocator())
            axes.xaxis.set_minor_locator(NullLocator())
        self._static = [set(axes.get_children()) for axes in self.axes]

    def clear(self) -> None:
        for axes, static in zip(self.axes, self._static, strict=True):
            for artist in axes.get_children():
                if artist not in static:
                    artist.remove()


_CANVAS: list[_Canvas] = []


def _canvas() -> _Canvas:
    if not _CANVAS:
        _CANVAS.append(_Canvas())
    return _CANVAS[0]


def _title(axes: Any, text: str) -> None:
    # A plain text artist: Axes.set_title re-measures every axis to place itself, which was
    # a third of the drawing time.
    axes.text(0.0, 1.04, text, transform=axes.transAxes, fontsize=8.5, color="#333333")


def _dated(items: list[dict[str, Any]], key: str) -> list[tuple[datetime, dict[str, Any]]]:
    pairs = []
    for item in items:
        moment = parse_time(item[key])
        if moment is not None:
            pairs.append((moment, item))
    return pairs


def _all_messages(facts: dict[str, Any]) -> list[dict[str, Any]]:
    return [m for thread in facts["threads"] for m in thread["messages"]]


def _messages_panel(axes: Any, dated: list[tuple[datetime, dict[str, Any]]]) -> None:
    rows = {"outbound": 1.0, "inbound": 0.0, "auto_reply": 0.0, "bounce": 0.0}
    styles = {
        "outbound": {"color": US, "marker": "o", "label": "us"},
        "inbound": {"color": THEM, "marker": "o", "label": "prospect"},
        "auto_reply": {"color": MACHINE, "marker": "o", "label": "auto-reply"},
        "bounce": {"color": OPEN, "marker": "x", "label": "bounce"},
    }
    for direction, style in styles.items():
        points = [moment for moment, m in dated if m["direction"] == direction]
        if not points:
            continue
        if direction == "bounce":
            axes.scatter(points, [0.0] * len(points), s=26, marker="x", color=OPEN, zorder=3)
            continue
        axes.scatter(
            points,
            [rows[direction]] * len(points),
            s=22,
            marker=style["marker"],
            facecolors="none" if direction == "auto_reply" else style["color"],
            edgecolors=style["color"],
            linewidths=1.0,
            alpha=0.85,
            zorder=3,
        )
    cancels = [
        m
        for m in dated
        if m[1]["calendar"].startswith(("cancel", "counter")) or "declined" in m[1]["calendar"]
    ]
    if cancels:
        axes.scatter(
            [moment for moment, _ in cancels],
            [0.0] * len(cancels),
            s=60,
            marker="s",
            facecolors="none",
            edgecolors=OPEN,
            linewidths=1.0,
            zorder=4,
        )


def _waits_panel(axes: Any, waits: dict[str, Any], as_of: datetime | None) -> None:
    replies = [(parse_time(r["date"]), r["days"]) for r in waits["replies"]]
    replies = [(moment, value) for moment, value in replies if moment is not None]
    top = max([value for _, value in replies] + [1.0])
    if replies:
        moments = [moment for moment, _ in replies]
        values = [value for _, value in replies]
        axes.vlines(moments, 0, values, color=THEM, linewidth=1.4, alpha=0.8)
        axes.scatter(moments, values, s=14, color=THEM, zorder=3)
    open_wait = waits.get("open")
    if open_wait and as_of is not None:
        since = parse_time(open_wait["since"])
        if since is not None:
            days = float(open_wait["days"])
            top = max(top, days)
            # The open wait grows by one day per day: a rising line up to the as-of date.
            axes.plot([since, as_of], [0, days], color=OPEN, linewidth=1.4, linestyle="--")
            axes.scatter([as_of], [days], s=18, color=OPEN, zorder=3)
            axes.annotate(
                f"waiting {days:.0f} d",
                (as_of, days),
                xytext=(-4, 3),
                textcoords="offset points",
                ha="right",
                va="bottom",
                fontsize=7.5,
                color=OPEN,
            )
    median = waits.get("median_days")
    if median:
        axes.axhline(median, color=THEM, linewidth=0.7, linestyle=":", alpha=0.9)
        axes.annotate(
            f"median {median:.1f} d",
            (0.0, median),
            xycoords=("axes fraction", "data"),
            xytext=(2, 2),
            textcoords="offset points",
            fontsize=7,
            color=THEM,
        )
    axes.set_ylim(0, top * 1.25)


def _score_panel(
    axes: Any,
    trajectory: list[tuple[datetime, dict[str, Any]]],
    bands: list[tuple[str, float]],
) -> None:
    upper = 100.0
    for name, lower in bands:
        axes.axhspan(lower, upper, color=_BAND_FILLS.get(name, "#f5f5f5"), zorder=0, lw=0)
        if lower > 0:
            axes.axhline(lower, color="#dddddd", linewidth=0.6, zorder=0)
        upper = lower
    if trajectory:
        moments = [moment for moment, _ in trajectory]
        scores = [float(p["score"]) for _, p in trajectory]
        axes.plot(moments, scores, color="#333333", linewidth=1.3, zorder=2)
        axes.scatter(
            moments,
            scores,
            s=16,
            c=[BAND_COLORS.get(p["band"], "#333333") for _, p in trajectory],
            zorder=3,
        )
    axes.set_ylim(0, 100)
    axes.set_yticks(sorted({0.0, 100.0, *(lower for _, lower in bands)}))


def sparkline_svg(scores: list[float], band: str, *, width: int = 96, height: int = 22) -> str:
    """A tiny inline SVG line of weekly scores (0-100), the last point in its band's colour."""
    if not scores:
        return ""
    pad = 2.5
    step = (width - 2 * pad) / max(len(scores) - 1, 1)
    points = [
        (pad + i * step, pad + (height - 2 * pad) * (1 - max(0.0, min(100.0, s)) / 100))
        for i, s in enumerate(scores)
    ]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    last_x, last_y = points[-1]
    colour = BAND_COLORS.get(band, "#333333")
    title = f"Score by week: {scores[0]:.0f} to {scores[-1]:.0f}"
    return (
        f'<svg class="spark" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{title}"><title>{title}</title>'
        f'<line x1="0" y1="{height - pad:.1f}" x2="{width}" y2="{height - pad:.1f}" '
        'stroke="#e0e0e0" stroke-width="1"/>'
        f'<polyline fill="none" stroke="#555" stroke-width="1.3" points="{path}"/>'
        f'<circle cx="{last_x:.1f}" cy="{last_y:.1f}" r="2.6" fill="{colour}"/></svg>'
    )
