"""The Textual app, driven with Pilot (``asyncio.run`` around ``app.run_test``; no plugin).

The numbers are the README's hand check: 10,000 requests/day x 30 days = 300,000
requests/month of 1,500 input + 500 output tokens = 450M input + 150M output tokens;
GPT-4o at $5 / $15 per 1M on 2024-06-01 costs 450 x 5 + 150 x 15 = $4,500.00.
"""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("textual")

from tco.tui.app import TcoApp  # noqa: E402
from tco.tui.screens.add_candidate import AddCandidateScreen  # noqa: E402
from tco.tui.screens.dialogs import ExportScreen, HelpScreen, PathScreen, QuitScreen  # noqa: E402
from tco.tui.state import Session  # noqa: E402
from tests.tui_pilot import EXAMPLE, OPEN_VS_CLOSED, ROOT, SCENARIO, cell, drive, scenario_file, submit_path, type_into  # noqa: E402, F401

# ---- editing -----------------------------------------------------------------------------


def test_doubling_requests_doubles_gpt4o(scenario_file: Path, catalog: Any) -> None:
    seen: dict[str, Any] = {}

    async def steps(app: TcoApp, pilot: Any) -> None:
        assert cell(app, "openai/gpt-4o", "monthly") == "$4,500.00"
        app.table.move_to("openai/gpt-4o")
        await pilot.pause()
        row_before = app.table.cursor_row
        await type_into(pilot, "volume", "20000")
        # 20,000 x 30 x (1,500 x $5 + 500 x $15) / 1M = $9,000.00
        seen["monthly"] = cell(app, "openai/gpt-4o", "monthly")
        seen["per_mtok"] = cell(app, "openai/gpt-4o", "per_mtok")
        seen["cursor"] = (app.table.cursor_row, app.table.current_id(), row_before)
        seen["title"] = app.title
        await type_into(pilot, "volume", "5k")
        seen["5k"] = cell(app, "openai/gpt-4o", "monthly")

    drive(Session.open(scenario_file, catalog), steps)
    assert seen["monthly"] == "$9,000.00"
    assert seen["per_mtok"] == "$7.50"  # per-token price does not move with volume
    row, cid, before = seen["cursor"]
    assert cid == "openai/gpt-4o" and row == before  # cursor survives the recompute
    assert seen["title"].startswith("●")  # modified indicator
    assert seen["5k"] == "$2,250.00"  # 5,000 x 30 x 0.015


def test_tokens_cached_share_and_currency(scenario_file: Path, catalog: Any) -> None:
    seen: dict[str, str] = {}

    async def steps(app: TcoApp, pilot: Any) -> None:
        await type_into(pilot, "output_tokens", "1000")
        # 450 x 5 + 300 x 15 = 6,750
        seen["out"] = cell(app, "openai/gpt-4o", "monthly")
        await type_into(pilot, "currency", "CNY")
        seen["cny"] = cell(app, "openai/gpt-4o", "monthly")

    drive(Session.open(scenario_file, catalog), steps)
    assert seen["out"] == "$6,750.00"
    # 6,750 USD x 7.2327 CNY/USD (May 2024 average, the newest known on 2024-06-01)
    assert seen["cny"] == f"¥{6750 * 7.2327:,.2f}"


def test_invalid_input_keeps_last_results_and_says_why(scenario_file: Path, catalog: Any) -> None:
    seen: dict[str, Any] = {}

    async def steps(app: TcoApp, pilot: Any) -> None:
        await type_into(pilot, "volume", "20000")
        await type_into(pilot, "output_tokens", "5x", paste=True)
        seen["bad"] = app.panel.input("output_tokens").has_class("bad")
        seen["status"] = str(app.panel.query_one("#status").render())
        seen["monthly"] = cell(app, "openai/gpt-4o", "monthly")
        await type_into(pilot, "currency", "XYZ")
        seen["status2"] = str(app.panel.query_one("#status").render())
        seen["monthly2"] = cell(app, "openai/gpt-4o", "monthly")
        await type_into(pilot, "profile", "mmlu-cot:1, humanevl:1")
        seen["status3"] = str(app.panel.query_one("#status").render())
        await type_into(pilot, "as_of", "2024-13-01")
        await type_into(pilot, "cached", "1.5")
        await type_into(pilot, "peak", "0")
        seen["errors"] = dict(app.panel.errors)
        await type_into(pilot, "output_tokens", "500")
        seen["fixed"] = app.panel.input("output_tokens").has_class("bad")

    app = drive(Session.open(scenario_file, catalog), steps)
    assert seen["bad"]
    assert "not a number" in seen["status"] and "showing results for 500 out tok" in seen["status"]
    assert seen["monthly"] == "$9,000.00"  # the last valid results stay on screen
    assert "XYZ" in seen["status2"] and seen["monthly2"] == "$9,000.00"
    assert "did you mean 'humaneval'" in seen["status3"]
    assert set(seen["errors"]) == {"output_tokens", "currency", "profile", "as_of", "cached", "peak"}
    assert not seen["fixed"]
    assert app.session.data["currency"] == "USD"


def test_quality_profile_and_latency_fields(scenario_file: Path, catalog: Any) -> None:
    seen: dict[str, Any] = {}

    async def steps(app: TcoApp, pilot: Any) -> None:
        await type_into(pilot, "profile", "humaneval:1")
        seen["q"] = cell(app, "openai/gpt-4o", "quality")
        seen["cover"] = cell(app, "deepseek/deepseek-chat", "coverage")
        await type_into(pilot, "profile", "general")
        seen["profile"] = app.session.estimate.quality_profile["name"]
        # no self-hosted candidate: the latency fields say so and take no input
        ttft = app.panel.input("ttft")
        seen["ttft"] = (ttft.disabled, ttft.placeholder, ttft.value)

    app = drive(Session.open(scenario_file, catalog), steps)
    assert seen["q"] == "91.0"  # GPT-4o HumanEval alone (OpenAI's API-prompt figure, simple-evals)
    assert seen["cover"] == "100%"
    assert seen["profile"] == "general"
    assert seen["ttft"] == (True, "no self-hosted", "")
    assert app.session.data["quality"]["profile"] == "general"
    from tco.tui.fields import EditError

    with pytest.raises(EditError, match="no self-hosted"):
        app.session.edit("ttft", "2000")
    assert "latency" not in str(app.session.data)


# ---- sorting -----------------------------------------------------------------------------


def test_sorting_by_keys_and_header_click(scenario_file: Path, catalog: Any) -> None:
    seen: dict[str, Any] = {}

    async def steps(app: TcoApp, pilot: Any) -> None:
        t = app.table
        seen["rank"] = [r.key.value for r in t.ordered_rows]
        t.focus()
        t.move_to("openai/gpt-4o")
        await pilot.pause()
        await pilot.press("s")  # rank -> candidate
        seen["by_name"] = [r.key.value for r in t.ordered_rows]
        seen["cursor"] = t.current_id()
        await pilot.press("r")
        seen["by_name_rev"] = [r.key.value for r in t.ordered_rows]
        # click the "Monthly" header
        x = sum(c.get_render_width(t) for c in list(t.columns.values())[:2]) + 3
        await pilot.click("#table", offset=(x, 0))
        await pilot.pause()
        seen["sort"] = (t.sort_column, t.sort_reverse)
        seen["by_cost"] = [r.key.value for r in t.ordered_rows]
        await pilot.click("#table", offset=(x, 0))
        await pilot.pause()
        seen["by_cost_rev"] = [r.key.value for r in t.ordered_rows]
        # a recompute re-sorts and the cursor follows its candidate
        t.move_to("openai/gpt-4o")
        await type_into(pilot, "volume", "20000")
        seen["after_edit"] = (t.current_id(), [r.key.value for r in t.ordered_rows])

    drive(Session.open(scenario_file, catalog), steps)
    assert seen["rank"] == ["deepseek/deepseek-chat", "openai/gpt-4o", "anthropic/claude-3.5-sonnet"]
    assert seen["by_name"] == ["anthropic/claude-3.5-sonnet", "deepseek/deepseek-chat", "openai/gpt-4o"]
    assert seen["cursor"] == "openai/gpt-4o"
    assert seen["by_name_rev"] == list(reversed(seen["by_name"]))
    assert seen["sort"] == ("monthly", False)
    # unknown costs (Claude 3.5 Sonnet launched 2024-06-20) sort last both ways
    assert seen["by_cost"] == ["deepseek/deepseek-chat", "openai/gpt-4o", "anthropic/claude-3.5-sonnet"]
    assert seen["by_cost_rev"] == ["openai/gpt-4o", "deepseek/deepseek-chat", "anthropic/claude-3.5-sonnet"]
    assert seen["after_edit"] == ("openai/gpt-4o", seen["by_cost_rev"])


