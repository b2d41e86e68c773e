"""Published measurements as model inputs, and the predictions to compare them with.

A :class:`Point` is one measured run (``tests/data/selfhost_measurements.csv`` or
``calibration_trtllm.csv``) with the :class:`Deployment` that produced it. Kinds:

* ``offline``: maximum output tokens/s with every request queued (MLPerf Offline,
  TensorRT-LLM tables): :func:`tco.engine.selfhost.max_throughput` x replicas;
* ``online``: a finite run of ``requests`` arriving at ``offered_qps`` (``inf``: all at once,
  e.g. a benchmark_throughput batch): :func:`tco.engine.selfhost.calibration.predict_online`;
* ``server``: MLPerf Server/Interactive: the most tokens/s whose p99 TTFT and p99 TPOT meet
  the run's limits (:func:`tco.engine.selfhost.tails.slo_throughput` at the 99th percentile),
  and the mean and p99 latencies at the load the run served (:func:`predict_server`);
* ``closed``: ``concurrency`` clients each sending the next request when the last one ends
  (dstack's bench_serving runs): :func:`predict_closed`.

MLPerf datasets do not publish their mean input length (:data:`MLPERF_DATASETS`): it is a
fitted nuisance parameter where the fit data has the benchmark, stated where a public
figure exists, and the rows are not evaluated where neither is available.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from .inputs import Deployment, EngineProfile, ModelShape
from .memory import max_batch
from .mix import LengthShape
from .tails import slo_throughput, tail_latency
from .throughput import prefill_moments, step_time, ttft_tpot


@dataclass
class Point:
    """One measurement, with the deployment that produced it."""

    dep: Deployment
    gpus: int
    isl: float
    osl: float
    kind: str  # offline | online | server | closed
    offered_qps: float = np.nan  # inf for 'all at once'
    requests: float = np.nan
    output_tok_s: float = np.nan
    ttft_ms: float = np.nan
    itl_ms: float = np.nan
    row: dict[str, str] | None = None
    replicas: float = 1.0
    """Replicas of the run: its measured tokens/s are the whole system's."""
    ttft_p99_ms: float = np.nan
    tpot_p99_ms: float = np.nan
    ttft_limit_ms: float = np.nan
    """MLPerf's p99 limits (server kind)."""
    tpot_limit_ms: float = np.nan
    concurrency: float = np.nan
    benchmark: str = ""
    """MLPerf benchmark family (its dataset's input length may be a fitted nuisance)."""
    weight: float = 1.0


@dataclass
class Prediction:
    output_tok_s: float
    ttft_ms: float = np.nan
    itl_ms: float = np.nan
    ttft_p99_ms: float = np.nan
    tpot_p99_ms: float = np.nan


METRICS = ("output_tok_s", "ttft_ms", "itl_ms", "ttft_p99_ms", "tpot_p99_ms")
"""Measured quantities a point may carry (mean TTFT and ITL/TPOT, and their 99th percentiles)."""

MLPERF_DATASETS: dict[str, dict[str, Any]] = {
    "llama2-70b": {"osl": 294.45, "isl": None, "isl_bounds": (32.0, 1024.0),
                   "source": "output: mlcommons/inference tools/submission/submission_checker/constants.py @b66003e1 "
                             "(TOKENS_PER_SAMPLE 294.45); input: not published, fitted (processorca.py keeps inputs "
                             "of at most 1,024 tokens)"},
    "mixtral-8x7b": {"osl": 145.9, "isl": None, "isl_bounds": (32.0, 2048.0),
                     "source": "output: mlcommons/inference submission_checker constants.py @b66003e1 "
                               "(TOKENS_PER_SAMPLE 145.9); input: not published, fitted"},
    "llama3.1-405b": {"osl": 684.68, "isl": 9500.0,
                      "source": "output: mlcommons/inference language/llama3.1-405b/README.md @b66003e1; input: the "
                                "median of ~9,500 tokens (techarena.ai, 2025-04-02), used as the mean"},
    "llama3.1-8b": {"osl": 128.0, "isl": None, "source": "input length not published: not evaluated"},
    "deepseek-r1": {"osl": 3886.2274, "isl": None, "source": "input length not published: not evaluated"},
}
"""MLPerf datasets' mean lengths per request, with sources."""

