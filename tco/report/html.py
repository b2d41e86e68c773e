"""``tco report``: one self-contained HTML file (no script, no font, no image fetched; every
chart inline SVG from :mod:`tco.report.svg`) that opens from an e-mail attachment, reads on
a phone and prints on A4.

Order: the answer in words, the candidate table, the charts (cost versus quality with the
Pareto frontier; monthly cost versus volume with the ranges where self-hosting is cheaper;
the cost of this workload at each offer's past prices; with samples, P10-P90 bars and the
tornado; with a horizon, cumulative cost curves), then the bill-like breakdown, the
assumptions, the warnings and every source with its date.
"""

from __future__ import annotations

import math
import re
from datetime import date
from html import escape
from typing import TYPE_CHECKING, Any

from .estimate import bill, breakeven_groups, buy_answer, caveats, headline_notes, summary_rows
from .format import chance, money, unit_price
from .svg import PALETTE, Series, line_chart, range_bars, scatter, tornado

if TYPE_CHECKING:
    from ..plan.curves import CostHistory, VolumeCurves
    from ..plan.result import Estimate

CSS = """
:root { color-scheme: light; --ink: #1a1a1a; --muted: #555; --rule: #d8d8d8; --accent: #0072b2; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff;
       font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; }
main { max-width: 1000px; margin: 0 auto; padding: 24px 20px 48px; }
h1 { font-size: 1.55em; margin: 0 0 4px; } h2 { font-size: 1.2em; margin: 32px 0 8px;
  border-bottom: 1px solid var(--rule); padding-bottom: 4px; } h3 { font-size: 1em; margin: 16px 0 4px; }
.meta, .note, figcaption { color: var(--muted); font-size: 0.9em; }
.answer { background: #f3f7fb; border-left: 4px solid var(--accent); padding: 10px 14px; margin: 16px 0; }
.answer p { margin: 4px 0; }
.scroll { overflow-x: auto; -webkit-overflow-scrolling: touch; }
table { border-collapse: collapse; width: 100%; font-size: 0.9em; }
th, td { padding: 4px 8px; border-bottom: 1px solid var(--rule); vertical-align: top; }
th { text-align: left; background: #fafafa; font-weight: 600; }
td:nth-child(2) { min-width: 11em; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num { white-space: nowrap; }
tr.total td { font-weight: 600; border-top: 2px solid var(--ink); }
figure { margin: 16px 0 24px; break-inside: avoid; page-break-inside: avoid; }
.chart { overflow-x: auto; -webkit-overflow-scrolling: touch; }
figure svg { width: 100%; min-width: 640px; height: auto; display: block; }
details.legend { margin: 4px 0 16px; font-size: 0.9em; color: var(--muted); } details.legend summary { cursor: pointer; }
ul.warnings li { margin: 2px 0; } ol.sources li { margin: 3px 0; word-break: break-word; }
.bill { margin: 12px 0; break-inside: avoid; page-break-inside: avoid; }
.bill h3 { font-size: 0.95em; } .tag { color: var(--muted); font-weight: normal; }
@media (max-width: 640px) {
  body { font-size: 14px; } main { padding: 12px 10px 32px; }
  table { font-size: 0.82em; } th, td { padding: 3px 5px; }
  td { min-width: 4.5em; } td:first-child:not(.num) { min-width: 8.5em; }  /* scroll sideways, not one word a line */
  .prose { display: block; min-width: 13em; }
}
@media print {
  @page { size: A4; margin: 14mm 12mm; }
  body { font-size: 10pt; } main { max-width: none; padding: 0; }
  h2 { break-after: avoid; page-break-after: avoid; }
  .scroll, .chart { overflow: visible; } table { font-size: 7.5pt; }
  figure svg { min-width: 0; max-height: 95mm; }  /* two charts and their captions to an A4 page */
  th, td { padding: 2px 3px; } td:nth-child(2) { min-width: 0; }
  th.num, td.num { white-space: normal; }
  a { color: inherit; text-decoration: none; }
  .answer { background: none; }
}
"""