def test_marks_cheapest_and_best_value(scenario_file: Path, catalog: Any) -> None:
    seen: dict[str, str] = {}

    async def steps(app: TcoApp, pilot: Any) -> None:
        seen["deepseek"] = cell(app, "deepseek/deepseek-chat", "mark")
        seen["gpt"] = cell(app, "openai/gpt-4o", "mark")
        seen["claude"] = cell(app, "anthropic/claude-3.5-sonnet", "monthly")

    drive(Session.open(scenario_file, catalog), steps)
    assert seen["deepseek"] == "★▼"
    assert seen["gpt"] == ""
    assert seen["claude"] == "not yet"  # not launched yet on the as-of date (the tooltip and detail say when)


# ---- adding and removing -----------------------------------------------------------------


def test_add_offer_with_fuzzy_search_then_remove(scenario_file: Path, catalog: Any) -> None:
    seen: dict[str, Any] = {}

    async def steps(app: TcoApp, pilot: Any) -> None:
        app.table.focus()
        await pilot.press("a")
        await pilot.pause()
        seen["modal"] = isinstance(app.screen, AddCandidateScreen)
        await pilot.press(*"gpt-3.5-turbo")
        await pilot.pause()
        seen["first"] = app.screen.shown[0].title
        await pilot.press("enter")
        await pilot.pause()
        seen["closed"] = not isinstance(app.screen, AddCandidateScreen)
        # 450 x $0.50 + 150 x $1.50 = $450.00
        seen["cost"] = cell(app, "openai/gpt-3.5-turbo", "monthly")
        seen["cursor"] = app.table.current_id()
        await pilot.press("x")
        await pilot.pause()
        seen["after"] = [r.key.value for r in app.table.ordered_rows]

    app = drive(Session.open(scenario_file, catalog), steps)
    assert seen["modal"] and seen["closed"]
    assert seen["first"] == "openai/gpt-3.5-turbo"
    assert seen["cost"] == "$450.00"
    assert seen["cursor"] == "openai/gpt-3.5-turbo"
    assert "openai/gpt-3.5-turbo" not in seen["after"] and len(seen["after"]) == 3
    assert app.session.data["candidates"] == ["openai/gpt-4o", "deepseek/deepseek-chat",
                                              "anthropic/claude-3.5-sonnet"]


def test_add_selfhosted_candidate_through_the_form(scenario_file: Path, catalog: Any) -> None:
    """The search picks the model and GPU; the form sets GPUs per replica and per node,
    precision, rent or buy and a name (empty fields: the catalog defaults, shown greyed);
    a bad value is said in the field's words and nothing is added."""
    from tco.tui.screens.selfhost_form import SelfhostForm

    seen: dict[str, Any] = {}

    async def steps(app: TcoApp, pilot: Any) -> None:
        await pilot.press("ctrl+n")
        await pilot.pause()
        await pilot.press(*"llama-3.1-70b-instruct h100")
        await pilot.pause()
        seen["first"] = app.screen.shown[0]
        await pilot.press("enter")
        await pilot.pause()
        form = app.screen
        seen["form"] = isinstance(form, SelfhostForm)
        seen["placeholders"] = {k: form.query_one(f"#sf-{k}").placeholder for k in ("gpus_per_node", "rent", "name")}
        seen["rent_note"] = str(form.query_one("#sf-rent-note").render())
        form.query_one("#sf-gpus_per_node").value = "32"
        await pilot.press("enter")
        await pilot.pause()
        seen["bad"] = (str(form.query_one("#error").render()), len(app.session.candidate_ids))
        form.query_one("#sf-gpus_per_node").value = "4"
        form.query_one("#sf-gpus").value = "2"
        form.query_one("#sf-rent").value = "2.5"
        form.query_one("#sf-name").value = "Llama 70B on 2 H100s"
        await pilot.press("enter")
        await pilot.pause()
        seen["screen"] = type(app.screen).__name__
        await pilot.press("ctrl+s")
        await pilot.pause()

    app = drive(Session.open(scenario_file, catalog), steps)
    first = seen["first"]
    assert first.kind == "selfhost" and seen["form"]
    assert first.entry == {"selfhost": {"model": "llama-3.1-70b-instruct", "precision": "fp8", "gpu": "h100-sxm-80gb"}}
    assert seen["placeholders"]["gpus_per_node"] == "8" and seen["placeholders"]["rent"] == "3.49"
    assert "lambda" in seen["rent_note"].lower()  # the default's source, beside the field
    assert seen["placeholders"]["name"] == "llama-3.1-70b-instruct fp8 on h100-sxm-80gb"
    assert "GPUs per node: a whole number from 1 to 16" in seen["bad"][0] and seen["bad"][1] == 3
    assert seen["screen"] == "Screen"  # form and search closed
    assert "Llama 70B on 2 H100s" in app.session.candidate_ids
    assert scenario_file.read_text().endswith(
        "  - anthropic/claude-3.5-sonnet\n  - selfhost:\n      model: llama-3.1-70b-instruct\n      precision: fp8\n"
        "      gpu: h100-sxm-80gb\n      gpus_per_node: 4\n      gpus: 2\n      rent_per_gpu_hour: 2.5\n"
        "      name: Llama 70B on 2 H100s\n# end of file\n")


def test_the_form_offers_the_published_precision(scenario_file: Path, catalog: Any) -> None:
    """gpt-oss-120b is published in MXFP4: the search offers fp4 and the form opens on it (it used to
    fail: the form knew no fp4)."""
    seen: dict[str, Any] = {}

    async def steps(app: TcoApp, pilot: Any) -> None:
        await pilot.press("ctrl+n")
        await pilot.pause()
        await pilot.press(*"gpt-oss-120b b200")
        await pilot.pause()
        seen["first"] = app.screen.shown[0]
        await pilot.press("enter")
        await pilot.pause()
        seen["precision"] = app.screen.query_one("#sf-precision").value
        await pilot.press("enter")
        await pilot.pause()

    app = drive(Session.open(scenario_file, catalog), steps)
    assert seen["first"].entry == {"selfhost": {"model": "gpt-oss-120b", "precision": "fp4", "gpu": "b200"}}
    assert seen["precision"] == "fp4" and "gpt-oss-120b fp4 on b200" in app.session.candidate_ids


def test_add_refused_shows_the_reason_in_the_modal(scenario_file: Path, catalog: Any) -> None:
    seen: dict[str, Any] = {}

    async def steps(app: TcoApp, pilot: Any) -> None:
        def refuse(entry: Any) -> None:
            from tco.tui.fields import EditError

            raise EditError("selfhost.gpu: unknown accelerator 'h100-sxm-80gb' (did you mean ...?)")

        app.session.add_candidate = refuse  # type: ignore[method-assign]
        await pilot.press("ctrl+n")
        await pilot.pause()
        await pilot.press(*"llama 8b h100")
        await pilot.press("enter")  # the self-hosted form
        await pilot.pause()
        await pilot.press("enter")  # add it: refused, the form stays with the reason
        await pilot.pause()
        seen["form"] = type(app.screen).__name__
        seen["error"] = str(app.screen.query_one("#error").render())
        await pilot.press("escape")  # back to the search
        await pilot.pause()
        seen["open"] = isinstance(app.screen, AddCandidateScreen)
        app.screen.query_one("#search").value = "openai/gpt-4o-mini"
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        seen["api_error"] = str(app.screen.query_one("#error").render())
        await pilot.press("escape")
        await pilot.pause()
        seen["closed"] = not isinstance(app.screen, AddCandidateScreen)

    app = drive(Session.open(scenario_file, catalog), steps)
    assert seen["form"] == "SelfhostForm" and "unknown accelerator" in seen["error"]
    assert seen["open"] and "cannot add openai/gpt-4o-mini" in seen["api_error"] and seen["closed"]
    assert len(app.session.candidate_ids) == 3


def test_palette_adds_and_removes_by_name(scenario_file: Path, catalog: Any) -> None:
    async def steps(app: TcoApp, pilot: Any) -> None:
        entries = {title: cb for title, _, cb in app.palette_entries()}
        entries["Add openai/gpt-4o-mini"]()
        await pilot.pause()
        entries["Remove deepseek/deepseek-chat"]()
        await pilot.pause()
        assert app.table.row_count == 3

    app = drive(Session.open(scenario_file, catalog), steps)
    assert app.session.candidate_ids == ["openai/gpt-4o", "anthropic/claude-3.5-sonnet", "openai/gpt-4o-mini"]


def test_cannot_remove_the_last_candidate(tmp_path: Path, catalog: Any) -> None:
    p = tmp_path / "one.yaml"
    p.write_text(SCENARIO.replace("  - deepseek/deepseek-chat\n  - anthropic/claude-3.5-sonnet\n", ""))

    async def steps(app: TcoApp, pilot: Any) -> None:
        app.table.focus()
        await pilot.press("x")
        await pilot.pause()
        assert app.table.row_count == 1

    app = drive(Session.open(p, catalog), steps)
    assert app.session.candidate_ids == ["openai/gpt-4o"]


