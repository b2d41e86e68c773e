"""Input as people write it (issue 8): every independent error of a file at once, numbers
like 10k and 30%, currency names like RMB, messages in the field's own words, long values
cut. Each test is a mistake a new user made."""

from __future__ import annotations

import json
import re

import pytest

from tco.cli import main
from tests.conftest import ROOT

SUPPORT = (ROOT / "scenarios" / "support-assistant.yaml").read_text(encoding="utf-8")
CHINA = (ROOT / "scenarios" / "china-price-war.yaml").read_text(encoding="utf-8")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    rc = main(list(argv))
    out, err = capsys.readouterr()
    return rc, out, err


def errors(err: str) -> list[str]:
    lines = err.strip().splitlines()
    assert lines and all(line.startswith("tco: error: ") for line in lines), err
    assert "Traceback" not in err
    return lines


def test_every_independent_error_of_a_file_is_reported_in_file_order(capsys, write) -> None:
    path = write("name: bad\nworkload:\n  requests_per_day: -5\n  input_tokens: lots\n  output_tokens: 1,5\n"
                 "  batch_sahre: 0.1\ncandidates:\n  - openai/gpt-4o\n"
                 "  - selfhost: {model: llama-3.1-70b-instruct, gpu: h100-sxm-80gb, buy: true}\n")
    rc, out, err = run(capsys, "estimate", str(path))
    lines = errors(err)
    assert rc == 2 and out == ""
    where = [re.search(r"scenario.yaml:(\d+):(\d+): (\S+):", x).groups() for x in lines]
    assert [w[2] for w in where] == ["workload.requests_per_day", "workload.input_tokens", "workload.output_tokens",
                                     "workload.batch_sahre", "candidates.1.selfhost.buy"]
    assert [int(w[0]) for w in where] == sorted(int(w[0]) for w in where)
    assert "must be more than 0 (got -5) (requests per day, e.g. requests_per_day: 10000 or 10k)" in lines[0]
    assert "'1,5' is ambiguous (a decimal comma?): write 1.5 or 15" in lines[2]
    assert "buy: must be a mapping" in lines[4] and "buy: {}" in lines[4]


def test_unknown_ids_are_all_reported(capsys, write) -> None:
    path = write("name: ids\nworkload: {requests_per_day: 10000, input_tokens: 1500, output_tokens: 500}\n"
                 "candidates:\n  - openai/gpt4o\n  - anthropic/claude-3.5-sonet\n"
                 "  - selfhost: {model: llama-3.1-70b-instrct, gpu: h100}\n")
    lines = errors(run(capsys, "estimate", str(path))[2])
    assert len(lines) == 4
    assert "4:5: candidates.0: unknown offer 'openai/gpt4o' (did you mean 'openai/gpt-4o'" in lines[0]
    assert "candidates.2.selfhost.gpu: unknown GPU 'h100' (did you mean 'h100-sxm-80gb'" in lines[3]


def test_errors_past_the_limit_are_counted(capsys, write) -> None:
    extra = "".join(f"  field_{k}: 1\n" for k in range(30))
    path = write(SUPPORT.replace("workload:\n", "workload:\n" + extra, 1))
    lines = errors(run(capsys, "estimate", str(path))[2])
    assert len(lines) == 21 and lines[-1] == "tco: error: ... and 10 more errors not listed (fix these first)"


@pytest.mark.parametrize(("written", "plain"), [
    ("requests_per_day: 10k", "requests_per_day: 10000"),
    ("requests_per_day: '10,000'", "requests_per_day: 10000"),
    ("requests_per_day: 10 000", "requests_per_day: 10000"),
    ("requests_per_day: 0.01M", "requests_per_day: 10000"),
    ("input_tokens: 1.5k", "input_tokens: 1500"),
])
def test_numbers_as_people_write_them_mean_the_plain_number(capsys, write, written: str, plain: str) -> None:
    key = plain.split(":")[0]
    base = re.search(rf"{key}: \S+", SUPPORT).group(0)
    want = run(capsys, "estimate", str(write(SUPPORT.replace(base, plain), "a.yaml")), "-f", "json")[1]
    got = run(capsys, "estimate", str(write(SUPPORT.replace(base, written), "b.yaml")), "-f", "json")[1]
    assert json.loads(got)["candidates"] == json.loads(want)["candidates"]


