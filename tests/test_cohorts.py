"""Cohort retention, survival and cohort LTV pinned on a small dataset computed by hand."""
from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from cskit import cohorts
from cskit.errors import CskitError, OptionError
from conftest import mrr_rows

TEAMS = [
    {"team": "cs1", "role": "cs", "name_ja": "CS1", "name_en": "CS one"},
    {"team": "cs2", "role": "cs", "name_ja": "CS2", "name_en": "CS two"},
    {"team": "fs1", "role": "field_sales", "name_ja": "営業1", "name_en": "Sales one"},
    {"team": "fs2", "role": "field_sales", "name_ja": "営業2", "name_en": "Sales two"},
    {"team": "sup", "role": "support", "name_ja": "サポート", "name_en": "Support"},
]

ACCOUNTS = [
    # account, CS team, sales team, segment, touch model, contract start
    ("A", "cs1", "fs1", "smb", "tech", "2024-01-05"),
    ("B", "cs1", "fs1", "smb", "tech", "2024-01-20"),
    ("C", "cs1", "fs2", "enterprise", "high", "2024-01-01"),
    ("D", "cs2", "fs2", "enterprise", "high", "2024-02-01"),
    ("E", "cs2", "fs2", "smb", "tech", "2024-03-01"),
    ("F", "cs1", "fs2", "smb", "tech", None),
    ("G", "cs2", "fs2", "enterprise", "high", "2024-06-01"),
]

# Six months, 2024-01 .. 2024-06 (0 = no row). The company launches in January:
# A, B and C signed then (contract_start), so they are the January cohort.
#      Jan  Feb  Mar  Apr  May  Jun
#  A   100  100    0  100  100  100   stops in Mar and comes back in Apr (reactivation)
#  B    50   60   60    0    0    0   churns in Apr
#  C   200  200  200  300  300  300   expands in Apr
#  D     0  100  100    0    0    0   starts in Feb, churns in Apr
#  E     0    0   40   40   40   40   starts in Mar
#  F     -    -    -    -    -    -   never pays: in no cohort
#  G     0    0    0    0    0   70   starts in the last month
SIX_MONTHS = {
    "teams": TEAMS,
    "accounts": [
        {"account_id": a, "account_name": a, "team": t, "sales_team": s, "segment": seg, "touch_model": touch,
         "contract_start": start}
        for a, t, s, seg, touch, start in ACCOUNTS
    ],
    "mrr": mrr_rows({
        "A": {"2024-01": 100, "2024-02": 100, "2024-04": 100, "2024-05": 100, "2024-06": 100},
        "B": {"2024-01": 50, "2024-02": 60, "2024-03": 60},
        "C": {"2024-01": 200, "2024-02": 200, "2024-03": 200, "2024-04": 300, "2024-05": 300, "2024-06": 300},
        "D": {"2024-02": 100, "2024-03": 100},
        "E": {"2024-03": 40, "2024-04": 40, "2024-05": 40, "2024-06": 40},
        "G": {"2024-06": 70},
    }),
}

NAN = math.nan


@pytest.fixture
def six(make_dataset):
    return make_dataset(SIX_MONTHS)


def assert_rows(wide: pd.DataFrame, expected: dict[str, list[float]]) -> None:
    """Compare matrix rows, NaN (censored) only where NaN is expected."""
    assert list(wide.index) == list(expected)
    for cohort, values in expected.items():
        np.testing.assert_allclose(wide.loc[cohort].to_numpy(dtype=float), values, rtol=0, atol=1e-12, equal_nan=True)


# --------------------------------------------------------------------------- #
# Monthly matrices
# --------------------------------------------------------------------------- #
def test_logo_matrix_by_hand(six):
    tidy = cohorts.cohort_retention(six, metric="logo")
    assert list(tidy.columns) == ["cohort", "age", "cohort_size", "value", "base"]
    assert_rows(cohorts.retention_matrix(tidy), {
        # A is not paying at age 2 (Mar) but is retained again at age 3 (Apr): reactivation counts
        "2024-01": [1, 1, 2 / 3, 2 / 3, 2 / 3, 2 / 3],
        # D churned: 0 is a real 0; age 5 (Jul) is after the data: NaN, never 0
        "2024-02": [1, 1, 0, 0, 0, NAN],
        "2024-03": [1, 1, 1, 1, NAN, NAN],
        "2024-06": [1, NAN, NAN, NAN, NAN, NAN],
    })
    sizes = tidy.groupby("cohort")["cohort_size"].first().to_dict()
    assert sizes == {"2024-01": 3, "2024-02": 1, "2024-03": 1, "2024-06": 1}  # F never paid: no cohort