# ---- saving, quitting, exporting ---------------------------------------------------------


def test_ctrl_s_keeps_comments_and_key_order(scenario_file: Path, catalog: Any) -> None:
    async def steps(app: TcoApp, pilot: Any) -> None:
        await type_into(pilot, "volume", "20000")
        await type_into(pilot, "cached", "30%")
        app.table.focus()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not app.session.modified and not app.title.startswith("●")

    drive(Session.open(scenario_file, catalog), steps)
    text = scenario_file.read_text()
    expected = (SCENARIO.replace("requests_per_day: 10000   # from the May dashboard",
                                 "requests_per_day: 20000   # from the May dashboard")
                .replace("  days_per_month: 30\n", "  days_per_month: 30\n  cached_input_share: 0.3\n"))
    assert text == expected
    # no temporary files left behind
    assert sorted(p.name for p in scenario_file.parent.iterdir()) == ["support.yaml"]


def test_save_after_add_and_remove_keeps_comments(scenario_file: Path, catalog: Any) -> None:
    async def steps(app: TcoApp, pilot: Any) -> None:
        app.add_entry("openai/gpt-4o-mini")
        app.remove("deepseek/deepseek-chat")
        await type_into(pilot, "profile", "general")
        await pilot.press("ctrl+s")
        await pilot.pause()

    drive(Session.open(scenario_file, catalog), steps)
    text = scenario_file.read_text()
    assert "# Our support bot" in text and "# the incumbent" in text and "# end of file" in text
    assert "  profile: general" in text and "# what we care about" in text
    assert "deepseek" not in text
    assert text.index("anthropic/claude-3.5-sonnet") < text.index("openai/gpt-4o-mini")
    keys = [line.split(":")[0] for line in text.splitlines() if line and line[0].isalpha()]
    assert keys == ["name", "currency", "as_of", "workload", "quality", "candidates"]
    from tco import load_scenario

    assert load_scenario(scenario_file, catalog).quality.profile == "general"


def test_quit_with_unsaved_changes_asks(scenario_file: Path, catalog: Any) -> None:
    seen: dict[str, Any] = {}

    async def steps(app: TcoApp, pilot: Any) -> None:
        await type_into(pilot, "volume", "20000")
        await pilot.press("ctrl+q")
        await pilot.pause()
        seen["asked"] = isinstance(app.screen, QuitScreen)
        await pilot.press("escape")  # cancel
        await pilot.pause()
        seen["still_running"] = app.is_running and not isinstance(app.screen, QuitScreen)
        await pilot.press("ctrl+q")
        await pilot.pause()
        await pilot.press("d")  # discard
        await pilot.pause()

    app = drive(Session.open(scenario_file, catalog), steps)
    assert seen["asked"] and seen["still_running"]
    assert app.return_code == 0
    assert scenario_file.read_text() == SCENARIO  # discarded


def test_quit_and_save(scenario_file: Path, catalog: Any) -> None:
    async def steps(app: TcoApp, pilot: Any) -> None:
        await type_into(pilot, "volume", "12345")
        await pilot.press("ctrl+q")
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()

    app = drive(Session.open(scenario_file, catalog), steps)
    assert app.return_code == 0
    assert "requests_per_day: 12345   # from the May dashboard" in scenario_file.read_text()


def test_quit_without_changes_does_not_ask(scenario_file: Path, catalog: Any) -> None:
    async def steps(app: TcoApp, pilot: Any) -> None:
        await type_into(pilot, "volume", "20000")
        await type_into(pilot, "volume", "10000")  # back to the saved value: not modified
        await pilot.press("ctrl+q")
        await pilot.pause()

    app = drive(Session.open(scenario_file, catalog), steps)
    assert app.return_code == 0 and not app.is_running


def test_builtin_example_saves_through_save_as(tmp_path: Path, catalog: Any, monkeypatch: Any) -> None:
    before = EXAMPLE.read_text()
    target = tmp_path / "mine.yaml"
    seen: dict[str, Any] = {}

    async def steps(app: TcoApp, pilot: Any) -> None:
        await type_into(pilot, "volume", "20000")
        await pilot.press("ctrl+s")
        await pilot.pause()
        seen["asked"] = isinstance(app.screen, PathScreen)
        inp = app.screen.query_one("#path")
        inp.value = str(target)
        await pilot.press("enter")
        await pilot.pause()
        seen["path"] = app.session.path
        seen["sub"] = app.sub_title

    drive(Session.open(None, catalog), steps)
    assert seen["asked"]
    assert EXAMPLE.read_text() == before  # the packaged file is never overwritten
    assert seen["path"] == target and str(target) in seen["sub"]
    text = target.read_text()
    assert "requests_per_day: 20000" in text
    assert text.replace("requests_per_day: 20000", "requests_per_day: 10000") == before


def test_save_as_refuses_to_clobber_without_confirmation(scenario_file: Path, tmp_path: Path, catalog: Any) -> None:
    other = tmp_path / "other.yaml"
    other.write_text("keep me\n")
    seen: dict[str, Any] = {}

    async def steps(app: TcoApp, pilot: Any) -> None:
        await type_into(pilot, "volume", "20000")
        await pilot.press("f12")
        await pilot.pause()
        await submit_path(pilot, other)
        seen["warned"] = "exists" in str(app.screen.query_one("#error").render())
        seen["kept"] = other.read_text()
        await pilot.press("enter")  # confirm
        await pilot.pause()
        seen["screen"] = isinstance(app.screen, PathScreen)

    app = drive(Session.open(scenario_file, catalog), steps)
    assert seen["warned"] and seen["kept"] == "keep me\n" and not seen["screen"]
    assert "requests_per_day: 20000" in other.read_text()
    assert app.session.path == other
    assert scenario_file.read_text() == SCENARIO


@pytest.mark.parametrize("fmt", ["csv", "markdown", "json"])
def test_export_uses_the_cli_renderers(scenario_file: Path, tmp_path: Path, catalog: Any, fmt: str) -> None:
    out = tmp_path / f"out.{fmt}"

    async def steps(app: TcoApp, pilot: Any) -> None:
        await type_into(pilot, "volume", "20000")
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert isinstance(app.screen, ExportScreen)
        while app.screen.fmt != fmt:
            await pilot.press("f6")
            await pilot.pause()
        await submit_path(pilot, out)

    app = drive(Session.open(scenario_file, catalog), steps)
    from tco.report import render

    assert out.read_text() == render(app.session.estimate, fmt)
    assert "9000" in out.read_text().replace(",", "")


def test_an_export_with_an_invalid_field_says_what_it_holds(scenario_file: Path, tmp_path: Path, catalog: Any) -> None:
    # a save refuses once; an export wrote the last valid numbers without a word
    out = tmp_path / "out.csv"
    seen: dict[str, Any] = {}

    async def steps(app: TcoApp, pilot: Any) -> None:
        await type_into(pilot, "volume", "20000")
        await type_into(pilot, "volume", "20x")
        await pilot.press("ctrl+e")
        await pilot.pause()
        await submit_path(pilot, out)
        seen["toasts"] = [str(n.message) for n in app._notifications]

    drive(Session.open(scenario_file, catalog), steps)
    assert out.exists()
    said = [t for t in seen["toasts"] if t.startswith("exported")]
    assert said and "not valid" in said[-1] and "'20x'" in said[-1]


# ---- panes, charts, help -----------------------------------------------------------------


def test_detail_shows_the_price_war_history(tmp_path: Path, catalog: Any) -> None:
    p = tmp_path / "s.yaml"
    p.write_text(SCENARIO.replace("  - openai/gpt-4o           # the incumbent\n",
                                  "  - openai/gpt-4o           # the incumbent\n  - zhipu/glm-3-turbo\n"))
    seen: dict[str, str] = {}

    async def steps(app: TcoApp, pilot: Any) -> None:
        for cid in ("zhipu/glm-3-turbo", "openai/gpt-4o"):
            app.table.move_to(cid)
            await pilot.pause()
            seen[cid] = app.detail_text(cid, 100).plain

    drive(Session.open(p, catalog), steps)
    glm = seen["zhipu/glm-3-turbo"]
    assert "2024-05-11" in glm and "◀ used on 2024-06-01" in glm
    used = next(line for line in glm.splitlines() if "◀ used" in line)
    assert "2024-05-11" in used and "CNY 7.2327 per USD" in glm
    gpt = seen["openai/gpt-4o"]
    assert "▶ 2024-05-13" in gpt and "(after the as-of date)" in gpt


