"""Saving a scenario without losing the user's file: ruamel.yaml round trip and atomic writes.

The app edits a plain dict (what the safe loader read). At save time the original text is
loaded again in ruamel's round-trip mode, only the paths that differ between the data as
last saved and the data now are changed in that tree, and the tree is dumped: comments,
key order, quoting, flow style and untouched values stay as the user wrote them.

ruamel.yaml is imported inside the functions: the app starts without it.
"""

from __future__ import annotations

import difflib
import io
import json
from typing import Any

_MISSING = object()


def _yaml(text: str) -> Any:
    from ruamel.yaml import YAML
    from ruamel.yaml.util import load_yaml_guess_indent

    _, seq_indent, offset = load_yaml_guess_indent(text) if text.strip() else (None, 2, 0)
    y = YAML()  # round-trip
    y.preserve_quotes = True
    y.width = 4096
    seq_indent = seq_indent or 2
    offset = offset or 0
    y.indent(mapping=2, sequence=max(seq_indent, offset + 2), offset=offset)
    return y


def _to_rt(value: Any, like: Any = None) -> Any:
    """A plain value as a ruamel node. A mapping is written in the style of ``like`` (a node of
    the same kind already in the file: its flow or block style, key by key), else small
    mappings of scalars in flow style."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(value, dict):
        m = CommentedMap()
        model = like if isinstance(like, CommentedMap) else None
        for k, v in value.items():
            m[k] = _to_rt(v, model.get(k) if model is not None else None)
        style = model.fa.flow_style() if model is not None else None
        if style is None:
            style = len(value) <= 6 and all(not isinstance(v, (dict, list)) for v in value.values())
        if style:
            m.fa.set_flow_style()
        else:
            m.fa.set_block_style()
        return m
    if isinstance(value, list):
        s = CommentedSeq()
        for v in value:
            s.append(_to_rt(v))
        return s
    return value


def _sibling(items: Any, value: Any) -> Any:
    """An entry of the sequence ``items`` shaped like ``value`` (a mapping with one of its keys,
    such as another ``selfhost:`` candidate), whose style a new entry should follow."""
    from ruamel.yaml.comments import CommentedMap

    if not isinstance(value, dict):
        return None
    return next((it for it in items if isinstance(it, CommentedMap) and set(it) & set(value)), None)


def _key(v: Any) -> str:
    return json.dumps(v, sort_keys=True, default=str)


def apply_changes(node: Any, old: Any, new: Any) -> Any:
    """Change the ruamel ``node`` (loaded from a file whose plain data was ``old``) so that it
    holds ``new``; returns the node to store (a new one when the type changed)."""
    if old == new and type(old) is type(new):
        return node
    if isinstance(old, dict) and isinstance(new, dict) and hasattr(node, "insert"):
        for k in [k for k in old if k not in new]:
            if k in node:
                del node[k]
        order = list(new)
        for i, k in enumerate(order):
            if k in old and k in node:
                node[k] = apply_changes(node[k], old[k], new[k])
            else:
                # a new key goes right after its predecessor in the new data
                pos = len(node)
                for prev in reversed(order[:i]):
                    if prev in node:
                        pos = list(node).index(prev) + 1
                        break
                else:
                    nxt = [k2 for k2 in order[i + 1:] if k2 in node]
                    if nxt:
                        pos = list(node).index(nxt[0])
                node.insert(pos, k, _to_rt(new[k]))
        return node
    if isinstance(old, list) and isinstance(new, list) and isinstance(node, list):
        if len(old) == len(new):
            for i in range(len(new)):
                node[i] = apply_changes(node[i], old[i], new[i])
            return node
        sm = difflib.SequenceMatcher(a=[_key(v) for v in old], b=[_key(v) for v in new], autojunk=False)
        for tag, i1, i2, j1, j2 in reversed(sm.get_opcodes()):
            if tag == "equal":
                continue
            if tag == "replace" and i2 - i1 == j2 - j1:
                for d in range(i2 - i1):
                    node[i1 + d] = apply_changes(node[i1 + d], old[i1 + d], new[j1 + d])
                continue
            for i in range(i2 - 1, i1 - 1, -1):
                del node[i]
            for d, v in enumerate(new[j1:j2]):
                node.insert(i1 + d, _to_rt(v, _sibling(node, v)))
        return node
    return _to_rt(new)


def dump_changed(source_text: str, old: Any, new: Any) -> str:
    """``source_text`` (whose safe-loaded data is ``old``) rewritten to hold ``new``."""
    y = _yaml(source_text)
    tree = y.load(source_text) if source_text.strip() else None
    if tree is None:
        tree = _to_rt({})
        old = {}
    tree = apply_changes(tree, old, new)
    out = io.StringIO()
    y.dump(tree, out)
    return out.getvalue()
