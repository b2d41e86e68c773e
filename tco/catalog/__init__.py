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
from .paths import builtin_copy

__all__ = ["DEFAULT_SCENARIO", "Catalog", "builtin_copy", "default_scenario_path", "find_catalog_dir", "load_catalog"]

DEFAULT_SCENARIO = "support-assistant.yaml"
"""The built-in example scenario: what `tco estimate` and `tco` run without a file."""


def default_scenario_path() -> Path:
    """The built-in example scenario (inside the wheel, or scenarios/ of a checkout)."""
    here = Path(__file__).resolve().parent.parent
    for folder in (here / "_scenarios", here.parent / "scenarios"):
        p = folder / DEFAULT_SCENARIO
        if p.is_file():
            return p
    raise TcoError("the built-in example scenario is missing", hint="pass a scenario file, or reinstall tco")


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
    """Load and validate the catalog. Kept in the process per directory while its files stay as
    they are: a catalog edited in a running notebook is loaded again on the next call."""
    root = find_catalog_dir(path).resolve()
    state = _files_state(root)
    if state is None:  # the folder cannot be listed: nothing tells a change, so nothing is kept
        return _load.__wrapped__(root, None)
    return _load(root, state)


def _files_state(path: Path) -> tuple[str, ...] | None:
    """Every file under the catalog directory by relative path, size, mtime and ctime (a write
    that restores the mtime, as ``cp -p`` or ``touch -r`` do, still changes the ctime); None when
    the directory cannot be listed."""
    try:
        entries: list[str] = []
        for dirpath, dirnames, filenames in os.walk(path):
            dirnames.sort()
            for name in sorted(filenames):
                if name.startswith("."):  # an editor's lock or backup file: not read, not counted
                    continue
                try:
                    st = os.stat(os.path.join(dirpath, name))
                except OSError:  # a dangling link: counted by name, so that it cannot hide an edit
                    entries.append(f"{os.path.relpath(os.path.join(dirpath, name), path)}|unreadable")
                    continue
                entries.append(f"{os.path.relpath(os.path.join(dirpath, name), path)}|{st.st_size}|{st.st_mtime_ns}|"
                               f"{st.st_ctime_ns}")
    except OSError:
        return None
    return tuple(entries)


@lru_cache(maxsize=8)
def _load(path: Path, state: tuple[str, ...] | None = None) -> Catalog:
    """Validated catalog, from the compiled cache when no catalog file changed.

    The cache (``$TCO_CACHE_DIR``, else ``$XDG_CACHE_HOME/tco``, else ``~/.cache/tco``) holds
    the already-validated catalog (as :mod:`tco.catalog.records`, so loading it needs no pydantic),
    keyed by every file's path, size, mtime and ctime, the code that shapes it, and the tco and
    Python versions; any change re-validates. ``TCO_NO_CACHE=1`` turns it off.
    A cache that cannot be read or written is ignored: it only ever saves time.
    """
    from . import cache

    if not cache.enabled():
        return load_catalog_dir(path)
    cache_file = _cache_file(path, state)
    if cache_file is not None:
        cat = cache.read(cache_file)
        if isinstance(cat, Catalog):
            cat.root = path
            cat.fingerprint = cache_file.stem
            return cat
    cat = load_catalog_dir(path)
    if cache_file is not None:
        cache.write(cache_file, _packed(cat))
        cat.fingerprint = cache_file.stem
    return cat


def _packed(cat: Catalog) -> Catalog:
    """The catalog as cached: offers and models pickled one by one (:class:`records.LazyMap`), so a
    warm run reads only those it uses."""
    import dataclasses

    from .records import LazyMap

    return dataclasses.replace(cat, offers=LazyMap.pack(cat.offers), models=LazyMap.pack(cat.models),
                               scores=LazyMap.pack(cat.scores),
                               _hardware=None, fingerprint="")


def scenario_cache_file(catalog: Catalog, data: bytes) -> Path | None:
    """Where the validated form of a scenario file with these bytes is cached, for this
    catalog and this schema code (None when caching is off)."""
    from . import cache

    if not cache.enabled() or not catalog.fingerprint:
        return None
    code = code_fingerprint(PACKAGE_DIR, SCENARIO_CODE)
    if code is None:
        return None
    return cache.cache_dir() / f"scenario-{cache.key(data, catalog.fingerprint.encode(), code.encode())}.pickle"


PACKAGE_DIR = Path(__file__).resolve().parent.parent
"""The ``tco`` package directory."""
CATALOG_CODE = ("schema", "catalog", "yamlio.py", "errors.py")
"""Folders of the code that shapes a cached catalog (schemas, records, loader)."""
SCENARIO_CODE = ("schema", "catalog", "plan", "yamlio.py", "errors.py")
"""Folders of the code that shapes and reads a cached scenario."""


def code_fingerprint(package: Path, folders: tuple[str, ...]) -> str | None:
    """Every ``.py`` file under ``folders`` of ``package`` (a folder, or one module such as
    ``yamlio.py``, which reads every file) by its path relative to the package, size and
    mtime: an edited, added, removed or moved module changes it, so a cache written by other
    code is never read (None if the code cannot be listed)."""
    entries: list[str] = []
    try:
        for folder in folders:
            if folder.endswith(".py"):
                st = os.stat(package / folder)
                entries.append(f"{folder}|{st.st_size}|{st.st_mtime_ns}")
                continue
            for dirpath, dirnames, filenames in os.walk(package / folder):
                dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
                for name in sorted(filenames):
                    if name.endswith(".py"):
                        full = os.path.join(dirpath, name)
                        st = os.stat(full)
                        entries.append(f"{os.path.relpath(full, package)}|{st.st_size}|{st.st_mtime_ns}")
    except OSError:
        return None
    return "\n".join(entries) if entries else None


def _cache_file(path: Path, entries: tuple[str, ...] | None) -> Path | None:
    import sys

    from .. import __version__
    from . import cache

    if entries is None:
        return None
    code = code_fingerprint(PACKAGE_DIR, CATALOG_CODE)  # the code that shapes the cached objects
    if code is None:
        return None
    key = "\n".join([str(path), __version__, sys.version, *entries, code])
    return cache.cache_dir() / f"catalog-{cache.key(key.encode())}.pickle"
