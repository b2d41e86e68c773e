"""The committed JSON Schemas match the pydantic models (regenerate: python -m tco.schema.export)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_committed_schemas_are_current() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TCO_SCHEMA_DOCS": "1"}
    p = subprocess.run([sys.executable, "-m", "tco.schema.export", "--check"], capture_output=True, text=True, env=env,
                       cwd=ROOT, timeout=120)
    assert p.returncode == 0, p.stderr


def test_example_scenarios_point_at_the_schema() -> None:
    for path in (ROOT / "scenarios").glob("*.yaml"):
        assert path.read_text().startswith("# yaml-language-server: $schema=scenario.schema.json"), path.name
