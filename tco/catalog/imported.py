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
  start date at or before that day supersedes is history without a date: left out and counted.
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
  otherwise its id is ``<our provider>/<genai-prices model id as a slug>``.
"""

from __future__ import annotations

import fnmatch
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from ..errors import TcoError

CATALOG = "genai-prices"
INSTALL_HINT = "pip install 'tco[import]'"
RELEASES = {"0.2.3": date(2026, 11, 10)}
"""PyPI upload dates of the versions we know (https://pypi.org/pypi/genai-prices/json:
0.2.3 uploaded 2026-11-10T21:51:41). The package data records no check date."""

PRICE_KEYS = {"input": "input_mtok", "output": "output_mtok", "cached_input": "cache_read_mtok"}
WRITE_KEYS = ("cache_write_mtok", "cache_write_5m_mtok")
"""genai-prices' generic cache write price, else its 5-minute one, is our ``cache_write``."""
IGNORED_KEYS = {
    "cache_write_1h_mtok": "1-hour cache writes",
    "web_searches_kcount": "web search fees", "storage_searches_kcount": "file search fees",
    "code_executions_kcount": "code execution fees", "social_searches_kcount": "social search fees",
    "input_audio_mtok": "audio input prices", "input_image_mtok": "image input prices",
    "input_video_mtok": "video input prices", "cache_audio_read_mtok": "audio input prices",
    "cache_image_read_mtok": "image input prices", "cache_video_read_mtok": "video input prices",
}
"""Prices of things a text request does not use: the model is imported, these prices are not
(and each point's note says so)."""
IMPORTED_KEYS = {*PRICE_KEYS.values(), *WRITE_KEYS, "requests_kcount"}
NOT_TEXT = re.compile(r"image|embed|transcri|tts|whisper|realtime|moderation|rerank|ocr", re.IGNORECASE)
"""Model ids of image, embedding, speech and moderation models whose token prices are not
text generation (``gpt-image-1`` is priced per input and output token, of images)."""
SEPARATORS = "-@._/:"
PARTIAL_DATE = re.compile(r"-20\d\d(0[1-9]|1[0-2])?$")
"""A match prefix ending in a year or a year and month (``claude-sonnet-4-2025``): not a name."""
ONE_MINUTE = timedelta(minutes=1)


@dataclass(frozen=True)
class KnownBy:
    """The day the source knew its undated prices, and how we know that day."""

    day: date
    how: str


def known_by(version: str, released: date | None = None, today: date | None = None) -> KnownBy:
    """Undated prices are in force on the version's PyPI upload date when known (passed, or
    in :data:`RELEASES`), else on the day of the import: never earlier than the source knew."""
    today = today or date.today()
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


# ---------------------------------------------------------------------------------- prices

class Unrepresentable(Exception):
    """A genai-prices price our schema cannot say exactly (the model is skipped, with the reason)."""


def _conditionals(model: Any) -> list[Any]:
    from genai_prices.types import ConditionalPrice

    return list(model.prices) if isinstance(model.prices, list) else [ConditionalPrice(prices=model.prices)]


def _keys(mp: Any) -> set[str]:
    return {k for k, v in mp.__dict__.items() if v is not None and not k.startswith("_")}


def not_text(model: Any) -> str | None:
    """Why a genai-prices model is not a token-priced text generation model (None if it is)."""
    if NOT_TEXT.search(model.id):
        return "not text generation (image, embedding, speech or moderation model)"
    for c in _conditionals(model):
        keys = _keys(c.prices)
        if not {"input_mtok", "output_mtok"} <= keys:
            return "not priced per input and output token"
        other = keys - IMPORTED_KEYS - set(IGNORED_KEYS)
        if other:
            return "priced by " + ", ".join(sorted(other))
    for v in model.price_variants or ():
        if v.when == {"processing": "batch"} and _keys(v.prices) - IMPORTED_KEYS - set(IGNORED_KEYS):
            return "batch priced by " + ", ".join(sorted(_keys(v.prices) - IMPORTED_KEYS - set(IGNORED_KEYS)))
    return None


def _minute(t: time) -> int:
    """Minutes after midnight UTC of a time of day (naive times are UTC, as in genai-prices)."""
    if t.tzinfo is not None:
        t = datetime.combine(date(1970, 1, 1), t).astimezone(UTC).time()
    return t.hour * 60 + t.minute


def _hhmm(minute: int) -> str:
    return f"{minute // 60 % 24:02d}:{minute % 60:02d}"


