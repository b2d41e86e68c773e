"""An :class:`~tco.plan.result.Estimate` as a bill-like table, CSV or Markdown.

Plain string formatting only (no rich): the CLI path stays light, and the app exports
through the same functions.
"""

from __future__ import annotations

import math
from datetime import date
from typing import TYPE_CHECKING, Any

from ..engine.api import tier_condition
from ..errors import PRICE_UNKNOWN, launch_text
from .format import (
    _count,
    _num,
    chance,
    cost_part,
    exact_price,
    list_price,
    money,
    share,
    tokens,
    unit_price,
)
from .text import display_width, fit_table, hidden_note, markdown_table, pad, wrap_lines

if TYPE_CHECKING:
    from ..plan.result import CandidateResult, Estimate


def _rank(c: CandidateResult) -> str:
    return str(c.rank) if c.rank else "-"


def row_caveats(c: CandidateResult) -> list[str]:
    """What a row's number leaves out or why it has none, as the Note column says it (the app's
    Note column too): why unknown or not ranked, an announced retirement, ``excl. reasoning``
    (its model reasons by default and the cost leaves those tokens out; set only beside a cost)."""
    m = [c.reason] if c.reason and not c.available_from else []
    if c.retires:
        m.append(f"retires {c.retires}")
    if c.reasoning_unpriced:
        m.append("excl. reasoning")
    if c.selfhost and c.selfhost.get("unvalidated") and c.monthly_cost == c.monthly_cost:  # beside a cost
        m.append(" & ".join(c.selfhost["unvalidated"]))  # throughput no measurement backs (see warnings)
    return m


def _marks(c: CandidateResult) -> str:
    return ", ".join((["best value"] if c.best_value else []) + (["cheapest"] if c.cheapest else []) + row_caveats(c))


def summary_rows(est: Estimate) -> list[dict[str, str]]:
    """The candidate table as display strings (shared by table, markdown and the TUI)."""
    cur = est.currency
    rows = []
    for c in est.candidates:
        gone = _retired(c.reason) and c.price is None  # not on sale: nothing per token or point either
        rows.append({
            "rank": _rank(c),
            "candidate": c.label,
            "kind": c.kind,
            "monthly": (launch_text(c.available_from) if c.available_from
                        else "retired" if gone
                        else PRICE_UNKNOWN if c.kind == "api" and c.price is None else money(c.monthly_cost, cur)),
            "per_mtok": "-" if gone else unit_price(c.cost_per_mtok, cur),
            "quality": (_num(c.quality, ".1f") if not c.quality_interval else
                        f"~{c.quality:.0f} ±{(c.quality_interval[1] - c.quality_interval[0]) / 2:.0f}"),
            "coverage": share(c.quality_coverage),
            "per_quality": unit_price(c.cost_per_quality_point, cur) if c.rank else (
                "not ranked" if not math.isnan(c.monthly_cost) else "-" if gone else "unknown"),
            "marks": _marks(c),
            **_uncertain_cells(c, cur),
        })
    return rows


def _uncertain_cells(c: CandidateResult, cur: str) -> dict[str, str]:
    """P10-P90 of the monthly cost and P(best value), for estimates with samples."""
    u = c.uncertainty
    if not u:
        return {}
    m = u["monthly_cost"]
    spread = "-" if m["p10"] is None else f"{money(m['p10'], cur, 0)}-{money(m['p90'], cur, 0)}"
    # a candidate with no cost in any sample (not launched yet, retired) is not "0 %": it is not in the running
    return {"p10_p90": spread, "p_best": "-" if m["p10"] is None else chance(u["p_best_value"])}


UNCERTAIN_COLUMNS = [("p10_p90", "P10-P90 monthly", ">"), ("p_best", "P(best)", ">")]


COLUMNS = [
    ("rank", "Rank", ">"), ("candidate", "Candidate", "<"), ("kind", "Kind", "<"),
    ("monthly", "Monthly cost", ">"), ("per_mtok", "Per 1M tok", ">"), ("quality", "Quality", ">"),
    ("coverage", "Cover", ">"), ("per_quality", "Per quality pt", ">"), ("marks", "Note", "<"),
]


