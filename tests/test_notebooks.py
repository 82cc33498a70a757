"""Notebooks 03 and 04 run top to bottom under papermill, in both languages, and show real results.

(01 and 02 have their own, more detailed tests.)
"""
from __future__ import annotations

import pytest

from conftest import outputs, run_notebook


def execute(name: str, tmp_path, sample_dir, **parameters) -> dict:
    return run_notebook(name, tmp_path, sample_dir, **parameters)


def texts(nb: dict, kind: str) -> str:
    return "\n".join(outputs(nb, kind))


def images(nb: dict) -> int:
    return sum(1 for _ in outputs(nb, "image/png"))


@pytest.mark.notebooks
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_notebook_04_cohorts(tmp_path, sample_dir, sample_dataset, lang):
    from cskit.cohorts import cohort_retention, comparison_reading, late_entry_text, lifetimes, retention_reading, survival_comparison

    nb = execute("04_cohort_retention.ipynb", tmp_path, sample_dir, team="cs_smb", lang=lang)
    assert images(nb) >= 5  # heatmaps, curves, survival, LTV
    shown = texts(nb, "text/markdown") + texts(nb, "text/plain") + texts(nb, "stream") + texts(nb, "text/html")
    reading = retention_reading(cohort_retention(sample_dataset, team="cs_smb"), lang)
    assert reading.splitlines()[0][:40] in shown  # the plain-language reading comes from the data
    # the mid-life sample: the accounts already paying when the data starts enter late, and the notebook says so
    late = late_entry_text(cohort_retention(sample_dataset, team="cs_smb"), lang)
    assert late and late in shown
    # the survival comparison by touch model: its reading and RMST table come from the data
    comparison = survival_comparison(lifetimes(sample_dataset, team="cs_smb", split="touch_model"))
    assert comparison_reading(comparison, lang).splitlines()[0][2:60] in shown


@pytest.mark.notebooks
@pytest.mark.parametrize("team,lang", [("cs_smb", "ja"), ("fs_tokyo", "en")])
def test_notebook_03_targets(tmp_path, sample_dir, team, lang):
    nb = execute("03_smart_targets.ipynb", tmp_path, sample_dir, team=team, lang=lang, interactive=False)
    assert images(nb) >= 1
    html = texts(nb, "text/html")
    assert "<table" in html
