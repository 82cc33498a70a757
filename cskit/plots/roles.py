"""Role charts: The Model funnel (a team beside the company) and the pay ranges of the roles.

Each takes its data first and keyword-only options after it; one panel returns its
Axes, several their Figure.
"""
from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ..i18n import t
from ..options import check_lang
from ..roles.funnel_text import STAGE_KEYS, entered_notes
from ..roles.registry import PAY_CHART_ORDER, ROLE_TABLE
from .style import COMPANY_COLOUR, NOTE_COLOUR, PALETTE, TEAM_COLOURS, label_figure, wrap_text

#: Colour of what was lost between two stages (drawn behind the stage's bar).
LEAK_COLOUR = "#d9d9d9"
NOT_OWNED_COLOUR = "#9a9a9a"

#: Marks a stage that holds more than the stage before it; its footnote says why.
ENTERED_MARK = "†"


def _count(value: float) -> str:
    return f"{value:,.0f}"


def funnel_scale(*funnels: pd.DataFrame) -> float:
    """The count the full width of a funnel panel stands for: the largest count or base of ``funnels``.

    Examples
    --------
    >>> funnel_scale(pd.DataFrame({"count": [10.0, 4.0], "base": [float("nan"), 10.0]}),
    ...              pd.DataFrame({"count": [float("nan"), 2.0], "base": [float("nan"), 30.0]}))
    30.0
    """
    values = [frame[column].to_numpy(dtype=float) for frame in funnels for column in ("count", "base")]
    return float(np.nanmax(np.concatenate(values + [np.ones(1)])))


def _stage_label(stage: str, owner: str, lang: str) -> str:
    """The stage's name and, in short, the role that moves people into it (as the table's "moved by")."""
    return t("roles.funnel.stage_owner", lang, stage=t(STAGE_KEYS[stage], lang),
             owner=t(ROLE_TABLE[owner].short_name_key, lang))


def _stage_note(row: dict, before: float, lang: str) -> str | None:
    """The text right of a stage: its conversion and leak, or how many more it holds than its base."""
    if not math.isnan(row["conversion_from_previous"]):
        rate = f"{row['conversion_from_previous']:.0%}"
        judged = not math.isnan(before) and row["base"] != before  # measured on part of the stage before
        conversion = (t("roles.funnel.conversion_judged", lang, rate=rate, base=_count(row["base"])) if judged
                      else t("roles.funnel.conversion", lang, rate=rate))
        return conversion + "\n" + t("roles.funnel.leak", lang, count=_count(row["leak"]))
    if row["entered"] > 0:
        return t("roles.funnel.entered", lang, count=_count(row["entered"])) + " " + ENTERED_MARK
    return None


def _draw_stage(ax, pos: float, row: dict, before: float, widest: float, color, lang: str) -> None:
    count, base = row["count"], row["base"]
    if not math.isnan(base) and base > count:
        ax.barh(pos, base, left=-base / 2, color=LEAK_COLOUR, height=0.7, zorder=1)
    if math.isnan(count):
        ax.text(0, pos, t("roles.funnel.not_counted", lang), ha="center", va="center", color=NOT_OWNED_COLOUR, fontsize=9)
        return
    ax.barh(pos, max(count, widest * 0.002), left=-count / 2, color=color, height=0.7, zorder=2)
    inside = count > widest * 0.25
    ax.text(0 if inside else count / 2 + widest * 0.01, pos, _count(count), ha="center" if inside else "left",
            va="center", color="white" if inside else "black", fontsize=9, zorder=3)
    note = _stage_note(row, before, lang)
    if note:
        ax.text(widest * 0.53, pos, note, ha="left", va="center", fontsize=8, color="#333333")


