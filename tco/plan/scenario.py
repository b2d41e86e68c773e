"""Read and validate scenario files; check every id they name against the catalog."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

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


def vary(scenario: Scenario, changes: dict[str, Any] | None = None, /, catalog: Catalog | None = None,
         **workload: Any) -> Scenario:
    """A copy of ``scenario`` with some values changed, validated as a file is (a ``Scenario`` is
    frozen, and pydantic's ``model_copy(update=...)`` checks nothing: a negative volume would
    give a negative cost). ``changes`` maps dotted paths to values (``{"as_of": "2024-09-01",
    "candidates.4.selfhost.gpu": "h200"}``); keyword arguments are workload fields
    (``requests_per_day=50_000``, ``output_tokens="1.2k"``). Values are read as in a file (10k,
    30%, a range ``{"low": 5000, "high": 20000}``); a bad one raises a :class:`TcoError` naming it.

        cheaper = tco.estimate(tco.vary(scenario, requests_per_day=50_000))
    """
    import copy

    catalog = catalog or load_catalog()
    source = getattr(scenario, "_source", None)
    data = copy.deepcopy(source.data) if source is not None else scenario.model_dump(mode="json", exclude_unset=True)
    edits = asked = dict(changes or {}) | {f"workload.{k}": v for k, v in workload.items()}
    if source is None:  # built in code: the dump has each range's central value; the ranges go back first
        ranges = {p: r.model_dump(mode="json", exclude_none=True) for p, r in (getattr(scenario, "ranges", {}) or {}).items()}
        edits = ranges | edits
    for path, value in edits.items():
        parts: list[Any] = [int(p) if p.isdigit() else p for p in str(path).split(".")]
        node: Any = data
        for depth, part in enumerate(parts[:-1]):
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
                where = ".".join(str(p) for p in parts[:depth + 1])
                raise TcoError(f"no {where} in the scenario to change", field=str(path),
                               hint="paths name a value the file has, e.g. workload.requests_per_day, as_of, "
                                    "candidates.0.selfhost.gpu") from None
        if isinstance(node, dict):
            if parts[-1] == "requests_per_day":  # one volume: the new one replaces either form
                node.pop("requests_per_month", None)
            elif parts[-1] == "requests_per_month":
                node.pop("requests_per_day", None)
            node[parts[-1]] = value
        elif isinstance(node, list) and isinstance(parts[-1], int) and 0 <= parts[-1] < len(node):
            node[parts[-1]] = value
        else:
            raise TcoError(f"cannot change {path}", field=str(path), hint="name a mapping key or a list position")
    name = f"{source.path if source is not None else '<scenario>'} (changed: {', '.join(asked) or 'nothing'})"
    return scenario_from_document(yamlio.Document(name, data, None), catalog)


def check_scenario(scenario: Scenario, catalog: Catalog, as_of: date | None = None,
                   currency: str | None = None, strict: bool = False) -> list[str]:
    """Raise a located error for anything the catalog cannot resolve; return the warnings
    about offers not available on the as-of date."""
    compiled = compile_scenario(scenario, catalog, as_of=as_of, currency=currency, strict=strict)
    return [f"{r.id}: {w}" for r in compiled.candidates if r.available_from for w in r.warnings[:1]]
