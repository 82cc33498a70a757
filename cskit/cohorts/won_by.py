"""Retention seen by who won the account: the win-quality question.

"Did the deals closed by team X churn faster?" The same accounts are grouped twice: by
the sales team that won them (``accounts.sales_team``) and by the CS team that keeps
them (``accounts.team``). For each group, side by side: paying customers, NRR and GRR
over 12 months (the KPI engine's ``nrr_12m`` and ``grr_12m``), the Kaplan-Meier share
still paying without a break 12 months after the first paid month, and the median
lifetime (:func:`cskit.cohorts.survival.survival_curve`).
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..dataset import Dataset
from ..dates import format_month
from ..i18n import t
from ..kpi.engine import compute_kpis
from ..kpi.registry import format_value
from ..options import check_lang, check_month
from .survival import survival_curve
from .tables import percent

__all__ = ["SIDES", "retention_by_owner", "retention_by_owner_table"]

#: The two views of one account, the role that holds it in each, and their message keys.
SIDES = {
    "sales_team": ("account.won.side.sales", ("inside_sales", "field_sales")),
    "team": ("account.won.side.cs", ("cs",)),
}
#: Age at which the survival share is read (months since the first paid month).
SURVIVAL_AGE = 12


def retention_by_owner(dataset: Dataset, month: str | None = None) -> pd.DataFrame:
    """NRR, GRR and survival of the accounts of each sales team (who won them) and CS team (who keeps them).

    Parameters
    ----------
    dataset : Dataset
        A loaded dataset.
    month : str or None
        ``YYYY-MM`` of the NRR and GRR (default: the data's last month); survival uses
        the data up to that month.

    Returns
    -------
    DataFrame
        One row per team that holds accounts: ``side`` (``sales_team`` or ``team``),
        ``team``, ``customers`` (paying in ``month``), ``nrr_12m`` and ``grr_12m``
        (fractions, NaN when the team had no MRR a year before), ``survival_12m``
        (Kaplan-Meier share still paying at age 12, NaN when no account reached it)
        and ``median_months`` (median lifetime, ``inf`` when not reached).

    Examples
    --------
    >>> from cskit.datasets import load_sample
    >>> frame = retention_by_owner(load_sample())
    >>> frame[["side", "team"]].values.tolist()[:3]
    [['sales_team', 'fs_tokyo'], ['sales_team', 'fs_osaka'], ['team', 'cs_enterprise']]
    >>> bool(frame["survival_12m"].between(0, 1).all())
    True
    """
    month = check_month("month", month, dataset.months) or dataset.months[-1]
    teams = [(side, team) for side, (_, roles) in SIDES.items() for team in dataset.teams["team"]
             if dataset.role_of(team) in roles and dataset.account_mask(team).any()]
    kpis = compute_kpis(dataset, teams=[team for _, team in teams], start=str(month), end=str(month))
    values = kpis.set_index(["team", "kpi"])["value"]
    rows = []
    for side, team in teams:
        curve = survival_curve(dataset, team=team, as_of=str(month))
        rows.append({
            "side": side, "team": team,
            "customers": values.get((team, "customers"), np.nan),
            "nrr_12m": values.get((team, "nrr_12m"), np.nan),
            "grr_12m": values.get((team, "grr_12m"), np.nan),
            "survival_12m": _survival_at(curve, SURVIVAL_AGE),
            "median_months": curve.attrs.get("median", math.inf) if len(curve) else np.nan,
        })
    frame = pd.DataFrame(rows, columns=["side", "team", "customers", "nrr_12m", "grr_12m", "survival_12m",
                                        "median_months"])
    frame.attrs["month"] = str(month)
    return frame


def _survival_at(curve: pd.DataFrame, age: int) -> float:
    """The curve's survival at ``age``; NaN when no account was observed that long."""
    row = curve[curve["age"] == age]
    return float(row["survival"].iloc[0]) if len(row) else float("nan")


def retention_by_owner_table(dataset: Dataset, month: str | None = None, lang: str | None = None):
    """:func:`retention_by_owner` as a table for people: team names, rates as %, months in words.

    Examples
    --------
    >>> from cskit.datasets import load_sample
    >>> table = retention_by_owner_table(load_sample(), lang="en")
    >>> table.data.iloc[0, :2].tolist(), list(table.data.columns)[2:4]
    (['Won by (sales)', 'Field Sales Tokyo'], ['Paying customers', 'Net revenue retention (NRR, 12 months)'])
    """
    from ..kpi.present import people_table
    from ..kpi.registry import get_kpi

    lang = check_lang(lang)
    frame = retention_by_owner(dataset, month)
    months = lambda value: (t("account.won.not_reached", lang) if value == math.inf  # noqa: E731
                            else format_value("cac_payback_months", value, lang))
    text = pd.DataFrame({
        t("account.won.col.side", lang): [t(SIDES[side][0], lang) for side in frame["side"]],
        t("account.col.team", lang): [dataset.team_name(team, lang) for team in frame["team"]],
        get_kpi("customers").label(lang): [format_value("customers", v, lang) for v in frame["customers"]],
        get_kpi("nrr_12m").label(lang): [format_value("nrr_12m", v, lang) for v in frame["nrr_12m"]],
        get_kpi("grr_12m").label(lang): [format_value("grr_12m", v, lang) for v in frame["grr_12m"]],
        t("account.won.col.survival", lang, months=SURVIVAL_AGE): [percent(v) for v in frame["survival_12m"]],
        t("account.won.col.median", lang): [months(v) for v in frame["median_months"]],
    })
    caption = t("account.won.title", lang, month=format_month(str(frame.attrs["month"]), lang))
    return people_table(text, text_columns=2).set_caption(caption)
