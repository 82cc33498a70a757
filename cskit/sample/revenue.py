"""The MRR simulation: a loop over months, vectorised over accounts, and the ``mrr`` table.

Each month paying accounts may churn (more often early in their tenure and, for annual
contracts, at anniversaries), expand (more seats or an add-on per seat) or contract;
new accounts arrive and some churned ones come back. Expansions, renewals and
reactivations are kept as events for :mod:`.sales` to turn into won deals.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from .arrays import table
from .params import CHURN, CONTRACT, EXPAND, RETURN_SHARE
from .world import Revenue, World

__all__ = ["simulate_revenue", "mrr_table"]


@dataclass
class _State:
    """The accounts' situation at the start of a month."""

    seats: np.ndarray
    price: np.ndarray
    tenure: np.ndarray
    last_seats: np.ndarray
    return_at: np.ndarray


@dataclass
class _Hazards:
    """Monthly probabilities per account (segment and health), fixed for the simulation."""

    churn_base: np.ndarray
    p_exp: np.ndarray
    p_con: np.ndarray
    annual: np.ndarray


@dataclass
class _Paths:
    """Seats and price per account and simulated month, and the events of the data months."""

    seats_m: np.ndarray
    price_m: np.ndarray
    expansions: list
    renewals: list
    reactivations: list


def _hazards(w: World) -> _Hazards:
    seg, health = w.acc.seg, w.acc.health
    return _Hazards(
        churn_base=np.asarray(CHURN)[seg] * np.exp(-0.5 * health) / np.exp(0.125),
        p_exp=np.asarray(EXPAND)[seg] * np.exp(0.4 * health) / np.exp(0.08),
        p_con=np.asarray(CONTRACT)[seg] * np.exp(-0.4 * health) / np.exp(0.08),
        annual=seg < 2,
    )


def _month(w: World, s: _State, hz: _Hazards, t: int, paths: _Paths) -> None:
    """Advance every account by month ``t`` (draws in a fixed order)."""
    rng, N, acc = w.rng, w.n, w.acc
    seats, price, tenure = s.seats, s.price, s.tenure
    active = seats > 0
    mult = np.where(tenure <= 3, 1.8, np.where(tenure <= 6, 1.3, 1.0))
    anniv = hz.annual & active & (tenure > 0) & (tenure % 12 == 0)
    mult = mult * np.where(hz.annual, np.where(anniv, 4.0, 0.73), 1.0)
    u = rng.random((4, N))
    churn = active & (u[0] < hz.churn_base * mult)
    stay = active & ~churn
    grow = stay & (tenure >= 2) & (u[1] < hz.p_exp)
    shrink = stay & (tenure >= 2) & ~grow & (u[2] < hz.p_con)
    mrr_before = seats * price
    # expansion: 70 % more seats (upsell), 30 % add-on per seat (cross-sell)
    cross = grow & (u[3] < 0.3)
    up = grow & ~cross
    step = 1.0 + 0.1 + 0.2 * rng.random(N)
    seats = np.where(up, np.ceil(seats * step).astype(np.int64), seats)
    addon = np.asarray([300, 500, 800])[rng.integers(0, 3, N)]
    price = np.where(cross, price + addon, price)
    cut = 1.0 - (0.1 + 0.2 * rng.random(N))
    seats = np.where(shrink, np.maximum(1, np.floor(seats * cut)).astype(np.int64), seats)
    # churn; some churners will come back 3-12 months later
    s.last_seats = np.where(churn, seats, s.last_seats)
    comes_back = churn & (rng.random(N) < RETURN_SHARE)
    s.return_at = np.where(comes_back, t + rng.integers(3, 13, N), s.return_at)
    seats = np.where(churn, 0, seats)
    # arrivals and reactivations
    new = (acc.arrival == t) & acc.billed
    seats = np.where(new, acc.seats0, seats)
    react = (s.return_at == t) & (seats == 0) & ~new
    back_seats = np.maximum(1, np.rint(s.last_seats * (0.6 + 0.4 * rng.random(N)))).astype(np.int64)
    seats = np.where(react, back_seats, seats)
    price = np.where(new | react, acc.price0, price)
    s.return_at = np.where(react, -1, s.return_at)
    tenure = np.where(new | react, 0, tenure)
    paths.seats_m[:, t] = seats
    paths.price_m[:, t] = price
    if t < w.m:
        g = np.flatnonzero(grow & (seats > 0))
        paths.expansions.append((g, np.full(g.size, t), cross[g].astype(np.int64), seats[g] * price[g] - mrr_before[g]))
        a = np.flatnonzero(anniv)
        paths.renewals.append((a, np.full(a.size, t), (~churn[a]).astype(np.int64), mrr_before[a], seats[a] * price[a]))
        r = np.flatnonzero(react)
        paths.reactivations.append((r, np.full(r.size, t), seats[r] * price[r]))
    s.seats, s.price, s.tenure = seats, price, tenure + (seats > 0)


