"""A scenario resolved against the catalog at one as-of date and report currency: dated
prices and exchange rates (errors located in the scenario file), self-hosted deployments,
and the quality profile's normalized score matrix, as numpy arrays for the engine."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np

from ..engine.api import ApiPrices, offpeak_week_share, offpeak_windows, tier_at
from ..errors import PRICE_UNKNOWN, NotAvailable, Retired, TcoError, UnknownPrice, launch_text
from .locate import candidate_kind, locate, reasoning_of, relocate
from .scoring import impute_cells, profile_weights, score_doubts, score_matrix

if TYPE_CHECKING:
    from ..catalog import Catalog
    from ..schema.scenario import Scenario, SelfhostCandidate


@dataclass
class FxUsed:
    currency: str
    per_usd: float
    rate_type: str
    period: str
    source: str
    overridden: bool
    status: str = "verified"
    known_from: date | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"currency": self.currency, "per_usd": self.per_usd, "rate_type": self.rate_type,
                "period": self.period, "source": self.source, "overridden": self.overridden,
                "status": self.status}


@dataclass
class Resolved:
    """One candidate resolved against the catalog."""

    id: str
    label: str
    kind: str
    model: str
    provider: str
    price: dict[str, Any] | None = None
    warnings: list[str] = field(default_factory=list)
    selfhost: Any = None
    available_from: str | None = None
    """Set when the offer did not exist yet on the as-of date."""
    reason: str | None = None
    """Why it has no cost, in a few words for a table cell (the warnings say it in full)."""
    retires: str | None = None
    """The offer's announced last day, when it is on sale on the as-of date and retires later."""
    reasoning_unpriced: bool = False
    """Its model reasons by default and the scenario gives no reasoning tokens: the cost (or a
    self-hosted sizing) leaves them out."""
    scored_modes: list[str] = field(default_factory=list)
    """With no score of its own on the profile: the same weights in another mode that have some."""


@dataclass
class Compiled:
    """A scenario resolved against the catalog at one as-of date and report currency."""

    scenario: Scenario
    catalog: Catalog
    as_of: date
    currency: str
    fx: dict[str, FxUsed]
    candidates: list[Resolved]
    api_index: np.ndarray
    """Positions of API candidates in ``candidates``."""
    prices: ApiPrices
    weights: np.ndarray
    benchmark_ids: list[str]
    normalized_scores: np.ndarray
    """(C, B) scores normalized to 0-100, NaN where missing."""
    score_detail: list[list[dict[str, Any] | None]]
    profile_name: str
    warnings: list[str]
    imputed: np.ndarray | None = None
    """(C, B) True where the score was imputed (``quality.impute``); None: nothing imputed."""
    impute_half_width: np.ndarray | None = None
    """(C, B) interval half-width of each imputed score, 0-100 scale."""

    def to_report_currency(self, amount: float, currency: str) -> float:
        return amount / self._per_usd(currency) * self._per_usd(self.currency)

    def _per_usd(self, currency: str) -> float:
        return 1.0 if currency == "USD" else self.fx[currency].per_usd


def _fx(scenario: Scenario, catalog: Catalog, currency: str, as_of: date, fx: dict[str, FxUsed],
        loc: tuple[Any, ...] | None, priced: str | None = None) -> None:
    """The rate of ``currency`` on ``as_of`` into ``fx`` (the scenario's own first), or a located
    error; ``priced``: the offer whose price is in it (a custom catalog may price in a currency only
    the scenario's fx: gives a rate for: the error then says whose price it is)."""
    if currency == "USD" or currency in fx:
        return
    if currency in scenario.fx:
        fx[currency] = FxUsed(currency, scenario.fx[currency], "scenario override", "-", "scenario fx:", True)
        return
    if priced is not None and all(r.currency != currency for r in catalog.fx_rates):
        who = catalog.offer_provider.get(catalog.offer(priced).id, "?")
        raise TcoError(f"{priced} is priced in {currency} in the catalog's {who} prices, and no {currency} exchange "
                       "rate is known", **locate(scenario, loc or ()),
                       hint=f"give one in the scenario's fx: section (fx: {{{currency}: units per USD}}), or add "
                            f"{currency} rates to the catalog's fx.yaml")
    try:
        rate = catalog.fx_at(currency, as_of)
    except TcoError as e:
        if loc is None:
            e = TcoError(e.message, field="--currency", hint=e.hint)
        raise relocate(e, scenario, loc) from None
    assert rate is not None
    fx[currency] = FxUsed(currency, rate.per_usd, rate.rate_type, rate.period, rate.provenance.source, False,
                          rate.provenance.status, rate.known_from)


