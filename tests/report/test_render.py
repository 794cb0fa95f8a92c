"""Rendering the reports from an analyze output folder: files, facts, safety of names."""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path

import lxml.html
import pandas as pd
import pytest

from walkaway.errors import UsageError
from walkaway.report.render import render_reports, safe_filename


@pytest.fixture
def rendered(sample_report: Path) -> Path:
    return sample_report


def _pages(out: Path) -> list[Path]:
    return sorted((out / "report" / "prospects").glob("*.html"))


def test_render_writes_index_and_html_md_json_per_prospect(rendered: Path):
    prospects = pd.read_csv(rendered / "prospects.csv")
    pages = _pages(rendered)
    assert len(pages) == len(prospects) == 12
    for page in pages:
        assert page.with_suffix(".md").is_file()
        assert page.with_suffix(".json").is_file()
    assert (rendered / "report" / "index.html").stat().st_size > 5000


def test_index_ranks_every_prospect_and_links_to_its_page(rendered: Path):
    prospects = pd.read_csv(rendered / "prospects.csv")
    tree = lxml.html.parse(str(rendered / "report" / "index.html"))
    rows = tree.xpath("//tr[@class='prospect']")
    assert [float(r.get("data-score")) for r in rows] == prospects["score"].tolist()
    assert [r.get("data-rec") for r in rows] == prospects["recommendation"].tolist()
    for row in rows:
        href = row.xpath(".//a/@href")[0]
        assert (rendered / "report" / href).is_file(), href
        assert row.xpath(".//svg[@class='spark']"), "every row has a sparkline"
    options = tree.xpath("//select[@id='f-rec']/option/@value")
    assert set(options) == {"", "walk_away", "escalate", "re_engage", "keep_going"}


def test_pages_are_self_contained_with_a_strict_csp(rendered: Path):
    for page in [rendered / "report" / "index.html", *_pages(rendered)]:
        text = page.read_text("utf-8")
        tree = lxml.html.fromstring(text)
        head = tree.find("head")
        assert head[1].get("http-equiv") == "Content-Security-Policy", page
        csp = head[1].get("content")
        assert "default-src 'none'" in csp and "unsafe-eval" not in csp
        assert re.search(r"script-src 'sha256-[A-Za-z0-9+/=]+'", csp)
        # Nothing that could load: no external resources of any kind.
        assert not tree.xpath("//img|//iframe|//link|//object|//embed|//base|//video|//audio")
        for url in tree.xpath(
            "//@src|//@href|//@xlink:href", namespaces={"xlink": "http://www.w3.org/1999/xlink"}
        ):
            assert not re.match(r"^\s*(https?:|//|javascript:|data:)", url, re.I), (page, url)
        assert len(tree.xpath("//script")) == 1
        assert "@import" not in text
        assert not re.search(r"url\(\s*['\"]?(?!#)", text), "only in-page url(#id) references"


def test_every_id_is_unique_and_every_evidence_link_has_a_target(rendered: Path):
    for page in _pages(rendered):
        tree = lxml.html.parse(str(page))
        ids = tree.xpath("//@id")
        assert len(ids) == len(set(ids)), page
        targets = set(ids)
        for href in tree.xpath("//a/@href"):
            if href.startswith("#"):
                assert href[1:] in targets, (page, href)


def _html_facts(page: Path) -> dict:
    tree = lxml.html.parse(str(page))
    reasons = {
        r.get("data-code"): float(r.get("data-contribution"))
        for r in tree.xpath("//article[contains(@class, 'reason')]")
    }
    quotes = [" ".join(q.text_content().split()) for q in tree.xpath("//span[@class='quote']")]
    return {
        "score": tree.xpath("string(//*[@id='score'])").split("/")[0].strip(),
        "band": tree.xpath("string(//*[@id='band'])").strip(),
        "recommendation": tree.xpath("string(//*[@id='recommendation']/@data-code)"),
        "reasons": reasons,
        "quotes": quotes,
        "message": tree.xpath("string(//*[@id='next-body'])"),
        "crm": tree.xpath("string(//*[@id='crm-note'])"),
        "n_messages": len(tree.xpath("//article[contains(@class, 'msg')]")),
    }


def _md_plain(text: str) -> str:
    """Markdown as the words a reader sees: escapes and entities undone."""
    return html.unescape(re.sub(r"\\([\\`*_\[\]#|~+\-=.)!])", r"\1", text))


def test_markdown_and_json_state_the_same_facts_as_the_html(rendered: Path):
    for page in _pages(rendered):
        facts = _html_facts(page)
        data = json.loads(page.with_suffix(".json").read_text("utf-8"))
        markdown = page.with_suffix(".md").read_text("utf-8")
        plain = _md_plain(markdown)

        assert facts["score"] == f"{data['score']:.0f}"
        assert facts["band"] == data["band"]
        assert facts["recommendation"] == data["recommendation"]
        json_reasons = {r["code"]: r["contribution"] for r in data["reasons"] + data["positives"]}
        assert facts["reasons"] == pytest.approx(json_reasons)
        assert facts["message"] == data["next_message"]["body"]
        assert facts["crm"] == data["crm_note"]["text"]
        assert facts["n_messages"] == data["stats"]["n_messages"]
        json_quotes = [
            " ".join((e["quote"] + (f" → {e['period']}" if e["period"] else "")).split())
            for r in data["reasons"] + data["positives"]
            for e in r["evidence"]
        ]
        assert facts["quotes"] == json_quotes

        assert f"score **{data['score']:.0f}**/100" in markdown
        assert f"band **{data['band']}**" in markdown
        for code, contribution in json_reasons.items():
            assert f"(`{code}`, {contribution:+.1f})" in markdown
        for reason in data["reasons"] + data["positives"]:
            for item in reason["evidence"]:
                assert " ".join(item["quote"].split()) in plain, (page.name, item["quote"])
        assert data["next_message"]["body"] in markdown  # fenced, verbatim
        assert data["crm_note"]["text"] in markdown


