"""The three charts of the lower panel, drawn with :mod:`tco.tui.plot`: cost versus quality
(with the Pareto frontier), monthly cost versus requests per day (with the break-even ranges)
and price over time; and how candidate names are fitted to a width (table, legends).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from rich.text import Text

from .plot import PALETTE, Axis, Plot, _join, _legend_width, linear_axis, log_axis, message, money_axis, si

__all__ = ["PALETTE", "fit_name", "drops_provider", "pareto", "cost_quality", "cost_volume", "price_history"]


# ---- cost versus quality ------------------------------------------------------------------


def pareto(points: list[tuple[str, float, float]]) -> list[str]:
    """Ids on the cost/quality Pareto frontier (no other point is cheaper and at least as good),
    in increasing cost."""
    pts = sorted((c, -q, i) for i, c, q in points if math.isfinite(c) and math.isfinite(q))
    front: list[str] = []
    best_q = -math.inf
    for c, negq, i in pts:
        if -negq > best_q:
            front.append(i)
            best_q = -negq
    return front


@dataclass
class Point:
    id: str
    cost: float
    quality: float
    frontier: bool = False
    current: bool = False
    ranked: bool = True
    """False: not ranked (coverage below the minimum, or no cost or score): never on the
    frontier, drawn ∘."""


def cost_quality(points: Sequence[Point], width: int, height: int, symbol: str,
                 money: Callable[[float], str]) -> Text:
    """Scatter of monthly cost (log x) against quality (y): the Pareto frontier of the ranked
    candidates joined and listed, the unranked ones drawn ∘, the highlighted candidate ringed."""
    pts = [p for p in points if math.isfinite(p.cost) and math.isfinite(p.quality)]
    if not pts:
        return message("no candidate has both a cost and a quality score", width, height)
    lw = _legend_width(width)
    positive = [p.cost for p in pts if p.cost > 0]
    lo = min(positive) if positive else 1.0
    hi = max(positive) if positive else 10.0
    x = log_axis(lo, hi, money_axis(symbol))
    qs = [p.quality for p in pts]
    y = linear_axis(max(min(qs) - 2, 0), min(max(qs) + 2, 100), lambda v: f"{v:g}", n=3 if height < 12 else 5)
    plot = Plot(width - lw - (1 if lw else 0), height - 1, x, y)  # and a line saying what the axes are
    cv = plot.canvas

    def xy(p: Point) -> tuple[float, float]:
        return (plot.px(p.cost) if p.cost > 0 else 0.0), plot.py(p.quality)

    front = sorted((p for p in pts if p.frontier), key=lambda p: p.cost)
    for a, b in zip(front, front[1:], strict=False):
        (x0, y0), (x1, y1) = xy(a), xy(b)
        cv.line(x0, y0, x1, y0, "green")
        cv.line(x1, y0, x1, y1, "green")
    for p in sorted(pts, key=lambda p: (p.frontier, p.current)):
        px, py = xy(p)
        c, r = int(px) // 2, int(py) // 4
        if p.current:
            cv.text(c, r, "◉", "bold reverse")
        elif p.frontier:
            cv.text(c, r, "◆", "bold green")
        elif p.ranked:
            cv.text(c, r, "•", "cyan")
        else:
            cv.text(c, r, "∘", "dim")
    left = plot.lines()
    left.append(Text(" " * plot.lw + "monthly cost (log) → · quality (profile, 0-100) ↑", "dim"))
    if not lw:
        return _join(left, [], width)
    shown = [p.id for p in pts]

    def value(p: Point) -> str:
        return f"{money(p.cost)} q{p.quality:.0f}"

    rows = [("◉", "bold", p) if p.current else ("◆", "green", p) for p in front]
    cur = next((p for p in pts if p.current), None)
    if cur is not None and not cur.frontier:
        rows.append(("◉", "bold", cur))
    # every other point by name (a row each while there is room, then a list)
    others = sorted((p for p in pts if p.ranked and not p.frontier and not p.current), key=lambda p: p.cost)
    unranked = sorted((p for p in pts if not p.ranked and not p.current), key=lambda p: p.cost)
    missing = [p.id for p in points if not (math.isfinite(p.cost) and math.isfinite(p.quality))]
    groups = [(others, "•", "cyan", ""), (unranked, "∘", "dim", " unranked")]
    listed = len(others) + len(unranked) <= max(height, 1) - 1 - len(rows) - (1 if missing else 0)
    # one decision on providers for the whole legend (every name that would be drawn)
    drop = drops_provider([(p.id, _name_room(lw, value(p))) for _, _, p in rows]
                          + [(p.id, _name_room(lw, value(p)) if listed else 18) for p in others + unranked]
                          + [(i, 16) for i in missing])
    right = [Text("◆ Pareto frontier", "bold green")]
    right.extend(_legend_row(mark, style, p.id, value(p), lw, shown, drop) for mark, style, p in rows)
    for group, mark, style, note in groups:
        if not group:
            continue
        if listed:
            right.extend(_legend_row(mark, style, p.id, value(p), lw, shown, drop) for p in group)
        else:  # one line per group: who they are, as far as the width goes
            right.extend(Text(line, style) for line in _name_list(f"{mark} {len(group)}{note}: ",
                                                                  [p.id for p in group], lw, shown, drop))
    if missing:
        right.extend(Text(line, "dim") for line in _name_list(f"{len(missing)} without cost or score: ", missing,
                                                              lw, None, drop))
    return _join(left, right[: max(height, 1)], width)


def _name_list(head: str, ids: list[str], room: int, shown: Sequence[str] | None, drop: bool) -> list[str]:
    """``head`` then the names joined by ", ", wrapped to ``room`` cells (continuation lines
    indented): each name whole where a line holds it, else cut to the line."""
    names = [fit_name(i, max(room - 4, 8), shown=shown or (), drop_provider=drop) for i in ids]
    lines, line = [], head
    for k, name in enumerate(names):
        piece = name + ("," if k < len(names) - 1 else "")
        if len(line) + len(piece) + (0 if line.endswith((": ", "  ")) else 1) > room and line.strip():
            lines.append(line)
            line = "  " + piece
        else:
            line += ("" if line.endswith((": ", "  ")) else " ") + piece
    return lines + [line]


_AUTO_SELFHOST = re.compile(r"^(?P<model>\S+) (?P<prec>\S+) on (?:(?P<count>\d+) ?x ?)?(?P<gpu>\S+)$")
"""The label of a self-hosted candidate without a name: ``model precision on [Nx ]gpu``."""


def _cut(s: str, n: int) -> str:
    """``s`` shortened from the right to ``n`` cells: ``Llama 3.1 70B FP8, o…``."""
    if len(s) <= n:
        return s
    if n <= 1:
        return s[:n]
    return s[: n - 1].rstrip() + "…"


def _offer_parts(cid: str) -> tuple[str, str] | None:
    """(provider, model) of an offer id ``provider/model``; None for a name."""
    provider, sep, model = cid.partition("/")
    return (provider, model) if sep and provider and " " not in provider else None


def _has_twin(cid: str, model: str, shown: Sequence[str]) -> bool:
    """Another id in ``shown`` has the same model (azure/ and aws-bedrock/llama-3.1-405b-instruct)."""
    return any(o != cid and o.partition("/")[2] == model for o in shown)


def drops_provider(names: Iterable[tuple[str, int]]) -> bool:
    """One decision for a whole legend: True when an offer id among ``names`` ((id, cells))
    does not fit its cells whole, so that every offer id of the legend is named by its model
    alone (``deepseek-chat`` beside ``gpt-4o``, never beside ``openai/gpt-4o``)."""
    return any(len(cid) > n and _offer_parts(cid) is not None for cid, n in names)


def fit_name(cid: str, n: int, keep_provider: bool = False, shown: Sequence[str] = (),
             drop_provider: bool = False) -> str:
    """A candidate's id or name in ``n`` cells.

    A name (``Llama 3.1 70B FP8, owned 8x H100``): shortened from the right. An offer id
    ``provider/model``: whole, else the model alone (unless ``keep_provider``, or another id
    in ``shown`` has the same model, as azure/ and aws-bedrock/llama-3.1-405b-instruct do)
    with the provider shortened (``anth…/claude-3.5-sonnet``) before the model is; with
    ``drop_provider`` (a legend where another id lost its provider: :func:`drops_provider`),
    the model alone even when the whole id fits (a twin still keeps it). A self-hosted
    ``model fp8 on [2x ]h100-sxm-80gb``: ``model fp8 h100``, then the model shortened, the
    hardware kept.
    """
    parts = _offer_parts(cid)
    if drop_provider and not keep_provider and parts is not None and not _has_twin(cid, parts[1], shown):
        return _cut(parts[1], n)
    if len(cid) <= n:
        return cid
    m = _AUTO_SELFHOST.match(cid)
    if m:
        gpu = m["gpu"].split("-")[0]
        hw = f"{m['count']}x{gpu}" if m["count"] else gpu
        for form in (f"{m['model']} {m['prec']} {hw}", f"{m['model']} {hw}"):
            if len(form) <= n:
                return form
        room = n - len(hw) - 1
        return _cut(m["model"], room) + " " + hw if room >= 6 else _cut(f"{m['model']} {hw}", n)
    if parts is not None:
        provider, model = parts
        if not keep_provider and not _has_twin(cid, model, shown):
            return _cut(model, n)
        room = n - len(model) - 2
        if room >= 2:
            return provider[:room] + "…/" + model
        head = provider[:3] + "…/"
        if n - len(head) >= 8:
            return head + _cut(model, n - len(head))
        return _cut(cid, n)  # the provider is what tells twins apart: azure/llam…, aws-bedrock…
    twins = [o for o in shown if o != cid and _cut(o, n) == _cut(cid, n)]
    if n >= 12 and twins:  # names that would read the same once cut keep what tells them apart
        from ..report.text import distinct

        return distinct(cid, twins, n)
    return _cut(cid, n)


def _name_room(width: int, value: str) -> int:
    """Cells for the name of a legend row ``mark name value`` in ``width``."""
    return max(width - len(value) - 3, 4)


def _legend_row(mark: str, style: str, name: str, value: str, width: int, shown: Sequence[str] = (),
                drop: bool = False) -> Text:
    room = _name_room(width, value)
    t = Text(mark + " ", style)
    t.append(f"{fit_name(name, room, shown=shown, drop_provider=drop):<{room}} ")
    t.append(value, "dim")
    return t


# ---- cost versus volume -------------------------------------------------------------------


@dataclass
class Series:
    id: str
    xs: Sequence[float]
    ys: Sequence[float]
    style: str = "cyan"
    steps: bool = False
    now: str | None = None
    """The legend's value at the current volume (None: read off the curve)."""
    cheaper: Sequence[tuple[str, str, Sequence[Sequence[float | None]]]] = ()
    """(API id, its style, ranges of requests/day where this series is cheaper than it):
    legend rows under this series' row."""


