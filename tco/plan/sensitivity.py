"""One input at a time: which uncertain input moves the answer most (a tornado).

Every input with a range in the scenario, and the documented default spreads of those
without one, is moved alone to its low and its high end while everything else stays at
its central value. For each end: (a) the best candidate's cost per quality point, (b) the
gap between the best self-hosted and the best API option (cost per quality point,
self-hosted minus API: negative means self-hosting wins), and the best candidate. Inputs
are sorted by the swing of (a), largest first.

With ``candidate=`` (``tco sensitivity FILE --candidate NAME``) the same moves are also read on
that one candidate, whatever wins: its monthly cost and its cost per quality point at each end,
and the inputs are sorted by the swing of its monthly cost (what drives *my* self-hosting bill,
even where the self-hosted option never wins).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from .compile import Compiled
from .locate import reasoning_of
from .uncertainty import default_throughput_range, describe_range, evaluate_draws, input_label

DEFAULT_SPREADS: tuple[tuple[str, str, float, float], ...] = (
    ("volume", "request volume, x0.5 to x2 (a slow launch, or a year's growth)", 0.5, 2.0),
    ("workload.input_tokens", "prompt tokens per request, -30 % to +30 %", 0.7, 1.3),
    ("workload.output_tokens", "output tokens per request, -30 % to +30 %", 0.7, 1.3),
    ("prices.api", "every API list price, -30 % (a price cut) to +10 %", 0.7, 1.1),
    ("prices.selfhost", "every self-hosted bill (the rent, or an owned node's capital, power, hosting and staff), "
                        "-30 % (rents keep falling) to +10 %", 0.7, 1.1),
    ("workload.peak_to_average", "peak over average load, x0.75 to x1.5 (a flatter or a spikier day; at least 1): "
                                 "self-hosted capacity is sized for the peak", 0.75, 1.5),
    ("workload.cached_input_share", "cached share of input tokens, x0.5 to x1.5 (how many prompts share a prefix; "
                                    "at most 1)", 0.5, 1.5),
    ("fx", "each exchange rate used, -5 % to +5 %", 0.95, 1.05),
    ("selfhost.utilization", "planned utilization of each self-hosted deployment, x0.75 to x1.125 (0.6 to 0.9 "
                             "at the default 0.8)", 0.75, 1.125),
    ("selfhost.throughput_factor", "each self-hosted throughput, P10 to P90 of its engine profile's measured error",
     0.0, 0.0),
    ("reasoning_tokens", "hidden reasoning tokens per request of each candidate that gives them, x0.5 to x2 "
                         "(reasoning length varies with the prompt and the model's version)", 0.5, 2.0),
)
"""(input, what it means, low factor, high factor) for inputs the scenario gives no range."""


@dataclass
class Swing:
    name: str
    detail: str
    low: float
    high: float
    best_low: float
    best_high: float
    gap_low: float
    gap_high: float
    winner_low: str | None
    winner_high: str | None
    label: str = ""
    """The input as a reader knows it (``throughput factor of Llama 3.1 405B ...``)."""
    own: tuple[float, float, float, float] | None = None
    """With a chosen candidate: its monthly cost at the low and high end, then its cost per quality point."""

    @property
    def own_swing(self) -> float:
        """How far the chosen candidate's monthly cost moves between the two ends (0 without one)."""
        return _spread(self.own[0], self.own[1]) if self.own else 0.0

    @property
    def swing(self) -> float:
        """How far the best candidate's cost per quality point moves between the two ends."""
        return _spread(self.best_low, self.best_high)

    @property
    def gap_swing(self) -> float:
        """How far the self-hosted minus API gap moves between the two ends."""
        return _spread(self.gap_low, self.gap_high)

    def to_dict(self) -> dict[str, Any]:
        def num(v: float) -> float | None:
            return round(v, 4) if math.isfinite(v) else None

        return {"name": self.name, "label": self.label, "detail": self.detail, "low": num(self.low), "high": num(self.high),
                "swing": num(self.swing), "gap_swing": num(self.gap_swing), "best_cost_per_quality_point": {"low": num(self.best_low),
                                                                          "high": num(self.best_high)},
                "selfhost_minus_api": {"low": num(self.gap_low), "high": num(self.gap_high)},
                "winner_low": self.winner_low, "winner_high": self.winner_high,
                "winner_changes": self.winner_low != self.winner_high} | (
            {"candidate": {"monthly_cost": {"low": num(self.own[0]), "high": num(self.own[1])},
                           "cost_per_quality_point": {"low": num(self.own[2]), "high": num(self.own[3])},
                           "swing": num(self.own_swing)}} if self.own else {})


