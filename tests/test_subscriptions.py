"""Subscriptions instead of monthly MRR (cskit.io.subscriptions, the loader, the DuckDB route).

The rule: the MRR of an account in month m is the sum of amount / billing_period_months
over its subscriptions active on the last day of m (active from start_date inclusive to
end_date exclusive). Every expected figure below is worked out by hand in the comments.
"""
from __future__ import annotations

import sqlite3

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from conftest import write_tables
from cskit.cli import app
from cskit.errors import DataValidationError
from cskit.io import inspect_dataset, load_dataset
from cskit.kpi.engine import compute_kpis
from cskit.kpi.pushdown import revenue_kpis
from cskit.kpi.sql import PUSHDOWN_KPIS

TEAMS = "team,role\ncs1,cs\n"
ACCOUNTS = "account_id,team\nA1,cs1\nA2,cs1\nA3,cs1\n"
HEADER = "subscription_id,account_id,start_date,end_date,amount,billing_period_months\n"


def subscriptions_folder(folder, rows: str, as_of: str | None = "2025-01-31", header: str = HEADER):
    """A dataset of teams, accounts A1..A3 and ``subscriptions.csv`` (``rows`` after the header)."""
    write_tables(folder, {"teams": TEAMS, "accounts": ACCOUNTS, "subscriptions": header + rows})
    if as_of is not None:
        (folder / "dataset.yml").write_text(f"currency: JPY\nas_of: {as_of}\n", encoding="utf-8")
    return folder


def mrr_of(dataset, account: str) -> dict[str, float]:
    """``{month: mrr}`` of one account over the whole window (0 where there is no row)."""
    rows = dataset["mrr"][dataset["mrr"]["account_id"] == account].set_index("month")["mrr"]
    return {str(m): float(rows.get(m, 0.0)) for m in dataset.months}


def company_kpis(dataset) -> pd.DataFrame:
    """The company's KPIs, one row per month and one column per KPI."""
    kpis = compute_kpis(dataset, teams="all")
    return kpis[kpis["team"] == "all"].pivot(index="month", columns="kpi", values="value")


def months(first: str, last: str) -> list[str]:
    return [str(m) for m in pd.period_range(first, last, freq="M")]


# --------------------------------------------------------------------------- #
# The rule, case by case
# --------------------------------------------------------------------------- #
def test_annual_plan_is_a_twelfth_a_month_and_zero_the_month_it_ends(tmp_path):
    # 1,200,000 per 12 months from 2024-01-15, ended 2025-01-15:
    # active on 2024-01-31 ... 2024-12-31 -> 1,200,000 / 12 = 100,000; on 2025-01-31 it has ended -> 0
    data = load_dataset(subscriptions_folder(tmp_path / "d", "S1,A1,2024-01-15,2025-01-15,1200000,12\n"))
    assert mrr_of(data, "A1") == {**{m: 100_000.0 for m in months("2024-01", "2024-12")}, "2025-01": 0.0}
    assert str(data.months[0]) == "2024-01" and str(data.months[-1]) == "2025-01"
    assert len(data["mrr"]) == 12  # rows only where MRR > 0


def test_multi_year_plan(tmp_path):
    # 3,600,000 per 36 months from 2024-01-01 (active) -> 100,000 a month; as_of 2026-12-31 -> 36 months
    data = load_dataset(subscriptions_folder(tmp_path / "d", "S1,A1,2024-01-01,,3600000,36\n", as_of="2026-12-31"))
    assert mrr_of(data, "A1") == {m: 100_000.0 for m in months("2024-01", "2026-12")}


def test_upgrade_mid_year_the_old_plan_ends_the_day_the_new_one_starts(tmp_path):
    # 10,000 a month from 2024-01-01 to 2024-07-01, then 25,000 a month from 2024-07-01:
    # Jan..Jun 10,000; on 2024-07-31 only the new plan is active -> 25,000; expansion in July 15,000
    rows = "S1,A1,2024-01-01,2024-07-01,10000,1\nS2,A1,2024-07-01,,25000,1\n"
    data = load_dataset(subscriptions_folder(tmp_path / "d", rows, as_of="2024-12-31"))
    assert mrr_of(data, "A1") == {**{m: 10_000.0 for m in months("2024-01", "2024-06")},
                                  **{m: 25_000.0 for m in months("2024-07", "2024-12")}}
    kpis = company_kpis(data)
    assert kpis.loc[pd.Period("2024-07", "M"), "expansion_mrr"] == 15_000


