"""Memory: does a deployment fit, how many KV-cache tokens and concurrent sequences it
holds, which tensor x pipeline splits are valid, and what would fit instead."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from .inputs import (
    _C,
    GB,
    PRECISION_BYTES,
    PRECISIONS,
    Deployment,
    ModelShape,
    _arr,
    _consts,
    layout_of,
)


@dataclass
class MemoryFit:
    """Memory picture per point (arrays)."""

    weights_gb: np.ndarray
    """Weights of the whole model (all GPUs)."""
    weights_per_gpu_gb: np.ndarray
    free_per_gpu_gb: np.ndarray
    """Memory left per GPU after weights, runtime reservation and activations (negative: does not fit)."""
    kv_bytes_per_token: float
    """KV cache bytes per token, whole model."""
    kv_capacity_tokens: np.ndarray
    max_concurrency: np.ndarray
    """Sequences of (isl + osl) tokens whose KV fits at once."""
    fits: np.ndarray
    near_memory_limit: np.ndarray
    cache_gb: np.ndarray
    """Cache the capacity holds, whole model: KV of ``kv_capacity_tokens`` tokens (with sliding-window
    or linear layers: the window KV and state of the ``max_concurrency`` sequences too)."""
    needed_gb: np.ndarray
    """Memory the deployment needs for weights + reservations + one sequence of KV (whole deployment)."""
    available_gb: np.ndarray


NEAR_LIMIT_KV_SHARE = 0.15
"""Near the memory limit: less than this share of device memory is left for the KV cache..."""
NEAR_LIMIT_MIN_BATCH = 16
"""...or fewer than this many sequences of the workload fit at once."""


def _kv_per_gpu_token(c: _C, tp: np.ndarray, pp: np.ndarray, ep: Any = 1.0) -> np.ndarray:
    # GQA: KV heads split across tensor-parallel ranks, replicated when tp > kv_heads;
    # MLA: the latent is shared by all heads, so every TP rank holds it whole. With expert
    # parallelism attention is data-parallel: each rank holds whole KV of its own sequences.
    return c.kv_bytes_per_token / (_kv_shards(c, tp, ep) * pp)


def _kv_shards(c: _C, tp: np.ndarray, ep: Any = 1.0, kv_heads: float | None = None) -> np.ndarray:
    """Ranks one token's KV is split over: its KV heads (``kv_heads``, default the model's) over the
    tensor ranks, replicated past them; an MLA latent not at all; every rank with expert parallelism."""
    shards = np.ones_like(tp) if c.mla else np.minimum(tp, c.kv_heads if kv_heads is None else kv_heads)
    return np.where(_arr(ep) > 1, tp, shards)


def seq_bytes_per_gpu(c: _C, tokens: Any, tp: np.ndarray, pp: np.ndarray, ep: Any = 1.0) -> np.ndarray:
    """Cache bytes one sequence of ``tokens`` tokens holds per GPU: the full-attention layers'
    KV for every token, the sliding-window layers' KV for at most ``window`` tokens, and the
    linear layers' fixed state (split over the tensor-parallel ranks, whose heads it belongs to)."""
    t = _arr(tokens)
    return (t * c.kv_bytes_per_token / _kv_shards(c, tp, ep)
            + np.minimum(t, c.window) * c.win_bytes_per_token / _kv_shards(c, tp, ep, c.win_kv_heads)
            + c.state_bytes / tp) / pp


def seq_bytes(c: _C, tokens: Any) -> np.ndarray:
    """Cache bytes of one sequence of ``tokens`` tokens over the whole model."""
    t = _arr(tokens)
    return t * c.kv_bytes_per_token + np.minimum(t, c.window) * c.win_bytes_per_token + c.state_bytes


def cache_layout(dep: Deployment, tokens: float) -> dict[str, Any] | None:
    """How a model with sliding-window or linear layers holds a sequence of ``tokens`` tokens
    (whole model, bytes), or None when every layer is full attention."""
    m = dep.model
    if not m.has_layout:
        return None
    c = _consts(dep)
    return {"full_layers": m.kv_layers, "window_layers": m.window_layers, "window": m.window,
            "linear_layers": m.linear_layers, "window_kv_bytes_per_token": c.win_bytes_per_token,
            "state_bytes_per_sequence": c.state_bytes, "bytes_per_sequence": float(seq_bytes(c, tokens)),
            **({"compressed_layers": sum(n for n, _, _ in m.compressed),
                "compression_ratios": [r for _, r, _ in m.compressed]} if m.compressed else {})}


