"""Charts drawn with braille dots and box characters: pure functions from data to rich Text.

A braille cell holds 2 x 4 dots, so an 48 x 8 plot has 96 x 32 dots: enough for a
scatter, a few cost curves or price steps at 80 x 24. Axes are labelled with round
values; log axes get one tick per decade.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

from rich.text import Text

PALETTE = ("cyan", "magenta", "yellow", "green", "bright_red", "bright_blue", "white", "bright_magenta")
"""Series colours, in order."""

_DOTS = ((0x01, 0x08), (0x02, 0x10), (0x04, 0x20), (0x40, 0x80))
"""Braille bit for dot (row 0-3, column 0-1) of a cell."""


class Canvas:
    """A grid of braille cells with a colour per cell and text drawn on top."""

    def __init__(self, cols: int, rows: int) -> None:
        self.cols = max(cols, 1)
        self.rows = max(rows, 1)
        self.bits = [[0] * self.cols for _ in range(self.rows)]
        self.style: list[list[str | None]] = [[None] * self.cols for _ in range(self.rows)]
        self.overlay: dict[tuple[int, int], tuple[str, str]] = {}

    @property
    def width(self) -> int:
        """Dots across."""
        return self.cols * 2

    @property
    def height(self) -> int:
        """Dots down."""
        return self.rows * 4

    def dot(self, x: float, y: float, style: str) -> None:
        """Set the dot at (x, y), y growing downwards; dots off the canvas are ignored."""
        xi, yi = int(round(x)), int(round(y))
        if 0 <= xi < self.width and 0 <= yi < self.height:
            r, c = yi // 4, xi // 2
            self.bits[r][c] |= _DOTS[yi % 4][xi % 2]
            self.style[r][c] = style

    def line(self, x0: float, y0: float, x1: float, y1: float, style: str) -> None:
        steps = int(max(abs(x1 - x0), abs(y1 - y0))) + 1
        for i in range(steps + 1):
            t = i / steps
            self.dot(x0 + (x1 - x0) * t, y0 + (y1 - y0) * t, style)

    def text(self, col: int, row: int, s: str, style: str = "") -> None:
        """Write characters over the dots (markers, labels); clipped at the edges."""
        for i, ch in enumerate(s):
            if 0 <= col + i < self.cols and 0 <= row < self.rows:
                self.overlay[(row, col + i)] = (ch, style)

    def lines(self) -> list[Text]:
        out = []
        for r in range(self.rows):
            t = Text()
            for c in range(self.cols):
                if (r, c) in self.overlay:
                    ch, st = self.overlay[(r, c)]
                    t.append(ch, st)
                elif self.bits[r][c]:
                    t.append(chr(0x2800 + self.bits[r][c]), self.style[r][c] or "")
                else:
                    t.append(" ")
            out.append(t)
        return out


@dataclass
class Axis:
    lo: float
    hi: float
    log: bool = False
    fmt: Callable[[float], str] = field(default=lambda v: f"{v:g}")
    ticks: list[float] = field(default_factory=list)

    def frac(self, v: float) -> float:
        if self.log:
            v = max(v, 1e-300)
            a, b, v = math.log10(self.lo), math.log10(self.hi), math.log10(v)
        else:
            a, b = self.lo, self.hi
        return 0.5 if b == a else (v - a) / (b - a)


def log_axis(lo: float, hi: float, fmt: Callable[[float], str]) -> Axis:
    """A log axis from the decade below ``lo`` to the decade above ``hi``."""
    lo = max(lo, 1e-9)
    hi = max(hi, lo * 1.0001)
    a, b = math.floor(math.log10(lo)), math.ceil(math.log10(hi))
    if b - a < 1:
        b = a + 1
    ticks = [10.0 ** k for k in range(a, b + 1)]
    step = max(1, math.ceil(len(ticks) / 7))
    return Axis(10.0 ** a, 10.0 ** b, True, fmt, ticks[::step])


def linear_axis(lo: float, hi: float, fmt: Callable[[float], str], n: int = 4) -> Axis:
    if not (math.isfinite(lo) and math.isfinite(hi)):
        lo, hi = 0.0, 1.0
    if hi <= lo:
        lo, hi = lo - 1, hi + 1
    raw = (hi - lo) / max(n, 1)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    a, b = math.floor(lo / step) * step, math.ceil(hi / step) * step
    ticks = [a + i * step for i in range(int(round((b - a) / step)) + 1)]
    return Axis(a, b, False, fmt, ticks)


def si(v: float) -> str:
    """1500 -> 1.5K, 2e6 -> 2M."""
    for div, s in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(v) >= div:
            x = v / div
            return f"{x:.0f}{s}" if x >= 10 or x.is_integer() else f"{x:.1f}{s}"
    return f"{v:.0f}" if v >= 1 or v == 0 else f"{v:.2g}"


def money_axis(symbol: str) -> Callable[[float], str]:
    def fmt(v: float) -> str:
        if 0 < v < 1:
            return f"{symbol}{v:.2g}"
        return f"{symbol}{si(v)}"

    return fmt


class Plot:
    """A canvas with a y axis on the left and an x axis below."""

    def __init__(self, width: int, height: int, x: Axis, y: Axis) -> None:
        self.x, self.y = x, y
        self.ylabels = [y.fmt(t) for t in y.ticks]
        self.lw = max([len(s) for s in self.ylabels] + [1]) + 1
        cols = max(width - self.lw - 1, 4)
        rows = max(height - 2, 2)
        self.canvas = Canvas(cols, rows)

    def px(self, v: float) -> float:
        return self.x.frac(v) * (self.canvas.width - 1)

    def py(self, v: float) -> float:
        return (1 - self.y.frac(v)) * (self.canvas.height - 1)

    def cell(self, xv: float, yv: float) -> tuple[int, int]:
        return int(self.px(xv)) // 2, int(self.py(yv)) // 4

    def lines(self) -> list[Text]:
        cv = self.canvas
        rows = cv.lines()
        ylab: dict[int, str] = {}
        for t, s in zip(self.y.ticks, self.ylabels, strict=True):
            ylab.setdefault(int(round(self.py(t))) // 4, s)
        out = []
        for r, line in enumerate(rows):
            lab = ylab.get(r)
            head = Text(f"{lab:>{self.lw - 1}}┤" if lab else " " * (self.lw - 1) + "│", "dim")
            out.append(head + line)
        axis = ["─"] * cv.cols
        labels = [" "] * (cv.cols + 12)
        last_end = -2
        for t in self.x.ticks:
            c = int(round(self.px(t))) // 2
            if 0 <= c < cv.cols:
                axis[c] = "┬"
                s = self.x.fmt(t)
                start = min(max(c - len(s) // 2, 0), cv.cols - len(s))
                if start > last_end + 1:
                    labels[start:start + len(s)] = list(s)
                    last_end = start + len(s)
        out.append(Text(" " * (self.lw - 1) + "└" + "".join(axis), "dim"))
        out.append(Text(" " * self.lw + "".join(labels[: cv.cols]).rstrip(), "dim"))
        return out


def _join(left: list[Text], right: list[Text], width: int, gap: int = 1) -> Text:
    """Plot lines with legend lines to their right, every line cut to ``width`` cells: a
    legend line never wraps (it is shortened with …), so the plot and its x axis keep their rows."""
    plot_w = left[0].cell_len if left else 0
    room = width - plot_w - gap
    rows = max(len(left), len(right))
    out = Text(no_wrap=True, overflow="crop")
    for i in range(rows):
        line = left[i].copy() if i < len(left) else Text()
        if i < len(right) and room > 0:
            if line.cell_len > plot_w:
                line.truncate(plot_w)
            line.pad_right(plot_w - line.cell_len + gap)
            leg = right[i].copy()
            if leg.cell_len > room:
                leg.truncate(room - 1)
                leg.append("…", "dim")
            line.append_text(leg)
        if line.cell_len > width:
            line.truncate(width)
        if i:
            out.append("\n")
        out.append_text(line)
    return out


def _legend_width(width: int) -> int:
    return 0 if width < 50 else min(34, max(22, width // 3))


def message(text: str, width: int, height: int) -> Text:
    pad = max(height // 2 - 1, 0)
    return Text("\n" * pad + text.center(max(width, len(text))), "dim")


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
    plot = Plot(width - lw - (1 if lw else 0), height, x, y)
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
    if not lw:
        return _join(left, [], width)
    shown = [p.id for p in pts]
    right = [Text("◆ Pareto frontier", "bold green")]
    for p in front:
        mark, style = ("◉", "bold") if p.current else ("◆", "green")
        right.append(_legend_row(mark, style, p.id, f"{money(p.cost)} q{p.quality:.0f}", lw, shown))
    cur = next((p for p in pts if p.current), None)
    if cur is not None and not cur.frontier:
        right.append(_legend_row("◉", "bold", cur.id, f"{money(cur.cost)} q{cur.quality:.0f}", lw, shown))
    others = sum(1 for p in pts if p.ranked and not p.frontier and not p.current)
    if others > 0:
        right.append(Text(f"• {others} other{'s' if others > 1 else ''}", "cyan"))
    unranked = sum(1 for p in pts if not p.ranked and not p.current)
    if unranked > 0:
        right.append(Text(f"∘ {unranked} unranked, off frontier", "dim"))
    missing = len(points) - len(pts)
    if missing:
        right.append(Text(f"{missing} without cost or score", "dim"))
    return _join(left, right[: max(height, 1)], width)


_AUTO_SELFHOST = re.compile(r"^(?P<model>\S+) (?P<prec>\S+) on (?:(?P<count>\d+) ?x ?)?(?P<gpu>\S+)$")
"""The label of a self-hosted candidate without a name: ``model precision on [Nx ]gpu``."""


def _cut(s: str, n: int) -> str:
    """``s`` shortened from the right to ``n`` cells: ``Llama 3.1 70B FP8, o…``."""
    if len(s) <= n:
        return s
    if n <= 1:
        return s[:n]
    return s[: n - 1].rstrip() + "…"


def fit_name(cid: str, n: int, keep_provider: bool = False, shown: Sequence[str] = ()) -> str:
    """A candidate's id or name in ``n`` cells.

    A name (``Llama 3.1 70B FP8, owned 8x H100``): shortened from the right. An offer id
    ``provider/model``: whole, else the model alone (unless ``keep_provider``, or another id
    in ``shown`` has the same model, as azure/ and aws-bedrock/llama-3.1-405b-instruct do)
    with the provider shortened (``anth…/claude-3.5-sonnet``) before the model is. A
    self-hosted ``model fp8 on [2x ]h100-sxm-80gb``: ``model fp8 h100``, then the model
    shortened, the hardware kept.
    """
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
    provider, sep, model = cid.partition("/")
    if sep and provider and " " not in provider:
        if not keep_provider and not any(o != cid and o.partition("/")[2] == model for o in shown):
            return _cut(model, n)
        room = n - len(model) - 2
        if room >= 2:
            return provider[:room] + "…/" + model
        head = provider[:3] + "…/"
        if n - len(head) >= 8:
            return head + _cut(model, n - len(head))
        return _cut(model, n)
    return _cut(cid, n)


def _legend_row(mark: str, style: str, name: str, value: str, width: int, shown: Sequence[str] = ()) -> Text:
    room = max(width - len(value) - 3, 4)
    t = Text(mark + " ", style)
    t.append(f"{fit_name(name, room, shown=shown):<{room}} ")
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


def breakeven_row(api: str, api_style: str, ranges: Sequence[Sequence[float | None]], width: int,
                  shown: Sequence[str] = ()) -> Text:
    """A legend row under a self-hosted series: ``  < ━ gpt-4o 38K+``: cheaper than the API
    ``api`` in these ranges of requests/day."""
    rng = ranges_text(ranges)
    t = Text("  < ", "bold")
    t.append("━", api_style)
    room = width - 5 - len(rng) - 1
    if room >= 6:
        t.append(" " + fit_name(api, room, shown=shown))
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
        if x.lo <= xv <= x.hi and y.lo <= yv <= y.hi:
            c, r = plot.cell(xv, yv)
            cv.text(c, r, "×", "bold bright_white")
    left = plot.lines()
    left.append(Text(" " * plot.lw + "requests/day (log)  ┊ = now" + ("  × = break-even" if markers else ""), "dim"))
    if not lw:
        return _join(left, [], width)
    shown = [s.id for s in series]
    right = [Text(f"monthly cost at {si(current)}/day", "bold")]
    for s in series:
        now = s.now if s.now is not None else money(_interp_log(s.xs, s.ys, current))
        right.append(_legend_row("━", s.style, s.id, now, lw, shown))
        right.extend(breakeven_row(api, st, ranges, lw, shown) for api, st, ranges in s.cheaper)
    right.extend(footer)
    return _join(left, right[:height], width)


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
    right = [Text(f"per 1M tokens on {as_of}", "bold")]
    for s in series:
        now = next((v for d, v in reversed(s.points) if d <= as_of), math.nan)
        changes = sum(1 for a, b in zip(s.points, s.points[1:], strict=False) if abs(a[1] - b[1]) > 1e-12)
        right.append(_legend_row("━", s.style, s.id, money(now) if math.isfinite(now) else "not yet", lw, shown))
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


# ---- bars ---------------------------------------------------------------------------------

_EIGHTHS = " ▏▎▍▌▋▊▉█"


def stacked_bar(parts: Sequence[tuple[str, float, str]], total: float, width: int) -> Text:
    """One row split into coloured segments proportional to ``value / total``."""
    t = Text()
    if total <= 0 or width <= 0:
        return t
    used = 0
    for i, (_name, value, style) in enumerate(parts):
        n = int(round(max(value, 0) / total * width)) if i < len(parts) - 1 else width - used
        n = max(0, min(n, width - used))
        t.append("█" * n, style)
        used += n
    return t


def hbar(value: float, vmax: float, width: int, style: str) -> Text:
    """A horizontal bar with eighth-cell resolution."""
    if vmax <= 0 or not math.isfinite(value) or value <= 0:
        return Text("")
    eighths = int(round(min(value / vmax, 1.0) * width * 8))
    full, rest = divmod(eighths, 8)
    return Text("█" * full + (_EIGHTHS[rest] if rest else ""), style)


def waterfall(values: Sequence[float], width: int) -> list[Text]:
    """One bar per value on a shared scale (the sum of the positive values = ``width``): each
    cost starts where the previous ended; a negative value (a discount) is drawn ░ back from
    the running total, so it reads as a reduction, not as another cost."""
    gross = sum(v for v in values if math.isfinite(v) and v > 0)
    out: list[Text] = []
    if gross <= 0 or width <= 0:
        return [Text("") for _ in values]
    scale = width / gross
    pos = 0.0
    for v in values:
        if not math.isfinite(v) or v == 0:
            out.append(Text(""))
            continue
        a, b = (pos, pos + v) if v > 0 else (pos + v, pos)
        start = max(0, min(width, int(round(a * scale))))
        end = max(start + 1, min(width, int(round(b * scale))))
        t = Text(" " * start)
        t.append(("█" if v > 0 else "░") * (end - start), "cyan" if v > 0 else "green")
        out.append(t)
        pos += v
    return out
