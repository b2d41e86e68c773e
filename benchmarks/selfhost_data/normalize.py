#!/usr/bin/env python3
"""Write tests/data/selfhost_measurements.csv from the four tables the builders in this folder
produce (build/mlperf.csv from the MLPerf Inference results repositories, build/engines.csv
from engine documentation and benchmark posts, build/inferencemax.csv from InferenceMAX's
sweeps in raw/inferencemax.csv, build/inferencex_2026.csv from InferenceX's 2026 sweep points
in raw/inferencex_app_2026.csv).

    TCO_MIRROR_DIR=DIR python3 benchmarks/selfhost_data/build_mlperf.py
    TCO_MIRROR_DIR=DIR python3 benchmarks/selfhost_data/build_engines.py
    python3 benchmarks/selfhost_data/build_inferencemax.py
    python3 benchmarks/selfhost_data/build_inferencex_2026.py
    python3 benchmarks/selfhost_data/normalize.py

DIR holds bare clones named ``owner+name/repo`` of mlcommons/inference_results_v4.1,
mlcommons/inference_results_v5.1, dstackai/benchmarks and InternLM/lmdeploy. The output keeps
facts only: the measured numbers, the run's layout and settings, and the public source of each
row. Which rows are fitted, held out or external is decided by code
(:func:`tco.engine.selfhost.measurements.role`), not stored here.
"""

from __future__ import annotations

import csv
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
OUT = ROOT / "tests" / "data" / "selfhost_measurements.csv"

COLUMNS = ["id", "source_set", "split", "submitter", "system", "benchmark", "scenario", "model", "gpu", "gpus_total",
           "tp", "pp", "replicas", "ep", "attention_dp", "precision", "kv_precision", "engine", "engine_version", "isl",
           "osl", "tokens_per_s", "ttft_p99_limit_ms", "tpot_p99_limit_ms", "ttft_p99_ms", "tpot_p99_ms",
           "ttft_mean_ms", "tpot_mean_ms", "concurrency", "requests", "max_batch", "power_setting", "harness",
           "accuracy_target", "publication_date", "source", "note"]


def _num(v: str) -> str:
    v = (v or "").strip()
    if not v:
        return ""
    f = float(v)
    return str(int(f)) if f == int(f) and abs(f) < 1e15 else repr(f)


def _row(r: dict[str, str], mlperf: bool) -> dict[str, str]:
    """One normalized row: MLPerf's summaries carry p99s, max batch and run settings; the
    engine posts carry concurrency and request counts (their p99s only for online runs)."""
    online = mlperf or r["scenario"] == "server"
    out = {k: r[k] for k in ("split", "submitter", "system", "benchmark", "scenario", "model", "gpu", "attention_dp",
                             "precision", "kv_precision", "engine", "engine_version", "publication_date", "source",
                             "note")}
    out.update({
        "source_set": r["round_or_source"], "gpus_total": _num(r["gpus_total"]), "tp": _num(r["tp"]),
        "pp": _num(r["pp"]), "replicas": _num(r["replicas"]), "ep": _num(r["expert_parallel"]),
        "isl": _num(r["isl_mean"]), "osl": _num(r["osl_mean"]), "tokens_per_s": _num(r["tokens_per_s"]),
        "ttft_p99_limit_ms": _num(r["ttft_p99_ms_limit"]), "tpot_p99_limit_ms": _num(r["tpot_p99_ms_limit"]),
        "ttft_p99_ms": _num(r["measured_ttft_ms"]) if online else "",
        "tpot_p99_ms": _num(r["measured_tpot_ms"]) if online else "",
        "ttft_mean_ms": _num(r["measured_ttft_mean_ms"]), "tpot_mean_ms": _num(r["measured_tpot_mean_ms"]),
        "concurrency": "" if mlperf else _num(r["concurrency"]), "requests": "" if mlperf else _num(r["num_requests"]),
        "max_batch": _num(r.get("max_batch", "")),  # MLPerf's runtime batch; an engine post's stated --max-num-seqs
    })
    for k in ("power_setting", "harness", "accuracy_target"):
        out[k] = r[k] if mlperf else ""
    return out


def main() -> int:
    build = Path(os.environ.get("TCO_BUILD_DIR", HERE / "build"))
    rows: list[dict[str, str]] = []
    # the later tables come after the earlier ones so that the ids of the earlier rows do not move
    for name, mlperf in (("mlperf.csv", True), ("engines.csv", False), ("inferencemax.csv", False),
                         ("inferencex_2026.csv", False)):
        path = build / name
        if not path.exists():
            print(f"{path} not found: run build_mlperf.py, build_engines.py, build_inferencemax.py and "
                  "build_inferencex_2026.py first", file=sys.stderr)
            return 1
        with path.open(newline="", encoding="utf-8") as f:
            rows += [_row(r, mlperf) for r in csv.DictReader(f)]
    for i, r in enumerate(rows, start=1):
        r["id"] = f"m{i:04d}"
    with OUT.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows({k: r[k] for k in COLUMNS} for r in rows)
    print(f"wrote {len(rows)} rows to {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