_URL = re.compile(r"https?://[^\s,;)\]]+")


def _text(s: Any) -> str:
    """Escaped text with its http(s) addresses as links (plain links: nothing is fetched)."""
    s = "" if s is None else str(s)
    out, last = [], 0
    for m in _URL.finditer(s):
        out.append(escape(s[last:m.start()]))
        url = m.group(0).rstrip(".")
        out.append(f'<a href="{escape(url)}">{escape(url)}</a>')
        last = m.start() + len(url)
    out.append(escape(s[last:]))
    return "".join(out)


def _table(headers: list[tuple[str, bool]], rows: list[list[str]], cls: list[str] | None = None) -> str:
    """``headers``: (title, numeric); cells are already escaped HTML."""
    head = "".join(f'<th class="num">{escape(h)}</th>' if num else f"<th>{escape(h)}</th>" for h, num in headers)
    body = []
    for i, row in enumerate(rows):
        tr = f' class="{cls[i]}"' if cls and cls[i] else ""
        body.append(f"<tr{tr}>" + "".join(f'<td class="num">{c}</td>' if num else f"<td>{c}</td>"
                                          for c, (_, num) in zip(row, headers, strict=True)) + "</tr>")
    return f'<div class="scroll"><table><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table></div>'


def _figure(svg_text: str, caption: str) -> str:
    """A chart under its title, in a box that scrolls sideways on a phone rather than shrink the
    chart's text below reading size."""
    m = re.search(r"<title>(.*?)</title>", svg_text)
    head = f"<h3>{m.group(1)}</h3>" if m else ""  # already escaped inside the SVG
    return f'<figure>{head}<div class="chart">{svg_text}</div><figcaption>{_text(caption)}</figcaption></figure>'



def colours(est: Estimate) -> dict[str, str]:
    """One colour per candidate for the whole report, in the estimate's order, by id and by label
    (the charts name candidates by label, the horizon and the break-evens by id)."""
    out: dict[str, str] = {}
    for k, c in enumerate(est.candidates):
        out.setdefault(c.id, PALETTE[k % len(PALETTE)])
        out.setdefault(c.label, PALETTE[k % len(PALETTE)])
    return out


def _reference_api(est: Estimate) -> Any:
    """The API a self-hosted candidate is measured against in the summary and the shading:
    the best-value API (else the cheapest priced one)."""
    apis = [c for c in est.candidates if c.kind == "api" and math.isfinite(c.monthly_cost)]
    ranked = [c for c in apis if c.rank]
    if ranked:
        return min(ranked, key=lambda c: c.rank)
    return min(apis, key=lambda c: c.monthly_cost) if apis else None


def _answer(est: Estimate) -> str:
    cur = est.currency
    out = []
    ch, bv = est.cheapest, est.best_value
    if bv:
        out.append(f"<p><strong>Best value:</strong> {escape(bv.label)} at "
                   f"{escape(unit_price(bv.cost_per_quality_point, cur))} per quality point "
                   f"({bv.quality:.1f} quality, {escape(money(bv.monthly_cost, cur))} a month)"
                   + (f"; the best value in {escape(chance(bv.uncertainty['p_best_value']))} of "
                      f"{est.uncertainty['samples']:,} samples" if bv.uncertainty and est.uncertainty else "")
                   + escape(caveats(bv)) + "</p>")
    if ch:
        out.append(f"<p><strong>Cheapest:</strong> {escape(ch.label)} at {escape(money(ch.monthly_cost, cur))} a month"
                   f"{escape(caveats(ch))}</p>")
    out += [f"<p><strong>{escape(title)}:</strong> {escape(text)}</p>" for title, text in headline_notes(est)]
    ref = _reference_api(est)
    if ref is not None:
        for b in est.breakeven:
            if b["api"] == ref.id:
                sh = next((c for c in est.candidates if c.id == b["selfhost"]), None)
                p = (sh.uncertainty or {}) if sh is not None else {}
                p_ch = p.get("p_cheaper", {}).get(ref.id) if est.uncertainty and est.uncertainty.get("inputs") else None
                out.append(f"<p><strong>{escape(b['selfhost'])}</strong> against the best-value API "
                           f"{escape(ref.label)}: {escape(b.get('note', 'never cheaper'))}"
                           + ("; cheaper at this volume" if b.get("cheaper_at_current_volume") else
                              "; dearer at this volume")
                           + (f"; cheaper in {escape(chance(p_ch))} of samples" if p_ch is not None else "")
                           + (escape(caveats(sh)) if sh is not None else "") + "</p>")
    if not out:
        out.append("<p>No candidate has both a known cost and a known quality: see the warnings.</p>")
    return '<section class="answer">' + "".join(out) + "</section>"


