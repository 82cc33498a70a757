"""Subscriptions instead of monthly MRR: the rule that turns one into the other, written once.

A dataset's revenue comes from exactly one of two tables (:data:`cskit.contract.REVENUE_TABLES`):
``mrr`` (one row per account and month) or ``subscriptions`` (one row per contract). The
loader derives the monthly ``mrr`` table from ``subscriptions`` with :func:`monthly_mrr`,
so every analysis downstream reads ``mrr`` either way.

The rule
--------
* A subscription is **active** from ``start_date`` (inclusive) to ``end_date`` (exclusive;
  empty while it runs).
* Its monthly value is ``amount / billing_period_months``: ``amount`` is the recurring
  charge per billing period, net of recurring discounts; ``billing_period_months`` is 1
  (monthly, the default when the column is absent), 12 (annual), 24, 36 ...
* The **MRR of an account in month m** is the sum of the monthly values of its
  subscriptions active on the **last day** of ``m``. So a subscription counts in the months
  ``month(start_date) <= m < month(end_date)``: one that ends on the last day of a month is
  not counted that month, one that starts and ends in the same month is never counted.
* The **data window** runs from the month of the earliest ``start_date`` to the month of
  ``as_of`` in ``dataset.yml`` (the day the export was taken). Without ``as_of`` it ends in
  the month of the latest date in the table, with a warning that says which month.

Out of scope: one-time charges, usage-based billing, and proration inside a month.

The DuckDB route (:mod:`cskit.kpi.pushdown`) applies the same rule in SQL
(:func:`monthly_mrr_sql`), and both routes take the window from :func:`data_window`.
"""
from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..errors import Problem

__all__ = [
    "CONFIG_FILE", "AS_OF_CODES", "parse_as_of", "at_as_of", "revenue_table_problems", "data_window", "monthly_mrr", "derive_mrr",
    "month_index", "monthly_mrr_sql",
]

#: Where ``as_of`` is written (messages name it).
CONFIG_FILE = "dataset.yml"
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
#: Problems about the value of ``as_of`` itself (pointed at its line by :func:`at_as_of`).
AS_OF_CODES = ("data.as_of_bad", "data.as_of_early")


def parse_as_of(raw) -> tuple[pd.Timestamp | None, list[Problem]]:
    """The ``as_of`` setting of ``dataset.yml`` as a day, or the problem reading it.

    Parameters
    ----------
    raw : str, datetime.date or None
        The value as the YAML reader gave it (``2026-10-31`` unquoted is a date, quoted a string).

    Returns
    -------
    as_of : Timestamp or None
        Midnight of that day; ``None`` when absent or unreadable.
    problems : list of Problem
        ``data.as_of_bad`` naming ``dataset.yml`` when it is not a ``YYYY-MM-DD`` date.

    Examples
    --------
    >>> import datetime
    >>> parse_as_of(datetime.date(2026, 10, 31))[0], parse_as_of("2026-10-31")[0], parse_as_of(None)
    (Timestamp('2026-10-31 00:00:00'), Timestamp('2026-10-31 00:00:00'), (None, []))
    >>> [(p.file, p.code) for p in parse_as_of("October")[1]]
    [('dataset.yml', 'data.as_of_bad')]
    """
    if raw is None:
        return None, []
    if isinstance(raw, _dt.date):  # datetime.datetime is a date too
        return pd.Timestamp(raw).normalize(), []
    text = str(raw).strip()
    if _DATE.fullmatch(text):
        try:
            return pd.Timestamp(text), []
        except ValueError:
            pass
    return None, [Problem(CONFIG_FILE, "data.as_of_bad", params={"value": text})]


def at_as_of(problems: list[Problem], config) -> list[Problem]:
    """Problems about ``as_of`` pointed at its line in ``dataset.yml`` (``config``, a
    :class:`cskit.io.config.DatasetConfig`); the others unchanged. Both loading routes use it.
    """
    return [config.problem(p.code, "as_of", p.severity, **p.params) if p.code in AS_OF_CODES else p
            for p in problems]


def revenue_table_problems(found: Mapping[str, str]) -> list[Problem]:
    """A dataset has ``mrr`` or ``subscriptions``, not both and not neither.

    Parameters
    ----------
    found : mapping of str to str
        The revenue tables present (``"mrr"``, ``"subscriptions"``) -> the file they were read from.

    Examples
    --------
    >>> revenue_table_problems({"mrr": "mrr.csv"})
    []
    >>> [(p.file, p.code) for p in revenue_table_problems({})]
    [('mrr.csv', 'data.revenue_missing')]
    >>> [p.params for p in revenue_table_problems({"mrr": "mrr.csv", "subscriptions": "subscriptions.xlsx"})]
    [{'mrr': 'mrr.csv', 'subscriptions': 'subscriptions.xlsx'}]
    """
    if not found:
        return [Problem("mrr.csv", "data.revenue_missing")]
    if "mrr" in found and "subscriptions" in found:
        return [Problem(found["subscriptions"], "data.revenue_both",
                        params={"mrr": found["mrr"], "subscriptions": found["subscriptions"]})]
    return []


