"""``tco serve [FILE]``: the interactive app in a web browser."""

from __future__ import annotations

import argparse
import os
from typing import Any

from .args import CATALOG_ARG


def add_parser(sub: Any) -> None:
    s = sub.add_parser("serve", help="the interactive app in a web browser (textual-serve), on 127.0.0.1:8000",
                       description="Serve the app over HTTP: each browser tab gets its own app on FILE. Listens on "
                                   "127.0.0.1 (this machine only) unless --host says otherwise; behind a reverse "
                                   "proxy, give --public-url (see the README).")
    s.add_argument("file", nargs="?", help="scenario YAML file (default: the built-in example)")
    s.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1; 0.0.0.0 for all)")
    s.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    s.add_argument("--public-url", metavar="URL",
                   help="the address browsers use, when a reverse proxy is in front (e.g. https://tco.example.com)")
    s.add_argument("--catalog", **CATALOG_ARG)
    s.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..errors import TcoError

    if args.public_url is not None:
        from urllib.parse import urlsplit

        u = urlsplit(args.public_url)
        if u.scheme not in ("http", "https") or not u.netloc:
            raise TcoError(f"--public-url must be an http:// or https:// address (got {args.public_url!r})",
                           hint="the address browsers use to reach the app, e.g. https://tco.example.com")
    if args.file is not None and not os.path.isfile(args.file):
        raise TcoError("file not found", file=args.file, hint="give a scenario file, or none for the built-in example")
    file = os.path.abspath(args.file) if args.file else None
    catalog = os.path.abspath(args.catalog) if args.catalog else None
    if args.file is not None:  # each tab would open it and show the error: said once, here, before serving
        from ..catalog import load_catalog
        from ..plan.scenario import load_scenario

        load_scenario(args.file, load_catalog(args.catalog))
    try:
        from ..tui.serve import serve
    except ImportError as e:
        raise TcoError(f"serving the app needs textual-serve ({e})",
                       hint="reinstall tco with its dependencies: python3 -m pip install .") from None
    return serve(file, catalog, args.host, args.port, args.public_url)
