"""Self-hosted candidates inside a scenario (resolve, evaluate, summarize) and the answer of
``tco selfhost`` for one deployment and one workload shape.

The deployment model itself is :mod:`tco.engine.selfhost` (pure numpy); resolving a
``selfhost:`` spec against the hardware catalog is :func:`tco.plan.deployment.resolve`.
This module connects them to the scenario engine: costs in the report currency, and the
per-candidate summary the report and the app show.
"""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..engine.selfhost import cache_layout, fit_alternatives, memory_fit, split
from .deployment import ResolvedSelfhost, resolve

if TYPE_CHECKING:
    from ..catalog import Catalog
    from ..schema.scenario import Scenario, SelfhostCandidate
    from .compile import Compiled, Resolved
    from .evaluate import WorkloadPoints

SCHEMA_VERSION = 1
"""Of the ``tco selfhost -f json`` answer."""
DEFAULT_PEAK_TO_AVERAGE = 2.0
"""As in scenarios (``workload.peak_to_average``)."""
DEFAULT_DAYS_PER_MONTH = 365 / 12
"""As in scenarios (``workload.days_per_month``)."""


def resolve_candidate(scenario: Scenario, catalog: Catalog, cand: SelfhostCandidate,
                      as_of: date | None = None, cached_input_share: float | None = None,
                      per_usd: float | None = None) -> ResolvedSelfhost:
    """A scenario's ``selfhost:`` candidate resolved; a ``model_file`` is read relative to
    the scenario file. ``cached_input_share``: the prefix-cache hit share to plan for (None: the
    workload's). ``per_usd``: the rate of the candidate's ``currency`` (None: the scenario's
    ``fx:``, else the catalog's on ``as_of``)."""
    spec = cand.selfhost
    doc = getattr(scenario, "_source", None)
    base_dir = Path(doc.path).parent if doc is not None and doc.path and not doc.path.startswith("<") else None
    w = scenario.workload
    from ..engine.selfhost.mix import shifted

    # hidden reasoning is decoded like output: the same extra tokens on every request
    generated = w.output_tokens + float(spec.reasoning_tokens)
    shape = shifted(w.output_shape, float(w.output_tokens), float(spec.reasoning_tokens)) \
        if w.output_shape is not None else None
    if per_usd is None and spec.currency != "USD" and spec.currency in scenario.fx:
        per_usd = float(scenario.fx[spec.currency])
    rs = resolve(spec, catalog, input_tokens=w.input_tokens, output_tokens=generated, as_of=as_of, base_dir=base_dir,
                 input_shape=w.input_shape, output_shape=shape,
                 cached_input_share=w.cached_input_share if cached_input_share is None else cached_input_share,
                 per_usd=per_usd)
    return rs


def _reasoning_note(tokens: float, d: dict[str, Any]) -> list[str]:
    """The assumption a self-hosted candidate with hidden reasoning states (none without)."""
    if not tokens:
        return []
    note = f"{tokens:,.0f} hidden reasoning tokens per request decoded with the output (sizing and cost)"
    if d.get("ttft_ms") is not None and d.get("tpot_ms") is not None:
        note += (f"; the first visible token comes after them, about {(d['ttft_ms'] + tokens * d['tpot_ms']) / 1000:,.1f}"
                 f" s (TTFT + {tokens:,.0f} x TPOT), not at the TTFT")
    return [note]


def _load_notes(cached_share: float, d: dict[str, Any]) -> list[str]:
    """What the sizing takes from the workload that a reader of the bill would not guess: the
    prefix-cache hits (the API's ``cached_input_share`` is read as the share of input tokens whose
    prefill a prefix cache skips) and how loaded the GPUs are on average."""
    out = []
    if cached_share:
        out.append(f"prefix cache: {cached_share:.0%} of input tokens skip prefill (the workload's cached_input_share, "
                   "read as the engine's prefix-cache hit share; set it to 0 if your prompts share no prefix)")
    avg = d.get("average_utilization")
    if avg is not None and math.isfinite(avg) and avg > 0:
        out.append(f"average load {avg:.0%} of what the replicas in use serve within the latency targets "
                   "(capacity is sized for the peak)")
    return out


def _per_usd(compiled: Compiled) -> float:
    return 1.0 if compiled.currency == "USD" else compiled.fx[compiled.currency].per_usd


