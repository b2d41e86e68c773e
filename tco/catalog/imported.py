"""Import a maintained catalog, pydantic's genai-prices, into this one, honestly.

``convert`` reads the installed package's data (``genai_prices.data.providers``) and returns
our provider files (``pricing/imported/genai-prices/<provider>.yaml``) and the models they
need that ``pricing/models.yaml`` lacks (``pricing/imported/models.yaml``), as plain data
validated against :mod:`tco.schema.catalog`. ``tco catalog update`` writes them
(:mod:`tco.catalog.update`); the committed snapshot keeps every estimate reproducible.

The rules, each one a sentence of the issue:

* Only text generation: a model priced per input and output token. Embeddings, image, audio
  and video generation, transcription and per-page or per-second models are left out (and
  counted with the reason).
* Honest dates. A price with a ``StartDateConstraint`` is a point from its start date. A price
  without one is the price in force on the day the source knew it (``KnownBy``: the version's
  PyPI upload date; genai-prices records no check date), never earlier. An undated price that a
  start date at or before that day supersedes is history without a date: left out and counted. A
  model genai-prices itself says was retired or shut down by that day keeps only its points dated
  before the retirement (and the offer is retired on the day it gives); with none, it is skipped.
* ``TimeOfDateConstraint`` prices become our ``offpeak``: the lower price in the windows (UTC)
  where it applies, the higher one as the point's price (genai-prices' DeepSeek entries list the
  off-peak price unconstrained and the standard hours as the constrained window; see their
  provider's ``price_comments``). ``TieredPrices`` become prompt-length tiers (the same cliff
  rule: the whole request at the tier's prices once the prompt is longer than the threshold).
  ``processing: batch`` variants become ``batch_discount`` when input and output scale alike.
  ``requests_kcount`` is ``per_1k_requests``; ``cache_read_mtok`` ``cached_input``;
  ``cache_write_mtok`` (or the 5-minute write) ``cache_write``.
* One offer, one id. An imported model that is the same thing as a curated offer (same provider,
  and genai-prices resolves the curated API name or an alias to it, the model's own id first;
  or a link in ``map.yaml``) takes the curated id, so the loader continues that history;
  otherwise its id is ``<our provider>/<genai-prices model id as a slug>``. A model whose match
  clauses name several dated snapshots of one curated line (``mistral-large-2407``, ``-2411``)
  continues the newest; other ambiguous names need a link in ``map.yaml``.

One model's prices become points in :mod:`tco.catalog.imported_prices`; this module maps
providers, models and ids.
"""

from __future__ import annotations

import fnmatch
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..errors import TcoError
from .imported_prices import KnownBy, Retirement, Unrepresentable, not_text, price_points

__all__ = ["CATALOG", "ImportResult", "KnownBy", "convert", "installed", "known_by", "not_text", "price_points"]

CATALOG = "genai-prices"
INSTALL_HINT = "pip install 'tco[import]'"
RELEASES = {"0.2.3": date(2026, 11, 10)}
"""PyPI upload dates of the versions we know (https://pypi.org/pypi/genai-prices/json:
0.2.3 uploaded 2026-11-10T21:51:41). The package data records no check date."""

FIRST_COMMIT = date(2025, 6, 21)
"""pydantic/genai-prices' first commit (81a015cf, 2025-06-21): no version of it was released before."""

SEPARATORS = "-@._/:"
PARTIAL_DATE = re.compile(r"-20\d\d(0[1-9]|1[0-2])?$")
"""A match prefix ending in a year or a year and month (``claude-sonnet-4-2025``): not a name."""


def known_by(version: str, released: date | None = None, today: date | None = None) -> KnownBy:
    """Undated prices are in force on the version's PyPI upload date when known (passed, or
    in :data:`RELEASES`), else on the day of the import: never earlier than the source knew."""
    today = today or date.today()
    if released is not None and version in RELEASES and released != RELEASES[version]:
        raise TcoError(f"--released {released}: genai-prices {version} was uploaded to PyPI on {RELEASES[version]} "
                       "(on record)", hint="leave --released out for a version whose upload date is on record")
    if released is not None and released < FIRST_COMMIT:
        raise TcoError(f"--released {released} is before genai-prices existed (its first commit: {FIRST_COMMIT})",
                       hint="give the version's PyPI upload date (https://pypi.org/pypi/genai-prices/json)")
    if released is None and version in RELEASES:
        released = RELEASES[version]
    if released is not None:
        if released > today:
            raise TcoError(f"release date {released} of genai-prices {version} is after today ({today})")
        return KnownBy(released, f"the PyPI upload date of genai-prices {version} (the package records no "
                                 "check date)")
    return KnownBy(today, f"the date of this import (the PyPI upload date of genai-prices {version} was not "
                          "given, and the package records no check date)")


