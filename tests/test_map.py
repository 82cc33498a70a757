"""`cskit map`: a folder of real-looking CRM exports -> a proposed dataset.yml, exactly.

The folder below is what a CS team gets out of its tools: a Shift_JIS account report with a
3-row title block, one workbook with a teams sheet and an MRR sheet (below a title row), a
Salesforce opportunity export with English headers, a Parquet usage export, and a memo that
is no table. Every expected mapping is written out by hand.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
import yaml
from openpyxl import Workbook
from typer.testing import CliRunner

from cskit._yaml import read_content
from cskit.cli import app
from cskit.contract import TABLES
from cskit.io.propose import (
    Sheet, column_synonyms, find_header_row, match_headers, match_value, normalise, propose, value_synonyms,
)
from cskit.io.proposal_text import render_proposal, render_unmatched

ACCOUNTS_CSV = (
    "取引先レポート\n"
    "出力日,2026/11/30\n"
    "\n"
    "取引先ID,取引先名,担当チーム,営業チーム,契約開始,業種,備考\n"
    "A001,ノア製作所,cs1,fs1,2024-01-15,製造,\n"
    "A002,みどり商事,cs1,,2024-03-01,小売,重要\n"
)
OPPORTUNITIES_CSV = (
    "Opportunity ID,Account ID,Team,Opportunity Owner,Type,Lead Source,Created Date,Close Date,Stage,Amount,Probability (%)\n"
    "O1,A001,fs1,Sato,New Business,Web,2024-01-02,2024-01-15,Closed Won,600000,100\n"
    "O2,A002,fs1,Sato,renewal,Web,2024-02-02,2024-03-01,Closed Lost,0,0\n"
    "O3,A002,fs1,Ito,Renewal,Event,2024-02-02,,Prospecting,100000,10\n"
    "O4,,fs1,Ito,upsell,Event,2024-02-02,,On Hold,100000,10\n"
)


def _workbook(path: Path, with_mrr: bool = True) -> None:
    book = Workbook()
    teams = book.active
    teams.title = "チーム"
    for row in [("チームID", "役割", "チーム名"), ("cs1", "カスタマーサクセス", "CS一課"),
                ("fs1", "フィールドセールス", "営業一課"), ("is1", "inside_sales", "IS")]:
        teams.append(row)
    if with_mrr:
        mrr = book.create_sheet("月次売上")
        for row in [("月次売上（税抜）",), ("顧客ID", "対象月", "月額"), ("A001", "2026-01", 50000), ("A002", "2026-01", 30000)]:
            mrr.append(row)
    book.save(path)


def _exports(folder: Path, with_mrr: bool = True, accounts: str = ACCOUNTS_CSV) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "取引先レポート_20261130.csv").write_bytes(accounts.encode("cp932"))
    _workbook(folder / "CRMエクスポート.xlsx", with_mrr)
    (folder / "SF_商談エクスポート.csv").write_text(OPPORTUNITIES_CSV, encoding="utf-8-sig")
    usage = pd.DataFrame({"取引先ID": ["A001"], "対象月": ["2026-01"], "アクティブユーザー数": [8], "契約席数": [10]})
    usage.to_parquet(folder / "利用状況.parquet")
    (folder / "メモ.csv").write_text("メモ,記入者\n来月確認,佐藤\n", encoding="utf-8")
    return folder


EXPECTED = {
    "currency": "JPY",
    "columns": {
        "teams": {"team": "チームID", "role": "役割", "name_ja": "チーム名"},
        "accounts": {"account_id": "取引先ID", "account_name": "取引先名", "team": "担当チーム", "sales_team": "営業チーム",
                     "contract_start": "契約開始", "industry": "業種"},
        "mrr": {"account_id": "顧客ID", "month": "対象月", "mrr": "月額"},
        "opportunities": {"opportunity_id": "Opportunity ID", "account_id": "Account ID", "team": "Team",
                          "owner": "Opportunity Owner", "type": "Type", "source": "Lead Source",
                          "created_date": "Created Date", "close_date": "Close Date", "stage": "Stage", "amount": "Amount"},
        "usage": {"account_id": "取引先ID", "month": "対象月", "active_users": "アクティブユーザー数", "licensed_seats": "契約席数"},
    },
    "values": {
        "teams": {"role": {"カスタマーサクセス": "cs", "フィールドセールス": "field_sales"}},
        "opportunities": {"type": {"New Business": "new", "Renewal": "renewal"},
                          "stage": {"Closed Won": "won", "Closed Lost": "lost", "Prospecting": "open"}},
    },
    "tables": {
        "teams": {"file": "CRMエクスポート.xlsx"},
        "accounts": {"file": "取引先レポート_20261130.csv", "header_row": 4},
        "mrr": {"file": "CRMエクスポート.xlsx", "sheet": "月次売上", "header_row": 2},
        "opportunities": {"file": "SF_商談エクスポート.csv"},
        "usage": {"file": "利用状況.parquet"},
    },
}


def _map(folder: Path, *options: str):
    return CliRunner().invoke(app, ["map", "--data", str(folder), *options])


@pytest.fixture
def exports(tmp_path) -> Path:
    return _exports(tmp_path / "crm")


# --------------------------------------------------------------------------- #
# The proposal, exactly
# --------------------------------------------------------------------------- #
def test_the_exports_get_the_hand_written_mapping_and_exit_0(exports):
    result = _map(exports, "--lang", "en")
    assert result.exit_code == 0, result.output
    assert yaml.safe_load(result.stdout) == EXPECTED
    assert not (exports / "dataset.yml").exists()  # printed only, without --write


def test_the_proposal_round_trips_into_contract_names(exports):
    config = yaml.safe_load(_map(exports, "--lang", "ja").stdout)
    assert set(config) <= {"currency", "as_of", "columns", "values", "tables"}
    for section in ("columns", "values", "tables"):
        assert set(config[section]) <= set(TABLES)
    for table, columns in config["columns"].items():
        assert set(columns) <= {c.name for c in TABLES[table].columns}
    for table, columns in config["values"].items():
        for column, mapping in columns.items():
            assert TABLES[table].column(column).kind == "enum"
            assert set(mapping.values()) <= set(TABLES[table].column(column).allowed)


@pytest.mark.parametrize("lang,lines", [
    ("en", ["    account_id: 取引先ID  # synonym: 取引先ID",
            "    contract_start: 契約開始  # fuzzy: 契約開始 ~ 契約開始日 (similarity 0.89)",
            "    opportunity_id: Opportunity ID  # normalised: Opportunity ID = opportunity_id",
            "      Closed Won: won  # synonym: Closed Won",
            "      Renewal: renewal  # normalised: Renewal = renewal",
            "  accounts:  # by its headers: 取引先レポート_20261130.csv (6 of 10 columns matched)",
            "  mrr:  # by its headers: CRMエクスポート.xlsx [月次売上] (3 of 3 columns matched)",
            "currency: JPY  # the default; change it if your amounts are in another currency"]),
    ("ja", ["    account_id: 取引先ID  # 同義語: 取引先ID",
            "    contract_start: 契約開始  # あいまい一致: 契約開始 ~ 契約開始日（類似度 0.89）",
            "    opportunity_id: Opportunity ID  # 表記ゆれ: Opportunity ID = opportunity_id",
            "      Closed Won: won  # 同義語: Closed Won",
            "      Renewal: renewal  # 表記ゆれ: Renewal = renewal",
            "  accounts:  # 見出しから判定: 取引先レポート_20261130.csv（10 列中 6 列が一致）",
            "  mrr:  # 見出しから判定: CRMエクスポート.xlsx [月次売上]（3 列中 3 列が一致）",
            "currency: JPY  # 既定値。金額がほかの通貨なら書き換えてください"]),
])
def test_every_line_says_which_kind_of_match_in_the_users_language(exports, lang, lines):
    # 契約開始 ~ 契約開始日: 4 shared characters in 4 + 5, ratio 2 * 4 / 9 = 0.89
    output = _map(exports, "--lang", lang).stdout.splitlines()
    for line in lines:
        assert line in output
    # exact matches ("renewal", "inside_sales") need no line
    assert not [line for line in output if line.strip().startswith(("renewal:", "inside_sales:"))]


@pytest.mark.parametrize("lang,tail", [
    ("en", ["# --- Not matched ---",
            "# accounts (取引先レポート_20261130.csv): headers not placed: 備考",
            "# opportunities (SF_商談エクスポート.csv): headers not placed: Probability (%)",
            "# opportunities.stage: values not placed on open / won / lost: On Hold",
            "# files not matched to any table: メモ.csv"]),
    ("ja", ["# --- 一致しなかったもの ---",
            "# accounts（取引先レポート_20261130.csv）: どの列にも当てはまらない見出し: 備考",
            "# opportunities（SF_商談エクスポート.csv）: どの列にも当てはまらない見出し: Probability (%)",
            "# opportunities.stage: 契約の値（open / won / lost）に当てはまらない値: On Hold",
            "# どの表とも判定できなかったファイル: メモ.csv"]),
])
def test_what_could_not_be_placed_is_listed_after_the_proposal(exports, lang, tail):
    assert _map(exports, "--lang", lang).stdout.splitlines()[-len(tail):] == tail


def test_a_missing_required_table_exits_2_and_still_shows_the_proposal(tmp_path):
    folder = _exports(tmp_path / "crm", with_mrr=False)
    result = _map(folder, "--lang", "en")
    assert result.exit_code == 2
    config = yaml.safe_load(result.stdout)
    assert "mrr" not in config["tables"] and config["tables"]["accounts"]["header_row"] == 4
    assert "# required table mrr (or subscriptions): no file found" in result.stdout.splitlines()
    assert "Traceback" not in result.output


def test_a_missing_required_column_exits_2_and_names_it(tmp_path):
    folder = _exports(tmp_path / "crm", accounts=ACCOUNTS_CSV.replace("担当チーム", "メモ欄"))
    result = _map(folder, "--lang", "ja")
    assert result.exit_code == 2
    assert "# accounts（取引先レポート_20261130.csv）: 必須の列 team に当たる見出しがありません" in result.stdout.splitlines()
    assert "team" not in yaml.safe_load(result.stdout)["columns"]["accounts"]


# --------------------------------------------------------------------------- #
# --write and --force
# --------------------------------------------------------------------------- #
def test_write_saves_the_proposal_and_never_replaces_a_file_without_force(exports):
    first = _map(exports, "--lang", "en", "--write")
    assert first.exit_code == 0
    path = exports / "dataset.yml"
    assert yaml.safe_load(path.read_text(encoding="utf-8")) == EXPECTED
    assert "Not matched" not in path.read_text(encoding="utf-8")  # the file holds the proposal only
    assert f"Wrote the proposal to {path}." in first.stderr
    path.write_text("currency: USD\nas_of: 2026-10-31\n", encoding="utf-8")
    again = _map(exports, "--lang", "en", "--write")
    assert again.exit_code == 2
    assert f"{path} already exists; add --force to overwrite it." in again.stderr
    assert path.read_text(encoding="utf-8") == "currency: USD\nas_of: 2026-10-31\n"
    assert list(exports.glob(".*.tmp")) == []
    forced = _map(exports, "--lang", "en", "--write", "--force")
    assert forced.exit_code == 0
    written = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert written == {**EXPECTED, "currency": "USD", "as_of": pd.Timestamp("2026-10-31").date()}
    assert "as_of: 2026-10-31  # kept from the existing dataset.yml" in path.read_text(encoding="utf-8").splitlines()


def test_an_incomplete_proposal_is_not_written(tmp_path):
    folder = _exports(tmp_path / "crm", with_mrr=False)
    result = _map(folder, "--lang", "ja", "--write")
    assert result.exit_code == 2
    assert "dataset.yml は書き出していません" in result.stderr
    assert not (folder / "dataset.yml").exists()


def test_a_folder_without_exports_is_an_input_error(tmp_path):
    (tmp_path / "empty").mkdir()
    result = _map(tmp_path / "empty", "--lang", "en")
    assert result.exit_code == 2 and "No .csv, .xlsx or .parquet file in" in result.stderr
    assert _map(tmp_path / "nowhere", "--lang", "en").exit_code == 2


def test_an_unreadable_file_is_named_and_the_rest_still_proposed(exports):
    (exports / "壊れた.xlsx").write_bytes(b"not a zip")
    result = _map(exports, "--lang", "en")
    assert result.exit_code == 0
    assert "壊れた.xlsx: could not be read, so it is left out of the proposal" in result.stderr
    assert yaml.safe_load(result.stdout) == EXPECTED


def test_a_dataset_in_contract_form_needs_no_mapping(sample_dir):
    result = _map(sample_dir, "--lang", "en")
    assert result.exit_code == 0
    # the sample's own dataset.yml gives currency and as_of; they are kept, and nothing needs mapping
    assert yaml.safe_load(result.stdout) == {"currency": "JPY", "as_of": dt.date(2026, 10, 31)}
    assert "# accounts: by its file name: accounts.csv" in result.stdout.splitlines()


# --------------------------------------------------------------------------- #
# Subscriptions: 月額 is monthly, 契約期間 is no billing period
# --------------------------------------------------------------------------- #
def _subscriptions(*headers: str) -> list[Sheet]:
    accounts = Sheet("accounts.csv", (("account_id", "team"), ("A1", "cs1")))
    return [accounts, Sheet("契約一覧.csv", (headers, ("S1", "A1", "2026-01-01", "", "120000", "12")))]


def test_a_subscriptions_export_stands_in_for_mrr():
    proposal = propose(_subscriptions("契約ID", "取引先ID", "契約開始日", "解約日", "請求額", "請求周期（月）"))
    assert proposal.complete and proposal.missing_tables == []
    assert proposal.to_config()["columns"]["subscriptions"] == {
        "subscription_id": "契約ID", "account_id": "取引先ID", "start_date": "契約開始日", "end_date": "解約日",
        "amount": "請求額", "billing_period_months": "請求周期（月）"}


@pytest.mark.parametrize("existing,shown", [({}, True), ({"as_of": "2026-10-31"}, False)])
def test_a_subscriptions_proposal_asks_for_the_export_date(existing, shown):
    # the window of subscriptions ends at as_of, which no header carries: the proposal asks for it
    text = render_proposal(propose(_subscriptions("契約ID", "取引先ID", "開始日", "終了日", "金額", "請求周期（月）"), existing),
                           "en", "export")
    assert ("# as_of: YYYY-MM-DD  # write the day the data was exported" in text) is shown
    assert yaml.safe_load(text).get("as_of") == existing.get("as_of")


def test_a_monthly_amount_is_not_an_amount_per_billing_period():
    proposal = propose(_subscriptions("契約ID", "取引先ID", "開始日", "終了日", "月額", "契約期間"))
    table = proposal.tables["subscriptions"]
    assert table.missing == ["amount"] and table.unplaced_headers == ["月額", "契約期間"]
    assert not proposal.complete


# --------------------------------------------------------------------------- #
# The pieces
# --------------------------------------------------------------------------- #
def test_headers_match_exactly_then_normalised_then_by_synonym_then_fuzzily():
    matches = match_headers(["account_id", "ＴＥＡＭ", "契約日", "Industy", "住所"], TABLES["accounts"])
    assert [(m.found, m.target, m.kind) for m in matches] == [
        ("account_id", "account_id", "exact"), ("ＴＥＡＭ", "team", "normalised"),
        ("契約日", "contract_start", "synonym"), ("Industy", "industry", "fuzzy")]
    assert matches[-1].ratio == 0.93  # industy ~ industry: 2 * 7 / 15


def test_a_header_goes_to_one_column_and_the_stronger_match_wins():
    # "team" is accounts.team exactly; 営業チーム is sales_team's synonym, not a second team
    matches = match_headers(["営業チーム", "team"], TABLES["accounts"])
    assert [(m.found, m.target) for m in matches] == [("team", "team"), ("営業チーム", "sales_team")]


def test_normalising_treats_width_case_and_separators_alike():
    assert normalise("Account-ID") == normalise("account id") == normalise("ＡＣＣＯＵＮＴ＿ＩＤ") == "account_id"
    assert normalise("契約 開始日") != normalise("契約開始日")  # a space inside a word stays a separator


def test_values_map_by_synonym_normalised_and_fuzzy_and_unknown_ones_stay_unplaced():
    stage = value_synonyms("opportunities", "stage")
    assert match_value("受注", stage).target == "won"
    assert match_value(" WON ", stage).kind == "normalised"
    assert (match_value("Closed Wonn", stage).target, match_value("Closed Wonn", stage).kind) == ("won", "fuzzy")
    assert match_value("保留", stage) is None


@pytest.mark.parametrize("rows,header", [
    ([["取引先一覧"], ["出力日", "2026/11/30"], [], ["取引先ID", "担当"], ["A1", "cs1"]], 4),
    ([["期間", "2026-01", "～", "2026-10"], ["id", "month", "mrr"], ["A1", "2026-01", "10"], ["A2", "2026-01", "20"]], 2),
    ([["account_id", "team"], ["A1", "cs1"]], 1),
    ([], 1),
])
def test_the_header_row_is_found_below_a_title_block(rows, header):
    assert find_header_row(rows) == header


def test_the_text_parses_back_to_the_config(exports):
    from cskit.io.scan import propose_dataset

    proposal, _ = propose_dataset(exports)
    assert yaml.safe_load(render_proposal(proposal, "ja", exports)) == proposal.to_config() == EXPECTED
    assert yaml.safe_load(render_unmatched(proposal, "en")) is None  # comments only


# --------------------------------------------------------------------------- #
# columns.yml
# --------------------------------------------------------------------------- #
def test_columns_yml_labels_every_contract_column_in_both_languages():
    tables = read_content("columns.yml")["tables"]
    assert set(tables) == set(TABLES)
    for name, table in TABLES.items():
        assert set(tables[name]) == {c.name for c in table.columns}, name
        for column in table.columns:
            assert set(tables[name][column.name]["label"]) == {"ja", "en"}, (name, column.name)


def test_no_synonym_names_two_columns_of_one_table():
    for name, table in TABLES.items():
        owners: dict[str, str] = {}
        for column in table.columns:
            for synonym in {normalise(s) for s in column_synonyms(name, column.name)} | {column.name}:
                assert owners.setdefault(synonym, column.name) == column.name, (name, synonym)


def test_value_synonyms_name_choice_columns_and_their_values_once():
    for name, columns in read_content("columns.yml")["values"].items():
        for column, values in columns.items():
            assert TABLES[name].column(column).kind == "enum"
            assert set(values) <= set(TABLES[name].column(column).allowed), (name, column)
            seen = [normalise(s) for synonyms in values.values() for s in synonyms]
            assert len(seen) == len(set(seen)), (name, column)
