"""Notebooks 03 and 04 run top to bottom under papermill, in both languages, and show real results.

(01 and 02 have their own, more detailed tests.)
"""
from __future__ import annotations

import json

import papermill as pm
import pytest

from conftest import REPO


def execute(name: str, tmp_path, sample_dir, **parameters) -> dict:
    notebook = REPO / "notebooks" / name
    out = tmp_path / name
    pm.execute_notebook(str(notebook), str(out), parameters={"data_dir": str(sample_dir), **parameters},
                        cwd=str(notebook.parent), kernel_name="python3", progress_bar=False)
    return json.loads(out.read_text(encoding="utf-8"))


def texts(nb: dict, kind: str) -> str:
    found = []
    for cell in nb["cells"]:
        for output in cell.get("outputs", []):
            if kind == "stream" and output.get("output_type") == "stream":
                found.append("".join(output["text"]))
            value = output.get("data", {}).get(kind)
            if value is not None:
                found.append("".join(value) if isinstance(value, list) else value)
    return "\n".join(found)


def images(nb: dict) -> int:
    return sum("image/png" in o.get("data", {}) for c in nb["cells"] for o in c.get("outputs", []))


@pytest.mark.notebooks
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_notebook_04_cohorts(tmp_path, sample_dir, sample_dataset, lang):
    from cskit.cohorts import cohort_retention, retention_reading

    nb = execute("04_cohort_retention.ipynb", tmp_path, sample_dir, team="cs_smb", lang=lang)
    assert images(nb) >= 5  # heatmaps, curves, survival, LTV
    shown = texts(nb, "text/markdown") + texts(nb, "text/plain") + texts(nb, "stream") + texts(nb, "text/html")
    reading = retention_reading(cohort_retention(sample_dataset, team="cs_smb"), lang)
    assert reading.splitlines()[0][:40] in shown  # the plain-language reading comes from the data


@pytest.mark.notebooks
@pytest.mark.parametrize("team,lang", [("cs_smb", "ja"), ("fs_tokyo", "en")])
def test_notebook_03_targets(tmp_path, sample_dir, team, lang):
    nb = execute("03_smart_targets.ipynb", tmp_path, sample_dir, team=team, lang=lang, interactive=False)
    assert images(nb) >= 1
    html = texts(nb, "text/html")
    assert "<table" in html
