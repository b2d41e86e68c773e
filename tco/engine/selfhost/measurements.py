"""Which published measurement fits which engine profile, and which are held out.

The rows are those of ``tests/data/selfhost_measurements.csv`` (MLPerf Inference v4.1 and v5.1,
TensorRT-LLM performance tables, dstack, LMDeploy and blog figures) as ``dict[str, str]``.
Loading the file is the caller's business; this module only decides, per row:

* :func:`role`: ``fit`` (used to fit a profile), ``holdout`` (never fitted: the named split
  :data:`HOLDOUT` below, chosen before any fit), ``external`` (published after the fit
  cutoff: MLPerf v5.0 and later, TensorRT-LLM v0.20/v1.0 tables, 2025 posts, and the 2026 runs of
  engine versions newer than every profile, :data:`NEWER_VERSIONS`; never fitted; the
  runs of engine versions released after the cutoff fit those versions' own profiles,
  :data:`OWN_TIME`, with their own named held-out split, and TensorRT-LLM v1.0's own tables'
  expert and Blackwell FP4 rows fit that profile's expert and FP4 factors, :data:`V10_HOLDOUT`) or
  ``excluded`` (not comparable: power-capped, preview, no layout, GPU not in the catalog,
  a duplicate run), each with its reason; every row of a GPU added to the catalog after the fits
  (:data:`LATE_GPUS`) is external;
* :func:`profile_for`: the engine profile that predicts it.

The held-out split is named and fixed here (``HOLDOUT_NAME``) so that every report says which
rows were never seen by the fit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

HOLDOUT_NAME = "partners-and-models"
"""Name of the held-out split (fixed before the profiles were fitted)."""

HOLDOUT = (
    "MLPerf Inference v4.1: every submission by a submitter other than NVIDIA and AMD (partners' "
    "reproductions on their own servers, including H100 NVL/PCIe, L40S and multi-node systems); "
    "TensorRT-LLM performance tables v0.13/v0.14: Mistral 7B, Mixtral 8x22B and Llama 3.1 405B; "
    "dstack vLLM 2024-12: the MI300X runs at TP4 and the older vLLM ROCm build 0.6.3.dev109; "
    "dstack DeepSeek-R1 2025-03: every MI300X run; "
    "dstack TGI-vs-vLLM 2024-10 (vLLM 0.6.3.dev116 ROCm, Llama 3.1 405B BF16 on 8x MI300X): the whole source; "
    "DataCrunch SGLang 2024-12 on H200: every Llama 3.1 405B row (the Llama 3.3 70B rows are fitted); "
    "AUGMXNT vLLM 2024-10 (Llama 3.1 405B BF16 on 8x MI300X): the whole --max-num-seqs 1024 sweep (the default "
    "and --max-num-seqs 2048 sweeps are fitted)"
)
"""The rows held out, in words."""

NOT_ADOPTED = {
    "augmxnt-mi300x-vllm-2024-10": "fit-eligible, not fitted: a vllm@0.6 refit with these rows (2026-11-30) was "
                                   "reviewed and not adopted (held-out throughput 40 % -> 37 %, but p99 TTFT on "
                                   "external rows 17 % -> 45 %)",
}
"""Fit-eligible sources whose refit was reviewed and not adopted: reported as unfitted, with why."""

CHIP_VENDORS = frozenset({"NVIDIA", "AMD"})
HOLDOUT_TABLE_MODELS = frozenset({"mistral-7b-instruct", "mixtral-8x22b-instruct", "llama-3.1-405b-instruct"})

FIT_CUTOFF = "2025-04-01"
"""Engine documents and posts published on or after this date are external (never fitted);
MLPerf: v4.1 (2024-08-28) is fit-eligible, v5.0 and later are external."""

LATEST = {"trtllm": "trtllm@v1.0", "vllm": "vllm@0.6", "sglang": "sglang@0.4", "lmdeploy": "lmdeploy@0.2"}
"""The profile a bare engine name means."""

OWN_TIME: dict[str, tuple[tuple[str, str, str], ...]] = {
    "inferencemax-2025-12": (("vllm", "", "vllm@0.13"), ("trtllm", "", "trtllm@v1.2"),
                             ("sglang", "rocm", "sglang@0.5-rocm"), ("sglang", "", "sglang@0.5")),
    "inferencex-2026": (("sglang", "0.5.12-rocm", "sglang@0.5.12-rocm"),),
}
"""Profiles of engine versions released after :data:`FIT_CUTOFF` (vLLM 0.13, TensorRT-LLM 1.2,
SGLang 0.5 of December 2025, and SGLang's ROCm build for AMD GPUs): no run before the cutoff used
them, so each is fitted on runs of its own time only (the source set named here: engine, a
string its engine_version contains, profile; the first match wins), with its own held-out split
(:data:`OWN_TIME_HOLDOUT`); to every earlier profile those runs stay external, and MLPerf v5.0 and
later stay out of every fit. Since 2026-11-30 also SGLang 0.5.12's ROCm build (InferenceX runs of
2026-04 to 2026-06), whose runs :data:`NEWER_VERSIONS` had first kept as external tests of
sglang@0.5-rocm (1.4-2.2x pessimistic on them), with its own held-out split (:data:`V0512_HOLDOUT`)."""

OWN_TIME_PROFILES = frozenset(prof for rules in OWN_TIME.values() for _, _, prof in rules)

OWN_TIME_RANK = {prof: rank for rank, rules in enumerate(OWN_TIME.values()) for _, _, prof in rules}
"""How recent each profile of its own time is (a later source set: a higher rank): of the profiles that saw a
model, the newest is the default, then one fitted on the GPU (plan.engine_choice.choose_engine)."""

V0512_HOLDOUT_NAME = "inferencex-2026-mi325x"
"""Name of sglang@0.5.12-rocm's held-out split (fixed before its fit)."""

