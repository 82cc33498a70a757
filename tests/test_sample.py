"""Tests for the synthetic sample: determinism, data contract, integrity, realism.

Everything is checked with plain pandas, independent of any cskit loader.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
import yaml

from cskit.sample import DEFAULT_START, SAMPLE_COLUMNS, SAMPLE_TEAMS, generate_sample, write_sample
from cskit.sample.params import SEGMENT_SHARE, SEGMENTS

SMALL = dict(accounts=300, months=36, seed=7)
#: The start-from-zero shape: the service launches in the data's first month.
LAUNCH = dict(SMALL, history_months=0)

ENUMS = {
    ("teams", "role"): {"cs", "inside_sales", "field_sales", "support", "marketing"},
    ("accounts", "segment"): {"enterprise", "mid", "smb"},
    ("accounts", "touch_model"): {"high", "low", "tech"},
    ("accounts", "team"): {"cs_enterprise", "cs_smb"},
    ("accounts", "sales_team"): {"fs_tokyo", "fs_osaka"},
    ("opportunities", "type"): {"new", "upsell", "cross_sell", "renewal"},
    ("opportunities", "stage"): {"open", "won", "lost"},
    ("leads", "team"): {"is_tokyo", "marketing"},
    ("leads", "source"): {"web", "event", "referral", "ads"},
    ("leads", "status"): {"open", "qualified", "disqualified", "converted"},
    ("activities", "channel"): {"call", "email", "meeting"},
    ("surveys", "survey"): {"nps", "csat"},
    ("tickets", "channel"): {"phone", "email", "chat"},
    ("costs", "team"): {"fs_tokyo", "fs_osaka", "is_tokyo", "marketing"},
    ("costs", "category"): {"sales", "marketing"},
}
OUTCOMES = {
    "call": {"no_answer", "connected", "meeting_set"},
    "email": {"sent", "opened", "replied", "meeting_set"},
    "meeting": {"held", "no_show"},
}
ID_COLUMNS = {
    "accounts": "account_id",
    "opportunities": "opportunity_id",
    "leads": "lead_id",
    "activities": "activity_id",
    "surveys": "response_id",
    "tickets": "ticket_id",
    "teams": "team",
    "onboarding": "account_id",
}
DATE_COLUMNS = {
    "accounts": ["contract_start"],
    "opportunities": ["created_date", "close_date"],
    "leads": ["created_date"],
    "activities": ["date"],
    "onboarding": ["start_date", "completed_date"],  # due_date may lie after the period
    "surveys": ["date"],
}
TIMESTAMP_COLUMNS = {"tickets": ["opened_at", "first_response_at", "resolved_at"]}
MONTH_COLUMNS = {"mrr": ["month"], "usage": ["month"], "costs": ["month"]}


@pytest.fixture(scope="module")
def small() -> dict[str, pd.DataFrame]:
    return generate_sample(**SMALL)


@pytest.fixture(scope="module")
def launch() -> dict[str, pd.DataFrame]:
    return generate_sample(**LAUNCH)


@pytest.fixture(scope="module")
def default() -> dict[str, pd.DataFrame]:
    return generate_sample()


@pytest.fixture(scope="module")
def movements(default) -> dict[str, pd.DataFrame]:
    """MRR movements per account and month, from a plain pivot of the mrr table."""
    p = default["mrr"].pivot(index="account_id", columns="month", values="mrr").fillna(0)
    prev = p.shift(1, axis=1).fillna(0)
    seen_before = (p > 0).cumsum(axis=1).shift(1, axis=1).fillna(0) > 0
    return {
        "mrr": p,
        "new": (prev == 0) & (p > 0) & ~seen_before,
        "reactivation": (prev == 0) & (p > 0) & seen_before,
        "expansion": (prev > 0) & (p > prev),
        "contraction": (prev > 0) & (p > 0) & (p < prev),
        "churn": (prev > 0) & (p == 0),
    }


def _period_months(start: str, months: int) -> list[str]:
    return [str(m) for m in np.datetime64(start, "M") + np.arange(months)]


# --- determinism ---------------------------------------------------------------
def test_same_seed_writes_byte_identical_files(tmp_path):
    a = write_sample(tmp_path / "a", **SMALL)
    b = write_sample(tmp_path / "b", **SMALL)
    assert [p.name for p in a] == [p.name for p in b]
    assert [p.name for p in a] == [f"{t}.csv" for t in SAMPLE_COLUMNS] + ["dataset.yml", "targets.yml"]
    for pa_, pb in zip(a, b):
        assert pa_.read_bytes() == pb.read_bytes(), pa_.name


def test_different_seed_gives_different_data(tmp_path):
    a = write_sample(tmp_path / "a", **SMALL)
    b = write_sample(tmp_path / "b", **{**SMALL, "seed": SMALL["seed"] + 1})
    by_name = {p.name: p for p in b}
    for name in ("accounts.csv", "mrr.csv", "opportunities.csv", "tickets.csv"):
        assert next(p for p in a if p.name == name).read_bytes() != by_name[name].read_bytes()
    # the teams table is fixed
    assert (tmp_path / "a" / "teams.csv").read_bytes() == (tmp_path / "b" / "teams.csv").read_bytes()


def test_written_files_match_generated_frames(tmp_path, small):
    write_sample(tmp_path, **SMALL)
    for name, df in small.items():
        raw = (tmp_path / f"{name}.csv").read_bytes()
        assert b"\r" not in raw
        back = pd.read_csv(tmp_path / f"{name}.csv", dtype=str, keep_default_na=False, encoding="utf-8")
        assert list(back.columns) == list(SAMPLE_COLUMNS[name])
        expected = df.astype(object).where(df.notna(), "").astype(str)
        pd.testing.assert_frame_equal(back, expected, check_dtype=False)
    meta = yaml.safe_load((tmp_path / "dataset.yml").read_text(encoding="utf-8"))
    assert meta["currency"] == "JPY"
    assert meta["description"]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [f"{t}.csv" for t in SAMPLE_COLUMNS] + ["dataset.yml", "targets.yml"]
    ), "no temporary files are left behind"


# --- the data contract ---------------------------------------------------------
def test_tables_and_columns_follow_the_contract(small):
    assert list(small) == list(SAMPLE_COLUMNS)
    for name, df in small.items():
        assert list(df.columns) == list(SAMPLE_COLUMNS[name]), name
    assert small["teams"].to_dict("records") == list(SAMPLE_TEAMS)
    assert small["teams"].loc[small["teams"].team == "cs_enterprise", "name_ja"].item() == "エンタープライズCS"
    for name, cols in {
        "mrr": ["mrr"], "opportunities": ["amount"], "usage": ["active_users", "licensed_seats"],
        "surveys": ["score"], "costs": ["amount"],
    }.items():
        for col in cols:
            assert small[name][col].dtype == np.int64, (name, col)


def test_ids_are_unique_and_formatted(small):
    for name, col in ID_COLUMNS.items():
        assert small[name][col].is_unique, (name, col)
        assert small[name][col].notna().all(), (name, col)
    assert small["accounts"].account_id.str.fullmatch(r"A\d{6}").all()
    assert small["accounts"].account_name.is_unique
    assert not small["mrr"].duplicated(["account_id", "month"]).any()
    assert not small["usage"].duplicated(["account_id", "month"]).any()
    assert not small["costs"].duplicated(["month", "team"]).any()


def test_enumerations(small):
    for (name, col), allowed in ENUMS.items():
        assert set(small[name][col].dropna()) <= allowed, (name, col)
        assert small[name][col].notna().all(), (name, col)
    acts = small["activities"]
    for channel, allowed in OUTCOMES.items():
        assert set(acts.loc[acts.channel == channel, "outcome"]) <= allowed, channel
    nps = small["surveys"].query("survey == 'nps'").score
    csat = small["surveys"].query("survey == 'csat'").score
    assert nps.between(0, 10).all() and csat.between(1, 5).all()
    seg_cs = {"enterprise": "cs_enterprise", "mid": "cs_enterprise", "smb": "cs_smb"}
    assert (small["accounts"].segment.map(seg_cs) == small["accounts"].team).all()


def test_referential_integrity(small):
    accounts = set(small["accounts"].account_id)
    teams = set(small["teams"].team)
    for name, df in small.items():
        if name != "accounts" and "account_id" in df:
            assert set(df.account_id.dropna()) <= accounts, name
        for col in ("team", "sales_team"):
            if col in df:
                assert set(df[col]) <= teams, (name, col)
    assert set(small["activities"].lead_id.dropna()) <= set(small["leads"].lead_id)
    assert set(small["onboarding"].account_id) == accounts


def _first_and_last_day(months: list[str]) -> tuple[str, str]:
    return f"{months[0]}-01", str((np.datetime64(months[-1], "M") + 1).astype("datetime64[D]") - 1)


def test_dates_are_iso_and_inside_the_period(launch):
    """A company that launches in the data's first month has every date inside the data."""
    small = launch
    months = _period_months(DEFAULT_START, SMALL["months"])
    first, last = _first_and_last_day(months)
    for name, cols in DATE_COLUMNS.items():
        for col in cols:
            s = small[name][col].dropna()
            assert s.str.fullmatch(r"\d{4}-\d{2}-\d{2}").all(), (name, col)
            assert s.between(first, last).all(), (name, col)
    for name, cols in TIMESTAMP_COLUMNS.items():
        for col in cols:
            s = small[name][col].dropna()
            assert s.str.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}").all(), (name, col)
            assert s.between(first, last + "T23:59:59").all(), (name, col)
    for name, cols in MONTH_COLUMNS.items():
        for col in cols:
            assert set(small[name][col]) <= set(months), (name, col)


