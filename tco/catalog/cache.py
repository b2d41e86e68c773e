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


def key(*parts: bytes) -> str:
    """A 24-hex-digit cache key of ``parts`` (BLAKE2b, 96 bits): the built-in module, as
    ``hashlib.blake2b`` is, without ``hashlib``'s load of OpenSSL (3-4 ms of every warm run)."""
    try:
        from _blake2 import blake2b
    except ImportError:  # pragma: no cover - a Python built without it
        from hashlib import blake2b
    h = blake2b(digest_size=12)
    for part in parts:
        h.update(part)
    return h.hexdigest()


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
        _prune(path)
    except Exception:  # noqa: BLE001 - read-only home, full disk: run without a cache
        return


KEEP = {"catalog": 4, "impute": 8, "scenario": 64}
"""How many cached files of each kind stay (the newest written): a catalog is ~3.5 MB and every
edit of a catalog file, or a new tco, writes another; one pruned is validated again, once."""


def _prune(written: Path) -> None:
    kind = written.name.partition("-")[0]
    older = sorted((p for p in written.parent.glob(f"{kind}-*.pickle") if p != written),
                   key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for stale in older[KEEP.get(kind, 16) - 1:]:
        stale.unlink(missing_ok=True)
