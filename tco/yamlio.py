"""Safe YAML loading that remembers where every value came from, and turns pydantic
validation errors into ``file:line:col: field: message`` errors.

One parse: ``compose`` gives the node tree (with marks), ``construct_document`` gives the
data. On a ``ValidationError`` the error's ``loc`` is walked down the node tree; a missing
key falls back to its nearest ancestor; an unknown key points at the key itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml

from .errors import TcoError, did_you_mean

import re

try:
    _Base = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - libyaml missing
    _Base = yaml.SafeLoader  # type: ignore[misc]


class _Loader(_Base):  # type: ignore[misc, valid-type]
    """Safe loader that also reads YAML 1.2 floats without a dot (``1e6``, ``2.5E+3``): YAML 1.1
    (PyYAML's default) would leave them strings, while editors validating the JSON Schema
    accept them as numbers."""


_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9][0-9_]*)(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"),
    list("-+0123456789"),
)

T = TypeVar("T")


class Document:
    """A parsed YAML file: its data and its node tree."""

    def __init__(self, path: str, data: Any, node: yaml.Node | None) -> None:
        self.path = path
        self.data = data
        self.node = node

    def locate(self, loc: tuple[Any, ...], key: bool = False) -> tuple[int | None, int | None]:
        """1-based (line, col) of the value at ``loc`` (or of its key when ``key``)."""
        node = self.node
        found: yaml.Node | None = node
        for part in loc:
            if isinstance(node, yaml.MappingNode):
                nxt = None
                for k, v in node.value:
                    if isinstance(k, yaml.ScalarNode) and k.value == str(part):
                        nxt = (k if key and part == loc[-1] else v)
                        break
                if nxt is None:
                    break
                node = found = nxt
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
                if 0 <= part < len(node.value):
                    node = found = node.value[part]
                else:
                    break
            else:
                break
        if found is None:
            return None, None
        return found.start_mark.line + 1, found.start_mark.column + 1


def read_bytes(path: str | Path) -> bytes:
    """The file's bytes, or a one-line error naming it."""
    if not str(path):
        raise TcoError("empty file name", hint="give the path of a YAML file")
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise TcoError("file not found", file=str(path), hint="check the path") from None
    except IsADirectoryError:
        raise TcoError("is a directory, expected a YAML file", file=str(path)) from None
    except OSError as e:
        raise TcoError(f"cannot read: {e.strerror}", file=str(path)) from None


def read_text(path: str | Path) -> str:
    """The file as UTF-8 text, or a one-line error naming it."""
    data = read_bytes(path)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise TcoError(f"not UTF-8 text ({e.reason} at byte {e.start})", file=str(path)) from None


def parse(text: str, path: str) -> Document:
    """Parse YAML text (safe loader, no timestamps coerced to datetime by accident)."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is not None:
            _check_duplicates(node, path)
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        msg = e.problem or e.context or "invalid YAML"
        line = mark.line + 1 if mark else None
        col = mark.column + 1 if mark else None
        raise TcoError(f"YAML syntax error: {msg}", file=path, line=line, col=col,
                       hint="check indentation, colons and quotes") from None
    except yaml.YAMLError as e:
        raise TcoError(f"YAML error: {e}", file=path) from None
    except (ValueError, TypeError, OverflowError) as e:
        # e.g. an impossible date such as 2024-02-30 or an unhashable key: find the scalar
        found = _first_bad_scalar(node) if node is not None else None
        if found is None:
            raise TcoError(f"invalid value: {e}", file=path) from None
        bad, field = found
        is_date = "timestamp" in bad.tag
        raise TcoError(f"invalid {'date' if is_date else 'value'} {bad.value!r}: {e}", file=path,
                       line=bad.start_mark.line + 1, col=bad.start_mark.column + 1, field=field or None,
                       hint="write dates as YYYY-MM-DD" if is_date else None) from None
    finally:
        loader.dispose()
    return Document(path, data, node)


def _check_duplicates(node: yaml.Node, path: str) -> None:
    """A key given twice in one mapping is an error (PyYAML would keep the last one silently)."""
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, yaml.MappingNode):
            seen: dict[str, yaml.Node] = {}
            for k, v in n.value:
                if isinstance(k, yaml.ScalarNode):
                    if k.value in seen:
                        first = seen[k.value].start_mark.line + 1
                        raise TcoError(f"duplicate key {k.value!r} (first at line {first})", file=path,
                                       line=k.start_mark.line + 1, col=k.start_mark.column + 1,
                                       hint="keep one of them")
                    seen[k.value] = k
                stack.append(v)
        elif isinstance(n, yaml.SequenceNode):
            stack.extend(n.value)


def _first_bad_scalar(node: yaml.Node) -> tuple[yaml.ScalarNode, str] | None:
    """The first scalar the safe constructor cannot build (e.g. the date 2024-13-01), with its
    dotted field path."""
    probe = _Base("")
    stack: list[tuple[yaml.Node, tuple[str, ...]]] = [(node, ())]
    try:
        while stack:
            n, where = stack.pop(0)
            if isinstance(n, yaml.MappingNode):
                for k, v in n.value:
                    stack.append((v, (*where, str(getattr(k, "value", "?")))))
            elif isinstance(n, yaml.SequenceNode):
                stack.extend((x, (*where, str(i))) for i, x in enumerate(n.value))
            elif isinstance(n, yaml.ScalarNode):
                try:
                    probe.construct_object(n, deep=True)
                except (ValueError, TypeError, OverflowError, yaml.YAMLError):
                    return n, ".".join(where)
    finally:
        probe.dispose()
    return None


def load(path: str | Path) -> Document:
    return parse(read_text(path), str(path))


def _field(loc: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in loc) if loc else "(top level)"


_TYPE_TAGS = {"str", "int", "float", "bool", "dict", "list", "tuple", "date", "constrained-str"}


def _clean_loc(loc: tuple[Any, ...], node: yaml.Node | None) -> tuple[Any, ...]:
    """``loc`` without the union/validator tags pydantic adds ('str', 'function-after[...]',
    a discriminator tag): a part that names a key present in the document is always kept."""
    from .model.scenario import CANDIDATE_TAGS

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