def test_downgrade_at_renewal(tmp_path):
    # annual 240,000 (20,000 a month) 2024-01-10 .. 2025-01-10, then 12,000 a month from 2025-01-10:
    # 2024-01..2024-12: 20,000; 2025-01-31: only the new plan -> 12,000; contraction 8,000 in 2025-01
    rows = "S1,A1,2024-01-10,2025-01-10,240000,12\nS2,A1,2025-01-10,,12000,1\n"
    data = load_dataset(subscriptions_folder(tmp_path / "d", rows))
    assert mrr_of(data, "A1") == {**{m: 20_000.0 for m in months("2024-01", "2024-12")}, "2025-01": 12_000.0}
    kpis = company_kpis(data)
    assert kpis.loc[pd.Period("2025-01", "M"), "contraction_mrr"] == 8_000


def test_churn_on_the_last_day_of_a_month_is_not_active_that_month(tmp_path):
    # 5,000 a month from 2024-01-01, end_date 2024-03-31: active on Jan 31 and Feb 29;
    # on Mar 31 it has ended (end is exclusive) -> March 0, churned_mrr 5,000 in March
    data = load_dataset(subscriptions_folder(tmp_path / "d", "S1,A1,2024-01-01,2024-03-31,5000,1\n", as_of="2024-04-30"))
    assert mrr_of(data, "A1") == {"2024-01": 5_000.0, "2024-02": 5_000.0, "2024-03": 0.0, "2024-04": 0.0}
    kpis = company_kpis(data)
    assert kpis.loc[pd.Period("2024-03", "M"), "churned_mrr"] == 5_000


def test_restart_after_a_gap_is_a_reactivation(tmp_path):
    # 3,000 from 2024-01-01 to 2024-03-01 (Jan, Feb), back at 4,000 from 2024-06-15 (June on):
    # Mar..May 0; June reactivation 4,000
    rows = "S1,A1,2024-01-01,2024-03-01,3000,1\nS2,A1,2024-06-15,,4000,1\n"
    data = load_dataset(subscriptions_folder(tmp_path / "d", rows, as_of="2024-07-31"))
    assert mrr_of(data, "A1") == {"2024-01": 3_000.0, "2024-02": 3_000.0, "2024-03": 0.0, "2024-04": 0.0,
                                  "2024-05": 0.0, "2024-06": 4_000.0, "2024-07": 4_000.0}
    kpis = company_kpis(data)
    assert kpis.loc[pd.Period("2024-06", "M"), "reactivation_mrr"] == 4_000


def test_two_overlapping_subscriptions_are_summed(tmp_path):
    # 5,000 from 2024-01-01 (active) and a 36,000 annual add-on (3,000 a month) 2024-02-20 .. 2024-04-05:
    # Jan 5,000; Feb 31 and Mar 31 both -> 8,000; Apr 30 the add-on has ended -> 5,000
    rows = "S1,A1,2024-01-01,,5000,1\nS2,A1,2024-02-20,2024-04-05,36000,12\n"
    data = load_dataset(subscriptions_folder(tmp_path / "d", rows, as_of="2024-04-30"))
    assert mrr_of(data, "A1") == {"2024-01": 5_000.0, "2024-02": 8_000.0, "2024-03": 8_000.0, "2024-04": 5_000.0}


def test_without_the_billing_period_column_every_plan_is_monthly(tmp_path):
    # no billing_period_months column: 7,000 is a monthly charge -> 7,000 in Jan and Feb
    data = load_dataset(subscriptions_folder(tmp_path / "d", "S1,A2,2024-01-05,,7000\n", as_of="2024-02-29",
                                             header="subscription_id,account_id,start_date,end_date,amount\n"))
    assert mrr_of(data, "A2") == {"2024-01": 7_000.0, "2024-02": 7_000.0}


def test_a_subscription_that_starts_and_ends_in_one_month_is_never_counted(tmp_path):
    # A2: 2024-02-03 .. 2024-02-20 is not active on 2024-02-29 -> never counted; A1 keeps the window open
    rows = "S1,A1,2024-01-01,,1000,1\nS2,A2,2024-02-03,2024-02-20,9000,1\n"
    data = load_dataset(subscriptions_folder(tmp_path / "d", rows, as_of="2024-03-31"))
    assert mrr_of(data, "A2") == {"2024-01": 0.0, "2024-02": 0.0, "2024-03": 0.0}


