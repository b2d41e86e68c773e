"""The form for a new self-hosted candidate: GPU, precision, GPUs per replica and per node,
rent or buy, and a name. Empty fields take the catalog's defaults, which the placeholders
show; the scenario validates the entry (its reason stays on screen until it is fixed)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, RadioButton, RadioSet, Select, Static

from ...engine.selfhost.inputs import PRECISIONS
from ..fields import parse_number
from ..guard import Guarded
from .dialogs import MarkedRadioButton, hint_line, title_line


def _gpu_count(text: str, label: str, lo: int, hi: int) -> int | None:
    s = text.strip()
    if not s:
        return None
    try:
        v = parse_number(s)
    except ValueError:
        raise ValueError(f"{label}: a whole number from {lo} to {hi}") from None
    if not float(v).is_integer() or not lo <= v <= hi:
        raise ValueError(f"{label}: a whole number from {lo} to {hi}")
    return int(v)


def _amount(text: str, label: str) -> float | None:
    s = text.strip().lstrip("$")
    if not s:
        return None
    try:
        v = parse_number(s)
    except ValueError:
        raise ValueError(f"{label}: a number such as 2.99") from None
    if v <= 0:
        raise ValueError(f"{label}: more than 0")
    return v


class SelfhostForm(Guarded, ModalScreen[str | None]):
    """Dismisses with the added candidate's title, or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, spec: dict[str, Any], defaults_for: Callable[[str], dict[str, Any]],
                 gpus: list[tuple[str, str]], try_add: Callable[[Any], str | None], blink: bool = True) -> None:
        super().__init__()
        self.spec = dict(spec)
        self.defaults_for = defaults_for
        self.gpus = gpus
        self.try_add = try_add
        self.blink = blink

    def _input(self, key: str, label: str, value: str = "", width: int = 34) -> Horizontal:
        inp = Input(value=value, id=f"sf-{key}", compact=True)
        inp.cursor_blink = self.blink
        inp.styles.width = width
        return Horizontal(Label(label, classes="form-label"), inp, classes="form-row")

    def compose(self) -> ComposeResult:
        model = self.spec.get("model", "?")
        gpu = self.spec.get("gpu", self.gpus[0][0] if self.gpus else "")
        with Vertical(id="dialog"):
            yield Label(title_line(f"Self-host {model}", "empty fields: the catalog's defaults"), id="title")
            gpu_ids = [g for g, _ in self.gpus] or [gpu]
            if gpu not in gpu_ids:
                gpu_ids.insert(0, gpu)
            yield Horizontal(Label("GPU", classes="form-label"),
                             Select([(g, g) for g in gpu_ids], value=gpu, allow_blank=False, id="sf-gpu",
                                    compact=True), classes="form-row")
            yield Horizontal(Label("precision", classes="form-label"),
                             Select([(p, p) for p in PRECISIONS], value=self.spec.get("precision", "bf16"),
                                    allow_blank=False, id="sf-precision", compact=True), classes="form-row")
            yield self._input("gpus", "GPUs per replica")
            yield self._input("gpus_per_node", "GPUs per node")
            with RadioSet(id="sf-mode"):
                yield MarkedRadioButton("rent", value=True, id="sf-rent-mode")
                yield MarkedRadioButton("buy", id="sf-buy-mode")
            rent = self._input("rent", "rent USD/GPU-hour", width=10)
            rent.add_class("rent-row")
            with rent:  # the default's source beside the field, whole (wrapped): not cut in the placeholder
                yield Static("", id="sf-rent-note", classes="form-note")
            yield self._input("server_price", "server price USD")
            yield self._input("lifetime", "lifetime years")
            yield self._input("name", "name", width=50)
            yield Static("", id="error")
            yield Label(hint_line("enter add · tab next field · esc back to the search"), id="hint")

    def on_mount(self) -> None:
        self._placeholders()
        self._mode()
        self.query_one("#sf-gpus", Input).focus()

    def _value(self, key: str) -> str:
        return self.query_one(f"#sf-{key}", Input).value

    def _gpu(self) -> str:
        return str(self.query_one("#sf-gpu", Select).value)

    def _precision(self) -> str:
        return str(self.query_one("#sf-precision", Select).value)

    def _buying(self) -> bool:
        return self.query_one("#sf-buy-mode", RadioButton).value

    @on(Select.Changed)
    def _placeholders(self) -> None:
        d = self.defaults_for(self._gpu())
        rent = d.get("rent")
        self.query_one("#sf-gpus", Input).placeholder = "auto: the fewest that fit"
        self.query_one("#sf-gpus_per_node", Input).placeholder = str(d.get("gpus_per_node", 8))
        self.query_one("#sf-rent", Input).placeholder = f"{rent[0]:g}" if rent else ""
        self.query_one("#sf-rent-note", Static).update(Text(f"({rent[1]})" if rent else "none on record", "dim"))
        sp, life = d.get("server_price"), d.get("lifetime_years")
        self.query_one("#sf-server_price", Input).placeholder = f"{sp:,.0f}" if sp else "none on record"
        self.query_one("#sf-lifetime", Input).placeholder = f"{life:g}" if life else "none on record"
        self.query_one("#sf-name", Input).placeholder = f"{self.spec.get('model')} {self._precision()} on {self._gpu()}"

    @on(RadioSet.Changed, "#sf-mode")
    def _mode(self) -> None:
        buying = self._buying()
        self.query_one("#sf-rent", Input).disabled = buying
        self.query_one("#sf-server_price", Input).disabled = not buying
        self.query_one("#sf-lifetime", Input).disabled = not buying

    def entry(self) -> dict[str, Any]:
        """The ``{selfhost: {...}}`` entry the form describes; ValueError with the field's
        own words when a value is not one."""
        spec: dict[str, Any] = {"model": self.spec.get("model"), "precision": self._precision(), "gpu": self._gpu()}
        gpus = _gpu_count(self._value("gpus"), "GPUs per replica", 1, 1024)
        per_node = _gpu_count(self._value("gpus_per_node"), "GPUs per node", 1, 16)
        if per_node is not None:
            spec["gpus_per_node"] = per_node
        if gpus is not None:
            spec["gpus"] = gpus
        if self._buying():
            buy: dict[str, Any] = {}
            price = _amount(self._value("server_price"), "server price")
            life = _amount(self._value("lifetime"), "lifetime years")
            if price is not None:
                buy["server_price"] = price
            if life is not None:
                buy["lifetime_years"] = life
            spec["buy"] = buy
        else:
            rent = _amount(self._value("rent"), "rent USD/GPU-hour")
            if rent is not None:
                spec["rent_per_gpu_hour"] = rent
        name = self._value("name").strip()
        if name:
            spec["name"] = name
        return {"selfhost": spec}

    @on(Input.Changed)
    def _changed(self) -> None:
        self.query_one("#error", Static).update("")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        err = self.query_one("#error", Static)
        try:
            entry = self.entry()
        except ValueError as e:
            err.update(Text(f"✗ {e}", "red"))
            return
        reason = self.try_add(entry)
        if reason is None:
            sh = entry["selfhost"]
            self.dismiss(sh.get("name") or f"{sh['model']} {sh['precision']} on {sh['gpu']}")
        else:
            err.update(Text(f"✗ cannot add it: {reason}", "red"))

    def action_cancel(self) -> None:
        self.dismiss(None)
