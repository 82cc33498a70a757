"""Teams, owners (reps) and accounts: who the customers are and who looks after them."""
from __future__ import annotations

import numpy as np
import pyarrow as pa

from .arrays import SAMPLE_COLUMNS, ids, table, take
from .params import (
    CS_TEAM, FS_TEAMS, HEADS_PER_1000, INDUSTRIES, INDUSTRY_P, NEVER_BILLED, OPP_SOURCE_P, PRICES, REGION_FS,
    REGION_P, REGIONS, SEASON, SEATS_MEDIAN, SEATS_RANGE, SEGMENT_SHARE, SEGMENTS, TOUCH,
)
from .world import Accounts, World

__all__ = ["SAMPLE_TEAMS", "owners", "draw_accounts", "teams_table", "accounts_table"]

#: Rows of the ``teams`` table: team id, role, Japanese and English name (data, not messages).
SAMPLE_TEAMS: tuple[dict[str, str], ...] = (
    {"team": "cs_enterprise", "role": "cs", "name_ja": "エンタープライズCS", "name_en": "Enterprise CS"},
    {"team": "cs_smb", "role": "cs", "name_ja": "SMB向けCS", "name_en": "SMB CS"},
    {"team": "is_tokyo", "role": "inside_sales", "name_ja": "インサイドセールス東京", "name_en": "Inside Sales Tokyo"},
    {"team": "fs_tokyo", "role": "field_sales", "name_ja": "フィールドセールス東京", "name_en": "Field Sales Tokyo"},
    {"team": "fs_osaka", "role": "field_sales", "name_ja": "フィールドセールス大阪", "name_en": "Field Sales Osaka"},
    {"team": "support", "role": "support", "name_ja": "カスタマーサポート", "name_en": "Customer Support"},
    {"team": "marketing", "role": "marketing", "name_ja": "マーケティング", "name_en": "Marketing"},
)


def owners(team: str, n_accounts: int) -> tuple[list[str], int]:
    """The reps of ``team`` (``<team>-01`` ...) for ``n_accounts`` accounts, and how many.

    Examples
    --------
    >>> owners("marketing", 2000)
    (['marketing-01', 'marketing-02', 'marketing-03'], 3)
    """
    heads = max(1, int(round(HEADS_PER_1000[team] * n_accounts / 1000)))
    width = max(2, len(str(heads)))
    return [f"{team}-{i:0{width}d}" for i in range(1, heads + 1)], heads


def draw_accounts(w: World) -> None:
    """Draw every account's segment, region, industry, health, arrival month, seats, price and reps."""
    rng, N, M = w.rng, w.n, w.m
    seg = rng.choice(3, size=N, p=np.asarray(SEGMENT_SHARE))
    region = rng.choice(len(REGIONS), size=N, p=REGION_P)
    industry = rng.choice(len(INDUSTRIES), size=N, p=INDUSTRY_P)
    fs = np.asarray(REGION_FS)[region]
    touch = seg.copy()
    noisy = rng.random(N) < 0.05
    touch[noisy] = (touch[noisy] + rng.integers(1, 3, size=int(noisy.sum()))) % 3
    health = rng.standard_normal(N)  # latent customer health, N(0, 1)
    weight = np.asarray(SEASON)[w.per.calendar_month - 1] * (1.0 + 0.025 * w.t_idx)
    arrival = rng.choice(M, size=N, p=weight / weight.sum())
    billed = rng.random(N) >= NEVER_BILLED
    lo = np.asarray([r[0] for r in SEATS_RANGE])[seg]
    hi = np.asarray([r[1] for r in SEATS_RANGE])[seg]
    seats0 = np.exp(np.log(np.asarray(SEATS_MEDIAN)[seg]) + 0.3 * rng.standard_normal(N))
    seats0 = np.clip(np.rint(seats0), lo, hi).astype(np.int64)
    price0 = np.empty(N, dtype=np.int64)
    for s in range(3):
        sel = seg == s
        price0[sel] = rng.choice(np.asarray(PRICES[s]), size=int(sel.sum()))
    src_new = rng.choice(5, size=N, p=OPP_SOURCE_P)

    # owners (reps) per team; each account has one FS rep and one CSM
    w.owner_lists = {t: owners(t, N)[0] for t in HEADS_PER_1000}
    w.owner_arr = {t: pa.array(v, pa.string()) for t, v in w.owner_lists.items()}
    fs_owner = np.where(
        fs == 0,
        rng.integers(0, len(w.owner_lists["fs_tokyo"]), N),
        rng.integers(0, len(w.owner_lists["fs_osaka"]), N),
    )
    cs_team = np.asarray([0, 0, 1])[seg]  # 0 = cs_enterprise, 1 = cs_smb
    cs_owner = np.where(
        cs_team == 0,
        rng.integers(0, len(w.owner_lists["cs_enterprise"]), N),
        rng.integers(0, len(w.owner_lists["cs_smb"]), N),
    )
    w.acc = Accounts(seg=seg, region=region, industry=industry, fs=fs, touch=touch, health=health,
                     arrival=arrival, billed=billed, seats0=seats0, price0=price0, src_new=src_new,
                     fs_owner=fs_owner, cs_team=cs_team, cs_owner=cs_owner)
    w.account_ids = ids("A", N, 6)


def owner_strings(w: World, team_labels: tuple, team: np.ndarray, owner: np.ndarray) -> pa.Array:
    """Owner names from per-team rosters (team code into ``team_labels``, index in the roster)."""
    offsets = np.cumsum([0] + [len(w.owner_arr[t]) for t in team_labels])
    roster = pa.concat_arrays([w.owner_arr[t] for t in team_labels])
    return roster.take(pa.array(offsets[team] + owner))


def teams_table() -> pa.Table:
    """The ``teams`` table: :data:`SAMPLE_TEAMS`."""
    return pa.Table.from_pylist(list(SAMPLE_TEAMS)).select(list(SAMPLE_COLUMNS["teams"]))


def accounts_table(w: World, names: pa.Array) -> pa.Table:
    """The ``accounts`` table: one row per customer with its CS and field-sales team."""
    acc = w.acc
    return table("accounts", {
        "account_id": w.account_ids,
        "account_name": names,
        "team": take(CS_TEAM, acc.seg),
        "sales_team": take(FS_TEAMS, acc.fs),
        "segment": take(SEGMENTS, acc.seg),
        "touch_model": take(TOUCH, acc.touch),
        "contract_start": take(w.per.dates, w.per.month_start[acc.arrival]),
        "industry": take(INDUSTRIES, acc.industry),
        "region": take(REGIONS, acc.region),
        "owner": owner_strings(w, ("cs_enterprise", "cs_smb"), acc.cs_team, acc.cs_owner),  # the CSM, as in CS opportunities
    })
