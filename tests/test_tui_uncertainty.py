"""Uncertainty in the app: ranges in the workload fields, the Monte Carlo columns of the
table (a key toggles them; off gives back the plain numbers exactly), the F6 view (the
tornado of ``tco.plan.sensitivity`` and the highlighted candidate's spread), at 80x24 and
160x50. Nothing here depends on how long anything takes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("textual")

from tco.tui.app import TcoApp  # noqa: E402
from tco.tui.fields import FIELDS, format_value  # noqa: E402
from tco.tui.state import Session  # noqa: E402
from tests.tui_pilot import ROOT, drive, scenario_file, screen  # noqa: E402, F401

UNCERTAIN = ROOT / "scenarios" / "405b-under-uncertainty.yaml"


# ---- ranges in the workload fields ------------------------------------------------------------


@pytest.mark.parametrize(("key", "text", "value"), [
    ("volume", "30k..100k..300k", {"low": 30000, "likely": 100000, "high": 300000}),
    ("volume", "20000..200000 log", {"low": 20000, "high": 200000, "dist": "lognormal"}),
    ("cached", "10%..30%", {"low": 0.1, "high": 0.3}),
    ("currency", "EUR 0.9..0.95", ("EUR", {"low": 0.9, "high": 0.95})),
])
def test_a_field_reads_a_range_and_writes_it_back(key: str, text: str, value: Any) -> None:
    got = FIELDS[key].parse(text)
    assert got == value
    shown = f"EUR {format_value(got[1])}" if key == "currency" else format_value(got)
    assert FIELDS[key].parse(shown) == got  # what the field shows reads back the same


@pytest.mark.parametrize("text", ["300k..30k", "1..", "1..2..3..4", "1..5..3"])
def test_a_bad_range_is_refused_with_a_reason(text: str) -> None:
    with pytest.raises(ValueError, match="range|likely"):
        FIELDS["volume"].parse(text)


def test_a_scenario_with_ranges_opens_without_field_errors(catalog: Any, tmp_path: Path) -> None:
    seen: dict[str, Any] = {}

    async def steps(app: TcoApp, pilot: Any) -> None:
        seen["volume"] = app.panel.input("volume").value
        seen["errors"] = dict(app.panel.errors)
        seen["modified"] = app.session.modified

    session = Session.open(UNCERTAIN, catalog)
    drive(session, steps, size=(160, 50))
    assert seen["volume"] == "30k..100k..300k"
    assert seen["errors"] == {} and not seen["modified"]
    # an edited range is saved as the file writes one
    target = tmp_path / "s.yaml"
    session.edit("volume", "20k..50k..200k")
    assert session.scenario.ranges["workload.requests_per_day"].likely == 50000
    session.save(target)
    assert "requests_per_day: {low: 20000, likely: 50000, high: 200000}" in target.read_text()
    session.edit("volume", "50k")  # a number in its place: no range any more
    assert "workload.requests_per_day" not in session.scenario.ranges