# --------------------------------------------------------------------------- #
# The data window and the dataset
# --------------------------------------------------------------------------- #
def test_the_window_ends_at_as_of_even_without_active_subscriptions(tmp_path):
    # ended 2024-03-01 (Jan, Feb); as_of 2024-06-30 -> window 2024-01..2024-06, no warning
    data = load_dataset(subscriptions_folder(tmp_path / "d", "S1,A1,2024-01-10,2024-03-01,2000,1\n", as_of="2024-06-30"))
    assert [str(m) for m in data.months] == months("2024-01", "2024-06")
    assert data.warnings == ()
    assert data.mrr_by_account.shape == (3, 6)


def test_without_as_of_the_window_ends_at_the_latest_date_with_a_warning(tmp_path):
    # latest date in the table: end_date 2024-05-20 -> last month 2024-05, said in a warning
    folder = subscriptions_folder(tmp_path / "d", "S1,A1,2024-01-10,2024-05-20,2000,1\nS2,A2,2024-02-01,,100,1\n", as_of=None)
    data = load_dataset(folder)
    assert [str(m) for m in data.months] == months("2024-01", "2024-05")
    assert [(p.code, p.params["month"]) for p in data.warnings] == [("data.window_guessed", "2024-05")]
    result = CliRunner().invoke(app, ["validate", "--data", str(folder), "--lang", "en"])
    assert result.exit_code == 0
    assert "dataset.yml: dataset.yml has no as_of" in result.output and "ends in 2024-05" in result.output


def test_the_dataset_keeps_subscriptions_and_a_derived_mrr_like_a_read_one(tmp_path):
    data = load_dataset(subscriptions_folder(tmp_path / "d", "S1,A1,2024-01-15,2025-01-15,1200000,12\n"))
    assert data.has("subscriptions") and data.has("mrr")
    assert data.sources["mrr"] == data.sources["subscriptions"] == "subscriptions.csv"
    read = load_dataset(write_tables(tmp_path / "m", {"teams": TEAMS, "accounts": ACCOUNTS,
                                                      "mrr": "account_id,month,mrr\nA1,2024-01,100000\n"}))
    assert data["mrr"].dtypes.to_dict() == read["mrr"].dtypes.to_dict()
    assert list(data["mrr"].columns) == ["account_id", "month", "mrr"]


def test_kpis_on_subscriptions_equal_kpis_on_the_hand_derived_mrr(tmp_path):
    # A1: 1,200,000 annual 2024-01-15 .. 2025-01-15 -> 100,000 Jan..Dec 2024
    # A2: 20,000 monthly 2024-03-01 .. 2024-07-01, then 30,000 from 2024-07-01 -> 20,000 Mar..Jun, 30,000 Jul..Jan
    # A3: 600,000 per 24 months from 2024-06-10 -> 25,000 Jun 2024 .. Jan 2025
    rows = ("S1,A1,2024-01-15,2025-01-15,1200000,12\nS2,A2,2024-03-01,2024-07-01,20000,1\n"
            "S3,A2,2024-07-01,,30000,1\nS4,A3,2024-06-10,,600000,24\n")
    subs = load_dataset(subscriptions_folder(tmp_path / "s", rows))
    by_hand = {"A1": {m: 100_000 for m in months("2024-01", "2024-12")},
               "A2": {**{m: 20_000 for m in months("2024-03", "2024-06")}, **{m: 30_000 for m in months("2024-07", "2025-01")}},
               "A3": {m: 25_000 for m in months("2024-06", "2025-01")}}
    mrr = "account_id,month,mrr\n" + "".join(f"{a},{m},{v}\n" for a, ms in by_hand.items() for m, v in ms.items())
    read = load_dataset(write_tables(tmp_path / "m", {"teams": TEAMS, "accounts": ACCOUNTS, "mrr": mrr}))
    assert list(subs.months) == list(read.months)
    ours, theirs = compute_kpis(subs), compute_kpis(read)
    pd.testing.assert_frame_equal(ours, theirs)
    assert len(ours) > 0


def test_a_database_reads_subscriptions_like_any_table(tmp_path):
    # 360,000 per 12 months from 2024-01-01 -> 30,000 a month; no dataset.yml in a database -> window to the latest date
    path = tmp_path / "crm.db"
    with sqlite3.connect(path) as connection:
        pd.DataFrame({"team": ["cs1"], "role": ["cs"]}).to_sql("teams", connection, index=False)
        pd.DataFrame({"account_id": ["A1"], "team": ["cs1"]}).to_sql("accounts", connection, index=False)
        pd.DataFrame({"subscription_id": ["S1"], "account_id": ["A1"], "start_date": ["2024-01-01"],
                      "end_date": ["2024-04-01"], "amount": [360000], "billing_period_months": [12]}
                     ).to_sql("subscriptions", connection, index=False)
    data = load_dataset(f"sqlite:///{path}")
    assert mrr_of(data, "A1") == {"2024-01": 30_000.0, "2024-02": 30_000.0, "2024-03": 30_000.0, "2024-04": 0.0}
    assert data.sources["mrr"] == "subscriptions (SQL)"


