"""Scenario -> estimate against the fixture catalog (invented prices, hand-checked)."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from tco import estimate, parse_scenario, sweep
from tco.errors import TcoError

ROOT = Path(__file__).resolve().parent.parent

BASE = """\
name: fixture
as_of: 2024-06-01
workload: {requests_per_day: 10000, input_tokens: 1500, output_tokens: 500, days_per_month: 30}
quality: {profile: {mmlu: 1, humaneval: 1}}
candidates: [acme/flat, acme/tiered, yuan/chat, acme/late, acme/unknown-out, yuan/free]
"""


def est(fixture_catalog, text: str = BASE, **kw):
    return estimate(parse_scenario(text, "s.yaml", fixture_catalog), fixture_catalog, **kw)


def test_costs_hand_checked(fixture_catalog) -> None:
    e = est(fixture_catalog)
    cost = {c.id: c.monthly_cost for c in e.candidates}
    # 300,000 req/month; 450M in, 150M out
    assert cost["acme/flat"] == pytest.approx(450 * 2 + 150 * 8)  # price from 2024-06-01: $2,100
    assert cost["acme/tiered"] == pytest.approx(450 * 1 + 150 * 3)  # $900
    # 0.001 CNY per 1K = 1 CNY per 1M; 450 + 300 = 750 CNY at 7.2327 (May 2024 average) = $103.70
    assert round(cost["yuan/chat"], 2) == 103.70
    assert cost["yuan/free"] == 0.0
    assert math.isnan(cost["acme/unknown-out"])
    assert math.isnan(cost["acme/late"])
    assert e.fx["CNY"]["per_usd"] == 7.2327 and e.fx["CNY"]["period"] == "2024-05"


def test_price_history_follows_as_of(fixture_catalog) -> None:
    # before 2024-06-01 acme/flat was $4 / $12: 450 x 4 + 150 x 12 = $3,600
    e = est(fixture_catalog, as_of=date(2024, 5, 31))
    assert e.candidate("acme/flat").monthly_cost == pytest.approx(3600.0)
    assert e.candidate("acme/flat").price["effective_from"] == "2024-01-01"


def test_ranking_and_marks(fixture_catalog) -> None:
    e = est(fixture_catalog)
    # quality: flat (80 + 60) / 2 = 70, coverage 1; tiered 70 (mmlu only), coverage 0.5 (= min, ranked)
    # cost per point: tiered 900 / 70 = 12.857; flat 2100 / 70 = 30
    assert e.best_value.id == "acme/tiered"
    assert e.candidate("acme/tiered").cost_per_quality_point == pytest.approx(900 / 70)
    assert e.candidate("acme/flat").rank == 2
    assert e.cheapest.id == "yuan/free"  # $0, explicit free price
    assert e.candidate("yuan/chat").rank is None  # no mmlu/humaneval scores
    assert any("below min_coverage" in w and "mmlu, humaneval" in w for w in e.candidate("yuan/chat").warnings)


def test_not_yet_launched_is_a_warning_and_strict_is_an_error(fixture_catalog) -> None:
    e = est(fixture_catalog)
    late = e.candidate("acme/late")
    assert late.available_from == "2024-07-18"
    assert any("not launched yet on 2024-06-01: from 2024-07-18" in w for w in late.warnings)
    with pytest.raises(TcoError, match=r"s.yaml:5:\d+: candidates.3: acme/late was not launched yet on 2024-06-01: "
                                       r"from 2024-07-18"):
        est(fixture_catalog, strict=True)


def test_all_candidates_unavailable_is_an_error(fixture_catalog) -> None:
    with pytest.raises(TcoError, match="not launched yet on 2024-06-01: from 2024-07-18"):
        est(fixture_catalog, BASE.replace("candidates: [acme/flat, acme/tiered, yuan/chat, acme/late, "
                                          "acme/unknown-out, yuan/free]", "candidates: [acme/late]"))


def test_currency_conversion_to_cny(fixture_catalog) -> None:
    e = est(fixture_catalog, currency="CNY")
    # $2,100 x 7.2327 = 15,188.67 CNY; the CNY offer stays 750 CNY exactly
    assert e.candidate("acme/flat").monthly_cost == pytest.approx(2100 * 7.2327)
    assert e.candidate("yuan/chat").monthly_cost == pytest.approx(750.0)


def test_fx_override(fixture_catalog) -> None:
    e = est(fixture_catalog, BASE + "fx: {CNY: 7.5}\n")
    assert e.candidate("yuan/chat").monthly_cost == pytest.approx(100.0)  # 750 / 7.5
    assert e.fx["CNY"]["overridden"] is True


def test_requests_per_month_and_default_days(fixture_catalog) -> None:
    text = BASE.replace("requests_per_day: 10000", "requests_per_month: 300000")
    assert est(fixture_catalog, text).candidate("acme/flat").monthly_cost == pytest.approx(2100.0)
    # default days per month 365/12 = 30.41667: 10,000 x 30.41667 = 304,166.7 req -> 2100 x 304166.7 / 300000
    text = BASE.replace(", days_per_month: 30", "")
    assert est(fixture_catalog, text).candidate("acme/flat").monthly_cost == pytest.approx(2100 * 365 / 12 / 30)


def test_user_scores_override_and_alternatives(fixture_catalog) -> None:
    e = est(fixture_catalog)
    d = {x["benchmark"]: x for x in e.candidate("acme/flat").quality_detail}
    assert d["mmlu"]["score"] == 80 and d["mmlu"]["alternatives"] == [{"score": 78.0, "source": "alt fixture"}]
    text = BASE.replace("quality: {profile: {mmlu: 1, humaneval: 1}}",
                        "quality:\n  profile: {mmlu: 1, humaneval: 1}\n  scores:\n    m-cn: {mmlu: 50, humaneval: 30}")
    e = est(fixture_catalog, text)
    # m-cn now has 100 % coverage, quality (50 + 30) / 2 = 40: yuan/chat 103.70 / 40 = 2.59 per point,
    # yuan/free (same model) 0 / 40 = 0 -> ranks free 1, chat 2, tiered 3 (12.86), flat 4 (30)
    assert e.candidate("yuan/chat").quality == pytest.approx(40.0)
    assert [c.id for c in e.candidates[:4]] == ["yuan/free", "yuan/chat", "acme/tiered", "acme/flat"]
    assert e.best_value.id == "yuan/free"


def test_custom_benchmark_and_scale(fixture_catalog) -> None:
    text = BASE.replace("quality: {profile: {mmlu: 1, humaneval: 1}}", """quality:
  profile: {our-eval: 1}
  benchmarks: {our-eval: {name: Our eval, scale_min: 0, scale_max: 5}}
  scores: {m-flat: {our-eval: 4}, m-tiered: {our-eval: 2.5}}""")
    e = est(fixture_catalog, text)
    assert e.candidate("acme/flat").quality == pytest.approx(80.0)  # 4 / 5 x 100
    assert e.candidate("acme/tiered").quality == pytest.approx(50.0)


def test_builtin_profile(fixture_catalog) -> None:
    e = est(fixture_catalog, BASE.replace("{profile: {mmlu: 1, humaneval: 1}}", "{profile: chinese}"))
    assert e.quality_profile["name"] == "chinese"
    # yuan/chat: alignbench 7.0 -> 70 on 0-100; only alignbench present (weight 2 of 4) -> coverage 0.5
    assert e.candidate("yuan/chat").quality == pytest.approx(70.0)
    assert e.candidate("yuan/chat").quality_coverage == pytest.approx(0.5)


def test_discounted_offer_with_label(fixture_catalog) -> None:
    text = BASE.replace("candidates: [", "candidates: [{offer: acme/flat, label: flat-negotiated, discount: 0.25}, ")
    e = est(fixture_catalog, text)
    assert e.candidate("flat-negotiated").monthly_cost == pytest.approx(2100 * 0.75)


def test_sweep_matches_single_estimates(fixture_catalog) -> None:
    sc = parse_scenario(BASE, "s.yaml", fixture_catalog)
    rpd = np.array([1000.0, 10000.0, 100000.0])
    res = sweep(sc, fixture_catalog, requests_per_day=rpd)
    i = res.candidate_ids.index("acme/flat")
    np.testing.assert_allclose(res.monthly_cost[i], 2100.0 * rpd / 10000.0)
    assert res.monthly_cost.shape == (6, 3)


def test_to_dict_is_json_ready(fixture_catalog) -> None:
    import json

    d = est(fixture_catalog).to_dict()
    json.dumps(d, allow_nan=False)
    assert d["schema_version"] == 1
    c = d["candidates"][0]
    for key in ("id", "kind", "model", "monthly_cost", "cost_per_mtok", "quality", "quality_coverage",
                "cost_per_quality_point", "rank", "warnings"):
        assert key in c


def test_request_beyond_the_context_window_is_not_ranked(fixture_catalog) -> None:
    # acme/flat has a 200,000-token window: 250,000 + 500 tokens cannot be sent
    e = est(fixture_catalog, BASE.replace("input_tokens: 1500", "input_tokens: 250000"))
    flat = e.candidate("acme/flat")
    assert math.isnan(flat.monthly_cost) and flat.rank is None and not flat.best_value
    assert any("exceeds the 200,000-token context window" in w for w in flat.warnings)


def test_sweep_rejects_out_of_range_arrays(fixture_catalog) -> None:
    sc = parse_scenario(BASE, "s.yaml", fixture_catalog)
    for kw in ({"requests_per_day": [-1.0]}, {"cached_input_share": [2.0]}, {"peak_to_average": 0.1},
               {"input_tokens": [float("nan")]}):
        with pytest.raises(TcoError, match="must be finite and in"):
            sweep(sc, fixture_catalog, **kw)
    # text, or arrays that do not combine, are named errors (were numpy's bare ValueError)
    with pytest.raises(TcoError, match="requests_per_day: must be a number or an array of numbers: got 'lots'$"):
        sweep(sc, fixture_catalog, requests_per_day="lots")
    with pytest.raises(TcoError, match=r"shapes that do not combine: requests_per_day \(3,\), input_tokens \(2,\)"):
        sweep(sc, fixture_catalog, requests_per_day=[1e3, 2e3, 3e3], input_tokens=[100, 200])
    with pytest.raises(TypeError, match="estimate\\(\\) takes a Scenario .* not NoneType"):
        estimate(None, fixture_catalog)  # type: ignore[arg-type]


def test_library_accepts_iso_dates_and_lowercase_currency(fixture_catalog) -> None:
    sc = parse_scenario(BASE, "s.yaml", fixture_catalog)
    e = estimate(sc, fixture_catalog, as_of="2024-05-31", currency="cny")  # type: ignore[arg-type]
    assert e.as_of == "2024-05-31" and e.currency == "CNY"
    with pytest.raises(KeyError, match="no candidate 'nope'"):
        e.candidate("nope")


def test_existing_offer_with_unknown_price_is_kept_unpriced(fixture_catalog) -> None:
    # acme/gap launched 2024-01-01, first recorded price 2024-03-01: on 2024-02-01 it existed, price unknown
    text = BASE.replace("as_of: 2024-06-01", "as_of: 2024-02-01").replace(
        "candidates: [acme/flat,", "candidates: [acme/gap, acme/flat,")
    text = text.replace(", yuan/chat, acme/late", ", acme/late")
    e = est(fixture_catalog, text)
    assert e.candidate("acme/late").available_from  # unlaunched: excluded; acme/gap: kept, unpriced
    gap = e.candidate("acme/gap")
    assert math.isnan(gap.monthly_cost) and gap.rank is None and gap.available_from is None
    assert any("price unknown for acme/gap on 2024-02-01" in w and "2024-03-01" in w for w in gap.warnings)



def test_sweep_in_chunks_equals_one_pass(monkeypatch) -> None:
    """Chunked evaluation (bounded memory) gives the same arrays as a single pass: the chunk
    size is an implementation detail, never a change in any number."""
    import numpy as np

    import tco
    from tco.plan import evaluate as ev

    sc = tco.load_scenario(ROOT / "scenarios" / "china-price-war.yaml")
    volumes = np.logspace(1, 8, 1001)
    one = tco.sweep(sc, requests_per_day=volumes)
    monkeypatch.setattr(ev, "CHUNK_CELLS", 37)  # chunks of 2 points for 13 candidates, the last one short
    many = tco.sweep(sc, requests_per_day=volumes)
    for name in ("monthly_cost", "cost_per_mtok", "cost_per_quality_point", "rank"):
        np.testing.assert_array_equal(getattr(one, name), getattr(many, name))
    for k in ev.COMPONENTS:
        np.testing.assert_array_equal(one.components[k], many.components[k])
    at = one.components.at(500)
    assert all(np.array_equal(at[k], many.components[k][:, 500], equal_nan=True) for k in ev.COMPONENTS)
    # unranked candidates have rank NaN, which sorts last
    unranked = np.isnan(one.rank[:, 0])
    assert unranked.any() and (np.argsort(one.rank[:, 0])[-unranked.sum():] == np.flatnonzero(unranked)).all()


def test_the_library_keeps_its_catalog_and_speaks_in_tco_errors(tmp_path) -> None:
    """A library user's review: a scenario read with a custom catalog, then varied or swept without
    it, looked its offer up in the built-in catalog ("unknown offer 'acme/...'" blamed a field not
    touched); sweep took no path, a misspelt keyword was a bare TypeError, arrays of shapes (2,) and
    (2, 1) were flattened into 4 points silently, and render(est, "html") a ValueError."""
    import shutil

    import tco
    from tests.conftest import FIXTURE_CATALOG

    cat_dir = tmp_path / "catalog"
    shutil.copytree(FIXTURE_CATALOG, cat_dir)
    path = tmp_path / "s.yaml"
    path.write_text(BASE, encoding="utf-8")
    cat = tco.load_catalog(cat_dir)
    sc = tco.load_scenario(path, cat)
    bigger = tco.vary(sc, requests_per_day=20_000)  # no catalog given: the scenario's own
    assert tco.estimate(bigger).candidate("acme/flat").monthly_cost > tco.estimate(sc).candidate("acme/flat").monthly_cost
    grid = tco.sweep(sc, requests_per_day=[1e3, 2e3])
    assert grid.monthly_cost.shape == (len(sc.candidates), 2)
    assert tco.sweep(str(path), cat, requests_per_day=[1e3]).monthly_cost.shape[1] == 1  # a path, as estimate takes
    with pytest.raises(TcoError, match="unknown workload array: requests_per_dya") as e:
        tco.sweep(sc, requests_per_dya=[1e3])
    assert "requests_per_day" in (e.value.hint or "")
    with pytest.raises(TcoError, match=r"combine into shape \(2, 2\)"):
        tco.sweep(sc, requests_per_day=np.array([[1e3], [2e3]]), input_tokens=[100, 200])
    with pytest.raises(TcoError, match="unknown format 'html'") as e:
        tco.render(tco.estimate(sc), "html")
    assert "tco report" in (e.value.hint or "")


def test_records_are_a_flat_row_per_candidate_as_the_json_gives_them() -> None:
    """A notebook user's wish: pandas.json_normalize of the JSON gave 47 columns; records() is one
    flat row per candidate with the JSON's rounded values (and the samples' spread when drawn)."""
    import tco

    path = Path(__file__).resolve().parent.parent / "scenarios" / "support-assistant.yaml"
    est = tco.estimate(path)
    rows = est.records()
    by_id = {r["id"]: r for r in rows}
    assert len(rows) == len(est.candidates) and len({tuple(r) for r in rows}) == 1  # the same columns each
    assert by_id["openai/gpt-4o"]["monthly_cost"] == 4500.0 and by_id["deepseek/deepseek-chat"]["rank"] == 1
    assert by_id["openai/gpt-4o-mini"]["monthly_cost"] is None and by_id["openai/gpt-4o-mini"]["reason"] == "launches 2024-07-18"
    sampled = tco.estimate(path, samples=100, seed=1).records()
    assert {"monthly_cost_p10", "monthly_cost_p90", "p_best_value"} <= set(sampled[0])


def test_a_rerun_and_a_pickled_result_equal_the_first() -> None:
    """A library user's review: estimate(sc) == estimate(sc) was False (unknown costs are NaN) and a
    scenario read twice, or pickled, unequal (its source document compared by identity)."""
    import pickle

    import tco

    path = Path(__file__).resolve().parent.parent / "scenarios" / "support-assistant.yaml"
    sc = tco.load_scenario(path)
    assert sc == tco.load_scenario(path) == pickle.loads(pickle.dumps(sc))
    assert tco.vary(sc, requests_per_day=5) != sc
    est = tco.estimate(sc)
    assert est == tco.estimate(sc) == pickle.loads(pickle.dumps(est))
    assert est != tco.estimate(tco.vary(sc, requests_per_day=5))
