"""The reports in a real headless Chromium: they render, work, fit a phone, print, and stay
inert under hostile email content (no script runs, no request leaves the page).

Skipped when Chromium is absent; WALKAWAY_REQUIRE_CHROMIUM=1 (CI) turns the skip into a
failure.
"""

from __future__ import annotations

import io
import json
import re
import time
from pathlib import Path

import pytest
from PIL import Image, ImageStat

from tests.report.chromium import Browser, PageRun
from tests.report.conftest import RecordingServer, analyze_to
from tests.report.payloads import payloads, write_payload_export
from walkaway.report.render import render_reports

# Everything a hostile page might have left behind in the DOM or the window.
INERT_CHECKS = {
    "pwned": "typeof window.__pwned === 'undefined' ? null : String(window.__pwned)",
    "scripts": "document.scripts.length",
    "loaders": "document.querySelectorAll('img,iframe,link,object,embed,base,video,audio,"
    'source,meta[http-equiv]:not([http-equiv="Content-Security-Policy"])\').length',
    "handlers": "[...document.querySelectorAll('*')].filter(e => [...e.attributes].some("
    "a => a.name.startsWith('on'))).length",
    "js_links": "[...document.querySelectorAll('[href]')].filter(e => "
    "/^\\s*javascript:/i.test(e.getAttribute('href'))).length",
    "text": "document.body.innerText",
    "url": "location.href",
}


