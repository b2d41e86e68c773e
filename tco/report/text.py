"""Text layout for terminals: display width (a CJK character takes two columns), padding
and cutting by display width, and tables that fit a width by cutting long cells and
hiding the least important columns, with a note saying which."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

ELLIPSIS = "…"


def display_width(text: str) -> int:
    """Terminal columns ``text`` takes: wide and full-width characters count 2, combining
    marks 0."""
    w = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        w += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return w


def pad(text: str, width: int, align: str = "<") -> str:
    """``text`` padded with spaces to ``width`` display columns (``<`` left, ``>`` right)."""
    gap = max(width - display_width(text), 0)
    return (" " * gap + text) if align == ">" else (text + " " * gap)


def middle_cut(s: str, n: int) -> str:
    """``s`` in ``n`` cells: the first word, as many words from the end as fit, then more from
    the start, with … between (two names that differ at the end stay apart); cut inside words
    when no two words fit."""
    if len(s) <= n:
        return s
    if n <= 3:
        return s[:n]
    vendor, slash, model = s.partition("/")
    if slash and " " not in s and len(model) + 3 <= n:  # an offer id: the model whole, the vendor cut
        return vendor[:n - len(model) - 2] + "…/" + model
    words = s.split(" ")

    def fits(a: int, b: int) -> bool:
        return a + b < len(words) and len(" ".join(words[:a])) + 3 + len(" ".join(words[-b:])) <= n

    if fits(1, 1):
        left, right = 1, 1
        while True:
            tries = [(left, right + 1), (left + 1, right)]  # the end first: names differ there most
            step = next(((a, b) for a, b in tries if fits(a, b)), None)
            if step is None:
                break
            left, right = step
        return f"{' '.join(words[:left])} … {' '.join(words[-right:])}"
    tight = f"{words[0].rstrip('…')}…{words[-1]}" if len(words) > 2 else ""
    if tight and len(tight) <= n:  # the first and last words whole, the ellipsis without spaces: …owned…H100
        return tight
    head = (n - 1) // 2
    return s[:head].rstrip() + "…" + s[len(s) - (n - 1 - head):].lstrip()


def distinct(name: str, others: Sequence[str], n: int) -> str:
    """``name`` in ``n`` cells, keeping what tells it from ``others``: the words it shares with
    them at the start go first (``Llama 3.1 405B FP8, owned 8x H100`` beside ``... 8x H100
    rented``: ``…owned 8x H100``), then it is cut in the middle."""
    if len(name) <= n:
        return name
    common = 0
    for o in others:
        if o == name:
            continue
        k = 0
        while k < min(len(o), len(name)) and o[k] == name[k]:
            k += 1
        common = max(common, k)
    cut = name.rfind(" ", 0, common + 1) if common else -1
    if cut > 0:
        name = "…" + name[cut + 1:]
    return middle_cut(name, n)


def cut_label(text: str, width: int, others: Sequence[str] = ()) -> str:
    """``throughput factor of Llama 3.1 405B FP8, owned 8x H100`` in ``width`` columns: the
    input's name kept, and of whose it is what tells it from the same input of ``others``
    (:func:`distinct`); other text is cut at its end."""
    if display_width(text) <= width or " of " not in text:
        return cut(text, width)
    what, whose = text.split(" of ", 1)
    room = width - display_width(what) - 4
    if room < 6:
        return cut(text, width)
    theirs = [o.split(" of ", 1)[1] for o in others if o != text and o.startswith(what + " of ")]
    return f"{what} of {distinct(whose, theirs, room)}"


def cut(text: str, width: int) -> str:
    """``text`` cut to at most ``width`` display columns, ending in an ellipsis when cut."""
    if display_width(text) <= width:
        return text
    out, w = "", 0
    for ch in text:
        cw = display_width(ch)
        if w + cw > width - 1:
            break
        out += ch
        w += cw
    return out + ELLIPSIS


Column = tuple[str, str, str]
"""(key, heading, alignment '<' or '>')."""


Step = tuple[str, str] | tuple[str, str, int]
"""A way to make a table narrower: ("drop", key) hides a column; ("shrink", key, floor) cuts
its cells down to ``floor`` display columns (12 when omitted)."""


def fit_table(rows: Sequence[dict[str, str]], columns: Sequence[Column], width: int | None = None, *,
              steps: Sequence[Step] | None = None, gap: str = "  ") -> tuple[list[str], list[str]]:
    """Lines of a table (heading, rule, rows) that fit ``width`` display columns (None: any).

    ``steps`` are tried in order until the table fits (None: shrink every column, widest
    first, down to 12 columns). Returns (lines, headings of the hidden columns)."""
    cols = list(columns)
    widths = {k: max([display_width(h)] + [display_width(str(r.get(k, ""))) for r in rows]) for k, h, _ in cols}
    heading = {k: h for k, h, _ in cols}
    hidden: list[str] = []

    def total() -> int:
        return sum(widths[k] for k, _, _ in cols) + len(gap) * (len(cols) - 1)

    if width is not None:
        plan: Sequence[Step] = steps if steps is not None else [("shrink", k) for k in
                                                                 sorted(widths, key=lambda k: -widths[k])]
        for step in plan:
            over = total() - width
            if over <= 0:
                break
            key = step[1]
            if step[0] == "drop":
                for c in cols:
                    if c[0] == key:
                        cols.remove(c)
                        hidden.append(c[1])
                        break
            elif key in widths:
                floor = max(step[2] if len(step) > 2 else 12, display_width(heading[key]))  # type: ignore[misc]
                widths[key] = max(floor, widths[key] - over)

    def line(cells: dict[str, str]) -> str:
        return gap.join(pad(cut(str(cells.get(k, "")), widths[k]), widths[k], a) for k, _, a in cols).rstrip()

    out = [line(heading), gap.join("-" * widths[k] for k, _, _ in cols if widths[k]).rstrip()]
    out += [line(r) for r in rows]
    return out, hidden


def hidden_note(hidden: Sequence[str]) -> str:
    """The line under a table that had to hide columns."""
    return (f"({len(hidden)} column{'s' if len(hidden) > 1 else ''} hidden to fit the terminal: "
            f"{', '.join(hidden)}; --wide shows all)")


def wrap_lines(lines: Sequence[str], width: int | None) -> list[str]:
    """Prose lines wrapped at ``width`` (None: unchanged), continuation lines indented four
    columns past the line's own indent; lines that fit are left as they are."""
    import textwrap

    if width is None:
        return list(lines)
    out: list[str] = []
    for line in lines:
        if display_width(line) <= width:
            out.append(line)
            continue
        indent = line[: len(line) - len(line.lstrip(" "))]
        out += textwrap.wrap(line.strip(), width=width, initial_indent=indent, subsequent_indent=indent + "    ",
                             break_on_hyphens=False) or [line]
    return out


def markdown_table(rows: Sequence[dict[str, str]], columns: Sequence[Column]) -> list[str]:
    """A GitHub-flavoured Markdown table (pipes in cells escaped)."""
    out = ["| " + " | ".join(h for _, h, _ in columns) + " |",
           "| " + " | ".join("---:" if a == ">" else "---" for _, _, a in columns) + " |"]
    for r in rows:
        out.append("| " + " | ".join(str(r.get(k, "")).replace("|", "\\|") for k, _, _ in columns) + " |")
    return out
