"""The movement log for people: account names, team names, movement words, money with its currency.

:func:`cskit.kpi.movement_log.movement_log` is the tidy log for code; here it becomes
the terminal table of ``cskit accounts --format table`` (:func:`render_log`) and the
notebook table of a team's losses of the month, the accounts that churned or
contracted most (:func:`losses` and :func:`losses_table`).
"""
from __future__ import annotations

import pandas as pd

from ..dataset import ALL_TEAMS, Dataset
from ..dates import format_month
from ..i18n import t
from ..options import check_lang, check_month
from .movement_log import movement_log
from .present import people_table
from .registry import format_change, format_value

__all__ = ["MOVEMENT_KEYS", "people_log", "render_log", "losses", "losses_table", "losses_tables"]

#: Message key of each movement word (:data:`cskit.kpi.movement_log.EVENTS`).
MOVEMENT_KEYS = {
    "new": "account.movement.new",
    "reactivation": "account.movement.reactivation",
    "expansion": "account.movement.expansion",
    "contraction": "account.movement.contraction",
    "churn": "account.movement.churn",
}


def people_log(log: pd.DataFrame, dataset: Dataset, lang: str | None = None) -> pd.DataFrame:
    """The log as text for people: month, account id and name, team name, movement word, money formatted.

    Parameters
    ----------
    log : DataFrame
        :func:`cskit.kpi.movement_log.movement_log` of ``dataset``.
    dataset : Dataset
        For account names, team names and the currency.
    lang : {"ja", "en"} or None

    Returns
    -------
    DataFrame
        Text cells, headings in ``lang``; no index to show.

    Examples
    --------
    >>> from cskit.datasets import load_cohort_example
    >>> data = load_cohort_example()
    >>> people_log(movement_log(data), data, "en").iloc[-1].tolist()
    ['2024-05', 'C', 'C社', 'cs_demo', 'Expansion', '¥200,000', '¥300,000', '+¥100,000']
    """
    lang = check_lang(lang)
    accounts = dataset["accounts"].set_index("account_id")
    names = accounts["account_name"] if "account_name" in accounts else pd.Series(dtype=object)
    team_names = {team: dataset.team_name(team, lang) for team in dict.fromkeys(log["team"])}
    money = lambda value: format_value("mrr", value, lang, dataset.currency)  # noqa: E731
    return pd.DataFrame({
        t("notebook.col.month", lang): log["month"].astype(str).tolist(),
        t("notebook.col.account_id", lang): log["account_id"].astype(str).tolist(),
        t("notebook.col.account_name", lang): [_name(names, a) for a in log["account_id"]],
        t("account.col.team", lang): [team_names[team] for team in log["team"]],
        t("account.col.movement", lang): [t(MOVEMENT_KEYS[m], lang) for m in log["movement"]],
        t("account.col.mrr_before", lang): [money(v) for v in log["mrr_before"]],
        t("account.col.mrr_after", lang): [money(v) for v in log["mrr_after"]],
        t("account.col.change", lang): [format_change("mrr", v, lang, dataset.currency) for v in log["change"]],
    })


def _name(names: pd.Series, account_id) -> str:
    """An account's name, or its id when the data has none."""
    name = names.get(account_id)
    return str(account_id) if name is None or pd.isna(name) or name == "" else str(name)


def render_log(log: pd.DataFrame, dataset: Dataset, team: str = ALL_TEAMS, lang: str | None = None) -> str:
    """The terminal table of ``cskit accounts --format table`` (:func:`cskit.terminal.render_table`).

    Examples
    --------
    >>> from cskit.datasets import load_cohort_example
    >>> data = load_cohort_example()
    >>> text = render_log(movement_log(data), data, lang="en")
    >>> "Reactivation" in text and "+¥100,000" in text and "Jan 2024" in text
    True
    """
    from ..terminal import render_table

    lang = check_lang(lang)
    frame = people_log(log, dataset, lang)
    months = dataset.months
    first = str(log["month"].min()) if len(log) else str(months[0])
    last = str(log["month"].max()) if len(log) else str(months[-1])
    title = t("account.log.title", lang, team=dataset.team_name(team, lang), first=format_month(str(first), lang),
              last=format_month(str(last), lang), count=len(log))
    notes = [t("account.log.first_month", lang, month=format_month(str(months[0]), lang))]
    return render_table(frame, title=title, notes=notes, right=list(frame.columns[5:]))


