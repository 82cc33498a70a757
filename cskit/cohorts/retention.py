"""The retention grid: each cohort's retention (logo or revenue) and LTV at each age.

Every function takes a loaded :class:`~cskit.io.Dataset` (or the tidy result of another
function here) and returns a tidy DataFrame; the definitions of cohort, age, retention,
censoring and LTV are in :mod:`cskit.cohorts`.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..dataset import Dataset
from ..kpi.matrix import safe_divide
from ..options import check_choice
from .aged import PERIODS, TIDY_COLUMNS, aged_matrix, check_split, cohort_grid, empty_frame, known_cells, tidy_frame

#: Metrics of :func:`cohort_retention`.
METRICS = ("logo", "revenue")
#: Methods of :func:`pooled_curve`.
POOLING = ("chain", "mean")


def cohort_retention(
    dataset: Dataset,
    team: str = "all",
    metric: str = "logo",
    period: str = "month",
    split: str | None = None,
    as_of=None,
) -> pd.DataFrame:
    """Retention of each cohort at each age, as a tidy table.

    Parameters
    ----------
    dataset : Dataset
        A loaded dataset (:func:`cskit.io.load_dataset`); uses ``accounts`` and ``mrr``.
    team : str
        ``"all"`` for the company, else a team id (its accounts are
        :meth:`Dataset.account_ids`: ``sales_team`` for sales teams, ``team`` otherwise).
    metric : {"logo", "revenue"}
        ``"logo"``: share of the cohort's accounts paying at age k (fraction 0-1).
        ``"revenue"``: the cohort's MRR at age k over its MRR at age 0 (net; can exceed 1).
    period : {"month", "quarter"}
        Calendar months or quarters of the first paid month. With quarters, age k is
        3k months after each account's own first paid month (so age 0 is always 100 %),
        and a cell is known only when quarter cohort + k is complete in the data.
    split : {None, "team", "segment", "touch_model"}
        Also split the cohorts by this column of ``accounts`` (empty values become
        :data:`NO_VALUE`).
    as_of : str or Period, optional
        Last month to use (``YYYY-MM``); later data is ignored, as if not yet known.
        Default: the data's last month.

    Returns
    -------
    DataFrame
        One row per cohort and age, ages 0 up to the oldest cohort's last known age:

        ``cohort`` (str ``YYYY-MM`` or ``YYYY-Qn``), ``age`` (int, in periods),
        ``cohort_size`` (accounts), ``value`` (fraction; NaN when censored, i.e. the
        cell lies after the last month), ``base`` (the denominator: cohort_size for
        logo, the cohort's MRR at age 0 in money for revenue) and, with ``split``,
        ``split``. ``attrs`` holds ``metric``, ``period``, ``team``, ``split``,
        ``as_of``, ``kind="retention"`` and ``already_paying``: the accounts left
        out because they were already paying in the data's first month (their
        start is before the data; see :mod:`cskit.cohorts`).

    Raises
    ------
    OptionError
        For an unknown ``metric``, ``period`` or ``split``, or ``as_of`` outside the data.
    CskitError
        For an unknown team.

    Examples
    --------
    Two accounts start in January, C in February, whose age 2 lies after the data (NaN):

    >>> from cskit.datasets import load_cohort_example
    >>> data = load_cohort_example()  # notebook 04's five accounts, counted by hand there
    >>> cohort_retention(data, metric="logo").tail(3)
         cohort  age  cohort_size  value  base
    15  2024-03    3            1    1.0   1.0
    16  2024-03    4            1    NaN   1.0
    17  2024-03    5            1    NaN   1.0

    Without ``contract_start``, A and B, paying in the data's first month, may have
    started long before it: they are in no cohort, and ``attrs`` counts them:

    >>> from cskit.io import load_dataset
    >>> unknown = load_dataset({"accounts": data["accounts"].drop(columns="contract_start"), "mrr": data["mrr"]})
    >>> kept = cohort_retention(unknown)
    >>> kept.groupby("cohort")["cohort_size"].first().to_dict(), kept.attrs["already_paying"]
    ({'2024-02': 2, '2024-03': 1}, 2)
    """
    check_choice("metric", metric, METRICS)
    check_choice("period", period, tuple(PERIODS))
    check_split(dataset, split)
    step = PERIODS[period]
    aged = aged_matrix(dataset, team, split, as_of)
    attrs = {"kind": "retention", "metric": metric, "period": period, "team": team, "split": split,
             "as_of": str(aged.months[-1]), "already_paying": aged.already_paying,
             "late_entry": aged.late_entry}
    if not len(aged.account_ids):
        return empty_frame(split, attrs)
    grid = cohort_grid(aged, step)
    ages, monthly, known = known_cells(grid, aged.n_months, step, 0)
    if metric == "logo":
        base = grid.size
        numerator = grid.paying[:, monthly]
    else:  # a cohort that started before the data has no observed age-0 MRR: no revenue retention
        base = np.where(grid.from_start, grid.revenue[:, 0], np.nan)
        numerator = grid.revenue[:, monthly]
        known = known & grid.from_start[:, None]
    values = np.where(known, safe_divide(numerator, base[:, None]), np.nan)
    return tidy_frame(grid, aged, ages, values, base, split, attrs)


def period_of(tidy: pd.DataFrame) -> str:
    """The cohort period of a cohort table: ``attrs["period"]``, else read off the cohort labels.

    Examples
    --------
    >>> period_of(pd.DataFrame({"cohort": ["2024-Q1", "2024-Q2"]}))
    'quarter'
    """
    if "period" in tidy.attrs:
        return tidy.attrs["period"]
    return "quarter" if len(tidy) and tidy["cohort"].astype(str).str.contains("Q").any() else "month"


def retention_matrix(tidy: pd.DataFrame) -> pd.DataFrame:
    """The wide cohort matrix: cohorts in rows (oldest first), ages in columns.

    Parameters
    ----------
    tidy : DataFrame
        Output of :func:`cohort_retention` (or :func:`cohort_ltv`).

    Returns
    -------
    DataFrame
        ``value`` per cohort (index ``cohort``; ``split, cohort`` when split) and age
        (columns, named ``age``); censored cells are NaN.

    Examples
    --------
    >>> from cskit.datasets import load_cohort_example
    >>> data = load_cohort_example()  # notebook 04's five accounts, counted by hand there
    >>> retention_matrix(cohort_retention(data, metric="revenue"))
    age        0         1    2         3         4    5
    cohort                                              
    2024-01  1.0  1.000000  0.5  0.500000  0.500000  0.5
    2024-02  1.0  0.571429  1.0  1.285714  1.285714  NaN
    2024-03  1.0  1.000000  1.0  1.000000       NaN  NaN
    """
    index = ["split", "cohort"] if "split" in tidy else ["cohort"]
    wide = tidy.pivot(index=index, columns="age", values="value").sort_index()
    wide = wide.reindex(columns=sorted(tidy["age"].unique()))
    wide.columns.name = "age"
    wide.attrs.update(tidy.attrs)
    return wide


def pooled_curve(tidy: pd.DataFrame, method: str = "chain") -> pd.DataFrame:
    """All cohorts pooled into one curve per age (per split group when split).

    Later ages are known for fewer, older cohorts only, so a plain average jumps
    whenever a cohort drops out. The default ``"chain"`` method avoids that the way
    Kaplan-Meier does: each step from age k-1 to k is measured on the cohorts known at
    k, and the steps are chained.

    Parameters
    ----------
    tidy : DataFrame
        :func:`cohort_retention` or :func:`cohort_ltv` output.
    method : {"chain", "mean"}
        ``"chain"``: retention at k = retention at k-1 x (their value at k / their value
        at k-1), weighted by ``base``, over the cohorts known at k; LTV at k = LTV at
        k-1 + the cohorts' average revenue added in step k (per account).
        ``"mean"``: the ``base``-weighted mean of the cohorts known at k.

    Returns
    -------
    DataFrame
        ``age, cohorts, accounts, value`` (``split`` first when split): ``cohorts`` and
        ``accounts`` count the cohorts known at that age and their accounts; ``value``
        in the unit of ``tidy`` (fraction, or money per account).

    Examples
    --------
    >>> from cskit.datasets import load_cohort_example
    >>> data = load_cohort_example()  # notebook 04's five accounts, counted by hand there
    >>> pooled_curve(cohort_retention(data))
       age  cohorts  accounts  value
    0    0        3         5    1.0
    1    1        3         5    0.8
    2    2        3         5    0.8
    3    3        3         5    0.8
    4    4        2         4    0.8
    5    5        1         2    0.8
    """
    check_choice("method", method, POOLING)
    groups = ["split"] if "split" in tidy else []
    known = tidy.dropna(subset=["value"]).sort_values(groups + ["cohort", "age"])
    before = known.groupby(groups + ["cohort"])["value"].shift(1)
    # a step is measured on the cohorts known at both ages (a cohort that entered late has no step into its entry age)
    stepped = before.notna()
    parts = known.assign(_now=known["value"] * known["base"], _step=(known["value"] * known["base"]).where(stepped),
                         _before=before * known["base"], _den=known["base"])
    out = parts.groupby(groups + ["age"], sort=True).agg(
        cohorts=("cohort", "size"), accounts=("cohort_size", "sum"), _step=("_step", "sum"),
        _now=("_now", "sum"), _before=("_before", "sum"), _den=("_den", "sum")).reset_index()
    out["value"] = safe_divide(out["_now"].to_numpy(), out["_den"].to_numpy())
    if method == "chain" and len(out):
        additive = tidy.attrs.get("kind") == "ltv"
        curves = out.groupby(groups, sort=False) if groups else [(None, out)]
        out["value"] = [level for _, rows in curves for level in _chained(rows, additive)]
    out = out.drop(columns=["_now", "_step", "_before", "_den"])
    out.attrs.update(tidy.attrs)
    return out


def _chained(rows: pd.DataFrame, additive: bool) -> list[float]:
    """One group's chained curve: each step measured on the cohorts known at its age.

    A step that cannot be measured (no value before it) restarts from the plain mean.
    """
    chained, level = [], math.nan
    for i, (now, prior, den, mean) in enumerate(rows[["_step", "_before", "_den", "value"]].itertuples(index=False)):
        if i == 0 or not np.isfinite(level):
            level = mean
        elif additive:
            level = level + safe_divide(now - prior, den).item()
        else:
            ratio = safe_divide(now, prior).item()
            level = level * ratio if np.isfinite(ratio) else mean
        chained.append(level)
    return chained


def combine_splits(tidy: pd.DataFrame) -> pd.DataFrame:
    """Merge the split rows of each cohort and age back into one row per cohort and age.

    Values are averaged with the ``base`` weights, so the result equals the table
    computed without a split.

    Examples
    --------
    >>> split = pd.DataFrame({"cohort": ["2024-01"] * 2, "age": [1, 1], "cohort_size": [2, 1],
    ...                       "value": [0.5, 1.0], "base": [2.0, 1.0], "split": ["smb", "mid"]})
    >>> combine_splits(split)
        cohort  age  cohort_size     value  base
    0  2024-01    1            3  0.666667   3.0
    """
    parts = tidy.assign(_num=tidy["value"] * tidy["base"])
    out = parts.groupby(["cohort", "age"], sort=True).agg(
        cohort_size=("cohort_size", "sum"), base=("base", "sum"), _num=("_num", lambda s: s.sum(min_count=len(s))))
    out["value"] = safe_divide(out["_num"].to_numpy(), out["base"].to_numpy())
    out = out.drop(columns="_num").reset_index()[TIDY_COLUMNS]
    out.attrs.update({k: v for k, v in tidy.attrs.items() if k != "split"})
    return out


def cohort_ltv(
    dataset: Dataset,
    team: str = "all",
    period: str = "month",
    split: str | None = None,
    as_of=None,
) -> pd.DataFrame:
    """Cumulative revenue per cohort account by age (money, the dataset's currency).

    The value at age k is the revenue of the cohort's accounts from their first paid
    month through the end of age k (months 0..k, or 0..3k+2 with quarters), divided by
    the cohort size, churned accounts included. A cell is NaN until every account of
    the cohort has lived through age k in the data.

    Parameters
    ----------
    dataset, team, period, split, as_of
        As in :func:`cohort_retention`.

    Returns
    -------
    DataFrame
        ``cohort, age, cohort_size, value, base`` (``split``): value is money per
        account (revenue, not gross margin), base is cohort_size. ``attrs["kind"]`` is
        ``"ltv"`` and ``attrs["currency"]`` the dataset's currency.

    Examples
    --------
    >>> from cskit.datasets import load_cohort_example
    >>> data = load_cohort_example()  # notebook 04's five accounts, counted by hand there
    >>> cohort_ltv(data)[["cohort", "age", "value"]]
         cohort  age     value
    0   2024-01    0  100000.0
    1   2024-01    1  200000.0
    2   2024-01    2  250000.0
    3   2024-01    3  300000.0
    4   2024-01    4  350000.0
    5   2024-01    5  400000.0
    6   2024-02    0  175000.0
    7   2024-02    1  275000.0
    8   2024-02    2  450000.0
    9   2024-02    3  675000.0
    10  2024-02    4  900000.0
    11  2024-02    5       NaN
    12  2024-03    0   80000.0
    13  2024-03    1  160000.0
    14  2024-03    2  240000.0
    15  2024-03    3  320000.0
    16  2024-03    4       NaN
    17  2024-03    5       NaN
    """
    check_choice("period", period, tuple(PERIODS))
    check_split(dataset, split)
    step = PERIODS[period]
    aged = aged_matrix(dataset, team, split, as_of)
    attrs = {"kind": "ltv", "metric": "ltv", "period": period, "team": team, "split": split,
             "as_of": str(aged.months[-1]), "currency": dataset.currency, "already_paying": aged.already_paying,
             "late_entry": aged.late_entry}
    if not len(aged.account_ids):
        return empty_frame(split, attrs)
    grid = cohort_grid(aged, step)
    ages, monthly, known = known_cells(grid, aged.n_months, step, step - 1)
    cumulative = np.cumsum(grid.revenue, axis=1)[:, monthly]
    known = known & grid.from_start[:, None]  # revenue before the data is unknown
    values = np.where(known, safe_divide(cumulative, grid.size[:, None]), np.nan)
    return tidy_frame(grid, aged, ages, values, grid.size, split, attrs)
