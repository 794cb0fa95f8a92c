"""Bad user input gets a clear error, not a traceback: deals.csv for ``train`` and
``evaluate``, a rules file for ``analyze --rules``.

Each case goes through the command line and must end with exit code 2 and exactly one line
on stderr, ``walkaway: error: ...``, that names the row and column (or the rules table and
key), the value, and what was expected. The cases already covered at the library level in
tests/test_train.py and tests/test_rules.py (missing column, empty prospect, bad date,
conflicting outcomes, missing points, sign mismatch, missing file, unclosed table) are not
repeated; the command-line tests run in process, plus one real subprocess per command to
prove the installed entry point behaves the same.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import SAMPLES
from tests.robustness.cli import walkaway
from walkaway.cli import app
from walkaway.scoring.rules import default_rules_path, known_codes, load_rules
from walkaway.train import load_deals

BUILTIN_RULES = default_rules_path().read_text("utf-8")
HEADER = "prospect,outcome,closed_at\n"

# (case, file bytes, patterns the one error line must contain, in this order)
DEALS_CASES: list[tuple[str, bytes, list[str]]] = [
    ("empty file", b"", [r"the file is empty", r"expected a header row"]),
    ("only blank lines", b"\n\n  \n", [r"the file is empty"]),
    (
        "duplicate prospect, two closing dates",
        (HEADER + "acme.com,lost,2026-10-01\nbeta.io,won,\nACME.com,lost,2026-11-15\n").encode(),
        [r"row 4, column 'closed_at'", r"2026-11-15", r"2026-10-01 in row 2", r"expected one"],
    ),
    (
        "duplicate prospect by address and by domain",
        (HEADER + "jane@acme.com,won,\nacme.com,lost,\n").encode(),
        [r"row 3, column 'outcome'", r"'lost' here but 'won' in row 2"],
    ),
    (
        "not UTF-8 (Latin-1 from a spreadsheet)",
        (HEADER + "acme.com,won,\ncafé-crème.fr,lost,\n").encode("latin-1"),
        [r"row 3, column 'prospect'", r"not UTF-8", r"0xe9", r"save deals.csv as UTF-8"],
    ),
    (
        "not UTF-8 in a later column",
        (HEADER + "acme.com,perdu é,\n").encode("latin-1"),
        [r"row 2, column 'outcome'", r"not UTF-8"],
    ),
    (
        "UTF-16 with a byte-order mark",
        (HEADER + "acme.com,won,\n").encode("utf-16"),
        [r"row 1", r"not UTF-8", r"0xff"],
    ),
    (
        "more values than columns",
        (HEADER + "acme.com,won,2026-10-01\nAcme, Inc.,lost,2026-10-01,x\n").encode(),
        [r"row 3", r"5 values but the header has 3 columns", r"quote values"],
    ),
    (
        "a column twice",
        b"prospect,outcome,outcome\nacme.com,won,lost\n",
        [r"row 1", r"column 'outcome' appears twice"],
    ),
    (
        "unclosed quote",
        (HEADER + 'acme.com,won,\n"beta.io,lost,\n').encode(),
        [r"row 3", r"not valid CSV", r"unexpected end of data"],
    ),
    (
        "separated by semicolons",
        b"prospect;outcome;closed_at\nacme.com;won;2026-10-01\n",
        [r"row 1", r"missing column 'prospect'", r"separated by ';'"],
    ),
    (
        "not a domain or an address",
        (HEADER + "Acme Corporation,won,\n").encode(),
        [r"row 2, column 'prospect'", r"'Acme Corporation'", r"expected e.g. acme.com"],
    ),
    (
        "control characters in a prospect",
        (HEADER + "ac\x00me.com,won,\n").encode(),
        [r"row 2, column 'prospect'", r"expected e.g. acme.com"],
    ),
    (
        "a date that does not exist",
        (HEADER + "acme.com,won,2026-02-30\n").encode(),
        [r"row 2, column 'closed_at'", r"'2026-02-30'", r"expected e.g. 2026-10-21"],
    ),
]


def rules_with(old: str, new: str) -> str:
    assert old in BUILTIN_RULES, old
    return BUILTIN_RULES.replace(old, new, 1)


VAGUE = "[rules.vague]\npoints = 10\nmax_points = 20\n"

# (case, rules file text, patterns the one error line must contain)
RULES_CASES: list[tuple[str, str | bytes, list[str]]] = [
    (
        "syntax error",
        rules_with(VAGUE, "[rules.vague]\npoints = 10\nmax_points 20\n"),
        [r"not valid TOML", r"line \d+, column \d+"],
    ),
    (
        "unknown rule",
        BUILTIN_RULES + "\n[rules.vauge]\npoints = 10\n",
        [r"\[rules\.vauge\]", r"unknown reason code 'vauge'", r"did you mean 'vague'"],
    ),
    (
        "unknown key in a rule",
        rules_with(VAGUE, "[rules.vague]\npoints = 10\nmax_point = 20\n"),
        [r"\[rules\.vague\]", r"unknown key 'max_point'", r"expected points, max_points"],
    ),
    (
        "unknown table",
        rules_with("[recommendation]", "[recomendation]"),
        [r"unknown table \[recomendation\]", r"expected \[bands\], \[recommendation\]"],
    ),
    (
        "unknown code in a recommendation list",
        rules_with('escalate_codes = ["no_decision_maker"]', 'escalate_codes = ["no_decision"]'),
        [r"\[recommendation\] escalate_codes", r"unknown reason code 'no_decision'"],
    ),
    (
        "text where a weight goes",
        rules_with(VAGUE, '[rules.vague]\npoints = "ten"\nmax_points = 20\n'),
        [r"\[rules\.vague\] points = 'ten' \(str\)", r"expected a number from -100 to 100"],
    ),
    (
        "true where a weight goes",
        rules_with(VAGUE, "[rules.vague]\npoints = true\nmax_points = 20\n"),
        [r"\[rules\.vague\] points = True \(bool\)", r"expected a number"],
    ),
    (
        "a list where a score goes",
        rules_with("walk_away_score = 75", "walk_away_score = [75]"),
        [r"\[recommendation\] walk_away_score = \[75\] \(list\)", r"from 0 to 100"],
    ),
    (
        "a code where a list goes",
        rules_with(
            'escalate_codes = ["no_decision_maker"]', 'escalate_codes = "no_decision_maker"'
        ),
        [r"\[recommendation\] escalate_codes = 'no_decision_maker' \(str\)", r"expected a list"],
    ),
    (
        "a number where a table goes",
        "rules = 5\n[bands]\nlow = 0\n",
        [r"\[rules\] must be a table, not 5 \(int\)"],
    ),
    (
        "unknown kind",
        rules_with('kind = "timing"', 'kind = "urgent"'),
        [r"kind = 'urgent'", r"expected one of timing, language, positive"],
    ),
    (
        "weight out of range",
        rules_with(VAGUE, "[rules.vague]\npoints = 1000\nmax_points = 1000\n"),
        [r"\[rules\.vague\] points = 1000 is out of range", r"from -100 to 100"],
    ),
    (
        "negative cap out of range",
        rules_with(
            "[rules.multithreaded]\npoints = -10\nmax_points = -15",
            "[rules.multithreaded]\npoints = -10\nmax_points = -150",
        ),
        [r"\[rules\.multithreaded\] max_points = -150", r"out of range"],
    ),
    (
        "weight that is not a number (nan)",
        rules_with(VAGUE, "[rules.vague]\npoints = nan\nmax_points = 20\n"),
        [r"points = nan is out of range"],
    ),
    (
        "infinite weight",
        rules_with(VAGUE, "[rules.vague]\npoints = inf\nmax_points = inf\n"),
        [r"points = inf is out of range"],
    ),
    (
        "band threshold above 100",
        rules_with("critical = 75", "critical = 750"),
        [r"\[bands\] critical = 750 is out of range", r"from 0 to 100"],
    ),
    (
        "not UTF-8",
        rules_with("# walkaway's rule prior", "# caf\xe9 rules").encode("latin-1"),
        [r"line 1: not UTF-8 text \(byte 0xe9\)", r"save the rules file as UTF-8"],
    ),
]


def assert_one_error_line(exit_code: int, stdout: str, stderr: str, patterns: list[str]) -> str:
    """Exit 2, nothing on stdout, one stderr line ``walkaway: error: ...`` matching
    ``patterns`` in order; the line."""
    assert exit_code == 2, (exit_code, stdout, stderr)
    assert "Traceback" not in stdout + stderr
    assert stdout == ""
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    (line,) = lines
    assert line.startswith("walkaway: error: "), line
    position = 0
    for pattern in patterns:
        found = re.compile(pattern).search(line, position)
        assert found is not None, f"{pattern!r} not found (in order) in {line!r}"
        position = found.end()
    return line


def invoke(*args: str | Path) -> tuple[int, str, str]:
    """Run the command line in this process: (exit code, stdout, stderr)."""
    result = CliRunner().invoke(app, [str(a) for a in args])
    # An exception other than the exit is a crash, whatever the exit code says.
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    return result.exit_code, result.stdout, result.stderr


# ---------------------------------------------------------------------------------------
# deals.csv


@pytest.mark.parametrize(
    ("data", "patterns"), [c[1:] for c in DEALS_CASES], ids=[c[0] for c in DEALS_CASES]
)
@pytest.mark.parametrize("command", ["train", "evaluate"])
def test_bad_deals_file_is_one_clear_error(
    tmp_path: Path, command: str, data: bytes, patterns: list[str]
) -> None:
    deals = tmp_path / "deals.csv"
    deals.write_bytes(data)
    extra = ["--out", str(tmp_path / "model")] if command == "train" else []
    line = assert_one_error_line(
        *invoke(command, SAMPLES, "--deals", deals, *extra), [re.escape(str(deals)), *patterns]
    )
    assert len(line) < 400, line


def test_deals_file_is_checked_before_the_export_is_read(tmp_path: Path) -> None:
    """A typo in deals.csv costs a second, not an analysis of the whole export."""
    deals = tmp_path / "deals.csv"
    deals.write_bytes(HEADER.encode() + b"acme.com,won,2026-13-01\n")
    missing_export = tmp_path / "not-read"
    code, out, err = invoke("train", missing_export, "--deals", deals, "--out", tmp_path / "m")
    assert_one_error_line(code, out, err, [r"'2026-13-01' is not an ISO date"])


def test_outcomes_other_than_won_and_lost_are_skipped_with_a_warning_naming_them(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The contract ignores other outcomes; a typo or a CRM's own word must not vanish
    unnoticed, so the rows are named (open deals are skipped without a word)."""
    deals = tmp_path / "deals.csv"
    deals.write_text(
        HEADER + "acme.com,won,\nbeta.io,wonn,\ngamma.com,Closed Won,\ndelta.com,open,\n",
        encoding="utf-8",
    )
    with caplog.at_level(logging.WARNING, logger="walkaway.train"):
        table = load_deals(deals)
    assert list(table["prospect"]) == ["acme.com"]
    (warning,) = [r.getMessage() for r in caplog.records if "skipped" in r.getMessage()]
    assert "2 deal(s) skipped" in warning
    assert "row 3 'wonn'" in warning and "row 4 'Closed Won'" in warning
    assert "delta.com" not in warning and "open" not in warning.split("(")[1]


