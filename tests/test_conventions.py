"""Conventions stated and the alternatives computed: quick ratio, net MRR churn, the billing tools' definitions.

Hand-computed on small datasets; the alternatives of the convention table are computed a
second way here, straight from each account's MRR, not from the engine's monthly sums.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from cskit.i18n import MESSAGES
from cskit.kpi.conventions import ALTERNATIVES, TABLE_KPIS, convention_table, convention_values
from cskit.kpi.engine import compute_kpis
from cskit.kpi.registry import convention_lines, get_kpi, registry
from cskit.roles.glossary import glossary
from conftest import mrr_rows

TEAMS = [{"team": "cs1", "role": "cs", "name_ja": "CS1", "name_en": "CS one"}]


def accounts(ids):
    return [{"account_id": a, "account_name": a, "team": "cs1", "sales_team": "cs1"} for a in ids]


# Feb: A expands 20, B churns 50, C is new (30).  Mar: A contracts 20, B returns with 40,
# E is new (10).  Apr: D expands 50, C churns 30.
RETURNS = {
    "teams": TEAMS,
    "accounts": accounts("ABCDE"),
    "mrr": mrr_rows({
        "A": {"2024-01": 100, "2024-02": 120, "2024-03": 100, "2024-04": 100},
        "B": {"2024-01": 50, "2024-03": 40, "2024-04": 40},
        "C": {"2024-02": 30, "2024-03": 30},
        "D": {"2024-01": 200, "2024-02": 200, "2024-03": 200, "2024-04": 250},
        "E": {"2024-03": 10, "2024-04": 10},
    }),
}


def value(kpis: pd.DataFrame, kpi: str, month: str, team: str = "all") -> float:
    hit = kpis[(kpis.team == team) & (kpis.kpi == kpi) & (kpis.month == pd.Period(month, "M"))]
    assert len(hit) == 1, f"{kpi} {team} {month}: {len(hit)} rows"
    return float(hit.value.iloc[0])


@pytest.fixture
def returns(make_dataset):
    return compute_kpis(make_dataset(RETURNS))


def test_the_movements_of_the_hand_dataset(returns):
    march = {k: value(returns, k, "2024-03") for k in ("new_mrr", "reactivation_mrr", "expansion_mrr", "contraction_mrr", "churned_mrr")}
    assert march == {"new_mrr": 10, "reactivation_mrr": 40, "expansion_mrr": 0, "contraction_mrr": 20, "churned_mrr": 0}
    assert [value(returns, "mrr", m) for m in ("2024-01", "2024-02", "2024-03", "2024-04")] == [350, 350, 380, 400]


def test_quick_ratio_leaves_reactivation_out(returns):
    # Feb (30 + 20) / 50; Mar (10 + 0) / 20 while B's return of 40 is not growth; Apr 50 / 30
    assert value(returns, "quick_ratio", "2024-02") == pytest.approx(1.0)
    assert value(returns, "quick_ratio", "2024-03") == pytest.approx(0.5)
    assert value(returns, "quick_ratio", "2024-04") == pytest.approx(50 / 30)


def test_quick_ratio_with_reactivation_counts_the_return(returns):
    assert value(returns, "quick_ratio_with_reactivation", "2024-02") == pytest.approx(1.0)
    assert value(returns, "quick_ratio_with_reactivation", "2024-03") == pytest.approx((10 + 40) / 20)  # 2.5
    assert value(returns, "quick_ratio_with_reactivation", "2024-04") == pytest.approx(50 / 30)
    assert math.isnan(value(returns, "quick_ratio_with_reactivation", "2024-01"))  # no month before


def test_net_mrr_churn_rate_chartmogul(returns):
    # (churn + contraction - expansion - reactivation) / MRR at the start of the month
    assert value(returns, "net_mrr_churn_rate", "2024-02") == pytest.approx((50 + 0 - 20 - 0) / 350)
    assert value(returns, "net_mrr_churn_rate", "2024-03") == pytest.approx((0 + 20 - 0 - 40) / 350)  # negative churn
    assert value(returns, "net_mrr_churn_rate", "2024-04") == pytest.approx((30 + 0 - 50 - 0) / 380)
    assert get_kpi("net_mrr_churn_rate").value_range == (-math.inf, 1.0)


def test_the_churn_alternatives_by_hand(returns):
    feb = convention_values(returns, "all", "2024-02", kpi_ids=["logo_churn_rate", "nrr_1m", "gross_mrr_churn_rate"])
    got = dict(zip(feb["convention"] + "/" + feb["kpi"], feb["value"]))
    assert got["cskit/logo_churn_rate"] == pytest.approx(1 / 3)  # B of A, B, D
    assert got["logo_churn_with_new_customers/logo_churn_rate"] == pytest.approx(1 / 4)  # Stripe adds C
    assert got["nrr_1m_with_reactivation/nrr_1m"] == pytest.approx((350 + 20 - 50) / 350)
    assert got["net_mrr_churn_rate/gross_mrr_churn_rate"] == pytest.approx(30 / 350)
    mar = convention_values(returns, "all", "2024-03", kpi_ids=["nrr_1m", "quick_ratio"])
    got = dict(zip(mar["convention"] + "/" + mar["kpi"], mar["value"]))
    assert got["cskit/nrr_1m"] == pytest.approx((350 - 20) / 350)
    assert got["nrr_1m_with_reactivation/nrr_1m"] == pytest.approx((350 - 20 + 40) / 350)
    assert got["quick_ratio_with_reactivation/quick_ratio"] == pytest.approx(2.5)


def year_of(months: int, start: str = "2023-01") -> list[str]:
    return [str(p) for p in pd.period_range(start, periods=months, freq="M")]


def test_summed_movements_differ_from_point_to_point(make_dataset):
    """P drops 100 -> 60 in month 3 and is back at 100 by month 13; N is won in month 2 and leaves in month 6."""
    months = year_of(13)
    data = make_dataset({
        "teams": TEAMS,
        "accounts": accounts("PN"),
        "mrr": mrr_rows({
            "P": {m: (60 if 2 <= i <= 8 else 100) for i, m in enumerate(months)},
            "N": {m: 40 for i, m in enumerate(months) if 1 <= i <= 4},
        }),
    })
    kpis = compute_kpis(data)
    last = months[-1]
    values = convention_values(kpis, "all", last, kpi_ids=["nrr_12m", "grr_12m"]).set_index(["kpi", "convention"])["value"]
    # point to point: P paid 100 a year ago and pays 100 now
    assert values["nrr_12m", "cskit"] == pytest.approx(1.0)
    assert values["grr_12m", "cskit"] == pytest.approx(1.0)
    # summed over the last 12 months: P's contraction 40 and its expansion 40, N's churn 40
    assert values["nrr_12m", "nrr_12m_summed_movements"] == pytest.approx((100 + 40 - 40 - 40) / 100)
    assert values["grr_12m", "grr_12m_summed_movements"] == pytest.approx((100 - 40 - 40) / 100)


def _second_way(data, team_accounts, month: pd.Period, margin: float) -> dict:
    """The table's alternatives straight from each account's MRR (a pivot, not the engine's sums)."""
    mrr = data["mrr"]
    wide = (mrr[mrr["account_id"].isin(team_accounts)]
            .pivot_table(index="account_id", columns="month", values="mrr", aggfunc="sum")
            .reindex(columns=pd.period_range(data.months.min(), data.months.max(), freq="M")).fillna(0.0))
    paid_before = wide.cumsum(axis=1).shift(1, axis=1).fillna(0.0) > 0

    def at(m):
        return wide[m]

    prev, cur = at(month - 1), at(month)
    new = (prev == 0) & (cur > 0) & ~paid_before[month]
    churned = (prev > 0) & (cur == 0)
    stripe = churned.sum() / ((prev > 0).sum() + new.sum())
    losses = 0.0
    exp_contr_churn = 0.0
    for back in range(12):
        m = month - back
        before, now = at(m - 1), at(m)
        contraction = ((before > now) & (now > 0)) * (before - now)
        churn = ((before > 0) & (now == 0)) * before
        expansion = ((now > before) & (before > 0)) * (now - before)
        losses += float(contraction.sum() + churn.sum())
        exp_contr_churn += float(expansion.sum() - contraction.sum() - churn.sum())
    base = float(at(month - 12).sum())
    churn_rates = []
    for back in range(12):
        m = month - back
        before, now = at(m - 1), at(m)
        churn_rates.append(((before > 0) & (now == 0)).sum() / (before > 0).sum())
    arpa = cur.sum() / (cur > 0).sum()
    return {
        "logo_churn_with_new_customers": stripe,
        "nrr_12m_summed_movements": (base + exp_contr_churn) / base,
        "grr_12m_summed_movements": (base - losses) / base,
        "ltv_without_margin": arpa / np.mean(churn_rates),
        "quick_ratio_with_reactivation": float(
            (((prev == 0) & (cur > 0)) * cur).sum() + (((cur > prev) & (prev > 0)) * (cur - prev)).sum())
        / float((((prev > cur) & (cur > 0)) * (prev - cur)).sum() + (churned * prev).sum()),
    }


def test_the_table_alternatives_agree_with_a_direct_computation_on_the_sample(sample_dataset):
    margin = 0.8
    kpis = compute_kpis(sample_dataset, teams=["cs_smb"], gross_margin=margin)
    month = kpis["month"].max()
    values = convention_values(kpis, "cs_smb", month, kpi_ids=(*TABLE_KPIS, "grr_12m"), gross_margin=margin)
    team_accounts = sample_dataset["accounts"].loc[sample_dataset["accounts"]["team"] == "cs_smb", "account_id"]
    direct = _second_way(sample_dataset, set(team_accounts), month, margin)
    got = values.set_index("convention")["value"].drop("cskit")
    assert set(got.index) == set(direct)
    for convention, expected in direct.items():
        assert got[convention] == pytest.approx(expected, rel=1e-9), convention
    # and the cskit row is the engine's own value
    ours = values[values["convention"] == "cskit"].set_index("kpi")["value"]
    assert ours["ltv"] == pytest.approx(direct["ltv_without_margin"] * margin, rel=1e-9)


def test_cac_payback_on_new_customers_arpa(sample_dataset):
    kpis = compute_kpis(sample_dataset, teams=["all"], gross_margin=0.8)
    month = kpis["month"].max()
    values = convention_values(kpis, "all", month, kpi_ids=["cac_payback_months"], gross_margin=0.8)
    got = values.set_index("convention")["value"]
    wide = kpis.pivot_table(index="month", columns="kpi", values="value").loc[month]
    assert got["cac_payback_new_customer_arpa"] == pytest.approx(
        wide["cac"] / (wide["new_mrr"] / wide["new_customers"] * 0.8))
    assert got["cskit"] == pytest.approx(wide["cac"] / (wide["arpa"] * 0.8))


def test_every_retention_and_efficiency_kpi_states_its_convention_in_both_languages():
    stated = [k for k in registry().values() if k.family in ("retention", "efficiency")]
    assert {"logo_churn_rate", "nrr_12m", "grr_12m", "quick_ratio", "net_mrr_churn_rate", "ltv",
            "cac_payback_months"} <= {k.id for k in stated}
    for kpi in stated:
        assert kpi.convention and set(kpi.convention) == {"ja", "en"}, kpi.id
        assert all(text.strip() for text in kpi.convention.values()), kpi.id
        for alternative in kpi.alternatives:
            for field in (alternative.name, alternative.formula, alternative.note):
                assert set(field) == {"ja", "en"} and all(text.strip() for text in field.values()), (kpi.id, alternative.id)
            # computable: a KPI the engine computes, or one line of cskit.kpi.conventions
            assert (alternative.kpi in registry()) if alternative.kpi else (alternative.id in ALTERNATIVES), alternative.id
    named = {a.id for k in registry().values() for a in k.alternatives}
    assert set(ALTERNATIVES) <= named  # no computation without its registry text


def test_the_vendors_the_registry_names():
    sources = {a.id: a.source for k in registry().values() for a in k.alternatives}
    assert sources["logo_churn_with_new_customers"] == "Stripe"
    assert sources["ltv_without_margin"] == "ChartMogul, Baremetrics"
    assert "Baremetrics" in get_kpi("quick_ratio").convention["en"]
    assert "ChartMogul" in get_kpi("net_mrr_churn_rate").convention["en"]


def test_the_glossary_and_the_notebook_show_the_convention():
    for lang in ("ja", "en"):
        table = glossary(lang).set_index("id")
        lines = convention_lines("quick_ratio", lang)
        assert len(lines) == 2 and all(line in table.loc["quick_ratio", "note"] for line in lines)
    assert convention_lines("mrr", "en") == []
    assert "Stripe" in convention_lines("logo_churn_rate", "ja")[1]


def test_the_convention_table_for_people(sample_dataset):
    kpis = compute_kpis(sample_dataset, teams=["cs_smb"])
    month = kpis["month"].max()
    for lang in ("ja", "en"):
        frame = convention_table(kpis, "cs_smb", month, lang).data
        assert len(frame) == sum(1 + len(get_kpi(k).alternatives) for k in TABLE_KPIS)
        text = frame.to_string()
        assert "nan" not in text.lower() and "None" not in text and "True" not in text
        values = frame[MESSAGES["conventions.header.value"][lang]]
        assert values.str.match(r"^(¥[\d,]+|\d+\.\d%|\d+\.\d\d|—)$").all(), values.tolist()
    en = convention_table(kpis, "cs_smb", month, "en").data
    assert en.iloc[0]["KPI"] == "Logo churn rate" and en.iloc[1]["KPI"] == ""
    assert en.iloc[1]["Why it differs"] == get_kpi("logo_churn_rate").alternatives[0].note["en"]
