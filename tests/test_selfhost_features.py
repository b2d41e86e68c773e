"""What 2025 deployments switch on, in the self-hosting model: mixture-of-experts (expert
kernels, expert parallelism, MLA), prefix caching, speculative decoding, chunked prefill, FP4
on Blackwell, and tensor-parallel groups spanning nodes. Hand arithmetic in the docstrings."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from tco.catalog.hardware import accelerator_params, engine_params, load_hardware, model_shape
from tco.cli import main
from tco.engine import selfhost as sh
from tco.engine.selfhost.inputs import _consts

ROOT = Path(__file__).resolve().parent.parent
HW = load_hardware(ROOT / "pricing" / "hardware")


def dep(catalog, model: str, gpu: str = "h100-sxm-80gb", precision: str = "fp8", **kw) -> sh.Deployment:
    return sh.Deployment(model=model_shape(catalog.model(model)), gpu=accelerator_params(HW.accelerator(gpu)),
                         engine=engine_params(HW.engine("trtllm")), precision=precision, **kw)


def test_deepseek_expert_parallel_memory_by_hand(catalog) -> None:
    """DeepSeek-R1 FP8: 671 B parameters, 37 B active, 256 routed experts of which 8 per token:
    one routed expert (all layers) = (671 - 37) / 248 = 2.5565 B; routed experts 654.45 B.
    Weights: (671 B - 1.853 B embeddings) x 1 B + 1.853 B x 2 B (BF16 embeddings) = 672.85 GB,
    of which dense (attention, shared expert, embeddings) 18.40 GB. TP8 splits everything:
    672.85 / 8 = 84.11 GB per GPU; EP8 (attention data-parallel) replicates the dense part:
    18.40 + 654.45 / 8 = 100.21 GB per GPU. MLA KV, FP8: 61 layers x 576 = 35,136 B per token,
    held whole by every TP rank, split 8 ways with data-parallel attention."""
    d = dep(catalog, "deepseek-r1", "h200-141gb", gpus=8)
    tp8 = sh.memory_fit(d, 8, 1000, 1000)
    ep8 = sh.memory_fit(d, 8, 1000, 1000, ep=8)
    assert float(tp8.weights_per_gpu_gb) == pytest.approx(84.11, abs=0.01)
    assert float(ep8.weights_per_gpu_gb) == pytest.approx(100.21, abs=0.01)
    assert tp8.kv_bytes_per_token == 61 * 576 == 35_136
    free8, free_ep = float(tp8.free_per_gpu_gb) * 1e9, float(ep8.free_per_gpu_gb) * 1e9
    assert float(tp8.kv_capacity_tokens) == pytest.approx(free8 * 0.95 / 35_136, abs=1)
    assert float(ep8.kv_capacity_tokens) == pytest.approx(free_ep * 0.95 / (35_136 / 8), abs=1)
    # more room for KV: expert parallelism serves more at once
    assert float(sh.max_throughput(d, 8, 1000, 1000, ep=8)[0]) > float(sh.max_throughput(d, 8, 1000, 1000)[0])


def test_expert_kernel_penalty_only_touches_expert_flops(catalog) -> None:
    """moe_efficiency e divides the routed experts' FLOPs: per token 2 x 8 x 2.5565 B = 40.9 GFLOP
    of Deepseek's 2 x (37 B - 0.93 B) = 72.1 GFLOP become 40.9 / e."""
    d = dep(catalog, "deepseek-r1", "h200-141gb", gpus=8)
    c = _consts(d)
    assert c.flops_expert == pytest.approx(2 * 8 * (671e9 - 37e9) / 248)
    slow = replace(d, engine=replace(d.engine, moe_efficiency=0.5))
    base, pen = sh.step_time(d, 8, 512, 1000, 1000), sh.step_time(slow, 8, 512, 1000, 1000)
    assert float(pen.compute) > float(base.compute) and float(pen.memory) == float(base.memory)
    dense = dep(catalog, "llama-3.1-70b-instruct", gpus=2)
    assert float(sh.step_time(replace(dense, engine=replace(dense.engine, moe_efficiency=0.5)), 2, 64, 1000, 1000).tpot) \
        == float(sh.step_time(dense, 2, 64, 1000, 1000).tpot)  # a dense model has no expert kernels


