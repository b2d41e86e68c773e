"""``tco selfhost MODEL --gpu GPU ...``: does a model fit, how fast does it serve, what does
a token cost.

Errors are :class:`tco.errors.TcoError` (one line, exit 2). A model that does not fit is
an answer (exit 0, ``fits: false``), not an error. numpy is imported inside :func:`run`.
"""

from __future__ import annotations

import argparse
import json
import math
import re
from datetime import date
from typing import Any

from .args import CATALOG_ARG, currency, iso_date, number

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
    "buy.power_load_factor": "--power-load-factor", "buy.hosting_per_kw_month": "--hosting-per-kw-month",
    "latency.ttft_ms": "--ttft-ms", "latency.tpot_ms": "--tpot-ms", "utilization": "--utilization",
    "precision": "--precision", "kv_precision": "--kv-precision", "model": "MODEL", "gpu": "--gpu",
    "total_gpus": "--total-gpus", "layout": "--layout", "slo_percentile": "--slo-percentile", "engine": "--engine",
    "chunked_prefill": "--chunked-prefill", "speculative.draft_tokens": "--speculative-tokens",
    "speculative.acceptance": "--speculative-acceptance", "speculative.draft_cost": "--speculative-draft-cost",
    "currency": "--currency",
}

BUY_FLAGS = ("server_price", "lifetime_years", "cost_of_capital", "staff_per_month", "power_kw", "power_load_factor",
             "pue", "electricity_per_kwh", "hosting_per_kw_month")
"""The ``buy:`` fields a flag gives (``--power-kw`` is ``buy.power_kw``)."""

LENGTH_HELP = ("a mean (1000), a named mix (chat, code, long-context), percentiles (p50=800,p90=3000,p99=12000) "
               "or a histogram (hist:0-256=0.5,256-1024=0.4,1024-4096=0.1)")


def _length(text: str) -> Any:
    """An --input-tokens/--output-tokens value as the workload's length spec (validated later)."""
    from ..schema.numbers import parse_number

    t = text.strip()
    if t.startswith("hist:"):
        edges: list[float] = []
        weights: list[float] = []
        for part in t[5:].split(","):
            rng, _, w = part.partition("=")
            lo, _, hi = rng.partition("-")
            try:
                lo_f, hi_f, w_f = float(lo), float(hi), float(w)
            except ValueError:
                raise argparse.ArgumentTypeError(f"histogram bin {part!r} is not LO-HI=WEIGHT (e.g. 0-256=0.5)") from None
            if edges and lo_f != edges[-1]:
                raise argparse.ArgumentTypeError(f"histogram bins must touch: {part!r} starts at {lo_f:g}, the previous "
                                                 f"bin ends at {edges[-1]:g}")
            edges += [lo_f, hi_f] if not edges else [hi_f]
            weights.append(w_f)
        return {"histogram": {"edges": edges, "weights": weights}}
    if "=" in t:
        out: dict[str, float] = {}
        for part in t.split(","):
            k, _, v = part.partition("=")
            try:
                out[k.strip().lower()] = float(parse_number(v))
            except ValueError:
                hint = (" (commas separate the percentiles: write 1500 or 1.5k, without a thousands comma)"
                        if re.fullmatch(r"\d{3}", part.strip()) else "")
                raise argparse.ArgumentTypeError(f"{part!r} is not pNN=TOKENS (e.g. p50=800,p90=3000){hint}") from None
        return out
    try:
        return float(parse_number(t))  # 1500, 1,500, 1.5k as in a scenario file
    except ValueError:
        return t  # a named mix, or a mistake the workload's validation names