def test_an_export_holds_the_window_only_and_the_customers_of_its_time(small):
    """History before the window: rows dated in the window, accounts signed up to its end."""
    months = _period_months(DEFAULT_START, SMALL["months"])
    first, last = _first_and_last_day(months)
    inside = {"opportunities": ["close_date"], "activities": ["date"], "surveys": ["date"]}
    for name, cols in {**inside, **DATE_COLUMNS}.items():
        for col in cols:
            s = small[name][col].dropna()
            assert s.str.fullmatch(r"\d{4}-\d{2}-\d{2}").all(), (name, col)
            assert (s <= last).all(), (name, col)
            if name in inside and col in inside[name]:
                assert (s >= first).all(), (name, col)
    assert small["tickets"].opened_at.between(first, last + "T23:59:59").all()
    for name, cols in MONTH_COLUMNS.items():
        for col in cols:
            assert set(small[name][col]) <= set(months), (name, col)
    # leads are created in the window, unless a kept activity works an older one
    leads = small["leads"]
    older = leads[leads.created_date < first]
    assert set(older.lead_id) <= set(small["activities"].lead_id.dropna())
    assert len(older) < 0.05 * len(leads)
    # the customers signed before the window are there, those gone for good before it are not
    accounts = small["accounts"]
    assert (accounts.contract_start < first).mean() > 0.2
    seen = set(small["mrr"].account_id)
    for name in ("opportunities", "activities", "tickets", "surveys"):
        seen |= set(small[name].account_id.dropna())
    assert (accounts.account_id.isin(seen) | (accounts.contract_start >= first)).all()