def test_a_percentage_is_a_share(capsys, write) -> None:
    text = SUPPORT.replace("  output_tokens: 500\n", "  output_tokens: 500\n  cached_input_share: SHARE\n")
    a = run(capsys, "estimate", str(write(text.replace("SHARE", "30%"), "a.yaml")), "-f", "json", "--as-of", "2024-11-01")[1]
    b = run(capsys, "estimate", str(write(text.replace("SHARE", "0.3"), "b.yaml")), "-f", "json", "--as-of", "2024-11-01")[1]
    assert json.loads(a)["workload"]["cached_input_share"] == 0.3
    assert json.loads(a)["candidates"] == json.loads(b)["candidates"]


def test_currency_names_people_type(capsys, write) -> None:
    want = json.loads(run(capsys, "estimate", str(write(CHINA, "cny.yaml")), "-f", "json")[1])
    for name in ("cny", "RMB", "yuan"):
        got = json.loads(run(capsys, "estimate", str(write(CHINA.replace("currency: CNY", f"currency: {name}"),
                                                            f"{name}.yaml")), "-f", "json")[1])
        assert got["currency"] == "CNY" and got["candidates"] == want["candidates"], name
    flag = json.loads(run(capsys, "estimate", str(write(CHINA, "f.yaml")), "--currency", "rmb", "-f", "json")[1])
    assert flag["candidates"] == want["candidates"]
    rc, _, err = run(capsys, "estimate", str(write(CHINA, "y.yaml")), "--currency", "¥")
    assert rc == 2 and "'¥' is ambiguous: write CNY or JPY" in err


def test_a_rate_for_an_alias_is_the_currency_s_own_rate(capsys, write) -> None:
    """fx: {RMB: 7.2} is the CNY rate: CNY prices are never converted through USD into a
    user-made currency 'RMB' (750 CNY stays 750 CNY; it used to become 2,414.99)."""
    text = CHINA.replace("currency: CNY", "currency: RMB\nfx: {RMB: 7.2}")
    got = json.loads(run(capsys, "estimate", str(write(text)), "-f", "json")[1])
    assert got["currency"] == "CNY" and got["fx"]["CNY"]["per_usd"] == 7.2
    ds = next(c for c in got["candidates"] if c["id"] == "deepseek/deepseek-chat")
    # 304,166.67 requests x (500 x 1 + 100 x 2) CNY / 1M = 212.92 CNY, no conversion at all
    assert ds["monthly_cost"] == pytest.approx(212.92, abs=0.01)
    rc, _, err = run(capsys, "estimate", str(write(CHINA.replace("currency: CNY", "fx: {RMB: 7.2, CNY: 7.1}"),
                                                  "twice.yaml")))
    assert rc == 2 and "both CNY" in err


def test_long_values_are_cut_in_messages(capsys, write) -> None:
    long_id = "x" * 5000
    rc, _, err = run(capsys, "estimate", str(write(SUPPORT.replace("currency: USD", f"currency: {long_id}"))))
    line = errors(err)[0]
    assert rc == 2 and len(line) < 400 and "(5,000 characters)" in line  # the value, not its quotes


def test_no_pydantic_phrase_reaches_the_user(capsys, write) -> None:
    bad = {"requests_per_day: 10000": "requests_per_day: [1, 2]", "input_tokens: 1500": "input_tokens: -3",
           "as_of: 2024-06-01": "as_of: soon", "currency: USD": "currency: 12"}
    text = SUPPORT
    for a, b in bad.items():
        assert a in text, a
        text = text.replace(a, b)
    lines = errors(run(capsys, "estimate", str(write(text)))[2])
    assert len(lines) == 4
    for line in lines:
        assert not re.search(r"Input should|String should|valid dictionary|instance of", line), line
        assert "e.g." in line, line


