"""Load every file of a catalog directory, validate it, check cross-references, and answer
dated lookups (price of an offer as of a date, exchange rate as of a date)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import yamlio
from ..errors import PRICE_UNKNOWN, NotAvailable, Retired, TcoError, UnknownPrice, did_you_mean, launch_text, lookup
from .paths import display
from .records import Record, freeze

if TYPE_CHECKING:  # the pydantic schemas are imported only to validate (cold path)
    from ..schema.catalog import Setting

Offer = Model = Benchmark = PricePoint = Profile = FxRate = ProviderFile = Record
"""At run time catalog entries are :class:`tco.catalog.records.Record` trees of these schemas."""


@dataclass(frozen=True)
class Score:
    """One benchmark score of one model, with where it came from."""

    model: str
    benchmark: str
    value: float
    setting: Setting
    source: str
    title: str
    preference: int
    file: str


@dataclass
class Catalog:
    """The validated catalog: offers, models, benchmarks, scores and exchange rates."""

    root: Path
    providers: dict[str, ProviderFile]
    """Provider files (the first one of each provider), their ``offers`` as the ids the file lists:
    the offers themselves are in ``offers``."""
    offers: dict[str, Offer]
    offer_provider: dict[str, str]
    models: dict[str, Model]
    benchmarks: dict[str, Benchmark]
    scores: dict[tuple[str, str], list[Score]]
    """(model, benchmark) -> scores, preferred first."""
    fx_rates: tuple[FxRate, ...]
    profiles: dict[str, Profile]
    aliases: dict[str, str] = field(default_factory=dict)
    """Other names of offers (vendor API names, dated snapshots; with and without the
    provider prefix) -> offer id."""
    widest: int = 0
    """The longest context window of any offer or model on record (0: none)."""
    reasoning_defaults: dict[str, Any] = field(default_factory=dict)
    """Model id -> what its API does about reasoning by default (``reasoning-defaults.yaml``)."""
    _hardware: Any = field(default=None, repr=False)
    fingerprint: str = ""
    """Identifies the catalog files' content (set when loaded through the cache)."""

    # ---- lookups -----------------------------------------------------------------------

    def offer(self, offer_id: str) -> Offer:
        """An offer by id or by one of its aliases (``claude-sonnet-4-20250514``)."""
        if offer_id not in self.offers and offer_id in self.aliases:
            return self.offers[self.aliases[offer_id]]
        if offer_id not in self.offers and (gone := self.retired_offer(offer_id)) is not None:
            later = f"; its successor: {gone.successor}" if gone.successor else ""
            raise Retired(f"{gone.id} was retired on {gone.retired}, and no price of it from before that day is "
                          f"on record (`tco catalog show {gone.id}` says who says so)", gone.retired,
                          hint=f"remove it, or name an offer on sale (tco catalog list){later}")
        if offer_id in self.offers:
            return self.offers[offer_id]
        known = dict.fromkeys([*self.offers, *(g.id for pf in self.providers.values() for g in pf.retired_offers)])
        return lookup(known, offer_id, "offer", "tco catalog list")  # type: ignore[return-value]  # raises

    def retired_offer(self, name: str) -> Any | None:
        """A shut-down offer kept without prices (``retired_offers`` of an imported provider file),
        by id or API name (with or without the provider), or None."""
        head, _, rest = name.partition("/")
        scoped = head in self.providers
        for slug, pf in self.providers.items():
            if scoped and slug != head:
                continue
            for gone in pf.retired_offers:
                names = (gone.api_name, *gone.aliases) if gone.api_name else gone.aliases
                if name == gone.id or name in names or (scoped and rest in names):
                    return gone
        return None

    def offer_id(self, name: str) -> str:
        """The canonical id of an offer named by its id or an alias."""
        return name if name in self.offers else self.aliases.get(name, name)

    def other_modes(self, model_id: str) -> list[str]:
        """Ids of the same weights served in another mode (``mode_of``), the weights' own id first."""
        if model_id not in self.models:
            return []
        base = getattr(self.models[model_id], "mode_of", None) or model_id
        out = [] if base == model_id else [base]
        for k in self.models:  # ids are cheap; only those extending the weights' id are opened
            if k != model_id and k.startswith(base + "-") and getattr(self.models[k], "mode_of", None) == base:
                out.append(k)
        return out

    def model(self, model_id: str) -> Model:
        return lookup(self.models, model_id, "model", "tco catalog list --kind model")  # type: ignore[return-value]

    def benchmark(self, bench_id: str) -> Benchmark:
        return lookup(self.benchmarks, bench_id, "benchmark",  # type: ignore[return-value]
                      "tco catalog list --kind benchmark")

    def price_at(self, offer_id: str, as_of: date) -> PricePoint:
        """The price point of an offer in force on ``as_of``."""
        offer = self.offer(offer_id)
        if offer.retired is not None and as_of >= offer.retired:
            raise Retired(f"{offer.id} was retired on {offer.retired}: it could not be called on {as_of}",
                          offer.retired, hint=f"use an as_of date before {offer.retired}, or its successor")
        current = None
        for p in offer.prices:
            if p.effective_from <= as_of:
                current = p
            else:
                break
        if current is None:
            first = offer.prices[0].effective_from
            released = self.models[offer.model].released if offer.model in self.models else None
            if offer.launched is not None and offer.launched > as_of:  # known not to exist yet
                raise NotAvailable(f"{offer_id} was not launched yet on {as_of}: {launch_text(offer.launched)}",
                                   offer.launched, hint=f"use an as_of date on or after {max(offer.launched, first)}")
            if offer.launched is None and released is not None and released > as_of:  # its model did not exist
                raise NotAvailable(f"{offer_id} was not launched yet on {as_of}: {launch_text(first)} (its model "
                                   f"{offer.model} was released {released}; first price on record {first})", first,
                                   hint=f"use an as_of date on or after {first}")
            how = (f"{offer_id} launched {offer.launched}, but" if offer.launched
                   else f"{offer_id}'s launch date is not on record, and")
            raise UnknownPrice(f"{PRICE_UNKNOWN} for {offer_id} on {as_of}: {how} its earliest recorded price "
                               f"is from {first}", first, hint=f"use an as_of date on or after {first}")
        return current

    def fx_at(self, currency: str, as_of: date, rate_type: str | None = None) -> FxRate | None:
        """The newest default rate for ``currency`` known on ``as_of`` (None for USD)."""
        if currency == "USD":
            return None
        best = None
        known = [r for r in self.fx_rates if r.currency == currency]
        for r in known:
            if (r.default if rate_type is None else r.rate_type == rate_type) and r.known_from <= as_of:
                if best is None or r.known_from > best.known_from:
                    best = r
        if best is None:
            if not known:
                have = sorted({r.currency for r in self.fx_rates} | {"USD"})
                close = did_you_mean(currency, have)
                raise TcoError(f"no exchange rate for currency {currency!r}",
                               hint=(f"{close} " if close else "") + f"the catalog has rates for {', '.join(have)}; "
                               "give one in the scenario's fx: section")
            first = min(r.known_from for r in known)
            raise TcoError(f"no {currency} exchange rate known on {as_of}: the earliest is from {first}",
                           hint="give one in the scenario's fx: section")
        return best

    def profile(self, name: str) -> Profile:
        return lookup(self.profiles, name, "quality profile",  # type: ignore[return-value]
                      "tco catalog list --kind profile")

    def scores_for(self, model_id: str) -> dict[str, list[Score]]:
        return {b: s for (m, b), s in self.scores.items() if m == model_id}

    @property
    def hardware(self) -> Any:
        """The self-hosting hardware catalog (``pricing/hardware/``), loaded on first use."""
        if self._hardware is None:
            from .hardware import load_hardware  # noqa: PLC0415 - lazy: API-only runs skip it

            self._hardware = load_hardware(self.root / "hardware")
        return self._hardware