def _legend(est: Estimate) -> str:
    """How to read the numbers, in plain words, for a reader who is not an engineer."""
    profile = est.quality_profile or {}
    weights = ", ".join(profile.get("weights", {}) or [])
    parts = [f"<strong>Monthly cost</strong>: what the workload above costs in a month at the prices of {escape(est.as_of)}.",
             "<strong>Quality</strong>: the weighted average of the candidate's published benchmark scores, 0-100"
             + (f" ({escape(weights)})" if weights else "") + "; <strong>coverage</strong>: the share of that weight "
             "with a score on record (below the minimum a candidate is not ranked).",
             "<strong>Per quality point</strong>: monthly cost divided by quality; the lowest is the best value."]
    if est.uncertainty and est.uncertainty.get("inputs"):
        parts.append("<strong>P10-P90</strong>: 8 in 10 simulated outcomes of the ranges fall in between; the "
                     "amounts elsewhere are the most likely case (each range's likely value), not the average.")
    return '<details class="legend" open><summary>How to read this report</summary><p>' + " ".join(parts) + "</p></details>"


def _breakeven(est: Estimate) -> str:
    """Every (self-hosted, API) pair: where self-hosting is cheaper, and how often with samples."""
    if not est.breakeven:
        return ""
    sampled = bool(est.uncertainty and est.uncertainty.get("inputs"))
    unc = {c.id: (c.uncertainty or {}).get("p_cheaper", {}) for c in est.candidates}
    headers = [("Self-hosted", False), ("API", False), ("Self-hosting is cheaper", False), ("At this volume", False)]
    if sampled:
        headers.append(("P(cheaper)", True))
    rows = []
    for group in breakeven_groups(est.breakeven):  # the APIs never beaten: one row (three or more)
        b = group[0]
        many = len(group) > 1
        api = (f'<span class="prose">{len(group)} APIs: {escape(", ".join(g["api"] for g in group))}</span>' if many
               else escape(b["api"]))
        row = [escape(b["selfhost"]), api, f'<span class="prose">{escape(b.get("note", "never"))}</span>',
               "cheaper" if b.get("cheaper_at_current_volume") else "dearer"]
        if sampled:
            ps = [p for g in group if (p := unc.get(g["selfhost"], {}).get(g["api"])) is not None]
            most = chance(max(ps)) if ps else ""
            row.append(escape(most if not ps or max(ps) == min(ps) or most.startswith("<") else f"at most {most}"))
        rows.append(row)
    saw = any(b.get("note", "").count("between") > 1 for b in est.breakeven)
    why = ("<p>Self-hosting is paid for in whole GPUs or nodes: each one added at a higher volume makes it dearer "
           "for a while, so the volumes where it is cheaper can come in several ranges.</p>" if saw else "")
    return "<h2>Break-even</h2>" + why + _table(headers, rows)


