"""Findings of the 2026-12-01 reviews (a Chinese buyer of today; a library and CI user) that have
no other home: the same weights in another mode (self-hosting deepseek-v4-flash found no score while
its thinking mode, deepseek-v4-flash-thinking, has seven: mode entries say whose weights they are,
`mode_of`, and the estimate and `catalog show` point to them; a wrong `mode_of` is one located
error), self-hosted costs no measurement backs, and a bad number in a catalog price."""

from __future__ import annotations

import json
import shutil

import pytest

from tco.cli import main
from tests.conftest import FIXTURE_CATALOG, ROOT


def test_a_selfhosted_model_without_scores_names_its_scored_mode(capsys, write, catalog) -> None:
    assert catalog.other_modes("deepseek-v4-flash") == ["deepseek-v4-flash-thinking"]
    assert catalog.other_modes("deepseek-v4-flash-thinking") == ["deepseek-v4-flash"]
    assert catalog.other_modes("kimi-k2") == []  # kimi-k2-thinking is other weights, not a mode
    f = write("as_of: 2026-12-01\nworkload: {requests_per_day: 200000, input_tokens: 1500, output_tokens: 400}\n"
              "quality: {profile: general-2026}\ncandidates:\n"
              "  - selfhost: {model: deepseek-v4-flash, gpu: h200-141gb, rent_per_gpu_hour: 2.8}\n"
              "  - deepseek/deepseek-v4-flash\n")
    assert main(["estimate", str(f), "-f", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    (sh,) = [c for c in data["candidates"] if c["kind"] == "selfhost"]
    (api,) = [c for c in data["candidates"] if c["kind"] == "api"]
    said = [w for w in sh["warnings"] if "min_coverage" in w]
    assert said and "selfhost.model: deepseek-v4-flash-thinking plans them in that mode" in said[0]
    # an API offer serves the mode its vendor chose: no advice to rename its model
    assert not any("another mode" in w for w in api["warnings"])
    assert main(["catalog", "show", "deepseek-v4-flash"]) == 0
    out = capsys.readouterr().out
    assert "the same weights in another mode: deepseek-v4-flash-thinking (7 benchmarks scored)" in out


@pytest.mark.parametrize(("mode_of", "said"), [
    ("m-nobody", "mode_of 'm-nobody' names no model of this file"),
    ("m-flat", "mode_of 'm-flat' is not the start of the id 'm-tiered'"),
])
def test_a_wrong_mode_of_is_one_located_line(capsys, tmp_path, mode_of, said) -> None:
    cat = tmp_path / "catalog"
    shutil.copytree(FIXTURE_CATALOG, cat)
    models = cat / "models.yaml"
    text = models.read_text(encoding="utf-8")
    text = text.replace("  - {id: m-tiered, name: Tiered,", f"  - {{id: m-tiered, mode_of: {mode_of}, name: Tiered,")
    models.write_text(text, encoding="utf-8")
    rc = main(["validate", str(ROOT / "scenarios" / "support-assistant.yaml"), "--catalog", str(cat)])
    err = capsys.readouterr().err
    assert rc == 2 and err.count("\n") == 1 and said in err and "models.yaml:4:" in err, err


def test_a_selfhosted_cost_no_measurement_backs_says_so_in_its_row(capsys, write) -> None:
    """A Chinese buyer's review: GLM-5.2 on Ascend 910B (no measurement of any engine on it) was
    ranked and drawn like any other row; only a warning far below said its throughput is a roofline
    guess. The Note column, the headline and the JSON say it beside the cost."""
    f = write("as_of: 2026-12-01\nworkload: {requests_per_day: 20000, input_tokens: 1500, output_tokens: 400}\n"
              "quality: {profile: general-2026}\ncandidates:\n"
              "  - selfhost: {name: on ascend, model: glm-5.2, gpu: ascend-910b, rent_per_gpu_hour: 1.5}\n"
              "  - selfhost: {name: on h100, model: llama-3.1-70b-instruct, gpu: h100-sxm-80gb, precision: fp8,"
              " rent_per_gpu_hour: 2.5}\n")
    assert main(["estimate", str(f), "-f", "json"]) == 0
    data = {c["id"]: c for c in json.loads(capsys.readouterr().out)["candidates"]}
    assert data["on ascend"]["selfhost"]["unvalidated"] == ["uncalibrated GPU"]
    assert data["on h100"]["selfhost"]["unvalidated"] == []  # trtllm was fitted on H100 and on Llama
    assert main(["estimate", str(f)]) == 0
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if line.lstrip().startswith(("-", "1", "2")) and "on ascend" in line)
    assert "uncalibrated GPU" in row and "uncalibrated" not in next(
        line for line in out.splitlines() if "on h100" in line and "selfhost" in line)


def test_a_bad_number_in_an_offers_only_price_is_named(capsys, tmp_path) -> None:
    """A library user's review: `input: four` in an offer's only price point was reported as
    "offers.0.prices: must not be empty" (pydantic's length check of the list the bad item left
    empty), pointing at the list instead of the number."""
    cat = tmp_path / "catalog"
    shutil.copytree(FIXTURE_CATALOG, cat)
    (cat / "api" / "zz.yaml").write_text(
        "provider: zz\nname: ZZ\noffers:\n  - id: zz/one\n    name: one\n    model: m-flat\n    launched: 2024-05-13\n"
        "    prices:\n      - effective_from: 2024-05-13\n        currency: USD\n        input: 4,0\n"
        "        output: 12.0\n        provenance: {source: x, checked: 2026-11-30, status: verified}\n",
        encoding="utf-8")
    rc = main(["validate", str(ROOT / "scenarios" / "support-assistant.yaml"), "--catalog", str(cat)])
    err = capsys.readouterr().err
    assert rc == 2 and err.strip().endswith("zz.yaml:11:16: offers.0.prices.0.input: must be a number (got '4,0')"), err


def test_validate_checks_a_catalog_alone(capsys, tmp_path) -> None:
    """A CI user's wish: `tco validate --catalog DIR` without a scenario checks every file of a
    catalog of one's own, hardware included; a broken one is a located error and exit 2."""
    assert main(["validate", "--catalog", str(FIXTURE_CATALOG)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"{FIXTURE_CATALOG}: ok (7 offers of 2 providers, 4 models") and "no hardware/ folder" in out
    cat = tmp_path / "catalog"
    shutil.copytree(ROOT / "pricing", cat)
    acc = cat / "hardware" / "accelerators.yaml"
    acc.write_text(acc.read_text(encoding="utf-8").replace("    memory_gb: 80\n", "    memory_gb: eighty\n", 1),
                   encoding="utf-8")
    assert main(["validate", "--catalog", str(cat)]) == 2
    err = capsys.readouterr().err
    assert "hardware/accelerators.yaml:13:16: accelerators.0.memory_gb: must be a number (got 'eighty')" in err
