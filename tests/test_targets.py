"""SMART checks pinned on constructed cases: every status of every letter, the ambiguity
rule, progress maths worked by hand, and targets files that cannot be read."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from conftest import mrr_rows
from cskit.cli import app
from cskit.errors import DataValidationError
from cskit.targets import (LETTERS, RESULT_COLUMNS, Target, achievability, check_rewrite, evaluate_targets,
                           letter_verdicts, parse_amount, read_targets, readings, target_path, target_value, to_records)

SAMPLE_TARGETS = Path(__file__).resolve().parents[1] / "cskit" / "content" / "sample_targets.yml"
MONTHS = [str(p) for p in pd.period_range("2023-01", periods=24, freq="M")]  # 2023-01 .. 2024-12 (= as_of)
TEAMS = [
    {"team": "cs1", "role": "cs", "name_ja": "CS1", "name_en": "CS one"},
    {"team": "sup", "role": "support", "name_ja": "サポート", "name_en": "Support"},
]


def one_account(make_dataset, values):
    return make_dataset({
        "teams": TEAMS,
        "accounts": [{"account_id": "A", "account_name": "A", "team": "cs1"}],
        "mrr": mrr_rows({"A": dict(zip(MONTHS, values))}),
    })


@pytest.fixture
def linear(make_dataset):
    """One account whose MRR grows by exactly 10 a month: 100, 110, ..., 330 in 2024-12."""
    return one_account(make_dataset, [100 + 10 * i for i in range(24)])


@pytest.fixture
def shrinking(make_dataset):
    """One account whose MRR falls by 10 a month: 330, 320, ..., 100 in 2024-12 (MRR never improved)."""
    return one_account(make_dataset, [330 - 10 * i for i in range(24)])


@pytest.fixture
def falling_churn(make_dataset):
    """Churned MRR (lower is better) falls by 5 a month: 200 in 2023-02, ..., 90 in 2024-12.

    Account Ak pays 200 - 5k from 2023-01 until month k and then leaves; S pays 1,000 throughout.
    """
    series = {"S": {m: 1000 for m in MONTHS}}
    for k in range(24):
        series[f"A{k:02d}"] = {m: 200 - 5 * k for j, m in enumerate(MONTHS) if j <= k}
    return make_dataset({
        "teams": TEAMS,
        "accounts": [{"account_id": a, "account_name": a, "team": "cs1"} for a in series],
        "mrr": mrr_rows(series),
    })


def check(dataset, lang="en", **fields):
    """The one target's row of evaluate_targets."""
    amount = fields.pop("target")
    target = Target(id="x", target=parse_amount(amount), **{"team": "cs1", "kpi": "mrr", "parent": None, **fields})
    return evaluate_targets(dataset, [target], lang=lang).iloc[0]


def status(result, letter):
    return result[letter]


def reason(result, letter):
    return result[f"{letter}_reason"]


def progress(result):
    """The progress columns of a row, unknown numbers as None."""
    def number(value):
        return None if pd.isna(value) else value

    return {"expected": number(result["expected"]), "actual": number(result["actual"]), "status": result["progress"]}


# --- amounts -------------------------------------------------------------------
def test_amounts_parse_into_levels_relative_changes_and_points():
    assert (parse_amount("0.045").kind, parse_amount("0.045").value) == ("absolute", 0.045)
    assert (parse_amount("-10%").kind, parse_amount("-10%").value) == ("relative", pytest.approx(-0.10))
    assert (parse_amount("+2pt").kind, parse_amount("+2pt").value) == ("points", 2.0)
    assert (parse_amount("-0.5pt").kind, parse_amount("-0.5pt").value) == ("points", -0.5)
    assert parse_amount("10%").kind == "ambiguous" and parse_amount("10pt").kind == "ambiguous"
    assert parse_amount("-10％").kind == "relative"  # a full-width percent sign as Japanese keyboards type it
    for bad in ("a lot", "10 percent", "--5%", "%", ""):
        with pytest.raises(ValueError):
            parse_amount(bad)