def yaml_files(folder: Path, pattern: str = "*.yaml") -> list[Path]:
    """The catalog's YAML files in ``folder``, sorted; hidden ones left out (an editor's lock or
    backup file, ``.#zhipu.yaml``, is no catalog file: reading it stopped the load)."""
    return sorted(p for p in folder.glob(pattern) if not p.name.startswith("."))

def _load_file(path: Path, schema: type, root: Path) -> Any:
    from ..schema.validate import validate

    doc = yamlio.load(path, yamlio.MAX_CATALOG_BYTES)
    doc.path = display(path)
    return validate(doc, schema), doc


def load_catalog_dir(root: Path) -> Catalog:
    """Read, validate and cross-check all catalog files below ``root``; return it as records."""
    from ..schema.catalog import BenchmarksFile, FxFile, ProfilesFile, QualityFile, ScoreDetail, Setting

    layer = read_curated(root)
    models, providers, offers, offer_provider = layer.models, layer.providers, dict(layer.offers), \
        dict(layer.offer_provider)
    bench_file, bench_doc = _load_file(root / "benchmarks.yaml", BenchmarksFile, root)
    benchmarks = {b.id: b for b in bench_file.benchmarks}

    curated_ids = set(offers)
    imported = read_imported(root, models)
    for oid, o in imported.offers.items():
        if oid in offers:
            if offers[oid].prices[-1].currency != o.prices[0].currency:  # a curated offer added since the import
                raise TcoError(f"imported offer {oid!r} is priced in {o.prices[0].currency}, the curated offer of that "
                               f"id in {offers[oid].prices[-1].currency}: they are not the same price list",
                               hint="regenerate the import (tco catalog update), which keeps price lists apart")
            offers[oid] = merge_imported(offers[oid], o)
        else:
            offers[oid] = o
            offer_provider[oid] = imported.offer_provider[oid]
    for slug, pf in imported.providers.items():
        if slug in providers and pf.retired_offers:  # a curated provider keeps the import's shut-down offers
            providers[slug] = providers[slug].model_copy(update={"retired_offers": pf.retired_offers})
        providers.setdefault(slug, pf)
    own = {oid for oid, o in imported.offers.items()  # sold by the model's own vendor
           if o.model in models and models[o.model].vendor == imported.providers[imported.offer_provider[oid]].name}
    aliases = alias_index(offers, offer_provider, ranks=(curated_ids, own - curated_ids))

    scores: dict[tuple[str, str], list[Score]] = {}
    qdir = root / "quality"
    for path in yaml_files(qdir) if qdir.is_dir() else []:
        qf, doc = _load_file(path, QualityFile, root)
        for b in qf.settings:
            if b not in benchmarks:
                line, col = doc.locate(("settings", b), key=True)
                raise TcoError(f"unknown benchmark {b!r}", file=doc.path, line=line, col=col,
                               field=f"settings.{b}", hint=did_you_mean(b, benchmarks))
        for model_id, row in qf.scores.items():
            if model_id not in models:
                line, col = doc.locate(("scores", model_id), key=True)
                raise TcoError(f"unknown model {model_id!r}", file=doc.path, line=line, col=col,
                               field=f"scores.{model_id}", hint=did_you_mean(model_id, models) or "add it to models.yaml")
            for b, cell in row.items():
                if b not in benchmarks:
                    line, col = doc.locate(("scores", model_id, b), key=True)
                    raise TcoError(f"unknown benchmark {b!r}", file=doc.path, line=line, col=col,
                                   field=f"scores.{model_id}.{b}", hint=did_you_mean(b, benchmarks))
                bench = benchmarks[b]
                value = cell.score if isinstance(cell, ScoreDetail) else float(cell)
                if not bench.scale_min <= value <= bench.scale_max:
                    line, col = doc.locate(("scores", model_id, b))
                    raise TcoError(f"score {value} outside the benchmark's scale "
                                   f"{bench.scale_min:g}-{bench.scale_max:g}", file=doc.path, line=line, col=col,
                                   field=f"scores.{model_id}.{b}")
                base = qf.settings.get(b, Setting())
                setting = Setting(
                    shots=cell.shots if isinstance(cell, ScoreDetail) and cell.shots is not None else base.shots,
                    cot=cell.cot if isinstance(cell, ScoreDetail) and cell.cot is not None else base.cot,
                    note=(cell.note if isinstance(cell, ScoreDetail) else None) or base.note,
                )
                scores.setdefault((model_id, b), []).append(Score(
                    model_id, b, value, freeze(setting), qf.provenance.source, qf.title, qf.preference, doc.path))
    for lst in scores.values():
        lst.sort(key=lambda s: (s.preference, s.file))

    fx_file, _ = _load_file(root / "fx.yaml", FxFile, root)
    prof_file, prof_doc = _load_file(root / "profiles.yaml", ProfilesFile, root)
    for name, prof in prof_file.profiles.items():
        for b in prof.weights:
            if b not in benchmarks:
                line, col = prof_doc.locate(("profiles", name, "weights", b), key=True)
                raise TcoError(f"unknown benchmark {b!r}", file=prof_doc.path, line=line, col=col,
                               field=f"profiles.{name}.weights.{b}", hint=did_you_mean(b, benchmarks))
    reasoning: dict[str, Any] = {}
    if (root / "reasoning-defaults.yaml").is_file():
        from ..schema.catalog import ReasoningDefaultsFile

        rd_file, rd_doc = _load_file(root / "reasoning-defaults.yaml", ReasoningDefaultsFile, root)
        for model_id, rd in rd_file.models.items():
            if model_id not in models:
                line, col = rd_doc.locate(("models", model_id), key=True)
                raise TcoError(f"unknown model {model_id!r}", file=rd_doc.path, line=line, col=col,
                               field=f"models.{model_id}", hint=did_you_mean(model_id, models) or "add it to models.yaml")
            reasoning[model_id] = rd
    slim = {k: pf.model_copy(update={"offers": tuple(o.id for o in pf.offers)}) for k, pf in providers.items()}
    widest = max([o.context_window for o in offers.values() if o.context_window]
                 + [m.context_window for m in models.values() if m.context_window], default=0)
    return Catalog(root, freeze(slim), freeze(offers), offer_provider, freeze(models), freeze(benchmarks),
                   scores, freeze(fx_file.rates), freeze(dict(prof_file.profiles)), aliases, widest=widest,
                   reasoning_defaults=freeze(reasoning))


