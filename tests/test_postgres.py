"""The SQL route on a real PostgreSQL server: the same tables, numbers, problems and messages as elsewhere.

A throwaway server is started once per test worker (tests/postgres.py, the ``postgres_url``
fixture in tests/conftest.py); each test writes its tables into a database of its own. The
checks themselves are test_warehouse's, run there on SQLite and DuckDB.
"""
from __future__ import annotations

import pytest
from typer.testing import CliRunner

from broken_cases import BROKEN_CASES, NORMALISED_CASES, write_case
from cskit.cli import app
from cskit.errors import DataValidationError
from cskit.io import inspect_dataset, load_dataset
from postgres import binaries_or_skip, free_port, fresh_database, fresh_schema, in_schema, write_tables
from test_warehouse import (
    TEAMS_AND_COLUMNS, assert_reads_like_the_folder, assert_revenue_equals_the_engine, csv_frames, small_sample, to_sqlite,
)

__all__ = ["small_sample"]  # test_warehouse's fixture, used here too

# every test of this file runs on one worker, so the workers start one server between them
pytestmark = [pytest.mark.postgres, pytest.mark.xdist_group("postgres")]

runner = CliRunner()
SECRET = "pa55-w0rd-never-shown"


@pytest.fixture(scope="module")
def sample_url(postgres_url, small_sample):
    """The small sample, table by table as text, in a schema of its own."""
    return write_tables(fresh_schema(postgres_url), csv_frames(small_sample))


@pytest.mark.parametrize("schema", [None, "crm"], ids=["public", "schema-crm"])
def test_postgres_reads_like_the_folder(postgres_url, small_sample, schema):
    url = write_tables(fresh_database(postgres_url), csv_frames(small_sample), schema=schema)
    if schema is not None:  # the URL's search_path (?options=-csearch_path=crm) finds the contract's tables there
        url = in_schema(url, schema)
    assert_reads_like_the_folder(url, small_sample)


def test_tables_in_another_schema_are_not_read_without_a_search_path(postgres_url, small_sample):
    url = fresh_database(postgres_url)
    write_tables(url, csv_frames(small_sample), schema="crm")
    _, problems = inspect_dataset(url)
    assert sorted((p.file, p.code) for p in problems) == [("accounts.csv", "data.file_missing"), ("mrr.csv", "data.revenue_missing")]


def test_typed_postgres_columns_read_like_the_folder(postgres_url, small_sample):
    # a warehouse stores dates as TIMESTAMP and amounts as DOUBLE PRECISION / BIGINT, not text
    import pandas as pd

    from_files = load_dataset(small_sample)
    typed = {name: frame.apply(lambda c: c.astype(str) if isinstance(c.dtype, (pd.PeriodDtype, pd.CategoricalDtype)) else c)
             for name, frame in from_files.tables.items()}
    url = write_tables(fresh_schema(postgres_url), typed)
    assert "TIMESTAMP" in str(_column_types(url, "accounts")["contract_start"])
    from_sql = load_dataset(url)
    for table, frame in from_files.tables.items():  # the database's row order is its own: compare sorted
        key = list(frame.columns)
        pd.testing.assert_frame_equal(from_sql[table].sort_values(key).reset_index(drop=True),
                                      frame.sort_values(key).reset_index(drop=True), check_dtype=False, obj=table)


def _column_types(url, table):
    import sqlalchemy

    engine = sqlalchemy.create_engine(url)
    try:
        return {c["name"]: c["type"] for c in sqlalchemy.inspect(engine).get_columns(table)}
    finally:
        engine.dispose()


@pytest.mark.parametrize("team,column", TEAMS_AND_COLUMNS)
def test_pushed_down_revenue_on_postgres_equals_the_engine(sample_url, small_sample, team, column):
    assert_revenue_equals_the_engine(sample_url, small_sample, team, column)


@pytest.mark.parametrize("fmt", ["csv", "table"])
def test_cskit_kpi_prints_the_same_from_postgres_as_from_the_folder(sample_url, small_sample, fmt):
    from_sql = runner.invoke(app, ["kpi", "--data", sample_url, "--format", fmt, "--lang", "en"])
    from_files = runner.invoke(app, ["kpi", "--data", str(small_sample), "--format", fmt, "--lang", "en"])
    assert from_sql.exit_code == 0, from_sql.output
    assert from_files.exit_code == 0, from_files.output
    assert from_sql.stdout == from_files.stdout
    assert from_sql.stdout.count("\n") > 100  # every KPI, team and month, not an empty table twice


FILE_LEVEL = {"data.file_unreadable", "data.file_empty", "data.encoding"}  # about a file's bytes, not a table's cells


def _readable_in_a_database(case) -> bool:
    """Cases about a table's cells whose files are all CSV text that an export tool could load into tables."""
    if case.code in FILE_LEVEL:
        return False
    import io

    import pandas as pd

    from broken_cases import BASE

    files = dict(BASE)
    case.mutate(files)
    try:
        return all(name.endswith(".csv") and isinstance(text, str) and pd.read_csv(io.StringIO(text), dtype=str) is not None
                   for name, text in files.items())
    except Exception:
        return False


SQL_CASES = [c for c in BROKEN_CASES + NORMALISED_CASES if _readable_in_a_database(c)]


