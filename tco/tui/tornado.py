"""The uncertainty view's drawing: the tornado of ``tco.plan.sensitivity`` (each input alone at
its low and high end, the best value's cost per quality point as a bar around its central
value, whether the winner changes) and the highlighted candidate's sampled spread (P10, P50,
P90 of its monthly cost on a log scale shared by every candidate). Pure functions from
numbers to rich Text, like :mod:`.charts` (no textual)."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from rich.text import Text

from ..report.format import chance as pct  # a probability: 97%, <1%, >99%
from ..report.text import distinct as shared_distinct
from .charts import fit_name
from .plot import si

LOW, HIGH = "cyan", "magenta"
"""Colours of the part of a bar at the input's low end and at its high end."""

_FIELD_WORDS = {"throughput_factor": "throughput", "utilization": "utilization", "discount": "discount",
                "price_factor": "price factor", "reasoning_tokens": "reasoning tokens"}


@dataclass
class Bar:
    """One input of the tornado."""

    what: str
    """The input (``requests per day``, ``throughput``)."""
    span: str
    """Its low and high end in words (``30K–300K``, ``0–25%``, ``×0.76–×1.31``)."""
    low: float | None
    """The best value's cost per quality point with the input at its low end (None: unknown)."""
    high: float | None
    winner_low: str | None = None
    winner_high: str | None = None
    whose: str = ""
    """The candidate the input belongs to (empty: a workload or market input)."""
    default: bool = False
    """tco's default spread (the scenario writes no range for it)."""
    gap_low: float | None = None
    """Best self-hosted minus best API cost per quality point at each end (None: no such pair)."""
    gap_high: float | None = None
    detail: str = ""
    """Where its ends come from (``your range: triangular 30,000 / 100,000 / 300,000``)."""

    @property
    def changes(self) -> bool:
        return self.winner_low != self.winner_high


@dataclass
class Spread:
    """The highlighted candidate's samples."""

    id: str
    p10: float | None
    p50: float | None
    p90: float | None
    now: float | None
    """Its plain (unsampled) monthly cost."""
    p_best: float
    p_cheapest: float
    cheaper: Sequence[tuple[str, float]] = ()
    """(API candidate, share of samples in which this self-hosted one costs less)."""
    samples: str = ""
    """``2,000 samples, seed 7``."""
    stale: bool = False
    """From an earlier version of the scenario (new samples are being drawn)."""
    scale: tuple[float, float] = (math.nan, math.nan)
    """The lowest P10 and highest P90 of every candidate: the bar's log scale."""
    others: Sequence[float] = field(default_factory=tuple)


def bars_from(data: dict, names: Callable[[str, str], tuple[str, str]]) -> list[Bar]:
    """Bars from :func:`tco.plan.sensitivity.sensitivity`'s ``inputs`` (already sorted by
    swing); ``names(path, label) -> (what, whose)``."""
    out = []
    for r in data.get("inputs", []):
        what, whose = names(r["name"], r.get("label") or "")
        b, g = r["best_cost_per_quality_point"], r["selfhost_minus_api"]
        out.append(Bar(what, span_text(r["name"], r["low"], r["high"]), b["low"], b["high"], r["winner_low"],
                       r["winner_high"], whose, str(r.get("detail", "")).startswith("default"), g["low"], g["high"],
                       str(r.get("detail", ""))))
    return out


def split_label(path: str, label: str) -> tuple[str, str]:
    """(what, whose) of an input: ``candidates.4.selfhost.throughput_factor`` labelled
    ``throughput factor of NAME`` -> (``throughput``, NAME)."""
    m = re.fullmatch(r"candidates\.\d+\.(?:selfhost\.)?(\w+)", path)
    if m and " of " in label:
        return _FIELD_WORDS.get(m.group(1), m.group(1).replace("_", " ")), label.split(" of ", 1)[1]
    return label or path, ""


def _num(v: float) -> str:
    return si(v) if abs(v) >= 1000 else f"{v:.3g}"