def test_revenue_matrix_by_hand(six):
    tidy = cohorts.cohort_retention(six, metric="revenue")
    assert_rows(cohorts.retention_matrix(tidy), {
        # Jan cohort starts at 100 + 50 + 200 = 350; Apr: A back (100) + C expanded (300) = 400 > 350
        "2024-01": [1, 360 / 350, 260 / 350, 400 / 350, 400 / 350, 400 / 350],
        "2024-02": [1, 1, 0, 0, 0, NAN],
        "2024-03": [1, 1, 1, 1, NAN, NAN],
        "2024-06": [1, NAN, NAN, NAN, NAN, NAN],
    })
    assert tidy.loc[tidy.cohort == "2024-01", "base"].iloc[0] == 350  # money at age 0


def test_as_of_censors_later_months(six):
    tidy = cohorts.cohort_retention(six, as_of="2024-04")
    assert_rows(cohorts.retention_matrix(tidy), {
        "2024-01": [1, 1, 2 / 3, 2 / 3],
        "2024-02": [1, 1, 0, NAN],
        "2024-03": [1, 1, NAN, NAN],
    })  # G starts in Jun: not known yet on 2024-04
    assert tidy.attrs["as_of"] == "2024-04"


# --------------------------------------------------------------------------- #
# Quarters
# --------------------------------------------------------------------------- #
def test_quarter_retention_by_hand(six):
    # 2024-Q1 = A, B, C (Jan), D (Feb), E (Mar). Age 1 quarter = 3 months after each
    # account's own first month: A Apr (pays), B Apr (0), C Apr (pays), D May (0), E Jun (pays).
    logo = cohorts.cohort_retention(six, period="quarter")
    assert_rows(cohorts.retention_matrix(logo), {
        "2024-Q1": [1, 3 / 5],
        # G's quarter Q2 is complete on 2024-06; age 1 would need Q3
        "2024-Q2": [1, NAN],
    })
    revenue = cohorts.cohort_retention(six, metric="revenue", period="quarter")
    # base 100 + 50 + 200 + 100 + 40 = 490; age 1: A 100 + C 300 + E 40 = 440
    assert_rows(cohorts.retention_matrix(revenue), {"2024-Q1": [1, 440 / 490], "2024-Q2": [1, NAN]})


def test_incomplete_quarter_is_censored(make_dataset):
    # data ends in May: Q2 is not over, so its cohort may still grow and nothing of it is known
    data = make_dataset({
        "teams": TEAMS[:1] + TEAMS[2:3],
        "accounts": [{"account_id": a, "account_name": a, "team": "cs1", "sales_team": "fs1", "contract_start": start}
                     for a, start in (("X", "2024-01-01"), ("Y", "2024-04-01"))],
        "mrr": mrr_rows({"X": {"2024-01": 10, "2024-02": 10, "2024-05": 10}, "Y": {"2024-04": 20, "2024-05": 20}}),
    })
    tidy = cohorts.cohort_retention(data, period="quarter")
    assert_rows(cohorts.retention_matrix(tidy), {"2024-Q1": [1], "2024-Q2": [NAN]})
    assert tidy["cohort_size"].tolist() == [1, 1]


def test_quarter_equals_monthly_every_third_age_for_a_one_month_cohort(make_dataset):
    data = make_dataset({
        "teams": TEAMS[:1] + TEAMS[2:3],
        "accounts": [{"account_id": a, "account_name": a, "team": "cs1", "sales_team": "fs1",
                      "contract_start": "2024-01-01"} for a in "XYZ"],  # signed in the first month: a cohort
        "mrr": mrr_rows({
            "X": {f"2024-{m:02d}": 10 for m in range(1, 13)},
            "Y": {f"2024-{m:02d}": 20 for m in range(1, 5)},
            "Z": {f"2024-{m:02d}": 30 for m in (1, 2, 3, 5, 6, 7, 10, 11, 12)},  # gaps in Apr, Aug, Sep
        }),
    })
    monthly = cohorts.retention_matrix(cohorts.cohort_retention(data)).loc["2024-01"]
    quarterly = cohorts.retention_matrix(cohorts.cohort_retention(data, period="quarter")).loc["2024-Q1"]
    assert quarterly.tolist() == monthly[[0, 3, 6, 9]].tolist() == [1, 2 / 3, 2 / 3, 2 / 3]