def installed() -> tuple[list[Any], str]:
    """genai-prices' providers and version, or a one-line error saying how to install it."""
    try:
        from importlib.metadata import version

        from genai_prices.data import providers
    except ImportError:
        raise TcoError("genai-prices is not installed: `tco catalog update` reads its data",
                       hint=INSTALL_HINT) from None
    return list(providers), version("genai-prices")


def slug(text: str) -> str:
    """A name as our id slug: lower case, runs of other characters as one '-'."""
    s = re.sub(r"[^a-z0-9._-]+", "-", text.lower()).strip("-._")
    return s or "x"


# ---------------------------------------------------------------------------------- names

def _clause_names(clause: Any) -> list[str]:
    """Every equals and starts_with string of a match clause, in order."""
    out: list[str] = []
    for attr in ("equals", "starts_with"):
        v = getattr(clause, attr, None)
        if isinstance(v, str):
            out.append(v)
    for attr in ("or_", "and_"):
        for sub in getattr(clause, attr, None) or ():
            out.extend(_clause_names(sub))
    return out


def aliases(provider: Any, model: Any, taken: set[str]) -> list[str]:
    """Names genai-prices' match clauses give a model that genai-prices itself resolves to it at
    this provider (unambiguous), other than its id, a name ``taken`` (lower case) by a curated
    offer, or a bare prefix ending in a separator."""
    seen = {model.id.lower()}
    out = []
    for name in _clause_names(model.match):
        low = name.lower()
        if low in seen or low in taken or not name or name[-1] in SEPARATORS or PARTIAL_DATE.search(name):
            continue
        seen.add(low)
        if provider.find_model(name) is model:
            out.append(name)
    return out


PROVIDER_FILES = {"x-ai": "x_ai"}
"""genai-prices' provider files named otherwise than their id (its repository: prices/providers/x_ai.yml
says ``id: x-ai``)."""


def source_text(version: str, provider_id: str, model_id: str) -> str:
    file = PROVIDER_FILES.get(provider_id, provider_id)
    return f"pydantic/genai-prices {version} (PyPI genai-prices=={version}), prices/providers/{file}.yml, model {model_id}"


# ---------------------------------------------------------------------------------- the import

@dataclass
class Skipped:
    provider: str
    model: str | None
    reason: str