FITTED_ISL: dict[str, float] = {"llama2-70b": 239.0, "mixtral-8x7b": 189.0}
"""Mean input lengths of the MLPerf datasets whose input length is not published, fitted with
the trtllm@mlperf-v4.1 profile on its fit rows (benchmarks/calibration_report.py --fit)."""


def mlperf_family(benchmark: str) -> str:
    return re.sub(r"-99(\.9)?$", "", benchmark)


def mlperf_isl(benchmark: str) -> float | None:
    """Mean input tokens of an MLPerf benchmark's dataset (stated or fitted), None when unknown."""
    fam = mlperf_family(benchmark)
    spec = MLPERF_DATASETS.get(fam)
    if spec is None:
        return None
    return spec["isl"] if spec["isl"] is not None else FITTED_ISL.get(fam)


PRECISION = {"fp16": "bf16", "bf16": "bf16", "fp8": "fp8", "fp4": "fp4", "int8": "int8", "int4": "int4", "": "bf16"}


def _num(r: dict[str, str], key: str) -> float:
    v = (r.get(key) or "").strip()
    return float("inf") if v == "inf" else (float(v) if v else float("nan"))


def point_from_measurement(r: dict[str, str], accelerators: dict[str, Any], shapes: dict[str, ModelShape],
                           engine: EngineProfile, gpus_per_node: int = 8,
                           checkpoints: dict[str, tuple[str, float, float]] | None = None) -> tuple[Point | None, str]:
    """(Point, "") for a row of selfhost_measurements.csv, or (None, why it cannot be predicted);
    ``checkpoints``: the published checkpoints' bytes per weight by model (``Deployment.checkpoint``)."""
    mlperf = r["source_set"].startswith("mlperf-")
    isl = _num(r, "isl")
    if mlperf and not math.isfinite(isl):
        found = mlperf_isl(r["benchmark"])
        if found is None:
            return None, "the dataset's input length is not published"
        isl = found
    osl = _num(r, "osl")
    if not (math.isfinite(isl) and math.isfinite(osl)):
        return None, "input or output length not stated"
    if "shared-prefix" in r.get("benchmark", ""):
        return None, "shared-prefix dataset: its prefix-cache hit share is not published"
    tp, pp = int(float(r["tp"])), int(float(r.get("pp") or 1))
    ep = tp if (r.get("attention_dp") == "True" or _num(r, "ep") > 1) and shapes[r["model"]].is_moe else 1
    if r["source_set"] == "trtllm-perf-overview-v1.0" and shapes[r["model"]].is_moe:
        ep = tp  # the v1.0 tables run MoE models with --ep over the ranks (the size is not given per row)
    gpus_total = _num(r, "gpus_total")
    replicas = _num(r, "replicas")
    if not math.isfinite(replicas):
        replicas = gpus_total / (tp * pp) if math.isfinite(gpus_total) else 1.0
    eng = engine
    mb = _num(r, "max_batch")
    if math.isfinite(mb):
        eng = replace(eng, max_batch=int(mb))
    # the datasets' length spreads are not published: every run is modelled at its mean lengths
    prec = PRECISION.get(r.get("precision", ""), "bf16")
    if not r.get("precision") and r["model"].startswith("deepseek-"):
        prec = "fp8"  # DeepSeek's checkpoints are FP8 (an engine 'dtype bfloat16' is the activations')
    dep = Deployment(model=shapes[r["model"]], gpu=accelerators[r["gpu"]], engine=eng, precision=prec,
                     kv_precision=(r.get("kv_precision") or None) if r.get("kv_precision") in ("fp8", "bf16") else None,
                     gpus=tp * pp, gpus_per_node=gpus_per_node, tp=tp, ep=ep,
                     checkpoint=(checkpoints or {}).get(r["model"]))
    p = Point(dep, tp * pp, isl, osl, "offline", row=dict(r), replicas=replicas, benchmark=mlperf_family(r["benchmark"]))
    p.output_tok_s = _num(r, "tokens_per_s")
    scen = r["scenario"]
    requests = _num(r, "requests")
    if scen == "offline":
        if math.isfinite(requests) and not mlperf:
            p.kind, p.offered_qps, p.requests = "online", float("inf"), requests
        return p, ""
    p.ttft_ms, p.itl_ms = _num(r, "ttft_mean_ms"), _num(r, "tpot_mean_ms")
    if mlperf:  # percentiles are compared for MLPerf's steady Poisson load only, not for finite runs
        p.ttft_p99_ms, p.tpot_p99_ms = _num(r, "ttft_p99_ms"), _num(r, "tpot_p99_ms")
        p.kind = "server"
        p.ttft_limit_ms, p.tpot_limit_ms = _num(r, "ttft_p99_limit_ms"), _num(r, "tpot_p99_limit_ms")
        return p, ""
    conc = _num(r, "concurrency")
    rate = re.search(r"at ([0-9.]+) req/s", r.get("benchmark", ""))
    if math.isfinite(conc):
        p.kind, p.concurrency, p.requests = "closed", conc, requests
        return p, ""
    if rate:
        q = float(rate.group(1))
        p.kind, p.offered_qps, p.requests = "online", (float("inf") if q >= 1000 else q), requests
        return p, ""
    mb_note = re.search(r"max batch (\d+)", r.get("note", ""))
    if "requests sent to the engine" in r.get("note", "") and mb_note and math.isfinite(requests):
        # LMDeploy's request-throughput benchmark keeps the engine's batch full (a mean TTFT of about
        # a second, not the minutes of all 3,000 at once): a closed loop as wide as the max batch
        p.dep = replace(p.dep, engine=replace(p.dep.engine, max_batch=int(mb_note.group(1))))
        p.kind, p.concurrency, p.requests = "closed", float(mb_note.group(1)), requests
        return p, ""
    return None, "online run without an offered rate or a concurrency"


