"""Self-hosted candidates inside a scenario: resolve, evaluate, summarize, break-even.

The deployment model itself is :mod:`tco.engine.selfhost` (pure numpy); resolving a
``selfhost:`` spec against the hardware catalog is :func:`tco.catalog.hardware.resolve`.
This module connects them to the scenario engine: costs in the report currency, the
per-candidate summary the report and the TUI show, and break-even volumes against every
API candidate.
"""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .errors import TcoError

if TYPE_CHECKING:
    from .catalog import Catalog
    from .schema.scenario import Scenario, SelfhostCandidate
    from .planner import Compiled, Resolved, WorkloadPoints


def resolve_candidate(scenario: Scenario, catalog: Catalog, cand: SelfhostCandidate, i: int,
                      as_of: date | None = None) -> Resolved:
    from .catalog.hardware import resolve
    from .planner import Resolved

    spec = cand.selfhost
    doc = getattr(scenario, "_source", None)
    base_dir = Path(doc.path).parent if doc is not None and doc.path and not doc.path.startswith("<") else None
    w = scenario.workload
    rs = resolve(spec, catalog, input_tokens=w.input_tokens, output_tokens=w.output_tokens, as_of=as_of,
                 base_dir=base_dir)
    r = Resolved(rs.label, rs.label, "selfhost", rs.model.id, "self-hosted")
    r.selfhost = rs
    r.warnings.extend(rs.warnings)
    return r


def _per_usd(compiled: Compiled) -> float:
    return 1.0 if compiled.currency == "USD" else compiled.fx[compiled.currency].per_usd


def evaluate_selfhost(compiled: Compiled, r: Resolved, points: WorkloadPoints) -> tuple[Any, np.ndarray]:
    """The deployment plan at every workload point, and its monthly cost in the report currency."""
    seconds = points.days_per_month * 86400.0
    plan = r.selfhost.plan(points.input_tokens, points.output_tokens, points.requests_per_month,
                           points.peak_to_average, seconds_per_month=seconds)
    return plan, np.asarray(plan.monthly_cost_usd, dtype=np.float64) * _per_usd(compiled)


def selfhost_summary(compiled: Compiled, r: Resolved, plan: Any, point: int) -> tuple[dict[str, Any],
                                                                                   dict[str, float], list[str]]:
    """(summary dict, cost breakdown in report currency, warnings) of one workload point."""
    rs = r.selfhost
    d = plan.to_dict(point)
    dep = rs.deployment
    fx = _per_usd(compiled)
    gpus = int(d["gpus"]) if d["gpus"] is not None else dep.gpus
    memory_gb = float(dep.gpu.memory_gb) * gpus
    kv_gb = (d["kv_capacity_tokens"] or 0.0) * plan.kv_bytes_per_token / 1e9
    weights = d["weights_gb"] or 0.0
    cost_split = {k: (v * fx if v is not None else None) for k, v in d["cost_components"].items()
                  if v is not None and v != 0.0}
    summary = {
        **d,
        "gpu": dep.gpu.id,
        "gpu_name": rs.accelerator.name,
        "gpus_per_node": dep.gpus_per_node,
        "precision": dep.precision,
        "kv_precision": dep.kv_prec,
        "engine": rs.engine.id,
        "memory_gb": memory_gb,
        "kv_gb": kv_gb,
        "free_gb": max(memory_gb - weights - kv_gb, 0.0),
        "cost_split": cost_split,
        "price_source": rs.price_source,
        "quality_note": rs.quality_note,
        "assumptions": list(rs.assumptions) + [rs.price_source] + ([rs.quality_note] if rs.quality_note else []),
    }
    breakdown = dict(cost_split)
    return summary, breakdown, [w for w in plan.warnings if w not in r.warnings]


MAX_RANGES = 4
"""Ranges listed per pair; more are counted (``ranges_total``) and the open-ended last one is kept."""


def _vol(v: float) -> str:
    return f"{v:,.0f}"


def _up_to(hi: float) -> str:
    e = math.log10(hi)
    return f"1e{e:.0f}" if e == int(e) else f"{hi:,.0f}"


def breakeven_note(ranges: list[list[float | None]], total: int, hi: float) -> str:
    """The ranges in words: 'cheaper between 65,609 and 88,247 requests/day',
    'cheaper from 38,272 requests/day on', 'never cheaper up to 1e9 requests/day'."""
    if not ranges:
        return f"never cheaper up to {_up_to(hi)} requests/day"
    parts = [f"between {_vol(a)} and {_vol(b)}" if b is not None else f"from {_vol(a)}" for a, b in ranges]
    if total > len(ranges):
        more = total - len(ranges)
        at = len(parts) - 1 if ranges[-1][1] is None else len(parts)
        parts.insert(at, f"{more} more range{'s' if more > 1 else ''}")
    text = parts[0] if len(parts) == 1 else (", ".join(parts[:-1]) + ("," if len(parts) > 2 else "")
                                             + " and " + parts[-1])
    return "cheaper " + text + " requests/day" + (" on" if ranges[-1][1] is None else "")


