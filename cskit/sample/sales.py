"""The sale: opportunities (won, lost and open), leads and the inside- and field-sales activities.

Deals are simulated back from the events of :mod:`.revenue` (a won new-business deal
closes around the first paid month, an upsell around an expansion, a renewal at an
anniversary); lost and still-open deals and unconverted leads are drawn around them.
Everything is kept as integer codes (team: 0/1 field sales, 2/3 CS; stage: 0 open,
1 won, 2 lost) until the tables are built.
"""
from __future__ import annotations

import numpy as np
import pyarrow as pa

from .accounts import owner_strings, owners
from .arrays import edge_templates, group_position, ids, stable_order, table, take
from .calendar import back, business_day
from .params import (
    ACTIVITY_TEAMS, CHANNELS, LEAD_SOURCES, LEAD_STATUS, LEAD_TEAMS, LOST_PER_WON, OPP_SOURCE_P, OPP_SOURCES,
    OPP_TEAMS, OPP_TYPES, OUTCOMES, SALES_CYCLE, STAGES,
)
from .world import World

__all__ = ["opportunities_table", "funnel_tables"]


def _concat(parts: list[dict]) -> dict:
    return {key: np.concatenate([np.asarray(p[key], dtype=np.int64) for p in parts]) for key in parts[0]}


def _won_new(w: World, parts: list) -> tuple[np.ndarray, np.ndarray]:
    """Won new business: closes in the first paid month or up to 20 days before."""
    rng, N, acc = w.rng, w.n, w.acc
    cycle = np.asarray(SALES_CYCLE, dtype=np.float64)
    ms = w.per.month_start[acc.arrival]
    off = rng.integers(-20, 15, N)
    close = np.where(ms + off < 0, ms + np.abs(off), ms + off)
    close = np.minimum(close, w.last)
    created = back(rng, close, cycle[acc.seg, 0], cycle[acc.seg, 1])
    amount = 12 * acc.seats0 * acc.price0
    parts.append(dict(account=np.arange(N), team=acc.fs, owner=acc.fs_owner, type=np.zeros(N, np.int64),
                      source=acc.src_new, created=created, close=close, stage=np.ones(N, np.int64), amount=amount))
    return close, amount


def _lost_new(w: World, parts: list, close: np.ndarray, amount: np.ndarray) -> None:
    """Lost (and a few still open) new business with prospects: no account yet."""
    rng, N, acc, last = w.rng, w.n, w.acc, w.last
    cycle = np.asarray(SALES_CYCLE, dtype=np.float64)
    k = rng.poisson(np.asarray(LOST_PER_WON)[acc.fs] * np.asarray([1.3, 1.0, 0.9])[acc.seg])
    sib = np.repeat(np.arange(N), k)
    n = sib.size
    p_close = close[sib] + rng.integers(-45, 46, n)
    p_close = np.abs(p_close)
    p_seg = acc.seg[sib]
    p_created = back(rng, p_close, cycle[p_seg, 0], cycle[p_seg, 1])
    p_open = p_close > last
    p_created = np.minimum(p_created, last)
    p_close = np.minimum(p_close, last)
    p_team = acc.fs[sib]
    roster = np.asarray([len(owners("fs_tokyo", N)[0]), len(owners("fs_osaka", N)[0])])
    p_owner = (rng.random(n) * roster[p_team]).astype(np.int64)
    p_amount = (np.rint(amount[sib] * (0.5 + rng.random(n)) / 1000) * 1000).astype(np.int64)
    parts.append(dict(account=np.full(n, -1), team=p_team, owner=p_owner, type=np.zeros(n, np.int64),
                      source=rng.choice(5, size=n, p=OPP_SOURCE_P), created=p_created, close=p_close,
                      stage=np.where(p_open, 0, 2), amount=p_amount))


def _winbacks(w: World, parts: list) -> None:
    """Won win-back deals at reactivation (new business from an existing account)."""
    rng, acc, events = w.rng, w.acc, w.rev.reactivations
    r_acc = np.concatenate([e[0] for e in events])
    r_mon = np.concatenate([e[1] for e in events])
    r_mrr = np.concatenate([e[2] for e in events])
    r_close = np.maximum(w.per.month_start[r_mon] - rng.integers(0, 21, r_acc.size), 0)
    parts.append(dict(account=r_acc, team=acc.fs[r_acc], owner=acc.fs_owner[r_acc], type=np.zeros(r_acc.size, np.int64),
                      source=np.full(r_acc.size, 5), created=back(rng, r_close, 14, 60), close=r_close,
                      stage=np.ones(r_acc.size, np.int64), amount=12 * r_mrr))


