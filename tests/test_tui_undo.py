"""ctrl+z undoes the last change of any kind: what was typed into a field (one step per field
while it keeps the focus), an added, removed or renamed candidate; ctrl+y does it again."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("textual")

from tco.tui.app import TcoApp  # noqa: E402
from tco.tui.state import Session  # noqa: E402
from tests.tui_pilot import OPEN_VS_CLOSED, cell, drive, scenario_file, type_into  # noqa: E402, F401


def test_session_undo_and_redo_of_every_kind(scenario_file: Path, catalog: Any) -> None:
    s = Session.open(scenario_file, catalog)
    original = s.data
    s.edit("volume", "2")
    s.edit("volume", "20")
    s.edit("volume", "20000")  # keystrokes in one field: one step
    s.history.seal()
    s.edit("output_tokens", "800")
    s.add_candidate("openai/gpt-4o-mini")
    s.remove_candidate("deepseek/deepseek-chat")
    s.rename_candidate("openai/gpt-4o", "Incumbent")
    labels = []
    while (step := s.undo()) is not None:
        labels.append(step.label)
    assert labels == ["rename openai/gpt-4o", "remove deepseek/deepseek-chat", "add openai/gpt-4o-mini",
                      "out tok 500 → 800", "req/day 10000 → 20000"]
    assert s.data == original and not s.modified
    assert s.redo().label == "req/day 10000 → 20000" and s.field_text("volume") == "20000"
    s.edit("volume", "30000")  # a new change after an undo: nothing to redo any more
    assert s.redo() is None


def test_ctrl_z_undoes_field_edits_then_a_removal(scenario_file: Path, catalog: Any) -> None:
    seen: dict[str, Any] = {}
    notes: list[str] = []

    async def steps(app: TcoApp, pilot: Any) -> None:
        app.notify = lambda message, **k: notes.append(str(message))  # type: ignore[method-assign]
        await type_into(pilot, "volume", "20000")  # five keystrokes
        await type_into(pilot, "output_tokens", "1000")
        seen["edited"] = (cell(app, "openai/gpt-4o", "monthly"), app.session.modified)
        app.table.focus()
        app.table.move_to("deepseek/deepseek-chat")
        await pilot.pause()
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("ctrl+z")  # the removal
        await pilot.pause()
        seen["back"] = (app.table.current_id(), len(app.session.candidate_ids))
        await pilot.press("ctrl+z")  # out tok
        await pilot.pause()
        seen["out"] = (app.panel.input("output_tokens").value, cell(app, "openai/gpt-4o", "monthly"))
        await pilot.press("u")  # u in the table: the same undo
        await pilot.pause()
        seen["volume"] = (app.panel.input("volume").value, cell(app, "openai/gpt-4o", "monthly"),
                          app.session.modified, app.title)
        await pilot.press("ctrl+z")
        await pilot.pause()
        await pilot.press("ctrl+y")
        await pilot.pause()
        seen["redo"] = app.panel.input("volume").value

    drive(Session.open(scenario_file, catalog), steps)
    # 20,000 x 30 x (1,500 x $5 + 1,000 x $15) / 1M = $13,500.00
    assert seen["edited"] == ("$13,500.00", True)
    assert seen["back"] == ("deepseek/deepseek-chat", 3)
    assert seen["out"] == ("500", "$9,000.00")
    value, gpt, modified, title = seen["volume"]
    assert value == "10000" and gpt == "$4,500.00" and not modified and not title.startswith("●")
    assert "undone: req/day 10000 → 20000" in notes and "nothing to undo" in notes
    assert seen["redo"] == "20000" and "redone: req/day 10000 → 20000" in notes


def test_undo_clears_a_field_left_invalid(scenario_file: Path, catalog: Any) -> None:
    seen: dict[str, Any] = {}

    async def steps(app: TcoApp, pilot: Any) -> None:
        await type_into(pilot, "volume", "20000")
        await type_into(pilot, "volume", "20000x", paste=True)
        seen["bad"] = dict(app.panel.errors)
        await pilot.press("ctrl+z")
        await pilot.pause()
        seen["after"] = (dict(app.panel.errors), app.panel.input("volume").value, app.session.modified)

    drive(Session.open(scenario_file, catalog), steps)
    assert "volume" in seen["bad"]
    assert seen["after"] == ({}, "10000", False)


def test_undo_of_a_latency_edit_gives_each_its_own_target_back(catalog: Any) -> None:
    seen: dict[str, Any] = {}

    async def steps(app: TcoApp, pilot: Any) -> None:
        await type_into(pilot, "ttft", "500")
        seen["typed"] = app.session.latency_targets("Llama 3.1 70B FP8, owned 8x H100")
        await pilot.press("ctrl+z")
        await pilot.pause()
        seen["undone"] = (app.session.latency_targets("Llama 3.1 70B FP8, owned 8x H100"),
                          app.panel.input("ttft").placeholder, app.panel.input("ttft").value)

    drive(Session.open(OPEN_VS_CLOSED, catalog), steps)
    assert seen["typed"] == (500, 50)
    assert seen["undone"] == ((1000, 50), "mixed", "")


def test_rename_from_the_table_is_saved_as_a_label(scenario_file: Path, catalog: Any) -> None:
    seen: dict[str, Any] = {}

    async def steps(app: TcoApp, pilot: Any) -> None:
        app.table.focus()
        app.table.move_to("deepseek/deepseek-chat")
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        await pilot.press(*"openai/gpt-4o")  # another candidate's name: refused on the spot
        await pilot.press("enter")
        await pilot.pause()
        seen["refused"] = (type(app.screen).__name__, str(app.screen.query_one("#error").render()))
        app.screen.query_one("#text").value = "DeepSeek [cheap]"
        await pilot.press("enter")
        await pilot.pause()
        seen["ids"] = app.session.candidate_ids
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("ctrl+z")
        await pilot.pause()
        seen["undone"] = app.session.candidate_ids

    drive(Session.open(scenario_file, catalog), steps)
    assert seen["refused"] == ("TextScreen", "another candidate is called 'openai/gpt-4o'")
    assert "DeepSeek [cheap]" in seen["ids"] and "deepseek/deepseek-chat" in seen["undone"]
    assert "  - {offer: deepseek/deepseek-chat, label: 'DeepSeek [cheap]'}\n" in scenario_file.read_text()


def test_typing_that_ends_where_it_started_is_no_undo_step(scenario_file: Path, catalog: Any) -> None:
    """in tok emptied and typed back to 1500: no step whose undo changes nothing (review 6, item 19)."""
    seen: dict[str, Any] = {}

    async def steps(app: TcoApp, pilot: Any) -> None:
        await type_into(pilot, "volume", "20000")
        app.table.focus()
        await pilot.pause()
        seen["before"] = len(app.session.history.undo_steps)
        await type_into(pilot, "input_tokens", "1500")  # emptied (refused), then 1, 15, 150, 1500
        seen["after"] = len(app.session.history.undo_steps)
        await type_into(pilot, "input_tokens", "15000")  # on from there: one step again
        seen["on"] = [s.label for s in app.session.history.undo_steps]
        await pilot.press("ctrl+z")
        await pilot.press("ctrl+z")
        await pilot.pause()
        seen["undone"] = (cell(app, "openai/gpt-4o", "monthly"), app.session.modified)

    drive(Session.open(scenario_file, catalog), steps)
    assert seen["before"] == seen["after"] == 1
    assert seen["on"] == ["req/day 10000 → 20000", "in tok 1500 → 15000"]
    assert seen["undone"] == ("$4,500.00", False)  # two undos: both changes, none wasted on a no-op