@pytest.mark.parametrize("months,start", [(36, DEFAULT_START), (12, "2025-04"), (1, "2024-01")])
@pytest.mark.parametrize("history", [0, 24])
def test_months_span_exactly_the_requested_period(months, start, history):
    t = generate_sample(accounts=300, months=months, seed=3, start=start, history_months=history)
    expected = _period_months(start, months)
    assert sorted(t["costs"].month.unique()) == expected
    assert set(t["mrr"].month) <= set(expected)
    assert t["mrr"].month.min() == expected[0] and t["mrr"].month.max() == expected[-1]
    signed = t["accounts"].contract_start.str[:7]
    assert (signed <= expected[-1]).all()
    if history:
        launched = str(np.datetime64(start, "M") - history)
        assert signed.min() < expected[0] and (signed >= launched).all()
    else:
        assert (signed >= expected[0]).all()


def test_default_period_ends_2026_10(default):
    months = sorted(default["mrr"].month.unique())
    assert len(months) == 36 and months[0] == "2023-11" and months[-1] == "2026-10"


def test_row_level_consistency(small):
    u = small["usage"]
    assert (u.active_users >= 0).all() and (u.active_users <= u.licensed_seats).all()
    assert (u.licensed_seats > 0).all()
    m = small["mrr"]
    assert (m.mrr > 0).all()
    assert u[["account_id", "month"]].equals(m[["account_id", "month"]])
    o = small["opportunities"]
    closed = o[o.stage != "open"]
    assert closed.close_date.notna().all() and o[o.stage == "open"].close_date.isna().all()
    assert (closed.close_date >= closed.created_date).all()
    assert (o.amount > 0).all()
    ob = small["onboarding"]
    done = ob.dropna(subset=["completed_date"])
    assert (done.completed_date >= done.start_date).all()
    days = (pd.to_datetime(ob.due_date) - pd.to_datetime(ob.start_date)).dt.days
    assert days.between(30, 90).all()
    tk = small["tickets"]
    r = tk.dropna(subset=["first_response_at"])
    assert (r.first_response_at >= r.opened_at).all()
    r = tk.dropna(subset=["resolved_at"])
    assert r.first_response_at.notna().all() and (r.resolved_at >= r.first_response_at).all()
    acts = small["activities"]
    assert acts.loc[acts.channel != "meeting", "team"].eq("is_tokyo").all()
    assert acts.loc[acts.channel == "meeting", "team"].isin(["fs_tokyo", "fs_osaka"]).all()


