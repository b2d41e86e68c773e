"""Cost of a self-hosted deployment: buy (annuity capex, energy, hosting, staff) or rent
(per GPU-hour), and the break-even volume against an API. Pure numpy, vectorized.

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

from typing import Any

import numpy as np

from .selfhost import SECONDS_PER_MONTH, CostInputs


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

    Keys: capex, energy, hosting, rent, staff, total, and unit_per_month (one unit without
    staff, the marginal cost used for break-even). NaN units give NaN costs."""
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
    else:
        per_server = server_monthly_cost(cost, seconds_per_month)
        with np.errstate(invalid="ignore"):
            servers = np.ceil(u * g / gpus_per_node - 1e-9)
        parts = {k: servers * v for k, v in per_server.items()}
        parts["rent"] = zero + 0.0
        unit = g / gpus_per_node * sum(per_server.values()) + zero
    staff = np.where(np.isnan(u), np.nan, cost.staff_per_month or 0.0) + zero
    parts["staff"] = staff
    total = parts["capex"] + parts["energy"] + parts["hosting"] + parts["rent"] + staff
    parts = {k: np.where(np.isnan(u), np.nan, v) for k, v in parts.items()}
    parts["total"] = np.where(np.isnan(u), np.nan, total)
    parts["unit_per_month"] = unit
    return parts


def breakeven_requests_per_month(unit_monthly: Any, fixed_monthly: Any, unit_rps: Any, api_cost_per_request: Any,
                                 peak_to_average: Any = 1.0, seconds_per_month: float = SECONDS_PER_MONTH) -> np.ndarray:
    """Smallest monthly request volume V at which ``fixed + ceil(V / Vn) * unit`` (self-host,
    units provisioned for the peak) is no more than ``api_cost_per_request * V``.

    ``Vn = unit_rps * seconds / peak_to_average`` is one unit's monthly volume. When a unit
    costs more than the API charges for the volume it serves (``p * Vn <= unit``) there is no
    break-even: inf. Otherwise k* = max(1, ceil(fixed / (p * Vn - unit))) units and
    V* = max((fixed + k* unit) / p, (k* - 1) Vn)."""
    c = np.asarray(unit_monthly, dtype=np.float64)
    f = np.asarray(fixed_monthly, dtype=np.float64)
    p = np.asarray(api_cost_per_request, dtype=np.float64)
    vn = np.asarray(unit_rps, dtype=np.float64) * seconds_per_month / np.maximum(np.asarray(peak_to_average, dtype=np.float64), 1.0)
    margin = p * vn - c
    with np.errstate(divide="ignore", invalid="ignore"):
        k = np.maximum(1.0, np.ceil(f / margin - 1e-12))
        v = np.maximum((f + k * c) / p, (k - 1.0) * vn)
    return np.where((margin > 0) & (p > 0), v, np.inf)
