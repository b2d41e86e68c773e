"""Self-hosting deployment model: memory fit, throughput, latency, and the one entry point
the scenario engine calls (:func:`plan`).

Pure numpy, no I/O, no pydantic. Every function takes a :class:`Deployment` (a few small
frozen dataclasses of plain floats) and numpy arrays of workload points that broadcast
against each other: ``gpus`` (GPU count), ``batch`` (concurrent sequences), ``isl`` (input
tokens per request), ``osl`` (output tokens per request). The same call serves one point
and a million.

Entry points
------------
``plan(dep, input_tokens, output_tokens, requests_per_month, peak_to_average,
seconds_per_month=SECONDS_PER_MONTH, gpus=None) -> SelfhostPlan``
    Capacity planning and cost for a resolved deployment (see
    ``tco.catalog.hardware.resolve`` which builds a :class:`Deployment` from a scenario's
    ``selfhost:`` candidate and the catalog; ``ResolvedSelfhost.plan(...)`` calls this).
    Returns a :class:`SelfhostPlan` of arrays (one element per workload point): fits,
    gpus (per replica), replicas and nodes needed at peak, total_gpus, monthly_cost_usd
    and cost_components (capex, energy, hosting, rent, staff), output_tokens_per_s (max
    offline, per replica), slo_output_tokens_per_s, ttft_ms, tpot_ms, best_tpot_ms,
    best_ttft_ms, within_context, weights_gb, kv_bytes_per_token, kv_capacity_tokens,
    max_concurrency, near_memory_limit, cost_per_mtok (input and output counted),
    cost_per_mtok_output, ``to_dict(i)``, and a list of warnings (non-fit with what would
    fit, a request longer than the model's context window, latency targets no batch meets
    with the best TPOT achievable, near the memory limit). Break-even volumes against an
    API are :func:`tco.engine.selfhost_cost.cheaper_ranges` over this plan's cost.

Lower-level pieces (all vectorized): :func:`memory_fit`, :func:`step_time`,
:func:`max_throughput`, :func:`ttft_tpot`, :func:`slo_throughput`, :func:`fit_alternatives`;
cost and capacity planning live in :mod:`tco.engine.selfhost_cost`.

The model, its parameters and its calibration are described in ``docs/selfhost-model.md``.
In short, for ``g`` GPUs split as ``tp`` (tensor parallel, inside a node) x ``pp``
(pipeline stages, across nodes), a decode iteration with ``b`` sequences at mean context
``c = isl + osl/2`` takes::

    stage_mem  = (W/g + (b/pp) * c * kv_gpu) / (HBM_bw * eff_bw)
    stage_comp = (b/pp) * (F_lin + F_attn(c) + (isl/osl) * (F_lin + F_pre(isl)/isl)) / (g/pp * peak * eff_c)
    TPOT       = pp * smoothmax_k(stage_mem, stage_comp) + 2 * L * allreduce(tokens) + overhead
    throughput = b / TPOT

(the ``isl/osl`` term is the prefill work that continuous batching folds into each decode
iteration in steady state). The batch is bounded by the KV cache capacity and the
engine's maximum batch. TTFT adds a standalone prefill (compute bound) and an M/D/1 queue
for prefills.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

DAYS_PER_MONTH = 365 / 12
"""Days in the average month of a common year, as scenarios use by default (30.4167)."""

SECONDS_PER_MONTH = DAYS_PER_MONTH * 86400
"""Average month: 2,628,000 s (730 h), the same month length scenarios use by default."""

PRECISION_BYTES = {"bf16": 2.0, "fp16": 2.0, "fp8": 1.0, "int8": 1.0, "int4": 0.5}
"""Bytes per weight (or per KV-cache element) for each supported precision."""

PRECISIONS = ("bf16", "fp8", "int8", "int4")
"""Weight precisions a user may ask for (fp16 is accepted as a synonym of bf16's size)."""

GB = 1e9


# ---------------------------------------------------------------------------------------
# inputs: small frozen dataclasses of plain numbers
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ModelShape:
    """Transformer shape numbers of one model (from its config.json)."""

    id: str
    layers: int
    hidden_size: int
    heads: int
    kv_heads: int
    head_dim: int
    ffn_size: int
    vocab_size: int
    params_b: float
    """Total parameters, billions."""
    active_params_b: float
    """Parameters active per token, billions (== params_b for dense models)."""
    kv_lora_rank: int | None = None
    """Multi-head latent attention: compressed KV rank cached per token per layer."""
    rope_head_dim: int | None = None
    """Multi-head latent attention: decoupled RoPE key dims cached per token per layer."""
    experts: int = 0
    active_experts: int = 0
    shared_experts: int = 0
    tied_embeddings: bool = False
    context_window: int | None = None
    """Longest request (input + output tokens) the model serves; None = unknown (not checked)."""

    @property
    def is_moe(self) -> bool:
        return self.experts > 1

    @property
    def is_mla(self) -> bool:
        return self.kv_lora_rank is not None

    @property
    def embedding_params(self) -> float:
        """Parameters of the input embedding and output head (counted once when tied)."""
        return float(self.vocab_size) * self.hidden_size * (1 if self.tied_embeddings else 2)

    def kv_elements_per_token(self) -> float:
        """KV-cache elements per token over all layers: GQA ``2 * kv_heads * head_dim``, MLA
        ``kv_lora_rank + rope_head_dim`` per layer."""
        if self.is_mla:
            return float(self.layers * (self.kv_lora_rank + (self.rope_head_dim or 0)))
        return float(self.layers * 2 * self.kv_heads * self.head_dim)

    @staticmethod
    def derived_params_b(layers: int, hidden_size: int, heads: int, kv_heads: int, head_dim: int,
                         ffn_size: int, vocab_size: int, experts: int = 0, active_experts: int = 0,
                         shared_experts: int = 0, tied: bool = False) -> tuple[float, float]:
        """(total, active) parameters in billions of a Llama-style (SwiGLU, GQA) transformer.

        Llama 3.1 405B: 126 x (16384*128*128*2 + 2*16384*8*128 + 3*16384*53248) + 2*128256*16384
        = 405.85 B (the reference's figure)."""
        attn = hidden_size * heads * head_dim * 2 + 2 * hidden_size * kv_heads * head_dim
        mlp = 3 * hidden_size * ffn_size
        norms = 2 * hidden_size
        emb = vocab_size * hidden_size * (1 if tied else 2)
        if experts > 1:
            router = hidden_size * experts
            total = layers * (attn + norms + router + mlp * (experts + shared_experts)) + emb + hidden_size
            active = layers * (attn + norms + router + mlp * (active_experts + shared_experts)) + emb + hidden_size
        else:
            total = active = layers * (attn + mlp + norms) + emb + hidden_size
        return total / 1e9, active / 1e9


@dataclass(frozen=True)
class Accelerator:
    """One accelerator's figures (from ``pricing/hardware/accelerators.yaml``)."""

    id: str
    memory_gb: float
    """Usable device memory in 10^9 bytes (driver-reported total when known, else the label)."""
    hbm_tb_s: float
    """Peak memory bandwidth, TB/s (10^12 bytes/s)."""
    bf16_tflops: float
    """Dense BF16/FP16 tensor peak, TFLOPS."""
    fp8_tflops: float | None = None
    """Dense FP8 tensor peak, TFLOPS; None when the accelerator has no FP8 (or it is unknown)."""
    link_gb_s: float | None = None
    """Scale-up link bandwidth per GPU, one direction, GB/s (NVLink4: 450). None = unknown."""
    link_latency_us: float = 0.0
    """Extra fixed latency per all-reduce on this interconnect on top of the engine's (PCIe > NVLink)."""
    scale_out_gb_s: float = 50.0
    """Per-GPU network bandwidth between nodes, GB/s (400 Gb/s InfiniBand = 50)."""
    compute_efficiency: float = 1.0
    """Accelerator-class multiplier on the engine's compute efficiency (1.0 = as calibrated on H100)."""
    bandwidth_efficiency: float = 1.0
    """Accelerator-class multiplier on the engine's bandwidth efficiency."""
    name: str = ""

    def peak_tflops(self, precision: str) -> float:
        """Tensor peak used for a weight precision: FP8 peak for fp8 when the chip has it,
        otherwise BF16 (int8/int4 are modelled as weight-only quantization, W8A16/W4A16)."""
        if precision == "fp8" and self.fp8_tflops is not None:
            return float(self.fp8_tflops)
        return float(self.bf16_tflops)


@dataclass(frozen=True)
class EngineProfile:
    """Serving-engine efficiency profile (``pricing/hardware/engines.yaml``).

    The efficiencies are fractions of the accelerator's peaks that the engine reaches in the
    roofline terms below; they are calibrated against published measurements."""

    id: str
    bandwidth_efficiency: float = 0.8
    """Fraction of peak HBM bandwidth reached streaming weights and KV cache in decode."""
    compute_efficiency: float = 0.5
    """Fraction of the tensor peak reached by the GEMMs of a mixed decode+prefill iteration."""
    prefill_efficiency: float = 0.5
    """Fraction of the tensor peak reached by a standalone prefill (TTFT)."""
    fp8_compute_factor: float = 1.0
    """FP8 GEMMs reach this fraction of the efficiency BF16 GEMMs reach, each against its own peak."""
    overlap: float = 2.0
    """Exponent k of the smooth max (mem^k + comp^k)^(1/k): 1 = no overlap (sum), large = perfect overlap (max)."""
    allreduce_latency_us: float = 10.0
    """Fixed cost per all-reduce call (kernel launch + synchronization), microseconds."""
    link_efficiency: float = 0.7
    """Fraction of the link bandwidth an all-reduce reaches."""
    step_overhead_ms: float = 1.0
    """Fixed cost per iteration (scheduling, sampling, launch), milliseconds."""
    runtime_reserved_gb: float = 1.5
    """Per GPU: CUDA context, communication buffers, workspace (GB)."""
    activation_gb: float = 1.5
    """Per GPU: activation buffers sized for the engine's max tokens per iteration (GB)."""
    kv_memory_fraction: float = 0.9
    """Fraction of the memory left after weights and reservations given to the KV cache."""
    max_batch: int = 4096
    """Largest number of sequences the engine runs in one iteration."""
    kv_reservation: str = "full"
    """'full': each sequence reserves KV for input+output up front (TensorRT-LLM
    guaranteed-no-evict); 'average': paged allocation on demand (vLLM), input + output/2."""
    unquantized_embeddings: bool = True
    """Quantized checkpoints (ModelOpt FP8, AWQ) keep the embedding and output head in BF16."""


@dataclass(frozen=True)
class CostInputs:
    """Ownership or rental cost of one deployment unit (see ``selfhost_cost``)."""

    mode: str = "rent"
    """'rent' or 'buy'."""
    rent_per_gpu_hour: float | None = None
    server_price: float | None = None
    """Purchase price of one node (gpus_per_node GPUs), USD."""
    lifetime_years: float = 4.0
    cost_of_capital: float = 0.0
    """Annual rate; the price is spread as an annuity over the lifetime."""
    power_kw: float | None = None
    """Power of one node at full load, kW."""
    power_load_factor: float = 0.75
    """Average draw as a fraction of power_kw."""
    pue: float = 1.0
    electricity_per_kwh: float = 0.0
    hosting_per_kw_month: float = 0.0
    """Colocation / facility cost per provisioned kW per month (on power_kw)."""
    staff_per_month: float = 0.0
    """Staff and operations per deployment per month (fixed, not per node)."""
    utilization: float = 0.8
    """Highest fraction of a node's SLO throughput planned at peak load (headroom)."""
    gpus_per_instance: int = 1
    """Rental granularity: GPUs are billed in instances of this many (an 8x H100 VM: 8)."""


@dataclass(frozen=True)
class Deployment:
    """Everything the model needs: model, accelerator, engine, precisions, node size, cost."""

    model: ModelShape
    gpu: Accelerator
    engine: EngineProfile
    precision: str = "fp8"
    kv_precision: str | None = None
    """None: same as the weights for fp8/bf16, bf16 for int8/int4 (weight-only)."""
    gpus: int = 8
    """GPUs of one deployment unit (replica); more than gpus_per_node means pipeline stages."""
    gpus_per_node: int = 8
    cost: CostInputs = field(default_factory=CostInputs)
    ttft_ms: float | None = None
    """Latency targets (None = no target)."""
    tpot_ms: float | None = None
    alternatives: tuple[Accelerator, ...] = ()
    """Other accelerators to suggest when the model does not fit."""
    act_bytes: float = 2.0
    """Bytes per activation element exchanged in all-reduces (BF16)."""

    @property
    def kv_prec(self) -> str:
        if self.kv_precision:
            return self.kv_precision
        return self.precision if self.precision in ("fp8", "bf16", "fp16") else "bf16"


# ---------------------------------------------------------------------------------------
# derived constants
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _C:
    """Scalars derived once per deployment."""

    weight_bytes: float
    dense_bytes: float
    expert_bytes_per_expert: float  # summed over layers
    experts: float
    active_experts: float
    kv_bytes_per_token: float
    flops_linear: float  # per token
    attn_coef: float  # 4*L*h*hd: decode attention flops per token per context token
    layers: float
    hidden: float
    kv_heads: float
    mla: bool
    peak: float  # FLOP/s per GPU at this precision
    bw: float  # bytes/s per GPU, effective
    comp_eff: float
    prefill_eff: float
    link: float  # bytes/s effective, or nan
    ar_latency: float  # s per all-reduce
    overhead: float  # s per iteration
    mem_per_gpu: float  # bytes
    reserved_per_gpu: float  # bytes
    kv_fraction: float
    max_batch: float
    full_reservation: bool
    overlap: float
    scale_out: float  # bytes/s


def _consts(dep: Deployment) -> _C:
    m, g, e = dep.model, dep.gpu, dep.engine
    wb = PRECISION_BYTES[dep.precision]
    kb = PRECISION_BYTES[dep.kv_prec]
    params = m.params_b * 1e9
    active = m.active_params_b * 1e9
    emb = min(m.embedding_params, params * 0.5)
    emb_bytes = emb * (2.0 if (e.unquantized_embeddings and wb < 2.0) else wb)
    weight_bytes = (params - emb) * wb + emb_bytes
    if m.is_moe and params > active:
        k = max(m.active_experts, 1)
        x = (params - active) / max(m.experts - k, 1)  # params of one routed expert, all layers
        expert_params = x * m.experts
        dense_bytes = weight_bytes - expert_params * wb
        expert_bytes = x * wb
    else:
        dense_bytes, expert_bytes = weight_bytes, 0.0
    flops_linear = 2.0 * (active - (m.vocab_size * m.hidden_size if not m.tied_embeddings else 0.0))
    if m.is_mla:
        qk = (m.kv_lora_rank or 0) * 2 + (m.rope_head_dim or 0)
        attn_coef = 2.0 * m.layers * m.heads * qk
    else:
        attn_coef = 4.0 * m.layers * m.heads * m.head_dim
    peak = g.peak_tflops(dep.precision) * 1e12
    fp8 = dep.precision == "fp8" and g.fp8_tflops is not None
    comp_eff = e.compute_efficiency * g.compute_efficiency * (e.fp8_compute_factor if fp8 else 1.0)
    prefill_eff = e.prefill_efficiency * g.compute_efficiency * (e.fp8_compute_factor if fp8 else 1.0)
    link = (g.link_gb_s * GB * e.link_efficiency) if g.link_gb_s else float("nan")
    return _C(
        weight_bytes=weight_bytes,
        dense_bytes=dense_bytes,
        expert_bytes_per_expert=expert_bytes,
        experts=float(m.experts if m.is_moe else 0),
        active_experts=float(m.active_experts if m.is_moe else 0),
        kv_bytes_per_token=m.kv_elements_per_token() * kb,
        flops_linear=flops_linear,
        attn_coef=attn_coef,
        layers=float(m.layers),
        hidden=float(m.hidden_size),
        kv_heads=float(m.kv_heads),
        mla=m.is_mla,
        peak=peak,
        bw=g.hbm_tb_s * 1e12 * e.bandwidth_efficiency * g.bandwidth_efficiency,
        comp_eff=comp_eff,
        prefill_eff=prefill_eff,
        link=link,
        ar_latency=(e.allreduce_latency_us + g.link_latency_us) * 1e-6,
        overhead=e.step_overhead_ms * 1e-3,
        mem_per_gpu=g.memory_gb * GB,
        reserved_per_gpu=(e.runtime_reserved_gb + e.activation_gb) * GB,
        kv_fraction=e.kv_memory_fraction,
        max_batch=float(e.max_batch),
        full_reservation=e.kv_reservation == "full",
        overlap=e.overlap,
        scale_out=g.scale_out_gb_s * GB,
    )


def _arr(x: Any) -> np.ndarray:
    return np.asarray(x, dtype=np.float64)


def split(gpus: Any, gpus_per_node: int) -> tuple[np.ndarray, np.ndarray]:
    """(tp, pp) for GPU counts: tensor parallel inside a node, pipeline stages across nodes."""
    g = _arr(gpus)
    tp = np.minimum(g, gpus_per_node)
    pp = np.maximum(g / tp, 1.0)
    return tp, pp


# ---------------------------------------------------------------------------------------
# memory
# ---------------------------------------------------------------------------------------


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
    needed_gb: np.ndarray
    """Memory the deployment needs for weights + reservations + one sequence of KV (whole deployment)."""
    available_gb: np.ndarray


NEAR_LIMIT_KV_SHARE = 0.15
"""Near the memory limit: less than this share of device memory is left for the KV cache..."""
NEAR_LIMIT_MIN_BATCH = 16
"""...or fewer than this many sequences of the workload fit at once."""


def _kv_per_gpu_token(c: _C, tp: np.ndarray, pp: np.ndarray) -> np.ndarray:
    # GQA: KV heads split across tensor-parallel ranks, replicated when tp > kv_heads;
    # MLA: the latent is shared by all heads, so every TP rank holds it whole.
    shards = np.ones_like(tp) if c.mla else np.minimum(tp, c.kv_heads)
    return c.kv_bytes_per_token / (shards * pp)


def memory_fit(dep: Deployment, gpus: Any, isl: Any, osl: Any, *, _c: _C | None = None) -> MemoryFit:
    """Does the model fit on ``gpus`` GPUs, and how much KV cache is left for ``isl + osl``
    token sequences? Vectorized over arrays."""
    c = _c or _consts(dep)
    g = _arr(gpus)
    tp, pp = split(g, dep.gpus_per_node)
    seq = _arr(isl) + _arr(osl)
    w_gpu = c.weight_bytes / g
    free = c.mem_per_gpu - w_gpu - c.reserved_per_gpu
    kv_gpu = _kv_per_gpu_token(c, tp, pp)
    cap = np.floor(np.maximum(free, 0.0) * c.kv_fraction / kv_gpu)
    conc = np.floor(cap / np.maximum(seq, 1.0))
    fits = (free > 0) & (conc >= 1)
    kv_share = np.maximum(free, 0.0) * c.kv_fraction / c.mem_per_gpu
    near = fits & ((kv_share < NEAR_LIMIT_KV_SHARE) | (conc < NEAR_LIMIT_MIN_BATCH))
    needed = c.weight_bytes + g * c.reserved_per_gpu + seq * c.kv_bytes_per_token / c.kv_fraction
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
        needed_gb=np.broadcast_to(needed / GB, shape).copy(),
        available_gb=np.broadcast_to(g * c.mem_per_gpu / GB, shape).copy(),
    )