# --- the default sample tells the intended story ---------------------------------
def test_default_sample_has_every_mrr_movement(movements):
    for kind in ("new", "expansion", "contraction", "churn", "reactivation"):
        assert movements[kind].to_numpy().sum() > 0, kind
    react = movements["reactivation"].to_numpy().sum() / movements["churn"].to_numpy().sum()
    assert 0.04 < react < 0.2


def test_default_sample_segments_look_realistic(default, movements):
    p = movements["mrr"]
    seg = default["accounts"].set_index("account_id").segment.reindex(p.index)
    churn = movements["churn"]
    for s, (lo, hi), (c_lo, c_hi) in [
        ("enterprise", (300_000, 1_000_000), (0.004, 0.02)),
        ("mid", (80_000, 200_000), (0.01, 0.035)),
        ("smb", (10_000, 50_000), (0.025, 0.07)),
    ]:
        values = p[seg == s].to_numpy()
        arpa = values[values > 0].mean()
        assert lo <= arpa <= hi, (s, arpa)
        active_before = (p[seg == s].shift(1, axis=1).fillna(0) > 0).to_numpy().sum()
        rate = churn[seg == s].to_numpy().sum() / active_before
        assert c_lo <= rate <= c_hi, (s, rate)
    never_billed = ~default["accounts"].account_id.isin(default["mrr"].account_id)
    assert 0 < never_billed.mean() < 0.02


