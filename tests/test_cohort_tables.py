"""Cohort results for people: notebook 04's five accounts, counted by hand, in readable tables.

The five accounts (``cskit.datasets.COHORT_EXAMPLE_MRR``), MRR in yen, January to June 2024:
A pays 100,000 every month; B pays 100,000 in January and February, then churns;
C starts in February at 200,000 and pays 300,000 from May; D starts in February at
150,000, pauses in March and is back from April; E starts in March at 80,000.
"""
from __future__ import annotations

import pandas as pd
import pytest

from cskit.cohorts import (cohort_ltv, cohort_retention, data_view, lifetimes, lifetimes_table, mrr_table,
                           retention_reading, retention_table, split_label, survival_curve, survival_reading,
                           survival_table)
from cskit.datasets import COHORT_EXAMPLE_MRR, load_cohort_example
from cskit.report.lint import scan_page


@pytest.fixture(scope="module")
def example():
    return load_cohort_example()


def test_logo_retention_table_shows_the_hand_count_as_percent_and_censored_cells_blank(example):
    table = retention_table(cohort_retention(example, metric="logo"), "ja").data
    # January: A and B, then only A from March. February: C and D, D paused in March. March: E alone.
    assert table.loc["2024-01"].tolist() == ["100%", "100%", "50%", "50%", "50%", "50%"]
    assert table.loc["2024-02"].tolist() == ["100%", "50%", "100%", "100%", "100%", ""]
    assert table.loc["2024-03"].tolist() == ["100%", "100%", "100%", "100%", "", ""]
    assert (table.index.name, table.columns.name) == ("コホート", "経過月")


def test_revenue_retention_goes_above_100_percent_with_the_upsell(example):
    table = retention_table(cohort_retention(example, metric="revenue"), "en").data
    # February cohort: 350,000 at the start; 200,000 in March (D paused) = 57%; 450,000 in May = 129%
    assert table.loc["2024-02", 1] == "57%" and table.loc["2024-02", 3] == "129%"
    assert (table.index.name, table.columns.name) == ("Cohort", "Age (months)")


def test_cohort_ltv_table_is_money_per_account(example):
    table = retention_table(cohort_ltv(example), "en").data
    # February cohort through May: C 200k+200k+200k+300k, D 150k+0+150k+150k -> 1,350,000 / 2 accounts
    assert table.loc["2024-02", 3] == "¥675,000"
    assert table.loc["2024-03", 0] == "¥80,000" and table.loc["2024-03", 5] == ""


def test_mrr_table_writes_money_with_separators_and_the_currency():
    table = mrr_table(COHORT_EXAMPLE_MRR, "ja").data
    assert COHORT_EXAMPLE_MRR.index.name == "account_id"  # the data is not renamed
    assert table.loc["C"].tolist() == ["¥0", "¥200,000", "¥200,000", "¥200,000", "¥300,000", "¥300,000"]
    assert (table.index.name, table.columns.name) == ("アカウント", "月")


def test_lifetimes_table_names_churned_and_censored_accounts(example):
    table = lifetimes_table(lifetimes(example), "ja").data
    assert list(table.columns) == ["アカウント", "コホート", "期間（か月）", "状態"]
    rows = {row[0]: (row[2], row[3]) for row in table.itertuples(index=False)}
    # B stops at age 2 and D at age 1; A, C and E pay to June (ages 5, 4, 3)
    assert rows == {"A": (5, "継続中（打ち切り）"), "B": (2, "解約"), "C": (4, "継続中（打ち切り）"),
                    "D": (1, "解約"), "E": (3, "継続中（打ち切り）")}


def test_survival_table_shows_the_kaplan_meier_steps_as_percent(example):
    table = survival_table(survival_curve(example), "en").data
    # age 1: 5 at risk, D churns -> 4/5; age 2: A B C E at risk, B churns -> 0.8 x 3/4
    assert table.iloc[1, :5].tolist() == [1, 5, 1, 0, "80%"]
    assert table.iloc[2, :5].tolist() == [2, 4, 1, 0, "60%"]
    assert table.columns[-1] == "95 % band" and table.iloc[0, -1] == "100% to 100%"


def test_the_tables_are_clean_pages_in_both_languages(example):
    tables = [retention_table(cohort_retention(example), "ja"), mrr_table(COHORT_EXAMPLE_MRR, "ja"),
              lifetimes_table(lifetimes(example), "ja"), survival_table(survival_curve(example), "ja"),
              retention_table(cohort_ltv(example), "ja")]
    assert [scan_page(table.to_html(), "ja") for table in tables] == [[]] * 5
    raw = cohort_retention(example).to_html()
    assert {f.text for f in scan_page(raw, "ja")} >= {"cohort", "NaN", "0, 1, 2"}  # what the tables replace


def test_segments_and_touch_models_show_their_glossary_term():
    from cskit.contract import TABLES
    from cskit.roles.glossary import VALUE_TERMS, glossary
    from cskit.sample.params import SEGMENTS

    assert set(VALUE_TERMS["segment"]) == set(SEGMENTS)
    assert set(VALUE_TERMS["touch_model"]) == set(TABLES["accounts"].column("touch_model").allowed)
    terms = glossary("ja").set_index("id")["term"]
    assert [split_label("segment", s, "ja") for s in SEGMENTS] == [terms["enterprise"], terms["mid_market"], terms["smb"]]
    assert split_label("touch_model", "low", "en") == "Low touch"


def test_the_segment_reading_names_segments_in_the_page_language(example):
    ja = retention_reading(cohort_retention(example, split="segment"), "ja")
    assert "中小企業（SMB）" in ja and "smb" not in ja and "、" in ja
    en = survival_reading(survival_curve(example, split="segment"), "en")
    assert en == "- Median lifetime by segment: Enterprise not reached, Mid-market 1 month, SMB not reached."


def test_one_cohort_and_one_account_are_singular_in_english():
    tidy = pd.DataFrame({"cohort": ["2024-01"] * 3, "age": [0, 1, 2], "cohort_size": 1,
                         "value": [1.0, 1.0, 1.0], "base": 1.0})
    assert retention_reading(tidy, "en").startswith("- Across 1 cohort (1 account), ")
    assert retention_reading(tidy, "ja").startswith("- 1個のコホート（1アカウント）を合わせると")
    curve = pd.DataFrame({"age": [0, 1], "at_risk": [2, 1], "events": [0, 1], "censored": [1, 0],
                          "survival": [1.0, 0.0], "lower": [1.0, 0.0], "upper": [1.0, 0.0]})
    assert "- 1 account was still paying in the last month; it is censored" in survival_reading(curve, "en")


def test_the_data_view_keeps_the_raw_frame_folded_away_for_analysts(example):
    view = data_view(cohort_retention(example), "ja", "cohorts.cohort_retention(example)")._repr_html_()
    assert view.startswith('<details class="cskit-data"><summary>分析用のデータ（<code>cohorts.cohort_retention(example)</code>')
    assert "NaN" in view and scan_page(view, "ja") == []  # raw, but as code a reader opens on purpose
