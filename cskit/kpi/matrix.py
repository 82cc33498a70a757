"""Dense account x month matrices: the shape every monthly KPI is computed on.

An account's missing month is 0 MRR, so a dense matrix (accounts in rows, the
dataset's months in columns) states the contract directly and lets every movement
be a vectorised comparison of a column with the one before it.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class MonthAxis:
    """The months of a dataset as consecutive integer positions.

    Parameters
    ----------
    months : PeriodIndex
        Consecutive monthly periods, first to last.

    Examples
    --------
    >>> axis = MonthAxis(pd.period_range("2024-01", "2024-03", freq="M"))
    >>> len(axis), axis.positions(pd.Series(pd.PeriodIndex(["2024-03", "2023-12"], freq="M"))).tolist()
    (3, [2, -1])
    """

    months: pd.PeriodIndex

    @property
    def first_ordinal(self) -> int:
        """Ordinal of the first month (whole months since 1970-01)."""
        return int(self.months[0].ordinal)

    def __len__(self) -> int:
        return len(self.months)

    def positions(self, periods: pd.Series) -> np.ndarray:
        """Column position of each monthly period (-1 when outside the axis or missing)."""
        ordinals = periods.array.asi8 if isinstance(periods.dtype, pd.PeriodDtype) else periods.dt.to_period("M").array.asi8
        pos = ordinals - self.first_ordinal
        missing = (ordinals == np.iinfo(np.int64).min) | (pos < 0) | (pos >= len(self))
        return np.where(missing, -1, pos)

    def positions_of_dates(self, dates: pd.Series) -> np.ndarray:
        """Column position of the month of each timestamp (-1 when outside or missing)."""
        if pd.api.types.is_datetime64_dtype(dates.dtype):
            stamps = dates.to_numpy(dtype="datetime64[ns]")
            valid = ~np.isnat(stamps)
            # whole months since 1970-01, which is exactly a monthly Period's ordinal
            pos = np.where(valid, stamps.astype("datetime64[M]").astype(np.int64), self.first_ordinal - 1) - self.first_ordinal
            return np.where((pos >= 0) & (pos < len(self)), pos, -1)
        valid = dates.notna().to_numpy()
        out = np.full(len(dates), -1, dtype=np.int64)
        if valid.any():
            out[valid] = self.positions(dates[valid].dt.to_period("M"))
        return out


def dense(
    rows: np.ndarray,
    cols: np.ndarray,
    values: np.ndarray | None,
    shape: tuple[int, int],
    how: str = "sum",
) -> np.ndarray:
    """Scatter long-form values into an ``shape`` matrix.

    Parameters
    ----------
    rows, cols : ndarray of int
        Row and column positions; entries with a negative position are dropped.
    values : ndarray or None
        Values to add (``None`` counts rows).
    how : {"sum", "last"}
        ``"last"`` keeps the last value per cell (input order), NaN elsewhere.

    Returns
    -------
    ndarray of float, shape ``shape``
        Sums (0 where nothing was added) or last values (NaN where none).

    Examples
    --------
    >>> dense(np.array([0, 0, 1]), np.array([1, 1, 0]), np.array([2.0, 3.0, 4.0]), (2, 2)).tolist()
    [[0.0, 5.0], [4.0, 0.0]]
    """
    keep = (rows >= 0) & (cols >= 0)
    rows, cols = rows[keep], cols[keep]
    flat = rows * shape[1] + cols
    if how == "sum":
        weights = None if values is None else np.asarray(values, dtype=float)[keep]
        return np.bincount(flat, weights=weights, minlength=shape[0] * shape[1]).reshape(shape).astype(float)
    out = np.full(shape[0] * shape[1], np.nan)
    out[flat] = np.asarray(values, dtype=float)[keep]
    return out.reshape(shape)


def mrr_matrix(mrr: pd.DataFrame, account_ids: pd.Index, axis: MonthAxis) -> np.ndarray:
    """MRR per account (rows, in ``account_ids`` order) and month (columns); missing = 0.

    Parameters
    ----------
    mrr : DataFrame
        ``account_id, month, mrr`` as loaded (money, >= 0).
    account_ids : Index
        Row order.
    axis : MonthAxis

    Returns
    -------
    ndarray of float, shape (len(account_ids), len(axis))
        Money per account and month.

    Examples
    --------
    >>> mrr = pd.DataFrame({"account_id": ["A2", "A1"], "month": pd.PeriodIndex(["2024-02", "2024-01"], freq="M"),
    ...                     "mrr": [50.0, 100.0]})
    >>> axis = MonthAxis(pd.period_range("2024-01", "2024-02", freq="M"))
    >>> mrr_matrix(mrr, pd.Index(["A1", "A2"]), axis).tolist()
    [[100.0, 0.0], [0.0, 50.0]]
    """
    rows = account_ids.get_indexer(mrr["account_id"])
    cols = axis.positions(mrr["month"])
    return dense(rows, cols, mrr["mrr"].to_numpy(dtype=float), (len(account_ids), len(axis)))


def safe_divide(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """Element-wise ratio that is NaN (missing), never 0 or infinity, where the denominator is 0.

    Examples
    --------
    >>> safe_divide(np.array([1.0, 1.0, 3.0]), np.array([2.0, 0.0, np.nan])).tolist()
    [0.5, nan, nan]
    """
    numerator = np.asarray(numerator, dtype=float)
    denominator = np.asarray(denominator, dtype=float)
    out = np.full(np.broadcast(numerator, denominator).shape, np.nan)
    np.divide(numerator, denominator, out=out, where=(denominator != 0) & ~np.isnan(denominator))
    return out


def previous(values: np.ndarray, lag: int = 1) -> np.ndarray:
    """Shift columns right by ``lag`` months; the first ``lag`` columns are NaN (unknown).

    Examples
    --------
    >>> previous(np.array([[1.0, 2.0, 3.0]])).tolist()
    [[nan, 1.0, 2.0]]
    """
    out = np.full(values.shape, np.nan)
    if values.shape[-1] > lag:
        out[..., lag:] = values[..., :-lag]
    return out
