"""The ``tco`` command line. ``main(argv) -> int``; heavy imports happen inside each command.

Exit codes: 0 ok, 1 failure, 2 bad usage or invalid input, 130 interrupted.
stdout carries data only; diagnostics go to stderr as one line: ``tco: error: ...``.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from datetime import date

PROG = "tco"
FORMATS = ("table", "json", "csv", "markdown")


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid date {text!r} (use YYYY-MM-DD)") from None


def _currency(text: str) -> str:
    code = text.upper()
    if len(code) != 3 or not code.isalpha():
        raise argparse.ArgumentTypeError(f"invalid currency {text!r} (use an ISO code such as USD or CNY)")
    return code


class Parser(argparse.ArgumentParser):
    """argparse with one-line errors: ``tco: error: ...`` (exit 2), no usage block."""

    def error(self, message: str) -> None:  # type: ignore[override]
        sub = self.prog.removeprefix(PROG).strip()
        where = f" (see `tco {sub} --help`)" if sub else " (see `tco --help`)"
        _error(message.replace("\n", " ") + where)
        raise SystemExit(2)


EPILOG = """examples:
  tco estimate                                  the built-in example scenario
  tco estimate my.yaml -f json -o report.json   machine-readable, written atomically
  tco catalog show openai/gpt-4o                an offer's price history with sources
  tco selfhost llama-3.1-405b-instruct --gpu h100-sxm-80gb --gpus 8 --precision fp8

