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


def test_the_default_deployment_grows_to_meet_the_targets_not_only_to_fit(capsys, write) -> None:
    """The diff review: with the 910B's usable memory on record, GLM-5.2 BF16 fits on 3 nodes, where
    no layout meets TPOT 50 ms; the default took the fewest nodes that fit and left the candidate
    without a cost ("latency targets unreachable") although 4 nodes meet the targets."""
    f = write("as_of: 2026-12-01\ncurrency: CNY\nworkload: {requests_per_day: 200000, input_tokens: 1500, "
              "output_tokens: 400}\ncandidates:\n  - selfhost: {name: ascend, model: glm-5.2, gpu: ascend-910b,"
              " rent_per_gpu_hour: 1.5, latency: {ttft_ms: 2000, tpot_ms: 50}}\n")
    assert main(["estimate", str(f), "-f", "json"]) == 0
    (c,) = json.loads(capsys.readouterr().out)["candidates"]
    assert c["monthly_cost"] is not None and c["selfhost"]["slo_feasible"] is not False, c["reason"]
    assert any("the deployment is 32 GPUs (4 nodes), the fewest whole nodes that do (give" in a
               for a in c["selfhost"]["assumptions"])


def test_the_diff_reviews_findings(capsys, write, tmp_path) -> None:
    """The review of the session's own diff (2026-12-01), one assertion each."""
    import os
    import subprocess
    import sys

    from tco.catalog import load_catalog
    from tco.engine.money import round_half_up

    # an offer retired later but with no price on the date counts as unpriced: every row without a
    # cost is the "none can be priced" error, not exit 0 with no answer
    f = write("as_of: 2024-05-01\nworkload: {requests_per_day: 1000, input_tokens: 100, output_tokens: 100}\n"
              "candidates:\n  - openai/text-davinci-003\n  - openai/gpt-3.5-turbo-0301\n"
              "  - selfhost: {model: llama-3.1-70b-instruct, gpu: h100-sxm-80gb, rent_per_gpu_hour: 2}\n", "ret.yaml")
    assert main(["estimate", str(f)]) == 2
    assert "none of the 3 candidates can be priced on 2024-05-01" in capsys.readouterr().err
    # a self-hosted rent given in CNY is converted into a USD report: its rate's age is said, the due
    # month being the one before the as-of date
    f = write("as_of: 2027-03-01\nworkload: {requests_per_day: 1000, input_tokens: 100, output_tokens: 100}\n"
              "candidates:\n  - selfhost: {model: llama-3.1-8b-instruct, gpu: h100-sxm-80gb, currency: CNY,"
              " rent_per_gpu_hour: 18.7}\n", "cnyrent.yaml")
    assert main(["estimate", str(f)]) == 0
    assert "the 2027-02 average, known from 2027-03-01, is not on record" in capsys.readouterr().out
    # GLM-4.7 reasons by default: 150 output tokens sit under the 200-token band only without them
    f = write("currency: CNY\nas_of: 2026-12-01\nworkload: {requests_per_day: 1000, input_tokens: 1500,"
              " output_tokens: 150}\ncandidates: [zhipu/glm-4.7]\n", "glm.yaml")
    assert main(["estimate", str(f)]) == 0
    assert "51 or more of them would move every request to the higher band" in capsys.readouterr().out
    # money to the cent up to ten trillion
    assert round_half_up(1234567890123.455) == 1234567890123.46
    # -o /dev/stdout into a redirected file appends to it, as the shell asked
    log = tmp_path / "log.txt"
    log.write_text("before\n", encoding="utf-8")
    with open(log, "a", encoding="utf-8") as fh:
        p = subprocess.run([sys.executable, "-m", "tco", "estimate", str(ROOT / "scenarios" / "support-assistant.yaml"),
                            "-f", "csv", "-o", "/dev/stdout"], stdout=fh, stderr=subprocess.PIPE, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    assert log.read_text(encoding="utf-8").startswith("before\nrank,id,")
    # a dangling link or an editor's lock file in a catalog folder hides no edit and stops no load
    cat = tmp_path / "catalog"
    shutil.copytree(FIXTURE_CATALOG, cat)
    os.symlink(cat / "nowhere", cat / "api" / "lock")
    (cat / "api" / ".#acme.yaml").symlink_to(cat / "nowhere.yaml")
    assert load_catalog(cat).offers["acme/flat"].prices[0].input == 4
    acme = cat / "api" / "acme.yaml"
    acme.write_text(acme.read_text(encoding="utf-8").replace("        input: 4\n", "        input: 5\n", 1), encoding="utf-8")
    assert load_catalog(cat).offers["acme/flat"].prices[0].input == 5
    # tco selfhost's JSON has the same keys in USD as in any other currency
    assert main(["selfhost", "llama-3.1-8b-instruct", "--gpu", "h100-sxm-80gb", "-f", "json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["currency"] == "USD" and d["fx"] is None and d["cost_per_replica_hour"] == d["cost_per_replica_hour_usd"]
