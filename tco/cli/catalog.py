"""``tco catalog list|show``: browse the pricing catalog."""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from .args import CATALOG_ARG, add_wide, iso_date, table_width, usage, write_output


def add_parser(sub: Any) -> None:
    c = sub.add_parser("catalog", help="browse the pricing catalog")
    csub = c.add_subparsers(dest="catalog_command", metavar="SUBCOMMAND")
    cl = csub.add_parser("list", help="list offers (with the price in force), models, benchmarks, profiles, fx")
    cl.add_argument("--kind", choices=("offer", "model", "benchmark", "profile", "fx", "gpu", "rental", "server",
                                       "engine"), default="offer",
                    help="what to list (default: offer)")
    cl.add_argument("--as-of", type=iso_date, help="price date for offers (default: today)")
    cl.add_argument("--format", "-f", choices=("table", "json"), default="table", help="output format")
    add_wide(cl)
    cl.add_argument("--catalog", **CATALOG_ARG)
    cl.set_defaults(func=run_list)
    cs = csub.add_parser("show", help="show one offer's full price history (or a model, benchmark, profile, GPU)")
    cs.add_argument("id", help="an id from `tco catalog list`")
    cs.add_argument("--format", "-f", choices=("table", "json"), default="table", help="output format")
    add_wide(cs)
    cs.add_argument("--catalog", **CATALOG_ARG)
    cs.set_defaults(func=run_show)
    c.set_defaults(func=lambda a: usage(c))


def run_list(args: argparse.Namespace) -> int:
    from ..catalog import load_catalog
    from ..report.catalog import list_catalog

    write_output(list_catalog(load_catalog(args.catalog), args.kind, args.as_of or date.today(), args.format,
                              table_width(args)), None)
    return 0


def run_show(args: argparse.Namespace) -> int:
    from ..catalog import load_catalog
    from ..report.catalog import show

    write_output(show(load_catalog(args.catalog), args.id, args.format, table_width(args)), None)
    return 0