def _grid(rows: list[dict[str, str]], columns: list[tuple[str, str, str]], width: int | None = None) -> list[str]:
    lines, hidden = fit_table(rows, columns, width, steps=(
        ("drop", "per_mtok"), ("drop", "kind"), ("drop", "marks"), ("shrink", "candidate", 24), ("drop", "coverage"),
        ("shrink", "candidate", 12)))
    return lines + ([hidden_note(hidden)] if hidden else [])


def _workload_lines(est: Estimate) -> list[str]:
    w = est.workload
    rpm = w["requests_per_month"]
    lines = []
    if rpm is not None:
        lines.append(f"  workload: {_count(w['requests_per_day'])} requests/day x {w['days_per_month']:g} days"
                     f" = {rpm:,.0f} requests/month")
        lines.append(f"            {_count(w['input_tokens'])} input + {_count(w['output_tokens'])} output tokens/request"
                     f" = {tokens(w['input_tokens_per_month'])} input + {tokens(w['output_tokens_per_month'])}"
                     " output tokens/month")
    extras = []
    if w["cached_input_share"]:
        extras.append(f"{w['cached_input_share']:.0%} of input cached")
    if w.get("cache_write_share"):
        extras.append(f"{w['cache_write_share']:.0%} written to the cache")
    if w["batch_share"]:
        extras.append(f"{w['batch_share']:.0%} of requests via batch API")
    if w.get("offpeak_share") is not None:
        extras.append(f"{w['offpeak_share']:.0%} of requests off-peak")
    if any(c.kind == "selfhost" for c in est.candidates):
        extras.append(f"peak/average load {w['peak_to_average']:g}")
    if extras:
        lines.append("            " + ", ".join(extras))
    return lines


def _profile_text(est: Estimate) -> str:
    p = est.quality_profile
    weights = ", ".join(f"{b} {w:g}" for b, w in p["weights"].items())
    return f"{p['name']} ({weights}), min coverage {p['min_coverage']:.0%}"


def caveats(c: CandidateResult) -> str:
    """What a headline answer must say with it: ``; retires D`` where the offer's retirement is on
    record within a year, ``; excludes hidden reasoning tokens`` where its model reasons by default
    and the scenario gives none (the cost is low by what they would add), and a self-hosted cost on a
    GPU or an architecture no engine profile was fitted on."""
    unval = (c.selfhost or {}).get("unvalidated")
    return (f"; retires {c.retires}" if c.retires else "") + (
        "; excludes hidden reasoning tokens" if c.reasoning_unpriced else "") + (
        f"; throughput no measurement backs ({' & '.join(unval)})" if unval else "")


def headline_notes(est: Estimate) -> list[tuple[str, str]]:
    """(title, text) of what the headline answers speak for and leave out, beneath them in the text
    table and the report: the candidates not ranked, and costs without hidden reasoning tokens."""
    out = []
    unranked = unranked_line(est)
    if unranked and (est.cheapest or est.best_value):
        out.append(("Not ranked", unranked))
    if any(c.reasoning_unpriced for c in est.candidates):
        out.append(("Excl. reasoning", "the rows marked so serve a model that reasons by default, and the scenario "
                                       "gives no reasoning_tokens: their cost leaves the hidden reasoning tokens out "
                                       "(see the warnings)"))
    h = est.horizon
    if h:  # the figure a budget books, beside the monthly view
        cur = est.currency
        told = []
        for c in (est.best_value, est.cheapest):
            t = (h["candidates"].get(c.id) if c is not None else None)
            if t is None or c.id in told:
                continue
            told.append(c.id)
            out.append((f"Over {h['months']} months", f"{c.label}: {money(t['total'], cur, 0)} with the price trends, "
                        f"{money(t['total_at_todays_prices'], cur, 0)} at today's prices (see Over the horizon)"))
    return out


def unranked_line(est: Estimate) -> str | None:
    """``5 of 17 candidates (4 too few quality scores, 1 not launched yet), the cheapest among
    them: the best value is the best of the 12 ranked`` (None when every one is ranked): the
    headline answers beside it speak for the ranked candidates only."""
    from collections import Counter

    out = [c for c in est.candidates if c.rank is None]
    if not out:
        return None
    why = Counter("not launched yet" if c.available_from else c.reason or "no cost or quality" for c in out)
    said = ", ".join(f"{n} {r}" for r, n in why.most_common())
    line = f"{len(out)} of {len(est.candidates)} candidates ({said})"
    if any(c.cheapest for c in out):
        line += ", the cheapest among them"
    ranked = len(est.candidates) - len(out)
    return line + (f": the best value is the best of the {ranked} ranked" if ranked else "")


