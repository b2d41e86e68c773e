"""Small modal dialogs: unsaved changes on quit, a path (save as), export, help."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Static


class QuitScreen(ModalScreen[str]):
    """Unsaved changes: save, discard or cancel. Dismisses with "save", "discard" or "cancel"."""

    BINDINGS = [
        Binding("s", "choose('save')", "Save"),
        Binding("d", "choose('discard')", "Discard"),
        Binding("escape,c", "choose('cancel')", "Cancel"),
    ]

    def __init__(self, name: str, note: str = "") -> None:
        super().__init__()
        self.doc_name = name
        self.note = note

    def compose(self) -> ComposeResult:
        from rich.text import Text

        with Vertical(id="dialog"):
            yield Label("[b]Unsaved changes[/]", id="title")
            yield Static(Text(f"{self.doc_name} has changes that are not saved. Save them before quitting?"))
            if self.note:
                yield Static(Text(self.note, "yellow"))
            with Horizontal(classes="buttons"):
                yield Button("Save (s)", id="save", variant="primary")
                yield Button("Discard (d)", id="discard", variant="error")
                yield Button("Cancel (esc)", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#save", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(str(event.button.id))

    def action_choose(self, what: str) -> None:
        self.dismiss(what)


class PathScreen(ModalScreen[str | None]):
    """Ask for a file path. An existing file is only replaced after a second enter on the same
    path; a missing directory is refused."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, initial: str, blink: bool = True, action: str = "save") -> None:
        super().__init__()
        self.title_text = title
        self.initial = initial
        self.blink = blink
        self.action_word = action
        self._confirm: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(f"[b]{self.title_text}[/]", id="title")
            yield from self.extra()
            inp = Input(value=self.initial, placeholder="path/to/file", id="path", compact=True)
            inp.cursor_blink = self.blink
            yield inp
            yield Static("", id="error")
            yield Label(f"[dim]enter {self.action_word} · esc cancel[/]", id="hint")

    def extra(self) -> Iterable[Static | RadioSet]:
        return ()

    def on_mount(self) -> None:
        self.query_one("#path", Input).focus()

    @on(Input.Changed, "#path")
    def _changed(self) -> None:
        self._confirm = None
        self.query_one("#error", Static).update("")

    @on(Input.Submitted, "#path")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.submit(event.value)

    def submit(self, value: str) -> None:
        err = self.query_one("#error", Static)
        text = value.strip()
        if not text:
            err.update("[red]give a file name[/]")
            return
        p = Path(os.path.expanduser(text))
        if p.is_dir():
            err.update(f"[red]{p} is a directory: add a file name[/]")
            return
        parent = p.parent if str(p.parent) else Path(".")
        if not parent.is_dir():
            err.update(f"[red]no such directory: {parent}[/]")
            return
        if p.exists() and self._confirm != str(p):
            self._confirm = str(p)
            err.update(f"[b yellow]{p} exists.[/] [yellow]Press enter again to overwrite it, "
                       "or change the name.[/]")
            return
        self.dismiss(self.result_for(str(p)))

    def result_for(self, path: str) -> str:
        return path

    def action_cancel(self) -> None:
        self.dismiss(None)


EXPORT_FORMATS = (("csv", "CSV", ".csv"), ("markdown", "Markdown", ".md"), ("json", "JSON", ".json"),
                  ("table", "Text table", ".txt"))
"""(format, label, file extension) offered by the export dialog: the CLI's renderers."""


class ExportScreen(PathScreen):
    """Choose a format (the CLI's renderers) and a path. Dismisses with "FORMAT:PATH"."""

    BINDINGS = [Binding("escape", "cancel", "Cancel"),
                Binding("f6", "next_format", "Next format")]

    def __init__(self, stem: str, blink: bool = True, fmt: str = "csv") -> None:
        ext = dict((f, e) for f, _, e in EXPORT_FORMATS)[fmt]
        super().__init__("Export the table", f"{stem}{ext}", blink, action="export")
        self.stem = stem
        self.fmt = fmt

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(f"[b]{self.title_text}[/]", id="title")
            with RadioSet(id="formats"):
                for f, label, ext in EXPORT_FORMATS:
                    yield RadioButton(f"{label} ({ext})", value=f == self.fmt, id=f"fmt-{f}")
            inp = Input(value=self.initial, placeholder="path/to/file", id="path", compact=True)
            inp.cursor_blink = self.blink
            yield inp
            yield Static("", id="error")
            yield Label("[dim]enter export · F6 next format · esc cancel[/]", id="hint")

    @on(RadioSet.Changed, "#formats")
    def _format(self, event: RadioSet.Changed) -> None:
        new = str(event.pressed.id).removeprefix("fmt-")
        self.set_format(new)

    def set_format(self, new: str) -> None:
        exts = {f: e for f, _, e in EXPORT_FORMATS}
        inp = self.query_one("#path", Input)
        old_ext = exts[self.fmt]
        if inp.value.endswith(old_ext):
            inp.value = inp.value[: -len(old_ext)] + exts[new]
        self.fmt = new
        inp.focus()

    def action_next_format(self) -> None:
        fmts = [f for f, _, _ in EXPORT_FORMATS]
        nxt = fmts[(fmts.index(self.fmt) + 1) % len(fmts)]
        self.query_one(f"#fmt-{nxt}", RadioButton).value = True

    def result_for(self, path: str) -> str:
        return f"{self.fmt}:{path}"


class HelpScreen(ModalScreen[None]):
    """Every key, grouped, with what it does."""

    BINDINGS = [Binding("escape,f1,question_mark,q", "close", "Close")]

    def __init__(self, sections: list[tuple[str, list[tuple[str, str]]]]) -> None:
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        from rich.markup import escape

        lines = []
        for title, rows in self.sections:
            lines.append(f"[b underline]{title}[/]")
            for key, what in rows:
                lines.append(f"  [b cyan]{escape(key):<18}[/] {escape(what)}")
            lines.append("")
        with Vertical(id="dialog"):
            yield Label("[b]tco keys[/]  [dim](every action is also in the command palette, ctrl+p)[/]", id="title")
            with VerticalScroll(id="help-body"):
                yield Static("\n".join(lines))
            yield Label("[dim]esc close[/]", id="hint")

    def action_close(self) -> None:
        self.dismiss(None)
