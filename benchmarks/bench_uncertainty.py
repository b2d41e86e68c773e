"""Monte Carlo speed and memory: samples x candidates per second and peak RSS, next to a plain
estimate of the same scenario, measured in one run (each in its own process, so peak memory
is its own).

    python benchmarks/bench_uncertainty.py [--samples 100000] [--candidates 60]

The scenario: the repository's 405B example under uncertainty (ranges on volume, prompt and
output length, a discount, the self-hosted throughputs' default spread) with API offers of
its as-of date added until there are ``--candidates`` candidates.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = textwrap.dedent("""
    import json, resource, sys, time
    sys.path.insert(0, {root!r})
    t0 = time.perf_counter()
    import tco
    from tco.catalog import load_catalog
    from tco.plan.scenario import parse_scenario
    cat = load_catalog()
    sc = parse_scenario(open({path!r}).read(), "bench.yaml", cat)
    t1 = time.perf_counter()
    est = tco.estimate(sc, cat, samples={samples}, seed=1)
    t2 = time.perf_counter()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({{"load_s": t1 - t0, "estimate_s": t2 - t1, "peak_mib": rss,
                      "candidates": len(est.candidates)}}))
""")


def scenario(candidates: int) -> str:
    sys.path.insert(0, str(ROOT))
    from datetime import date

    from tco.catalog import load_catalog
    from tco.errors import NotAvailable

    text = (ROOT / "scenarios" / "405b-under-uncertainty.yaml").read_text(encoding="utf-8")
    text = "\n".join(line for line in text.splitlines() if not line.startswith(("samples:", "seed:",
                                                                               "horizon_months:")))
    cat = load_catalog()
    have = {line.strip()[2:] for line in text.splitlines() if line.strip().startswith("- ") and "/" in line}
    extra = []
    for oid in sorted(cat.offers):
        if len(have) + len(extra) + 2 >= candidates:
            break
        try:
            p = cat.price_at(oid, date(2024, 9, 15))
        except NotAvailable:
            continue
        if oid not in have and oid not in text and p.input is not None and p.output is not None:
            extra.append(oid)
    return text.replace("candidates:\n", "candidates:\n" + "".join(f"  - {o}\n" for o in extra), 1)


def run(path: Path, samples: int) -> dict[str, float]:
    code = CHILD.format(root=str(ROOT), path=str(path), samples=samples if samples else "None")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--samples", type=int, default=100_000)
    ap.add_argument("--candidates", type=int, default=60)
    args = ap.parse_args()
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.yaml"
        path.write_text(scenario(args.candidates), encoding="utf-8")
        run(path, 0)  # warm the catalog cache
        plain = run(path, 0)
        mc = run(path, args.samples)
    c = mc["candidates"]
    rate = args.samples * c / mc["estimate_s"]
    print(f"scenario: 405B under uncertainty, {c} candidates (2 self-hosted)")
    print(f"plain estimate:           {plain['estimate_s']:8.3f} s   peak RSS {plain['peak_mib']:7.0f} MiB")
    print(f"{args.samples:,} samples:  {mc['estimate_s']:8.3f} s   peak RSS {mc['peak_mib']:7.0f} MiB")
    print(f"  {rate:,.0f} samples x candidates per second; {mc['estimate_s'] / plain['estimate_s']:.0f}x the "
          f"plain estimate's time, {mc['peak_mib'] / plain['peak_mib']:.2f}x its peak memory "
          f"(results kept: {args.samples * c * 16 / 2**20:,.0f} MiB of float64)")


if __name__ == "__main__":
    main()