def weights_per_gpu(c: _C, g: np.ndarray, tp: np.ndarray, pp: np.ndarray, ep: np.ndarray) -> np.ndarray:
    """Weight bytes per GPU: every tensor split over the replica's GPUs, except with expert
    parallelism, where the dense part (attention, shared experts, embeddings) is replicated on
    each rank of a stage and only the routed experts are spread."""
    split_all = c.weight_bytes / g
    ep_split = c.dense_bytes / pp + (c.weight_bytes - c.dense_bytes) / (tp * pp)
    return np.where(ep > 1, ep_split, split_all)


def memory_fit(dep: Deployment, gpus: Any, isl: Any, osl: Any, *, tp: Any = None, ep: Any = None,
               _c: _C | None = None) -> MemoryFit:
    """Does the model fit on ``gpus`` GPUs, and how much KV cache is left for ``isl + osl``
    token sequences? Vectorized over arrays."""
    c = _c or _consts(dep)
    g = _arr(gpus)
    tp_, pp, ep_ = layout_of(dep, g, tp, ep)
    seq = _arr(isl) + _arr(osl)
    w_gpu = weights_per_gpu(c, g, tp_, pp, ep_)
    free = c.mem_per_gpu - w_gpu - c.reserved_per_gpu
    kv_gpu = _kv_per_gpu_token(c, tp_, pp, ep_)
    if c.layout:  # sequences hold window KV and state besides per-token KV: count sequences first
        conc = np.floor(np.maximum(free, 0.0) * c.kv_fraction / seq_bytes_per_gpu(c, np.maximum(seq, 1.0), tp_, pp, ep_))
        cap = conc * np.maximum(seq, 1.0)  # tokens of such sequences that fit
        cache = conc * seq_bytes(c, np.maximum(seq, 1.0))
    else:
        cap = np.floor(np.maximum(free, 0.0) * c.kv_fraction / kv_gpu)
        conc = np.floor(cap / np.maximum(seq, 1.0))
        cache = cap * c.kv_bytes_per_token
    fits = (free > 0) & (conc >= 1)
    kv_share = np.maximum(free, 0.0) * c.kv_fraction / c.mem_per_gpu
    near = fits & ((kv_share < NEAR_LIMIT_KV_SHARE) | (conc < NEAR_LIMIT_MIN_BATCH))
    needed = c.weight_bytes + g * c.reserved_per_gpu + seq_bytes(c, seq) / c.kv_fraction
    shape = np.broadcast(g, seq).shape
    return MemoryFit(
        weights_gb=np.broadcast_to(c.weight_bytes / GB, shape).copy(),
        weights_per_gpu_gb=np.broadcast_to(w_gpu / GB, shape).copy(),
        free_per_gpu_gb=np.broadcast_to(free / GB, shape).copy(),
        kv_bytes_per_token=c.kv_bytes_per_token,
        kv_capacity_tokens=np.broadcast_to(cap, shape).copy(),
        max_concurrency=np.broadcast_to(conc, shape).copy(),
        fits=np.broadcast_to(fits, shape).copy(),
        near_memory_limit=np.broadcast_to(near, shape).copy(),
        cache_gb=np.broadcast_to(cache / GB, shape).copy(),
        needed_gb=np.broadcast_to(needed / GB, shape).copy(),
        available_gb=np.broadcast_to(g * c.mem_per_gpu / GB, shape).copy(),
    )


def max_batch(dep: Deployment, gpus: Any, isl: Any, osl: Any, *, tp: Any = None, ep: Any = None,
              _c: _C | None = None) -> np.ndarray:
    """Largest batch the engine runs: KV capacity over the tokens each running sequence
    reserves on average, capped by the engine's max. A sequence reserves input + output
    (guaranteed no evict) or input + output/2 (paged on demand); running sequences are sampled
    in proportion to their output length, so with a length mix the output term is
    ``osl * m2_out`` (``E[osl^2] / E[osl]``)."""
    c = _c or _consts(dep)
    g = _arr(gpus)
    tp_, pp, ep_ = layout_of(dep, g, tp, ep)
    free = c.mem_per_gpu - weights_per_gpu(c, g, tp_, pp, ep_) - c.reserved_per_gpu
    o_run = _arr(osl) * c.m2_out
    per_seq = _arr(isl) + (o_run if c.full_reservation else 0.5 * o_run)
    if c.layout:
        n = np.maximum(free, 0.0) * c.kv_fraction / seq_bytes_per_gpu(c, np.maximum(per_seq, 1.0), tp_, pp, ep_)
        return np.minimum(np.floor(n), c.max_batch)
    cap = np.maximum(free, 0.0) * c.kv_fraction / _kv_per_gpu_token(c, tp_, pp, ep_)
    return np.minimum(np.floor(cap / np.maximum(per_seq, 1.0)), c.max_batch)


GPU_COUNTS = (1, 2, 4, 8, 16, 24, 32, 48, 64)


@dataclass
class FitOption:
    gpu: str
    gpus: int
    precision: str
    weights_gb: float
    kv_capacity_tokens: float

    def describe(self) -> str:
        return f"{self.gpus}x {self.gpu} at {self.precision}"


