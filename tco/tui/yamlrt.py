"""Saving a scenario without losing the user's file: ruamel.yaml round trip and atomic writes.

The app edits a plain dict (what the safe loader read). At save time the original text is
loaded again in ruamel's round-trip mode, only the paths that differ between the data as
last saved and the data now are changed in that tree, and the tree is dumped: comments,
key order, quoting, flow style and untouched values stay as the user wrote them.

ruamel.yaml is imported inside the functions: the app starts without it.
"""

from __future__ import annotations

import io
import json
from typing import Any

from .changes import identity, same

_MISSING = object()


def _emitter() -> type:
    from ruamel.yaml.emitter import RoundTripEmitter

    class Emitter(RoundTripEmitter):
        """ruamel's emitter, but a comment ends its line for good: after the end-of-line
        comment of a flow mapping that is the first entry of a commented list, ruamel 0.19
        forgets to start the next entry on a new line (``- deepseek-chat   -``)."""

        def write_post_comment(self, event: Any) -> bool:
            wrote = bool(super().write_post_comment(event))
            if wrote:
                self.no_newline = False
            return wrote

    return Emitter


def _yaml(text: str) -> Any:
    from ruamel.yaml import YAML
    from ruamel.yaml.util import load_yaml_guess_indent

    _, seq_indent, offset = load_yaml_guess_indent(text) if text.strip() else (None, 2, 0)
    y = YAML()  # round-trip
    y.Emitter = _emitter()
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


# ---- comments after an entry ----------------------------------------------------------------
# ruamel keeps the comment written after an entry of a sequence (or mapping) in the slot of its
# deepest last value: the end-of-line comment, then the full-line comments up to the next
# entry ("# the incumbent\n  # cheap ones\n"). Those following lines belong to the gap, not
# to the entry: when the entry goes, or a new entry is appended after the last one, they move
# so that they stay where they were in the file.


