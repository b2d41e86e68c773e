"""Validated data at run time: records, and the caches built on them."""

from __future__ import annotations

import pickle
from datetime import date

import pytest

from tco.catalog.records import PriceRecord, Record, freeze


def test_freeze_keeps_fields_and_computed_properties(catalog) -> None:
    from tco.schema.catalog import PricePoint, Provenance

    p = PricePoint(effective_from=date(2024, 5, 15), currency="CNY", unit="per_1k_tokens", input=0.0008,
                   output=None, provenance=Provenance(source="s", checked=date(2026, 11, 24), status="verified"))
    r = freeze(p)
    assert isinstance(r, PriceRecord)
    assert r.factor == 1000.0 and r.per_mtok(r.input) == pytest.approx(0.8) and r.per_mtok(r.output) is None
    assert r.provenance.status == "verified"
    back = pickle.loads(pickle.dumps(r))
    assert back == r and back.factor == 1000.0  # computed values survive the cache
    assert r.model_dump(mode="json")["effective_from"] == "2024-05-15"
    assert "factor" not in r.model_dump()  # dumps are the schema's fields only
    with pytest.raises(AttributeError, match="frozen"):
        r.input = 1.0  # type: ignore[misc]


def test_catalog_entries_are_records(catalog) -> None:
    assert isinstance(catalog.offer("openai/gpt-4o"), Record)
    assert catalog.price_at("openai/gpt-4o", date(2024, 6, 1)).per_mtok(5.0) == 5.0
    fx = catalog.fx_at("CNY", date(2024, 6, 1))
    assert fx.known_from == date(2024, 6, 1) and fx.per_usd == 7.2327


def test_scenario_record_estimates_like_the_model(catalog) -> None:
    from pathlib import Path

    from tco import estimate, load_scenario

    path = Path(__file__).resolve().parent.parent / "scenarios" / "support-assistant.yaml"
    sc = load_scenario(path, catalog)
    a = estimate(sc, catalog).to_dict()
    b = estimate(pickle.loads(pickle.dumps(freeze(sc))), catalog).to_dict()
    assert a == b


@pytest.mark.parametrize("as_of", [None, "2025-06-01", "2026-11-29"])
def test_every_example_estimates_alike_from_its_record(catalog, as_of) -> None:
    # the second `tco estimate scenarios/support-assistant.yaml --as-of 2025-06-01` (DeepSeek's off-peak hours
    # in force, read from the cached record) crashed: the record had no model_fields_set
    from pathlib import Path

    from tco import estimate, load_scenario
    from tco.errors import NotAvailable
    from tco.plan.locate import candidate_kind

    for path in sorted((Path(__file__).resolve().parent.parent / "scenarios").glob("*.yaml")):
        sc = load_scenario(path, catalog)
        if any(candidate_kind(c) == "selfhost-spec" for c in sc.candidates):
            continue  # not cached (tco.plan.estimate.estimate_file): self-hosted specs stay pydantic models
        day = date.fromisoformat(as_of) if as_of else None
        try:
            a = estimate(sc, catalog, as_of=day, samples=0, horizon_months=1).to_dict()
        except NotAvailable:
            continue
        b = estimate(pickle.loads(pickle.dumps(freeze(sc))), catalog, as_of=day, samples=0, horizon_months=1).to_dict()
        assert a == b, path.name


def test_a_second_run_reads_the_cache_and_gives_the_same_answer(tmp_path, monkeypatch, capsys) -> None:
    from pathlib import Path

    from tco.cli import main

    monkeypatch.setenv("TCO_CACHE_DIR", str(tmp_path / "cache"))
    path = str(Path(__file__).resolve().parent.parent / "scenarios" / "support-assistant.yaml")
    outs = []
    for _ in range(2):
        assert main(["estimate", path, "--as-of", "2025-06-01", "-f", "json"]) == 0
        outs.append(capsys.readouterr().out)
    assert outs[0] == outs[1] and any(p.name.startswith("scenario-") for p in (tmp_path / "cache").iterdir())


def test_moving_a_schema_module_changes_the_cache_key(tmp_path) -> None:
    """The caches key on every module of the code that shapes them by its path relative to
    the package (plus size and mtime): a module moved to another folder, even unchanged,
    gives another key, so a cache written by the old layout is never read."""
    import os

    from tco.catalog import code_fingerprint

    pkg = tmp_path / "tco"
    (pkg / "model").mkdir(parents=True)
    (pkg / "schema").mkdir()
    src = pkg / "model" / "scenario.py"
    src.write_text("class Scenario: ...\n")
    os.utime(src, ns=(1_000_000_000, 1_000_000_000))
    before = code_fingerprint(pkg, ("model", "schema"))
    moved = pkg / "schema" / "scenario.py"
    src.rename(moved)
    os.utime(moved, ns=(1_000_000_000, 1_000_000_000))  # same bytes, same mtime: only the path differs
    after = code_fingerprint(pkg, ("model", "schema"))
    assert before and after and before != after
    assert "schema/scenario.py" in after and "model/scenario.py" in before


