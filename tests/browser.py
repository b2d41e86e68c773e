"""A real browser for the report tests: headless Chromium driven over the DevTools protocol
on a pipe (``--remote-debugging-pipe``: no port, no websocket library, no Playwright).
Run ``python tests/browser.py report.html shot.png`` to look at a report yourself.

``load(path)`` opens a file and returns what a person would see and what went wrong: every
console message and log entry, every request the page made (a self-contained report makes
none beyond itself) and every failed one, a PNG screenshot, the page's width on a phone,
and a printed A4 PDF.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        exe = shutil.which(name)
        if exe:
            return exe
    return None


@dataclass
class PageLoad:
    console: list[str] = field(default_factory=list)
    """Console messages and log entries of level warning or error."""
    requests: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    screenshot: bytes = b""
    blank_screenshot: bytes = b""
    """The same viewport of an empty page, to compare with: a blank report compresses as well."""
    phone_overflow_px: float = 0.0
    """How far the page is wider than a 390 px phone screen (0: it fits; tables scroll inside)."""
    print_overflow_px: float = 0.0
    """How far the page is wider than an A4 page's printable width (186 mm, 703 px) in print media."""
    pdf: bytes = b""
    svg_count: int = 0


class _Pipe:
    def __init__(self, exe: str, profile: str) -> None:
        cmd_r, self._cmd_w = os.pipe()
        self._evt_r, evt_w = os.pipe()
        # the child's ends above 9, so that moving them to 3 and 4 cannot clobber one another (bash: dash
        # takes one-digit descriptors only)
        low = (cmd_r, evt_w)
        cmd_r, evt_w = (fcntl.fcntl(fd, fcntl.F_DUPFD, 10) for fd in low)
        for fd in low:
            os.close(fd)
        wrapper = f'exec "$0" "$@" 3<&{cmd_r} 4>&{evt_w}'
        self.proc = subprocess.Popen(
            [shutil.which("bash") or "sh", "-c", wrapper, exe, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-extensions", "--disable-background-networking", "--disable-sync", "--hide-scrollbars",
             "--remote-debugging-pipe", f"--user-data-dir={profile}", "about:blank"],
            pass_fds=(cmd_r, evt_w), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(cmd_r)
        os.close(evt_w)
        self._buf = b""
        self._id = 0
        self.events: list[dict[str, Any]] = []

    def send(self, method: str, params: dict[str, Any] | None = None, session: str | None = None,
             timeout: float = 30.0) -> dict[str, Any]:
        self._id += 1
        msg: dict[str, Any] = {"id": self._id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self._cmd_w, json.dumps(msg).encode() + b"\0")
        want = self._id
        deadline = time.monotonic() + timeout
        while True:
            m = self._read(deadline)
            if m.get("id") == want:
                if "error" in m:
                    raise RuntimeError(f"{method}: {m['error']}")
                return m.get("result", {})
            self.events.append(m)

    def wait_event(self, method: str, timeout: float = 30.0) -> dict[str, Any]:
        for i, e in enumerate(self.events):
            if e.get("method") == method:
                return self.events.pop(i)
        deadline = time.monotonic() + timeout
        while True:
            m = self._read(deadline)
            if m.get("method") == method:
                return m
            self.events.append(m)

    def _read(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._evt_r], [], [], left)[0]:
                raise TimeoutError("chromium did not answer in time")
            chunk = os.read(self._evt_r, 1 << 20)
            if not chunk:
                raise RuntimeError("chromium closed the DevTools pipe")
            self._buf += chunk
        raw, self._buf = self._buf.split(b"\0", 1)
        return json.loads(raw)

    def open_tab(self, domains: tuple[str, ...] = ("Page",), width: int | None = None, height: int = 900,
                 mobile: bool = False) -> str:
        """A new tab with ``domains`` enabled (and a viewport ``width`` px wide): its session id."""
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        s = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in domains:
            self.send(f"{domain}.enable", session=s)
        if width is not None:
            self.send("Emulation.setDeviceMetricsOverride",
                      {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile}, session=s)
        return s

    def close(self) -> None:
        try:
            self.send("Browser.close", timeout=5)
        except Exception:  # noqa: BLE001 - closing anyway
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        os.close(self._cmd_w)
        os.close(self._evt_r)


def load(path: Path, width: int = 1100, height: int = 1400) -> PageLoad:
    exe = find_chromium()
    if exe is None:
        raise FileNotFoundError("no chromium on PATH")
    out = PageLoad()
    with tempfile.TemporaryDirectory() as profile:
        b = _Pipe(exe, profile)
        try:
            s = b.open_tab(("Page", "Runtime", "Log", "Network"), width, height)
            blank = b.send("Page.captureScreenshot", {"format": "png"}, session=s)
            out.blank_screenshot = base64.b64decode(blank["data"])
            url = path.resolve().as_uri()
            b.send("Page.navigate", {"url": url}, session=s)
            b.wait_event("Page.loadEventFired")
            b.send("Runtime.evaluate", {"expression": "1"}, session=s)  # flush events queued before the load
            for e in b.events:
                m, p = e.get("method"), e.get("params", {})
                if m == "Network.requestWillBeSent":
                    out.requests.append(p["request"]["url"])
                elif m == "Network.loadingFailed":
                    out.failed.append(f"{p.get('errorText')} ({p.get('type')})")
                elif m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "warning", "assert"):
                    out.console.append(" ".join(str(a.get("value", a.get("description", ""))) for a in p["args"]))
                elif m == "Log.entryAdded" and p["entry"]["level"] in ("error", "warning"):
                    out.console.append(p["entry"]["text"])
                elif m == "Runtime.exceptionThrown":
                    out.console.append(p["exceptionDetails"].get("text", "exception"))
            out.svg_count = b.send("Runtime.evaluate", {"expression": "document.querySelectorAll('svg').length",
                                                        "returnByValue": True}, session=s)["result"]["value"]
            shot = b.send("Page.captureScreenshot", {"format": "png"}, session=s)
            out.screenshot = base64.b64decode(shot["data"])
            b.send("Emulation.setDeviceMetricsOverride",
                   {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True}, session=s)
            out.phone_overflow_px = float(b.send("Runtime.evaluate", {
                "expression": "document.documentElement.scrollWidth - window.innerWidth",
                "returnByValue": True}, session=s)["result"]["value"])
            b.send("Emulation.setEmulatedMedia", {"media": "print"}, session=s)
            b.send("Emulation.setDeviceMetricsOverride",
                   {"width": 703, "height": 1000, "deviceScaleFactor": 1, "mobile": False}, session=s)
            out.print_overflow_px = float(b.send("Runtime.evaluate", {
                "expression": "Math.max(...[...document.querySelectorAll('table, figure, pre')].map("
                              "e => e.scrollWidth - document.documentElement.clientWidth), "
                              "document.documentElement.scrollWidth - document.documentElement.clientWidth)",
                "returnByValue": True}, session=s)["result"]["value"])
            pdf = b.send("Page.printToPDF", {"preferCSSPageSize": True, "printBackground": False}, session=s,
                         timeout=60)
            out.pdf = base64.b64decode(pdf["data"])
        finally:
            b.close()
    return out


if __name__ == "__main__":
    import sys

    got = load(Path(sys.argv[1]))
    Path(sys.argv[2]).write_bytes(got.screenshot)
    print(f"console {got.console}, requests {got.requests}, failed {got.failed}, svgs {got.svg_count}, "
          f"phone overflow {got.phone_overflow_px:g}px, print overflow {got.print_overflow_px:g}px, pdf {len(got.pdf):,} bytes")
