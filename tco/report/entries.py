"""One catalog entry in detail, for people: a model (facts, shape, scores, offers), a
benchmark (its scale and every model scored on it) and a quality profile (weights, and the
models with scores for it). Unknown figures say 'unknown'; no Python literals."""

from __future__ import annotations

from typing import Any

from ..catalog import Catalog
from .text import fit_table


def _n(v: Any, spec: str = ",g", unit: str = "") -> str:
    return "unknown" if v is None else f"{v:{spec}}{unit}"


def _setting(s: Any) -> str:
    parts = []
    if s.shots is not None:
        parts.append(f"{s.shots}-shot")
    if s.cot:
        parts.append("CoT")
    if s.note:
        parts.append(s.note)
    return ", ".join(parts)


def model_data(cat: Catalog, model_id: str) -> dict[str, Any]:
    """The model as JSON: its fields, its scores (preferred first) and the offers serving it."""
    data = cat.models[model_id].model_dump(mode="json")
    data["scores"] = {b: [{"score": s.value, "source": s.source, "setting": _setting(s.setting) or None}
                          for s in lst] for b, lst in cat.scores_for(model_id).items()}
    data["offers"] = sorted(o for o, off in cat.offers.items() if off.model == model_id)
    data["retired_offers"] = {o: day.isoformat() for o, day in _retired_offers(cat, model_id).items()}
    rd = cat.reasoning_defaults.get(model_id)
    data["reasoning_default"] = ({"reasons": rd.reasons, "setting": rd.setting, "source": rd.source}
                                 if rd is not None else None)
    return data


def show_model(cat: Catalog, model_id: str, width: int | None = None) -> str:
    m = cat.models[model_id]
    lines = [f"{m.name}  ({m.id})",
             f"  {m.vendor}; { {True: 'open weights', False: 'closed'}.get(m.open_weights, 'weights open or closed: unknown')} ({m.license}); {m.variant} model"]
    params = _n(m.params_b, ",.2f", " B")
    if m.active_params_b is not None and m.active_params_b != m.params_b:
        params += f" ({m.active_params_b:,.2f} B active per token)"
    lines.append(f"  parameters {params}; context {_n(m.context_window, ',', ' tokens')}; released "
                 f"{m.released or 'unknown'}")
    a = m.architecture
    if a is not None:
        attn = f"{a.heads} heads / {a.kv_heads} KV heads x {a.head_dim}"
        if a.kv_lora_rank:
            attn += f", latent KV rank {a.kv_lora_rank} + RoPE {a.rope_head_dim}"
        kind = "dense" if a.moe is None else (f"MoE: {a.moe.experts} experts, {a.moe.active_experts} active"
                                              + (f", {a.moe.shared_experts} shared" if a.moe.shared_experts else ""))
        lines.append(f"  architecture {a.layers} layers, hidden {a.hidden_size:,}, {attn}, FFN {a.ffn_size:,}, "
                     f"vocab {a.vocab_size:,} ({kind})")
        lay = a.attention
        if lay is not None:
            kinds = [f"{lay.full_layers} full attention"] if lay.full_layers else []
            if lay.window_layers:
                heads = (f" ({lay.window_kv_heads or a.kv_heads} KV heads x {lay.window_head_dim or a.head_dim})"
                         if lay.window_kv_heads or lay.window_head_dim else "")
                kinds.append(f"{lay.window_layers} sliding window of {lay.window:,} tokens{heads}")
            if lay.linear_layers:
                kinds.append(f"{lay.linear_layers} linear with a state of {lay.linear_state_elements:,} values per sequence"
                             + (" (FP32)" if lay.linear_state_dtype == "fp32" else ""))
            for g in lay.compressed:
                kinds.append(f"{g.layers} compressed 1:{g.ratio} beyond a window of {lay.window:,} tokens"
                             + (f" (+{g.index_elements} indexer values per entry)" if g.index_elements else ""))
            if lay.entry_elements:
                kinds.append(f"{lay.entry_elements} values per cached token entry")
            if lay.index_layers:
                kinds.append(f"+{lay.index_elements} indexer key values per token on {lay.index_layers} of them")
            if lay.ffn_only_layers:
                kinds.append(f"{lay.ffn_only_layers} MLP/MoE only")
            lines.append("  layers: " + ", ".join(kinds))
    elif m.open_weights:
        lines.append("  architecture unknown (not sourced): cannot be sized for self-hosting")
    ck = getattr(m, "checkpoint", None)
    if ck is not None:
        lines.append(f"  weights published in {ck.precision} ({ck.format}): self-hosting defaults to it; {ck.source}")
    elif m.open_weights and a is not None:
        lines.append("  published weight precision not on record: self-hosting defaults to bf16")
    pv = m.provenance
    lines.append(f"  source: {pv.source} [{pv.status}, checked {pv.checked}]")
    if pv.note:
        lines.append(f"  note: {pv.note}")
    rd = cat.reasoning_defaults.get(model_id)
    if rd is not None:  # the mode its API serves when a request says nothing: the mode its scores are for
        lines.append(f"  API default: {rd.setting} ({'hidden reasoning tokens billed as output' if rd.reasons else 'no hidden reasoning'}); "
                     + ("scores are for this mode" if cat.scores_for(model_id) else "no score on record in this mode"))
        lines.append(f"  default as stated: {rd.source}")  # where it is stated, and why a record was or was not taken
    modes = cat.other_modes(model_id)
    if modes:  # the same weights under another mode's id: where their other scores are
        lines.append("  the same weights in another mode: " + ", ".join(
            f"{k} ({len(cat.scores_for(k))} benchmark{'s' if len(cat.scores_for(k)) != 1 else ''} scored)" for k in modes)
            + " (an API candidate's `mode:` scores requests made in that mode; a self-hosted one names it as its model)")
    scores = cat.scores_for(model_id)
    lines.append("")
    if scores:
        lines.append(f"Scores ({len(scores)} benchmark{'s' if len(scores) != 1 else ''}; preferred source first)")
        rows = []
        for b, lst in scores.items():
            for k, s in enumerate(lst):
                rows.append({"benchmark": b if k == 0 else "", "score": f"{s.value:g}" + ("" if k == 0 else " (alt)"),
                             "setting": _setting(s.setting), "source": s.source})
        table, _ = fit_table(rows, [("benchmark", "benchmark", "<"), ("score", "score", ">"),
                                    ("setting", "setting", "<"), ("source", "source", "<")], width,
                             steps=(("shrink", "source", 20), ("shrink", "setting", 10)))
        lines += ["  " + x for x in table]
    else:
        lines.append("Scores: none on record (quality cannot be computed for this model)")
    gone = _retired_offers(cat, model_id)
    offers = sorted(o for o, off in cat.offers.items() if off.model == model_id and o not in gone)
    lines.append("")
    lines.append("Offered as: " + (", ".join(offers) if offers else "no API offer on sale in the catalog"))
    if gone:
        lines.append("Retired offers: " + ", ".join(f"{o} ({day})" for o, day in sorted(gone.items())))
    return "\n".join(lines) + "\n"


