"""A save writes exactly the user's changes and nothing else (the app's document, no Textual).

The property: after any sequence of edits (fields typed, candidates added, removed, renamed,
undo and redo, edits back to where they started), the saved file

1. reads back as exactly the session's data (types too: ``2.0`` stays a float);
2. is byte for byte the original when the data ended where it started;
3. keeps every line of the original whose keys were not edited, in order, verbatim (values,
   quoting, flow style, end-of-line comments);
4. keeps every comment, except those written on the lines of a removed candidate.
"""

from __future__ import annotations

import copy
import functools
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tco import yamlio
from tco.tui.changes import identical, same
from tco.tui.fields import EditError
from tco.tui.state import Session

ROOT = Path(__file__).resolve().parent.parent
OPEN_VS_CLOSED = ROOT / "scenarios" / "open-vs-closed-405b.yaml"

COMMENTED = """\
# Our support bot: numbers agreed with finance on 2024-06-03.
name: Support assistant   # shown in reports
currency: USD
as_of: 2024-09-15
workload:
  requests_per_day: 10000   # from the May dashboard
  input_tokens: 1500        # mean per request
  output_tokens: 500
  peak_to_average: 2.0      # sized for twice the average
  days_per_month: 30
quality:
  profile: {mmlu-cot: 1, humaneval: 1}   # what we care about
  min_coverage: 0.5
candidates:
  # the incumbent first
  - openai/gpt-4o           # the incumbent
  # cheap ones
  - deepseek/deepseek-chat
  - selfhost:
      name: Llama 3.1 70B FP8, rented
      model: llama-3.1-70b-instruct
      precision: fp8
      gpu: h100-sxm-80gb
      rent_per_gpu_hour: 2.99     # Lambda H100 SXM, September 2024
      latency: {ttft_ms: 2000, tpot_ms: 100}
    # the owned one
  - selfhost: {name: Llama 8B owned, model: llama-3.1-8b-instruct, precision: fp8, gpu: h100-sxm-80gb, buy: {}}
  - anthropic/claude-3.5-sonnet   # the challenger
# end of file
"""

MONTHLY = """\
name: "Monthly, with our own rate"   # quoted on purpose
currency: CNY
fx: {CNY: 7.1}     # finance's rate
as_of: 2024-09-15
workload:
  requests_per_month: 300000
  input_tokens: 1500
  output_tokens: 500
  cached_input_share: 0.25   # the system prompt
quality:
  profile: general
candidates:
  - {offer: openai/gpt-4o, label: GPT-4o with our deal, discount: 0.1}   # our deal
  - 'deepseek/deepseek-chat'
  - selfhost:
      model: llama-3.1-70b-instruct
      precision: fp8
      gpu: h100-sxm-80gb
      buy: {server_price: 250000}   # quote of March
"""

SOURCES = {"commented": COMMENTED, "open-vs-closed": OPEN_VS_CLOSED.read_text(encoding="utf-8"), "monthly": MONTHLY}

VALUES = {
    "volume": ["ORIG", "20000", "100k", "1e5", "10000"],
    "input_tokens": ["ORIG", "1500", "3000", "1.5k"],
    "output_tokens": ["ORIG", "500", "800"],
    "cached": ["ORIG", "0", "0.3", "30%", "0%"],
    "peak": ["ORIG", "2", "2.0", "3"],
    "as_of": ["ORIG", "2024-09-15", "2024-10-01", ""],
    "currency": ["ORIG", "USD", "CNY", "EUR 0.92", ""],
    "profile": ["ORIG", "general", "mmlu-cot:1, humaneval:1", "code"],
    "ttft": ["ORIG", "", "none", "1500", "2000"],
    "tpot": ["ORIG", "", "100", "80"],
}

ADDABLE = [
    "openai/gpt-4o-mini",
    "deepseek/deepseek-chat",
    {"selfhost": {"model": "llama-3.1-8b-instruct", "precision": "fp8", "gpu": "h100-sxm-80gb", "gpus_per_node": 8}},
    {"selfhost": {"model": "llama-3.1-70b-instruct", "precision": "fp8", "gpu": "h100-sxm-80gb", "buy": {}}},
]