def _percentile(text: str) -> int:
    try:
        v = float(text)
    except ValueError:
        v = float("nan")
    if v not in (50.0, 90.0, 99.0):
        raise argparse.ArgumentTypeError(f"must be 50, 90 or 99 (got {text}): 50 sizes for the means, 90 and 99 for "
                                         "the tails")
    return int(v)


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``selfhost`` subcommand."""
    p = subparsers.add_parser(
        "selfhost", help="self-hosting: memory fit, throughput, latency and cost of a model on GPUs",
        description="Does MODEL fit on the GPUs, how many tokens per second does it serve (within latency "
                    "targets), and what does a million tokens cost? See docs/selfhost-model.md.")
    p.add_argument("model", nargs="?", metavar="MODEL", help="model id from the catalog (or give --model-file)")
    p.add_argument("--gpu", required=True, help="accelerator id, e.g. h100-sxm-80gb (tco catalog list --kind gpu)")
    p.add_argument("--gpus", type=int, help="GPUs per replica, split tensor-parallel per node (default: --layout auto)")
    p.add_argument("--total-gpus", type=int, metavar="N",
                   help="every GPU of the deployment, split into replicas by --layout (default: one node, or the fewest whole nodes one replica fits on)")
    p.add_argument("--layout", default="auto", metavar="auto|tpXppY",
                   help="replica layout: auto (default) searches tensor x pipeline x data-parallel splits of "
                        "--total-gpus for the most tokens/s within the targets (with a price, the lowest cost per "
                        "token); tp2pp1 fixes one (tp8pp1ep8: expert parallelism for MoE models)")
    p.add_argument("--gpus-per-node", type=int, default=8, help="GPUs per server node (default: 8)")
    p.add_argument("--precision", choices=("bf16", "fp8", "int8", "int4", "fp4"),
                   type=lambda s: {"mxfp4": "fp4", "nvfp4": "fp4"}.get(s.lower(), s.lower()),
                   help="weight precision (default: as the maker published the weights, e.g. fp8 for DeepSeek V3, "
                        "fp4 for gpt-oss; bf16 where that is not on record; fp4 computes in FP4 on Blackwell)")
    p.add_argument("--kv-precision", choices=("bf16", "fp8"), help="KV-cache precision (default: fp8 with fp8 weights)")
    p.add_argument("--input-tokens", type=_length, default=float(DEFAULT_INPUT), metavar="TOKENS",
                   help=f"input tokens per request: {LENGTH_HELP} (default: {DEFAULT_INPUT})")
    p.add_argument("--output-tokens", type=_length, default=float(DEFAULT_OUTPUT), metavar="TOKENS",
                   help=f"output tokens per request, as --input-tokens (default: {DEFAULT_OUTPUT})")
    p.add_argument("--reasoning-tokens", type=number, default=0.0, metavar="TOKENS",
                   help="hidden reasoning tokens per request (a reasoning model's thinking): decoded like output, "
                        "so added to --output-tokens for sizing (default: 0)")
    p.add_argument("--ttft-ms", type=float, help="time-to-first-token target, ms")
    p.add_argument("--tpot-ms", type=float, help="time-per-output-token target, ms")
    p.add_argument("--slo-percentile", type=_percentile, default=50, metavar="50|90|99",
                   help="the targets are on this percentile: 50 (means, default), 90 or 99 (MLPerf's)")
    p.add_argument("--cached-input-share", type=float, default=0.0, metavar="SHARE",
                   help="share of input tokens found in the prefix cache (skip prefill; as the API's cached input)")
    p.add_argument("--speculative-tokens", type=int, metavar="K", help="speculative decoding: draft tokens per step")
    p.add_argument("--speculative-acceptance", type=float, metavar="A",
                   help="speculative decoding: probability each draft token is accepted")
    p.add_argument("--speculative-draft-cost", type=float, metavar="C",
                   help="speculative decoding: one draft token's time as a share of a decode step (default 0.05)")
    p.add_argument("--chunked-prefill", type=int, metavar="TOKENS",
                   help="prefill chunk in tokens per iteration (0: whole prompts; default: the engine's)")
    p.add_argument("--no-latency-targets", action="store_true",
                   help="size at the maximum throughput, whatever the latency (default without --ttft-ms/--tpot-ms: "
                        "the default targets of pricing/hardware/defaults.yaml)")
    p.add_argument("--engine", type=str.lower,
                   help="serving-engine profile: trtllm, vllm, sglang, lmdeploy (the family's profile fitted on this "
                        "model if any, else the one fitted on many models) or a dated one, e.g. vllm@0.13 (tco catalog "
                        "list --kind engine; default: a profile fitted on this model and GPU, else trtllm on NVIDIA "
                        "GPUs and vllm on others)")
    p.add_argument("--model-file", metavar="FILE", help="YAML file describing a custom model (same fields as the catalog)")
    price = p.add_argument_group("price (default: the GPU's default rental offer)")
    price.add_argument("--currency", type=currency, default="USD", metavar="CUR",
                       help="currency of the money flags below and of the answer, an ISO code such as CNY (default: "
                            "USD); the catalog's USD rentals, server prices and defaults are converted at its "
                            "exchange rate on --as-of")
    price.add_argument("--rent-per-gpu-hour", type=float, metavar="CUR",
                       help="rental price per GPU-hour, in --currency (default USD)")
    price.add_argument("--rental", metavar="ID", help="rental offer id from pricing/hardware/rentals.yaml")
    price.add_argument("--buy", action="store_true", help="own the servers (catalog price, power and defaults)")
    price.add_argument("--server-price", type=number, metavar="CUR",
                       help="with --buy: price of one node, in --currency (default USD)")
    price.add_argument("--lifetime-years", type=float, help="with --buy: years to spread the price over")
    price.add_argument("--cost-of-capital", type=float, metavar="RATE", help="with --buy: annual rate, e.g. 0.08")
    price.add_argument("--staff-per-month", type=float, metavar="CUR",
                       help="with --buy: staff and operations per month, in --currency (default USD)")
    price.add_argument("--power-kw", type=number, metavar="KW", help="with --buy: maximum power of one node, kW "
                       "(default: the catalog's server)")
    price.add_argument("--power-load-factor", type=number, metavar="SHARE",
                       help="with --buy: average draw as a share of --power-kw")
    price.add_argument("--pue", type=number, help="with --buy: power usage effectiveness of the facility")
    price.add_argument("--electricity-per-kwh", type=number, metavar="CUR",
                       help="with --buy: electricity per kWh, in --currency (default USD)")
    price.add_argument("--hosting-per-kw-month", type=number, metavar="CUR",
                       help="with --buy: colocation per provisioned kW per month, in --currency (default USD)")
    price.add_argument("--utilization", type=float, help="share of SLO throughput planned at peak (default: catalog)")
    price.add_argument("--as-of", type=iso_date,
                       help="date YYYY-MM-DD: rental price in force, and the model must be released by then "
                            "(default: today, as in scenarios without as_of)")
    vol = p.add_argument_group("capacity planning (optional)")
    vol.add_argument("--requests-per-day", type=number, help="average volume: adds replicas, nodes and monthly cost")
    vol.add_argument("--peak-to-average", type=float,
                     help=f"peak load over average load (default: {DEFAULT_PEAK_TO_AVERAGE:g}, as in scenarios)")
    vol.add_argument("--days-per-month", type=float, default=DEFAULT_DAYS_PER_MONTH,
                     help="days in a month, for monthly volumes and costs (default: 365/12, as in scenarios)")
    p.add_argument("--format", "-f", choices=("table", "json"), default="table", help="output format (default: table)")
    p.add_argument("--catalog", **CATALOG_ARG)
    p.set_defaults(func=run)
    return p


def _flags(text: str) -> str:
    """A scenario's ``buy.`` field names in ``text`` as the flags that give them here."""
    return re.sub(r"\b(buy\.[a-z_]+)\b", lambda m: FLAG.get(m.group(1), m.group(1)), text)


