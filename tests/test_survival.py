"""Survival with late entry, the log-rank tests and RMST, checked against lifelines and by hand.

lifelines (a test dependency only) is the independent reference: Kaplan-Meier with
``entry=``, ``multivariate_logrank_test``, ``pairwise_logrank_test`` and
``restricted_mean_survival_time``, on its own Waltons data set and on the sample.
lifelines' log-rank tests have no delayed entry, so with entry the statistic is checked
against a direct count of the risk sets written out here.
"""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from cskit import cohorts
from cskit.cohorts import KaplanMeier, logrank_test, pairwise_logrank, restricted_mean

lifelines = pytest.importorskip("lifelines")
from lifelines import KaplanMeierFitter  # noqa: E402
from lifelines.datasets import load_waltons  # noqa: E402
from lifelines.statistics import multivariate_logrank_test, pairwise_logrank_test  # noqa: E402
from lifelines.utils import restricted_mean_survival_time  # noqa: E402


@pytest.fixture(scope="module")
def waltons():
    """Waltons (163 flies, two groups) with a third group and random delayed entries."""
    frame = load_waltons()
    rng = np.random.default_rng(16)
    frame["group3"] = np.where(rng.random(len(frame)) < 0.4, "third", frame["group"])
    frame["entry"] = np.floor(frame["T"] * rng.random(len(frame)) * 0.6)
    return frame


@pytest.fixture(scope="module")
def sample_life(sample_dataset):
    return cohorts.lifetimes(sample_dataset, split="touch_model")


def test_kaplan_meier_with_entry_matches_lifelines_on_waltons(waltons):
    reference = KaplanMeierFitter().fit(waltons["T"], waltons["E"], entry=waltons["entry"])
    ours = KaplanMeier().fit(waltons["T"], waltons["E"], entry=waltons["entry"], timeline=reference.timeline)
    assert ours.survival_function_.to_numpy() == pytest.approx(reference.survival_function_.to_numpy(), abs=1e-6)
    assert ours.confidence_interval_.to_numpy() == pytest.approx(reference.confidence_interval_.to_numpy(), abs=1e-6)
    table = ours.event_table.reindex(reference.event_table.index)
    for column in ("at_risk", "entrance", "observed", "censored"):
        assert table[column].tolist() == reference.event_table[column].tolist()


def test_survival_curve_with_late_entry_matches_lifelines_on_the_sample(sample_dataset, sample_life):
    assert (sample_life["entry"] > 0).sum() >= 400  # the mid-life sample opens on late entrants
    curve = cohorts.survival_curve(sample_dataset)
    life = cohorts.lifetimes(sample_dataset)
    reference = KaplanMeierFitter().fit(life["duration"], life["churned"], entry=life["entry"], timeline=curve["age"])
    assert curve["survival"].to_numpy() == pytest.approx(reference.survival_function_.iloc[:, 0].to_numpy(), abs=1e-6)
    band = reference.confidence_interval_.to_numpy()
    assert curve["lower"].to_numpy() == pytest.approx(band[:, 0], abs=1e-6)
    assert curve["upper"].to_numpy() == pytest.approx(band[:, 1], abs=1e-6)
    # at risk at age a: entered before a (or at age 0) and not gone before a
    entered = life["entry"].to_numpy()[None, :]
    ages = curve["age"].to_numpy()[:, None]
    at_risk = (((entered < ages) | (entered == 0)) & (life["duration"].to_numpy()[None, :] >= ages)).sum(axis=1)
    assert curve["at_risk"].tolist() == at_risk.tolist()
    assert curve["entered"].sum() == len(life)
    # ignoring the entry (everyone at risk from age 0) would overstate early survival... or understate it: it differs
    naive = KaplanMeierFitter().fit(life["duration"], life["churned"], timeline=curve["age"])
    assert np.abs(naive.survival_function_.iloc[:, 0].to_numpy() - curve["survival"].to_numpy()).max() > 0.01


def test_multivariate_logrank_matches_lifelines_on_waltons(waltons):
    for column in ("group", "group3"):
        ours = logrank_test(waltons["T"], waltons[column], waltons["E"])
        reference = multivariate_logrank_test(waltons["T"], waltons[column], waltons["E"])
        assert ours["statistic"] == pytest.approx(reference.test_statistic, abs=1e-6)
        assert ours["p_value"] == pytest.approx(reference.p_value, abs=1e-6)
        assert ours["df"] == reference.degrees_of_freedom