V0512_HOLDOUT_GPU = "mi325x"
"""The GPU whose runs that split holds out."""

V0512_HOLDOUT = (
    "InferenceX runs of SGLang 0.5.12's ROCm build (2026-04 to 2026-06, DeepSeek-R1-0528, single node, no "
    "speculative decoding): every MI325X run is held out (a GPU the fit does not see; 4 runs, 1k/1k and 8k/1k); the "
    "MI300X runs (FP8) and MI355X runs (FP8 and MXFP4) fit the profile. Chosen on 2026-11-30, before that fit, after "
    "the runs had been predicted as external tests of sglang@0.5-rocm (1.4-1.6x pessimistic on MI300X/MI325X, "
    "2.2x on MI355X); SGLang 0.5.9's ROCm runs stay external tests of sglang@0.5-rocm"
)
"""sglang@0.5.12-rocm's held-out rows, in words."""


def _rule_profile(rules: dict[str, tuple[tuple[str, str, str], ...]], row: dict[str, str]) -> str | None:
    """The profile of the first (engine, version string, profile) rule of the row's source set that
    matches it, if any."""
    for engine, version, profile in rules.get(row.get("source_set", ""), ()):
        if row.get("engine") == engine and version in row.get("engine_version", "").lower():
            return profile
    return None


def own_time_profile(row: dict[str, str]) -> str | None:
    """The profile of its own time a row fits, if any (:data:`OWN_TIME`)."""
    return _rule_profile(OWN_TIME, row)


NEWER_VERSIONS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "inferencex-2026": (("trtllm", "", "trtllm@v1.2"), ("sglang", "rocm", "sglang@0.5-rocm"),
                        ("sglang", "", "sglang@0.5")),
}
"""Runs of engine versions newer than every profile of their engine (InferenceX, 2026-02 to 2026-06: SGLang
0.5.9 and 0.5.12, CUDA and ROCm builds, TensorRT-LLM 1.2.0rc6.post2 and 1.3.0rc14, DeepSeek-R1-0528): never
fitted, external tests of how the engines drifted since the profiles' runs. Each is predicted by the newest
profile of the same engine and build older than its version (source set: engine, a string its engine_version
contains, profile; the first match wins): TensorRT-LLM 1.2.0rc6 and 1.3 by trtllm@v1.2 (1.2.0rc2), SGLang's
ROCm images by sglang@0.5-rocm (0.5.5.post3 ROCm), its CUDA images by sglang@0.5 (0.5.6). SGLang 0.5.12's ROCm
runs have fitted a profile of their own since (:data:`OWN_TIME`): :func:`role` and :func:`profile_for` look
there first."""

