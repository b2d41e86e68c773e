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
    Only the ratios of the weights matter: they are scaled by the largest first, so weights
    as large as 1e308 (or as small as 1e-300) give the same answer as 1 and never overflow.
    """
    present = ~np.isnan(normalized)
    top = float(np.max(weights)) if weights.size else 0.0
    if top > 0 and np.isfinite(top):
        weights = weights / top
    w = np.broadcast_to(weights[None, :], normalized.shape)
    w_present = np.where(present, w, 0.0).sum(axis=1)
    total = float(weights.sum())
    weighted = np.where(present, normalized * w, 0.0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        q = np.where(w_present > 0, weighted / w_present, np.nan)
    coverage = w_present / total if total > 0 else np.zeros(len(normalized))
    return q, coverage


def cost_per_quality_point(monthly_cost: np.ndarray, q: np.ndarray) -> np.ndarray:
    """(C, P) monthly cost divided by (C,) quality; NaN where quality is missing or zero."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where((q > 0)[:, None], monthly_cost / q[:, None], np.nan)


def rank(values: np.ndarray, eligible: np.ndarray) -> np.ndarray:
    """Rank (1 = lowest value) per column of (C, P) ``values`` among ``eligible`` (C,) rows
    with a finite value; 0 for rows not ranked. Ties keep candidate order."""
    v = np.where(eligible[:, None] & np.isfinite(values), values, np.inf)
    order = np.argsort(v, axis=0, kind="stable")
    ranks = np.empty_like(order)
    C = v.shape[0]
    np.put_along_axis(ranks, order, np.arange(1, C + 1)[:, None].repeat(v.shape[1], axis=1), axis=0)
    return np.where(np.isfinite(v), ranks, 0)
