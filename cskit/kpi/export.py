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


def json_number(value: float) -> float | int | None:
    """A value as written to CSV/JSON: 12 significant digits, whole numbers as int, NaN as None."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    rounded = float(format(float(value), ".12g"))
    return int(rounded) if rounded.is_integer() else rounded


def to_records(kpis: pd.DataFrame) -> list[dict]:
    """Tidy KPI rows as JSON-ready dicts ``{team, month, kpi, value}`` (value None when missing)."""
    return [
        {"team": team, "month": str(month), "kpi": kpi, "value": json_number(value)}
        for team, month, kpi, value in kpis[["team", "month", "kpi", "value"]].itertuples(index=False)
    ]


def to_csv(kpis: pd.DataFrame) -> str:
    """CSV text with columns ``team,month,kpi,value``."""
    buffer = io.StringIO()
    buffer.write("team,month,kpi,value\n")
    for record in to_records(kpis):
        value = "" if record["value"] is None else repr(record["value"])
        buffer.write(f"{record['team']},{record['month']},{record['kpi']},{value}\n")
    return buffer.getvalue()


def to_json(kpis: pd.DataFrame) -> str:
    """JSON text: a list of ``{team, month, kpi, value}`` objects."""
    return json.dumps(to_records(kpis), ensure_ascii=False, indent=1) + "\n"


def year_over_year(kpis: pd.DataFrame, month: pd.Period | None = None) -> pd.DataFrame:
    """Each team's KPIs in ``month`` (default: the last month) and the same month a year earlier.

    Returns
    -------
    DataFrame
        ``team, kpi, month, value, year_ago, change`` (change = value - year_ago, in the KPI's unit).
    """
    month = month or kpis["month"].max()
    now = kpis[kpis["month"] == month].set_index(["team", "kpi"])["value"]
    before = kpis[kpis["month"] == month - 12].set_index(["team", "kpi"])["value"]
    frame = pd.DataFrame({"value": now, "year_ago": before.reindex(now.index)})
    frame["change"] = frame["value"] - frame["year_ago"]
    frame = frame.reset_index()
    frame.insert(2, "month", month)
    return frame


def render_summary(kpis: pd.DataFrame, team_names: dict[str, str], lang: str, currency: str = "JPY") -> str:
    """A readable summary (one table per team, :func:`cskit.terminal.render_table`) of the last month against a year earlier."""
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