def test_yaml_mistakes_in_the_user_s_words(capsys, write) -> None:
    tab = write("name: t\nworkload:\n\trequests_per_day: 10\n  input_tokens: 1\n  output_tokens: 1\n"
                "candidates: [openai/gpt-4o]\n", "tab.yaml")
    line = errors(run(capsys, "estimate", str(tab))[2])[0]
    assert "tab.yaml:3:1: YAML syntax error: a tab in the indentation (YAML indents with spaces only" in line
    flow = write("name: t\nworkload: {requests_per_day: 10, input_tokens: 1, output_tokens: 1}\ncandidates:\n"
                 "  - {offer: openai/gpt-4o, label: Team #1}\n  - {offer: openai/gpt-4o-mini, label: Team #2}\n",
                 "flow.yaml")
    assert "' #' starts a comment in YAML: quote a value that contains #" in errors(run(capsys, "estimate",
                                                                                          str(flow))[2])[0]
    block = write("name: t\nworkload: {requests_per_day: 10, input_tokens: 1, output_tokens: 1}\ncandidates:\n"
                  "  - offer: openai/gpt-4o\n    label: Team #1\n  - offer: openai/gpt-4o-mini\n    label: Team #2\n",
                  "block.yaml")
    line = errors(run(capsys, "estimate", str(block))[2])[0]
    assert "candidate 'Team' is listed twice (the text after ' #' is a comment in YAML" in line


def test_the_library_reads_a_currency_as_the_command_line_does(catalog) -> None:
    # tco estimate --currency EURO meant EUR, while tco.estimate(s, currency="EURO") raised
    import tco
    from tco.errors import TcoError

    s = tco.parse_scenario(SUPPORT, "s.yaml", catalog)
    assert tco.estimate(s, catalog, currency="EURO").currency == "EUR"
    assert tco.estimate(s, catalog, currency="rmb").currency == "CNY"
    with pytest.raises(TcoError, match="not a currency: 'euros!'"):
        tco.estimate(s, catalog, currency="euros!")


@pytest.mark.parametrize(("old", "new", "says"), [
    ("  input_tokens: 1500", " input_tokens: 1500", "indented by 1 space, the lines around it by 2"),
    ("  output_tokens: 500", "   output_tokens: 500", "indented by 3 spaces, the lines around it by 2"),
])
def test_a_misindented_line_is_said_to_be_one(capsys, tmp_path, old: str, new: str, says: str) -> None:
    # the line had a trailing "# mean per request" comment and the hint blamed '#' in values
    path = tmp_path / "s.yaml"
    assert old in SUPPORT
    path.write_text(SUPPORT.replace(old, new, 1))
    err = errors(run(capsys, "estimate", str(path))[2])
    assert len(err) == 1 and says in err[0] and "comment" not in err[0]


def test_a_word_beside_a_number_gets_the_right_hint(capsys, tmp_path) -> None:
    # '1500 tokens' was told "thousands are grouped by three: 10,000"
    from tco.schema.numbers import parse_number

    with pytest.raises(ValueError, match=r"not a number: '1500 tokens' \(write the number alone"):
        parse_number("1500 tokens")
    with pytest.raises(ValueError, match=r"write e.g. 10000, 10,000, 10k or 1.5M"):
        parse_number("lots")


def test_selfhost_lengths_read_numbers_as_files_do(capsys) -> None:
    # --input-tokens 1.5k was "unknown length mix '1.5k'" while input_tokens: 1.5k works in a scenario
    rc, out, err = run(capsys, "selfhost", "llama-3.1-70b-instruct", "--gpu", "h100-sxm-80gb", "--input-tokens", "1.5k",
                       "--output-tokens", "p50=200,p90=1k", "-f", "json")
    data = json.loads(out)
    assert rc == 0 and data["input_tokens"] == 1500 and data["output_distribution"]["p90"] == pytest.approx(1000, rel=0.05)


