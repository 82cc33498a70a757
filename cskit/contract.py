"""The data contract: which tables a dataset has, their columns, types and rules.

A dataset is one folder with one file per table (``<table>.csv``, ``.xlsx`` or
``.parquet``). This module only *describes* the contract; :mod:`cskit.io` reads files
and enforces it. ``data/README.md`` documents the same contract for people.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .roles.registry import ROLE_IDS, SALES_ROLES

#: Roles a team can have (``teams.role``): the ids of :data:`cskit.roles.registry.ROLE_TABLE`.
ROLES = ROLE_IDS


@dataclass(frozen=True)
class Column:
    """One column of a table.

    Parameters
    ----------
    name : str
        Column header.
    kind : {"id", "text", "enum", "date", "month", "timestamp", "number"}
        How the raw text is parsed.
    required : bool
        The column must be present in the file.
    nullable : bool
        Empty cells are allowed.
    allowed : tuple of str
        For ``kind="enum"``: the allowed values.
    low, high : float or None
        Inclusive bounds for numbers (money and counts have ``low=0``).
    integer : bool
        Numbers must be whole.
    references : str or None
        ``"table.column"`` the value must exist in (checked when that table is present).

    Examples
    --------
    >>> TABLES["mrr"].column("mrr")
    Column(name='mrr', kind='number', required=True, nullable=False, allowed=(), low=0, high=None, integer=False, references=None)
    """

    name: str
    kind: str = "text"
    required: bool = True
    nullable: bool = False
    allowed: tuple[str, ...] = ()
    low: float | None = None
    high: float | None = None
    integer: bool = False
    references: str | None = None


@dataclass(frozen=True)
class Table:
    """One table of the contract.

    Parameters
    ----------
    name : str
        File stem (``mrr`` for ``mrr.csv``).
    columns : tuple of Column
    required : bool
        The dataset is invalid without this table.
    unique : tuple of str
        Columns that together identify a row (duplicates are errors).
    ordered : tuple of (str, str)
        ``(earlier, later)`` column pairs: ``later`` must not be before ``earlier``.
    not_above : tuple of (str, str)
        ``(small, large)`` pairs: ``small`` must not exceed ``large``.
    description : dict
        ``{"ja": ..., "en": ...}`` one-line description.

    Examples
    --------
    >>> table = TABLES["usage"]
    >>> table.file_name, table.unique, table.not_above
    ('usage.csv', ('account_id', 'month'), (('active_users', 'licensed_seats'),))
    """

    name: str
    columns: tuple[Column, ...]
    required: bool = False
    unique: tuple[str, ...] = ()
    ordered: tuple[tuple[str, str], ...] = ()
    not_above: tuple[tuple[str, str], ...] = ()
    description: dict[str, str] = field(default_factory=dict)

    def column(self, name: str) -> Column:
        """The column called ``name`` (``StopIteration`` if there is none)."""
        return next(c for c in self.columns if c.name == name)

    @property
    def needs_rows(self) -> bool:
        """A file of this table must have data rows: a required table, or one of :data:`REVENUE_TABLES`."""
        return self.required or self.name in REVENUE_TABLES

    @property
    def file_name(self) -> str:
        """The CSV name messages use for the table (``mrr.csv``)."""
        return f"{self.name}.csv"


def _money(name: str, **kw) -> Column:
    return Column(name, "number", low=0, **kw)


def _count(name: str, **kw) -> Column:
    return Column(name, "number", low=0, integer=True, **kw)


ACCOUNT_REF = "accounts.account_id"
TEAM_REF = "teams.team"

TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "teams",
            (
                Column("team", "id"),
                Column("role", "enum", allowed=ROLES),
                Column("name_ja", required=False, nullable=True),
                Column("name_en", required=False, nullable=True),
            ),
            unique=("team",),
            description={"ja": "チームと役割", "en": "Teams and their roles"},
        ),
        Table(
            "accounts",
            (
                Column("account_id", "id"),
                Column("account_name", required=False, nullable=True),
                Column("team", "id", references=TEAM_REF),
                Column("sales_team", "id", required=False, nullable=True, references=TEAM_REF),
                Column("segment", required=False, nullable=True),
                Column("touch_model", "enum", required=False, nullable=True, allowed=("high", "low", "tech")),
                Column("contract_start", "date", required=False, nullable=True),
                Column("industry", required=False, nullable=True),
                Column("region", required=False, nullable=True),
                Column("owner", required=False, nullable=True),
            ),
            required=True,
            unique=("account_id",),
            description={"ja": "顧客アカウント（担当CSチーム・営業チーム）", "en": "Customer accounts with their CS and sales teams"},
        ),
        Table(
            "mrr",
            (
                Column("account_id", "id", references=ACCOUNT_REF),
                Column("month", "month"),
                _money("mrr"),
            ),
            unique=("account_id", "month"),
            description={"ja": "アカウント別・月別の MRR", "en": "Monthly recurring revenue per account and month"},
        ),
        Table(
            "subscriptions",
            (
                Column("subscription_id", "id"),
                Column("account_id", "id", references=ACCOUNT_REF),
                Column("start_date", "date"),
                Column("end_date", "date", nullable=True),
                _money("amount"),
                Column("billing_period_months", "number", required=False, low=1, integer=True),
            ),
            unique=("subscription_id",),
            ordered=(("start_date", "end_date"),),
            description={"ja": "契約（サブスクリプション）。月別 MRR はここから算出", "en": "Subscriptions, from which the monthly MRR is derived"},
        ),
        Table(
            "opportunities",
            (
                Column("opportunity_id", "id"),
                Column("account_id", "id", nullable=True, references=ACCOUNT_REF),
                Column("team", "id", references=TEAM_REF),
                Column("owner", required=False, nullable=True),
                Column("type", "enum", allowed=("new", "upsell", "cross_sell", "renewal")),
                Column("source", required=False, nullable=True),
                Column("created_date", "date"),
                Column("close_date", "date", nullable=True),
                Column("stage", "enum", allowed=("open", "won", "lost")),
                _money("amount", nullable=True),
            ),
            unique=("opportunity_id",),
            ordered=(("created_date", "close_date"),),
            description={"ja": "商談（案件）", "en": "Sales opportunities"},
        ),
        Table(
            "leads",
            (
                Column("lead_id", "id"),
                Column("team", "id", references=TEAM_REF),
                Column("source", required=False, nullable=True),
                Column("created_date", "date"),
                Column("status", required=False, nullable=True),
            ),
            unique=("lead_id",),
            description={"ja": "リード（見込み客）", "en": "Leads"},
        ),
        Table(
            "activities",
            (
                Column("activity_id", "id"),
                Column("team", "id", references=TEAM_REF),
                Column("owner", required=False, nullable=True),
                Column("date", "date"),
                Column("channel", "enum", allowed=("call", "email", "meeting")),
                Column("lead_id", "id", nullable=True, references="leads.lead_id"),
                Column("account_id", "id", nullable=True, references=ACCOUNT_REF),
                Column(
                    "outcome",
                    "enum",
                    allowed=("no_answer", "connected", "sent", "opened", "replied", "meeting_set", "held", "no_show"),
                ),
            ),
            unique=("activity_id",),
            description={"ja": "営業活動（電話・メール・商談）", "en": "Sales activities (calls, emails, meetings)"},
        ),
        Table(
            "usage",
            (
                Column("account_id", "id", references=ACCOUNT_REF),
                Column("month", "month"),
                _count("active_users"),
                _count("licensed_seats"),
            ),
            unique=("account_id", "month"),
            not_above=(("active_users", "licensed_seats"),),
            description={"ja": "利用状況（アクティブユーザー数・契約席数）", "en": "Product usage (active users, licensed seats)"},
        ),
        Table(
            "onboarding",
            (
                Column("account_id", "id", references=ACCOUNT_REF),
                Column("start_date", "date"),
                Column("due_date", "date"),
                Column("completed_date", "date", nullable=True),
            ),
            ordered=(("start_date", "due_date"), ("start_date", "completed_date")),
            description={"ja": "オンボーディング", "en": "Onboarding projects"},
        ),
        Table(
            "surveys",
            (
                Column("response_id", "id"),
                Column("account_id", "id", references=ACCOUNT_REF),
                Column("date", "date"),
                Column("survey", "enum", allowed=("nps", "csat")),
                Column("score", "number", integer=True),
            ),
            unique=("response_id",),
            description={"ja": "アンケート回答（NPS・CSAT）", "en": "Survey responses (NPS, CSAT)"},
        ),
        Table(
            "tickets",
            (
                Column("ticket_id", "id"),
                Column("account_id", "id", nullable=True, references=ACCOUNT_REF),
                Column("team", "id", references=TEAM_REF),
                Column("channel", required=False, nullable=True),
                Column("opened_at", "timestamp"),
                Column("first_response_at", "timestamp", nullable=True),
                Column("resolved_at", "timestamp", nullable=True),
            ),
            unique=("ticket_id",),
            ordered=(("opened_at", "first_response_at"), ("opened_at", "resolved_at")),
            description={"ja": "問い合わせチケット", "en": "Support tickets"},
        ),
        Table(
            "costs",
            (
                Column("month", "month"),
                Column("team", "id", references=TEAM_REF),
                Column("category", "enum", allowed=("sales", "marketing")),
                _money("amount"),
            ),
            unique=("month", "team", "category"),
            description={"ja": "営業・マーケティング費用", "en": "Sales and marketing costs"},
        ),
    )
}

#: The tables a dataset's revenue comes from: exactly one of them (``subscriptions`` is turned
#: into ``mrr`` by :mod:`cskit.io.subscriptions`). Neither is ``required``; the loader checks this.
REVENUE_TABLES = ("mrr", "subscriptions")

#: Score ranges per survey type (``surveys.score`` depends on ``surveys.survey``).
SURVEY_SCORE_RANGE = {"nps": (0, 10), "csat": (1, 5)}

#: File types the loader reads, in order of preference when several share a stem.
FILE_SUFFIXES = (".csv", ".xlsx", ".parquet")
