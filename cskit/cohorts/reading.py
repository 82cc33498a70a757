"""Plain-language readings of cohort results, computed from the data (Markdown bullets).

Every sentence comes from the ``cohort.*`` messages (``content/messages/cohorts.yml``)
in the chosen language; the numbers in it come from the table being read.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..i18n import t
from ..kpi.matrix import safe_divide
from ..kpi.registry import format_points
from ..options import check_lang
from .aged import PERIODS
from .retention import combine_splits, period_of, pooled_curve
from .survival import median_lifetime
from .tables import SPLIT_KEYS, percent, split_label, split_name

#: Loss per period below which a curve counts as flat (fraction per age step).
FLAT_LOSS_PER_MONTH = 0.01
#: Horizon of the cohort comparison (months; quarters use a third of it).
READING_HORIZON_MONTHS = 12
#: Cohorts smaller than this are left out of the best/weakest comparison when possible.
MIN_COHORT_FOR_RANKING = 5


#: Message keys (``content/messages/cohorts.yml``) written out in full, so a search for a key finds its users.
PERIOD_KEYS = {"month": "cohort.period.month", "quarter": "cohort.period.quarter"}
METRIC_KEYS = {"logo": "cohort.metric.logo", "revenue": "cohort.metric.revenue"}
_UNIT_KEYS = {"month": "cohort.unit.month", "quarter": "cohort.unit.quarter"}
_UNIT1_KEYS = {"month": "cohort.unit1.month", "quarter": "cohort.unit1.quarter"}
_AT_KEYS = {"month": "cohort.at.month", "quarter": "cohort.at.quarter"}


def _count(n: int, key: str, key1: str, lang: str) -> str:
    """``24 cohorts`` / ``1 cohort`` (``24個のコホート``): a count with its noun, singular for one."""
    return t(key1, lang) if n == 1 else t(key, lang, n=f"{n:,}")


def already_paying_text(result: pd.DataFrame, lang: str | None = None) -> str:
    """The sentence on the accounts left out because they cannot be aged, or ``""`` if there are none.

    An account already paying in the data's first month without a ``contract_start``
    has an unknown age, so it is in no cohort and no survival curve
    (:mod:`cskit.cohorts`); every cohort result counts them in ``attrs["already_paying"]``.

    Examples
    --------
    >>> result = pd.DataFrame()
    >>> result.attrs["already_paying"] = 1250
    >>> already_paying_text(result, "en")
    '1,250 accounts were already paying when the data starts and have no contract start; their age is unknown, so they are in no cohort and no survival curve.'
    >>> result.attrs["already_paying"] = 0
    >>> already_paying_text(result, "ja")
    ''
    """
    lang = check_lang(lang)
    n = int(result.attrs.get("already_paying", 0))
    if n == 0:
        return ""
    return _count(n, "cohort.already_paying", "cohort.already_paying1", lang)


def late_entry_text(result: pd.DataFrame, lang: str | None = None) -> str:
    """The sentence on the accounts that started before the data (late entry), or ``""``.

    Examples
    --------
    >>> result = pd.DataFrame()
    >>> result.attrs["late_entry"] = 1
    >>> late_entry_text(result, "en")
    '1 account started before the data; it is in the cohort of its contract start and observed from the age it had when the data begins (earlier ages are blank).'
    """
    lang = check_lang(lang)
    n = int(result.attrs.get("late_entry", 0))
    if n == 0:
        return ""
    return _count(n, "cohort.late_entry", "cohort.late_entry1", lang)


def _already_paying_lines(result: pd.DataFrame, lang: str) -> list[str]:
    return [text for text in (late_entry_text(result, lang), already_paying_text(result, lang)) if text]


def _age_text(age: float, period: str, lang: str) -> str:
    """A duration: ``12か月`` / ``12 months`` (``未到達`` / ``not reached`` for inf)."""
    if not np.isfinite(age):
        return t("cohort.not_reached", lang)
    return t(_UNIT1_KEYS[period] if int(age) == 1 else _UNIT_KEYS[period], lang, n=int(age))


def _at_text(age: int, period: str, lang: str) -> str:
    """A point in time: ``12か月目`` / ``month 12``."""
    return t(_AT_KEYS[period], lang, n=int(age))

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
        Output of :func:`~cskit.cohorts.cohort_retention` (with or without ``split``).
    lang : {"ja", "en"} or None
        ``None``: ``$CSKIT_LANG``, else Japanese.

    Returns
    -------
    str
        Markdown bullet lines.

    Examples
    --------
    >>> tidy = pd.DataFrame({"cohort": ["2024-01"] * 3, "age": [0, 1, 2], "cohort_size": 4,
    ...                      "value": [1.0, 0.75, 0.5], "base": 4.0})
    >>> print(retention_reading(tidy, "en"))
    - Across 1 cohort (4 accounts), logo retention (share of accounts still paying) after 2 months is 50%.
    """
    lang = check_lang(lang)
    left_out = _already_paying_lines(tidy, lang)
    if tidy.empty or tidy["value"].notna().sum() == 0:
        return "\n".join("- " + line for line in [t("cohort.no_data", lang), *left_out])
    metric = tidy.attrs.get("metric", "logo")
    period = period_of(tidy)
    whole = combine_splits(tidy) if "split" in tidy else tidy
    curve = pooled_curve(whole)
    horizon = _horizon(curve, period)
    if horizon == 0:
        return "\n".join("- " + line for line in [t("cohort.too_short", lang), *left_out])
    at = curve.set_index("age").loc[horizon]
    age_text = _age_text(horizon, period, lang)
    cohorts = _count(int(at["cohorts"]), "cohort.count.cohorts", "cohort.count.cohort1", lang)
    accounts = _count(int(at["accounts"]), "cohort.count.accounts", "cohort.count.account1", lang)
    overall = t("cohort.overall", lang, cohorts=cohorts, accounts=accounts,
                   metric=t(METRIC_KEYS[metric], lang), age=age_text, value=percent(at["value"]))
    if metric == "revenue":
        overall += (" " if lang == "en" else "") + t("cohort.revenue_above" if at["value"] > 1 else "cohort.revenue_below", lang)
    lines = [overall, *_cohort_comparison(whole, horizon, age_text, lang), *_shape(whole, period, lang)]
    lines += _early_loss(curve.set_index("age")["value"], metric, horizon, period, lang)
    lines += _split_comparison(tidy, horizon, age_text, lang)
    lines += left_out
    return "\n".join("- " + line for line in lines)


