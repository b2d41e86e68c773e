"""Every source in the catalog is one a user can open.

A provenance ``source`` or ``note`` (and every other ``source``/``note``/``calibrated_on`` text
in pricing/) names a public document: a URL, ``owner/repo path @commit``, or a title with its
publisher and date. It never names the project's internal working notes (``shared/...``,
``selfhost-reference.md``, ``pricing-anchors.md``, ``seed-facts``, a seed file such as
``seed 000_75241500e37869fa.txt``), a Markdown page of this project, or a path on a machine.
The same internal names must not appear anywhere in the shipped data files, the calibration
data or the documentation (issue 8: "sources cite files a user cannot open").
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any, Iterator

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
PRICING = ROOT / "pricing"
DOCS = ROOT / "docs"

# Names of the internal notes the catalog was researched from, and seed file names.
# A public repository path such as ``cline/cline src/shared/api.ts`` or a URL such as
# ``lava.so/docs/reference/...`` is fine (the folder follows a slash); so are ByteDance's
# model names Doubao-Seed-1.6 / doubao-seed-1-6-250615 ("seed" after "doubao", or before a version).
INTERNAL = re.compile(
    r"(?<![/\w])shared/|(?<![/\w])reference/|(?<!doubao-)(?<!doubao )\bseeds?\b(?![-.]\d)|seed-facts"
    r"|selfhost-reference|pricing-anchors|engineering-anchors"
    r"|api-prices-2024|\b\d{3}_[0-9a-f]{16}\.txt\b|\bdesign\.md\b|\bBRIEF[\w-]*\.md\b|\bNOTES\.md\b",
    re.IGNORECASE)
# A path on a machine (absolute, home-relative, Windows drive, file URL).
LOCAL = re.compile(r"(^|[\s(\"'=;,])(/(work|home|tmp|Users|root|mnt|var)/|~/|[A-Za-z]:\\)|file://")
# Markdown pages of this project (README.md and docs/*.md), by path; a public repository's
# own README.md or docs/... path after its owner/name is fine.
PROJECT_MD = re.compile(
    r"(?<![\w/.-])(docs/)?(" + "|".join(re.escape(p.stem) for p in sorted(DOCS.glob("*.md"))) + r")\.md\b")

TEXT_KEYS = {"source", "note", "calibrated_on"}


def bad_reason(text: str) -> str | None:
    """Why ``text`` is not a citation a user can open (None when it is fine)."""
    for name, pat in (("internal note", INTERNAL), ("local path", LOCAL), ("project page", PROJECT_MD)):
        m = pat.search(text)
        if m:
            return f"{name}: {m.group(0).strip()!r}"
    return None


def _texts(node: Any, where: str) -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        for k, v in node.items():
            if k in TEXT_KEYS and isinstance(v, str):
                yield f"{where}.{k}", v
            else:
                yield from _texts(v, f"{where}.{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _texts(v, f"{where}[{i}]")


def catalog_texts() -> Iterator[tuple[str, str]]:
    for path in sorted(PRICING.rglob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        yield from _texts(doc, str(path.relative_to(ROOT)))


def test_every_source_and_note_is_public() -> None:
    bad = [f"{where}: {why}" for where, text in catalog_texts() if (why := bad_reason(text))]
    assert not bad, "\n".join(bad)


def test_calibration_data_cites_public_sources() -> None:
    bad = []
    for path in sorted((ROOT / "tests" / "data").glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as f:
            for i, row in enumerate(csv.DictReader(f), start=2):
                for key in ("source", "note"):
                    why = bad_reason(row.get(key) or "")
                    if why:
                        bad.append(f"{path.name}:{i}: {key}: {why}")
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("path", sorted([*PRICING.rglob("*.yaml"), *DOCS.glob("*.md"), ROOT / "README.md",
                                         *(ROOT / "tests" / "data").glob("*.csv")]),
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_no_internal_note_named_anywhere_in_shipped_text(path: Path) -> None:
    """Comments and prose included: no seed file, seed-facts or shared/reference note by name.
    (Plain words such as "seeded" are fine; "seed" alone is what the internal notes were called.)"""
    text = path.read_text(encoding="utf-8")
    hits = [f"{n}: {line.strip()[:120]}" for n, line in enumerate(text.splitlines(), start=1)
            if INTERNAL.search(re.sub(r"\bseed(ed|ing)\b|--seed\b|`?\bseed:|\b(same|a|the|random) seed\b", "", line)) or LOCAL.search(line)]
    assert not hits, "\n".join(hits)


@pytest.mark.parametrize("text", [
    "seed 000_75241500e37869fa.txt section 03",
    "seed 000 section 03",
    "seed-facts section 3 (Llama 3 context 8K)",
    "shared/reference/pricing-anchors.md 2.1",
    "selfhost-reference.md 2.3 (secondary page quoting AWS)",
    "api-prices-2024.csv",
    "fitted on /work/main/tests/data/x.csv",
    "see docs/selfhost-model.md",
    "as in quality-notes.md",
    "Seed 1.6 launch-day tiers",
    "(reference/pricing-anchors.md)",
])
def test_checker_rejects_internal_citations(text: str) -> None:
    assert bad_reason(text)


@pytest.mark.parametrize("text", [
    "deepseek-ai/DeepSeek-V2 README.md @07245dbf (AlignBench table)",
    "NVIDIA/TensorRT-LLM docs/source/performance/perf-overview.md @258c7540 (v0.17 table)",
    "https://fred.stlouisfed.org/series/EXCHUS (Fed G.5 monthly)",
    "syaoranwe/LLM-Price README.md @5b65991a (sheet dated 2024-05-23)",
    "ECB euro foreign exchange reference rates, SDMX series EXR.D.CNY.EUR.SP00.A",
    "cline/cline@31156790 src/shared/api.ts (mainlandQwenModels)",
    "www.lava.so/docs/reference/providers/moonshot",
    "Doubao-Seed-1.6 (doubao-seed-1-6-250615), Doubao Seed 2.0 pro; Seed-2.1-pro",
])
def test_checker_accepts_public_citations(text: str) -> None:
    assert bad_reason(text) is None