def test_logrank_matches_lifelines_on_the_sample_without_entry(sample_life):
    ours = logrank_test(sample_life["duration"], sample_life["split"], sample_life["churned"])
    reference = multivariate_logrank_test(sample_life["duration"], sample_life["split"], sample_life["churned"])
    assert ours["statistic"] == pytest.approx(reference.test_statistic, abs=1e-6)
    assert ours["p_value"] == pytest.approx(reference.p_value, abs=1e-6)


def _logrank_by_loop(durations, groups, events, entry):
    """The log-rank statistic counted subject by subject at each event time (an independent route)."""
    labels = sorted(set(groups))
    observed_minus_expected = np.zeros(len(labels))
    variance = np.zeros((len(labels), len(labels)))
    first = min(entry.min(), durations.min())
    for time in sorted(set(durations[events])):
        # at risk: entered before t (or at the very first time) and not yet gone
        entered = (entry < time) | (entry == first)
        at_risk = [entered & (durations >= time) & (groups == g) for g in labels]
        n = np.array([r.sum() for r in at_risk], dtype=float)
        d = np.array([(r & events & (durations == time)).sum() for r in at_risk], dtype=float)
        total, dead = n.sum(), d.sum()
        if total < 1:
            continue
        observed_minus_expected += d - dead * n / total
        if total > 1:
            c = dead * (total - dead) / (total - 1)
            variance += c * (np.diag(n / total) - np.outer(n / total, n / total))
    z = observed_minus_expected[:-1]
    return float(z @ np.linalg.inv(variance[:-1, :-1]) @ z)


def test_logrank_with_entry_matches_a_direct_count(waltons, sample_life):
    T, E, entry = waltons["T"].to_numpy(), waltons["E"].to_numpy(bool), waltons["entry"].to_numpy()
    groups = waltons["group3"].to_numpy(object)
    assert logrank_test(T, groups, E, entry)["statistic"] == pytest.approx(_logrank_by_loop(T, groups, E, entry), abs=1e-6)
    life = sample_life
    ours = logrank_test(life["duration"], life["split"], life["churned"], life["entry"])
    direct = _logrank_by_loop(life["duration"].to_numpy(), life["split"].to_numpy(object),
                              life["churned"].to_numpy(bool), life["entry"].to_numpy())
    assert ours["statistic"] == pytest.approx(direct, abs=1e-6)


def test_pairwise_logrank_with_holm_matches_lifelines(waltons):
    ours = pairwise_logrank(waltons["T"], waltons["group3"], waltons["E"]).set_index(["a", "b"])
    reference = pairwise_logrank_test(waltons["T"], waltons["group3"], waltons["E"]).summary
    assert len(ours) == len(reference) == 3
    for (a, b), row in reference.iterrows():
        key = (a, b) if (a, b) in ours.index else (b, a)
        assert ours.loc[key, "statistic"] == pytest.approx(row["test_statistic"], abs=1e-6)
        assert ours.loc[key, "p_value"] == pytest.approx(row["p"], abs=1e-6)
    # Holm by hand: sort, multiply by 3, 2, 1, keep the running maximum, cap at 1
    p = ours["p_value"].sort_values()
    expected = np.minimum(1, np.maximum.accumulate(p.to_numpy() * [3, 2, 1]))
    assert ours.loc[p.index, "p_holm"].to_numpy() == pytest.approx(expected, abs=1e-12)


def test_holm_by_hand():
    assert cohorts.holm([0.01, 0.04, 0.03, 0.5]).tolist() == pytest.approx([0.04, 0.09, 0.09, 0.5])


@pytest.mark.parametrize("tau", [5.0, 30.0, 55.5])
def test_rmst_matches_lifelines_with_and_without_entry(waltons, tau):
    for entry in (None, waltons["entry"]):
        reference = KaplanMeierFitter().fit(waltons["T"], waltons["E"], entry=entry)
        ours = restricted_mean(waltons["T"], tau, waltons["E"], entry)
        assert ours["rmst"] == pytest.approx(restricted_mean_survival_time(reference, t=tau), abs=1e-6)


