"""After the sale: product usage, onboarding, support tickets and surveys (NPS and CSAT)."""
from __future__ import annotations

import numpy as np
import pyarrow as pa

from .arrays import ids, stable_order, table, take
from .calendar import business_day, timestamps
from .params import NPS_RESPONSE, ONBOARDING_DAYS, SURVEYS, TICKET_CHANNELS, TICKET_TEAMS, TICKETS
from .world import Tickets, World

__all__ = ["usage_table", "onboarding_table", "tickets_table", "surveys_table"]

#: Relative ticket volume per hour of the day (0..23).
_HOUR_WEIGHT = (1, 1, 1, 1, 1, 1, 2, 4, 8, 12, 12, 11, 8, 11, 12, 12, 11, 10, 7, 5, 3, 2, 1, 1)
#: Ticket channel shares (phone, email, chat) per segment.
_CHANNEL_P = ((0.40, 0.40, 0.20), (0.25, 0.45, 0.30), (0.15, 0.45, 0.40))


def usage_table(w: World) -> pa.Table:
    """The ``usage`` table: active users of the licensed seats per paid account-month.

    Healthy accounts use more; usage ramps up over the first months and falls in the
    three months before an account stops paying.
    """
    rng, rev, H = w.rng, w.rev, w.horizon
    share = 1.0 / (1.0 + np.exp(-(1.0 + 0.8 * rev.cell_h)))
    ramp = np.minimum(1.0, 0.55 + 0.15 * rev.cell_tenure)
    decline = np.asarray([1.0, 0.5, 0.7, 0.85, 1.0])[np.minimum(rev.cell_tc, H + 1)]
    share = np.clip(share * ramp * decline + 0.05 * rng.standard_normal(rev.acc_idx.size), 0.02, 1.0)
    active_users = rng.binomial(rev.cell_seats, share)
    mrr = w.tables["mrr"]
    return table("usage", {
        "account_id": mrr["account_id"],
        "month": mrr["month"],
        "active_users": active_users,
        "licensed_seats": rev.cell_seats,
    })


def onboarding_table(w: World) -> pa.Table:
    """The ``onboarding`` table: one project per account, completed or not by the period's end."""
    rng, N, last, acc, per = w.rng, w.n, w.last, w.acc, w.per
    contract_start = per.month_start[acc.arrival]
    ob_start = np.minimum(contract_start + rng.integers(0, 8, N), last)
    due_days = np.asarray(ONBOARDING_DAYS)[acc.seg]
    ob_due = ob_start + due_days
    dur = np.ceil(due_days * np.exp(-0.15 + 0.35 * rng.standard_normal(N))).astype(np.int64)
    done = ob_start + np.maximum(dur, 1)
    p_done = 1.0 / (1.0 + np.exp(-(1.8 + 0.8 * acc.health)))
    ok = acc.billed & (rng.random(N) < p_done) & (done <= last) & (done < per.month_start[w.rev.first_stop])
    return table("onboarding", {
        "account_id": w.account_ids,
        "start_date": take(per.dates, ob_start),
        "due_date": take(per.dates, ob_due),
        "completed_date": take(per.dates, done, ~ok),
    })


def _draw_tickets(w: World) -> dict:
    """Ticket rows in draw order: account, cell, channel, team and times in seconds."""
    rng, rev, per = w.rng, w.rev, w.per
    lam = np.asarray(TICKETS)[rev.cell_seg] * np.where(rev.cell_tenure < 3, 1.8, 1.0) * np.exp(-0.25 * rev.cell_h)
    n_tk = rng.poisson(lam)
    tk_cell = np.repeat(np.arange(rev.acc_idx.size), n_tk)
    tk_acc, tk_mon, tk_seg = rev.acc_idx[tk_cell], rev.mon_idx[tk_cell], rev.cell_seg[tk_cell]
    n = tk_cell.size
    day = business_day(rng, per, tk_mon)
    hour_w = np.asarray(_HOUR_WEIGHT, float)
    hour = rng.choice(24, size=n, p=hour_w / hour_w.sum())
    opened = day * 86400 + hour * 3600 + rng.integers(0, 3600, n)
    ch_p = np.asarray(_CHANNEL_P)
    u = rng.random(n)
    chan = (u[:, None] > np.cumsum(ch_p[tk_seg], axis=1)[:, :2]).sum(axis=1)
    first_med = np.asarray([60.0, 3 * 3600.0, 300.0])[chan]  # seconds
    resolve_med = np.asarray([1200.0, 86400.0, 1800.0])[chan]
    first = opened + np.ceil(first_med * np.exp(0.8 * rng.standard_normal(n))).astype(np.int64)
    resolved = first + np.ceil(resolve_med * np.exp(1.0 * rng.standard_normal(n))).astype(np.int64)
    end_s = per.n_days * 86400 - 1
    no_first = first > end_s
    no_res = no_first | (resolved > end_s)
    tk_team = np.where(rng.random(n) < 0.08, w.acc.cs_team[tk_acc] + 1, 0)  # 0 support, 1/2 CS
    order = stable_order(opened, np.arange(n))
    columns = dict(account=tk_acc, opened=opened, first=first, resolved=resolved, channel=chan,
                   no_first=no_first, no_res=no_res, team=tk_team, cell=tk_cell)
    return {key: value[order] for key, value in columns.items()}


