"""KPI results for people: tables with values formatted, in the page's language.

The KPI engine returns tidy frames (``team, month, kpi, value``) for code; a person reads
a table with display names, money with separators and the currency, rates as %, no
index column and no ``NaN``. Every such table of the notebooks is made here, from
:func:`people_table` (the layout) and :func:`cskit.kpi.registry.format_value` (the values).
A headline value is read from its last complete month (:mod:`cskit.kpi.latest`).
"""
from __future__ import annotations

import hashlib

import pandas as pd

from ..dates import format_month
from ..i18n import script_lang, t
from .latest import latest_values
from .registry import format_value, get_kpi

__all__ = ["people_table", "kpi_summary_table", "kpi_values_table"]


def people_table(frame: pd.DataFrame, text_columns: int = 1, names: tuple[str, ...] | list[str] = ()):
    """``frame`` as a table for people: no index column, text escaped, the first ``text_columns`` left-aligned.

    The cells should already be text formatted for people (:func:`cskit.kpi.registry.format_value`);
    this only lays them out. The table's id comes from its content, so a page renders to the
    same bytes every time. A name from the data (an account's) is shown as it is written:
    one in Japanese script carries ``lang="ja"`` (:func:`cskit.i18n.script_lang`), so it
    reads right on an English page too.

    Parameters
    ----------
    frame : DataFrame
        Text cells, one column per heading.
    text_columns : int
        How many leading columns hold names or months (left-aligned); the rest hold
        numbers (right-aligned).
    names : sequence of str
        Headings of the columns that hold names from the data.

    Returns
    -------
    pandas.io.formats.style.Styler

    Examples
    --------
    >>> html = people_table(pd.DataFrame({"KPI": ["<b>MRR</b>"], "Team": ["¥1,200"]})).to_html()
    >>> "&lt;b&gt;MRR&lt;/b&gt;" in html, "¥1,200" in html, ">0<" in html
    (True, True, False)
    >>> accounts = pd.DataFrame({"Account": ["株式会社ノア", "Acme & Co"]})
    >>> html = people_table(accounts, names=["Account"]).to_html()
    >>> '<span lang="ja">株式会社ノア</span>' in html, ">Acme &amp; Co<" in html
    (True, True)
    """
    uid = hashlib.sha1(frame.to_csv().encode("utf-8")).hexdigest()[:10]
    styler = frame.style.hide(axis="index").format(escape="html").set_uuid(f"cskit{uid}")
    if names:
        styler = styler.format(_name_cell, subset=list(names), escape="html")
    left = ", ".join(f"td.col{i}, th.col{i}" for i in range(text_columns))
    styler = styler.set_table_styles([
        # a figure never breaks across lines ("+¥152,104"); text columns wrap
        {"selector": "td, th", "props": "text-align: right; padding: 0.2rem 0.6rem; white-space: nowrap;"},
        {"selector": left, "props": "text-align: left; white-space: normal;"},  # names and months read left to right; numbers align right
    ])
    return styler


def _name_cell(text: str) -> str:
    """An escaped name, inside an element with its script's ``lang`` when it has one."""
    lang = script_lang(text)
    return f'<span lang="{lang}">{text}</span>' if lang else text


def kpi_summary_table(kpis: pd.DataFrame, kpi_ids: list[str], month, lang: str, currency: str = "JPY",
                      teams: list[str] | None = None, team_names: dict | None = None, data_end=None):
    """A readable table: one row per KPI, one column per team, values formatted for people.

    A KPI whose ``month`` is not final yet (:func:`cskit.kpi.latest.last_complete_month`)
    shows its last complete month's value, and its row says which month that is.

    Parameters
    ----------
    kpis : DataFrame
        Tidy output of :func:`cskit.kpi.engine.compute_kpis`.
    kpi_ids : list of str
        Rows, in order.
    month : Period or str
        The month shown.
    lang : {"ja", "en"}
    currency : str
        ISO code of money values.
    teams : list of str, optional
        Columns, in order (default: every team of ``kpis``).
    team_names : dict of str to str, optional
        Column heading per team id.
    data_end : Period or str, optional
        The data's last month (default: ``month``).

    Returns
    -------
    pandas.io.formats.style.Styler
        :func:`people_table` of the text; ``.data`` is the DataFrame.

    Examples
    --------
    >>> months = pd.PeriodIndex(["2024-02", "2024-03"], freq="M")
    >>> kpis = pd.DataFrame({"team": "sup", "month": months.repeat(2), "kpi": ["mrr", "resolution_rate"] * 2,
    ...                      "value": [1000.0, 1.0, 1200.0, 0.5]})
    >>> table = kpi_summary_table(kpis, ["mrr", "resolution_rate"], "2024-03", "en", team_names={"sup": "Support"})
    >>> table.data.values.tolist()
    [['Monthly recurring revenue (MRR)', '¥1,200'], ['Resolution rate (Feb 2024: this month is not final yet)', '100.0%']]
    """
    month = pd.Period(month, freq="M")
    teams = teams or list(dict.fromkeys(kpis["team"]))
    names = [(team_names or {}).get(team, team) for team in teams]
    latest = latest_values(kpis, kpi_ids, teams, month, data_end)
    rows = []
    for kpi_id, group in latest.groupby("kpi", sort=False):
        label = get_kpi(kpi_id).label(lang)
        read = group["month"].iloc[0]
        if read != month:
            label = t("notebook.table.complete_month", lang, kpi=label, month=format_month(str(read), lang))
        rows.append([label] + [format_value(kpi_id, value, lang, currency) for value in group["value"]])
    return people_table(pd.DataFrame(rows, columns=[t("kpi.col_kpi", lang), *names]))


def kpi_values_table(kpis: pd.DataFrame, values: dict, team: str, lang: str, currency: str = "JPY",
                     team_name: str | None = None):
    """The values an exercise works from: one row per KPI and month, formatted for people.

    Parameters
    ----------
    kpis : DataFrame
        Tidy output of :func:`cskit.kpi.engine.compute_kpis`.
    values : dict of str to Period or str
        ``{kpi id: month}``, in the order shown.
    team : str
    lang : {"ja", "en"}
    currency : str
    team_name : str, optional
        Heading of the value column (default: ``team``).

    Examples
    --------
    >>> kpis = pd.DataFrame({"team": "cs1", "month": pd.PeriodIndex(["2024-02", "2024-03"], freq="M"),
    ...                      "kpi": ["customers", "churned_customers"], "value": [40.0, 2.0]})
    >>> month = pd.Period("2024-03", "M")
    >>> kpi_values_table(kpis, {"customers": month - 1, "churned_customers": month}, "cs1", "en").data.values.tolist()
    [['Paying customers', '2024-02', '40'], ['Churned customers', '2024-03', '2']]
    """
    lookup = kpis[kpis["team"] == team].set_index(["kpi", "month"])["value"]
    rows = []
    for kpi_id, month in values.items():
        month = pd.Period(month, freq="M")
        rows.append([get_kpi(kpi_id).label(lang), str(month),
                     format_value(kpi_id, lookup.get((kpi_id, month), float("nan")), lang, currency)])
    columns = [t("kpi.col_kpi", lang), t("notebook.col.month", lang), team_name or team]
    return people_table(pd.DataFrame(rows, columns=columns), text_columns=2)