NEWER_VERSIONS_NAME = "inferencex-2026"
"""Name under which those rows are reported."""


def newer_version_profile(row: dict[str, str]) -> str | None:
    """The profile that predicts a run of an engine version newer than every profile, if it is one
    (:data:`NEWER_VERSIONS`)."""
    return _rule_profile(NEWER_VERSIONS, row)


OWN_TIME_HOLDOUT_NAME = "inferencemax-1k8k"
"""Name of the 2026 profiles' held-out split (fixed before the fit that was kept)."""

OWN_TIME_HOLDOUT = (
    "InferenceMAX sweeps of 2025-12/2026-01: every run with 1k-token prompts and 8k-token answers (mean "
    "921.5 / 7,372.5), of every engine, GPU and layout: a third of the runs, decode-heavy with long contexts. "
    "Chosen on 2026-11-30 after a first choice, every 8k-prompt / 1k-answer run, was tried on vLLM and "
    "dropped: without long prompts in the fit the prefill efficiency went to its lower bound (0.15) and the "
    "held-out mean TTFT was off 22x in the median; no value of that fit was kept"
)
"""The 2026 profiles' held-out rows, in words."""

OWN_TIME_HOLDOUT_GPUS = {"mi355x": "inferencemax-mi355x"}
"""GPUs whose December 2025 runs no profile fits, reported as external tests: MI355X, added to
the catalog on 2026-11-30 with InferenceMAX's SGLang ROCm runs of DeepSeek-R1 on it, kept out of
every fit before any of them was predicted, to test the ROCm profile fitted on MI300X and MI325X
on a newer AMD GPU (its 2026 runs with SGLang 0.5.12 fit sglang@0.5.12-rocm)."""


LATE_GPUS_NAME = "gpus-added-2026-12"
"""Name under which the rows of :data:`LATE_GPUS` are reported."""

LATE_GPUS = frozenset({"a100-pcie-80gb", "rtx-pro-6000-blackwell", "gb200", "b300", "gb300", "h20", "h800"})
"""GPUs added to the catalog on 2026-12-01, after every profile was fitted: until then their rows were
excluded (GPU not in the catalog), so no fit ever saw them. Every row of theirs is external, whatever
its source's date or split (the A100 PCIe rows of TensorRT-LLM's v0.14 tables are fit-eligible by date;
the RTX PRO 6000 and GB200 FP4 rows of the v1.0 tables would otherwise fall in trtllm@v1.0's FP4 fit):
a test of the profile that predicts it on a GPU that profile did not see, never fitted."""


V10_TABLES = "trtllm-perf-overview-v1.0"
"""TensorRT-LLM v1.0's own performance tables (2025): published after :data:`FIT_CUTOFF`, but runs of
the version the ``trtllm@v1.0`` profile stands for."""

V10_MOE_MODELS = frozenset({"llama-4-maverick", "llama-4-scout", "qwen3-235b-a22b", "qwen3-30b-a3b",
                            "deepseek-r1-0528"})
"""The mixture-of-experts models of :data:`V10_TABLES`."""

V10_HOLDOUT_NAME = "trtllm-v1.0-experts-fp4"
"""Name of the held-out split of trtllm@v1.0's expert and FP4 fit (fixed before that fit)."""

V10_HOLDOUT_MODELS = frozenset({"llama-4-scout", "qwen3-30b-a3b", "deepseek-r1-0528", "llama-3.1-405b-instruct"})

