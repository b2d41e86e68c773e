"""Why a candidate has no cost, or no rank, in a few words for its row and in full for its
tooltip and the top of its detail: read from the warnings and dates its result carries (the
engine says why; this only finds the sentence and names it). No textual here."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..plan.result import CandidateResult

NO_COST = (
    ("was retired on", "retired"),
    ("context window", "too long"),
    ("latency target", "too slow"),
    ("does not fit", "won't fit"),
    ("doesn't fit", "won't fit"),
    ("price unknown", "no price"),
    ("no rental price", "no price"),
    ("no price", "no price"),
)
"""(words in a warning, what the row says instead of "unknown"), the first match wins."""


@dataclass(frozen=True)
class Reason:
    short: str
    """For the row's cell: ``too long``, ``too slow``, ``no price``, ``not yet``, ``retired``,
    else the reason ``tco estimate`` gives in its Note column."""
    full: str
    """For the tooltip and the detail pane: the engine's own sentence."""


def _unknown(v: float | None) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def no_cost(c: CandidateResult) -> Reason | None:
    """Why the candidate has no monthly cost (None when it has one)."""
    if c.available_from:
        return Reason("not yet", f"not available on this date: first available {c.available_from}")
    if not _unknown(c.monthly_cost):
        return None
    for pattern, short in NO_COST:
        for w in c.warnings:
            if pattern in w:
                return Reason(short, w)
    if c.selfhost and c.selfhost.get("slo_feasible") is False:
        return Reason("too slow", "the latency targets cannot be met on this deployment")
    full = c.warnings[0] if c.warnings else "no cost could be computed for this workload"
    return Reason(c.reason or "unknown", full)  # the CLI's Note, else unknown


def no_rank(c: CandidateResult) -> Reason | None:
    """Why a candidate with a cost is not ranked by value (None when it is)."""
    if c.rank or no_cost(c) is not None:
        return None
    for w in c.warnings:
        if "coverage" in w or "not ranked" in w:
            return Reason("unranked", w)
    if _unknown(c.quality):
        return Reason("unranked", "no quality score on the profile's benchmarks: not ranked by value")
    return Reason("unranked", "not ranked by value")


def explain(c: CandidateResult) -> str | None:
    """Everything that keeps a number of this row unknown, and an announced retirement, for its tooltip."""
    parts = [r.full for r in (no_cost(c), no_rank(c)) if r is not None]
    if c.retires:
        parts.append(next((w for w in c.warnings if c.retires in w and "retires on" in w), f"retires on {c.retires}"))
    if c.reasoning_unpriced:
        parts.append(next((w for w in c.warnings if "by default" in w and "reasoning" in w),
                          "its model reasons by default: the cost leaves out its hidden reasoning tokens"))
    return "\n".join(parts) if parts else None
