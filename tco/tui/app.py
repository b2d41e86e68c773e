"""The tco app: edit a workload and watch cost, quality and value move.

``run_app(path, catalog_dir)`` is what ``tco`` and ``tco tui [FILE]`` call. The app owns a
:class:`~tco.tui.state.Session` (the scenario, its last valid results, its file); widgets
post what the user did, the app applies it to the session and pushes the results down.

Layout: header; the workload fields and a status line; the candidates table; a lower panel
switching between the detail of the highlighted row and three charts; the footer. At 140
columns and wider the table and the lower panel sit side by side.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.command import Hit, Hits, Provider
from textual.containers import Container, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import ContentSwitcher, DataTable, Footer, Header

from ..errors import TcoError
from ..report.format import tokens
from .screens.add_candidate import AddCandidateScreen, Choice
from .screens.dialogs import ExportScreen, HelpScreen, PathScreen, QuitScreen
from .fields import FIELDS, EditError
from .state import Session
from .views import ChartViews
from .widgets.candidates import COLUMNS, SORT_NAMES, CandidateTable
from .widgets.chart import VIEWS, ChartView, ViewBar
from .widgets.detail import DetailPane
from .widgets.workload import WorkloadPanel


class CandidateCommands(Provider):
    """Command-palette entries per candidate and per catalog offer: add X, remove X, sort by X."""

    async def search(self, query: str) -> Hits:
        app = self.app
        if not isinstance(app, TcoApp):
            return
        matcher = self.matcher(query)
        for title, help_text, callback in app.palette_entries():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, help=help_text)


class TcoApp(ChartViews, App[int]):
    """Cost, quality and value of LLM candidates for an editable workload."""

    CSS_PATH = Path(__file__).with_name("app.tcss")
    TITLE = "tco"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (140, "-wide")]
    COMMANDS = App.COMMANDS | {CandidateCommands}
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
        Binding("v", "next_view", "Next view", show=False, tooltip="Cycle the lower panel's views"),
        Binding("e", "edit_workload", "Edit", show=False, tooltip="Move to the workload fields"),
        Binding("escape", "focus_table", "Table", show=False, tooltip="Back to the table"),
        Binding("ctrl+z", "undo_remove", "Undo remove", show=False, tooltip="Put the last removed candidate back"),
        Binding("ctrl+q", "quit", "Quit", priority=True, tooltip="Quit (asks if there are unsaved changes)"),
    ]
    """App-wide keys; the table adds its own (sort, pin, add, remove)."""

    def __init__(self, session: Session, blink: bool = True) -> None:
        super().__init__()
        self.session = session
        self.blink = blink
        """Cursor blink in inputs (off in tests and snapshots)."""
        self.view = "detail"
        self.current_id: str | None = None
        self.recomputes = 0
        """Number of times the results were pushed to the widgets (the benchmark waits on it)."""
        self._settle_timer: Timer | None = None
        self._sweep_cache: tuple[Any, ...] | None = None
        self._breakeven_timer: Timer | None = None
        self._save_anyway: tuple[tuple[str, str], ...] | None = None
        self.removed: list[tuple[int, Any, str]] = []
        """(position, file entry, id) of each removed candidate, for undo (u, ctrl+z)."""
        """The invalid fields a refused save named (a second save with them saves anyway)."""

    # ---- layout ----

    def compose(self) -> ComposeResult:
        s = self.session
        yield Header(show_clock=False, icon="$")
        yield WorkloadPanel({k: s.field_text(k) for k in FIELDS}, {k: s.field_label(k) for k in FIELDS},
                            blink=self.blink, id="workload")
        with Container(id="body"):
            yield CandidateTable(id="table")
            with Vertical(id="lower"):
                yield ViewBar(id="viewbar")
                with ContentSwitcher(initial="detail", id="views"):
                    yield DetailPane(id="detail")
                    yield ChartView(id="quality")
                    yield ChartView(id="volume")
                    yield ChartView(id="prices")
        yield Footer()

    @property
    def table(self) -> CandidateTable:
        return self.query_one("#table", CandidateTable)

    @property
    def panel(self) -> WorkloadPanel:
        return self.query_one("#workload", WorkloadPanel)

    def on_mount(self) -> None:
        self.query_one("#quality", ChartView).set_painter(self._paint_quality)
        self.query_one("#volume", ChartView).set_painter(self._paint_volume)
        self.query_one("#prices", ChartView).set_painter(self._paint_prices)
        self.push_results()
        self.sync_latency_fields()
        self.table.focus()
        self.table.move_cursor(row=0)

    # ---- results down ----

    def push_results(self) -> None:
        """Show the session's results everywhere (table in place, status, title, lower panel)."""
        est = self.session.estimate
        assert est is not None
        self.table.update_results(self._file_order(), est.currency)
        if self.current_id is None or self.current_id not in self.session.candidate_ids:
            self.current_id = self.table.current_id()
        self.show_status()
        self._update_title()
        self._refresh_lower()
        self.recomputes += 1

    def sync_latency_fields(self) -> None:
        """Show what the ttft/tpot fields apply to after the candidates changed: the common
        target, "mixed", or disabled when there is no self-hosted candidate."""
        for key in ("ttft", "tpot"):
            text, placeholder, enabled = self.session.latency_field(key)
            self.panel.set_field(key, text, placeholder, enabled)
        self.show_status()

    def _file_order(self) -> list[Any]:
        est = self.session.estimate
        assert est is not None
        by_id = {c.id: c for c in est.candidates}
        return [by_id[i] for i in self.session.candidate_ids if i in by_id]

    def show_status(self) -> None:
        self.panel.show_status(self._summary(), self.showing())

    def showing(self) -> str:
        """Which values the results on screen belong to, for the fields that hold an invalid
        value: ``1,000 req/day, 500 out tok``."""
        return ", ".join(self.session.describe(k) for k in self.panel.errors)

    def invalid_fields(self) -> str:
        """The invalid fields with what they hold and why: ``req/day '10x' (not a number)``."""
        return "; ".join(f"{self.session.field_label(k)} {self.panel.input(k).value!r} ({reason})"
                         for k, reason in self.panel.errors.items())

    def _save_refused(self) -> bool:
        """With a field holding an invalid value, the first save is refused with the reason;
        pressing save again (same invalid values) saves the last valid ones."""
        errors = self.panel.errors
        if not errors:
            self._save_anyway = None
            return False
        signature = tuple((k, self.panel.input(k).value) for k in errors)
        if self._save_anyway == signature:
            self._save_anyway = None
            return False
        self._save_anyway = signature
        self.notify(f"Not saved: {self.invalid_fields()} is not valid. Fix it, or save again to save the "
                    f"values the results are for ({self.showing()}).", title="Invalid field",
                    severity="error", timeout=10)
        return True

    def _summary(self) -> Text:
        est = self.session.estimate
        assert est is not None
        w = est.workload
        t = Text(no_wrap=True, overflow="ellipsis")
        rpm = w.get("requests_per_month")
        if rpm is not None:
            t.append(f"= {rpm:,.0f} req/mo, {tokens(w['input_tokens_per_month'])} in + "
                     f"{tokens(w['output_tokens_per_month'])} out tok/mo  ")
        t.append("★", "bold yellow")
        t.append(" best value ")
        t.append("▼", "bold yellow")
        t.append(" cheapest ")
        t.append("●", "bold yellow")
        t.append(" pinned")
        t.stylize("dim", 0, len(t))
        return t

    def _update_title(self) -> None:
        s = self.session
        name = s.scenario.name if s.scenario is not None else "tco"
        self.title = ("● " if s.modified else "") + name
        self.sub_title = s.display_name + (" (modified)" if s.modified else "")

    def _refresh_lower(self) -> None:
        bar = self.query_one("#viewbar", ViewBar)
        bar.set_view(self.view, self._view_subtitle())
        if self.view == "detail":
            self.query_one("#detail", DetailPane).show(partial(self.detail_text, self.current_id), self.current_id)
        else:
            self.query_one(f"#{self.view}", ChartView).refresh()

    def _view_subtitle(self) -> str:
        if self.view == "detail":
            return self.current_id or ""
        if self.view == "quality":
            return "◆ Pareto frontier · ◉ highlighted row"
        return "pinned rows (space)" if self.table.pinned else "highlighted, best value, cheapest; space pins"

    # ---- messages up ----

    @on(WorkloadPanel.Edited)
    def _edited(self, message: WorkloadPanel.Edited) -> None:
        self.apply_edit(message.key, message.text)

    def apply_edit(self, key: str, text: str) -> bool:
        """Try an edit; on failure mark the field and keep the last valid results."""
        try:
            self.session.edit(key, text)
        except EditError as e:
            self.panel.mark(key, str(e))
            self.show_status()
            return False
        self.panel.mark(key, None)
        self.push_results()
        if self.session.stale_warnings:
            if self._settle_timer is not None:
                self._settle_timer.stop()
            self._settle_timer = self.set_timer(0.4, self._settle)
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

    @on(DataTable.RowHighlighted, "#table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        cid = str(event.row_key.value) if event.row_key is not None else None
        if cid != self.current_id:
            self.current_id = cid
            self._refresh_lower()

    @on(CandidateTable.PinToggled)
    @on(CandidateTable.SortChanged)
    def _table_changed(self) -> None:
        self._refresh_lower()

    @on(ViewBar.Selected)
    def _view_selected(self, message: ViewBar.Selected) -> None:
        self.action_view(message.view)

    def on_resize(self) -> None:
        self._sweep_cache = None

    # ---- actions ----

    def action_view(self, view: str) -> None:
        if view == "volume":
            self.session.breakeven()  # at once when the chart is opened (then after a pause in typing)
        self.view = view
        self.query_one("#views", ContentSwitcher).current = view
        self._refresh_lower()

    def action_next_view(self) -> None:
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

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(self.help_sections()))

    # add / remove

    def add_choices(self) -> list[Choice]:
        s = self.session
        est = s.estimate
        assert est is not None
        present = {s.offer_id(i) for i in s.candidate_ids}
        as_of = date.fromisoformat(est.as_of)
        out: list[Choice] = []
        for oid, offer in s.catalog.offers.items():
            if oid in present:
                continue
            try:
                p = s.catalog.price_at(oid, as_of)
                pin, pout = p.per_mtok(p.input), p.per_mtok(p.output)
                price = (f"{'?' if pin is None else f'{pin:g}'} / {'?' if pout is None else f'{pout:g}'} "
                         f"{p.currency} per 1M")
            except Exception:  # noqa: BLE001 - not launched yet on as_of
                first = offer.launched or offer.prices[0].effective_from
                price = f"from {first}"
            out.append(Choice(oid, oid, f"{offer.name} · {price}", "api"))
        gpus = s.gpu_options()
        for mid, name in s.selfhost_options():
            for gpu, precision in gpus:
                entry = {"selfhost": {"model": mid, "precision": precision, "gpu": gpu, "gpus_per_node": 8}}
                out.append(Choice(entry, f"{mid} on {gpu}", f"{name} · {precision} · 8 GPUs per node", "selfhost"))
        return out

    def action_add_candidate(self) -> None:
        if isinstance(self.screen, AddCandidateScreen):
            return
        self.push_screen(AddCandidateScreen(self.add_choices(), self.try_add, blink=self.blink), self._added)

    def try_add(self, entry: Any) -> str | None:
        """Add a candidate; None when done, else why the scenario refused it."""
        before = set(self.session.candidate_ids)
        try:
            self.session.add_candidate(entry)
        except EditError as e:
            return str(e)
        self.push_results()
        self.sync_latency_fields()
        new = [i for i in self.session.candidate_ids if i not in before]
        if new:
            self.current_id = new[0]
            self.table.move_to(new[0])
            self._refresh_lower()
        return None

    def _added(self, title: str | None) -> None:
        if title:
            self.notify(f"added {title}", timeout=3)

    def add_entry(self, entry: Any) -> None:
        """Add from the command palette (errors become a notification)."""
        reason = self.try_add(entry)
        if reason:
            self.notify(f"cannot add: {reason}", severity="error")
        else:
            self.notify(f"added {entry if isinstance(entry, str) else 'self-hosted candidate'}", timeout=3)

    def action_remove_candidate(self) -> None:
        cid = self.table.current_id()
        if cid is not None:
            self.remove(cid)

    def remove(self, candidate_id: str) -> None:
        row = self.table.cursor_row
        try:
            index, entry = self.session.remove_candidate(candidate_id)
        except EditError as e:
            self.notify(str(e), severity="error")
            return
        self.removed.append((index, entry, candidate_id))
        self.current_id = None
        self.push_results()
        self.sync_latency_fields()
        if self.table.row_count:
            self.table.move_cursor(row=min(row, self.table.row_count - 1), animate=False)
            self.current_id = self.table.current_id()
            self._refresh_lower()
        self.notify(f"removed {candidate_id} · u puts it back", timeout=6)

    def action_undo_remove(self) -> None:
        """Put the last removed candidate back, in its place in the file."""
        if not self.removed:
            self.notify("nothing removed to put back", timeout=3)
            return
        index, entry, candidate_id = self.removed[-1]
        try:
            self.session.insert_candidate(index, entry)
        except EditError as e:
            self.notify(f"cannot put {candidate_id} back: {e}", severity="error")
            return
        self.removed.pop()
        self.push_results()
        self.sync_latency_fields()
        if candidate_id in self.session.candidate_ids:
            self.current_id = candidate_id
            self.table.move_to(candidate_id)
            self._refresh_lower()
        self.notify(f"put {candidate_id} back", timeout=3)

    # save / export / quit

    def action_save(self) -> None:
        if self._save_refused():
            return
        if self.session.path is None:
            self.action_save_as()
        else:
            self.save()

    def save(self, path: str | None = None) -> bool:
        try:
            p = self.session.save(path)
        except (EditError, TcoError, OSError) as e:
            self.notify(f"not saved: {e}", severity="error", timeout=8)
            return False
        bad = self.panel.errors
        note = f" with {self.showing()} (the invalid value{'s' if len(bad) > 1 else ''} not saved)" if bad else ""
        self.notify(f"saved {p}{note}", timeout=4)
        self._update_title()
        return True

    def _suggested_path(self) -> str:
        s = self.session
        if s.path is not None:
            return str(s.path)
        from ..catalog import default_scenario_path

        return default_scenario_path().name

    def action_save_as(self, then_quit: bool = False) -> None:
        if not then_quit and self._save_refused():
            return

        def done(path: str | None) -> None:
            if path and self.save(path) and then_quit:
                self.exit(0)

        title = "Save the scenario as"
        if self.session.path is None:
            title += "  [dim](the built-in example is read-only: this writes your own copy)[/]"
        self.push_screen(PathScreen(title, self._suggested_path(), self.blink), done)

    def action_export(self) -> None:
        s = self.session
        stem = (s.path.stem if s.path is not None else Path(self._suggested_path()).stem) + "-estimate"

        def done(result: str | None) -> None:
            if not result:
                return
            fmt, _, path = result.partition(":")
            try:
                p = self.session.export(fmt, path)
            except (TcoError, OSError) as e:
                self.notify(f"not exported: {e}", severity="error")
                return
            self.push_results()  # the export settled the warnings of workload edits
            self.notify(f"exported {fmt} to {p}", timeout=4)

        self.push_screen(ExportScreen(stem, self.blink), done)

    async def action_quit(self) -> None:
        pending = self.panel.errors
        if not self.session.modified and not pending:
            self.exit(0)
            return
        if isinstance(self.screen, QuitScreen):
            return

        def done(choice: str | None) -> None:
            if choice == "discard":
                self.exit(0)
            elif choice == "save":
                if self.session.path is None:
                    self.action_save_as(then_quit=True)
                elif self.save():
                    self.exit(0)

        note = ""
        if pending:
            note = (f"Not valid, so not saved either way: {self.invalid_fields()}. "
                    f"Save writes {self.showing()}.")
        self.push_screen(QuitScreen(self.session.display_name, note), done)

    # ---- discoverability ----

    def help_sections(self) -> list[tuple[str, list[tuple[str, str]]]]:
        def rows(bindings: Iterable[Binding | tuple[str, ...]]) -> list[tuple[str, str]]:
            out = []
            for b in bindings:
                if isinstance(b, Binding):
                    keys = ", ".join(self.get_key_display(Binding(k.strip(), b.action))
                                     for k in b.key.split(","))
                    out.append((keys, b.tooltip or b.description))
            return out

        return [
            ("Anywhere", rows(self.BINDINGS) + [("ctrl+p", "command palette: every action, add/remove by name"),
                                                ("tab / shift+tab", "next / previous field or pane")]),
            ("Candidates table", rows(CandidateTable.BINDINGS) + [
                ("↑ ↓ pgup pgdn", "move; the lower panel follows the highlighted row"),
                ("click a header", "sort by that column (again: reverse)")]),
            ("Workload fields", [
                ("type", "every edit recomputes at once; 10k, 1.5M and 30% are understood"),
                ("enter", "apply (same as typing)"),
                ("escape", "back to the table"),
                ("invalid value", "marked red with the reason below; the last valid results stay"),
                ("quality", "a profile name (general, code, ...) or weights: mmlu-cot:1, humaneval:1"),
                ("cur", "a currency code (CNY), or a code and its rate per USD (EUR 0.92), saved under fx:"),
                ("ttft / tpot", "latency targets (ms): typing sets them on every self-hosted candidate; "
                                "empty: none; mixed: they differ (left alone until you type)")]),
            ("Lower panel", [(k.upper(), t) for _, t, k in VIEWS] + [("v", "next view"),
                                                                     ("click a view name", "show it")]),
        ]

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Save", "Save the scenario (ctrl+s)", self.action_save)
        yield SystemCommand("Save as…", "Save the scenario to a new file (F12)", self.action_save_as)
        yield SystemCommand("Export…", "Export the table as CSV, Markdown, JSON or text (ctrl+e)", self.action_export)
        yield SystemCommand("Add candidate…", "Search the catalog: API offers and self-hosted (a, ctrl+n)",
                            self.action_add_candidate)
        yield SystemCommand("Remove highlighted candidate", "Remove the highlighted row (x, delete)",
                            self.action_remove_candidate)
        yield SystemCommand("Undo remove", "Put the last removed candidate back (u, ctrl+z)", self.action_undo_remove)
        yield SystemCommand("Pin / unpin highlighted candidate", "Choose the charts' candidates (space)",
                            self.action_pin)
        yield SystemCommand("Sort: next column", "Sort by the next column (s)", self.table.action_next_sort)
        yield SystemCommand("Sort: reverse", "Reverse the sort order (r)", self.table.action_reverse_sort)
        for key, _, _ in COLUMNS[1:]:
            yield SystemCommand(f"Sort by {SORT_NAMES[key]}", "Or click the column header", partial(self.action_sort, key))
        for vid, title, k in VIEWS:
            yield SystemCommand(f"Show {title}", f"Lower panel ({k.upper()})", partial(self.action_view, vid))
        yield SystemCommand("Next view", "Cycle detail and charts (v)", self.action_next_view)
        yield SystemCommand("Edit workload", "Move to the workload fields (e)", self.action_edit_workload)
        yield SystemCommand("Help", "Every key (F1, ?)", self.action_help)

    def palette_entries(self) -> list[tuple[str, str, Any]]:
        """Per-candidate and per-offer commands for the palette's search."""
        s = self.session
        out: list[tuple[str, str, Any]] = []
        for cid in s.candidate_ids:
            out.append((f"Remove {cid}", "remove this candidate", partial(self.remove, cid)))
            out.append((f"Go to {cid}", "highlight this candidate", partial(self.goto, cid)))
        for choice in self.add_choices():
            out.append((f"Add {choice.title}", choice.detail, partial(self.add_entry, choice.entry)))
        return out

    def goto(self, candidate_id: str) -> None:
        self.table.move_to(candidate_id)
        self.table.focus()


def run_app(path: str | None = None, catalog_dir: str | None = None) -> int:
    """Open the app on ``path`` (None: the built-in example, saved only through save-as)."""
    session = Session.open(path, catalog_dir)
    app = TcoApp(session)
    result = app.run()
    if app.return_code:
        return int(app.return_code)
    return int(result or 0)