def data_window(first_start: pd.Timestamp, latest: pd.Timestamp, as_of: pd.Timestamp | None,
                file: str = "subscriptions.csv") -> tuple[tuple[pd.Period, pd.Period] | None, list[Problem]]:
    """The months a subscriptions dataset covers: first and last month, both included.

    Parameters
    ----------
    first_start : Timestamp
        The earliest ``start_date``.
    latest : Timestamp
        The latest date of the table (``start_date`` or ``end_date``); used without ``as_of``.
    as_of : Timestamp or None
        The day the export was taken (``dataset.yml``).
    file : str
        The subscriptions file, as messages name it.

    Returns
    -------
    window : (Period, Period) or None
        ``None`` when ``as_of`` is before the first subscription (an error).
    problems : list of Problem
        The warning that the window was guessed, or the error.

    Examples
    --------
    >>> day = pd.Timestamp
    >>> data_window(day("2024-01-15"), day("2025-01-15"), day("2026-10-31"))
    ((Period('2024-01', 'M'), Period('2026-10', 'M')), [])
    >>> window, problems = data_window(day("2024-01-15"), day("2025-01-15"), None)
    >>> window, [(p.code, p.severity, p.params) for p in problems]
    ((Period('2024-01', 'M'), Period('2025-01', 'M')), [('data.window_guessed', 'warning', {'month': '2025-01'})])
    """
    first = first_start.to_period("M")
    if as_of is None:
        last = latest.to_period("M")
        return (first, last), [Problem(CONFIG_FILE, "data.window_guessed", params={"month": str(last)}, severity="warning")]
    last = as_of.to_period("M")
    if last < first:
        return None, [Problem(CONFIG_FILE, "data.as_of_early",
                              params={"as_of": as_of.strftime("%Y-%m-%d"), "first": first_start.strftime("%Y-%m-%d"), "file": file})]
    return (first, last), []


def _month_ordinals(dates: pd.Series) -> np.ndarray:
    """Months since 1970-01 (a monthly Period's ordinal) of a datetime column; NaT stays NaT's integer."""
    return dates.to_numpy(dtype="datetime64[ns]").astype("datetime64[M]").astype(np.int64)