def span_text(path: str, lo: float | None, hi: float | None) -> str:
    """An input's two ends as a reader knows them."""
    if lo is None or hi is None:
        return ""
    if re.search(r"(share|discount|utilization)$", path):
        return f"{lo:.0%}–{hi:.0%}"
    if path in ("prices.api", "prices.selfhost") or path.endswith("factor"):
        return f"×{lo:.2f}–×{hi:.2f}"
    return f"{_num(lo)}–{_num(hi)}"


def distinct(name: str, others: Sequence[str], n: int) -> str:
    """:func:`tco.report.text.distinct`, an offer id ``provider/model`` kept whole as
    :func:`.charts.fit_name` keeps it."""
    if len(name) > n and "/" in name and " " not in name:
        return fit_name(name, n, keep_provider=True)
    return shared_distinct(name, others, n)


def bar_name(b: Bar, n: int, others: Sequence[str] = ()) -> str:
    if not b.whose:
        return fit_name(b.what, n)
    room = n - len(b.what) - 1
    if room < 6:
        return fit_name(f"{b.what} {b.whose}", n)
    return f"{b.what} {distinct(b.whose, others, room)}"


def _fin(v: float | None) -> bool:
    return v is not None and math.isfinite(v)


def draw_bar(low: float | None, high: float | None, centre: float | None, lo: float, hi: float,
             width: int) -> Text:
    """The span from the centre to the value at the input's low end (:data:`LOW`) and to the
    value at its high end (:data:`HIGH`) on a linear scale ``lo``..``hi``, │ at the centre."""
    if width <= 0:
        return Text("")
    if not (_fin(low) and _fin(high)) or not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        return Text("·" * width, "dim")

    def x(v: float) -> int:
        return min(width - 1, max(0, round((v - lo) / (hi - lo) * (width - 1))))

    cells: list[tuple[str, str]] = [(" ", "")] * width
    c = x(centre) if _fin(centre) else None
    ends = [(low, LOW), (high, HIGH)]
    ends.sort(key=lambda e: -abs(x(e[0]) - (c if c is not None else x(e[0]))))  # the longer first
    for v, style in ends:
        a, z = sorted((x(v), c if c is not None else x(v)))  # type: ignore[arg-type]
        for i in range(a, z + 1):
            cells[i] = ("█", style)
    if c is not None:
        cells[c] = ("│", "bold")
    t = Text()
    for ch, st in cells:
        t.append(ch, st)
    return t


