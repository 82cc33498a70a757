"""SMART checks pinned on constructed cases: every status of every letter, the ambiguity
rule, progress maths, and targets files that cannot be read."""
from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from conftest import mrr_rows
from cskit.cli import app
from cskit.errors import DataValidationError
from cskit.targets import (Target, achievability, evaluate_targets, parse_amount, read_targets, readings, target_path,
                           target_value)

MONTHS = [str(p) for p in pd.period_range("2023-01", periods=24, freq="M")]  # ends 2024-12
TEAMS = [
    {"team": "cs1", "role": "cs", "name_ja": "CS1", "name_en": "CS one"},
    {"team": "sup", "role": "support", "name_ja": "サポート", "name_en": "Support"},
]


@pytest.fixture
def linear(make_dataset):
    """One account whose MRR grows by exactly 10 a month: 100, 110, ..., 330."""
    return make_dataset({
        "teams": TEAMS,
        "accounts": [{"account_id": "A", "account_name": "A", "team": "cs1"}],
        "mrr": mrr_rows({"A": {m: 100 + 10 * i for i, m in enumerate(MONTHS)}}),
    })


def check(dataset, lang="en", **fields):
    amount = fields.pop("target")
    target = Target(id="x", target=parse_amount(amount), **{"team": "cs1", "kpi": "mrr", "parent": None, **fields})
    return evaluate_targets(dataset, [target], lang=lang)[0]


def status(result, letter):
    return result["checks"][letter]["status"]


# --- amounts ---------------------------------------------------------------
def test_amounts_parse_into_levels_relative_changes_and_points():
    assert parse_amount("0.045").kind == "absolute" and parse_amount("0.045").value == 0.045
    assert parse_amount("-10%").kind == "relative" and parse_amount("-10%").value == pytest.approx(-0.10)
    assert parse_amount("-0.5pt").kind == "points" and parse_amount("-0.5pt").value == -0.5
    assert parse_amount("10%").kind == "ambiguous"
    with pytest.raises(ValueError):
        parse_amount("a lot")


def test_an_unsigned_percentage_on_a_rate_has_three_readings():
    options = readings(parse_amount("10%"), 0.04, "logo_churn_rate")
    assert options == pytest.approx({"level": 0.10, "relative": 0.036, "points": -0.06})
    assert target_value(parse_amount("-10%"), 0.04, "logo_churn_rate") == pytest.approx(0.036)
    assert target_value(parse_amount("-0.5pt"), 0.04, "logo_churn_rate") == pytest.approx(0.035)
    assert target_value(parse_amount("+20%"), 1000, "mrr") == pytest.approx(1200)


# --- Specific ----------------------------------------------------------------
def test_specific_pass_warn_fail(linear):
    assert status(check(linear, target="400", deadline="2025-10"), "specific") == "pass"
    ambiguous = check(linear, kpi="logo_churn_rate", target="10%", deadline="2025-10")
    assert status(ambiguous, "specific") == "warn"
    assert "level 10.0%" in ambiguous["checks"]["specific"]["reason"]  # the readings are shown
    assert status(check(linear, kpi="call_volume", target="+10%", deadline="2025-10"), "specific") == "fail"
    assert status(check(linear, team="nobody", target="+10%", deadline="2025-10"), "specific") == "fail"


# --- Measurable --------------------------------------------------------------
def test_measurable_pass_warn_fail(linear, make_dataset):
    assert status(check(linear, target="400", deadline="2025-10"), "measurable") == "pass"
    assert status(check(linear, kpi="win_rate", target="+2pt", deadline="2025-10"), "measurable") == "fail"  # no opportunities
    assert status(check(linear, team="sup", target="+10%", deadline="2025-10"), "measurable") == "fail"  # no accounts: no baseline
    thin = make_dataset({"teams": TEAMS, "accounts": [{"account_id": "A", "account_name": "A", "team": "cs1"}],
                         "mrr": mrr_rows({"A": {"2024-01": 100, "2024-02": 100}})})
    assert status(check(thin, target="150", deadline="2024-12"), "measurable") == "warn"  # 2 months of values