def test_an_unsigned_percentage_on_a_rate_has_three_readings_in_the_improving_direction():
    # churn (lower is better) at 4 %: the level 10 %, 10 % less (3.6 %), 10 points less (-6 %)
    assert readings(parse_amount("10%"), 0.04, "logo_churn_rate") == pytest.approx(
        {"level": 0.10, "relative": 0.036, "points": -0.06})
    # win rate (higher is better) at 30 %: the level 10 %, 10 % more (33 %), 10 points more (40 %)
    assert readings(parse_amount("10%"), 0.30, "win_rate") == pytest.approx(
        {"level": 0.10, "relative": 0.33, "points": 0.40})
    # on money an unsigned percentage can only be a relative change
    assert readings(parse_amount("10%"), 1000, "mrr") == pytest.approx({"relative": 1100})


def test_target_values_from_each_form():
    assert target_value(parse_amount("-10%"), 0.04, "logo_churn_rate") == pytest.approx(0.036)
    assert target_value(parse_amount("-0.5pt"), 0.04, "logo_churn_rate") == pytest.approx(0.035)
    assert target_value(parse_amount("0.03"), 0.04, "logo_churn_rate") == pytest.approx(0.03)
    assert target_value(parse_amount("+20%"), 1000, "mrr") == pytest.approx(1200)
    assert target_value(parse_amount("+5pt"), 40, "nps") == pytest.approx(45)  # points are units off rates
    assert target_value(parse_amount("10%"), 0.04, "logo_churn_rate") == pytest.approx(0.036)  # read as relative
    # resolution rate 98 %: +5 % relative (102.9 %) and +5 points (103 %) are impossible; the level 5 % is left
    assert target_value(parse_amount("5%"), 0.98, "resolution_rate") == pytest.approx(0.05)


# --- S: Specific ---------------------------------------------------------------------
def test_specific_passes_a_registry_kpi_a_known_team_and_a_signed_amount(linear):
    result = check(linear, target="+10%", deadline="2025-10")
    assert status(result, "specific") == "pass" and "¥363" in reason(result, "specific")  # 330 x 1.1
    assert status(check(linear, team="all", target="+10%", deadline="2025-10"), "specific") == "pass"


def test_specific_warns_on_the_sources_unsigned_10_percent_and_shows_every_reading(linear):
    result = check(linear, kpi="logo_churn_rate", target="10%", deadline="2025-10", baseline=0.04)
    assert status(result, "specific") == "warn"
    text = reason(result, "specific")
    assert "a level: 10.0%" in text and "a relative change: 3.6%" in text
    assert "a change in points: -6.0% (impossible)" in text
    assert "-10%" in text and "-10pt" in text  # how to write each reading, signed the improving way
    ja = check(linear, lang="ja", kpi="logo_churn_rate", target="10%", deadline="2025-10", baseline=0.04)
    assert "あいまい" in reason(ja, "specific") and "ありえない値" in reason(ja, "specific")


def test_specific_warns_on_an_unsigned_change_and_on_a_relative_change_of_zero(linear):
    unsigned = check(linear, target="10%", deadline="2025-10")  # money: up or down?
    assert status(unsigned, "specific") == "warn" and "+ or -" in reason(unsigned, "specific")
    zero = check(linear, kpi="logo_churn_rate", target="-10%", deadline="2025-10")  # churn is 0 every month
    assert status(zero, "specific") == "warn" and "baseline is 0" in reason(zero, "specific")


def test_specific_fails_an_unknown_kpi_or_team(linear):
    assert status(check(linear, kpi="call_volume", target="+10%", deadline="2025-10"), "specific") == "fail"
    nobody = check(linear, team="nobody", target="+10%", deadline="2025-10")
    assert status(nobody, "specific") == "fail" and "nobody" in reason(nobody, "specific")


# --- M: Measurable -----------------------------------------------------------------
def test_measurable_pass_warn_fail(linear, make_dataset):
    passed = check(linear, target="400", deadline="2025-10")
    assert status(passed, "measurable") == "pass" and "¥330" in reason(passed, "measurable")
    no_table = check(linear, kpi="win_rate", target="+2pt", deadline="2025-10")  # no opportunities table
    assert status(no_table, "measurable") == "fail" and "opportunities" in reason(no_table, "measurable")
    no_baseline = check(linear, team="sup", target="+10%", deadline="2025-10")  # support owns no accounts
    assert status(no_baseline, "measurable") == "fail" and pd.isna(no_baseline["baseline"])
    thin = one_account(make_dataset, [None] * 22 + [100, 100])  # 2 of the last 6 months have a value
    assert status(check(thin, target="150", deadline="2025-06"), "measurable") == "warn"
    assert status(check(linear, kpi="call_volume", target="+10%", deadline="2025-10"), "measurable") == "fail"