def _cohort_comparison(whole: pd.DataFrame, horizon: int, age_text: str, lang: str) -> list[str]:
    """Best and weakest cohort at the horizon, and whether newer cohorts keep better."""
    cells = whole[(whole["age"] == horizon) & whole["value"].notna()]
    ranked = cells[cells["cohort_size"] >= MIN_COHORT_FOR_RANKING]
    ranked = ranked if len(ranked) >= 2 else cells
    if len(ranked) < 2:
        return []
    best, worst = ranked.loc[ranked["value"].idxmax()], ranked.loc[ranked["value"].idxmin()]
    lines = [t("cohort.best_worst", lang, age=age_text, best=best["cohort"], best_value=percent(best["value"]),
                  worst=worst["cohort"], worst_value=percent(worst["value"]))]
    ordered = ranked.sort_values("cohort")
    half = len(ordered) // 2
    old, new = _weighted(ordered.iloc[:half]), _weighted(ordered.iloc[len(ordered) - half:])
    key = "cohort.trend_flat" if abs(new - old) < 0.02 else ("cohort.trend_better" if new > old else "cohort.trend_worse")
    lines.append(t(key, lang, new=percent(new), old=percent(old)))
    return lines


def _shape(whole: pd.DataFrame, period: str, lang: str) -> list[str]:
    """Where the curve flattens, or whether it still falls, levels off or rises."""
    flat_age, recent_loss, last_age = _flattening(whole, period)
    limit = FLAT_LOSS_PER_MONTH * PERIODS[period]
    last = _at_text(last_age, period, lang)
    if flat_age is not None:
        return [t("cohort.flattens", lang, age=_at_text(flat_age, period, lang), limit=format_points(limit), last=last)]
    if not np.isfinite(recent_loss):
        return []
    key = "cohort.rising" if recent_loss < -limit else "cohort.levelling" if recent_loss < limit else "cohort.not_flat"
    return [t(key, lang, loss=format_points(abs(recent_loss)), last=last)]


def _early_loss(values: pd.Series, metric: str, horizon: int, period: str, lang: str) -> list[str]:
    """The share of the loss by the horizon that happens in the first three months (logo only)."""
    early = 3 // PERIODS[period] or 1
    at = values[horizon]
    if metric != "logo" or horizon <= early or 1 - at <= 0.01:
        return []
    share = (1 - values[early]) / (1 - at)
    if share < 0.4:
        return []
    return [t("cohort.early_loss", lang, share=percent(share), horizon=_age_text(horizon, period, lang),
                 early=_age_text(early, period, lang))]


