"""The aged matrix every cohort result is built from (internal to :mod:`cskit.cohorts`).

One row per paying account, shifted so that each row starts at the account's own first
paid month; cohorts are then sums over rows (:class:`Grid`), so 100,000 accounts x 36
months take well under a second. :mod:`.retention` and :mod:`.survival` read it; nothing
here is a result on its own.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import OptionError
from ..dataset import Dataset
from ..options import check_choice, check_month

#: Cohort periods and their length in months.
PERIODS = {"month": 1, "quarter": 3}
#: Columns of ``accounts`` a result can be split by.
SPLITS = ("team", "segment", "touch_model")
#: Label of accounts whose split column is empty.
NO_VALUE = "(none)"
#: Columns of the tidy cohort tables (``split`` is added last when splitting).
TIDY_COLUMNS = ["cohort", "age", "cohort_size", "value", "base"]


def available_splits(dataset: Dataset) -> list[str]:
    """Splits of :data:`SPLITS` the dataset can use (the column exists and has a value).

    Examples
    --------
    >>> from cskit.dataset import Dataset
    >>> accounts = pd.DataFrame({"account_id": ["A"], "team": ["cs1"], "segment": [None]})
    >>> available_splits(Dataset({"accounts": accounts}))
    ['team']
    """
    accounts = dataset["accounts"]
    return [s for s in SPLITS if s in accounts and accounts[s].notna().any()]


def check_split(dataset: Dataset, split: str | None) -> None:
    """Refuse a split that is not in :data:`SPLITS` or has no value in the dataset.

    Raises
    ------
    OptionError
        Under the option name ``"split"``.
    """
    if split is None:
        return
    check_choice("split", split, SPLITS)
    if split not in available_splits(dataset):
        raise OptionError("split", split, f"accounts has no values in column {split!r}")


def months_up_to(dataset: Dataset, as_of) -> pd.PeriodIndex:
    """The dataset's months up to ``as_of`` (``YYYY-MM`` or a Period; ``None``: all of them).

    Raises
    ------
    OptionError
        Under ``"as_of"``, for a value that is not ``YYYY-MM`` or lies outside the data.
    """
    months = dataset.months
    last = check_month("as_of", as_of, within=months)
    return months if last is None else months[months <= last]


@dataclass(frozen=True)
class Aged:
    """A team's paying accounts, each row shifted to start at its first paid month.

    Accounts already paying before the data (:func:`started_before_data`) are not rows:
    ``already_paying`` counts them.
    """

    account_ids: pd.Index  # accounts with a paid month that started in the data, in accounts order
    first: np.ndarray  # (n,) position of the first paid month on ``months``
    aged: np.ndarray  # (n, T) MRR at monthly age j; NaN after the last month
    months: pd.PeriodIndex  # the months used (up to as_of)
    split_codes: np.ndarray  # (n,) position in split_labels (zeros without a split)
    split_labels: list[str]
    already_paying: int = 0  # accounts left out: paying in the first month, started before it

    @property
    def n_months(self) -> int:
        return len(self.months)

    def cohorts(self, step: int) -> tuple[np.ndarray, np.ndarray, list[str]]:
        """Cohort code per account, last month position per cohort, cohort labels.

        Cohorts are consecutive periods of ``step`` months on the calendar (months,
        or quarters starting in January, April, July and October).
        """
        first_ordinal = int(self.months[0].ordinal)
        key = (first_ordinal + self.first) // step
        keys, codes = np.unique(key, return_inverse=True)
        end_position = keys * step + step - 1 - first_ordinal
        return codes.reshape(-1), end_position, [cohort_label(int(k), step) for k in keys]


def cohort_label(key: int, step: int) -> str:
    """``YYYY-MM`` for months, ``YYYY-Qn`` for quarters (``key`` counts periods since 1970).

    Examples
    --------
    >>> cohort_label(54 * 12 + 2, 1), cohort_label(54 * 4 + 1, 3)
    ('2024-03', '2024-Q2')
    """
    if step == 1:
        return f"{1970 + key // 12:04d}-{key % 12 + 1:02d}"
    return f"{1970 + key // 4:04d}-Q{key % 4 + 1}"


def started_before_data(accounts: pd.DataFrame, paying_first_month: np.ndarray, first_month: pd.Period) -> np.ndarray:
    """Which accounts started before the data: paying in its first month, not signed in it.

    An account paying in the data's first month may have started years before; its
    cohort is unknown (left-censored), so it is in no cohort. It counts as started in
    the first month only when ``contract_start`` says so (a date inside that month, as
    for a company that launches then); without a ``contract_start`` it is left out.

    Parameters
    ----------
    accounts : DataFrame
        Rows of ``accounts`` (``contract_start`` optional).
    paying_first_month : ndarray of bool
        Per row of ``accounts``: MRR > 0 in the data's first month.
    first_month : Period
        The data's first month.

    Examples
    --------
    >>> accounts = pd.DataFrame({"contract_start": pd.to_datetime(["2020-05-01", "2024-01-10", None])})
    >>> started_before_data(accounts, np.array([True, True, True]), pd.Period("2024-01", "M")).tolist()
    [True, False, True]
    """
    if "contract_start" not in accounts:
        return paying_first_month.copy()
    signed = pd.to_datetime(accounts["contract_start"], errors="coerce").dt.to_period("M")
    signed_in_first = (signed == first_month).fillna(False).to_numpy(dtype=bool)
    return paying_first_month & ~signed_in_first


def aged_matrix(dataset: Dataset, team: str, split: str | None, as_of) -> Aged:
    """The paying accounts of ``team`` up to ``as_of`` that started in the data, aged, with their split group."""
    months = months_up_to(dataset, as_of)
    mask = dataset.account_mask(team)
    team_accounts = dataset["accounts"][mask]
    team_ids = pd.Index(team_accounts["account_id"])
    mrr = dataset.mrr_by_account[mask, :len(months)]  # the months up to as_of are a prefix
    paying = mrr > 0
    before = started_before_data(team_accounts, paying[:, 0], months[0])
    has = paying.any(axis=1) & ~before
    mrr, paying = mrr[has], paying[has]
    ids = team_ids[has]
    first = paying.argmax(axis=1)
    n_months = len(months)
    columns = first[:, None] + np.arange(n_months)[None, :]
    inside = columns < n_months
    aged = np.take_along_axis(mrr, np.minimum(columns, n_months - 1), axis=1)
    aged[~inside] = np.nan
    if split is None:
        codes, labels = np.zeros(len(ids), dtype=np.int64), [""]
    else:
        values = dataset["accounts"].set_index("account_id")[split].reindex(ids)
        values = values.astype(object).where(values.notna(), NO_VALUE).astype(str)
        codes, uniques = pd.factorize(values, sort=True)
        labels = [str(u) for u in uniques] or [""]
    return Aged(ids, first, aged, months, np.asarray(codes, dtype=np.int64), labels, int(before.sum()))


@dataclass(frozen=True)
class Grid:
    """Sums per group (split x cohort) and monthly age."""

    split: np.ndarray  # (G,) split code of each group
    cohort: np.ndarray  # (G,) cohort label of each group
    size: np.ndarray  # (G,) accounts
    paying: np.ndarray  # (G, T) paying accounts at monthly age j
    revenue: np.ndarray  # (G, T) MRR at monthly age j (money)
    end: np.ndarray  # (G,) position of the cohort's last month


def cohort_grid(aged: Aged, step: int) -> Grid:
    """Sum the aged rows into one row per split group and cohort of ``step`` months."""
    codes, end_position, labels = aged.cohorts(step)
    n_cohorts, n_months = len(labels), aged.n_months
    group = aged.split_codes * n_cohorts + codes
    groups, group = np.unique(group, return_inverse=True)
    group = group.reshape(-1)
    n_groups = len(groups)
    cells = (group[:, None] * n_months + np.arange(n_months)[None, :]).ravel()
    values = aged.aged.ravel()
    paying = np.bincount(cells, weights=(values > 0), minlength=n_groups * n_months)
    revenue = np.bincount(cells, weights=np.nan_to_num(values), minlength=n_groups * n_months)
    cohort_code = groups % n_cohorts
    return Grid(
        split=groups // n_cohorts,
        cohort=np.asarray(labels, dtype=object)[cohort_code],
        size=np.bincount(group, minlength=n_groups).astype(float),
        paying=paying.reshape(n_groups, n_months),
        revenue=revenue.reshape(n_groups, n_months),
        end=end_position[cohort_code],
    )


def tidy_frame(grid: Grid, aged: Aged, ages: np.ndarray, values: np.ndarray, base: np.ndarray,
               split: str | None, attrs: dict) -> pd.DataFrame:
    """The groups x ages ``values`` as the tidy table of :data:`TIDY_COLUMNS` (+ ``split``)."""
    n_groups, n_ages = values.shape
    frame = pd.DataFrame({
        "cohort": np.repeat(grid.cohort, n_ages),
        "age": np.tile(ages, n_groups),
        "cohort_size": np.repeat(grid.size, n_ages).astype(np.int64),
        "value": values.ravel(),
        "base": np.repeat(base, n_ages),
    })
    if split is not None:
        frame["split"] = np.repeat(np.asarray(aged.split_labels, dtype=object)[grid.split], n_ages)
        frame = frame.sort_values(["split", "cohort", "age"], kind="stable").reset_index(drop=True)
    frame.attrs.update(attrs)
    return frame


def empty_frame(split: str | None, attrs: dict, columns=TIDY_COLUMNS) -> pd.DataFrame:
    """A result without rows (a team with no paying account), with the result's columns and attrs."""
    text_columns = ("cohort", "split", "account_id")
    frame = pd.DataFrame({c: pd.Series(dtype=object if c in text_columns else float) for c in columns})
    if split is not None:
        frame["split"] = pd.Series(dtype=object)
    frame.attrs.update(attrs)
    return frame


def known_cells(grid: Grid, n_months: int, step: int, offset: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Ages, monthly-age column per age, and the known-cell mask (groups x ages).

    Age k reads monthly age ``step * k + offset``; a cell is known when that month of
    the cohort's last month lies inside the data. Ages run up to the last age with at
    least one known cell (at least age 0).
    """
    n_ages = max((n_months - 1 - int(grid.end.min()) - offset) // step + 1, 1)
    ages = np.arange(n_ages)
    monthly = ages * step + offset
    known = (grid.end[:, None] + monthly[None, :]) <= n_months - 1
    return ages, np.minimum(monthly, n_months - 1), known