def test_selfhost_volume_flags_read_numbers_as_files_do(capsys) -> None:
    # --requests-per-day 100k was "invalid float value"; p90=1,500 in a percentile list was "'500' is not pNN=TOKENS"
    rc, out, err = run(capsys, "selfhost", "llama-3.1-70b-instruct", "--gpu", "h100-sxm-80gb", "--requests-per-day",
                       "100k", "--rent-per-gpu-hour", "2.99", "--precision", "fp8", "-f", "json")
    assert rc == 0 and json.loads(out)["capacity"]["requests_per_day"] == 100_000
    rc, out, err = run(capsys, "selfhost", "llama-3.1-70b-instruct", "--gpu", "h100-sxm-80gb",
                       "--input-tokens", "p50=1.5k,p90=1,500")
    assert rc == 2 and "without a thousands comma" in err and len(err.strip().splitlines()) == 1


# --------------------------------------------------------------------------- a bad-input review, 2026-12-01

SH = ["selfhost", "llama-3.1-70b-instruct", "--gpu", "h100-sxm-80gb"]


@pytest.mark.parametrize(("argv", "said"), [
    # pydantic's validator chain was printed as the field: "utilization.function-after[forbid_inf_nan_check(), ..."
    (["--utilization", "0"], "tco: error: --utilization: must be more than 0 (got 0.0)"),
    (["--utilization", "2"], "tco: error: --utilization: must be at most 1 (got 2.0)"),
    # 1e300 requests a day gave a 300-digit monthly cost; scenario files stop at 1e11
    (["--requests-per-day", "1e300"], "--requests-per-day must be between 0 and 100 billion"),
    # the bad value is named, not only the missing flag
    (["--speculative-acceptance", "1.5"], "(given: --speculative-acceptance 1.5)"),
    # one percentile alone priced every request at p90; a mean far below the percentiles was taken
    (["--input-tokens", "p90=3000"], "one percentile alone (p90 = 3,000) gives no spread"),
    (["--input-tokens", "p90=3000,mean=1500"], "one percentile alone (p90 = 3,000) gives no spread (with a mean it "
                                               "would be dropped)"),
    # at least 0.4 x 200 + 0.1 x 600 = 140: half the requests have 200 tokens or more, a tenth 600
    (["--input-tokens", "p50=200,p90=600,mean=5"], "mean 5 is below what the percentiles allow (at least 140"),
    (["--output-tokens", "hist:0-100=0.5,100-500=0.3,500-2000=0.1"], "histogram weights add up to 0.9"),
])
def test_selfhost_flags_say_what_is_wrong_in_plain_words(capsys, argv: list[str], said: str) -> None:
    code, _out, err = run(capsys, *SH, *argv)
    assert code == 2 and len(err.strip().splitlines()) == 1 and said in err, err
    assert "function-after" not in err and "Traceback" not in err


@pytest.mark.parametrize("spec", [
    "p90=2000,p99=8000,mean=700",  # upper percentiles only: the mean may sit far below p90 (floor 0.09 x 2,000 + 0.01 x 8,000 = 260)
    "p50=1000,p75=2000,mean=2600",  # a heavy tail: a mean above the top percentile given
    "p25=8,p50=14,mean=28",
    "hist:0-100=1,100-500=0,500-2000=1",  # whole numbers are counts, not shares adding to 2
])
def test_realistic_length_distributions_are_taken(capsys, spec: str) -> None:
    """A review: the first checks refused these, which are real shapes (the code mix has such a tail)."""
    code, _out, err = run(capsys, *SH, "--input-tokens", spec)
    assert code == 0, err


def test_histogram_counts_are_rescaled_and_shares_must_add_up(capsys) -> None:
    # counts of requests (weights above 1) are rescaled as they are: 500/400/100 is 0.5/0.4/0.1
    a = run(capsys, *SH, "--output-tokens", "hist:0-100=500,100-500=400,500-2000=100", "-f", "json")
    b = run(capsys, *SH, "--output-tokens", "hist:0-100=0.5,100-500=0.4,500-2000=0.1", "-f", "json")
    assert a[0] == b[0] == 0 and json.loads(a[1])["output_tokens"] == json.loads(b[1])["output_tokens"]


