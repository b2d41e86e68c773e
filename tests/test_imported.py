"""The imported layer (pricing/imported/, from pydantic's genai-prices): every imported price
equals what ``genai_prices.calc_price`` computes, dates are honest, imported offers continue
the curated ones they are, and ``tco catalog update`` / ``check`` do what they say.

The committed snapshot was made from genai-prices 0.2.3 (the ``test`` extra pins it); its
undated prices are dated 2026-11-10, that version's PyPI upload date.
"""

from __future__ import annotations

import json
import math
import re
import shutil
import sys
from datetime import UTC, date, datetime, time
from pathlib import Path

import numpy as np
import pytest

genai_prices = pytest.importorskip("genai_prices")

from genai_prices import Usage, calc_price  # noqa: E402
from genai_prices.types import (  # noqa: E402
    ClauseEquals,
    ConditionalPrice,
    ModelInfo,
    ModelPrice,
    PriceVariant,
    StartDateConstraint,
    Tier,
    TieredPrices,
    TimeOfDateConstraint,
)

from tco.catalog import load_catalog  # noqa: E402
from tco.catalog import imported as imp  # noqa: E402
from tco.catalog.check import check  # noqa: E402
from tco.catalog.loader import _repeats, read_curated, read_imported  # noqa: E402
from tco.catalog.imported_prices import Retirement  # noqa: E402
from tco.catalog.update import read_map, render  # noqa: E402
from tco.cli import main  # noqa: E402
from tco.engine.api import api_cost  # noqa: E402
from tco.errors import Retired, TcoError  # noqa: E402
from tco.plan.compile import price_arrays, price_row  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PRICING = ROOT / "pricing"
KNOWN = date(2026, 11, 10)
"""genai-prices 0.2.3's PyPI upload date (https://pypi.org/pypi/genai-prices/json)."""
D = __import__("decimal").Decimal
pinned = pytest.mark.skipif(genai_prices.__version__ != "0.2.3", reason="the snapshot was made from genai-prices 0.2.3")


@pytest.fixture(scope="module")
def layers():
    curated = read_curated(PRICING)
    return curated, read_imported(PRICING, dict(curated.models))


@pytest.fixture(scope="module")
def cat():
    return load_catalog(PRICING)


def genai_model(provider_id, model_id):
    from genai_prices.data import providers

    provider = next(p for p in providers if p.id == provider_id)
    return provider, next(m for m in provider.models if m.id == model_id)


def one_request(point, inp, out, cached=0, written=0, offpeak_share=0.0, batch_share=0.0):
    """tco's cost of one request at a price point (the engine, through the planner's row)."""
    row = price_row(point, 1.0, offpeak_share)
    row.update(discount=0.0, context_window=math.inf)
    c = api_cost(price_arrays([row]), np.array([1.0]), np.array([float(inp)]), np.array([float(out)]),
                 cached_share=np.array([cached / inp]), batch_share=np.array([batch_share]),
                 cache_write_share=np.array([written / inp]))
    return float(c.total[0, 0])


# ------------------------------------------------------------------ prices equal calc_price

USAGES = [(1_000, 500, 0, 0),          # a short prompt
          (10_000, 300, 6_000, 0),     # cache reads
          (250_000, 1_000, 0, 0),      # a prompt over 200K tokens (prompt-length tiers)
          (20_000, 200, 10_000, 5_000)]  # cache reads and writes
"""(input tokens (all of the prompt), output tokens, of the input: cache reads, cache writes)."""


def _minute(hhmm):
    return int(hhmm[:2]) * 60 + int(hhmm[3:])


def windows(off):
    """An off-peak block's windows (a record's: ``windows_utc`` and the start/end shorthand)."""
    return [tuple(w) for w in off.windows_utc] + ([(off.start_utc, off.end_utc)] if off.start_utc else [])


def _inside(minute, windows):
    for a, b in windows:
        a, b = _minute(a), _minute(b)
        if (a <= minute < b) if b > a else (minute >= a or minute < b):
            return True
    return False


def _genai(usage, src, at, context=None):
    """calc_price for the model by its id; a model genai-prices' own lookup does not find by its id
    (AWS's ``regional.*`` entries, a few others) is priced by its ModelInfo."""
    try:
        res = calc_price(usage, src.model, provider_id=src.provider, genai_request_timestamp=at,
                         price_context=context)
        if res.model.id == src.model:
            return res
    except LookupError:
        pass
    provider, model = genai_model(src.provider, src.model)
    return model.calc_price(usage, provider, genai_request_timestamp=at, price_context=context)


