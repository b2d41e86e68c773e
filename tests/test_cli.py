"""The CLI in-process (`main(argv)`) and as a user runs it (subprocess)."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import math
import re
import sys
from datetime import date
from pathlib import Path

import pytest

from tco.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = str(ROOT / "scenarios" / "support-assistant.yaml")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    rc = main(list(argv))
    out, err = capsys.readouterr()
    return rc, out, err


def test_table_reads_like_a_bill(capsys) -> None:
    rc, out, err = run(capsys, "estimate", EXAMPLE)
    assert rc == 0, err
    assert "450M input + 150M output tokens/month" in out
    assert "$4,500.00" in out and "$103.70" in out
    assert "Cheapest:" in out and "Best value:" in out
    assert "Assumptions" in out and "1 USD = 7.2327 CNY" in out
    assert "├─ input" in out and "└─ total" in out


def test_json_schema(capsys) -> None:
    rc, out, _ = run(capsys, "estimate", EXAMPLE, "--format", "json")
    d = json.loads(out)
    for key in ("schema_version", "scenario", "as_of", "currency", "fx", "workload", "candidates"):
        assert key in d
    assert d["schema_version"] == 1 and d["as_of"] == "2024-06-01" and d["currency"] == "USD"
    c = {x["id"]: x for x in d["candidates"]}
    assert c["openai/gpt-4o"]["monthly_cost"] == 4500.0
    assert c["deepseek/deepseek-chat"]["monthly_cost"] == 103.7
    for x in d["candidates"]:
        for key in ("id", "kind", "model", "monthly_cost", "cost_per_mtok", "quality", "quality_coverage",
                    "cost_per_quality_point", "rank", "warnings"):
            assert key in x
    assert c["openai/gpt-4o"]["price"]["effective_from"] == "2024-05-13"


def test_csv_and_markdown(capsys) -> None:
    rc, out, _ = run(capsys, "estimate", EXAMPLE, "-f", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {r["id"] for r in rows} >= {"openai/gpt-4o", "deepseek/deepseek-chat"}
    assert next(r for r in rows if r["id"] == "openai/gpt-4o")["monthly_cost"] == "4500.00"
    rc, out, _ = run(capsys, "estimate", EXAMPLE, "-f", "markdown")
    assert out.startswith("# Support assistant") and "| Rank |" in out and "$4,500.00" in out


def test_overrides_as_of_and_currency(capsys) -> None:
    rc, out, _ = run(capsys, "estimate", EXAMPLE, "-f", "json", "--as-of", "2024-09-01", "--currency", "CNY")
    d = json.loads(out)
    assert d["as_of"] == "2024-09-01" and d["currency"] == "CNY"
    c = {x["id"]: x for x in d["candidates"]}
    assert c["deepseek/deepseek-chat"]["monthly_cost"] == 750.0
    # gpt-4o-mini exists by then: 157.50 USD x 7.1475 (August 2024 average, the newest known on 2024-09-01)
    assert c["openai/gpt-4o-mini"]["monthly_cost"] == pytest.approx(round(157.5 * 7.1475, 2))


def test_a_rate_is_warned_about_only_where_it_converts_an_amount(capsys, tmp_path) -> None:
    # on 2026-11-29 the newest CNY rate (the October 2026 monthly average) is single-source: a CNY report
    # of CNY prices converts nothing and says nothing of it; one USD-priced candidate brings the warning
    path = tmp_path / "cny.yaml"
    body = ("name: cny\ncurrency: CNY\nas_of: 2026-11-29\nworkload: {requests_per_day: 1000, input_tokens: 1000, "
            "output_tokens: 100}\nquality: {profile: general-2026}\ncandidates:\n  - deepseek/deepseek-v4-pro\n"
            "  - zhipu/glm-5.2\n")
    path.write_text(body)
    rc, out, _ = run(capsys, "estimate", str(path), "-f", "json")
    assert rc == 0 and not [w for w in json.loads(out)["warnings"] if "CNY rate" in w]
    path.write_text(body + "  - openai/gpt-5.4\n")
    rc, out, _ = run(capsys, "estimate", str(path), "-f", "json")
    assert rc == 0 and [w for w in json.loads(out)["warnings"] if w.startswith("CNY rate for 2026-10 is single-source")]


def test_out_file_is_written_atomically(capsys, tmp_path) -> None:
    target = tmp_path / "report.json"
    target.write_text("old")
    rc, out, _ = run(capsys, "estimate", EXAMPLE, "-f", "json", "--out", str(target))
    assert rc == 0 and out == ""
    assert json.loads(target.read_text())["schema_version"] == 1
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]  # no temp file left


@pytest.mark.parametrize("command", [["estimate", EXAMPLE, "-f", "json"], ["report", EXAMPLE]])
def test_a_read_only_output_file_is_left_alone(capsys, tmp_path, command) -> None:
    # a rename over the target would replace it whatever its mode: refused, one line, file untouched
    target = tmp_path / "kept.out"
    target.write_text("old")
    target.chmod(0o444)
    rc, _, err = run(capsys, *command, "-o", str(target))
    assert rc == 2 and "read-only file" in err and "chmod u+w" in err and len(err.strip().splitlines()) == 1
    assert target.read_text() == "old"


@pytest.mark.parametrize(("name", "starts"), [("x.json", "{"), ("x.csv", "rank,id,"), ("x.md", "# "),
                                              ("x.txt", "Support assistant")])
def test_the_out_file_s_extension_names_the_format(capsys, tmp_path, name: str, starts: str) -> None:
    # -o x.json wrote a text table under a .json name
    target = tmp_path / name
    rc, _, _ = run(capsys, "estimate", EXAMPLE, "-o", str(target))
    assert rc == 0 and target.read_text().startswith(starts)
    rc, _, _ = run(capsys, "estimate", EXAMPLE, "-o", str(target), "-f", "table")  # an explicit -f wins
    assert rc == 0 and target.read_text().startswith("Support assistant")


def test_a_report_to_a_md_file_is_markdown(capsys, tmp_path) -> None:
    target = tmp_path / "r.md"
    rc, _, _ = run(capsys, "report", EXAMPLE, "-o", str(target))
    assert rc == 0 and target.read_text().startswith("# ") and "<html" not in target.read_text()


@pytest.mark.parametrize(("command", "name", "says"), [
    (("report",), "r.pdf", "print it to PDF from a browser"),
    (("estimate",), "x.html", "tco report FILE -o report.html"),
    (("report",), "r.json", "this command writes html, markdown"),
])
def test_a_file_named_for_a_format_the_command_does_not_write_is_refused(capsys, tmp_path, command, name, says) -> None:
    # tco report -o x.pdf wrote HTML into a .pdf file and said "wrote"
    target = tmp_path / name
    rc, out, err = run(capsys, *command, EXAMPLE, "-o", str(target))
    assert rc == 2 and says in err and len(err.strip().splitlines()) == 1 and not target.exists()


def test_init_writes_a_template_that_estimates(capsys, tmp_path) -> None:
    path = tmp_path / "new.yaml"
    rc, _, err = run(capsys, "init", str(path))
    assert rc == 0 and "tco estimate" in err
    assert path.read_text().startswith("# A tco scenario")
    assert "\nas_of:" not in path.read_text()  # a new scenario prices today, not the day the template was written
    rc, out, err = run(capsys, "estimate", str(path), "-f", "json")
    assert rc == 0, err
    assert json.loads(out)["as_of"] == date.today().isoformat()
    rc, _, err = run(capsys, "init", str(path))
    assert rc == 2 and "file exists" in err  # never clobbers a user's file
    rc, out, _ = run(capsys, "init")
    assert "candidates:" in out


def test_validate(capsys) -> None:
    rc, out, err = run(capsys, "validate", EXAMPLE)
    assert rc == 0 and "ok (4 candidates" in out
    assert "warning: openai/gpt-4o-mini: not launched yet on 2024-06-01: from 2024-07-18" in err
    rc, out, err = run(capsys, "validate", EXAMPLE, "--strict")
    assert rc == 2 and "openai/gpt-4o-mini was not launched yet on 2024-06-01: from 2024-07-18" in err


def test_catalog_list_and_show(capsys) -> None:
    rc, out, _ = run(capsys, "catalog", "list", "--as-of", "2024-05-12")
    assert rc == 0
    line = next(ln for ln in out.splitlines() if ln.startswith("zhipu/glm-3-turbo "))
    assert line.split()[2:6] == ["CNY", "1", "1", "2024-05-11"]  # GLM-3 Turbo after the 05-11 cut: 1 / 1 CNY
    rc, out, _ = run(capsys, "catalog", "list", "--as-of", "2024-05-10", "-f", "json")
    glm = next(o for o in json.loads(out)["offers"] if o["id"] == "zhipu/glm-3-turbo")
    assert glm["input_per_mtok"] == 5.0
    rc, out, _ = run(capsys, "catalog", "show", "openai/gpt-4o")
    assert rc == 0 and "2024-05-13" in out and "Sources" in out
    rc, out, _ = run(capsys, "catalog", "show", "openai/gpt-4o", "-f", "json")
    hist = json.loads(out)["offer"]["prices"]
    assert hist[0]["input_per_mtok"] == 5.0 and hist[-1]["input_per_mtok"] == 2.5
    for kind in ("model", "benchmark", "profile", "fx"):
        rc, out, err = run(capsys, "catalog", "list", "--kind", kind)
        assert rc == 0 and out, (kind, err)
    rc, out, err = run(capsys, "catalog", "show", "openai/gpt4o")
    assert rc == 2 and "did you mean 'openai/gpt-4o'" in err


def _subprocess(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    e = dict(os.environ)
    e.update(env or {})
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, env=e, cwd=ROOT)


def test_estimate_never_imports_textual_or_rich() -> None:
    code = ("import sys; from tco.cli import main; rc = main(['estimate', %r, '-f', 'json']);"
            "bad = [m for m in ('textual', 'rich') if m in sys.modules]; print('BAD', bad, file=sys.stderr);"
            "sys.exit(rc)") % EXAMPLE
    p = _subprocess("-c", code)
    assert p.returncode == 0, p.stderr
    assert "BAD []" in p.stderr


def test_help_is_light() -> None:
    code = ("import sys\nfrom tco.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "print('HEAVY', [m for m in ('numpy', 'pydantic', 'yaml', 'textual') if m in sys.modules], "
            "file=sys.stderr)")
    p = _subprocess("-c", code)
    assert "HEAVY []" in p.stderr, p.stderr


def test_python_dash_m_and_exit_codes(tmp_path) -> None:
    p = _subprocess("-m", "tco", "estimate", str(tmp_path / "missing.yaml"))
    assert p.returncode == 2 and p.stdout == ""
    assert p.stderr.strip().count("\n") == 0 and "file not found" in p.stderr
    p = _subprocess("-m", "tco", "estimate", EXAMPLE, "-f", "json")
    assert p.returncode == 0 and json.loads(p.stdout)["schema_version"] == 1


def test_warm_runs_skip_pydantic_and_print_the_same(tmp_path) -> None:
    """The second run of an unchanged scenario reads its validated form from the cache: same
    bytes out, and neither pydantic nor yaml (nothing is parsed) nor hashlib (OpenSSL) is imported."""
    env = {"TCO_CACHE_DIR": str(tmp_path / "cache")}
    code = ("import sys; from tco.cli import main; rc = main(['estimate', %r]);"
            "print('PYDANTIC', 'pydantic' in sys.modules, file=sys.stderr);"
            "print('LOADED', sorted(m for m in ('yaml', 'hashlib') if m in sys.modules), file=sys.stderr);"
            "sys.exit(rc)") % EXAMPLE
    cold = _subprocess("-c", code, env=env)
    warm = _subprocess("-c", code, env=env)
    assert cold.returncode == warm.returncode == 0, cold.stderr + warm.stderr
    assert cold.stdout == warm.stdout
    assert "PYDANTIC True" in cold.stderr and "PYDANTIC False" in warm.stderr
    assert "'yaml'" in cold.stderr and "LOADED []" in warm.stderr
    # an edit invalidates the cache: the edited file is validated again and errors are located
    bad = tmp_path / "edited.yaml"
    bad.write_text(Path(EXAMPLE).read_text().replace("requests_per_day: 10000", "requests_per_day: -1"))
    p = _subprocess("-m", "tco", "estimate", str(bad), env=env)
    assert p.returncode == 2 and "edited.yaml:9:21: workload.requests_per_day" in p.stderr
    # an error that only shows on the cached path (a flag) is still reported with its location
    p = _subprocess("-m", "tco", "estimate", EXAMPLE, "--strict", env=env)
    assert p.returncode == 2 and "support-assistant.yaml:18:5: candidates.1: openai/gpt-4o-mini was not launched yet" \
        in p.stderr


def test_app_without_a_terminal_says_so() -> None:
    p = _subprocess("-m", "tco")
    assert p.returncode == 2 and "needs a terminal" in p.stderr and p.stdout == ""


def test_one_wording_for_offers_without_a_price(capsys, tmp_path) -> None:
    """`catalog list` and `estimate` name the two cases alike: an offer not launched yet on the
    date is "from YYYY-MM-DD"; one that existed but whose price then is unknown is "price unknown"
    (issue 8: the list said "not yet" where the estimate said "launched ...")."""
    rc, out, _ = run(capsys, "catalog", "list", "--as-of", "2024-08-01")
    rows = {ln.split()[0]: ln for ln in out.splitlines()[3:]}
    assert rows["openai/gpt-4o-2024-08-06"].endswith("from 2024-08-06")
    assert rows["groq/llama-3.1-8b-instant"].endswith("price unknown (first recorded 2024-10-16)")
    assert rows["cerebras/llama3.1-8b"].endswith("price unknown (first recorded 2024-09-06)")
    s = tmp_path / "s.yaml"
    s.write_text(Path(EXAMPLE).read_text().replace("as_of: 2024-06-01", "as_of: 2024-08-01")
                 .replace("  - openai/gpt-4o-mini\n", "  - openai/gpt-4o-mini\n  - openai/gpt-4o-2024-08-06\n"
                          "  - groq/llama-3.1-8b-instant\n"))
    rc, out, err = run(capsys, "estimate", str(s))
    assert rc == 0, err
    assert "openai/gpt-4o-2024-08-06: not launched yet on 2024-08-01: from 2024-08-06" in out
    assert "groq/llama-3.1-8b-instant: price unknown for groq/llama-3.1-8b-instant on 2024-08-01" in out
    table = out.split("\n\n")[1]
    assert "from 2024-08-06" in table and "price unknown" in table
    for old in ("not yet", "first available", "did not exist", "not available on"):
        assert old not in out + err


def test_catalog_show_and_list_of_today(capsys) -> None:
    # a retired alias: its last day, the model each point served, the off-peak window
    rc, out, _ = run(capsys, "catalog", "show", "deepseek/deepseek-chat")
    assert rc == 0 and "retired on 2026-07-25: it no longer answers from that day" in out
    row = next(ln for ln in out.splitlines() if ln.startswith("2025-02-26"))
    assert "deepseek-v3 " in row and "1/4 (cached 0.25) 16:30-00:30 UTC" in row
    assert next(ln for ln in out.splitlines() if ln.startswith("2026-04-26")).split()[1:3] == ["2026-07-25", "(retired)"]
    d = json.loads(run(capsys, "catalog", "show", "deepseek/deepseek-chat", "-f", "json")[1])["offer"]
    assert d["retired"] == "2026-07-25" and d["prices"][-1]["model"] == "deepseek-v4-flash"
    assert d["prices"][5]["offpeak"]["start_utc"] == "16:30"
    # other API names, cache writes and batch discounts
    rc, out, _ = run(capsys, "catalog", "show", "claude-sonnet-4-20250514")
    assert rc == 0 and out.startswith("anthropic/claude-sonnet-4 ") and "also called: claude-sonnet-4-0" in out
    assert "cache write/1M" in out and "-50%" in out
    # today's list: retired offers say so; an alias shows the model it serves today
    rc, out, _ = run(capsys, "catalog", "list", "--as-of", "2026-11-29", "-f", "json")
    rows = {r["id"]: r for r in json.loads(out)["offers"]}
    assert rows["deepseek/deepseek-chat"]["status"] == "retired 2026-07-25"
    assert rows["deepseek/deepseek-v4-flash"]["model"] == "deepseek-v4.1-flash"
    assert rows["openai/o3"]["input_per_mtok"] == 2.0


def test_an_unwritable_folder_is_named(tmp_path, monkeypatch) -> None:
    # the file may be writable; the temporary file beside it is what the folder refuses
    import tempfile

    import tco.files
    from tco.errors import TcoError

    def refuse(*a, **k):
        raise PermissionError

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    with pytest.raises(TcoError) as e:
        tco.files.atomic_write(tmp_path / "x.txt", "hi")
    assert f"cannot write in its folder {tmp_path}: permission denied" in str(e.value)


def test_catalog_list_takes_the_kind_as_a_word(capsys) -> None:
    """`tco catalog list benchmarks` is what a newcomer types: singular or plural, positional or --kind."""
    rc, plural, _ = run(capsys, "catalog", "list", "benchmarks")
    assert rc == 0 and plural.splitlines()[0].split()[:3] == ["id", "category", "scale"]
    rc, flag, _ = run(capsys, "catalog", "list", "--kind", "benchmark")
    assert rc == 0 and flag == plural
    rc, _, err = run(capsys, "catalog", "list", "gpus", "--kind", "model")
    assert rc == 2 and "two kinds to list: gpu and --kind model" in err
    rc, _, err = run(capsys, "catalog", "list", "prices")
    assert rc == 2 and "cannot list 'prices' (one of: offer, model," in err


def test_an_unknown_argument_points_at_its_commands_help(capsys) -> None:
    rc, _, err = run(capsys, "catalog", "list", "offers", "extra")
    assert rc == 2 and err.strip() == "tco: error: unrecognized arguments: extra (see `tco catalog list --help`)"
    rc, _, err = run(capsys, "estimate", EXAMPLE, "--bogus")
    assert rc == 2 and "(see `tco estimate --help`)" in err and err.count("\n") == 1


def test_profiles_on_a_narrow_terminal_keep_the_description(capsys, monkeypatch) -> None:
    """At 80 columns the description was cut to 'General ass…', the one column needed to pick a
    profile. The description names the weights too, so the weights column goes first."""
    from datetime import date

    from tco.catalog import load_catalog
    from tco.report.catalog import list_catalog

    out = list_catalog(load_catalog(), "profile", date(2026, 11, 29), "table", 80)
    lines = out.splitlines()
    assert lines[0].split() == ["id", "description"] and max(len(x) for x in lines) <= 80
    assert any(x.startswith("general-2026    General assistant of 2026: GPQA Diamond 1") for x in lines)
    assert "weights" in lines[-1] and "--wide" in lines[-1]


def test_small_wording_of_review_7(capsys, tmp_path) -> None:
    # -f wins over the file's extension, said on stderr; an explicit offpeak_share is in the workload header;
    # a candidate with no cost in sensitivity --candidate says why
    target = tmp_path / "x.json"
    rc, _, err = run(capsys, "estimate", EXAMPLE, "-f", "csv", "-o", str(target))
    assert rc == 0 and "writing csv to" in err and target.read_text().startswith("rank,")
    text = Path(EXAMPLE).read_text().replace("  days_per_month: 30 ", "  offpeak_share: 0.3\n  days_per_month: 30 ")
    path = tmp_path / "s.yaml"
    path.write_text(text)
    rc, out, _ = run(capsys, "estimate", str(path))
    assert rc == 0 and "30% of requests off-peak" in out
    rc, out, _ = run(capsys, "sensitivity", EXAMPLE, "--candidate", "openai/gpt-4o-mini")
    assert rc == 0 and "not launched yet on 2024-06-01: from 2024-07-18" in out


def test_the_bill_names_the_model_an_offer_serves_when_its_name_does_not(capsys, tmp_path) -> None:
    """deepseek/deepseek-v4-flash-usd serves DeepSeek V4.1 Flash since 2026-09-10 and openai/gpt-4o the
    2024-08-06 snapshot: the bill's head line says so (a buyer comparing 'V4 Flash self-hosted vs its
    API' saw only the offer's name); an offer named after its model says nothing more."""
    f = tmp_path / "m.yaml"
    f.write_text("name: m\nas_of: 2026-11-29\nworkload: {requests_per_day: 1000, input_tokens: 500, output_tokens: 200}\n"
                 "candidates:\n  - deepseek/deepseek-v4-flash-usd\n  - openai/gpt-4o\n  - anthropic/claude-sonnet-4.6\n")
    assert main(["estimate", str(f)]) == 0
    out = capsys.readouterr().out
    assert "deepseek/deepseek-v4-flash-usd  [deepseek; serves deepseek-v4.1-flash; price from 2026-09-10" in out
    assert "openai/gpt-4o  [openai; serves gpt-4o-2024-08-06; price from" in out
    assert "anthropic/claude-sonnet-4.6  [anthropic; price from" in out


def test_a_bill_line_multiplies(capsys, write) -> None:
    """Every line of the bill is its own quantity x price. With 1 % of the input written to the
    cache, the input line showed all the uncached input (4.56B) beside the amount of what is left
    after the writes (a CFO multiplies: 4.56B x 9 is 41,062.50, not 40,241.25).
    9.125B input/month: 50 % cached = 4.5625B, 1 % written = 91.25M, at the input price
    9.125B x 0.49 = 4.47125B; x CNY 9.00/1M = 40,241.25."""
    f = write("currency: CNY\nas_of: 2026-12-01\n"
              "workload: {requests_per_day: 200000, input_tokens: 1500, output_tokens: 400, cached_input_share: 0.5,"
              " cache_write_share: 0.01}\ncandidates: [deepseek/deepseek-v4-pro]\n")
    rc, out, err = run(capsys, "estimate", str(f))
    assert rc == 0, err
    assert re.search(r"├─ input +4\.47B tok x ¥9\.00/1M +¥40,241\.25", out), out
    assert re.search(r"├─ cache writes +91\.3M tok x ¥9\.00/1M +¥821\.25", out), out
    assert "50% of input cached, 1% written to the cache" in out


def test_amounts_round_half_up_to_the_cent() -> None:
    """An invoice rounds half a cent up. 0.15 x 4,562.5 = 684.375 arrives from the arithmetic as
    684.3749999999999 and printed ¥684.37 while 136.875 printed ¥136.88; Python's own rounding
    also takes exact halves to even (0.125 -> 0.12). Both now go up."""
    from tco.engine.money import round_half_up
    from tco.plan.result import apportion
    from tco.report.format import money

    assert money(684.3749999999999, "CNY") == "¥684.38" and money(136.875, "CNY") == "¥136.88"
    assert money(0.125, "USD") == "$0.13" and money(-0.125, "USD") == "-$0.13" and money(19162.5, "USD", 0) == "$19,163"
    assert round_half_up(2.675) == 2.68 and round_half_up(1234567890.375) == 1234567890.38
    assert math.isnan(round_half_up(float("nan")))
    assert round_half_up(1e300) == 1e300 and round_half_up(-3e20) == -3e20 and round_half_up(1e-300) == 0.0
    # lines of 684.375 and 136.875 add to 821.25: printed 684.38 + 136.88 = 821.26 would be a cent
    # over, so apportion takes the cent back from the line rounding moved most (a tie: the first)
    lines = apportion([684.3749999999999, 136.875], 821.25)
    assert round(sum(lines), 2) == 821.25 and sorted(lines) in ([136.87, 684.38], [136.88, 684.37])


@pytest.mark.parametrize(("as_of", "warned"), [("2026-11-20", False), ("2026-12-01", True), ("2026-12-31", True)])
def test_a_rate_older_than_the_rule_allows_is_said(capsys, write, as_of, warned) -> None:
    """The catalog's monthly averages are usable from the 1st of the next month, so on 2026-12-01 the
    November average is what the rule would use; the catalog stops at October (no public copy read):
    a CNY report of USD prices says which average it used and that a newer one is not on record."""
    f = write(f"currency: CNY\nas_of: {as_of}\n"
              "workload: {requests_per_day: 1000, input_tokens: 1000, output_tokens: 100}\n"
              "candidates: [openai/gpt-4o]\n")
    assert main(["estimate", str(f)]) == 0
    out = capsys.readouterr().out
    said = "CNY rate 6.68499 is the 2026-10 average" in out and "the 2026-11 average, known from 2026-12-01, is not on record" in out
    assert said is warned, out


def test_output_to_dev_stdout_in_a_pipe() -> None:
    """`-o /dev/stdout` is a CI idiom; in a pipe /dev/stdout links to pipe:[...], which no path
    names, and the atomic writer failed with "No such file or directory"."""
    p = subprocess.run([sys.executable, "-m", "tco", "estimate", EXAMPLE, "-f", "json", "-o", "/dev/stdout"],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["schema_version"] == 1


def test_a_date_when_every_candidate_is_gone_is_an_error_as_before_any_launched(capsys, write) -> None:
    """A CI user's review: on 2020-01-01 (none launched) exit 2, on 2030-01-01 (all retired) exit 0
    with every row retired and no answer. Both are one error naming the date and the way out;
    a date after today is priced with a warning that it is today's knowledge."""
    rc, out, err = run(capsys, "estimate", EXAMPLE, "--as-of", "2030-01-01")
    assert rc == 2 and out == ""
    assert ("none of the 4 candidates can be priced on 2030-01-01: 4 retired by then (the last to retire is "
            "openai/gpt-4o-mini, on 2027-01-14: use an earlier as_of date") in err
    rc, out, err = run(capsys, "estimate", EXAMPLE, "--as-of", "2020-01-01")
    assert rc == 2 and "4 not launched yet" in err
    # a self-hosted candidate is priced on any later date (no offer to retire)
    own = write("workload: {requests_per_day: 1000, input_tokens: 500, output_tokens: 100}\n"
                "candidates:\n  - selfhost: {model: llama-3.1-8b-instruct, gpu: h100-sxm-80gb, rent_per_gpu_hour: 2}\n")
    later = (date.today() + __import__("datetime").timedelta(days=40)).isoformat()
    rc, out, err = run(capsys, "estimate", str(own), "--as-of", later)
    assert rc == 0 and f"as of {later} is after today" in out, err
    rc, out, err = run(capsys, "estimate", str(own), "--as-of", "2025-09-01")
    assert rc == 0 and "after today" not in out