def _retired(reason: str | None) -> bool:
    return bool(reason) and reason.startswith("retired ")  # type: ignore[union-attr]


def why_no_cost(as_of: str, available_from: str | None = None, reason: str | None = None,
                unpriced: bool = False) -> str:
    """Why a candidate has no cost, in one wording for the bill, ``tco breakeven`` and
    ``tco sensitivity --candidate``: not launched yet, its price unknown, or the plan's reason."""
    if available_from:
        return f"not launched yet on {as_of}: {launch_text(available_from)}"
    if _retired(reason):
        return f"{reason}: not on sale on {as_of} (see the warnings)"
    if unpriced:
        return f"{PRICE_UNKNOWN} on {as_of} (see the warnings)"
    return reason or "no cost (see tco estimate's warnings)"


def price_words(p: dict[str, Any]) -> str:
    """A price as the assumptions list it: ``2.0 / 8.0 CNY per 1M tokens (in/out)``, and where the
    price depends on length, at which lengths (the bill shows the band a request was billed at)."""
    text = (f"{p['input'] if p['input'] is not None else 'unknown'} / "
            f"{p['output'] if p['output'] is not None else 'unknown'} {p['currency']} "
            f"{'per 1K' if p['unit'] == 'per_1k_tokens' else 'per 1M'} tokens (in/out)")
    tiers = p.get("tiers") or []
    if tiers:
        text += ("; other prices " + ", ".join(tier_condition(t["above_input_tokens"], t.get("above_output_tokens", 0))
                                                for t in tiers) + " (the bill shows the one billed)")
    return text


def part_tokens(w: dict[str, Any], price: dict[str, Any] | None) -> dict[str, float]:
    """Tokens a month behind each part of an API bill: input at the input price (what is neither
    a cache hit nor a cache write), cache hits, cache writes, output, hidden reasoning."""
    inp = w.get("input_tokens_per_month") or 0.0
    cached, write = inp * (w.get("cached_input_share") or 0.0), inp * (w.get("cache_write_share") or 0.0)
    return {"input": inp - cached - write, "cached_input": cached, "cache_write": write,
            "output": w.get("output_tokens_per_month") or 0.0,
            "reasoning": (w.get("requests_per_month") or 0.0) * ((price or {}).get("reasoning_tokens") or 0.0)}


def billed_prices(p: dict[str, Any], input_tokens: float, billed_output: float) -> tuple[Any, Any, Any, Any]:
    """(input, output, cached, cache-write) prices per 1M the engine billed a request of this
    shape at: those of the last length tier whose conditions hold (``engine.api.tier_at``), a
    tier without its own cached or write price scaling the base one like its input price; a
    missing cached or write price is the input price. None where unknown."""
    from ..engine.api import tier_at

    tiers = p.get("tiers") or []
    at = tier_at([(t["above_input_tokens"], t.get("above_output_tokens", 0)) for t in tiers], input_tokens,
                 billed_output)
    base_in = p["input_per_mtok"]
    if not at:
        pin, pout, pc, pw = base_in, p["output_per_mtok"], p["cached_input_per_mtok"], p.get("cache_write_per_mtok")
    else:
        t = tiers[at - 1]
        pin, pout = t["input_per_mtok"], t["output_per_mtok"]
        ratio = pin / base_in if base_in and pin is not None else 1.0

        def scaled(own: Any, base: Any) -> Any:
            return own if own is not None else (base * ratio if base is not None else None)

        pc = scaled(t.get("cached_input_per_mtok"), p["cached_input_per_mtok"])
        pw = scaled(t.get("cache_write_per_mtok"), p.get("cache_write_per_mtok"))
    return pin, pout, pc if pc is not None else pin, pw if pw is not None else pin


