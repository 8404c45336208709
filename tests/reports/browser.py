"""A real headless Chromium, driven over the DevTools protocol on a pipe (no extra package).

``open_page(path)`` starts Debian's ``chromium`` with ``--remote-debugging-pipe`` (commands
on fd 3, events on fd 4, NUL-separated JSON), opens the file in a phone-sized window and
reports what happened: every request the page made, console messages and uncaught errors,
log entries (a Content-Security-Policy refusal is one), the texts of the elements a
selector finds that are really visible, and a PNG screenshot of the whole page.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@dataclass
class PageVisit:
    requests: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    visible: list[str] = field(default_factory=list)
    screenshot: bytes = b""


class _Pipe:
    def __init__(self, write_fd: int, read_fd: int) -> None:
        self.write = os.fdopen(write_fd, "wb", buffering=0)
        self.read = os.fdopen(read_fd, "rb", buffering=0)
        self.buffer = b""
        self.next_id = 0
        self.events: list[dict[str, Any]] = []

    def _message(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self.buffer:
            if time.monotonic() > deadline:
                raise TimeoutError("chromium did not answer")
            chunk = self.read.read(65536)
            if not chunk:
                raise RuntimeError("chromium closed the pipe")
            self.buffer += chunk
        raw, self.buffer = self.buffer.split(b"\0", 1)
        message: dict[str, Any] = json.loads(raw)
        return message

    def call(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        self.next_id += 1
        ident = self.next_id
        message: dict[str, Any] = {"id": ident, "method": method, "params": params}
        if session is not None:
            message["sessionId"] = session
        self.write.write(json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + 30
        while True:
            got = self._message(deadline)
            if got.get("id") == ident:
                if "error" in got:
                    raise RuntimeError(f"{method}: {got['error']}")
                result: dict[str, Any] = got.get("result", {})
                return result
            self.events.append(got)

    def wait_for(self, method: str, timeout: float = 30) -> None:
        if any(e.get("method") == method for e in self.events):
            return
        deadline = time.monotonic() + timeout
        while True:
            got = self._message(deadline)
            self.events.append(got)
            if got.get("method") == method:
                return


def _high(*fds: int) -> tuple[int, ...]:
    """The descriptors moved above 10, so that placing them at 3 and 4 clobbers none."""
    moved = tuple(fcntl.fcntl(fd, fcntl.F_DUPFD, 10) for fd in fds)
    for fd in fds:
        os.close(fd)
    return moved


def open_page(path: Path, selector: str, width: int = 412, height: int = 900) -> PageVisit:
    """Load ``path`` in headless Chromium and report what the page did (see the module)."""
    assert CHROMIUM is not None
    to_chrome_r, to_chrome_w = _high(*os.pipe())
    from_chrome_r, from_chrome_w = _high(*os.pipe())
    profile = tempfile.mkdtemp(prefix="chromium-")

    def child_fds() -> None:
        # fd 3 and 4 in the child are the pipe ends chromium expects.
        os.dup2(to_chrome_r, 3)
        os.dup2(from_chrome_w, 4)

    process = subprocess.Popen(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--remote-debugging-pipe",
            f"--user-data-dir={profile}",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--disable-sync",
            "--disable-extensions",
            "about:blank",
        ],  # fmt: skip
        pass_fds=(3, 4),
        preexec_fn=child_fds,  # noqa: PLW1509 - only dup2 between fork and exec
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(to_chrome_r)
    os.close(from_chrome_w)
    pipe = _Pipe(to_chrome_w, from_chrome_r)
    visit = PageVisit()
    try:
        target = pipe.call("Target.createTarget", url="about:blank")["targetId"]
        session = pipe.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            pipe.call(f"{domain}.enable", session)
        pipe.call(
            "Emulation.setDeviceMetricsOverride", session,
            width=width, height=height, deviceScaleFactor=1, mobile=True,
        )  # fmt: skip
        pipe.events.clear()
        pipe.call("Page.navigate", session, url=path.resolve().as_uri())
        pipe.wait_for("Page.loadEventFired")
        time.sleep(0.3)  # late requests (none expected) get their events in
        found = pipe.call(
            "Runtime.evaluate", session, returnByValue=True,
            expression=(
                f"[...document.querySelectorAll({json.dumps(selector)})].filter(e => {{"
                "const r = e.getBoundingClientRect(), s = getComputedStyle(e);"
                "return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && "
                "s.display !== 'none' && parseFloat(s.opacity) > 0;"
                "}).map(e => e.textContent.trim())"
            ),
        )  # fmt: skip
        visit.visible = list(found["result"]["value"])
        shot = pipe.call(
            "Page.captureScreenshot", session, format="png", captureBeyondViewport=True
        )
        visit.screenshot = base64.b64decode(shot["data"])
        for event in pipe.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Network.requestWillBeSent":
                visit.requests.append(params["request"]["url"])
            elif method == "Runtime.consoleAPICalled":
                visit.console.append(
                    f"{params['type']}: " + " ".join(str(a.get("value")) for a in params["args"])
                )
            elif method == "Runtime.exceptionThrown":
                visit.errors.append(str(params["exceptionDetails"].get("text")))
            elif method == "Log.entryAdded" and params["entry"]["level"] in ("error", "warning"):
                visit.errors.append(params["entry"]["text"])
        return visit
    finally:
        try:
            pipe.call("Browser.close")
        except (RuntimeError, TimeoutError, OSError):
            pass
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        pipe.write.close()
        pipe.read.close()
        shutil.rmtree(profile, ignore_errors=True)
