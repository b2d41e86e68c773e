"""JSON Schemas of the scenario and catalog files, for editors (yaml-language-server).

    python -m tco.schema.export            # rewrite the committed schema files
    python -m tco.schema.export --check    # exit 1 if they differ from the models (used by the tests)

Field docstrings become descriptions only with TCO_SCHEMA_DOCS=1 (set here before import).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def targets() -> dict[Path, tuple[str, str]]:
    return {
        ROOT / "scenarios" / "scenario.schema.json": ("tco.schema.scenario", "Scenario"),
        ROOT / "pricing" / "schema" / "provider.schema.json": ("tco.schema.catalog", "ProviderFile"),
        ROOT / "pricing" / "schema" / "models.schema.json": ("tco.schema.catalog", "ModelsFile"),
        ROOT / "pricing" / "schema" / "benchmarks.schema.json": ("tco.schema.catalog", "BenchmarksFile"),
        ROOT / "pricing" / "schema" / "quality.schema.json": ("tco.schema.catalog", "QualityFile"),
        ROOT / "pricing" / "schema" / "profiles.schema.json": ("tco.schema.catalog", "ProfilesFile"),
        ROOT / "pricing" / "schema" / "fx.schema.json": ("tco.schema.catalog", "FxFile"),
        ROOT / "pricing" / "schema" / "import-map.schema.json": ("tco.schema.imported", "ImportMap"),
        ROOT / "pricing" / "schema" / "check-notes.schema.json": ("tco.schema.imported", "CheckNotesFile"),
        **{ROOT / "pricing" / "schema" / f"hardware-{name}.schema.json": ("tco.schema.hardware", cls)
           for name, cls in (("accelerators", "AcceleratorsFile"), ("servers", "ServersFile"),
                             ("rentals", "RentalsFile"), ("engines", "EnginesFile"), ("defaults", "DefaultsFile"))},
    }


def generate() -> dict[Path, str]:
    if os.environ.get("TCO_SCHEMA_DOCS") != "1":
        raise SystemExit("run as: TCO_SCHEMA_DOCS=1 python -m tco.schema.export (docstrings must be read at import)")
    from importlib import import_module

    out = {}
    for path, (mod, cls) in targets().items():
        schema = getattr(import_module(mod), cls).model_json_schema()
        out[path] = json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    return out


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    os.environ["TCO_SCHEMA_DOCS"] = "1"
    files = generate()
    stale = [p for p, text in files.items() if not p.is_file() or p.read_text(encoding="utf-8") != text]
    if "--check" in argv:
        for p in stale:
            print(f"stale: {p.relative_to(ROOT)} (run: python -m tco.schema.export)", file=sys.stderr)
        return 1 if stale else 0
    for p in stale:
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(files[p], encoding="utf-8")
        print(f"wrote {p.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