# --- A: Achievable -------------------------------------------------------------------
def test_history_of_a_rising_and_of_a_falling_series():
    months = pd.period_range("2023-01", periods=24, freq="M")
    rising = pd.Series([100.0 + 10 * i for i in range(24)], index=months)
    seen = achievability(rising, "mrr")
    assert (seen["months"], seen["best_12m_per_month"], seen["p75_monthly"], seen["span"]) == (24, 10, 10, 230)
    churn = pd.Series([0.05 - 0.001 * i for i in range(24)], index=months)  # lower is better: a fall improves
    assert achievability(churn, "logo_churn_rate")["best_12m_per_month"] == pytest.approx(0.001)
    assert achievability(rising, "churned_mrr")["best_12m_per_month"] == 0  # rising churn never improved


@pytest.mark.parametrize("goal,expected", [
    ("430", "pass"),   # baseline 330 in 2024-12, 10 months to 2025-10: needs 10 a month, the team gained 10
    ("480", "warn"),   # needs 15 a month: within twice what was seen
    ("540", "fail"),   # needs 21 a month: beyond twice
    ("300", "pass"),   # already met: a hold target
])
def test_achievable_against_the_best_twelve_months(linear, goal, expected):
    result = check(linear, target=goal, deadline="2025-10")
    assert status(result, "achievable") == expected
    if goal == "480":  # the numbers used are shown
        text = reason(result, "achievable")
        assert "Needs ¥15 a month" in text and "(¥10 a month)" in text and "24 months of history" in text


@pytest.mark.parametrize("goal,deadline,expected", [
    ("40", "2025-10", "pass"),  # churned MRR 90 in 2024-12, fell 5 a month; needs 5 a month
    ("0", "2025-10", "warn"),   # needs 9 a month: a stretch
    ("0", "2025-03", "fail"),   # needs 30 a month
    ("120", "2025-10", "pass"),  # higher than now: already met for a lower-is-better KPI
])
def test_achievable_is_direction_aware_for_a_lower_is_better_kpi(falling_churn, goal, deadline, expected):
    result = check(falling_churn, kpi="churned_mrr", target=goal, deadline=deadline)
    assert result["baseline"] == pytest.approx(90)
    assert status(result, "achievable") == expected


def test_achievable_for_a_kpi_that_never_improved_uses_the_range_it_moved(shrinking):
    # MRR fell from 330 to 100; it moved 230 in all. +100 is a stretch, +300 beyond anything seen
    assert status(check(shrinking, target="200", deadline="2025-10"), "achievable") == "warn"
    assert status(check(shrinking, target="400", deadline="2025-10"), "achievable") == "fail"


def test_achievable_fails_an_impossible_value_and_warns_when_it_cannot_judge(linear, make_dataset):
    impossible = check(linear, kpi="logo_churn_rate", target="1.5", deadline="2025-10", baseline=0.02)
    assert status(impossible, "achievable") == "fail" and "150.0%" in reason(impossible, "achievable")
    short = make_dataset({"teams": TEAMS, "accounts": [{"account_id": "A", "account_name": "A", "team": "cs1"}],
                          "mrr": mrr_rows({"A": {"2024-10": 100, "2024-11": 110, "2024-12": 120}})})
    assert status(check(short, target="200", deadline="2025-12"), "achievable") == "warn"  # 3 months of history
    no_deadline = check(linear, target="400")
    assert status(no_deadline, "achievable") == "warn" and "(see T)" in reason(no_deadline, "achievable")
    assert status(check(linear, team="sup", target="+10%", deadline="2025-10"), "achievable") == "warn"  # see M


