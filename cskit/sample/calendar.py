"""The data period's calendar: days counted from its first day, dates, times and business days."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .arrays import take

__all__ = ["Period", "make_period", "times_of_day", "timestamps", "back", "business_day"]


@dataclass
class Period:
    """Calendar of the data period; days are counted from its first day."""

    months: int
    month_start: np.ndarray  # day index of each month's first day, len months + 1
    month_labels: pa.Array  # 'YYYY-MM' per month
    calendar_month: np.ndarray  # 1..12 per month
    n_days: int
    epoch_day: int  # days since 1970-01-01 of day 0
    dates: pa.Array  # 'YYYY-MM-DD' for day 0 .. n_days + 400

    @property
    def last_day(self) -> int:
        return self.n_days - 1

    def month_of(self, day: np.ndarray) -> np.ndarray:
        return np.searchsorted(self.month_start, day, side="right") - 1

    def weekday(self, day: np.ndarray) -> np.ndarray:
        return (day + self.epoch_day + 3) % 7  # Monday = 0


def make_period(start: str, months: int) -> Period:
    """The calendar of ``months`` months from ``start`` (``'YYYY-MM'``).

    Examples
    --------
    >>> per = make_period("2024-01", 2)
    >>> per.n_days, per.month_labels.to_pylist()
    (60, ['2024-01', '2024-02'])
    """
    if months < 1:
        raise ValueError(f"months must be >= 1, got {months}")
    try:
        first = np.datetime64(start, "M")
    except ValueError as exc:
        raise ValueError(f"start must be 'YYYY-MM', got {start!r}") from exc
    m = first + np.arange(months + 1)
    days = m.astype("datetime64[D]")
    d0 = days[0]
    month_start = (days - d0).astype(np.int64)
    n_days = int(month_start[-1])
    labels = pa.array(np.datetime_as_string(m[:-1], unit="M").tolist(), pa.string())
    all_days = d0 + np.arange(n_days + 400)
    dates = pa.array(np.datetime_as_string(all_days, unit="D").tolist(), pa.string())
    cal = (m[:-1].astype(np.int64) % 12) + 1
    return Period(
        months=months,
        month_start=month_start,
        month_labels=labels,
        calendar_month=cal,
        n_days=n_days,
        epoch_day=int(d0.astype(np.int64)),
        dates=dates,
    )


def times_of_day() -> pa.Array:
    """``'THH:MM:SS'`` for every second of a day."""
    s = np.arange(86400)
    hh, mm, ss = s // 3600, (s // 60) % 60, s % 60
    txt = [f"T{h:02d}:{m:02d}:{x:02d}" for h, m, x in zip(hh.tolist(), mm.tolist(), ss.tolist())]
    return pa.array(txt, pa.string())


def timestamps(period: Period, tod: pa.Array, seconds: np.ndarray, null: np.ndarray) -> pa.Array:
    """ISO timestamps of ``seconds`` after the period's first midnight; ``null`` marks empty values."""
    seconds = np.where(null, 0, seconds)
    day = take(period.dates, seconds // 86400, null)
    time = take(tod, seconds % 86400, null)
    return pc.binary_join_element_wise(day, time, "")


def back(rng: np.random.Generator, day: np.ndarray, lo, hi) -> np.ndarray:
    """A day ``lo..hi`` days before ``day``, compressed (not clipped) to stay >= 0."""
    lo = np.broadcast_to(np.asarray(lo, dtype=np.float64), day.shape)
    hi = np.broadcast_to(np.asarray(hi, dtype=np.float64), day.shape)
    gap = lo + rng.random(day.shape) * (hi - lo)
    gap = np.minimum(gap, gap * day / np.maximum(hi, 1.0))
    return (day - np.floor(gap)).astype(np.int64)


def business_day(rng: np.random.Generator, period: Period, month: np.ndarray) -> np.ndarray:
    """A random day in each given month, mostly on weekdays."""
    start = period.month_start[month]
    length = period.month_start[month + 1] - start
    a = start + (rng.random(month.shape) * length).astype(np.int64)
    b = start + (rng.random(month.shape) * length).astype(np.int64)
    return np.where(period.weekday(a) < 5, a, b)