def test_every_imported_price_is_what_calc_price_computes(layers, cat):
    """Every imported offer, every price point: as the merged catalog prices it where the import
    continues a curated history, else as the imported layer has it (a point the curated history
    covers, where the curated one wins, or one after a curated retirement, a date the catalog
    refuses); at noon UTC of its first day and, with time-of-day prices, inside and outside the
    off-peak windows; four request shapes; the cost of one request to 1e-9."""
    curated, imported = layers
    cases, after_retirement, repeats = [], 0, 0
    for oid, offer in imported.offers.items():
        last_curated = curated.offers[oid].prices[-1].effective_from if oid in curated.offers else date.min
        retired = curated.offers[oid].retired if oid in curated.offers else None
        for p in offer.prices:
            if p.effective_from <= last_curated:
                point = p  # the curated point of that date wins in the catalog
            elif retired is not None and p.effective_from > retired:
                with pytest.raises(Retired):  # the loader continues nothing after a curated retirement
                    cat.price_at(oid, p.effective_from)
                point, after_retirement = p, after_retirement + 1
            else:
                point = cat.price_at(oid, p.effective_from)  # the merged catalog, as an estimate reads it
                if point.provenance.source != p.provenance.source:  # a repeat of the curated price: not added
                    assert _repeats(p, curated.offers[oid].prices[-1]) and point == cat.offer(oid).prices[
                        len(curated.offers[oid].prices) - 1], (oid, p.effective_from)
                    point, repeats = p, repeats + 1
            assert point.provenance.source == p.provenance.source
            times = [time(12)]
            if point.offpeak is not None:
                start = _minute(windows(point.offpeak)[0][0]) + 1
                times.append(time(start // 60 % 24, start % 60))
            for t in times:
                share = float(point.offpeak is not None and _inside(t.hour * 60 + t.minute, windows(point.offpeak)))
                cases.append((oid, offer.imported_from, point, datetime.combine(p.effective_from, t, UTC), share))
    assert len({c[0] for c in cases}) == len(imported.offers)  # every imported offer is compared
    assert after_retirement >= 2  # deepseek-chat and deepseek-reasoner (USD), retired on 2026-07-25
    assert repeats >= 1  # e.g. google/gemini-3.5-flash: the import's 2026-11-10 point repeats 1.5 / 9
    assert any(c[2].offpeak for c in cases) and any(c[2].tiers for c in cases) and any(c[4] for c in cases)
    rows = []
    for _oid, _src, point, _at, share in cases:
        row = price_row(point, 1.0, share)
        row.update(discount=0.0, context_window=math.inf)
        rows.append(row)
    prices = price_arrays(rows)
    wrong = []
    for inp, out, cached, written in USAGES:
        ours = api_cost(prices, np.array([1.0]), np.array([float(inp)]), np.array([float(out)]),
                        cached_share=np.array([cached / inp]), cache_write_share=np.array([written / inp])).total[:, 0]
        usage = {"input_tokens": inp, "output_tokens": out}
        usage.update({k: v for k, v in (("cache_read_tokens", cached), ("cache_write_tokens", written)) if v})
        for i, (oid, src, point, at, _share) in enumerate(cases):
            theirs = float(_genai(Usage(**usage), src, at).total_price)
            if not math.isclose(ours[i], theirs, rel_tol=1e-9, abs_tol=1e-15):
                wrong.append(f"{oid} {at} {usage}: tco {ours[i]!r}, genai-prices {theirs!r}")
    # batch: where a point has a batch discount, a batch request (no cache) costs what genai-prices'
    # `processing: batch` prices say (cached tokens are the documented exception: see the notes)
    batch = [(i, c) for i, c in enumerate(cases) if c[2].batch_discount is not None]
    assert len(batch) > 50
    for inp, out, cached, written in USAGES:
        if cached or written:
            continue
        ours = api_cost(prices, np.array([1.0]), np.array([float(inp)]), np.array([float(out)]),
                        batch_share=np.array([1.0])).total[:, 0]
        for i, (oid, src, point, at, _share) in batch:
            res = _genai(Usage(input_tokens=inp, output_tokens=out), src, at, {"processing": "batch"})
            if not math.isclose(ours[i], float(res.total_price), rel_tol=1e-9, abs_tol=1e-15):
                wrong.append(f"{oid} {at} batch {inp}/{out}: tco {ours[i]!r}, genai-prices {float(res.total_price)!r}")
    assert not wrong, "\n".join(wrong[:20])


@pinned
def test_the_snapshot_is_what_the_importer_makes():
    """The committed files are exactly what `tco catalog update` makes from the installed 0.2.3."""
    providers, version = imp.installed()
    res = imp.convert(providers, version, imp.known_by(version, today=date(2026, 11, 29)), read_map(PRICING),
                      read_curated(PRICING))
    assert res.known.day == KNOWN
    files = render(res)
    committed = {str(p.relative_to(PRICING / "imported")) for p in (PRICING / "imported").rglob("*.yaml")}
    assert set(files) == committed - {"genai-prices/map.yaml", "genai-prices/check-notes.yaml"}
    stale = [rel for rel, text in files.items()
             if (PRICING / "imported" / rel).read_text(encoding="utf-8") != text]
    assert not stale, f"run `tco catalog update --catalog pricing`: {stale}"
    assert res.offers >= 300 and len(res.provider_files) >= 20


def test_every_imported_offer_is_listed_with_where_it_comes_from(layers, capsys):
    _curated, imported = layers
    assert main(["catalog", "list", "--kind", "offer", "-f", "json", "--as-of", "2026-11-29"]) == 0
    rows = {r["id"]: r for r in json.loads(capsys.readouterr().out)["offers"]}
    for oid, offer in imported.offers.items():
        src = offer.imported_from
        assert rows[oid]["imported_from"] == {"catalog": "genai-prices", "version": "0.2.3",
                                              "provider": src.provider, "model": src.model}
    provider, model = genai_model("openai", "gpt-4o")
    assert rows["openai/gpt-4o"]["imported_from"]["model"] == model.id
    assert rows["alibaba/qwen-max"]["imported_from"] is None  # curated only


# ------------------------------------------------------------------ honest dates

def test_no_point_dated_before_the_source_knew_it(layers):
    """A point before 2026-11-10 carries a start date genai-prices gives (a price or its batch
    prices); a price genai-prices gives no start date is dated 2026-11-10, never its launch."""
    _curated, imported = layers
    early = 0
    for oid, offer in imported.offers.items():
        src = offer.imported_from
        _provider, model = genai_model(src.provider, src.model)
        starts = {c.constraint.start_date for c in (model.prices if isinstance(model.prices, list) else [])
                  if isinstance(c.constraint, StartDateConstraint)}
        starts |= {v.constraint.start_date for v in model.price_variants or ()
                   if isinstance(v.constraint, StartDateConstraint)}
        for p in offer.prices:
            assert p.provenance.checked == KNOWN and p.provenance.status == "single-source", oid
            if p.effective_from < KNOWN:
                early += 1
                assert p.effective_from in starts, f"{oid} {p.effective_from}: no such start date in genai-prices"
            elif p.effective_from == KNOWN and p.effective_from not in starts:
                assert "no start date in genai-prices" in p.provenance.note, oid
    assert early > 10  # genai-prices' dated history is kept


def test_an_undated_price_superseded_by_a_start_date_is_left_out():
    known = imp.KnownBy(KNOWN, "test")
    old, new = ModelPrice(input_mtok=D("3"), output_mtok=D("15")), ModelPrice(input_mtok=D("2"), output_mtok=D("8"))
    m = ModelInfo(id="m", match=ClauseEquals(equals="m"), prices=[
        ConditionalPrice(prices=old), ConditionalPrice(constraint=StartDateConstraint(date(2025, 6, 10)), prices=new)])
    pts = imp.price_points(m, known, "src")
    # the 3/15 price has no date of its own: it is history, left out (and counted), not back-dated
    assert [(p["effective_from"], p["input"], p["output"]) for p in pts.points] == [(date(2025, 6, 10), 2.0, 8.0)]
    assert pts.undated_dropped
    # undated alone: in force on the known-by day; a later start date is a later point
    m = ModelInfo(id="m", match=ClauseEquals(equals="m"), prices=[
        ConditionalPrice(prices=old), ConditionalPrice(constraint=StartDateConstraint(date(2026, 12, 1)), prices=new)])
    pts = imp.price_points(m, known, "src")
    assert [(p["effective_from"], p["input"]) for p in pts.points] == [(KNOWN, 3.0), (date(2026, 12, 1), 2.0)]
    assert not pts.undated_dropped
    assert "no start date in genai-prices" in pts.points[0]["provenance"]["note"]


def test_a_model_genai_prices_says_is_retired_is_not_dated_to_the_known_by_day():
    """genai-prices keeps retired models 'for historical usage': their undated price was not in force
    on the day it knew it. Points dated before a stated retirement stay, and the offer is retired then."""
    known = imp.KnownBy(KNOWN, "test")
    old, new = ModelPrice(input_mtok=D("2"), output_mtok=D("6")), ModelPrice(input_mtok=D("1"), output_mtok=D("3"))

    def model(comments, description=None, prices=None):
        return ModelInfo(id="m", match=ClauseEquals(equals="m"), description=description, price_comments=comments,
                         prices=prices or old)

    shut = model('Listed as "(Shut down)" under "Previous models" in the catalog. Checked 2026-10-15.')
    pts = imp.price_points(shut, known, "src")
    assert pts.points == [] and pts.retired == Retirement(
        None, 'Listed as "(Shut down)" under "Previous models" in the catalog')
    assert imp.price_points(model(None, "Retired, here to match price sources"), known, "src").points == []
    dated = model("Retired on 2025-06-16; retained for historical usage records.", prices=[
        ConditionalPrice(prices=old), ConditionalPrice(constraint=StartDateConstraint(date(2025, 2, 1)), prices=new)])
    pts = imp.price_points(dated, known, "src")
    assert [(p["effective_from"], p["input"]) for p in pts.points] == [(date(2025, 2, 1), 1.0)]
    assert pts.retired.day == date(2025, 6, 16)
    # a retirement announced for after the known-by day, a feature's retirement, a name routed on: in force
    for comments in ("Retires on 2026-12-31.", "The 1M context beta was retired on 2026-04-30; requests over 200k "
                     "now error.", "V4.1 Flash from 2026-09-10, when DeepSeek retired V4 Flash and routed the name."):
        pts = imp.price_points(model(comments), known, "src")
        assert pts.retired is None and [p["effective_from"] for p in pts.points] == [KNOWN], comments


def test_retired_imported_offers(cat, converted):
    reasons = {(s.provider, s.model): s.reason for s in converted.skipped}
    for key in [("anthropic", "claude-v1"), ("google", "gemini-2.0-flash"), ("mistral", "mistral-medium-2312")]:
        assert reasons[key].startswith("retired by the known-by date, in genai-prices' words"), key
    # the curated Gemini 2.0 Flash is not continued by a 2026 price genai-prices keeps only for history
    assert cat.offer("google/gemini-2.0-flash").imported_from is None


def test_known_by_date():
    assert imp.known_by("0.2.3", today=date(2026, 11, 29)).day == KNOWN  # recorded upload date
    other = imp.known_by("0.2.9", today=date(2027, 1, 5))
    assert other.day == date(2027, 1, 5) and "date of this import" in other.how
    given = imp.known_by("0.2.9", released=date(2026, 12, 20), today=date(2027, 1, 5))
    assert given.day == date(2026, 12, 20) and "PyPI upload date" in given.how
    # a --released that contradicts the recorded upload date, or predates genai-prices, is refused
    # (1990-01-01 dated Claude offers from 1990, still said to be "the PyPI upload date of 0.2.3")
    for version, day, said in (("0.2.3", date(1990, 1, 1), "was uploaded to PyPI on 2026-11-10"),
                               ("0.2.9", date(1990, 1, 1), "before genai-prices existed (its first commit: 2025-06-21)")):
        with pytest.raises(TcoError, match=re.escape(said)):
            imp.known_by(version, released=day, today=date(2027, 1, 5))


# ------------------------------------------------------------------ conversions, by hand

def test_offpeak_from_time_of_day_prices(layers):
    """DeepSeek in genai-prices: the unconstrained price is the off-peak one, 00:30-16:30 UTC the
    standard one; tco: the standard price with the off-peak one in 16:30-00:30. (The imported layer's
    point: deepseek-chat was retired on 2026-07-25, so the catalog never prices it.)"""
    _curated, imported = layers
    p = imported.offers["deepseek/deepseek-chat-usd"].prices[-1]
    assert p.effective_from == KNOWN
    assert (p.input, p.output, p.cached_input) == (0.27, 1.1, 0.07)
    off = p.offpeak
    assert (off.input, off.output, off.cached_input, windows(off)) == (0.135, 0.55, 0.035, [("16:30", "00:30")])
    # 1,000 in, 500 out: standard 1000 x 0.27 + 500 x 1.1 = 820 per 1M = 0.00082; off-peak 410 -> 0.00041.
    # Spread evenly over the day, 8 h of 24 are off-peak: 0.00082 x 2/3 + 0.00041 x 1/3 = 0.00068333...
    assert one_request(p, 1000, 500) == pytest.approx(0.00082, rel=1e-12)
    assert one_request(p, 1000, 500, offpeak_share=1.0) == pytest.approx(0.00041, rel=1e-12)
    assert one_request(p, 1000, 500, offpeak_share=off.week_share) == pytest.approx(0.00082 * 2 / 3 + 0.00041 / 3)


def test_a_peak_window_becomes_offpeak_outside_it():
    """deepseek-v4-style: 0.66 most of the day, 1.32 in 01:00-04:00 and 06:00-10:00 UTC. The higher
    price is the point's, the lower one applies in the three windows between (17 h of 24)."""
    std, peak = ModelPrice(input_mtok=D("0.66"), output_mtok=D("1.98")), ModelPrice(input_mtok=D("1.32"),
                                                                                   output_mtok=D("3.96"))
    m = ModelInfo(id="m", match=ClauseEquals(equals="m"), prices=[
        ConditionalPrice(prices=std),
        ConditionalPrice(constraint=TimeOfDateConstraint(time(1, tzinfo=UTC), time(4, tzinfo=UTC)), prices=peak),
        ConditionalPrice(constraint=TimeOfDateConstraint(time(6, tzinfo=UTC), time(10, tzinfo=UTC)), prices=peak)])
    (p,) = imp.price_points(m, imp.KnownBy(KNOWN, "test"), "src").points
    assert (p["input"], p["output"]) == (1.32, 3.96)
    assert p["offpeak"] == {"input": 0.66, "output": 1.98,
                            "windows_utc": [["04:00", "06:00"], ["10:00", "01:00"]]}


def test_prompt_length_tiers(cat):
    """gemini-2.5-pro: 1.25 / 10 per 1M, 2.5 / 15 once the prompt is over 200K tokens (the whole request)."""
    p = cat.price_at("google/gemini-2.5-pro", date(2026, 11, 29))
    (t,) = p.tiers
    assert (t.above_input_tokens, t.input, t.output, t.cached_input) == (200_000, 2.5, 15.0, 0.25)
    # 1,000 in + 500 out: 1000 x 1.25 + 500 x 10 = 6,250 per 1M = 0.00625
    assert one_request(p, 1000, 500) == pytest.approx(0.00625, rel=1e-12)
    # 250,000 in + 1,000 out, all at the tier: 250000 x 2.5 + 1000 x 15 = 640,000 per 1M = 0.64
    assert one_request(p, 250_000, 1000) == pytest.approx(0.64, rel=1e-12)
    # 200,000 exactly is not over the threshold: 200000 x 1.25 + 1000 x 10 = 260,000 per 1M = 0.26
    assert one_request(p, 200_000, 1000) == pytest.approx(0.26, rel=1e-12)


def test_tiers_with_several_thresholds():
    """Input tiered at 32K and 128K, output at 128K only: one tier per threshold, every price explicit."""
    m = ModelInfo(id="m", match=ClauseEquals(equals="m"), prices=ModelPrice(
        input_mtok=TieredPrices(D("1"), [Tier(32_000, D("2")), Tier(128_000, D("4"))]),
        output_mtok=TieredPrices(D("5"), [Tier(128_000, D("10"))]), cache_read_mtok=D("0.1")))
    (p,) = imp.price_points(m, imp.KnownBy(KNOWN, "test"), "src").points
    assert p["tiers"] == [{"above_input_tokens": 32_000, "input": 2.0, "output": 5.0, "cached_input": 0.1},
                          {"above_input_tokens": 128_000, "input": 4.0, "output": 10.0, "cached_input": 0.1}]


def test_batch_discount(layers, cat):
    """gpt-4o's batch prices are half its list prices (genai-prices from 2026-10-14): 0.5 off. That
    point repeats the curated one in force (2.5 / 10, batch 0.5), so the catalog keeps the curated one."""
    imported = layers[1].offers["openai/gpt-4o"].prices[-1]
    assert imported.batch_discount == 0.5
    assert "cached input in batch at its standard price" in imported.provenance.note  # what tco cannot say exactly
    p = cat.price_at("openai/gpt-4o", date(2026, 11, 29))
    assert p.batch_discount == 0.5 and p.effective_from == date(2025, 1, 13) and _repeats(imported, p)
    # 1,000 in + 500 out = 1000 x 2.5 + 500 x 10 = 7,500 per 1M = 0.0075; all through batch: 0.00375
    assert one_request(p, 1000, 500, batch_share=1.0) == pytest.approx(0.00375, rel=1e-12)


def test_batch_prices_that_do_not_scale_alike_are_not_a_discount():
    m = ModelInfo(id="m", match=ClauseEquals(equals="m"),
                  prices=ModelPrice(input_mtok=D("2"), output_mtok=D("8")),
                  price_variants=[PriceVariant(when={"processing": "batch"},
                                               prices=ModelPrice(input_mtok=D("1"), output_mtok=D("6")))])
    (p,) = imp.price_points(m, imp.KnownBy(KNOWN, "test"), "src").points
    assert "batch_discount" not in p and "do not scale input and output alike" in p["provenance"]["note"]


def test_cache_writes_and_request_fees(cat):
    p = cat.price_at("anthropic/claude-sonnet-4", date(2026, 6, 14))  # its last day (retired on 2026-06-15)
    assert (p.input, p.output, p.cached_input, p.cache_write) == (3.0, 15.0, 0.3, 3.75)
    # 20,000 in (10,000 read from cache, 5,000 written) + 200 out:
    # 5000 x 3 + 10000 x 0.3 + 5000 x 3.75 + 200 x 15 = 15000 + 3000 + 18750 + 3000 = 39,750 per 1M = 0.03975
    assert one_request(p, 20_000, 200, cached=10_000, written=5_000) == pytest.approx(0.03975, rel=1e-12)
    fees = [o for o in cat.offers.values() if o.prices[-1].per_1k_requests]
    assert fees, "per-request fees (Perplexity's) are imported"
    q = fees[0].prices[-1]
    # a request fee is per 1,000 requests: one request pays per_1k_requests / 1000 on top of its tokens
    assert one_request(q, 1000, 500) == pytest.approx((1000 * q.input + 500 * q.output) / 1e6
                                                      + q.per_1k_requests / 1000, rel=1e-12)


def test_only_text_generation_is_imported():
    for mid, why in [("gpt-image-1", "image"), ("text-embedding-3-small", "embedding"), ("whisper-1", "speech")]:
        _p, m = genai_model("openai", mid)
        assert imp.not_text(m), why
    _p, m = genai_model("openai", "gpt-4o")
    assert imp.not_text(m) is None


# ------------------------------------------------------------------ one offer, one id

def test_gpt_4o_continues_the_curated_history(cat):
    o = cat.offer("openai/gpt-4o")
    # genai-prices' point of KNOWN repeats the curated one of 2025-01-13 (2.5 / 10, batch 0.5): not added,
    # so the curated point stays in force with its status and sources
    assert [p.effective_from for p in o.prices] == [date(2024, 5, 13), date(2024, 10, 2), date(2025, 1, 13)]
    assert o.prices[1].provenance.status == "verified"  # the curated points win for the dates they cover
    assert o.imported_from.model == "gpt-4o" and o.imported_from.provider == "openai"
    assert o.name == "gpt-4o (moving alias)"  # curated facts stay
    assert o.prices[2].model == "gpt-4o-2024-08-06"  # the alias serves the 08-06 snapshot from 2024-10-02
    assert cat.price_at("openai/gpt-4o", date(2025, 1, 1)).effective_from == date(2024, 10, 2)
    assert cat.price_at("openai/gpt-4o", date(2026, 11, 29)).effective_from == date(2025, 1, 13)
    # a continuation that says something new is added, and serves the model the curated history last names
    m = cat.offer("mistral/mistral-small-latest")
    assert m.prices[-1].effective_from > m.prices[-2].effective_from and m.prices[-1].provenance.source.startswith(
        "pydantic/genai-prices 0.2.3")
    assert cat.offer_id("gpt-4o") == "openai/gpt-4o"  # Azure's imported gpt-4o does not take the bare name


def test_other_continuations(cat):
    for oid, genai in [("anthropic/claude-3.5-sonnet", "claude-3-5-sonnet"), ("deepseek/deepseek-chat-usd",
                                                                                "deepseek-chat"),
                       ("together/llama-3.1-70b-instruct-turbo", "meta-llama/Meta-Llama-3.1-70B-Instruct-Turbo"),
                       ("aws-bedrock/llama-3.1-8b-instruct", "meta.llama3-1-8b-instruct-v1:0")]:
        assert cat.offer(oid).imported_from.model == genai, oid
    # the CNY price list keeps its own history; the USD one (the same endpoint) is linked
    assert cat.offer("deepseek/deepseek-chat").imported_from is None
    # ... but deepseek-chat was retired on 2026-07-24: genai-prices still lists it (at 2025's V3 prices),
    # and the loader continues nothing after a curated retirement
    usd = cat.offer("deepseek/deepseek-chat-usd")
    assert usd.retired == date(2026, 7, 25) and usd.prices[-1].effective_from == date(2026, 4, 26)
    assert cat.price_at("deepseek/deepseek-chat-usd", date(2026, 7, 24)).effective_from == date(2026, 4, 26)
    with pytest.raises(Retired, match="retired on 2026-07-25"):
        cat.price_at("deepseek/deepseek-chat-usd", date(2026, 11, 29))
    # same name, another price list: Moonshot's CNY offers stay, its USD list is imported apart
    assert cat.offer("moonshot/moonshot-v1-8k").prices[-1].currency == "CNY"
    # (Moonshot shut the v1 models down on 2026-08-31: genai-prices' undated USD price, known 2026-11-10,
    # cannot be dated before that, so the USD offer is kept without prices and says so)
    gone = cat.retired_offer("moonshot/moonshot-v1-8k-usd")
    assert gone.imported_from.model == "moonshot-v1-8k" and gone.retired == date(2026, 8, 31)
    assert cat.offer("moonshot/moonshot-v1-8k").retired == date(2026, 8, 31)


def test_imported_points_of_a_retired_name_serve_what_map_yaml_says(layers):
    """The points genai-prices still gives deepseek-chat and deepseek-reasoner (never priced: both are
    retired) name the models genai-prices describes, not the V4-Flash the curated history last names."""
    _curated, imported = layers
    assert imported.offers["deepseek/deepseek-chat-usd"].prices[-1].model == "deepseek-chat"
    assert imported.offers["deepseek/deepseek-reasoner-usd"].prices[-1].model is None  # the offer's: deepseek-r1
    assert imported.offers["deepseek/deepseek-reasoner-usd"].model == "deepseek-r1"


@pytest.fixture(scope="module")
def converted():
    providers, version = imp.installed()
    return imp.convert(providers, version, imp.KnownBy(KNOWN, "test"), read_map(PRICING), read_curated(PRICING))


def test_curated_offers_are_linked_by_their_names(converted):
    """The curated 2025-2026 offers continue the genai-prices models their api_name or an alias resolves
    to: claude-sonnet-4 (api_name claude-sonnet-4-20250514, alias claude-sonnet-4-0) is continued by
    genai-prices' claude-sonnet-4-0 and keeps its own id."""
    res = converted
    assert res.links["anthropic/claude-sonnet-4"] == "anthropic/claude-sonnet-4-0"
    assert res.links["openai/o3"] == "openai/o3"
    assert res.links["openai/gpt-4.1"] == "openai/gpt-4.1"
    assert res.links["google/gemini-2.5-pro"] == "google/gemini-2.5-pro"
    assert res.links["deepseek/deepseek-reasoner-usd"] == "deepseek/deepseek-reasoner"
    assert "deepseek/deepseek-reasoner" not in res.links  # the CNY list is another price list
    ids = {o["id"] for pf in res.provider_files.values() for o in pf["offers"]}
    assert "anthropic/claude-sonnet-4-0" not in ids and "anthropic/claude-sonnet-4" in ids


def test_dated_snapshots_of_one_line_continue_the_newest(converted):
    """A genai-prices model whose match clauses name several dated snapshots of one curated line
    continues the newest (no second id); two same-day siblings need map.yaml (grok-4.20)."""
    res = converted
    assert res.links["mistral/mistral-large-2411"] == "mistral/mistral-large"
    assert res.links["mistral/mistral-medium-2508"] == "mistral/mistral-medium-3-1"
    assert res.links["xai/grok-4.20-0309-reasoning"] == "x-ai/grok-4.20"  # map.yaml
    for older in ("mistral/mistral-large-2407", "mistral/mistral-medium-2505", "xai/grok-4.20-0309-non-reasoning"):
        assert older not in res.links
    # gemini-2.5-flash-preview names the 04-17 and 05-20 snapshots; the newest would continue it, but
    # genai-prices says the model 'should be retired 2025-07-15': no price of it is in force on 2026-11-10
    assert any("continues the newest, google/gemini-2.5-flash-preview-05-20" in m for m in res.messages)
    assert "google/gemini-2.5-flash-preview-05-20" not in res.links
    assert [s.reason for s in res.skipped if s.model == "gemini-2.5-flash-preview"] == [
        "retired by the known-by date, in genai-prices' words: 'from "
        "https://cloud.google.com/vertex-ai/generative-ai/pricing should be retired 2025-07-15'"]
    ids = {o["id"] for pf in res.provider_files.values() for o in pf["offers"]}
    assert not ids & {"google/gemini-2.5-flash-preview", "mistral/mistral-large", "mistral/mistral-medium-3-1",
                      "xai/grok-4.20"}


def test_newest_snapshot_rule():
    from types import SimpleNamespace as O

    def offer(oid, api_name, launched=None, first="2025-01-01"):
        return O(id=oid, api_name=api_name, launched=launched and date.fromisoformat(launched),
                 prices=(O(effective_from=date.fromisoformat(first)),))

    a, b = offer("m/large-2407", "large-2407", "2024-07-24"), offer("m/large-2411", "large-2411", first="2025-01-13")
    assert imp._newest_snapshot([a, b]) == "m/large-2411"  # launch date, else the first price
    assert imp._newest_snapshot([offer("g/f-04-17", "f-preview-04-17", "2025-04-17"),
                                 offer("g/f-05-20", "f-preview-05-20", "2025-05-20")]) == "g/f-05-20"
    same_day = [offer("x/g-0309-reasoning", "g-0309-reasoning", "2026-03-09"),
                offer("x/g-0309-non-reasoning", "g-0309-non-reasoning", "2026-03-09")]
    assert imp._newest_snapshot(same_day) is None  # siblings, not snapshots of one line
    assert imp._newest_snapshot([a, offer("m/large-2412", "large-2412", "2024-07-24")]) is None  # as new
    assert imp._newest_snapshot([a, offer("m/large-latest", "large-latest", "2025-01-01")]) is None  # an alias
    assert imp._newest_snapshot([a, offer("m/small-2411", "small-2411", "2025-01-01")]) is None  # two lines


def test_no_curated_offer_has_a_second_imported_id(layers):
    """Same provider, same model behind two ids: every curated USD offer whose api_name or alias
    genai-prices resolves to a model is that model's only offer (an imported id of its own would be a
    duplicate). Another price list (a curated CNY offer of the same name) is imported apart."""
    from genai_prices.data import providers

    curated, imported = layers
    imap = read_map(PRICING)
    by_source = {(o.imported_from.provider, o.imported_from.model): oid for oid, o in imported.offers.items()}
    ours = {v: k for k, v in imap.providers.items()}
    gp = {p.id: p for p in providers}
    dups = []
    for oid, o in curated.offers.items():
        provider = gp.get(ours.get(curated.offer_provider[oid], ""))
        if provider is None or o.prices[-1].currency != "USD":
            continue
        for name in (o.api_name, *o.aliases):
            m = provider.find_model(name) if name else None
            iid = by_source.get((provider.id, m.id)) if m else None
            if iid is not None and iid not in curated.offers:
                dups.append(f"{oid} ({name}) and {iid}")
    assert not dups


def test_aliases_from_match_clauses(cat):
    # genai-prices' match names; a bare name Google's hosted Claude also has stays Anthropic's (its vendor)
    assert cat.offer_id("claude-4-sonnet") == "anthropic/claude-sonnet-4"  # the curated offer it continues
    assert cat.offer_id("anthropic/claude-sonnet-4-0") == "anthropic/claude-sonnet-4"  # genai-prices' id too
    assert cat.offer_id("google/claude-4-sonnet") == "google/claude-4-sonnet"
    assert cat.model(cat.offer("google/claude-4-sonnet").model).vendor == "Anthropic"
    assert "claude-sonnet-4-2025" not in cat.aliases  # a prefix ending in a year is not a name


# ------------------------------------------------------------------ tco catalog update

@pytest.fixture
def catalog_copy(tmp_path):
    dest = tmp_path / "pricing"
    shutil.copytree(PRICING, dest)
    return dest


def _tree(folder):
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_an_interrupted_update_leaves_the_old_catalog_whole(catalog_copy, monkeypatch, capsys):
    import tco.files
    from tco.errors import TcoError

    before = _tree(catalog_copy / "imported")
    real, calls = tco.files.atomic_write, []

    def failing(path, text):
        calls.append(path)
        if len(calls) == 5:  # the fifth file of the new layer: the disk is full
            raise TcoError("cannot write: No space left on device", file=str(path))
        real(path, text)

    monkeypatch.setattr(tco.files, "atomic_write", failing)
    assert main(["catalog", "update", "--catalog", str(catalog_copy)]) == 2
    assert "No space left on device" in capsys.readouterr().err
    assert len(calls) == 5
    assert _tree(catalog_copy / "imported") == before  # every old file as it was
    assert [p.name for p in catalog_copy.iterdir() if p.name.startswith(".")] == []  # no temporary folder left


def test_update_prints_what_changed(catalog_copy, capsys):
    import yaml

    path = catalog_copy / "imported" / "genai-prices" / "openai.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    offers = {o["id"]: o for o in data["offers"]}
    offers["openai/gpt-4o"]["prices"][-1]["input"] = 3.0  # as if the last import had another price
    data["offers"] = [o for o in data["offers"] if o["id"] != "openai/o3"]  # as if o3 were new
    gone = dict(offers["openai/gpt-4o-mini"], id="openai/gpt-retired")
    data["offers"].append(gone)  # as if genai-prices had dropped a model
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    (catalog_copy / "imported" / "genai-prices" / "check-notes.yaml").write_text("notes: []\n# mine\n")
    assert main(["catalog", "update", "--catalog", str(catalog_copy)]) == 0
    out = capsys.readouterr().out
    assert "changes: 1 new offers, 1 with changed prices, 1 removed" in out
    assert "  openai/gpt-4o: 2026-11-10 input 3 -> 2.5" in out
    assert "new offers:\n  openai/o3\n" in out and "removed offers:\n  openai/gpt-retired\n" in out
    assert "undated prices dated 2026-11-10: the PyPI upload date of genai-prices 0.2.3" in out
    # the hand-written files are carried over as they are; the layer is the committed one again
    assert (catalog_copy / "imported" / "genai-prices" / "check-notes.yaml").read_text() == "notes: []\n# mine\n"
    assert path.read_text(encoding="utf-8") == (PRICING / "imported" / "genai-prices" / "openai.yaml").read_text(
        encoding="utf-8")
    assert main(["catalog", "update", "--catalog", str(catalog_copy), "--dry-run", "-f", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["counts"]["new"] == data["counts"]["changed"] == data["counts"]["removed"] == 0
    assert data["written"] is False and data["version"] == "0.2.3"


def test_update_without_genai_prices_says_how_to_install_it(catalog_copy, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "genai_prices", None)  # `import genai_prices` raises ImportError
    monkeypatch.setitem(sys.modules, "genai_prices.data", None)
    assert main(["catalog", "update", "--catalog", str(catalog_copy)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "pip install 'tco[import]'" in err[0] and err[0].startswith("tco: error:")


def test_update_refuses_the_installed_packages_own_copy(monkeypatch, capsys, tmp_path):
    import tco.catalog

    monkeypatch.delenv("TCO_CATALOG", raising=False)
    monkeypatch.setattr(tco.catalog, "find_catalog_dir", lambda explicit=None: tmp_path)
    monkeypatch.setattr(tco.catalog, "builtin_copy", lambda path: True)
    assert main(["catalog", "update"]) == 2
    err = capsys.readouterr().err
    assert "installed package's own copy" in err and "--catalog mycatalog" in err


# ------------------------------------------------------------------ tco catalog check

def test_check_curated_against_imported(capsys):
    assert main(["catalog", "check"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("Curated versus imported prices: ")
    assert main(["catalog", "check", "-f", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    counts = data["counts"]
    assert counts["offers"] >= 20 and counts["agree"] >= 15
    assert counts["differ"] == counts["explained"], "every difference is fixed or explained in check-notes.yaml"
    assert data["stale_notes"] == []
    # a curated offer retired before the import's day is not compared: the import still lists a shut-down model
    after = {r["offer"] for r in data["rows"] if r["verdict"] == "after retirement"}
    assert {"deepseek/deepseek-chat-usd", "anthropic/claude-3-sonnet"} <= after
    for row in data["rows"]:
        if row["verdict"] == "differ":
            assert row["note"] and row["curated_source"] and row["imported_source"]
            assert row["note"] in text  # printed next to it


def test_check_shows_both_values_and_both_sources(catalog_copy, capsys):
    path = catalog_copy / "api" / "openai.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("        input: 0.15\n        output: 0.6\n        cached_input: 0.075",
                                 "        input: 0.16\n        output: 0.6\n        cached_input: 0.075"),
                    encoding="utf-8")
    chk = check(catalog_copy)
    (row,) = [r for r in chk.rows if r.offer == "openai/gpt-4o-mini" and r.verdict == "differ"]
    assert row.date == KNOWN and [(f.name, f.curated, f.imported) for f in row.differ] == [("input", 0.16, 0.15)]
    assert row.note is None and chk.unexplained == [row]
    assert main(["catalog", "check", "--catalog", str(catalog_copy)]) == 0  # a report, not a failure
    out = capsys.readouterr().out
    assert re.search(r"openai/gpt-4o-mini +2026-11-10 +differ +input 0.16 vs 0.15", out)
    assert "UNEXPLAINED" in out and "prices/providers/openai.yml, model gpt-4o-mini" in out


def test_a_stale_import_never_continues_another_currency(catalog_copy, capsys):
    """A curated CNY offer added after the import under the imported offer's id: the loader refuses
    to merge the two price lists and says how to regenerate (the importer would keep them apart)."""
    path = catalog_copy / "api" / "moonshot.yaml"
    text = path.read_text(encoding="utf-8")
    assert "  - id: moonshot/kimi-k2\n" not in text  # imported only (genai-prices' kimi-k2, USD)
    path.write_text(text.replace("  - id: moonshot/kimi-k2-0711-preview\n", "  - id: moonshot/kimi-k2\n"
                                 "    name: kimi-k2\n    model: kimi-k2\n    prices:\n"
                                 "      - effective_from: 2025-07-11\n        currency: CNY\n        input: 4.0\n"
                                 "        output: 16.0\n        provenance: {source: x, checked: 2026-11-24, "
                                 "status: verified}\n  - id: moonshot/kimi-k2-0711-preview\n"), encoding="utf-8")
    assert main(["catalog", "list", "--catalog", str(catalog_copy)]) == 2
    err = capsys.readouterr().err
    assert "imported offer 'moonshot/kimi-k2' is priced in USD" in err and "tco catalog update" in err


def test_hosts_names_of_known_models_reach_our_model_ids(catalog) -> None:
    # Bedrock sells Anthropic's dated API names (claude-sonnet-4-20250514, an offer of claude-sonnet-4) under
    # its own prefix; hosts spell Llama 4 Scout with its size and experts (map.yaml models:)
    offers = {**{g.id: g for pf in catalog.providers.values() for g in pf.retired_offers}, **catalog.offers}
    assert offers["aws-bedrock/regional.anthropic.claude-sonnet-4-20250514-v1-0"].model == "claude-sonnet-4"
    assert offers["aws-bedrock/regional.anthropic.claude-3-5-sonnet-20240620-v1-0"].model == "claude-3.5-sonnet"
    assert offers["aws-bedrock/regional.anthropic.claude-3-5-sonnet-20241022-v2-0"].model == "claude-3.5-sonnet-20241022"
    for oid in ("groq/meta-llama-llama-4-scout-17b-16e-instruct", "together/meta-llama-llama-4-scout-17b-16e-instruct"):
        assert offers[oid].model == "llama-4-scout"
    assert offers["together/meta-llama-llama-4-maverick-17b-128e-instruct-fp8"].model == "llama-4-maverick"
    # the sixth session's links: a Bedrock routing prefix, a host's point-as-p spelling, a repository name
    for oid, model in (("aws-bedrock/regional.amazon.nova-2-lite-v1-0", "global.amazon.nova-2-lite-v1-0"),
                       ("fireworks/kimi-k2p7-code", "kimi-k2.7-code"),
                       ("aws-bedrock/mistral.devstral-2-123b", "devstral-2512"),
                       ("together/meta-llama-llama-3-70b-chat-hf", "llama-3-70b-instruct")):
        assert offers[oid].model == model, oid
    # the score-links session's: models that always think (Kimi K3, GLM-5.3) under hosts' names, Fireworks'
    # Fast and US-only routers, a maker's FP8 release, MiniMax's highspeed endpoints, Bedrock's Mistral 3
    # ids, and Bedrock's DeepSeek-R1 (its model card dates it Jan 20, 2025: the first R1, not R1-0528)
    for oid, model in (("databricks/databricks-kimi-k3", "kimi-k3"),
                       ("aws-bedrock/global.moonshotai.kimi-k3", "kimi-k3"),
                       ("fireworks/kimi-k3-fast", "kimi-k3"),
                       ("fireworks/kimi-k3-us", "kimi-k3"),
                       ("fireworks/glm-5p3", "glm-5.3"),
                       ("databricks/databricks-glm-5-3", "glm-5.3"),
                       ("mistral/zai-glm-5-3", "glm-5.3"),
                       ("doubleword/zai-org-glm-5.2-fp8", "glm-5.2"),
                       ("minimax/minimax-m2.7-highspeed", "minimax-m2.7"),
                       ("aws-bedrock/mistral.mistral-large-3-675b-instruct", "mistral-large-3"),
                       ("aws-bedrock/deepseek.r1-v1-0", "deepseek-r1")):
        assert offers[oid].model == model, oid
    # the score-links2 session's: Bedrock's two Claude Haiku 5.5 profiles, whose model card gives the
    # Claude API's default (adaptive thinking on, effort medium), the mode claude-haiku-5-5 is scored in
    for oid in ("aws-bedrock/global.anthropic.claude-haiku-5-5", "aws-bedrock/regional.anthropic.claude-haiku-5-5"):
        assert offers[oid].model == "claude-haiku-5-5", oid
    assert "global.anthropic.claude-haiku-5-5" not in catalog.models
    # GLM-5.3-Flash always thinks, so its hosts' names reach it as GLM-5.3's do (linked on review: the nine
    # hosts the automatic rule links by the weights' name were linked already); the host's default effort is
    # not on record, and the model's reasoning default says so
    for oid in ("fireworks/glm-5p3-flash", "fireworks/glm-5p3-flash-us", "databricks/databricks-glm-5-3-flash",
                "mistral/zai-glm-5-3-flash"):
        assert offers[oid].model == "glm-5.3-flash", oid
    assert "hosts' default effort not on record" in catalog.reasoning_defaults["glm-5.3-flash"].setting
    # and what stays apart: a hybrid model where the host's default mode is not on record, a host's
    # "fast" copy with no host page saying what it serves; a third party's NVFP4 quantization of
    # GLM-5.3-Flash, and Z.ai's FlashX, whose identity and mode are unclear
    assert offers["databricks/databricks-glm-5-2"].model == "databricks-glm-5-2"
    assert offers["fireworks/deepseek-v3p2"].model == "deepseek-v3p2"
    assert offers["baseten/zai-org-glm-5.2-fast"].model == "glm-5.2-fast"
    for oid, model in (("modal/nvidia-glm-5.3-flash-nvfp4", "glm-5.3-flash-nvfp4"),
                       ("zai/glm-5.3-flashx", "glm-5.3-flashx")):
        assert offers[oid].model == model, oid
    # quality follows: the scores on record for the model rank the host's offer
    assert ("llama-4-scout", "mmlu-pro") in catalog.scores
    for model in ("kimi-k3", "glm-5.3", "glm-5.2", "minimax-m2.7", "mistral-large-3", "deepseek-r1"):
        assert (model, "gpqa-diamond") in catalog.scores, model
    assert ("claude-haiku-5-5", "hle") in catalog.scores


def test_the_writer_quotes_what_the_reader_would_take_for_a_number():
    """A review: PyYAML writes '0800', '1:30' and '1e6' bare (they are text in YAML 1.1), and tco's reader
    (YAML 1.2 numbers, ambiguous ones refused) would then refuse or misread the imported layer."""
    from tco import yamlio
    from tco.catalog.update import dump_yaml

    data = {"a": ["0800", "1:30", "1e6", "12", "00:30", "abc", "v1.0"]}
    text = dump_yaml(data)
    assert text.strip() == "a: ['0800', '1:30', '1e6', '12', '00:30', abc, v1.0]"
    assert yamlio.parse(text, "w.yaml").data == data  # read back as written
