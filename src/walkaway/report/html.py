"""HTML pages: Jinja2 templates with autoescaping, inline CSS, SVG and script, and a CSP.

Every string that came from an email (subjects, names, bodies, evidence) reaches the page
only through Jinja2's autoescape. As a second wall, each page carries a Content-Security-
Policy that allows no network access at all and only the page's own inline script, by hash:
even a payload that slipped through escaping could neither run nor fetch anything.
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache
from importlib import resources
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from walkaway import __version__
from walkaway.report.facts import BANDS, REASON_LABELS, RECOMMENDATIONS, parse_time

DIRECTION_LABELS = {
    "inbound": "from the prospect",
    "outbound": "from us",
    "auto_reply": "automatic reply",
    "bounce": "bounce",
    "internal": "internal",
    "unknown": "unknown direction",
}


def _asset(name: str) -> str:
    return resources.files("walkaway.report").joinpath("templates", name).read_text("utf-8")


def content_security_policy(script: str) -> str:
    """No network, no plugins, no forms; inline styles (the SVG charts need them) and only
    the given inline script, allowed by its SHA-256."""
    sources = ["'none'"]
    if script:
        digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
        sources = [f"'sha256-{digest}'"]
    return "; ".join(
        [
            "default-src 'none'",
            f"script-src {' '.join(sources)}",
            "style-src 'unsafe-inline'",
            "img-src data:",
            "base-uri 'none'",
            "form-action 'none'",
            "object-src 'none'",
        ]
    )


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The template environment: autoescape on for every template, undefined is an error."""
    env = Environment(
        loader=PackageLoader("walkaway.report", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return env


@lru_cache(maxsize=1)
def _assets() -> dict[str, str]:
    return {name: _asset(name) for name in ("report.css", "index.js", "prospect.js")}


def _page(template: str, script_name: str, context: dict[str, Any]) -> str:
    assets = _assets()
    script = assets[script_name] if script_name else ""
    scoring = context.get("scoring") or {}
    scoring_text = (
        f"a trained model ({scoring.get('source', '')})"
        if scoring.get("kind") == "model"
        else "the rule prior"
    )
    as_of = parse_time(context.get("as_of"))
    return (
        environment()
        .get_template(template)
        .render(
            csp=content_security_policy(script),
            css=Markup(assets["report.css"]),  # our own file, not data
            script=Markup(script),
            version=__version__,
            as_of_day=as_of.date().isoformat() if as_of else "",
            **{**context, "scoring": scoring_text},
        )
    )


def display_title(facts: dict[str, Any]) -> tuple[str, str]:
    """Page title and the people line: the company domain with its contacts, or the person
    with their address for a free-mail prospect."""
    prospect = facts["prospect"]
    names = [c["name"] or c["email"] for c in facts["contacts"]]
    if "@" in prospect:
        name = facts["contacts"][0]["name"] if facts["contacts"] else ""
        return (name or prospect), (prospect if name else "")
    people = ", ".join(names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")
    return prospect, people


def _silence_days(facts: dict[str, Any]) -> int | None:
    value = facts["features"].get("days_since_prospect_reply")
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if number != number else round(number)


def index_rows(pages: list[dict[str, Any]], links: dict[str, str], sparks: dict[str, str]):  # type: ignore[no-untyped-def]
    """One row per prospect for the index table (rank order kept)."""
    rows = []
    for facts in pages:
        title, people = display_title(facts)
        last = parse_time(facts["stats"]["last_prospect_reply"])
        reasons = [r["label"] for r in facts["top_reasons"]]
        search = " ".join(
            [title, people, facts["prospect"], facts["recommendation_label"], facts["band"]]
            + reasons
            + [r["code"] for r in facts["reasons"]]
        ).lower()
        rows.append(
            {
                "title": title,
                "people": people,
                "href": links[facts["prospect"]],
                "score": facts["score"],
                "band": facts["band"],
                "recommendation": facts["recommendation"],
                "recommendation_label": facts["recommendation_label"],
                "headline": facts["headline"],
                "top_reasons": facts["top_reasons"],
                "sparkline": Markup(sparks.get(facts["prospect"], "")),  # built from numbers
                "last_reply": last.date().isoformat() if last else "",
                "silence_days": _silence_days(facts) if last else None,
                "n_messages": facts["stats"]["n_messages"],
                "n_from_prospect": facts["stats"]["n_from_prospect"],
                "n_from_us": facts["stats"]["n_from_us"],
                "search": search,
            }
        )
    return rows


def render_index_html(
    summary: dict[str, Any],
    pages: list[dict[str, Any]],
    links: dict[str, str],
    sparks: dict[str, str],
    *,
    redacted: bool = False,
) -> str:
    """The ranked, sortable, filterable index of all prospects."""
    return _page(
        "index.html.j2",
        "index.js",
        {
            "summary": summary,
            "rows": index_rows(pages, links, sparks),
            "recommendations": [(k, v[0]) for k, v in RECOMMENDATIONS.items()],
            "bands": BANDS,
            "redacted": redacted,
            "as_of": summary.get("as_of"),
            "scoring": summary.get("scoring"),
            "page_class": "index",
        },
    )


def render_prospect_html(
    facts: dict[str, Any],
    *,
    chart: str,
    files: dict[str, str],
    scoring: dict[str, Any] | None = None,
    redacted: bool = False,
) -> str:
    """One prospect's page: verdict, next message, reasons with evidence, timeline chart,
    post-mortem and the thread view."""
    title, people = display_title(facts)
    last = parse_time(facts["stats"]["last_prospect_reply"])
    first = parse_time(facts["stats"]["first_contact"])
    contributions = [abs(r["contribution"]) for r in facts["reasons"] + facts["positives"]]
    return _page(
        "prospect.html.j2",
        "prospect.js",
        {
            "p": facts,
            "title": title,
            "people": people,
            "chart": Markup(chart),  # matplotlib SVG: numbers and dates only, XML-escaped
            "files": files,
            "last_reply": last.date().isoformat() if last else "",
            "silence_days": _silence_days(facts) if last else None,
            "first_contact": first.date().isoformat() if first else "",
            "max_contribution": max([*contributions, 1.0]),
            "labels": REASON_LABELS,
            "positive_codes": {r["code"] for r in facts["positives"]},
            "direction_labels": DIRECTION_LABELS,
            "redacted": redacted,
            "as_of": facts["as_of"],
            "scoring": scoring,
            "page_class": "prospect",
        },
    )
