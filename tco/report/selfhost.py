"""The report of ``tco selfhost`` (table form): memory picture, throughput, latency, cost,
assumptions and warnings of one deployment (:func:`tco.plan.selfhost.describe_deployment`)."""

from __future__ import annotations

from typing import Any

from .format import money


def _layout_note(lay: dict[str, Any] | None) -> str:
    """What the per-token KV figure leaves out for a model with sliding-window, compressed or linear layers."""
    if not lay:
        return ""
    comp = int(lay.get("compressed_layers") or 0)
    parts = []
    if lay["window_layers"] and not comp:
        parts.append(f"{lay['window_layers']} sliding-window layers keep {lay['window']:,} tokens "
                     f"({lay['window_kv_bytes_per_token'] / 1024:,.1f} KiB per token)")
    elif comp:
        ratios = " or ".join(f"{r:,}" for r in lay["compression_ratios"])
        parts.append(f"{lay['window_layers'] + comp} layers keep the last {lay['window']:,} tokens whole "
                     f"({lay['window_kv_bytes_per_token'] / 1024:,.1f} KiB per token), {comp} of them one entry "
                     f"per {ratios} tokens before that")
    if lay["linear_layers"]:
        parts.append(f"{lay['linear_layers']} linear layers keep a state of "
                     f"{lay['state_bytes_per_sequence'] / 2**20:,.1f} MiB per sequence")
    if comp:
        head = (" for the compressed entries" + (f" and the {lay['full_layers']} full-attention layers"
                                                  if lay["full_layers"] else ""))
    else:
        head = f" in the {lay['full_layers']} full-attention layers"
    return head + "; " + ", ".join(parts) + f": {lay['bytes_per_sequence'] / 2**20:,.1f} MiB per sequence in all"


def _fmt(v: Any, spec: str = ",.0f", unit: str = "") -> str:
    if v is None:
        return "unknown"
    text = f"{v:{spec}}"
    return ("0" + text[2:] if text.startswith("-0") and not any(c in "123456789" for c in text) else text) + unit


