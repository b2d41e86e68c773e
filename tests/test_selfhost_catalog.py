"""`tco catalog show` and `tco catalog list` cover the self-hosting hardware."""

from __future__ import annotations

import json
from datetime import date

import pytest

from tco.report.catalog import list_catalog, show
from tco.cli import main
from tco.errors import TcoError


def test_show_accelerator(catalog, capsys) -> None:
    assert main(["catalog", "show", "h100-sxm-80gb"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("accelerator h100-sxm-80gb")
    assert "memory_usable_gb: 85.52" in out and "server: hgx-h100-8gpu" in out
    # every rental's price history on one line: Lambda $3.49 -> $2.99 (2024-09-01) -> $3.29 (2024-11-01)
    assert ("lambda-h100-sxm: $3.49 from 2024-01-01 (single-source), $2.99 from 2024-09-01 (single-source), "
            "$3.29 from 2024-11-01 (single-source)") in out
    assert "default_rental: lambda-h100-sxm" in out
    d = json.loads(show(catalog, "h100-sxm-80gb", "json"))["gpu"]
    assert [p["usd_per_gpu_hour"] for p in d["rentals"]["lambda-h100-sxm"]] == [3.49, 2.99, 3.29, 3.99]
    # unknown figures are unknown, not 0 or None
    text = show(catalog, "ascend-910c")  # (the 910B's power is on record since 2026-12-01)
    assert "tdp_w: unknown" in text and "fp8_tflops: unknown" in text


def test_show_rental_with_price_history_and_sources(catalog) -> None:
    text = show(catalog, "lambda-h100-sxm")
    assert "billed in instances of 8 GPU(s); the default rental for this GPU" in text
    # $2.99 x 8 = $23.92 per instance-hour, in force 2024-09-01 until 2024-11-01
    row = next(ln for ln in text.splitlines() if ln.startswith("2024-09-01"))
    assert row.split() == ["2024-09-01", "2024-11-01", "2.99", "23.92", "single-source"]
    assert "Sources" in text and "archived lambdalabs.com pricing page" in text
    d = json.loads(show(catalog, "lambda-h100-sxm", "json"))["rental"]
    assert d["prices"][-1]["until"] is None and d["prices"][0]["usd_per_instance_hour"] == pytest.approx(27.92)


def test_show_server_and_engine(catalog) -> None:
    assert show(catalog, "hgx-h100-8gpu").startswith("server hgx-h100-8gpu")
    assert "mid: 290000.0" in show(catalog, "hgx-h100-8gpu")
    # profiles are dated (issue 11): a bare family name shows its latest profile, an alias its profile
    assert show(catalog, "trtllm").startswith("engine profile trtllm@v1.0")
    assert show(catalog, "trtllm@mlperf-v5.0").startswith("engine profile trtllm@v1.0")
    assert json.loads(show(catalog, "vllm", "json"))["engine"]["id"] == "vllm@0.6"


def test_unknown_hardware_id_suggests(catalog) -> None:
    with pytest.raises(TcoError, match="did you mean 'lambda-h100-sxm'"):
        show(catalog, "lambda-h100")
    with pytest.raises(TcoError, match="did you mean 'h100-sxm-80gb'"):
        show(catalog, "h100")


def test_list_gpus_clearly(catalog, capsys) -> None:
    assert main(["catalog", "list", "--kind", "gpu", "--as-of", "2024-06-01"]) == 0
    out = capsys.readouterr().out
    assert "in force on 2024-06-01" in out
    h100 = next(ln for ln in out.splitlines() if ln.startswith("h100-sxm-80gb "))
    assert "80 (85.52 usable)" in h100 and "$3.49 (lambda-h100-sxm)" in h100 and "hgx-h100-8gpu" in h100
    h200 = next(ln for ln in out.splitlines() if ln.startswith("h200-141gb "))
    assert "price unknown (first recorded 2024-12-01)" in h200  # its default rental's first price is later
    ascend = next(ln for ln in out.splitlines() if ln.startswith("ascend-910b "))
    assert "None" not in ascend and " - " in ascend  # unknown, never 0
    rows = json.loads(list_catalog(catalog, "gpu", date(2024, 9, 15), "json"))["gpus"]
    h100 = next(r for r in rows if r["id"] == "h100-sxm-80gb")
    assert h100["usd_per_gpu_hour"] == 2.99 and h100["rent_effective_from"] == "2024-09-01"


def test_list_rentals_servers_engines(catalog) -> None:
    text = list_catalog(catalog, "rental", date(2024, 9, 15))
    lam = next(ln for ln in text.splitlines() if ln.startswith("lambda-h100-sxm "))
    assert "$2.99" in lam and "2024-09-01" in lam and "yes" in lam
    gcp = next(ln for ln in text.splitlines() if ln.startswith("gcp-a3-on-demand "))
    assert "price unknown (first recorded 2025-03-01)" in gcp
    rows = json.loads(list_catalog(catalog, "rental", date(2024, 9, 15), "json"))["rentals"]
    assert next(r for r in rows if r["id"] == "lambda-h100-sxm")["usd_per_gpu_hour"] == 2.99
    servers = list_catalog(catalog, "server", date(2024, 9, 15))
    assert "250,000 / 290,000 / 330,000" in servers
    assert "trtllm" in list_catalog(catalog, "engine", date(2024, 9, 15))
    with pytest.raises(TcoError, match="unknown kind 'gpus'.*rental, server, engine"):
        list_catalog(catalog, "gpus", date(2024, 9, 15))


# --- issue 9: the H200 NVL, its rental and the B200 server (each figure sourced and dated) ------------

def test_h200_nvl_loads_with_sources(catalog) -> None:
    hw = catalog.hardware
    a = hw.accelerator("h200-nvl-141gb")
    # NVIDIA's H200 page, NVL column: 141 GB, 4.8 TB/s, up to 600 W; sparse 1,671 BF16 / 3,341 FP8 halved to dense
    assert (a.memory_gb, a.hbm_tb_s, a.tdp_w) == (141, 4.8, 600)
    assert (a.bf16_tflops, a.fp8_tflops, a.int8_tops) == (835.5, 1670.5, 1670.5)
    assert a.link_gb_s == 450  # NVLink bridge 900 GB/s per GPU bidirectional, one direction
    assert a.memory_usable_gb is None and a.efficiency.compute is None  # unknown stays unknown
    assert "nvidia.com/en-us/data-center/h200" in a.provenance.source and "@744d01e1" in a.provenance.source
    assert a.provenance.checked == date(2026, 11, 30) and "DERIVED" in a.provenance.note
    rent = hw.default_rental("h200-nvl-141gb")
    assert rent is not None and rent.id == "runpod-h200-nvl" and rent.gpus_per_instance == 1
    p = hw.rental_price(rent.id, date(2026, 11, 1))
    assert (p.effective_from, p.usd_per_gpu_hour, p.provenance.status) == (date(2026, 7, 24), 3.79, "single-source")
    assert "@81df5752" in p.provenance.source  # the first snapshot listing the card, not an earlier date
    with pytest.raises(TcoError, match="earliest recorded price is from 2026-07-24"):
        hw.rental_price(rent.id, date(2026, 6, 1))
    assert hw.server_for("h200-nvl-141gb") is None  # no public server price found: none invented


def test_b200_server_loads_with_sources(catalog) -> None:
    hw = catalog.hardware
    s = hw.server_for("b200")
    assert s is not None and s.id == "hgx-b200-8gpu" and s.gpus == 8
    assert s.power_kw == 14.3  # DGX B200 user guide: 14.3 kW max (6 x 3.3 kW PSUs, 5+1)
    assert (s.price_usd.low, s.price_usd.mid, s.price_usd.high, s.price_usd.year) == (None, 515_000, None, 2025)
    assert "docs.nvidia.com/dgx/dgxb200-user-guide" in s.provenance.source and s.provenance.status == "single-source"
    pts = {p.usd: p for p in s.price_points}
    assert pts[515_000].date == date(2025, 3, 16) and "vengineer.hatenablog.com" in pts[515_000].source
    assert "GPUs only" in pts[320_000].what  # an estimate of the GPUs is never passed off as a server
    assert all(p.date <= s.provenance.checked and p.source for p in s.price_points)
    text = list_catalog(catalog, "server", date(2026, 11, 1))
    row = next(ln for ln in text.splitlines() if ln.startswith("hgx-b200-8gpu "))
    assert "- / 515,000 / -" in row and "14.3" in row and "2025" in row


def test_b200_buy_monthly_cost_by_hand(capsys) -> None:
    """`tco selfhost --buy` prices one 8x B200 node from servers.yaml:
    capex    515,000 x CRF(8 %, 4 y) / 12 = 515,000 x 0.08 / (1 - 1.08^-4) / 12 = 515,000 x 0.3019208 / 12 = $12,957.43
    energy   14.3 kW x 0.75 load x PUE 1.56 x $0.0771/kWh x 730 h                                      = $941.67
    hosting  14.3 kW x $200 per kW-month                                                               = $2,860.00
    total                                                                                              = $16,759.11
    (405B BF16 needs all 8 GPUs; 100,000 requests/day fit on one replica, so one node.)"""
    assert main(["selfhost", "llama-3.1-405b-instruct", "--gpu", "b200", "--buy", "--cost-of-capital", "0.08",
                 "--as-of", "2026-06-01", "--requests-per-day", "100000", "-f", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    cap = out["capacity"]
    assert out["gpus"] == 8 and cap["nodes"] == 1
    assert out["price"].startswith("buy: $515,000 per node over 4 y at 8.0%, 14.3 kW")
    c = cap["cost_components"]
    assert c["capex"] == pytest.approx(12_957.43, abs=0.01)
    assert c["energy"] == pytest.approx(941.67, abs=0.01)
    assert c["hosting"] == pytest.approx(2_860.00)
    assert cap["monthly_cost_usd"] == pytest.approx(16_759.11, abs=0.01)
    assert out["cost_per_replica_hour_usd"] == pytest.approx(16_759.11 / 730, abs=1e-3)
    assert any("hgx-b200-8gpu" in a for a in out["assumptions"])
    # the H200 NVL has no server on record: the buy path says so instead of guessing
    assert main(["selfhost", "llama-3.1-405b-instruct", "--gpu", "h200-nvl-141gb", "--buy"]) == 2
    assert "no server price on record for h200-nvl-141gb" in capsys.readouterr().err


def test_the_default_rental_follows_the_date() -> None:
    # H200: AWS's capacity-block price of late 2024 ($5.408) was the default; from 2026-03-13 CoreWeave's
    # whole-node on-demand price ($6.305, verified) is: a 2026 plan is not priced at a 2024 rate
    from pathlib import Path

    from tco.catalog.hardware import load_hardware

    hw = load_hardware(Path(__file__).resolve().parent.parent / "pricing" / "hardware")
    assert hw.default_rental("h200-141gb", date(2025, 6, 1)).id == "aws-capacity-block-p5e"
    assert hw.default_rental("h200-141gb", date(2026, 3, 13)).id == "coreweave-hgx-h200"
    assert hw.default_rental("h200-141gb").id == "coreweave-hgx-h200"  # today's
    assert hw.rental_price("coreweave-hgx-h200", date(2026, 11, 29)).usd_per_gpu_hour == 6.305
    assert hw.default_rental("h100-sxm-80gb", date(2024, 9, 1)).id == "lambda-h100-sxm"  # one default: any date


def test_a_rent_older_than_a_year_is_warned_and_the_pcie_default_moves_to_2026(capsys) -> None:
    """A buyer's review: Oracle's $10/GPU-h of 2023-10 and the 2023 default for H100 PCIe were priced on
    2026-12-01 without a word about their age."""
    from tco.cli import main

    assert main(["selfhost", "llama-3.1-8b-instruct", "--gpu", "h100-sxm-80gb", "--rental", "oracle-bm-gpu-h100-8",
                 "--as-of", "2026-12-01", "-f", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    said = [w for w in out["warnings"] if "last on record" in w]
    # 2023-10-01 .. 2026-12-01 = 1,157 days = 3.2 years
    assert said and "from 2023-10-01: 3.2 years before 2026-12-01" in said[0] and "--rent-per-gpu-hour" in said[0]
    # the default H100 PCIe rental: CoreWeave's 2023 price before 2026-05-27, RunPod Secure's $2.89 from then
    for day, rental in (("2025-01-01", "coreweave-h100-pcie"), ("2026-12-01", "runpod-h100-pcie-secure")):
        assert main(["selfhost", "llama-3.1-8b-instruct", "--gpu", "h100-pcie-80gb", "--as-of", day, "-f", "json"]) == 0
        out = json.loads(capsys.readouterr().out)
        assert rental in out["price"], (day, out["price"])
    assert "last on record" not in " ".join(out["warnings"])  # $2.89 from 2026-05-27 is six months old


# --- 2026-12-01: the GPUs of the unscored measurement rows, and the China-market Hoppers ---------------------

ADDED = ("a100-pcie-80gb", "rtx-pro-6000-blackwell", "gb200", "b300", "gb300", "h20", "h800")


def test_gpus_added_on_2026_12_01_load_with_sourced_figures(catalog) -> None:
    hw = catalog.hardware
    for gid in ADDED:
        a = hw.accelerator(gid)
        assert a.efficiency.status == "uncalibrated" and a.efficiency.compute is None, gid  # no fit saw them
        assert a.provenance.checked == date(2026, 12, 1) and "@" in a.provenance.source, gid
        if a.fp8_tflops is not None:  # dense peaks: FP8 = 2 x BF16 on every one of these chips
            assert a.fp8_tflops == pytest.approx(2 * a.bf16_tflops, rel=0.001), gid
    a = hw.accelerator("a100-pcie-80gb")  # 81920 MiB = 85.90e9 bytes; no FP8 tensor cores; PCIe Gen4
    assert (a.memory_usable_gb, a.hbm_tb_s, a.bf16_tflops, a.fp8_tflops, a.tdp_w, a.link_gb_s) == (
        85.90, 1.935, 312, None, 300, 32)
    a = hw.accelerator("rtx-pro-6000-blackwell")  # 4000 sparse FP4 TOPS halved; 97887 MiB; PCIe Gen5, no NVLink
    assert (a.memory_gb, a.memory_usable_gb, a.hbm_tb_s, a.link_gb_s, a.tdp_w) == (96, 102.64, 1.792, 64, 600)
    assert (a.bf16_tflops, a.fp8_tflops, a.fp4_tflops) == (500, 1000, 2000) and "DERIVED" in a.provenance.note
    a = hw.accelerator("gb200")  # the datasheet's GB200 NVL72 column, per GPU, sparse figures halved
    assert (a.memory_gb, a.hbm_tb_s, a.bf16_tflops, a.fp4_tflops, a.tdp_w, a.link_gb_s) == (186, 8.0, 2500, 10000,
                                                                                              1200, 900)
    b300, gb300 = hw.accelerator("b300"), hw.accelerator("gb300")
    assert (b300.fp8_tflops, b300.fp4_tflops, b300.memory_usable_gb) == (4500, 14000, 288.40)
    assert (gb300.bf16_tflops, gb300.fp4_tflops, gb300.tdp_w) == (2500, 15000, 1400)
    h20, h800, h100 = hw.accelerator("h20"), hw.accelerator("h800"), hw.accelerator("h100-sxm-80gb")
    assert (h20.memory_gb, h20.hbm_tb_s, h20.bf16_tflops, h20.link_gb_s) == (96, 4.0, 148, 450)
    assert h20.tdp_w is None and "DERIVED" in h20.provenance.note  # two sources disagree on power: unknown
    # the H800 is an H100 SXM with NVLink cut from 900 to 400 GB/s (200 per direction)
    assert (h800.hbm_tb_s, h800.fp8_tflops, h800.link_gb_s) == (h100.hbm_tb_s, 1979, 200)
    assert h800.memory_usable_gb is None and h800.tdp_w is None  # not sourced: unknown, not the H100's
    text = list_catalog(catalog, "gpu", date(2026, 12, 1))
    assert all(any(ln.startswith(gid + " ") for ln in text.splitlines()) for gid in ADDED)


@pytest.mark.parametrize("gpu", ADDED)
def test_selfhost_plans_70b_on_each_added_gpu(gpu, capsys) -> None:
    assert main(["selfhost", "llama-3.1-70b-instruct", "--gpu", gpu, "--rent-per-gpu-hour", "2", "-f", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["gpu"] == gpu and out["fits"] and out["slo_output_tokens_per_s"] > 0
    assert any(w.startswith(f"{gpu} is not calibrated") for w in out["warnings"])


def test_memory_fit_on_one_rtx_pro_6000_by_hand(capsys) -> None:
    """One RTX PRO 6000 holds 102.64 GB (97887 MiB). Llama 3.1 70B in BF16 is 141.1 GB of weights: refused.
    In FP8 (72.65 GB) it fits, leaving 102.64 - 1.98 reserved - 72.65 = 28.01 GB for the KV cache, at
    163,840 bytes per token (80 layers x 8 KV heads x 128 x 2 (K, V) x 1 byte) 171,000 tokens; the planner keeps
    162,403 (its activation reserve). Llama 3.1 8B in BF16 fits with room to spare."""
    base = ["selfhost", "--gpu", "rtx-pro-6000-blackwell", "--gpus", "1", "--rent-per-gpu-hour", "2", "-f", "json"]
    assert main([*base, "llama-3.1-70b-instruct", "--precision", "bf16"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert not out["fits"] and out["weights_gb"] == pytest.approx(141.1) and out["output_tokens_per_s"] == 0
    assert main([*base, "llama-3.1-70b-instruct", "--precision", "fp8"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["fits"] and out["available_gb"] == 102.64 and out["weights_gb"] == pytest.approx(72.65, abs=0.01)
    assert out["free_per_gpu_gb"] == pytest.approx(102.64 - 1.98 - 72.651, abs=0.01)
    assert out["kv_bytes_per_token"] == 80 * 8 * 128 * 2 and 150_000 < out["kv_capacity_tokens"] <= 171_000
    assert main([*base, "llama-3.1-8b-instruct", "--precision", "bf16"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["fits"] and out["free_per_gpu_gb"] > 80


def test_h800_tensor_parallel_pays_for_its_slower_nvlink(capsys) -> None:
    """Same die, memory bandwidth and peaks as the H100 SXM, NVLink 200 GB/s per direction against 450: one TP8
    replica of Llama 3.1 70B FP8 serves less on 8x H800 than on 8x H100, and a lone 1,000-token prompt, whose
    prefill all-reduces 1,000 tokens' activations twice per layer, takes longer (memory plays no part there)."""
    out = {}
    for gpu in ("h100-sxm-80gb", "h800"):
        assert main(["selfhost", "llama-3.1-70b-instruct", "--gpu", gpu, "--layout", "tp8pp1", "--precision", "fp8",
                     "--no-latency-targets", "--rent-per-gpu-hour", "2", "-f", "json"]) == 0
        out[gpu] = json.loads(capsys.readouterr().out)
    h100, h800 = out["h100-sxm-80gb"], out["h800"]
    assert 0 < h800["output_tokens_per_s"] < h100["output_tokens_per_s"]
    assert h800["best_ttft_ms"] > 1.2 * h100["best_ttft_ms"]
