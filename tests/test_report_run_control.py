"""Run control of `cskit report` (#17 items 5 and 6): notebook parameters from the command
line or a file, checked before anything runs; a per-cell timeout; failed pages' logs kept."""
from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import nbformat
import pytest

from cskit.report import build_reports
from cskit.report.params import ParameterError, check_parameters

from test_reports import make_notebook, tiny_dataset

PARAMS = 'gross_margin = 0.8\ntargets_file = None\nweekly = True'


def notebook_with(path: Path, extra_params: str, *code: str) -> Path:
    """A conventional test notebook whose parameters cell also declares ``extra_params``."""
    make_notebook(path, *code)
    nb = nbformat.read(path, as_version=4)
    nb.cells[0].source += "\n" + extra_params
    nbformat.write(nb, path)
    return path


@pytest.fixture()
def nb02(tmp_path):
    return notebook_with(tmp_path / "nbs" / "02_kpi.ipynb", PARAMS, 'print("GM=%r TF=%r" % (gross_margin, targets_file))')


def codes(error: ParameterError) -> list[tuple[str, str | None]]:
    return [(p.code, p.key) for p in error.problems]


def test_values_are_checked_against_the_declared_types_and_merged_file_team_then_command_line(tmp_path, nb02):
    params_file = tmp_path / "params.yml"
    params_file.write_text('02:\n  gross_margin: 0.7\n  targets_file: t.yml\nteams:\n  cs_b:\n    "02":\n      gross_margin: 0.6\n')
    chosen = check_parameters([], params_file, notebooks={"02": nb02}, teams=["cs_a", "cs_b"])
    assert chosen.for_job("cs_a", "02") == {"gross_margin": 0.7, "targets_file": "t.yml"}
    assert chosen.for_job("cs_b", "02") == {"gross_margin": 0.6, "targets_file": "t.yml"}
    # the command line wins over both; a whole number is accepted for a decimal and becomes one
    chosen = check_parameters(["02.gross_margin=1", "2.weekly=false"], params_file, notebooks={"02": nb02},
                              teams=["cs_a", "cs_b"])
    assert chosen.for_job("cs_b", "02") == {"gross_margin": 1.0, "targets_file": "t.yml", "weekly": False}
    assert type(chosen.for_job("cs_b", "02")["gross_margin"]) is float


def test_every_unusable_parameter_is_reported_at_once(tmp_path, nb02):
    params_file = tmp_path / "params.yml"
    params_file.write_text("02:\n  weekly: 1\n  team: other\nteams:\n  nobody:\n    02: {gross_margin: 0.5}\n")
    with pytest.raises(ParameterError) as caught:
        check_parameters(["02.gross_margin=high", "02.margin=0.7", "05.x=1", "gross_margin=0.7",
                          "02.targets_file=3"], params_file, notebooks={"02": nb02}, teams=["cs_a"])
    assert codes(caught.value) == [
        ("report.param.wrong_type", "02.weekly"), ("report.param.run_sets", "02.team"),
        ("report.param.unknown_team", "teams.nobody"),
        ("report.param.wrong_type", "02.gross_margin"), ("report.param.unknown_name", "02.margin"),
        ("report.param.unknown_notebook", "05"), ("report.param.syntax", None),
        ("report.param.wrong_type", "02.targets_file"),
    ]
    ja = caught.value.render("ja")
    assert "ノートブック 02 にはパラメータ margin がありません。宣言されているもの: gross_margin, targets_file, weekly。" in ja
    assert "数値を指定します。指定された値: 'high'" in ja


def test_a_bad_parameter_stops_the_run_before_anything_is_written(tmp_path, nb02):
    data = tiny_dataset(tmp_path / "data", ["cs_a"])
    out = tmp_path / "reports"
    with pytest.raises(ParameterError):
        build_reports(data, out, notebooks="02", lang="en", notebooks_dir=nb02.parent, progress=False, jobs=1,
                      params=["02.gross_margin=lots"])
    assert not out.exists()


