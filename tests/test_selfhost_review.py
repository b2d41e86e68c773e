"""Review findings on self-hosting: `tco selfhost` and scenarios price alike, the context
window, pipeline splits, release dates, custom model files."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import pytest

from tco.catalog.hardware import load_model_file
from tco.plan.deployment import resolve
from tco.cli import main
from tco.engine import selfhost as sh
from tco.errors import NotAvailable, TcoError
from tco.schema.selfhost import SelfhostSpec
from tco import estimate, parse_scenario

ROOT = Path(__file__).resolve().parent.parent


from tests.test_selfhost import cli, run_json  # noqa: E402  (one copy of the CLI helpers)


# ---------------------------------------------------------------------------------------
# 2. `tco selfhost` and `tco estimate` price the same deployment the same
# ---------------------------------------------------------------------------------------

SCENARIO = """\
name: same deployment
as_of: 2024-09-15
workload: {{requests_per_day: {rpd}, input_tokens: 1500, output_tokens: 500{extra}}}
quality: {{profile: general}}
candidates:
  - openai/gpt-4o
  - selfhost: {{name: d, model: llama-3.1-70b-instruct, precision: fp8, gpu: h100-sxm-80gb, gpus: 2{price},
               latency: {{ttft_ms: 1000, tpot_ms: 50}}}}
"""

FLAGS = ("llama-3.1-70b-instruct", "--gpu", "h100-sxm-80gb", "--gpus", "2", "--precision", "fp8",
         "--input-tokens", "1500", "--output-tokens", "500", "--ttft-ms", "1000", "--tpot-ms", "50")


@pytest.mark.parametrize("rpd, price, flags, extra, xflags", [
    # default rental on 2024-09-15: Lambda $2.99/GPU-h in 8-GPU instances; peak 2x and 365/12 days by default
    (250_000, "", ("--as-of", "2024-09-15"), "", ()),
    (1_000_000, ", rent_per_gpu_hour: 2.5", ("--rent-per-gpu-hour", "2.5"), "", ()),
    (40_000, "", ("--as-of", "2024-09-15"), ", days_per_month: 30, peak_to_average: 3",
     ("--days-per-month", "30", "--peak-to-average", "3")),
])
def test_selfhost_command_and_scenario_agree_to_the_cent(catalog, capsys, rpd, price, flags, extra, xflags) -> None:
    est = estimate(parse_scenario(SCENARIO.format(rpd=rpd, price=price, extra=extra), "s.yaml", catalog), catalog)
    scen = est.candidate("d").monthly_cost
    out = run_json(capsys, *FLAGS, *flags, *xflags, "--requests-per-day", str(rpd))
    assert round(out["capacity"]["monthly_cost_usd"], 2) == round(scen, 2)
    assert out["capacity"]["replicas"] == est.candidate("d").selfhost["replicas"]
    if not xflags:
        assert out["capacity"]["peak_to_average"] == 2.0 and out["capacity"]["days_per_month"] == pytest.approx(365 / 12)
        assert any("peak of 2x the average load (default" in a for a in out["assumptions"])
    else:
        assert not any("(default, as in scenarios" in a for a in out["assumptions"])
    if price:
        # k rented GPUs x $2.50 x 730 h (no instance rounding for a plain per-GPU-hour price)
        assert scen == pytest.approx(out["capacity"]["total_gpus"] * 2.5 * 730)
        assert out["price"] == "rent: $2.5 per GPU-hour (--rent-per-gpu-hour)"
        assert est.candidate("d").selfhost["price_source"] == "rent: $2.5 per GPU-hour (scenario)"


def test_selfhost_hour_and_month_are_the_scenarios(capsys) -> None:
    out = run_json(capsys, *FLAGS, "--rent-per-gpu-hour", "2", "--requests-per-day", "1")
    # one 2-GPU replica: 2 x $2 = $4/hour; 730 h (365/12 days) = $2,920/month
    assert out["cost_per_replica_hour_usd"] == pytest.approx(4.0)
    assert out["capacity"]["monthly_cost_usd"] == pytest.approx(2 * 2 * 730)


# ---------------------------------------------------------------------------------------
# 3. context window, pipeline splits, one batch-1 latency line
# ---------------------------------------------------------------------------------------

LONG = """\
name: long prompts
as_of: 2024-09-15
workload: {requests_per_day: 1000, input_tokens: 130000, output_tokens: 2000}
quality: {profile: general}
candidates:
  - openai/gpt-4o
  - selfhost: {name: d, model: llama-3.1-70b-instruct, precision: fp8, gpu: h100-sxm-80gb}