def test_json_evidence_matches_signals_csv(rendered: Path):
    signals = pd.read_csv(rendered / "signals.csv", keep_default_na=False)
    for page in _pages(rendered):
        data = json.loads(page.with_suffix(".json").read_text("utf-8"))
        expected = signals[signals["prospect"] == data["prospect"]]
        shown = [
            (r["code"], e["message_id"])
            for r in data["reasons"] + data["positives"]
            for e in r["evidence"]
        ]
        codes = {r["code"] for r in data["reasons"] + data["positives"]}
        wanted = [
            (row.signal, row.message_id) for row in expected.itertuples() if row.signal in codes
        ]
        assert sorted(shown) == sorted(wanted), data["prospect"]


def test_rendering_twice_gives_the_same_bytes(rendered: Path, tmp_path: Path):
    again = tmp_path / "again"
    shutil.copytree(rendered, again)
    render_reports(again)
    for path in (rendered / "report").rglob("*"):
        if path.is_file():
            twin = again / "report" / path.relative_to(rendered / "report")
            assert twin.read_bytes() == path.read_bytes(), path.name


def test_rerendering_leaves_no_stale_page(rendered: Path, tmp_path: Path):
    out = tmp_path / "out"
    shutil.copytree(rendered, out)
    stale = out / "report" / "prospects" / "gone-prospect.com.html"
    stale.write_text("old")
    render_reports(out)
    assert not stale.exists()
    assert not list(out.glob(".report-*")), "no staging folder is left behind"


def test_a_folder_that_is_not_an_analyze_output_is_a_usage_error(tmp_path: Path):
    with pytest.raises(UsageError, match="analyze"):
        render_reports(tmp_path)
    with pytest.raises(UsageError, match="no such folder"):
        render_reports(tmp_path / "missing")


@pytest.mark.parametrize(
    ("prospect", "expected"),
    [
        ("corvane.com", "corvane.com"),
        ("feldmann-praezision.de", "feldmann-praezision.de"),
        ("elena.marchetti.analytics@gmail.com", "elena.marchetti.analytics_at_gmail.com"),
    ],
)
def test_safe_filename_keeps_plain_ids_readable(prospect: str, expected: str):
    assert safe_filename(prospect) == expected


@pytest.mark.parametrize(
    "prospect",
    [
        "../../etc/passwd",
        "..",
        ".hidden.com",
        "a/b.com",
        "a\\b.com",
        "con",
        "index",
        "Upper.com",
        "x" * 300 + ".com",
        "<script>alert(1)</script>@gmail.com",
        "名前@例え.jp",
        "tab\there.com",
        "",
    ],
)
def test_safe_filename_never_escapes_the_folder(prospect: str):
    name = safe_filename(prospect)
    assert re.fullmatch(r"[a-z0-9][a-z0-9._+-]*", name), name
    assert ".." not in name and len(name) <= 100
    assert name.split(".")[0] not in {"con", "index"}
    # Different ids never share a file.
    assert name != safe_filename(prospect + "x")


def test_hostile_prospect_id_gets_a_safe_page_inside_the_report(rendered: Path, tmp_path: Path):
    out = tmp_path / "out"
    shutil.copytree(rendered, out)
    hostile = "../../evil/<script>x</script>"
    prospects = pd.read_csv(out / "prospects.csv", dtype=str, keep_default_na=False)
    original = prospects.loc[0, "prospect"]
    prospects.loc[0, "prospect"] = hostile
    prospects.to_csv(out / "prospects.csv", index=False)
    scores = json.loads((out / "scores.json").read_text())
    for entry in scores["prospects"]:
        if entry["prospect"] == original:
            entry["prospect"] = hostile
    (out / "scores.json").write_text(json.dumps(scores))
    messages = pd.read_parquet(out / "messages.parquet")
    messages["prospects"] = messages["prospects"].map(
        lambda ps: [hostile if p == original else p for p in ps]
    )
    messages.to_parquet(out / "messages.parquet")

    render_reports(out)
    files = {p.name for p in (out / "report" / "prospects").iterdir()}
    assert len(files) == 36
    assert not (tmp_path / "evil").exists() and not (out / "evil").exists()
    page = next(p for p in (out / "report" / "prospects").glob("evil*.html"))
    text = page.read_text("utf-8")
    assert "<script>x</script>" not in text and "&lt;script&gt;x&lt;/script&gt;" in text


def test_scores_json_features_keep_their_types(sample_output: Path):
    """Counts are JSON numbers, missing values null, dates ISO text: the same values as the
    prospects' features, not their string forms."""
    scores = json.loads((sample_output / "scores.json").read_text())
    prospects = pd.read_csv(sample_output / "prospects.csv")
    assert len(scores["prospects"]) == len(prospects)
    for entry in scores["prospects"]:
        features = entry["features"]
        assert isinstance(features["n_messages"], int) and features["n_messages"] >= 1
        assert isinstance(features["n_inbound"], int)
        assert isinstance(features["n_outbound"], int)
        assert features["n_inbound"] + features["n_outbound"] <= features["n_messages"]
        for name in ("first_contact", "last_contact"):
            assert pd.Timestamp(features[name]).tzinfo is not None
        for value in features.values():
            assert value != "nan" and value != "NaT"
            assert not (isinstance(value, float) and value != value)
        row = prospects.loc[prospects["prospect"] == entry["prospect"]].iloc[0]
        assert row["n_prospect_messages"] == features["n_inbound"]