STALE_AFTER_DAYS = 180
"""A price in force whose last check is older than this before the as-of date gets a warning."""


def stale_price(offer: Any, point: Any, as_of: date) -> str | None:
    """A warning when the price in force on ``as_of`` is the offer's latest one and was last
    checked long before ``as_of``: each offer by its own last check, not one catalog date."""
    if point is not offer.prices[-1] and point != offer.prices[-1]:
        return None  # a later change is on record: this price is known to have held until then
    age = (as_of - point.provenance.checked).days
    if age <= STALE_AFTER_DAYS:
        return None
    return (f"its price was last checked on {point.provenance.checked}, {age} days before {as_of}: it may have "
            "changed since (check the vendor's page, run `tco catalog update`, or set an earlier as_of)")


def _as_date(value: Any) -> date | None:
    """An as-of date given as a date, a datetime or an ISO string (library callers)."""
    from datetime import datetime

    if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
        return value
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise TcoError(f"invalid as-of date {value!r}", hint="use YYYY-MM-DD") from None
    raise TcoError(f"invalid as-of date {value!r}", hint="pass a datetime.date or 'YYYY-MM-DD'")


RETIRES_SOON_DAYS = 365
"""An offer on sale on the as-of date whose retirement is on record this many days ahead or fewer
is marked ``retires D`` (a year: the span a monthly estimate is read for)."""

_UNPRICED = {"input": math.nan, "output": math.nan, "cached_input": math.nan, "cache_write": math.nan,
             "tiers": (), "batch_discount": math.nan, "batch_input": math.nan, "batch_output": math.nan,
             "per_request": 0.0, "offpeak_input": math.nan, "offpeak_output": math.nan,
             "offpeak_cached_input": math.nan, "offpeak_share": 0.0, "context_window": math.inf}
"""An API row without a price (not launched, or unknown): every cost NaN."""


def price_row(point: Any, conv: float = 1.0, offpeak_share: float | None = None) -> dict[str, Any]:
    """One API candidate's prices for the engine (per 1M tokens, fees per request, times ``conv``
    to the report currency) from a price point; the off-peak share is the workload's, else the
    point's windows' share of the week. The caller adds ``discount`` and ``context_window``."""

    def mt(v: float | None) -> float:
        return math.nan if v is None else v * point.factor * conv

    off = point.offpeak
    return {
        "input": mt(point.input), "output": mt(point.output), "cached_input": mt(point.cached_input),
        "cache_write": mt(point.cache_write),
        "tiers": tuple({"above": float(t.above_input_tokens), "above_output": float(t.above_output_tokens),
                        "input": mt(t.input), "output": mt(t.output),
                        "cached_input": mt(t.cached_input), "cache_write": mt(t.cache_write)} for t in point.tiers),
        "batch_discount": math.nan if point.batch_discount is None else point.batch_discount,
        "batch_input": math.nan, "batch_output": math.nan,
        "per_request": (point.per_1k_requests * conv / 1000.0) if point.per_1k_requests is not None else 0.0,
        "offpeak_input": mt(off.input) if off is not None else math.nan,
        "offpeak_output": mt(off.output) if off is not None else math.nan,
        "offpeak_cached_input": mt(off.cached_input) if off is not None else math.nan,
        "offpeak_share": (offpeak_share if offpeak_share is not None else off.week_share) if off is not None else 0.0,
    }


