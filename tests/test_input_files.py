"""Input files read and outputs written (a bad-input review, 2026-12-01): every bad file is one
located line and exit 2, never a hang, a wrong number, or an input lost to its own output.

Anything that hung, or read without end, before the fix runs in a subprocess with a timeout
(and a memory limit), so that a regression fails the test instead of stalling the suite."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tco import yamlio
from tco.cli import main
from tco.errors import TcoError
from tests.conftest import FIXTURE_CATALOG, ROOT

GOOD = """\
name: fixture
as_of: 2024-06-01
workload:
  requests_per_day: 10000
  input_tokens: 1500
  output_tokens: 500
candidates:
  - acme/flat
"""

CAT = ("--catalog", str(FIXTURE_CATALOG))


def run(capsys, *argv: str) -> tuple[int, str, str]:
    rc = main(list(argv))
    out, err = capsys.readouterr()
    return rc, out, err


def one_line(rc: int, err: str) -> str:
    assert rc == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("tco: error: "), err
    assert "Traceback" not in err
    return lines[0]


def subprocess_tco(*argv: str, timeout: float = 60, memory_gb: int | None = None) -> subprocess.CompletedProcess:
    """``python -m tco ARGV`` in a child that a hang cannot outlive (killed at ``timeout``)."""
    def limit() -> None:
        if memory_gb:
            import resource

            resource.setrlimit(resource.RLIMIT_AS, (memory_gb << 30, memory_gb << 30))

    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    try:
        return subprocess.run([sys.executable, "-m", "tco", *argv], capture_output=True, text=True, timeout=timeout,
                              env=env, preexec_fn=limit if memory_gb else None, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        pytest.fail(f"tco {' '.join(argv)} still running after {timeout} s")


BOMB = ('a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
        + "".join(f"{b}: &{b} [{', '.join([f'*{a}'] * 9)}]\n" for a, b in zip("abcdefgh", "bcdefghi", strict=True)))


# 1. aliases: a recursive one hung `tco validate` at 100 % CPU; nine levels of nine ran for minutes
def test_recursive_alias_and_alias_bomb_are_refused_at_once(tmp_path: Path) -> None:
    recursive = tmp_path / "recursive.yaml"
    recursive.write_text(GOOD.replace("name: fixture", "name: &n [*n]"), encoding="utf-8")
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(BOMB + GOOD, encoding="utf-8")
    for path, said in ((recursive, "recursive.yaml:1:7: name.0: recursive YAML alias: *n is used inside the value "
                                   "anchored &n"),
                       (bomb, "YAML aliases (*")):
        p = subprocess_tco("validate", str(path), *CAT)
        assert p.returncode == 2 and said in p.stderr and "Traceback" not in p.stderr, p.stderr
        assert len(p.stderr.strip().splitlines()) == 1
    # the same in a catalog file (one loader)
    cat = tmp_path / "catalog"
    shutil.copytree(FIXTURE_CATALOG, cat)
    acme = cat / "api" / "acme.yaml"
    acme.write_text(acme.read_text(encoding="utf-8").replace("name: Acme (test fixture)", "name: &n [*n]"),
                    encoding="utf-8")
    p = subprocess_tco("validate", str(ROOT / "scenarios" / "support-assistant.yaml"), "--catalog", str(cat))
    assert p.returncode == 2 and "acme.yaml:3:7: name.0: recursive YAML alias" in p.stderr, p.stderr
    # and well under a second in the loader itself
    for text in (recursive.read_text(encoding="utf-8"), BOMB):
        start = time.perf_counter()
        with pytest.raises(TcoError):
            yamlio.parse(text, "x.yaml")
        assert time.perf_counter() - start < 0.5
    # reuse that expands to a sane size stays allowed: anchors, aliases and merge keys
    doc = yamlio.parse("a: &a {p: 1}\nb: [*a, *a]\nc: {<<: *a, q: 2}\n", "ok.yaml")
    assert doc.data == {"a": {"p": 1}, "b": [{"p": 1}, {"p": 1}], "c": {"p": 1, "q": 2}}


# 2. YAML 1.1 numbers: 0500 was octal 320, 1:30 base-60 90, and `tco validate` said ok
@pytest.mark.parametrize(("value", "said"), [
    ("0500", "0500 has a leading zero: YAML 1.1 reads it as octal 320, YAML 1.2 as 500 (write 500"),
    ("010", "010 has a leading zero: YAML 1.1 reads it as octal 8, YAML 1.2 as 10 (write 10"),
    ("0800", "0800 has a leading zero: YAML 1.1 reads it as text, YAML 1.2 as 800 (write 800"),
    ("0b101", "0b101 is a binary number (5) (write numbers in decimal: 5"),
    ("0o17", "0o17 is an octal number (15)"),
    ("0x1F", "0x1F is a hexadecimal number (31)"),
    ("1:30", "1:30 is a base-60 number in YAML 1.1 (90), text in YAML 1.2"),
])
def test_numbers_yaml_11_and_12_read_differently_are_refused(capsys, write, value: str, said: str) -> None:
    path = write(GOOD.replace("output_tokens: 500", f"output_tokens: {value}"))
    line = one_line(*run(capsys, "validate", str(path), *CAT)[::2])
    assert f"scenario.yaml:6:18: workload.output_tokens: {said}" in line
    assert f'"{value}"' in line and "quote it if it is" in line  # a base-60 one: "if it is a time of day or text"


def test_numbers_as_yaml_12_reads_them(capsys, write, tmp_path: Path) -> None:
    line = one_line(*run(capsys, "validate", str(write(GOOD.replace("10000", "1:00"))), *CAT)[::2])
    assert "workload.requests_per_day: 1:00 is a base-60 number in YAML 1.1 (60)" in line
    # 1_000 is text in YAML 1.2, which the schema reads as it reads 1,000; 1.000 is 1.0; quoted is text
    path = write(GOOD.replace("1500", "1_500").replace("output_tokens: 500", "output_tokens: 1.000e3"))
    rc, out, err = run(capsys, "estimate", str(path), "-f", "json", *CAT)
    assert rc == 0, err
    w = json.loads(out)["workload"]
    assert (w["input_tokens"], w["output_tokens"]) == (1500, 1000)
    assert yamlio.parse('a: 1.000\nb: "0500"\nc: 1e6\nd: 0\ne: -0.5\nf: 2024-09-15\n', "x").data == {
        "a": 1.0, "b": "0500", "c": 1e6, "d": 0, "e": -0.5, "f": __import__("datetime").date(2024, 9, 15)}
    # a catalog file goes through the same loader
    cat = tmp_path / "catalog"
    shutil.copytree(FIXTURE_CATALOG, cat)
    acme = cat / "api" / "acme.yaml"
    acme.write_text(acme.read_text(encoding="utf-8").replace("context_window: 200000", "context_window: 0200000"),
                    encoding="utf-8")
    from tco.catalog import load_catalog

    with pytest.raises(TcoError, match=r"acme.yaml:9:21: offers.0.context_window: 0200000 has a leading zero: "
                                       r"YAML 1.1 reads it as octal 65536"):
        load_catalog(cat)


# 3. tags: they were blamed on indentation, colons and quotes
@pytest.mark.parametrize(("text", "said"), [
    (GOOD.replace("10000", "!foo 10000"), "scenario.yaml:4:21: workload.requests_per_day: YAML tags are not "
                                          "supported (!foo) (write the value alone, without the tag"),
    ("!!python/object:os.system\n" + GOOD, "scenario.yaml:1:1: YAML tags are not supported "
                                           "(!!python/object:os.system)"),
    (GOOD.replace("name: fixture", "name: !!python/object/apply:os.system [ls]"),
     "scenario.yaml:1:7: name: YAML tags are not supported (!!python/object/apply:os.system)"),
    (GOOD.replace("1500", "!!int 0500"), "workload.input_tokens: YAML tags are not supported (!!int)"),
])
def test_tags_are_said_to_be_unsupported(capsys, write, text: str, said: str) -> None:
    line = one_line(*run(capsys, "validate", str(write(text)), *CAT)[::2])
    assert said in line and "indent" not in line


# 4. input size and kind: /dev/zero read until MemoryError, a FIFO blocked forever
def test_devices_pipes_and_huge_files_are_refused(tmp_path: Path, write) -> None:
    if os.path.exists("/dev/zero"):
        p = subprocess_tco("validate", "/dev/zero", *CAT, timeout=60, memory_gb=4)
        assert p.returncode == 2 and "/dev/zero: not a regular file (a device)" in p.stderr, p.stderr[-500:]
    if hasattr(os, "mkfifo"):
        fifo = tmp_path / "pipe.yaml"
        os.mkfifo(fifo)
        for argv in (("validate", str(fifo)), ("estimate", str(fifo)), ("diff", str(fifo), str(write(GOOD)))):
            p = subprocess_tco(*argv, *CAT, timeout=60)
            assert p.returncode == 2 and "pipe.yaml: not a regular file (a pipe)" in p.stderr, p.stderr
    huge = tmp_path / "huge.yaml"
    with open(huge, "wb") as fh:
        fh.truncate(yamlio.MAX_BYTES + 1)  # sparse: nothing is written, nothing must be read
    with pytest.raises(TcoError, match=r"huge.yaml: too large to read \(20,000,001 bytes; the limit is 20,000,000\)"):
        yamlio.load(huge)
    with pytest.raises(TcoError, match="too large to read"):
        yamlio.load(write(GOOD), max_bytes=50)
    # the catalog's limit leaves room: the largest shipped file is well under it
    largest = max(p.stat().st_size for p in (ROOT / "pricing").rglob("*.yaml"))
    assert largest * 4 < yamlio.MAX_CATALOG_BYTES


# 5. an output that is an input: the scenario was overwritten with its own estimate, exit 0
def test_output_that_is_an_input_is_refused_before_any_work(capsys, tmp_path: Path, write, monkeypatch) -> None:
    s = write(GOOD, "s.yaml")
    b = write(GOOD.replace("10000", "20000"), "b.yaml")
    (tmp_path / "link.json").symlink_to(s)
    monkeypatch.chdir(tmp_path)
    for argv in (("estimate", "s.yaml", "-o", "s.yaml"), ("estimate", "s.yaml", "-f", "json", "-o", "./s.yaml"),
                 ("estimate", str(s), "-f", "json", "-o", "link.json"), ("report", "s.yaml", "-o", "s.yaml"),
                 ("diff", "s.yaml", "b.yaml", "-o", "b.yaml")):
        line = one_line(*run(capsys, *argv, *CAT)[::2])
        assert "--out: is the " in line and "this command reads" in line and "(choose another output file)" in line
    assert s.read_text(encoding="utf-8") == GOOD and b.read_text(encoding="utf-8") == GOOD.replace("10000", "20000")
    # a file of the catalog is an input too
    fx = tmp_path / "catalog"
    shutil.copytree(FIXTURE_CATALOG, fx)
    line = one_line(*run(capsys, "estimate", "s.yaml", "-o", str(fx / "fx.yaml"), "--catalog", str(fx))[::2])
    assert "is a file of the catalog" in line
    # another file is written as before
    assert run(capsys, "estimate", "s.yaml", "-o", "s.txt", *CAT)[0] == 0 and (tmp_path / "s.txt").is_file()


# 6. a saved estimate given as a scenario: ~97 'unknown field' errors; `-` was 'file not found'
def test_saved_estimate_and_stdin_are_named(capsys, tmp_path: Path, write) -> None:
    s = write(GOOD, "s.yaml")
    saved = tmp_path / "saved.json"
    assert run(capsys, "estimate", str(s), "-f", "json", "-o", str(saved), *CAT)[0] == 0
    for command in ("estimate", "validate", "report"):
        line = one_line(*run(capsys, command, str(saved), *CAT)[::2])
        assert line == (f"tco: error: {saved}: a saved estimate (tco estimate -f json), not a scenario (compare two "
                        "with tco diff A B, or give the scenario file it was made from)")
    from tco.tui.state import Session  # the app opens files the same way

    with pytest.raises(TcoError, match="a saved estimate"):
        Session.open(saved, FIXTURE_CATALOG)
    line = one_line(*run(capsys, "estimate", "-", *CAT)[::2])
    assert "-: reading standard input is not supported" in line


# 7. formats from the file's name: diff -o d.json wrote a text table, init x.json wrote YAML
def test_diff_and_init_follow_the_file_extension(capsys, tmp_path: Path, write) -> None:
    a = write(GOOD, "a.yaml")
    b = write(GOOD.replace("10000", "20000"), "b.yaml")
    rc, _, err = run(capsys, "diff", str(a), str(b), "-o", str(tmp_path / "d.json"), *CAT)
    assert rc == 0, err
    assert json.loads((tmp_path / "d.json").read_text(encoding="utf-8"))["schema_version"] == 1
    assert run(capsys, "diff", str(a), str(b), "-o", str(tmp_path / "d.md"), *CAT)[0] == 0
    assert (tmp_path / "d.md").read_text(encoding="utf-8").startswith("### tco diff")
    line = one_line(*run(capsys, "diff", str(a), str(b), "-o", str(tmp_path / "d.csv"), *CAT)[::2])
    assert "d.csv: cannot write CSV here" in line
    line = one_line(*run(capsys, "init", str(tmp_path / "x.json"))[::2])
    assert line.endswith(f"x.json: a scenario is YAML, and the name says JSON (name it {tmp_path / 'x'}.yaml)")
    assert not (tmp_path / "x.json").exists()
    assert run(capsys, "init", str(tmp_path / "x.yaml"))[0] == 0


def test_yaml_s_own_text_tag_is_taken_and_a_time_is_told_to_be_quoted():
    """A review: ``!!str 0500``, YAML's standard way to keep a scalar text, was refused as a tag; and a
    clock time such as ``16:30`` (a custom catalog's off-peak hours) was told to "write the number"."""
    from tco import yamlio
    from tco.errors import TcoError

    assert yamlio.parse("a: !!str 0500\n", "x.yaml").data == {"a": "0500"}
    with pytest.raises(TcoError, match='quote it if it is a time of day or text: "16:30"'):
        yamlio.parse("start_utc: 16:30\n", "x.yaml")
    with pytest.raises(TcoError, match="YAML tags are not supported"):
        yamlio.parse("a: !!int 0500\n", "x.yaml")