def _deepest_slot(node: Any, key: Any) -> tuple[Any, Any, int]:
    """(container, key, position in its ``ca.items`` list) of the comment after ``node[key]``."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    while True:
        child = node[key]
        if isinstance(child, (CommentedMap, CommentedSeq)) and len(child) and not child.fa.flow_style():
            node, key = child, (len(child) - 1 if isinstance(child, CommentedSeq) else list(child)[-1])
            continue
        return node, key, (0 if isinstance(node, CommentedSeq) else 2)


def _take_following(node: Any, key: Any) -> str:
    """Remove and return the full-line comments following entry ``key`` of ``node`` (its own
    end-of-line comment stays)."""
    holder, k, pos = _deepest_slot(node, key)
    slot = holder.ca.items.get(k)
    token = slot[pos] if slot and len(slot) > pos else None
    if token is None or "\n" not in token.value.rstrip("\n") and not token.value.startswith("\n"):
        return ""
    value = token.value
    eol, _, rest = value.partition("\n")
    if not rest.strip():
        return ""
    if eol.strip():
        token.value = eol + "\n"
    else:
        slot[pos] = None
    return rest


def _put_following(node: Any, key: Any, rest: str) -> None:
    """Add full-line comments after entry ``key`` of ``node``."""
    from ruamel.yaml.error import CommentMark
    from ruamel.yaml.tokens import CommentToken

    if not rest:
        return
    holder, k, pos = _deepest_slot(node, key)
    slot = holder.ca.items.setdefault(k, [None, None, None, None])
    while len(slot) <= pos:
        slot.append(None)
    token = slot[pos]
    if token is None:
        slot[pos] = CommentToken("\n" + rest, CommentMark(0))
    else:
        token.value = (token.value if token.value.endswith("\n") else token.value + "\n") + rest


def _put_before_first(seq: Any, rest: str) -> None:
    """Full-line comments before the first entry of a sequence."""
    from ruamel.yaml.error import CommentMark
    from ruamel.yaml.tokens import CommentToken

    if not rest:
        return
    lines = [line.strip() for line in rest.splitlines() if line.strip()]
    col = next((len(line) - len(line.lstrip()) for line in rest.splitlines() if line.strip()), 0)
    tokens = [CommentToken(line + "\n", CommentMark(col)) for line in lines]
    if seq.ca.comment is None:
        seq.ca.comment = [None, tokens]
    elif seq.ca.comment[1] is None:
        seq.ca.comment[1] = tokens
    else:
        seq.ca.comment[1].extend(tokens)


def _take_before(node: Any, i: int) -> str:
    """Remove and return the full-line comments ruamel keeps as written before entry ``i``."""
    slot = node.ca.items.get(i)
    if not slot or len(slot) < 2 or not slot[1]:
        return ""
    tokens, slot[1] = slot[1], None
    return "".join(" " * t.column + t.value.lstrip(" ") for t in tokens)


def _delete(node: Any, i: int) -> None:
    """Delete entry ``i`` of a sequence; the full-line comments before and after it stay where
    they were (after its predecessor, or before the first entry)."""
    rest = _take_before(node, i) + _take_following(node, i)
    del node[i]
    if i > 0:
        _put_following(node, i - 1, rest)
    else:
        _put_before_first(node, rest)


def _insert(node: Any, i: int, value: Any) -> None:
    """Insert ``value`` at ``i``; appended after the last entry, it takes over the comments
    that followed that entry (they stay at the end of the list)."""
    at_end = i == len(node) and len(node) > 0
    rest = _take_following(node, len(node) - 1) if at_end else ""
    node.insert(i, value)
    if at_end:
        _put_following(node, i, rest)


def _delete_key(node: Any, k: Any) -> None:
    """Delete key ``k`` of a mapping; the full-line comments that followed it follow the key
    before it (or, for the first key, the one after)."""
    keys = list(node)
    rest = _take_following(node, k)
    del node[k]
    if rest and len(node):
        i = keys.index(k)
        _put_following(node, keys[i - 1] if i > 0 else list(node)[0], rest)


def _insert_key(node: Any, pos: int, k: Any, value: Any) -> None:
    """Insert key ``k`` at ``pos``; after the last key, it takes over the comments that
    followed that key."""
    at_end = pos == len(node) and len(node) > 0
    rest = _take_following(node, list(node)[-1]) if at_end else ""
    node.insert(pos, k, value)
    if at_end:
        _put_following(node, k, rest)


def _set_item(node: Any, i: int, value: Any) -> None:
    """``node[i] = value``; a flow mapping taking a scalar's place gets its end-of-line
    comment moved right of it (ruamel writes a broken line when the comment's column is
    inside the new text)."""
    before = node[i]
    node[i] = value
    slot = node.ca.items.get(i)
    token = slot[0] if slot else None
    if token is None or value is before or not hasattr(value, "fa") or not value.fa.flow_style():
        return
    out = io.StringIO()
    y = _yaml("")
    y.dump([value], out)
    width = node.lc.col + 2 + len(out.getvalue().splitlines()[0].removeprefix("- "))
    if token.column <= width:
        token.start_mark.column = width + 1


def apply_changes(node: Any, old: Any, new: Any) -> Any:
    """Change the ruamel ``node`` (loaded from a file whose plain data was ``old``) so that it
    holds ``new``; returns the node to store (a new one when the type changed). Values equal
    in meaning (``2`` and ``2.0``) count as unchanged: the file keeps its own."""
    if same(old, new):
        return node
    if isinstance(old, dict) and isinstance(new, dict) and hasattr(node, "insert"):
        for k in [k for k in old if k not in new]:
            if k in node:
                _delete_key(node, k)
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
                _insert_key(node, pos, k, _to_rt(new[k]))
        return node
    if isinstance(old, list) and isinstance(new, list) and isinstance(node, list):
        # entries are matched by what they are (an edited candidate is the same entry), so an
        # edit changes only its keys, a removal removes only its entry
        _apply_list(node, old, new)
        return node
    return _to_rt(new)


def align(old: list[Any], new: list[Any]) -> list[tuple[int, int]]:
    """Pairs (old index, new index), in order, that keep the most: an entry unchanged counts
    2, the same entry edited (:func:`~tco.tui.changes.identity`: a candidate renamed, its
    latency changed) counts 1, anything else cannot pair (it is deleted, or inserted)."""
    def score(a: Any, b: Any) -> int:
        return 2 if same(a, b) else (1 if identity(a) == identity(b) else 0)

    n, m = len(old), len(new)
    best = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            s = score(old[i], new[j])
            best[i][j] = max(best[i + 1][j], best[i][j + 1], best[i + 1][j + 1] + s if s else 0)
    pairs, i, j = [], 0, 0
    while i < n and j < m:
        s = score(old[i], new[j])
        if s and best[i][j] == best[i + 1][j + 1] + s:
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif best[i + 1][j] >= best[i][j + 1]:
            i += 1
        else:
            j += 1
    return pairs


def _apply_list(node: Any, old: list[Any], new: list[Any]) -> None:
    """Make the sequence ``node`` (which holds ``old``) hold ``new``: entries unchanged stay as
    they are, entries edited in place keep their comments and style, the others are deleted
    or inserted (the comments around them staying where they were)."""
    pairs = align(old, new)
    kept_old = {i for i, _ in pairs}
    kept_new = {j for _, j in pairs}
    for i in range(len(old) - 1, -1, -1):
        if i not in kept_old:
            _delete(node, i)
    for p, (i, j) in enumerate(pairs):
        _set_item(node, p, apply_changes(node[p], old[i], new[j]))
    for j, v in enumerate(new):
        if j not in kept_new:
            _insert(node, j, _to_rt(v, _sibling(node, v)))


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
    text = out.getvalue()
    _check_reads_back(text, new)
    return text


def _check_reads_back(text: str, new: Any) -> None:
    """The text must read back as exactly ``new``: a writer quirk must never change a value
    the user did not edit (then nothing is written)."""
    from .. import yamlio
    from ..errors import TcoError
    from .changes import identical
    from .fields import EditError

    try:
        back = yamlio.parse(text, "the file as it would be saved").data
    except TcoError as e:
        back = e
    if not identical(back, new):
        raise EditError("the file could not be rewritten without changing what you did not edit (a limit of the "
                        "YAML writer with this layout); nothing was written")
