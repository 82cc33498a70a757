"""Deterministic synthetic sample data for Customer Success and Sales KPIs.

The sample describes one fictitious Japanese B2B SaaS company that launches
its service in the first month of the data period (2023-11 by default) and
sells seat-based subscriptions in JPY to three segments:

===========  ============  =======================  ==========================
segment      touch model   list price per seat      typical MRR per account
===========  ============  =======================  ==========================
enterprise   high          2,400-3,300 JPY/month    300,000-1,000,000 JPY
mid          low           2,000-2,800 JPY/month    80,000-200,000 JPY
smb          tech          1,800-2,200 JPY/month    10,000-50,000 JPY
===========  ============  =======================  ==========================

The funnel follows "The Model": marketing creates leads, inside sales
(``is_tokyo``) works them by call and e-mail and sets meetings, field sales
(``fs_tokyo`` / ``fs_osaka``) run the deals, customer success
(``cs_enterprise`` / ``cs_smb``) keeps and expands the customers, and customer
support (``support``) answers tickets.

Everything is generated with ``numpy.random.default_rng(seed)`` in a fixed
order, vectorised over accounts (the only Python loop runs over months), so
the same arguments always give the same tables and byte-identical files.
Money is integer JPY, counts are integers, ids and dates are strings:
dates ``YYYY-MM-DD``, months ``YYYY-MM``, timestamps ``YYYY-MM-DDTHH:MM:SS``.
An empty value (``None`` in the DataFrames, an empty field in the CSV files)
means "not applicable" or "not happened yet" (e.g. ``close_date`` of an open
opportunity).

Examples
--------
>>> from cskit.sample import generate_sample
>>> tables = generate_sample(accounts=300, months=12, seed=1)
>>> sorted(tables)[:3]
['accounts', 'activities', 'costs']
>>> tables["mrr"].columns.tolist()
['account_id', 'month', 'mrr']
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from .files import atomic_write

__all__ = [
    "DEFAULT_START",
    "SAMPLE_COLUMNS",
    "SAMPLE_TEAMS",
    "generate_sample",
    "write_sample",
]

#: First month of the default sample; 36 months from here end at 2026-10.
DEFAULT_START = "2023-11"

#: Rows of the ``teams`` table: team id, role, Japanese and English name.
SAMPLE_TEAMS: tuple[dict[str, str], ...] = (
    {"team": "cs_enterprise", "role": "cs", "name_ja": "エンタープライズCS", "name_en": "Enterprise CS"},
    {"team": "cs_smb", "role": "cs", "name_ja": "SMB向けCS", "name_en": "SMB CS"},
    {"team": "is_tokyo", "role": "inside_sales", "name_ja": "インサイドセールス東京", "name_en": "Inside Sales Tokyo"},
    {"team": "fs_tokyo", "role": "field_sales", "name_ja": "フィールドセールス東京", "name_en": "Field Sales Tokyo"},
    {"team": "fs_osaka", "role": "field_sales", "name_ja": "フィールドセールス大阪", "name_en": "Field Sales Osaka"},
    {"team": "support", "role": "support", "name_ja": "カスタマーサポート", "name_en": "Customer Support"},
    {"team": "marketing", "role": "marketing", "name_ja": "マーケティング", "name_en": "Marketing"},
)

#: The data contract: table name -> column names, in file order.
SAMPLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "teams": ("team", "role", "name_ja", "name_en"),
    "accounts": (
        "account_id", "account_name", "team", "sales_team", "segment",
        "touch_model", "contract_start", "industry", "region",
    ),
    "mrr": ("account_id", "month", "mrr"),
    "opportunities": (
        "opportunity_id", "account_id", "team", "owner", "type", "source",
        "created_date", "close_date", "stage", "amount",
    ),
    "leads": ("lead_id", "team", "source", "created_date", "status"),
    "activities": (
        "activity_id", "team", "owner", "date", "channel", "lead_id",
        "account_id", "outcome",
    ),
    "usage": ("account_id", "month", "active_users", "licensed_seats"),
    "onboarding": ("account_id", "start_date", "due_date", "completed_date"),
    "surveys": ("response_id", "account_id", "date", "survey", "score"),
    "tickets": (
        "ticket_id", "account_id", "team", "channel", "opened_at",
        "first_response_at", "resolved_at",
    ),
    "costs": ("month", "team", "category", "amount"),
}

# ---------------------------------------------------------------------------
# Model parameters (one place; all money in JPY, rates per month)
# ---------------------------------------------------------------------------
_SEGMENTS = ("enterprise", "mid", "smb")
_SEGMENT_SHARE = (0.10, 0.30, 0.60)
_TOUCH = ("high", "low", "tech")  # default touch model per segment, same order
_CS_TEAM = ("cs_enterprise", "cs_enterprise", "cs_smb")  # per segment
_PRICES = (  # list price per seat and month, per segment
    (2400, 2700, 3000, 3300),
    (2000, 2200, 2500, 2800),
    (1800, 2000, 2200),
)
_SEATS_MEDIAN = (180.0, 50.0, 12.0)
_SEATS_RANGE = ((100, 330), (35, 80), (5, 25))
_CHURN = (0.01, 0.02, 0.04)  # mature monthly churn hazard
_EXPAND = (0.08, 0.05, 0.025)  # monthly expansion probability
_CONTRACT = (0.01, 0.01, 0.008)  # monthly contraction probability
_RETURN_SHARE = 0.14  # share of churns that come back 3-12 months later
_NEVER_BILLED = 0.005  # signed but never billed
_SALES_CYCLE = ((45, 150), (30, 100), (7, 45))  # days from created to close
_ONBOARDING_DAYS = (90, 60, 30)
_TICKETS = (0.9, 0.4, 0.12)  # tickets per paid account-month
_NPS_RESPONSE = (0.55, 0.4, 0.25)
# arrivals per calendar month (Jan..Dec): April fiscal-year start, October half
_SEASON = (0.9, 0.9, 1.3, 1.8, 1.1, 1.0, 1.0, 0.8, 1.1, 1.4, 1.0, 0.8)

_INDUSTRIES = (
    "manufacturing", "it", "retail", "services", "construction",
    "logistics", "finance", "healthcare", "real_estate", "education",
)
_INDUSTRY_P = (0.20, 0.18, 0.12, 0.12, 0.08, 0.08, 0.07, 0.07, 0.04, 0.04)
_REGIONS = (
    "kanto", "kansai", "chubu", "kyushu", "tohoku", "chugoku", "hokkaido", "shikoku",
)
_REGION_P = (0.45, 0.20, 0.12, 0.08, 0.05, 0.04, 0.04, 0.02)
_REGION_FS = (0, 1, 0, 1, 0, 1, 0, 1)  # 0 = fs_tokyo, 1 = fs_osaka
_FS_TEAMS = ("fs_tokyo", "fs_osaka")
_LOST_PER_WON = (2.0, 2.6)  # lost new-business opportunities per won, per FS team

_LEAD_SOURCES = ("web", "event", "referral", "ads")
_OPP_SOURCES = ("web", "event", "referral", "ads", "outbound", "existing")
_OPP_SOURCE_P = (0.34, 0.18, 0.15, 0.18, 0.15)  # new business only
_OPP_TYPES = ("new", "upsell", "cross_sell", "renewal")
_STAGES = ("open", "won", "lost")
_LEAD_STATUS = ("open", "qualified", "disqualified", "converted")
_CHANNELS = ("call", "email", "meeting")
_OUTCOMES = (
    "no_answer", "connected", "meeting_set",  # call
    "sent", "opened", "replied",  # email (+ meeting_set)
    "held", "no_show",  # meeting
)
_TICKET_CHANNELS = ("phone", "email", "chat")

# owners per 1,000 accounts (at least one each), and monthly loaded cost per head
_HEADS_PER_1000 = {
    "cs_enterprise": 5.0, "cs_smb": 2.0, "is_tokyo": 5.0, "fs_tokyo": 8.0,
    "fs_osaka": 4.0, "support": 4.0, "marketing": 1.5,
}
_COST_TEAMS = ("fs_tokyo", "fs_osaka", "is_tokyo", "marketing")
_COST_PER_HEAD = {"fs_tokyo": 900_000, "fs_osaka": 850_000, "is_tokyo": 550_000, "marketing": 600_000}
_COST_PER_LEAD = 10_000  # marketing programme spend per lead created

_NAME_STEMS = (
    "サクラ", "ミドリ", "アオバ", "ヒカリ", "ツバサ", "アサヒ", "ホクト", "ミナト",
    "カエデ", "スバル", "ヤマト", "コスモ", "ソラ", "ハヤテ", "イズミ", "ナギ",
    "ミライ", "アカツキ", "シオン", "リンク", "ネクスト", "ユニオン", "フロンティア",
    "クレスト", "ブライト", "エール", "ノア", "ルミナ", "オリオン", "テラス",
    "東洋", "日之出", "大和", "北辰", "富士", "瑞穂", "青葉", "若葉", "朝日", "白鷺",
    "三和", "丸山", "高砂", "千代田", "浪速", "紀伊", "常盤", "錦", "松風", "桜井",
    "北斗", "港南", "東邦", "西海", "中央", "光陽", "栄光", "旭", "山城", "緑川",
)
_NAME_MIDDLES = ("", "総合", "国際", "ジャパン", "デジタル", "グリーン", "メディカル", "ネット")
_NAME_PARTS = (
    "商事", "物産", "製作所", "工業", "電機", "精機", "化学", "食品", "建設", "運輸",
    "物流", "システムズ", "テクノロジー", "ソリューションズ", "ホールディングス",
    "不動産", "薬品", "印刷", "興業", "サービス", "通信", "設計", "技研", "産業",
    "開発", "ラボ", "パートナーズ", "エンジニアリング", "コンサルティング", "リテール",
)
_NAME_CITIES = ("", "東京", "大阪", "名古屋", "横浜", "京都", "神戸", "福岡", "札幌", "仙台", "広島")
_NAME_FORMS = (("株式会社", ""), ("", "株式会社"), ("合同会社", ""), ("有限会社", ""))
_NAME_FORM_P = (0.55, 0.35, 0.05, 0.05)


# ---------------------------------------------------------------------------
# small helpers
# ---------------------------------------------------------------------------
@dataclass
class _Period:
    """Calendar of the data period; days are counted from its first day."""

    months: int
    month_start: np.ndarray  # day index of each month's first day, len months + 1
    month_labels: pa.Array  # 'YYYY-MM' per month
    calendar_month: np.ndarray  # 1..12 per month
    n_days: int
    epoch_day: int  # days since 1970-01-01 of day 0
    dates: pa.Array  # 'YYYY-MM-DD' for day 0 .. n_days + 400

    @property
    def last_day(self) -> int:
        return self.n_days - 1

    def month_of(self, day: np.ndarray) -> np.ndarray:
        return np.searchsorted(self.month_start, day, side="right") - 1

    def weekday(self, day: np.ndarray) -> np.ndarray:
        return (day + self.epoch_day + 3) % 7  # Monday = 0


def _period(start: str, months: int) -> _Period:
    if months < 1:
        raise ValueError(f"months must be >= 1, got {months}")
    try:
        first = np.datetime64(start, "M")
    except ValueError as exc:
        raise ValueError(f"start must be 'YYYY-MM', got {start!r}") from exc
    m = first + np.arange(months + 1)
    days = m.astype("datetime64[D]")
    d0 = days[0]
    month_start = (days - d0).astype(np.int64)
    n_days = int(month_start[-1])
    labels = pa.array(np.datetime_as_string(m[:-1], unit="M").tolist(), pa.string())
    all_days = d0 + np.arange(n_days + 400)
    dates = pa.array(np.datetime_as_string(all_days, unit="D").tolist(), pa.string())
    cal = (m[:-1].astype(np.int64) % 12) + 1
    return _Period(
        months=months,
        month_start=month_start,
        month_labels=labels,
        calendar_month=cal,
        n_days=n_days,
        epoch_day=int(d0.astype(np.int64)),
        dates=dates,
    )


def _take(labels: pa.Array | tuple | list, codes: np.ndarray, null: np.ndarray | None = None) -> pa.Array:
    """Strings ``labels[codes]`` as an Arrow array; ``null`` marks empty values."""
    if not isinstance(labels, pa.Array):
        labels = pa.array(list(labels), pa.string())
    codes = np.asarray(codes, dtype=np.int64)
    if null is not None:
        codes = np.where(null, 0, codes)
        idx = pa.array(codes, mask=np.asarray(null, dtype=bool))
    else:
        idx = pa.array(codes)
    return labels.take(idx)


def _ids(prefix: str, n: int, width: int) -> pa.Array:
    width = max(width, len(str(n)))
    nums = pa.array(np.arange(1, n + 1, dtype=np.int64)).cast(pa.string())
    return pc.binary_join_element_wise(prefix, pc.utf8_lpad(nums, width=width, padding="0"), "")


def _times_of_day() -> pa.Array:
    s = np.arange(86400)
    hh, mm, ss = s // 3600, (s // 60) % 60, s % 60
    txt = [f"T{h:02d}:{m:02d}:{x:02d}" for h, m, x in zip(hh.tolist(), mm.tolist(), ss.tolist())]
    return pa.array(txt, pa.string())


def _timestamps(period: _Period, tod: pa.Array, seconds: np.ndarray, null: np.ndarray) -> pa.Array:
    seconds = np.where(null, 0, seconds)
    day = _take(period.dates, seconds // 86400, null)
    time = _take(tod, seconds % 86400, null)
    return pc.binary_join_element_wise(day, time, "")


def _back(rng: np.random.Generator, day: np.ndarray, lo, hi) -> np.ndarray:
    """A day ``lo..hi`` days before ``day``, compressed (not clipped) to stay >= 0."""
    lo = np.broadcast_to(np.asarray(lo, dtype=np.float64), day.shape)
    hi = np.broadcast_to(np.asarray(hi, dtype=np.float64), day.shape)
    gap = lo + rng.random(day.shape) * (hi - lo)
    gap = np.minimum(gap, gap * day / np.maximum(hi, 1.0))
    return (day - np.floor(gap)).astype(np.int64)


def _edge_templates(rng: np.random.Generator, created: np.ndarray, last: int, weeks: int) -> tuple[np.ndarray, int]:
    """Rows to copy, shifted forward, so the last ``weeks`` weeks have as many rows as the weeks before.

    Rows simulated back from a later event (a deal from its close, a lead from its
    deal) thin out at the end of the period, because the later events fall outside it.
    For each of the last ``weeks`` weeks, the shortfall against the same week
    ``weeks`` weeks earlier is drawn from that earlier week's rows.

    Returns
    -------
    indices : ndarray of int
        Rows of ``created`` to copy.
    shift : int
        Days to add to the copies' dates (``7 * weeks``).
    """
    shift = 7 * weeks
    edge_start = last - shift + 1
    if edge_start - shift < 0:
        return np.zeros(0, np.int64), shift
    week_of = (created - edge_start) // 7  # 0..weeks-1 in the edge, -weeks..-1 the weeks before
    picks = [np.zeros(0, np.int64)]
    for week in range(weeks):
        templates = np.flatnonzero(week_of == week - weeks)
        missing = templates.size - int(np.count_nonzero(week_of == week))
        if missing > 0:
            picks.append(np.sort(rng.choice(templates, size=missing, replace=False)))
    return np.concatenate(picks), shift


def _business_day(rng: np.random.Generator, period: _Period, month: np.ndarray) -> np.ndarray:
    """A random day in each given month, mostly on weekdays."""
    start = period.month_start[month]
    length = period.month_start[month + 1] - start
    a = start + (rng.random(month.shape) * length).astype(np.int64)
    b = start + (rng.random(month.shape) * length).astype(np.int64)
    return np.where(period.weekday(a) < 5, a, b)


def _group_position(counts: np.ndarray) -> np.ndarray:
    """0, 1, ... inside each group of a ``np.repeat(.., counts)`` expansion."""
    total = int(counts.sum())
    starts = np.cumsum(counts) - counts
    return np.arange(total) - np.repeat(starts, counts)


def _owners(team: str, n_accounts: int) -> tuple[list[str], int]:
    heads = max(1, int(round(_HEADS_PER_1000[team] * n_accounts / 1000)))
    width = max(2, len(str(heads)))
    return [f"{team}-{i:0{width}d}" for i in range(1, heads + 1)], heads


def _table(name: str, columns: dict) -> pa.Table:
    order = SAMPLE_COLUMNS[name]
    arrays = []
    for col in order:
        v = columns[col]
        arrays.append(v if isinstance(v, (pa.Array, pa.ChunkedArray)) else pa.array(np.asarray(v, dtype=np.int64)))
    return pa.Table.from_arrays(arrays, names=list(order))


def _sort(*keys: np.ndarray) -> np.ndarray:
    """Stable order by the keys (first key most significant)."""
    return np.lexsort(tuple(reversed(keys)))


# ---------------------------------------------------------------------------
# the generator
# ---------------------------------------------------------------------------
def _build(accounts: int, months: int, seed: int, start: str) -> dict[str, pa.Table]:
    if accounts < 1:
        raise ValueError(f"accounts must be >= 1, got {accounts}")
    rng = np.random.default_rng(seed)
    per = _period(start, months)
    tod = _times_of_day()
    N, M = int(accounts), int(months)
    H = 3  # extra simulated months: "about to churn" needs a look ahead
    last = per.last_day
    seg_share = np.asarray(_SEGMENT_SHARE)

    # --- accounts ---------------------------------------------------------
    seg = rng.choice(3, size=N, p=seg_share)
    region = rng.choice(len(_REGIONS), size=N, p=_REGION_P)
    industry = rng.choice(len(_INDUSTRIES), size=N, p=_INDUSTRY_P)
    fs = np.asarray(_REGION_FS)[region]
    touch = seg.copy()
    noisy = rng.random(N) < 0.05
    touch[noisy] = (touch[noisy] + rng.integers(1, 3, size=int(noisy.sum()))) % 3
    health = rng.standard_normal(N)  # latent customer health, N(0, 1)
    t_idx = np.arange(M)
    w = np.asarray(_SEASON)[per.calendar_month - 1] * (1.0 + 0.025 * t_idx)
    arrival = rng.choice(M, size=N, p=w / w.sum())
    billed = rng.random(N) >= _NEVER_BILLED
    lo = np.asarray([r[0] for r in _SEATS_RANGE])[seg]
    hi = np.asarray([r[1] for r in _SEATS_RANGE])[seg]
    seats0 = np.exp(np.log(np.asarray(_SEATS_MEDIAN)[seg]) + 0.3 * rng.standard_normal(N))
    seats0 = np.clip(np.rint(seats0), lo, hi).astype(np.int64)
    price0 = np.empty(N, dtype=np.int64)
    for s in range(3):
        sel = seg == s
        price0[sel] = rng.choice(np.asarray(_PRICES[s]), size=int(sel.sum()))
    src_new = rng.choice(5, size=N, p=_OPP_SOURCE_P)

    # owners (reps) per team; each account has one FS rep and one CSM
    owner_lists = {t: _owners(t, N)[0] for t in _HEADS_PER_1000}
    owner_arr = {t: pa.array(v, pa.string()) for t, v in owner_lists.items()}
    fs_owner = np.where(
        fs == 0,
        rng.integers(0, len(owner_lists["fs_tokyo"]), N),
        rng.integers(0, len(owner_lists["fs_osaka"]), N),
    )
    cs_team = np.asarray([0, 0, 1])[seg]  # 0 = cs_enterprise, 1 = cs_smb
    cs_owner = np.where(
        cs_team == 0,
        rng.integers(0, len(owner_lists["cs_enterprise"]), N),
        rng.integers(0, len(owner_lists["cs_smb"]), N),
    )

    # --- MRR simulation: loop over months, vectorised over accounts ---------
    T = M + H
    seats_m = np.zeros((N, T), dtype=np.int64)
    price_m = np.zeros((N, T), dtype=np.int64)
    seats = np.zeros(N, dtype=np.int64)
    price = price0.copy()
    tenure = np.zeros(N, dtype=np.int64)
    last_seats = np.zeros(N, dtype=np.int64)
    return_at = np.full(N, -1, dtype=np.int64)
    churn_base = np.asarray(_CHURN)[seg] * np.exp(-0.5 * health) / np.exp(0.125)
    p_exp = np.asarray(_EXPAND)[seg] * np.exp(0.4 * health) / np.exp(0.08)
    p_con = np.asarray(_CONTRACT)[seg] * np.exp(-0.4 * health) / np.exp(0.08)
    annual = seg < 2
    exp_ev, ren_ev, react_ev = [], [], []
    for t in range(T):
        active = seats > 0
        mult = np.where(tenure <= 3, 1.8, np.where(tenure <= 6, 1.3, 1.0))
        anniv = annual & active & (tenure > 0) & (tenure % 12 == 0)
        mult = mult * np.where(annual, np.where(anniv, 4.0, 0.73), 1.0)
        u = rng.random((4, N))
        churn = active & (u[0] < churn_base * mult)
        stay = active & ~churn
        grow = stay & (tenure >= 2) & (u[1] < p_exp)
        shrink = stay & (tenure >= 2) & ~grow & (u[2] < p_con)
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
        last_seats = np.where(churn, seats, last_seats)
        comes_back = churn & (rng.random(N) < _RETURN_SHARE)
        return_at = np.where(comes_back, t + rng.integers(3, 13, N), return_at)
        seats = np.where(churn, 0, seats)
        # arrivals and reactivations
        new = (arrival == t) & billed
        seats = np.where(new, seats0, seats)
        react = (return_at == t) & (seats == 0) & ~new
        back_seats = np.maximum(1, np.rint(last_seats * (0.6 + 0.4 * rng.random(N)))).astype(np.int64)
        seats = np.where(react, back_seats, seats)
        price = np.where(new | react, price0, price)
        return_at = np.where(react, -1, return_at)
        tenure = np.where(new | react, 0, tenure)
        seats_m[:, t] = seats
        price_m[:, t] = price
        if t < M:
            g = np.flatnonzero(grow & (seats > 0))
            exp_ev.append((g, np.full(g.size, t), cross[g].astype(np.int64), seats[g] * price[g] - mrr_before[g]))
            a = np.flatnonzero(anniv)
            ren_ev.append((a, np.full(a.size, t), (~churn[a]).astype(np.int64), mrr_before[a], seats[a] * price[a]))
            r = np.flatnonzero(react)
            react_ev.append((r, np.full(r.size, t), seats[r] * price[r]))
        tenure = tenure + (seats > 0)

    mrr_m = seats_m * price_m
    paid = mrr_m[:, :M] > 0
    # months until the account stops paying (1..H), H + 1 if not within H
    to_churn = np.full((N, M), H + 1, dtype=np.int64)
    for k in range(H, 0, -1):
        stops = paid & (mrr_m[:, k : M + k] == 0)
        to_churn[stops] = k
    ever_paid = paid.any(axis=1)
    # first month with no MRR after the first paid month (M if none)
    after = (np.arange(M)[None, :] > arrival[:, None]) & ~paid
    first_stop = np.where(after.any(axis=1), after.argmax(axis=1), M)
    first_stop = np.where(ever_paid, first_stop, arrival)

    acc_idx, mon_idx = np.nonzero(paid)  # account-major, month-minor
    cell_mrr = mrr_m[acc_idx, mon_idx]
    cell_seats = seats_m[acc_idx, mon_idx]
    cell_tc = to_churn[acc_idx, mon_idx]
    cell_seg = seg[acc_idx]
    cell_h = health[acc_idx]

    account_ids = _ids("A", N, 6)
    contract_start = per.month_start[arrival]
    names = _company_names(rng, N)
    tables: dict[str, pa.Table] = {}
    tables["teams"] = pa.Table.from_pylist(list(SAMPLE_TEAMS)).select(list(SAMPLE_COLUMNS["teams"]))
    tables["accounts"] = _table("accounts", {
        "account_id": account_ids,
        "account_name": names,
        "team": _take(_CS_TEAM, seg),
        "sales_team": _take(_FS_TEAMS, fs),
        "segment": _take(_SEGMENTS, seg),
        "touch_model": _take(_TOUCH, touch),
        "contract_start": _take(per.dates, contract_start),
        "industry": _take(_INDUSTRIES, industry),
        "region": _take(_REGIONS, region),
    })
    tables["mrr"] = _table("mrr", {
        "account_id": account_ids.take(pa.array(acc_idx)),
        "month": per.month_labels.take(pa.array(mon_idx)),
        "mrr": cell_mrr,
    })

    # --- usage --------------------------------------------------------------
    tenure_cell = mon_idx - arrival[acc_idx]
    share = 1.0 / (1.0 + np.exp(-(1.0 + 0.8 * cell_h)))
    ramp = np.minimum(1.0, 0.55 + 0.15 * tenure_cell)
    decline = np.asarray([1.0, 0.5, 0.7, 0.85, 1.0])[np.minimum(cell_tc, H + 1)]
    share = np.clip(share * ramp * decline + 0.05 * rng.standard_normal(acc_idx.size), 0.02, 1.0)
    active_users = rng.binomial(cell_seats, share)
    tables["usage"] = _table("usage", {
        "account_id": tables["mrr"]["account_id"],
        "month": tables["mrr"]["month"],
        "active_users": active_users,
        "licensed_seats": cell_seats,
    })

    # --- onboarding (one per account) ---------------------------------------
    ob_start = np.minimum(contract_start + rng.integers(0, 8, N), last)
    due_days = np.asarray(_ONBOARDING_DAYS)[seg]
    ob_due = ob_start + due_days
    dur = np.ceil(due_days * np.exp(-0.15 + 0.35 * rng.standard_normal(N))).astype(np.int64)
    done = ob_start + np.maximum(dur, 1)
    p_done = 1.0 / (1.0 + np.exp(-(1.8 + 0.8 * health)))
    ok = billed & (rng.random(N) < p_done) & (done <= last) & (done < per.month_start[first_stop])
    tables["onboarding"] = _table("onboarding", {
        "account_id": account_ids,
        "start_date": _take(per.dates, ob_start),
        "due_date": _take(per.dates, ob_due),
        "completed_date": _take(per.dates, done, ~ok),
    })

    # --- opportunities ------------------------------------------------------
    opp = _opportunities(rng, per, N, seg, fs, fs_owner, cs_team, cs_owner, arrival, seats0,
                         price0, src_new, acc_idx, mon_idx, cell_mrr, exp_ev, ren_ev, react_ev)
    opp_order = _sort(opp["created"], opp["close_sort"], np.arange(opp["created"].size))
    opp = {k: v[opp_order] for k, v in opp.items()}
    n_opp = opp["created"].size
    opp_team_labels = ("fs_tokyo", "fs_osaka", "cs_enterprise", "cs_smb")
    opp_owner = _owner_strings(owner_arr, opp_team_labels, opp["team"], opp["owner"])
    is_open = opp["stage"] == 0
    tables["opportunities"] = _table("opportunities", {
        "opportunity_id": _ids("OP", n_opp, 7),
        "account_id": _take(account_ids, opp["account"], opp["account"] < 0),
        "team": _take(opp_team_labels, opp["team"]),
        "owner": opp_owner,
        "type": _take(_OPP_TYPES, opp["type"]),
        "source": _take(_OPP_SOURCES, opp["source"]),
        "created_date": _take(per.dates, opp["created"]),
        "close_date": _take(per.dates, opp["close"], is_open),
        "stage": _take(_STAGES, opp["stage"]),
        "amount": opp["amount"],
    })

    # --- leads and activities -----------------------------------------------
    leads, acts = _funnel(rng, per, opp, owner_lists)
    n_leads = leads["created"].size
    lead_ids = _ids("LD", n_leads, 7)
    tables["leads"] = _table("leads", {
        "lead_id": lead_ids,
        "team": _take(("is_tokyo", "marketing"), leads["team"]),
        "source": _take(_LEAD_SOURCES, leads["source"]),
        "created_date": _take(per.dates, leads["created"]),
        "status": _take(_LEAD_STATUS, leads["status"]),
    })
    a_order = _sort(acts["date"], np.arange(acts["date"].size))
    acts = {k: v[a_order] for k, v in acts.items()}
    n_act = acts["date"].size
    act_team_labels = ("is_tokyo", "fs_tokyo", "fs_osaka")
    tables["activities"] = _table("activities", {
        "activity_id": _ids("AC", n_act, 8),
        "team": _take(act_team_labels, acts["team"]),
        "owner": _owner_strings(owner_arr, act_team_labels, acts["team"], acts["owner"]),
        "date": _take(per.dates, acts["date"]),
        "channel": _take(_CHANNELS, acts["channel"]),
        "lead_id": _take(lead_ids, acts["lead"], acts["lead"] < 0),
        "account_id": _take(account_ids, acts["account"], acts["account"] < 0),
        "outcome": _take(_OUTCOMES, acts["outcome"]),
    })

    # --- tickets ------------------------------------------------------------
    lam = np.asarray(_TICKETS)[cell_seg] * np.where(tenure_cell < 3, 1.8, 1.0) * np.exp(-0.25 * cell_h)
    n_tk = rng.poisson(lam)
    tk_cell = np.repeat(np.arange(acc_idx.size), n_tk)
    tk_acc, tk_mon, tk_seg = acc_idx[tk_cell], mon_idx[tk_cell], cell_seg[tk_cell]
    n = tk_cell.size
    day = _business_day(rng, per, tk_mon)
    hour_w = np.asarray([1, 1, 1, 1, 1, 1, 2, 4, 8, 12, 12, 11, 8, 11, 12, 12, 11, 10, 7, 5, 3, 2, 1, 1], float)
    hour = rng.choice(24, size=n, p=hour_w / hour_w.sum())
    opened = day * 86400 + hour * 3600 + rng.integers(0, 3600, n)
    ch_p = np.asarray([[0.40, 0.40, 0.20], [0.25, 0.45, 0.30], [0.15, 0.45, 0.40]])
    u = rng.random(n)
    chan = (u[:, None] > np.cumsum(ch_p[tk_seg], axis=1)[:, :2]).sum(axis=1)
    first_med = np.asarray([60.0, 3 * 3600.0, 300.0])[chan]  # seconds
    resolve_med = np.asarray([1200.0, 86400.0, 1800.0])[chan]
    first = opened + np.ceil(first_med * np.exp(0.8 * rng.standard_normal(n))).astype(np.int64)
    resolved = first + np.ceil(resolve_med * np.exp(1.0 * rng.standard_normal(n))).astype(np.int64)
    end_s = per.n_days * 86400 - 1
    no_first = first > end_s
    no_res = no_first | (resolved > end_s)
    tk_team = np.where(rng.random(n) < 0.08, cs_team[tk_acc] + 1, 0)  # 0 support, 1/2 CS
    order = _sort(opened, np.arange(n))
    tk_acc, tk_mon, tk_seg, opened, first, resolved = (
        x[order] for x in (tk_acc, tk_mon, tk_seg, opened, first, resolved))
    chan, no_first, no_res, tk_team, tk_cell = (x[order] for x in (chan, no_first, no_res, tk_team, tk_cell))
    tables["tickets"] = _table("tickets", {
        "ticket_id": _ids("TK", n, 7),
        "account_id": account_ids.take(pa.array(tk_acc)),
        "team": _take(("support", "cs_enterprise", "cs_smb"), tk_team),
        "channel": _take(_TICKET_CHANNELS, chan),
        "opened_at": _timestamps(per, tod, opened, np.zeros(n, bool)),
        "first_response_at": _timestamps(per, tod, first, no_first),
        "resolved_at": _timestamps(per, tod, resolved, no_res),
    })

    # --- surveys: NPS every June and December, CSAT after resolved tickets --
    wave = np.isin(per.calendar_month[mon_idx], (6, 12))
    resp = wave & (rng.random(acc_idx.size) < np.asarray(_NPS_RESPONSE)[cell_seg])
    nps_cell = np.flatnonzero(resp)
    risk = (cell_tc[nps_cell] <= H).astype(float)
    nps = np.clip(np.rint(7.2 + 1.3 * cell_h[nps_cell] - 2.5 * risk + 1.5 * rng.standard_normal(nps_cell.size)), 0, 10)
    nps_day = np.minimum(
        per.month_start[mon_idx[nps_cell]] + rng.integers(0, 20, nps_cell.size), last)
    cs_pick = np.flatnonzero(~no_res & (rng.random(n) < 0.3))
    slow = ((resolved[cs_pick] - opened[cs_pick]) > 2 * 86400).astype(float)
    risk = (cell_tc[tk_cell[cs_pick]] <= H).astype(float)
    csat = np.clip(np.rint(4.0 + 0.4 * cell_h[tk_cell[cs_pick]] - 0.8 * risk - 0.5 * slow
                           + 0.7 * rng.standard_normal(cs_pick.size)), 1, 5)
    sv_acc = np.concatenate([acc_idx[nps_cell], tk_acc[cs_pick]])
    sv_day = np.concatenate([nps_day, resolved[cs_pick] // 86400])
    sv_kind = np.concatenate([np.zeros(nps_cell.size, np.int64), np.ones(cs_pick.size, np.int64)])
    sv_score = np.concatenate([nps, csat]).astype(np.int64)
    order = _sort(sv_day, np.arange(sv_day.size))
    tables["surveys"] = _table("surveys", {
        "response_id": _ids("SV", sv_day.size, 7),
        "account_id": account_ids.take(pa.array(sv_acc[order])),
        "date": _take(per.dates, sv_day[order]),
        "survey": _take(("nps", "csat"), sv_kind[order]),
        "score": sv_score[order],
    })

    # --- costs: headcount x loaded cost, plus marketing programme spend ------
    leads_per_month = np.bincount(per.month_of(leads["created"]), minlength=M)[:M]
    growth = 0.7 + 0.6 * (t_idx / max(M - 1, 1))
    c_month, c_team, c_cat, c_amt = [], [], [], []
    noise = 1.0 + 0.03 * rng.standard_normal((M, len(_COST_TEAMS)))
    for j, team in enumerate(_COST_TEAMS):
        heads = np.maximum(1, np.rint(_owners(team, N)[1] * growth))
        amt = heads * _COST_PER_HEAD[team] * noise[:, j]
        if team == "marketing":
            amt = amt + leads_per_month * _COST_PER_LEAD
        c_month.append(t_idx)
        c_team.append(np.full(M, j))
        c_cat.append(np.full(M, 1 if team == "marketing" else 0))
        c_amt.append((np.rint(amt / 1000) * 1000).astype(np.int64))
    c_month, c_team, c_cat, c_amt = (np.concatenate(x) for x in (c_month, c_team, c_cat, c_amt))
    order = _sort(c_month, c_team)
    tables["costs"] = _table("costs", {
        "month": per.month_labels.take(pa.array(c_month[order])),
        "team": _take(_COST_TEAMS, c_team[order]),
        "category": _take(("sales", "marketing"), c_cat[order]),
        "amount": c_amt[order],
    })
    return {name: tables[name] for name in SAMPLE_COLUMNS}


def _owner_strings(owner_arr: dict, team_labels: tuple, team: np.ndarray, owner: np.ndarray) -> pa.Array:
    """Owner names from per-team rosters (team code, index in roster)."""
    offsets = np.cumsum([0] + [len(owner_arr[t]) for t in team_labels])
    roster = pa.concat_arrays([owner_arr[t] for t in team_labels])
    return roster.take(pa.array(offsets[team] + owner))


def _company_names(rng: np.random.Generator, n: int) -> pa.Array:
    """Unique synthetic Japanese-style company names.

    Stem x middle x business word gives 14,400 names; beyond that a city
    prefix is added (x11), and beyond that a number in brackets.
    """
    sizes = (len(_NAME_STEMS), len(_NAME_MIDDLES), len(_NAME_PARTS))
    space = int(np.prod(sizes))
    slot = np.arange(n)
    combo = rng.permutation(space)[slot % space]
    dup = slot // space
    order = rng.permutation(n)
    combo, dup = combo[order], dup[order]
    stem, rest = combo % sizes[0], combo // sizes[0]
    mid, part = rest % sizes[1], rest // sizes[1]
    city, number = dup % len(_NAME_CITIES), dup // len(_NAME_CITIES)
    form = rng.choice(len(_NAME_FORMS), size=n, p=_NAME_FORM_P)
    suffix_labels = [""] + [f"（{i + 1}）" for i in range(1, int(number.max()) + 1)]
    return pc.binary_join_element_wise(
        _take([f[0] for f in _NAME_FORMS], form), _take(_NAME_CITIES, city),
        _take(_NAME_STEMS, stem), _take(_NAME_MIDDLES, mid), _take(_NAME_PARTS, part),
        _take([f[1] for f in _NAME_FORMS], form), _take(suffix_labels, number), "")


def _opportunities(rng, per, N, seg, fs, fs_owner, cs_team, cs_owner, arrival, seats0, price0,
                   src_new, acc_idx, mon_idx, cell_mrr, exp_ev, ren_ev, react_ev) -> dict:
    """Opportunity rows as integer codes (team: 0/1 FS, 2/3 CS; stage: 0 open, 1 won, 2 lost)."""
    last = per.last_day
    cycle = np.asarray(_SALES_CYCLE, dtype=np.float64)
    parts = []

    def add(account, team, owner, typ, source, created, close, stage, amount):
        parts.append(dict(account=account, team=team, owner=owner, type=typ, source=source,
                          created=created, close=close, stage=stage, amount=amount))

    # won new business: closes in the first paid month or up to 20 days before
    ms = per.month_start[arrival]
    off = rng.integers(-20, 15, N)
    close = np.where(ms + off < 0, ms + np.abs(off), ms + off)
    close = np.minimum(close, last)
    created = _back(rng, close, cycle[seg, 0], cycle[seg, 1])
    amount = 12 * seats0 * price0
    add(np.arange(N), fs, fs_owner, np.zeros(N, np.int64), src_new, created, close,
        np.ones(N, np.int64), amount)

    # lost (and a few still open) new business with prospects: no account yet
    k = rng.poisson(np.asarray(_LOST_PER_WON)[fs] * np.asarray([1.3, 1.0, 0.9])[seg])
    sib = np.repeat(np.arange(N), k)
    n = sib.size
    p_close = close[sib] + rng.integers(-45, 46, n)
    p_close = np.abs(p_close)
    p_seg = seg[sib]
    p_created = _back(rng, p_close, cycle[p_seg, 0], cycle[p_seg, 1])
    p_open = p_close > last
    p_created = np.minimum(p_created, last)
    p_close = np.minimum(p_close, last)
    p_team = fs[sib]
    roster = np.asarray([len(_owners("fs_tokyo", N)[0]), len(_owners("fs_osaka", N)[0])])
    p_owner = (rng.random(n) * roster[p_team]).astype(np.int64)
    p_amount = (np.rint(amount[sib] * (0.5 + rng.random(n)) / 1000) * 1000).astype(np.int64)
    add(np.full(n, -1), p_team, p_owner, np.zeros(n, np.int64),
        rng.choice(5, size=n, p=_OPP_SOURCE_P), p_created, p_close,
        np.where(p_open, 0, 2), p_amount)

    # won win-back deals at reactivation (new business from an existing account)
    r_acc = np.concatenate([e[0] for e in react_ev])
    r_mon = np.concatenate([e[1] for e in react_ev])
    r_mrr = np.concatenate([e[2] for e in react_ev])
    r_close = np.maximum(per.month_start[r_mon] - rng.integers(0, 21, r_acc.size), 0)
    add(r_acc, fs[r_acc], fs_owner[r_acc], np.zeros(r_acc.size, np.int64),
        np.full(r_acc.size, 5), _back(rng, r_close, 14, 60), r_close,
        np.ones(r_acc.size, np.int64), 12 * r_mrr)

    # won upsell / cross-sell around expansions, owned by the account's CS team
    e_acc = np.concatenate([e[0] for e in exp_ev])
    e_mon = np.concatenate([e[1] for e in exp_ev])
    e_cross = np.concatenate([e[2] for e in exp_ev])
    e_delta = np.concatenate([e[3] for e in exp_ev])
    e_close = np.clip(per.month_start[e_mon] + rng.integers(-15, 6, e_acc.size), 0, last)
    add(e_acc, 2 + cs_team[e_acc], cs_owner[e_acc], 1 + e_cross, np.full(e_acc.size, 5),
        _back(rng, e_close, 14, 60), e_close, np.ones(e_acc.size, np.int64), 12 * e_delta)

    # lost (or open, near the end) upsell / cross-sell on paying accounts
    n_lost = int(round(0.6 * e_acc.size))
    if n_lost and acc_idx.size:
        wseg = np.asarray([4.0, 2.0, 1.0])[seg[acc_idx]]
        cells = np.sort(rng.choice(acc_idx.size, size=n_lost, p=wseg / wseg.sum()))
        l_acc, l_mon = acc_idx[cells], mon_idx[cells]
        l_close = _business_day(rng, per, l_mon)
        l_amt = (np.rint(12 * cell_mrr[cells] * (0.1 + 0.2 * rng.random(n_lost)) / 1000) * 1000)
        add(l_acc, 2 + cs_team[l_acc], cs_owner[l_acc], 1 + (rng.random(n_lost) < 0.35),
            np.full(n_lost, 5), _back(rng, l_close, 14, 60), l_close,
            np.full(n_lost, 2), l_amt.astype(np.int64))

    # renewals of annual (enterprise and mid) contracts at each anniversary
    a_acc = np.concatenate([e[0] for e in ren_ev])
    a_mon = np.concatenate([e[1] for e in ren_ev])
    a_won = np.concatenate([e[2] for e in ren_ev])
    a_amt = np.where(a_won == 1, np.concatenate([e[4] for e in ren_ev]), np.concatenate([e[3] for e in ren_ev]))
    a_close = np.maximum(per.month_start[a_mon] - rng.integers(0, 21, a_acc.size), 0)
    add(a_acc, 2 + cs_team[a_acc], cs_owner[a_acc], np.full(a_acc.size, 3), np.full(a_acc.size, 5),
        _back(rng, a_close, 30, 75), a_close, np.where(a_won == 1, 1, 2), 12 * a_amt)

    # open pipeline at the end: deals above are simulated back from their close, so deals
    # that would close after the period are missing; top the last quarter up with open deals
    done = {key: np.concatenate([np.asarray(p[key], dtype=np.int64) for p in parts]) for key in parts[0]}
    tpl, shift = _edge_templates(rng, done["created"], last, weeks=13)
    if tpl.size:
        n_open = tpl.size
        o_new = done["type"][tpl] == 0
        o_amount = (np.rint(done["amount"][tpl] * (0.8 + 0.4 * rng.random(n_open)) / 1000) * 1000).astype(np.int64)
        # a new-business deal still open has no account yet
        add(np.where(o_new, -1, done["account"][tpl]), done["team"][tpl], done["owner"][tpl],
            done["type"][tpl], done["source"][tpl], np.minimum(done["created"][tpl] + shift, last),
            np.full(n_open, last), np.zeros(n_open, np.int64), o_amount)
    out = {key: np.concatenate([np.asarray(p[key], dtype=np.int64) for p in parts]) for key in parts[0]}
    out["close_sort"] = np.where(out["stage"] == 0, last + 1, out["close"])
    return out


def _funnel(rng, per, opp: dict, owner_lists: dict) -> tuple[dict, dict]:
    """Leads (one per lead-sourced new opportunity plus unconverted ones) and activities."""
    last = per.last_day
    n_is = len(owner_lists["is_tokyo"])
    new = np.flatnonzero((opp["type"] == 0) & (opp["source"] < 4))  # not outbound, not existing
    n_conv = new.size
    conv_created = _back(rng, opp["created"][new], 0, 30)
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

    l_created = np.concatenate([conv_created, o_created])
    l_source = np.concatenate([opp["source"][new], o_source])
    l_status = np.concatenate([np.full(n_conv, 3), o_status])
    l_team = np.concatenate([np.zeros(n_conv, np.int64), o_team])
    l_opp = np.concatenate([new, np.full(n_other, -1)])
    # leads of deals created after the period are missing at its end: top up with leads
    # still being worked (open, some qualified or already disqualified)
    tpl, shift = _edge_templates(rng, l_created, last, weeks=6)
    if tpl.size:
        u = rng.random(tpl.size)
        l_created = np.concatenate([l_created, np.minimum(l_created[tpl] + shift, last)])
        l_source = np.concatenate([l_source, l_source[tpl]])
        l_status = np.concatenate([l_status, np.where(u < 0.6, 0, np.where(u < 0.8, 1, 2))])
        l_team = np.concatenate([l_team, l_team[tpl]])
        l_opp = np.concatenate([l_opp, np.full(tpl.size, -1)])
    order = _sort(l_created, np.arange(l_created.size))
    l_created, l_source, l_status, l_team, l_opp = (x[order] for x in (l_created, l_source, l_status, l_team, l_opp))
    leads = dict(created=l_created, source=l_source, status=l_status, team=l_team)
    l_owner = rng.integers(0, n_is, l_created.size)

    # inside-sales calls and e-mails on the leads the IS team works
    lam = np.asarray([1.0, 2.0, 0.6, 2.0])[l_status]
    cnt = np.where(l_team == 0, rng.poisson(lam) + np.asarray([0, 1, 1, 1])[l_status], 0)
    li = np.repeat(np.arange(l_created.size), cnt)
    pos = _group_position(cnt)
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
    is_acts = dict(team=np.zeros(na, np.int64), owner=l_owner[li], date=a_date, channel=a_chan,
                   lead=li, account=won_acc, outcome=a_out)

    # field-sales meetings on new-business opportunities
    nb = np.flatnonzero(opp["type"] == 0)
    seg_lam = np.where(opp["amount"][nb] >= 12 * 250_000, 2.0, np.where(opp["amount"][nb] >= 12 * 60_000, 1.0, 0.5))
    mcnt = 1 + rng.poisson(seg_lam)
    mi = np.repeat(nb, mcnt)
    mpos = _group_position(mcnt)
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
    meetings = dict(team=1 + opp["team"][mi], owner=opp["owner"][mi], date=m_date,
                    channel=np.full(nm, 2), lead=lead_of_opp[mi], account=m_acc, outcome=m_out)

    acts = {k: np.concatenate([is_acts[k], meetings[k]]).astype(np.int64) for k in is_acts}
    keep = (acts["date"] >= 0) & (acts["date"] <= last)
    acts = {k: v[keep] for k, v in acts.items()}
    return leads, acts


# ---------------------------------------------------------------------------
# public API
# ---------------------------------------------------------------------------
def generate_sample(
    accounts: int = 2000,
    months: int = 36,
    seed: int = 42,
    start: str = DEFAULT_START,
) -> dict[str, pd.DataFrame]:
    """Generate the synthetic CS and Sales sample as DataFrames.

    Parameters
    ----------
    accounts : int, default 2000
        Number of customer accounts (companies that sign a contract during
        the period). Prospects that never sign appear only as lost or open
        opportunities and as leads.
    months : int, default 36
        Length of the data period in calendar months.
    seed : int, default 42
        Seed for ``numpy.random.default_rng``; the same arguments always give
        the same data.
    start : str, default "2023-11"
        First month of the period, ``'YYYY-MM'``; the service launches in this
        month, so there are no customers before it. The default 36 months run
        from 2023-11 to 2026-10.

    Returns
    -------
    dict of str to pandas.DataFrame
        One DataFrame per table, keys and columns in the order of
        :data:`SAMPLE_COLUMNS`:

        ``teams``
            :data:`SAMPLE_TEAMS`.
        ``accounts``
            One row per customer: owning CS team, field-sales team, segment,
            touch model, ``contract_start`` (first day of the first paid
            month), industry and region.
        ``mrr``
            Monthly recurring revenue in JPY (int, > 0), one row per account
            and paid month; months without revenue have no row. About 0.5 %
            of accounts signed but were never billed and have no rows.
        ``opportunities``
            ``amount`` is the annual contract value in JPY (12 x MRR, or
            12 x the MRR added for upsell / cross-sell). New business is owned
            by field sales; upsell, cross-sell and renewal by the account's CS
            team. ``account_id`` is empty for prospects that have not become
            customers (lost or open new business); ``close_date`` is empty
            for open opportunities.
        ``leads``
            Leads handled by ``is_tokyo`` (or still with ``marketing``).
        ``activities``
            Inside-sales calls and e-mails on leads, field-sales meetings on
            new-business opportunities; ``lead_id`` / ``account_id`` may be
            empty.
        ``usage``
            Active users and licensed seats per paid account-month
            (``active_users <= licensed_seats``; ``mrr`` = seats x price).
        ``onboarding``
            One row per account; ``due_date`` is 90 / 60 / 30 days after
            ``start_date`` for enterprise / mid / smb and may fall after the
            period; ``completed_date`` is empty if not completed by the end.
        ``surveys``
            NPS (0-10, every June and December) and CSAT (1-5, after resolved
            tickets).
        ``tickets``
            Support tickets with ISO timestamps; ``first_response_at`` and
            ``resolved_at`` are empty if they had not happened by the end of
            the period.
        ``costs``
            Monthly sales and marketing cost in JPY per team (headcount x
            loaded cost, plus marketing spend per lead), for CAC.

    Notes
    -----
    Monthly churn hazard is about 1 % / 2 % / 4 % for enterprise / mid / smb,
    x1.8 in the first three months and x1.3 up to month six; enterprise and
    mid contracts are annual, so their churn concentrates at anniversaries.
    About 14 % of churns are set to come back 3-12 months later (reactivation).
    Accounts with low latent health churn more, use less, and give lower NPS
    and CSAT, most visibly in the three months before they churn.

    Examples
    --------
    >>> t = generate_sample(accounts=200, months=12, seed=7)
    >>> int(t["mrr"]["mrr"].min()) > 0
    True
    """
    tables = _build(accounts, months, seed, start)
    return {name: tbl.to_pandas() for name, tbl in tables.items()}


def _describe(accounts: int, months: int, seed: int, start: str) -> str:
    end = str(np.datetime64(start, "M") + (months - 1))
    lines = [
        "# cskit synthetic sample (generated by cskit.sample.write_sample)",
        "name: cskit-sample",
        "currency: JPY",
        "description: >-",
        "  Synthetic data of one fictitious Japanese B2B SaaS company that launches",
        f"  in {start}: marketing leads, inside-sales and field-sales pipeline,",
        "  subscriptions (MRR), usage, onboarding, surveys, support tickets and",
        "  sales and marketing costs. Money in integer JPY; not real data.",
        f"period_start: '{start}'",
        f"period_end: '{end}'",
        "generator:",
        f"  accounts: {int(accounts)}",
        f"  months: {int(months)}",
        f"  seed: {int(seed)}",
        "tables:",
    ]
    lines += [f"  - {name}" for name in SAMPLE_COLUMNS]
    return "\n".join(lines) + "\n"


def _csv_writer(table: pa.Table):
    def write(fh) -> None:
        fh.write((",".join(table.column_names) + "\n").encode("utf-8"))
        pa_csv.write_csv(
            table, fh,
            write_options=pa_csv.WriteOptions(include_header=False, quoting_style="none"),
        )
    return write


def write_sample(
    out_dir: str | os.PathLike,
    accounts: int = 2000,
    months: int = 36,
    seed: int = 42,
    start: str = DEFAULT_START,
) -> list[Path]:
    """Write the sample as UTF-8 CSV files plus ``dataset.yml``.

    Each table of :func:`generate_sample` becomes ``<table>.csv`` (header
    line, no index, ``\\n`` line endings, no quoting: no value contains a
    comma, quote or line break; empty field = empty value). Every file is
    written to a temporary name in ``out_dir`` and renamed into place, so an
    interrupted run never leaves a partial file. The same arguments give
    byte-identical files.

    Parameters
    ----------
    out_dir : str or os.PathLike
        Target folder; created if missing. Existing files of the same names
        are replaced.
    accounts, months, seed, start
        As in :func:`generate_sample`.

    Returns
    -------
    list of pathlib.Path
        The written CSV files in :data:`SAMPLE_COLUMNS` order, then
        ``dataset.yml`` and the example ``targets.yml``.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     [p.name for p in write_sample(d, accounts=100, months=6)][-3:]
    ['costs.csv', 'dataset.yml', 'targets.yml']
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tables = _build(accounts, months, seed, start)
    paths = []
    for name, table in tables.items():
        path = out / f"{name}.csv"
        atomic_write(path, _csv_writer(table))
        paths.append(path)
    meta = out / "dataset.yml"
    text = _describe(accounts, months, seed, start).encode("utf-8")
    atomic_write(meta, text)
    paths.append(meta)
    # example SMART targets (good and flawed ones) for notebook 03 and `cskit targets`
    targets = (files("cskit.content") / "sample_targets.yml").read_bytes()
    atomic_write(out / "targets.yml", targets)
    paths.append(out / "targets.yml")
    return paths
