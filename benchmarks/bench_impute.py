"""Speed of the score imputation's leave-one-out calibration (``tco catalog impute-check``, and
the first ``--impute`` or ``catalog coverage`` on a catalog), measured in one run on the
built-in catalog's instruct matrix:

* ``tco.engine.impute.leave_one_out`` as ``tco.plan.quality`` runs it (BLAS on one thread),
  against the same refits with the Gram matrices by a three-operand einsum (the code before
  2026-12-01, timed on a sample of cells and scaled to all of them), and
* one refit with the BLAS library's default threads (on two cores busy with other work, the
  default was 11x slower on 2026-12-01: OpenBLAS' threads wait on each other over tiny matrices).

    python benchmarks/bench_impute.py [--sample 100]

The held-out errors of the two paths are compared too (they must agree to rounding).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from threadpoolctl import threadpool_info, threadpool_limits  # noqa: E402

from tco.catalog import load_catalog  # noqa: E402
from tco.engine import impute as im  # noqa: E402
from tco.plan.quality import score_matrix  # noqa: E402


def einsum_solve(other: np.ndarray, wz: np.ndarray, w: np.ndarray, eye: np.ndarray) -> np.ndarray:
    """The normal equations as solved before 2026-12-01."""
    gram = np.einsum("rb,bi,bj->rij", w, other, other) + eye[None, :, :]
    rhs = np.einsum("rb,bi->ri", wz, other)
    return np.linalg.solve(gram, rhs[:, :, None])[:, :, 0]


def timed(fn, *args, repeat: int = 1) -> float:
    t = time.perf_counter()
    for _ in range(repeat):
        fn(*args)
    return (time.perf_counter() - t) / repeat


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sample", type=int, default=100, help="cells refitted with the einsum for the comparison")
    args = ap.parse_args(argv)
    x = score_matrix(load_catalog(), "instruct").values
    threads = max((i.get("num_threads", 1) for i in threadpool_info() if i.get("user_api") == "blas"), default=1)
    with threadpool_limits(limits=1, user_api="blas"):
        t = time.perf_counter()
        cal = im.leave_one_out(x)
        now = time.perf_counter() - t
        cells = np.argwhere(np.isfinite(cal.errors))
        pick = cells[np.random.default_rng(0).choice(len(cells), size=min(args.sample, len(cells)), replace=False)]
        fast = im._solve
        im._solve = einsum_solve  # the same refits with the former normal equations
        try:
            t = time.perf_counter()
            diff = 0.0
            for mi, bi in pick:
                held = x.copy()
                held[mi, bi] = np.nan
                err = im.fit(held, iterations=40).predict()[mi, bi] - x[mi, bi]
                diff = max(diff, abs(err - cal.errors[mi, bi]))
            before = (time.perf_counter() - t) / len(pick) * len(cells)
        finally:
            im._solve = fast
        one = timed(im.fit, x, repeat=20)
    many = timed(im.fit, x, repeat=20)
    m, b = x.shape
    print(f"leave-one-out on the built-in instruct matrix ({m} models x {b} benchmarks, {len(cells):,} held-out cells)")
    print(f"  now (matrix products, BLAS on 1 thread)  {now:7.1f} s  ({now / len(cells) * 1e3:.1f} ms per refit)")
    print(f"  three-operand einsum (before 2026-12-01) {before:7.1f} s  (scaled from {len(pick)} refits; "
          f"{before / now:.1f}x)")
    print(f"  one fit: {one * 1e3:.1f} ms on 1 thread, {many * 1e3:.1f} ms with the BLAS default of {threads} "
          f"thread(s) ({many / one:.1f}x)")
    print(f"  largest difference between the two paths' held-out errors: {diff:.1e} points")
    return 0


if __name__ == "__main__":
    sys.exit(main())
