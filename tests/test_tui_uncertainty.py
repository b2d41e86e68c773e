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


def test_at_80_columns_ranges_show_whole_and_look_alike_names_stay_apart(catalog: Any) -> None:
    # the fields of the first row share 80 - 27 columns: 30k..100k..300k, 800..1500..3000 and
    # 250..500..1000 each need at most 16; cut, "800..15" read as a range of its own
    seen: dict[str, Any] = {}

    async def steps(app: TcoApp, pilot: Any) -> None:
        await pilot.press("m")
        await settle(app, pilot)
        seen["screen"] = app.export_screenshot()
        seen["fields"] = {k: (app.panel.input(k).value, app.panel.input(k).size.width)
                          for k in ("volume", "input_tokens", "output_tokens")}
        seen["names"] = [str(app.table.get_cell(row.key, "candidate")).strip() for row in app.table.ordered_rows]

    drive(Session.open(UNCERTAIN, catalog), steps, size=(80, 24))
    for value, width in seen["fields"].values():
        assert ".." in value and width > len(value)
    assert len(seen["names"]) == len(set(seen["names"]))  # owned and rented 8x H100 no longer both "Llama 3.1 405B FP8,…"
    assert any("owned" in n or n.endswith("H100") for n in seen["names"])


# ---- the samples in the table (m) -------------------------------------------------------------


async def settle(app: TcoApp, pilot: Any) -> None:
    """Until the samples and the tornado asked for are drawn (a debounce timer, then a worker)."""
    for _ in range(400):
        await pilot.pause(0.02)
        await app.workers.wait_for_complete()
        if app._unc_timer is None and not app._unc_busy and not any(app._needs()):
            break
    await pilot.pause()


def table_cells(app: TcoApp) -> dict[str, dict[str, str]]:
    t = app.table
    keys = [str(c.key.value) for c in t.ordered_columns]
    return {str(row.key.value): {k: str(t.get_cell(row.key, k)) for k in keys} for row in t.ordered_rows}


def test_m_adds_the_sampled_columns_and_takes_them_away_exactly(catalog: Any) -> None:
    from tco.plan.estimate import estimate
    from tco.tui.tornado import pct

    seen: dict[str, Any] = {}

    async def steps(app: TcoApp, pilot: Any) -> None:
        seen["before"] = table_cells(app)
        seen["cursor"] = app.table.current_id()
        app.table.focus()
        await pilot.press("m")
        await settle(app, pilot)
        seen["on"] = table_cells(app)
        seen["status"] = str(app.query_one("#status").render())
        seen["plan"] = app.sampled.plan
        await pilot.press("m")
        await pilot.pause()
        seen["after"] = table_cells(app)
        seen["cursor_after"] = app.table.current_id()
        seen["status_after"] = str(app.query_one("#status").render())

    drive(Session.open(UNCERTAIN, catalog), steps, size=(160, 50))
    on, before = seen["on"], seen["before"]
    assert list(next(iter(on.values()))) == ["mark", "candidate", "monthly", "p10_p90", "per_mtok", "quality",
                                            "coverage", "per_qp", "p_best", "rank", "note"]
    for cid, cells in before.items():  # the plain cells stay what they were
        assert {k: v for k, v in on[cid].items() if k in cells} == cells
    # the scenario's own samples and seed, the same numbers as `tco estimate --samples 20000 --seed 7`
    assert (seen["plan"].samples, seen["plan"].seed) == (20000, 7)
    cli = estimate(UNCERTAIN, catalog)
    for c in cli.candidates:
        u = c.uncertainty
        assert on[c.id]["p_best"].strip() == pct(u["p_best_value"])
        assert "–" in on[c.id]["p10_p90"], on[c.id]
    assert on[cli.best_value.id]["p_best"].strip() == "100%"
    assert "20,000 samples, seed 7" in seen["status"]
    # off: the very same table as before, the cursor where it was, no sampling note
    assert seen["after"] == before
    assert seen["cursor_after"] == seen["cursor"]
    assert "samples" not in seen["status_after"]


def test_the_sampled_percentiles_are_the_clis(catalog: Any) -> None:
    """The app's P10/P90 are those of ``tco estimate`` with the same samples and seed."""
    from tco.plan.estimate import estimate
    from tco.tui.sampling import run_samples

    session = Session.open(UNCERTAIN, catalog)
    got = run_samples(session.compiled, session.generation)
    cli = estimate(UNCERTAIN, catalog)
    for c in cli.candidates:
        assert got.per_candidate[c.id] == c.uncertainty
    assert got.written == ["candidates.3.discount", "workload.input_tokens", "workload.output_tokens",
                           "workload.requests_per_day"]


