"""Bad input: one line on stderr naming file:line:col and field, exit 2, no traceback."""

from __future__ import annotations

import re

import pytest

from tco.cli import main

GOOD = """\
name: fixture
as_of: 2024-06-01
workload:
  requests_per_day: 10000
  input_tokens: 1500
  output_tokens: 500
quality:
  profile: {mmlu: 1, humaneval: 1}
candidates:
  - acme/flat
  - yuan/chat
"""


def run(capsys, path, *extra: str, command: str = "estimate") -> tuple[int, str, str]:
    from tests.conftest import FIXTURE_CATALOG

    rc = main([command, str(path), "--catalog", str(FIXTURE_CATALOG), *extra])
    out, err = capsys.readouterr()
    return rc, out, err


def one_line_error(rc: int, out: str, err: str) -> str:
    assert rc == 2, err
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("tco: error: ")
    assert "Traceback" not in err
    return lines[0]


CASES = [
    # (replace this, with this, expected regex of the error line)
    ("  requests_per_day: 10000\n", "  requests_per_day: 10000\n  input_tokens 1500\n",
     r"scenario.yaml:6:\d+: YAML syntax error"),
    ("  output_tokens: 500\n", "  output_tokens: 500\n  outptu_tokens: 500\n",
     r"scenario.yaml:7:3: workload.outptu_tokens: unknown field \(did you mean 'output_tokens'\?\)"),
    ("name: fixture\n", "name: fixture\ncandidate: []\n",
     r"scenario.yaml:2:1: candidate: unknown field \(did you mean 'candidates'\?\)"),
    ("requests_per_day: 10000", "requests_per_day: 0",
     r"scenario.yaml:4:21: workload.requests_per_day: must be more than 0 \(got 0\) \(requests per day, e.g. requests_per_day: 10000 or 10k\)"),
    ("requests_per_day: 10000", "requests_per_day: -5",
     r"scenario.yaml:4:21: workload.requests_per_day: must be more than 0 \(got -5\)"),
    ("requests_per_day: 10000", "requests_per_day: lots",
     r"scenario.yaml:4:21: workload.requests_per_day: not a number: 'lots' \(write e.g. 10000, 10,000, 10k or 1.5M\)"),
    ("input_tokens: 1500", "input_tokens: '15OO'",
     r"scenario.yaml:5:17: workload.input_tokens: not a number: '15OO'"),
    ("output_tokens: 500", "output_tokens: .nan",
     r"scenario.yaml:6:18: workload.output_tokens: must be a finite number \(not .nan or .inf\)"),
    ("output_tokens: 500", "output_tokens: true",
     # the hint names the forms a length may take since lengths can be distributions (issue 11)
     r"scenario.yaml:6:18: workload.output_tokens: must be a number \(got true\) \(output tokens per request: a mean, "
     r"a named mix or percentiles, e.g. output_tokens: 500, output_tokens: chat or output_tokens: \{p50: 200, p90: 600\}\)"),
    ("  requests_per_day: 10000\n", "",
     r"scenario.yaml:4:3: workload: .*give exactly one of requests_per_day or requests_per_month"),
    ("  - acme/flat\n", "  - acme/flatt\n",
     r"scenario.yaml:10:5: candidates.0: unknown offer 'acme/flatt' \(did you mean 'acme/flat'"),
    ("  - acme/flat\n", "  - {offer: acme/flat, discont: 0.1}\n",
     r"scenario.yaml:10:\d+: candidates.0.discont: unknown field \(did you mean 'discount'\?\)"),
    ("{mmlu: 1, humaneval: 1}", "{mmlu: 1, humaneval2: 1}",
     r"scenario.yaml:8:\d+: quality.profile.humaneval2: unknown benchmark 'humaneval2' \(did you mean 'humaneval'"),
    ("{mmlu: 1, humaneval: 1}", "generl",
     r"scenario.yaml:8:12: quality.profile: unknown quality profile 'generl' \(did you mean 'general'"),
    ("  profile: {mmlu: 1, humaneval: 1}\n", "  profile: general\n  scores: {gpt-4oo: {mmlu: 80}}\n",
     r"scenario.yaml:9:\d+: quality.scores.gpt-4oo: unknown model 'gpt-4oo'"),
    ("as_of: 2024-06-01", "as_of: 2023-01-01",
     # several candidates, none priced on the date: the date is named, not the first candidate
     r"scenario.yaml:9:1: candidates: none of the \d candidates can be priced on 2023-01-01: 1 not launched yet, "
     r"1 with no price on record then \(the first to launch is acme/\w+, on 2024-01-01: use an as_of date from then on\)"),
    ("name: fixture\n", "name: fixture\ncurrency: EUR\n",
     r"scenario.yaml:2:11: currency: no exchange rate for currency 'EUR'"),
    ("name: fixture\n", "name: fixture\ncurrency: euros!\n",
     r"scenario.yaml:2:11: currency: must be a 3-letter ISO currency code \(got 'euros!'\)"),
    ("candidates:\n  - acme/flat\n  - yuan/chat\n", "candidates: []\n",
     r"scenario.yaml:9:13: candidates: .*the candidate list is empty"),
    ("candidates:\n  - acme/flat\n  - yuan/chat\n", "candidates:\n",
     r"scenario.yaml:9:\d+: candidates: .*the candidate list is empty"),
    ("  - yuan/chat\n", "  - acme/flat\n",
     r"scenario.yaml:11:5: candidates.1: candidate 'acme/flat' is listed twice"),
    ("as_of: 2024-06-01", "as_of: 2024-02-30",
     r"scenario.yaml:2:8: as_of: invalid date '2024-02-30': day is out of range for month \(write dates as YYYY-MM-DD\)"),
    ("  output_tokens: 500\n", "  output_tokens: 500\n  output_tokens: 900\n",
     r"scenario.yaml:7:3: duplicate key 'output_tokens' \(first at line 6\)"),
    ("{mmlu: 1, humaneval: 1}", "{mmlu: 1, mmlu: 5, humaneval: 1}", r"scenario.yaml:8:22: duplicate key 'mmlu'"),
    ("name: fixture\n", 'name: "two\\nlines"\n',
     r"scenario.yaml:1:7: name: must be one line of text, without control characters"),
    ("  - acme/flat\n", "  - ACME/Flat\n", r"candidates.0: unknown offer 'ACME/Flat' \(did you mean 'acme/flat'\?\)"),
    ("requests_per_day: 10000", "requests_per_day: 1.0e+30",
     r"scenario.yaml:4:21: workload.requests_per_day: must be at most 100,000,000,000 \(got 1e\+30\)"),
    ("{mmlu: 1, humaneval: 1}", "[mmlu, humaneval]",
     r"scenario.yaml:8:12: quality.profile: give a built-in profile name .* or benchmark weights"),
    ("as_of: 2024-06-01", "as_of: 20240601", r"scenario.yaml:2:8: as_of: must be a date YYYY-MM-DD \(got 20240601\)"),
    # a misspelt key of a range is one mistake: the missing 'high' is not reported beside it
    ("requests_per_day: 10000", "requests_per_day: {low: 5000, likely: 10000, hihg: 20000}",
     r"scenario.yaml:4:\d+: workload.requests_per_day.hihg: unknown field \(did you mean 'high'\?\)"),
    ("requests_per_day: 10000", "requests_per_day: {lo: 5000, likely: 10000, high: 20000}",
     r"scenario.yaml:4:\d+: workload.requests_per_day.lo: unknown field \(did you mean 'low'\?\)"),
    ("as_of: 2024-06-01", "as_of: June",
     r"scenario.yaml:2:8: as_of: must be a date YYYY-MM-DD \(got 'June'\) \(the price date, e.g. as_of: 2024-06-01\)"),
]