def test_selfhost_detail_from_a_hand_built_result() -> None:
    from tco.plan.result import CandidateResult
    from tco.tui.widgets.detail import selfhost_detail

    c = CandidateResult(
        id="llama-3.1-70b fp8 on 8x h100", label="llama-3.1-70b fp8 on 8x h100", kind="selfhost",
        model="llama-3.1-70b-instruct", provider="self-hosted", monthly_cost=20_102.40,
        cost_breakdown={"rent": 20_102.40}, cost_per_mtok=33.5, quality=83.2, quality_coverage=1.0,
        cost_per_quality_point=241.6, rank=3, ranked=True,
        selfhost={"gpu": "h100-sxm-80gb", "gpus_per_node": 8, "nodes": 2, "gpus": 16, "precision": "fp8",
                  "memory_gb": 684.2, "weights_gb": 72.7, "kv_gb": 500.0, "free_gb": 111.5, "fits": True,
                  "near_memory_limit": True, "output_tokens_per_s": 9000.0, "slo_output_tokens_per_s": 7000.0,
                  "ttft_ms": 350.0, "tpot_ms": 120.0, "engine": "trtllm@v1.2",
                  "choices": {"engine": "fitted on this model", "precision": "as published"},
                  "cost_split": {"capex": 12_000.0, "power": 1_500.0, "hosting": 2_000.0, "staff": 4_602.4},
                  "assumptions": ["utilization 0.8 at peak", "3-year straight-line depreciation"]},
    )
    text = selfhost_detail(c, "USD", (2000, 100), width=90).plain
    for piece in ("684.2 GB", "weights 72.7 GB", "KV cache 500.0 GB", "free 111.5 GB", "near the memory limit",
                  "nodes 2", "GPUs per replica 16", "GPUs per node 8", "9,000 output tok/s", "7,000 within",
                  "TTFT 350.0 ms", "target 2000 ms ok", "TPOT 120.0 ms", "target 100 ms missed",
                  "capex", "$12,000.00", "power", "hosting", "staff", "$4,602.40",
                  "3-year straight-line depreciation", "precision fp8 (as published)",
                  "engine trtllm@v1.2 (fitted on this model)"):
        assert piece in text, piece
    # a narrow pane wraps the deployment between its items, never inside one (a buyer read "GPUs bil")
    c.selfhost["billed_gpus"], c.selfhost["total_gpus"], c.selfhost["replicas"] = 16, 16, 1
    narrow = selfhost_detail(c, "USD", (2000, 100), width=44).plain.splitlines()
    assert all(len(line) <= 44 for line in narrow)
    for item in ("precision fp8 (as published)", "GPUs per replica 16", "GPUs in use 16", "GPUs billed 16",
                 "GPUs per node 8"):
        assert any(item in line for line in narrow), item
    # only what is present: an almost empty dict still renders
    c.selfhost = {"gpu": "l40s"}
    assert "l40s" in selfhost_detail(c, "USD").plain


def test_charts_render_at_80x24(scenario_file: Path, catalog: Any) -> None:
    seen: dict[str, str] = {}

    async def steps(app: TcoApp, pilot: Any) -> None:
        app.add_entry("openai/gpt-3.5-turbo")
        await pilot.pause()
        for key, view in (("f3", "quality"), ("f4", "volume"), ("f5", "prices")):
            await pilot.press(key)
            await pilot.pause()
            seen[view] = "\n".join(s.text for s in app.screen._compositor.render_strips())

    drive(Session.open(scenario_file, catalog), steps, size=(80, 24))
    assert "Pareto frontier" in seen["quality"] and "◆" in seen["quality"]
    assert "requests/day (log)" in seen["volume"] and "10K" in seen["volume"]
    assert "per 1M tokens on 2024-06-01" in seen["prices"] and "May24" in seen["prices"]
    for text in seen.values():
        assert all(len(line) <= 80 for line in text.splitlines())


def test_pareto() -> None:
    from tco.tui.state import pareto

    assert pareto([("a", 10, 50), ("b", 5, 40), ("c", 20, 45), ("d", 30, 60), ("e", 0, 10)]) == ["e", "b", "a", "d"]


def test_volume_chart_marks_the_exact_breakeven_ranges(catalog: Any, monkeypatch: Any) -> None:
    """F4's × marks come from Estimate.breakeven (what ``tco estimate`` prints), every range
    start and end, narrow ranges too (405B vs Claude: 47,840-86,666 and from 95,680 on)."""
    import tco
    from tco.tui import charts as app_module  # the painters import their chart from it when they draw

    drawn: list[Any] = []
    real = app_module.cost_volume

    def spy(series: Any, current: Any, markers: Any, *a: Any, **k: Any) -> Any:
        drawn.append((series, markers))
        return real(series, current, markers, *a, **k)

    monkeypatch.setattr(app_module, "cost_volume", spy)
    cli = tco.estimate(OPEN_VS_CLOSED, catalog).breakeven
    seen: dict[str, Any] = {}

    async def steps(app: TcoApp, pilot: Any) -> None:
        app.table.move_to("anthropic/claude-3.5-sonnet")  # the highlighted row is charted with the 405B node
        await pilot.pause()
        await pilot.press("f4")
        await pilot.pause()
        seen["ids"] = app.chart_ids()
        seen["screen"] = "\n".join(s.text for s in app.screen._compositor.render_strips())

    drive(Session.open(OPEN_VS_CLOSED, catalog), steps, size=(80, 24))
    series, markers = drawn[-1]
    ids = set(seen["ids"])
    pairs = [b for b in cli if b["selfhost"] in ids and b["api"] in ids and b["ranges"]]
    assert any(len(b["ranges"]) > 1 for b in pairs)
    expected = {v for b in pairs for r in b["ranges"] for v in r if v is not None}
    assert {x for x, _ in markers} == expected
    assert {47_840.0, 86_666.0, 95_680.0} <= {round(x) for x, _ in markers}
    shown = [(s.id, api, ranges) for s in series for api, _, ranges in s.cheaper]
    assert sorted(map(str, shown)) == sorted(str((b["selfhost"], b["api"], b["ranges"])) for b in pairs)
    assert "48K–87K, 96K+" in seen["screen"] and "× break-even" in seen["screen"]


@pytest.mark.parametrize(("fmt", "name"), [("json", OPEN_VS_CLOSED.name), ("table", OPEN_VS_CLOSED.name),
                                           ("json", "405b-under-uncertainty.yaml"),
                                           ("table", "405b-under-uncertainty.yaml")])
def test_export_equals_the_cli(tmp_path: Path, catalog: Any, capsys: Any, fmt: str, name: str) -> None:
    """ctrl+e on a saved file writes what ``tco estimate FILE -f FMT`` prints, break-even included,
    and the scenario's samples and horizon when it has them."""
    from tco.cli import main

    p = tmp_path / name
    shutil.copy(OPEN_VS_CLOSED.with_name(name), p)
    out = tmp_path / f"out.{fmt}"

    async def steps(app: TcoApp, pilot: Any) -> None:
        await pilot.press("ctrl+e")
        await pilot.pause()
        while app.screen.fmt != fmt:
            await pilot.press("f6")
            await pilot.pause()
        await submit_path(pilot, out)

    drive(Session.open(p, catalog), steps)
    capsys.readouterr()
    assert main(["estimate", str(p), "-f", fmt]) == 0
    cli = capsys.readouterr().out
    assert "break" in cli.lower()
    if "uncertainty" in name:
        assert "P10-P90" in cli or '"p_best_value"' in cli
    assert out.read_text() == cli


def test_help_and_palette_cover_every_action(scenario_file: Path, catalog: Any) -> None:
    seen: dict[str, Any] = {}

    async def steps(app: TcoApp, pilot: Any) -> None:
        await pilot.press("f1")
        await pilot.pause()
        seen["help"] = isinstance(app.screen, HelpScreen)
        seen["help_text"] = app.screen.plain()
        await pilot.press("escape")
        await pilot.pause()
        seen["titles"] = [c.title for c in app.get_system_commands(app.screen)]

    drive(Session.open(scenario_file, catalog), steps, size=(100, 50))
    assert seen["help"]
    titles = " | ".join(seen["titles"])
    for needed in ("Save", "Save as…", "Export…", "Add candidate…", "Remove highlighted candidate",
                   "Pin / unpin", "Sort by monthly cost", "Sort: reverse", "Show Detail", "Show Volume",
                   "Show Prices", "Show Cost×Quality", "Edit workload", "Help", "Quit"):
        assert needed in titles, needed
    for key in ("^s", "f12", "^e", "f2", "f5", "^q", "space", "del"):
        assert key.lower() in seen["help_text"].lower(), key
    # a description too long for its line wraps under itself, not back to the keys' column
    titles = {"Anywhere", "Candidates table", "Lower panel", "Workload fields"}
    stray = [ln for ln in seen["help_text"].splitlines() if ln.strip() and not ln.startswith("  ")
             and ln.strip() not in titles and not ln[:1].isupper()]
    assert not stray, stray
    assert any(ln.startswith(" " * 21) and ln.strip() for ln in seen["help_text"].splitlines())  # some do wrap