# --------------------------------------------------------------------------- #
# Bad input: every problem at once, with file, row and column
# --------------------------------------------------------------------------- #
BAD = ("S1,A1,2024-01-15,2025-01-15,1200000,12\n"   # row 2: fine
       "S2,A1,2024-02-30,,1000,1\n"                   # row 3: no Feb 30th
       "S3,A2,2024-01-01,,-500,1\n"                   # row 4: negative amount
       "S4,A2,2024-05-01,2024-04-01,1000,1\n"         # row 5: ends before it starts
       "S5,A3,2024-01-01,,1000,0\n"                   # row 6: billing period 0
       "S6,A3,2024-01-01,,1000,1.5\n"                 # row 7: billing period not whole
       "S7,A9,2024-01-01,,1000,1\n"                   # row 8: unknown account
       "S1,A1,2024-03-01,,1000,1\n")                  # row 9: repeats S1 of row 2
EXPECTED = {
    "subscriptions.csv row 3, column start_date: Cannot read date '2024-02-30'; expected YYYY-MM-DD.",
    "subscriptions.csv row 4, column amount: Value -500 is negative; expected 0 or more.",
    "subscriptions.csv row 5, column end_date: end_date (2024-04-01) is before start_date (2024-05-01).",
    "subscriptions.csv row 6, column billing_period_months: Value 0 is below 1; expected 1 or more.",
    "subscriptions.csv row 7, column billing_period_months: Value 1.5 is not a whole number.",
    "subscriptions.csv row 8, column account_id: 'A9' does not exist in accounts.csv (account_id).",
    "subscriptions.csv row 9, column subscription_id: Duplicate id 'S1' (same as row 2).",
}


def problem_lines(output: str) -> set[str]:
    return {line.strip()[2:] for line in output.splitlines() if line.strip().startswith("- ")}