@pytest.mark.parametrize(("old", "new", "expected"), CASES, ids=[c[2][:40] for c in CASES])
def test_bad_input_one_line(capsys, write, old: str, new: str, expected: str) -> None:
    assert old in GOOD
    path = write(GOOD.replace(old, new, 1))
    line = one_line_error(*run(capsys, path))
    assert re.search(expected, line), line


def test_good_input_runs(capsys, write) -> None:
    rc, out, err = run(capsys, write(GOOD))
    assert rc == 0, err
    assert "acme/flat" in out


def test_missing_file(capsys, tmp_path) -> None:
    line = one_line_error(*run(capsys, tmp_path / "nope.yaml"))
    assert "nope.yaml: file not found" in line


def test_not_a_mapping(capsys, write) -> None:
    line = one_line_error(*run(capsys, write("- just\n- a list\n")))
    assert re.search(r"scenario.yaml:1:1: expected a mapping", line)


def test_empty_file(capsys, write) -> None:
    line = one_line_error(*run(capsys, write("")))
    assert "got an empty file" in line


def test_as_of_before_launch_strict(capsys, write) -> None:
    path = write(GOOD.replace("  - yuan/chat\n", "  - yuan/chat\n  - acme/late\n"))
    rc, out, err = run(capsys, path)
    assert rc == 0 and "from 2024-07-18" in out  # default: kept, marked, warned
    line = one_line_error(*run(capsys, path, "--strict"))
    assert re.search(r"scenario.yaml:12:5: candidates.2: acme/late was not launched yet on 2024-06-01: from "
                     r"2024-07-18 \(use an as_of date on or after 2024-07-18\)", line)


def test_bad_flags_exit_2(capsys, write) -> None:
    path = write(GOOD)
    rc, out, err = run(capsys, path, "--as-of", "yesterday")
    assert rc == 2 and "invalid date 'yesterday'" in err and out == ""
    rc, out, err = run(capsys, path, "--format", "xml")
    assert rc == 2 and "invalid choice: 'xml'" in err
    rc, out, err = run(capsys, path, "--currency", "GBP")
    assert rc == 2 and "no exchange rate for currency 'GBP'" in err


def test_bad_catalog_dir(capsys, write, tmp_path) -> None:
    rc = main(["estimate", str(write(GOOD)), "--catalog", str(tmp_path / "missing")])
    out, err = capsys.readouterr()
    assert rc == 2 and "catalog directory not found" in err


def test_invalid_catalog_file_is_located(capsys, write, tmp_path) -> None:
    import shutil

    from tests.conftest import FIXTURE_CATALOG

    cat = tmp_path / "cat"
    shutil.copytree(FIXTURE_CATALOG, cat)
    p = cat / "api" / "acme.yaml"
    p.write_text(p.read_text().replace("input: 4\n", "input: -4\n", 1))
    rc = main(["estimate", str(write(GOOD)), "--catalog", str(cat)])
    out, err = capsys.readouterr()
    assert rc == 2
    assert re.search(r"acme.yaml:\d+:\d+: offers.0.prices.0.input: must be at least 0 \(got -4\)", err)


def test_before_first_recorded_price(capsys, write) -> None:
    text = GOOD.replace("as_of: 2024-06-01", "as_of: 2024-01-01").replace("  - acme/flat\n", "")
    line = one_line_error(*run(capsys, write(text)))
    # no launch date on record: it may have existed, so its price is unknown (not "not launched yet");
    # with no candidate priced on the date, that is an error
    assert re.search(r"scenario.yaml:10:5: candidates.0: price unknown for yuan/chat on 2024-01-01: yuan/chat's "
                     r"launch date is not on record, and its earliest recorded price is from 2024-04-25", line), line
