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
from ..roles.registry import PAY_CHART_ORDER
from ..roles.view import STAGE_KEYS
from .style import PALETTE

#: Colour of what was lost between two stages (drawn behind the stage's bar).
LEAK_COLOUR = "#d9d9d9"
NOT_OWNED_COLOUR = "#9a9a9a"


def _count(value: float) -> str:
    return f"{value:,.0f}"


def funnel(data: pd.DataFrame, *, lang: str | None = None, ax=None, title: str | None = None, color=None):
    """Draw one funnel (output of :func:`cskit.kpi.funnel.model_funnel`) as centred bars.

    Each stage is a bar as wide as its count, drawn over a light bar as wide as its
    ``base`` (the stage before): the light margin is the leak. The right-hand text
    gives the conversion from the stage before and the number lost (or, when more
    entered than came from before, the number that entered at this stage). Stages
    the team does not own (NaN) are labelled as such.

    Parameters
    ----------
    data : DataFrame
        ``stage, count, conversion_from_previous, leak, base``, stages in order.
    lang : {"ja", "en"} or None
    ax : matplotlib Axes, optional
    title : str, optional
    color : colour, optional
        Bar colour (default: the palette's first).

    Returns
    -------
    matplotlib Axes
    """
    lang = check_lang(lang)
    ax = ax or plt.subplots(figsize=(7, 4))[1]
    color = color or PALETTE[0]
    stages = list(data["stage"])
    y = np.arange(len(stages))[::-1]
    widest = np.nanmax(np.r_[data["count"].to_numpy(dtype=float), data["base"].to_numpy(dtype=float), 1.0])
    for pos, (_, row) in zip(y, data.iterrows()):
        count, base = row["count"], row["base"]
        if isinstance(base, float) and not math.isnan(base) and base > count:
            ax.barh(pos, base, left=-base / 2, color=LEAK_COLOUR, height=0.7, zorder=1)
        if math.isnan(count):
            ax.text(0, pos, t("roles.funnel.not_owned", lang), ha="center", va="center", color=NOT_OWNED_COLOUR, fontsize=9)
            continue
        ax.barh(pos, max(count, widest * 0.002), left=-count / 2, color=color, height=0.7, zorder=2)
        inside = count > widest * 0.25
        ax.text(0 if inside else count / 2 + widest * 0.01, pos, _count(count), ha="center" if inside else "left",
                va="center", color="white" if inside else "black", fontsize=9, zorder=3)
        rate = row["conversion_from_previous"]
        if not math.isnan(rate):
            leak = row["leak"]
            change = t("roles.funnel.leak", lang, count=_count(leak)) if leak >= 0 else t("roles.funnel.entered", lang, count=_count(-leak))
            ax.text(widest * 0.53, pos, t("roles.funnel.conversion", lang, rate=f"{rate:.0%}") + "\n" + change,
                    ha="left", va="center", fontsize=8, color="#333333")
    ax.set_yticks(y, [t(STAGE_KEYS[stage], lang) for stage in stages])
    ax.set_xlim(-widest * 0.52, widest * 0.95)
    ax.set_ylim(y.min() - 0.6, y.max() + 0.6)
    ax.set_xticks([])
    ax.grid(False)
    for side in ("top", "right", "bottom"):
        ax.spines[side].set_visible(False)
    if title:
        ax.set_title(title)
    return ax


def funnel_pair(team_funnel: pd.DataFrame | None, company_funnel: pd.DataFrame, *, lang: str | None = None, ax=None,
                team_name: str = "", company_name: str = ""):
    """The team's funnel beside the company's (only the company's when ``team_funnel`` is None).

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
    """
    lang = check_lang(lang)
    panels = [(company_funnel, company_name, PALETTE[0])]
    if team_funnel is not None:
        panels.insert(0, (team_funnel, team_name, PALETTE[1]))
    if ax is None:
        _, grid = plt.subplots(1, len(panels), figsize=(6.5 * len(panels), 4.2), squeeze=False)
        axes = list(grid[0])
    else:
        axes = list(np.ravel(ax))
    for one, (frame, name, colour) in zip(axes, panels):
        funnel(frame, lang=lang, ax=one, title=t("roles.funnel.title", lang, team=name), color=colour)
    for one in axes[1:]:
        one.tick_params(axis="y", labelleft=True)
    figure = axes[0].figure
    figure.tight_layout()
    return figure


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
    return ax
