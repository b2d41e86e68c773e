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
    from .model.scenario import Scenario, SelfhostCandidate
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


def breakeven(compiled: Compiled, sweep: Any, points: WorkloadPoints, point: int = 0) -> list[dict[str, Any]]:
    """Requests/day at which each self-hosted candidate becomes cheaper than each API candidate
    (at the scenario's request shape). None when it never does."""
    out: list[dict[str, Any]] = []
    fx = _per_usd(compiled)
    rpm = float(points.requests_per_month[point])
    seconds = points.days_per_month * 86400.0
    days = points.days_per_month
    for si, s in enumerate(compiled.candidates):
        if s.kind != "selfhost" or si not in sweep.selfhost:
            continue
        plan = sweep.selfhost[si]
        for ai, a in enumerate(compiled.candidates):
            if a.kind != "api":
                continue
            api_month = float(sweep.monthly_cost[ai, point])
            if math.isnan(api_month) or rpm <= 0:
                continue
            per_request_usd = api_month / rpm / fx
            rpd = float(np.asarray(plan.breakeven_requests_per_day(
                per_request_usd, float(points.peak_to_average[point]), seconds)).reshape(-1)[0])
            # the plan's helper works in its own month length; express it per day of the scenario's month
            entry: dict[str, Any] = {"selfhost": s.id, "api": a.id,
                                     "api_cost_per_request": api_month / rpm}
            if math.isfinite(rpd) and rpd > 0:
                entry["requests_per_day"] = rpd
                entry["requests_per_month"] = rpd * days
            else:
                entry["requests_per_day"] = None
                entry["note"] = "never cheaper: the API costs less per request than the deployment can serve at"
            out.append(entry)
    return out


def breakeven_report(scenario: Scenario, catalog: Catalog, *, as_of: date | None = None,
                     currency: str | None = None, fmt: str = "table") -> str:
    """`tco breakeven FILE`."""
    from .planner import estimate
    from .report import breakeven_text, money

    est = estimate(scenario, catalog, as_of=as_of, currency=currency)
    if not any(c.kind == "selfhost" for c in est.candidates):
        raise TcoError("no self-hosted candidate in the scenario", field="candidates",
                       hint="add one: - selfhost: {model: llama-3.1-70b-instruct, precision: fp8, gpu: h100-sxm-80gb}")
    if not any(c.kind == "api" for c in est.candidates):
        raise TcoError("no API candidate in the scenario to compare with", field="candidates",
                       hint="add an offer id such as openai/gpt-4o")
    if fmt == "json":
        import json

        return json.dumps({"schema_version": 1, "scenario": est.scenario, "as_of": est.as_of,
                           "currency": est.currency, "breakeven": est.breakeven}, indent=2) + "\n"
    w = est.workload
    lines = [f"{est.scenario}: break-even volumes (as of {est.as_of}, {w['input_tokens']:,.0f} in + "
             f"{w['output_tokens']:,.0f} out tokens/request, peak/average {w['peak_to_average']:g})",
             f"  current volume: {w['requests_per_day']:,.0f} requests/day" if w["requests_per_day"] else "", ""]
    for b in est.breakeven:
        lines.append("  " + breakeven_text(b) + f"  (API {money(b['api_cost_per_request'] * 1000, est.currency)}"
                     " per 1,000 requests)")
    return "\n".join(ln for ln in lines if ln is not None) + "\n"
