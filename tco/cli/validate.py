"""``tco validate FILE``: check a scenario file without estimating."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from .args import CATALOG_ARG, PROG


def add_parser(sub: Any) -> None:
    v = sub.add_parser("validate", help="check a scenario file without estimating")
    v.add_argument("file", help="scenario YAML file")
    v.add_argument("--strict", action="store_true", help="offers not available on the as-of date are errors")
    v.add_argument("--catalog", **CATALOG_ARG)
    v.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..catalog import load_catalog
    from ..plan.scenario import check_scenario, load_scenario

    catalog = load_catalog(args.catalog)
    sc = load_scenario(args.file, catalog)
    for w in check_scenario(sc, catalog, strict=args.strict):
        print(f"{PROG}: warning: {w}", file=sys.stderr)
    n = len(sc.candidates)
    print(f"{args.file}: ok ({n} candidate{'s' if n != 1 else ''}, as of {sc.as_of or 'today'}, {sc.currency})")
    return 0