def currency_note(rs: ResolvedSelfhost, report: str, report_per_usd: float, flags: bool = False) -> list[str]:
    """The assumption that says which amounts were given in which currency and the rate that converts
    them (none for a candidate in USD, today's meaning)."""
    if rs.currency == "USD" or not rs.given:
        return []
    cur = rs.currency
    what = ", ".join(f"{('--' + k.replace('_', '-')) if flags else k} {v:,.10g}" for k, v in rs.given.items())
    rate = f"1 USD = {rs.per_usd:g} {cur}"
    usd_parts = [w for p, w in (("capex", "server price"), ("energy", "electricity"), ("hosting", "hosting"))
                 if rs.deployment.cost.mode == "buy" and rs.part_currency(p) == "USD"]
    if report == cur:
        note = f"{what} given in {cur}: billed as given, no exchange rate applied"
        if usd_parts:
            note += f"; the catalog's USD figures ({', '.join(usd_parts)}) converted at {rate}"
        return [note]
    via = "" if report == "USD" else f", then at 1 USD = {report_per_usd:g} {report}"
    return [f"{what} given in {cur}: converted at {rate}{via}"]


def currency_shares(r: Resolved, plan: Any) -> dict[str, Any]:
    """The share of a self-hosted candidate's cost priced in each currency, at every point of ``plan``:
    ``{"CNY": 1.0}`` when all of it is (a rent given in CNY), else arrays (a server bought in CNY, its
    power at the USD default). What an exchange rate moves: a part priced in the report currency
    stays put, a part priced in USD moves with the report currency's rate."""
    rs = r.selfhost
    one = rs.cost_currency
    if one is not None:
        return {one: 1.0}
    parts: dict[str, Any] = {}
    for k, v in plan.cost_components.items():
        cur = rs.part_currency(k)
        parts[cur] = parts.get(cur, 0.0) + np.nan_to_num(np.asarray(v, dtype=np.float64))
    total = sum(parts.values())
    with np.errstate(invalid="ignore", divide="ignore"):
        return {cur: np.where(total > 0, v / np.where(total > 0, total, 1.0), 1.0 / len(parts))
                for cur, v in parts.items()}


def evaluate_selfhost(compiled: Compiled, r: Resolved, points: WorkloadPoints) -> tuple[Any, np.ndarray]:
    """The deployment plan at every workload point, and its monthly cost in the report currency."""
    seconds = points.days_per_month * 86400.0
    # hidden reasoning tokens are decoded like output: they take GPU time and KV cache
    generated = points.output_tokens + float(r.selfhost.spec.reasoning_tokens)
    plan = r.selfhost.plan(points.input_tokens, generated, points.requests_per_month,
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
    kv_gb = float(np.asarray(plan.cache_gb).reshape(-1)[point]) if d["kv_capacity_tokens"] else 0.0
    placed, reserved = _placed_gb(dep, gpus)  # with expert parallelism the dense part is on every rank
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
        "choices": dict(rs.choices),
        "memory_gb": memory_gb,
        "kv_gb": kv_gb,
        "reasoning_tokens": float(rs.spec.reasoning_tokens),
        "bytes_per_request": float(np.asarray(plan.bytes_per_sequence).reshape(-1)[point]),
        "weights_placed_gb": placed,
        "reserved_gb": reserved,
        "free_gb": max(memory_gb - placed - reserved - kv_gb, 0.0),
        "cost_split": cost_split,
        "unvalidated": list(rs.unvalidated),
        "price_source": rs.price_source,
        "quality_note": rs.quality_note,
        "assumptions": list(rs.assumptions) + [rs.price_source] + ([rs.quality_note] if rs.quality_note else [])
        + currency_note(rs, compiled.currency, fx)
        + _reasoning_note(float(rs.spec.reasoning_tokens), d)
        + _load_notes(float(dep.features.prefix_cache_hit), d),
    }
    summary["cost_units"] = _cost_units(dep, d, compiled.scenario.workload.days_per_month * 24.0, fx,
                                        rs.given if rs.currency == compiled.currency else {})
    breakdown = dict(cost_split)
    return summary, breakdown, [w for w in plan.warnings if w not in r.warnings]