"""


def test_request_longer_than_the_context_window_is_not_planned(catalog) -> None:
    # 130,000 + 2,000 = 132,000 tokens > Llama 3.1's 131,072
    est = estimate(parse_scenario(LONG, "l.yaml", catalog), catalog)
    c = est.candidate("d")
    assert math.isnan(c.monthly_cost) and c.rank is None and not c.ranked
    assert any("request of 132,000 tokens exceeds the model's 131,072-token context window" in w
               for w in c.warnings), c.warnings
    assert c.selfhost["within_context"] is False
    # at 129,000 + 2,000 = 131,000 it fits the window and is priced
    ok = estimate(parse_scenario(LONG.replace("130000", "129000"), "l.yaml", catalog), catalog).candidate("d")
    assert math.isfinite(ok.monthly_cost) and ok.selfhost["within_context"] is True


def test_selfhost_command_rejects_a_request_longer_than_the_window() -> None:
    args = cli("llama-3.1-8b-instruct", "--gpu", "h100-sxm-80gb", "--input-tokens", "10000000")
    with pytest.raises(TcoError) as e:
        args.func(args)
    text = str(e.value)
    assert "\n" not in text and "131,072-token context window" in text and "10,001,000 tokens" in text
    assert main(["selfhost", "llama-3.1-8b-instruct", "--gpu", "h100-sxm-80gb", "--input-tokens", "10000000"]) == 2


def test_pipeline_stages_divide_the_layers(catalog) -> None:
    l8 = sh.ModelShape("l8", 32, 4096, 32, 8, 128, 14336, 128256, 8.03, 8.03)
    # 24 GPUs on 8-GPU nodes = TP8 x PP3: 32 layers / 3 stages is not whole
    assert "3 pipeline stages of 8 GPUs, which do not divide the 32 layers" in sh.check_parallelism(l8, 24, 8)
    assert sh.check_parallelism(l8, 16, 8) is None and sh.check_parallelism(l8, 32, 8) is None
    # 405B has 126 layers: 3 stages of 42 are fine; a 2-layer model cannot have 4 stages
    l405 = sh.ModelShape("l405", 126, 16384, 128, 8, 128, 53248, 128256, 405.85, 405.85)
    assert sh.check_parallelism(l405, 24, 8) is None
    tiny = sh.ModelShape("tiny", 2, 512, 8, 8, 64, 1024, 1000, 0.01, 0.01)
    assert "do not divide the 2 layers" in sh.check_parallelism(tiny, 32, 8)
    with pytest.raises(TcoError, match="do not divide the 32 layers"):
        resolve(SelfhostSpec(model="llama-3.1-8b-instruct", gpu="h100-sxm-80gb", gpus=24), catalog)
    # the default GPU count never picks such a split, whatever the request length
    for isl in (1_000, 30_000, 100_000, 129_000):
        for acc in ("h100-sxm-80gb", "l40s", "a100-sxm-80gb"):
            for m in ("llama-3.1-8b-instruct", "llama-3.1-70b-instruct", "llama-3.1-405b-instruct"):
                d = resolve(SelfhostSpec(model=m, gpu=acc, precision="bf16"), catalog,
                            input_tokens=isl, output_tokens=1000).deployment
                pp = d.gpus // min(d.gpus, d.gpus_per_node)
                assert pp <= d.model.layers and d.model.layers % pp == 0, (m, acc, isl, d.gpus)


def test_one_batch_one_latency_line(capsys) -> None:
    base = ("llama-3.1-70b-instruct", "--gpu", "h100-sxm-80gb", "--gpus", "2", "--precision", "fp8")
    best = run_json(capsys, *base)["best_tpot_ms"]
    # a TPOT target only batch 1 meets (batch 2 adds KV reads and FLOPs)
    out = run_json(capsys, *base, "--tpot-ms", f"{best * 1.00001:.6f}")
    assert out["operating_batch"] == 1
    assert out["ttft_ms"] == pytest.approx(out["best_ttft_ms"]) and out["tpot_ms"] == pytest.approx(out["best_tpot_ms"])
    args = cli(*base, "--tpot-ms", f"{best * 1.00001:.6f}")
    assert args.func(args) == 0
    text = capsys.readouterr().out
    assert sum(1 for ln in text.splitlines() if ln.strip().startswith("at batch 1 ")) == 1
    # a larger operating batch: two lines, batch 1 and batch N
    args = cli(*base)
    assert args.func(args) == 0
    assert sum(1 for ln in capsys.readouterr().out.splitlines() if ln.strip().startswith("at batch")) == 2


def test_large_prices_have_cents_not_mills() -> None:
    from tco.report.selfhost import _money

    assert _money(34_547.7234) == "$34,547.72" and _money(0.1234) == "$0.123"


# ---------------------------------------------------------------------------------------
# 4. release dates
# ---------------------------------------------------------------------------------------

def test_model_before_its_release_is_not_available(catalog) -> None:
    spec = SelfhostSpec(model="llama-3.1-70b-instruct", precision="fp8", gpu="h100-sxm-80gb")
    with pytest.raises(NotAvailable) as e:
        resolve(spec, catalog, as_of=date(2024, 6, 1))
    assert e.value.available_from == date(2024, 7, 23)
    assert e.value.message == "llama-3.1-70b-instruct was released 2024-07-23"
    assert resolve(spec, catalog, as_of=date(2024, 7, 23)).model.id == "llama-3.1-70b-instruct"
    assert resolve(spec, catalog).model.id == "llama-3.1-70b-instruct"  # no date: no check
    with pytest.raises(NotAvailable, match="was released 2024-07-23"):
        args = cli("llama-3.1-70b-instruct", "--gpu", "h100-sxm-80gb", "--as-of", "2024-06-01")
        args.func(args)


def test_scenario_before_the_release_never_ranks_the_model(catalog) -> None:
    text = SCENARIO.format(rpd=10_000, price=", rent_per_gpu_hour: 2.5", extra="").replace("2024-09-15", "2024-06-01")
    sc = parse_scenario(text, "s.yaml", catalog)
    try:
        est = estimate(sc, catalog)
    except NotAvailable as e:  # the planner passes it on ...
        assert e.available_from == date(2024, 7, 23) and "s.yaml" in str(e)
    else:  # ... or excludes the candidate with a warning, as for API offers
        c = est.candidate("d")
        assert not c.ranked and any("2024-07-23" in w for w in c.warnings)


# ---------------------------------------------------------------------------------------
# 5. custom model files
# ---------------------------------------------------------------------------------------

ARCH = "architecture: {layers: 80, hidden_size: 8192, heads: 64, kv_heads: 8, head_dim: 128, ffn_size: 28672, vocab_size: 128256}\n"
HEAD = "id: acme-70b\nname: ACME 70B\nvendor: ACME\nopen_weights: true\nlicense: internal\nvariant: instruct\n"


def test_model_file_without_provenance_is_unverified(tmp_path, catalog) -> None:
    f = tmp_path / "m.yaml"
    f.write_text(HEAD + ARCH, encoding="utf-8")
    m = load_model_file(f)
    assert m.provenance.source == str(f) and m.provenance.status == "unverified"
    assert m.provenance.checked == date.today()
    r = resolve(SelfhostSpec(model_file=str(f), gpu="h100-sxm-80gb", precision="fp8"), catalog)
    assert any("unverified" in a and "acme-70b" in a for a in r.assumptions)
    listed = tmp_path / "l.yaml"
    lines = (HEAD + ARCH).splitlines()
    listed.write_text("models:\n  - " + lines[0] + "\n" + "".join("    " + ln + "\n" for ln in lines[1:]), encoding="utf-8")
    assert load_model_file(listed).provenance.status == "unverified"


def test_model_file_without_architecture(tmp_path, catalog) -> None:
    f = tmp_path / "m.yaml"
    f.write_text(HEAD, encoding="utf-8")
    with pytest.raises(TcoError) as e:
        resolve(SelfhostSpec(model_file=str(f), gpu="h100-sxm-80gb"), catalog)
    assert str(e.value) == (f"{f}:1:1: model 'acme-70b' has no architecture: block (layers, hidden_size, heads, "
                            "kv_heads, head_dim, ffn_size, vocab_size)")
    assert "model_file" not in e.value.message + (e.value.hint or "")  # no advice to write the model_file it is


@pytest.mark.parametrize("content, where", [
    (HEAD + ARCH.replace("layers: 80", "layers: -80"), "m.yaml:7:24: architecture.layers: must be more than 0 (got -80)"),
    (HEAD.replace("vendor: ACME\n", "") + ARCH, "m.yaml:1:1: vendor: required field is missing"),
    (HEAD + "architecture: {layers: [\n", "m.yaml:8:"),
    (None, "m.yaml: model_file: file not found"),
])
def test_model_file_errors_name_the_model_file(write, tmp_path, capsys, content, where) -> None:
    if content is not None:
        (tmp_path / "m.yaml").write_text(content, encoding="utf-8")
    scen = write(SCENARIO.format(rpd=1000, price="", extra="").replace("model: llama-3.1-70b-instruct",
                                                                        "model_file: m.yaml"))
    assert main(["estimate", str(scen)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"tco: error: {tmp_path / where}"), err
    assert "scenario.yaml" not in err and "candidates.1" not in err


def test_with_a_volume_the_billed_gpus_say_which_are_priced(capsys) -> None:
    # 70B FP8 on one 8x H100 node: 4 replicas of TP2 fit, but 100,000 requests/day need one replica,
    # and the month is priced for 2 GPUs: 2 x $2.99 x 730 h = $4,365.40. "GPUs billed 8" alone read as
    # the GPUs behind that figure.
    rc = main(["selfhost", "llama-3.1-70b-instruct", "--gpu", "h100-sxm-80gb", "--requests-per-day", "100000",
               "--rent-per-gpu-hour", "2.99", "--precision", "fp8", "--input-tokens", "1500", "--output-tokens", "500"])
    out = capsys.readouterr().out
    assert rc == 0 and "$4,365.40" in out
    assert "GPUs billed      8 with every replica running; 2 at 100,000 requests/day (Cost)" in out


def test_with_a_volume_the_cost_per_token_at_that_volume_is_given(capsys) -> None:
    # the full-load $0.207 per 1M tokens stood alone beside the volume; at 100,000 requests/day of 2,000 tokens the
    # month ($4,365.40) buys 100,000 x 30.4167 x 2,000 = 6.083B tokens: $0.718 per 1M, as tco estimate says
    rc = main(["selfhost", "llama-3.1-70b-instruct", "--gpu", "h100-sxm-80gb", "--requests-per-day", "100000",
               "--rent-per-gpu-hour", "2.99", "--precision", "fp8", "--input-tokens", "1500", "--output-tokens", "500"])
    out = capsys.readouterr().out
    assert rc == 0 and "$0.718 at this volume" in out and "at the same 80% load" in out  # the line above says 80 %: not "fully loaded"