def bill(c: CandidateResult, est: Estimate) -> tuple[str, list[tuple[str, str, float | None]], str | None]:
    """One candidate's bill: a head line (who, which price, how many GPUs), the lines
    (name, quantity x unit price, amount; the last is the total), or instead a note saying
    why there is no bill. Shared by the text table and the HTML report."""
    cur = est.currency
    head = f"{c.label}"
    if c.price:
        p = c.price
        head += f"  [{c.provider}; "
        if c.model and p.get("offer") and p["offer"].split("/", 1)[-1] != c.model:
            head += f"serves {c.model}; "  # which model the name buys on this date (deepseek-chat, gpt-4o...)
        head += f"price from {p['effective_from']}, {p['status']}"
        if p["currency"] != cur:
            head += f"; quoted in {p['currency']}"
        head += "]"
    elif c.selfhost:
        sh = c.selfhost
        head += "  [self-hosted"
        if sh.get("replicas") is not None and sh.get("total_gpus") is not None:
            head += (f"; {sh['replicas']:,.0f} replica{'s' if sh['replicas'] != 1 else ''} x {sh['gpus']:,.0f} GPU"
                     f"{'s' if sh['gpus'] != 1 else ''} = {sh['total_gpus']:,.0f} in use")
            if sh.get("billed_gpus") is not None:
                head += f", {sh['billed_gpus']:,.0f} billed"
        head += "]"
    if c.available_from or (c.kind == "api" and c.price is None):
        return head, [], why_no_cost(est.as_of, c.available_from, c.reason, unpriced=True)
    items: list[tuple[str, str, float | None]] = []
    w = est.workload
    if c.price and w["input_tokens_per_month"] is not None:
        p = c.price
        qty = part_tokens(w, p)
        cached_tok, write_tok, unc_tok = qty["cached_input"], qty["cache_write"], qty["input"]
        pin, pout, pc, pw = billed_prices(p, w["input_tokens"], w["output_tokens"] + (p.get("reasoning_tokens") or 0.0))
        b = c.breakdown_cents()  # in cents that add up to the total, as the JSON gives them
        items.append((cost_part("input"), f"{tokens(unc_tok)} tok x {list_price(pin, cur)}/1M", b.get("input")))
        if cached_tok:
            items.append((cost_part("cached_input"), f"{tokens(cached_tok)} tok x {list_price(pc, cur)}/1M", b.get("cached_input")))
        if b.get("cache_write"):
            items.append((cost_part("cache_write"), f"{tokens(write_tok)} tok x {list_price(pw, cur)}/1M",
                          b["cache_write"]))
        items.append((cost_part("output"), f"{tokens(qty['output'])} tok x {list_price(pout, cur)}/1M",
                      b.get("output")))
        if b.get("reasoning") and w.get("requests_per_month"):
            items.append((cost_part("reasoning"), f"{tokens(qty['reasoning'])} tok x "
                          f"{list_price(pout, cur)}/1M", b["reasoning"]))
        if b.get("request_fees"):
            items.append((cost_part("request_fees"), f"{p['per_1k_requests']:g} {cur} per 1,000" if p.get("per_1k_requests")
                          else "", b["request_fees"]))
        if b.get("offpeak_savings"):
            off = p.get("offpeak") or {}
            items.append((cost_part("offpeak_savings"), f"{off.get('share', 0):.0%} of requests off-peak",
                          -b["offpeak_savings"]))
        if b.get("batch_savings"):
            items.append((cost_part("batch_savings"), "", -b["batch_savings"]))
        if b.get("discount_savings"):
            items.append((cost_part("discount_savings"), f"{p['discount']:.0%}", -b["discount_savings"]))
    else:
        units = (c.selfhost or {}).get("cost_units") or {}
        for k, v in c.breakdown_cents().items():
            items.append((cost_part(k), _selfhost_quantity(k, units.get(k), cur), v))
    items.append(("total", "", c.monthly_cost))
    return head, items, None