def _spec(args: argparse.Namespace) -> Any:
    from pydantic import ValidationError

    from ..errors import TcoError
    from ..schema.selfhost import SelfhostSpec

    if args.model is None and args.model_file is None:
        raise TcoError("give a MODEL id or --model-file FILE", hint="e.g. tco selfhost llama-3.1-70b-instruct --gpu h100-sxm-80gb")
    # catalog ids are lowercase: H100-SXM-80GB on a command line can only mean h100-sxm-80gb
    data: dict[str, Any] = {"gpu": args.gpu.lower(), "precision": args.precision, "gpus_per_node": args.gpus_per_node,
                            "engine": args.engine, "layout": args.layout, "slo_percentile": args.slo_percentile}
    if args.model_file:
        data["model_file"] = args.model_file
    else:
        data["model"] = args.model.lower()
    if args.currency != "USD":  # the money flags are read in it
        data["currency"] = args.currency
    for k in ("kv_precision", "gpus", "rent_per_gpu_hour", "rental", "utilization", "total_gpus", "chunked_prefill"):
        if getattr(args, k) is not None:
            data[k] = getattr(args, k)
    spec = {k: getattr(args, f"speculative_{a}") for k, a in (("draft_tokens", "tokens"), ("acceptance", "acceptance"),
                                                              ("draft_cost", "draft_cost"))
            if getattr(args, f"speculative_{a}") is not None}
    if spec:
        if "draft_tokens" not in spec or "acceptance" not in spec:
            given = ", ".join(f"--speculative-{a.replace('_', '-')} {getattr(args, f'speculative_{a}'):g}"
                              for a in ("tokens", "acceptance", "draft_cost")
                              if getattr(args, f"speculative_{a}") is not None)
            raise TcoError(f"speculative decoding needs --speculative-tokens and --speculative-acceptance (given: "
                           f"{given})", hint="e.g. --speculative-tokens 3 --speculative-acceptance 0.7")
        data["speculative"] = spec
    buy_fields = {k: getattr(args, k) for k in BUY_FLAGS if getattr(args, k) is not None}
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
        from ..schema.validate import dotted, plain_message

        e = err.errors(include_url=False)[0]
        loc = dotted(e["loc"])
        flag = FLAG.get(loc, loc or "selfhost")
        inp = e.get("input")
        got = f" (got {inp!r})" if isinstance(inp, (int, float, str)) and not isinstance(inp, bool) else ""
        raise TcoError(f"{flag}: {plain_message(e)}{got}") from None