# --------------------------------------------------------------------------- #
# Splits and teams
# --------------------------------------------------------------------------- #
def test_split_by_segment(six):
    tidy = cohorts.cohort_retention(six, split="segment")
    assert list(tidy.columns)[-1] == "split"
    wide = cohorts.retention_matrix(tidy)
    np.testing.assert_allclose(wide.loc[("smb", "2024-01")].to_numpy(dtype=float), [1, 1, 0.5, 0.5, 0.5, 0.5])
    np.testing.assert_allclose(wide.loc[("enterprise", "2024-01")].to_numpy(dtype=float), [1, 1, 1, 1, 1, 1])
    assert set(wide.index) == {("enterprise", "2024-01"), ("enterprise", "2024-02"), ("enterprise", "2024-06"),
                               ("smb", "2024-01"), ("smb", "2024-03")}


def test_split_merges_back_to_the_unsplit_table(six):
    for metric in cohorts.METRICS:
        merged = cohorts.combine_splits(cohorts.cohort_retention(six, metric=metric, split="touch_model"))
        plain = cohorts.cohort_retention(six, metric=metric)
        pd.testing.assert_frame_equal(merged, plain, check_dtype=False)


def test_team_selection(six):
    cs2 = cohorts.retention_matrix(cohorts.cohort_retention(six, team="cs2"))
    assert list(cs2.index) == ["2024-02", "2024-03", "2024-06"]
    fs1 = cohorts.cohort_retention(six, team="fs1")  # a sales team owns the accounts it sold
    assert set(fs1["cohort"]) == {"2024-01"} and fs1["cohort_size"].iloc[0] == 2
    by_team = cohorts.retention_matrix(cohorts.cohort_retention(six, split="team"))
    assert set(by_team.index.get_level_values("split")) == {"cs1", "cs2"}


def test_team_without_accounts_gives_empty_tables(six):
    assert cohorts.cohort_retention(six, team="sup").empty
    assert cohorts.cohort_ltv(six, team="sup").empty
    assert cohorts.survival_curve(six, team="sup").empty
    assert "no paying accounts" in cohorts.retention_reading(cohorts.cohort_retention(six, team="sup"), "en")


# --------------------------------------------------------------------------- #
# Cohort LTV
# --------------------------------------------------------------------------- #
def test_cohort_ltv_by_hand(six):
    wide = cohorts.retention_matrix(cohorts.cohort_ltv(six))
    assert_rows(wide, {
        # Jan: 350, +360, +260, +400, +400, +400 over 3 accounts
        "2024-01": [350 / 3, 710 / 3, 970 / 3, 1370 / 3, 1770 / 3, 2170 / 3],
        "2024-02": [100, 200, 200, 200, 200, NAN],
        "2024-03": [40, 80, 120, 160, NAN, NAN],
        "2024-06": [70, NAN, NAN, NAN, NAN, NAN],
    })


def test_cohort_ltv_by_quarter(six):
    # first 3 months of each account: A 200, B 170, C 600, D 200, E 120 -> 1290 / 5
    wide = cohorts.retention_matrix(cohorts.cohort_ltv(six, period="quarter"))
    assert_rows(wide, {"2024-Q1": [258], "2024-Q2": [NAN]})  # G's 3 months run to August


def test_pooled_curve_chains_over_cohorts(six):
    logo = cohorts.pooled_curve(cohorts.cohort_retention(six))
    # age 1: all 5 known accounts pay; age 2: Jan 2/3 and Feb 0 and Mar 1 of 3 + 1 + 1 -> 3/5
    # age 4: known for Jan (2 of 3, was 2) and Feb (0, was 0): ratio 2/2, so stays 3/5 * (3/3)...
    assert logo["value"].iloc[:3].tolist() == pytest.approx([1, 1, 3 / 5])
    assert logo["cohorts"].tolist() == [4, 3, 3, 3, 2, 1]
    mean = cohorts.pooled_curve(cohorts.cohort_retention(six), method="mean")
    assert mean["value"].iloc[4] == pytest.approx(2 / 4)  # Jan 2 of 3 and Feb 0 of 1


