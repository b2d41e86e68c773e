"""Run the engine for every candidate at every workload point: one point (an estimate) or
millions (a sweep), the same vectorized call."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..catalog import Catalog
from ..engine.api import api_cost
from ..engine.quality import cost_per_quality_point, imputed_parts, quality, rank
from ..errors import TcoError
from .compile import Compiled, compile_scenario

if TYPE_CHECKING:
    from ..schema.scenario import Scenario


@dataclass
class WorkloadPoints:
    """Workload arrays, shape (P,) each."""

    requests_per_month: np.ndarray
    input_tokens: np.ndarray
    output_tokens: np.ndarray
    cached_share: np.ndarray
    batch_share: np.ndarray
    peak_to_average: np.ndarray
    days_per_month: float
    cache_write_share: np.ndarray | None = None
    """Share of input tokens written to the prompt cache (None: 0 everywhere)."""

    @classmethod
    def from_scenario(cls, scenario: Scenario) -> WorkloadPoints:
        w = scenario.workload
        check_workload(scenario)
        a = lambda v: np.array([v], dtype=np.float64)  # noqa: E731
        return cls(a(w.monthly_requests), a(w.input_tokens), a(w.output_tokens), a(w.cached_input_share),
                   a(w.batch_share), a(w.peak_to_average), w.days_per_month,
                   a(getattr(w, "cache_write_share", 0.0)))

    def __len__(self) -> int:
        return len(self.requests_per_month)


CHUNK_CELLS = 1 << 21
"""Candidate x point cells evaluated at a time (16 MB per float64 temporary): a sweep's
working memory stays bounded whatever its size; only its results grow with it."""

COMPONENTS = ("input", "cached_input", "cache_write", "output", "reasoning", "request_fees", "offpeak_savings", "batch_savings",
              "discount_savings")
"""The parts of an API candidate's monthly cost (self-hosted candidates have NaN here)."""


