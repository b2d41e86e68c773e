"""What the lower panel shows: the detail of the highlighted candidate and the three charts
(cost versus quality, cost versus volume with break-even, price history), built from the
session's results. Mixed into :class:`~tco.tui.app.TcoApp`, whose session, table and
timers it reads."""

from __future__ import annotations

import math
from datetime import date
from typing import TYPE_CHECKING, Any

from rich.text import Text

from ..errors import PRICE_UNKNOWN, launch_text

if TYPE_CHECKING:  # the widgets load after the first frame (see TcoApp._main_widgets)
    from textual.timer import Timer

    from .state import Session
    from .widgets.candidates import CandidateTable
    from .widgets.detail import DetailContext

MAX_SERIES = 6
"""Most candidates drawn on the volume and price charts (pinned rows first, then a default set)."""


class ChartViews:
    """The detail pane and chart painters of the app (a mixin of :class:`~tco.tui.app.TcoApp`)."""

    session: Session
    table: CandidateTable
    current_id: str | None
    view: str
    _sweep_cache: Any
    _breakeven_timer: Timer | None
    later: Any
    query_one: Any

    # ---- detail ----

    def detail_text(self, candidate_id: str | None, width: int = 80) -> Text:
        est = self.session.estimate
        if est is None or candidate_id is None:
            return Text("no candidate highlighted", "dim")
        try:
            c = est.candidate(candidate_id)
        except KeyError:
            return Text("no candidate highlighted", "dim")
        from .widgets.detail import api_detail, selfhost_detail

        if c.kind == "selfhost":
            return selfhost_detail(c, est.currency, self.session.latency_targets(candidate_id), width)
        return api_detail(c, self._detail_context(candidate_id), width)

    def _detail_context(self, candidate_id: str) -> DetailContext:
        from .widgets.detail import DetailContext, PricePointView

        s = self.session
        est = s.estimate
        assert est is not None
        offer_id = s.offer_id(candidate_id) or candidate_id
        offer = s.catalog.offers.get(offer_id)
        history: list[PricePointView] = []
        if offer is not None:
            for p in offer.prices:
                history.append(PricePointView(p.effective_from, p.currency, p.per_mtok(p.input), p.per_mtok(p.output),
                                              p.per_mtok(p.cached_input), p.provenance.status, p.provenance.source,
                                              p.provenance.note))
        return DetailContext(
            as_of=est.as_of, currency=est.currency, fx=est.fx, history=history,
            offer_name=offer.name if offer else "", offer_id=offer_id,
            launched=offer.launched.isoformat() if offer is not None and offer.launched else None,
            context_window=offer.context_window if offer else None, workload=est.workload,
            convert=s.convert,
        )

    # ---- charts ----

    def chart_ids(self, api_only: bool = False) -> list[str]:
        """Candidates for the volume and price charts: the pinned rows, then the default set
        (the highlighted row, the best value, the cheapest, the first self-hosted candidate
        and the top of the ranking), up to :data:`MAX_SERIES`: pinning adds, it hides nothing."""
        est = self.session.estimate
        assert est is not None
        order = [c.id for c in est.candidates]
        picks: list[str | None] = [i for i in self.table.ordered_ids() if i in self.table.pinned]
        picks += [self.current_id, est.best_value.id if est.best_value else None,
                  est.cheapest.id if est.cheapest else None]
        picks += [c.id for c in est.candidates if c.kind == "selfhost"][:1]
        picks += order[:3]
        ids: list[str] = []
        for i in picks:
            if i and i not in ids and i in order:
                ids.append(i)
        if api_only:
            ids = [i for i in ids if self.session.offer_id(i)]
        return ids[:MAX_SERIES]

    def _symbol(self) -> str:
        from ..report.format import SYMBOLS

        est = self.session.estimate
        assert est is not None
        return SYMBOLS.get(est.currency, "")

    def _money(self, v: float) -> str:
        from ..report.format import money

        est = self.session.estimate
        assert est is not None
        if not math.isfinite(v):
            return "unknown"
        digits = 0 if abs(v) >= 100 else 2
        return money(v, est.currency, digits)

    def _paint_quality(self, width: int, height: int) -> Text:
        from .charts import Point, cost_quality, pareto

        est = self.session.estimate
        if est is None:
            return Text("")
        avail = [c for c in est.candidates if not c.available_from]
        # the frontier is drawn through ranked candidates only (the table's rank: coverage, cost, score)
        front = set(pareto([(c.id, c.monthly_cost, c.quality) for c in avail if c.rank]))
        pts = [Point(c.id, c.monthly_cost, c.quality, c.id in front, c.id == self.current_id, bool(c.rank))
               for c in avail]
        return cost_quality(pts, width, height, self._symbol(), self._money)

    def _volume_data(self, n: int, extra: tuple[float, ...]) -> tuple[Any, Any]:
        key = (self.session.generation, n, extra)
        if self._sweep_cache is None or self._sweep_cache[0] != key:
            xs, sw = self.session.volume_sweep(n, extra)
            self._sweep_cache = (key, xs, sw)
        return self._sweep_cache[1], self._sweep_cache[2]

    def _paint_volume(self, width: int, height: int) -> Text:
        from .charts import PALETTE, Series, cost_volume

        s = self.session
        est = s.estimate
        if est is None or s.scenario is None:
            return Text("")
        ids = self.chart_ids()
        style = {cid: PALETTE[k % len(PALETTE)] for k, cid in enumerate(ids)}
        # break-even: the exact ranges tco.plan.estimate.estimate reports, for the pairs on the chart
        ready = s.breakeven_ready()
        pairs = [b for b in s.breakeven() if b["selfhost"] in style and b["api"] in style] if ready else []
        days = s.scenario.workload.days_per_month
        markers: list[tuple[float, float]] = []
        extra: set[float] = set()
        for b in pairs:
            for a, z in b["ranges"]:
                for v in (a, z):
                    if v is not None and v > 0:
                        markers.append((v, b["api_cost_per_request"] * v * days))
                        extra.update((v * (1 - 1e-6), v * (1 + 1e-6)))
        xs, sw = self._volume_data(max(2 * width, 40), tuple(sorted(extra)))
        index = {cid: i for i, cid in enumerate(sw.candidate_ids)}
        series = []
        for cid in ids:
            if cid not in index:
                continue
            c = est.candidate(cid)
            now = launch_text(c.available_from) if c.available_from else self._money(c.monthly_cost)
            cheaper = [(b["api"], style[b["api"]], b["ranges"]) for b in pairs if b["selfhost"] == cid and b["ranges"]]
            series.append(Series(cid, list(xs), list(sw.monthly_cost[index[cid]]), style[cid], now=now,
                                 cheaper=cheaper))
        footer = []
        if not ready and any(c.kind == "selfhost" for c in est.candidates):
            footer.append(Text("× break-even: computing…", "dim"))
            self._schedule_breakeven()
        elif ready and s.breakeven_problem:
            footer.append(Text(f"× break-even not found: {s.breakeven_problem}", "yellow"))
        w = s.scenario.workload
        return cost_volume(series, w.monthly_requests / w.days_per_month, markers, width, height - 1,
                           self._symbol(), self._money, footer)

    def _schedule_breakeven(self) -> None:
        """Compute the break-even ranges a moment after the last edit (about 0.1 s of work:
        not on every keystroke), then redraw the volume chart."""
        if self._breakeven_timer is not None:
            self._breakeven_timer.stop()
        self._breakeven_timer = self.later(0.3, self._compute_breakeven, "finding the break-even volumes")

    def _compute_breakeven(self) -> None:
        self._breakeven_timer = None
        if not self.query("#volume"):
            return  # the app is shutting down
        self.session.breakeven()
        if self.view == "volume":
            self.query_one("#volume").refresh()

    def _paint_prices(self, width: int, height: int) -> Text:
        from .charts import PALETTE, PriceSeries, price_history

        s = self.session
        est = s.estimate
        if est is None or s.scenario is None:
            return Text("")
        w = s.scenario.workload
        wi, wo = w.input_tokens, w.output_tokens
        series = []
        for k, cid in enumerate(self.chart_ids(api_only=True)):
            offer = s.catalog.offers.get(s.offer_id(cid) or "")
            if offer is None:
                continue
            pts = []
            for p in offer.prices:
                pin, pout = p.per_mtok(p.input), p.per_mtok(p.output)
                if pin is None or pout is None:
                    continue
                try:
                    blended = s.convert((wi * pin + wo * pout) / (wi + wo), p.currency)
                except Exception:  # noqa: BLE001 - no rate known for that currency and date
                    continue
                pts.append((p.effective_from, blended))
            if pts:
                c = next((x for x in est.candidates if x.id == cid), None)
                absent = launch_text(c.available_from) if c is not None and c.available_from else PRICE_UNKNOWN
                series.append(PriceSeries(cid, pts, PALETTE[k % len(PALETTE)], absent=absent))
        caption = f"blended price at {wi:,.0f} in : {wo:,.0f} out tokens (log)  ┊ = as of"
        return price_history(series, date.fromisoformat(est.as_of), width, height - 1, self._symbol(),
                             self._money, caption)
