"""Hidden reasoning tokens per candidate: billed as output by an API, decoded like output when
self-hosted, drawn when given as a range."""

from __future__ import annotations

import json
import math
from datetime import date
from pathlib import Path

import numpy as np
import pytest

import tco
from tco.cli import main
from tco.engine.api import ApiPrices, api_cost

ROOT = Path(__file__).resolve().parent.parent
SUPPORT = (ROOT / "scenarios" / "support-assistant.yaml").read_text(encoding="utf-8")
THINKING = SUPPORT.replace("  - openai/gpt-4o\n", "  - openai/gpt-4o\n  - {offer: openai/gpt-4o, label: thinking, "
                                                  "reasoning_tokens: 1000}\n")


def _prices(**kw: object) -> ApiPrices:
    cols = dict(input=[5.0], output=[15.0], cached_input=[np.nan], tier_threshold=[np.inf], tier_input=[np.nan],
                tier_output=[np.nan], batch_discount=[0.5], discount=[0.0], context_window=[np.inf],
                reasoning_tokens=[2000.0])
    cols.update(kw)
    return ApiPrices.from_columns(**cols)


def test_reasoning_tokens_are_billed_at_the_output_price() -> None:
    # 1M requests of 1,000 in + 500 out + 2,000 reasoning at $5 / $15 per 1M tokens:
    # input 1M x 1,000 / 1M x 5 = $5,000; output 500 x 15 = $7,500; reasoning 2,000 x 15 = $30,000; total $42,500
    cost = api_cost(_prices(), np.array([1e6]), np.array([1000.0]), np.array([500.0]))
    assert cost.reasoning[0, 0] == pytest.approx(30_000.0)
    assert cost.output[0, 0] == pytest.approx(7_500.0)
    assert cost.total[0, 0] == pytest.approx(42_500.0)
    # all of it through the batch API at -50 %: $21,250 (reasoning discounted like output)
    batch = api_cost(_prices(), np.array([1e6]), np.array([1000.0]), np.array([500.0]), batch_share=1.0)
    assert batch.total[0, 0] == pytest.approx(21_250.0)
    # off-peak output at $7.50 for every request: reasoning 2,000 x 7.5 = $15,000 less -> $42,500 - 3,750 - 15,000
    # (input off-peak $5: unchanged) = $23,750
    off = api_cost(_prices(offpeak_input=[5.0], offpeak_output=[7.5], offpeak_cached_input=[np.nan],
                           offpeak_share=[1.0]), np.array([1e6]), np.array([1000.0]), np.array([500.0]))
    assert off.total[0, 0] == pytest.approx(23_750.0)


def test_reasoning_tokens_count_against_the_context_window() -> None:
    # 1,000 + 500 + 2,000 = 3,500 tokens > a 3,000-token window: cannot be served (NaN), never a price
    pts = (np.array([1e6]), np.array([1000.0]), np.array([500.0]))
    assert math.isnan(api_cost(_prices(context_window=[3000.0]), *pts).total[0, 0])
    assert api_cost(_prices(context_window=[3000.0], reasoning_tokens=[0.0]), *pts).total[0, 0] == pytest.approx(12_500.0)


def test_drawn_reasoning_tokens_replace_the_central_figure() -> None:
    # per-draw (C, P) figures: 0 and 4,000 reasoning tokens -> $12,500 and $72,500
    cost = api_cost(_prices(), np.array([1e6, 1e6]), np.array([1000.0, 1000.0]), np.array([500.0, 500.0]),
                    reasoning_tokens=np.array([[0.0, 4000.0]]))
    assert cost.total[0].tolist() == pytest.approx([12_500.0, 72_500.0])


def test_a_scenario_bills_them_and_says_so(catalog, capsys, write) -> None:
    est = tco.estimate(tco.parse_scenario(THINKING, "t.yaml", catalog), catalog)
    plain, thinking = est.candidate("openai/gpt-4o"), est.candidate("thinking")
    # 300,000 requests/month (10,000 x 30 days) x 1,000 reasoning tokens x $15 per 1M = $4,500 on top of $4,500
    assert plain.monthly_cost == pytest.approx(4500.0)
    assert thinking.monthly_cost == pytest.approx(9000.0)
    assert thinking.cost_breakdown["reasoning"] == pytest.approx(4500.0)
    assert "reasoning" not in plain.cost_breakdown
    d = est.to_dict()
    row = next(c for c in d["candidates"] if c["label"] == "thinking")
    assert row["price"]["reasoning_tokens"] == 1000.0 and row["cost_breakdown"]["reasoning"] == 4500.0
    assert row["cost_per_mtok"] == pytest.approx(9000.0 / (300_000 * 2000) * 1e6)  # per token sent and received
    assert main(["estimate", str(write(THINKING))]) == 0
    out = capsys.readouterr().out
    assert "reasoning (hidden)" in out and "300M tok x $15.00/1M" in out


