"""Undo and redo of every change to the scenario: field edits, adding, removing, renaming.

The history keeps the scenario data as it was before each change (plain data, small), with a
few words saying what the change was. Keystrokes in one field while it keeps the focus are
one change: the app seals the open group when the focus moves on. No textual here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .changes import same


@dataclass
class Step:
    """One change: the data before it and what it was."""

    data: dict[str, Any]
    what: str
    """``req/day``, ``remove openai/gpt-4o``."""
    old: str = ""
    new: str = ""
    group: str | None = None
    """Changes of the same open group (a field being typed into) are one step."""

    @property
    def label(self) -> str:
        if self.old or self.new:
            return f"{self.what} {self.old or '(empty)'} → {self.new or '(empty)'}"
        return self.what


class History:
    """Undo and redo stacks of :class:`Step`."""

    def __init__(self, limit: int = 500) -> None:
        self.limit = limit
        self.undo_steps: list[Step] = []
        self.redo_steps: list[Step] = []
        self._open: Step | None = None
        """The step still being typed into (its field has kept the focus)."""

    def record(self, before: dict[str, Any], what: str, old: str = "", new: str = "",
               group: str | None = None, after: dict[str, Any] | None = None) -> None:
        """A change was made; ``before`` is the data it started from, ``after`` (when given)
        the data it ended at: typing that ends where it started is no step."""
        self.redo_steps.clear()
        last = self.undo_steps[-1] if self.undo_steps else None
        if group is not None and last is not None and last is self._open and last.group == group:
            last.new = new  # the same field, still being typed into: one step
            if after is not None and same(after, last.data):
                self.undo_steps.pop()  # back where the typing started: nothing to undo
                self._open = None
            return
        self.undo_steps.append(Step(before, what, old, new, group))
        del self.undo_steps[:-self.limit]
        self._open = self.undo_steps[-1] if group is not None else None

    def seal(self) -> None:
        """The next change starts a new step (the focus left the field)."""
        self._open = None

    def undo(self, current: dict[str, Any]) -> Step | None:
        """The step to undo (its data is what to go back to); ``current`` goes to redo."""
        return self._move(self.undo_steps, self.redo_steps, current)

    def redo(self, current: dict[str, Any]) -> Step | None:
        """The step to redo (its data is what to go to); ``current`` goes back to undo."""
        return self._move(self.redo_steps, self.undo_steps, current)

    def _move(self, source: list[Step], target: list[Step], current: dict[str, Any]) -> Step | None:
        self._open = None
        if not source:
            return None
        step = source.pop()
        target.append(Step(current, step.what, step.old, step.new, None))
        return step

    def cancel(self, step: Step, redo: bool) -> None:
        """Put back a step whose undo (or redo) the scenario refused."""
        if redo:
            self.undo_steps.pop()
            self.redo_steps.append(step)
        else:
            self.redo_steps.pop()
            self.undo_steps.append(step)