def _candidates(est: Estimate) -> str:
    """The candidate table; the note (best value, cheapest, why unranked) under the name, so
    the table fits a page; spread columns only when ranges were drawn."""
    rows = summary_rows(est)
    spread = bool(est.uncertainty and est.uncertainty.get("inputs"))
    headers = [("Rank", True), ("Candidate", False), ("Kind", False), ("Monthly cost", True)]
    keys = ["rank", "candidate", "kind", "monthly"]
    if spread:
        headers.append(("P10-P90 monthly", True))
        keys.append("p10_p90")
    headers += [("Per 1M tokens", True), ("Quality", True), ("Coverage", True), ("Per quality point", True)]
    keys += ["per_mtok", "quality", "coverage", "per_quality"]
    if spread:
        headers.append(("P(best value)", True))
        keys.append("p_best")
    cells = []
    for r in rows:
        row = [escape(r.get(k, "")) for k in keys]
        if r.get("marks"):
            row[1] += f'<br><span class="note">{escape(r["marks"])}</span>'
        cells.append(row)
    return _table(headers, cells)


def _chart_quality(est: Estimate) -> str:
    from ..plan.curves import pareto_frontier

    cur = est.currency
    pts = [(c.label, c.monthly_cost, c.quality, bool(c.rank)) for c in est.candidates]
    ranked = [(n, x, y) for n, x, y, r in pts if r and math.isfinite(x) and math.isfinite(y)]
    front = pareto_frontier(ranked)
    svg = scatter(pts, front, "Monthly cost versus quality", f"monthly cost ({cur}, log scale)",
                  f"quality ({est.quality_profile['name']} profile, 0-100)", x_fmt=lambda v: money(v, cur, 0),
                  colours=colours(est))
    return _figure(svg, "Up and to the left is better. The Pareto frontier joins the candidates no other ranked "
                        f"candidate beats on both cost and quality: {', '.join(front) or 'none'}; it steps, since "
                        "between two of them a budget buys the cheaper one's quality.")


def _spans(ranges: list[tuple[float, float]], unit: str) -> str:
    """Volume ranges in words: "from 1,000 to 5,000 requests/day", "at 84,450 or more
    requests/day", "up to 5,000 requests/day" (``t`` is infinite where self-hosting stays cheaper
    beyond every volume searched: the chart's right edge is not a break-even)."""
    words = []
    for f, t in ranges:
        if not math.isfinite(t):
            words.append("at every volume" if not f else f"at {f:,.0f} or more")
        else:
            words.append(f"up to {t:,.0f}" if not f else f"from {f:,.0f} to {t:,.0f}")
    text = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
    return text if text == "at every volume" else f"{text} {unit}"


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _by_pair(bands: list[tuple[float, float, str, str]]) -> dict[tuple[str, str], list[tuple[float, float]]]:
    out: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for f, t, s, a in bands:
        out.setdefault((s, a), []).append((f, t))
    return out


def _chart_volume(est: Estimate, vc: VolumeCurves) -> str:
    cur = est.currency
    selfhosted = {c.label for c in est.candidates if c.kind == "selfhost"}
    drawn = [(name, ys) for name, ys in vc.costs.items() if any(math.isfinite(v) for v in ys)]
    colour = colours(est)
    series = [Series(name, vc.volumes, ys, colour=colour.get(name, ""), dashed=name not in selfhosted)
              for name, ys in drawn]
    ref = _reference_api(est)
    shown = [b for b in vc.cheaper_bands if ref is not None and b[3] == ref.label]
    bands = [(f, t, colour.get(s, PALETTE[2])) for f, t, s, _ in shown]
    svg = line_chart(series, "Monthly cost versus request volume", f"{vc.unit} (log scale)",
                     f"monthly cost ({cur}, log scale)", x_log=True, y_log=True,
                     y_fmt=lambda v: money(v, cur, 0), vlines=[(vc.current, "this scenario")], bands=bands)
    caption = ("At this scenario's request shape. APIs (dashed) cost in proportion to volume"
               + ("; self-hosted deployments (solid) rise in steps of whole replicas." if selfhosted else "."))
    if ref is not None and selfhosted:
        where = "; ".join(f"{s} {_spans(r, vc.unit)}" for (s, _), r in list(_by_pair(shown).items())[:6])
        caption += (f" Shaded: where self-hosting is cheaper than the best-value API, {ref.label} ({where})." if where
                    else f" No self-hosted candidate is cheaper than the best-value API, {ref.label}, anywhere on "
                         "this range.")
        others: dict[str, list[str]] = {}  # self-hosted -> the other APIs it beats somewhere on the range
        for s, a in _by_pair([b for b in vc.cheaper_bands if b[3] != ref.label]):
            others.setdefault(s, []).append(a)
        if others:
            caption += (" Other pairs do cross, at the volumes in the break-even table: "
                        + "; ".join(f"{s} gets cheaper than {_and(a)}" for s, a in others.items()) + ".")
    return _figure(svg, caption + _free(vc.costs))


