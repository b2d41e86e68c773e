"""``tco diff``: the change between two estimates as a table, Markdown (a pull-request
comment) or JSON."""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING, Any

from .format import money, unit_price
from .text import fit_table, hidden_note, markdown_table

if TYPE_CHECKING:
    from ..plan.diff import Diff

COLUMNS = [("candidate", "Candidate", "<"), ("before", "Monthly before", ">"), ("after", "after", ">"),
           ("change", "Change", ">"), ("pct", "%", ">"), ("q_before", "Per quality pt before", ">"),
           ("q_after", "after", ">"), ("rank", "Rank", ">")]


def _pct(p: float | None) -> str:
    if p is None:
        return "n/a"
    if math.isinf(p):
        return "was free"
    return f"{p:+.1f}%" if abs(p) >= 0.05 else "0.0%"


def _signed(v: float | None, cur: str) -> str:
    if v is None:
        return "n/a"
    return ("+" if v > 0 else "-" if v < 0 else "") + money(abs(v), cur)


def _rank(r: list[Any]) -> str:
    a, b = (x if x else "-" for x in r)
    return str(a) if a == b else f"{a} -> {b}"


def _value(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:,.6g}" if abs(v) < 1e6 else f"{v:,.0f}"
    if v is None:
        return "(none)"
    if isinstance(v, list):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    return str(v)


SPREAD = ("spread", "P10-P90 before -> after", ">")
"""The column shown when both sides were sampled."""


def columns(d: Diff) -> list[tuple[str, str, str]]:
    return COLUMNS[:5] + [SPREAD] + COLUMNS[5:] if any("monthly_cost_p10_p90" in r for r in d.rows) else COLUMNS


def _spread(r: dict[str, Any], cur: str) -> str:
    pair = r.get("monthly_cost_p10_p90")
    if not pair:
        return "-"

    def one(lo_hi: list[float | None]) -> str:
        lo, hi = lo_hi
        return "n/a" if lo is None or hi is None else f"{money(lo, cur, 0)}-{money(hi, cur, 0)}"

    a, b = one(pair[0]), one(pair[1])
    return a if a == b else f"{a} -> {b}"


def rows(d: Diff) -> list[dict[str, str]]:
    cur = d.currency
    out = []
    for r in d.rows:
        (a, b), (qa, qb) = r["monthly_cost"], r["cost_per_quality_point"]
        why = r.get("reason") or [None, None]
        out.append({"spread": _spread(r, cur), "candidate": r["label"], "before": money(a, cur) if a is not None else why[0] or "unknown",
                    "after": money(b, cur) if b is not None else why[1] or "unknown",
                    "change": _signed(r["change"], cur), "pct": _pct(r["change_pct"]),
                    "q_before": unit_price(qa, cur) if qa is not None else "n/a",
                    "q_after": unit_price(qb, cur) if qb is not None else "n/a", "rank": _rank(r["rank"])})
    return out


def _summary(d: Diff) -> list[str]:
    cur = d.currency
    lines = []
    rises = [r for r in d.rows if r["change"] is not None and r["change"] > 0]
    falls = [r for r in d.rows if r["change"] is not None and r["change"] < 0]
    same = [r for r in d.rows if r["change"] == 0]
    spread_moved = [r for r in same if (p := r.get("monthly_cost_p10_p90")) and p[0] != p[1]]
    unknown = [r for r in d.rows if r["change"] is None]
    parts = [f"{len(d.rows)} candidate{'s' if len(d.rows) != 1 else ''} on both sides"]
    if rises:
        top = max(rises, key=lambda r: r["change_pct"])
        parts.append(f"{len(rises)} dearer (most: {top['label']} {_pct(top['change_pct'])})")
    if falls:
        top = min(falls, key=lambda r: r["change_pct"])
        parts.append(f"{len(falls)} cheaper (most: {top['label']} {_pct(top['change_pct'])})")
    if same:
        parts.append(f"{len(same)} unchanged" + (f" ({len(spread_moved)} of them with another P10-P90 spread)"
                                                 if spread_moved else ""))
    if unknown:
        parts.append(f"{len(unknown)} not comparable (a cost unknown before or after)")
    lines.append("; ".join(parts) + f"; amounts in {cur} a month.")
    for r, word in [(r, "added") for r in d.added] + [(r, "removed") for r in d.removed]:
        m = r["monthly_cost"]
        lines.append(f"{word}: {r['label']} ({money(m, cur) + ' a month' if m is not None else r.get('reason') or 'cost unknown'}"
                     + (f", rank {r['rank']}" if r.get("rank") else "") + ")")
    return lines


def render_diff(d: Diff, fmt: str = "table", width: int | None = None) -> str:
    if fmt == "json":
        return json.dumps(d.to_dict(), indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    table_rows = rows(d)
    changes = [f"{c['input']}: {_value(c['old'])} -> {_value(c['new'])}" for c in d.inputs]
    if fmt == "markdown":
        out = [f"### tco diff: `{d.old.path}` → `{d.new.path}`", ""] + _summary(d)[:1] + [""]
        out += markdown_table(table_rows, columns(d)) if table_rows else ["No candidate is on both sides."]
        extra = _summary(d)[1:]
        if extra:
            out += [""] + [f"- {x}" for x in extra]
        if changes:
            out += ["", "<details><summary>Inputs changed " f"({len(changes)})</summary>", ""]
            out += [f"- `{x}`" for x in changes] + ["", "</details>"]
        out += [""] + [f"> {n}" for n in d.notes]
        return "\n".join(out).rstrip() + "\n"
    out = [f"{d.old.path} -> {d.new.path}"] + ["  " + x for x in _summary(d)] + [""]
    if table_rows:
        cols = columns(d)
        lines, hidden = fit_table(table_rows, cols, width, steps=(
            ("drop", "q_before"), ("drop", "q_after"), *((("drop", "spread"),) if SPREAD in cols else ()),
            ("shrink", "candidate", 24), ("drop", "rank"), ("shrink", "candidate", 12)))
        out += lines + ([hidden_note(hidden)] if hidden else [])
    else:
        out.append("No candidate is on both sides.")
    if changes:
        out += ["", "Inputs changed"] + ["  " + x for x in changes]
    else:
        out += ["", "No input changed" + (" (the catalog or the as-of date may have)" if d.rows else "")]
    out += [f"Note: {n}" for n in d.notes]
    return "\n".join(out) + "\n"
