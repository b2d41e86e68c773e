"""Discoverability: the command palette (every action, plus add/remove/rename by name) and the
help screen listing every key. Mixed into :class:`~tco.tui.app.TcoApp`."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import TYPE_CHECKING, Any

from functools import cache

from textual.app import SystemCommand
from textual.binding import Binding

if TYPE_CHECKING:
    from textual.command import Provider
    from textual.screen import Screen

    from .state import Session
    from .widgets.candidates import CandidateTable


@cache
def candidate_commands() -> type[Provider]:
    """The command-palette provider of entries per candidate and per catalog offer (add X,
    remove X, rename X), made when the palette first opens (textual.command loads then)."""
    from textual.command import Hit, Hits, Provider

    class CandidateCommands(Provider):
        async def search(self, query: str) -> Hits:
            app = self.app
            entries = getattr(app, "palette_entries", None)
            if entries is None or getattr(app, "session", None) is None:
                return
            matcher = self.matcher(query)
            for title, help_text, callback in entries():
                score = matcher.match(title)
                if score > 0:
                    yield Hit(score, matcher.highlight(title), callback, help=help_text)

    return CandidateCommands


class Discoverable:
    """Help sections, system commands and palette entries of the app."""

    session: Session
    table: CandidateTable
    BINDINGS: list[Binding]

    def help_sections(self) -> list[tuple[str, list[tuple[str, str]]]]:
        from .widgets.candidates import CandidateTable
        from .widgets.chart import VIEWS

        def rows(bindings: Iterable[Binding | tuple[str, ...]]) -> list[tuple[str, str]]:
            out = []
            for b in bindings:
                if isinstance(b, Binding):
                    keys = ", ".join(self.get_key_display(Binding(k.strip(), b.action))  # type: ignore[attr-defined]
                                     for k in b.key.split(","))
                    out.append((keys, b.tooltip or b.description))
            return out

        return [
            ("Anywhere", rows(self.BINDINGS) + [("ctrl+p", "command palette: every action, add/remove/rename by name"),
                                                ("tab / shift+tab", "next / previous field or pane")]),
            ("Candidates table", rows(CandidateTable.BINDINGS) + [
                ("↑ ↓ pgup pgdn", "move; the lower panel follows the highlighted row"),
                ("click a header", "sort by that column (again: reverse)")]),
            ("Workload fields", [
                ("type", "every edit recomputes at once; 10k, 1.5M and 30% are understood"),
                ("enter", "apply (same as typing)"),
                ("escape", "back to the table"),
                ("ctrl+z", "undo: what you typed into a field is one step"),
                ("invalid value", "marked red with the reason below; the last valid results stay"),
                ("quality", "a profile name (general, code, ...) or weights: mmlu-cot:1, humaneval:1"),
                ("cur", "a currency code (CNY), or a code and its rate per USD (EUR 0.92), saved under fx:"),
                ("ttft / tpot", "latency targets (ms): typing sets them on every self-hosted candidate; "
                                "none: no target; empty: the default, shown greyed (2000 (default)); mixed: "
                                "they differ (emptying the field gives each its own again)")]),
            ("Lower panel", [(k.upper(), t) for _, t, k in VIEWS] + [
                ("v", "next view"), ("click a view name", "show it"),
                ("shift+↑ ↓, shift+pgup pgdn", "scroll the lower panel (from the table too)")]),
        ]

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        from .widgets.candidates import COLUMNS, SORT_NAMES
        from .widgets.chart import VIEWS

        yield from super().get_system_commands(screen)  # type: ignore[misc]
        if self.session is None:
            return
        app: Any = self
        yield SystemCommand("Save", "Save the scenario (ctrl+s)", app.action_save)
        yield SystemCommand("Save as…", "Save the scenario to a new file (F12)", app.action_save_as)
        yield SystemCommand("Export…", "Export the table as CSV, Markdown, JSON or text (ctrl+e)", app.action_export)
        yield SystemCommand("Add candidate…", "Search the catalog: API offers and self-hosted (a, ctrl+n)",
                            app.action_add_candidate)
        yield SystemCommand("Remove highlighted candidate", "Remove the highlighted row (x, delete)",
                            app.action_remove_candidate)
        yield SystemCommand("Rename highlighted candidate…", "Its name in the table, saved as name: or label: (n)",
                            app.action_rename)
        yield SystemCommand("Undo", "Undo the last change of any kind (ctrl+z, u)", app.action_undo)
        yield SystemCommand("Redo", "Do again what was undone (ctrl+y)", app.action_redo)
        yield SystemCommand("Pin / unpin highlighted candidate", "Add it to the charts (space)", app.action_pin)
        yield SystemCommand("Ranges: samples on / off", "P10–P90 monthly and P(best) columns, Monte Carlo over the "
                            "scenario's ranges (m)", app.action_toggle_uncertainty)
        yield SystemCommand("Sort: next column", "Sort by the next column (s)", self.table.action_next_sort)
        yield SystemCommand("Sort: reverse", "Reverse the sort order (r)", self.table.action_reverse_sort)
        for key, _, _ in COLUMNS[1:]:
            yield SystemCommand(f"Sort by {SORT_NAMES[key]}", "Or click the column header",
                                partial(app.action_sort, key))
        for vid, title, k in VIEWS:
            yield SystemCommand(f"Show {title}", f"Lower panel ({k.upper()})", partial(app.action_view, vid))
        yield SystemCommand("Next view", "Cycle detail and charts (v)", app.action_next_view)
        yield SystemCommand("Edit workload", "Move to the workload fields (e)", app.action_edit_workload)
        yield SystemCommand("Help", "Every key (F1, ?)", app.action_help)

    def palette_entries(self) -> list[tuple[str, str, Any]]:
        """Per-candidate and per-offer commands for the palette's search."""
        app: Any = self
        out: list[tuple[str, str, Any]] = []
        for cid in self.session.candidate_ids:
            out.append((f"Remove {cid}", "remove this candidate", partial(app.remove, cid)))
            out.append((f"Rename {cid}", "give it another name", partial(app.action_rename, cid)))
            out.append((f"Go to {cid}", "highlight this candidate", partial(self.goto, cid)))
        for choice in app.add_choices():
            out.append((f"Add {choice.title}", choice.detail, partial(app.add_entry, choice.entry)))
        return out

    def goto(self, candidate_id: str) -> None:
        self.table.move_to(candidate_id)
        self.table.focus()

    def action_help(self) -> None:
        from .screens.dialogs import HelpScreen

        app: Any = self
        if isinstance(app.screen, HelpScreen):
            return
        app.push_screen(HelpScreen(self.help_sections()))