def _selfhost_quantity(part: str, u: dict[str, float] | None, cur: str) -> str:
    """A self-hosted bill line's arithmetic: ``16 GPUs x 730 h x $2.99``, ``2 servers x 8,712 kWh x $0.0771``."""
    if not u:
        return ""

    def servers(n: float) -> str:
        return f"{n:,.0f} server{'s' if n != 1 else ''}"

    if part == "rent":  # whole GPUs x whole hours: the rate gets the digits that make the line multiply out
        return (f"{u['gpus']:,.0f} GPU{'s' if u['gpus'] != 1 else ''} x {u['hours']:,.0f} h x "
                f"{exact_price(u['per_gpu_hour'], u['gpus'] * u['hours'], cur)}")
    if part == "capex":
        return f"{servers(u['servers'])} x {money(u['per_server_month'], cur)}"  # the annuity: see the assumptions
    if part == "energy":  # kWh to the hundredth (10.2 kW x 0.75 x PUE 1.56 x 730 h = 8,711.82), so it multiplies out
        kwh = f"{u['kwh_per_server']:,.2f}".rstrip("0").rstrip(".")
        rate = exact_price(u["per_kwh"], u["servers"] * round(u["kwh_per_server"], 2), cur)
        return f"{servers(u['servers'])} x {kwh} kWh x {rate}/kWh"
    if part == "staff":
        return "per deployment"
    if part == "hosting":
        return f"{servers(u['servers'])} x {u['kw']:g} kW x {money(u['per_kw_month'], cur)}/kW-month"
    return ""


def _breakdown(c: CandidateResult, est: Estimate) -> list[str]:
    cur = est.currency
    head, items, note = bill(c, est)
    out = [head]
    if note:
        return out + [f"  └─ {note}"]
    wq = max([display_width(q) for _, q, _ in items] + [1])
    for i, (name, qty, val) in enumerate(items):
        branch = "└─" if i == len(items) - 1 else "├─"
        out.append(f"  {branch} {pad(name, 20)} {pad(qty, wq)}  {pad(money(val, cur), 14, '>')}")
    return out


def columns_for(est: Estimate) -> list[tuple[str, str, str]]:
    """The candidate table's columns: with samples, P10-P90 and P(best) join them."""
    return COLUMNS[:4] + UNCERTAIN_COLUMNS[:1] + COLUMNS[4:8] + UNCERTAIN_COLUMNS[1:] + COLUMNS[8:] \
        if est.uncertainty else COLUMNS


def render_table(est: Estimate, width: int | None = None) -> str:
    """The bill-like report; the candidate table fits ``width`` display columns (None: any)."""
    cur = est.currency
    lines = [f"{est.scenario}", f"  as of {est.as_of}; amounts in {cur} per month"]
    lines += _workload_lines(est)
    lines.append(f"  quality: {_profile_text(est)}")
    lines.append("")
    lines += _grid(summary_rows(est), columns_for(est), width)
    lines.append("")
    ch, bv = est.cheapest, est.best_value
    if ch:
        ties = [c.label for c in est.candidates if c.cheapest]
        more = f" (tied: {', '.join(ties[1:])})" if len(ties) > 1 else ""
        lines.append(f"Cheapest:   {ch.label} at {money(ch.monthly_cost, cur)}/month{more}{caveats(ch)}")
    if bv:
        lines.append(f"Best value: {bv.label} at {unit_price(bv.cost_per_quality_point, cur)} per quality point"
                     f" ({bv.quality:.1f} quality, {money(bv.monthly_cost, cur)}/month){caveats(bv)}")
    lines += [f"{title}: {text}" for title, text in headline_notes(est)]
    if est.breakeven:
        lines.append("")
        lines.append("Break-even (request volumes at which each self-hosted candidate is cheaper than each API):")
        for group in breakeven_groups(est.breakeven):
            lines.append("  " + breakeven_text(group))
    lines.append("")
    lines.append("Breakdown")
    for c in est.candidates:
        lines += _breakdown(c, est)
    lines += _uncertainty_lines(est)
    lines += _horizon_lines(est)
    imputed = [(c, d) for c in est.candidates for d in c.quality_detail if d.get("imputed")]
    if imputed:
        lines.append("")
        lines.append("Imputed scores (quality.impute; ~ in the table: not measured, see tco catalog impute-check)")
        for c, d in imputed:
            lo, hi = d["interval"]
            lines.append(f"  {c.label}: {d['benchmark']} {d['score']:g} (80% interval {lo:g}-{hi:g})")
    lines.append("")
    lines.append("Assumptions")
    for f in est.fx.values():
        src = "scenario override" if f["overridden"] else f"{f['rate_type']}, {f['period']}; {f['source']}"
        lines.append(f"  FX: 1 USD = {f['per_usd']:g} {f['currency']} ({src})")
    for c in est.candidates:
        if c.price:
            p = c.price
            lines.append(f"  {c.label}: {price_words(p)} from {p['effective_from']} [{p['status']}] source: {p['source']}")
        elif c.selfhost:
            for a in c.selfhost.get("assumptions", []):
                lines.append(f"  {c.label}: {a}")
    warn = [(c.label, w) for c in est.candidates for w in c.warnings] + [("", w) for w in est.warnings]
    if warn:
        lines.append("")
        lines.append("Warnings")
        for who, w in warn:
            lines.append(f"  {who + ': ' if who else ''}{w}")
    return "\n".join(wrap_lines(lines, width)) + "\n"


