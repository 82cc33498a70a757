"""Health scores: health.yml profiles, bands, contributions, band drops, and the backtest against churn."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from scipy.stats import mannwhitneyu
from typer.testing import CliRunner

from cskit.cli import app
from cskit.health import HealthFileError, backtest, health_view, parse_health, read_health, score_accounts
from cskit.health.backtest import auc_with_ci, outcomes
from cskit.health.profiles import HealthProfiles

TEAMS = [{"team": "cs1", "role": "cs", "name_ja": "CS1", "name_en": "CS one"},
         {"team": "cs2", "role": "cs", "name_ja": "CS2", "name_en": "CS two"}]
MONTHS = [f"2024-0{m}" for m in range(1, 7)]
#: account, team, touch model, months paying, usage share per month (active users of 10 seats)
ACCOUNTS = [
    ("A", "cs1", "high", MONTHS, [9] * 6),
    ("B", "cs1", "low", MONTHS[:3], [2] * 3),           # red, churns in 2024-04
    ("C", "cs2", "tech", MONTHS, [5] * 6),
    ("D", "cs1", "low", MONTHS, [8] * 5 + [3]),          # green to red in 2024-06
]
USAGE_ONLY = "profiles:\n  default:\n    weights: {usage: 1}\n"
PROFILES = """\
profiles:
  high_touch:
    when: {touch_model: [high]}
    weights: {usage: 1, mrr_trend: 1}
    bands: {red: [0, 50], yellow: [50, 80], green: [80, 100]}
  default:
    weights: {usage: 1}
