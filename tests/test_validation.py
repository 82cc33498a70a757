"""Every validation error on small broken datasets: file, row and column named, exit code 2, no traceback."""
from __future__ import annotations

import pandas as pd
import pytest
from typer.testing import CliRunner

from broken_cases import BROKEN_CASES, NORMALISED_CASES, write_case
from cskit.cli import app
from cskit.errors import DataValidationError
from cskit.io import inspect_dataset, load_dataset

runner = CliRunner()


def test_the_base_dataset_is_valid(tmp_path):
    data = load_dataset(write_case(tmp_path))
    assert len(data["accounts"]) == 3
    assert data["mrr"]["month"].dtype == pd.PeriodDtype("M")
    assert data["tickets"]["opened_at"].iloc[0] == pd.Timestamp("2024-02-01 09:00")


@pytest.mark.parametrize("case", BROKEN_CASES, ids=lambda c: c.name)
def test_broken_dataset_is_reported_precisely(tmp_path, case):
    _, problems = inspect_dataset(write_case(tmp_path, case))
    errors = [p for p in problems if p.severity == "error"]
    matching = [p for p in errors if p.file == case.file and p.code == case.code]
    assert matching, f"expected {case.code} in {case.file}; got {[(p.file, p.code, p.rows, p.column) for p in errors]}"
    problem = matching[0]
    if case.row is not None:
        assert case.row in problem.rows
    if case.column is not None:
        assert problem.column == case.column


@pytest.mark.parametrize("case", BROKEN_CASES, ids=lambda c: c.name)
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_cli_validate_exits_2_with_a_message_not_a_traceback(tmp_path, case, lang):
    result = runner.invoke(app, ["validate", "--data", str(write_case(tmp_path, case)), "--lang", lang])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert case.file in result.output
    if case.row is not None:
        assert (f"{case.row} 行目" if lang == "ja" else f"row {case.row}") in result.output
    if case.column is not None:
        assert case.column in result.output


@pytest.mark.parametrize("case", NORMALISED_CASES, ids=lambda c: c.name)
def test_safe_values_are_normalised_with_a_warning(tmp_path, case):
    data, problems = inspect_dataset(write_case(tmp_path, case))
    assert data is not None, [p.render("en") for p in problems]
    warnings = [p for p in problems if p.severity == "warning" and p.file == case.file and p.code == case.code]
    assert warnings
    if case.row is not None:
        assert warnings[0].rows == (case.row,)
    base = load_dataset(write_case(tmp_path / "base"))
    for table in base.tables:
        pd.testing.assert_frame_equal(data[table], base[table], check_dtype=False)


