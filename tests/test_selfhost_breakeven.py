"""Break-even volumes from the true cost functions: self-hosting rises in steps (replicas,
whole rented instances, servers), so it can be cheaper than an API on several ranges.

The two reviewer cases, with hand arithmetic:

(A) Llama 3.1 70B FP8, 2-GPU replicas on the default H100 rental (an 8-GPU Lambda
    instance, billed whole) vs openai/gpt-4o, 1,500 in + 500 out tokens, peak 2x.
    As of 2024-09-15: $2.99/GPU-h and GPT-4o at $5 / $15 per 1M. A month is 365/12 days = 730 h.
      self-host, one instance:  8 x $2.99 x 730 h                      = $17,461.60 / month
      GPT-4o per request:       1,500 x $5 / 1M + 500 x $15 / 1M       = $0.015
      at 10,000 requests/day:   10,000 x 30.4167 x $0.015               = $4,562.50  (API cheaper)
      crossover:                17,461.60 / (0.015 x 30.4167)           = 38,272 requests/day
    (the old answer, 9,568/day, priced one 2-GPU replica: 2 x 2.99 x 730.5 h / 0.015 / 30.44).
    Four 2-GPU replicas share the instance, so it serves far more than 38,272/day: cheaper
    from 38,272 on.

(B) scenarios/open-vs-closed-405b.yaml, Llama 3.1 405B FP8 on one 8x H100 node at $2.99
    vs openai/gpt-4o-2024-08-06 ($2.50 / $10 per 1M = $0.00875 per request):
      one node $17,461.60 -> cheaper from 17,461.60 / (0.00875 x 30.4167) = 65,609 requests/day
      until one replica is full: 86,666 requests/day (its capacity at peak 2x), then two
      nodes, $34,923.20: cheaper again from 131,218 = 2 x 65,609 up to 2 x 86,666 = 173,333,
      three nodes from 196,827 = 3 x 65,609 up to 3 x 86,666 = 259,999, four from 262,437 =
      4 x 65,609, and from then on the ranges touch (5 x 65,609 = 328,046 < 4 x 86,666 =
      346,665). At the scenario's 100,000/day the API is cheaper:
      2 nodes $34,923.20 vs 100,000 x 30.4167 x 0.00875 = $26,614.58.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from tco.cli import main
from tco import estimate, parse_scenario, sweep

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "scenarios" / "open-vs-closed-405b.yaml"
NODE_405B = "Llama 3.1 405B FP8, 8x H100 rented"

CASE_A = """\
name: reviewer case A
as_of: {as_of}
workload: {{requests_per_day: 10000, input_tokens: 1500, output_tokens: 500}}
quality: {{profile: general}}
candidates:
  - openai/gpt-4o
  - selfhost: {{model: llama-3.1-70b-instruct, precision: fp8, gpu: h100-sxm-80gb, gpus_per_node: 8,
               latency: {{ttft_ms: 1000, tpot_ms: 50}}}}