def test_edits_draw_new_samples_and_sort_by_p_best(catalog: Any) -> None:
    seen: dict[str, Any] = {}

    async def steps(app: TcoApp, pilot: Any) -> None:
        app.table.focus()
        await pilot.press("m")
        await settle(app, pilot)
        seen["wide"] = cell_of(app, "openai/gpt-4o", "p10_p90")
        seen["gen"] = app.sampled.generation
        app.apply_edit("volume", "90k..100k..110k")
        seen["stale"] = app.table.spread_stale  # until the new samples come, the old ones are dim
        await settle(app, pilot)
        seen["narrow"] = cell_of(app, "openai/gpt-4o", "p10_p90")
        seen["fresh"] = (app.sampled.generation == app.session.generation, app.table.spread_stale)
        seen["monthly"] = cell_of(app, "openai/gpt-4o", "monthly")
        app.table.set_sort("p_best")
        await pilot.pause()
        seen["first"] = app.table.ordered_ids()[0]
        await pilot.press("m")
        await pilot.pause()
        seen["sort_after"] = app.table.sort_column

    drive(Session.open(UNCERTAIN, catalog), steps, size=(160, 50))
    assert seen["stale"] is True and seen["fresh"] == (True, False)
    assert seen["narrow"] != seen["wide"]  # a narrower volume range, a narrower spread
    assert seen["monthly"] == "$45,625.00"  # the likely volume is unchanged: the plain number too
    assert seen["first"] == "openai/gpt-4o-mini"
    assert seen["sort_after"] == "rank"  # its column went: back to the rank


def cell_of(app: TcoApp, row: str, col: str) -> str:
    return str(app.table.get_cell(row, col)).strip()


@pytest.mark.parametrize(("scenario", "says", "spread"), [
    ("open-vs-closed-405b.yaml", "only self-hosted throughput varies", "Llama 3.1 405B FP8, 8x H100 rented"),
    ("support-assistant.yaml", "nothing varies", None),
])
def test_a_scenario_without_ranges_says_so(catalog: Any, scenario: str, says: str, spread: str | None) -> None:
    seen: dict[str, Any] = {}
    notes: list[str] = []

    async def steps(app: TcoApp, pilot: Any) -> None:
        original = app.notify

        def notify(message: str, **kw: Any) -> None:
            notes.append(message)
            original(message, **kw)

        app.notify = notify  # type: ignore[method-assign]
        app.table.focus()
        await pilot.press("m")
        await pilot.press("f6")
        await settle(app, pilot)
        seen["status"] = str(app.query_one("#status").render())
        seen["cells"] = {cid: cells["p10_p90"].strip() for cid, cells in table_cells(app).items()}
        seen["p_best"] = {cid: cells["p_best"].strip() for cid, cells in table_cells(app).items()}
        seen["f6"] = screen(app)

    drive(Session.open(ROOT / "scenarios" / scenario, catalog), steps, size=(160, 50))
    # samples need ranges; the tornado draws default spreads without them: the message says both
    assert any("No ranges in this file" in n and "tornado (F6) uses tco's default spreads" in n for n in notes), notes
    assert says in seen["status"] and "F6: default spreads" in seen["status"]
    if scenario == "support-assistant.yaml":  # not launched on the as-of date: no chance to be the best either
        assert seen["cells"]["openai/gpt-4o-mini"] == "-" and seen["p_best"]["openai/gpt-4o-mini"] == "-"
    assert "writes no ranges" in seen["f6"]
    cells = seen["cells"]
    if spread is None:
        assert set(cells.values()) <= {"no spread", "-"}  # every sample is the plain estimate
    else:
        assert "–" in cells[spread]  # the default throughput spread moves a rented deployment's cost


# ---- F6: the tornado and the highlighted row's spread -----------------------------------------


