"""Project hygiene: dependencies in step, notebooks clean and parameterised, messages bilingual."""
from __future__ import annotations

import json
import re
import string
import tomllib

import pytest
import yaml
from typer.testing import CliRunner

from conftest import REPO
from cskit import __version__
from cskit.cli import app
from cskit.contract import TABLES
from cskit.i18n import MESSAGES

NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))
# conda-forge names that differ from PyPI's
CONDA_NAMES = {"duckdb": "python-duckdb", "jupyter-client": "jupyter_client", "jupyter-core": "jupyter_core"}


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[]", requirement, maxsplit=1)[0].strip().lower()


def test_environment_yml_lists_the_same_dependencies_as_pyproject():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    wanted = {_name(r) for r in project["dependencies"] + project["optional-dependencies"]["dev"]}
    env = yaml.safe_load((REPO / "environment.yml").read_text())
    conda = {_name(d) for d in env["dependencies"] if isinstance(d, str)}
    pip = {_name(d) for item in env["dependencies"] if isinstance(item, dict) for d in item["pip"] if not d.startswith("-e")}
    listed = conda | pip
    missing = {n for n in wanted if n not in listed and CONDA_NAMES.get(n) not in listed}
    assert not missing, f"in pyproject.toml but not environment.yml: {sorted(missing)}"
    known = wanted | set(CONDA_NAMES.values()) | {"python", "pip"}
    extra = listed - known
    assert not extra, f"in environment.yml but not pyproject.toml: {sorted(extra)}"


def test_there_are_four_notebooks_in_reading_order():
    assert [nb.name for nb in NOTEBOOKS] == [
        "01_roles_cs_vs_sales.ipynb", "02_kpi_calculation.ipynb", "03_smart_targets.ipynb", "04_cohort_retention.ipynb"]


def test_every_imported_package_is_declared():
    # a module that only arrives as a dependency of a dependency can disappear with its next release
    import ast
    import sys
    from importlib.metadata import packages_distributions

    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    declared = {_name(r).replace("_", "-") for r in project["dependencies"] + project["optional-dependencies"]["dev"]}
    provided = packages_distributions()
    ours = {"cskit", "conftest", "broken_cases", "common"} | {p.stem for p in (REPO / "tests").glob("*.py")}
    imported = set()
    for path in [*(REPO / "cskit").rglob("*.py"), *(REPO / "tests").glob("*.py"), *(REPO / "bench").glob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported.add(node.module.split(".")[0])
    third_party = {m for m in imported - ours - set(sys.stdlib_module_names) if m != "__future__"}
    undeclared = {m: provided.get(m) for m in third_party
                  if not {d.lower().replace("_", "-") for d in provided.get(m, [m])} & declared}
    assert not undeclared, f"imported but not declared in pyproject.toml: {undeclared}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_without_outputs(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell.get("outputs", []) == [] and cell.get("execution_count") is None


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_starts_with_a_parameters_cell(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    first = next(c for c in nb["cells"] if c["cell_type"] == "code")
    assert "parameters" in first.get("metadata", {}).get("tags", [])
    source = "".join(first["source"])
    for name in ("data_dir", "team", "lang", "as_of"):
        assert re.search(rf"^{name}\s*=", source, re.M), name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_emphasis_renders_in_the_report(path):
    # CommonMark does not close ``**`` between a full-width bracket and a kana (``）**に``):
    # the asterisks would show in the report. Render each prose cell as nbconvert does.
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            html = markdown2html_mistune("".join(cell["source"]))
            assert "**" not in html, "".join(cell["source"])[:200]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_prose_comes_in_language_pairs(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    tags = [t for c in nb["cells"] if c["cell_type"] == "markdown" for t in c.get("metadata", {}).get("tags", [])]
    assert tags.count("lang-ja") == tags.count("lang-en") > 0


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_defines_no_function_or_formula_inline(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    assert not re.search(r"^\s*def |lambda ", code, re.M), "notebooks call cskit; they define no functions"
    assert "import cskit" in code or "from cskit" in code


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_every_message_has_both_languages_with_the_same_placeholders(key):
    text = MESSAGES[key]
    assert set(text) == {"ja", "en"} and text["ja"].strip() and text["en"].strip()
    assert _fields(text["ja"]) == _fields(text["en"])


def test_data_readme_documents_every_table_and_column():
    readme = (REPO / "data" / "README.md").read_text(encoding="utf-8")
    for name, table in TABLES.items():
        assert f"## `{name}`" in readme
        for column in table.columns:
            assert f"`{column.name}`" in readme


def test_cli_version_and_help():
    runner = CliRunner()
    assert runner.invoke(app, ["--version"]).output.strip() == f"cskit {__version__}"
    help_text = runner.invoke(app, ["--help"]).output
    for command in ("sample", "validate", "kpi", "cohort", "report", "slides"):
        assert command in help_text


def test_reports_folder_keeps_only_its_readme():
    tracked = [p.name for p in (REPO / "reports").iterdir()]
    assert "README.md" in tracked
    ignore = (REPO / ".gitignore").read_text()
    assert "reports/*" in ignore and "!reports/README.md" in ignore


@pytest.mark.parametrize("args,option,allowed", [
    (["kpi", "--format", "xml"], "--format", "csv | json | table"),
    (["cohort", "--metric", "seats"], "--metric", "logo | revenue"),
    (["cohort", "--period", "week"], "--period", "month | quarter"),
    (["targets", "--format", "csv"], "--format", "json | table"),
])
def test_a_bad_choice_is_an_input_error_naming_the_option_and_the_choices(args, option, allowed, sample_dir):
    result = CliRunner().invoke(app, [*args, "--data", str(sample_dir), "--lang", "en"])
    assert result.exit_code == 2
    assert option in result.output and allowed in result.output
    assert "Traceback" not in result.output
