"""A headless Chromium driven over the DevTools protocol, with the standard library only.

Chromium is started with ``--remote-debugging-pipe``: it reads protocol commands from file
descriptor 3 and writes responses and events to descriptor 4, NUL-separated JSON. One reader
thread collects everything; :meth:`Browser.open` loads a page in a fresh tab and returns what
happened there: console messages, exceptions, log entries and every network request.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import queue
import shutil
import signal
import tempfile
import threading
import time
from dataclasses import dataclass, field
from typing import Any

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--mute-audio",
    "--hide-scrollbars",
    "--remote-debugging-pipe",
]


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    return None


@dataclass
class PageRun:
    """What happened while one page was loaded and inspected."""

    url: str
    events: list[dict[str, Any]] = field(default_factory=list)
    screenshot: bytes = b""

    def of(self, method: str) -> list[dict[str, Any]]:
        return [e["params"] for e in self.events if e.get("method") == method]

    @property
    def requests(self) -> list[str]:
        return [e["request"]["url"] for e in self.of("Network.requestWillBeSent")]

    @property
    def errors(self) -> list[str]:
        """Console errors, uncaught exceptions and error-level log entries (CSP included)."""
        found = []
        for params in self.of("Runtime.consoleAPICalled"):
            if params.get("type") in ("error", "assert"):
                found.append(
                    " ".join(str(a.get("value", a.get("description"))) for a in params["args"])
                )
        for params in self.of("Runtime.exceptionThrown"):
            found.append(json.dumps(params["exceptionDetails"])[:500])
        for params in self.of("Log.entryAdded"):
            if params["entry"].get("level") == "error":
                found.append(params["entry"].get("text", ""))
        return found


class Browser:
    """One headless Chromium process; pages are opened in fresh tabs."""

    def __init__(self, executable: str) -> None:
        self._profile = tempfile.mkdtemp(prefix="walkaway-chromium-")
        to_browser_read, to_browser_write = os.pipe()
        from_browser_read, from_browser_write = os.pipe()
        # Keep our ends away from 3 and 4, so the dup2 below always makes fresh,
        # inheritable descriptors 3 and 4 in the child.
        child_in = fcntl.fcntl(to_browser_read, fcntl.F_DUPFD_CLOEXEC, 10)
        child_out = fcntl.fcntl(from_browser_write, fcntl.F_DUPFD_CLOEXEC, 10)
        os.close(to_browser_read)
        os.close(from_browser_write)
        devnull = os.open(os.devnull, os.O_RDWR)
        args = [executable, *FLAGS, f"--user-data-dir={self._profile}", "about:blank"]
        self._pid = os.posix_spawn(
            executable,
            args,
            os.environ,
            file_actions=[
                (os.POSIX_SPAWN_DUP2, devnull, 0),
                (os.POSIX_SPAWN_DUP2, devnull, 1),
                (os.POSIX_SPAWN_DUP2, devnull, 2),
                (os.POSIX_SPAWN_DUP2, child_in, 3),
                (os.POSIX_SPAWN_DUP2, child_out, 4),
            ],
            setsid=True,
        )
        for fd in (child_in, child_out, devnull):
            os.close(fd)
        self._write = to_browser_write
        self._read = from_browser_read
        self._next_id = 0
        self._lock = threading.Lock()
        self._responses: dict[int, queue.Queue[dict[str, Any]]] = {}
        self._events: list[dict[str, Any]] = []
        self._reader = threading.Thread(target=self._read_loop, daemon=True)
        self._reader.start()
        self.send("Target.setDiscoverTargets", {"discover": False}, timeout=30)

    def _read_loop(self) -> None:
        buffer = b""
        while True:
            try:
                chunk = os.read(self._read, 1 << 16)
            except OSError:
                return
            if not chunk:
                return
            buffer += chunk
            while b"\0" in buffer:
                raw, buffer = buffer.split(b"\0", 1)
                message = json.loads(raw)
                if "id" in message:
                    with self._lock:
                        box = self._responses.get(message["id"])
                    if box is not None:
                        box.put(message)
                else:
                    with self._lock:
                        self._events.append(message)

    def send(
        self,
        method: str,
        params: dict[str, Any] | None = None,
        *,
        session: str | None = None,
        timeout: float = 20,
    ) -> dict[str, Any]:
        with self._lock:
            self._next_id += 1
            ident = self._next_id
            box: queue.Queue[dict[str, Any]] = queue.Queue()
            self._responses[ident] = box
        message: dict[str, Any] = {"id": ident, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._write, json.dumps(message).encode() + b"\0")
        try:
            response = box.get(timeout=timeout)
        except queue.Empty as error:
            raise TimeoutError(f"no answer to {method} within {timeout} s") from error
        finally:
            with self._lock:
                self._responses.pop(ident, None)
        if "error" in response:
            raise RuntimeError(f"{method}: {response['error']}")
        return response.get("result", {})

    def _session_events(self, session: str) -> list[dict[str, Any]]:
        with self._lock:
            return [e for e in self._events if e.get("sessionId") == session]

    def open(
        self,
        url: str,
        *,
        width: int = 1280,
        height: int = 900,
        mobile: bool = False,
        checks: dict[str, str] | None = None,
        actions: list[str] = (),  # type: ignore[assignment]
        screenshot: bool = True,
        settle: float = 0.3,
    ) -> tuple[PageRun, dict[str, Any]]:
        """Load ``url`` in a fresh tab; run ``actions`` (JS), then evaluate ``checks`` (name ->
        JS expression returning JSON-able values); return the run and the check results."""
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        try:
            for domain in ("Page", "Runtime", "Network", "Log"):
                self.send(f"{domain}.enable", session=session)
            self.send(
                "Emulation.setDeviceMetricsOverride",
                {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile},
                session=session,
            )
            self.send("Page.navigate", {"url": url}, session=session)
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                if any(
                    e.get("method") == "Page.loadEventFired" for e in self._session_events(session)
                ):
                    break
                time.sleep(0.02)
            else:
                raise TimeoutError(f"{url} did not finish loading")
            time.sleep(settle)  # late requests (lazy images, timers) get a chance to start
            for action in actions:
                self.evaluate(session, action)
            results = {name: self.evaluate(session, expr) for name, expr in (checks or {}).items()}
            run = PageRun(url=url)
            if screenshot:
                data = self.send(
                    "Page.captureScreenshot", {"format": "png"}, session=session, timeout=30
                )["data"]
                run.screenshot = base64.b64decode(data)
            time.sleep(0.05)
            run.events = self._session_events(session)
            return run, results
        finally:
            self.send("Target.closeTarget", {"targetId": target})

    def evaluate(self, session: str, expression: str) -> Any:
        result = self.send(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": True},
            session=session,
        )
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression[:80]}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def close(self) -> None:
        with contextlib.suppress(OSError, TimeoutError, RuntimeError):
            self.send("Browser.close", timeout=5)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            pid, _ = os.waitpid(self._pid, os.WNOHANG)
            if pid:
                break
            time.sleep(0.05)
        else:
            os.killpg(self._pid, signal.SIGKILL)
            os.waitpid(self._pid, 0)
        for fd in (self._write, self._read):
            with contextlib.suppress(OSError):
                os.close(fd)
        shutil.rmtree(self._profile, ignore_errors=True)