op = st.one_of(
    st.tuples(st.just("edit"), st.sampled_from(sorted(VALUES)), st.integers(0, 4)),
    st.tuples(st.just("add"), st.sampled_from(range(len(ADDABLE)))),
    st.tuples(st.just("remove"), st.integers(0, 9)),
    st.tuples(st.just("rename"), st.integers(0, 9), st.sampled_from(["", "Our pick", "Backup"])),
    st.tuples(st.just("undo")),
    st.tuples(st.just("redo")),
)


def apply_ops(session: Session, ops: list[tuple[Any, ...]], original: Session) -> None:
    for o in ops:
        try:
            if o[0] == "edit":
                vals = VALUES[o[1]]
                v = vals[o[2] % len(vals)]
                session.edit(o[1], original.field_text(o[1]) if v == "ORIG" else v)
            elif o[0] == "add":
                session.add_candidate(copy.deepcopy(ADDABLE[o[1]]))
            elif o[0] == "remove":
                ids = session.candidate_ids
                session.remove_candidate(ids[o[1] % len(ids)])
            elif o[0] == "rename":
                ids = session.candidate_ids
                session.rename_candidate(ids[o[1] % len(ids)], o[2])
            elif o[0] == "undo":
                session.undo()
            else:
                session.redo()
        except EditError:
            pass


@functools.cache
def _catalog() -> Any:
    from tco.catalog import load_catalog

    return load_catalog()


# ---- what the original file says where ------------------------------------------------------


def candidate_map(old: list[Any], new: list[Any]) -> dict[int, int]:
    """Original candidate index -> index in the new data, for the candidates still there: the
    writer's own pairing (unchanged entries first, then entries edited in place); an entry
    removed and added again is a new entry."""
    from tco.tui.yamlrt import align

    return dict(align(old, new))


def get(data: Any, path: tuple[Any, ...]) -> Any:
    for p in path:
        if isinstance(data, dict) and p in data:
            data = data[p]
        elif isinstance(data, list) and isinstance(p, int) and 0 <= p < len(data):
            data = data[p]
        else:
            raise KeyError(path)
    return data


def line_owners(text: str) -> dict[int, list[tuple[str, tuple[Any, ...]]]]:
    """Line (0-based) -> what is written on it: ("key", path) for a container's key or item
    line, ("value", path) for a scalar or a one-line flow container."""
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    owners: dict[int, list[tuple[str, tuple[Any, ...]]]] = {}

    def add(line: int, what: str, path: tuple[Any, ...]) -> None:
        owners.setdefault(line, []).append((what, path))

    def block(v: Any) -> bool:
        return isinstance(v, (CommentedMap, CommentedSeq)) and not v.fa.flow_style()

    def walk(node: Any, path: tuple[Any, ...]) -> None:
        if isinstance(node, CommentedMap):
            for k in node:
                p = (*path, k)
                add(node.lc.key(k)[0], "key" if block(node[k]) else "value", p)
                if block(node[k]):
                    walk(node[k], p)
        elif isinstance(node, CommentedSeq):
            for i, v in enumerate(node):
                p = (*path, i)
                add(node.lc.item(i)[0], "key" if block(v) else "value", p)
                if block(v):
                    walk(v, p)

    walk(YAML().load(text), ())
    return owners


def comment_of(line: str) -> str | None:
    m = re.search(r"(^|\s)(#.*)$", line)
    return m.group(2).rstrip() if m else None