@dataclass
class ImportResult:
    """What ``convert`` made: files as plain data, and what it left out or decided."""

    version: str
    known: KnownBy
    provider_files: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Our provider slug -> ProviderFile data."""
    models: list[dict[str, Any]] = field(default_factory=list)
    """Models the curated models.yaml lacks (``imported/models.yaml``)."""
    links: dict[str, str] = field(default_factory=dict)
    """Curated offer id -> ``provider/model`` of genai-prices it continues."""
    skipped: list[Skipped] = field(default_factory=list)
    undated_dropped: list[str] = field(default_factory=list)
    """Offers whose undated genai-prices price was superseded by a start date: left out."""
    messages: list[str] = field(default_factory=list)
    """Decisions a reader should see (unmapped providers, ambiguous or other-currency names)."""

    @property
    def offers(self) -> int:
        return sum(len(pf["offers"]) for pf in self.provider_files.values())

    @property
    def retired(self) -> int:
        """Offers priced up to a stated shutdown day."""
        return sum(1 for pf in self.provider_files.values() for o in pf["offers"] if o.get("retired"))

    @property
    def retired_unpriced(self) -> int:
        """Offers shut down before any of their prices can be dated (kept without prices)."""
        return sum(len(pf.get("retired_offers", ())) for pf in self.provider_files.values())

    @property
    def points(self) -> int:
        return sum(len(o["prices"]) for pf in self.provider_files.values() for o in pf["offers"])

    def skip_counts(self) -> Counter[str]:
        return Counter(s.reason if s.model is None else s.reason.split(":")[0] for s in self.skipped)


def _names(offer: Any) -> list[str]:
    return [n for n in (offer.api_name, *offer.aliases) if n]


def _link(gp: Any, ours: str, models: list[Any], curated: Any, imap: Any, res: ImportResult) -> dict[str, str]:
    """genai-prices model id -> the curated offer it continues (see the module docstring)."""
    offers = [o for oid, o in curated.offers.items() if curated.offer_provider[oid] == ours]
    ids = {m.id for m in models}
    cands: dict[str, dict[str, int]] = {}  # model -> {offer: 3 map.yaml, 2 same id, 1 resolved by genai-prices}
    for o in offers:
        for name in _names(o):
            for m in models:
                if m.id.lower() == name.lower():
                    cands.setdefault(m.id, {})[o.id] = 2
            found = gp.find_model(name)
            if found is not None and found.id in ids:
                cands.setdefault(found.id, {}).setdefault(o.id, 1)
    for link in imap.links:
        if link.provider != gp.id:
            continue
        if link.model not in ids or link.offer not in curated.offers:
            raise TcoError(f"map.yaml links {link.provider}/{link.model} to {link.offer}, but "
                           + ("no such imported model" if link.model not in ids else "no such curated offer"),
                           hint="fix pricing/imported/genai-prices/map.yaml")
        cands.setdefault(link.model, {})[link.offer] = 3
    for ns in imap.not_same:
        if ns.provider == gp.id:
            cands.get(ns.model, {}).pop(ns.offer, None)
    links: dict[str, str] = {}
    taken: set[str] = set()
    for mid, offs in sorted(cands.items(), key=lambda kv: (-max(kv[1].values(), default=0), kv[0])):
        if not offs:
            continue
        best = max(offs.values())
        top = sorted(o for o, s in offs.items() if s == best and o not in taken)
        if best < 3:
            usd = [o for o in top if curated.offers[o].prices[-1].currency == "USD"]
            if top and not usd:
                cur = ", ".join(sorted({curated.offers[o].prices[-1].currency for o in top}))
                res.messages.append(f"{gp.id}/{mid}: the API name of {', '.join(top)}, priced in {cur} there: "
                                    "another price list, imported apart (USD)")
            top = usd
        if len(top) > 1 and best == 1:
            newest = _newest_snapshot([curated.offers[o] for o in top])
            if newest is not None:
                res.messages.append(f"{gp.id}/{mid}: names several dated snapshots of one curated line "
                                    f"({', '.join(top)}): continues the newest, {newest}")
                top = [newest]
        if len(top) > 1:
            res.messages.append(f"{gp.id}/{mid}: names several curated offers ({', '.join(top)}): not linked "
                                "(add a link to map.yaml)")
        elif top:
            links[mid] = top[0]
            taken.add(top[0])
    return links


SNAPSHOT = re.compile(r"[-@](\d{3,4}|\d\d-\d\d|20\d{6}|20\d\d-\d\d-\d\d)$")
"""A dated or numbered snapshot suffix of an API name: ``-2411``, ``-05-20``, ``-20250514``,
``-2024-08-06``, ``-001``."""


def _newest_snapshot(offers: list[Any]) -> str | None:
    """The curated offer a genai-prices model continues when its match clauses name several curated
    offers that are dated snapshots of one line (``mistral-large-2407`` and ``-2411``: the same API
    name but for the suffix): the newest by launch (or first price), which is the one the model's
    price is still quoted for. None when they are not snapshots of one line, or two are as new."""
    lines = set()
    for o in offers:
        name = (o.api_name or o.id.split("/", 1)[1]).lower()
        base = SNAPSHOT.sub("", name)
        if base == name:  # not a snapshot (a moving alias, another variant)
            return None
        lines.add(base)
    if len(lines) != 1:
        return None
    dated = sorted(((o.launched or o.prices[0].effective_from), o.id) for o in offers)
    if dated[-1][0] == dated[-2][0]:
        return None
    return str(dated[-1][1])


def _fresh_id(oid: str, curated: Any, used: set[str]) -> str:
    """The id of an imported offer no curated one continues: its own, unless a curated offer of
    that name is another price list (``-usd``) or the provider already has it (``-2``)."""
    if oid in curated.offers:
        oid += "-usd" if curated.offers[oid].prices[-1].currency != "USD" else "-imported"
    n, base = 2, oid
    while oid in used:
        oid, n = f"{base}-{n}", n + 1
    return oid


def _shutdowns(providers: list[Any], imap: Any) -> dict[tuple[str, str], Retirement]:
    """``map.yaml``'s shutdowns by (provider, model), each naming a model genai-prices lists."""
    listed = {(p.id, m.id) for p in providers for m in p.models}
    out = {}
    for r in imap.retired:
        if (r.provider, r.model) not in listed:
            raise TcoError(f"map.yaml says {r.provider}/{r.model} was shut down on {r.day}, but genai-prices lists no "
                           "such model", hint="fix pricing/imported/genai-prices/map.yaml (retired:)")
        out[(r.provider, r.model)] = Retirement(r.day, r.why, f"{r.source}: {r.why}", r.successor)
    return out