def test_rmst_variance_is_lifelines_variance_over_n_without_censoring(waltons):
    """Without censoring the KM is the empirical distribution: Var(RMST estimate) = Var(min(T, tau)) / n.

    lifelines' ``return_variance=True`` gives Var(min(T, tau)) (integrated numerically).
    """
    durations = waltons["T"].to_numpy()
    for tau in (20.0, 40.0):
        ours = restricted_mean(durations, tau)
        _, variance = restricted_mean_survival_time(KaplanMeierFitter().fit(durations), t=tau, return_variance=True)
        # lifelines integrates 2 t S(t) with scipy quad over a step function: right to about 1e-4 only
        assert ours["variance"] * len(durations) == pytest.approx(variance, rel=1e-4)
        assert ours["variance"] * len(durations) == pytest.approx(np.minimum(durations, tau).var(), abs=1e-9)


def test_rmst_interval_with_censoring_by_hand():
    # times 1, 2+, 3, 4 (2 censored): S = .75 on [1, 3), .375 on [3, 4), 0 after 4
    # RMST(4) = 1 + .75 * 2 + .375 = 2.875
    # A(1) = 1.875, A(3) = .375; var = 1.875^2 * 1 / (4 * 3) + .375^2 * 1 / (2 * 1)
    result = restricted_mean([1, 2, 3, 4], 4, [1, 0, 1, 1], alpha=0.05)
    assert result["rmst"] == pytest.approx(2.875)
    variance = 1.875 ** 2 / 12 + 0.375 ** 2 / 2
    assert result["variance"] == pytest.approx(variance)
    assert result["upper"] - result["rmst"] == pytest.approx(1.959963984540054 * variance ** 0.5)
    # beyond the last observed time, with the curve above 0, the RMST is unknown, not extrapolated
    assert np.isnan(restricted_mean([1, 2, 3], 5, [1, 1, 0])["rmst"])


def test_survival_comparison_on_the_sample(sample_life):
    comparison = cohorts.survival_comparison(sample_life, months=[12, 24])
    direct = logrank_test(sample_life["duration"], sample_life["split"], sample_life["churned"], sample_life["entry"])
    assert comparison.test == pytest.approx(direct)
    assert comparison.test["df"] == len(comparison.groups) - 1
    assert list(comparison.rmst.columns) == ["split", "months", "rmst", "lower", "upper"]
    assert len(comparison.rmst) == 2 * len(comparison.groups)
    for group, rows in sample_life.groupby("split"):
        kmf = KaplanMeierFitter().fit(rows["duration"], rows["churned"], entry=rows["entry"])
        got = comparison.rmst[(comparison.rmst["split"] == group) & (comparison.rmst["months"] == 12)]["rmst"].item()
        assert got == pytest.approx(restricted_mean_survival_time(kmf, t=12), abs=1e-6)
    assert (comparison.rmst["lower"] < comparison.rmst["rmst"]).all()
    assert (comparison.rmst["rmst"] <= comparison.rmst["months"]).all()


def test_the_reading_says_whether_chance_explains_the_difference():
    differs = cohorts.Comparison("touch_model", ["high", "tech"], test={"statistic": 8.8, "df": 1, "p_value": 0.003})
    assert cohorts.comparison_reading(differs, "en") == (
        "- The difference in survival between touch models is larger than chance would explain: p = 0.003 "
        "(log-rank test: chi-squared 8.80, df 1).")
    assert "偶然で説明できる大きさを超えています: p = 0.003" in cohorts.comparison_reading(differs, "ja")
    chance = cohorts.Comparison("segment", ["a", "b"], test={"statistic": 0.4, "df": 1, "p_value": 0.52})
    assert "within what chance could produce: p = 0.520" in cohorts.comparison_reading(chance, "en")
    assert "偶然でも起こりうる大きさです" in cohorts.comparison_reading(chance, "ja")


def test_bad_splits_and_horizons(sample_dataset):
    from cskit.errors import CskitError

    with pytest.raises(CskitError) as error:
        cohorts.lifetimes(sample_dataset, split="colour")
    assert "touch_model" in error.value.render("en") and "colour" in error.value.render("en")
    one = cohorts.lifetimes(sample_dataset, team="cs_smb", split="team")
    with pytest.raises(CskitError, match="only one group"):
        cohorts.survival_comparison(one)
    for bad in ("0", "12,x", "-3", "1.5", ""):
        with pytest.raises(CskitError, match="positive whole months"):
            cohorts.check_rmst_months(bad)


