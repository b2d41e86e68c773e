"""Result objects of an estimate, exportable to plain dicts (the JSON output is their dict)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..engine.money import round_half_up

if TYPE_CHECKING:
    from .compile import Compiled
    from .evaluate import SweepResult

SCHEMA_VERSION = 1


EXACT_LINES = frozenset({"rent", "capex", "energy", "hosting"})
"""Bill lines whose printed arithmetic is exact (whole GPUs x whole hours x the rate, servers x a
monthly figure, servers x kWh x the rate): a cent of rounding goes to the other lines first (staff,
printed without arithmetic; the API's token lines, whose counts are printed rounded), so these
still multiply out."""


def apportion(values: list[float | None], total: float | None, digits: int = 2,
              names: list[str] | None = None) -> list[float | None]:
    """Bill lines rounded to ``digits`` so that they add up to the rounded ``total``, as an invoice
    does: each line is rounded, and the cent or two that rounding loses or gains goes to the lines
    that rounding moved most (largest remainder). 152.0833 + 60.8333 = 212.9167 prints as
    152.08 + 60.84 = 212.92, not 152.08 + 60.83 beside a total of 212.92. Unknown lines, an unknown
    total, or lines that do not add up to the total within a cent per line are only rounded."""
    rounded = [None if v is None or math.isnan(v) else round_half_up(v, digits) for v in values]
    known = [i for i, r in enumerate(rounded) if r is not None]
    if total is None or math.isnan(total) or not known:
        return rounded
    unit = 10.0 ** -digits
    short = round((round_half_up(total, digits) - sum(rounded[i] for i in known)) / unit)  # in cents
    if short == 0 or abs(short) > len(known):
        return rounded
    # a line rounded down most gets the missing cent first; a line rounded up most gives one back first;
    # lines whose printed arithmetic is exact (``names`` in EXACT_LINES) last
    def key(i: int) -> tuple[bool, float]:
        exact = names is not None and names[i] in EXACT_LINES
        return (not exact, (values[i] - rounded[i]) * (1 if short > 0 else -1))

    order = sorted(known, key=key, reverse=True)
    for i in order[:abs(short)]:
        rounded[i] = round(rounded[i] + math.copysign(unit, short), digits)
    return rounded


def _money(v: Any) -> float | None:
    """An amount to the cent, halves up (:func:`round_half_up`); None where unknown."""
    f = _num(v)
    return None if f is None else round_half_up(f, 2)


def _num(v: Any, digits: int | None = None) -> float | None:
    if v is None:
        return None
    f = float(v)
    if math.isnan(f) or math.isinf(f):
        return None
    return round(f, digits) if digits is not None else f


@dataclass
class CandidateResult:
    """One candidate's numbers at the scenario's workload."""

    id: str
    label: str
    kind: str
    model: str
    provider: str
    monthly_cost: float
    """In the report currency; NaN when a price is unknown."""
    cost_breakdown: dict[str, float]
    cost_per_mtok: float
    quality: float
    quality_coverage: float
    cost_per_quality_point: float
    rank: int | None
    ranked: bool
    cheapest: bool = False
    best_value: bool = False
    price: dict[str, Any] | None = None
    quality_detail: list[dict[str, Any]] = field(default_factory=list)
    missing_benchmarks: list[str] = field(default_factory=list)
    selfhost: dict[str, Any] | None = None
    available_from: str | None = None
    """Set when the offer did not exist yet on the as-of date (then it has no cost)."""
    warnings: list[str] = field(default_factory=list)
    reason: str | None = None
    """Why it has no cost or no rank, in a few words (None when it is priced and ranked)."""
    retires: str | None = None
    """The day the offer (or the dated snapshot an alias serves) retires, when that is on record within
    a year of the as-of date: it no longer answers from that day."""
    reasoning_unpriced: bool = False
    """Its model reasons by default and the scenario gives no reasoning tokens: the cost leaves
    the hidden reasoning tokens out (a self-hosted sizing does too); a warning says it in full."""
    quality_imputed_share: float = 0.0
    """Share of the profile's weight filled by imputation (``quality.impute``)."""
    quality_interval: tuple[float, float] | None = None
    """[lo, hi] of the quality where imputed scores are part of it (None when nothing was imputed)."""
    uncertainty: dict[str, Any] | None = None
    """With samples: P10/P50/P90 of the monthly cost and the cost per quality point, the
    probability of being the best value and the cheapest (and, self-hosted, of beating each API)."""

    def breakdown_cents(self) -> dict[str, float | None]:
        """``cost_breakdown`` in cents that add up to ``monthly_cost`` in cents (discounts,
        ``*_savings``, subtracted): the figures of the JSON, the printed bill and the app alike."""
        keys = list(self.cost_breakdown)
        signed = [None if _num(v) is None or v == 0 else (-float(v) if k.endswith("_savings") else float(v))
                  for k, v in self.cost_breakdown.items()]  # a zero line takes no cent
        cents = apportion(signed, _num(self.monthly_cost), names=keys)
        return {k: (0.0 if _num(v) == 0 else None if c is None else abs(c) if k.endswith("_savings") else c)
                for k, v, c in zip(keys, self.cost_breakdown.values(), cents, strict=True)}

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "label": self.label,
            "kind": self.kind,
            "model": self.model,
            "provider": self.provider,
            "monthly_cost": _money(self.monthly_cost),
            "cost_breakdown": self.breakdown_cents(),
            "cost_per_mtok": _num(self.cost_per_mtok, 6),
            "quality": _num(self.quality, 3),
            "quality_coverage": _num(self.quality_coverage, 4),
            "quality_imputed_share": _num(self.quality_imputed_share, 4),
            "quality_interval": ([_num(self.quality_interval[0], 3), _num(self.quality_interval[1], 3)]
                                 if self.quality_interval else None),
            "cost_per_quality_point": _num(self.cost_per_quality_point, 4),
            "rank": self.rank,
            "cheapest": self.cheapest,
            "best_value": self.best_value,
            "price": self.price,
            "quality_detail": self.quality_detail,
            "missing_benchmarks": self.missing_benchmarks,
            "selfhost": self.selfhost,
            "available_from": self.available_from,
            "reason": self.reason,
            "retires": self.retires,
            "reasoning_unpriced": self.reasoning_unpriced,
            **({"uncertainty": self.uncertainty} if self.uncertainty is not None else {}),
            "warnings": self.warnings,
        }