def test_every_bad_subscription_is_listed_at_once_by_validate(tmp_path):
    folder = subscriptions_folder(tmp_path / "d", BAD)
    before = sorted(p.name for p in folder.iterdir())
    result = CliRunner().invoke(app, ["validate", "--data", str(folder), "--lang", "en"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert problem_lines(result.output) == EXPECTED
    assert sorted(p.name for p in folder.iterdir()) == before  # nothing written


def test_bad_subscriptions_are_said_in_japanese_too(tmp_path):
    result = CliRunner().invoke(app, ["validate", "--data", str(subscriptions_folder(tmp_path / "d", BAD)), "--lang", "ja"])
    assert result.exit_code == 2
    assert "subscriptions.csv 6 行目, 列 billing_period_months: 値 0 は 1 未満です。1 以上が必要です。" in result.output


@pytest.mark.parametrize("as_of,expected", [
    ("October", "dataset.yml line 2, key as_of: Cannot read as_of 'October' as a date; write the day the data was exported as YYYY-MM-DD."),
    ("2023-12-31", "dataset.yml line 2, key as_of: as_of (2023-12-31) is before the first start_date in subscriptions.csv (2024-01-15); "
                   "write the day the data was exported."),
])
def test_a_bad_as_of_is_an_error_naming_dataset_yml(tmp_path, as_of, expected):
    folder = subscriptions_folder(tmp_path / "d", "S1,A1,2024-01-15,,1000,1\n", as_of=as_of)
    result = CliRunner().invoke(app, ["validate", "--data", str(folder), "--lang", "en"])
    assert result.exit_code == 2 and problem_lines(result.output) == {expected}


def test_a_bad_as_of_is_listed_with_the_table_problems(tmp_path):
    folder = subscriptions_folder(tmp_path / "d", BAD, as_of="someday")
    with pytest.raises(DataValidationError) as raised:
        load_dataset(folder)
    assert {p.file for p in raised.value.problems} == {"dataset.yml", "subscriptions.csv"}
    assert len(raised.value.problems) == len(EXPECTED) + 1


def test_mrr_and_subscriptions_together_are_refused_naming_both(tmp_path):
    folder = subscriptions_folder(tmp_path / "d", "S1,A1,2024-01-15,,1000,1\n")
    (folder / "mrr.csv").write_text("account_id,month,mrr\nA1,2024-01,1000\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", "--data", str(folder), "--lang", "en"])
    assert result.exit_code == 2
    assert problem_lines(result.output) == {
        "subscriptions.csv: Both mrr.csv and subscriptions.csv are present; keep only one as the source of MRR "
        "(the monthly MRR is derived from subscriptions)."}


def test_neither_mrr_nor_subscriptions_names_both_files(tmp_path):
    folder = write_tables(tmp_path / "d", {"teams": TEAMS, "accounts": ACCOUNTS})
    dataset, problems = inspect_dataset(folder)
    assert dataset is None
    assert [p.render("en") for p in problems] == [
        "mrr.csv: No revenue table: the dataset needs mrr.csv or subscriptions.csv (or .xlsx / .parquet)."]


def test_a_subscriptions_file_with_only_a_header_is_an_error(tmp_path):
    dataset, problems = inspect_dataset(subscriptions_folder(tmp_path / "d", ""))
    assert dataset is None and [(p.file, p.code) for p in problems] == [("subscriptions.csv", "data.no_rows")]


# --------------------------------------------------------------------------- #
# The DuckDB route
# --------------------------------------------------------------------------- #
def kpi_command(folder, engine: str, *extra: str):
    return CliRunner().invoke(app, ["kpi", "--data", str(folder), "--engine", engine, "--lang", "en", *extra])


@pytest.mark.parametrize("as_of", ["2025-03-31", None])
def test_the_duckdb_route_equals_the_pandas_route(tmp_path, as_of):
    # the same four subscriptions as above plus a churn on a month's last day and a same-month one
    rows = ("S1,A1,2024-01-15,2025-01-15,1200000,12\nS2,A2,2024-03-01,2024-07-01,20000,1\n"
            "S3,A2,2024-07-01,,30000,1\nS4,A3,2024-06-10,,600000,24\nS5,A3,2024-02-01,2024-04-30,7000,1\n"
            "S6,A1,2024-08-03,2024-08-20,5000,1\n")
    folder = subscriptions_folder(tmp_path / "d", rows, as_of=as_of)
    ours, dataset = revenue_kpis(folder)
    reference = load_dataset(folder)
    assert dataset.window == reference.window and not dataset.has("mrr")
    assert [p.code for p in dataset.warnings] == [p.code for p in reference.warnings]
    theirs = compute_kpis(reference)
    theirs = theirs[theirs["kpi"].isin(PUSHDOWN_KPIS)]
    merged = ours.merge(theirs, on=["team", "month", "kpi"], how="outer", suffixes=("_duckdb", "_pandas"), indicator=True)
    assert (merged["_merge"] == "both").all() and len(merged) == len(ours) > 0
    assert np.allclose(merged["value_duckdb"], merged["value_pandas"], rtol=1e-9, equal_nan=True)
    last = str(reference.months[-1])
    assert last == ("2025-03" if as_of else "2025-01")
    assert ours[(ours["team"] == "all") & (ours["kpi"] == "mrr")]["month"].astype(str).iloc[-1] == last


def test_the_duckdb_route_reports_bad_subscriptions_as_the_pandas_route_does(tmp_path):
    folder = subscriptions_folder(tmp_path / "d", BAD)
    duck, pandas_route = kpi_command(folder, "duckdb"), kpi_command(folder, "pandas")
    assert duck.exit_code == pandas_route.exit_code == 2, duck.output
    assert problem_lines(duck.output) == problem_lines(pandas_route.output) == EXPECTED


@pytest.mark.parametrize("extra,expected", [
    ("mrr", "subscriptions.csv: Both mrr.csv and subscriptions.csv are present; keep only one as the source of MRR "
            "(the monthly MRR is derived from subscriptions)."),
    ("as_of", "dataset.yml line 2, key as_of: Cannot read as_of 'soon' as a date; write the day the data was exported as YYYY-MM-DD."),
])
def test_the_duckdb_route_refuses_what_the_loader_refuses(tmp_path, extra, expected):
    folder = subscriptions_folder(tmp_path / "d", "S1,A1,2024-01-15,,1000,1\n", as_of="soon" if extra == "as_of" else "2024-12-31")
    if extra == "mrr":
        (folder / "mrr.csv").write_text("account_id,month,mrr\nA1,2024-01,1000\n", encoding="utf-8")
    duck, pandas_route = kpi_command(folder, "duckdb"), kpi_command(folder, "pandas")
    assert duck.exit_code == pandas_route.exit_code == 2, duck.output
    assert problem_lines(duck.output) == problem_lines(pandas_route.output) == {expected}