# --- R: Related ----------------------------------------------------------------------
def test_related_pass_warn_fail(linear):
    on_path = check(linear, kpi="logo_churn_rate", target="-10%", deadline="2025-10", parent="grr_12m")
    assert status(on_path, "related") == "pass"
    assert reason(on_path, "related").endswith(
        "Logo churn rate → Gross revenue retention (GRR, 12 months) → Net revenue retention (NRR, 12 months) → "
        "Monthly recurring revenue (MRR)")  # the path is shown
    two_up = check(linear, kpi="logo_churn_rate", target="-10%", deadline="2025-10", parent="mrr")
    assert status(two_up, "related") == "pass"  # any goal on the way up counts
    assert status(check(linear, kpi="logo_churn_rate", target="-10%", deadline="2025-10"), "related") == "warn"
    off = check(linear, kpi="logo_churn_rate", target="-10%", deadline="2025-10", parent="new_mrr")
    assert status(off, "related") == "fail" and "new_mrr" in reason(off, "related")
    kgi = check(linear, target="400", deadline="2025-10")
    assert status(kgi, "related") == "pass" and "is itself a KGI" in reason(kgi, "related")
    assert status(check(linear, kpi="call_volume", target="+1%", deadline="2025-10"), "related") == "fail"


# --- T: Time-bound -------------------------------------------------------------------
@pytest.mark.parametrize("deadline,start,expected", [
    ("2025-06", None, "pass"),
    ("2026-12", None, "pass"),     # exactly 24 months
    ("2025-01", None, "warn"),     # one month: too short to see a trend
    (None, None, "fail"),
    ("2024-12", None, "fail"),     # not after as_of
    ("2027-01", None, "fail"),     # 25 months
    ("2024-10", "2024-06", "fail"),  # after the start but already past
    ("2025-08", "2023-06", "fail"),  # 26 months after its start
    ("2025-06", "2024-06", "pass"),
])
def test_time_bound(linear, deadline, start, expected):
    assert status(check(linear, target="400", deadline=deadline, start=start), "time_bound") == expected


# --- progress ------------------------------------------------------------------------
def test_paths_are_linear_for_money_and_compounding_for_rates():
    start, end = pd.Period("2024-01", "M"), pd.Period("2024-05", "M")
    assert list(target_path("mrr", 100.0, 200.0, start, end)) == pytest.approx([100, 125, 150, 175, 200])
    assert list(target_path("customers", 10.0, 6.0, start, end)) == pytest.approx([10, 9, 8, 7, 6])
    churn = target_path("logo_churn_rate", 0.04, 0.02, start, end)  # x 0.5^(1/4) = 0.8409 each month
    assert list(churn) == pytest.approx([0.04, 0.033636, 0.028284, 0.023784, 0.02], abs=1e-6)
    to_zero = target_path("logo_churn_rate", 0.04, 0.0, start, end)  # compounding cannot reach 0: straight
    assert list(to_zero) == pytest.approx([0.04, 0.03, 0.02, 0.01, 0.0])


def test_progress_on_track_and_behind_for_a_higher_is_better_kpi(linear):
    # set in 2024-06 (baseline 270), due 2025-06: +5 a month expects 300 in 2024-12; actual 330
    ahead = check(linear, target="330", start="2024-06", deadline="2025-06")
    assert progress(ahead) == {"expected": pytest.approx(300), "actual": pytest.approx(330), "status": "on_track"}
    behind = check(linear, target="510", start="2024-06", deadline="2025-06")  # +20 a month expects 390
    assert progress(behind) == {"expected": pytest.approx(390), "actual": pytest.approx(330), "status": "behind"}
    assert check(linear, target="400", deadline="2025-06")["progress"] == "not_started"
    assert progress(check(linear, target="400")) == {"expected": None, "actual": None, "status": "unknown"}


def test_progress_is_direction_aware_for_a_lower_is_better_kpi(falling_churn):
    # churned MRR 120 in 2024-06; to 60 by 2025-06 expects 90 in 2024-12, actual 90: on track (lower is better)
    on_track = check(falling_churn, kpi="churned_mrr", target="60", start="2024-06", deadline="2025-06")
    assert progress(on_track) == {"expected": pytest.approx(90), "actual": pytest.approx(90), "status": "on_track"}
    behind = check(falling_churn, kpi="churned_mrr", target="0", start="2024-06", deadline="2025-06")
    assert progress(behind) == {"expected": pytest.approx(60), "actual": pytest.approx(90), "status": "behind"}