def _retired_source(r: Retirement, version: str) -> str:
    return r.source if r.source is not None else f"pydantic/genai-prices {version}: {r.quote}"


def _retired_offer(pf: dict[str, Any], oid: str, model_id: str, m: Any, r: Retirement, version: str,
                   provider: str, names: list[str]) -> None:
    """A model shut down before any of its prices can be dated: kept as a retired offer, so that a
    scenario naming it is told when it was shut down."""
    entry: dict[str, Any] = {"id": oid, "name": m.name or m.id, "model": model_id, "api_name": m.id,
                             "retired": r.day, "retired_source": _retired_source(r, version)}
    if names:
        entry["aliases"] = names
    if r.successor:
        entry["successor"] = r.successor
    entry["imported_from"] = {"catalog": CATALOG, "version": version, "provider": provider, "model": m.id}
    pf.setdefault("retired_offers", []).append(entry)


def _skip_reason(provider_id: str, imap: Any) -> str | None:
    for pattern, why in imap.skip.items():
        if fnmatch.fnmatchcase(provider_id, pattern):
            return why
    return None


def _vendor(gp: Any, model: Any, first_party: bool, makers: list[Any]) -> str:
    """The model's vendor: the first-party provider whose model names it matches (genai-prices'
    ``model_match``: ``claude`` is Anthropic's at every host), else the provider itself when it is
    first-party, else the id's namespace (``meta-llama/...``), else unknown."""
    name = model.id.lower()
    for maker in makers:
        if maker.model_match is not None and (maker.model_match.is_match(name)
                                              or maker.model_match.is_match(name.rsplit("/", 1)[-1])):
            return str(maker.name)
    if first_party:
        return str(gp.name)
    parts = model.id.split("/")
    if len(parts) >= 2 and parts[-2] and parts[-2] != "models" and not parts[-2].startswith("@"):
        return parts[-2]
    dotted = [x for x in model.id.split(".") if x not in ROUTES]  # Bedrock: [route.]vendor.model
    if gp.id == "aws" and len(dotted) > 1 and dotted[0].isalpha():
        return dotted[0]
    return "unknown"


ROUTES = frozenset({"regional", "global", "us", "eu", "apac", "jp", "au", "ca", "us-gov"})
"""Bedrock's cross-region routing prefixes of a model id (``us.anthropic.claude-...``)."""


