"""Start-up cost of the CLI against the import floor, measured in one run.

    python benchmarks/bench_startup.py [--runs N]

Prints medians of N runs (wall clock, fresh interpreter each time) of:
  floor            python -c "import numpy, pydantic, yaml"   (the issue's floor)
  floor+BaseModel  python -c "import numpy, yaml; from pydantic import BaseModel"
  tco --help
  tco estimate     the example scenario, warm: catalog and scenario validated on an earlier run
                   and read back as plain records (no pydantic import)
  tco estimate     cold (TCO_NO_CACHE=1): every catalog file and the scenario parsed and validated
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


def run_once(cmd: list[str], env: dict[str, str]) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=11)
    args = ap.parse_args()
    py = sys.executable
    # bytecode as an installed tco has it (pip compiles at install; an editable install or
    # PYTHONDONTWRITEBYTECODE=1 leaves stale or no .pyc, and each run would compile tco again:
    # measured 1.20x instead of 1.03x the floor)
    import compileall

    compileall.compile_dir(str(ROOT / "tco"), quiet=1)
    cache = tempfile.mkdtemp(prefix="tco-bench-cache-")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TCO_CACHE_DIR": cache}
    subprocess.run([py, "-m", "tco", "estimate", EXAMPLE], env=env, stdout=subprocess.DEVNULL, check=True)  # warm
    rows = [
        ("floor: import numpy, pydantic, yaml", [py, "-c", "import numpy, pydantic, yaml"], env),
        ("floor + pydantic.BaseModel", [py, "-c", "import numpy, yaml; from pydantic import BaseModel"], env),
        ("tco --help", [py, "-m", "tco", "--help"], env),
        ("tco estimate (warm: cached validation)", [py, "-m", "tco", "estimate", EXAMPLE], env),
        ("tco estimate (cold: TCO_NO_CACHE=1)", [py, "-m", "tco", "estimate", EXAMPLE], {**env, "TCO_NO_CACHE": "1"}),
    ]
    # round-robin, so a burst of load on the machine hits every row alike
    samples: list[list[float]] = [[] for _ in rows]
    for _ in range(args.runs):
        for i, (_name, cmd, e) in enumerate(rows):
            samples[i].append(run_once(cmd, e))
    results = [(name, statistics.median(x)) for (name, _c, _e), x in zip(rows, samples, strict=True)]
    floor = results[0][1]
    print(f"median of {args.runs} runs, fresh interpreter each")
    for name, t in results:
        print(f"  {name:<38} {t * 1e3:7.1f} ms  {t / floor:5.2f}x floor")
    est = results[3][1]
    print(f"tco estimate / floor = {est / floor:.2f} (target <= 1.0, issue 9); tco --help = {results[2][1] * 1e3:.0f} ms "
          f"(target < 60 ms)")


if __name__ == "__main__":
    main()