def _footnotes(ax, data: pd.DataFrame, lang: str, team_name: str) -> None:
    """Under the panel: why a stage holds more than the one before, and the wins too recent to judge."""
    notes = [f"{ENTERED_MARK} {note}" for note in entered_notes(data, lang, team_name)]
    if data.attrs.get("censored_wins"):
        notes.append(t("roles.funnel.censored", lang, team=team_name, count=f"{data.attrs['censored_wins']:,}"))
    if notes:
        width = ax.get_position().width * ax.figure.get_size_inches()[0]
        ax.annotate("\n".join(wrap_text(note, width, 8) for note in notes), xy=(0, 0), xycoords="axes fraction",
                    xytext=(0, -6), textcoords="offset points", ha="left", va="top", fontsize=8, color=NOTE_COLOUR)


def funnel(data: pd.DataFrame, *, lang: str | None = None, ax=None, title: str | None = None, color=None,
           scale: float | None = None, team_name: str = "", footnotes: bool = True):
    """Draw one funnel (output of :func:`cskit.kpi.funnel.model_funnel`) as centred bars.

    Each stage is a bar as wide as its count, drawn over a light bar as wide as its
    ``base``: the light margin is the leak. Each stage is labelled with the role that
    moves people into it (the table's "moved by", from :mod:`cskit.roles.registry`).
    The right-hand text gives the conversion and the number lost; a stage that holds
    more than its base has neither (it is not a part of the stage before) and is marked
    with a footnote under the panel saying why, as are wins too recent to judge.
    Stages the team is not counted on (NaN) say so.

    Parameters
    ----------
    data : DataFrame
        ``stage, count, conversion_from_previous, leak, entered, base, owner_role``, stages in order.
    lang : {"ja", "en"} or None
    ax : matplotlib Axes, optional
    title : str, optional
    color : colour, optional
        Bar colour (default: the first team colour).
    scale : float, optional
        The count the panel's full width stands for (default :func:`funnel_scale` of
        ``data``); panels drawn side by side share one.
    team_name : str
        The team's display name, for the footnotes.
    footnotes : bool
        Write the footnotes (:func:`funnel_pair` writes them itself once its panels are placed).

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> from cskit.datasets import load_sample
    >>> from cskit.kpi.funnel import model_funnel
    >>> ax = funnel(model_funnel(load_sample()), lang="en", title="Company", team_name="Company")
    >>> ax.get_yticklabels()[0].get_text(), ax.texts[-1].get_text().startswith("† Company has")
    ('Leads [Mktg]', True)
    >>> plt.close(ax.figure)
    """
    lang = check_lang(lang)
    ax = ax or plt.subplots(figsize=(7, 4.6))[1]
    color = color or TEAM_COLOURS[0]
    widest = scale or funnel_scale(data)
    rows = data.to_dict("records")
    y = np.arange(len(rows))[::-1]
    for pos, row, before in zip(y, rows, [math.nan] + [r["count"] for r in rows[:-1]]):
        _draw_stage(ax, pos, row, before, widest, color, lang)
    ax.set_yticks(y, [_stage_label(row["stage"], row["owner_role"], lang) for row in rows])
    ax.set_xlim(-widest * 0.52, widest * 0.95)
    ax.set_ylim(y.min() - 0.6, y.max() + 0.6)
    ax.set_xticks([])
    ax.grid(False)
    for side in ("top", "right", "bottom"):
        ax.spines[side].set_visible(False)
    if title:
        ax.set_title(title)
    if footnotes:
        _footnotes(ax, data, lang, team_name)
    label_figure(ax.figure)
    return ax


