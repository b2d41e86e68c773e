"""Calibration of the self-hosting model against published measurements (pure numpy).

Two kinds of measurement (``tests/data/calibration_trtllm.csv``):

* ``offline``: maximum output tokens/s with every request queued at once. Predicted by
  :func:`tco.engine.selfhost.max_throughput`.
* ``online``: requests arriving at an offered rate (or all at once, ``inf``) for a finite
  run of ``requests``; measured mean TTFT, mean inter-token latency (ITL) and output
  tokens/s. Predicted by :func:`predict_online`, which reuses the steady-state TTFT/TPOT of
  the serving model: find the batch ``b`` where the arrival rate equals
  ``b / (TTFT(b) + osl * TPOT(b))``; beyond capacity the batch saturates; the TTFT queue is
  M/D/1 on prefills while the prefill load is below 1, and the finite-run fluid limit
  (request k waits k x (prefill - 1/rate)) above it.

:func:`fit` tunes an engine profile's efficiency parameters by Nelder-Mead on the mean
squared log error. Data loading lives with the callers (tests, ``benchmarks/``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from .inputs import Deployment, EngineProfile, _consts
from .measured import METRICS, Point, Prediction, predict_closed, predict_server
from .memory import max_batch
from .throughput import MAX_PREFILL_LOAD, max_throughput, prefill_time, step_time

MODEL_SOURCES = {
    "llama-3.1-8b-instruct": "meta-llama/Llama-3.1-8B-Instruct config.json (selfhost-reference section 1)",
    "llama-3.1-70b-instruct": "meta-llama/Llama-3.1-70B-Instruct config.json (selfhost-reference section 1)",
    "llama-3.1-405b-instruct": "meta-llama/Llama-3.1-405B-Instruct config.json (selfhost-reference section 1)",
    "mistral-7b": "mistralai/Mistral-7B-v0.1 config.json",
    "mixtral-8x7b": "mistralai/Mixtral-8x7B-v0.1 config.json",
    "mixtral-8x22b": "mistralai/Mixtral-8x22B-v0.1 config.json",
}

CALIBRATION_ARCHITECTURES: dict[str, dict[str, Any]] = {
    # layers, hidden, heads, kv_heads, head_dim, ffn, vocab, params_b, active_params_b, experts, active_experts
    "llama-3.1-8b-instruct": dict(layers=32, hidden_size=4096, heads=32, kv_heads=8, head_dim=128, ffn_size=14336,
                                  vocab_size=128256, params_b=8.03, active_params_b=8.03),
    "llama-3.1-70b-instruct": dict(layers=80, hidden_size=8192, heads=64, kv_heads=8, head_dim=128, ffn_size=28672,
                                   vocab_size=128256, params_b=70.55, active_params_b=70.55),
    "llama-3.1-405b-instruct": dict(layers=126, hidden_size=16384, heads=128, kv_heads=8, head_dim=128, ffn_size=53248,
                                    vocab_size=128256, params_b=405.85, active_params_b=405.85),
    "mistral-7b": dict(layers=32, hidden_size=4096, heads=32, kv_heads=8, head_dim=128, ffn_size=14336,
                       vocab_size=32000, params_b=7.24, active_params_b=7.24),
    "mixtral-8x7b": dict(layers=32, hidden_size=4096, heads=32, kv_heads=8, head_dim=128, ffn_size=14336,
                         vocab_size=32000, params_b=46.70, active_params_b=12.88, experts=8, active_experts=2),
    "mixtral-8x22b": dict(layers=56, hidden_size=6144, heads=48, kv_heads=8, head_dim=128, ffn_size=16384,
                          vocab_size=32000, params_b=140.6, active_params_b=39.2, experts=8, active_experts=2),
}
"""Architectures of the calibration models. Mixtral parameter counts derived from the
config (8x7B: 46.7 B total, 12.9 B active; 8x22B: 140.6 B / 39.2 B)."""


def points_from_rows(rows: Sequence[dict[str, str]], accelerators: dict[str, Any], engine: EngineProfile,
                     gpus_per_node: int = 8) -> list[Point]:
    """Calibration points from CSV rows (``csv.DictReader`` of calibration_trtllm.csv).

    ``accelerators`` maps ids to :class:`tco.engine.selfhost.Accelerator`."""
    from .inputs import ModelShape

    out = []
    for r in rows:
        tp, pp = int(r["tp"]), int(r.get("pp") or 1)
        shape = ModelShape(id=r["model"], **CALIBRATION_ARCHITECTURES[r["model"]])
        dep = Deployment(model=shape, gpu=accelerators[r["gpu"]], engine=engine, precision=r["precision"],
                         kv_precision=r["kv_precision"] or None, gpus=tp * pp, gpus_per_node=gpus_per_node)

        def num(key: str) -> float:
            v = (r.get(key) or "").strip()
            return float("inf") if v == "inf" else (float(v) if v else float("nan"))

        out.append(Point(dep, tp * pp, float(r["isl"]), float(r["osl"]), r["kind"], num("offered_qps"), num("requests"),
                         num("output_tok_s"), num("ttft_ms"), num("itl_ms"), dict(r)))
    return out


def saturated(p: Point) -> bool:
    """An online run whose offered rate exceeded what the server achieved (a transient,
    finite-run regime) or that queued every request at once."""
    if p.kind != "online" or p.row is None:
        return False
    q = p.offered_qps
    ach = float(p.row.get("achieved_rps") or "nan")
    return not np.isfinite(q) or (np.isfinite(ach) and ach < 0.8 * q)


def predict_offline(p: Point) -> Prediction:
    thr, _ = max_throughput(p.dep, p.gpus, p.isl, p.osl)
    return Prediction(float(thr) * p.replicas)


def predict_online(p: Point, iterations: int = 40) -> Prediction:
    """Serving a finite run of ``requests`` arriving at ``offered_qps`` (inf: all at once).

    1. capacity: the request rate at the largest batch the run can hold,
       ``b_cap = min(max_batch, requests)``; the served rate is min(offered, capacity);
    2. the batch ``b`` solves rate = b / (TTFT(b) + osl x TPOT(b)); ITL = TPOT(b);
    3. TTFT = standalone prefill + queue behind other prefills: M/D/1 while the prefill
       load (rate x prefill time) is below 1, else the finite-run fluid limit
       requests/2 x (prefill - 1/rate); plus a wait for a batch slot when the run is larger
       than the batch and arrives faster than capacity;
    4. output tokens/s = requests x osl / run time; the run lasts the longer of
       requests / served rate and the last arrival plus the last request's latency."""
    dep, c = p.dep, _consts(p.dep)
    g, i, o = float(p.gpus), float(p.isl), float(p.osl)
    n = float(p.requests) if np.isfinite(p.requests) else np.inf
    bmax = float(max(max_batch(dep, g, i, o, _c=c), 1.0))
    bcap = min(bmax, n)
    pf = float(prefill_time(dep, g, i, _c=c))
    lam_off = float(p.offered_qps)

    def rate(b: float) -> tuple[float, float, float]:
        tpot = float(step_time(dep, g, b, i, o, _c=c).tpot)
        lam_b = b / (o * tpot)
        rho = min(lam_b * pf, MAX_PREFILL_LOAD)
        ttft = pf + rho * pf / (2 * (1 - rho)) + 0.5 * tpot + c.front
        return b / (ttft + o * tpot), tpot, ttft

    lam_cap, tpot_cap, _ = rate(bcap)
    if lam_off >= lam_cap:
        lam, tpot = lam_cap, tpot_cap
    else:
        lo, hi = 1.0, bcap
        for _ in range(iterations):
            mid = 0.5 * (lo + hi)
            if rate(mid)[0] < lam_off:
                lo = mid
            else:
                hi = mid
        lam, tpot = lam_off, rate(0.5 * (lo + hi))[1]
    inv_off = 1.0 / lam_off if np.isfinite(lam_off) else 0.0
    rho = lam_off * pf
    if rho < 1.0:
        r = min(rho, MAX_PREFILL_LOAD)
        wait = r * pf / (2 * (1 - r))
    else:
        wait = n / 2.0 * (pf - inv_off)
    if n > bmax and lam_off > lam_cap:
        wait = max(wait, (n - bmax) ** 2 / (2 * n) * (1.0 / lam_cap - inv_off))
    ttft = pf + wait + 0.5 * tpot + c.front
    if np.isfinite(n):
        # the run ends when the last request is served: its TTFT is twice the mean in the
        # fluid (queue-growing) regime, the mean otherwise
        last = pf + (2.0 * wait if rho >= 1.0 else wait) + 0.5 * tpot + c.front
        total = max(n / lam, n * inv_off + last + o * tpot)
        out = n * o / total
    else:
        out = lam * o
    return Prediction(output_tok_s=out * p.replicas, ttft_ms=ttft * 1e3, itl_ms=tpot * 1e3)


