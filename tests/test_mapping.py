"""dataset.yml maps a real export onto the contract: its headers, its values, its files, sheets and title blocks.

Every case is a small hand-made dataset written in tmp_path: the contract-form base of
the broken-data corpus, rewritten the way a CRM export looks (Japanese headers, a
report title above the header, a workbook with a cover sheet, a file named after the
report), with the ``dataset.yml`` that maps it back.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from broken_cases import write_case
from cskit.cli import app
from cskit.errors import DataValidationError
from cskit.io import inspect_dataset, load_dataset
from cskit.io.config import did_you_mean, parse_config
from cskit.kpi.engine import compute_kpis, run_kpis

runner = CliRunner()

#: accounts.csv and mrr.csv of the base, as an export with Japanese headers and a title block.
TITLE = "取引先レポート\n出力日,2026-11-30\n\n"
ACCOUNTS_JA = (
    "取引先ID,取引先名,担当チーム,営業チーム,セグメント,タッチモデル,契約開始日,業種,地域\n"
    "A1,Acme,cs1,fs1,smb,tech,2024-01-05,it,kanto\n"
    "A2,Beta,cs1,fs1,mid,low,2024-02-01,retail,kansai\n"
    "A3,Gamma,cs1,fs1,enterprise,high,2024-01-10,finance,kanto\n"
)
MRR_JA = "ＡＣＣＯＵＮＴ＿ＩＤ, 対象 月 ,月額\nA1,2024-01,1000\nA1,2024-02,1200\nA2,2024-02,500\nA2,2024-03,500\nA3,2024-01,9000\nA3,2024-03,9000\n"
OPPORTUNITIES_JA = (
    "opportunity_id,account_id,team,owner,type,source,created_date,close_date,フェーズ,amount\n"
    "O1,A1,fs1,u1,new,web,2023-12-01,2024-01-03,受注,12000\nO2,,fs1,u1,new,web,2024-01-10,,商談中,5000\n"
)
MAPPING = """\
currency: JPY
columns:
  accounts:
    account_id: 取引先ID
    account_name: 取引先名
    team: 担当チーム
    sales_team: 営業チーム
    segment: セグメント
    touch_model: タッチモデル
    contract_start: 契約開始日
    industry: 業種
    region: 地域
  mrr: {month: 対象月, mrr: 月額}
  opportunities: {stage: フェーズ}
values:
  opportunities:
    stage: {受注: won, 失注: lost, 商談中: open}
