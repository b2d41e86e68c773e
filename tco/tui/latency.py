"""The ttft/tpot fields: latency targets that belong to each self-hosted candidate.

A self-hosted candidate's target is in one of three states, as its file says: the defaults
(no ``latency:`` key: sized for ``pricing/hardware/defaults.yaml``'s TTFT and TPOT, with a
warning), no target (``latency: {}``, or the key left out of ``latency:``), or a number. A
field shows their common state: the number, ``none``, empty with "2000 (default)" greyed, or
empty with "mixed" (they differ) or "no self-hosted" (nothing to apply it to). Typing a
number or ``none`` sets it on every self-hosted candidate (one on the defaults keeps the other
target's default value, written out); emptying the field gives each the default again (the
``latency:`` key goes when both targets are back at the defaults), or, where the file's own
targets differ, each its own target from the file. Plain data in, plain data out (no textual).
"""

from __future__ import annotations

from typing import Any

from .changes import same

LATENCY_KEYS = {"ttft": "ttft_ms", "tpot": "tpot_ms"}
NO_SELFHOST = "no self-hosted"
"""What the ttft/tpot fields say when there is no self-hosted candidate to apply them to."""
MIXED = "mixed"
"""What the ttft/tpot fields say when the self-hosted candidates' targets differ."""
NONE = "none"
"""What a field holds when no self-hosted candidate has that target (typed: no target)."""


class _Default:
    """A target left to the defaults (no ``latency:`` key); what an empty field asks for."""

    def __repr__(self) -> str:
        return "DEFAULT"


DEFAULT: Any = _Default()


def default_placeholder(value: float) -> str:
    """What an empty field shows when the targets are the defaults: ``2000 (default)``."""
    return f"{value:g} (default)"


def _selfhosts(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [c["selfhost"] for c in data.get("candidates", [])
            if isinstance(c, dict) and isinstance(c.get("selfhost"), dict)]


def latency_of(data: dict[str, Any], key: str) -> list[Any]:
    """The ``key`` target of every self-hosted candidate of ``data``, in file order: a number,
    None (no target) or :data:`DEFAULT` (no ``latency:`` key)."""
    out = []
    for sh in _selfhosts(data):
        lat = sh.get("latency")
        out.append(lat.get(key) if isinstance(lat, dict) else DEFAULT)
    return out


def common(values: list[Any]) -> Any:
    """The state every value shares (:data:`MIXED` when they differ)."""
    first = values[0]
    if all(v is first or (v is not DEFAULT and first is not DEFAULT and same(v, first)) for v in values):
        return first
    return MIXED


def set_latency(data: dict[str, Any], key: str, value: Any, defaults: dict[str, float]) -> None:
    """Set one latency target on every self-hosted candidate: a number, None (no target) or
    :data:`DEFAULT`, leaving the other target of each as it is (a candidate on the defaults
    keeps the other default value, written out; ``defaults`` maps ``ttft_ms``/``tpot_ms`` to
    them)."""
    for sh in _selfhosts(data):
        lat = sh.get("latency")
        if value is DEFAULT:
            if not isinstance(lat, dict):
                continue  # on the defaults already
            lat = {**lat, key: defaults[key]}
            if set(lat) <= set(defaults) and all(same(lat.get(k), v) for k, v in defaults.items()):
                sh.pop("latency", None)  # both at the defaults: the defaults, as the file says them
            else:
                sh["latency"] = lat
            continue
        lat = dict(lat) if isinstance(lat, dict) else dict(defaults)
        if value is None:
            lat.pop(key, None)
        else:
            lat[key] = value
        sh["latency"] = lat  # an empty one is `latency: {}`: no targets at all


def restore_latency(data: dict[str, Any], saved: dict[str, Any], key: str, defaults: dict[str, float]) -> None:
    """Give every self-hosted candidate its own ``key`` target as the saved file has it (a
    candidate the file does not have gets the default)."""
    def bare(c: Any) -> Any:
        return {k: v for k, v in c.items() if k != "latency"}

    saved_sh = _selfhosts(saved)
    for sh in _selfhosts(data):
        twin = next((s for s in saved_sh if same(bare(s), bare(sh))), None)
        own = latency_of({"candidates": [{"selfhost": twin}]}, key)[0] if twin is not None else DEFAULT
        set_latency({"candidates": [{"selfhost": sh}]}, key, own, defaults)
