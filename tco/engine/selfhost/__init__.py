"""Self-hosting deployment model: memory fit, throughput, latency, cost, and the one entry
point the scenario engine calls (:func:`plan`).

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
    ``tco.plan.selfhost.resolve`` which builds a :class:`Deployment` from a scenario's
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
    API are :func:`tco.engine.selfhost.cost.cheaper_ranges` over this plan's cost.

Modules, in dependency order (each imports only those above it):

- :mod:`.inputs`: the frozen input dataclasses and the constants derived from them;
- :mod:`.memory`: :func:`memory_fit`, :func:`max_batch`, valid tensor x pipeline splits,
  :func:`fit_alternatives`;
- :mod:`.throughput`: :func:`step_time`, :func:`prefill_time`, :func:`ttft_tpot`,
  :func:`max_throughput`, :func:`slo_throughput` (latency and throughput);
- :mod:`.cost`: buy and rent cost per month, and :func:`cheaper_ranges` (break-even);
- :mod:`.capacity`: :func:`plan` (replicas and nodes at peak, and what they cost);
- :mod:`.calibration`: predictions of published measurements and the profile fit.

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


from .capacity import SelfhostPlan, plan
from .cost import BREAKEVEN_RANGE, capital_recovery_factor, cheaper_ranges, monthly_costs
from .inputs import (
    DAYS_PER_MONTH,
    GB,
    PRECISION_BYTES,
    PRECISIONS,
    SECONDS_PER_MONTH,
    Accelerator,
    CostInputs,
    Deployment,
    EngineProfile,
    Features,
    ModelShape,
    _consts,
    layout_of,
    split,
)
from .memory import GPU_COUNTS, FitOption, MemoryFit, _kv_per_gpu_token, cache_layout, check_parallelism, \
    fit_alternatives, max_batch, memory_fit
from .mix import FIXED, LengthShape
from .tails import PERCENTILES, SloResult, slo_throughput, tail_latency
from .throughput import (
    MAX_PREFILL_LOAD,
    Latency,
    StepTime,
    max_throughput,
    prefill_moments,
    prefill_time,
    roofline_tokens_per_s,
    step_time,
    ttft_tpot,
)

__all__ = [
    "BREAKEVEN_RANGE", "DAYS_PER_MONTH", "FIXED", "GB", "GPU_COUNTS", "MAX_PREFILL_LOAD", "PERCENTILES", "PRECISIONS",
    "PRECISION_BYTES", "SECONDS_PER_MONTH", "Accelerator", "CostInputs", "Deployment", "EngineProfile", "Features",
    "FitOption", "Latency", "LengthShape", "MemoryFit", "ModelShape", "SelfhostPlan", "SloResult", "StepTime", "_consts",
    "_kv_per_gpu_token", "cache_layout", "capital_recovery_factor", "cheaper_ranges", "check_parallelism", "fit_alternatives",
    "layout_of", "max_batch", "max_throughput", "memory_fit", "monthly_costs", "plan", "prefill_moments",
    "prefill_time", "roofline_tokens_per_s", "slo_throughput", "split", "step_time", "tail_latency", "ttft_tpot",
]
