"""Missing benchmark scores from a low-rank model of the models x benchmarks matrix.

Pure numpy. Benchmark scores are strongly correlated across models: a few latent factors
(general ability, coding, Chinese, ...) explain most of the variance. With every score on
the 0-100 scale, each benchmark column is centred and scaled by its measured mean and
spread, and the matrix ``Z ~ U V^T`` of rank ``k`` is fitted to the measured cells only by
alternating ridge regressions (each row's factors given the columns', and back). A missing
cell is then ``mean_b + spread_b x (U V^T)_mb``.

How far to trust a prediction is measured, not assumed: :func:`leave_one_out` hides each
measured cell in turn, refits, and records the error; the interval half-width of a
benchmark at level ``q`` is the ``q``-quantile of those absolute errors (pooled over
benchmarks in units of each benchmark's spread where a benchmark has few cells). A
benchmark measured for fewer than ``min_models`` models is not imputed at all.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

DEFAULT_RANK = 2
DEFAULT_RIDGE = 1.0
DEFAULT_MIN_MODELS = 6
"""A benchmark needs this many measured models to be imputed."""
DEFAULT_LEVEL = 0.8
"""Nominal coverage of the intervals (80 %: a held-out cell falls inside 4 times in 5)."""


@dataclass(frozen=True)
class LowRankFit:
    """A fitted low-rank model of one score matrix (models x benchmarks, 0-100, NaN missing)."""

    mean: np.ndarray
    """(B,) measured mean of each benchmark (NaN where too few models)."""
    spread: np.ndarray
    """(B,) measured standard deviation (floored), the unit of the factor model."""
    rows: np.ndarray
    """(M, k) model factors."""
    cols: np.ndarray
    """(B, k) benchmark loadings."""
    usable: np.ndarray
    """(B,) benchmark measured for at least ``min_models`` models."""

    def predict(self) -> np.ndarray:
        """(M, B) predicted scores (NaN for unusable benchmarks and empty rows)."""
        z = self.rows @ self.cols.T
        out = self.mean[None, :] + self.spread[None, :] * z
        return np.where(self.usable[None, :], out, np.nan)


def fit(scores: np.ndarray, rank: int = DEFAULT_RANK, ridge: float = DEFAULT_RIDGE,
        min_models: int = DEFAULT_MIN_MODELS, iterations: int = 60) -> LowRankFit:
    """Fit ``scores`` (M, B) with NaN for missing cells; deterministic (SVD start)."""
    x = np.asarray(scores, dtype=np.float64)
    m, b = x.shape
    seen = ~np.isnan(x)
    counts = seen.sum(axis=0)
    usable = counts >= min_models
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(counts > 0, np.nansum(x, axis=0) / np.maximum(counts, 1), np.nan)
        var = np.where(counts > 1, np.nansum((x - mean) ** 2, axis=0) / np.maximum(counts - 1, 1), np.nan)
    spread = np.maximum(np.sqrt(np.nan_to_num(var, nan=1.0)), 1.0)  # at least one point on the 0-100 scale
    z = np.where(seen & usable[None, :], (x - mean[None, :]) / spread[None, :], np.nan)
    mask = ~np.isnan(z)
    k = max(1, min(rank, m, b))
    filled = np.where(mask, z, 0.0)
    u, s, vt = np.linalg.svd(filled, full_matrices=False)
    rows = u[:, :k] * np.sqrt(s[:k])
    cols = vt[:k].T * np.sqrt(s[:k])
    eye = ridge * np.eye(k)
    w = mask.astype(np.float64)
    for _ in range(iterations):
        rows = _solve(cols, filled, w, eye)
        cols = _solve(rows, filled.T, w.T, eye)
    return LowRankFit(mean, spread, rows, cols, usable)


def _solve(other: np.ndarray, wz: np.ndarray, w: np.ndarray, eye: np.ndarray) -> np.ndarray:
    """Ridge least squares for every row of ``wz`` (measured values, 0 elsewhere) on the columns it
    has (``w``: 1 where measured): the normal equations (O^T W O + ridge I) f = O^T W z, vectorized.
    The k x k Gram matrices of all rows are one matrix product with the columns' outer products
    (a three-operand einsum, the code before 2026-12-01, was 6x slower: benchmarks/bench_impute.py)."""
    c, k = other.shape
    gram = (w @ (other[:, :, None] * other[:, None, :]).reshape(c, k * k)).reshape(-1, k, k) + eye
    return np.linalg.solve(gram, (wz @ other)[:, :, None])[:, :, 0]


def impute(scores: np.ndarray, **kw: float) -> np.ndarray:
    """Every cell predicted (measured ones too, as the model sees them); see :func:`fit`."""
    return fit(scores, **kw).predict()  # type: ignore[arg-type]


@dataclass(frozen=True)
class Calibration:
    """Leave-one-out errors of the model on one score matrix."""

    errors: np.ndarray
    """(M, B) prediction minus measurement with the cell hidden; NaN where not measured or not usable."""
    half_width: np.ndarray
    """(B,) interval half-width at ``level`` (NaN where the benchmark is not imputed)."""
    level: float
    spread: np.ndarray
    """(B,) the benchmarks' spreads (units of the pooled quantile)."""
    pooled_below: int

    def inside(self) -> np.ndarray:
        """(M, B) whether each held-out cell fell inside an interval computed WITHOUT its own
        error (the width a new model would get): an honest coverage check. False elsewhere."""
        a = np.abs(self.errors)
        out = np.zeros(a.shape, dtype=bool)
        scaled = (a / self.spread[None, :])[np.isfinite(a)]
        for mi, bi in zip(*np.nonzero(np.isfinite(a)), strict=True):
            col = a[:, bi][np.isfinite(a[:, bi])]
            if len(col) - 1 >= self.pooled_below:
                others = np.delete(col, np.flatnonzero(col == a[mi, bi])[:1])
                width = np.quantile(others, self.level)
            else:
                own = a[mi, bi] / self.spread[bi]
                others = np.delete(scaled, np.flatnonzero(scaled == own)[:1])
                width = np.quantile(others, self.level) * self.spread[bi]
            out[mi, bi] = a[mi, bi] <= width
        return out


