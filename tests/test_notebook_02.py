"""Notebook 02 runs top to bottom under papermill and shows the KPI layer's numbers."""
from __future__ import annotations

import pytest

from conftest import outputs, run_notebook
from cskit.kpi.engine import compute_kpis
from cskit.kpi.registry import format_value


def run(tmp_path, sample_dir, **parameters):
    return run_notebook("02_kpi_calculation.ipynb", tmp_path, sample_dir, **parameters)


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