def test_all_problems_of_a_file_are_reported_together(tmp_path):
    folder = write_case(tmp_path)
    (folder / "mrr.csv").write_text("account_id,month,mrr\nA1,2024-13,1\nA1,2024-02,-5\nA9,2024-02,3\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as caught:
        load_dataset(folder)
    codes = {(p.code, p.rows) for p in caught.value.errors}
    assert {("data.bad_month", (2,)), ("data.negative", (3,)), ("data.unknown_reference", (4,))} <= codes


def test_messages_are_in_the_chosen_language(tmp_path):
    folder = write_case(tmp_path, BROKEN_CASES[3])
    ja = runner.invoke(app, ["validate", "--data", str(folder), "--lang", "ja"]).output
    en = runner.invoke(app, ["validate", "--data", str(folder), "--lang", "en"]).output
    assert "読めません" in ja and "Cannot read month" in en


def test_lang_defaults_to_the_environment_then_japanese(tmp_path, monkeypatch):
    folder = write_case(tmp_path, BROKEN_CASES[3])
    monkeypatch.setenv("CSKIT_LANG", "en")
    assert "Cannot read month" in runner.invoke(app, ["validate", "--data", str(folder)]).output
    monkeypatch.delenv("CSKIT_LANG")
    assert "読めません" in runner.invoke(app, ["validate", "--data", str(folder)]).output


def test_xlsx_and_parquet_tables_are_read(tmp_path):
    folder = write_case(tmp_path)
    surveys = pd.read_csv(folder / "surveys.csv", dtype=str)
    (folder / "surveys.csv").unlink()
    surveys.to_excel(folder / "surveys.xlsx", index=False)
    usage = pd.read_csv(folder / "usage.csv")
    (folder / "usage.csv").unlink()
    usage.to_parquet(folder / "usage.parquet")
    data = load_dataset(folder)
    assert data.sources["surveys"] == "surveys.xlsx" and data.sources["usage"] == "usage.parquet"
    assert list(data["surveys"]["score"]) == [9, 4]
    assert list(data["usage"]["active_users"]) == [3, 4]


def test_valid_dataset_exits_0(tmp_path):
    result = runner.invoke(app, ["validate", "--data", str(write_case(tmp_path)), "--lang", "en"])
    assert result.exit_code == 0 and "valid dataset" in result.output


def test_missing_folder_is_a_clear_error(tmp_path):
    result = runner.invoke(app, ["validate", "--data", str(tmp_path / "nope"), "--lang", "en"])
    assert result.exit_code == 2 and "does not exist" in result.output


def test_teams_file_is_optional(tmp_path):
    folder = write_case(tmp_path)
    (folder / "teams.csv").unlink()
    for name in ("opportunities", "tickets", "costs", "leads", "activities"):
        (folder / f"{name}.csv").unlink()
    data = load_dataset(folder)
    assert list(data.teams["team"]) == ["cs1"] and data.role_of("cs1") == "cs"


@pytest.mark.parametrize("case", BROKEN_CASES, ids=lambda c: c.name)
def test_cli_report_refuses_broken_data_and_leaves_the_output_alone(tmp_path, case):
    out = tmp_path / "reports"
    (out / "cs1").mkdir(parents=True)
    (out / "cs1" / "02_kpi_calculation.html").write_text("previous good report", encoding="utf-8")
    before = sorted((p.relative_to(out), p.read_bytes()) for p in out.rglob("*") if p.is_file())
    result = runner.invoke(app, ["report", "--data", str(write_case(tmp_path / "data", case)), "--out", str(out), "--lang", "en"])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and case.file in result.output
    after = sorted((p.relative_to(out), p.read_bytes()) for p in out.rglob("*") if p.is_file())
    assert after == before


def _many_rows(accounts: int, months: list[str]) -> dict:
    from conftest import mrr_rows

    ids = [f"A{i:04d}" for i in range(accounts)]
    return {
        "teams": "team,role\ncs1,cs\n",
        "accounts": [{"account_id": a, "team": "cs1", "touch_model": "tech"} for a in ids],
        "mrr": mrr_rows({a: {m: 100 + i for m in months} for i, a in enumerate(ids)}),
    }


def test_bad_cells_deep_in_a_large_table_are_each_named_by_row(tmp_path):
    """Quick whole-column checks find the problem; the report still names every cell."""
    from conftest import write_tables

    tables = _many_rows(500, ["2024-01", "2024-02", "2024-03", "2024-04"])  # 2,000 mrr rows
    tables["mrr"][1233]["mrr"] = -5             # spreadsheet row 1235
    tables["mrr"][1499]["account_id"] = "ZZZ"   # row 1501: not in accounts
    tables["mrr"][1799]["month"] = tables["mrr"][1798]["month"]  # row 1801 repeats row 1800's key
    tables["accounts"][321]["touch_model"] = "robot"  # row 323
    _, problems = inspect_dataset(write_tables(tmp_path, tables))
    found = {(p.file, p.code, p.column): p.rows for p in problems if p.severity == "error"}
    assert found == {
        ("mrr.csv", "data.negative", "mrr"): (1235,),
        ("mrr.csv", "data.unknown_reference", "account_id"): (1501,),
        ("mrr.csv", "data.duplicate_key", "account_id+month"): (1801,),
        ("accounts.csv", "data.bad_enum", "touch_model"): (323,),
    }


def test_repeated_ids_share_one_string_object(tmp_path):
    """An account id repeated in every month is one Python string, not one per row (memory)."""
    from conftest import write_tables

    data = load_dataset(write_tables(tmp_path, _many_rows(3, ["2024-01", "2024-02", "2024-03"])))
    ids = data["mrr"]["account_id"].to_numpy()
    assert list(ids[:3]) == ["A0000"] * 3 and ids[0] is ids[1] is ids[2]
    assert data["mrr"]["account_id"].dtype == object


def test_parents_come_before_the_tables_that_refer_to_them():
    """References are checked as soon as a table is read, so the contract lists parents first."""
    from cskit.contract import TABLES

    order = list(TABLES)
    for name, table in TABLES.items():
        for col in table.columns:
            if col.references:
                assert order.index(col.references.split(".")[0]) < order.index(name), (name, col.name)


@pytest.mark.parametrize("case", BROKEN_CASES, ids=lambda c: c.name)
def test_cli_kpi_reports_every_broken_case_like_validate(tmp_path, case):
    """`cskit kpi` keeps only the columns KPIs use, but checks every cell first."""
    result = runner.invoke(app, ["kpi", "--data", str(write_case(tmp_path, case)), "--lang", "en", "--format", "csv"])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and case.file in result.output
    if case.row is not None:
        assert f"row {case.row}" in result.output
    if case.column is not None:
        assert case.column in result.output


def test_a_bad_cell_in_a_column_kpis_do_not_use_is_still_reported(tmp_path):
    from broken_cases import BASE

    files = dict(BASE)
    files["activities.csv"] = files["activities.csv"] + "X1,fs1,u2,2024-01-04,email,L1,A9,sent\n"  # row 3
    case_dir = tmp_path / "data"
    case_dir.mkdir()
    for name, text in files.items():
        (case_dir / name).write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["kpi", "--data", str(case_dir), "--lang", "en", "--format", "csv"])
    assert result.exit_code == 2
    assert "activities.csv" in result.output and "row 3" in result.output
    assert "activity_id" in result.output and "account_id" in result.output  # duplicate X1, unknown A9


def test_kpis_from_the_columns_kept_equal_kpis_from_every_column(sample_dir):
    from cskit.kpi.engine import KPI_COLUMNS, compute_kpis

    slim = load_dataset(sample_dir, columns=KPI_COLUMNS)
    assert "activity_id" not in slim["activities"] and "owner" not in slim["activities"]
    pd.testing.assert_frame_equal(compute_kpis(slim), compute_kpis(load_dataset(sample_dir)))
