"""``tco selfhost MODEL --gpu GPU ...``: does a model fit, how fast does it serve, what does
a token cost.

Registered by ``tco/cli.py`` with ``cli_selfhost.add_parser(sub)``; ``run(args) -> int``.
Errors are :class:`tco.errors.TcoError` (one line, exit 2). A model that does not fit is
an answer (exit 0, ``fits: false``), not an error. numpy is imported inside :func:`run`.
"""

from __future__ import annotations

import argparse
import json
import math
from datetime import date
from typing import Any

SCHEMA_VERSION = 1
DEFAULT_INPUT, DEFAULT_OUTPUT = 1000, 1000
DEFAULT_PEAK_TO_AVERAGE = 2.0
"""As in scenarios (``workload.peak_to_average``)."""
DEFAULT_DAYS_PER_MONTH = 365 / 12
"""As in scenarios (``workload.days_per_month``)."""

FLAG = {
    "gpus": "--gpus", "gpus_per_node": "--gpus-per-node", "rent_per_gpu_hour": "--rent-per-gpu-hour",
    "buy.server_price": "--server-price", "buy.lifetime_years": "--lifetime-years",
    "buy.cost_of_capital": "--cost-of-capital", "buy.staff_per_month": "--staff-per-month",
    "buy.power_kw": "--power-kw", "buy.pue": "--pue", "buy.electricity_per_kwh": "--electricity-per-kwh",
    "latency.ttft_ms": "--ttft-ms", "latency.tpot_ms": "--tpot-ms", "utilization": "--utilization",
    "precision": "--precision", "kv_precision": "--kv-precision", "model": "MODEL", "gpu": "--gpu",
}


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid date {text!r} (use YYYY-MM-DD)") from None


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``selfhost`` subcommand."""
    p = subparsers.add_parser(
        "selfhost", help="self-hosting: memory fit, throughput, latency and cost of a model on GPUs",
        description="Does MODEL fit on the GPUs, how many tokens per second does it serve (within latency "
                    "targets), and what does a million tokens cost? See docs/selfhost-model.md.")
    p.add_argument("model", nargs="?", metavar="MODEL", help="model id from the catalog (or give --model-file)")
    p.add_argument("--gpu", required=True, help="accelerator id, e.g. h100-sxm-80gb (tco catalog list --kind gpu)")
    p.add_argument("--gpus", type=int, help="GPUs per replica (default: the smallest count that fits well)")
    p.add_argument("--gpus-per-node", type=int, default=8, help="GPUs per server node (default: 8)")
    p.add_argument("--precision", choices=("bf16", "fp8", "int8", "int4"), default="bf16",
                   help="weight precision (default: bf16)")
    p.add_argument("--kv-precision", choices=("bf16", "fp8"), help="KV-cache precision (default: fp8 with fp8 weights)")
    p.add_argument("--input-tokens", type=int, default=DEFAULT_INPUT, help=f"input tokens per request (default: {DEFAULT_INPUT})")
    p.add_argument("--output-tokens", type=int, default=DEFAULT_OUTPUT,
                   help=f"output tokens per request (default: {DEFAULT_OUTPUT})")
    p.add_argument("--ttft-ms", type=float, help="time-to-first-token target, ms")
    p.add_argument("--tpot-ms", type=float, help="time-per-output-token target, ms")
    p.add_argument("--engine", default="trtllm", help="serving-engine profile (default: trtllm)")
    p.add_argument("--model-file", metavar="FILE", help="YAML file describing a custom model (same fields as the catalog)")
    price = p.add_argument_group("price (default: the GPU's default rental offer)")
    price.add_argument("--rent-per-gpu-hour", type=float, metavar="USD", help="rental price per GPU-hour")
    price.add_argument("--rental", metavar="ID", help="rental offer id from pricing/hardware/rentals.yaml")
    price.add_argument("--buy", action="store_true", help="own the servers (catalog price, power and defaults)")
    price.add_argument("--server-price", type=float, metavar="USD", help="with --buy: price of one node")
    price.add_argument("--lifetime-years", type=float, help="with --buy: years to spread the price over")
    price.add_argument("--cost-of-capital", type=float, metavar="RATE", help="with --buy: annual rate, e.g. 0.08")
    price.add_argument("--staff-per-month", type=float, metavar="USD", help="with --buy: staff and operations per month")
    price.add_argument("--utilization", type=float, help="share of SLO throughput planned at peak (default: catalog)")
    price.add_argument("--as-of", type=_date,
                       help="date YYYY-MM-DD: rental price in force, and the model must be released by then "
                            "(default: the latest price, no date check)")
    vol = p.add_argument_group("capacity planning (optional)")
    vol.add_argument("--requests-per-day", type=float, help="average volume: adds replicas, nodes and monthly cost")
    vol.add_argument("--peak-to-average", type=float,
                     help=f"peak load over average load (default: {DEFAULT_PEAK_TO_AVERAGE:g}, as in scenarios)")
    vol.add_argument("--days-per-month", type=float, default=DEFAULT_DAYS_PER_MONTH,
                     help="days in a month, for monthly volumes and costs (default: 365/12, as in scenarios)")
    p.add_argument("--format", "-f", choices=("table", "json"), default="table", help="output format (default: table)")
    p.add_argument("--catalog", metavar="DIR", help="pricing catalog directory (default: built in; env TCO_CATALOG)")
    p.set_defaults(func=run)
    return p


def _spec(args: argparse.Namespace) -> Any:
    from pydantic import ValidationError

    from .errors import TcoError
    from .schema.selfhost import SelfhostSpec

    if args.model is None and args.model_file is None:
        raise TcoError("give a MODEL id or --model-file FILE", hint="e.g. tco selfhost llama-3.1-70b-instruct --gpu h100-sxm-80gb")
    data: dict[str, Any] = {"gpu": args.gpu, "precision": args.precision, "gpus_per_node": args.gpus_per_node,
                            "engine": args.engine}
    if args.model_file:
        data["model_file"] = args.model_file
    else:
        data["model"] = args.model
    for k in ("kv_precision", "gpus", "rent_per_gpu_hour", "rental", "utilization"):
        if getattr(args, k) is not None:
            data[k] = getattr(args, k)
    buy_fields = {k: getattr(args, k) for k in ("server_price", "lifetime_years", "cost_of_capital", "staff_per_month")
                  if getattr(args, k) is not None}
    if buy_fields and not args.buy:
        raise TcoError(f"--{next(iter(buy_fields)).replace('_', '-')} needs --buy")
    if args.buy:
        data["buy"] = buy_fields
    if args.ttft_ms is not None or args.tpot_ms is not None:
        data["latency"] = {k: v for k, v in (("ttft_ms", args.ttft_ms), ("tpot_ms", args.tpot_ms)) if v is not None}
    try:
        return SelfhostSpec.model_validate(data)
    except ValidationError as err:
        e = err.errors(include_url=False)[0]
        loc = ".".join(str(x) for x in e["loc"])
        flag = FLAG.get(loc, loc or "selfhost")
        inp = e.get("input")
        got = f" (got {inp!r})" if isinstance(inp, (int, float, str)) and not isinstance(inp, bool) else ""
        msg = e["msg"].replace("Value error, ", "")
        raise TcoError(f"{flag}: {msg}{got}") from None


def run(args: argparse.Namespace) -> int:
    """Answer for one model on one GPU type; print a report (table) or JSON."""
    import numpy as np  # noqa: F401 - the engine needs it; imported here so `tco --help` stays light

    from .catalog import load_catalog
    from .catalog.hardware import resolve
    from .errors import TcoError

    for name in ("input_tokens", "output_tokens"):
        if getattr(args, name) <= 0:
            raise TcoError(f"--{name.replace('_', '-')} must be a positive number of tokens (got {getattr(args, name)})")
    if args.gpus is not None and args.gpus <= 0:
        raise TcoError(f"--gpus must be at least 1 (got {args.gpus})")
    if args.gpus_per_node <= 0:
        raise TcoError(f"--gpus-per-node must be at least 1 (got {args.gpus_per_node})")
    for name in ("ttft_ms", "tpot_ms"):
        v = getattr(args, name)
        if v is not None and not (v > 0 and math.isfinite(v)):
            raise TcoError(f"--{name.replace('_', '-')} must be a positive number of milliseconds (got {v:g})")
    if args.requests_per_day is not None and not (args.requests_per_day >= 0 and math.isfinite(args.requests_per_day)):
        raise TcoError(f"--requests-per-day must be zero or more (got {args.requests_per_day:g})")
    peak = DEFAULT_PEAK_TO_AVERAGE if args.peak_to_average is None else args.peak_to_average
    if not (peak >= 1 and math.isfinite(peak)):
        raise TcoError(f"--peak-to-average must be at least 1 (got {peak:g})", hint="peak load divided by average load")
    if not (1 <= args.days_per_month <= 31):
        raise TcoError(f"--days-per-month must be between 1 and 31 (got {args.days_per_month:g})",
                       hint="default 365/12 = 30.42")
    spec = _spec(args)
    cat = load_catalog(args.catalog)
    r = resolve(spec, cat, input_tokens=args.input_tokens, output_tokens=args.output_tokens, as_of=args.as_of,
                rent_label="--rent-per-gpu-hour")
    window = r.model.context_window
    if window and args.input_tokens + args.output_tokens > window:
        raise TcoError(f"a request of {args.input_tokens + args.output_tokens:,} tokens ({args.input_tokens:,} input + "
                       f"{args.output_tokens:,} output) exceeds {r.model.id}'s {window:,}-token context window",
                       hint="lower --input-tokens or --output-tokens")
    if args.requests_per_day is not None and args.peak_to_average is None:
        r.assumptions.append(f"capacity sized for a peak of {peak:g}x the average load (default, as in scenarios; "
                             "--peak-to-average)")
    result = evaluate(r, args.input_tokens, args.output_tokens, args.requests_per_day, peak,
                      days_per_month=args.days_per_month)
    if result["fits"] and not result["slo_feasible"]:
        targets = ", ".join(f"{k} <= {v:g} ms" for k, v in (("TTFT", args.ttft_ms), ("TPOT", args.tpot_ms)) if v is not None)
        raise TcoError(
            f"no batch meets the latency targets ({targets}) for "
            f"{r.label}: the best TPOT achievable is {result['best_tpot_ms']:.1f} ms and the best TTFT "
            f"{result['best_ttft_ms']:.0f} ms (at batch 1)",
            hint="relax the targets, add GPUs, or use a faster GPU or lower precision")
    if args.format == "json":
        print(json.dumps(result, indent=2, allow_nan=False))
    else:
        print(render_table(result), end="")
    return 0


def _g(v: float | None) -> str:
    return "-" if v is None else f"{v:g}"


def _num(x: Any) -> Any:
    import numpy as np

    a = np.asarray(x).reshape(-1)
    v = a[0]
    if a.dtype == bool:
        return bool(v)
    f = float(v)
    return None if not math.isfinite(f) else f


def evaluate(r: Any, isl: int, osl: int, requests_per_day: float | None = None,
             peak_to_average: float = DEFAULT_PEAK_TO_AVERAGE, days_per_month: float = DEFAULT_DAYS_PER_MONTH
             ) -> dict[str, Any]:
    """The JSON answer for a resolved deployment and one workload shape (a month of
    ``days_per_month`` days, as a scenario's workload)."""
    from .engine.selfhost import memory_fit, split

    dep = r.deployment
    days = days_per_month
    seconds = days * 86400.0
    per_month = (requests_per_day or 0.0) * days
    plan = r.plan(isl, osl, per_month, peak_to_average, seconds_per_month=seconds)
    mf = memory_fit(dep, dep.gpus, isl, osl)
    tp, pp = split(dep.gpus, dep.gpus_per_node)
    d = plan.to_dict()
    kvp = dep.kv_prec
    m = dep.model
    hourly = plan.unit_monthly_cost_usd / (seconds / 3600.0)
    out: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "model": m.id,
        "model_name": r.model.name,
        "gpu": dep.gpu.id,
        "gpu_name": r.accelerator.name,
        "gpus": dep.gpus,
        "tensor_parallel": int(_num(tp)),
        "pipeline_parallel": int(_num(pp)),
        "precision": dep.precision,
        "kv_precision": kvp,
        "engine": dep.engine.id,
        "input_tokens": isl,
        "output_tokens": osl,
        "fits": d["fits"],
        "weights_gb": d["weights_gb"],
        "weights_per_gpu_gb": _num(mf.weights_per_gpu_gb),
        "memory_per_gpu_gb": dep.gpu.memory_gb,
        "reserved_per_gpu_gb": dep.engine.runtime_reserved_gb + dep.engine.activation_gb,
        "free_per_gpu_gb": _num(mf.free_per_gpu_gb),
        "needed_gb": _num(mf.needed_gb),
        "available_gb": _num(mf.available_gb),
        "kv_bytes_per_token": mf.kv_bytes_per_token,
        "kv_capacity_tokens": d["kv_capacity_tokens"],
        "max_concurrency": d["max_concurrency"],
        "near_memory_limit": d["near_memory_limit"],
        "output_tokens_per_s": d["output_tokens_per_s"],
        "slo_output_tokens_per_s": d["slo_output_tokens_per_s"] if (dep.ttft_ms or dep.tpot_ms) else None,
        "slo_feasible": d["slo_feasible"],
        "operating_batch": d["operating_batch"],
        "ttft_ms": d["ttft_ms"],
        "tpot_ms": d["tpot_ms"],
        "best_tpot_ms": d["best_tpot_ms"],
        "best_ttft_ms": d["best_ttft_ms"],
        "targets": {"ttft_ms": dep.ttft_ms, "tpot_ms": dep.tpot_ms},
        "cost_per_replica_hour_usd": hourly if math.isfinite(hourly) else None,
        "cost_per_mtok_output": d["cost_per_mtok_output"],
        "cost_per_mtok_total": (d["cost_per_mtok_output"] * osl / (isl + osl)) if d["cost_per_mtok_output"] is not None else None,
        "utilization": dep.cost.utilization,
        "price": r.price_source,
        "quality_note": r.quality_note,
        "assumptions": list(r.assumptions),
        "warnings": list(d["warnings"]),
    }
    if not d["fits"]:
        from .engine.selfhost import fit_alternatives

        out["fits_on"] = [{"gpu": a.gpu, "gpus": a.gpus, "precision": a.precision} for a in fit_alternatives(dep, isl, osl)]
    if requests_per_day is not None:
        out["capacity"] = {
            "requests_per_day": requests_per_day, "peak_to_average": peak_to_average, "days_per_month": days,
            "replicas": d["replicas"], "nodes": d["nodes"], "total_gpus": d["total_gpus"],
            "monthly_cost_usd": d["monthly_cost_usd"], "cost_components": d["cost_components"],
            "cost_per_mtok": d["cost_per_mtok"], "average_utilization": d["average_utilization"]}
    return out