def _days(iso: str) -> float:
    return float(date.fromisoformat(iso).toordinal())


def _date_label(v: float) -> str:
    return date.fromordinal(int(round(v))).strftime("%b %Y")


def _day_label(v: float) -> str:
    d = date.fromordinal(int(round(v)))
    return f"{d.day} {d.strftime('%b %Y')}"


def _free(costs: dict[str, list[float]]) -> str:
    """A caption's note of the offers that cost nothing (a log scale has no zero)."""
    free = [n for n, ys in costs.items() if any(v == 0 for v in ys)]
    return (f" Free at some point, so not drawn where they cost 0 (a log scale has no zero): {', '.join(free)}."
            if free else "")


def _chart_history(est: Estimate, h: CostHistory) -> str:
    cur = est.currency
    if len(h.dates) < 2:
        return ""
    xs = [_days(d) for d in h.dates]
    colour = colours(est)
    series = [Series(name, xs, ys, colour=colour.get(name, ""), steps=True) for name, ys in h.costs.items()
              if any(math.isfinite(v) for v in ys)]
    if not series:
        return ""
    lo, hi = date.fromordinal(int(xs[0])), date.fromordinal(int(xs[-1]))
    span = (hi - lo).days
    step = 1 if span <= 400 else 3 if span <= 1100 else 6
    days = (1, 15) if span <= 120 else (1,)  # a short history gets half-month ticks, labelled by day
    ticks = [float(date(y, m, d).toordinal()) for y in range(lo.year, hi.year + 1) for m in range(1, 13, step)
             for d in days if lo <= date(y, m, d) <= hi]
    finite = [v for s in series for v in s.ys if math.isfinite(v) and v > 0]
    log = bool(finite) and max(finite) / min(finite) > 30
    svg = line_chart(series, "This workload at each offer's past prices", "price in force on",
                     f"monthly cost ({cur}{', log scale' if log else ''})", y_log=log,
                     x_fmt=_day_label if span <= 120 else _date_label,
                     y_fmt=lambda v: money(v, cur, 0), x_ticks=ticks)
    return _figure(svg, f"The scenario priced again on each of the {len(h.dates)} dates a compared offer changed "
                        "its price (each date's list prices and that month's exchange rate), up to the as-of date. "
                        "A line starts when its offer launched." + (_free(h.costs) if log else ""))


def _chart_spread(est: Estimate) -> str:
    cur = est.currency
    rows = []
    for c in est.candidates:
        u = (c.uncertainty or {}).get("monthly_cost") or {}
        if u.get("p10") is not None:
            rows.append((c.label, u["p10"], u["p50"], u["p90"]))
    if not rows:
        return ""
    svg = range_bars(rows, "Monthly cost, P10 to P90", f"monthly cost ({cur}, log scale)",
                     x_fmt=lambda v: money(v, cur, 0), colours=colours(est))
    u = est.uncertainty or {}
    labels = u.get("labels") or {}
    return _figure(svg, f"{u.get('samples', 0):,} samples of the scenario's ranges "
                        f"({', '.join(labels.get(i, i) for i in u.get('inputs') or []) or 'none is a range'}); the bar spans P10 to P90, the "
                        "thick mark is the median.")


