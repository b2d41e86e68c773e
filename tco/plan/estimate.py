"""The whole path of one estimate: scenario file -> validated scenario -> compiled arrays ->
engine -> :class:`~tco.plan.result.Estimate` (with break-even volumes when there are
self-hosted candidates)."""

from __future__ import annotations

import math
from datetime import date
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from .. import yamlio
from ..catalog import Catalog
from ..engine.sampling import chance
from .compile import Compiled, compile_scenario
from .evaluate import WorkloadPoints, evaluate
from .locate import candidate_kind
from .result import Estimate, build_estimate
from .scenario import catalog_of, load_scenario

if TYPE_CHECKING:
    from ..schema.scenario import Scenario


def estimate_file(path: str | Path, catalog: Catalog, *, as_of: date | None = None, currency: str | None = None,
                  strict: bool = False, impute: bool | None = None, samples: int | None = None,
                  seed: int | None = None, progress: Callable[[int, int], None] | None = None,
                  horizon_months: int | None = None) -> Estimate:
    """Estimate a scenario file, reusing its validated form when the file and the catalog are
    unchanged since a previous run (what ``tco estimate`` does).

    The validated scenario is cached as :mod:`tco.catalog.records` next to the catalog cache, keyed
    by the file's bytes, the catalog's fingerprint and the schema code, so a warm run needs
    no pydantic at all. Any error on the cached path re-runs the full path, which reports
    it with its file, line and column.
    """
    from ..catalog import cache, scenario_cache_file

    data = yamlio.read_bytes(path)
    cache_file = scenario_cache_file(catalog, data)
    if cache_file is not None:
        sc = cache.read(cache_file)
        if sc is not None:
            try:
                return estimate(sc, catalog, as_of=as_of, currency=currency, strict=strict, impute=impute,
                                samples=samples, seed=seed, progress=progress, horizon_months=horizon_months)
            except Exception:  # noqa: BLE001 - fall through: the full path reports a user's error with its
                pass  # location, and a record the cached form lacks (an older field) costs one cold run, not a crash
    scenario = load_scenario(path, catalog)
    est = estimate(scenario, catalog, as_of=as_of, currency=currency, strict=strict, impute=impute,
                   samples=samples, seed=seed, progress=progress, horizon_months=horizon_months)
    if cache_file is not None and not any(candidate_kind(c) == "selfhost-spec" for c in scenario.candidates):
        from ..catalog.records import freeze

        cache.write(cache_file, freeze(scenario))
    return est


def estimate(scenario: Scenario | str | Path, catalog: Catalog | None = None, *, as_of: date | None = None,
             currency: str | None = None, strict: bool = False, impute: bool | None = None,
             samples: int | None = None, seed: int | None = None,
             progress: Callable[[int, int], None] | None = None, horizon_months: int | None = None) -> Estimate:
    """Estimate a scenario (a ``Scenario`` or a path to a YAML file).

    ``strict``: an offer that did not exist yet on the as-of date is an error, not a warning.
    ``impute``: fill missing quality scores (None: as the scenario's ``quality.impute`` says).
    ``samples``/``seed``: Monte Carlo over the scenario's ranges (None: as the scenario says;
    no samples, a single estimate). ``progress(done, total)`` is called as samples are drawn.
    ``horizon_months``: months to plan (None: the scenario's ``horizon_months``, default 1).
    """
    if not isinstance(scenario, (str, Path)) and not hasattr(scenario, "workload"):  # a Scenario, or its cached record
        raise TypeError(f"estimate() takes a Scenario (tco.load_scenario, tco.parse_scenario) or the path of a "
                        f"scenario file, not {type(scenario).__name__}")
    catalog = catalog_of(scenario, catalog)
    if isinstance(scenario, (str, Path)):
        scenario = load_scenario(scenario, catalog)
    compiled = compile_scenario(scenario, catalog, as_of=as_of, currency=currency, strict=strict, impute=impute)
    points = WorkloadPoints.from_scenario(scenario)
    result = evaluate(compiled, points)
    est = build_estimate(compiled, result)
    if result.selfhost:
        from .breakeven import breakeven  # loaded only for scenarios that self-host

        est.breakeven = breakeven(compiled, result, points)
    return plan_beyond(compiled, est, samples=samples, seed=seed, progress=progress, horizon_months=horizon_months)


def _central_not_mean(compiled: Compiled, sampled: bool = False) -> list[str]:
    """A range whose central value (what a plain estimate uses: likely, or the median) is far from
    its mean: a budget built on the plain figure of a lopsided range is low (reasoning tokens
    300 / 1,200 / 5,000 average 2,167, not 1,200)."""
    ranges = getattr(compiled.scenario, "ranges", None) or {}
    if not ranges:
        return []
    from .uncertainty import describe_range, input_label  # loaded only for scenarios with ranges

    def n(v: float) -> str:
        return f"{v:,.0f}" if abs(v) >= 100 else f"{v:,.4g}"

    out = []
    for path, r in sorted(ranges.items()):
        c, m = float(r.central), float(r.mean)
        if c > 0 and abs(m - c) > 0.1 * c:
            which = "likely value" if r.likely is not None else "median" if r.dist == "lognormal" else "midpoint"
            out.append(f"{input_label(path, compiled)}: the plain estimate takes the range's {which} {n(c)}; its mean "
                       f"is {n(m)} ({m / c - 1:+.0%}; {describe_range(r)})"
                       + (": the P10-P90 columns give the spread" if sampled else ": --samples gives the spread"))
    return out


def plan_beyond(compiled: Compiled, est: Estimate, *, samples: int | None = None, seed: int | None = None,
                progress: Callable[[int, int], None] | None = None, horizon_months: int | None = None) -> Estimate:
    """Add to ``est`` (the plain estimate of ``compiled``) what the scenario asks beyond one
    month's point estimate: the Monte Carlo over its ranges and the multi-month horizon
    (None: as the scenario says). The app's export calls it on a copy of its estimate."""
    scenario = compiled.scenario
    n = samples if samples is not None else getattr(scenario, "samples", None)
    est.warnings += [w for w in _central_not_mean(compiled, bool(n)) if w not in est.warnings]
    if n:
        from .uncertainty import monte_carlo  # loaded only when samples are asked for

        s = seed if seed is not None else getattr(scenario, "seed", None)
        unc = monte_carlo(compiled, int(n), s, progress)
        ids = [r.id for r in compiled.candidates]
        by_id = {c.id: c for c in est.candidates}
        for ci, cid in enumerate(ids):
            by_id[cid].uncertainty = unc.for_candidate(ci, ids)
            share = by_id[cid].uncertainty.get("p_no_cost") or 0.0
            if 0 < share < 1 and math.isfinite(by_id[cid].monthly_cost):
                by_id[cid].warnings.append(
                    f"no cost in {chance(share)} of the samples (a drawn request does not fit the context window, "
                    "or the latency targets cannot be met): its percentiles and chances are over the other samples")
        est.uncertainty = {"samples": unc.samples, "seed": unc.seed, "inputs": unc.inputs,
                           "ranges": unc.described, "labels": unc.labels}
        if unc.samples < 1000 and unc.inputs:  # P10 of 10 draws is the second lowest: say how rough that is
            est.warnings.append(f"{unc.samples:,} samples: P10-P90 and the chances move from one seed to the next "
                                "below about 1,000 (10,000 or more for a chance near 1% or 99%)")
    months = horizon_months if horizon_months is not None else getattr(scenario, "horizon_months", 1)
    if months and months > 1:
        from .horizon import horizon  # loaded only for multi-month plans

        est.horizon = horizon(compiled, est, int(months))
    return est
