"""Inputs of the self-hosting model: small frozen dataclasses of plain numbers (the model's
shape, the accelerator, the serving-engine profile, the cost inputs, the deployment), the
constants derived from them once per call, and the tensor x pipeline split of a GPU count.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .mix import FIXED, LengthShape

DAYS_PER_MONTH = 365 / 12
"""Days in the average month of a common year, as scenarios use by default (30.4167)."""

SECONDS_PER_MONTH = DAYS_PER_MONTH * 86400
"""Average month: 2,628,000 s (730 h), the same month length scenarios use by default."""

PRECISION_BYTES = {"bf16": 2.0, "fp16": 2.0, "fp8": 1.0, "int8": 1.0, "int4": 0.5, "fp4": 0.5625}
"""Bytes per weight (or per KV-cache element) for each supported precision. fp4 is NVFP4:
4-bit values plus one FP8 scale per 16 = 4.5 bits (MXFP4, one 8-bit scale per 32, is 4.25)."""

PRECISIONS = ("bf16", "fp8", "int8", "int4", "fp4")
"""Weight precisions a user may ask for (fp16 is accepted as a synonym of bf16's size)."""

GB = 1e9

STATE_BYTES = 2.0
"""Bytes per element of a linear-attention / state-space layer's per-sequence state: engines
keep it in the model's BF16 whatever the KV-cache precision (vLLM's and SGLang's default
state dtype); an FP32 state would double it."""

DEFAULT_TARGET_SLACK = 2.0
"""Default latency targets batch 1 cannot meet become this multiple of the batch-1 latency."""


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
    full_layers: int | None = None
    """Layers whose KV cache grows with every token; None: all ``layers``."""
    window_layers: int = 0
    """Sliding-window attention layers (their KV cache holds at most ``window`` tokens)."""
    window: int = 0
    linear_layers: int = 0
    """Linear-attention / state-space layers: a fixed state per sequence, no KV cache."""
    linear_state_elements: int = 0
    """State elements of one sequence in one linear layer."""
    state_bytes_per_element: float = STATE_BYTES
    """2 for a BF16 state (the default), 4 for FP32."""
    window_kv_heads: int = 0
    """KV heads of a sliding-window layer; 0: ``kv_heads``."""
    window_head_dim: int = 0
    """Head dimension of a sliding-window layer; 0: ``head_dim``."""
    compressed: tuple[tuple[int, int, int], ...] = ()
    """(layers, ratio, indexer elements per entry) of compressed-attention layers: each keeps the last
    ``window`` tokens whole and one entry per ``ratio`` tokens of the rest (DeepSeek V4)."""
    entry_elements: int = 0
    """Elements of one token's entry in an attention layer; 0: GQA ``2 x kv_heads x head_dim``."""
    index_layers: int = 0
    """Full-attention layers that also cache a sparse-attention indexer's keys."""
    index_elements: int = 0
    """Indexer key elements per token on each of those layers."""

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

    @property
    def kv_layers(self) -> int:
        """Layers whose KV cache grows with the sequence (all of them unless a layout says)."""
        return self.layers if self.full_layers is None else self.full_layers

    @property
    def has_layout(self) -> bool:
        """Some layers are sliding-window or linear: per-sequence memory is not tokens x a constant."""
        return bool(self.window_layers or self.linear_layers or self.compressed)

    def kv_elements_per_layer_token(self) -> float:
        """KV-cache elements of one token in one attention layer: GQA ``2 * kv_heads * head_dim``,
        MLA ``kv_lora_rank + rope_head_dim``."""
        if self.entry_elements:
            return float(self.entry_elements)
        if self.is_mla:
            return float(self.kv_lora_rank + (self.rope_head_dim or 0))
        return float(2 * self.kv_heads * self.head_dim)

    def compressed_layers_per_token(self) -> float:
        """Compressed layers' share of a token: ``sum(layers / ratio)``."""
        return float(sum(n / r for n, r, _ in self.compressed))

    def kv_elements_per_token(self) -> float:
        """KV-cache elements per token over the layers whose cache grows with the sequence (a
        compressed layer: its entry and indexer keys once per ``ratio`` tokens)."""
        per = self.kv_elements_per_layer_token()
        return (self.kv_layers * per + self.index_layers * self.index_elements
                + sum(n * (per + i) / r for n, r, i in self.compressed))

    @property
    def win_kv_heads(self) -> int:
        return self.window_kv_heads or self.kv_heads

    @property
    def win_head_dim(self) -> int:
        return self.window_head_dim or self.head_dim

    def window_kv_elements_per_token(self) -> float:
        """KV-cache elements per token of the sliding-window layers (their own KV heads and head
        size where given), and of the window compressed layers keep whole (kept for ``window`` tokens)."""
        own = self.window_kv_heads or self.window_head_dim
        per_window = 2.0 * self.win_kv_heads * self.win_head_dim if own else self.kv_elements_per_layer_token()
        return self.window_layers * per_window + sum(n for n, _, _ in self.compressed) * self.kv_elements_per_layer_token()

    def state_elements(self) -> float:
        """Fixed state of one sequence over the linear layers."""
        return float(self.linear_layers * self.linear_state_elements)

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
    fp4_tflops: float | None = None
    """Dense FP4 tensor peak (Blackwell NVFP4/MXFP4), TFLOPS; None when the chip has none."""
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
        """Tensor peak used for a weight precision: FP4 peak for fp4 on chips with FP4 tensor
        cores, FP8 peak for fp8 (and for fp4 on chips with FP8 but no FP4: W4A8), otherwise
        BF16 (int8/int4, and fp8/fp4 on older chips, are weight-only quantization, W8A16/W4A16)."""
        if precision == "fp4" and self.fp4_tflops is not None:
            return float(self.fp4_tflops)
        if precision in ("fp8", "fp4") and self.fp8_tflops is not None:
            return float(self.fp8_tflops)
        return float(self.bf16_tflops)

    def compute_precision(self, precision: str) -> str:
        """The tensor-core format the GEMMs run in for weights of ``precision`` (fp4, fp8 or bf16)."""
        if precision == "fp4" and self.fp4_tflops is not None:
            return "fp4"
        if precision in ("fp8", "fp4") and self.fp8_tflops is not None:
            return "fp8"
        return "bf16"


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
    fp4_compute_factor: float | None = None
    """FP4 GEMMs reach this fraction of the BF16 efficiency, against the FP4 peak (None: as FP8)."""
    moe_efficiency: float = 1.0
    """Grouped expert GEMMs reach this fraction of the dense GEMMs' efficiency (the expert-kernel
    penalty of mixture-of-experts models; 1 = none)."""
    ttft_tail: float = 1.0
    """Scale of the exponential tail of the prefill queue's waiting time (1 = the M/G/1 model)."""
    tpot_jitter: float = 0.0
    """Coefficient of variation of an iteration's time from scheduling alone (p90/p99 TPOT)."""
    chunked_prefill_tokens: int = 0
    """The engine's default prefill chunk (tokens per iteration; 0 = whole prompts)."""
    tp_scaling_loss: float = 0.0
    """Loss of efficiency per doubling of the tensor-parallel degree (thinner GEMMs, ranks waiting
    for the slowest): stage times are multiplied by 1 + tp_scaling_loss x log2(tp)."""
    moe_half_width: float = 0.0
    """Expert GEMMs narrower than this (the expert's intermediate size over the tensor ranks that
    slice it) run at half the expert efficiency: factor 1 / (1 + moe_half_width / width); 0 = off.
    Fine-grained experts sliced by tensor parallelism (DeepSeek: 2,048 / 8 = 256) are slow;
    expert parallelism keeps them whole."""
    moe_half_tokens: float = 0.0
    """Tokens per expert (in one iteration, per expert that gets any) at which the expert GEMMs'
    efficiency is half way from ``moe_few_tokens_efficiency`` up to ``moe_efficiency``: factor
    few + (moe - few) x m / (m + moe_half_tokens); 0 = off. Eight wide experts (Mixtral) get
    hundreds of tokens each in a large batch, 128 small ones (Llama 4 Maverick, Qwen3) a few dozen:
    short, less efficient GEMMs."""
    moe_few_tokens_efficiency: float | None = None
    """Expert efficiency with few tokens per expert (None: ``moe_efficiency``)."""
    ttft_overhead_ms: float = 0.0
    """Fixed delay before a request's first token that does not occupy the GPUs (the API
    server, tokenization, scheduling, streaming the first token back), milliseconds; 0 = none."""
    mla_moe_step_overhead_ms: float = 0.0
    """Extra time per iteration of a DeepSeek-architecture model (MLA attention and fine-grained
    routed experts), milliseconds, on top of ``step_overhead_ms``; 0 = none. Fitted where an
    engine's runs of such a model show step time their weights and KV do not explain; which
    kernels cost it is not separable in the data, so other MoE models do not get it."""


@dataclass(frozen=True)
class Features:
    """What a 2025 deployment switches on (all off by default)."""

    prefix_cache_hit: float = 0.0
    """Share of input tokens found in the prefix cache: they skip prefill (the same knob as
    the API's ``cached_input_share``)."""
    spec_tokens: int = 0
    """Speculative decoding: draft tokens proposed per step (0 = off)."""
    spec_acceptance: float = 0.0
    """Probability that each draft token is accepted."""
    spec_draft_cost: float = 0.0
    """Time of one draft token as a share of one target decode step (a small draft model: ~0.05;
    multi-token-prediction heads: ~0.1)."""
    chunked_prefill: int | None = None
    """Prefill chunk in tokens per iteration (None: the engine's default; 0: whole prompts)."""

    @property
    def tokens_per_step(self) -> float:
        """Expected tokens each sequence emits per target step: (1 - a^(k+1)) / (1 - a)."""
        k, a = self.spec_tokens, self.spec_acceptance
        if k <= 0:
            return 1.0
        return float(k + 1) if a >= 1.0 else (1.0 - a ** (k + 1)) / (1.0 - a)


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
    throughput_factor: float = 1.0
    """Real throughput over the modelled one (a measurement of your own, or a draw of the model's error)."""
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
    default_targets: bool = False
    """The targets are the documented defaults, not the user's: where even batch 1 cannot meet
    them (a long prompt takes seconds to prefill), they are relaxed to :data:`DEFAULT_TARGET_SLACK`
    times what batch 1 achieves, with a warning, instead of leaving the deployment unpriced."""
    alternatives: tuple[Accelerator, ...] = ()
    """Other accelerators to suggest when the model does not fit."""
    act_bytes: float = 2.0
    """Bytes per activation element exchanged in all-reduces (BF16)."""
    tp: int | None = None
    """Tensor-parallel degree of a replica (None: min(gpus, gpus_per_node)); pipeline stages =
    gpus / tp. A tensor-parallel group larger than a node all-reduces over the scale-out network."""
    ep: int = 1
    """Expert parallelism over the tensor-parallel ranks (MoE): 1 = experts sliced by tensor
    parallelism; ep = tp = experts spread whole over the ranks with data-parallel attention."""
    features: Features = field(default_factory=Features)
    input_shape: LengthShape = FIXED
    """Distribution of input tokens divided by their mean (fixed length by default)."""
    output_shape: LengthShape = FIXED
    slo_percentile: float = 50.0
    """Latency targets are on this percentile (50: means, today's behaviour; 90 or 99: tails)."""
    checkpoint: tuple[str, float, float] | None = None
    """(precision, bytes per weight, bytes per weight outside the routed experts) of the published
    checkpoint, used when ``precision`` is that one: MXFP4's 4.25 bits, INT4 with a scale per 32
    weights (4.5 bits), MoE checkpoints whose experts alone are 4-bit (None: the precision's bytes
    for every weight)."""

    @property
    def kv_prec(self) -> str:
        if self.kv_precision:
            return self.kv_precision
        return self.precision if self.precision in ("fp8", "bf16", "fp16") else ("fp8" if self.precision == "fp4" else "bf16")


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
    win_bytes_per_token: float  # sliding-window layers' KV per token, kept for at most `window` tokens
    window: float
    state_bytes: float  # linear layers' state per sequence
    win_kv_heads: float  # KV heads of a sliding-window layer (split over tensor ranks like kv_heads)
    layout: bool  # per-sequence memory is not tokens x kv_bytes_per_token
    flops_linear: float  # per token
    flops_expert: float  # per token, routed experts (part of flops_linear)
    attn_coef: float  # 4*L*h*hd: decode attention flops per token per context token (full-attention layers)
    attn_win_coef: float  # the same for the sliding-window layers (per context token up to `window`)
    layers: float
    hidden: float
    kv_heads: float
    mla: bool
    peak: float  # FLOP/s per GPU at this precision
    bw: float  # bytes/s per GPU, effective
    comp_eff: float
    prefill_eff: float
    moe_eff: float
    link: float  # bytes/s effective inside a node, or nan
    ar_latency: float  # s per all-reduce
    overhead: float  # s per iteration
    mem_per_gpu: float  # bytes
    reserved_per_gpu: float  # bytes
    kv_fraction: float
    max_batch: float
    full_reservation: bool
    overlap: float
    scale_out: float  # bytes/s between nodes
    node: float  # GPUs per node
    m2_in: float  # E[z^2] of the input and output length shapes
    m2_out: float
    hit: float  # prefix-cache hit share of input tokens
    spec_width: float  # tokens verified per sequence per step (1 without speculative decoding)
    spec_tokens: float  # expected tokens emitted per sequence per step
    spec_cost: float  # draft time per step as a share of the target step
    chunk: float  # prefill chunk, tokens (0 = whole prompts)
    ttft_tail: float
    tpot_jitter: float
    tp_loss: float
    ffn: float  # intermediate size of one expert (dense: of the FFN)
    moe_half_width: float
    moe_half_tokens: float
    moe_few_eff: float
    pre_attn: float  # prefill attention flops over decode attention flops per context token (MLA: < 1)
    front: float  # fixed delay before the first token outside the GPUs (s)


def _consts(dep: Deployment) -> _C:
    m, g, e, f = dep.model, dep.gpu, dep.engine, dep.features
    ck = dep.checkpoint if dep.checkpoint is not None and dep.checkpoint[0] == dep.precision else None
    wb = ck[1] if ck is not None else PRECISION_BYTES[dep.precision]
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
        if ck is not None and ck[2] != wb:  # experts at one precision, the rest at another
            weight_bytes = (params - emb - expert_params) * ck[2] + expert_params * wb + emb_bytes
        dense_bytes = weight_bytes - expert_params * wb
        expert_bytes = x * wb
        flops_expert = 2.0 * x * k
    else:
        dense_bytes, expert_bytes, flops_expert = weight_bytes, 0.0, 0.0
    flops_linear = 2.0 * (active - (m.vocab_size * m.hidden_size if not m.tied_embeddings else 0.0))
    pre_attn = 1.0
    if m.is_mla:
        qk = (m.kv_lora_rank or 0) * 2 + (m.rope_head_dim or 0)
        per_layer = 2.0 * m.heads * qk
        # prefill runs MLA in its compute-friendly form, multi-head attention on the decompressed
        # keys and values (q.k over the no-rope and rope dims, then v: head_dim + rope + head_dim per
        # head; vLLM vllm/v1/attention/backends/mla/common.py); decode in the absorbed form above
        pre_attn = (2.0 * m.head_dim + (m.rope_head_dim or 0)) / max(qk, 1)
    else:
        per_layer = 4.0 * m.heads * m.head_dim
    attn_coef = per_layer * (m.kv_layers + m.compressed_layers_per_token())  # compressed: dense over its entries
    peak = g.peak_tflops(dep.precision) * 1e12
    cp = g.compute_precision(dep.precision)
    factor = {"fp8": e.fp8_compute_factor, "bf16": 1.0,
              "fp4": e.fp4_compute_factor if e.fp4_compute_factor is not None else e.fp8_compute_factor}[cp]
    comp_eff = e.compute_efficiency * g.compute_efficiency * factor
    prefill_eff = e.prefill_efficiency * g.compute_efficiency * factor
    link = (g.link_gb_s * GB * e.link_efficiency) if g.link_gb_s else float("nan")
    chunk = f.chunked_prefill if f.chunked_prefill is not None else e.chunked_prefill_tokens
    return _C(
        weight_bytes=weight_bytes,
        dense_bytes=dense_bytes,
        expert_bytes_per_expert=expert_bytes,
        experts=float(m.experts if m.is_moe else 0),
        active_experts=float(m.active_experts if m.is_moe else 0),
        kv_bytes_per_token=m.kv_elements_per_token() * kb,
        win_bytes_per_token=m.window_kv_elements_per_token() * kb,
        window=float(m.window),
        state_bytes=m.state_elements() * m.state_bytes_per_element,
        win_kv_heads=float(m.win_kv_heads),
        layout=m.has_layout,
        flops_linear=flops_linear,
        flops_expert=flops_expert,
        attn_coef=attn_coef,
        attn_win_coef=(per_layer if m.is_mla and not m.window_head_dim else 4.0 * m.heads * m.win_head_dim) * m.window_layers
        + per_layer * sum(n for n, _, _ in m.compressed),
        layers=float(m.layers),
        hidden=float(m.hidden_size),
        kv_heads=float(m.kv_heads),
        mla=m.is_mla,
        peak=peak,
        bw=g.hbm_tb_s * 1e12 * e.bandwidth_efficiency * g.bandwidth_efficiency,
        comp_eff=comp_eff,
        prefill_eff=prefill_eff,
        moe_eff=e.moe_efficiency if m.is_moe else 1.0,
        link=link,
        ar_latency=(e.allreduce_latency_us + g.link_latency_us) * 1e-6,
        overhead=(e.step_overhead_ms + (e.mla_moe_step_overhead_ms if m.is_moe and m.is_mla else 0.0)) * 1e-3,
        mem_per_gpu=g.memory_gb * GB,
        reserved_per_gpu=(e.runtime_reserved_gb + e.activation_gb) * GB,
        kv_fraction=e.kv_memory_fraction,
        max_batch=float(e.max_batch),
        full_reservation=e.kv_reservation == "full",
        overlap=e.overlap,
        scale_out=g.scale_out_gb_s * GB,
        node=float(dep.gpus_per_node),
        m2_in=dep.input_shape.m2,
        m2_out=dep.output_shape.m2,
        hit=float(f.prefix_cache_hit),
        spec_width=float(f.spec_tokens + 1),
        spec_tokens=f.tokens_per_step,
        spec_cost=float(f.spec_tokens * f.spec_draft_cost),
        chunk=float(chunk or 0),
        ttft_tail=e.ttft_tail,
        tpot_jitter=e.tpot_jitter,
        tp_loss=e.tp_scaling_loss,
        ffn=float(m.ffn_size),
        moe_half_width=e.moe_half_width if m.is_moe else 0.0,
        moe_half_tokens=e.moe_half_tokens if m.is_moe else 0.0,
        moe_few_eff=(e.moe_few_tokens_efficiency if e.moe_few_tokens_efficiency is not None else e.moe_efficiency)
        if m.is_moe else 1.0,
        pre_attn=pre_attn,
        front=e.ttft_overhead_ms * 1e-3,
    )


def _arr(x: Any) -> np.ndarray:
    return np.asarray(x, dtype=np.float64)


def split(gpus: Any, gpus_per_node: int, tp: Any = None) -> tuple[np.ndarray, np.ndarray]:
    """(tp, pp) for GPU counts: tensor parallel inside a node, pipeline stages across nodes,
    unless ``tp`` is given (then pp = gpus / tp)."""
    g = _arr(gpus)
    t = np.minimum(g, gpus_per_node) if tp is None else np.broadcast_to(_arr(tp), np.broadcast(g, _arr(tp)).shape)
    pp = np.maximum(g / t, 1.0)
    return t, pp


def layout_of(dep: Deployment, gpus: Any, tp: Any = None, ep: Any = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(tp, pp, ep) arrays of a replica: explicit arguments first, then the deployment's, then
    the default split (tensor parallel inside a node)."""
    tp_ = tp if tp is not None else dep.tp
    t, p = split(gpus, dep.gpus_per_node, tp_)
    e = _arr(ep if ep is not None else dep.ep)
    e = np.where(e > 1, t, 1.0) + np.zeros_like(t)
    return t, p, e