def _spread(a: float, b: float) -> float:
    if not (math.isfinite(a) and math.isfinite(b)):
        return math.inf if math.isfinite(a) != math.isfinite(b) else 0.0
    return abs(b - a)


def _per_point(compiled: Compiled, cost: np.ndarray, sw: Any) -> np.ndarray:
    """(C, n) cost per quality point, NaN where a candidate is not ranked."""
    q = sw.quality
    eligible = sw.coverage + (sw.imputed_share if sw.imputed_share is not None else 0.0) \
        >= compiled.scenario.quality.min_coverage - 1e-12
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where((q > 0)[:, None] & eligible[:, None], cost / q[:, None], np.nan)


def _answer(compiled: Compiled, cost: np.ndarray, sw: Any) -> tuple[np.ndarray, np.ndarray, list[str | None]]:
    """Per column: best cost per quality point, self-hosted minus API gap, best id."""
    cpq = _per_point(compiled, cost, sw)
    kinds = np.array([r.kind for r in compiled.candidates])
    best = np.full(cost.shape[1], np.nan)
    gap = np.full(cost.shape[1], np.nan)
    winners: list[str | None] = []
    for j in range(cost.shape[1]):
        col = cpq[:, j]
        ok = np.isfinite(col)
        winners.append(compiled.candidates[int(np.nanargmin(np.where(ok, col, np.inf)))].id if ok.any() else None)
        if ok.any():
            best[j] = float(np.nanmin(col[ok]))
        sh, api = ok & (kinds == "selfhost"), ok & (kinds == "api")
        if sh.any() and api.any():
            gap[j] = float(col[sh].min() - col[api].min())
    return best, gap, winners


def find_candidate(compiled: Compiled, name: str) -> int:
    """The position of a candidate named by its id (``openai/gpt-4o``) or its name (a self-hosted
    candidate's ``name:``), case aside; a ``TcoError`` with the names that exist otherwise."""
    from ..errors import TcoError, did_you_mean

    exact = [i for i, r in enumerate(compiled.candidates) if name.strip() in (r.id, r.label)]
    if exact:  # a name as written wins over one that differs only in case
        return exact[0]
    wanted = name.strip().casefold()
    folded = [i for i, r in enumerate(compiled.candidates) if wanted in (r.id.casefold(), r.label.casefold())]
    names = [r.id for r in compiled.candidates]
    if len(folded) == 1:
        return folded[0]
    if folded:
        raise TcoError(f"{name!r} names {len(folded)} candidates when case is ignored", field="--candidate",
                       hint="write one as it is spelt: " + ", ".join(repr(names[i]) for i in folded))
    raise TcoError(f"no candidate {name!r} in the scenario", field="--candidate",
                   hint=did_you_mean(name, names) or "candidates: " + ", ".join(repr(n) for n in names))


