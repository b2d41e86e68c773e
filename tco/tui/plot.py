"""Drawing primitives of the charts: a braille canvas, axes, a plot frame with labelled axes,
the legend column beside it, and bars. Pure functions and small classes from numbers to rich
Text (no textual).

A braille cell holds 2 x 4 dots, so a 48 x 8 plot has 96 x 32 dots. Axes are labelled with
round values at evenly spaced rows and columns: a log axis gets one tick per decade (or per
two, three... when the plot is small), and the plot is laid out so that every tick interval
is the same whole number of cells.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

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
        """One Text per row, a span per run of cells of one style (not per cell: a screen
        of braille redraws fast)."""
        out = []
        for r in range(self.rows):
            t = Text()
            run: list[str] = []
            run_style = ""
            for c in range(self.cols):
                if (r, c) in self.overlay:
                    ch, st = self.overlay[(r, c)]
                elif self.bits[r][c]:
                    ch, st = chr(0x2800 + self.bits[r][c]), self.style[r][c] or ""
                else:
                    ch, st = " ", ""
                if st != run_style and run:
                    t.append("".join(run), run_style)
                    run = []
                run_style = st
                run.append(ch)
            if run:
                t.append("".join(run), run_style)
            out.append(t)
        return out


@dataclass
class Axis:
    lo: float
    hi: float
    log: bool = False
    fmt: Callable[[float], str] = field(default=lambda v: f"{v:g}")
    ticks: list[float] = field(default_factory=list)
    grid: tuple[float, float, int] | None = None
    """(first tick, step, intervals) in the axis's own scale (log10 for a log axis) when the ticks
    are evenly spaced from ``lo`` to ``hi``: the plot then gives every interval the same number
    of cells, so decades look like decades."""

    def frac(self, v: float) -> float:
        if self.log:
            v = max(v, 1e-300)
            a, b, v = math.log10(self.lo), math.log10(self.hi), math.log10(v)
        else:
            a, b = self.lo, self.hi
        return 0.5 if b == a else (v - a) / (b - a)

    def fit(self, cells: int, min_cells: int) -> Axis:
        """The same axis with at most ``cells // min_cells`` intervals: every k-th tick kept, the
        far end moved out to the next kept tick."""
        if self.grid is None:
            return self
        start, step, n = self.grid
        most = max(1, cells // max(min_cells, 1))
        if n <= most:
            return self
        k = math.ceil(n / most)
        n2 = math.ceil(n / k)
        return _grid_axis(start, step * k, n2, self.log, self.fmt)


def _grid_axis(start: float, step: float, n: int, log: bool, fmt: Callable[[float], str]) -> Axis:
    raw = [start + i * step for i in range(n + 1)]
    ticks = [10.0 ** t for t in raw] if log else raw
    return Axis(ticks[0], ticks[-1], log, fmt, ticks, (start, step, n))


def log_axis(lo: float, hi: float, fmt: Callable[[float], str]) -> Axis:
    """A log axis from the decade below ``lo`` to the decade above ``hi``, a tick per decade
    (the plot keeps fewer when it is small)."""
    lo = max(lo, 1e-300) if math.isfinite(lo) else 1.0
    hi = max(hi, lo * 1.0001) if math.isfinite(hi) else lo * 10
    a, b = math.floor(math.log10(lo)), math.ceil(math.log10(hi))
    return _grid_axis(float(a), 1.0, max(b - a, 1), True, fmt)


def linear_axis(lo: float, hi: float, fmt: Callable[[float], str], n: int = 4) -> Axis:
    if not (math.isfinite(lo) and math.isfinite(hi)):
        lo, hi = 0.0, 1.0
    if hi <= lo:
        lo, hi = lo - 1, hi + 1
    raw = (hi - lo) / max(n, 1)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    a, b = math.floor(lo / step) * step, math.ceil(hi / step) * step
    return _grid_axis(a, step, max(int(round((b - a) / step)), 1), False, fmt)


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
    """A canvas with a y axis on the left and an x axis below, ``height`` lines in all. Evenly
    spaced axes (:attr:`Axis.grid`) are thinned to fit and laid on whole cells: every tick
    interval gets the same rows (or columns); the rows left over go above the plot."""

    def __init__(self, width: int, height: int, x: Axis, y: Axis) -> None:
        rows = max(height - 2, 2)
        y = y.fit(rows - 1, 2 if rows >= 9 else 1)
        self.ylabels = [y.fmt(t) for t in y.ticks]
        self.lw = max([len(s) for s in self.ylabels] + [1]) + 1
        cols = max(width - self.lw - 1, 4)
        label_w = max([len(x.fmt(t)) for t in x.ticks] + [1]) + 1
        x = x.fit(cols - 1, label_w)
        self.x, self.y = x, y
        self.dy = (rows - 1) // y.grid[2] if y.grid and rows > y.grid[2] else 0
        self.dx = (cols - 1) // x.grid[2] if x.grid and cols > x.grid[2] else 0
        self.pad = 0
        if self.dy:
            used = y.grid[2] * self.dy + 1  # type: ignore[index]
            self.pad, rows = rows - used, used
        if self.dx:
            cols = x.grid[2] * self.dx + 1  # type: ignore[index]
        self.canvas = Canvas(cols, rows)

    def px(self, v: float) -> float:
        if self.dx:
            return self.x.frac(v) * self.x.grid[2] * self.dx * 2 + 0.5  # type: ignore[index]
        return self.x.frac(v) * (self.canvas.width - 1)

    def py(self, v: float) -> float:
        if self.dy:
            return (1 - self.y.frac(v)) * self.y.grid[2] * self.dy * 4 + 1.5  # type: ignore[index]
        return (1 - self.y.frac(v)) * (self.canvas.height - 1)

    def cell(self, xv: float, yv: float) -> tuple[int, int]:
        return int(self.px(xv)) // 2, int(self.py(yv)) // 4

    def lines(self) -> list[Text]:
        cv = self.canvas
        rows = cv.lines()
        ylab: dict[int, str] = {}
        for t, s in zip(self.y.ticks, self.ylabels, strict=True):
            ylab.setdefault(int(round(self.py(t))) // 4, s)
        out = [Text(" " * (self.lw + cv.cols)) for _ in range(self.pad)]
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
    """The legend column beside a plot: a third of the width, 22 to 48 cells (none below 50)."""
    return 0 if width < 50 else min(48, max(22, width // 3))


def message(text: str, width: int, height: int) -> Text:
    pad = max(height // 2 - 1, 0)
    return Text("\n" * pad + text.center(max(width, len(text))), "dim")



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