def _fmt(v: Any, spec: str = ",.0f", unit: str = "") -> str:
    if v is None:
        return "unknown"
    return f"{v:{spec}}{unit}"


def render_table(res: dict[str, Any]) -> str:
    """A report: memory picture, throughput, latency, cost, assumptions."""
    lines: list[str] = []
    add = lines.append
    par = f"TP{res['tensor_parallel']}" + (f" x PP{res['pipeline_parallel']}" if res["pipeline_parallel"] > 1 else "")
    add(f"{res['model_name']} on {res['gpus']}x {res['gpu_name']} ({par}), {res['precision']} weights, "
        f"{res['kv_precision']} KV cache, engine {res['engine']}")
    add(f"Workload: {res['input_tokens']:,} input + {res['output_tokens']:,} output tokens per request")
    add("")
    kib = res["kv_bytes_per_token"] / 1024
    add("Memory")
    rows = [
        ("fits", "yes" + (" (near the limit)" if res["near_memory_limit"] else "") if res["fits"] else "NO"),
        ("weights, whole model", f"{res['weights_gb']:,.1f} GB"),
        ("per GPU", f"{res['memory_per_gpu_gb']:.1f} GB device, {res['weights_per_gpu_gb']:.1f} GB weights, "
                    f"{res['reserved_per_gpu_gb']:.1f} GB runtime + activations, {res['free_per_gpu_gb']:.1f} GB left"),
        ("KV cache per token", f"{kib:,.1f} KiB"),
        ("KV capacity", f"{res['kv_capacity_tokens']:,.0f} tokens = {res['max_concurrency']:,.0f} concurrent sequences "
                        f"of {res['input_tokens'] + res['output_tokens']:,} tokens"),
    ]
    if not res["fits"]:
        rows.append(("needs", f"about {res['needed_gb']:,.0f} GB; {res['gpus']} GPUs have {res['available_gb']:,.0f} GB"))
        alts = res.get("fits_on") or []
        rows.append(("would fit on", ", ".join(f"{a['gpus']}x {a['gpu']} at {a['precision']}" for a in alts) or "nothing in the catalog"))
    lines += _rows(rows)
    if res["fits"]:
        add("")
        add("Throughput (output tokens/s, whole replica)")
        rows = [("max offline", f"{res['output_tokens_per_s']:,.0f}")]
        t = res["targets"]
        if res["slo_output_tokens_per_s"] is not None:
            given = ", ".join(f"{k} <= {t[f]:g} ms" for k, f in (("TTFT", "ttft_ms"), ("TPOT", "tpot_ms")) if t[f] is not None)
            rows.append(("within targets", f"{res['slo_output_tokens_per_s']:,.0f} at batch {res['operating_batch']:,.0f} "
                                           f"({given})"))
        lines += _rows(rows)
        add("")
        add("Latency")
        rows = [("at batch 1", f"TTFT {res['best_ttft_ms']:,.0f} ms, TPOT {res['best_tpot_ms']:.1f} ms")]
        if res["operating_batch"] != 1 and res["ttft_ms"] is not None:
            rows.append((f"at batch {res['operating_batch']:,.0f}",
                         f"TTFT {res['ttft_ms']:,.0f} ms, TPOT {res['tpot_ms']:.1f} ms"))
        lines += _rows(rows)
    add("")
    add("Cost")
    rows = [("price", res["price"]),
            ("per replica-hour", _fmt(res["cost_per_replica_hour_usd"], ",.2f").join(("$", "")) if res["cost_per_replica_hour_usd"] is not None else "unknown")]
    if res["fits"]:
        rows.append(("per 1M output tokens", (_money(res["cost_per_mtok_output"]) if res["cost_per_mtok_output"] is not None else "unknown")
                     + f" at {res['utilization']:.0%} of the {'within-target' if res['slo_output_tokens_per_s'] is not None else 'max'} throughput"))
        if res["cost_per_mtok_total"] is not None:
            rows.append(("per 1M tokens, in + out", _money(res["cost_per_mtok_total"])))
    cap = res.get("capacity")
    if cap and res["fits"]:
        rows.append(("volume", f"{cap['requests_per_day']:,.0f} requests/day, peak {cap['peak_to_average']:g}x average"))
        rows.append(("replicas / nodes", f"{_fmt(cap['replicas'])} replica(s) on {_fmt(cap['nodes'])} node(s) "
                                         f"({_fmt(cap['total_gpus'])} GPUs), average load {_fmt(cap['average_utilization'], '.0%')}"))
        rows.append(("monthly", _fmt(cap["monthly_cost_usd"], ",.2f").join(("$", "")) if cap["monthly_cost_usd"] is not None else "unknown"))
        comps = ", ".join(f"{k} ${v:,.0f}" for k, v in cap["cost_components"].items() if v)
        if comps:
            rows.append(("  of which", comps))
    lines += _rows(rows)
    add("")
    add("Assumptions")
    lines += [f"  - {a}" for a in res["assumptions"]] + [f"  - quality: {res['quality_note']}"]
    warnings = [w for w in res["warnings"] if res["fits"] or " does not fit on " not in w]  # shown under Memory
    if warnings:
        add("")
        add("Warnings")
        lines += [f"  ! {w}" for w in warnings]
    return "\n".join(lines) + "\n"


def _money(v: float) -> str:
    """$0.123 below $100 (small per-token prices need the third decimal), $1,234.57 above."""
    return f"${v:,.3f}" if abs(v) < 100 else f"${v:,.2f}"


def _rows(rows: list[tuple[str, str]]) -> list[str]:
    width = max(len(k) for k, _ in rows)
    return [f"  {k:<{width}}  {v}" for k, v in rows]