@pytest.mark.parametrize("size", [(80, 24), (160, 50)])
def test_f6_draws_the_tornado_requests_per_day_first(catalog: Any, size: tuple[int, int]) -> None:
    seen: dict[str, Any] = {}

    async def steps(app: TcoApp, pilot: Any) -> None:
        await pilot.press("f6")
        await settle(app, pilot)
        seen["off"] = screen(app)
        app.table.focus()
        await pilot.press("m")
        await settle(app, pilot)
        seen["on"] = screen(app)
        seen["inputs"] = [r["name"] for r in app.tornado_data[1]["inputs"]]

    drive(Session.open(UNCERTAIN, catalog), steps, size=size)
    assert seen["inputs"][0] == "workload.requests_per_day"
    for text in (seen["off"], seen["on"]):
        lines = text.splitlines()
        assert all(len(line) <= size[0] for line in lines)
        assert "F6 Uncertainty" in text or "F6 Uncert " in text  # the short name at 80 columns
        title = next(i for i, line in enumerate(lines) if "each input" in line)
        rows = [line for line in lines[title + 1:] if "│" in line and "$" in line]
        assert rows and rows[0].lstrip().startswith("requests per day"), lines[title:]
        assert ("same best value" in text) or ("is the same at every end" in text)
    assert "m: sample the ranges" in seen["off"]
    assert "P10" in seen["on"] and "P90" in seen["on"] and "P(best" in seen["on"]
    assert "P10–P90/mo" in seen["on"] and "P(best)" in seen["on"]


def test_a_failing_worker_is_a_toast_not_a_crash(catalog: Any, monkeypatch: Any) -> None:
    import tco.tui.sampling as sampling

    def broken(*args: Any, **kw: Any) -> Any:
        raise RuntimeError("injected")

    monkeypatch.setattr(sampling, "compute", broken)
    seen: dict[str, Any] = {}

    async def steps(app: TcoApp, pilot: Any) -> None:
        app.table.focus()
        await pilot.press("m")
        await pilot.press("f6")
        await settle(app, pilot)
        seen["running"] = app.is_running
        seen["screen"] = screen(app)

    app = drive(Session.open(UNCERTAIN, catalog), steps, size=(80, 24), failures_expected=True)
    assert seen["running"]
    assert any("sampling the ranges" in f and "injected" in f for f in app.failures), app.failures
    assert "F6 Uncert " in seen["screen"]  # the short name at 80 columns (not "Ranges": that is the m key)


def test_help_and_palette_name_the_key_and_the_view(catalog: Any) -> None:
    seen: dict[str, Any] = {}

    async def steps(app: TcoApp, pilot: Any) -> None:
        sections = dict(app.help_sections())
        seen["table"] = sections["Candidates table"]
        seen["lower"] = sections["Lower panel"]
        seen["titles"] = [c.title for c in app.get_system_commands(app.screen)]
        seen["footer"] = screen(app).splitlines()[-1]

    drive(Session.open(UNCERTAIN, catalog), steps, size=(80, 24))
    assert any(k == "m" and "P(best)" in what for k, what in seen["table"])
    assert ("F6", "Uncertainty") in seen["lower"]
    assert "Ranges: samples on / off" in seen["titles"] and "Show Uncertainty" in seen["titles"]
    assert "m Ranges" in seen["footer"] and "^s Save" in seen["footer"]


# ---- drawing ------------------------------------------------------------------------------------


def test_a_tornado_bar_goes_from_the_low_end_to_the_high_end_around_the_centre() -> None:
    from tco.tui.tornado import HIGH, LOW, draw_bar

    bar = draw_bar(10.0, 40.0, 20.0, 0.0, 50.0, 51)
    text = bar.plain
    assert text.index("│") == 20 and text.index("█") == 10 and text.rindex("█") == 40
    low = {s.style for s in bar.spans if s.start < 20}
    high = {s.style for s in bar.spans if s.end > 21}
    assert low == {LOW} and high == {HIGH}
    assert draw_bar(None, 1.0, 1.0, 0.0, 2.0, 10).plain == "·" * 10  # unknown: no bar


def test_names_keep_what_tells_them_apart() -> None:
    from tco.report.text import middle_cut
    from tco.tui.tornado import distinct, pct

    owned, rented = "Llama 3.1 405B FP8, owned 8x H100", "Llama 3.1 405B FP8, 8x H100 rented"
    assert distinct(owned, [rented], 16) == "…owned 8x H100"
    assert distinct(rented, [owned], 16).endswith("rented")
    assert middle_cut(rented, 18) == "Llama 3.1 … rented"
    assert len(middle_cut("abcdefghijklmnopqrstuvwxyz", 10)) == 10
    # too narrow for "… " with spaces: the first and last words whole around a bare ellipsis (was …owne…x H100)
    assert distinct(owned, [rented], 12) == "…owned…H100"
    assert [pct(p) for p in (0, 0.001, 0.5, 0.996, 1)] == ["0%", "<1%", "50%", ">99%", "100%"]