def test_every_first_paid_month_has_a_won_new_opportunity(default):
    """Accounts that start paying after the window's first month have their won deal in it.

    (Older customers' deals, and some of those starting in the first month, closed before it.)
    """
    signed = default["accounts"].set_index("account_id").contract_start
    first = default["mrr"].groupby("account_id").month.min()
    first = first[(signed.reindex(first.index) >= f"{DEFAULT_START}-01") & (first > DEFAULT_START)]
    assert len(first) > 900
    won = default["opportunities"].query("type == 'new' and stage == 'won'")
    won_close = won.groupby("account_id").close_date.min()
    close = pd.to_datetime(won_close.reindex(first.index))
    start = pd.to_datetime(first + "-01")
    assert close.notna().all()
    gap = (close - start).dt.days
    assert gap.between(-31, 31).all()
    assert (close.dt.to_period("M") <= start.dt.to_period("M")).all()


def test_default_new_business_win_rate_is_about_a_third(default):
    o = default["opportunities"]
    closed = o[(o.type == "new") & (o.stage != "open")]
    assert 0.25 <= (closed.stage == "won").mean() <= 0.40
    assert (o.stage == "open").any()


def test_the_default_window_opens_on_a_company_in_mid_life(default):
    """Hundreds of accounts pay in the first month, nearly all signed before it."""
    mrr, accounts = default["mrr"], default["accounts"].set_index("account_id")
    base = mrr.loc[mrr.month == DEFAULT_START, "account_id"]
    signed = accounts.contract_start.reindex(base)
    assert 400 <= len(base) <= 800
    assert (signed < f"{DEFAULT_START}-01").mean() > 0.9
    assert signed.min() < "2020-01-01"  # four years of history: some signed in the first year
    # the customers signed over the whole life keep the segment mix of params.py
    mix = accounts.segment.value_counts(normalize=True)
    for segment, share in zip(SEGMENTS, SEGMENT_SHARE):
        assert abs(mix[segment] - share) < 0.04, segment
    # the base grows: more paying accounts and MRR at the end than at the start
    per_month = mrr.groupby("month").agg(accounts=("account_id", "size"), mrr=("mrr", "sum"))
    assert per_month.accounts.iloc[-1] > 1.3 * per_month.accounts.iloc[0]
    assert per_month.mrr.iloc[-1] > 1.5 * per_month.mrr.iloc[0]


def test_without_history_the_company_launches_in_the_first_month(launch):
    mrr, accounts = launch["mrr"], launch["accounts"].set_index("account_id")
    base = mrr.loc[mrr.month == DEFAULT_START, "account_id"]
    assert 0 < len(base) < 30
    assert (accounts.contract_start.reindex(base) >= f"{DEFAULT_START}-01").all()


def test_accounts_about_to_churn_use_less_and_score_lower(default, movements):
    p = movements["mrr"]
    last_before_churn = movements["churn"].shift(-1, axis=1, fill_value=False)
    cells = last_before_churn.stack()
    risky = set(cells[cells].index)
    u = default["usage"]
    share = u.active_users / u.licensed_seats
    at_risk = pd.Series([k in risky for k in zip(u.account_id, u.month)], index=u.index)
    assert share[at_risk].mean() < share[~at_risk].mean() - 0.1
    assert p.shape[1] == 36


def test_default_sample_has_every_team_in_use(default):
    acc = default["accounts"]
    assert set(acc.team) == {"cs_enterprise", "cs_smb"}
    assert set(acc.sales_team) == {"fs_tokyo", "fs_osaka"}
    used = set()
    for name, df in default.items():
        if name != "teams":
            for col in ("team", "sales_team"):
                if col in df:
                    used |= set(df[col])
    assert used == set(default["teams"].team)
    assert re.fullmatch(r"\d{4}-\d{2}", DEFAULT_START)


def test_bad_arguments_are_rejected():
    with pytest.raises(ValueError):
        generate_sample(accounts=0)
    with pytest.raises(ValueError):
        generate_sample(accounts=10, months=0)
    with pytest.raises(ValueError):
        generate_sample(accounts=10, start="November 2023")
    with pytest.raises(ValueError):
        generate_sample(accounts=10, history_months=-1)