def losses(dataset: Dataset, team: str = ALL_TEAMS, month: str | None = None) -> pd.DataFrame:
    """The accounts of ``team`` that churned or contracted in ``month``, largest loss first.

    Parameters
    ----------
    dataset : Dataset
    team : str
        A team id or ``"all"`` (accounts as in :func:`cskit.kpi.movement_log.movement_log`).
    month : str or None
        ``YYYY-MM`` (default: the data's last month).

    Returns
    -------
    DataFrame
        The log's rows of that month with ``movement`` churn or contraction, ordered by
        ``change`` (most negative first), then account id.

    Examples
    --------
    >>> from cskit.datasets import load_cohort_example
    >>> losses(load_cohort_example(), month="2024-03")[["account_id", "change"]].values.tolist()
    [['D', -150000.0], ['B', -100000.0]]
    """
    month = check_month("month", month, dataset.months) or dataset.months[-1]
    log = movement_log(dataset, team, str(month), str(month))
    lost = log[log["movement"].isin(["churn", "contraction"])]
    return lost.sort_values(["change", "account_id"], kind="stable").reset_index(drop=True)


def losses_table(dataset: Dataset, team: str = ALL_TEAMS, month: str | None = None, lang: str | None = None,
                 limit: int = 10):
    """A team's losses of the month (:func:`losses`) as a table for people, with a title and a note.

    Parameters
    ----------
    dataset : Dataset
    team : str
    month : str or None
        ``YYYY-MM`` (default: the data's last month).
    lang : {"ja", "en"} or None
    limit : int
        Rows listed at most; a note says how many more lost MRR and the total lost.

    Returns
    -------
    pandas.io.formats.style.Styler
        :func:`cskit.kpi.present.people_table` with the title as caption; ``.data`` is
        the text (empty with a "none" caption when no account lost MRR).

    Examples
    --------
    >>> from cskit.datasets import load_cohort_example
    >>> table = losses_table(load_cohort_example(), month="2024-03", lang="en")
    >>> table.data[["Account ID", "Movement", "Change"]].values.tolist()
    [['D', 'Churn', '-¥150,000'], ['B', 'Churn', '-¥100,000']]
    """
    lang = check_lang(lang)
    month = check_month("month", month, dataset.months) or dataset.months[-1]
    lost = losses(dataset, team, str(month))
    name = dataset.team_name(team, lang)
    shown = lost.head(limit)
    frame = people_log(shown, dataset, lang).drop(columns=[t("notebook.col.month", lang), t("account.col.team", lang)])
    if lost.empty:
        caption = t("account.losses.none", lang, team=name, month=format_month(str(month), lang))
    else:
        caption = t("account.losses.title", lang, team=name, month=format_month(str(month), lang))
    if len(lost) > limit:
        total = format_value("mrr", -lost["change"].sum(), lang, dataset.currency)
        caption += " " + t("account.losses.more", lang, shown=limit, more=len(lost) - limit, total=total)
    return people_table(frame, text_columns=3, names=[t("notebook.col.account_name", lang)]).set_caption(caption)


def losses_tables(dataset: Dataset, team: str = ALL_TEAMS, month: str | None = None, lang: str | None = None,
                  limit: int = 10) -> list:
    """The losses tables a team's page shows: one per CS team on the company page, else the team's own.

    A team that holds no accounts (support, marketing) gets none.

    Examples
    --------
    >>> from cskit.datasets import load_sample
    >>> data = load_sample()
    >>> len(losses_tables(data, "all", lang="en")), len(losses_tables(data, "cs_smb")), len(losses_tables(data, "support"))
    (2, 1, 0)
    """
    if team != ALL_TEAMS:
        return [losses_table(dataset, team, month, lang, limit)] if dataset.account_mask(team).any() else []
    cs_teams = [name for name in dataset.teams["team"] if dataset.role_of(name) == "cs" and dataset.account_mask(name).any()]
    return [losses_table(dataset, name, month, lang, limit) for name in cs_teams]
