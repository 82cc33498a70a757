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
    paying in the data's first month are all in that first cohort (their true start
    is before the data).
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
"""
from __future__ import annotations

import io
import json
import math
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import pandas as pd

from .errors import OptionError
from .i18n import resolve_lang, t
from .io import Dataset
from .kpi.export import json_number
from .kpi.matrix import safe_divide

#: Metrics of :func:`cohort_retention`.
METRICS = ("logo", "revenue")
#: Cohort periods and their length in months.
PERIODS = {"month": 1, "quarter": 3}
#: Columns of ``accounts`` a result can be split by.
SPLITS = ("team", "segment", "touch_model")
#: Label of accounts whose split column is empty.
NO_VALUE = "(none)"
#: Columns of the tidy cohort tables (``split`` is added last when splitting).
TIDY_COLUMNS = ["cohort", "age", "cohort_size", "value", "base"]
#: Columns of :func:`survival_curve` (``split`` is added last when splitting).
CURVE_COLUMNS = ["age", "at_risk", "events", "censored", "survival", "lower", "upper"]
#: Columns of :func:`lifetimes`.
LIFETIME_COLUMNS = ["account_id", "cohort", "duration", "churned"]
#: Columns the ``cskit cohort`` command writes.
RECORD_COLUMNS = ["cohort", "age", "cohort_size", "value"]
#: Record formats of :func:`format_records`.
FORMATS = ("csv", "json")


# --------------------------------------------------------------------------- #
# Options
# --------------------------------------------------------------------------- #
def _check_choice(option: str, value, allowed) -> None:
    if value not in allowed:
        raise OptionError(option, value, " | ".join(allowed))


def _check_split(dataset: Dataset, split: str | None) -> None:
    if split is None:
        return
    _check_choice("split", split, SPLITS)
    if split not in available_splits(dataset):
        raise OptionError("split", split, f"accounts has no values in column {split!r}")


def _as_of_months(dataset: Dataset, as_of) -> pd.PeriodIndex:
    """The dataset's months up to ``as_of`` (a ``YYYY-MM`` string or Period; None = all)."""
    months = dataset.months
    if as_of is None:
        return months
    try:
        last = pd.Period(as_of, freq="M")
    except (ValueError, TypeError) as exc:
        raise OptionError("as_of", as_of, "YYYY-MM") from exc
    if not months[0] <= last <= months[-1]:
        raise OptionError("as_of", str(last), f"{months[0]} .. {months[-1]}")
    return months[months <= last]


def available_splits(dataset: Dataset) -> list[str]:
    """Splits of :data:`SPLITS` the dataset can use (the column exists and has a value)."""
    accounts = dataset["accounts"]
    return [s for s in SPLITS if s in accounts and accounts[s].notna().any()]


# --------------------------------------------------------------------------- #
# The aged matrix: one row per paying account, columns = monthly ages
# --------------------------------------------------------------------------- #
@dataclass(frozen=True)
class _Aged:
    """A team's paying accounts, each row shifted to start at its first paid month."""

    account_ids: pd.Index  # accounts with a paid month, in accounts order
    first: np.ndarray  # (n,) position of the first paid month on ``months``
    aged: np.ndarray  # (n, T) MRR at monthly age j; NaN after the last month
    months: pd.PeriodIndex  # the months used (up to as_of)
    split_codes: np.ndarray  # (n,) position in split_labels (zeros without a split)
    split_labels: list[str]

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
        return codes.reshape(-1), end_position, [_cohort_label(int(k), step) for k in keys]


def _cohort_label(key: int, step: int) -> str:
    """``YYYY-MM`` for months, ``YYYY-Qn`` for quarters (``key`` counts periods since 1970)."""
    if step == 1:
        return f"{1970 + key // 12:04d}-{key % 12 + 1:02d}"
    return f"{1970 + key // 4:04d}-Q{key % 4 + 1}"


def _aged(dataset: Dataset, team: str, split: str | None, as_of) -> _Aged:
    months = _as_of_months(dataset, as_of)
    mask = dataset.account_mask(team)
    team_ids = pd.Index(dataset["accounts"]["account_id"][mask])
    mrr = dataset.mrr_by_account[mask, :len(months)]  # the months up to as_of are a prefix
    paying = mrr > 0
    has = paying.any(axis=1)
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
    return _Aged(ids, first, aged, months, np.asarray(codes, dtype=np.int64), labels)


