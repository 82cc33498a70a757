"""Which teams and months a KPI computation covers, checked against the data.

Shared by the pandas engine (:mod:`cskit.kpi.engine`), the DuckDB route
(:mod:`cskit.kpi.pushdown`) and the funnel, so every route reads ``teams``,
``start`` and ``end`` the same way.
"""
from __future__ import annotations

import pandas as pd

from ..dataset import ALL_TEAMS, Dataset
from ..errors import CskitError
from ..options import check_month_range

__all__ = ["resolve_months", "teams_to_compute"]


def resolve_months(dataset: Dataset, start, end) -> tuple[pd.Period, pd.Period]:
    """Check ``--from/--to`` (``YYYY-MM``); each defaults to the data's first or last month.

    Parameters
    ----------
    dataset : Dataset
    start, end : str, pandas.Period or None
        First and last month (``YYYY-MM``).

    Returns
    -------
    (Period, Period)
        Monthly periods, ``first <= last``.

    Raises
    ------
    OptionError
        A month not written ``YYYY-MM``, or ``start`` after ``end``.

    Examples
    --------
    >>> mrr = pd.DataFrame({"account_id": ["A1"], "month": pd.PeriodIndex(["2024-01"], freq="M"), "mrr": [1.0]})
    >>> data = Dataset({"accounts": pd.DataFrame({"account_id": ["A1"], "team": ["cs1"]}), "mrr": mrr})
    >>> resolve_months(data, None, "2024-06")
    (Period('2024-01', 'M'), Period('2024-06', 'M'))
    """
    return check_month_range("--from/--to", start, end, dataset.months)


def teams_to_compute(dataset: Dataset, teams: str | list[str] | None) -> list[str]:
    """``["all", <every team>]`` for ``None``/``"all"``, else the named teams (checked).

    Raises
    ------
    CskitError
        ``cli.unknown_team`` for a team the data does not have.

    Examples
    --------
    >>> data = Dataset({"accounts": pd.DataFrame({"account_id": ["A1"], "team": ["cs1"]})})
    >>> teams_to_compute(data, None), teams_to_compute(data, "cs1")
    (['all', 'cs1'], ['cs1'])
    """
    known = list(dataset.teams["team"])
    if teams is None or teams == ALL_TEAMS:
        return [ALL_TEAMS] + known
    chosen = [teams] if isinstance(teams, str) else list(teams)
    for team in chosen:
        if team != ALL_TEAMS and team not in known:
            raise CskitError("cli.unknown_team", team=team, teams=", ".join(known))
    return chosen