def same_model_offers(catalog: Any, model_id: str, as_of: date, input_tokens: float, output_tokens: float,
                      limit: int = 3) -> list[dict[str, Any]]:
    """The cheapest API offers serving ``model_id`` on ``as_of``, at list prices in USD per 1M
    tokens of a request of ``input_tokens`` + ``output_tokens`` (no prompt cache, batch, tier or
    off-peak price; a per-request fee spread over the request's tokens): what self-hosting the
    model competes with."""
    from ..errors import TcoError

    tokens = float(input_tokens) + float(output_tokens)
    out: list[dict[str, Any]] = []
    for oid, offer in catalog.offers.items():
        if offer.model != model_id and not any(p.model == model_id for p in offer.prices):
            continue
        try:
            p = catalog.price_at(oid, as_of)
            fx = catalog.fx_at(p.currency, as_of)
        except TcoError:  # not on sale that day (retired, not launched, no price), or no exchange rate
            continue
        if (p.model or offer.model) != model_id or p.input is None or p.output is None:
            continue
        rate = 1.0 if fx is None else float(fx.per_usd)
        i, o = p.per_mtok(p.input) / rate, p.per_mtok(p.output) / rate
        fee = (p.per_1k_requests or 0.0) / rate / 1000.0 / tokens * 1e6 if tokens else 0.0
        out.append({"offer": oid, "provider": catalog.offer_provider.get(oid), "input_per_mtok": i,
                    "output_per_mtok": o, "cost_per_mtok_total": (i * input_tokens + o * output_tokens) / tokens + fee,
                    "price_from": str(p.effective_from), "status": p.provenance.status, "currency": p.currency})
    out.sort(key=lambda x: (x["cost_per_mtok_total"], x["offer"]))
    return out[:limit]


def _placed_gb(dep: Any, gpus: int) -> tuple[float, float]:
    """(weights as placed on the replica's GPUs, runtime + activation reservation), GB: more than the
    model's weights with expert parallelism, whose dense part is replicated on every rank."""
    from ..engine.selfhost import _consts, layout_of
    from ..engine.selfhost.memory import weights_per_gpu

    c = _consts(dep)
    g = np.array(float(gpus))
    tp, pp, ep = layout_of(dep, g)
    return float(weights_per_gpu(c, g, tp, pp, ep)) * gpus / 1e9, c.reserved_per_gpu * gpus / 1e9


def _cost_units(dep: Any, d: dict[str, Any], hours: float, fx: float,
                given: dict[str, float] | None = None) -> dict[str, dict[str, float]]:
    """What each cost line multiplies, in the report currency, so a bill line can show its
    arithmetic: rent = GPUs billed x hours x rate; bought servers x (capex per server a month,
    kWh per server x price, kW x hosting per kW-month); staff is one monthly figure. ``given``:
    amounts given in the report currency, shown as given (not converted there and back)."""
    from ..engine.selfhost.cost import capital_recovery_factor, server_monthly_cost

    c = dep.cost
    given = given or {}

    def price(name: str, usd: float) -> float:
        return given[name] if name in given else usd * fx

    billed = d.get("billed_gpus")
    if billed is None or not math.isfinite(billed):
        return {}
    if c.mode == "rent":
        return {"rent": {"gpus": billed, "hours": hours, "per_gpu_hour": price("rent_per_gpu_hour", c.rent_per_gpu_hour)}} \
            if c.rent_per_gpu_hour is not None else {}
    servers = billed / dep.gpus_per_node
    out: dict[str, dict[str, float]] = {"staff": {"per_month": price("staff_per_month", c.staff_per_month or 0.0)}}
    if c.server_price is not None:
        per = server_monthly_cost(c, hours * 3600.0)
        monthly = (given["server_price"] * float(capital_recovery_factor(c.cost_of_capital, c.lifetime_years)) / 12.0
                   if "server_price" in given else per["capex"] * fx)
        out["capex"] = {"servers": servers, "per_server_month": monthly,
                        "server_price": price("server_price", c.server_price),
                        "years": c.lifetime_years, "rate": c.cost_of_capital}
    if c.power_kw is not None:
        out["energy"] = {"servers": servers, "kwh_per_server": c.power_kw * c.power_load_factor * c.pue * hours,
                         "per_kwh": price("electricity_per_kwh", c.electricity_per_kwh)}
        out["hosting"] = {"servers": servers, "kw": c.power_kw,
                          "per_kw_month": price("hosting_per_kw_month", c.hosting_per_kw_month)}
    return out


def _num(x: Any) -> Any:
    a = np.asarray(x).reshape(-1)
    v = a[0]
    if a.dtype == bool:
        return bool(v)
    f = float(v)
    return None if not math.isfinite(f) else f


