"""Read and validate scenario files; check every id they name against the catalog."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from .. import yamlio
from ..catalog import Catalog, load_catalog
from ..errors import TcoError
from .compile import compile_scenario

if TYPE_CHECKING:  # pydantic schemas are imported only to validate a file (cold path)
    from ..schema.scenario import Scenario


def load_scenario(path: str | Path, catalog: Catalog | None = None) -> Scenario:
    """Read and validate a scenario file; ids are checked against the catalog.

    Raises :class:`tco.errors.TcoError` with file, line, column and field on bad input.
    """
    doc = yamlio.load(path)
    return scenario_from_document(doc, catalog)


def parse_scenario(text: str, name: str = "<scenario>", catalog: Catalog | None = None) -> Scenario:
    """Validate scenario YAML text (used by the TUI and tests)."""
    return scenario_from_document(yamlio.parse(text, name), catalog)


def scenario_from_document(doc: yamlio.Document, catalog: Catalog | None = None) -> Scenario:
    if not isinstance(doc.data, dict):
        got = "an empty file" if doc.data is None else f"a {type(doc.data).__name__}"
        raise TcoError(f"expected a mapping with workload: and candidates:, got {got}", file=doc.path,
                       line=1, col=1, hint="run `tco init` for a commented template")
    from ..schema.scenario import Scenario
    from ..schema.validate import validate

    scenario = validate(doc, Scenario)
    scenario._source = doc
    check_scenario(scenario, catalog or load_catalog())
    return scenario


def check_scenario(scenario: Scenario, catalog: Catalog, as_of: date | None = None,
                   currency: str | None = None, strict: bool = False) -> list[str]:
    """Raise a located error for anything the catalog cannot resolve; return the warnings
    about offers not available on the as-of date."""
    compiled = compile_scenario(scenario, catalog, as_of=as_of, currency=currency, strict=strict)
    return [f"{r.id}: {w}" for r in compiled.candidates if r.available_from for w in r.warnings[:1]]
