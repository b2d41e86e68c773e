"""Load ``pricing/hardware/`` and resolve a scenario's ``selfhost:`` candidate into engine
inputs.

``load_hardware(dir) -> Hardware``: validated accelerators, servers, rental offers, engine
profiles and defaults, with lookups that raise :class:`TcoError` with suggestions.

``resolve(spec, catalog, *, input_tokens=None, output_tokens=None, as_of=None,
base_dir=None, rent_label="scenario") -> ResolvedSelfhost``: looks up the model (or reads
``model_file``), the accelerator, the engine profile, the price (rent, rental offer, buy or
the GPU's default rental) and the defaults, checks the parallel split, and returns a
:class:`tco.engine.selfhost.Deployment` plus the assumptions and warnings to show.
``ResolvedSelfhost.plan(...)`` runs :func:`tco.engine.selfhost.plan` on it.

Errors: :class:`tco.errors.NotAvailable` (``available_from`` = the model's release date)
when ``as_of`` is before the model was released; :class:`ModelFileError` (located in the
model file, never relocated to the scenario) when a ``model_file`` cannot be read or is
invalid; :class:`TcoError` otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import yamlio
from ..errors import NotAvailable, TcoError, did_you_mean, lookup
from ..schema.hardware import (
    Accelerator,
    AcceleratorsFile,
    DefaultsFile,
    EngineProfileSpec,
    EnginesFile,
    RentalOffer,
    RentalPrice,
    RentalsFile,
    Server,
    ServersFile,
)

if TYPE_CHECKING:  # pragma: no cover
    from ..engine.selfhost import Deployment, SelfhostPlan
    from ..schema.catalog import Model
    from ..schema.selfhost import SelfhostSpec

class ModelFileError(TcoError):
    """An unreadable or invalid ``model_file``: located in that file (its own line and
    column), so callers that locate errors in the scenario leave it as it is. The field
    path inside the model file is part of the message (``field`` stays empty)."""

    def located(self, file: str | None = None, line: int | None = None, col: int | None = None,
                field: str | None = None) -> TcoError:
        return self


ARCHITECTURE_FIELDS = "layers, hidden_size, heads, kv_heads, head_dim, ffn_size, vocab_size"

FILES = ("accelerators.yaml", "servers.yaml", "rentals.yaml", "engines.yaml", "defaults.yaml")


@dataclass
class Hardware:
    """The validated hardware catalog."""

    root: Path
    accelerators: dict[str, Accelerator]
    servers: dict[str, Server]
    rentals: dict[str, RentalOffer]
    engines: dict[str, EngineProfileSpec]
    defaults: DefaultsFile

    def accelerator(self, gpu_id: str) -> Accelerator:
        return lookup(self.accelerators, gpu_id, "GPU")  # type: ignore[return-value]

    def server(self, server_id: str) -> Server:
        return lookup(self.servers, server_id, "server")  # type: ignore[return-value]

    def server_for(self, gpu_id: str) -> Server | None:
        """The server of this GPU (None when the catalog has none)."""
        for s in self.servers.values():
            if s.gpu == gpu_id:
                return s
        return None

    def rental(self, rental_id: str) -> RentalOffer:
        return lookup(self.rentals, rental_id, "rental offer")  # type: ignore[return-value]

    def rentals_for(self, gpu_id: str) -> list[RentalOffer]:
        return [r for r in self.rentals.values() if r.gpu == gpu_id]

    def default_rental(self, gpu_id: str) -> RentalOffer | None:
        for r in self.rentals.values():
            if r.gpu == gpu_id and r.default:
                return r
        return None

    def rental_price(self, rental_id: str, as_of: date | None = None) -> RentalPrice:
        """The price of an offer in force on ``as_of`` (default: the latest)."""
        offer = self.rental(rental_id)
        if as_of is None:
            return offer.prices[-1]
        current = None
        for p in offer.prices:
            if p.effective_from <= as_of:
                current = p
        if current is None:
            first = offer.prices[0].effective_from
            raise TcoError(f"no price on record for rental {rental_id} on {as_of}: the earliest is effective {first}",
                           hint=f"use an as_of date on or after {first}")
        return current

    def list_rows(self, as_of: date | None = None) -> list[dict[str, Any]]:
        """One row per accelerator for ``tco catalog list --kind gpu``: figures (None =
        unknown), the default rental and its price in force on ``as_of`` (default: the
        latest; None before its first price), the rental offers and the server on record."""
        rows = []
        for a in self.accelerators.values():
            rent = self.default_rental(a.id)
            price = None
            if rent is not None:
                try:
                    price = self.rental_price(rent.id, as_of)
                except TcoError:
                    price = None
            srv = self.server_for(a.id)
            rows.append({
                "id": a.id, "name": a.name, "memory_gb": a.memory_gb, "memory_usable_gb": a.memory_usable_gb,
                "hbm_tb_s": a.hbm_tb_s, "bf16_tflops": a.bf16_tflops, "fp8_tflops": a.fp8_tflops, "tdp_w": a.tdp_w,
                "link_gb_s": a.link_gb_s, "default_rental": rent.id if rent else None,
                "usd_per_gpu_hour": price.usd_per_gpu_hour if price else None,
                "rent_effective_from": price.effective_from.isoformat() if price else None,
                "rentals": len(self.rentals_for(a.id)), "server": srv.id if srv else None,
                "calibration": a.efficiency.status, "status": a.provenance.status,
            })
        return rows

    def engine(self, engine_id: str) -> EngineProfileSpec:
        return lookup(self.engines, engine_id, "serving engine")  # type: ignore[return-value]


def _load(path: Path, schema: type) -> tuple[Any, yamlio.Document]:
    from ..schema.validate import validate

    doc = yamlio.load(path)
    doc.path = str(Path("pricing") / "hardware" / path.name) if path.parent.name == "hardware" else str(path)
    return validate(doc, schema), doc


def _unique(items: Any, doc: yamlio.Document, key: str, what: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for i, item in enumerate(items):
        if item.id in out:
            line, col = doc.locate((key, i, "id"))
            raise TcoError(f"duplicate {what} id {item.id!r}", file=doc.path, line=line, col=col)
        out[item.id] = item
    return out


def load_hardware(root: Path) -> Hardware:
    """Read and cross-check ``accelerators.yaml``, ``servers.yaml``, ``rentals.yaml``,
    ``engines.yaml`` and ``defaults.yaml`` below ``root``."""
    root = Path(root)
    if not root.is_dir():
        raise TcoError("hardware catalog directory not found", file=str(root),
                       hint="the catalog needs a hardware/ folder for self-hosting")
    acc_f, acc_doc = _load(root / "accelerators.yaml", AcceleratorsFile)
    accelerators = _unique(acc_f.accelerators, acc_doc, "accelerators", "accelerator")
    srv_f, srv_doc = _load(root / "servers.yaml", ServersFile)
    servers = _unique(srv_f.servers, srv_doc, "servers", "server")
    for i, s in enumerate(srv_f.servers):
        if s.gpu not in accelerators:
            line, col = srv_doc.locate(("servers", i, "gpu"))
            raise TcoError(f"unknown GPU {s.gpu!r}", file=srv_doc.path, line=line, col=col, field=f"servers.{i}.gpu",
                           hint=did_you_mean(s.gpu, accelerators))
    ren_f, ren_doc = _load(root / "rentals.yaml", RentalsFile)
    rentals = _unique(ren_f.rentals, ren_doc, "rentals", "rental")
    defaults_seen: dict[str, str] = {}
    for i, r in enumerate(ren_f.rentals):
        if r.gpu not in accelerators:
            line, col = ren_doc.locate(("rentals", i, "gpu"))
            raise TcoError(f"unknown GPU {r.gpu!r}", file=ren_doc.path, line=line, col=col, field=f"rentals.{i}.gpu",
                           hint=did_you_mean(r.gpu, accelerators))
        if r.default:
            if r.gpu in defaults_seen:
                line, col = ren_doc.locate(("rentals", i, "default"))
                raise TcoError(f"two default rentals for {r.gpu}: {defaults_seen[r.gpu]} and {r.id}", file=ren_doc.path,
                               line=line, col=col, field=f"rentals.{i}.default")
            defaults_seen[r.gpu] = r.id
    eng_f, eng_doc = _load(root / "engines.yaml", EnginesFile)
    engines = _unique(eng_f.engines, eng_doc, "engines", "engine")
    defaults, _ = _load(root / "defaults.yaml", DefaultsFile)
    return Hardware(root, accelerators, servers, rentals, engines, defaults)


# ---------------------------------------------------------------------------------------
# resolving a scenario candidate
# ---------------------------------------------------------------------------------------


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


def model_shape(m: Model) -> Any:
    """The engine's :class:`ModelShape` of a catalog model (its architecture is required)."""
    from ..engine.selfhost import ModelShape

    a = m.architecture
    if a is None:
        raise TcoError(f"model {m.id!r} has no architecture in the catalog, so it cannot be sized for self-hosting",
                       hint=f"describe it in a model_file with an architecture: block ({ARCHITECTURE_FIELDS})")
    moe = a.moe
    total, active = ModelShape.derived_params_b(
        a.layers, a.hidden_size, a.heads, a.kv_heads, a.head_dim, a.ffn_size, a.vocab_size,
        moe.experts if moe else 0, moe.active_experts if moe else 0, moe.shared_experts if moe else 0)
    params = m.params_b if m.params_b is not None else total
    act = m.active_params_b if m.active_params_b is not None else (params if moe is None else active)
    return ModelShape(
        id=m.id, layers=a.layers, hidden_size=a.hidden_size, heads=a.heads, kv_heads=a.kv_heads, head_dim=a.head_dim,
        ffn_size=a.ffn_size, vocab_size=a.vocab_size, params_b=float(params), active_params_b=float(act),
        kv_lora_rank=a.kv_lora_rank, rope_head_dim=a.rope_head_dim,
        experts=moe.experts if moe else 0, active_experts=moe.active_experts if moe else 0,
        shared_experts=moe.shared_experts if moe else 0, context_window=m.context_window)