def tier_warnings(tiers: Any, input_tokens: float, billed_output: float, reasoning_unsaid: bool = False
                  ) -> list[str]:
    """What a point's length tiers do to the scenario's (mean) request: the prompt-length tier it
    is billed at, and, where the price also depends on output length (Zhipu's GLM-4.5 to 4.7,
    Doubao Seed), which side of the band the mean request falls on: every request is billed
    as the mean one, so outputs on the other side of the band pay other prices."""
    if not tiers:
        return []
    at = tier_at([(t.above_input_tokens, t.above_output_tokens) for t in tiers], input_tokens, billed_output)
    out = []
    t = tiers[at - 1] if at else None
    if t is not None and t.above_input_tokens:
        out.append(f"prompts of {input_tokens:,.0f} tokens are above {t.above_input_tokens:,}: "
                   "long-context prices apply to the whole request")
    # an output band that could apply to this prompt, unless a later prompt-only tier overrides it
    bands = [k for k, b in enumerate(tiers, 1)
             if b.above_output_tokens and (not b.above_input_tokens or input_tokens > b.above_input_tokens)]
    if bands and not (t is not None and at > bands[-1] and not t.above_output_tokens):
        band = tiers[bands[-1] - 1].above_output_tokens
        above = billed_output > band
        out.append(f"priced by output length: requests with more than {band:,} output tokens (reasoning included) "
                   f"pay higher prices; every request is billed as the mean one ({billed_output:,.0f} tokens, "
                   + ("above" if above else "not above") + f" {band:,}): "
                   + ("shorter ones pay less" if above else "longer ones pay more")
                   + (f"; its model reasons by default and no reasoning tokens are given: {band - billed_output + 1:,.0f} "
                      "or more of them would move every request to the higher band, input prices too"
                      if reasoning_unsaid and not above else ""))
    return out


def price_arrays(rows: list[dict[str, Any]]) -> ApiPrices:
    """The engine's arrays from one dict per API candidate (tiers padded to the longest list)."""
    t = max([len(r["tiers"]) for r in rows] + [1])

    def tiers(key: str, fill: float) -> np.ndarray:
        out = np.full((len(rows), t), fill)
        for ci, r in enumerate(rows):
            for ti, tier in enumerate(r["tiers"]):
                out[ci, ti] = tier[key]
        return out

    flat = ("input", "output", "cached_input", "cache_write", "batch_discount", "batch_input", "batch_output",
            "per_request", "offpeak_input", "offpeak_output", "offpeak_cached_input", "offpeak_share", "discount",
            "context_window")
    return ApiPrices(**{k: np.array([r[k] for r in rows], dtype=np.float64) for k in flat},
                     reasoning_tokens=np.array([r.get("reasoning_tokens", 0.0) for r in rows], dtype=np.float64),
                     tier_threshold=tiers("above", math.inf), tier_out_threshold=tiers("above_output", 0.0),
                     tier_input=tiers("input", math.nan),
                     tier_output=tiers("output", math.nan), tier_cached_input=tiers("cached_input", math.nan),
                     tier_cache_write=tiers("cache_write", math.nan))


def _reasoning_unsaid(scenario: Scenario, catalog: Catalog, cand: Any, i: int, model: str | None) -> list[str]:
    """The warning for a candidate whose model reasons by default (``reasoning-defaults.yaml``) and
    that gives no hidden reasoning tokens: its cost (or sizing) leaves them out."""
    default = catalog.reasoning_defaults.get(model or "")
    path, given = reasoning_of(cand, i)
    if default is None or not default.reasons or given or path in scenario.ranges:
        return []
    if path.endswith("selfhost.reasoning_tokens"):
        return [f"{model} thinks by default on its maker's API ({default.setting}), the mode its scores are for: its "
                "hidden reasoning tokens are decoded like output and are not in this sizing; give "
                "selfhost.reasoning_tokens"]
    return [f"{model} reasons by default ({default.setting}): its hidden reasoning tokens are billed as output and are "
            "not in this cost; give reasoning_tokens for this candidate (the API's usage field reports them)"]


