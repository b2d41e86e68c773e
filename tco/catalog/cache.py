"""The on-disk cache of validated data (catalog and scenario files, as :mod:`tco.catalog.records`).

``$TCO_CACHE_DIR``, else ``$XDG_CACHE_HOME/tco``, else ``~/.cache/tco``; ``TCO_NO_CACHE=1``
turns it off. A cache only ever saves time: one that cannot be read is a miss, one that
cannot be written is skipped.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any


def enabled() -> bool:
    return os.environ.get("TCO_NO_CACHE") != "1"


def cache_dir() -> Path:
    return Path(os.environ.get("TCO_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "tco"))


def read(path: Path) -> Any:
    """The cached object, or None."""
    import pickle

    try:
        with path.open("rb") as fh:
            return pickle.load(fh)
    except Exception:  # noqa: BLE001 - missing, truncated, from another version: a miss
        return None


def write(path: Path, obj: Any) -> None:
    """Store ``obj`` atomically (temp file + rename), or do nothing if that fails."""
    import pickle
    import tempfile

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(obj, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except Exception:  # noqa: BLE001 - read-only home, full disk: run without a cache
        return
