"""KPI formulas pinned on small datasets computed by hand."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from cskit.kpi.engine import compute_kpis
from conftest import mrr_rows

TEAMS = [
    {"team": "cs1", "role": "cs", "name_ja": "CS1", "name_en": "CS one"},
    {"team": "cs2", "role": "cs", "name_ja": "CS2", "name_en": "CS two"},
    {"team": "fs1", "role": "field_sales", "name_ja": "営業1", "name_en": "Sales one"},
    {"team": "is1", "role": "inside_sales", "name_ja": "IS1", "name_en": "IS one"},
    {"team": "sup", "role": "support", "name_ja": "サポート", "name_en": "Support"},
]


def accounts(rows):
    return [{"account_id": a, "account_name": a, "team": team, "sales_team": "fs1"} for a, team in rows]


# A expands in Feb and contracts in Apr; B churns in Feb and comes back in Mar;
# C is new in Feb and churns in Apr; D (team cs2) is flat; E never pays.
FOUR_MONTHS = {
    "teams": TEAMS,
    "accounts": accounts([("A", "cs1"), ("B", "cs1"), ("C", "cs1"), ("D", "cs2"), ("E", "cs1")]),
    "mrr": mrr_rows({
        "A": {"2024-01": 100, "2024-02": 120, "2024-03": 120, "2024-04": 90},
        "B": {"2024-01": 50, "2024-03": 60, "2024-04": 60},
        "C": {"2024-02": 30, "2024-03": 30},
        "D": {"2024-01": 200, "2024-02": 200, "2024-03": 200, "2024-04": 200},
    }),
}


def value(kpis: pd.DataFrame, kpi: str, month: str, team: str = "all") -> float:
    hit = kpis[(kpis.team == team) & (kpis.kpi == kpi) & (kpis.month == pd.Period(month, "M"))]
    assert len(hit) == 1, f"{kpi} {team} {month}: {len(hit)} rows"
    return float(hit.value.iloc[0])


@pytest.fixture
def four(make_dataset):
    return compute_kpis(make_dataset(FOUR_MONTHS))


def test_mrr_and_customers_by_hand(four):
    assert [value(four, "mrr", m) for m in ("2024-01", "2024-02", "2024-03", "2024-04")] == [350, 350, 410, 350]
    assert [value(four, "customers", m) for m in ("2024-01", "2024-02", "2024-03", "2024-04")] == [3, 3, 4, 3]
    assert value(four, "mrr", "2024-02", "cs1") == 150  # A 120 + C 30
    assert value(four, "mrr", "2024-02", "cs2") == 200


def test_movements_by_hand(four):
    feb = {k: value(four, k, "2024-02") for k in ("new_mrr", "reactivation_mrr", "expansion_mrr", "contraction_mrr", "churned_mrr")}
    assert feb == {"new_mrr": 30, "reactivation_mrr": 0, "expansion_mrr": 20, "contraction_mrr": 0, "churned_mrr": 50}
    assert value(four, "reactivation_mrr", "2024-03") == 60  # B returns: reactivation, not new
    assert value(four, "new_mrr", "2024-03") == 0
    assert value(four, "contraction_mrr", "2024-04") == 30
    assert value(four, "churned_mrr", "2024-04") == 30
    assert value(four, "new_customers", "2024-02") == 1
    assert value(four, "churned_customers", "2024-04") == 1


def test_first_month_movements_are_unknown(four):
    # the month before the data is unknown, so nothing can be called new or churned
    for kpi in ("new_mrr", "churned_mrr", "logo_churn_rate", "nrr_1m"):
        assert math.isnan(value(four, kpi, "2024-01"))


def test_mrr_identity_every_month(four):
    wide = four[four.team == "all"].pivot(index="month", columns="kpi", values="value").iloc[1:]
    change = wide["mrr"].diff().dropna()
    moves = (wide["new_mrr"] + wide["reactivation_mrr"] + wide["expansion_mrr"] - wide["contraction_mrr"] - wide["churned_mrr"]).iloc[1:]
    assert np.allclose(change.to_numpy(), moves.to_numpy())


def test_rates_by_hand(four):
    assert value(four, "logo_churn_rate", "2024-02") == pytest.approx(1 / 3)
    assert value(four, "logo_churn_rate", "2024-03") == 0
    assert value(four, "logo_churn_rate", "2024-04") == pytest.approx(1 / 4)
    assert value(four, "logo_retention_rate", "2024-04") == pytest.approx(3 / 4)
    assert value(four, "gross_mrr_churn_rate", "2024-02") == pytest.approx(50 / 350)
    assert value(four, "gross_mrr_churn_rate", "2024-04") == pytest.approx(60 / 410)
    assert value(four, "nrr_1m", "2024-02") == pytest.approx(320 / 350)
    assert value(four, "nrr_1m", "2024-03") == pytest.approx(1.0)  # reactivation is not in the base
    assert value(four, "nrr_1m", "2024-04") == pytest.approx(350 / 410)
    assert value(four, "arpa", "2024-01") == pytest.approx(350 / 3)
    assert value(four, "quick_ratio", "2024-02") == pytest.approx(50 / 50)
    assert value(four, "quick_ratio", "2024-04") == 0
    assert value(four, "expansion_rate", "2024-02") == pytest.approx(1 / 3)


def test_zero_denominator_is_missing_not_zero_or_infinite(four):
    # March: nothing was lost, so the quick ratio has no denominator
    assert math.isnan(value(four, "quick_ratio", "2024-03"))


def test_nrr_12m_is_missing_in_the_first_twelve_months(four):
    assert four[four.kpi == "nrr_12m"].value.isna().all()


def test_team_scopes_add_up_to_the_company(four):
    for kpi in ("mrr", "customers", "new_mrr", "churned_mrr", "expansion_mrr"):
        for month in ("2024-02", "2024-03", "2024-04"):
            assert value(four, kpi, month, "cs1") + value(four, kpi, month, "cs2") == value(four, kpi, month)


def test_sales_team_owns_the_accounts_it_sold(four):
    # every account was sold by fs1, so its account KPIs equal the company's
    assert value(four, "mrr", "2024-03", "fs1") == value(four, "mrr", "2024-03")


def test_teams_without_accounts_get_no_account_kpis(four):
    assert four[(four.team == "sup") & (four.kpi == "mrr")].empty


def year_of(months: int, start: str = "2023-01") -> list[str]:
    return [str(p) for p in pd.period_range(start, periods=months, freq="M")]


def test_nrr_12m_the_sources_example_100_to_70(make_dataset):
    """Last year's customers paid 100 (M yen); a year later the same customers pay 70: NRR 70 %."""
    months = year_of(13)
    data = make_dataset({
        "accounts": accounts([("P", "cs1"), ("Q", "cs1"), ("R", "cs1")]),
        "mrr": mrr_rows({
            "P": {m: (60 if m < "2024-01" else 30) for m in months},
            "Q": {m: 40 for m in months},
            "R": {m: 500 for m in months if m >= "2023-06"},  # joined later: not in the base
        }),
    })
    kpis = compute_kpis(data)
    assert value(kpis, "nrr_12m", "2024-01") == pytest.approx(0.70)
    assert value(kpis, "grr_12m", "2024-01") == pytest.approx(0.70)
    assert math.isnan(value(kpis, "nrr_12m", "2023-12"))