def test_prompt_experts_are_read_in_the_iterations_that_carry_the_prompt(catalog) -> None:
    """DeepSeek-R1 (256 routed experts, 8 per token), 4 sequences decoding 921-token answers after
    921-token prompts (no chunking): a prompt arrives every 921 / 4 iterations, so f = 4 / 921 of
    the iterations carry one whole prompt and read nearly every expert (256 (1 - (248/256)^925)
    = 256.0); the rest read what 4 decode tokens touch, 256 (1 - 0.88074) = 30.53.
    Expected per iteration: (1 - 0.004343) x 30.53 + 0.004343 x 256.0 = 31.51 experts. The
    tokens averaged first would give 256 (1 - (248/256)^8) = 57.42. When a piece arrives in
    every iteration (f >= 1), the mixture is the union of the averaged tokens, as before."""
    from tco.engine.selfhost.throughput import _prompt_mix, _touched

    c = _consts(dep(catalog, "deepseek-r1", "h200-141gb", gpus=8))
    assert float(_touched(c, 4)) == pytest.approx(30.53, abs=0.01)
    assert float(_touched(c, 8)) == pytest.approx(57.42, abs=0.01)

    def experts_read(cc, mb: float, isl: float, osl: float) -> float:
        f, n = (float(x) for x in _prompt_mix(cc, mb, isl, osl))
        return (1 - f) * float(_touched(cc, mb)) + f * float(_touched(cc, mb + n * isl))

    f, n = _prompt_mix(c, 4.0, 921.0, 921.0)
    assert float(f) == pytest.approx(4 / 921) and float(n) == pytest.approx(1.0)
    mixed = experts_read(c, 4.0, 921.0, 921.0)
    assert mixed == pytest.approx((1 - 4 / 921) * 30.531 + 4 / 921 * 256.0, abs=0.01)
    assert mixed == pytest.approx(31.51, abs=0.01)
    # 600 sequences of 921-token answers: 600 prompt tokens per iteration, 0.65 of a prompt: f = 0.651
    busy = experts_read(c, 600.0, 921.0, 921.0)
    assert busy == pytest.approx(600 / 921 * float(_touched(c, 600 + 921)) + (1 - 600 / 921) * float(_touched(c, 600)),
                                 rel=1e-9)
    # chunks of 512 tokens: 4 prompt tokens per iteration arrive as a 512-token piece in f = 4 / 512 of them
    chunked = _consts(dep(catalog, "deepseek-r1", "h200-141gb", gpus=8,
                          features=sh.Features(chunked_prefill=512)))
    f = 4.0 / 512.0
    assert experts_read(chunked, 4.0, 921.0, 921.0) == pytest.approx(
        (1 - f) * 30.531 + f * float(_touched(chunked, 4 + 512)), abs=0.01)
    # every iteration carries prompt tokens (4 x 921 / 1.842 = 2,000 a step): the union of decode and prompt
    # tokens, as the averaged form had it
    assert float(_prompt_mix(c, 4.0, 921.0, 1.842)[0]) == 1.0
    assert experts_read(c, 4.0, 921.0, 1.842) == pytest.approx(float(_touched(c, 2004.0)), rel=1e-9)
    # a small DeepSeek batch reads about half the expert weights it was charged before
    st = sh.step_time(dep(catalog, "deepseek-r1", "h200-141gb", gpus=8), 8, 4, 921, 921)
    expert_gb = c.expert_bytes_per_expert * 31.51 / 8 / 1e9
    assert float(st.memory) * c.bw / 1e9 == pytest.approx(c.dense_bytes / 8 / 1e9 + expert_gb
                                                          + 4 * (921 + 460.5) * 35_136 / 1e9, rel=0.01)


