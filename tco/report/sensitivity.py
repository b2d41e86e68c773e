"""``tco sensitivity``: the tornado of which inputs move the answer most."""

from __future__ import annotations

import json
import math
from typing import Any

from .estimate import why_no_cost
from .format import money
from .text import cut, cut_label, display_width, pad


def render_sensitivity(data: dict[str, Any], fmt: str = "table", width: int | None = None) -> str:
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    cur = data["currency"]
    c = data["central"]
    lines = [f"{data['scenario']}: what moves the answer (as of {data['as_of']}, {cur})",
             f"  central: best value {c['winner'] or 'none'} at "
             + (money(c['best_cost_per_quality_point'], cur) if c["best_cost_per_quality_point"] is not None
                else "unknown") + " per quality point"
             + (f"; best self-hosted minus best API: {_signed(c['selfhost_minus_api'], cur)} per point"
                if c["selfhost_minus_api"] is not None else ""), ""]
    rows = data["inputs"]
    own = data.get("candidate")
    if own:
        return _render_own(data, lines, width)
    span = [v for r in rows for v in (r["best_cost_per_quality_point"]["low"], r["best_cost_per_quality_point"]["high"])
            if v is not None] + ([c["best_cost_per_quality_point"]] if c["best_cost_per_quality_point"] else [])
    labels = [r.get("label") or r["name"] for r in rows]
    name_w, bar_w = _widths(labels, width)
    lo_all, hi_all = (min(span), max(span)) if span else (0.0, 1.0)
    lines.append(f"{pad('input', name_w)}  {pad('best value per quality point, low end .. high end', bar_w + 28)}"
                 "  winner")
    for r in rows:
        b = r["best_cost_per_quality_point"]
        bar = _bar(b["low"], b["high"], c["best_cost_per_quality_point"], lo_all, hi_all, bar_w)
        vals = f"{_m(b['low'], cur)} .. {_m(b['high'], cur)}"
        win = (f"{r['winner_low']} -> {r['winner_high']}" if r["winner_changes"] else "unchanged")
        lines.append(f"{pad(cut_label(r.get('label') or r['name'], name_w, labels), name_w)}  {bar}  {pad(vals, 26)}  {win}")
        gap = r["selfhost_minus_api"]
        if gap["low"] is not None or gap["high"] is not None:
            lines.append(f"{'':{name_w}}  {'':{bar_w}}  self-hosted minus API {_signed(gap['low'], cur)} .. "
                         f"{_signed(gap['high'], cur)}")
        lines.append(f"{'':{name_w}}  {r['detail'] if width is None else cut(r['detail'], width - name_w - 2)}")
    return "\n".join(lines) + "\n"


def _widths(labels: list[str], width: int | None) -> tuple[int, int]:
    """The input column's and the bar's widths: not a terminal, nothing is cut; a terminal,
    34 columns for the input, more when it is wide."""
    name_w = max([display_width(x) for x in labels] + [5])
    if width is not None:
        name_w = min(name_w, 34 if width < 144 else min(60, width - 110))
    return name_w, 28 if width is None else max(10, min(28, width - name_w - 48))


def _render_own(data: dict[str, Any], lines: list[str], width: int | None) -> str:
    """The tornado read on one candidate: its monthly cost at each end of every input, on one scale."""
    cur, own, rows = data["currency"], data["candidate"], data["inputs"]
    per_point = own["cost_per_quality_point"]
    if own["monthly_cost"] is None:  # nothing moves a candidate with no cost: say why instead of rows of "unknown"
        why = why_no_cost(data["as_of"], own.get("available_from"), own.get("reason"))
        lines[-1:] = [f"  {own['label']}: {why}; nothing to read on it"]
        return "\n".join(lines) + "\n"
    lines[-1:] = [f"  {own['label']}: {_m(own['monthly_cost'], cur)} a month"
                  + (f", {money(per_point, cur)} per quality point" if per_point is not None else ", not ranked"),
                  ""]
    span = [v for r in rows for v in (r["candidate"]["monthly_cost"]["low"], r["candidate"]["monthly_cost"]["high"])
            if v is not None] + ([own["monthly_cost"]] if own["monthly_cost"] is not None else [])
    labels = [r.get("label") or r["name"] for r in rows]
    name_w, bar_w = _widths(labels, width)
    lo_all, hi_all = (min(span), max(span)) if span else (0.0, 1.0)
    lines.append(f"{pad('input', name_w)}  {pad('its monthly cost, low end .. high end', bar_w + 28)}  best value")
    for r in rows:
        m = r["candidate"]["monthly_cost"]
        bar = _bar(m["low"], m["high"], own["monthly_cost"], lo_all, hi_all, bar_w)
        vals = f"{_m(m['low'], cur)} .. {_m(m['high'], cur)}"
        win = (f"{r['winner_low']} -> {r['winner_high']}" if r["winner_changes"] else "unchanged")
        lines.append(f"{pad(cut_label(r.get('label') or r['name'], name_w, labels), name_w)}  {bar}  {pad(vals, 26)}  {win}")
        q = r["candidate"]["cost_per_quality_point"]
        if q["low"] is not None or q["high"] is not None:
            lines.append(f"{'':{name_w}}  {'':{bar_w}}  per quality point {_m(q['low'], cur)} .. {_m(q['high'], cur)}")
        lines.append(f"{'':{name_w}}  {r['detail'] if width is None else cut(r['detail'], width - name_w - 2)}")
    return "\n".join(lines) + "\n"


def _m(v: float | None, cur: str) -> str:
    return "unknown" if v is None else money(v, cur)


def _signed(v: float | None, cur: str) -> str:
    if v is None:
        return "n/a"
    return ("+" if v > 0 else "") + money(v, cur)


def _bar(a: float | None, b: float | None, centre: float | None, lo: float, hi: float, width: int) -> str:
    """A tornado bar: the span from the low-end to the high-end value on a common scale, | at the centre."""
    if a is None or b is None or not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        return "·" * width if a is None or b is None else "|".center(width)

    def x(v: float) -> int:
        return min(width - 1, max(0, round((v - lo) / (hi - lo) * (width - 1))))

    left, right = sorted((x(a), x(b)))
    chars = [" "] * width
    for i in range(left, right + 1):
        chars[i] = "█"
    if centre is not None and math.isfinite(centre):
        chars[x(centre)] = "|"
    return "".join(chars)