class Layer:
    """One layer of the catalog (curated ``api/`` or an import), validated, not merged.
    (A plain class: a dataclass would cost every warm run its generated ``__init__``.)"""

    __slots__ = ("models", "offer_provider", "offers", "providers")

    def __init__(self, models: dict[str, Any], providers: dict[str, Any], offers: dict[str, Any],
                 offer_provider: dict[str, str]) -> None:
        self.models, self.providers, self.offers, self.offer_provider = models, providers, offers, offer_provider


def _check_mode_of(m: Model, models: dict[str, Model], doc: Any, i: int) -> None:
    """A mode entry names weights on record, extends their id and has their size and architecture."""
    if m.mode_of is None:
        return
    base = models.get(m.mode_of)
    problem = ("names no model of this file" if base is None
               else f"is not the start of the id {m.id!r}" if not m.id.startswith(m.mode_of + "-")
               else "has another size or architecture" if (base.params_b, base.active_params_b, base.architecture)
               != (m.params_b, m.active_params_b, m.architecture) else None)
    if problem:
        line, col = doc.locate(("models", i, "mode_of"))
        raise TcoError(f"mode_of {m.mode_of!r} {problem}", file=doc.path, line=line, col=col, field="mode_of",
                       hint="mode_of names the weights this entry serves in another mode (thinking on or off), "
                            "recorded under the id this one extends")