def test_session_parsers() -> None:
    from tco.tui.fields import parse_number, parse_profile

    assert parse_number("10,000") == 10000 and parse_number("1.5M") == 1_500_000 and parse_number("10k") == 10000
    assert parse_number("1e4") == 10000 and parse_number("0.25") == 0.25
    with pytest.raises(ValueError):
        parse_number("ten")
    assert parse_profile("general") == "general"
    assert parse_profile("mmlu-cot:1, humaneval: 2") == {"mmlu-cot": 1, "humaneval": 2}
    assert parse_profile("{mmlu-cot: 1, humaneval: 1}") == {"mmlu-cot": 1, "humaneval": 1}
    with pytest.raises(ValueError):
        parse_profile("mmlu:0")


def test_package_init_imports_nothing_and_core_never_imports_ruamel() -> None:
    import ast

    init = ROOT / "tco" / "tui" / "__init__.py"
    tree = ast.parse(init.read_text())
    assert not [n for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))]
    for path in (ROOT / "tco").rglob("*.py"):
        if "tui" in path.relative_to(ROOT / "tco").parts:
            continue
        src = path.read_text()
        assert "ruamel" not in src and "import textual" not in src and "from textual" not in src, path


def test_round_trip_without_changes_is_byte_identical() -> None:
    from tco import yamlio
    from tco.tui.yamlrt import dump_changed

    for text in (SCENARIO, EXAMPLE.read_text()):
        data = yamlio.parse(text, "x").data
        assert dump_changed(text, data, data) == text


def test_run_app_draws_first_then_opens_the_file(scenario_file: Path, monkeypatch: Any, capsys: Any) -> None:
    """``tco tui FILE`` goes through run_app: the first frame says which file is being opened
    (nothing read yet), the table follows; a bad file ends the app with the located error of
    ``tco estimate`` (exit 2)."""
    from tco.cli import main
    from tco.tui import app as app_module

    import threading

    ran: dict[str, Any] = {}
    painted = threading.Event()
    real_open = Session.open.__func__  # type: ignore[attr-defined]

    def slow_open(cls: Any, *a: Any, **k: Any) -> Session:
        painted.wait(10)  # the scenario is opened only after the first frame
        return real_open(cls, *a, **k)

    monkeypatch.setattr(Session, "open", classmethod(slow_open))

    def fake_run(self: TcoApp, *a: Any, **k: Any) -> int | None:
        painted.clear()

        async def go() -> None:
            async with self.run_test(size=(100, 32)) as pilot:
                ran["first"] = (self.session, "\n".join(s.text for s in self.screen._compositor.render_strips()))
                painted.set()
                for _ in range(200):
                    await pilot.pause(0.02)
                    if self.session is not None and self.query("#table") or self.open_error is not None:
                        break
                await pilot.pause()
                ran["path"] = self.session.path if self.session is not None else None
                ran["rows"] = self.table.row_count if self.session is not None else 0
                if self.session is not None:
                    await pilot.press("ctrl+q")

        asyncio.run(go())
        return self.return_value

    import sys

    monkeypatch.setattr(app_module.TcoApp, "run", fake_run)
    for stream in (sys.stdin, sys.stdout):  # the app refuses to start without a terminal
        monkeypatch.setattr(stream, "isatty", lambda: True, raising=False)
    assert main(["tui", str(scenario_file)]) == 0
    session, screen = ran["first"]
    assert session is None and f"Opening {scenario_file}" in screen
    assert ran["path"] == scenario_file and ran["rows"] == 3
    bad = scenario_file.parent / "bad.yaml"
    shutil.copy(scenario_file, bad)
    bad.write_text(SCENARIO.replace("openai/gpt-4o ", "openai/gpt4o "))
    assert main(["tui", str(bad)]) == 2
    assert "bad.yaml:14:5" in capsys.readouterr().err and ran["rows"] == 0


def test_quit_asks_when_a_field_holds_an_invalid_value(scenario_file: Path, catalog: Any) -> None:
    seen: dict[str, Any] = {}

    async def steps(app: TcoApp, pilot: Any) -> None:
        await type_into(pilot, "currency", "EURO", paste=True)
        assert not app.session.modified
        await pilot.press("ctrl+q")
        await pilot.pause()
        seen["asked"] = isinstance(app.screen, QuitScreen)
        seen["note"] = " ".join(str(w.render()) for w in app.screen.query("Static"))
        await pilot.press("d")
        await pilot.pause()

    app = drive(Session.open(scenario_file, catalog), steps)
    assert seen["asked"] and "'EURO'" in seen["note"]
    assert app.return_code == 0


def test_latency_targets_go_to_every_selfhosted_candidate(tmp_path: Path, catalog: Any) -> None:
    p = tmp_path / "sh.yaml"
    p.write_text(SCENARIO.replace(
        "  - deepseek/deepseek-chat\n",
        "  - deepseek/deepseek-chat\n  - selfhost: {model: llama-3-8b-instruct, precision: fp8, gpu: h100-sxm-80gb}\n"))
    session = Session.open(p, catalog)
    seen: dict[str, Any] = {}

    async def steps(app: TcoApp, pilot: Any) -> None:
        await type_into(pilot, "ttft", "1500", paste=True)
        await type_into(pilot, "tpot", "50", paste=True)
        seen["errors"] = dict(app.panel.errors)
        sh = [c for c in app.session.estimate.candidates if c.kind == "selfhost"][0]
        app.table.move_to(sh.id)
        await pilot.pause()
        seen["detail"] = app.detail_text(sh.id, 100).plain
        await type_into(pilot, "ttft", "", paste=True)
        await type_into(pilot, "tpot", "", paste=True)
        seen["cleared"] = app.session.data["candidates"][2]["selfhost"]

    app = drive(session, steps)
    assert seen["errors"] == {}
    assert "target 1500 ms" in seen["detail"] and "target 50 ms" in seen["detail"]
    assert "latency" not in seen["cleared"]  # both emptied: the defaults again, as the file had them
    assert app.session.latency_field("ttft") == ("", "2000 (default)", True)


LDEF = """\
name: latency check   # a self-hosted candidate on the default targets
as_of: 2026-11-29
workload: {requests_per_day: 200000, input_tokens: 1500, output_tokens: 500, peak_to_average: 2}
quality: {profile: general}
candidates:
  - openai/gpt-4o
  - selfhost: {model: llama-3.1-405b-instruct, precision: int8, gpu: a100-sxm-80gb, gpus_per_node: 8, total_gpus: 16, rent_per_gpu_hour: 1.5}   # ours
"""


def test_none_in_the_latency_fields_means_no_targets_and_the_defaults_say_so(tmp_path: Path, catalog: Any) -> None:
    """No ``latency:`` key is sized for the default targets (2000/200 ms), ``latency: {}`` for
    none: the fields show the first as greyed defaults, and ``none`` typed in both writes the
    second, with the cost ``tco estimate`` gives it (review 6, item 1)."""
    import tco

    p = tmp_path / "ldef.yaml"
    p.write_text(LDEF)
    q = tmp_path / "lnone.yaml"
    q.write_text(LDEF.replace("rent_per_gpu_hour: 1.5}", "rent_per_gpu_hour: 1.5, latency: {}}"))
    def selfhost_cost(est: Any) -> float:
        return next(c.monthly_cost for c in est.candidates if c.kind == "selfhost")

    on_defaults = selfhost_cost(tco.estimate(p, catalog))
    no_targets = selfhost_cost(tco.estimate(q, catalog))
    assert on_defaults != no_targets
    seen: dict[str, Any] = {}

    def fields(app: TcoApp) -> dict[str, tuple[str, str]]:
        return {k: (app.panel.input(k).value, app.panel.input(k).placeholder) for k in ("ttft", "tpot")}

    async def steps(app: TcoApp, pilot: Any) -> None:
        seen["opened"] = fields(app)
        await type_into(pilot, "ttft", "none")
        seen["ttft none"] = fields(app)
        await type_into(pilot, "tpot", "none")
        seen["both none"] = (fields(app), selfhost_cost(app.session.estimate), app.title)
        await pilot.press("ctrl+s")
        await pilot.pause()

    drive(Session.open(p, catalog), steps)
    assert seen["opened"] == {"ttft": ("", "2000 (default)"), "tpot": ("", "200 (default)")}
    # ttft none: no TTFT target; the TPOT target stays what it was (the default 200 ms, written out)
    assert seen["ttft none"] == {"ttft": ("none", "2000 (default)"), "tpot": ("200", "200 (default)")}
    shown, cost, title = seen["both none"]
    assert shown == {"ttft": ("none", "2000 (default)"), "tpot": ("none", "200 (default)")}
    assert cost == no_targets and title.startswith("●")
    import re

    def spaced(text: str) -> str:  # comments and key order kept (a comment after a line that grew may move)
        return re.sub(r" +#", " #", text)

    assert spaced(p.read_text()) == spaced(q.read_text())
    s = Session.open(q, catalog)
    assert s.latency_field("ttft") == ("none", "2000 (default)", True)
    s.edit("ttft", "")
    s.edit("tpot", "")  # emptied: the defaults again (no latency: key)
    assert selfhost_cost(s.estimate) == on_defaults
    s.save()
    assert spaced(q.read_text()) == spaced(LDEF)




