"""No input may end the app: one guard between Textual and the app's own code.

Textual ends the app on any exception that reaches it (``App._handle_exception`` prints a
traceback and exits, losing unsaved edits), and before that it stops the message loop of
the widget whose handler raised. So overriding ``_handle_exception`` alone is not enough:
the guard catches the exception before Textual sees it, at the few doors every piece of the
app's code goes through:

- :meth:`GuardedApp._dispatch_action`: every key binding and action, whatever its namespace;
- :meth:`GuardedApp._on_message` and :class:`Guarded` (mixed into the app's widgets and
  screens): every message and event handler;
- :meth:`GuardedApp.later` / :meth:`GuardedApp.after`: timers and deferred calls;
- :func:`safe_paint`: the painters of charts and the detail pane (render paths);
- :meth:`GuardedApp.change`: every change of the document (edit, add, remove, rename, undo):
  a failure after the session accepted the change puts the last good state back.

A failure becomes one toast (the same kind replaces the last one) naming what was being
done, and a line in :data:`LOG`; the results on screen stay the last good ones.
``_handle_exception`` remains the net for Textual's own code: once the app is up it reports
instead of exiting.
"""

from __future__ import annotations

import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text

from .fields import EditError

if TYPE_CHECKING:
    from textual.message import Message
    from textual.timer import Timer

LOG = Path(tempfile.gettempdir()) / "tco-tui-errors.log"
"""Where the tracebacks of reported failures go (the toast names the file)."""


def describe(error: BaseException) -> str:
    """One line for a person: the exception's message, its type when the message is empty."""
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return text[:200] if text else type(error).__name__


def write_log(error: BaseException, doing: str) -> None:
    try:
        with LOG.open("a", encoding="utf-8") as f:
            f.write(f"---- while {doing}\n")
            f.write("".join(traceback.format_exception(error)))
    except OSError:
        pass


def safe_paint(painter: Callable[[int, int], Text], width: int, height: int, what: str,
               report: Callable[[BaseException, str], None] | None = None) -> Text:
    """``painter(width, height)``, or a line saying why it could not be drawn."""
    try:
        return painter(width, height)
    except Exception as e:  # noqa: BLE001 - a chart must never take the app down
        if report is not None:
            report(e, f"drawing the {what}")
        return Text(f"could not draw the {what}: {describe(e)}", "yellow")


class Guarded:
    """Mixin for the app's widgets and screens: an exception in one of their handlers is
    reported by the app instead of ending it (and instead of stopping the widget's loop)."""

    async def _on_message(self, message: Message) -> None:
        try:
            await super()._on_message(message)  # type: ignore[misc]
        except Exception as e:  # noqa: BLE001
            report = getattr(getattr(self, "app", None), "report_failure", None)
            if report is None:
                raise
            report(e, f"handling {type(message).__name__}")


class ChangeFailed(Exception):
    """A change of the document failed unexpectedly; it was undone and reported."""