@dataclass(frozen=True)
class _Grid:
    """Sums per group (split x cohort) and monthly age."""

    split: np.ndarray  # (G,) split code of each group
    cohort: np.ndarray  # (G,) cohort label of each group
    size: np.ndarray  # (G,) accounts
    paying: np.ndarray  # (G, T) paying accounts at monthly age j
    revenue: np.ndarray  # (G, T) MRR at monthly age j (money)
    end: np.ndarray  # (G,) position of the cohort's last month


def _grid(aged: _Aged, step: int) -> _Grid:
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
    return _Grid(
        split=groups // n_cohorts,
        cohort=np.asarray(labels, dtype=object)[cohort_code],
        size=np.bincount(group, minlength=n_groups).astype(float),
        paying=paying.reshape(n_groups, n_months),
        revenue=revenue.reshape(n_groups, n_months),
        end=end_position[cohort_code],
    )


def _tidy(grid: _Grid, aged: _Aged, ages: np.ndarray, values: np.ndarray, base: np.ndarray,
          split: str | None, attrs: dict) -> pd.DataFrame:
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


def _empty(split: str | None, attrs: dict, columns=TIDY_COLUMNS) -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype=object if c in ("cohort", "split", "account_id") else float) for c in columns})
    if split is not None:
        frame["split"] = pd.Series(dtype=object)
    frame.attrs.update(attrs)
    return frame


def _n_ages(grid: _Grid, n_months: int, step: int, offset: int) -> int:
    """Ages k with at least one known cell: monthly age ``step * k + offset`` inside the data."""
    known = (n_months - 1 - int(grid.end.min()) - offset) // step + 1
    return max(known, 1)