# --------------------------------------------------------------------------- #
# Survival
# --------------------------------------------------------------------------- #
def test_lifetimes_by_hand(six):
    life = cohorts.lifetimes(six).set_index("account_id")
    assert life["duration"].to_dict() == {"A": 2, "B": 3, "C": 5, "D": 2, "E": 3, "G": 0}
    assert life["churned"].to_dict() == {"A": True, "B": True, "C": False, "D": True, "E": False, "G": False}


def test_survival_curve_by_hand(six):
    curve = cohorts.survival_curve(six)
    assert list(curve.columns) == ["age", "at_risk", "events", "censored", "entered", "survival", "lower", "upper"]
    assert curve["entered"].tolist() == [6, 0, 0, 0, 0, 0]  # every account starts in the data
    assert curve["at_risk"].tolist() == [6, 5, 5, 3, 1, 1]
    assert curve["events"].tolist() == [0, 0, 2, 1, 0, 0]
    assert curve["censored"].tolist() == [1, 0, 0, 1, 0, 1]
    assert curve["survival"].tolist() == pytest.approx([1, 1, 0.6, 0.4, 0.4, 0.4])
    assert curve.attrs["median"] == 3
    assert cohorts.median_lifetime(curve) == 3
    assert ((curve["lower"] <= curve["survival"]) & (curve["survival"] <= curve["upper"])).all()


def test_kaplan_meier_matches_lifelines_on_random_data():
    lifelines = pytest.importorskip("lifelines")
    rng = np.random.default_rng(7)
    durations = rng.integers(0, 30, size=800)
    events = rng.random(800) < 0.6
    ours = cohorts.KaplanMeier().fit(durations, events)
    theirs = lifelines.KaplanMeierFitter().fit(durations, events)
    np.testing.assert_allclose(ours.timeline, theirs.timeline)
    np.testing.assert_allclose(ours.survival_function_.to_numpy(), theirs.survival_function_.to_numpy(), rtol=1e-12)
    np.testing.assert_allclose(ours.confidence_interval_.to_numpy(), theirs.confidence_interval_.to_numpy(), rtol=1e-10)
    assert list(ours.confidence_interval_.columns) == list(theirs.confidence_interval_.columns)
    assert ours.median_survival_time_ == theirs.median_survival_time_
    np.testing.assert_allclose(ours.event_table[["removed", "observed", "censored", "at_risk"]].to_numpy(),
                               theirs.event_table[["removed", "observed", "censored", "at_risk"]].to_numpy())


def test_kaplan_meier_edge_cases_match_lifelines():
    lifelines = pytest.importorskip("lifelines")
    cases = [
        ([1, 2, 2, 3, 5], [1, 1, 0, 1, 0]),  # docstring example
        ([0, 1, 1, 4], [1, 1, 1, 1]),  # everyone churns: S reaches 0, median found
        ([3, 3, 7], [0, 0, 0]),  # nobody churns: S stays 1, median not reached
        ([2.5, 0.5, 4.0, 4.0], [1, 0, 1, 0]),  # non-integer times
    ]
    for durations, events in cases:
        ours = cohorts.KaplanMeier(alpha=0.1).fit(durations, events)
        theirs = lifelines.KaplanMeierFitter(alpha=0.1).fit(durations, events)
        np.testing.assert_allclose(ours.survival_function_.to_numpy(), theirs.survival_function_.to_numpy())
        np.testing.assert_allclose(ours.confidence_interval_.to_numpy(), theirs.confidence_interval_.to_numpy())
        assert ours.median_survival_time_ == theirs.median_survival_time_


