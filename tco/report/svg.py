"""Hand-written SVG charts for the HTML report: no library, no browser, no network.

Every chart is a function of plain numbers that returns one ``<svg>`` element with a
``viewBox`` (it scales to the page), labelled axes with units, ticks on round numbers
(decades on log scales), and direct labels at the end of each series where they fit (they
are nudged apart vertically; a legend lists what could not be placed). Colours come from a
palette readable in grey print and by the common colour-vision deficiencies.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Any

from .text import middle_cut

PALETTE = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000", "#999999")
"""Okabe-Ito: distinguishable with colour-vision deficiencies, and in grey."""
DASHES = ("6 4", "2 3", "8 3 2 3")
"""Line patterns of dashed series (APIs in the volume chart): the first use of a colour, then again."""
SOLIDS = ("", "10 2 2 2", "4 2")
"""Line patterns of solid series, the same way."""
W, H = 720, 400
LEFT, RIGHT, TOP, BOTTOM = 78, 190, 24, 56
BAR_LEFT = 250
"""Left margin of the bar charts, room for a candidate's name."""
Y_TITLE_CLEAR = 24
"""Where the y-axis title (rotated, centred on x = 16) ends: tick labels start right of it."""
FONT = 'font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif"'

Box = tuple[float, float, float, float]
"""A label's extent: x0, y0, x1, y1."""


@dataclass
class Series:
    label: str
    xs: Sequence[float]
    ys: Sequence[float]
    colour: str = ""
    dashed: bool = False
    marks: list[tuple[float, float, str]] = field(default_factory=list)
    """Points to mark on the line: (x, y, title)."""
    steps: bool = False
    """Draw as a step function (a price holds until the next change)."""


def _nice_ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        return [lo]
    raw = (hi - lo) / n
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    start = math.ceil(lo / step) * step
    out = []
    v = start
    while v <= hi + 1e-9 * step:
        out.append(round(v, 10))
        v += step
    return out


def _log_ticks(lo: float, hi: float) -> list[float]:
    a, b = math.floor(math.log10(lo)), math.ceil(math.log10(hi))
    ticks = [10.0 ** e for e in range(a, b + 1) if lo <= 10.0 ** e <= hi * (1 + 1e-9)]
    if len(ticks) < 3:  # less than two decades: add 2 and 5
        ticks = sorted({t * m for t in [10.0 ** e for e in range(a - 1, b + 1)] for m in (1, 2, 5)
                        if lo <= t * m <= hi * (1 + 1e-9)})
    return ticks


def fmt_number(v: float) -> str:
    """A tick label: 1,000 / 1.5M / 0.01 / 2B."""
    a = abs(v)
    for div, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")):
        if a >= div:
            x = v / div
            return f"{x:,.0f}{suffix}" if float(x).is_integer() else f"{x:,.1f}{suffix}"
    if a >= 1 or a == 0:
        return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.2f}"
    return f"{v:.2g}"


