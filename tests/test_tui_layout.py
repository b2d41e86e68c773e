"""The screen and the keyboard: the lower panel scrolls from the keyboard, Home/End move the
table's cursor, wide screens are used (names whole, the volume chart wide), log axes have
evenly spaced decades, legends say what they mean and whom, pins add to the charts."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pytest.importorskip("textual")

from tco.tui.app import TcoApp  # noqa: E402
from tco.tui.plot import Plot, linear_axis, log_axis, money_axis, si  # noqa: E402
from tco.tui.state import Session  # noqa: E402
from tests.tui_pilot import EXAMPLE, OPEN_VS_CLOSED, drive, screen  # noqa: E402


def test_home_end_and_the_lower_panel_from_the_keyboard(catalog: Any) -> None:
    seen: dict[str, Any] = {}

    async def steps(app: TcoApp, pilot: Any) -> None:
        app.table.focus()
        await pilot.press("end")
        await pilot.pause()
        seen["end"] = (app.table.cursor_row, app.table.row_count)
        await pilot.press("home")
        await pilot.pause()
        seen["home"] = app.table.cursor_row
        pane = app.query_one("#detail")
        top = pane.scroll_y
        await pilot.press("shift+pagedown")
        await pilot.pause()
        seen["paged"] = (pane.scroll_y > top, app.focused is app.table)
        await pilot.press("shift+up")
        await pilot.pause()
        seen["up"] = pane.scroll_y
        await pilot.press("f4")
        await pilot.press("shift+down")  # from a chart: back to the detail, scrolled
        await pilot.pause()
        seen["view"] = app.view

    drive(Session.open(OPEN_VS_CLOSED, catalog), steps, size=(80, 24))
    assert seen["end"] == (7, 8) and seen["home"] == 0
    assert seen["paged"] == (True, True) and seen["up"] >= 0
    assert seen["view"] == "detail"


@pytest.mark.parametrize("size", [(160, 50), (200, 60)])
def test_wide_screens_are_used(catalog: Any, size: tuple[int, int]) -> None:
    seen: dict[str, Any] = {}

    async def steps(app: TcoApp, pilot: Any) -> None:
        seen["table"] = screen(app)
        app.table.move_to("openai/gpt-4o")  # the highlighted row is charted: self-hosting beats it at volume
        await pilot.pause()
        await pilot.press("f4")
        await pilot.pause(0.5)
        seen["chart"] = screen(app)
        seen["chart_width"] = app.query_one("#volume").size.width

    drive(Session.open(OPEN_VS_CLOSED, catalog), steps, size=size)
    for name in ("Llama 3.1 405B FP8, 8x H100 rented", "Llama 3.1 70B FP8, owned 8x H100",
                 "aws-bedrock/llama-3.1-405b-instruct", "azure/llama-3.1-405b-instruct"):
        assert name in seen["table"], name  # whole names when there is room
    axis = next(line for line in seen["chart"].splitlines() if "└┬" in line)
    plot_width = len(axis.strip())
    assert seen["chart_width"] >= size[0] * 0.5 and plot_width >= size[0] / 3
    assert "beats" in seen["chart"] and " < " not in seen["chart"]
    assert "beats X = cheaper than X" in seen["chart"]


@settings(max_examples=150, deadline=None)
@given(lo=st.floats(1e-3, 1e6), decades=st.floats(0.1, 14), width=st.integers(30, 200), height=st.integers(4, 60))
def test_log_axes_have_evenly_spaced_decades(lo: float, decades: float, width: int, height: int) -> None:
    x = log_axis(lo, lo * 10 ** decades, si)
    y = log_axis(lo, lo * 10 ** decades, money_axis("$"))
    plot = Plot(width, height, x, y)
    lines = [line.plain for line in plot.lines()]
    assert len(lines) == max(height - 2, 2) + 2
    label_rows = [r for r, line in enumerate(lines) if "┤" in line]
    steps = {b - a for a, b in zip(label_rows, label_rows[1:], strict=False)}
    assert len(steps) <= 1, (label_rows, lines)  # the same rows between every two labels
    ticks = [c for c, ch in enumerate(lines[-2]) if ch == "┬"]
    gaps = {b - a for a, b in zip(ticks, ticks[1:], strict=False)}
    assert len(gaps) <= 1, ticks
    # a tick per decade, or per k decades when small: the labels are powers of ten
    exps = [math.log10(t) for t in plot.y.ticks]
    assert all(abs(e - round(e)) < 1e-9 for e in exps)


def test_linear_axes_are_evenly_spaced_too() -> None:
    plot = Plot(60, 12, log_axis(100, 1e5, si), linear_axis(61.3, 92.4, lambda v: f"{v:g}", n=5))
    lines = [line.plain for line in plot.lines()]
    rows = [r for r, line in enumerate(lines) if "┤" in line]
    assert len({b - a for a, b in zip(rows, rows[1:], strict=False)}) == 1


def test_the_quality_chart_names_every_candidate(catalog: Any) -> None:
    seen: dict[str, str] = {}

    async def steps(app: TcoApp, pilot: Any) -> None:
        await pilot.press("f3")
        await pilot.pause()
        seen["chart"] = screen(app)

    drive(Session.open(OPEN_VS_CLOSED, catalog), steps, size=(120, 36))
    chart = seen["chart"].split("F2 Detail")[1]
    assert "others" not in chart and "• gpt-4o" in chart.replace("openai/", "")
    assert "aws" in chart and "azu" in chart and "∘ " in chart and "gpt-4o-mini" in chart


def test_pinning_adds_to_the_default_chart_set(catalog: Any) -> None:
    seen: dict[str, Any] = {}

    async def steps(app: TcoApp, pilot: Any) -> None:
        seen["before"] = app.chart_ids()
        app.table.focus()
        app.table.move_to("azure/llama-3.1-405b-instruct")
        await pilot.pause()
        await pilot.press("space")
        await pilot.pause()
        app.table.move_to("openai/gpt-4o")
        await pilot.pause()
        seen["after"] = app.chart_ids()

    drive(Session.open(OPEN_VS_CLOSED, catalog), steps, size=(100, 32))
    after = seen["after"]
    assert after[0] == "azure/llama-3.1-405b-instruct" and "openai/gpt-4o" in after
    best = "Llama 3.1 70B FP8, owned 8x H100"
    assert best in seen["before"] and best in after and len(after) <= 6


def test_side_by_side_only_on_wide_short_screens_and_after_resizes(catalog: Any) -> None:
    seen: list[tuple[int, int, int]] = []

    async def steps(app: TcoApp, pilot: Any) -> None:
        for size in ((200, 60), (200, 30), (200, 60), (120, 30), (200, 30)):
            await pilot.resize_terminal(*size)
            await pilot.pause()
            await pilot.pause()
            lower = app.query_one("#lower")
            seen.append((size[0], app.table.size.width, lower.size.width))

    drive(Session.open(OPEN_VS_CLOSED, catalog), steps, size=(200, 60))
    stacked = [s for s in seen if s[1] == s[0] and s[2] == s[0]]
    side = [s for s in seen if s[1] + s[2] + 1 >= s[0] - 1 and 0 < s[1] < s[0]]
    assert len(stacked) == 3 and len(side) == 2, seen  # 200x60, 200x60, 120x30 stacked; 200x30 twice beside


def test_quality_sources_wrap_in_a_wide_detail_pane_instead_of_being_cut(catalog: Any) -> None:
    """At 200x50 the sources were cut at the pane's edge ("'The Llama 3 Her"); review 6, item 20."""
    from rich.cells import cell_len

    from tco.tui.widgets.detail import selfhost_detail

    s = Session.open(OPEN_VS_CLOSED, catalog)
    c = next(c for c in s.estimate.candidates if c.kind == "selfhost" and c.quality_detail)
    lines = selfhost_detail(c, s.estimate.currency, (None, None), 120).plain.splitlines()
    start = lines.index("Quality")
    quality = lines[start + 1:lines.index("", start + 1) if "" in lines[start + 1:] else None]
    assert all(cell_len(line) <= 119 for line in quality), max(quality, key=cell_len)
    joined = " ".join(line.strip() for line in quality)
    for d in c.quality_detail:
        assert " ".join(str(d["source"]).split()) in joined