"""


def pair(est, selfhost: str, api: str) -> dict:
    (b,) = [b for b in est.breakeven if b["selfhost"] == selfhost and b["api"] == api]
    return b


def cheaper_at(sc, catalog, b: dict, volumes: np.ndarray) -> np.ndarray:
    """Sign of (self-hosted - API) monthly cost at ``volumes`` requests/day, from a scenario sweep."""
    grid = sweep(sc, catalog, requests_per_day=volumes)
    s = grid.monthly_cost[grid.candidate_ids.index(b["selfhost"])]
    a = grid.monthly_cost[grid.candidate_ids.index(b["api"])]
    return s < a


def assert_flips_at_boundaries(sc, catalog, b: dict) -> None:
    for lo, hi in b["ranges"]:
        for v, inside in ((lo, True), (hi, False)):
            if v is None:
                continue
            # 0.2 % either side: two ranges of the 405B node are 0.94 % apart (259,999 and 262,437)
            below, above = cheaper_at(sc, catalog, b, np.array([v * 0.998, v * 1.002]))
            # at a range's start self-hosting turns cheaper; at its end the API does
            assert (below, above) == ((False, True) if inside else (True, False)), (b["note"], v)
        if hi is None:  # "and beyond": still cheaper far above the start
            assert cheaper_at(sc, catalog, b, np.array([lo * 10, b["searched_up_to_requests_per_day"]])).all()


def assert_current_volume_agrees(est, b: dict) -> None:
    s, a = est.candidate(b["selfhost"]).monthly_cost, est.candidate(b["api"]).monthly_cost
    assert b["cheaper_at_current_volume"] == bool(s < a)
    v = b["current_requests_per_day"]
    inside = any(lo <= v and (hi is None or v <= hi) for lo, hi in b["ranges"])
    assert inside == b["cheaper_at_current_volume"]


def test_case_b_405b_is_cheaper_on_four_ranges(catalog) -> None:
    sc = parse_scenario(EXAMPLE.read_text(encoding="utf-8"), str(EXAMPLE), catalog)
    est = estimate(sc, catalog)
    b = pair(est, NODE_405B, "openai/gpt-4o-2024-08-06")
    node = 8 * 2.99 * 730  # $17,461.60
    per_request = 1500 * 2.50 / 1e6 + 500 * 10.0 / 1e6  # $0.00875
    days = 365 / 12
    start = node / (per_request * days)  # 65,609.14
    assert b["api_cost_per_request"] == pytest.approx(per_request)
    assert b["requests_per_day"] == pytest.approx(start, abs=0.01) == pytest.approx(65_609.14, abs=0.01)
    assert b["requests_per_month"] == pytest.approx(start * days, abs=0.02)
    # one replica's volume at peak 2x: requests/s capacity x 86,400 / 2
    cap = est.candidate(NODE_405B).selfhost["requests_per_s_capacity"] * 86_400 / 2
    assert cap == pytest.approx(86_666.27, abs=0.01)
    assert b["ranges"] == [[pytest.approx(start, abs=0.01), pytest.approx(cap, abs=0.01)],
                           [pytest.approx(2 * start, abs=0.01), pytest.approx(2 * cap, abs=0.01)],
                           [pytest.approx(3 * start, abs=0.01), pytest.approx(3 * cap, abs=0.01)],
                           [pytest.approx(4 * start, abs=0.01), None]]
    assert b["ranges_total"] == 4
    assert b["note"] == ("cheaper between 65,609 and 86,666, between 131,218 and 173,333, "
                         "between 196,827 and 259,999, and at 262,437 or more requests/day")
    # at 100,000/day the API is cheaper: $34,923.20 (two nodes) vs $26,614.58
    assert b["cheaper_at_current_volume"] is False
    assert b["selfhost_monthly_cost"] == pytest.approx(2 * node, abs=0.01)
    assert b["api_monthly_cost"] == pytest.approx(100_000 * days * per_request, abs=0.01)
    assert_flips_at_boundaries(sc, catalog, b)
    assert_current_volume_agrees(est, b)
    # every pair of the example: boundaries flip and the current volume agrees with the table
    for other in est.breakeven:
        assert_flips_at_boundaries(sc, catalog, other)
        assert_current_volume_agrees(est, other)
        assert other["note"]
        for lo, hi in other["ranges"]:
            assert lo == round(lo, 2) and (hi is None or hi == round(hi, 2))


@pytest.mark.parametrize("as_of", ["2024-09-15", "2024-11-01"])
def test_case_a_whole_instance_is_billed(catalog, as_of: str) -> None:
    sc = parse_scenario(CASE_A.format(as_of=as_of), "a.yaml", catalog)
    est = estimate(sc, catalog)
    (b,) = est.breakeven
    sh = est.candidate(b["selfhost"])
    assert sh.selfhost["gpus"] == 2  # 2-GPU replicas ...
    rate = 2.99 if as_of == "2024-09-15" else 3.29  # Lambda, $/GPU-h in force
    instance = 8 * rate * 730  # ... billed as a whole 8-GPU instance
    assert sh.monthly_cost == pytest.approx(instance, abs=0.005)
    per_request = est.candidate("openai/gpt-4o").monthly_cost / (10_000 * 365 / 12)
    assert b["requests_per_day"] == pytest.approx(instance / (per_request * 365 / 12), abs=0.01)
    assert b["ranges"] == [[b["requests_per_day"], None]]
    assert b["cheaper_at_current_volume"] is False
    if as_of == "2024-09-15":  # the reviewer's figures: $17,461.60 vs $4,562.50, crossover 38,272
        assert sh.monthly_cost == pytest.approx(17_461.60, abs=0.005)
        assert est.candidate("openai/gpt-4o").monthly_cost == pytest.approx(4_562.50, abs=0.005)
        assert b["requests_per_day"] == pytest.approx(38_272.0, abs=0.01)
        assert b["note"] == "cheaper at 38,272 or more requests/day"
    else:  # GPT-4o moved to the 2024-08-06 prices ($2.50 / $10) and Lambda to $3.29
        assert b["requests_per_day"] == pytest.approx(8 * 3.29 * 730 / (0.00875 * 365 / 12), abs=0.01)  # 72,192
    assert_flips_at_boundaries(sc, catalog, b)
    assert_current_volume_agrees(est, b)


def test_never_cheaper_and_unknown_cost_notes(catalog) -> None:
    sc = parse_scenario(EXAMPLE.read_text(encoding="utf-8"), str(EXAMPLE), catalog)
    est = estimate(sc, catalog)
    b = pair(est, NODE_405B, "openai/gpt-4o-mini")
    assert b["requests_per_day"] is None and b["requests_per_month"] is None and b["ranges"] == []
    assert b["note"] == "never cheaper: the API is cheaper at every volume up to 1 billion requests/day"
    assert b["cheaper_at_current_volume"] is False
    text = CASE_A.format(as_of="2024-09-15").replace("precision: fp8", "precision: bf16, gpus: 1")
    (u,) = estimate(parse_scenario(text, "u.yaml", catalog), catalog).breakeven  # 70B BF16 on one GPU: no fit
    assert u["requests_per_day"] is None and "unknown" in u["note"]


def test_breakeven_command_prints_ranges(capsys) -> None:
    assert main(["breakeven", str(EXAMPLE)]) == 0
    out = capsys.readouterr().out
    assert (f"{NODE_405B} vs openai/gpt-4o-2024-08-06: cheaper between 65,609 and 86,666, between 131,218 and "
            "173,333, between 196,827 and 259,999, and at 262,437 or more requests/day") in out
    assert "65,609 to 86,666 requests/day" in out and "262,437 requests/day or more" in out
    assert "at the current volume: API cheaper" in out
    assert main(["breakeven", str(EXAMPLE), "-f", "json"]) == 0
    d = json.loads(capsys.readouterr().out)
    for b in d["breakeven"]:
        for k in ("selfhost", "api", "api_cost_per_request", "requests_per_day", "requests_per_month", "ranges",
                  "ranges_total", "cheaper_at_current_volume", "note"):
            assert k in b
        assert isinstance(b["note"], str) and b["note"]
        assert b["requests_per_day"] is None or math.isfinite(b["requests_per_day"])


def test_breakeven_speaks_the_scenario_s_volume_unit(capsys, tmp_path) -> None:
    """A scenario written per month gets its break-even volumes per month: 38,272 requests/day
    x 365/12 days = 1,164,107 requests/month; the note and the listed ranges use the same numbers."""
    from tco.cli import main

    text = (ROOT / "scenarios" / "open-vs-closed-405b.yaml").read_text().replace(
        "requests_per_day: 100000", "requests_per_month: 3000000")
    path = tmp_path / "per-month.yaml"
    path.write_text(text)
    assert main(["breakeven", str(path)]) == 0
    out = capsys.readouterr().out
    assert "current volume: 3,000,000 requests/month" in out
    assert "vs openai/gpt-4o: cheaper at 1,164,107 or more requests/month" in out
    assert "requests/day" not in out
    assert main(["breakeven", str(path), "-f", "json"]) == 0
    pair = next(b for b in json.loads(capsys.readouterr().out)["breakeven"] if b["api"] == "openai/gpt-4o-2024-08-06")
    assert pair["volume_unit"] == "requests/month"
    listed = [f"{a:,.0f}" for a, _ in pair["volume_ranges"]]
    assert all(x in pair["note"] for x in listed)


def test_breakeven_before_the_self_hosted_models_launched_says_so(capsys) -> None:
    # on 2024-06-01 GPT-4o is priced but Llama 3.1 (2024-07-23) is not out: the report said "every API price
    # or self-hosted cost is unknown" and exited 0
    from tco.cli import main

    rc = main(["breakeven", str(ROOT / "scenarios" / "open-vs-closed-405b.yaml"), "--as-of", "2024-06-01"])
    err = capsys.readouterr().err.strip()
    assert rc == 2 and len(err.splitlines()) == 1
    assert "no self-hosted candidate can be priced on 2024-06-01" in err and "not launched yet on 2024-06-01: from 2024-07-23" in err