def leave_one_out(scores: np.ndarray, level: float = DEFAULT_LEVEL, rank: int = DEFAULT_RANK,
                  ridge: float = DEFAULT_RIDGE, min_models: int = DEFAULT_MIN_MODELS,
                  iterations: int = 40, pooled_below: int = 15) -> Calibration:
    """Hide each measured cell of a usable benchmark, refit, and predict it.

    The half-width of a benchmark with at least ``pooled_below`` held-out errors is the
    ``level``-quantile of its own absolute errors; with fewer, the pooled quantile of all
    errors in spread units, times its spread (a robust guess where data are thin)."""
    x = np.asarray(scores, dtype=np.float64)
    full = fit(x, rank=rank, ridge=ridge, min_models=min_models, iterations=iterations)
    errors = np.full(x.shape, np.nan)
    for mi, bi in zip(*np.nonzero(~np.isnan(x) & full.usable[None, :]), strict=True):
        held = x.copy()
        held[mi, bi] = np.nan
        if (~np.isnan(held[:, bi])).sum() < min_models or np.isnan(held[mi]).all():
            continue  # hiding it leaves too little to predict from
        pred = fit(held, rank=rank, ridge=ridge, min_models=min_models, iterations=iterations).predict()[mi, bi]
        errors[mi, bi] = pred - x[mi, bi]
    return calibrate(errors, full.spread, full.usable, level, pooled_below)


def calibrate(errors: np.ndarray, spread: np.ndarray, usable: np.ndarray, level: float = DEFAULT_LEVEL,
              pooled_below: int = 15) -> Calibration:
    """Interval half-widths per benchmark from held-out errors (see :func:`leave_one_out`)."""
    a = np.abs(errors)
    with np.errstate(invalid="ignore"):
        pooled = np.nanquantile(a / spread[None, :], level) if np.isfinite(a).any() else np.nan
    half = np.full(errors.shape[1], np.nan)
    for bi in range(errors.shape[1]):
        if not usable[bi]:
            continue
        col = a[:, bi][np.isfinite(a[:, bi])]
        half[bi] = np.quantile(col, level) if len(col) >= pooled_below else pooled * spread[bi]
    return Calibration(errors, half, level, spread, pooled_below)