def read_curated(root: Path) -> Layer:
    """``models.yaml`` and ``api/*.yaml``, validated and cross-checked (pydantic objects)."""
    from ..schema.catalog import ModelsFile, ProviderFile

    api_dir = root / "api"
    if not api_dir.is_dir():
        raise TcoError("not a catalog directory (no api/ folder)", file=str(root),
                       hint="point --catalog or TCO_CATALOG at a directory like pricing/")
    models_file, models_doc = _load_file(root / "models.yaml", ModelsFile, root)
    models: dict[str, Model] = {}
    for i, m in enumerate(models_file.models):
        if m.id in models:
            line, col = models_doc.locate(("models", i, "id"))
            raise TcoError(f"duplicate model id {m.id!r}", file=models_doc.path, line=line, col=col)
        models[m.id] = m
    for i, m in enumerate(models_file.models):
        _check_mode_of(m, models, models_doc, i)
    layer = Layer(models, {}, {}, {})
    for path in yaml_files(api_dir):
        pf, doc = _load_file(path, ProviderFile, root)
        if pf.provider in layer.providers:
            raise TcoError(f"provider {pf.provider!r} defined twice", file=doc.path)
        layer.providers[pf.provider] = pf
        for i, o in enumerate(pf.offers):
            if o.id in layer.offers:
                line, col = doc.locate(("offers", i, "id"))
                raise TcoError(f"duplicate offer id {o.id!r}", file=doc.path, line=line, col=col)
            if o.model not in models:
                line, col = doc.locate(("offers", i, "model"))
                raise TcoError(f"unknown model {o.model!r}", file=doc.path, line=line, col=col,
                               field=f"offers.{i}.model", hint=did_you_mean(o.model, models) or "add it to models.yaml")
            layer.offers[o.id] = o
            layer.offer_provider[o.id] = pf.provider
    return layer