def _expansions(w: World, parts: list) -> int:
    """Won upsell / cross-sell around expansions, owned by the account's CS team; returns how many."""
    rng, acc, events = w.rng, w.acc, w.rev.expansions
    e_acc = np.concatenate([e[0] for e in events])
    e_mon = np.concatenate([e[1] for e in events])
    e_cross = np.concatenate([e[2] for e in events])
    e_delta = np.concatenate([e[3] for e in events])
    e_close = np.clip(w.per.month_start[e_mon] + rng.integers(-15, 6, e_acc.size), 0, w.last)
    parts.append(dict(account=e_acc, team=2 + acc.cs_team[e_acc], owner=acc.cs_owner[e_acc], type=1 + e_cross,
                      source=np.full(e_acc.size, 5), created=back(rng, e_close, 14, 60), close=e_close,
                      stage=np.ones(e_acc.size, np.int64), amount=12 * e_delta))
    return e_acc.size


def _lost_expansions(w: World, parts: list, n_won: int) -> None:
    """Lost (or open, near the end) upsell / cross-sell on paying accounts."""
    rng, acc, rev = w.rng, w.acc, w.rev
    n_lost = int(round(0.6 * n_won))
    if not (n_lost and rev.acc_idx.size):
        return
    wseg = np.asarray([4.0, 2.0, 1.0])[acc.seg[rev.acc_idx]]
    cells = np.sort(rng.choice(rev.acc_idx.size, size=n_lost, p=wseg / wseg.sum()))
    l_acc, l_mon = rev.acc_idx[cells], rev.mon_idx[cells]
    l_close = business_day(rng, w.per, l_mon)
    l_amt = (np.rint(12 * rev.cell_mrr[cells] * (0.1 + 0.2 * rng.random(n_lost)) / 1000) * 1000)
    parts.append(dict(account=l_acc, team=2 + acc.cs_team[l_acc], owner=acc.cs_owner[l_acc],
                      type=1 + (rng.random(n_lost) < 0.35), source=np.full(n_lost, 5),
                      created=back(rng, l_close, 14, 60), close=l_close, stage=np.full(n_lost, 2),
                      amount=l_amt.astype(np.int64)))


def _renewals(w: World, parts: list) -> None:
    """Renewals of annual (enterprise and mid) contracts at each anniversary."""
    rng, acc, events = w.rng, w.acc, w.rev.renewals
    a_acc = np.concatenate([e[0] for e in events])
    a_mon = np.concatenate([e[1] for e in events])
    a_won = np.concatenate([e[2] for e in events])
    a_amt = np.where(a_won == 1, np.concatenate([e[4] for e in events]), np.concatenate([e[3] for e in events]))
    a_close = np.maximum(w.per.month_start[a_mon] - rng.integers(0, 21, a_acc.size), 0)
    parts.append(dict(account=a_acc, team=2 + acc.cs_team[a_acc], owner=acc.cs_owner[a_acc], type=np.full(a_acc.size, 3),
                      source=np.full(a_acc.size, 5), created=back(rng, a_close, 30, 75), close=a_close,
                      stage=np.where(a_won == 1, 1, 2), amount=12 * a_amt))


def _open_pipeline(w: World, parts: list) -> None:
    """Open pipeline at the end.

    Deals above are simulated back from their close, so deals that would close after
    the period are missing; the last quarter is topped up with open deals.
    """
    rng, last = w.rng, w.last
    done = _concat(parts)
    tpl, shift = edge_templates(rng, done["created"], last, weeks=13)
    if not tpl.size:
        return
    n_open = tpl.size
    o_new = done["type"][tpl] == 0
    o_amount = (np.rint(done["amount"][tpl] * (0.8 + 0.4 * rng.random(n_open)) / 1000) * 1000).astype(np.int64)
    # a new-business deal still open has no account yet
    parts.append(dict(account=np.where(o_new, -1, done["account"][tpl]), team=done["team"][tpl],
                      owner=done["owner"][tpl], type=done["type"][tpl], source=done["source"][tpl],
                      created=np.minimum(done["created"][tpl] + shift, last), close=np.full(n_open, last),
                      stage=np.zeros(n_open, np.int64), amount=o_amount))