def max_batch(dep: Deployment, gpus: Any, isl: Any, osl: Any, *, _c: _C | None = None) -> np.ndarray:
    """Largest batch the engine runs: KV capacity over the tokens each sequence reserves
    (input+output, or input+output/2 with on-demand paging), capped by the engine's max."""
    c = _c or _consts(dep)
    g = _arr(gpus)
    tp, pp = split(g, dep.gpus_per_node)
    free = c.mem_per_gpu - c.weight_bytes / g - c.reserved_per_gpu
    cap = np.maximum(free, 0.0) * c.kv_fraction / _kv_per_gpu_token(c, tp, pp)
    per_seq = _arr(isl) + (_arr(osl) if c.full_reservation else 0.5 * _arr(osl))
    return np.minimum(np.floor(cap / np.maximum(per_seq, 1.0)), c.max_batch)


# ---------------------------------------------------------------------------------------
# time
# ---------------------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------------------
# what would fit
# ---------------------------------------------------------------------------------------

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
        if (acc.id, prec) in tried:
            continue
        tried.add((acc.id, prec))
        d = replace(dep, gpu=acc, precision=prec, kv_precision=dep.kv_precision)
        valid = np.array([_tp_ok(dep.model, int(n), dep.gpus_per_node) is None for n in GPU_COUNTS])
        mf = memory_fit(d, counts, isl, osl)
        good = mf.fits & valid & (mf.max_concurrency >= min_concurrency)
        if good.any():
            j = int(np.argmax(good))
            out.append(FitOption(acc.id, int(counts[j]), prec, float(mf.weights_gb[j]), float(mf.kv_capacity_tokens[j])))
    return out