# --- Achievable ----------------------------------------------------------------
def test_history_of_the_linear_account():
    history = pd.Series([100.0 + 10 * i for i in range(24)], index=pd.period_range("2023-01", periods=24, freq="M"))
    seen = achievability(history, "mrr")
    assert seen["best_12m_per_month"] == pytest.approx(10) and seen["p75_monthly"] == pytest.approx(10)


@pytest.mark.parametrize("goal,expected", [("380", "pass"), ("480", "warn"), ("630", "fail"), ("300", "pass")])
def test_achievable_against_the_best_twelve_months(linear, goal, expected):
    # baseline 330 in 2024-12; 10 months to 2025-10; the team gained 10 a month
    result = check(linear, target=goal, deadline="2025-10")
    assert status(result, "achievable") == expected
    if goal == "480":
        assert "15" in result["checks"]["achievable"]["reason"] and "10" in result["checks"]["achievable"]["reason"]


def test_achievable_fails_outside_the_kpis_range_and_warns_without_history(linear, make_dataset):
    assert status(check(linear, kpi="logo_churn_rate", target="1.5", deadline="2025-10", baseline=0.02), "achievable") == "fail"
    short = make_dataset({"teams": TEAMS, "accounts": [{"account_id": "A", "account_name": "A", "team": "cs1"}],
                          "mrr": mrr_rows({"A": {"2024-01": 100, "2024-02": 110, "2024-03": 120}})})
    assert status(check(short, target="200", deadline="2024-12"), "achievable") == "warn"


# --- Related -----------------------------------------------------------------
def test_related_pass_warn_fail(linear):
    on_path = check(linear, kpi="logo_churn_rate", target="-10%", deadline="2025-10", parent="grr_12m")
    assert status(on_path, "related") == "pass"
    assert "→" in on_path["checks"]["related"]["reason"]  # the path is shown
    assert status(check(linear, kpi="logo_churn_rate", target="-10%", deadline="2025-10"), "related") == "warn"
    assert status(check(linear, kpi="logo_churn_rate", target="-10%", deadline="2025-10", parent="new_mrr"), "related") == "fail"
    assert status(check(linear, target="400", deadline="2025-10"), "related") == "pass"  # mrr is the KGI itself


# --- Time-bound ------------------------------------------------------------------
@pytest.mark.parametrize("deadline,expected", [("2025-06", "pass"), ("2025-01", "warn"), (None, "fail"),
                                               ("2024-12", "fail"), ("2027-01", "fail")])
def test_time_bound(linear, deadline, expected):
    assert status(check(linear, target="400", deadline=deadline), "time_bound") == expected


# --- Progress ----------------------------------------------------------------
def test_paths_are_linear_for_money_and_compounding_for_rates():
    start, end = pd.Period("2024-01", "M"), pd.Period("2024-05", "M")
    money = target_path("mrr", 100.0, 200.0, start, end)
    assert list(money) == pytest.approx([100, 125, 150, 175, 200])
    churn = target_path("logo_churn_rate", 0.04, 0.02, start, end)
    assert churn.iloc[2] == pytest.approx(0.04 * 0.5 ** 0.5)  # half way in time, half the log-distance
    assert churn.iloc[-1] == pytest.approx(0.02)


def test_progress_on_track_and_behind(linear):
    # from 2024-06 (baseline 270) to 2025-06 the plan adds 5 a month: expected 300 in 2024-12, actual 330
    ahead = check(linear, target="330", start="2024-06", deadline="2025-06")
    assert ahead["progress"] == {"expected": pytest.approx(300), "actual": pytest.approx(330), "status": "on_track"}
    behind = check(linear, target="510", start="2024-06", deadline="2025-06")  # plans 20 a month: expects 390
    assert behind["progress"]["status"] == "behind" and behind["progress"]["expected"] == pytest.approx(390)
    assert check(linear, target="400", deadline="2025-06")["progress"]["status"] == "not_started"