def test_only_declared_parameters_reach_the_notebook(tmp_path, nb02):
    data = tiny_dataset(tmp_path / "data", ["cs_a", "cs_b"])
    bare = nbformat.read(make_notebook(nb02.parent / "01_bare.ipynb", 'print("HAS_INTERACTIVE=" + str("interactive" in globals()))'), as_version=4)
    bare.cells[0].source = 'data_dir = ""\nteam = ""\nlang = "ja"\nas_of = None'  # no `interactive`
    nbformat.write(bare, nb02.parent / "01_bare.ipynb")
    params_file = tmp_path / "params.yml"
    params_file.write_text("teams:\n  cs_b:\n    '02': {targets_file: b.yml}\n")
    out = tmp_path / "reports"
    result = build_reports(data, out, notebooks="01,02", lang="en", notebooks_dir=nb02.parent, progress=False, jobs=1,
                           params=["02.gross_margin=0.7"], params_file=params_file)
    assert result.exit_code == 0, [p.error for p in result.pages]
    assert "HAS_INTERACTIVE=False" in (out / "cs_a" / "01_bare.html").read_text(encoding="utf-8")
    assert "GM=0.7 TF=None" in (out / "cs_a" / "02_kpi.html").read_text(encoding="utf-8")
    assert "GM=0.7 TF='b.yml'" in (out / "cs_b" / "02_kpi.html").read_text(encoding="utf-8")
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["parameters"]["notebook_parameters"]["param"] == {"02": {"gross_margin": 0.7}}
    assert manifest["parameters"]["timeout"] == 600


def test_cli_refuses_an_unknown_parameter_with_exit_2_in_the_users_language(tmp_path, nb02):
    from typer.testing import CliRunner

    from cskit import cli

    data = tiny_dataset(tmp_path / "data", ["cs_a"])
    out = tmp_path / "out"
    args = ["report", "--data", str(data), "--out", str(out), "--lang", "ja", "--notebooks", "02",
            "--notebooks-dir", str(nb02.parent), "--param", "02.margin=0.7"]
    result = CliRunner().invoke(cli.app, args)
    assert result.exit_code == 2, result.output
    assert "パラメータ margin がありません" in result.output
    assert "Traceback" not in result.output and not out.exists()


def test_a_cell_over_the_timeout_fails_its_page_keeps_its_logs_and_its_kernel_is_replaced(tmp_path):
    data = tiny_dataset(tmp_path / "data", ["cs_a"])
    nbs = tmp_path / "nbs"
    # the sleeper is the larger file, so the one worker runs it first (longest first), then the other
    make_notebook(nbs / "01_sleeps.ipynb", "# " + "x" * 20000, 'import os, time\nprint("KERNEL_PID=%d" % os.getpid())',
                  "time.sleep(60)")
    make_notebook(nbs / "02_after.ipynb", 'import os\nprint("KERNEL_PID=%d" % os.getpid())')
    out = tmp_path / "reports"
    result = build_reports(data, out, notebooks="01,02", lang="en", notebooks_dir=nbs, progress=False, jobs=1, timeout=3)
    sleeper, after = result.pages
    assert (sleeper.status, after.status, result.exit_code) == ("failed", "ok", 1), after.error
    assert sleeper.error["ename"] == "CellTimeoutError"
    assert sleeper.seconds < 40  # stopped at the timeout, not after the 60 s sleep
    assert (out / "cs_a" / "01_sleeps.failed.html").exists()
    assert sleeper.failed_logs == ["_failed/cs_a/01_sleeps.papermill.log", "_failed/cs_a/01_sleeps.kernel.log"]
    assert all((out / log).is_file() for log in sleeper.failed_logs)
    papermill_log = (out / "_failed" / "cs_a" / "01_sleeps.papermill.log").read_text(encoding="utf-8")
    first_pid = re.search(r"KERNEL_PID=(\d+)", papermill_log).group(1)
    second_pid = re.search(r"KERNEL_PID=(\d+)", (out / "cs_a" / "02_after.html").read_text(encoding="utf-8")).group(1)
    assert first_pid != second_pid  # the timed-out kernel was not reused
    # a later good run of the page removes its failure logs
    make_notebook(nbs / "01_sleeps.ipynb", "# " + "x" * 20000, 'print("fine")')
    again = build_reports(data, out, notebooks="01", lang="en", notebooks_dir=nbs, progress=False, jobs=1, timeout=3)
    assert again.exit_code == 0 and not (out / "_failed" / "cs_a" / "01_sleeps.papermill.log").exists()