def monthly_mrr(subscriptions: pd.DataFrame, window: tuple[pd.Period, pd.Period]) -> pd.DataFrame:
    """The monthly ``mrr`` table of a parsed ``subscriptions`` table (see the module's rule).

    Vectorised: each subscription is expanded over the months it is active inside the
    window and the monthly values are summed per account and month with one ``bincount``
    (only additions of non-negative values, so a month without an active subscription is
    exactly 0 and has no row).

    Parameters
    ----------
    subscriptions : DataFrame
        ``account_id``, ``start_date``, ``end_date`` (NaT while active), ``amount`` (money per
        billing period) and ``billing_period_months`` (NaN = 1), as the loader parses them.
    window : (Period, Period)
        First and last month (see :func:`data_window`).

    Returns
    -------
    DataFrame
        ``account_id, month, mrr`` (money per month in the data's currency), one row per
        account and month where MRR > 0, sorted by account and month; the dtypes of an
        ``mrr`` table read from a file (text, ``Period[M]``, ``float64``).

    Examples
    --------
    An annual plan of 1,200,000 from 2024-01-15, ended 2025-01-15: 100,000 a month in 2024.

    >>> subs = pd.DataFrame({"account_id": ["A1"], "start_date": pd.to_datetime(["2024-01-15"]),
    ...                      "end_date": pd.to_datetime(["2025-01-15"]), "amount": [1_200_000.0],
    ...                      "billing_period_months": [12.0]})
    >>> mrr = monthly_mrr(subs, (pd.Period("2024-01", "M"), pd.Period("2025-01", "M")))
    >>> len(mrr), str(mrr["month"].iloc[-1]), mrr["mrr"].unique().tolist()
    (12, '2024-12', [100000.0])
    """
    first, last = window[0].ordinal, window[1].ordinal
    n_months = last - first + 1
    start = _month_ordinals(subscriptions["start_date"])
    end_dates = subscriptions["end_date"]
    end = np.where(end_dates.isna().to_numpy(), last + 1, _month_ordinals(end_dates))
    low, high = np.maximum(start, first), np.minimum(end, last + 1)  # active months [low, high) inside the window
    duration = np.clip(high - low, 0, None)
    period = subscriptions["billing_period_months"].to_numpy(dtype=float, na_value=np.nan)
    rate = subscriptions["amount"].to_numpy(dtype=float) / np.where(np.isnan(period), 1.0, period)
    codes, accounts = pd.factorize(subscriptions["account_id"], sort=True)
    active = np.flatnonzero(duration > 0)
    length = duration[active]
    row = np.repeat(active, length)
    step = np.arange(len(row)) - np.repeat(np.cumsum(length) - length, length)  # 0, 1, ... within each subscription
    cell = codes[row] * n_months + (low[row] - first) + step
    total = np.bincount(cell, weights=rate[row], minlength=len(accounts) * n_months)
    paid = np.flatnonzero(total > 0)
    months = pd.PeriodIndex.from_ordinals(first + paid % n_months, freq="M")
    return pd.DataFrame({"account_id": np.asarray(accounts, dtype=object)[paid // n_months],
                         "month": pd.Series(months), "mrr": total[paid]})


def derive_mrr(subscriptions: pd.DataFrame, as_of: pd.Timestamp | None, file: str = "subscriptions.csv"
               ) -> tuple[pd.DataFrame | None, tuple[pd.Period, pd.Period] | None, list[Problem]]:
    """The ``mrr`` table and the data window of a valid ``subscriptions`` table.

    Parameters
    ----------
    subscriptions : DataFrame
        Parsed and checked by the loader.
    as_of : Timestamp or None
        The day the export was taken (:func:`parse_as_of` of ``dataset.yml``'s ``as_of``).
    file : str
        The subscriptions file, as messages name it.

    Returns
    -------
    mrr : DataFrame or None
        See :func:`monthly_mrr`; ``None`` after an error.
    window : (Period, Period) or None
        See :func:`data_window`.
    problems : list of Problem

    Examples
    --------
    >>> subs = pd.DataFrame({"account_id": ["A1"], "start_date": pd.to_datetime(["2024-01-15"]),
    ...                      "end_date": pd.to_datetime(["2025-01-15"]), "amount": [1_200_000.0],
    ...                      "billing_period_months": [12.0]})
    >>> mrr, window, problems = derive_mrr(subs, pd.Timestamp("2025-03-31"))
    >>> len(mrr), [str(m) for m in window], problems
    (12, ['2024-01', '2025-03'], [])
    """
    starts, ends = subscriptions["start_date"], subscriptions["end_date"]
    latest = max(starts.max(), ends.max()) if ends.notna().any() else starts.max()
    window, problems = data_window(starts.min(), latest, as_of, file)
    if window is None:
        return None, None, problems
    return monthly_mrr(subscriptions, window), window, problems


def month_index(period: pd.Period) -> int:
    """``year * 12 + month - 1``, the month number the SQL of :mod:`cskit.kpi.sql` counts in.

    Examples
    --------
    >>> month_index(pd.Period("2024-01", "M"))
    24288
    """
    return period.year * 12 + period.month - 1


def monthly_mrr_sql(staged: str, has_period: bool, window: tuple[pd.Period, pd.Period]) -> str:
    """The module's rule in SQL: a query over staged subscriptions giving ``account_id, month, mrr``.

    Parameters
    ----------
    staged : str
        A quoted table with ``account_id``, ``start_date`` and ``end_date`` as checked
        ``YYYY-MM-DD`` text, and the parsed numbers ``amount__number`` and (when
        ``has_period``) ``billing_period_months__number``.
    has_period : bool
        The file has a ``billing_period_months`` column (else every period is 1 month).
    window : (Period, Period)
        First and last month (:func:`data_window`).

    Returns
    -------
    str
        DuckDB SQL; ``month`` is ``YYYY-MM`` text, one row per account and month where MRR > 0.

    Examples
    --------
    >>> import duckdb
    >>> connection = duckdb.connect()
    >>> _ = connection.execute("CREATE TABLE s AS SELECT 'A1' AS account_id, '2024-01-15' AS start_date, "
    ...                        "'2025-01-15' AS end_date, 1200000.0 AS amount__number, 12.0 AS billing_period_months__number")
    >>> window = (pd.Period("2024-01", "M"), pd.Period("2025-01", "M"))
    >>> rows = connection.execute(monthly_mrr_sql("s", True, window) + " ORDER BY month").fetchall()
    >>> len(rows), rows[0], rows[-1]
    (12, ('A1', '2024-01', 100000.0), ('A1', '2024-12', 100000.0))
    """
    period = "coalesce(billing_period_months__number, 1)" if has_period else "1"
    month_of = "year(CAST({0} AS DATE)) * 12 + month(CAST({0} AS DATE)) - 1"
    first, last = int(month_index(window[0])), int(month_index(window[1]))
    return f"""
WITH subs AS (
    SELECT account_id,
           {month_of.format('start_date')} AS start_month,
           CASE WHEN end_date IS NULL THEN NULL ELSE {month_of.format('end_date')} END AS end_month,
           amount__number / {period} AS rate
    FROM {staged}
),
months AS (SELECT range AS month_index FROM range({first}, {last + 1}))
SELECT s.account_id,
       printf('%04d-%02d', m.month_index // 12, m.month_index % 12 + 1) AS month,
       SUM(s.rate) AS mrr
FROM subs s JOIN months m
  ON m.month_index >= s.start_month AND (s.end_month IS NULL OR m.month_index < s.end_month)
GROUP BY s.account_id, m.month_index
HAVING SUM(s.rate) > 0
"""
