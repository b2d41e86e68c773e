"""``tco diff OLD NEW`` (issue 13): per candidate before and after, added and removed, inputs
changed, a CI gate, JSON and Markdown."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tco.cli import main

ROOT = Path(__file__).resolve().parent.parent
SUPPORT = (ROOT / "scenarios" / "support-assistant.yaml").read_text(encoding="utf-8")
CHINA = (ROOT / "scenarios" / "china-price-war.yaml").read_text(encoding="utf-8")
# 20 % more requests, a 10 % discount on DeepSeek, Claude 3.5 Sonnet out and GPT-4 Turbo in
CHANGED = (SUPPORT.replace("requests_per_day: 10000", "requests_per_day: 12k")
           .replace("  - deepseek/deepseek-chat\n", "  - {offer: deepseek/deepseek-chat, discount: 10%}\n"
                                                   "  - openai/gpt-4-turbo\n")
           .replace("  - anthropic/claude-3.5-sonnet\n", ""))


@pytest.fixture
def pair(write) -> tuple[Path, Path]:
    return write(SUPPORT, "old.yaml"), write(CHANGED, "new.yaml")


def _json(capsys, *argv: str) -> dict:
    assert main(["diff", *argv, "-f", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_changes_by_hand(pair, capsys) -> None:
    old, new = pair
    d = _json(capsys, str(old), str(new))
    by = {r["id"]: r for r in d["candidates"]}
    # GPT-4o: 300,000 -> 360,000 requests x (1,500 x $5 + 500 x $15) / 1M = $4,500 -> $5,400: +$900, +20 %
    g = by["openai/gpt-4o"]
    assert g["monthly_cost"] == [4500.0, 5400.0] and g["change"] == 900.0 and g["change_pct"] == pytest.approx(20.0)
    # DeepSeek: $103.70 x 1.2 x (1 - 0.10) = $111.99: +8.0 %
    ds = by["deepseek/deepseek-chat"]
    assert ds["monthly_cost"][1] == pytest.approx(ds["monthly_cost"][0] * 1.2 * 0.9, abs=0.01)
    assert ds["change_pct"] == pytest.approx(8.0, abs=0.01) and ds["rank"] == [1, 1]
    # GPT-4 Turbo at $10 / $30: 360,000 x (1,500 x 10 + 500 x 30) / 1M = $10,800
    assert [(a["id"], a["monthly_cost"]) for a in d["added"]] == [("openai/gpt-4-turbo", 10800.0)]
    assert [r["id"] for r in d["removed"]] == ["anthropic/claude-3.5-sonnet"]
    changed = {c["input"]: (c["old"], c["new"]) for c in d["inputs"]}
    assert changed == {"workload.requests_per_day": (10000.0, 12000.0),
                       "candidates[deepseek/deepseek-chat].discount": (None, 0.1),
                       "candidates[anthropic/claude-3.5-sonnet]": ("included", None),
                       "candidates[openai/gpt-4-turbo]": (None, "included")}  # "10k" vs 10000 is no change


def test_no_change_is_no_change(write, capsys) -> None:
    a = write(SUPPORT, "a.yaml")
    b = write(SUPPORT.replace("requests_per_day: 10000", "requests_per_day: 10k   # the same, written shorter"),
              "b.yaml")
    d = _json(capsys, str(a), str(b))
    assert d["inputs"] == [] and all(r["change"] == 0 for r in d["candidates"] if r["change"] is not None)


def test_fail_above_is_a_ci_gate(pair, capsys) -> None:
    old, new = pair
    assert main(["diff", str(old), str(new), "--fail-above", "25"]) == 0  # the biggest rise is 20 %
    capsys.readouterr()
    assert main(["diff", str(old), str(new), "--fail-above", "15%"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["tco: openai/gpt-4o rose by 20.0% (more than --fail-above 15%)"]
    # the JSON says the verdict too (a CI step that keeps the JSON keeps why it failed); without
    # --fail-above there is no gate to report
    assert main(["diff", str(old), str(new), "--fail-above", "15", "-f", "json"]) == 1
    gate = json.loads(capsys.readouterr().out)["gate"]
    assert gate == {"fail_above": 15.0, "failed": True,
                    "reasons": ["openai/gpt-4o rose by 20.0% (more than --fail-above 15%)"]}
    assert main(["diff", str(old), str(new), "-f", "json"]) == 0
    assert "gate" not in json.loads(capsys.readouterr().out)


def test_a_bug_is_not_a_failed_gate(capsys, monkeypatch) -> None:
    """Exit 1 is the gate's (as issue 13 asks); a crash exits 70, so a pipeline tells them apart."""
    import tco.cli.validate as validate

    def boom(args):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(validate, "run", boom)
    monkeypatch.delenv("TCO_DEBUG", raising=False)
    from tco.cli import INTERNAL_ERROR

    rc = main(["validate", "x.yaml"])
    err = capsys.readouterr().err
    assert rc == INTERNAL_ERROR == 70 and err.startswith("tco: error: internal error: ZeroDivisionError: a bug")


