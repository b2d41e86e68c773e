"""Drawing uncertain inputs (pure numpy, reproducible with a seed).

A range is (low, likely, high, dist): ``triangular`` between low and high with mode likely
(the midpoint when likely is missing); ``lognormal`` with low and high as its 10th and 90th
percentiles. ``z80 = 1.2816`` is the standard normal's 90th percentile.
"""

from __future__ import annotations

import numpy as np

Z90 = 1.2815515655446004
"""Standard normal 90th percentile: a P10-P90 interval spans 2 x Z90 standard deviations."""


def draw(rng: np.random.Generator, low: float, likely: float | None, high: float, dist: str, n: int) -> np.ndarray:
    """``n`` draws of one range."""
    if dist == "lognormal":
        mu = (np.log(low) + np.log(high)) / 2.0
        sigma = (np.log(high) - np.log(low)) / (2.0 * Z90)
        return np.exp(rng.normal(mu, sigma, n))
    mode = (low + high) / 2.0 if likely is None else likely
    return rng.triangular(low, mode, high, n)


def normal_from_interval(rng: np.random.Generator, centre: np.ndarray, half_width: np.ndarray, level: float,
                         n: int) -> np.ndarray:
    """(len(centre), n) draws of values whose ``level`` central interval is centre +- half_width."""

    z = _z(level)
    sd = np.where(np.isfinite(half_width), half_width, 0.0) / z
    return centre[:, None] + sd[:, None] * rng.standard_normal((len(centre), n))


def _z(level: float) -> float:
    """The standard normal quantile of (1 + level) / 2, by bisection on erf (no scipy)."""
    from math import erf, sqrt

    target = (1.0 + level) / 2.0
    lo, hi = 0.0, 10.0
    for _ in range(80):
        mid = (lo + hi) / 2.0
        if 0.5 * (1.0 + erf(mid / sqrt(2.0))) < target:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2.0


def percentiles(values: np.ndarray, qs: tuple[float, ...] = (10, 50, 90)) -> np.ndarray:
    """(C, len(qs)) percentiles of (C, S) values along the samples, NaN samples ignored
    (a candidate whose cost is unknown in every sample has NaN percentiles)."""
    out = np.full((values.shape[0], len(qs)), np.nan)
    for ci in range(values.shape[0]):
        row = values[ci][np.isfinite(values[ci])]
        if len(row):
            out[ci] = np.percentile(row, qs)
    return out


def chance(p: float) -> str:
    """A probability from samples as a reader should take it: ``97%``; never ``100%`` or ``0%``
    unless it is exactly that (0.9991 of 20,000 samples is ``>99%``, 0.0004 is ``<1%``)."""
    if p >= 1 or p <= 0:
        return f"{p:.0%}"
    if p >= 0.995:
        return ">99%"
    if p < 0.005:
        return "<1%"
    return f"{min(max(round(p * 100), 1), 99)}%"