def ranges_text(ranges: Sequence[Sequence[float | None]]) -> str:
    """Break-even ranges of requests/day, short: ``38K+``, ``66K–88K, 131K–176K, 197K+``."""
    return ", ".join(f"{si(float(a or 0))}–{si(float(b))}" if b is not None else f"{si(float(a or 0))}+"
                     for a, b in ranges)


BEATS = "beats"
"""The word of a break-even legend row: the self-hosted series above it is cheaper than that
API at these requests/day (the chart's caption says so)."""


NAME_MIN = 10
"""Cells a break-even row keeps for the API's name before it shortens its list of ranges."""


def _room(width: int, rng: str) -> int:
    return width - len(BEATS) - 5 - len(rng) - 1


def _fit_ranges(width: int, ranges: Sequence[Sequence[float | None]]) -> str:
    """The ranges of a :func:`breakeven_row`: all of them, or, where three or more would leave the API's
    name fewer than :data:`NAME_MIN` cells (a row without the name does not say which API it beats),
    the first ones, ``…`` and the last (the open-ended one, where it is cheaper for good)."""
    full = ranges_text(ranges)
    if _room(width, full) >= NAME_MIN or len(ranges) < 3:
        return full
    last = ranges_text(ranges[-1:])
    cuts = [f"{ranges_text(ranges[:k])}, …, {last}" for k in range(len(ranges) - 2, 0, -1)]
    return next((cut for cut in cuts if _room(width, cut) >= NAME_MIN), cuts[-1])  # at least the first and last