def test_a_long_value_is_cut_inside_its_quotes_and_the_hint_stays_whole(capsys, write) -> None:
    # the message read "(got 'xxxx……' (95 characters)s title, e.g. name: ...)": the cut took the hint
    path = write("name: " + "x" * 100_000 + "\nworkload: {requests_per_day: 10, input_tokens: 10, output_tokens: 10}\n"
                 "candidates: [openai/gpt-4o]\n")
    code, _out, err = run(capsys, "validate", str(path))
    assert code == 2
    assert err.strip().endswith("(got '" + "x" * 59 + "…' (100,000 characters)) (the scenario's title, e.g. name: "
                                "Support assistant)"), err


def test_a_free_offer_and_a_fraction_for_a_percentage_are_warned(capsys, write) -> None:
    path = write("name: d\nas_of: 2024-09-01\nworkload: {requests_per_day: 1000, input_tokens: 100, output_tokens: 100}\n"
                 "quality: {profile: {mmlu-cot: 1}, scores: {gpt-4o: {mmlu-cot: 0.887}}}\n"
                 "candidates:\n  - {offer: openai/gpt-4o, discount: 1}\n  - openai/gpt-4o-mini\n")
    code, out, _err = run(capsys, "estimate", str(path))
    assert code == 0
    assert "openai/gpt-4o: discount 100%: this offer costs nothing in this estimate" in out
    assert "quality.scores: gpt-4o mmlu-cot 0.887 is taken as 0.887 of 0-100" in out and "write 88.7" in out


@pytest.mark.parametrize(("edit", "said"), [
    (lambda d: d["candidates"].__setitem__(0, "x"), 'candidates.0: must be a mapping of a candidate\'s results (got "x")'),
    (lambda d: d["candidates"][0].pop("id"), "candidates.0.id: must be the candidate's id (got null)"),
    (lambda d: d.__setitem__("candidates", {}), "candidates: must be a list of candidates (got {})"),
    (lambda d: d["candidates"][0].__setitem__("monthly_cost", "abc"),
     'candidates.0.monthly_cost: must be a number or null (got "abc")'),
    (lambda d: d["candidates"][0].__setitem__("monthly_cost", -5), "candidates.0.monthly_cost: must be zero or more"),
])
def test_diff_reads_a_hand_edited_estimate_as_bad_input(capsys, tmp_path, edit, said) -> None:
    """An edited saved estimate was an internal error (AttributeError, KeyError, ValueError), and a
    negative cost a "-196 %" verdict with exit 0."""
    saved = tmp_path / "a.json"
    assert main(["estimate", str(ROOT / "scenarios" / "support-assistant.yaml"), "-f", "json", "-o", str(saved)]) == 0
    capsys.readouterr()
    d = json.loads(saved.read_text())
    edit(d)
    bad = tmp_path / "b.json"
    bad.write_text(json.dumps(d))
    code, _out, err = run(capsys, "diff", str(saved), str(bad))
    assert code == 2 and f"{bad}: {said}" in err and "internal error" not in err, err
    # --as-of on two saved estimates was ignored (rc 0): it cannot re-date them
    code, _out, err = run(capsys, "diff", str(saved), str(saved), "--as-of", "2025-01-01")
    assert code == 2 and "a saved estimate as of 2024-06-01 cannot be shown as of 2025-01-01" in err


def test_too_few_samples_are_said_to_be_rough(capsys) -> None:
    code, out, _err = run(capsys, "estimate", str(ROOT / "scenarios" / "405b-under-uncertainty.yaml"), "--samples", "10")
    assert code == 0 and "10 samples: P10-P90 and the chances move from one seed to the next" in out


