"""``tco diff OLD NEW``: what changed between two scenarios or two saved estimates (a CI gate)."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from .args import CATALOG_ARG, add_wide, currency, format_for, iso_date, table_width, write_output

FORMATS = ("table", "json", "markdown")


def _pct(text: str) -> float:
    from ..schema.numbers import parse_number

    try:
        v = float(parse_number(text.rstrip("%")))
    except (ValueError, TypeError):
        raise argparse.ArgumentTypeError(f"invalid percentage {text!r} (e.g. 10 or 10%)") from None
    if v < 0:
        raise argparse.ArgumentTypeError(f"a rise cannot be negative ({text}); e.g. 10 for 10 %")
    return v


def add_parser(sub: Any) -> None:
    d = sub.add_parser("diff", help="what changed between two scenarios or saved estimates (a CI gate)",
                       description="Compare two scenario files, two saved JSON estimates (tco estimate -f json), or "
                                   "one of each: per candidate the monthly cost, cost per quality point and rank "
                                   "before and after; candidates added and removed; the inputs that changed.")
    d.add_argument("old", help="the scenario or saved estimate before")
    d.add_argument("new", help="the scenario or saved estimate after")
    d.add_argument("--format", "-f", choices=FORMATS,
                   help="output format (markdown: for a pull-request comment; default: the --out file's extension "
                        "names it, .json .md .txt; else table)")
    d.add_argument("--fail-above", type=_pct, metavar="PCT",
                   help="exit 1 when any candidate on both sides rises by more than PCT percent in monthly cost, "
                        "or had a cost before and has none now (retired, price unknown)")
    d.add_argument("--as-of", type=iso_date, help="price date for scenario files (default: each scenario's)")
    d.add_argument("--currency", type=currency, help="compare in this currency (scenario files are estimated in it)")
    d.add_argument("--out", "-o", metavar="FILE", help="write to FILE (atomically) instead of stdout")
    add_wide(d)
    d.add_argument("--catalog", **CATALOG_ARG)
    d.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from .. import yamlio
    from ..catalog import find_catalog_dir, load_catalog
    from ..files import refuse_overwriting_inputs
    from ..plan.diff import diff_files
    from ..report.diff import render_diff

    args.format = format_for(args.format, args.out, "table", FORMATS)  # -o d.json writes JSON, as estimate
    for path in (args.old, args.new):  # before any work: a pipe would block, /dev/zero never ends
        yamlio.check_file(path)
    refuse_overwriting_inputs(args.out, {"the old side": args.old, "the new side": args.new},
                              find_catalog_dir(args.catalog))
    catalog = load_catalog(args.catalog)
    d = diff_files(args.old, args.new, catalog, as_of=args.as_of, currency=args.currency)
    verdict = []  # decided before anything is written: a reader that stops early (`| head`) cannot change it
    if args.fail_above is not None:
        for r in d.rises_above(args.fail_above):
            pct = "from nothing" if r["change_pct"] == float("inf") else f"by {r['change_pct']:.1f}%"
            verdict.append(f"tco: {r['label']} rose {pct} (more than --fail-above {args.fail_above:g}%)")
        for r in d.lost_cost():
            verdict.append(f"tco: {r['label']} had a monthly cost before and has none now "
                           f"({r['reason'][1] or 'no cost'}): it fails --fail-above too")
        d.gate = {"fail_above": args.fail_above, "failed": bool(verdict),
                  "reasons": [v.removeprefix("tco: ") for v in verdict]}
    try:
        write_output(render_diff(d, args.format, table_width(args)), args.out)
    except BrokenPipeError:
        if not verdict:
            raise  # nothing more to say: main() ends quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error when Python exits
    for line in verdict:
        print(line, file=sys.stderr)
    return 1 if verdict else 0
