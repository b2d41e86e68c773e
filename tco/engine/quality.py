"""Quality score, coverage, cost per quality point and ranking."""

from __future__ import annotations

import numpy as np


def normalize(scores: np.ndarray, scale_min: np.ndarray, scale_max: np.ndarray) -> np.ndarray:
    """Scores (C, B) on each benchmark's own scale -> 0-100 (NaN stays NaN)."""
    return (scores - scale_min[None, :]) / (scale_max - scale_min)[None, :] * 100.0


def quality(normalized: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Weighted mean of the scores present, and the share of weight present.

    ``normalized`` is (C, B) with NaN for a missing score, ``weights`` is (B,).
    Returns (quality (C,), coverage (C,)); quality is NaN where no score is present.
    """
    present = ~np.isnan(normalized)
    top = float(weights.max()) if len(weights) else 0.0
    if np.isfinite(top) and top > 0:
        weights = weights / top  # relative weights: 1e308 and 1e308 add up to 2, not inf
    w = np.broadcast_to(weights[None, :], normalized.shape)
    w_present = np.where(present, w, 0.0).sum(axis=1)
    total = float(weights.sum())
    weighted = np.where(present, normalized * w, 0.0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        q = np.where(w_present > 0, weighted / w_present, np.nan)
    coverage = w_present / total if total > 0 else np.zeros(len(normalized))
    return q, coverage


def imputed_parts(normalized: np.ndarray, weights: np.ndarray, imputed: np.ndarray,
                  half_width: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(imputed share of the weight (C,), interval half-width of the quality (C,)).

    The half-width is the weighted sum of the imputed cells' half-widths over the weight
    present: errors of one model's imputed cells are taken as fully correlated (the safe
    side), so a measured score replacing an imputed one never widens the interval.
    (80 and 70 measured, 60 imputed +-6, equal weights: quality 70, half-width 6 / 3 = 2.)"""
    present = ~np.isnan(normalized)
    top = float(weights.max()) if len(weights) else 0.0
    if np.isfinite(top) and top > 0:
        weights = weights / top
    w = np.broadcast_to(weights[None, :], normalized.shape)
    total = float(weights.sum())
    w_imp = np.where(present & imputed, w, 0.0)
    w_present = np.where(present, w, 0.0).sum(axis=1)
    share = w_imp.sum(axis=1) / total if total > 0 else np.zeros(len(normalized))
    with np.errstate(invalid="ignore", divide="ignore"):
        half = np.where(w_present > 0, (w_imp * np.nan_to_num(half_width)).sum(axis=1) / w_present, np.nan)
    return share, half


def cost_per_quality_point(monthly_cost: np.ndarray, q: np.ndarray) -> np.ndarray:
    """(C, P) monthly cost divided by (C,) quality; NaN where quality is missing or zero."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where((q > 0)[:, None], monthly_cost / q[:, None], np.nan)


def rank(values: np.ndarray, eligible: np.ndarray) -> np.ndarray:
    """Rank (1.0 = lowest value) per column of (C, P) ``values`` among ``eligible`` (C,) rows
    with a finite value; NaN for rows not ranked (so they sort last). Ties keep candidate order."""
    v = np.where(eligible[:, None] & np.isfinite(values), values, np.inf)
    order = np.argsort(v, axis=0, kind="stable")
    ranks = np.empty(v.shape)
    C = v.shape[0]
    np.put_along_axis(ranks, order, np.broadcast_to(np.arange(1.0, C + 1)[:, None], v.shape), axis=0)
    return np.where(np.isfinite(v), ranks, np.nan)
