"""The file: save (refused once while a field holds an invalid value), save as, export with the
CLI's renderers, quit with a question about unsaved changes. Mixed into
:class:`~tco.tui.app.TcoApp`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import TcoError
from .fields import EditError

if TYPE_CHECKING:
    from .state import Session
    from .widgets.workload import WorkloadPanel


class FileActions:
    """Save, save as, export, quit."""

    session: Session
    panel: WorkloadPanel
    blink: bool
    _save_anyway: tuple[tuple[str, str], ...] | None

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
        app: Any = self
        errors = self.panel.errors
        if not errors:
            self._save_anyway = None
            return False
        signature = tuple((k, self.panel.input(k).value) for k in errors)
        if self._save_anyway == signature:
            self._save_anyway = None
            return False
        self._save_anyway = signature
        app.notify(f"Not saved: {self.invalid_fields()} is not valid. Fix it, or save again to save the "
                   f"values the results are for ({self.showing()}).", title="Invalid field",
                   severity="error", timeout=10, kind="save")
        return True

    def action_save(self) -> None:
        if self._save_refused():
            return
        if self.session.path is None:
            self.action_save_as()
        else:
            self.save()

    def save(self, path: str | None = None) -> bool:
        app: Any = self
        try:
            p = self.session.save(path)
        except (EditError, TcoError, OSError) as e:
            app.notify(f"not saved: {e}", severity="error", timeout=8, kind="save")
            return False
        bad = self.panel.errors
        note = f" with {self.showing()} (the invalid value{'s' if len(bad) > 1 else ''} not saved)" if bad else ""
        app.notify(f"saved {p}{note}", timeout=4, kind="save")
        app.update_title()
        return True

    def _suggested_path(self) -> str:
        s = self.session
        if s.path is not None:
            return str(s.path)
        from ..catalog import default_scenario_path

        return default_scenario_path().name

    def action_save_as(self, then_quit: bool = False) -> None:
        from .screens.dialogs import PathScreen

        app: Any = self
        if not then_quit and self._save_refused():
            return

        def done(path: str | None) -> None:
            if path and self.save(path) and then_quit:
                app.exit(0)

        note = ""
        if self.session.path is None:
            note = "the built-in example is read-only: this writes your own copy"
        app.push_screen(PathScreen("Save the scenario as", self._suggested_path(), self.blink, note=note), done)

    def action_export(self) -> None:
        from .screens.dialogs import ExportScreen

        app: Any = self
        s = self.session
        stem = (s.path.stem if s.path is not None else Path(self._suggested_path()).stem) + "-estimate"

        def done(result: str | None) -> None:
            if not result:
                return
            fmt, _, path = result.partition(":")
            try:
                p = self.session.export(fmt, path)
            except (TcoError, OSError) as e:
                app.notify(f"not exported: {e}", severity="error", kind="export")
                return
            app.push_results()  # the export settled the warnings of workload edits
            if self.panel.errors:  # said, as a save says it: the numbers are those of the last valid values
                app.notify(f"exported {fmt} to {p} with {self.showing()}: {self.invalid_fields()} is not valid "
                           "and not in it", severity="warning", timeout=10, kind="export")
                return
            app.notify(f"exported {fmt} to {p}", timeout=4, kind="export")

        app.push_screen(ExportScreen(stem, self.blink), done)

    async def action_quit(self) -> None:
        from .screens.dialogs import QuitScreen

        app: Any = self
        if self.session is None:  # still opening
            app.exit(0)
            return
        pending = self.panel.errors
        if not self.session.modified and not pending:
            app.exit(0)
            return
        if isinstance(app.screen, QuitScreen):
            return

        def done(choice: str | None) -> None:
            if choice == "discard":
                app.exit(0)
            elif choice == "save":
                if self.session.path is None:
                    self.action_save_as(then_quit=True)
                elif self.save():
                    app.exit(0)

        note = ""
        if pending:
            note = (f"Not valid, so not saved either way: {self.invalid_fields()}. "
                    f"Save writes {self.showing()}.")
        app.push_screen(QuitScreen(self.session.display_name, note), done)
