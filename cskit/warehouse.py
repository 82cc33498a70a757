"""Data where it already lives: read a dataset from a database, and push the monthly
revenue aggregation down to it.

Two pieces, both portable SQL (tested on SQLite and DuckDB; written for warehouses
such as PostgreSQL, BigQuery or Snowflake through a SQLAlchemy URL):

* :class:`SqlSource` reads the contract's tables by name (only those, with only the
  contract's columns, identifiers quoted by the dialect) and hands them to the same
  validation as files.
* :func:`monthly_revenue` runs the MRR movement definitions of the KPI registry as one
  SQL query, so a 5 GB ``mrr`` table is reduced to one row per month in the database
  instead of being loaded into pandas.

``duckdb:///path.duckdb`` URLs use DuckDB's own Python API (no SQLAlchemy dialect
needed); every other URL goes through SQLAlchemy.
"""
from __future__ import annotations

import pandas as pd
import pyarrow as pa

from .contract import TABLES, Table
from .errors import CskitError, Problem

#: Registry KPIs the pushed-down query returns (same ids and definitions as the engine).
PUSHDOWN_KPIS = (
    "mrr", "customers", "new_mrr", "reactivation_mrr", "expansion_mrr", "contraction_mrr", "churned_mrr",
    "new_customers", "churned_customers", "nrr_12m", "grr_12m",
)


def quote(identifier: str) -> str:
    """Quote a (possibly schema-qualified) identifier the SQL standard way: ``a.b`` -> ``"a"."b"``."""
    return ".".join('"' + part.replace('"', '""') + '"' for part in identifier.split("."))


class _Connection:
    """The smallest common interface over DuckDB and SQLAlchemy: columns of a table, run a query."""

    def __init__(self, url, duckdb_connection=None):
        self.url = url
        if duckdb_connection is not None:  # an open DuckDB connection (cskit.pushdown)
            self._duck, self._engine = duckdb_connection, None
        elif "://" not in url:
            self._duck, self._engine = _duckdb_over_files(url), None
        elif url.startswith("duckdb://"):
            import duckdb

            path = url[len("duckdb:///"):] or ":memory:"
            self._duck = duckdb.connect(path, read_only=path != ":memory:")
            self._duck.execute("SET enable_progress_bar = false")
            self._engine = None
        else:
            import sqlalchemy

            self._duck = None
            try:
                self._engine = sqlalchemy.create_engine(url)
            except Exception as exc:
                raise CskitError("data.sql_unreachable", url=_redact(url), reason=str(exc).splitlines()[0]) from exc

    def columns(self, table: str) -> list[str] | None:
        """Column names of ``table``, or None when it does not exist."""
        if self._duck is not None:
            found = self._duck.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position", [table]
            ).fetchall()
            return [row[0] for row in found] or None
        import sqlalchemy

        inspector = sqlalchemy.inspect(self._engine)
        schema, _, name = table.rpartition(".")
        if not inspector.has_table(name, schema=schema or None):
            return None
        return [c["name"] for c in inspector.get_columns(name, schema=schema or None)]

    def query(self, sql: str, parameters: dict | None = None) -> pd.DataFrame:
        """Run ``sql`` with named parameters (``:name``) and return a DataFrame."""
        if self._duck is not None:
            for name in sorted(parameters or {}, key=len, reverse=True):
                sql = sql.replace(f":{name}", f"${name}")  # DuckDB names parameters $name
            return self._duck.execute(sql, parameters or {}).df() if parameters else self._duck.execute(sql).df()
        import sqlalchemy

        with self._engine.connect() as connection:
            return pd.read_sql_query(sqlalchemy.text(sql), connection, params=parameters or {})


def _duckdb_over_files(folder: str):
    """An in-memory DuckDB whose views read a dataset folder's files in place.

    This is the path for exports too large for pandas: DuckDB streams the CSV or
    Parquet files and only the monthly aggregates come back.
    """
    from pathlib import Path

    import duckdb

    from .io import find_table_file

    connection = duckdb.connect()
    connection.execute("SET enable_progress_bar = false")
    for name in ("accounts", "mrr"):
        file = find_table_file(Path(folder), name)
        if file is None:
            raise CskitError("data.file_missing", table=name)
        reader = "read_parquet(?)" if file.suffix == ".parquet" else "read_csv(?, all_varchar = true)"
        # a view cannot take a bound parameter, so the path is quoted as an SQL string literal
        literal = "'" + str(file).replace("'", "''") + "'"
        connection.execute(f"CREATE VIEW {quote(name)} AS SELECT * FROM {reader.replace('?', literal)}")
    return connection