def predict(p: Point) -> Prediction:
    """The prediction for any kind of point (offline, online, server, closed)."""
    return {"offline": predict_offline, "online": predict_online, "server": predict_server,
            "closed": predict_closed}[p.kind](p)


def comparisons(points: Sequence[Point], preds: Sequence[Prediction] | None = None) -> list[tuple[Point, str, float, float]]:
    """(point, metric, measured, predicted) for every measured quantity."""
    preds = preds if preds is not None else [predict(p) for p in points]
    out = []
    for p, q in zip(points, preds):
        for metric in METRICS:
            meas = getattr(p, metric)
            if meas is not None and np.isfinite(meas):
                out.append((p, metric, float(meas), float(getattr(q, metric))))
    return out


def errors(comps: Sequence[tuple[Point, str, float, float]]) -> np.ndarray:
    """Relative errors (predicted / measured - 1)."""
    return np.array([pred / meas - 1.0 for _, _, meas, pred in comps])


FLOOR = 0.01
"""A prediction of zero (no batch meets the limits the run met) counts as 1/FLOOR = 100x off."""


def summary(comps: Sequence[tuple[Point, str, float, float]]) -> dict[str, float]:
    e = np.maximum(errors(comps), FLOOR - 1.0)
    ratio = e + 1.0
    worst = np.maximum(ratio, 1.0 / np.maximum(ratio, 1e-12))
    return {
        "points": float(len(e)),
        "median_abs_error": float(np.median(np.abs(e))) if len(e) else np.nan,
        "mean_abs_error": float(np.mean(np.abs(e))) if len(e) else np.nan,
        "worst_factor": float(worst.max()) if len(e) else np.nan,
        "within_20pct": float(np.mean(np.abs(e) <= 0.2)) if len(e) else np.nan,
        "bias": float(np.exp(np.mean(np.log(np.maximum(ratio, 1e-12))))) if len(e) else np.nan,
    }


