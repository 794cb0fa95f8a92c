"""A realistic export of a few thousand messages: every prospect with exact counts.

The simulator records, per prospect, how many messages and conversations it wrote; analyze
must find exactly those, with nothing quarantined and every item accounted for.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import walkaway
from walkaway.simulate import simulate

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict, walkaway.AnalysisResult]:
    folder = tmp_path_factory.mktemp("sim")
    simulate(folder, prospects=120, seed=11, jobs=1)
    truth = json.loads((folder / "truth.json").read_text())
    return folder, truth, walkaway.analyze([folder])


def test_simulated_export_is_a_few_thousand_messages(export):
    _, truth, result = export
    assert result.summary["parsed"] == truth["totals"]["messages"] >= 2000
    assert result.summary["quarantined"] == 0
    assert result.summary["inputs"] == result.summary["parsed"] + result.summary["duplicates"]


def test_simulated_own_side_is_inferred(export):
    _, truth, result = export
    assert truth["mailbox_owner"]["email"] in result.own.addresses


def test_every_simulated_prospect_has_exact_message_and_thread_counts(export):
    _, truth, result = export
    table = result.prospects.set_index("prospect")
    expected = {p["prospect"]: p for p in truth["prospects"]}
    assert set(table.index) == set(expected)
    wrong = {
        key: (
            int(table.loc[key, "n_messages"]),
            p["n_messages"],
            int(table.loc[key, "n_threads"]),
            p["n_threads"],
        )
        for key, p in expected.items()
        if (table.loc[key, "n_messages"], table.loc[key, "n_threads"])
        != (p["n_messages"], p["n_threads"])
    }
    assert not wrong