def test_a_cache_from_another_layout_is_a_miss(tmp_path) -> None:
    """A pickle whose classes live in modules that no longer exist (the old ``tco.records``)
    is a miss, never an error: the file is validated again."""
    import sys
    import types

    from tco.catalog import cache

    old = types.ModuleType("tco_old_layout_records")

    class Record:  # stands in for a class of the old layout
        pass

    Record.__module__ = old.__name__
    Record.__qualname__ = "Record"
    old.Record = Record  # type: ignore[attr-defined]
    sys.modules[old.__name__] = old
    try:
        path = tmp_path / "catalog-old.pickle"
        cache.write(path, Record())
        assert isinstance(cache.read(path), Record)
    finally:
        del sys.modules[old.__name__]
    assert cache.read(path) is None  # the module is gone: a miss


def test_the_live_cache_keys_cover_the_schema_code() -> None:
    from tco.catalog import CATALOG_CODE, PACKAGE_DIR, SCENARIO_CODE, code_fingerprint

    cat = code_fingerprint(PACKAGE_DIR, CATALOG_CODE)
    sc = code_fingerprint(PACKAGE_DIR, SCENARIO_CODE)
    assert cat is not None and sc is not None
    for module in ("schema/scenario.py", "schema/catalog.py", "schema/base.py", "catalog/records.py",
                   "catalog/loader.py"):
        assert module in cat and module in sc
    assert "plan/estimate.py" in sc
    # the YAML reader (number and alias rules) and the errors' wording shape what is cached too: a
    # scenario cached before yamlio refused 0500 would still read 320 from the cache
    for module in ("yamlio.py|", "errors.py|"):
        assert module in cat and module in sc


def test_a_cached_catalog_unpacks_only_what_a_run_reads(tmp_path, monkeypatch) -> None:
    """Thousands of offers, models and scores stay pickled per entry in the cache: a warm
    estimate unpickles the handful it uses, and the mapping reads like a dict."""
    import tco.catalog as tc
    from tco import estimate, load_scenario
    from tco.catalog.records import LazyMap

    monkeypatch.setenv("TCO_CACHE_DIR", str(tmp_path / "cache"))
    tc._load.cache_clear()
    cold = tc.load_catalog()  # validates and writes the cache
    tc._load.cache_clear()
    warm = tc.load_catalog()
    tc._load.cache_clear()
    assert isinstance(warm.offers, LazyMap) and len(warm.offers) == len(cold.offers) > 100
    assert warm.offers._done == {}
    path = __import__("pathlib").Path(__file__).resolve().parent.parent / "scenarios" / "support-assistant.yaml"
    a = estimate(load_scenario(path, warm), warm).to_dict()
    b = estimate(load_scenario(path, cold), cold).to_dict()
    assert a == b
    assert 0 < len(warm.offers._done) <= 8  # the scenario's four offers (and what they point to)
    assert "openai/gpt-4o" in warm.offers and "nope/nope" not in warm.offers
    assert sorted(warm.offers) == sorted(cold.offers) and warm.offers.get("nope/nope") is None
    assert pickle.loads(pickle.dumps(warm.offers))["openai/gpt-4o"] == cold.offers["openai/gpt-4o"]


def test_the_cache_keeps_the_newest_files_of_each_kind(tmp_path) -> None:
    """Every catalog edit (or a new tco) writes another ~3.5 MB catalog pickle: older ones are
    pruned on write, per kind, so the cache folder cannot grow without bound."""
    import os

    from tco.catalog import cache

    for i in range(cache.KEEP["catalog"] + 3):
        f = tmp_path / f"catalog-{i:02d}.pickle"
        cache.write(f, {"n": i})
        os.utime(f, ns=(i * 10**9, i * 10**9))  # written one second apart
    cache.write(tmp_path / "scenario-aa.pickle", {"s": 1})
    left = sorted(p.name for p in tmp_path.glob("catalog-*.pickle"))
    # KEEP["catalog"] = 4 of the 7 written: 03..06, the newest (the last write never pruned itself)
    assert left == [f"catalog-{i:02d}.pickle" for i in range(3, 7)]
    assert cache.read(tmp_path / "scenario-aa.pickle") == {"s": 1}  # other kinds untouched
    assert cache.key(b"a", b"b") == cache.key(b"ab") and len(cache.key(b"x")) == 24


def test_a_catalog_edited_in_a_running_process_is_read_again(tmp_path, monkeypatch) -> None:
    """A library user's review: a notebook that edits its catalog got the old prices from
    `tco.load_catalog` for the life of the process; and an edit that kept the file's size and
    restored its mtime (`cp -p`, `touch -r`, a CI cache restore) was read stale from the disk cache.
    Acme's flat offer: 4 -> 3 per 1M input tokens, the same number of bytes."""
    import os
    import shutil

    from tco.catalog import load_catalog
    from tests.conftest import FIXTURE_CATALOG

    monkeypatch.setenv("TCO_CACHE_DIR", str(tmp_path / "cache"))
    cat = tmp_path / "catalog"
    shutil.copytree(FIXTURE_CATALOG, cat)
    acme = cat / "api" / "acme.yaml"

    def first_input(c) -> float:
        return c.offers["acme/flat"].prices[0].input

    assert first_input(load_catalog(cat)) == 4
    st = os.stat(acme)
    text = acme.read_text(encoding="utf-8")
    assert "        input: 4\n" in text
    acme.write_text(text.replace("        input: 4\n", "        input: 3\n", 1), encoding="utf-8")
    os.utime(acme, ns=(st.st_atime_ns, st.st_mtime_ns))  # same size, same mtime: only the ctime moved
    assert os.stat(acme).st_size == st.st_size and os.stat(acme).st_mtime_ns == st.st_mtime_ns
    assert first_input(load_catalog(cat)) == 3
