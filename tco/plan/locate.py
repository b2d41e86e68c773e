"""What kind a scenario candidate is, and errors located in the scenario file (file, line,
column and field of the value they are about)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import TcoError

if TYPE_CHECKING:
    from ..schema.scenario import Scenario


def candidate_kind(cand: Any) -> str:
    """'api-id' (a bare offer id), 'api-offer' (an offer with adjustments) or 'selfhost-spec'."""
    if isinstance(cand, str):
        return "api-id"
    return "selfhost-spec" if hasattr(cand, "selfhost") else "api-offer"


def reasoning_of(cand: Any, i: int) -> tuple[str, float]:
    """Candidate ``i``'s hidden reasoning tokens: the path a range of them has in ``Scenario.ranges``
    and their (central) value, 0 for an offer id written plainly."""
    if candidate_kind(cand) == "selfhost-spec":
        return f"candidates.{i}.selfhost.reasoning_tokens", float(cand.selfhost.reasoning_tokens)
    return f"candidates.{i}.reasoning_tokens", float(getattr(cand, "reasoning_tokens", 0.0))


def locate(scenario: Scenario, loc: tuple[Any, ...], key: bool = False) -> dict[str, Any]:
    doc = getattr(scenario, "_source", None)
    field_path = ".".join(str(p) for p in loc)
    if doc is None:
        return {"field": field_path}
    line, col = doc.locate(loc, key=key)
    return {"file": doc.path, "line": line, "col": col, "field": field_path}


def relocate(err: TcoError, scenario: Scenario, loc: tuple[Any, ...] | None, key: bool = False) -> TcoError:
    """The error located in the scenario file, unless it already names another file (a model
    file) or ``loc`` is None (the value came from a command-line flag)."""
    doc = getattr(scenario, "_source", None)
    if loc is None or (err.file and (doc is None or err.file != doc.path)):
        return err
    where = locate(scenario, loc, key)
    return err.located(where.get("file"), where.get("line"), where.get("col"), where.get("field"))