class GuardedApp(Guarded):
    """Mixin for the App (before ``App`` in the bases)."""

    failures: list[str]
    """What went wrong this session, oldest first (tests assert it stays empty)."""
    guard_up = False
    """Set once the main screen shows results: from then on no exception ends the app."""

    def report_failure(self, error: BaseException, doing: str) -> None:
        """Say on screen that something failed while ``doing``; the results stay as they were."""
        write_log(error, doing)
        if not hasattr(self, "failures"):
            self.failures = []
        self.failures.append(f"{doing}: {type(error).__name__}: {describe(error)}")
        try:
            self.notify(f"Something went wrong while {doing}: {describe(error)}. The results shown are the last "
                        f"good ones and your edits are kept (details in {LOG}).",  # type: ignore[attr-defined]
                        title="Internal error", severity="error", timeout=12, kind="failure")
        except Exception:  # noqa: BLE001 - reporting must not fail in turn
            pass

    async def _dispatch_action(self, namespace: Any, action_name: str, params: Any) -> bool:
        try:
            return await super()._dispatch_action(namespace, action_name, params)  # type: ignore[misc]
        except Exception as e:  # noqa: BLE001
            self.report_failure(e, f"running the action {action_name!r}")
            return True

    def _handle_exception(self, error: Exception) -> None:
        if self.guard_up and not getattr(self, "_exit_renderables", None):
            self.report_failure(error, "updating the screen")
            return
        super()._handle_exception(error)  # type: ignore[misc]

    def change(self, doing: str, apply: Callable[[], Any]) -> Any:
        """Run ``apply`` (which changes the session and shows the results) as one step: an
        :class:`EditError` (a refusal with its reason) passes through; any other exception
        puts the session's last good state back, shows it, is reported, and becomes
        :class:`ChangeFailed`."""
        session = self.session  # type: ignore[attr-defined]
        snap = session.snapshot()
        try:
            return apply()
        except EditError:
            raise
        except Exception as e:  # noqa: BLE001
            session.restore(snap)
            self.report_failure(e, doing)
            try:
                self.push_results()  # type: ignore[attr-defined]
            except Exception as again:  # noqa: BLE001
                self.report_failure(again, "showing the last good results")
            raise ChangeFailed(describe(e)) from None

    _toasts: dict[str, Any]
    """Kind -> the toast of that kind to show."""
    _toast_kinds: dict[str, str]
    """Toast identity -> its kind."""

    def notify(self, message: str, *, title: str = "", severity: Any = "information", timeout: float | None = None,
               markup: bool = False, kind: str | None = None) -> None:
        """A toast; at most one of each ``kind`` (default: its severity) at a time: a new one
        replaces the last instead of stacking over the screen. Plain text unless ``markup``
        (a name with brackets in it must not break the toast)."""
        from textual.notifications import Notification, Notify

        if not hasattr(self, "_toasts"):
            self._toasts, self._toast_kinds = {}, {}
        note = Notification(message, title, severity,
                            self.NOTIFICATION_TIMEOUT if timeout is None else timeout,  # type: ignore[attr-defined]
                            markup=markup)
        kind = kind or str(severity)
        self._toasts[kind] = note
        self._toast_kinds[note.identity] = kind
        self.post_message(Notify(note))  # type: ignore[attr-defined]

    def _on_notify(self, event: Any) -> None:
        """Show a toast in the place of the one of its kind on screen; a toast superseded
        before it could be shown (keys pressed faster than the screen refreshes) is dropped."""
        event.prevent_default()  # instead of App._on_notify
        note = event.notification
        shown = self._notifications  # type: ignore[attr-defined]
        kinds = getattr(self, "_toast_kinds", {})
        kind = kinds.get(note.identity)
        if kind is not None:
            if self._toasts.get(kind) is not note:
                kinds.pop(note.identity, None)
                return
            for old in list(shown):
                if old is not note and kinds.get(old.identity) == kind:
                    self._unnotify(old, refresh=False)  # type: ignore[attr-defined]
                    kinds.pop(old.identity, None)
        shown.add(note)
        self._refresh_notifications()  # type: ignore[attr-defined]

    def _refresh_notifications(self) -> None:
        """The toasts of the screen on top; on a dialog only warnings and errors: a note (No
        ranges, saved, undone) is not drawn over a dialog, which fills an 80x24 screen; the
        main screen shows it again when the dialog closes, if its time has not run out."""
        from textual.notifications import Notifications
        from textual.screen import ModalScreen

        try:
            from textual.widgets._toast import ToastRack  # private in Textual: a later version may move it

            screen = self.screen  # type: ignore[attr-defined]
            rack = screen.get_child_by_type(ToastRack)
        except Exception:  # noqa: BLE001 - no screen, no rack yet, or no such module: Textual's own way
            super()._refresh_notifications()  # type: ignore[misc]
            return
        if not isinstance(screen, ModalScreen):
            super()._refresh_notifications()  # type: ignore[misc]
            return
        shown = Notifications()
        for note in self._notifications:  # type: ignore[attr-defined]
            if note.severity != "information":
                shown.add(note)
        self.call_later(rack.show, shown)  # type: ignore[attr-defined]

    def later(self, delay: float, callback: Callable[[], Any], doing: str) -> Timer:
        """``set_timer`` with the callback guarded."""
        return self.set_timer(delay, self._guarded(callback, doing))  # type: ignore[attr-defined]

    def after(self, callback: Callable[[], Any], doing: str) -> None:
        """``call_after_refresh`` with the callback guarded."""
        self.call_after_refresh(self._guarded(callback, doing))  # type: ignore[attr-defined]

    def _guarded(self, callback: Callable[[], Any], doing: str) -> Callable[[], None]:
        def run() -> None:
            try:
                callback()
            except Exception as e:  # noqa: BLE001
                self.report_failure(e, doing)

        return run
