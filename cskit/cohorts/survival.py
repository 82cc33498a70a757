"""Survival: each account's time to first churn and its Kaplan-Meier curve.

Survival is the age of the first month with MRR 0 after the account's age 0; accounts
still paying in the last month are censored at their last observed age. An account that
started before the data (late entry, see :mod:`cskit.cohorts`) is at risk only from the
age it had when the data begins: it enters the risk set there (delayed entry), so the
early ages are estimated from the accounts seen at those ages only. The estimate is
Kaplan-Meier with delayed entry and the exponential Greenwood ("log-log") band, the
defaults of lifelines, and :class:`KaplanMeier` has lifelines' API (``entry=``) so the
two can be compared.
"""
from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
import pandas as pd

from ..errors import OptionError
from ..dataset import Dataset
from ..options import check_fraction
from .aged import aged_matrix, check_any_split, empty_frame

#: Columns of :func:`survival_curve` (``split`` is added last when splitting).
CURVE_COLUMNS = ["age", "at_risk", "events", "censored", "entered", "survival", "lower", "upper"]
#: Columns of :func:`lifetimes`.
LIFETIME_COLUMNS = ["account_id", "cohort", "entry", "duration", "churned"]


class KaplanMeier:
    """Kaplan-Meier estimate of a survival function, with the lifelines API.

    Parameters
    ----------
    alpha : float
        1 - confidence level of the band (0.05 gives a 95 % band; at most 0.5).

    Attributes
    ----------
    event_table : DataFrame
        Per time: ``removed``, ``observed`` (events at t), ``censored`` (censored at t),
        ``entrance`` (entries at t) and ``at_risk`` = entries at or before t minus
        removals before t (as lifelines' event table).
    population_ : ndarray
        n_t, the subjects at risk of the events at t: entry < t <= duration (those
        entering at t join after its events; at the first time, entrants are at risk),
        the counting-process convention of lifelines.
    survival_function_ : DataFrame
        S(t) = prod over event times u <= t of (1 - d_u / n_u), indexed by ``timeline``
        (the product-limit estimate; with ``entry`` it is conditional on surviving to
        the earliest entry, as lifelines computes it).
    confidence_interval_ : DataFrame
        ``<label>_lower_<1-alpha>`` and ``<label>_upper_<1-alpha>``: exponential
        Greenwood band, exp(-exp(log(-log S) -/+ z * sqrt(V) / log S)) with
        V = sum d_u / (n_u (n_u - d_u)); 1 where S = 1 (as lifelines).
    median_survival_time_ : float
        First time with S(t) <= 0.5; ``inf`` if S stays above one half.

    Examples
    --------
    >>> km = KaplanMeier().fit([1, 2, 2, 3, 5], [1, 1, 0, 1, 0])
    >>> km.survival_function_.iloc[:, 0].round(3).tolist()
    [1.0, 0.8, 0.6, 0.3, 0.3]
    >>> km.median_survival_time_
    3.0

    With delayed entry, the two subjects entering at 2 are not at risk before it:

    >>> late = KaplanMeier().fit([1, 2, 3, 4, 4], [1, 0, 1, 1, 0], entry=[0, 0, 2, 2, 0])
    >>> late.population_.tolist(), late.survival_function_.iloc[:, 0].round(4).tolist()
    ([3.0, 3.0, 2.0, 3.0, 2.0], [1.0, 0.6667, 0.6667, 0.4444, 0.2222])
    """

    def __init__(self, alpha: float = 0.05):
        self.alpha = check_fraction("alpha", alpha, high=0.5)

    def fit(self, durations, event_observed=None, timeline=None, entry=None,
            label: str = "KM_estimate") -> "KaplanMeier":
        """Estimate S(t) from ``durations`` (>= 0) and ``event_observed`` (1 event, 0 censored).

        ``entry`` (optional, 0 <= entry <= duration): the time each subject enters the
        risk set (delayed entry, left truncation), as lifelines' ``entry=``.

        Returns
        -------
        KaplanMeier
            self, with the attributes filled in.
        """
        durations = np.asarray(durations, dtype=float).reshape(-1)
        events = np.ones(len(durations), dtype=bool) if event_observed is None else np.asarray(event_observed).reshape(-1).astype(bool)
        if len(durations) != len(events):
            raise OptionError("event_observed", len(events), f"{len(durations)} values")
        if np.isnan(durations).any() or (durations < 0).any():
            raise OptionError("durations", "NaN/negative", ">= 0")
        entry = np.zeros(len(durations)) if entry is None else np.asarray(entry, dtype=float).reshape(-1)
        if len(entry) != len(durations):
            raise OptionError("entry", len(entry), f"{len(durations)} values")
        if np.isnan(entry).any() or (entry < 0).any() or (entry > durations).any():
            raise OptionError("entry", "NaN/negative/after the duration", "0 <= entry <= duration")
        self._label = label
        times = np.unique(np.concatenate([[0.0], durations, entry]))
        position = np.searchsorted(times, durations)
        removed = np.bincount(position, minlength=len(times)).astype(float)
        observed = np.bincount(position, weights=events.astype(float), minlength=len(times))
        entrance = np.bincount(np.searchsorted(times, entry), minlength=len(times)).astype(float)
        at_risk = np.cumsum(entrance) - np.concatenate([[0.0], np.cumsum(removed)[:-1]])
        self.event_table = pd.DataFrame(
            {"removed": removed, "observed": observed, "censored": removed - observed, "entrance": entrance,
             "at_risk": at_risk}, index=pd.Index(times, name="event_at"))
        population = at_risk - late_entrants(entrance, removed)
        self.population_ = population
        with np.errstate(divide="ignore", invalid="ignore"):
            factor = np.where(population > 0, 1.0 - observed / np.where(population > 0, population, 1), 1.0)
            survival = np.cumprod(factor)
            variance_terms = observed / (population * (population - observed))
        variance_terms[~np.isfinite(variance_terms)] = 0.0
        greenwood = np.cumsum(variance_terms)
        self.timeline = np.asarray(times if timeline is None else np.sort(np.asarray(timeline, dtype=float)))
        position = np.searchsorted(times, self.timeline, side="right") - 1
        survival = np.where(position >= 0, survival[np.maximum(position, 0)], 1.0)
        greenwood = np.where(position >= 0, greenwood[np.maximum(position, 0)], 0.0)
        index = pd.Index(self.timeline, name="timeline")
        self.survival_function_ = pd.DataFrame({label: survival}, index=index)
        lower, upper = _log_log_band(survival, greenwood, self.alpha)
        level = f"{1 - self.alpha:g}"
        self.confidence_interval_ = pd.DataFrame(
            {f"{label}_lower_{level}": lower, f"{label}_upper_{level}": upper}, index=index)
        self.median_survival_time_ = _first_at_or_below(self.timeline, survival, 0.5)
        return self


