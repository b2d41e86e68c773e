"""What the app says, and where: the reason a row has no cost in the row itself (and in full in
its tooltip and at the top of its detail), errors in the field's own words, refusals about the
candidate the user acted on, one toast per kind."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("textual")

from textual.coordinate import Coordinate  # noqa: E402

from tco.tui.app import TcoApp  # noqa: E402
from tco.tui.fields import EditError  # noqa: E402
from tco.tui.state import Session  # noqa: E402
from tco.tui.wording import validation_reason  # noqa: E402
from tests.tui_pilot import EXAMPLE, OPEN_VS_CLOSED, cell, drive, screen, type_into  # noqa: E402


def test_a_row_without_a_cost_says_why_in_the_row_its_tooltip_and_its_detail(catalog: Any) -> None:
    seen: dict[str, Any] = {}

    async def steps(app: TcoApp, pilot: Any) -> None:
        await type_into(pilot, "input_tokens", "190000", paste=True)  # + 500 output: over 128K, within 200K
        await pilot.pause(0.6)  # the compile-time warnings settle
        seen["cells"] = {cid: cell(app, cid, "monthly") for cid in app.session.candidate_ids}
        row = app.table.get_row_index("openai/gpt-4o")
        app.table.hover_coordinate = Coordinate(row, 2)
        seen["tooltip"] = str(app.table.tooltip)
        app.table.move_to("openai/gpt-4o")
        await pilot.pause()
        seen["detail"] = screen(app).split("F2 Detail")[1].splitlines()[1:6]
        await type_into(pilot, "input_tokens", "1500", paste=True)
        await type_into(pilot, "ttft", "1", paste=True)
        seen["slow"] = cell(app, "Llama 3.1 70B FP8, owned 8x H100", "monthly")
        row = app.table.get_row_index("Llama 3.1 70B FP8, owned 8x H100")
        app.table.hover_coordinate = Coordinate(row, 1)
        seen["slow_tip"] = str(app.table.tooltip)

    drive(Session.open(OPEN_VS_CLOSED, catalog), steps, size=(100, 40))
    assert seen["cells"]["openai/gpt-4o"] == "too long"
    assert seen["cells"]["Llama 3.1 405B FP8, 8x H100 rented"] == "too long"
    assert seen["cells"]["anthropic/claude-3.5-sonnet"].startswith("$")  # a 200K window takes it
    assert "128,000-token context window" in seen["tooltip"]
    assert any("no cost: cannot serve this workload" in line for line in seen["detail"])
    assert seen["slow"] == "too slow" and "latency targets" in seen["slow_tip"]


def test_a_retired_offer_says_retired_in_its_row_as_tco_estimate_does(tmp_path: Path, catalog: Any) -> None:
    """Not "unknown": the CLI's Note column says ``retired 2026-07-25``, the row ``retired``
    (short, as ``not yet``: the names keep their room at 80 columns) and its tooltip the date
    (review 6, item 11)."""
    import tco

    p = tmp_path / "future.yaml"
    # every offer retired by 2030 is an error now (as none launched is): a self-hosted row keeps one priced
    p.write_text(EXAMPLE.read_text().replace("as_of: 2024-06-01", "as_of: 2030-06-01").rstrip("\n")
                 + "\n  - selfhost: {model: llama-3.1-8b-instruct, gpu: h100-sxm-80gb, rent_per_gpu_hour: 2}\n")
    cli = {c.id: c.reason for c in tco.estimate(p, catalog).candidates}
    assert cli["deepseek/deepseek-chat"] == "retired 2026-07-25"
    seen: dict[str, Any] = {}

    async def steps(app: TcoApp, pilot: Any) -> None:
        seen["cells"] = {cid: cell(app, cid, "monthly") for cid in app.session.candidate_ids}
        row = app.table.get_row_index("deepseek/deepseek-chat")
        app.table.hover_coordinate = Coordinate(row, 2)
        seen["tooltip"] = str(app.table.tooltip)
        seen["screen"] = screen(app)

    drive(Session.open(p, catalog), steps, size=(80, 24))
    assert seen["cells"]["deepseek/deepseek-chat"] == "retired"
    assert seen["cells"]["anthropic/claude-3.5-sonnet"] == "retired"
    assert "retired on 2026-07-25" in seen["tooltip"]
    assert "deepseek/deepseek-chat" in seen["screen"]  # the name whole at 80 columns


def test_not_launched_and_unranked_rows_explain_themselves(catalog: Any) -> None:
    from tco.tui.reasons import explain, no_cost, no_rank

    session = Session.open(EXAMPLE, catalog)
    by_id = {c.id: c for c in session.estimate.candidates}
    mini = by_id["openai/gpt-4o-mini"]
    assert no_cost(mini).short == "not yet" and "2024-07-18" in no_cost(mini).full
    session = Session.open(EXAMPLE.parent / "china-price-war.yaml", catalog)  # Chinese offers with few scores
    by_id = {c.id: c for c in session.estimate.candidates}
    unranked = [c for c in by_id.values() if not c.rank and no_cost(c) is None]
    assert unranked and all("coverage" in explain(c) for c in unranked)
    assert all(no_rank(c) is None for c in by_id.values() if c.rank)


@pytest.mark.parametrize(("key", "text", "said"), [
    ("ttft", "1e6", "ttft ms: at most 600,000 ms"),
    ("tpot", "99999", "tpot ms: at most 60,000 ms"),
    ("input_tokens", "2e8", "in tok: at most 100,000,000 tokens"),
    ("volume", "2e11", "req/day: at most 100,000,000,000"),
    ("volume", "10k..2e11", "req/day: high end at most 100,000,000,000"),  # not "a number"
])
def test_errors_are_said_in_the_fields_own_words(key: str, text: str, said: str, catalog: Any) -> None:
    session = Session.open(OPEN_VS_CLOSED, catalog)
    with pytest.raises(EditError) as e:
        session.edit(key, text)
    assert str(e.value) == said


def test_no_internal_path_or_schema_phrase_reaches_the_screen(catalog: Any) -> None:
    seen: dict[str, Any] = {}

    async def steps(app: TcoApp, pilot: Any) -> None:
        await type_into(pilot, "ttft", "1e6", paste=True)
        seen["status"] = str(app.panel.query_one("#status").render())
        seen["tooltip"] = str(app.panel.input("ttft").tooltip)

    drive(Session.open(OPEN_VS_CLOSED, catalog), steps)
    assert "✗ ttft ms: at most 600,000 ms" in seen["status"]
    for text in seen.values():
        assert "candidates." not in text and "Input should" not in text and "selfhost" not in text


def test_form_and_schema_errors_name_the_form_row() -> None:
    errors = [{"type": "less_than_equal", "loc": ("candidates", 7, "selfhost-spec", "selfhost", "gpus_per_node"),
               "msg": "Input should be less than or equal to 16", "ctx": {"le": 16}},
              {"type": "int_from_float", "loc": ("candidates", 7, "selfhost-spec", "selfhost", "gpus"), "msg": "x"},
              {"type": "literal_error", "loc": ("candidates", 7, "selfhost-spec", "selfhost", "precision"),
               "msg": "x", "ctx": {"expected": "'bf16', 'fp8', 'int8' or 'int4'"}}]
    assert validation_reason(errors[:1]) == "GPUs per node: at most 16"
    assert validation_reason(errors[1:2]) == "GPUs per replica: a whole number"
    assert validation_reason(errors[2:]) == "precision: one of bf16, fp8, int8 or int4"
    shape = [{"type": "string_type", "loc": ("quality", "profile", "constrained-str"), "msg": "x"},
             {"type": "greater_than_equal", "loc": ("quality", "profile", "dict[str,float]", "mmlu"), "msg": "x",
              "ctx": {"ge": 0}}]
    assert validation_reason(shape) == "quality weight of mmlu: at least 0"


def test_a_refused_removal_is_about_the_candidate_and_toasts_do_not_stack(tmp_path: Path, catalog: Any) -> None:
    seen: dict[str, Any] = {}

    async def steps(app: TcoApp, pilot: Any) -> None:
        app.remove("openai/gpt-4o")
        app.table.focus()
        app.table.move_to("deepseek/deepseek-chat")
        await pilot.pause()
        for _ in range(5):
            await pilot.press("x")
            await pilot.pause()
        shown = list(app._notifications)
        seen["toasts"] = [n.message for n in shown]
        seen["ids"] = app.session.candidate_ids

    drive(Session.open(EXAMPLE, catalog), steps)
    refusals = [m for m in seen["toasts"] if m.startswith("cannot remove")]
    assert refusals == ["cannot remove deepseek/deepseek-chat: it is the only candidate available on 2024-06-01; "
                        "the others launch later (the first: anthropic/claude-3.5-sonnet, on 2024-06-20)"]
    assert len(seen["toasts"]) <= 2  # the last "removed" note and one refusal, not five
    assert "deepseek/deepseek-chat" in seen["ids"]


def test_an_as_of_date_before_every_launch_names_the_first(catalog: Any) -> None:
    session = Session.open(EXAMPLE, catalog)
    with pytest.raises(EditError) as e:
        session.edit("as_of", "2020-01-01")
    assert str(e.value).startswith("none of the candidates is available on 2020-01-01: the first to launch is "
                                   "deepseek/deepseek-chat, on 2024-04-25")


def test_keys_faster_than_the_screen_still_leave_one_toast(catalog: Any) -> None:
    seen: dict[str, Any] = {}

    async def steps(app: TcoApp, pilot: Any) -> None:
        await pilot.press(*["ctrl+z"] * 10)  # no pause: the toasts are queued before any is shown
        await pilot.pause()
        seen["toasts"] = [n.message for n in app._notifications]

    drive(Session.open(EXAMPLE, catalog), steps)
    assert seen["toasts"] == ["nothing to undo"]


def test_a_refused_keystroke_keeps_the_last_valid_value_in_every_field(tmp_path: Path, catalog: Any) -> None:
    """As the help says: an invalid value is marked and the last valid results stay (they went
    back to the value from before the typing, so the table jumped between the new numbers and
    the old ones; review 6, item 4). The status line names the value shown, and a second ctrl+s
    saves it: typing 2e12 passes through 2e1, 20 a day."""
    p = tmp_path / "s.yaml"
    p.write_text(EXAMPLE.read_text())
    seen: dict[str, Any] = {}

    def status(app: TcoApp) -> str:
        return str(app.panel.query_one("#status").render())

    async def type_on(pilot: Any, field: str, keys: str) -> None:  # keys added to what the field holds
        app: TcoApp = pilot.app
        app.panel.input(field).focus()
        await pilot.pause()
        await pilot.press("end", *list(keys))
        await pilot.pause()

    async def steps(app: TcoApp, pilot: Any) -> None:
        await type_on(pilot, "volume", "0")  # 100000: valid
        seen["100k"] = cell(app, "deepseek/deepseek-chat", "monthly")
        await type_on(pilot, "volume", "x")
        seen["100kx"] = (cell(app, "deepseek/deepseek-chat", "monthly"), status(app))
        await type_into(pilot, "volume", "10000")
        await type_into(pilot, "currency", "EUR")
        seen["eur"] = cell(app, "deepseek/deepseek-chat", "monthly")
        await type_on(pilot, "currency", "O")
        seen["euro"] = (cell(app, "deepseek/deepseek-chat", "monthly"), status(app))
        await type_into(pilot, "currency", "USD")
        await type_into(pilot, "as_of", "2024-09-01")
        seen["sep"] = cell(app, "openai/gpt-4o-mini", "monthly")
        await type_on(pilot, "as_of", "5")
        seen["sep5"] = (cell(app, "openai/gpt-4o-mini", "monthly"), status(app))
        await type_into(pilot, "as_of", "2024-06-01")
        await type_into(pilot, "volume", "2e12")
        seen["showing"] = app.session.describe("volume")
        seen["error"] = dict(app.panel.errors)
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("ctrl+s")  # the second save writes the values the results are for
        await pilot.pause()

    drive(Session.open(p, catalog), steps)
    assert seen["100kx"][0] == seen["100k"] and "showing results for 100,000 req/day" in seen["100kx"][1]
    assert seen["euro"][0] == seen["eur"] and seen["eur"].startswith("€")
    assert "showing results for amounts in EUR" in seen["euro"][1]
    assert seen["sep5"][0] == seen["sep"] != "not yet" and "showing results for as of 2024-09-01" in seen["sep5"][1]
    assert "volume" in seen["error"] and seen["showing"] == "20 req/day"
    assert "requests_per_day: 20" in p.read_text()


def test_a_note_is_not_drawn_over_a_dialog_and_comes_back_after_it(catalog: Any) -> None:
    """At 80x24 the add dialog fills the screen: the "No ranges" note waits under it; an
    error is still drawn over it."""
    seen: dict[str, str] = {}

    async def steps(app: TcoApp, pilot: Any) -> None:
        app.table.focus()
        await pilot.press("m")
        await pilot.pause(0.2)
        seen["before"] = screen(app)
        await pilot.press("a")
        await pilot.pause(0.2)
        seen["dialog"] = screen(app)
        app.notify("an injected error", severity="error", timeout=10)
        await pilot.pause(0.2)
        seen["error"] = screen(app)
        await pilot.press("escape")
        await pilot.pause(0.2)
        seen["after"] = screen(app)

    drive(Session.open(EXAMPLE, catalog), steps, size=(80, 24), toasts=True)
    assert "No ranges" in seen["before"]
    assert "Add a candidate" in seen["dialog"] and "No ranges" not in seen["dialog"]
    assert "an injected error" in seen["error"] and "No ranges" not in seen["error"]
    assert "No ranges" in seen["after"] and "Add a candidate" not in seen["after"]


def test_the_selfhost_form_reads_at_80x24_without_colour(catalog: Any) -> None:
    """Rent or buy: the chosen one is ``▐●▌``, the other ``▐ ▌`` (not both ``▐●▌``); the rent
    default's source is whole, even a long one (wrapped), not cut in the field."""
    seen: dict[str, str] = {}

    async def steps(app: TcoApp, pilot: Any) -> None:
        await pilot.press("a")
        await pilot.pause()
        await pilot.press(*"llama-3.1-70b-instruct h100")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        form = app.screen
        seen["rent"] = screen(app)
        form.query_one("#sf-buy-mode").value = True
        await pilot.pause()
        seen["buy"] = screen(app)
        form.query_one("#sf-gpu").value = "h100-pcie-80gb"
        await pilot.pause()
        seen["pcie"] = screen(app)

    drive(Session.open(EXAMPLE, catalog), steps, size=(80, 24))
    assert "▐●▌ rent" in seen["rent"] and "▐ ▌ buy" in seen["rent"]
    assert "▐ ▌ rent" in seen["buy"] and "▐●▌ buy" in seen["buy"]
    assert "(Lambda H100 SXM (8x instance))" in seen["rent"]
    words = "(CoreWeave H100 PCIe 80GB, GPU-only price (CPU and RAM billed apart))".split()
    assert all(w in seen["pcie"] for w in words), seen["pcie"]