def test_the_result_is_one_tidy_row_per_target_and_its_records_have_the_json_shape(linear):
    targets = [Target(id=i, team="cs1", kpi="mrr", target=parse_amount("+10%"), deadline="2025-06", parent="mrr")
               for i in ("a", "b")]
    results = evaluate_targets(linear, targets, lang="en")
    assert list(results.columns) == RESULT_COLUMNS and list(results["id"]) == ["a", "b"]
    assert list(results["specific"].cat.categories) == ["pass", "warn", "fail"]  # ordered: pass < warn < fail
    assert results.attrs["as_of"] == "2024-12" and results.attrs["lang"] == "en"
    long = letter_verdicts(results)
    assert len(long) == 2 * len(LETTERS) and list(long.columns) == ["id", "team", "kpi", "letter", "status", "reason"]
    result = to_records(results)[0]
    json.dumps(result)
    assert set(result) == {"id", "team", "kpi", "baseline", "target", "deadline", "checks", "progress"}
    assert set(result["checks"]) == {"specific", "measurable", "achievable", "related", "time_bound"}
    assert all(set(c) == {"status", "reason"} for c in result["checks"].values())
    assert set(result["progress"]) == {"expected", "actual", "status"}
    assert (result["baseline"], result["target"]) == (pytest.approx(330), pytest.approx(363))


# --- files -----------------------------------------------------------------------------
def test_yaml_and_csv_targets_are_read(tmp_path):
    (tmp_path / "t.yml").write_text("- id: A\n  team: cs1\n  kpi: mrr\n  target: +10%\n  deadline: 2025-06\n"
                                    "- id: B\n  team: cs1\n  kpi: logo_churn_rate\n  target: 0.03\n  baseline: 0.04\n",
                                    encoding="utf-8")
    (tmp_path / "t.csv").write_text("id,team,kpi,target,deadline,comment\nA,cs1,mrr,+10%,2025-06,kept aside\n",
                                    encoding="utf-8")  # a column unlike any field is ignored
    for name in ("t.yml", "t.csv"):
        target = read_targets(tmp_path / name)[0]
        assert (target.id, target.kpi, target.target.kind, target.deadline) == ("A", "mrr", "relative", "2025-06")
    second = read_targets(tmp_path / "t.yml")[1]
    assert (second.target.kind, second.target.value, second.baseline, second.line) == ("absolute", 0.03, 0.04, 6)
    (tmp_path / "sjis.csv").write_bytes("id,team,kpi,target,deadline,note\nA,cs1,mrr,+10%,2025-06,解約を減らす\n".encode("cp932"))
    assert read_targets(tmp_path / "sjis.csv")[0].note == "解約を減らす"  # Shift_JIS as Excel writes it
    (tmp_path / "empty.yml").write_text("", encoding="utf-8")
    assert read_targets(tmp_path / "empty.yml") == []


@pytest.mark.parametrize("text,line,field_name,code", [
    ("- id: A\n  team: cs1\n  kpi: mrr\n  deadline: 2025-06\n", 1, "target", "targets.field_missing"),
    ("- id: A\n  team: cs1\n  kpi: mrr\n  target: +10%\n- id: B\n  team: cs1\n  kpi: mrr\n  target: lots\n", 8, "target",
     "targets.bad_amount"),
    ("- id: A\n  team: cs1\n  kpi: mrr\n  target: +10%\n  deadline: next year\n", 5, "deadline", "targets.bad_month"),
    ("- id: A\n  team: cs1\n  kpi: mrr\n  target: +10%\n  deadline: 2025-06-30\n", 5, "deadline", "targets.bad_month"),
    ("- id: A\n  team: cs1\n  kpi: mrr\n  target: +10%\n  baseline: high\n", 5, "baseline", "targets.bad_number"),
    ("- id: A\n  team: cs1\n  kpi: mrr\n  target: +1%\n- id: A\n  team: cs1\n  kpi: mrr\n  target: +1%\n", 5, "id",
     "targets.duplicate_id"),
    ("- id: A\n  team: [cs1\n", 3, None, "targets.file_unreadable"),
    ("id: A\n", 1, None, "targets.not_a_list"),
    ("- just text\n", 1, None, "targets.entry_not_mapping"),
    ("- id: A\n  team: cs1\n  kpi: mrr\n  target: +1%\n  dedline: 2025-06\n  owner: Sato\n", 5, "dedline",
     "targets.unknown_field"),
])
def test_unreadable_yaml_names_the_line_and_field(tmp_path, text, line, field_name, code):
    path = tmp_path / "targets.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataValidationError) as caught:
        read_targets(path)
    problem = caught.value.errors[0]
    assert (problem.file, problem.code, problem.column, problem.rows) == ("targets.yml", code, field_name, (line,))