def _horizon_lines(est: Estimate) -> list[str]:
    """The multi-month view: net present cost, cumulative cost, payback, buy/rent/wait."""
    h = est.horizon
    if not h:
        return []
    cur = est.currency
    months = h["months"]
    marks = [m for m in (12, 24, 36, 60, 120) if m < months] + [months]
    lines = ["", f"Horizon: {months} months (costs discounted at {h['discount_rate']:.0%} a year; purchases resold "
             f"at {h['resale_value']:.0%} of their price after their lifetime, straight-line)"]
    rows = []
    for cid, c in sorted(h["candidates"].items(), key=lambda kv: kv[1]["net_present_cost"]):
        row = {"candidate": cid, "npv": money(c["net_present_cost"], cur, 0),
               "flat": money(c["total_at_todays_prices"], cur, 0)}
        for m in marks:
            row[f"m{m}"] = money(c["cumulative"][m - 1], cur, 0)
        rows.append(row)
    cols = [("candidate", "Candidate", "<")] + \
        [(f"m{m}", f"Paid by month {m}" + (" (net of resale)" if m == months else ""), ">") for m in marks] + \
        [("flat", f"Month {months} at today's prices", ">"), ("npv", "Net present cost", ">")]
    table, _ = fit_table(rows, cols, None)
    lines += ["  " + x for x in table]
    lines.append(f"  Paid by month N follows the price trends below; at today's prices every month is billed at "
                 f"the prices of {est.as_of} (horizon.api_price_trend: 1 and rental_price_trend: 1 give that view)")
    start = date.fromisoformat(est.as_of)
    for c in est.candidates:  # an offer retiring within the horizon: what its later months stand for
        if c.retires and (c.label in h["candidates"] or c.id in h["candidates"]):
            month = (date.fromisoformat(c.retires) - start).days * 12 // 365 + 1
            if month <= months:
                lines.append(f"  {c.label} retires on {c.retires} (month {month}): its months after that are a "
                             "successor at its price, moved by the trend below")
    if h["payback"]:
        lines.append("  Payback: the month from which cash paid so far stays below the API's (resale left out;"
                     " it counts in the net present cost)")
    for p in h["payback"]:
        rented = not (h["candidates"].get(p["selfhost"]) or {}).get("upfront")
        when = (("cheaper every month from month 1" if rented and p["pays_back_in_month"] == 1
                 else f"pays back in month {p['pays_back_in_month']}") if p["pays_back_in_month"]
                else f"does not pay back within {months} months")
        lines.append(f"  {p['selfhost']} vs {p['api']}: {when}")
    for w in h["buy_rent_wait"]:
        opts = ", ".join(f"{'now' if int(k) == 0 else f'in {k} months'} {money(v, cur, 0)}"
                         for k, v in w["net_present_cost_by_wait_months"].items())
        lines.append(f"  buy {w['selfhost']}, rent, or stay on {w['api_meanwhile']}? {buy_answer(w, months, cur)}")
        rent = "".join(f"; renting {o} {money(v, cur, 0)}" for o, v in w["rent_now"].items())
        lines.append(f"    net present cost: buying {opts} ({w['api_meanwhile']} until then); "
                     f"{w['api_meanwhile']} throughout {money(w['api_only'], cur, 0)}{rent}")
    for t in h["trends"].values():
        lo, hi = t["annual_factor_range"]
        lines.append(f"  price trend {t['name']}: x{t['annual_factor']:.2f} a year ("
                     + (f"{t['method']})" if t["source"] == "scenario" else
                        f"±1 s.e. x{lo:.2f}-x{hi:.2f}; {t['method']}; {t['points']} points"
                        + ("; the market's price of a quality level, applied to each offer of the class: an offer's"
                           " own list price may not move" if t["name"] != "rentals" else "") + ")"))
    return lines


