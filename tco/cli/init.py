"""``tco init [FILE]``: write a commented scenario template."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any


def add_parser(sub: Any) -> None:
    i = sub.add_parser("init", help="write a commented scenario template")
    i.add_argument("file", nargs="?", help="where to write it (default, or -: standard output)")
    i.add_argument("--force", action="store_true", help="overwrite an existing file")
    i.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..errors import TcoError
    from ..files import atomic_write
    from ..schema.template import SCENARIO_TEMPLATE

    if args.file and args.file != "-":
        from .args import BY_EXTENSION

        stem, ext = os.path.splitext(args.file)
        if ext.lower() in BY_EXTENSION or ext.lower() == ".pdf":  # as -o x.json means JSON to tco estimate
            raise TcoError(f"a scenario is YAML, and the name says {ext[1:].upper()}", file=args.file,
                           hint=f"name it {stem}.yaml")
        if os.path.exists(args.file) and not args.force:
            raise TcoError("file exists", file=args.file, hint="pass --force to overwrite, or pick another name")
        atomic_write(args.file, SCENARIO_TEMPLATE)
        print(f"wrote {args.file}; edit it, then run: tco estimate {args.file}", file=sys.stderr)
    else:
        sys.stdout.write(SCENARIO_TEMPLATE)
    return 0
