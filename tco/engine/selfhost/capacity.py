"""Capacity planning: the one entry point the scenario engine calls (:func:`plan`):
replicas and nodes at peak, within the latency targets, and their monthly cost."""

from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from .cost import monthly_costs
from .inputs import DEFAULT_TARGET_SLACK, SECONDS_PER_MONTH, Deployment, _arr, _consts
from .memory import fit_alternatives, memory_fit, seq_bytes
from .tails import slo_throughput, tail_latency
from .throughput import max_throughput


@dataclass
class SelfhostPlan:
    """Result of :func:`plan`: arrays with one element per workload point."""

    fits: np.ndarray
    gpus: np.ndarray
    """GPUs of one replica (one copy of the model: tensor x pipeline parallel)."""
    replicas: np.ndarray
    """Replicas needed at peak load."""
    nodes: np.ndarray
    """Servers of ``gpus_per_node`` GPUs that hold the replicas: ceil(replicas x gpus / gpus_per_node)."""
    total_gpus: np.ndarray
    """replicas x gpus: the GPUs in use."""
    billed_gpus: np.ndarray
    """GPUs paid for: rentals come in whole instances, purchases in whole servers (at least total_gpus)."""
    monthly_cost_usd: np.ndarray
    cost_components: dict[str, np.ndarray]
    """USD per month: capex (annuity), energy, hosting, staff, rent."""
    output_tokens_per_s: np.ndarray
    """Maximum offline output tokens/s of one unit."""
    slo_output_tokens_per_s: np.ndarray
    """Highest output tokens/s of one unit within the latency targets (== max when no targets)."""
    slo_feasible: np.ndarray
    ttft_ms: np.ndarray
    """TTFT at the planned operating batch."""
    tpot_ms: np.ndarray
    best_tpot_ms: np.ndarray
    """TPOT at batch 1: the best any batch can do."""
    best_ttft_ms: np.ndarray
    """TTFT at batch 1 (the same figure as ``ttft_ms`` when the operating batch is 1)."""
    within_context: np.ndarray
    """input + output tokens fit the model's context window (True when the window is unknown)."""
    operating_batch: np.ndarray
    weights_gb: np.ndarray
    kv_bytes_per_token: float
    kv_capacity_tokens: np.ndarray
    max_concurrency: np.ndarray
    near_memory_limit: np.ndarray
    cache_gb: np.ndarray
    """Cache the KV capacity holds (GB, whole replica): see :attr:`MemoryFit.cache_gb`."""
    bytes_per_sequence: np.ndarray
    """Cache one request holds at its full length (input + output), whole replica: KV, windows, state."""
    ttft_target_ms: np.ndarray
    """The TTFT target the sizing used (ms; inf: none): the given one, or a default relaxed to
    twice batch 1's when batch 1 cannot meet it."""
    tpot_target_ms: np.ndarray
    requests_per_s_capacity: np.ndarray
    """Requests/s one unit serves at the planned utilization."""
    average_utilization: np.ndarray
    """Average load over provisioned capacity."""
    cost_per_mtok: np.ndarray
    """Monthly cost over (input + output) tokens served, per 1M tokens."""
    cost_per_mtok_output: np.ndarray
    """Hourly cost of one unit over its planned output tokens per hour, per 1M (volume-independent)."""
    unit_monthly_cost_usd: float
    """Cost of one unit per month (without fixed staff)."""
    fixed_monthly_cost_usd: float
    """Staff and other fixed monthly costs."""
    warnings: list[str]

    def to_dict(self, i: int = 0) -> dict[str, Any]:
        """One point as plain Python values (for JSON)."""
        def v(a: Any) -> Any:
            x = np.asarray(a).reshape(-1)
            x = x[i if x.size > 1 else 0]
            if x.dtype == bool:
                return bool(x)
            f = float(x)
            return None if math.isnan(f) else (None if math.isinf(f) else f)

        out = {k: v(getattr(self, k)) for k in (
            "fits", "gpus", "replicas", "nodes", "total_gpus", "billed_gpus", "monthly_cost_usd", "output_tokens_per_s",
            "slo_output_tokens_per_s", "slo_feasible", "ttft_ms", "tpot_ms", "best_tpot_ms", "best_ttft_ms",
            "within_context", "operating_batch",
            "weights_gb", "kv_capacity_tokens", "max_concurrency", "near_memory_limit",
            "requests_per_s_capacity", "average_utilization", "cost_per_mtok", "cost_per_mtok_output")}
        out["kv_bytes_per_token"] = self.kv_bytes_per_token
        out["cost_components"] = {k: v(a) for k, a in self.cost_components.items()}
        out["warnings"] = list(self.warnings)
        return out