def test_grr_caps_expansion_nrr_does_not(make_dataset):
    months = year_of(13)
    data = make_dataset({
        "accounts": accounts([("P", "cs1"), ("Q", "cs1")]),
        "mrr": mrr_rows({
            "P": {m: (60 if m < "2024-01" else 30) for m in months},
            "Q": {m: (40 if m < "2024-01" else 50) for m in months},
        }),
    })
    kpis = compute_kpis(data)
    assert value(kpis, "nrr_12m", "2024-01") == pytest.approx(0.80)  # (30 + 50) / 100
    assert value(kpis, "grr_12m", "2024-01") == pytest.approx(0.70)  # (30 + 40) / 100


def test_ltv_uses_trailing_churn_and_needs_three_months(make_dataset):
    # ten accounts of 100; one churns in each of months 2, 3, 4 and 5
    months = year_of(6)
    series = {f"X{i}": {m: 100 for m in months} for i in range(10)}
    for i, month_index in enumerate([1, 2, 3, 4]):
        series[f"X{i}"] = {m: 100 for m in months[:month_index]}
    data = make_dataset({"accounts": accounts([(a, "cs1") for a in series]), "mrr": mrr_rows(series)})
    kpis = compute_kpis(data, gross_margin=0.5)
    churn = [value(kpis, "logo_churn_rate", m) for m in months[1:5]]
    assert churn == pytest.approx([1 / 10, 1 / 9, 1 / 8, 1 / 7])
    assert math.isnan(value(kpis, "ltv", months[2]))  # only 2 months of churn history
    expected = 100 * 0.5 / np.mean([1 / 10, 1 / 9, 1 / 8])
    assert value(kpis, "ltv", months[3]) == pytest.approx(expected)


