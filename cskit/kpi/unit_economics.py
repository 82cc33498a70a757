"""Closed-form SaaS arithmetic for worked examples and what-if scenarios.

The monthly KPIs of a dataset come from :mod:`cskit.kpi.engine`; these functions are
the small formulas teachers use on the whiteboard (the sources' examples), so that a
notebook never writes one inline.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..i18n import t
from ..options import check_lang
from .registry import format_value


def churn_over_period(monthly_churn: float, months: int = 12) -> float:
    """Share of customers lost over ``months`` at a constant monthly churn rate.

    ``1 - (1 - monthly_churn) ** months``. Salesforce's 8 % a month (the sources'
    example) loses about 63 % of its customers in a year.

    Parameters
    ----------
    monthly_churn : float
        Fraction of customers lost each month (0-1).
    months : int
        Length of the period in months.

    Returns
    -------
    float
        Fraction of customers lost (0-1).

    Examples
    --------
    >>> round(churn_over_period(0.08), 2)
    0.63
    """
    return 1.0 - (1.0 - monthly_churn) ** months


def net_revenue_retention(revenue_before: float, revenue_after: float) -> float:
    """NRR from last year's customers' revenue then and now (fraction; 0.7 = 70 %).

    Parameters
    ----------
    revenue_before, revenue_after : float
        Money, same currency; ``revenue_after`` counts only last year's customers.

    Examples
    --------
    >>> net_revenue_retention(1_000_000, 1_200_000)
    1.2
    """
    return revenue_after / revenue_before


def growth_from_nrr(nrr: float) -> float:
    """Yearly revenue growth from existing customers alone (fraction; NRR 1.2 -> 0.2 = +20 %).

    Examples
    --------
    >>> round(growth_from_nrr(1.2), 2)
    0.2
    """
    return nrr - 1.0


def ltv_simple(average_purchase: float, purchases_per_year: float, years: float) -> float:
    """LTV the simple way: average purchase x purchases per year x years as a customer (money).

    Examples
    --------
    >>> ltv_simple(5_000, 4, 3)
    60000
    """
    return average_purchase * purchases_per_year * years


def ltv_saas(arpa: float, gross_margin: float, monthly_churn: float) -> float:
    """LTV the SaaS way: ARPA x gross margin / monthly churn (money; infinite when churn is 0).

    With no churn a customer never leaves, so the lifetime ``1 / churn`` and the LTV
    have no bound: the result is ``math.inf``, which :func:`format_ltv` shows as "—"
    with :func:`ltv_note` saying why.

    Parameters
    ----------
    arpa : float
        Monthly revenue per account (money).
    gross_margin : float
        Share of revenue kept (0-1).
    monthly_churn : float
        Monthly logo churn rate (0-1); ``1 / churn`` is the expected lifetime in months.

    Returns
    -------
    float
        Money per account over its lifetime; ``inf`` when ``monthly_churn`` is 0 (and
        ``arpa`` and ``gross_margin`` are positive), NaN when ``arpa`` is NaN.

    Examples
    --------
    >>> ltv_saas(10_000, 0.8, 0.02)
    400000.0
    >>> ltv_saas(10_000, 0.8, 0.0)
    inf
    """
    if monthly_churn == 0:
        value = arpa * gross_margin
        return value if math.isnan(value) or value == 0 else math.copysign(math.inf, value)
    return arpa * gross_margin / monthly_churn


def format_ltv(value: float, lang: str | None = None, currency: str = "JPY") -> str:
    """An LTV for people: money as the KPI registry formats it, "—" when it has no bound or is missing.

    Never ``"¥nan"`` or ``"¥inf"``: an unbounded LTV (no churn, see :func:`ltv_saas`) and a
    missing one both show as an em dash; :func:`ltv_note` gives the reason to show beside it.

    Parameters
    ----------
    value : float
        Money, as :func:`ltv_saas` returns it.
    lang : {"ja", "en"} or None
    currency : str
        ISO code (``JPY``, ``USD``, ``EUR``).

    Examples
    --------
    >>> format_ltv(400_000.0), format_ltv(ltv_saas(10_000, 0.8, 0.0)), format_ltv(float("nan"))
    ('¥400,000', '—', '—')
    """
    return "—" if not math.isfinite(value) else format_value("ltv", value, lang, currency)


def ltv_note(monthly_churn: float, lang: str | None = None) -> str | None:
    """The note to show beside an LTV of "—" at 0 % churn (``None`` for any other churn).

    Examples
    --------
    >>> ltv_note(0.02, "en") is None, ltv_note(0.0, "en") == t("whatif.ltv_unbounded", "en")
    (True, True)
    """
    return t("whatif.ltv_unbounded", check_lang(lang)) if monthly_churn == 0 else None


def acquisition_cost_comparison(cost_to_keep: float, ratio: float = 5.0) -> dict[str, float]:
    """The 1:5 rule: winning a new customer costs ``ratio`` times keeping (or selling to) one.

    Returns
    -------
    dict
        ``keep`` and ``acquire`` costs (money) and ``saving_per_customer_kept``.

    Examples
    --------
    >>> acquisition_cost_comparison(10_000)
    {'keep': 10000, 'acquire': 50000.0, 'saving_per_customer_kept': 40000.0}
    """
    acquire = cost_to_keep * ratio
    return {"keep": cost_to_keep, "acquire": acquire, "saving_per_customer_kept": acquire - cost_to_keep}


def project_mrr(
    customers: float,
    arpa: float,
    monthly_churn: float,
    monthly_expansion: float,
    new_customers_per_month: float = 0.0,
    months: int = 24,
    gross_margin: float = 0.8,
) -> pd.DataFrame:
    """Project customers, ARPA, MRR and LTV month by month under constant rates.

    Each month a ``monthly_churn`` share of customers (and of their MRR) leaves, the
    MRR of those who stay grows by ``monthly_expansion``, and ``new_customers_per_month``
    join paying today's ARPA.

    Parameters
    ----------
    customers : float
        Paying accounts today.
    arpa : float
        Monthly revenue per account today (money).
    monthly_churn, monthly_expansion : float
        Fractions per month (0-1).
    new_customers_per_month : float
        Accounts joining each month.
    months : int
        Months projected.
    gross_margin : float
        Share of revenue kept (0-1), for ``ltv``.

    Returns
    -------
    DataFrame
        ``month`` (1..months), ``customers``, ``arpa``, ``mrr`` (money), ``ltv`` (money).

    Examples
    --------
    >>> project_mrr(100, 10_000, 0.02, 0.01, months=2)[["month", "customers", "mrr"]].round(1).values.tolist()
    [[1.0, 98.0, 989800.0], [2.0, 96.0, 979704.0]]
    """
    rows = []
    total_customers, mrr = float(customers), float(customers) * float(arpa)
    for month in range(1, months + 1):
        # those who stay keep paying and expand; newcomers start at today's ARPA
        total_customers = total_customers * (1.0 - monthly_churn) + new_customers_per_month
        mrr = mrr * (1.0 - monthly_churn) * (1.0 + monthly_expansion) + new_customers_per_month * arpa
        blended_arpa = mrr / total_customers if total_customers else np.nan
        rows.append({
            "month": month,
            "customers": total_customers,
            "arpa": blended_arpa,
            "mrr": mrr,
            "ltv": ltv_saas(blended_arpa, gross_margin, monthly_churn),
        })
    return pd.DataFrame(rows)
