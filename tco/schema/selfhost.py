"""Schema of a scenario's self-hosted candidate (``- selfhost: {...}``).

```yaml
- selfhost:
    model: llama-3.1-405b-instruct   # or model_file: my-finetune.yaml
    precision: fp8                   # bf16 | fp8 | int8 | int4 | fp4 (default: as the maker published the weights, else bf16)
    kv_precision: fp8                # optional; default: fp8 for fp8 weights, else bf16
    gpu: h100-sxm-80gb
    gpus_per_node: 8
    total_gpus: 16                   # optional; every GPU of the deployment (default: one node, or the fewest whole nodes one replica fits on)
    layout: auto                     # auto (default) or tpXppY, e.g. tp2pp1, tp8pp1ep8 (expert parallel)
    gpus: 8                          # optional; GPUs per replica (fixes the replica size, tensor parallel per node)
    rent_per_gpu_hour: 2.99          # or rental: lambda-h100-sxm, or buy: {...}
    currency: USD                    # of rent_per_gpu_hour and buy's amounts (default USD), e.g. CNY
    latency: {ttft_ms: 2000, tpot_ms: 100}
    slo_percentile: 99               # 50 (means, default), 90 or 99: the targets are on this percentile
    engine: trtllm                   # trtllm, vllm, sglang, lmdeploy, or dated: trtllm@mlperf-v4.1 (default: see below)
    speculative: {draft_tokens: 3, acceptance: 0.7, draft_cost: 0.05}
    chunked_prefill: 2048            # prefill chunk in tokens (0: whole prompts; default: the engine's)
    utilization: 0.6                 # or a range: {low: 0.5, likely: 0.7, high: 0.85}
    throughput_factor: 1.0           # measured / modelled throughput; or a range
    reasoning_tokens: 0              # hidden reasoning tokens generated per request (decoded, not returned)
    quality_delta: 0.0
```

No numpy, no I/O: :func:`tco.catalog.hardware.resolve` turns this into engine inputs.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, model_validator

from .base import Currency, Line, Slug, Strict, number
from .ranges import number_or_range

Precision = Literal["bf16", "fp8", "int8", "int4", "fp4"]
EngineId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9._-]*(@[a-z0-9][a-z0-9._-]*)?$", max_length=100)]
"""An engine profile: a family (``trtllm``: its latest profile) or a dated one (``trtllm@mlperf-v4.1``)."""
LAYOUT_RE = r"^(auto|tp[1-9][0-9]*pp[1-9][0-9]*(ep[1-9][0-9]*)?)$"


def _layout(v: object) -> object:
    import re

    if isinstance(v, str) and not re.fullmatch(LAYOUT_RE, v.strip().lower()):
        raise ValueError(f"layout {v!r} is not auto or tpXppY (e.g. tp2pp1, tp4pp2, or tp8pp1ep8 for expert "
                         "parallelism)")
    return v.strip().lower() if isinstance(v, str) else v


LayoutText = Annotated[str, BeforeValidator(_layout), Field(max_length=40)]
"""``auto`` or a replica layout ``tpXppY`` (``epZ`` adds expert parallelism over the tensor ranks)."""


class LatencyTargets(Strict):
    """Latency targets a deployment must meet (mean values)."""

    ttft_ms: number(gt=0, le=600_000) | None = None  # type: ignore[valid-type]
    """Time to first token, milliseconds."""
    tpot_ms: number(gt=0, le=60_000) | None = None  # type: ignore[valid-type]
    """Time per output token after the first, milliseconds."""


class BuySpec(Strict):
    """Owning the servers. Fields left out come from ``pricing/hardware`` (server price
    midpoint, lifetime, power) and ``defaults.yaml`` (electricity, PUE, hosting), in USD. The
    amounts given here are in the candidate's ``currency`` (default USD)."""

    server: Slug | None = None
    """Server id in ``servers.yaml`` (default: the one with this GPU)."""
    server_price: number(ge=1000) | None = None  # type: ignore[valid-type]
    """Purchase price of one node of ``gpus_per_node`` GPUs, in the candidate's ``currency`` (default USD;
    at most USD 50 million)."""
    lifetime_years: number(ge=0.5, le=15) | None = None  # type: ignore[valid-type]
    """Years over which the price is spread."""
    cost_of_capital: number(ge=0, le=0.5, share=True) | None = None  # type: ignore[valid-type]
    """Annual rate (0.08 = 8 %); the price is paid as an annuity over the lifetime."""
    power_kw: number(gt=0, le=200) | None = None  # type: ignore[valid-type]
    """Maximum power of one node, kW."""
    power_load_factor: number(gt=0, le=1, share=True) | None = None  # type: ignore[valid-type]
    """Average draw as a share of power_kw."""
    pue: number(ge=1.0, le=3.0) | None = None  # type: ignore[valid-type]
    """Power usage effectiveness of the facility."""
    electricity_per_kwh: number(ge=0) | None = None  # type: ignore[valid-type]
    """Electricity per kWh, in the candidate's ``currency`` (default USD; at most USD 2)."""
    hosting_per_kw_month: number(ge=0) | None = None  # type: ignore[valid-type]
    """Colocation / facility cost per provisioned kW per month, in the candidate's ``currency`` (default
    USD; at most USD 5,000)."""
    staff_per_month: number(ge=0) | None = None  # type: ignore[valid-type]
    """Staff and operations for the deployment per month (not per node), in the candidate's ``currency``
    (default USD; at most USD 10 million)."""


