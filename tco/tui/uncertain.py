"""Uncertainty in the app: ``m`` turns the samples on and off in the table (P10–P90 of the
monthly cost, P(best)), a worker draws them and the tornado off the UI thread, and F6 draws
both. Mixed into :class:`~tco.tui.app.TcoApp`, whose session, table and timers it reads.

The samples and the tornado belong to one version of the scenario (a session generation).
After an edit the last ones stay on screen, dim, while new ones are drawn a moment after the
typing stops (:data:`SETTLE`); one worker runs at a time, and a result for a version that was
edited meanwhile is shown dim and drawn again. The session's estimate is never touched:
turning the samples off shows exactly the plain numbers.
"""

from __future__ import annotations

import math
from functools import partial
from typing import TYPE_CHECKING, Any

from rich.text import Text

if TYPE_CHECKING:
    from textual.timer import Timer

    from .sampling import Computed, Sampled
    from .state import Session
    from .widgets.candidates import CandidateTable

SETTLE = 0.3
"""Seconds after the last edit before the samples and the tornado are drawn again."""


class UncertaintyViews:
    """The ``m`` key, the sampling worker and the F6 view (a mixin of :class:`~tco.tui.app.TcoApp`)."""

    session: Session
    table: CandidateTable
    current_id: str | None
    view: str
    later: Any
    query: Any
    query_one: Any
    run_worker: Any
    call_from_thread: Any
    report_failure: Any
    notify: Any
    _guarded: Any
    _money: Any
    _symbol: Any

    uncertain = False
    """Whether the table shows the sampled columns (``m``)."""
    sampled: Sampled | None = None
    """The last samples drawn (maybe of an earlier generation)."""
    tornado_data: tuple[int, dict[str, Any]] | None = None
    """(generation, :func:`tco.plan.sensitivity.sensitivity`) last computed."""
    sampling_seconds: float | None = None
    """How long the last worker run took (the benchmark and the report read it)."""
    _unc_timer: Timer | None = None
    _unc_busy = False
    _unc_failed: int | None = None
    """The generation whose samples or tornado failed (not tried again until the next edit)."""

    # ---- the key ----

    def action_toggle_uncertainty(self) -> None:
        """Samples on: the two sampled columns (drawn in a worker); off: the plain table."""
        self.uncertain = not self.uncertain
        if self.uncertain:
            self._say_if_no_ranges()
            self._want_uncertainty(0)
        self.show_spread()
        self.fit_layout()  # type: ignore[attr-defined]
        self.show_status()  # type: ignore[attr-defined]
        if self.view == "uncertainty":
            self.query_one("#uncertainty").refresh()

    def _say_if_no_ranges(self) -> None:
        sc = self.session.scenario
        if sc is None or getattr(sc, "ranges", None):
            return
        self.notify(no_ranges_text(self._has_selfhost()), title="No ranges", timeout=10, kind="uncertainty")

    def _has_selfhost(self) -> bool:
        est = self.session.estimate
        return est is not None and any(c.kind == "selfhost" for c in est.candidates)

    def show_spread(self) -> None:
        """Put the samples (or none) into the table."""
        if not self.uncertain:
            self.table.set_spread(None)
            return
        s = self.sampled
        self.table.set_spread(s.per_candidate if s is not None else {}, stale=not self._fresh_samples())

    def _fresh_samples(self) -> bool:
        return self.sampled is not None and self.sampled.generation == self.session.generation

    def uncertainty_status(self) -> Text | None:
        """The status line's note while the samples are on: sampling…, or how many and from what."""
        if not self.uncertain:
            return None
        from .sampling import sample_plan

        t = Text(no_wrap=True)
        if not self._fresh_samples():
            t.append(f"≈ sampling {sample_plan(self.session.scenario).samples:,}…  ", "bold yellow")
            return t
        assert self.sampled is not None
        t.append(f"≈ {self.sampled.plan.describe()}", "bold")
        if not self.sampled.written:
            t.append(" · no ranges: " + ("only self-hosted throughput varies" if self._has_selfhost()
                                         else "nothing varies") + " (F6: default spreads)", "yellow")
        t.append("  ")
        return t

    # ---- the worker ----

    def uncertainty_changed(self) -> None:
        """The results changed (an edit, an undo): the samples are marked stale for the table's
        next update, and drawn again a moment after the typing stops."""
        if self.uncertain:
            self.table.spread_stale = not self._fresh_samples()
        if self.uncertain or self.view == "uncertainty":
            self._want_uncertainty(SETTLE)

    def _needs(self) -> tuple[bool, bool]:
        gen = self.session.generation
        if self._unc_failed == gen:
            return False, False
        samples = self.uncertain and not self._fresh_samples()
        tornado = self.view == "uncertainty" and (self.tornado_data is None or self.tornado_data[0] != gen)
        return samples, tornado

    def _want_uncertainty(self, delay: float) -> None:
        if self._unc_timer is not None:
            self._unc_timer.stop()
            self._unc_timer = None
        if delay <= 0:
            self._start_uncertainty()
        else:
            self._unc_timer = self.later(delay, self._start_uncertainty, "sampling the ranges")

    def _start_uncertainty(self) -> None:
        self._unc_timer = None
        if self.session is None or not self.query("#table") or self._unc_busy:
            return  # shutting down, or a run in flight (it starts the next one when it is done)
        samples, tornado = self._needs()
        if not (samples or tornado):
            return
        self._unc_busy = True
        compiled, gen = self.session.compiled, self.session.generation
        self.run_worker(partial(self._uncertainty_work, compiled, gen, samples, tornado), thread=True,
                        exit_on_error=False, group="uncertainty")

    def _uncertainty_work(self, compiled: Any, generation: int, samples: bool, tornado: bool) -> None:
        """In a worker thread: the samples and/or the tornado, then back to the UI thread."""
        from .sampling import compute

        try:
            result: Any = compute(compiled, generation, samples, tornado)
            done = partial(self._uncertainty_done, result)
        except Exception as e:  # noqa: BLE001 - reported on the UI thread, as a toast
            done = partial(self._uncertainty_failed, generation, e)
        try:
            self.call_from_thread(self._guarded(done, "showing the samples"))
        except Exception:  # noqa: BLE001 - the app closed meanwhile
            pass

    def _uncertainty_failed(self, generation: int, error: BaseException) -> None:
        self._unc_busy = False
        self._unc_failed = generation
        self.report_failure(error, "sampling the ranges")
        self._after_uncertainty()

    def _uncertainty_done(self, result: Computed) -> None:
        self._unc_busy = False
        if result.sampled is not None:
            self.sampled = result.sampled
        if result.tornado is not None:
            self.tornado_data = (result.generation, result.tornado)
        self.sampling_seconds = result.seconds
        self._after_uncertainty()
        if any(self._needs()):
            self._start_uncertainty()  # edited meanwhile: those numbers are shown dim until these come

    def _after_uncertainty(self) -> None:
        if not self.query("#table"):
            return
        self.show_spread()
        self.fit_layout()  # type: ignore[attr-defined]
        self.show_status()  # type: ignore[attr-defined]
        if self.view == "uncertainty":
            self.refresh_lower()  # type: ignore[attr-defined]

    # ---- the F6 view ----

    def _paint_uncertainty(self, width: int, height: int) -> Text:
        from .sampling import input_name
        from .tornado import bars_from, fit_lines, split_label, tornado

        s = self.session
        if s.estimate is None:
            return Text("")
        head = self._spread_head(width)
        if height >= 16:
            head.append(Text(""))
        if self.tornado_data is None:
            return fit_lines(head + [Text("working out which input moves the answer most…", "dim")], width, height)
        gen, data = self.tornado_data
        bars = bars_from(data, lambda p, label: split_label(p, label) if p.startswith("candidates.")
                         else (input_name(p, label), ""))
        central = data["central"]
        note = ""
        if gen != s.generation:
            note = "recomputing for the edited scenario…"
        elif not getattr(s.scenario, "ranges", None):
            note = "this scenario writes no ranges: each spread below is tco's default (°)"
        return tornado(bars, central["best_cost_per_quality_point"], central["winner"], width, height,
                       self._money, head, note)

    def _spread_head(self, width: int) -> list[Text]:
        """The highlighted candidate's samples, or what to press to see them."""
        from .plot import money_axis
        from .tornado import Spread, spread_lines

        cid = self.current_id
        if cid is None:
            return [Text("no candidate highlighted", "dim")]
        if not self.uncertain:
            return [Text("m: sample the ranges (this row's P10/P50/P90 monthly cost, P(best))", "dim")]
        u = self.sampled.per_candidate.get(cid) if self.sampled is not None else None
        if u is None:
            return [Text(f"sampling {cid}…", "dim")]
        assert self.sampled is not None
        per = self.sampled.per_candidate
        lows = [v["monthly_cost"]["p10"] for v in per.values() if (v["monthly_cost"]["p10"] or 0) > 0]
        highs = [v["monthly_cost"]["p90"] for v in per.values() if (v["monthly_cost"]["p90"] or 0) > 0]
        others = [v["monthly_cost"]["p50"] for k, v in per.items() if k != cid and v["monthly_cost"]["p50"]]
        est = self.session.estimate
        assert est is not None
        try:
            now = est.candidate(cid).monthly_cost
        except KeyError:
            now = math.nan
        m = u["monthly_cost"]
        spread = Spread(cid, m["p10"], m["p50"], m["p90"], now if math.isfinite(now) else None,
                        float(u["p_best_value"]), float(u["p_cheapest"]), list((u.get("p_cheaper") or {}).items()),
                        self.sampled.plan.describe(), not self._fresh_samples(),
                        (min(lows), max(highs)) if lows and highs else (math.nan, math.nan), others)
        return spread_lines(spread, width, self._money, money_axis(self._symbol()))


def no_ranges_text(selfhost: bool) -> str:
    """What the samples vary when the scenario writes no range."""
    what = "only self-hosted throughput varies" if selfhost else "nothing varies"
    return (f"No ranges in this file: in the samples {what} (type one into a field: 20k..50k..200k); "
            "the tornado (F6) uses tco's default spreads.")