V10_HOLDOUT = (
    "TensorRT-LLM v1.0 performance tables (2025), mixture-of-experts rows (H100, H200, B200) and B200 FP4 rows: "
    "every row of Llama 4 Scout, Qwen3-30B-A3B, DeepSeek-R1-0528 and Llama 3.1 405B is held out; the rows of "
    "Llama 4 Maverick, Qwen3-235B-A22B and Llama 3.3 70B (B200 FP4) fit the profile's expert-kernel factors "
    "and FP4 GEMM factor, nothing else (its other values stay those of its H100 tables). Chosen on "
    "2026-11-30, before that fit, after the rows had been predicted as external tests (1.4-2.1x optimistic "
    "for every MoE model and 1.3-1.5x for dense FP4 on B200); the tables' dense FP8 rows stay external"
)
"""The held-out rows of trtllm@v1.0's second fit, in words."""


def _v10_experts_fp4(row: dict[str, str]) -> bool:
    return row.get("source_set") == V10_TABLES and (row.get("model") in V10_MOE_MODELS
                                                   or row.get("precision") == "fp4")


def _mlperf(row: dict[str, str]) -> bool:
    return row.get("source_set", "").startswith("mlperf-")


def duplicates(rows: Iterable[dict[str, str]]) -> set[str]:
    """Ids of MLPerf rows that repeat another run: the 99.9 variant of a system whose 99 run
    has the same throughput (the same engine passes both accuracy targets: one run, reported
    twice). Only the 99 row is kept."""
    rows = list(rows)
    seen = {(r["source_set"], r["submitter"], r["system"], r["scenario"], r["benchmark"].removesuffix("-99"),
             r["tokens_per_s"]) for r in rows if _mlperf(r) and r["benchmark"].endswith("-99")}
    return {r["id"] for r in rows if _mlperf(r) and r["benchmark"].endswith("-99.9")
            and (r["source_set"], r["submitter"], r["system"], r["scenario"], r["benchmark"].removesuffix("-99.9"),
                 r["tokens_per_s"]) in seen}


def role(row: dict[str, str], gpus: Sequence[str] = (), models: Sequence[str] = (),
         dup: set[str] | frozenset[str] = frozenset()) -> tuple[str, str]:
    """(role, reason) of one measurement row; ``gpus`` and ``models`` are the catalog's ids
    (a row on anything else cannot be predicted), ``dup`` the ids :func:`duplicates` found.
    A row of a GPU of :data:`LATE_GPUS` that the rules below would fit or hold out is external."""
    r, why = _role(row, gpus, models, dup)
    if r in ("fit", "holdout", "unfitted") and row.get("gpu") in LATE_GPUS:
        return "external", (f"{LATE_GPUS_NAME}: {row['gpu']} was added to the catalog on 2026-12-01, "
                            "after every fit; never fitted")
    return r, why


