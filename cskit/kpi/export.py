"""Turn the tidy KPI table into what the CLI prints: CSV, JSON, or a readable summary.

Numbers are written with 12 significant digits and missing values as empty (CSV) or
``null`` (JSON), so the same data always gives byte-identical output.
"""
from __future__ import annotations

import io
import json
import math

import pandas as pd

from ..i18n import t
from .registry import format_change, format_value, get_kpi

__all__ = ["json_number", "to_records", "to_csv", "to_json", "year_over_year", "render_summary"]


def _example() -> pd.DataFrame:
    """A small tidy KPI table for the examples below (two months of MRR, a year apart)."""
    return pd.DataFrame({"team": "all", "month": pd.PeriodIndex(["2023-06", "2024-06"], freq="M"),
                         "kpi": "mrr", "value": [1000.0, 1250.5]})


def json_number(value: float) -> float | int | None:
    """A value as written to CSV/JSON: 12 significant digits, whole numbers as int, NaN as None.

    Examples
    --------
    >>> json_number(2.0), json_number(1 / 3), json_number(float("nan"))
    (2, 0.333333333333, None)
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    rounded = float(format(float(value), ".12g"))
    return int(rounded) if rounded.is_integer() else rounded


def to_records(kpis: pd.DataFrame) -> list[dict]:
    """Tidy KPI rows as JSON-ready dicts ``{team, month, kpi, value}`` (value None when missing).

    KPIs split by an account column (``compute_kpis(..., by=...)``) also carry ``by``.

    Examples
    --------
    >>> to_records(_example())[0]
    {'team': 'all', 'month': '2023-06', 'kpi': 'mrr', 'value': 1000}
    >>> to_records(_example().assign(team="smb", by="segment"))[0]["by"]
    'segment'
    """
    records = [
        {"team": team, "month": str(month), "kpi": kpi, "value": json_number(value)}
        for team, month, kpi, value in kpis[["team", "month", "kpi", "value"]].itertuples(index=False)
    ]
    if "by" in kpis:
        for record, by in zip(records, kpis["by"]):
            record["by"] = by
    return records


def to_csv(kpis: pd.DataFrame) -> str:
    """CSV text with columns ``team,month,kpi,value`` (values in the KPI's unit, missing = empty), and ``by`` when split.

    Examples
    --------
    >>> print(to_csv(_example()), end="")
    team,month,kpi,value
    all,2023-06,mrr,1000
    all,2024-06,mrr,1250.5
    >>> print(to_csv(_example().assign(team="smb", by="segment").head(1)), end="")
    team,month,kpi,value,by
    smb,2023-06,mrr,1000,segment
    """
    buffer = io.StringIO()
    split = "by" in kpis
    buffer.write("team,month,kpi,value,by\n" if split else "team,month,kpi,value\n")
    for record in to_records(kpis):
        value = "" if record["value"] is None else repr(record["value"])
        tail = f",{record['by']}" if split else ""
        buffer.write(f"{record['team']},{record['month']},{record['kpi']},{value}{tail}\n")
    return buffer.getvalue()


def to_json(kpis: pd.DataFrame) -> str:
    """JSON text: a list of ``{team, month, kpi, value}`` objects (missing value = ``null``).

    Examples
    --------
    >>> to_json(_example()).count('"kpi": "mrr"')
    2
    """
    return json.dumps(to_records(kpis), ensure_ascii=False, indent=1) + "\n"


def year_over_year(kpis: pd.DataFrame, month: pd.Period | None = None) -> pd.DataFrame:
    """Each team's KPIs in ``month`` (default: the last month) and the same month a year earlier.

    Returns
    -------
    DataFrame
        ``team, kpi, month, value, year_ago, change`` (change = value - year_ago, in the KPI's unit).

    Examples
    --------
    >>> year_over_year(_example())[["kpi", "value", "year_ago", "change"]].values.tolist()
    [['mrr', 1250.5, 1000.0, 250.5]]
    """
    month = month or kpis["month"].max()
    now = kpis[kpis["month"] == month].set_index(["team", "kpi"])["value"]
    before = kpis[kpis["month"] == month - 12].set_index(["team", "kpi"])["value"]
    frame = pd.DataFrame({"value": now, "year_ago": before.reindex(now.index)})
    frame["change"] = frame["value"] - frame["year_ago"]
    frame = frame.reset_index()
    frame.insert(2, "month", month)
    return frame


def render_summary(kpis: pd.DataFrame, team_names: dict[str, str], lang: str | None = None,
                   currency: str = "JPY") -> str:
    """A readable summary (one table per team, :func:`cskit.terminal.render_table`) of the last month against a year earlier.

    Parameters
    ----------
    kpis : DataFrame
        Tidy ``team, month, kpi, value``.
    team_names : dict of str to str
        Display name per team id (:meth:`cskit.dataset.Dataset.team_name`).
    lang : {"ja", "en"} or None
        ``None``: ``$CSKIT_LANG``, else Japanese.
    currency : str
        ISO code of money values.

    Examples
    --------
    >>> "¥1,250" in render_summary(_example(), {"all": "Company"}, "en")
    True
    """
    from ..terminal import render_table

    summary = year_over_year(kpis)
    month = summary["month"].iloc[0] if len(summary) else None
    columns = [t("kpi.col_kpi", lang), str(month), str(month - 12) if month is not None else "", t("kpi.col_change", lang)]
    parts = []
    for team, rows in summary.groupby("team", sort=False):
        frame = pd.DataFrame([
            (get_kpi(row.kpi).label(lang), format_value(row.kpi, row.value, lang, currency),
             format_value(row.kpi, row.year_ago, lang, currency), format_change(row.kpi, row.change, lang, currency))
            for row in rows.itertuples(index=False)], columns=columns)
        title = t("kpi.table_title", lang, team=team_names.get(team, team), month=month, year_ago=month - 12)
        parts.append(render_table(frame, title=title, right=columns[1:], width=110))
    return "".join(parts)
