"""Target charts: a target's path against the actual values, and the KPI tree."""
from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from ..kpi.registry import get_kpi, registry
from ..targets import target_path
from .style import PALETTE, money_axis, percent_axis

_TEXT = {
    "plan": {"ja": "目標への道筋", "en": "Path to target"},
    "actual": {"ja": "実績", "en": "Actual"},
    "target": {"ja": "目標", "en": "Target"},
    "tree": {"ja": "KPI ツリー（上が KGI）", "en": "KPI tree (KGI at the top)"},
    "shared": {"ja": "◆ = CS と営業で共有する KPI", "en": "◆ = KPI shared by CS and Sales"},
}
_SALES = {"field_sales", "inside_sales"}


def target_vs_actual(result: dict, actuals: pd.Series, start: str, lang: str, ax=None, currency: str = "JPY"):
    """One target: its path from baseline to target (dashed) and the actual monthly values.

    Parameters
    ----------
    result : dict
        One entry of :func:`cskit.targets.evaluate_targets`.
    actuals : Series
        The team's monthly values of the KPI (index: monthly periods).
    start : str
        Month the baseline refers to (``YYYY-MM``).
    """
    kpi = get_kpi(result["kpi"])
    ax = ax or plt.subplots(figsize=(7, 3.2))[1]
    first = pd.Period(start, freq="M")
    path = target_path(result["kpi"], result["baseline"], result["target"], first, pd.Period(result["deadline"], freq="M"))
    shown = actuals[actuals.index >= first - 6].dropna()
    ax.plot(shown.index.to_timestamp(), shown.to_numpy(), marker="o", markersize=3, color=PALETTE[0], label=_TEXT["actual"][lang])
    ax.plot(path.index.to_timestamp(), path.to_numpy(), linestyle="--", color=PALETTE[1], label=_TEXT["plan"][lang])
    ax.scatter([path.index[-1].to_timestamp()], [path.iloc[-1]], marker="*", s=120, color=PALETTE[3], zorder=3, label=_TEXT["target"][lang])
    ax.set_title(f"{result['id']}: {kpi.label(lang)} ({result['team']})")
    if kpi.unit == "rate":
        percent_axis(ax, decimals=1)
    elif kpi.unit == "money":
        money_axis(ax, currency, lang)
    ax.tick_params(axis="x", rotation=45)
    ax.legend(fontsize="small")
    return ax


def kpi_tree(lang: str, highlight: set[str] | None = None, ax=None):
    """Draw the registry's KPI tree, KGI at the top, children below (a layered layout).

    KPIs shared between CS and a sales role are marked with ◆; ``highlight`` ids (e.g. a
    team's targets) are drawn in colour.
    """
    kpis = registry()
    children: dict[str | None, list[str]] = {}
    for kpi in kpis.values():
        children.setdefault(kpi.parent, []).append(kpi.id)
    depth, order = {}, []

    def visit(node: str, level: int) -> None:
        depth[node] = level
        order.append(node)
        for child in children.get(node, []):
            visit(child, level + 1)

    for root in children.get(None, []):
        visit(root, 0)
    # x: leaves left to right; a parent sits above the middle of its children
    x, next_leaf = {}, [0]

    def place(node: str) -> float:
        kids = children.get(node, [])
        if not kids:
            x[node] = next_leaf[0]
            next_leaf[0] += 1
        else:
            positions = [place(k) for k in kids]
            x[node] = sum(positions) / len(positions)
        return x[node]

    for root in children.get(None, []):
        place(root)
    levels = max(depth.values()) + 1
    ax = ax or plt.subplots(figsize=(max(12, next_leaf[0] * 0.55), levels * 1.1))[1]
    highlight = highlight or set()
    for node in order:
        parent = kpis[node].parent
        if parent:
            ax.plot([x[parent], x[node]], [-depth[parent], -depth[node]], color="#bbbbbb", linewidth=0.8, zorder=1)
    for node in order:
        kpi = kpis[node]
        shared = "cs" in kpi.roles and bool(_SALES & set(kpi.roles))
        label = ("◆" if shared else "") + kpi.short_label(lang)
        colour = PALETTE[1] if node in highlight else (PALETTE[0] if kpi.kgi else "#f2f2f2")
        ax.text(x[node], -depth[node], label, ha="center", va="center", fontsize=7, rotation=0 if depth[node] < 2 else 60,
                bbox={"boxstyle": "round,pad=0.25", "facecolor": colour, "edgecolor": "#888888", "linewidth": 0.5}, zorder=2)
    ax.set_xlim(-1, next_leaf[0])
    ax.set_ylim(-levels + 0.3, 0.7)
    ax.set_axis_off()
    ax.set_title(f"{_TEXT['tree'][lang]}   {_TEXT['shared'][lang]}")
    return ax