def test_prefix_cache_skips_prefill(catalog) -> None:
    """With 80 % of the prompt cached, prefill computes 20 % of the linear work and the new
    tokens attend to everything before them: 1 - 0.8^2 = 36 % of the attention work; the TP2
    all-reduces carry 800 instead of 4,000 tokens: 160 x 3,200 x 8,192 x 2 B x (2 x 1/2) /
    (450 GB/s x 0.7) = 26.6 ms less."""
    d = dep(catalog, "llama-3.1-70b-instruct", gpus=2)
    hit = replace(d, features=sh.Features(prefix_cache_hit=0.8))
    c = _consts(d)
    i = 4000
    full = i * c.flops_linear + c.attn_coef * 0.5 * i * i
    cached = 0.2 * i * c.flops_linear + c.attn_coef * 0.5 * i * i * 0.36
    t_full, t_hit = float(sh.prefill_time(d, 2, i)), float(sh.prefill_time(hit, 2, i))
    assert t_hit < t_full
    comp = lambda f: f / (2 * c.peak * c.prefill_eff)  # noqa: E731 - compute-bound prefill on the TP2 group
    ring = 160 * 3200 * 8192 * 2 / (450e9 * 0.7)
    assert ring == pytest.approx(0.0266, abs=1e-4)
    assert t_full - t_hit == pytest.approx(comp(full) - comp(cached) + ring, rel=1e-6)


def test_speculative_decoding_tokens_per_step_by_hand(catalog) -> None:
    """k = 3 draft tokens accepted with a = 0.7: (1 - 0.7^4) / (1 - 0.7) = 0.7599 / 0.3 = 2.533
    tokens per step; a step verifies 4 tokens per sequence and pays 3 x 0.05 for drafting."""
    f = sh.Features(spec_tokens=3, spec_acceptance=0.7, spec_draft_cost=0.05)
    assert f.tokens_per_step == pytest.approx(2.533, abs=1e-9)
    d = dep(catalog, "llama-3.1-70b-instruct", gpus=2)
    s = replace(d, features=f)
    one = sh.step_time(s, 2, 1, 1000, 1000)
    assert float(one.tpot) == pytest.approx(float(one.step) / 2.533, rel=1e-9)
    assert float(one.tpot) < float(sh.step_time(d, 2, 1, 1000, 1000).tpot)  # memory-bound batch 1: a gain
    assert sh.roofline_tokens_per_s(s, 2, 1, 1000, 1000) >= float(1 / one.tpot)


def test_fp4_on_blackwell_uses_the_fp4_peak(catalog) -> None:
    """B200: 9,000 dense FP4 TFLOPS (NVIDIA's Blackwell datasheet via aiconfigurator); NVFP4
    weights are 4.5 bits = 0.5625 B per parameter; a Hopper chip runs FP4 weights at its FP8 peak."""
    b200 = accelerator_params(HW.accelerator("b200"))
    assert b200.peak_tflops("fp4") == 9000 and b200.compute_precision("fp4") == "fp4"
    h100 = accelerator_params(HW.accelerator("h100-sxm-80gb"))
    assert h100.peak_tflops("fp4") == h100.fp8_tflops and h100.compute_precision("fp4") == "fp8"
    d = dep(catalog, "llama-3.1-70b-instruct", "b200", precision="fp4", gpus=1)
    c = _consts(d)
    emb = 128_256 * 8192 * 2
    assert c.weight_bytes == pytest.approx((70.55e9 - emb) * 0.5625 + emb * 2)
    assert d.kv_prec == "fp8"