def test_opening_a_scenario_changes_nothing(tmp_path: Path, catalog: Any) -> None:
    """Two self-hosted candidates with different latency targets: the app shows "mixed",
    leaves both alone, computes what ``tco estimate`` computes, and a save without edits
    writes the same bytes."""
    import tco

    p = tmp_path / OPEN_VS_CLOSED.name
    shutil.copy(OPEN_VS_CLOSED, p)
    before = p.read_bytes()
    cli = {c.id: c for c in tco.estimate(p, catalog).candidates}
    seen: dict[str, Any] = {}

    async def steps(app: TcoApp, pilot: Any) -> None:
        seen["title"] = (app.title, app.sub_title)
        seen["modified"] = app.session.modified
        seen["fields"] = {k: (app.panel.input(k).value, app.panel.input(k).placeholder) for k in ("ttft", "tpot")}
        seen["costs"] = {c.id: c.monthly_cost for c in app.session.estimate.candidates}
        seen["nodes"] = {c.id: (c.selfhost or {}).get("nodes") for c in app.session.estimate.candidates}
        await pilot.press("ctrl+s")
        await pilot.pause()

    drive(Session.open(p, catalog), steps)
    assert not seen["modified"] and not seen["title"][0].startswith("●") and "modified" not in seen["title"][1]
    assert seen["fields"] == {"ttft": ("", "mixed"), "tpot": ("", "mixed")}
    assert seen["costs"] == {i: c.monthly_cost for i, c in cli.items()}
    assert seen["nodes"] == {i: (c.selfhost or {}).get("nodes") for i, c in cli.items()}
    assert p.read_bytes() == before


def test_typing_a_latency_target_sets_only_that_target(tmp_path: Path, catalog: Any) -> None:
    p = tmp_path / OPEN_VS_CLOSED.name
    shutil.copy(OPEN_VS_CLOSED, p)
    seen: dict[str, Any] = {}

    async def steps(app: TcoApp, pilot: Any) -> None:
        await type_into(pilot, "ttft", "1500")
        seen["tpot"] = (app.panel.input("tpot").value, app.panel.input("tpot").placeholder)
        await pilot.press("ctrl+s")
        await pilot.pause()

    app = drive(Session.open(p, catalog), steps)
    lat = [c["selfhost"]["latency"] for c in app.session.data["candidates"] if isinstance(c, dict)]
    assert lat == [{"ttft_ms": 1500, "tpot_ms": 100}, {"ttft_ms": 1500, "tpot_ms": 50}]
    assert seen["tpot"] == ("", "mixed")
    text = p.read_text()
    assert "latency: {ttft_ms: 1500, tpot_ms: 100}" in text and "latency: {ttft_ms: 1500, tpot_ms: 50}" in text


def test_cursor_and_scroll_survive_a_recompute_with_every_offer(tmp_path: Path, catalog: Any) -> None:
    offers = "\n".join(f"  - {o}" for o in sorted(catalog.offers))
    p = tmp_path / "all.yaml"
    p.write_text(f"as_of: 2024-09-01\nworkload: {{requests_per_day: 10000, input_tokens: 1500, output_tokens: 500}}\n"
                 f"candidates:\n{offers}\n")
    seen: dict[str, Any] = {}

    async def steps(app: TcoApp, pilot: Any) -> None:
        t = app.table
        seen["rows"] = t.row_count
        t.focus()
        for _ in range(40):
            await pilot.press("down")
        await pilot.pause()
        before = (t.cursor_row, t.current_id(), t.scroll_y)
        await type_into(pilot, "volume", "123456", paste=True)
        await type_into(pilot, "input_tokens", "2000", paste=True)
        seen["same"] = (before, (t.cursor_row, t.current_id(), t.scroll_y))

    drive(Session.open(p, catalog), steps, size=(100, 30))
    assert seen["rows"] >= 50
    before, after = seen["same"]
    assert before == after and before[2] > 0


def test_requests_per_month_scenarios_edit_that_key(tmp_path: Path, catalog: Any) -> None:
    p = tmp_path / "pm.yaml"
    p.write_text(SCENARIO.replace("requests_per_day: 10000   # from the May dashboard",
                                  "requests_per_month: 300000   # from the May invoice"))
    session = Session.open(p, catalog)
    assert session.field_label("volume") == "req/mo" and session.field_text("volume") == "300000"
    session.edit("volume", "600k")
    assert session.estimate.candidate("openai/gpt-4o").monthly_cost == pytest.approx(9000.0)
    session.save()
    assert "requests_per_month: 600000   # from the May invoice" in p.read_text()


def test_save_with_an_invalid_field_is_refused_then_saves_the_shown_values(scenario_file: Path, catalog: Any) -> None:
    seen: dict[str, Any] = {}
    notes: list[str] = []

    async def steps(app: TcoApp, pilot: Any) -> None:
        app.notify = lambda message, **k: notes.append(str(message))  # type: ignore[method-assign]
        await type_into(pilot, "volume", "1000")
        await type_into(pilot, "volume", "1000x", paste=True)
        seen["status"] = str(app.panel.query_one("#status").render())
        await pilot.press("ctrl+s")
        await pilot.pause()
        seen["file"] = scenario_file.read_text()
        seen["refused"] = list(notes)
        await pilot.press("ctrl+s")  # again: saves the values the results are for
        await pilot.pause()

    drive(Session.open(scenario_file, catalog), steps)
    assert "not a number" in seen["status"] and "showing results for 1,000 req/day" in seen["status"]
    assert seen["file"] == SCENARIO
    assert "Not saved" in seen["refused"][0] and "req/day '1000x'" in seen["refused"][0]
    import re

    assert re.search(r"requests_per_day: 1000 +# from the May dashboard", scenario_file.read_text())
    assert "1,000 req/day" in notes[-1] and "not saved" in notes[-1]


def test_breakeven_follows_edits_after_a_pause(catalog: Any) -> None:
    seen: dict[str, Any] = {}

    async def steps(app: TcoApp, pilot: Any) -> None:
        app.table.move_to("openai/gpt-4o")  # charted with the self-hosted nodes it has break-evens with
        await pilot.pause()
        await pilot.press("f4")
        await type_into(pilot, "input_tokens", "3000", paste=True)
        seen["during"] = app.session.breakeven_ready()
        await pilot.pause(0.6)
        seen["after"] = app.session.breakeven_ready()
        seen["screen"] = "\n".join(s.text for s in app.screen._compositor.render_strips())

    app = drive(Session.open(OPEN_VS_CLOSED, catalog), steps, size=(80, 24))
    assert not seen["during"] and seen["after"]
    assert "computing" not in seen["screen"] and "× break-even" in seen["screen"]
    import tco

    assert app.session.breakeven() == tco.estimate(app.session.scenario, catalog).breakeven


@pytest.mark.parametrize("size", [(80, 24), (160, 50)])
def test_chart_legends_never_wrap(catalog: Any, size: tuple[int, int]) -> None:
    """Long legend lines are cut, not wrapped: the plot keeps its rows and its x axis, and
    the names stay readable (the candidates' own names, shortened from the right)."""
    seen: dict[str, str] = {}

    async def steps(app: TcoApp, pilot: Any) -> None:
        for key, view in (("f3", "quality"), ("f4", "volume"), ("f5", "prices")):
            await pilot.press(key)
            await pilot.pause()
            seen[view] = "\n".join(s.text.rstrip() for s in app.screen._compositor.render_strips())

    drive(Session.open(OPEN_VS_CLOSED, catalog), steps, size=size)
    for view, text in seen.items():
        lines = text.splitlines()
        assert len(lines) == size[1] and all(len(line) <= size[0] for line in lines), view
        assert any("└┬" in line or "└─" in line for line in lines), view  # the x axis is on screen
    volume = seen["volume"]
    assert "Llama 3.1 70B" in volume and "Llama 3.1 405B" in volume and "Ll…" not in volume
    assert "requests/day (log)" in volume


