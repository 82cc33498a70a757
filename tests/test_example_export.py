"""The Japanese CRM export in data/examples/crm_export_ja reads like the same data in contract form.

The example is written as a Japanese CRM would write it: Shift_JIS, Japanese headers and
stage names, a three-row title block above the accounts' header, thousands separators in
amounts, and a ``subscriptions`` table with monthly, annual and multi-year plans. Its
``dataset.yml`` maps it onto the contract. Here the contract form is built a second way, by
hand (pandas, a rename table written in this file), and every command must give the same
numbers on both.
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from cskit.cli import app
from cskit.io import load_dataset

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "data" / "examples" / "crm_export_ja"
AS_OF = "2026-10-31"

#: file -> (contract table, its headers -> contract columns, rows above the header)
FILES = {
    "チーム.csv": ("teams", {"チームコード": "team", "役割": "role", "チーム名": "name_ja"}, 0),
    "取引先レポート_20261031.csv": ("accounts", {
        "取引先ID": "account_id", "取引先名": "account_name", "担当チーム": "team", "受注チーム": "sales_team",
        "セグメント": "segment", "契約開始日": "contract_start", "業種": "industry", "地域": "region"}, 3),
    "契約一覧.csv": ("subscriptions", {
        "契約ID": "subscription_id", "取引先ID": "account_id", "開始日": "start_date", "終了日": "end_date",
        "金額": "amount", "請求周期（月）": "billing_period_months"}, 0),
    "商談.csv": ("opportunities", {
        "商談ID": "opportunity_id", "取引先ID": "account_id", "担当チーム": "team", "種別": "type",
        "作成日": "created_date", "完了日": "close_date", "フェーズ": "stage", "金額": "amount"}, 0),
}
VALUES = {
    "role": {"カスタマーサクセス": "cs", "フィールドセールス": "field_sales", "インサイドセールス": "inside_sales"},
    "type": {"新規": "new", "アップセル": "upsell", "更新": "renewal"},
    "stage": {"受注": "won", "失注": "lost", "商談中": "open"},
}


@pytest.fixture(scope="module")
def contract_form(tmp_path_factory) -> Path:
    """The same data with the contract's file names, headers and values, in UTF-8."""
    folder = tmp_path_factory.mktemp("contract_form")
    for file, (table, headers, skip) in FILES.items():
        frame = pd.read_csv(EXAMPLE / file, encoding="cp932", dtype=str, keep_default_na=False, skiprows=skip)
        frame = frame.rename(columns=headers)
        frame = frame.replace({column: VALUES[column] for column in VALUES if column in frame})
        if "amount" in frame:
            frame["amount"] = frame["amount"].str.replace(",", "", regex=False)
        frame.to_csv(folder / f"{table}.csv", index=False, encoding="utf-8")
    (folder / "dataset.yml").write_text(f"currency: JPY\nas_of: {AS_OF}\n", encoding="utf-8")
    return folder


def test_the_example_is_written_as_a_japanese_crm_writes_it():
    raw = (EXAMPLE / "取引先レポート_20261031.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    lines = raw.decode("cp932").splitlines()
    assert lines[0] == "取引先レポート" and lines[3].startswith("取引先ID,取引先名,担当チーム")
    plans = pd.read_csv(EXAMPLE / "契約一覧.csv", encoding="cp932", dtype=str)
    assert {"1", "12", "36"} <= set(plans["請求周期（月）"]) and plans["金額"].str.contains(",").any()
    assert set(pd.read_csv(EXAMPLE / "商談.csv", encoding="cp932", dtype=str)["フェーズ"]) == {"受注", "失注", "商談中"}


def test_validate_reads_every_table_as_the_contract_form(contract_form):
    mapped, plain = load_dataset(EXAMPLE), load_dataset(contract_form)
    assert sorted(mapped.tables) == sorted(plain.tables) == ["accounts", "mrr", "opportunities", "subscriptions", "teams"]
    for name in plain.tables:
        pd.testing.assert_frame_equal(mapped[name], plain[name], obj=name)
    assert list(mapped.months) == list(plain.months) and str(mapped.months[-1]) == "2026-10"
    result = CliRunner().invoke(app, ["validate", "--data", str(EXAMPLE), "--lang", "en"])
    assert result.exit_code == 0 and "valid dataset" in result.output
    first = pd.read_csv(EXAMPLE / "契約一覧.csv", encoding="cp932", dtype=str)["開始日"].min()[:7]  # the earliest start's month
    assert f"derived from 契約一覧.csv ({first} to 2026-10)" in result.output


def test_mrr_of_the_last_month_is_the_sum_of_the_plans_active_on_its_last_day():
    # a second route, row by row: amount / billing period for each plan active on 2026-10-31
    plans = pd.read_csv(EXAMPLE / "契約一覧.csv", encoding="cp932", dtype=str, keep_default_na=False)
    day = pd.Timestamp(AS_OF)
    expected = sum(float(row["金額"].replace(",", "")) / int(row["請求周期（月）"]) for _, row in plans.iterrows()
                   if pd.Timestamp(row["開始日"]) <= day and (row["終了日"] == "" or pd.Timestamp(row["終了日"]) > day))
    mrr = load_dataset(EXAMPLE)["mrr"]
    assert expected > 0
    assert mrr.loc[mrr["month"] == pd.Period("2026-10", "M"), "mrr"].sum() == pytest.approx(expected)


@pytest.mark.parametrize("command", [
    ["kpi", "--format", "csv"],
    ["kpi", "--team", "cs_east", "--format", "table", "--lang", "ja"],
    ["cohort", "--metric", "revenue"],
    ["cohort", "--team", "cs_west", "--period", "quarter"],
])
def test_commands_print_the_same_numbers_as_on_the_contract_form(contract_form, command):
    runner = CliRunner()
    mapped = runner.invoke(app, [*command, "--data", str(EXAMPLE)])
    plain = runner.invoke(app, [*command, "--data", str(contract_form)])
    assert mapped.exit_code == plain.exit_code == 0, mapped.output
    assert mapped.stdout == plain.stdout and len(mapped.stdout.splitlines()) > 5


@pytest.mark.notebooks
def test_the_report_shows_the_same_numbers_as_on_the_contract_form(contract_form, tmp_path):
    pages = {}
    for name, data in (("mapped", EXAMPLE), ("plain", contract_form)):
        out = tmp_path / name
        result = CliRunner().invoke(app, ["report", "--data", str(data), "--teams", "cs_east", "--notebooks", "02,04",
                                          "--lang", "ja", "--out", str(out), "--jobs", "1"])
        assert result.exit_code == 0, result.output
        pages[name] = {p.relative_to(out).as_posix(): _numbers(p.read_text(encoding="utf-8"))
                       for p in sorted(out.rglob("*.html")) if p.name != "index.html"}
    assert len(pages["mapped"]) >= 2 and pages["mapped"].keys() == pages["plain"].keys()
    for page, numbers in pages["mapped"].items():
        assert len(numbers) > 50 and numbers == pages["plain"][page], page


def _numbers(html: str) -> list[str]:
    """The figures a page shows (text outside tags and images), in order."""
    text = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    text = re.sub(r'src="data:[^"]*"', "", text)
    text = re.sub(r"<[^>]+>", " ", text)
    return re.findall(r"\d[\d,.]*\s*(?:%|万|億)?", text)
