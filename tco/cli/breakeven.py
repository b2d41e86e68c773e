"""``tco breakeven FILE``: the volume at which each self-hosted candidate beats each API."""

from __future__ import annotations

import argparse
from typing import Any

from .args import CATALOG_ARG, currency, iso_date, write_output


def add_parser(sub: Any) -> None:
    b = sub.add_parser("breakeven", help="volume at which each self-hosted candidate beats each API candidate")
    b.add_argument("file", help="scenario YAML file with self-hosted and API candidates")
    b.add_argument("--format", "-f", choices=("table", "json"), default="table", help="output format")
    b.add_argument("--as-of", type=iso_date, help="price date YYYY-MM-DD (default: the scenario's)")
    b.add_argument("--currency", type=currency, help="report currency (default: the scenario's)")
    b.add_argument("--catalog", **CATALOG_ARG)
    b.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..catalog import load_catalog
    from ..plan.scenario import load_scenario
    from ..report.breakeven import breakeven_report

    catalog = load_catalog(args.catalog)
    scenario = load_scenario(args.file, catalog)
    write_output(breakeven_report(scenario, catalog, as_of=args.as_of, currency=args.currency, fmt=args.format),
                 None)
    return 0
