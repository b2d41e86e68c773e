"""``tco report``: one self-contained HTML file with charts (issue 13)."""

from __future__ import annotations

import math
import os
import re
import xml.etree.ElementTree as ET
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

    for c in est.candidates:
        assert money(c.monthly_cost, "USD") in html  # the table and the bill carry the estimate's numbers
        if c.price:
            assert c.price["effective_from"] in html  # every price with its date ...
            assert c.price["source"].split(";")[0][:40] in html.replace("&#x27;", "'")  # ... and its source
    for section in ("Candidates", "Charts", "Break-even", "Breakdown", "Assumptions", "Warnings", "Sources"):
        assert f"<h2>{section}</h2>" in html
    # the samples' answer in words (the file asks for 20,000 draws with a seed: the same numbers every run)
    p = est.best_value.uncertainty["p_best_value"]
    assert 0 < p <= 1 and f"the best value in {p:.0%} of 20,000 samples" in html
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
