"""Cohort retention, survival and cohort LTV: how long customers keep paying.

Every function here is pure: it takes a loaded :class:`~cskit.io.Dataset` (or the tidy
result of another function) and returns a tidy DataFrame or a text. The work is done
on the dense account x month MRR matrix of :mod:`cskit.kpi.matrix`, shifted so that
each account's row starts at its own first paid month ("aged" matrix); cohorts are
then sums over rows, so 100,000 accounts x 36 months take well under a second.

Definitions
-----------
cohort
    The month (or calendar quarter, with ``period="quarter"``) of an account's age 0:
    its first MRR > 0, or, for an account already paying in the data's first month,
    the month of its ``accounts.contract_start`` (which may lie years before the
    data). Accounts without any paid month belong to no cohort. An account paying in
    the first month without a ``contract_start`` (or with one after that month)
    cannot be aged: it is in no cohort, no retention or LTV cell, no pooled curve and
    no survival curve, never silently put at age 0; each result counts it in
    ``attrs["already_paying"]`` and the readings say so. An account whose
    ``contract_start`` lies before the data but that first pays later (it came back)
    is counted from that month.
late entry
    An account that started before the data (its ``contract_start`` is k months
    before the first month) enters the data at age k: it is observed, and at risk,
    only from that age (delayed entry, left truncation). Its cohort's cells at the
    ages before the data are unobserved and NaN (shown blank), never 0. Results count
    such accounts in ``attrs["late_entry"]``. Accounts that left before the data are
    not in it at all, so a late cohort holds only its survivors to the data's start.
age
    Whole periods since the account's age 0: age k is k months (``period="month"``)
    or 3k months (``period="quarter"``) later.
logo retention (cohort c, age k)
    Share of c's accounts observed at age k that pay (MRR > 0) at age k. For a cohort
    born in the data these are all its accounts; for a late cohort, the accounts that
    entered the data (so it is 1 at the entry age and reads as retention *given*
    survival to the data's start). An account that stopped and came back
    (reactivation) counts as retained at every age it pays again.
revenue retention (c, k)
    Sum of the MRR of c's accounts at age k divided by their sum at age 0. Net of
    churn, contraction and expansion, so it can exceed 1. A cohort that started
    before the data has no observed age-0 MRR, so its revenue cells (and ``base``)
    are NaN: rebasing on the first observed age would mix survivors with a base that
    lost its churned accounts and overstate net retention.
censoring
    A cell that lies after the data's last month (or after ``as_of``) is unknown and
    is NaN, never 0. With quarters a cell is known only when the quarter c + k is
    complete in the data, so that every account of the cohort has reached age k (and,
    for a quarter that started before the data, when every account of it has entered).
survival
    Time to first churn: the age of the first month with MRR 0 after age 0. Accounts
    still paying in the last month are censored at their last observed age; a late
    entrant enters the risk set at its entry age. Estimated with Kaplan-Meier with
    delayed entry (risk set at age t: accounts with entry <= t <= duration, as
    lifelines' ``entry=``); the band is the exponential Greenwood ("log-log")
    interval, the default of lifelines.
survival comparison
    Log-rank test across the groups of a split and pairwise with Holm-adjusted
    p-values, and the restricted mean survival time (RMST, the area under the curve
    up to tau months) with its Greenwood-type confidence interval; all on the same
    risk sets with delayed entry (:mod:`.compare`).
cohort LTV (c, k)
    Revenue of c's accounts from their first paid month through the end of age k,
    divided by the cohort size (money per account, in the dataset's currency).

Modules
-------
:mod:`.retention`
    The retention grid (:func:`cohort_retention`, :func:`retention_matrix`,
    :func:`pooled_curve`, :func:`combine_splits`) and :func:`cohort_ltv`.
:mod:`.survival`
    :class:`KaplanMeier`, :func:`lifetimes`, :func:`survival_curve`, :func:`median_lifetime`.
:mod:`.reading`
    :func:`retention_reading` and :func:`survival_reading`, the written readings, and
    :func:`already_paying_text`, the sentence on the accounts started before the data.
:mod:`.tables`
    The results as tables for people (:func:`retention_table`, :func:`lifetimes_table`,
    :func:`survival_table`, :func:`mrr_table`), display names of split groups
    (:func:`split_label`) and :func:`data_view`, the raw frame folded away for analysts.
:mod:`.compare`
    :func:`logrank_test`, :func:`pairwise_logrank`, :func:`restricted_mean`, :func:`survival_comparison`,
    comparing the survival of a split's groups, and :func:`comparison_reading`.
:mod:`.records`
    :func:`cohort_records` and :func:`format_records`, what ``cskit cohort`` writes.
:mod:`.aged`
    The aged account x month matrix they are all computed from (internal).
"""
from __future__ import annotations

from .compare import (PAIRWISE_COLUMNS, RMST_COLUMNS, RMST_MONTHS, Comparison, check_rmst_months, comparison_reading,
                      holm, logrank_test, pairwise_logrank, restricted_mean, survival_comparison)
from .aged import NO_VALUE, PERIODS, SPLITS, TIDY_COLUMNS, available_splits, split_columns
from .reading import (FLAT_LOSS_PER_MONTH, METRIC_KEYS, MIN_COHORT_FOR_RANKING, PERIOD_KEYS, READING_HORIZON_MONTHS,
                      already_paying_text, late_entry_text, retention_reading, survival_reading)
from .records import FORMATS, RECORD_COLUMNS, SURVIVAL_COLUMNS, cohort_records, format_records, format_survival
from .retention import METRICS, POOLING, cohort_ltv, cohort_retention, combine_splits, period_of, pooled_curve, retention_matrix
from .survival import CURVE_COLUMNS, LIFETIME_COLUMNS, KaplanMeier, lifetimes, median_lifetime, survival_curve
from .tables import (SPLIT_KEYS, data_view, lifetimes_table, mrr_table, percent, retention_table, rmst_table, split_label,
                     survival_table)

__all__ = [
    "CURVE_COLUMNS", "FLAT_LOSS_PER_MONTH", "FORMATS", "LIFETIME_COLUMNS", "METRICS", "MIN_COHORT_FOR_RANKING",
    "NO_VALUE", "PERIODS", "POOLING", "READING_HORIZON_MONTHS", "RECORD_COLUMNS", "SPLITS", "TIDY_COLUMNS",
    "KaplanMeier", "already_paying_text", "late_entry_text", "available_splits", "cohort_ltv", "cohort_records", "cohort_retention", "combine_splits",
    "format_records", "format_survival", "SURVIVAL_COLUMNS", "lifetimes", "median_lifetime", "period_of", "pooled_curve", "retention_matrix",
    "retention_reading", "survival_curve", "survival_reading", "PERIOD_KEYS", "METRIC_KEYS", "SPLIT_KEYS",
    "PAIRWISE_COLUMNS", "RMST_COLUMNS", "RMST_MONTHS", "Comparison", "check_rmst_months", "comparison_reading",
    "holm", "logrank_test", "pairwise_logrank", "restricted_mean", "survival_comparison",
    "split_columns", "rmst_table", "data_view", "lifetimes_table", "mrr_table", "percent", "retention_table", "split_label", "survival_table",
]