def accelerator_params(a: Accelerator) -> Any:
    """The engine's :class:`tco.engine.selfhost.Accelerator` of a catalog accelerator."""
    from ..engine import selfhost as eng

    return eng.Accelerator(
        id=a.id, name=a.name, memory_gb=a.memory_usable_gb or a.memory_gb, hbm_tb_s=a.hbm_tb_s,
        bf16_tflops=a.bf16_tflops, fp8_tflops=a.fp8_tflops, link_gb_s=a.link_gb_s,
        link_latency_us=a.link_latency_us or 0.0, scale_out_gb_s=a.scale_out_gb_s or 50.0,
        compute_efficiency=a.efficiency.compute if a.efficiency.compute is not None else 1.0,
        bandwidth_efficiency=a.efficiency.bandwidth if a.efficiency.bandwidth is not None else 1.0)


def engine_params(e: EngineProfileSpec) -> Any:
    from ..engine import selfhost as eng

    return eng.EngineProfile(
        id=e.id, bandwidth_efficiency=e.bandwidth_efficiency, compute_efficiency=e.compute_efficiency,
        prefill_efficiency=e.prefill_efficiency, fp8_compute_factor=e.fp8_compute_factor, overlap=e.overlap,
        allreduce_latency_us=e.allreduce_latency_us, link_efficiency=e.link_efficiency,
        step_overhead_ms=e.step_overhead_ms, runtime_reserved_gb=e.runtime_reserved_gb,
        activation_gb=e.activation_gb, kv_memory_fraction=e.kv_memory_fraction, max_batch=e.max_batch,
        kv_reservation=e.kv_reservation, unquantized_embeddings=e.unquantized_embeddings)


