"""No input value, in any field, in any view, may end the app.

Three layers: the derived computations a valid value can reach (chart ranges, break-even,
quality weights) are safe at their root (Session tests, hypothesis); every field driven to
its extremes with every view open leaves the app running with nothing reported; and an
injected failure anywhere (an engine call, a painter, a widget update) becomes a message on
screen while the last good results stay.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytest.importorskip("textual")

from tco.tui.app import TcoApp  # noqa: E402
from tco.tui.fields import FIELDS, EditError  # noqa: E402
from tco.tui.state import MAX_REQUESTS_PER_DAY, Session  # noqa: E402
from tests.tui_pilot import OPEN_VS_CLOSED, cell, drive, screen, type_into  # noqa: E402

EXTREMES = {
    "volume": ["2e9", "1e11", "99999999999", "1e-300", "0.000001", "1"],
    "input_tokens": ["1e-9", "1e8", "100M", "0.5", "128001"],
    "output_tokens": ["1e-9", "1e7", "0.001"],
    "cached": ["1", "100%", "0.999999", "0"],
    "peak": ["1", "100"],
    "as_of": ["1900-01-01", "2100-01-01", "0001-01-01", "9999-12-31"],
    "currency": ["JPY", "XXX 0.0001", "ABC 1000000", "EUR 0.0001"],
    "profile": ["mmlu:1e308", "mmlu-cot:1e308, humaneval:1e308", "mmlu:5e-324", "humaneval:0, mmlu:1", "code"],
    "ttft": ["1e-9", "600000", "0.001"],
    "tpot": ["1e-9", "60000", "0.001"],
}
"""Valid or nearly valid values at the edges of every field (the issue's 2e9 requests/day with
the volume chart open and mmlu:1e308 among them)."""


def test_the_schema_bound_of_requests_per_day_is_the_charts() -> None:
    from tco.schema.scenario import Workload

    prop = Workload.model_json_schema()["properties"]["requests_per_day"]
    assert [o["maximum"] for o in prop["anyOf"] if "maximum" in o] == [MAX_REQUESTS_PER_DAY]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rpd=st.floats(1e-6, 1e11), days=st.sampled_from([None, 1, 31]))
def test_volume_range_stays_inside_what_a_sweep_takes(rpd: float, days: int | None, catalog: Any) -> None:
    session = Session.open(OPEN_VS_CLOSED, catalog)
    session.edit("volume", repr(rpd))
    lo, hi = session.volume_range()
    assert 0 < lo < hi <= MAX_REQUESTS_PER_DAY and math.isclose(hi / lo, 1e5)
    xs, sweep = session.volume_sweep(40)
    assert xs.max() <= MAX_REQUESTS_PER_DAY and sweep.monthly_cost.shape[1] == len(xs)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(key=st.sampled_from(sorted(EXTREMES)), data=st.data())
def test_every_derived_computation_survives_valid_values(key: str, data: Any, catalog: Any) -> None:
    """Whatever a field takes, the results, the volume sweep and the break-even ranges are
    there and finite where they are known (quality never inf, per point never 0 for a cost)."""
    session = Session.open(OPEN_VS_CLOSED, catalog)
    text = data.draw(st.sampled_from(EXTREMES[key]))
    try:
        session.edit(key, text)
    except EditError:
        return  # refused with a reason: the last results stay
    est = session.estimate
    assert est is not None
    for c in est.candidates:
        assert not math.isinf(c.quality) and not math.isinf(c.cost_per_quality_point)
        if c.rank and c.monthly_cost > 0:
            assert c.cost_per_quality_point > 0
    xs, sweep = session.volume_sweep(20)
    assert np.isfinite(xs).all()
    session.breakeven()
    assert session.breakeven_ready()


def test_huge_quality_weights_are_normalized(catalog: Any) -> None:
    session = Session.open(OPEN_VS_CLOSED, catalog)
    session.edit("profile", "mmlu:1")
    one = {c.id: (c.quality, c.cost_per_quality_point) for c in session.estimate.candidates}
    session.edit("profile", "mmlu:1e308")
    huge = {c.id: (c.quality, c.cost_per_quality_point) for c in session.estimate.candidates}
    for cid, (q, per) in one.items():
        assert (math.isnan(q) and math.isnan(huge[cid][0])) or huge[cid][0] == pytest.approx(q)
        assert (math.isnan(per) and math.isnan(huge[cid][1])) or huge[cid][1] == pytest.approx(per)


@pytest.mark.parametrize(("size", "per_field"), [((80, 24), 99), ((200, 60), 2)])
def test_no_value_in_any_field_in_any_view_ends_the_app(catalog: Any, size: tuple[int, int], per_field: int) -> None:
    """Every extreme at 80x24; the first two of each field on a big screen (the charts' sizes)."""
    seen: dict[str, Any] = {"tried": 0}

    async def steps(app: TcoApp, pilot: Any) -> None:
        original = {k: app.session.field_text(k) for k in FIELDS}
        views = iter(("f4", "f3", "f5", "f2") * 100)
        for key, values in EXTREMES.items():
            field = app.panel.input(key)
            for value in values[:per_field]:
                if field.disabled:
                    break
                field.value = value  # an edit, as typing it would be (the tests of typing are elsewhere)
                await pilot.press(next(views))
                await pilot.pause()
                seen["tried"] += 1
            field.value = original[key]
        for view in ("f4", "f3", "f5", "f2"):
            await pilot.press(view)
            await pilot.pause(0.35)  # the break-even ranges after the pause
        seen["running"] = app.is_running
        seen["gpt"] = cell(app, "openai/gpt-4o", "monthly")

    app = drive(Session.open(OPEN_VS_CLOSED, catalog), steps, size=size)
    assert seen["running"] and not app.failures
    assert seen["tried"] == sum(len(v[:per_field]) for v in EXTREMES.values())
    assert seen["gpt"] == "$45,625.00"  # back where it started: 100,000 x 30.4167 x $0.015


def test_two_billion_requests_a_day_with_the_volume_chart_open(catalog: Any) -> None:
    seen: dict[str, Any] = {}

    async def steps(app: TcoApp, pilot: Any) -> None:
        await pilot.press("f4")
        await type_into(pilot, "volume", "2e9")
        await pilot.pause(0.4)
        seen["screen"] = screen(app)

    app = drive(Session.open(OPEN_VS_CLOSED, catalog), steps, size=(100, 32))
    assert "100B" in seen["screen"] and "requests/day" in seen["screen"]  # the axis ends at the schema's bound
    assert app.session.field_text("volume") == "2000000000"


# ---- injected failures ----------------------------------------------------------------------


def test_a_failing_painter_says_so_and_the_app_goes_on(catalog: Any, monkeypatch: Any) -> None:
    seen: dict[str, Any] = {}
    notes: list[str] = []

    async def steps(app: TcoApp, pilot: Any) -> None:
        real_notify = app.notify

        def notify(message: str, **k: Any) -> None:
            notes.append(message)
            real_notify(message, **k)

        app.notify = notify  # type: ignore[method-assign]

        def broken(*a: Any, **k: Any) -> Any:
            raise RuntimeError("injected: the sweep broke")

        monkeypatch.setattr(app.session, "volume_sweep", broken)
        await pilot.press("f4")
        await pilot.pause()
        seen["chart"] = screen(app)
        monkeypatch.undo()
        await type_into(pilot, "volume", "20000")
        await pilot.pause()
        seen["after"] = (app.is_running, cell(app, "openai/gpt-4o", "monthly"), screen(app))

    app = drive(Session.open(OPEN_VS_CLOSED, catalog), steps, size=(100, 32), failures_expected=True)
    assert "could not draw the volume chart: injected: the sweep broke" in seen["chart"]
    assert app.failures and "drawing the volume chart" in app.failures[0]
    assert any("Something went wrong while drawing the volume chart" in n for n in notes)
    running, gpt, after = seen["after"]
    assert running and gpt == "$9,125.00"  # 20,000 x 30.4167 x $0.015: edits still work
    assert "could not draw" not in after  # and the chart draws again


def test_a_failure_while_showing_an_edit_keeps_the_last_good_results(catalog: Any, monkeypatch: Any) -> None:
    seen: dict[str, Any] = {}

    async def steps(app: TcoApp, pilot: Any) -> None:
        real = app.table.update_results

        def broken(results: Any, currency: str) -> None:
            results = list(results)
            if any(c.id == "openai/gpt-4o" and c.monthly_cost > 50_000 for c in results):
                raise ValueError("injected: the table could not take it")
            real(results, currency)

        monkeypatch.setattr(app.table, "update_results", broken)
        await type_into(pilot, "volume", "200000", paste=True)
        seen["after"] = (app.is_running, cell(app, "openai/gpt-4o", "monthly"), app.session.field_text("volume"),
                         dict(app.panel.errors), app.session.modified)
        await type_into(pilot, "volume", "50000", paste=True)
        seen["again"] = cell(app, "openai/gpt-4o", "monthly")

    app = drive(Session.open(OPEN_VS_CLOSED, catalog), steps, size=(100, 32), failures_expected=True)
    running, gpt, volume, errors, modified = seen["after"]
    assert running and gpt == "$45,625.00" and volume == "100000" and not modified  # the last good state
    assert "could not be computed" in errors["volume"]
    assert seen["again"] == "$22,812.50"
    assert len(app.failures) == 1


def test_an_exception_in_an_action_is_reported_not_fatal(tmp_path: Path, catalog: Any, monkeypatch: Any) -> None:
    async def steps(app: TcoApp, pilot: Any) -> None:
        def broken() -> None:
            raise KeyError("injected")

        monkeypatch.setattr(app, "action_next_view", broken)
        await pilot.press("v")
        await pilot.pause()
        monkeypatch.undo()
        await pilot.press("v")
        await pilot.pause()

    app = drive(Session.open(OPEN_VS_CLOSED, catalog), steps, failures_expected=True)
    assert app.is_running is False and app.return_code in (None, 0)
    assert len(app.failures) == 1 and "action 'next_view'" in app.failures[0]
    assert app.view == "quality"  # the next press worked