def compile_scenario(scenario: Scenario, catalog: Catalog, as_of: date | None = None,
                     currency: str | None = None, strict: bool = False, impute: bool | None = None) -> Compiled:
    """Resolve a scenario at ``as_of`` in ``currency``.

    An offer not launched yet on ``as_of`` stays in the result as unavailable (no cost, a
    warning "not launched yet on DATE: from YYYY-MM-DD"); with ``strict`` it is an error
    instead. An offer that existed but whose price then is not on record (or whose launch
    date is not on record) stays in the table unpriced, with a "price unknown" warning. If
    no candidate can be priced at all, that is always an error.
    """
    as_of = _as_date(as_of) or scenario.as_of or date.today()
    currency_loc: tuple[Any, ...] | None = ("currency",) if not currency else None
    if currency:  # as typed by a library caller too: 'eur', 'EURO', 'RMB' (the command line's flag does the same)
        from ..schema.currency import normalize_currency

        try:
            currency = normalize_currency(currency)
        except ValueError as e:
            raise TcoError(str(e), field="--currency") from None
    else:
        currency = scenario.currency
    fx: dict[str, FxUsed] = {}
    warnings: list[str] = []
    if as_of > date.today():  # a plan for next year: today's knowledge, not a forecast
        warnings.append(f"as of {as_of} is after today ({date.today()}): prices are those on record today, with the "
                        "changes and retirements already announced; later ones are unknown (a horizon with "
                        "--horizon projects trends)")
    for cur in scenario.fx:
        if cur == "USD":
            raise TcoError("the USD rate is 1 by definition", **locate(scenario, ("fx", "USD"), key=True))
    _fx(scenario, catalog, currency, as_of, fx, currency_loc)

    resolved: list[Resolved] = []
    api_rows: list[dict[str, float]] = []
    api_index: list[int] = []
    seen: set[str] = set()
    unavailable: list[TcoError] = []
    _check_ids(scenario, catalog)
    unpriced: list[TcoError] = []
    gone_by: list[tuple[date, str]] = []  # retired before the as-of date: (the day, the offer)

    def unpriced_row(r: Resolved, discount: float, i: int) -> None:  # in the table, without a price
        api_rows.append(dict(_UNPRICED, discount=discount))
        api_index.append(i)
        resolved.append(r)
        seen.add(r.id)

    for i, cand in enumerate(scenario.candidates):
        kind = candidate_kind(cand)
        if kind == "selfhost-spec":
            try:
                r = _resolve_selfhost(scenario, catalog, cand, i, as_of, fx)
            except NotAvailable as e:  # a model not released yet on the as-of date
                if strict:
                    raise
                from .deployment import published_precision

                spec = cand.selfhost
                label = spec.name or f"{spec.model or spec.model_file} {published_precision(spec, catalog)} on {spec.gpu}"
                r = Resolved(label, label, "selfhost", spec.model or str(spec.model_file), "self-hosted")
                r.available_from = str(e.available_from)
                r.warnings.append(f"not launched yet on {as_of}: {launch_text(e.available_from)} ({e.message}); "
                                  "excluded from the comparison")
                unavailable.append(e)
            said = _reasoning_unsaid(scenario, catalog, cand, i, cand.selfhost.model)
            r.warnings += said
            r.reasoning_unpriced = bool(said)
            if currency != "USD":
                _fx(scenario, catalog, currency, as_of, fx, currency_loc)
        else:
            offer_id = cand if kind == "api-id" else cand.offer
            loc: tuple[Any, ...] = ("candidates", i) if kind == "api-id" else ("candidates", i, "offer")
            # shut down before any of its prices can be dated (an imported offer kept without prices)
            gone = None if offer_id in catalog.offers or offer_id in catalog.aliases else catalog.retired_offer(offer_id)
            if gone is None:
                try:
                    offer = catalog.offer(offer_id)
                except TcoError as e:
                    raise relocate(e, scenario, loc) from None
            discount = cand.discount if kind == "api-offer" else 0.0
            if gone is not None:  # in the table, unpriced, as an offer retired before the as-of date
                if strict and as_of >= gone.retired:
                    try:
                        catalog.offer(offer_id)  # the catalog's own words for it
                    except Retired as e:
                        raise relocate(e, scenario, loc) from None
                label = cand.label if kind == "api-offer" and cand.label else gone.id
                r = Resolved(label, label, "api", gone.model or gone.id, gone.id.split("/", 1)[0])
                if as_of >= gone.retired:
                    r.warnings.append(f"not available on {as_of}: {gone.id} was retired on {gone.retired}, and no "
                                      "price of it from before that day is on record (no cost, not ranked)")
                    r.reason = f"retired {gone.retired}"
                    gone_by.append((gone.retired, gone.id))
                else:  # on sale then, at a price no source dates
                    said = (f"{PRICE_UNKNOWN} on {as_of}: {gone.id} was on sale until its retirement on "
                            f"{gone.retired}, but no price of it from before that day is on record")
                    r.warnings.append(f"{said} (no cost, not ranked)")
                    r.reason = "price unknown"
                    unpriced.append(TcoError(said, **locate(scenario, loc)))
                unpriced_row(r, discount, i)
                continue
            offer_id = catalog.offer_id(offer_id)  # an alias ('claude-sonnet-4-20250514') names its offer
            mode = cand.mode if kind == "api-offer" else None
            label = (cand.label if kind == "api-offer" and cand.label
                     else mode_label(catalog, offer_id, mode) if mode and mode != offer.model else offer_id)
            r = Resolved(label, label, "api", offer.model, catalog.offer_provider[offer_id])
            try:
                point = catalog.price_at(offer_id, as_of)
            except Retired as e:  # shut down before the as-of date: in the table, unpriced
                if strict:
                    raise relocate(e, scenario, loc) from None
                r.warnings.append(f"not available on {as_of}: {e.message} (no cost, not ranked)")
                r.reason = f"retired {e.available_from}"
                gone_by.append((e.available_from, offer_id))
                unpriced_row(r, discount, i)
                continue
            except UnknownPrice as e:  # it existed, its price then is unknown: in the table, unpriced
                unpriced.append(relocate(e, scenario, loc))
                r.warnings.append(f"{e.message} (no cost, not ranked)")
                r.reason = "price unknown"
                unpriced_row(r, discount, i)
                continue
            except NotAvailable as e:
                located = relocate(e, scenario, loc)
                if strict:
                    raise located from None
                unavailable.append(located)
                r.available_from = str(e.available_from)
                r.warnings.append(f"not launched yet on {as_of}: {launch_text(e.available_from)}; excluded from the "
                                  "comparison")
                unpriced_row(r, discount, i)
                continue
            if point.model:  # an alias serving another model from this date: quality follows it
                r.model = point.model
            if mode is not None:  # the same weights asked for in another mode: scored as that mode
                r.model = check_mode(scenario, catalog, i, offer_id, r.model, mode, as_of)
            _fx(scenario, catalog, point.currency, as_of, fx, loc, priced=offer_id)
            factor = float(getattr(cand, "price_factor", 1.0)) if kind == "api-offer" else 1.0
            conv = factor / (1.0 if point.currency == "USD" else fx[point.currency].per_usd) * (
                1.0 if currency == "USD" else fx[currency].per_usd)

            # the first prompt-length tier (no output condition): the JSON's long_context_tier
            lt = next((k for k, t in enumerate(point.tiers) if t.above_output_tokens == 0), None)
            tier = point.tiers[lt] if lt is not None else None
            window, window_from = context_window(catalog, offer)
            off = point.offpeak
            w = scenario.workload
            share = w.offpeak_share
            t = getattr(w, "traffic_by_hour", None)
            if share is None and t is not None and off is not None:  # the user's day inside this vendor's windows
                share = offpeak_week_share(offpeak_windows(off), off.weekends, tuple(t.weights), t.utc_offset)
            row = price_row(point, conv, share)
            reasoning = reasoning_of(cand, i)[1]
            row.update(discount=discount, context_window=float(window) if window else math.inf,
                       reasoning_tokens=reasoning)
            if discount >= 1:
                r.warnings.append("discount 100%: this offer costs nothing in this estimate (the cheapest and, with "
                                  "scores, the best value): check the discount, 0.2 is 20 % off")
            api_rows.append(row)
            api_index.append(i)
            r.price = {
                "offer": offer_id, "effective_from": point.effective_from.isoformat(),
                "currency": point.currency, "unit": point.unit,
                "input": point.input, "output": point.output, "cached_input": point.cached_input,
                "input_per_mtok": _none(row["input"]), "output_per_mtok": _none(row["output"]),
                "cached_input_per_mtok": _none(row["cached_input"]),
                "long_context_tier": ({"above_input_tokens": tier.above_input_tokens,
                                       "input_per_mtok": _none(row["tiers"][lt]["input"]),
                                       "output_per_mtok": _none(row["tiers"][lt]["output"])} if tier else None),
                "tiers": [{"above_input_tokens": int(t["above"]), "above_output_tokens": int(t["above_output"]),
                           "input_per_mtok": _none(t["input"]),
                           "output_per_mtok": _none(t["output"]), "cached_input_per_mtok": _none(t["cached_input"]),
                           "cache_write_per_mtok": _none(t["cache_write"])} for t in row["tiers"]],
                "cache_write_per_mtok": _none(row["cache_write"]),
                "per_1k_requests": _none(row["per_request"] * 1000.0) if row["per_request"] else None,
                "batch_discount": point.batch_discount,
                "offpeak": ({"input_per_mtok": _none(row["offpeak_input"]), "output_per_mtok": _none(row["offpeak_output"]),
                             "cached_input_per_mtok": _none(row["offpeak_cached_input"]),
                             "windows_utc": [list(x) for x in offpeak_windows(off)],
                             "weekends": off.weekends, "share": round(row["offpeak_share"], 6)} if off else None),
                "model": point.model or offer.model,
                "status": point.provenance.status, "source": point.provenance.source,
                "note": point.provenance.note, "discount": discount, "reasoning_tokens": reasoning,
            }
            if point.input is None or point.output is None:
                missing = " and ".join(n for n, v in (("input", point.input), ("output", point.output)) if v is None)
                r.warnings.append(f"{missing} price unknown for {offer_id} on {as_of}: cost cannot be computed")
                r.reason = f"{missing} price unknown"
            if offer.retired is not None and (offer.retired - as_of).days <= RETIRES_SOON_DAYS:  # an end in sight
                r.retires = offer.retired.isoformat()
                r.warnings.append(f"retires on {offer.retired}, {(offer.retired - as_of).days} days after {as_of}: "
                                  "a cost over a longer period assumes a successor at its price (`tco catalog show "
                                  f"{offer_id}` says who says so)")
            served = point.model or offer.model  # an alias: the dated snapshot it serves may retire first
            snap = catalog.offers.get(f"{r.provider}/{served}") if offer.retired is None else None
            if (snap is not None and snap.id != offer_id and snap.retired is not None
                    and 0 < (snap.retired - as_of).days <= RETIRES_SOON_DAYS):
                r.retires = snap.retired.isoformat()
                r.warnings.append(f"serves {served}, whose own offer {snap.id} retires on {snap.retired}, "
                                  f"{(snap.retired - as_of).days} days after {as_of}: this name may then end too, or "
                                  "move to a successor at a price not on record")
            stale = stale_price(offer, point, as_of)
            if stale:
                r.warnings.append(stale)
            if point.provenance.status != "verified":
                r.warnings.append(f"price status {point.provenance.status} ({point.effective_from})"
                                  + (f": {point.provenance.note}" if point.provenance.note else ""))
            w = scenario.workload
            if off is not None and w.offpeak_share is None and t is None and row["offpeak_share"] > 0:
                r.warnings.append(
                    f"off-peak prices applied to {row['offpeak_share']:.0%} of requests, the share of the week "
                    "inside the off-peak hours, as if traffic were spread evenly over the week"
                    + (f" (your peak/average {w.peak_to_average:g} says it is not)"
                       if w.peak_to_average > 1 and "peak_to_average" in w.model_fields_set else "")
                    + ": set workload.offpeak_share to your share, or traffic_by_hour")
            said = _reasoning_unsaid(scenario, catalog, cand, i, r.model)
            r.warnings += said
            r.reasoning_unpriced = bool(said)
            if w.cached_input_share > 0 and point.cached_input is None:
                r.warnings.append("no cached-input price on record: cached tokens billed at the input price")
            if w.batch_share > 0 and point.batch_discount is None:
                r.warnings.append("no batch discount on record: batch traffic billed at list price")
            r.warnings += tier_warnings(point.tiers, w.input_tokens, w.output_tokens + reasoning, r.reasoning_unpriced)
            request = w.input_tokens + w.output_tokens + reasoning
            if window and request > window:
                r.warnings.append(f"cannot serve this workload: a request of {request:,.0f} tokens exceeds the "
                                  f"{window:,}-token context window{window_from} (no cost, not ranked)")
                r.reason = f"request over its {window:,}-token window"
            elif not window and request > largest_window(catalog):
                row["context_window"] = float(largest_window(catalog))
                r.warnings.append(f"cannot serve this workload: a request of {request:,.0f} tokens is longer than any "
                                  f"context window on record ({largest_window(catalog):,} tokens; this offer's is "
                                  "unknown) (no cost, not ranked)")
                r.reason = "request longer than any model's window"
            elif not window and request > UNKNOWN_WINDOW_WARN:
                r.warnings.append(f"context window unknown for {offer_id} and its model: check that requests of "
                                  f"{request:,.0f} tokens are accepted")
        if r.id in seen:
            where = locate(scenario, ("candidates", i))
            hint = "give one of them a " + ("name:" if r.kind == "selfhost" else "label:")
            doc = getattr(scenario, "_source", None)
            name_loc = ("candidates", i, "selfhost", "name") if r.kind == "selfhost" else ("candidates", i, "label")
            if doc is not None:
                from ..yamlio import comment_in_value, source_line

                if comment_in_value(source_line(doc.text, doc.locate(name_loc)[0])):
                    hint = (f"the text after ' #' is a comment in YAML, so this label reads {r.id!r}: "
                            "quote it, e.g. label: \"Team #2\"")
            raise TcoError(f"candidate {r.id!r} is listed twice", **where, hint=hint)
        seen.add(r.id)
        model = catalog.models.get(r.model)
        if model is not None and model.variant == "base":
            r.warnings.append(f"{r.model} is a base (pretrained) model: its scores are base-model scores")
        resolved.append(r)

    if (unavailable or unpriced or gone_by) and len(unavailable) + len(unpriced) + len(gone_by) == len(resolved):
        if len(resolved) == 1 and not gone_by:
            raise (unavailable + unpriced)[0]  # the one candidate cannot be priced on the date
        # several, none priced: the date is the problem, not the first candidate
        starts = sorted((r.available_from, r.id) for r in resolved if r.available_from)
        why = ", ".join(part for part in (f"{len(unavailable)} not launched yet" if unavailable else "",
                                          f"{len(unpriced)} with no price on record then" if unpriced else "",
                                          f"{len(gone_by)} retired by then" if gone_by else "") if part)
        last = max(gone_by) if gone_by else None
        hint = (f"the first to launch is {starts[0][1]}, on {starts[0][0]}: use an as_of date from then on" if starts
                else f"the last to retire is {last[1]}, on {last[0]}: use an earlier as_of date, or candidates on "
                     f"sale then (tco catalog list --on-sale --as-of {as_of})" if last is not None
                else "`tco catalog show OFFER` gives each offer's price history")
        raise NotAvailable(f"none of the {len(resolved)} candidates can be priced on {as_of}: {why}"
                           if len(resolved) > 1 else f"the candidate cannot be priced on {as_of}: {why}",
                           starts[0][0] if starts else None, **locate(scenario, ("candidates",), key=True), hint=hint)
    prices = price_arrays(api_rows)

    extra_models = {r.model for r in resolved}
    bench_ids, weights, profile_name = profile_weights(scenario, catalog, extra_models)
    warnings += score_doubts(scenario, catalog)
    norm, detail = score_matrix(scenario, catalog, resolved, bench_ids)
    imputed = half = None
    if impute if impute is not None else getattr(scenario.quality, "impute", False):
        imputed, half = impute_cells(scenario, catalog, resolved, bench_ids, norm, detail)
    return Compiled(scenario, catalog, as_of, currency, fx, resolved, np.array(api_index, dtype=np.int64),
                    prices, weights, bench_ids, norm, detail, profile_name, warnings, imputed, half)