def _spread(result: Any, inv: np.ndarray, shape: tuple[int, ...]) -> Any:
    """A result computed on distinct shapes, with every array field taken back to the points."""
    from dataclasses import fields

    idx = inv.reshape(-1)
    out = {}
    for f in fields(result):
        v = getattr(result, f.name)
        out[f.name] = v[idx].reshape(shape) if isinstance(v, np.ndarray) and v.ndim == 1 else v
    return type(result)(**out)


_SHAPE_MEMO: OrderedDict[Any, Any] = OrderedDict()
"""What :func:`plan` computes from a deployment and request shapes alone (memory fit, latency
targets, throughput, the largest batch within the targets), by (deployment, shapes): a break-even
search or a volume edit plans one deployment at many volumes of one shape. Bounded (LRU)."""
_SHAPE_MEMO_SIZE = 256


def _per_shape(dep: Deployment, gu: np.ndarray, iu: np.ndarray, ou: np.ndarray, tt: Any, tp_: Any,
               c: Any) -> tuple[Any, tuple[Any, Any, str | None], np.ndarray, Any]:
    """(memory fit, (TTFT and TPOT targets used, the note when defaults were relaxed), max
    throughput, SLO result) on distinct shapes; memoized (the arrays returned are shared: read only)."""
    try:
        key: Any = (dep, gu.tobytes(), iu.tobytes(), ou.tobytes(), gu.shape, gu.dtype.str, iu.dtype.str, ou.dtype.str)
        hit = _SHAPE_MEMO.get(key)
    except TypeError:  # a deployment holding something unhashable: computed every time
        key, hit = None, None
    if hit is not None:
        _SHAPE_MEMO.move_to_end(key)
        return hit
    mf = memory_fit(dep, gu, iu, ou, _c=c)
    note = None
    if dep.default_targets:  # default targets batch 1 cannot meet are relaxed to a multiple of batch 1
        one = tail_latency(dep, gu, 1.0, iu, ou, _c=c)
        tt_u = np.maximum(tt, DEFAULT_TARGET_SLACK * one.ttft_s)
        tp_u = np.maximum(tp_, DEFAULT_TARGET_SLACK * one.tpot_s)
        relaxed = (tt_u > tt) | (tp_u > tp_)
        if relaxed.any():
            k = int(np.argmax(relaxed))
            note = (f"the default latency targets cannot be met even at batch 1 (TTFT {float(one.ttft_s[k]) * 1e3:,.0f} ms, "
                    f"TPOT {float(one.tpot_s[k]) * 1e3:.1f} ms for {float(iu[k]):,.0f} input tokens): sized for TTFT <= "
                    f"{float(tt_u[k]) * 1e3:,.0f} ms and TPOT <= {float(tp_u[k]) * 1e3:.1f} ms ({DEFAULT_TARGET_SLACK:g}x batch 1)")
        tt, tp_ = tt_u, tp_u
    thr = max_throughput(dep, gu, iu, ou, _c=c)[0]
    slo = slo_throughput(dep, gu, iu, ou, tt, tp_, _c=c)
    out = (mf, (tt, tp_, note), thr, slo)
    if key is not None:
        _SHAPE_MEMO[key] = out
        if len(_SHAPE_MEMO) > _SHAPE_MEMO_SIZE:
            _SHAPE_MEMO.popitem(last=False)
    return out


