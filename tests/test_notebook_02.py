"""Notebook 02 runs top to bottom under papermill and shows the KPI layer's numbers."""
from __future__ import annotations

import json

import papermill as pm
import pandas as pd
import pytest

from conftest import REPO
from cskit.kpi.engine import compute_kpis
from cskit.kpi.registry import format_value

NOTEBOOK = REPO / "notebooks" / "02_kpi_calculation.ipynb"


def run(tmp_path, sample_dir, **parameters):
    out = tmp_path / "out.ipynb"
    pm.execute_notebook(str(NOTEBOOK), str(out), parameters={"data_dir": str(sample_dir), "interactive": False, **parameters},
                        cwd=str(NOTEBOOK.parent), kernel_name="python3", progress_bar=False)
    return json.loads(out.read_text(encoding="utf-8"))


def outputs(nb, kind):
    for cell in nb["cells"]:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if kind in data:
                yield "".join(data[kind]) if isinstance(data[kind], list) else data[kind]


@pytest.mark.notebooks
@pytest.mark.parametrize("team,lang", [("cs_smb", "ja"), ("fs_tokyo", "en")])
def test_notebook_02_shows_the_kpi_layers_numbers(tmp_path, sample_dir, sample_dataset, team, lang):
    nb = run(tmp_path, sample_dir, team=team, lang=lang)
    html = "\n".join(outputs(nb, "text/html"))
    kpis = compute_kpis(sample_dataset, teams=[team, "all"])
    month = kpis["month"].max()
    mrr = kpis[(kpis.team == team) & (kpis.kpi == "mrr") & (kpis.month == month)]["value"].iloc[0]
    assert format_value("mrr", mrr, lang) in html  # the headline table shows the engine's MRR
    assert sum(1 for _ in outputs(nb, "image/png")) >= 8  # trend charts drawn
    assert "cskit-formula" in html  # formulas rendered from the registry
    feedback = "\n".join(outputs(nb, "text/markdown"))
    assert ("まだ答えが入っていません" if lang == "ja" else "No answer yet") in feedback