def breakeven(compiled: Compiled, sweep: Any, points: WorkloadPoints, point: int = 0) -> list[dict[str, Any]]:
    """Where each self-hosted candidate is cheaper than each API candidate, at the
    scenario's request shape, from the true cost functions.

    The deployment's monthly cost (replicas, whole nodes or rented instances: it rises in
    steps) and the API's (linear in the volume) are evaluated on a log grid of
    requests/day from 1 to 1e9 plus every step of the deployment's capacity; each change
    of the cheaper side is refined by bisection (:func:`tco.engine.selfhost_cost.cheaper_ranges`).
    Per (self-hosted, API) pair: ``requests_per_day`` (lowest volume from which
    self-hosting is cheaper, None if never), ``ranges`` ([from, to] requests/day, ``to``
    None = and beyond; at most ``MAX_RANGES``, ``ranges_total`` counts them all),
    ``cheaper_at_current_volume`` (from the estimate's own monthly costs) and ``note``,
    the ranges in words. Volumes and monthly costs are rounded to 2 decimals."""
    from .engine.api import api_cost
    from .engine.selfhost_cost import BREAKEVEN_RANGE, cheaper_ranges
    from .planner import WorkloadPoints

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
        unit = api_cost(compiled.prices, np.ones(1), points.input_tokens[sl], points.output_tokens[sl],
                        points.cached_share[sl], points.batch_share[sl]).total[:, 0]
        per_request[compiled.api_index] = unit
    apis = [ai for ai, a in enumerate(compiled.candidates)
            if a.kind == "api" and math.isfinite(float(sweep.monthly_cost[ai, point]))
            and math.isfinite(per_request[ai])]

    def rnd(v: float | None) -> float | None:
        return None if v is None or not math.isfinite(v) else round(v, 2)

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
            if not math.isfinite(sh_month) and not ranges:
                note = "no break-even: the self-hosted cost is unknown (see its warnings)"
            else:
                note = breakeven_note(shown, len(ranges), hi)
            out.append({
                "selfhost": s.id, "api": a.id,
                "api_cost_per_request": float(per_request[ai]),
                "requests_per_day": rnd(ranges[0][0]) if ranges else None,
                "requests_per_month": rnd(ranges[0][0] * days) if ranges else None,
                "ranges": [[rnd(f), rnd(t)] for f, t in shown],
                "ranges_total": len(ranges),
                "cheaper_at_current_volume": bool(math.isfinite(sh_month) and sh_month < api_month),
                "current_requests_per_day": rnd(current_rpd),
                "selfhost_monthly_cost": rnd(sh_month),
                "api_monthly_cost": rnd(api_month),
                "searched_up_to_requests_per_day": hi,
                "note": note,
            })
    return out


def breakeven_report(scenario: Scenario, catalog: Catalog, *, as_of: date | None = None,
                     currency: str | None = None, fmt: str = "table") -> str:
    """`tco breakeven FILE`."""
    from .planner import estimate
    from .report import money

    est = estimate(scenario, catalog, as_of=as_of, currency=currency)
    from .planner import _locate

    where = _locate(scenario, ("candidates",))
    if not any(c.kind == "selfhost" for c in est.candidates):
        raise TcoError("no self-hosted candidate in the scenario", **where,
                       hint="add one: - selfhost: {model: llama-3.1-70b-instruct, precision: fp8, gpu: h100-sxm-80gb}")
    if not any(c.kind == "api" for c in est.candidates):
        raise TcoError("no API candidate in the scenario to compare with", **where,
                       hint="add an offer id such as openai/gpt-4o")
    if fmt == "json":
        import json

        return json.dumps({"schema_version": 1, "scenario": est.scenario, "as_of": est.as_of,
                           "currency": est.currency, "breakeven": est.breakeven}, indent=2) + "\n"
    w = est.workload
    lines = [f"{est.scenario}: where self-hosting is cheaper (as of {est.as_of}, {w['input_tokens']:,.0f} in + "
             f"{w['output_tokens']:,.0f} out tokens/request, peak/average {w['peak_to_average']:g})",
             f"  current volume: {w['requests_per_day']:,.0f} requests/day" if w["requests_per_day"] else "", ""]
    for b in est.breakeven:
        now = "self-hosting cheaper" if b["cheaper_at_current_volume"] else "API cheaper"
        lines.append(f"  {b['selfhost']} vs {b['api']}: {b['note']}")
        lines.append(f"      API {money(b['api_cost_per_request'] * 1000, est.currency)} per 1,000 requests; "
                     f"at the current volume: {now}")
        if len(b["ranges"]) > 1 or b["ranges_total"] > len(b["ranges"]):
            for f, t in b["ranges"]:
                lines.append(f"      {f:>15,.0f} - " + (f"{t:,.0f}" if t is not None else "and beyond") + " requests/day")
            if b["ranges_total"] > len(b["ranges"]):
                lines.append(f"      ({b['ranges_total'] - len(b['ranges'])} more ranges not listed; -f json)")
    if not est.breakeven:
        lines.append("  no pair to compare: every API price or self-hosted cost is unknown")
    return "\n".join(lines) + "\n"
