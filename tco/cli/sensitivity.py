"""``tco sensitivity FILE``: which uncertain input moves the answer most."""

from __future__ import annotations

import argparse
from typing import Any

from .args import CATALOG_ARG, currency, iso_date, table_width, write_output


def add_parser(sub: Any) -> None:
    s = sub.add_parser("sensitivity", help="which uncertain input moves the answer most (a tornado)",
                       description="Move each input alone to the low and high end of its range (or of its documented "
                                   "default spread: volume x0.5-x2, tokens +-30 %, API prices -30 %/+10 %, FX +-5 %, a given cached share "
                                   "x0.5-x1.5, reasoning tokens x0.5-x2; with self-hosting: its bills -30 %/+10 %, peak/average "
                                   "x0.75-x1.5, utilization x0.75-x1.125, throughput the P10-P90 of its engine profile's "
                                   "measured error; docs/uncertainty.md) "
                                   "and show how the best value and the self-hosted minus API gap move.")
    s.add_argument("file", help="scenario YAML file")
    s.add_argument("--format", "-f", choices=("table", "json"), default="table", help="output format")
    s.add_argument("--as-of", type=iso_date, help="price date YYYY-MM-DD (default: the scenario's)")
    s.add_argument("--currency", type=currency, help="report currency (default: the scenario's)")
    s.add_argument("--candidate", metavar="NAME",
                   help="also read every move on this candidate (an offer id such as openai/gpt-4o, or a "
                        "self-hosted candidate's name): its monthly cost and cost per quality point at each "
                        "end, inputs sorted by how far they move its cost, whether it wins or not")
    s.add_argument("--catalog", **CATALOG_ARG)
    s.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..catalog import load_catalog
    from ..plan.compile import compile_scenario
    from ..plan.scenario import load_scenario
    from ..plan.sensitivity import find_candidate, sensitivity
    from ..report.sensitivity import render_sensitivity

    catalog = load_catalog(args.catalog)
    scenario = load_scenario(args.file, catalog)
    compiled = compile_scenario(scenario, catalog, as_of=args.as_of, currency=args.currency)
    data = sensitivity(compiled, None if args.candidate is None else find_candidate(compiled, args.candidate))
    write_output(render_sensitivity(data, args.format, table_width(args)), None)
    return 0