class Frame:
    """The plotting area of one chart and its scales."""

    def __init__(self, x_lo: float, x_hi: float, y_lo: float, y_hi: float, x_log: bool = False,
                 y_log: bool = False, width: int = W, height: int = H, right: int = RIGHT, left: int = LEFT) -> None:
        self.x_log, self.y_log = x_log, y_log
        self.width, self.height, self.right, self.left = width, height, right, left
        if x_log:
            x_lo, x_hi = max(x_lo, 1e-12), max(x_hi, x_lo * 10)
        if y_log:
            y_lo, y_hi = max(y_lo, 1e-12), max(y_hi, y_lo * 10)
        if x_hi <= x_lo:
            x_hi = x_lo + 1
        if y_hi <= y_lo:
            y_hi = y_lo + 1
        self.x_lo, self.x_hi, self.y_lo, self.y_hi = x_lo, x_hi, y_lo, y_hi

    def x(self, v: float) -> float:
        t = ((math.log10(v) - math.log10(self.x_lo)) / (math.log10(self.x_hi) - math.log10(self.x_lo))
             if self.x_log else (v - self.x_lo) / (self.x_hi - self.x_lo))
        return self.left + t * (self.width - self.left - self.right)

    def y(self, v: float) -> float:
        t = ((math.log10(v) - math.log10(self.y_lo)) / (math.log10(self.y_hi) - math.log10(self.y_lo))
             if self.y_log else (v - self.y_lo) / (self.y_hi - self.y_lo))
        return self.height - BOTTOM - t * (self.height - TOP - BOTTOM)

    def y_ticks(self) -> list[float]:
        return _log_ticks(self.y_lo, self.y_hi) if self.y_log else _nice_ticks(self.y_lo, self.y_hi)

    def fit_left(self, y_fmt: Callable[[float], str]) -> Frame:
        """Widen the left margin so the widest y tick label ends clear of the rotated y-axis title
        (the title's glyphs reach x = 20; a label is right-aligned 6 px left of the axis)."""
        widest = max((text_width(y_fmt(v), 11) for v in self.y_ticks()), default=0.0)
        self.left = max(self.left, math.ceil(Y_TITLE_CLEAR + 6 + widest))
        return self

    def inside(self, x: float, y: float) -> bool:
        ok_x = x > 0 if self.x_log else True
        ok_y = y > 0 if self.y_log else True
        return ok_x and ok_y and math.isfinite(x) and math.isfinite(y)

    def axes(self, x_title: str, y_title: str, x_fmt: Callable[[float], str] = fmt_number,
             y_fmt: Callable[[float], str] = fmt_number, x_ticks: Sequence[float] | None = None) -> str:
        parts = []
        x0, x1 = self.left, self.width - self.right
        y0, y1 = self.height - BOTTOM, TOP
        xt = x_ticks if x_ticks is not None else (
            _log_ticks(self.x_lo, self.x_hi) if self.x_log else _nice_ticks(self.x_lo, self.x_hi))
        yt = self.y_ticks()
        for v in yt:
            py = self.y(v)
            parts.append(f'<line x1="{x0}" y1="{py:.1f}" x2="{x1}" y2="{py:.1f}" stroke="#e5e5e5"/>')
            parts.append(f'<text x="{x0 - 6}" y="{py + 4:.1f}" text-anchor="end" font-size="11">{escape(y_fmt(v))}</text>')
        labelled = _labelled(xt, self.x, x_fmt)
        for k, v in enumerate(xt):
            px = self.x(v)
            parts.append(f'<line x1="{px:.1f}" y1="{y0}" x2="{px:.1f}" y2="{y0 + 5}" stroke="#444"/>')
            if k in labelled:
                parts.append(f'<text x="{px:.1f}" y="{y0 + 18}" text-anchor="middle" font-size="11">'
                             f'{escape(x_fmt(v))}</text>')
        parts.append(f'<line x1="{x0}" y1="{y0}" x2="{x1}" y2="{y0}" stroke="#444"/>')
        parts.append(f'<line x1="{x0}" y1="{y0}" x2="{x0}" y2="{y1}" stroke="#444"/>')
        parts.append(f'<text x="{(x0 + x1) / 2:.1f}" y="{self.height - 14}" text-anchor="middle" font-size="12">'
                     f'{escape(x_title)}</text>')
        parts.append(f'<text transform="translate(16 {(y0 + y1) / 2:.1f}) rotate(-90)" text-anchor="middle" '
                     f'font-size="12">{escape(y_title)}</text>')
        return "\n".join(parts)


def _labelled(ticks: Sequence[float], at: Callable[[float], float], fmt: Callable[[float], str],
              gap: float = 8.0) -> set[int]:
    """Which x ticks get a label: every one where the labels (centred on their ticks, 11 px) keep
    ``gap`` apart, else every second, third... from the first ("Oct 2024" and "Jan 2025" ran into
    each other on a quarterly axis 600 px wide)."""
    pos = [at(v) for v in ticks]
    half = [text_width(fmt(v), 11) / 2 for v in ticks]
    for step in range(1, max(len(ticks), 1) + 1):
        kept = list(range(0, len(ticks), step))
        if all(pos[b] - pos[a] >= half[a] + half[b] + gap for a, b in zip(kept, kept[1:], strict=False)):
            return set(kept)
    return {0} if ticks else set()


def svg(body: str, title: str, width: int = W, height: int = H) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
            f'aria-label="{escape(title)}" {FONT}><title>{escape(title)}</title>\n{body}\n</svg>')