"""


@pytest.fixture
def small(make_dataset):
    tables = {
        "teams": TEAMS,
        "accounts": [{"account_id": a, "account_name": f"Name {a}", "team": team, "touch_model": touch}
                     for a, team, touch, _, _ in ACCOUNTS],
        "mrr": [{"account_id": a, "month": m, "mrr": 100} for a, _, _, months, _ in ACCOUNTS for m in months],
        "usage": [{"account_id": a, "month": m, "active_users": u, "licensed_seats": 10}
                  for a, _, _, months, used in ACCOUNTS for m, u in zip(months, used)],
    }
    return make_dataset(tables)


def profiles(text: str) -> HealthProfiles:
    parsed, problems = parse_health(text)
    assert problems == []
    return parsed


# --------------------------------------------------------------------------- health.yml
BAD_FILES = [
    ("profiles:\n  default:\n    weights: {usage: 1, nps: 2}\n", 3, "profiles.default.weights.nps",
     "health.unknown_signal", "usage, survey, tickets, mrr_trend"),
    ("profiles:\n  default:\n    weights: {usage: 0, survey: 0}\n", 3, "profiles.default.weights",
     "health.weights_sum", "positive"),
    ("profiles:\n  default:\n    weights: {usage: -1, survey: 2}\n", 3, "profiles.default.weights.usage",
     "health.negative_weight", "negative"),
    ("profiles:\n  default:\n    bands: {red: [0, 50], yellow: [40, 70], green: [70, 100]}\n", 3,
     "profiles.default.bands.yellow", "health.band_overlap", "overlap"),
    ("profiles:\n  default:\n    bands: {red: [0, 40], yellow: [50, 70], green: [70, 100]}\n", 3,
     "profiles.default.bands.yellow", "health.band_gap", "gap"),
    ("profiles:\n  default:\n    bands: {red: [0, 40], yellow: [70, 40], green: [70, 100]}\n", 3,
     "profiles.default.bands.yellow", "health.band_unordered", "not ordered"),
    ("profiles:\n  default:\n    bands: {red: [0, 40], yellow: [40, 70]}\n", 3,
     "profiles.default.bands", "health.band_missing", "green"),
    ("profiles:\n  hi:\n    when: {touch: [high]}\n", 3, "profiles.hi.when.touch", "health.unknown_column_hint",
     "touch_model"),
    ("profiles:\n  hi:\n    when: {colour: [high]}\n", 3, "profiles.hi.when.colour", "health.unknown_column",
     "account_id"),
    ("profiles:\n  hi:\n    colour: 1\n", 3, "profiles.hi.colour", "config.unknown_key", "when, weights, bands"),
    ("profiles:\n  hi:\n    weigths: {usage: 1}\n", 3, "profiles.hi.weigths", "config.unknown_key_hint", "weights"),
    ("profiles:\n  default:\n    when: {touch_model: [high]}\n", 3, "profiles.default.when", "health.default_when",
     "default"),
    ("profiles:\n  default:\n    weights: {usage: lots}\n", 3, "profiles.default.weights.usage", "health.not_number",
     "lots"),
]


@pytest.mark.parametrize("text, line, key, code, said", BAD_FILES)
def test_each_problem_of_health_yml_names_its_line_and_key(text, line, key, code, said):
    _, problems = parse_health(text)
    assert [(p.code, p.line, p.key) for p in problems] == [(code, line, key)]
    assert said in problems[0].render("en") and problems[0].render("en").startswith(f"health.yml line {line}, key {key}")
    assert "health.yml" in problems[0].render("ja") and f"{line} 行目" in problems[0].render("ja")


@pytest.mark.parametrize("text, line, key, code, said", BAD_FILES[:4])
def test_a_bad_health_yml_exits_2_with_its_line(tmp_path, text, line, key, code, said):
    path = tmp_path / "health.yml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(app, ["health", "--data", "data/sample", "--health", str(path), "--lang", "en"])
    assert result.exit_code == 2 and f"line {line}, key {key}" in result.output and "Traceback" not in result.output
    with pytest.raises(HealthFileError):
        read_health(path)


def test_the_shipped_example_and_an_empty_file_are_valid():
    example = read_health("data/examples/health.yml")
    assert example.names == ["high_touch", "tech_touch", "default"]
    assert example.profiles[0].when == {"touch_model": ("high",)}
    assert parse_health("")[0].names == ["default"]


# --------------------------------------------------------------------------- profiles, bands, contributions
def test_the_first_matching_profile_wins_and_default_takes_the_rest(small):
    scores = score_accounts(small, profiles(PROFILES))
    assert [scores.profiles.names[p] for p in scores.profile] == ["high_touch", "default", "default", "default"]
    # A (high touch) in 2024-06: usage 0.9 and MRR trend 0.5 (flat), equal weights -> 70, yellow in 50-80
    assert scores.score[0, 5] == pytest.approx(70.0) and scores.band[0, 5] == 1
    # the same account under the default profile: usage only -> 90, green from 70
    default = score_accounts(small, profiles(USAGE_ONLY))
    assert default.score[0, 5] == pytest.approx(90.0) and default.band[0, 5] == 2


def test_bands_follow_the_thresholds_of_the_file(small):
    banded = profiles("profiles:\n  default:\n    weights: {usage: 1}\n"
                      "    bands: {red: [0, 50], yellow: [50, 80], green: [80, 100]}\n")
    scores = score_accounts(small, banded)
    # usage 90, 20, 50, 80 in 2024-01: green, red, yellow (50 is yellow's lower edge), green (80 is green's)
    assert scores.band[:, 0].tolist() == [2, 0, 1, 2]
    assert scores.band[1, 3] == -1 and np.isnan(scores.score[1, 3])  # B no longer pays


def test_contributions_sum_to_the_score_and_the_view_lists_the_band_drop(small):
    view = health_view(small, team="cs1", month="2024-06", health=profiles(PROFILES)).set_index("account_id")
    assert list(view.index) == ["D", "A"]  # B has churned, C is another team's; lowest score first
    assert view.loc["A", "contribution_usage"] == pytest.approx(45.0)
    assert view.loc["A", "contribution_mrr_trend"] == pytest.approx(25.0)
    contributions = view.filter(like="contribution_").sum(axis=1)
    np.testing.assert_allclose(contributions, view["score"])
    assert view.loc["D", ["score", "previous_score", "change"]].tolist() == pytest.approx([30.0, 80.0, -50.0])
    assert (view.loc["D", "band"], view.loc["D", "previous_band"], view.loc["D", "dropped"]) == ("red", "green", True)
    assert view["dropped"].sum() == 1


def test_the_default_profile_is_todays_score_on_the_sample(sample_dataset):
    from cskit.kpi.engine import account_health

    today = account_health(sample_dataset, team="cs_smb").set_index("account_id")["health_score"]
    view = health_view(sample_dataset, team="cs_smb", health=HealthProfiles()).set_index("account_id")
    np.testing.assert_allclose(view.loc[today.index, "score"], today)
    np.testing.assert_allclose(view.filter(like="contribution_").sum(axis=1), view["score"])


# --------------------------------------------------------------------------- backtest
def test_outcomes_leave_out_months_whose_horizon_lies_after_the_data():
    mrr = np.array([[100.0, 100, 100, 100, 100, 0],     # churns in the last month
                    [100.0, 100, 65, 65, 65, 65]])      # shrinks by 35 % in the third month
    got = outcomes(mrr, 2, 0.3)
    np.testing.assert_array_equal(got[0], [0, 0, 0, 1, np.nan, np.nan])  # month 5 is left out, not retained
    np.testing.assert_array_equal(got[1], [1, 1, 0, 0, np.nan, np.nan])
    assert outcomes(mrr, 2, 1.0)[1, 0] == 0  # contraction 1: churn only


def test_backtest_per_band_rates_and_lift_by_hand(small):
    result = backtest(small, horizon=1, health=profiles(USAGE_ONLY))
    # 2024-01..05 judged (2024-06's next month is after the data): A 5, B 3, C 5, D 5 rows; B churns after 2024-03
    summary, bands = result.summary, result.bands.set_index("band")
    assert (summary["rows"], summary["events"], summary["left_out"]) == (18, 1, 3)
    assert summary["base_rate"] == pytest.approx(1 / 18)
    assert bands["rows"].tolist() == [3, 5, 10] and bands["events"].tolist() == [1, 0, 0]
    assert bands.loc["red", "rate"] == pytest.approx(1 / 3) and bands.loc["red", "lift"] == pytest.approx(6.0)
    assert summary["red_precision"] == pytest.approx(1 / 3) and summary["red_recall"] == pytest.approx(1.0)
    # the churned row (20) is below 15 retained rows and ties B's own two earlier months: (15 + 2 x 0.5) / 17
    assert summary["auc"] == pytest.approx(16 / 17)


def test_the_backtest_auc_is_mann_whitney_on_the_same_rows(sample_dataset):
    result = backtest(sample_dataset, team="cs_smb", horizon=3)
    rows = result.rows
    churned, retained = rows.loc[rows["event"], "score"], rows.loc[~rows["event"], "score"]
    u = mannwhitneyu(retained, churned).statistic
    assert result.summary["auc"] == pytest.approx(u / (len(churned) * len(retained)), abs=1e-12)
    assert result.summary["auc_lower"] < result.summary["auc"] < result.summary["auc_upper"]
    usage = rows.dropna(subset=["usage"])
    u = mannwhitneyu(usage.loc[~usage["event"], "usage"], usage.loc[usage["event"], "usage"]).statistic
    signal = result.signals.set_index("signal").loc["usage"]
    assert signal["auc"] == pytest.approx(u / (usage["event"].sum() * (~usage["event"]).sum()), abs=1e-12)
    # no month within 3 months of the data's end is judged
    assert rows["month"].max() == sample_dataset.months[-4]


def test_the_delong_interval_matches_a_pairwise_computation():
    rng = np.random.default_rng(7)
    score = rng.integers(0, 10, 60).astype(float)  # many ties
    event = rng.random(60) < 0.3
    pos, neg = score[event], score[~event]
    psi = (pos[:, None] < neg[None, :]) + 0.5 * (pos[:, None] == neg[None, :])  # churned row below retained row
    v10, v01 = psi.mean(axis=1), psi.mean(axis=0)
    se = np.sqrt(v10.var(ddof=1) / len(pos) + v01.var(ddof=1) / len(neg))
    auc, lower, upper = auc_with_ci(score, event)
    assert auc == pytest.approx(psi.mean())
    assert (lower, upper) == pytest.approx((auc - 1.959963984540054 * se, auc + 1.959963984540054 * se))


def test_a_horizon_of_zero_or_less_is_refused():
    from cskit.errors import OptionError

    with pytest.raises(OptionError):
        backtest(None, horizon=0)
    for horizon in ("0", "-2"):
        result = CliRunner().invoke(app, ["health", "--data", "data/sample", "--backtest", "--horizon", horizon,
                                          "--lang", "en"])
        assert result.exit_code == 2 and "--horizon" in result.output


# --------------------------------------------------------------------------- CLI shapes
def test_cli_view_csv_and_backtest_json_shapes(tmp_path):
    runner = CliRunner()
    out = runner.invoke(app, ["health", "--data", "data/sample", "--team", "cs_smb", "--month", "2026-06",
                              "--format", "csv"])
    assert out.exit_code == 0
    header = out.stdout.splitlines()[0].split(",")
    assert header[:10] == ["account_id", "account_name", "team", "profile", "score", "band", "previous_score",
                           "change", "previous_band", "dropped"]
    assert header[10:] == ["contribution_usage", "contribution_survey", "contribution_tickets",
                           "contribution_mrr_trend"]
    out = runner.invoke(app, ["health", "--data", "data/sample", "--backtest", "--format", "json"])
    shape = json.loads(out.stdout)
    assert out.exit_code == 0 and set(shape) == {"summary", "bands", "signals"}
    assert [b["band"] for b in shape["bands"]] == ["red", "yellow", "green"]
    assert {"auc", "auc_lower", "auc_upper", "red_lift", "red_precision", "red_recall", "base_rate"} <= set(shape["summary"])
    table = runner.invoke(app, ["health", "--data", "data/sample", "--backtest", "--lang", "en"])
    assert table.exit_code == 0 and "times as often as the average" in table.stdout
    bad = runner.invoke(app, ["health", "--data", "data/sample", "--month", "1999-01", "--lang", "en"])
    assert bad.exit_code == 2 and "--month" in bad.output
