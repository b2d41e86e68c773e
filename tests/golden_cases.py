"""Golden outputs of the command line: every scenario in scenarios/ in every format, and
``tco selfhost`` / ``tco breakeven`` / ``tco catalog`` / ``tco init`` on fixed inputs.

The files under tests/golden/ are what these commands printed; test_golden.py checks that
they still print exactly that. After a deliberate change of output, regenerate them with
``python3 tests/golden_cases.py --update`` and review the diff like code.
"""

from __future__ import annotations

import contextlib
import io
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"

_SCENARIOS = sorted(p.name for p in (ROOT / "scenarios").glob("*.yaml"))
_EXT = {"table": "txt", "json": "json", "csv": "csv", "markdown": "md"}

CASES: dict[str, list[str]] = {}
for _name in _SCENARIOS:
    for _fmt, _ext in _EXT.items():
        CASES[f"estimate-{Path(_name).stem}.{_ext}"] = ["estimate", f"scenarios/{_name}", "-f", _fmt]
CASES.update({
    "estimate-support-cny.json": ["estimate", "scenarios/support-assistant.yaml", "--currency", "CNY", "-f", "json"],
    "estimate-support-2024-09-01.txt": ["estimate", "scenarios/support-assistant.yaml", "--as-of", "2024-09-01"],
    "breakeven-405b.txt": ["breakeven", "scenarios/open-vs-closed-405b.yaml"],
    "selfhost-405b-fp8.txt": ["selfhost", "llama-3.1-405b-instruct", "--gpu", "h100-sxm-80gb", "--gpus", "8",
                              "--precision", "fp8", "--input-tokens", "1500", "--output-tokens", "500",
                              "--ttft-ms", "2000", "--tpot-ms", "100", "--as-of", "2024-09-15"],
    "selfhost-405b-fp8.json": ["selfhost", "llama-3.1-405b-instruct", "--gpu", "h100-sxm-80gb", "--gpus", "8",
                               "--precision", "fp8", "--input-tokens", "1500", "--output-tokens", "500",
                               "--ttft-ms", "2000", "--tpot-ms", "100", "--as-of", "2024-09-15",
                               "--requests-per-day", "100000", "-f", "json"],
    "selfhost-405b-bf16.txt": ["selfhost", "llama-3.1-405b-instruct", "--gpu", "h100-sxm-80gb", "--gpus", "8",
                               "--precision", "bf16", "--as-of", "2024-09-15"],
    "selfhost-70b-buy.json": ["selfhost", "llama-3.1-70b-instruct", "--gpu", "h100-sxm-80gb", "--precision", "fp8",
                              "--buy", "--requests-per-day", "50000", "--as-of", "2024-09-15", "-f", "json"],
    "selfhost-8b-default.txt": ["selfhost", "llama-3.1-8b-instruct", "--gpu", "h100-sxm-80gb", "--as-of", "2024-09-15"],
    "catalog-offers-2024-05-10.txt": ["catalog", "list", "--as-of", "2024-05-10"],
    "catalog-offers-2024-05-10.json": ["catalog", "list", "--as-of", "2024-05-10", "-f", "json"],
    "catalog-models.txt": ["catalog", "list", "--kind", "model"],
    "catalog-benchmarks.txt": ["catalog", "list", "--kind", "benchmark"],
    "catalog-profiles.txt": ["catalog", "list", "--kind", "profile"],
    "catalog-fx.txt": ["catalog", "list", "--kind", "fx"],
    "catalog-gpus.txt": ["catalog", "list", "--kind", "gpu", "--as-of", "2024-09-15"],
    "catalog-rentals.txt": ["catalog", "list", "--kind", "rental", "--as-of", "2024-09-15"],
    "catalog-servers.txt": ["catalog", "list", "--kind", "server", "--as-of", "2024-09-15"],
    "catalog-engines.json": ["catalog", "list", "--kind", "engine", "-f", "json"],
    "catalog-show-glm-3-turbo.txt": ["catalog", "show", "zhipu/glm-3-turbo"],
    "catalog-show-gpt-4o.json": ["catalog", "show", "openai/gpt-4o", "-f", "json"],
    "catalog-show-model-405b.txt": ["catalog", "show", "llama-3.1-405b-instruct"],
    "catalog-show-lambda.txt": ["catalog", "show", "lambda-h100-sxm"],
    "init.yaml": ["init", "{tmp}/my.yaml"],
    "validate-support.txt": ["validate", "scenarios/support-assistant.yaml"],
})

_TODAY = re.compile(r"\b20\d\d-\d\d-\d\d\b")


def run(argv: list[str]) -> tuple[int, str]:
    """Run ``tco ARGV`` in-process from the repository root; return (exit code, stdout + stderr)."""
    import os
    import tempfile

    from tco.cli import main

    out, err = io.StringIO(), io.StringIO()
    cwd = os.getcwd()
    with tempfile.TemporaryDirectory() as tmp:
        argv = [a.replace("{tmp}", tmp) for a in argv]
        os.chdir(ROOT)
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = main(argv)
        finally:
            os.chdir(cwd)
        written = sorted(Path(tmp).iterdir())
        text = out.getvalue()
        if err.getvalue():
            text += "--- stderr ---\n" + err.getvalue().replace(tmp, "TMP")
        for f in written:
            text += f"--- {f.name} ---\n" + f.read_text(encoding="utf-8")
    return code, f"exit {code}\n{text}"


def update() -> None:
    GOLDEN.mkdir(exist_ok=True)
    for old in GOLDEN.iterdir():
        old.unlink()
    for name, argv in CASES.items():
        _, text = run(argv)
        (GOLDEN / name).write_text(text, encoding="utf-8")
    print(f"wrote {len(CASES)} golden files to {GOLDEN}")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    if sys.argv[1:] != ["--update"]:
        sys.exit("usage: python3 tests/golden_cases.py --update")
    update()
