"""Every command's output is an API: the golden files under tests/golden/ are what the
commands printed; a change of output must be deliberate (regenerate with
``python3 tests/golden_cases.py --update`` and review the diff)."""

from __future__ import annotations

import pytest

from tests.golden_cases import CASES, GOLDEN, run


@pytest.mark.parametrize("name", sorted(CASES))
def test_output_is_unchanged(name: str) -> None:
    want = (GOLDEN / name).read_text(encoding="utf-8")
    _, got = run(CASES[name])
    assert got == want, f"{name}: output changed; if deliberate, run python3 tests/golden_cases.py --update"


def test_every_golden_file_has_a_case() -> None:
    assert sorted(p.name for p in GOLDEN.iterdir()) == sorted(CASES)