# --------------------------------------------------------------------------- #
# cskit survival
# --------------------------------------------------------------------------- #
def _run(*args):
    from typer.testing import CliRunner

    from cskit.cli import app

    return CliRunner().invoke(app, ["survival", "--data", "data/sample", "--lang", "en", *args])


def test_cli_csv_is_the_tidy_curve(sample_dataset):
    result = _run("--format", "csv", "--split", "touch_model")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "split,age,at_risk,events,censored,entered,survival,lower,upper"
    frame = pd.read_csv(__import__("io").StringIO(result.stdout))
    curve = cohorts.survival_curve(sample_dataset, split="touch_model")
    assert frame["survival"].to_numpy() == pytest.approx(curve["survival"].to_numpy(), abs=1e-9)
    plain = _run("--format", "csv").stdout.splitlines()[0]
    assert plain == "age,at_risk,events,censored,entered,survival,lower,upper"


def test_cli_json_shape(sample_life):
    result = _run("--format", "json", "--split", "touch_model", "--test", "--rmst", "12,24")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert list(out) == ["curve", "test", "pairwise", "rmst"]
    assert list(out["curve"][0]) == ["split", "age", "at_risk", "events", "censored", "entered", "survival", "lower", "upper"]
    assert list(out["test"]) == ["statistic", "df", "p_value"] and out["test"]["df"] == 2
    direct = logrank_test(sample_life["duration"], sample_life["split"], sample_life["churned"], sample_life["entry"])
    assert out["test"]["statistic"] == pytest.approx(direct["statistic"], rel=1e-9)
    assert [list(row) for row in out["pairwise"]] == [["a", "b", "statistic", "p_value", "p_holm"]] * 3
    assert [list(row) for row in out["rmst"]] == [["split", "months", "rmst", "lower", "upper"]] * 6
    assert list(json.loads(_run("--format", "json").stdout)) == ["curve"]
    assert list(json.loads(_run("--format", "json", "--rmst", "12").stdout)) == ["curve", "rmst"]


def test_cli_table_reads_the_test_in_both_languages():
    en = _run("--split", "touch_model", "--test", "--rmst", "12")
    assert en.exit_code == 0 and "larger than chance would explain" in en.stdout and "Mean months paid" in en.stdout
    from typer.testing import CliRunner

    from cskit.cli import app

    ja = CliRunner().invoke(app, ["survival", "--data", "data/sample", "--lang", "ja", "--split", "touch_model", "--test"])
    assert ja.exit_code == 0 and "偶然で説明できる大きさを超えています" in ja.stdout


@pytest.mark.parametrize("args, words", [
    (["--split", "colour"], ["colour", "touch_model", "sales_team"]),
    (["--rmst", "0"], ["--rmst", "positive whole months"]),
    (["--rmst", "12,abc"], ["positive whole months"]),
    (["--team", "cs_smb", "--split", "team", "--test"], ["only one group"]),
    (["--test"], ["only one group"]),
    (["--format", "xml"], ["--format"]),
    (["--as-of", "1999-01"], ["1999-01"]),
])
def test_cli_bad_input_exits_2(args, words):
    result = _run(*args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    for word in words:
        assert word in result.stderr


def test_the_km_plot_has_an_at_risk_table(sample_dataset):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from cskit.plots.cohorts import survival_plot

    curve = cohorts.survival_curve(sample_dataset, split="touch_model")
    ax = survival_plot(curve, lang="en")
    counts = [text for text in ax.texts if text.get_gid() == "at_risk"]
    assert counts
    by_group = dict(list(curve.groupby("split")))
    rows = sorted({text.get_position()[1] for text in counts}, reverse=True)
    for text in counts:
        group = sorted(by_group)[rows.index(text.get_position()[1])]
        age = int(text.get_position()[0])
        expected = int(by_group[group].set_index("age").loc[age, "at_risk"])
        assert text.get_text() == f"{expected:,}"
    assert any(text.get_text() == "At risk" for text in ax.texts)
    ja = survival_plot(curve, lang="ja")
    assert any(text.get_text() == "観測中の数" for text in ja.texts)
    plt.close("all")