def _tp_ok(model: ModelShape, gpus: int, gpus_per_node: int) -> str | None:
    """None when ``gpus`` splits cleanly into tensor x pipeline parallel; else the reason.

    Tensor parallelism must divide the attention heads (and divide or be a multiple of
    the KV heads); pipeline stages (one per node) must divide the layers, since the model
    gives every stage ``layers / pp`` of them (so there are never more stages than layers)."""
    if gpus < 1:
        return "GPU count must be at least 1"
    if gpus > gpus_per_node and gpus % gpus_per_node:
        return f"{gpus} GPUs is not a whole number of {gpus_per_node}-GPU nodes"
    tp = min(gpus, gpus_per_node)
    pp = gpus // tp
    if pp > 1 and (pp > model.layers or model.layers % pp):
        return (f"{gpus} GPUs make {pp} pipeline stages of {tp} GPUs, which do not divide the {model.layers} "
                f"layers evenly")
    if model.heads % tp:
        return f"tensor-parallel degree {tp} does not divide the {model.heads} attention heads"
    if not model.is_mla and model.kv_heads % tp and tp % model.kv_heads:
        return (f"tensor-parallel degree {tp} does not divide the {model.kv_heads} KV heads "
                f"(and is not a multiple of them, so they cannot be replicated either)")
    return None


