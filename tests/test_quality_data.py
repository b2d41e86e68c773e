"""Quality data targets (issue 10), checked against the real catalog in pricing/.

Coverage of an offer = the share of a profile's weight for which the model the offer serves on
the date has a measured score (what ``tco estimate`` calls coverage); an offer counts as covered
at coverage >= 0.5 (the default ``min_coverage``). Targets that public data cannot reach are
written as strict xfails with the reason, next to a floor that guards what was reached.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tco import estimate, load_scenario, parse_scenario

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "scenarios" / "support-assistant.yaml"
TODAY = date(2026, 11, 29)


def offers_on(catalog: Any, day: date) -> list[tuple[str, str]]:
    """(offer id, model it serves) for every offer with a price point in force on ``day``."""
    out = []
    for oid, offer in sorted(catalog.offers.items()):
        try:
            point = catalog.price_at(oid, day)
        except Exception:  # not launched yet, or retired
            continue
        out.append((oid, point.model or offer.model))
    return out


def coverage(catalog: Any, profile: str, day: date) -> dict[str, float]:
    weights = catalog.profiles[profile].weights
    total = sum(weights.values())
    return {oid: sum(w for b, w in weights.items() if (model, b) in catalog.scores) / total
            for oid, model in offers_on(catalog, day)}


def covered_share(catalog: Any, profile: str, day: date) -> tuple[int, int, float]:
    cov = coverage(catalog, profile, day)
    n = sum(1 for c in cov.values() if c >= 0.5)
    return n, len(cov), sum(cov.values()) / len(cov)


# --------------------------------------------------------------------------- the README example


def test_readme_example_on_2024_09_01_ranks_gpt_4o_mini(catalog: Any) -> None:
    est = estimate(load_scenario(EXAMPLE, catalog), catalog, as_of=date(2024, 9, 1))
    mini = est.candidate("openai/gpt-4o-mini")
    assert mini.rank is not None and mini.quality_coverage == 1.0
    detail = {d["benchmark"]: d for d in mini.quality_detail}
    # OpenAI's simple-evals: MMLU 0-shot CoT 82.0, HumanEval 87.2 -> (82.0 + 87.2) / 2 = 84.6
    assert detail["mmlu-cot"]["score"] == 82.0 and "simple-evals" in detail["mmlu-cot"]["source"]
    assert detail["humaneval"]["score"] == 87.2 and "simple-evals" in detail["humaneval"]["source"]
    assert mini.quality == pytest.approx(84.6)
    # every candidate of the example is ranked on that date
    assert all(c.rank is not None for c in est.candidates)


# --------------------------------------------------------------------------- the Chinese offers of 2024

CHINESE_2024 = [
    "deepseek/deepseek-chat", "alibaba/qwen-max", "alibaba/qwen-plus", "alibaba/qwen-turbo",
    "baidu/ernie-4.0", "baidu/ernie-3.5", "baidu/ernie-speed", "zhipu/glm-4", "zhipu/glm-4-air",
    "volcengine/doubao-pro-32k", "moonshot/moonshot-v1-8k", "moonshot/moonshot-v1-32k",
    "moonshot/moonshot-v1-128k", "tencent/hunyuan-pro", "tencent/hunyuan-standard", "tencent/hunyuan-lite",
]
# Measured Chinese-chat scores exist for these (AlignBench v1: DeepSeek-V2 table and THUDM's leaderboard;
# AlignBench v1.1: THUDM's 2024-06 leaderboard, the GLM-4 report, the Qwen2.5 blog; C-Eval/CMMLU: DeepSeek).
RANKED_ON_CHINESE = {
    "deepseek/deepseek-chat", "alibaba/qwen-turbo", "baidu/ernie-4.0", "zhipu/glm-4", "zhipu/glm-4-air",
    "moonshot/moonshot-v1-8k", "moonshot/moonshot-v1-32k",
}
# No public AlignBench / C-Eval / CMMLU score names these API models (vendors published images or
# totals only; THUDM's "通义千问2.5" and "文心一言4.0" rows do not say which API model they are).
NOT_RANKABLE = set(CHINESE_2024) - RANKED_ON_CHINESE


def chinese_scenario(day: str, min_coverage: float) -> str:
    return (f"name: Chinese 2024 offers\ncurrency: CNY\nas_of: {day}\n"
            "workload: {requests_per_day: 10000, input_tokens: 500, output_tokens: 100}\n"
            f"quality: {{profile: chinese, min_coverage: {min_coverage}}}\ncandidates:\n"
            + "".join(f"  - {o}\n" for o in CHINESE_2024))


def test_chinese_2024_offers_ranked_on_the_chinese_profile(catalog: Any) -> None:
    # min_coverage 0.3 as in scenarios/china-price-war.yaml: AlignBench alone (one version) is 1/3
    est = estimate(parse_scenario(chinese_scenario("2024-09-01", 0.3), "s.yaml", catalog), catalog)
    ranked = {c.id for c in est.candidates if c.rank is not None}
    assert ranked == RANKED_ON_CHINESE
    for oid in NOT_RANKABLE:
        c = est.candidate(oid)
        assert c.quality_coverage == 0 and c.reason == "too few quality scores", oid
    ds = est.candidate("deepseek/deepseek-chat")
    assert ds.quality_coverage == 1.0  # AlignBench v1 and v1.1, C-Eval and CMMLU all measured


def test_chinese_profile_weighs_alignbench_v1_and_v1_1(catalog: Any) -> None:
    p = catalog.profiles["chinese"]
    assert p.weights == {"alignbench": 2, "alignbench-v1.1": 2, "c-eval": 1, "cmmlu": 1}
    assert "v1.1" in p.description
    for b in ("alignbench", "alignbench-v1.1"):
        bench = catalog.benchmark(b)
        assert (bench.scale_min, bench.scale_max) == (0, 10)
    # same judge, same queries: v1.1 reads ~0.1 lower (GPT-4-0613 7.53 vs 7.46, GPT-4-1106 8.01 vs 7.90)
    for m, v1, v11 in (("gpt-4-0613", 7.53, 7.46), ("gpt-4-1106-preview", 8.01, 7.90)):
        assert catalog.scores[(m, "alignbench")][0].value == pytest.approx(v1)
        assert any(s.value == pytest.approx(v11) for s in catalog.scores[(m, "alignbench-v1.1")])


# --------------------------------------------------------------------------- coverage of `general`

def test_general_2024_coverage_floor(catalog: Any) -> None:
    n, total, mean = covered_share(catalog, "general", date(2024, 9, 1))
    assert total == 58
    # 31 of 58 offers (53 %), mean coverage 50 %; 34 (59 %), mean 53 % with Google's Gemini 1.5 report
    # (5-shot MMLU, GPQA), HELM's 5-shot MMLU and Epoch's GPQA Diamond runs of the -001 models:
    # gemini-1.5-pro and -flash 0.25 -> 0.625 (mmlu 1 + mmlu-pro 1 + gpqa-diamond 0.5 of 4),
    # gpt-4-1106-preview 0.375 -> 0.625 (+ mmlu 1)
    assert n >= 34 and mean >= 0.53


@pytest.mark.xfail(strict=True, reason=(
    "not reachable with public data: 21 of the 58 offers of 2024-09-01 are Chinese closed models "
    "(Qwen-Max/Plus/Long, ERNIE, Doubao, Hunyuan, Moonshot v1, GLM-3-Turbo, GLM-4-Flash) with no MMLU, "
    "MMLU-Pro, IFEval, GPQA or ARC score in any public text source found; even with every other offer "
    "covered the ceiling is 37/58 = 64 %"))
def test_general_2024_covers_80_percent_of_offers(catalog: Any) -> None:
    n, total, _ = covered_share(catalog, "general", date(2024, 9, 1))
    assert n / total >= 0.8


def test_general_2025_coverage_floor(catalog: Any) -> None:
    n, total, mean = covered_share(catalog, "general-2025", TODAY)
    # with the genai-prices import: 974 offers on sale (877 of them imported, most from hosts of open
    # models and clouds reselling the makers' models under their own names, linked to our model ids);
    # 719 once the shutdowns genai-prices does not state are on record (map.yaml retired:, 185 imported
    # offers kept without prices, and 78 curated offers given their shutdown day, 2026-11-30); 715 = 719 - 4
    # with the curated Gemini shutdowns of 2026-12-01 (1.5 Pro, 1.5 Flash, 2.5 Flash Preview 04-17, 2.5
    # Flash-Lite Preview 06-17); 707 = 715 - 8 with the imported shutdowns of 2026-12-01 in map.yaml (gemini-pro-1.5,
    # gemini-flash-1.5, gemini-flash-1.5-8b, gemini-pro (Gemini 1.0 Pro), Claude 3.5 Sonnet, 3.7 Sonnet and
    # 3 Haiku on Vertex AI, gpt-3.5-turbo-16k); 706 = 707 - 1 with Azure's Phi-3.5-mini-instruct (retired 2025-08-30)
    assert total == 706
    # 166 of 974 offers (17.0 %), mean coverage 13.6 % (was 102, 8.5 %; 128 with the 2026-11-30 score
    # tables; 147 once hosts' longer names of Llama 4 and Bedrock's dated Claude ids reach our models;
    # 163 = 147 + 16 with the scores3 tables: Qwen3.5-397B-A17B 3 offers + Qwen3.5-9B 3 + 122B-A10B,
    # 27B, 35B-A3B 1 each + Gemma 4 31B/26B-A4B IT 2 + 2 + MiniMax-M1-80k 1 + MiniMax-M2 1 +
    # Gemini 2.5 Pro 06-05 1 = 16; 166 = 163 + Qwen3.6-27B 2 + Qwen3.6-35B-A3B 1; 179 = 166 + 13 hosts'
    # names linked in map.yaml: gpt-oss on Bedrock and Databricks 4, Gemma 3 on Bedrock 2, Gemma 4 on
    # Vertex 1, Mistral Small 3.1 2, Kimi K2.5 on Fireworks 1, Qwen3.5/3.6 FP8 2, Llama 4 on Databricks 1)
    # mean 14.5 % -> 14.8 % with the scores4 tables (GPQA Diamond for Kimi K2.6 7 offers, GLM-5.1 5,
    # MiniMax M2.7 2: 14 offers x 0.25 / 974 = +0.0036; none of them reaches half the weight here)
    # 182 with Bedrock's and Fireworks' Llama 4 ids linked (3 offers); 186 with the Gemini 1.5 report and
    # HELM's MMLU (hosts' gpt-4-1106-preview and Gemini 1.5 offers); 260, mean 19.6 %, with Artificial
    # Analysis' MMLU-Pro and GPQA Diamond for 161 models (2 of 4 equal weights: half the weight from one
    # table); 279, mean 20.9 %, with 19 more hosts' names of scored models linked in map.yaml; 284, mean
    # 22.5 %, with the API defaults established for more AA records: 5 offers reach half the weight with
    # MMLU-Pro and GPQA Diamond (GLM-4.5V and GLM-4.6V 2 each, Nova 2 Lite on Bedrock 1); the others newly
    # mapped (GPT-5.4/5.5, GLM-5.2, Kimi K3, DeepSeek V4 Pro, ...) add GPQA Diamond only, a quarter;
    # 290, mean 23.3 %, with AA's payload of 2026-08-22 (MMLU-Pro values AA had dropped are back);
    # 200 of 719 (27.8 %), mean 22.4 %, once shut-down offers are no longer counted as on sale (many of
    # them served scored 2024-2025 models: Claude 3.x and Sonnet/Opus 4, Grok 3/4, Gemini 2.0, o1/o3-mini);
    # 205 of 719 by 2026-11-30 (hosts' names and AA payloads since); 202 of 715 = 205 - 3, mean 24.4 % -> 24.3 %,
    # with the curated Gemini shutdowns of 2026-12-01 (1.5 Pro, 1.5 Flash, 2.5 Flash Preview 04-17 reached half);
    # 198 of 707 = 202 - 4, mean 24.2 %, with the imported ones (gemini-pro-1.5, gemini-flash-1.5, Claude 3.5 and
    # 3.7 Sonnet on Vertex AI reached half); 198 of 706 without Azure's Phi-3.5-mini (unscored); 199 = 198 + 1,
    # mean 24.33 % -> 24.36 %, with Artificial Analysis' MMLU-Pro for Nemotron 3 Nano at Novita (its record at
    # the maker's default, reasoning on, mapped 2026-12-01: 2 of 4 with GPQA Diamond)
    assert n >= 199 and mean >= 0.243


def test_reasoning_2025_coverage_floor(catalog: Any) -> None:
    n, total, mean = covered_share(catalog, "reasoning-2025", TODAY)
    assert total == 706  # 719 - 4 - 8 - 1 shut down (see test_general_2025_coverage_floor)
    # 116 of 974 offers before the scores4 tables; 130 = 116 + 14 with GPQA Diamond and HLE (text-only)
    # for Kimi K2.6 (7 offers: kimi-k2.6-card.yaml), GLM-5.1 (5) and MiniMax M2.7 (2: glm-5.1-card*.yaml),
    # 2 of 4 equal weights each; mean coverage 11.0 % -> 11.7 % (14 x 0.5 / 974 = +0.0072); 131 with
    # Fireworks' kimi-k2p6 linked to kimi-k2.6 in map.yaml; 134 with Bedrock's and Fireworks' Llama 4 ids;
    # 308 with Artificial Analysis' GPQA Diamond, HLE, AIME 2025 and MATH-500 (160/160/103/101 models);
    # 327, mean 27.0 %, with the 19 hosts' names of 2026-11-30 linked; 383, mean 30.2 %, = 327 + 56 with
    # the API defaults established for more AA records (GPQA Diamond and HLE, 2 of 4 weights): Kimi K3 11
    # offers, GLM-5.2 9, DeepSeek V4 Pro 8, Kimi K2.7 Code 4, Qwen3.7 Max 3, GPT-5.4, GPT-5.5, Qwen3.6
    # Plus, Qwen3.7 Plus, MiMo-V2.5-Pro, GLM-4.5V, GLM-4.6V, GLM-4.7-Flash 2 each, Gemini 3.5 Flash,
    # Grok 4.3, Grok 4.5, GLM-5-Turbo, Nova 2 Lite (global Bedrock id) 1 each; 406, mean 31.4 %, with AA's
    # payload of 2026-08-22 and the Qwen3.8 cards (the models named in the general-2026 floor);
    # 318 of 719 (44.2 %), mean 31.5 %, with shut-down offers no longer on sale (2026-11-30); 329, mean
    # 32.3 %, with GPT-5.6 Sol/Terra/Luna (9 offers: effort medium, OpenAI's default) and Nemotron 3 Super at
    # Cloudflare (thinking on) and Mistral Small 4 (reasoning off unless asked) mapped (seventh session);
    # 349 with the hosts' names of the tenth session; 365, mean 35.6 %, with AA's payload of 2026-10-10
    # (GPQA Diamond and HLE: GLM-5.3-Flash 11 offers, GPT-6 Astra 3, Gemini 3.8 Flash 1; HLE alone, a
    # quarter, for GPT-6 Sol, Luna, 6.1 Sol, Claude Haiku 5.5, Sonnet 5 and Grok 4.7); 365, mean 35.6 %
    # (35.57 -> 35.64), with Bedrock's two Claude Haiku 5.5 profiles linked (score-links2 session: HLE
    # alone, a quarter each, none reaches half the weight); 369, mean 35.9 %, with GLM-5.3-Flash's names at
    # Fireworks (2), Databricks and Mistral linked on review; 368 = 369 - 1, mean 35.92 % -> 35.94 %, with the
    # curated Gemini shutdowns of 2026-12-01 (2.5 Flash Preview 04-17 reached half the weight); 365 = 368 - 3,
    # mean 35.93 %, with the imported ones (Claude 3.5 Sonnet, 3.7 Sonnet and 3 Haiku on Vertex AI); 366 = 365 + 1,
    # mean 35.98 % -> 36.08 % (+0.75 / 706), with NVIDIA's own scores for Nemotron 3 Nano at Novita (GPQA
    # Diamond, HLE and AIME 2025, 3 of 4: nemotron-3.5-lightning-card.yaml, nemotron-3-nano-report.yaml); 367 =
    # 366 + 1, mean 36.08 % -> 36.15 % (+0.5 / 706), with NVIDIA's GPQA Diamond and HLE for its Nemotron 3 Super
    # NVFP4 checkpoint at Doubleword (2 of 4, exactly half: nemotron-3-super-nvfp4-card.yaml); 368 = 367 + 1, mean
    # 36.15 % -> 36.23 %, with the same two for Nemotron 3.5 Lightning at Fireworks
    # (nemotron-3.5-lightning-card.yaml);
    # 368, mean 36.23 %, with AA's records of both at their default (2026-12-01; the same benchmarks, AA's values)
    assert n >= 368 and mean >= 0.362


@pytest.mark.xfail(strict=True, reason=(
    "not reachable with public data on record: 314 of the 706 offers on sale on 2026-11-29 serve models "
    "with no measured score in the mode the offer serves (GPT-5.4 mini/nano, Claude Opus 4.8, Opus and "
    "Sonnet 5.5 and Fable 5.x (Artificial Analysis ran them only with an opt-in server-side fallback), "
    "Kimi K3.1, DeepSeek V4-Flash 0731 / V4 Pro 0813 / V4.1 (only at max effort or without thinking), "
    "MiMo-V2.6, Muse Spark 1.3, ERNIE, Doubao, Hunyuan: no public table, or the last public snapshot of "
    "Artificial Analysis' data read (2026-10-10) has them only at a non-default effort, or not at all, or "
    "their API default is not established; hosts' copies of unscored open models; legacy and "
    "special-purpose models; the models scored from the 2026-10-10 payload (GPT-6, Gemini 3.8 Flash) have GPQA "
    "Diamond at most of this profile): the ceiling is 392/706 = 56 % even if every scored model had every "
    "benchmark of the profile"))
def test_general_2025_covers_80_percent_of_todays_offers(catalog: Any) -> None:
    n, total, _ = covered_share(catalog, "general-2025", TODAY)
    assert n / total >= 0.8


# --------------------------------------------------------------------------- the profiles of 2025-2026

NEW_PROFILES = ["general-2025", "coding-agentic", "reasoning-2025", "chinese-2025", "general-2026", "agentic-2026"]


@pytest.mark.parametrize("name", NEW_PROFILES)
def test_new_profiles_name_catalog_benchmarks_and_say_their_weights(catalog: Any, name: str) -> None:
    p = catalog.profiles[name]
    for b, w in p.weights.items():
        assert b in catalog.benchmarks
        assert catalog.benchmark(b).name.split(" (")[0].split(" v")[0][:6].lower() in p.description.lower() \
            or b in p.description, (name, b)
        assert f"{w:g}" in p.description, (name, b, w)


def test_2024_profiles_keep_their_weights(catalog: Any) -> None:
    w = {n: dict(p.weights) for n, p in catalog.profiles.items()}
    assert w["general"] == {"mmlu": 1, "mmlu-pro": 1, "ifeval": 1, "gpqa-diamond": 0.5, "arc-c": 0.5}
    assert w["reasoning"] == {"gpqa-diamond": 1, "mmlu-pro": 1, "arc-c": 0.5, "mmlu-cot": 0.5}
    assert w["code"] == {"humaneval": 1, "mbpp-evalplus": 1}
    assert w["math"] == {"gsm8k": 1, "math": 1}
    assert w["tool-use"] == {"bfcl": 1, "nexus": 1}
    assert w["support"] == {"ifeval": 1, "mmlu": 1, "bfcl": 0.5}


def test_current_frontier_models_are_scored_on_the_2025_profiles(catalog: Any) -> None:
    cov = {p: coverage(catalog, p, date(2025, 9, 1)) for p in ("general-2025", "reasoning-2025", "coding-agentic")}
    for oid in ("openai/o3", "openai/gpt-4.1", "anthropic/claude-opus-4", "anthropic/claude-sonnet-4",
                "google/gemini-2.5-pro", "openai/o4-mini"):
        assert cov["general-2025"][oid] >= 0.5, oid
    for oid in ("openai/o3", "openai/gpt-5", "deepseek/deepseek-reasoner", "moonshot/kimi-k2-thinking"):
        assert cov["reasoning-2025"].get(oid, 1.0) >= 0.5, oid
    for oid in ("openai/gpt-5", "anthropic/claude-opus-4", "anthropic/claude-sonnet-4", "openai/o3"):
        assert cov["coding-agentic"][oid] >= 0.5, oid


def test_todays_frontier_models_are_scored_on_the_2026_profiles(catalog: Any) -> None:
    """Models of 2026 are no longer reported on MMLU-Pro, IFEval or SimpleQA (general-2025): the 2026
    profiles use what they are measured on, so a buyer today can rank them."""
    gen = coverage(catalog, "general-2026", TODAY)
    agent = coverage(catalog, "agentic-2026", TODAY)
    old = coverage(catalog, "general-2025", TODAY)
    for oid in ("openai/gpt-5.5", "openai/gpt-5.4", "anthropic/claude-opus-4.7", "google/gemini-3.5-flash",
                "deepseek/deepseek-v4-pro", "zhipu/glm-5.2", "xai/grok-4.3"):
        assert gen[oid] == 1.0 and agent[oid] == 1.0, oid
        assert old[oid] < 0.5, oid  # what general-2025 could not do


def test_2026_profiles_coverage_floor(catalog: Any) -> None:
    n, total, mean = covered_share(catalog, "general-2026", TODAY)
    assert total == 706  # 719 - 4 - 8 - 1 shut down (see test_general_2025_coverage_floor)
    # 329 of 974 offers (34 %), mean coverage 35.3 %: GPQA Diamond alone is 1 of 3.5, so an offer needs
    # a second benchmark; Artificial Analysis gives IFBench, AA-LCR and HLE for most models it maps.
    # 352, mean 37.2 %, with AA's payload of 2026-08-22 and Qwen's Qwen3.8 cards: GLM-5.3 12 offers,
    # Qwen3.8-27B 4, Claude Opus 5 4, Qwen3.8-2.4T-A95B 3, Qwen3.8-Max 2, Gemini 3.7 Flash 1, minus Claude
    # Sonnet 5 3 (its non-thinking record is not the API default); 370 with 22 more hosts' names linked
    # (2026-11-30); 287 of 719 (39.9 %), mean 40.2 %, once shut-down offers are no longer on sale;
    # 298 (41.4 %), mean 41.6 %, with the GPT-5.6, Nemotron 3 Super and Mistral Small 4 defaults (seventh session);
    # 318 with the hosts' names of the tenth session; 334 (46.5 %), mean 46.1 %, with AA's payload of 2026-10-10
    # (GLM-5.3-Flash 11 offers, GPT-6 Astra 3, Gemini 3.8 Flash 1 reach half the weight: GPQA, AA-LCR, HLE);
    # 334, mean 46.2 % (46.08 -> 46.20), with Bedrock's two Claude Haiku 5.5 profiles linked (score-links2
    # session: HLE and AA-LCR, 1.5 of 3.5, below half the weight); 338, mean 46.6 %, with GLM-5.3-Flash's
    # four hosts' names linked on review; 338 of 715, mean 46.6 % -> 46.7 %, with the curated Gemini shutdowns of
    # 2026-12-01 (none of the four reached half the weight); 336 of 707 = 338 - 2, mean 46.8 %, with the imported
    # ones (Claude 3.7 Sonnet and 3 Haiku on Vertex AI); 337 = 336 + 1, mean 46.88 % -> 46.98 % (+2.5 / 3.5 / 706),
    # with NVIDIA's own GPQA Diamond, IFBench and HLE for Nemotron 3 Nano at Novita (2.5 of 3.5:
    # nemotron-3.5-lightning-card.yaml; its reasoning-on default on record in reasoning-defaults.yaml); 338 =
    # 337 + 1, mean 46.98 % -> 47.09 % (+2.5 / 3.5 / 706), with NVIDIA's GPQA Diamond, IFBench and HLE for its
    # Nemotron 3 Super NVFP4 checkpoint at Doubleword (nemotron-3-super-nvfp4-card.yaml); 339 = 338 + 1, mean
    # 47.09 % -> 47.19 %, with the same three for Nemotron 3.5 Lightning at Fireworks
    # (nemotron-3.5-lightning-card.yaml);
    # 339, mean 47.19 %, with AA's records of both at their default (2026-12-01: AA's GPQA Diamond and HLE, and
    # Nano's IFBench, replace NVIDIA's; AA-LCR, which would make both whole, is not read yet from AA's payload
    # of 2026-10-10)
    assert n >= 339 and mean >= 0.471
    n, total, mean = covered_share(catalog, "agentic-2026", TODAY)
    # 298 of 974 (31 %), mean 32.2 %: Terminal-Bench Hard, tau2 telecom and SciCode, all three from AA
    # (303 with SWE-bench bash-only as a fourth benchmark, dropped: no model of 2026 has it);
    # 238 of 719 (33.1 %), mean 35.5 %, with shut-down offers no longer on sale (2026-11-30); 246, mean
    # 36.6 %, with the same three defaults (GPT-5.6 Luna's medium record has no agentic benchmark); 255, mean
    # 38.4 %, with the hosts' names of the tenth session (AA's records of 2026-10-10 have no agentic benchmark);
    # 255 of 715 (mean 38.6 %) after the curated Gemini shutdowns of 2026-12-01, 253 of 707 = 255 - 2, mean 38.7 %,
    # after the imported ones (Claude 3.7 Sonnet and 3 Haiku on Vertex AI); 254 = 253 + 1, mean 38.72 % -> 38.81 %
    # (+0.67 / 706), with NVIDIA's tau2-bench Telecom and SciCode for Nemotron 3 Nano (2 of 3); 254, mean 38.81 % ->
    # 38.86 % (+0.33 / 706), with SciCode alone for the Nemotron 3 Super NVFP4 checkpoint at Doubleword; 254, mean
    # 38.90 %, with SciCode alone for Nemotron 3.5 Lightning at Fireworks; 254, mean 38.905 % -> 38.952 %
    # (+0.33 / 706), with Artificial Analysis' record of Nemotron 3 Nano at its default (Terminal-Bench Hard
    # the third of three; its tau2 and SciCode replace NVIDIA's); Lightning's AA record has SciCode only
    assert n >= 254 and mean >= 0.3895


# --------------------------------------------------------------------------- ids: one per model, modes apart

def test_no_duplicate_model_ids_for_the_same_api_model(catalog: Any) -> None:
    # the score tables named these models differently; the catalog keeps one id each
    for other in ("claude-4-sonnet", "gpt-4.5-preview", "gemini-2.5-pro-exp-03-25"):
        assert other not in catalog.models
    assert catalog.offer("openai/gpt-4.5-preview").model == "gpt-4.5"
    assert ("gpt-4.5", "gpqa-diamond") in catalog.scores
    assert ("gemini-2.5-pro-preview-03-25", "arena-hard-v2") in catalog.scores


def test_deepseek_reasoner_serves_the_thinking_mode(catalog: Any) -> None:
    chat = catalog.price_at("deepseek/deepseek-chat", date(2025, 9, 1))
    reasoner = catalog.price_at("deepseek/deepseek-reasoner", date(2025, 9, 1))
    assert (chat.model, reasoner.model) == ("deepseek-v3.1", "deepseek-v3.1-thinking")
    assert catalog.price_at("deepseek/deepseek-reasoner", date(2025, 12, 1)).model == "deepseek-v3.2-thinking"
    # the two modes score differently, in the maker's table and in an independent harness alike
    # (DeepSeek-V3.1 card: GPQA Diamond 74.9 vs 80.1; Artificial Analysis, preferred: 73.5 vs 77.9)
    def gpqa(model: str) -> list[tuple[float, str]]:
        return [(s.value, Path(s.file).stem) for s in catalog.scores[(model, "gpqa-diamond")]]

    assert gpqa("deepseek-v3.1") == [(73.5, "artificial-analysis-2026-08-22"), (74.9, "deepseek-v3.1-card")]
    assert gpqa("deepseek-v3.1-thinking") == [(77.9, "artificial-analysis-2026-08-22"), (80.1, "deepseek-v3.1-card")]
    assert catalog.model("deepseek-v3.1-thinking").architecture == catalog.model("deepseek-v3.1").architecture
    # V4-Flash preview (2026-04-24 until the two names were retired on 2026-07-24): deepseek-chat its
    # non-thinking mode, deepseek-reasoner its thinking mode at DeepSeek's default effort (high), so
    # only the reasoner gets AA's 'DeepSeek V4 Flash (Reasoning, High Effort)': GPQA 0.867, HLE 0.278
    for day in (date(2026, 4, 24), date(2026, 5, 1), date(2026, 7, 24)):
        assert catalog.price_at("deepseek/deepseek-chat", day).model == "deepseek-v4-flash"
        for reasoner in ("deepseek/deepseek-reasoner", "deepseek/deepseek-reasoner-usd"):
            assert catalog.price_at(reasoner, day).model == "deepseek-v4-flash-thinking", (reasoner, day)
    assert gpqa("deepseek-v4-flash-thinking") == [(86.7, "artificial-analysis-2026-08-22")]
    # the plain id is also the new name deepseek-v4-flash, which thinks by default: one id, two modes
    assert ("deepseek-v4-flash", "gpqa-diamond") not in catalog.scores
    flash, thinking = catalog.model("deepseek-v4-flash"), catalog.model("deepseek-v4-flash-thinking")
    assert (thinking.architecture, thinking.params_b, thinking.active_params_b, thinking.context_window) == (
        flash.architecture, flash.params_b, flash.active_params_b, flash.context_window)


def test_aa_payload_of_october_gives_aa_lcr_one_footing_and_scores_the_new_models_at_their_defaults(catalog: Any) -> None:
    """AA re-scored AA-LCR between its payloads of 2026-08-22 and 2026-10-10: every AA-LCR cell comes from
    the later one, and models added since are mapped only at their API default (sources in its header)."""
    def cells(model: str, bench: str) -> list[tuple[float, str]]:
        return [(s.value, Path(s.file).stem) for s in catalog.scores.get((model, bench), [])]

    lcr = [s for (m, b), scores in catalog.scores.items() if b == "aa-lcr" for s in scores]
    assert len(lcr) >= 151 and {Path(s.file).stem for s in lcr} == {"artificial-analysis-2026-10-10"}
    # Gemini 3.5 Flash (medium): 223/300 = 0.7433 -> 74.3 on 2026-10-10 (239/300 = 79.7 on 2026-08-22)
    assert cells("gemini-3.5-flash", "aa-lcr") == [(74.3, "artificial-analysis-2026-10-10")]
    # AA has no AA-LCR value for Claude 4 Opus (Non-reasoning) any more: the 08-22 value (40.0) is not kept
    assert cells("claude-opus-4", "aa-lcr") == []
    # GPT-4o (Nov '24): 0 (could not run it, left out) -> 148/300 = 49.3
    assert cells("gpt-4o-2024-11-20", "aa-lcr") == [(49.3, "artificial-analysis-2026-10-10")]
    # new models at their API defaults: GPT-6 Astra (Medium) GPQA 930/990 = 93.9, HLE 1138/2158 = 52.7;
    # GLM-5.3-Flash GPQA 903/990 = 91.2; Claude Sonnet 5 (High), empty in August, HLE 771/2158 = 35.7
    assert cells("gpt-6-astra", "gpqa-diamond") == [(93.9, "artificial-analysis-2026-10-10")]
    assert cells("gpt-6-astra", "hle") == [(52.7, "artificial-analysis-2026-10-10")]
    assert cells("glm-5.3-flash", "gpqa-diamond") == [(91.2, "artificial-analysis-2026-10-10")]
    assert cells("claude-sonnet-5", "hle") == [(35.7, "artificial-analysis-2026-10-10")]
    # AA ran Opus 5.5, Sonnet 5.5 and Fable 5.1 only with the opt-in server-side fallback, and DeepSeek V4.1
    # Flash only at max or without thinking: none is their API default, so none is mapped
    for model in ("claude-opus-5.5", "claude-sonnet-5.5", "claude-fable-5-1", "deepseek-v4.1-flash"):
        assert not [b for (m, b) in catalog.scores if m == model], model
    # the defaults are on record for the cost of hidden reasoning tokens, mapped or not
    for model, setting in (("gpt-6-sol", "reasoning effort medium"), ("claude-opus-5.5", "adaptive thinking always on, effort medium"),
                           ("gemini-3.8-flash", "thinking level medium"), ("grok-4.7", "reasoning effort high (secondary source)")):
        rd = catalog.reasoning_defaults[model]
        assert rd.reasons is True and rd.setting == setting, model
    # AA gave the slug qwen3-8-max to Qwen3.8 Max (0902); the catalog's qwen3.8-max (2026-08-03) keeps the
    # 0803 record: GPQA 92.7 (918/990) as in August, AA-LCR 235/300 = 78.3
    assert cells("qwen3.8-max", "gpqa-diamond")[0] == (92.7, "artificial-analysis-2026-08-22")
    assert "qwen3-8-max-0803" in catalog.scores[("qwen3.8-max", "aa-lcr")][0].setting.note


def test_nemotron_records_at_the_makers_default(catalog: Any) -> None:
    """Artificial Analysis' Nemotron 3 Nano (Reasoning) and Nemotron 3.5 Lightning records are mapped since a
    host's copy is given its maker's default (reasoning on, NVIDIA's cookbook and card); Lightning's record
    names no mode but ran thinking (reasoning tokens, time to the first answer token). One record, one id:
    Bedrock's Nemotron 3 Nano gets none, and Ultra none (Baseten's plain id reasons on opt-in only, the
    other two are NVFP4 builds)."""
    def cells(model: str, bench: str) -> list[tuple[float, str]]:
        return [(s.value, Path(s.file).stem) for s in catalog.scores.get((model, bench), [])]

    # AA's (preference 55) before NVIDIA's own (100): GPQA Diamond 749/990 = 75.7 vs 74.05
    assert cells("nemotron-3-nano-30b-a3b", "gpqa-diamond") == [
        (75.7, "artificial-analysis-2026-08-22"), (74.05, "nemotron-3.5-lightning-card")]
    assert cells("nemotron-3-nano-30b-a3b", "terminal-bench-hard-aa") == [(13.6, "artificial-analysis-2026-08-22")]
    assert cells("nemotron-3-nano-30b-a3b", "mmlu-pro") == [(79.4, "artificial-analysis-2026-08-22")]
    assert cells("nemotron-lightning-3p5-30b-a3b", "gpqa-diamond") == [
        (74.3, "artificial-analysis-2026-08-22"), (75.44, "nemotron-3.5-lightning-card")]
    assert "Nemotron 3.5 Lightning" in catalog.scores[("nemotron-lightning-3p5-30b-a3b", "hle")][0].setting.note
    for model in ("nvidia.nemotron-nano-3-30b-0", "nvidia-nemotron-3-ultra-550b-a55b",
                  "nvidia-nemotron-3-ultra-550b-a55b-nvfp4", "nemotron-3-ultra-nvfp4"):
        assert not [b for (m, b) in catalog.scores if m == model], model
    rd = catalog.reasoning_defaults
    assert rd["nemotron-3-ultra-nvfp4"].reasons and rd["nvidia-nemotron-3-ultra-550b-a55b-nvfp4"].reasons
    assert rd["nvidia-nemotron-3-ultra-550b-a55b"].reasons is False


def test_base_tables_score_only_base_models(catalog: Any) -> None:
    for (m, _b), scores in catalog.scores.items():
        for s in scores:
            if "base" in Path(s.file).stem.split("-") and "baselines" not in s.file:
                assert catalog.model(m).variant == "base", (s.file, m)


def test_every_score_is_on_its_benchmark_scale(catalog: Any) -> None:
    for (m, b), scores in catalog.scores.items():
        bench = catalog.benchmark(b)
        for s in scores:
            assert bench.scale_min <= s.value <= bench.scale_max, (m, b, s.value)


def test_score_counts(catalog: Any) -> None:
    cells = sum(len(v) for v in catalog.scores.values())
    scored_models = {m for m, _ in catalog.scores}
    # before the merge: 307 cells, 29 models with a score; after: 1,880 cells, 129 models; with the
    # GLM-4.5/4.7/5, Kimi K2.5 and Gemma tables: 1,981 cells, 136 models; with the scores4 tables
    # (Kimi K2.6 3 cells, GLM-5.1 2, MiniMax M2.7 2): 2,058 -> 2,065 cells, 148 -> 151 models; with the
    # Gemini 1.5 report, HELM's MMLU and Artificial Analysis (645 cells): 2,749 cells, 215 models; with
    # the API defaults established for 24 more AA records (707 AA cells, +62): 2,811 cells, 234 models
    # (19 new: the o-series already had scores); with AA's IFBench, SciCode, tau2-bench Telecom,
    # Terminal-Bench Hard and AA-LCR on the same 185 records (743 cells, AA's zeros left out): 3,554
    # cells, still 234 models (every record had a score already); AA's payload of 2026-08-22 in place of
    # 2026-07-31's (1,478 cells on 189 models: GLM-5.3, Qwen3.8 27B and Max, Gemini 3.7 Flash, Claude
    # Opus 5 at its default adaptive thinking added; Claude Sonnet 5's non-thinking record, not its
    # default, dropped) and Qwen's Qwen3.8-27B and 2.4T-A95B cards (15 cells): 3,596 cells, 239 models;
    # with AA's GPT-5.6 Sol/Terra/Luna (medium), Nemotron 3 Super (reasoning) and Mistral Small 4
    # (non-reasoning) records mapped (31 cells): 3,627 cells, 244 models; AA's payload of 2026-10-10 (AA-LCR
    # on its new footing for 151 models, 6 of the 147 before lost theirs; GPQA Diamond, HLE and AA-LCR of
    # 9 models added since August, 21 cells; GPT-4o (Nov '24)'s AA-LCR, 0 before): 3,643 cells, 253 models;
    # with NVIDIA's Nemotron 3 Nano cells (4 from the Nemotron 3.5 Lightning card, 2 from the Nano report):
    # 3,649 cells, 254 models; with NVIDIA's NVFP4 column for Nemotron 3 Super (4 cells): 3,653 cells, 255 models;
    # with the Lightning card's own column for Nemotron 3.5 Lightning at Fireworks (4 cells): 3,657 cells, 256
    # models;
    # with AA's Nemotron 3 Nano (Reasoning) record (8 cells) and its Nemotron 3.5 Lightning record (3), both at the
    # maker's default, reasoning on (2026-12-01): 3,668 cells, still 256 models;
    # with AA's records of other modes mapped to 90 mode entries (`mode_of`: thinking on or off, another
    # effort; 545 cells from the 2026-08-22 payload, 5 from 2026-10-10, test_aa_modes.py): 4,218 cells, 346 models
    assert cells >= 4218 and len(scored_models) >= 346


def test_an_assumed_offpeak_share_is_said(catalog: Any) -> None:
    """DeepSeek's off-peak half price was applied to the share of the week its hours cover (79 %) without
    a word, which made it the best value of the 2026 scenario; the estimate now says so, and an explicit
    workload.offpeak_share silences it."""
    text = (ROOT / "scenarios" / "open-vs-closed-2026.yaml").read_text()
    est = estimate(parse_scenario(text, "s.yaml", catalog), catalog)
    ds = est.candidate("deepseek/deepseek-v4-pro")
    said = [w for w in ds.warnings if w.startswith("off-peak prices applied to 79% of requests")]
    assert said and "your peak/average 2 says it is not" in said[0] and "workload.offpeak_share" in said[0]
    # peak/average left at its default: the warning does not argue from a setting the user never made
    est = estimate(parse_scenario(text.replace("  peak_to_average: 2.0", "", 1), "d.yaml", catalog), catalog)
    said = [w for w in est.candidate("deepseek/deepseek-v4-pro").warnings if w.startswith("off-peak prices applied")]
    assert said and "peak/average" not in said[0]
    assert not any("off-peak" in w for w in est.candidate("openai/gpt-5.5").warnings)
    given = text.replace("  peak_to_average: 2.0", "  offpeak_share: 0.3\n  peak_to_average: 2.0", 1)
    est = estimate(parse_scenario(given, "s.yaml", catalog), catalog)
    assert not any("off-peak prices applied" in w for w in est.candidate("deepseek/deepseek-v4-pro").warnings)


def test_an_unscored_candidate_is_told_where_scores_would_come_from(catalog: Any) -> None:
    text = ("name: b\nas_of: 2026-11-29\nworkload: {requests_per_day: 1000, input_tokens: 100, output_tokens: 10}\n"
            "quality: {profile: general-2026}\ncandidates: [openai/gpt-5.5, openai/gpt-5.4-mini]\n")
    est = estimate(parse_scenario(text, "b.yaml", catalog), catalog)
    (w,) = [w for w in est.candidate("openai/gpt-5.4-mini").warnings if "min_coverage" in w]
    assert "none is on record for gpt-5.4-mini" in w and "`tco catalog show gpt-5.4-mini`" in w
    assert "quality.scores" in w
    assert not any("none is on record" in w for w in est.candidate("openai/gpt-5.5").warnings)
