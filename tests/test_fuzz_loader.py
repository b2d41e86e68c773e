"""Property-based: random and mutated scenario files give a clean error or a valid result,
never a traceback."""

from __future__ import annotations

import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tco.errors import TcoError
from tco import estimate, parse_scenario

GOOD = """\
name: fixture
as_of: 2024-06-01
currency: USD
workload:
  requests_per_day: 10000
  input_tokens: 1500
  output_tokens: 500
  cached_input_share: 0.2
quality:
  profile: {mmlu: 1, humaneval: 1}
  min_coverage: 0.5
candidates:
  - acme/flat
  - {offer: acme/tiered, discount: 0.1}
  - yuan/chat
"""

SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-10**12, 10**12), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12), st.sampled_from(["acme/flat", "2024-06-01", "USD", "CNY", "general", "{}", "[]",
                                           "~", "'", ":", "- x", "&a", "*a", "!!python/object:os.system"]),
)


def check(text: str, catalog) -> None:
    try:
        sc = parse_scenario(text, "fuzz.yaml", catalog)
        est = estimate(sc, catalog)
    except TcoError as e:
        msg = str(e)
        assert msg and "\n" not in msg
        assert msg.startswith("fuzz.yaml") or "fuzz.yaml" not in msg
        return
    for c in est.candidates:
        assert math.isnan(c.monthly_cost) or c.monthly_cost >= 0
    est.to_dict()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(line=st.integers(0, GOOD.count("\n") - 1), value=SCALARS)
def test_mutated_value(fixture_catalog, line: int, value) -> None:
    lines = GOOD.splitlines()
    key, sep, _ = lines[line].partition(":")
    if sep:
        lines[line] = f"{key}: {value!r}" if isinstance(value, str) else f"{key}: {value}"
    else:
        lines[line] = f"  - {value}"
    check("\n".join(lines) + "\n", fixture_catalog)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=st.integers(0, len(GOOD)), junk=st.text(max_size=20))
def test_truncated_and_spliced(fixture_catalog, cut: int, junk: str) -> None:
    check(GOOD[:cut] + junk + GOOD[cut:][: len(GOOD) // 3], fixture_catalog)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=200))
def test_random_text(fixture_catalog, text: str) -> None:
    check(text, fixture_catalog)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(drop=st.sets(st.integers(0, GOOD.count("\n") - 1), max_size=4))
def test_dropped_lines(fixture_catalog, drop: set[int]) -> None:
    lines = [ln for i, ln in enumerate(GOOD.splitlines()) if i not in drop]
    check("\n".join(lines) + "\n", fixture_catalog)
