"""genai-prices' prices as our price points: the dating, time-of-day, tier, batch and fee rules of
:mod:`tco.catalog.imported`, one genai-prices model at a time (``price_points``).

genai-prices' own resolution (``ModelInfo.get_prices`` at a timestamp) is the reference: a
point's prices are what it resolves at every time-of-day boundary of the point's first day. A
model genai-prices itself says was retired or shut down by the known-by day (``retirement``) keeps
only its points dated before the retirement: it keeps old prices 'for historical usage', which
were not in force on the known-by day.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

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
ONE_MINUTE = timedelta(minutes=1)


@dataclass(frozen=True)
class KnownBy:
    """The day the source knew its undated prices, and how we know that day."""

    day: date
    how: str


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


RETIRED = (
    re.compile(r"^Retired, here to match price sources"),  # its description of long-retired models
    re.compile(r'"\(Shut down\)"'),  # 'Listed as "(Shut down)" under "Previous models"'
    re.compile(r"\bRetired(?: on)? (?P<day>\d{4}-\d\d-\d\d)"),  # 'Retired 2026-04-04 per ...'
    re.compile(r"\bRetires on (?P<day>\d{4}-\d\d-\d\d)"),
    re.compile(r"\bshould be retired (?P<day>\d{4}-\d\d-\d\d)"),
    re.compile(r"\buntil its (?P<day>\d{4}-\d\d-\d\d) retirement"),
    re.compile(r"\bdiscontinued the [\w.-]+ family on (?P<day>\d{4}-\d\d-\d\d)"),
)
"""How genai-prices says, in a model's description or price comments, that the model itself was
retired or shut down (and when, where it says). A feature's retirement ('The 1M context beta was
retired on ...') or a name routed to a successor is not the model's."""


@dataclass(frozen=True)
class Retirement:
    day: date | None
    """When, where genai-prices says (None: retired, date not given)."""
    quote: str
    source: str | None = None
    """Where a retirement genai-prices does not state is stated (``map.yaml``); None: genai-prices."""
    successor: str | None = None
    """The replacement that source names, if any."""


def retirement(model: Any, known: KnownBy) -> Retirement | None:
    """genai-prices' own statement that the model was retired by the known-by day, if any."""
    for text in (model.description, model.price_comments):
        for pattern in RETIRED:
            m = pattern.search(text or "")
            if m is None:
                continue
            day = date.fromisoformat(m["day"]) if "day" in pattern.groupindex else None
            if day is not None and day > known.day:
                continue  # announced, not yet retired when the source knew it
            sentence = next(x for x in re.split(r"(?<=[.;])\s+", text) if m.group(0) in x)
            return Retirement(day, sentence.rstrip(".;"))
    return None


@dataclass
class Points:
    """A model's price points, with what was left out."""

    points: list[dict[str, Any]]
    undated_dropped: bool = False
    retired: Retirement | None = None
    """genai-prices says the model was retired by the known-by day: no point on or after that day
    (its undated price is not dated to the known-by day), the offer retired when the day is given."""


def price_points(model: Any, known: KnownBy, source: str, served: str | None = None,
                 shut: Retirement | None = None) -> Points:
    """Our dated price points of one genai-prices model (see the module docstring for the rules).
    ``shut``: a shutdown genai-prices does not state (``map.yaml``); the earlier day wins."""
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
    retired = retirement(model, known)
    if shut is not None and (retired is None or retired.day is None or shut.day is not None and shut.day < retired.day):
        retired = shut
    if retired is not None:  # nothing was in force after it: not on the known-by day either
        days = [d for d in days if d < (retired.day or known.day)]
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
    return Points(out, undated_dropped=has_undated and dated(known.day), retired=retired)


def _same_prices(a: dict[str, Any], b: dict[str, Any]) -> bool:
    skip = {"effective_from", "provenance"}
    return {k: v for k, v in a.items() if k not in skip} == {k: v for k, v in b.items() if k not in skip}