def plan(dep: Deployment, input_tokens: Any, output_tokens: Any, requests_per_month: Any,
         peak_to_average: Any = 1.0, seconds_per_month: float = SECONDS_PER_MONTH,
         gpus: Any = None) -> SelfhostPlan:
    """Size and price a self-hosted deployment for workload points.

    ``input_tokens``, ``output_tokens``, ``requests_per_month``, ``peak_to_average`` (and
    optionally ``gpus``, GPUs per unit, default ``dep.gpus``) broadcast together. One unit
    serves at most ``utilization x`` its SLO throughput (max throughput without targets);
    replicas = ceil(peak requests/s / replica capacity), nodes = the servers holding them.
    Never raises on a non-fit: ``fits`` is
    False, costs are NaN and ``warnings`` say what would fit. A request longer than the
    model's context window cannot be served: ``within_context`` is False, costs are NaN
    and a warning says so.
    """

    c = _consts(dep)
    g = _arr(dep.gpus if gpus is None else gpus)
    i = _arr(input_tokens)
    o = _arr(output_tokens)
    req = _arr(requests_per_month)
    p2a = np.maximum(_arr(peak_to_average), 1.0)
    shape = np.broadcast(g, i, o, req, p2a).shape
    g, i, o, req, p2a = (np.broadcast_to(x, shape) for x in (g, i, o, req, p2a))
    warnings: list[str] = []

    tt = dep.ttft_ms / 1e3 if dep.ttft_ms else np.inf
    tp_ = dep.tpot_ms / 1e3 if dep.tpot_ms else np.inf
    # memory, throughput and latency depend on the shape (gpus, input, output) only: when every
    # point has the same shape (a volume sweep) compute them once and spread them over the points
    flat = [x.reshape(-1) for x in (g, i, o)]
    if all(x.size == 0 or (x == x[0]).all() for x in flat):
        inv = np.zeros(max(flat[0].size, 1), dtype=np.intp)
        gu, iu, ou = (x[:1] if x.size else np.zeros(1) for x in flat)
    else:
        inv = np.arange(flat[0].size)
        gu, iu, ou = flat
    mf_u, (tt, tp_, relaxed_note), thr_u, slo_u = _per_shape(dep, gu, iu, ou, tt, tp_, c)
    mf = _spread(mf_u, inv, shape)
    if relaxed_note:
        warnings.append(relaxed_note)
    targets = [np.broadcast_to(np.asarray(t, dtype=float), gu.shape)[inv.reshape(-1)].reshape(shape) * 1e3
               for t in (tt, tp_)]  # the targets the sizing used, per point (ms; inf: none)
    thr = thr_u[inv.reshape(-1)].reshape(shape)
    slo = _spread(slo_u, inv, shape)
    fits = mf.fits
    ctx = dep.model.context_window
    within = (i + o <= ctx) if ctx else np.ones(shape, dtype=bool)
    usable = fits & slo.feasible & within
    util = dep.cost.utilization
    tf = dep.cost.throughput_factor
    unit_rps = np.where(usable, slo.output_tokens_per_s * tf / np.maximum(o, 1.0) * util, 0.0)
    avg_rps = req / seconds_per_month
    peak_rps = avg_rps * p2a
    with np.errstate(divide="ignore", invalid="ignore"):
        replicas = np.where(usable, np.maximum(np.ceil(peak_rps / unit_rps - 1e-9), np.where(req > 0, 1.0, 0.0)), np.nan)
        nodes = np.ceil(replicas * g / dep.gpus_per_node - 1e-9)
    costs = monthly_costs(dep.cost, g, dep.gpus_per_node, replicas, seconds_per_month)
    monthly = costs["total"]
    tokens = req * (i + o)
    with np.errstate(divide="ignore", invalid="ignore"):
        cost_per_mtok = np.where(tokens > 0, monthly / tokens * 1e6, np.nan)
        unit_cost_h = costs["unit_per_month"] / (seconds_per_month / 3600.0)
        out_per_h = slo.output_tokens_per_s * tf * util * 3600.0
        cpm_out = np.where(usable & (out_per_h > 0), unit_cost_h / out_per_h * 1e6, np.nan)
        avg_util = np.where(usable & (replicas > 0), avg_rps / (replicas * unit_rps / util), np.nan)

    if not within.all():
        idx = int(np.argmin(within.reshape(-1)))
        n = float(i.reshape(-1)[idx] + o.reshape(-1)[idx])
        warnings.append(f"request of {n:,.0f} tokens exceeds the model's {ctx:,}-token context window: "
                        "it cannot be served, so the deployment is not priced")
    if not fits.all():
        idx = int(np.argmin(fits.reshape(-1)))
        fi, fo = float(i.reshape(-1)[idx]), float(o.reshape(-1)[idx])
        gi = int(g.reshape(-1)[idx])
        need = float(mf.needed_gb.reshape(-1)[idx])
        have = float(mf.available_gb.reshape(-1)[idx])
        alts = fit_alternatives(replace(dep, gpus=gi), fi, fo)
        msg = (f"{dep.model.id} at {dep.precision} does not fit on {gi}x {dep.gpu.id}: needs about {need:,.0f} GB "
               f"(weights {float(mf.weights_gb.reshape(-1)[idx]):,.0f} GB + runtime + one {fi + fo:,.0f}-token sequence of KV), "
               f"has {have:,.0f} GB")
        if alts:
            msg += "; would fit on " + ", ".join(a.describe() for a in alts)
        warnings.append(msg)
    bad = fits & ~slo.feasible
    if bad.any():
        idx = int(np.argmax(bad.reshape(-1)))
        pct = "" if dep.slo_percentile <= 50 else f"p{dep.slo_percentile:g} "
        warnings.append(
            f"no batch meets the latency targets ({pct}ttft {dep.ttft_ms} ms, {pct}tpot {dep.tpot_ms} ms): the best TPOT "
            f"achievable is {float(slo.best_tpot_s.reshape(-1)[idx]) * 1e3:.1f} ms and the best TTFT "
            f"{float(slo.best_ttft_s.reshape(-1)[idx]) * 1e3:.0f} ms at batch 1")
    idle = usable & (costs["billed_gpus"] > replicas * g)
    if dep.cost.mode == "rent" and idle.any():
        idx = int(np.argmax(idle.reshape(-1)))
        used = float((replicas * g).reshape(-1)[idx])
        billed = float(costs["billed_gpus"].reshape(-1)[idx])
        inst = int(dep.cost.gpus_per_instance)
        warnings.append(f"the rental is sold in instances of {inst} GPUs: {billed:,.0f} GPUs billed for the "
                        f"{used:,.0f} in use ({billed - used:,.0f} idle); a rental sold per GPU, or more volume on "
                        "the same instance, costs less per request")
    if (fits & mf.near_memory_limit).any():
        idx = int(np.argmax((fits & mf.near_memory_limit).reshape(-1)))
        warnings.append(
            f"near the memory limit: {float(mf.free_per_gpu_gb.reshape(-1)[idx]):.1f} GB per GPU left after weights "
            f"and runtime, room for {int(mf.max_concurrency.reshape(-1)[idx])} concurrent sequences")

    return SelfhostPlan(
        fits=fits, gpus=g.copy(), replicas=replicas, nodes=nodes, total_gpus=replicas * g,
        billed_gpus=costs["billed_gpus"], monthly_cost_usd=monthly,
        cost_components={k: v for k, v in costs.items() if k not in ("total", "unit_per_month", "billed_gpus")},
        output_tokens_per_s=np.where(fits, thr, 0.0), slo_output_tokens_per_s=slo.output_tokens_per_s,
        slo_feasible=slo.feasible & fits, ttft_ms=np.where(usable, slo.ttft_s * 1e3, np.nan),
        tpot_ms=np.where(usable, slo.tpot_s * 1e3, np.nan), best_tpot_ms=np.where(fits, slo.best_tpot_s * 1e3, np.nan),
        best_ttft_ms=np.where(fits, slo.best_ttft_s * 1e3, np.nan), within_context=np.asarray(within).copy(),
        operating_batch=slo.batch, weights_gb=mf.weights_gb, kv_bytes_per_token=mf.kv_bytes_per_token,
        kv_capacity_tokens=mf.kv_capacity_tokens, max_concurrency=mf.max_concurrency,
        near_memory_limit=mf.near_memory_limit, cache_gb=mf.cache_gb,
        bytes_per_sequence=np.broadcast_to(seq_bytes(c, i + o), shape).copy(), ttft_target_ms=targets[0],
        tpot_target_ms=targets[1], requests_per_s_capacity=unit_rps,
        average_utilization=avg_util, cost_per_mtok=cost_per_mtok, cost_per_mtok_output=cpm_out,
        unit_monthly_cost_usd=float(np.asarray(costs["unit_per_month"]).reshape(-1)[0]),
        fixed_monthly_cost_usd=float(dep.cost.staff_per_month or 0.0), warnings=warnings)
