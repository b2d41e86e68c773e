"""Monte Carlo over the scenario's ranges: how likely each candidate is the best value or
the cheapest, and the spread of its cost, given what we do not know.

Every sample is one full estimate: the workload ranges are drawn as workload points and the
engine evaluates them all at once (``evaluate`` over samples instead of volumes, in
chunks, so memory stays bounded); price factors, discounts and exchange rates scale each
candidate's cost (cost is linear in each); imputed quality is drawn within its interval.
A self-hosted candidate's capacity moves with its utilization and throughput ranges: the
replicas needed at volume V and capacity k x C are those needed at V / k and C, so the
deployment is evaluated at the drawn volume over the drawn capacity factor. Its throughput
carries the engine profile's measured error by default (:func:`default_throughput_range`).
Reproducible with a seed: the same seed gives the same numbers, whatever the chunk size.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..engine.api import api_cost
from ..engine.quality import rank
from ..engine.sampling import Z90, draw, normal_from_interval, percentiles
from ..errors import TcoError
from .compile import Compiled
from .deployment import beyond_fitted_batch
from .evaluate import WorkloadPoints, _point_slice, evaluate
from .locate import reasoning_of

MAX_SAMPLES = 10_000_000
"""More samples than this are refused (the percentiles move by far less than the inputs' spread)."""
CHUNK_SAMPLES = 20_000
"""Samples evaluated at a time; results do not depend on it."""
BYTES_PER_CELL = 2 * 8
"""Kept per candidate and sample: the monthly cost and the cost per quality point (float64)."""


UNCALIBRATED_ERROR = 0.30
"""Median relative throughput error assumed for an engine profile that was not fitted to
measurements (a prior): twice the fitted TensorRT-LLM profile's held-out error, rounded."""
OTHER_GPU_WIDENING = 2.0
"""The spread (in log terms) is doubled on a GPU the profile was not fitted on."""


@dataclass(frozen=True)
class DefaultRange:
    """A range tco supplies when the scenario gives none (same fields as a written one)."""

    low: float
    high: float
    detail: str
    likely: float | None = None
    dist: str = "lognormal"


def default_throughput_range(rs: Any) -> DefaultRange:
    """The self-hosted throughput's default spread: lognormal around the model, P10/P90 from
    the engine profile's median held-out error m (sigma = ln(1 + m) / 0.6745, the median of
    |log error| of a normal), doubled on a GPU the profile was not fitted on, again at a batch
    beyond twice the concurrency it was fitted on, and again for a kind of model it was fitted on
    none of (MLA or fine-grained mixture of experts); an unmeasured profile takes
    :data:`UNCALIBRATED_ERROR`."""
    eng = rs.engine
    err = getattr(eng, "held_out_error", None)
    if err is not None:
        why = f"engine {eng.id}'s median held-out error {err:.0%}"
    else:
        err = UNCALIBRATED_ERROR
        why = f"engine {eng.id}'s error is not measured: {err:.0%} median error assumed"
    sigma = math.log1p(err) / 0.6745
    gpu = rs.accelerator.id
    fitted = tuple(getattr(eng, "fitted_gpus", ()) or ())
    if fitted and gpu not in fitted:
        sigma *= OTHER_GPU_WIDENING
        why += f", doubled on {gpu} (fitted on {', '.join(fitted)})"
    far = (beyond_fitted_batch(eng, list(getattr(rs, "layouts", ()) or ()), gpu,
                               getattr(getattr(rs, "deployment", None), "precision", ""))
           if hasattr(eng, "fitted_max_sequences") else None)
    if far is not None:
        sigma *= OTHER_GPU_WIDENING
        why += f", doubled at a batch of {far[0]:,.0f} (fitted on at most {far[1]} concurrent requests)"
    kind = getattr(rs, "unseen_kind", None)
    if kind:
        sigma *= OTHER_GPU_WIDENING
        why += f", doubled for a {kind} model (fitted on none)"
    return DefaultRange(math.exp(-Z90 * sigma), math.exp(Z90 * sigma), f"default: {why}")


@dataclass
class Uncertainty:
    """What the samples say, per candidate (in the compiled order)."""

    samples: int
    seed: int | None
    inputs: list[str]
    """The ranges drawn, by path."""
    monthly: np.ndarray
    """(C, 3) P10, P50, P90 of the monthly cost (NaN where never known)."""
    per_point: np.ndarray
    """(C, 3) P10, P50, P90 of the cost per quality point."""
    p_best_value: np.ndarray
    """(C,) share of samples in which the candidate ranks first by value."""
    p_cheapest: np.ndarray
    """(C,) share of samples in which it is the cheapest (ties shared)."""
    p_no_cost: np.ndarray
    """(C,) share of samples with no cost (a drawn request over the context window, latency
    targets unreachable...): the percentiles are over the other samples."""
    p_cheaper: dict[int, dict[int, float]] = field(default_factory=dict)
    """Self-hosted candidate -> API candidate -> share of samples in which it costs less."""
    described: dict[str, str] = field(default_factory=dict)
    """Each range drawn (written, or tco's default) in words, by path."""
    labels: dict[str, str] = field(default_factory=dict)
    """Each range's path as a reader knows it (``discount of azure/...``)."""

    def for_candidate(self, ci: int, ids: list[str]) -> dict[str, Any]:
        def trio(a: np.ndarray) -> dict[str, float | None]:
            return {k: (None if not math.isfinite(float(v)) else round(float(v), 4))
                    for k, v in zip(("p10", "p50", "p90"), a, strict=True)}

        out: dict[str, Any] = {"monthly_cost": trio(self.monthly[ci]), "cost_per_quality_point": trio(self.per_point[ci]),
                               "p_best_value": round(float(self.p_best_value[ci]), 4),
                               "p_cheapest": round(float(self.p_cheapest[ci]), 4),
                               "p_no_cost": round(float(self.p_no_cost[ci]), 4)}
        if ci in self.p_cheaper:
            out["p_cheaper"] = {ids[j]: round(p, 4) for j, p in self.p_cheaper[ci].items()}
        return out


def check_samples(samples: int, candidates: int, where: dict[str, Any] | None = None) -> None:
    """Refuse a sample count that is not positive, or absurd (saying the memory it would take)."""
    where = where or {}
    if samples < 1:
        raise TcoError(f"samples must be at least 1 (got {samples:,})", hint="e.g. --samples 10000", **where)
    if samples > MAX_SAMPLES:
        per = samples * BYTES_PER_CELL / 2**30
        size = (f"{per * candidates:,.1f} GiB of results for {candidates} candidate{'s' if candidates != 1 else ''}"
                if candidates else f"{per:,.1f} GiB of results per candidate")
        raise TcoError(f"{samples:,} samples would hold about {size}; at most {MAX_SAMPLES:,}",
                       hint="100,000 samples pin P10/P90 to a fraction of a percent", **where)


def monte_carlo(compiled: Compiled, samples: int, seed: int | None = None,
                progress: Callable[[int, int], None] | None = None) -> Uncertainty:
    """Draw ``samples`` estimates from the scenario's ranges (see the module docstring)."""
    sc = compiled.scenario
    C = len(compiled.candidates)
    check_samples(samples, C)
    ranges = dict(getattr(sc, "ranges", {}) or {})
    rng = np.random.default_rng(seed)
    currency_of = price_currencies(compiled)
    monthly = np.empty((C, samples))
    per_point = np.empty((C, samples))
    best = np.zeros(C)
    cheapest = np.zeros(C)
    no_cost = np.zeros(C)
    selfhost_idx = [i for i, r in enumerate(compiled.candidates) if r.kind == "selfhost"]
    api_idx = [i for i, r in enumerate(compiled.candidates) if r.kind == "api"]
    cheaper = {i: np.zeros(len(api_idx)) for i in selfhost_idx}
    # the draws are made in one pass over the paths in a fixed order, then cut into chunks,
    # so the numbers do not depend on the chunk size
    drawn = {path: draw(rng, r.low, r.likely, r.high, r.dist, samples) for path, r in sorted(ranges.items())}
    for i, r in enumerate(compiled.candidates):  # after the written ranges: their draws stay as they were
        path = f"candidates.{i}.selfhost.throughput_factor"
        if r.kind == "selfhost" and r.selfhost is not None and path not in ranges:
            d = default_throughput_range(r.selfhost)
            ranges[path] = d
            drawn[path] = draw(rng, d.low, d.likely, d.high, d.dist, samples)
    quality_noise_seed = int(rng.integers(0, 2**63 - 1))
    done = 0
    while done < samples:
        n = min(CHUNK_SAMPLES, samples - done)
        sl = slice(done, done + n)

        cost, sw = evaluate_draws(compiled, {k: v[sl] for k, v in drawn.items()}, n, currency_of)
        q = sw.quality[:, None] + np.zeros((1, n))
        if sw.quality_half_width is not None and np.isfinite(sw.quality_half_width).any():
            level = _level(compiled)
            noise_rng = np.random.default_rng([quality_noise_seed, done])
            q = normal_from_interval(noise_rng, sw.quality, sw.quality_half_width, level, n)
            q = np.where(np.isfinite(sw.quality_half_width)[:, None], np.clip(q, 0.0, 100.0), sw.quality[:, None])
        cpq = _cpq_2d(cost, q)
        eligible = sw.coverage + (sw.imputed_share if sw.imputed_share is not None else 0.0) \
            >= sc.quality.min_coverage - 1e-12
        ranks = rank(cpq, eligible)
        monthly[:, sl] = cost
        per_point[:, sl] = cpq
        no_cost += (~np.isfinite(cost)).sum(axis=1)
        best += (ranks == 1).sum(axis=1)
        finite = np.where(np.isfinite(cost), cost, np.inf)
        low = finite.min(axis=0)
        is_low = (finite <= low[None, :] + 0.005) & np.isfinite(low)[None, :]
        cheapest += (is_low / np.maximum(is_low.sum(axis=0), 1)[None, :]).sum(axis=1)
        for i in selfhost_idx:
            for k, j in enumerate(api_idx):
                cheaper[i][k] += float((np.isfinite(cost[i]) & np.isfinite(cost[j]) & (cost[i] < cost[j])).sum())
        done += n
        if progress is not None:
            progress(done, samples)
    return Uncertainty(samples, seed, sorted(ranges), percentiles(monthly), percentiles(per_point), best / samples,
                       cheapest / samples, no_cost / samples,
                       {i: {api_idx[k]: float(v / samples) for k, v in enumerate(c)} for i, c in cheaper.items()},
                       {path: describe_range(r) for path, r in sorted(ranges.items())},
                       {path: input_label(path, compiled) for path in sorted(ranges)})


def evaluate_draws(compiled: Compiled, drawn: dict[str, np.ndarray], n: int,
                   currency_of: list[str] | None = None) -> tuple[np.ndarray, Any]:
    """(C, n) monthly costs and the engine's result for ``n`` draws of the inputs, each path of
    ``drawn`` an array of ``n`` values (the scenario's own value where a path is absent)."""
    sc = compiled.scenario
    w = sc.workload
    if currency_of is None:
        currency_of = price_currencies(compiled)

    def column(name: str, value: float) -> np.ndarray:
        path = f"workload.{name}"
        return np.asarray(drawn[path], dtype=np.float64) if path in drawn else np.full(n, float(value))

    if "workload.requests_per_day" in drawn:
        rpm = np.asarray(drawn["workload.requests_per_day"], dtype=np.float64) * w.days_per_month
    elif "workload.requests_per_month" in drawn:
        rpm = np.asarray(drawn["workload.requests_per_month"], dtype=np.float64)
    else:
        rpm = np.full(n, float(w.monthly_requests))
    cached = column("cached_input_share", w.cached_input_share)
    write = np.minimum(column("cache_write_share", getattr(w, "cache_write_share", 0.0)), 1.0 - cached)
    points = WorkloadPoints(rpm, column("input_tokens", w.input_tokens), column("output_tokens", w.output_tokens),
                            cached, column("batch_share", w.batch_share),
                            np.maximum(column("peak_to_average", w.peak_to_average), 1.0), w.days_per_month, write)
    sw = evaluate(compiled, points)
    monthly = sw.monthly_cost
    reasoning = _reasoning_draws(compiled, drawn, n)
    api_drawn = [i for i in compiled.api_index if i in reasoning]
    if api_drawn:  # drawn hidden-reasoning tokens: the API rows again, each with its own draws
        r_tok = np.repeat(compiled.prices.reasoning_tokens[:, None], n, axis=1)
        for j, i in enumerate(compiled.api_index):
            if i in reasoning:
                r_tok[j] = reasoning[i]
        monthly = monthly.copy()
        monthly[compiled.api_index] = api_cost(compiled.prices, *_point_slice(points, slice(0, n)),
                                               reasoning_tokens=r_tok).total
    plans = dict(sw.selfhost)
    shares: dict[int, dict[str, Any]] = {}  # a mixed self-hosted bill's share in each currency, per draw
    monthly = _prefix_cache_draws(compiled, drawn, points, n, monthly, shares if None in currency_of else None)
    capacity = _capacity_factors(compiled, drawn, n)
    for i in sorted(set(capacity) | {i for i in reasoning if compiled.candidates[i].kind == "selfhost"}):
        from .selfhost import evaluate_selfhost  # loaded only when a self-hosted capacity is drawn

        r = compiled.candidates[i]
        k = capacity.get(i, 1.0)
        extra = reasoning[i] - float(r.selfhost.spec.reasoning_tokens) if i in reasoning else 0.0
        scaled = WorkloadPoints(rpm / k, points.input_tokens, points.output_tokens + extra, points.cached_share,
                                points.batch_share, points.peak_to_average, points.days_per_month,
                                points.cache_write_share)
        if monthly is sw.monthly_cost:
            monthly = monthly.copy()
        # at volume V a deployment k times as fast needs the replicas of volume V / k; the bill of
        # those replicas is what it costs (usage-priced parts scale with the load they carry)
        plans[i], monthly[i] = evaluate_selfhost(compiled, r, scaled)
        shares.pop(i, None)
    if None in currency_of:  # mixed currencies: each exchange rate moves its own share of the bill
        from .selfhost import currency_shares

        currency_of = list(currency_of)
        for i, cur in enumerate(currency_of):
            if cur is None:
                currency_of[i] = shares.get(i) or currency_shares(compiled.candidates[i], plans[i])
    return monthly * _multipliers(compiled, drawn, slice(0, n), n, currency_of), sw


def price_currencies(compiled: Compiled) -> list[Any]:
    """The currency each candidate's cost is priced in, for what an exchange rate moves: an API
    offer's list-price currency; a self-hosted candidate's is USD (the catalog's rentals, servers and
    defaults), or the ``currency`` of the amounts it gives, or None when its parts are in both (a
    server bought in CNY, powered at the USD default: the shares are read from each draw's plan)."""
    out: list[Any] = []
    for r in compiled.candidates:
        if r.kind == "selfhost":
            out.append(r.selfhost.cost_currency if r.selfhost is not None else "USD")
        else:
            out.append((r.price or {}).get("currency", "USD"))
    return out


PREFIX_REPLANS = 16
"""Distinct drawn cached shares up to which each self-hosted deployment is planned again for
each (the tornado's two ends); beyond, its prefix cache stays planned at the scenario's share."""


def _prefix_cache_draws(compiled: Compiled, drawn: dict[str, np.ndarray], points: WorkloadPoints, n: int,
                        monthly: np.ndarray, split: dict[int, dict[str, Any]] | None = None) -> np.ndarray:
    """A drawn ``cached_input_share`` moves API bills through the workload points; a self-hosted
    deployment plans its prefix cache when it is resolved, so it is resolved again at each drawn
    share (a handful: the tornado's ends) and its bill taken at those draws. ``split``: filled with
    the currency shares of each self-hosted bill priced in more than one currency."""
    path = "workload.cached_input_share"
    if path not in drawn:
        return monthly
    vals = np.asarray(drawn[path], dtype=np.float64)[:n]
    shares = np.unique(vals)
    hosted = [i for i, r in enumerate(compiled.candidates) if r.kind == "selfhost" and r.selfhost is not None]
    if not hosted or len(shares) > PREFIX_REPLANS:
        return monthly
    import copy

    from .selfhost import currency_shares, evaluate_selfhost, resolve_candidate  # loaded only when a self-hosted share is drawn

    out = monthly.copy()
    for i in hosted:
        r = compiled.candidates[i]
        for v in shares:
            idx = np.nonzero(vals == v)[0]
            again = copy.copy(r)
            again.selfhost = resolve_candidate(compiled.scenario, compiled.catalog, compiled.scenario.candidates[i],
                                               compiled.as_of, cached_input_share=float(v), per_usd=r.selfhost.per_usd)
            write = points.cache_write_share
            sub = WorkloadPoints(points.requests_per_month[idx], points.input_tokens[idx], points.output_tokens[idx],
                                 points.cached_share[idx], points.batch_share[idx], points.peak_to_average[idx],
                                 points.days_per_month, write[idx] if write is not None else None)
            plan, out[i, idx] = evaluate_selfhost(compiled, again, sub)
            if split is not None and r.selfhost.cost_currency is None:
                for cur, v in currency_shares(again, plan).items():
                    split.setdefault(i, {}).setdefault(cur, np.ones(n))[idx] = v
    return out


def _reasoning_draws(compiled: Compiled, drawn: dict[str, np.ndarray], n: int) -> dict[int, np.ndarray]:
    """Per candidate with a drawn ``reasoning_tokens``: its n values."""
    out: dict[int, np.ndarray] = {}
    for i, r in enumerate(compiled.candidates):
        path = reasoning_of(compiled.scenario.candidates[i], i)[0]
        if path in drawn and (r.kind != "selfhost" or r.selfhost is not None):
            out[i] = np.asarray(drawn[path], dtype=np.float64)[:n]
    return out


def _capacity_factors(compiled: Compiled, drawn: dict[str, np.ndarray], n: int) -> dict[int, np.ndarray]:
    """Per self-hosted candidate with a drawn utilization or throughput: capacity / central capacity."""
    out: dict[int, np.ndarray] = {}
    for i, r in enumerate(compiled.candidates):
        if r.kind != "selfhost" or r.selfhost is None:
            continue
        k = np.ones(n)
        spec, cost = r.selfhost.spec, r.selfhost.deployment.cost
        u_path, t_path = f"candidates.{i}.selfhost.utilization", f"candidates.{i}.selfhost.throughput_factor"
        if u_path in drawn:
            k = k * np.asarray(drawn[u_path], dtype=np.float64)[:n] / float(cost.utilization)
        if t_path in drawn:
            k = k * np.asarray(drawn[t_path], dtype=np.float64)[:n] / float(spec.throughput_factor)
        if u_path in drawn or t_path in drawn:
            out[i] = k
    return out


def _cpq_2d(cost: np.ndarray, q: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(q > 0, cost / q, np.nan)


def _level(compiled: Compiled) -> float:
    try:
        from .quality import imputation

        return float(imputation(compiled.catalog).calibration.level)
    except Exception:  # noqa: BLE001 - the nominal level when the calibration is not at hand
        return 0.8


def _multipliers(compiled: Compiled, drawn: dict[str, np.ndarray], sl: slice, n: int,
                 currency_of: list[str]) -> np.ndarray:
    """(C, n) factors on each candidate's cost from price factors, discounts and FX ranges."""
    sc = compiled.scenario
    m = np.ones((len(compiled.candidates), n))
    for i, cand in enumerate(sc.candidates):
        if i >= len(compiled.candidates):
            break
        d_path, f_path = f"candidates.{i}.discount", f"candidates.{i}.price_factor"
        if d_path in drawn:
            d0 = float(getattr(cand, "discount", 0.0))
            m[i] *= (1.0 - drawn[d_path][sl]) / (1.0 - d0) if d0 < 1 else 0.0
        if f_path in drawn:
            f0 = float(getattr(cand, "price_factor", 1.0))
            m[i] *= drawn[f_path][sl] / f0
    for kind in ("api", "selfhost"):  # every API list price together; every self-hosted bill together
        if f"prices.{kind}" in drawn:
            for i, r in enumerate(compiled.candidates):
                if r.kind == kind:
                    m[i] *= drawn[f"prices.{kind}"][sl]
    report = compiled.currency
    rates = [(path[3:], values[sl], float(sc.fx[path[3:]]) if path[3:] in sc.fx else float(compiled.fx[path[3:]].per_usd))
             for path, values in drawn.items() if path.startswith("fx.")]
    if not rates:
        return m

    def moved(cur: str, out: np.ndarray) -> np.ndarray:
        for code, values, central in rates:
            if cur == code and code != report:  # priced in it: cost = native / rate x report rate
                out *= central / values
            elif code == report and cur != report:  # the report currency: cost = native / native rate x rate
                out *= values / central
        return out

    for i, cur in enumerate(currency_of):
        if isinstance(cur, dict) and len(cur) == 1:
            cur = next(iter(cur))
        if isinstance(cur, str):
            moved(cur, m[i])
        else:  # priced in several currencies: each share moves with its own rate
            m[i] *= sum(share * moved(c, np.ones(n)) for c, share in cur.items())
    return m


INPUT_WORDS = {"requests_per_day": "requests per day", "requests_per_month": "requests per month",
               "input_tokens": "input tokens", "output_tokens": "output tokens",
               "cached_input_share": "cached input share", "cache_write_share": "cache write share",
               "batch_share": "batch share", "peak_to_average": "peak to average"}
"""Workload fields in words, for every output that names an input (tornado, report, app)."""


def input_label(path: str, compiled: Compiled) -> str:
    """An input as a reader knows it: ``candidates.3.discount`` -> ``discount of azure/llama-3.1-405b-instruct``,
    ``workload.requests_per_day`` -> ``requests per day``, ``prices.api`` -> ``API list prices``,
    ``fx.EUR`` -> ``EUR exchange rate`` (JSON keeps the path as ``name`` beside it)."""
    m = re.fullmatch(r"candidates\.(\d+)\.(?:selfhost\.)?(.+)", path)
    if m and int(m.group(1)) < len(compiled.candidates):
        return f"{m.group(2).replace('_', ' ')} of {compiled.candidates[int(m.group(1))].label}"
    return path_words(path)


def path_words(path: str) -> str:
    """A workload, price or exchange-rate input in words (``prices.api`` -> ``API list prices``,
    ``prices.selfhost`` -> ``self-hosted bills``);
    any other path as it is."""
    if path.startswith("workload."):
        name = path.split(".", 1)[1]
        return INPUT_WORDS.get(name, name.replace("_", " "))
    if path == "prices.api":
        return "API list prices"
    if path == "prices.selfhost":
        return "self-hosted bills"
    m = re.fullmatch(r"fx\.([A-Z]{3})", path)
    return f"{m.group(1)} per USD (exchange rate)" if m else path


def describe_range(r: Any) -> str:
    """'triangular 5,000 / 10,000 / 40,000' or 'lognormal P10 5,000, P90 40,000'."""
    if isinstance(r, DefaultRange):
        return f"lognormal P10 {r.low:.3g}, P90 {r.high:.3g} ({r.detail})"
    def n(v: float) -> str:
        return f"{v:,.0f}" if abs(v) >= 100 and float(v).is_integer() else f"{v:,.4g}"

    if r.dist == "lognormal":
        return f"lognormal P10 {n(r.low)}, P90 {n(r.high)}"
    mode = "" if r.likely is None else f"{n(r.likely)} / "
    return f"triangular {n(r.low)} / {mode}{n(r.high)}"