def _chart_tornado(est: Estimate, sens: dict[str, Any]) -> str:
    cur = est.currency
    c = sens["central"]
    gap = c.get("selfhost_minus_api") is not None
    key = "selfhost_minus_api" if gap else "best_cost_per_quality_point"
    centre = c[key]
    rows = [(r.get("label") or r["name"], r[key]["low"], r[key]["high"]) for r in sens["inputs"]
            if r[key]["low"] is not None and r[key]["high"] is not None][:12]
    if centre is None or not rows:
        return ""
    title = ("Best self-hosted minus best API, per quality point" if gap else "Best value, per quality point")
    svg = tornado(rows, centre, title, f"{cur} per quality point", x_fmt=lambda v: money(v, cur, 2))
    ends = [centre] + [v for _, lo, hi in rows for v in (lo, hi)]
    sign = ""
    if gap and max(ends) <= 0:
        sign = " Below zero everywhere: the best self-hosted option stays cheaper per quality point at both ends of every input."
    elif gap and min(ends) > 0:
        sign = " Above zero everywhere: the best API stays cheaper per quality point at both ends of every input."
    elif gap:
        sign = " Below zero, self-hosting is cheaper per quality point."
    return _figure(svg, "Each input moved alone to the low and the high end of its range (or of its documented default "
                        "spread), the others held at their central values; the widest bars matter most." + sign)


def _payback_marker(est: Estimate) -> tuple[list[tuple[float, str]], str]:
    """The month one purchase pays back, marked on the chart with the API it is measured against
    (the best-value API when it pays back against it, else the earliest payback after month 1,
    when a purchase has been made to pay back), and every payback in words for the caption."""
    h = est.horizon or {}
    ref = _reference_api(est)
    paid = [p for p in h.get("payback", []) if p.get("pays_back_in_month")]
    real = [p for p in paid if p["pays_back_in_month"] > 1]
    pick = (next((p for p in real if ref is not None and p["api"] == ref.id), None)
            or min(real, key=lambda p: p["pays_back_in_month"], default=None))
    marker = ([(float(pick["pays_back_in_month"]), f"{pick['selfhost']}\npays back against {pick['api']}")]
              if pick else [])
    words = []
    by_selfhost: dict[str, list[dict[str, Any]]] = {}
    for p in h.get("payback", []):
        by_selfhost.setdefault(p["selfhost"], []).append(p)
    for sh, ps in by_selfhost.items():
        if not any(p.get("pays_back_in_month", 0) and p["pays_back_in_month"] > 1 for p in ps):
            continue  # nothing bought up front to pay back (a rental is cheaper or dearer from month 1)
        got = sorted((p for p in ps if p.get("pays_back_in_month")), key=lambda p: p["pays_back_in_month"])
        never = [p["api"] for p in ps if not p.get("pays_back_in_month")]
        words.append(f"{sh} pays back against " + ", ".join(f"{p['api']} in month {p['pays_back_in_month']}"
                                                            for p in got)
                     + (f" and never against {', '.join(never)} within {h['months']} months" if never else ""))
    return marker, ("; ".join(words) + ".") if words else ""


def _chart_horizon(est: Estimate) -> str:
    h = est.horizon
    if not h:
        return ""
    cur = est.currency
    months = list(range(1, h["months"] + 1))
    colour = colours(est)
    series = [Series(cid, months, c["cumulative"], colour=colour.get(cid, ""), dashed=c.get("kind") == "api")
              for cid, c in sorted(h["candidates"].items(), key=lambda kv: kv[1]["net_present_cost"])]
    marker, paybacks = _payback_marker(est)
    # a purchase paid up front beside API bills a thousand times smaller: on a linear axis every
    # API line lies on the zero line, so a wide spread is drawn on a log scale (as the price history)
    ends = [s.ys[-1] for s in series if s.ys and math.isfinite(s.ys[-1]) and s.ys[-1] > 0]
    log = bool(ends) and max(ends) / min(ends) > 30  # what the lines reach, not month 1 against month N
    svg = line_chart(series, f"Cumulative cost over {h['months']} months", "month",
                     f"paid so far ({cur}{', log scale' if log else ''})", y_log=log,
                     y_fmt=lambda v: money(v, cur, 0), vlines=marker)
    given = [t for t in h["trends"].values() if t["source"] == "scenario"]
    trend = ("Price trends given in the scenario (" + ", ".join(dict.fromkeys(
                 f"{'rentals' if t['name'] == 'rentals' else 'API prices'} x{t['annual_factor']:.2f} a year"
                 for t in given)) + ")"
             + ("; the others fitted on the catalog's own history" if len(given) < len(h["trends"]) else "")
             if given else "Price trends fitted on the catalog's own history (the market's price of a quality "
                           "level, applied to each offer of its class)")
    return _figure(svg, f"{trend}; purchases paid up front, resold at "
                        f"{h['resale_value']:.0%} after their lifetime; the last month is net of resale. Net present "
                        f"costs at {h['discount_rate']:.0%} a year: see Over the horizon. A payback month counts "
                        f"cash paid, resale left out."
                        + (f" {paybacks}" if paybacks else ""))