def late_entrants(entrance: np.ndarray, removed: np.ndarray) -> np.ndarray:
    """Entrants not yet at risk at their entry time: all of them but those at the first time of the table.

    Subjects entering at t are at risk from just after t (entry < t <= duration); the
    exception is the table's first time with any entry or removal, where they are the
    starting population (lifelines' convention).

    Examples
    --------
    >>> late_entrants(np.array([0.0, 3, 0, 2]), np.array([0.0, 0, 1, 1])).tolist()
    [0.0, 0.0, 0.0, 2.0]
    """
    out = entrance.astype(float).copy()
    active = np.flatnonzero((entrance > 0) | (removed > 0))
    if len(active):
        out[:active[0] + 1] = 0.0
    return out


def _log_log_band(survival: np.ndarray, greenwood: np.ndarray, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    """Exponential Greenwood band around S (1 where S is 1, as lifelines fills it)."""
    z = NormalDist().inv_cdf(1 - alpha / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_s = np.log(survival)
        spread = z * np.sqrt(greenwood) / log_s
        lower = np.exp(-np.exp(np.log(-log_s) - spread))
        upper = np.exp(-np.exp(np.log(-log_s) + spread))
    return np.nan_to_num(lower, nan=1.0), np.nan_to_num(upper, nan=1.0)


def _first_at_or_below(times: np.ndarray, values: np.ndarray, level: float) -> float:
    """First time whose value is at or below ``level`` (``inf`` if none is)."""
    hit = np.flatnonzero(values <= level)
    return float(times[hit[0]]) if len(hit) else math.inf


def lifetimes(dataset: Dataset, team: str = "all", split: str | None = None, as_of=None) -> pd.DataFrame:
    """Each paying account's time to first churn, the input of the survival curve.

    Parameters
    ----------
    dataset, team, as_of
        As in :func:`cohort_retention`.
    split : str, optional
        Any column of ``accounts`` but the id, name and contract start (``team``,
        ``segment``, ``touch_model``, ``sales_team``, ``industry``, ...).

    Returns
    -------
    DataFrame
        ``account_id``, ``cohort`` (``YYYY-MM``), ``entry`` (months: the age at which
        the account enters the data; 0 unless it started before the data),
        ``duration`` (months: the age of the first month with MRR 0 after age 0, or,
        if the account never stopped, its last observed age), ``churned`` (True for a
        first churn, False for censored) and ``split`` when split. ``attrs`` holds
        ``already_paying`` (accounts left out: paying in the first month without a
        contract start) and ``late_entry`` (accounts that entered late).

    Examples
    --------
    >>> from cskit.datasets import load_cohort_example
    >>> data = load_cohort_example()  # notebook 04's five accounts, counted by hand there
    >>> lifetimes(data)
      account_id   cohort  entry  duration  churned
    0          A  2024-01      0         5    False
    1          B  2024-01      0         2     True
    2          C  2024-02      0         4    False
    3          D  2024-02      0         1     True
    4          E  2024-03      0         3    False
    """
    check_any_split(dataset, split)
    aged = aged_matrix(dataset, team, split, as_of)
    attrs = {"kind": "lifetimes", "team": team, "split": split, "as_of": str(aged.months[-1]),
             "already_paying": aged.already_paying, "late_entry": aged.late_entry}
    if not len(aged.account_ids):
        return empty_frame(split, attrs, LIFETIME_COLUMNS)
    stopped = aged.aged == 0  # NaN (before or after the data) is not a stop
    churned = stopped.any(axis=1)
    duration = np.where(churned, stopped.argmax(axis=1), aged.n_months - 1 - aged.first)
    codes, _, labels = aged.cohorts(1)
    frame = pd.DataFrame({
        "account_id": aged.account_ids.to_numpy(),
        "cohort": np.asarray(labels, dtype=object)[codes],
        "entry": aged.entry.astype(np.int64),
        "duration": duration.astype(np.int64),
        "churned": churned,
    })
    if split is not None:
        frame["split"] = np.asarray(aged.split_labels, dtype=object)[aged.split_codes]
    frame.attrs.update(attrs)
    return frame


def survival_curve(
    dataset: Dataset,
    team: str = "all",
    split: str | None = None,
    as_of=None,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Kaplan-Meier curve of the time to first churn, one row per monthly age.

    Parameters
    ----------
    dataset, team, split, as_of
        As in :func:`lifetimes` (``split``: any column of ``accounts``).
    alpha : float
        1 - confidence level of the band (default 0.05: 95 %; at most 0.5).

    Returns
    -------
    DataFrame
        ``age`` (months since age 0), ``at_risk`` (accounts with a known state at
        that age that had entered the data before it, or at age 0, and had not
        churned before it: the accounts that could churn at that age),
        ``events`` (first churns at that age), ``censored`` (accounts whose data ends
        at that age), ``entered`` (accounts that started before the data and enter it
        at that age; at age 0, every account born in the data), ``survival`` (share
        still paying without a break, 0-1), ``lower`` and ``upper`` (the band), and
        ``split`` when split. ``attrs`` holds ``median``: the median lifetime in
        months (``inf`` if not reached; a dict per split), ``already_paying``, the
        accounts left out because they cannot be aged, and ``late_entry`` (as in
        :func:`lifetimes`).

    Examples
    --------
    >>> from cskit.datasets import load_cohort_example
    >>> data = load_cohort_example()  # notebook 04's five accounts, counted by hand there
    >>> curve = survival_curve(data)
    >>> curve[["age", "at_risk", "events", "entered", "survival"]]
       age  at_risk  events  entered  survival
    0    0        5       0        5       1.0
    1    1        5       1        0       0.8
    2    2        4       1        0       0.6
    3    3        3       0        0       0.6
    4    4        2       0        0       0.6
    5    5        1       0        0       0.6
    >>> curve.attrs["median"]
    inf
    """
    check_fraction("alpha", alpha, high=0.5)
    frame = lifetimes(dataset, team, split, as_of)
    attrs = {"kind": "survival", "team": team, "split": split, "as_of": frame.attrs.get("as_of"), "alpha": alpha,
             "already_paying": frame.attrs.get("already_paying", 0), "late_entry": frame.attrs.get("late_entry", 0)}
    if frame.empty:
        out = empty_frame(split, attrs, CURVE_COLUMNS)
        out.attrs["median"] = {} if split else math.inf
        return out
    groups = frame.groupby("split", sort=True) if split is not None else [(None, frame)]
    parts, medians = [], {}
    for label, rows in groups:
        part, median = _curve(rows["duration"].to_numpy(), rows["churned"].to_numpy(), rows["entry"].to_numpy(), alpha)
        if label is not None:
            part["split"] = label
        parts.append(part)
        medians[label] = median
    out = pd.concat(parts, ignore_index=True)
    out.attrs.update(attrs)
    out.attrs["median"] = medians if split is not None else medians[None]
    return out


def _curve(duration: np.ndarray, churned: np.ndarray, entry: np.ndarray, alpha: float) -> tuple[pd.DataFrame, float]:
    """One group's curve rows (:data:`CURVE_COLUMNS`) and its median lifetime."""
    ages = np.arange(int(duration.max()) + 1)
    km = KaplanMeier(alpha).fit(duration, churned, timeline=ages, entry=entry)
    ends = np.bincount(duration, minlength=len(ages))
    events = np.bincount(duration, weights=churned.astype(float), minlength=len(ages))
    entered = np.bincount(entry, minlength=len(ages))
    at_risk = km.population_[np.searchsorted(km.event_table.index.to_numpy(), ages)]
    band = km.confidence_interval_.to_numpy()
    part = pd.DataFrame({
        "age": ages,
        "at_risk": at_risk.astype(np.int64),
        "events": events.astype(np.int64),
        "censored": (ends - events).astype(np.int64),
        "entered": entered.astype(np.int64),
        "survival": km.survival_function_.iloc[:, 0].to_numpy(),
        "lower": band[:, 0],
        "upper": band[:, 1],
    })
    return part, km.median_survival_time_


def median_lifetime(curve: pd.DataFrame, column: str = "survival"):
    """Median lifetime in months from a :func:`survival_curve` (``inf`` if not reached).

    Parameters
    ----------
    curve : DataFrame
        :func:`survival_curve` output.
    column : {"survival", "lower", "upper"}
        ``"lower"`` or ``"upper"``: the ages where the band crosses one half, i.e. the
        band of the median.

    Returns
    -------
    float or dict
        Months; a dict per split group when ``curve`` is split.

    Examples
    --------
    >>> curve = pd.DataFrame({"age": [0, 1, 2, 3], "survival": [1.0, 0.8, 0.5, 0.4]})
    >>> median_lifetime(curve)
    2.0
    """
    def one(rows: pd.DataFrame) -> float:
        return _first_at_or_below(rows["age"].to_numpy(dtype=float), rows[column].to_numpy(), 0.5)

    if "split" in curve:
        return {label: one(rows) for label, rows in curve.groupby("split", sort=True)}
    return one(curve) if len(curve) else math.inf
