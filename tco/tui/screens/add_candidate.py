"""Add a candidate: fuzzy search over the catalog's API offers and self-hosted deployments."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.fuzzy import Matcher
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from ..guard import Guarded
from .dialogs import hint_line, title_line


@dataclass(frozen=True)
class Choice:
    """One thing that can be added: the scenario entry and how it is shown and searched."""

    entry: Any
    """An offer id, or ``{"selfhost": {...}}``."""
    title: str
    detail: str = ""
    kind: str = "api"
    retired: bool = False
    """Shut down before the as-of date: shown after every match on sale."""


def rank(choices: list[Choice], query: str) -> list[Choice]:
    """The choices every word of ``query`` matches (fuzzy, in the title or detail), best first: a
    title the query names exactly (``claude-sonnet-5`` is ``anthropic/claude-sonnet-5``), then titles
    holding the query as typed (``google/claude-sonnet-5-5``), then the other matches; within each,
    the higher match score, then the shorter title (of equal scores the closest: ``deepseek-v3.2``
    before ``deepseek-v3.2-exp``), then the catalog's order; retired offers last. No words: all, in
    order."""
    words = query.split()
    if not words:
        return list(choices)
    matchers = [Matcher(w) for w in words]
    typed = " ".join(words).lower()
    ranked = []
    for i, c in enumerate(choices):
        hay = f"{c.title} {c.detail}"
        scores = [m.match(hay) for m in matchers]
        if all(scores):
            title = c.title.lower()
            tier = 0 if typed in (title, title.rsplit("/", 1)[-1]) else 1 if typed in title else 2
            ranked.append((c.retired, tier, -sum(scores), len(c.title), i, c))
    ranked.sort(key=lambda r: r[:5])
    return [r[5] for r in ranked]


class AddCandidateScreen(Guarded, ModalScreen[str | None]):
    """Type to filter, up/down to choose, enter to add; escape closes.

    ``try_add(entry)`` returns None when the scenario took the candidate, else the reason it
    was refused, which stays on screen. A self-hosted choice opens ``configure(entry, done)``
    (the form for GPUs, precision, rent or buy and a name) when given; ``done(title)`` with a
    title closes the search too.
    """

    BINDINGS = [
        Binding("escape", "cancel", "Close"),
        Binding("down", "move(1)", "Down", show=False),
        Binding("up", "move(-1)", "Up", show=False),
        Binding("pagedown", "move(8)", "Page down", show=False),
        Binding("pageup", "move(-8)", "Page up", show=False),
    ]

    LIMIT = 200

    def __init__(self, choices: list[Choice], try_add: Callable[[Any], str | None], blink: bool = True,
                 configure: Callable[[Any, Callable[[str | None], None]], None] | None = None) -> None:
        super().__init__()
        self.choices = choices
        self.try_add = try_add
        self.configure = configure
        self.blink = blink
        self.shown: list[Choice] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(title_line("Add a candidate", "API offers, and open models self-hosted on a GPU"), id="title")
            search = Input(placeholder="search: gpt-4o, deepseek, llama 70b h100 ...", id="search", compact=True)
            search.cursor_blink = self.blink
            yield search
            yield OptionList(id="results")
            yield Static("", id="error")
            yield Label(hint_line("enter add (self-hosted: then GPUs, rent or buy) · ↑↓ choose · esc close"),
                        id="hint")

    def on_mount(self) -> None:
        self.refilter("")
        self.query_one("#search", Input).focus()

    @on(Input.Changed, "#search")
    def _search(self, event: Input.Changed) -> None:
        self.refilter(event.value)

    def refilter(self, query: str) -> None:
        ol = self.query_one("#results", OptionList)
        words = query.split()
        self.shown = rank(self.choices, query)[: self.LIMIT]
        ol.clear_options()
        opts = []
        for n, c in enumerate(self.shown):
            prompt = Text()
            prompt.append("self-host " if c.kind == "selfhost" else "api       ",
                          "bold magenta" if c.kind == "selfhost" else "bold cyan")
            title = Text(c.title)
            for w in words:
                _, offsets = Matcher(w).fuzzy_search.match(w, c.title)
                for o in offsets:
                    title.stylize("bold reverse", o, o + 1)
            prompt.append_text(title)
            prompt.append(f"  {c.detail}", "dim")
            opts.append(Option(prompt, id=f"c{n}"))
        if not opts:  # said where the results would be, right under the search
            opts.append(Option(Text(f"no match for {query.strip()!r}: try fewer letters, or part of a "
                                    "provider, model or GPU name", "yellow"), id="none", disabled=True))
        ol.add_options(opts)
        if self.shown:
            ol.highlighted = 0
        self.query_one("#error", Static).update("")

    def action_move(self, delta: int) -> None:
        ol = self.query_one("#results", OptionList)
        if not ol.option_count:
            return
        cur = ol.highlighted if ol.highlighted is not None else 0
        ol.highlighted = max(0, min(ol.option_count - 1, cur + delta))

    @on(Input.Submitted, "#search")
    def _submit(self) -> None:
        ol = self.query_one("#results", OptionList)
        if ol.highlighted is not None:
            self.pick(ol.highlighted)

    @on(OptionList.OptionSelected, "#results")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.pick(event.option_index)

    def pick(self, index: int) -> None:
        if not 0 <= index < len(self.shown):
            return
        choice = self.shown[index]
        if choice.kind == "selfhost" and self.configure is not None:
            self.configure(choice.entry, self._configured)
            return
        reason = self.try_add(choice.entry)
        if reason is None:
            self.dismiss(choice.title)
        else:
            err = self.query_one("#error", Static)
            msg = Text("✗ cannot add ", "bold red")
            msg.append(choice.title, "bold red")
            msg.append(f": {reason}", "red")
            err.update(msg)

    def _configured(self, title: str | None) -> None:
        if title:
            self.dismiss(title)
        else:
            self.query_one("#search", Input).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)