def _place_labels(wanted: list[tuple[float, str, Any]], top: float, bottom: float, gap: float = 13.0
                  ) -> list[tuple[float, str, Any]]:
    """Vertical positions for end labels ``(y, text, what it carries)``, nudged apart by ``gap``
    and kept inside the plot, in order of height."""
    out: list[tuple[float, str, Any]] = []
    room = bottom - (top + 4)
    if len(wanted) > 1:  # more labels than the height holds at ``gap``: closer, never outside the plot
        gap = min(gap, room / (len(wanted) - 1))
    for y, text, carried in sorted(wanted, key=lambda w: (w[0], w[1])):
        y = min(max(y, top + 4), bottom)
        if out and y - out[-1][0] < gap:
            y = out[-1][0] + gap
        out.append((y, text, carried))
    for i in range(len(out) - 1, -1, -1):  # pushed past the bottom: back up, as far as the labels above allow
        limit = bottom if i == len(out) - 1 else out[i + 1][0] - gap
        if out[i][0] > limit:
            out[i] = (limit, out[i][1], out[i][2])
    return out


def line_chart(series: list[Series], title: str, x_title: str, y_title: str, *, x_log: bool = False,
               y_log: bool = False, x_fmt: Callable[[float], str] = fmt_number,
               y_fmt: Callable[[float], str] = fmt_number, vlines: Sequence[tuple[float, str]] = (),
               bands: Sequence[tuple[float, float, str]] = (), x_ticks: Sequence[float] | None = None) -> str:
    """Lines with direct end labels; ``vlines`` mark x values (e.g. today's volume), ``bands``
    shade x ranges (e.g. where self-hosting is cheaper)."""
    pts = [(x, y) for s in series for x, y in zip(s.xs, s.ys, strict=True)
           if math.isfinite(x) and math.isfinite(y) and (not x_log or x > 0) and (not y_log or y > 0)]
    if not pts:
        return svg(f'<text x="{W / 2}" y="{H / 2}" text-anchor="middle">no data to draw</text>', title)
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    y_lo = min(ys) * (0.8 if y_log else 1.0) if y_log else min(0.0, min(ys))
    fr = Frame(min(xs), max(xs), y_lo, max(ys) * (1.25 if y_log else 1.08), x_log, y_log).fit_left(y_fmt)
    parts = [fr.axes(x_title, y_title, x_fmt, y_fmt, x_ticks)]
    for a, b, colour in bands:
        xa, xb = fr.x(max(a, fr.x_lo)), fr.x(min(b, fr.x_hi))
        parts.append(f'<rect x="{xa:.1f}" y="{TOP}" width="{max(xb - xa, 1):.1f}" height="{H - TOP - BOTTOM}" '
                     f'fill="{colour}" fill-opacity="0.10"/>')
    for v, label in vlines:
        if fr.x_lo <= v <= fr.x_hi:
            px = fr.x(v)
            lines = label.split("\n")
            wide = max(text_width(t, 11) for t in lines)
            # to the right of the line when it fits before the end labels, else to its left
            tx, anchor = (px + 4, "start") if px + 4 + wide <= W - RIGHT or px - 4 - wide < fr.left else (px - 4, "end")
            spans = "".join(f'<tspan x="{tx:.1f}" dy="{0 if i == 0 else 13}">{escape(t)}</tspan>'
                            for i, t in enumerate(lines))
            parts.append(f'<line x1="{px:.1f}" y1="{TOP}" x2="{px:.1f}" y2="{H - BOTTOM}" stroke="#444" '
                         f'stroke-dasharray="3 3"/><text x="{tx:.1f}" y="{TOP + 12}" font-size="11" '
                         f'text-anchor="{anchor}">{spans}</text>')
    ends = []
    used: dict[tuple[str, bool], int] = {}  # past eight series a colour comes back: its line is drawn another way
    for k, s in enumerate(series):
        colour = s.colour or PALETTE[k % len(PALETTE)]
        good = [(x, y) for x, y in zip(s.xs, s.ys, strict=True) if fr.inside(x, y)]
        if not good:
            continue
        coords = []
        for i, (x, y) in enumerate(good):
            if s.steps and i:
                coords.append(f"{fr.x(x):.1f},{fr.y(good[i - 1][1]):.1f}")
            coords.append(f"{fr.x(x):.1f},{fr.y(y):.1f}")
        again = used.get((colour, s.dashed), 0)
        used[(colour, s.dashed)] = again + 1
        patterns = DASHES if s.dashed else SOLIDS
        pattern = patterns[again % len(patterns)]
        dash = f' stroke-dasharray="{pattern}"' if pattern else ""
        parts.append(f'<polyline points="{" ".join(coords)}" fill="none" stroke="{colour}" stroke-width="2"{dash}>'
                     f'<title>{escape(s.label)}</title></polyline>')
        for x, y, tip in s.marks:
            if fr.inside(x, y):
                parts.append(f'<circle cx="{fr.x(x):.1f}" cy="{fr.y(y):.1f}" r="4" fill="white" stroke="{colour}" '
                             f'stroke-width="2"><title>{escape(tip)}</title></circle>')
        y_end = fr.y(good[-1][1])
        ends.append((y_end, s.label, (colour, dash, fr.x(good[-1][0]), y_end)))
    for y, text, (colour, dash, x_end, y_end) in _place_labels(ends, TOP, H - BOTTOM):
        # a leader from the line's end to its label (nudged apart, a label may sit lines away from its
        # line), drawn in the line's colour and pattern: the key to a colour that comes back. A line that
        # ends inside the chart (an offer retired) is joined to the edge in thin grey dots, not continued
        edge = W - RIGHT - 2
        if x_end < edge - 1:
            parts.append(f'<polyline points="{x_end:.1f},{y_end:.1f} {edge},{y_end:.1f}" fill="none" stroke="#bbb" '
                         f'stroke-width="1" stroke-dasharray="1 3"/>')
        # a leader that climbs far from its line's end is drawn faint: a connector, not a jump in the data
        far = ' stroke-opacity="0.45"' if abs(y - y_end) > 26 else ""
        parts.append(f'<polyline points="{edge},{y_end:.1f} {W - RIGHT + 4},{y:.1f} '
                     f'{W - RIGHT + 22},{y:.1f}" fill="none" stroke="{colour}" stroke-width="1.2"{dash}{far}/>')
        parts.append(f'<text x="{W - RIGHT + 26}" y="{y + 4:.1f}" font-size="11" fill="{colour}">'
                     f'{escape(middle_cut(text, 26))}</text>')
    return svg("\n".join(parts), title)


