"""One-language notebooks for JupyterLab (``cskit notebooks``, ``make lab``)."""
from __future__ import annotations

import json
import re

import nbformat
import pytest
from typer.testing import CliRunner

from cskit.cli import app
from cskit.report.classroom import write_class_notebooks

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def _markdown(path) -> list[str]:
    return [c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "markdown"]


def _headings(path) -> list[str]:
    return [line for text in _markdown(path) for line in text.splitlines() if line.startswith("#")]


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_each_notebook_keeps_one_language_and_lists_each_heading_once(tmp_path, sample_dir, lang):
    written = write_class_notebooks(tmp_path, data_dir=sample_dir, lang=lang)
    assert [p.name[:2] for p in written] == ["01", "02", "03", "04"]
    for path in written:
        markdown = _markdown(path)
        assert markdown, path.name
        other = "lang-en" if lang == "ja" else "lang-ja"
        tags = [t for c in nbformat.read(path, as_version=4).cells for t in c.metadata.get("tags", [])]
        assert other not in tags
        japanese = sum(bool(JAPANESE.search(text)) for text in markdown)
        # every text cell is in the chosen language (a Japanese cell may quote an English name, not the reverse)
        assert japanese == (len(markdown) if lang == "ja" else 0), path.name
        headings = _headings(path)
        assert len(headings) == len(set(headings)), path.name


def test_parameters_are_set_only_where_declared(tmp_path, sample_dir):
    written = {p.name[:2]: p for p in write_class_notebooks(tmp_path, data_dir=sample_dir, lang="en", team="fs_tokyo")}
    injected = {number: next(c.source for c in nbformat.read(p, as_version=4).cells
                             if "injected-parameters" in c.metadata.get("tags", []))
                for number, p in written.items()}
    # every notebook with exercises declares the audience; the learner's default hides the answers
    assert all('audience = "new_hire"' in text for text in injected.values())
    assert all(f'data_dir = "{sample_dir.resolve()}"' in text and 'team = "fs_tokyo"' in text for text in injected.values())


@pytest.mark.notebooks
@pytest.mark.parametrize("number,lang", [("03", "ja"), ("04", "en")])
def test_one_language_notebooks_run_under_papermill(tmp_path, sample_dir, number, lang):
    import papermill as pm

    path, = write_class_notebooks(tmp_path / "lab", data_dir=sample_dir, lang=lang, notebooks=number)
    out = tmp_path / "ran.ipynb"
    pm.execute_notebook(str(path), str(out), cwd=str(tmp_path), kernel_name="python3", progress_bar=False)
    cells = json.loads(out.read_text(encoding="utf-8"))["cells"]
    assert not [o for c in cells for o in c.get("outputs", []) if o.get("output_type") == "error"]


def test_cli_writes_the_notebooks_and_refuses_a_bad_audience(tmp_path, sample_dir):
    runner = CliRunner()
    done = runner.invoke(app, ["notebooks", "--out", str(tmp_path / "lab"), "--data", str(sample_dir),
                               "--notebooks", "03", "--lang", "en"])
    assert done.exit_code == 0 and "Wrote 1 notebooks" in done.output
    assert (tmp_path / "lab" / "03_smart_targets.ipynb").is_file()
    bad = runner.invoke(app, ["notebooks", "--out", str(tmp_path / "x"), "--audience", "boss", "--lang", "ja"])
    assert bad.exit_code == 2 and "boss" in bad.output and "Traceback" not in bad.output
    assert not (tmp_path / "x").exists()
