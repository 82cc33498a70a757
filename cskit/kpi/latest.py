"""The month a KPI's latest value is read from: the last month whose value is final.

Most KPIs of a month are final when the month ends (MRR, customers, churn). A few count
items by the month they were opened and their outcome later: a ticket opened on the 30th
is resolved next month. In the data's last month those items are still open, so the
month's value is biased (the resolution rate too low, the median times too short, since
only the quick ones are done). The registry says how many months must end after a month
before its value is final (``complete_after``); this module applies that rule, once, for
every place that shows a KPI's latest value.
"""
from __future__ import annotations

import pandas as pd

from .registry import get_kpi

__all__ = ["last_complete_month", "latest_values"]


def last_complete_month(kpi_id: str, month, data_end=None) -> pd.Period:
    """The month whose value of ``kpi_id`` stands for ``month``: ``month`` itself once it is final.

    Parameters
    ----------
    kpi_id : str
        A registry id.
    month : str or Period
        The month asked for (``YYYY-MM``).
    data_end : str, Period or None
        The data's last month (what the data knows of has happened by its end).
        ``None``: ``month`` is the data's last month.

    Returns
    -------
    Period
        ``month``, or the last month before it that ended ``complete_after`` months
        before ``data_end``.

    Examples
    --------
    >>> last_complete_month("resolution_rate", "2024-03")
    Period('2024-02', 'M')
    >>> last_complete_month("mrr", "2024-03")
    Period('2024-03', 'M')
    >>> last_complete_month("resolution_rate", "2024-02", data_end="2024-03")
    Period('2024-02', 'M')
    """
    month = pd.Period(month, freq="M")
    end = month if data_end is None else pd.Period(data_end, freq="M")
    return min(month, end - get_kpi(kpi_id).complete_after)


def latest_values(kpis: pd.DataFrame, kpi_ids: list[str], teams: list[str], month, data_end=None) -> pd.DataFrame:
    """Each KPI's value per team for ``month``, read from its last complete month.

    Parameters
    ----------
    kpis : DataFrame
        Tidy output of :func:`cskit.kpi.engine.compute_kpis` (``team, month, kpi, value``).
    kpi_ids : list of str
        Registry ids, in the order wanted.
    teams : list of str
    month : str or Period
        The month asked for.
    data_end : str, Period or None
        The data's last month (:func:`last_complete_month`).

    Returns
    -------
    DataFrame
        Tidy ``team, month, kpi, value``, one row per team and KPI (KPI-major order):
        ``month`` is the month the value was read from (:func:`last_complete_month`),
        ``value`` NaN where ``kpis`` has none.

    Examples
    --------
    >>> kpis = pd.DataFrame({"team": "sup", "month": pd.period_range("2024-02", periods=2, freq="M").repeat(2),
    ...                      "kpi": ["tickets_opened", "resolution_rate"] * 2, "value": [4.0, 1.0, 6.0, 0.5]})
    >>> latest_values(kpis, ["tickets_opened", "resolution_rate"], ["sup"], "2024-03")
      team    month              kpi  value
    0  sup  2024-03   tickets_opened    6.0
    1  sup  2024-02  resolution_rate    1.0
    """
    month = pd.Period(month, freq="M")
    values = kpis.set_index(["team", "kpi", "month"])["value"]
    rows = []
    for kpi_id in kpi_ids:
        read = last_complete_month(kpi_id, month, data_end)
        for team in teams:
            rows.append({"team": team, "month": read, "kpi": kpi_id, "value": float(values.get((team, kpi_id, read), float("nan")))})
    return pd.DataFrame(rows, columns=["team", "month", "kpi", "value"])