def test_tensor_parallel_across_nodes_uses_the_network(catalog) -> None:
    """TP16 on 8-GPU H100 nodes: the ring all-reduce runs at the slower link, min(450 x 0.7,
    50 GB/s InfiniBand) = 50 GB/s per GPU; TP8 inside the node at 315 GB/s."""
    d = dep(catalog, "llama-3.1-405b-instruct", gpus=16)
    c = _consts(d)
    tok = np.array(1.0)
    from tco.engine.selfhost.throughput import _comm

    def comm(tp: float) -> float:
        t = np.array(tp)
        return float(_comm(d, c, t, t, np.array(1.0), np.array(1.0), tok))

    msg = 16384 * 2
    assert comm(16) == pytest.approx(126 * 2 * (c.ar_latency + 2 * 15 / 16 * msg / 50e9))
    assert comm(8) == pytest.approx(126 * 2 * (c.ar_latency + 2 * 7 / 8 * msg / (450e9 * 0.7)))


def test_cli_switches_features_on(capsys) -> None:
    base = ["selfhost", "llama-3.1-70b-instruct", "--gpu", "h100-sxm-80gb", "--precision", "fp8", "--as-of",
            "2024-09-15", "--input-tokens", "4000", "--output-tokens", "300", "-f", "json"]
    assert main(base) == 0
    plain = json.loads(capsys.readouterr().out)
    assert main([*base, "--cached-input-share", "0.8", "--speculative-tokens", "3", "--speculative-acceptance", "0.7",
                 "--chunked-prefill", "2048"]) == 0
    fast = json.loads(capsys.readouterr().out)
    assert fast["best_ttft_ms"] < plain["best_ttft_ms"] and fast["best_tpot_ms"] < plain["best_tpot_ms"]
    assert main([*base, "--speculative-tokens", "3"]) == 2
    assert "needs --speculative-tokens and --speculative-acceptance" in capsys.readouterr().err


def test_a_closed_loop_run_starts_with_every_client_at_once(catalog) -> None:
    """bench_serving sends the first c requests together: the k-th waits for k - 1 prefills, on
    average (c - 1) / 2 x E[S]. For 64 clients and 640 requests (the harness default, 10 per
    client) a tenth of the run's requests carry that wait: the run's mean TTFT rises by
    31.5 x E[S] / 10 = 3.15 E[S] over the steady state (a run of endless requests), within the
    small change of the decode batch it causes; a source without the count is read as 10 per
    client. A planner's steady state (ttft_tpot) has no such start."""
    import math as _m

    from tco.engine.selfhost.measured import CLOSED_REQUESTS_PER_CLIENT, Point, predict_closed
    from tco.engine.selfhost.throughput import prefill_moments

    d = dep(catalog, "llama-3.1-70b-instruct", gpus=4)
    es = float(prefill_moments(d, 4, 2000)[0])

    def run(requests: float) -> tuple[float, float]:
        p = Point(dep=d, gpus=4, isl=2000, osl=500, kind="closed", concurrency=64, requests=requests)
        pr = predict_closed(p)
        return pr.ttft_ms, pr.output_tok_s

    steady, tput_steady = run(1e15)
    ten, tput_ten = run(640)
    assert CLOSED_REQUESTS_PER_CLIENT == 10
    assert (ten - steady) / 1e3 == pytest.approx(31.5 * es / 10, rel=0.05)
    assert tput_ten < tput_steady  # the wait lengthens the run
    assert run(float("nan")) == run(640)
    single = run(64)[0]  # one wave: the whole (c - 1) / 2 wait on every request
    assert (single - steady) / 1e3 == pytest.approx(31.5 * es, rel=0.05)
    assert _m.isfinite(single)