def test_survival_curve_matches_lifelines_on_a_dataset(make_dataset):
    lifelines = pytest.importorskip("lifelines")
    rng = np.random.default_rng(3)
    months = [f"{y}-{m:02d}" for y in (2023, 2024) for m in range(1, 13)]
    series = {}
    for i in range(300):
        start = int(rng.integers(0, 20))
        paying = rng.random(len(months)) > 0.08
        series[f"a{i}"] = {months[j]: 100.0 for j in range(start, len(months)) if paying[j]}
    data = make_dataset({
        "teams": TEAMS[:1] + TEAMS[2:3],
        "accounts": [{"account_id": a, "account_name": a, "team": "cs1", "sales_team": "fs1",
                      "contract_start": f"{min(series[a])}-01"} for a in series],
        "mrr": mrr_rows(series),
    })
    life = cohorts.lifetimes(data)
    curve = cohorts.survival_curve(data).set_index("age")
    kmf = lifelines.KaplanMeierFitter().fit(life["duration"], life["churned"])
    times = kmf.timeline.astype(int)
    np.testing.assert_allclose(curve.loc[times, "survival"], kmf.survival_function_.iloc[:, 0], rtol=1e-12)
    np.testing.assert_allclose(curve.loc[times, "lower"], kmf.confidence_interval_.iloc[:, 0], rtol=1e-10)
    np.testing.assert_allclose(curve.loc[times, "upper"], kmf.confidence_interval_.iloc[:, 1], rtol=1e-10)
    assert cohorts.median_lifetime(curve.reset_index()) == kmf.median_survival_time_
    np.testing.assert_allclose(curve.loc[times, "at_risk"], kmf.event_table["at_risk"])
    # the band of the median is where the band crosses one half (lifelines' median CI)
    from lifelines.utils import median_survival_times
    band = median_survival_times(kmf.confidence_interval_)
    assert cohorts.median_lifetime(curve.reset_index(), "lower") == band.iloc[0, 0]
    assert cohorts.median_lifetime(curve.reset_index(), "upper") == band.iloc[0, 1]


def test_survival_split(six):
    curve = cohorts.survival_curve(six, split="segment")
    # smb: A churns at 2, B at 3, E censored at 3 -> S(2) = 2/3, S(3) = 2/3 * 1/2
    smb = curve[curve.split == "smb"].set_index("age")["survival"]
    assert smb.loc[[2, 3]].tolist() == pytest.approx([2 / 3, 1 / 3])
    assert curve.attrs["median"] == {"enterprise": 2.0, "smb": 3.0}


# --------------------------------------------------------------------------- #
# Readings
# --------------------------------------------------------------------------- #
def test_retention_reading_is_computed_from_data(six):
    tidy = cohorts.cohort_retention(six)
    en = cohorts.retention_reading(tidy, "en")
    # age 3 is the oldest age three cohorts have reached: Mar 100 %, Jan 67 %, Feb 0 %
    assert "after 3 months" in en
    assert "2024-03 kept best (100%)" in en and "2024-02 kept least (0%)" in en
    ja = cohorts.retention_reading(tidy, "ja")
    assert "3か月後" in ja and "2024-03（100%）" in ja
    split = cohorts.retention_reading(cohorts.cohort_retention(six, split="segment"), "en")
    assert "By segment" in split


def test_reading_finds_where_the_curve_flattens(make_dataset):
    # four monthly cohorts of four accounts: one stops at age 1, one at age 2, two stay
    months = [f"{y}-{m:02d}" for y in (2024, 2025) for m in range(1, 13)]
    series = {}
    for start in range(4):
        for k, life in enumerate((1, 2, 99, 99)):
            series[f"c{start}a{k}"] = {months[j]: 100 for j in range(start, min(start + life, len(months)))}
    data = make_dataset({
        "teams": TEAMS[:1] + TEAMS[2:3],
        "accounts": [{"account_id": a, "account_name": a, "team": "cs1", "sales_team": "fs1",
                      "contract_start": f"{min(series[a])}-01"} for a in series],
        "mrr": mrr_rows(series),
    })
    en = cohorts.retention_reading(cohorts.cohort_retention(data), "en")
    assert "flattens from month 2 on" in en and "to month 21" in en  # month 21: the 3rd cohort's last age
    assert "100% of what is lost by 12 months is lost within 3 months of the start" in en
    assert "2か月目あたりから平らに" in cohorts.retention_reading(cohorts.cohort_retention(data), "ja")


def test_revenue_reading_says_whether_expansion_wins(six):
    en = cohorts.retention_reading(cohorts.cohort_retention(six, metric="revenue", team="cs1"), "en")
    assert "above 100 %" in en


def test_survival_reading(six):
    en = cohorts.survival_reading(cohorts.survival_curve(six), "en")
    assert "median lifetime" in en and "3 months" in en
    ja = cohorts.survival_reading(cohorts.survival_curve(six), "ja")
    assert "中央値" in ja and "3か月" in ja


