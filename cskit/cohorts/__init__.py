"""Cohort retention, survival and cohort LTV: how long customers keep paying.

Every function here is pure: it takes a loaded :class:`~cskit.io.Dataset` (or the tidy
result of another function) and returns a tidy DataFrame or a text. The work is done
on the dense account x month MRR matrix of :mod:`cskit.kpi.matrix`, shifted so that
each account's row starts at its own first paid month ("aged" matrix); cohorts are
then sums over rows, so 100,000 accounts x 36 months take well under a second.

Definitions
-----------
cohort
    The month (or calendar quarter, with ``period="quarter"``) of an account's first
    MRR > 0. Accounts without any paid month belong to no cohort. Accounts already
    paying in the data's first month started before the data (left-censored): their
    cohort and age are unknown, so they are in no cohort, no retention or LTV cell,
    no pooled curve and no survival curve; each result counts them in
    ``attrs["already_paying"]`` and the readings say so. Only when ``accounts`` has a
    ``contract_start`` inside the first month (a company that launches then) does
    such an account belong to the first cohort. An account whose ``contract_start``
    lies before the data but that first pays later (it came back) is counted from
    that month. (Survival with late entry for the accounts started before the data
    is issue #16.)
age
    Whole periods since the account's own first paid month: age 0 is the first paid
    month, age k is k months (``period="month"``) or 3k months (``period="quarter"``)
    later.
logo retention (cohort c, age k)
    Share of c's accounts that pay (MRR > 0) at age k. An account that stopped and
    came back (reactivation) counts as retained at every age it pays again.
revenue retention (c, k)
    Sum of the MRR of c's accounts at age k divided by their sum at age 0. Net of
    churn, contraction and expansion, so it can exceed 1.
censoring
    A cell that lies after the data's last month (or after ``as_of``) is unknown and
    is NaN, never 0. With quarters a cell is known only when the quarter c + k is
    complete in the data, so that every account of the cohort has reached age k.
survival
    Time to first churn: the age of the first month with MRR 0 after the first paid
    month. Accounts still paying in the last month are censored at their last
    observed age. Estimated with Kaplan-Meier; the band is the exponential Greenwood
    ("log-log") interval, the default of lifelines.
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
:mod:`.records`
    :func:`cohort_records` and :func:`format_records`, what ``cskit cohort`` writes.
:mod:`.aged`
    The aged account x month matrix they are all computed from (internal).
"""
from __future__ import annotations

from .aged import NO_VALUE, PERIODS, SPLITS, TIDY_COLUMNS, available_splits
from .reading import (FLAT_LOSS_PER_MONTH, METRIC_KEYS, MIN_COHORT_FOR_RANKING, PERIOD_KEYS, READING_HORIZON_MONTHS,
                      already_paying_text, late_entry_text, retention_reading, survival_reading)
from .records import FORMATS, RECORD_COLUMNS, cohort_records, format_records
from .retention import METRICS, POOLING, cohort_ltv, cohort_retention, combine_splits, period_of, pooled_curve, retention_matrix
from .survival import CURVE_COLUMNS, LIFETIME_COLUMNS, KaplanMeier, lifetimes, median_lifetime, survival_curve
from .tables import (SPLIT_KEYS, data_view, lifetimes_table, mrr_table, percent, retention_table, split_label,
                     survival_table)

__all__ = [
    "CURVE_COLUMNS", "FLAT_LOSS_PER_MONTH", "FORMATS", "LIFETIME_COLUMNS", "METRICS", "MIN_COHORT_FOR_RANKING",
    "NO_VALUE", "PERIODS", "POOLING", "READING_HORIZON_MONTHS", "RECORD_COLUMNS", "SPLITS", "TIDY_COLUMNS",
    "KaplanMeier", "already_paying_text", "late_entry_text", "available_splits", "cohort_ltv", "cohort_records", "cohort_retention", "combine_splits",
    "format_records", "lifetimes", "median_lifetime", "period_of", "pooled_curve", "retention_matrix",
    "retention_reading", "survival_curve", "survival_reading", "PERIOD_KEYS", "METRIC_KEYS", "SPLIT_KEYS",
    "data_view", "lifetimes_table", "mrr_table", "percent", "retention_table", "split_label", "survival_table",
]
