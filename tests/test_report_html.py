"""``tco report``: one self-contained HTML file with charts (issue 13)."""

from __future__ import annotations

import math
import os
import re
import xml.etree.ElementTree as ET
from html import escape
from pathlib import Path

import pytest

import tco
from tco.cli import main
from tco.plan.compile import compile_scenario
from tco.plan.curves import cost_history, pareto_frontier, report_file, volume_curves

ROOT = Path(__file__).resolve().parent.parent
UNCERTAIN = ROOT / "scenarios" / "405b-under-uncertainty.yaml"
SUPPORT = ROOT / "scenarios" / "support-assistant.yaml"
CHINA = ROOT / "scenarios" / "china-price-war.yaml"


@pytest.fixture(scope="module")
def uncertain_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report") / "report.html"
    assert main(["report", str(UNCERTAIN), "-o", str(out)]) == 0
    return out


def _svgs(html: str) -> list[str]:
    return re.findall(r"<svg\b.*?</svg>", html, flags=re.S)


def test_the_report_is_self_contained_and_every_chart_is_well_formed_svg(uncertain_report: Path) -> None:
    html = uncertain_report.read_text(encoding="utf-8")
    for fetches in ("<script", "<link", "<img", "<iframe", "src=", "url(", "@import", "@font-face"):
        assert fetches not in html, f"the report would fetch or run something: {fetches}"
    svgs = _svgs(html)
    titles = [ET.fromstring(s).find("{http://www.w3.org/2000/svg}title").text for s in svgs]  # parses: well-formed
    assert titles == ["Monthly cost versus quality", "Monthly cost versus request volume",
                      "This workload at each offer's past prices", "Monthly cost, P10 to P90",
                      "Best self-hosted minus best API, per quality point", "Cumulative cost over 36 months"]
    for s in svgs:
        root = ET.fromstring(s)
        assert root.get("viewBox"), "every chart scales to the page"
        texts = [t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text")]
        assert any(re.search(r"\bUSD\b|requests/day|month|0-100", t) for t in texts), "an axis title with its unit"


def test_the_report_says_what_the_estimate_says(uncertain_report: Path, catalog) -> None:
    html = uncertain_report.read_text(encoding="utf-8")
    est = tco.estimate(UNCERTAIN, catalog)
    from tco.report.format import money
    from tco.report.format import chance as percent

    for c in est.candidates:
        assert money(c.monthly_cost, "USD") in html  # the table and the bill carry the estimate's numbers
        if c.price:
            assert c.price["effective_from"] in html  # every price with its date ...
            assert c.price["source"].split(";")[0][:40] in html.replace("&#x27;", "'")  # ... and its source
    for section in ("Candidates", "Charts", "Break-even", "Breakdown", "Assumptions", "Warnings", "Sources"):
        assert f"<h2>{section}</h2>" in html
    # the samples' answer in words (the file asks for 20,000 draws with a seed: the same numbers every run)
    p = est.best_value.uncertainty["p_best_value"]
    assert 0 < p <= 1 and f"the best value in {escape(percent(p))} of 20,000 samples" in html
    assert "throughput factor of Llama 3.1 405B FP8, owned 8x H100" in html  # the model's own error, drawn
    assert "discount of azure/llama-3.1-405b-instruct" in html  # inputs named as a reader knows them


def test_api_lines_are_proportional_to_volume_and_meet_the_estimate(catalog) -> None:
    sc = tco.load_scenario(UNCERTAIN, catalog)
    compiled = compile_scenario(sc, catalog)
    est = tco.estimate(sc, catalog)
    vc = volume_curves(compiled, est)
    # gpt-4o at 100,000 requests/day: 3,041,667 requests x (1,500 x $5 + 500 x $15) / 1M = $45,625.00;
    # an API costs in proportion to volume, so at 1/100 of it: $456.25
    gpt = vc.costs["openai/gpt-4o"]
    i = min(range(len(vc.volumes)), key=lambda k: abs(math.log(vc.volumes[k] / vc.current)))
    assert vc.volumes[i] == pytest.approx(100_000.0) and gpt[i] == pytest.approx(45_625.0)
    assert gpt[0] == pytest.approx(456.25) and vc.volumes[0] == pytest.approx(1_000.0)
    # the self-hosted line is a step function: flat below one replica's capacity
    owned = vc.costs["Llama 3.1 405B FP8, owned 8x H100"]
    assert owned[0] == owned[1] > 0 and owned[-1] > owned[i] >= owned[0]
    assert vc.unit == "requests/day" and vc.cheaper_bands  # where self-hosting is cheaper


def test_past_prices_are_the_estimate_at_each_date(catalog) -> None:
    sc = tco.load_scenario(SUPPORT, catalog)
    compiled = compile_scenario(sc, catalog)
    est = tco.estimate(sc, catalog)
    h = cost_history(compiled, est, catalog)
    assert h.dates[-1] == "2024-06-01" and "2024-05-13" in h.dates
    at = h.dates.index("2024-05-13")
    # 300,000 requests x (1,500 input x $5 + 500 output x $15) / 1M = $2,250 + $2,250 = $4,500 (GPT-4o at launch)
    assert h.costs["openai/gpt-4o"][at] == pytest.approx(4_500.0)
    # the day before its launch it was not on sale
    before = h.dates[at - 1]
    assert before < "2024-05-13" and math.isnan(h.costs["openai/gpt-4o"][at - 1])


def test_past_prices_use_each_month_s_exchange_rate(catalog) -> None:
    """A CNY report of a USD offer converts each date at that month's rate, not today's."""
    sc = tco.load_scenario(CHINA, catalog)
    compiled = compile_scenario(sc, catalog)
    est = tco.estimate(sc, catalog)
    h = cost_history(compiled, est, catalog)
    g = h.costs["openai/gpt-4o"]
    known = [v for v in g if math.isfinite(v)]
    assert known and known[-1] == pytest.approx(est.candidate("openai/gpt-4o").monthly_cost)


def test_pareto_frontier_by_hand() -> None:
    pts = [("a", 10.0, 80.0), ("b", 20.0, 85.0), ("c", 30.0, 84.0), ("d", 5.0, 60.0), ("e", 10.0, 79.0)]
    # c is beaten by b (cheaper and better); e by a (same cost, better); a, b, d trade cost for quality
    assert pareto_frontier(pts) == ["a", "b", "d"]


def test_a_report_without_self_hosting_or_ranges_has_the_three_charts(tmp_path: Path) -> None:
    out = tmp_path / "s.html"
    assert main(["report", str(SUPPORT), "-o", str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    assert len(_svgs(html)) == 3 and "<h2>Break-even</h2>" not in html


def test_free_offers_are_named_where_a_log_scale_cannot_draw_them(tmp_path: Path) -> None:
    out = tmp_path / "c.html"
    assert main(["report", str(CHINA), "-o", str(out)]) == 0
    assert "baidu/ernie-speed" in re.search(r"Free at some point[^<]*", out.read_text(encoding="utf-8")).group(0)


def test_markdown_keeps_working_for_text_only_places(capsys) -> None:
    assert main(["report", str(SUPPORT), "-f", "markdown", "-o", "-"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("#") and "| openai/gpt-4o |" in out.replace("  ", " ")


def test_bad_output_and_bad_scenarios_are_one_line_errors_and_nothing_is_lost(tmp_path: Path, capsys, write) -> None:
    assert main(["report", str(SUPPORT), "-o", str(tmp_path / "missing" / "r.html")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "the output folder does not exist" in err[0] and "missing" in err[0]
    kept = tmp_path / "r.html"
    kept.write_text("the previous report", encoding="utf-8")
    bad = write(SUPPORT.read_text(encoding="utf-8").replace("input_tokens: 1500", "input_tokens: lots"), "bad.yaml")
    assert main(["report", str(bad), "-o", str(kept)]) == 2
    err = capsys.readouterr().err
    assert "bad.yaml" in err and "input_tokens" in err and "Traceback" not in err
    assert kept.read_text(encoding="utf-8") == "the previous report"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".tco-")] == []


def test_the_report_is_written_atomically(tmp_path: Path, monkeypatch) -> None:
    """A failure while writing leaves the old file whole and no temporary file behind."""
    import tco.files

    kept = tmp_path / "r.html"
    kept.write_text("old", encoding="utf-8")
    real = os.replace

    def boom(a, b):  # noqa: ANN001
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(tco.files.os, "replace", boom)
    assert main(["report", str(SUPPORT), "-o", str(kept)]) == 2
    monkeypatch.setattr(tco.files.os, "replace", real)
    assert kept.read_text(encoding="utf-8") == "old" and sorted(p.name for p in tmp_path.iterdir()) == ["r.html"]


def test_library_call_gives_the_estimate_and_the_chart_data(catalog) -> None:
    est, extras = report_file(str(UNCERTAIN), catalog)
    assert est.uncertainty["samples"] == 20_000 and est.horizon["months"] == 36
    assert set(extras) >= {"volume", "history", "sensitivity"}


def test_the_tornado_names_inputs_in_words_and_says_which_side_of_zero_it_is(catalog) -> None:
    # the 405B question under uncertainty: the best self-hosted option is $167-$487 per quality point dearer than
    # the best API at every end of every input, so "below zero, self-hosting is cheaper" did not apply
    from tco.report.html import _chart_tornado

    est, extras = report_file(str(UNCERTAIN), catalog)
    fig = _chart_tornado(est, extras["sensitivity"])
    assert "Above zero everywhere: the best API stays cheaper" in fig and "Below zero, self-hosting" not in fig
    assert "requests per day" in fig and "workload.requests_per_day" not in fig


# -- in a real browser -------------------------------------------------------------------------------------------

def _browser():
    from tests.browser import find_chromium, load

    if find_chromium() is None:
        if os.environ.get("TCO_REQUIRE_BROWSER"):
            pytest.fail("TCO_REQUIRE_BROWSER is set but no chromium is on PATH (.ci/run installs Debian's chromium)")
        pytest.skip("no chromium on PATH (install Debian's chromium to run the browser test)")
    return load


def test_chromium_opens_the_report_offline_without_errors(uncertain_report: Path) -> None:
    load = _browser()
    page = load(uncertain_report)
    assert page.console == [], page.console
    assert page.failed == [], page.failed
    assert page.requests == [uncertain_report.resolve().as_uri()], "nothing fetched but the file itself"
    assert page.svg_count == 6
    # not blank: a page with text and charts compresses far worse than an empty one of the same size
    assert len(page.screenshot) > 10 * len(page.blank_screenshot), (len(page.screenshot), len(page.blank_screenshot))
    assert page.phone_overflow_px <= 0, "wider than a phone: something other than a table would need scrolling"
    assert page.print_overflow_px <= 0, "wider than an A4 page's printable width"
    pages = len(re.findall(rb"/Type\s*/Page(?![s\w])", page.pdf))
    assert page.pdf.startswith(b"%PDF") and pages >= 3, pages  # printed on A4 pages


# -- the review's findings (F7-F11) -----------------------------------------------------------------------------

SVG = "{http://www.w3.org/2000/svg}"


def _caption(html: str, title: str) -> str:
    fig = re.search(rf"<h3>{re.escape(title)}</h3>.*?<figcaption>(.*?)</figcaption>", html, flags=re.S)
    return fig.group(1).replace("&#x27;", "'")


def _chart(html: str, title: str) -> ET.Element:
    return next(ET.fromstring(s) for s in _svgs(html) if f"<title>{title}</title>" in s.replace("&#x27;", "'"))


def _text_of(t: ET.Element) -> str:
    return "".join(t.itertext()) if t.find(f"{SVG}tspan") is None else " ".join(
        (s.text or "") for s in t.iter(f"{SVG}tspan"))


def _report(scenario: Path, tmp_path: Path, *flags: str) -> str:
    """The HTML `tco report` writes for a scenario file (with ``flags``)."""
    out = tmp_path / f"{scenario.stem}.html"
    assert main(["report", str(scenario), *flags, "-o", str(out)]) == 0
    return out.read_text(encoding="utf-8")


def test_the_volume_caption_names_the_api_it_compares_with_and_the_pairs_that_do_cross(uncertain_report: Path) -> None:
    """F7: the rented 405B is cheaper than GPT-4o from 38,272 requests/day (the break-even table),
    so the caption may not say it is never cheaper than 'an API'."""
    cap = _caption(uncertain_report.read_text(encoding="utf-8"), "Monthly cost versus request volume")
    assert "cheaper than an API" not in cap
    assert "No self-hosted candidate is cheaper than the best-value API, openai/gpt-4o-mini" in cap
    assert "Llama 3.1 405B FP8, 8x H100 rented gets cheaper than openai/gpt-4o" in cap and "break-even table" in cap


def test_an_open_ended_break_even_is_n_or_more_not_up_to_the_chart_s_edge(write, tmp_path: Path, catalog) -> None:
    """F7: without gpt-4o-mini the best-value API is azure's, which both 405Bs beat from some volume
    on: the caption says "at 39,879 or more", never the chart's right edge (10,000,000)."""
    text = "\n".join(line for line in UNCERTAIN.read_text(encoding="utf-8").splitlines()
                     if not re.match(r"\s*- openai/gpt-4o-mini|samples:|seed:|horizon_months:", line))
    sc = write(text, "nomini.yaml")
    vc = volume_curves(compile_scenario(tco.load_scenario(sc, catalog), catalog), tco.estimate(sc, catalog))
    assert all(t == math.inf for f, t, s, a in vc.cheaper_bands if f == pytest.approx(39_879, abs=1))
    out = tmp_path / "nomini.html"
    assert main(["report", str(sc), "-o", str(out)]) == 0
    cap = _caption(out.read_text(encoding="utf-8"), "Monthly cost versus request volume")
    assert ("Shaded: where self-hosting is cheaper than the best-value API, azure/llama-3.1-405b-instruct "
            "(Llama 3.1 405B FP8, 8x H100 rented at 39,879 or more requests/day;") in cap
    assert f"{max(vc.volumes):,.0f}" not in cap and " to " not in cap.split("Shaded:")[1].split(")")[0]


def test_probabilities_read_the_right_way_round_and_never_round_to_certainty(uncertain_report: Path) -> None:
    """F8: after "dearer" a P(cheaper) of 0% read as the opposite; 0.9991 printed as "100%"."""
    from tco.report.format import chance as percent

    assert [percent(p) for p in (0.0, 0.0004, 0.005, 0.5, 0.994, 0.995, 0.9991, 1.0)] == [
        "0%", "<1%", "1%", "50%", "99%", ">99%", ">99%", "100%"]
    html = uncertain_report.read_text(encoding="utf-8")
    answer = re.search(r'<section class="answer">(.*?)</section>', html, flags=re.S).group(1)
    assert "(in 0% of samples)" not in answer and "dearer at this volume; cheaper in 0% of samples" in answer
    # the owned 405B is cheaper than GPT-4o in 99.91% of the 20,000 samples: not certain
    table = html[html.index("<h2>Break-even</h2>"):html.index("<h2>Breakdown</h2>")]
    rows = re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td>.*?<td class=\"num\">(.*?)</td></tr>", table)
    assert ("Llama 3.1 405B FP8, owned 8x H100", "openai/gpt-4o", "&gt;99%") in rows
    assert all(p != "100%" for *_, p in rows)


def test_one_colour_per_candidate_in_every_chart(uncertain_report: Path, catalog) -> None:
    """F9: gpt-4o was yellow in one chart, dark blue in another and light blue in a third."""
    html = uncertain_report.read_text(encoding="utf-8")
    est = tco.estimate(UNCERTAIN, catalog)
    names = {c.label for c in est.candidates} | {c.id for c in est.candidates}
    seen: dict[str, set[str]] = {}
    for s in _svgs(html):
        for el in ET.fromstring(s).iter():
            tip = el.find(f"{SVG}title")
            colour = el.get("stroke") if el.tag in (f"{SVG}polyline", f"{SVG}circle", f"{SVG}rect") else el.get("fill")
            if tip is None or not colour or el.tag == f"{SVG}svg":
                continue
            name = next((n for n in sorted(names, key=len, reverse=True) if (tip.text or "").startswith(n)), None)
            if name is not None and el.get("fill") != "#000" and "at its" not in (tip.text or ""):  # not tornado bars
                seen.setdefault(name, set()).add(colour)
    drawn = {n: c for n, c in seen.items()}
    assert len(drawn) >= 6 and all(len(c) == 1 for c in drawn.values()), drawn
    by_candidate = {c.label: next(iter(drawn.get(c.label) or drawn.get(c.id))) for c in est.candidates}
    assert len(set(by_candidate.values())) == len(est.candidates), "two candidates share a colour"


def test_the_y_axis_title_has_room_of_its_own() -> None:
    """F10: '$1,000,000' ran into the rotated 'paid so far (USD)' in the cumulative chart."""
    from tco.report.svg import Series, Y_TITLE_CLEAR, line_chart, text_width

    chart = ET.fromstring(line_chart([Series("a", [1, 36], [1_000.0, 1_500_000.0])], "t", "month", "paid so far (USD)",
                                     y_fmt=lambda v: f"${v:,.0f}"))
    ticks = [t for t in chart.iter(f"{SVG}text") if t.get("text-anchor") == "end" and (t.text or "").startswith("$")]
    assert ticks and all(float(t.get("x")) - text_width(t.text, 11) >= Y_TITLE_CLEAR for t in ticks)


def _boxes(chart: ET.Element) -> list[tuple[str, tuple[float, float, float, float]]]:
    from tco.report.svg import text_width

    out = []
    for t in chart.iter(f"{SVG}text"):
        if not t.get("fill") or t.get("fill") == "#555":
            continue
        w, x, y = text_width(t.text or "", float(t.get("font-size"))), float(t.get("x")), float(t.get("y"))
        x0 = {"end": x - w, "middle": x - w / 2}.get(t.get("text-anchor") or "start", x)
        out.append((t.text or "", (x0, y - 10, x0 + w, y + 2)))
    return out


def test_scatter_labels_never_overlap_and_the_ones_left_out_are_in_a_legend() -> None:
    """F10: four points near (80, $25k-$46k) had their labels stacked into each other."""
    from tco.report.svg import scatter

    pts = [(f"Llama 3.1 405B FP8, deployment {k}", 25_000.0 + 1_000 * k, 80.0 + 0.1 * k, True) for k in range(6)]
    pts.append(("openai/gpt-4o-mini", 1_600.0, 66.0, True))
    chart = ET.fromstring(scatter(pts, [], "t", "x", "y"))
    labels = [(n, b) for n, b in _boxes(chart) if b[1] < 400]  # in the plot, not the legend under it
    for i, (a, ba) in enumerate(labels):
        for b, bb in labels[i + 1:]:
            assert ba[2] <= bb[0] or bb[2] <= ba[0] or ba[3] <= bb[1] or bb[3] <= ba[1], (a, b)
    entries = ["".join(t.itertext()) for t in chart.iter(f"{SVG}text")
               if float(t.get("y", 0)) > 400 and t.get("fill") != "#555"]
    legend = [e.split(" ", 1)[1] if e.split(" ", 1)[0].isdigit() else e for e in entries]
    titled = [(t.text, t.find(f"{SVG}title").text) for t in chart.iter(f"{SVG}text") if t.find(f"{SVG}title") is not None]
    placed = [name for text, name in titled if not text.isdigit()]
    assert legend and sorted(placed + legend) == sorted(n for n, *_ in pts)  # every point named once
    # a point named only in the legend carries its legend number beside it where a digit fits (colours
    # repeat past eight candidates); in this cluster some do, the most crowded ones are named only below
    numbers = {text: name for text, name in titled if text.isdigit()}
    keyed = [e.split(" ", 1) for e in entries if e.split(" ", 1)[0].isdigit()]
    assert keyed and all(numbers[key] == name for key, name in keyed), entries
    assert float(chart.get("viewBox").split()[3]) > 400, "the legend gets room of its own"


def test_scatter_labels_keep_off_the_frontier_line() -> None:
    """The cheapest point's label sat right of its dot, where the frontier line leaves it."""
    from tco.report.svg import _crosses, scatter

    pts = [("deepseek/deepseek-chat", 103.7, 79.7, True), ("openai/gpt-4o", 4_500.0, 89.1, True)]
    chart = ET.fromstring(scatter(pts, ["deepseek/deepseek-chat", "openai/gpt-4o"], "t", "x", "y"))
    line = next(e for e in chart.iter(f"{SVG}polyline"))
    xy = [tuple(map(float, p.split(","))) for p in line.get("points").split()]
    boxes = [b for _, b in _boxes(chart) if b[1] < 400]
    assert len(boxes) == 2
    for box in boxes:
        assert not any(_crosses(box, a, b) for a, b in zip(xy, xy[1:])), box
    # the check itself: a box on the segment crosses it, one beside it does not
    assert _crosses((40, 40, 60, 60), (0, 0), (100, 100)) and not _crosses((70, 0, 90, 20), (0, 0), (100, 100))


def test_the_frontier_steps_as_in_the_app() -> None:
    """A straight diagonal between two frontier candidates showed cost/quality pairs nobody sells; the app
    draws a staircase (from a cheaper candidate, flat to the next one's cost, then up to its quality)."""
    from tco.report.svg import scatter

    pts = [("a", 100.0, 60.0, True), ("b", 1_000.0, 70.0, True), ("c", 10_000.0, 80.0, True)]
    chart = ET.fromstring(scatter(pts, ["a", "b", "c"], "t", "x", "y"))
    xy = [tuple(map(float, p.split(","))) for p in next(chart.iter(f"{SVG}polyline")).get("points").split()]
    assert len(xy) == 5  # a, flat to b's cost, b, flat to c's cost, c
    assert all(p[0] == q[0] or p[1] == q[1] for p, q in zip(xy, xy[1:]))  # only flat and upright segments


def test_the_first_point_keeps_its_label_when_only_the_line_is_in_the_way() -> None:
    """The 2026 scenario's best value sat at the chart's left edge with the frontier leaving it up and
    to the right and another point below: every spot clear of the line was taken, and its label went
    to the legend. A label may cross the line when nothing else is free."""
    from tco.report.svg import scatter

    pts = [("deepseek/deepseek-v4-pro", 7_422.0, 69.6, True), ("xai/grok-4.3", 9_505.0, 68.0, True),
           ("zhipu/glm-5.2", 11_830.0, 72.6, True), ("moonshot/kimi-k3", 36_400.0, 76.1, True),
           ("openai/gpt-5.4", 34_219.0, 50.2, True)]
    chart = ET.fromstring(scatter(pts, ["deepseek/deepseek-v4-pro", "zhipu/glm-5.2", "moonshot/kimi-k3"],
                                  "t", "x", "y"))
    placed = [t.find(f"{SVG}title").text for t in chart.iter(f"{SVG}text") if t.find(f"{SVG}title") is not None]
    assert placed[0] == "deepseek/deepseek-v4-pro" and "also plotted" not in ET.tostring(chart, "unicode")


def test_labels_keep_the_part_that_tells_candidates_apart(uncertain_report: Path) -> None:
    """F10: two tornado rows both read "throughput factor of Llama 3.1 405B FP8…"."""
    from tco.report.text import middle_cut as _short

    assert _short("Llama 3.1 405B FP8, owned 8x H100", 28).endswith("owned 8x H100")
    assert _short("Llama 3.1 405B FP8, 8x H100 rented", 28).endswith("8x H100 rented")
    html = uncertain_report.read_text(encoding="utf-8")
    for title in ("Best self-hosted minus best API, per quality point", "Monthly cost, P10 to P90"):
        rows = [_text_of(t) for t in _chart(html, title).iter(f"{SVG}text") if t.get("text-anchor") == "end"]
        assert len(rows) == len(set(rows)), rows
    rows = [_text_of(t) for t in _chart(html, "Best self-hosted minus best API, per quality point").iter(f"{SVG}text")]
    assert {"owned", "rented"} <= {w for r in rows if r.startswith("throughput") for w in r.split()}
    for title in ("Monthly cost versus request volume", "Cumulative cost over 36 months"):
        ends = [t.text for t in _chart(html, title).iter(f"{SVG}text") if t.get("fill", "").startswith("#")]
        assert len(ends) == len(set(ends)) and any("owned" in e for e in ends) and any("rented" in e for e in ends)


def test_the_payback_marker_says_against_which_api(uncertain_report: Path) -> None:
    """F10: "Llama 3.1 405B FP8, owned 8x H100 pays back" did not say against what."""
    html = uncertain_report.read_text(encoding="utf-8")
    marker = [_text_of(t) for t in _chart(html, "Cumulative cost over 36 months").iter(f"{SVG}text")
              if "pays back" in _text_of(t)]
    assert marker == ["Llama 3.1 405B FP8, owned 8x H100 pays back against openai/gpt-4o"]
    assert "pays back against openai/gpt-4o in month 17" in _caption(html, "Cumulative cost over 36 months")


def test_the_report_answers_buy_rent_or_wait(uncertain_report: Path) -> None:
    # GPT-4o mini throughout: $51,169 over 36 months; buying at best (after 24 months) $278,719
    html = uncertain_report.read_text(encoding="utf-8")
    assert ("Buy Llama 3.1 405B FP8, owned 8x H100, rent, or stay on openai/gpt-4o-mini?</strong> "
            "of these, over 36 months: openai/gpt-4o-mini throughout costs least ($51,169)") in html


def test_charts_scroll_sideways_on_a_phone_rather_than_shrink(uncertain_report: Path) -> None:
    """F11: at 400 px every chart was scaled to 380 px wide and its text to ~5 px."""
    html = uncertain_report.read_text(encoding="utf-8")
    assert html.count('<div class="chart"><svg') == len(_svgs(html))
    css = re.search(r"<style>(.*?)</style>", html, flags=re.S).group(1)
    assert re.search(r"\.chart \{[^}]*overflow-x: auto", css) and re.search(r"figure svg \{[^}]*min-width: 640px", css)
    assert re.search(r"@media print \{.*figure svg \{ min-width: 0; max-height: 95mm; \}", css, flags=re.S)


def _measure(path: Path, width: int, expression: str, media: str = "") -> object:
    """``expression`` evaluated in the report at a viewport ``width`` px wide (a phone below 500)."""
    import tempfile

    from tests.browser import _Pipe, find_chromium

    with tempfile.TemporaryDirectory() as profile:
        b = _Pipe(find_chromium(), profile)
        try:
            s = b.open_tab(width=width, mobile=width < 500)
            if media:
                b.send("Emulation.setEmulatedMedia", {"media": media}, session=s)
            b.send("Page.navigate", {"url": path.resolve().as_uri()}, session=s)
            b.wait_event("Page.loadEventFired")
            return b.send("Runtime.evaluate", {"expression": expression, "returnByValue": True},
                          session=s)["result"]["value"]
        finally:
            b.close()


def test_charts_read_on_a_phone_and_the_candidates_table_fits_a_desktop(uncertain_report: Path) -> None:
    """F11, in Chromium: at 400 px each chart keeps at least 640 of its 720 units (text >= 9.8 px)
    and scrolls inside its box, the page itself does not; at 1200 px the candidates table shows
    every column (P(best value) was hidden behind a scrollbar); printed, charts fit A4."""
    _browser()
    widths = "[...document.querySelectorAll('svg')].map(s => s.getBoundingClientRect().width)"
    phone = _measure(uncertain_report, 400, f"[{widths}, document.documentElement.scrollWidth - innerWidth]")
    assert len(phone[0]) == 6 and min(phone[0]) >= 640 and phone[1] <= 0, phone
    # tables scroll sideways rather than squeeze a name or a sentence to a word a line
    cells = _measure(uncertain_report, 400, "[...document.querySelectorAll('td:first-child:not(.num), td .prose')]"
                                            ".map(c => c.getBoundingClientRect().width)")
    assert cells and min(cells) >= 95, cells  # 8.5em of 14px * 0.82 = 97.6 px, less the padding
    # ... but a rank (one digit) keeps a narrow column: the width goes to the names
    ranks = _measure(uncertain_report, 400, "[...document.querySelectorAll('td.num:first-child')]"
                                            ".map(c => c.getBoundingClientRect().width)")
    assert ranks and max(ranks) < 70, ranks
    table = _measure(uncertain_report, 1200, "(t => t.scrollWidth - t.clientWidth)(document.querySelector('.scroll'))")
    assert table <= 0, f"the candidates table needs {table}px more at 1200px"
    printed = _measure(uncertain_report, 703, f"[{widths}, document.documentElement.scrollWidth - innerWidth]", "print")
    assert max(printed[0]) <= 703 and printed[1] <= 0, printed


def test_a_colour_that_comes_back_is_drawn_another_way_and_every_label_leads_to_its_line() -> None:
    """A buyer's 17 candidates: past eight series the palette repeats, and labels nudged apart stood
    beside other lines. A repeated colour gets another pattern; a leader runs from each line's end to
    its label, in the line's colour and pattern."""
    from tco.report.svg import PALETTE, Series, line_chart

    series = [Series(f"api {k}", [1.0, 10.0], [1.0 + k, 2.0 + k], dashed=True) for k in range(10)]
    chart = ET.fromstring(line_chart(series, "t", "x", "y"))
    lines = [e for e in chart.iter(f"{SVG}polyline") if e.find(f"{SVG}title") is not None]
    style = [(e.get("stroke"), e.get("stroke-dasharray")) for e in lines]
    assert len(style) == 10 and len(set(style)) == 10  # colours 0 and 8 are the same: the patterns differ
    assert style[0] == (PALETTE[0], "6 4") and style[8] == (PALETTE[0], "2 3")
    leaders = [e for e in chart.iter(f"{SVG}polyline") if e.find(f"{SVG}title") is None]
    labels = [t for t in chart.iter(f"{SVG}text") if (t.text or "").startswith("api ")]
    assert len(leaders) == len(labels) == 10
    for leader, label in zip(leaders, sorted(labels, key=lambda t: float(t.get("y"))), strict=True):
        *_, end = leader.get("points").split()
        assert float(end.split(",")[1]) == pytest.approx(float(label.get("y")) - 4)  # it ends beside its label


def test_a_line_that_ends_early_is_not_continued_by_its_leader() -> None:
    """A review: an offer retired mid-chart had its leader drawn on to the right edge in its own colour,
    as if its price went on. Its end is joined to the edge in thin grey dots instead."""
    from tco.report.svg import Series, line_chart

    series = [Series("on sale", [1.0, 10.0], [1.0, 2.0]), Series("retired", [1.0, 5.0], [3.0, 4.0])]
    chart = ET.fromstring(line_chart(series, "t", "x", "y"))
    plain = [e for e in chart.iter(f"{SVG}polyline") if e.find(f"{SVG}title") is None]
    grey = [e for e in plain if e.get("stroke") == "#bbb"]
    assert len(grey) == 1 and len(plain) == 3  # two coloured leaders, one grey joint for the retired line
    (x0, _), (x1, _) = (tuple(map(float, p.split(","))) for p in grey[0].get("points").split())
    retired = next(e for e in chart.iter(f"{SVG}polyline") if (e.findtext(f"{SVG}title") or "") == "retired")
    assert x0 == pytest.approx(float(retired.get("points").split()[-1].split(",")[0])) and x1 > x0


def test_twenty_end_labels_stay_inside_the_plot() -> None:
    """A Chinese buyer's report (2026-12-01): 19 API lines ending near zero pushed the stack of end
    labels up past the top, and the one line far above them (an Ascend purchase) lost its label.
    Labels that do not fit at their gap come closer; none leaves the plot; order is kept."""
    from tco.report.svg import _place_labels

    wanted = [(300.0 - k * 0.5, f"api-{k}", None) for k in range(19)] + [(30.0, "purchase", None)]
    placed = _place_labels(wanted, top=24.0, bottom=344.0)
    ys = [y for y, _, _ in placed]
    assert all(28.0 <= y <= 344.0 for y in ys), ys
    # 20 labels fit 13 px apart in the 316 px between top + 4 and the bottom
    assert ys == sorted(ys) and min(b - a for a, b in zip(ys, ys[1:], strict=False)) >= 13 - 1e-9
    assert placed[0][1] == "purchase"
    # 40 do not: they come closer (316 / 39 = 8.1 px) and still stay inside
    many = _place_labels([(340.0, f"l{k}", None) for k in range(40)], top=24.0, bottom=344.0)
    assert all(28.0 - 1e-9 <= y <= 344.0 for y, _, _ in many) and many[-1][0] == 344.0


def test_a_purchase_beside_small_api_bills_is_drawn_on_a_log_scale(tmp_path: Path, write) -> None:
    """The cumulative chart on a linear axis put every API line on the zero line beside a purchase
    1,000 times larger: a spread over 30x is drawn on a log scale, and the purchase keeps its label."""
    f = write("as_of: 2026-06-01\nworkload: {requests_per_day: 2000, input_tokens: 1000, output_tokens: 200}\n"
              "candidates:\n  - openai/gpt-4o-mini\n  - anthropic/claude-haiku-4-5\n"
              "  - selfhost: {name: owned node, model: llama-3.1-70b-instruct, gpu: h100-sxm-80gb,"
              " buy: {server_price: 300000, lifetime_years: 4}}\n")
    chart = _chart(_report(f, tmp_path, "--horizon", "12"), "Cumulative cost over 12 months")
    texts = [_text_of(t) for t in chart.iter(f"{SVG}text")]
    assert any("log scale" in t for t in texts), texts
    assert "owned node" in texts
    # API bills alone (GPT-4o 16.7x GPT-4o mini) stay on a linear axis: the spread is what the lines
    # reach, not month 1 against month 12
    f2 = write("as_of: 2024-09-01\nworkload: {requests_per_day: 2000, input_tokens: 1000, output_tokens: 200}\n"
               "candidates: [openai/gpt-4o, openai/gpt-4o-mini]\n", "apis.yaml")
    texts = [_text_of(t) for t in _chart(_report(f2, tmp_path, "--horizon", "12"), "Cumulative cost over 12 months")
             .iter(f"{SVG}text")]
    assert not any("log scale" in t for t in texts), texts


def test_never_cheaper_pairs_are_one_row_per_selfhosted_candidate(tmp_path: Path, write) -> None:
    """A CFO read a 60-row break-even table, most rows "never cheaper": three or more APIs a
    self-hosted candidate never beats are one row naming them; pairs with a range keep their row."""
    f = write("as_of: 2026-06-01\nworkload: {requests_per_day: 2000, input_tokens: 1000, output_tokens: 200}\n"
              "candidates:\n  - openai/gpt-4.1-nano\n  - google/gemini-2.5-flash-lite\n  - deepseek/deepseek-v4-flash\n"
              "  - anthropic/claude-opus-4-1\n"
              "  - selfhost: {name: rented node, model: llama-3.1-70b-instruct, gpu: h100-sxm-80gb,"
              " rent_per_gpu_hour: 2.5}\n")
    html = _report(f, tmp_path)
    section = html[html.index("<h2>Break-even</h2>"):html.index("<h2>Breakdown</h2>")]
    rows = section.count("<tr>") - 1  # less the header
    assert "3 APIs: openai/gpt-4.1-nano, google/gemini-2.5-flash-lite, deepseek/deepseek-v4-flash" in section, section
    assert rows == 2 and "anthropic/claude-opus-4.1" in section


def test_the_reports_answer_says_what_no_measurement_backs(write, tmp_path: Path) -> None:
    """The answer box compares each self-hosted candidate with the best-value API: a row on a GPU no
    engine profile was fitted on says so there too, not only in the table's Note (2026-12-01)."""
    f = write("as_of: 2026-12-01\nworkload: {requests_per_day: 20000, input_tokens: 1500, output_tokens: 400}\n"
              "quality: {profile: general-2026}\ncandidates:\n  - deepseek/deepseek-v4-pro\n"
              "  - selfhost: {name: on ascend, model: glm-5.2, gpu: ascend-910b, rent_per_gpu_hour: 1.5}\n")
    html = _report(f, tmp_path)
    answer = html[html.index('<section class="answer">'):html.index("</section>")]
    assert "<strong>on ascend</strong> against the best-value API" in answer
    assert "throughput no measurement backs (uncalibrated GPU)" in answer
