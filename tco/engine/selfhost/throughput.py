"""Time: one decode step (memory and compute rooflines, tensor-parallel all-reduce or
expert-parallel all-to-all, pipeline stages), prefill, mean TTFT and TPOT at a batch, and
maximum throughput. Percentile latencies and the search for the largest batch within
targets are :mod:`.tails`."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from .inputs import _C, GB, Deployment, _arr, _consts, layout_of
from .memory import _kv_per_gpu_token, max_batch, seq_bytes_per_gpu, weights_per_gpu


@dataclass
class StepTime:
    """Decode iteration time and its parts (seconds, arrays)."""

    memory: np.ndarray
    """Per pipeline stage: streaming weights and KV cache."""
    compute: np.ndarray
    """Per pipeline stage: decode + folded-in prefill FLOPs."""
    comm: np.ndarray
    """Whole step: tensor-parallel all-reduces (2 per layer) or expert all-to-alls, and pipeline hops."""
    tpot: np.ndarray
    """Time per output token of every running sequence (the step over the tokens it emits)."""
    step: np.ndarray
    """One iteration (with speculative decoding: verification plus drafts)."""


def _links(c: _C, tp: np.ndarray, g: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(tensor-parallel link, pipeline-hop link) in bytes/s: NVLink inside a node (PCIe Gen4
    when unknown), the scale-out network when the group or the pipeline spans nodes."""
    intra = c.link if not math.isnan(c.link) else 32 * GB
    tp_link = np.where(tp > c.node, min(intra, c.scale_out), intra)
    hop_link = np.where(g > c.node, c.scale_out, intra)
    return tp_link, hop_link


def _comm(dep: Deployment, c: _C, g: np.ndarray, tp: np.ndarray, pp: np.ndarray, ep: np.ndarray,
          tokens: np.ndarray) -> np.ndarray:
    """Communication of one iteration of ``tokens`` tokens: two ring all-reduces per layer
    (tensor parallel), or two all-to-alls per layer (expert parallel: dispatch and combine of
    each rank's tokens to the ranks holding their experts), plus the pipeline hops."""
    tp_link, hop_link = _links(c, tp, g)
    msg = tokens * c.hidden * dep.act_bytes
    ring = np.where(tp > 1, c.ar_latency + 2.0 * (tp - 1.0) / tp * msg / tp_link, 0.0)
    k = max(c.active_experts, 1.0)
    a2a = c.ar_latency + (msg / ep) * k * (ep - 1.0) / ep / tp_link
    per_layer = np.where(ep > 1, 2.0 * a2a, 2.0 * ring)
    hops = np.where(pp > 1, (pp - 1.0) * (20e-6 + msg / hop_link), 0.0)
    return c.layers * per_layer + hops


def _linear_flops(c: _C, tp: Any, ep: Any, tokens: Any, touched: Any = None) -> Any:
    """Linear-layer FLOPs per token of an iteration of ``tokens`` tokens, the routed experts'
    counted at their lower efficiency: the engine's expert factor (with ``moe_half_tokens``, from
    its few-tokens value up to it as the tokens per expert that gets any, ``tokens x active /
    touched``, grow), lower still for narrow expert GEMMs (an expert's intermediate size sliced by
    the tensor ranks; expert parallelism keeps it whole). ``touched``: the experts the tokens are
    sent to, when the caller has them (``_touched(c, tokens)``; one token touches ``active_experts``)."""
    if c.flops_expert == 0.0:
        return c.flops_linear
    eff = c.moe_eff
    if c.moe_half_tokens > 0:
        t = np.maximum(_arr(tokens), 1.0)
        m = t * c.active_experts / (_touched(c, t) if touched is None else np.maximum(touched, c.active_experts))
        eff = c.moe_few_eff + (c.moe_eff - c.moe_few_eff) * m / (m + c.moe_half_tokens)
    if c.moe_half_width > 0:
        width = c.ffn / np.where(_arr(ep) > 1, 1.0, _arr(tp))
        eff = eff / (1.0 + c.moe_half_width / width)
    return c.flops_linear - c.flops_expert + c.flops_expert / eff


