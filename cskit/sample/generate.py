"""Run the generator's steps in their fixed order and return the tables.

The order matters: every step draws from the one random generator of the
:class:`~.world.World`, so it is the order of the draws that makes the same arguments
give the same tables.
"""
from __future__ import annotations

import pandas as pd
import pyarrow as pa

from .accounts import accounts_table, draw_accounts, teams_table
from .arrays import SAMPLE_COLUMNS
from .costs import costs_table
from .names import company_names
from .params import DEFAULT_HISTORY_MONTHS, DEFAULT_START
from .revenue import mrr_table, simulate_revenue
from .sales import funnel_tables, opportunities_table
from .service import onboarding_table, surveys_table, tickets_table, usage_table
from .window import cut_to_window
from .world import SampleSpec, new_world

__all__ = ["build", "generate_sample"]


def build(spec: SampleSpec) -> dict[str, pa.Table]:
    """Every table of the sample as Arrow tables, in :data:`SAMPLE_COLUMNS` order.

    The steps simulate the company's whole life; :func:`~.window.cut_to_window` then keeps
    what an export of the data window holds.

    Examples
    --------
    >>> list(build(SampleSpec(accounts=50, months=3)))[:3]
    ['teams', 'accounts', 'mrr']
    """
    w = new_world(spec)
    draw_accounts(w)
    simulate_revenue(w)
    names = company_names(w.rng, w.n)
    tables = w.tables
    tables["teams"] = teams_table()
    tables["accounts"] = accounts_table(w, names)
    tables["mrr"] = mrr_table(w)
    tables["usage"] = usage_table(w)
    tables["onboarding"] = onboarding_table(w)
    tables["opportunities"] = opportunities_table(w)
    tables["leads"], tables["activities"] = funnel_tables(w)
    tables["tickets"] = tickets_table(w)
    tables["surveys"] = surveys_table(w)
    tables["costs"] = costs_table(w)
    return cut_to_window({name: tables[name] for name in SAMPLE_COLUMNS}, spec)


def generate_sample(
    accounts: int = 2000,
    months: int = 36,
    seed: int = 42,
    start: str = DEFAULT_START,
    history_months: int = DEFAULT_HISTORY_MONTHS,
) -> dict[str, pd.DataFrame]:
    """Generate the synthetic CS and Sales sample as DataFrames.

    Parameters
    ----------
    accounts : int, default 2000
        Number of customer accounts that sign a contract in the company's whole
        simulated life (the history months and the data period). Those that
        churned for good before the period are not in the export, so the
        ``accounts`` table lists fewer (about 1,500 by default). Prospects that
        never sign appear only as lost or open opportunities and as leads.
    months : int, default 36
        Length of the data period (the export's window) in calendar months.
    seed : int, default 42
        Seed for ``numpy.random.default_rng``; the same arguments always give
        the same data.
    start : str, default "2023-11"
        First month of the data period, ``'YYYY-MM'``. The default 36 months run
        from 2023-11 to 2026-10.
    history_months : int, default 48
        Months the company has existed before ``start``: the service launches in
        month ``start - history_months`` and the generator simulates those months
        too, but writes only what an export of the period holds
        (:mod:`cskit.sample.window`). With the default, about four years of
        history, the period's first month already has several hundred paying
        accounts whose ``contract_start`` lies before the period. ``0`` launches
        the service in ``start``: no customers before it (the shape of cskit
        0.x samples; the same seed gives the same bytes as then).

    Returns
    -------
    dict of str to pandas.DataFrame
        One DataFrame per table, keys and columns in the order of
        :data:`~cskit.sample.SAMPLE_COLUMNS`:

        ``teams``
            :data:`~cskit.sample.SAMPLE_TEAMS`.
        ``accounts``
            One row per current customer: owning CS team, field-sales team,
            segment, touch model, ``contract_start`` (first day of the first
            paid month, before the period for the customers signed earlier),
            industry and region.
        ``mrr``
            Monthly recurring revenue in JPY (int, > 0), one row per account
            and paid month of the period; months without revenue have no row.
            About 0.5 % of accounts signed but were never billed and have no
            rows.
        ``opportunities``
            ``amount`` is the annual contract value in JPY (12 x MRR, or
            12 x the MRR added for upsell / cross-sell). New business is owned
            by field sales; upsell, cross-sell and renewal by the account's CS
            team. ``account_id`` is empty for prospects that have not become
            customers (lost or open new business); ``close_date`` is empty
            for open opportunities.
        ``leads``
            Leads handled by ``is_tokyo`` (or still with ``marketing``).
        ``activities``
            Inside-sales calls and e-mails on leads, field-sales meetings on
            new-business opportunities; ``lead_id`` / ``account_id`` may be
            empty.
        ``usage``
            Active users and licensed seats per paid account-month
            (``active_users <= licensed_seats``; ``mrr`` = seats x price).
        ``onboarding``
            One row per account; ``due_date`` is 90 / 60 / 30 days after
            ``start_date`` for enterprise / mid / smb and may fall after the
            period; ``completed_date`` is empty if not completed by the end.
        ``surveys``
            NPS (0-10, every June and December) and CSAT (1-5, after resolved
            tickets).
        ``tickets``
            Support tickets with ISO timestamps; ``first_response_at`` and
            ``resolved_at`` are empty if they had not happened by the end of
            the period.
        ``costs``
            Monthly sales and marketing cost in JPY per team (headcount x
            loaded cost, plus marketing spend per lead), for CAC.

    Notes
    -----
    Monthly churn hazard is about 1 % / 2 % / 4 % for enterprise / mid / smb,
    x1.8 in the first three months and x1.3 up to month six; enterprise and
    mid contracts are annual, so their churn concentrates at anniversaries.
    About 14 % of churns are set to come back 3-12 months later (reactivation).
    Accounts with low latent health churn more, use less, and give lower NPS
    and CSAT, most visibly in the three months before they churn.

    Examples
    --------
    >>> t = generate_sample(accounts=200, months=12, seed=7)
    >>> int(t["mrr"]["mrr"].min()) > 0
    True

    With history, the first month's paying accounts are mostly customers who signed
    before it (here 84 of 87; the other 3 sign in that month):

    >>> first = t["mrr"][t["mrr"]["month"] == "2023-11"]
    >>> starts = t["accounts"].set_index("account_id")["contract_start"].reindex(first["account_id"])
    >>> len(first), int((starts < "2023-11-01").sum())
    (87, 84)
    """
    tables = build(SampleSpec(accounts, months, seed, start, history_months))
    return {name: tbl.to_pandas() for name, tbl in tables.items()}
