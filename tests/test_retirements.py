"""Shutdowns the imported catalog does not state: genai-prices keeps listing models their vendors
shut down (so that old usage can still be priced), and its undated prices are dated to the day it
knew them. ``map.yaml``'s ``retired:`` entries, each with the vendor's words, end an imported
offer on its shutdown day; an offer shut down before any of its prices can be dated is kept
without prices (``retired_offers``), so a scenario naming it is told when, not that it never existed.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

genai_prices = pytest.importorskip("genai_prices")

from genai_prices.types import ClauseEquals, ConditionalPrice, ModelInfo, ModelPrice, StartDateConstraint  # noqa: E402

from tco.catalog import imported as imp  # noqa: E402
from tco.catalog import load_catalog  # noqa: E402
from tco.catalog.imported_prices import Retirement  # noqa: E402
from tco.catalog.loader import read_curated  # noqa: E402
from tco.catalog.update import read_map  # noqa: E402
from tco.cli import main  # noqa: E402
from tco.errors import Retired, TcoError  # noqa: E402
from tco.schema.imported import Retirement as MapRetirement  # noqa: E402


PRICING = Path(__file__).resolve().parent.parent / "pricing"
KNOWN = date(2026, 11, 10)
D = __import__("decimal").Decimal


def _model(prices, comments=None):
    return ModelInfo(id="m", match=ClauseEquals(equals="m"), price_comments=comments, prices=prices)


def test_a_stated_shutdown_ends_the_points_before_it():
    known = imp.KnownBy(KNOWN, "test")
    old, new = ModelPrice(input_mtok=D("2"), output_mtok=D("6")), ModelPrice(input_mtok=D("1"), output_mtok=D("3"))
    history = [ConditionalPrice(prices=old), ConditionalPrice(constraint=StartDateConstraint(date(2025, 2, 1)),
                                                              prices=new)]
    shut = Retirement(date(2025, 6, 16), "shut down 2025-06-16", "vendor page: shut down 2025-06-16")
    # undated only: nothing was in force on the known-by day, so no point is left
    pts = imp.price_points(_model(old), known, "src", shut=shut)
    assert pts.points == [] and pts.retired is shut
    # a dated point before the shutdown stays; the undated one (known 2026-11-10) goes
    pts = imp.price_points(_model(history), known, "src", shut=shut)
    assert [(p["effective_from"], p["input"]) for p in pts.points] == [(date(2025, 2, 1), 1.0)]
    # a shutdown after the known-by day leaves the known-by point in force until then
    later = Retirement(date(2027, 1, 15), "scheduled", "vendor page: 2027-01-15")
    pts = imp.price_points(_model(old), known, "src", shut=later)
    assert [p["effective_from"] for p in pts.points] == [KNOWN] and pts.retired is later
    # genai-prices' own earlier statement wins over a later one of map.yaml
    pts = imp.price_points(_model(history, "Retired on 2025-03-01; kept for history."), known, "src", shut=shut)
    assert pts.retired.day == date(2025, 3, 1) and pts.retired.source is None
    assert [p["effective_from"] for p in pts.points] == [date(2025, 2, 1)]


@pytest.fixture(scope="module")
def installed():
    return imp.installed()


def _convert(installed, *retired):
    providers, version = installed
    imap = read_map(PRICING)
    imap = imap.model_copy(update={"retired": imap.retired + tuple(retired)})
    return imp.convert(providers, version, imp.KnownBy(KNOWN, "test"), imap, read_curated(PRICING))


def _pick(installed, provider, dated):
    """A genai-prices model of ``provider`` with (or without) a start-dated price before 2026."""
    providers, _ = installed
    gp = next(p for p in providers if p.id == provider)
    for m in gp.models:
        prices = m.prices if isinstance(m.prices, list) else [ConditionalPrice(prices=m.prices)]
        starts = [c.constraint.start_date for c in prices if isinstance(c.constraint, StartDateConstraint)]
        if bool(starts) == dated and (not dated or min(starts) < date(2026, 1, 1)) and not m.deprecated:
            return m
    pytest.skip(f"no {'dated' if dated else 'undated'} {provider} model in this genai-prices")


def test_convert_keeps_an_undated_shut_down_model_as_a_retired_offer(installed):
    m = _pick(installed, "together", dated=False)
    entry = MapRetirement(provider="together", model=m.id, day=date(2025, 3, 20), source="https://example.test/deps",
                          why="'shut down on 2025-03-20'")
    res = _convert(installed, entry)
    pf = res.provider_files["together"]
    assert m.id not in {o["api_name"] for o in pf["offers"]}
    gone = next(o for o in pf["retired_offers"] if o["api_name"] == m.id)
    assert gone["retired"] == date(2025, 3, 20)
    assert gone["retired_source"] == "https://example.test/deps: 'shut down on 2025-03-20'"
    assert any(s.model == m.id and s.reason.startswith("shut down before any of its prices can be dated: on 2025-03-20")
               for s in res.skipped)
    assert gone["model"]  # the model stays on record (its scores, other hosts' offers of it)


def test_convert_retires_a_model_with_dated_prices_before_its_shutdown(installed):
    for provider in ("openai", "anthropic", "google", "mistral", "x-ai"):
        providers, _ = installed
        try:
            m = _pick(installed, provider, dated=True)
        except pytest.skip.Exception:
            continue
        break
    else:
        pytest.skip("no model with a start-dated price before 2026")
    res = _convert(installed, MapRetirement(provider=provider, model=m.id, day=date(2026, 1, 31), source="src",
                                            why="'retired 2026-01-31'"))
    offers = [o for pf in res.provider_files.values() for o in pf["offers"]
              if o.get("imported_from", {}).get("model") == m.id and o["imported_from"]["provider"] == provider]
    if not offers:  # it continues a curated offer: the curated file states the retirement
        return
    (o,) = offers
    assert o["retired"] == date(2026, 1, 31) and o["retired_source"] == "src: 'retired 2026-01-31'"
    assert all(p["effective_from"] < date(2026, 1, 31) for p in o["prices"])


def test_a_shutdown_of_a_model_genai_prices_does_not_list_is_refused(installed):
    with pytest.raises(TcoError, match="genai-prices lists no such model"):
        _convert(installed, MapRetirement(provider="groq", model="no-such-model", day=date(2025, 1, 1), source="s",
                                          why="w"))


def test_map_yaml_names_only_listed_models_and_dates_in_the_past_or_scheduled():
    imap = read_map(PRICING)
    for r in imap.retired:
        assert r.source.strip() and r.why.strip(), r.model
    keys = [(r.provider, r.model) for r in imap.retired]
    assert len(keys) == len(set(keys)), "one shutdown per model"


# ------------------------------------------------------------------ what a user sees


def test_naming_a_retired_offer_says_when_it_was_shut_down(capsys, tmp_path):
    cat = load_catalog(PRICING)
    gone = next(g for pf in cat.providers.values() for g in getattr(pf, "retired_offers", ()))
    # by id, or by the provider and its API name (a bare API name may be another host's offer on sale)
    for name in (gone.id, f"{gone.id.split('/')[0]}/{gone.api_name}"):
        with pytest.raises(Retired, match=f"retired on {gone.retired}"):
            cat.offer(name)
    scenario = tmp_path / "s.yaml"
    scenario.write_text("name: t\nas_of: 2026-11-30\nworkload:\n  requests_per_day: 1000\n"
                        "  input_tokens: 500\n  output_tokens: 200\ncandidates:\n  - openai/gpt-4o-mini\n"
                        f"  - {gone.id}\n  - groq/llama-3.1-70b-versatile\n")
    # in the table, unpriced, like an offer retired before the as-of date (not an error for the file)
    assert main(["estimate", str(scenario), "-f", "json"]) == 0
    import json

    rows = {c["id"]: c for c in json.loads(capsys.readouterr().out)["candidates"]}
    for oid, day in ((gone.id, gone.retired), ("groq/llama-3.1-70b-versatile", date(2025, 1, 24))):
        assert rows[oid]["reason"] == f"retired {day}" and rows[oid]["monthly_cost"] is None, oid
        assert rows[oid]["rank"] is None
    assert rows["openai/gpt-4o-mini"]["rank"] == 1
    assert any(f"was retired on {gone.retired}" in w for w in rows[gone.id]["warnings"])
    assert main(["estimate", str(scenario)]) == 0
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if x.lstrip().startswith(f"-  {gone.id}"))
    assert "retired" in line.split()[3] and "unknown" not in line, line  # not "price unknown": not on sale
    assert f"retired {gone.retired}: not on sale on 2026-11-30" in out  # its bill says why there is none


def test_retired_offers_are_not_on_sale_today():
    cat = load_catalog(PRICING)
    on_sale = set(cat.offers)
    for pf in cat.providers.values():
        for gone in getattr(pf, "retired_offers", ()):
            assert gone.id not in on_sale
    today = date(2026, 11, 30)
    for oid, o in cat.offers.items():
        if o.retired is not None and o.retired < today:
            with pytest.raises(Retired):
                cat.price_at(oid, today)


def test_an_update_that_shuts_an_offer_down_says_so_apart_from_removals():
    from tco.catalog.update import diff

    point = {"effective_from": KNOWN, "currency": "USD", "input": 1.0, "output": 2.0}
    old = {"groq.yaml": {"offers": [{"id": "groq/a", "prices": [point]}, {"id": "groq/b", "prices": [point]}]}}
    new = {"groq.yaml": {"offers": [], "retired_offers": [{"id": "groq/a", "retired": date(2025, 3, 20)}]}}
    d = diff(old, new)
    assert d.shut_down == ["groq/a"] and d.removed == ["groq/b"]


def _scenario(tmp_path, as_of, *candidates):
    f = tmp_path / f"s-{as_of}.yaml"
    f.write_text(f"name: t\nas_of: {as_of}\nworkload:\n  requests_per_day: 1000\n  input_tokens: 500\n"
                 "  output_tokens: 200\ncandidates:\n" + "".join(f"  - {c}\n" for c in candidates))
    return str(f)


def test_before_its_retirement_an_offer_without_a_dated_price_is_price_unknown(capsys, tmp_path):
    # groq/mixtral-8x7b-32768 was on sale until 2025-03-20; genai-prices' price is known only on 2026-11-10
    import json

    assert main(["estimate", _scenario(tmp_path, "2025-01-01", "openai/gpt-4o-mini", "groq/mixtral-8x7b-32768"),
                 "-f", "json"]) == 0
    row = {c["id"]: c for c in json.loads(capsys.readouterr().out)["candidates"]}["groq/mixtral-8x7b-32768"]
    assert row["reason"] == "price unknown" and row["monthly_cost"] is None
    assert any("on sale until its retirement on 2025-03-20" in w for w in row["warnings"])


def test_an_announced_retirement_within_a_year_is_marked(capsys, tmp_path):
    # openai/gpt-5-mini: OpenAI removes it on 2026-12-11 (deprecations page), 11 days after the as-of date
    import json

    path = _scenario(tmp_path, "2026-11-30", "openai/gpt-5-mini", "openai/gpt-5.5")
    assert main(["estimate", path, "-f", "json"]) == 0
    rows = {c["id"]: c for c in json.loads(capsys.readouterr().out)["candidates"]}
    assert rows["openai/gpt-5-mini"]["retires"] == "2026-12-11" and rows["openai/gpt-5.5"]["retires"] is None
    assert any(w.startswith("retires on 2026-12-11, 11 days after 2026-11-30") for w in rows["openai/gpt-5-mini"]["warnings"])
    assert main(["estimate", path]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if "openai/gpt-5-mini" in x)
    assert "retires 2026-12-11" in line
    # more than a year ahead: not marked (an estimate of 2026-01-01 is not told about December)
    assert main(["estimate", _scenario(tmp_path, "2025-11-30", "openai/gpt-5-mini"), "-f", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["candidates"][0]["retires"] is None


def test_catalog_list_and_show_name_retired_offers_alike(capsys):
    import json

    assert main(["catalog", "list", "--as-of", "2026-11-30", "-f", "json"]) == 0
    rows = {r["id"]: r for r in json.loads(capsys.readouterr().out)["offers"]}
    assert rows["groq/mixtral-8x7b-32768"]["status"] == "retired 2025-03-20, no price on record"
    assert rows["groq/llama-3.1-70b-versatile"]["status"] == "retired 2025-01-24"  # a curated one: same word
    assert rows["groq/mixtral-8x7b-32768"]["retired"] == "2025-03-20" and not rows["groq/mixtral-8x7b-32768"]["on_sale"]
    assert main(["catalog", "list", "--as-of", "2026-11-30", "--on-sale", "-f", "json"]) == 0
    on_sale = json.loads(capsys.readouterr().out)["offers"]
    assert on_sale and all(r["on_sale"] for r in on_sale) and len(on_sale) < len(rows)
    assert main(["catalog", "show", "groq/mixtral-8x7b-32768"]) == 0
    out = capsys.readouterr().out
    assert "retired on 2025-03-20: it no longer answers from that day" in out and "\n  source: " in out
    # another API name the retired offer answered to finds it (a dated alias)
    cat = load_catalog(PRICING)
    with_alias = next(g for pf in cat.providers.values() for g in pf.retired_offers if g.aliases)
    assert cat.retired_offer(f"{with_alias.id.split('/')[0]}/{with_alias.aliases[0]}") is with_alias


def test_strict_makes_a_retired_offer_an_error_and_validate_warns(capsys, tmp_path):
    path = _scenario(tmp_path, "2026-11-30", "openai/gpt-4o-mini", "groq/llama-3.1-70b-versatile",
                     "groq/mixtral-8x7b-32768")
    assert main(["estimate", path, "--strict"]) == 2
    err = capsys.readouterr().err
    assert "candidates.1: groq/llama-3.1-70b-versatile was retired on 2025-01-24" in err and "Traceback" not in err
    assert main(["validate", path]) == 0
    out = capsys.readouterr()
    assert "groq/llama-3.1-70b-versatile: not available on 2026-11-30" in out.out + out.err
    assert "groq/mixtral-8x7b-32768: not available on 2026-11-30" in out.out + out.err
    assert main(["validate", path, "--strict"]) == 2


def test_an_alias_says_when_the_snapshot_it_serves_retires(capsys, tmp_path):
    # xai/grok-3-fast serves grok-3, whose own offer xai/grok-3 xAI retired on 2026-05-15 at noon PT
    # (recorded 2026-05-16): on 2026-03-01 the faster name's cost holds until then at best
    import json

    assert main(["estimate", _scenario(tmp_path, "2026-03-01", "xai/grok-3-fast"), "-f", "json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)["candidates"]
    assert row["retires"] == "2026-05-16"
    assert any(w.startswith("serves grok-3, whose own offer xai/grok-3 retires on 2026-05-16, 76 days after")
               for w in row["warnings"])


def test_a_diff_gate_fails_when_a_candidate_loses_its_cost(capsys, tmp_path):
    # claude-sonnet-4 costs something on 2026-06-01 and is retired on 2026-06-15: a CI gate must not pass it
    before = _scenario(tmp_path, "2026-06-01", "openai/gpt-4o-mini", "anthropic/claude-sonnet-4")
    after = _scenario(tmp_path, "2026-11-30", "openai/gpt-4o-mini", "anthropic/claude-sonnet-4")
    assert main(["diff", before, after, "--fail-above", "10"]) == 1
    err = capsys.readouterr().err
    assert "anthropic/claude-sonnet-4 had a monthly cost before and has none now (retired 2026-06-15)" in err
    assert main(["diff", before, before, "--fail-above", "10"]) == 0


def test_a_models_page_lists_its_retired_offers_apart(capsys):
    assert main(["catalog", "show", "claude-sonnet-4"]) == 0
    out = capsys.readouterr().out
    offered = next(x for x in out.splitlines() if x.startswith("Offered as: "))
    retired = next(x for x in out.splitlines() if x.startswith("Retired offers: "))
    assert "anthropic/claude-sonnet-4 (2026-06-15)" in retired and "anthropic/claude-sonnet-4," not in offered


def test_the_reports_price_history_runs_to_the_last_day_of_a_retired_offer(tmp_path):
    import math

    from tco.plan.curves import report_file

    cat = load_catalog(PRICING)
    parts = report_file(_scenario(tmp_path, "2026-11-30", "anthropic/claude-sonnet-4", "anthropic/claude-sonnet-4.6"), cat)
    history = next(x["history"] for x in parts if isinstance(x, dict) and "history" in x)
    dates, costs = history.dates, history.costs["anthropic/claude-sonnet-4"]
    priced = [d for d, v in zip(dates, costs, strict=True) if not math.isnan(v)]
    assert priced[-1] == "2026-06-14" and "2026-06-15" in dates  # retired on 2026-06-15: its line stops there


def test_the_horizon_says_which_months_of_a_retiring_offer_are_a_successor(capsys, tmp_path):
    # gpt-5-mini retires on 2026-12-11, 11 days after 2026-11-30: month 1 of a 12-month horizon
    assert main(["estimate", _scenario(tmp_path, "2026-11-30", "openai/gpt-5-mini", "openai/gpt-5.5"),
                 "--horizon", "12"]) == 0
    out = capsys.readouterr().out
    assert "openai/gpt-5-mini retires on 2026-12-11 (month 1): its months after that are a successor" in out
    assert "openai/gpt-5.5 retires" not in out


def test_a_retired_row_is_not_also_told_it_is_not_ranked_by_value(capsys, tmp_path):
    import json

    assert main(["estimate", _scenario(tmp_path, "2026-11-30", "openai/gpt-4o-mini", "groq/mixtral-8x7b-32768"),
                 "-f", "json"]) == 0
    row = {c["id"]: c for c in json.loads(capsys.readouterr().out)["candidates"]}["groq/mixtral-8x7b-32768"]
    assert row["reason"] == "retired 2025-03-20"
    assert not any("min_coverage" in w or "missing:" in w for w in row["warnings"]), row["warnings"]


def test_a_misspelt_retired_offer_is_suggested(capsys, tmp_path):
    assert main(["estimate", _scenario(tmp_path, "2026-11-30", "groq/mixtral-8x7b-3276")]) == 2
    assert "did you mean 'groq/mixtral-8x7b-32768'" in capsys.readouterr().err
