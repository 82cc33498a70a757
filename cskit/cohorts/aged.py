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

from ..errors import CskitError, OptionError
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


#: Columns of ``accounts`` that identify or date an account, so they cannot split a survival curve.
NOT_SPLITS = ("account_id", "account_name", "contract_start")


def split_columns(dataset: Dataset) -> list[str]:
    """Columns of ``accounts`` a survival curve can be split by (any but :data:`NOT_SPLITS`) that hold a value.

    An optional column the file did not have is read as an empty column: it splits nothing.

    Examples
    --------
    >>> from cskit.dataset import Dataset
    >>> accounts = pd.DataFrame({"account_id": ["A"], "team": ["cs1"], "industry": ["it"], "region": [None]})
    >>> split_columns(Dataset({"accounts": accounts}))
    ['team', 'industry']
    """
    accounts = dataset["accounts"]
    return [str(c) for c in accounts.columns if c not in NOT_SPLITS and accounts[c].notna().any()]


def check_any_split(dataset: Dataset, split: str | None) -> None:
    """Refuse a split that is not a column of ``accounts`` (naming those that are) or has no value.

    Raises
    ------
    CskitError
        ``survival.unknown_split`` for a column ``accounts`` does not have.
    OptionError
        Under ``"split"``, for a column without any value.
    """
    if split is None:
        return
    accounts = dataset["accounts"]
    if split not in accounts.columns or split in NOT_SPLITS:
        raise CskitError("survival.unknown_split", split=split, columns=", ".join(split_columns(dataset)))
    if not accounts[split].notna().any():
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
    """A team's paying accounts, each row shifted to start at the account's own age 0.

    Age 0 is the first paid month, or, for an account already paying in the data's first
    month, the month of its ``contract_start`` before the data (late entry): then
    ``first`` is negative and the ages before the data are NaN (unobserved). Accounts
    paying in the first month that cannot be aged (:func:`entry_months`) are not rows:
    ``already_paying`` counts them.
    """

    account_ids: pd.Index  # accounts with a paid month that can be aged, in accounts order
    first: np.ndarray  # (n,) position of age 0 on ``months`` (negative: before the data)
    aged: np.ndarray  # (n, W) MRR at monthly age j; NaN before the data and after its last month
    months: pd.PeriodIndex  # the months used (up to as_of)
    split_codes: np.ndarray  # (n,) position in split_labels (zeros without a split)
    split_labels: list[str]
    already_paying: int = 0  # accounts left out: paying in the first month without a usable contract_start

    @property
    def n_months(self) -> int:
        return len(self.months)

    @property
    def entry(self) -> np.ndarray:
        """(n,) the age at which each account enters the data (0 unless it started before the data)."""
        return np.maximum(-self.first, 0)

    @property
    def late_entry(self) -> int:
        """Accounts that started before the data and enter it at an age above 0."""
        return int((self.first < 0).sum())

    def cohorts(self, step: int) -> tuple[np.ndarray, np.ndarray, list[str]]:
        """Cohort code per account, last month position per cohort, cohort labels.

        Cohorts are consecutive periods of ``step`` months on the calendar (months,
        or quarters starting in January, April, July and October); positions before
        the data are negative.
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


def entry_months(accounts: pd.DataFrame, paying_first_month: np.ndarray, first_month: pd.Period) -> np.ndarray:
    """Months from the data's first month back to each first-month payer's start (late entry).

    An account paying in the data's first month started at its ``contract_start``
    month: -k when that lies k months before the data (it enters at age k), 0 when it
    lies in the first month (a company that launches then). Without a
    ``contract_start``, or with one after the first month (it cannot be the start of
    a spell already running), its age is unknown: NaN, and the account is left out.
    Accounts not paying in the first month get 0 (they are aged from their first paid
    month).

    Parameters
    ----------
    accounts : DataFrame
        Rows of ``accounts`` (``contract_start`` optional).
    paying_first_month : ndarray of bool
        Per row of ``accounts``: MRR > 0 in the data's first month.
    first_month : Period
        The data's first month.

    Returns
    -------
    ndarray of float
        Months (<= 0) per row of ``accounts``; NaN for an account that cannot be aged.

    Examples
    --------
    >>> accounts = pd.DataFrame({"contract_start": pd.to_datetime(["2023-11-01", "2024-01-10", None, None])})
    >>> entry_months(accounts, np.array([True, True, True, False]), pd.Period("2024-01", "M")).tolist()
    [-2.0, 0.0, nan, 0.0]
    """
    out = np.zeros(len(accounts))
    if "contract_start" not in accounts:
        out[paying_first_month] = np.nan
        return out
    signed = pd.to_datetime(accounts["contract_start"], errors="coerce").dt.to_period("M")
    offset = np.array([np.nan if pd.isna(m) else float(m.ordinal - first_month.ordinal) for m in signed])
    offset[offset > 0] = np.nan
    return np.where(paying_first_month, offset, 0.0)


def aged_matrix(dataset: Dataset, team: str, split: str | None, as_of) -> Aged:
    """The paying accounts of ``team`` up to ``as_of`` that can be aged, aged, with their split group."""
    months = months_up_to(dataset, as_of)
    mask = dataset.account_mask(team)
    team_accounts = dataset["accounts"][mask]
    team_ids = pd.Index(team_accounts["account_id"])
    mrr = dataset.mrr_by_account[mask, :len(months)]  # the months up to as_of are a prefix
    paying = mrr > 0
    start = entry_months(team_accounts, paying[:, 0], months[0])
    unknown = np.isnan(start)
    has = paying.any(axis=1) & ~unknown
    mrr, paying, start = mrr[has], paying[has], start[has]
    ids = team_ids[has]
    first = np.where(paying[:, 0], start, paying.argmax(axis=1)).astype(np.int64)
    n_months = len(months)
    width = n_months - min(int(first.min()), 0) if len(first) else n_months
    columns = first[:, None] + np.arange(width)[None, :]
    inside = (columns >= 0) & (columns < n_months)
    aged = np.take_along_axis(mrr, np.clip(columns, 0, n_months - 1), axis=1)
    aged[~inside] = np.nan
    if split is None:
        codes, labels = np.zeros(len(ids), dtype=np.int64), [""]
    else:
        values = dataset["accounts"].set_index("account_id")[split].reindex(ids)
        values = values.astype(object).where(values.notna(), NO_VALUE).astype(str)
        codes, uniques = pd.factorize(values, sort=True)
        labels = [str(u) for u in uniques] or [""]
    return Aged(ids, first, aged, months, np.asarray(codes, dtype=np.int64), labels, int(unknown.sum()))


@dataclass(frozen=True)
class Grid:
    """Sums per group (split x cohort) and monthly age."""

    split: np.ndarray  # (G,) split code of each group
    cohort: np.ndarray  # (G,) cohort label of each group
    size: np.ndarray  # (G,) accounts
    paying: np.ndarray  # (G, T) paying accounts at monthly age j
    revenue: np.ndarray  # (G, T) MRR at monthly age j (money)
    end: np.ndarray  # (G,) position of the cohort's last month (negative: before the data)
    step: int = 1  # months per cohort period

    @property
    def from_start(self) -> np.ndarray:
        """(G,) the cohort's first month lies in the data, so its age 0 is observed."""
        return self.end - self.step + 1 >= 0


def cohort_grid(aged: Aged, step: int) -> Grid:
    """Sum the aged rows into one row per split group and cohort of ``step`` months."""
    codes, end_position, labels = aged.cohorts(step)
    n_cohorts, n_months = len(labels), aged.aged.shape[1]
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
        step=step,
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
    the cohort's last month lies inside the data (not censored) and that month of the
    cohort's first month lies inside it too (observed: a cohort that started before the
    data is unknown at the ages it lived before the data). Ages run up to the last age
    with at least one known cell (at least age 0).
    """
    width = grid.paying.shape[1]
    n_ages = max((n_months - 1 - int(grid.end.min()) - offset) // step + 1, 1)
    ages = np.arange(n_ages)
    monthly = ages * step + offset
    start = grid.end - step + 1
    known = ((grid.end[:, None] + monthly[None, :]) <= n_months - 1) & ((start[:, None] + monthly[None, :]) >= 0)
    return ages, np.minimum(monthly, width - 1), known
