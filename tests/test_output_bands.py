"""Price tiers conditioned on output length (Zhipu GLM-4.5 to 4.7, Doubao Seed 1.6 and 1.8): the
selection rule in the engine, the schema's checks, and the reviewer's GLM-4.7 case end to end.

The rule: a request is billed entirely at the prices of the LAST tier, in list order, whose
conditions all hold (prompt > above_input_tokens AND output + reasoning > above_output_tokens;
0 = no condition), else at the point's own prices."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from tco.engine.api import ApiPrices, api_cost, select_tier, tier_at
from tco.errors import TcoError

NAN = math.nan
INF = math.inf


def glm(**over: object) -> ApiPrices:
    """GLM-4.6 / 4.7 per 1M CNY: base (<=32K prompt, <=200 output) 2 / 8, cache 0.4; tier 1 output
    >200: 3 / 14, cache 0.6; tier 2 prompt >32K: 4 / 16, cache 0.8 (listed last, so it wins)."""
    cols: dict[str, object] = {
        "input": [2.0], "output": [8.0], "cached_input": [0.4],
        "tier_threshold": [[0.0, 32_000.0]], "tier_out_threshold": [[200.0, 0.0]],
        "tier_input": [[3.0, 4.0]], "tier_output": [[14.0, 16.0]], "tier_cached_input": [[0.6, 0.8]],
        "batch_discount": [NAN], "discount": [0.0], "context_window": [INF]}
    cols.update(over)
    return ApiPrices.from_columns(**cols)  # type: ignore[arg-type]


def test_output_band_picked_above_200_not_at_150() -> None:
    # 1,000 requests of 1,000 in (none cached):
    #   150 out: base 2 / 8   -> 1,000 x (1,000 x 2 + 150 x 8) / 1M = 2.0 + 1.2 = 3.2
    #   200 out: still base (not longer than 200) -> 2.0 + 1.6 = 3.6
    #   400 out: band 3 / 14  -> 1,000 x (1,000 x 3 + 400 x 14) / 1M = 3.0 + 5.6 = 8.6
    c = api_cost(glm(), np.full(3, 1000.0), np.full(3, 1000.0), np.array([150.0, 200.0, 400.0]))
    assert c.total[0].tolist() == pytest.approx([3.2, 3.6, 8.6])
    assert c.long_context[0].tolist() == [False, False, False]  # an output band is not a long prompt


def test_long_prompt_wins_over_the_output_band() -> None:
    # 40,000-token prompt, 400 out: both tiers hold, the last (prompt >32K) prices it: 4 / 16
    #   1,000 x (40,000 x 4 + 400 x 16) / 1M = 160 + 6.4 = 166.4  (band 3 / 14 would give 120 + 5.6 = 125.6)
    # and with 150 out only the prompt tier holds: 160 + 2.4 = 162.4
    c = api_cost(glm(), np.full(2, 1000.0), np.full(2, 40_000.0), np.array([400.0, 150.0]))
    assert c.total[0].tolist() == pytest.approx([166.4, 162.4])
    assert c.long_context[0].tolist() == [True, True]


def test_reasoning_tokens_count_towards_the_band() -> None:
    # 150 visible output + 100 hidden reasoning = 250 billed output tokens > 200: the band 3 / 14 applies
    #   1,000 x (1,000 x 3 + 150 x 14 + 100 x 14) / 1M = 3.0 + 2.1 + 1.4 = 6.5
    # without reasoning the same request is 2.0 + 1.2 = 3.2 (base)
    c = api_cost(glm(reasoning_tokens=[100.0]), np.full(1, 1000.0), np.full(1, 1000.0), np.array([150.0]))
    assert c.total[0, 0] == pytest.approx(6.5)
    assert c.output[0, 0] == pytest.approx(2.1) and c.reasoning[0, 0] == pytest.approx(1.4)
    # drawn reasoning (C, P) replaces the per-candidate figure: 40 -> 190 billed, base; 60 -> 210, band
    c = api_cost(glm(), np.full(2, 1000.0), np.full(2, 1000.0), np.full(2, 150.0),
                 reasoning_tokens=np.array([[40.0, 60.0]]))
    # 2.0 + 1.2 + 40 x 8 / 1,000 = 3.52 ; 3.0 + 2.1 + 60 x 14 / 1,000 = 5.94
    assert c.total[0].tolist() == pytest.approx([3.52, 5.94])


def test_cached_price_follows_the_band() -> None:
    # 1,000 requests of 1,500 in, half cached, 400 out (the reviewer's request shape):
    #   band 3 / 14 / cache 0.6: 750 x 3 + 750 x 0.6 + 400 x 14 = 2,250 + 450 + 5,600 = 8,300 per 1M per request
    #   -> 1,000 requests = 8.3 ; at the base 2 / 8 / 0.4 it would be 1,500 + 300 + 3,200 = 5,000 -> 5.0
    c = api_cost(glm(), np.full(1, 1000.0), np.full(1, 1500.0), np.full(1, 400.0), cached_share=0.5)
    assert c.total[0, 0] == pytest.approx(8.3)
    # a band without its own cached price scales the base one like its input: 0.4 x 3 / 2 = 0.6, the same 8.3
    c = api_cost(glm(tier_cached_input=[[NAN, NAN]]), np.full(1, 1000.0), np.full(1, 1500.0), np.full(1, 400.0),
                 cached_share=0.5)
    assert c.total[0, 0] == pytest.approx(8.3)


def test_input_only_tiers_unchanged() -> None:
    # without tier_out_threshold (default 0: no output condition) prompt tiers work as before:
    # Doubao Seed 1.6 0.8 / 8, >32K 1.2 / 16, >128K 2.4 / 24; 1,000 requests of 1K out
    #   10K in: 8 + 8 = 16 ; 100K: 120 + 16 = 136 ; 200K: 480 + 24 = 504
    p = ApiPrices(input=np.array([0.8]), output=np.array([8.0]), cached_input=np.array([NAN]),
                  tier_threshold=np.array([[32_000.0, 128_000.0]]), tier_input=np.array([[1.2, 2.4]]),
                  tier_output=np.array([[16.0, 24.0]]), batch_discount=np.array([NAN]), discount=np.array([0.0]),
                  context_window=np.array([INF]))
    assert p.tier_out_threshold.tolist() == [[0.0, 0.0]]
    c = api_cost(p, np.full(3, 1000.0), np.array([10_000.0, 100_000.0, 200_000.0]), np.full(3, 1000.0))
    assert c.total[0].tolist() == pytest.approx([16.0, 136.0, 504.0])


def test_select_tier_is_the_last_that_holds() -> None:
    # tiers: 1 = out >200, 2 = prompt >32K, 3 = prompt >32K and out >1,000, 4 = padding (never)
    thr_in = np.array([[0.0, 32_000.0, 32_000.0, INF]])
    thr_out = np.array([[200.0, 0.0, 1000.0, 0.0]])
    inp = np.array([1000.0, 1000.0, 40_000.0, 40_000.0, 40_000.0])
    out = np.array([[150.0, 400.0, 150.0, 400.0, 2000.0]])
    assert select_tier(thr_in, thr_out, inp, out).tolist() == [[0, 1, 2, 2, 3]]
    # the scalar form renderers use agrees
    tiers = [(0, 200), (32_000, 0), (32_000, 1000)]
    assert [tier_at(tiers, i, o) for i, o in zip(inp, out[0], strict=True)] == [0, 1, 2, 2, 3]
    assert tier_at([], 1e9, 1e9) == 0


def test_prompt_only_tiers_pick_what_the_old_count_rule_picked() -> None:
    # before output bands the tier was the number of (sorted) prompt thresholds the prompt passed;
    # with no output condition the last tier that holds is the same tier, for any output length
    rng = np.random.default_rng(7)
    C, T, P = 50, 3, 200
    values = [1_000.0, 8_000.0, 32_000.0, 128_000.0, 200_000.0, INF]  # INF: padding, a tier that never holds
    thr = np.sort([rng.choice(values, size=T, replace=False) for _ in range(C)], axis=1)
    inp = rng.uniform(0, 300_000, P)
    out = rng.uniform(0, 5_000, (C, P))
    old = (inp[None, None, :] > thr[:, :, None]).sum(axis=1)
    assert (select_tier(thr, np.zeros((C, T)), inp, out) == old).all()


def test_a_tier_without_a_condition_is_refused() -> None:
    from pydantic import ValidationError

    from tco.schema.catalog import ContextTier, PricePoint

    with pytest.raises(ValidationError, match="a tier needs a condition"):
        ContextTier(input=3.0, output=14.0)
    with pytest.raises(ValidationError, match="a tier needs a condition"):
        ContextTier(above_input_tokens=0, above_output_tokens=0, input=3.0, output=14.0)
    with pytest.raises(ValidationError, match="greater than or equal to 0"):
        ContextTier(above_output_tokens=-1, input=3.0, output=14.0)
    ok = ContextTier(above_output_tokens=200, input=3.0, output=14.0)
    assert (ok.above_input_tokens, ok.above_output_tokens) == (0, 200)
    prov = {"source": "test", "checked": "2026-12-01", "status": "verified"}
    band, long = {"above_output_tokens": 200, "input": 3.0, "output": 14.0}, {"above_input_tokens": 32000,
                                                                              "input": 4.0, "output": 16.0}
    PricePoint(effective_from="2026-01-01", currency="CNY", input=2, output=8, tiers=[band, long], provenance=prov)
    # the prompt tier first would let the output band hide it for long prompts with long outputs: refused
    with pytest.raises(ValidationError, match="increasing order of above_input_tokens, then of above_output_tokens"):
        PricePoint(effective_from="2026-01-01", currency="CNY", input=2, output=8, tiers=[long, band],
                   provenance=prov)
    with pytest.raises(ValidationError, match="without duplicates"):
        PricePoint(effective_from="2026-01-01", currency="CNY", input=2, output=8, tiers=[band, band],
                   provenance=prov)


def test_tier_errors_are_located(tmp_path: Path) -> None:
    """A provider file with a condition-less tier, or tiers out of order: one located line each."""
    from tco.catalog.loader import _load_file
    from tco.schema.catalog import ProviderFile

    text = (Path(__file__).resolve().parent.parent / "pricing" / "api" / "zhipu.yaml").read_text()
    pad = "\n          "
    band = "- {above_output_tokens: 200, input: 3.0, output: 14.0, cached_input: 0.6}"
    long = "- {above_input_tokens: 32000, input: 4.0, output: 16.0, cached_input: 0.8}"
    assert band + pad + long in text
    cases = {  # (the broken file, the text the error must point at)
        "a tier needs a condition": (text.replace(band, "- {input: 3.0, output: 14.0, cached_input: 0.6}", 1),
                                     "- {input: 3.0, output: 14.0"),
        # the prompt tier first: the output band would hide it for long prompts with long outputs
        "tiers must be in increasing order": (text.replace(band + pad + long, long + pad + band, 1), long)}
    for message, (bad, at) in cases.items():
        f = tmp_path / "zhipu.yaml"
        f.write_text(bad)
        with pytest.raises(TcoError) as e:
            _load_file(f, ProviderFile, tmp_path)
        msg = str(e.value)
        line = bad[:bad.index(at)].count("\n") + 1
        assert message in msg and "\n" not in msg, msg
        # the tier itself (offers.N.prices.M.tiers.0), or for the order the point's tiers list
        assert f"zhipu.yaml:{line}:" in msg and ".tiers" in msg, (line, msg)


REVIEW = """\
name: GLM-4.7 with 400-token answers
currency: CNY
as_of: 2026-12-01
workload:
  requests_per_day: 200000
  input_tokens: 1500
  output_tokens: 400
  cached_input_share: 0.5
