"""Engine throughput: candidate x workload-point evaluations per second, vectorized numpy
versus a plain Python loop over the same points, measured in one run.

    python benchmarks/bench_engine.py [--points N]

Every API offer available on the as-of date is a candidate; the workload points vary
volume, prompt and output length, cached share and batch share at random.
"""

from __future__ import annotations

import argparse
import time
from datetime import date
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--points", type=int, default=200_000, help="workload points for the vectorized run")
    ap.add_argument("--loop-points", type=int, default=2_000, help="workload points for the plain loop")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()

    import sys

    sys.path.insert(0, str(ROOT))
    from tco.catalog import load_catalog
    from tco.engine.api import api_cost, api_cost_loop
    from tco.errors import NotAvailable
    from tco import compile_scenario, parse_scenario

    cat = load_catalog()
    as_of = date(2024, 10, 1)
    ids = []
    for oid in sorted(cat.offers):
        try:
            p = cat.price_at(oid, as_of)
        except NotAvailable:
            continue
        if p.input is not None and p.output is not None:
            ids.append(oid)
    text = ("name: bench\nas_of: 2024-10-01\nworkload: {requests_per_day: 10000, input_tokens: 1500, "
            "output_tokens: 500}\ncandidates:\n" + "".join(f"  - {i}\n" for i in ids))
    compiled = compile_scenario(parse_scenario(text, "bench.yaml", cat), cat)
    prices = compiled.prices
    C = len(ids)

    rng = np.random.default_rng(0)

    def points(n: int) -> tuple[np.ndarray, ...]:
        return (rng.uniform(1e3, 1e8, n), rng.uniform(100, 200_000, n), rng.uniform(10, 4000, n),
                rng.uniform(0, 1, n), rng.uniform(0, 1, n))

    big = points(args.points)
    api_cost(prices, *big)  # warm up
    best = min(_timed(lambda: api_cost(prices, *big)) for _ in range(args.repeat))
    vec_rate = C * args.points / best

    small = points(args.loop_points)
    loop_best = min(_timed(lambda: api_cost_loop(prices, *small)) for _ in range(2))
    loop_rate = C * args.loop_points / loop_best

    from tco.plan.evaluate import WorkloadPoints, evaluate

    wp = WorkloadPoints(big[0], big[1], big[2], big[3], big[4], np.full(args.points, 2.0), 30.0)
    full = min(_timed(lambda: evaluate(compiled, wp)) for _ in range(args.repeat))
    full_rate = C * args.points / full

    same = np.allclose(api_cost(prices, *small).total, api_cost_loop(prices, *small), rtol=1e-12, equal_nan=True)
    print(f"candidates: {C} API offers available on {as_of}")
    print(f"vectorized: {C} x {args.points:,} points = {C * args.points:,} evaluations in {best * 1e3:.1f} ms "
          f"-> {vec_rate / 1e6:,.1f} million evaluations/s (best of {args.repeat})")
    print(f"plain loop: {C} x {args.loop_points:,} points = {C * args.loop_points:,} evaluations in "
          f"{loop_best * 1e3:.1f} ms -> {loop_rate / 1e6:,.3f} million evaluations/s")
    print(f"full evaluate (cost + quality + cost per point + rank): {full * 1e3:.1f} ms -> "
          f"{full_rate / 1e6:,.1f} million evaluations/s")
    print(f"ratio: vectorized is {vec_rate / loop_rate:,.0f}x the loop; results identical: {same}")
    print(f"target >= 5 million/s: {'met' if vec_rate >= 5e6 else 'NOT met'}")
    sweep_memory()


SWEEP_CODE = """
import sys, time
import numpy as np
import tco

def hwm():  # peak resident memory of this process, MiB (VmHWM: reset by exec, unlike ru_maxrss)
    for line in open('/proc/self/status'):
        if line.startswith('VmHWM:'):
            return int(line.split()[1]) / 1024

sc = tco.load_scenario(sys.argv[1])
base = hwm()
t = time.perf_counter()
sw = tco.sweep(sc, requests_per_day=np.logspace(2, 7, int(sys.argv[2])))
dt = time.perf_counter() - t
result = sum(a.nbytes for a in (sw.monthly_cost, sw.cost_per_mtok, sw.cost_per_quality_point, sw.rank))
print(len(sw.candidate_ids), dt, base, hwm(), result / 2**20)
"""


def sweep_memory(points: int = 1_000_000) -> None:
    """Peak memory of ``tco.sweep`` over a million volumes, in a fresh interpreter, against
    the size of the arrays it returns (what no implementation can avoid holding)."""
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", SWEEP_CODE, str(ROOT / "scenarios" / "china-price-war.yaml"),
                          str(points)], capture_output=True, text=True, check=True, cwd=ROOT).stdout.split()
    c, dt, base, peak, result = int(out[0]), *map(float, out[1:])
    print(f"sweep: {c} candidates x {points:,} volumes in {dt:.2f} s; peak RSS {peak:,.0f} MiB "
          f"(after imports and catalog {base:,.0f} MiB; the returned arrays {result:,.0f} MiB), "
          f"working memory bounded by chunks of {CHUNK_CELLS_TEXT}")


CHUNK_CELLS_TEXT = "2^21 candidate x point cells (tco.plan.evaluate.CHUNK_CELLS)"


def _timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


if __name__ == "__main__":
    main()
