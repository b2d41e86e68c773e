"""Safe YAML loading that remembers where every value came from (the located reader).

One parse: ``compose`` gives the node tree (with marks), ``construct_document`` gives the
data; :meth:`Document.locate` maps a field path back to its line and column. Turning a
pydantic error into a located one is :mod:`tco.schema.validate`, one layer up.
"""

from __future__ import annotations

import os
import re
import stat
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import TcoError

if TYPE_CHECKING:
    import yaml

# PyYAML is imported on first parse, not with this module: a warm run reads cached, validated
# data and never parses YAML, so it does not pay yaml's import (about 8 ms).


MAX_BYTES = 20_000_000
"""The largest scenario (or custom model) file read: 20 MB, thousands of times any real scenario."""

MAX_CATALOG_BYTES = 3_000_000
"""The largest catalog file read: about ten times the largest shipped one (pricing/models.yaml,
269 KB on 2026-12-01)."""

MAX_ALIASED = 100_000
"""Values YAML aliases may add to a file (``*a`` repeats the whole value anchored ``&a``): far more
than any real reuse, far fewer than an alias bomb (nine levels of nine aliases are 387 million)."""

AMBIGUOUS = "tag:tco,2026:ambiguous-number"
"""What a plain scalar resolves to when YAML 1.1 and YAML 1.2 (or a reader) would read different
numbers in it: refused with the number to write instead (see :func:`_ambiguous_number`)."""

_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_VALUE, _YAML = "tag:yaml.org,2002:value", "tag:yaml.org,2002:yaml"  # YAML 1.1 only; no constructor builds them
_DIGITS = list("-+0123456789")


def reads_as_number(text: str) -> bool:
    """Whether a plain (unquoted) scalar ``text`` is read as a number by this loader, or refused as
    an ambiguous one (``0800``, ``1:30``): a writer must quote such a string to keep it text."""
    return any(rx.match(text) for rx in _number_rules())


@lru_cache(maxsize=1)
def _number_rules() -> tuple[re.Pattern[str], ...]:
    loader = _loaders()[0]
    tags = (AMBIGUOUS, _INT, _FLOAT)
    return tuple(rx for rules in loader.yaml_implicit_resolvers.values() for tag, rx in rules if tag in tags)


@lru_cache(maxsize=1)
def _loaders() -> tuple[type, type]:
    """(the located safe loader, the plain safe base it extends)."""
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C loader unless libyaml is missing

    class _Loader(base):  # type: ignore[misc, valid-type]
        """Safe loader whose numbers are YAML 1.2's (the JSON Schema's, an editor's): decimal
        ``500``, ``1.5``, ``1e6`` (YAML 1.1, PyYAML's default, would leave ``1e6`` a string). What
        YAML 1.1 reads as another number than a person does (``0500`` octal 320, ``1:30`` base 60
        = 90, ``0b101``) resolves to :data:`AMBIGUOUS` and is refused; ``1_000`` is text, as in
        YAML 1.2 (the schema reads it as 1000, as it reads ``1,000``). Booleans stay YAML 1.1's
        (``yes``/``no``/``on``/``off`` too): the schema refuses a boolean where a number or text
        belongs, so none is misread silently."""

    # the YAML 1.1 int, float, value (=) and yaml rules go; null, bool, timestamp and merge (<<) stay
    _Loader.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in rules if tag not in (_INT, _FLOAT, _VALUE, _YAML)]
        for first, rules in base.yaml_implicit_resolvers.items()}
    for tag, rx, first in (
        (AMBIGUOUS, r"""^(?:[-+]?0[0-9_]+
                        |[-+]?0[bB][0-9_]+|[-+]?0[oO][0-9_]+|[-+]?0[xX][0-9a-fA-F_]+
                        |[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+
                        |[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*)$""", _DIGITS),
        (_INT, r"^[-+]?(?:0|[1-9][0-9]*)$", _DIGITS),
        (_FLOAT, r"""^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?
                     |[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$""", [*_DIGITS, "."]),
    ):
        for ch in first:  # first in each list: before the timestamp rule, as YAML 1.1's were
            _Loader.yaml_implicit_resolvers.setdefault(ch, []).insert(
                0 if tag == AMBIGUOUS else 1 if tag == _INT else 2, (tag, re.compile(rx, re.X)))
    return _Loader, base