def _retired_offers(cat: Catalog, model_id: str) -> dict[str, Any]:
    """Offers of the model retired by today (on record with prices or without), and the day."""
    from datetime import date

    today = date.today()
    out = {o: off.retired for o, off in cat.offers.items()
           if off.model == model_id and off.retired is not None and off.retired <= today}
    for pf in cat.providers.values():
        out.update({g.id: g.retired for g in pf.retired_offers if g.model == model_id})
    return out


def benchmark_data(cat: Catalog, bench_id: str) -> dict[str, Any]:
    data = cat.benchmarks[bench_id].model_dump(mode="json")
    data["scores"] = [{"model": m, "score": lst[0].value, "source": lst[0].source,
                       "setting": _setting(lst[0].setting) or None}
                      for (m, b), lst in sorted(cat.scores.items(), key=lambda kv: -kv[1][0].value) if b == bench_id]
    data["profiles"] = {name: p.weights[bench_id] for name, p in cat.profiles.items() if bench_id in p.weights}
    return data


def show_benchmark(cat: Catalog, bench_id: str, width: int | None = None) -> str:
    b = cat.benchmarks[bench_id]
    data = benchmark_data(cat, bench_id)
    lines = [f"{b.name}  ({b.id})", f"  {b.category}; scores on a {b.scale_min:g}-{b.scale_max:g} scale "
             "(normalized to 0-100 in profiles)"]
    if b.description:
        lines.append(f"  {b.description}")
    prof = data["profiles"]
    lines.append("  in profiles: " + (", ".join(f"{n} (weight {w:g})" for n, w in prof.items()) if prof else "none"))
    lines.append("")
    if data["scores"]:
        lines.append(f"Models with a score ({len(data['scores'])}; highest first, the preferred source of each)")
        rows = [{"model": s["model"], "score": f"{s['score']:g}", "setting": s["setting"] or "",
                 "source": s["source"]} for s in data["scores"]]
        table, _ = fit_table(rows, [("model", "model", "<"), ("score", "score", ">"), ("setting", "setting", "<"),
                                    ("source", "source", "<")], width,
                             steps=(("shrink", "source", 20), ("shrink", "setting", 10), ("shrink", "model", 20)))
        lines += ["  " + x for x in table]
    else:
        lines.append("No model has a score on record.")
    return "\n".join(lines) + "\n"


def profile_data(cat: Catalog, name: str) -> dict[str, Any]:
    p = cat.profiles[name]
    total = sum(p.weights.values())
    models = {}
    for m in cat.models:
        have = sum(w for b, w in p.weights.items() if (m, b) in cat.scores)
        if have:
            models[m] = round(have / total, 4)
    return {"name": name, "description": p.description, "weights": dict(p.weights),
            "coverage": dict(sorted(models.items(), key=lambda kv: (-kv[1], kv[0])))}


def show_profile(cat: Catalog, name: str, width: int | None = None) -> str:
    data = profile_data(cat, name)
    lines = [f"profile {name}: {data['description']}", "  weights: " + ", ".join(f"{b} {w:g}" for b, w in
                                                                               data["weights"].items())]
    full = [m for m, c in data["coverage"].items() if c >= 1]
    part = [f"{m} ({c:.0%})" for m, c in data["coverage"].items() if c < 1]
    lines.append(f"  models with every benchmark scored ({len(full)}): " + (", ".join(full) or "none"))
    lines.append(f"  models with some ({len(part)}): " + (", ".join(part) or "none"))
    return "\n".join(lines) + "\n"