def _legend_names(text: str, ids: list[str]) -> tuple[set[str], set[str]]:
    """The offer ids a chart's legend names whole, and those it names by their model alone."""
    import re

    whole, bare = set(), set()
    for cid in ids:
        provider, _, model = cid.partition("/")
        if re.search(rf"[◆◉•∘━] {re.escape(cid)}\b", text):
            whole.add(cid)
        elif re.search(rf"[◆◉•∘━] {re.escape(model)}\b", text):
            bare.add(cid)
    return whole, bare


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (200, 50)])
@pytest.mark.parametrize("view", ["f3", "f4", "f5"])
def test_a_legend_keeps_every_provider_or_drops_every_one(catalog: Any, size: tuple[int, int], view: str) -> None:
    """Never ``◉ deepseek-chat`` beside ``◆ openai/gpt-4o``: one decision per legend."""
    from tests.test_tui_snapshot import HERE

    seen: dict[str, Any] = {}

    async def steps(app: TcoApp, pilot: Any) -> None:
        await pilot.press(view)
        await pilot.pause()
        seen["ids"] = list(app.session.candidate_ids)
        seen["text"] = screen(app).split("\n", 11)[-1]  # the lower panel

    drive(Session.open(HERE / "tui_scenario.yaml", catalog), steps, size=size)
    whole, bare = _legend_names(seen["text"], [i for i in seen["ids"] if "/" in i])
    assert whole or bare, seen["text"]
    assert not (whole and bare), (whole, bare, seen["text"])


