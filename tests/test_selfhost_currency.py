"""A self-hosted candidate's own amounts in its own currency (``selfhost: {currency: CNY, ...}``)
and ``tco selfhost --currency``: billed as given in a report in that currency, converted at the
scenario's dated rate otherwise, and moved by an exchange rate only where they are priced in
another currency.

The rate on 2024-09-15 is the Fed's August 2024 average, 7.1475 CNY per USD (pricing/fx.yaml).
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from tco import compile_scenario, estimate, parse_scenario, vary
from tco.cli import main
from tco.errors import TcoError
from tco.plan.sensitivity import sensitivity
from tco.plan.uncertainty import evaluate_draws, monte_carlo

RATE = 7.1475
"""CNY per USD on 2024-09-15 (the Fed's August 2024 average)."""

SCENARIO = """\
name: rent in yuan
currency: {report}
as_of: 2024-09-15
workload: {{requests_per_day: 100000, input_tokens: 1500, output_tokens: 500, peak_to_average: 1, days_per_month: 30}}
quality: {{profile: general}}
candidates:
  - openai/gpt-4o
  - selfhost: {{name: yuan, model: llama-3.1-70b-instruct, precision: fp8, gpu: h100-sxm-80gb,
               currency: CNY, rent_per_gpu_hour: 18.7}}
  - selfhost: {{name: dollar, model: llama-3.1-70b-instruct, precision: fp8, gpu: h100-sxm-80gb,
               rent_per_gpu_hour: 2.8}}
  - selfhost: {{name: catalog, model: llama-3.1-70b-instruct, precision: fp8, gpu: h100-sxm-80gb,
               rental: lambda-h100-sxm}}
"""
"""Three identical deployments: the rent given in CNY, given in USD, and a catalog rental (USD)."""

HOURS = 720.0
"""30 days x 24 h."""


def _scenario(catalog, report: str = "CNY", extra: str = ""):
    return parse_scenario(SCENARIO.format(report=report) + extra, "yuan.yaml", catalog)


def _gpu_hours(c) -> float:
    return c.selfhost["billed_gpus"] * HOURS


def test_cny_rent_in_a_cny_report_is_billed_as_given(catalog) -> None:
    est = estimate(_scenario(catalog), catalog)
    c = est.candidate("yuan")
    # GPUs billed x 720 h x CNY 18.7, no exchange rate: e.g. 2 GPUs -> 1,440 GPU-hours x 18.7 = CNY 26,928
    assert c.monthly_cost == pytest.approx(_gpu_hours(c) * 18.7, rel=1e-9)
    assert c.selfhost["cost_units"]["rent"]["per_gpu_hour"] == 18.7  # as given, not 18.7 / 7.1475 x 7.1475
    from tco.report import render

    text = render(est, "table")
    assert f"{c.selfhost['billed_gpus']:,.0f} GPUs x 720 h x ¥18.70" in text
    assert "rent_per_gpu_hour 18.7 given in CNY: billed as given, no exchange rate applied" in text
    assert "rent: CNY 18.7 per GPU-hour (scenario)" in text
    # the USD-quoted twin: GPU-hours x USD 2.8 x 7.1475 = GPU-hours x CNY 20.013
    d = est.candidate("dollar")
    assert _gpu_hours(d) == _gpu_hours(c)
    assert d.monthly_cost == pytest.approx(_gpu_hours(d) * 2.8 * RATE, rel=1e-9)
    assert est.fx["CNY"]["per_usd"] == RATE


def test_cny_rent_in_a_usd_report_converts_at_the_catalog_rate(catalog) -> None:
    est = estimate(_scenario(catalog, "USD"), catalog)
    c = est.candidate("yuan")
    # GPU-hours x CNY 18.7 / 7.1475 = GPU-hours x USD 2.616299...
    assert c.monthly_cost == pytest.approx(_gpu_hours(c) * 18.7 / RATE, rel=1e-9)
    assert c.selfhost["cost_units"]["rent"]["per_gpu_hour"] == pytest.approx(18.7 / RATE, rel=1e-12)
    assert est.fx["CNY"]["per_usd"] == RATE  # the candidate's currency joins the report's rates
    assert any(a == f"rent_per_gpu_hour 18.7 given in CNY: converted at 1 USD = {RATE:g} CNY"
               for a in c.selfhost["assumptions"])
    assert est.candidate("dollar").monthly_cost == pytest.approx(_gpu_hours(c) * 2.8, rel=1e-12)


def test_the_scenario_rate_converts_first(catalog) -> None:
    est = estimate(_scenario(catalog, "USD", "fx: {CNY: 6.8}\n"), catalog)
    c = est.candidate("yuan")
    # CNY 18.7 / 6.8 = USD 2.75 a GPU-hour
    assert c.monthly_cost == pytest.approx(_gpu_hours(c) * 2.75, rel=1e-9)


def test_eur_rent_in_a_cny_report_goes_through_usd(catalog) -> None:
    text = SCENARIO.format(report="CNY").replace("currency: CNY, rent_per_gpu_hour: 18.7",
                                                  "currency: eur, rent_per_gpu_hour: 2.5")
    est = estimate(parse_scenario(text + "fx: {EUR: 0.9}\n", "e.yaml", catalog), catalog)
    c = est.candidate("yuan")
    # EUR 2.5 / 0.9 EUR per USD x 7.1475 CNY per USD = CNY 19.854 a GPU-hour
    assert c.monthly_cost == pytest.approx(_gpu_hours(c) * 2.5 / 0.9 * RATE, rel=1e-9)
    assert any("given in EUR: converted at 1 USD = 0.9 EUR, then at 1 USD = 7.1475 CNY" in a
               for a in c.selfhost["assumptions"])


def test_the_tornado_fx_spread_moves_only_what_is_priced_in_usd(catalog) -> None:
    compiled = compile_scenario(_scenario(catalog), catalog)
    names = [r.id for r in compiled.candidates]
    out = {n: sensitivity(compiled, candidate=names.index(n)) for n in ("yuan", "dollar", "catalog")}
    fx = {n: next(i for i in o["inputs"] if i["name"] == "fx.CNY") for n, o in out.items()}
    central = {n: out[n]["candidate"]["monthly_cost"] for n in out}
    # CNY 18.7 a GPU-hour in a CNY report: the rate -5 % .. +5 % leaves it put
    assert fx["yuan"]["candidate"]["monthly_cost"] == {"low": central["yuan"], "high": central["yuan"]}
    # USD 2.8 and the catalog's USD 2.99: cost = USD x rate, so x0.95 .. x1.05
    for n in ("dollar", "catalog"):
        m = fx[n]["candidate"]["monthly_cost"]
        assert m["low"] == pytest.approx(central[n] * 0.95, abs=0.01)
        assert m["high"] == pytest.approx(central[n] * 1.05, abs=0.01)


def test_a_usd_report_gets_the_cny_spread_of_a_cny_rent(catalog) -> None:
    compiled = compile_scenario(_scenario(catalog, "USD"), catalog)
    i = [r.id for r in compiled.candidates].index("yuan")
    out = sensitivity(compiled, candidate=i)
    fx = next(s for s in out["inputs"] if s["name"] == "fx.CNY")  # no API price is in CNY: the rent brings it
    c = out["candidate"]["monthly_cost"]
    # USD = CNY / rate: at 0.95 x the rate the bill is 1 / 0.95 as large
    assert fx["candidate"]["monthly_cost"]["low"] == pytest.approx(c / 0.95, abs=0.01)
    assert fx["candidate"]["monthly_cost"]["high"] == pytest.approx(c / 1.05, abs=0.01)


def test_a_bought_server_in_cny_moves_only_its_usd_parts(catalog) -> None:
    text = SCENARIO.format(report="CNY").replace(
        "currency: CNY, rent_per_gpu_hour: 18.7", "currency: CNY, buy: {server_price: 1.3M, staff_per_month: 50k}")
    compiled = compile_scenario(parse_scenario(text, "b.yaml", catalog), catalog)
    i = [r.id for r in compiled.candidates].index("yuan")
    base, _ = evaluate_draws(compiled, {}, 1)
    moved, _ = evaluate_draws(compiled, {"fx.CNY": np.array([RATE * 0.9, RATE * 1.2])}, 2)
    est = estimate(parse_scenario(text, "b.yaml", catalog), catalog)
    parts = est.candidate("yuan").cost_breakdown
    # capex (CNY 1.3M / 4 years / 12 per server) and staff (CNY 50,000) are CNY; energy and hosting are
    # the USD defaults x 7.1475: only those move with the rate
    assert parts["staff"] == pytest.approx(50_000.0, rel=1e-12)
    usd = parts["energy"] + parts["hosting"]
    assert moved[i, 0] == pytest.approx(base[i, 0] - 0.1 * usd, rel=1e-12)
    assert moved[i, 1] == pytest.approx(base[i, 0] + 0.2 * usd, rel=1e-12)
    # the rent in USD moves whole
    j = [r.id for r in compiled.candidates].index("dollar")
    assert moved[j, 1] == pytest.approx(base[j, 0] * 1.2, rel=1e-12)
    # with a drawn prefix-cache share the deployment is planned again: the split is read from that plan
    again = estimate(vary(parse_scenario(text, "b.yaml", catalog), {"workload.cached_input_share": 0.5},
                          catalog=catalog), catalog).candidate("yuan")
    usd = again.cost_breakdown["energy"] + again.cost_breakdown["hosting"]
    both, _ = evaluate_draws(compiled, {"workload.cached_input_share": np.array([0.5, 0.5]),
                                        "fx.CNY": np.array([RATE, RATE * 1.2])}, 2)
    assert both[i, 0] == pytest.approx(again.monthly_cost, rel=1e-12)
    assert both[i, 1] == pytest.approx(again.monthly_cost + 0.2 * usd, rel=1e-12)


def test_monte_carlo_fx_draws_leave_a_cny_rent_put(catalog) -> None:
    def run(low: float, high: float):
        sc = _scenario(catalog, extra=f"fx: {{CNY: {{low: {low}, likely: {RATE}, high: {high}}}}}\n")
        compiled = compile_scenario(sc, catalog)
        return [r.id for r in compiled.candidates], monte_carlo(compiled, 400, seed=7)

    ids, narrow = run(7.1, 7.2)
    _, wide = run(6.0, 8.5)
    yuan, dollar = ids.index("yuan"), ids.index("dollar")
    # the same seed draws the same throughput factors; only the rate's spread differs, which a CNY rent
    # in a CNY report does not see
    assert np.array_equal(narrow.monthly[yuan], wide.monthly[yuan])
    assert wide.monthly[dollar][2] / wide.monthly[dollar][0] > narrow.monthly[dollar][2] / narrow.monthly[dollar][0]


def test_a_recompiled_rate_moves_only_what_is_priced_in_usd(catalog) -> None:
    sc = _scenario(catalog)
    base = estimate(sc, catalog)
    other = estimate(vary(sc, {"fx.CNY": 8.0}, catalog=catalog), catalog)
    assert other.candidate("yuan").monthly_cost == pytest.approx(base.candidate("yuan").monthly_cost, rel=1e-12)
    # USD 2.8 x 8.0 instead of x 7.1475
    assert other.candidate("dollar").monthly_cost == pytest.approx(
        base.candidate("dollar").monthly_cost * 8.0 / RATE, rel=1e-12)


def test_an_unknown_currency_is_one_located_line(write, capsys) -> None:
    text = SCENARIO.format(report="CNY").replace("currency: CNY, rent", "currency: XYZ, rent")
    assert main(["estimate", str(write(text))]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "scenario.yaml:9:26: candidates.1.selfhost.currency: no exchange rate for currency 'XYZ'" in err
    assert "give one in the scenario's fx: section" in err
    assert main(["estimate", str(write(text.replace("XYZ", "CN")))]) == 2
    err = capsys.readouterr().err
    assert "candidates.1.selfhost.currency: must be a 3-letter ISO currency code (got 'CN')" in err
    assert "the currency of this candidate's rent and buy amounts" in err


def test_an_amount_is_held_to_its_usd_ceiling(write, capsys, catalog) -> None:
    # CNY 30 a kWh is USD 4.197: more than the USD 2 a kWh allowed; JPY 30 (USD 0.21) is fine
    text = SCENARIO.format(report="CNY").replace("currency: CNY, rent_per_gpu_hour: 18.7",
                                                  "currency: CNY, buy: {electricity_per_kwh: 30}")
    assert main(["estimate", str(write(text))]) == 2
    err = capsys.readouterr().err
    assert ("candidates.1.selfhost.buy.electricity_per_kwh: 30 CNY (= 4.19727 USD at 7.1475 CNY per USD) per kWh "
            "is more than USD 2") in err
    sc = parse_scenario(text.replace("currency: CNY, buy", "currency: JPY, buy"), "j.yaml", catalog)
    assert estimate(sc, catalog).candidate("yuan").monthly_cost > 0
    with pytest.raises(TcoError, match="1,500 USD per GPU-hour is more than USD 1,000"):
        estimate(parse_scenario(SCENARIO.format(report="USD").replace("rent_per_gpu_hour: 2.8",
                                                                      "rent_per_gpu_hour: 1500"), "u.yaml", catalog),
                 catalog)


SELFHOST = ["selfhost", "llama-3.1-70b-instruct", "--gpu", "h100-sxm-80gb", "--precision", "fp8", "--as-of", "2024-09-15",
            "--requests-per-day", "100000", "--days-per-month", "30"]


def test_selfhost_command_reads_and_answers_in_its_currency(capsys) -> None:
    assert main(SELFHOST + ["--currency", "CNY", "--rent-per-gpu-hour", "18.7", "-f", "json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["currency"] == "CNY" and d["fx"]["per_usd"] == RATE
    # one replica-hour of 'gpus' GPUs at CNY 18.7
    assert d["cost_per_replica_hour"] == pytest.approx(d["gpus"] * 18.7, rel=1e-12)
    assert d["cost_per_replica_hour_usd"] == pytest.approx(d["gpus"] * 18.7 / RATE, rel=1e-12)
    cap = d["capacity"]
    # billed GPUs x 720 h x CNY 18.7
    assert cap["monthly_cost"] == pytest.approx(cap["billed_gpus"] * HOURS * 18.7, rel=1e-9)
    assert cap["cost_components"]["rent"] == pytest.approx(cap["monthly_cost"], rel=1e-12)
    assert cap["monthly_cost_usd"] == pytest.approx(cap["monthly_cost"] / RATE, rel=1e-12)
    assert d["price"] == "rent: CNY 18.7 per GPU-hour (--rent-per-gpu-hour)"
    assert any(a.startswith("amounts in CNY (--currency): --rent-per-gpu-hour 18.7 as given; the catalog's USD "
                            f"figures converted at 1 USD = {RATE:g} CNY") for a in d["assumptions"])
    # the same model's API offers, in CNY too: USD list price x 7.1475
    assert main(SELFHOST + ["--rent-per-gpu-hour", str(18.7 / RATE), "-f", "json"]) == 0
    usd = json.loads(capsys.readouterr().out)
    assert usd["currency"] == "USD" and usd["fx"] is None  # the same keys in USD, no rate
    assert d["api_offers"][0]["cost_per_mtok_total"] == pytest.approx(usd["api_offers"][0]["cost_per_mtok_total"] * RATE)
    assert d["cost_per_mtok_total"] == pytest.approx(usd["cost_per_mtok_total"] * RATE, rel=1e-9)


def test_selfhost_command_table_in_cny(capsys) -> None:
    assert main(SELFHOST + ["--currency", "cny", "--rent-per-gpu-hour", "18.7"]) == 0
    out = capsys.readouterr().out
    assert "rent: CNY 18.7 per GPU-hour (--rent-per-gpu-hour)" in out
    assert "  per replica-hour         ¥" in out and "  monthly                  ¥" in out
    assert "CNY per 1M tokens of 1,000 in + 1,000 out" in out
    assert "$" not in out.split("\nCost\n")[1].split("\nAssumptions\n")[0]


def test_selfhost_command_currency_errors(capsys) -> None:
    assert main(SELFHOST + ["--currency", "XYZ", "--rent-per-gpu-hour", "3"]) == 2
    err = capsys.readouterr().err
    assert "--currency: no exchange rate for currency 'XYZ'" in err and "tco catalog list --kind fx" in err
    assert main(SELFHOST + ["--currency", "CNY", "--buy", "--electricity-per-kwh", "30"]) == 2
    err = capsys.readouterr().err
    assert "--electricity-per-kwh: 30 CNY (= 4.19727 USD at 7.1475 CNY per USD) per kWh is more than USD 2" in err
    assert "(--currency)" in err