def scatter(points: list[tuple[str, float, float, bool]], frontier: list[str], title: str, x_title: str,
            y_title: str, x_fmt: Callable[[float], str] = fmt_number,
            colours: Mapping[str, str] | None = None) -> str:
    """Candidates as points (x = monthly cost on a log scale, y = quality); the Pareto frontier
    joins the ranked ones no other beats on both. Each point gets a label beside it where one fits
    clear of the other labels and points, in the points' order (put the most important first);
    the points left without one are named in a legend under the chart. ``colours``: by name."""
    good = [(n, x, y, r) for n, x, y, r in points if x > 0 and math.isfinite(x) and math.isfinite(y)]
    if not good:
        return svg(f'<text x="{W / 2}" y="{H / 2}" text-anchor="middle">no candidate has both a cost and a '
                   f'quality</text>', title)
    xs, ys = [p[1] for p in good], [p[2] for p in good]
    fr = Frame(min(xs) / 1.5, max(xs) * 1.5, max(min(ys) - 5, 0), min(max(ys) + 5, 100), x_log=True, right=200)
    parts = [fr.axes(x_title, y_title, x_fmt)]
    front = sorted((p for p in good if p[0] in frontier), key=lambda p: p[1])
    # a staircase, as in the app: between two frontier candidates the best quality a budget buys is the
    # cheaper one's (a straight diagonal would show cost/quality pairs no candidate offers)
    path = []
    for k, (_, x, y, _) in enumerate(front if len(front) > 1 else []):
        if k:
            path.append((fr.x(x), path[-1][1]))
        path.append((fr.x(x), fr.y(y)))
    if path:
        parts.append('<polyline points="' + " ".join(f"{px:.1f},{py:.1f}" for px, py in path)
                     + '" fill="none" stroke="#444" stroke-width="1.5" stroke-dasharray="5 3">'
                     '<title>Pareto frontier: no other ranked candidate is both cheaper and better</title></polyline>')
    dots = [(fr.x(x), fr.y(y)) for _, x, y, _ in good]
    taken: list[Box] = [(px - 6, py - 6, px + 6, py + 6) for px, py in dots]
    segments = list(zip(path, path[1:]))  # labels keep off the frontier line too
    unlabelled = []
    for k, (name, x, y, ranked) in enumerate(good):
        colour = (colours or {}).get(name) or PALETTE[k % len(PALETTE)]
        fill = colour if ranked else "white"
        px, py = dots[k]
        parts.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="5" fill="{fill}" stroke="{colour}" '
                     f'stroke-width="2"><title>{escape(name)}: {escape(x_fmt(x))}, quality {y:.1f}'
                     f'{"" if ranked else " (not ranked)"}</title></circle>')
        text = middle_cut(name, 30)
        width, bounds = text_width(text, 10.5), (fr.left, TOP, W - 4, H - BOTTOM)
        # off the frontier line where a spot is free, else across it: a label is worth more than a clear line
        spot = _free_spot(px, py, width, taken, bounds, segments) or _free_spot(px, py, width, taken, bounds)
        if spot is None:
            # no room for the name: a number beside the point, and the name by that number in the legend
            # under the chart (colours repeat past eight candidates: a colour alone could not say which)
            key = str(sum(1 for u in unlabelled if u[3]) + 1)  # numbers count the points that got one
            spot = _free_spot(px, py, text_width(key, 10.5), taken, bounds, segments) or \
                _free_spot(px, py, text_width(key, 10.5), taken, bounds)
            if spot is not None:
                taken.append(spot[3])
                parts.append(f'<text x="{spot[0]:.1f}" y="{spot[1]:.1f}" font-size="10.5" font-weight="bold" '
                             f'fill="{colour}" text-anchor="{spot[2]}" stroke="white" stroke-width="3" '
                             f'stroke-linejoin="round" paint-order="stroke">{key}<title>{escape(name)}</title></text>')
            unlabelled.append((name, colour, fill, key if spot is not None else ""))
            continue
        tx, ty, anchor, box = spot
        taken.append(box)
        # a white halo under the glyphs: a label that had to sit across the frontier line stays readable
        parts.append(f'<text x="{tx:.1f}" y="{ty:.1f}" font-size="10.5" fill="{colour}" text-anchor="{anchor}" '
                     f'stroke="white" stroke-width="3" stroke-linejoin="round" paint-order="stroke">'
                     f'{escape(text)}<title>{escape(name)}</title></text>')
    parts.append(f'<text x="{fr.left}" y="{TOP - 8}" font-size="11" fill="#555">filled: ranked by value; hollow: '
                 f'not ranked; dashed: Pareto frontier</text>')
    height = H
    if unlabelled:  # a legend under the x-axis title for the points whose label would have overlapped
        said = ("also plotted (their names would overlap: the numbers beside the points):"
                if any(u[3] for u in unlabelled) else "also plotted (their labels would overlap):")
        parts.append(f'<text x="{fr.left}" y="{H + 6}" font-size="11" fill="#555">{said}</text>')
        for i, (name, colour, fill, key) in enumerate(unlabelled):
            y = H + 22 + 16 * i
            parts.append(f'<circle cx="{fr.left + 6}" cy="{y - 4}" r="5" fill="{fill}" stroke="{colour}" '
                         f'stroke-width="2"/><text x="{fr.left + 16}" y="{y}" font-size="11" fill="{colour}">'
                         + (f'<tspan font-weight="bold">{key}</tspan> ' if key else "") + f'{escape(name)}</text>')
        height = H + 22 + 16 * len(unlabelled)
    return svg("\n".join(parts), title, W, height)