def _batch_at_rate(dep: Deployment, g: float, i: float, o: float, lam: float) -> float:
    """The decode batch at which the replica serves ``lam`` requests/s (bisection on b)."""
    bmax = float(max(max_batch(dep, g, i, o), 1.0))
    lo, hi = 1.0, bmax
    if float(hi / (o * step_time(dep, g, hi, i, o).tpot)) <= lam:
        return hi
    for _ in range(40):
        mid = 0.5 * (lo + hi)
        if float(mid / (o * step_time(dep, g, mid, i, o).tpot)) < lam:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def predict_server(p: Point) -> Prediction:
    """MLPerf Server: tokens/s within the p99 limits (all replicas), and the mean and p99
    latencies at the load the run served."""
    dep = replace(p.dep, slo_percentile=99.0)
    g, i, o = float(p.gpus), float(p.isl), float(p.osl)
    slo = slo_throughput(dep, g, i, o, p.ttft_limit_ms / 1e3, p.tpot_limit_ms / 1e3, percentile=99.0)
    out = float(slo.output_tokens_per_s) * p.replicas
    lam = p.output_tok_s / p.replicas / o if math.isfinite(p.output_tok_s) else float(slo.output_tokens_per_s) / o
    b = _batch_at_rate(dep, g, i, o, lam)
    mean = ttft_tpot(dep, g, b, i, o)
    tail = tail_latency(dep, g, b, i, o, 99.0)
    return Prediction(out, float(mean.ttft_s) * 1e3, float(mean.tpot_s) * 1e3, float(tail.ttft_s) * 1e3,
                      float(tail.tpot_s) * 1e3)