def buy_answer(w: dict[str, Any], months: int, cur: str) -> str:
    """"Buy now, rent now, or wait" in words, from the lowest net present cost."""
    a = w.get("answer") or {}
    cost = money(a.get("net_present_cost"), cur, 0)
    of = f"of these, over {months} months: "  # the question's options only, not every candidate
    if a.get("choice") == "api":
        return (f"{of}{w['api_meanwhile']} throughout costs least ({cost}); "
                f"buying {w['selfhost']} does not pay within the horizon, now or after a wait")
    if a.get("choice") == "rent":
        return f"{of}renting {a['candidate']} now costs least ({cost})"
    k = a.get("wait_months")
    return (f"{of}buying {w['selfhost']} now costs least ({cost})" if not k else
            f"{of}waiting {k} months on {w['api_meanwhile']}, then buying {w['selfhost']}, costs least ({cost})")


def _uncertainty_lines(est: Estimate) -> list[str]:
    """Which inputs were ranges, and what the samples say beyond the table."""
    u = est.uncertainty
    if not u:
        return []
    seed = f", seed {u['seed']}" if u.get("seed") is not None else " (no seed: another run draws again)"
    lines = ["", f"Uncertainty: {u['samples']:,} samples{seed}"]
    ranges = u.get("ranges") or {}
    if u["inputs"]:
        labels = u.get("labels") or {}
        lines.append("  ranges drawn: " + "; ".join(f"{labels.get(path, path)} {ranges.get(path, '')}".rstrip()
                                                    for path in u["inputs"]))
    else:
        lines.append("  no input is a range: every sample is the same estimate")
    for c in est.candidates:
        for api, p in (c.uncertainty or {}).get("p_cheaper", {}).items():
            lines.append(f"  {c.label} cheaper than {api} in {chance(p)} of samples")
    return lines