def _free_spot(px: float, py: float, width: float, taken: list[Box], bounds: Box,
               segments: Sequence[tuple[tuple[float, float], tuple[float, float]]] = ()
               ) -> tuple[float, float, str, Box] | None:
    """Where a label of ``width`` beside the point (px, py) overlaps no box in ``taken``, crosses
    none of the line ``segments`` and stays in ``bounds``: right, left, above, below, then
    diagonally; None when nowhere."""
    h = 12.0
    tries = [(px + 8, py + 4, "start"), (px - 8, py + 4, "end"), (px, py - 9, "middle"), (px, py + 17, "middle"),
             (px + 6, py - 8, "start"), (px + 6, py + 16, "start"), (px - 6, py - 8, "end"), (px - 6, py + 16, "end")]
    x_lo, y_lo, x_hi, y_hi = bounds
    for tx, ty, anchor in tries:
        left = tx if anchor == "start" else tx - width if anchor == "end" else tx - width / 2
        box = (left, ty - h + 2, left + width, ty + 2)
        if box[0] < x_lo or box[2] > x_hi or box[1] < y_lo - 4 or box[3] > y_hi:
            continue
        if all(box[2] <= b[0] or box[0] >= b[2] or box[3] <= b[1] or box[1] >= b[3] for b in taken) and \
                not any(_crosses(box, a, b) for a, b in segments):
            return tx, ty, anchor, box
    return None


