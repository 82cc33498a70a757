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
from matplotlib.ticker import FuncFormatter

from ..cohorts import combine_splits, median_lifetime, period_of, pooled_curve, retention_matrix
from ..i18n import t
from ..options import check_choice, check_lang
from .style import fixed_layout, money_axis, percent_axis


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


def _metric(tidy: pd.DataFrame, metric: str | None) -> str:
    return metric or tidy.attrs.get("metric", "logo")


def _no_data(ax, title: str, lang: str):
    ax.set_axis_off()
    ax.set_title(title + t("cohort_plot.no_data", lang))
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
        Write the % in each known cell; censored cells stay blank.

    Returns
    -------
    matplotlib Axes
    """
    lang = check_lang(lang)
    metric = _metric(tidy, metric)
    period = period_of(tidy)
    title = t(_HEATMAP_TITLE_KEYS[metric], lang)
    tidy = _one_split(tidy, split_value)
    wide = retention_matrix(tidy) if len(tidy) else pd.DataFrame()
    own_figure = ax is None
    if own_figure:
        rows, cols = wide.shape if wide.size else (4, 4)
        ax = plt.subplots(figsize=(min(2.6 + 0.42 * cols, 18), min(1.9 + 0.3 * rows, 14)))[1]
    if wide.empty or wide.isna().all().all():
        return _no_data(ax, title, lang)
    vmax = 1.0 if metric == "logo" else max(1.0, float(np.nanquantile(wide.to_numpy(), 0.95)))
    labels = wide.map(lambda v: "" if pd.isna(v) else f"{v * 100:.0f}") if annotate else False
    small = max(5.0, 9.0 - 0.1 * wide.shape[1])
    sns.heatmap(wide, ax=ax, mask=wide.isna(), cmap="YlGnBu", vmin=0.0, vmax=vmax,
                annot=labels, fmt="", annot_kws={"fontsize": small}, linewidths=0.3, linecolor="white",
                cbar_kws={"format": FuncFormatter(lambda v, _: f"{v * 100:.0f}%"), "shrink": 0.8})
    ax.grid(False)  # the theme's grid would show through the blank (censored) cells
    ax.set_title(title + " (%)")
    ax.set_xlabel(t(_AGE_KEYS[period], lang))
    ax.set_ylabel(t(_COHORT_KEYS[period], lang))
    ax.tick_params(axis="y", rotation=0, labelsize=small + 1)
    ax.tick_params(axis="x", labelsize=small + 1)
    if own_figure:  # hundreds of annotations: skip the second drawing a tight crop needs
        fixed_layout(ax.figure, left=1.1, right=0.2, top=0.45, bottom=0.75)
    return ax


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
        ax.legend(fontsize="x-small", ncol=2, loc="lower left")
    else:
        curves = _enough(pooled_curve(tidy), min_cohorts)
        sns.lineplot(data=curves, x="age", y="value", hue="split", marker="o", markersize=3, ax=ax)
        ax.legend(title=split_name, fontsize="small")
    if metric == "revenue":
        ax.axhline(1.0, color="grey", linewidth=0.8, linestyle="--")
    ax.set_ylim(bottom=0)
    ax.set_title(title)
    ax.set_xlabel(t(_AGE_KEYS[period], lang))
    ax.set_ylabel(t(_VALUE_KEYS[metric], lang))
    percent_axis(ax)
    return ax


def survival_plot(curve: pd.DataFrame, *, lang: str | None = None, ax=None):
    """Kaplan-Meier step curve with its confidence band and the median lifetime marked.

    Parameters
    ----------
    curve : DataFrame
        :func:`cskit.cohorts.survival_curve` output (one curve, or one per split group).
    lang : {"ja", "en"} or None
    ax : matplotlib Axes, optional

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
    for (label, rows), colour in zip(groups, palette):
        name = label if label is not None else t("cohort_plot.value.survival", lang)
        ax.step(rows["age"], rows["survival"], where="post", color=colour, linewidth=1.8, label=name)
        ax.fill_between(rows["age"], rows["lower"], rows["upper"], step="post", color=colour, alpha=0.2,
                        label=t("cohort_plot.band", lang, level=level) if label is None else "_nolegend_")
        median = median_lifetime(rows.drop(columns="split", errors="ignore"))
        if np.isfinite(median):
            ax.plot([median, median], [0, 0.5], color=colour, linestyle=":", linewidth=1.2)
            ax.annotate(t("cohort_plot.median", lang, age=int(median)), (median, 0.5), xytext=(4, 4),
                        textcoords="offset points", fontsize="small", color=colour)
    ax.axhline(0.5, color="grey", linewidth=0.8, linestyle="--")
    ax.set_ylim(0, 1.02)
    ax.set_xlim(left=0)
    ax.set_title(title)
    ax.set_xlabel(t("cohort_plot.age.month", lang))
    ax.set_ylabel(t("cohort_plot.value.survival", lang))
    percent_axis(ax)
    ax.legend(fontsize="small", loc="lower left")
    return ax


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
    ax.legend(fontsize="x-small", ncol=2, loc="upper left")
    ax.set_ylim(bottom=0)
    ax.set_title(title)
    ax.set_xlabel(t(_AGE_KEYS[period_of(tidy)], lang))
    ax.set_ylabel(t("cohort_plot.value.ltv", lang))
    money_axis(ax, currency or tidy.attrs.get("currency", "JPY"), lang)  # the same money scale as the KPI charts
    return ax
