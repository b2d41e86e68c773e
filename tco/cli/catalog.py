"""``tco catalog list|show|update|check|coverage|impute-check``: browse the pricing catalog,
regenerate its imported layer from the installed genai-prices, compare the curated layer with
the imported one, and see which quality scores exist and how well the missing are imputed."""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from .args import CATALOG_ARG, add_wide, iso_date, table_width, usage, write_output


KINDS = ("offer", "model", "benchmark", "profile", "fx", "gpu", "rental", "server", "engine")
"""What ``tco catalog list`` lists."""


def list_kind(text: str) -> str:
    """A kind to list, singular or plural (``benchmarks`` is ``benchmark``)."""
    t = text.strip().lower()
    for kind in (t, t.removesuffix("s")):
        if kind in KINDS:
            return kind
    raise argparse.ArgumentTypeError(f"cannot list {text!r} (one of: {', '.join(KINDS)}; plurals work too)")


def add_parser(sub: Any) -> None:
    c = sub.add_parser("catalog", help="browse the pricing catalog")
    csub = c.add_subparsers(dest="catalog_command", metavar="SUBCOMMAND")
    cl = csub.add_parser("list", help="list offers (with the price in force), models, benchmarks, profiles, fx")
    cl.add_argument("what", nargs="?", type=list_kind, metavar="KIND",
                    help=f"what to list, singular or plural: {', '.join(KINDS)} (default: offer)")
    cl.add_argument("--kind", type=list_kind, default=None, help="the same as KIND")
    cl.add_argument("--as-of", type=iso_date, help="price date for offers (default: today)")
    cl.add_argument("--on-sale", action="store_true",
                    help="offers: only those on sale on that date (launched, not retired, a price point in force; "
                         "a part of it, such as the input price, may still be unknown)")
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
    cu = csub.add_parser("update", help="regenerate the imported layer (pricing/imported) from the installed "
                                        "genai-prices and print what changed")
    cu.add_argument("--released", type=iso_date, metavar="DATE",
                    help="the installed genai-prices version's PyPI upload date: its undated prices are dated then "
                         "(default: recorded for known versions, else today)")
    cu.add_argument("--dry-run", action="store_true", help="print what would change, write nothing")
    cu.add_argument("--format", "-f", choices=("table", "json"), default="table", help="output format")
    cu.add_argument("--catalog", **CATALOG_ARG)
    cu.set_defaults(func=run_update)
    cc = csub.add_parser("check", help="curated versus imported prices, per overlapping offer and date")
    cc.add_argument("--format", "-f", choices=("table", "json"), default="table", help="output format")
    add_wide(cc)
    cc.add_argument("--catalog", **CATALOG_ARG)
    cc.set_defaults(func=run_check)
    cv = csub.add_parser("coverage", help="which models have which quality scores: measured, imputed, missing",
                         description="The score matrix of a quality profile for the models behind the offers: "
                                     "measured, imputed (what --impute in an estimate would fill; "
                                     "--no-impute leaves it out) or missing, and how many offers can be ranked.")
    cv.add_argument("--profile", default="general", help="quality profile (default: general; tco catalog list "
                                                         "--kind profile lists them)")
    cv.add_argument("--as-of", type=iso_date, help="only the offers on sale on this date (default: every offer)")
    cv.add_argument("--no-impute", action="store_true", help="measured scores only")
    cv.add_argument("--format", "-f", choices=("table", "json"), default="table", help="output format")
    add_wide(cv)
    cv.add_argument("--catalog", **CATALOG_ARG)
    cv.set_defaults(func=run_coverage)
    ci = csub.add_parser("impute-check", help="how accurate imputed scores are: leave-one-out over every measured score",
                         description="Hide every measured score in turn, refit the low-rank model, predict it: the "
                                     "median absolute error and the share inside the 80% interval, per benchmark.")
    ci.add_argument("--format", "-f", choices=("table", "json"), default="table", help="output format")
    add_wide(ci)
    ci.add_argument("--catalog", **CATALOG_ARG)
    ci.set_defaults(func=run_impute_check)
    c.set_defaults(func=lambda a: usage(c))


def run_list(args: argparse.Namespace) -> int:
    from ..catalog import load_catalog
    from ..report.catalog import list_catalog

    from .args import error

    if args.what and args.kind and args.what != args.kind:
        error(f"two kinds to list: {args.what} and --kind {args.kind} (give one)")
        return 2
    kind = args.what or args.kind or "offer"
    if args.on_sale and kind != "offer":
        error(f"--on-sale lists offers, not {kind}s")
        return 2
    write_output(list_catalog(load_catalog(args.catalog), kind, args.as_of or date.today(), args.format,
                              table_width(args), on_sale=args.on_sale), None)
    return 0


def run_show(args: argparse.Namespace) -> int:
    from ..catalog import load_catalog
    from ..report.catalog import show

    write_output(show(load_catalog(args.catalog), args.id, args.format, table_width(args)), None)
    return 0


def run_update(args: argparse.Namespace) -> int:
    import os

    from ..catalog import builtin_copy, find_catalog_dir
    from ..catalog.update import update
    from ..errors import TcoError
    from ..report.imported import render_update

    root = find_catalog_dir(args.catalog)
    if args.catalog is None and not os.environ.get("TCO_CATALOG") and builtin_copy(root) and not args.dry_run:
        raise TcoError("the built-in catalog is the installed package's own copy: update writes a catalog of yours",
                       file=str(root), hint=f"cp -r {root} mycatalog && tco catalog update --catalog mycatalog, then "
                                            "use --catalog mycatalog or TCO_CATALOG=mycatalog")
    write_output(render_update(update(root, args.released, write=not args.dry_run), args.format), None)
    return 0


def run_check(args: argparse.Namespace) -> int:
    from ..catalog import find_catalog_dir
    from ..catalog.check import check
    from ..report.imported import render_check

    write_output(render_check(check(find_catalog_dir(args.catalog)), args.format, table_width(args)), None)
    return 0


def run_coverage(args: argparse.Namespace) -> int:
    from ..catalog import load_catalog
    from ..report.quality import check_profile, render_coverage

    cat = load_catalog(args.catalog)
    check_profile(cat, args.profile)
    write_output(render_coverage(cat, args.profile, args.as_of, args.format, table_width(args),
                                 impute=not args.no_impute), None)
    return 0


def run_impute_check(args: argparse.Namespace) -> int:
    from ..catalog import load_catalog
    from ..plan.quality import impute_check
    from ..report.quality import render_impute_check

    write_output(render_impute_check(impute_check(load_catalog(args.catalog)), args.format, table_width(args)), None)
    return 0