def _beats_room(width: int, ranges: Sequence[Sequence[float | None]]) -> int:
    """Cells for the API's name in a :func:`breakeven_row` (under 6: no name)."""
    return _room(width, _fit_ranges(width, ranges))


def breakeven_row(api: str, api_style: str, ranges: Sequence[Sequence[float | None]], width: int,
                  shown: Sequence[str] = (), drop: bool = False) -> Text:
    """A legend row under a self-hosted series: ``  beats ━ gpt-4o 38K+``: it is cheaper than
    the API ``api`` in these ranges of requests/day."""
    rng = _fit_ranges(width, ranges)
    t = Text(f"  {BEATS} ", "bold")
    t.append("━", api_style)
    room = _beats_room(width, ranges)
    if room >= 6:
        t.append(" " + fit_name(api, room, shown=shown, drop_provider=drop))
    t.append(" " + rng, "dim")
    return t


def cost_volume(series: Sequence[Series], current: float, markers: Sequence[tuple[float, float]],
                width: int, height: int, symbol: str, money: Callable[[float], str],
                footer: Sequence[Text] = ()) -> Text:
    """Monthly cost (log y) against requests per day (log x), one line per candidate, the
    break-even points ``markers`` (requests/day, monthly cost) marked ×, the scenario's volume
    as a dotted vertical line. Legend: each series' cost now, its ``notes``, then ``footer``."""
    ys = [v for s in series for v in s.ys if math.isfinite(v) and v > 0]
    if not ys:
        return message("no known costs to draw", width, height)
    lw = _legend_width(width)
    xs_all = [v for s in series for v in s.xs]
    x = log_axis(min(xs_all), max(xs_all), lambda v: si(v))
    y = log_axis(min(ys), max(ys), money_axis(symbol))
    plot = Plot(width - lw - (1 if lw else 0), height, x, y)
    cv = plot.canvas
    cx = plot.px(current)
    for yy in range(0, cv.height, 2):
        cv.dot(cx, yy, "dim")
    for s in series:
        prev = None
        for xv, yv in zip(s.xs, s.ys, strict=True):
            if not (math.isfinite(yv) and yv > 0):
                prev = None
                continue
            pt = (plot.px(xv), plot.py(yv))
            if prev is not None:
                cv.line(prev[0], prev[1], pt[0], pt[1], s.style)
            prev = pt
    for xv, yv in markers:
        if plot.x.lo <= xv <= plot.x.hi and plot.y.lo <= yv <= plot.y.hi:
            c, r = plot.cell(xv, yv)
            cv.text(c, r, "×", "bold bright_white")
    left = plot.lines()
    caption = "requests/day (log)  ┊ now" + ("  × break-even" if markers else "")
    if any(s.cheaper for s in series) and lw:
        caption += f"  {BEATS} X = cheaper than X"
    left.append(Text(" " * plot.lw + caption, "dim"))
    if not lw:
        return _join(left, [], width)
    shown = [s.id for s in series]
    nows = [s.now if s.now is not None else money(_interp_log(s.xs, s.ys, current)) for s in series]
    drop = drops_provider([(s.id, _name_room(lw, now)) for s, now in zip(series, nows, strict=True)]
                          + [(api, _beats_room(lw, ranges)) for s in series for api, _, ranges in s.cheaper])
    right = [Text(f"monthly cost at {si(current)}/day", "bold")]
    for s, now in zip(series, nows, strict=True):
        right.append(_legend_row("━", s.style, s.id, now, lw, shown, drop))
        right.extend(breakeven_row(api, st, ranges, lw, shown, drop) for api, st, ranges in s.cheaper)
    right.extend(footer)
    return _join(left, right[: len(left) - 1], width)  # the caption line keeps the whole width


