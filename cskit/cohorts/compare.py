"""Comparing survival between groups: log-rank test, pairwise with Holm, and RMST.

All three read the same risk sets as :class:`~.survival.KaplanMeier` with delayed entry:
at time t, group g has n_g(t) subjects with entry < t <= duration (entrants at the
first time included, lifelines' convention) and d_g(t) events.
The array functions (:func:`logrank_test`, :func:`pairwise_logrank`,
:func:`restricted_mean`) take lifelines' arguments so the numbers can be compared with
``lifelines.statistics`` and ``lifelines.utils.restricted_mean_survival_time``;
:func:`survival_comparison` applies them to :func:`~.survival.lifetimes` of a split.

Formulas
--------
log-rank (G groups)
    Over the distinct event times t, with N = sum_g n_g, D = sum_g d_g:
    O_g - E_g = sum_t (d_g - D n_g / N), and
    V_gh = sum_t D (N - D) / (N - 1) * n_g / N * (1[g = h] - n_h / N).
    The statistic is Z' V^- Z over the first G - 1 groups (V^- the pseudo-inverse),
    chi-squared with G - 1 degrees of freedom under equal survival.
Holm
    The m pairwise p-values sorted ascending p_(1) <= ... <= p_(m) become
    max over j <= i of min(1, (m - j + 1) p_(j)) (step-down, controls the family-wise
    error rate).
RMST(tau)
    The area under the Kaplan-Meier curve from 0 to tau (months): the expected months
    paid out of the first tau. Its variance is the Greenwood-type estimator
    sum over event times t_j < tau of A_j^2 d_j / (n_j (n_j - d_j)), with A_j the area
    under the curve from t_j to tau (Klein & Moeschberger, eq. 4.5.1; R's survRM2);
    the interval is RMST -/+ z * sqrt(variance). It is NaN when tau lies beyond the
    group's last observed time while the curve is still above 0 (the curve there is
    unknown). lifelines' ``return_variance=True`` gives instead the variance of
    min(T, tau) itself, which is n times this one when nothing is censored.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from itertools import combinations
from statistics import NormalDist

import numpy as np
import pandas as pd

from ..errors import CskitError
from ..i18n import t
from ..options import check_fraction, check_lang

#: Columns of :attr:`Comparison.pairwise`.
PAIRWISE_COLUMNS = ["a", "b", "statistic", "p_value", "p_holm"]
#: Columns of :attr:`Comparison.rmst`.
RMST_COLUMNS = ["split", "months", "rmst", "lower", "upper"]
#: Default RMST horizons (months).
RMST_MONTHS = (12, 24)
#: Significance level of the written reading.
READING_ALPHA = 0.05


def _arrays(durations, event_observed, entry):
    durations = np.asarray(durations, dtype=float).reshape(-1)
    events = (np.ones(len(durations), dtype=bool) if event_observed is None
              else np.asarray(event_observed).reshape(-1).astype(bool))
    entry = np.zeros(len(durations)) if entry is None else np.asarray(entry, dtype=float).reshape(-1)
    return durations, events, entry


def _risk_sets(durations, events, entry, codes, n_groups):
    """Distinct event times, subjects at risk n (times x groups) and events d (times x groups)."""
    times = np.unique(durations[events])
    n = np.zeros((len(times), n_groups))
    d = np.zeros((len(times), n_groups))
    first = min(entry.min(), durations.min()) if len(durations) else 0.0
    for g in range(n_groups):
        rows = codes == g
        n[:, g] = (np.searchsorted(np.sort(entry[rows]), times, side="left")  # entered before t
                   + (times == first) * (entry[rows] == first).sum()  # at the first time, entrants are at risk
                   - np.searchsorted(np.sort(durations[rows]), times, side="left"))
        d[:, g] = np.bincount(np.searchsorted(times, durations[rows & events]), minlength=len(times))[:len(times)]
    return times, n, d


def _chi2_sf(statistic: float, df: int) -> float:
    from scipy.stats import chi2

    return float(chi2.sf(statistic, df))


def logrank_test(durations, groups, event_observed=None, entry=None) -> dict:
    """Log-rank test of equal survival across all groups (with delayed entry).

    Parameters
    ----------
    durations : array-like
        Time of the event or censoring (months, >= 0).
    groups : array-like
        Group of each subject (two or more distinct values).
    event_observed : array-like of bool, optional
        1 for an event, 0 for censored (default: all events).
    entry : array-like, optional
        Time each subject enters the risk set (default 0).

    Returns
    -------
    dict
        ``statistic`` (chi-squared), ``df`` (groups - 1) and ``p_value``.

    Examples
    --------
    >>> result = logrank_test([1, 2, 3, 4, 2, 5, 6, 7], ["a"] * 4 + ["b"] * 4)
    >>> round(result["statistic"], 4), result["df"], round(result["p_value"], 4)
    (3.6581, 1, 0.0558)
    """
    durations, events, entry = _arrays(durations, event_observed, entry)
    codes, labels = pd.factorize(pd.Series(np.asarray(groups, dtype=object).reshape(-1)), sort=True)
    n_groups = len(labels)
    if n_groups < 2:
        raise CskitError("survival.one_group", split="groups", group=", ".join(map(str, labels)))
    _, n, d = _risk_sets(durations, events, entry, codes, n_groups)
    total, dead = n.sum(axis=1), d.sum(axis=1)
    keep = total > 0
    n, d, total, dead = n[keep], d[keep], total[keep], dead[keep]
    expected = n * (dead / total)[:, None]
    z = (d - expected).sum(axis=0)
    factor = np.where(total > 1, dead * (total - dead) / np.where(total > 1, total - 1, 1), 0.0)
    share = n / total[:, None]
    variance = np.diag((factor[:, None] * share).sum(axis=0)) - (share * factor[:, None]).T @ share
    statistic = float(z[:-1] @ np.linalg.pinv(variance[:-1, :-1]) @ z[:-1])
    df = n_groups - 1
    return {"statistic": statistic, "df": df, "p_value": _chi2_sf(statistic, df)}


def holm(p_values) -> np.ndarray:
    """Holm step-down adjusted p-values, in the input order.

    Examples
    --------
    >>> holm([0.01, 0.04, 0.03]).round(3).tolist()
    [0.03, 0.06, 0.06]
    """
    p = np.asarray(p_values, dtype=float)
    m = len(p)
    order = np.argsort(p, kind="stable")
    adjusted = np.minimum(1.0, np.maximum.accumulate((m - np.arange(m)) * p[order]))
    out = np.empty(m)
    out[order] = adjusted
    return out


def pairwise_logrank(durations, groups, event_observed=None, entry=None) -> pd.DataFrame:
    """Log-rank test for every pair of groups, with Holm-adjusted p-values.

    Returns
    -------
    DataFrame
        :data:`PAIRWISE_COLUMNS`: ``a`` and ``b`` (the groups, sorted), ``statistic``
        (chi-squared, 1 df), ``p_value`` and ``p_holm``.

    Examples
    --------
    >>> pairwise_logrank([1, 2, 3, 4, 2, 5, 6, 7], ["a"] * 4 + ["b"] * 4)[["a", "b", "p_holm"]].round(4)
       a  b  p_holm
    0  a  b  0.0558
    """
    durations, events, entry = _arrays(durations, event_observed, entry)
    groups = np.asarray(groups, dtype=object).reshape(-1)
    rows = []
    for a, b in combinations(sorted(pd.unique(groups)), 2):
        pick = (groups == a) | (groups == b)
        result = logrank_test(durations[pick], groups[pick], events[pick], entry[pick])
        rows.append({"a": a, "b": b, "statistic": result["statistic"], "p_value": result["p_value"]})
    out = pd.DataFrame(rows, columns=PAIRWISE_COLUMNS[:-1])
    out["p_holm"] = holm(out["p_value"].to_numpy()) if len(out) else pd.Series(dtype=float)
    return out


def restricted_mean(durations, months: float, event_observed=None, entry=None, alpha: float = 0.05) -> dict:
    """Restricted mean survival time up to ``months`` from the Kaplan-Meier curve, with its interval.

    Parameters
    ----------
    durations, event_observed, entry
        As in :func:`logrank_test`.
    months : float
        The horizon tau (> 0), in the unit of ``durations``.
    alpha : float
        1 - confidence level of the interval.

    Returns
    -------
    dict
        ``rmst`` (months), ``variance`` (months squared), ``lower`` and ``upper``.

    Examples
    --------
    Four subjects leaving at 1, 2, 3, 4: S = 1, .75, .5, .25 on [0, 1), [1, 2), [2, 3),
    [3, 4); the area up to 3 is 1 + .75 + .5:

    >>> result = restricted_mean([1, 2, 3, 4], 3)
    >>> result["rmst"], round(result["variance"], 6)
    (2.25, 0.171875)
    """
    durations, events, entry = _arrays(durations, event_observed, entry)
    check_fraction("alpha", alpha, high=0.5)
    tau = float(months)
    times, n, d = _risk_sets(durations, events, entry, np.zeros(len(durations), dtype=int), 1)
    n, d = n[:, 0], d[:, 0]
    before = times < tau
    times, n, d = times[before], n[before], d[before]
    with np.errstate(divide="ignore", invalid="ignore"):
        survival = np.cumprod(np.where(n > 0, 1 - d / np.where(n > 0, n, 1), 1.0))
    if len(durations) == 0 or (tau > durations.max() and (not len(survival) or survival[-1] > 0)):
        return {"rmst": math.nan, "variance": math.nan, "lower": math.nan, "upper": math.nan}
    points = np.concatenate([[0.0], times])
    levels = np.concatenate([[1.0], survival])
    widths = np.diff(np.concatenate([points, [tau]]))
    areas = levels * widths
    rmst = float(areas.sum())
    after = np.cumsum(areas[::-1])[::-1][1:]  # area from each event time to tau
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = after ** 2 * d / (n * (n - d))
    variance = float(np.nansum(np.where(np.isfinite(terms), terms, 0.0)))
    z = NormalDist().inv_cdf(1 - alpha / 2)
    spread = z * math.sqrt(variance)
    return {"rmst": rmst, "variance": variance, "lower": rmst - spread, "upper": rmst + spread}


def check_rmst_months(months) -> list[int]:
    """Parse ``--rmst`` (``"12,24"`` or a list) into positive whole months.

    Raises
    ------
    CskitError
        ``survival.bad_rmst`` for anything that is not a positive whole number of months.

    Examples
    --------
    >>> check_rmst_months("12, 24"), check_rmst_months([6])
    ([12, 24], [6])
    """
    parts = [str(p).strip() for p in (months.split(",") if isinstance(months, str) else months)]
    if not parts or not all(p.isdigit() and int(p) > 0 for p in parts):
        raise CskitError("survival.bad_rmst", value=months if isinstance(months, str) else ",".join(parts))
    return sorted({int(p) for p in parts})


@dataclass
class Comparison:
    """The survival comparison of a split's groups (:func:`survival_comparison`)."""

    split: str | None
    groups: list[str]
    test: dict | None = None  # statistic, df, p_value
    pairwise: pd.DataFrame | None = None  # PAIRWISE_COLUMNS
    rmst: pd.DataFrame | None = None  # RMST_COLUMNS
    alpha: float = 0.05
    extra: dict = field(default_factory=dict)


