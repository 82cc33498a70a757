"""Property-based tests (hypothesis) on random valid datasets."""
from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import EXAMPLES_RUN
from cskit.cohorts import cohort_retention
from cskit.dataset import Dataset
from cskit.kpi.engine import compute_kpis
from cskit.kpi.registry import registry

MRR_LEVELS = [0, 0, 0, 10, 20, 50, 100, 250]
TEAMS = pd.DataFrame({"team": ["cs1", "cs2", "fs1"], "role": ["cs", "cs", "field_sales"],
                      "name_ja": ["a", "b", "c"], "name_en": ["a", "b", "c"]})
RATES_IN_UNIT_INTERVAL = ["logo_churn_rate", "logo_retention_rate", "gross_mrr_churn_rate", "grr_12m", "expansion_rate"]
PROFILE = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def datasets(draw):
    """1-8 accounts over 2-16 months, MRR drawn per account-month (0 = no row)."""
    n_accounts = draw(st.integers(1, 8))
    n_months = draw(st.integers(2, 16))
    matrix = draw(st.lists(st.lists(st.sampled_from(MRR_LEVELS), min_size=n_months, max_size=n_months),
                           min_size=n_accounts, max_size=n_accounts))
    owners = draw(st.lists(st.sampled_from(["cs1", "cs2"]), min_size=n_accounts, max_size=n_accounts))
    EXAMPLES_RUN["random datasets"] += 1
    months = pd.period_range("2023-01", periods=n_months, freq="M")
    rows = [(f"A{a}", months[m], float(v)) for a, series in enumerate(matrix) for m, v in enumerate(series) if v > 0]
    if not rows:  # the contract needs at least one mrr row
        rows = [("A0", months[0], 10.0)]
    mrr = pd.DataFrame(rows, columns=["account_id", "month", "mrr"])
    accounts = pd.DataFrame({"account_id": [f"A{a}" for a in range(n_accounts)], "account_name": "x",
                             "team": owners, "sales_team": "fs1"})
    return Dataset(tables={"teams": TEAMS, "accounts": accounts, "mrr": mrr.reset_index(drop=True)})


def wide(kpis: pd.DataFrame, team: str = "all") -> pd.DataFrame:
    return kpis[kpis.team == team].pivot(index="month", columns="kpi", values="value")


@PROFILE
@given(datasets())
def test_mrr_identity_holds_every_month(data):
    for team in ("all", "cs1", "cs2"):
        frame = wide(compute_kpis(data, teams=[team]), team)
        if frame.empty:  # a team that owns no account has no MRR KPIs
            continue
        change = frame["mrr"].diff().iloc[1:]
        moves = (frame["new_mrr"] + frame["reactivation_mrr"] + frame["expansion_mrr"]
                 - frame["contraction_mrr"] - frame["churned_mrr"]).iloc[1:]
        assert np.allclose(change.to_numpy(), moves.to_numpy())


@PROFILE
@given(datasets())
def test_rates_stay_between_0_and_1_and_grr_never_exceeds_nrr(data):
    kpis = compute_kpis(data)
    for kpi in RATES_IN_UNIT_INTERVAL:
        values = kpis[kpis.kpi == kpi]["value"].dropna()
        assert ((values >= 0) & (values <= 1 + 1e-12)).all(), kpi
    for team in kpis.team.unique():
        frame = wide(kpis, team).dropna(subset=["nrr_12m", "grr_12m"])
        assert (frame["grr_12m"] <= frame["nrr_12m"] + 1e-12).all()


@PROFILE
@given(datasets())
def test_additive_kpis_of_all_cs_teams_add_up_to_the_company(data):
    kpis = compute_kpis(data)
    additive = [k.id for k in registry().values() if k.additive and k.id in set(kpis.kpi)]
    company = wide(kpis, "all")[additive].fillna(0)
    teams = sum(wide(kpis, t).reindex(columns=additive).fillna(0) if t in set(kpis.team) else 0 for t in ("cs1", "cs2"))
    if isinstance(teams, int):
        return
    pd.testing.assert_frame_equal(company, teams.reindex(company.index).fillna(0), check_names=False)


@PROFILE
@given(datasets(), st.randoms(use_true_random=False))
def test_results_do_not_depend_on_row_order(data, random):
    shuffled_mrr = data["mrr"].sample(frac=1.0, random_state=random.randint(0, 10_000)).reset_index(drop=True)
    shuffled_accounts = data["accounts"].sample(frac=1.0, random_state=random.randint(0, 10_000)).reset_index(drop=True)
    shuffled = Dataset(tables={"teams": TEAMS, "accounts": shuffled_accounts, "mrr": shuffled_mrr})
    pd.testing.assert_frame_equal(compute_kpis(data), compute_kpis(shuffled))


@PROFILE
@given(datasets(), st.sampled_from(["month", "quarter"]))
def test_cohort_cells_are_bounded_and_start_at_one(data, period):
    logo = cohort_retention(data, metric="logo", period=period).dropna(subset=["value"])  # censored cells
    if logo.empty:
        return
    assert (logo[logo.age == 0]["value"] == 1.0).all()  # everyone pays in their cohort month
    retained = (logo["value"] * logo["cohort_size"]).round(9)
    assert (retained <= logo["cohort_size"]).all() and (logo["value"] >= 0).all()
    revenue = cohort_retention(data, metric="revenue", period=period).dropna(subset=["value"])
    assert np.allclose(revenue[revenue.age == 0]["value"], 1.0)


@PROFILE
@given(datasets())
def test_cohort_results_do_not_depend_on_row_order(data):
    shuffled = Dataset(tables={"teams": TEAMS, "accounts": data["accounts"].iloc[::-1].reset_index(drop=True),
                               "mrr": data["mrr"].iloc[::-1].reset_index(drop=True)})
    for metric in ("logo", "revenue"):
        pd.testing.assert_frame_equal(cohort_retention(data, metric=metric), cohort_retention(shuffled, metric=metric))