def breakeven_groups(breakeven: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """The break-even pairs as a table lists them: the APIs a self-hosted candidate is never cheaper
    than, at any volume, one group (three or more, so that a short list stays a list; a reader of
    60 lines, most "never cheaper", asked for it); every other pair alone. In the pairs' order."""
    never: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for b in breakeven:
        if b.get("note", "").startswith("never cheaper") and not b.get("cheaper_at_current_volume"):
            never.setdefault((b["selfhost"], b["note"]), []).append(b)
    out: list[list[dict[str, Any]]] = []
    shown: set[tuple[str, str]] = set()
    for b in breakeven:
        key = (b["selfhost"], b.get("note", ""))
        group = never.get(key, [])
        if len(group) >= 3:
            if key not in shown:
                shown.add(key)
                out.append(group)
        else:
            out.append([b])
    return out


def breakeven_text(group: list[dict[str, Any]]) -> str:
    """One line per (self-hosted, API) pair, or per group of APIs never beaten: where self-hosting
    is cheaper, in words."""
    b = group[0]
    if len(group) > 1:
        return f"{b['selfhost']} vs {len(group)} APIs ({', '.join(g['api'] for g in group)}): {b['note']}"
    now = " (cheaper at the current volume)" if b.get("cheaper_at_current_volume") else ""
    return f"{b['selfhost']} vs {b['api']}: {b.get('note', 'never cheaper')}{now}"


CSV_FIELDS = ["rank", "id", "offer", "kind", "model", "provider", "discount", "reasoning_tokens", "monthly_cost", "cost_per_mtok", "quality",
              "quality_coverage", "cost_per_quality_point", "cheapest", "best_value", "currency",
              "price_effective_from", "price_status", "reason", "warnings"]
CSV_SAMPLED = ["monthly_cost_p10", "monthly_cost_p50", "monthly_cost_p90", "cost_per_quality_point_p10",
               "cost_per_quality_point_p50", "cost_per_quality_point_p90", "p_best_value", "p_cheapest"]
"""Columns added when the estimate has samples."""
CSV_HORIZON = ["horizon_months", "net_present_cost", "horizon_total"]
"""Columns added when the estimate has a horizon."""


def render_csv(est: Estimate) -> str:
    import csv
    import io

    buf = io.StringIO()
    fields = CSV_FIELDS + (CSV_SAMPLED if est.uncertainty else []) + (CSV_HORIZON if est.horizon else [])
    wr = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n")
    wr.writeheader()
    for c in est.candidates:
        d = c.to_dict()
        extra: dict[str, Any] = {}
        if est.uncertainty:
            u = c.uncertainty or {}
            for what in ("monthly_cost", "cost_per_quality_point"):
                for p in ("p10", "p50", "p90"):
                    v = (u.get(what) or {}).get(p)
                    extra[f"{what}_{p}"] = "" if v is None else v
            extra["p_best_value"] = u.get("p_best_value", "")
            extra["p_cheapest"] = u.get("p_cheapest", "")
        if est.horizon:
            h = est.horizon["candidates"].get(c.id) or {}
            extra.update({"horizon_months": est.horizon["months"], "net_present_cost": h.get("net_present_cost", ""),
                          "horizon_total": h.get("total", "")})
        wr.writerow(extra | {
            "rank": c.rank or "", "id": _cell(c.id), "offer": c.price["offer"] if c.price else "", "kind": c.kind,
            "model": _cell(c.model), "provider": _cell(c.provider), "discount": c.price["discount"] if c.price else "",
            "reasoning_tokens": (c.price or {}).get("reasoning_tokens", "") if c.kind == "api"
            else (c.selfhost or {}).get("reasoning_tokens", ""),
            "monthly_cost": "" if d["monthly_cost"] is None else f"{d['monthly_cost']:.2f}",
            "cost_per_mtok": "" if d["cost_per_mtok"] is None else d["cost_per_mtok"],
            "quality": "" if d["quality"] is None else d["quality"],
            "quality_coverage": d["quality_coverage"],
            # a row the table calls "not ranked" has none to sort by, as there
            "cost_per_quality_point": "" if d["cost_per_quality_point"] is None or not c.rank
            else d["cost_per_quality_point"],
            "cheapest": c.cheapest, "best_value": c.best_value, "currency": est.currency,
            "price_effective_from": c.price["effective_from"] if c.price else "",
            "price_status": c.price["status"] if c.price else "",
            "reason": _cell(c.reason or ""),
            "warnings": _cell(" | ".join(c.warnings)),
        })
    return buf.getvalue()


def _cell(text: str) -> str:
    """Text for a CSV cell a spreadsheet will not run: one starting with = + - @ (a self-hosted
    candidate's name, ``=1+2``, is a formula to Excel) gets a leading apostrophe (OWASP)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def render_markdown(est: Estimate) -> str:
    cur = est.currency
    rows = summary_rows(est)
    cols = columns_for(est)
    out = [f"# {est.scenario}", "",
           f"As of {est.as_of}; amounts in {cur} per month. Quality: {_profile_text(est)}.", ""]
    out += [ln.strip() for ln in _workload_lines(est)]
    out.append("")
    out += markdown_table(rows, cols)
    out.append("")
    if est.breakeven:
        out.append("## Break-even")
        out.append("")
        out += [f"- {breakeven_text(g)}" for g in breakeven_groups(est.breakeven)]
        out.append("")
    out.append("## Breakdown")
    out.append("")
    out.append("```")
    for c in est.candidates:
        out += _breakdown(c, est)
    out.append("```")
    out.append("")
    for title, more in (("Uncertainty", _uncertainty_lines(est)), ("Horizon", _horizon_lines(est))):
        if more:  # the table's own lines, in a block that keeps them aligned
            out += [f"## {title}", "", "```", *[ln for ln in more if ln], "```", ""]
    out.append("## Assumptions")
    out.append("")
    for f in est.fx.values():
        out.append(f"- FX: 1 USD = {f['per_usd']:g} {f['currency']} ({f['rate_type']}, {f['period']})")
    for c in est.candidates:
        if c.price:
            p = c.price
            out.append(f"- {c.label}: {price_words(p)} from {p['effective_from']} ({p['status']}); source: {p['source']}")
        elif c.selfhost:  # what the text table lists too: rent or purchase, utilization, power, engine...
            out += [f"- {c.label}: {a}" for a in c.selfhost.get("assumptions", [])]
    warn = [f"{c.label}: {w}" for c in est.candidates for w in c.warnings] + est.warnings
    if warn:
        out += ["", "## Warnings", ""] + [f"- {w}" for w in warn]
    return "\n".join(out) + "\n"