def _day(model: Any, d: date) -> list[tuple[int, int, Any]]:
    """The standard prices over the day ``d`` as (start minute, end minute, ModelPrice), from
    genai-prices' own resolution at every time-of-day boundary."""
    from genai_prices.types import TimeOfDateConstraint

    bounds = {0}
    for c in _conditionals(model):
        if isinstance(c.constraint, TimeOfDateConstraint):
            if c.constraint.start_time.second or c.constraint.end_time.second:
                raise Unrepresentable("a time-of-day window not on a whole minute")
            bounds |= {_minute(c.constraint.start_time), _minute(c.constraint.end_time)}
    marks = sorted(bounds) + [1440]
    segs: list[tuple[int, int, Any]] = []
    for a, b in zip(marks, marks[1:], strict=False):
        mp = model.get_prices(datetime.combine(d, time(), UTC) + a * ONE_MINUTE)
        if segs and segs[-1][2] == mp:
            segs[-1] = (segs[-1][0], b, mp)
        else:
            segs.append((a, b, mp))
    return segs


def _base(v: Any) -> Decimal:
    from genai_prices.types import TieredPrices

    return v.base if isinstance(v, TieredPrices) else v


def _at(v: Any, above: int) -> Decimal | None:
    """The price of a request whose prompt is just longer than ``above`` (genai-prices' cliff rule:
    a tier applies when the prompt's input tokens exceed its start)."""
    from genai_prices.types import TieredPrices

    if v is None or not isinstance(v, TieredPrices):
        return v
    price = v.base
    for tier in sorted(v.tiers, key=lambda t: t.start):
        if tier.start <= above:
            price = tier.price
    return price


def _write_key(mp: Any) -> str | None:
    return next((k for k in WRITE_KEYS if getattr(mp, k, None) is not None), None)


def _num(v: Decimal | None) -> float | None:
    return None if v is None else float(v)


def _prices(mp: Any) -> dict[str, Any]:
    """Our point's price fields (per 1M tokens, USD) from one genai-prices ModelPrice."""
    from genai_prices.types import TieredPrices

    values = {ours: getattr(mp, theirs, None) for ours, theirs in PRICE_KEYS.items()}
    wk = _write_key(mp)
    values["cache_write"] = getattr(mp, wk) if wk else None
    fees = getattr(mp, "requests_kcount", None)
    if isinstance(fees, TieredPrices):
        raise Unrepresentable("per-request fees tiered by prompt length")
    thresholds = sorted({t.start for v in values.values() if isinstance(v, TieredPrices) for t in v.tiers})
    if thresholds and thresholds[0] == 0:  # a tier from the first token is the price of every request
        values = {k: _at(v, 0) for k, v in values.items()}
        thresholds = thresholds[1:]
    out: dict[str, Any] = {k: _num(_base(v)) if v is not None else None for k, v in values.items()}
    if fees is not None:
        out["per_1k_requests"] = float(fees)
    if thresholds:
        out["tiers"] = [{k: v for k, v in {
            "above_input_tokens": t, "input": _num(_at(values["input"], t)), "output": _num(_at(values["output"], t)),
            "cached_input": _num(_at(values["cached_input"], t)), "cache_write": _num(_at(values["cache_write"], t)),
        }.items() if v is not None} for t in thresholds]
    return out


def _windows(segs: list[tuple[int, int, Any]], price: Any) -> list[list[str]]:
    """The windows (UTC) where ``price`` applies, a window through midnight kept whole."""
    spans = [[a, b] for a, b, mp in segs if mp == price]
    if len(spans) > 1 and spans[0][0] == 0 and spans[-1][1] == 1440:
        spans[-1][1] = 1440 + spans[0][1]
        spans = spans[1:]
    return [[_hhmm(a), _hhmm(b)] for a, b in spans]


def _offpeak(segs: list[tuple[int, int, Any]]) -> tuple[Any, dict[str, Any] | None]:
    """(the point's price, our off-peak block or None) from a day's prices."""
    distinct: list[Any] = []
    for _a, _b, mp in segs:
        if mp not in distinct:
            distinct.append(mp)
    if len(distinct) == 1:
        return distinct[0], None
    if len(distinct) > 2:
        raise Unrepresentable("more than two time-of-day prices")
    high, low = sorted(distinct, key=lambda mp: (_base(mp.input_mtok), _base(mp.output_mtok)), reverse=True)
    hp, lp = _prices(high), _prices(low)
    if hp.get("tiers") or lp.get("tiers"):
        raise Unrepresentable("time-of-day prices with prompt-length tiers")
    if _keys(high) != _keys(low) or hp.get("per_1k_requests") != lp.get("per_1k_requests"):
        raise Unrepresentable("time-of-day prices of different kinds")
    if hp["cache_write"] is not None and (lp["cache_write"] * hp["input"] != hp["cache_write"] * lp["input"]):
        raise Unrepresentable("an off-peak cache-write price that does not scale like input")
    windows = _windows(segs, low)
    block: dict[str, Any] = {"input": lp["input"], "output": lp["output"]}
    if lp["cached_input"] is not None:
        block["cached_input"] = lp["cached_input"]
    if len(windows) == 1:
        block["start_utc"], block["end_utc"] = windows[0]
    else:
        block["windows_utc"] = windows
    return high, block


