"""The same definitions where the data lives: SQL sources and the pushed-down revenue query."""
from __future__ import annotations

import sqlite3

import duckdb
import numpy as np
import pandas as pd
import pytest

from broken_cases import write_case
from cskit.contract import TABLES
from cskit.io import load_dataset
from cskit.kpi.engine import compute_kpis
from cskit.io.sources import Connection
from cskit.kpi.sql import PUSHDOWN_KPIS, monthly_revenue


def csv_frames(folder) -> dict[str, pd.DataFrame]:
    """A dataset folder's CSV files as text frames (empty cell -> missing), as an export tool would load them."""
    return {csv.stem: pd.read_csv(csv, dtype=str, keep_default_na=False).replace({"": None}) for csv in sorted(folder.glob("*.csv"))}


def to_sqlite(folder, path):
    with sqlite3.connect(path) as connection:
        for name, frame in csv_frames(folder).items():
            frame.to_sql(name, connection, index=False)
        connection.execute("CREATE TABLE secrets (password TEXT)")
    return f"sqlite:///{path}"


def to_duckdb(folder, path):
    connection = duckdb.connect(str(path))
    for csv in folder.glob("*.csv"):
        connection.execute(f"CREATE TABLE {csv.stem} AS SELECT * FROM read_csv(?, all_varchar = true)", [str(csv)])
    connection.close()
    return f"duckdb:///{path}"


@pytest.fixture(scope="module")
def small_sample(tmp_path_factory):
    from cskit.sample import write_sample

    folder = tmp_path_factory.mktemp("sample")
    write_sample(folder, accounts=150, months=18, seed=7)
    return folder


def assert_reads_like_the_folder(url, folder):
    """Every table loaded from ``url`` equals the folder's, value for value (tests/test_postgres.py too)."""
    from_files, from_sql = load_dataset(folder), load_dataset(url)
    assert set(from_sql.tables) == set(from_files.tables)
    for table in from_files.tables:  # a database reads rows in key order, a file in file order
        key = list(TABLES[table].unique) or list(from_files[table].columns)
        pd.testing.assert_frame_equal(_in_key_order(from_sql[table], key), _in_key_order(from_files[table], key),
                                      check_dtype=False, obj=table)


def _in_key_order(frame: pd.DataFrame, key: list[str]) -> pd.DataFrame:
    return frame.sort_values(key, kind="stable", na_position="first").reset_index(drop=True)


def assert_revenue_equals_the_engine(url, folder, team, column):
    """:func:`monthly_revenue` on ``url`` equals the pandas engine on the folder, row for row."""
    pushed = monthly_revenue(url, team=team, team_column=column)
    engine = compute_kpis(load_dataset(folder), teams=[team])
    engine = engine[engine.kpi.isin(PUSHDOWN_KPIS)]
    merged = engine.merge(pushed, on=["team", "month", "kpi"], suffixes=("_engine", "_sql"), how="outer")
    assert len(merged) == len(engine) == len(pushed)
    assert np.allclose(merged["value_engine"], merged["value_sql"], equal_nan=True)


TEAMS_AND_COLUMNS = [("all", "team"), ("cs_smb", "team"), ("fs_osaka", "sales_team")]


@pytest.mark.parametrize("make_url", [to_sqlite, to_duckdb], ids=["sqlite", "duckdb"])
def test_a_database_reads_like_the_folder(small_sample, tmp_path, make_url):
    assert_reads_like_the_folder(make_url(small_sample, tmp_path / "crm.db"), small_sample)


def in_place(folder, path):
    return str(folder)  # DuckDB reads the CSV files where they are


@pytest.mark.parametrize("make_url", [to_sqlite, to_duckdb, in_place], ids=["sqlite", "duckdb", "files-in-place"])
@pytest.mark.parametrize("team,column", TEAMS_AND_COLUMNS)
def test_pushed_down_revenue_equals_the_engine(small_sample, tmp_path, make_url, team, column):
    assert_revenue_equals_the_engine(make_url(small_sample, tmp_path / "crm.db"), small_sample, team, column)


def test_sql_source_reads_only_the_contract_tables(small_sample, tmp_path, monkeypatch):
    url = to_sqlite(small_sample, tmp_path / "crm.db")
    statements = []
    original = Connection.query
    monkeypatch.setattr(Connection, "query", lambda self, sql, parameters=None: statements.append(sql) or original(self, sql, parameters))
    load_dataset(url)
    assert statements and all("secrets" not in s and "password" not in s for s in statements)
    assert all(s.startswith('SELECT "') for s in statements)


def test_team_names_are_bound_not_pasted(small_sample, tmp_path):
    url = to_sqlite(small_sample, tmp_path / "crm.db")
    hostile = "x' OR '1'='1"
    result = monthly_revenue(url, team=hostile)
    assert (result[result.kpi == "mrr"]["value"] == 0).all()  # no account has that team


def test_broken_rows_in_a_database_are_reported_like_in_files(tmp_path):
    from broken_cases import BROKEN_CASES
    from cskit.errors import DataValidationError

    case = next(c for c in BROKEN_CASES if c.name == "negative_mrr")
    url = to_sqlite(write_case(tmp_path / "csv", case), tmp_path / "crm.db")
    with pytest.raises(DataValidationError) as caught:
        load_dataset(url)
    problem = caught.value.errors[0]
    assert problem.file == "mrr (SQL)" and problem.column == "mrr" and problem.code == "data.negative"