def check_save(source: str, session: Session, saved: str) -> None:
    original = yamlio.parse(source, "x").data
    data = session.data
    reread = yamlio.parse(saved, "x").data
    # 1. exactly the session's data (types too: 2 is not 2.0; key order is the file's, checked line by line)
    assert identical(reread, data), (reread, data)
    # 2. edits that end where they started write the same bytes
    if same(data, original):
        assert saved == source
    # 3. lines of what was not edited stay, in order, verbatim
    cmap = candidate_map(original.get("candidates", []), data.get("candidates", []))
    removed_lines: set[int] = set()
    kept: list[str] = []
    src_lines = source.splitlines()
    owners = line_owners(source)
    item_lines: dict[int, list[int]] = {}
    for line, what in owners.items():
        for _, path in what:
            if path[:1] == ("candidates",) and len(path) > 1:
                item_lines.setdefault(path[1], []).append(line)
    for i, lines in item_lines.items():
        if i not in cmap:
            removed_lines.update(range(min(lines), max(lines) + 1))
    for n, text in enumerate(src_lines):
        what = owners.get(n)
        if what is None:
            continue  # a comment line or a blank line: checked below
        ok = True
        for kind, path in what:
            new_path = path
            if path[:1] == ("candidates",) and len(path) > 1:
                if path[1] not in cmap:
                    ok = False
                    break
                new_path = ("candidates", cmap[path[1]], *path[2:])
            try:
                old_v, new_v = get(original, path), get(data, new_path)
            except KeyError:
                ok = False
                removed_lines.add(n)  # its key is gone (deleted, or its entry edited in place into
                break  # another): a comment on that line goes with it
            if kind == "value" and not identical(old_v, new_v):
                ok = False
            if kind == "key" and type(old_v) is not type(new_v):
                ok = False
        if ok:
            kept.append(text)
    out_lines = iter(saved.splitlines())
    for text in kept:
        assert any(line == text for line in out_lines), f"line lost or changed: {text!r}\n---\n{saved}"
    # 4. every comment, but those on a removed candidate's lines or on a key that is gone
    want = Counter(c for n, t in enumerate(src_lines) if n not in removed_lines and (c := comment_of(t)))
    have = Counter(c for t in saved.splitlines() if (c := comment_of(t)))
    missing = want - have
    assert not missing, f"comments lost: {sorted(missing)}\n---\n{saved}"


@pytest.mark.parametrize("name", sorted(SOURCES))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=st.lists(op, max_size=8))
def test_a_save_writes_exactly_the_changes(name: str, ops: list[tuple[Any, ...]], tmp_path: Path) -> None:
    catalog = _catalog()
    source = SOURCES[name]
    path = tmp_path / f"{name}.yaml"
    path.write_text(source, encoding="utf-8")
    original = Session.open(path, catalog)
    session = Session.open(path, catalog)
    apply_ops(session, ops, original)
    session.save()
    check_save(source, session, path.read_text(encoding="utf-8"))


# ---- the cases the issue names -------------------------------------------------------------


def test_add_one_remove_another_keeps_a_third_ones_comment(tmp_path: Path, catalog: Any) -> None:
    p = tmp_path / OPEN_VS_CLOSED.name
    p.write_text(SOURCES["open-vs-closed"], encoding="utf-8")
    s = Session.open(p, catalog)
    s.add_candidate("deepseek/deepseek-chat")
    s.remove_candidate("openai/gpt-4o-mini")
    s.save()
    text = p.read_text()
    assert "rent_per_gpu_hour: 2.99     # Lambda H100 SXM, September 2024" in text
    check_save(SOURCES["open-vs-closed"], s, text)


def test_edits_back_to_the_start_write_the_same_bytes(tmp_path: Path, catalog: Any) -> None:
    p = tmp_path / OPEN_VS_CLOSED.name
    p.write_text(SOURCES["open-vs-closed"], encoding="utf-8")
    s = Session.open(p, catalog)
    for key, there, back in (("peak", "3", "2"), ("cached", "0.3", "0"), ("currency", "EUR 0.9", "USD"),
                             ("volume", "5k", "100000"), ("as_of", "2024-10-01", "2024-09-15")):
        s.edit(key, there)
        s.edit(key, back)
    assert not s.modified
    s.save()
    assert p.read_text() == SOURCES["open-vs-closed"]  # peak_to_average: 2.0 stays 2.0, no cached_input_share: 0


def test_emptying_a_mixed_latency_field_keeps_each_candidates_own(tmp_path: Path, catalog: Any) -> None:
    p = tmp_path / OPEN_VS_CLOSED.name
    p.write_text(SOURCES["open-vs-closed"], encoding="utf-8")
    s = Session.open(p, catalog)
    assert s.latency_field("ttft") == ("", "mixed", True)
    s.edit("ttft", "1500")  # typed: every self-hosted candidate gets it
    assert s.latency_targets("Llama 3.1 70B FP8, owned 8x H100") == (1500, 50)
    s.edit("ttft", "")  # emptied again: each its own target, as in the file
    assert s.latency_targets("Llama 3.1 70B FP8, owned 8x H100") == (1000, 50)
    assert s.latency_targets("Llama 3.1 405B FP8, 8x H100 rented") == (2000, 100)
    assert not s.modified and s.latency_field("ttft") == ("", "mixed", True)
    s.edit("ttft", "none")  # said in words: no target for any of them
    assert s.latency_targets("Llama 3.1 70B FP8, owned 8x H100") == (None, 50)