def load_model_file(path: str | Path, base_dir: str | Path | None = None) -> Model:
    """A custom model described with the fields of a catalog model: one model mapping, or a
    ``models:`` list with exactly one entry.

    ``provenance:`` may be left out: it becomes {source: the file's path, checked: today,
    status: unverified}. ``architecture:`` is required (self-hosting sizes the model from
    it). Every error is a :class:`ModelFileError` naming the model file, with its own line
    and column."""
    from datetime import date as _date

    from ..schema.catalog import Model, ModelsFile
    from ..schema.validate import validate

    p = Path(path)
    if not p.is_absolute() and base_dir is not None:
        p = Path(base_dir) / p

    def own(e: TcoError, prefix: str | None = None) -> ModelFileError:
        msg = f"{e.field}: {e.message}" if e.field else (f"{prefix}: {e.message}" if prefix else e.message)
        return ModelFileError(msg, file=e.file or str(p), line=e.line, col=e.col, hint=e.hint)

    try:
        doc = yamlio.load(p)
    except TcoError as e:
        raise own(e, "model_file") from None
    listed = isinstance(doc.data, dict) and "models" in doc.data
    entries = doc.data.get("models") if listed else [doc.data]
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, dict) and "provenance" not in entry:
            entry["provenance"] = {"source": str(p), "checked": _date.today(), "status": "unverified"}
    try:
        if listed:
            mf = validate(doc, ModelsFile)
            if len(mf.models) != 1:
                line, col = doc.locate(("models",))
                raise ModelFileError(f"models: expected one model, found {len(mf.models)}", file=str(p), line=line,
                                     col=col, hint="put one model per model_file")
            model, loc = mf.models[0], ("models", 0)
        else:
            model, loc = validate(doc, Model), ()
    except ModelFileError:
        raise
    except TcoError as e:
        raise own(e) from None
    if model.architecture is None:
        line, col = doc.locate(loc) if loc else (1, 1)
        raise ModelFileError(f"model {model.id!r} has no architecture: block", file=str(p), line=line, col=col,
                             hint=ARCHITECTURE_FIELDS)
    return model