def test_account_without_mrr_rows_changes_nothing(make_dataset):
    with_e = compute_kpis(make_dataset(FOUR_MONTHS))
    without = dict(FOUR_MONTHS, accounts=[a for a in FOUR_MONTHS["accounts"] if a["account_id"] != "E"])
    without_e = compute_kpis(make_dataset(without))
    pd.testing.assert_frame_equal(with_e.reset_index(drop=True), without_e.reset_index(drop=True))


def test_a_month_with_no_mrr_at_all(make_dataset):
    data = make_dataset({
        "accounts": accounts([("A", "cs1")]),
        "mrr": mrr_rows({"A": {"2024-01": 100, "2024-03": 100}}),
    })
    kpis = compute_kpis(data)
    assert value(kpis, "mrr", "2024-02") == 0
    assert value(kpis, "churned_mrr", "2024-02") == 100
    assert value(kpis, "reactivation_mrr", "2024-03") == 100
    assert math.isnan(value(kpis, "logo_churn_rate", "2024-03"))  # no customers in Feb
    assert math.isnan(value(kpis, "arpa", "2024-02"))


def base_tables(months=("2024-01", "2024-02", "2024-03")):
    return {
        "teams": TEAMS,
        "accounts": accounts([("A", "cs1"), ("B", "cs1"), ("C", "cs2")]),
        "mrr": mrr_rows({a: {m: 100 for m in months} for a in "ABC"}),
    }


def test_sales_kpis_by_hand(make_dataset):
    opps = [
        # id, account, type, created, close, stage, amount
        ("o1", "A", "new", "2024-01-05", "2024-02-04", "won", 1000),
        ("o2", "B", "new", "2024-01-10", "2024-02-19", "won", 3000),
        ("o3", "C", "new", "2024-02-01", "2024-02-11", "lost", 500),
        ("o4", "A", "upsell", "2024-02-01", "2024-03-02", "won", 200),
        ("o5", "C", "cross_sell", "2024-02-03", "", "open", 100),
    ]
    tables = base_tables()
    tables["opportunities"] = [
        {"opportunity_id": i, "account_id": a, "team": "fs1", "owner": "x", "type": t, "source": "web",
         "created_date": c, "close_date": d, "stage": s, "amount": amt}
        for i, a, t, c, d, s, amt in opps
    ]
    kpis = compute_kpis(make_dataset(tables))
    assert value(kpis, "opportunities_created", "2024-01", "fs1") == 2
    assert value(kpis, "opportunities_created", "2024-02", "fs1") == 3
    assert value(kpis, "win_rate", "2024-02", "fs1") == pytest.approx(2 / 3)
    assert value(kpis, "avg_deal_size", "2024-02", "fs1") == 2000
    assert value(kpis, "sales_cycle_days", "2024-02", "fs1") == 35  # median of 30 and 40 days
    assert math.isnan(value(kpis, "win_rate", "2024-01", "fs1"))  # nothing closed
    # upsell rate of cs1: one of its two accounts (customers in Feb) upsold in March
    assert value(kpis, "upsell_rate", "2024-03", "cs1") == pytest.approx(1 / 2)
    assert value(kpis, "cross_sell_rate", "2024-03", "cs1") == 0
    assert kpis[(kpis.team == "cs1") & (kpis.kpi == "win_rate")].empty  # cs1 runs no deals


