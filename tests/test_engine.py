"""The numpy engine: hand-checked arithmetic and properties (no catalog, no files)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tco.engine.api import ApiPrices, api_cost, api_cost_loop
from tco.engine.quality import cost_per_quality_point, normalize, quality, rank

NAN = math.nan
INF = math.inf


def prices(**over: list[float]) -> ApiPrices:
    n = len(next(iter(over.values())))
    cols = {"input": [5.0] * n, "output": [15.0] * n, "cached_input": [NAN] * n, "tier_threshold": [INF] * n,
            "tier_input": [NAN] * n, "tier_output": [NAN] * n, "batch_discount": [NAN] * n, "discount": [0.0] * n,
            "context_window": [INF] * n}
    cols.update(over)
    return ApiPrices.from_columns(**cols)


def one(x: float) -> np.ndarray:
    return np.array([x])


def test_gpt4o_hand_check() -> None:
    # 10,000 req/day x 30 days = 300,000 req; x 1,500 in = 450M, x 500 out = 150M tokens.
    # $5/1M x 450 + $15/1M x 150 = 2,250 + 2,250 = $4,500.00
    # the 2024-08-06 snapshot at $2.50 / $10: 1,125 + 1,500 = $2,625.00
    p = prices(input=[5.0, 2.5], output=[15.0, 10.0])
    c = api_cost(p, one(300_000), one(1500), one(500))
    assert c.total[:, 0].tolist() == pytest.approx([4500.0, 2625.0], abs=1e-9)
    assert c.input[0, 0] == pytest.approx(2250.0)
    assert c.output[0, 0] == pytest.approx(2250.0)


def test_cny_price_converted_once() -> None:
    # DeepSeek 1 / 2 CNY per 1M: 450 x 1 + 150 x 2 = 750 CNY; 750 / 7.2327 = 103.6957... USD -> $103.70
    fx = 7.2327
    p = prices(input=[1.0 / fx], output=[2.0 / fx])
    c = api_cost(p, one(300_000), one(1500), one(500))
    assert round(float(c.total[0, 0]), 2) == 103.70


def test_cached_share_uses_cached_price_and_falls_back_to_input() -> None:
    # 1,000 req x 1,000 in, 40 % cached: 600K uncached x $2 + 400K cached x $0.5 = 1.2 + 0.2 = $1.40 input
    # no output. Candidate 2 has no cached price: all 1M input at $2 = $2.00
    p = prices(input=[2.0, 2.0], output=[0.0, 0.0], cached_input=[0.5, NAN])
    c = api_cost(p, one(1000), one(1000), one(0), cached_share=0.4)
    assert c.total[:, 0].tolist() == pytest.approx([1.40, 2.00])


def test_unknown_cached_price_does_not_poison_uncached_runs() -> None:
    p = prices(input=[2.0], output=[1.0], cached_input=[NAN])
    c = api_cost(p, one(1000), one(1000), one(1000), cached_share=0.0)
    assert c.total[0, 0] == pytest.approx(3.0)  # 1M x $2 + 1M x $1 per 1M tokens


def test_long_context_tier_is_a_cliff() -> None:
    # 128,000-token prompts stay at base price; 128,001 re-price the WHOLE request.
    # 1 req x 128,000 in x $3.5/1M = $0.448 ; 1 req x 128,001 in x $7/1M = $0.896007
    p = prices(input=[3.5], output=[10.5], tier_threshold=[128_000], tier_input=[7.0], tier_output=[21.0])
    c = api_cost(p, np.array([1.0, 1.0]), np.array([128_000.0, 128_001.0]), np.array([0.0, 0.0]))
    assert c.total[0].tolist() == pytest.approx([0.448, 0.896007])
    assert c.long_context[0].tolist() == [False, True]


def test_batch_and_negotiated_discounts() -> None:
    # gross $100 (1M in x $100); half the traffic batched at 50 % off -> 100 - 25 = 75; then 20 % off -> 60
    p = prices(input=[100.0], output=[0.0], batch_discount=[0.5], discount=[0.2])
    c = api_cost(p, one(1000), one(1000), one(0), batch_share=0.5)
    assert c.total[0, 0] == pytest.approx(60.0)
    assert c.batch_savings[0, 0] == pytest.approx(25.0)
    assert c.discount_savings[0, 0] == pytest.approx(15.0)


def test_unknown_price_is_nan_never_zero() -> None:
    p = prices(input=[1.0], output=[NAN])
    c = api_cost(p, one(1000), one(1000), one(10))
    assert math.isnan(c.total[0, 0])


def test_free_is_zero() -> None:
    p = prices(input=[0.0], output=[0.0])
    assert api_cost(p, one(1e6), one(1000), one(1000)).total[0, 0] == 0.0


@settings(max_examples=60, deadline=None)
@given(
    rpm=st.floats(1, 1e9), inp=st.floats(1, 2e5), out=st.floats(1, 1e4), k=st.floats(1.01, 100),
    pin=st.floats(0, 100), pout=st.floats(0, 100), share=st.floats(0, 1),
)
def test_cost_linear_in_volume_and_monotone_in_price(rpm, inp, out, k, pin, pout, share) -> None:
    p = prices(input=[pin, pin * 1.5], output=[pout, pout * 1.5], cached_input=[pin / 2, pin / 2 * 1.5])
    c1 = api_cost(p, one(rpm), one(inp), one(out), cached_share=share).total[:, 0]
    ck = api_cost(p, one(rpm * k), one(inp), one(out), cached_share=share).total[:, 0]
    np.testing.assert_allclose(ck, c1 * k, rtol=1e-9, atol=1e-9)  # atol: subnormal prices
    assert c1[1] >= c1[0]  # every price 1.5x higher -> cost never lower


def test_vectorized_equals_loop() -> None:
    rng = np.random.default_rng(7)
    C, P = 13, 500
    p = prices(
        input=rng.uniform(0, 20, C).tolist(), output=rng.uniform(0, 60, C).tolist(),
        cached_input=np.where(rng.random(C) < 0.5, NAN, 0.1).tolist(),
        tier_threshold=np.where(rng.random(C) < 0.3, 128_000, INF).tolist(),
        tier_input=rng.uniform(20, 40, C).tolist(), tier_output=rng.uniform(60, 90, C).tolist(),
        batch_discount=np.where(rng.random(C) < 0.5, 0.5, NAN).tolist(), discount=rng.uniform(0, 0.3, C).tolist(),
        context_window=np.where(rng.random(C) < 0.5, 128_000, INF).tolist(),
    )
    rpm = rng.uniform(1e3, 1e8, P)
    inp = rng.uniform(100, 200_000, P)
    out = rng.uniform(10, 4000, P)
    cs = rng.uniform(0, 1, P)
    bs = rng.uniform(0, 1, P)
    vec = api_cost(p, rpm, inp, out, cs, bs).total
    loop = api_cost_loop(p, rpm, inp, out, cs, bs)
    np.testing.assert_allclose(vec, loop, rtol=1e-12)
    assert np.isnan(vec).any() and np.isfinite(vec).any()  # some requests exceed a 128K window


def test_quality_weighted_mean_and_coverage() -> None:
    # weights mmlu-cot 1, humaneval 1, alignbench 2 (0-10 scale)
    # A: 88.7, 90.2, 8.0 -> normalized 88.7, 90.2, 80 -> (88.7 + 90.2 + 2 x 80) / 4 = 84.725, coverage 1
    # B: 73.0, missing, missing -> quality 73.0, coverage 1/4
    raw = np.array([[88.7, 90.2, 8.0], [73.0, NAN, NAN], [NAN, NAN, NAN]])
    norm = normalize(raw, np.array([0.0, 0.0, 0.0]), np.array([100.0, 100.0, 10.0]))
    q, cov = quality(norm, np.array([1.0, 1.0, 2.0]))
    assert q[0] == pytest.approx(84.725)
    assert q[1] == pytest.approx(73.0)
    assert math.isnan(q[2])
    assert cov.tolist() == pytest.approx([1.0, 0.25, 0.0])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(0.0, 1.0), min_size=3, max_size=3).filter(lambda w: sum(w) > 0),
       st.sampled_from([1e-300, 1e-6, 1.0, 1e6, 1e300, 1e308]))
def test_quality_depends_on_weight_ratios_only(weights: list[float], scale: float) -> None:
    # weights such as mmlu:1e308 must not overflow to inf quality (and $0.00 per point)
    raw = np.array([[88.7, 90.2, 80.0], [73.0, NAN, NAN], [NAN, 50.0, 60.0]])
    w = np.array(weights)
    q1, c1 = quality(raw, w)
    with np.errstate(over="ignore", under="ignore"):
        scaled = np.minimum(w * scale, np.finfo(np.float64).max)
    if not (scaled > 0).any():
        return  # every weight underflowed to 0: not a profile
    q2, c2 = quality(raw, scaled)
    assert np.isfinite(q2[~np.isnan(q2)]).all() and np.isfinite(c2).all()
    if np.allclose(scaled / scaled.max(), w / w.max(), rtol=1e-12, atol=0):  # the ratios survived the scaling
        np.testing.assert_allclose(q2, q1, rtol=1e-9)
        np.testing.assert_allclose(c2, c1, rtol=1e-9)


def test_cost_per_quality_point_and_rank() -> None:
    # $4,500 / 89.45 quality = $50.307 per point; $157.5 / 80 = $1.969; NaN quality -> not ranked
    cost = np.array([[4500.0], [157.5], [103.7]])
    q = np.array([89.45, 80.0, NAN])
    cpq = cost_per_quality_point(cost, q)
    assert cpq[0, 0] == pytest.approx(4500 / 89.45)
    assert math.isnan(cpq[2, 0])
    r = rank(cpq, np.array([True, True, True]))
    assert r[:2, 0].tolist() == [2, 1] and math.isnan(r[2, 0])
    # a candidate below min coverage is not ranked even with a finite value
    r = rank(cpq, np.array([True, False, True]))
    assert r[0, 0] == 1 and np.isnan(r[1:, 0]).all()
    # unranked rows sort last (an ascending sort by rank never puts them first)
    assert np.argsort(r[:, 0], kind="stable").tolist()[0] == 0


def test_huge_quality_weights_stay_finite() -> None:
    # weights 1e308 and 1e308 would sum to inf: relative weights give the plain mean (80 + 60) / 2 = 70
    q, cov = quality(np.array([[80.0, 60.0]]), np.array([1e308, 1e308]))
    assert q[0] == pytest.approx(70.0) and cov[0] == pytest.approx(1.0)


def test_request_longer_than_the_context_window_has_no_cost() -> None:
    # 127,000 in + 1,000 out = 128,000 fits a 128K window; 128,000 + 1,000 does not
    p = prices(input=[1.0], output=[1.0], context_window=[128_000])
    c = api_cost(p, np.array([1.0, 1.0]), np.array([127_000.0, 128_000.0]), np.array([1000.0, 1000.0]))
    assert c.total[0, 0] == pytest.approx(0.128) and math.isnan(c.total[0, 1])


def test_prompt_length_tiers_cliff_rule() -> None:
    # Doubao Seed 1.6: 0.8 / 8 up to 32K, 1.2 / 16 above 32K, 2.4 / 24 above 128K (whole request, per 1M)
    # 1,000 requests of 100K in + 1K out: 1,000 x (100,000 x 1.2 + 1,000 x 16) / 1M = 120 + 16 = 136
    # of 200K in: 1,000 x (200,000 x 2.4 + 1,000 x 24) / 1M = 480 + 24 = 504; of 10K: 8 + 8 = 16
    p = ApiPrices(input=np.array([0.8]), output=np.array([8.0]), cached_input=np.array([NAN]),
                  tier_threshold=np.array([[32_000.0, 128_000.0]]), tier_input=np.array([[1.2, 2.4]]),
                  tier_output=np.array([[16.0, 24.0]]), batch_discount=np.array([NAN]), discount=np.array([0.0]),
                  context_window=np.array([INF]))
    c = api_cost(p, np.full(3, 1000.0), np.array([10_000.0, 100_000.0, 200_000.0]), np.full(3, 1000.0))
    assert c.total[0].tolist() == pytest.approx([16.0, 136.0, 504.0])
    assert c.long_context[0].tolist() == [False, True, True]


def test_offpeak_cache_write_batch_and_fees() -> None:
    # DeepSeek 2025 in USD: 0.27 in / 1.10 out, off-peak 0.135 / 0.55, window 16:30-00:30 = 1/3 of the day.
    # 3,000 requests of 1,000 in + 1,000 out: list 3,000 x (0.27 + 1.10) / 1,000 = 4.11;
    # off-peak third pays half: savings 4.11 x 1/3 x 0.5 = 0.685 -> total 3.425
    ds = prices(input=[0.27], output=[1.10], offpeak_input=[0.135], offpeak_output=[0.55], offpeak_share=[1 / 3])
    c = api_cost(ds, one(3000), one(1000), one(1000))
    assert c.offpeak_savings[0, 0] == pytest.approx(0.685) and c.total[0, 0] == pytest.approx(3.425)
    # no batch price on record: half the requests sent as batch are billed like the others, the off-peak
    # third of them included: still 3.425 (not 4.11 x 0.5 + 3.425 x 0.5 = 3.7675)
    c = api_cost(ds, one(3000), one(1000), one(1000), batch_share=0.5)
    assert c.batch_savings[0, 0] == 0.0 and c.total[0, 0] == pytest.approx(3.425)
    # Claude Sonnet 4: 3 in, 15 out, cache read 0.30, cache write 3.75; 1,000 requests of 10,000 in (half read
    # from the cache, a fifth written) + 500 out: input 3,000 x 3 = 9.0, read 5,000 x 0.30 = 1.5,
    # write 2,000 x 3.75 = 7.5, output 500 x 15 = 7.5 -> per 1M x 1,000 requests = 9.0 + 1.5 + 7.5 + 7.5 = 25.5
    cl = prices(input=[3.0], output=[15.0], cached_input=[0.30], cache_write=[3.75])
    c = api_cost(cl, one(1000), one(10_000), one(500), cached_share=0.5, cache_write_share=0.2)
    assert (c.input[0, 0], c.cached_input[0, 0], c.cache_write[0, 0], c.output[0, 0]) == pytest.approx((9.0, 1.5, 7.5, 7.5))
    assert c.total[0, 0] == pytest.approx(25.5)
    # half the requests through the batch API at 50 % off: savings 25.5 x 0.5 x 0.5 = 6.375 -> 19.125
    cb = prices(input=[3.0], output=[15.0], cached_input=[0.30], cache_write=[3.75], batch_discount=[0.5])
    c = api_cost(cb, one(1000), one(10_000), one(500), cached_share=0.5, cache_write_share=0.2, batch_share=0.5)
    assert c.batch_savings[0, 0] == pytest.approx(6.375) and c.total[0, 0] == pytest.approx(19.125)
    # explicit batch prices (input 1.0, output 5.0 instead of 3 / 15) win over the discount: the batch half pays
    # a third: savings 25.5 x 0.5 x (1 - 1/3) = 8.5
    ce = prices(input=[3.0], output=[15.0], cached_input=[0.30], cache_write=[3.75], batch_discount=[0.5],
                batch_input=[1.0], batch_output=[5.0])
    c = api_cost(ce, one(1000), one(10_000), one(500), cached_share=0.5, cache_write_share=0.2, batch_share=0.5)
    assert c.batch_savings[0, 0] == pytest.approx(8.5)
    # a fee of $0.005 per request (5 per 1,000): 1,000 requests add 5.0
    cf = prices(input=[1.0], output=[1.0], per_request=[0.005])
    c = api_cost(cf, one(1000), one(1000), one(1000))
    assert c.request_fees[0, 0] == pytest.approx(5.0) and c.total[0, 0] == pytest.approx(2.0 + 5.0)