def _cells(w: World, paths: _Paths) -> Revenue:
    """The paid account-months and what later steps need to know about each."""
    N, M, H, acc = w.n, w.m, w.horizon, w.acc
    mrr_m = paths.seats_m * paths.price_m
    paid = mrr_m[:, :M] > 0
    # months until the account stops paying (1..H), H + 1 if not within H
    to_churn = np.full((N, M), H + 1, dtype=np.int64)
    for k in range(H, 0, -1):
        stops = paid & (mrr_m[:, k : M + k] == 0)
        to_churn[stops] = k
    ever_paid = paid.any(axis=1)
    # first month with no MRR after the first paid month (M if none)
    after = (np.arange(M)[None, :] > acc.arrival[:, None]) & ~paid
    first_stop = np.where(after.any(axis=1), after.argmax(axis=1), M)
    first_stop = np.where(ever_paid, first_stop, acc.arrival)
    acc_idx, mon_idx = np.nonzero(paid)  # account-major, month-minor
    return Revenue(
        seats_m=paths.seats_m, mrr_m=mrr_m, first_stop=first_stop, acc_idx=acc_idx, mon_idx=mon_idx,
        cell_mrr=mrr_m[acc_idx, mon_idx], cell_seats=paths.seats_m[acc_idx, mon_idx],
        cell_tc=to_churn[acc_idx, mon_idx], cell_seg=acc.seg[acc_idx], cell_h=acc.health[acc_idx],
        cell_tenure=mon_idx - acc.arrival[acc_idx],
        expansions=paths.expansions, renewals=paths.renewals, reactivations=paths.reactivations,
    )


def simulate_revenue(w: World) -> None:
    """Simulate seats and prices for the period plus :attr:`World.horizon` months (sets ``w.rev``)."""
    N, T = w.n, w.m + w.horizon
    state = _State(seats=np.zeros(N, dtype=np.int64), price=w.acc.price0.copy(), tenure=np.zeros(N, dtype=np.int64),
                   last_seats=np.zeros(N, dtype=np.int64), return_at=np.full(N, -1, dtype=np.int64))
    paths = _Paths(seats_m=np.zeros((N, T), dtype=np.int64), price_m=np.zeros((N, T), dtype=np.int64),
                   expansions=[], renewals=[], reactivations=[])
    hazards = _hazards(w)
    for t in range(T):
        _month(w, state, hazards, t, paths)
    w.rev = _cells(w, paths)


def mrr_table(w: World) -> pa.Table:
    """The ``mrr`` table: one row per account and paid month."""
    rev = w.rev
    return table("mrr", {
        "account_id": w.account_ids.take(pa.array(rev.acc_idx)),
        "month": w.per.month_labels.take(pa.array(rev.mon_idx)),
        "mrr": rev.cell_mrr,
    })
