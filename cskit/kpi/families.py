"""KPI formulas, one function per family; each returns ``{kpi_id: values per month}``.

Every formula here implements the definition written in ``registry.yml``; the
registry's ``formula`` and ``latex`` fields are the documentation of these lines.
Inputs are the dense matrices of :mod:`cskit.kpi.matrix` restricted to one team's
accounts, or the rows of an event table attributed to one team.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .matrix import MonthAxis, dense, previous, safe_divide
from .movements import MOVEMENTS, movement_arrays

#: Months of history the LTV churn average needs at the least.
LTV_MIN_MONTHS = 3
#: Months the LTV churn average looks back over.
LTV_WINDOW = 12

Series = dict[str, np.ndarray]


@dataclass(frozen=True)
class Movements:
    """MRR movements per account and month (money), as :func:`mrr_movements` returns them.

    Month 0 of the axis has no known previous month, so its movements are NaN.
    """

    mrr: np.ndarray
    prev: np.ndarray
    new: np.ndarray
    reactivation: np.ndarray
    expansion: np.ndarray
    contraction: np.ndarray
    churned: np.ndarray


def mrr_movements(mrr: np.ndarray) -> Movements:
    """Split each account's month-over-month MRR change into the five movements.

    Parameters
    ----------
    mrr : ndarray, shape (accounts, months)
        MRR with missing months as 0.

    Returns
    -------
    Movements
        The amounts of :data:`cskit.kpi.movements.MOVEMENTS` per account and month
        (money; NaN in month 0, whose previous month is unknown).
        Identity: ``mrr - prev = new + reactivation + expansion - contraction - churned``.

    Examples
    --------
    >>> moves = mrr_movements(np.array([[100.0, 120.0, 0.0, 90.0]]))
    >>> moves.expansion.tolist(), moves.churned.tolist()
    ([[nan, 20.0, 0.0, 0.0]], [[nan, 0.0, 120.0, 0.0]])
    """
    prev = previous(mrr)
    unknown = np.isnan(prev)  # month 0
    amounts = {name: np.where(unknown, np.nan, amount) for name, (_, amount) in movement_arrays(mrr).items()}
    return Movements(mrr=mrr, prev=prev, **amounts)


#: Monthly sums per group of accounts that the revenue family is computed from
#: (see :func:`revenue_inputs`).
REVENUE_INPUTS = (
    "mrr", "customers", *(m.name for m in MOVEMENTS), *(m.count for m in MOVEMENTS if m.count),
    "kept_12m", "capped_12m", "base_12m",
)


def lifetime_value(arpa: np.ndarray, logo_churn: np.ndarray, gross_margin: float) -> np.ndarray:
    """LTV per month: ARPA times the margin over the mean logo churn rate of the last 12 months.

    The one place the registry's ``ltv`` formula is computed; with ``gross_margin=1`` it
    gives the revenue LTV without margin that some billing tools show
    (:mod:`cskit.kpi.conventions`).

    Parameters
    ----------
    arpa : ndarray, shape (months,)
        ARPA per month (money).
    logo_churn : ndarray, shape (months,)
        Logo churn rate per month (fractions; NaN where unknown).
    gross_margin : float
        Share of revenue kept (0-1).

    Returns
    -------
    ndarray, shape (months,)
        Money per customer; NaN until :data:`LTV_MIN_MONTHS` churn rates of the last
        :data:`LTV_WINDOW` months are known, or when their mean is 0.

    Examples
    --------
    >>> lifetime_value(np.array([100.0, 100.0, 100.0]), np.array([np.nan, 0.02, 0.04]), 1.0).tolist()
    [nan, nan, nan]
    >>> lifetime_value(np.full(4, 100.0), np.array([np.nan, 0.02, 0.04, 0.06]), 0.8).tolist()
    [nan, nan, nan, 2000.0]
    """
    ltv = np.full(len(arpa), np.nan)
    for m in range(len(arpa)):
        window = logo_churn[max(0, m - LTV_WINDOW + 1): m + 1]
        window = window[~np.isnan(window)]
        if len(window) >= LTV_MIN_MONTHS:
            ltv[m] = safe_divide(arpa[m] * gross_margin, window.mean())
    return ltv


def revenue_inputs(mrr: np.ndarray, members: np.ndarray) -> dict[str, np.ndarray]:
    """Monthly sums of each group of accounts that the revenue family needs.

    Every movement is a property of one account and one month, so it is computed once
    for all accounts (:func:`cskit.kpi.movements.movement_arrays`) and then summed per
    group (a matrix product with the 0/1 membership matrix), instead of being
    recomputed for each team.

    Parameters
    ----------
    mrr : ndarray, shape (accounts, months)
        MRR with missing months as 0 (money).
    members : ndarray of bool, shape (groups, accounts)
        ``members[g, a]`` is true when account ``a`` belongs to group ``g``.

    Returns
    -------
    dict of str to ndarray, shape (groups, months)
        Keys of :data:`REVENUE_INPUTS`: ``mrr`` (money), ``customers`` (accounts with
        MRR > 0), the five movements (money; NaN in month 0, whose previous month is
        unknown), ``new_customers``, ``expanded_customers``, ``churned_customers``
        (accounts; NaN in month 0), and for 12-month retention ``kept_12m`` (this
        month's MRR of the accounts paying 12 months before), ``capped_12m`` (the same,
        each capped at its MRR 12 months before) and ``base_12m`` (their MRR 12 months
        before); the 12-month sums are NaN in the first 12 months.

    Examples
    --------
    >>> sums = revenue_inputs(np.array([[100.0, 120.0], [0.0, 50.0]]), np.array([[True, True]]))
    >>> sums["mrr"].tolist(), sums["expansion"].tolist(), sums["new_customers"].tolist()
    ([[100.0, 170.0]], [[nan, 20.0]], [[nan, 1.0]])
    """
    weights = np.asarray(members, dtype=np.float64)
    accounts, months = mrr.shape

    def group_sum(values: np.ndarray) -> np.ndarray:
        return weights @ values if accounts else np.zeros((len(weights), values.shape[1]))

    out = {"mrr": group_sum(mrr), "customers": group_sum(mrr > 0)}
    moves = movement_arrays(mrr)
    for movement in MOVEMENTS:
        mask, amount = moves[movement.name]
        out[movement.name] = group_sum(amount)
        if movement.count:
            out[movement.count] = group_sum(mask)
    for movement in MOVEMENTS:  # month 0 has no known previous month
        for key in (movement.name, movement.count):
            if key:
                out[key][:, :1] = np.nan
    for key in ("kept_12m", "capped_12m", "base_12m"):
        out[key] = np.full((len(weights), months), np.nan)
    if months > 12:
        now, year_ago = mrr[:, 12:], mrr[:, :-12]
        out["kept_12m"][:, 12:] = group_sum(np.where(year_ago > 0, now, 0.0))
        out["capped_12m"][:, 12:] = group_sum(np.minimum(now, year_ago))  # 0 when not paying a year ago
        out["base_12m"][:, 12:] = group_sum(year_ago)
    return out


def revenue_from_inputs(inputs: dict[str, np.ndarray], gross_margin: float) -> Series:
    """The revenue family's KPIs from one group's monthly sums (:func:`revenue_inputs`).

    Parameters
    ----------
    inputs : dict of str to ndarray, shape (months,)
        One group's row of each :func:`revenue_inputs` result.
    gross_margin : float
        Share of revenue kept after cost of service (0-1), for ``ltv``.

    Returns
    -------
    dict of str to ndarray, shape (months,)
        The revenue family's registry KPIs: money in the data's currency, rates as
        fractions, counts of accounts; NaN where a denominator is 0 or unknown.

    Examples
    --------
    One account grows from 100 to 120 while another (50) leaves:

    >>> sums = revenue_inputs(np.array([[100.0, 120.0], [50.0, 0.0]]), np.ones((1, 2), dtype=bool))
    >>> kpis = revenue_from_inputs({key: values[0] for key, values in sums.items()}, gross_margin=0.8)
    >>> {key: kpis[key].tolist() for key in ("mrr", "churned_mrr", "nrr_1m", "quick_ratio")}
    {'mrr': [150.0, 120.0], 'churned_mrr': [nan, 50.0], 'nrr_1m': [nan, 0.8], 'quick_ratio': [nan, 0.4]}
    """
    total = inputs["mrr"].astype(float)
    customers = inputs["customers"].astype(float)
    prev_total = previous(total)
    prev_customers = previous(customers)
    new_mrr, react_mrr = inputs["new"], inputs["reactivation"]
    exp_mrr, contr_mrr, churn_mrr = inputs["expansion"], inputs["contraction"], inputs["churned"]
    churned_customers = inputs["churned_customers"]
    logo_churn = safe_divide(churned_customers, prev_customers)

    # 12-month retention of last year's customers (the sources' NRR), and its gross twin
    base = inputs["base_12m"]
    nrr_12m = np.where(base > 0, safe_divide(inputs["kept_12m"], base), np.nan)
    grr_12m = np.where(base > 0, safe_divide(inputs["capped_12m"], base), np.nan)

    arpa = safe_divide(total, customers)
    ltv = lifetime_value(arpa, logo_churn, gross_margin)

    return {
        "mrr": total,
        "customers": customers,
        "new_mrr": new_mrr,
        "reactivation_mrr": react_mrr,
        "expansion_mrr": exp_mrr,
        "contraction_mrr": contr_mrr,
        "churned_mrr": churn_mrr,
        "new_customers": inputs["new_customers"],
        "churned_customers": churned_customers,
        "arpa": arpa,
        "logo_churn_rate": logo_churn,
        "logo_retention_rate": 1.0 - logo_churn,
        "gross_mrr_churn_rate": safe_divide(churn_mrr + contr_mrr, prev_total),
        "nrr_1m": safe_divide(prev_total + exp_mrr - contr_mrr - churn_mrr, prev_total),
        "nrr_12m": nrr_12m,
        "grr_12m": grr_12m,
        "net_mrr_churn_rate": safe_divide(churn_mrr + contr_mrr - exp_mrr - react_mrr, prev_total),
        "quick_ratio": safe_divide(new_mrr + exp_mrr, contr_mrr + churn_mrr),
        "quick_ratio_with_reactivation": safe_divide(new_mrr + react_mrr + exp_mrr, contr_mrr + churn_mrr),
        "ltv": ltv,
        "expansion_rate": safe_divide(inputs["expanded_customers"], prev_customers),
    }


def cac_family(costs: pd.DataFrame | None, axis: MonthAxis, revenue: Series, gross_margin: float) -> Series:
    """Customer acquisition cost and its payback time.

    Parameters
    ----------
    costs : DataFrame or None
        The team's rows of ``costs`` (sales and marketing, money per month); ``None`` when
        the team has no cost rows at all, which makes both KPIs missing rather than 0.
    axis : MonthAxis
        The months computed.
    revenue : dict
        Output of :func:`revenue_from_inputs` for the same team (needs ``new_customers``, ``arpa``).
    gross_margin : float
        Share of revenue kept (0-1), for the payback time.

    Returns
    -------
    dict of str to ndarray, shape (months,)
        ``cac`` (money per new customer) and ``cac_payback_months`` (months).

    Examples
    --------
    >>> axis = MonthAxis(pd.period_range("2024-01", "2024-02", freq="M"))
    >>> costs = pd.DataFrame({"month": pd.PeriodIndex(["2024-02"], freq="M"), "amount": [30000.0]})
    >>> revenue = {"new_customers": np.array([np.nan, 2.0]), "arpa": np.array([100.0, 1000.0])}
    >>> {key: values.tolist() for key, values in cac_family(costs, axis, revenue, 0.75).items()}
    {'cac': [nan, 15000.0], 'cac_payback_months': [nan, 20.0]}
    """
    if costs is None:
        return {}
    spend = dense(np.zeros(len(costs), dtype=np.int64), axis.positions(costs["month"]), costs["amount"].to_numpy(), (1, len(axis)))[0]
    cac = safe_divide(spend, revenue["new_customers"])
    return {"cac": cac, "cac_payback_months": safe_divide(cac, revenue["arpa"] * gross_margin)}


def _month_pos(axis: MonthAxis, dates: pd.Series) -> np.ndarray:
    return axis.positions_of_dates(dates)


def _per_month(axis: MonthAxis, positions: np.ndarray, values: np.ndarray | None = None) -> np.ndarray:
    """Sum (or count, without values) per month position."""
    return dense(np.zeros(len(positions), dtype=np.int64), positions, values, (1, len(axis)))[0]


def _median_per_month(axis: MonthAxis, positions: np.ndarray, values: np.ndarray) -> np.ndarray:
    out = np.full(len(axis), np.nan)
    keep = (positions >= 0) & ~np.isnan(values)
    if keep.any():
        medians = pd.Series(values[keep]).groupby(positions[keep]).median()
        out[medians.index.to_numpy()] = medians.to_numpy()
    return out


def _distinct_per_month(axis: MonthAxis, positions: np.ndarray, keys: pd.Series | np.ndarray) -> np.ndarray:
    """Number of distinct keys per month position.

    ``keys`` are values (a Series; missing values are not counted) or integer codes
    from :func:`pandas.factorize` (-1 = missing), which spares hashing strings again.
    """
    out = np.zeros(len(axis))
    codes = keys if isinstance(keys, np.ndarray) else pd.factorize(keys, use_na_sentinel=True)[0]
    keep = (positions >= 0) & (codes >= 0)
    if keep.any():
        width = np.int64(codes[keep].max()) + 1
        pairs = np.unique(positions[keep].astype(np.int64) * width + codes[keep])
        out += np.bincount(pairs // width, minlength=len(axis))[: len(axis)]
    return out


def cs_outcomes_family(tables: dict[str, pd.DataFrame], axis: MonthAxis, revenue: Series) -> Series:
    """Upsell, cross-sell, usage, onboarding, NPS and CSAT of one team's accounts.

    Parameters
    ----------
    tables : dict
        The team's rows of ``opportunities``, ``usage``, ``onboarding``, ``surveys``
        (only those the dataset has).
    axis : MonthAxis
        The months computed.
    revenue : dict
        :func:`revenue_from_inputs` output of the same accounts (``customers(m-1)`` is the base).

    Returns
    -------
    dict of str to ndarray, shape (months,)
        Rates as fractions (0-1), ``nps`` from -100 to 100, for the tables present.

    Examples
    --------
    >>> axis = MonthAxis(pd.period_range("2024-01", "2024-01", freq="M"))
    >>> surveys = pd.DataFrame({"date": pd.to_datetime(["2024-01-05", "2024-01-09"]), "survey": ["nps", "nps"],
    ...                         "score": [10.0, 5.0]})
    >>> cs_outcomes_family({"surveys": surveys}, axis, {"customers": np.array([2.0])})["nps"].tolist()
    [0.0]
    """
    out: Series = {}
    prev_customers = previous(revenue["customers"])
    if "opportunities" in tables:
        opp = tables["opportunities"]
        won = opp[opp["stage"] == "won"]
        for kind, kpi in (("upsell", "upsell_rate"), ("cross_sell", "cross_sell_rate")):
            rows = won[won["type"] == kind]
            accounts = _distinct_per_month(axis, _month_pos(axis, rows["close_date"]), rows["account_id"])
            out[kpi] = safe_divide(accounts, prev_customers)
    if "usage" in tables:
        usage = tables["usage"]
        pos = axis.positions(usage["month"])
        out["active_user_rate"] = safe_divide(
            _per_month(axis, pos, usage["active_users"].to_numpy()), _per_month(axis, pos, usage["licensed_seats"].to_numpy())
        )
    if "onboarding" in tables:
        onb = tables["onboarding"]
        pos = _month_pos(axis, onb["due_date"])
        on_time = (onb["completed_date"].notna() & (onb["completed_date"] <= onb["due_date"])).to_numpy(dtype=float)
        out["onboarding_completion_rate"] = safe_divide(_per_month(axis, pos, on_time), _per_month(axis, pos))
    if "surveys" in tables:
        surveys = tables["surveys"]
        for survey, kpi in (("nps", "nps"), ("csat", "csat")):
            rows = surveys[surveys["survey"] == survey]
            pos = _month_pos(axis, rows["date"])
            responses = _per_month(axis, pos)
            score = rows["score"].to_numpy()
            if survey == "nps":
                promoters = _per_month(axis, pos, (score >= 9).astype(float))
                detractors = _per_month(axis, pos, (score <= 6).astype(float))
                out[kpi] = 100.0 * safe_divide(promoters - detractors, responses)
            else:
                out[kpi] = safe_divide(_per_month(axis, pos, (score >= 4).astype(float)), responses)
    return out


def sales_family(opportunities: pd.DataFrame, axis: MonthAxis) -> Series:
    """Opportunities created, win rate, average deal size and sales cycle of one sales team.

    Parameters
    ----------
    opportunities : DataFrame
        Rows of ``opportunities`` whose ``team`` is the team (money in ``amount``).
    axis : MonthAxis
        The months computed.

    Returns
    -------
    dict of str to ndarray, shape (months,)
        ``opportunities_created`` (count, by creation month), ``win_rate`` (fraction of
        the deals closed that month), ``avg_deal_size`` (money), ``sales_cycle_days``
        (median days from creation to a win).

    Examples
    --------
    >>> axis = MonthAxis(pd.period_range("2024-01", "2024-02", freq="M"))
    >>> opportunities = pd.DataFrame({
    ...     "stage": ["won", "lost", "won"], "amount": [1000.0, 500.0, 3000.0],
    ...     "created_date": pd.to_datetime(["2024-01-02", "2024-01-05", "2024-01-10"]),
    ...     "close_date": pd.to_datetime(["2024-01-20", "2024-02-01", "2024-02-10"])})
    >>> {key: values.tolist() for key, values in sales_family(opportunities, axis).items()}
    {'opportunities_created': [3.0, 0.0], 'win_rate': [1.0, 0.5], 'avg_deal_size': [1000.0, 3000.0], 'sales_cycle_days': [18.0, 31.0]}
    """
    opp = opportunities
    closed = opp[opp["stage"].isin(["won", "lost"])]
    close_pos = _month_pos(axis, closed["close_date"])
    won_flag = (closed["stage"] == "won").to_numpy()
    won = closed[won_flag]
    won_pos = close_pos[won_flag]
    cycle_days = (won["close_date"] - won["created_date"]).dt.days.to_numpy(dtype=float)
    won_count = _per_month(axis, won_pos)
    return {
        "opportunities_created": _per_month(axis, _month_pos(axis, opp["created_date"])),
        "win_rate": safe_divide(won_count, _per_month(axis, close_pos)),
        "avg_deal_size": safe_divide(_per_month(axis, won_pos, np.nan_to_num(won["amount"].to_numpy(dtype=float))), won_count),
        "sales_cycle_days": _median_per_month(axis, won_pos, cycle_days),
    }


def inside_sales_family(activities: pd.DataFrame, axis: MonthAxis, lead_codes: np.ndarray | None = None) -> Series:
    """Contacts, contact rate, email open rate, meetings set and their conversion, meetings held.

    Meetings set (outcome ``meeting_set`` on a call or e-mail) are inside sales' output;
    meetings held (``meeting`` activities with outcome ``held``) are logged by the team
    that runs them, usually field sales.

    Parameters
    ----------
    activities : DataFrame
        Rows of ``activities`` whose ``team`` is the team.
    axis : MonthAxis
        The months computed.
    lead_codes : ndarray of int, optional
        ``lead_id`` of each row as integer codes (-1 = none), if the caller has them.

    Returns
    -------
    dict of str to ndarray, shape (months,)
        Counts (``contacts``, ``meetings_set``, ``meetings_held``) and rates as fractions.

    Examples
    --------
    >>> axis = MonthAxis(pd.period_range("2024-01", "2024-01", freq="M"))
    >>> activities = pd.DataFrame({"date": pd.to_datetime(["2024-01-02", "2024-01-03", "2024-01-04"]),
    ...                            "channel": ["call", "call", "email"], "lead_id": ["L1", "L2", "L1"],
    ...                            "outcome": ["connected", "no_answer", "meeting_set"]})
    >>> kpis = inside_sales_family(activities, axis)
    >>> kpis["contacts"].tolist(), kpis["contact_rate"].tolist(), kpis["meeting_conversion_rate"].tolist()
    ([3.0], [0.5], [0.5])
    """
    act = activities
    pos = _month_pos(axis, act["date"])
    channel, outcome = act["channel"].to_numpy(), act["outcome"].to_numpy()
    calls, emails, meetings = channel == "call", channel == "email", channel == "meeting"
    connected = np.isin(outcome, ["connected", "meeting_set"])
    opened = np.isin(outcome, ["opened", "replied", "meeting_set"])
    leads = lead_codes if lead_codes is not None else pd.factorize(act["lead_id"], use_na_sentinel=True)[0]
    set_rows = outcome == "meeting_set"
    return {
        "contacts": _per_month(axis, pos[calls | emails]),
        "contact_rate": safe_divide(_per_month(axis, pos[calls & connected]), _per_month(axis, pos[calls])),
        "email_open_rate": safe_divide(_per_month(axis, pos[emails & opened]), _per_month(axis, pos[emails])),
        "meeting_conversion_rate": safe_divide(
            _distinct_per_month(axis, pos[set_rows], leads[set_rows]), _distinct_per_month(axis, pos, leads)
        ),
        "meetings_set": _per_month(axis, pos[set_rows]),
        "meetings_held": _per_month(axis, pos[meetings & (outcome == "held")]),
    }


def marketing_family(leads: pd.DataFrame, axis: MonthAxis) -> Series:
    """Leads created per month (count, by ``created_date``).

    Examples
    --------
    >>> axis = MonthAxis(pd.period_range("2024-01", "2024-02", freq="M"))
    >>> leads = pd.DataFrame({"created_date": pd.to_datetime(["2024-01-02", "2024-02-05", "2024-02-06"])})
    >>> marketing_family(leads, axis)["leads_created"].tolist()
    [1.0, 2.0]
    """
    return {"leads_created": _per_month(axis, _month_pos(axis, leads["created_date"]))}


def support_family(tickets: pd.DataFrame, axis: MonthAxis) -> Series:
    """Tickets opened, resolution rate and median response and resolution times (hours).

    Examples
    --------
    >>> axis = MonthAxis(pd.period_range("2024-01", "2024-01", freq="M"))
    >>> tickets = pd.DataFrame({"opened_at": pd.to_datetime(["2024-01-02 09:00", "2024-01-03 09:00"]),
    ...                         "first_response_at": pd.to_datetime(["2024-01-02 10:00", None]),
    ...                         "resolved_at": pd.to_datetime(["2024-01-02 15:00", None])})
    >>> {key: values.tolist() for key, values in support_family(tickets, axis).items()}
    {'tickets_opened': [2.0], 'resolution_rate': [0.5], 'median_first_response_hours': [1.0], 'median_resolution_hours': [6.0]}
    """
    pos = _month_pos(axis, tickets["opened_at"])
    hour = pd.Timedelta(hours=1)
    first_response = ((tickets["first_response_at"] - tickets["opened_at"]) / hour).to_numpy(dtype=float)
    resolution = ((tickets["resolved_at"] - tickets["opened_at"]) / hour).to_numpy(dtype=float)
    opened = _per_month(axis, pos)
    return {
        "tickets_opened": opened,
        "resolution_rate": safe_divide(_per_month(axis, pos, (~np.isnan(resolution)).astype(float)), opened),
        "median_first_response_hours": _median_per_month(axis, pos, first_response),
        "median_resolution_hours": _median_per_month(axis, pos, resolution),
    }
