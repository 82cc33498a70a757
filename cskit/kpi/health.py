"""Account health score: 0-100 from usage, survey, ticket and MRR-trend signals.

Each signal is scaled to 0-1 (1 = healthy), then averaged with the weights below over
the signals an account has that month (a missing signal is left out and the other
weights are rescaled, so an account without surveys is not punished for it). The
same weights and threshold are stated in the registry's ``health_score`` definition.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .matrix import MonthAxis, dense, safe_divide

DEFAULT_WEIGHTS = {"usage": 0.4, "survey": 0.2, "tickets": 0.15, "mrr_trend": 0.25}
#: The signals a health score can weigh, in the order they are computed and shown.
SIGNALS = tuple(DEFAULT_WEIGHTS)


@dataclass(frozen=True)
class HealthConfig:
    """Weights and limits of the health score.

    Parameters
    ----------
    weights : dict
        Weight per signal (``usage``, ``survey``, ``tickets``, ``mrr_trend``); need not sum to 1.
    at_risk_below : float
        Accounts scoring under this (0-100) are listed as at risk.
    ticket_cap : int
        Tickets in the last 3 months at which the ticket signal reaches 0.
    trend_months : int
        MRR trend compares this month with this many months before.

    Examples
    --------
    >>> HealthConfig(at_risk_below=50).weights["usage"]
    0.4
    """

    weights: dict = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    at_risk_below: float = 40.0
    ticket_cap: int = 5
    trend_months: int = 3


def health_signals(
    mrr: np.ndarray,
    account_ids: pd.Index,
    tables: dict[str, pd.DataFrame],
    axis: MonthAxis,
    config: HealthConfig,
    rows: dict[str, np.ndarray] | None = None,
) -> dict[str, np.ndarray]:
    """Each signal as an (accounts x months) matrix scaled 0-1, NaN where unknown.

    ``rows`` optionally gives, per table, the position in ``account_ids`` of each row's
    account (as ``account_ids.get_indexer`` would), when the caller has it already.

    Examples
    --------
    An account whose MRR grew by half in three months, using 8 of its 10 seats:

    >>> axis = MonthAxis(pd.period_range("2024-01", "2024-04", freq="M"))
    >>> usage = pd.DataFrame({"account_id": ["A1"], "month": pd.PeriodIndex(["2024-04"], freq="M"),
    ...                       "active_users": [8], "licensed_seats": [10]})
    >>> signals = health_signals(np.array([[100.0, 100.0, 100.0, 150.0]]), pd.Index(["A1"]), {"usage": usage},
    ...                          axis, HealthConfig())
    >>> {name: float(values[0, -1]) for name, values in signals.items()}
    {'usage': 0.8, 'mrr_trend': 0.75}
    """
    return dict(_signals(mrr, account_ids, tables, axis, config, rows or {}))


def _signals(mrr, account_ids, tables, axis, config, rows):
    """Yield ``(name, signal)`` one at a time, so a caller can fold them without holding all."""
    shape = mrr.shape

    def account_rows(name: str) -> np.ndarray:
        return rows[name] if name in rows else account_ids.get_indexer(tables[name]["account_id"])

    if "usage" in tables:
        usage = tables["usage"]
        at, cols = account_rows("usage"), axis.positions(usage["month"])
        yield "usage", np.clip(
            safe_divide(dense(at, cols, usage["active_users"].to_numpy(), shape, "last"),
                        dense(at, cols, usage["licensed_seats"].to_numpy(), shape, "last")), 0, 1)
    if "surveys" in tables:
        surveys = tables["surveys"]
        order = np.argsort(surveys["date"].to_numpy(), kind="stable")
        score = surveys["score"].to_numpy(dtype=float)[order]
        scaled = np.where(surveys["survey"].to_numpy()[order] == "nps", score / 10.0, (score - 1) / 4.0)
        latest = dense(account_rows("surveys")[order], axis.positions_of_dates(surveys["date"])[order], scaled, shape, "last")
        yield "survey", _forward_fill(latest)  # the latest answer so far
    if "tickets" in tables:
        tickets = tables["tickets"]
        counts = dense(account_rows("tickets"), axis.positions_of_dates(tickets["opened_at"]), None, shape)
        last3 = counts.copy()  # this month and the two before
        last3[:, 1:] += counts[:, :-1]
        last3[:, 2:] += counts[:, :-2]
        del counts
        yield "tickets", 1.0 - np.minimum(last3, config.ticket_cap) / config.ticket_cap
    lag = config.trend_months
    if shape[1] > lag:
        trend = np.full(shape, np.nan)
        change = safe_divide(mrr[:, lag:] - mrr[:, :-lag], mrr[:, :-lag])
        trend[:, lag:] = 0.5 + 0.5 * np.clip(change, -1, 1)
        yield "mrr_trend", trend


def _forward_fill(values: np.ndarray) -> np.ndarray:
    """Carry each row's last known value forward along the months (axis 1)."""
    positions = np.where(~np.isnan(values), np.arange(values.shape[1]), 0)
    np.maximum.accumulate(positions, axis=1, out=positions)
    filled = values[np.arange(values.shape[0])[:, None], positions]
    return filled


def health_matrix(
    mrr: np.ndarray,
    account_ids: pd.Index,
    tables: dict[str, pd.DataFrame],
    axis: MonthAxis,
    config: HealthConfig = HealthConfig(),
    rows: dict[str, np.ndarray] | None = None,
) -> np.ndarray:
    """Health score 0-100 per account and month; NaN for months the account does not pay.

    Parameters
    ----------
    mrr : ndarray, shape (accounts, months)
    account_ids : Index
        Row order of ``mrr``.
    tables : dict
        ``usage``, ``surveys``, ``tickets`` rows of these accounts (those present).
    axis : MonthAxis
        The months of ``mrr``'s columns.
    config : HealthConfig
        Weights and limits.
    rows : dict, optional
        As :func:`health_signals`.

    Returns
    -------
    ndarray of float, shape (accounts, months)
        Score 0-100 (100 = healthy).

    Examples
    --------
    The account of :func:`health_signals`: (0.8 x 0.4 + 0.75 x 0.25) / (0.4 + 0.25):

    >>> axis = MonthAxis(pd.period_range("2024-01", "2024-04", freq="M"))
    >>> usage = pd.DataFrame({"account_id": ["A1"], "month": pd.PeriodIndex(["2024-04"], freq="M"),
    ...                       "active_users": [8], "licensed_seats": [10]})
    >>> health_matrix(np.array([[100.0, 100.0, 100.0, 150.0]]), pd.Index(["A1"]), {"usage": usage}, axis).round(1)
    array([[ nan,  nan,  nan, 78.1]])
    """
    weighted = np.zeros(mrr.shape)
    weight_sum = np.zeros(mrr.shape)
    for name, signal in _signals(mrr, account_ids, tables, axis, config, rows or {}):
        weight = float(config.weights.get(name, 0.0))
        known = ~np.isnan(signal)
        weighted += np.where(known, signal * weight, 0.0)
        weight_sum += np.where(known, weight, 0.0)
        del signal, known
    score = 100.0 * safe_divide(weighted, weight_sum)
    del weighted, weight_sum
    score[~(mrr > 0)] = np.nan
    return score
