"""Cohort charts: the retention heatmap, retention curves, the survival curve, cohort LTV.

Every function takes the tidy output of :mod:`cskit.cohorts` first, then keyword-only
options (``lang`` for the labels, ``ax``), and returns the axes. Censored cells (after
the data's last month) are left blank or end the line; they are never drawn as 0.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from ..cohorts import combine_splits, median_lifetime, period_of, pooled_curve, retention_matrix, split_label
from ..i18n import t
from ..options import check_choice, check_lang
from .style import fixed_layout, label_figure, legend_outside, money_axis, percent_axis


#: Message keys (``content/messages/cohorts.yml``) written out in full, so a search for a key finds its users.
_HEATMAP_TITLE_KEYS = {"logo": "cohort_plot.title.heatmap.logo", "revenue": "cohort_plot.title.heatmap.revenue",
                       "ltv": "cohort_plot.title.heatmap.ltv"}
_CURVES_TITLE_KEYS = {"logo": "cohort_plot.title.curves.logo", "revenue": "cohort_plot.title.curves.revenue"}
_SPLIT_TITLE_KEYS = {"logo": "cohort_plot.title.split.logo", "revenue": "cohort_plot.title.split.revenue"}
_VALUE_KEYS = {"logo": "cohort_plot.value.logo", "revenue": "cohort_plot.value.revenue",
               "ltv": "cohort_plot.value.ltv", "survival": "cohort_plot.value.survival"}
_AGE_KEYS = {"month": "cohort_plot.age.month", "quarter": "cohort_plot.age.quarter"}
_COHORT_KEYS = {"month": "cohort_plot.cohort.month", "quarter": "cohort_plot.cohort.quarter"}
_SPLIT_KEYS = {"team": "cohort_plot.split.team", "segment": "cohort_plot.split.segment",
               "touch_model": "cohort_plot.split.touch_model", "none": "cohort_plot.split.none"}


#: The smallest text of a heatmap (points), labels and cell values alike.
HEATMAP_FONT = 8

#: The largest figure :func:`retention_heatmap` makes (inches): a report page shows it without shrinking it.
HEATMAP_MAX_SIZE = (12.0, 10.0)

HEATMAP_CMAP = "YlGnBu"


def _metric(tidy: pd.DataFrame, metric: str | None) -> str:
    return metric or tidy.attrs.get("metric", "logo")


def _no_data(ax, title: str, lang: str):
    ax.set_axis_off()
    ax.set_title(title + t("cohort_plot.no_data", lang))
    label_figure(ax.figure)
    return ax


def _one_split(tidy: pd.DataFrame, split_value: str | None) -> pd.DataFrame:
    if "split" not in tidy:
        return tidy
    values = list(dict.fromkeys(tidy["split"]))
    if split_value is None and len(values) > 1:
        raise ValueError(f"tidy data has several split values {values}; pass split_value=")
    chosen = split_value if split_value is not None else values[0]
    out = tidy[tidy["split"] == chosen].drop(columns="split")
    out.attrs.update(tidy.attrs)
    return out


def _enough(curve: pd.DataFrame, min_cohorts: int) -> pd.DataFrame:
    """Pooled rows of the ages at least ``min_cohorts`` cohorts have reached (all if none has)."""
    keep = curve["cohorts"] >= min(min_cohorts, int(curve["cohorts"].max())) if len(curve) else []
    return curve[keep] if len(curve) else curve


def retention_heatmap(tidy: pd.DataFrame, *, lang: str | None = None, ax=None, metric: str | None = None,
                      split_value: str | None = None, annotate: bool = True):
    """Heatmap of the cohort matrix: cohorts in rows, ages in columns, values as %.

    Legible at any size: no text is smaller than :data:`HEATMAP_FONT` points, a new
    figure is at most :data:`HEATMAP_MAX_SIZE` inches (what a report page shows
    without shrinking it), only every k-th cohort and age is labelled when the cells
    are too small for each label, and the % are written in the cells only when they fit.

    Parameters
    ----------
    tidy : DataFrame
        :func:`cskit.cohorts.cohort_retention` output (one split value at most, or
        choose one with ``split_value``).
    lang : {"ja", "en"} or None
    ax : matplotlib Axes, optional
    metric : {"logo", "revenue"}, optional
        Default: ``tidy.attrs["metric"]``; only sets the title and colour range.
    split_value : str, optional
        The split group to draw when ``tidy`` is split.
    annotate : bool
        Write the % in each known cell when the cells are big enough; censored cells stay blank.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> from cskit.cohorts import cohort_retention
    >>> from cskit.datasets import load_cohort_example
    >>> ax = retention_heatmap(cohort_retention(load_cohort_example()), lang="en")
    >>> ax.get_title(), ax.figure.get_label()
    ('Logo retention by cohort (%)', 'Logo retention by cohort (%)')
    >>> plt.close(ax.figure)
    """
    lang = check_lang(lang)
    metric = _metric(tidy, metric)
    period = period_of(tidy)
    title = t(_HEATMAP_TITLE_KEYS[metric], lang)
    tidy = _one_split(tidy, split_value)
    wide = retention_matrix(tidy) if len(tidy) else pd.DataFrame()
    # a cohort with no known cell (revenue of a cohort that started before the data) would be an empty row
    wide = wide.dropna(how="all").dropna(axis=1, how="all")
    if ax is None:
        rows, cols = wide.shape if wide.size else (4, 4)
        fig = plt.subplots(figsize=(min(2.6 + 0.42 * cols, HEATMAP_MAX_SIZE[0]),
                                    min(1.9 + 0.3 * rows, HEATMAP_MAX_SIZE[1])))[0]
        ax = fixed_layout(fig, left=1.1, right=0.2, top=0.45, bottom=0.75).axes[0]  # no second drawing for a tight crop
    if wide.empty or wide.isna().all().all():
        return _no_data(ax, title, lang)
    vmax = 1.0 if metric == "logo" else max(1.0, float(np.nanquantile(wide.to_numpy(), 0.95)))
    sns.heatmap(wide, ax=ax, mask=wide.isna(), cmap=HEATMAP_CMAP, vmin=0.0, vmax=vmax, annot=False, linewidths=0.3,
                linecolor="white", cbar_kws={"shrink": 0.8})
    percent_axis(ax.collections[0].colorbar.ax)
    ax.grid(False)  # the theme's grid would show through the blank (censored) cells
    ax.set_title(title + " (%)")
    ax.set_xlabel(t(_AGE_KEYS[period], lang))
    ax.set_ylabel(t(_COHORT_KEYS[period], lang))
    cell_width, cell_height = _cell_points(ax, wide.shape)
    _thin_ticks(ax, wide, cell_width, cell_height)
    if annotate and cell_width >= 3 * HEATMAP_FONT and cell_height >= 1.4 * HEATMAP_FONT:
        _annotate_cells(ax, wide, vmax)
    label_figure(ax.figure)
    return ax


def _cell_points(ax, shape: tuple[int, int]) -> tuple[float, float]:
    """Width and height of one heatmap cell, in points (from the axes' place on its figure)."""
    box = ax.get_position()
    width, height = ax.figure.get_size_inches()
    return box.width * width * 72 / max(shape[1], 1), box.height * height * 72 / max(shape[0], 1)


def _tick_step(cell: float, label: float) -> int:
    """The fewest cells between two labels for labels ``label`` points long to not touch (1, 2, 3, 6, 12, ...)."""
    need = label / max(cell, 1e-9)
    return next(step for step in (1, 2, 3, 6, 12, 24, 48, 96, 10**9) if step >= need)


def _thin_ticks(ax, wide: pd.DataFrame, cell_width: float, cell_height: float) -> None:
    """Label every k-th age and cohort, k as small as keeps :data:`HEATMAP_FONT`-point labels apart."""
    ages, cohorts = [str(c) for c in wide.columns], [str(i) for i in wide.index]
    across = _tick_step(cell_width, (0.6 * max(map(len, ages)) + 1.0) * HEATMAP_FONT)
    down = _tick_step(cell_height, 1.4 * HEATMAP_FONT)
    ax.set_xticks(np.arange(0, len(ages), across) + 0.5, ages[::across], rotation=0)
    ax.set_yticks(np.arange(0, len(cohorts), down) + 0.5, cohorts[::down], rotation=0)
    ax.tick_params(axis="both", labelsize=HEATMAP_FONT + 1)


def _annotate_cells(ax, wide: pd.DataFrame, vmax: float) -> None:
    """The % of each known cell, dark on light cells and white on dark ones."""
    from seaborn.utils import relative_luminance

    cmap = plt.get_cmap(HEATMAP_CMAP)
    for (row, col), value in np.ndenumerate(wide.to_numpy()):
        if np.isfinite(value):
            light = relative_luminance(cmap(min(value / vmax, 1.0))) > 0.408
            ax.text(col + 0.5, row + 0.5, f"{value * 100:.0f}", ha="center", va="center", fontsize=HEATMAP_FONT,
                    color="#262626" if light else "white")


def _cohort_lines(tidy: pd.DataFrame, ax, max_legend: int = 8) -> None:
    cohorts = sorted(tidy["cohort"].unique())
    colours = sns.color_palette("viridis", n_colors=len(cohorts))
    shown = set(cohorts[:: max(1, -(-len(cohorts) // max_legend))]) | {cohorts[-1]}
    for cohort, colour in zip(cohorts, colours):
        rows = tidy[tidy["cohort"] == cohort].dropna(subset=["value"]).sort_values("age")
        if rows.empty:
            continue
        ax.plot(rows["age"], rows["value"], color=colour, linewidth=1.0, alpha=0.75,
                marker="o" if len(rows) == 1 else None, markersize=3,
                label=cohort if cohort in shown else "_nolegend_")


def retention_curves(tidy: pd.DataFrame, *, lang: str | None = None, ax=None, by: str = "cohort",
                     metric: str | None = None, min_cohorts: int = 2):
    """Retention curves: one line per cohort (``by="cohort"``) or per split group.

    Parameters
    ----------
    tidy : DataFrame
        :func:`cskit.cohorts.cohort_retention` output; ``by="split"`` needs a split.
    lang : {"ja", "en"} or None
    ax : matplotlib Axes, optional
    by : {"cohort", "split"}
        ``"cohort"``: each cohort in a colour from old (dark) to new (light) plus the
        pooled average of all cohorts (black). ``"split"``: the pooled curve of each
        split group (e.g. each segment).
    metric : {"logo", "revenue"}, optional
        Default: ``tidy.attrs["metric"]``.
    min_cohorts : int
        Pooled curves stop at the last age at least this many cohorts have reached
        (a single old cohort is too thin to stand for the average).

    Returns
    -------
    matplotlib Axes
    """
    lang = check_lang(lang)
    check_choice("by", by, ("cohort", "split"))
    metric = _metric(tidy, metric)
    period = period_of(tidy)
    ax = ax or plt.subplots(figsize=(8, 4))[1]
    if by == "split" and "split" not in tidy:
        raise ValueError("by='split' needs cohort_retention(..., split=...) data")
    split_name = t(_SPLIT_KEYS[tidy.attrs.get("split") or "none"], lang)
    title = t(_CURVES_TITLE_KEYS[metric], lang) if by == "cohort" else t(_SPLIT_TITLE_KEYS[metric], lang, split=split_name)
    if tidy.empty or tidy["value"].notna().sum() == 0:
        return _no_data(ax, title, lang)
    if by == "cohort":
        whole = tidy if "split" not in tidy else combine_splits(tidy)
        _cohort_lines(whole, ax)
        average = _enough(pooled_curve(whole), min_cohorts)
        ax.plot(average["age"], average["value"], color="black", linewidth=2.4, label=t("cohort_plot.average", lang))
        legend_outside(ax, fontsize="x-small")
    else:
        curves = _enough(pooled_curve(tidy), min_cohorts)
        curves = curves.assign(split=[split_label(tidy.attrs.get("split"), group, lang) for group in curves["split"]])
        sns.lineplot(data=curves, x="age", y="value", hue="split", marker="o", markersize=3, ax=ax)
        legend_outside(ax, title=split_name)
    if metric == "revenue":
        ax.axhline(1.0, color="grey", linewidth=0.8, linestyle="--")
    ax.set_ylim(bottom=0)
    ax.set_title(title)
    ax.set_xlabel(t(_AGE_KEYS[period], lang))
    ax.set_ylabel(t(_VALUE_KEYS[metric], lang))
    percent_axis(ax)
    label_figure(ax.figure)
    return ax


def survival_plot(curve: pd.DataFrame, *, lang: str | None = None, ax=None, at_risk: bool = True):
    """Kaplan-Meier step curve with its confidence band, the median lifetime and an at-risk table.

    Parameters
    ----------
    curve : DataFrame
        :func:`cskit.cohorts.survival_curve` output (one curve, or one per split group).
    lang : {"ja", "en"} or None
    ax : matplotlib Axes, optional
    at_risk : bool
        Write under the axis, at each age tick, the accounts at risk per group (as
        lifelines' ``add_at_risk_counts``); blank after a group's last age.

    Returns
    -------
    matplotlib Axes
    """
    lang = check_lang(lang)
    ax = ax or plt.subplots(figsize=(8, 4))[1]
    title = t("cohort_plot.title.survival", lang)
    if curve.empty:
        return _no_data(ax, title, lang)
    level = round((1 - curve.attrs.get("alpha", 0.05)) * 100)
    groups = list(curve.groupby("split", sort=True)) if "split" in curve else [(None, curve)]
    palette = sns.color_palette("colorblind", n_colors=max(len(groups), 1))
    for index, ((label, rows), colour) in enumerate(zip(groups, palette)):
        name = split_label(curve.attrs.get("split"), label, lang) if label is not None else t("cohort_plot.value.survival", lang)
        ax.step(rows["age"], rows["survival"], where="post", color=colour, linewidth=1.8, label=name)
        ax.fill_between(rows["age"], rows["lower"], rows["upper"], step="post", color=colour, alpha=0.2,
                        label=t("cohort_plot.band", lang, level=level) if label is None else "_nolegend_")
        median = median_lifetime(rows.drop(columns="split", errors="ignore"))
        if np.isfinite(median):
            ax.plot([median, median], [0, 0.5], color=colour, linestyle=":", linewidth=1.2)
            # one line per group above the 50 % line, so medians close together stay readable
            ax.annotate(t("cohort_plot.median", lang, age=int(median)), (median, 0.5), xytext=(4, 4 + 12 * index),
                        textcoords="offset points", fontsize="small", color=colour)
    ax.axhline(0.5, color="grey", linewidth=0.8, linestyle="--")
    ax.set_ylim(0, 1.02)
    ax.set_xlim(left=0)
    ax.set_title(title)
    ax.set_xlabel(t("cohort_plot.age.month", lang))
    ax.set_ylabel(t("cohort_plot.value.survival", lang))
    percent_axis(ax)
    legend_outside(ax)
    if at_risk:
        _at_risk_table(ax, groups, curve.attrs.get("split"), lang)
    label_figure(ax.figure)
    return ax


def _at_risk_table(ax, groups, split, lang: str) -> None:
    """Rows of at-risk counts under the x axis, one per group, aligned with the age ticks."""
    from matplotlib.transforms import blended_transform_factory

    ax.figure.canvas.draw_idle()
    low, high = ax.get_xlim()
    ticks = [tick for tick in ax.get_xticks() if low <= tick <= high and float(tick).is_integer()]
    where = blended_transform_factory(ax.transData, ax.transAxes)
    # regular weight: a Japanese font installed without a bold face would make matplotlib warn into the page
    ax.text(0, -0.2, t("cohort_plot.at_risk", lang), transform=ax.transAxes, ha="right", va="top",
            fontsize="small", gid="at_risk_title")
    for row, (label, rows) in enumerate(groups, start=1):
        name = split_label(split, label, lang) if label is not None else ""  # one curve: the title says it all
        y = -0.2 - 0.08 * row
        ax.text(-0.02, y, name, transform=ax.transAxes, ha="right", va="top", fontsize="small")
        counts = rows.set_index("age")["at_risk"]
        for tick in ticks:
            if int(tick) in counts.index:  # the count at the axis' left edge starts there, clear of the row's name
                ax.text(tick, y, f"{int(counts.loc[int(tick)]):,}", transform=where, ha="left" if tick == low else "center",
                        va="top", fontsize="small", gid="at_risk")
    ax.figure.subplots_adjust(bottom=min(0.2 + 0.08 * len(groups), 0.5))


def ltv_curves(tidy: pd.DataFrame, *, lang: str | None = None, ax=None, currency: str | None = None,
               min_cohorts: int = 2):
    """Cumulative revenue per account by age: one line per cohort plus the pooled average.

    Parameters
    ----------
    tidy : DataFrame
        :func:`cskit.cohorts.cohort_ltv` output (money per account).
    lang : {"ja", "en"} or None
    ax : matplotlib Axes, optional
    currency : str, optional
        ISO code for the axis (default ``tidy.attrs["currency"]``, else JPY).
    min_cohorts : int
        The pooled average stops at the last age at least this many cohorts have reached.

    Returns
    -------
    matplotlib Axes
    """
    lang = check_lang(lang)
    ax = ax or plt.subplots(figsize=(8, 4))[1]
    title = t("cohort_plot.title.ltv", lang)
    if tidy.empty or tidy["value"].notna().sum() == 0:
        return _no_data(ax, title, lang)
    whole = tidy if "split" not in tidy else combine_splits(tidy)
    _cohort_lines(whole, ax)
    average = _enough(pooled_curve(whole), min_cohorts)
    ax.plot(average["age"], average["value"], color="black", linewidth=2.4, label=t("cohort_plot.average", lang))
    legend_outside(ax, fontsize="x-small")
    ax.set_ylim(bottom=0)
    ax.set_title(title)
    ax.set_xlabel(t(_AGE_KEYS[period_of(tidy)], lang))
    ax.set_ylabel(t("cohort_plot.value.ltv", lang))
    money_axis(ax, currency or tidy.attrs.get("currency", "JPY"), lang)  # the same money scale as the KPI charts
    label_figure(ax.figure)
    return ax
