"""Where the catalog's files are, and how to name them to a user (no imports from the package: the
catalog, hardware and loader modules all use it)."""

from __future__ import annotations

import os
from pathlib import Path


def builtin_copy(path: Path) -> bool:
    """True for the catalog inside an installed wheel (``tco/_catalog``): the package's own files."""
    return path.resolve() == (Path(__file__).resolve().parent.parent / "_catalog").resolve()


def display(path: Path) -> str:
    """The path as a user would type it: relative to the working directory when below it."""
    rel = os.path.relpath(path)
    return str(path) if rel.startswith("..") else rel
