"""The ttft/tpot fields: latency targets that belong to each self-hosted candidate. A field
shows their common target, "mixed" or "no self-hosted"; typing sets one target on every
self-hosted candidate; emptying a field that said "mixed" gives each its own target from the
file again. Plain data in, plain data out (no textual)."""

from __future__ import annotations

from typing import Any

from .changes import same

LATENCY_KEYS = {"ttft": "ttft_ms", "tpot": "tpot_ms"}
NO_SELFHOST = "no self-hosted"
"""What the ttft/tpot fields say when there is no self-hosted candidate to apply them to."""
MIXED = "mixed"
"""What the ttft/tpot fields say when the self-hosted candidates' targets differ."""


def set_latency(data: dict[str, Any], key: str, value: float | None) -> None:
    """Set (or, with None, clear) one latency target on every self-hosted candidate, leaving
    the other target of each as it is."""
    for c in data.get("candidates", []):
        if not (isinstance(c, dict) and isinstance(c.get("selfhost"), dict)):
            continue
        sh = c["selfhost"]
        lat = sh.get("latency")
        if not isinstance(lat, dict):
            lat = {}
        if value is None:
            lat.pop(key, None)
        else:
            lat[key] = value
        if lat:
            sh["latency"] = lat
        else:
            sh.pop("latency", None)


def latency_of(data: dict[str, Any], key: str) -> list[Any]:
    """The ``key`` target of every self-hosted candidate of ``data``, in file order."""
    out = []
    for c in data.get("candidates", []):
        if isinstance(c, dict) and isinstance(c.get("selfhost"), dict):
            lat = c["selfhost"].get("latency")
            out.append(lat.get(key) if isinstance(lat, dict) else None)
    return out


def restore_latency(data: dict[str, Any], saved: dict[str, Any], key: str) -> None:
    """Give every self-hosted candidate its own ``key`` target as the saved file has it (a
    candidate the file does not have gets none)."""
    def bare(c: Any) -> Any:
        sh = {k: v for k, v in c["selfhost"].items() if k != "latency"}
        return {**c, "selfhost": sh}

    saved_sh = [c for c in saved.get("candidates", []) if isinstance(c, dict) and isinstance(c.get("selfhost"), dict)]
    for c in data.get("candidates", []):
        if not (isinstance(c, dict) and isinstance(c.get("selfhost"), dict)):
            continue
        twin = next((s for s in saved_sh if same(bare(s), bare(c))), None)
        lat = twin["selfhost"].get("latency") if twin is not None else None
        own = lat.get(key) if isinstance(lat, dict) else None
        mine = c["selfhost"].get("latency")
        mine = dict(mine) if isinstance(mine, dict) else {}
        if own is None:
            mine.pop(key, None)
        else:
            mine[key] = own
        if mine:
            c["selfhost"]["latency"] = mine
        else:
            c["selfhost"].pop("latency", None)