def _horizon_table(est: Estimate) -> str:
    h = est.horizon
    if not h:
        return ""
    cur = est.currency
    rows = [[escape(cid), escape(money(c["total"], cur, 0)), escape(money(c["total_at_todays_prices"], cur, 0)),
             escape(money(c["net_present_cost"], cur, 0))]
            for cid, c in sorted(h["candidates"].items(), key=lambda kv: kv[1]["net_present_cost"])]
    answers = "".join(f"<p><strong>Buy {escape(w['selfhost'])}, rent, or stay on {escape(w['api_meanwhile'])}?"
                      f"</strong> {escape(buy_answer(w, h['months'], cur))}.</p>" for w in h.get("buy_rent_wait", []))
    return "<h3>Over the horizon</h3>" + answers + _table(
        [("Candidate", False), (f"Paid over {h['months']} months, net of resale (price trends)", True),
         (f"Paid over {h['months']} months at today's prices", True), ("Net present cost", True)], rows)


def _bills(est: Estimate) -> str:
    cur = est.currency
    out = []
    for c in est.candidates:
        head, items, note = bill(c, est)
        name, _, tag = head.partition("  ")
        out.append(f'<div class="bill"><h3>{escape(name)} <span class="tag">{escape(tag)}</span></h3>')
        if note:
            out.append(f'<p class="note">{escape(note)}</p></div>')
            continue
        rows = [[escape(n), escape(q), escape(money(v, cur))] for n, q, v in items]
        out.append(_table([("Item", False), ("Quantity x price", False), (f"{cur} a month", True)], rows,
                          ["total" if i == len(items) - 1 else "" for i in range(len(items))]) + "</div>")
    return "".join(out)


def _assumptions(est: Estimate) -> str:
    w = est.workload
    items = []
    if w.get("requests_per_month") is not None:
        items.append(f"{w['requests_per_day']:,.0f} requests a day x {w['days_per_month']:g} days = "
                     f"{w['requests_per_month']:,.0f} a month; {w['input_tokens']:,.0f} input and "
                     f"{w['output_tokens']:,.0f} output tokens a request")
    extra = []
    if w.get("cached_input_share"):
        extra.append(f"{w['cached_input_share']:.0%} of input cached")
    if w.get("batch_share"):
        extra.append(f"{w['batch_share']:.0%} of requests through a batch API")
    if any(c.kind == "selfhost" for c in est.candidates):
        extra.append(f"peak load {w['peak_to_average']:g} x the average")
    if extra:
        items.append(", ".join(extra))
    p = est.quality_profile
    items.append(f"quality profile {p['name']}: " + ", ".join(f"{b} weight {v:g}" for b, v in p["weights"].items())
                 + f"; ranked only with scores for at least {p['min_coverage']:.0%} of the weight")
    for f in est.fx.values():
        items.append(f"1 USD = {f['per_usd']:g} {f['currency']} ("
                     + ("scenario override" if f["overridden"] else f"{f['rate_type']}, {f['period']}") + ")")
    shared: dict[str, list[str]] = {}  # one line per assumption, naming every candidate it is made for
    for c in est.candidates:
        if c.selfhost:
            for a in dict.fromkeys(c.selfhost.get("assumptions", [])):
                shared.setdefault(a, []).append(c.label)
    for a, who in shared.items():
        items.append(f"{a} ({', '.join(who)})")
    if est.uncertainty and est.uncertainty.get("ranges"):
        for path, r in est.uncertainty["ranges"].items():
            items.append(f"range of {(est.uncertainty.get('labels') or {}).get(path, path)}: {r}")
    return "<ul>" + "".join(f"<li>{_text(i)}</li>" for i in items) + "</ul>"


