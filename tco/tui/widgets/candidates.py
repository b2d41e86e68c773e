"""The candidates table: rows keyed by candidate id, cells updated in place.

A recompute never clears the table: rows are added or removed only when candidates are,
changed cells are updated with ``update_cell``, and a sorted view is re-sorted with the
cursor kept on the same candidate, so cursor and scroll survive every edit.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable
from textual.coordinate import Coordinate
from textual.widgets.data_table import RowKey

from ...report.estimate import row_caveats
from ...report.format import SYMBOLS, money, share, unit_price
from ..charts import _cut, fit_name
from ..plot import money_axis
from ..guard import Guarded
from ..reasons import explain, no_cost
from ..tornado import pct

if TYPE_CHECKING:
    from ...plan.result import CandidateResult

COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("mark", "", "left"),
    ("candidate", "Candidate", "left"),
    ("monthly", "Monthly", "right"),
    ("per_mtok", "Per 1M", "right"),
    ("quality", "Quality", "right"),
    ("coverage", "Cover", "right"),
    ("per_qp", "Per pt", "right"),
    ("rank", "Rank", "right"),
)
"""(key, header, alignment) of each column."""

SPREAD_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("p10_p90", "P10–P90/mo", "right"),
    ("p_best", "P(best)", "right"),
)
"""The columns the samples add (``m``): P10 to P90 of the monthly cost, after Monthly, and the
share of samples in which the candidate is the best value, before Rank."""


NOTE_COLUMN = ("note", "Note", "left")
"""Why a row is not ranked, when its offer retires, a cost without reasoning tokens: shown where
the names leave room for it (a wide terminal; the detail and the tooltip say it at any width)."""
NOTE_MIN = 24
"""Cells the names must leave for the Note column to be shown (a longer note is cut to the room)."""


def note_text(c: CandidateResult) -> str:
    """A row's note, as the Note column of ``tco estimate`` says it (without best value and
    cheapest: the marks say those)."""
    return ", ".join(([f"from {c.available_from}"] if c.available_from else []) + row_caveats(c))


NARROW_DROPS = ("per_mtok", "coverage")
"""With the sampled columns shown, these columns go (in this order) while the names would
otherwise get fewer than :data:`ROOMY_NAME` cells (F2's detail shows them)."""
ROOMY_NAME = 24


def columns_with(spread: bool) -> tuple[tuple[str, str, str], ...]:
    """The table's columns, with the sampled ones in their places when ``spread``."""
    if not spread:
        return COLUMNS
    return COLUMNS[:3] + SPREAD_COLUMNS[:1] + COLUMNS[3:7] + SPREAD_COLUMNS[1:] + COLUMNS[7:]

MIN_NAME = 14
"""The candidate column never gets narrower than this (the table scrolls sideways instead)."""

SORT_NAMES = {"mark": "marks", "candidate": "candidate", "monthly": "monthly cost", "per_mtok": "cost per 1M tokens",
              "quality": "quality", "coverage": "coverage", "per_qp": "cost per quality point", "rank": "rank",
              "p10_p90": "sampled median monthly cost", "p_best": "chance of being the best value", "note": "note"}
DESCENDING = ("quality", "coverage", "p_best")
"""Columns sorted largest first at the first click."""


def _nan(v: float | None) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def sort_value(c: CandidateResult, col: str, pinned: bool, u: dict[str, Any] | None = None) -> tuple[int, object]:
    """Sort key of a candidate for a column: unknown values sort last in either direction
    (the first element is handled outside the reversal); ``u``: its samples."""
    if col in ("p10_p90", "p_best"):
        v = None if u is None else (u["monthly_cost"]["p50"] if col == "p10_p90" else u["p_best_value"])
        return (1, 0.0) if _nan(v) else (0, float(v))  # type: ignore[arg-type]
    if col == "candidate":
        return 0, c.label.lower()
    if col == "mark":
        return 0, -(2 * c.best_value + c.cheapest + 4 * pinned)
    if col == "note":
        note = note_text(c)
        return (0, note) if note else (1, "")
    v = {"monthly": c.monthly_cost, "per_mtok": c.cost_per_mtok, "quality": c.quality,
         "coverage": c.quality_coverage, "per_qp": c.cost_per_quality_point if c.rank else math.nan,
         "rank": float(c.rank) if c.rank else math.nan}[col]
    if c.available_from and col in ("monthly", "per_mtok", "per_qp"):
        v = math.nan
    if col == "rank" and _nan(v):  # the unranked by their cost, as `tco estimate` lists them; no cost last
        cost = math.nan if c.available_from else c.monthly_cost
        return 1, (math.inf if _nan(cost) else float(cost))
    return (1, 0.0) if _nan(v) else (0, float(v))


class KeyedText(Text):
    """A cell that knows its row's candidate id (the sort key function receives cells)."""

    candidate_id: str = ""


@dataclass
class Cell:
    text: str
    style: str = ""


def spread_cells(u: dict[str, Any] | None, cur: str, stale: bool, best: bool) -> dict[str, Cell]:
    """The sampled cells of one candidate: P10–P90 of its monthly cost (compact: ``$1.1K–3.6K``;
    ``no spread`` when every sample costs the same) and P(best value); ``…`` until it is
    sampled, dim while new samples are drawn (``stale``); ``best``: the highest P(best)."""
    if u is None:
        return {"p10_p90": Cell("…", "dim"), "p_best": Cell("…", "dim")}
    m = u["monthly_cost"]
    dim = "dim" if stale else ""
    lo, hi = m["p10"], m["p90"]
    if lo is None or hi is None:  # no cost (not launched yet, too long...): no chance either
        return {"p10_p90": Cell("-", "dim"), "p_best": Cell("-", "dim")}
    elif abs(hi - lo) <= 1e-9 * max(abs(hi), 1.0):
        spread = Cell("no spread", "dim")
    else:
        sym = SYMBOLS.get(cur)
        fmt = money_axis(sym or "")
        text = f"{fmt(lo)}–{fmt(hi).removeprefix(sym or '')}" + ("" if sym else f" {cur}")
        spread = Cell(text, dim)
    p = float(u["p_best_value"])
    style = dim or ("bold green" if best and p > 0 else "dim" if p == 0 else "")
    return {"p10_p90": spread, "p_best": Cell(pct(p), style)}


def cells_for(c: CandidateResult, cur: str, pinned: bool, name_width: int) -> dict[str, Cell]:
    """Display cells of one candidate (strings plus a style)."""
    mark = ("●" if pinned else " ") + ("★" if c.best_value else " ") + ("▼" if c.cheapest else " ")
    if c.retires:  # shut down within a year of the as-of date: the legend says "† retires"
        mark += "†"
    why = no_cost(c)  # the row says why it has no cost: too long, too slow, no price, not yet
    dim = "dim" if why is not None or (not c.rank and not c.cheapest) else ""
    if why is not None:
        monthly = Cell(why.short, "dim italic" if c.available_from else "yellow")
    else:  # + : at least this; the hidden reasoning tokens of a model that reasons by default are left out
        monthly = Cell(money(c.monthly_cost, cur) + ("+" if c.reasoning_unpriced else ""),
                       "bold cyan" if c.cheapest else dim)
    if c.rank:
        per_qp = Cell(unit_price(c.cost_per_quality_point, cur), "bold green" if c.best_value else "")
    elif why is not None:
        per_qp = Cell("-", "dim")
    else:
        per_qp = Cell("unranked", "dim")
    return {
        "mark": Cell(mark, "bold yellow"),
        "candidate": Cell(fit_name(c.label, name_width, keep_provider=True), "bold green" if c.best_value else dim),
        "monthly": monthly,
        "per_mtok": Cell("-" if why is not None else unit_price(c.cost_per_mtok, cur), dim),
        "quality": Cell("n/a" if _nan(c.quality) else f"{c.quality:.1f}", dim),
        "coverage": Cell(share(c.quality_coverage), dim),
        "per_qp": per_qp,
        "rank": Cell(str(c.rank) if c.rank else "-", "bold" if c.rank == 1 else dim),
        "note": Cell(note_text(c), "yellow" if c.retires or c.reasoning_unpriced else "dim"),
    }


class CandidateTable(Guarded, DataTable[Text]):
    """Every candidate with its monthly cost, cost per 1M tokens, quality, coverage, cost per
    quality point and rank. ★ best value, ▼ cheapest, ● pinned for the charts, † retires within
    a year of the as-of date (the detail and the tooltip say when), + after a cost that leaves out
    hidden reasoning tokens (the model reasons by default and the scenario gives none)."""

    BINDINGS = [
        Binding("s", "next_sort", "Sort", tooltip="Sort by the next column"),
        Binding("m", "app.toggle_uncertainty", "Ranges",
                tooltip="Monte Carlo over the scenario's ranges: P10–P90 monthly and P(best) columns (again: off)"),
        Binding("r", "reverse_sort", "Reverse", show=False, tooltip="Reverse the sort order"),
        Binding("space", "pin", "Pin", tooltip="Pin or unpin the highlighted candidate for the charts"),
        Binding("a", "app.add_candidate", "Add", tooltip="Add a candidate from the catalog"),
        Binding("x,delete", "app.remove_candidate", "Remove", tooltip="Remove the highlighted candidate (u undoes)"),
        Binding("n", "app.rename", "Rename", show=False,
                tooltip="Rename the highlighted candidate (saved as its name: or label:)"),
        Binding("u", "app.undo", "Undo", show=False, tooltip="Undo the last change of any kind"),
        Binding("home", "first_row", "First row", show=False, tooltip="Move to the first row"),
        Binding("end", "last_row", "Last row", show=False, tooltip="Move to the last row"),
    ]
    """Keys of the table (shown in the footer while it has focus)."""

    @dataclass
    class SortChanged(Message):
        column: str
        reverse: bool

    @dataclass
    class PinToggled(Message):
        candidate_id: str

    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True, cell_padding=0)
        self.sort_column = "rank"
        """Key of the column the rows are ordered by."""
        self.sort_reverse = False
        self.pinned: set[str] = set()
        self._shown: dict[str, dict[str, Cell]] = {}
        self._results: dict[str, CandidateResult] = {}
        self._currency = "USD"
        self._name_width = 24
        """Cells the candidate names are fitted to (the column less its leading space)."""
        self._order: list[str] = []
        self.spread: dict[str, dict[str, Any]] | None = None
        """Candidate id -> its samples, while the sampled columns are shown (None: not shown)."""
        self.spread_stale = False
        """The samples shown are of an earlier version of the scenario (drawn dim)."""

        self._cols = COLUMNS

    @property
    def shown_columns(self) -> tuple[tuple[str, str, str], ...]:
        """The columns in the table now."""
        return self._cols

    def _wanted_columns(self) -> tuple[tuple[str, str, str], ...]:
        cols = self._with_note(columns_with(self.spread is not None))
        if self.spread is None:
            return cols
        longest = max([1 + cell_len(c.label) for c in self._results.values()] + [len(" Candidate▲")])
        for drop in NARROW_DROPS:
            others = sum(self._width(k, label, a) for k, label, a in cols if k != "candidate")
            if others + min(longest, ROOMY_NAME) <= self.available_width():
                break
            cols = tuple(c for c in cols if c[0] != drop)
        return cols

    def _with_note(self, cols: tuple[tuple[str, str, str], ...]) -> tuple[tuple[str, str, str], ...]:
        """``cols`` and the Note column, where some row has a note and every name fits beside it."""
        notes = [note_text(c) for c in self._results.values()]
        if not any(notes):
            return cols
        longest = max([1 + cell_len(c.label) for c in self._results.values()] + [len(" Candidate▲")])
        note = min(max(cell_len(n) for n in notes), NOTE_MIN) + 1
        others = sum(self._width(k, label, a) for k, label, a in cols if k not in ("candidate", "note"))
        return cols + (NOTE_COLUMN,) if others + longest + note <= self.available_width() else cols

    def _sync_columns(self) -> bool:
        """Lay the columns out again when the wanted ones changed (the sampled columns came or
        went, or the width changed which fit); the cursor stays on its candidate."""
        want = self._wanted_columns()
        if want == self._cols:
            return False
        cursor = self.current_id()
        self._cols = want
        self.clear(columns=True)
        self._shown = {}
        for key, label, align in self._cols:
            self.add_column(self._header(key, label, align), key=key)
        if self._results:
            self.update_results(self._results.values(), self._currency)
        if cursor is not None:
            self.move_to(cursor)
        return True

    def on_mount(self) -> None:
        for key, label, align in self.shown_columns:
            self.add_column(self._header(key, label, align), key=key)

    def set_spread(self, spread: dict[str, dict[str, Any]] | None, stale: bool = False) -> None:
        """Show the sampled columns with these samples (``stale``: of an earlier version, shown
        dim), or hide them (None). Adding or removing the columns lays the table out again with
        the cursor on the same candidate; the other cells are the plain estimate's, unchanged."""
        self.spread, self.spread_stale = spread, stale
        if spread is None and self.sort_column in {k for k, _, _ in SPREAD_COLUMNS}:
            self.sort_column, self.sort_reverse = "rank", False
        if not self._sync_columns() and spread is not None and self._results:
            self.update_results(self._results.values(), self._currency)

    def _header(self, key: str, label: str, align: str) -> Text:
        arrow = ""
        if key == self.sort_column and key != "mark":
            arrow = "▼" if self.sort_reverse else "▲"
        text = f" {label}{arrow}" if label else ""
        return Text(text, justify=align, style="bold" if arrow else "")  # type: ignore[arg-type]

    def _refresh_headers(self) -> None:
        for key, label, align in self.shown_columns:
            col = self.columns.get(key)  # type: ignore[call-overload]
            if col is not None:
                col.label = self._header(key, label, align)
        self._layout_columns(force=True)

    # ---- data ----

    def available_width(self) -> int:
        """Columns the table can show without a horizontal scrollbar (the vertical one's
        column is always left free, so rows coming and going never change the layout)."""
        width = self.size.width or (self.app.size.width if self.is_attached else 80)
        return max(width - 1, 20)

    def natural_width(self) -> int:
        """Cells the table needs to show every column and whole names (with the scrollbar's)."""
        widths = self._column_widths(room=10_000)
        return sum(widths.values()) + 1

    def _column_widths(self, room: int | None = None) -> dict[str, int]:
        """Every column's width from what it shows now (header with its sort arrow, cells);
        the candidate column gets what the others leave, up to its longest name."""
        widths: dict[str, int] = {}
        for key, label, align in self.shown_columns:
            if key not in ("candidate", "note"):
                widths[key] = self._width(key, label, align)
        longest = max([1 + cell_len(c.label) for c in self._results.values()] + [len(" Candidate▲")])
        room = (self.available_width() if room is None else room) - sum(widths.values())
        widths["candidate"] = max(MIN_NAME, min(longest, room))
        if any(k == "note" for k, _, _ in self.shown_columns):  # the note takes what the names leave
            widths["note"] = max(min(room - widths["candidate"], 1 + max(
                [cell_len(note_text(c)) for c in self._results.values()] + [len(" Note▲")])), len(" Note▲"))
        return widths

    def _width(self, key: str, label: str, align: str) -> int:
        """A column's width: its header (with the sort arrow) or its widest cell."""
        head = self._header(key, label, align).cell_len
        return max([head] + [1 + cell_len(cells[key].text) for cells in self._shown.values() if key in cells])

    def update_results(self, results: Iterable[CandidateResult], currency: str) -> None:
        """Show these results: add and remove rows by key, update changed cells in place,
        then size the columns to what they hold (they shrink as well as grow)."""
        results = list(results)
        self._currency = currency
        wanted = {c.id: c for c in results}
        for key in [k for k in self._shown if k not in wanted]:
            self.remove_row(key)
            del self._shown[key]
        self._results = wanted
        new_cells = {c.id: cells_for(c, currency, c.id in self.pinned, 10_000) for c in results}
        if self.spread is not None:
            top = max((float(u["p_best_value"]) for u in self.spread.values()), default=0.0)
            for c in results:
                u = self.spread.get(c.id)
                best = u is not None and float(u["p_best_value"]) == top
                new_cells[c.id].update(spread_cells(u, currency, self.spread_stale, best))
        old_shown, self._shown = self._shown, new_cells
        widths = self._column_widths()
        self._name_width = widths["candidate"] - 1
        note_room = widths["note"] - 1 if "note" in widths else None
        labels = [c.label for c in results]
        for c in results:
            cells = new_cells[c.id]
            cells["candidate"] = Cell(fit_name(c.label, self._name_width, keep_provider=True, shown=labels),
                                      cells["candidate"].style)
            if note_room is not None:
                cells["note"] = Cell(_cut(note_text(c), note_room), cells["note"].style)
            old = old_shown.get(c.id)
            if old is None:
                self.add_row(*(self._text(k, cells[k], c.id) for k, _, _ in self.shown_columns), key=c.id)
            else:
                for key, _, _ in self.shown_columns:
                    if old[key] != cells[key]:
                        self.update_cell(c.id, key, self._text(key, cells[key], c.id))
        self._layout_columns()
        self.apply_sort()
        self._sync_columns()

    def _layout_columns(self, force: bool = False) -> None:
        """Give every column its width (fixed widths: the table never keeps a transient one)."""
        if not self.columns:
            return
        widths = self._column_widths()
        if widths["candidate"] - 1 != self._name_width and self._results:
            self.update_results(self._results.values(), self._currency)  # names refitted
            return
        changed = force
        for key, w in widths.items():
            col = self.columns.get(key)  # type: ignore[call-overload]
            if col is not None and (col.auto_width or col.width != w):
                col.auto_width = False
                col.width = w
                changed = True
        if changed:
            self._update_count += 1  # the rendered cells and header are cached per update
            self._require_update_dimensions = True
            self.refresh()

    def _text(self, key: str, cell: Cell, candidate_id: str) -> Text:
        align = next(a for k, _, a in self.shown_columns if k == key)
        text = KeyedText(" " + cell.text, style=cell.style, justify=align, no_wrap=True)  # type: ignore[arg-type]
        text.candidate_id = candidate_id
        return text

    def on_resize(self) -> None:
        if self._results and not self._sync_columns():
            self._layout_columns()

    def watch_hover_coordinate(self, old: Coordinate, value: Coordinate) -> None:
        """The row under the mouse says, in its tooltip, why a number of it is unknown."""
        super().watch_hover_coordinate(old, value)
        text = None
        if 0 <= value.row < self.row_count:
            try:
                key = self.coordinate_to_cell_key(Coordinate(value.row, 0)).row_key.value
            except Exception:  # noqa: BLE001 - rows changing under the mouse
                key = None
            c = self._results.get(str(key)) if key is not None else None
            text = explain(c) if c is not None else None
        self.tooltip = text

    # ---- sorting ----

    def ordered_ids(self) -> list[str]:
        """Candidate ids in the order the sort column asks for."""
        col, rev = self.sort_column, self.sort_reverse
        items = list(self._results.values())
        spread = self.spread or {}

        def key(c: CandidateResult) -> tuple[int, object]:
            return sort_value(c, col, c.id in self.pinned, spread.get(c.id))

        known = [c for c in items if key(c)[0] == 0]
        unknown = [c for c in items if key(c)[0] == 1]
        # a stable sort on the value alone: ties keep the candidates' order in either direction
        known.sort(key=lambda c: key(c)[1], reverse=rev)  # type: ignore[arg-type,return-value]
        unknown.sort(key=lambda c: key(c)[1])  # type: ignore[arg-type,return-value]  # ties: file order
        return [c.id for c in known + unknown]

    def apply_sort(self) -> None:
        order = self.ordered_ids()
        current = [rk.value for rk in self._row_order()]
        if order == current:
            return
        cursor = self.current_id()
        pos = {k: i for i, k in enumerate(order)}
        self.sort("candidate", key=lambda cell: pos[cell.candidate_id])
        if cursor is not None and cursor in pos:
            self.move_cursor(row=pos[cursor], animate=False, scroll=True)

    def _row_order(self) -> list[RowKey]:
        return [row.key for row in self.ordered_rows]

    def set_sort(self, column: str, reverse: bool | None = None) -> None:
        if reverse is None:
            reverse = (not self.sort_reverse) if column == self.sort_column else column in DESCENDING
        self.sort_column, self.sort_reverse = column, reverse
        self._refresh_headers()
        self.apply_sort()
        self.post_message(self.SortChanged(column, reverse))

    def action_next_sort(self) -> None:
        keys = [k for k, _, _ in self.shown_columns if k not in ("mark", "note")]  # a header click sorts by note
        nxt = keys[(keys.index(self.sort_column) + 1) % len(keys)] if self.sort_column in keys else keys[0]
        self.set_sort(nxt, nxt in DESCENDING)

    def action_reverse_sort(self) -> None:
        self.set_sort(self.sort_column, not self.sort_reverse)

    @on(DataTable.HeaderSelected)
    def _header_clicked(self, event: DataTable.HeaderSelected) -> None:
        event.stop()
        self.set_sort(str(event.column_key.value))

    # ---- cursor and pins ----

    def current_id(self) -> str | None:
        if not self.row_count:
            return None
        try:
            key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key
        except Exception:  # noqa: BLE001 - empty table or cursor out of range
            return None
        return str(key.value) if key.value is not None else None

    def move_to(self, candidate_id: str) -> None:
        if candidate_id in self._shown:
            self.move_cursor(row=self.get_row_index(candidate_id), animate=False, scroll=True)

    def action_first_row(self) -> None:
        if self.row_count:
            self.move_cursor(row=0, animate=False, scroll=True)

    def action_last_row(self) -> None:
        if self.row_count:
            self.move_cursor(row=self.row_count - 1, animate=False, scroll=True)

    def action_pin(self) -> None:
        cid = self.current_id()
        if cid is None:
            return
        self.pinned ^= {cid}
        if cid in self._results:
            self.update_results(self._results.values(), self._currency)
        self.post_message(self.PinToggled(cid))