def _window_pairs(i: Any, window: float) -> np.ndarray:
    """(query, key) pairs a prompt of ``i`` tokens computes in a sliding-window layer: each
    token attends to at most ``window`` earlier ones (``i^2 / 2`` while the prompt is shorter)."""
    i = _arr(i)
    return np.where(i <= window, 0.5 * i * i, window * i - 0.5 * window * window)


def _touched(c: _C, tokens: Any) -> np.ndarray:
    """Expected routed experts (per layer) that at least one of ``tokens`` tokens is sent to."""
    return c.experts * (1.0 - (1.0 - c.active_experts / c.experts) ** _arr(tokens))


def _prompt_mix(c: _C, mb: Any, isl: Any, osl: Any) -> tuple[np.ndarray, np.ndarray]:
    """(f, n): the share ``f`` of iterations that carry a piece of a prompt, and the prompts'
    worth ``n`` such an iteration carries, for ``mb`` sequences per micro-batch in steady state.

    Prompt tokens do not arrive spread over iterations: a prompt, or a chunk of it, lands in one
    iteration (its compute, its expert reads, its all-reduce traffic), while the other iterations
    only decode. ``mb x tau / osl`` prompts are replaced per iteration on average (at most one a
    sequence); in pieces of the chunk size (or whole prompts) they fill ``f = min(1, prompt
    tokens / piece)`` of the iterations. Averaging the tokens first would charge, at a small batch,
    a slice of every prompt to every iteration: its compute hidden under the decode's weight
    reads, and (touched experts are concave in the tokens) too many experts read - four DeepSeek
    sequences with 921-token prompts and answers take a new prompt every 230 steps and would be
    charged 57 of 256 experts per step instead of 31. Not modelled: a chunk budget shared with
    the decode tokens, several short prompts sharing one iteration, the busiest expert-parallel
    rank (the mean per rank is used)."""
    pre = np.maximum(_arr(isl) * (1.0 - c.hit), 1.0)
    new = np.minimum(_arr(mb) * c.spec_tokens / np.maximum(_arr(osl), 1.0), _arr(mb))
    piece = np.minimum(pre, c.chunk) if c.chunk > 0 else pre
    f = np.minimum(new * pre / piece, 1.0)
    return f, np.where(f > 0, new / np.maximum(f, 1e-300), 0.0)