def _batch(model: Any, d: date, undated: bool) -> Any:
    """genai-prices' ``processing: batch`` overrides in force on ``d`` (undated ones only when
    ``undated``: they are known from the known-by day), or None."""
    at = datetime.combine(d, time(12), UTC)
    over: dict[str, Any] = {}
    for v in model.price_variants or ():
        if v.when != {"processing": "batch"}:
            continue
        if v.constraint is None and not undated:
            continue
        if v.constraint is not None and not v.constraint.active(at):
            continue
        for k, val in v.prices.__dict__.items():
            if val is not None and not k.startswith("_"):
                over.setdefault(k, val)
    return over or None


def _ratio(a: Decimal | None, b: Decimal | None) -> Decimal | None:
    return None if a is None or b is None or b == 0 else a / b


def _batch_discount(std: Any, over: dict[str, Any], notes: list[str]) -> float | None:
    """Our batch discount when genai-prices' batch prices scale input and output alike (in every
    tier); else None, and the notes say what was done."""
    thresholds = sorted({t.start for k in ("input_mtok", "output_mtok")
                         for v in (getattr(std, k), over.get(k)) if hasattr(v, "tiers") for t in v.tiers})
    ratios = set()
    for k in ("input_mtok", "output_mtok"):
        for above in [-1, *thresholds]:
            s = _at(getattr(std, k), above) if above >= 0 else _base(getattr(std, k))
            b = over.get(k, getattr(std, k))
            b = _at(b, above) if above >= 0 else _base(b)
            if s == 0 and b == 0:
                continue
            ratios.add(_ratio(b, s))
    if len(ratios) != 1 or None in ratios or next(iter(ratios)) > 1:
        notes.append("batch prices in genai-prices do not scale input and output alike: not imported "
                     "(batch traffic is billed at the list price)")
        return None
    r = next(iter(ratios))
    for ours, theirs in (("cached input", "cache_read_mtok"), ("cache writing", _write_key(std))):
        s = getattr(std, theirs) if theirs else None
        if s is None:
            continue
        b = over.get(theirs, s)
        if _ratio(_base(b), _base(s)) != r:
            keep = "at its standard price" if b == s else f"at {float(_base(b)):g} per 1M"
            notes.append(f"genai-prices bills {ours} in batch {keep}: tco's batch discount applies to it too "
                         "(cached and written tokens scale like input)")
    return float(1 - r)


def _ignored(model: Any) -> list[str]:
    keys: set[str] = set()
    for c in _conditionals(model):
        keys |= _keys(c.prices)
    names = sorted({IGNORED_KEYS[k] for k in keys if k in IGNORED_KEYS})
    tiers = sorted({f"{k} {v}" for var in model.price_variants or () if var.when != {"processing": "batch"}
                    and _keys(var.prices) for k, v in var.when.items()})
    if tiers:
        names.append("prices of other request options (" + ", ".join(tiers) + ")")
    return names


@dataclass
class Points:
    """A model's price points, with what was left out."""

    points: list[dict[str, Any]]
    undated_dropped: bool = False


