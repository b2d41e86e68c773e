"""Break-even: where each self-hosted candidate is cheaper than each API candidate, at the
scenario's request shape, from the true (step-shaped) cost functions."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from ..engine.api import api_cost
from ..engine.money import round_half_up
from ..engine.selfhost.cost import BREAKEVEN_RANGE, cheaper_ranges
from .evaluate import WorkloadPoints, _point_slice
from .selfhost import evaluate_selfhost

if TYPE_CHECKING:
    from .compile import Compiled


MAX_RANGES = 4
"""Ranges listed per pair; more are counted (``ranges_total``) and the open-ended last one is kept."""


def _vol(v: float) -> str:
    return f"{v:,.0f}"


def _up_to(hi: float) -> str:
    """A search bound in words: 1e9 -> '1 billion', 2.5e9 -> '2,500,000,000'."""
    for value, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if hi >= value and (hi / value).is_integer():
            return f"{hi / value:,.0f} {word}"
    return f"{hi:,.0f}"


def breakeven_note(ranges: list[list[float | None]], total: int, hi: float, unit: str = "requests/day",
                   scale: float = 1.0) -> str:
    """The ranges in words, in the scenario's own volume unit (``scale`` turns requests/day
    into it): 'cheaper between 65,609 and 88,247 requests/day', 'cheaper at 38,272
    requests/day or more', 'the API is cheaper at every volume up to 1 billion requests/day'."""
    if not ranges:
        return f"never cheaper: the API is cheaper at every volume up to {_up_to(hi * scale)} {unit}"
    parts = [f"between {_vol(a * scale)} and {_vol(b * scale)}" if b is not None else f"at {_vol(a * scale)} or more"
             for a, b in ranges]
    if total > len(ranges):
        more = total - len(ranges)
        at = len(parts) - 1 if ranges[-1][1] is None else len(parts)
        parts.insert(at, f"{more} more range{'s' if more > 1 else ''}")
    text = parts[0] if len(parts) == 1 else (", ".join(parts[:-1]) + ("," if len(parts) > 2 else "")
                                             + " and " + parts[-1])
    return "cheaper " + text + f" {unit}"


def volume_unit(compiled: Compiled) -> tuple[str, float]:
    """The scenario's own volume unit and the factor from requests/day to it."""
    w = compiled.scenario.workload
    if w.requests_per_month is not None:
        return "requests/month", float(w.days_per_month)
    return "requests/day", 1.0


def breakeven(compiled: Compiled, sweep: Any, points: WorkloadPoints, point: int = 0) -> list[dict[str, Any]]:
    """Where each self-hosted candidate is cheaper than each API candidate, at the
    scenario's request shape, from the true cost functions.

    The deployment's monthly cost (replicas, whole nodes or rented instances: it rises in
    steps) and the API's (linear in the volume) are evaluated on a log grid of
    requests/day from 1 to 1e9 plus every step of the deployment's capacity; each change
    of the cheaper side is refined by bisection (:func:`tco.engine.selfhost.cost.cheaper_ranges`).
    Per (self-hosted, API) pair: ``requests_per_day`` (lowest volume from which
    self-hosting is cheaper, None if never), ``ranges`` ([from, to] requests/day, ``to``
    None = and beyond; at most ``MAX_RANGES``, ``ranges_total`` counts them all),
    ``cheaper_at_current_volume`` (from the estimate's own monthly costs) and ``note``,
    the ranges in words. Volumes and monthly costs are rounded to 2 decimals."""
    out: list[dict[str, Any]] = []
    days = points.days_per_month
    rpm = float(points.requests_per_month[point])
    current_rpd = rpm / days
    lo, hi = BREAKEVEN_RANGE
    hi = max(hi, 10.0 * current_rpd)
    sl = slice(point, point + 1)
    shape = {k: float(getattr(points, k)[point]) for k in ("input_tokens", "output_tokens", "cached_share",
                                                          "batch_share", "peak_to_average")}
    # API cost of one request per month (report currency): the API's cost is linear in the volume
    per_request = np.full(len(compiled.candidates), np.nan)
    if len(compiled.api_index):
        unit = api_cost(compiled.prices, np.ones(1), *_point_slice(points, sl)[1:]).total[:, 0]
        per_request[compiled.api_index] = unit
    apis = [ai for ai, a in enumerate(compiled.candidates)
            if a.kind == "api" and math.isfinite(float(sweep.monthly_cost[ai, point]))
            and math.isfinite(per_request[ai])]

    def rnd(v: float | None) -> float | None:
        return None if v is None or not math.isfinite(v) else round_half_up(v, 2)

    for si, s in enumerate(compiled.candidates):
        if s.kind != "selfhost" or si not in sweep.selfhost or not apis:
            continue

        def selfhost_cost(rpd: np.ndarray, s: Any = s) -> np.ndarray:
            n = len(rpd)
            grid = WorkloadPoints(np.asarray(rpd, dtype=np.float64) * days,
                                  *(np.full(n, shape[k]) for k in ("input_tokens", "output_tokens", "cached_share",
                                                                   "batch_share", "peak_to_average")),
                                  days_per_month=days)
            return evaluate_selfhost(compiled, s, grid)[1]

        # every step of the deployment's capacity: k replicas serve up to k x one replica's volume
        plan = sweep.selfhost[si]
        unit_rps = float(np.asarray(plan.requests_per_s_capacity).reshape(-1)[point])
        steps = None
        if math.isfinite(unit_rps) and unit_rps > 0:
            per_replica_day = unit_rps * 86400.0 / max(shape["peak_to_average"], 1.0)
            k = np.arange(1, int(min(hi / per_replica_day, 20_000)) + 1, dtype=np.float64)
            steps = k * per_replica_day
        extra = np.concatenate([steps if steps is not None else np.empty(0), [current_rpd]])
        found = cheaper_ranges(selfhost_cost, per_request[apis] * days, lo=lo, hi=hi, extra=extra)
        sh_month = float(sweep.monthly_cost[si, point])
        for ai, ranges in zip(apis, found, strict=True):
            a = compiled.candidates[ai]
            api_month = float(sweep.monthly_cost[ai, point])
            shown = ranges if len(ranges) <= MAX_RANGES else ranges[:MAX_RANGES - 1] + [ranges[-1]]
            unit, scale = volume_unit(compiled)
            # the note and the listed ranges say the same numbers, in the scenario's own unit
            in_unit = [[rnd(f * scale), rnd(t * scale) if t is not None else None] for f, t in shown]
            shown = [[rnd(f), rnd(t)] for f, t in shown]
            if not math.isfinite(sh_month) and not ranges:
                note = "no break-even: the self-hosted cost is unknown (see its warnings)"
            else:
                note = breakeven_note(in_unit, len(ranges), hi * scale, unit)
            out.append({
                "selfhost": s.id, "api": a.id,
                "api_cost_per_request": float(per_request[ai]),
                "requests_per_day": rnd(ranges[0][0]) if ranges else None,
                "requests_per_month": rnd(ranges[0][0] * days) if ranges else None,
                "ranges": shown,
                "ranges_total": len(ranges),
                "cheaper_at_current_volume": bool(math.isfinite(sh_month) and sh_month < api_month),
                "current_requests_per_day": rnd(current_rpd),
                "selfhost_monthly_cost": rnd(sh_month),
                "api_monthly_cost": rnd(api_month),
                "searched_up_to_requests_per_day": hi,
                "note": note,
                "volume_unit": unit,
                "volume_ranges": in_unit,
            })
    return out
