"""Every command's output is an API: the golden files under tests/golden/ are what the
commands printed; a change of output must be deliberate (regenerate with
``python3 tests/golden_cases.py --update`` and review the diff)."""

from __future__ import annotations

import re

import pytest

from tests.golden_cases import CASES, GOLDEN, run

LONG_FLOAT = re.compile(r"-?\d+\.\d{8,}(?:[eE][-+]?\d+)?")
"""A number printed with all its digits (JSON, CSV): its last digits follow the BLAS kernels the CPU
selects (5361.234149655567 on one machine, ...566 on another), so goldens compare it to 10
significant digits; every other character is compared exactly."""


def normalized(text: str) -> str:
    return LONG_FLOAT.sub(lambda m: f"{float(m.group()):.10g}", text)


@pytest.mark.parametrize("name", sorted(CASES))
def test_output_is_unchanged(name: str) -> None:
    want = (GOLDEN / name).read_text(encoding="utf-8")
    _, got = run(CASES[name])
    assert normalized(got) == normalized(want), \
        f"{name}: output changed; if deliberate, run python3 tests/golden_cases.py --update"


def test_goldens_tolerate_only_a_long_numbers_last_digits() -> None:
    assert normalized('"tok": 5361.234149655567,') == normalized('"tok": 5361.234149655566,')
    assert normalized('"tok": 5361.2341496,') != normalized('"tok": 5361.2341497,')  # short: exact
    assert normalized('"usd": 4500.123456789012') != normalized('"usd": 4500.123466789012')
    assert normalized("$4,500.00 at 12.5 %") == "$4,500.00 at 12.5 %"


def test_every_golden_file_has_a_case() -> None:
    assert sorted(p.name for p in GOLDEN.iterdir()) == sorted(CASES)
