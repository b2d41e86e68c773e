from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_CATALOG = ROOT / "tests" / "fixtures" / "catalog"


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the developer's catalog cache out of the tests (one cache dir per test session)."""
    monkeypatch.setenv("TCO_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "tco-cache"))
    monkeypatch.delenv("TCO_CATALOG", raising=False)


@pytest.fixture(scope="session")
def fixture_catalog():
    from tco.catalog import load_catalog

    return load_catalog(FIXTURE_CATALOG)


@pytest.fixture(scope="session")
def catalog():
    from tco.catalog import load_catalog

    return load_catalog()


@pytest.fixture
def write(tmp_path: Path):
    """Write a scenario file and return its path."""

    def _write(text: str, name: str = "scenario.yaml") -> Path:
        p = tmp_path / name
        p.write_text(text, encoding="utf-8")
        return p

    return _write


os.environ.setdefault("NO_COLOR", "1")