def check_parallelism(model: ModelShape, gpus: int, gpus_per_node: int) -> str | None:
    """Public alias of the tensor/pipeline split check: None when valid, else a message."""
    return _tp_ok(model, gpus, gpus_per_node)


# ---------------------------------------------------------------------------------------
# the plan
# ---------------------------------------------------------------------------------------


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
    """replicas x gpus."""
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
            "fits", "gpus", "replicas", "nodes", "total_gpus", "monthly_cost_usd", "output_tokens_per_s",
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
    from .selfhost_cost import monthly_costs

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
    mf = _spread(memory_fit(dep, gu, iu, ou, _c=c), inv, shape)
    thr = max_throughput(dep, gu, iu, ou, _c=c)[0][inv.reshape(-1)].reshape(shape)
    slo = _spread(slo_throughput(dep, gu, iu, ou, tt, tp_, _c=c), inv, shape)
    fits = mf.fits
    ctx = dep.model.context_window
    within = (i + o <= ctx) if ctx else np.ones(shape, dtype=bool)
    usable = fits & slo.feasible & within
    util = dep.cost.utilization
    unit_rps = np.where(usable, slo.output_tokens_per_s / np.maximum(o, 1.0) * util, 0.0)
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
        out_per_h = slo.output_tokens_per_s * util * 3600.0
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
        warnings.append(
            f"no batch meets the latency targets (ttft {dep.ttft_ms} ms, tpot {dep.tpot_ms} ms): the best TPOT "
            f"achievable is {float(slo.best_tpot_s.reshape(-1)[idx]) * 1e3:.1f} ms and the best TTFT "
            f"{float(slo.best_ttft_s.reshape(-1)[idx]) * 1e3:.0f} ms at batch 1")
    if (fits & mf.near_memory_limit).any():
        idx = int(np.argmax((fits & mf.near_memory_limit).reshape(-1)))
        warnings.append(
            f"near the memory limit: {float(mf.free_per_gpu_gb.reshape(-1)[idx]):.1f} GB per GPU left after weights "
            f"and runtime, room for {int(mf.max_concurrency.reshape(-1)[idx])} concurrent sequences")

    return SelfhostPlan(
        fits=fits, gpus=g.copy(), replicas=replicas, nodes=nodes, total_gpus=replicas * g, monthly_cost_usd=monthly,
        cost_components={k: v for k, v in costs.items() if k not in ("total", "unit_per_month")},
        output_tokens_per_s=np.where(fits, thr, 0.0), slo_output_tokens_per_s=slo.output_tokens_per_s,
        slo_feasible=slo.feasible & fits, ttft_ms=np.where(usable, slo.ttft_s * 1e3, np.nan),
        tpot_ms=np.where(usable, slo.tpot_s * 1e3, np.nan), best_tpot_ms=np.where(fits, slo.best_tpot_s * 1e3, np.nan),
        best_ttft_ms=np.where(fits, slo.best_ttft_s * 1e3, np.nan), within_context=np.asarray(within).copy(),
        operating_batch=slo.batch, weights_gb=mf.weights_gb, kv_bytes_per_token=mf.kv_bytes_per_token,
        kv_capacity_tokens=mf.kv_capacity_tokens, max_concurrency=mf.max_concurrency,
        near_memory_limit=mf.near_memory_limit, requests_per_s_capacity=unit_rps,
        average_utilization=avg_util, cost_per_mtok=cost_per_mtok, cost_per_mtok_output=cpm_out,
        unit_monthly_cost_usd=float(np.asarray(costs["unit_per_month"]).reshape(-1)[0]),
        fixed_monthly_cost_usd=float(dep.cost.staff_per_month or 0.0), warnings=warnings)