# ---------------------------------------------------------------------------------------
# fitting
# ---------------------------------------------------------------------------------------

FIT_PARAMETERS: dict[str, tuple[float, float]] = {
    "bandwidth_efficiency": (0.3, 1.0),
    "compute_efficiency": (0.15, 1.0),
    "prefill_efficiency": (0.15, 1.0),
    "fp8_compute_factor": (0.3, 1.0),
    "overlap": (1.0, 8.0),
    "allreduce_latency_us": (1.0, 200.0),
    "step_overhead_ms": (0.05, 20.0),
    "runtime_reserved_gb": (0.2, 8.0),
}
"""Parameters :func:`fit` tunes, with their bounds."""


def nelder_mead(f: Callable[[np.ndarray], float], x0: np.ndarray, step: float = 0.15, iters: int = 600,
                tol: float = 1e-7) -> tuple[np.ndarray, float]:
    """Minimal Nelder-Mead (no scipy)."""
    n = len(x0)
    simplex = [x0.astype(float)]
    for k in range(n):
        x = x0.astype(float).copy()
        x[k] += step
        simplex.append(x)
    vals = [f(x) for x in simplex]
    for _ in range(iters):
        order = np.argsort(vals)
        simplex = [simplex[j] for j in order]
        vals = [vals[j] for j in order]
        if abs(vals[-1] - vals[0]) < tol:
            break
        centroid = np.mean(simplex[:-1], axis=0)
        xr = centroid + (centroid - simplex[-1])
        fr = f(xr)
        if fr < vals[0]:
            xe = centroid + 2.0 * (centroid - simplex[-1])
            fe = f(xe)
            simplex[-1], vals[-1] = (xe, fe) if fe < fr else (xr, fr)
        elif fr < vals[-2]:
            simplex[-1], vals[-1] = xr, fr
        else:
            xc = centroid + 0.5 * (simplex[-1] - centroid)
            fc = f(xc)
            if fc < vals[-1]:
                simplex[-1], vals[-1] = xc, fc
            else:
                best = simplex[0]
                simplex = [best + 0.5 * (x - best) for x in simplex]
                vals = [f(x) for x in simplex]
    j = int(np.argmin(vals))
    return simplex[j], vals[j]