def _interp_log(xs: Sequence[float], ys: Sequence[float], x: float) -> float:
    for i in range(len(xs) - 1):
        if xs[i] <= x <= xs[i + 1]:
            a, b = ys[i], ys[i + 1]
            if not (math.isfinite(a) and math.isfinite(b)):
                return math.nan
            if a > 0 and b > 0:
                t = (math.log(x) - math.log(xs[i])) / (math.log(xs[i + 1]) - math.log(xs[i]))
                return math.exp(math.log(a) + t * (math.log(b) - math.log(a)))
            return a
    return math.nan


# ---- price over time ----------------------------------------------------------------------


@dataclass
class PriceSeries:
    id: str
    points: Sequence[tuple[date, float]]
    """(effective_from, blended price per 1M tokens in the report currency), oldest first."""
    style: str = "cyan"
    absent: str = "price unknown"
    """The legend's text when no price is in force on the as-of date ('from YYYY-MM-DD' when
    the offer was not launched yet)."""


def price_history(series: Sequence[PriceSeries], as_of: date, width: int, height: int, symbol: str,
                  money: Callable[[float], str], caption: str) -> Text:
    """Step lines of each offer's price over time (log y), the as-of date dotted."""
    vals = [v for s in series for _, v in s.points if math.isfinite(v)]
    if not vals:
        return message("no API offer selected (the highlighted row or pinned rows)", width, height)
    lw = _legend_width(width)
    dates = [d for s in series for d, _ in s.points] + [as_of]
    start = min(dates)
    end = max(max(dates), as_of)
    # a margin either side, within the calendar (an as-of date of 9999-12-31 is valid)
    d0 = max(start.toordinal() - 15, date.min.toordinal())
    d1 = min(end.toordinal() + 45, date(9999, 11, 30).toordinal())
    months = _month_ticks(date.fromordinal(d0), date.fromordinal(d1))
    x = Axis(d0, d1, False, lambda v: date.fromordinal(int(v)).strftime("%b%y"), months)
    positive = [v for v in vals if v > 0]
    ylo = min(positive) if positive else 0.01
    y = log_axis(ylo, max(positive) if positive else 1.0, money_axis(symbol))
    plot = Plot(width - lw - (1 if lw else 0), height, x, y)
    cv = plot.canvas
    ax = plot.px(as_of.toordinal())
    for yy in range(0, cv.height, 2):
        cv.dot(ax, yy, "dim")
    for s in series:
        pts = [(d.toordinal(), v) for d, v in s.points]
        for i, (dx, v) in enumerate(pts):
            nxt = pts[i + 1][0] if i + 1 < len(pts) else d1
            yv = v if v > 0 else ylo / 10 ** 0.0
            py = plot.py(max(yv, y.lo))
            cv.line(plot.px(dx), py, plot.px(nxt), py, s.style)
            if i:
                cv.line(plot.px(dx), plot.py(max(pts[i - 1][1], y.lo)), plot.px(dx), py, s.style)
    left = plot.lines()
    left.append(Text(" " * plot.lw + caption, "dim"))
    if not lw:
        return _join(left, [], width)
    shown = [s.id for s in series]
    nows = []
    for s in series:
        now = next((v for d, v in reversed(s.points) if d <= as_of), math.nan)
        nows.append(money(now) if math.isfinite(now) else s.absent)
    drop = drops_provider([(s.id, _name_room(lw, now)) for s, now in zip(series, nows, strict=True)])
    right = [Text(f"per 1M tokens on {as_of}", "bold")]
    for s, now_text in zip(series, nows, strict=True):
        changes = sum(1 for a, b in zip(s.points, s.points[1:], strict=False) if abs(a[1] - b[1]) > 1e-12)
        right.append(_legend_row("━", s.style, s.id, now_text, lw, shown, drop))
        if changes:
            first, last = s.points[0][1], s.points[-1][1]
            right.append(Text(f"  {changes} change{'s' if changes > 1 else ''}: {money(first)} → {money(last)}",
                              "dim"))
    return _join(left, right[:height], width)


def _month_ticks(a: date, b: date) -> list[float]:
    ticks = []
    y, m = a.year, a.month
    while True:
        m += 1
        if m > 12:
            y, m = y + 1, 1
        d = date(y, m, 1)
        if d > b:
            break
        ticks.append(float(d.toordinal()))
    n = len(ticks)
    for step in (1, 2, 3, 4, 6, 12, 24):
        if n / step <= 6:
            return ticks[::step]
    return ticks[:: max(1, n // 6)]
