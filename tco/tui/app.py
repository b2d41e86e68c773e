"""The tco app: edit a workload and watch cost, quality and value move.

``run_app(path, catalog_dir)`` is what ``tco`` and ``tco tui [FILE]`` call. It draws first:
the app starts with a line saying which file it opens, then reads the catalog, validates
the scenario and computes it in a worker thread, and only then lays out the fields, the
table and the lower panel (a file that is not a valid scenario ends the app with the same
located error as ``tco estimate``). Given a ready :class:`~tco.tui.state.Session` (tests,
the benchmark) it lays everything out at once.

The app owns the session (the scenario, its last valid results, its file); widgets post
what the user did, the app applies it to the session and pushes the results down. Every
handler, action, timer and painter runs behind :mod:`tco.tui.guard`: no input ends the app.

Layout: header; the workload fields and a status line; the candidates table; a lower panel
switching between the detail of the highlighted row and three charts; the footer. On a wide
and short screen (:data:`SIDE_BY_SIDE`) the table (as wide as its names) and the lower panel
sit side by side; otherwise they are stacked, each using the whole width.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Header, Static

from .commands import Discoverable, candidate_commands
from .editing import CandidateEditing
from .fields import FIELDS, EditError
from .guard import ChangeFailed, GuardedApp
from .saving import FileActions
from .uncertain import UncertaintyViews
from .views import ChartViews

if TYPE_CHECKING:  # the widgets are imported once the first frame is on screen (see _widgets)
    from textual.timer import Timer
    from textual.widgets import DataTable, Input

    from .state import Session
    from .widgets.candidates import CandidateTable
    from .widgets.chart import ViewBar
    from .widgets.workload import WorkloadPanel

SIDE_BY_SIDE = (180, 40)
"""From this many columns, on fewer than this many rows, the table and the lower panel sit side
by side; otherwise they are stacked, each the whole width (a tall screen gives the charts the
rows the table does not need)."""


class TcoApp(GuardedApp, ChartViews, UncertaintyViews, CandidateEditing, FileActions, Discoverable, App[int]):
    """Cost, quality and value of LLM candidates for an editable workload."""

    CSS_PATH = Path(__file__).with_name("app.tcss")
    TITLE = "tco"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (SIDE_BY_SIDE[0], "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (SIDE_BY_SIDE[1], "-tall")]
    COMMANDS = App.COMMANDS | {candidate_commands}
    ENABLE_COMMAND_PALETTE = True

    BINDINGS = [
        Binding("f1", "help", "Help", priority=True, tooltip="Every key, grouped"),
        Binding("question_mark", "help", "Help", show=False),
        Binding("ctrl+s", "save", "Save", priority=True, tooltip="Save the scenario (comments kept)"),
        Binding("f12", "save_as", "Save as", priority=True, show=False, tooltip="Save the scenario to a new file"),
        Binding("ctrl+e", "export", "Export", priority=True, show=False,
                tooltip="Export the table as CSV, Markdown, JSON or text"),
        Binding("ctrl+n", "add_candidate", "Add", priority=True, show=False, tooltip="Add a candidate"),
        Binding("f2", "view('detail')", "Detail", priority=True, show=False),
        Binding("f3", "view('quality')", "Cost×Quality", priority=True, show=False),
        Binding("f4", "view('volume')", "Volume", priority=True, show=False),
        Binding("f5", "view('prices')", "Prices", priority=True, show=False),
        Binding("f6", "view('uncertainty')", "Uncertainty", priority=True, show=False,
                tooltip="What moves the answer (tornado) and the highlighted row's sampled spread"),
        Binding("v", "next_view", "Next view", show=False, tooltip="Cycle the lower panel's views"),
        Binding("e", "edit_workload", "Edit", show=False, tooltip="Move to the workload fields"),
        Binding("escape", "focus_table", "Table", show=False, tooltip="Back to the table"),
        Binding("ctrl+z", "undo", "Undo", show=False, tooltip="Undo the last change of any kind"),
        Binding("ctrl+y", "redo", "Redo", show=False, tooltip="Do again what was undone"),
        Binding("shift+down", "scroll_lower(1)", "Scroll down", show=False,
                tooltip="Scroll the lower panel down a line"),
        Binding("shift+up", "scroll_lower(-1)", "Scroll up", show=False, tooltip="Scroll the lower panel up a line"),
        Binding("shift+pagedown", "scroll_lower(10)", "Page down", show=False,
                tooltip="Scroll the lower panel down a page"),
        Binding("shift+pageup", "scroll_lower(-10)", "Page up", show=False,
                tooltip="Scroll the lower panel up a page"),
        Binding("ctrl+q", "quit", "Quit", priority=True, tooltip="Quit (asks if there are unsaved changes)"),
    ]
    """App-wide keys; the table adds its own (sort, pin, add, remove, rename)."""

    def __init__(self, session: Session | None = None, blink: bool = True, *, path: str | Path | None = None,
                 catalog_dir: str | Path | None = None) -> None:
        super().__init__()
        self.session = session  # type: ignore[assignment]
        """None while the scenario is being opened (see :meth:`opening`)."""
        self._open_args = (path, catalog_dir)
        self.open_error: BaseException | None = None
        """Why the scenario could not be opened (``run_app`` raises it after the app ends)."""
        self.blink = blink
        """Cursor blink in inputs (off in tests and snapshots)."""
        self.view = "detail"
        self.current_id: str | None = None
        self.recomputes = 0
        """Number of times the results were pushed to the widgets (the benchmark waits on it)."""
        self.failures: list[str] = []
        self._mounted_once = False
        self._settle_timer: Timer | None = None
        self._sweep_cache: tuple[Any, ...] | None = None
        self._breakeven_timer: Timer | None = None
        self._save_anyway: tuple[tuple[str, str], ...] | None = None
        """The invalid fields a refused save named (a second save with them saves anyway)."""

    @classmethod
    def opening(cls, path: str | Path | None = None, catalog_dir: str | Path | None = None,
                blink: bool = True) -> TcoApp:
        """An app that draws first and opens ``path`` (None: the built-in example) after."""
        return cls(None, blink, path=path, catalog_dir=catalog_dir)

    # ---- layout ----

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False, icon="$")
        if self.session is None:
            path = self._open_args[0]
            yield Static(Text(f"Opening {path or 'the built-in example'}: reading the catalog, checking the "
                              "scenario and computing it…", "dim"), id="loading")
        else:
            yield from self._main_widgets()
        yield Footer(compact=True)

    def _main_widgets(self) -> list[Any]:
        from textual.containers import Container, Vertical
        from textual.widgets import ContentSwitcher

        from .widgets.candidates import CandidateTable
        from .widgets.chart import ChartView, ViewBar
        from .widgets.detail import DetailPane
        from .widgets.workload import WorkloadPanel

        s = self.session
        return [
            WorkloadPanel({k: s.field_text(k) for k in FIELDS}, {k: s.field_label(k) for k in FIELDS},
                          blink=self.blink, id="workload"),
            Container(
                CandidateTable(id="table"),
                Vertical(ViewBar(id="viewbar"),
                         ContentSwitcher(DetailPane(id="detail"), ChartView(id="quality"), ChartView(id="volume"),
                                         ChartView(id="prices"), ChartView(id="uncertainty"), initial="detail",
                                         id="views"),
                         id="lower"),
                id="body"),
        ]

    @property
    def table(self) -> CandidateTable:
        return self.query_one("#table")  # type: ignore[return-value]

    @property
    def panel(self) -> WorkloadPanel:
        return self.query_one("#workload")  # type: ignore[return-value]

    def on_mount(self) -> None:
        if self._mounted_once:
            return  # a subclass's on_mount called this one, and Textual calls it too
        self._mounted_once = True
        if self.session is None:  # the first frame first: the worker would hold the GIL while it is drawn
            self.call_after_refresh(self.run_worker, self._open_session, thread=True, exit_on_error=False,
                                    group="open")
        else:
            self._start()

    def _open_session(self) -> None:
        """In a worker thread: read the catalog, validate and compute the scenario (and import
        what the full screen needs, off the first frame's path)."""
        from .state import Session

        try:
            from . import charts  # noqa: F401 - the painters, off the main thread
            from .widgets import candidates, chart, detail, workload  # noqa: F401 - for _main_widgets
            session = Session.open(*self._open_args)
        except Exception as e:  # noqa: BLE001 - said by run_app after the app ends
            self.call_from_thread(self._open_failed, e)
            return
        try:
            self.call_from_thread(self._opened, session)
        except Exception as e:  # noqa: BLE001 - laying out failed: never stay on the first frame
            self.call_from_thread(self._open_failed, e)

    def _open_failed(self, error: BaseException) -> None:
        self.open_error = error
        self.exit(2)

    async def _opened(self, session: Session) -> None:
        self.session = session
        await self.query_one("#loading").remove()
        await self.mount_all(self._main_widgets(), before=self.query_one(Footer))
        self._start()

    def _start(self) -> None:
        self.query_one("#quality").set_painter(self._paint_quality, "cost × quality chart")  # type: ignore[attr-defined]
        self.query_one("#volume").set_painter(self._paint_volume, "volume chart")  # type: ignore[attr-defined]
        self.query_one("#prices").set_painter(self._paint_prices, "price history")  # type: ignore[attr-defined]
        self.query_one("#uncertainty").set_painter(self._paint_uncertainty, "uncertainty view")  # type: ignore[attr-defined]
        self.push_results()
        self.sync_latency_fields()
        self.table.focus()
        self.table.move_cursor(row=0)
        self.guard_up = True

    # ---- results down ----

    def push_results(self) -> None:
        """Show the session's results everywhere (table in place, status, title, lower panel)."""
        est = self.session.estimate
        assert est is not None
        self.uncertainty_changed()  # the samples shown dim until those of these results come
        self.table.update_results(self._file_order(), est.currency)
        if self.current_id is None or self.current_id not in self.session.candidate_ids:
            self.current_id = self.table.current_id()
        self.show_status()
        self.update_title()
        self.fit_layout()
        self.refresh_lower()
        self.recomputes += 1

    def sync_latency_fields(self, typing: str | None = None) -> None:
        """Show what the ttft/tpot fields apply to after the candidates or their targets
        changed: the common target, the default, "mixed", or disabled when there is no
        self-hosted candidate (the field being typed in, ``typing``, keeps its text)."""
        for key in ("ttft", "tpot"):
            text, placeholder, enabled = self.session.latency_field(key)
            self.panel.set_field(key, None if key == typing else text, placeholder, enabled)
        self.show_status()

    def _file_order(self) -> list[Any]:
        est = self.session.estimate
        assert est is not None
        by_id = {c.id: c for c in est.candidates}
        return [by_id[i] for i in self.session.candidate_ids if i in by_id]

    def show_status(self) -> None:
        self.panel.show_status(self._summary, self.showing())

    def _summary(self, width: int) -> Text:
        """The status line in ``width`` cells: the sampling note (``m``), the workload per month
        and the legend of the table's marks (★ ▼ ●, † when a candidate retires within a year, + after
        a cost that leaves out the hidden reasoning tokens of a model that reasons by default).
        What does not fit goes shorter, then goes, in that order (the counts in fewer digits, the
        legend in fewer words, the workload), so that the legend is never cut."""
        from ..report.format import tokens

        est = self.session.estimate
        assert est is not None
        w = est.workload
        note = self.uncertainty_status()
        rpm = w.get("requests_per_month")
        per_month = ["", ""]
        if rpm is not None:
            tok = f"{tokens(w['input_tokens_per_month'])} in + {tokens(w['output_tokens_per_month'])} out tok/mo  "
            per_month = [f"= {rpm:,.0f} req/mo, {tok}", f"= {tokens(rpm)} req/mo, {tok}"]

        retiring = any(c.retires for c in est.candidates)
        unpriced = any(c.reasoning_unpriced for c in est.candidates)
        marks = "★▼●" + ("†" if retiring else "") + ("+" if unpriced else "")

        def line(note: Text | None, work: str, words: tuple[str, ...]) -> Text:
            t = Text(no_wrap=True, overflow="ellipsis")
            if note is not None:
                t.append_text(note)
            start = len(t)
            t.append(work)
            for mark, word in zip(marks, words, strict=True):
                t.append(mark, "bold yellow")
                t.append(word)
            t.stylize("dim", start, len(t))
            return t

        long, short = [" best value ", " cheapest ", " pinned"], [" best ", " cheapest ", " pinned"]
        for more, long_word, short_word in (("†", " retires", " retires"), ("+", " excl. reasoning", " excl. reas.")):
            if more in marks:
                long[-1] += " "
                short[-1] += " "
                long.append(long_word)
                short.append(short_word)
        for work, words in ((per_month[0], long), (per_month[1], long), (per_month[1], short), ("", long),
                            ("", short)):
            t = line(note, work, tuple(words))
            if t.cell_len <= width:
                return t
        legend = line(None, "", tuple(short))
        if note is None:
            return legend
        cut = note.copy()
        cut.truncate(max(width - legend.cell_len - 2, 1), overflow="ellipsis")
        return cut + Text("  ") + legend

    def update_title(self) -> None:
        s = self.session
        name = s.scenario.name if s.scenario is not None else "tco"
        self.title = ("● " if s.modified else "") + name
        self.sub_title = s.display_name + (" (modified)" if s.modified else "")

    def refresh_lower(self) -> None:
        bar: ViewBar = self.query_one("#viewbar")  # type: ignore[assignment]
        bar.set_view(self.view, *self._view_subtitle())
        if self.view == "detail":
            self.query_one("#detail").show(  # type: ignore[attr-defined]
                partial(self.detail_text, self.current_id), self.current_id, self.report_failure)
        else:
            self.query_one(f"#{self.view}").refresh()

    def _view_subtitle(self) -> tuple[str, str]:
        """The lower panel's legend beside the views' names, and the same in fewer words."""
        if self.view == "detail":
            return self.current_id or "", ""
        if self.view == "quality":
            return "◆ Pareto frontier · ◉ highlighted row", "◆ frontier ◉ highlighted"
        if self.view == "uncertainty":
            return "what moves the answer; the highlighted row's samples (m)", "what moves the answer"
        if self.table.pinned:
            return "highlighted, best value, cheapest + pinned rows", "pinned rows too"
        return "highlighted, best value, cheapest; space pins more", "space pins more rows"

    def fit_layout(self, size: Any = None) -> None:
        """Side by side, the table is as wide as its columns and names need (up to 60 % of
        the screen) and the lower panel takes the rest; stacked, both take the whole width."""
        width, height = size if size is not None else self.size
        if width >= SIDE_BY_SIDE[0] and height < SIDE_BY_SIDE[1]:
            self.table.styles.width = min(self.table.natural_width(), width * 6 // 10)
        else:
            self.table.styles.width = "100%"

    # ---- messages up (handlers named after the messages: their classes load after the first frame) ----

    def on_workload_panel_edited(self, message: WorkloadPanel.Edited) -> None:
        self.apply_edit(message.key, message.text)

    def on_input_blurred(self, message: Input.Blurred) -> None:
        if self.session is not None:
            self.session.history.seal()  # the next keystrokes in a field are a new undo step

    def apply_edit(self, key: str, text: str) -> bool:
        """Try an edit; on failure mark the field and keep the last valid results."""
        def apply() -> None:
            self.session.edit(key, text)
            self.panel.mark(key, None)
            self.push_results()
            if key in ("ttft", "tpot"):  # the other one may have left the defaults
                self.sync_latency_fields(typing=key)

        try:
            self.change(f"applying {self.session.field_label(key)} {text.strip()!r}", apply)
        except EditError as e:  # the last valid value and its results stay; the status line names it
            self.panel.mark(key, str(e))
            self.show_status()
            return False
        except ChangeFailed as e:
            self.panel.mark(key, f"the results for this value could not be computed ({e})")
            self.show_status()
            return False
        if self.session.stale_warnings:
            if self._settle_timer is not None:
                self._settle_timer.stop()
            self._settle_timer = self.later(0.4, self._settle, "refreshing the warnings")
        return True

    def _settle(self) -> None:
        self._settle_timer = None
        if not self.session.stale_warnings or not self.query("#table"):
            return  # nothing stale, or the app is shutting down
        try:
            self.session.settle()
        except EditError:
            return
        self.push_results()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id != "table":
            return
        cid = str(event.row_key.value) if event.row_key is not None else None
        if cid != self.current_id:
            self.current_id = cid
            self.refresh_lower()

    def on_candidate_table_pin_toggled(self) -> None:
        self.refresh_lower()

    def on_candidate_table_sort_changed(self) -> None:
        self.refresh_lower()

    def on_view_bar_selected(self, message: ViewBar.Selected) -> None:
        self.action_view(message.view)

    def on_resize(self, event: Any) -> None:
        self._sweep_cache = None
        if self.session is not None and self.query("#table"):
            self.fit_layout(event.size)

    # ---- actions ----

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """While the scenario is being opened only help and quit do anything; while a dialog is
        open the view keys are its own (F6 is the export dialog's next format)."""
        if self.session is None and action not in ("help", "quit", "command_palette"):
            return False
        if action == "view" and self.screen is not self.screen_stack[0]:
            return False
        return True

    def action_view(self, view: str) -> None:
        if view == "volume":
            self.session.breakeven()  # at once when the chart is opened (then after a pause in typing)
        self.view = view
        self.query_one("#views").current = view  # type: ignore[attr-defined]
        self.refresh_lower()
        if view == "uncertainty":
            self._want_uncertainty(0)

    def action_next_view(self) -> None:
        from .widgets.chart import VIEWS

        ids = [v for v, _, _ in VIEWS]
        self.action_view(ids[(ids.index(self.view) + 1) % len(ids)])

    def action_focus_table(self) -> None:
        self.table.focus()

    def action_edit_workload(self) -> None:
        self.panel.input("volume").focus()

    def action_sort(self, column: str) -> None:
        self.table.set_sort(column)

    def action_pin(self) -> None:
        self.table.action_pin()

    def action_scroll_lower(self, lines: int) -> None:
        """Scroll the lower panel from anywhere (the detail pane; the charts fit their panel)."""
        if self.view != "detail":
            self.action_view("detail")
        self.query_one("#detail").scroll_relative(y=lines, animate=False)


def run_app(path: str | None = None, catalog_dir: str | None = None) -> int:
    """Open the app on ``path`` (None: the built-in example, saved only through save-as).

    The app draws at once and opens the scenario after; a file that is not a valid scenario
    ends it, and its located error is raised here (the CLI prints it and exits 2).
    """
    app = TcoApp.opening(path, catalog_dir)
    result = app.run()
    if app.open_error is not None:
        raise app.open_error
    if app.return_code:
        return int(app.return_code)
    return int(result or 0)
