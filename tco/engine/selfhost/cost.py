"""Cost of a self-hosted deployment: buy (annuity capex, energy, hosting, staff) or rent
(per GPU-hour), and the volumes at which it is cheaper than an API. Pure numpy, vectorized.

Buy, per server (node) per month::

    capex   = price * CRF(rate, years) / 12,  CRF = rate / (1 - (1 + rate)^-years)  (1/years at rate 0)
    energy  = power_kw * load_factor * PUE * electricity_per_kwh * hours_per_month
    hosting = power_kw * hosting_per_kw_month
    staff   = staff_per_month (per deployment, not per server)

Rent: ``rent_per_gpu_hour * GPUs * hours_per_month`` (provisioned for the peak, all month),
GPUs billed in whole instances of ``gpus_per_instance``.
Servers bought = ceil(units x GPUs per unit / GPUs per node): replicas smaller than a node
share servers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .inputs import SECONDS_PER_MONTH, CostInputs


def capital_recovery_factor(rate: Any, years: Any) -> np.ndarray:
    """Annual payment per dollar borrowed at ``rate`` over ``years`` (1/years when rate is 0).

    8 % over 4 years: 0.08 / (1 - 1.08^-4) = 0.30192."""
    r = np.asarray(rate, dtype=np.float64)
    n = np.asarray(years, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        crf = np.where(np.abs(r) < 1e-12, 1.0 / n, r / (1.0 - (1.0 + r) ** (-n)))
    return crf


def server_monthly_cost(cost: CostInputs, seconds_per_month: float = SECONDS_PER_MONTH) -> dict[str, float]:
    """Monthly capex / energy / hosting of one bought server (USD)."""
    hours = seconds_per_month / 3600.0
    price = cost.server_price if cost.server_price is not None else np.nan
    capex = float(price * capital_recovery_factor(cost.cost_of_capital, cost.lifetime_years) / 12.0)
    kw = cost.power_kw if cost.power_kw is not None else np.nan
    energy = kw * cost.power_load_factor * cost.pue * cost.electricity_per_kwh * hours
    hosting = kw * cost.hosting_per_kw_month
    return {"capex": capex, "energy": energy, "hosting": hosting}


def monthly_costs(cost: CostInputs, gpus_per_unit: Any, gpus_per_node: int, units: Any,
                  seconds_per_month: float = SECONDS_PER_MONTH) -> dict[str, np.ndarray]:
    """Monthly cost components (USD) of ``units`` deployment units of ``gpus_per_unit`` GPUs.

    Keys: capex, energy, hosting, rent, staff, total, unit_per_month (one unit without
    staff, the marginal cost used for break-even) and billed_gpus (GPUs paid for: rented
    in whole instances, or bought in whole servers; replicas share them). NaN units give
    NaN costs.

    One 1-GPU replica on a rental sold as 8-GPU instances: billed_gpus = ceil(1 x 1 / 8) x 8 = 8;
    five such replicas still 8, the ninth 16."""
    g = np.asarray(gpus_per_unit, dtype=np.float64)
    u = np.asarray(units, dtype=np.float64)
    hours = seconds_per_month / 3600.0
    zero = np.zeros(np.broadcast(g, u).shape)
    if cost.mode == "rent":
        rate = cost.rent_per_gpu_hour if cost.rent_per_gpu_hour is not None else np.nan  # unknown, never 0
        inst = max(int(cost.gpus_per_instance), 1)
        with np.errstate(invalid="ignore"):
            billed = np.ceil(u * g / inst - 1e-9) * inst  # GPUs are rented in whole instances
        rent = billed * rate * hours
        unit = g * rate * hours + zero
        parts = {"capex": zero + 0.0, "energy": zero + 0.0, "hosting": zero + 0.0, "rent": rent}
        billed_gpus = billed + zero
    else:
        per_server = server_monthly_cost(cost, seconds_per_month)
        with np.errstate(invalid="ignore"):
            servers = np.ceil(u * g / gpus_per_node - 1e-9)
        parts = {k: servers * v for k, v in per_server.items()}
        parts["rent"] = zero + 0.0
        unit = g / gpus_per_node * sum(per_server.values()) + zero
        billed_gpus = servers * gpus_per_node + zero
    staff = np.where(np.isnan(u), np.nan, cost.staff_per_month or 0.0) + zero
    parts["staff"] = staff
    total = parts["capex"] + parts["energy"] + parts["hosting"] + parts["rent"] + staff
    parts = {k: np.where(np.isnan(u), np.nan, v) for k, v in parts.items()}
    parts["total"] = np.where(np.isnan(u), np.nan, total)
    parts["unit_per_month"] = unit
    parts["billed_gpus"] = np.where(np.isnan(u), np.nan, billed_gpus)
    return parts


BREAKEVEN_RANGE = (1.0, 1e9)
"""Requests/day searched for break-even volumes."""
BREAKEVEN_GRID = 4000
"""Points of the log grid (about 444 per decade: neighbours 0.5 % apart)."""


def cheaper_ranges(selfhost_cost: Callable[[np.ndarray], np.ndarray], api_cost_per_volume: Any, *,
                   lo: float = BREAKEVEN_RANGE[0], hi: float = BREAKEVEN_RANGE[1], points: int = BREAKEVEN_GRID,
                   extra: Any = None, atol: float = 0.001, rtol: float = 1e-12) -> list[list[list[float | None]]]:
    """Volumes at which self-hosting is cheaper than each API, from the true cost functions.

    ``selfhost_cost(v)`` is the deployment's monthly cost at volumes ``v`` (an array; NaN =
    unknown, never cheaper); it rises in steps (replicas, whole nodes or rented instances),
    so self-hosting can be cheaper on several separate ranges. ``api_cost_per_volume`` (A,)
    are the APIs' costs per unit of volume (an API's monthly cost is linear:
    ``a * v``). Both functions are evaluated on a log grid of ``points`` volumes from ``lo``
    to ``hi`` plus the ``extra`` volumes (pass the step positions, e.g. every multiple of a
    replica's capacity, so that no range narrower than the grid spacing is missed); every
    change of the cheaper side between two neighbours is then refined by bisection on the
    true functions (vectorized over all boundaries) to ``atol`` (or ``rtol`` relative).

    Returns, per API, the ranges ``[from, to]`` where ``selfhost_cost(v) < a * v``, sorted;
    ``from`` is the lowest cheaper volume found (``lo`` when cheaper already there), ``to``
    the highest, or None when self-hosting is still cheaper at ``hi`` (and beyond)."""
    a = np.atleast_1d(np.asarray(api_cost_per_volume, dtype=np.float64))
    grid = np.logspace(np.log10(lo), np.log10(hi), int(points))
    if extra is not None:
        e = np.asarray(extra, dtype=np.float64).reshape(-1)
        grid = np.concatenate([grid, e[np.isfinite(e) & (e >= lo) & (e <= hi)]])
    grid = np.unique(grid)

    def cheaper(v: np.ndarray, api: np.ndarray) -> np.ndarray:
        s = np.asarray(selfhost_cost(v), dtype=np.float64)
        with np.errstate(invalid="ignore"):
            return np.isfinite(s) & (s < api * v)

    s_grid = np.asarray(selfhost_cost(grid), dtype=np.float64)
    with np.errstate(invalid="ignore"):
        c = np.isfinite(s_grid)[None, :] & (s_grid[None, :] < a[:, None] * grid[None, :])  # (A, n)
    api_i, j = np.nonzero(c[:, 1:] != c[:, :-1])
    left, right = grid[j].copy(), grid[j + 1].copy()
    state = c[api_i, j]  # the left end's side: True = self-hosting cheaper
    for _ in range(200):
        busy = right - left > np.maximum(atol, rtol * right)
        if not busy.any():
            break
        mid = 0.5 * (left + right)
        same = cheaper(mid, a[api_i]) == state
        left = np.where(busy & same, mid, left)
        right = np.where(busy & ~same, mid, right)
    out: list[list[list[float | None]]] = []
    for k in range(len(a)):
        ranges: list[list[float | None]] = []
        start: float | None = float(grid[0]) if c[k, 0] else None
        for t in np.nonzero(api_i == k)[0]:  # in grid order
            if state[t]:  # cheaper -> not cheaper: the range ends at the last cheaper volume
                ranges.append([start, float(left[t])])
                start = None
            else:  # not cheaper -> cheaper: it starts at the first cheaper volume
                start = float(right[t])
        if start is not None:
            ranges.append([start, None])
        out.append(ranges)
    return out
