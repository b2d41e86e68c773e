"""Time: one decode step (memory and compute rooflines, tensor-parallel all-reduce,
pipeline stages), prefill, TTFT and TPOT at a batch, maximum throughput, and the largest
batch that meets latency targets."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from .inputs import _C, GB, Deployment, _arr, _consts, split
from .memory import _kv_per_gpu_token, max_batch


@dataclass
class StepTime:
    """Decode iteration time and its parts (seconds, arrays)."""

    memory: np.ndarray
    """Per pipeline stage: streaming weights and KV cache."""
    compute: np.ndarray
    """Per pipeline stage: decode + folded-in prefill FLOPs."""
    comm: np.ndarray
    """Whole step: tensor-parallel all-reduces (2 per layer) and pipeline hops."""
    tpot: np.ndarray
    """Whole step = time per output token of every running sequence."""


def _allreduce(c: _C, tp: np.ndarray, tokens: np.ndarray, act_bytes: float) -> np.ndarray:
    msg = tokens * c.hidden * act_bytes
    ring = 2.0 * (tp - 1.0) / tp * msg / c.link if not math.isnan(c.link) else 2.0 * (tp - 1.0) / tp * msg / (32 * GB)
    return np.where(tp > 1, c.ar_latency + ring, 0.0)


def _stage_parts(dep: Deployment, c: _C, gpus: Any, batch: Any, isl: Any, osl: Any
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(memory time, compute time) of one pipeline stage for one micro-batch, the tokens of
    that micro-batch iteration, tp and pp."""
    g = _arr(gpus)
    b = np.maximum(_arr(batch), 1.0)
    i, o = _arr(isl), np.maximum(_arr(osl), 1.0)
    tp, pp = split(g, dep.gpus_per_node)
    ctx = i + 0.5 * o
    mb = b / pp  # sequences per micro-batch (one micro-batch per pipeline stage in flight)
    tokens = mb * (1.0 + i / o)  # decode + folded-in prefill tokens per micro-batch iteration
    if c.experts > 0:
        touched = c.experts * (1.0 - (1.0 - c.active_experts / c.experts) ** tokens)
        wbytes = c.dense_bytes + c.expert_bytes_per_expert * touched
    else:
        wbytes = c.weight_bytes
    mem = (wbytes / g + mb * ctx * _kv_per_gpu_token(c, tp, pp)) / c.bw
    flops = mb * (c.flops_linear * (1.0 + i / o) + c.attn_coef * ctx + c.attn_coef * 0.5 * i * i / o)
    comp = flops / (g * c.peak * c.comp_eff)  # one stage: 1/pp of the layers on tp GPUs
    return mem, comp, tokens, tp, pp


def step_time(dep: Deployment, gpus: Any, batch: Any, isl: Any, osl: Any, *, _c: _C | None = None) -> StepTime:
    """Decode iteration time at ``batch`` concurrent sequences in steady state (continuous
    batching: each iteration also carries ``batch * isl / osl`` prefill tokens)."""
    c = _c or _consts(dep)
    mem, comp, tokens, tp, pp = _stage_parts(dep, c, gpus, batch, isl, osl)
    k = c.overlap
    stage = (mem**k + comp**k) ** (1.0 / k)
    comm = c.layers * 2.0 * _allreduce(c, tp, tokens, dep.act_bytes)
    hops = np.where(pp > 1, (pp - 1.0) * (20e-6 + tokens * c.hidden * dep.act_bytes / c.scale_out), 0.0)
    tpot = pp * stage + comm + hops + c.overhead
    return StepTime(memory=mem, compute=comp, comm=comm + hops, tpot=tpot)


def prefill_time(dep: Deployment, gpus: Any, isl: Any, *, _c: _C | None = None) -> np.ndarray:
    """Standalone prefill of one request of ``isl`` tokens (seconds): compute bound on the
    tensor-parallel group (pipeline stages run one after another), at least one weight read."""
    c = _c or _consts(dep)
    g = _arr(gpus)
    i = np.maximum(_arr(isl), 1.0)
    tp, pp = split(g, dep.gpus_per_node)
    flops = i * c.flops_linear + c.attn_coef * 0.5 * i * i
    comp = flops / (tp * c.peak * c.prefill_eff)
    mem = c.weight_bytes / tp / c.bw
    comm = c.layers * 2.0 * _allreduce(c, tp, i, dep.act_bytes)
    hops = np.where(pp > 1, (pp - 1.0) * (20e-6 + i * c.hidden * dep.act_bytes / c.scale_out), 0.0)
    return np.maximum(comp, mem) + comm + hops + c.overhead


@dataclass
class Latency:
    ttft_s: np.ndarray
    tpot_s: np.ndarray
    output_tokens_per_s: np.ndarray
    requests_per_s: np.ndarray


MAX_PREFILL_LOAD = 0.98