def survival_comparison(life: pd.DataFrame, test: bool = True, months=RMST_MONTHS, alpha: float = 0.05) -> Comparison:
    """Compare the survival of the groups of a split :func:`~.survival.lifetimes`.

    Parameters
    ----------
    life : DataFrame
        :func:`~.survival.lifetimes` output, with ``split`` to test (``entry`` is used
        as the delayed entry).
    test : bool
        Run the log-rank test across all groups and pairwise (needs two groups or more).
    months : sequence of int or None
        RMST horizons (months); ``None`` or empty: no RMST.
    alpha : float
        1 - confidence level of the RMST intervals.

    Returns
    -------
    Comparison
        ``test`` ({statistic, df, p_value}), ``pairwise`` (:data:`PAIRWISE_COLUMNS`),
        ``rmst`` (:data:`RMST_COLUMNS`: ``split`` is None without a split), each None
        when not asked for.

    Raises
    ------
    CskitError
        ``survival.one_group`` for a test on a split with fewer than two groups.

    Examples
    --------
    >>> from cskit.cohorts import lifetimes
    >>> from cskit.datasets import load_cohort_example
    >>> life = lifetimes(load_cohort_example())
    >>> survival_comparison(life, test=False, months=[3]).rmst
      split  months  rmst  lower  upper
    0  None       3   2.4    ...    ...
    """
    split = life.attrs.get("split") if "split" in life else None
    groups = sorted(life["split"].unique().tolist()) if split is not None else []
    out = Comparison(split, groups, alpha=alpha)
    durations, events, entry = (life["duration"].to_numpy(float), life["churned"].to_numpy(bool),
                                life["entry"].to_numpy(float))
    if test:
        if split is None or len(groups) < 2:
            raise CskitError("survival.one_group", split=split or "-", group=", ".join(map(str, groups)) or "-")
        labels = life["split"].to_numpy(object)
        out.test = logrank_test(durations, labels, events, entry)
        out.pairwise = pairwise_logrank(durations, labels, events, entry)
    if months:
        rows = []
        parts = [(g, (life["split"] == g).to_numpy()) for g in groups] if split is not None else [(None, slice(None))]
        for group, pick in parts:
            for tau in months:
                result = restricted_mean(durations[pick], tau, events[pick], entry[pick], alpha)
                rows.append({"split": group, "months": int(tau), "rmst": result["rmst"],
                             "lower": result["lower"], "upper": result["upper"]})
        out.rmst = pd.DataFrame(rows, columns=RMST_COLUMNS)
    return out