def test_a_catalog_price_in_a_currency_without_rates_says_whose_price_it_is(capsys, tmp_path, monkeypatch) -> None:
    """It read "candidates.0: no exchange rate for currency 'XYZ' (... give one in the scenario's fx:
    section)" without saying the catalog's price was in XYZ. A custom catalog may price in a currency
    only the scenario's fx: gives a rate for (a review: refusing it at load broke that), so the error
    stays the scenario's, naming the offer and both places a rate can go."""
    import shutil

    cat = tmp_path / "cat"
    shutil.copytree(ROOT / "pricing", cat)
    path = cat / "api" / "zhipu.yaml"  # glm-3-turbo's first price (2024-04-10) in XYZ
    path.write_text(path.read_text(encoding="utf-8").replace("currency: CNY", "currency: XYZ", 1), encoding="utf-8")
    monkeypatch.setenv("TCO_NO_CACHE", "1")
    text = ("name: x\nas_of: 2024-04-20\nworkload: {requests_per_day: 1000, input_tokens: 100, output_tokens: 100}\n"
            "candidates:\n  - zhipu/glm-3-turbo\n  - openai/gpt-4o\n")
    bare, with_fx = tmp_path / "a.yaml", tmp_path / "b.yaml"
    bare.write_text(text)
    with_fx.write_text(text.replace("as_of: 2024-04-20\n", "as_of: 2024-04-20\nfx: {XYZ: 7}\n"))
    code, _out, err = run(capsys, "estimate", str(bare), "--catalog", str(cat))
    assert code == 2 and "zhipu/glm-3-turbo is priced in XYZ in the catalog's zhipu prices" in err
    assert "fx: {XYZ: units per USD}" in err and "fx.yaml" in err
    # 30.4167 days x 1,000 requests x 200 tokens = 6.083M tokens x 5 XYZ per 1M = 30.42 XYZ / 7 per USD = $4.35
    code, out, _err = run(capsys, "estimate", str(with_fx), "--catalog", str(cat))
    assert code == 0 and "$4.35" in out


MODEL_70B = ("id: my-70b\nname: My 70B\nvendor: me\nopen_weights: true\nlicense: x\nvariant: instruct\n{sizes}"
             "architecture: {{layers: 80, hidden_size: 8192, heads: 64, kv_heads: 8, head_dim: 128, ffn_size: 28672, "
             "vocab_size: 128256}}\n")


@pytest.mark.parametrize(("sizes", "said"), [
    # a 70B shape with params_b 7 was sized at "1x H100, weights 14.0 GB" without a word
    ("params_b: 7\n", ":7:11: params_b: 7 does not fit the architecture, whose layers hold about 70.6 B parameters"),
    ("params_b: 70.55\nactive_params_b: 700\n", ":8:18: active_params_b: 700 is more than params_b 70.55"),
])
def test_a_model_file_whose_sizes_contradict_its_architecture_is_refused(capsys, tmp_path, sizes, said) -> None:
    mf = tmp_path / "m.yaml"
    mf.write_text(MODEL_70B.format(sizes=sizes))
    code, _out, err = run(capsys, "selfhost", "--model-file", str(mf), "--gpu", "h100-sxm-80gb")
    assert code == 2 and said in err, err
    mf.write_text(MODEL_70B.format(sizes="params_b: 70.55\n"))  # as the architecture says: sized as written
    assert run(capsys, "selfhost", "--model-file", str(mf), "--gpu", "h100-sxm-80gb")[0] == 0


def test_a_csv_cell_a_spreadsheet_would_run_is_quoted(capsys, write) -> None:
    """A self-hosted candidate named "=1+2" went into the CSV as a formula."""
    import csv
    import io

    path = write("name: x\nas_of: 2024-09-15\nworkload: {requests_per_day: 1000, input_tokens: 100, output_tokens: 100}\n"
                 "candidates:\n  - openai/gpt-4o\n  - selfhost: {name: '=1+2', model: llama-3.1-8b-instruct, "
                 "gpu: h100-sxm-80gb, rent_per_gpu_hour: 2}\n")
    code, out, _err = run(capsys, "estimate", str(path), "-f", "csv")
    assert code == 0
    ids = [row["id"] for row in csv.DictReader(io.StringIO(out))]
    assert "'=1+2" in ids and "=1+2" not in ids and "openai/gpt-4o" in ids


