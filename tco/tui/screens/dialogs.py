"""Small modal dialogs: unsaved changes on quit, a path (save as), export, help."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from collections.abc import Callable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Static

from ..guard import Guarded


def title_line(title: str, note: str = "") -> Text:
    """A dialog's title (bold) and a note (dim), as plain text: a file name or a candidate
    name with brackets in it is shown as it is, never read as markup."""
    t = Text(title, "bold")
    if note:
        t.append(f"  ({note})", "dim")
    return t


def hint_line(text: str) -> Text:
    return Text(text, "dim")


class MarkedRadioButton(RadioButton):
    """A radio button whose choice reads without colour: ``▐●▌`` when chosen, ``▐ ▌`` when
    not (Textual draws ``●`` in both and tells them apart by colour alone)."""

    def render(self) -> Any:
        self.BUTTON_INNER = RadioButton.BUTTON_INNER if self.value else " "
        return super().render()


class QuitScreen(Guarded, ModalScreen[str]):
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
        with Vertical(id="dialog"):
            yield Label(title_line("Unsaved changes"), id="title")
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


class PathScreen(Guarded, ModalScreen[str | None]):
    """Ask for a file path. An existing file is only replaced after a second enter on the same
    path; a missing directory is refused."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, initial: str, blink: bool = True, action: str = "save", note: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.note = note
        self.initial = initial
        self.blink = blink
        self.action_word = action
        self._confirm: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(title_line(self.title_text, self.note), id="title")
            yield from self.extra()
            inp = Input(value=self.initial, placeholder="path/to/file", id="path", compact=True)
            inp.cursor_blink = self.blink
            yield inp
            yield Static("", id="error")
            yield Label(hint_line(f"enter {self.action_word} · esc cancel"), id="hint")

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
            err.update(Text("give a file name", "red"))
            return
        try:
            p = Path(os.path.expanduser(text))
            if p.is_dir():
                err.update(Text(f"{p} is a directory: add a file name", "red"))
                return
            parent = p.parent if str(p.parent) else Path(".")
            if not parent.is_dir():
                err.update(Text(f"no such directory: {parent}", "red"))
                return
            exists = p.exists()
        except (OSError, ValueError) as e:  # a name the system refuses (too long, NUL byte, ...)
            err.update(Text(f"not a usable file name: {e}", "red"))
            return
        if exists and self._confirm != str(p):
            self._confirm = str(p)
            msg = Text(f"{p} exists. ", "bold yellow")
            msg.append("Press enter again to overwrite it, or change the name.", "yellow")
            err.update(msg)
            return
        self.dismiss(self.result_for(str(p)))

    def result_for(self, path: str) -> str:
        return path

    def action_cancel(self) -> None:
        self.dismiss(None)


EXPORT_FORMATS = (("csv", "CSV", ".csv"), ("markdown", "Markdown", ".md"), ("json", "JSON", ".json"),
                  ("table", "Text", ".txt"))
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
            yield Label(title_line(self.title_text), id="title")
            with RadioSet(id="formats"):
                for f, label, ext in EXPORT_FORMATS:
                    yield MarkedRadioButton(label, value=f == self.fmt, id=f"fmt-{f}")  # the path shows the extension
            inp = Input(value=self.initial, placeholder="path/to/file", id="path", compact=True)
            inp.cursor_blink = self.blink
            yield inp
            yield Static("", id="error")
            yield Label(hint_line("enter export · F6 next format · esc cancel"), id="hint")

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


class HelpScreen(Guarded, ModalScreen[None]):
    """Every key, grouped, with what it does."""

    BINDINGS = [Binding("escape,f1,question_mark,q", "close", "Close")]

    def __init__(self, sections: list[tuple[str, list[tuple[str, str]]]]) -> None:
        super().__init__()
        self.sections = sections

    def _body(self) -> Any:
        from rich.console import Group
        from rich.table import Table

        parts: list[Any] = []
        for title, rows in self.sections:
            parts.append(Text(title, "bold underline"))
            grid = Table.grid(padding=(0, 1))  # a long description wraps under itself, not under the keys
            grid.add_column(width=20, no_wrap=True, style="bold cyan")
            grid.add_column(ratio=1)
            for key, what in rows:
                grid.add_row(f"  {key}", what)
            parts += [grid, Text("")]
        return Group(*parts)

    def plain(self, width: int = 70) -> str:
        """What the help shows, as plain text ``width`` columns wide."""
        import io

        from rich.console import Console

        console = Console(width=width, record=True, file=io.StringIO())
        console.print(self._body())
        return console.export_text()

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(title_line("tco keys", "every action is also in the command palette, ctrl+p"), id="title")
            with VerticalScroll(id="help-body"):
                yield Static(self._body())
            yield Label(hint_line("esc close"), id="hint")

    def action_close(self) -> None:
        self.dismiss(None)


class TextScreen(Guarded, ModalScreen[str | None]):
    """Ask for one line of text (a name); ``check(text)`` says what is wrong with it, or None.
    Dismisses with the text, or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, initial: str, note: str, check: Callable[[str], str | None],
                 blink: bool = True, placeholder: str = "a name") -> None:
        super().__init__()
        self.placeholder = placeholder
        self.title_text = title
        self.initial = initial
        self.note = note
        self.check = check
        self.blink = blink

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(title_line(self.title_text, self.note), id="title")
            inp = Input(value=self.initial, placeholder=self.placeholder, id="text", compact=True,
                        select_on_focus=True)
            inp.cursor_blink = self.blink
            yield inp
            yield Static("", id="error")
            yield Label(hint_line("enter rename · esc cancel"), id="hint")

    def on_mount(self) -> None:
        self.query_one("#text", Input).focus()

    @on(Input.Changed, "#text")
    def _changed(self, event: Input.Changed) -> None:
        problem = self.check(event.value)
        self.query_one("#error", Static).update(Text(problem, "red") if problem else "")

    @on(Input.Submitted, "#text")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        problem = self.check(event.value)
        if problem:
            self.query_one("#error", Static).update(Text(problem, "red"))
            return
        self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)