def _mean_and_shape(value: Any, flag: str, side: str) -> tuple[int, Any]:
    """(mean tokens, length shape) of an --input-tokens/--output-tokens value; a located
    one-line error naming the flag otherwise."""
    from pydantic import ValidationError

    from ..errors import TcoError
    from ..schema.lengths import LengthDistribution, parse

    if isinstance(value, float) and not (value > 0 and math.isfinite(value)):
        raise TcoError(f"{flag} must be a positive number of tokens (got {value:g})", hint=LENGTH_HELP)
    try:
        spec = LengthDistribution.model_validate(value) if isinstance(value, dict) else value
        mean, shape = parse(spec, side)
    except ValidationError as err:
        from ..schema.validate import dotted, plain_message

        e = err.errors(include_url=False)[0]
        where = dotted(e["loc"])
        raise TcoError(f"{flag}: {(where + ': ') if where else ''}{plain_message(e)}", hint=LENGTH_HELP) from None
    except ValueError as err:
        raise TcoError(f"{flag}: {err}", hint=LENGTH_HELP) from None
    return max(int(round(mean)), 1), shape


def run(args: argparse.Namespace) -> int:
    """Answer for one model on one GPU type; print a report (table) or JSON."""
    import numpy as np  # noqa: F401 - the engine needs it; imported here so `tco --help` stays light

    from ..catalog import load_catalog
    from ..errors import TcoError
    from ..plan.deployment import resolve
    from ..plan.selfhost import describe_deployment
    from ..report.selfhost import render_table

    shapes = {}
    for name, side in (("input_tokens", "input"), ("output_tokens", "output")):
        mean, shapes[side] = _mean_and_shape(getattr(args, name), f"--{name.replace('_', '-')}", side)
        setattr(args, name, mean)
    if not (args.reasoning_tokens >= 0 and math.isfinite(args.reasoning_tokens)):
        raise TcoError(f"--reasoning-tokens must be zero or more (got {args.reasoning_tokens:g})")
    if args.reasoning_tokens:  # generated like output; not returned to the user
        from ..engine.selfhost.mix import shifted

        r = args.reasoning_tokens
        shapes["output"] = shifted(shapes["output"], float(args.output_tokens), float(r))
        args.output_tokens += int(r) if float(r).is_integer() else r
    if not (0 <= args.cached_input_share <= 1):
        raise TcoError(f"--cached-input-share must be between 0 and 1 (got {args.cached_input_share:g})")
    if args.gpus is not None and args.gpus <= 0:
        raise TcoError(f"--gpus must be at least 1 (got {args.gpus})")
    if args.gpus_per_node <= 0:
        raise TcoError(f"--gpus-per-node must be at least 1 (got {args.gpus_per_node})")
    for name in ("ttft_ms", "tpot_ms"):
        v = getattr(args, name)
        if v is not None and not (v > 0 and math.isfinite(v)):
            raise TcoError(f"--{name.replace('_', '-')} must be a positive number of milliseconds (got {v:g})")
    if args.requests_per_day is not None and not (0 <= args.requests_per_day <= 1e11):
        raise TcoError(f"--requests-per-day must be between 0 and 100 billion, as in scenario files (got "
                       f"{args.requests_per_day:g})")
    peak = DEFAULT_PEAK_TO_AVERAGE if args.peak_to_average is None else args.peak_to_average
    if not (peak >= 1 and math.isfinite(peak)):
        raise TcoError(f"--peak-to-average must be at least 1 (got {peak:g})", hint="peak load divided by average load")
    if not (1 <= args.days_per_month <= 31):
        raise TcoError(f"--days-per-month must be between 1 and 31 (got {args.days_per_month:g})",
                       hint="default 365/12 = 30.42")
    spec = _spec(args)
    cat = load_catalog(args.catalog)
    day = args.as_of or date.today()
    rate = None
    if args.currency != "USD":
        try:
            rate = cat.fx_at(args.currency, day)
        except TcoError as e:
            raise TcoError(e.message, field="--currency",
                           hint=(e.hint or "").replace("give one in the scenario's fx: section",
                                                       "tco catalog list --kind fx lists the rates")) from None
    try:
        r = resolve(spec, cat, input_tokens=args.input_tokens, output_tokens=args.output_tokens,
                    as_of=day, rent_label="--rent-per-gpu-hour", input_shape=shapes["input"],
                    output_shape=shapes["output"], cached_input_share=args.cached_input_share,
                    per_usd=float(rate.per_usd) if rate is not None else None)
    except TcoError as e:
        if e.field in FLAG:  # name the flag, not the scenario field, in the hint too
            e.field = FLAG[e.field]
        if e.hint:
            e.hint = _flags(e.hint)
        e.args = (e.render(),)
        raise
    r.warnings[:] = [_flags(w) for w in r.warnings]
    window = r.model.context_window
    if window and args.input_tokens + args.output_tokens > window:
        raise TcoError(f"a request of {args.input_tokens + args.output_tokens:,} tokens ({args.input_tokens:,} input + "
                       f"{args.output_tokens:,} output) exceeds {r.model.id}'s {window:,}-token context window",
                       hint="lower --input-tokens, --output-tokens" + (" or --reasoning-tokens" if args.reasoning_tokens
                                                                          else ""))
    if args.reasoning_tokens:
        r.assumptions.append(f"{args.reasoning_tokens:,.0f} of the {args.output_tokens:,.0f} output tokens per request are "
                             "hidden reasoning (--reasoning-tokens): decoded like output, not returned; the first "
                             "visible token comes after them")
    if args.requests_per_day is not None and args.peak_to_average is None:
        r.assumptions.append(f"capacity sized for a peak of {peak:g}x the average load (default, as in scenarios; "
                             "--peak-to-average)")
    result = describe_deployment(r, args.input_tokens, args.output_tokens, args.requests_per_day, peak,
                      days_per_month=args.days_per_month)
    result["reasoning_tokens"] = args.reasoning_tokens
    if args.model:  # what self-hosting competes with: the model's own API offers that day
        from ..plan.selfhost import same_model_offers

        result["api_offers"] = same_model_offers(cat, r.model.id, day, args.input_tokens, args.output_tokens)
        result["as_of"] = str(day)
    from ..plan.selfhost import priced_in

    result = priced_in(result, r, args.currency, rate)  # USD too: the same keys in every currency
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
