"""Find and load the pricing catalog (``pricing/`` in a checkout, ``tco/_catalog`` in a wheel).

Resolution order: an explicit directory (``--catalog``), the ``TCO_CATALOG`` environment
variable, the copy inside an installed wheel, the ``pricing/`` directory of a source
checkout or editable install.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from ..errors import TcoError
from .loader import Catalog, load_catalog_dir

__all__ = ["Catalog", "find_catalog_dir", "load_catalog"]


def find_catalog_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The catalog directory to use, following the resolution order above."""
    if explicit is not None:
        p = Path(explicit)
        if not p.is_dir():
            raise TcoError("catalog directory not found", file=str(p), hint="--catalog takes a directory like pricing/")
        return p
    env = os.environ.get("TCO_CATALOG")
    if env:
        p = Path(env)
        if not p.is_dir():
            raise TcoError("catalog directory not found", file=str(p), hint="TCO_CATALOG points at a missing directory")
        return p
    here = Path(__file__).resolve().parent.parent  # the tco package directory
    wheel = here / "_catalog"
    if wheel.is_dir():
        return wheel
    checkout = here.parent / "pricing"
    if checkout.is_dir():
        return checkout
    raise TcoError("no pricing catalog found", hint="reinstall tco, or pass --catalog DIR / set TCO_CATALOG")


def load_catalog(path: str | os.PathLike[str] | None = None) -> Catalog:
    """Load and validate the catalog (cached per directory for the life of the process)."""
    return _load(find_catalog_dir(path).resolve())


@lru_cache(maxsize=8)
def _load(path: Path) -> Catalog:
    return load_catalog_dir(path)