def _crosses(box: Box, a: tuple[float, float], b: tuple[float, float]) -> bool:
    """Whether the segment a-b passes through ``box`` (sampled every pixel: a chart's few segments)."""
    n = max(2, int(math.hypot(b[0] - a[0], b[1] - a[1])))
    for i in range(n + 1):
        x, y = a[0] + (b[0] - a[0]) * i / n, a[1] + (b[1] - a[1]) * i / n
        if box[0] <= x <= box[2] and box[1] <= y <= box[3]:
            return True
    return False


def range_bars(rows: list[tuple[str, float, float, float]], title: str, x_title: str,
               x_fmt: Callable[[float], str] = fmt_number, log: bool = True,
               colours: Mapping[str, str] | None = None) -> str:
    """One bar per row from P10 to P90 with the median marked (rows: label, p10, p50, p90;
    ``colours``: by label)."""
    good = [r for r in rows if all(math.isfinite(v) and (v > 0 or not log) for v in r[1:])]
    height = TOP + BOTTOM + 26 * max(len(good), 1)
    if not good:
        return svg(f'<text x="{W / 2}" y="40" text-anchor="middle">no spread to draw</text>', title, H, 80)
    lo, hi = min(r[1] for r in good), max(r[3] for r in good)
    fr = Frame(lo / 1.2 if log else lo, hi * 1.2 if log else hi, 0, 1, x_log=log, height=height, right=40,
               left=BAR_LEFT)
    parts = [_x_axis_only(fr, x_title, x_fmt, height)]
    for k, (label, p10, p50, p90) in enumerate(good):
        y = TOP + 13 + 26 * k
        colour = (colours or {}).get(label) or PALETTE[k % len(PALETTE)]
        parts.append(_bar_label(label, y))
        parts.append(f'<rect x="{fr.x(p10):.1f}" y="{y - 7}" width="{max(fr.x(p90) - fr.x(p10), 2):.1f}" height="14" '
                     f'fill="{colour}" fill-opacity="0.35" stroke="{colour}"><title>{escape(label)}: P10 '
                     f'{escape(x_fmt(p10))}, P50 {escape(x_fmt(p50))}, P90 {escape(x_fmt(p90))}</title></rect>')
        parts.append(f'<line x1="{fr.x(p50):.1f}" y1="{y - 9}" x2="{fr.x(p50):.1f}" y2="{y + 9}" stroke="{colour}" '
                     f'stroke-width="3"/>')
    return svg("\n".join(parts), title, W, height)


