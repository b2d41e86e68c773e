"""The README's sample output is what the commands print today."""

from __future__ import annotations

import re
from pathlib import Path

from tco.cli import main

ROOT = Path(__file__).resolve().parent.parent


def _block_after(marker: str) -> list[str]:
    """Lines of the first fenced block that opens after ``marker``."""
    text = (ROOT / "README.md").read_text()
    start = text.index(marker) + len(marker)
    for m in re.finditer(r"^```[a-z]*\n(.*?)^```$", text, flags=re.S | re.M):
        if m.start() >= start:
            lines = [ln for ln in m.group(1).splitlines() if ln.strip() and ln.strip() != "..."]
            assert lines, "empty sample block"
            return lines
    raise AssertionError(f"no sample block after {marker!r}")


def test_readme_estimate_sample_is_current(capsys) -> None:
    assert main(["estimate", str(ROOT / "scenarios" / "support-assistant.yaml")]) == 0
    out = capsys.readouterr().out.splitlines()
    for line in _block_after("tco estimate scenarios/support-assistant.yaml\n```\n"):
        assert line in out, line


def test_readme_selfhost_sample_is_current(capsys) -> None:
    assert main(["selfhost", "llama-3.1-405b-instruct", "--gpu", "h100-sxm-80gb", "--gpus", "8", "--precision",
                 "fp8", "--input-tokens", "1500", "--output-tokens", "500", "--ttft-ms", "2000",
                 "--tpot-ms", "100"]) == 0
    out = capsys.readouterr().out.splitlines()
    lines = _block_after("beats each API\n```\n")
    assert lines[0] == "Memory"
    for line in lines:
        assert line in out, line