def tickets_table(w: World) -> pa.Table:
    """The ``tickets`` table, in the order opened (sets ``w.tickets`` for the surveys)."""
    tk = _draw_tickets(w)
    n = tk["opened"].size
    w.tickets = Tickets(n=n, account=tk["account"], cell=tk["cell"], opened=tk["opened"],
                        resolved=tk["resolved"], unresolved=tk["no_res"])
    return table("tickets", {
        "ticket_id": ids("TK", n, 7),
        "account_id": w.account_ids.take(pa.array(tk["account"])),
        "team": take(TICKET_TEAMS, tk["team"]),
        "channel": take(TICKET_CHANNELS, tk["channel"]),
        "opened_at": timestamps(w.per, w.tod, tk["opened"], np.zeros(n, bool)),
        "first_response_at": timestamps(w.per, w.tod, tk["first"], tk["no_first"]),
        "resolved_at": timestamps(w.per, w.tod, tk["resolved"], tk["no_res"]),
    })


def surveys_table(w: World) -> pa.Table:
    """The ``surveys`` table: NPS every June and December, CSAT after some resolved tickets."""
    rng, rev, per, H, tk = w.rng, w.rev, w.per, w.horizon, w.tickets
    wave = np.isin(per.calendar_month[rev.mon_idx], (6, 12))
    resp = wave & (rng.random(rev.acc_idx.size) < np.asarray(NPS_RESPONSE)[rev.cell_seg])
    nps_cell = np.flatnonzero(resp)
    risk = (rev.cell_tc[nps_cell] <= H).astype(float)
    nps = np.clip(np.rint(7.2 + 1.3 * rev.cell_h[nps_cell] - 2.5 * risk + 1.5 * rng.standard_normal(nps_cell.size)), 0, 10)
    nps_day = np.minimum(
        per.month_start[rev.mon_idx[nps_cell]] + rng.integers(0, 20, nps_cell.size), w.last)
    cs_pick = np.flatnonzero(~tk.unresolved & (rng.random(tk.n) < 0.3))
    slow = ((tk.resolved[cs_pick] - tk.opened[cs_pick]) > 2 * 86400).astype(float)
    risk = (rev.cell_tc[tk.cell[cs_pick]] <= H).astype(float)
    csat = np.clip(np.rint(4.0 + 0.4 * rev.cell_h[tk.cell[cs_pick]] - 0.8 * risk - 0.5 * slow
                           + 0.7 * rng.standard_normal(cs_pick.size)), 1, 5)
    sv_acc = np.concatenate([rev.acc_idx[nps_cell], tk.account[cs_pick]])
    sv_day = np.concatenate([nps_day, tk.resolved[cs_pick] // 86400])
    sv_kind = np.concatenate([np.zeros(nps_cell.size, np.int64), np.ones(cs_pick.size, np.int64)])
    sv_score = np.concatenate([nps, csat]).astype(np.int64)
    order = stable_order(sv_day, np.arange(sv_day.size))
    return table("surveys", {
        "response_id": ids("SV", sv_day.size, 7),
        "account_id": w.account_ids.take(pa.array(sv_acc[order])),
        "date": take(per.dates, sv_day[order]),
        "survey": take(SURVEYS, sv_kind[order]),
        "score": sv_score[order],
    })
