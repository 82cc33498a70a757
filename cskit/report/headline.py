"""The headline KPIs of the index pages, computed once and read from the page that shows them.

Notebook 02 computes a team's KPIs and calls :func:`record_headline`, which puts the
team's headline rows into the notebook's output as one display of type :data:`MIME`
(papermill/scrapbook-style glue; nbconvert renders nothing for it). After the run,
:func:`read_headline` takes them back out of the executed notebook and the index pages
show those rows, so the index and the page can never disagree. A team whose notebook
02 did not run (or failed) gets the same rows from :func:`headline_rows` on KPIs
computed by the report itself: one computation serves both routes.
"""
from __future__ import annotations

import pandas as pd

from ..dates import format_month
from ..i18n import t

__all__ = ["MIME", "headline_rows", "record_headline", "read_headline"]

#: Output type of the glued headline rows in an executed notebook.
MIME = "application/vnd.cskit.headline+json"


def headline_rows(kpis: pd.DataFrame, team: str, kpi_ids, lang: str, currency: str, data_end=None) -> list[dict]:
    """A team's headline rows ``[{"kpi", "name", "value", "raw"}]`` from a tidy KPI frame.

    Each KPI is read from the last month of ``kpis``, or from its last complete month when
    that month is not final yet (:func:`cskit.kpi.latest.latest_values`); the name then
    says which month.

    Parameters
    ----------
    kpis : DataFrame
        Tidy ``team, month, kpi, value`` (:func:`cskit.kpi.engine.compute_kpis`).
    team : str
    kpi_ids : sequence of str
        The role's headline KPIs (:data:`cskit.report.plan.HEADLINE_KPIS`).
    lang : {"ja", "en"}
    currency : str
        The dataset's currency (for money values).
    data_end : Period or None
        Last month of the data (a month is final only once what it counts has had time to happen).

    Returns
    -------
    list of dict
        ``value`` formatted for the page's language, ``raw`` the number (``None`` when unknown).

    Examples
    --------
    >>> kpis = pd.DataFrame({"team": ["t", "t"], "month": pd.PeriodIndex(["2024-01", "2024-02"], freq="M"),
    ...                      "kpi": ["customers", "customers"], "value": [3.0, 4.0]})
    >>> [(r["kpi"], r["raw"]) for r in headline_rows(kpis, "t", ["customers"], "en", "JPY")]
    [('customers', 4.0)]
    """
    from ..kpi.latest import latest_values
    from ..kpi.registry import format_value, get_kpi

    wanted = list(kpi_ids)
    last = kpis["month"].max() if len(kpis) else None
    latest = (latest_values(kpis, wanted, [team], last, data_end=data_end).set_index("kpi")
              if last is not None else pd.DataFrame(columns=["month", "value"]))
    rows = []
    for kpi_id in wanted:
        value = latest["value"].get(kpi_id, float("nan"))
        month = latest["month"].get(kpi_id, last)
        name = get_kpi(kpi_id).label(lang)
        rows.append({
            "kpi": kpi_id,
            # a value read from an earlier, complete month says which
            "name": name if month == last else t("notebook.table.complete_month", lang, kpi=name,
                                                                      month=format_month(str(month), lang)),
            "value": format_value(kpi_id, value, lang, currency),
            "raw": None if pd.isna(value) else float(value),
        })
    return rows


def record_headline(dataset, kpis: pd.DataFrame, team: str, lang: str) -> list[dict]:
    """In a notebook: put ``team``'s headline rows into the output for the index pages, and return them.

    Nothing is shown to the reader (the output has only the :data:`MIME` type).
    """
    from IPython.display import display

    from ..roles.registry import per_role

    kpi_ids = per_role("headline_kpis").get(dataset.role_of(team), ()) if team != "all" else ()
    rows = headline_rows(kpis, team, kpi_ids, lang, dataset.currency, data_end=dataset.months[-1])
    display({MIME: {"team": team, "rows": rows}}, raw=True)
    return rows


def read_headline(nb) -> dict | None:
    """``{"team", "rows"}`` recorded by :func:`record_headline` in an executed notebook, else ``None``.

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(outputs=[
    ...     nbformat.v4.new_output("display_data", data={MIME: {"team": "t", "rows": []}})])])
    >>> read_headline(nb)
    {'team': 't', 'rows': []}
    """
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            data = output.get("data", {})
            if MIME in data:
                return dict(data[MIME])
    return None
