"""The DuckDB route of `cskit kpi` for large exports (cskit.kpi.pushdown).

Every test compares with the pandas route, which is the reference: the same figures
for the revenue KPIs, the same messages (file, row, column) for broken data.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from broken_cases import BASE, BROKEN_CASES, NORMALISED_CASES, write_case
from cskit.cli import app
from cskit.errors import CskitError, DataValidationError
from cskit.kpi.engine import compute_kpis
from cskit.kpi.pushdown import ROWS_LISTED, TABLES_READ, revenue_kpis
from cskit.kpi.route import choose_engine
from cskit.kpi.sql import PUSHDOWN_KPIS


def kpi_command(folder, engine: str, *extra: str):
    return CliRunner().invoke(app, ["kpi", "--data", str(folder), "--engine", engine, "--lang", "en", *extra])


def problem_lines(output: str) -> set[str]:
    return {line.strip() for line in output.splitlines() if any(k in line for k in (".csv", ".parquet", ".xlsx"))}


# --------------------------------------------------------------------------- #
# Same figures as the pandas engine
# --------------------------------------------------------------------------- #
def assert_same_revenue_kpis(ours: pd.DataFrame, dataset) -> None:
    reference = compute_kpis(dataset)
    reference = reference[reference["kpi"].isin(PUSHDOWN_KPIS)]
    keys = ["team", "month", "kpi"]
    merged = ours.merge(reference, on=keys, how="outer", suffixes=("_duckdb", "_pandas"), indicator=True)
    assert (merged["_merge"] == "both").all(), merged[merged["_merge"] != "both"].head()
    assert np.allclose(merged["value_duckdb"], merged["value_pandas"], rtol=1e-9, equal_nan=True)


def test_sample_revenue_kpis_equal_the_pandas_engine(sample_dir, sample_dataset):
    ours, dataset = revenue_kpis(sample_dir)
    assert set(ours["kpi"]) == set(PUSHDOWN_KPIS)
    assert not dataset.has("mrr")  # the large table never became a pandas frame
    assert_same_revenue_kpis(ours, sample_dataset)


def test_a_parquet_export_gives_the_same_figures(tmp_path, sample_dir, sample_dataset):
    folder = tmp_path / "parquet"
    folder.mkdir()
    for path in sample_dir.iterdir():
        if path.name == "mrr.csv":
            pd.read_csv(path, dtype=str).to_parquet(folder / "mrr.parquet")
        elif path.is_file():
            (folder / path.name).write_bytes(path.read_bytes())
    ours, _ = revenue_kpis(folder)
    assert_same_revenue_kpis(ours, sample_dataset)


def test_small_dataset_by_hand(tmp_path):
    # A1: 1000 -> 1200 (expansion 200); A2 starts at 500 in Feb; A3: 9000, gone in Feb, back in Mar
    ours, _ = revenue_kpis(write_case(tmp_path / "d"), teams="all")
    ours = ours[ours["team"] == "all"]
    wide = ours.pivot(index="month", columns="kpi", values="value")
    assert wide.loc[pd.Period("2024-01"), "mrr"] == 10_000
    assert wide.loc[pd.Period("2024-02"), "mrr"] == 1_700
    assert wide.loc[pd.Period("2024-02"), "expansion_mrr"] == 200
    assert wide.loc[pd.Period("2024-02"), "churned_mrr"] == 9_000
    assert wide.loc[pd.Period("2024-03"), "reactivation_mrr"] == 9_000
    assert wide.loc[pd.Period("2024-03"), "churned_mrr"] == 1_200
    assert wide.loc[pd.Period("2024-03"), "customers"] == 2


# --------------------------------------------------------------------------- #
# Same messages as the pandas loader
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("case", BROKEN_CASES, ids=lambda c: c.name)
def test_every_broken_case_is_reported_as_the_pandas_route_reports_it(tmp_path, case):
    folder = write_case(tmp_path / case.name, case)
    duck, pandas_route = kpi_command(folder, "duckdb"), kpi_command(folder, "pandas")
    assert pandas_route.exit_code == 2
    assert "Traceback" not in duck.output
    table = Path(case.file).stem
    if table not in TABLES_READ and table != "dataset":
        # a table the revenue KPIs do not read cannot change them: not read, and the note says where to check it
        assert duck.exit_code == 0, duck.output
        assert "cskit validate" in duck.output
        return
    assert duck.exit_code == 2, duck.output
    if case.file == "mrr.csv":  # checked in DuckDB: word for word what the pandas loader says
        assert problem_lines(duck.output) == problem_lines(pandas_route.output)
    else:  # checked by the pandas loader on both routes (mrr is not checked against a broken accounts file)
        said = {line for line in problem_lines(pandas_route.output) if line.startswith(f"- {case.file}")}
        assert said and said <= problem_lines(duck.output)


#: normalised by the pandas loader, refused by DuckDB in the mrr file it reads (on the safe side)
REFUSED_HERE = ("fullwidth_digits", "slashed_month")


@pytest.mark.parametrize("case", [c for c in NORMALISED_CASES if c.name not in REFUSED_HERE], ids=lambda c: c.name)
def test_what_the_pandas_loader_normalises_loads_here_too(tmp_path, case):
    folder = write_case(tmp_path / case.name, case)
    duck, pandas_route = kpi_command(folder, "duckdb", "--format", "csv"), kpi_command(folder, "pandas", "--format", "csv")
    assert duck.exit_code == pandas_route.exit_code == 0, duck.output
    ours = pd.read_csv(pd.io.common.StringIO(duck.stdout))
    theirs = pd.read_csv(pd.io.common.StringIO(pandas_route.stdout))
    merged = ours.merge(theirs, on=["team", "month", "kpi"], suffixes=("_duckdb", "_pandas"))
    assert len(merged) == len(ours) > 0
    assert np.allclose(merged["value_duckdb"], merged["value_pandas"], equal_nan=True)


def test_a_month_with_a_slash_is_refused_not_misread(tmp_path):
    case = next(c for c in NORMALISED_CASES if c.name == "slashed_month")
    result = kpi_command(write_case(tmp_path / "d", case), "duckdb")
    assert result.exit_code == 2
    assert "mrr.csv row 4, column month" in result.output and "2024/2" in result.output


def test_full_width_digits_are_refused_not_misread(tmp_path):
    case = next(c for c in NORMALISED_CASES if c.name == "fullwidth_digits")
    result = kpi_command(write_case(tmp_path / "d", case), "duckdb")
    assert result.exit_code == 2
    assert "mrr.csv row 7, column mrr" in result.output and "９０００" in result.output


def big_mrr(rows: int, bad: dict[int, str]) -> str:
    """``rows`` MRR rows for account A1 over successive months; ``bad`` maps row -> month text."""
    lines = ["account_id,month,mrr"]
    for row in range(2, rows + 2):
        month = bad.get(row, f"{2000 + (row - 2) // 12}-{(row - 2) % 12 + 1:02d}")
        lines.append(f"A1,{month},100")
    return "\n".join(lines) + "\n"


def test_a_bad_cell_deep_in_the_file_is_named_by_its_row(tmp_path):
    folder = write_case(tmp_path / "d")
    (folder / "mrr.csv").write_text(big_mrr(3000, {1537: "2100-13"}), encoding="utf-8")
    duck, pandas_route = kpi_command(folder, "duckdb"), kpi_command(folder, "pandas")
    assert duck.exit_code == 2
    assert "mrr.csv row 1537, column month" in duck.output
    assert problem_lines(duck.output) == problem_lines(pandas_route.output)


def test_many_bad_rows_are_counted_beyond_those_listed(tmp_path):
    folder = write_case(tmp_path / "d")
    bad = {row: "someday" for row in range(10, 10 + ROWS_LISTED + 70)}
    (folder / "mrr.csv").write_text(big_mrr(400, bad), encoding="utf-8")
    duck, pandas_route = kpi_command(folder, "duckdb"), kpi_command(folder, "pandas")
    assert duck.exit_code == pandas_route.exit_code == 2
    assert f"and {ROWS_LISTED + 70 - 10} more" in duck.output
    assert problem_lines(duck.output) == problem_lines(pandas_route.output)


def test_a_shift_jis_export_is_sent_to_the_pandas_route(tmp_path):
    folder = write_case(tmp_path / "d")
    (folder / "mrr.csv").write_bytes(BASE["mrr.csv"].replace("A1,", "Ａ1,").encode("cp932"))
    result = kpi_command(folder, "duckdb")
    assert result.exit_code == 2
    assert "--engine pandas" in result.output and "Traceback" not in result.output


def test_an_excel_mrr_file_is_sent_to_the_pandas_route(tmp_path):
    folder = write_case(tmp_path / "d")
    pd.read_csv(folder / "mrr.csv").to_excel(folder / "mrr.xlsx", index=False)
    (folder / "mrr.csv").unlink()
    assert choose_engine(folder) == "pandas"
    result = kpi_command(folder, "duckdb")
    assert result.exit_code == 2 and "--engine pandas" in result.output


def test_the_revenue_route_says_which_kpis_it_leaves_out(tmp_path):
    result = kpi_command(write_case(tmp_path / "d"), "duckdb", "--format", "csv")
    assert result.exit_code == 0
    assert "not computed: " in result.output and "win_rate" in result.output
    assert "win_rate" not in result.stdout  # the note goes to stderr, the CSV stays clean


# --------------------------------------------------------------------------- #
# Choosing the route
# --------------------------------------------------------------------------- #
def test_auto_takes_duckdb_from_the_size_threshold(tmp_path, monkeypatch):
    folder = write_case(tmp_path / "d")
    size = (folder / "mrr.csv").stat().st_size
    monkeypatch.setenv("CSKIT_LARGE_INPUT_BYTES", str(size))
    assert choose_engine(folder) == "duckdb"
    monkeypatch.setenv("CSKIT_LARGE_INPUT_BYTES", str(size + 1))
    assert choose_engine(folder) == "pandas"
    assert choose_engine("sqlite:///crm.db") == "pandas"
    assert choose_engine(folder, "duckdb") == "duckdb"
    with pytest.raises(CskitError):
        choose_engine(folder, "spark")


def test_revenue_kpis_raises_one_error_listing_every_problem(tmp_path):
    folder = write_case(tmp_path / "d")
    (folder / "mrr.csv").write_text("account_id,month,mrr\nA1,2024-13,5\nA9,2024-01,-3\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as raised:
        revenue_kpis(folder)
    codes = {(p.code, p.rows, p.column) for p in raised.value.problems}
    assert codes == {("data.bad_month", (2,), "month"), ("data.negative", (3,), "mrr"),
                     ("data.unknown_reference", (3,), "account_id")}


# --------------------------------------------------------------------------- #
# The DuckDB checks come from the contract
# --------------------------------------------------------------------------- #
def _with_mrr_rule(monkeypatch, change: str) -> None:
    """Add one rule to the contract's ``mrr`` table for this test only."""
    from dataclasses import replace as changed

    from cskit.contract import TABLES, Column

    table = TABLES["mrr"]
    if change == "maximum":
        columns = tuple(changed(c, high=5000) if c.name == "mrr" else c for c in table.columns)
    elif change == "whole_numbers":
        columns = tuple(changed(c, integer=True) if c.name == "mrr" else c for c in table.columns)
    else:  # a new required column with allowed values
        columns = table.columns + (Column("currency", "enum", allowed=("JPY", "USD")),)
    monkeypatch.setitem(TABLES, "mrr", changed(table, columns=columns))


