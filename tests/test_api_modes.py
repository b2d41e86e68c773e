"""``mode`` on an API candidate: the offer scored as the same weights in another mode (thinking
on or off), at the offer's price.

DeepSeek V4 Flash on 2026-06-01: the offer deepseek/deepseek-v4-flash serves deepseek-v4-flash, which
has no general-2026 score in the mode it is served in; deepseek-v4-flash-thinking (``mode_of:
deepseek-v4-flash``) has GPQA, IFBench, AA-LCR and HLE. Price 1 / 2 CNY per 1M (from 2026-04-26),
CNY 6.7996 per USD (the Fed's May 2026 average).
"""

from __future__ import annotations

import math

import pytest

from tco import estimate, parse_scenario
from tco.cli import main
from tco.report import render

SCENARIO = """\
name: thinking on or off
as_of: 2026-06-01
workload: {requests_per_day: 10000, input_tokens: 1500, output_tokens: 400, days_per_month: 30}
quality: {profile: general-2026}
candidates:
  - deepseek/deepseek-v4-flash
  - {offer: deepseek/deepseek-v4-flash, mode: deepseek-v4-flash-thinking, reasoning_tokens: 2000}
"""
RATE = 6.7996


def test_a_mode_scores_the_offer_as_those_weights_at_the_offers_price(catalog) -> None:
    est = estimate(parse_scenario(SCENARIO, "modes.yaml", catalog), catalog)
    plain = est.candidate("deepseek/deepseek-v4-flash")
    thinking = est.candidate("deepseek/deepseek-v4-flash (thinking mode)")
    assert math.isnan(plain.quality) and not plain.rank  # no score in the mode it is served in
    assert thinking.quality > 0 and thinking.rank == 1
    assert thinking.model == "deepseek-v4-flash-thinking"
    # 300,000 requests: 450M input x 1 + (120M output + 600M reasoning) x 2 = CNY 1,890 / 6.7996
    assert thinking.monthly_cost == pytest.approx((450 * 1 + 720 * 2) / RATE, rel=1e-12)
    # the plain row: 450 + 120 x 2 = CNY 690, no reasoning given
    assert plain.monthly_cost == pytest.approx(690 / RATE, rel=1e-12)
    text = render(est, "table")
    # the row without scores says where they are
    assert "mode: deepseek-v4-flash-thinking on the candidate scores requests made in that mode" in text


def test_the_same_mode_as_served_changes_nothing(catalog) -> None:
    text = SCENARIO.replace("mode: deepseek-v4-flash-thinking, reasoning_tokens: 2000",
                            "mode: deepseek-v4-flash, label: as served")
    est = estimate(parse_scenario(text, "modes.yaml", catalog), catalog)
    a, b = est.candidate("deepseek/deepseek-v4-flash"), est.candidate("as served")
    assert a.model == b.model == "deepseek-v4-flash"
    assert a.monthly_cost == b.monthly_cost and math.isnan(a.quality) and math.isnan(b.quality)


def test_the_served_mode_named_again_is_the_same_candidate(write, capsys) -> None:
    text = SCENARIO + "  - {offer: deepseek/deepseek-v4-flash, mode: deepseek-v4-flash}\n"
    assert main(["estimate", str(write(text))]) == 2
    assert "candidate 'deepseek/deepseek-v4-flash' is listed twice (give one of them a label:)" in capsys.readouterr().err


def test_a_mode_of_other_weights_is_one_located_line(write, capsys) -> None:
    bad = SCENARIO.replace("mode: deepseek-v4-flash-thinking", "mode: deepseek-v3.2-thinking")
    assert main(["estimate", str(write(bad))]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert ("scenario.yaml:7:47: candidates.1.mode: mode 'deepseek-v3.2-thinking' is not a mode of "
            "deepseek-v4-flash, the model deepseek/deepseek-v4-flash serves on 2026-06-01") in err
    assert "the modes of deepseek-v4-flash on record: deepseek-v4-flash, deepseek-v4-flash-thinking" in err
    # on 2026-11-01 the offer serves V4.1 Flash, which has one mode only
    assert main(["estimate", str(write(SCENARIO.replace("2026-06-01", "2026-11-01")))]) == 2
    err = capsys.readouterr().err
    assert "is not a mode of deepseek-v4.1-flash" in err and "has no other mode on record: leave mode out" in err


def test_an_unknown_mode_id_is_named_with_a_suggestion(write, capsys) -> None:
    bad = SCENARIO.replace("mode: deepseek-v4-flash-thinking", "mode: deepseek-v4-flash-thinkng")
    assert main(["estimate", str(write(bad))]) == 2
    err = capsys.readouterr().err
    assert "scenario.yaml:7:47: candidates.1.mode:" in err and "deepseek-v4-flash-thinking" in err
    assert "Traceback" not in err
