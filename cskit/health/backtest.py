"""The health score judged on the company's own history.

For each month ``m`` and each account paying in ``m`` with a score, the outcome is
whether, within the next ``H`` months, the account churned (MRR 0) or its MRR fell
below ``(1 - contraction)`` of its MRR in ``m``. A month whose next ``H`` months are not
all in the data is left out (its outcome is unknown, never counted as retained).

The score's AUC is the probability that an account-month that went on to churn scored
lower than one that did not (ties count half): the Mann-Whitney ``U`` of the retained
rows' scores over the churned rows', divided by ``n1 x n2``. Its 95 % confidence
interval is DeLong's (DeLong, DeLong & Clarke-Pearson 1988), from the placement values
of each row; it treats the account-months as independent, so with one account in many
months it is somewhat narrower than it should be.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..dataset import Dataset
from ..kpi.health import SIGNALS
from ..options import check_count, check_fraction
from .profiles import BANDS
from .scores import HealthScores, score_accounts

__all__ = ["DEFAULT_HORIZON", "DEFAULT_CONTRACTION", "Backtest", "backtest", "backtest_rows", "auc_with_ci"]

#: Months ahead an outcome is looked for.
DEFAULT_HORIZON = 3
#: A fall of more than this share of MRR counts as an outcome like a churn.
DEFAULT_CONTRACTION = 0.3
#: Two-sided 95 % normal quantile.
Z95 = 1.959963984540054


def outcomes(mrr: np.ndarray, horizon: int, contraction: float) -> np.ndarray:
    """Per account and month: 1 if the account churned or contracted within the next ``horizon`` months, 0 if not.

    NaN where the next ``horizon`` months are not all in the data or the account does not pay.

    Examples
    --------
    >>> outcomes(np.array([[100.0, 100, 60, 0, 0]]), 2, 0.3)
    array([[ 1.,  1.,  1., nan, nan]])
    >>> outcomes(np.array([[100.0, 100, 80, 80, 90]]), 2, 0.3)
    array([[ 0.,  0.,  0., nan, nan]])
    """
    months = mrr.shape[1]
    lowest = np.full(mrr.shape, np.inf)
    for ahead in range(1, horizon + 1):
        lowest[:, :months - ahead] = np.minimum(lowest[:, :months - ahead], mrr[:, ahead:])
    event = ((lowest <= 0) | (lowest < (1.0 - contraction) * mrr)).astype(float)
    event[:, max(months - horizon, 0):] = np.nan
    event[~(mrr > 0)] = np.nan
    return event


def auc_with_ci(score: np.ndarray, event: np.ndarray) -> tuple[float, float, float]:
    """AUC of a low ``score`` as an alarm for ``event``, with DeLong's 95 % interval.

    Parameters
    ----------
    score : ndarray of float
        Higher = healthier.
    event : ndarray of bool
        True where the outcome happened.

    Returns
    -------
    (auc, lower, upper)
        NaN when either group is empty; the interval is clipped to 0-1.

    Examples
    --------
    Two churned rows scoring 10 and 50, two retained scoring 40 and 90: of the four
    pairs, three have the churned row lower:

    >>> auc_with_ci(np.array([10.0, 50, 40, 90]), np.array([True, True, False, False]))[0]
    0.75
    """
    score, event = np.asarray(score, dtype=float), np.asarray(event, dtype=bool)
    n_event, n_none = int(event.sum()), int((~event).sum())
    if not n_event or not n_none:
        return float("nan"), float("nan"), float("nan")
    ranks = pd.Series(score).rank(method="average").to_numpy()
    within_event = pd.Series(score[event]).rank(method="average").to_numpy()
    within_none = pd.Series(score[~event]).rank(method="average").to_numpy()
    # placement: share of the other group a row ranks above (ties half)
    below_event = (ranks[event] - within_event) / n_none  # retained rows under each churned row
    below_none = (ranks[~event] - within_none) / n_event  # churned rows under each retained row
    auc = float(below_none.mean())
    variance = (np.var(1.0 - below_event, ddof=1) / n_event if n_event > 1 else 0.0) + \
               (np.var(below_none, ddof=1) / n_none if n_none > 1 else 0.0)
    half = Z95 * float(np.sqrt(variance))
    return auc, max(0.0, auc - half), min(1.0, auc + half)


def backtest_rows(scores: HealthScores, mrr: np.ndarray, mask: np.ndarray | None = None,
                  horizon: int = DEFAULT_HORIZON, contraction: float = DEFAULT_CONTRACTION) -> pd.DataFrame:
    """One row per account and month with a score and a known outcome.

    Returns
    -------
    DataFrame
        ``account_id, month, score, band`` (0 red, 1 yellow, 2 green), ``event`` (bool),
        then each signal's value 0-1 (NaN when unknown).
    """
    event = outcomes(mrr, horizon, contraction)
    keep = ~np.isnan(event) & ~np.isnan(scores.score)
    if mask is not None:
        keep &= mask[:, None]
    at, month = np.nonzero(keep)
    frame = pd.DataFrame({
        "account_id": pd.Categorical.from_codes(at, categories=scores.account_ids.astype(str)),
        "month": pd.PeriodIndex(scores.months)[month],
        "score": scores.score[at, month], "band": scores.band[at, month], "event": event[at, month] == 1,
    })
    for name in SIGNALS:
        if name in scores.signals:
            frame[name] = scores.signals[name][at, month]
    return frame


@dataclass(frozen=True)
class Backtest:
    """What :func:`backtest` found.

    Attributes
    ----------
    summary : dict
        ``rows, events, base_rate, auc, auc_lower, auc_upper, red_lift, red_precision,
        red_recall, horizon, contraction, first_month, last_month, left_out``
        (``left_out``: paying account-months with a score whose outcome lies after the data).
    bands : DataFrame
        ``band, rows, events, rate, lift`` (rate = events / rows; lift = rate / base rate).
    signals : DataFrame
        ``signal, rows, auc, lower, upper``: each signal alone, on the rows where it is known.
    rows : DataFrame
        :func:`backtest_rows`.
    """

    summary: dict
    bands: pd.DataFrame
    signals: pd.DataFrame
    rows: pd.DataFrame


def backtest(dataset: Dataset, team: str = "all", horizon: int = DEFAULT_HORIZON,
             contraction: float = DEFAULT_CONTRACTION, health=None, scores: HealthScores | None = None) -> Backtest:
    """Score every past month of ``team``'s accounts and compare with what happened in the next ``horizon`` months.

    Parameters
    ----------
    dataset : Dataset
    team : str
        A team id or ``"all"``.
    horizon : int
        Months ahead (>= 1; default 3).
    contraction : float
        An MRR fall of more than this share (0-1] counts as an outcome too (default 0.3;
        1 counts churn only).
    health : HealthProfiles, str, Path or None
        As :func:`cskit.health.scores.score_accounts`.
    scores : HealthScores, optional
        Scores already computed for ``dataset``.

    Returns
    -------
    Backtest

    Examples
    --------
    >>> from cskit.datasets import load_sample
    >>> result = backtest(load_sample(), horizon=3)
    >>> 0.5 < result.summary["auc"] <= 1, result.bands["band"].tolist()
    (True, ['red', 'yellow', 'green'])
    """
    horizon = check_count("horizon", horizon)
    contraction = check_fraction("contraction", contraction)
    scores = scores or score_accounts(dataset, health)
    mrr = dataset.mrr_by_account
    mask = dataset.account_mask(team)
    rows = backtest_rows(scores, mrr, mask, horizon, contraction)
    scored = ~np.isnan(scores.score) & mask[:, None]
    left_out = int(scored.sum()) - len(rows)
    return _judge(rows, horizon, contraction, left_out)


def _judge(rows: pd.DataFrame, horizon: int, contraction: float, left_out: int) -> Backtest:
    event = rows["event"].to_numpy()
    band = rows["band"].to_numpy()
    base = float(event.mean()) if len(rows) else float("nan")
    counts = np.bincount(band, minlength=3)[:3]
    events = np.bincount(band, weights=event, minlength=3)[:3]
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = events / counts
    bands = pd.DataFrame({"band": list(BANDS), "rows": counts.astype(int), "events": events.astype(int),
                          "rate": rate, "lift": rate / base if base > 0 else np.nan})
    auc, lower, upper = auc_with_ci(rows["score"].to_numpy(), event)
    signals = []
    for name in SIGNALS:
        if name in rows.columns:
            known = ~np.isnan(rows[name].to_numpy())
            signals.append((name, int(known.sum()), *auc_with_ci(rows[name].to_numpy()[known], event[known])))
    red_events = float(events[0])
    summary = {
        "rows": len(rows), "events": int(event.sum()), "base_rate": base,
        "auc": auc, "auc_lower": lower, "auc_upper": upper,
        "red_lift": float(bands["lift"].iloc[0]),
        "red_precision": float(red_events / counts[0]) if counts[0] else float("nan"),
        "red_recall": float(red_events / event.sum()) if event.sum() else float("nan"),
        "horizon": horizon, "contraction": contraction,
        "first_month": str(rows["month"].min()) if len(rows) else "", "last_month": str(rows["month"].max()) if len(rows) else "",
        "left_out": left_out,
    }
    return Backtest(summary, bands, pd.DataFrame(signals, columns=["signal", "rows", "auc", "lower", "upper"]), rows)
