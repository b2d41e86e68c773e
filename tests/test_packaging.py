"""The catalog is found from a wheel, an editable install and a plain checkout."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
needs_hatchling = pytest.mark.skipif(importlib.util.find_spec("hatchling") is None,
                                     reason="hatchling is not installed (pip install '.[test]')")
PROBE = ("import json, tco; from tco.catalog import find_catalog_dir, default_scenario_path;"
         "e = tco.estimate(str(default_scenario_path()));"
         "print(json.dumps({'catalog': str(find_catalog_dir()), 'tco': tco.__file__,"
         " 'gpt4o': e.candidate('openai/gpt-4o').monthly_cost}))")


def _probe(python: str, cwd: Path, pythonpath: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "TCO_CATALOG")}
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    p = subprocess.run([python, "-c", PROBE], capture_output=True, text=True, cwd=cwd, env=env, timeout=120)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


def test_checkout(tmp_path: Path) -> None:
    d = _probe(sys.executable, tmp_path, pythonpath=str(ROOT))
    assert Path(d["catalog"]) == ROOT / "pricing"
    assert d["gpt4o"] == pytest.approx(4500.0)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    p = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w",
                        str(out), str(ROOT)], capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    return next(out.glob("tco-*.whl"))


@needs_hatchling
def test_wheel_ships_the_catalog(wheel: Path, tmp_path: Path) -> None:
    import zipfile

    names = zipfile.ZipFile(wheel).namelist()
    assert "tco/_catalog/api/openai.yaml" in names
    assert "tco/_catalog/models.yaml" in names
    assert "tco/_scenarios/support-assistant.yaml" in names
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(site), str(wheel)],
                   check=True, capture_output=True, timeout=300)
    deps = sysconfig.get_paths()["purelib"]
    d = _probe(sys.executable, tmp_path, pythonpath=os.pathsep.join([str(site), deps]))
    assert Path(d["catalog"]) == site / "tco" / "_catalog"
    assert Path(d["tco"]).is_relative_to(site)
    assert d["gpt4o"] == pytest.approx(4500.0)


@needs_hatchling
def test_editable_install(tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    py = str(env_dir / "bin" / "python")
    deps = sysconfig.get_paths()["purelib"]
    # build with the outer environment's hatchling (no network needed), install into the new venv
    p = subprocess.run([py, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation", "-e", str(ROOT)],
                       capture_output=True, text=True, timeout=300,
                       env={**os.environ, "PYTHONPATH": deps})
    assert p.returncode == 0, p.stderr
    # numpy, pydantic, yaml come from the outer environment through a .pth placed after the editable
    # hook (a PYTHONPATH entry would put an installed copy of tco, if any, ahead of the editable one)
    site = Path(subprocess.run([py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    (site / "zzz_outer_deps.pth").write_text(deps + "\n")
    d = _probe(py, tmp_path)
    assert Path(d["tco"]).is_relative_to(ROOT)
    assert Path(d["catalog"]) == ROOT / "pricing"  # the live checkout, not a stale copy
    assert d["gpt4o"] == pytest.approx(4500.0)


def test_tco_catalog_env_and_flag(tmp_path: Path) -> None:
    fixture = ROOT / "tests" / "fixtures" / "catalog"
    env = {**os.environ, "TCO_CATALOG": str(fixture), "PYTHONPATH": str(ROOT)}
    p = subprocess.run([sys.executable, "-m", "tco", "catalog", "list", "-f", "json"], capture_output=True,
                       text=True, env=env, cwd=tmp_path, timeout=120)
    assert p.returncode == 0, p.stderr
    assert {o["id"] for o in json.loads(p.stdout)["offers"]} >= {"acme/flat", "yuan/chat"}
