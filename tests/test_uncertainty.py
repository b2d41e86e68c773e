"""Deciding under uncertainty (issue 12): ranges in the scenario, Monte Carlo, sensitivity."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import tco
from tco.cli import main

ROOT = Path(__file__).resolve().parent.parent
SUPPORT = (ROOT / "scenarios" / "support-assistant.yaml").read_text(encoding="utf-8")
RANGED = SUPPORT.replace("requests_per_day: 10000", "requests_per_day: {low: 5000, likely: 10000, high: 40000}")


def test_a_range_is_its_central_value_for_a_plain_estimate(catalog) -> None:
    plain = tco.estimate(tco.parse_scenario(SUPPORT, "a.yaml", catalog), catalog).to_dict()
    ranged = tco.estimate(tco.parse_scenario(RANGED, "b.yaml", catalog), catalog).to_dict()
    assert plain["candidates"] == ranged["candidates"]  # likely = 10,000: today's numbers exactly
    lognormal = SUPPORT.replace("requests_per_day: 10000", "requests_per_day: {low: 5000, high: 20000, dist: lognormal}")
    sc = tco.parse_scenario(lognormal, "c.yaml", catalog)
    assert sc.workload.requests_per_day == pytest.approx(10_000.0)  # median sqrt(5,000 x 20,000)


def test_samples_without_ranges_give_today_s_numbers(catalog) -> None:
    est = tco.estimate(tco.parse_scenario(SUPPORT, "a.yaml", catalog), catalog, samples=500, seed=1)
    for c in est.candidates:
        if c.uncertainty and c.uncertainty["monthly_cost"]["p50"] is not None:
            m = c.uncertainty["monthly_cost"]
            assert m["p10"] == m["p50"] == m["p90"] == pytest.approx(c.monthly_cost, abs=1e-4)
    ranked = [c for c in est.candidates if c.rank]
    assert sum(c.uncertainty["p_best_value"] for c in est.candidates) == pytest.approx(1.0)
    assert next(c for c in ranked if c.rank == 1).uncertainty["p_best_value"] == 1.0


def test_monte_carlo_is_reproducible_and_independent_of_the_chunk_size(catalog, monkeypatch) -> None:
    from tco.plan import uncertainty

    sc = tco.parse_scenario(RANGED, "b.yaml", catalog)
    a = tco.estimate(sc, catalog, samples=5000, seed=42).to_dict()
    monkeypatch.setattr(uncertainty, "CHUNK_SAMPLES", 777)
    b = tco.estimate(sc, catalog, samples=5000, seed=42).to_dict()
    c = tco.estimate(sc, catalog, samples=5000, seed=43).to_dict()
    assert [x["uncertainty"] for x in a["candidates"]] == [x["uncertainty"] for x in b["candidates"]]
    assert [x["uncertainty"] for x in a["candidates"]] != [x["uncertainty"] for x in c["candidates"]]
    assert a["uncertainty"]["inputs"] == ["workload.requests_per_day"]


def test_percentiles_follow_the_volume_range(catalog) -> None:
    # GPT-4o on 2024-06-01 costs $4,500 at 10,000 requests/day and is linear in volume: its cost percentiles are
    # 0.45 x the volume percentiles of triangular(5,000, 10,000, 40,000): P10 = 5,000 + sqrt(0.1 x 35,000 x 5,000)
    # = 9,183.2 -> $4,132.4; the median: 40,000 - sqrt(0.5 x 35,000 x 30,000) = 17,087.3 -> $7,689.3
    est = tco.estimate(tco.parse_scenario(RANGED, "b.yaml", catalog), catalog, samples=200_000, seed=3)
    m = est.candidate("openai/gpt-4o").uncertainty["monthly_cost"]
    assert m["p10"] == pytest.approx(4132.4, rel=0.01) and m["p50"] == pytest.approx(7689.3, rel=0.01)


def test_p_cheaper_and_best_value_sum(catalog) -> None:
    text = (ROOT / "scenarios" / "open-vs-closed-405b.yaml").read_text().replace(
        "requests_per_day: 100000", "requests_per_day: {low: 20000, likely: 80000, high: 300000, dist: triangular}")
    est = tco.estimate(tco.parse_scenario(text, "o.yaml", catalog), catalog, samples=2000, seed=5)
    d = est.to_dict()
    assert sum(c["uncertainty"]["p_best_value"] for c in d["candidates"]) == pytest.approx(1.0)
    sh = next(c for c in d["candidates"] if c["kind"] == "selfhost")
    assert set(sh["uncertainty"]["p_cheaper"]) == {c["id"] for c in d["candidates"] if c["kind"] == "api"}
    assert all(0 <= p <= 1 for p in sh["uncertainty"]["p_cheaper"].values())


def test_a_range_on_a_discount_price_factor_and_fx(catalog) -> None:
    text = SUPPORT.replace("  - openai/gpt-4o\n", "  - {offer: openai/gpt-4o, discount: {low: 0.1, likely: 0.2, high: 0.3}, "
                                                  "price_factor: {low: 0.5, high: 1.0}}\n")
    text = text.replace("currency: USD", "currency: USD\nfx: {CNY: {low: 6.9, likely: 7.2, high: 7.4}}")
    est = tco.estimate(tco.parse_scenario(text, "d.yaml", catalog), catalog, samples=20000, seed=9)
    g = est.candidate("openai/gpt-4o")
    # central: $4,500 x (1 - 0.2) x 0.75 = $2,700
    assert g.monthly_cost == pytest.approx(2700.0)
    m = g.uncertainty["monthly_cost"]
    assert m["p10"] < 2700.0 < m["p90"]
    ds = est.candidate("deepseek/deepseek-chat")  # 750 CNY at the drawn rate: 750 / 7.4 .. 750 / 6.9
    assert 750 / 7.4 - 0.01 <= ds.uncertainty["monthly_cost"]["p10"] <= ds.uncertainty["monthly_cost"]["p90"] <= 750 / 6.9 + 0.01
    assert sorted(est.uncertainty["inputs"]) == ["candidates.0.discount", "candidates.0.price_factor", "fx.CNY"]


@pytest.mark.parametrize(("edit", "message"), [
    ("requests_per_day: {low: 40000, high: 5000}", "low (40000) must be less than high (5000)"),
    ("requests_per_day: {low: -5, high: 5000}", "workload.requests_per_day.low: must be more than 0"),
    ("requests_per_day: {low: 5000, likely: 90000, high: 40000}", "likely (90000) must lie between"),
    ("requests_per_day: {low: 5000, high: 40000, dist: normal}", "dist: must be one of"),
])
def test_bad_ranges_are_located_one_line_errors(capsys, write, edit: str, message: str) -> None:
    path = write(SUPPORT.replace("requests_per_day: 10000", edit))
    assert main(["estimate", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "scenario.yaml:" in err and message in err, err


def test_a_range_on_a_field_that_is_not_a_number(capsys, write) -> None:
    path = write(SUPPORT.replace("as_of: 2024-06-01", "as_of: {low: 2024-01-01, high: 2024-06-01}"))
    assert main(["estimate", str(path)]) == 2
    assert "as_of: must be a date" in capsys.readouterr().err


@pytest.mark.parametrize(("flag", "message"), [("0", "samples must be at least 1"),
                                               # the flag is checked before the scenario is read: per candidate
                                               # 1e11 samples x 16 bytes = 1,490.1 GiB
                                               ("100000000000", "1,490.1 GiB of results per candidate")])
def test_bad_sample_counts(capsys, flag: str, message: str) -> None:
    assert main(["estimate", "--samples", flag]) == 2
    err = capsys.readouterr().err
    assert err.startswith("tco: error: --samples: ") and message in err


@pytest.mark.parametrize("command", ["estimate", "report", "sensitivity"])
def test_a_negative_seed_is_a_usage_error(capsys, command: str) -> None:
    argv = [command, str(ROOT / "scenarios" / "405b-under-uncertainty.yaml"), "--seed", "-1"]
    if command == "report":
        argv += ["-o", "-"]
    code = main(argv)
    err = capsys.readouterr().err
    assert code == 2 and "internal error" not in err
    assert "--seed" in err and ("at least 0" in err or "unrecognized" in err)


def test_chances_are_never_rounded_to_certainty() -> None:
    from tco.report.format import chance

    assert [chance(p) for p in (1.0, 0.9991, 0.995, 0.37, 0.004, 0.0)] == ["100%", ">99%", ">99%", "37%", "<1%", "0%"]


def test_sensitivity_sorts_by_swing_and_says_where_the_winner_changes(capsys, write) -> None:
    path = write(RANGED)
    assert main(["sensitivity", str(path), "--as-of", "2024-09-01", "-f", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    swings = [x["swing"] for x in data["inputs"]]
    assert swings == sorted(swings, reverse=True)
    names = [x["name"] for x in data["inputs"]]
    assert names[0] == "workload.requests_per_day"  # the given 5,000-40,000 range moves it most
    first = data["inputs"][0]
    assert first["detail"].startswith("your range") and first["low"] == 5000 and first["high"] == 40000
    assert {"workload.input_tokens", "workload.output_tokens", "prices.api"} <= set(names)
    assert main(["sensitivity", str(path), "--as-of", "2024-09-01"]) == 0
    assert "what moves the answer" in capsys.readouterr().out


def test_sensitivity_reads_the_moves_on_one_chosen_candidate(capsys, write) -> None:
    # GPT-4o on 2024-09-01 (the gpt-4o alias: $5 / $15 per 1M) at 10,000 requests/day x 30 x (1,500 in, 500 out):
    # 450M x 5 + 150M x 15 = $4,500 a month. Volume 5,000 .. 40,000 a day: x0.5 .. x4 = $2,250 .. $18,000;
    # API prices -30 % .. +10 %: $3,150 .. $4,950; prompt tokens +-30 %: 450M x 5 x 0.3 = +-$675
    path = write(RANGED)
    assert main(["sensitivity", str(path), "--as-of", "2024-09-01", "--candidate", "OpenAI/GPT-4o", "-f", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["candidate"]["id"] == "openai/gpt-4o" and data["candidate"]["monthly_cost"] == pytest.approx(4500)
    rows = {r["name"]: r["candidate"] for r in data["inputs"]}
    assert (rows["workload.requests_per_day"]["monthly_cost"]["low"], rows["workload.requests_per_day"]["monthly_cost"]["high"]) \
        == (pytest.approx(2250), pytest.approx(18000))
    assert rows["prices.api"]["monthly_cost"] == {"low": pytest.approx(3150), "high": pytest.approx(4950)}
    assert rows["workload.input_tokens"]["swing"] == pytest.approx(1350)
    own = [r["candidate"]["swing"] for r in data["inputs"]]
    assert own == sorted(own, reverse=True) and data["inputs"][0]["name"] == "workload.requests_per_day"
    # cost per quality point moves with the cost (its quality is fixed): the ratio is the same at both ends
    q = rows["prices.api"]["cost_per_quality_point"]
    assert q["high"] / q["low"] == pytest.approx(4950 / 3150, rel=1e-4)  # JSON keeps 4 decimals
    assert main(["sensitivity", str(path), "--as-of", "2024-09-01", "--candidate", "openai/gpt-4o"]) == 0
    out = capsys.readouterr().out
    assert "openai/gpt-4o: $4,500.00 a month" in out and "$2,250.00 .. $18,000.00" in out


def test_sensitivity_names_the_candidates_when_one_is_not_there(capsys, write) -> None:
    path = write(RANGED)
    assert main(["sensitivity", str(path), "--candidate", "openai/gpt4o"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "no candidate 'openai/gpt4o'" in err and "did you mean 'openai/gpt-4o'" in err


def test_sampling_helpers_are_right() -> None:
    from tco.engine.sampling import Z90, _z, draw

    rng = np.random.default_rng(0)
    x = draw(rng, 100.0, None, 400.0, "lognormal", 200_000)
    assert np.percentile(x, 10) == pytest.approx(100.0, rel=0.02) and np.percentile(x, 90) == pytest.approx(400.0, rel=0.02)
    assert _z(0.8) == pytest.approx(Z90, abs=1e-9)


def test_horizon_hand_check(catalog) -> None:
    # GPT-4o on 2024-06-01: $4,500 a month; with API prices halving every year, month m costs
    # 4,500 x 0.5^(m/12): twelve months sum to 4,500 x sum(0.5^(m/12), m=0..11) = 4,500 x 8.8596 = 39,868.
    text = SUPPORT.replace("as_of: 2024-06-01", "as_of: 2024-06-01\nhorizon_months: 24\n"
                           "horizon: {api_price_trend: 0.5, discount_rate: 0}")
    est = tco.estimate(tco.parse_scenario(text, "h.yaml", catalog), catalog)
    g = est.horizon["candidates"]["openai/gpt-4o"]
    factors = 0.5 ** (np.arange(24) / 12)
    assert g["cumulative"][11] == pytest.approx(4500 * factors[:12].sum(), abs=0.05)
    assert g["net_present_cost"] == pytest.approx(4500 * factors.sum(), abs=0.05)  # no discounting: the total
    assert g["monthly"][12] == pytest.approx(2250.0)


def test_horizon_buy_pays_up_front_and_resells(catalog) -> None:
    # the owned 70B node: $290,000 up front (one 8-GPU server), resold at the end: after 24 of its 48 months,
    # straight-line to 10 %: 290,000 x (1 - 0.9 x 24/48) = 159,500; its monthly cost without the annuity is
    # energy + hosting + staff; with no discounting the net present cost = 290,000 + 24 x opex - 159,500
    path = ROOT / "scenarios" / "open-vs-closed-405b.yaml"
    text = path.read_text().replace("as_of: 2024-09-15", "as_of: 2024-09-15\nhorizon_months: 24\n"
                                    "horizon: {discount_rate: 0}")
    est = tco.estimate(tco.parse_scenario(text, str(path), catalog), catalog)
    owned = next(c for c in est.candidates if c.kind == "selfhost" and "owned" in c.id)
    h = est.horizon["candidates"][owned.id]
    opex = sum(v for k, v in owned.cost_breakdown.items() if k != "capex")
    assert h["upfront"] == pytest.approx(290_000.0) and h["resale"] == pytest.approx(159_500.0)
    assert h["net_present_cost"] == pytest.approx(290_000 + 24 * opex - 159_500, abs=0.05)
    pay = [p for p in est.horizon["payback"] if p["selfhost"] == owned.id and p["api"] == "openai/gpt-4o"][0]
    m = pay["pays_back_in_month"]
    cum = est.horizon["candidates"]
    assert m is not None and cum[owned.id]["cumulative"][m - 1] <= cum["openai/gpt-4o"]["cumulative"][m - 1]
    assert m == 1 or cum[owned.id]["cumulative"][m - 2] > cum["openai/gpt-4o"]["cumulative"][m - 2]
    wait = est.horizon["buy_rent_wait"][0]
    assert wait["selfhost"] == owned.id and "0" in {str(k) for k in wait["net_present_cost_by_wait_months"]}
    # the answer is the lowest net present cost of buying (now or later), renting and the API throughout
    costs = [wait["api_only"], *wait["net_present_cost_by_wait_months"].values(), *wait["rent_now"].values()]
    assert wait["answer"]["net_present_cost"] == pytest.approx(min(costs), abs=0.01)


def test_payback_month_does_not_depend_on_the_horizon(catalog) -> None:
    # the resale value only comes back at the horizon's end: counting it would make a 12-month
    # horizon "pay back" in month 12 what a 36-month one pays back in month 17
    path = ROOT / "scenarios" / "405b-under-uncertainty.yaml"
    months = {}
    for h in (12, 24, 36):
        text = path.read_text().replace("horizon_months: 36", f"horizon_months: {h}").replace("samples: 20000", "")
        est = tco.estimate(tco.parse_scenario(text, str(path), catalog), catalog)
        months[h] = next(p["pays_back_in_month"] for p in est.horizon["payback"]
                         if "owned" in p["selfhost"] and p["api"] == "openai/gpt-4o")
    assert months[12] is None and months[24] == months[36] is not None and 12 < months[36] <= 24


def test_the_buy_answer_says_when_the_api_throughout_costs_least(catalog, capsys) -> None:
    # on the 405B example GPT-4o mini costs $51,169 over 36 months; buying costs $278,719 at best
    assert main(["estimate", str(ROOT / "scenarios" / "405b-under-uncertainty.yaml"), "--samples", "1000"]) == 0
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if x.strip().startswith("buy Llama 3.1 405B FP8, owned"))
    assert "of these, over 36 months: openai/gpt-4o-mini throughout costs least" in line and "best in" not in line


@pytest.mark.parametrize(("argv", "message"), [(["--horizon", "0"], "the horizon must be 1 to 240 months"),
                                               (["--horizon", "1000"], "the horizon must be 1 to 240 months")])
def test_bad_horizons(capsys, argv, message) -> None:
    assert main(["estimate", *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("tco: error: --horizon: ") and message in err


def test_trends_use_only_what_was_known(catalog) -> None:
    from datetime import date

    from tco.plan.trends import api_trends

    early = api_trends(catalog, date(2024, 9, 15))
    late = api_trends(catalog, date(2026, 11, 29))
    assert all(t.points == 0 or "2024-09-15" in t.source or t.method.startswith("cheapest")
               or t.source == "none" and t.annual == 1.0 for t in early.values())
    # a flat trend says what history there was and why it was too little, not "no history"
    import re

    flat = [t for t in early.values() if t.source == "none"]
    assert flat and all(re.search(r"\d+ price points over \d+ months known on 2024-09-15: too few or too short",
                                  t.method) for t in flat if t.points)
    assert any(t.points > 0 for t in late.values())
    assert all(0 < t.annual_low <= t.annual <= t.annual_high for t in late.values())


def test_sensitivity_rows_stay_distinguishable_when_cut(capsys) -> None:
    # two self-hosted candidates share their first 30 characters ("Llama 3.1 405B FP8, ..."): cut at
    # the end, both throughput rows read "throughput factor of Llama 3.1 40..."
    from tco.report.text import cut_label

    owned, rented = ("throughput factor of Llama 3.1 405B FP8, owned 8x H100",
                     "throughput factor of Llama 3.1 405B FP8, 8x H100 rented")
    assert cut_label(owned, 34, [owned, rented]) == "throughput factor of …owned … H100"
    assert cut_label(rented, 34, [owned, rented]) == "throughput factor of …8x … rented"
    from tco.report.sensitivity import render_sensitivity

    assert main(["sensitivity", str(ROOT / "scenarios" / "405b-under-uncertainty.yaml"), "-f", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    # a terminal of 100 columns: labels cut to 34, still told apart; a pipe or file (no width): never cut
    names = [line[:34] for line in render_sensitivity(data, "table", 100).splitlines()[4:] if line[:1].strip()]
    assert len(names) == len(set(names)) >= 8
    whole = [line.split("  ")[0] for line in render_sensitivity(data, "table", None).splitlines()[4:]
             if line[:1].strip()]
    assert owned in whole and rented in whole


def test_a_utilization_from_the_file_is_an_assumption_too(catalog) -> None:
    path = ROOT / "scenarios" / "405b-under-uncertainty.yaml"
    text = path.read_text().replace("samples: 20000", "").replace(
        "      rent_per_gpu_hour: 2.99", "      utilization: 0.7\n      rent_per_gpu_hour: 2.99")
    est = tco.estimate(tco.parse_scenario(text, str(path), catalog), catalog)
    rented = next(c for c in est.candidates if c.kind == "selfhost" and "rented" in c.id)
    owned = next(c for c in est.candidates if c.kind == "selfhost" and "owned" in c.id)
    assert any("utilization 0.7" in a and "in the scenario" in a for a in rented.selfhost["assumptions"])
    assert any("utilization 0.8" in a and "defaults.yaml" in a for a in owned.selfhost["assumptions"])


@pytest.mark.parametrize("fmt", ["markdown", "csv"])
def test_markdown_and_csv_keep_the_samples_and_the_horizon(capsys, fmt: str) -> None:
    path = str(ROOT / "scenarios" / "405b-under-uncertainty.yaml")
    assert main(["estimate", path, "-f", fmt, "--samples", "2000"]) == 0
    out = capsys.readouterr().out
    if fmt == "markdown":
        assert "P10-P90 monthly" in out and "## Uncertainty" in out and "## Horizon" in out
        assert "pays back in month 17" in out
    else:
        import csv
        import io

        rows = list(csv.DictReader(io.StringIO(out)))
        assert {"p_best_value", "monthly_cost_p90", "net_present_cost"} <= set(rows[0])
        assert sum(float(r["p_best_value"]) for r in rows if r["rank"]) == pytest.approx(1.0, abs=1e-3)
    # a plain estimate of the same file: none of it
    assert main(["estimate", path, "-f", fmt, "--horizon", "1", "--samples", "1"]) == 0
    plain = capsys.readouterr().out
    assert "## Horizon" not in plain and "net_present_cost" not in plain


def test_an_offer_not_launched_yet_has_no_chance_in_the_table(capsys) -> None:
    # gpt-4o-mini (2024-07-18) on 2024-06-01 showed "P(best) 0%" beside "from 2024-07-18": it is not in the running
    assert main(["estimate", str(ROOT / "scenarios" / "support-assistant.yaml"), "--samples", "200"]) == 0
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if "openai/gpt-4o-mini" in line and "from 2024-07-18" in line)
    assert row.split()[-1] == "-" and " 0%" not in row


def test_a_candidate_named_as_written_wins_over_one_differing_in_case(catalog) -> None:
    # "--candidate 'a, B'" read the candidate named "A, b" (the first case-folded match)
    from tco.errors import TcoError
    from tco.plan.compile import compile_scenario
    from tco.plan.sensitivity import find_candidate

    text = SUPPORT.replace("  - openai/gpt-4o-mini\n", "  - {offer: openai/gpt-4o-mini, label: 'A, b'}\n"
                                                       "  - {offer: openai/gpt-4o-mini, label: 'a, B'}\n")
    assert text != SUPPORT
    compiled = compile_scenario(tco.parse_scenario(text, "s.yaml", catalog), catalog)
    labels = [r.label for r in compiled.candidates]
    assert labels[find_candidate(compiled, "a, B")] == "a, B" and labels[find_candidate(compiled, "A, b")] == "A, b"
    assert labels[find_candidate(compiled, "OPENAI/GPT-4O")] == "openai/gpt-4o"
    with pytest.raises(TcoError, match="names 2 candidates when case is ignored"):
        find_candidate(compiled, "a, b")


SELFHOSTED = """\
name: rented 405B against GPT-4o
as_of: 2024-09-15
workload: {requests_per_day: 400000, input_tokens: 1500, output_tokens: 500, peak_to_average: 2,
           days_per_month: 30, cached_input_share: 0.8}
