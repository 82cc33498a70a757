"""Sales and marketing costs per team and month: headcount x loaded cost, plus programme spend per lead."""
from __future__ import annotations

import numpy as np
import pyarrow as pa

from .accounts import owners
from .arrays import stable_order, table, take
from .params import COST_CATEGORIES, COST_PER_HEAD, COST_PER_LEAD, COST_TEAMS
from .world import World

__all__ = ["costs_table"]


def costs_table(w: World) -> pa.Table:
    """The ``costs`` table: one row per month and team of :data:`~.params.COST_TEAMS`.

    Headcount grows from 70 % to 130 % of the roster over the simulated life; marketing also
    pays :data:`~.params.COST_PER_LEAD` per lead created that month.
    """
    M, t_idx = w.m, w.t_idx
    leads_per_month = np.bincount(w.per.month_of(w.leads_created), minlength=M)[:M]
    growth = 0.7 + 0.6 * (t_idx / max(M - 1, 1))
    c_month, c_team, c_cat, c_amt = [], [], [], []
    noise = 1.0 + 0.03 * w.rng.standard_normal((M, len(COST_TEAMS)))
    for j, team in enumerate(COST_TEAMS):
        heads = np.maximum(1, np.rint(owners(team, w.n)[1] * growth))
        amt = heads * COST_PER_HEAD[team] * noise[:, j]
        if team == "marketing":
            amt = amt + leads_per_month * COST_PER_LEAD
        c_month.append(t_idx)
        c_team.append(np.full(M, j))
        c_cat.append(np.full(M, 1 if team == "marketing" else 0))
        c_amt.append((np.rint(amt / 1000) * 1000).astype(np.int64))
    c_month, c_team, c_cat, c_amt = (np.concatenate(x) for x in (c_month, c_team, c_cat, c_amt))
    order = stable_order(c_month, c_team)
    return table("costs", {
        "month": w.per.month_labels.take(pa.array(c_month[order])),
        "team": take(COST_TEAMS, c_team[order]),
        "category": take(COST_CATEGORIES, c_cat[order]),
        "amount": c_amt[order],
    })
