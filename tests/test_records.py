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
