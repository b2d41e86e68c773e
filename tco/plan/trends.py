"""Price trends measured from the catalog's own history, for multi-month horizons.

API prices, per provider class: the price of a fixed quality level. For every month from
2023-01 to the as-of date, the cheapest blended price (3 input : 1 output tokens, in USD at
the month's rate) among the class's offers whose model scores at least ``level`` on the
``general`` profile (measured scores, coverage at least half the weight); a least-squares
line through the logarithms of that monthly series gives the annual factor (0.5 = prices
halve every year) and its standard error. Where a class has too few such months, the
within-offer trend (the same offer's list-price cuts, offer fixed effects) is used instead,
and the result says which.

Rentals: the within-offer trend of every rental price history (per GPU-hour), pooled.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import NotAvailable

if TYPE_CHECKING:
    from ..catalog import Catalog

CLASSES: dict[str, tuple[str, ...]] = {
    "us-frontier": ("openai", "anthropic", "google", "xai", "mistral"),
    "china": ("deepseek", "alibaba", "baidu", "volcengine", "zhipu", "moonshot", "tencent"),
    "open-model hosts": ("together", "fireworks", "groq", "deepinfra", "aws-bedrock", "azure", "databricks",
                         "cerebras"),
}
"""Provider classes whose API prices fall at different speeds."""
START = date(2023, 1, 1)
MIN_MONTHS = 6


@dataclass(frozen=True)
class Trend:
    """An exponential price trend: price(t) = price(0) x annual ** (months / 12)."""

    name: str
    annual: float
    """Price factor per year (0.5: halves every year; 1.0: flat)."""
    annual_low: float
    annual_high: float
    """The factor at minus and plus one standard error of the slope."""
    method: str
    points: int
    source: str

    def factor(self, months: np.ndarray | float) -> np.ndarray:
        return np.power(self.annual, np.asarray(months, dtype=np.float64) / 12.0)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "annual_factor": round(self.annual, 4),
                "annual_factor_range": [round(self.annual_low, 4), round(self.annual_high, 4)],
                "method": self.method, "points": self.points, "source": self.source}


FLAT = Trend("flat", 1.0, 1.0, 1.0, "assumed flat (no history to fit)", 0, "none")


def flat(name: str, points: int, span_months: float, as_of: date) -> Trend:
    """Flat, saying why: no price change known by ``as_of``, or too few or too short to fit."""
    if points == 0:
        return Trend(name, 1.0, 1.0, 1.0, FLAT.method, 0, "none")
    return Trend(name, 1.0, 1.0, 1.0, f"assumed flat ({points} price points over {span_months:.0f} months known "
                 f"on {as_of}: too few or too short to fit: it takes {MIN_MONTHS} points spanning {MIN_MONTHS} months)",
                 points, "none")


def _is_flat(t: Trend) -> bool:
    return t.source == "none"


def _months(d: date) -> float:
    return (d.year - START.year) * 12 + (d.month - START.month) + (d.day - 1) / 30.4


def _fit(t: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Slope per month of y on t and its standard error (ordinary least squares)."""
    t = t - t.mean()
    slope = float((t * (y - y.mean())).sum() / (t * t).sum())
    resid = y - y.mean() - slope * t
    dof = max(len(t) - 2, 1)
    se = math.sqrt(float((resid * resid).sum()) / dof / float((t * t).sum()))
    return slope, se


def _trend(name: str, slope: float, se: float, method: str, points: int, source: str) -> Trend:
    return Trend(name, math.exp(12 * slope), math.exp(12 * (slope - se)), math.exp(12 * (slope + se)), method,
                 points, source)


def _blended(point: Any, catalog: Catalog, on: date) -> float | None:
    if point.input is None or point.output is None:
        return None
    usd = 1.0
    if point.currency != "USD":
        try:
            rate = catalog.fx_at(point.currency, on)
        except Exception:  # noqa: BLE001 - no rate known then: the point cannot be compared
            return None
        usd = 1.0 / rate.per_usd if rate is not None else 1.0
    return (3 * point.per_mtok(point.input) + point.per_mtok(point.output)) / 4 * usd


def _pool(series: list[tuple[float, float]], ts: list[float], ys: list[float], seen: list[float]) -> None:
    """Add one history's (month, log price) points, each centred on the history's own means (a
    fixed effect per offer), to the pooled ``ts``/``ys``; ``seen`` keeps the raw months. A
    history of fewer than two points says nothing about a slope."""
    if len(series) < 2:
        return
    t = np.array([a for a, _ in series])
    y = np.array([b for _, b in series])
    ts.extend(t - t.mean())
    ys.extend(y - y.mean())
    seen.extend(t)


