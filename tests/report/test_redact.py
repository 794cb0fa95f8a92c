"""--redact: addresses, phone numbers and personal names masked in reports and tables."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from walkaway.redact import Redactor, mask_phones, redact_tables
from walkaway.report.data import load_output
from walkaway.report.render import render_reports


def _people(out: Path) -> tuple[set[str], set[str]]:
    """Every address and every name token (>= 3 letters) the sample's headers carry."""
    messages = pd.read_parquet(out / "messages.parquet")
    addresses = set(messages["sender"]) | {a for row in messages["to"] for a in row}
    addresses |= {a for row in messages["cc"] for a in row}
    names = set()
    for name in messages.loc[messages["direction"] != "bounce", "sender_name"]:
        names |= {t for t in re.findall(r"[^\W\d_]{3,}", name) if t[0].isupper()}
    # Words that are names here but also ordinary words or our own labels.
    names -= {"The", "Pipeline", "Brief", "Price", "Mail", "Delivery", "Subsystem"}
    return {a for a in addresses if a}, names


@pytest.fixture(scope="module")
def redacted_report(sample_output: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("redacted") / "out"
    shutil.copytree(sample_output, out)
    render_reports(out, redact=True)
    return out


def test_redacted_pages_carry_no_address_phone_or_header_name(
    redacted_report: Path, sample_output: Path
):
    addresses, names = _people(sample_output)
    assert len(addresses) > 30 and len(names) > 30
    report = redacted_report / "report"
    files = list(report.rglob("*.*"))
    assert len(files) == 1 + 3 * 12
    text = "\n".join(path.read_text("utf-8") for path in files)
    leaked_addresses = sorted(a for a in addresses if a in text)
    assert leaked_addresses == []
    leaked_names = sorted(n for n in names if re.search(rf"(?<![\w-]){re.escape(n)}\b", text))
    assert leaked_names == []
    assert "555-01" not in text, "phone numbers from signatures are masked"
    assert "[phone]" in text
    assert "Redacted for sharing" in (report / "index.html").read_text("utf-8")


def test_redaction_keeps_the_facts_and_the_company_domains(
    redacted_report: Path, sample_report: Path
):
    plain = {
        json.loads(p.read_text())["prospect"]: json.loads(p.read_text())
        for p in (sample_report / "report" / "prospects").glob("*.json")
    }
    masked = {
        json.loads(p.read_text())["prospect"]: json.loads(p.read_text())
        for p in (redacted_report / "report" / "prospects").glob("*.json")
    }
    assert {k for k in plain if "@" not in k} == {k for k in masked if "@" not in k}
    # The free-mail prospect's id is an address: it is masked, and so is its file name.
    (free,) = [k for k in masked if "@" in k]
    assert re.fullmatch(r"person-\d+@gmail\.com", free)
    assert not list((redacted_report / "report" / "prospects").glob("elena*"))
    for prospect, page in masked.items():
        original = plain.get(prospect) or plain["elena.marchetti.analytics@gmail.com"]
        assert page["score"] == original["score"]
        assert page["recommendation"] == original["recommendation"]
        assert [r["code"] for r in page["reasons"]] == [r["code"] for r in original["reasons"]]


def test_pseudonyms_are_consistent_across_addresses_names_and_greetings(sample_output: Path):
    folder = load_output(sample_output)
    redactor = Redactor.for_folder(folder)
    address = redactor.address("greg.halvorsen@corvane.com")
    number = re.fullmatch(r"person-(\d+)@corvane\.com", address)[1]
    assert redactor.text("Halvorsen, Greg") == f"Person {number}"
    assert redactor.text("Greg Halvorsen wrote") == f"Person {number} wrote"
    assert redactor.text("Hi Greg,") == f"Hi Person {number},"
    assert redactor.text("Greg's team") == f"Person {number}'s team"
    assert redactor.text("mail greg.halvorsen@corvane.com now") == f"mail {address} now"
    # Names seen only inside an address are masked too (first.last@).
    assert "Hannah" not in redactor.text("Hannah Price is taking over")
    # Redacting twice changes nothing.
    once = redactor.text("Hi Greg, call +1 (617) 555-0142 or greg.halvorsen@corvane.com")
    assert redactor.text(once) == once


def test_dates_and_amounts_are_not_taken_for_phone_numbers():
    kept = [
        "on 2026-10-12 at 10:00",
        "until 13.11.2026",
        "budget 1,200,000",
        "invoice 12345678",
        "May 3, 2026",
        "2026-2027",
    ]
    for text in kept:
        assert mask_phones(text) == text
    for text in ["+1 (617) 555-0142", "617-555-0142", "+49 40 1234 5678", "0171 2345678"]:
        assert mask_phones(f"call {text} today") == "call [phone] today"


def test_redact_tables_rewrites_every_table_and_marks_the_summary(
    sample_output: Path, tmp_path: Path
):
    out = tmp_path / "out"
    shutil.copytree(sample_output, out)
    addresses, names = _people(sample_output)
    redact_tables(out)
    summary = json.loads((out / "summary.json").read_text())
    assert summary["redacted"] is True
    assert all(a.startswith("person-") for a in summary["own_side"]["addresses"])
    for name in ("prospects.csv", "signals.csv", "quarantine.csv", "scores.json"):
        text = (out / name).read_text("utf-8")
        assert not [a for a in addresses if a in text], name
        assert not [n for n in names if re.search(rf"\b{re.escape(n)}\b", text)], name
    messages = pd.read_parquet(out / "messages.parquet")
    before = pd.read_parquet(sample_output / "messages.parquet")
    assert len(messages) == len(before)
    assert (messages["id"] == before["id"]).all(), "ids stay: the tables still join"
    assert messages["sender"].str.match(r"^(person-\d+@|$)").all()
    for column in ("text", "subject", "signature", "sender_name", "source"):
        joined = "\n".join(messages[column].astype(str))
        assert not [a for a in addresses if a in joined], column
    threads = pd.read_parquet(out / "threads.parquet")
    assert all(a.startswith("person-") for row in threads["participants"] for a in row)
    # The same people keep the same pseudonyms in tables and pages, and it is idempotent.
    snapshot = (out / "prospects.csv").read_bytes()
    redact_tables(out)
    assert (out / "prospects.csv").read_bytes() == snapshot
    index = render_reports(out)
    prospects = pd.read_csv(out / "prospects.csv")
    html = index.read_text("utf-8")
    for prospect in prospects["prospect"]:
        assert prospect in html
