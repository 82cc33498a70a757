"""Every per-role fact, in one table: :data:`ROLE_TABLE`.

A team's role (``teams.role``) decides which accounts it owns, which notebooks it gets
a report of, which KPIs head its index page, which funnel stages it is counted on,
which target examples it is shown, where it stands in The Model and in the pay chart,
and which aptitude-quiz group it belongs to. Those facts used to be literals spread
over the contract, the reports, the funnel, the charts and the widgets; they are
declared here once and every consumer reads them:

=======================  ==========================================================
consumer                 reads
=======================  ==========================================================
``cskit.contract``       :data:`ROLE_IDS` (``teams.role`` choices), :data:`SALES_ROLES`
``cskit.report.plan``    ``notebooks``, ``headline_kpis``, ``name_key``
``cskit.kpi.funnel``     ``funnel_stages`` (:func:`team_stages`), ``moves_into``
                         (:func:`stage_owners`)
``cskit.plots.targets``  :data:`ROLE_IDS` (colours), :data:`SALES_ROLES`, ``short_name_key``
``cskit.plots.roles``    :data:`PAY_CHART_ORDER`
``cskit.widgets``        ``target_examples``, :data:`QUIZ_GROUPS`, :data:`QUIZ_ROLE`
``cskit.roles``          :data:`ROLE_IDS`, :func:`resolve_role`, :data:`MODEL_ORDER`
=======================  ==========================================================

This module imports nothing from cskit, so anything (the contract first) can import it.
The role *content* (names, purpose, skills, pay ...) is text and lives in
``cskit/content/roles.{ja,en}.yml``; its ``roles`` section is keyed by :data:`ROLE_IDS`.

Examples
--------
>>> ROLE_TABLE["field_sales"].account_column
'sales_team'
>>> per_role("headline_kpis")["support"]
('tickets_opened', 'resolution_rate')
"""
from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "Role", "ROLE_TABLE", "ROLE_IDS", "SALES_ROLES", "MODEL_ORDER", "PAY_CHART_ORDER", "QUIZ_GROUPS",
    "QUIZ_ROLE", "ALIASES", "per_role", "resolve_role", "stage_owners", "team_stages",
]

#: A target example: (KPI id, amount, months to the deadline, parent KPI id or None).
TargetExample = tuple[str, str, int, "str | None"]


@dataclass(frozen=True)
class Role:
    """What cskit knows about one role, apart from its text.

    Attributes
    ----------
    id : str
        The value of ``teams.role``.
    is_sales : bool
        Inside or field sales: owns the accounts it sold (``accounts.sales_team``).
    notebooks : tuple of str
        Notebook numbers a team of this role gets a report of.
    headline_kpis : tuple of str
        KPI registry ids shown for the team on the report index pages.
    funnel_stages : tuple of str
        Stages of The Model funnel a team of this role is counted on.
    moves_into : tuple of str
        Stages whose entries this role's work creates (the stage's owner).
    target_examples : tuple of TargetExample
        Static SMART examples: a well-written one, an ambiguous one, a flawed one.
    model_position : int
        Where the role meets the customer in The Model (1 = first).
    pay_chart_position : int
        Row of the role in the pay-range chart (1 = top).
    quiz_group : str or None
        The aptitude quiz's group whose name this role gives (``"sales"`` for field sales).
    aliases : tuple of str
        Other ids accepted for the role (the sources and the quiz say ``sales``).
    name_key, short_name_key : str
        Message keys of the role's name on report pages and its short name in charts.
    """

    id: str
    is_sales: bool
    notebooks: tuple[str, ...]
    headline_kpis: tuple[str, ...]
    funnel_stages: tuple[str, ...]
    moves_into: tuple[str, ...]
    target_examples: tuple[TargetExample, ...]
    model_position: int
    pay_chart_position: int
    quiz_group: str | None
    aliases: tuple[str, ...]
    name_key: str
    short_name_key: str

    @property
    def account_column(self) -> str:
        """Column of ``accounts`` that assigns accounts to a team of this role."""
        return "sales_team" if self.is_sales else "team"


