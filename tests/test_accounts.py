"""Accounts, not only rates: the movement log, KPIs by account attribute, retention by who won.

The movement log is checked against the KPI engine (its sums are the engine's movement
KPIs, team by team and month by month) and on a hand-built case with each movement;
``--by`` against filter-then-compute (a dataset with only one group's accounts).
"""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from cskit.cli import app
from cskit.kpi.engine import compute_kpis
from cskit.kpi.movement_log import LOG_COLUMNS, movement_log, movement_totals
from cskit.kpi.movement_tables import losses, losses_table
from cskit.kpi.movements import MOVEMENTS
from conftest import mrr_rows

MOVEMENT_KPIS = [m.kpi for m in MOVEMENTS]  # new_mrr, reactivation_mrr, expansion_mrr, contraction_mrr, churned_mrr

TEAMS = [
    {"team": "cs1", "role": "cs", "name_ja": "CS1", "name_en": "CS one"},
    {"team": "cs2", "role": "cs", "name_ja": "CS2", "name_en": "CS two"},
    {"team": "fs1", "role": "field_sales", "name_ja": "営業1", "name_en": "Sales one"},
    {"team": "fs2", "role": "field_sales", "name_ja": "営業2", "name_en": "Sales two"},
]

# Jan is the first month (its movements unknown). A expands in Feb and contracts in Apr;
# B churns in Feb and comes back in Mar; C is new in Feb and churns in Apr; D is flat.
EACH_KIND = {
    "teams": TEAMS,
    "accounts": [
        {"account_id": "A", "account_name": "Alpha", "team": "cs1", "sales_team": "fs1", "segment": "smb"},
        {"account_id": "B", "account_name": "Beta", "team": "cs1", "sales_team": "fs2", "segment": "smb"},
        {"account_id": "C", "account_name": "Gamma", "team": "cs2", "sales_team": "fs1", "segment": "enterprise"},
        {"account_id": "D", "account_name": "Delta", "team": "cs2", "sales_team": "fs2", "segment": "enterprise"},
    ],
    "mrr": mrr_rows({
        "A": {"2024-01": 100, "2024-02": 120, "2024-03": 120, "2024-04": 90},
        "B": {"2024-01": 50, "2024-03": 60, "2024-04": 60},
        "C": {"2024-02": 30, "2024-03": 30},
        "D": {"2024-01": 200, "2024-02": 200, "2024-03": 200, "2024-04": 200},
    }),
}


@pytest.fixture
def each_kind(make_dataset):
    return make_dataset(EACH_KIND)


# --- the movement log --------------------------------------------------------------------
def test_each_movement_kind_by_hand(each_kind):
    log = movement_log(each_kind)
    assert list(log.columns) == LOG_COLUMNS
    rows = [(r.account_id, r.team, str(r.month), r.movement, r.mrr_before, r.mrr_after, r.change)
            for r in log.itertuples(index=False)]
    assert rows == [
        ("A", "cs1", "2024-02", "expansion", 100, 120, 20),
        ("B", "cs1", "2024-02", "churn", 50, 0, -50),
        ("C", "cs2", "2024-02", "new", 0, 30, 30),
        ("B", "cs1", "2024-03", "reactivation", 0, 60, 60),
        ("A", "cs1", "2024-04", "contraction", 120, 90, -30),
        ("C", "cs2", "2024-04", "churn", 30, 0, -30),
    ]


def test_a_sales_team_logs_the_accounts_it_won(each_kind):
    log = movement_log(each_kind, team="fs2", start="2024-03")
    assert log[["account_id", "team", "movement"]].values.tolist() == [["B", "fs2", "reactivation"]]


def test_from_and_to_cut_the_months(each_kind):
    log = movement_log(each_kind, start="2024-03", end="2024-03")
    assert log["month"].astype(str).unique().tolist() == ["2024-03"]


def _engine_movements(kpis: pd.DataFrame, team: str) -> pd.DataFrame:
    rows = kpis[(kpis["team"] == team) & kpis["kpi"].isin(MOVEMENT_KPIS)]
    return rows.pivot(index="month", columns="kpi", values="value")[MOVEMENT_KPIS]


