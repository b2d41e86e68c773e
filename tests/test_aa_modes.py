"""Artificial Analysis' records of a mode other than the API default, mapped to mode entries (2026-12-01).

Each mode entry of pricing/models.yaml (``mode_of`` its base) is scored from AA's record of that mode
(quality/artificial-analysis-2026-08-22.yaml; AA-LCR, where read, and records added later in
-2026-10-10.yaml), and says in reasoning-defaults.yaml whether it thinks. A scenario asks for one on an
offer of the base: ``{offer: anthropic/claude-sonnet-4.5, mode: claude-sonnet-4.5-thinking}``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tco import estimate, parse_scenario

AA_0822 = "artificial-analysis-2026-08-22"
AA_1010 = "artificial-analysis-2026-10-10"


def cells(catalog: Any, model: str, bench: str) -> list[tuple[float, str]]:
    return [(s.value, Path(s.file).stem) for s in catalog.scores.get((model, bench), [])]


# the mode entries on record before this mapping (DeepSeek's and Qwen3's thinking/non-thinking ids, Hunyuan's)
EARLIER = {"deepseek-v3.1-thinking", "deepseek-v3.1-terminus-thinking", "deepseek-v3.2-exp-thinking",
           "deepseek-v3.2-thinking", "deepseek-v4-flash-thinking", "qwen3-235b-a22b-non-thinking",
           "qwen3-32b-non-thinking", "qwen3-30b-a3b-non-thinking", "hunyuan-a13b-non-thinking"}


def aa_mode_ids(catalog: Any) -> set[str]:
    """The mode entries this mapping added: every one is scored from an AA payload."""
    modes = {m for m, model in catalog.models.items() if getattr(model, "mode_of", None)} - EARLIER
    for m in modes:
        assert {Path(s.file).stem for (mm, _b), ss in catalog.scores.items() if mm == m for s in ss} <= {AA_0822, AA_1010}, m
    return modes


def test_hand_checked_cells(catalog: Any) -> None:
    # AA 'Claude 4.5 Sonnet (Reasoning)' GPQA Diamond 0.834 (AA's short rounding) -> 83.4; the default
    # (thinking off) record has 0.727 -> 72.7 on the plain id (after Epoch's 73.7, preferred)
    assert cells(catalog, "claude-sonnet-4.5-thinking", "gpqa-diamond") == [(83.4, AA_0822)]
    assert (72.7, AA_0822) in cells(catalog, "claude-sonnet-4.5", "gpqa-diamond")
    # AA 'GPT-5 (high)' HLE 0.285 -> 28.5 (gpt-5 itself is AA 'GPT-5 (medium)')
    assert cells(catalog, "gpt-5-effort-high", "hle") == [(28.5, AA_0822)]
    # AA 'Qwen3.5 397B A17B (Non-reasoning)' IFBench 759/1470 = 0.516326... -> 51.6
    assert cells(catalog, "qwen3.5-397b-a17b-non-thinking", "ifbench") == [(51.6, AA_0822)]
    # AA 'GLM-4.7 (Non-reasoning)' GPQA Diamond 0.664 -> 66.4
    assert cells(catalog, "glm-4.7-non-thinking", "gpqa-diamond") == [(66.4, AA_0822)]
    # AA-LCR from the 2026-10-10 payload only: 'Gemini 3.5 Flash (High)' 220/300 -> 73.3
    assert cells(catalog, "gemini-3.5-flash-effort-high", "aa-lcr") == [(73.3, AA_1010)]
    # a mode id whose 2026-10-10 record was not read has no AA-LCR (the 08-22 value is not copied)
    assert cells(catalog, "claude-sonnet-4.5-thinking", "aa-lcr") == []
    # a record only in the 2026-10-10 payload: 'GPT-6 Sol (Low)' HLE 754/2158 -> 34.9
    assert cells(catalog, "gpt-6-sol-effort-low", "hle") == [(34.9, AA_1010)]
    # values that are no whole multiple of item count x repeats are left out (header)
    assert cells(catalog, "claude-opus-4.1-thinking", "tau2-bench-telecom") == []
    note = catalog.scores[("claude-sonnet-4.5-thinking", "gpqa-diamond")][0].setting.note
    assert "AA 'Claude 4.5 Sonnet (Reasoning)' (slug claude-4-5-sonnet-thinking" in note and note.endswith("source 0.834")


def test_every_mode_entry_extends_a_scored_base_with_a_default_on_record(catalog: Any) -> None:
    modes = aa_mode_ids(catalog)
    assert len(modes) >= 90
    # bases without any score: AA has no default-mode record of Claude Opus 4.8 or Gemini 3.6 Flash (both
    # defaults are stated in the 08-22 header), and no other table scores them
    unscored = set()
    for m in modes:
        model = catalog.model(m)
        base = catalog.model(model.mode_of)
        assert m.startswith(base.id + "-") and m.split(base.id + "-", 1)[1].split("-")[0] in (
            "thinking", "non", "effort"), m
        assert (model.params_b, model.architecture, model.context_window) == (
            base.params_b, base.architecture, base.context_window), m
        assert not any(o.model == m for o in catalog.offers.values()), m  # no offer sells a mode by its own name
        assert m in catalog.reasoning_defaults, m
        if not [b for (mm, b) in catalog.scores if mm == base.id]:
            unscored.add(base.id)
    assert unscored == {"claude-opus-4.8", "gemini-3.6-flash"}
    rd = catalog.reasoning_defaults
    assert rd["claude-sonnet-4.5-thinking"].reasons and not rd["claude-sonnet-4.5"].reasons
    assert not rd["glm-4.7-non-thinking"].reasons and rd["glm-4.7"].reasons
    assert rd["gpt-5.5-non-thinking"].setting == "reasoning effort none"
    assert rd["claude-opus-5-effort-max"].setting == "adaptive thinking, effort max"


def test_a_scenario_scores_an_offer_in_the_mode_it_asks_for(catalog: Any) -> None:
    text = ("name: modes\nas_of: 2026-11-01\n"
            "workload: {requests_per_day: 1000, input_tokens: 1000, output_tokens: 200}\n"
            "quality: {profile: general-2026}\n"
            "candidates:\n"
            "  - anthropic/claude-sonnet-4.5\n"
            "  - {offer: anthropic/claude-sonnet-4.5, mode: claude-sonnet-4.5-thinking}\n"
            "  - {offer: anthropic/claude-sonnet-4.5, mode: claude-sonnet-4.5-thinking, reasoning_tokens: 1500, label: given}\n")
    est = estimate(parse_scenario(text, "modes.yaml", catalog), catalog)
    plain = est.candidate("anthropic/claude-sonnet-4.5")
    thinking = est.candidate("anthropic/claude-sonnet-4.5 (thinking mode)")
    given = est.candidate("given")
    assert thinking.model == "claude-sonnet-4.5-thinking" and plain.model == "claude-sonnet-4.5"
    # scored with the mode's cells (GPQA 83.4, HLE, IFBench from AA's Reasoning record), at the offer's price
    detail = {d["benchmark"]: d["score"] for d in thinking.quality_detail if d.get("score") is not None}
    assert detail["gpqa-diamond"] == 83.4
    # the plain row keeps the default mode's GPQA Diamond (Epoch's 73.7, preferred to AA's 72.7)
    assert {d["benchmark"]: d["score"] for d in plain.quality_detail if d.get("score") is not None}["gpqa-diamond"] == 73.7
    assert thinking.quality != plain.quality and thinking.monthly_cost == plain.monthly_cost
    # a thinking mode's hidden tokens are asked for, and counted once given
    assert any("claude-sonnet-4.5-thinking reasons by default" in w for w in thinking.warnings)
    assert not any("reasons by default" in w for w in plain.warnings + given.warnings)
    assert given.monthly_cost > thinking.monthly_cost
