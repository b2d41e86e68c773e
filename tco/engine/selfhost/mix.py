"""Request-length mixes: a number of tokens per request that is a distribution, not a mean.

A :class:`LengthShape` is the distribution of ``tokens / mean`` (mean 1) as weighted support
points, so one shape serves any mean (a sweep over input lengths scales it). The model uses:

* the normalized second moment ``m2 = E[z^2]`` (1 for a fixed length): running sequences are
  sampled in proportion to how long they run, so the mean context a running sequence holds is
  ``E[isl] + E[osl^2] / (2 E[osl]) = isl + osl * m2_out / 2`` (inputs and outputs taken as
  independent; their correlation is -0.11 in Azure's conversation trace and 0.00 in its code
  trace), the KV a guaranteed-no-evict scheduler reserves per running sequence is
  ``isl + osl * m2_out``, and prefill attention work per request is ``isl^2 * m2_in / 2``;
* the support points themselves for latency tails (long prompts wait and prefill longer,
  short answers average fewer decode steps).

Constructors: :func:`point` (a fixed length), :func:`from_percentiles` (a few percentiles,
log-linear between them), :func:`from_histogram` (bins and weights) and the named shapes of
:data:`NAMED` (measured traces). Pure numpy.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

POINTS = 32
"""Support points a percentile or histogram distribution is discretized to."""


@dataclass(frozen=True)
class LengthShape:
    """A length distribution divided by its mean: ``z`` values with weights (sum 1, mean 1)."""

    z: tuple[float, ...] = (1.0,)
    w: tuple[float, ...] = (1.0,)

    @property
    def m2(self) -> float:
        """E[z^2] (1 for a fixed length; the squared coefficient of variation is m2 - 1)."""
        return float(np.dot(self.w, np.square(self.z)))

    @property
    def fixed(self) -> bool:
        return len(self.z) == 1

    def quantile(self, q: float) -> float:
        """The ``q`` quantile (0-1) of z."""
        order = np.argsort(self.z)
        z, c = np.asarray(self.z)[order], np.cumsum(np.asarray(self.w)[order])
        return float(z[min(int(np.searchsorted(c, q - 1e-12)), len(z) - 1)])


FIXED = LengthShape()


def shifted(shape: LengthShape, mean: float, extra: float) -> LengthShape:
    """The shape of ``X + extra`` where X has ``shape`` around ``mean``: every length gets the same
    ``extra`` tokens (hidden reasoning before each answer), so the spread is not stretched."""
    if extra <= 0 or shape.fixed or mean + extra <= 0:
        return shape
    return LengthShape(tuple((z * mean + extra) / (mean + extra) for z in shape.z), shape.w)


def point() -> LengthShape:
    return FIXED


def _normalize(values: np.ndarray, weights: np.ndarray) -> tuple[float, LengthShape]:
    w = weights / weights.sum()
    mean = float(np.dot(w, values))
    return mean, LengthShape(tuple(float(v) for v in values / mean), tuple(float(x) for x in w))


def from_percentiles(pcts: Mapping[float, float], mean: float | None = None, points: int = POINTS,
                     ) -> tuple[float, LengthShape]:
    """(mean, shape) from percentiles ``{50: 800, 90: 3000, 99: 12000}`` (percent -> tokens).

    The quantile function is interpolated linearly in log(tokens) between the given
    percentiles; below the lowest and above the highest it continues with the slope of the
    nearest pair (one percentile alone is a fixed length), capped at 1e7 tokens. It is
    discretized to ``points`` equal-weight quantiles. With ``mean`` the shape is kept and its
    mean set to ``mean`` (the percentiles then describe the spread only).

    Raises ValueError for a percentile outside (0, 100), a non-positive value, or values that
    decrease with the percentile."""
    if not pcts:
        raise ValueError("give at least one percentile")
    qs = sorted(pcts)
    for q in qs:
        if not 0 < q < 100:
            raise ValueError(f"percentile {q:g} is outside (0, 100)")
        if not (pcts[q] > 0 and math.isfinite(pcts[q])):
            raise ValueError(f"p{q:g} must be a positive number of tokens (got {pcts[q]:g})")
    vals = [float(pcts[q]) for q in qs]
    for a, b, qa, qb in zip(vals, vals[1:], qs, qs[1:]):
        if b < a:
            raise ValueError(f"percentiles must not decrease: p{qa:g} = {a:g} but p{qb:g} = {b:g}")
    if len(qs) == 1:
        v = vals[0]
        return (float(mean) if mean else v), FIXED
    u = (np.arange(points) + 0.5) / points * 100.0
    lv = np.log(vals)
    x = np.interp(u, qs, lv)
    lo_slope = (lv[1] - lv[0]) / (qs[1] - qs[0])
    hi_slope = (lv[-1] - lv[-2]) / (qs[-1] - qs[-2])
    x = np.where(u < qs[0], lv[0] + (u - qs[0]) * lo_slope, x)
    x = np.where(u > qs[-1], lv[-1] + (u - qs[-1]) * hi_slope, x)
    values = np.minimum(np.exp(x), 1e7)
    m, shape = _normalize(values, np.ones(points))
    return (float(mean) if mean else m), shape


def from_histogram(edges: Sequence[float], weights: Sequence[float], mean: float | None = None,
                   ) -> tuple[float, LengthShape]:
    """(mean, shape) from bins ``edges[k]..edges[k+1]`` holding ``weights[k]`` of the requests
    (each bin is represented by its midpoint). Raises ValueError for negative or decreasing
    edges, negative weights, all-zero weights, or a count mismatch."""
    e = np.asarray(edges, dtype=float)
    w = np.asarray(weights, dtype=float)
    if len(e) != len(w) + 1:
        raise ValueError(f"a histogram of {len(w)} bins needs {len(w) + 1} edges (got {len(e)})")
    if len(w) == 0:
        raise ValueError("a histogram needs at least one bin")
    if (e < 0).any() or not np.isfinite(e).all():
        raise ValueError("histogram edges must be zero or more tokens")
    if (np.diff(e) <= 0).any():
        raise ValueError("histogram edges must increase")
    if (w < 0).any() or not np.isfinite(w).all() or w.sum() <= 0:
        raise ValueError("histogram weights must be zero or more, and not all zero")
    mid = np.maximum(0.5 * (e[:-1] + e[1:]), 1.0)
    keep = w > 0
    m, shape = _normalize(mid[keep], w[keep])
    return (float(mean) if mean else m), shape


# Named shapes from published request traces: percentiles of tokens per request.
NAMED: dict[str, dict[str, object]] = {
    "chat": {
        "input": {1: 29, 5: 181, 10: 207, 25: 396, 50: 1020, 75: 1189, 90: 2734, 95: 4083, 99: 4142},
        "output": {1: 16, 5: 41, 10: 54, 25: 85, 50: 129, 75: 395, 90: 424, 95: 451, 99: 601},
        "means": (1155, 211),
        "source": "Azure/AzurePublicDataset data/AzureLLMInferenceTrace_conv.csv @b469a113 (19,366 requests of "
                  "a production conversation service, Nov 2023; the Splitwise paper's trace)",
    },
    "code": {
        "input": {1: 17, 5: 75, 10: 147, 25: 578, 50: 1469, 75: 2744, 90: 5187, 95: 7303, 99: 7436},
        "output": {1: 6, 5: 6, 10: 7, 25: 9, 50: 13, 75: 24, 90: 55, 95: 90, 99: 251},
        "means": (2048, 28),
        "source": "Azure/AzurePublicDataset data/AzureLLMInferenceTrace_code.csv @b469a113 (8,819 requests of "
                  "a production code-completion service, Nov 2023)",
    },
    "long-context": {
        "input": {10: 3550, 50: 9500, 90: 25400, 99: 56000},
        "output": {1: 52, 5: 133, 10: 175, 25: 276, 50: 419, 75: 1283, 90: 1376, 95: 1464, 99: 1951},
        "means": (None, 685),
        "source": "constructed: a log-normal input of median 9,500 tokens and mean output 684.68 of the MLPerf Inference Llama 3.1 "
                  "405B benchmark (techarena.ai, 'AI Benchmarks Shift as MLPerf Highlights LLM Dominance', "
                  "2025-04-02; mlcommons/inference language/llama3.1-405b/README.md @b66003e1); the input's log-spread "
                  "(sigma 0.77) is the conversation trace's p90/p50 = 2.68, the output shape the trace's scaled to "
                  "that mean",
    },
}
"""Named length mixes (``chat``, ``code``, ``long-context``), each with its source."""


def named(name: str, which: str, mean: float | None = None) -> tuple[float, LengthShape]:
    """(mean, shape) of a named mix's ``input`` or ``output`` lengths; ``mean`` rescales it."""
    if name not in NAMED:
        raise ValueError(f"unknown length mix {name!r} (known: {', '.join(NAMED)})")
    spec = NAMED[name]
    traced = spec["means"][0 if which == "input" else 1]  # type: ignore[index]
    return from_percentiles(spec[which], mean or traced)  # type: ignore[arg-type]
