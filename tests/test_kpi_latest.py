"""A headline reads each KPI from its last complete month (cskit.kpi.latest), on data built by hand."""
from __future__ import annotations

import pandas as pd
import pytest

from conftest import mrr_rows
from cskit.kpi.engine import compute_kpis
from cskit.kpi.latest import last_complete_month, latest_values
from cskit.kpi.present import kpi_summary_table
from cskit.kpi.registry import registry

TEAMS = [
    {"team": "cs1", "role": "cs", "name_ja": "CS1", "name_en": "CS one"},
    {"team": "sup", "role": "support", "name_ja": "サポート", "name_en": "Support"},
]


def ticket(ticket_id: str, opened: str, resolved: str) -> dict:
    return {"ticket_id": ticket_id, "account_id": "A", "team": "sup", "channel": "mail", "opened_at": opened,
            "first_response_at": opened.replace("T09", "T10"), "resolved_at": resolved}


# February's two tickets are resolved after 24 h and 48 h. In March, the data's last month,
# one ticket is resolved after 2 h and one is still open: March's resolution rate (1/2) and
# median resolution time (2 h) only count what has happened so far.
TABLES = {
    "teams": TEAMS,
    "accounts": [{"account_id": "A", "account_name": "A", "team": "cs1", "sales_team": ""}],
    "mrr": mrr_rows({"A": {"2024-01": 100, "2024-02": 100, "2024-03": 100}}),
    "tickets": [
        ticket("t1", "2024-02-05T09:00:00", "2024-02-06T09:00:00"),
        ticket("t2", "2024-02-10T09:00:00", "2024-02-12T09:00:00"),
        ticket("t3", "2024-03-20T09:00:00", "2024-03-20T11:00:00"),
        ticket("t4", "2024-03-29T09:00:00", ""),
    ],
}


@pytest.fixture
def kpis(make_dataset):
    return compute_kpis(make_dataset(TABLES), teams=["sup"])


def at(kpis: pd.DataFrame, kpi: str, month: str) -> float:
    return float(kpis[(kpis.kpi == kpi) & (kpis.month == pd.Period(month, "M"))]["value"].iloc[0])


def test_the_last_months_ticket_outcomes_are_still_open(kpis):
    # what a headline would show if it took the last month as it is
    assert at(kpis, "resolution_rate", "2024-03") == 0.5
    assert at(kpis, "median_resolution_hours", "2024-03") == 2.0
    assert at(kpis, "resolution_rate", "2024-02") == 1.0
    assert at(kpis, "median_resolution_hours", "2024-02") == 36.0


def test_a_headline_reads_outcome_kpis_from_the_last_complete_month(kpis):
    ids = ["tickets_opened", "resolution_rate", "median_resolution_hours", "median_first_response_hours"]
    latest = latest_values(kpis, ids, ["sup"], "2024-03", data_end="2024-03").set_index("kpi")
    assert latest.loc["tickets_opened", "month"] == pd.Period("2024-03", "M")  # a count is final at once
    assert latest.loc["tickets_opened", "value"] == 2
    assert latest.loc["resolution_rate", "month"] == pd.Period("2024-02", "M")
    assert latest.loc["resolution_rate", "value"] == 1.0
    assert latest.loc["median_resolution_hours", "value"] == 36.0
    assert latest.loc["median_first_response_hours", "value"] == 1.0


def test_a_month_before_the_datas_end_is_final(kpis):
    latest = latest_values(kpis, ["resolution_rate"], ["sup"], "2024-02", data_end="2024-03")
    assert latest["month"].tolist() == [pd.Period("2024-02", "M")] and latest["value"].tolist() == [1.0]
    assert last_complete_month("resolution_rate", "2024-03", data_end="2024-05") == pd.Period("2024-03", "M")


def test_the_summary_table_flags_the_month_it_shows(kpis):
    table = kpi_summary_table(kpis, ["tickets_opened", "resolution_rate"], "2024-03", "en", teams=["sup"],
                              team_names={"sup": "Support"}, data_end="2024-03").data
    assert table.values.tolist() == [
        ["Tickets opened", "2"],
        ["Resolution rate (Feb 2024: this month is not final yet)", "100.0%"],
    ]
    ja = kpi_summary_table(kpis, ["resolution_rate"], "2024-03", "ja", teams=["sup"], data_end="2024-03").data
    assert ja.iloc[0, 0] == "解決率（2024年2月の値：今月分はまだ確定していません）"


def test_only_kpis_counted_by_opening_month_wait_for_their_outcome():
    waiting = {k.id for k in registry().values() if k.complete_after}
    assert waiting == {"resolution_rate", "median_first_response_hours", "median_resolution_hours"}
    assert {k.family for k in registry().values() if k.complete_after} == {"support"}


def test_the_report_index_reads_ticket_kpis_from_their_last_complete_month(sample_dataset):
    from cskit.kpi.engine import compute_kpis
    from cskit.report.site import headline_kpis

    last = sample_dataset.months[-1]
    kpis = compute_kpis(sample_dataset, teams=["support"])
    by_month = kpis[kpis["kpi"] == "resolution_rate"].set_index("month")["value"]
    row = next(r for r in headline_kpis(sample_dataset, ["support"], None, "en")["support"] if r["kpi"] == "resolution_rate")
    # the month before the data's last one, not the last (whose tickets are still open), and it says so
    assert row["raw"] == by_month[last - 1] and (last - 1).strftime("%b %Y") in row["name"]
    tickets = next(r for r in headline_kpis(sample_dataset, ["support"], None, "en")["support"] if r["kpi"] == "tickets_opened")
    assert tickets["name"] == "Tickets opened"  # a count of opened tickets is final when its month ends
