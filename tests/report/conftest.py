"""Fixtures for the report tests: analyze output folders built by the real pipeline, and a
headless Chromium (skipped when absent, a failure when WALKAWAY_REQUIRE_CHROMIUM=1)."""

from __future__ import annotations

import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

import walkaway
from tests.conftest import SAMPLES
from tests.report.chromium import Browser, find_chromium
from walkaway.report.render import render_reports
from walkaway.report.tables import write_tables

REQUIRE_CHROMIUM = os.environ.get("WALKAWAY_REQUIRE_CHROMIUM") == "1"


def analyze_to(paths: list[Path], out: Path, **options: object) -> Path:
    """Run the pipeline and write the output folder exactly as ``walkaway analyze`` does."""
    result = walkaway.analyze(paths, **options)  # type: ignore[arg-type]
    write_tables(result, out)
    return out


@pytest.fixture(scope="session")
def sample_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The analyze output of data/samples (tables only; tests render what they need)."""
    return analyze_to([SAMPLES], tmp_path_factory.mktemp("samples") / "out")


@pytest.fixture(scope="session")
def sample_report(sample_output: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the sample output folder with its reports rendered."""
    out = tmp_path_factory.mktemp("rendered") / "out"
    shutil.copytree(sample_output, out)
    index = render_reports(out)
    assert index == out / "report" / "index.html"
    return out


class RecordingServer:
    """A local HTTP server that records every request: the proof that nothing left a page."""

    def __init__(self) -> None:
        hits: list[str] = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                hits.append(self.path)
                self.send_response(204)
                self.end_headers()

            do_POST = do_GET

            def log_message(self, *args: object) -> None:
                pass

        self.hits = hits
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture(scope="session")
def recording_server() -> Iterator[RecordingServer]:
    server = RecordingServer()
    yield server
    server.close()


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    executable = find_chromium()
    if executable is None:
        message = "chromium is not installed (Debian: apt-get install chromium)"
        if REQUIRE_CHROMIUM:
            pytest.fail(message + "; WALKAWAY_REQUIRE_CHROMIUM=1 requires it")
        pytest.skip(message)
    browser = Browser(executable)
    yield browser
    browser.close()
