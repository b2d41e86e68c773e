"""The workload panel: one compact, validated input per field, and a status line.

The panel does not edit the scenario itself: it posts :class:`WorkloadPanel.Edited` with
the text typed, the app tries the edit and calls :meth:`WorkloadPanel.mark` with the
reason when it was refused (attributes down, messages up).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, Label, Static

from ..fields import FIELDS
from ..guard import Guarded

ROWS = (
    ("volume", "input_tokens", "output_tokens"),
    ("as_of", "currency", "ttft", "tpot"),
    ("cached", "peak", "profile"),
)
"""Field keys, row by row."""

RANGE_WIDTH = 20
"""The most a field holding a range (``30k..100k..300k``) is widened to, to show it whole (the
volume and token fields have a row of their own: three ranges fit in 80 columns)."""


class FieldInput(Input):
    """A compact input bound to one scenario field."""

    def __init__(self, key: str, value: str, blink: bool) -> None:
        spec = FIELDS[key]
        super().__init__(value=value, placeholder=spec.placeholder, id=f"f-{key}", compact=True,
                         select_on_focus=True)
        self.field_key = key
        self.cursor_blink = blink
        self.tooltip = spec.help


class WorkloadPanel(Guarded, Vertical):
    """Editable workload, date, currency, quality profile and latency targets."""

    @dataclass
    class Edited(Message):
        """The user changed the text of a field."""

        key: str
        text: str

    def __init__(self, values: dict[str, str], labels: dict[str, str], blink: bool = True,
                 id: str | None = None) -> None:
        super().__init__(id=id)
        self._values = values
        self._labels = labels
        self._blink = blink
        self.errors: dict[str, str] = {}
        """Field key -> why its current text was refused."""
        self._widened: set[str] = set()
        self._summary: Callable[[int], Text] | None = None
        """The status line at a width (see :meth:`show_status`)."""

    def compose(self) -> ComposeResult:
        for r, row in enumerate(ROWS):
            with Horizontal(classes="field-row", id=f"row-{r}"):
                for key in row:
                    with Horizontal(classes=f"field field-{key}"):
                        yield Label(self._labels[key], classes="field-label", id=f"l-{key}")
                        yield FieldInput(key, self._values[key], self._blink)
        yield Static("", id="status")

    def on_mount(self) -> None:
        self.fit_ranges()

    def on_resize(self) -> None:
        self.fit_ranges()
        if self._summary is not None and not self.errors:
            self.show_status(self._summary)

    def fit_ranges(self) -> None:
        """A field holding a range is as wide as its text (at most :data:`RANGE_WIDTH`; else
        the CSS width)."""
        # the first row's three fields share what its labels leave (27 columns of labels and gaps)
        first = min(RANGE_WIDTH, max(8, (self.app.size.width - 27) // 3))
        for inp in self.query(FieldInput):
            if ".." in inp.value:
                inp.styles.width = min(len(inp.value) + 1, first if inp.field_key in ROWS[0] else RANGE_WIDTH)
                self._widened.add(inp.field_key)
            elif inp.field_key in self._widened:
                inp.styles.width = None  # the CSS width again
                self._widened.discard(inp.field_key)

    @on(Input.Changed, "FieldInput")
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        assert isinstance(event.input, FieldInput)
        self.fit_ranges()
        self.post_message(self.Edited(event.input.field_key, event.value))

    @on(Input.Submitted, "FieldInput")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        assert isinstance(event.input, FieldInput)
        self.post_message(self.Edited(event.input.field_key, event.value))

    def input(self, key: str) -> FieldInput:
        return self.query_one(f"#f-{key}", FieldInput)

    def set_values(self, values: dict[str, str], labels: dict[str, str], clear_errors: bool = False) -> None:
        """Show these values without posting edits (after an undo); a field holding an
        invalid value keeps it unless ``clear_errors``."""
        for key, text in values.items():
            inp = self.input(key)
            if clear_errors:
                self.mark(key, None)
            if inp.value != text and key not in self.errors:
                with inp.prevent(Input.Changed):
                    inp.value = text
        for key, text in labels.items():
            self.query_one(f"#l-{key}", Label).update(text)
        self.fit_ranges()

    def set_field(self, key: str, text: str | None, placeholder: str, enabled: bool) -> None:
        """Show a field's value (None: leave what is typed), placeholder and whether it takes
        input, without posting an edit (a field holding an invalid value keeps it). A long
        placeholder (``no self-hosted``, ``2000 (default)``) widens the field to show it whole."""
        inp = self.input(key)
        inp.placeholder = placeholder
        inp.disabled = not enabled
        inp.set_class(len(placeholder) > 7, "wide")
        if not enabled:
            self.errors.pop(key, None)
            inp.remove_class("bad")
        if text is not None and inp.value != text and key not in self.errors:
            with inp.prevent(Input.Changed):
                inp.value = text

    def mark(self, key: str, reason: str | None) -> None:
        """Flag a field as invalid with ``reason`` (None clears it)."""
        inp = self.input(key)
        if reason is None:
            self.errors.pop(key, None)
            inp.remove_class("bad")
            inp.tooltip = FIELDS[key].help
        else:
            reason = reason.removeprefix(f"{FIELDS[key].label}: ")  # said next to the field already
            self.errors[key] = reason
            inp.add_class("bad")
            inp.tooltip = reason

    def show_status(self, summary: Callable[[int], Text], showing: str = "") -> None:
        """The status line: the reasons for invalid fields and which values the results on
        screen belong to (``showing``), else ``summary(width)`` (drawn again at a new width)."""
        self._summary = summary
        status = self.query_one("#status", Static)
        if self.errors:
            t = Text()
            for i, (key, reason) in enumerate(self.errors.items()):
                if i:
                    t.append("  ")
                t.append(f"✗ {FIELDS[key].label}: ", "bold red")
                t.append(reason, "red")
            t.append(f"  (showing results for {showing})" if showing else "  (showing the last valid results)",
                     "bold")
            status.update(t)
            status.add_class("bad")
        else:
            # one line, fixed height: no relayout needed unless it was showing errors
            width = self.content_size.width or self.app.size.width - 2
            status.update(summary(width), layout=status.has_class("bad"))
            status.remove_class("bad")
