"""What the user changed, and nothing else: the scenario data after an edit, rebased on the
data as saved, so that a save writes exactly the user's changes.

An edit builds new data from the current data. Before it is kept, :func:`rebase` gives back
the saved file's own objects wherever the new data says the same thing (``2`` typed where the
file says ``2.0`` keeps ``2.0``; an entry's keys keep the file's order), and leaves out keys
the file does not have when the new data gives them their default (``cached_input_share:
0``, ``currency: USD``, an empty ``fx: {}``). So edits that end where they started leave
data equal to the saved data, and the round-trip save (:mod:`tco.tui.yamlrt`) touches nothing.
No textual, no ruamel here.
"""

from __future__ import annotations

import json
from typing import Any

_UNSET = object()

DEFAULTS: dict[tuple[str, ...], Any] = {
    ("currency",): "USD",
    ("as_of",): None,
    ("workload", "cached_input_share"): 0,
    ("workload", "batch_share"): 0,
    ("workload", "peak_to_average"): 2,
    ("quality", "profile"): "general",
    ("quality", "min_coverage"): 0.5,
}
"""Scenario keys whose absence means this value (``tco.schema.scenario``'s defaults). A key
set to None means the same as its absence too."""

EMPTY_IS_ABSENT = {("fx",), ("quality",)}
"""Mappings whose emptiness means the same as their absence (``buy: {}`` does not: it says
"buy, at the catalog's prices"; nor does ``latency: {}``: no targets, where no ``latency:``
means the default targets)."""


def same(a: Any, b: Any) -> bool:
    """Equal in meaning: numbers by value (``2 == 2.0``, but never a bool for a number),
    mappings whatever their key order, everything else by type and value."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


def identical(a: Any, b: Any) -> bool:
    """Equal and of the same types all the way down (``2`` is not ``2.0`` here): what a file
    must read back as after a save."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(identical(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(identical(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def identity(v: Any) -> str:
    """What a list entry is, whatever was edited in it: a candidate's offer, or its
    self-hosted model and GPU (a plain ``offer-id`` and ``{offer: offer-id, label: ...}`` are
    the same entry renamed); anything else is its value."""
    if isinstance(v, str):
        return _key({"offer": v})
    if isinstance(v, dict):
        inner = v.get("selfhost") if isinstance(v.get("selfhost"), dict) else v
        ident = {k: inner[k] for k in ("offer", "model", "model_file", "gpu") if k in inner}
        if ident:
            return _key(ident)
    return _key(v)


def _key(v: Any) -> str:
    return json.dumps(v, sort_keys=True, default=str)


def _is_default(path: tuple[str, ...], value: Any) -> bool:
    if value is None or (isinstance(value, dict) and not value and path in EMPTY_IS_ABSENT):
        return True
    default = DEFAULTS.get(path, _UNSET)
    return default is not _UNSET and same(value, default)


def _without_defaults(value: Any, path: tuple[str, ...]) -> Any:
    """A mapping new to the file, less the keys that only restate a default."""
    if not isinstance(value, dict):
        return value
    out = {}
    for k, v in value.items():
        v = _without_defaults(v, (*path, str(k)))
        if not _is_default((*path, str(k)), v):
            out[k] = v
    return out


def rebase(new: Any, saved: Any, path: tuple[str, ...] = ()) -> Any:
    """``new`` with the saved objects wherever they say the same, and keys the saved data
    lacks left out where ``new`` only gives them their default."""
    if same(new, saved):
        return saved
    if isinstance(new, dict) and isinstance(saved, dict):
        out: dict[Any, Any] = {}
        for k, v in new.items():
            p = (*path, str(k))
            if k in saved:
                out[k] = rebase(v, saved[k], p)
            else:
                v = _without_defaults(v, p)
                if not _is_default(p, v):
                    out[k] = v
        if out.keys() == saved.keys():
            out = {k: out[k] for k in saved}  # the file's key order
        return saved if same(out, saved) else out
    if isinstance(new, list) and isinstance(saved, list):
        unused = list(saved)
        out_list: list[Any] = [_UNSET] * len(new)
        for n, v in enumerate(new):  # entries the file has as they are
            k = next((k for k, s in enumerate(unused) if same(v, s)), None)
            if k is not None:
                out_list[n] = unused.pop(k)
        for n, v in enumerate(new):  # entries edited in place: rebased on the file's entry
            if out_list[n] is _UNSET:
                k = next((k for k, s in enumerate(unused) if identity(s) == identity(v)), None)
                out_list[n] = rebase(v, unused.pop(k), (*path, "*")) if k is not None else v
        return out_list
    return new
