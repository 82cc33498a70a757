"""Notebook 02's health section: bands, the accounts that dropped a band, the red accounts, the backtest's headline.

One call per section, so the notebook holds no formula (see :func:`show_health`).
"""
from __future__ import annotations

from ..dates import format_month
from ..i18n import resolve_lang, t
from .backtest import backtest
from .present import accounts_table, backtest_reading, backtest_tables, band_counts_table
from .scores import dropped_band, health_view, score_accounts

__all__ = ["show_health"]


def show_health(dataset, team: str, month, lang: str | None = None, *, role: str | None = None,
                horizon: int = 3, limit: int = 10, health=None) -> dict | None:
    """Display the team's health in ``month``: bands, band drops, red accounts, and the backtest's headline.

    Parameters
    ----------
    dataset : Dataset
    team : str
    month : Period or str
    lang : {"ja", "en"} or None
    role : str or None
        The team's role; roles that do not track the health score get nothing (``None``: the company page).
    horizon : int
        Months ahead of the backtest.
    limit : int
        Rows listed at most per account table.
    health : HealthProfiles, str, Path or None
        As :func:`cskit.health.scores.score_accounts`.

    Returns
    -------
    dict or None
        ``{"view", "backtest"}`` (the tidy results), None when nothing is shown.
    """
    from IPython.display import Markdown, display

    from ..kpi.registry import kpis_for_role

    lang = resolve_lang(lang)
    if role is not None and "health_score" not in [k.id for k in kpis_for_role(role)]:
        return None
    scores = score_accounts(dataset, health)
    view = health_view(dataset, team=team, month=str(month), scores=scores)
    result = backtest(dataset, team=team, horizon=horizon, scores=scores)
    display(Markdown(f"### {t('health.nb.bands', lang, month=format_month(str(month), lang))}"))
    display(band_counts_table(view, lang))
    dropped = dropped_band(view)
    display(Markdown(f"### {t('health.nb.dropped', lang, count=len(dropped))}"))
    if len(dropped):
        display(accounts_table(dropped, lang, limit))
    red = view[view["band"] == "red"]
    display(Markdown(f"### {t('health.nb.red', lang, count=len(red))}"))
    if len(red):
        display(accounts_table(red, lang, limit))
    display(Markdown(f"### {t('health.nb.backtest', lang, horizon=horizon)}"))
    if result.summary["events"] and result.summary["rows"] > result.summary["events"]:
        display(Markdown(backtest_reading(result, lang)))
        display(backtest_tables(result, lang)["bands"])
    else:
        display(Markdown(t("health.nb.no_backtest", lang)))
    return {"view": view, "backtest": result}