def test_inside_sales_kpis_by_hand(make_dataset):
    acts = [
        ("a1", "call", "L1", "no_answer"), ("a2", "call", "L1", "connected"), ("a3", "call", "L2", "meeting_set"),
        ("a4", "email", "L3", "sent"), ("a5", "email", "L3", "opened"), ("a6", "email", "L4", "replied"),
        ("a7", "email", "L5", "meeting_set"), ("a8", "meeting", "L2", "held"), ("a9", "meeting", "L5", "no_show"),
    ]
    tables = base_tables()
    tables["leads"] = [{"lead_id": f"L{i}", "team": "is1", "source": "web", "created_date": "2024-01-03", "status": "open"} for i in range(1, 6)]
    tables["activities"] = [
        {"activity_id": i, "team": "is1", "owner": "x", "date": "2024-02-10", "channel": ch, "lead_id": lead, "account_id": "", "outcome": out}
        for i, ch, lead, out in acts
    ]
    kpis = compute_kpis(make_dataset(tables))
    assert value(kpis, "contacts", "2024-02", "is1") == 7
    assert value(kpis, "contact_rate", "2024-02", "is1") == pytest.approx(2 / 3)
    assert value(kpis, "email_open_rate", "2024-02", "is1") == pytest.approx(3 / 4)
    assert value(kpis, "meeting_conversion_rate", "2024-02", "is1") == pytest.approx(2 / 5)
    assert value(kpis, "meetings_set", "2024-02", "is1") == 2  # a3 (call) and a7 (e-mail)
    assert value(kpis, "meetings_held", "2024-02", "is1") == 1
    assert value(kpis, "leads_created", "2024-01", "is1") == 5
    assert math.isnan(value(kpis, "contact_rate", "2024-01", "is1"))


def test_cs_outcome_kpis_by_hand(make_dataset):
    tables = base_tables()
    tables["usage"] = [
        {"account_id": "A", "month": "2024-02", "active_users": 3, "licensed_seats": 10},
        {"account_id": "B", "month": "2024-02", "active_users": 9, "licensed_seats": 10},
    ]
    tables["onboarding"] = [
        {"account_id": "A", "start_date": "2024-01-01", "due_date": "2024-02-10", "completed_date": "2024-02-10"},
        {"account_id": "B", "start_date": "2024-01-01", "due_date": "2024-02-15", "completed_date": "2024-02-20"},
        {"account_id": "C", "start_date": "2024-01-01", "due_date": "2024-02-28", "completed_date": ""},
    ]
    scores = [("nps", 10), ("nps", 9), ("nps", 7), ("nps", 3), ("csat", 5), ("csat", 4), ("csat", 2)]
    tables["surveys"] = [
        {"response_id": f"r{i}", "account_id": "A", "date": "2024-02-05", "survey": s, "score": v}
        for i, (s, v) in enumerate(scores)
    ]
    kpis = compute_kpis(make_dataset(tables))
    assert value(kpis, "active_user_rate", "2024-02") == pytest.approx(12 / 20)
    assert value(kpis, "onboarding_completion_rate", "2024-02") == pytest.approx(1 / 3)
    assert value(kpis, "nps", "2024-02") == pytest.approx(100 * (2 / 4 - 1 / 4))
    assert value(kpis, "csat", "2024-02") == pytest.approx(2 / 3)
    assert math.isnan(value(kpis, "nps", "2024-01"))