def test_a_range_of_reasoning_tokens_is_drawn_and_ranked_by_sensitivity(catalog, capsys, write) -> None:
    text = THINKING.replace("reasoning_tokens: 1000", "reasoning_tokens: {low: 0, likely: 1000, high: 4000}")
    est = tco.estimate(tco.parse_scenario(text, "t.yaml", catalog), catalog, samples=20_000, seed=4)
    m = est.candidate("thinking").uncertainty["monthly_cost"]
    # cost = $4,500 + $4.50 per reasoning token; triangular(0, 1,000, 4,000): P10 = sqrt(0.1 x 4,000 x 1,000) = 632
    # -> $7,346; P90 = 4,000 - sqrt(0.1 x 4,000 x 3,000) = 2,905 -> $17,573
    assert m["p10"] == pytest.approx(7346.0, rel=0.02) and m["p90"] == pytest.approx(17573.0, rel=0.02)
    assert est.uncertainty["inputs"] == ["candidates.1.reasoning_tokens"]
    assert main(["sensitivity", str(write(text)), "-f", "json"]) == 0
    names = [i["name"] for i in json.loads(capsys.readouterr().out)["inputs"]]
    assert "candidates.1.reasoning_tokens" in names
    assert main(["sensitivity", str(write(text))]) == 0
    assert "reasoning tokens of thinking" in capsys.readouterr().out


def test_a_self_hosted_model_decodes_them(catalog) -> None:
    base = (ROOT / "scenarios" / "open-vs-closed-2026.yaml").read_text(encoding="utf-8")
    base = base.replace("requests_per_day: 100000", "requests_per_day: 2000000")
    more = base.replace("      model: deepseek-v3.1\n", "      model: deepseek-v3.1\n      reasoning_tokens: 2000\n")
    name = "DeepSeek V3.1 FP8, 8x H200 rented"
    a = tco.estimate(tco.parse_scenario(base, "a.yaml", catalog), catalog).candidate(name)
    b = tco.estimate(tco.parse_scenario(more, "b.yaml", catalog), catalog).candidate(name)
    # 500 visible + 2,000 hidden tokens decoded per request: 5x the decode work, more replicas at this volume
    # (3 -> 6 replicas of 8x H200 today: longer answers also batch better within the targets)
    assert b.monthly_cost >= 2 * a.monthly_cost and b.selfhost["replicas"] >= 2 * a.selfhost["replicas"]
    assert b.selfhost["reasoning_tokens"] == 2000.0 and a.selfhost["reasoning_tokens"] == 0.0
    assert any("2,000 hidden reasoning tokens per request" in x for x in b.selfhost["assumptions"])


