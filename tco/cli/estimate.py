"""``tco estimate [FILE]``: cost, quality and value per candidate."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from .args import CATALOG_ARG, add_wide, check_plan_flags, currency, format_for, iso_date, table_width, write_output

FORMATS = ("table", "json", "csv", "markdown")


def add_parser(sub: Any) -> None:
    e = sub.add_parser("estimate", help="estimate a scenario file: cost, quality, value per candidate")
    e.add_argument("file", nargs="?", help="scenario YAML file (default: the built-in example)")
    e.add_argument("--format", "-f", choices=FORMATS,
                   help="output format (default: the --out file's extension names it, .json .csv .md .txt; else table)")
    e.add_argument("--as-of", type=iso_date, help="price date YYYY-MM-DD (default: the scenario's as_of, else today)")
    e.add_argument("--currency", type=currency, help="report currency (default: the scenario's)")
    e.add_argument("--out", "-o", metavar="FILE", help="write to FILE (atomically) instead of stdout")
    e.add_argument("--strict", action="store_true",
                   help="an offer not on sale on the as-of date (not launched yet, or retired) is an error "
                        "(default: a row without a cost, and a warning)")
    e.add_argument("--impute", action="store_true",
                   help="fill missing quality scores from a low-rank model of the catalog's scores, with intervals "
                        "(as quality: {impute: true}; tco catalog impute-check shows how accurate it is)")
    e.add_argument("--samples", type=int, metavar="N",
                   help="Monte Carlo: draw N estimates from the scenario's ranges (as samples: in the file)")
    e.add_argument("--seed", type=int, metavar="S", help="seed of the draws (the same seed gives the same numbers)")
    e.add_argument("--horizon", type=int, metavar="MONTHS",
                   help="plan MONTHS months: price trends, purchases depreciated, net present cost, payback "
                        "(as horizon_months: in the file; 1 to 240)")
    add_wide(e)
    e.add_argument("--catalog", **CATALOG_ARG)
    e.set_defaults(func=run)


def progress_bar() -> Any:
    """A progress line on stderr for long Monte Carlo runs, only on a terminal."""
    if not sys.stderr.isatty():
        return None
    import time

    start = time.monotonic()

    def show(done: int, total: int) -> None:
        if time.monotonic() - start < 0.5 and done < total:
            return
        width = 30
        filled = int(width * done / total)
        sys.stderr.write(f"\r  sampling [{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,}")
        if done >= total:
            sys.stderr.write("\r" + " " * (width + 40) + "\r")
        sys.stderr.flush()

    return show


def run(args: argparse.Namespace) -> int:
    from .. import yamlio
    from ..catalog import find_catalog_dir, load_catalog
    from ..files import refuse_overwriting_inputs
    from ..plan.estimate import estimate_file
    from ..report import render

    check_plan_flags(args)
    args.format = format_for(args.format, args.out, "table", FORMATS)
    given = args.file
    if args.file is None:
        from ..catalog import default_scenario_path

        args.file = str(default_scenario_path())
    yamlio.check_file(args.file)  # before any work: a pipe would block, /dev/zero never ends
    refuse_overwriting_inputs(args.out, {"the scenario": args.file}, find_catalog_dir(args.catalog))
    catalog = load_catalog(args.catalog)
    if given is None:
        print(f"tco: no scenario given; estimating the built-in example {args.file}", file=sys.stderr)
    est = estimate_file(args.file, catalog, as_of=args.as_of, currency=args.currency, strict=args.strict,
                        impute=True if args.impute else None, samples=args.samples, seed=args.seed,
                        progress=progress_bar(), horizon_months=args.horizon)
    write_output(render(est, args.format, width=table_width(args)), args.out)
    return 0