def price_points(model: Any, known: KnownBy, source: str, served: str | None = None) -> Points:
    """Our dated price points of one genai-prices model (see the module docstring for the rules)."""
    from genai_prices.types import StartDateConstraint

    conds = _conditionals(model)
    starts = sorted({c.constraint.start_date for c in conds if isinstance(c.constraint, StartDateConstraint)})
    batch_starts = sorted({v.constraint.start_date for v in model.price_variants or ()
                           if v.when == {"processing": "batch"} and isinstance(v.constraint, StartDateConstraint)})
    has_undated = any(c.constraint is None for c in conds)

    def dated(d: date) -> bool:  # the standard price on d comes from a start-dated entry
        return any(s <= d for s in starts)

    days = sorted({d for d in (*starts, *batch_starts) if d >= known.day or dated(d)} | {known.day})
    days = [d for d in days if has_undated or dated(d)]
    ignored = _ignored(model)
    out: list[dict[str, Any]] = []
    for d in days:
        notes: list[str] = []
        segs = _day(model, d)
        price, offpeak = _offpeak(segs)
        point: dict[str, Any] = {"effective_from": d, "currency": "USD", **_prices(price)}
        if offpeak is not None:
            point["offpeak"] = offpeak
            notes.append("time-of-day prices: the lower applies in the off-peak windows (UTC), the higher at other "
                         "times (genai-prices lists one of them unconstrained, the other in a daily window)")
            if d < known.day:
                notes.append("its time-of-day prices carry no start date in genai-prices: applied from this date, as "
                             "genai-prices does")
        over = _batch(model, d, undated=d >= known.day)
        if over is not None:
            if offpeak is not None:
                raise Unrepresentable("batch prices together with time-of-day prices")
            discount = _batch_discount(price, over, notes)
            if discount is not None:
                point["batch_discount"] = discount
        if d in starts:
            dating = f"start_date {d} in genai-prices"
        elif d in batch_starts and d < known.day:
            dating = f"{d} is genai-prices' start date of its batch prices"
        elif d == known.day and not dated(d):
            dating = f"no start date in genai-prices: the price in force on {d}, {known.how}"
        else:
            dating = f"in force on {d} in genai-prices"
        zero = [k for k in ("input", "output") if point.get(k) == 0]
        if zero:
            notes.append(f"{' and '.join(zero)} free: 0 as genai-prices lists it")
        if model.deprecated:
            notes.append("deprecated by the provider, still callable (genai-prices)")
        if ignored:
            notes.append("not imported: " + ", ".join(ignored))
        point = {k: v for k, v in point.items() if v is not None}
        if served is not None:
            point["model"] = served
        point["provenance"] = {"source": source, "checked": known.day, "status": "single-source",
                               "note": "; ".join([dating, *notes])}
        if out and _same_prices(out[-1], point):
            continue
        out.append(point)
    return Points(out, undated_dropped=has_undated and dated(known.day))


def _same_prices(a: dict[str, Any], b: dict[str, Any]) -> bool:
    skip = {"effective_from", "provenance"}
    return {k: v for k, v in a.items() if k not in skip} == {k: v for k, v in b.items() if k not in skip}


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


def source_text(version: str, provider_id: str, model_id: str) -> str:
    return (f"pydantic/genai-prices {version} (PyPI genai-prices=={version}), prices/providers/{provider_id}.yml, "
            f"model {model_id}")


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
        if len(top) > 1:
            res.messages.append(f"{gp.id}/{mid}: names several curated offers ({', '.join(top)}): not linked "
                                "(add a link to map.yaml)")
        elif top:
            links[mid] = top[0]
            taken.add(top[0])
    return links


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
                pts = price_points(m, known, source_text(version, gp.id, m.id), served)
            except Unrepresentable as e:
                res.skipped.append(Skipped(gp.id, m.id, f"not representable: {e}"))
                continue
            if not pts.points:
                res.skipped.append(Skipped(gp.id, m.id, "no price in force on or after the known-by date"))
                continue
            if oid is not None:
                model_id = curated.offers[oid].model
                res.links[oid] = f"{gp.id}/{m.id}"
            else:
                oid = f"{ours}/{slug(m.id)}"
                if oid in curated.offers:  # the same name as a curated offer that is another price list
                    oid += "-usd" if curated.offers[oid].prices[-1].currency != "USD" else "-imported"
                n, base = 2, oid
                while oid in used:
                    oid, n = f"{base}-{n}", n + 1
                model_id = model_links.get((gp.id, m.id)) or _model_id(gp, m, curated, new_models, version,
                                                                     known, gp.id in first, makers)
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
            offer["imported_from"] = {"catalog": CATALOG, "version": version, "provider": gp.id, "model": m.id}
            offer["prices"] = pts.points
            pf["offers"].append(offer)
    for slug_, pf in list(res.provider_files.items()):
        if not pf["offers"]:
            del res.provider_files[slug_]
        else:
            pf["offers"].sort(key=lambda o: o["id"])
    res.models = [new_models[k] for k in sorted(new_models)]
    return res


def _model_id(gp: Any, m: Any, curated: Any, new_models: dict[str, dict[str, Any]], version: str,
              known: KnownBy, first_party: bool, makers: list[Any], mid: str | None = None) -> str:
    """Our model of an imported offer: the curated model of the same name (the id's last part as a
    slug: ``@cf/meta/llama-3.1-8b-instruct`` is ``llama-3.1-8b-instruct``), else an imported one
    of that name, described by the first provider that lists it (first-party ones first)."""
    mid = mid or slug(m.id.rsplit("/", 1)[-1])[:100]
    if mid in curated.models or mid in new_models:
        return mid
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
