"""`tco catalog list` and `tco catalog show`: the catalog as tables or JSON.

Kinds: offer, model, benchmark, profile, fx, and the self-hosting hardware (``catalog.hardware``):
gpu (accelerators), rental (rental offers and the price in force), server (servers to buy),
engine (serving-engine profiles). ``show ID`` finds any of them.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from ..catalog import Catalog
from ..engine.api import tier_condition
from ..errors import (
    PRICE_UNKNOWN,
    NotAvailable,
    TcoError,
    UnknownPrice,
    availability_text,
    did_you_mean,
)
from .text import fit_table, hidden_note


def _fmt(v: float | None) -> str:
    if v is None:
        return "unknown"
    return f"{v:g}"


def _table(rows: list[dict[str, Any]], cols: list[str], width: int | None = None) -> str:
    lines, hidden = fit_table([{c: str(r.get(c, "")) for c in cols} for r in rows], [(c, c, "<") for c in cols],
                              width)
    return "\n".join(lines + ([hidden_note(hidden)] if hidden else [])) + "\n"


def offer_rows(cat: Catalog, as_of: date) -> list[dict[str, Any]]:
    """One row per offer with the price in force on ``as_of``; ``imported_from`` names the maintained
    catalog an imported offer (or the continuation of a curated one) comes from (None: curated only);
    ``retired`` its last day where it was shut down (None: not on record), ``on_sale`` whether it is
    priced on ``as_of``."""
    rows = []
    for oid, offer in sorted(cat.offers.items()):
        imported = offer.imported_from.model_dump() if offer.imported_from is not None else None
        retired = offer.retired.isoformat() if offer.retired else None
        try:
            p = cat.price_at(oid, as_of)
        except NotAvailable as e:
            status = availability_text(e) + (f" (first recorded {e.available_from})"
                                              if isinstance(e, UnknownPrice) else "")
            rows.append({"id": oid, "model": offer.model, "currency": "", "input_per_mtok": None,
                         "output_per_mtok": None, "cached_per_mtok": None, "from": "", "status": status,
                         "on_sale": False, "retired": retired, "imported_from": imported})
            continue
        rows.append({"id": oid, "model": p.model or offer.model, "currency": p.currency,
                     "input_per_mtok": p.per_mtok(p.input), "output_per_mtok": p.per_mtok(p.output),
                     "cached_per_mtok": p.per_mtok(p.cached_input), "from": p.effective_from.isoformat(),
                     "status": p.provenance.status + (f", retires {retired}" if retired else ""), "on_sale": True,
                     "retired": retired, "imported_from": imported})
    for pf in cat.providers.values():  # retired before any of their prices can be dated
        for gone in pf.retired_offers:
            released = cat.models[gone.model].released if gone.model in cat.models else None
            status = (f"retired {gone.retired}, no price on record" if as_of >= gone.retired
                      else f"not released yet ({released}; retired {gone.retired})" if released and as_of < released
                      else f"price unknown (retired {gone.retired})")
            rows.append({"id": gone.id, "model": gone.model or "", "currency": "", "input_per_mtok": None,
                         "output_per_mtok": None, "cached_per_mtok": None, "from": "", "status": status,
                         "on_sale": False, "retired": gone.retired.isoformat(),
                         "imported_from": gone.imported_from.model_dump() if gone.imported_from else None})
    return sorted(rows, key=lambda r: r["id"])


def list_catalog(cat: Catalog, kind: str, as_of: date, fmt: str = "table", width: int | None = None,
                 on_sale: bool = False) -> str:
    """A kind of catalog entry as a table fitting ``width`` display columns (None: any), or JSON;
    ``on_sale``: only the offers priced on ``as_of``."""
    if kind == "offer":
        rows = [r for r in offer_rows(cat, as_of) if r["on_sale"] or not on_sale]
        if fmt == "json":
            return json.dumps({"as_of": as_of.isoformat(), "offers": rows}, indent=2, ensure_ascii=False) + "\n"
        disp = [{**r, "input/1M": _fmt(r["input_per_mtok"]) if r["currency"] else "-",
                 "output/1M": _fmt(r["output_per_mtok"]) if r["currency"] else "-",
                 "cached/1M": "" if r["cached_per_mtok"] is None else _fmt(r["cached_per_mtok"])} for r in rows]
        head = f"Offers and the price in force on {as_of} (per 1M tokens, vendor currency)\n"
        return head + _table(disp, ["id", "model", "currency", "input/1M", "output/1M", "cached/1M", "from",
                                    "status"], width=width)
    if kind == "model":
        rows = [{"id": m.id, "name": m.name, "vendor": m.vendor, "open": {True: "open", False: "closed"}.get(m.open_weights, "unknown"),
                 "variant": m.variant, "params_b": _fmt(m.params_b) if m.params_b else "-",
                 "active_b": _fmt(m.active_params_b) if m.active_params_b else "-",
                 "context": f"{m.context_window:,}" if m.context_window else "-",
                 "released": m.released.isoformat() if m.released else "-",
                 "license": m.license, "scores": sum(1 for (mm, _b) in cat.scores if mm == m.id)}
                for m in sorted(cat.models.values(), key=lambda m: m.id)]
        if fmt == "json":
            return json.dumps({"models": [cat.models[r["id"]].model_dump(mode="json") for r in rows]}, indent=2,
                              ensure_ascii=False) + "\n"
        return _table(rows, ["id", "vendor", "open", "variant", "params_b", "active_b", "context", "released",
                             "scores", "license"], width=width)
    if kind == "benchmark":
        rows = [{"id": b.id, "name": b.name, "category": b.category, "scale": f"{b.scale_min:g}-{b.scale_max:g}",
                 "models": sum(1 for (_m, bb) in cat.scores if bb == b.id), "description": b.description}
                for b in cat.benchmarks.values()]
        if fmt == "json":
            return json.dumps({"benchmarks": rows}, indent=2) + "\n"
        return _table(rows, ["id", "category", "scale", "models", "name"], width=width)
    if kind == "profile":
        rows = [{"id": k, "weights": ", ".join(f"{b} {w:g}" for b, w in p.weights.items()),
                 "description": p.description} for k, p in cat.profiles.items()]
        if fmt == "json":
            return json.dumps({"profiles": {k: p.model_dump() for k, p in cat.profiles.items()}}, indent=2) + "\n"
        # the description names the weights too: on a narrow terminal the weights column goes first
        lines, hidden = fit_table([{c: str(r[c]) for c in ("id", "description", "weights")} for r in rows],
                                  [(c, c, "<") for c in ("id", "description", "weights")], width,
                                  steps=(("drop", "weights"), ("shrink", "description", 12)))
        return "\n".join(lines + ([hidden_note(hidden)] if hidden else [])) + "\n"
    if kind == "fx":
        rows = [{"currency": r.currency, "per_usd": f"{r.per_usd:g}", "period": r.period, "usable_from":
                 r.known_from.isoformat(), "type": r.rate_type, "default": "yes" if r.default else "no",
                 "status": r.provenance.status} for r in cat.fx_rates]
        if fmt == "json":
            return json.dumps({"rates": [r.model_dump(mode="json") for r in cat.fx_rates]}, indent=2) + "\n"
        return _table(rows, ["currency", "per_usd", "period", "usable_from", "type", "default", "status"], width=width)
    if kind in HARDWARE_KINDS:
        return _list_hardware(cat, kind, as_of, fmt, width)
    raise TcoError(f"unknown kind {kind!r}", hint="known: offer, model, benchmark, profile, fx, "
                   + ", ".join(HARDWARE_KINDS))


HARDWARE_KINDS = ("gpu", "rental", "server", "engine")


def _n(v: Any, spec: str = "g") -> str:
    """A figure for a table: unknown (None) is '-', never 0."""
    return "-" if v is None else f"{v:{spec}}"


def _rent_on(hw: Any, rental_id: str, as_of: date) -> tuple[Any, str]:
    """(price in force on as_of or None, text for a table)."""
    try:
        p = hw.rental_price(rental_id, as_of)
    except TcoError:
        first = hw.rental(rental_id).prices[0].effective_from  # rentals carry no launch date
        return None, f"{PRICE_UNKNOWN} (first recorded {first})"
    return p, f"${p.usd_per_gpu_hour:g}"


def _list_hardware(cat: Catalog, kind: str, as_of: date, fmt: str, width: int | None = None) -> str:
    hw = cat.hardware
    if kind == "gpu":
        rows = hw.list_rows(as_of)
        if fmt == "json":
            return json.dumps({"as_of": as_of.isoformat(), "gpus": rows}, indent=2, default=str) + "\n"
        disp = [{
            "id": r["id"], "name": r["name"],
            "memory GB": _n(r["memory_gb"]) + (f" ({r['memory_usable_gb']:g} usable)" if r["memory_usable_gb"] else ""),
            "HBM TB/s": _n(r["hbm_tb_s"]), "BF16/FP8 TFLOPS": f"{_n(r['bf16_tflops'])} / {_n(r['fp8_tflops'])}",
            "link GB/s": _n(r["link_gb_s"]), "TDP W": _n(r["tdp_w"]),
            "rent $/GPU-h": (_rent_on(hw, r["default_rental"], as_of)[1] + f" ({r['default_rental']})")
            if r["default_rental"] else "-",
            "rentals": r["rentals"], "server": r["server"] or "-", "calibration": r["calibration"],
            "status": r["status"]} for r in rows]
        head = (f"Accelerators for self-hosting; rent = the default rental's price in force on {as_of} "
                "(- = unknown, never 0)\n")
        foot = ("\nMore: tco catalog list --kind rental | server | engine; tco catalog show ID "
                "(figures, sources, every rental's price history)\n")
        return head + _table(disp, ["id", "name", "memory GB", "HBM TB/s", "BF16/FP8 TFLOPS", "link GB/s", "TDP W",
                                    "rent $/GPU-h", "rentals", "server", "calibration", "status"], width=width) + foot
    if kind == "rental":
        rows = []
        for r in hw.rentals.values():
            p, text = _rent_on(hw, r.id, as_of)
            rows.append({"id": r.id, "gpu": r.gpu, "provider": r.provider, "kind": r.kind,
                         "gpus_per_instance": r.gpus_per_instance,
                         "default": getattr(hw.default_rental(r.gpu, as_of), "id", None) == r.id,
                         "usd_per_gpu_hour": p.usd_per_gpu_hour if p else None,
                         "effective_from": p.effective_from.isoformat() if p else None,
                         "status": p.provenance.status if p else None, "price_changes": len(r.prices),
                         "_text": text})
        if fmt == "json":
            return json.dumps({"as_of": as_of.isoformat(), "rentals": [{k: v for k, v in r.items() if k != "_text"}
                                                                        for r in rows]}, indent=2) + "\n"
        disp = [{**r, "$/GPU-h": r["_text"], "from": r["effective_from"] or "-", "status": r["status"] or "-",
                 "per instance": r["gpus_per_instance"], "default": "yes" if r["default"] else "",
                 "prices": r["price_changes"]} for r in rows]
        return (f"Rental offers and the price in force on {as_of} (USD per GPU-hour; billed in whole instances)\n"
                + _table(disp, ["id", "gpu", "provider", "kind", "per instance", "$/GPU-h", "from", "status",
                                "default", "prices"], width=width))
    if kind == "server":
        rows = [{"id": x.id, "name": x.name, "gpu": x.gpu, "gpus": x.gpus, "price_low": x.price_usd.low,
                 "price_mid": x.price_usd.mid, "price_high": x.price_usd.high, "price_year": x.price_usd.year,
                 "power_kw": x.power_kw, "lifetime_years": x.lifetime_years.default,
                 "status": x.provenance.status} for x in hw.servers.values()]
        if fmt == "json":
            return json.dumps({"servers": rows}, indent=2) + "\n"
        disp = [{**r, "price USD (low / mid / high)": " / ".join(_n(r[k], ",.0f") for k in
                                                               ("price_low", "price_mid", "price_high")),
                 "year": r["price_year"], "kW": _n(r["power_kw"]), "lifetime y": _n(r["lifetime_years"])}
                for r in rows]
        return "Servers to buy (one node)\n" + _table(disp, ["id", "gpu", "gpus", "price USD (low / mid / high)", "year",
                                                             "kW", "lifetime y", "status", "name"], width=width)
    rows = [{"id": e.id, "name": e.name, "calibrated_on": e.calibrated_on or "-", "status": e.provenance.status}
            for e in hw.engines.values()]
    if fmt == "json":
        return json.dumps({"engines": [e.model_dump(mode="json") for e in hw.engines.values()]}, indent=2) + "\n"
    return "Serving-engine profiles (docs/selfhost-model.md)\n" + _table(rows, ["id", "name", "status",
                                                                                   "calibrated_on"], width=width)


def show(cat: Catalog, item: str, fmt: str = "table", width: int | None = None) -> str:
    if item in cat.offers:
        return _show_offer(cat, item, fmt, width)
    from . import entries

    for kind, coll, data_of, human in (("model", cat.models, entries.model_data, entries.show_model),
                                       ("benchmark", cat.benchmarks, entries.benchmark_data, entries.show_benchmark),
                                       ("profile", cat.profiles, entries.profile_data, entries.show_profile)):
        if item in coll:
            if fmt == "json":
                return json.dumps({kind: data_of(cat, item)}, indent=2, ensure_ascii=False) + "\n"
            return human(cat, item, width)
    hw = cat.hardware
    if item in hw.rentals:
        return _show_rental(cat, item, fmt, width)
    if item not in hw.engines:  # a family name (trtllm: its latest profile) or an alias (trtllm@mlperf-v5.0)
        for e in hw.engines.values():
            if item in e.aliases or (e.latest and e.id.split("@")[0] == item):
                item = e.id
                break
    for kind, coll in (("gpu", hw.accelerators), ("server", hw.servers), ("engine", hw.engines)):
        if item in coll:
            data = coll[item].model_dump(mode="json")
            if kind == "gpu":
                srv = hw.server_for(item)
                data["server"] = srv.id if srv else None
                data["rentals"] = {r.id: [{"effective_from": p.effective_from.isoformat(),
                                           "usd_per_gpu_hour": p.usd_per_gpu_hour, "status": p.provenance.status}
                                          for p in r.prices] for r in hw.rentals_for(item)}
                default = hw.default_rental(item)
                data["default_rental"] = default.id if default else None
            if fmt == "json":
                return json.dumps({kind: data}, indent=2, ensure_ascii=False) + "\n"
            what = {"gpu": "accelerator", "server": "server", "engine": "engine profile"}[kind]
            if kind == "gpu":  # one line per rental offer: its price history
                data["rentals"] = {rid: ", ".join(f"${p['usd_per_gpu_hour']:g} from {p['effective_from']} ({p['status']})"
                                                  for p in hist) for rid, hist in data["rentals"].items()}
            return f"{what} {item}\n" + _yamlish(_unknown(data), 1) + (
                "  (rental sources: tco catalog show RENTAL-ID)\n" if kind == "gpu" and data["rentals"] else "")
    if item in cat.aliases:  # another API name of an offer ('claude-sonnet-4-20250514'), as scenarios accept
        return _show_offer(cat, cat.aliases[item], fmt, width)
    gone = cat.retired_offer(item)
    if gone is not None:  # shut down before any of its prices can be dated
        data = gone.model_dump(mode="json")
        if fmt == "json":
            return json.dumps({"retired_offer": data}, indent=2, ensure_ascii=False) + "\n"
        return (f"{gone.id}  ({gone.name}; model {gone.model or 'unknown'})\n"
                f"  retired on {gone.retired}: it no longer answers from that day\n"
                f"  source: {gone.retired_source}\n"
                "  no price of it from before that day is on record"
                + (f" (genai-prices {gone.imported_from.version} lists it undated)" if gone.imported_from else "")
                + (f"\n  the vendor names as its replacement: {gone.successor}" if gone.successor else "")
                + (f"\n  also called: {', '.join(gone.aliases)}" if gone.aliases else "") + "\n")
    raise TcoError(f"unknown id {item!r}", hint=did_you_mean(item, list(cat.offers) + list(cat.models)
                                                             + list(cat.benchmarks) + list(cat.profiles)
                                                             + list(hw.accelerators) + list(hw.rentals)
                                                             + list(hw.servers) + list(hw.engines))
                   or "see `tco catalog list` (and --kind gpu, rental, server, engine)")


def _show_rental(cat: Catalog, rid: str, fmt: str, width: int | None = None) -> str:
    hw = cat.hardware
    r = hw.rentals[rid]
    hist = []
    for i, p in enumerate(r.prices):
        until = r.prices[i + 1].effective_from.isoformat() if i + 1 < len(r.prices) else None
        hist.append({"effective_from": p.effective_from.isoformat(), "until": until,
                     "usd_per_gpu_hour": p.usd_per_gpu_hour,
                     "usd_per_instance_hour": round(p.usd_per_gpu_hour * r.gpus_per_instance, 4),
                     **p.provenance.model_dump(mode="json")})
    data = {"id": rid, "name": r.name, "provider": r.provider, "gpu": r.gpu, "kind": r.kind,
            "gpus_per_instance": r.gpus_per_instance, "default": r.default, "prices": hist}
    if fmt == "json":
        return json.dumps({"rental": data}, indent=2, ensure_ascii=False) + "\n"
    lines = [f"{rid}  ({r.name}; {r.provider}; {r.kind})",
             f"  gpu {r.gpu}, billed in instances of {r.gpus_per_instance} GPU(s)"
             + ("; the default rental for this GPU" if r.default else ""), ""]
    rows = [{"from": h["effective_from"], "until": h["until"] or "(current)", "$/GPU-h": f"{h['usd_per_gpu_hour']:g}",
             "$/instance-h": f"{h['usd_per_instance_hour']:g}", "status": h["status"]} for h in hist]
    lines.append(_table(rows, ["from", "until", "$/GPU-h", "$/instance-h", "status"], width=width).rstrip())
    lines += ["", "Sources"]
    for h in hist:
        lines.append(f"  {h['effective_from']}: {h['source']} (checked {h['checked']})"
                     + (f"; note: {h['note']}" if h["note"] else ""))
    return "\n".join(lines) + "\n"


def _unknown(v: Any) -> Any:
    """None shown as 'unknown' (a missing figure is unknown, never 0)."""
    if isinstance(v, dict):
        return {k: _unknown(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_unknown(x) for x in v]
    return "unknown" if v is None else v


def _yamlish(v: Any, depth: int) -> str:
    pad = "  " * depth
    if isinstance(v, dict):
        out = ""
        for k, x in v.items():
            if isinstance(x, (dict, list)) and x:
                out += f"{pad}{k}:\n" + _yamlish(x, depth + 1)
            else:
                out += f"{pad}{k}: {x}\n"
        return out
    if isinstance(v, list):
        return "".join(f"{pad}- {x}\n" if not isinstance(x, (dict, list)) else f"{pad}-\n" + _yamlish(x, depth + 1)
                       for x in v)
    return f"{pad}{v}\n"


def _offpeak_text(op: Any, factor: float) -> str:
    """Off-peak prices in words: ``1/4 (cached 0.25) 16:30-00:30 UTC, weekends``."""
    def v(x: float | None) -> str:
        return _fmt(None if x is None else x * factor)
    text = f"{v(op.input)}/{v(op.output)}"
    if op.cached_input is not None:
        text += f" (cached {v(op.cached_input)})"
    wins = [tuple(w) for w in op.windows_utc]
    if op.start_utc is not None:
        wins.insert(0, (op.start_utc, op.end_utc))
    when = ([", ".join(f"{a}-{b}" for a, b in wins) + " UTC"] if wins else []) + (["weekends"] if op.weekends else [])
    return text + (" " + ", ".join(when) if when else "")


def _show_offer(cat: Catalog, oid: str, fmt: str, width: int | None = None) -> str:
    o = cat.offers[oid]
    hist = []
    for i, p in enumerate(o.prices):
        until = o.prices[i + 1].effective_from.isoformat() if i + 1 < len(o.prices) else None
        hist.append({
            "effective_from": p.effective_from.isoformat(), "until": until, "currency": p.currency,
            "unit": p.unit, "input": p.input, "output": p.output, "cached_input": p.cached_input,
            "input_per_mtok": p.per_mtok(p.input), "output_per_mtok": p.per_mtok(p.output),
            "cached_input_per_mtok": p.per_mtok(p.cached_input),
            "tiers": [t.model_dump() for t in p.tiers], "batch_discount": p.batch_discount,
            **({"model": p.model} if p.model else {}),
            **({"cache_write_per_mtok": p.per_mtok(p.cache_write)} if p.cache_write is not None else {}),
            **({"per_1k_requests": p.per_1k_requests} if p.per_1k_requests is not None else {}),
            **({"offpeak": p.offpeak.model_dump(mode="json")} if p.offpeak is not None else {}),
            **p.provenance.model_dump(mode="json"),
        })
    data = {"id": oid, "name": o.name, "provider": cat.offer_provider[oid], "model": o.model,
            "launched": o.launched.isoformat() if o.launched else None, "alias_of": o.alias_of,
            "context_window": o.context_window,
            "imported_from": o.imported_from.model_dump() if o.imported_from is not None else None, "prices": hist}
    if o.aliases:
        data["aliases"] = list(o.aliases)
    if o.retired:
        data["retired"] = o.retired.isoformat()
        data["retired_source"] = o.retired_source
    if fmt == "json":
        return json.dumps({"offer": data}, indent=2, ensure_ascii=False) + "\n"
    lines = [f"{oid}  ({o.name}; model {o.model}; provider {cat.offer_provider[oid]})"]
    if o.launched:
        lines.append(f"  launched {o.launched}")
    if o.retired:
        lines.append(f"  {'retired' if o.retired <= date.today() else 'retires'} on {o.retired}: it no longer answers "
                     "from that day")
        if o.retired_source:
            lines.append(f"  source: {o.retired_source}")
    if o.aliases:
        lines.append(f"  also called: {', '.join(o.aliases)}")
    if o.alias_of:
        lines.append(f"  alias: {o.alias_of}")
    if o.context_window:
        lines.append(f"  context window {o.context_window:,} tokens")
    if o.imported_from is not None:
        src = o.imported_from
        lines.append(f"  imported from {src.catalog} {src.version} (provider {src.provider}, model {src.model})"
                     + ("; the curated history wins for the dates it covers"
                        if any(not p.provenance.source.startswith(f"pydantic/{src.catalog}") for p in o.prices) else ""))
    lines.append("")
    rows = [{"from": h["effective_from"],
             "until": h["until"] or (f"{o.retired} (retired)" if o.retired else "(current)"),
             "model": h.get("model", ""), "currency": h["currency"],
             "input/1M": _fmt(h["input_per_mtok"]), "output/1M": _fmt(h["output_per_mtok"]),
             "cached/1M": "" if h["cached_input_per_mtok"] is None else _fmt(h["cached_input_per_mtok"]),
             "cache write/1M": "" if "cache_write_per_mtok" not in h else _fmt(h["cache_write_per_mtok"]),
             "tiers": "; ".join(f"{tier_condition(t['above_input_tokens'], t.get('above_output_tokens', 0))}: "
                                f"{_fmt(t['input'])}/{_fmt(t['output'])}" for t in h["tiers"]),
             "off-peak": "" if p.offpeak is None else _offpeak_text(p.offpeak, p.factor),
             "batch": "" if h["batch_discount"] is None else f"-{h['batch_discount']:.0%}",
             "status": h["status"]} for h, p in zip(hist, o.prices, strict=True)]
    cols = ["from", "until", "model", "currency", "input/1M", "output/1M", "cached/1M", "cache write/1M", "tiers",
            "off-peak", "batch", "status"]
    optional = {"model", "cache write/1M", "off-peak", "batch"}  # shown only where the offer has them
    cols = [c for c in cols if c not in optional or any(r[c] for r in rows)]
    lines.append(_table(rows, cols, width=width).rstrip())
    if "model" in cols:
        lines.append(f"  model: the model served from that date (blank: {o.model})")
    lines.append("")
    lines.append("Sources")
    for h in hist:
        lines.append(f"  {h['effective_from']}: {h['source']} (checked {h['checked']})"
                     + (f"; note: {h['note']}" if h["note"] else ""))
    return "\n".join(lines) + "\n"
