"""Schemas of the self-hosting hardware catalog, ``pricing/hardware/``:

* ``accelerators.yaml``: memory, bandwidth, dense peaks, power, interconnect;
* ``servers.yaml``: 8-GPU servers with dated price points, a 2024 price range, power, lifetime;
* ``rentals.yaml``: cloud offers per GPU-hour with price history;
* ``engines.yaml``: serving-engine efficiency profiles (calibrated);
* ``defaults.yaml``: electricity, PUE, hosting and planning defaults.

Units live in field names (``_gb``, ``_tb_s``, ``_tflops``, ``_w``, ``_kw``, ``usd_per_gpu_hour``).
Unknown figures are ``null``, never 0. No numpy, no I/O.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Literal, get_args

from pydantic import Field, field_validator, model_validator

from .base import NonNeg, Pos, Provenance, Share, Slug, Strict
from .selfhost import Precision


class AcceleratorEfficiency(Strict):
    """Accelerator-class multipliers on an engine profile's efficiencies, relative to the
    accelerator the profiles are calibrated on (H100 = 1.0). None = not calibrated."""

    compute: Pos | None = Field(default=None, le=1.5)
    bandwidth: Pos | None = Field(default=None, le=1.5)
    status: Literal["calibrated", "validated", "uncalibrated"]
    """calibrated: fitted here; validated: checked on held-out measurements; uncalibrated: no data."""
    note: str | None = None


class Accelerator(Strict):
    """One accelerator (GPU or NPU)."""

    id: Slug
    name: str
    vendor: str
    memory_gb: Pos
    """Marketed memory capacity (the label), GB."""
    memory_usable_gb: Pos | None = None
    """Total the driver reports, 10^9 bytes (None: unknown, the label is used)."""
    hbm_tb_s: Pos
    """Peak memory bandwidth, TB/s."""
    bf16_tflops: Pos
    """Dense BF16/FP16 tensor peak, TFLOPS."""
    fp8_tflops: Pos | None = None
    """Dense FP8 tensor peak, TFLOPS (None: no FP8 or unknown)."""
    fp4_tflops: Pos | None = None
    """Dense FP4 tensor peak (NVFP4/MXFP4, Blackwell), TFLOPS (None: no FP4 tensor cores or unknown)."""
    int8_tops: Pos | None = None
    """Dense INT8 tensor peak, TOPS."""
    tdp_w: Pos | None = None
    """Board power, W (None: unknown)."""
    interconnect: str | None = None
    link_gb_s: Pos | None = None
    """Scale-up bandwidth per GPU, one direction, GB/s (None: unknown)."""
    link_latency_us: NonNeg | None = None
    """Extra fixed cost per all-reduce on this interconnect, microseconds (None: none known)."""
    scale_out_gb_s: Pos | None = None
    """Per-GPU network bandwidth between nodes, GB/s (None: 400 Gb/s InfiniBand assumed)."""
    efficiency: AcceleratorEfficiency
    provenance: Provenance

    @model_validator(mode="after")
    def _usable(self) -> Accelerator:
        if self.memory_usable_gb is not None and not (0.8 * self.memory_gb <= self.memory_usable_gb <= 1.2 * self.memory_gb):
            raise ValueError(f"memory_usable_gb {self.memory_usable_gb} is far from the label {self.memory_gb} GB")
        return self


class AcceleratorsFile(Strict):
    """``pricing/hardware/accelerators.yaml``."""

    accelerators: tuple[Accelerator, ...] = Field(min_length=1)


class PriceRange(Strict):
    """Purchase price range of a server, USD."""

    low: Pos | None = None
    mid: Pos | None = None
    """The default ``buy.server_price``."""
    high: Pos | None = None
    year: int = Field(ge=2015, le=2100)

    @model_validator(mode="after")
    def _ordered(self) -> PriceRange:
        vals = [v for v in (self.low, self.mid, self.high) if v is not None]
        if vals != sorted(vals):
            raise ValueError("price range must satisfy low <= mid <= high")
        return self


class ServerPricePoint(Strict):
    """One dated quote."""

    date: date
    usd: Pos
    what: str
    """What exactly was priced (full server, baseboard, per-GPU equivalent...)."""
    source: str


class Range(Strict):
    low: Pos
    high: Pos
    status: Literal["verified", "single-source", "unverified"] = "single-source"


class Lifetime(Strict):
    low: Pos = Field(le=20)
    default: Pos = Field(le=20)
    high: Pos = Field(le=20)


class Server(Strict):
    """A multi-GPU server you can buy."""

    id: Slug
    name: str
    gpu: Slug
    """Accelerator id."""
    gpus: int = Field(gt=0, le=64)
    price_usd: PriceRange
    price_points: tuple[ServerPricePoint, ...] = ()
    power_kw: Pos
    """Maximum system power, kW."""
    power_kw_typical: Range | None = None
    lifetime_years: Lifetime
    multi_node_fabric_share: NonNeg | None = None
    """Extra capex share for the cluster network when deployments span nodes."""
    provenance: Provenance


class ServersFile(Strict):
    """``pricing/hardware/servers.yaml``."""

    servers: tuple[Server, ...] = Field(min_length=1)


class RentalPrice(Strict):
    """A rental price in force from ``effective_from`` until the next entry."""

    effective_from: date
    usd_per_gpu_hour: Pos
    provenance: Provenance


RentalKind = Literal["on-demand", "reserved-1y", "reserved-3y", "capacity-block", "spot"]


class RentalOffer(Strict):
    """A cloud offer of one accelerator type."""

    id: Slug
    provider: str
    name: str
    gpu: Slug
    kind: RentalKind
    gpus_per_instance: int = Field(gt=0, le=64)
    default: bool = False
    """The offer used for this GPU when a scenario names no price (one per GPU and date)."""
    default_from: date | None = None
    """The date from which this offer is the GPU's default, replacing an earlier default (None:
    from its first price)."""
    prices: tuple[RentalPrice, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _sorted(self) -> RentalOffer:
        dates = [p.effective_from for p in self.prices]
        if dates != sorted(set(dates)):
            raise ValueError("prices must be in increasing effective_from order, one per date")
        return self


class RentalsFile(Strict):
    """``pricing/hardware/rentals.yaml``."""

    rentals: tuple[RentalOffer, ...] = Field(min_length=1)


EngineId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9._-]*(@[a-z0-9][a-z0-9._-]*)?$", max_length=100)]


class EngineProfileSpec(Strict):
    """A serving engine's efficiency profile (see ``docs/selfhost-model.md``)."""

    id: EngineId
    """``family@version`` (e.g. ``trtllm@v1.0``, ``trtllm@mlperf-v4.1``)."""
    name: str
    latest: bool = False
    """The profile the bare family name (``trtllm``) means; one per family."""
    aliases: tuple[EngineId, ...] = ()
    """Other ids that mean this profile (e.g. ``trtllm@mlperf-v5.0``)."""
    bandwidth_efficiency: Share = Field(gt=0)
    """Fraction of peak HBM bandwidth reached streaming weights and KV cache in decode."""
    compute_efficiency: Share = Field(gt=0)
    """Fraction of the BF16 tensor peak reached by the GEMMs of an iteration."""
    prefill_efficiency: Share = Field(gt=0)
    """Fraction of the tensor peak reached by a standalone prefill (TTFT)."""
    fp8_compute_factor: Share = Field(gt=0)
    """FP8 GEMMs reach this fraction of the efficiency BF16 GEMMs reach (against the FP8 peak)."""
    overlap: float = Field(ge=1.0, le=50.0)
    """Exponent of the smooth max of memory and compute time (1 = they add, large = they overlap)."""
    allreduce_latency_us: NonNeg
    """Fixed cost per tensor-parallel all-reduce (2 per layer per iteration), microseconds."""
    link_efficiency: Share = Field(gt=0)
    """Fraction of the link bandwidth an all-reduce reaches."""
    step_overhead_ms: NonNeg
    """Fixed cost per iteration (scheduling, sampling, launches), ms."""
    runtime_reserved_gb: NonNeg
    """Per GPU: CUDA context, communication buffers, workspace, GB."""
    activation_gb: NonNeg
    """Per GPU: activation buffers for the engine's max tokens per iteration, GB."""
    kv_memory_fraction: Share = Field(gt=0)
    """Share of the memory left after weights and reservations given to the KV cache."""
    max_batch: int = Field(gt=0)
    """Largest number of sequences in one iteration."""
    kv_reservation: Literal["full", "average"]
    """full: each sequence reserves input+output KV up front; average: paged on demand (input + output/2)."""
    unquantized_embeddings: bool = True
    """Quantized checkpoints keep the embedding table and output head in BF16."""
    fp4_compute_factor: Share | None = Field(default=None, gt=0)
    """FP4 GEMMs reach this fraction of the BF16 efficiency against the FP4 peak (None: as FP8)."""
    moe_efficiency: Share = Field(default=1.0, gt=0)
    """Grouped expert GEMMs reach this fraction of the dense GEMMs' efficiency (expert-kernel penalty)."""
    ttft_tail: Pos = Field(default=1.0, le=20)
    """Scale of the exponential tail of the prefill queue's wait (p90/p99 TTFT; 1 = the M/G/1 model)."""
    tpot_jitter: NonNeg = Field(default=0.0, le=2)
    """Coefficient of variation of one iteration's time from scheduling alone (p90/p99 TPOT)."""
    chunked_prefill_tokens: int = Field(default=0, ge=0)
    """The engine's default prefill chunk in tokens per iteration (0: whole prompts)."""
    moe_half_width: NonNeg = Field(default=0.0, le=1e6)
    """Expert GEMMs this narrow (intermediate size over the tensor ranks slicing it) run at half the
    expert efficiency: factor 1 / (1 + moe_half_width / width); 0 = off."""
    moe_half_tokens: NonNeg = Field(default=0.0, le=1e6)
    """Tokens per expert (in an iteration, per expert that gets any) at which grouped expert GEMMs
    are half way from ``moe_few_tokens_efficiency`` up to ``moe_efficiency``; 0 = off (always
    ``moe_efficiency``)."""
    moe_few_tokens_efficiency: float | None = Field(default=None, gt=0, le=1)
    """Expert efficiency with few tokens per expert (many small experts, e.g. 128 with one or eight
    active); None = ``moe_efficiency``."""
    tp_scaling_loss: NonNeg = Field(default=0.0, le=2)
    """Efficiency lost per doubling of the tensor-parallel degree (stage times x 1 + loss x log2(tp))."""
    mla_moe_step_overhead_ms: NonNeg = Field(default=0.0, le=1_000)
    """Extra time per iteration of a DeepSeek-architecture model (MLA attention with fine-grained
    routed experts: the engines of early 2025 took 25-45 ms per DeepSeek-R1 step at 4 sequences
    on 8 GPUs, far more than its weight reads), ms; 0 = none. Only models with both MLA and
    routed experts get it (which kernels cost it cannot be told apart in the runs)."""
    ttft_overhead_ms: NonNeg = Field(default=0.0, le=10_000)
    """Fixed delay before the first token outside the GPUs (API server, tokenization, scheduling,
    streaming), ms; 0 = none. Added to every TTFT (mean and percentiles) and to a closed loop's cycle."""
    calibrated_on: str | None = None
    """What the factors were fitted to (file and rows), or why they are a prior."""
    held_out_error: Share | None = None
    """Median relative throughput error on measurements not used in the fit: the default spread
    of a self-hosted throughput under ``--samples`` (docs/uncertainty.md). None: not measured."""
    fitted_gpus: tuple[Slug, ...] = ()
    """Accelerators the profile was fitted on (elsewhere its error is not measured: the spread
    is doubled)."""
    runs_on: tuple[str, ...] = ()
    """Accelerator vendors the engine runs on (``NVIDIA``, ``AMD``); empty: any."""
    fitted_models: tuple[Slug, ...] = ()
    """Models whose runs the profile was fitted on (a profile that saw one model is named to plan
    that model: ``tco selfhost`` says so when a bare engine name chose another)."""
    fitted_max_sequences: int | None = Field(default=None, gt=0)
    """The most concurrent requests per replica in the runs the profile was fitted on (None: not
    stated, or batches up to the engine's maximum); a plan whose batch is more than twice it is
    said to extrapolate."""
    fitted_max_sequences_on: dict[str, Annotated[int, Field(gt=0)]] = Field(default_factory=dict)
    """The same, where the runs on one GPU (``mi355x``) or one GPU at one weight precision
    (``mi355x/fp4``) stop sooner or later: the most specific key that matches is used, else
    ``fitted_max_sequences``."""

    @field_validator("fitted_max_sequences_on")
    @classmethod
    def _gpu_or_gpu_and_precision(cls, v: dict[str, int]) -> dict[str, int]:
        for key in v:
            precisions = get_args(Precision)
            if not re.fullmatch(rf"[a-z0-9][a-z0-9._-]*(/({'|'.join(precisions)}))?", key):
                raise ValueError(f"key {key!r} must be a GPU id (mi355x) or a GPU id and a weight precision "
                                 f"(mi355x/fp4: {', '.join(precisions)})")
        return v

    def max_sequences_on(self, gpu: str, precision: str) -> int | None:
        """The most concurrent requests per replica the fit saw on this GPU at this precision."""
        got = self.fitted_max_sequences_on
        return got.get(f"{gpu}/{precision}") or got.get(gpu) or self.fitted_max_sequences
    provenance: Provenance


class EnginesFile(Strict):
    """``pricing/hardware/engines.yaml``."""

    engines: tuple[EngineProfileSpec, ...] = Field(min_length=1)


class DefaultValue(Strict):
    value: NonNeg
    currency: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")
    provenance: Provenance


class DefaultsFile(Strict):
    """``pricing/hardware/defaults.yaml``: ownership and planning defaults."""

    electricity_per_kwh: DefaultValue
    pue: DefaultValue
    hosting_per_kw_month: DefaultValue
    power_load_factor: DefaultValue
    utilization: DefaultValue
    ttft_ms: DefaultValue
    """Time-to-first-token target (ms) used when a self-hosted candidate gives no latency targets."""
    tpot_ms: DefaultValue
    """Time-per-output-token target (ms) used when a self-hosted candidate gives no latency targets."""