def _p_text(p: float) -> str:
    return "< 0.001" if p < 0.001 else f"= {p:.3f}"


def comparison_reading(comparison: Comparison, lang: str | None = None) -> str:
    """The log-rank test in plain words (Markdown bullets), or ``""`` without a test.

    Examples
    --------
    >>> comparison = Comparison("touch_model", ["high", "tech"], test={"statistic": 8.8, "df": 1, "p_value": 0.003})
    >>> print(comparison_reading(comparison, "en"))
    - The difference in survival between touch models is larger than chance would explain: p = 0.003 (log-rank test: chi-squared 8.80, df 1).
    """
    from .tables import split_label

    lang = check_lang(lang)
    if comparison.test is None:
        return ""
    split = comparison.split or ""
    plural_keys = {"team": "survival.groups.team", "segment": "survival.groups.segment",
                   "touch_model": "survival.groups.touch_model"}
    what = t(plural_keys[split], lang) if split in plural_keys else t("survival.groups.other", lang, split=split)
    test = comparison.test
    key = "survival.test.differs" if test["p_value"] < READING_ALPHA else "survival.test.chance"
    lines = [t(key, lang, groups=what, p=_p_text(test["p_value"]), statistic=f"{test['statistic']:.2f}", df=test["df"])]
    if comparison.pairwise is not None and len(comparison.pairwise) > 1:
        differing = comparison.pairwise[comparison.pairwise["p_holm"] < READING_ALPHA]
        if len(differing):
            pairs = ", ".join(f"{split_label(split, a, lang)} / {split_label(split, b, lang)} (p {_p_text(p)})"
                              for a, b, p in differing[["a", "b", "p_holm"]].itertuples(index=False))
            lines.append(t("survival.test.pairs", lang, pairs=pairs))
        else:
            lines.append(t("survival.test.no_pair", lang))
    return "\n".join("- " + line for line in lines)