def _chunks(P: int, C: int) -> list[slice]:
    step = max(1, CHUNK_CELLS // max(C, 1))
    return [slice(i, min(i + step, P)) for i in range(0, P, step)]


def _point_slice(points: WorkloadPoints, sl: slice) -> tuple[np.ndarray, ...]:
    write = points.cache_write_share
    return (points.requests_per_month[sl], points.input_tokens[sl], points.output_tokens[sl],
            points.cached_share[sl], points.batch_share[sl],
            write[sl] if write is not None else np.zeros(len(points.requests_per_month[sl])))


class Components(Mapping[str, np.ndarray]):
    """The API cost split (:data:`COMPONENTS`), (C, P) arrays computed on first access, in
    chunks: a sweep that never asks for them never holds them. ``at(point)`` computes one
    column only (what an estimate's breakdown needs)."""

    def __init__(self, compiled: Compiled, points: WorkloadPoints) -> None:
        self._compiled, self._points = compiled, points
        self._arrays: dict[str, np.ndarray] | None = None

    def _all(self) -> dict[str, np.ndarray]:
        if self._arrays is None:
            c, pts = self._compiled, self._points
            C, P = len(c.candidates), len(pts)
            arrays = {k: np.full((C, P), np.nan) for k in COMPONENTS}
            if len(c.api_index):
                for sl in _chunks(P, C):
                    cost = api_cost(c.prices, *_point_slice(pts, sl))
                    for k in COMPONENTS:
                        arrays[k][c.api_index, sl] = getattr(cost, k)
            self._arrays = arrays
        return self._arrays

    def at(self, point: int) -> dict[str, np.ndarray]:
        """Every component at one workload point, shape (C,) each."""
        if self._arrays is not None:
            return {k: v[:, point] for k, v in self._arrays.items()}
        c = self._compiled
        out = {k: np.full(len(c.candidates), np.nan) for k in COMPONENTS}
        if len(c.api_index):
            cost = api_cost(c.prices, *_point_slice(self._points, slice(point, point + 1)))
            for k in COMPONENTS:
                out[k][c.api_index] = getattr(cost, k)[:, 0]
        return out

    def __getitem__(self, key: str) -> np.ndarray:
        return self._all()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(COMPONENTS)

    def __len__(self) -> int:
        return len(COMPONENTS)


@dataclass
class SweepResult:
    """Arrays over candidates (axis 0, in the scenario's order: ``candidate_ids``) x workload
    points (axis 1). Unknown costs are NaN; ``rank`` is 1.0 for the best value per point and
    NaN for a candidate not ranked at that point (unknown cost or quality, low coverage), so
    sorting by rank puts unranked candidates last. ``components`` (the API cost split) is
    computed when first read."""

    candidate_ids: list[str]
    monthly_cost: np.ndarray
    cost_per_mtok: np.ndarray
    quality: np.ndarray
    coverage: np.ndarray
    cost_per_quality_point: np.ndarray
    rank: np.ndarray
    components: Components
    selfhost: dict[int, Any]
    imputed_share: np.ndarray | None = None
    """(C,) share of the profile weight filled by imputation (zeros when not asked for)."""
    quality_half_width: np.ndarray | None = None
    """(C,) half-width of the quality's interval from imputed cells (NaN: nothing imputed)."""


def evaluate(compiled: Compiled, points: WorkloadPoints) -> SweepResult:
    """Run the engine for every candidate at every workload point, in chunks of points
    (:data:`CHUNK_CELLS`) so temporaries stay small."""
    C, P = len(compiled.candidates), len(points)
    monthly = np.full((C, P), np.nan)
    chunks = _chunks(P, C)
    if len(compiled.api_index):
        for sl in chunks:
            monthly[compiled.api_index, sl] = api_cost(compiled.prices, *_point_slice(points, sl)).total
    selfhost: dict[int, Any] = {}
    for ci, r in enumerate(compiled.candidates):
        if r.kind == "selfhost" and r.selfhost is not None:  # None: not available on the as-of date
            from .selfhost import evaluate_selfhost  # loaded only for scenarios that self-host

            plan, cost_report_currency = evaluate_selfhost(compiled, r, points)
            selfhost[ci] = plan
            monthly[ci] = cost_report_currency
    q, cov = quality(compiled.normalized_scores, compiled.weights)
    imputed_share = np.zeros(C)
    quality_half = np.full(C, np.nan)
    if compiled.imputed is not None:
        imputed_share, quality_half = imputed_parts(compiled.normalized_scores, compiled.weights, compiled.imputed,
                                                    compiled.impute_half_width)
        cov = cov - imputed_share  # coverage stays the measured share; imputed cells count for ranking
    for ci, r in enumerate(compiled.candidates):
        if r.kind == "selfhost" and r.selfhost is not None:
            delta = getattr(r.selfhost, "quality_delta", 0.0) or 0.0
            if delta and not np.isnan(q[ci]):
                q[ci] = q[ci] + delta
    eligible = cov + imputed_share >= compiled.scenario.quality.min_coverage - 1e-12
    per_mtok = np.empty((C, P))
    cpq = np.empty((C, P))
    ranks = np.empty((C, P))
    for sl in chunks:
        tokens = points.requests_per_month[sl] * (points.input_tokens[sl] + points.output_tokens[sl])
        with np.errstate(invalid="ignore", divide="ignore"):
            per_mtok[:, sl] = monthly[:, sl] / tokens[None, :] * 1e6
        cpq[:, sl] = cost_per_quality_point(monthly[:, sl], q)
        ranks[:, sl] = rank(cpq[:, sl], eligible)
    return SweepResult([r.id for r in compiled.candidates], monthly, per_mtok, q, cov, cpq, ranks,
                       Components(compiled, points), selfhost, imputed_share, quality_half)


def sweep(scenario: Scenario | str | Path, catalog: Catalog | None = None, *, as_of: date | None = None,
          currency: str | None = None, **workload: Any) -> SweepResult:
    """Evaluate many workload variants at once.

    ``scenario``: a Scenario or a file's path (as :func:`tco.estimate` takes). Keyword arrays
    (one-dimensional, broadcast together: single numbers beside arrays) override the scenario's
    workload: ``requests_per_day``, ``requests_per_month``, ``input_tokens``, ``output_tokens``,
    ``cached_input_share``, ``batch_share``, ``cache_write_share``, ``peak_to_average``.
    """
    from .scenario import catalog_of, load_scenario

    catalog = catalog_of(scenario, catalog)
    if isinstance(scenario, (str, Path)):
        scenario = load_scenario(scenario, catalog)
    compiled = compile_scenario(scenario, catalog, as_of=as_of, currency=currency)
    return evaluate(compiled, workload_points(scenario, **workload))


_POINT_BOUNDS = {
    "requests_per_day": (0.0, 1e11, False), "requests_per_month": (0.0, 3.1e12, False),
    "input_tokens": (0.0, 1e8, False), "output_tokens": (0.0, 1e7, False),
    "cached_input_share": (0.0, 1.0, True), "batch_share": (0.0, 1.0, True), "peak_to_average": (1.0, 100.0, True),
    "cache_write_share": (0.0, 1.0, True),
}
"""name -> (low, high, low inclusive): the scenario schema's bounds, applied to sweep arrays."""


def _out_of_bounds(name: str, value: Any) -> tuple[str, int] | None:
    """(what is wrong with the first bad value, how many are bad) of ``name``'s values against the
    scenario schema's bounds; None when all are within them."""
    try:
        a = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return f"must be a number or an array of numbers: got {value!r:.60}", 0
    lo, hi, incl = _POINT_BOUNDS[name]
    bad = ~np.isfinite(a) | (a > hi) | ((a < lo) if incl else (a <= lo))
    if not bad.any():
        return None
    first = float(a.reshape(-1)[int(np.argmax(bad.reshape(-1)))])
    return f"must be finite and in {'[' if incl else '('}{lo:g}, {hi:g}]: got {first!r}", int(bad.sum())


def _check_points(arrays: dict[str, Any]) -> None:
    for name, value in arrays.items():
        wrong = _out_of_bounds(name, value)
        if wrong:
            raise TcoError(f"{wrong[0]} ({wrong[1]} bad points)" if wrong[1] else wrong[0], field=name)


def check_workload(scenario: Scenario) -> None:
    """The scenario's own workload figures within the schema's bounds. A file is validated when it
    is read; a scenario changed in code with pydantic's ``model_copy(update=...)`` is not, and a
    volume of -5 would cost -$2.25: refused here, with the validated way to change one."""
    w = scenario.workload
    hint = "change a scenario with tco.vary(scenario, ...), which validates what it is given"
    for name in _POINT_BOUNDS:
        value = getattr(w, name, None)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TcoError(f"not a number: {value!r}", field=f"workload.{name}", hint=hint)
        wrong = _out_of_bounds(name, value)
        if wrong:
            raise TcoError(wrong[0], field=f"workload.{name}", hint=hint)


def workload_points(scenario: Scenario, **overrides: Any) -> WorkloadPoints:
    allowed = {"requests_per_day", "requests_per_month", "input_tokens", "output_tokens",
               "cached_input_share", "batch_share", "peak_to_average", "cache_write_share"}
    unknown = sorted(set(overrides) - allowed)
    if unknown:
        from ..errors import did_you_mean

        close = did_you_mean(unknown[0], sorted(allowed))
        raise TcoError(f"unknown workload array{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}",
                       hint=(f"{close} " if close else "") + f"the arrays a sweep takes: {', '.join(sorted(allowed))}")
    w = scenario.workload
    check_workload(scenario)
    if "requests_per_day" in overrides and "requests_per_month" in overrides:
        raise TcoError("give requests_per_day or requests_per_month, not both")
    _check_points(overrides)  # numbers within the schema's bounds, before any arithmetic on them
    if "requests_per_day" in overrides:
        rpm = np.asarray(overrides["requests_per_day"], dtype=np.float64) * w.days_per_month
    elif "requests_per_month" in overrides:
        rpm = np.asarray(overrides["requests_per_month"], dtype=np.float64)
    else:
        rpm = np.asarray(w.monthly_requests, dtype=np.float64)
    try:
        arrays = np.broadcast_arrays(
            np.atleast_1d(rpm),
            np.atleast_1d(np.asarray(overrides.get("input_tokens", w.input_tokens), dtype=np.float64)),
            np.atleast_1d(np.asarray(overrides.get("output_tokens", w.output_tokens), dtype=np.float64)),
            np.atleast_1d(np.asarray(overrides.get("cached_input_share", w.cached_input_share), dtype=np.float64)),
            np.atleast_1d(np.asarray(overrides.get("batch_share", w.batch_share), dtype=np.float64)),
            np.atleast_1d(np.asarray(overrides.get("peak_to_average", w.peak_to_average), dtype=np.float64)),
            np.atleast_1d(np.asarray(overrides.get("cache_write_share", getattr(w, "cache_write_share", 0.0)),
                                     dtype=np.float64)),
        )
    except ValueError:  # numpy's "shape mismatch: objects cannot be broadcast to a single shape"
        shapes = ", ".join(f"{k} {np.shape(v)}" for k, v in overrides.items())
        raise TcoError(f"the workload arrays have shapes that do not combine: {shapes}",
                       hint="give arrays of one length, or single numbers beside one array") from None
    if arrays[0].ndim > 1:  # (n, 1) beside (m,) broadcasts to a grid whose flattened order no result says
        raise TcoError(f"the workload arrays combine into shape {arrays[0].shape}, not a list of points",
                       hint="give one-dimensional arrays; for a grid, np.meshgrid(...) and .ravel() each, so the "
                            "points keep an order you know")
    flat = [np.ascontiguousarray(a).ravel() for a in arrays]
    return WorkloadPoints(*flat[:6], days_per_month=w.days_per_month, cache_write_share=flat[6])