def _redact(url: str) -> str:
    """Hide a password in a URL before it is shown."""
    import re

    return re.sub(r"://([^:/@]+):[^@]*@", r"://\1:***@", url)


class SqlSource:
    """A dataset in a database: one table per contract table, same names and columns.

    Only the contract's tables are read, and of them only the contract's columns,
    with identifiers quoted; nothing else in the database is touched.
    """

    def __init__(self, url: str):
        self.connection = _Connection(url)

    def config(self) -> tuple[dict, list[Problem]]:
        return {}, []

    def read(self, table: Table, ctx_factory) -> tuple[str, pd.DataFrame | None] | None:
        from .io import _typed_to_text, parse_table

        present = self.connection.columns(table.name)
        if present is None:
            return None
        label = f"{table.name} (SQL)"
        ctx = ctx_factory(label)
        wanted = [c.name for c in table.columns if c.name in present]
        missing = [c.name for c in table.columns if c.required and c.name not in present]
        if missing:
            for name in missing:
                ctx.add("data.column_missing", column=name, field=name, present=", ".join(present) or "-")
            return label, None
        frame = self.connection.query(f"SELECT {', '.join(quote(c) for c in wanted)} FROM {quote(table.name)}")
        frame = frame.apply(_typed_to_text).astype(object).where(lambda f: f.notna(), None)
        raw = pa.table({c: pa.array(frame[c].tolist(), type=pa.string()) for c in wanted})
        return label, parse_table(raw, table, ctx)


# The MRR movement definitions of the registry in one portable query. Months are
# 'YYYY-MM' text and mrr is cast to DECIMAL (exports often store text); month_index =
# year * 12 + month - 1. A dense account x month grid
# makes a missing month 0 MRR, as the contract says.
MONTHLY_REVENUE_SQL = """
WITH RECURSIVE
team_accounts AS (
    SELECT account_id FROM {accounts} WHERE :team = 'all' OR {team_column} = :team
),
rows_ AS (
    SELECT m.account_id,
           CAST(substr(m.month, 1, 4) AS INTEGER) * 12 + CAST(substr(m.month, 6, 2) AS INTEGER) - 1 AS month_index,
           CAST(m.mrr AS DECIMAL(18, 4)) AS mrr
    FROM {mrr} m JOIN team_accounts a ON a.account_id = m.account_id
),
all_months AS (
    SELECT CAST(substr(month, 1, 4) AS INTEGER) * 12 + CAST(substr(month, 6, 2) AS INTEGER) - 1 AS month_index FROM {mrr}
),
bounds AS (SELECT MIN(month_index) AS first_month, MAX(month_index) AS last_month FROM all_months),
calendar(month_index) AS (
    SELECT first_month FROM bounds
    UNION ALL
    SELECT calendar.month_index + 1 FROM calendar, bounds WHERE calendar.month_index < bounds.last_month
),
grid AS (
    SELECT a.account_id, c.month_index, COALESCE(r.mrr, 0) AS mrr
    FROM (SELECT DISTINCT account_id FROM rows_) a
    CROSS JOIN calendar c
    LEFT JOIN rows_ r ON r.account_id = a.account_id AND r.month_index = c.month_index
),
moves AS (
    SELECT account_id, month_index, mrr,
           LAG(mrr) OVER (PARTITION BY account_id ORDER BY month_index) AS prev,
           MAX(CASE WHEN mrr > 0 THEN 1 ELSE 0 END) OVER (
               PARTITION BY account_id ORDER BY month_index ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS paid_before
    FROM grid
),
year_ago AS (
    SELECT now_.month_index,
           SUM(CASE WHEN before_.mrr > 0 THEN now_.mrr ELSE 0 END) AS kept_mrr,
           SUM(CASE WHEN before_.mrr > 0 THEN (CASE WHEN now_.mrr < before_.mrr THEN now_.mrr ELSE before_.mrr END) ELSE 0 END) AS capped_mrr,
           SUM(CASE WHEN before_.mrr > 0 THEN before_.mrr ELSE 0 END) AS base_mrr
    FROM grid now_ JOIN grid before_
      ON before_.account_id = now_.account_id AND before_.month_index = now_.month_index - 12
    GROUP BY now_.month_index
)
SELECT c.month_index,
       COALESCE(SUM(mv.mrr), 0) AS mrr,
       COALESCE(SUM(CASE WHEN mv.mrr > 0 THEN 1 ELSE 0 END), 0) AS customers,
       SUM(CASE WHEN mv.prev IS NULL THEN NULL WHEN mv.prev = 0 AND mv.mrr > 0 AND COALESCE(mv.paid_before, 0) = 0 THEN mv.mrr ELSE 0 END) AS new_mrr,
       SUM(CASE WHEN mv.prev IS NULL THEN NULL WHEN mv.prev = 0 AND mv.mrr > 0 AND mv.paid_before = 1 THEN mv.mrr ELSE 0 END) AS reactivation_mrr,
       SUM(CASE WHEN mv.prev IS NULL THEN NULL WHEN mv.prev > 0 AND mv.mrr > mv.prev THEN mv.mrr - mv.prev ELSE 0 END) AS expansion_mrr,
       SUM(CASE WHEN mv.prev IS NULL THEN NULL WHEN mv.prev > 0 AND mv.mrr > 0 AND mv.mrr < mv.prev THEN mv.prev - mv.mrr ELSE 0 END) AS contraction_mrr,
       SUM(CASE WHEN mv.prev IS NULL THEN NULL WHEN mv.prev > 0 AND mv.mrr = 0 THEN mv.prev ELSE 0 END) AS churned_mrr,
       SUM(CASE WHEN mv.prev IS NULL THEN NULL WHEN mv.prev = 0 AND mv.mrr > 0 AND COALESCE(mv.paid_before, 0) = 0 THEN 1 ELSE 0 END) AS new_customers,
       SUM(CASE WHEN mv.prev IS NULL THEN NULL WHEN mv.prev > 0 AND mv.mrr = 0 THEN 1 ELSE 0 END) AS churned_customers,
       MAX(CASE WHEN y.base_mrr > 0 THEN 1.0 * y.kept_mrr / y.base_mrr END) AS nrr_12m,
       MAX(CASE WHEN y.base_mrr > 0 THEN 1.0 * y.capped_mrr / y.base_mrr END) AS grr_12m
FROM calendar c
LEFT JOIN moves mv ON mv.month_index = c.month_index
LEFT JOIN year_ago y ON y.month_index = c.month_index
GROUP BY c.month_index
ORDER BY c.month_index
"""