def tornado(bars: Sequence[Bar], central: float | None, winner: str | None, width: int, height: int,
            money: Callable[[float], str], head: Sequence[Text] = (), note: str = "") -> Text:
    """``head`` lines (the highlighted candidate's spread), then the tornado: a title, one row
    per input as long as there is room (largest swing first), a caption."""
    lines: list[Text] = list(head)
    if not bars:
        lines.append(Text("nothing to vary: no input moves the answer", "dim"))
        return fit_lines(lines, width, height)
    wide = width >= 110
    title = Text("each input alone at its " if wide else "each input at its ", "bold")
    title.append("low", f"bold {LOW}")
    title.append(" and " if wide else " / ", "bold")
    title.append("high", f"bold {HIGH}")
    title.append(" end: the best value's cost per quality point" if wide else " end → best cost/pt", "bold")
    if central is not None and math.isfinite(central):
        title.append(f" (now {money(central)}", "")
        title.append(f", {fit_name(winner, 24 if wide else 16)})" if winner else ")", "")
    lines.append(title)
    if note:
        lines.append(Text(note, "yellow"))
    vals = [v for b in bars for v in (b.low, b.high) if _fin(v)] + ([central] if _fin(central) else [])
    lo, hi = (min(vals), max(vals)) if vals else (math.nan, math.nan)  # type: ignore[type-var]
    show_gap = width >= 140 and any(_fin(b.gap_low) or _fin(b.gap_high) for b in bars)
    span_w = max([len(b.span) for b in bars] + [0]) if wide else 0
    val_texts = [f"{money(b.low) if _fin(b.low) else 'unknown'}–{money(b.high) if _fin(b.high) else 'unknown'}"
                 for b in bars]
    val_w = max(len(v) for v in val_texts)
    gap_texts = [f"{_signed(b.gap_low, money)} → {_signed(b.gap_high, money)}" for b in bars] if show_gap else []
    gap_head = "best self-hosted − best API"
    gap_w = max([len(g) for g in gap_texts] + [len(gap_head)]) if show_gap else 0
    win_w = 22 if wide else 2
    names = max(len(b.what) + (len(b.whose) + 1 if b.whose else 0) for b in bars) + 1
    name_w = min(names, max(14, width * 3 // 10 if wide else width * 3 // 8))
    fixed = name_w + 1 + (span_w + 1 if span_w else 0) + 1 + val_w + 1 + (gap_w + 2 if show_gap else 0) + win_w
    bar_w = max(8, min(width - fixed, 60))
    if show_gap:
        cap = Text(" " * (name_w + 1 + (span_w + 1 if span_w else 0) + bar_w + 1 + val_w + 1) + "  ")
        cap.append(f"{gap_head:<{gap_w}}", "dim")
        lines.append(cap)
    room = max(height - len(lines) - 1, 1)
    details = room >= 2 * len(bars)
    shown = bars[:room]
    whose = sorted({b.whose for b in bars if b.whose})
    for i, b in enumerate(shown):
        t = Text()
        name = bar_name(b, name_w - 1, whose) + ("°" if b.default else "")
        t.append(f"{name:<{name_w}} ", "dim" if not _moves(b) else "")
        if span_w:
            t.append(f"{b.span:>{span_w}} ", "dim")
        t.append_text(draw_bar(b.low, b.high, central, lo, hi, bar_w))
        t.append(f" {val_texts[i]:>{val_w}}", "" if _moves(b) else "dim")
        if show_gap:
            t.append(f"  {gap_texts[i]:<{gap_w}}", "dim")
        if b.changes:
            t.append(" ⇄", "bold yellow")
            if wide:
                t.append(f" {fit_name(b.winner_low or 'none', 9)} → {fit_name(b.winner_high or 'none', 9)}",
                         "yellow")
        elif wide:
            t.append(" same winner", "dim")
        lines.append(t)
        if details and b.detail:
            lines.append(Text("  " + b.detail, "dim italic"))
    caption = Text("", "dim")
    if len(shown) < len(bars):
        caption.append(f"+{len(bars) - len(shown)} more{', smaller swings' if wide else ''} · ")
    if any(b.default for b in bars):
        caption.append("° tco's default spread (no range written) · " if wide else "° default spread · ")
    if any(b.changes for b in bars):
        caption.append("⇄ the best value changes")
    else:
        caption.append("the best value is the same at every end" if wide else "same best value at every end")
    lines.append(caption)
    return fit_lines(lines, width, height)


def _moves(b: Bar) -> bool:
    return _fin(b.low) and _fin(b.high) and abs(b.high - b.low) > 1e-9 * max(abs(b.low), 1.0)  # type: ignore[operator]


def _signed(v: float | None, money: Callable[[float], str]) -> str:
    if not _fin(v):
        return "n/a"
    return ("+" if v > 0 else "−" if v < 0 else "") + money(abs(v))  # type: ignore[arg-type]


def fit_lines(lines: list[Text], width: int, height: int) -> Text:
    out = Text(no_wrap=True, overflow="crop")
    for i, line in enumerate(lines[: max(height, 1)]):
        line = line.copy()
        if line.cell_len > width:
            line.truncate(width - 1)
            line.append("…", "dim")
        if i:
            out.append("\n")
        out.append_text(line)
    return out


# ---- the highlighted candidate's spread -----------------------------------------------------


def spread_lines(s: Spread, width: int, money: Callable[[float], str], short: Callable[[float], str]) -> list[Text]:
    """Two lines (three for a self-hosted candidate): its name and chances, then P10 ━━●━━ P90
    on the log scale of every candidate's P10..P90, ◆ its plain estimate."""
    style = "dim" if s.stale else ""
    wide = width >= 110
    top = Text(no_wrap=True)
    top.append("◉ ", "bold")
    top.append(fit_name(s.id, max(width // 3, 12), keep_provider=True), "bold")
    samples = s.samples if wide else s.samples.split(", seed")[0]
    top.append((f" · monthly cost over {samples}" if wide else f" · {samples}")
               + (" (resampling…)" if s.stale else ""), "dim")
    top.append(f" · P(best{' value' if wide else ''}) {pct(s.p_best)}",
               style or ("bold green" if s.p_best >= 0.5 else ""))
    top.append(f" · P(cheapest) {pct(s.p_cheapest)}", style)
    if not (_fin(s.p10) and _fin(s.p90)):
        return [top, Text("  no cost in any sample (see the detail, F2)", "dim")]
    p10, p50, p90 = float(s.p10), float(s.p50 if _fin(s.p50) else s.p10), float(s.p90)  # type: ignore[arg-type]
    m = money if wide else short
    tail = Text(f"  P10 {m(p10)}  P50 {m(p50)}  P90 {m(p90)}" if wide else f" P10 {m(p10)} P50 {m(p50)} P90 {m(p90)}",
                style)
    if _fin(s.now):
        tail.append(f"  ◆ now {m(float(s.now))}" if wide else f" ◆ {m(float(s.now))} now", "dim")  # type: ignore[arg-type]
    lo, hi = s.scale
    if not (math.isfinite(lo) and math.isfinite(hi)) or lo <= 0:
        lo, hi = min(p10, p50) or 1.0, max(p90, 1.0)
    if hi <= lo * 1.0001:
        lo, hi = lo / 1.5, hi * 1.5
    a, b = Text(short(lo), "dim"), Text(short(hi), "dim")
    track = max(width - 2 - a.cell_len - b.cell_len - 2 - tail.cell_len, 10)
    line = Text("  ")
    line.append_text(a)
    line.append(" ")
    line.append_text(_spread_track(p10, p50, p90, s.now, lo, hi, track, s.others, style))
    line.append(" ")
    line.append_text(b)
    line.append_text(tail)
    out = [top, line]
    if s.cheaper:
        t = Text("  cheaper than ", "dim")
        for i, (api, p) in enumerate(sorted(s.cheaper, key=lambda x: -x[1])):
            if i:
                t.append(", ", "dim")
            # azure/ and openai/ offers of one model kept apart; whole names where the line has room
            whole = sum(len(a) + 11 for a, _ in s.cheaper) + 28 <= width  # ", " "in >99%" and the words around
            room = max(len(a) for a, _ in s.cheaper) if whole else 24
            t.append(f"{fit_name(api, room, keep_provider=True)} ")
            t.append(f"in {pct(p)}", "bold" if p >= 0.5 else "")
        t.append(" of samples", "dim")
        out.append(t)
    return out


def _spread_track(p10: float, p50: float, p90: float, now: float | None, lo: float, hi: float, width: int,
                  others: Sequence[float], style: str) -> Text:
    def x(v: float) -> int:
        f = (math.log(max(v, lo)) - math.log(lo)) / (math.log(hi) - math.log(lo))
        return min(width - 1, max(0, round(f * (width - 1))))

    cells: list[tuple[str, str]] = [("·", "dim")] * width
    for v in others:  # the other candidates' medians, faint
        if math.isfinite(v) and v > 0:
            cells[x(v)] = ("╵", "dim")
    a, z = x(p10), x(p90)
    for i in range(a, z + 1):
        cells[i] = ("━", style or "cyan")
    cells[a] = ("┣" if z > a else "┃", style or "cyan")
    cells[z] = ("┫" if z > a else "┃", style or "cyan")
    if _fin(now):
        cells[x(float(now))] = ("◆", "dim")  # type: ignore[arg-type]
    cells[x(p50)] = ("●", style or "bold cyan")
    t = Text()
    for ch, st in cells:
        t.append(ch, st)
    return t


__all__ = ["Bar", "Spread", "bars_from", "split_label", "span_text", "tornado", "spread_lines", "pct"]
