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
    assert table.caption == "CS1：2024年4月に解約・縮小したアカウント（減少額の大きい順）"  # the month as Japanese writes it
    html = losses_table(each_kind, "cs2", "2024-03", lang="en").to_html()
    assert "No account of CS two churned or contracted in Mar 2024." in html


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


# --- KPIs by an account attribute ---------------------------------------------------------
def _only(dataset, mask):
    """A dataset with only the accounts in ``mask`` (and their rows of every account table), same months."""
    from cskit.dataset import Dataset

    ids = set(dataset["accounts"]["account_id"][mask])
    tables = {}
    for name, frame in dataset.tables.items():
        if name == "accounts":
            tables[name] = frame[mask].reset_index(drop=True)
        elif "account_id" in frame:
            tables[name] = frame[frame["account_id"].isin(ids)].reset_index(drop=True)
        else:
            tables[name] = frame
    return Dataset(tables, currency=dataset.currency, window=(dataset.months[0], dataset.months[-1]))


def _compare(by_group: pd.DataFrame, direct: pd.DataFrame, group: str):
    from cskit.kpi.groups import GROUP_KPIS

    mine = by_group[by_group["team"] == group].set_index(["kpi", "month"])["value"]
    theirs = direct[(direct["team"] == "all") & direct["kpi"].isin(GROUP_KPIS)].set_index(["kpi", "month"])["value"]
    assert set(mine.index) == set(theirs.index)
    pd.testing.assert_series_equal(mine.sort_index(), theirs.sort_index(), check_names=False, rtol=1e-12)


@pytest.mark.parametrize("by", ["segment", "owner"])
def test_by_equals_filter_then_compute(sample_dataset, by):
    by_group = compute_kpis(sample_dataset, by=by)
    groups = sorted(sample_dataset["accounts"][by].dropna().unique())
    assert sorted(by_group["team"].unique()) == groups and set(by_group["by"]) == {by}
    for group in groups[:3]:
        mask = (sample_dataset["accounts"][by] == group).to_numpy()
        _compare(by_group, compute_kpis(_only(sample_dataset, mask)), group)


def test_team_and_by_split_one_teams_accounts(sample_dataset):
    by_group = compute_kpis(sample_dataset, teams="fs_osaka", by="segment")
    accounts = sample_dataset["accounts"]
    for group in sorted(by_group["team"].unique()):
        mask = ((accounts["sales_team"] == "fs_osaka") & (accounts["segment"] == group)).to_numpy()
        _compare(by_group, compute_kpis(_only(sample_dataset, mask)), group)
    # the groups add up to the team
    team = compute_kpis(sample_dataset, teams="fs_osaka").query("kpi == 'mrr'").set_index("month")["value"]
    summed = by_group.query("kpi == 'mrr'").groupby("month")["value"].sum()
    pd.testing.assert_series_equal(summed, team, check_names=False)


def test_by_leaves_out_the_team_kpis_and_says_which(each_kind):
    kpis = compute_kpis(each_kind, by="segment")
    assert {"win_rate", "cac", "leads_created", "tickets_opened"} <= set(kpis.attrs["not_computed"])
    assert not set(kpis["kpi"]) & set(kpis.attrs["not_computed"])
    mar = kpis[kpis["month"] == pd.Period("2024-03", "M")].set_index(["team", "kpi"])["value"]
    assert mar[("smb", "mrr")] == 180 and mar[("enterprise", "mrr")] == 230  # A 120 + B 60; C 30 + D 200
    assert mar[("smb", "reactivation_mrr")] == 60


def test_by_owner_without_the_column_is_a_clear_error(each_kind):
    from cskit.errors import CskitError

    with pytest.raises(CskitError) as caught:
        compute_kpis(each_kind, by="owner")
    text = caught.value.render("en")
    assert "'owner'" in text and "segment" in text and "sales_team" in text


