"""Chart widgets: a view bar to switch between the lower panes, and a chart area that draws
itself from a painter function when it is shown and whenever it is resized."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.text import Text
from textual import events
from textual.message import Message
from textual.widget import Widget

from ..guard import Guarded, safe_paint

VIEWS: tuple[tuple[str, str, str], ...] = (
    ("detail", "Detail", "f2"),
    ("quality", "Cost×Quality", "f3"),
    ("volume", "Volume", "f4"),
    ("prices", "Prices", "f5"),
    ("uncertainty", "Uncertainty", "f6"),
)
"""(id, title, key) of each view of the lower panel."""
SHORT = {"quality": "Cost×Q", "uncertainty": "Uncert"}
"""Shorter titles for a bar too narrow for the full ones and the current view's legend (80
columns: every view named, and the legend's short form beside them)."""


class ChartView(Guarded, Widget):
    """A chart drawn by ``painter(width, height) -> Text``; a painter that fails draws a line
    saying why (and the app reports it) instead of ending the app."""

    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id)
        self.painter: Callable[[int, int], Text] | None = None
        self.what = "chart"

    def set_painter(self, painter: Callable[[int, int], Text], what: str = "chart") -> None:
        self.painter = painter
        self.what = what
        self.refresh()

    def render(self) -> Text:
        if self.painter is None:
            return Text("")
        w, h = self.content_size
        return safe_paint(self.painter, max(w, 10), max(h, 4), self.what, getattr(self.app, "report_failure", None))


class ViewBar(Guarded, Widget):
    """One row naming the views; the current one highlighted; click or F2-F6 to switch."""

    @dataclass
    class Selected(Message):
        view: str

    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id)
        self.current = "detail"
        self.subtitle = ""
        self.short = ""
        self._spans: list[tuple[int, int, str]] = []

    def set_view(self, view: str, subtitle: str = "", short: str = "") -> None:
        """Show ``view`` as the current one, with its legend ``subtitle`` (``short``: the same
        in fewer words, for a narrow bar)."""
        self.current = view
        self.subtitle = subtitle
        self.short = short or subtitle
        self.refresh()

    def render(self) -> Text:
        width = self.content_size.width
        # the legend of a chart view matters more than the other views' names (the detail
        # view's subtitle only repeats the line below it): full titles when the legend fits
        # beside them, then short ones, then short ones closer together, then the short
        # legend; every view keeps a name while the short names fit at all
        if self.subtitle and self.current != "detail":
            for sub in (self.subtitle, self.short):
                for tier in range(3):
                    t = self._titles(tier)
                    if t.cell_len + 1 + len(sub) <= width:
                        t.append(" " + sub, "dim italic")
                        return t
            sub = self.short
        else:
            sub = self.subtitle
        t = self._titles(0)
        for tier in (1, 2, 3):
            if t.cell_len <= width:
                break
            t = self._titles(tier)
        room = width - t.cell_len - 1
        if sub and room > 8:
            t.append(" " + (sub if len(sub) <= room else sub[: room - 1] + "…"), "dim italic")
        return t

    def _titles(self, tier: int) -> Text:
        """The views' tabs: 0 full titles, 1 short ones, 2 short ones closer together, 3 only
        the keys of the views not shown."""
        t = Text()
        self._spans = []
        for vid, title, key in VIEWS:
            start = t.cell_len
            if tier == 3 and vid != self.current:
                label = f" {key.upper()} "
            else:
                label = f" {key.upper()} {SHORT.get(vid, title) if tier else title} "
            t.append(label, "bold reverse" if vid == self.current else "dim")
            self._spans.append((start, t.cell_len, vid))
            if tier < 2:
                t.append(" ")
        return t

    def on_click(self, event: events.Click) -> None:
        for a, b, vid in self._spans:
            if a <= event.x < b:
                self.post_message(self.Selected(vid))
                return