@pytest.mark.parametrize("change,edit,expected", [
    ("maximum", None, "mrr.csv rows 6, 7, column mrr: Value 9000 is out of range (0 to 5000)."),
    ("whole_numbers", ("A2,2024-03,500", "A2,2024-03,500.5"), "mrr.csv row 5, column mrr: Value 500.5 is not a whole number."),
    ("new_column", None, "mrr.csv, column currency: Required column currency is missing (columns present: account_id, month, mrr)."),
    ("new_column", ("account_id,month,mrr\n", "account_id,month,mrr,currency\n"), None),
])
def test_a_rule_added_to_the_contract_is_enforced_on_both_routes(tmp_path, monkeypatch, change, edit, expected):
    _with_mrr_rule(monkeypatch, change)
    folder = write_case(tmp_path / "d")
    if edit:
        path = folder / "mrr.csv"
        text = path.read_text(encoding="utf-8").replace(*edit)
        if change == "new_column":  # every row gets a currency, one of them not allowed
            lines = text.splitlines()
            text = "\n".join([lines[0]] + [f"{line},JPY" for line in lines[1:-1]] + [f"{lines[-1]},EUR"]) + "\n"
            expected = "mrr.csv row 7, column currency: Value 'EUR' is not allowed; expected one of: JPY, USD."
        path.write_text(text, encoding="utf-8")
    duck, pandas_route = kpi_command(folder, "duckdb"), kpi_command(folder, "pandas")
    assert duck.exit_code == pandas_route.exit_code == 2, duck.output
    assert problem_lines(duck.output) == problem_lines(pandas_route.output) == {"- " + expected}


def test_a_contract_rule_the_duckdb_route_cannot_check_is_refused_not_skipped(tmp_path, monkeypatch):
    from dataclasses import replace as changed

    from cskit.contract import TABLES, Column

    table = TABLES["mrr"]
    monkeypatch.setitem(TABLES, "mrr", changed(table, columns=table.columns + (Column("paid_at", "timestamp", required=False),)))
    result = kpi_command(write_case(tmp_path / "d"), "duckdb")
    assert result.exit_code == 2 and "--engine pandas" in result.output and "paid_at" in result.output
