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
    yamlio.refuse_saved_estimate(doc)
    from ..schema.scenario import Scenario
    from ..schema.validate import validate

    scenario = validate(doc, Scenario)
    scenario._source = doc
    if catalog is not None:
        scenario._catalog_root = str(catalog.root)
    check_scenario(scenario, catalog or load_catalog())
    return scenario


def catalog_of(scenario: Any, catalog: Catalog | None = None) -> Catalog:
    """``catalog`` if given, else the catalog the scenario was read against, else the default one (a
    scenario read with a custom catalog, then varied or swept without it, looked its offers up in
    the built-in one: "unknown offer 'acme/...'")."""
    if catalog is not None:
        return catalog
    root = getattr(scenario, "_catalog_root", None)
    return load_catalog(root) if root else load_catalog()


def vary(scenario: Scenario | str | Path, changes: dict[Any, Any] | None = None, /, catalog: Catalog | None = None,
         **workload: Any) -> Scenario:
    """A copy of ``scenario`` (or of the scenario file at that path) with some values changed,
    validated as a file is (a ``Scenario`` is frozen, and pydantic's ``model_copy(update=...)``
    checks nothing: a negative volume would give a negative cost).

    ``changes`` maps dotted paths to values (``{"as_of": "2024-09-01", "candidates.4.selfhost.gpu":
    "h200-141gb", "candidates.1.discount": 0.1}``), or tuples of keys for keys with a dot in them
    (``("quality", "profile", "alignbench-v1.1"): 2``); ``None`` removes a key; ``candidates.N`` one
    past the end adds a candidate. Keyword arguments are workload fields (``requests_per_day=50_000``,
    ``output_tokens="1.2k"``). Values are read as in a file (10k, 30%, a range ``{"low": 5000,
    "high": 20000}``); a bad one raises a :class:`TcoError` naming it.

        cheaper = tco.estimate(tco.vary(scenario, requests_per_day=50_000))
    """
    from ..schema.scenario import Scenario as ScenarioModel

    catalog = catalog_of(scenario, catalog)
    if isinstance(scenario, (str, Path)):
        scenario = load_scenario(scenario, catalog)
    if not isinstance(scenario, ScenarioModel):
        raise TcoError(f"vary() takes a scenario or a scenario file's path, not {type(scenario).__name__}",
                       hint="tco.vary(tco.load_scenario('my.yaml'), requests_per_day=50_000)")
    top = sorted(k for k in workload if k in ScenarioModel.model_fields)
    if top:  # a scenario field given as a keyword (as_of=...): keywords are workload fields
        raise TcoError(f"{', '.join(top)} is a scenario field, not a workload one: keyword arguments of vary() "
                       "set workload fields", hint=f"tco.vary(scenario, {{{top[0]!r}: ...}})")
    asked = dict(changes or {}) | {f"workload.{k}": v for k, v in workload.items()}
    paths = [_path_parts(p) for p in asked]
    volumes = {p[-1] for p in paths if p[:1] == ("workload",) and p[-1] in ("requests_per_day", "requests_per_month")}
    if len(volumes) > 1:
        raise TcoError("requests_per_day and requests_per_month both given", field="workload",
                       hint="give one volume: the other follows from days_per_month")
    data = _as_written(scenario)
    for parts, value in zip(paths, asked.values(), strict=True):
        _set(data, parts, value)
    source = getattr(scenario, "_source", None)
    name = f"{source.path if source is not None else '<scenario>'} (changed: " \
           f"{', '.join('.'.join(map(str, p)) for p in paths) or 'nothing'})"
    return scenario_from_document(yamlio.Document(name, data, None), catalog)


def _as_written(scenario: Scenario) -> dict[str, Any]:
    """The scenario as plain data to validate again: its file's own text where the scenario still
    says what the file says (named length mixes, percentiles and ranges keep their form), its
    current values where it was changed in code (``model_copy``), and a dump of it when it has no
    file (its ranges written back over their central values)."""
    import copy

    from ..schema.validate import validate

    now = scenario.model_dump(mode="json")
    source = getattr(scenario, "_source", None)
    if source is not None:
        from ..schema.scenario import Scenario as ScenarioModel

        data = copy.deepcopy(source.data)
        was = validate(yamlio.Document(source.path, source.data, source.node), ScenarioModel).model_dump(mode="json")
        _overlay(data, was, now)
        return data
    data = scenario.model_dump(mode="json", exclude_unset=True)
    for p, r in (getattr(scenario, "ranges", {}) or {}).items():
        _set(data, _path_parts(p), r.model_dump(mode="json", exclude_none=True))
    return data


