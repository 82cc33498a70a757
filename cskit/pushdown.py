"""Large exports: check and aggregate the ``mrr`` table inside DuckDB, not in pandas.

An ``mrr`` export of several gigabytes would need several times its size in memory as
pandas objects. On this route DuckDB reads the file in place (spilling to disk when it
must), checks every cell against the data contract, and computes the registry's
revenue KPIs (:data:`cskit.warehouse.PUSHDOWN_KPIS`) with the same SQL that
:func:`cskit.warehouse.monthly_revenue` runs in a warehouse; only the monthly figures
come back as a pandas DataFrame. ``teams`` and ``accounts`` go through the usual
loader (:func:`cskit.io.inspect_dataset`); the other tables cannot change these figures
and are not read (``cskit validate`` checks them).

Problems are reported like the pandas loader's: the same messages, the file, the
spreadsheet row (header = 1) and the column. Two differences, both on the safe side:
full-width digits and other text the pandas loader normalises with a warning are
rejected here, and KPIs outside the revenue family are not computed (the caller is
told which, in the user's language).
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd

from .contract import TABLES
from .errors import CskitError, DataValidationError, Problem
from .io import detect_encoding, find_table_file, inspect_dataset

#: ``auto`` takes the DuckDB route for an ``mrr`` file at least this large (bytes);
#: the environment variable ``CSKIT_LARGE_INPUT_BYTES`` overrides it.
LARGE_INPUT_BYTES = 1_000_000_000
ENGINES = ("auto", "pandas", "duckdb")
#: Rows listed per problem (the message also says how many more there are).
ROWS_LISTED = 50
#: Characters trimmed around every cell, as :mod:`cskit.io` does (as an SQL literal).
_SPACES = "' \t\u3000\r\n'"
#: DuckDB's working memory; beyond it, it spills to a temporary folder.
MEMORY_LIMIT = "1GB"
#: Tables this route reads (``mrr`` inside DuckDB, the others with the pandas loader).
TABLES_READ = ("teams", "accounts", "mrr")


def large_input_bytes() -> int:
    """The size in bytes from which ``--engine auto`` takes the DuckDB route."""
    return int(os.environ.get("CSKIT_LARGE_INPUT_BYTES", LARGE_INPUT_BYTES))


def choose_engine(location, engine: str = "auto") -> str:
    """``"pandas"`` or ``"duckdb"`` for a dataset location.

    Parameters
    ----------
    location : str or Path
        Dataset folder or database URL (URLs always use pandas through SQLAlchemy).
    engine : {"auto", "pandas", "duckdb"}
        ``auto``: DuckDB when the folder's ``mrr`` file is CSV (UTF-8) or Parquet and
        at least :func:`large_input_bytes` bytes.
    """
    if engine not in ENGINES:
        raise CskitError("cli.bad_option", option="--engine", value=engine, reason=" | ".join(ENGINES))
    if engine != "auto":
        return engine
    if "://" in str(location):
        return "pandas"
    path = find_table_file(Path(location), "mrr")
    if path is None or path.suffix not in (".csv", ".parquet"):
        return "pandas"
    return "duckdb" if path.stat().st_size >= large_input_bytes() else "pandas"


def _connect(scratch: str):
    import duckdb

    connection = duckdb.connect()
    connection.execute("SET enable_progress_bar = false")
    connection.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
    connection.execute("SET temp_directory = '" + scratch.replace("'", "''") + "'")
    return connection


def _stage_mrr(connection, path: Path) -> list[Problem]:
    """Load ``path`` into the temporary table ``mrr_text`` (text cells, ``line`` = spreadsheet row)."""
    file = path.name
    if path.suffix not in (".csv", ".parquet"):
        raise CskitError("pushdown.format", file=file)
    literal = "'" + str(path).replace("'", "''") + "'"
    if path.suffix == ".parquet":
        source = f"read_parquet({literal}, file_row_number = true)"
        line = "file_row_number + 2"
    else:
        encoding = detect_encoding(path)
        if encoding not in ("utf-8", "utf-8-sig"):
            raise CskitError("pushdown.encoding", file=file, encoding=encoding)
        # one thread keeps the file's order, so row_number() is the record's position
        source = f"read_csv({literal}, all_varchar = true, header = true, parallel = false)"
        line = "row_number() OVER () + 1"
    try:
        present = [row[0] for row in connection.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()]
    except Exception as exc:  # unreadable or empty file
        return [Problem(file, "data.file_unreadable", params={"reason": str(exc).splitlines()[0]})]
    names = [c.name for c in TABLES["mrr"].columns]
    missing = [n for n in names if n not in present]
    if missing:
        return [Problem(file, "data.column_missing", column=n, params={"field": n, "present": ", ".join(present)})
                for n in missing]
    # the pandas loader's trimming: ASCII and full-width spaces, tabs, line ends
    cells = ", ".join(f"nullif(trim(CAST(\"{n}\" AS VARCHAR), {_SPACES}), '') AS \"{n}\"" for n in names)
    connection.execute(f"CREATE TEMP TABLE mrr_text AS SELECT {line} AS line, {cells} FROM {source}")
    # thousands separators as the pandas loader accepts them ("9,000", not "9,00")
    connection.execute(f"ALTER TABLE mrr_text ADD COLUMN amount DOUBLE")
    connection.execute(
        "UPDATE mrr_text SET amount = TRY_CAST(CASE WHEN regexp_full_match(mrr, '[+-]?[0-9]{1,3}(,[0-9]{3})+(\\.[0-9]+)?') "
        "THEN replace(mrr, ',', '') ELSE mrr END AS DOUBLE)")
    if connection.execute("SELECT count(*) FROM mrr_text").fetchone()[0] == 0:
        return [Problem(file, "data.no_rows")]
    return []


def _per_value(connection, file: str, code: str, column: str, where: str, **params) -> list[Problem]:
    """One problem per distinct bad value (like the pandas loader), rows in file order."""
    found = connection.execute(
        f"SELECT \"{column}\", list(line ORDER BY line)[1:{ROWS_LISTED}], count(*), min(line) FROM mrr_text "
        f"WHERE {where} GROUP BY 1 ORDER BY 4 LIMIT 20").fetchall()
    problems = []
    for value, lines, count, _ in found:
        extra = {"more_rows": int(count) - len(lines)} if count > len(lines) else {}
        problems.append(Problem(file, code, tuple(int(x) for x in lines), column, dict(params, value=value, **extra)))
    return problems


def check_mrr(connection, path: Path, account_ids: pd.Series, accounts_file: str = "accounts.csv") -> list[Problem]:
    """Check every cell of the staged ``mrr`` file against the contract, in DuckDB.

    Parameters
    ----------
    connection : duckdb.DuckDBPyConnection
        With ``mrr_text`` staged by :func:`_stage_mrr`.
    path : Path
        The file (its name is reported).
    account_ids : Series of str
        Valid ``accounts.account_id`` values, for the reference check.
    accounts_file : str
        The accounts file's name, as the message names it.

    Returns
    -------
    list of Problem
        Empty when the table is valid. Rows are spreadsheet rows (header = 1).
    """
    file = path.name
    problems: list[Problem] = []
    expected = {"account_id": "expect.string", "month": "expect.month", "mrr": "expect.number"}
    for column, expect in expected.items():
        lines = connection.execute(
            f"SELECT list(line ORDER BY line)[1:{ROWS_LISTED}], count(*) FROM mrr_text WHERE \"{column}\" IS NULL"
        ).fetchone()
        if lines[1]:
            extra = {"more_rows": int(lines[1]) - len(lines[0])} if lines[1] > len(lines[0]) else {}
            problems.append(Problem(file, "data.value_missing", tuple(lines[0]), column,
                                    dict(expected_key=expect, **extra)))
    # SQL does not short-circuit AND: TRY_CAST keeps "someday" from failing the query
    good_month = ("coalesce(regexp_full_match(month, '[0-9]{4}-[0-9]{2}') "
                  "AND TRY_CAST(substr(month, 6, 2) AS INTEGER) BETWEEN 1 AND 12, false)")
    problems += _per_value(connection, file, "data.bad_month", "month", f"month IS NOT NULL AND NOT ({good_month})")
    # NaN and infinities are not amounts of money
    problems += _per_value(connection, file, "data.bad_number", "mrr",
                           "mrr IS NOT NULL AND (amount IS NULL OR NOT isfinite(amount))")
    problems += _per_value(connection, file, "data.negative", "mrr", "isfinite(amount) AND amount < 0")
    connection.register("valid_accounts", pd.DataFrame({"account_id": account_ids.astype(str).to_numpy()}))
    problems += _per_value(connection, file, "data.unknown_reference", "account_id",
                           "account_id IS NOT NULL AND account_id NOT IN (SELECT account_id FROM valid_accounts)",
                           parent=f"{accounts_file} (account_id)")
    duplicates = connection.execute(
        f"SELECT account_id, month, line, first_value(line) OVER (PARTITION BY account_id, month ORDER BY line) AS first_line "
        f"FROM mrr_text WHERE account_id IS NOT NULL AND {good_month} "  # a key with a bad month is reported once, above
        f"QUALIFY count(*) OVER (PARTITION BY account_id, month) > 1 AND line > first_line ORDER BY line LIMIT {ROWS_LISTED}"
    ).fetchall()
    for account, month, line, first_line in duplicates:
        problems.append(Problem(file, "data.duplicate_key", (int(line),), "account_id+month",
                                {"value": f"{account} / {month}", "first_row": int(first_line)}))
    return problems


def revenue_kpis(location, teams: str | list[str] | None = None, start: str | None = None,
                 end: str | None = None) -> tuple[pd.DataFrame, object]:
    """Revenue KPIs of a large dataset folder, checked and computed in DuckDB.

    Parameters
    ----------
    location : str or Path
        Dataset folder whose ``mrr`` file is CSV (UTF-8) or Parquet.
    teams : str, list of str or None
        As :func:`cskit.kpi.engine.compute_kpis`: ``None``/``"all"`` = company and every team.
    start, end : str or None
        First and last month returned (``YYYY-MM``).

    Returns
    -------
    kpis : DataFrame
        Tidy ``team, month, kpi, value`` for :data:`cskit.warehouse.PUSHDOWN_KPIS`
        (money in the data's currency, rates as fractions).
    dataset : Dataset
        The other tables, loaded and checked by the pandas loader (no ``mrr``).

    Raises
    ------
    DataValidationError
        Any problem in any table, with file, row and column.
    """
    from .kpi.engine import teams_to_compute
    from .warehouse import PUSHDOWN_KPIS, monthly_revenue

    folder = Path(location)
    # the revenue KPIs read teams, accounts and mrr only; the other tables are left to
    # `cskit validate` and the pandas route (they cannot change these figures)
    dataset, problems = inspect_dataset(folder, exclude=tuple(t for t in TABLES if t not in ("teams", "accounts")),
                                        columns={"accounts": ("account_id", "team", "sales_team")})
    path = find_table_file(folder, "mrr")
    if path is None:
        problems.append(Problem("mrr.csv", "data.file_missing", params={"table": "mrr"}))
        raise DataValidationError(problems, str(folder))
    with tempfile.TemporaryDirectory(prefix="cskit-duckdb-") as scratch:
        connection = _connect(scratch)
        try:
            staged = _stage_mrr(connection, path)
            mrr_problems = staged or (check_mrr(connection, path, dataset["accounts"]["account_id"],
                                                dataset.sources.get("accounts", "accounts.csv"))
                                      if dataset is not None else [])
            problems += mrr_problems
            if dataset is None or any(p.severity == "error" for p in problems):
                raise DataValidationError(problems, str(folder))
            connection.register("accounts", dataset["accounts"].astype({"account_id": str}))
            connection.execute("CREATE TEMP VIEW mrr AS SELECT account_id, month, amount AS mrr FROM mrr_text")
            frames = []
            for team in teams_to_compute(dataset, teams):
                if team != "all" and not len(dataset.account_ids(team)):
                    continue  # revenue KPIs count a team's accounts; the pandas engine leaves such a team out too
                column = "team" if team == "all" else dataset.account_team_column(team)
                frames.append(monthly_revenue(str(folder), team, team_column=column, duckdb_connection=connection))
        finally:
            connection.close()
    kpis = pd.concat(frames, ignore_index=True)
    if start:
        kpis = kpis[kpis["month"] >= pd.Period(start, freq="M")]
    if end:
        kpis = kpis[kpis["month"] <= pd.Period(end, freq="M")]
    order = {kpi: i for i, kpi in enumerate(PUSHDOWN_KPIS)}
    team_order = {t: i for i, t in enumerate(teams_to_compute(dataset, teams))}
    kpis = kpis.assign(_t=kpis["team"].map(team_order), _k=kpis["kpi"].map(order)).sort_values(["_t", "_k", "month"], kind="stable")
    return kpis.drop(columns=["_t", "_k"]).reset_index(drop=True), dataset