def _stage_parts(dep: Deployment, c: _C, gpus: Any, batch: Any, isl: Any, osl: Any, tp: Any, ep: Any, prompts: Any
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(memory time, compute time) of one pipeline stage for one micro-batch iteration that
    carries ``prompts`` prompts' worth of prompt tokens (0: decode only), the tokens of that
    iteration, and the layout (g, tp, pp, ep)."""
    g = _arr(gpus)
    b = np.maximum(_arr(batch), 1.0)
    i, o = _arr(isl), np.maximum(_arr(osl), 1.0)
    tp_, pp, ep_ = layout_of(dep, g, tp, ep)
    ctx = i + 0.5 * o * c.m2_out  # mean context of a running sequence (length-biased with a mix)
    mb = b / pp  # sequences per micro-batch (one micro-batch per pipeline stage in flight)
    pre = i * (1.0 - c.hit)  # prefill tokens per request (prefix-cache hits skip prefill)
    new = _arr(prompts)
    tokens = mb * c.spec_width + new * pre  # decode (and verified draft) tokens + this iteration's prompt tokens
    if c.experts > 0:
        touched = _touched(c, tokens)
        wbytes = np.where(ep_ > 1, c.dense_bytes / pp + c.expert_bytes_per_expert * touched / (tp_ * pp),
                          (c.dense_bytes + c.expert_bytes_per_expert * touched) / g)
    else:
        wbytes = c.weight_bytes / g
    if c.layout:  # window KV read up to the window; linear state read and written back every step
        cache = seq_bytes_per_gpu(c, ctx, tp_, pp, ep_) + c.state_bytes / (tp_ * pp)
        mem = (wbytes + mb * cache) / c.bw
    else:
        mem = (wbytes + mb * ctx * _kv_per_gpu_token(c, tp_, pp, ep_)) / c.bw
    lin = _linear_flops(c, tp_, ep_, tokens, touched if c.experts > 0 else None)
    attn_pre = c.attn_coef * c.pre_attn * 0.5 * i * i * c.m2_in * (1.0 - c.hit ** 2)  # new tokens attend to all before them
    attn_dec = c.attn_coef * ctx
    if c.attn_win_coef:
        attn_pre = attn_pre + c.attn_win_coef * c.pre_attn * _window_pairs(i, c.window) * (1.0 - c.hit)
        attn_dec = attn_dec + c.attn_win_coef * np.minimum(ctx, c.window)
    flops = mb * c.spec_width * (lin + attn_dec) + new * (lin * pre + attn_pre)
    comp = flops / (g * c.peak * c.comp_eff)  # one stage: 1/pp of the layers on tp GPUs
    if c.tp_loss:
        slow = 1.0 + c.tp_loss * np.log2(tp_)
        mem, comp = mem * slow, comp * slow
    return mem, comp, tokens, g, tp_, pp, ep_


def _iterations(dep: Deployment, c: _C, gpus: Any, batch: Any, isl: Any, osl: Any, tp: Any, ep: Any) -> list[tuple]:
    """[(share, :func:`_stage_parts`)] of the two kinds of iteration: decode only, and decode with
    a prompt piece (:func:`_prompt_mix`)."""
    _, pp, _ = layout_of(dep, _arr(gpus), tp, ep)
    f, n = _prompt_mix(c, np.maximum(_arr(batch), 1.0) / pp, isl, osl)
    return [(1.0 - f, _stage_parts(dep, c, gpus, batch, isl, osl, tp, ep, np.zeros_like(n))),
            (f, _stage_parts(dep, c, gpus, batch, isl, osl, tp, ep, n))]


def step_time(dep: Deployment, gpus: Any, batch: Any, isl: Any, osl: Any, *, tp: Any = None, ep: Any = None,
              _c: _C | None = None) -> StepTime:
    """Decode iteration time at ``batch`` concurrent sequences in steady state (continuous
    batching: the prompts of the requests that replace finished ones land in a share of the
    iterations, :func:`_prompt_mix`; the step is the mean of the two kinds)."""
    c = _c or _consts(dep)
    k = c.overlap
    step = mem = comp = comm = 0.0
    for w, (m, cp, tokens, g, tp_, pp, ep_) in _iterations(dep, c, gpus, batch, isl, osl, tp, ep):
        stage = (m**k + cp**k) ** (1.0 / k)
        kk = _comm(dep, c, g, tp_, pp, ep_, tokens)
        step = step + w * (pp * (stage + c.overhead) + kk) * (1.0 + c.spec_cost)  # each micro-batch pays the overhead
        mem, comp, comm = mem + w * m, comp + w * cp, comm + w * kk
    return StepTime(memory=mem, compute=comp, comm=comm, tpot=step / c.spec_tokens, step=step)


def prefill_time(dep: Deployment, gpus: Any, isl: Any, *, tp: Any = None, ep: Any = None,
                 _c: _C | None = None) -> np.ndarray:
    """Standalone prefill of one request of ``isl`` tokens (seconds): compute bound on the
    tensor-parallel group (pipeline stages run one after another), at least one weight read.
    Prefix-cache hits skip their share of the prompt."""
    c = _c or _consts(dep)
    g = _arr(gpus)
    i = np.maximum(_arr(isl), 1.0)
    tp_, pp, ep_ = layout_of(dep, g, tp, ep)
    pre = np.maximum(i * (1.0 - c.hit), 1.0)
    flops = pre * _linear_flops(c, tp_, ep_, pre) + c.attn_coef * c.pre_attn * 0.5 * i * i * (1.0 - c.hit ** 2)
    if c.attn_win_coef:
        flops = flops + c.attn_win_coef * c.pre_attn * _window_pairs(i, c.window) * (1.0 - c.hit)
    slow = 1.0 + c.tp_loss * np.log2(tp_)
    comp = flops / (tp_ * c.peak * c.prefill_eff) * slow
    mem = c.weight_bytes / tp_ / c.bw * slow
    comm = _comm(dep, c, g, tp_, pp, ep_, pre)
    return np.maximum(comp, mem) + comm + c.overhead


def prefill_moments(dep: Deployment, gpus: Any, isl: Any, *, tp: Any = None, ep: Any = None, _c: _C | None = None
                    ) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    """(E[S], E[S^2], [S_j]) of the prefill time S over the input-length mix (mean ``isl``);
    for a fixed length the one prefill time."""
    c = _c or _consts(dep)
    shape = dep.input_shape
    times = [prefill_time(dep, gpus, _arr(isl) * z, tp=tp, ep=ep, _c=c) for z in shape.z]
    es = sum(w * s for w, s in zip(shape.w, times))
    es2 = sum(w * s * s for w, s in zip(shape.w, times))
    return np.asarray(es), np.asarray(es2), times


@dataclass
class Latency:
    ttft_s: np.ndarray
    tpot_s: np.ndarray
    output_tokens_per_s: np.ndarray
    requests_per_s: np.ndarray


MAX_PREFILL_LOAD = 0.98


def ttft_tpot(dep: Deployment, gpus: Any, batch: Any, isl: Any, osl: Any, *, tp: Any = None, ep: Any = None,
              _c: _C | None = None, _pf: tuple[np.ndarray, np.ndarray] | None = None) -> Latency:
    """Mean TTFT and TPOT when ``batch`` sequences are in flight in steady state.

    TPOT is the iteration time per emitted token. TTFT = mean prefill + an M/G/1 wait behind
    other requests' prefills (load = arrival rate x mean prefill time; mean wait
    ``rho E[S^2] / E[S] / (2 (1 - rho))``, M/D/1 for a fixed length) + half an iteration."""
    c = _c or _consts(dep)
    st = step_time(dep, gpus, batch, isl, osl, tp=tp, ep=ep, _c=c)
    es, es2 = _pf if _pf is not None else prefill_moments(dep, gpus, isl, tp=tp, ep=ep, _c=c)[:2]
    b = np.maximum(_arr(batch), 1.0)
    o = np.maximum(_arr(osl), 1.0)
    lam = b / (o * st.tpot)
    rho = np.minimum(lam * es, MAX_PREFILL_LOAD)
    wait = rho * (es2 / es) / (2.0 * (1.0 - rho))
    ttft = es + wait + 0.5 * st.step + c.front
    return Latency(ttft_s=ttft, tpot_s=st.tpot, output_tokens_per_s=b / st.tpot, requests_per_s=lam)


def max_throughput(dep: Deployment, gpus: Any, isl: Any, osl: Any, *, tp: Any = None, ep: Any = None,
                   _c: _C | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(maximum offline output tokens/s, the batch that reaches it); 0 where nothing fits."""
    c = _c or _consts(dep)
    bmax = max_batch(dep, gpus, isl, osl, tp=tp, ep=ep, _c=c)
    st = step_time(dep, gpus, np.maximum(bmax, 1.0), isl, osl, tp=tp, ep=ep, _c=c)
    thr = np.where(bmax >= 1, np.maximum(bmax, 1.0) / st.tpot, 0.0)
    return thr, bmax


