"""Percentile latency (the queueing model of tco.engine.selfhost.tails) and request-length
mixes (tco.engine.selfhost.mix), with the closed forms worked by hand."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from tco.catalog.hardware import accelerator_params, engine_params, load_hardware, model_shape
from tco.engine import selfhost as sh
from tco.engine.selfhost import mix, tails

ROOT = Path(__file__).resolve().parent.parent
HW = load_hardware(ROOT / "pricing" / "hardware")


@pytest.fixture
def dep(catalog) -> sh.Deployment:
    return sh.Deployment(model=model_shape(catalog.model("llama-3.1-70b-instruct")),
                         gpu=accelerator_params(HW.accelerator("h100-sxm-80gb")),
                         engine=engine_params(HW.engine("trtllm")), precision="fp8", gpus=2)


# --- length mixes -------------------------------------------------------------------------


def test_fixed_length_is_the_old_model() -> None:
    assert mix.FIXED.m2 == 1.0 and mix.from_percentiles({50: 700}) == (700.0, mix.FIXED)


def test_histogram_mean_and_second_moment_by_hand() -> None:
    # bins 0-100 and 100-500 with equal weight: midpoints 50 and 300, mean 175,
    # E[z^2] = (50^2 + 300^2) / 2 / 175^2 = 46,250 / 30,625 = 1.5102
    mean, shape = mix.from_histogram([0, 100, 500], [1, 1])
    assert mean == 175 and shape.m2 == pytest.approx(46_250 / 30_625)
    assert mix.from_histogram([0, 100, 500], [1, 1], mean=350)[0] == 350  # rescaled, same spread


def test_percentiles_are_log_linear() -> None:
    # p50 = 100, p90 = 1000: the 70th percentile is 100 x 10^((70-50)/(90-50)) = 316
    mean, shape = mix.from_percentiles({50: 100, 90: 1000}, points=1000)
    assert shape.quantile(0.70) * mean == pytest.approx(316.2, rel=0.01)
    assert shape.quantile(0.50) * mean == pytest.approx(100, rel=0.01)


@pytest.mark.parametrize(("pcts", "msg"), [({50: 800, 90: 300}, "must not decrease"), ({50: -1}, "positive"),
                                           ({100: 5}, "outside")])
def test_bad_percentiles(pcts: dict, msg: str) -> None:
    with pytest.raises(ValueError, match=msg):
        mix.from_percentiles(pcts)


@pytest.mark.parametrize(("edges", "weights", "msg"), [([0, 500, 100], [1, 1], "increase"), ([-5, 10], [1], "zero or more"),
                                                       ([0, 10], [-1], "weights"), ([0, 10, 20], [1], "edges")])
def test_bad_histograms(edges, weights, msg: str) -> None:
    with pytest.raises(ValueError, match=msg):
        mix.from_histogram(edges, weights)


def test_named_mixes_have_the_trace_means_and_sources() -> None:
    assert mix.named("chat", "input")[0] == 1155 and mix.named("chat", "output")[0] == 211
    assert mix.named("code", "output")[0] == 28 and mix.named("chat", "input", mean=2000)[0] == 2000
    for spec in mix.NAMED.values():
        assert "source" in spec and spec["source"]


def test_a_spread_of_output_lengths_reserves_more_kv(dep) -> None:
    """Running sequences are sampled by how long they run: with E[z^2] = m2 a guaranteed-no-evict
    scheduler reserves isl + osl x m2 per running sequence, so the batch shrinks by that ratio."""
    _, shape = mix.from_histogram([0, 100, 500], [1, 1])  # m2 = 1.5102
    fixed = float(sh.max_batch(dep, 2, 1000, 175))
    spread = float(sh.max_batch(replace(dep, output_shape=shape), 2, 1000, 175))
    cap = float(sh.memory_fit(dep, 2, 1000, 175).kv_capacity_tokens)
    assert fixed == math.floor(cap / (1000 + 175)) or abs(fixed - cap / 1175) < 1.5
    assert spread == pytest.approx(cap / (1000 + 175 * 46_250 / 30_625), abs=1.5)


# --- percentile latency -------------------------------------------------------------------


def test_p50_keeps_the_means(dep) -> None:
    mean = sh.ttft_tpot(dep, 2, 300, 1000, 300)
    p50 = tails.tail_latency(dep, 2, 300, 1000, 300, 50)
    assert float(p50.ttft_s) == float(mean.ttft_s) and float(p50.tpot_s) == float(mean.tpot_s)


def test_p99_ttft_closed_form_for_fixed_lengths(dep) -> None:
    """Fixed prompts: P(TTFT <= t) = 1 - rho exp(-(t - S - step/2) / theta) with theta = the mean
    M/D/1 wait / rho = S / (2 (1 - rho)) (times the engine's fitted ttft_tail), so
    t_p = S + step/2 + theta ln(rho / (1 - p))."""
    b, i, o = 400, 2000, 300
    st = sh.step_time(dep, 2, b, i, o)
    s = float(sh.prefill_time(dep, 2, i))
    lam = b / (o * float(st.tpot))
    rho = lam * s
    assert 0.01 < rho < 0.98
    theta = s / (2 * (1 - rho))
    want = s + 0.5 * float(st.step) + theta * dep.engine.ttft_tail * math.log(rho / 0.01)
    got = float(tails.tail_latency(dep, 2, b, i, o, 99).ttft_s)
    assert got == pytest.approx(want, rel=1e-6)
    # the mean is S + rho S / (2 (1 - rho)) + step/2 (Pollaczek-Khinchine, M/D/1)
    assert float(sh.ttft_tpot(dep, 2, b, i, o).ttft_s) == pytest.approx(s + rho * theta + 0.5 * float(st.step))


def test_p99_tpot_closed_form_for_fixed_lengths(dep) -> None:
    """Each iteration gets the prefills arriving meanwhile: variance lam x step x S^2 (compound
    Poisson), plus the engine's scheduling jitter (cv x step)^2; a request averages osl
    iterations, so p99 TPOT = TPOT + 2.3263 sigma / sqrt(osl)."""
    b, i, o = 400, 2000, 300
    st = sh.step_time(dep, 2, b, i, o)
    s = float(sh.prefill_time(dep, 2, i))
    lam = b / (o * float(st.tpot))
    jit = (dep.engine.tpot_jitter * float(st.step)) ** 2
    sigma = math.sqrt(lam * float(st.step) * s * s + jit)
    want = float(st.tpot) + 2.326348 * sigma / math.sqrt(o)
    assert float(tails.tail_latency(dep, 2, b, i, o, 99).tpot_s) == pytest.approx(want, rel=1e-4)
    # chunked prefill spreads a prompt over iterations: each adds at most its chunk's share
    chunked = replace(dep, features=sh.Features(chunked_prefill=500))
    sig_c = math.sqrt(lam * float(st.step) * s * s * 500 / i + jit)
    got = float(tails.tail_latency(chunked, 2, b, i, o, 99).tpot_s)
    assert got == pytest.approx(float(st.tpot) + 2.326348 * sig_c / math.sqrt(o), rel=1e-3)


def test_tails_grow_with_the_percentile_and_the_spread(dep) -> None:
    _, sin = mix.named("chat", "input")
    _, sout = mix.named("chat", "output")
    d = replace(dep, input_shape=sin, output_shape=sout)
    lat = [tails.tail_latency(d, 2, 150, 1155, 211, p) for p in (50, 90, 99)]
    assert float(lat[0].ttft_s) < float(lat[1].ttft_s) < float(lat[2].ttft_s)
    assert float(lat[1].tpot_s) < float(lat[2].tpot_s)
    fixed = tails.tail_latency(dep, 2, 150, 1155, 211, 99)
    assert float(lat[2].ttft_s) > float(fixed.ttft_s)  # long prompts of the mix wait and prefill longer


def test_p99_targets_serve_less_than_mean_targets(dep) -> None:
    r50 = tails.slo_throughput(dep, 2, 2000, 300, 2.0, 0.1, percentile=50)
    r99 = tails.slo_throughput(dep, 2, 2000, 300, 2.0, 0.1, percentile=99)
    assert float(r99.output_tokens_per_s) <= float(r50.output_tokens_per_s)
    lat = tails.tail_latency(dep, 2, r99.batch, 2000, 300, 99)
    assert float(lat.ttft_s) <= 2.0 and float(lat.tpot_s) <= 0.1


def test_vectorized_tails_equal_scalar(dep) -> None:
    b = np.array([1.0, 50.0, 400.0])
    v = tails.tail_latency(dep, 2, b, 2000, 300, 99)
    for k, bb in enumerate(b):
        s = tails.tail_latency(dep, 2, bb, 2000, 300, 99)
        assert float(v.ttft_s[k]) == pytest.approx(float(s.ttft_s)) and float(v.tpot_s[k]) == pytest.approx(float(s.tpot_s))