def _warnings(est: Estimate) -> str:
    warn = [(c.label, w) for c in est.candidates for w in c.warnings] + [("", w) for w in est.warnings]
    if not warn:
        return "<p>None.</p>"
    return '<ul class="warnings">' + "".join(
        f"<li>{f'<strong>{escape(who)}</strong>: ' if who else ''}{_text(w)}</li>" for who, w in warn) + "</ul>"


def _sources(est: Estimate) -> str:
    """Every source, once, with what it supports and its date."""
    seen: dict[str, list[str]] = {}

    def add(source: str | None, what: str) -> None:
        if source:
            seen.setdefault(source, []).append(what)

    for c in est.candidates:
        if c.price:
            p = c.price
            add(p.get("source"), f"price of {p['offer']} from {p['effective_from']} ({p['status']})")
        if c.selfhost and c.selfhost.get("price_source"):
            add(c.selfhost["price_source"], f"cost of {c.label}")
        for d in c.quality_detail:
            if d.get("imputed"):
                continue
            add(d.get("source"), f"{c.model} {d['benchmark']} {d['score']:g}")
    for f in est.fx.values():
        if not f["overridden"]:
            add(f.get("source"), f"1 USD = {f['per_usd']:g} {f['currency']}, {f['period']}")
    items = []
    for source, what in seen.items():
        uniq = list(dict.fromkeys(what))
        more = f" and {len(uniq) - 8} more" if len(uniq) > 8 else ""
        items.append(f"<li>{_text(source)}<br><span class=\"note\">for: {escape('; '.join(uniq[:8]))}{more}</span></li>")
    return '<ol class="sources">' + "".join(items) + "</ol>"


def render_html(est: Estimate, extras: dict[str, Any], generated: str = "") -> str:
    """The whole report as one HTML document (``extras``: :func:`tco.plan.curves.report_data`)."""
    charts = [_chart_quality(est)]
    if extras.get("volume") is not None:
        charts.append(_chart_volume(est, extras["volume"]))
    if extras.get("history") is not None:
        charts.append(_chart_history(est, extras["history"]))
    if est.uncertainty and est.uncertainty.get("inputs"):  # without ranges every sample is the same
        charts.append(_chart_spread(est))
    if extras.get("sensitivity"):
        charts.append(_chart_tornado(est, extras["sensitivity"]))
    charts.append(_chart_horizon(est))
    w = est.workload
    sub = (f"As of {est.as_of}; amounts in {est.currency} a month"
           + (f"; {w['requests_per_day']:,.0f} requests a day" if w.get("requests_per_day") is not None else "")
           + "".join(f"; 1 USD = {f['per_usd']:g} {f['currency']} (1 {f['currency']} = {1 / f['per_usd']:.4f} USD, "
                     f"{'as given' if f['overridden'] else 'the ' + str(f['period']) + ' average'})"
                     for f in est.fx.values() if f.get("per_usd"))
           + (f". {generated}" if generated else ""))
    body = [f"<header><h1>{escape(est.scenario)}</h1><p class=\"meta\">{escape(sub)}</p></header>",
            _answer(est), _legend(est), "<h2>Candidates</h2>", _candidates(est),
            "<h2>Charts</h2>", *[c for c in charts if c], _breakeven(est),
            "<h2>Breakdown</h2>", _horizon_table(est), _bills(est),
            "<h2>Assumptions</h2>", _assumptions(est),
            "<h2>Warnings</h2>", _warnings(est),
            "<h2>Sources</h2>", _sources(est)]
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{escape(est.scenario)}: tco report</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n"
            + "\n".join(body) + "\n</main>\n</body>\n</html>\n")