@pytest.mark.parametrize("keys", [("f2",), ("f3",), ("f4",), ("f5",), ("f6",), ("space", "f4")])
def test_at_80_columns_the_view_bar_names_every_view_and_cuts_no_legend(catalog: Any, keys: tuple[str, ...]) -> None:
    """Not ``F2   F3 Cost×Quality   F4   F5   F6`` nor a legend ending in ``…``."""
    from tco.tui.widgets.chart import SHORT, VIEWS

    seen: dict[str, str] = {}

    async def steps(app: TcoApp, pilot: Any) -> None:
        for k in keys:
            await pilot.press(k)
            await pilot.pause()
        seen["bar"] = next(line for line in screen(app).splitlines() if " F2 " in line).rstrip()

    drive(Session.open(EXAMPLE, catalog), steps, size=(80, 24))
    bar = seen["bar"]
    for vid, title, key in VIEWS:
        assert f"{key.upper()} {SHORT.get(vid, title)}" in bar or f"{key.upper()} {title}" in bar, bar
    assert not bar.endswith("…"), bar
    if keys[-1] != "f2":
        assert len(bar.split("  ")[-1]) > 12, bar  # the view's legend, whole


@pytest.mark.parametrize(("volume", "keys"), [("100000", ()), ("12345678", ()), ("100000", ("m",))])
def test_the_status_line_keeps_the_marks_legend_whole(catalog: Any, volume: str, keys: tuple[str, ...]) -> None:
    """``● pinned`` is never cut to ``●`` by a volume with more digits, or by the sampling note."""
    seen: dict[str, Any] = {}

    async def steps(app: TcoApp, pilot: Any) -> None:
        app.table.focus()
        for k in keys:
            await pilot.press(k)
            await pilot.pause()
        seen["status"] = screen(app).splitlines()[4].rstrip()
        await pilot.resize_terminal(120, 30)
        await pilot.pause()
        seen["wide"] = screen(app).splitlines()[4].rstrip()

    session = Session.open(EXAMPLE, catalog)
    session.edit("volume", volume)
    drive(session, steps, size=(80, 24))
    assert seen["status"].endswith("★ best ▼ cheapest ● pinned") or seen["status"].endswith(
        "★ best value ▼ cheapest ● pinned"), seen["status"]
    if not keys:
        assert " req/mo, " in seen["status"], seen["status"]
        assert f"= {int(volume) * 30:,} req/mo" in seen["wide"], seen["wide"]  # exact again when there is room