UNKNOWN_WINDOW_WARN = 32_768
"""Requests longer than this get a warning when neither the offer nor its model has a known
context window."""


def context_window(catalog: Catalog, offer: Any) -> tuple[int | None, str]:
    """The offer's context window, else its model's (one rule for every offer), and where it
    came from for messages ('' for the offer's own, ' of the model X' otherwise)."""
    if offer.context_window:
        return int(offer.context_window), ""
    model = catalog.models.get(offer.model)
    if model is not None and model.context_window:
        return int(model.context_window), f" of the model {model.id} (the offer records none)"
    return None, ""


def largest_window(catalog: Catalog) -> int:
    """The longest context window of any offer or model on record: a request longer than it
    is served by no model, even one whose own window is unknown."""
    return int(getattr(catalog, "widest", 0) or 2**31)


def mode_label(catalog: Catalog, offer_id: str, mode: str) -> str:
    """An offer asked for in another mode: ``deepseek/deepseek-v4-flash (thinking mode)``."""
    base = getattr(catalog.models.get(mode), "mode_of", None)
    return f"{offer_id} ({mode[len(base) + 1:] if base and mode.startswith(base + '-') else mode} mode)"


def check_mode(scenario: Scenario, catalog: Catalog, i: int, offer_id: str, served: str, mode: str,
               as_of: date) -> str:
    """``mode`` of an API candidate: the served weights' own id or one of their other modes."""
    modes = [served, *catalog.other_modes(served)]
    if mode in modes:
        return mode
    hint = (f"the modes of {served} on record: {', '.join(modes)}" if len(modes) > 1
            else f"{served} has no other mode on record: leave mode out")
    raise TcoError(f"mode {mode!r} is not a mode of {served}, the model {offer_id} serves on {as_of}",
                   **locate(scenario, ("candidates", i, "mode")), hint=hint)