# --------------------------------------------------------------------------- #
# Options and the CLI records
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("kwargs, option", [
    ({"metric": "mrr"}, "metric"),
    ({"period": "week"}, "period"),
    ({"split": "region"}, "split"),
    ({"as_of": "2023-12"}, "as_of"),
    ({"as_of": "not-a-month"}, "as_of"),
])
def test_bad_options_raise_option_error(six, kwargs, option):
    with pytest.raises(OptionError) as info:
        cohorts.cohort_retention(six, **kwargs)
    assert info.value.params["option"] == option


def test_other_option_errors(six, make_dataset):
    with pytest.raises(OptionError):
        cohorts.cohort_ltv(six, period="year")
    with pytest.raises(OptionError):
        cohorts.survival_curve(six, split="industry")
    with pytest.raises(OptionError):
        cohorts.format_records(cohorts.cohort_records(six), "xml")
    with pytest.raises(CskitError) as info:
        cohorts.cohort_retention(six, team="nobody")
    assert info.value.code == "cli.unknown_team"
    no_segment = make_dataset({**SIX_MONTHS, "accounts": [
        {"account_id": a, "account_name": a, "team": t, "sales_team": s} for a, t, s, *_ in ACCOUNTS]})
    with pytest.raises(OptionError):
        cohorts.cohort_retention(no_segment, split="segment")
    assert cohorts.available_splits(no_segment) == ["team"]


def test_cohort_records_for_the_cli(six):
    records = cohorts.cohort_records(six, metric="logo")
    assert list(records.columns) == ["cohort", "age", "cohort_size", "value"]
    assert records["value"].notna().all()  # censored cells are left out
    assert len(records) == 6 + 5 + 4 + 1
    csv = cohorts.format_records(records, "csv").splitlines()
    assert csv[0] == "cohort,age,cohort_size,value"
    assert csv[1:4] == ["2024-01,0,3,1", "2024-01,1,3,1", "2024-01,2,3,0.666666666667"]
    rows = json.loads(cohorts.format_records(records, "json"))
    assert rows[8] == {"cohort": "2024-02", "age": 2, "cohort_size": 1, "value": 0}


# --------------------------------------------------------------------------- #
# Charts (smoke: they draw, label in the chosen language, and survive empty data)
# --------------------------------------------------------------------------- #
def test_charts_draw_in_both_languages(six):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from cskit.plots import cohorts as charts

    logo = cohorts.cohort_retention(six)
    for lang, word in (("ja", "経過月数"), ("en", "Age in months")):
        assert word in charts.retention_heatmap(logo, lang=lang).get_xlabel()
        assert word in charts.retention_curves(logo, lang=lang).get_xlabel()
        assert word in charts.retention_curves(cohorts.cohort_retention(six, split="segment"), lang=lang, by="split").get_xlabel()
        assert word in charts.survival_plot(cohorts.survival_curve(six), lang=lang).get_xlabel()
        assert word in charts.ltv_curves(cohorts.cohort_ltv(six), lang=lang).get_xlabel()
    heatmap = charts.retention_heatmap(logo, lang="en")
    texts = [t.get_text() for t in heatmap.texts]
    assert "67" in texts and len(texts) == 16  # one label per known cell, censored cells blank
    quarter = charts.retention_heatmap(cohorts.cohort_retention(six, period="quarter"), lang="en")
    assert "quarters" in quarter.get_xlabel()
    empty = charts.retention_heatmap(cohorts.cohort_retention(six, team="sup"), lang="en")
    assert "no data" in empty.get_title()
    plt.close("all")


# --------------------------------------------------------------------------- #
# Accounts already paying when the data starts (left-censored): in no cohort
# --------------------------------------------------------------------------- #
@pytest.fixture
def six_without_starts(make_dataset):
    """The six months without ``contract_start``: A, B and C may have signed years before January."""
    accounts = [{k: v for k, v in row.items() if k != "contract_start"} for row in SIX_MONTHS["accounts"]]
    return make_dataset({**SIX_MONTHS, "accounts": accounts})


