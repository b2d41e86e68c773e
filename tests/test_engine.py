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
    assert r[:, 0].tolist() == [2, 1, 0]
    # a candidate below min coverage is not ranked even with a finite value
    r = rank(cpq, np.array([True, False, True]))
    assert r[:, 0].tolist() == [1, 0, 0]


def test_request_longer_than_the_context_window_has_no_cost() -> None:
    # 127,000 in + 1,000 out = 128,000 fits a 128K window; 128,000 + 1,000 does not
    p = prices(input=[1.0], output=[1.0], context_window=[128_000])
    c = api_cost(p, np.array([1.0, 1.0]), np.array([127_000.0, 128_000.0]), np.array([1000.0, 1000.0]))
    assert c.total[0, 0] == pytest.approx(0.128) and math.isnan(c.total[0, 1])
