"""The built wheel, installed outside the repository, ships the notebooks and renders a team's reports.

The wheel is built from a clean copy of the sources (no stale ``build/`` folder can
leak into it and nothing is written into the repository), installed with
``pip install --target`` into a temporary folder, and run from a temporary working
folder with ``PYTHONPATH`` pointing at that folder only, so the package that runs,
in the CLI and in the notebook kernels, is the installed one and not the source tree.
Building needs the build backend (setuptools) from the package index or pip's cache.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import REPO

pytestmark = [pytest.mark.wheel, pytest.mark.notebooks]

#: What a build reads: the project files, the package and the notebooks it ships.
SOURCES = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "cskit", "notebooks")
TEAM = "cs_smb"
TEAM_NOTEBOOKS = ("01_roles_cs_vs_sales", "02_kpi_calculation", "03_smart_targets", "04_cohort_retention")


def _ignore(folder: str, names: list[str]) -> set[str]:
    skip = {n for n in names if n in ("__pycache__", ".ipynb_checkpoints") or n.endswith((".pyc", ".tmp"))}
    if Path(folder) == REPO / "cskit":
        skip |= {"notebooks"} & set(names)  # a copy left by an in-place build is not a source
    return skip


def _run(args: list[str], cwd: Path, env: dict | None = None, timeout: int = 600) -> subprocess.CompletedProcess:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{args} exited {done.returncode}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> dict:
    """Build the wheel from a copy of the sources and install it into a folder of its own."""
    root = tmp_path_factory.mktemp("wheel")
    source = root / "src"
    source.mkdir()
    for name in SOURCES:
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, source / name, ignore=_ignore)
        else:
            shutil.copy2(REPO / name, source / name)
    dist, site = root / "dist", root / "site"
    clean = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--wheel-dir", str(dist), str(source)], root, clean)
    wheel = next(dist.glob("cskit-*.whl"))
    _run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-compile", "--target", str(site), str(wheel)],
         root, clean)
    work = root / "work"
    work.mkdir()
    return {"wheel": wheel, "site": site, "work": work, "env": dict(clean, PYTHONPATH=str(site))}


def test_the_wheel_ships_the_notebooks(installed):
    names = zipfile.ZipFile(installed["wheel"]).namelist()
    shipped = sorted(n for n in names if n.startswith("cskit/notebooks/"))
    assert shipped == sorted(f"cskit/notebooks/{p.name}" for p in (REPO / "notebooks").glob("*.ipynb"))
    assert "cskit/templates/cskit_report/notebook.html.j2" in names
    assert "cskit/content/messages/reports.yml" in names


def test_the_installed_wheel_renders_every_page_of_a_team(installed):
    site, work, env = installed["site"], installed["work"], installed["env"]
    where = _run([sys.executable, "-c", "import cskit, cskit.report.plan as p; print(cskit.__file__); "
                  "print(p.locate_notebooks(['01'])[0])"], work, env).stdout.split()
    assert Path(where[0]).resolve().is_relative_to(site.resolve()), where  # the installed copy runs
    assert Path(where[1]).resolve() == (site / "cskit" / "notebooks").resolve(), where

    cli = [sys.executable, "-m", "cskit.cli"]
    _run([*cli, "sample", "--out", "d", "--accounts", "200", "--months", "14"], work, env)
    done = _run([*cli, "report", "--data", "d", "--out", "r", "--teams", TEAM, "--jobs", "1", "--lang", "en"],
                work, env, timeout=900)
    assert "4 rendered, 0 up to date, 0 failed" in done.stdout, done.stdout
    out = work / "r"
    for stem in TEAM_NOTEBOOKS:
        assert (out / TEAM / f"{stem}.html").stat().st_size > 10_000, stem
    assert (out / "index.html").is_file() and (out / TEAM / "index.html").is_file()
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert [(p["stem"], p["status"]) for p in manifest["pages"]] == [(stem, "ok") for stem in TEAM_NOTEBOOKS]
    assert Path(manifest["parameters"]["notebooks_dir"]).resolve() == (site / "cskit" / "notebooks").resolve()
    assert manifest["warnings"] == []
    again = _run([*cli, "report", "--data", "d", "--out", "r", "--teams", TEAM, "--jobs", "1", "--lang", "en"],
                 work, env, timeout=900)  # the installed copy's templates and notebooks key its pages too
    assert "0 rendered, 4 up to date, 0 failed" in again.stdout, again.stdout
