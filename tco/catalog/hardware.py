"""Load ``pricing/hardware/`` and read custom model files; turn catalog entries into the
engine's inputs.

``load_hardware(dir) -> Hardware``: validated accelerators, servers, rental offers, engine
profiles and defaults, with lookups that raise :class:`TcoError` with suggestions.
``model_shape``, ``accelerator_params``, ``engine_params``: a catalog model, accelerator
or engine profile as the engine's :mod:`tco.engine.selfhost` dataclasses.
``load_model_file``: a custom model file, every error a :class:`ModelFileError` located
in that file. Resolving a whole ``selfhost:`` spec is :mod:`tco.plan.deployment`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import yamlio
from ..errors import PRICE_UNKNOWN, TcoError, did_you_mean, lookup

if TYPE_CHECKING:  # pragma: no cover - the schemas (pydantic) are imported only to validate files
    from ..schema.catalog import Model
    from ..schema.hardware import Accelerator, DefaultsFile, EngineProfileSpec, RentalOffer, RentalPrice, Server

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
        return lookup(self.rentals, rental_id, "rental offer",  # type: ignore[return-value]
                      "tco catalog list --kind rental")

    def rentals_for(self, gpu_id: str) -> list[RentalOffer]:
        return [r for r in self.rentals.values() if r.gpu == gpu_id]

    def default_rental(self, gpu_id: str, as_of: date | None = None) -> RentalOffer | None:
        """The offer used for ``gpu_id`` when no price is named, on ``as_of`` (default: today's,
        the latest): the default whose ``default_from`` is the latest on or before that date."""
        found = [r for r in self.rentals.values() if r.gpu == gpu_id and r.default
                 and (as_of is None or r.default_from is None or r.default_from <= as_of)]
        return max(found, key=lambda r: r.default_from or date.min, default=None)

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
            raise TcoError(f"{PRICE_UNKNOWN} for rental {rental_id} on {as_of}: its earliest recorded price is "
                           f"from {first}",
                           hint=f"use an as_of date on or after {first}")
        return current

    def list_rows(self, as_of: date | None = None) -> list[dict[str, Any]]:
        """One row per accelerator for ``tco catalog list --kind gpu``: figures (None =
        unknown), the default rental and its price in force on ``as_of`` (default: the
        latest; None before its first price), the rental offers and the server on record."""
        rows = []
        for a in self.accelerators.values():
            rent = self.default_rental(a.id, as_of)
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
        """A profile by id, by one of its aliases, or by family name (``trtllm``: the family's
        latest profile)."""
        if engine_id in self.engines:
            return self.engines[engine_id]
        for e in self.engines.values():
            if engine_id in e.aliases or (e.latest and e.id.split("@")[0] == engine_id):
                return e
        names = sorted({*self.engines, *(a for e in self.engines.values() for a in e.aliases),
                        *(e.id.split("@")[0] for e in self.engines.values() if e.latest)})
        return lookup(dict.fromkeys(names), engine_id, "serving engine")  # type: ignore[return-value]


def _load(path: Path, schema: type) -> tuple[Any, yamlio.Document]:
    from ..schema.validate import validate

    from .paths import builtin_copy, display

    doc = yamlio.load(path, yamlio.MAX_CATALOG_BYTES)
    # the package's own copy by the name it has in the repository; any other catalog as the user would type it
    doc.path = (str(Path("pricing") / "hardware" / path.name) if builtin_copy(path.parent.parent)
                else display(path))
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
    from ..schema.hardware import AcceleratorsFile, DefaultsFile, EnginesFile, RentalsFile, ServersFile

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
            key = f"{r.gpu} from {r.default_from}" if r.default_from else r.gpu
            if key in defaults_seen:
                line, col = ren_doc.locate(("rentals", i, "default"))
                raise TcoError(f"two default rentals for {key}: {defaults_seen[key]} and {r.id}", file=ren_doc.path,
                               line=line, col=col, field=f"rentals.{i}.default",
                               hint="give the later one a default_from date")
            defaults_seen[key] = r.id
    eng_f, eng_doc = _load(root / "engines.yaml", EnginesFile)
    engines = _unique(eng_f.engines, eng_doc, "engines", "engine")
    latest: dict[str, str] = {}
    for i, e in enumerate(eng_f.engines):
        family = e.id.split("@")[0]
        if e.latest and family in latest:
            line, col = eng_doc.locate(("engines", i, "latest"))
            raise TcoError(f"two latest profiles of {family}: {latest[family]} and {e.id}", file=eng_doc.path,
                           line=line, col=col, field=f"engines.{i}.latest")
        if e.latest:
            latest[family] = e.id
    defaults, _ = _load(root / "defaults.yaml", DefaultsFile)
    return Hardware(root, accelerators, servers, rentals, engines, defaults)


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
        shared_experts=moe.shared_experts if moe else 0, context_window=m.context_window,
        **_layout_fields(a))


def _layout_fields(a: Any) -> dict[str, Any]:
    """ModelShape's attention-layout fields of an architecture (none when every layer is full attention)."""
    lay = a.attention
    if lay is None:
        return {}
    return {"full_layers": lay.full_layers, "window_layers": lay.window_layers, "window": lay.window or 0,
            "linear_layers": lay.linear_layers, "linear_state_elements": lay.linear_state_elements or 0,
            "state_bytes_per_element": 4.0 if lay.linear_state_dtype == "fp32" else 2.0,
            "window_kv_heads": lay.window_kv_heads or 0, "window_head_dim": lay.window_head_dim or 0,
            "compressed": tuple((g.layers, g.ratio, g.index_elements) for g in lay.compressed),
            "entry_elements": lay.entry_elements or 0, "index_layers": lay.index_layers,
            "index_elements": lay.index_elements}


