"""Many months: cost month by month, cumulative curves, net present cost, payback, and
"buy now, rent now, or wait".

Month ``m`` (0 = the as-of month) of an API candidate costs its monthly cost today x its
provider class's price trend (:mod:`tco.plan.trends`) x ``annual ** (m / 12)``; a rented
deployment its monthly cost x the rental trend; a bought one pays the servers up front
(month 0), then energy, hosting and staff each month, and gets the servers' resale value
back at the end (straight-line from the price to ``resale_value`` x price over the
lifetime). Costs are paid at the end of each month and discounted at ``discount_rate`` a
year into a net present cost. The volume stays the scenario's (give it a range for growth).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from ..engine.money import round_half_up
from .trends import FLAT, Trend, api_trends, class_of, flat, rental_trend

if TYPE_CHECKING:
    from .compile import Compiled
    from .result import Estimate

WAIT_MONTHS = (0, 3, 6, 12, 24)
"""Start dates tried for "buy now or wait": months from the as-of date."""


def settings(compiled: Compiled) -> dict[str, float | None]:
    h = getattr(compiled.scenario, "horizon", None)
    return {"discount_rate": getattr(h, "discount_rate", 0.08) if h is not None else 0.08,
            "resale_value": getattr(h, "resale_value", 0.1) if h is not None else 0.1,
            "api_price_trend": getattr(h, "api_price_trend", None) if h is not None else None,
            "rental_price_trend": getattr(h, "rental_price_trend", None) if h is not None else None}


def horizon(compiled: Compiled, est: Estimate, months: int) -> dict[str, Any]:
    """The month-by-month view of an estimate (see the module docstring)."""
    opts = settings(compiled)
    m = np.arange(months, dtype=np.float64)
    monthly_rate = (1.0 + float(opts["discount_rate"] or 0.0)) ** (1 / 12) - 1.0
    disc = (1.0 + monthly_rate) ** -(m + 1.0)
    trends = api_trends(compiled.catalog, compiled.as_of)
    if opts["api_price_trend"] is not None:
        f = float(opts["api_price_trend"])
        trends = {k: Trend(k, f, f, f, "given in the scenario (horizon.api_price_trend)", 0, "scenario")
                  for k in trends}
    rent = (Trend("rentals", float(opts["rental_price_trend"]), float(opts["rental_price_trend"]),
                  float(opts["rental_price_trend"]), "given in the scenario (horizon.rental_price_trend)", 0,
                  "scenario") if opts["rental_price_trend"] is not None else _rental(compiled))
    fx = 1.0 if compiled.currency == "USD" else compiled.fx[compiled.currency].per_usd
    out: dict[str, Any] = {"months": months, "discount_rate": opts["discount_rate"],
                           "resale_value": opts["resale_value"], "candidates": {},
                           "trends": {k: t.to_dict() for k, t in trends.items()} | {"rentals": rent.to_dict()}}
    curves: dict[str, np.ndarray] = {}
    resolved = {r.id: r for r in compiled.candidates}
    for c in est.candidates:
        if not math.isfinite(c.monthly_cost):
            continue
        r = resolved[c.id]
        upfront = resale = 0.0
        if c.kind == "api":
            trend = trends.get(class_of(c.provider) or "", FLAT)
            cost = c.monthly_cost * trend.factor(m)
            basis = f"API prices x {trend.annual:.2f} a year ({trend.name}: {trend.method})"
        else:
            dep = r.selfhost.deployment
            if dep.cost.mode == "buy":
                sh = c.selfhost or {}
                servers = (sh.get("billed_gpus") or 0.0) / dep.gpus_per_node
                price = float(dep.cost.server_price or 0.0) * fx
                upfront = servers * price
                opex = sum(v for k, v in c.cost_breakdown.items() if k != "capex" and v is not None)
                cost = np.full(months, opex)
                life_m = 12.0 * float(dep.cost.lifetime_years or 4.0)
                left = 1.0 - (1.0 - float(opts["resale_value"] or 0.0)) * min(months / life_m, 1.0)
                resale = upfront * left
                basis = (f"{servers:g} server(s) bought for {upfront:,.0f} up front, resold for {resale:,.0f} "
                         f"after {months} months; energy, hosting and staff monthly")
            else:
                cost = c.monthly_cost * rent.factor(m)
                basis = f"rent x {rent.annual:.2f} a year ({rent.method})"
        cumulative = upfront + np.cumsum(cost)
        cumulative[-1] -= resale
        # today's prices every month (no trend): what a budget holding list prices would book
        flat_total = upfront + (float(cost[0]) if upfront else c.monthly_cost) * months - resale
        npv = upfront + float((cost * disc).sum()) - resale * float(disc[-1])
        curves[c.id] = upfront + np.cumsum(cost)  # payback: without the resale (see _payback)
        out["candidates"][c.id] = {
            "kind": c.kind, "net_present_cost": round_half_up(npv, 2), "upfront": round_half_up(upfront, 2),
            "resale": round_half_up(resale, 2), "total": round_half_up(float(cumulative[-1]), 2),
            "total_at_todays_prices": round_half_up(flat_total, 2),
            "monthly": [round_half_up(float(x), 2) for x in cost],
            "cumulative": [round_half_up(float(x), 2) for x in cumulative],
            "basis": basis}
    out["payback"] = _payback(est, curves)
    out["buy_rent_wait"] = _wait(compiled, est, out, months, disc, fx, opts)
    best = min(out["candidates"].items(), key=lambda kv: kv[1]["net_present_cost"], default=None)
    out["lowest_net_present_cost"] = best[0] if best else None
    return out


def _rental(compiled: Compiled) -> Trend:
    try:
        return rental_trend(compiled.catalog, compiled.as_of)
    except Exception:  # noqa: BLE001 - no hardware catalog: rentals stay flat
        return flat("rentals", 0, 0.0, compiled.as_of)


def _payback(est: Estimate, curves: dict[str, np.ndarray]) -> list[dict[str, Any]]:
    """For each self-hosted vs each API candidate: the first month from which the self-hosted
    cumulative cost stays at or below the API's (None: not within the horizon). The servers'
    resale value is left out (the usual, conservative convention): counting it only at the
    horizon's end would make the payback month depend on the horizon chosen."""
    out = []
    for s in est.candidates:
        if s.kind != "selfhost" or s.id not in curves:
            continue
        for a in est.candidates:
            if a.kind != "api" or a.id not in curves:
                continue
            ahead = curves[s.id] <= curves[a.id] + 1e-9
            month = None
            for k in range(len(ahead)):
                if ahead[k:].all():
                    month = k + 1
                    break
            out.append({"selfhost": s.id, "api": a.id, "pays_back_in_month": month})
    return out