def within_offer(catalog: Catalog, providers: tuple[str, ...] | None, name: str, as_of: date) -> Trend:
    """Offer fixed effects: how fast the same offers' list prices fell (curated history)."""
    ts: list[float] = []
    ys: list[float] = []
    seen: list[float] = []
    for oid, offer in catalog.offers.items():
        if providers is not None and catalog.offer_provider.get(oid) not in providers:
            continue
        if getattr(offer, "imported_from", None) is not None and len(offer.prices) < 2:
            continue
        series = [(_months(p.effective_from), _blended(p, catalog, p.effective_from)) for p in offer.prices
                  if START <= p.effective_from <= as_of]  # only what was known on the as-of date
        series = [(t, v) for t, v in series if v is not None and v > 0]
        _pool([(a, math.log(b)) for a, b in series], ts, ys, seen)
    if len(ts) < MIN_MONTHS or not seen or max(seen) - min(seen) < MIN_MONTHS:
        # too little history to fit: the caller falls back to the pooled trend
        return flat(name, len(ts), max(seen) - min(seen) if seen else 0.0, as_of)
    slope, se = _fit(np.array(ts), np.array(ys))
    return _trend(name, slope, se, "within-offer list-price changes", len(ts),
                  f"the catalog's curated price histories from 2023-01 to {as_of}")


def api_trends(catalog: Catalog, as_of: date, level: float = 75.0) -> dict[str, Trend]:
    """A trend per provider class (see the module docstring)."""
    weights = catalog.profile("general").weights
    total = sum(weights.values())

    def quality(model: str) -> float | None:
        have = {b: w for b, w in weights.items() if (model, b) in catalog.scores}
        if sum(have.values()) < total / 2:
            return None
        vals = []
        for b, w in have.items():
            bench = catalog.benchmarks[b]
            s = catalog.scores[(model, b)][0].value
            vals.append(((s - bench.scale_min) / (bench.scale_max - bench.scale_min) * 100, w))
        return sum(v * w for v, w in vals) / sum(w for _, w in vals)

    out: dict[str, Trend] = {}
    months = []
    d = START
    while d <= as_of:
        months.append(d)
        d = date(d.year + d.month // 12, d.month % 12 + 1, 1)
    for cls, providers in CLASSES.items():
        good = {}
        for oid, offer in catalog.offers.items():
            if catalog.offer_provider.get(oid) in providers:
                good[oid] = offer
        qual: dict[str, float | None] = {}
        series: list[tuple[float, float]] = []
        for m in months:
            best = math.inf
            for oid in good:
                try:
                    point = catalog.price_at(oid, m)
                except NotAvailable:
                    continue
                model = point.model or good[oid].model
                if model not in qual:
                    qual[model] = quality(model)
                q = qual[model]
                if q is None or q < level:
                    continue
                price = _blended(point, catalog, m)
                if price is not None and price > 0:
                    best = min(best, price)
            if math.isfinite(best):
                series.append((_months(m), math.log(best)))
        if len(series) >= MIN_MONTHS and len({round(y, 9) for _, y in series}) > 1:
            slope, se = _fit(np.array([t for t, _ in series]), np.array([y for _, y in series]))
            out[cls] = _trend(cls, slope, se, f"cheapest blended price of a quality level >= {level:g} on the "
                              f"general profile, monthly from {months[0]:%Y-%m} to {months[-1]:%Y-%m}", len(series),
                              "the catalog's price histories and measured scores")
        else:
            out[cls] = within_offer(catalog, providers, cls, as_of)
    pooled = None
    for cls, trend in out.items():
        if _is_flat(trend):  # a class with too little history of its own takes every class's pooled trend
            pooled = pooled or within_offer(catalog, None, "all providers", as_of)
            out[cls] = Trend(cls, pooled.annual, pooled.annual_low, pooled.annual_high,
                             f"{pooled.method}, all providers pooled ({cls} has too little history of its own)"
                             if pooled.points else pooled.method, pooled.points, pooled.source)
    return out


def class_of(provider: str) -> str | None:
    for cls, providers in CLASSES.items():
        if provider in providers:
            return cls
    return None


def rental_trend(catalog: Catalog, as_of: date) -> Trend:
    """Rental prices per GPU-hour: the within-offer trend of every rental history."""
    hw = catalog.hardware
    ts: list[float] = []
    ys: list[float] = []
    seen: list[float] = []
    for r in hw.rentals.values():
        series = [(_months(p.effective_from), math.log(p.usd_per_gpu_hour)) for p in r.prices
                  if p.usd_per_gpu_hour and START <= p.effective_from <= as_of]
        _pool(series, ts, ys, seen)
    if len(ts) < MIN_MONTHS:
        return flat("rentals", len(ts), max(seen) - min(seen) if seen else 0.0, as_of)
    slope, se = _fit(np.array(ts), np.array(ys))
    return _trend("rentals", slope, se, "within-offer rental price changes", len(ts),
                  f"the catalog's rental price histories from 2023-01 to {as_of}")