def _check_ids(scenario: Scenario, catalog: Catalog) -> None:
    """Every offer, model, GPU, engine and rental id the candidates name, looked up at once:
    all unknown ids are reported together, each located at its own line."""
    errors: list[TcoError] = []
    for i, cand in enumerate(scenario.candidates):
        kind = candidate_kind(cand)
        if kind == "selfhost-spec":
            hw = None
            for name in ("model", "gpu", "engine", "rental"):
                value = getattr(cand.selfhost, name)
                if value is None:
                    continue
                try:
                    if name == "model":
                        catalog.model(value)
                    else:
                        hw = hw or catalog.hardware
                        {"gpu": hw.accelerator, "engine": hw.engine, "rental": hw.rental}[name](value)
                except TcoError as e:
                    errors.append(relocate(e, scenario, ("candidates", i, "selfhost", name)))
            continue
        offer_id = cand if kind == "api-id" else cand.offer
        try:
            catalog.offer(offer_id)
        except Retired:  # shut down before any of its prices can be dated: a row that says so
            if catalog.retired_offer(offer_id) is None:
                raise
        except TcoError as e:
            errors.append(relocate(e, scenario, ("candidates", i) if kind == "api-id" else ("candidates", i, "offer")))
        if kind == "api-offer" and cand.mode is not None:
            try:
                catalog.model(cand.mode)
            except TcoError as e:
                errors.append(relocate(e, scenario, ("candidates", i, "mode")))
    if errors:
        raise TcoError.collect(errors)


