"""Layout search: how to split ``total_gpus`` GPUs into replicas of ``tp x pp`` GPUs (and,
for mixture-of-experts models, expert parallelism over the tensor-parallel ranks) so that
the deployment serves the most tokens per second within the latency targets, or, with a
price, costs the least per token.

Every candidate is evaluated at once (vectorized over the layouts): memory fit, maximum
offline throughput and the best throughput within targets of one replica, times the
replicas that fit in the total. A tensor-parallel group may span nodes (its all-reduces then
run over the scale-out network), and so may a pipeline.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from .inputs import Deployment, ModelShape
from .memory import check_parallelism, memory_fit
from .tails import slo_throughput, tail_latency
from .throughput import max_throughput

DEFAULT_TARGET_SLACK = 2.0
NEAR_TIE = 0.03
"""Layouts within 3 % of the best (well inside the model's error) count as a tie, and the
tie goes to the smaller replica: fewer GPUs per replica, then fewer pipeline stages."""
SCALE_UP_GB_S = 100.0
"""A link at least this fast (GB/s per direction) is a scale-up fabric (NVLink, Infinity
Fabric); slower ones (PCIe) make pipeline stages inside a node worth considering."""


@dataclass(frozen=True)
class Layout:
    tp: int
    pp: int
    ep: int = 1

    @property
    def gpus(self) -> int:
        return self.tp * self.pp

    @property
    def label(self) -> str:
        return f"tp{self.tp}pp{self.pp}" + (f"ep{self.ep}" if self.ep > 1 else "")


def parse_layout(text: str) -> Layout:
    """``tp2pp1`` (or ``tp8pp1ep8``) as a :class:`Layout`; ValueError otherwise."""
    import re

    m = re.fullmatch(r"tp(\d+)pp(\d+)(?:ep(\d+))?", text.strip().lower())
    if not m or int(m.group(1)) < 1 or int(m.group(2)) < 1:
        raise ValueError(f"layout {text!r} is not of the form tpXppY (e.g. tp2pp1, or tp8pp1ep8 for expert "
                         "parallelism), or auto")
    return Layout(int(m.group(1)), int(m.group(2)), int(m.group(3) or 1))


def candidate_layouts(model: ModelShape, total_gpus: int, gpus_per_node: int, intra_node_pipeline: bool = False
                      ) -> list[Layout]:
    """Every valid (tp, pp[, ep]) whose replica fits in ``total_gpus``: tensor parallelism
    dividing the heads (and the KV heads, or a multiple of them), pipeline stages dividing
    the layers; for MoE models also expert parallelism over the tensor-parallel ranks.

    Pipeline stages are considered to span nodes (a replica larger than a node), and inside
    a node only when ``intra_node_pipeline`` (cards without a scale-up link, where deployments
    pipeline over PCIe): no MLPerf v4.1 submitter pipelined inside an NVLink node, and the
    calibration data has no such run to fit the pipeline's cost on."""
    out: list[Layout] = []
    for tp in range(1, total_gpus + 1):
        if model.heads % tp or total_gpus < tp:
            continue
        for pp in range(1, total_gpus // tp + 1):
            if model.layers % pp or (pp > 1 and tp * pp <= gpus_per_node and not intra_node_pipeline):
                continue
            if check_parallelism(model, tp * pp, gpus_per_node, tp=tp) is None:
                out.append(Layout(tp, pp))
            if model.is_moe and tp > 1 and check_parallelism(model, tp * pp, gpus_per_node, tp=tp, ep=tp) is None:
                out.append(Layout(tp, pp, tp))
    return out


@dataclass
class LayoutResult:
    """One candidate layout on ``total_gpus`` GPUs (per-replica and whole-deployment figures)."""

    layout: Layout
    replicas: int
    fits: bool
    feasible: bool
    """Fits and meets the latency targets."""
    near_memory_limit: bool
    output_tokens_per_s: float
    """Maximum offline output tokens/s of all replicas."""
    slo_output_tokens_per_s: float
    """Output tokens/s of all replicas within the targets."""
    batch: float
    ttft_ms: float
    tpot_ms: float
    billed_gpus: float
    cost_per_mtok_output: float | None
    """Price per 1M output tokens at the targets (None without a price)."""

    def to_dict(self) -> dict[str, Any]:
        def f(x: float | None) -> float | None:
            return None if x is None or not math.isfinite(x) else float(x)

        return {"layout": self.layout.label, "tp": self.layout.tp, "pp": self.layout.pp, "ep": self.layout.ep,
                "gpus_per_replica": self.layout.gpus, "replicas": self.replicas, "fits": self.fits,
                "feasible": self.feasible, "output_tokens_per_s": f(self.output_tokens_per_s),
                "slo_output_tokens_per_s": f(self.slo_output_tokens_per_s), "batch_per_replica": f(self.batch),
                "ttft_ms": f(self.ttft_ms), "tpot_ms": f(self.tpot_ms), "billed_gpus": f(self.billed_gpus),
                "cost_per_mtok_output": f(self.cost_per_mtok_output)}


def evaluate_layouts(dep: Deployment, layouts: list[Layout], total_gpus: int, isl: float, osl: float,
                     ttft_s: float = np.inf, tpot_s: float = np.inf, *, rent_per_gpu_hour: float | None = None,
                     gpus_per_instance: int = 1, utilization: float = 1.0) -> list[LayoutResult]:
    """Evaluate ``layouts`` (vectorized) and rank them: feasible first, then the lowest price
    per output token (with a price) or the most tokens/s within the targets, then fewer GPUs
    per replica. With the deployment's default targets, targets no batch can meet are relaxed
    per layout to :data:`DEFAULT_TARGET_SLACK` x batch 1 (as :func:`tco.engine.selfhost.plan`)."""
    if not layouts:
        return []
    tp = np.array([lay.tp for lay in layouts], dtype=float)
    pp = np.array([lay.pp for lay in layouts], dtype=float)
    ep = np.array([lay.ep for lay in layouts], dtype=float)
    g = tp * pp
    d = replace(dep, tp=None, ep=1)
    mf = memory_fit(d, g, isl, osl, tp=tp, ep=ep)
    thr, _ = max_throughput(d, g, isl, osl, tp=tp, ep=ep)
    tt, tq = np.full(len(layouts), ttft_s, dtype=float), np.full(len(layouts), tpot_s, dtype=float)
    if dep.default_targets:
        one = tail_latency(d, g, 1.0, isl, osl, tp=tp, ep=ep)
        tt = np.maximum(tt, DEFAULT_TARGET_SLACK * one.ttft_s)
        tq = np.maximum(tq, DEFAULT_TARGET_SLACK * one.tpot_s)
    slo = slo_throughput(d, g, isl, osl, tt, tq, tp=tp, ep=ep)
    replicas = np.floor(total_gpus / g)
    used = replicas * g
    inst = max(int(gpus_per_instance), 1)
    billed = np.ceil(used / inst - 1e-9) * inst
    out = []
    for k, lay in enumerate(layouts):
        fits = bool(mf.fits[k])
        feas = bool(fits and slo.feasible[k] and replicas[k] >= 1)
        total_slo = float(slo.output_tokens_per_s[k] * replicas[k]) if feas else 0.0
        cpm = None
        if rent_per_gpu_hour is not None and feas and total_slo > 0:
            cpm = float(billed[k] * rent_per_gpu_hour / (total_slo * utilization * 3600.0) * 1e6)
        out.append(LayoutResult(layout=lay, replicas=int(replicas[k]), fits=fits, feasible=feas,
                                near_memory_limit=bool(mf.near_memory_limit[k]),
                                output_tokens_per_s=float(thr[k] * replicas[k]) if fits else 0.0,
                                slo_output_tokens_per_s=total_slo, batch=float(slo.batch[k]),
                                ttft_ms=float(slo.ttft_s[k]) * 1e3 if feas else float("nan"),
                                tpot_ms=float(slo.tpot_s[k]) * 1e3 if feas else float("nan"),
                                billed_gpus=float(billed[k]), cost_per_mtok_output=cpm))

    def value(r: LayoutResult) -> float:
        return r.cost_per_mtok_output if r.cost_per_mtok_output is not None else 1.0 / max(r.slo_output_tokens_per_s, 1e-9)

    def key(r: LayoutResult) -> tuple[float, ...]:
        return (0.0 if r.feasible else 1.0, value(r), -r.output_tokens_per_s, float(r.layout.gpus), float(r.layout.pp))

    ranked = sorted(out, key=key)
    if ranked and ranked[0].feasible:  # near-ties go to the simpler replica (fewer GPUs, fewer stages)
        best = value(ranked[0])
        near = [r for r in ranked if r.feasible and value(r) <= best * (1.0 + NEAR_TIE)]
        near.sort(key=lambda r: (r.layout.gpus, r.layout.pp, r.layout.ep, value(r)))
        ranked = near + [r for r in ranked if r not in near]
    return ranked


def search(dep: Deployment, total_gpus: int, isl: float, osl: float, ttft_s: float = np.inf, tpot_s: float = np.inf,
           **kw: Any) -> list[LayoutResult]:
    """Every valid layout on ``total_gpus`` GPUs, ranked (the best first)."""
    intra = not (dep.gpu.link_gb_s and dep.gpu.link_gb_s >= SCALE_UP_GB_S)
    return evaluate_layouts(dep, candidate_layouts(dep.model, total_gpus, dep.gpus_per_node, intra), total_gpus, isl,
                            osl, ttft_s, tpot_s, **kw)