def read_imported(root: Path, models: dict[str, Any]) -> Layer:
    """The imported layer (``imported/models.yaml`` and every imported provider file), validated;
    its models are added to ``models`` where a curated model of the same id is missing."""
    from ..schema.catalog import ModelsFile, ProviderFile

    imported_models = root / "imported" / "models.yaml"
    if imported_models.is_file():  # models known only from the import; a curated model of the same id wins
        imp_file, _ = _load_file(imported_models, ModelsFile, root)
        for m in imp_file.models:
            models.setdefault(m.id, m)
    layer = Layer(models, {}, {}, {})
    for path in imported_provider_files(root):
        pf, doc = _load_file(path, ProviderFile, root)
        for i, o in enumerate(pf.offers):
            if o.model not in models:
                line, col = doc.locate(("offers", i, "model"))
                raise TcoError(f"unknown model {o.model!r}", file=doc.path, line=line, col=col,
                               field=f"offers.{i}.model", hint="run `tco catalog update` to regenerate the import")
            if o.id in layer.offers:
                line, col = doc.locate(("offers", i, "id"))
                raise TcoError(f"duplicate imported offer id {o.id!r}", file=doc.path, line=line, col=col)
            layer.offers[o.id] = o
            layer.offer_provider[o.id] = pf.provider
        layer.providers.setdefault(pf.provider, pf)
    return layer


def merge_imported(curated: Offer, imported: Offer) -> Offer:
    """One offer, one id: the curated history wins for the dates it covers and the import
    continues it (its points after the last curated one), and the offer says where that
    continuation comes from (up to a curated retirement). Curated facts (name, model, window) stay."""
    last = curated.prices[-1].effective_from
    # nothing after the curated retirement: a maintained catalog may still list a name the vendor shut down
    later = tuple(p for p in imported.prices if p.effective_from > last
                  and (curated.retired is None or p.effective_from < curated.retired))
    # a continuation that repeats the curated price in force says nothing new, while it would end
    # that point and with it what the import does not record (batch discount, tiers, off-peak
    # hours: unknown there, not absent) and the curated status: it is not added
    if later and _repeats(later[0], curated.prices[-1]):
        later = later[1:]
    update: dict[str, Any] = {"prices": curated.prices + later, "imported_from": imported.imported_from}
    if curated.context_window is None and imported.context_window is not None:
        update["context_window"] = imported.context_window
    extra = tuple(a for a in imported.aliases if a not in curated.aliases)
    if extra:
        update["aliases"] = curated.aliases + extra
    return curated.model_copy(update=update)


def _repeats(new: Any, old: Any) -> bool:
    """Whether ``new`` states nothing ``old`` does not: the same currency, unit, prices and model,
    and every other field either unknown in ``new`` or equal."""
    same = ("currency", "unit", "input", "output")
    optional = ("cached_input", "cache_write", "per_1k_requests", "batch_discount", "offpeak", "tiers", "model")
    return all(getattr(new, f) == getattr(old, f) for f in same) and all(
        getattr(new, f) in (None, ()) or getattr(new, f) == getattr(old, f) for f in optional)


IMPORT_META = frozenset({"map.yaml", "check-notes.yaml"})
"""Hand-written files beside an imported catalog's provider files: not provider files."""


def imported_provider_files(root: Path) -> list[Path]:
    """The generated provider files of every imported catalog (``imported/<catalog>/*.yaml``)."""
    imported_dir = root / "imported"
    if not imported_dir.is_dir():
        return []
    return [p for p in yaml_files(imported_dir, "*/*.yaml") if p.name not in IMPORT_META]


def alias_index(offers: dict[str, Offer], offer_provider: dict[str, str],
                ranks: tuple[set[str], ...] = ()) -> dict[str, str]:
    """Other names -> offer id: each alias as ``provider/alias`` and bare, and each offer's
    api_name likewise, where it names one offer only (an ambiguous name is left out).

    Offers in ``ranks`` come first, rank by rank, then all others: a name an earlier rank
    claims is never taken or made ambiguous by a later one. The loader ranks curated offers,
    then imported ones sold by their model's vendor: ``gpt-4o`` stays ``openai/gpt-4o`` although
    Azure's imported offer is called that too, and ``claude-4-sonnet`` is Anthropic's, not a host's."""
    out: dict[str, str] = {}
    ambiguous: set[str] = set()
    ranked = set().union(*ranks) if ranks else set()
    for rank in (*ranks, None):
        claimed = set(out)
        for oid, o in offers.items():
            if (oid in ranked) if rank is None else (oid not in rank):
                continue
            provider = offer_provider.get(oid, oid.split("/", 1)[0])
            names = list(o.aliases) + ([o.api_name] if o.api_name else [])
            for name in names:
                for key in (f"{provider}/{name}", name):
                    if key in offers or key in claimed:
                        continue
                    if key in out and out[key] != oid:
                        ambiguous.add(key)
                    out.setdefault(key, oid)
    for key in ambiguous:
        del out[key]
    return out
