"""Layout search (issue 11): tensor x pipeline x data-parallel splits of every GPU of a
deployment, the ``deployment`` answer of ``tco selfhost``, and the located errors of bad
layouts, in the command line and in scenarios."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from tco.catalog.hardware import accelerator_params, engine_params, load_hardware, model_shape
from tco.cli import main
from tco.engine import selfhost as sh
from tco.engine.selfhost.layout import Layout, candidate_layouts, evaluate_layouts, parse_layout, search

ROOT = Path(__file__).resolve().parent.parent
HW = load_hardware(ROOT / "pricing" / "hardware")


def dep(catalog, model="llama-3.1-70b-instruct", gpu="h100-sxm-80gb", precision="fp8", **kw) -> sh.Deployment:
    return sh.Deployment(model=model_shape(catalog.model(model)), gpu=accelerator_params(HW.accelerator(gpu)),
                         engine=engine_params(HW.engine("trtllm")), precision=precision, gpus=8, **kw)


def run_json(capsys, *argv: str) -> dict:
    assert main(["selfhost", *argv, "-f", "json"]) == 0, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)


def one_error(capsys, *argv: str) -> str:
    assert main(["selfhost", *argv]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0, err
    return err


def test_parse_layout() -> None:
    assert parse_layout("tp2pp1") == Layout(2, 1) and parse_layout("TP8PP1EP8") == Layout(8, 1, 8)
    assert parse_layout("tp4pp2").gpus == 8 and parse_layout("tp8pp1ep8").label == "tp8pp1ep8"
    with pytest.raises(ValueError, match="tpXppY"):
        parse_layout("tp2")


def test_candidates_divide_heads_and_layers(catalog) -> None:
    m = model_shape(catalog.model("llama-3.1-70b-instruct"))  # 64 heads, 8 KV heads, 80 layers
    got = {lay.label for lay in candidate_layouts(m, 8, 8)}
    # inside an NVLink node only tensor parallelism: 1, 2, 4, 8 (pipeline stages span nodes)
    assert got == {"tp1pp1", "tp2pp1", "tp4pp1", "tp8pp1"}
    pcie = {lay.label for lay in candidate_layouts(m, 8, 8, intra_node_pipeline=True)}
    # 80 layers split in 1, 2, 4, 5 or 8 stages; 3 or 6 stages do not divide them
    assert {"tp1pp5", "tp2pp4", "tp1pp8"} <= pcie and not any("pp3" in x or "pp6" in x for x in pcie)
    assert {lay.label for lay in candidate_layouts(m, 16, 8)} >= {"tp8pp2", "tp16pp1", "tp4pp4"}
    moe = model_shape(catalog.model("deepseek-r1"))  # 256 experts: expert parallelism over 2, 4, 8 ranks
    assert {"tp8pp1ep8", "tp8pp1"} <= {lay.label for lay in candidate_layouts(moe, 8, 8)}


def test_replicas_and_billed_gpus_by_hand(catalog) -> None:
    d = dep(catalog)
    r = {x.layout.label: x for x in evaluate_layouts(d, [Layout(2, 1), Layout(8, 1)], 8, 1000, 1000,
                                                      rent_per_gpu_hour=2.0, gpus_per_instance=8)}
    assert r["tp2pp1"].replicas == 4 and r["tp8pp1"].replicas == 1  # 8 // 2, 8 // 8
    assert r["tp2pp1"].billed_gpus == r["tp8pp1"].billed_gpus == 8
    # the deployment serves replicas x one replica's throughput
    one, _ = sh.max_throughput(d, 2, 1000, 1000, tp=2)
    assert r["tp2pp1"].output_tokens_per_s == pytest.approx(4 * float(one))
    # price per 1M output tokens: 8 GPUs x $2/h over tokens/s x 3600 s
    x = r["tp2pp1"]
    assert x.cost_per_mtok_output == pytest.approx(8 * 2.0 / (x.slo_output_tokens_per_s * 3600) * 1e6)
    # three GPUs of a replica of two leave one idle but billed in an 8-GPU instance: 1 replica, 8 billed
    three = evaluate_layouts(d, [Layout(2, 1)], 3, 1000, 1000, rent_per_gpu_hour=2.0, gpus_per_instance=8)[0]
    assert three.replicas == 1 and three.billed_gpus == 8


def test_70b_fp8_on_one_h100_node_is_data_parallel_not_one_tp8_replica(capsys) -> None:
    """The issue's check: TensorRT-LLM measured 17,062 tok/s for one TP8 replica of Llama 3.1 70B
    FP8 at 128/2048 tokens; MLPerf v4.1 submitters reached 24.1-24.5k on 8x H100 with four TP2
    replicas. The planner must not answer one TP8 replica."""
    out = run_json(capsys, "llama-3.1-70b-instruct", "--gpu", "h100-sxm-80gb", "--total-gpus", "8", "--layout", "auto",
                   "--precision", "fp8", "--input-tokens", "128", "--output-tokens", "2048", "--engine", "trtllm",
                   "--no-latency-targets", "--as-of", "2024-09-15")
    d = out["deployment"]
    assert set(d) >= {"total_gpus", "tp", "pp", "replicas", "output_tokens_per_s", "slo_output_tokens_per_s",
                      "billed_gpus"}
    assert d["total_gpus"] == 8 and d["tp"] in (2, 4) and d["pp"] == 1 and d["replicas"] == 8 // d["tp"]
    assert d["output_tokens_per_s"] > 20_000  # data-parallel replicas, not 17k
    tp8 = next(x for x in out["layouts"] if x["layout"] == "tp8pp1") if any(
        x["layout"] == "tp8pp1" for x in out["layouts"]) else None
    assert tp8 is None or tp8["output_tokens_per_s"] < d["output_tokens_per_s"]
    assert len(out["layouts"]) == 3 and out["layouts"][0]["layout"] == d["layout"]
    assert out["gpus"] == d["tp"] * d["pp"]  # the per-replica figures describe one replica of that layout


def test_fixed_layout_and_gpus_keep_their_meaning(capsys) -> None:
    fixed = run_json(capsys, "llama-3.1-70b-instruct", "--gpu", "h100-sxm-80gb", "--total-gpus", "8", "--layout",
                     "tp2pp1", "--precision", "fp8", "--as-of", "2024-09-15")
    assert fixed["deployment"]["layout"] == "tp2pp1" and fixed["deployment"]["replicas"] == 4
    per = run_json(capsys, "llama-3.1-70b-instruct", "--gpu", "h100-sxm-80gb", "--gpus", "8", "--precision", "fp8",
                   "--as-of", "2024-09-15")
    assert per["gpus"] == 8 and per["tensor_parallel"] == 8 and per["deployment"]["replicas"] == 1
    two_nodes = run_json(capsys, "llama-3.1-405b-instruct", "--gpu", "h100-sxm-80gb", "--total-gpus", "16", "--layout",
                         "tp8pp2", "--precision", "fp8", "--as-of", "2024-09-15")
    assert two_nodes["pipeline_parallel"] == 2 and two_nodes["deployment"]["billed_gpus"] == 16


def test_table_lists_the_best_three_layouts(capsys) -> None:
    assert main(["selfhost", "llama-3.1-70b-instruct", "--gpu", "h100-sxm-80gb", "--precision", "fp8",
                 "--as-of", "2024-09-15"]) == 0
    out = capsys.readouterr().out
    assert "Deployment: 8 GPUs as 4 replica(s) of tp2pp1" in out
    block = out.split("best layouts", 1)[1].split("\n\n", 1)[0].strip().splitlines()
    assert len(block) == 4 and block[1].split()[0] == "tp2pp1"


def test_a_wrong_layout_names_layouts_that_fit_in_memory(capsys) -> None:
    # DeepSeek-V3 (671 B parameters, ~690 GB in FP8) on 16 H200s (141 GB): one or two GPUs per replica
    # divide its heads but cannot hold it; the hint names only layouts that do, expert parallel ones too
    assert main(["selfhost", "deepseek-v3", "--gpu", "h200-141gb", "--total-gpus", "16", "--layout", "tp3pp1"]) == 2
    err = capsys.readouterr().err
    hint = err.split("layouts that fit on 16 GPUs: ", 1)[1].rstrip(")\n").split(", ")
    assert "tp1pp1" not in hint and "tp2pp1" not in hint and "tp8pp1ep8" in hint and hint[0] == "tp8pp1"


def test_no_table_of_layouts_that_do_not_fit(capsys) -> None:
    # Llama 3.1 405B in BF16 (812 GB) fits on no layout of 4 H100s (320 GB): the plan is one larger replica,
    # said in a warning; a table of three "no fit" rows of the 4 GPUs would only repeat it
    assert main(["selfhost", "llama-3.1-405b-instruct", "--gpu", "h100-sxm-80gb", "--total-gpus", "4",
                 "--precision", "bf16", "--as-of", "2024-09-15"]) == 0
    out = capsys.readouterr().out
    assert "best layouts" not in out and "no fit" not in out
    assert "no layout of llama-3.1-405b-instruct fits the 4 GPUs of total_gpus" in out


@pytest.mark.parametrize(("argv", "expected"), [
    (["--layout", "tp3pp1"], "--layout: layout tp3pp1: tensor-parallel degree 3 does not divide the 64 attention heads"
                             " (layouts that fit on 8 GPUs: tp1pp1, tp2pp1, tp4pp1, tp8pp1"),
    (["--layout", "tp2pp3"], "which do not divide the 80 layers evenly"),
    (["--layout", "tp8pp2"], "--layout: layout tp8pp2 needs 16 GPUs per replica, more than the 8 GPUs of the deployment"
                             " (give total_gpus (--total-gpus) 16 or more"),
    (["--gpus", "16", "--total-gpus", "8"], "--total-gpus: 16 GPUs per replica are more than the 8 GPUs"),
    (["--layout", "tp2pp1ep2"], "expert parallelism needs a mixture-of-experts model"),
    (["--layout", "2x4"], "--layout: layout '2x4' is not auto or tpXppY"),
    (["--slo-percentile", "95"], "--slo-percentile: must be 50, 90 or 99 (got 95)"),
    (["--input-tokens", "p50=800,p90=300"], "--input-tokens: percentiles must not decrease: p50 = 800 but p90 = 300"),
    (["--output-tokens", "p50=-5"], "--output-tokens: p50: must be more than 0"),
    (["--input-tokens", "hist:0-100=1,50-200=1"], "histogram bins must touch"),
    (["--input-tokens", "chatty"], "--input-tokens: unknown length mix 'chatty' (known: chat, code, long-context)"),
    (["--total-gpus", "0"], "--total-gpus: must be at least 1 (got 0)"),
])
def test_bad_layouts_and_lengths_are_one_located_line(capsys, argv: list[str], expected: str) -> None:
    err = one_error(capsys, "llama-3.1-70b-instruct", "--gpu", "h100-sxm-80gb", "--precision", "fp8", *argv)
    assert expected in err, err


@pytest.mark.parametrize(("old", "new", "where"), [
    ("gpu: h100-sxm-80gb}", "gpu: h100-sxm-80gb, layout: tp3pp1}", ":8:"),
    ("gpu: h100-sxm-80gb}", "gpu: h100-sxm-80gb, layout: tp4pp4, total_gpus: 8}", ":8:"),
    ("gpu: h100-sxm-80gb}", "gpu: h100-sxm-80gb, slo_percentile: 95}", ":8:"),
    ("input_tokens: 1500", "input_tokens: {p50: 800, p90: 300}", ":5:17: workload.input_tokens: percentiles"),
    ("input_tokens: 1500", "input_tokens: {p50: 800, p99: -4}", ":5:"),
    ("output_tokens: 200", "output_tokens: {histogram: {edges: [0, 500, 100], weights: [1, 1]}}", ":6:"),
])
def test_scenario_fields_are_located(tmp_path, capsys, old: str, new: str, where: str) -> None:
    text = ("name: t\nas_of: 2024-09-15\nworkload:\n  requests_per_day: 1000\n  input_tokens: 1500\n"
            "  output_tokens: 200\ncandidates:\n"
            "  - selfhost: {model: llama-3.1-70b-instruct, precision: fp8, gpu: h100-sxm-80gb}\n")
    assert old in text
    p = tmp_path / "s.yaml"
    p.write_text(text.replace(old, new, 1), encoding="utf-8")
    assert main(["estimate", str(p)]) == 2
    err = capsys.readouterr().err.strip().splitlines()[0]
    assert f"s.yaml{where}" in err, err


def test_scenario_layout_auto_total_gpus_and_percentile(tmp_path, catalog) -> None:
    from tco.plan.estimate import estimate_file

    p = tmp_path / "s.yaml"
    p.write_text("name: t\nas_of: 2024-09-15\nworkload:\n  requests_per_day: 200000\n  input_tokens: chat\n"
                 "  output_tokens: chat\ncandidates:\n  - selfhost: {model: llama-3.1-70b-instruct, precision: fp8, "
                 "gpu: h100-sxm-80gb, total_gpus: 16, slo_percentile: 99, latency: {ttft_ms: 2000, tpot_ms: 100}}\n",
                 encoding="utf-8")
    est = estimate_file(p, catalog)
    sh_ = est.candidates[0].selfhost
    assert sh_["fits"] and sh_["gpus"] in (1, 2, 4) and not math.isnan(sh_["monthly_cost_usd"])


def test_search_is_vectorized_and_ranked(catalog) -> None:
    res = search(dep(catalog, default_targets=True), 8, 1000, 1000, 2.0, 0.2)
    assert [r.feasible for r in res] == sorted((r.feasible for r in res), reverse=True)
    feasible = [r for r in res if r.feasible]
    best = max(x.slo_output_tokens_per_s for x in feasible)
    # the choice is within 3 % of the most tokens/s, and no larger than any layout that close
    assert feasible[0].slo_output_tokens_per_s >= best / 1.03


def test_the_layout_assumption_states_the_near_tie_rule(capsys) -> None:
    # tp4pp1 was chosen over a tp8pp1 with 0.4 % more tokens/s "by lowest cost per token", and the 3 % rule that
    # explains it was only in the docs
    from tco.cli import main

    assert main(["selfhost", "llama-3.1-70b-instruct", "--gpu", "h100-sxm-80gb", "--rent-per-gpu-hour", "2.99",
                 "--precision", "fp8"]) == 0
    assert "within 3% of the best, the simpler replica: fewer GPUs" in capsys.readouterr().out
