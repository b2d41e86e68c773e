"""The numbers behind the report's charts: monthly cost against request volume, and the
monthly cost this workload would have had at each offer's past prices.

Both reuse the engine as the estimate does (no second cost model): the volume curve is one
sweep over a log grid of volumes at the scenario's request shape; the history compiles the
scenario again on every date a compared offer changed its price (each date's prices and
that month's exchange rate), so a line in the chart is exactly what ``tco estimate
--as-of DATE`` would have said.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import TcoError
from .breakeven import volume_unit
from .evaluate import WorkloadPoints, evaluate

if TYPE_CHECKING:
    from ..catalog import Catalog
    from .compile import Compiled
    from .result import Estimate

VOLUME_POINTS = 97
"""Points of the volume grid (log-spaced: 24 per decade over four decades)."""
MAX_HISTORY_DATES = 60
"""Price-change dates compiled for the history (the most recent ones when there are more)."""


@dataclass
class VolumeCurves:
    unit: str
    """The scenario's own volume unit: requests/day or requests/month."""
    volumes: list[float]
    current: float
    costs: dict[str, list[float]]
    """Monthly cost per candidate label at each volume (NaN: unknown)."""
    cheaper_bands: list[tuple[float, float, str, str]]
    """(from, to, self-hosted label, API label): where self-hosting is cheaper, in ``unit``; ``to``
    is infinite where it stays cheaper up to the highest volume searched (not the chart's edge)."""


def volume_curves(compiled: Compiled, est: Estimate, points: int = VOLUME_POINTS) -> VolumeCurves:
    """Monthly cost of every candidate from 1/100 to 100 times the scenario's volume (wider
    when a break-even lies outside), at the scenario's request shape."""
    w = compiled.scenario.workload
    days = float(w.days_per_month)
    current_rpd = float(w.monthly_requests) / days
    unit, scale = volume_unit(compiled)
    lo, hi = current_rpd / 100.0, current_rpd * 100.0
    for b in est.breakeven:
        for f, t in b["ranges"]:
            lo = min(lo, f / 3.0) if f else lo
            hi = max(hi, (t or f) * 3.0)
    lo, hi = max(lo, 1e-3), min(max(hi, lo * 10), 1e10)
    rpd = np.logspace(math.log10(lo), math.log10(hi), points)
    n = len(rpd)
    full = lambda v: np.full(n, float(v))  # noqa: E731
    grid = WorkloadPoints(rpd * days, full(w.input_tokens), full(w.output_tokens), full(w.cached_input_share),
                          full(w.batch_share), full(w.peak_to_average), days,
                          full(getattr(w, "cache_write_share", 0.0)))
    sweep = evaluate(compiled, grid)
    labels = {c.id: c.label for c in est.candidates}
    costs = {labels.get(r.id, r.id): [float(v) for v in sweep.monthly_cost[ci]]
             for ci, r in enumerate(compiled.candidates)}
    bands = []
    for b in est.breakeven:
        for f, t in b["ranges"]:
            end = math.inf if t is None else t * scale
            bands.append((f * scale, end, labels.get(b["selfhost"], b["selfhost"]), labels.get(b["api"], b["api"])))
    return VolumeCurves(unit, [float(v) * scale for v in rpd], current_rpd * scale, costs, bands)


@dataclass
class CostHistory:
    dates: list[str]
    costs: dict[str, list[float]]
    """Monthly cost of this workload per API candidate label on each date (NaN: not on sale)."""
    skipped: list[str]
    """Dates that could not be priced, with why."""


def cost_history(compiled: Compiled, est: Estimate, catalog: Catalog,
                 max_dates: int = MAX_HISTORY_DATES) -> CostHistory:
    """What this workload cost each month at each compared API offer's prices: the scenario
    compiled again on every date one of them changed price (up to the as-of date)."""
    from .compile import compile_scenario

    sc = compiled.scenario
    as_of = compiled.as_of
    api = [r for r in compiled.candidates if r.kind == "api"]
    changes: set[date] = {as_of}
    for r in api:
        offer = catalog.offers.get(r.id) if hasattr(catalog.offers, "get") else None
        for p in getattr(offer, "prices", ()) or ():
            if p.effective_from <= as_of:
                changes.add(p.effective_from)
        retired = getattr(offer, "retired", None)
        if retired is not None and retired <= as_of:  # its line runs to its last day, then stops
            changes |= {retired - timedelta(days=1), retired}
    dates = sorted(changes)[-max_dates:]
    labels = {c.id: c.label for c in est.candidates}
    costs: dict[str, list[float]] = {labels.get(r.id, r.id): [] for r in api}
    skipped: list[str] = []
    points = WorkloadPoints.from_scenario(sc)
    kept: list[str] = []
    for d in dates:
        try:
            then = compile_scenario(sc, catalog, as_of=d, currency=compiled.currency, impute=False)
        except TcoError as e:
            skipped.append(f"{d}: {e.message if hasattr(e, 'message') else e}")
            continue
        sweep = evaluate(then, points)
        by_id = {r.id: float(sweep.monthly_cost[ci, 0]) for ci, r in enumerate(then.candidates)}
        kept.append(d.isoformat())
        for r in api:
            costs[labels.get(r.id, r.id)].append(by_id.get(r.id, math.nan))
    return CostHistory(kept, costs, skipped)


def pareto_frontier(points: list[tuple[str, float, float]]) -> list[str]:
    """Names of the points no other point beats on both: lower (or equal) cost and higher (or
    equal) quality, strictly better on one. ``points``: (name, cost, quality), finite only."""
    front = []
    for name, c, q in points:
        beaten = any((c2 <= c and q2 >= q) and (c2 < c or q2 > q) for n2, c2, q2 in points if n2 != name)
        if not beaten:
            front.append(name)
    return front


def report_data(compiled: Compiled, est: Estimate, catalog: Catalog) -> dict[str, Any]:
    """Everything the HTML report draws besides the estimate itself."""
    out: dict[str, Any] = {"volume": volume_curves(compiled, est), "history": cost_history(compiled, est, catalog)}
    if compiled.scenario.ranges or est.uncertainty:
        from .sensitivity import sensitivity

        out["sensitivity"] = sensitivity(compiled)
    return out


def report_file(path: str, catalog: Catalog, *, as_of: date | None = None, currency: str | None = None,
                impute: bool | None = None, samples: int | None = None, seed: int | None = None,
                horizon_months: int | None = None) -> tuple[Estimate, dict[str, Any]]:
    """The estimate of a scenario file and the data of the report's charts (one validation:
    a scenario with errors stops here with every error listed)."""
    from .compile import compile_scenario
    from .estimate import estimate
    from .scenario import load_scenario

    scenario = load_scenario(path, catalog)
    est = estimate(scenario, catalog, as_of=as_of, currency=currency, impute=impute, samples=samples, seed=seed,
                   horizon_months=horizon_months)
    compiled = compile_scenario(scenario, catalog, as_of=as_of, currency=currency, impute=impute)
    return est, report_data(compiled, est, catalog)
