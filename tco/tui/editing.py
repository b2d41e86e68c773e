"""Changing the candidates and going back: add (a search over the catalog, then a small form
for a self-hosted deployment), remove, rename, undo and redo of any change. Mixed into
:class:`~tco.tui.app.TcoApp`; every change runs through :meth:`GuardedApp.change`."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from .fields import FIELDS, EditError
from .guard import ChangeFailed

if TYPE_CHECKING:
    from .screens.add_candidate import Choice
    from .state import Session
    from .undo import Step
    from .widgets.candidates import CandidateTable
    from .widgets.workload import WorkloadPanel


class CandidateEditing:
    """Add, remove, rename, undo, redo."""

    session: Session
    table: CandidateTable
    panel: WorkloadPanel
    current_id: str | None
    blink: bool

    # ---- add ----

    def add_choices(self) -> list[Choice]:
        from .screens.add_candidate import Choice

        s = self.session
        est = s.estimate
        assert est is not None
        present = {s.offer_id(i) for i in s.candidate_ids}
        as_of = date.fromisoformat(est.as_of)
        out: list[Choice] = []
        gone: list[Choice] = []  # retired before the as-of date: listed last, and said so
        for oid, offer in s.catalog.offers.items():
            if oid in present:
                continue
            if offer.retired is not None and offer.retired <= as_of:
                gone.append(Choice(oid, oid, f"{offer.name} · retired {offer.retired}", "api", retired=True))
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
        out += gone
        gpus = s.gpu_options()
        for mid, name in s.selfhost_options():
            ck = getattr(s.catalog.models.get(mid), "checkpoint", None)  # as the maker published the weights
            for gpu, default in gpus:
                precision = ck.precision if ck is not None else default
                entry = {"selfhost": {"model": mid, "precision": precision, "gpu": gpu}}
                out.append(Choice(entry, f"{mid} on {gpu}", f"{name} · {precision} · then choose GPUs, rent or buy",
                                  "selfhost"))
        return out

    def action_add_candidate(self) -> None:
        from .screens.add_candidate import AddCandidateScreen

        app: Any = self
        if isinstance(app.screen, AddCandidateScreen):
            return
        app.push_screen(AddCandidateScreen(self.add_choices(), self.try_add, blink=self.blink,
                                           configure=self.configure_selfhost), self._added)

    def configure_selfhost(self, entry: dict[str, Any], done: Any) -> None:
        """The form for a self-hosted deployment picked in the search (GPU count, GPUs per node,
        precision, rent or buy, name); ``done(title)`` once it was added."""
        from .screens.selfhost_form import SelfhostForm

        app: Any = self
        app.push_screen(SelfhostForm(entry["selfhost"], self.session.selfhost_defaults, self.session.gpu_options(),
                                     self.try_add, blink=self.blink), done)

    def try_add(self, entry: Any) -> str | None:
        """Add a candidate; None when done, else why the scenario refused it."""
        app: Any = self
        try:
            added = app.change("adding a candidate", lambda: self._add(entry))
        except EditError as e:
            return str(e)
        except ChangeFailed as e:
            return f"could not compute the results with it ({e})"
        self.current_id = added
        self.table.move_to(added)
        app.refresh_lower()
        return None

    def _add(self, entry: Any) -> str:
        app: Any = self
        added = self.session.add_candidate(entry)
        app.push_results()
        app.sync_latency_fields()
        return added

    def _added(self, title: str | None) -> None:
        if title:
            self._toast(f"added {title}")

    def add_entry(self, entry: Any) -> None:
        """Add from the command palette (errors become a notification)."""
        reason = self.try_add(entry)
        if reason:
            self._toast(f"cannot add {_entry_name(entry)}: {reason}", error=True)
        else:
            self._toast(f"added {self.current_id}")

    # ---- remove ----

    def action_remove_candidate(self) -> None:
        cid = self.table.current_id()
        if cid is not None:
            self.remove(cid)

    def remove(self, candidate_id: str) -> None:
        app: Any = self
        row = self.table.cursor_row

        def apply() -> None:
            self.session.remove_candidate(candidate_id)
            self.current_id = None
            app.push_results()
            app.sync_latency_fields()

        try:
            app.change(f"removing {candidate_id}", apply)
        except EditError as e:
            self._toast(f"cannot remove {candidate_id}: {e}", error=True)
            return
        except ChangeFailed:
            return
        if self.table.row_count:
            self.table.move_cursor(row=min(row, self.table.row_count - 1), animate=False)
            self.current_id = self.table.current_id()
            app.refresh_lower()
        self._toast(f"removed {candidate_id} · u or ctrl+z puts it back")

    # ---- rename ----

    def action_rename(self, candidate_id: str | None = None) -> None:
        """Ask for a new name for the highlighted candidate (saved as name: or label:)."""
        from .screens.dialogs import TextScreen

        app: Any = self
        cid = candidate_id or self.table.current_id()
        if cid is None:
            return
        kind = "name:" if self.session.offer_id(cid) is None else "label:"

        def check(text: str) -> str | None:
            return self.session.rename_problem(cid, text)

        def done(text: str | None) -> None:
            if text is not None:
                self.rename(cid, text)

        app.push_screen(TextScreen(f"Rename {cid}", self.session.own_name(cid),
                                   f"saved as its {kind} in the file; empty: back to the "
                                   f"{'default name' if kind == 'name:' else 'offer id'}", check, self.blink,
                                   placeholder=cid), done)

    def rename(self, candidate_id: str, name: str) -> None:
        app: Any = self

        def apply() -> str:
            new_id = self.session.rename_candidate(candidate_id, name)
            app.push_results()
            return new_id

        try:
            new_id = app.change(f"renaming {candidate_id}", apply)
        except EditError as e:
            self._toast(f"cannot rename {candidate_id}: {e}", error=True)
            return
        except ChangeFailed:
            return
        self.current_id = new_id
        self.table.move_to(new_id)
        app.refresh_lower()
        self._toast(f"renamed {candidate_id} to {new_id}")

    # ---- undo / redo ----

    def action_undo(self) -> None:
        """Undo the last change of any kind (a field typed into, add, remove, rename)."""
        self._travel(redo=False)

    def action_redo(self) -> None:
        self._travel(redo=True)

    def _travel(self, redo: bool) -> None:
        app: Any = self
        word = "redo" if redo else "undo"
        before = set(self.session.candidate_ids)

        def apply() -> Step | None:
            step = self.session.redo() if redo else self.session.undo()
            if step is not None:
                self.panel.set_values({k: self.session.field_text(k) for k in FIELDS},
                                      {k: self.session.field_label(k) for k in FIELDS}, clear_errors=True)
                app.push_results()
                app.sync_latency_fields()
            return step

        try:
            step = app.change(f"{word}ing", apply)
        except EditError as e:
            self._toast(f"cannot {word}: {e}", error=True, kind=word)
            return
        except ChangeFailed:
            return
        if step is None:
            self._toast(f"nothing to {word}", kind=word)
            return
        back = [i for i in self.session.candidate_ids if i not in before]
        if back:
            self.current_id = back[0]
            self.table.move_to(back[0])
        app.refresh_lower()
        self._toast(f"{'redone' if redo else 'undone'}: {step.label}", kind=word)

    def _toast(self, message: str, error: bool = False, kind: str | None = None) -> None:
        app: Any = self
        app.notify(message, severity="error" if error else "information", timeout=8 if error else 4,
                   kind=kind or ("refused" if error else "done"))


def _entry_name(entry: Any) -> str:
    if isinstance(entry, str):
        return entry
    sh = entry.get("selfhost", {}) if isinstance(entry, dict) else {}
    return f"{sh.get('model', 'a self-hosted model')} on {sh.get('gpu', '?')}"