def _with_engine(points: Sequence[Point], engine: EngineProfile) -> list[Point]:
    return [replace(p, dep=replace(p.dep, engine=engine)) for p in points]


def loss(points: Sequence[Point], engine: EngineProfile) -> float:
    comps = comparisons(_with_engine(points, engine))
    e = errors(comps)
    return float(np.mean(np.log1p(e) ** 2))


METRIC_WEIGHT = {"output_tok_s": 1.0, "ttft_ms": 0.5, "itl_ms": 0.5, "ttft_p99_ms": 0.5, "tpot_p99_ms": 0.5}
"""Throughput weighs twice each latency in a fit (it is what capacity plans are made of)."""


def weighted_loss(points: Sequence[Point]) -> float:
    """Mean squared log error over every measured quantity, each point's quantities weighted
    by the point's ``weight`` (non-finite predictions count as a factor of 10)."""
    comps = comparisons(points)
    if not comps:
        return 0.0
    w = np.array([c[0].weight * METRIC_WEIGHT.get(c[1], 1.0) for c in comps])
    r = np.array([c[3] / c[2] for c in comps])
    le = np.where(np.isfinite(r) & (r > 0), np.log(np.where(r > 0, r, 1.0)), np.log(10.0))
    return float(np.sum(w * le ** 2) / np.sum(w))


def fit_values(points: Sequence[Point], names: Sequence[str], bounds: dict[str, tuple[float, float]],
               start: dict[str, float], apply: Callable[[Sequence[Point], dict[str, float]], list[Point]],
               restarts: int = 2, iters: int = 600) -> tuple[dict[str, float], float]:
    """Values of ``names`` (each within its bounds, searched in a logit of log space) that
    minimize :func:`weighted_loss` of ``apply(points, values)``; and that loss."""
    lo = np.array([bounds[k][0] for k in names])
    hi = np.array([bounds[k][1] for k in names])

    def to_x(v: dict[str, float]) -> np.ndarray:
        a = np.array([v[k] for k in names], dtype=float)
        u = np.clip((np.log(a) - np.log(lo)) / (np.log(hi) - np.log(lo)), 1e-4, 1 - 1e-4)
        return np.log(u / (1 - u))

    def to_v(x: np.ndarray) -> dict[str, float]:
        u = 1.0 / (1.0 + np.exp(-x))
        return {k: float(val) for k, val in zip(names, np.exp(np.log(lo) + u * (np.log(hi) - np.log(lo))))}

    def f(x: np.ndarray) -> float:
        return weighted_loss(apply(points, to_v(x)))

    best_x = to_x(start)
    best_v = f(best_x)
    for _ in range(restarts):
        x, v = nelder_mead(f, best_x, step=0.4, iters=iters)
        if v < best_v:
            best_x, best_v = x, v
    return to_v(best_x), best_v


def fit(points: Sequence[Point], start: EngineProfile, params: Sequence[str] | None = None,
        restarts: int = 2) -> tuple[EngineProfile, float]:
    """Tune ``params`` (default: all of :data:`FIT_PARAMETERS`) of ``start`` to the points.

    Parameters are searched in a logit/log space inside their bounds. Returns the fitted
    profile and its loss (mean squared log error)."""
    names = list(params or FIT_PARAMETERS)
    lo = np.array([FIT_PARAMETERS[k][0] for k in names])
    hi = np.array([FIT_PARAMETERS[k][1] for k in names])

    def to_x(e: EngineProfile) -> np.ndarray:
        v = np.array([getattr(e, k) for k in names], dtype=float)
        u = np.clip((np.log(v) - np.log(lo)) / (np.log(hi) - np.log(lo)), 1e-4, 1 - 1e-4)
        return np.log(u / (1 - u))

    def to_engine(x: np.ndarray) -> EngineProfile:
        u = 1.0 / (1.0 + np.exp(-x))
        v = np.exp(np.log(lo) + u * (np.log(hi) - np.log(lo)))
        return replace(start, **{k: float(val) for k, val in zip(names, v)})

    best_x, best_v = to_x(start), loss(points, start)
    for _ in range(restarts):
        x, v = nelder_mead(lambda x: loss(points, to_engine(x)), best_x, step=0.4)
        if v < best_v:
            best_x, best_v = x, v
    return to_engine(best_x), best_v
