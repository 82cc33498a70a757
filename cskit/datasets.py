"""Small datasets that ship with cskit, built in memory, so every example runs offline.

As lifelines ships ``load_*`` functions for its examples, cskit ships two:

* :func:`load_sample`: a small version of the synthetic company (every table, seven
  teams), generated from a seed and checked by the same loader as real exports. It is
  what docstring examples, tests and notebooks' worked examples use.
* :func:`load_cohort_example`: the five-account example that notebook 04 counts by hand
  (cohorts, a pause and a return, a censored tail).

Both are read through :func:`cskit.io.load_dataset`, so they are as valid as a real
export, and both return a private copy: changing one does not change the next.
"""
from __future__ import annotations

import copy
from functools import lru_cache

import pandas as pd

from .dataset import Dataset
from .io import load_dataset
from .sample import DEFAULT_START, generate_sample

__all__ = ["load_sample", "load_cohort_example", "load_growth_example", "COHORT_EXAMPLE_MRR"]

#: MRR (yen a month) of the five accounts A-E of notebook 04's worked example, January to June 2024.
COHORT_EXAMPLE_MRR = pd.DataFrame(
    {
        "2024-01": [100_000, 100_000, 0, 0, 0],
        "2024-02": [100_000, 100_000, 200_000, 150_000, 0],
        "2024-03": [100_000, 0, 200_000, 0, 80_000],
        "2024-04": [100_000, 0, 200_000, 150_000, 80_000],
        "2024-05": [100_000, 0, 300_000, 150_000, 80_000],
        "2024-06": [100_000, 0, 300_000, 150_000, 80_000],
    },
    index=pd.Index(["A", "B", "C", "D", "E"], name="account_id"),
)


@lru_cache(maxsize=4)
def _sample(accounts: int, months: int, seed: int, start: str, history_months: int) -> Dataset:
    return load_dataset(generate_sample(accounts=accounts, months=months, seed=seed, start=start,
                                        history_months=history_months))


def load_sample(accounts: int = 300, months: int = 24, seed: int = 42, start: str = DEFAULT_START,
                history_months: int = 0) -> Dataset:
    """A small synthetic company with every table, validated like a real export (about 1 s).

    Parameters
    ----------
    accounts : int, default 300
        Customer accounts.
    months : int, default 24
        Months of data (at least 13 gives every 12-month KPI one value).
    seed : int, default 42
        The same arguments always give the same data.
    start : str, default "2023-11"
        First month, ``YYYY-MM``.
    history_months : int, default 0
        Months the company existed before ``start`` (:func:`cskit.sample.generate_sample`).
        The default 0 launches it in ``start``, so the small examples count every
        customer from its first month; the bundled ``data/sample`` starts in mid-life.

    Returns
    -------
    Dataset
        A private copy (money in JPY); see :func:`cskit.sample.generate_sample` for the tables.

    Examples
    --------
    >>> data = load_sample()
    >>> len(data["accounts"]), str(data.months[0]), str(data.months[-1])
    (300, '2023-11', '2025-10')
    >>> sorted(data.teams["team"])[:3]
    ['cs_enterprise', 'cs_smb', 'fs_osaka']
    """
    return copy.deepcopy(_sample(int(accounts), int(months), int(seed), str(start), int(history_months)))


def load_cohort_example() -> Dataset:
    """Notebook 04's worked example: five accounts of one CS team, January to June 2024.

    A and B start in January (B leaves in March), C and D in February (D pauses in March
    and returns in April, C expands in May), E in March. Small enough to count by hand.
    Each account's ``contract_start`` is the first day of its first paid month: A and B
    signed in January, the data's first month, so they are the January cohort and not
    accounts that started before the data (see :mod:`cskit.cohorts`).

    Returns
    -------
    Dataset
        ``accounts`` (``account_id``, ``account_name``, ``team`` = ``cs_demo``, ``segment``,
        ``contract_start``) and ``mrr`` (yen a month, one row per paying month; see
        :data:`COHORT_EXAMPLE_MRR`).

    Examples
    --------
    >>> example = load_cohort_example()
    >>> len(example["mrr"]), float(example["mrr"]["mrr"].sum())
    (21, 2920000.0)
    """
    accounts = pd.DataFrame({
        "account_id": list(COHORT_EXAMPLE_MRR.index),
        "account_name": [f"{name}社" for name in COHORT_EXAMPLE_MRR.index],
        "team": "cs_demo",
        "segment": ["smb", "smb", "enterprise", "mid", "smb"],
        "contract_start": [f"{(COHORT_EXAMPLE_MRR.loc[a] > 0).idxmax()}-01" for a in COHORT_EXAMPLE_MRR.index],
    })
    mrr = (COHORT_EXAMPLE_MRR.reset_index()
           .melt(id_vars="account_id", var_name="month", value_name="mrr")
           .query("mrr > 0")
           .reset_index(drop=True))
    return load_dataset({"accounts": accounts, "mrr": mrr})


def load_growth_example() -> Dataset:
    """One account of one CS team whose MRR grows by 10 yen a month: the targets' worked example.

    Account ``A`` of team ``cs1`` pays 100 yen in January 2023, then 10 yen more each month,
    up to 330 yen in December 2024 (24 months), so every SMART check has a baseline, a
    history and a trend to judge.

    Returns
    -------
    Dataset
        ``accounts`` and ``mrr`` (yen a month).

    Examples
    --------
    >>> data = load_growth_example()
    >>> data["mrr"]["mrr"].iloc[[0, -1]].tolist(), str(data.months[-1])
    ([100.0, 330.0], '2024-12')
    """
    months = pd.period_range("2023-01", periods=24, freq="M").astype(str)
    mrr = pd.DataFrame({"account_id": "A", "month": months, "mrr": [100 + 10 * i for i in range(24)]})
    return load_dataset({"accounts": pd.DataFrame({"account_id": ["A"], "team": ["cs1"]}), "mrr": mrr})
