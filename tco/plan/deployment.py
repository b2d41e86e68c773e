"""A scenario's (or the command line's) ``selfhost:`` spec resolved against the catalog into
the engine's inputs.

``resolve(spec, catalog, *, input_tokens=None, output_tokens=None, as_of=None,
base_dir=None, rent_label="scenario") -> ResolvedSelfhost``: looks up the model (or reads
``model_file``), the accelerator, the engine profile, the price (rent, rental offer, buy or
the GPU's default rental) and the defaults, checks the parallel split, and returns a
:class:`tco.engine.selfhost.Deployment` plus the assumptions and warnings to show.
``ResolvedSelfhost.plan(...)`` runs :func:`tco.engine.selfhost.plan` on it.

Errors: :class:`tco.errors.NotAvailable` (``available_from`` = the model's release date)
when ``as_of`` is before the model was released; :class:`~tco.catalog.hardware.ModelFileError`
(located in the model file, never relocated to the scenario) when a ``model_file`` cannot
be read or is invalid; :class:`TcoError` otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..catalog.hardware import (
    Hardware,
    accelerator_params,
    engine_params,
    load_model_file,
    model_shape,
)
from ..engine.selfhost import (
    FIXED,
    GPU_COUNTS,
    PRECISION_BYTES,
    CostInputs,
    Deployment,
    Features,
    check_parallelism,
    memory_fit,
)
from ..engine.selfhost.layout import (
    NEAR_TIE,
    Layout,
    LayoutResult,
    candidate_layouts,
    evaluate_layouts,
    parse_layout,
)
from ..engine.selfhost.measurements import OWN_TIME_PROFILES
from ..errors import NotAvailable, TcoError, did_you_mean
from .engine_choice import choose_engine, runs_on, saw, twins_of, unseen_kind

if TYPE_CHECKING:  # pragma: no cover
    from ..engine.selfhost import SelfhostPlan
    from ..schema.catalog import Model
    from ..schema.hardware import Accelerator, EngineProfileSpec, RentalOffer, Server
    from ..schema.selfhost import SelfhostSpec


@dataclass
class ResolvedSelfhost:
    """A ``selfhost:`` candidate with everything looked up."""

    deployment: Deployment
    spec: SelfhostSpec
    model: Model
    accelerator: Accelerator
    engine: EngineProfileSpec
    price_source: str
    """Where the price comes from, for the report (e.g. 'rental lambda-h100-sxm, $2.99/GPU-h from 2024-09-01')."""
    rental: RentalOffer | None = None
    server: Server | None = None
    assumptions: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    quality_delta: float = 0.0
    quality_note: str = ""
    total_gpus: int = 8
    """Every GPU of the deployment (``total_gpus``, default one node)."""
    layouts: list[LayoutResult] = field(default_factory=list)
    """The layouts evaluated on ``total_gpus``, best first (the chosen one is ``deployment``'s)."""
    choices: dict[str, str] = field(default_factory=dict)
    """Why the engine profile and the weight precision are what they are (JSON ``choices``)."""
    unvalidated: list[str] = field(default_factory=list)
    """What no measurement backs, in a table cell's words ("uncalibrated GPU", "unfitted architecture"):
    the warnings say it in full."""
    unseen_kind: str | None = None
    """The kind of model (MLA or fine-grained mixture of experts) the engine profile was fitted on
    none of, if this model is one: its figures are unvalidated and its default spread doubled."""
    currency: str = "USD"
    """The currency of the amounts the spec gives (``spec.currency``); the engine's are USD."""
    per_usd: float = 1.0
    """Units of ``currency`` per USD: the rate the given amounts were converted to USD at."""
    given: dict[str, float] = field(default_factory=dict)
    """The spec's amounts as given, in ``currency``, by field name (``rent_per_gpu_hour``,
    ``server_price``, ``electricity_per_kwh``, ``hosting_per_kw_month``, ``staff_per_month``)."""

    def part_currency(self, part: str) -> str:
        """The currency a cost part (``rent``, ``capex``, ``energy``, ``hosting``, ``staff``) is priced
        in: the candidate's when its amount was given, else USD (a catalog figure or default)."""
        return self.currency if PART_FIELD.get(part) in self.given else "USD"

    @property
    def cost_currency(self) -> str | None:
        """The one currency every cost part that can be non-zero is priced in (USD, or the spec's when
        it gives them all), or None when they are mixed (a bought server priced in CNY, powered at the
        USD default electricity)."""
        c = self.deployment.cost
        parts = ["rent"] if c.mode == "rent" else ["capex", "energy", "hosting"] + (["staff"] if c.staff_per_month
                                                                                  else [])
        found = {self.part_currency(p) for p in parts}
        return found.pop() if len(found) == 1 else None

    @property
    def layout(self) -> Layout:
        d = self.deployment
        tp = d.tp or min(d.gpus, d.gpus_per_node)
        return Layout(tp, d.gpus // tp, d.ep)

    @property
    def label(self) -> str:
        d = self.deployment
        return self.spec.name or f"{d.model.id} {d.precision} on {d.gpus}x {d.gpu.id}"

    def plan(self, input_tokens: Any, output_tokens: Any, requests_per_month: Any, peak_to_average: Any = 1.0,
             seconds_per_month: float | None = None, gpus: Any = None) -> SelfhostPlan:
        """:func:`tco.engine.selfhost.plan` on this deployment, with the resolve warnings added."""
        from ..engine.selfhost import SECONDS_PER_MONTH, plan
        # SECONDS_PER_MONTH: 365/12 days, the month scenarios use by default

        out = plan(self.deployment, input_tokens, output_tokens, requests_per_month, peak_to_average,
                   SECONDS_PER_MONTH if seconds_per_month is None else seconds_per_month, gpus)
        out.warnings[:0] = self.warnings
        return out


PART_FIELD = {"rent": "rent_per_gpu_hour", "capex": "server_price", "energy": "electricity_per_kwh",
              "hosting": "hosting_per_kw_month", "staff": "staff_per_month"}
"""The given amount each self-hosted cost part is priced with."""

MOST_USD = {"rent_per_gpu_hour": (1000.0, "per GPU-hour"), "buy.server_price": (50e6, "per node"),
            "buy.electricity_per_kwh": (2.0, "per kWh"), "buy.hosting_per_kw_month": (5000.0, "per kW-month"),
            "buy.staff_per_month": (10e6, "a month")}
"""The largest amount a self-hosted candidate may give, in USD (a typo guard); an amount in another
currency is held to its USD value."""


def given_usd(value: float, path: str, currency: str, per_usd: float, flags: bool = False) -> float:
    """An amount of a ``selfhost:`` spec (``path``: its field) given in ``currency`` as USD, at ``per_usd``
    units per USD; a located :class:`TcoError` when it is more than :data:`MOST_USD` allows."""
    usd = float(value) if currency == "USD" else float(value) / per_usd
    most, unit = MOST_USD[path]
    if usd > most:
        amount = f"{value:,.10g} {currency}"
        if currency != "USD":
            amount += f" (= {usd:,.6g} USD at {per_usd:g} {currency} per USD)"
        where = "--currency" if flags else "currency:"
        raise TcoError(f"{amount} {unit} is more than USD {most:,.10g}, the most taken here", field=path,
                       hint=(f"the amounts of this candidate are read in {currency} ({where}); check the figure and "
                             "its currency") if currency != "USD" else
                       f"the amounts are read in USD unless the candidate gives another currency, e.g. {where} CNY")
    return usd


EXTRAPOLATION_FACTOR = 2.0
"""A plan whose batch exceeds this multiple of the profile's ``fitted_max_sequences`` is said to
extrapolate."""


def beyond_fitted_batch(eng: EngineProfileSpec, layouts: list[LayoutResult], gpu: str = "",
                        precision: str = "") -> tuple[float, int] | None:
    """(the planned batch per replica, the most the fit saw) when the chosen layout's batch is more than
    :data:`EXTRAPOLATION_FACTOR` times the concurrency the profile was fitted on (on this GPU at this
    precision where the profile says); else None."""
    chosen = next((r for r in layouts if r.feasible), None) or next((r for r in layouts if r.fits), None)
    most = eng.max_sequences_on(gpu, precision)
    if most and chosen is not None and chosen.batch > EXTRAPOLATION_FACTOR * most:
        return float(chosen.batch), most
    return None


def default_gpu_count(dep: Deployment, isl: float, osl: float) -> int:
    """Smallest GPU count of 1, 2, 4, 8, 16, ... that splits cleanly and fits with room for
    a batch (not near the memory limit); else the smallest that fits; else one node."""
    counts = [n for n in GPU_COUNTS if check_parallelism(dep.model, n, dep.gpus_per_node) is None]
    if not counts:
        return dep.gpus_per_node
    mf = memory_fit(dep, np.array(counts, dtype=float), isl, osl)
    roomy = mf.fits & ~mf.near_memory_limit
    if roomy.any():
        return counts[int(np.argmax(roomy))]
    if mf.fits.any():
        return counts[int(np.argmax(mf.fits))]
    return dep.gpus_per_node


DEFAULT_SHAPE = (1000, 1000)
"""(input, output) tokens used to pick a default GPU count when the caller gives none."""


def _as_published(model: Any) -> str:
    """The precision ``model``'s maker published its weights in (bf16 where not on record)."""
    ck = getattr(model, "checkpoint", None)
    return ck.precision if ck is not None else "bf16"


def published_precision(spec: SelfhostSpec, catalog: Any) -> str:
    """The weight precision of ``spec``: as given, else as the catalog model's checkpoint is
    published, else bf16."""
    if spec.precision is not None:
        return spec.precision
    return _as_published(catalog.models.get(spec.model) if spec.model else None)


def checkpoint_bytes(model: Any) -> tuple[str, float, float] | None:
    """(precision, bytes per weight, bytes per weight outside the routed experts) of the model's
    published checkpoint where it differs from the plain precision's figure (else None)."""
    ck = getattr(model, "checkpoint", None)
    if ck is None or (ck.bits_per_weight is None and ck.dense_precision is None):
        return None
    wb = ck.bits_per_weight / 8 if ck.bits_per_weight is not None else PRECISION_BYTES[ck.precision]
    return ck.precision, wb, PRECISION_BYTES[ck.dense_precision] if ck.dense_precision is not None else wb


def resolve(spec: SelfhostSpec, catalog: Any, *, input_tokens: float | None = None, output_tokens: float | None = None,
            as_of: date | None = None, base_dir: str | Path | None = None,
            rent_label: str = "scenario", input_shape: Any = None, output_shape: Any = None,
            cached_input_share: float = 0.0, per_usd: float | None = None) -> ResolvedSelfhost:
    """Look up everything a ``selfhost:`` candidate names and build the engine's inputs.

    ``as_of`` (None: no date check, the latest rental prices): a model released after it
    raises :class:`NotAvailable`. ``rent_label`` names where ``rent_per_gpu_hour`` came
    from in the price line ("scenario", or "--rent-per-gpu-hour" on the command line).
    ``input_shape``/``output_shape`` are the length mixes (default: fixed lengths);
    ``cached_input_share`` is the prefix-cache hit share of input tokens (they skip prefill).
    The replica layout is ``spec.layout`` on ``spec.total_gpus`` (default one node): ``auto``
    picks the best of every valid split (:mod:`tco.engine.selfhost.layout`).

    The amounts the spec gives (rent, and buy's price, electricity, hosting and staff) are in
    ``spec.currency``; ``per_usd`` (units of it per USD; None: the catalog's rate on ``as_of``)
    converts them to the engine's USD. Catalog figures and defaults are USD."""
    hw: Hardware = catalog.hardware
    assumptions: list[str] = []
    warnings: list[str] = []
    unvalidated: list[str] = []
    flags = rent_label.startswith("--")
    currency = spec.currency
    if currency == "USD":
        per_usd = 1.0
    elif per_usd is None:
        try:
            fx_rate = catalog.fx_at(currency, as_of or date.today())
        except TcoError as e:
            raise TcoError(e.message, field="currency", hint=e.hint) from None
        per_usd = float(fx_rate.per_usd)
    amounts: dict[str, float] = {}

    def usd(value: float, path: str) -> float:
        amounts[path.removeprefix("buy.")] = float(value)
        return given_usd(value, path, currency, per_usd, flags)

    def amount(name: str, value: float, spec_: str) -> str:
        """An amount for the price line: as given in the spec's currency, else in USD."""
        return f"{currency} {amounts[name]:{spec_}}" if name in amounts and currency != "USD" else f"${value:{spec_}}"

    if spec.model_file is not None:
        model = load_model_file(spec.model_file, base_dir)
    else:
        model = catalog.model(spec.model)
    if not model.open_weights:
        raise TcoError(f"model {model.id!r} is not open weights: it cannot be self-hosted" if model.open_weights is False
                       else f"model {model.id!r} is not known to be open weights (no architecture on record): it "
                       "cannot be self-hosted",
                       hint="pick an open model, or describe your own in a model_file")
    if as_of is not None and model.released is not None and as_of < model.released:
        raise NotAvailable(f"{model.id} was released {model.released}", available_from=model.released,
                           hint=f"it could not be self-hosted on {as_of}; use an as_of date on or after "
                                f"{model.released}")
    if spec.model_file is not None and model.provenance.status == "unverified":
        assumptions.append(f"model {model.id} from {model.provenance.source} (unverified)")
    shape = model_shape(model)
    defaulted = spec.precision is None
    precision_why = "given" if not defaulted else ("as published" if model.checkpoint is not None
                                                   else "not on record: bf16")
    if spec.precision is None:  # as the maker published the weights
        ck = model.checkpoint
        spec = spec.model_copy(update={"precision": _as_published(model)})
        assumptions.append(f"weights in {spec.precision}, as {model.id}'s checkpoint is published ({ck.format}; "
                           f"{ck.source})" if ck is not None else
                           f"weights in bf16: the precision of {model.id}'s published checkpoint is not on record")
    published = model.checkpoint is not None and model.checkpoint.precision == spec.precision
    acc = hw.accelerator(spec.gpu)
    twins = twins_of(hw, catalog, model, shape)
    eng, notes, warns, engine_why = choose_engine(hw, spec.engine, model.id, acc, "--engine" if rent_label.startswith("--")
                                                  else "engine:", twins=twins)
    assumptions += notes
    warnings += warns
    kind = unseen_kind(hw, catalog, eng, shape)
    if kind:
        others = sorted(e.id for e in hw.engines.values() if e.id != eng.id and runs_on(e, acc)
                        and saw(e, model.id, twins))
        unvalidated.append("unfitted architecture")
        warnings.append(f"{eng.id} was fitted on no {kind} model: its figures for {model.id} are not validated "
                        "(on such runs the profiles of other architectures were 1.5-3x optimistic: "
                        "docs/selfhost-model.md, section 9; the default spread under --samples is doubled)"
                        + (f"; fitted on this model or its architecture: {', '.join(others)}" if others else ""))
    gpu = accelerator_params(acc)
    alternatives = tuple(accelerator_params(a) for a in hw.accelerators.values() if a.id != acc.id)

    if (acc.efficiency.compute is None or acc.efficiency.bandwidth is None) and acc.id not in eng.fitted_gpus:
        where = ", ".join(eng.fitted_gpus) if eng.fitted_gpus else "H100"
        unvalidated.append("uncalibrated GPU")
        warnings.append(f"{acc.id} is not calibrated: the model assumes the {eng.id} efficiencies measured on {where} "
                        f"({acc.efficiency.note or 'no measurement on record'})")
    if spec.precision == "fp8" and acc.fp8_tflops is None:
        warnings.append(f"{acc.id} has no FP8 tensor cores (or none on record): FP8 weights are modelled as "
                        "weight-only, computing at the BF16 peak")
    if spec.precision == "fp4" and acc.fp4_tflops is None:
        warnings.append(f"{acc.id} has no FP4 tensor cores (or none on record): FP4 weights are modelled as "
                        + ("W4A8, computing at the FP8 peak" if acc.fp8_tflops else "weight-only, at the BF16 peak"))
    if acc.link_gb_s is None:
        assumptions.append(f"{acc.id} interconnect bandwidth unknown: multi-GPU all-reduce modelled at PCIe Gen4 speed "
                           "(32 GB/s)")
    if acc.memory_usable_gb is None:
        assumptions.append(f"{acc.id} usable memory unknown: the label {acc.memory_gb:g} GB is used")

    d = hw.defaults
    utilization = spec.utilization if spec.utilization is not None else d.utilization.value
    assumptions.append(f"utilization {utilization:g}: replicas planned at {utilization:.0%} of their SLO "
                       "throughput at peak " + ("(defaults.yaml)" if spec.utilization is None
                                                else "(utilization in the scenario)"))
    factor = float(spec.throughput_factor)
    if factor != 1.0:
        assumptions.append(f"throughput x{factor:g} of the modelled one (throughput_factor in the scenario)")

    rental = server = None
    if spec.buy is not None:
        b = spec.buy
        if b.server is not None:
            server = hw.server(b.server)
            if server.gpu != acc.id:
                raise TcoError(f"server {server.id} holds {server.gpu}, not {acc.id}", field="buy.server",
                               hint=f"use a server with {acc.id} or drop buy.server")
        else:
            server = hw.server_for(acc.id)
        price = usd(b.server_price, "buy.server_price") if b.server_price is not None else (
            server.price_usd.mid if server else None)
        if price is None:
            raise TcoError(f"no server price on record for {acc.id}", field="buy.server_price",
                           hint=f"give buy.server_price (per node, in {currency})")
        if b.server_price is None:
            pr = server.price_usd
            what = (f"midpoint of {server.id}'s {pr.year} range" if pr.low is not None and pr.high is not None
                    else f"{server.id}'s {pr.year} price, one quote (no range on record)")
            assumptions.append(f"server price ${price:,.0f} per {spec.gpus_per_node}-GPU node: {what} (servers.yaml)")
        lifetime = b.lifetime_years if b.lifetime_years is not None else (server.lifetime_years.default if server else None)
        if lifetime is None:
            raise TcoError("no lifetime on record for this server", field="buy.lifetime_years", hint="give buy.lifetime_years")
        if b.lifetime_years is None:
            assumptions.append(f"lifetime {lifetime:g} years (servers.yaml; usual range 3-5)")
        power = b.power_kw if b.power_kw is not None else (server.power_kw if server else None)
        if power is None:
            if acc.tdp_w is None:
                raise TcoError(f"power of a {acc.id} node is unknown", field="buy.power_kw", hint="give buy.power_kw")
            power = acc.tdp_w * spec.gpus_per_node / 1000 * 1.45
            assumptions.append(f"node power {power:.1f} kW estimated as {spec.gpus_per_node} x {acc.tdp_w:g} W TDP x 1.45 "
                               "(the DGX H100 ratio 10.2 kW / 5.6 kW of GPUs)")
        elif b.power_kw is None:
            assumptions.append(f"node power {power:g} kW maximum (servers.yaml)")
        coc = b.cost_of_capital
        if coc is None:
            coc = 0.0
            warnings.append("cost of capital not given: capex spread over the lifetime without interest "
                            "(give buy.cost_of_capital, e.g. 0.08)")
        staff = usd(b.staff_per_month, "buy.staff_per_month") if b.staff_per_month is not None else None
        if staff is None:
            staff = 0.0
            warnings.append("staff and operations cost not included (give buy.staff_per_month)")
        pue = b.pue if b.pue is not None else d.pue.value
        elec = usd(b.electricity_per_kwh, "buy.electricity_per_kwh") if b.electricity_per_kwh is not None \
            else d.electricity_per_kwh.value
        host = usd(b.hosting_per_kw_month, "buy.hosting_per_kw_month") if b.hosting_per_kw_month is not None \
            else d.hosting_per_kw_month.value
        load = b.power_load_factor if b.power_load_factor is not None else d.power_load_factor.value
        for given, name, val, unit in ((b.pue, "PUE", pue, ""), (b.electricity_per_kwh, "electricity", elec, " $/kWh"),
                                       (b.hosting_per_kw_month, "hosting", host, " $/kW-month"),
                                       (b.power_load_factor, "power load factor", load, "")):
            if given is None:
                assumptions.append(f"{name} {val:g}{unit} (defaults.yaml)")
        cost = CostInputs(mode="buy", server_price=price, lifetime_years=lifetime, cost_of_capital=coc, power_kw=power,
                          power_load_factor=load, pue=pue, electricity_per_kwh=elec, hosting_per_kw_month=host,
                          staff_per_month=staff, utilization=utilization, throughput_factor=factor)
        price_source = (f"buy: {amount('server_price', price, ',.0f')} per node over {lifetime:g} y at {coc:.1%}, "
                        f"{power:g} kW x {load:g} x PUE {pue:g} x {amount('electricity_per_kwh', elec, 'g')}/kWh, "
                        f"hosting {amount('hosting_per_kw_month', host, 'g')}/kW-month, "
                        f"staff {amount('staff_per_month', staff, ',.0f')}/month")
    else:
        where = ""
        if spec.rent_per_gpu_hour is not None:
            rate = usd(spec.rent_per_gpu_hour, "rent_per_gpu_hour")
            price_source = f"rent: {amount('rent_per_gpu_hour', rate, 'g')} per GPU-hour ({rent_label})"
        else:
            if spec.rental is not None:
                rental = hw.rental(spec.rental)
                if rental.gpu != acc.id:
                    raise TcoError(f"rental {rental.id} offers {rental.gpu}, not {acc.id}", field="rental",
                                   hint=did_you_mean(acc.id, [r.id for r in hw.rentals_for(acc.id)])
                                   or f"offers for {acc.id}: " + ", ".join(r.id for r in hw.rentals_for(acc.id)))
            else:
                rental = hw.default_rental(acc.id, as_of)
                if rental is not None and as_of is not None and rental.prices[0].effective_from > as_of:
                    # the default offer was not priced yet on that date: costs unknown, as with no offer
                    where = f" on {as_of} ({rental.id}'s first price is from {rental.prices[0].effective_from})"
                    rental = None
            if rental is None:
                rate = None
                price_source = "no price: no rental offer on record for this GPU" + where
                warnings.append(f"no rental price on record for {acc.id}{where}: costs are unknown "
                                + ("(give --rent-per-gpu-hour, --rental or --buy)" if rent_label.startswith("--")
                                   else "(give rent_per_gpu_hour, rental or buy)"))
            else:
                p = hw.rental_price(rental.id, as_of)
                rate = p.usd_per_gpu_hour
                price_source = (f"rent: {rental.id} ${rate:g} per GPU-hour ({rental.kind}, effective "
                                f"{p.effective_from}, {p.provenance.status})")
                if spec.rental is None:
                    assumptions.append(f"priced at the default rental for {acc.id}: {rental.name}, ${rate:g}/GPU-h "
                                       f"from {p.effective_from}")
                if as_of is not None and (as_of - p.effective_from).days > 365:
                    years = (as_of - p.effective_from).days / 365.25
                    warnings.append(f"the rent of {rental.id}, ${rate:g}/GPU-h, is the last on record, from "
                                    f"{p.effective_from}: {years:.1f} years before {as_of}, and GPU rents have mostly "
                                    "fallen since; " + ("give --rent-per-gpu-hour or a newer --rental"
                                                        if rent_label.startswith("--") else
                                                        "give rent_per_gpu_hour or a newer rental") +
                                    f" (tco catalog list --kind rental lists {acc.id}'s)")
        cost = CostInputs(mode="rent", rent_per_gpu_hour=rate, utilization=utilization, throughput_factor=factor,
                          gpus_per_instance=rental.gpus_per_instance if rental is not None else 1)
        assumptions.append("rented capacity is provisioned for the peak, all month")

    lat = spec.latency
    ttft, tpot = (lat.ttft_ms, lat.tpot_ms) if lat is not None else (None, None)
    if lat is None:  # no targets given: size for interactive use, not at a throughput nobody can use
        ttft, tpot = d.ttft_ms.value, d.tpot_ms.value
        warnings.append(f"no latency targets given: sized to meet the default targets TTFT <= {ttft:g} ms and "
                        f"TPOT <= {tpot:g} ms (MLPerf Inference's server constraints; "
                        + ("give --ttft-ms and --tpot-ms, or --no-latency-targets for none)" if rent_label.startswith("--")
                           else "give latency: {ttft_ms: ..., tpot_ms: ...}, or latency: {} for none)"))
    sd = spec.speculative
    features = Features(prefix_cache_hit=float(cached_input_share or 0.0),
                        spec_tokens=sd.draft_tokens if sd else 0, spec_acceptance=sd.acceptance if sd else 0.0,
                        spec_draft_cost=sd.draft_cost if sd else 0.0, chunked_prefill=spec.chunked_prefill)
    dep = Deployment(model=shape, gpu=gpu, engine=engine_params(eng), precision=spec.precision,
                     kv_precision=spec.kv_precision, gpus=spec.gpus or spec.gpus_per_node,
                     gpus_per_node=spec.gpus_per_node, cost=cost, ttft_ms=ttft, tpot_ms=tpot,
                     default_targets=lat is None, alternatives=alternatives, features=features,
                     input_shape=input_shape or FIXED, output_shape=output_shape or FIXED,
                     slo_percentile=float(spec.slo_percentile), checkpoint=checkpoint_bytes(model))
    isl = input_tokens if input_tokens is not None else DEFAULT_SHAPE[0]
    osl = output_tokens if output_tokens is not None else DEFAULT_SHAPE[1]
    if shape.context_window and isl + osl > shape.context_window:
        isl, osl = DEFAULT_SHAPE  # the request cannot be served at all (the plan says so): size a usual one
    total = spec.total_gpus or spec.gpus_per_node
    dep, layouts, total = _choose_layout(spec, dep, total, float(isl), float(osl), assumptions, warnings)
    far = beyond_fitted_batch(eng, layouts, dep.gpu.id, dep.precision)
    if far is not None:
        on = f" on {dep.gpu.id} at {dep.precision}" if eng.fitted_max_sequences_on else ""
        warnings.append(f"{eng.id} was fitted on runs of at most {far[1]} concurrent requests per "
                        f"replica{on} and this plan runs {far[0]:,.0f} at once: its throughput there is an "
                        "extrapolation of the fit, not a measured figure (docs/selfhost-model.md, section 9; the "
                        "default spread under --samples is doubled)")
    if rental is not None and min(dep.gpus, spec.gpus_per_node) > rental.gpus_per_instance:  # one node's links
        nodes = [r.id for r in hw.rentals_for(acc.id) if r.gpus_per_instance >= dep.gpus]
        warnings.append(f"{rental.id} rents {rental.gpus_per_instance} GPU(s) per instance, and a replica here spans "
                        f"{dep.gpus} GPUs linked in one node: its per-GPU price is used as if such a node cost the "
                        "same" + (f" (node offers on record: {', '.join(nodes)})" if nodes else
                                  " (no node offer on record for this GPU)"))
    smaller = [p for p in (model.checkpoint.also_published if model.checkpoint is not None else ())
               if PRECISION_BYTES[p] < PRECISION_BYTES[spec.precision]]
    if defaulted and smaller:
        flag = "--precision" if rent_label.startswith("--") else "precision:"
        text = (f"{model.id}'s maker also publishes it in {' and '.join(smaller)} ({flag} {smaller[0]}: "
                f"{PRECISION_BYTES[smaller[0]] / PRECISION_BYTES[spec.precision]:.0%} of the weights' memory)")
        (warnings if total > spec.gpus_per_node else assumptions).append(
            text + (f"; at {spec.precision} it needs {total} GPUs" if total > spec.gpus_per_node else ""))
    if spec.slo_percentile != 50:
        assumptions.append(f"latency targets on the {spec.slo_percentile}th percentile: TTFT from an M/G/1 prefill "
                           "queue, TPOT from the spread of iteration times (docs: Percentile latency)")
    if spec.quality_delta is None and published:
        qd, qnote = 0.0, f"published scores (of the {spec.precision} checkpoint as released)"
    elif spec.quality_delta is None:
        pub = (model.checkpoint.precision if model.checkpoint is not None else "bf16").upper()
        qd, qnote = 0.0, (f"{spec.precision.upper()} quality taken as equal to the published {pub} checkpoint's (no "
                          "quality_delta given)" if spec.precision != "bf16" or pub != "BF16" else "published scores")
    else:
        qd, qnote = spec.quality_delta, f"quality delta {spec.quality_delta:+g} points (scenario)"
    if spec.precision in ("int8", "int4") and spec.quality_delta is None and not published:
        warnings.append(f"{spec.precision} weights usually lose some quality; give quality_delta to account for it")
    assumptions.append(f"engine profile {eng.id}: {eng.calibrated_on or eng.name}")
    if eng.mla_moe_step_overhead_ms and shape.is_moe and shape.is_mla:
        newer = sorted(e.id for e in hw.engines.values() if e.id in OWN_TIME_PROFILES and runs_on(e, acc)
                       and not e.mla_moe_step_overhead_ms and saw(e, model.id, twins))
        assumptions.append(f"{eng.id} adds {eng.mla_moe_step_overhead_ms:.1f} ms to every iteration of a DeepSeek-architecture "
                           "model (MLA with fine-grained experts), as its early-2025 DeepSeek-R1 runs took"
                           + (f"; engines of 2025-12 and later fitted on this architecture: {', '.join(newer)}" if newer else ""))
    if eng.ttft_overhead_ms:
        assumptions.append(f"TTFT includes {eng.ttft_overhead_ms:.0f} ms outside the GPUs ({eng.id}'s fixed delay before the "
                           "first token: API server, tokenizer, scheduling; fitted): no GPU count removes it")
    return ResolvedSelfhost(deployment=dep, spec=spec, model=model, accelerator=acc, engine=eng,
                            price_source=price_source, rental=rental, server=server, assumptions=assumptions,
                            warnings=warnings, quality_delta=qd, quality_note=qnote, total_gpus=total,
                            layouts=layouts, choices={"engine": engine_why, "precision": precision_why},
                            unseen_kind=kind, unvalidated=unvalidated, currency=currency, per_usd=per_usd,
                            given=amounts)


def _layout_hint(dep: Deployment, total: int, isl: float, osl: float) -> str:
    """The layouts of ``total`` GPUs that divide the model and hold it in memory, fewest stages, then GPUs, first."""
    valid = candidate_layouts(dep.model, total, dep.gpus_per_node, intra_node_pipeline=True)
    valid = sorted((r.layout for r in evaluate_layouts(dep, valid, total, isl, osl) if r.fits),
                   key=lambda lay: (lay.pp, lay.gpus, lay.ep, lay.tp))
    return ("layouts that fit on " + f"{total} GPUs: " + ", ".join(lay.label for lay in valid[:8])) if valid \
        else f"no layout of {dep.model.id} fits {total} GPUs: raise total_gpus"


MAX_DEFAULT_NODES = 8
"""Without total_gpus, a model no layout of one node holds is given the fewest whole nodes, up to this many."""


def _choose_layout(spec: SelfhostSpec, dep: Deployment, total: int, isl: float, osl: float,
                   assumptions: list[str], warnings: list[str]) -> tuple[Deployment, list[LayoutResult], int]:
    """The replica layout: fixed (``layout: tpXppY``), the default split of ``gpus``, or the
    best of every valid split of ``total`` GPUs (``auto``); the layouts evaluated; and the GPUs
    of the deployment (without ``total_gpus``: one node, or the fewest whole nodes a replica
    fits on)."""
    tt = dep.ttft_ms / 1e3 if dep.ttft_ms else np.inf
    tq = dep.tpot_ms / 1e3 if dep.tpot_ms else np.inf
    rate = dep.cost.rent_per_gpu_hour if dep.cost.mode == "rent" else None
    kw = dict(rent_per_gpu_hour=rate, gpus_per_instance=dep.cost.gpus_per_instance, utilization=dep.cost.utilization)
    if spec.layout != "auto":
        lay = parse_layout(spec.layout)
        if spec.gpus is not None and spec.gpus != lay.gpus:
            raise TcoError(f"layout {spec.layout} has {lay.gpus} GPUs per replica but gpus is {spec.gpus}",
                           field="layout", hint="give one of layout or gpus")
        if lay.gpus > total:
            raise TcoError(f"layout {spec.layout} needs {lay.gpus} GPUs per replica, more than the {total} GPUs of "
                           "the deployment", field="layout",
                           hint=f"give total_gpus (--total-gpus) {lay.gpus} or more, or a layout of at most {total} GPUs")
        problem = check_parallelism(dep.model, lay.gpus, dep.gpus_per_node, tp=lay.tp, ep=lay.ep)
        if problem:
            raise TcoError(f"layout {spec.layout}: {problem}", field="layout",
                           hint=_layout_hint(dep, total, isl, osl))
        dep = replace(dep, gpus=lay.gpus, tp=lay.tp, ep=lay.ep)
        return dep, evaluate_layouts(dep, [lay], total, isl, osl, tt, tq, **kw), total
    if spec.gpus is not None:
        if spec.total_gpus is not None and spec.gpus > spec.total_gpus:
            raise TcoError(f"{spec.gpus} GPUs per replica are more than the {spec.total_gpus} GPUs of the deployment",
                           field="total_gpus", hint=f"give total_gpus (--total-gpus) {spec.gpus} or more, or fewer GPUs per replica")
        problem = check_parallelism(dep.model, dep.gpus, dep.gpus_per_node)
        if problem:
            ok = [str(n) for n in (1, 2, 4, 8, 16, 32) if check_parallelism(dep.model, n, dep.gpus_per_node) is None]
            raise TcoError(problem, field="gpus", hint=(f"GPU counts that split this way: {', '.join(ok)}; " if ok else "")
                           + "or give total_gpus (--total-gpus) with layout auto, which also tries tensor parallelism "
                           "across nodes")
        tp = min(dep.gpus, dep.gpus_per_node)
        lay = Layout(tp, dep.gpus // tp)
        return dep, evaluate_layouts(dep, [lay], max(total, dep.gpus), isl, osl, tt, tq, **kw), max(total, dep.gpus)
    from ..engine.selfhost.layout import search

    def best_of(results: list[LayoutResult]) -> LayoutResult | None:
        return next((r for r in results if r.feasible), None) or next((r for r in results if r.fits), None)

    results = search(dep, total, isl, osl, tt, tq, **kw)
    best = best_of(results)
    if best is None and spec.total_gpus is None:  # one node holds no replica: the fewest whole nodes that do
        node = dep.gpus_per_node
        first_fit = None  # the fewest nodes a replica fits on, used when none meets the targets
        for nodes in range(2, MAX_DEFAULT_NODES + 1):
            more = search(dep, nodes * node, isl, osl, tt, tq, **kw)
            if any(r.feasible for r in more):  # fits and meets the latency targets
                first_fit = (nodes, more)
                break
            if first_fit is None and any(r.fits for r in more):
                first_fit = (nodes, more)
        if first_fit is not None:
            nodes, more = first_fit
            met = any(r.feasible for r in more)
            assumptions.append(f"no layout of one {node}-GPU node holds a replica: the deployment is {nodes * node} "
                               f"GPUs ({nodes} nodes), the fewest whole nodes that do"
                               + ("" if met else " (none up to "
                                  f"{MAX_DEFAULT_NODES} nodes meets the latency targets)")
                               + " (give total_gpus, --total-gpus, to choose)")
            total, results, best = nodes * node, more, best_of(more)
    if best is None:  # nothing fits the deployment: size the smallest count that fits, to say what would
        dep = replace(dep, gpus=default_gpu_count(dep, isl, osl))
        assumptions.append(f"{dep.gpus} GPU(s) per replica: no layout of the {total} GPUs fits")
        if spec.total_gpus is not None and dep.gpus > total:
            warnings.append(f"no layout of {dep.model.id} fits the {total} GPUs of total_gpus: the figures are for one "
                            f"replica of {dep.gpus} GPUs; give total_gpus (--total-gpus) {dep.gpus} or more")
        return dep, results, max(total, dep.gpus)
    lay = best.layout
    dep = replace(dep, gpus=lay.gpus, tp=lay.tp, ep=lay.ep)
    # the split is chosen on all ``total`` GPUs; how many replicas the load needs is sized later
    assumptions.append(f"layout {lay.label} ({lay.gpus} GPU(s) per replica): the best of {len(results)} splits of "
                       f"{total} GPUs, which hold {best.replicas} such replica(s) " + (
                           "(lowest cost per token within the targets" if kw["rent_per_gpu_hour"]
                           else "(most tokens/s within the targets") + f"; within {NEAR_TIE:.0%} of the best, the simpler "
                       "replica: fewer GPUs, which serve a low load with less, then fewer pipeline stages, then no "
                       "expert parallelism); the replicas in use follow the load")
    return dep, results, total