@dataclass
class Estimate:
    """The answer to a scenario: every candidate, ranked by cost per quality point."""

    scenario: str
    as_of: str
    currency: str
    fx: dict[str, dict[str, Any]]
    workload: dict[str, Any]
    quality_profile: dict[str, Any]
    candidates: list[CandidateResult]
    warnings: list[str]
    breakeven: list[dict[str, Any]] = field(default_factory=list)
    uncertainty: dict[str, Any] | None = None
    """With samples: how many, the seed, and which inputs were ranges."""
    horizon: dict[str, Any] | None = None
    """With horizon_months > 1: month-by-month and cumulative costs, net present costs,
    payback months and the buy/rent/wait comparison."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "scenario": self.scenario,
            "as_of": self.as_of,
            "currency": self.currency,
            "fx": self.fx,
            "workload": self.workload,
            "quality_profile": self.quality_profile,
            "candidates": [c.to_dict() for c in self.candidates],
            "cheapest": self.cheapest.id if self.cheapest else None,
            "best_value": self.best_value.id if self.best_value else None,
            "breakeven": self.breakeven,
            **({"uncertainty": self.uncertainty} if self.uncertainty is not None else {}),
            **({"horizon": self.horizon} if self.horizon is not None else {}),
            "warnings": self.warnings,
        }

    def __eq__(self, other: object) -> bool:
        """Equal when their JSON is: an unknown cost is NaN, which equals nothing, so two runs of the
        same scenario compared unequal field by field."""
        return isinstance(other, Estimate) and self.to_dict() == other.to_dict()

    __hash__ = None  # type: ignore[assignment]  # mutable, as a dataclass with eq is

    def records(self) -> list[dict[str, Any]]:
        """One flat row per candidate, as a table holds it: ``pandas.DataFrame(result.records())``.
        Amounts in ``currency`` (rounded to the cent as the JSON gives them), unknown values None;
        with samples, the P10/P50/P90 of the monthly cost and the chance of being the best value."""
        rows = []
        for c in self.candidates:
            d = c.to_dict()
            row = {"as_of": self.as_of, "currency": self.currency,
                   **{k: d[k] for k in ("id", "label", "kind", "model", "provider", "monthly_cost", "cost_per_mtok",
                                        "quality", "quality_coverage", "quality_imputed_share",
                                        "cost_per_quality_point", "rank", "best_value", "cheapest", "reason",
                                        "reasoning_unpriced")}}
            u = d.get("uncertainty")
            if u:
                m = u.get("monthly_cost") or {}
                row |= {"monthly_cost_p10": m.get("p10"), "monthly_cost_p50": m.get("p50"),
                        "monthly_cost_p90": m.get("p90"), "p_best_value": u.get("p_best_value")}
            rows.append(row)
        return rows

    @property
    def cheapest(self) -> CandidateResult | None:
        return next((c for c in self.candidates if c.cheapest), None)

    @property
    def best_value(self) -> CandidateResult | None:
        return next((c for c in self.candidates if c.best_value), None)

    def candidate(self, cid: str) -> CandidateResult:
        """The result of one candidate by id (offer id, label or deployment name)."""
        for c in self.candidates:
            if c.id == cid:
                return c
        raise KeyError(f"no candidate {cid!r} in this estimate; ids: {', '.join(c.id for c in self.candidates)}")


def _reason(r: Any, sh: dict[str, Any] | None, monthly: float, ranked: bool, cov: float, min_cov: float) -> str | None:
    """Why a candidate has no cost or no rank, in a few words for a table cell."""
    if r.available_from:
        return f"launches {r.available_from}"
    if math.isnan(monthly):
        if r.reason:
            return r.reason
        if sh is not None:
            if sh.get("within_context") is False:
                return "request over the model's window"
            if sh.get("fits") is False:
                return "does not fit the GPUs"
            if sh.get("slo_feasible") is False:
                return "latency targets unreachable"
            return "no price on record"
        return "cost unknown"
    if not ranked:
        return "too few quality scores" if cov < min_cov else "quality unknown"
    return None


def build_estimate(compiled: Compiled, sweep: SweepResult, point: int = 0) -> Estimate:
    """Turn column ``point`` of a sweep into an :class:`Estimate` (ordered by rank)."""
    sc = compiled.scenario
    w = sc.workload
    rpm = float(w.monthly_requests) if point == 0 else None
    results: list[CandidateResult] = []
    min_cov = sc.quality.min_coverage
    components = sweep.components.at(point)
    for ci, r in enumerate(compiled.candidates):
        monthly = float(sweep.monthly_cost[ci, point])
        q = float(sweep.quality[ci])
        cov = float(sweep.coverage[ci])
        imp_share = float(sweep.imputed_share[ci]) if sweep.imputed_share is not None else 0.0
        imp_half = float(sweep.quality_half_width[ci]) if sweep.quality_half_width is not None else math.nan
        detail = []
        for bi, d in enumerate(compiled.score_detail[ci]):
            if d is not None:
                detail.append({**d, "weight": float(compiled.weights[bi]),
                               "normalized": _num(compiled.normalized_scores[ci, bi], 3)})
        missing = [b for bi, b in enumerate(compiled.benchmark_ids) if compiled.score_detail[ci][bi] is None]
        warnings = list(r.warnings)
        rank_here = float(sweep.rank[ci, point])
        ranked = math.isfinite(rank_here)
        imputed_ids = [d["benchmark"] for d in detail if d.get("imputed")]
        gone = (r.reason or "").startswith("retired ")  # not on sale: its rank by value is moot
        if not gone and cov + imp_share < min_cov - 1e-12:
            warnings.append(
                f"quality coverage {cov:.0%}{f' (+{imp_share:.0%} imputed)' if imp_share else ''} is below "
                f"min_coverage {min_cov:.0%}: not ranked by value; missing scores: {', '.join(missing)}"
                + (f" (none is on record for {r.model} in the mode "
                   + ("its weights run in by default" if r.kind == "selfhost" else "its API serves by default")
                   + ": `tco catalog "
                   f"show {r.model}` lists what is; give your own under quality.scores"
                   + ("; these weights have scores in another mode: "
                      + (f"selfhost.model: {' or '.join(r.scored_modes)} plans them in that mode" if r.kind == "selfhost"
                         else f"mode: {' or '.join(r.scored_modes)} on the candidate scores requests made in that "
                              "mode") if r.scored_modes else "")
                   + ")" if cov == 0 and not imp_share and r.model else ""))
        elif missing and not gone:
            warnings.append(f"quality from {cov + imp_share:.0%} of the profile weight; missing: {', '.join(missing)}")
        if imputed_ids:
            warnings.append(f"quality includes imputed scores ({', '.join(imputed_ids)}): {imp_share:.0%} of the "
                            f"weight, quality {q:.1f} +- {imp_half:.1f}")
        breakdown = {k: float(v[ci]) for k, v in components.items()
                     if not math.isnan(float(v[ci])) and (float(v[ci]) != 0.0 or k in ("input", "output"))}
        sh = None
        if ci in sweep.selfhost:
            from .selfhost import selfhost_summary  # loaded only for scenarios that self-host

            sh, sh_breakdown, sh_warn = selfhost_summary(compiled, r, sweep.selfhost[ci], point)
            breakdown = sh_breakdown
            warnings.extend(sh_warn)
        results.append(CandidateResult(
            reason=_reason(r, sh, monthly, ranked, cov + imp_share, min_cov),
            quality_imputed_share=imp_share,
            quality_interval=((q - imp_half, q + imp_half) if imp_share > 0 and math.isfinite(imp_half)
                              and math.isfinite(q) else None),
            id=r.id, label=r.label, kind=r.kind, model=r.model, provider=r.provider,
            monthly_cost=monthly, cost_breakdown=breakdown,
            cost_per_mtok=float(sweep.cost_per_mtok[ci, point]), quality=q, quality_coverage=cov,
            cost_per_quality_point=float(sweep.cost_per_quality_point[ci, point]),
            rank=int(rank_here) if ranked else None, ranked=ranked, price=r.price,
            quality_detail=detail, missing_benchmarks=missing, selfhost=sh, available_from=r.available_from,
            warnings=warnings, retires=r.retires,
            reasoning_unpriced=r.reasoning_unpriced and math.isfinite(monthly),  # a cost that leaves them out
        ))
    finite = [c for c in results if not math.isnan(c.monthly_cost)]
    if finite:
        low = min(c.monthly_cost for c in finite)
        for c in finite:  # ties (several free offers) are all cheapest
            c.cheapest = c.monthly_cost <= low + 0.005
    ranked_c = [c for c in results if c.rank == 1]
    if ranked_c:
        ranked_c[0].best_value = True
    results.sort(key=lambda c: (c.rank is None, c.rank or 0, math.isnan(c.monthly_cost),
                                c.monthly_cost if not math.isnan(c.monthly_cost) else 0.0))
    warnings = list(compiled.warnings)
    # a rate matters only where an amount is converted: a price quoted in another currency than the
    # report's, or a self-hosted cost (USD); a CNY report of CNY prices converts nothing
    quoted = {c.price["currency"] for c in compiled.candidates if c.price}
    for c in compiled.candidates:  # a self-hosted cost: each part in its own currency (the spec's or USD)
        if c.selfhost is not None:
            quoted |= {c.selfhost.part_currency(p) for p in ("rent", "capex", "energy", "hosting", "staff")}
    converted = set().union(*({q, compiled.currency} for q in quoted if q != compiled.currency))
    for f in compiled.fx.values():
        if f.overridden or f.known_from is None or f.currency not in converted:
            continue
        # a rate becomes known at the end of its period (a monthly average on the 1st of the next month)
        age = (compiled.as_of - f.known_from).days
        k, a = f.known_from, compiled.as_of
        nxt = k.replace(year=k.year + (k.month == 12), month=k.month % 12 + 1)  # a month's average known then
        if re.fullmatch(r"\d{4}-\d{2}", f.period or "") and k.day == 1 and a >= nxt:
            due = (a.year - (a.month == 1), 12 if a.month == 1 else a.month - 1)  # the month before the as-of date
            warnings.append(f"{f.currency} rate {f.per_usd:g} is the {f.period} average ({f.rate_type}): the "
                            f"{due[0]:04d}-{due[1]:02d} average, known from {a.replace(day=1)}, is not on record: "
                            "set fx: in the scenario for a current rate")
        elif age > 45:
            warnings.append(f"{f.currency} rate {f.per_usd:g} ({f.rate_type}, {f.period}) is known since "
                            f"{f.known_from}, {age} days before {compiled.as_of}: set fx: in the scenario for a "
                            "current rate")
        if f.status != "verified":
            warnings.append(f"{f.currency} rate for {f.period} is {f.status}: {f.source}")
    profile_weights = dict(zip(compiled.benchmark_ids, (float(x) for x in compiled.weights), strict=True))
    return Estimate(
        scenario=sc.name,
        as_of=compiled.as_of.isoformat(),
        currency=compiled.currency,
        fx={k: v.to_dict() for k, v in compiled.fx.items()},
        workload={  # rounded to 6 decimals: no float noise such as 10000.000000000002 in the JSON
            "requests_per_month": _num(rpm, 6),
            "requests_per_day": _num(rpm / w.days_per_month, 6) if rpm is not None else None,
            "days_per_month": _num(w.days_per_month, 6),
            "input_tokens": w.input_tokens,
            "output_tokens": w.output_tokens,
            "cached_input_share": w.cached_input_share,
            "cache_write_share": getattr(w, "cache_write_share", 0.0),
            "batch_share": w.batch_share,
            "offpeak_share": getattr(w, "offpeak_share", None),
            "peak_to_average": w.peak_to_average,
            "input_tokens_per_month": _num(rpm * w.input_tokens, 3) if rpm is not None else None,
            "output_tokens_per_month": _num(rpm * w.output_tokens, 3) if rpm is not None else None,
        },
        quality_profile={"name": compiled.profile_name, "weights": profile_weights,
                         "min_coverage": min_cov},
        candidates=results,
        warnings=warnings,
    )