def _cells(grid: _Grid, n_months: int, step: int, offset: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Ages, monthly-age column per age, and the known-cell mask (groups x ages)."""
    ages = np.arange(_n_ages(grid, n_months, step, offset))
    monthly = ages * step + offset
    known = (grid.end[:, None] + monthly[None, :]) <= n_months - 1
    return ages, np.minimum(monthly, n_months - 1), known


# --------------------------------------------------------------------------- #
# Retention
# --------------------------------------------------------------------------- #
def cohort_retention(
    dataset: Dataset,
    team: str = "all",
    metric: str = "logo",
    period: str = "month",
    split: str | None = None,
    as_of=None,
) -> pd.DataFrame:
    """Retention of each cohort at each age, as a tidy table.

    Parameters
    ----------
    dataset : Dataset
        A loaded dataset (:func:`cskit.io.load_dataset`); uses ``accounts`` and ``mrr``.
    team : str
        ``"all"`` for the company, else a team id (its accounts are
        :meth:`Dataset.account_ids`: ``sales_team`` for sales teams, ``team`` otherwise).
    metric : {"logo", "revenue"}
        ``"logo"``: share of the cohort's accounts paying at age k (fraction 0-1).
        ``"revenue"``: the cohort's MRR at age k over its MRR at age 0 (net; can exceed 1).
    period : {"month", "quarter"}
        ``"month"``: cohorts are calendar months, age k is k months after each
        account's first paid month. ``"quarter"``: cohorts are calendar quarters of the
        first paid month, age k is k quarters (3k months) after each account's own first
        paid month; an account is retained at age k if it pays in month first + 3k.
        Age 0 is therefore always 100 %, and a cell is known only when quarter
        cohort + k is complete in the data.
    split : {None, "team", "segment", "touch_model"}
        Also split the cohorts by this column of ``accounts`` (empty values become
        :data:`NO_VALUE`).
    as_of : str or Period, optional
        Last month to use (``YYYY-MM``); later data is ignored, as if not yet known.
        Default: the data's last month.

    Returns
    -------
    DataFrame
        One row per cohort and age, ages 0 up to the oldest cohort's last known age:

        ``cohort`` (str ``YYYY-MM`` or ``YYYY-Qn``), ``age`` (int, in periods),
        ``cohort_size`` (accounts), ``value`` (fraction; NaN when censored, i.e. the
        cell lies after the last month), ``base`` (the denominator: cohort_size for
        logo, the cohort's MRR at age 0 in money for revenue) and, with ``split``,
        ``split``. ``attrs`` holds ``metric``, ``period``, ``team``, ``split``,
        ``as_of`` and ``kind="retention"``.

    Raises
    ------
    OptionError
        For an unknown ``metric``, ``period`` or ``split``, or ``as_of`` outside the data.
    CskitError
        For an unknown team.

    Examples
    --------
    >>> tidy = cohort_retention(load_dataset("data/sample"), metric="logo")  # doctest: +SKIP
    >>> retention_matrix(tidy).iloc[:3, :4]  # doctest: +SKIP
    """
    _check_choice("metric", metric, METRICS)
    _check_choice("period", period, tuple(PERIODS))
    _check_split(dataset, split)
    step = PERIODS[period]
    aged = _aged(dataset, team, split, as_of)
    attrs = {"kind": "retention", "metric": metric, "period": period, "team": team, "split": split,
             "as_of": str(aged.months[-1])}
    if not len(aged.account_ids):
        return _empty(split, attrs)
    grid = _grid(aged, step)
    ages, monthly, known = _cells(grid, aged.n_months, step, 0)
    if metric == "logo":
        base = grid.size
        numerator = grid.paying[:, monthly]
    else:
        base = grid.revenue[:, 0]
        numerator = grid.revenue[:, monthly]
    values = np.where(known, safe_divide(numerator, base[:, None]), np.nan)
    return _tidy(grid, aged, ages, values, base, split, attrs)


def retention_matrix(tidy: pd.DataFrame) -> pd.DataFrame:
    """The wide cohort matrix: cohorts in rows (oldest first), ages in columns.

    Parameters
    ----------
    tidy : DataFrame
        Output of :func:`cohort_retention` (or :func:`cohort_ltv`).

    Returns
    -------
    DataFrame
        ``value`` per cohort (index ``cohort``; ``split, cohort`` when split) and age
        (columns, named ``age``); censored cells are NaN.
    """
    index = ["split", "cohort"] if "split" in tidy else ["cohort"]
    wide = tidy.pivot(index=index, columns="age", values="value").sort_index()
    wide = wide.reindex(columns=sorted(tidy["age"].unique()))
    wide.columns.name = "age"
    wide.attrs.update(tidy.attrs)
    return wide


def pooled_curve(tidy: pd.DataFrame, method: str = "chain") -> pd.DataFrame:
    """All cohorts pooled into one curve per age (per split group when split).

    Later ages are known for fewer, older cohorts only, so a plain average jumps
    whenever a cohort drops out. The default ``"chain"`` method avoids that the way
    Kaplan-Meier does: each step from age k-1 to k is measured on the cohorts known at
    k, and the steps are chained.

    Parameters
    ----------
    tidy : DataFrame
        :func:`cohort_retention` or :func:`cohort_ltv` output.
    method : {"chain", "mean"}
        ``"chain"``: retention at k = retention at k-1 x (their value at k / their value
        at k-1), weighted by ``base``, over the cohorts known at k; LTV at k = LTV at
        k-1 + the cohorts' average revenue added in step k (per account).
        ``"mean"``: the ``base``-weighted mean of the cohorts known at k.

    Returns
    -------
    DataFrame
        ``age, cohorts, accounts, value`` (``split`` first when split): ``cohorts`` and
        ``accounts`` count the cohorts known at that age and their accounts; ``value``
        in the unit of ``tidy`` (fraction, or money per account).
    """
    _check_choice("method", method, ("chain", "mean"))
    groups = ["split"] if "split" in tidy else []
    known = tidy.dropna(subset=["value"]).sort_values(groups + ["cohort", "age"])
    before = known.groupby(groups + ["cohort"])["value"].shift(1)
    parts = known.assign(_now=known["value"] * known["base"], _before=before * known["base"], _den=known["base"])
    out = parts.groupby(groups + ["age"], sort=True).agg(
        cohorts=("cohort", "size"), accounts=("cohort_size", "sum"),
        _now=("_now", "sum"), _before=("_before", "sum"), _den=("_den", "sum")).reset_index()
    out["value"] = safe_divide(out["_now"].to_numpy(), out["_den"].to_numpy())
    if method == "chain" and len(out):
        additive = tidy.attrs.get("kind") == "ltv"
        chained = []
        for _, rows in (out.groupby(groups, sort=False) if groups else [(None, out)]):
            level = math.nan
            for i, (age, now, prior, den, mean) in enumerate(rows[["age", "_now", "_before", "_den", "value"]].itertuples(index=False)):
                if i == 0 or not np.isfinite(level):
                    level = mean
                elif additive:
                    level = level + safe_divide(now - prior, den).item()
                else:
                    ratio = safe_divide(now, prior).item()
                    level = level * ratio if np.isfinite(ratio) else mean
                chained.append(level)
        out["value"] = chained
    out = out.drop(columns=["_now", "_before", "_den"])
    out.attrs.update(tidy.attrs)
    return out


def combine_splits(tidy: pd.DataFrame) -> pd.DataFrame:
    """Merge the split rows of each cohort and age back into one row per cohort and age.

    Values are averaged with the ``base`` weights, so the result equals the table
    computed without a split.
    """
    parts = tidy.assign(_num=tidy["value"] * tidy["base"])
    out = parts.groupby(["cohort", "age"], sort=True).agg(
        cohort_size=("cohort_size", "sum"), base=("base", "sum"), _num=("_num", lambda s: s.sum(min_count=len(s))))
    out["value"] = safe_divide(out["_num"].to_numpy(), out["base"].to_numpy())
    out = out.drop(columns="_num").reset_index()[TIDY_COLUMNS]
    out.attrs.update({k: v for k, v in tidy.attrs.items() if k != "split"})
    return out


# --------------------------------------------------------------------------- #
# Cohort LTV
# --------------------------------------------------------------------------- #
def cohort_ltv(
    dataset: Dataset,
    team: str = "all",
    period: str = "month",
    split: str | None = None,
    as_of=None,
) -> pd.DataFrame:
    """Cumulative revenue per cohort account by age (money, the dataset's currency).

    The value at age k is the revenue of the cohort's accounts from their first paid
    month through the end of age k (months 0..k, or 0..3k+2 with quarters), divided by
    the cohort size, churned accounts included. A cell is NaN until every account of
    the cohort has lived through age k in the data.

    Parameters
    ----------
    dataset, team, period, split, as_of
        As in :func:`cohort_retention`.

    Returns
    -------
    DataFrame
        ``cohort, age, cohort_size, value, base`` (``split``): value is money per
        account (revenue, not gross margin), base is cohort_size. ``attrs["kind"]`` is
        ``"ltv"`` and ``attrs["currency"]`` the dataset's currency.
    """
    _check_choice("period", period, tuple(PERIODS))
    _check_split(dataset, split)
    step = PERIODS[period]
    aged = _aged(dataset, team, split, as_of)
    attrs = {"kind": "ltv", "metric": "ltv", "period": period, "team": team, "split": split,
             "as_of": str(aged.months[-1]), "currency": dataset.currency}
    if not len(aged.account_ids):
        return _empty(split, attrs)
    grid = _grid(aged, step)
    ages, monthly, known = _cells(grid, aged.n_months, step, step - 1)
    cumulative = np.cumsum(grid.revenue, axis=1)[:, monthly]
    values = np.where(known, safe_divide(cumulative, grid.size[:, None]), np.nan)
    return _tidy(grid, aged, ages, values, grid.size, split, attrs)


# --------------------------------------------------------------------------- #
# Survival (Kaplan-Meier)
# --------------------------------------------------------------------------- #
class KaplanMeier:
    """Kaplan-Meier estimate of a survival function, with the lifelines API.

    Parameters
    ----------
    alpha : float
        1 - confidence level of the band (0.05 gives a 95 % band).

    Attributes
    ----------
    event_table : DataFrame
        Per time: ``at_risk`` (duration >= t), ``observed`` (events at t),
        ``censored`` (censored at t).
    survival_function_ : DataFrame
        S(t) = prod over event times u <= t of (1 - d_u / n_u), indexed by ``timeline``.
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
    """

    def __init__(self, alpha: float = 0.05):
        if not 0 < alpha < 1:
            raise OptionError("alpha", alpha, "0 < alpha < 1")
        self.alpha = alpha

    def fit(self, durations, event_observed=None, timeline=None, label: str = "KM_estimate") -> "KaplanMeier":
        """Estimate S(t) from ``durations`` (>= 0) and ``event_observed`` (1 event, 0 censored).

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
        self._label = label
        times, inverse = np.unique(np.concatenate([[0.0], durations]), return_inverse=True)
        inverse = inverse[1:]
        removed = np.bincount(inverse, minlength=len(times)).astype(float)
        observed = np.bincount(inverse, weights=events.astype(float), minlength=len(times))
        at_risk = len(durations) - np.concatenate([[0.0], np.cumsum(removed)[:-1]])
        self.event_table = pd.DataFrame(
            {"removed": removed, "observed": observed, "censored": removed - observed, "at_risk": at_risk},
            index=pd.Index(times, name="event_at"))
        with np.errstate(divide="ignore", invalid="ignore"):
            factor = np.where(at_risk > 0, 1.0 - observed / np.where(at_risk > 0, at_risk, 1), 1.0)
            survival = np.cumprod(factor)
            variance_terms = observed / (at_risk * (at_risk - observed))
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
    hit = np.flatnonzero(values <= level)
    return float(times[hit[0]]) if len(hit) else math.inf


def lifetimes(dataset: Dataset, team: str = "all", split: str | None = None, as_of=None) -> pd.DataFrame:
    """Each paying account's time to first churn, the input of the survival curve.

    Parameters
    ----------
    dataset, team, split, as_of
        As in :func:`cohort_retention`.

    Returns
    -------
    DataFrame
        ``account_id``, ``cohort`` (``YYYY-MM``), ``duration`` (months: the age of the
        first month with MRR 0 after the first paid month, or, if the account never
        stopped, its last observed age), ``churned`` (True for a first churn, False for
        censored) and ``split`` when split.
    """
    _check_split(dataset, split)
    aged = _aged(dataset, team, split, as_of)
    attrs = {"kind": "lifetimes", "team": team, "split": split, "as_of": str(aged.months[-1])}
    if not len(aged.account_ids):
        return _empty(split, attrs, LIFETIME_COLUMNS)
    stopped = aged.aged == 0  # NaN (after the data) is not a stop
    churned = stopped.any(axis=1)
    duration = np.where(churned, stopped.argmax(axis=1), aged.n_months - 1 - aged.first)
    codes, _, labels = aged.cohorts(1)
    frame = pd.DataFrame({
        "account_id": aged.account_ids.to_numpy(),
        "cohort": np.asarray(labels, dtype=object)[codes],
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
        As in :func:`cohort_retention`.
    alpha : float
        1 - confidence level of the band (default 0.05: 95 %).

    Returns
    -------
    DataFrame
        ``age`` (months since the first paid month), ``at_risk`` (accounts with a
        known state at that age that had not churned before it), ``events`` (first
        churns at that age), ``censored`` (accounts whose data ends at that age),
        ``survival`` (share still paying without a break, 0-1), ``lower`` and
        ``upper`` (the band), and ``split`` when split. ``attrs`` holds ``median``:
        the median lifetime in months (``inf`` if not reached; a dict per split).
    """
    frame = lifetimes(dataset, team, split, as_of)
    attrs = {"kind": "survival", "team": team, "split": split, "as_of": frame.attrs.get("as_of"), "alpha": alpha}
    if frame.empty:
        out = _empty(split, attrs, CURVE_COLUMNS)
        out.attrs["median"] = {} if split else math.inf
        return out
    groups = frame.groupby("split", sort=True) if split is not None else [(None, frame)]
    parts, medians = [], {}
    for label, rows in groups:
        part, median = _curve(rows["duration"].to_numpy(), rows["churned"].to_numpy(), alpha)
        if label is not None:
            part["split"] = label
        parts.append(part)
        medians[label] = median
    out = pd.concat(parts, ignore_index=True)
    out.attrs.update(attrs)
    out.attrs["median"] = medians if split is not None else medians[None]
    return out


def _curve(duration: np.ndarray, churned: np.ndarray, alpha: float) -> tuple[pd.DataFrame, float]:
    ages = np.arange(int(duration.max()) + 1)
    km = KaplanMeier(alpha).fit(duration, churned, timeline=ages)
    ends = np.bincount(duration, minlength=len(ages))
    events = np.bincount(duration, weights=churned.astype(float), minlength=len(ages))
    at_risk = len(duration) - np.concatenate([[0], np.cumsum(ends)[:-1]])
    band = km.confidence_interval_.to_numpy()
    part = pd.DataFrame({
        "age": ages,
        "at_risk": at_risk.astype(np.int64),
        "events": events.astype(np.int64),
        "censored": (ends - events).astype(np.int64),
        "survival": km.survival_function_.iloc[:, 0].to_numpy(),
        "lower": band[:, 0],
        "upper": band[:, 1],
    })
    return part, km.median_survival_time_


def median_lifetime(curve: pd.DataFrame, column: str = "survival"):
    """Median lifetime in months from a :func:`survival_curve` (``inf`` if not reached).

    With ``column="upper"`` or ``"lower"`` the ages where the band crosses one half,
    i.e. the band of the median. Returns a float, or a dict per split when split.
    """
    def one(rows: pd.DataFrame) -> float:
        return _first_at_or_below(rows["age"].to_numpy(dtype=float), rows[column].to_numpy(), 0.5)

    if "split" in curve:
        return {label: one(rows) for label, rows in curve.groupby("split", sort=True)}
    return one(curve) if len(curve) else math.inf


# --------------------------------------------------------------------------- #
# For the command line
# --------------------------------------------------------------------------- #
def cohort_records(
    dataset: Dataset,
    team: str = "all",
    metric: str = "logo",
    period: str = "month",
    as_of=None,
) -> pd.DataFrame:
    """The known cells of :func:`cohort_retention` with the columns the CLI writes.

    Returns
    -------
    DataFrame
        ``cohort, age, cohort_size, value`` (value a fraction), censored cells left out.
    """
    tidy = cohort_retention(dataset, team=team, metric=metric, period=period, as_of=as_of)
    return tidy.dropna(subset=["value"])[RECORD_COLUMNS].reset_index(drop=True)


def format_records(records: pd.DataFrame, fmt: str = "csv") -> str:
    """CSV text (header ``cohort,age,cohort_size,value``) or a JSON list of objects.

    Values are written with 12 significant digits, so the same data always gives the
    same bytes.

    Raises
    ------
    OptionError
        If ``fmt`` is not ``csv`` or ``json``.
    """
    _check_choice("--format", fmt, FORMATS)
    rows = [
        {"cohort": str(cohort), "age": int(age), "cohort_size": int(size), "value": json_number(value)}
        for cohort, age, size, value in records[RECORD_COLUMNS].itertuples(index=False)
    ]
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=1) + "\n"
    buffer = io.StringIO()
    buffer.write(",".join(RECORD_COLUMNS) + "\n")
    for row in rows:
        value = "" if row["value"] is None else repr(row["value"])
        buffer.write(f"{row['cohort']},{row['age']},{row['cohort_size']},{value}\n")
    return buffer.getvalue()


# --------------------------------------------------------------------------- #
# Plain-language readings
# --------------------------------------------------------------------------- #
#: Loss per period below which a curve counts as flat (fraction per age step).
FLAT_LOSS_PER_MONTH = 0.01
#: Horizon of the cohort comparison (months; quarters use a third of it).
READING_HORIZON_MONTHS = 12
#: Cohorts smaller than this are left out of the best/weakest comparison when possible.
MIN_COHORT_FOR_RANKING = 5



#: Message keys (``content/messages/cohorts.yml``) written out in full, so a search for a key finds its users.
PERIOD_KEYS = {"month": "cohort.period.month", "quarter": "cohort.period.quarter"}
METRIC_KEYS = {"logo": "cohort.metric.logo", "revenue": "cohort.metric.revenue"}
SPLIT_KEYS = {"team": "cohort.split.team", "segment": "cohort.split.segment", "touch_model": "cohort.split.touch_model"}
_UNIT_KEYS = {"month": "cohort.unit.month", "quarter": "cohort.unit.quarter"}
_UNIT1_KEYS = {"month": "cohort.unit1.month", "quarter": "cohort.unit1.quarter"}
_AT_KEYS = {"month": "cohort.at.month", "quarter": "cohort.at.quarter"}


def _pct(value: float) -> str:
    return "—" if value is None or not np.isfinite(value) else f"{value * 100:.0f}%"


def _age_text(age: float, period: str, lang: str) -> str:
    """A duration: ``12か月`` / ``12 months`` (``未到達`` / ``not reached`` for inf)."""
    if not np.isfinite(age):
        return t("cohort.not_reached", lang)
    return t(_UNIT1_KEYS[period] if int(age) == 1 else _UNIT_KEYS[period], lang, n=int(age))


def _at_text(age: int, period: str, lang: str) -> str:
    """A point in time: ``12か月目`` / ``month 12``."""
    return t(_AT_KEYS[period], lang, n=int(age))


def _period_of(tidy: pd.DataFrame) -> str:
    if "period" in tidy.attrs:
        return tidy.attrs["period"]
    return "quarter" if tidy["cohort"].astype(str).str.contains("Q").any() else "month"


def _horizon(curve: pd.DataFrame, period: str) -> int:
    """Latest age, at most the reading horizon, that enough cohorts have reached."""
    cap = READING_HORIZON_MONTHS // PERIODS[period]
    enough = min(3, int(curve["cohorts"].max()))
    ages = curve.loc[(curve["cohorts"] >= enough) & (curve["age"] <= cap) & curve["value"].notna(), "age"]
    return int(ages.max()) if len(ages) else 0


def _step_losses(tidy: pd.DataFrame) -> pd.DataFrame:
    """Average loss from age k-1 to k over the cohorts known at k (no mix of cohorts).

    A pooled curve jumps when old cohorts drop out of the later ages; comparing each
    cohort with itself one age earlier avoids that.

    Returns
    -------
    DataFrame
        ``age, cohorts, loss`` (fraction of the age-0 base lost in that step; negative
        when the curve rises).
    """
    ordered = tidy.dropna(subset=["value"]).sort_values(["cohort", "age"])
    before = ordered.groupby("cohort")["value"].shift(1)
    steps = ordered.assign(_loss=(before - ordered["value"]) * ordered["base"]).dropna(subset=["_loss"])
    out = steps.groupby("age").agg(cohorts=("cohort", "size"), _num=("_loss", "sum"), _den=("base", "sum"))
    out["loss"] = safe_divide(out["_num"].to_numpy(), out["_den"].to_numpy())
    return out.drop(columns=["_num", "_den"]).reset_index()


def _flattening(tidy: pd.DataFrame, period: str) -> tuple[int | None, float, int]:
    """Where the curve flattens, using the ages at least three cohorts have reached.

    The curve is flat from age k when every run of six months (two quarters) of steps
    that starts after k loses less than the flat limit per period on average, and at
    least one such run is left in the data. A single dip (a renewal month) inside an
    otherwise flat stretch still counts as flat if its run stays under the limit.

    Returns
    -------
    age : int or None
        None when the curve has not flattened.
    recent_loss : float
        Average loss per period over the last run of steps.
    last_age : int
        The last age used.
    """
    limit = FLAT_LOSS_PER_MONTH * PERIODS[period]
    window = max(2, 6 // PERIODS[period])
    steps = _step_losses(tidy)
    if steps.empty:
        return None, math.nan, 0
    steps = steps[steps["cohorts"] >= min(3, int(steps["cohorts"].max()))].set_index("age")["loss"]
    if len(steps) < window + 1:
        return None, math.nan, int(steps.index.max()) if len(steps) else 0
    last_age = int(steps.index.max())
    runs = steps.rolling(window).mean().dropna()  # indexed by the run's last age
    recent = float(runs.iloc[-1])
    steep = runs[runs >= limit]
    if steep.empty:
        return int(steps.index[0]) - 1, recent, last_age
    # the last steep run covers the steps up to its end; every run starting after its
    # first step is flat, so the curve is flat from that first step's age on
    flat_from = int(steep.index.max()) - window + 1
    return (flat_from if flat_from + window <= last_age else None), recent, last_age


def retention_reading(tidy: pd.DataFrame, lang: str | None = None) -> str:
    """A plain-language reading of a cohort retention table, computed from the data.

    It states the pooled retention at a common horizon (12 months or 4 quarters, or the
    oldest age at least three cohorts have reached), which cohorts kept best and
    least there, whether newer cohorts keep better than older ones, where the curve
    flattens (every later six-month run loses less than 1 point per month on average;
    otherwise whether it is still falling, levelling off or rising), how much of the
    loss by the horizon happens in the first three months, and, with a split, which
    group keeps best.

    Parameters
    ----------
    tidy : DataFrame
        Output of :func:`cohort_retention` (with or without ``split``).
    lang : {"ja", "en"}

    Returns
    -------
    str
        Markdown bullet lines.
    """
    lang = resolve_lang(lang)
    metric = tidy.attrs.get("metric", "logo")
    period = _period_of(tidy) if len(tidy) else tidy.attrs.get("period", "month")
    if tidy.empty or tidy["value"].notna().sum() == 0:
        return "- " + t("cohort.no_data", lang)
    whole = combine_splits(tidy) if "split" in tidy else tidy
    curve = pooled_curve(whole)
    horizon = _horizon(curve, period)
    if horizon == 0:
        return "- " + t("cohort.too_short", lang)
    at = curve.set_index("age").loc[horizon]
    age_text = _age_text(horizon, period, lang)
    lines = [t("cohort.overall", lang, cohorts=int(at["cohorts"]), accounts=f"{int(at['accounts']):,}",
                  metric=t(METRIC_KEYS[metric], lang), age=age_text, value=_pct(at["value"]))]
    if metric == "revenue":
        lines[-1] += (" " if lang == "en" else "") + t("cohort.revenue_above" if at["value"] > 1 else "cohort.revenue_below", lang)

    cells = whole[(whole["age"] == horizon) & whole["value"].notna()]
    ranked = cells[cells["cohort_size"] >= MIN_COHORT_FOR_RANKING]
    ranked = ranked if len(ranked) >= 2 else cells
    if len(ranked) >= 2:
        best, worst = ranked.loc[ranked["value"].idxmax()], ranked.loc[ranked["value"].idxmin()]
        lines.append(t("cohort.best_worst", lang, age=age_text, best=best["cohort"], best_value=_pct(best["value"]),
                          worst=worst["cohort"], worst_value=_pct(worst["value"])))
        ordered = ranked.sort_values("cohort")
        half = len(ordered) // 2
        if half >= 1:
            old = _weighted(ordered.iloc[:half])
            new = _weighted(ordered.iloc[len(ordered) - half:])
            key = "cohort.trend_flat" if abs(new - old) < 0.02 else ("cohort.trend_better" if new > old else "cohort.trend_worse")
            lines.append(t(key, lang, new=_pct(new), old=_pct(old)))

    flat_age, recent_loss, last_age = _flattening(whole, period)
    values = curve.set_index("age")["value"]
    if flat_age is not None:
        limit = t("cohort.points", lang, n=FLAT_LOSS_PER_MONTH * PERIODS[period] * 100)
        lines.append(t("cohort.flattens", lang, age=_at_text(flat_age, period, lang), limit=limit,
                          last=_at_text(last_age, period, lang)))
    elif np.isfinite(recent_loss):
        limit_value = FLAT_LOSS_PER_MONTH * PERIODS[period]
        if recent_loss < -limit_value:
            key = "cohort.rising"
        elif recent_loss < limit_value:
            key = "cohort.levelling"
        else:
            key = "cohort.not_flat"
        lines.append(t(key, lang, loss=t("cohort.points", lang, n=abs(recent_loss) * 100),
                          last=_at_text(last_age, period, lang)))

    early = 3 // PERIODS[period] or 1
    if metric == "logo" and horizon > early and 1 - at["value"] > 0.01:
        share = (1 - values[early]) / (1 - at["value"])
        if share >= 0.4:
            lines.append(t("cohort.early_loss", lang, share=_pct(share), horizon=age_text,
                              early=_age_text(early, period, lang)))

    if "split" in tidy and tidy["split"].nunique() > 1:
        by_split = pooled_curve(tidy)
        row = by_split[by_split["age"] == horizon].dropna(subset=["value"])
        if len(row) >= 2:
            row = row.sort_values("value", ascending=False)
            values_text = ", ".join(f"{s} {_pct(v)}" for s, v in zip(row["split"], row["value"]))
            split_name = t(SPLIT_KEYS[tidy.attrs.get("split") or "segment"], lang)
            lines.append(t("cohort.splits", lang, split=split_name, age=age_text, values=values_text, best=row["split"].iloc[0]))
    return "\n".join("- " + line for line in lines)


def _weighted(cells: pd.DataFrame) -> float:
    return float(np.average(cells["value"], weights=cells["base"])) if cells["base"].sum() > 0 else float(cells["value"].mean())


def survival_reading(curve: pd.DataFrame, lang: str | None = None, at_age: int = 12) -> str:
    """A plain-language reading of a :func:`survival_curve`: median lifetime with its
    band, the share still paying after ``at_age`` months, the censored accounts, and the
    median per split.

    Returns
    -------
    str
        Markdown bullet lines.
    """
    lang = resolve_lang(lang)
    if curve.empty:
        return "- " + t("cohort.no_data", lang)
    lines = []
    if "split" in curve:
        medians = median_lifetime(curve)
        values = ", ".join(f"{s} {_age_text(m, 'month', lang)}" for s, m in medians.items())
        split_name = t(SPLIT_KEYS[curve.attrs.get("split") or "segment"], lang)
        lines.append(t("cohort.survival.split", lang, split=split_name, values=values))
        return "\n".join("- " + line for line in lines)
    median = median_lifetime(curve)
    if np.isfinite(median):
        low, high = median_lifetime(curve, "lower"), median_lifetime(curve, "upper")
        lines.append(t("cohort.survival.median", lang, median=_age_text(median, "month", lang),
                          low=_age_text(low, "month", lang), high=_age_text(high, "month", lang)))
    else:
        last = curve.iloc[-1]
        lines.append(t("cohort.survival.no_median", lang, age=_age_text(last["age"], "month", lang), value=_pct(last["survival"])))
    at = min(at_age, int(curve["age"].max()))
    row = curve.set_index("age").loc[at]
    lines.append(t("cohort.survival.at", lang, age=_age_text(at, "month", lang), value=_pct(row["survival"]),
                      low=_pct(row["lower"]), high=_pct(row["upper"])))
    lines.append(t("cohort.survival.censored", lang, censored=f"{int(curve['censored'].sum()):,}"))
    return "\n".join("- " + line for line in lines)