def default_gpu_count(dep: Deployment, isl: float, osl: float) -> int:
    """Smallest GPU count of 1, 2, 4, 8, 16, ... that splits cleanly and fits with room for
    a batch (not near the memory limit); else the smallest that fits; else one node."""
    import numpy as np

    from ..engine.selfhost import GPU_COUNTS, check_parallelism, memory_fit

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
    from dataclasses import replace

    from ..engine.selfhost import CostInputs, Deployment, check_parallelism

    hw: Hardware = catalog.hardware
    assumptions: list[str] = []
    warnings: list[str] = []

    if spec.model_file is not None:
        model = load_model_file(spec.model_file, base_dir)
    else:
        model = catalog.model(spec.model)
    if not model.open_weights:
        raise TcoError(f"model {model.id!r} is not open weights: it cannot be self-hosted",
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
                          staff_per_month=staff, utilization=utilization)
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
        cost = CostInputs(mode="rent", rent_per_gpu_hour=rate, utilization=utilization,
                          gpus_per_instance=rental.gpus_per_instance if rental is not None else 1)
        assumptions.append("rented capacity is provisioned for the peak, all month")

    lat = spec.latency
    dep = Deployment(model=shape, gpu=gpu, engine=engine_params(eng), precision=spec.precision,
                     kv_precision=spec.kv_precision, gpus=spec.gpus or spec.gpus_per_node,
                     gpus_per_node=spec.gpus_per_node, cost=cost, ttft_ms=lat.ttft_ms if lat else None,
                     tpot_ms=lat.tpot_ms if lat else None, alternatives=alternatives)
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
