"""Self-hosted candidates inside scenarios: costs, JSON, break-even consistent with a sweep."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from tco.cli import main
from tco.errors import TcoError
from tco import compile_scenario, estimate, parse_scenario, sweep

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "scenarios" / "open-vs-closed-405b.yaml"

RENTED = """\
name: rented 405B
as_of: 2024-09-15
workload: {requests_per_day: 100000, input_tokens: 1500, output_tokens: 500, peak_to_average: 1, days_per_month: 30}
quality: {profile: general}
candidates:
  - openai/gpt-4o
  - selfhost: {name: r405, model: llama-3.1-405b-instruct, precision: fp8, gpu: h100-sxm-80gb,
               gpus_per_node: 8, gpus: 8, rent_per_gpu_hour: 2.99}
"""


def test_rented_node_costs_gpu_hours(catalog) -> None:
    est = estimate(parse_scenario(RENTED, "r.yaml", catalog), catalog)
    c = est.candidate("r405")
    sh = c.selfhost
    assert c.kind == "selfhost" and sh["fits"] and sh["gpus"] == 8
    # rent: nodes x 8 GPUs x $2.99 x 720 h (30-day month) = nodes x $17,222.40
    nodes = sh["nodes"]
    assert nodes >= 1
    assert c.monthly_cost == pytest.approx(nodes * 8 * 2.99 * 720, rel=1e-9)
    # 405B FP8 on 8x H100 80 GB: ~406 GB of weights in 640 GB
    # (memory is the usable 80 GiB = 85.52 GB per GPU: 8 x 85.52 = 684.16 GB)
    assert 400 < sh["weights_gb"] < 420 and sh["memory_gb"] == pytest.approx(8 * 85.52, rel=0.01)
    assert sh["cost_split"] == {"rent": pytest.approx(c.monthly_cost)}
    assert any("FP8 quality taken as equal to the published BF16 checkpoint" in a for a in sh["assumptions"])
    # quality: the model's published scores (FP8 == BF16 unless quality_delta is given)
    api = estimate(parse_scenario(RENTED.replace("  - openai/gpt-4o\n", "  - azure/llama-3.1-405b-instruct\n"),
                                  "r.yaml", catalog), catalog)
    assert c.quality == pytest.approx(api.candidate("azure/llama-3.1-405b-instruct").quality)


def test_quality_delta_applies(catalog) -> None:
    text = RENTED.replace("rent_per_gpu_hour: 2.99}", "rent_per_gpu_hour: 2.99, quality_delta: -1.5}")
    base = estimate(parse_scenario(RENTED, "r.yaml", catalog), catalog).candidate("r405").quality
    est = estimate(parse_scenario(text, "r.yaml", catalog), catalog)
    assert est.candidate("r405").quality == pytest.approx(base - 1.5)


def test_breakeven_agrees_with_a_volume_sweep(catalog) -> None:
    sc = parse_scenario(RENTED, "r.yaml", catalog)
    est = estimate(sc, catalog)
    (be,) = est.breakeven
    assert be["selfhost"] == "r405" and be["api"] == "openai/gpt-4o"
    rpd = be["requests_per_day"]
    assert rpd is not None and rpd > 0
    # around the break-even volume the cheaper side flips
    grid = sweep(sc, catalog, requests_per_day=np.array([rpd * 0.97, rpd * 1.03]))
    api_i, sh_i = grid.candidate_ids.index("openai/gpt-4o"), grid.candidate_ids.index("r405")
    assert grid.monthly_cost[sh_i, 0] > grid.monthly_cost[api_i, 0]
    assert grid.monthly_cost[sh_i, 1] < grid.monthly_cost[api_i, 1]


def test_never_cheaper_than_a_cheap_api(catalog) -> None:
    text = RENTED.replace("openai/gpt-4o\n", "openai/gpt-4o-mini\n")
    (be,) = estimate(parse_scenario(text, "r.yaml", catalog), catalog).breakeven
    assert be["requests_per_day"] is None and "never" in be["note"]


def test_bf16_405b_does_not_fit_one_node_is_an_answer(catalog) -> None:
    text = RENTED.replace("precision: fp8", "precision: bf16")
    est = estimate(parse_scenario(text, "r.yaml", catalog), catalog)
    c = est.candidate("r405")
    assert c.selfhost["fits"] is False and math.isnan(c.monthly_cost)
    assert any("does not fit" in w and "16x" in w for w in c.warnings), c.warnings


def test_sweep_covers_selfhost(catalog) -> None:
    sc = parse_scenario(RENTED, "r.yaml", catalog)
    grid = sweep(sc, catalog, requests_per_day=np.logspace(2, 6, 50))
    sh = grid.monthly_cost[grid.candidate_ids.index("r405")]
    assert np.all(np.diff(sh) >= -1e-9)  # more volume never costs less (whole nodes)
    assert np.all(np.isfinite(sh))


def test_example_and_cli(capsys) -> None:
    rc = main(["estimate", str(EXAMPLE), "-f", "json"])
    out, err = capsys.readouterr()
    assert rc == 0, err
    d = json.loads(out)
    kinds = {c["kind"] for c in d["candidates"]}
    assert kinds == {"api", "selfhost"}
    assert d["breakeven"] and all("api" in b and "selfhost" in b for b in d["breakeven"])
    rc = main(["breakeven", str(EXAMPLE)])
    out, err = capsys.readouterr()
    assert rc == 0 and "requests/day" in out


def test_selfhost_errors_are_located(write, capsys) -> None:
    text = RENTED.replace("gpu: h100-sxm-80gb", "gpu: h100-sxm")
    rc = main(["estimate", str(write(text))])
    _, err = capsys.readouterr()
    assert rc == 2 and "scenario.yaml:7:81: candidates.1.selfhost.gpu: unknown GPU 'h100-sxm'" in err
    text = RENTED.replace("precision: fp8", "precison: fp8")
    rc = main(["estimate", str(write(text))])
    _, err = capsys.readouterr()
    assert rc == 2 and "candidates.1.selfhost.precison: unknown field (did you mean 'precision'" in err
    text = RENTED.replace("model: llama-3.1-405b-instruct", "model: gpt-4o")
    with pytest.raises(TcoError, match="not open weights"):
        compile_scenario(parse_scenario(text, "x.yaml", None), None)  # type: ignore[arg-type]


def test_breakeven_command_needs_both_kinds(write, capsys) -> None:
    rc = main(["breakeven", str(write(RENTED.replace("  - openai/gpt-4o\n", "")))])
    _, err = capsys.readouterr()
    assert rc == 2 and "no API candidate" in err