def _wait(compiled: Compiled, est: Estimate, out: dict[str, Any], months: int, disc: np.ndarray, fx: float,
          opts: dict[str, Any]) -> list[dict[str, Any]]:
    """Buy now, rent now, or use the cheapest API and buy after N months: net present costs."""
    apis = [(cid, c) for cid, c in out["candidates"].items() if c["kind"] == "api"]
    if not apis:
        return []
    # meanwhile: the best-value API (ranked by cost per quality point), else the cheapest
    ranked = [c.id for c in sorted(est.candidates, key=lambda c: c.rank or 10**9) if c.kind == "api" and c.rank]
    api_id = ranked[0] if ranked and ranked[0] in out["candidates"] else min(
        apis, key=lambda kv: kv[1]["net_present_cost"])[0]
    api = out["candidates"][api_id]
    api_monthly = np.array(api["monthly"])
    answers = []
    for cid, c in out["candidates"].items():
        if c["kind"] != "selfhost" or not c["upfront"]:
            continue
        opex = np.array(c["monthly"])
        options = {}
        for k in WAIT_MONTHS:
            if k >= months:
                continue
            life_m = max(months - k, 1)
            lifetime = 12.0 * float(next(r for r in compiled.candidates if r.id == cid).selfhost.deployment.cost
                                     .lifetime_years or 4.0)
            left = 1.0 - (1.0 - float(opts["resale_value"] or 0.0)) * min(life_m / lifetime, 1.0)
            pay = (api_monthly[:k] * disc[:k]).sum() + c["upfront"] * (disc[k - 1] if k else 1.0) \
                + (opex[k:] * disc[k:]).sum() - c["upfront"] * left * disc[-1]
            options[k] = round_half_up(float(pay), 2)
        rent_like = [o for o, v in out["candidates"].items() if v["kind"] == "selfhost" and not v["upfront"]]
        best_k = min(options, key=options.get) if options else None
        rent_now = {o: out["candidates"][o]["net_present_cost"] for o in rent_like}
        # the answer: whichever of buying (now or after a wait), renting now, or the API
        # throughout has the lowest net present cost
        choices = [("api", None, api_id, float(api["net_present_cost"]))]
        if best_k is not None:
            choices.append(("buy", best_k, cid, options[best_k]))
        choices += [("rent", None, o, float(v)) for o, v in rent_now.items()]
        kind, wait, who, npv = min(choices, key=lambda x: x[3])
        answers.append({"selfhost": cid, "api_meanwhile": api_id, "net_present_cost_by_wait_months": options,
                        "best_wait_months": best_k, "rent_now": rent_now, "api_only": api["net_present_cost"],
                        "answer": {"choice": kind, "wait_months": wait, "candidate": who,
                                   "net_present_cost": round_half_up(npv, 2)}})
    return answers