def tornado(rows: list[tuple[str, float, float]], centre: float, title: str, x_title: str,
            x_fmt: Callable[[float], str] = fmt_number) -> str:
    """One bar per input from its low-end to its high-end value, around the central value."""
    good = [r for r in rows if math.isfinite(r[1]) and math.isfinite(r[2])]
    height = TOP + BOTTOM + 26 * max(len(good), 1)
    if not good or not math.isfinite(centre):
        return svg(f'<text x="{W / 2}" y="40" text-anchor="middle">no swing to draw</text>', title, W, 80)
    lo = min([centre] + [min(a, b) for _, a, b in good])
    hi = max([centre] + [max(a, b) for _, a, b in good])
    pad = (hi - lo) * 0.08 or abs(centre) * 0.1 or 1.0
    fr = Frame(lo - pad, hi + pad, 0, 1, height=height, right=40, left=BAR_LEFT)
    parts = [_x_axis_only(fr, x_title, x_fmt, height)]
    cx = fr.x(centre)
    for k, (label, a, b) in enumerate(good):
        y = TOP + 13 + 26 * k
        parts.append(_bar_label(label, y))
        for v, colour, end in ((a, PALETTE[0], "low end"), (b, PALETTE[1], "high end")):
            x0, x1 = sorted((cx, fr.x(v)))
            parts.append(f'<rect x="{x0:.1f}" y="{y - 7}" width="{max(x1 - x0, 1):.1f}" height="14" fill="{colour}" '
                         f'fill-opacity="0.6"><title>{escape(label)} at its {end}: {escape(x_fmt(v))}</title></rect>')
    parts.append(f'<line x1="{cx:.1f}" y1="{TOP}" x2="{cx:.1f}" y2="{height - BOTTOM}" stroke="#000"/>')
    parts.append(f'<text x="{W - 40}" y="{TOP - 8}" text-anchor="end" font-size="11" fill="#555">blue: input at its '
                 f'low end; orange: at its high end; line: central value</text>')
    return svg("\n".join(parts), title, W, height)


def _bar_label(label: str, y: float) -> str:
    """A bar's name left of it, on two lines when long (the end of the name kept: what tells two
    candidates' rows apart is often there)."""
    lines = _wrap(label, 40)
    if len(lines) == 1:
        return (f'<text x="{BAR_LEFT - 6}" y="{y + 4}" text-anchor="end" font-size="11">{escape(lines[0])}'
                f'<title>{escape(label)}</title></text>')
    spans = "".join(f'<tspan x="{BAR_LEFT - 6}" dy="{0 if i == 0 else 11}">{escape(t)}</tspan>'
                    for i, t in enumerate(lines))
    return (f'<text x="{BAR_LEFT - 6}" y="{y - 1.5}" text-anchor="end" font-size="10.5">{spans}'
            f'<title>{escape(label)}</title></text>')


def _x_axis_only(fr: Frame, x_title: str, x_fmt: Callable[[float], str], height: int) -> str:
    parts = []
    y0 = height - BOTTOM
    ticks = _log_ticks(fr.x_lo, fr.x_hi) if fr.x_log else _nice_ticks(fr.x_lo, fr.x_hi)
    labelled = _labelled(ticks, fr.x, x_fmt)
    for k, v in enumerate(ticks):
        px = fr.x(v)
        parts.append(f'<line x1="{px:.1f}" y1="{TOP}" x2="{px:.1f}" y2="{y0}" stroke="#eee"/>')
        if k in labelled:
            parts.append(f'<text x="{px:.1f}" y="{y0 + 18}" text-anchor="middle" font-size="11">{escape(x_fmt(v))}</text>')
    parts.append(f'<line x1="{fr.left}" y1="{y0}" x2="{fr.width - fr.right}" y2="{y0}" stroke="#444"/>')
    parts.append(f'<text x="{(fr.left + fr.width - fr.right) / 2:.1f}" y="{height - 14}" text-anchor="middle" '
                 f'font-size="12">{escape(x_title)}</text>')
    return "\n".join(parts)


def text_width(text: str, size: float) -> float:
    """A generous estimate of a label's width in user units (sans-serif digits are about 0.6 em)."""
    return len(text) * size * 0.6


def _wrap(text: str, n: int, lines: int = 2) -> list[str]:
    """Word-wrapped to ``lines`` lines of at most ``n`` characters; what does not fit is cut from
    the middle of the last line (its end survives)."""
    words, out, cur = text.split(" "), [], ""
    for k, w in enumerate(words):
        if len(out) == lines - 1:
            rest = " ".join([cur, *words[k:]]).strip() if cur else " ".join(words[k:])
            return [*out, middle_cut(rest, n)]
        if not cur:
            cur = w
        elif len(cur) + 1 + len(w) <= n:
            cur += " " + w
        else:
            out.append(middle_cut(cur, n))
            cur = w
    return [*out, middle_cut(cur, n)] if cur else out