#: The roles, in the order of ``teams.role``'s choices and of the knowledge base.
ROLE_TABLE: dict[str, Role] = {role.id: role for role in (
    Role(
        id="cs", is_sales=False,
        notebooks=("01", "02", "03", "04"),
        headline_kpis=("mrr", "nrr_12m", "logo_churn_rate"),
        funnel_stages=("won", "retained_12m", "expanded"),
        moves_into=("retained_12m", "expanded"),
        target_examples=(("logo_churn_rate", "-10%", 12, "grr_12m"), ("logo_churn_rate", "10%", 12, "grr_12m"),
                         ("nrr_12m", "+30pt", 3, "mrr")),
        model_position=4, pay_chart_position=2, quiz_group="cs", aliases=("customer_success",),
        name_key="report.role.cs", short_name_key="plot.role_short.cs",
    ),
    Role(
        id="inside_sales", is_sales=True,
        notebooks=("01", "02", "03", "04"),
        headline_kpis=("contacts", "contact_rate", "meeting_conversion_rate"),
        funnel_stages=("leads", "meetings"),
        moves_into=("meetings",),
        target_examples=(("contact_rate", "+2pt", 9, "meeting_conversion_rate"),
                         ("contact_rate", "10%", 9, "meeting_conversion_rate"), ("contacts", "+200%", 2, "grr_12m")),
        model_position=2, pay_chart_position=4, quiz_group=None, aliases=(),
        name_key="report.role.inside_sales", short_name_key="plot.role_short.inside_sales",
    ),
    Role(
        id="field_sales", is_sales=True,
        notebooks=("01", "02", "03", "04"),
        headline_kpis=("win_rate", "new_customers", "mrr"),
        funnel_stages=("opportunities", "won", "retained_12m", "expanded"),
        moves_into=("opportunities", "won"),
        target_examples=(("win_rate", "+1pt", 12, "new_customers"), ("win_rate", "10%", 12, "new_customers"),
                         ("new_customers", "+200%", 3, "nrr_12m")),
        model_position=3, pay_chart_position=1, quiz_group="sales", aliases=("sales",),
        name_key="report.role.field_sales", short_name_key="plot.role_short.field_sales",
    ),
    Role(
        id="support", is_sales=False,
        notebooks=("01", "02", "03"),
        headline_kpis=("tickets_opened", "resolution_rate"),
        funnel_stages=(),
        moves_into=(),
        target_examples=(("median_first_response_hours", "-10%", 12, "csat"), ("resolution_rate", "1%", 12, "csat"),
                         ("tickets_opened", "-80%", 30, "mrr")),
        model_position=5, pay_chart_position=3, quiz_group="support", aliases=("customer_support",),
        name_key="report.role.support", short_name_key="plot.role_short.support",
    ),
    Role(
        id="marketing", is_sales=False,
        notebooks=("01", "02", "03"),
        headline_kpis=("leads_created", "cac"),
        funnel_stages=("leads",),
        moves_into=("leads",),
        target_examples=(("leads_created", "+10%", 12, "meeting_conversion_rate"),
                         ("leads_created", "15%", 12, "meeting_conversion_rate"), ("leads_created", "+400%", 30, "nrr_12m")),
        model_position=1, pay_chart_position=5, quiz_group=None, aliases=(),
        name_key="report.role.marketing", short_name_key="plot.role_short.marketing",
    ),
)}

#: Role ids, in table order (``teams.role``'s choices, the knowledge base's ``roles``).
ROLE_IDS: tuple[str, ...] = tuple(ROLE_TABLE)

#: Roles that own the accounts they sold (``accounts.sales_team``).
SALES_ROLES: tuple[str, ...] = tuple(r.id for r in ROLE_TABLE.values() if r.is_sales)

#: Roles in the order a prospect meets them in The Model (marketing first, support last).
MODEL_ORDER: tuple[str, ...] = tuple(sorted(ROLE_IDS, key=lambda r: ROLE_TABLE[r].model_position))

#: Roles top to bottom in the pay-range chart.
PAY_CHART_ORDER: tuple[str, ...] = tuple(sorted(ROLE_IDS, key=lambda r: ROLE_TABLE[r].pay_chart_position))

#: Groups the aptitude quiz scores, in tie-break order (``cs``, ``sales``, ``support``).
QUIZ_GROUPS: tuple[str, ...] = tuple(r.quiz_group for r in ROLE_TABLE.values() if r.quiz_group)

#: The role whose name each quiz group is shown with.
QUIZ_ROLE: dict[str, str] = {r.quiz_group: r.id for r in ROLE_TABLE.values() if r.quiz_group}

#: Other ids accepted for a role -> the role id.
ALIASES: dict[str, str] = {alias: r.id for r in ROLE_TABLE.values() for alias in r.aliases}


def per_role(attribute: str) -> dict[str, object]:
    """``{role id: that role's attribute}`` in table order.

    Examples
    --------
    >>> per_role("is_sales")["inside_sales"]
    True
    """
    return {role.id: getattr(role, attribute) for role in ROLE_TABLE.values()}


def resolve_role(role: str) -> str | None:
    """The role id of ``role`` or of its alias; ``None`` for anything else.

    Examples
    --------
    >>> resolve_role("sales"), resolve_role("cs"), resolve_role("ninja")
    ('field_sales', 'cs', None)
    """
    role = ALIASES.get(role, role)
    return role if role in ROLE_TABLE else None


def stage_owners(stages: tuple[str, ...]) -> dict[str, str]:
    """``{stage: the role whose work moves people into it}``, in the order of ``stages``.

    Examples
    --------
    >>> stage_owners(("leads", "won"))
    {'leads': 'marketing', 'won': 'field_sales'}
    """
    owner = {stage: role.id for role in ROLE_TABLE.values() for stage in role.moves_into}
    return {stage: owner[stage] for stage in stages}


def team_stages(stages: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """``{"all": stages, role id: the stages a team of that role is counted on}``.

    Examples
    --------
    >>> team_stages(("leads", "meetings"))["inside_sales"]
    ('leads', 'meetings')
    """
    return {"all": tuple(stages), **per_role("funnel_stages")}