def test_the_detail_pane_says_when_an_offer_retires(catalog: Any, tmp_path: Any) -> None:
    """An offer on sale whose retirement is on record within a year says so under its name, where the
    eye is (the table has no Note column); a retired one says it has no cost and why."""
    from tco.tui.widgets.detail import DetailContext, api_detail

    f = tmp_path / "mix.yaml"
    f.write_text("name: mix\nas_of: 2026-11-30\nworkload:\n  requests_per_day: 1000\n  input_tokens: 500\n"
                 "  output_tokens: 200\ncandidates:\n  - openai/gpt-5-mini\n  - groq/mixtral-8x7b-32768\n")
    s = Session.open(f, catalog)
    soon, gone = s.estimate.candidates
    text = " ".join(api_detail(soon, DetailContext("2026-11-30", "USD"), 80).plain.split())
    assert "retires on 2026-12-11, 11 days after 2026-11-30" in text
    from tco.tui.reasons import explain

    assert "retires on 2026-12-11" in (explain(soon) or "")  # the row's tooltip says it too
    text = " ".join(api_detail(gone, DetailContext("2026-11-30", "USD"), 80).plain.split())
    assert "no cost: not available on 2026-11-30: groq/mixtral-8x7b-32768 was retired on 2025-03-20" in text


def test_the_detail_names_every_part_of_a_bill_in_words(catalog: Any, tmp_path: Any) -> None:
    """Every part of an API bill has words (a buyer read ``offpeak_savings`` in the detail where the
    CLI says "off-peak discount"); DeepSeek's off-peak discount shows as one, a reduction."""
    from tco.plan.evaluate import COMPONENTS
    from tco.report.format import COST_PARTS
    from tco.tui.widgets.detail import DetailContext, api_detail

    assert set(COMPONENTS) <= set(COST_PARTS)
    f = tmp_path / "offpeak.yaml"
    f.write_text("name: off-peak\nas_of: 2025-06-01\nworkload:\n  requests_per_day: 1000\n  input_tokens: 500\n"
                 "  output_tokens: 200\n  offpeak_share: 0.5\ncandidates:\n  - deepseek/deepseek-chat\n")
    s = Session.open(f, catalog)
    (c,) = s.estimate.candidates
    assert c.cost_breakdown.get("offpeak_savings")
    text = api_detail(c, DetailContext("2025-06-01", "USD"), 80).plain
    assert "off-peak discount" in text and "offpeak_savings" not in text


def test_the_table_marks_an_offer_that_retires_and_the_legend_says_so(catalog: Any, tmp_path: Any) -> None:
    """A † next to ★ ▼ ● marks a row whose offer shuts down within a year (gpt-5-mini on 2026-12-11,
    the cheapest here), so the table itself warns; the legend gains "† retires" only then, and
    stays whole at 80 columns."""
    f = tmp_path / "mix.yaml"
    f.write_text("name: mix\nas_of: 2026-11-30\nworkload:\n  requests_per_day: 10000\n  input_tokens: 1500\n"
                 "  output_tokens: 500\ncandidates:\n  - openai/gpt-5-mini\n  - anthropic/claude-sonnet-4.6\n")
    seen: dict[str, Any] = {}

    async def steps(app: TcoApp, pilot: Any) -> None:
        seen["lines"] = screen(app).splitlines()

    drive(Session.open(f, catalog), steps, size=(80, 24))
    lines = seen["lines"]
    # gpt-5-mini also reasons by default (effort medium) and the file gives no reasoning_tokens: "+" too
    assert lines[4].rstrip().endswith("● pinned † retires + excl. reasoning"), lines[4]
    row = next(x for x in lines if "gpt-5-mini" in x)
    assert row.split("openai/")[0].strip() == "▼†", row  # cheapest (unranked on general: no best value)
    other = next(x for x in lines if "claude-sonnet-4.6" in x)
    assert "†" not in other
    seen.clear()
    drive(Session.open(EXAMPLE, catalog), steps, size=(80, 24))  # nothing retires: no † at all
    assert not any("†" in x for x in seen["lines"][:12])


