"""What every command shares: the one-line-error argument parser, argument types, and
writing the output (stdout, or a file written atomically)."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date

PROG = "tco"
CATALOG_ARG = dict(metavar="DIR", help="pricing catalog directory (default: built in; env TCO_CATALOG)")
"""The ``--catalog DIR`` option every command that reads the catalog has."""


class Parser(argparse.ArgumentParser):
    """argparse with one-line errors: ``tco: error: ...`` (exit 2), no usage block."""

    def error(self, message: str) -> None:  # type: ignore[override]
        sub = self.prog.removeprefix(PROG).strip()
        where = f" (see `tco {sub} --help`)" if sub else " (see `tco --help`)"
        error(message.replace("\n", " ") + where)
        raise SystemExit(2)


def error(msg: str) -> None:
    print(f"{PROG}: error: {msg}", file=sys.stderr)


def usage(p: argparse.ArgumentParser) -> int:
    p.print_help(sys.stderr)
    return 2


def iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid date {text!r} (use YYYY-MM-DD)") from None


def currency(text: str) -> str:
    from ..schema.currency import normalize_currency

    try:
        return normalize_currency(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def number(text: str) -> float:
    """A flag's number as a scenario file reads it: 100000, 100,000, 100k, 1.5M."""
    from ..schema.numbers import parse_number

    try:
        return float(parse_number(text))
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def add_wide(p: argparse.ArgumentParser) -> None:
    p.add_argument("--wide", action="store_true",
                   help="show every column, however wide (default: tables fit the terminal; output that is not "
                        "a terminal is never cut)")


BY_EXTENSION = {".json": "json", ".csv": "csv", ".md": "markdown", ".markdown": "markdown", ".txt": "table",
                ".html": "html", ".htm": "html"}
"""The format an output file's extension names (used when ``--format`` is not given)."""


def format_for(given: str | None, out: str | None, default: str, allowed: tuple[str, ...]) -> str:
    """``--format`` when given; else the one the ``--out`` file's extension names (``-o x.json``
    writes JSON, not a text table under a .json name); else ``default``."""
    if given is not None:
        named = BY_EXTENSION.get(os.path.splitext(out)[1].lower()) if out and out != "-" else None
        if named is not None and named != given:  # said, not refused: -f is the explicit choice
            print(f"tco: note: writing {given} to {out}, whose name says {named} (-f {given} given)", file=sys.stderr)
        return given
    if out and out != "-":
        ext = os.path.splitext(out)[1].lower()
        fmt = BY_EXTENSION.get(ext)
        if fmt in allowed:
            return fmt
        if fmt is not None or ext == ".pdf":  # a file named for a format this command does not write
            from ..errors import TcoError

            if ext == ".pdf":
                hint = "tco report writes HTML laid out for A4: write report.html and print it to PDF from a browser"
            elif fmt == "html":
                hint = "tco report FILE -o report.html writes the HTML report"
            else:
                hint = f"this command writes {', '.join(allowed)}: name the file for one of them, or give --format"
            raise TcoError(f"cannot write {ext[1:].upper()} here", file=out, hint=hint)
    return default


def table_width(args: argparse.Namespace) -> int | None:
    """Display columns tables must fit: the terminal's, unless ``--wide`` or the output is a
    file or a pipe (None: no limit, nothing is ever cut there)."""
    import shutil

    if getattr(args, "wide", False) or getattr(args, "out", None) not in (None, "-") or not sys.stdout.isatty():
        return None
    return max(shutil.get_terminal_size((100, 24)).columns, 40)


def write_output(text: str, out: str | None) -> None:
    """Write to stdout (no ``--out``, or ``--out -``), or atomically to a file."""
    if out is None or out == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    from ..files import atomic_write

    atomic_write(out, text)


def check_plan_flags(args: argparse.Namespace) -> None:
    """``--horizon`` and ``--samples`` in range, said before any work is done."""
    from ..errors import TcoError

    if getattr(args, "horizon", None) is not None and not 1 <= args.horizon <= 240:
        raise TcoError(f"the horizon must be 1 to 240 months (got {args.horizon:,})", field="--horizon",
                       hint="e.g. --horizon 36 for three years")
    if getattr(args, "samples", None) is not None:
        from ..plan.uncertainty import check_samples

        check_samples(args.samples, 0, {"field": "--samples"})
    if getattr(args, "seed", None) is not None and args.seed < 0:
        raise TcoError(f"the seed must be at least 0 (got {args.seed:,})", field="--seed",
                       hint="any whole number from 0, e.g. --seed 7")
