"""Why your numbers differ from your billing tool: a KPI under cskit's convention and the others.

Billing-metric tools define the same words differently. The registry (``registry.yml``)
says, for every retention and efficiency KPI, which convention cskit follows
(``convention``) and how the best-known alternatives differ (``alternatives``: name, the
tool that publishes it, formula, and one sentence on why the value differs). This
module computes each alternative, by its registry id, from the engine's monthly values of
the same team, so the formulas stay where the registry documents them: an alternative
that is itself a KPI (``kpi:``) is read from the engine, the others are one line each in
:data:`ALTERNATIVES`, over the tidy KPI frame's monthly values.

:func:`convention_values` returns the tidy numbers for code; :func:`convention_table`
lays them out for people (notebook 02's section "Why your numbers differ from your
billing tool").
"""
from __future__ import annotations

from typing import Callable

import numpy as np
import pandas as pd

from ..i18n import pick, t
from .families import lifetime_value
from .latest import last_complete_month
from .present import people_table
from .registry import alternative_name, format_change, format_value, get_kpi

__all__ = ["TABLE_KPIS", "CSKIT", "ALTERNATIVES", "convention_values", "convention_table"]

#: The KPIs notebook 02's table compares, in order: churn, NRR, quick ratio, LTV.
TABLE_KPIS = ("logo_churn_rate", "nrr_12m", "quick_ratio", "ltv")

#: The ``convention`` of a row computed as the registry defines the KPI.
CSKIT = "cskit"

#: Months the summed-movement retention alternatives add up.
YEAR = 12

Wide = pd.DataFrame  # one team's values: index months (Period), columns KPI ids


def _at(wide: Wide, kpi_id: str, month: pd.Period) -> float:
    """One value of ``wide`` (NaN where the month or the KPI is missing)."""
    if kpi_id not in wide.columns or month not in wide.index:
        return float("nan")
    return float(wide.at[month, kpi_id])


def _divide(numerator: float, denominator: float) -> float:
    """A ratio that is missing, not infinite, when the denominator is 0 or missing."""
    return numerator / denominator if denominator and not np.isnan(denominator) else float("nan")


def _summed(wide: Wide, kpi_id: str, month: pd.Period) -> float:
    """``kpi_id`` summed over the 12 months ``month - 11 .. month`` (NaN if one is missing)."""
    return float(sum(_at(wide, kpi_id, month - back) for back in range(YEAR)))


def _churn_with_new(wide: Wide, month: pd.Period, margin: float) -> float:
    return _divide(_at(wide, "churned_customers", month),
                   _at(wide, "customers", month - 1) + _at(wide, "new_customers", month))


def _net_churn_without_reactivation(wide: Wide, month: pd.Period, margin: float) -> float:
    return 1.0 - _at(wide, "nrr_1m", month)


def _nrr_1m_with_reactivation(wide: Wide, month: pd.Period, margin: float) -> float:
    return 1.0 - _at(wide, "net_mrr_churn_rate", month)


def _nrr_summed(wide: Wide, month: pd.Period, margin: float) -> float:
    base = _at(wide, "mrr", month - YEAR)
    change = (_summed(wide, "expansion_mrr", month) - _summed(wide, "contraction_mrr", month)
              - _summed(wide, "churned_mrr", month))
    return _divide(base + change, base)


def _grr_summed(wide: Wide, month: pd.Period, margin: float) -> float:
    base = _at(wide, "mrr", month - YEAR)
    return _divide(base - _summed(wide, "contraction_mrr", month) - _summed(wide, "churned_mrr", month), base)


def _ltv_without_margin(wide: Wide, month: pd.Period, margin: float) -> float:
    if "arpa" not in wide.columns or month not in wide.index:
        return float("nan")
    history = wide.loc[:month]
    ltv = lifetime_value(history["arpa"].to_numpy(dtype=float), history["logo_churn_rate"].to_numpy(dtype=float), 1.0)
    return float(ltv[-1])


def _payback_on_new_arpa(wide: Wide, month: pd.Period, margin: float) -> float:
    new_arpa = _divide(_at(wide, "new_mrr", month), _at(wide, "new_customers", month))
    return _divide(_at(wide, "cac", month), new_arpa * margin)


#: How each registry alternative that is not itself a KPI is computed, by its id:
#: ``f(wide, month, gross_margin) -> value`` in the KPI's unit. The formulas are the
#: registry's ``alternatives[].formula``.
ALTERNATIVES: dict[str, Callable[[Wide, pd.Period, float], float]] = {
    "logo_churn_with_new_customers": _churn_with_new,
    "net_mrr_churn_without_reactivation": _net_churn_without_reactivation,
    "nrr_1m_with_reactivation": _nrr_1m_with_reactivation,
    "nrr_12m_summed_movements": _nrr_summed,
    "grr_12m_summed_movements": _grr_summed,
    "ltv_without_margin": _ltv_without_margin,
    "cac_payback_new_customer_arpa": _payback_on_new_arpa,
}