def test_accounts_paying_in_the_first_month_are_in_no_cohort(six_without_starts):
    tidy = cohorts.cohort_retention(six_without_starts)
    # D (Feb): pays Feb, Mar, then stops; E (Mar) pays to the end; G (Jun) only age 0
    assert_rows(cohorts.retention_matrix(tidy), {
        "2024-02": [1, 1, 0, 0, 0],
        "2024-03": [1, 1, 1, 1, NAN],
        "2024-06": [1, NAN, NAN, NAN, NAN],
    })
    assert tidy.attrs["already_paying"] == 3  # A, B, C; F never paid and is not counted
    assert cohorts.cohort_retention(six_without_starts, team="cs2").attrs["already_paying"] == 0  # D, E, G
    assert cohorts.cohort_retention(six_without_starts, team="cs1").attrs["already_paying"] == 3


@pytest.fixture
def six_with_late_entry(make_dataset):
    """A signed in November 2023, two months before the data; C has no contract start."""
    starts = {"A": "2023-11-15", "B": "2024-01-20", "C": None}
    accounts = [{**row, "contract_start": starts.get(row["account_id"], row["contract_start"])}
                for row in SIX_MONTHS["accounts"]]
    return make_dataset({**SIX_MONTHS, "accounts": accounts})


def test_a_contract_start_before_the_data_puts_the_account_in_its_cohort_from_its_entry_age(six_with_late_entry):
    tidy = cohorts.cohort_retention(six_with_late_entry)
    # A is the 2023-11 cohort, first seen at age 2 (January): ages 0-1 are blank, never 0.
    # A pays Jan, Feb (ages 2, 3), stops in Mar (4), comes back Apr-Jun (5-7).
    # B alone is the January cohort (C, paying in January without a contract start, is left out).
    assert_rows(cohorts.retention_matrix(tidy).loc[["2023-11", "2024-01"]], {
        "2023-11": [NAN, NAN, 1, 1, 0, 1, 1, 1],
        "2024-01": [1, 1, 1, 0, 0, 0, NAN, NAN],
    })
    assert tidy.attrs["already_paying"] == 1 and tidy.attrs["late_entry"] == 1
    # revenue retention needs the MRR at age 0, unobserved for a cohort that started before the data
    revenue = cohorts.retention_matrix(cohorts.cohort_retention(six_with_late_entry, metric="revenue"))
    assert revenue.loc["2023-11"].isna().all()
    assert revenue.loc["2024-01"].tolist()[:6] == pytest.approx([1, 1.2, 1.2, 0, 0, 0])
    assert cohorts.retention_matrix(cohorts.cohort_ltv(six_with_late_entry)).loc["2023-11"].isna().all()


def test_late_entry_survival_by_hand(six_with_late_entry):
    life = cohorts.lifetimes(six_with_late_entry).set_index("account_id")
    assert life.loc["A", ["cohort", "entry", "duration", "churned"]].tolist() == ["2023-11", 2, 4, True]
    assert "C" not in life.index
    curve = cohorts.survival_curve(six_with_late_entry)
    # entries: B, D, E, G at age 0, A at age 2; ends: G 0 (censored), D 2, B 3, E 3 (censored), A 4
    # A, entering at age 2 (paying then), can first churn at age 3: it is at risk from age 3
    assert curve["entered"].tolist() == [4, 0, 1, 0, 0]
    assert curve["at_risk"].tolist() == [4, 3, 3, 3, 1]
    assert curve["events"].tolist() == [0, 0, 1, 1, 1]
    # S = 1, 1, 1 - 1/3, 2/3 x (1 - 1/3), 0
    assert curve["survival"].tolist() == pytest.approx([1, 1, 2 / 3, 4 / 9, 0.0])
    assert curve.attrs["late_entry"] == 1 and curve.attrs["already_paying"] == 1


def test_the_pooled_curve_chains_a_late_cohort_only_after_its_entry(six_with_late_entry):
    pooled = cohorts.pooled_curve(cohorts.cohort_retention(six_with_late_entry)).set_index("age")
    # age 2: the step 1 -> 2 is measured on the cohorts known at 1 and 2 (not on the 2023-11 cohort entering at 2)
    tidy = cohorts.cohort_retention(six_with_late_entry)
    born = cohorts.pooled_curve(tidy[tidy["cohort"] != "2023-11"]).set_index("age")
    assert pooled.loc[2, "value"] == pytest.approx(born.loc[2, "value"])
    assert pooled.loc[2, "cohorts"] == born.loc[2, "cohorts"] + 1