def convert(providers: list[Any], version: str, known: KnownBy, imap: Any, curated: Any) -> ImportResult:
    """Our imported layer from genai-prices' ``providers`` (see the module docstring).

    ``imap`` is the validated ``map.yaml`` (:class:`tco.schema.imported.ImportMap`), ``curated``
    the curated layer (:func:`tco.catalog.loader.read_curated`). Deterministic: the same inputs
    give the same files."""
    res = ImportResult(version, known)
    first = list(imap.first_party)
    order = sorted(providers, key=lambda p: (first.index(p.id) if p.id in first else len(first), p.id))
    makers = [p for p in order if p.id in first]
    model_links = {(ml.provider, ml.model): ml.our_model for ml in imap.models}
    shut = _shutdowns(providers, imap)
    new_models: dict[str, dict[str, Any]] = {}
    serves = {(link.provider, link.model): link.serves for link in imap.links if link.serves}
    for gp in order:
        why = _skip_reason(gp.id, imap)
        if why is not None:
            res.skipped.append(Skipped(gp.id, None, f"provider skipped: {why}"))
            continue
        ours = imap.providers.get(gp.id)
        if ours is None:
            ours = slug(gp.id)
            res.messages.append(f"provider {gp.id} is not in map.yaml: imported as {ours!r}")
        models = []
        skip = {sm.model: sm.why for sm in imap.skip_models if sm.provider == gp.id}
        for m in gp.models:
            reason = f"skipped in map.yaml: {skip[m.id]}" if m.id in skip else not_text(m)
            if reason:
                res.skipped.append(Skipped(gp.id, m.id, reason))
            else:
                models.append(m)
        links = _link(gp, ours, models, curated, imap, res)
        taken = {n.lower() for oid, o in curated.offers.items() if curated.offer_provider[oid] == ours
                 for n in _names(o)}
        pf = res.provider_files.setdefault(ours, {
            "provider": ours, "name": gp.name, "kind": "first-party" if gp.id in first else "host",
            "pricing_urls": list(gp.pricing_urls or ()), "offers": []})
        used = {o["id"] for o in pf["offers"]}

        def own_model(m: Any, gp: Any = gp) -> str:  # the model of an offer no curated one continues
            return model_links.get((gp.id, m.id)) or _model_id(gp, m, curated, new_models, version, known,
                                                               gp.id in first, makers, res=res)

        for m in models:
            oid = links.get(m.id)
            served = None
            if oid is not None:
                o = curated.offers[oid]
                served = serves.get((gp.id, m.id)) or o.prices[-1].model or o.model
                if served not in curated.models:
                    _model_id(gp, m, curated, new_models, version, known, gp.id in first, makers, served)
                served = None if served == o.model else served
            try:
                pts = price_points(m, known, source_text(version, gp.id, m.id), served, shut.get((gp.id, m.id)))
            except Unrepresentable as e:
                res.skipped.append(Skipped(gp.id, m.id, f"not representable: {e}"))
                continue
            if not pts.points:
                why = ("no price in force on or after the known-by date" if pts.retired is None else
                       f"retired by the known-by date, in genai-prices' words: {pts.retired.quote!r}"
                       if pts.retired.source is None else
                       f"shut down before any of its prices can be dated: on {pts.retired.day} ({pts.retired.source})")
                res.skipped.append(Skipped(gp.id, m.id, why))
                if pts.retired is not None and pts.retired.day is not None and oid is None:
                    oid = _fresh_id(f"{ours}/{slug(m.id)}", curated, used)
                    used.add(oid)
                    _retired_offer(pf, oid, own_model(m), m, pts.retired, version, gp.id,  # the model stays
                                   aliases(gp, m, taken))
                elif pts.retired is not None and pts.retired.day is not None and curated.offers[oid].retired is None:
                    res.messages.append(f"{gp.id}/{m.id}: shut down on {pts.retired.day}, but the curated offer {oid} "
                                        "it continues has no retirement: add it there")
                continue
            if oid is not None:
                model_id = curated.offers[oid].model
                res.links[oid] = f"{gp.id}/{m.id}"
            else:
                oid = _fresh_id(f"{ours}/{slug(m.id)}", curated, used)
                model_id = own_model(m)
            used.add(oid)
            if pts.undated_dropped:
                res.undated_dropped.append(oid)
            offer: dict[str, Any] = {"id": oid, "name": m.name or m.id, "model": model_id, "api_name": m.id}
            if m.context_window:
                offer["context_window"] = m.context_window
            names = aliases(gp, m, taken - {n.lower() for n in _names(curated.offers[oid])}
                            if oid in curated.offers else taken)
            if names:
                offer["aliases"] = names
            if pts.retired is not None and pts.retired.day is not None:
                offer["retired"] = pts.retired.day
                offer["retired_source"] = _retired_source(pts.retired, version)
            offer["imported_from"] = {"catalog": CATALOG, "version": version, "provider": gp.id, "model": m.id}
            offer["prices"] = pts.points
            pf["offers"].append(offer)
    for slug_, pf in list(res.provider_files.items()):
        if not pf["offers"]:
            del res.provider_files[slug_]
        else:
            pf["offers"].sort(key=lambda o: o["id"])
            if pf.get("retired_offers"):
                pf["retired_offers"].sort(key=lambda o: o["id"])
    res.models = [new_models[k] for k in sorted(new_models)]
    return res


