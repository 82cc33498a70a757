"""Health scores per account and month under the profiles of ``health.yml``, and the per-account view.

The signals are those of :mod:`cskit.kpi.health` (each 0-1, 1 = healthy, NaN when
unknown). An account's score in a month is ``100 x sum(w x signal) / sum(w)`` over the
signals it has that month, with the weights of its profile; a signal's contribution is
its term ``100 x w x signal / sum(w)``, so the contributions sum to the score. The
default profile gives the same score as :func:`cskit.kpi.health.health_matrix`.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..dataset import Dataset
from ..kpi.health import SIGNALS, HealthConfig, health_signals
from ..kpi.matrix import MonthAxis
from ..options import check_month
from .profiles import BANDS, HealthProfiles, resolve_health

__all__ = ["HealthScores", "score_accounts", "health_view", "dropped_band", "VIEW_COLUMNS"]

#: Columns of :func:`health_view`, then one ``contribution_<signal>`` per signal.
VIEW_COLUMNS = ["account_id", "account_name", "team", "profile", "score", "band",
                "previous_score", "change", "previous_band", "dropped"]


@dataclass(frozen=True)
class HealthScores:
    """Scores of every account and month (rows: ``accounts`` order; columns: the dataset's months).

    Attributes
    ----------
    months : PeriodIndex
    account_ids : Index
    profile : ndarray of int
        Per account, its position in ``profiles``.
    profiles : HealthProfiles
    signals : dict of str to ndarray
        Each signal 0-1 (NaN where unknown), shape (accounts, months).
    weights : ndarray, shape (accounts, signals)
        The profile's weight of each signal of :data:`~cskit.kpi.health.SIGNALS`.
    score : ndarray, shape (accounts, months)
        0-100; NaN where the account does not pay or has no signal.
    band : ndarray of int8, shape (accounts, months)
        0 red, 1 yellow, 2 green (:data:`~cskit.health.profiles.BANDS`), -1 without a score.
    """

    months: pd.PeriodIndex
    account_ids: pd.Index
    profile: np.ndarray
    profiles: HealthProfiles
    signals: dict
    weights: np.ndarray
    score: np.ndarray
    band: np.ndarray

    def known_weight(self, column: int) -> np.ndarray:
        """``sum(w)`` over the signals each account has in month ``column`` (the score's denominator)."""
        total = np.zeros(len(self.account_ids))
        for s, name in enumerate(SIGNALS):
            if name in self.signals:
                total += np.where(np.isnan(self.signals[name][:, column]), 0.0, self.weights[:, s])
        return total

    def contributions(self, column: int) -> dict[str, np.ndarray]:
        """Each signal's share of the score in month ``column`` (0-100 scale; they sum to the score)."""
        denominator = self.known_weight(column)
        out = {}
        for s, name in enumerate(SIGNALS):
            signal = self.signals.get(name)
            value = np.zeros(len(self.account_ids)) if signal is None else np.nan_to_num(signal[:, column])
            with np.errstate(invalid="ignore", divide="ignore"):
                out[name] = np.where(denominator > 0, 100.0 * self.weights[:, s] * value / denominator, np.nan)
            out[name][np.isnan(self.score[:, column])] = np.nan
        return out


def score_accounts(dataset: Dataset, health=None) -> HealthScores:
    """Score every account in every month under the profiles of ``health``.

    Parameters
    ----------
    dataset : Dataset
    health : HealthProfiles, str, Path or None
        Profiles, or a ``health.yml``; None: the data folder's ``health.yml``, else today's weights.

    Returns
    -------
    HealthScores

    Examples
    --------
    >>> from cskit.datasets import load_sample
    >>> from cskit.kpi.health import health_matrix
    >>> data = load_sample()
    >>> scores = score_accounts(data)
    >>> today = health_matrix(data.mrr_by_account, pd.Index(data["accounts"]["account_id"]),
    ...                       {name: data[name] for name in ("usage", "surveys", "tickets")}, MonthAxis(data.months))
    >>> bool(np.allclose(scores.score, today, equal_nan=True))  # the default profile is today's score
    True
    """
    profiles = resolve_health(health, dataset.path)
    accounts = dataset["accounts"]
    account_ids = pd.Index(accounts["account_id"])
    mrr = dataset.mrr_by_account
    tables = {name: dataset[name] for name in ("usage", "surveys", "tickets") if dataset.has(name)}
    signals = health_signals(mrr, account_ids, tables, MonthAxis(dataset.months), HealthConfig())
    chosen = profiles.choose(accounts)
    weights = profiles.weight_matrix(chosen)
    weighted = np.zeros(mrr.shape)
    total = np.zeros(mrr.shape)
    for s, name in enumerate(SIGNALS):
        if name in signals:
            known = ~np.isnan(signals[name])
            weighted += np.where(known, signals[name] * weights[:, s, None], 0.0)
            total += np.where(known, weights[:, s, None], 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        score = np.where(total > 0, 100.0 * weighted / total, np.nan)
    score[~(mrr > 0)] = np.nan
    red_below, green_from = profiles.edges(chosen)
    band = np.where(score < red_below[:, None], 0, np.where(score < green_from[:, None], 1, 2)).astype(np.int8)
    band[np.isnan(score)] = -1
    return HealthScores(dataset.months, account_ids, chosen, profiles, signals, weights, score, band)


def health_view(dataset: Dataset, team: str = "all", month=None, health=None,
                scores: HealthScores | None = None) -> pd.DataFrame:
    """Each paying account of ``team`` in ``month``: score, band, each signal's contribution, change since last month.

    Parameters
    ----------
    dataset : Dataset
    team : str
        A team id, or ``"all"``.
    month : str or None
        ``YYYY-MM`` (default: the data's last month).
    health : HealthProfiles, str, Path or None
        As :func:`score_accounts`.
    scores : HealthScores, optional
        Scores already computed for ``dataset``.

    Returns
    -------
    DataFrame
        :data:`VIEW_COLUMNS` then ``contribution_<signal>`` per signal: ``score`` and the
        contributions on the 0-100 scale (contributions sum to the score), ``band``
        ``red``/``yellow``/``green``, ``previous_*`` of the month before (NaN/empty when the
        account did not have a score then), ``change = score - previous_score``, ``dropped``
        True when the band is worse than the month before. Lowest score first.

    Examples
    --------
    >>> from cskit.datasets import load_sample
    >>> view = health_view(load_sample(), team="cs_smb")
    >>> contributions = view.filter(like="contribution_").sum(axis=1)
    >>> bool(np.allclose(contributions, view["score"])), sorted(view["band"].unique())
    (True, ['green', 'red', 'yellow'])
    """
    scores = scores or score_accounts(dataset, health)
    last = check_month("month", month, within=dataset.months) if month is not None else dataset.months[-1]
    column = int(last.ordinal - scores.months[0].ordinal)
    mask = dataset.account_mask(team) & ~np.isnan(scores.score[:, column])
    accounts = dataset["accounts"]
    previous = column - 1
    before = scores.score[:, previous] if previous >= 0 else np.full(len(accounts), np.nan)
    band_before = scores.band[:, previous] if previous >= 0 else np.full(len(accounts), -1, dtype=np.int8)
    names = np.array([*BANDS, ""], dtype=object)  # -1 (no score) reads as ""
    frame = pd.DataFrame({
        "account_id": accounts["account_id"].to_numpy(), "account_name": accounts["account_name"].to_numpy(),
        "team": accounts["team"].to_numpy(), "profile": np.array(scores.profiles.names, dtype=object)[scores.profile],
        "score": scores.score[:, column], "band": names[scores.band[:, column]],
        "previous_score": before, "change": scores.score[:, column] - before, "previous_band": names[band_before],
        "dropped": (band_before >= 0) & (scores.band[:, column] < band_before),
    })
    for name, values in scores.contributions(column).items():
        frame[f"contribution_{name}"] = values
    frame = frame[mask]
    return frame.sort_values(["score", "account_id"], kind="stable").reset_index(drop=True)


def dropped_band(view: pd.DataFrame) -> pd.DataFrame:
    """The accounts of :func:`health_view` whose band got worse since the month before, lowest score first.

    Examples
    --------
    >>> view = pd.DataFrame({"account_id": ["A", "B"], "score": [30.0, 80.0], "dropped": [True, False]})
    >>> dropped_band(view)["account_id"].tolist()
    ['A']
    """
    return view[view["dropped"]].reset_index(drop=True)