def test_fit_name() -> None:
    from tco.tui.charts import fit_name

    assert fit_name("llama-3.1-405b-instruct fp8 on h100-sxm-80gb", 25) == "llama-3.1-405b-inst… h100"
    assert fit_name("llama-3.1-8b-instruct fp8 on a100-sxm-80gb", 25) == "llama-3.1-8b-instru… a100"
    assert fit_name("llama-3.1-405b-instruct fp8 on 2x h100-sxm-80gb", 30) == "llama-3.1-405b-instruct 2xh100"
    assert fit_name("llama-3-8b fp8 on h100-sxm-80gb", 20) == "llama-3-8b fp8 h100"
    assert fit_name("Llama 3.1 70B FP8, owned 8x H100", 16) == "Llama 3.1 70B F…"
    assert fit_name("Llama 3.1 405B FP8, 8x H100 rented", 16) == "Llama 3.1 405B…"
    assert fit_name("anthropic/claude-3.5-sonnet", 25, keep_provider=True) == "anthro…/claude-3.5-sonnet"
    assert fit_name("aws-bedrock/llama-3.1-405b-instruct", 25, keep_provider=True) == "aws…/llama-3.1-405b-inst…"
    assert fit_name("anthropic/claude-3.5-sonnet", 17) == "claude-3.5-sonnet"
    # the same model from two providers keeps the providers apart
    both = ["azure/llama-3.1-405b-instruct", "aws-bedrock/llama-3.1-405b-instruct"]
    assert fit_name(both[0], 20, shown=both) != fit_name(both[1], 20, shown=both)
    # in 12 cells too (an 80-column legend read llama-3.1-4… twice): the provider is what tells them apart
    assert [fit_name(b, 12, shown=both) for b in both] == ["azure/llama…", "aws-bedrock…"]


def _table_lines(app: TcoApp) -> list[str]:
    t = app.table
    strips = app.screen._compositor.render_strips()
    r = t.region
    return [strips[y].text[r.x:r.x + r.width] for y in range(r.y, r.y + r.height)]


def test_sort_arrow_follows_the_sort_column_and_ties_keep_file_order(catalog: Any) -> None:
    seen: list[tuple[str, bool, str]] = []
    orders: dict[str, list[str]] = {}

    async def steps(app: TcoApp, pilot: Any) -> None:
        t = app.table
        t.focus()
        for _ in range(7):  # rank -> candidate -> monthly -> ... -> rank
            await pilot.press("s")
            await pilot.pause()
            seen.append((t.sort_column, t.sort_reverse, _table_lines(app)[0]))
            await pilot.press("r")
            await pilot.pause()
            seen.append((t.sort_column, t.sort_reverse, _table_lines(app)[0]))
            if t.sort_column == "quality":
                orders[f"quality {t.sort_reverse}"] = [r.key.value for r in t.ordered_rows]
                await pilot.press("r")
                await pilot.pause()
                orders[f"quality {t.sort_reverse}"] = [r.key.value for r in t.ordered_rows]
                await pilot.press("r")
                await pilot.pause()
        # a click on the Rank header (the last column)
        x = sum(c.get_render_width(t) for c in list(t.columns.values())[:-1]) + 2
        await pilot.click("#table", offset=(x, 0))
        await pilot.pause()
        seen.append((t.sort_column, t.sort_reverse, _table_lines(app)[0]))

    drive(Session.open(OPEN_VS_CLOSED, catalog), steps, size=(80, 24))
    headers = {"candidate": "Candidate", "monthly": "Monthly", "per_mtok": "Per 1M", "quality": "Quality",
               "coverage": "Cover", "per_qp": "Per pt", "rank": "Rank"}
    assert {col for col, _, _ in seen} == set(headers)
    for col, rev, line in seen:
        arrow = "▼" if rev else "▲"
        assert f"{headers[col]}{arrow}" in line, (col, rev, line)
        assert line.count("▲") + line.count("▼") == 1, line
    assert seen[-1][:2] == ("rank", not seen[-2][1]) or seen[-1][0] == "rank"
    # 80.8 three times (Azure, Bedrock, then the self-hosted 405B in the file): that order both ways
    ties = ["azure/llama-3.1-405b-instruct", "aws-bedrock/llama-3.1-405b-instruct",
            "Llama 3.1 405B FP8, 8x H100 rented"]
    for order in orders.values():
        assert [i for i in order if i in ties] == ties


def _widths_fit(app: TcoApp) -> bool:
    t = app.table
    return sum(c.get_render_width(t) for c in t.columns.values()) <= t.size.width - 1


def test_columns_shrink_back_and_fit_after_resizes(catalog: Any) -> None:
    seen: dict[str, Any] = {}

    async def steps(app: TcoApp, pilot: Any) -> None:
        t = app.table
        seen["start"] = (_widths_fit(app), _table_lines(app)[0])
        await type_into(pilot, "volume", "1e10", paste=True)  # a transient huge cost
        seen["huge"] = _widths_fit(app)
        await type_into(pilot, "volume", "100000", paste=True)
        seen["back"] = (_widths_fit(app), _table_lines(app)[0], {k.value: c.width for k, c in t.columns.items()})
        await pilot.resize_terminal(160, 50)
        await pilot.pause()
        seen["wide"] = (_widths_fit(app), _table_lines(app))
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        seen["narrow"] = (_widths_fit(app), _table_lines(app)[0], {k.value: c.width for k, c in t.columns.items()})

    drive(Session.open(OPEN_VS_CLOSED, catalog), steps, size=(80, 24))
    for key in ("start", "back", "narrow"):
        fits, header = seen[key][:2]
        assert fits and header.rstrip().endswith("Rank▲") and "Per pt" in header, (key, header)
    assert seen["huge"]
    assert seen["back"][2] == seen["narrow"][2]  # the widths before the resizes, again


def test_fresh_start_at_160x50_uses_the_width(catalog: Any) -> None:
    seen: dict[str, Any] = {}

    async def steps(app: TcoApp, pilot: Any) -> None:
        seen["fits"] = _widths_fit(app)
        seen["lines"] = _table_lines(app)

    drive(Session.open(ROOT / "tests" / "snapshots" / "tui_scenario.yaml", catalog), steps, size=(160, 50))
    text = "\n".join(seen["lines"])
    assert seen["fits"] and "Rank▲" in seen["lines"][0]
    assert "anthropic/claude-3.5-sonnet" in text and "…" not in text  # full names


def test_pareto_frontier_leaves_out_unranked_candidates(tmp_path: Path, catalog: Any, monkeypatch: Any) -> None:
    """GPT-4o mini is the cheapest with a fair score, but with min_coverage raised to 70 % its
    coverage of the general profile (below that) leaves it unranked: not on the frontier, drawn ∘
    and named in the legend (with GPT-4o 2024-08-06, which has GPQA Diamond alone)."""
    from tco.tui import charts as app_module  # the painters import their chart from it when they draw

    scenario = tmp_path / OPEN_VS_CLOSED.name
    scenario.write_text(OPEN_VS_CLOSED.read_text().replace("min_coverage: 0.5", "min_coverage: 0.7"))
    drawn: list[Any] = []
    real = app_module.cost_quality

    def spy(points: Any, *a: Any, **k: Any) -> Any:
        drawn.append(points)
        return real(points, *a, **k)

    monkeypatch.setattr(app_module, "cost_quality", spy)
    seen: dict[str, str] = {}

    async def steps(app: TcoApp, pilot: Any) -> None:
        await pilot.press("f3")
        await pilot.pause()
        seen["screen"] = "\n".join(s.text for s in app.screen._compositor.render_strips())

    app = drive(Session.open(scenario, catalog), steps, size=(80, 24))
    points = {p.id: p for p in drawn[-1]}
    est = app.session.estimate
    ranked = {c.id for c in est.candidates if c.rank}
    assert est.cheapest.id == "openai/gpt-4o-mini"
    assert not points["openai/gpt-4o-mini"].ranked and not points["openai/gpt-4o-mini"].frontier
    assert all(p.id in ranked for p in points.values() if p.frontier)
    unranked = [p for p in points.values() if not p.ranked]
    assert len(unranked) == 2
    assert "∘ gpt-4o-mini" in seen["screen"]  # named in the legend, drawn ∘ in the plot


def test_detail_pane_starts_at_the_top_for_another_row(catalog: Any) -> None:
    from tco.tui.widgets.detail import DetailPane

    seen: dict[str, Any] = {}

    async def steps(app: TcoApp, pilot: Any) -> None:
        pane = app.query_one("#detail", DetailPane)
        app.table.focus()
        await pilot.pause()
        pane.scroll_to(y=8, animate=False, immediate=True)
        await pilot.pause()
        seen["scrolled"] = pane.scroll_y
        await type_into(pilot, "input_tokens", "1600", paste=True)  # a recompute: same row, same place
        seen["after_edit"] = pane.scroll_y
        app.table.focus()
        await pilot.press("down")
        await pilot.pause()
        seen["next_row"] = (app.current_id, pane.scroll_y)

    drive(Session.open(OPEN_VS_CLOSED, catalog), steps, size=(80, 24))
    assert seen["scrolled"] == 8 and seen["after_edit"] == 8
    cid, y = seen["next_row"]
    assert cid == "Llama 3.1 70B FP8, owned 8x H100" and y == 0  # the second row (GPT-4o mini ranks first)