def accelerator_params(a: Accelerator) -> Any:
    """The engine's :class:`tco.engine.selfhost.Accelerator` of a catalog accelerator."""
    from ..engine import selfhost as eng

    return eng.Accelerator(
        id=a.id, name=a.name, memory_gb=a.memory_usable_gb or a.memory_gb, hbm_tb_s=a.hbm_tb_s,
        bf16_tflops=a.bf16_tflops, fp8_tflops=a.fp8_tflops, fp4_tflops=a.fp4_tflops, link_gb_s=a.link_gb_s,
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
        kv_reservation=e.kv_reservation, unquantized_embeddings=e.unquantized_embeddings,
        fp4_compute_factor=e.fp4_compute_factor, moe_efficiency=e.moe_efficiency, ttft_tail=e.ttft_tail,
        tpot_jitter=e.tpot_jitter, chunked_prefill_tokens=e.chunked_prefill_tokens, tp_scaling_loss=e.tp_scaling_loss,
        moe_half_width=e.moe_half_width, moe_half_tokens=e.moe_half_tokens,
        moe_few_tokens_efficiency=e.moe_few_tokens_efficiency, ttft_overhead_ms=e.ttft_overhead_ms,
        mla_moe_step_overhead_ms=e.mla_moe_step_overhead_ms)


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
        out = ModelFileError(msg, file=e.file or str(p), line=e.line, col=e.col, hint=e.hint)
        out.also = [own(x, prefix) for x in e.also]  # every independent error of the file, not the first alone
        out.not_listed = e.not_listed
        return out

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
    _check_sizes(model, doc, loc, str(p))
    return model


def _check_sizes(model: Model, doc: Any, loc: tuple[Any, ...], path: str) -> None:
    """A model file's parameter counts against each other and its architecture: more active than
    total parameters, or a total four times off what the layers hold (``params_b: 7`` over a 70B
    shape sized the weights at 14 GB), are errors; nearer figures are taken as written (hybrid and
    interleaved layouts of the catalog's own models sit up to 3x from the plain formula)."""
    from ..engine.selfhost import ModelShape

    a, moe = model.architecture, model.architecture.moe if model.architecture else None
    if a is None:
        return
    if model.params_b is not None and model.active_params_b is not None and model.active_params_b > model.params_b:
        line, col = doc.locate((*loc, "active_params_b"))
        raise ModelFileError(f"{model.active_params_b:g} is more than params_b {model.params_b:g}",
                             file=path, line=line, col=col, field="active_params_b",
                             hint="the parameters active per token are a part of the total; equal for a dense model")
    if model.params_b is None:
        return
    total, _ = ModelShape.derived_params_b(a.layers, a.hidden_size, a.heads, a.kv_heads, a.head_dim, a.ffn_size,
                                           a.vocab_size, moe.experts if moe else 0, moe.active_experts if moe else 0,
                                           moe.shared_experts if moe else 0)
    if not total / 4 <= model.params_b <= total * 4:
        line, col = doc.locate((*loc, "params_b"))
        raise ModelFileError(f"{model.params_b:g} does not fit the architecture, whose layers hold about "
                             f"{total:,.1f} B parameters", file=path, line=line, col=col, field="params_b",
                             hint="give the total parameters in billions, or leave params_b out to take the "
                                  "architecture's count")