def test_unreadable_csv_names_the_spreadsheet_row_and_column(tmp_path):
    path = tmp_path / "targets.csv"
    path.write_text("id,team,kpi,target,deadline\nA,cs1,mrr,+10%,2025-06\nB,cs1,mrr,soon,2025/06\nC,cs1,,+1%,\n",
                    encoding="utf-8")
    with pytest.raises(DataValidationError) as caught:
        read_targets(path)
    found = {(p.code, p.rows, p.column) for p in caught.value.errors}
    assert found == {("targets.bad_amount", (3,), "target"), ("targets.bad_month", (3,), "deadline"),
                     ("targets.field_missing", (4,), "kpi")}
    assert "targets.csv row 3, column target" in caught.value.render("en")


def test_cli_exits_0_on_failing_targets_and_2_on_an_unreadable_file(linear, tmp_path):
    runner = CliRunner()
    good = tmp_path / "good.yml"
    good.write_text("- id: A\n  team: cs1\n  kpi: mrr\n  target: +900%\n  deadline: 2025-02\n", encoding="utf-8")
    result = runner.invoke(app, ["targets", "--data", linear.path, "--targets", str(good), "--format", "json", "--lang", "en"])
    assert result.exit_code == 0
    (entry,) = json.loads(result.output)
    assert set(entry) == {"id", "team", "kpi", "baseline", "target", "deadline", "checks", "progress"}
    assert entry["checks"]["achievable"]["status"] == "fail"
    table = runner.invoke(app, ["targets", "--data", linear.path, "--targets", str(good), "--lang", "ja"])
    assert table.exit_code == 0 and "SMART チェック（評価月 2024-12）" in table.output and "不合格" in table.output
    bad = tmp_path / "bad.yml"
    bad.write_text("- id: A\n  team: cs1\n  kpi: mrr\n  target: soon\n", encoding="utf-8")
    result = runner.invoke(app, ["targets", "--data", linear.path, "--targets", str(bad), "--lang", "en"])
    assert result.exit_code == 2 and "bad.yml row 4, column target" in result.output
    missing = runner.invoke(app, ["targets", "--data", linear.path, "--lang", "en"])  # no targets.yml in the dataset
    assert missing.exit_code == 2
    for month in ("2024/06", "2030-01"):
        bad_month = runner.invoke(app, ["targets", "--data", linear.path, "--targets", str(good), "--as-of", month])
        assert bad_month.exit_code == 2 and "--as-of" in bad_month.output
    earlier = runner.invoke(app, ["targets", "--data", linear.path, "--targets", str(good), "--as-of", "2024-06",
                                  "--format", "json"])
    assert json.loads(earlier.output)[0]["baseline"] == 270  # the value in 2024-06


# --- the sample targets, the exercise and the builder -------------------------------------------
def test_the_sample_targets_include_good_and_flawed_ones(sample_dataset):
    results = evaluate_targets(sample_dataset, read_targets(SAMPLE_TARGETS), lang="en")
    statuses = results.set_index("id")[list(LETTERS)].astype(str).to_dict("index")
    for good in ("T01", "T03", "T08", "T10", "T11"):
        assert set(statuses[good].values()) == {"pass"}, good
    assert statuses["T02"]["specific"] == "warn"  # the sources' "cut the churn rate by 10 %"
    assert statuses["T04"]["time_bound"] == "fail"  # no deadline
    assert statuses["T05"]["achievable"] == "fail"  # an impossible jump
    assert statuses["T06"]["specific"] == "fail"  # not a registry KPI
    assert statuses["T07"]["related"] == "fail"  # parent off the path
    assert statuses["T09"]["time_bound"] == "fail"  # too far away
    teams = set(results["team"])
    assert {"cs_enterprise", "cs_smb", "is_tokyo", "fs_tokyo", "fs_osaka", "support", "marketing", "all"} <= teams


