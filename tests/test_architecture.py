"""The layout is the architecture (docs/architecture.md): layers point down only (the
import-linter contracts in pyproject.toml), no import cycles anywhere in tco/ (imports
inside functions count, ``if TYPE_CHECKING:`` imports do not), no catch-all module names,
and no file over 700 lines unless it is listed here as one cohesive thing."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "tco"
MAX_LINES = 700
COHESIVE: dict[str, str] = {}
"""Files allowed past MAX_LINES, each with the reason it is one thing (none today)."""


def test_layer_contracts_hold() -> None:
    exe = shutil.which("lint-imports") or str(Path(sys.executable).with_name("lint-imports"))
    run = subprocess.run([exe, "--no-cache", "--config", str(ROOT / "pyproject.toml")], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert "0 broken" in run.stdout


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components with more than one module (or a self-import)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1 or v in graph.get(v, ()):
                out.append(sorted(comp))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_cycle_finder_finds_a_cycle() -> None:
    # a -> b -> c -> a is one cycle; d -> a is not part of it
    assert strongly_connected({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert strongly_connected({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles() -> None:
    g = grimp.build_graph("tco", exclude_type_checking_imports=True, cache_dir=None)
    graph = {m: {d for d in g.find_modules_directly_imported_by(m) if d.startswith("tco")} for m in g.modules
             if m.startswith("tco")}
    cycles = strongly_connected(graph)
    assert cycles == [], "import cycles: " + "; ".join(" <-> ".join(c) for c in cycles)


def test_no_catch_all_module_names() -> None:
    bad = [p.relative_to(ROOT) for p in PACKAGE.rglob("*.py")
           if p.stem.lower() in {"glue", "misc", "util", "utils", "helpers", "helper", "common"}]
    assert bad == []


@pytest.mark.parametrize("path", sorted(str(p.relative_to(ROOT)) for p in PACKAGE.rglob("*.py")))
def test_file_size(path: str) -> None:
    lines = len((ROOT / path).read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES or path in COHESIVE, f"{path}: {lines} lines; split it along a real seam"


def test_type_checkers_see_the_lazy_public_api() -> None:
    """`tco.estimate` and the rest load on first use (PEP 562); a type checker saw them as Any and
    any misspelt name as valid (a library user's review). The `if TYPE_CHECKING:` imports name
    exactly the lazy names, each from the module it loads from, and `__getattr__` is hidden from
    the checker."""
    import ast

    import tco

    tree = ast.parse((Path(tco.__file__)).read_text(encoding="utf-8"))
    typed: dict[str, str] = {}
    hidden = False
    for node in tree.body:
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            for imp in node.body:
                assert isinstance(imp, ast.ImportFrom)
                typed.update({a.name: imp.module or "" for a in imp.names})
        if isinstance(node, ast.If) and ast.unparse(node.test) == "not TYPE_CHECKING":
            hidden = any(isinstance(f, ast.FunctionDef) and f.name == "__getattr__" for f in node.body)
    assert typed == tco._LAZY and hidden