def test_fail_above_holds_when_the_reader_stops_early(pair, monkeypatch) -> None:
    # `tco diff ... --fail-above 15 | head -1` in CI: the pipe closes before the table is written, and
    # the verdict (exit 1) must not turn into success; the same diff without --fail-above ends with 0
    import io
    import os
    import sys

    old, new = pair
    for argv, code in ((["--fail-above", "15%"], 1), ([], 0)):
        r, w = os.pipe()
        os.close(r)  # the reader is gone: writing raises BrokenPipeError
        out = os.fdopen(w, "w")
        err = io.StringIO()
        monkeypatch.setattr(sys, "stdout", out)
        monkeypatch.setattr(sys, "stderr", err)
        try:
            assert main(["diff", str(old), str(new), *argv]) == code
        finally:
            monkeypatch.undo()
            try:
                out.close()
            except BrokenPipeError:
                pass
        assert ("rose by 20.0%" in err.getvalue()) == (code == 1)


def test_markdown_for_a_pull_request_comment(pair, capsys) -> None:
    old, new = pair
    assert main(["diff", str(old), str(new), "-f", "markdown"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("### tco diff:")
    assert "| openai/gpt-4o | $4,500.00 | $5,400.00 | +$900.00 | +20.0% |" in out
    assert "- added: openai/gpt-4-turbo ($10,800.00 a month, rank 3)" in out
    assert "<details><summary>Inputs changed (4)</summary>" in out


def test_saved_estimates_and_a_mix(pair, tmp_path: Path, capsys) -> None:
    old, new = pair
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    assert main(["estimate", str(old), "-f", "json", "-o", str(a)]) == 0
    assert main(["estimate", str(new), "-f", "json", "-o", str(b)]) == 0
    from_files = _json(capsys, str(old), str(new))
    from_saved = _json(capsys, str(a), str(b))
    mixed = _json(capsys, str(a), str(new))
    for d in (from_saved, mixed):
        assert d["candidates"] == from_files["candidates"] and d["added"] == from_files["added"]
    assert {c["input"] for c in from_saved["inputs"]} >= {"workload.requests_per_day"}


def test_saved_estimates_name_a_changed_price_and_cost_basis(write, tmp_path: Path, capsys) -> None:
    # the rented node's rent from $2.99 to $2.49 and DeepSeek's 10 % discount: a saved estimate keeps
    # no scenario, but its result records each candidate's price and cost basis
    src = (ROOT / "scenarios" / "open-vs-closed-405b.yaml").read_text(encoding="utf-8")
    assert "rent_per_gpu_hour: 2.99" in src
    old = write(src, "old.yaml")
    new = write(src.replace("rent_per_gpu_hour: 2.99", "rent_per_gpu_hour: 2.49"), "new.yaml")
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    assert main(["estimate", str(old), "-f", "json", "-o", str(a)]) == 0
    assert main(["estimate", str(new), "-f", "json", "-o", str(b)]) == 0
    saved = _json(capsys, str(a), str(b))
    basis = [i for i in saved["inputs"] if i["input"].endswith(".cost basis")]
    assert len(basis) == 1 and "$2.99" in basis[0]["old"] and "$2.49" in basis[0]["new"]
    files = _json(capsys, str(old), str(new))  # two scenarios: said once, in the scenario's own key
    assert [i["input"].rsplit(".", 1)[-1] for i in files["inputs"]] == ["rent_per_gpu_hour"]


def test_a_changed_range_is_an_input_change(write, tmp_path: Path, capsys) -> None:
    # the plain numbers stay (a range's central value did not move) but the spread did: not "no input changed"
    src = (ROOT / "scenarios" / "405b-under-uncertainty.yaml").read_text(encoding="utf-8").replace(
        "samples: 20000", "samples: 500")
    old = write(src, "old.yaml")
    new = write(src.replace("high: 300000}", "high: 3000000}"), "new.yaml")
    files = _json(capsys, str(old), str(new))
    assert [i["input"] for i in files["inputs"]] == ["range workload.requests_per_day"]
    assert files["inputs"][0]["new"] == "triangular 30,000 / 100,000 / 3,000,000"
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    assert main(["estimate", str(old), "-f", "json", "-o", str(a)]) == 0
    assert main(["estimate", str(new), "-f", "json", "-o", str(b)]) == 0
    saved = _json(capsys, str(a), str(b))
    assert [i["input"] for i in saved["inputs"]] == ["range drawn requests per day"]  # the input in words, as the tornado names it
    # the rows: the same central cost, another spread (P90 up about tenfold with the high end)
    mini = next(r for r in saved["candidates"] if r["id"] == "openai/gpt-4o-mini")
    (lo0, hi0), (lo1, hi1) = mini["monthly_cost_p10_p90"]
    assert mini["change"] == 0 and hi1 > 5 * hi0
    assert main(["diff", str(old), str(new)]) == 0
    out = capsys.readouterr().out
    assert "with another P10-P90 spread" in out and "P10-P90 before -> after" in out


def test_two_scenarios_in_different_currencies_are_compared_in_the_old_one_s(write, capsys) -> None:
    cny = write(CHINA, "cny.yaml")
    usd = write(CHINA.replace("currency: CNY", "currency: USD"), "usd.yaml")
    assert main(["diff", str(cny), str(usd)]) == 0
    out = capsys.readouterr().out
    assert "13 unchanged; amounts in CNY a month" in out  # converted back at the same rate: nothing moved
    assert "usd.yaml is in USD; compared in CNY" in out and "currency: CNY -> USD" in out


def test_saved_estimates_in_different_currencies_are_refused(write, tmp_path: Path, capsys) -> None:
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    assert main(["estimate", str(write(CHINA, "c.yaml")), "-f", "json", "-o", str(a)]) == 0
    assert main(["estimate", str(write(CHINA.replace("currency: CNY", "currency: USD"), "u.yaml")),
                 "-f", "json", "-o", str(b)]) == 0
    capsys.readouterr()
    assert main(["diff", str(a), str(b)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "different currencies (CNY and USD): refused" in err[0]


@pytest.mark.parametrize(("content", "message"), [
    ('{"x": 1}', "not a saved tco estimate"),
    ('{"x":', "not valid JSON"),
    ('{"schema_version": 7, "candidates": []}', "schema version 7"),
])
def test_bad_saved_estimates_are_one_line_errors(tmp_path: Path, write, capsys, content: str, message: str) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(content, encoding="utf-8")
    assert main(["diff", str(bad), str(write(SUPPORT, "s.yaml"))]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "bad.json" in err[0] and message in err[0]


def test_missing_files_and_bad_flags(tmp_path: Path, write, capsys) -> None:
    s = str(write(SUPPORT, "s.yaml"))
    assert main(["diff", str(tmp_path / "nope.yaml"), s]) == 2
    assert "nope.yaml: file not found" in capsys.readouterr().err
    assert main(["diff", s, s, "--fail-above", "lots"]) == 2
    assert "invalid percentage 'lots'" in capsys.readouterr().err


def test_a_saved_estimate_against_its_own_scenario_changes_no_input(tmp_path, capsys) -> None:
    """A library user's review: `tco diff last_q.json new.yaml` listed 15 inputs that did not
    change (quality.weights vs quality.profile, defaults such as quality.impute, the monthly
    volumes only the JSON records). A scenario beside a saved estimate is read as its estimate
    records it: only what changed is listed."""
    scenario = Path(__file__).resolve().parent.parent / "scenarios" / "support-assistant.yaml"
    saved = tmp_path / "last_q.json"
    assert main(["estimate", str(scenario), "-f", "json", "-o", str(saved)]) == 0
    capsys.readouterr()
    d = _json(capsys, str(saved), str(scenario))
    assert d["inputs"] == []
    bigger = tmp_path / "bigger.yaml"
    bigger.write_text(scenario.read_text(encoding="utf-8").replace("requests_per_day: 10000", "requests_per_day: 12000"),
                      encoding="utf-8")
    d = _json(capsys, str(saved), str(bigger))
    assert {i["input"] for i in d["inputs"]} == {"workload.requests_per_day", "workload.requests_per_month",
                                                  "workload.input_tokens_per_month", "workload.output_tokens_per_month"}
