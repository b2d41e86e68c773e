"""Quality imputation (issue 10): a low-rank model of the models x benchmarks matrix, with
intervals calibrated by leave-one-out; opt in, honest about what it cannot do."""

from __future__ import annotations

import json
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tco.engine import impute as im
from tco.engine.quality import imputed_parts, quality


def synthetic(m: int = 40, b: int = 12, rank: int = 2, noise: float = 1.0, missing: float = 0.3,
              seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Scores of rank ``rank`` around 60 +- 12 on 0-100, with noise, and a copy with cells hidden."""
    rng = np.random.default_rng(seed)
    truth = 60 + 12 * (rng.normal(size=(m, rank)) @ rng.normal(size=(rank, b))) / np.sqrt(rank)
    truth = np.clip(truth + rng.normal(scale=noise, size=truth.shape), 0, 100)
    seen = truth.copy()
    seen[rng.random(truth.shape) < missing] = np.nan
    return truth, seen


def test_a_low_rank_matrix_is_recovered() -> None:
    truth, seen = synthetic()
    pred = im.impute(seen)
    hidden = np.isnan(seen)
    err = np.abs(pred[hidden] - truth[hidden])
    # the noise is 1 point, the spread between models about 12: a good fit is within ~2 points
    assert np.median(err) < 2.0
    # imputing a measured cell returns a value near it (the model's own view of it)
    assert np.median(np.abs(pred[~hidden] - seen[~hidden])) < 1.5


def test_leave_one_out_intervals_cover_about_the_nominal_share() -> None:
    _, seen = synthetic(m=30, b=10, noise=2.0, seed=3)
    cal = im.leave_one_out(seen, level=0.8)
    inside = cal.inside()[np.isfinite(cal.errors)]
    assert len(inside) > 150
    assert 0.7 <= inside.mean() <= 0.9  # nominal 80 %, measured without each cell's own error


def test_a_benchmark_with_too_few_models_is_not_imputed() -> None:
    _, seen = synthetic(m=20, b=6)
    seen[:, 5] = np.nan
    seen[:4, 5] = 70.0  # only 4 models scored: below the minimum
    f = im.fit(seen, min_models=6)
    assert not f.usable[5] and np.isnan(f.predict()[:, 5]).all()


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=1, max_value=6), st.data())
def test_a_measured_score_never_widens_the_interval(n: int, data: st.DataObject) -> None:
    weights = np.array(data.draw(st.lists(st.floats(0.1, 5), min_size=n, max_size=n)))
    scores = np.array([data.draw(st.lists(st.floats(0, 100), min_size=n, max_size=n))])
    imputed = np.array([data.draw(st.lists(st.booleans(), min_size=n, max_size=n))])
    half = np.array([data.draw(st.lists(st.floats(0, 20), min_size=n, max_size=n))])
    _, before = imputed_parts(scores, weights, imputed, half)
    if imputed.any():
        k = int(np.flatnonzero(imputed[0])[0])
        measured = imputed.copy()
        measured[0, k] = False  # that benchmark is now measured
        _, after = imputed_parts(scores, weights, measured, half)
        assert after[0] <= before[0] + 1e-12


def test_interval_arithmetic() -> None:
    # 80 and 70 measured, 60 imputed +-6, equal weights: quality (80 + 70 + 60) / 3 = 70,
    # imputed share 1/3, half-width 6 x 1/3 = 2
    scores, w = np.array([[80.0, 70.0, 60.0]]), np.ones(3)
    q, cov = quality(scores, w)
    share, half = imputed_parts(scores, w, np.array([[False, False, True]]), np.array([[0.0, 0.0, 6.0]]))
    assert q[0] == pytest.approx(70.0) and share[0] == pytest.approx(1 / 3) and half[0] == pytest.approx(2.0)


def test_base_and_instruct_never_mix(catalog) -> None:
    from tco.plan.quality import score_matrix

    base = score_matrix(catalog, "base")
    inst = score_matrix(catalog, "instruct")
    assert base.models and inst.models and not set(base.models) & set(inst.models)
    assert all(catalog.models[m].variant == "base" for m in base.models)
    assert all(catalog.models[m].variant != "base" for m in inst.models)


def test_imputation_is_opt_in_and_marked(catalog) -> None:
    import tco

    # DeepSeek-V2 Chat has MMLU (CoT) and HumanEval on record but no ARC-Challenge: that cell is imputed
    base = ROOT_SCEN.read_text().replace("profile: {mmlu-cot: 1, humaneval: 1}", "profile: {mmlu-cot: 1, humaneval: 1, arc-c: 1}")
    assert "arc-c: 1" in base
    text = base.replace("  min_coverage: 0.5", "  min_coverage: 0.5\n  impute: true")
    off = tco.estimate(tco.parse_scenario(base, "s.yaml", catalog), catalog).to_dict()
    on = tco.estimate(tco.parse_scenario(text, "s.yaml", catalog), catalog).to_dict()
    ds_off = next(c for c in off["candidates"] if c["id"] == "deepseek/deepseek-chat")
    ds_on = next(c for c in on["candidates"] if c["id"] == "deepseek/deepseek-chat")
    assert ds_off["quality_interval"] is None and ds_off["quality_imputed_share"] == 0
    assert ds_on["quality_imputed_share"] > 0 and ds_on["quality_coverage"] == ds_off["quality_coverage"]
    lo, hi = ds_on["quality_interval"]
    assert lo < ds_on["quality"] < hi
    cell = next(d for d in ds_on["quality_detail"] if d.get("imputed"))
    assert cell["interval"][0] <= cell["score"] <= cell["interval"][1]


def test_a_cell_left_unimputed_says_why(catalog) -> None:
    """Imputation needs 3 measured scores of a model in 2 categories; a model with fewer stays partial or
    unranked, and the estimate says which cells were not imputed and why (it was silent)."""
    import tco

    text = ("name: today\nas_of: 2026-11-30\nworkload: {requests_per_day: 1000, input_tokens: 1000, output_tokens: 200}\n"
            "quality: {profile: general-2026, impute: true}\n"
            "candidates: [openai/gpt-6-sol, openai/gpt-6-astra, anthropic/claude-opus-5.5]\n")
    est = tco.estimate(tco.parse_scenario(text, "s.yaml", catalog), catalog)
    # GPT-6 Sol (Medium): HLE and AA-LCR only, 2 scores: nothing imputed, below min_coverage (1.5 of 3.5 = 43 %)
    sol = est.candidate("openai/gpt-6-sol")
    assert sol.rank is None and sol.quality_imputed_share == 0
    assert "not imputed: gpqa-diamond, ifbench (gpt-6-sol has 2 measured scores to impute from, 3 are needed)" in sol.warnings
    # GPT-6 Astra (Medium): GPQA, HLE, AA-LCR measured, IFBench imputed; nothing left to explain
    astra = est.candidate("openai/gpt-6-astra")
    assert astra.quality_imputed_share > 0 and not any(w.startswith("not imputed") for w in astra.warnings)
    opus = est.candidate("anthropic/claude-opus-5.5")
    assert any(w.startswith("not imputed: ") and w.endswith("(claude-opus-5.5 has no measured score)") for w in opus.warnings)


from pathlib import Path  # noqa: E402

ROOT_SCEN = Path(__file__).resolve().parent.parent / "scenarios" / "support-assistant.yaml"


def test_catalog_coverage_and_impute_check_commands(capsys) -> None:
    from tco.cli import main

    assert main(["catalog", "coverage", "--as-of", "2024-09-15", "-f", "json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["offers_fully_measured"] <= d["offers_measured_at_least_half"] <= d["offers_ranked_with_imputation"]
    assert {r["cells"][b]["state"] for r in d["rows"] for b in d["weights"]} <= {"measured", "imputed", "missing"}
    assert main(["catalog", "coverage", "--no-impute", "-f", "json"]) == 0
    plain = json.loads(capsys.readouterr().out)
    assert all(c["state"] != "imputed" for r in plain["rows"] for c in r["cells"].values())
    assert main(["catalog", "coverage", "--no-impute", "--as-of", "2024-09-15"]) == 0
    table = capsys.readouterr().out  # no imputed legend, column or rankable-with count when it is left out
    assert "imputed" not in table.replace("(imputation not shown: --no-impute)", "") and "--no-impute" in table
    assert main(["catalog", "impute-check", "-f", "json"]) == 0
    chk = json.loads(capsys.readouterr().out)
    inst = chk["groups"]["instruct"]
    assert inst["held_out"] > 50 and 0 < inst["median_abs_error"] < 10 and 0.5 < inst["inside"] <= 1
    assert main(["catalog", "coverage", "--profile", "nope"]) == 2
    assert "unknown quality profile 'nope'" in capsys.readouterr().err


def test_impute_check_flags_benchmarks_whose_intervals_miss_beyond_chance() -> None:
    # 80 % nominal: with 9 held out two standard errors are 2 x sqrt(0.8 x 0.2 / 9) = 0.267, so 44 % inside
    # (0.36 below) is flagged and 67 % (0.13 below) is not; with none held out the interval is unchecked
    from tco.report.quality import render_impute_check

    def row(name, held, inside):
        return {"benchmark": name, "models": 9, "held_out": held, "imputed": True, "inside": inside,
                "median_abs_error": 3.0 if held else None, "half_width": 5.0}

    data = {"rank": 2, "level": 0.8, "groups": {"instruct": {
        "models": 9, "benchmarks": 3, "measured": 30, "held_out": 18, "median_abs_error": 3.0, "inside": 0.6,
        "per_benchmark": [row("bad", 9, 0.44), row("fine", 9, 0.67), row("none", 0, None)]}}}
    out = {line.split()[0]: line for line in render_impute_check(data).splitlines() if line.startswith("  ")}
    assert "too narrow" in out["bad"] and "too narrow" not in out["fine"] and "unchecked" in out["none"]
