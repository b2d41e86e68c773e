"""Percentile latency of continuous batching, and the largest batch within latency targets.

The queueing model (docs/selfhost-model.md, "Percentile latency"):

* **TTFT.** Requests arrive as a Poisson stream at ``lam = batch / (osl x TPOT)`` (Little's
  law for the decode batch). Their prefills are served one after another by the replica: an
  M/G/1 queue whose service time ``S`` is the prefill time of the request's prompt, which
  varies with the input-length mix. The load is ``rho = lam E[S]``, the mean wait
  ``rho E[S^2] / (E[S] 2 (1 - rho))`` (Pollaczek-Khinchine). The waiting time is taken as
  exponential beyond zero: ``P(W > x) = rho exp(-x / theta)`` with ``theta`` = mean wait /
  rho (times the engine's fitted ``ttft_tail``): the standard heavy-traffic approximation
  of M/G/1. TTFT of a request with prompt j is ``W + S_j + step / 2``; its percentile solves
  ``sum_j w_j P(W <= t - S_j - step/2) = p``.
* **TPOT.** One iteration takes ``step`` on average; the prefills arriving during it add
  work whose variance is ``lam step E[S_eff^2]`` (compound Poisson), ``S_eff^2 = S^2`` when
  whole prompts run in one iteration and ``S^2 min(1, chunk / isl)`` with chunked prefill
  (each chunk adds at most its share); the engine's ``tpot_jitter`` adds a fixed coefficient
  of variation. A request with ``n`` decode iterations sees the mean of ``n`` iterations
  (normal approximation, std ``sigma / sqrt(n)``); its TPOT percentile is solved over the
  output-length mix (short answers average fewer iterations and make the tail).

At the 50th percentile the means of :func:`tco.engine.selfhost.ttft_tpot` are used (the
model's behaviour before percentiles existed).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from .inputs import _C, Deployment, _arr, _consts
from .memory import max_batch
from .throughput import MAX_PREFILL_LOAD, Latency, prefill_moments, step_time, ttft_tpot

PERCENTILES = (50.0, 90.0, 99.0)
"""Percentiles latency targets may be on."""


def _norm_cdf(x: np.ndarray) -> np.ndarray:
    """Standard normal CDF (Abramowitz and Stegun 7.1.26 for erf, error below 1.5e-7)."""
    y = np.abs(x) / math.sqrt(2.0)
    t = 1.0 / (1.0 + 0.3275911 * y)
    poly = ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t
    erf = 1.0 - poly * np.exp(-y * y)
    return 0.5 * (1.0 + np.sign(x) * erf)


def _bisect(cdf: Any, lo: np.ndarray, hi: np.ndarray, p: float, iterations: int = 48) -> np.ndarray:
    """The t where the increasing ``cdf(t)`` reaches ``p`` (vectorized bisection)."""
    lo, hi = lo.copy(), hi.copy()
    for _ in range(iterations):
        mid = 0.5 * (lo + hi)
        below = cdf(mid) < p
        lo = np.where(below, mid, lo)
        hi = np.where(below, hi, mid)
    return 0.5 * (lo + hi)


def tail_latency(dep: Deployment, gpus: Any, batch: Any, isl: Any, osl: Any, percentile: float | None = None, *,
                 tp: Any = None, ep: Any = None, _c: _C | None = None,
                 _pf: tuple[np.ndarray, np.ndarray, list[np.ndarray]] | None = None) -> Latency:
    """TTFT and TPOT at ``percentile`` (default: the deployment's) when ``batch`` sequences are
    in flight; at 50 the means."""
    c = _c or _consts(dep)
    p = dep.slo_percentile if percentile is None else percentile
    pf = _pf if _pf is not None else prefill_moments(dep, gpus, isl, tp=tp, ep=ep, _c=c)
    if p <= 50.0:
        return ttft_tpot(dep, gpus, batch, isl, osl, tp=tp, ep=ep, _c=c, _pf=pf[:2])
    q = p / 100.0
    es, es2, times = pf
    st = step_time(dep, gpus, batch, isl, osl, tp=tp, ep=ep, _c=c)
    b = np.maximum(_arr(batch), 1.0)
    o = np.maximum(_arr(osl), 1.0)
    i = np.maximum(_arr(isl), 1.0)
    lam = b / (o * st.tpot)
    rho = np.minimum(lam * es, MAX_PREFILL_LOAD)
    mean_wait = rho * (es2 / es) / (2.0 * (1.0 - rho))
    theta = np.maximum(mean_wait / np.maximum(rho, 1e-12), 1e-9) * c.ttft_tail
    zin, win = dep.input_shape.z, dep.input_shape.w
    shape = np.broadcast_shapes(np.shape(lam), np.shape(theta), np.shape(st.step), *(np.shape(x) for x in times))
    lead = (len(win),) + (1,) * len(shape)
    wi = np.reshape(win, lead)
    base = np.stack([np.broadcast_to(x + 0.5 * st.step + c.front, shape) for x in times])  # (J, ...)
    rho_b, theta_b = np.broadcast_to(rho, shape), np.broadcast_to(theta, shape)

    def ttft_cdf(t: np.ndarray) -> np.ndarray:
        x = t[None] - base
        return np.sum(wi * np.where(x < 0, 0.0, 1.0 - rho_b * np.exp(-np.maximum(x, 0.0) / theta_b)), axis=0)

    hi_t = base.max(axis=0) + theta_b * (math.log(1.0 / (1.0 - q)) + 2.0) + 1e-3
    ttft = _bisect(ttft_cdf, np.zeros(shape), hi_t, q)

    # TPOT: mean of n iterations, each with prefill-arrival variance and scheduling jitter
    s2 = 0.0
    for w, z, s in zip(win, zin, times):
        frac = np.minimum(1.0, c.chunk / (i * z)) if c.chunk > 0 else 1.0
        s2 = s2 + w * s * s * frac
    var_step = lam * st.step * s2 + (c.tpot_jitter * st.step) ** 2
    sd_step = np.sqrt(np.maximum(var_step, 0.0)) / c.spec_tokens
    zout, wout = dep.output_shape.z, dep.output_shape.w
    shape2 = np.broadcast_shapes(np.shape(st.tpot), np.shape(sd_step), np.shape(o))
    lead2 = (len(wout),) + (1,) * len(shape2)
    wo = np.reshape(wout, lead2)
    n = np.maximum(np.broadcast_to(o, shape2)[None] * np.reshape(zout, lead2) / c.spec_tokens, 1.0)
    sd = np.maximum(np.broadcast_to(sd_step, shape2)[None] / np.sqrt(n), 1e-15)
    mean_t = np.broadcast_to(st.tpot, shape2)

    def tpot_cdf(t: np.ndarray) -> np.ndarray:
        return np.sum(wo * _norm_cdf((t[None] - mean_t[None]) / sd), axis=0)

    lo2 = mean_t.astype(float)
    hi2 = lo2 + 6.0 * np.broadcast_to(sd_step, shape2) + 1e-9
    tpot = _bisect(tpot_cdf, lo2, hi2, q)
    return Latency(ttft_s=ttft, tpot_s=tpot, output_tokens_per_s=b / st.tpot, requests_per_s=lam)


@dataclass
class SloResult:
    """Best throughput within latency targets (arrays)."""

    output_tokens_per_s: np.ndarray
    """Highest output tokens/s whose TTFT and TPOT (at the percentile) meet the targets (0 when none does)."""
    batch: np.ndarray
    ttft_s: np.ndarray
    tpot_s: np.ndarray
    feasible: np.ndarray
    best_tpot_s: np.ndarray
    """TPOT at batch 1: the best any batch can do."""
    best_ttft_s: np.ndarray


def slo_throughput(dep: Deployment, gpus: Any, isl: Any, osl: Any, ttft_s: Any = np.inf, tpot_s: Any = np.inf,
                   *, percentile: float | None = None, tp: Any = None, ep: Any = None, iterations: int = 24,
                   _c: _C | None = None) -> SloResult:
    """Largest batch whose TTFT and TPOT (at ``percentile``, default the deployment's) meet the
    targets (both grow with the batch, so a vectorized bisection finds it), and the throughput
    it reaches."""
    c = _c or _consts(dep)
    g = _arr(gpus)
    i, o = _arr(isl), _arr(osl)
    p = dep.slo_percentile if percentile is None else percentile
    bmax = max_batch(dep, g, i, o, tp=tp, ep=ep, _c=c)
    shape = np.broadcast(g, i, o, _arr(ttft_s), _arr(tpot_s), bmax).shape
    tt = np.broadcast_to(_arr(ttft_s), shape)
    tp_ = np.broadcast_to(_arr(tpot_s), shape)
    bmax = np.broadcast_to(bmax, shape)
    pf = prefill_moments(dep, g, i, tp=tp, ep=ep, _c=c)

    def ok(b: np.ndarray) -> tuple[np.ndarray, Latency]:
        lat = tail_latency(dep, g, b, i, o, p, tp=tp, ep=ep, _c=c, _pf=pf)
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
    lat = tail_latency(dep, g, b, i, o, p, tp=tp, ep=ep, _c=c, _pf=pf)
    thr = np.where(feasible, lat.output_tokens_per_s, 0.0)
    return SloResult(output_tokens_per_s=thr, batch=np.where(feasible, b, 0.0), ttft_s=lat.ttft_s, tpot_s=lat.tpot_s,
                     feasible=feasible, best_tpot_s=np.broadcast_to(lat1.tpot_s, shape).copy(),
                     best_ttft_s=np.broadcast_to(lat1.ttft_s, shape).copy())