class Speculative(Strict):
    """Speculative decoding: a draft proposes tokens that the model verifies in one step."""

    draft_tokens: int = Field(ge=1, le=16)
    """Tokens the draft proposes per step."""
    acceptance: number(ge=0, le=1, share=True)  # type: ignore[valid-type]
    """Probability that each proposed token is accepted (0.6-0.8 is typical for chat)."""
    draft_cost: number(ge=0, le=1) = 0.05  # type: ignore[valid-type]
    """Time of one draft token as a share of one decode step of the model (small draft model
    ~0.05; multi-token-prediction heads ~0.1)."""


class SelfhostSpec(Strict):
    """A self-hosted candidate: an open model on rented or owned accelerators."""

    model: Slug | None = None
    """Model id in ``pricing/models.yaml`` (or give ``model_file``)."""
    model_file: str | None = None
    """YAML file describing a custom model with the same fields as a catalog model
    (relative paths are relative to the scenario file)."""
    precision: Precision | None = None
    """Weight precision. int8/int4 are modelled as weight-only quantization. Default: the precision
    of the checkpoint the maker published (the model's ``checkpoint``), bf16 where none is on record."""
    kv_precision: Literal["bf16", "fp8"] | None = None
    """KV-cache precision (default: fp8 with fp8 weights, else bf16)."""
    gpu: Slug
    """Accelerator id in ``pricing/hardware/accelerators.yaml``."""
    gpus_per_node: int = Field(default=8, ge=1, le=16)
    """GPUs per server node; tensor parallelism stays inside a node."""
    gpus: int | None = Field(default=None, ge=1, le=1024)
    """GPUs per replica with the default split (tensor parallel inside a node, pipeline stages
    across nodes); fixes the replica size."""
    total_gpus: int | None = Field(default=None, ge=1, le=4096)
    """Every GPU of the deployment, split into replicas by ``layout`` (default: one node, or the
    fewest whole nodes, up to 8, one replica fits on)."""
    layout: LayoutText = "auto"
    """``auto``: the tensor x pipeline x data-parallel split of ``total_gpus`` that serves the
    most within the targets (with a price, the lowest cost per token); or one layout,
    ``tp2pp1`` (``tp8pp1ep8``: experts spread over the 8 tensor ranks, attention data-parallel)."""
    slo_percentile: Literal[50, 90, 99] = 50
    """The latency targets are on this percentile: 50 (the means, as before), 90 or 99 (MLPerf's)."""
    speculative: Speculative | None = None
    """Speculative decoding (off by default)."""
    chunked_prefill: int | None = Field(default=None, ge=0, le=1_000_000)
    """Prefill chunk in tokens per iteration (0: whole prompts; default: the engine profile's)."""
    rent_per_gpu_hour: number(ge=0.01) | None = None  # type: ignore[valid-type]
    """Rental price per GPU-hour, in ``currency`` (default USD; at most USD 1,000)."""
    rental: Slug | None = None
    """Rental offer id in ``pricing/hardware/rentals.yaml``."""
    buy: BuySpec | None = None
    """Own the servers instead of renting."""
    currency: Currency = "USD"
    """ISO code of the amounts given in this candidate: ``rent_per_gpu_hour`` and ``buy``'s
    ``server_price``, ``electricity_per_kwh``, ``hosting_per_kw_month`` and ``staff_per_month``
    (default USD). A rental offer, the catalog's server prices and the defaults stay in USD. They
    are converted with the scenario's exchange rate on the as-of date (its ``fx:`` first); in a
    report in this currency they are billed as given, and no exchange rate moves them."""
    latency: LatencyTargets | None = None
    engine: EngineId | None = None
    """Serving-engine profile in ``pricing/hardware/engines.yaml``: trtllm, vllm, sglang or
    lmdeploy (the family's profile fitted on this model where there is one, else its latest), or a
    dated one such as ``trtllm@mlperf-v4.1``. Default: the profile fitted on this model and GPU,
    else TensorRT-LLM's on NVIDIA GPUs and vLLM's on others."""
    utilization: number_or_range("UtilizationRange", gt=0, le=1, share=True) | None = None  # type: ignore[valid-type]
    """Share of a replica's SLO throughput planned at peak load (default from defaults.yaml); a range
    (``{low: 0.6, high: 0.9}``) when unsure."""
    throughput_factor: number_or_range("ThroughputFactorRange", gt=0, le=10) = 1.0  # type: ignore[valid-type]
    """Your throughput over the modelled one (1.2: measured 20 % faster than the model says); a range
    when unsure. With ``--samples`` and no range here, the engine profile's measured error is drawn."""
    reasoning_tokens: number_or_range("ReasoningRange", ge=0, le=1e6) = 0.0  # type: ignore[valid-type]
    """Hidden reasoning tokens per request the model generates before its answer: decoded like
    output (they take GPU time and KV cache) but not returned; a number or a range. Default 0."""
    quality_delta: number(ge=-100, le=100) | None = None  # type: ignore[valid-type]
    """Quality change versus the model's published scores, points on the 0-100 scale.
    None: FP8 and BF16 are taken as equal quality (the report says so)."""
    name: Line | None = None
    """Display name of the candidate."""

    @model_validator(mode="after")
    def _one_source(self) -> SelfhostSpec:
        if (self.model is None) == (self.model_file is None):
            raise ValueError("give exactly one of model or model_file")
        given = [k for k in ("rent_per_gpu_hour", "rental", "buy") if getattr(self, k) is not None]
        if len(given) > 1:
            raise ValueError(f"give at most one of rent_per_gpu_hour, rental, buy (got {', '.join(given)})")
        if self.gpus is not None and self.gpus > self.gpus_per_node and self.gpus % self.gpus_per_node:
            raise ValueError(f"gpus ({self.gpus}) must be a multiple of gpus_per_node ({self.gpus_per_node}) "
                             "when a replica spans nodes")
        return self