def test_remove_then_undo_puts_the_entry_back(tmp_path: Path, catalog: Any) -> None:
    """x on a configured self-hosted candidate, then u: the same entry, in the same place;
    nothing modified, and a save writes the same bytes."""
    p = tmp_path / OPEN_VS_CLOSED.name
    shutil.copy(OPEN_VS_CLOSED, p)
    before = p.read_bytes()
    seen: dict[str, Any] = {}
    notes: list[str] = []

    async def steps(app: TcoApp, pilot: Any) -> None:
        app.notify = lambda message, **k: notes.append(str(message))  # type: ignore[method-assign]
        app.table.focus()
        app.table.move_to("Llama 3.1 70B FP8, owned 8x H100")
        await pilot.pause()
        await pilot.press("x")
        await pilot.pause()
        seen["removed"] = (app.session.modified, len(app.session.candidate_ids))
        await pilot.press("u")
        await pilot.pause()
        seen["back"] = (app.session.modified, app.current_id, app.session.candidate_ids)
        await pilot.press("ctrl+s")
        await pilot.pause()

    drive(Session.open(p, catalog), steps)
    assert seen["removed"] == (True, 7)
    modified, current, ids = seen["back"]
    assert not modified and current == "Llama 3.1 70B FP8, owned 8x H100" and ids[-1] == current
    assert any("puts it back" in n for n in notes)
    assert p.read_bytes() == before


def test_small_wording_and_drawing(tmp_path: Path, catalog: Any) -> None:
    """F4 says "from 2024-06-20" for an offer not launched yet, as the table does; a scenario's own exchange
    rate reads "CNY 7 per USD (scenario fx: override)"; a negotiated discount is drawn as a
    reduction (░ back from the total, a negative amount, the net total below)."""
    p = tmp_path / "fx.yaml"
    p.write_text(SCENARIO.replace("as_of: 2024-06-01\n", "as_of: 2024-06-01\nfx: {CNY: 7}\n")
                 .replace("  - openai/gpt-4o           # the incumbent\n",
                          "  - {offer: openai/gpt-4o, discount: 0.2}\n  - zhipu/glm-3-turbo\n"))
    seen: dict[str, str] = {}

    async def steps(app: TcoApp, pilot: Any) -> None:
        app.table.focus()
        for cid in ("openai/gpt-4o", "anthropic/claude-3.5-sonnet"):  # Claude 3.5 launched 2024-06-20
            app.table.move_to(cid)
            await pilot.pause()
            await pilot.press("space")
        await pilot.press("f4")
        await pilot.pause()
        lower = app.query_one("#lower").region
        strips = app.screen._compositor.render_strips()
        seen["volume"] = "\n".join(strips[y].text for y in range(lower.y, lower.bottom))
        seen["glm"] = app.detail_text("zhipu/glm-3-turbo", 100).plain
        seen["gpt"] = app.detail_text("openai/gpt-4o", 100).plain

    drive(Session.open(p, catalog), steps, size=(80, 24))
    assert "claude-" in seen["volume"] and "from 2024-06-20" in seen["volume"]
    assert "unknown" not in seen["volume"]
    assert "CNY 7 per USD (scenario fx: override)" in seen["glm"]
    discount = next(line for line in seen["gpt"].splitlines() if "negotiated discount" in line)
    assert "-$900.00" in discount and "░" in discount and "█" not in discount
    total = next(line for line in seen["gpt"].splitlines() if line.strip().startswith("total"))
    assert "$3,600.00" in total  # 4,500 less 20%


def test_add_modal_says_no_match(scenario_file: Path, catalog: Any) -> None:
    seen: dict[str, Any] = {}

    async def steps(app: TcoApp, pilot: Any) -> None:
        await pilot.press("a")
        await pilot.pause()
        await pilot.press(*"zqxjw")
        await pilot.pause()
        ol = app.screen.query_one("#results")
        seen["options"] = [str(ol.get_option_at_index(i).prompt) for i in range(ol.option_count)]
        await pilot.press("enter")  # nothing to add
        await pilot.pause()
        seen["still_open"] = isinstance(app.screen, AddCandidateScreen)

    app = drive(Session.open(scenario_file, catalog), steps)
    assert len(seen["options"]) == 1 and "no match for 'zqxjw'" in seen["options"][0]
    assert seen["still_open"] and len(app.session.candidate_ids) == 3


def test_selfhost_added_in_the_files_block_style(tmp_path: Path, catalog: Any) -> None:
    p = tmp_path / OPEN_VS_CLOSED.name
    shutil.copy(OPEN_VS_CLOSED, p)
    session = Session.open(p, catalog)
    session.add_candidate({"selfhost": {"model": "llama-3.1-8b-instruct", "precision": "fp8",
                                        "gpu": "h100-sxm-80gb", "gpus_per_node": 8}})
    session.save()
    added = p.read_text().split("latency: {ttft_ms: 1000, tpot_ms: 50}\n")[1]
    assert added == ("  - selfhost:\n      model: llama-3.1-8b-instruct\n      precision: fp8\n"
                     "      gpu: h100-sxm-80gb\n      gpus_per_node: 8\n")
    # a file whose candidates are flow mappings gets a flow mapping
    q = tmp_path / "flow.yaml"
    q.write_text(SCENARIO.replace("  - deepseek/deepseek-chat\n",
                                  "  - deepseek/deepseek-chat\n  - selfhost: {model: llama-3-8b-instruct, precision: fp8, "
                                  "gpu: h100-sxm-80gb}\n"))
    s2 = Session.open(q, catalog)
    s2.add_candidate({"selfhost": {"model": "llama-3.1-8b-instruct", "precision": "fp8", "gpu": "h100-sxm-80gb"}})
    s2.save()
    assert "  - selfhost: {model: llama-3.1-8b-instruct, precision: fp8, gpu: h100-sxm-80gb}\n" in q.read_text()


def test_currency_with_its_rate_writes_fx(scenario_file: Path, catalog: Any) -> None:
    """A currency the catalog has no rate for (SEK): refused with how to give one; "SEK 10.5"
    reports in SEK at 10.5 per USD and saves it under fx:."""
    seen: dict[str, Any] = {}

    async def steps(app: TcoApp, pilot: Any) -> None:
        await type_into(pilot, "currency", "SEK", paste=True)
        seen["refused"] = app.panel.errors.get("currency", "")
        await type_into(pilot, "currency", "SEK 10.5", paste=True)
        seen["monthly"] = cell(app, "openai/gpt-4o", "monthly")
        await pilot.press("ctrl+s")
        await pilot.pause()

    app = drive(Session.open(scenario_file, catalog), steps)
    assert "'SEK'" in seen["refused"] and "after the code" in seen["refused"]
    assert seen["monthly"] == "47,250.00 SEK"  # 4,500 USD x 10.5
    text = scenario_file.read_text()
    assert "currency: SEK\nas_of: 2024-06-01\nfx: {SEK: 10.5}\n" in text
    assert app.session.field_text("currency") == "SEK 10.5"


def test_model_file_is_relative_to_the_scenario(tmp_path: Path, catalog: Any, monkeypatch: Any) -> None:
    """As for ``tco estimate``: a self-hosted ``model_file:`` is found next to the scenario,
    whatever the working directory."""
    import tco

    d = tmp_path / "plans"
    d.mkdir()
    (d / "ft.yaml").write_text(
        "id: acme-70b-ft\nname: ACME 70B fine-tune\nvendor: ACME\nopen_weights: true\nlicense: internal\n"
        "variant: instruct\narchitecture: {layers: 80, hidden_size: 8192, heads: 64, kv_heads: 8, head_dim: 128, "
        "ffn_size: 28672, vocab_size: 128256}\nprovenance: {source: our config.json, checked: 2026-11-24, "
        "status: verified}\n")
    p = d / "s.yaml"
    p.write_text("as_of: 2024-09-15\nworkload: {requests_per_day: 100000, input_tokens: 1500, output_tokens: 500}\n"
                 "candidates:\n  - openai/gpt-4o\n  - selfhost: {model_file: ft.yaml, precision: fp8, gpu: h100-sxm-80gb}\n")
    monkeypatch.chdir(tmp_path)
    session = Session.open(p, catalog)
    session.edit("volume", "50000")
    session.edit("volume", "100000")
    assert [c.monthly_cost for c in session.estimate.candidates] == \
        [c.monthly_cost for c in tco.estimate(p, catalog).candidates]
