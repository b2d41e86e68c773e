"""``tco report FILE -o report.html``: a self-contained HTML report with charts, to share."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from .args import CATALOG_ARG, check_plan_flags, currency, format_for, iso_date, write_output


def add_parser(sub: Any) -> None:
    r = sub.add_parser("report", help="a self-contained HTML report with charts (opens offline, prints on A4)",
                       description="Write one HTML file with everything inline (no network, no script): the answer, "
                                   "the candidates, charts (cost vs quality with the Pareto frontier, cost vs volume "
                                   "with break-even ranges, past prices, P10-P90 and the tornado with ranges, "
                                   "cumulative cost with a horizon), the breakdown, assumptions, warnings and sources.")
    r.add_argument("file", help="scenario YAML file")
    r.add_argument("--out", "-o", metavar="FILE",
                   help="where to write (atomically; default: the scenario's name with .html, in the current "
                        "directory; - for standard output)")
    r.add_argument("--format", "-f", choices=("html", "markdown"),
                   help="html (default; -o x.md means markdown), or markdown for text-only places (as tco estimate "
                        "-f markdown)")
    r.add_argument("--as-of", type=iso_date, help="price date YYYY-MM-DD (default: the scenario's)")
    r.add_argument("--currency", type=currency, help="report currency (default: the scenario's)")
    r.add_argument("--impute", action="store_true", help="fill missing quality scores (as tco estimate --impute)")
    r.add_argument("--samples", type=int, metavar="N", help="Monte Carlo samples of the scenario's ranges")
    r.add_argument("--seed", type=int, metavar="S", help="seed of the draws")
    r.add_argument("--horizon", type=int, metavar="MONTHS", help="plan MONTHS months (1 to 240)")
    r.add_argument("--catalog", **CATALOG_ARG)
    r.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..errors import TcoError

    args.format = format_for(args.format, args.out, "html", ("html", "markdown"))
    out = args.out or os.path.splitext(os.path.basename(args.file))[0] + (".html" if args.format == "html" else ".md")
    from .. import yamlio
    from ..catalog import find_catalog_dir
    from ..files import refuse_overwriting_inputs

    yamlio.check_file(args.file)
    refuse_overwriting_inputs(out, {"the scenario": args.file}, find_catalog_dir(args.catalog))
    if out != "-":  # a missing folder is said before minutes of work, not after
        folder = os.path.dirname(os.path.abspath(out))
        if not os.path.isdir(folder):
            raise TcoError("the output folder does not exist", file=out, hint=f"create {folder} first, or choose "
                           "another --out")
    check_plan_flags(args)
    from ..catalog import load_catalog

    catalog = load_catalog(args.catalog)
    if args.format == "markdown":
        from ..plan.estimate import estimate_file
        from ..report import render

        est = estimate_file(args.file, catalog, as_of=args.as_of, currency=args.currency,
                            impute=True if args.impute else None, samples=args.samples, seed=args.seed,
                            horizon_months=args.horizon)
        write_output(render(est, "markdown"), out)
    else:
        from datetime import date

        from .. import __version__
        from ..plan.curves import report_file
        from ..report.html import render_html

        est, extras = report_file(args.file, catalog, as_of=args.as_of, currency=args.currency,
                                  impute=True if args.impute else None, samples=args.samples, seed=args.seed,
                                  horizon_months=args.horizon)
        write_output(render_html(est, extras, f"Made by tco {__version__} on {date.today()} from "
                                              f"{os.path.basename(args.file)}"), out)
    if out != "-":
        print(f"tco: wrote {out}", file=sys.stderr)
    return 0