class Document:
    """A parsed YAML file: its data and its node tree."""

    def __init__(self, path: str, data: Any, node: yaml.Node | None, text: str = "") -> None:
        self.path = path
        self.data = data
        self.node = node
        self.text = text
        """The source text (for messages that quote a line)."""

    def locate(self, loc: tuple[Any, ...], key: bool = False) -> tuple[int | None, int | None]:
        """1-based (line, col) of the value at ``loc`` (or of its key when ``key``)."""
        import yaml

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


def check_file(path: str | Path, max_bytes: int = MAX_BYTES) -> None:
    """A one-line error unless ``path`` is a regular file of at most ``max_bytes``: said from its
    metadata, before it is opened (a pipe would block the open, /dev/zero never ends)."""
    name = str(path)
    if not name:
        raise TcoError("empty file name", hint="give the path of a YAML file")
    try:
        st = os.stat(path)
    except FileNotFoundError:
        if name == "-":
            raise TcoError("reading standard input is not supported", file=name,
                           hint="give the path of the file; save piped text to a file first") from None
        raise TcoError("file not found", file=name, hint="check the path") from None
    except ValueError:  # a NUL in the name
        raise TcoError("invalid file name", file=repr(name), hint="give the path of a YAML file") from None
    except OSError as e:
        raise TcoError(f"cannot read: {e.strerror}", file=name) from None
    if stat.S_ISDIR(st.st_mode):
        raise TcoError("is a directory, expected a YAML file", file=name)
    if not stat.S_ISREG(st.st_mode):
        kind = ("a pipe" if stat.S_ISFIFO(st.st_mode) else "a socket" if stat.S_ISSOCK(st.st_mode)
                else "a device" if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode) else "not a plain file")
        raise TcoError(f"not a regular file ({kind})", file=name,
                       hint="give the path of a YAML file; save piped or generated text to a file first")
    if st.st_size > max_bytes:
        raise _too_large(name, st.st_size, max_bytes)


def _too_large(name: str, size: int | None, max_bytes: int) -> TcoError:
    said = f"{size:,} bytes; the limit is {max_bytes:,}" if size is not None else f"over the limit of {max_bytes:,} bytes"
    return TcoError(f"too large to read ({said})", file=name, hint="is this the right file?")


def read_bytes(path: str | Path, max_bytes: int = MAX_BYTES) -> bytes:
    """The file's bytes, or a one-line error naming it (see :func:`check_file`)."""
    check_file(path, max_bytes)
    try:
        with open(path, "rb") as fh:
            data = fh.read(max_bytes + 1)  # a file that grew since it was looked at is still cut
    except FileNotFoundError:
        raise TcoError("file not found", file=str(path), hint="check the path") from None
    except IsADirectoryError:
        raise TcoError("is a directory, expected a YAML file", file=str(path)) from None
    except OSError as e:
        raise TcoError(f"cannot read: {e.strerror}", file=str(path)) from None
    if len(data) > max_bytes:
        raise _too_large(str(path), None, max_bytes)
    return data


def read_text(path: str | Path, max_bytes: int = MAX_BYTES) -> str:
    """The file as UTF-8 text, or a one-line error naming it."""
    data = read_bytes(path, max_bytes)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise TcoError(f"not UTF-8 text ({e.reason} at byte {e.start})", file=str(path)) from None


def parse(text: str, path: str) -> Document:
    """Parse YAML text (safe loader, no timestamps coerced to datetime by accident)."""
    import yaml

    loader = _loaders()[0](text)
    try:
        node = loader.get_single_node()
        if node is not None:
            _check_tree(node, path, text, loader.resolve)
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        msg = e.problem or e.context or "invalid YAML"
        line = mark.line + 1 if mark else None
        col = mark.column + 1 if mark else None
        msg, hint = _syntax_in_words(text, mark, msg)
        raise TcoError(msg, file=path, line=line, col=col, hint=hint) from None
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
    return Document(path, data, node, text)


def refuse_saved_estimate(doc: Document) -> None:
    """A saved estimate (the JSON of ``tco estimate -f json``: ``schema_version`` and
    ``candidates`` at the top) read where a scenario is expected is said in one line, not as
    a hundred unknown fields."""
    if isinstance(doc.data, dict) and "schema_version" in doc.data and "candidates" in doc.data:
        raise TcoError("a saved estimate (tco estimate -f json), not a scenario", file=doc.path,
                       hint="compare two with tco diff A B, or give the scenario file it was made from")


def source_line(text: str, line: int | None) -> str:
    """Line ``line`` (1-based) of ``text``, or ''."""
    lines = text.splitlines()
    return lines[line - 1] if line is not None and 0 < line <= len(lines) else ""