# --- files -------------------------------------------------------------------
def test_yaml_and_csv_targets_are_read(tmp_path):
    (tmp_path / "t.yml").write_text("- id: A\n  team: cs1\n  kpi: mrr\n  target: +10%\n  deadline: 2025-06\n", encoding="utf-8")
    (tmp_path / "t.csv").write_text("id,team,kpi,target,deadline\nA,cs1,mrr,+10%,2025-06\n", encoding="utf-8")
    for name in ("t.yml", "t.csv"):
        (target,) = read_targets(tmp_path / name)
        assert (target.id, target.kpi, target.target.kind, target.deadline) == ("A", "mrr", "relative", "2025-06")


@pytest.mark.parametrize("text,line,field_name,code", [
    ("- id: A\n  team: cs1\n  kpi: mrr\n  deadline: 2025-06\n", 1, "target", "targets.field_missing"),
    ("- id: A\n  team: cs1\n  kpi: mrr\n  target: +10%\n- id: B\n  team: cs1\n  kpi: mrr\n  target: lots\n", 8, "target", "targets.bad_amount"),
    ("- id: A\n  team: cs1\n  kpi: mrr\n  target: +10%\n  deadline: next year\n", 5, "deadline", "targets.bad_month"),
    ("- id: A\n  team: [cs1\n", 3, None, "targets.file_unreadable"),
    ("id: A\n", 1, None, "targets.not_a_list"),
])
def test_unreadable_targets_name_the_line_and_field(tmp_path, text, line, field_name, code):
    path = tmp_path / "targets.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataValidationError) as caught:
        read_targets(path)
    problem = caught.value.errors[0]
    assert (problem.code, problem.column) == (code, field_name)
    assert line in problem.rows


def test_cli_exits_0_on_failing_targets_and_2_on_an_unreadable_file(linear, tmp_path):
    runner = CliRunner()
    good = tmp_path / "good.yml"
    good.write_text("- id: A\n  team: cs1\n  kpi: mrr\n  target: +900%\n  deadline: 2025-02\n", encoding="utf-8")
    result = runner.invoke(app, ["targets", "--data", linear.path, "--targets", str(good), "--format", "json", "--lang", "en"])
    assert result.exit_code == 0
    (entry,) = json.loads(result.output)
    assert set(entry) == {"id", "team", "kpi", "baseline", "target", "deadline", "checks", "progress"}
    assert set(entry["checks"]) == {"specific", "measurable", "achievable", "related", "time_bound"}
    assert entry["checks"]["achievable"]["status"] == "fail"
    bad = tmp_path / "bad.yml"
    bad.write_text("- id: A\n  team: cs1\n  kpi: mrr\n  target: soon\n", encoding="utf-8")
    result = runner.invoke(app, ["targets", "--data", linear.path, "--targets", str(bad), "--lang", "en"])
    assert result.exit_code == 2 and "bad.yml row 4" in result.output and "target" in result.output


def test_the_sample_targets_include_good_and_flawed_ones(sample_dataset, sample_dir):
    results = evaluate_targets(sample_dataset, read_targets(sample_dir / "targets.yml"), lang="en")
    statuses = {r["id"]: {k: v["status"] for k, v in r["checks"].items()} for r in results}
    assert all(s == "pass" for s in statuses["T01"].values())  # a good one
    assert statuses["T02"]["specific"] == "warn"  # the sources' "cut the churn rate by 10 %"
    assert statuses["T04"]["time_bound"] == "fail" and statuses["T06"]["specific"] == "fail"
    assert statuses["T07"]["related"] == "fail" and statuses["T09"]["time_bound"] == "fail"
    assert statuses["T05"]["achievable"] == "fail"


def test_check_rewrite_gives_feedback_not_answers(sample_dataset):
    from cskit.targets import check_rewrite

    still = check_rewrite({"id": "T02", "team": "cs_smb", "kpi": "logo_churn_rate", "target": "10%", "deadline": "2027-06",
                           "parent": "grr_12m"}, sample_dataset, "en")
    assert "specific" in still
    fixed = check_rewrite({"id": "T02", "team": "cs_smb", "kpi": "logo_churn_rate", "target": "-10%", "deadline": "2027-06",
                           "parent": "grr_12m"}, sample_dataset, "en")
    assert fixed == "Every letter passes. Well written."