def test_traffic_by_hour_gives_each_vendor_its_own_off_peak_share(capsys, write) -> None:
    """A Chinese buyer's wish: one offpeak_share served every vendor, though each has its own
    windows. traffic_by_hour (local hours at utc_offset) puts the day's traffic into each
    offer's windows. DeepSeek V4 (UTC 10:00-01:00 and 04:00-06:00, weekends all day) is Beijing
    18:00-09:00 and 12:00-14:00; weights 3 for 00-08 and 5 for 08-24: the day has 8 x 3 + 16 x 5
    = 104, off-peak 6 x 5 (18-24) + 8 x 3 (0-8) + 1 x 5 (8-9) + 2 x 5 (12-14) = 69; the week
    (5 x 69/104 + 2) / 7 = 0.759615."""
    f = write("currency: CNY\nas_of: 2026-12-01\nworkload:\n  requests_per_day: 200000\n  input_tokens: 1500\n"
              "  output_tokens: 400\n  traffic_by_hour:\n    utc_offset: 8\n"
              "    weights: [3,3,3,3,3,3,3,3, 5,5,5,5,5,5,5,5,5,5,5,5,5,5,5,5]\ncandidates: [deepseek/deepseek-v4-pro]\n")
    rc, out, err = run(capsys, "estimate", str(f), "-f", "json")
    assert rc == 0, err
    (c,) = json.loads(out)["candidates"]
    assert c["price"]["offpeak"]["share"] == 0.759615
    assert not any("as if traffic were spread evenly" in w for w in c["warnings"])
    both = write("as_of: 2026-12-01\nworkload: {requests_per_day: 1000, input_tokens: 10, output_tokens: 10,"
                 " offpeak_share: 0.5, traffic_by_hour: {weights: [1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1]}}\n"
                 "candidates: [deepseek/deepseek-v4-pro]\n", "both.yaml")
    rc, out, err = run(capsys, "estimate", str(both))
    assert rc == 2 and "give offpeak_share (one share for every offer) or traffic_by_hour" in err
    short = write("as_of: 2026-12-01\nworkload: {requests_per_day: 1000, input_tokens: 10, output_tokens: 10,"
                  " traffic_by_hour: {weights: [1, 2, 3]}}\ncandidates: [deepseek/deepseek-v4-pro]\n", "short.yaml")
    rc, out, err = run(capsys, "estimate", str(short))
    assert rc == 2 and "traffic_by_hour.weights" in err and "24" in err, err


def test_the_text_table_folds_the_apis_a_selfhosted_candidate_never_beats(capsys, write) -> None:
    """As the report does: one line for three or more APIs never beaten at any volume."""
    f = write("as_of: 2026-06-01\nworkload: {requests_per_day: 2000, input_tokens: 1000, output_tokens: 200}\n"
              "candidates:\n  - openai/gpt-4.1-nano\n  - google/gemini-2.5-flash-lite\n  - deepseek/deepseek-v4-flash\n"
              "  - anthropic/claude-opus-4-1\n"
              "  - selfhost: {name: rented node, model: llama-3.1-70b-instruct, gpu: h100-sxm-80gb,"
              " rent_per_gpu_hour: 2.5}\n")
    rc, out, err = run(capsys, "estimate", str(f))
    assert rc == 0, err
    section = out[out.index("Break-even"):out.index("Breakdown")]
    assert ("rented node vs 3 APIs (openai/gpt-4.1-nano, google/gemini-2.5-flash-lite, deepseek/deepseek-v4-flash): "
            "never cheaper") in section
    assert "rented node vs anthropic/claude-opus-4.1: cheaper at" in section
