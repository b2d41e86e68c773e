"""The ``tco`` command line. ``main(argv) -> int``; heavy imports happen inside each command.

One module per command (``estimate``, ``validate``, ``init``, ``catalog``, ``selfhost``,
``breakeven``, ``sensitivity``, ``report``, ``diff``, ``tui``, ``serve``), each with ``add_parser(subparsers)`` and ``run(args) -> int``.

Exit codes: 0 ok, 1 failure, 2 bad usage or invalid input, 130 interrupted.
stdout carries data only; diagnostics go to stderr as one line: ``tco: error: ...``.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from . import breakeven, catalog, diff, estimate, init, report, selfhost, sensitivity, serve, tui, validate
from .args import PROG, Parser, error

EPILOG = """examples:
  tco estimate                                  the built-in example scenario
  tco estimate my.yaml -f json -o report.json   machine-readable, written atomically
  tco catalog show openai/gpt-4o                an offer's price history with sources
  tco selfhost llama-3.1-405b-instruct --gpu h100-sxm-80gb --gpus 8 --precision fp8

exit codes: 0 ok, 1 a gate failed (diff --fail-above), 2 bad usage or invalid input, 70 internal
error (a bug in tco), 130 interrupted"""

COMMANDS = (estimate, report, diff, validate, init, catalog, selfhost, breakeven, sensitivity, tui, serve)
"""In the order ``tco --help`` lists them."""


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole parser, or with ``only`` the top level and that one command (what a run of that
    command needs: building all eleven costs a warm ``tco estimate`` about 4 ms of its ~110)."""
    p = Parser(
        prog=PROG,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Cost and total-cost-of-ownership planner for LLMs: API offers versus self-hosting, "
                    "monthly cost, quality and cost per quality point. Run without a command to open the app.",
    )
    from .. import __version__

    p.add_argument("--version", action="version", version=f"tco {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    for command in COMMANDS:
        if only is None or only == command_name(command):
            command.add_parser(sub)
    return p


def command_name(command: object) -> str:
    """A command module's command (each module is named after its command)."""
    return getattr(command, "__name__", "").rpartition(".")[2]


def _command_in(argv: list[str]) -> str | None:
    """The command ``argv`` runs when it starts with one (the top level takes no option but
    ``--help`` and ``--version``, which need every command), else None."""
    names = {command_name(c) for c in COMMANDS}
    return argv[0] if argv and argv[0] in names else None


INTERNAL_ERROR = 70
"""Exit code of a bug in tco (sysexits' EX_SOFTWARE): apart from 1, which ``tco diff --fail-above``
returns for a failed gate, so that a pipeline tells a price rise from a crash."""


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(_command_in(argv))
    try:
        args, extra = parser.parse_known_args(argv)
    except SystemExit as e:  # argparse: --help (0) or usage error (2)
        return int(e.code or 0)
    if extra:  # argparse would blame the top level; name the command whose help lists what it takes
        where = " ".join(c for c in (getattr(args, "command", None), getattr(args, "catalog_command", None)) if c)
        error(f"unrecognized arguments: {' '.join(extra)} (see `tco {where + ' ' if where else ''}--help`)")
        return 2
    if args.command is None:
        args.file, args.catalog = None, None
        args.func = tui.run
    from ..errors import TcoError

    try:
        return int(args.func(args) or 0)
    except TcoError as e:
        for each in e.all():  # every independent error of the input, each on its own line
            error(str(each))
        if e.not_listed:
            error(f"... and {e.not_listed} more error{'s' if e.not_listed > 1 else ''} not listed (fix these first)")
        return e.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as e:  # noqa: BLE001 - last line of defence: one line, no traceback
        if os.environ.get("TCO_DEBUG"):
            raise
        error(f"internal error: {type(e).__name__}: {e} (set TCO_DEBUG=1 for a traceback; please report it)")
        return INTERNAL_ERROR
