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
    text = show(catalog, "ascend-910b")
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