def test_support_and_cac_by_hand(make_dataset):
    tables = base_tables()
    tables["tickets"] = [
        {"ticket_id": "t1", "account_id": "A", "team": "sup", "channel": "mail",
         "opened_at": "2024-02-01T09:00:00", "first_response_at": "2024-02-01T11:00:00", "resolved_at": "2024-02-02T09:00:00"},
        {"ticket_id": "t2", "account_id": "B", "team": "sup", "channel": "mail",
         "opened_at": "2024-02-03T09:00:00", "first_response_at": "2024-02-03T13:00:00", "resolved_at": ""},
    ]
    tables["mrr"] = mrr_rows({"A": {"2024-01": 100, "2024-02": 100}, "B": {"2024-02": 100}, "C": {"2024-02": 50}})
    tables["costs"] = [
        {"month": "2024-02", "team": "fs1", "category": "sales", "amount": 600},
        {"month": "2024-02", "team": "fs1", "category": "marketing", "amount": 300},
    ]
    kpis = compute_kpis(make_dataset(tables))
    assert value(kpis, "tickets_opened", "2024-02", "sup") == 2
    assert value(kpis, "resolution_rate", "2024-02", "sup") == pytest.approx(1 / 2)
    assert value(kpis, "median_first_response_hours", "2024-02", "sup") == pytest.approx(3.0)
    assert value(kpis, "median_resolution_hours", "2024-02", "sup") == pytest.approx(24.0)
    # fs1 sold B and C in February: CAC = 900 / 2; ARPA = 250 / 3
    assert value(kpis, "cac", "2024-02", "fs1") == pytest.approx(450)
    assert value(kpis, "cac_payback_months", "2024-02", "fs1") == pytest.approx(450 / (250 / 3 * 0.8))
    assert kpis[(kpis.team == "cs1") & (kpis.kpi == "cac")].empty  # no cost rows for cs1


def test_every_registry_kpi_is_computed_when_every_table_is_there(sample_dataset):
    from cskit.kpi.registry import registry

    kpis = compute_kpis(sample_dataset)
    assert set(kpis.kpi) == set(registry())


def test_every_value_on_the_sample_lies_in_its_registry_range(sample_dataset):
    from cskit.kpi.registry import registry

    kpis = compute_kpis(sample_dataset).dropna(subset=["value"])
    bounds = kpis["kpi"].map({k.id: k.value_range for k in registry().values()})
    low, high = bounds.str[0], bounds.str[1]
    outside = kpis[(kpis["value"] < low) | (kpis["value"] > high)]
    assert outside.empty, outside.head()
    # the bounds are not all vacuous: NRR passes 100% somewhere, which a plain rate could not
    assert (kpis.loc[kpis["kpi"] == "nrr_12m", "value"] > 1).any()


def test_registry_ranges_default_by_unit_and_can_be_overridden():
    from cskit.kpi.registry import get_kpi

    assert get_kpi("logo_churn_rate").value_range == (0.0, 1.0)   # a rate
    assert get_kpi("health_score").value_range == (0.0, 100.0)    # a score
    assert get_kpi("mrr").value_range == (0.0, math.inf)           # money
    assert get_kpi("nrr_12m").value_range == (0.0, math.inf)       # range: [0, null]
    assert get_kpi("nps").value_range == (-100.0, 100.0)           # range: [-100, 100]


def test_health_score_by_hand(make_dataset):
    tables = {
        "teams": TEAMS,
        "accounts": accounts([("A", "cs1"), ("B", "cs1"), ("C", "cs2")]),
        "mrr": mrr_rows({"A": {"2024-01": 100, "2024-02": 100, "2024-03": 100, "2024-04": 150},
                         "B": {"2024-01": 100, "2024-02": 100, "2024-03": 100, "2024-04": 100},
                         "C": {"2024-04": 10}}),
        "usage": [{"account_id": "A", "month": "2024-04", "active_users": 8, "licensed_seats": 10}],
        "surveys": [{"response_id": "r1", "account_id": "A", "date": "2024-02-10", "survey": "nps", "score": 7}],
        "tickets": [
            {"ticket_id": f"t{i}", "account_id": "A", "team": "sup", "channel": "mail",
             "opened_at": "2024-03-05 10:00", "first_response_at": "", "resolved_at": ""} for i in range(2)
        ],
    }
    data = make_dataset(tables)
    from cskit.kpi.engine import account_health

    health = account_health(data, team="cs1", month="2024-04").set_index("account_id")["health_score"]
    # usage 0.8, survey 0.7 (carried from Feb), tickets 1 - 2/5, trend 0.5 + 0.5 * 0.5
    assert health["A"] == pytest.approx(100 * (0.4 * 0.8 + 0.2 * 0.7 + 0.15 * 0.6 + 0.25 * 0.75))
    # B: no usage, no survey: only tickets (1.0) and a flat trend (0.5), reweighted
    assert health["B"] == pytest.approx(100 * (0.15 * 1.0 + 0.25 * 0.5) / 0.4)
    kpis = compute_kpis(data)
    assert value(kpis, "health_score", "2024-04", "cs1") == pytest.approx((health["A"] + health["B"]) / 2)
    # January: only the ticket signal is known for A and B
    assert value(kpis, "health_score", "2024-01", "cs1") == pytest.approx(100)
    at_risk = account_health(data, team="all", month="2024-04")
    assert list(at_risk.columns) == ["account_id", "account_name", "health_score", "at_risk"]
    assert at_risk["health_score"].is_monotonic_increasing