def _overlay(data: Any, was: Any, now: Any) -> None:
    """Write into ``data`` (a file's data) each value where ``now`` differs from ``was`` (what the
    file validated to), mapping by mapping and, in lists of the same length, entry by entry; an
    unchanged value keeps the file's form (a candidate's discount range beside a changed one)."""
    for key in set(was) | set(now):
        a, b = was.get(key), now.get(key)
        if a == b:
            continue
        here = data.get(key) if isinstance(data, dict) else None
        if isinstance(a, dict) and isinstance(b, dict) and isinstance(here, dict):
            _overlay(here, a, b)
        elif isinstance(a, list) and isinstance(b, list) and isinstance(here, list) and len(a) == len(b) == len(here):
            for k, (x, y) in enumerate(zip(a, b, strict=True)):
                if x == y:
                    continue
                if isinstance(x, dict) and isinstance(y, dict) and isinstance(here[k], dict):
                    _overlay(here[k], x, y)
                else:
                    here[k] = y
        elif b is None:
            data.pop(key, None)
        else:
            data[key] = b


def _path_parts(path: Any) -> tuple[Any, ...]:
    """``"candidates.4.selfhost.gpu"`` or ``("quality", "profile", "alignbench-v1.1")`` as keys, list
    positions as ints."""
    if isinstance(path, tuple) and path and all(isinstance(p, (str, int)) for p in path):
        parts: tuple[Any, ...] = path
    elif isinstance(path, str) and path.strip("."):
        parts = tuple(path.split("."))
    else:
        raise TcoError(f"a path to change must be text such as 'workload.requests_per_day' or a tuple of keys, "
                       f"not {path!r}", field=str(path))
    return tuple(int(p) if isinstance(p, str) and p.isdigit() else p for p in parts)


def _set(data: dict[str, Any], parts: tuple[Any, ...], value: Any) -> None:
    """Set (or, with None, remove) the value at ``parts`` of a scenario's plain data."""
    where = ".".join(map(str, parts))
    hint = "paths name a value the file has, e.g. workload.requests_per_day, as_of, candidates.0.selfhost.gpu"
    node: Any = data
    for depth, part in enumerate(parts[:-1]):
        if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node) and isinstance(node[part], str) \
                and parts[:1] == ("candidates",):
            node[part] = {"offer": node[part]}  # a bare offer id becomes {offer: id} to take a field
        try:
            nxt = node[part]
        except (KeyError, IndexError, TypeError):
            if isinstance(node, dict) and value is not None:  # a new mapping on the way (quality.scores.MODEL)
                nxt = node[part] = {}
            else:
                raise TcoError(f"no {'.'.join(map(str, parts[:depth + 1]))} in the scenario to change", field=where,
                               hint=hint) from None
        node = nxt
    last = parts[-1]
    if isinstance(node, dict):
        if value is None:
            node.pop(last, None)
            return
        if last == "requests_per_day":  # one volume: the new one replaces either form
            node.pop("requests_per_month", None)
        elif last == "requests_per_month":
            node.pop("requests_per_day", None)
        node[last] = value
    elif isinstance(node, list) and isinstance(last, int) and 0 <= last <= len(node):
        if value is None:
            if last < len(node):
                del node[last]
        elif last == len(node):
            node.append(value)  # one past the end: a new candidate
        else:
            node[last] = value
    else:
        raise TcoError(f"cannot change {where}", field=where,
                       hint="name a key of a mapping, or a list position (one past the end adds an entry)")


def check_scenario(scenario: Scenario, catalog: Catalog, as_of: date | None = None,
                   currency: str | None = None, strict: bool = False) -> list[str]:
    """Raise a located error for anything the catalog cannot resolve; return the warnings
    about offers not available on the as-of date."""
    compiled = compile_scenario(scenario, catalog, as_of=as_of, currency=currency, strict=strict)
    return [f"{r.id}: {w}" for r in compiled.candidates
            if r.available_from or (r.reason or "").startswith("retired ") for w in r.warnings[:1]]