@pytest.mark.parametrize("name", ["abc\u202edef", "two\nlines", "x" * 201])
def test_names_are_one_plain_line(capsys, write, name) -> None:
    """A right-to-left override in a name printed it backwards; a self-hosted candidate's name took
    any text (a newline, any length) where a scenario's name and a label did not."""
    quoted = json.dumps(name)
    for text in (re.sub(r"(?m)^name: .*$", lambda _m: f"name: {quoted}", SUPPORT),
                 SUPPORT.replace("  - openai/gpt-4o\n", "  - selfhost: {name: " + quoted + ", model: llama-3.1-8b-instruct, "
                                 "gpu: h100-sxm-80gb, rent_per_gpu_hour: 2}\n")):
        code, _out, err = run(capsys, "validate", str(write(text)))
        assert code == 2 and ("one line of text" in err or "too long" in err), err


def test_serve_refuses_a_public_url_that_is_not_one(capsys) -> None:
    code, _out, err = run(capsys, "serve", "--public-url", "notaurl")
    assert code == 2 and "--public-url must be an http:// or https:// address (got 'notaurl')" in err


def test_ids_in_capitals(capsys, tmp_path):
    """Ids are lowercase. A command line's `--gpu H100-SXM-80GB` can only mean the catalog's
    h100-sxm-80gb and is read so; a scenario file is not rewritten behind the user's back, but the
    error says the id to write."""
    rc, out, err = run(capsys, "selfhost", "Llama-3.1-8B-Instruct", "--gpu", "H100-SXM-80GB", "-f", "json")
    assert rc == 0, err
    data = json.loads(out)
    assert data["model"] == "llama-3.1-8b-instruct" and data["gpu"] == "h100-sxm-80gb"
    f = tmp_path / "caps.yaml"
    f.write_text("workload: {requests_per_day: 1000, input_tokens: 100, output_tokens: 100}\n"
                 "candidates:\n  - selfhost: {model: llama-3.1-8b-instruct, gpu: H100-SXM-80GB}\n", encoding="utf-8")
    rc, out, err = run(capsys, "estimate", str(f))
    assert rc != 0
    (line,) = errors(err)
    assert "caps.yaml:3:" in line and "selfhost.gpu" in line and "write 'h100-sxm-80gb'" in line


def test_selfhost_buy_flags_name_themselves(capsys):
    """A server without a catalog power figure (Ascend 910B then; the 910C since the 910B's 400 W went on
    record on 2026-12-01): the error asked for `--power-kw`, a flag that did not exist, and its hint
    named the scenario field `buy.power_kw`. Every `buy:` field has its flag, and errors and warnings
    name the flags on the command line."""
    argv = ["selfhost", "glm-5.2", "--gpu", "ascend-910c", "--buy", "--server-price", "200000",
            "--lifetime-years", "4"]
    rc, out, err = run(capsys, *argv)
    (line,) = errors(err)
    assert line.startswith("tco: error: --power-kw:") and "give --power-kw" in line and "buy." not in line
    rc, out, err = run(capsys, *argv, "--power-kw", "5.6", "--pue", "1.3", "--electricity-per-kwh", "0.09",
                       "--hosting-per-kw-month", "150", "--power-load-factor", "0.6", "-f", "json")
    assert rc == 0, err
    data = json.loads(out)
    # the flags reach the bill: 5.6 kW x 0.6 x PUE 1.3 x $0.09 = $0.39312 of electricity an hour per node
    text = json.dumps(data)
    assert "5.6 kW x 0.6 x PUE 1.3 x $0.09/kWh" in text and "hosting $150/kW-month" in text, text[:2000]
    assert not any("buy." in w for w in data.get("warnings", [])), data.get("warnings")
    rc, out, err = run(capsys, "selfhost", "glm-5.2", "--gpu", "ascend-910b", "--pue", "1.3")
    assert errors(err) == ["tco: error: --pue needs --buy"]
