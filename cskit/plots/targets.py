"""Target charts: each target's path against the actual values, and the KPI tree (matplotlib only)."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ..i18n import t
from ..kpi.registry import get_kpi, path_to_kgi, registry
from ..options import check_lang
from ..roles.registry import ROLE_IDS, ROLE_TABLE, SALES_ROLES
from ..targets import PROGRESS_KEYS, target_path, team_label
from .style import PALETTE, figure_legend, label_figure, legend_outside, money_axis, month_axis, percent_axis

ROLE_COLOURS = {role: PALETTE[i] for i, role in enumerate(ROLE_IDS)}


def target_vs_actual(result: pd.Series, actuals: pd.Series, *, lang: str | None = None, ax=None,
                     currency: str = "JPY", legend: bool = True, team_name: str | None = None):
    """One target: its path from baseline to target (dashed), the target (star) and the actual monthly values.

    The path is :func:`cskit.targets.target_path` (straight for counts and money,
    compounding for rates) from the target's ``start`` month; the title ends with the
    progress status.

    Parameters
    ----------
    result : Series
        One row of :func:`cskit.targets.evaluate_targets` (with a baseline, a target and a deadline).
    actuals : Series
        The team's monthly values of the KPI (index: monthly periods), in the KPI's unit.
    lang : {"ja", "en"} or None
    ax : matplotlib Axes, optional
    currency : str
        ISO code for money axes.
    legend : bool
        Draw the legend (right of the data); :func:`plot_target_paths` draws one for all panels instead.
    team_name : str, optional
        The team's name in the title (default: its id; see :func:`cskit.targets.team_label`).

    Returns
    -------
    matplotlib Axes
    """
    lang = check_lang(lang)
    kpi = get_kpi(result["kpi"])
    ax = ax or plt.subplots(figsize=(7, 3.2))[1]
    first = pd.Period(result["start"], freq="M")
    path = target_path(result["kpi"], result["baseline"], result["target"], first, pd.Period(result["deadline"], freq="M"))
    shown = actuals[actuals.index >= first - 6].dropna()
    ax.plot(shown.index.to_timestamp(), shown.to_numpy(), marker="o", markersize=3, color=PALETTE[0], label=t("plot.target.actual", lang))
    ax.plot(path.index.to_timestamp(), path.to_numpy(), linestyle="--", color=PALETTE[1], label=t("plot.target.plan", lang))
    ax.scatter([path.index[-1].to_timestamp()], [path.iloc[-1]], marker="*", s=120, color=PALETTE[3], zorder=3, label=t("plot.target.target", lang))
    status = result.get("progress", "unknown")
    team = team_name or result["team"]
    ax.set_title(f"{result['id']}: {kpi.short_label(lang)} · {team} · {t(PROGRESS_KEYS[str(status)], lang)}", fontsize=10)
    if kpi.unit == "rate":
        percent_axis(ax)
    elif kpi.unit == "money":
        money_axis(ax, currency, lang)
    month_axis(ax)
    first_shown = min([first] + list(shown.index[:1]))
    if path.index[-1].ordinal - first_shown.ordinal > 30:  # long spans: half-yearly ticks instead of quarterly
        import matplotlib.dates as mdates

        ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=(1, 7)))
    if legend:
        legend_outside(ax)
    label_figure(ax.figure)
    return ax


def plot_target_paths(results: pd.DataFrame, kpis: pd.DataFrame, *, lang: str | None = None, ax=None,
                      currency: str | None = None, ncols: int = 2):
    """Every drawable target's path against its actuals, one small chart each.

    A target is drawable when it has a baseline, a target value and a deadline. The KPI
    values are computed by the caller (:func:`cskit.targets.target_actuals`), never here.

    Parameters
    ----------
    results : DataFrame
        :func:`cskit.targets.evaluate_targets` output (or some of its rows).
    kpis : DataFrame
        Tidy KPI values (``team, month, kpi, value``) covering the targets' teams and KPIs.
    lang : {"ja", "en"} or None
    ax : sequence of matplotlib Axes, optional
        One per drawable target; default: a new figure of ``ncols`` columns.
    currency : str, optional
        ISO code for money axes (default ``results.attrs["currency"]``, else JPY).
    ncols : int
        Columns of the new figure.

    Returns
    -------
    matplotlib Figure or None
        None when no target can be drawn.
    """
    lang = check_lang(lang)
    currency = currency or results.attrs.get("currency", "JPY")
    drawable = results.dropna(subset=["baseline", "target", "deadline"])
    if drawable.empty:
        return None
    if ax is None:
        nrows = -(-len(drawable) // ncols)
        fig, grid = plt.subplots(nrows, ncols, figsize=(6.2 * ncols, 3.4 * nrows), squeeze=False)
        axes = list(grid.flat)
    else:
        axes = list(np.ravel(ax))
        fig = axes[0].figure
    for one, (_, result) in zip(axes, drawable.iterrows()):
        rows = kpis[(kpis["team"] == result["team"]) & (kpis["kpi"] == result["kpi"])]
        target_vs_actual(result, rows.set_index("month")["value"], lang=lang, ax=one, currency=currency,
                         legend=ax is not None, team_name=team_label(results, result["team"], lang))
    for one in axes[len(drawable):]:
        one.set_visible(False)
    if ax is None:  # one legend above the panels: every panel draws the same three series
        fig.tight_layout(rect=(0, 0, 1, 1 - 0.4 / fig.get_size_inches()[1]))
        figure_legend(fig, *axes[0].get_legend_handles_labels(), top=0.05)
    return label_figure(fig)


def tree_layout(kpi_ids=None) -> list[tuple[str, int]]:
    """The KPI tree in drawing order: ``(kpi_id, depth)``, each KGI first and its children below it.

    Parameters
    ----------
    kpi_ids : iterable of str, optional
        Keep only these KPIs and their ancestors up to the KGI (default: the whole registry).
    """
    kpis = registry()
    keep = None
    if kpi_ids is not None:
        keep = set()
        for kpi_id in kpi_ids:
            if kpi_id in kpis:
                keep.update(path_to_kgi(kpi_id))
    children: dict[str | None, list[str]] = {}
    for kpi in kpis.values():
        if keep is None or kpi.id in keep:
            children.setdefault(kpi.parent, []).append(kpi.id)
    rows: list[tuple[str, int]] = []

    def visit(node: str, depth: int) -> None:
        rows.append((node, depth))
        for child in children.get(node, []):
            visit(child, depth + 1)

    for root in children.get(None, []):
        visit(root, 0)
    return rows


def kpi_tree(kpi_ids=None, *, lang: str | None = None, highlight: set[str] | None = None, dataset=None, ax=None):
    """Draw the KPI tree top-down: the KGI at the top, every KPI indented under its parent.

    A grid on the right shows which roles own each KPI (and, with ``dataset``, a key under
    it names each role's teams); KPIs shared by CS and a sales role are marked with ◆. The tree is the registry's
    ``parent`` links, so a target's "Related" path can be read off it.

    Parameters
    ----------
    kpi_ids : iterable of str, optional
        Draw only these KPIs and their ancestors (default: every KPI).
    lang : {"ja", "en"} or None
    highlight : set of str, optional
        KPI ids drawn in colour (e.g. the team's targets).
    dataset : Dataset, optional
        Names the teams of each role under the grid and greys out KPIs the dataset
        cannot compute (a table is missing).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    lang = check_lang(lang)
    kpis = registry()
    rows = tree_layout(kpi_ids)
    highlight = highlight or set()
    indent, row_height = 0.35, 1.0
    label_room = 5.2  # x units kept for the deepest label before the role grid starts
    depth_max = max(depth for _, depth in rows)
    grid_x0 = depth_max * indent + label_room
    roles = [role for role in ROLE_IDS if any(role in kpis[k].roles for k, _ in rows)]
    teams = _role_teams(roles, dataset, lang)
    if ax is None:
        ax = plt.subplots(figsize=(11, 0.3 * (len(rows) + 0.8 * len(teams)) + 1.6))[1]
    y_of = {kpi_id: -i * row_height for i, (kpi_id, _) in enumerate(rows)}
    depth_of = dict(rows)

    # elbow connectors: down from the parent, across to the child
    for kpi_id, depth in rows:
        parent = kpis[kpi_id].parent
        if parent in y_of:
            x_parent = depth_of[parent] * indent + 0.12
            ax.plot([x_parent, x_parent, depth * indent], [y_of[parent] - 0.35, y_of[kpi_id], y_of[kpi_id]],
                    color="#aaaaaa", linewidth=0.8, zorder=1)

    for kpi_id, depth in rows:
        kpi = kpis[kpi_id]
        shared = "cs" in kpi.roles and bool(set(SALES_ROLES) & set(kpi.roles))
        computable = dataset is None or all(dataset.has(name) for name in kpi.tables)
        if kpi.kgi:
            face, text_colour = PALETTE[0], "white"
        elif kpi_id in highlight:
            face, text_colour = PALETTE[8], "black"
        else:
            face, text_colour = "#f4f4f4", "black" if computable else "#999999"
        ax.text(depth * indent, y_of[kpi_id], ("◆ " if shared else "") + kpi.label(lang), ha="left", va="center",
                fontsize=8, color=text_colour, zorder=2,
                bbox={"boxstyle": "round,pad=0.25", "facecolor": face, "edgecolor": "#888888", "linewidth": 0.5})
        for column, role in enumerate(roles):
            if role in kpi.roles:
                ax.scatter([grid_x0 + column], [y_of[kpi_id]], s=30, color=ROLE_COLOURS[role], zorder=2)
        ax.plot([grid_x0 - 0.4, grid_x0 + len(roles) - 0.6], [y_of[kpi_id]] * 2, color="#eeeeee", linewidth=0.6, zorder=0)

    top, bottom = 0.9, -(len(rows) - 0.5) * row_height
    for column, role in enumerate(roles):
        ax.text(grid_x0 + column, top, t(ROLE_TABLE[role].short_name_key, lang), ha="center", va="bottom",
                fontsize=7, color=ROLE_COLOURS[role])
    for line, (role, names) in enumerate(teams.items()):  # the key: each role's teams, under the grid
        ax.text(grid_x0 - 0.4, bottom - 0.8 * (line + 0.5), names, ha="left", va="center", fontsize=7,
                color=ROLE_COLOURS[role])
    ax.set_xlim(-0.3, grid_x0 + len(roles))
    ax.set_ylim(bottom - 0.8 * len(teams), top + 1.0)
    ax.set_axis_off()
    ax.set_title(f"{t('plot.target.tree', lang)}   {t('plot.target.shared', lang)}", fontsize=10)
    label_figure(ax.figure)
    return ax


def _role_teams(roles: list[str], dataset, lang: str) -> dict[str, str]:
    """Each role's teams by name, one line per role that has teams (``CS: Enterprise CS, SMB CS``); none without data."""
    if dataset is None:
        return {}
    lines = {}
    for role in roles:
        names = [dataset.team_name(team, lang) for team in dataset.teams.loc[dataset.teams["role"] == role, "team"]]
        if names:
            lines[role] = t("plot.target.role_teams", lang, role=t(ROLE_TABLE[role].short_name_key, lang),
                            teams=t("plot.target.team_sep", lang).join(names))
    return lines
