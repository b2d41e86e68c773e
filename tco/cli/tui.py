"""``tco tui [FILE]`` (and ``tco`` alone): the interactive app."""

from __future__ import annotations

import argparse
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

    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise TcoError("the interactive app needs a terminal (stdin and stdout are not one)",
                       hint="in scripts and CI use `tco estimate FILE`; `tco --help` lists the commands")
    try:
        from ..tui.app import run_app
    except ImportError as e:
        raise TcoError(f"the interactive app is not available ({e})",
                       hint="use `tco estimate FILE`, or reinstall tco with its dependencies") from None
    return run_app(args.file, args.catalog)
