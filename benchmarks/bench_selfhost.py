"""Evaluations per second of the self-hosting deployment model: vectorized over a grid of
(GPU count, batch, input tokens, output tokens) points versus a plain Python loop calling
the same functions one point at a time, measured in one run.

    python benchmarks/bench_selfhost.py [--loop-points 3000] [--repeat 5]

One evaluation = memory fit (fits, KV capacity) + TTFT + TPOT + throughput at the point's
batch for Llama 3.1 70B FP8 on H100. The loop runs over a random sample of the same grid
(a full loop would take minutes) and its results are checked against the vectorized ones.
Target: at least 1,000,000 evaluations/s vectorized. Also times the latency-target search
(means and 99th percentile) and the layout search (every split of 8, 16 and 64 GPUs).
Prints numbers only; no pass/fail.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from tco.catalog.hardware import accelerator_params, engine_params, load_hardware  # noqa: E402
from tco.engine import selfhost as sh  # noqa: E402
from tco.engine.selfhost.layout import candidate_layouts, evaluate_layouts  # noqa: E402


def deployment() -> sh.Deployment:
    hw = load_hardware(ROOT / "pricing" / "hardware")
    gpu = accelerator_params(hw.accelerator("h100-sxm-80gb"))
    model = sh.ModelShape("llama-3.1-70b-instruct", 80, 8192, 64, 8, 128, 28672, 128256, 70.55, 70.55)
    return sh.Deployment(model=model, gpu=gpu, engine=engine_params(hw.engine("trtllm")), precision="fp8")


def evaluate(dep: sh.Deployment, c: object, g, b, i, o):  # type: ignore[no-untyped-def]
    """Everything one point needs: fit, capacity, TTFT, TPOT, tokens/s."""
    mf = sh.memory_fit(dep, g, i, o, _c=c)
    lat = sh.ttft_tpot(dep, g, b, i, o, _c=c)
    return mf.fits, mf.kv_capacity_tokens, lat.ttft_s, lat.tpot_s, lat.output_tokens_per_s


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--loop-points", type=int, default=3000, help="points evaluated by the plain loop (sample of the grid)")
    ap.add_argument("--repeat", type=int, default=5, help="vectorized runs; the best is reported")
    args = ap.parse_args(argv)

    dep = deployment()
    c = sh._consts(dep)
    gpus = np.array([1, 2, 4, 8, 16], dtype=np.float64)
    batch = np.unique(np.round(np.geomspace(1, 2048, 40)))
    isl = np.unique(np.round(np.geomspace(16, 32_000, 64)))
    osl = np.unique(np.round(np.geomspace(16, 8_000, 64)))
    G, B, I, O = (a.reshape(-1) for a in np.meshgrid(gpus, batch, isl, osl, indexing="ij"))
    n = G.size

    best = float("inf")
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        vec = evaluate(dep, c, G, B, I, O)
        best = min(best, time.perf_counter() - t0)
    vec_rate = n / best

    rng = np.random.default_rng(0)
    idx = rng.choice(n, size=min(args.loop_points, n), replace=False)
    t0 = time.perf_counter()
    loop = [evaluate(dep, c, float(G[k]), float(B[k]), float(I[k]), float(O[k])) for k in idx]
    loop_s = time.perf_counter() - t0
    loop_rate = len(idx) / loop_s

    for field in range(5):
        a = np.array([float(np.asarray(r[field])) for r in loop])
        v = np.asarray(vec[field], dtype=np.float64)[idx]
        assert np.allclose(a, v, rtol=1e-12, equal_nan=True), f"loop and vectorized results differ (field {field})"

    print(f"grid: {len(gpus)} GPU counts x {len(batch)} batches x {len(isl)} input x {len(osl)} output = {n:,} points")
    print(f"vectorized : {n:>10,} evaluations in {best * 1e3:8.1f} ms  -> {vec_rate:>14,.0f} evaluations/s (best of {args.repeat})")
    print(f"plain loop : {len(idx):>10,} evaluations in {loop_s * 1e3:8.1f} ms  -> {loop_rate:>14,.0f} evaluations/s "
          "(random sample of the same grid)")
    print(f"ratio      : {vec_rate / loop_rate:,.0f}x  (results identical on the sampled points)")
    print(f"target     : >= 1,000,000 evaluations/s vectorized: {'met' if vec_rate >= 1e6 else 'NOT met'}")

    # the SLO search (bisection over the batch, ~12 model evaluations per shape), vectorized over shapes
    G2, I2, O2 = (a.reshape(-1) for a in np.meshgrid(gpus, isl, osl, indexing="ij"))
    t0 = time.perf_counter()
    sh.slo_throughput(dep, G2, I2, O2, 2.0, 0.05, _c=c)
    slo_s = time.perf_counter() - t0
    print(f"SLO search : {G2.size:>10,} shapes in {slo_s * 1e3:8.1f} ms  -> {G2.size / slo_s:>14,.0f} shapes/s "
          "(best throughput within TTFT 2 s / TPOT 50 ms)")
    p99 = replace(dep, slo_percentile=99.0)
    t0 = time.perf_counter()
    sh.slo_throughput(p99, G2, I2, O2, 2.0, 0.05)
    p99_s = time.perf_counter() - t0
    print(f"p99 search : {G2.size:>10,} shapes in {p99_s * 1e3:8.1f} ms  -> {G2.size / p99_s:>14,.0f} shapes/s "
          "(the same targets on the 99th percentile)")

    # layout search: every tensor x pipeline x data-parallel split of a deployment, vectorized over layouts
    for total in (8, 16, 64):
        lays = candidate_layouts(dep.model, total, dep.gpus_per_node, intra_node_pipeline=True)
        best = float("inf")
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            res = evaluate_layouts(dep, lays, total, 1000, 1000, 2.0, 0.05)
            best = min(best, time.perf_counter() - t0)
        print(f"layouts    : {len(lays):>10,} splits of {total:>2} GPUs in {best * 1e3:6.1f} ms  -> best "
              f"{res[0].layout.label} x {res[0].replicas} (best of {args.repeat})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
