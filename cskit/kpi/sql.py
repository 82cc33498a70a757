"""The registry's revenue KPIs as one portable SQL query, run where the data lives.

:func:`monthly_revenue` reduces a (possibly very large) ``mrr`` table to one row per
month inside the database: SQLite, DuckDB, or a warehouse such as PostgreSQL,
BigQuery or Snowflake through a SQLAlchemy URL, or DuckDB over a dataset folder's files
in place. The five MRR movements are not written here: their ``CASE`` expressions are
generated from :data:`cskit.kpi.movements.MOVEMENTS`, the definition the pandas engine
uses too.
"""
from __future__ import annotations

import pandas as pd

from ..io.sources import Connection, quote
from ..io.subscriptions import month_index
from ..options import check_choice
from .movements import MOVEMENTS, movement_sql

__all__ = ["PUSHDOWN_KPIS", "MONTHLY_REVENUE_SQL", "monthly_revenue"]

#: Registry KPIs the pushed-down query returns (same ids and definitions as the engine).
PUSHDOWN_KPIS = (
    "mrr", "customers", "new_mrr", "reactivation_mrr", "expansion_mrr", "contraction_mrr", "churned_mrr",
    "new_customers", "churned_customers", "nrr_12m", "grr_12m",
)


def _movement_columns() -> str:
    """The SELECT list of the movements' monthly sums (and the counts that are KPIs)."""
    operands = {"cur": "mv.mrr", "prev": "mv.prev", "paid_before": "COALESCE(mv.paid_before, 0)"}
    lines = [f"SUM({movement_sql(m, 'amount', **operands)}) AS {m.kpi}," for m in MOVEMENTS]
    lines += [f"SUM({movement_sql(m, 'count', **operands)}) AS {m.count}," for m in MOVEMENTS if m.count in PUSHDOWN_KPIS]
    return "\n       ".join(lines)


# Months are 'YYYY-MM' text and mrr is cast to DECIMAL (exports often store text);
# month_index = year * 12 + month - 1. A dense account x month grid makes a missing
# month 0 MRR, as the contract says.
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
bounds AS ({bounds}),
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
       {movements}
       MAX(CASE WHEN y.base_mrr > 0 THEN 1.0 * y.kept_mrr / y.base_mrr END) AS nrr_12m,
       MAX(CASE WHEN y.base_mrr > 0 THEN 1.0 * y.capped_mrr / y.base_mrr END) AS grr_12m
FROM calendar c
LEFT JOIN moves mv ON mv.month_index = c.month_index
LEFT JOIN year_ago y ON y.month_index = c.month_index
GROUP BY c.month_index
ORDER BY c.month_index
""".replace("{movements}", _movement_columns())


#: The months computed: those of ``mrr``, or a window given as parameters (a subscriptions dataset's).
_BOUNDS = {
    False: "SELECT MIN(month_index) AS first_month, MAX(month_index) AS last_month FROM all_months",
    True: "SELECT CAST(:first_month AS INTEGER) AS first_month, CAST(:last_month AS INTEGER) AS last_month",
}


def monthly_revenue(url: str, team: str = "all", team_column: str = "team",
                    tables: dict[str, str] | None = None, duckdb_connection=None,
                    window: tuple[pd.Period, pd.Period] | None = None) -> pd.DataFrame:
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
    window : (Period, Period), optional
        First and last month computed (:attr:`cskit.dataset.Dataset.window`); default: the
        months of ``mrr``.

    Returns
    -------
    DataFrame
        Tidy ``team, month, kpi, value`` like :func:`cskit.kpi.engine.compute_kpis`, for
        :data:`PUSHDOWN_KPIS` (money in the data's currency, rates as fractions).

    Raises
    ------
    OptionError
        If ``team_column`` is neither ``team`` nor ``sales_team``.

    Examples
    --------
    >>> revenue = monthly_revenue("data/sample", team="all")
    >>> list(revenue.columns), revenue["kpi"].unique()[:3].tolist()
    (['team', 'month', 'kpi', 'value'], ['mrr', 'customers', 'new_mrr'])
    """
    check_choice("team_column", team_column, ("team", "sales_team"))
    names = {"accounts": "accounts", "mrr": "mrr", **(tables or {})}
    sql = MONTHLY_REVENUE_SQL.format(accounts=quote(names["accounts"]), mrr=quote(names["mrr"]), team_column=quote(team_column),
                                     bounds=_BOUNDS[window is not None])
    parameters = {"team": team}
    if window is not None:
        parameters.update(first_month=month_index(window[0]), last_month=month_index(window[1]))
    wide = Connection(url, duckdb_connection).query(sql, parameters)
    months = pd.PeriodIndex.from_ordinals(wide["month_index"].astype("int64") - 1970 * 12, freq="M")
    wide = wide.drop(columns="month_index").astype("float64")
    wide.index = months
    tidy = wide.rename_axis("month").reset_index().melt(id_vars="month", var_name="kpi", value_name="value")
    tidy.insert(0, "team", team)
    order = {kpi: i for i, kpi in enumerate(PUSHDOWN_KPIS)}
    return tidy.sort_values(["kpi", "month"], key=lambda s: s.map(order) if s.name == "kpi" else s, kind="stable").reset_index(drop=True)