"""


def mapped_dataset(folder: Path, accounts: str = ACCOUNTS_JA, mapping: str = MAPPING) -> Path:
    """The base dataset with accounts, mrr and opportunities written as an export, and its dataset.yml."""
    write_case(folder)
    for name in ("accounts.csv", "mrr.csv", "opportunities.csv"):
        (folder / name).unlink()
    (folder / "accounts.csv").write_text(accounts, encoding="utf-8")
    (folder / "mrr.csv").write_text(MRR_JA, encoding="utf-8")
    (folder / "opportunities.csv").write_text(OPPORTUNITIES_JA, encoding="utf-8")
    (folder / "dataset.yml").write_text(mapping, encoding="utf-8")
    return folder


def errors(problems):
    return [p for p in problems if p.severity == "error"]


# --------------------------------------------------------------------------- #
# Headers and values
# --------------------------------------------------------------------------- #
def test_a_mapped_export_loads_as_the_same_tables_as_the_contract_form(tmp_path):
    mapped = load_dataset(mapped_dataset(tmp_path / "mapped"))
    base = load_dataset(write_case(tmp_path / "base"))
    for table in base.tables:
        pd.testing.assert_frame_equal(mapped[table], base[table])
    assert mapped["opportunities"]["stage"].tolist() == ["won", "open"]
    assert mapped.headers["accounts"]["team"] == "担当チーム"
    assert mapped.headers["mrr"] == {"account_id": "ACCOUNT_ID", "month": "対象 月", "mrr": "月額"}  # as read: NFKC, trimmed


def test_kpis_of_a_mapped_export_equal_those_of_the_contract_form(tmp_path):
    mapped = compute_kpis(load_dataset(mapped_dataset(tmp_path / "mapped")))
    base = compute_kpis(load_dataset(write_case(tmp_path / "base")))
    pd.testing.assert_frame_equal(mapped, base)
    january = mapped[(mapped["team"] == "fs1") & (mapped["month"] == "2024-01")].set_index("kpi")["value"]
    # the one deal closed in January (O1, 12000, written 受注 in the export) was won
    assert (january["win_rate"], january["avg_deal_size"]) == (1.0, 12000.0)


def test_headers_match_full_width_spaced_and_any_case_without_a_mapping(tmp_path):
    folder = write_case(tmp_path)
    (folder / "mrr.csv").write_text("ＡＣＣＯＵＮＴ＿ＩＤ, Month ,M R R\nA1,2024-01,1000\nA1,2024-02,1200\nA2,2024-02,500\n"
                                    "A2,2024-03,500\nA3,2024-01,9000\nA3,2024-03,9000\n", encoding="utf-8")
    data, problems = inspect_dataset(folder)
    assert errors(problems) == []
    assert data["mrr"]["mrr"].sum() == 1000 + 1200 + 500 + 500 + 9000 + 9000


def test_a_bad_cell_in_a_mapped_column_names_the_users_header_and_row(tmp_path):
    folder = mapped_dataset(tmp_path, accounts=ACCOUNTS_JA.replace("2024-02-01,retail", "2024-02-30,retail"))
    _, problems = inspect_dataset(folder)
    (problem,) = errors(problems)
    assert (problem.file, problem.rows, problem.column, problem.code) == ("accounts.csv", (3,), "契約開始日", "data.bad_date")
    assert problem.render("ja").startswith("accounts.csv 3 行目, 列 契約開始日: ")


def test_an_unmapped_value_is_still_an_error_naming_the_users_value(tmp_path):
    folder = mapped_dataset(tmp_path)
    (folder / "opportunities.csv").write_text(OPPORTUNITIES_JA.replace("商談中", "保留"), encoding="utf-8")
    _, problems = inspect_dataset(folder)
    (problem,) = errors(problems)
    assert (problem.code, problem.rows, problem.column, problem.params["value"]) == ("data.bad_enum", (3,), "フェーズ", "保留")


def test_a_reference_to_a_mapped_column_names_the_parents_header(tmp_path):
    folder = mapped_dataset(tmp_path)
    (folder / "mrr.csv").write_text(MRR_JA.replace("A3,2024-03", "A9,2024-03"), encoding="utf-8")
    _, problems = inspect_dataset(folder)
    (problem,) = errors(problems)
    assert problem.code == "data.unknown_reference" and problem.rows == (7,)
    assert problem.column == "ACCOUNT_ID" and problem.params["parent"] == "accounts.csv (取引先ID)"


def test_a_duplicate_key_names_the_users_headers(tmp_path):
    folder = mapped_dataset(tmp_path)
    (folder / "mrr.csv").write_text(MRR_JA + "A1,2024-01,5\n", encoding="utf-8")
    (problem,) = errors(inspect_dataset(folder)[1])
    assert (problem.code, problem.rows, problem.column, problem.params["first_row"]) == ("data.duplicate_key", (8,), "ACCOUNT_ID+対象 月", 2)


# --------------------------------------------------------------------------- #
# Unknown columns
# --------------------------------------------------------------------------- #
def test_a_renamed_column_is_reported_with_a_suggestion_not_dropped_silently(tmp_path):
    folder = write_case(tmp_path)
    text = (folder / "accounts.csv").read_text(encoding="utf-8")
    (folder / "accounts.csv").write_text(text.replace("contract_start", "start", 1), encoding="utf-8")
    data, problems = inspect_dataset(folder)
    unknown = [p for p in problems if p.code.startswith("data.unknown_column")]
    assert data is not None and len(unknown) == 1
    (warning,) = unknown
    assert (warning.severity, warning.file, warning.column, warning.params) == (
        "warning", "accounts.csv", "start", {"suggestion": "contract_start"})
    assert "did you mean contract_start?" in warning.render("en")
    result = runner.invoke(app, ["validate", "--data", str(folder), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert result.output.count("column start: Not a column of the data contract") == 1


def test_did_you_mean_matches_close_names_and_mapped_synonyms():
    assert did_you_mean("start", {"contract_start": "contract_start", "segment": "segment"}) == "contract_start"
    assert did_you_mean("取引先 ID2", {"取引先ID": "account_id"}) == "account_id"
    assert did_you_mean("memo", {"contract_start": "contract_start"}) is None


def test_other_commands_print_the_warnings_once_on_stderr(tmp_path):
    folder = write_case(tmp_path)
    text = (folder / "accounts.csv").read_text(encoding="utf-8")
    (folder / "accounts.csv").write_text(text.replace("region", "regoin", 1), encoding="utf-8")
    result = runner.invoke(app, ["cohort", "--data", str(folder), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert result.stderr.count("regoin") == 1 and "did you mean region?" in result.stderr
    assert "regoin" not in result.stdout


# --------------------------------------------------------------------------- #
# Errors in dataset.yml: line and key
# --------------------------------------------------------------------------- #
CONFIG_ERRORS = [
    ("currency: JPY\ncurency: USD\n", "config.unknown_key_hint", 2, "curency"),
    ("columns:\n  acount: {team: x}\n", "config.unknown_table_hint", 2, "columns.acount"),
    ("columns:\n  accounts:\n    teem: 担当\n", "config.unknown_column_hint", 3, "columns.accounts.teem"),
    ("columns:\n  accounts:\n    team: 担当\n    sales_team: ' 担当'\n", "config.same_header", 4, "columns.accounts.sales_team"),
    ("values:\n  accounts:\n    team: {a: b}\n", "config.not_enum", 3, "values.accounts.team"),
    ("values:\n  opportunities:\n    stage:\n      受注: win\n", "config.bad_choice", 4, "values.opportunities.stage.受注"),
    ("tables:\n  accounts:\n    header_row: 0\n", "config.bad_header_row", 3, "tables.accounts.header_row"),
    ("tables:\n  accounts: {header_row: 2.5}\n", "config.bad_header_row", 2, "tables.accounts.header_row"),
    ("columns: [a, b]\n", "config.bad_type", 1, "columns"),
]


@pytest.mark.parametrize("text, code, line, key", CONFIG_ERRORS, ids=[c[1] + str(c[2]) for c in CONFIG_ERRORS])
def test_each_config_error_names_its_line_and_key(text, code, line, key):
    _, problems = parse_config(text)
    assert [(p.code, p.line, p.key) for p in problems] == [(code, line, key)]
    assert problems[0].render("en").startswith(f"dataset.yml line {line}, key {key}: ")
    assert problems[0].render("ja").startswith(f"dataset.yml {line} 行目, キー {key}: ")


def test_a_yaml_syntax_error_names_its_line():
    (problem,) = parse_config("currency: JPY\ncolumns: {accounts: [\n")[1]
    assert problem.code == "config.syntax" and problem.line == 3


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_config_error_exits_2_through_the_cli_without_a_traceback(tmp_path, lang):
    folder = mapped_dataset(tmp_path, mapping=MAPPING.replace("  mrr: {month: 対象月", "  mrr: {monht: 対象月"))
    result = runner.invoke(app, ["validate", "--data", str(folder), "--lang", lang])
    assert result.exit_code == 2 and "Traceback" not in result.output
    line = MAPPING.splitlines().index("  mrr: {month: 対象月, mrr: 月額}") + 1
    where = f"dataset.yml line {line}, key columns.mrr.monht" if lang == "en" else f"dataset.yml {line} 行目, キー columns.mrr.monht"
    assert where in result.output


def test_a_mapped_header_the_file_lacks_names_the_file_and_the_line(tmp_path):
    folder = mapped_dataset(tmp_path, mapping=MAPPING.replace("team: 担当チーム", "team: 担当者チーム"))
    problems = errors(inspect_dataset(folder)[1])
    (problem,) = [p for p in problems if p.code == "config.header_absent"]
    assert (problem.file, problem.key, problem.line) == ("dataset.yml", "columns.accounts.team", 6)
    assert "accounts.csv has no header '担当者チーム'" in problem.render("en")
    assert not [p for p in problems if p.code == "data.column_missing"]  # said once, where to fix it


# --------------------------------------------------------------------------- #
# Title blocks, sheets, header rows and file names
# --------------------------------------------------------------------------- #
def test_a_title_block_above_the_header_is_skipped_and_rows_keep_their_numbers(tmp_path):
    folder = mapped_dataset(tmp_path, accounts=TITLE + ACCOUNTS_JA.replace("2024-02-01,retail", "2024-02-31,retail"))
    _, problems = inspect_dataset(folder)
    (problem,) = errors(problems)
    # title, date, blank line, header on row 4: A1 is row 5, A2 row 6
    assert (problem.code, problem.rows, problem.column) == ("data.bad_date", (6,), "契約開始日")


def test_a_title_block_is_found_without_any_dataset_yml(tmp_path):
    folder = write_case(tmp_path)
    text = (folder / "mrr.csv").read_text(encoding="utf-8")
    (folder / "mrr.csv").write_text(TITLE + text.replace("A2,2024-03,500", "A2,2024-03,-500"), encoding="utf-8")
    (problem,) = errors(inspect_dataset(folder)[1])
    assert (problem.code, problem.rows, problem.column) == ("data.negative", (8,), "mrr")


def test_header_row_override_and_a_report_named_file(tmp_path):
    folder = mapped_dataset(tmp_path, mapping=MAPPING + "tables:\n  accounts: {file: 取引先レポート_20261130.csv, header_row: 5}\n")
    (folder / "accounts.csv").unlink()
    (folder / "取引先レポート_20261130.csv").write_text(TITLE + "メモ: 全件\n" + ACCOUNTS_JA.replace(",kansai", ",関西 "), encoding="utf-8")
    data, problems = inspect_dataset(folder)
    assert errors(problems) == []
    assert data.sources["accounts"] == "取引先レポート_20261130.csv"
    (trimmed,) = [p for p in problems if p.code == "data.normalised"]
    assert trimmed.rows == (7,) and trimmed.column == "地域"


def test_a_named_file_that_is_missing_is_an_error_at_its_line(tmp_path):
    folder = mapped_dataset(tmp_path, mapping=MAPPING + "tables:\n  accounts: {file: nowhere.csv}\n")
    (problem,) = [p for p in errors(inspect_dataset(folder)[1]) if p.code == "config.file_absent"]
    assert problem.key == "tables.accounts.file" and problem.line == MAPPING.count("\n") + 2


def write_workbook(path: Path, sheets: dict[str, list[list]]) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)


def _rows(csv_text: str) -> list[list]:
    return [line.split(",") for line in csv_text.strip("\n").split("\n")]


def test_a_workbook_with_a_cover_sheet_and_a_title_block(tmp_path):
    folder = mapped_dataset(tmp_path)
    (folder / "accounts.csv").unlink()
    body = _rows(ACCOUNTS_JA.replace("2024-02-01,retail", "2024-02-30,retail"))
    write_workbook(folder / "accounts.xlsx", {"表紙": [["取引先レポート"], ["作成者", "CS 部"]],
                                             "取引先": [["取引先レポート"], ["出力日", "2026-11-30"], [], *body]})
    (problem,) = errors(inspect_dataset(folder)[1])
    assert (problem.file, problem.code, problem.rows, problem.column) == ("accounts.xlsx", "data.bad_date", (6,), "契約開始日")


def test_a_named_sheet_that_is_missing_is_an_error_listing_the_sheets(tmp_path):
    folder = mapped_dataset(tmp_path, mapping=MAPPING + "tables:\n  accounts: {sheet: 顧客}\n")
    (folder / "accounts.csv").unlink()
    write_workbook(folder / "accounts.xlsx", {"表紙": [["x"]], "取引先": _rows(ACCOUNTS_JA)})
    (problem,) = errors(inspect_dataset(folder)[1])
    assert (problem.code, problem.key) == ("config.sheet_missing", "tables.accounts.sheet")
    assert "accounts.xlsx has no sheet '顧客'; sheets: 表紙, 取引先." in problem.render("en")


def test_the_named_sheet_and_header_row_are_read(tmp_path):
    folder = mapped_dataset(tmp_path, mapping=MAPPING + "tables:\n  accounts: {sheet: 取引先, header_row: 3}\n")
    (folder / "accounts.csv").unlink()
    write_workbook(folder / "accounts.xlsx", {"表紙": [["x"]], "取引先": [["取引先レポート"], [], *_rows(ACCOUNTS_JA)]})
    data = load_dataset(folder)
    assert data["accounts"]["account_id"].tolist() == ["A1", "A2", "A3"]


# --------------------------------------------------------------------------- #
# Databases and the DuckDB route
# --------------------------------------------------------------------------- #
def test_a_database_with_config_maps_its_tables_and_headers(tmp_path):
    base = tmp_path / "base"
    write_case(base)
    database = tmp_path / "crm.db"
    with sqlite3.connect(database) as connection:
        pd.read_csv(base / "accounts.csv", dtype=str).rename(columns={"account_id": "取引先ID", "team": "担当チーム"}).to_sql(
            "取引先", connection, index=False)
        pd.read_csv(base / "mrr.csv", dtype=str).rename(columns={"mrr": "月額"}).to_sql("mrr_export", connection, index=False)
    config = tmp_path / "crm.yml"
    config.write_text("columns:\n  accounts: {account_id: 取引先ID, team: 担当チーム}\n  mrr: {mrr: 月額}\n"
                      "tables:\n  accounts: {table: 取引先}\n  mrr: {table: mrr_export}\n", encoding="utf-8")
    data = load_dataset(f"sqlite:///{database}", config=config)
    assert data["mrr"]["mrr"].sum() == 21200 and data.sources["mrr"] == "mrr_export (SQL)"
    expected = load_dataset({"accounts": pd.read_csv(base / "accounts.csv", dtype=str), "mrr": pd.read_csv(base / "mrr.csv", dtype=str)})
    pd.testing.assert_frame_equal(compute_kpis(data), compute_kpis(expected))
    result = runner.invoke(app, ["validate", "--data", f"sqlite:///{database}", "--config", str(config), "--lang", "en"])
    assert result.exit_code == 0, result.output


def test_a_missing_config_file_is_an_input_error(tmp_path):
    result = runner.invoke(app, ["validate", "--data", str(write_case(tmp_path)), "--config", str(tmp_path / "no.yml")])
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_the_duckdb_route_on_a_mapped_export_gives_the_pandas_figures(tmp_path):
    folder = mapped_dataset(tmp_path)
    (folder / "mrr.csv").write_text(TITLE + MRR_JA, encoding="utf-8")
    duck = run_kpis(folder, teams="all", engine="duckdb")
    pandas = run_kpis(folder, teams="all", engine="pandas")
    theirs = pandas.kpis[pandas.kpis["kpi"].isin(duck.kpis["kpi"].unique())].reset_index(drop=True)
    pd.testing.assert_frame_equal(duck.kpis.reset_index(drop=True), theirs, check_dtype=False)


def test_the_duckdb_route_names_the_users_header_and_row(tmp_path):
    folder = mapped_dataset(tmp_path)
    (folder / "mrr.csv").write_text(TITLE + MRR_JA.replace("A2,2024-03,500", "A2,2024-03,-500"), encoding="utf-8")
    with pytest.raises(DataValidationError) as caught:
        run_kpis(folder, teams="all", engine="duckdb")
    (problem,) = caught.value.errors
    assert (problem.code, problem.rows, problem.column) == ("data.negative", (8,), "月額")  # header on row 4, A2 2024-03 on 8


def test_monthly_revenue_over_a_mapped_folder_reads_the_users_headers(tmp_path):
    from cskit.kpi.sql import monthly_revenue

    mapped = monthly_revenue(str(mapped_dataset(tmp_path / "mapped")), "all")
    base = monthly_revenue(str(write_case(tmp_path / "base")), "all")
    pd.testing.assert_frame_equal(mapped, base)
    assert mapped[(mapped["kpi"] == "mrr") & (mapped["month"] == "2024-03")]["value"].tolist() == [9500.0]