def test_survival_ltv_and_the_pooled_curve_leave_them_out_too(six_without_starts):
    life = cohorts.lifetimes(six_without_starts)
    assert life[["account_id", "duration", "churned"]].values.tolist() == [
        ["D", 2, True], ["E", 3, False], ["G", 0, False]]
    curve = cohorts.survival_curve(six_without_starts)
    # age 0: 3 at risk, G censored; age 2: D churns out of D and E -> 1/2
    assert curve["at_risk"].tolist() == [3, 2, 2, 1] and curve["survival"].tolist() == [1, 1, 0.5, 0.5]
    assert curve.attrs["already_paying"] == 3
    ltv = cohorts.cohort_ltv(six_without_starts)
    assert_rows(cohorts.retention_matrix(ltv), {
        "2024-02": [100, 200, 200, 200, 200],
        "2024-03": [40, 80, 120, 160, NAN],
        "2024-06": [70, NAN, NAN, NAN, NAN],
    })
    assert ltv.attrs["already_paying"] == 3
    pooled = cohorts.pooled_curve(cohorts.cohort_retention(six_without_starts))
    assert pooled["accounts"].tolist() == [3, 2, 2, 2, 1]
    assert pooled.attrs["already_paying"] == 3


def test_the_readings_say_how_many_accounts_are_left_out(six_without_starts, six):
    sentence = ("3 accounts were already paying when the data starts and have no contract start; their age is unknown, "
                "so they are in no cohort and no survival curve.")
    assert sentence in cohorts.retention_reading(cohorts.cohort_retention(six_without_starts), "en")
    assert sentence in cohorts.survival_reading(cohorts.survival_curve(six_without_starts), "en")
    ja = cohorts.survival_reading(cohorts.survival_curve(six_without_starts, split="segment"), "ja")
    assert "3アカウントはデータの開始時点ですでに契約中で、契約開始日がありません。" in ja
    assert "already paying" not in cohorts.retention_reading(cohorts.cohort_retention(six), "en")


def test_the_cohort_command_says_how_many_accounts_are_left_out(tmp_path):
    from typer.testing import CliRunner

    from cskit.cli import app
    from conftest import write_tables

    accounts = [{k: v for k, v in row.items() if k != "contract_start"} for row in SIX_MONTHS["accounts"]]
    folder = write_tables(tmp_path / "data", {**SIX_MONTHS, "accounts": accounts})
    result = CliRunner().invoke(app, ["cohort", "--data", str(folder), "--lang", "en"])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[:3] == ["cohort,age,cohort_size,value", "2024-02,0,1,1", "2024-02,1,1,1"]
    assert result.stderr.strip() == (
        "3 accounts were already paying when the data starts and have no contract start; their age is unknown, "
        "so they are in no cohort and no survival curve.")


def test_on_the_mid_life_sample_the_base_enters_late_in_its_own_cohorts(sample_dataset):
    """The bundled sample opens on hundreds of paying accounts that signed before it."""
    accounts = sample_dataset["accounts"].set_index("account_id")
    mrr = sample_dataset["mrr"]
    first = sample_dataset.months[0]
    paying_first = set(mrr.loc[mrr["month"] == str(first), "account_id"])
    signed_before = accounts.loc[sorted(paying_first), "contract_start"] < first.start_time
    base = set(signed_before[signed_before].index)
    assert len(base) >= 400
    tidy = cohorts.cohort_retention(sample_dataset)
    assert tidy.attrs["already_paying"] == 0 and tidy.attrs["late_entry"] == len(base)
    sizes = tidy.groupby("cohort")["cohort_size"].first()
    assert sizes.sum() == mrr["account_id"].nunique()
    life = cohorts.lifetimes(sample_dataset).set_index("account_id")
    starts = accounts.loc[sorted(base), "contract_start"].dt.to_period("M")
    expected_entry = [first.ordinal - s.ordinal for s in starts]
    assert life.loc[sorted(base), "entry"].tolist() == expected_entry
    assert (life.loc[sorted(base), "cohort"] == starts.astype(str).to_numpy()).all()
    # the data's first month holds only the accounts that signed in it: no giant first row
    assert sizes.loc[str(first)] <= 2 * sizes.median()
    # a cohort that started before the data is blank at the ages it lived before the data, never 0
    wide = cohorts.retention_matrix(tidy)
    early = str(starts.min())
    entry = first.ordinal - starts.min().ordinal
    assert wide.loc[early].iloc[:entry].isna().all() and wide.loc[early].iloc[entry] == 1