def _role(row: dict[str, str], gpus: Sequence[str], models: Sequence[str],
          dup: set[str] | frozenset[str]) -> tuple[str, str]:
    s = row.get("source_set", "")
    if row.get("id") in dup:
        return "excluded", "duplicate: the 99.9 row of the same run as the 99 row"
    if row.get("power_setting", "").lower() == "maxq":
        return "excluded", "power-capped (MaxQ): power limits are not modelled"
    if "mixed" in row.get("precision", ""):
        return "excluded", "preview system with mixed precision on selected layers"
    if not row.get("tokens_per_s"):
        return "excluded", "no whole-deployment throughput (per-GPU figure only)"
    if not row.get("gpu") or (gpus and row["gpu"] not in gpus):
        return "excluded", f"GPU {row.get('gpu') or 'not stated'} is not in the catalog"
    if models and row.get("model") not in models:
        return "excluded", f"model {row.get('model')} is not in the catalog"
    if not row.get("tp"):
        return "excluded", "layout (tensor/pipeline split) not published"
    if s.startswith("lmsys-") or "decode-only" in row.get("benchmark", ""):
        return "excluded", "decode pool of a disaggregated deployment (prefill on other nodes)"
    if row.get("engine") == "other":
        return "excluded", "closed engine (LLMBoost): no profile"
    if s.startswith("dstack-bench") and row.get("gpus_total") == "8" and row.get("tp") == "4":
        return "excluded", "2x TP4 on 8x MI300X: every figure equals the 4x MI300X run's (one replica's, not the node's)"
    own = own_time_profile(row)
    if own is not None and s == NEWER_VERSIONS_NAME:  # SGLang 0.5.12's ROCm runs: its own split
        if row.get("gpu") == V0512_HOLDOUT_GPU:
            return "holdout", f"{V0512_HOLDOUT_NAME}: MI325X, a GPU {own}'s fit does not see"
        return "fit", f"fit-eligible for {own} (runs of its own time), not held out"
    newer = newer_version_profile(row)
    if newer is not None:
        return "external", (f"{NEWER_VERSIONS_NAME}: {row.get('engine_version', '').split(' (')[0]}, newer than "
                            f"{newer}'s version; never fitted")
    if own is not None:
        if row.get("gpu") in OWN_TIME_HOLDOUT_GPUS:
            return "external", f"{OWN_TIME_HOLDOUT_GPUS[row['gpu']]}: a GPU no profile was fitted on"
        if float(row.get("osl") or 0) > float(row.get("isl") or 0):
            return "holdout", f"{OWN_TIME_HOLDOUT_NAME}: 1k-token prompts, 8k-token answers"
        return "fit", f"fit-eligible for {own} (runs of its own time), not held out"
    if _v10_experts_fp4(row):
        if row.get("model") in V10_HOLDOUT_MODELS:
            return "holdout", f"{V10_HOLDOUT_NAME}: model held out of trtllm@v1.0's expert and FP4 fit"
        return "fit", "TensorRT-LLM v1.0 table, mixture-of-experts or B200 FP4: fits trtllm@v1.0's expert and FP4 factors"
    if row.get("split") != "fit-eligible":
        return "external", "published after the fit cutoff (MLPerf v5.0+ or an engine document of 2025-04 or later)"
    # the named held-out split
    if _mlperf(row) and row.get("submitter") not in CHIP_VENDORS:
        return "holdout", f"{HOLDOUT_NAME}: MLPerf partner submission ({row.get('submitter')})"
    if s.startswith("trtllm-perf-overview") and row.get("model") in HOLDOUT_TABLE_MODELS:
        return "holdout", f"{HOLDOUT_NAME}: model held out of the TensorRT-LLM table fit"
    if s.startswith("dstack-bench") and row.get("gpu") == "mi300x" and (
            row.get("tp") == "4" or "0.6.3.dev109" in row.get("engine_version", "")):
        return "holdout", f"{HOLDOUT_NAME}: MI300X TP4 or older vLLM ROCm build"
    if s.startswith("dstack-deepseek") and row.get("gpu") == "mi300x":
        return "holdout", f"{HOLDOUT_NAME}: DeepSeek-R1 on MI300X"
    if s.startswith("dstack-tgi-vs-vllm"):
        return "holdout", f"{HOLDOUT_NAME}: dstack TGI-vs-vLLM source held out whole"
    if s.startswith("datacrunch-") and row.get("model") == "llama-3.1-405b-instruct":
        return "holdout", f"{HOLDOUT_NAME}: DataCrunch SGLang Llama 3.1 405B rows"
    if s.startswith("augmxnt-") and row.get("max_batch") == "1024":
        return "holdout", f"{HOLDOUT_NAME}: AUGMXNT vLLM --max-num-seqs 1024 sweep"
    if s in NOT_ADOPTED:
        return "unfitted", NOT_ADOPTED[s]
    return "fit", "fit-eligible, not held out"


def profile_for(row: dict[str, str]) -> str:
    """The engine profile id that predicts ``row`` (dated where the measurement is)."""
    s, e = row.get("source_set", ""), row.get("engine", "")
    own = own_time_profile(row) or newer_version_profile(row)
    if own is not None:
        return own
    if e == "trtllm":
        if s == "mlperf-v4.1":
            return "trtllm@mlperf-v4.1"
        if s in ("trtllm-perf-overview-v0.13", "trtllm-perf-overview-v0.14"):
            return "trtllm@v0.14"
        return LATEST["trtllm"]
    return LATEST.get(e, e)
