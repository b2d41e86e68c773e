"""Validate a located YAML document against a pydantic schema: a ``ValidationError``
becomes a ``file:line:col: field: message`` :class:`~tco.errors.TcoError`.

The error's ``loc`` is walked down the document's node tree; a missing key falls back to
its nearest ancestor; an unknown key points at the key itself.
"""

from __future__ import annotations

import re
from typing import Any, TypeVar

import yaml

from ..errors import TcoError, did_you_mean
from ..yamlio import Document
from .scenario import CANDIDATE_TAGS

T = TypeVar("T")


def _field(loc: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in loc) if loc else "(top level)"


_TYPE_TAGS = {"str", "int", "float", "bool", "dict", "list", "tuple", "date", "constrained-str"}


def _clean_loc(loc: tuple[Any, ...], node: yaml.Node | None) -> tuple[Any, ...]:
    """``loc`` without the union/validator tags pydantic adds ('str', 'function-after[...]',
    a discriminator tag): a part that names a key present in the document is always kept."""
    out: list[Any] = []
    cur = node
    for p in loc:
        if isinstance(p, int):
            out.append(p)
            cur = cur.value[p] if isinstance(cur, yaml.SequenceNode) and 0 <= p < len(cur.value) else None
            continue
        key = str(p)
        if isinstance(cur, yaml.MappingNode):
            nxt = next((v for k, v in cur.value if isinstance(k, yaml.ScalarNode) and k.value == key), None)
            if nxt is not None:
                out.append(p)
                cur = nxt
                continue
        if key in _TYPE_TAGS or key in CANDIDATE_TAGS or "[" in key:
            continue
        out.append(p)
        cur = None
    return tuple(out)


_ALIASES = {"label": "name", "name": "label", "date": "as_of", "price_date": "as_of"}
"""Fields that play the same part in different kinds of entry (an offer's label, a deployment's name)."""


def validation_error(doc: Document, err: Any, allowed: dict[tuple[Any, ...], list[str]] | None = None,
                     field_prefix: tuple[Any, ...] = ()) -> TcoError:
    """The first error of a pydantic ``ValidationError`` as a located ``TcoError``."""
    errors = err.errors(include_url=False)
    # prefer the most specific, most actionable error: unknown keys and bad values over union noise
    def rank(e: dict[str, Any]) -> tuple[int, int]:
        order = {"extra_forbidden": 0, "missing": 1}
        return (order.get(e["type"], 2), -len(e["loc"]))

    e = sorted(errors, key=rank)[0] if errors else {"loc": (), "msg": str(err), "type": ""}
    loc = _clean_loc(tuple(e["loc"]), doc.node)
    full = field_prefix + loc
    msg = e["msg"]
    hint = None
    if e["type"] == "extra_forbidden":
        line, col = doc.locate(full, key=True)
        msg = "unknown field"
        if allowed is not None:
            choices = allowed.get(tuple(p for p in loc[:-1] if not isinstance(p, int)), [])
            # a field that exists in a sibling kind of entry (an offer's label: on a selfhost entry)
            word = str(loc[-1]) if loc else "?"
            hint = did_you_mean(word, [c for c in choices if c != word])
            alias = _ALIASES.get(word)
            if alias in choices:
                hint = f"did you mean {alias!r}?"
            if word in choices:
                hint = "not allowed in this kind of entry" + (f"; {hint}" if hint else "")
            if hint is None and choices:
                hint = "allowed: " + ", ".join(choices)
    else:
        line, col = doc.locate(full)
        msg = re.sub(r"^Value error, ", "", msg)
        msg = re.sub(r" or instance of \w+", "", msg)
        if e["type"] == "missing":
            msg = "required field is missing"
        elif e["type"].startswith(("date", "datetime")):
            hint = "write dates as YYYY-MM-DD"
        elif e["type"] == "string_pattern_mismatch" and str(loc[-1:]) and "\\x00" in msg:
            msg = "must be one line of text, without control characters"
        inp = e.get("input")
        if e["type"] not in ("missing",) and isinstance(inp, (str, int, float)) and not isinstance(inp, bool):
            msg += f" (got {inp!r})"
    return TcoError(msg, file=doc.path, line=line, col=col, field=_field(full), hint=hint)


def allowed_fields(model: type) -> dict[tuple[str, ...], list[str]]:
    """Field names of a pydantic model and of its nested models, keyed by path (lists skipped)."""
    from pydantic import BaseModel

    out: dict[tuple[str, ...], list[str]] = {}

    def walk(m: type, path: tuple[str, ...], depth: int) -> None:
        if depth > 6:
            return
        names = out.setdefault(path, [])
        if all(f in names for f in m.model_fields):
            return
        names.extend(f for f in m.model_fields if f not in names)
        for name, f in m.model_fields.items():
            for sub in _models_in(f.annotation):
                if issubclass(sub, BaseModel):
                    walk(sub, path + (name,), depth + 1)

    walk(model, (), 0)
    return out


def _models_in(tp: Any) -> list[type]:
    import typing

    from pydantic import BaseModel

    found: list[type] = []
    stack = [tp]
    while stack:
        t = stack.pop()
        if isinstance(t, type) and issubclass(t, BaseModel):
            found.append(t)
            continue
        stack.extend(typing.get_args(t))
    return found


def validate(doc: Document, model: type[T], context: dict[str, Any] | None = None) -> T:
    """Validate a document against a pydantic model, raising a located ``TcoError``."""
    from pydantic import ValidationError

    try:
        return model.model_validate(doc.data, context=context)  # type: ignore[attr-defined, no-any-return]
    except ValidationError as err:
        raise validation_error(doc, err, allowed_fields(model)) from None