def _opportunities(w: World) -> dict:
    """Opportunity rows as integer codes, in the order created, then closed (open last)."""
    parts: list[dict] = []
    close, amount = _won_new(w, parts)
    _lost_new(w, parts, close, amount)
    _winbacks(w, parts)
    _lost_expansions(w, parts, _expansions(w, parts))
    _renewals(w, parts)
    _open_pipeline(w, parts)
    out = _concat(parts)
    out["close_sort"] = np.where(out["stage"] == 0, w.last + 1, out["close"])
    order = stable_order(out["created"], out["close_sort"], np.arange(out["created"].size))
    return {k: v[order] for k, v in out.items()}


def opportunities_table(w: World) -> pa.Table:
    """The ``opportunities`` table (sets ``w.opp`` for the leads and activities)."""
    opp = w.opp = _opportunities(w)
    n_opp = opp["created"].size
    return table("opportunities", {
        "opportunity_id": ids("OP", n_opp, 7),
        "account_id": take(w.account_ids, opp["account"], opp["account"] < 0),
        "team": take(OPP_TEAMS, opp["team"]),
        "owner": owner_strings(w, OPP_TEAMS, opp["team"], opp["owner"]),
        "type": take(OPP_TYPES, opp["type"]),
        "source": take(OPP_SOURCES, opp["source"]),
        "created_date": take(w.per.dates, opp["created"]),
        "close_date": take(w.per.dates, opp["close"], opp["stage"] == 0),
        "stage": take(STAGES, opp["stage"]),
        "amount": opp["amount"],
    })


def _leads(w: World) -> dict:
    """Leads (one per lead-sourced new opportunity plus unconverted ones), in the order created.

    ``opp`` is the converted opportunity (-1 for none), ``owner`` the inside-sales rep.
    """
    rng, last, opp = w.rng, w.last, w.opp
    new = np.flatnonzero((opp["type"] == 0) & (opp["source"] < 4))  # not outbound, not existing
    n_conv = new.size
    conv_created = back(rng, opp["created"][new], 0, 30)
    # unconverted leads follow the same seasonality, about two per converted one
    n_other = int(round(2.0 * n_conv))
    base = conv_created[rng.integers(0, max(n_conv, 1), n_other)] if n_conv else np.zeros(0, np.int64)
    o_created = np.clip(base + rng.integers(-30, 31, n_other), 0, last)
    o_source = rng.choice(4, size=n_other, p=(0.40, 0.15, 0.05, 0.40))
    age = last - o_created
    u = rng.random(n_other)
    o_status = np.where(age < 30, np.where(u < 0.6, 0, np.where(u < 0.8, 1, 2)),
                        np.where(u < 0.10, 0, np.where(u < 0.15, 1, 2)))
    o_team = np.where((o_status != 1) & (rng.random(n_other) < 0.35), 1, 0)
    leads = dict(created=np.concatenate([conv_created, o_created]), source=np.concatenate([opp["source"][new], o_source]),
                 status=np.concatenate([np.full(n_conv, 3), o_status]),
                 team=np.concatenate([np.zeros(n_conv, np.int64), o_team]), opp=np.concatenate([new, np.full(n_other, -1)]))
    # leads of deals created after the period are missing at its end: top up with leads
    # still being worked (open, some qualified or already disqualified)
    tpl, shift = edge_templates(rng, leads["created"], last, weeks=6)
    if tpl.size:
        u = rng.random(tpl.size)
        top_up = dict(created=np.minimum(leads["created"][tpl] + shift, last), source=leads["source"][tpl],
                      status=np.where(u < 0.6, 0, np.where(u < 0.8, 1, 2)), team=leads["team"][tpl],
                      opp=np.full(tpl.size, -1))
        leads = {k: np.concatenate([leads[k], top_up[k]]) for k in leads}
    order = stable_order(leads["created"], np.arange(leads["created"].size))
    leads = {k: v[order] for k, v in leads.items()}
    leads["owner"] = rng.integers(0, len(w.owner_lists["is_tokyo"]), leads["created"].size)
    return leads