def _targets_used(plan: Any, dep: Any) -> dict[str, Any]:
    """The latency targets the sizing used: the given ones, or defaults relaxed to twice batch 1's
    latency when batch 1 cannot meet them (a long prompt); None where there is no target."""
    used = {k: _num(getattr(plan, f"{k}_target_ms")) for k in ("ttft", "tpot")}
    given = {"ttft": dep.ttft_ms, "tpot": dep.tpot_ms}
    relaxed = any(used[k] is not None and given[k] is not None and used[k] > given[k] for k in used)
    return {"ttft_ms": used["ttft"], "tpot_ms": used["tpot"], "relaxed": relaxed}


def _deployment(r: ResolvedSelfhost, d: dict[str, Any]) -> dict[str, Any]:
    """The whole deployment of ``total_gpus`` GPUs: its layout, replicas and throughput (the
    replica's figures times the replicas that fit), and the GPUs billed for it."""
    dep = r.deployment
    lay = r.layout
    replicas = r.total_gpus // lay.gpus if lay.gpus <= r.total_gpus else 0
    inst = max(int(dep.cost.gpus_per_instance), 1) if dep.cost.mode == "rent" else dep.gpus_per_node
    billed = math.ceil(r.total_gpus / inst - 1e-9) * inst

    def times(v: Any) -> Any:
        return None if v is None else v * replicas

    return {"total_gpus": r.total_gpus, "layout": lay.label, "tp": lay.tp, "pp": lay.pp, "ep": lay.ep,
            "replicas": replicas, "output_tokens_per_s": times(d["output_tokens_per_s"]),
            "slo_output_tokens_per_s": times(d["slo_output_tokens_per_s"]) if (dep.ttft_ms or dep.tpot_ms)
            else times(d["output_tokens_per_s"]), "billed_gpus": billed}


def describe_deployment(r: ResolvedSelfhost, isl: int, osl: int, requests_per_day: float | None = None,
             peak_to_average: float = DEFAULT_PEAK_TO_AVERAGE, days_per_month: float = DEFAULT_DAYS_PER_MONTH
             ) -> dict[str, Any]:
    """The JSON answer for a resolved deployment and one workload shape (a month of
    ``days_per_month`` days, as a scenario's workload)."""
    dep = r.deployment
    days = days_per_month
    seconds = days * 86400.0
    per_month = (requests_per_day or 0.0) * days
    plan = r.plan(isl, osl, per_month, peak_to_average, seconds_per_month=seconds)
    mf = memory_fit(dep, dep.gpus, isl, osl)
    tp, pp = split(dep.gpus, dep.gpus_per_node, dep.tp)  # the chosen layout (tp1pp4 is not TP4)
    d = plan.to_dict()
    kvp = dep.kv_prec
    m = dep.model
    hourly = plan.unit_monthly_cost_usd / (seconds / 3600.0)
    out: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "model": m.id,
        "model_name": r.model.name,
        "gpu": dep.gpu.id,
        "gpu_name": r.accelerator.name,
        "gpus": dep.gpus,
        "tensor_parallel": int(_num(tp)),
        "pipeline_parallel": int(_num(pp)),
        "precision": dep.precision,
        "kv_precision": kvp,
        "engine": dep.engine.id,
        "choices": dict(r.choices),
        "input_tokens": isl,
        "output_tokens": osl,
        "fits": d["fits"],
        "weights_gb": d["weights_gb"],
        "weights_per_gpu_gb": _num(mf.weights_per_gpu_gb),
        "memory_per_gpu_gb": dep.gpu.memory_gb,
        "reserved_per_gpu_gb": dep.engine.runtime_reserved_gb + dep.engine.activation_gb,
        "free_per_gpu_gb": _num(mf.free_per_gpu_gb),
        "needed_gb": _num(mf.needed_gb),
        "available_gb": _num(mf.available_gb),
        "kv_bytes_per_token": mf.kv_bytes_per_token,
        "kv_capacity_tokens": d["kv_capacity_tokens"],
        "max_concurrency": d["max_concurrency"],
        "near_memory_limit": d["near_memory_limit"],
        "output_tokens_per_s": d["output_tokens_per_s"],
        "slo_output_tokens_per_s": d["slo_output_tokens_per_s"] if (dep.ttft_ms or dep.tpot_ms) else None,
        "slo_feasible": d["slo_feasible"],
        "operating_batch": d["operating_batch"],
        "ttft_ms": d["ttft_ms"],
        "tpot_ms": d["tpot_ms"],
        "best_tpot_ms": d["best_tpot_ms"],
        "best_ttft_ms": d["best_ttft_ms"],
        "targets": {"ttft_ms": dep.ttft_ms, "tpot_ms": dep.tpot_ms},
        "targets_used": _targets_used(plan, dep),
        "cost_per_replica_hour_usd": hourly if math.isfinite(hourly) else None,
        "cost_per_mtok_output": d["cost_per_mtok_output"],
        "cost_per_mtok_total": (d["cost_per_mtok_output"] * osl / (isl + osl)) if d["cost_per_mtok_output"] is not None else None,
        "utilization": dep.cost.utilization,
        "price": r.price_source,
        "quality_note": r.quality_note,
        "assumptions": list(r.assumptions),
        "warnings": list(d["warnings"]),
    }
    out["slo_percentile"] = int(dep.slo_percentile)
    lay = cache_layout(dep, isl + osl)
    if lay is not None:  # sliding-window or linear layers: per-token KV is not the whole cache
        out["cache_layout"] = lay
    for side, mean, shp in (("input", isl, dep.input_shape), ("output", osl, dep.output_shape)):
        out[f"{side}_distribution"] = None if shp.fixed else {
            f"p{q}": round(shp.quantile(q / 100) * mean) for q in (50, 90, 99)}
    out["deployment"] = _deployment(r, d)
    out["layouts"] = [x.to_dict() for x in r.layouts[:3]]
    if not d["fits"]:
        out["fits_on"] = [{"gpu": a.gpu, "gpus": a.gpus, "precision": a.precision} for a in fit_alternatives(dep, isl, osl)]
    if requests_per_day is not None:
        out["capacity"] = {
            "requests_per_day": requests_per_day, "peak_to_average": peak_to_average, "days_per_month": days,
            "replicas": d["replicas"], "nodes": d["nodes"], "total_gpus": d["total_gpus"],
            "billed_gpus": d["billed_gpus"],
            "monthly_cost_usd": d["monthly_cost_usd"], "cost_components": d["cost_components"],
            "cost_per_mtok": d["cost_per_mtok"], "average_utilization": d["average_utilization"]}
    return out