@pytest.mark.parametrize(("value", "message"), [
    ("-5", "candidates.1.reasoning_tokens: must be at least 0 (got -5)"),
    ("lots", "candidates.1.reasoning_tokens: not a number: 'lots'"),
])
def test_bad_reasoning_tokens_are_located_one_line_errors(capsys, write, value: str, message: str) -> None:
    assert main(["estimate", str(write(THINKING.replace("reasoning_tokens: 1000", f"reasoning_tokens: {value}")))]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "scenario.yaml:18:" in err and message in err, err


def test_a_model_that_reasons_by_default_is_warned_until_its_tokens_are_given(catalog) -> None:
    text = (ROOT / "scenarios" / "open-vs-closed-2026.yaml").read_text(encoding="utf-8")
    est = tco.estimate(tco.parse_scenario(text, "a.yaml", catalog), catalog)
    warned = {c.id for c in est.candidates if any("reasons by default" in w for w in c.warnings)}
    # pricing/reasoning-defaults.yaml: GPT-5.5 effort medium, Gemini 3.5 Flash thinking level medium, Grok 4.3
    # effort low, DeepSeek V4 Pro, GLM-5.2 and Kimi K3 think by default; GPT-5.4 (effort none) and Claude Opus 4.7 /
    # Sonnet 4.6 (thinking off) do not
    assert warned == {"openai/gpt-5.5", "google/gemini-3.5-flash", "xai/grok-4.3", "deepseek/deepseek-v4-pro",
                      "zhipu/glm-5.2", "moonshot/kimi-k3"}
    given = text.replace("  - openai/gpt-5.5\n", "  - {offer: openai/gpt-5.5, reasoning_tokens: 800}\n")
    est = tco.estimate(tco.parse_scenario(given, "b.yaml", catalog), catalog)
    assert not any("reasons by default" in w for w in est.candidate("openai/gpt-5.5").warnings)
    assert catalog.reasoning_defaults["gpt-5.4"].reasons is False


def test_catalog_show_names_the_api_default_mode(capsys) -> None:
    assert main(["catalog", "show", "claude-opus-5"]) == 0
    assert "API default: adaptive thinking, effort high (hidden reasoning tokens billed as output); scores are for " \
           "this mode" in capsys.readouterr().out
    assert main(["catalog", "show", "claude-sonnet-5", "-f", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["model"]["reasoning_default"]["reasons"] is True


def test_draws_that_do_not_fit_the_window_are_counted(catalog) -> None:
    # GPT-4o on 2024-09-01 (128,000-token window): 125,000 + 500 + reasoning fits while reasoning <= 2,500;
    # triangular(100, 500, 5,000): P(reasoning > 2,500) = (5,000 - 2,500)^2 / (4,900 x 4,500) = 0.2834
    text = ("as_of: 2024-09-01\nworkload: {requests_per_day: 1000, input_tokens: 125000, output_tokens: 500}\n"
            "candidates:\n  - {offer: openai/gpt-4o, reasoning_tokens: {low: 100, likely: 500, high: 5000}}\n"
            "  - openai/gpt-4o-mini\n")
    est = tco.estimate(tco.parse_scenario(text, "w.yaml", catalog), catalog, samples=40_000, seed=2)
    g = est.candidate("openai/gpt-4o")
    assert g.uncertainty["p_no_cost"] == pytest.approx(0.2834, abs=0.01)
    assert any("no cost in 28% of the samples" in w for w in g.warnings)
    assert est.candidate("openai/gpt-4o-mini").uncertainty["p_no_cost"] == 0.0


def test_bill_quantities_multiply_out() -> None:
    from tco.report.format import list_price, tokens

    # three significant digits, halves up: 1,005,000,000 -> 1.01B, 11.25B -> 11.3B
    assert [tokens(n) for n in (4_562_500_000, 1_005_000_000, 3.8e9, 30_416_667, 450e6, 1500, 11.25e9)] == \
        ["4.56B", "1.01B", "3.80B", "30.4M", "450M", "1.50K", "11.3B"]
    # CNY 9.8 per 1M at 7.2794 per USD = $1.3463: "$1.35" would not multiply out to the line's amount
    assert list_price(9.8 / 7.2794, "USD") == "$1.346" and list_price(5.0, "USD") == "$5.00"
    assert list_price(0.1383, "USD") == "$0.1383"


def test_o1_models_have_their_2024_prices(catalog) -> None:
    # tokencost @74a4d56 (2024-10-13) and simonw/llm-prices @ba733d9 (2024-10-25): o1-preview 15/60, o1-mini 3/12
    from datetime import date

    p = catalog.price_at("openai/o1-preview", date(2024, 11, 1))
    assert (p.input, p.output, p.provenance.status) == (15.0, 60.0, "verified")
    m = catalog.price_at("openai/o1-mini", date(2024, 11, 1))
    assert (m.input, m.output, m.cached_input) == (3.0, 12.0, None)


def test_a_fixed_figure_gets_a_default_spread_in_sensitivity(capsys, write) -> None:
    assert main(["sensitivity", str(write(THINKING)), "-f", "json"]) == 0
    row = next(i for i in json.loads(capsys.readouterr().out)["inputs"] if i["name"] == "candidates.1.reasoning_tokens")
    assert (row["low"], row["high"]) == (500.0, 2000.0)  # 1,000 x0.5 and x2
    assert main(["sensitivity", str(write(SUPPORT)), "-f", "json"]) == 0  # no reasoning given: no such input
    assert not any("reasoning" in i["name"] for i in json.loads(capsys.readouterr().out)["inputs"])


def test_selfhost_command_takes_reasoning_tokens(capsys) -> None:
    # 500 visible + 1,500 hidden tokens are sized like 2,000 output tokens
    base = ["selfhost", "llama-3.1-8b-instruct", "--gpu", "h100-sxm-80gb", "-f", "json"]
    assert main(base + ["--output-tokens", "500", "--reasoning-tokens", "1500"]) == 0
    a = json.loads(capsys.readouterr().out)["deployment"]
    assert main(base + ["--output-tokens", "2000"]) == 0
    b = json.loads(capsys.readouterr().out)["deployment"]
    assert a == b
    assert main(base + ["--reasoning-tokens", "-3"]) == 2
    assert "--reasoning-tokens must be zero or more (got -3)" in capsys.readouterr().err


def test_reasoning_tokens_beside_selfhost_says_where_it_goes(capsys, write) -> None:
    text = ("workload: {requests_per_day: 1000, input_tokens: 1500, output_tokens: 500}\ncandidates:\n"
            "  - openai/gpt-4o\n  - selfhost: {model: llama-3.1-8b-instruct, gpu: h100-sxm-80gb}\n"
            "    reasoning_tokens: 1500\n")
    assert main(["estimate", str(write(text))]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "scenario.yaml:5:5: candidates.1.reasoning_tokens: unknown field (on a " \
        "self-hosted candidate, reasoning_tokens goes inside selfhost: {...})" in err, err


def test_a_self_hosted_model_that_thinks_by_default_is_warned(catalog) -> None:
    text = (ROOT / "scenarios" / "open-vs-closed-2026.yaml").read_text(encoding="utf-8")
    est = tco.estimate(tco.parse_scenario(text, "a.yaml", catalog), catalog)
    # GLM-4.5-Air thinks by default (reasoning-defaults.yaml); DeepSeek V3.1's plain id is its non-thinking mode
    assert any("thinks by default" in w for w in est.candidate("GLM-4.5-Air FP8, rented H100 node").warnings)
    assert not any("thinks by default" in w for w in est.candidate("DeepSeek V3.1 FP8, 8x H200 rented").warnings)


def test_reasoning_shifts_a_length_mix_instead_of_stretching_it() -> None:
    from tco.engine.selfhost.mix import LengthShape, shifted

    # lengths 250 and 750 (mean 500) plus 1,500 hidden tokens each: 1,750 and 2,250 around a mean of 2,000
    s = shifted(LengthShape((0.5, 1.5), (0.5, 0.5)), 500.0, 1500.0)
    assert [z * 2000 for z in s.z] == pytest.approx([1750.0, 2250.0]) and s.w == (0.5, 0.5)


def test_an_unknown_currency_error_keeps_its_hint(capsys, write) -> None:
    # the span between the closing quote of 'XYZ' and the apostrophe of "scenario's" is not a quoted value
    text = "currency: XYZ\nworkload: {requests_per_day: 1000, input_tokens: 1500, output_tokens: 500}\n" \
           "candidates: [openai/gpt-4o]\n"
    assert main(["estimate", str(write(text))]) == 2
    err = capsys.readouterr().err
    assert "the catalog has rates for AUD, CAD" in err and "give one in the scenario's fx: section)" in err, err


def test_an_empty_value_says_so(capsys, write) -> None:
    assert main(["estimate", str(write(THINKING.replace("reasoning_tokens: 1000", "reasoning_tokens: ~")))]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "candidates.1.reasoning_tokens: must be a number (got null: an empty value)" in err, err


def test_reasoning_tokens_in_the_workload_says_it_is_per_candidate(capsys, write) -> None:
    text = SUPPORT.replace("  output_tokens: 500\n", "  output_tokens: 500\n  reasoning_tokens: 800\n")
    assert main(["estimate", str(write(text))]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "workload.reasoning_tokens: unknown field (reasoning_tokens is per candidate" in err


def test_the_reviews_reasoning_models_are_warned_at_their_defaults(catalog, write) -> None:
    # reasoning-defaults.yaml, 2026-12-01: Gemini 3.1 Pro Preview thinks at level high, gpt-oss at effort medium
    # (the harmony guide), MiniMax-M3 adaptively, DeepSeek R1 always; Claude Opus 4.1 only when asked
    text = ("workload: {requests_per_day: 1000, input_tokens: 1500, output_tokens: 500}\ncandidates:\n"
            "  - google/gemini-3.1-pro-preview\n  - cerebras/gpt-oss-120b\n  - minimax/minimax-m3\n"
            "  - novita/deepseek-deepseek-r1-0528\n  - aws-bedrock/regional.anthropic.claude-opus-4-1-20250805-v1-0\n")
    est = tco.estimate(tco.load_scenario(write(text), catalog), catalog, as_of=date(2026, 12, 1))
    warned = {c.id for c in est.candidates if any("reasons by default" in w for w in c.warnings)}
    assert warned == {"google/gemini-3.1-pro-preview", "cerebras/gpt-oss-120b", "minimax/minimax-m3",
                      "novita/deepseek-deepseek-r1-0528"}
    for model in ("gpt-oss-120b", "gpt-oss-20b"):
        assert catalog.reasoning_defaults[model].setting == "always reasons, effort medium"
    assert catalog.reasoning_defaults["claude-opus-4.1"].reasons is False