exit codes: 0 ok, 1 internal failure, 2 bad usage or invalid input, 130 interrupted"""


def build_parser() -> argparse.ArgumentParser:
    p = Parser(
        prog=PROG,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Cost and total-cost-of-ownership planner for LLMs: API offers versus self-hosting, "
                    "monthly cost, quality and cost per quality point. Run without a command to open the app.",
    )
    from . import __version__

    p.add_argument("--version", action="version", version=f"tco {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    catalog_arg = dict(metavar="DIR", help="pricing catalog directory (default: built in; env TCO_CATALOG)")

    e = sub.add_parser("estimate", help="estimate a scenario file: cost, quality, value per candidate")
    e.add_argument("file", nargs="?", help="scenario YAML file (default: the built-in example)")
    e.add_argument("--format", "-f", choices=FORMATS, default="table", help="output format (default: table)")
    e.add_argument("--as-of", type=_date, help="price date YYYY-MM-DD (default: the scenario's as_of, else today)")
    e.add_argument("--currency", type=_currency, help="report currency (default: the scenario's)")
    e.add_argument("--out", "-o", metavar="FILE", help="write to FILE (atomically) instead of stdout")
    e.add_argument("--strict", action="store_true",
                   help="an offer that did not exist yet on the as-of date is an error (default: a warning)")
    e.add_argument("--catalog", **catalog_arg)
    e.set_defaults(func=cmd_estimate)

    v = sub.add_parser("validate", help="check a scenario file without estimating")
    v.add_argument("file", help="scenario YAML file")
    v.add_argument("--strict", action="store_true", help="offers not available on the as-of date are errors")
    v.add_argument("--catalog", **catalog_arg)
    v.set_defaults(func=cmd_validate)

    i = sub.add_parser("init", help="write a commented scenario template")
    i.add_argument("file", nargs="?", help="where to write it (default: stdout)")
    i.add_argument("--force", action="store_true", help="overwrite an existing file")
    i.set_defaults(func=cmd_init)

    c = sub.add_parser("catalog", help="browse the pricing catalog")
    csub = c.add_subparsers(dest="catalog_command", metavar="SUBCOMMAND")
    cl = csub.add_parser("list", help="list offers (with the price in force), models, benchmarks, profiles, fx")
    cl.add_argument("--kind", choices=("offer", "model", "benchmark", "profile", "fx", "gpu", "rental", "server",
                                       "engine"), default="offer",
                    help="what to list (default: offer)")
    cl.add_argument("--as-of", type=_date, help="price date for offers (default: today)")
    cl.add_argument("--format", "-f", choices=("table", "json"), default="table", help="output format")
    cl.add_argument("--catalog", **catalog_arg)
    cl.set_defaults(func=cmd_catalog_list)
    cs = csub.add_parser("show", help="show one offer's full price history (or a model, benchmark, profile, GPU)")
    cs.add_argument("id", help="an id from `tco catalog list`")
    cs.add_argument("--format", "-f", choices=("table", "json"), default="table", help="output format")
    cs.add_argument("--catalog", **catalog_arg)
    cs.set_defaults(func=cmd_catalog_show)
    c.set_defaults(func=lambda a: _usage(c))

    try:
        from . import cli_selfhost
    except ImportError:  # pragma: no cover - self-hosting module not installed
        cli_selfhost = None  # type: ignore[assignment]
    if cli_selfhost is not None:
        cli_selfhost.add_parser(sub)

    b = sub.add_parser("breakeven", help="volume at which each self-hosted candidate beats each API candidate")
    b.add_argument("file", help="scenario YAML file with self-hosted and API candidates")
    b.add_argument("--format", "-f", choices=("table", "json"), default="table", help="output format")
    b.add_argument("--as-of", type=_date, help="price date YYYY-MM-DD (default: the scenario's)")
    b.add_argument("--currency", type=_currency, help="report currency (default: the scenario's)")
    b.add_argument("--catalog", **catalog_arg)
    b.set_defaults(func=cmd_breakeven)

    t = sub.add_parser("tui", help="open the interactive app on a scenario file (default: built-in example)")
    t.add_argument("file", nargs="?", help="scenario YAML file (default: the built-in example; save with save-as)")
    t.add_argument("--catalog", **catalog_arg)
    t.set_defaults(func=cmd_tui)
    return p


def _usage(p: argparse.ArgumentParser) -> int:
    p.print_help(sys.stderr)
    return 2


def _error(msg: str) -> None:
    print(f"{PROG}: error: {msg}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # argparse: --help (0) or usage error (2)
        return int(e.code or 0)
    if args.command is None:
        args.file, args.catalog = None, None
        args.func = cmd_tui
    from .errors import TcoError

    try:
        return int(args.func(args) or 0)
    except TcoError as e:
        _error(str(e))
        return e.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as e:  # noqa: BLE001 - last line of defence: one line, no traceback
        if os.environ.get("TCO_DEBUG"):
            raise
        _error(f"internal error: {type(e).__name__}: {e} (set TCO_DEBUG=1 for a traceback; please report it)")
        return 1


def write_output(text: str, out: str | None) -> None:
    """Write to stdout (no ``--out``, or ``--out -``), or atomically to a file."""
    if out is None or out == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    atomic_write(out, text)


def atomic_write(path: str, text: str) -> None:
    """Write a file so that a reader never sees half of it and a failure never loses the old one:
    a temporary file in the same directory, fsync, then rename over the target.

    A symlink is followed (its target is replaced, the link kept); a target that is not a
    regular file (a device such as /dev/null, a pipe) is written in place, never replaced.
    """
    import stat
    import tempfile

    from .errors import TcoError

    if not path:
        raise TcoError("empty output path", hint="give a file name, or - for standard output")
    target = os.path.realpath(path)
    try:
        st = os.stat(target)
    except FileNotFoundError:
        st = None
    except OSError as e:
        raise TcoError(f"cannot write: {e.strerror}", file=path) from None
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise TcoError("is a directory", file=path, hint="give a file name")
    try:
        if st is not None and not stat.S_ISREG(st.st_mode):
            with open(target, "w", encoding="utf-8") as fh:  # a device or a pipe: write through
                fh.write(text)
            return
        folder = os.path.dirname(target)
        if not os.path.isdir(folder):
            raise TcoError("directory does not exist", file=path, hint="create it first")
        fd, tmp = tempfile.mkstemp(prefix=".tco-", suffix=".tmp", dir=folder)
    except PermissionError:
        raise TcoError("cannot write: permission denied", file=path) from None
    except OSError as e:
        raise TcoError(f"cannot write: {e.strerror}", file=path) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, (st.st_mode & 0o777) if st is not None else 0o644)
        os.replace(tmp, target)
    except OSError as e:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise TcoError(f"cannot write: {e.strerror}", file=path) from None
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


# ---- commands ------------------------------------------------------------------------------


def cmd_estimate(args: argparse.Namespace) -> int:
    from .catalog import load_catalog
    from .planner import estimate_file
    from .report import render

    catalog = load_catalog(args.catalog)
    if args.file is None:
        from .catalog import default_scenario_path

        args.file = str(default_scenario_path())
        print(f"tco: no scenario given; estimating the built-in example {args.file}", file=sys.stderr)
    est = estimate_file(args.file, catalog, as_of=args.as_of, currency=args.currency, strict=args.strict)
    write_output(render(est, args.format), args.out)
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    from .catalog import load_catalog
    from .planner import load_scenario

    from .planner import check_scenario

    catalog = load_catalog(args.catalog)
    sc = load_scenario(args.file, catalog)
    for w in check_scenario(sc, catalog, strict=args.strict):
        print(f"{PROG}: warning: {w}", file=sys.stderr)
    n = len(sc.candidates)
    print(f"{args.file}: ok ({n} candidate{'s' if n != 1 else ''}, as of {sc.as_of or 'today'}, {sc.currency})")
    return 0


def cmd_init(args: argparse.Namespace) -> int:
    from .errors import TcoError
    from .schema.template import SCENARIO_TEMPLATE

    if args.file:
        if os.path.exists(args.file) and not args.force:
            raise TcoError("file exists", file=args.file, hint="pass --force to overwrite, or pick another name")
        atomic_write(args.file, SCENARIO_TEMPLATE)
        print(f"wrote {args.file}; edit it, then run: tco estimate {args.file}", file=sys.stderr)
    else:
        sys.stdout.write(SCENARIO_TEMPLATE)
    return 0


def cmd_catalog_list(args: argparse.Namespace) -> int:
    from .catalog import load_catalog
    from .catalog_view import list_catalog

    write_output(list_catalog(load_catalog(args.catalog), args.kind, args.as_of or date.today(), args.format), None)
    return 0


def cmd_catalog_show(args: argparse.Namespace) -> int:
    from .catalog import load_catalog
    from .catalog_view import show

    write_output(show(load_catalog(args.catalog), args.id, args.format), None)
    return 0


def cmd_breakeven(args: argparse.Namespace) -> int:
    from .catalog import load_catalog
    from .planner import load_scenario
    from .selfhost_glue import breakeven_report

    catalog = load_catalog(args.catalog)
    scenario = load_scenario(args.file, catalog)
    write_output(breakeven_report(scenario, catalog, as_of=args.as_of, currency=args.currency, fmt=args.format),
                 None)
    return 0


def cmd_tui(args: argparse.Namespace) -> int:
    from .errors import TcoError

    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise TcoError("the interactive app needs a terminal (stdin and stdout are not one)",
                       hint="in scripts and CI use `tco estimate FILE`; `tco --help` lists the commands")
    try:
        from .tui.app import run_app
    except ImportError as e:
        from .errors import TcoError

        raise TcoError(f"the interactive app is not available ({e})",
                       hint="use `tco estimate FILE`, or reinstall tco with its dependencies") from None
    return run_app(args.file, args.catalog)