def _none(v: float) -> float | None:
    return None if (v is None or (isinstance(v, float) and math.isnan(v))) else v


def _resolve_selfhost(scenario: Scenario, catalog: Catalog, cand: SelfhostCandidate, i: int,
                      as_of: date, fx: dict[str, FxUsed] | None = None) -> Resolved:
    """A ``selfhost:`` candidate resolved, its errors located in the scenario; the rate of its
    ``currency`` (the scenario's ``fx:`` first) joins ``fx`` and converts the amounts it gives."""
    from .selfhost import resolve_candidate  # self-hosting code is loaded only when a scenario has it

    loc: tuple[Any, ...] = ("candidates", i, "selfhost")
    spec = cand.selfhost
    hw = catalog.hardware
    # look up every named id first, so an unknown one points at its own field
    for name, lookup in (("model", catalog.model), ("gpu", hw.accelerator), ("engine", hw.engine),
                         ("rental", hw.rental)):
        value = getattr(spec, name)
        if value is not None:
            try:
                lookup(value)
            except TcoError as e:
                raise relocate(e, scenario, (*loc, name)) from None
    fx = {} if fx is None else fx
    cur = spec.currency
    _fx(scenario, catalog, cur, as_of, fx, (*loc, "currency"))
    try:
        rs = resolve_candidate(scenario, catalog, cand, as_of, per_usd=None if cur == "USD" else fx[cur].per_usd)
    except TcoError as e:
        sub = tuple(int(p) if p.isdigit() else p for p in e.field.split(".")) if e.field else ()
        e.field = None  # the scenario path below replaces the spec-relative one (keeps the error's class)
        raise relocate(e, scenario, (*loc, *sub)) from None
    r = Resolved(rs.label, rs.label, "selfhost", rs.model.id, "self-hosted")
    r.selfhost = rs
    r.warnings.extend(rs.warnings)
    return r
