"""KPI charts: a KPI's trend for a team beside the company, and the MRR bridge.

Each takes the tidy KPI table (:func:`cskit.kpi.engine.compute_kpis`) first and
keyword-only options after it; one panel returns its Axes, several their Figure.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D

from ..i18n import t
from ..kpi.registry import get_kpi
from ..options import check_lang
from .style import (NOTE_COLOUR, figure_legend, fixed_layout, label_figure, legend_outside, money_axis, month_axis,
                    percent_axis, series_colours)

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
          team_names: dict | None = None, currency: str = "JPY", legend: bool = True):
    """Line chart of one KPI over months, one line per team (e.g. the team and ``all``).

    The company (``all``) is always drawn in :data:`~cskit.plots.style.COMPANY_COLOUR`
    and every other team keeps its colour (:func:`~cskit.plots.style.series_colours`);
    a team without values is named in a note under the title instead of drawn.

    Parameters
    ----------
    kpis : DataFrame
        Tidy KPI table (``team, month, kpi, value``).
    kpi_id : str
        Registry id; its name titles the chart, its short name labels the y axis, rates show as %.
    teams : list of str
        Teams to draw, in legend order.
    lang : {"ja", "en"} or None
    ax : matplotlib Axes, optional
    team_names : dict, optional
        Display name per team id.
    currency : str
        ISO code for money axes.
    legend : bool
        Draw the legend (right of the data); :func:`trend_grid` draws one for all panels instead.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> frame = pd.DataFrame({"team": "all", "month": pd.period_range("2024-01", periods=3, freq="M"),
    ...                       "kpi": "logo_churn_rate", "value": [0.02, 0.03, 0.025]})
    >>> ax = trend(frame, kpi_id="logo_churn_rate", teams=["cs1", "all"], lang="en", team_names={"cs1": "CS 1"})
    >>> ax.get_title(), ax.texts[0].get_text(), ax.figure.get_label()
    ('Logo churn rate', 'No values for CS 1', 'Logo churn rate')
    >>> plt.close(ax.figure)
    """
    lang = check_lang(lang)
    kpi = get_kpi(kpi_id)
    ax = ax or plt.subplots(figsize=(7, 3.2))[1]
    data = kpis[(kpis["kpi"] == kpi_id) & kpis["team"].isin(teams)].dropna(subset=["value"])
    if data.empty:
        ax.set_axis_off()
        ax.set_title(t("plot.no_data", lang, title=kpi.label(lang)))
        label_figure(ax.figure)
        return ax
    data = _as_timestamps(data)
    names, colours, drawn = team_names or {}, series_colours(teams), set(data["team"])
    # plain matplotlib lines: one point per month and team needs no seaborn aggregation,
    # and a report draws dozens of these panels
    for team in [team for team in teams if team in drawn]:
        line = data[data["team"] == team].sort_values("month")
        ax.plot(line["month"], line["value"], marker="o", markersize=3, color=colours[team], label=names.get(team, team))
    missing = [names.get(team, team) for team in teams if team not in drawn]
    _title_with_note(ax, kpi.label(lang), t("plot.no_values", lang, teams=("、" if lang == "ja" else ", ").join(missing))
                     if missing else None)
    ax.set_xlabel(t("plot.axis.month", lang))
    ax.set_ylabel(kpi.short_label(lang))
    if kpi.unit == "rate":
        percent_axis(ax)
    elif kpi.unit == "money":
        money_axis(ax, currency, lang)
    month_axis(ax)
    if legend:
        legend_outside(ax, title=t("plot.axis.team", lang))
    label_figure(ax.figure)
    return ax


def _title_with_note(ax, title: str, note: str | None) -> None:
    """The chart's title, with ``note`` in small grey type between it and the data."""
    if note is None:
        ax.set_title(title)
        return
    small = FontProperties(size="small").get_size_in_points()
    ax.set_title(title, pad=plt.rcParams["axes.titlepad"] + 1.5 * small)
    ax.annotate(note, xy=(0.5, 1.0), xycoords="axes fraction", xytext=(0, 3), textcoords="offset points",
                ha="center", va="bottom", fontsize="small", color=NOTE_COLOUR)


