"""The per-account movement log: which account moved, in which month, how, and by how much.

One row per account and month with a movement (:data:`cskit.kpi.movements.MOVEMENTS`:
new, reactivation, expansion, contraction, churn). The classification is the engine's
own (:func:`cskit.kpi.movements.movement_events` reads the masks the engine sums), so
the log's ``change`` summed per team, month and movement is the engine's ``new_mrr``,
``reactivation_mrr``, ``expansion_mrr``, minus ``contraction_mrr`` and minus
``churned_mrr``. The data's first month has no known previous month: it has no rows,
as the engine's movement KPIs are unknown there.
"""
from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd

from ..dataset import ALL_TEAMS, Dataset
from .export import json_number
from .movements import MOVEMENTS, movement_events
from .scope import resolve_months, teams_to_compute

__all__ = ["LOG_COLUMNS", "EVENTS", "movement_log", "log_to_csv", "log_to_json", "movement_totals"]

#: Columns of :func:`movement_log`, in order.
LOG_COLUMNS = ["account_id", "team", "month", "movement", "mrr_before", "mrr_after", "change"]
#: The movement words, in the order of :data:`cskit.kpi.movements.MOVEMENTS`.
EVENTS = tuple(m.event for m in MOVEMENTS)


def movement_log(dataset: Dataset, team: str = ALL_TEAMS, start: str | None = None,
                 end: str | None = None) -> pd.DataFrame:
    """Every movement of every account of ``team``, one row per account and month.

    Parameters
    ----------
    dataset : Dataset
        A loaded dataset.
    team : str
        ``"all"`` (every account, ``team`` = its ``accounts.team``) or a team id: a
        sales team's accounts are the ones it won (``accounts.sales_team``), as in the
        KPI engine; ``team`` is then that team.
    start, end : str or None
        First and last month (``YYYY-MM``; default: the data's). The data's first month
        has no rows (its previous month is unknown).

    Returns
    -------
    DataFrame
        :data:`LOG_COLUMNS`: ``month`` a monthly ``Period``, ``movement`` one of
        :data:`EVENTS`, ``mrr_before`` (the previous month's MRR), ``mrr_after`` (this
        month's), ``change = mrr_after - mrr_before`` (money, the dataset's currency).
        Ordered by month, then account.

    Raises
    ------
    CskitError
        A team the data does not have.
    OptionError
        A bad month.

    Examples
    --------
    >>> from cskit.datasets import load_cohort_example
    >>> log = movement_log(load_cohort_example())  # notebook 04's five accounts
    >>> log[["account_id", "month", "movement", "mrr_before", "mrr_after", "change"]]
      account_id    month      movement  mrr_before  mrr_after    change
    0          C  2024-02           new         0.0   200000.0  200000.0
    1          D  2024-02           new         0.0   150000.0  150000.0
    2          B  2024-03         churn    100000.0        0.0 -100000.0
    3          D  2024-03         churn    150000.0        0.0 -150000.0
    4          E  2024-03           new         0.0    80000.0   80000.0
    5          D  2024-04  reactivation         0.0   150000.0  150000.0
    6          C  2024-05     expansion    200000.0   300000.0  100000.0
    """
    teams_to_compute(dataset, team)  # an unknown team: the engine's message
    first, last = resolve_months(dataset, start, end)
    accounts = dataset["accounts"]
    mask = dataset.account_mask(team)
    mrr = dataset.mrr_by_account[mask]
    rows, cols, kinds = movement_events(mrr)
    months = dataset.months
    keep = (months[cols] >= first) & (months[cols] <= last)
    rows, cols, kinds = rows[keep], cols[keep], kinds[keep]
    before, after = mrr[rows, cols - 1], mrr[rows, cols]
    teams = accounts["team"].to_numpy()[mask][rows] if team == ALL_TEAMS else np.full(len(rows), team, dtype=object)
    log = pd.DataFrame({
        "account_id": accounts["account_id"].to_numpy()[mask][rows],
        "team": teams,
        "month": months[cols],
        "movement": np.asarray(EVENTS, dtype=object)[kinds],
        "mrr_before": before,
        "mrr_after": after,
        "change": after - before,
    }, columns=LOG_COLUMNS)
    return log.sort_values(["month", "account_id"], kind="stable").reset_index(drop=True)


def movement_totals(log: pd.DataFrame) -> pd.DataFrame:
    """The log summed as the engine reports it: ``team, month, kpi, value`` for the five movement KPIs.

    Each movement's amount is ``change`` for growth and ``-change`` for a loss, so the
    values are the registry's ``new_mrr`` ... ``churned_mrr`` (money, >= 0).

    Examples
    --------
    >>> from cskit.datasets import load_cohort_example
    >>> totals = movement_totals(movement_log(load_cohort_example()))
    >>> totals[totals["month"] == pd.Period("2024-03", "M")][["kpi", "value"]].values.tolist()
    [['churned_mrr', 250000.0], ['new_mrr', 80000.0]]
    """
    kpi = log["movement"].map({m.event: m.kpi for m in MOVEMENTS})
    value = log["change"].abs()
    frame = pd.DataFrame({"team": log["team"], "month": log["month"], "kpi": kpi, "value": value})
    return frame.groupby(["team", "month", "kpi"], as_index=False, sort=True)["value"].sum()


def _records(log: pd.DataFrame) -> list[dict]:
    return [
        {"account_id": row.account_id, "team": row.team, "month": str(row.month), "movement": row.movement,
         "mrr_before": json_number(row.mrr_before), "mrr_after": json_number(row.mrr_after),
         "change": json_number(row.change)}
        for row in log[LOG_COLUMNS].itertuples(index=False)
    ]


def log_to_csv(log: pd.DataFrame) -> str:
    """CSV text of :data:`LOG_COLUMNS` (money with 12 significant digits, as ``cskit kpi``).

    Examples
    --------
    >>> from cskit.datasets import load_cohort_example
    >>> print(log_to_csv(movement_log(load_cohort_example()).head(2)), end="")
    account_id,team,month,movement,mrr_before,mrr_after,change
    C,cs_demo,2024-02,new,0,200000,200000
    D,cs_demo,2024-02,new,0,150000,150000
    """
    buffer = io.StringIO()
    pd.DataFrame(_records(log), columns=LOG_COLUMNS).to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue()


def log_to_json(log: pd.DataFrame) -> str:
    """JSON text: a list of objects with the keys of :data:`LOG_COLUMNS`.

    Examples
    --------
    >>> from cskit.datasets import load_cohort_example
    >>> json.loads(log_to_json(movement_log(load_cohort_example()).head(1)))[0]["change"]
    200000
    """
    return json.dumps(_records(log), ensure_ascii=False, indent=1) + "\n"
