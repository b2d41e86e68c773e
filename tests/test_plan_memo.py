"""The self-hosted plan's per-shape memo (tco.engine.selfhost.capacity._per_shape): a volume
search plans one deployment at many volumes of one request shape; what depends on the shape
alone is computed once. Plans with and without the memo are the same, and a plan's arrays are
its own (changing one does not change the next plan)."""

from __future__ import annotations

import numpy as np

from tco import compile_scenario, load_scenario
from tco.engine.selfhost import capacity


def _deployment(catalog):
    c = compile_scenario(load_scenario("scenarios/open-vs-closed-2026.yaml"), catalog)
    return next(r for r in c.candidates if r.kind == "selfhost").selfhost.deployment


def test_a_memoized_plan_equals_a_fresh_one(catalog) -> None:
    dep = _deployment(catalog)
    volumes = np.array([1e5, 3e6, 9e7, 2e9])
    capacity._SHAPE_MEMO.clear()
    fresh = capacity.plan(dep, 2000.0, 400.0, volumes)
    assert len(capacity._SHAPE_MEMO) == 1
    again = capacity.plan(dep, 2000.0, 400.0, volumes * 1.5)  # another volume, the same shape: a memo hit
    assert len(capacity._SHAPE_MEMO) == 1
    capacity._SHAPE_MEMO.clear()
    cold = capacity.plan(dep, 2000.0, 400.0, volumes * 1.5)
    for name in ("replicas", "monthly_cost_usd", "slo_output_tokens_per_s", "fits", "average_utilization"):
        np.testing.assert_array_equal(getattr(again, name), getattr(cold, name))
    assert again.warnings == cold.warnings
    # one replica's capacity does not depend on the volume; replicas grow with it
    np.testing.assert_array_equal(fresh.requests_per_s_capacity, again.requests_per_s_capacity)
    assert (again.replicas >= fresh.replicas).all()
    # a plan's arrays are its own: writing into one leaves the next plan alone
    again.slo_output_tokens_per_s[:] = -1.0
    assert (capacity.plan(dep, 2000.0, 400.0, volumes).slo_output_tokens_per_s > 0).all()


def test_the_memo_is_bounded(catalog) -> None:
    dep = _deployment(catalog)
    capacity._SHAPE_MEMO.clear()
    for k in range(capacity._SHAPE_MEMO_SIZE + 5):
        capacity.plan(dep, 1000.0 + k, 100.0, 1e6)
    assert len(capacity._SHAPE_MEMO) == capacity._SHAPE_MEMO_SIZE