_HOST_PREFIX = re.compile(r"^(?:(?:regional|global|us|eu|apac|jp|au)\.)?"
                          r"(?:(?:anthropic|openai|meta|mistral|qwen|deepseek|amazon|cohere|google)\.)?")
_HOST_SUFFIX = re.compile(r"(?:-v\d+-0|:\d+|-latest)$")


def name_key(model_id: str) -> str:
    """A model name as a set of words, so that a host's spelling meets the maker's: the cloud's
    prefixes (``regional.anthropic.``) and version suffixes (``-v1-0``, ``:0``, ``-latest``) off,
    ``3-5`` read as ``3.5``, the words in any order (``claude-4-sonnet`` = ``claude-sonnet-4``,
    ``gemini-flash-1.5`` = ``gemini-1.5-flash``). Words such as instruct, chat or a date are kept:
    they name other checkpoints."""
    s = _HOST_SUFFIX.sub("", _HOST_PREFIX.sub("", model_id.lower()))
    s = re.sub(r"(?<=\b\d)-(?=\d\b)", ".", s)
    return " ".join(sorted(w for w in re.split(r"[-_/ ]+", s) if w))


def _same_model(mid: str, curated: Any) -> str | None:
    """The one curated model whose name is the same words (None: none, or more than one); else
    the one model that curated offers sell under that API name (a host's
    ``regional.anthropic.claude-sonnet-4-20250514-v1:0`` is Anthropic's
    ``claude-sonnet-4-20250514``, an offer of ``claude-sonnet-4``)."""
    key = name_key(mid)
    index = getattr(curated, "_name_keys", None)
    if index is None:
        index = {}
        for cid in curated.models:
            index.setdefault(name_key(cid), []).append(cid)
        by_api: dict[str, set[str]] = {}
        for o in curated.offers.values():
            for n in _names(o):
                by_api.setdefault(name_key(n), set()).add(o.model)
        index = (index, by_api)
        try:
            curated._name_keys = index
        except AttributeError:
            pass
    models, by_api = index
    found = models.get(key, [])
    if len(found) == 1:
        return found[0]
    served = by_api.get(key, set())
    return next(iter(served)) if not found and len(served) == 1 else None


def _model_id(gp: Any, m: Any, curated: Any, new_models: dict[str, dict[str, Any]], version: str,
              known: KnownBy, first_party: bool, makers: list[Any], mid: str | None = None,
              res: ImportResult | None = None) -> str:
    """Our model of an imported offer: the curated model of the same name (the id's last part as a
    slug: ``@cf/meta/llama-3.1-8b-instruct`` is ``llama-3.1-8b-instruct``; or the same words in
    another order or spelling, :func:`name_key`), else an imported one of that name, described by
    the first provider that lists it (first-party ones first)."""
    mid = mid or slug(m.id.rsplit("/", 1)[-1])[:100]
    if mid in curated.models or mid in new_models:
        return mid
    same = _same_model(mid, curated)
    if same is not None:  # one model, one id: a host's name for a model we know
        if res is not None:
            res.messages.append(f"{gp.id}/{m.id}: the model {same} (the same name, spelt as {mid})")
        return same
    entry: dict[str, Any] = {"id": mid, "name": m.name or m.id, "vendor": _vendor(gp, m, first_party, makers),
                             "open_weights": None, "license": "unknown", "variant": "instruct"}
    if m.context_window:
        entry["context_window"] = m.context_window
    entry["provenance"] = {
        "source": source_text(version, gp.id, m.id), "checked": known.day, "status": "single-source",
        "note": "known only from genai-prices: name and context window (its maximum input tokens) as it lists "
                "them; weights, license and size not on record; variant assumed instruct (an API chat model)"}
    new_models[mid] = entry
    return mid
