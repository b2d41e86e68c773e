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
    GPU_COUNTS,
    CostInputs,
    Deployment,
    check_parallelism,
    memory_fit,
)
from ..errors import NotAvailable, TcoError, did_you_mean

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


def resolve(spec: SelfhostSpec, catalog: Any, *, input_tokens: float | None = None, output_tokens: float | None = None,
            as_of: date | None = None, base_dir: str | Path | None = None,
            rent_label: str = "scenario") -> ResolvedSelfhost:
    """Look up everything a ``selfhost:`` candidate names and build the engine's inputs.

    ``as_of`` (None: no date check, the latest rental prices): a model released after it
    raises :class:`NotAvailable`. ``rent_label`` names where ``rent_per_gpu_hour`` came
    from in the price line ("scenario", or "--rent-per-gpu-hour" on the command line)."""
    hw: Hardware = catalog.hardware
    assumptions: list[str] = []
    warnings: list[str] = []

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
    acc = hw.accelerator(spec.gpu)
    eng = hw.engine(spec.engine)
    gpu = accelerator_params(acc)
    alternatives = tuple(accelerator_params(a) for a in hw.accelerators.values() if a.id != acc.id)

    if acc.efficiency.compute is None or acc.efficiency.bandwidth is None:
        warnings.append(f"{acc.id} is not calibrated: the model assumes the {eng.id} efficiencies measured on H100 "
                        f"({acc.efficiency.note or 'no measurement on record'})")
    if spec.precision == "fp8" and acc.fp8_tflops is None:
        warnings.append(f"{acc.id} has no FP8 tensor cores (or none on record): FP8 weights are modelled as "
                        "weight-only, computing at the BF16 peak")
    if acc.link_gb_s is None:
        assumptions.append(f"{acc.id} interconnect bandwidth unknown: multi-GPU all-reduce modelled at PCIe Gen4 speed "
                           "(32 GB/s)")
    if acc.memory_usable_gb is None:
        assumptions.append(f"{acc.id} usable memory unknown: the label {acc.memory_gb:g} GB is used")

    d = hw.defaults
    utilization = spec.utilization if spec.utilization is not None else d.utilization.value
    if spec.utilization is None:
        assumptions.append(f"utilization {utilization:g}: replicas planned at {utilization:.0%} of their SLO "
                           "throughput at peak (defaults.yaml)")
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
        price = b.server_price if b.server_price is not None else (server.price_usd.mid if server else None)
        if price is None:
            raise TcoError(f"no server price on record for {acc.id}", field="buy.server_price",
                           hint="give buy.server_price (USD per node)")
        if b.server_price is None:
            assumptions.append(f"server price ${price:,.0f} per {spec.gpus_per_node}-GPU node: midpoint of "
                               f"{server.id}'s {server.price_usd.year} range (servers.yaml)")
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
        staff = b.staff_per_month
        if staff is None:
            staff = 0.0
            warnings.append("staff and operations cost not included (give buy.staff_per_month)")
        pue = b.pue if b.pue is not None else d.pue.value
        elec = b.electricity_per_kwh if b.electricity_per_kwh is not None else d.electricity_per_kwh.value
        host = b.hosting_per_kw_month if b.hosting_per_kw_month is not None else d.hosting_per_kw_month.value
        load = b.power_load_factor if b.power_load_factor is not None else d.power_load_factor.value
        for given, name, val, unit in ((b.pue, "PUE", pue, ""), (b.electricity_per_kwh, "electricity", elec, " $/kWh"),
                                       (b.hosting_per_kw_month, "hosting", host, " $/kW-month"),
                                       (b.power_load_factor, "power load factor", load, "")):
            if given is None:
                assumptions.append(f"{name} {val:g}{unit} (defaults.yaml)")
        cost = CostInputs(mode="buy", server_price=price, lifetime_years=lifetime, cost_of_capital=coc, power_kw=power,
                          power_load_factor=load, pue=pue, electricity_per_kwh=elec, hosting_per_kw_month=host,
                          staff_per_month=staff, utilization=utilization, throughput_factor=factor)
        price_source = (f"buy: ${price:,.0f} per node over {lifetime:g} y at {coc:.1%}, {power:g} kW x {load:g} x PUE {pue:g} "
                        f"x ${elec:g}/kWh, hosting ${host:g}/kW-month, staff ${staff:,.0f}/month")
    else:
        if spec.rent_per_gpu_hour is not None:
            rate = spec.rent_per_gpu_hour
            price_source = f"rent: ${rate:g} per GPU-hour ({rent_label})"
        else:
            if spec.rental is not None:
                rental = hw.rental(spec.rental)
                if rental.gpu != acc.id:
                    raise TcoError(f"rental {rental.id} offers {rental.gpu}, not {acc.id}", field="rental",
                                   hint=did_you_mean(acc.id, [r.id for r in hw.rentals_for(acc.id)])
                                   or f"offers for {acc.id}: " + ", ".join(r.id for r in hw.rentals_for(acc.id)))
            else:
                rental = hw.default_rental(acc.id)
            if rental is None:
                rate = None
                price_source = "no price: no rental offer on record for this GPU"
                warnings.append(f"no rental price on record for {acc.id}: costs are unknown "
                                "(give rent_per_gpu_hour, rental or buy)")
            else:
                p = hw.rental_price(rental.id, as_of)
                rate = p.usd_per_gpu_hour
                price_source = (f"rent: {rental.id} ${rate:g} per GPU-hour ({rental.kind}, effective "
                                f"{p.effective_from}, {p.provenance.status})")
                if spec.rental is None:
                    assumptions.append(f"priced at the default rental for {acc.id}: {rental.name}, ${rate:g}/GPU-h "
                                       f"from {p.effective_from}")
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
    dep = Deployment(model=shape, gpu=gpu, engine=engine_params(eng), precision=spec.precision,
                     kv_precision=spec.kv_precision, gpus=spec.gpus or spec.gpus_per_node,
                     gpus_per_node=spec.gpus_per_node, cost=cost, ttft_ms=ttft, tpot_ms=tpot,
                     default_targets=lat is None, alternatives=alternatives)
    if spec.gpus is None:
        isl = input_tokens if input_tokens is not None else DEFAULT_SHAPE[0]
        osl = output_tokens if output_tokens is not None else DEFAULT_SHAPE[1]
        if shape.context_window and isl + osl > shape.context_window:
            isl, osl = DEFAULT_SHAPE  # the request cannot be served at all (the plan says so): size a usual one
        dep = replace(dep, gpus=default_gpu_count(dep, float(isl), float(osl)))
        assumptions.append(f"{dep.gpus} GPU(s) per replica: the smallest count that fits with room for a batch")
    problem = check_parallelism(shape, dep.gpus, dep.gpus_per_node)
    if problem:
        raise TcoError(problem, field="gpus", hint="use a GPU count that divides the heads, e.g. "
                       + ", ".join(str(n) for n in (1, 2, 4, 8, 16) if check_parallelism(shape, n, dep.gpus_per_node) is None))
    if spec.quality_delta is None:
        qd, qnote = 0.0, ("FP8 quality taken as equal to BF16 (no quality_delta given)" if spec.precision == "fp8"
                          else f"{spec.precision} quality taken as the published BF16 scores (no quality_delta given)"
                          if spec.precision != "bf16" else "published scores")
    else:
        qd, qnote = spec.quality_delta, f"quality delta {spec.quality_delta:+g} points (scenario)"
    if spec.precision in ("int8", "int4") and spec.quality_delta is None:
        warnings.append(f"{spec.precision} weights usually lose some quality; give quality_delta to account for it")
    assumptions.append(f"engine profile {eng.id}: {eng.calibrated_on or eng.name}")
    return ResolvedSelfhost(deployment=dep, spec=spec, model=model, accelerator=acc, engine=eng,
                            price_source=price_source, rental=rental, server=server, assumptions=assumptions,
                            warnings=warnings, quality_delta=qd, quality_note=qnote)