def roofline_tokens_per_s(dep: Deployment, gpus: Any, batch: Any, isl: Any, osl: Any) -> np.ndarray:
    """Upper bound on output tokens/s at ``batch``: every efficiency at 100 %, no
    communication, no overhead, perfect overlap of memory and compute, no speculation. The
    model's throughput never exceeds it (efficiencies are at most 1 and the smooth max is at
    least the max)."""
    ideal = replace(dep, engine=replace(dep.engine, bandwidth_efficiency=1.0, compute_efficiency=1.0,
                                        prefill_efficiency=1.0, fp8_compute_factor=1.0, fp4_compute_factor=1.0,
                                        moe_efficiency=1.0, tp_scaling_loss=0.0, moe_half_width=0.0,
                                        moe_half_tokens=0.0, moe_few_tokens_efficiency=None),
                    gpu=replace(dep.gpu, compute_efficiency=1.0, bandwidth_efficiency=1.0))
    c = _consts(ideal)
    step = sum(w * pp * np.maximum(m, cp) for w, (m, cp, _, _, _, pp, _) in _iterations(dep, c, gpus, batch, isl, osl,
                                                                                          None, None))
    return np.maximum(_arr(batch), 1.0) * c.spec_tokens / step


__all__ = ["MAX_PREFILL_LOAD", "Latency", "StepTime", "max_throughput", "prefill_moments", "prefill_time",
           "roofline_tokens_per_s", "step_time", "ttft_tpot", "weights_per_gpu"]