def ttft_tpot(dep: Deployment, gpus: Any, batch: Any, isl: Any, osl: Any, *, _c: _C | None = None) -> Latency:
    """TTFT and TPOT when ``batch`` sequences are in flight in steady state.

    TPOT is the iteration time. TTFT = standalone prefill + an M/D/1 wait behind other
    requests' prefills (load = arrival rate x prefill time) + half an iteration."""
    c = _c or _consts(dep)
    st = step_time(dep, gpus, batch, isl, osl, _c=c)
    pf = prefill_time(dep, gpus, isl, _c=c)
    b = np.maximum(_arr(batch), 1.0)
    o = np.maximum(_arr(osl), 1.0)
    lam = b / (o * st.tpot)
    rho = np.minimum(lam * pf, MAX_PREFILL_LOAD)
    wait = rho * pf / (2.0 * (1.0 - rho))
    ttft = pf + wait + 0.5 * st.tpot
    return Latency(ttft_s=ttft, tpot_s=st.tpot, output_tokens_per_s=b / st.tpot, requests_per_s=lam)


def max_throughput(dep: Deployment, gpus: Any, isl: Any, osl: Any, *, _c: _C | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(maximum offline output tokens/s, the batch that reaches it); 0 where nothing fits."""
    c = _c or _consts(dep)
    bmax = max_batch(dep, gpus, isl, osl, _c=c)
    st = step_time(dep, gpus, np.maximum(bmax, 1.0), isl, osl, _c=c)
    thr = np.where(bmax >= 1, np.maximum(bmax, 1.0) / st.tpot, 0.0)
    return thr, bmax


@dataclass
class SloResult:
    """Best throughput within latency targets (arrays)."""

    output_tokens_per_s: np.ndarray
    """Highest output tokens/s whose TTFT and TPOT meet the targets (0 when none does)."""
    batch: np.ndarray
    ttft_s: np.ndarray
    tpot_s: np.ndarray
    feasible: np.ndarray
    best_tpot_s: np.ndarray
    """TPOT at batch 1: the best any batch can do."""
    best_ttft_s: np.ndarray


def slo_throughput(dep: Deployment, gpus: Any, isl: Any, osl: Any, ttft_s: Any = np.inf, tpot_s: Any = np.inf,
                   *, iterations: int = 24, _c: _C | None = None) -> SloResult:
    """Largest batch whose TTFT and TPOT meet the targets (both grow with the batch, so a
    vectorized bisection finds it), and the throughput it reaches."""
    c = _c or _consts(dep)
    g = _arr(gpus)
    i, o = _arr(isl), _arr(osl)
    bmax = max_batch(dep, g, i, o, _c=c)
    shape = np.broadcast(g, i, o, _arr(ttft_s), _arr(tpot_s)).shape
    tt = np.broadcast_to(_arr(ttft_s), shape)
    tp_ = np.broadcast_to(_arr(tpot_s), shape)
    bmax = np.broadcast_to(bmax, shape)

    def ok(b: np.ndarray) -> tuple[np.ndarray, Latency]:
        lat = ttft_tpot(dep, g, b, i, o, _c=c)
        return (lat.ttft_s <= tt) & (lat.tpot_s <= tp_), lat

    one = np.ones(shape)
    ok1, lat1 = ok(one)
    feasible = ok1 & (bmax >= 1)
    okmax, _ = ok(np.maximum(bmax, 1.0))
    lo = np.where(okmax, np.maximum(bmax, 1.0), 1.0)  # lo always satisfies where feasible
    hi = np.where(okmax, lo, np.maximum(bmax, 1.0))
    for _ in range(iterations):
        active = hi - lo > 0.5
        if not active.any():
            break
        mid = np.floor(0.5 * (lo + hi))
        good, _ = ok(mid)
        lo = np.where(active & good, mid, lo)
        hi = np.where(active & ~good, mid, hi)
    b = np.floor(lo)
    lat = ttft_tpot(dep, g, b, i, o, _c=c)
    thr = np.where(feasible, lat.output_tokens_per_s, 0.0)
    return SloResult(output_tokens_per_s=thr, batch=np.where(feasible, b, 0.0), ttft_s=lat.ttft_s, tpot_s=lat.tpot_s,
                     feasible=feasible, best_tpot_s=np.broadcast_to(lat1.tpot_s, shape).copy(),
                     best_ttft_s=np.broadcast_to(lat1.ttft_s, shape).copy())


def roofline_tokens_per_s(dep: Deployment, gpus: Any, batch: Any, isl: Any, osl: Any) -> np.ndarray:
    """Upper bound on output tokens/s at ``batch``: every efficiency at 100 %, no
    communication, no overhead, perfect overlap of memory and compute. The model's
    throughput never exceeds it (efficiencies are at most 1 and the smooth max is at least the max)."""
    ideal = replace(dep, engine=replace(dep.engine, bandwidth_efficiency=1.0, compute_efficiency=1.0,
                                        prefill_efficiency=1.0, fp8_compute_factor=1.0),
                    gpu=replace(dep.gpu, compute_efficiency=1.0, bandwidth_efficiency=1.0))
    c = _consts(ideal)
    st = _stage_parts(dep, c, gpus, batch, isl, osl)
    _, pp = split(_arr(gpus), dep.gpus_per_node)
    b = np.maximum(_arr(batch), 1.0)
    return b / (pp * np.maximum(st[0], st[1]))