def fit_alternatives(dep: Deployment, isl: float, osl: float, *, min_concurrency: int = 1) -> list[FitOption]:
    """Smallest GPU count that fits, per (accelerator, precision): this accelerator at this
    precision, this accelerator at smaller precisions, and the alternatives at this precision."""
    out: list[FitOption] = []
    tried: set[tuple[str, str]] = set()
    order = [dep.precision] + [p for p in PRECISIONS if PRECISION_BYTES[p] < PRECISION_BYTES[dep.precision]]
    candidates = [(dep.gpu, p) for p in order] + [(a, dep.precision) for a in dep.alternatives if a.id != dep.gpu.id]
    counts = np.array(GPU_COUNTS, dtype=np.float64)
    for acc, prec in candidates:
        if (acc.id, prec) in tried or (prec == "fp4" and acc.fp4_tflops is None and dep.precision != "fp4"):
            continue  # FP4 is suggested only where the chip computes in FP4 (Blackwell)
        tried.add((acc.id, prec))
        d = replace(dep, gpu=acc, precision=prec, kv_precision=dep.kv_precision, tp=None, ep=1)
        # the default split (tensor parallel in a node, pipeline stages across nodes), else tensor
        # parallel over every GPU (a model whose layers no stage count divides: DeepSeek V4 Pro's 61)
        tps = [min(n, dep.gpus_per_node) if _tp_ok(dep.model, n, dep.gpus_per_node) is None else n for n in GPU_COUNTS]
        valid = np.array([_tp_ok(dep.model, n, dep.gpus_per_node, tp=t) is None for n, t in zip(GPU_COUNTS, tps, strict=True)])
        mf = memory_fit(d, counts, isl, osl, tp=np.array(tps, dtype=np.float64))
        good = mf.fits & valid & (mf.max_concurrency >= min_concurrency)
        if good.any():
            j = int(np.argmax(good))
            out.append(FitOption(acc.id, int(counts[j]), prec, float(mf.weights_gb[j]), float(mf.kv_capacity_tokens[j])))
    return out


def _tp_ok(model: ModelShape, gpus: int, gpus_per_node: int, tp: int | None = None, ep: int = 1) -> str | None:
    """None when ``gpus`` splits cleanly into tensor x pipeline parallel; else the reason.

    Tensor parallelism must divide the attention heads (and divide or be a multiple of
    the KV heads); pipeline stages must divide the layers, since the model gives every stage
    ``layers / pp`` of them (so there are never more stages than layers). Without an explicit
    ``tp`` the tensor-parallel group is one node and the stages are the nodes. Expert
    parallelism (``ep`` > 1) spreads the experts over the tensor-parallel ranks: it needs a
    mixture-of-experts model whose experts divide evenly over them."""
    if gpus < 1:
        return "GPU count must be at least 1"
    if tp is None:
        if gpus > gpus_per_node and gpus % gpus_per_node:
            return f"{gpus} GPUs is not a whole number of {gpus_per_node}-GPU nodes"
        tp = min(gpus, gpus_per_node)
    if tp < 1 or gpus % tp:
        return f"tensor-parallel degree {tp} does not divide the replica's {gpus} GPUs"
    pp = gpus // tp
    if pp > 1 and (pp > model.layers or model.layers % pp):
        return (f"{gpus} GPUs make {pp} pipeline stages of {tp} GPUs, which do not divide the {model.layers} "
                f"layers evenly")
    if model.heads % tp:
        return f"tensor-parallel degree {tp} does not divide the {model.heads} attention heads"
    if not model.is_mla and ep <= 1 and model.kv_heads % tp and tp % model.kv_heads:
        return (f"tensor-parallel degree {tp} does not divide the {model.kv_heads} KV heads "
                f"(and is not a multiple of them, so they cannot be replicated either)")
    wkv = model.window_kv_heads
    if wkv and ep <= 1 and wkv % tp and tp % wkv:
        return (f"tensor-parallel degree {tp} does not divide the {wkv} KV heads of the sliding-window layers "
                f"(and is not a multiple of them)")
    if ep > 1:
        if not model.is_moe:
            return f"expert parallelism needs a mixture-of-experts model; {model.id} is dense"
        if ep != tp:
            return f"expert parallelism spreads the experts over the tensor-parallel ranks: ep must equal tp ({tp})"
        if model.experts % ep:
            return f"expert-parallel degree {ep} does not divide the {model.experts} experts"
    return None


def check_parallelism(model: ModelShape, gpus: int, gpus_per_node: int, tp: int | None = None,
                      ep: int = 1) -> str | None:
    """Public alias of the tensor/pipeline split check: None when valid, else a message."""
    return _tp_ok(model, gpus, gpus_per_node, tp, ep)
