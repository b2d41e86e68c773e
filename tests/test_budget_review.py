"""A finance controller's review of a 2027 budget in EUR (2026-12-01): the horizon at today's
prices beside the fitted trends, the trend a scenario gives named as given, a rental that is
cheaper from month 1 not said to "pay back", the exchange rate and a plain-words legend at the
top of the report, a CSV that ranks only what the table ranks, a reasoning default for Gemini
3.1 Flash-Lite, and offer ids cut in the vendor, not the model.

The scenario: 50,000 requests a day x 365/12 days = 1,520,833.33 requests a month; 2,000 input
and 600 output tokens: 3,041.67M input, 912.5M output tokens. 1 USD = 0.89273 EUR (the ECB's
October 2026 average, the newest known on 2026-12-01).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from tco import estimate, parse_scenario
from tco.cli import main
from tco.report import render
from tco.report.text import middle_cut

RATE = 0.89273
SCENARIO = """\
name: budget 2027
currency: EUR
as_of: 2026-12-01
workload: {requests_per_day: 50000, input_tokens: 2000, output_tokens: 600}
quality: {profile: general-2026}
candidates:
  - openai/gpt-5.4
  - google/gemini-3.1-flash-lite
  - selfhost: {name: gpt-oss on H100, model: gpt-oss-120b, gpu: h100-sxm-80gb, rental: lambda-h100-sxm-1x,
               latency: {ttft_ms: 2000, tpot_ms: 100}}
"""


@pytest.fixture(scope="module")
def est(catalog):
    return estimate(parse_scenario(SCENARIO + "horizon_months: 12\n", "budget.yaml", catalog), catalog)


def test_the_horizon_gives_the_total_at_todays_prices_beside_the_trend(est) -> None:
    h = est.horizon["candidates"]["openai/gpt-5.4"]
    # GPT-5.4 at $2.50 / $15: 3,041.67 x 2.5 + 912.5 x 15 = $21,291.67 = EUR 19,007.71 a month;
    # x 12 months = EUR 228,092.52 at today's prices, less with the fitted us-frontier trend (x0.60 a year)
    assert est.candidate("openai/gpt-5.4").monthly_cost == pytest.approx(21291.6667 * RATE, abs=0.01)
    assert h["total_at_todays_prices"] == pytest.approx(12 * 19007.71, abs=0.06)
    assert h["total"] < h["total_at_todays_prices"] * 0.9
    rented = est.horizon["candidates"]["gpt-oss on H100"]
    assert rented["total_at_todays_prices"] == pytest.approx(12 * est.candidate("gpt-oss on H100").monthly_cost,
                                                             abs=0.06)
    text = render(est, "table")
    assert "Month 12 at today's prices" in text and "€228,093" in text
    assert "Over 12 months: google/gemini-3.1-flash-lite:" in text  # beside the headline answers
    assert "the market's price of a quality level, applied to each offer of the class" in text
    # a rental with no purchase does not "pay back": it is cheaper every month
    assert "gpt-oss on H100 vs openai/gpt-5.4: cheaper every month from month 1" in text


def test_a_trend_the_scenario_gives_is_named_as_given(catalog, tmp_path: Path) -> None:
    f = tmp_path / "flat.yaml"
    f.write_text(SCENARIO + "horizon_months: 12\nhorizon: {api_price_trend: 1.0, rental_price_trend: 1.0}\n")
    est = estimate(parse_scenario(f.read_text(), str(f), catalog), catalog)
    text = render(est, "table")
    assert "price trend us-frontier: x1.00 a year (given in the scenario (horizon.api_price_trend))" in text
    assert "±1 s.e. x1.00-x1.00" not in text
    out = tmp_path / "flat.html"
    assert main(["report", str(f), "-o", str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    assert "Price trends fitted on the catalog" not in html
    assert "Price trends given in the scenario (API prices x1.00 a year, rentals x1.00 a year)" in html
    # the first screen: the rate both ways and its month, and how to read the numbers
    assert "1 USD = 0.89273 EUR (1 EUR = 1.1202 USD, the 2026-10 average)" in html
    assert "How to read this report" in html and "monthly cost divided by quality" in html


def test_the_csv_gives_no_cost_per_point_to_a_row_the_table_does_not_rank(est) -> None:
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(render(est, "csv")))}
    sh = est.candidate("gpt-oss on H100")
    assert not sh.rank  # 43 % coverage, below the 50 % minimum
    assert rows["gpt-oss on H100"]["cost_per_quality_point"] == ""
    assert float(rows["google/gemini-3.1-flash-lite"]["cost_per_quality_point"]) > 0


def test_gemini_31_flash_lite_is_priced_as_a_model_that_thinks(est) -> None:
    c = est.candidate("google/gemini-3.1-flash-lite")
    assert c.reasoning_unpriced and any("reasons by default" in w for w in c.warnings)


def test_an_offer_id_is_cut_in_the_vendor_and_keeps_the_model_whole() -> None:
    assert middle_cut("anthropic/claude-sonnet-4.6", 26) == "anthrop…/claude-sonnet-4.6"
    assert middle_cut("google/gemini-3.1-flash-lite", 26) == "goo…/gemini-3.1-flash-lite"
    assert middle_cut("openai/gpt-5.4", 26) == "openai/gpt-5.4"