def convention_values(kpis: pd.DataFrame, team: str, month, kpi_ids=TABLE_KPIS, gross_margin: float = 0.8,
                      data_end=None) -> pd.DataFrame:
    """Each KPI under cskit's convention and under the registry's alternatives, as numbers.

    Parameters
    ----------
    kpis : DataFrame
        Tidy output of :func:`cskit.kpi.engine.compute_kpis` (``team, month, kpi, value``)
        holding ``team``'s months up to ``month`` (12 more before it for NRR and GRR).
    team : str
        The team (``"all"`` for the company).
    month : str or Period
        The month asked for; each KPI is read from its last complete month
        (:func:`cskit.kpi.latest.last_complete_month`).
    kpi_ids : sequence of str
        Registry ids; :data:`TABLE_KPIS` by default.
    gross_margin : float
        Share of revenue kept (0-1), for the alternatives that apply it (CAC payback).
    data_end : str, Period or None
        The data's last month.

    Returns
    -------
    DataFrame
        Tidy ``kpi, convention, source, month, value``: per KPI first the row
        ``convention == "cskit"`` (the engine's value), then one row per alternative
        (its registry id; ``source`` the tool the registry names, or ``None``). Values in
        the KPI's unit (rates as fractions); NaN where a denominator is 0 or history is
        missing.

    Examples
    --------
    >>> from cskit.datasets import load_sample
    >>> from cskit.kpi.engine import compute_kpis
    >>> kpis = compute_kpis(load_sample(), teams=["all"])
    >>> values = convention_values(kpis, "all", kpis["month"].max())
    >>> values[["kpi", "convention", "source"]].head(2).values.tolist()
    [['logo_churn_rate', 'cskit', None], ['logo_churn_rate', 'logo_churn_with_new_customers', 'Stripe']]
    >>> churn = values[values["kpi"] == "logo_churn_rate"].set_index("convention")["value"]
    >>> bool(churn["logo_churn_with_new_customers"] <= churn["cskit"])
    True
    """
    frame = kpis[kpis["team"] == team]
    wide = frame.pivot_table(index="month", columns="kpi", values="value", aggfunc="first", dropna=False)
    rows = []
    for kpi_id in kpi_ids:
        kpi = get_kpi(kpi_id)
        read = last_complete_month(kpi_id, month, data_end)
        rows.append({"kpi": kpi_id, "convention": CSKIT, "source": None, "month": read,
                     "value": _at(wide, kpi_id, read)})
        for alternative in kpi.alternatives:
            value = (_at(wide, alternative.kpi, read) if alternative.kpi
                     else ALTERNATIVES[alternative.id](wide, read, gross_margin))
            rows.append({"kpi": kpi_id, "convention": alternative.id, "source": alternative.source,
                         "month": read, "value": value})
    return pd.DataFrame(rows, columns=["kpi", "convention", "source", "month", "value"])


def convention_table(kpis: pd.DataFrame, team: str, month, lang: str, currency: str = "JPY",
                     kpi_ids=TABLE_KPIS, gross_margin: float = 0.8, data_end=None):
    """The table "Why your numbers differ from your billing tool", formatted for people.

    One block per KPI: its value under cskit's convention (the registry's formula and
    ``convention``), then under each alternative the registry lists (name with the tool
    that publishes it, formula, value, difference from cskit's, and the registry's one
    sentence on why it differs).

    Parameters
    ----------
    kpis, team, month, kpi_ids, gross_margin, data_end
        As :func:`convention_values`.
    lang : {"ja", "en"}
    currency : str
        ISO code of money values.

    Returns
    -------
    pandas.io.formats.style.Styler
        Headers and text in ``lang``; rates as %, money with the currency, ratios with
        two decimals, a rate's difference in points, a missing value as an em dash.

    Examples
    --------
    >>> from cskit.datasets import load_sample
    >>> from cskit.kpi.engine import compute_kpis
    >>> kpis = compute_kpis(load_sample(), teams=["all"])
    >>> table = convention_table(kpis, "all", kpis["month"].max(), "en").data
    >>> list(table.columns)
    ['KPI', 'Definition', 'Formula', 'Why it differs', 'Value', 'Difference from cskit']
    >>> table["Definition"].tolist()[:2]
    ["cskit's definition", "Churn with the month's new customers in the denominator (Stripe)"]
    """
    values = convention_values(kpis, team, month, kpi_ids, gross_margin, data_end)
    headers = {key: t(key, lang) for key in (
        "conventions.header.kpi", "conventions.header.definition", "conventions.header.formula",
        "conventions.header.why", "conventions.header.value", "conventions.header.difference")}
    rows = []
    for kpi_id, block in values.groupby("kpi", sort=False):
        kpi = get_kpi(kpi_id)
        alternatives = {a.id: a for a in kpi.alternatives}
        ours = block["value"].iloc[0]
        for _, row in block.iterrows():
            alternative = alternatives.get(row["convention"])
            rows.append({
                headers["conventions.header.kpi"]: kpi.label(lang) if alternative is None else "",
                headers["conventions.header.definition"]: (t("conventions.cskit", lang) if alternative is None
                                                           else alternative_name(alternative, lang)),
                headers["conventions.header.formula"]: pick(kpi.formula if alternative is None else alternative.formula, lang),
                headers["conventions.header.why"]: pick(kpi.convention if alternative is None else alternative.note, lang),
                headers["conventions.header.value"]: format_value(kpi_id, row["value"], lang, currency),
                headers["conventions.header.difference"]: ("" if alternative is None
                                                           else format_change(kpi_id, row["value"] - ours, lang, currency)),
            })
    return people_table(pd.DataFrame(rows, columns=list(headers.values())), text_columns=4)  # text first, figures last