def trend_grid(kpis: pd.DataFrame, *, kpi_ids: list[str], teams: list[str], lang: str | None = None, ax=None,
               team_names: dict | None = None, columns: int = 2, currency: str = "JPY"):
    """Small multiples: one :func:`trend` panel per KPI.

    On a new figure one legend above the panels names the teams (each keeps its colour
    in every panel); on given axes each panel has its own legend.

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

    Examples
    --------
    >>> frame = pd.DataFrame({"team": "all", "month": pd.Period("2024-01", "M"), "kpi": ["mrr", "customers"],
    ...                       "value": [1e6, 10.0]})
    >>> fig = trend_grid(frame, kpi_ids=["mrr", "customers"], teams=["all"], lang="en", team_names={"all": "Company"})
    >>> fig.get_label(), [text.get_text() for text in fig.legends[0].get_texts()]
    ('Monthly recurring revenue (MRR) / Paying customers', ['Company'])
    >>> plt.close(fig)
    """
    lang = check_lang(lang)
    own_figure = ax is None
    if own_figure:
        rows = -(-len(kpi_ids) // columns)
        fig, grid = plt.subplots(rows, columns, figsize=(6.2 * columns, 3.2 * rows), squeeze=False)
        axes = list(grid.flat)
    else:
        axes = list(np.ravel(ax))
        fig = axes[0].figure
    for one, kpi_id in zip(axes, kpi_ids):
        trend(kpis, kpi_id=kpi_id, teams=teams, lang=lang, ax=one, team_names=team_names, currency=currency,
              legend=not own_figure)
    for one in axes[len(kpi_ids):]:
        one.set_axis_off()
    if not own_figure:
        return label_figure(fig)
    names, colours = team_names or {}, series_colours(teams)
    shown = [team for team in teams if team in set(kpis.loc[kpis["kpi"].isin(kpi_ids), "team"])]
    handles = [Line2D([], [], color=colours[team], marker="o", markersize=3) for team in shown]
    figure_legend(fig, handles, [names.get(team, team) for team in shown], top=0.08)
    # fixed margins: measuring a tight box would draw every panel once more
    return label_figure(fixed_layout(fig, left=1.0, right=0.25, top=0.85, bottom=1.05, hspace=0.95, wspace=0.25))


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

    Examples
    --------
    >>> frame = pd.DataFrame({"team": "all", "month": pd.Period("2024-01", "M"),
    ...                       "kpi": ["new_mrr", "churned_mrr"], "value": [50_000.0, 20_000.0]})
    >>> ax = mrr_bridge(frame, team="all", lang="ja")
    >>> ax.get_title(), [text.get_text() for text in ax.get_legend().get_texts()]
    ('MRR の増減内訳', ['新規MRR', '解約MRR'])
    >>> plt.close(ax.figure)
    """
    lang = check_lang(lang)
    ax = ax or plt.subplots(figsize=(8, 3.5))[1]
    data = kpis[(kpis["team"] == team) & kpis["kpi"].isin(_MOVEMENT_COLOURS)]
    wide = data.pivot(index="month", columns="kpi", values="value").dropna().tail(last_months)
    title = t("plot.mrr_movements", lang)
    if wide.empty:
        ax.set_axis_off()
        ax.set_title(t("plot.no_data", lang, title=title))
        label_figure(ax.figure)
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
    ax.set_ylabel(get_kpi("mrr").short_label(lang))
    money_axis(ax, currency, lang)
    ax.set_title(title)
    ax.tick_params(axis="x", rotation=60)
    legend_outside(ax)
    label_figure(ax.figure)
    return ax