quality: {profile: general}
candidates:
  - openai/gpt-4o
  - selfhost: {name: r405, model: llama-3.1-405b-instruct, precision: fp8, gpu: h100-sxm-80gb,
               gpus_per_node: 8, gpus: 8, rent_per_gpu_hour: 2.99}
"""


def test_the_tornado_moves_what_decides_self_hosting(capsys, write) -> None:
    """A buyer's review: the inputs that decide self-hosted against API were missing from the
    tornado (GPU rent, peak over average, the cached share of input). Each has a default spread
    now, read on the self-hosted candidate alone."""
    path = write(SELFHOSTED)
    assert main(["sensitivity", str(path), "--candidate", "r405", "-f", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    rows = {r["name"]: r for r in data["inputs"]}
    central = data["candidate"]["monthly_cost"]
    # rent: nodes x 8 GPUs x $2.99 x 720 h; the self-hosted bills -30 % .. +10 %: x0.7 .. x1.1 of it
    rent = rows["prices.selfhost"]
    assert rent["label"] == "self-hosted bills" and (rent["low"], rent["high"]) == (0.7, 1.1)
    assert rent["candidate"]["monthly_cost"]["low"] == pytest.approx(0.7 * central, rel=1e-6)
    assert rent["candidate"]["monthly_cost"]["high"] == pytest.approx(1.1 * central, rel=1e-6)
    assert central == pytest.approx(round(central / (8 * 2.99 * 720)) * 8 * 2.99 * 720, rel=1e-9)
    # peak/average 2 x0.75 .. x1.5 = 1.5 .. 3: capacity for a higher peak never costs less
    peak = rows["workload.peak_to_average"]
    assert (peak["low"], peak["high"]) == (1.5, 3.0)
    assert peak["candidate"]["monthly_cost"]["low"] <= central <= peak["candidate"]["monthly_cost"]["high"]
    assert peak["candidate"]["monthly_cost"]["high"] > central  # 400,000 requests/day at a peak of 3x: more nodes
    # the cached share 0.8 x0.5 .. x1.5 = 0.4 .. 1.0 (capped at 1): a prefix cache skips less prefill at 0.4,
    # and the deployment is planned again at each end, as an estimate at that share plans it (a review
    # found the row moved only the API bills: the prefix cache was fixed when the deployment was resolved)
    cached = rows["workload.cached_input_share"]
    assert (cached["low"], cached["high"]) == (pytest.approx(0.4), 1.0)
    sc = tco.load_scenario(path)
    at = {v: tco.estimate(tco.vary(sc, cached_input_share=v)).candidate("r405").monthly_cost for v in (0.4, 1.0)}
    assert cached["candidate"]["monthly_cost"] == {"low": pytest.approx(at[0.4]), "high": pytest.approx(at[1.0])}
    assert at[0.4] > central  # 400,000 requests a day with 60 % of each prompt to prefill: more nodes
    # an API-only scenario: no self-hosted input, and no cached share when none is said
    api_only = write(SUPPORT, "api.yaml")
    assert main(["sensitivity", str(api_only), "-f", "json"]) == 0
    names = {r["name"] for r in json.loads(capsys.readouterr().out)["inputs"]}
    assert not names & {"prices.selfhost", "workload.peak_to_average", "workload.cached_input_share"}


def test_a_lopsided_range_says_its_mean_beside_the_plain_figure(catalog) -> None:
    """A buyer budgeted from the plain table: GPT-5.5 with reasoning tokens 300 / 1,200 / 5,000 is priced
    at 1,200 (the likely value) while the range averages (300 + 1,200 + 5,000) / 3 = 2,166.7 (+81 %)."""
    from tco.schema.ranges import range_of

    text = SUPPORT.replace("as_of: 2024-06-01", "as_of: 2026-06-01").replace(
        "  - openai/gpt-4o\n", "  - {offer: openai/gpt-5.5, reasoning_tokens: {low: 300, likely: 1200, high: 5000}}\n")
    est = tco.estimate(tco.parse_scenario(text, "r.yaml", catalog), catalog)
    said = [w for w in est.warnings if w.startswith("reasoning tokens of openai/gpt-5.5")]
    assert said == ["reasoning tokens of openai/gpt-5.5: the plain estimate takes the range's likely value 1,200; its "
                    "mean is 2,167 (+81%; triangular 300 / 1,200 / 5,000): --samples gives the spread"]
    # the volume range of RANGED: (5,000 + 10,000 + 40,000) / 3 = 18,333 against 10,000 (+83 %)
    ranged = tco.estimate(tco.parse_scenario(RANGED, "b.yaml", catalog), catalog)
    assert any("its mean is 18,333 (+83%" in w for w in ranged.warnings)
    # lognormal P10 100, P90 400: median 200, sigma = ln 4 / 2.5631 = 0.5409, mean 200 x e^(0.1463) = 231.5
    r = range_of("Demo", gt=0)(low=100, high=400, dist="lognormal")
    assert r.central == pytest.approx(200) and r.mean == pytest.approx(231.5, abs=0.1)
    # a symmetric range says nothing: (1 + 2 + 3) / 3 = 2
    assert not any("tokens" in w for w in tco.estimate(tco.parse_scenario(SUPPORT.replace(
        "input_tokens: 1500", "input_tokens: {low: 1000, likely: 1500, high: 2000}"), "s.yaml", catalog), catalog).warnings
        if "plain estimate" in w)