def test_the_add_search_lists_retired_offers_last_and_says_so(catalog: Any, tmp_path: Any) -> None:
    from types import SimpleNamespace

    from tco.tui.editing import CandidateEditing

    f = tmp_path / "one.yaml"
    f.write_text("name: one\nas_of: 2026-11-30\nworkload:\n  requests_per_day: 1000\n  input_tokens: 500\n"
                 "  output_tokens: 200\ncandidates:\n  - openai/gpt-4o-mini\n")
    choices = CandidateEditing.add_choices(SimpleNamespace(session=Session.open(f, catalog)))  # type: ignore[arg-type]
    api = [c for c in choices if c.kind == "api"]
    gone = {c.entry: c for c in api if c.retired}
    assert gone["groq/llama-3.1-70b-versatile"].detail.endswith("retired 2025-01-24")
    assert not any(c.retired for c in api[: len(api) - len(gone)])  # on sale first, retired last
    assert "openai/gpt-5-mini" not in gone  # retires 2026-12-11: still on sale


def test_the_self_hosted_memory_picture_fits_80_columns_and_says_what_a_request_holds(catalog: Any) -> None:
    """F2 of a self-hosted MoE model with expert parallelism: weights as placed (the dense part on every
    rank), the runtime reserve, the KV cache and what is free, in lines that fit 80 columns, and what one
    request holds (KV per token; the request whole, windows and states included)."""
    from tco.tui.widgets.detail import selfhost_detail

    s = Session.open(OPEN_VS_CLOSED.parent / "open-vs-closed-2026.yaml", catalog)
    c = next(x for x in s.estimate.candidates if x.label == "GLM-5.2 FP8, 8x H200 rented")
    lines = selfhost_detail(c, "USD", width=80).plain.splitlines()
    start = next(i for i, x in enumerate(lines) if x.startswith("Memory"))
    memory = lines[start:lines.index("", start)]
    assert all(len(x) <= 80 for x in memory), [x for x in memory if len(x) > 80]
    text = "\n".join(memory)
    assert "weights 974.5 GB" in text and "runtime 15.8 GB" in text and "free " in text
    assert "weights include the dense part on every expert-parallel rank" in text
    assert "KV 46.5 KiB/token, 90.8 MiB a request here" in text  # 47,616 B; 95,232,000 B = 90.8 MiB


def test_a_break_even_row_names_its_api_and_shortens_a_long_list_of_ranges() -> None:
    from tco.tui.charts import breakeven_row

    # four ranges take 38 cells: in a 50-cell legend the name would get 1, so the middle of the list is cut
    # with "…" (the open-ended last range stays: beyond it self-hosting is cheaper for good)
    ranges = [(231e3, 260e3), (461e3, 520e3), (692e3, 780e3), (1.8e6, None)]
    row = breakeven_row("google/gemini-3.5-flash", "red", ranges, 50).plain
    assert row == "  beats ━ gemini-3.5-flash 231K–260K, …, 1.8M+"
    two = breakeven_row("google/gemini-3.5-flash", "red", ranges[2:], 40).plain
    assert two.endswith("692K–780K, 1.8M+")  # two ranges are never cut
    wide = breakeven_row("google/gemini-3.5-flash", "red", ranges, 80).plain
    assert wide.endswith("google/gemini-3.5-flash 231K–260K, 461K–520K, 692K–780K, 1.8M+")
    assert breakeven_row("openai/gpt-5.4", "red", [(38e3, None)], 30).plain == "  beats ━ openai/gpt-5.4 38K+"