def render_table(res: dict[str, Any]) -> str:
    """A report: memory picture, throughput, latency, cost, assumptions."""
    lines: list[str] = []
    add = lines.append
    ep = (res.get("deployment") or {}).get("ep") or 1
    par = (f"TP{res['tensor_parallel']}" + (f" x PP{res['pipeline_parallel']}" if res["pipeline_parallel"] > 1 else "")
           + (f", experts over EP{ep}" if ep > 1 else ""))
    add(f"{res['model_name']} on {res['gpus']}x {res['gpu_name']} ({par}), {res['precision']} weights, "
        f"{res['kv_precision']} KV cache, engine {res['engine']}")
    def dist(side: str) -> str:
        d = res.get(f"{side}_distribution")
        return f" (p50 {d['p50']:,} / p90 {d['p90']:,} / p99 {d['p99']:,})" if d else ""

    add(f"Workload: {res['input_tokens']:,} input{dist('input')} + {res['output_tokens']:,} output{dist('output')} "
        "tokens per request (means)" if res.get("input_distribution") or res.get("output_distribution") else
        f"Workload: {res['input_tokens']:,} input + {res['output_tokens']:,} output tokens per request")
    pct = res.get("slo_percentile", 50)
    pl = f"p{pct} " if pct != 50 else ""
    add("")
    kib = res["kv_bytes_per_token"] / 1024
    add("Memory")
    rows = [
        ("fits", "yes" + (" (near the limit)" if res["near_memory_limit"] else "") if res["fits"] else "NO"),
        ("weights, whole model", f"{res['weights_gb']:,.1f} GB"),
        ("per GPU", f"{res['memory_per_gpu_gb']:.1f} GB device, {res['weights_per_gpu_gb']:.1f} GB weights, "
                    f"{res['reserved_per_gpu_gb']:.1f} GB runtime + activations, {res['free_per_gpu_gb']:.1f} GB left"),
        ("KV cache per token", f"{kib:,.1f} KiB" + _layout_note(res.get("cache_layout"))),
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
        used = res.get("targets_used") or {}
        if used.get("relaxed"):  # default targets batch 1 cannot meet: the ones the sizing used, and why
            t = used
        if res["slo_output_tokens_per_s"] is not None:
            given = ", ".join(f"{pl}{k} <= {t[f]:,.0f} ms" if t[f] >= 100 else f"{pl}{k} <= {t[f]:g} ms"
                              for k, f in (("TTFT", "ttft_ms"), ("TPOT", "tpot_ms")) if t[f] is not None)
            if used.get("relaxed"):
                asked = res["targets"]
                gone = [f"{k} {asked[f]:,.0f} ms" for k, f in (("TTFT", "ttft_ms"), ("TPOT", "tpot_ms"))
                        if asked[f] is not None and used[f] is not None and used[f] > asked[f]]
                given += f": the default {' and '.join(gone)} relaxed to twice batch 1's, which cannot meet it"
            rows.append(("within targets", f"{res['slo_output_tokens_per_s']:,.0f} at batch {res['operating_batch']:,.0f} "
                                           f"({given})"))
        lines += _rows(rows)
        add("")
        add("Latency" + (f" (p{pct})" if pct != 50 else ""))
        rows = [("at batch 1", f"TTFT {res['best_ttft_ms']:,.0f} ms, TPOT {res['best_tpot_ms']:.1f} ms")]
        if res["operating_batch"] != 1 and res["ttft_ms"] is not None:
            rows.append((f"at batch {res['operating_batch']:,.0f}",
                         f"TTFT {res['ttft_ms']:,.0f} ms, TPOT {res['tpot_ms']:.1f} ms"))
        lines += _rows(rows)
    dp = res.get("deployment")
    if dp and res["fits"]:
        add("")
        add(f"Deployment: {dp['total_gpus']} GPUs as {dp['replicas']} replica(s) of {dp['layout']}")
        billed = _fmt(dp["billed_gpus"])
        cap = res.get("capacity")
        if cap and cap.get("billed_gpus") is not None and cap["billed_gpus"] != dp["billed_gpus"]:
            # with a volume, what is priced is the replicas the load needs, not the whole deployment
            billed += (f" with every replica running; {_fmt(cap['billed_gpus'])} at "
                       f"{cap['requests_per_day']:,.0f} requests/day (Cost)")
        lines += _rows([("output tokens/s", f"{_fmt(dp['output_tokens_per_s'])} max offline, "
                                            f"{_fmt(dp['slo_output_tokens_per_s'])} within targets"),
                        ("GPUs billed", billed)])
        lines += _layouts(res.get("layouts") or [])
    add("")
    add("Cost")
    cur = res.get("currency", "USD")  # every amount below is in it (USD: the _usd figures)
    hourly = res.get("cost_per_replica_hour", res["cost_per_replica_hour_usd"])
    rows = [("price", res["price"]),
            ("per replica-hour", _in(hourly, cur, ",.2f") if hourly is not None else "unknown")]
    if res["fits"]:
        rows.append(("per 1M output tokens", (_money(res["cost_per_mtok_output"], cur) if res["cost_per_mtok_output"] is not None else "unknown")
                     + f" at {res['utilization']:.0%} of the {'within-target' if res['slo_output_tokens_per_s'] is not None else 'max'} throughput"))
        if res["cost_per_mtok_total"] is not None:
            rows.append(("per 1M tokens, in + out", _money(res["cost_per_mtok_total"], cur)
                         + (f" at the same {res['utilization']:.0%} load" if res.get("capacity") else "")))
    cap = res.get("capacity")
    if cap and res["fits"]:
        rows.append(("volume", f"{cap['requests_per_day']:,.0f} requests/day, peak {cap['peak_to_average']:g}x average"))
        billed = cap.get("billed_gpus")
        gpus = (f"{_fmt(cap['total_gpus'])} GPUs in use" + (f", {_fmt(billed)} billed" if billed is not None
                                                              and billed != cap["total_gpus"] else ""))
        rows.append(("replicas / nodes", f"{_fmt(cap['replicas'])} replica(s) on {_fmt(cap['nodes'])} node(s) "
                                         f"({gpus}), average load {_fmt(cap['average_utilization'], '.0%')}"))
        monthly = cap.get("monthly_cost", cap["monthly_cost_usd"])
        rows.append(("monthly", _in(monthly, cur, ",.2f") if monthly is not None else "unknown"))
        comps = ", ".join(f"{k} {_in(v, cur, ',.0f')}" for k, v in cap["cost_components"].items() if v)
        if comps:
            rows.append(("  of which", comps))
        if cap.get("cost_per_mtok") is not None:  # what tco estimate shows for this deployment at this volume
            rows.append(("per 1M tokens, in + out", f"{_money(cap['cost_per_mtok'], cur)} at this volume"))
    lines += _rows(rows)
    offers = res.get("api_offers")
    if offers is not None:  # the same model bought as an API, for the same request
        add("")
        add(f"The same model as an API (list prices on {res.get('as_of') or 'that day'}, {cur} per 1M tokens of "
            f"{res['input_tokens']:,} in + {res['output_tokens']:,} out; no cache, batch or off-peak price)")
        if offers:
            lines += _rows([(o["offer"], f"{_money(o['cost_per_mtok_total'], cur)}  (in {_money(o['input_per_mtok'], cur)}, "
                                         f"out {_money(o['output_per_mtok'], cur)}; from {o['price_from']}, {o['status']})")
                            for o in offers])
        else:
            add("  none on sale in the catalog")
    add("")
    add("Assumptions")
    lines += [f"  - {a}" for a in res["assumptions"]] + [f"  - quality: {res['quality_note']}"]
    warnings = [w for w in res["warnings"] if res["fits"] or " does not fit on " not in w]  # shown under Memory
    if warnings:
        add("")
        add("Warnings")
        lines += [f"  ! {w}" for w in warnings]
    return "\n".join(lines) + "\n"


def _layouts(rows: list[dict[str, Any]]) -> list[str]:
    """The best layouts evaluated (at most three), one line each; none when no layout of the
    deployment's GPUs fits (the plan is then one larger replica, and a warning says so)."""
    if len(rows) < 2 or not any(r["fits"] for r in rows):
        return []
    out = ["  best layouts         replicas  tokens/s in targets  max offline  batch  TTFT ms  TPOT ms"]
    for r in rows[:3]:
        ok = r["feasible"]
        out.append(f"    {r['layout']:<18} {r['replicas']:>8}  {_fmt(r['slo_output_tokens_per_s']) if ok else '-':>19}  "
                   f"{_fmt(r['output_tokens_per_s']) if r['fits'] else 'no fit':>11}  "
                   f"{_fmt(r['batch_per_replica']) if ok else '-':>5}  {_fmt(r['ttft_ms']) if ok else '-':>7}  "
                   f"{_fmt(r['tpot_ms'], '.1f') if ok else '-':>7}")
    return out


def _money(v: float, cur: str = "USD") -> str:
    """$0.123 below $100 (small per-token prices need the third decimal), $1,234.57 above (¥ for CNY)."""
    return _in(v, cur)


def _in(v: float, cur: str = "USD", spec: str | None = None) -> str:
    """An amount with its currency's sign (``¥``; a code after it where there is none: ``12.50 CHF``):
    $0.123 below 100 (small per-token prices need the third decimal), $1,234.57 above; or as ``spec``."""
    digits = int(spec.rsplit(".", 1)[1][0]) if spec else (3 if abs(v) < 100 else 2)
    return money(v, cur, digits)  # the sign before the symbol, halves up, as every other amount


def _rows(rows: list[tuple[str, str]]) -> list[str]:
    width = max(len(k) for k, _ in rows)
    return [f"  {k:<{width}}  {v}" for k, v in rows]