def test_check_rewrite_gives_feedback_not_answers(sample_dataset):
    entry = {"id": "T02", "team": "cs_smb", "kpi": "logo_churn_rate", "target": "10%", "deadline": "2027-06",
             "parent": "grr_12m"}
    still = check_rewrite(entry, sample_dataset, "en")
    assert still.startswith("Letters still not passing: S (Specific).") and "A (Achievable)" not in still
    assert check_rewrite({**entry, "target": "-10%"}, sample_dataset, "en") == "Every letter passes. Well written."
    assert "R（関連性" in check_rewrite({**entry, "target": "-10%", "parent": "new_mrr"}, sample_dataset, "ja")
    no_target = {k: v for k, v in entry.items() if k != "target"}
    assert check_rewrite(no_target, sample_dataset, "en") == "Required field target is missing."
    assert check_rewrite({**entry, "deadline": "June"}, sample_dataset, "en") == "'June' is not a YYYY-MM month."


def test_the_builder_shows_a_static_example_table_without_a_front_end(sample_dataset):
    from cskit.widgets.targets import running_live, target_builder

    assert running_live() is False  # plain Python, as under papermill
    table = target_builder(sample_dataset, "cs_smb", "en", interactive=False).data  # a Styler: reasons wrap, never cut
    assert list(table.columns[-5:]) == ["S (Specific)", "M (Measurable)", "A (Achievable)",
                                        "R (Related: feeds the upper goal)", "T (Time-bound)"]
    assert table.iloc[0, -5:].str.startswith("pass").all()  # the first example is well written
    assert table.iloc[1]["S (Specific)"].startswith("warn")  # the second is the ambiguous 10 %
    for team in ("fs_tokyo", "is_tokyo", "support", "marketing", "all"):
        assert len(target_builder(sample_dataset, team, "ja", interactive=False).data) == 3


def test_the_plots_draw(sample_dataset):
    import matplotlib

    matplotlib.use("Agg")
    from cskit.plots.targets import kpi_tree, plot_target_paths, tree_layout
    from cskit.targets import target_actuals

    rows = tree_layout(["logo_churn_rate"])
    assert rows == [("mrr", 0), ("nrr_12m", 1), ("grr_12m", 2), ("logo_churn_rate", 3)]
    assert kpi_tree(lang="ja", highlight={"logo_churn_rate"}, dataset=sample_dataset) is not None
    results = evaluate_targets(sample_dataset, read_targets(SAMPLE_TARGETS), lang="en")
    kpis = target_actuals(sample_dataset, results)
    figure = plot_target_paths(results[results["team"] == "cs_enterprise"], kpis, lang="en")
    assert len([ax for ax in figure.axes if ax.get_visible()]) == 1
    assert plot_target_paths(results[results["id"] == "T04"], kpis, lang="en") is None


def test_tables_and_charts_name_each_team_and_keep_an_unknown_id(sample_dataset):
    import matplotlib

    matplotlib.use("Agg")
    from cskit.plots.targets import kpi_tree, plot_target_paths
    from cskit.i18n import t
    from cskit.targets import results_table, target_actuals, team_label

    flawed = Target(id="X1", team="cs_tokio", kpi="mrr", target=parse_amount("+10%"), deadline="2027-06")
    results = evaluate_targets(sample_dataset, [*read_targets(SAMPLE_TARGETS), flawed], lang="ja")
    for lang in ("ja", "en"):
        teams = results_table(results, lang)[t("targets.col.team", lang)].tolist()
        expected = [sample_dataset.team_name(team, lang) if team != "cs_tokio" else "cs_tokio" for team in results["team"]]
        assert teams == expected
    assert team_label(results, "cs_enterprise", "en") == "Enterprise CS"  # teams.csv name_en
    assert team_label(results, "all", "ja") == "全社" and team_label(results, "cs_tokio", "ja") == "cs_tokio"
    figure = plot_target_paths(results[results["team"] == "cs_enterprise"], target_actuals(sample_dataset, results), lang="en")
    title = next(ax for ax in figure.axes if ax.get_visible()).get_title()
    assert " · Enterprise CS · " in title and "cs_enterprise" not in title
    texts = [text.get_text() for text in kpi_tree(lang="en", dataset=sample_dataset).texts]
    assert any("Field Sales Tokyo" in text for text in texts) and not any("fs_tokyo" in text for text in texts)
