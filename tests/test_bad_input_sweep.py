"""A hundred bad and edge inputs a newcomer typed (issue 8): every one ends in a result or in
``tco: error:`` lines, exit 0 or 2; never a traceback, an internal error, a numpy warning
on stderr, or a Python warning."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from tco.cli import main

ROOT = Path(__file__).resolve().parent.parent
SUP = (ROOT / "scenarios" / "support-assistant.yaml").read_text(encoding="utf-8")
OVC = (ROOT / "scenarios" / "open-vs-closed-405b.yaml").read_text(encoding="utf-8")

EDITS = [
    ("requests_per_day: 10000", "requests_per_day: 10k"), ("requests_per_day: 10000", "requests_per_day: -1"),
    ("requests_per_day: 10000", "requests_per_day: 1e30"), ("requests_per_day: 10000", "requests_per_day: ''"),
    ("requests_per_day: 10000", "requests_per_day: 1,5"), ("requests_per_day: 10000", "requests_per_day: 10 000 000"),
    ("input_tokens: 1500", "input_tokens: 1.5k"), ("input_tokens: 1500", "input_tokens: 100M"),
    ("input_tokens: 1500", "input_tokens: .inf"), ("output_tokens: 500", "output_tokens: [500]"),
    ("currency: USD", "currency: rmb"), ("currency: USD", "currency: ¥"), ("currency: USD", "currency: XYZ"),
    ("currency: USD", "currency: " + "Q" * 5000), ("as_of: 2024-06-01", "as_of: 2024-13-01"),
    ("as_of: 2024-06-01", "as_of: 1999-01-01"), ("as_of: 2024-06-01", "as_of: 2099-01-01"),
    ("as_of: 2024-06-01", "as_of: yesterday"), ("name: ", "name:\n  - list\nx: "),
    ("  - openai/gpt-4o\n", "  - openai/gpt-4o\n  - openai/gpt-4o\n"),
    ("  - openai/gpt-4o\n", "  - {offer: openai/gpt-4o, discount: 150%}\n"),
    ("  - openai/gpt-4o\n", "  - {offer: openai/gpt-4o, discount: 30%}\n"),
    ("  - openai/gpt-4o\n", "  - {offer: openai/gpt-4o, label: \"文心一言 四\"}\n"),
    ("  - openai/gpt-4o\n", "\t- openai/gpt-4o\n"),
    ("profile: {mmlu-cot: 1, humaneval: 1}", "profile: {mmlu-cot: 1e308, humaneval: 1e308}"),
    ("profile: {mmlu-cot: 1, humaneval: 1}", "profile: {mmlu-cot: 0, humaneval: 0}"),
    ("profile: {mmlu-cot: 1, humaneval: 1}", "profile: nonesuch"), ("profile: {mmlu-cot: 1, humaneval: 1}", "profile: 7"),
    ("workload:", "workload: 5\nold_workload:"), ("  - openai/gpt-4o\n", "  - 42\n"),
    ("  - openai/gpt-4o\n", "  - selfhost: {model: llama-3.1-8b-instruct, gpu: h100-sxm-80gb, buy: true}\n"),
    ("  - openai/gpt-4o\n", "  - selfhost: {model: llama-3.1-8b-instruct, gpu: h100-sxm-80gb, gpus: 3}\n"),
    ("  - openai/gpt-4o\n", "  - selfhost: {model: gpt-4o, gpu: h100-sxm-80gb}\n"),
    ("  - openai/gpt-4o\n", "  - selfhost: {model: llama-3.1-8b-instruct, gpu: h100-sxm-80gb, latency: {ttft_ms: 1}}\n"),
    ("  - openai/gpt-4o\n", "  - selfhost: {model_file: /nonexistent.yaml, gpu: h100-sxm-80gb}\n"),
    ("  - openai/gpt-4o\n", "  - selfhost: {model: llama-3.1-405b-instruct, gpu: l40s, precision: bf16}\n"),
    ("  - openai/gpt-4o\n", "  - selfhost: {model: llama-3.1-8b-instruct, gpu: h100-sxm-80gb, utilization: 0}\n"),
    ("  - openai/gpt-4o\n", "  - selfhost: {model: llama-3.1-8b-instruct, gpu: h100-sxm-80gb, rent_per_gpu_hour: 2, "
                            "rental: lambda-h100-sxm}\n"),
]
FILES = ["", "---\n", "[1, 2]", "just text", "a: [\n", "\x00\x01", "name: x\nworkload: {}\ncandidates: []\n",
         "workload:\n  requests_per_day: 1\n  requests_per_day: 2\n", SUP.replace("\n", "\r\n"), "\ufeff" + SUP]
SELFHOST = [["--gpus", "0"], ["--gpus", "3"], ["--gpus", "1000"], ["--input-tokens", "0"], ["--input-tokens", "1e9"],
            ["--ttft-ms", "-1"], ["--ttft-ms", "nan"], ["--tpot-ms", "0.001"], ["--requests-per-day", "1e15"],
            ["--requests-per-day", "-5"], ["--precision", "fp4"], ["--engine", "nope"], ["--rental", "nope"],
            ["--buy", "--server-price", "1"], ["--server-price", "300000"], ["--peak-to-average", "0.5"],
            ["--days-per-month", "40"], ["--as-of", "2020-01-01"], ["--utilization", "5"], ["--model-file", "/nope.yaml"],
            ["--gpus-per-node", "0"], ["--no-latency-targets", "--ttft-ms", "100"]]


def cases(tmp: Path) -> list[list[str]]:
    def f(text: str, name: str) -> str:
        p = tmp / name
        p.write_text(text, encoding="utf-8")
        return str(p)

    out: list[list[str]] = []
    for k, (a, b) in enumerate(EDITS):
        assert a in SUP, a
        out.append(["estimate", f(SUP.replace(a, b, 1), f"edit{k}.yaml")])
    for k, text in enumerate(FILES):
        out.append(["estimate", f(text, f"file{k}.yaml")])
    (tmp / "bin.yaml").write_bytes(b"\xff\xfe\x00bad")
    sup, ovc = f(SUP, "sup.yaml"), f(OVC, "ovc.yaml")
    out += [["estimate", str(tmp / "bin.yaml")], ["estimate", str(tmp)], ["estimate", "/nonexistent.yaml"],
            ["estimate", sup, "-o", str(tmp / "missing-dir" / "out.txt")], ["estimate", sup, "-o", str(tmp)],
            ["estimate", sup, "--as-of", "2024-02-30"], ["estimate", sup, "--currency", "dollars!"],
            ["estimate", sup, "-f", "pdf"], ["estimate", sup, "--catalog", "/nonexistent"], ["validate", sup],
            ["validate"], ["init", sup], ["init", "-"], ["catalog", "show", "nonesuch"], ["catalog", "show", "x" * 3000],
            ["catalog", "list", "--kind", "nope"], ["catalog", "list", "--as-of", "1900-01-01"],
            ["catalog", "list", "--kind", "fx", "--as-of", "2030-01-01"], ["breakeven", sup],
            ["breakeven", ovc, "--currency", "EUR"], ["breakeven", ovc, "--as-of", "2020-01-01"],
            ["selfhost", "gpt-4o", "--gpu", "h100-sxm-80gb"], ["selfhost", "llama-3.1-70b-instruct", "--gpu", "nope"],
            ["selfhost", "--gpu", "h100-sxm-80gb"], ["selfhost", "llama-3.1-70b-instruct"], ["nonesuch"],
            ["estimate", "--nope"]]
    out += [["selfhost", "llama-3.1-70b-instruct", "--gpu", "h100-sxm-80gb", *extra] for extra in SELFHOST]
    return out


def test_no_bad_input_ends_badly(capsys, tmp_path) -> None:
    seen = 0
    for argv in cases(tmp_path):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                code = main(argv)
            except SystemExit as e:  # argparse --help paths never reached here, but be explicit
                code = int(e.code or 0)
        out, err = capsys.readouterr()
        where = " ".join(a[:60] for a in argv)
        assert code in (0, 2), f"{where}: exit {code}\n{err}"
        assert "Traceback" not in err and "internal error" not in err, f"{where}\n{err}"
        assert not [w for w in caught if not issubclass(w.category, ResourceWarning)], \
            f"{where}: {[str(w.message) for w in caught]}"
        for line in err.splitlines():
            assert line.startswith(("tco: error: ", "tco: warning: ", "tco: no scenario given", "wrote ")), \
                f"{where}: {line}"
            assert len(line) < 700, f"{where}: a message of {len(line)} characters"
        if code == 2:
            assert err.startswith("tco: error: "), where
        seen += 1
    assert seen >= 95


@pytest.mark.parametrize("target", ["-", None])
def test_init_dash_or_nothing_writes_the_template_to_stdout(capsys, tmp_path, monkeypatch, target) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["init"] + ([target] if target else [])) == 0
    assert capsys.readouterr().out.startswith("# A tco scenario.")
    assert list(tmp_path.iterdir()) == []  # no file named '-'
