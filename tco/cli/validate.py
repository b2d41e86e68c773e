"""``tco validate FILE``: check a scenario file without estimating; ``tco validate --catalog DIR``
(no FILE): check a catalog of one's own, every file of it, hardware included."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from .args import CATALOG_ARG, PROG


def add_parser(sub: Any) -> None:
    v = sub.add_parser("validate", help="check a scenario file without estimating (or, with no file, the catalog)")
    v.add_argument("file", nargs="?", help="scenario YAML file (none: check the catalog alone, e.g. one of your own "
                                           "given with --catalog)")
    v.add_argument("--strict", action="store_true", help="offers not available on the as-of date are errors")
    v.add_argument("--catalog", **CATALOG_ARG)
    v.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..catalog import load_catalog
    from ..plan.scenario import check_scenario, load_scenario

    catalog = load_catalog(args.catalog)
    if args.file is None:  # the catalog alone: every file is read (hardware too, loaded on first use)
        from pathlib import Path

        hw = catalog.hardware if (Path(catalog.root) / "hardware").is_dir() else None
        print(f"{catalog.root}: ok ({len(catalog.offers):,} offers of {len(catalog.providers)} providers, "
              f"{len(catalog.models):,} models, {sum(len(v) for v in catalog.scores.values()):,} scores, "
              + (f"{len(hw.accelerators)} accelerators, {len(hw.engines)} engine profiles)" if hw is not None
                 else "no hardware/ folder: self-hosted candidates cannot be planned with it)"))
        return 0
    sc = load_scenario(args.file, catalog)
    for w in check_scenario(sc, catalog, strict=args.strict):
        print(f"{PROG}: warning: {w}", file=sys.stderr)
    n = len(sc.candidates)
    print(f"{args.file}: ok ({n} candidate{'s' if n != 1 else ''}, as of {sc.as_of or 'today'}, {sc.currency})")
    return 0
