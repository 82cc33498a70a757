"""A corpus of broken datasets: a small valid dataset plus one mutation each.

Each case names what a user must be told: the file, the row (spreadsheet numbering,
header = row 1) and the column, and the message id. Cases that cskit can read safely
(spaces, full-width digits, thousands separators, BOM) are in ``NORMALISED_CASES``:
they load, with a warning.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

BASE = {
    "teams.csv": "team,role,name_ja,name_en\ncs1,cs,CS1,CS one\nfs1,field_sales,営業1,Sales one\nsup,support,サポート,Support\n",
    "accounts.csv": (
        "account_id,account_name,team,sales_team,segment,touch_model,contract_start,industry,region\n"
        "A1,Acme,cs1,fs1,smb,tech,2024-01-05,it,kanto\n"
        "A2,Beta,cs1,fs1,mid,low,2024-02-01,retail,kansai\n"
        "A3,Gamma,cs1,fs1,enterprise,high,2024-01-10,finance,kanto\n"
    ),
    "mrr.csv": (
        "account_id,month,mrr\n"
        "A1,2024-01,1000\nA1,2024-02,1200\nA2,2024-02,500\nA2,2024-03,500\nA3,2024-01,9000\nA3,2024-03,9000\n"
    ),
    "surveys.csv": "response_id,account_id,date,survey,score\nR1,A1,2024-02-03,nps,9\nR2,A2,2024-03-03,csat,4\n",
    "onboarding.csv": "account_id,start_date,due_date,completed_date\nA1,2024-01-05,2024-02-05,2024-01-30\nA2,2024-02-01,2024-03-01,\n",
    "usage.csv": "account_id,month,active_users,licensed_seats\nA1,2024-01,3,10\nA1,2024-02,4,10\n",
    "opportunities.csv": (
        "opportunity_id,account_id,team,owner,type,source,created_date,close_date,stage,amount\n"
        "O1,A1,fs1,u1,new,web,2023-12-01,2024-01-03,won,12000\nO2,,fs1,u1,new,web,2024-01-10,,open,5000\n"
    ),
    "tickets.csv": (
        "ticket_id,account_id,team,channel,opened_at,first_response_at,resolved_at\n"
        "T1,A1,sup,email,2024-02-01 09:00,2024-02-01 10:00,2024-02-02 09:00\n"
    ),
    "costs.csv": "month,team,category,amount\n2024-01,fs1,sales,30000\n",
    "leads.csv": "lead_id,team,source,created_date,status\nL1,fs1,web,2024-01-02,open\n",
    "activities.csv": "activity_id,team,owner,date,channel,lead_id,account_id,outcome\nX1,fs1,u1,2024-01-03,call,L1,,connected\n",
}


@dataclass(frozen=True)
class Case:
    """One broken dataset: ``mutate(files)`` edits the dict of file name -> text or bytes."""

    name: str
    mutate: Callable[[dict], None]
    file: str
    code: str
    row: int | None = None
    column: str | None = None
    extra: dict = field(default_factory=dict)


def replace(file: str, old: str, new: str) -> Callable[[dict], None]:
    def apply(files: dict) -> None:
        assert old in files[file], (file, old)
        files[file] = files[file].replace(old, new, 1)

    return apply


def drop(file: str) -> Callable[[dict], None]:
    return lambda files: files.pop(file)


def set_file(file: str, content) -> Callable[[dict], None]:
    def apply(files: dict) -> None:
        files[file] = content

    return apply


def rename_file(old: str, new: str, content) -> Callable[[dict], None]:
    def apply(files: dict) -> None:
        files.pop(old)
        files[new] = content

    return apply


BROKEN_CASES = [
    Case("missing_accounts_file", drop("accounts.csv"), "accounts.csv", "data.file_missing"),
    Case("missing_mrr_file", drop("mrr.csv"), "mrr.csv", "data.revenue_missing"),
    Case("missing_column", replace("mrr.csv", "account_id,month,mrr", "account_id,month,revenue"), "mrr.csv", "data.column_missing", column=None),
    Case("bad_month", replace("mrr.csv", "A1,2024-02,1200", "A1,2024-13,1200"), "mrr.csv", "data.bad_month", 3, "month"),
    Case("month_as_date", replace("mrr.csv", "A2,2024-02,500", "A2,2024-02-01,500"), "mrr.csv", "data.bad_month", 4, "month"),
    Case("bad_date", replace("surveys.csv", "2024-02-03", "2024-02-30"), "surveys.csv", "data.bad_date", 2, "date"),
    Case("mixed_date_formats", replace("accounts.csv", "2024-02-01", "02/01/2024"), "accounts.csv", "data.bad_date", 3, "contract_start"),
    Case("excel_serial_date", replace("accounts.csv", "2024-01-10", "45301"), "accounts.csv", "data.excel_serial", 4, "contract_start"),
    Case("bad_timestamp", replace("tickets.csv", "2024-02-01 10:00", "yesterday"), "tickets.csv", "data.bad_timestamp", 2, "first_response_at"),
    Case("negative_mrr", replace("mrr.csv", "A2,2024-03,500", "A2,2024-03,-500"), "mrr.csv", "data.negative", 5, "mrr"),
    Case("text_in_mrr", replace("mrr.csv", "A3,2024-03,9000", "A3,2024-03,nine thousand"), "mrr.csv", "data.bad_number", 7, "mrr"),
    Case("infinite_mrr", replace("mrr.csv", "A3,2024-03,9000", "A3,2024-03,inf"), "mrr.csv", "data.bad_number", 7, "mrr"),
    Case("overflowing_mrr", replace("mrr.csv", "A2,2024-03,500", "A2,2024-03,1e400"), "mrr.csv", "data.bad_number", 5, "mrr"),
    Case("missing_mrr_value", replace("mrr.csv", "A3,2024-03,9000", "A3,2024-03,"), "mrr.csv", "data.value_missing", 7, "mrr"),
    Case("duplicate_account_id", replace("accounts.csv", "A2,Beta", "A1,Beta"), "accounts.csv", "data.duplicate_id", 3, "account_id"),
    Case("duplicate_mrr_month", replace("mrr.csv", "A1,2024-02,1200", "A1,2024-01,1200"), "mrr.csv", "data.duplicate_key", 3, "account_id+month"),
    Case("orphan_account_in_mrr", replace("mrr.csv", "A3,2024-03,9000", "A9,2024-03,9000"), "mrr.csv", "data.unknown_reference", 7, "account_id"),
    Case("orphan_account_in_surveys", replace("surveys.csv", "R2,A2", "R2,A7"), "surveys.csv", "data.unknown_reference", 3, "account_id"),
    Case("unknown_team", replace("accounts.csv", "A3,Gamma,cs1", "A3,Gamma,cs9"), "accounts.csv", "data.unknown_reference", 4, "team"),
    Case("nps_out_of_range", replace("surveys.csv", "nps,9", "nps,11"), "surveys.csv", "data.out_of_range", 2, "score"),
    Case("csat_out_of_range", replace("surveys.csv", "csat,4", "csat,0"), "surveys.csv", "data.out_of_range", 3, "score"),
    Case("completed_before_start", replace("onboarding.csv", "2024-01-30", "2023-12-30"), "onboarding.csv", "data.order", 2, "completed_date"),
    Case("closed_before_created", replace("opportunities.csv", "2023-12-01,2024-01-03", "2024-02-01,2024-01-03"), "opportunities.csv", "data.order", 2, "close_date"),
    Case("resolved_before_opened", replace("tickets.csv", "2024-02-02 09:00", "2024-01-31 09:00"), "tickets.csv", "data.order", 2, "resolved_at"),
    Case("unknown_enum_stage", replace("opportunities.csv", ",won,", ",closed_won,"), "opportunities.csv", "data.bad_enum", 2, "stage"),
    Case("unknown_role", replace("teams.csv", "sup,support", "sup,helpdesk"), "teams.csv", "data.bad_enum", 4, "role"),
    Case("unknown_outcome", replace("activities.csv", "connected", "picked_up"), "activities.csv", "data.bad_enum", 2, "outcome"),
    Case("active_above_seats", replace("usage.csv", "A1,2024-02,4,10", "A1,2024-02,14,10"), "usage.csv", "data.more_than", 3, "active_users"),
    Case("fractional_seats", replace("usage.csv", "A1,2024-01,3,10", "A1,2024-01,3,10.5"), "usage.csv", "data.not_integer", 2, "licensed_seats"),
    Case("absurd_negative_cost", replace("costs.csv", "30000", "-30000"), "costs.csv", "data.negative", 2, "amount"),
    Case("empty_file", set_file("usage.csv", ""), "usage.csv", "data.file_empty"),
    Case("header_only_mrr", set_file("mrr.csv", "account_id,month,mrr\n"), "mrr.csv", "data.no_rows"),
    Case("zero_byte_xlsx", rename_file("surveys.csv", "surveys.xlsx", b""), "surveys.xlsx", "data.file_empty"),
    Case("corrupt_xlsx", rename_file("surveys.csv", "surveys.xlsx", b"PK\x03\x04 not really a workbook"), "surveys.xlsx", "data.file_unreadable"),
    Case("not_text", set_file("leads.csv", b"\x00\xff\xfe\x80" * 50), "leads.csv", "data.file_unreadable"),
    Case("ragged_row", replace("leads.csv", "L1,fs1,web,2024-01-02,open", "L1,fs1,web,2024-01-02,open,extra,more"), "leads.csv", "data.file_unreadable"),
    Case("team_without_accounts", replace("teams.csv", "sup,support", "cs2,cs"), "teams.csv", "data.team_without_accounts", 4, "team"),
    Case("orphan_lead_in_activities", replace("activities.csv", ",L1,", ",L404,"), "activities.csv", "data.unknown_reference", 2, "lead_id"),
]

NORMALISED_CASES = [
    Case("thousands_separator", replace("mrr.csv", "A3,2024-01,9000", 'A3,2024-01,"9,000"'), "mrr.csv", "data.normalised", 6, "mrr"),
    Case("fullwidth_digits", replace("mrr.csv", "A3,2024-03,9000", "A3,2024-03,９０００"), "mrr.csv", "data.normalised", 7, "mrr"),
    Case("trailing_spaces_in_id", replace("mrr.csv", "A2,2024-03,500", "A2  ,2024-03,500"), "mrr.csv", "data.normalised", 5, "account_id"),
    Case("fullwidth_date", replace("surveys.csv", "2024-02-03", "２０２４-０２-０３"), "surveys.csv", "data.normalised", 2, "date"),
    # year-first dates with slashes, as Japanese CRMs write them
    Case("slashed_date", replace("surveys.csv", "2024-02-03", "2024/2/3"), "surveys.csv", "data.normalised", 2, "date"),
    Case("slashed_month", replace("mrr.csv", "A2,2024-02,500", "A2,2024/2,500"), "mrr.csv", "data.normalised", 4, "month"),
    Case("utf8_bom", lambda f: f.update({"accounts.csv": "\ufeff" + f["accounts.csv"]}), "accounts.csv", "data.encoding"),
    Case("shift_jis", lambda f: f.update({"teams.csv": f["teams.csv"].encode("cp932")}), "teams.csv", "data.encoding"),
]


def write_case(folder: Path, case: Case | None = None) -> Path:
    """Write the base dataset with ``case``'s mutation applied into ``folder``."""
    files = dict(BASE)
    if case is not None:
        case.mutate(files)
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = folder / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return folder