def assert_non_blank(png: bytes) -> None:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    assert image.width > 300 and image.height > 300
    stats = ImageStat.Stat(image.convert("L"))
    assert stats.stddev[0] > 15, "the page is not a blank or flat screen"
    colors = image.resize((image.width // 4, image.height // 4)).getcolors(maxcolors=1 << 16)
    assert colors is None or len(colors) > 40


def assert_clean(run: PageRun, page: Path) -> None:
    assert run.errors == [], run.errors
    assert run.requests == [page.as_uri()], "the page loads nothing but itself"


@pytest.fixture(scope="module")
def index_page(sample_report: Path) -> Path:
    return sample_report / "report" / "index.html"


def test_index_renders_with_every_prospect_and_no_errors(
    chromium: Browser, index_page: Path, tmp_path: Path
):
    run, found = chromium.open(
        index_page.as_uri(),
        checks={
            "rows": "document.querySelectorAll('tr.prospect').length",
            "sparks": "document.querySelectorAll('tr.prospect svg.spark polyline').length",
            "links": "[...document.querySelectorAll('tr.prospect a')].map(a => a.href)",
            "shown": "document.getElementById('shown').textContent",
            "counts": "document.getElementById('counts').innerText",
        },
    )
    assert_clean(run, index_page)
    assert_non_blank(run.screenshot)
    (tmp_path / "index.png").write_bytes(run.screenshot)
    assert found["rows"] == found["sparks"] == 12
    assert found["shown"] == "12 of 12 shown", "the filter script ran"
    assert "Walk away" in found["counts"] and "Keep going" in found["counts"]
    assert all(link.startswith("file://") and link.endswith(".html") for link in found["links"])


def test_index_filters_by_band_and_recommendation_and_sorts(
    chromium: Browser, index_page: Path, sample_report: Path
):
    import pandas as pd

    prospects = pd.read_csv(sample_report / "prospects.csv")
    visible = "[...document.querySelectorAll('tr.prospect')].filter(r => !r.hidden)"
    set_select = (
        "(() => {{ const s = document.getElementById('{id}'); s.value = '{value}'; "
        "s.dispatchEvent(new Event('change')); }})()"
    )
    run, found = chromium.open(
        index_page.as_uri(),
        screenshot=False,
        actions=[set_select.format(id="f-rec", value="walk_away")],
        checks={"walk_away": f"{visible}.map(r => r.dataset.rec)"},
    )
    assert found["walk_away"] == ["walk_away"] * int(
        (prospects.recommendation == "walk_away").sum()
    )
    run, found = chromium.open(
        index_page.as_uri(),
        screenshot=False,
        actions=[
            set_select.format(id="f-band", value="low"),
            "document.querySelector('th[data-key=score] button').click()",
        ],
        checks={
            "bands": f"{visible}.map(r => r.dataset.band)",
            "sorted": "[...document.querySelectorAll('tr.prospect')].map(r => +r.dataset.score)",
            "aria": "document.querySelector('th[data-key=score]').getAttribute('aria-sort')",
        },
    )
    assert found["bands"] == ["low"] * int((prospects.band == "low").sum())
    assert found["aria"] == "descending"
    assert found["sorted"] == sorted(found["sorted"], reverse=True)
    assert run.errors == []


def test_every_prospect_page_renders_its_verdict_reasons_charts_and_message(
    chromium: Browser, sample_report: Path, tmp_path: Path
):
    pages = sorted((sample_report / "report" / "prospects").glob("*.html"))
    assert len(pages) == 12
    for number, page in enumerate(pages):
        data = json.loads(page.with_suffix(".json").read_text("utf-8"))
        run, found = chromium.open(
            page.as_uri(),
            screenshot=number < 2,
            checks={
                "score": "document.getElementById('score').textContent",
                "recommendation": "document.getElementById('recommendation').dataset.code",
                "reasons": "document.querySelectorAll('article.reason').length",
                "quotes": "document.querySelectorAll('article.reason .quote').length",
                "chart": "(() => { const s = document.querySelector('svg.chart-timeline'); "
                "const r = s.getBoundingClientRect(); return [r.width, r.height, "
                "s.querySelectorAll('path').length]; })()",
                "message": "document.getElementById('next-body').innerText",
                "messages": "document.querySelectorAll('article.msg').length",
                "copy_buttons": "[...document.querySelectorAll('button.copy')].filter("
                "b => !b.hidden).length",
                "folded": "[...document.querySelectorAll('article.msg details')].every("
                "d => !d.open)",
            },
        )
        assert_clean(run, page)
        if run.screenshot:
            assert_non_blank(run.screenshot)
            (tmp_path / f"{page.stem}.png").write_bytes(run.screenshot)
        assert found["score"].startswith(f"{data['score']:.0f}")
        assert found["recommendation"] == data["recommendation"]
        assert found["reasons"] == len(data["reasons"]) + len(data["positives"])
        assert found["quotes"] == sum(
            len(r["evidence"]) for r in data["reasons"] + data["positives"]
        )
        width, height, paths = found["chart"]
        assert width > 500 and height > 250 and paths > 20, "the timeline chart is drawn"
        assert found["message"].strip() == data["next_message"]["body"].strip()
        assert found["messages"] == data["stats"]["n_messages"]
        assert found["copy_buttons"] == 2, "the page script ran under the CSP"
        assert found["folded"], "quoted history starts folded"


@pytest.mark.parametrize("which", ["index.html", "prospects/corvane.com.html"])
def test_pages_fit_a_phone_screen(
    chromium: Browser, sample_report: Path, which: str, tmp_path: Path
):
    page = sample_report / "report" / which
    run, found = chromium.open(
        page.as_uri(),
        width=390,
        height=844,
        mobile=True,
        checks={
            "scroll_width": "document.documentElement.scrollWidth",
            "inner_width": "window.innerWidth",
            "body_font": "getComputedStyle(document.body).fontSize",
        },
    )
    assert_clean(run, page)
    assert_non_blank(run.screenshot)
    (tmp_path / "phone.png").write_bytes(run.screenshot)
    assert found["scroll_width"] <= found["inner_width"], "no sideways scrolling at phone width"


def test_prospect_page_prints_to_pdf(chromium: Browser, sample_report: Path):
    page = sample_report / "report" / "prospects" / "corvane.com.html"
    target = chromium.send("Target.createTarget", {"url": page.as_uri()})["targetId"]
    session = chromium.send("Target.attachToTarget", {"targetId": target, "flatten": True})[
        "sessionId"
    ]
    try:
        deadline = time.monotonic() + 30
        # The new tab starts on about:blank, which is "complete" at once: wait for the page.
        loaded = 'location.protocol === "file:" && document.readyState === "complete"'
        while not chromium.evaluate(session, loaded):
            assert time.monotonic() < deadline, "the page did not finish loading"
            time.sleep(0.05)
        pdf = chromium.send(
            "Page.printToPDF", {"printBackground": True}, session=session, timeout=30
        )["data"]
    finally:
        chromium.send("Target.closeTarget", {"targetId": target})
    import base64

    data = base64.b64decode(pdf)
    assert data.startswith(b"%PDF") and len(data) > 20_000
    assert len(re.findall(rb"/Type\s*/Page\b", data)) >= 2


# --- hostile content -------------------------------------------------------------------


@pytest.fixture(scope="module")
def payload_report(
    recording_server: RecordingServer, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    folder = tmp_path_factory.mktemp("payloads")
    export = write_payload_export(folder / "in", recording_server.url)
    out = analyze_to([export], folder / "out", our_domains=("lumora.io",))
    render_reports(out)
    return out


def _payload_pages(out: Path) -> list[Path]:
    return [out / "report" / "index.html", *sorted((out / "report" / "prospects").glob("*.html"))]


def test_payloads_reach_every_part_of_the_report(payload_report: Path, recording_server):
    data = json.loads(
        next((payload_report / "report" / "prospects").glob("*.json")).read_text("utf-8")
    )
    script = payloads(recording_server.url)["script"]
    assert data["recommendation"] == "walk_away"
    assert script in data["threads"][0]["subject"]
    assert any("<svg onload" in e["quote"] for r in data["reasons"] for e in r["evidence"])
    assert script in data["next_message"]["subject"]
    assert any("<img" in c["name"] for c in data["contacts"])


@pytest.mark.parametrize("csp", ["with_csp", "without_csp"])
def test_no_payload_runs_and_no_request_leaves_the_page(
    chromium: Browser,
    payload_report: Path,
    recording_server: RecordingServer,
    tmp_path: Path,
    csp: str,
):
    pages = _payload_pages(payload_report)
    if csp == "without_csp":
        # Escaping alone must hold: the same pages with the Content-Security-Policy removed.
        copies = []
        for page in pages:
            copy = tmp_path / page.relative_to(payload_report / "report")
            copy.parent.mkdir(parents=True, exist_ok=True)
            text = page.read_text("utf-8")
            stripped = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", text)
            assert stripped != text
            copy.write_text(stripped, "utf-8")
            copies.append(copy)
        pages = copies
    assert len(pages) == 2
    for page in pages:
        run, found = chromium.open(page.as_uri(), checks=INERT_CHECKS, settle=0.6)
        assert found["pwned"] is None, f"a payload ran in {page.name}: {found['pwned']}"
        assert found["url"] == page.as_uri(), "no redirect"
        assert found["scripts"] == 1, "only the page's own script"
        assert found["loaders"] == 0 and found["handlers"] == 0 and found["js_links"] == 0
        assert recording_server.hits == [], recording_server.hits
        assert_clean(run, page)
        assert_non_blank(run.screenshot)
        if page.name != "index.html":
            # The payloads are shown as text, exactly as written.
            assert "<script>window.__pwned='script'" in found["text"]
            assert "<svg onload=" in found["text"]


def test_markdown_shows_payloads_as_text(payload_report: Path):
    markdown = next((payload_report / "report" / "prospects").glob("*.md")).read_text("utf-8")
    outside_fences = re.sub(r"```+text\n.*?\n```+", "", markdown, flags=re.S)
    assert "<script" not in outside_fences and "<img" not in outside_fences
    assert "&lt;script&gt;" in outside_fences
    assert "\\[click\\](http" in outside_fences
    assert not re.search(r"(?<!\\)\]\(http", outside_fences), "no Markdown links from email content"


def test_the_harness_sees_a_script_and_a_request_when_there_is_one(
    chromium: Browser, recording_server: RecordingServer, tmp_path: Path
):
    """Control: an unescaped payload in a page without CSP is caught by every check used above,
    so their silence on the real pages means something."""
    base = recording_server.url
    page = tmp_path / "control.html"
    page.write_text(
        f'<!doctype html><p>control</p><img src="{base}/control-img">'
        f"<script>window.__pwned='control'</script>",
        "utf-8",
    )
    before = len(recording_server.hits)
    run, found = chromium.open(page.as_uri(), checks=INERT_CHECKS, settle=0.6)
    assert found["pwned"] == "control"
    assert recording_server.hits[before:] == ["/control-img"]
    assert f"{base}/control-img" in run.requests
    del recording_server.hits[before:]