def funnel_pair(team_funnel: pd.DataFrame | None, company_funnel: pd.DataFrame, *, lang: str | None = None, ax=None,
                team_name: str = "", company_name: str = ""):
    """The team's funnel beside the company's (only the company's when ``team_funnel`` is None).

    Both panels share one scale (a bar as wide in both stands for as many), the team in
    the first team colour, the company in :data:`~cskit.plots.style.COMPANY_COLOUR`.

    Parameters
    ----------
    team_funnel, company_funnel : DataFrame
        Outputs of :func:`cskit.kpi.funnel.model_funnel`.
    lang : {"ja", "en"} or None
    ax : sequence of two Axes (one if there is no team funnel), optional
        Default: a new figure.
    team_name, company_name : str
        Display names for the titles.

    Returns
    -------
    matplotlib Figure

    Examples
    --------
    >>> from cskit.datasets import load_sample
    >>> from cskit.kpi.funnel import model_funnel
    >>> data = load_sample()
    >>> fig = funnel_pair(model_funnel(data, "cs_smb"), model_funnel(data), lang="en", team_name="CS", company_name="Company")
    >>> fig.axes[0].get_xlim() == fig.axes[1].get_xlim(), fig.get_label()
    (True, 'CS: The Model funnel / Company: The Model funnel')
    >>> plt.close(fig)
    """
    lang = check_lang(lang)
    panels = [(company_funnel, company_name, COMPANY_COLOUR)]
    if team_funnel is not None:
        panels.insert(0, (team_funnel, team_name, TEAM_COLOURS[0]))
    if ax is None:
        _, grid = plt.subplots(1, len(panels), figsize=(6.5 * len(panels), 4.8), squeeze=False)
        axes = list(grid[0])
    else:
        axes = list(np.ravel(ax))
    scale = funnel_scale(*(frame for frame, _, _ in panels))
    for one, (frame, name, colour) in zip(axes, panels):
        funnel(frame, lang=lang, ax=one, title=t("roles.funnel.title", lang, team=name), color=colour, scale=scale,
               team_name=name, footnotes=False)
    figure = axes[0].figure
    figure.tight_layout()  # place the panels first: the footnotes wrap to their final width
    for one, (frame, name, _) in zip(axes, panels):
        _footnotes(one, frame, lang, name)
    figure.tight_layout()
    return label_figure(figure)


def pay_ranges(roles: tuple[str, ...] = PAY_CHART_ORDER, *, lang: str | None = None, ax=None):
    """Average annual pay range per role (millions of yen), from the role knowledge base.

    Roles whose pay the sources do not give are named in a note instead of drawn.
    The source article of the figures is written under the chart.

    Parameters
    ----------
    roles : tuple of str
        Role ids (:data:`cskit.roles.registry.ROLE_IDS`), top to bottom.
    lang : {"ja", "en"} or None
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    lang = check_lang(lang)
    from ..roles.content import load_knowledge, role_profile

    labels = load_knowledge(lang)["labels"]
    profiles = {role: role_profile(role, lang) for role in roles}
    shown = [r for r in roles if profiles[r]["pay"]["min_myen"] is not None]
    missing = [profiles[r]["name"] for r in roles if r not in shown]
    ax = ax or plt.subplots(figsize=(7, 0.6 * len(shown) + 1.6))[1]
    y = np.arange(len(shown))[::-1]
    for pos, role, colour in zip(y, shown, PALETTE):
        pay = profiles[role]["pay"]
        low, high = pay["min_myen"], pay["max_myen"]
        ax.barh(pos, high - low, left=low, height=0.5, color=colour)
        ax.text(high + 0.1, pos, f"{low:.1f}–{high:.1f}", va="center", fontsize=9)
    ax.set_yticks(y, [profiles[r]["name"] for r in shown])
    ax.set_xlim(0, max(profiles[r]["pay"]["max_myen"] for r in shown) + 1.5) if shown else None
    ax.set_xlabel(labels["million_yen_per_year"])
    ax.set_title(t("roles.pay.title", lang))
    sources = sorted({profiles[r]["pay"]["source"] for r in shown})
    note = t("roles.pay.source", lang, source=", ".join(sources))
    if missing:
        note += "\n" + t("roles.pay.missing", lang, roles=", ".join(missing))
    ax.annotate(note, xy=(0, 0), xycoords="axes fraction", xytext=(0, -38), textcoords="offset points",
                fontsize=8, color="#555555", va="top")
    ax.grid(axis="y", visible=False)
    label_figure(ax.figure)
    return ax
