"""KPI charts: a KPI's trend for a team beside the company, and the MRR bridge.

Each takes the tidy KPI table (:func:`cskit.kpi.engine.compute_kpis`) first and
keyword-only options after it; one panel returns its Axes, several their Figure.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ..i18n import t
from ..kpi.registry import get_kpi
from ..options import check_lang
from .style import PALETTE, fixed_layout, money_axis, month_axis, percent_axis

_MOVEMENT_COLOURS = {
    "new_mrr": "#0173b2",
    "reactivation_mrr": "#56b4e9",
    "expansion_mrr": "#029e73",
    "contraction_mrr": "#de8f05",
    "churned_mrr": "#d55e00",
}


def _as_timestamps(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(month=frame["month"].dt.to_timestamp())


def trend(kpis: pd.DataFrame, *, kpi_id: str, teams: list[str], lang: str | None = None, ax=None,
          team_names: dict | None = None, currency: str = "JPY"):
    """Line chart of one KPI over months, one line per team (e.g. the team and ``all``).

    Parameters
    ----------
    kpis : DataFrame
        Tidy KPI table (``team, month, kpi, value``).
    kpi_id : str
        Registry id; its short name labels the y axis, rates show as %.
    teams : list of str
        Teams to draw, in legend order.
    lang : {"ja", "en"} or None
    ax : matplotlib Axes, optional
    team_names : dict, optional
        Display name per team id.
    currency : str
        ISO code for money axes.

    Returns
    -------
    matplotlib Axes
    """
    lang = check_lang(lang)
    kpi = get_kpi(kpi_id)
    ax = ax or plt.subplots(figsize=(7, 3.2))[1]
    data = kpis[(kpis["kpi"] == kpi_id) & kpis["team"].isin(teams)].dropna(subset=["value"])
    if data.empty:
        ax.set_axis_off()
        ax.set_title(t("plot.no_data", lang, title=kpi.label(lang)))
        return ax
    data = _as_timestamps(data)
    names = team_names or {}
    # plain matplotlib lines: one point per month and team needs no seaborn aggregation,
    # and a report draws dozens of these panels
    for colour, team in zip(PALETTE, [t for t in teams if t in set(data["team"])]):
        line = data[data["team"] == team].sort_values("month")
        ax.plot(line["month"], line["value"], marker="o", markersize=3, color=colour, label=names.get(team, team))
    ax.set_title(kpi.label(lang))
    ax.set_xlabel(t("plot.axis.month", lang))
    ax.set_ylabel(kpi.short_label(lang))
    if kpi.unit == "rate":
        percent_axis(ax)
    elif kpi.unit == "money":
        money_axis(ax, currency, lang)
    month_axis(ax)
    ax.legend(title=t("plot.axis.team", lang), fontsize="small")
    return ax


def trend_grid(kpis: pd.DataFrame, *, kpi_ids: list[str], teams: list[str], lang: str | None = None, ax=None,
               team_names: dict | None = None, columns: int = 2, currency: str = "JPY"):
    """Small multiples: one :func:`trend` panel per KPI.

    Parameters
    ----------
    kpis : DataFrame
        Tidy KPI table (``team, month, kpi, value``).
    kpi_ids : list of str
        One panel each, in order.
    teams, lang, team_names, currency
        As in :func:`trend`.
    ax : sequence of matplotlib Axes, optional
        One per KPI; default: a new figure of ``columns`` columns.
    columns : int
        Columns of the new figure.

    Returns
    -------
    matplotlib Figure
    """
    lang = check_lang(lang)
    if ax is None:
        rows = -(-len(kpi_ids) // columns)
        fig, grid = plt.subplots(rows, columns, figsize=(6.2 * columns, 3.0 * rows), squeeze=False)
        axes = list(grid.flat)
    else:
        axes = list(np.ravel(ax))
        fig = axes[0].figure
    for one, kpi_id in zip(axes, kpi_ids):
        trend(kpis, kpi_id=kpi_id, teams=teams, lang=lang, ax=one, team_names=team_names, currency=currency)
    for one in axes[len(kpi_ids):]:
        one.set_axis_off()
    if ax is not None:
        return fig
    # fixed margins: measuring a tight box would draw every panel once more
    return fixed_layout(fig, left=1.0, right=0.25, top=0.45, bottom=1.05, hspace=0.75, wspace=0.25)


def mrr_bridge(kpis: pd.DataFrame, *, team: str, lang: str | None = None, ax=None, last_months: int = 12,
               currency: str = "JPY"):
    """Stacked bars of the monthly MRR movements (gains up, losses down) for one team.

    Parameters
    ----------
    kpis : DataFrame
        Tidy KPI table with the MRR movement KPIs (money, the dataset's currency).
    team : str
    lang : {"ja", "en"} or None
    ax : matplotlib Axes, optional
    last_months : int
        Months drawn, up to the last.
    currency : str
        ISO code for the money axis.

    Returns
    -------
    matplotlib Axes
    """
    lang = check_lang(lang)
    ax = ax or plt.subplots(figsize=(8, 3.5))[1]
    data = kpis[(kpis["team"] == team) & kpis["kpi"].isin(_MOVEMENT_COLOURS)]
    wide = data.pivot(index="month", columns="kpi", values="value").dropna().tail(last_months)
    if wide.empty:
        ax.set_axis_off()
        return ax
    labels = [str(m) for m in wide.index]
    up = pd.Series(0.0, index=wide.index)
    down = pd.Series(0.0, index=wide.index)
    for kpi_id, colour in _MOVEMENT_COLOURS.items():
        if kpi_id not in wide:
            continue
        sign = -1 if kpi_id in ("contraction_mrr", "churned_mrr") else 1
        values = wide[kpi_id] * sign
        base = down if sign < 0 else up
        ax.bar(labels, values, bottom=base, color=colour, label=get_kpi(kpi_id).short_label(lang))
        if sign < 0:
            down = down + values
        else:
            up = up + values
    ax.axhline(0, color="black", linewidth=0.8)
    money_axis(ax, currency, lang)
    ax.set_title(t("plot.mrr_movements", lang))
    ax.tick_params(axis="x", rotation=60)
    ax.legend(fontsize="small", ncol=3)
    return ax