def test_a_plan_far_beyond_the_fitted_concurrency_says_it_extrapolates(capsys) -> None:
    """trtllm@v1.2 saw at most 128 clients per replica (InferenceMAX); gpt-oss-120b on one B200 is
    planned at the KV-bound batch of 2,753: the answer says the figure is an extrapolation. A plan
    held to TPOT 3 ms (batch 5) stays within twice the fitted range and is not warned about."""
    assert main(["selfhost", "gpt-oss-120b", "--gpu", "b200", "--gpus", "1", "-f", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    far = [w for w in out["warnings"] if "extrapolation of the fit" in w]
    assert len(far) == 1 and "at most 128 concurrent requests" in far[0], out["warnings"]
    batch = float(far[0].split("this plan runs ")[1].split(" at once")[0].replace(",", ""))
    assert batch > 256
    assert main(["selfhost", "gpt-oss-120b", "--gpu", "b200", "--gpus", "1", "--tpot-ms", "3", "-f", "json"]) == 0
    near = json.loads(capsys.readouterr().out)
    assert not [w for w in near["warnings"] if "extrapolation of the fit" in w], near["warnings"]


def test_the_default_spread_doubles_beyond_the_fitted_concurrency(catalog) -> None:
    """trtllm@v1.2's held-out median error is 5 %: sigma = ln(1.05) / 0.6745 = 0.07234, P90 factor
    exp(1.28155 x 0.07234) = 1.097. gpt-oss-120b on B200 planned at a batch of 2,753 (over twice its
    fitted 128 clients) doubles it: exp(1.28155 x 0.14467) = 1.204; the same plan held to TPOT 3 ms
    (batch 5) keeps 1.097."""
    from tco.plan.deployment import resolve
    from tco.plan.uncertainty import default_throughput_range
    from tco.schema.selfhost import SelfhostSpec

    far = default_throughput_range(resolve(SelfhostSpec(model="gpt-oss-120b", gpu="b200"), catalog))
    near = default_throughput_range(resolve(SelfhostSpec(model="gpt-oss-120b", gpu="b200",
                                                         latency={"ttft_ms": 2000, "tpot_ms": 3}), catalog))
    assert near.high == pytest.approx(1.097, abs=0.001) and "doubled" not in near.detail
    assert far.high == pytest.approx(1.204, abs=0.001) and far.low == pytest.approx(1 / 1.204, abs=0.001)
    assert "doubled at a batch of 2,753 (fitted on at most 128 concurrent requests)" in far.detail


def test_a_model_of_a_fitted_architecture_gets_the_current_profile(capsys) -> None:
    """DeepSeek-R1 has R1-0528's shapes: sglang@0.5, fitted on R1-0528 on H200, plans it (not
    sglang@0.4, fitted on R1 itself in early 2025, whose 38.7 ms DeepSeek step time makes it about
    4x slower), and the answer names the older profiles as choices. Naming sglang@0.4 says what its
    step time is and which newer profile saw the architecture. A model whose family profile saw it
    keeps that profile (Llama 3.1 8B on L40S: trtllm@v1.0, not the older trtllm@v0.14 fitted on L40S)."""
    assert main(["selfhost", "deepseek-r1", "--gpu", "h200-141gb", "-f", "json"]) == 0
    new = json.loads(capsys.readouterr().out)
    assert new["engine"] == "sglang@0.5" and new["choices"]["engine"] == "fitted on this architecture"
    note = next(a for a in new["assumptions"] if a.startswith("no engine named"))
    assert "fitted on runs of deepseek-r1-0528 (the same architecture as deepseek-r1)" in note and "sglang@0.4" in note
    assert main(["selfhost", "deepseek-r1", "--gpu", "h200-141gb", "--engine", "sglang@0.4", "-f", "json"]) == 0
    old = json.loads(capsys.readouterr().out)
    assert any("adds 38.7 ms to every iteration" in a and "sglang@0.5" in a for a in old["assumptions"])
    assert new["deployment"]["slo_output_tokens_per_s"] > 3 * old["deployment"]["slo_output_tokens_per_s"]
    assert main(["selfhost", "llama-3.1-8b-instruct", "--gpu", "l40s", "-f", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["engine"] == "trtllm@v1.0"


def test_the_step_is_the_mean_of_iterations_with_and_without_a_prompt(catalog) -> None:
    """Llama 3.1 70B FP8 on 2 H100s, 64 sequences, 2,000-token prompts, 500-token answers: 64 / 500 =
    0.128 prompts are replaced per iteration, whole prompts (no chunking), so f = 0.128 x 2,000 /
    2,000 = 0.128 of the iterations carry one 2,000-token prompt and the rest only decode: step =
    0.872 x T(0) + 0.128 x T(1). The prompt's compute no longer hides under the decode's weight reads
    (the averaged form, 0.128 of a prompt in every iteration, is shorter); with 500-token chunks
    f = 0.512 iterations carry a quarter prompt each."""
    from tco.engine.selfhost.throughput import _comm, _stage_parts

    d = dep(catalog, "llama-3.1-70b-instruct", gpus=2)
    c = _consts(d)

    def t(dd, cc, n):
        mem, comp, tokens, g, tp_, pp, ep_ = _stage_parts(dd, cc, 2, 64, 2000, 500, None, None, np.float64(n))
        stage = (mem ** cc.overlap + comp ** cc.overlap) ** (1 / cc.overlap)
        return float(pp * (stage + cc.overhead) + _comm(dd, cc, g, tp_, pp, ep_, tokens))

    step = float(sh.step_time(d, 2, 64, 2000, 500).step)
    assert step == pytest.approx(0.872 * t(d, c, 0.0) + 0.128 * t(d, c, 1.0), rel=1e-9)
    assert step > t(d, c, 0.128)  # the averaged iteration of the old model
    chunked = dep(catalog, "llama-3.1-70b-instruct", gpus=2, features=sh.Features(chunked_prefill=500))
    cc = _consts(chunked)
    assert float(sh.step_time(chunked, 2, 64, 2000, 500).step) == pytest.approx(
        0.488 * t(chunked, cc, 0.0) + 0.512 * t(chunked, cc, 0.25), rel=1e-9)


def test_a_profile_that_never_saw_the_kind_of_model_says_so(capsys) -> None:
    """trtllm@v1.0 was fitted on Llama tables and, since 2026-11-30, Llama 4 Maverick and Qwen3-235B
    (fine-grained experts) but no MLA model: for DeepSeek-R1 (MLA, 256 experts) the answer warns and
    names the profiles fitted on the model or its architecture; trtllm@v0.14 (Llama and Mixtral
    tables) warns for Qwen3-235B (128 experts); Mixtral, Qwen3-235B on trtllm@v1.0 and DeepSeek-R1 on
    SGLang 0.5 (fitted on R1-0528) are not warned about."""
    def warned(*argv: str) -> list[str]:
        assert main(["selfhost", *argv, "-f", "json"]) == 0
        return [w for w in json.loads(capsys.readouterr().out)["warnings"] if " was fitted on no " in w]

    (r1,) = warned("deepseek-r1", "--gpu", "h200-141gb", "--engine", "trtllm")
    assert r1.startswith("trtllm@v1.0 was fitted on no MLA mixture-of-experts model") and "sglang@0.5" in r1
    (qwen,) = warned("qwen3-235b-a22b", "--gpu", "h200-141gb", "--engine", "trtllm@v0.14")
    assert qwen.startswith("trtllm@v0.14 was fitted on no fine-grained mixture-of-experts model")
    assert warned("qwen3-235b-a22b", "--gpu", "h200-141gb") == []
    assert warned("mixtral-8x7b-instruct", "--gpu", "h100-sxm-80gb") == []
    assert warned("deepseek-r1", "--gpu", "h200-141gb") == []
    # the 2024-25 profiles count their own models only: Llama 3.1 70B on MI300X keeps vLLM 0.6 (fitted
    # there), not SGLang 0.4 through Llama 3.3 70B's shapes
    assert main(["selfhost", "llama-3.1-70b-instruct", "--gpu", "mi300x", "-f", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["engine"] == "vllm@0.6"


def test_the_default_spread_doubles_for_a_kind_of_model_the_profile_never_saw(catalog) -> None:
    """trtllm@v1.0's held-out median error is 12 %: sigma = ln(1.12) / 0.6745 = 0.16802, P90 factor
    exp(1.28155 x 0.16802) = 1.240 for Llama 3.1 70B on H100 (its own kind). For DeepSeek-R1 (MLA,
    256 experts), which it was fitted on no model like, sigma doubles, and doubles again on H200 NVL (it
    was fitted on H100, H200 and B200): exp(1.28155 x 0.67208) = 2.366; on H200 it doubles once:
    exp(1.28155 x 0.33604) = 1.538."""
    from tco.plan.deployment import resolve
    from tco.plan.uncertainty import default_throughput_range
    from tco.schema.selfhost import SelfhostSpec

    llama = default_throughput_range(resolve(SelfhostSpec(model="llama-3.1-70b-instruct", precision="fp8",
                                                          gpu="h100-sxm-80gb", engine="trtllm"), catalog))
    r1 = resolve(SelfhostSpec(model="deepseek-r1", gpu="h200-nvl-141gb", engine="trtllm", total_gpus=8), catalog)
    on_h200 = default_throughput_range(resolve(SelfhostSpec(model="deepseek-r1", gpu="h200-141gb", engine="trtllm",
                                                            total_gpus=8), catalog))
    assert on_h200.high == pytest.approx(1.538, abs=0.001) and "doubled on" not in on_h200.detail
    assert r1.unseen_kind == "MLA mixture-of-experts"
    spread = default_throughput_range(r1)
    assert llama.high == pytest.approx(1.240, abs=0.001) and "doubled" not in llama.detail
    assert "doubled for a MLA mixture-of-experts model (fitted on none)" in spread.detail
    assert "doubled on h200-nvl-141gb" in spread.detail
    assert spread.high == pytest.approx(2.366, abs=0.001)


def test_expert_efficiency_rises_with_the_tokens_each_expert_gets(catalog) -> None:
    """trtllm@v1.0 (2026-11-30): expert GEMMs run at few + (wide - few) x m / (m + h), few 0.04823, wide
    0.8607, h 1,487, m the tokens per expert that gets any. Qwen3-235B (128 experts, 8 active) on one
    GPU (width 1,536, narrow-expert factor 1 / (1 + 16.74 / 1,536) = 1 / 1.010898):
    16 tokens touch 128 x (1 - (120/128)^16) = 82.418 experts, m = 16 x 8 / 82.418 = 1.5531,
    eff = 0.04823 + 0.81247 x 1.5531 / 1,488.55 = 0.049078, / 1.010898 = 0.048549;
    4,096 tokens touch all 128, m = 256, eff = 0.04823 + 0.81247 x 256 / 1,743 = 0.16756, / 1.010898 = 0.16575.
    Mixtral 8x7B (8 experts, 2 active) at 4,096 tokens: m = 1,024, eff = 0.04823 + 0.81247 x 1,024 / 2,511
    = 0.37956, width 14,336: / (1 + 16.74 / 14,336) = 0.37912. Linear FLOPs per token = dense + expert / eff."""
    from tco.engine.selfhost.throughput import _linear_flops

    for model, tokens, eff in [("qwen3-235b-a22b", 16, 0.048549), ("qwen3-235b-a22b", 4096, 0.16575),
                               ("mixtral-8x7b-instruct", 4096, 0.37912)]:
        c = _consts(dep(catalog, model))
        want = c.flops_linear - c.flops_expert + c.flops_expert / eff
        assert float(_linear_flops(c, 1.0, 1.0, tokens)) == pytest.approx(want, rel=2e-4), (model, tokens)
    # a dense model, and a profile without the term (sglang@0.5: one expert factor at every batch)
    c = _consts(dep(catalog, "llama-3.1-70b-instruct"))
    assert float(_linear_flops(c, 1.0, 1.0, 16)) == c.flops_linear
    c = _consts(replace(dep(catalog, "qwen3-235b-a22b"), engine=engine_params(HW.engine("sglang@0.5"))))
    assert float(_linear_flops(c, 1.0, 1.0, 16)) == pytest.approx(float(_linear_flops(c, 1.0, 1.0, 4096)), rel=1e-12)
