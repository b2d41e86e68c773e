"""Accuracy of the fitted engine profiles on published runs (tests/data/selfhost_measurements.csv):
the data is facts with sources, the held-out split is the named one, nothing external is
fitted, and loose regression guards on the errors (the full tables:
benchmarks/calibration_report.py; no timing here)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import selfhost_calibration as sc  # noqa: E402

from tco.engine.selfhost import calibration as cal  # noqa: E402
from tco.engine.selfhost import measurements as meas  # noqa: E402


@pytest.fixture(scope="module")
def data(catalog) -> sc.Data:
    return sc.load(catalog)


@pytest.fixture(scope="module")
def comps(data) -> list:
    return cal.comparisons(data.points)


def test_every_row_is_a_sourced_fact() -> None:
    rows = sc.read_csv(sc.MEASUREMENTS)
    # 2366 + 201 InferenceMAX sweep points (external-test, 2026-11-30; 9 on MI355X) + 92 InferenceX points of
    # 2026-02..06 (external-test, engine versions newer than every profile; 16 on B300, in the catalog since 2026-12-01)
    assert len(rows) == 2659
    assert all(r["source"] and r["split"] in ("fit-eligible", "external-test") for r in rows)
    assert all(r["tokens_per_s"] or "per-GPU" in r["note"] or "blank" in r["note"] for r in rows)
    # MLPerf v4.1 is fit-eligible, v5.1 external; engine posts from 2025-04 on are external
    assert {r["split"] for r in rows if r["source_set"] == "mlperf-v4.1"} == {"fit-eligible"}
    assert {r["split"] for r in rows if r["source_set"] == "mlperf-v5.1"} == {"external-test"}
    assert all(r["split"] == "external-test" for r in rows if r["publication_date"] >= meas.FIT_CUTOFF)


def test_the_named_holdout_split(data) -> None:
    role = {(p.row.get("source_set"), p.row.get("submitter"), p.row.get("system"), p.row.get("scenario"),
             p.row.get("benchmark")): p.row["role"] for p in data.points}
    key = ("mlperf-v4.1", "NVIDIA", "DGX-H100_H100-SXM-80GBx8_TRT", "offline", "llama2-70b-99")
    assert role[key] == "fit"
    assert role[("mlperf-v4.1", "Dell", "XE9680_H100_SXM_80GBx8_TRT", "offline", "llama2-70b-99")] == "holdout"
    assert all(p.row["role"] == "external" for p in data.points if p.row.get("source_set") == "mlperf-v5.1")
    assert all(p.row["role"] == "holdout" for p in data.points if p.row.get("model") == "mixtral-8x22b-instruct"
               and p.row.get("source_set", "").startswith("trtllm-perf-overview-v0.1"))
    # added 2026-11-30 (split named before the refit): dstack's TGI-vs-vLLM runs held out whole, DataCrunch's
    # SGLang 405B rows held out and its 70B rows fitted
    assert {p.row["role"] for p in data.points if p.row.get("source_set") == "dstack-tgi-vs-vllm-2024-10"} == {"holdout"}
    dc = [p for p in data.points if p.row.get("source_set") == "datacrunch-h200-sglang-2024-12"]
    assert {p.row["role"] for p in dc if p.row["model"] == "llama-3.1-405b-instruct"} == {"holdout"}
    assert {p.row["role"] for p in dc if p.row["model"] == "llama-3.3-70b-instruct"} == {"fit"}
    # added 2026-11-30 (named before the vLLM refit): AUGMXNT's --max-num-seqs 1024 sweep held out whole,
    # its default and 2048 sweeps fit-eligible but not fitted (the refit was not adopted: "unfitted");
    # its Hermes 3 rows are not scored (model not in the catalog)
    ax = [p for p in data.points if p.row.get("source_set") == "augmxnt-mi300x-vllm-2024-10"]
    assert len(ax) == 36 and {p.row["model"] for p in ax} == {"llama-3.1-405b-instruct"}
    assert {p.row["role"] for p in ax if p.row["max_batch"] == "1024"} == {"holdout"}
    assert {p.row["role"] for p in ax if p.row["max_batch"] != "1024"} == {"unfitted"}
    assert sum(p.row["role"] == "holdout" for p in ax) == 12
    # the 99.9 run that repeats a 99 run is one run: scored once
    skipped = {r["id"] for r, why in data.skipped if why.startswith("duplicate")}
    assert len(skipped) >= 100
    assert meas.HOLDOUT_NAME == "partners-and-models" and "NVIDIA and AMD" in meas.HOLDOUT


def test_fits_only_ever_see_fit_rows(data) -> None:
    own = meas.OWN_TIME_PROFILES
    assert own == {"vllm@0.13", "trtllm@v1.2", "sglang@0.5", "sglang@0.5-rocm", "sglang@0.5.12-rocm"}
    for prof, stages in sc.FIT_PLAN.items():
        for _, where, _ in stages:
            pts = sc.fit_points(data, prof, where)
            assert pts and all(p.row["role"] == "fit" and p.row["profile"] == prof for p in pts)
            if prof in own:  # engine versions of December 2025 and 2026: only runs of their own time
                want = {k for k, rules in meas.OWN_TIME.items() if any(p_ == prof for _, _, p_ in rules)}
                assert {p.row["source_set"] for p in pts} == want and all(meas.own_time_profile(p.row) == prof
                                                                          for p in pts), prof
            else:  # nothing published after the cutoff (MLPerf v5.0+, 2025-04+ posts) ever fits them, but
                # TensorRT-LLM v1.0's own tables fit its profile's expert and FP4 factors
                late = {p.row["source_set"] for p in pts if p.row.get("split") == "external-test"}
                assert late == ({meas.V10_TABLES} if prof == "trtllm@v1.0" and where is not None else set()), prof
    # MLPerf v5.0 and later fit no profile at all
    assert not any(p.row["role"] == "fit" for p in data.points if p.row.get("source_set", "").startswith("mlperf-v5"))


def test_trtllm_v1_0_fits_its_own_tables_experts_and_fp4_on_a_named_split(data) -> None:
    """The v1.0 tables' MoE and B200 FP4 rows: Maverick, Qwen3-235B and Llama 3.3 70B FP4 fit (57), Scout,
    Qwen3-30B, DeepSeek-R1 and 405B FP4 are held out (50); their dense FP8 rows stay external (18), and
    the stage fits only the factors those rows inform. The split's list of MoE models is the catalog's. The rows
    of the GPUs added on 2026-12-01 (RTX PRO 6000 105 and GB200 27, FP4) are external, never in that fit."""
    v10 = [p for p in data.points if p.row.get("source_set") == meas.V10_TABLES]
    assert {p.row["model"] for p in v10 if p.dep.model.is_moe} == meas.V10_MOE_MODELS
    late = [p for p in v10 if p.row["gpu"] in meas.LATE_GPUS]
    assert len(late) == 132 and {p.row["gpu"] for p in late} == {"rtx-pro-6000-blackwell", "gb200"}
    assert {p.row["role"] for p in late} == {"external"} and all(meas.LATE_GPUS_NAME in p.row["role_reason"]
                                                                 for p in late)
    v10 = [p for p in v10 if p.row["gpu"] not in meas.LATE_GPUS]
    role = {}
    for p in v10:
        role.setdefault(p.row["role"], set()).add(p.row["model"])
    assert role == {"fit": {"llama-4-maverick", "qwen3-235b-a22b", "llama-3.3-70b-instruct"},
                    "holdout": {"llama-4-scout", "qwen3-30b-a3b", "deepseek-r1-0528", "llama-3.1-405b-instruct"},
                    "external": {"llama-3.3-70b-instruct"}}
    assert [sum(p.row["role"] == r for p in v10) for r in ("fit", "holdout", "external")] == [57, 50, 18]
    assert all(p.row["precision"] == "fp4" for p in v10 if p.row["model"] == "llama-3.3-70b-instruct"
               and p.row["role"] == "fit")
    assert meas.V10_HOLDOUT_NAME in next(p for p in v10 if p.row["role"] == "holdout").row["role_reason"]
    ((_, _, names),) = sc.FIT_PLAN["trtllm@v1.0"]
    assert names == ["moe_few_tokens_efficiency", "moe_half_tokens", "fp4_compute_factor"]


def test_fitted_models_and_gpus_are_those_of_the_fit_rows(data) -> None:
    from tco.catalog.hardware import load_hardware

    hw = load_hardware(sc.ROOT / "pricing" / "hardware")
    seen: dict[str, set[str]] = {}
    gpus: dict[str, set[str]] = {}
    for p in data.points:
        if p.row["role"] == "fit":
            seen.setdefault(p.row["profile"], set()).add(p.dep.model.id)
            gpus.setdefault(p.row["profile"], set()).add(p.dep.gpu.id)
    for e in hw.engines.values():
        assert set(e.fitted_models) == seen[e.id], e.id
        if e.id in meas.OWN_TIME_PROFILES:
            assert set(e.fitted_gpus) == gpus[e.id], e.id
    # the concurrency the fit saw, per GPU and precision where the profile says: the most of its fit rows there
    # (sglang@0.5.12-rocm: MI300X FP8 to 64 clients, MI355X FP8 to 32, MXFP4 to 16); a GPU it did not see
    # (MI325X) takes the profile's figure
    most: dict[tuple[str, str, str], int] = {}
    for p in data.points:
        if p.row["role"] == "fit" and p.row.get("concurrency"):
            key = (p.row["profile"], p.dep.gpu.id, p.dep.precision)
            most[key] = max(most.get(key, 0), int(float(p.row["concurrency"])))
    for e in hw.engines.values():
        for key in e.fitted_max_sequences_on:
            gpu, _, prec = key.partition("/")
            assert e.max_sequences_on(gpu, prec) == max(n for (pr, g, pc), n in most.items()
                                                        if pr == e.id and g == gpu and (not prec or pc == prec)), key
    e = hw.engines["sglang@0.5.12-rocm"]
    assert [e.max_sequences_on(g, p) for g, p in (("mi300x", "fp8"), ("mi355x", "fp8"), ("mi355x", "fp4"),
                                                  ("mi325x", "fp8"))] == [64, 32, 16, 64]


def test_the_2026_profiles_hold_out_their_named_split(data) -> None:
    imax = [p for p in data.points if p.row.get("source_set") == "inferencemax-2025-12"]
    assert len(imax) == 201
    # MI355X's 9 runs (a GPU no profile saw) are external; of the rest a third, 1k prompts and 8k answers, are
    # never fitted, and every other run fits its version's profile
    assert [p.row["role"] for p in imax if p.row["gpu"] == "mi355x"] == ["external"] * 9
    imax = [p for p in imax if p.row["gpu"] != "mi355x"]
    held = [p for p in imax if p.row["role"] == "holdout"]
    assert len(held) == 64 and all(float(p.row["osl"]) > float(p.row["isl"]) for p in held)
    assert all(p.row["role"] == "fit" for p in imax if float(p.row["osl"]) <= float(p.row["isl"]))
    assert meas.OWN_TIME_HOLDOUT_NAME in held[0].row["role_reason"] and "first choice" in meas.OWN_TIME_HOLDOUT
    prof = {(p.row["engine"], "rocm" in p.row["engine_version"]): p.row["profile"] for p in imax}
    assert prof == {("vllm", False): "vllm@0.13", ("trtllm", False): "trtllm@v1.2", ("sglang", False): "sglang@0.5",
                    ("sglang", True): "sglang@0.5-rocm"}
    # the bare names keep the profiles fitted on many models (the 2026 ones saw one model each)
    assert meas.LATEST == {"trtllm": "trtllm@v1.0", "vllm": "vllm@0.6", "sglang": "sglang@0.4", "lmdeploy": "lmdeploy@0.2"}


def test_newer_engine_versions_are_external_tests_of_the_newest_older_profile(data) -> None:
    """InferenceX's runs of 2026-02..06 (SGLang 0.5.9/0.5.12, TensorRT-LLM 1.2.0rc6/1.3.0rc14) are never fitted by
    an older profile: external, predicted by the newest profile of the same engine and build older than their
    version; except SGLang 0.5.12's ROCm runs, which fit a profile of their own (sglang@0.5.12-rocm), MI325X held
    out (split inferencex-2026-mi325x, fixed before that fit)."""
    rows = [r for r in sc.read_csv(sc.MEASUREMENTS) if r["source_set"] == meas.NEWER_VERSIONS_NAME]
    assert len(rows) == 92 and {r["model"] for r in rows} == {"deepseek-r1-0528"}
    assert all(r["split"] == "external-test" and r["publication_date"] >= "2026-02-01" for r in rows)
    own = {r["id"] for r in rows if meas.own_time_profile(r) is not None}
    assert len(own) == 24 and all("0.5.12-rocm" in rows_r["engine_version"]
                                  for rows_r in rows if rows_r["id"] in own)
    for r in rows:
        role, why = meas.role(r, [a for a in data.accelerators], list(data.shapes))
        if r["id"] in own:
            assert (role == "holdout") == (r["gpu"] == "mi325x") and role in ("fit", "holdout"), (r["id"], role)
            assert role == "fit" or meas.V0512_HOLDOUT_NAME in why
        else:
            assert role == "external" and meas.NEWER_VERSIONS_NAME in why, (r["id"], role, why)
    prof = {(r["engine"], r["engine_version"].split(" (")[0], "rocm" in r["engine_version"]): meas.profile_for(r)
            for r in rows}
    assert prof == {("sglang", "SGLang 0.5.9", False): "sglang@0.5", ("sglang", "SGLang 0.5.12", False): "sglang@0.5",
                    ("sglang", "SGLang 0.5.9", True): "sglang@0.5-rocm",
                    ("sglang", "SGLang 0.5.12", True): "sglang@0.5.12-rocm",
                    ("trtllm", "TensorRT-LLM 1.2.0rc6.post2", False): "trtllm@v1.2",
                    ("trtllm", "TensorRT-LLM 1.3.0rc14", False): "trtllm@v1.2"}
    pts = [p for p in data.points if p.row.get("source_set") == meas.NEWER_VERSIONS_NAME]
    assert len(pts) == 92  # 76 until 2026-12-01, when B300 (16 runs) entered the catalog
    assert {(p.row["role"], p.row["profile"]) for p in pts if p.row["gpu"] == "b300"} == {("external", "sglang@0.5")}
    assert {p.row["role"] for p in pts if p.row["id"] not in own} == {"external"}
    assert sorted(p.row["role"] for p in pts if p.row["id"] in own).count("holdout") == 4
    for prof_id, stages in sc.FIT_PLAN.items():  # in no fit of any profile but its own
        for _, where, _ in stages:
            fitted = sc.fit_points(data, prof_id, where)
            assert all(p.row["id"] in own and prof_id == "sglang@0.5.12-rocm" and p.row["gpu"] != "mi325x"
                       for p in fitted if p.row.get("source_set") == meas.NEWER_VERSIONS_NAME)


def test_rows_of_the_gpus_added_on_2026_12_01_are_external_tests(data) -> None:
    """The GPUs added to the catalog on 2026-12-01 (measurements.LATE_GPUS): their rows, excluded until then, are
    scored as external tests, and none enters any fit, though some are fit-eligible by date (the A100 PCIe rows of
    TensorRT-LLM's v0.14 tables, 2024-11) or would fall in trtllm@v1.0's FP4 fit (the v1.0 tables' RTX PRO 6000
    and GB200 rows). GH200's 85 rows of the v0.13 tables stay out: the column 'GH200 120GB' does not say which HBM
    variant ran (the catalog has the 96 GB and 144 GB superchips)."""
    from collections import Counter

    late = [p for p in data.points if p.row.get("gpu") in meas.LATE_GPUS]
    assert {p.row["role"] for p in late} == {"external"}
    rows = {p.row["id"]: p.row["gpu"] for p in late}
    assert Counter(rows.values()) == {"a100-pcie-80gb": 67, "rtx-pro-6000-blackwell": 111, "gb200": 39, "gb300": 2,
                                      "b300": 16}
    r = next(p.row for p in late if p.row["gpu"] == "a100-pcie-80gb" and p.row["model"] == "llama-3.1-8b-instruct")
    assert r["split"] == "fit-eligible" and meas.role(r, ["a100-pcie-80gb"])[0] == "external"
    assert meas.role(dict(r, gpu="a100-sxm-80gb"), ["a100-sxm-80gb"])[0] == "fit"  # the same row on an old GPU
    for prof, stages in sc.FIT_PLAN.items():
        for _, where, _ in stages:
            assert not any(p.row.get("gpu") in meas.LATE_GPUS for p in sc.fit_points(data, prof, where)), prof
    assert Counter(why for _, why in data.skipped)["GPU gh200 is not in the catalog"] == 85


def _stats(comps, **want) -> dict:
    def ok(c) -> bool:
        p = c[0]
        return all((p.row.get(k) == v if k != "group" else _group(p) == v) for k, v in want.items() if k != "metric") \
            and c[1] == want.get("metric", "output_tok_s")
    sel = [c for c in comps if ok(c)]
    assert sel, want
    return cal.summary(sel)


def _group(p) -> str:
    return "offline" if p.kind == "offline" or (p.kind == "online" and not np.isfinite(p.offered_qps)) else "server"


@pytest.mark.parametrize(("want", "median", "worst"), [
    # loose guards, well above today's errors (docs/selfhost-model.md section 8 has the figures)
    (dict(profile="trtllm@v0.14", role="holdout"), 0.12, 2.0),
    (dict(profile="trtllm@v0.14", role="fit"), 0.12, 2.6),
    (dict(profile="trtllm@mlperf-v4.1", role="holdout", group="server"), 0.12, 2.0),
    (dict(profile="trtllm@mlperf-v4.1", role="holdout", group="offline"), 0.15, 2.0),
    # trtllm@v1.0's held-out tables: the dense rows and Mixtral (13 % / 2.93x over all 397 rows today; the
    # Mixtral tables 21 % / 2.93x since its experts' efficiency depends on their tokens, 20 % / 1.52x before)
    # and its own v1.0 tables' MoE and FP4 rows held out of that fit (18 % / 1.79x; 56 % / 3.79x before)
    (dict(profile="trtllm@v1.0", role="holdout", group="offline"), 0.16, 3.0),
    (dict(profile="trtllm@v1.0", role="holdout", source_set="trtllm-perf-overview-v1.0"), 0.22, 2.0),
    (dict(profile="trtllm@v1.0", role="external", group="offline"), 0.16, 2.5),
    (dict(profile="vllm@0.6", role="fit", group="offline"), 0.40, 3.0),
    # SGLang dense (DataCrunch, H200): 70B fitted, 405B held out (6 % / 1.14x today)
    (dict(profile="sglang@0.4", source_set="datacrunch-h200-sglang-2024-12", role="holdout"), 0.12, 1.5),
    (dict(profile="sglang@0.4", source_set="datacrunch-h200-sglang-2024-12", role="fit"), 0.15, 1.5),
    # DeepSeek-R1 on MI300X with SGLang 0.4.2 ROCm, requests all at once: 36 % / 1.99x since 2026-11-30
    # (19 % before: its batches of 512-1,024 requests are 1.6-2x optimistic there; docs section 9, SGLang)
    (dict(profile="sglang@0.4", role="holdout", group="offline"), 0.42, 2.6),
    # the December 2025 versions on their held-out runs (inferencemax-1k8k; 4-10 % / 1.13-1.32x today, 9-22 % /
    # 1.25-1.82x before the 2026-11-30 refit; the profiles they replace for these runs 41-53 % / 2.5-3.5x): the
    # issue's target, 10 % and 1.5x, is the guard (vLLM's 9.9 % with half a point of room for refits)
    (dict(profile="vllm@0.13", role="holdout"), 0.105, 1.5),
    (dict(profile="trtllm@v1.2", role="holdout"), 0.10, 1.5),
    (dict(profile="sglang@0.5", role="holdout"), 0.10, 1.5),
    (dict(profile="sglang@0.5-rocm", role="holdout"), 0.10, 1.5),
    # MI355X, a GPU no profile saw (external; 42 % / 1.86x today, 1.4-1.9x pessimistic: its launch script adds
    # AITER attention and torch.compile)
    (dict(profile="sglang@0.5-rocm", role="external", gpu="mi355x", source_set="inferencemax-2025-12"), 0.60, 3.0),
    # the GPUs added on 2026-12-01, external (docs section 9): A100 PCIe 18 % / 1.67x (optimistic), RTX PRO 6000
    # 25 % / 2.29x and GB200 17 % / 1.62x offline (pessimistic), B300 with SGLang 0.5.9/0.5.12 9 % / 1.54x
    (dict(profile="trtllm@v0.14", role="external", gpu="a100-pcie-80gb"), 0.25, 2.0),
    (dict(profile="trtllm@v1.0", role="external", gpu="rtx-pro-6000-blackwell", group="offline"), 0.32, 2.8),
    (dict(profile="trtllm@v1.0", role="external", gpu="gb200", group="offline"), 0.25, 2.0),
    (dict(profile="sglang@0.5", role="external", gpu="b300"), 0.15, 2.0),
])
def test_throughput_errors_stay_within_guards(comps, want: dict, median: float, worst: float) -> None:
    s = _stats(comps, **want)
    assert s["median_abs_error"] <= median, s
    assert s["worst_factor"] <= worst, s


def test_mlperf_p99_latencies_are_predicted(comps) -> None:
    s = _stats(comps, profile="trtllm@mlperf-v4.1", role="fit", metric="tpot_p99_ms")
    assert s["points"] >= 5 and s["median_abs_error"] <= 0.35
    s = _stats(comps, profile="trtllm@mlperf-v4.1", role="holdout", metric="ttft_p99_ms")
    assert s["points"] >= 20 and s["worst_factor"] <= 8.0


def test_fitted_mlperf_input_lengths_are_within_the_dataset_filters() -> None:
    from tco.engine.selfhost import measured

    for fam, isl in measured.FITTED_ISL.items():
        lo, hi = measured.MLPERF_DATASETS[fam]["isl_bounds"]
        assert lo <= isl <= hi


def test_mi355x_december_runs_are_never_fitted(comps) -> None:
    """MI355X's InferenceMAX runs (added with the GPU on 2026-11-30) test the ROCm profile on a GPU it
    did not see: every one is external, none fits a December 2025 profile, and the profile's MI355X figures
    are reported as pessimistic (measured throughput 1.4-1.9x the predicted). Its 2026 runs with SGLang 0.5.12
    fit sglang@0.5.12-rocm; those with 0.5.9 stay external."""
    rows = [c for c in comps if c[0].row.get("gpu") == "mi355x"]
    assert len({c[0].row["id"] for c in rows if c[0].row["source_set"] == "inferencemax-2025-12"}) == 9
    assert len({c[0].row["id"] for c in rows if c[0].row["source_set"] == meas.NEWER_VERSIONS_NAME}) == 18
    old = [c for c in rows if c[0].row["profile"] == "sglang@0.5-rocm"]
    assert {c[0].row["role"] for c in old} == {"external"} and len({c[0].row["id"] for c in old}) == 9 + 8
    new = [c for c in rows if c[0].row["profile"] == "sglang@0.5.12-rocm"]
    assert {c[0].row["role"] for c in new} == {"fit"} and len({c[0].row["id"] for c in new}) == 10
    s = _stats(comps, profile="sglang@0.5-rocm", role="external", gpu="mi355x", source_set="inferencemax-2025-12")
    assert s["bias"] < 0.8, s