CLOSED_REQUESTS_PER_CLIENT = 10.0
"""Requests per client of a closed-loop run whose source does not state the count (InferenceMAX's
harness default: ``--num-prompts`` = 10 x concurrency)."""


def predict_closed(p: Point, iterations: int = 60) -> Prediction:
    """``concurrency`` clients in a closed loop: the cycle of a request is TTFT + osl x TPOT;
    throughput = clients / cycle; the decode batch is the clients not waiting for a prefill;
    TTFT = mean prefill + its M/G/1 wait (at most the other clients' prefills) + the engine's
    fixed delay outside the GPUs + the start of the run.

    The start: bench_serving sends the first ``concurrency`` requests at once, so their
    prefills queue behind each other (the k-th waits for k - 1 of them, (c - 1) / 2 on
    average); they are c of the run's ``requests`` (when a source does not state the count,
    the harness default of 10 per client), so the run's mean TTFT carries
    ``(c - 1) / 2 x E[S] x c / requests`` and its cycle the same (Little's law over the run).
    A planner's steady state has no such start: only these predictions of a measured run
    add it."""
    dep = p.dep
    g, i, o, c_ = float(p.gpus), float(p.isl), float(p.osl), float(p.concurrency)
    es, es2, _ = prefill_moments(dep, g, i)
    es, es2 = float(es), float(es2)
    requests = float(p.requests) if math.isfinite(p.requests) and p.requests > 0 else CLOSED_REQUESTS_PER_CLIENT * c_
    start = 0.5 * (c_ - 1.0) * es * min(c_ / requests, 1.0)
    bmax = float(max(max_batch(dep, g, i, o), 1.0))
    b = min(c_, bmax)
    ttft = tpot = float("nan")
    lam = float("nan")
    front = dep.engine.ttft_overhead_ms * 1e-3 + start  # outside the queue of the steady state: it lengthens the cycle
    for _ in range(iterations):
        tpot = float(step_time(dep, g, b, i, o).tpot)
        lam = c_ / (es + o * tpot)
        rho = min(lam * es, 0.98)
        wait = min(rho * es2 / es / (2 * (1 - rho)), (c_ - 1) * es)
        # prefills run one after another: the loop cannot complete more than 1 / E[S] requests/s
        lam = min(c_ / (es + wait + 0.5 * tpot + front + o * tpot), 1.0 / es)
        ttft = c_ / lam - o * tpot  # Little's law over the clients: the rest of the cycle is waiting for a prefill
        b_new = min(max(lam * o * tpot, 1.0), bmax)
        if abs(b_new - b) < 1e-3:
            break
        b = 0.5 * (b + b_new)
    return Prediction(lam * o * p.replicas, ttft * 1e3, tpot * 1e3)


def points_from_measurements(rows: Sequence[dict[str, str]], accelerators: dict[str, Any],
                             shapes: dict[str, ModelShape], engines: dict[str, EngineProfile], profile_of: Any,
                             checkpoints: dict[str, tuple[str, float, float]] | None = None
                             ) -> tuple[list[Point], list[tuple[dict[str, str], str]]]:
    """Points of the rows that can be predicted (each with its profile's engine, from
    ``profile_of(row)``), and the others with the reason."""
    pts, skipped = [], []
    for r in rows:
        eng = engines.get(profile_of(r))
        if eng is None:
            skipped.append((r, f"no engine profile {profile_of(r)}"))
            continue
        p, why = point_from_measurement(r, accelerators, shapes, eng, checkpoints=checkpoints)
        if p is None:
            skipped.append((r, why))
        else:
            pts.append(p)
    return pts, skipped


__all__ = ["FITTED_ISL", "METRICS", "MLPERF_DATASETS", "LengthShape", "Point", "Prediction", "mlperf_isl",
           "point_from_measurement", "points_from_measurements", "predict_closed", "predict_server"]