def test_open_deals_and_extra_columns_are_accepted(tmp_path: Path) -> None:
    deals = tmp_path / "deals.csv"
    deals.write_text(
        "Prospect,Outcome,Closed_At,owner,amount,synthetic\n"
        "acme.com,won,2026-10-01,ann,1000,\n"
        "beta.io,,,bob,,\n"  # still open: no outcome yet
        "gamma.com,Open,,bob,,\n"
        "delta.com,pending,,bob,,\n"
        ",,,,,\n"  # a row of separators only, as spreadsheets leave them
        "acme.com,won,2026-10-01,ann,1000,\n"  # the same deal listed twice
        "jane@gmail.com,LOST,2026-09-01T12:00:00+02:00,ann,,\n",
        encoding="utf-8",
    )
    table = load_deals(deals)
    assert list(table["prospect"]) == ["acme.com", "jane@gmail.com"]
    assert list(table["outcome"]) == ["won", "lost"]


def test_a_misspelt_closed_at_column_is_named(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    deals = tmp_path / "deals.csv"
    deals.write_text("prospect,outcome,close_date,notes\nacme.com,won,2026-10-01,x\n", "utf-8")
    with caplog.at_level(logging.WARNING, logger="walkaway.train"):
        table = load_deals(deals)
    assert table["closed_at"].isna().all()
    assert "column 'close_date' is ignored; did you mean 'closed_at'?" in caplog.text
    assert "notes" not in caplog.text


# ---------------------------------------------------------------------------------------
# rules file


@pytest.mark.parametrize(
    ("text", "patterns"), [c[1:] for c in RULES_CASES], ids=[c[0] for c in RULES_CASES]
)
def test_bad_rules_file_is_one_clear_error(
    tmp_path: Path, text: str | bytes, patterns: list[str]
) -> None:
    rules = tmp_path / "rules.toml"
    if isinstance(text, bytes):
        rules.write_bytes(text)
    else:
        rules.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    result = invoke("analyze", SAMPLES, "--out", out, "--rules", rules, "--no-cache")
    line = assert_one_error_line(*result, [re.escape(str(rules)), *patterns])
    assert len(line) < 600, line
    assert not (out / "prospects.csv").exists()


def test_the_builtin_rules_pass_their_own_validation(tmp_path: Path) -> None:
    """A copy of the shipped file, and a file with only some rules, are valid."""
    copy = tmp_path / "rules.toml"
    copy.write_text(BUILTIN_RULES, encoding="utf-8")
    assert load_rules(copy).rules == load_rules().rules
    assert set(load_rules().rules) == known_codes()
    partial = tmp_path / "partial.toml"
    partial.write_text("[bands]\nlow = 0\nhigh = 60\n[rules.vague]\npoints = 5.5\n", "utf-8")
    assert list(load_rules(partial).rules) == ["vague"]


# ---------------------------------------------------------------------------------------
# The real entry point


@pytest.mark.slow
@pytest.mark.parametrize("command", ["train", "analyze"])
def test_the_installed_command_prints_the_same_one_line(tmp_path: Path, command: str) -> None:
    if command == "train":
        data = tmp_path / "deals.csv"
        data.write_bytes((HEADER + "acme.com,won,\ncafé.fr,lost,\n").encode("latin-1"))
        args = ["train", SAMPLES, "--deals", data, "--out", tmp_path / "m"]
        patterns = [r"row 3, column 'prospect': not UTF-8"]
    else:
        data = tmp_path / "rules.toml"
        data.write_text(BUILTIN_RULES + "\n[rules.vauge]\npoints = 10\n", encoding="utf-8")
        args = ["analyze", SAMPLES, "--out", tmp_path / "out", "--rules", data]
        patterns = [r"unknown reason code 'vauge'"]
    result = walkaway(*args, env={"COLUMNS": "40"})  # a narrow terminal must not wrap it
    assert_one_error_line(result.returncode, result.stdout, result.stderr, patterns)