def monthly_revenue(url: str, team: str = "all", team_column: str = "team",
                    tables: dict[str, str] | None = None, duckdb_connection=None) -> pd.DataFrame:
    """MRR, customers, the five MRR movements, NRR and GRR (12 months) computed in the database.

    Parameters
    ----------
    url : str
        SQLAlchemy URL (``sqlite:///crm.db``, ``postgresql://...``), ``duckdb:///file.duckdb``,
        or a dataset folder: its ``accounts`` and ``mrr`` files (CSV or Parquet) are then
        aggregated by DuckDB in place, without loading them into pandas (for very large exports).
    team : str
        A team id, or ``"all"`` (bound as a parameter, never pasted into the SQL).
    team_column : {"team", "sales_team"}
        Which ``accounts`` column assigns accounts to the team (``sales_team`` for sales teams).
    tables : dict, optional
        Real table names for ``accounts`` and ``mrr`` (e.g. ``{"mrr": "crm.mrr_export"}``).
    duckdb_connection : duckdb.DuckDBPyConnection, optional
        Run on this open connection (its ``accounts`` and ``mrr``) instead of ``url``.

    Returns
    -------
    DataFrame
        Tidy ``team, month, kpi, value`` like :func:`cskit.kpi.engine.compute_kpis`, for
        :data:`PUSHDOWN_KPIS` (money in the data's currency, rates as fractions).
    """
    if team_column not in ("team", "sales_team"):
        raise CskitError("cli.bad_option", option="team_column", value=team_column, reason="team | sales_team")
    names = {"accounts": "accounts", "mrr": "mrr", **(tables or {})}
    sql = MONTHLY_REVENUE_SQL.format(accounts=quote(names["accounts"]), mrr=quote(names["mrr"]), team_column=quote(team_column))
    wide = _Connection(url, duckdb_connection).query(sql, {"team": team})
    months = pd.PeriodIndex.from_ordinals(wide["month_index"].astype("int64") - 1970 * 12, freq="M")
    wide = wide.drop(columns="month_index").astype("float64")
    wide.index = months
    tidy = wide.rename_axis("month").reset_index().melt(id_vars="month", var_name="kpi", value_name="value")
    tidy.insert(0, "team", team)
    order = {kpi: i for i, kpi in enumerate(PUSHDOWN_KPIS)}
    return tidy.sort_values(["kpi", "month"], key=lambda s: s.map(order) if s.name == "kpi" else s, kind="stable").reset_index(drop=True)
