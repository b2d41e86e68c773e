"""``tco tui [FILE]`` (and ``tco`` alone): the interactive app."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from .args import CATALOG_ARG


def add_parser(sub: Any) -> None:
    t = sub.add_parser("tui", help="open the interactive app on a scenario file (default: built-in example)")
    t.add_argument("file", nargs="?", help="scenario YAML file (default: the built-in example; save with save-as)")
    t.add_argument("--catalog", **CATALOG_ARG)
    t.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..errors import TcoError

    web = os.environ.get("TEXTUAL_DRIVER", "").endswith(":WebDriver")  # a browser tab of `tco serve`
    if not web and not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise TcoError("the interactive app needs a terminal (stdin and stdout are not one)",
                       hint="in scripts and CI use `tco estimate FILE`; `tco --help` lists the commands")
    try:
        from ..tui.app import run_app
    except ImportError as e:
        raise TcoError(f"the interactive app is not available ({e})",
                       hint="use `tco estimate FILE`, or reinstall tco with its dependencies") from None
    if web:
        _end_with_the_server()
    return run_app(args.file, args.catalog)


def _end_with_the_server() -> None:
    """A browser tab's app ends when `tco serve` does (killed or crashed): otherwise it would be
    left running, reading a closed pipe."""
    import threading
    import time

    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(1.0)
            if os.getppid() != parent:
                os._exit(0)

    threading.Thread(target=watch, name="tco-serve-parent", daemon=True).start()
