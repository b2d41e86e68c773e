"""``tco selfhost MODEL --gpu GPU ...``: does a model fit, how fast does it serve, what does
a token cost.

Errors are :class:`tco.errors.TcoError` (one line, exit 2). A model that does not fit is
an answer (exit 0, ``fits: false``), not an error. numpy is imported inside :func:`run`.
"""

from __future__ import annotations

import argparse
import json
import math
from datetime import date
from typing import Any

from .args import CATALOG_ARG, iso_date

DEFAULT_INPUT, DEFAULT_OUTPUT = 1000, 1000
DEFAULT_PEAK_TO_AVERAGE = 2.0
"""As in scenarios (``workload.peak_to_average``); the same as :data:`tco.plan.selfhost.DEFAULT_PEAK_TO_AVERAGE`."""
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
    p.add_argument("--no-latency-targets", action="store_true",
                   help="size at the maximum throughput, whatever the latency (default without --ttft-ms/--tpot-ms: "
                        "the default targets of pricing/hardware/defaults.yaml)")
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
    price.add_argument("--as-of", type=iso_date,
                       help="date YYYY-MM-DD: rental price in force, and the model must be released by then "
                            "(default: today, as in scenarios without as_of)")
    vol = p.add_argument_group("capacity planning (optional)")
    vol.add_argument("--requests-per-day", type=float, help="average volume: adds replicas, nodes and monthly cost")
    vol.add_argument("--peak-to-average", type=float,
                     help=f"peak load over average load (default: {DEFAULT_PEAK_TO_AVERAGE:g}, as in scenarios)")
    vol.add_argument("--days-per-month", type=float, default=DEFAULT_DAYS_PER_MONTH,
                     help="days in a month, for monthly volumes and costs (default: 365/12, as in scenarios)")
    p.add_argument("--format", "-f", choices=("table", "json"), default="table", help="output format (default: table)")
    p.add_argument("--catalog", **CATALOG_ARG)
    p.set_defaults(func=run)
    return p


def _spec(args: argparse.Namespace) -> Any:
    from pydantic import ValidationError

    from ..errors import TcoError
    from ..schema.selfhost import SelfhostSpec

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
    if args.no_latency_targets and (args.ttft_ms is not None or args.tpot_ms is not None):
        raise TcoError("--no-latency-targets contradicts --ttft-ms/--tpot-ms", hint="give targets or none")
    if args.ttft_ms is not None or args.tpot_ms is not None or args.no_latency_targets:
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

    from ..catalog import load_catalog
    from ..errors import TcoError
    from ..plan.deployment import resolve
    from ..plan.selfhost import describe_deployment
    from ..report.selfhost import render_table

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
    r = resolve(spec, cat, input_tokens=args.input_tokens, output_tokens=args.output_tokens, as_of=args.as_of or date.today(),
                rent_label="--rent-per-gpu-hour")
    window = r.model.context_window
    if window and args.input_tokens + args.output_tokens > window:
        raise TcoError(f"a request of {args.input_tokens + args.output_tokens:,} tokens ({args.input_tokens:,} input + "
                       f"{args.output_tokens:,} output) exceeds {r.model.id}'s {window:,}-token context window",
                       hint="lower --input-tokens or --output-tokens")
    if args.requests_per_day is not None and args.peak_to_average is None:
        r.assumptions.append(f"capacity sized for a peak of {peak:g}x the average load (default, as in scenarios; "
                             "--peak-to-average)")
    result = describe_deployment(r, args.input_tokens, args.output_tokens, args.requests_per_day, peak,
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