def test_cli_kpi_by_csv_and_errors(tmp_path):
    folder = _folder(tmp_path, EACH_KIND)
    runner = CliRunner()
    out = runner.invoke(app, ["kpi", "--data", folder, "--by", "segment", "--format", "csv", "--lang", "en"])
    assert out.exit_code == 0, out.output
    lines = out.stdout.splitlines()
    assert lines[0] == "team,month,kpi,value,by" and "enterprise,2024-03,mrr,230,segment" in lines
    assert "KPIs not computed per group" in out.stderr and "win_rate" in out.stderr
    team = runner.invoke(app, ["kpi", "--data", folder, "--team", "fs1", "--by", "segment", "--format", "json"])
    rows = [r for r in json.loads(team.stdout) if r["kpi"] == "mrr" and r["month"] == "2024-03"]
    assert rows == [{"team": "enterprise", "month": "2024-03", "kpi": "mrr", "value": 30, "by": "segment"},
                    {"team": "smb", "month": "2024-03", "kpi": "mrr", "value": 120, "by": "segment"}]
    table = runner.invoke(app, ["kpi", "--data", folder, "--by", "sales_team", "--lang", "en"])
    assert table.exit_code == 0 and "sales_team: Sales two" in table.stdout
    for bad in (["--by", "colour"], ["--by", "owner"], ["--by", "segment", "--engine", "duckdb"]):
        result = runner.invoke(app, ["kpi", "--data", folder, "--lang", "en", *bad])
        assert result.exit_code == 2 and "Traceback" not in result.output, bad
    unknown = runner.invoke(app, ["kpi", "--data", folder, "--lang", "en", "--by", "colour"])
    assert "Columns you can use: team, sales_team, segment" in unknown.stderr


def test_the_sample_has_one_csm_per_account_as_in_its_cs_opportunities(sample_dataset):
    accounts = sample_dataset["accounts"]
    assert accounts["owner"].notna().all()
    prefix = accounts["owner"].str.rsplit("-", n=1).str[0]
    assert (prefix == accounts["team"]).all()
    opps = sample_dataset["opportunities"]
    cs = opps[opps["team"].str.startswith("cs_")].merge(accounts[["account_id", "owner"]], on="account_id",
                                                         suffixes=("", "_csm"))
    assert len(cs) > 100 and (cs["owner"] == cs["owner_csm"]).all()


# --- retention by who won the account ------------------------------------------------------
def _km_at(durations: np.ndarray, churned: np.ndarray, entry: np.ndarray, age: int) -> float:
    """Kaplan-Meier by its product formula: prod over ages <= age of (1 - events / at risk).

    An account that entered the data at age e (it signed before the data) is at risk from age e + 1.
    """
    survival = 1.0
    for k in range(1, age + 1):
        at_risk = ((durations >= k) & (entry < k)).sum()
        events = ((durations == k) & churned).sum()
        survival *= 1 - events / at_risk if at_risk else 1
    return survival


def test_retention_by_who_won_matches_the_groups_and_the_km_formula(sample_dataset):
    from cskit.cohorts.survival import lifetimes
    from cskit.cohorts.won_by import retention_by_owner, retention_by_owner_table

    frame = retention_by_owner(sample_dataset, "2026-06")
    assert frame[["side", "team"]].values.tolist() == [["sales_team", "fs_tokyo"], ["sales_team", "fs_osaka"],
                                                       ["team", "cs_enterprise"], ["team", "cs_smb"]]
    for side in ("sales_team", "team"):  # NRR/GRR of a team = those of the group of accounts with its id
        by = compute_kpis(sample_dataset, by=side, start="2026-06", end="2026-06").set_index(["team", "kpi"])["value"]
        for row in frame[frame["side"] == side].itertuples():
            assert row.nrr_12m == pytest.approx(by[(row.team, "nrr_12m")], rel=1e-12)
            assert row.grr_12m == pytest.approx(by[(row.team, "grr_12m")], rel=1e-12)
            life = lifetimes(sample_dataset, team=row.team, as_of="2026-06")
            expected = _km_at(life["duration"].to_numpy(), life["churned"].to_numpy(), life["entry"].to_numpy(), 12)
            assert row.survival_12m == pytest.approx(expected, abs=1e-12)
    assert 0.4 < frame["survival_12m"].min() < frame["survival_12m"].max() < 0.95
    table = retention_by_owner_table(sample_dataset, "2026-06", lang="en")
    html = table.to_html()
    assert "Field Sales Tokyo" in html and "Kept by (CS)" in html and "nan" not in html.lower()
    assert all(cell.endswith("%") for cell in table.data.iloc[:, 3])