def priced_in(out: dict[str, Any], r: ResolvedSelfhost, currency: str, rate: Any) -> dict[str, Any]:
    """The answer of :func:`describe_deployment` (with its ``api_offers``) in ``currency``: every
    amount but the ``_usd`` ones (kept in USD beside ``cost_per_replica_hour`` and
    ``capacity.monthly_cost``) times ``rate.per_usd``, with ``currency`` and ``fx`` said, and an
    assumption naming the rate. The amounts given in ``currency`` come back as given (to rounding of
    one part in 10^15). USD: ``out`` unchanged."""
    if currency == "USD":  # the same keys as in any other currency, so a reader need not ask
        out["currency"], out["fx"] = "USD", None
        out["cost_per_replica_hour"] = out.get("cost_per_replica_hour_usd")
        if out.get("capacity"):
            out["capacity"]["monthly_cost"] = out["capacity"].get("monthly_cost_usd")
        return out
    k = float(rate.per_usd)

    def conv(v: Any) -> Any:
        return v * k if isinstance(v, (int, float)) and not isinstance(v, bool) else v

    out["currency"] = currency
    out["fx"] = {"currency": currency, "per_usd": k, "rate_type": rate.rate_type, "period": rate.period,
                 "source": rate.provenance.source}
    out["cost_per_replica_hour"] = conv(out.get("cost_per_replica_hour_usd"))
    for key in ("cost_per_mtok_output", "cost_per_mtok_total"):
        out[key] = conv(out.get(key))
    for lay in out.get("layouts") or []:
        lay["cost_per_mtok_output"] = conv(lay.get("cost_per_mtok_output"))
    cap = out.get("capacity")
    if cap:
        cap["monthly_cost"] = conv(cap.get("monthly_cost_usd"))
        cap["cost_components"] = {n: conv(v) for n, v in (cap.get("cost_components") or {}).items()}
        cap["cost_per_mtok"] = conv(cap.get("cost_per_mtok"))
    for o in out.get("api_offers") or []:
        for key in ("input_per_mtok", "output_per_mtok", "cost_per_mtok_total"):
            o[key] = conv(o.get(key))
    given = ", ".join(f"--{n.replace('_', '-')} {v:,.10g}" for n, v in r.given.items())
    out["assumptions"] = list(out.get("assumptions") or []) + [
        f"amounts in {currency} (--currency)" + (f": {given} as given" if given else "")
        + f"; the catalog's USD figures converted at 1 USD = {k:g} {currency} ({rate.rate_type}, {rate.period})"]
    return out
