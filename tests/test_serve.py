"""``tco serve`` (issue 13): the app in a browser through textual-serve."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tco.cli import main

ROOT = Path(__file__).resolve().parent.parent
SUPPORT = ROOT / "scenarios" / "support-assistant.yaml"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _children(pid: int) -> list[tuple[int, str]]:
    """(pid, command line) of the processes whose parent is ``pid`` (Linux /proc)."""
    out = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                if int((d / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    out.append((int(d.name), (d / "cmdline").read_bytes().replace(b"\0", b" ").decode()))
            except (OSError, IndexError, ValueError):
                continue
    return out


@pytest.fixture
def server():
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "tco", "serve", str(SUPPORT), "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 30
    page = None
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                page = (r.status, r.read().decode("utf-8"))
                break
        except OSError:
            time.sleep(0.2)
    try:
        yield proc, url, page
    finally:
        os.killpg(proc.pid, signal.SIGINT)  # what Ctrl+C does
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def test_serve_answers_with_the_app_page_and_stops(server) -> None:
    proc, url, page = server
    assert page is not None, f"no page: {proc.stderr.read() if proc.poll() is not None else 'still starting'}"
    status, html = page
    assert status == 200 and "textual.js" in html and "<div>tco</div>" in html  # the splash names the app
    assert "fonts.googleapis.com" not in html, "a tab must not fetch from the internet"


def test_a_browser_tab_starts_the_app_on_the_scenario(server) -> None:
    """Chromium opens the page; its websocket makes the server start `tco tui FILE` for the tab."""
    from tests.browser import find_chromium

    if find_chromium() is None:
        if os.environ.get("TCO_REQUIRE_BROWSER"):
            pytest.fail("TCO_REQUIRE_BROWSER is set but no chromium is on PATH")
        pytest.skip("no chromium on PATH")
    import tempfile

    from tests.browser import _Pipe

    proc, url, page = server
    assert page is not None
    with tempfile.TemporaryDirectory() as profile:
        b = _Pipe(find_chromium(), profile)
        try:
            s = b.open_tab()
            b.send("Page.navigate", {"url": url}, session=s)
            b.wait_event("Page.loadEventFired")
            deadline = time.monotonic() + 30
            apps: list[str] = []
            while time.monotonic() < deadline and not apps:
                apps = [(pid, c) for pid, c in _children(proc.pid) if " tco tui " in c]
                time.sleep(0.3)
        finally:
            b.close()
    assert apps and str(SUPPORT) in apps[0][1], apps
    # the server dies without a chance to clean up: the tab's app must not be left running
    os.kill(proc.pid, signal.SIGKILL)
    app = Path(f"/proc/{apps[0][0]}")
    deadline = time.monotonic() + 10
    while app.exists() and "Z" not in _state(app) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not app.exists() or "Z" in _state(app), "the app outlived its server"


def _state(proc_dir: Path) -> str:
    try:
        return proc_dir.joinpath("stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return "Z"


def test_a_port_in_use_is_a_one_line_error(capsys) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["serve", "--port", str(port)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"tco: error: --port: port {port} on 127.0.0.1 is already in use (stop what uses it, or choose "
                   f"another: --port {port + 1})"]


@pytest.mark.parametrize(("argv", "message"), [
    (["--port", "70000"], "port 70000 is out of range"),
    (["--host", "nosuch.invalid"], "unknown host 'nosuch.invalid'"),
    (["missing.yaml"], "missing.yaml: file not found"),
])
def test_bad_serve_arguments(capsys, argv: list[str], message: str) -> None:
    assert main(["serve", *argv]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0]


def test_a_scenario_with_errors_is_refused_before_serving(capsys, tmp_path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("workload:\n  requests_per_day: -5\n  input_tokens: 1000\n  output_tokens: 200\ncandidates:\n  - openai/gpt-4o\n")
    assert main(["serve", str(bad), "--port", "1"]) == 2  # refused before the port is even tried
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "bad.yaml:2" in err[0] and "requests_per_day" in err[0]


def test_the_app_accepts_a_browser_tab_instead_of_a_terminal(monkeypatch, capsys) -> None:
    """Without a terminal `tco tui` refuses; with textual-serve's web driver it is a browser tab."""
    from tco.cli import tui

    monkeypatch.setattr(sys.stdin, "isatty", lambda: False, raising=False)
    assert main(["tui", str(SUPPORT)]) == 2
    assert "needs a terminal" in capsys.readouterr().err
    started = []
    monkeypatch.setenv("TEXTUAL_DRIVER", "textual.drivers.web_driver:WebDriver")
    monkeypatch.setattr("tco.tui.app.run_app", lambda file, catalog: started.append(file) or 0)
    monkeypatch.setattr(tui, "_end_with_the_server", lambda: None)  # no watcher thread in the test process
    assert tui.run(type("A", (), {"file": str(SUPPORT), "catalog": None})()) == 0 and started == [str(SUPPORT)]