def _split_comparison(tidy: pd.DataFrame, horizon: int, age_text: str, lang: str) -> list[str]:
    """Each split group's pooled value at the horizon, best first."""
    if "split" not in tidy or tidy["split"].nunique() < 2:
        return []
    by_split = pooled_curve(tidy)
    row = by_split[by_split["age"] == horizon].dropna(subset=["value"])
    if len(row) < 2:
        return []
    row = row.sort_values("value", ascending=False)
    split = tidy.attrs.get("split") or "segment"
    names = [split_label(split, group, lang) for group in row["split"]]
    values_text = t("cohort.list_sep", lang).join(f"{name} {percent(v)}" for name, v in zip(names, row["value"]))
    return [t("cohort.splits", lang, split=t(SPLIT_KEYS[split], lang), age=age_text, values=values_text, best=names[0])]


def _weighted(cells: pd.DataFrame) -> float:
    """``base``-weighted mean of the cells' values (plain mean without a base)."""
    if cells["base"].sum() > 0:
        return float(np.average(cells["value"], weights=cells["base"]))
    return float(cells["value"].mean())


def survival_reading(curve: pd.DataFrame, lang: str | None = None, at_age: int = 12) -> str:
    """A plain-language reading of a :func:`~cskit.cohorts.survival_curve`.

    It gives the median lifetime with its band (or the share still paying at the last
    age when half the accounts never churned), the share still paying after ``at_age``
    months with its band, and the censored accounts; with a split, the median per group.

    Parameters
    ----------
    curve : DataFrame
        :func:`~cskit.cohorts.survival_curve` output.
    lang : {"ja", "en"} or None
    at_age : int
        Months after the first paid month at which to read the curve.

    Returns
    -------
    str
        Markdown bullet lines.

    Examples
    --------
    >>> curve = pd.DataFrame({"age": [0, 1, 2], "at_risk": [4, 4, 2], "events": [0, 2, 0],
    ...                       "censored": [0, 0, 2], "survival": [1.0, 0.5, 0.5],
    ...                       "lower": [1.0, 0.2, 0.2], "upper": [1.0, 0.8, 0.8]})
    >>> print(survival_reading(curve, "en"))
    - The median lifetime (time until half the accounts have churned once) is 1 month (95 % band 1 month to not reached).
    - After 2 months, 50% of the accounts are still paying without a break (band 20% to 80%).
    - 2 accounts were still paying in the last month; they are censored, not counted as churned.
    """
    lang = check_lang(lang)
    left_out = _already_paying_lines(curve, lang)
    if curve.empty:
        return "\n".join("- " + line for line in [t("cohort.no_data", lang), *left_out])
    if "split" in curve:
        medians = median_lifetime(curve)
        split = curve.attrs.get("split") or "segment"
        values = t("cohort.list_sep", lang).join(f"{split_label(split, group, lang)} {_age_text(m, 'month', lang)}"
                                                 for group, m in medians.items())
        lines = [t("cohort.survival.split", lang, split=split_name(split, lang), values=values), *left_out]
        return "\n".join("- " + line for line in lines)
    lines = []
    median = median_lifetime(curve)
    if np.isfinite(median):
        low, high = median_lifetime(curve, "lower"), median_lifetime(curve, "upper")
        lines.append(t("cohort.survival.median", lang, median=_age_text(median, "month", lang),
                          low=_age_text(low, "month", lang), high=_age_text(high, "month", lang)))
    else:
        last = curve.iloc[-1]
        lines.append(t("cohort.survival.no_median", lang, age=_age_text(last["age"], "month", lang), value=percent(last["survival"])))
    at = min(at_age, int(curve["age"].max()))
    row = curve.set_index("age").loc[at]
    lines.append(t("cohort.survival.at", lang, age=_age_text(at, "month", lang), value=percent(row["survival"]),
                      low=percent(row["lower"]), high=percent(row["upper"])))
    censored = int(curve["censored"].sum())
    lines.append(t("cohort.survival.censored1", lang) if censored == 1
                 else t("cohort.survival.censored", lang, censored=f"{censored:,}"))
    lines += left_out
    return "\n".join("- " + line for line in lines)