def comment_in_value(line_text: str) -> bool:
    """Whether a ``#`` on this line starts a comment inside what looks like one value
    (``label: Team #2``), which YAML cuts off there. A ``# `` followed by a space is taken for
    the comment it usually is (``input_tokens: 1500  # mean per request``)."""
    code = line_text.split(":", 1)[-1]
    return bool(re.search(r"\S\s+#[^\s#]", code)) and not re.search(r"^\s*['\"]", code)


def _misindented(text: str, line: int | None) -> str | None:
    """A hint when line ``line`` (1-based) is indented unlike both lines around it, within one
    mapping (the line above does not open a block): ``indented by 1 space, the lines around it by 2``."""
    lines = text.splitlines()
    if line is None or not 0 < line <= len(lines):
        return None

    def indent(s: str) -> int:
        return len(s) - len(s.lstrip(" "))

    def near(step: int) -> str | None:
        i = line - 1 + step
        while 0 <= i < len(lines):
            if lines[i].strip() and not lines[i].lstrip().startswith("#"):
                return lines[i]
            i += step
        return None

    here, above, below = lines[line - 1], near(-1), near(1)
    if not here.strip() or above is None or above.split("#", 1)[0].rstrip().endswith(":"):
        return None
    around = {indent(x) for x in (above, below) if x is not None}
    if indent(here) in around or len(around) != 1:
        return None
    other = around.pop()
    if other == 0 or abs(other - indent(here)) > 2:
        return None
    return (f"this line is indented by {indent(here)} space{'s' if indent(here) != 1 else ''}, the lines around it by "
            f"{other}: keys of one mapping line up")


def _syntax_in_words(text: str, mark: Any, problem: str) -> tuple[str, str]:
    """A PyYAML problem as a message and a hint in a person's words."""
    line = mark.line + 1 if mark else None
    here = source_line(text, line)
    ch = here[mark.column] if mark is not None and 0 <= mark.column < len(here) else ""
    if ch == "\t" or (problem.startswith("found character") and "\t" in here[: (mark.column + 1) if mark else 0]):
        return ("YAML syntax error: a tab in the indentation",
                "YAML indents with spaces only: replace the tab with spaces")
    misindented = _misindented(text, line)
    if misindented:
        return f"YAML syntax error: {problem}", misindented
    if "#" in here and ("expected ','" in problem or "expected <block end>" in problem or comment_in_value(here)):
        return (f"YAML syntax error: {problem}",
                "' #' starts a comment in YAML: quote a value that contains #, e.g. label: \"Team #2\"")
    return f"YAML syntax error: {problem}", "check indentation, colons and quotes"


_MAP, _SEQ, _STR = "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:str"


def _check_tree(root: yaml.Node, path: str, text: str, resolve: Any) -> None:
    """One walk of the node tree before any value is built from it, each node visited once (an
    alias is the node it names, met again): a recursive alias, aliases expanding past
    :data:`MAX_ALIASED` values, a tag, an ambiguous number (:data:`AMBIGUOUS`) and a key given
    twice in one mapping (PyYAML would keep the last silently) are located one-line errors."""
    import yaml

    sizes: dict[int, int] = {}  # id(node) -> its values with aliases expanded, once walked
    active: set[int] = set()  # the nodes being walked: the path from the root
    aliased = 0

    def at(n: yaml.Node, where: tuple[str, ...], message: str, hint: str) -> TcoError:
        return TcoError(message, file=path, line=n.start_mark.line + 1, col=n.start_mark.column + 1,
                        field=".".join(where) or None, hint=hint)

    def enter(n: yaml.Node, where: tuple[str, ...]) -> list[Any]:
        if isinstance(n, yaml.ScalarNode):
            implicit = _STR if n.style not in (None, "") else resolve(yaml.ScalarNode, n.value, (True, False))
            if n.tag not in (implicit, _STR):  # !!str is YAML's own way to keep a scalar text
                raise at(n, where, f"YAML tags are not supported ({_short_tag(n.tag)})",
                         "write the value alone, without the tag; quote it to keep it as text")
            if n.tag == AMBIGUOUS:
                raise at(n, where, *_ambiguous_number(n.value))
            kids: list[tuple[yaml.Node, tuple[str, ...]]] = []
        elif isinstance(n, yaml.MappingNode):
            if n.tag != _MAP:
                raise at(n, where, f"YAML tags are not supported ({_short_tag(n.tag)})",
                         "write the mapping alone, without the tag")
            seen: dict[str, yaml.Node] = {}
            kids = []
            for k, v in n.value:
                name = str(k.value) if isinstance(k, yaml.ScalarNode) else "?"
                if isinstance(k, yaml.ScalarNode):
                    if k.value in seen:
                        first = seen[k.value].start_mark.line + 1
                        raise TcoError(f"duplicate key {k.value!r} (first at line {first})", file=path,
                                       line=k.start_mark.line + 1, col=k.start_mark.column + 1,
                                       hint="keep one of them")
                    seen[k.value] = k
                kids += [(k, (*where, name)), (v, (*where, name))]
        else:
            if n.tag != _SEQ:
                raise at(n, where, f"YAML tags are not supported ({_short_tag(n.tag)})",
                         "write the list alone, without the tag")
            kids = [(x, (*where, str(i))) for i, x in enumerate(n.value)]
        active.add(id(n))
        return [n, kids, 0, 1]  # node, children, next child, size

    stack = [enter(root, ())]
    while stack:
        frame = stack[-1]
        node, kids, i, _ = frame
        if i == len(kids):
            stack.pop()
            active.discard(id(node))
            sizes[id(node)] = frame[3]
            if stack:
                stack[-1][3] += frame[3]
            continue
        frame[2] = i + 1
        child, where = kids[i]
        if id(child) in active:
            name = _anchor_at(text, child)
            raise at(child, where, f"recursive YAML alias: *{name} is used inside the value anchored &{name}",
                     "an alias cannot contain itself: write the value out")
        if id(child) in sizes:  # an alias: the anchored value again, walked already
            frame[3] += sizes[id(child)]
            aliased += sizes[id(child)]
            if aliased > MAX_ALIASED:
                name = _anchor_at(text, child)
                raise at(child, where, f"YAML aliases (*{name} and others) expand to more than {MAX_ALIASED:,} values",
                         "an alias bomb? write the values out")
            continue
        stack.append(enter(child, where))