candidates:
  - zhipu/glm-4.7
"""


def test_reviewer_glm47_billed_at_the_long_output_band(tmp_path: Path) -> None:
    """200,000 requests/day x 365/12 days = 6,083,333.33 requests/month of 1,500 in (750 cached) + 400 out.

    GLM-4.7 on 2026-12-01 (point of 2026-08-01): 400 > 200 output tokens, prompt 1,500 <= 32K: the
    >200-output band 3 / 14, cache 0.6 CNY per 1M.
      per request: 750 x 3 + 750 x 0.6 + 400 x 14 = 2,250 + 450 + 5,600 = 8,300 CNY per 1M requests' tokens
      month: 6,083,333.33 x 8,300 / 1M = 50,491.67 CNY
    The short-output band alone (2 / 8 / 0.4, what was billed before): 1,500 + 300 + 3,200 = 5,000
      -> 30,416.67 CNY."""
    from tco.catalog import load_catalog
    from tco.plan.estimate import estimate_file

    path = tmp_path / "review.yaml"
    path.write_text(REVIEW)
    est = estimate_file(path, load_catalog())
    (c,) = est.candidates
    assert c.monthly_cost == pytest.approx(50_491.67, abs=0.005)
    assert c.price["effective_from"] == "2026-08-01"
    band = c.price["tiers"][0]
    assert (band["above_input_tokens"], band["above_output_tokens"]) == (0, 200)
    assert (band["input_per_mtok"], band["output_per_mtok"], band["cached_input_per_mtok"]) == pytest.approx(
        (3.0, 14.0, 0.6))  # CNY -> USD -> CNY: float noise
    assert c.price["long_context_tier"]["above_input_tokens"] == 32_000  # the prompt tier, not the band
    assert any("priced by output length" in w and "400 tokens, above 200" in w for w in c.warnings)
    assert not any("long-context prices" in w for w in c.warnings)
    from tco.report import render

    table = render(est, "table")
    # the bill's lines show the band's prices the engine billed
    assert "x ¥3.00/1M" in table and "x ¥0.6000/1M" in table and "x ¥14.00/1M" in table
    # 150 output tokens: the short band, 1,500 + 300 + 150 x 8 = 3,000 per request -> 18,250.00 CNY
    path.write_text(REVIEW.replace("output_tokens: 400", "output_tokens: 150"))
    (c,) = estimate_file(path, load_catalog()).candidates
    assert c.monthly_cost == pytest.approx(18_250.0, abs=0.005)
    assert any("150 tokens, not above 200" in w for w in c.warnings)


def test_doubao_seed_16_output_band_and_flat_cache_price(tmp_path: Path) -> None:
    """Doubao Seed 1.6 on 2026-12-01 (point of 2026-07-03), 6,083,333.33 requests/month, half the prompt cached:
      1,500 in, 150 out (<=200: output 2): 750 x 0.8 + 750 x 0.16 + 150 x 2 = 600 + 120 + 300 = 1,020 -> 6,205.00
      1,500 in, 400 out (>200: output 8): 600 + 120 + 400 x 8 = 3,920 -> 23,846.67
      40,000 in, 400 out (>32K: 1.2 / 16, cache 0.16 in every prompt tier, not 0.16 x 1.2 / 0.8 = 0.24):
        20,000 x 1.2 + 20,000 x 0.16 + 400 x 16 = 24,000 + 3,200 + 6,400 = 33,600 -> 204,400.00"""
    from tco.catalog import load_catalog
    from tco.plan.estimate import estimate_file

    path = tmp_path / "doubao.yaml"
    for inp, out, want in ((1500, 150, 6_205.0), (1500, 400, 23_846.67), (40_000, 400, 204_400.0)):
        path.write_text(REVIEW.replace("zhipu/glm-4.7", "volcengine/doubao-seed-1.6")
                        .replace("input_tokens: 1500", f"input_tokens: {inp}")
                        .replace("output_tokens: 400", f"output_tokens: {out}"))
        (c,) = estimate_file(path, load_catalog()).candidates
        assert c.monthly_cost == pytest.approx(want, abs=0.005), (inp, out)