def test_the_add_search_puts_the_closest_title_first() -> None:
    from tco.tui.screens.add_candidate import Choice, rank

    def c(title: str, retired: bool = False) -> Choice:
        return Choice(title, title, "DeepSeek · fp8 · then choose GPUs, rent or buy", "selfhost", retired=retired)

    # equal fuzzy scores: the catalog listed -exp first, the exact name now comes first; retired ones last
    choices = [c("deepseek-v3.2-exp on h200-141gb"), c("deepseek-v3.2 on h200-141gb", retired=True),
               c("deepseek-v3.2-thinking on h200-141gb"), c("deepseek-v3.2 on h200-141gb"), c("llama on h100")]
    got = [(x.title, x.retired) for x in rank(choices, "deepseek v3.2 h200")]
    assert got == [("deepseek-v3.2 on h200-141gb", False), ("deepseek-v3.2-exp on h200-141gb", False),
                   ("deepseek-v3.2-thinking on h200-141gb", False), ("deepseek-v3.2 on h200-141gb", True)]
    assert rank(choices, "  ") == choices
    # a title the query names exactly comes first, then titles holding the query as typed: the buyer who
    # typed claude-sonnet-5 got google/claude-sonnet-5-5 first (a higher fuzzy score), and enter added it
    offers = [Choice(t, t, "x", "api") for t in ("google/claude-sonnet-5-5", "aws-bedrock/global.anthropic.claude-"
                                               "sonnet-5-v1-0", "anthropic/claude-sonnet-5", "anthropic/claude-sonnet-5.5")]
    assert [x.title for x in rank(offers, "claude-sonnet-5")] == [
        "anthropic/claude-sonnet-5", "google/claude-sonnet-5-5", "anthropic/claude-sonnet-5.5",
        "aws-bedrock/global.anthropic.claude-sonnet-5-v1-0"]


def test_a_wide_table_has_a_note_column_and_a_narrow_one_keeps_the_names(catalog: Any, tmp_path: Any) -> None:
    """A buyer at 200 columns saw the table take 90 and no note of why rows are unranked or what a cost
    leaves out; at 80 the names come first (the marks, tooltip and detail say the rest)."""
    f = tmp_path / "mix.yaml"
    f.write_text("name: mix\nas_of: 2026-11-30\nworkload:\n  requests_per_day: 10000\n  input_tokens: 1500\n"
                 "  output_tokens: 500\ncandidates:\n  - openai/gpt-5-mini\n  - anthropic/claude-sonnet-4.6\n")
    seen: dict[str, Any] = {}

    async def steps(app: TcoApp, pilot: Any) -> None:
        seen["cols"] = [str(c.key.value) for c in app.table.ordered_columns]
        seen["lines"] = screen(app).splitlines()

    drive(Session.open(f, catalog), steps, size=(200, 50))
    assert seen["cols"][-1] == "note"
    row = next(x for x in seen["lines"] if "gpt-5-mini" in x)
    # general profile: gpt-5-mini has too few scores; it retires 2026-12-11; it reasons by default
    assert row.rstrip().endswith("too few quality scores, retires 2026-12-11, excl. reasoning"), row
    drive(Session.open(f, catalog), steps, size=(80, 24))
    assert "note" not in seen["cols"]


def test_the_cost_quality_legend_wraps_the_names_it_lists_rather_than_cutting_them() -> None:
    """F3 listed "5 without cost or score: deepseek-v4-fla…, gemin…" even at 200 columns (the legend is
    at most 48 cells): the names now wrap onto the lines below, each whole where a line holds it."""
    from tco.tui.charts import _name_list

    ids = ["deepseek/deepseek-v4-flash-usd", "google/gemini-1.5-pro", "openai/gpt-6-sol",
           "gpt-oss-120b on H100 (rented)", "anthropic/claude-opus-5.5"]
    lines = _name_list("5 without cost or score: ", ids, 48, None, False)
    assert all(len(line) <= 48 for line in lines)
    assert " ".join(lines).replace(",", " ").split()[5:] == " ".join(ids).split()  # every name whole, in order
    assert _name_list("1 without cost or score: ", ["glm-3-turbo"], 48, None, False) == [
        "1 without cost or score: glm-3-turbo"]