def _is_activities(w: World, leads: dict) -> dict:
    """Inside-sales calls and e-mails on the leads the IS team works."""
    rng, opp = w.rng, w.opp
    l_status, l_created, l_opp = leads["status"], leads["created"], leads["opp"]
    lam = np.asarray([1.0, 2.0, 0.6, 2.0])[l_status]
    cnt = np.where(leads["team"] == 0, rng.poisson(lam) + np.asarray([0, 1, 1, 1])[l_status], 0)
    li = np.repeat(np.arange(l_created.size), cnt)
    pos = group_position(cnt)
    na = li.size
    conv = l_status[li] == 3
    target = np.where(conv, opp["created"][np.maximum(l_opp[li], 0)], l_created[li] + 30)
    span = np.maximum(target - l_created[li], 0)
    a_date = l_created[li] + np.floor(rng.random(na) * (span + 1)).astype(np.int64)
    first_conv = conv & (pos == cnt[li] - 1)  # the (last) activity that set the meeting
    a_date = np.where(first_conv, target, a_date)
    a_chan = (rng.random(na) < 0.4).astype(np.int64)  # 0 call, 1 email
    u = rng.random(na)
    call_out = np.where(u < 0.55, 0, np.where(u < 0.95, 1, 2))
    call_out = np.where(l_status[li] >= 2, np.minimum(call_out, 1), call_out)
    mail_out = np.where(u < 0.55, 3, np.where(u < 0.87, 4, 5))
    a_out = np.where(a_chan == 0, call_out, mail_out)
    a_out = np.where(first_conv, 2, a_out)
    won_acc = np.where(conv, opp["account"][np.maximum(l_opp[li], 0)], -1)
    return dict(team=np.zeros(na, np.int64), owner=leads["owner"][li], date=a_date, channel=a_chan,
                lead=li, account=won_acc, outcome=a_out)


def _fs_meetings(w: World, leads: dict) -> dict:
    """Field-sales meetings on new-business opportunities."""
    rng, last, opp, l_opp = w.rng, w.last, w.opp, leads["opp"]
    nb = np.flatnonzero(opp["type"] == 0)
    seg_lam = np.where(opp["amount"][nb] >= 12 * 250_000, 2.0, np.where(opp["amount"][nb] >= 12 * 60_000, 1.0, 0.5))
    mcnt = 1 + rng.poisson(seg_lam)
    mi = np.repeat(nb, mcnt)
    mpos = group_position(mcnt)
    nm = mi.size
    m_end = np.where(opp["stage"][mi] == 0, last, opp["close"][mi])
    m_span = np.maximum(m_end - opp["created"][mi], 0)
    m_date = opp["created"][mi] + np.floor(rng.random(nm) * (m_span + 1)).astype(np.int64)
    m_out = np.where(rng.random(nm) < 0.9, 6, 7)
    m_out = np.where((opp["stage"][mi] == 1) & (mpos == 0), 6, m_out)
    lead_of_opp = np.full(opp["type"].size, -1)
    conv_pos = np.flatnonzero(l_opp >= 0)
    lead_of_opp[l_opp[conv_pos]] = conv_pos
    m_acc = np.where(opp["stage"][mi] == 1, opp["account"][mi], -1)
    return dict(team=1 + opp["team"][mi], owner=opp["owner"][mi], date=m_date,
                channel=np.full(nm, 2), lead=lead_of_opp[mi], account=m_acc, outcome=m_out)


def funnel_tables(w: World) -> tuple[pa.Table, pa.Table]:
    """The ``leads`` and ``activities`` tables (sets ``w.leads_created`` for the costs)."""
    leads = _leads(w)
    is_acts, meetings = _is_activities(w, leads), _fs_meetings(w, leads)
    acts = {k: np.concatenate([is_acts[k], meetings[k]]).astype(np.int64) for k in is_acts}
    keep = (acts["date"] >= 0) & (acts["date"] <= w.last)
    acts = {k: v[keep] for k, v in acts.items()}
    w.leads_created = leads["created"]
    lead_ids = ids("LD", leads["created"].size, 7)
    leads_table = table("leads", {
        "lead_id": lead_ids,
        "team": take(LEAD_TEAMS, leads["team"]),
        "source": take(LEAD_SOURCES, leads["source"]),
        "created_date": take(w.per.dates, leads["created"]),
        "status": take(LEAD_STATUS, leads["status"]),
    })
    order = stable_order(acts["date"], np.arange(acts["date"].size))
    acts = {k: v[order] for k, v in acts.items()}
    return leads_table, table("activities", {
        "activity_id": ids("AC", acts["date"].size, 8),
        "team": take(ACTIVITY_TEAMS, acts["team"]),
        "owner": owner_strings(w, ACTIVITY_TEAMS, acts["team"], acts["owner"]),
        "date": take(w.per.dates, acts["date"]),
        "channel": take(CHANNELS, acts["channel"]),
        "lead_id": take(lead_ids, acts["lead"], acts["lead"] < 0),
        "account_id": take(w.account_ids, acts["account"], acts["account"] < 0),
        "outcome": take(OUTCOMES, acts["outcome"]),
    })