def _short_tag(tag: str) -> str:
    return "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml.org,2002:") else tag


def _anchor_at(text: str, node: yaml.Node) -> str:
    """The anchor's name where ``node`` starts (``&name``), or ``?``."""
    m = re.match(r"&([^\s,\[\]{}]+)", source_line(text, node.start_mark.line + 1)[node.start_mark.column:])
    return m.group(1) if m else "?"


def _ambiguous_number(value: str) -> tuple[str, str]:
    """(message, hint) for a plain scalar YAML 1.1 reads as another number than YAML 1.2 or a
    person would: base 60, binary/octal/hex, a leading zero."""
    sign = -1 if value.startswith("-") else 1
    body = value.lstrip("+-").replace("_", "")
    quote = f'quote it if it is text: "{value}"'
    if ":" in body:
        n = 0.0
        for part in body.split(":"):
            n = n * 60 + float(part)
        shown = f"{sign * n:g}"
        return (f"{value} is a base-60 number in YAML 1.1 ({shown}), text in YAML 1.2",
                f"quote it if it is a time of day or text: \"{value}\"; write the number itself if it is one")
    if body[1:2].lower() in ("b", "o", "x"):
        kind, base = {"b": ("a binary", 2), "o": ("an octal", 8), "x": ("a hexadecimal", 16)}[body[1].lower()]
        try:
            shown = str(sign * int(body[2:], base))
        except ValueError:
            return f"{value} is not a decimal number", f"write numbers in decimal, or {quote}"
        return f"{value} is {kind} number ({shown})", f"write numbers in decimal: {shown}, or {quote}"
    decimal = str(sign * int(body))
    octal = f"octal {sign * int(body, 8)}" if set(body) <= set("01234567") else "text"
    return (f"{value} has a leading zero: YAML 1.1 reads it as {octal}, YAML 1.2 as {decimal}",
            f"write {decimal}, or {quote}")


def _first_bad_scalar(node: yaml.Node) -> tuple[yaml.ScalarNode, str] | None:
    """The first scalar the safe constructor cannot build (e.g. the date 2024-13-01), with its
    dotted field path."""
    import yaml

    probe = _loaders()[1]("")
    stack: list[tuple[yaml.Node, tuple[str, ...]]] = [(node, ())]
    seen: set[int] = set()  # an alias is walked once
    try:
        while stack:
            n, where = stack.pop(0)
            if id(n) in seen:
                continue
            seen.add(id(n))
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


def load(path: str | Path, max_bytes: int = MAX_BYTES) -> Document:
    """Read and parse a YAML file (:data:`MAX_CATALOG_BYTES` for a catalog file)."""
    return parse(read_text(path, max_bytes), str(path))