def _problems(url):
    _, problems = inspect_dataset(url)
    return [(p.file, p.code, p.rows, p.column, p.severity, p.render("en"), p.render("ja")) for p in problems]


@pytest.mark.parametrize("case", SQL_CASES, ids=[c.name for c in SQL_CASES])
def test_a_broken_table_gives_the_same_problems_as_on_sqlite(postgres_url, tmp_path, case):
    folder = write_case(tmp_path / "csv", case)
    on_sqlite = _problems(to_sqlite(folder, tmp_path / "crm.db"))
    on_postgres = _problems(write_tables(fresh_schema(postgres_url), csv_frames(folder)))
    assert on_postgres == on_sqlite
    assert case.code in {p[1] for p in on_postgres}
    if case.row is not None:  # the row and column the corpus names, as a spreadsheet numbers them
        assert any(p[1] == case.code and p[2][:1] == (case.row,) and p[3] == case.column for p in on_postgres), on_postgres


def test_the_corpus_cases_on_sql_cover_every_kind_of_rule():
    assert len(SQL_CASES) >= 30
    assert {"data.bad_month", "data.negative", "data.duplicate_key", "data.unknown_reference", "data.order",
            "data.column_missing", "data.file_missing", "data.no_rows", "data.normalised"} <= {c.code for c in SQL_CASES}


def test_a_password_in_the_url_is_never_printed(postgres_url, tmp_path):
    import sqlalchemy

    case = next(c for c in BROKEN_CASES if c.name == "negative_mrr")
    base = write_tables(fresh_schema(postgres_url), csv_frames(write_case(tmp_path / "csv", case)))
    url = sqlalchemy.make_url(base).set(password=SECRET).render_as_string(hide_password=False)
    assert SECRET in url  # the server trusts loopback, so the password is accepted and ignored
    with pytest.raises(DataValidationError) as caught:
        load_dataset(url)
    shown = [str(caught.value), caught.value.render("en"), caught.value.render("ja")]
    for command in (["validate", "--data", url], ["kpi", "--data", url, "--lang", "en"], ["cohort", "--data", url]):
        result = runner.invoke(app, command)
        assert result.exit_code == 2, result.output
        shown.append(result.output)
    assert "mrr (SQL)" in shown[-2] and "***" in shown[-3]
    assert not [text for text in shown if SECRET in text]
    good = write_tables(fresh_schema(postgres_url), csv_frames(write_case(tmp_path / "good")))
    good = sqlalchemy.make_url(good).set(password=SECRET).render_as_string(hide_password=False)
    assert SECRET not in load_dataset(good).path
    result = runner.invoke(app, ["validate", "--data", good, "--lang", "en"])
    assert result.exit_code == 0 and "***" in result.output and SECRET not in result.output
    result = runner.invoke(app, ["targets", "--data", good, "--lang", "en"])  # no targets.yml beside a database
    assert result.exit_code == 2 and "Targets file" in result.output and SECRET not in result.output


@pytest.mark.parametrize("lang,words", [("en", "Cannot connect to the database"), ("ja", "に接続できません")])
def test_an_unreachable_server_is_said_plainly_with_exit_code_2(lang, words):
    binaries_or_skip()  # the driver must be there for the connection to be tried
    url = f"postgresql://cskit:{SECRET}@127.0.0.1:{free_port()}/cskit"  # nobody listens on a port just freed
    result = runner.invoke(app, ["kpi", "--data", url, "--lang", lang])
    assert result.exit_code == 2, result.output
    assert words in result.stderr and "127.0.0.1" in result.stderr and "cskit:***@" in result.stderr
    assert "Traceback" not in result.output and SECRET not in result.output
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_japanese_crm_export_with_subscriptions_reads_from_postgres_through_its_mapping(postgres_url, tmp_path):
    # data/examples/crm_export_ja, its tables in PostgreSQL under the CRM's own table and column names
    # (取引先, 契約 ...), read through a dataset.yml given with --config: the same dataset as the folder
    import pandas as pd
    import yaml

    from test_example_export import EXAMPLE, FILES

    tables = {"teams": "チーム", "accounts": "取引先", "subscriptions": "契約", "opportunities": "商談"}
    frames = {}
    for file, (table, _, skip) in FILES.items():
        frame = pd.read_csv(EXAMPLE / file, encoding="cp932", dtype=str, keep_default_na=False, skiprows=skip)
        frames[tables[table]] = frame.where(frame != "", None)
    url = write_tables(fresh_schema(postgres_url), frames)
    config = yaml.safe_load((EXAMPLE / "dataset.yml").read_text(encoding="utf-8"))
    config["tables"] = {table: {"table": name} for table, name in tables.items()}
    config_file = tmp_path / "crm.yml"
    config_file.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")

    from_server, from_folder = load_dataset(url, config=config_file), load_dataset(EXAMPLE)
    assert sorted(from_server.tables) == sorted(from_folder.tables)
    for name in from_folder.tables:
        pd.testing.assert_frame_equal(from_server[name], from_folder[name], obj=name)
    kpis = [runner.invoke(app, ["kpi", "--data", data, "--format", "csv", *extra])
            for data, extra in ((url, ["--config", str(config_file)]), (str(EXAMPLE), []))]
    assert kpis[0].exit_code == kpis[1].exit_code == 0 and kpis[0].stdout == kpis[1].stdout
