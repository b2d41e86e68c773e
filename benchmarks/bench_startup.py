"""Start-up cost of the CLI against the import floor, measured in one run.

    python benchmarks/bench_startup.py [--runs N]

Prints medians of N runs (wall clock, fresh interpreter each time) of:
  floor            python -c "import numpy, pydantic, yaml"   (the issue's floor)
  floor+BaseModel  python -c "import numpy, yaml; from pydantic import BaseModel"
  tco --help
  tco estimate     the example scenario, catalog cache warm
  tco estimate     catalog cache cold (TCO_NO_CACHE=1: every catalog file parsed and validated)
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = str(ROOT / "scenarios" / "support-assistant.yaml")


def timed(cmd: list[str], env: dict[str, str], runs: int) -> float:
    samples = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        samples.append(time.perf_counter() - t)
    return statistics.median(samples)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=11)
    args = ap.parse_args()
    py = sys.executable
    cache = tempfile.mkdtemp(prefix="tco-bench-cache-")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TCO_CACHE_DIR": cache}
    subprocess.run([py, "-m", "tco", "estimate", EXAMPLE], env=env, stdout=subprocess.DEVNULL, check=True)  # warm
    rows = [
        ("floor: import numpy, pydantic, yaml", [py, "-c", "import numpy, pydantic, yaml"], env),
        ("floor + pydantic.BaseModel", [py, "-c", "import numpy, yaml; from pydantic import BaseModel"], env),
        ("tco --help", [py, "-m", "tco", "--help"], env),
        ("tco estimate (catalog cache warm)", [py, "-m", "tco", "estimate", EXAMPLE], env),
        ("tco estimate (catalog cache off)", [py, "-m", "tco", "estimate", EXAMPLE], {**env, "TCO_NO_CACHE": "1"}),
    ]
    results = [(name, timed(cmd, e, args.runs)) for name, cmd, e in rows]
    floor = results[0][1]
    print(f"median of {args.runs} runs, fresh interpreter each")
    for name, t in results:
        print(f"  {name:<38} {t * 1e3:7.1f} ms  {t / floor:5.2f}x floor")
    est = results[3][1]
    print(f"tco estimate / floor = {est / floor:.2f} (target <= 1.5); tco --help = {results[2][1] * 1e3:.0f} ms "
          f"(target < 150 ms)")


if __name__ == "__main__":
    main()