def test_revenue_inputs_per_group_by_hand():
    """Movements are computed once per account and summed per group; an account may be in two groups."""
    from cskit.kpi.families import revenue_inputs

    nan = np.nan
    mrr = np.array([[100.0, 120.0, 0.0, 90.0],   # A: expands, churns, comes back
                    [0.0, 50.0, 50.0, 0.0]])     # B: new, flat, churns
    sums = revenue_inputs(mrr, np.array([[True, True], [False, True]]))
    both, only_b = {k: v[0] for k, v in sums.items()}, {k: v[1] for k, v in sums.items()}
    np.testing.assert_array_equal(both["mrr"], [100, 170, 50, 90])
    np.testing.assert_array_equal(both["customers"], [1, 2, 1, 1])
    np.testing.assert_array_equal(both["new"], [nan, 50, 0, 0])
    np.testing.assert_array_equal(both["reactivation"], [nan, 0, 0, 90])
    np.testing.assert_array_equal(both["expansion"], [nan, 20, 0, 0])
    np.testing.assert_array_equal(both["contraction"], [nan, 0, 0, 0])
    np.testing.assert_array_equal(both["churned"], [nan, 0, 120, 50])
    np.testing.assert_array_equal(both["churned_customers"], [nan, 0, 1, 1])
    np.testing.assert_array_equal(both["expanded_customers"], [nan, 1, 0, 0])
    np.testing.assert_array_equal(only_b["mrr"], [0, 50, 50, 0])
    np.testing.assert_array_equal(only_b["new_customers"], [nan, 1, 0, 0])
    np.testing.assert_array_equal(only_b["churned"], [nan, 0, 0, 50])
    assert np.isnan(both["kept_12m"]).all()  # fewer than 13 months


def test_revenue_inputs_twelve_month_sums_by_hand():
    from cskit.kpi.families import revenue_inputs

    mrr = np.zeros((2, 14))
    mrr[0, 0], mrr[0, 12] = 100, 70           # A: 100 -> 70 a year later
    mrr[1, 1], mrr[1, 13] = 40, 60            # C: 40 -> 60 a year later
    sums = revenue_inputs(mrr, np.ones((1, 2), dtype=bool))
    assert np.isnan(sums["kept_12m"][0, :12]).all()
    np.testing.assert_array_equal(sums["kept_12m"][0, 12:], [70, 60])
    np.testing.assert_array_equal(sums["capped_12m"][0, 12:], [70, 40])
    np.testing.assert_array_equal(sums["base_12m"][0, 12:], [100, 40])


def test_month_positions_of_timestamps_match_the_period_calendar():
    from cskit.kpi.matrix import MonthAxis

    axis = MonthAxis(pd.period_range("2024-01", "2024-03", freq="M"))
    stamps = pd.Series(pd.to_datetime(["2023-12-31 23:59", "2024-01-01 00:00", "2024-02-29 12:00", "2024-03-31 00:00", None, "2024-04-01 00:00"]))
    np.testing.assert_array_equal(axis.positions_of_dates(stamps), [-1, 0, 1, 2, -1, -1])
    np.testing.assert_array_equal(axis.positions_of_dates(stamps), axis.positions(stamps.dt.to_period("M")))