def _log_movements(log: pd.DataFrame, months: pd.PeriodIndex) -> pd.DataFrame:
    totals = movement_totals(log.assign(team="any"))
    wide = totals.pivot(index="month", columns="kpi", values="value").reindex(index=months, columns=MOVEMENT_KPIS)
    return wide.fillna(0.0)


def test_the_log_sums_to_the_engine_for_every_team_and_month(sample_dataset):
    kpis = compute_kpis(sample_dataset)
    teams = ["all", *[t for t in sample_dataset.teams["team"] if sample_dataset.account_mask(t).any()]]
    assert len(teams) >= 5  # the company, two CS teams and the field-sales teams
    for team in teams:
        engine = _engine_movements(kpis, team)
        assert engine.iloc[0].isna().all()  # the first month: unknown in both
        engine = engine.iloc[1:]
        log = movement_log(sample_dataset, team=team)
        assert str(sample_dataset.months[0]) not in set(log["month"].astype(str))
        np.testing.assert_array_equal(_log_movements(log, engine.index).to_numpy(), engine.to_numpy(), err_msg=team)
        assert (engine.to_numpy() > 0).sum() > 0


def test_the_company_log_split_by_its_team_column_gives_each_cs_team(sample_dataset):
    kpis = compute_kpis(sample_dataset, teams=["cs_enterprise", "cs_smb"])
    log = movement_log(sample_dataset)
    for team in ("cs_enterprise", "cs_smb"):
        engine = _engine_movements(kpis, team).iloc[1:]
        mine = _log_movements(log[log["team"] == team], engine.index)
        np.testing.assert_array_equal(mine.to_numpy(), engine.to_numpy())


def test_losses_of_the_month_largest_first(each_kind):
    lost = losses(each_kind, "all", "2024-04")
    assert lost[["account_id", "movement", "change"]].values.tolist() == [["A", "contraction", -30], ["C", "churn", -30]]
    table = losses_table(each_kind, "cs1", "2024-04", lang="ja")
    assert table.data.values.tolist() == [["A", "Alpha", "縮小", "¥120", "¥90", "-¥30"]]
    assert "CS1" in table.caption and "2024-04" in table.caption
    html = losses_table(each_kind, "cs2", "2024-03", lang="en").to_html()
    assert "No account of CS two churned or contracted in 2024-03." in html


def test_losses_table_says_how_many_more(sample_dataset):
    table = losses_table(sample_dataset, "cs_smb", lang="en", limit=3)
    assert len(table.data) == 3 and "more accounts lost MRR" in table.caption
    assert "nan" not in table.to_html().lower()


# --- the command ---------------------------------------------------------------------------
def _folder(tmp_path, tables):
    from conftest import write_tables

    return str(write_tables(tmp_path / "data", tables))


def test_cli_accounts_csv_json_and_table(tmp_path):
    folder = _folder(tmp_path, EACH_KIND)
    runner = CliRunner()
    csv_out = runner.invoke(app, ["accounts", "--data", folder, "--format", "csv"])
    assert csv_out.exit_code == 0, csv_out.output
    assert csv_out.stdout.splitlines()[:2] == ["account_id,team,month,movement,mrr_before,mrr_after,change",
                                              "A,cs1,2024-02,expansion,100,120,20"]
    js = runner.invoke(app, ["accounts", "--data", folder, "--format", "json", "--team", "cs2", "--from", "2024-04"])
    assert json.loads(js.stdout) == [{"account_id": "C", "team": "cs2", "month": "2024-04", "movement": "churn",
                                      "mrr_before": 30, "mrr_after": 0, "change": -30}]
    table = runner.invoke(app, ["accounts", "--data", folder, "--lang", "en"])
    assert table.exit_code == 0 and "Reactivation" in table.stdout and "Beta" in table.stdout and "-¥50" in table.stdout


@pytest.mark.parametrize("args", [["--team", "nope"], ["--from", "2024-13"], ["--format", "xml"]])
def test_cli_accounts_bad_options_exit_2(tmp_path, args):
    result = CliRunner().invoke(app, ["accounts", "--data", _folder(tmp_path, EACH_KIND), "--lang", "en", *args])
    assert result.exit_code == 2 and "Traceback" not in result.output