def test_timeout_must_be_a_whole_number_of_seconds(tmp_path, nb02):
    from cskit.errors import OptionError

    data = tiny_dataset(tmp_path / "data", ["cs_a"])
    with pytest.raises(OptionError):
        build_reports(data, tmp_path / "out", notebooks_dir=nb02.parent, progress=False, jobs=1, timeout=0)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("notebook", sorted(Path("notebooks").glob("0*.ipynb")), ids=lambda p: p.stem)
def test_declared_parameters_agree_with_papermills_own_reading_of_each_notebook(notebook):
    from papermill.translators import PythonTranslator

    from cskit.report.params import declared_parameters

    cell = next(c for c in nbformat.read(notebook, as_version=4).cells if "parameters" in c.metadata.get("tags", []))
    expected = {p.name: p.default for p in PythonTranslator.inspect(cell)}
    declared = declared_parameters(notebook)
    assert list(declared) == list(expected)
    assert declared == {name: ast.literal_eval(default) for name, default in expected.items()}


def test_a_changed_parameter_value_renders_again_only_the_pages_it_reaches(tmp_path, nb02):
    data = tiny_dataset(tmp_path / "data", ["cs_a", "cs_b"])
    make_notebook(nb02.parent / "01_one.ipynb", 'print("ONE")')
    out = tmp_path / "reports"

    def run(**options):
        result = build_reports(data, out, lang="en", notebooks="01,02", notebooks_dir=nb02.parent, progress=False,
                               jobs=2, **options)
        return {(p.team, p.number): p.status for p in result.pages}

    assert set(run(params=["02.gross_margin=0.7"]).values()) == {"ok"}
    assert set(run(params=["02.gross_margin=0.7"]).values()) == {"up_to_date"}
    assert run(params=["02.gross_margin=0.6"]) == {("cs_a", "01"): "up_to_date", ("cs_a", "02"): "ok",
                                                   ("cs_b", "01"): "up_to_date", ("cs_b", "02"): "ok"}
    assert "GM=0.6" in (out / "cs_b" / "02_kpi.html").read_text(encoding="utf-8")
    params_file = tmp_path / "params.yml"  # one team's own value: only that team's page
    params_file.write_text('"02":\n  gross_margin: 0.6\nteams:\n  cs_a:\n    "02":\n      gross_margin: 0.5\n')
    assert run(params_file=params_file) == {("cs_a", "01"): "up_to_date", ("cs_a", "02"): "ok",
                                            ("cs_b", "01"): "up_to_date", ("cs_b", "02"): "up_to_date"}
    assert "GM=0.5" in (out / "cs_a" / "02_kpi.html").read_text(encoding="utf-8")


def test_a_params_file_that_is_not_yaml_is_named_with_its_line(tmp_path, nb02):
    params_file = tmp_path / "params.yml"
    params_file.write_text('"02":\n  gross_margin: [0.7\nteams: {}\n', encoding="utf-8")
    with pytest.raises(ParameterError) as error:
        check_parameters([], params_file, notebooks={"02": nb02}, teams=["cs_a"])
    [problem] = error.value.problems
    assert (problem.file, problem.code, problem.line) == ("params.yml", "config.syntax", 3)