def sensitivity(compiled: Compiled, candidate: int | None = None) -> dict[str, Any]:
    """The tornado of a compiled scenario (see the module docstring); ``candidate``: the position of
    a candidate to read every move on as well (:func:`find_candidate`)."""
    sc = compiled.scenario
    w = sc.workload
    ranges = dict(getattr(sc, "ranges", {}) or {})
    inputs: list[tuple[str, str, dict[str, np.ndarray], float, float]] = []
    for path, r in sorted(ranges.items()):
        lo, hi = (r.low, r.high)
        inputs.append((path, f"your range: {describe_range(r)}", {path: np.array([lo, hi])}, lo, hi))
    volume_path = "workload.requests_per_month" if w.requests_per_month is not None else "workload.requests_per_day"
    # the report's currency, the API list prices' and those a self-hosted candidate gives amounts in
    currencies = sorted({c for c in ([compiled.currency] + [(r.price or {}).get("currency", "USD")
                                                            for r in compiled.candidates]
                                     + [r.selfhost.currency for r in compiled.candidates
                                        if r.kind == "selfhost" and r.selfhost is not None and r.selfhost.given])
                         if c != "USD"})
    selfhosted = any(r.kind == "selfhost" and r.selfhost is not None for r in compiled.candidates)
    for name, detail, lo_f, hi_f in DEFAULT_SPREADS:
        if name == "volume":
            if volume_path in ranges:
                continue
            v = w.requests_per_month if w.requests_per_month is not None else w.requests_per_day
            inputs.append((volume_path, f"default spread: {detail}", {volume_path: np.array([v * lo_f, v * hi_f])},
                           v * lo_f, v * hi_f))
        elif name == "fx":
            for code in currencies:
                path = f"fx.{code}"
                if path in ranges or code not in compiled.fx:
                    continue
                rate = compiled.fx[code].per_usd
                inputs.append((path, f"default spread: {detail}", {path: np.array([rate * lo_f, rate * hi_f])},
                               rate * lo_f, rate * hi_f))
        elif name.startswith("selfhost."):
            field_name = name.split(".", 1)[1]
            for i, r in enumerate(compiled.candidates):
                path = f"candidates.{i}.selfhost.{field_name}"
                if r.kind != "selfhost" or r.selfhost is None or path in ranges:
                    continue
                if field_name == "utilization":
                    u = float(r.selfhost.deployment.cost.utilization)
                    lo, hi = u * lo_f, min(u * hi_f, 1.0)
                    text = f"default spread: {detail}"
                else:
                    t = float(r.selfhost.spec.throughput_factor)
                    d = default_throughput_range(r.selfhost)
                    lo, hi = t * d.low, t * d.high
                    text = f"default spread: throughput x{lo:.2f} to x{hi:.2f} ({d.detail.removeprefix('default: ')})"
                inputs.append((path, text, {path: np.array([lo, hi])}, lo, hi))
        elif name == "reasoning_tokens":
            for i, r in enumerate(compiled.candidates):
                path, v = reasoning_of(sc.candidates[i], i)
                if path in ranges or (r.kind == "selfhost" and r.selfhost is None):
                    continue
                if v > 0:
                    inputs.append((path, f"default spread: {detail}", {path: np.array([v * lo_f, v * hi_f])},
                                   v * lo_f, v * hi_f))
        elif name.startswith("workload."):
            if name in ranges:
                continue
            v = float(getattr(w, name.split(".", 1)[1]))
            lo, hi = v * lo_f, v * hi_f
            if name == "workload.peak_to_average":
                if not selfhosted:  # an API bill does not depend on it
                    continue
                lo, hi = max(lo, 1.0), max(hi, 1.0)
            elif name == "workload.cached_input_share":
                if v <= 0:  # none said: no prefix to share; a range in the scenario moves it
                    continue
                hi = min(hi, 1.0 - float(getattr(w, "cache_write_share", 0.0) or 0.0))
            inputs.append((name, f"default spread: {detail}", {name: np.array([lo, hi])}, lo, hi))
        elif name == "prices.selfhost":
            if selfhosted:
                inputs.append((name, f"default spread: {detail}", {name: np.array([lo_f, hi_f])}, lo_f, hi_f))
        else:
            inputs.append((name, f"default spread: {detail}", {name: np.array([lo_f, hi_f])}, lo_f, hi_f))
    base_cost, base_sw = evaluate_draws(compiled, {}, 1)
    base_best, base_gap, base_winner = _answer(compiled, base_cost, base_sw)
    swings = []
    for path, detail, drawn, lo, hi in inputs:
        cost, sw = evaluate_draws(compiled, drawn, 2)
        best, gap, winners = _answer(compiled, cost, sw)
        own = None
        if candidate is not None:
            cpq = _per_point(compiled, cost, sw)[candidate]
            own = (float(cost[candidate, 0]), float(cost[candidate, 1]), float(cpq[0]), float(cpq[1]))
        swings.append(Swing(path, detail, lo, hi, best[0], best[1], gap[0], gap[1], winners[0], winners[1],
                            input_label(path, compiled), own))
    # largest swing of the best value first (of the chosen candidate's cost, when one is chosen);
    # ties (often 0: the best stays put) by the swing of the gap
    swings.sort(key=lambda s: (-min(s.own_swing, 1e300), -min(s.swing, 1e300), -min(s.gap_swing, 1e300), s.name))

    def num(v: float) -> float | None:
        return round(float(v), 4) if np.isfinite(v) else None

    out = {"schema_version": 1, "scenario": sc.name, "as_of": compiled.as_of.isoformat(),
           "currency": compiled.currency,
           "central": {"best_cost_per_quality_point": num(base_best[0]), "selfhost_minus_api": num(base_gap[0]),
                       "winner": base_winner[0]},
           "inputs": [s.to_dict() for s in swings]}
    if candidate is not None:
        r = compiled.candidates[candidate]
        out["candidate"] = {"id": r.id, "label": r.label, "kind": r.kind, "available_from": r.available_from,
                            "reason": r.reason,
                            "monthly_cost": num(base_cost[candidate, 0]),
                            "cost_per_quality_point": num(_per_point(compiled, base_cost, base_sw)[candidate, 0])}
    return out
