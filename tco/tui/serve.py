"""``tco serve``: the interactive app in a web browser, through textual-serve.

textual-serve runs one ``tco tui`` process per browser tab (with Textual's web driver)
and relays it over a websocket; the page and its scripts come from textual-serve's own
package. Its page template also asks Google Fonts for a font: we serve that template with
the link taken out (a local monospace font is used), so a tab fetches nothing from the
internet. Bound to 127.0.0.1 unless ``--host`` says otherwise: the app can read and write
scenario files on this machine.
"""

from __future__ import annotations

import errno
import re
import shlex
import socket
import sys
import tempfile
from pathlib import Path

from ..errors import TcoError


def check_port(host: str, port: int) -> None:
    """A port that is taken, or a host that is not this machine's, as a one-line error now
    rather than a traceback from the web server later."""
    if not 1 <= port <= 65535:
        raise TcoError(f"port {port} is out of range", field="--port", hint="use 1 to 65535, e.g. --port 8000")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        raise TcoError(f"unknown host {host!r}", field="--host",
                       hint="127.0.0.1 (this machine only, the default) or 0.0.0.0 (every interface)") from None
    family, _, _, _, addr = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(addr)
        except OSError as e:
            if e.errno == errno.EADDRINUSE:
                raise TcoError(f"port {port} on {host} is already in use", field="--port",
                               hint=f"stop what uses it, or choose another: --port {port + 1}") from None
            if e.errno in (errno.EACCES, errno.EPERM):
                raise TcoError(f"not allowed to listen on port {port}", field="--port",
                               hint="ports below 1024 need privileges; use e.g. --port 8000") from None
            if e.errno == errno.EADDRNOTAVAIL:
                raise TcoError(f"{host} is not an address of this machine", field="--host",
                               hint="127.0.0.1 (this machine only) or 0.0.0.0 (every interface)") from None
            raise TcoError(f"cannot listen on {host}:{port}: {e.strerror}", field="--port") from None


def app_command(file: str | None, catalog: str | None) -> str:
    """The command textual-serve runs (through a shell) for each browser tab: this Python, this
    tco. ``exec``: the app replaces the shell, so it is the server's own child and ends with it."""
    parts = [sys.executable, "-m", "tco", "tui"]
    if file:
        parts.append(file)
    if catalog:
        parts += ["--catalog", catalog]
    return "exec " + shlex.join(parts)


_FONT_LINK = re.compile(r"<link[^>]*fonts\.googleapis\.com[^>]*>", re.S)


def offline_templates() -> Path | None:
    """textual-serve's page templates without the Google Fonts link, in a temporary folder
    (None: the template changed shape; its own is used)."""
    import textual_serve

    theirs = Path(textual_serve.__file__).parent / "templates"
    index = theirs / "app_index.html"
    try:
        text = index.read_text(encoding="utf-8")
    except OSError:
        return None
    cleaned, n = _FONT_LINK.subn("", text)
    if n != 1:
        return None
    folder = Path(tempfile.mkdtemp(prefix="tco-serve-"))
    for f in theirs.iterdir():
        if f.is_file():
            (folder / f.name).write_text(cleaned if f.name == index.name else f.read_text(encoding="utf-8"),
                                         encoding="utf-8")
    return folder


def serve(file: str | None, catalog: str | None, host: str = "127.0.0.1", port: int = 8000,
          public_url: str | None = None) -> int:
    check_port(host, port)
    from textual_serve.server import Server

    templates = offline_templates()
    extra = {"templates_path": str(templates)} if templates else {}
    server = Server(app_command(file, catalog), host=host, port=port, title="tco", public_url=public_url, **extra)
    shown = public_url or f"http://{'localhost' if host in ('127.0.0.1', 'localhost') else host}:{port}"
    print(f"tco: serving the app at {shown} (Ctrl+C stops it)", file=sys.stderr, flush=True)
    try:
        server.serve()
    finally:
        if templates:
            import shutil

            shutil.rmtree(templates, ignore_errors=True)
    return 0
