"""Display pieces of notebook 01 (roles, The Model funnel), in ja or en.

Each function turns the role knowledge base (:mod:`cskit.roles.content`), the KPI
registry or a funnel (:func:`cskit.kpi.funnel.model_funnel`) into something a notebook
shows: a pandas ``Styler`` without index, a DataFrame or a Markdown string. Nothing
here computes a number of its own; the notebook stays a list of calls.

Every public function checks its ``lang`` once (:func:`cskit.options.check_lang`);
message keys are written out in full (the ``*_KEYS`` tables below), so a search for a
key finds every place that shows it.

Examples
--------
>>> role_name("inside_sales", "en")
'Inside Sales (IS)'
"""
from __future__ import annotations

import html
import math

import pandas as pd

from ..i18n import t
from ..kpi.funnel import STAGES, TEAM_STAGES
from ..kpi.registry import get_kpi
from ..numbers import format_large
from ..options import AUDIENCES, check_choice, check_lang
from .content import comparison_table, load_knowledge, role_profile
from .funnel_text import STAGE_KEYS, entered_notes, ownership_lines
from .registry import MODEL_ORDER

#: Name of each audience (:data:`cskit.options.AUDIENCES`) in the setup line.
AUDIENCE_KEYS = {"trainer": "roles.view.audience.trainer", "new_hire": "roles.view.audience.new_hire"}

#: Teaching note of each (audience, section) of notebook 01.
NOTE_KEYS = {
    ("trainer", "model"): "roles.note.trainer.model",
    ("new_hire", "model"): "roles.note.new_hire.model",
    ("trainer", "compare"): "roles.note.trainer.compare",
    ("new_hire", "compare"): "roles.note.new_hire.compare",
    ("trainer", "funnel"): "roles.note.trainer.funnel",
    ("new_hire", "funnel"): "roles.note.new_hire.funnel",
    ("trainer", "exercises"): "roles.note.trainer.exercises",
    ("new_hire", "exercises"): "roles.note.new_hire.exercises",
}

#: How a case figure or an answer is written in each unit.
UNIT_KEYS = {
    "rate": "roles.unit.rate",
    "rate_monthly": "roles.unit.rate_monthly",
    "rate_yearly": "roles.unit.rate_yearly",
    "ratio_min": "roles.unit.ratio_min",
    "usd": "roles.unit.money",
    "jpy": "roles.unit.money",
    "people": "roles.unit.people",
    "teams": "roles.unit.teams",
    "times": "roles.unit.times",
}

#: Units of :data:`UNIT_KEYS` whose value is a fraction, shown as a percentage.
PERCENT_UNITS = ("rate", "rate_monthly", "rate_yearly", "ratio_min")

#: Currency (ISO code) of each money unit of :data:`UNIT_KEYS`.
MONEY_UNITS = {"usd": "USD", "jpy": "JPY"}

#: Separator between the items of a list in one table cell, by language.
_CELL_SEPARATORS = {"ja": "・", "en": "; "}

#: Knowledge-base sections shown as tables: (key in the knowledge base, [(field, header message)]).
SECTION_TABLES = {
    "model_stages": ("model_stages", [("name", "roles.view.col_stage"), ("job", "roles.view.col_job"),
                                      ("timing_label", "roles.view.col_timing"), ("posture_label", "roles.view.col_posture"),
                                      ("relationship_label", "roles.view.col_relationship"), ("handoff", "roles.view.col_handoff")]),
    "cs_phases": ("cs_phases", [("name", "roles.view.col_phase"), ("goal", "roles.view.col_goal"),
                                ("activities", "roles.view.col_activities")]),
    "cs_start_steps": ("cs_start_steps", [("step", "roles.view.col_step"), ("title", "roles.view.col_title"),
                                          ("explanation", "roles.view.col_what"), ("example", "roles.view.col_example")]),
    "smart": ("smart", [("letter", "roles.view.col_letter"), ("name", "roles.view.col_name"),
                        ("meaning", "roles.view.col_meaning")]),
    "touch_models": ("touch_models", [("name", "roles.view.col_name"), ("fits", "roles.view.col_fits"),
                                      ("activities", "roles.view.col_activities")]),
    "team_structures": ("team_structures", [("name", "roles.view.col_name"), ("how", "roles.view.col_how"),
                                            ("fits", "roles.view.col_fits"), ("trade_off", "roles.view.col_trade_off")]),
    "cs_tools": ("cs_tools", [("name", "roles.view.col_name"), ("purpose", "roles.view.col_purpose")]),
    "collaboration_benefits": ("collaboration.benefits", [("title", "roles.view.col_title"), ("text", "roles.view.col_what")]),
    "collaboration_practices": ("collaboration.practices", [("title", "roles.view.col_title"), ("text", "roles.view.col_what")]),
}

_TABLE_CSS = [
    {"selector": "th", "props": [("text-align", "left"), ("vertical-align", "top")]},
    {"selector": "td", "props": [("text-align", "left"), ("vertical-align", "top")]},
    {"selector": "caption", "props": [("caption-side", "top"), ("font-weight", "bold"), ("text-align", "left")]},
]


# --------------------------------------------------------------------------- #
# Setup line and audience
# --------------------------------------------------------------------------- #
def check_audience(audience: str) -> str:
    """Return ``audience`` if it is one of :data:`cskit.options.AUDIENCES`; raise OptionError otherwise.

    Examples
    --------
    >>> check_audience("new_hire")
    'new_hire'
    """
    return check_choice("audience", audience, AUDIENCES)


def role_name(role: str, lang: str | None = None) -> str:
    """Display name of a role id (``cs``, ``inside_sales``, ...; ``all`` is the whole company).

    Examples
    --------
    >>> role_name("all", "en")
    'whole company'
    """
    lang = check_lang(lang)
    if role == "all":
        return t("roles.view.whole_company", lang)
    return role_profile(role, lang)["name"]


def team_line(dataset, team: str, lang: str | None, audience: str) -> str:
    """One Markdown line: the team, its role, the data's months and the audience."""
    lang = check_lang(lang)
    role = "all" if team == "all" else dataset.role_of(team)
    return t("roles.view.team_line", lang, team=dataset.team_name(team, lang), role=role_name(role, lang),
             first=dataset.months[0], last=dataset.months[-1],
             audience=t(AUDIENCE_KEYS[check_audience(audience)], lang))


def audience_note(section: str, audience: str, lang: str | None = None) -> str:
    """The teaching note of ``section`` (``model``, ``compare``, ``funnel``, ``exercises``) for ``audience``.

    Examples
    --------
    >>> audience_note("model", "trainer", "en") == t("roles.note.trainer.model", "en")
    True
    """
    sections = sorted({s for _, s in NOTE_KEYS})
    return t(NOTE_KEYS[check_audience(audience), check_choice("section", section, sections)], check_lang(lang))


# --------------------------------------------------------------------------- #
# Tables from the knowledge base
# --------------------------------------------------------------------------- #
def styled(frame: pd.DataFrame, caption: str | None = None):
    """``frame`` as a left-aligned pandas Styler without the index (for notebooks and slides)."""
    styler = frame.style.hide(axis="index").set_table_styles(_TABLE_CSS)
    return styler.set_caption(caption) if caption else styler


def _cell(value, lang: str) -> str:
    if isinstance(value, list):
        return _CELL_SEPARATORS[lang].join(str(v) for v in value)
    return "" if value is None else str(value)


def section_frame(section: str, lang: str | None = None) -> pd.DataFrame:
    """One knowledge-base section (a key of :data:`SECTION_TABLES`) as a DataFrame in ``lang``.

    Examples
    --------
    >>> section_frame("smart", "en").columns.tolist()
    ['Letter', 'Name', 'Meaning']
    """
    lang = check_lang(lang)
    key, columns = SECTION_TABLES[check_choice("section", section, SECTION_TABLES)]
    items = load_knowledge(lang)
    for part in key.split("."):
        items = items[part]
    return pd.DataFrame([{t(header, lang): _cell(item[field], lang) for field, header in columns} for item in items])


def section_table(section: str, lang: str | None = None, caption: str | None = None):
    """:func:`section_frame` as a styled table."""
    return styled(section_frame(section, lang), caption)


def comparison(pair_id: str, lang: str | None = None):
    """A comparison of two roles (``cs_vs_sales``, ``cs_vs_support``, ``cs_vs_inside_sales``), styled, titled.

    Examples
    --------
    >>> comparison("cs_vs_support", "en").caption == load_knowledge("en")["comparisons"][1]["title"]
    True
    """
    lang = check_lang(lang)
    frame = comparison_table(pair_id, lang).reset_index(drop=True)
    title = next(c["title"] for c in load_knowledge(lang)["comparisons"] if c["id"] == pair_id)
    return styled(frame, title)


def _percent(value: float) -> str:
    return f"{round(value * 100, 1):g}%"


def format_figure(value: float, unit: str, lang: str | None = None, approx: bool = False) -> str:
    """A case figure in its unit (a key of :data:`UNIT_KEYS`: ``rate``, ``usd``, ``teams`` ...), in ``lang``.

    Rates are percentages; money and counts are written by :func:`cskit.numbers.format_large`
    (``5億ドル``, ``USD 500 million``). ``approx`` adds "about" (約) for a figure its
    source gives as approximate; nothing is rounded here.

    Examples
    --------
    >>> format_figure(0.08, "rate_monthly", "en"), format_figure(500_000_000, "usd", "ja")
    ('8% a month', '5億ドル')
    >>> format_figure(8_100_000, "people", "ja", approx=True), format_figure(8_100_000, "people", "en", approx=True)
    ('約810万人', 'about 8.1 million people')
    """
    lang = check_lang(lang)
    key = UNIT_KEYS[check_choice("unit", unit, UNIT_KEYS)]
    if unit in PERCENT_UNITS:
        text = _percent(value)
    else:
        text = format_large(value, lang, MONEY_UNITS.get(unit))
    text = t(key, lang, value=text)
    return t("roles.unit.approx", lang, value=text) if approx else text


def case_figures(lang: str | None = None):
    """The sources' numbers (subject, figure, what it says, source) as a styled table.

    Examples
    --------
    >>> case_figures("ja").data.iloc[1, 1], case_figures("en").data.iloc[1, 1]
    ('5億ドル', 'USD 500 million')
    """
    lang = check_lang(lang)
    figure = t("roles.view.col_figure", lang)
    rows = [{
        t("roles.view.col_subject", lang): item["subject"],
        figure: format_figure(item["figure"], item["unit"], lang, item.get("approx", False)),
        t("roles.view.col_fact", lang): item["text"],
        t("roles.view.col_source", lang): item["source"],
    } for item in load_knowledge(lang)["case_figures"]]
    return styled(pd.DataFrame(rows)).set_properties(subset=[figure], **{"white-space": "nowrap"})


def history_markdown(lang: str | None = None) -> str:
    """Who is said to have invented CS and The Model, each as its article's claim (Markdown list)."""
    lang = check_lang(lang)
    return "\n".join("- " + t("roles.view.claim", lang, text=item["text"], source=item["source"])
                     for item in load_knowledge(lang)["history"])


# --------------------------------------------------------------------------- #
# Role profiles
# --------------------------------------------------------------------------- #
def pay_text(role: str, lang: str | None = None) -> str:
    """A role's pay range with its note and source, or the sources' "no figure".

    Examples
    --------
    >>> pay_text("marketing", "en").startswith(load_knowledge("en")["labels"]["no_pay_figure"])
    True
    >>> pay_text("cs", "ja").split("（")[0], pay_text("cs", "en").split(" (")[0]
    ('500万円〜900万円', 'JPY 5 million to JPY 9 million')
    """
    lang = check_lang(lang)
    pay = role_profile(role, lang)["pay"]
    if pay["min_myen"] is None:
        return t("roles.view.pay_none", lang, label=load_knowledge(lang)["labels"]["no_pay_figure"], note=pay["note"])
    low, high = (format_large(round(pay[end] * 1_000_000), lang, "JPY") for end in ("min_myen", "max_myen"))
    return t("roles.view.pay_range", lang, low=low, high=high, note=pay["note"], source=pay["source"])


def _kpi_names(role: str, lang: str) -> list[str]:
    return [f"{get_kpi(k).label(lang)} (`{k}`)" for k in role_profile(role, lang)["kpis"]]


def _join(items, lang: str) -> str:
    return ("、" if lang == "ja" else ", ").join(items)


def profile_markdown(role: str, lang: str | None = None) -> str:
    """A role's profile card (Markdown): purpose, activities, KPIs by registry name, skills,
    aptitudes, mindset, pay with its source, and notes.

    Examples
    --------
    >>> profile_markdown("marketing", "en").splitlines()[0]
    '### Marketing'
    """
    lang = check_lang(lang)
    p = role_profile(role, lang)

    def bullets(items):
        return "\n".join(f"- {item}" for item in items)

    parts = [
        f"### {p['name']}",
        f"**{t('roles.view.profile_purpose', lang)}:** {p['purpose']}",
        f"**{t('roles.view.profile_activities', lang)}**\n\n{bullets(p['activities'])}",
        f"**{t('roles.view.profile_kpis', lang)}:** " + _join(_kpi_names(role, lang), lang),
        f"**{t('roles.view.profile_skills', lang)}**\n\n{bullets(p['skills'])}",
        f"**{t('roles.view.profile_aptitudes', lang)}**\n\n{bullets(p['aptitudes'])}",
        f"**{t('roles.view.profile_mindset', lang)}:** {p['mindset']}",
        f"**{t('roles.view.profile_pay', lang)}:** {pay_text(role, lang)}",
    ]
    if p.get("notes"):
        parts.append(f"**{t('roles.view.profile_notes', lang)}**\n\n{bullets(p['notes'])}")
    return "\n\n".join(parts)


class ProfileCard:
    """A role's profile laid out in two columns (HTML), with :func:`profile_markdown` as
    the plain-text form. Shows the same content; sized to fit one slide."""

    def __init__(self, role: str, lang: str):
        self.role, self.lang = role, lang

    def _repr_markdown_(self) -> str:
        return profile_markdown(self.role, self.lang)

    def _repr_html_(self) -> str:
        lang, p = self.lang, role_profile(self.role, self.lang)
        esc = html.escape

        def heading(key: str) -> str:
            return f"<p style='margin:0.6em 0 0.2em'><strong>{esc(t(key, lang))}</strong></p>"

        def bullets(items) -> str:
            return "<ul style='margin:0'>" + "".join(f"<li>{esc(i)}</li>" for i in items) + "</ul>"

        kpis = _join((f"{get_kpi(k).label(lang)} ({k})" for k in p["kpis"]), lang)
        left = (heading("roles.view.profile_activities") + bullets(p["activities"])
                + heading("roles.view.profile_skills") + bullets(p["skills"])
                + heading("roles.view.profile_aptitudes") + bullets(p["aptitudes"]))
        right = (heading("roles.view.profile_kpis") + f"<p style='margin:0'>{esc(kpis)}</p>"
                 + heading("roles.view.profile_mindset") + f"<p style='margin:0'>{esc(p['mindset'])}</p>"
                 + heading("roles.view.profile_pay") + f"<p style='margin:0'>{esc(pay_text(self.role, lang))}</p>")
        if p.get("notes"):
            right += heading("roles.view.profile_notes") + bullets(p["notes"])
        return (
            f"<div class='cskit-profile' style='font-size:0.85em;line-height:1.4'>"
            f"<h3>{esc(p['name'])}</h3>"
            f"<p><strong>{esc(t('roles.view.profile_purpose', lang))}:</strong> {esc(p['purpose'])}</p>"
            f"<div style='display:grid;grid-template-columns:1fr 1fr;gap:0 2em'><div>{left}</div><div>{right}</div></div>"
            f"</div>"
        )


def profile(role: str, lang: str | None = None) -> ProfileCard:
    """A role's profile card for display (HTML in notebooks and slides, Markdown elsewhere)."""
    lang = check_lang(lang)
    role_profile(role, lang)  # fail early on an unknown role
    return ProfileCard(role, lang)


# --------------------------------------------------------------------------- #
# The funnel
# --------------------------------------------------------------------------- #
def _fmt_count(value: float) -> str:
    return "—" if value is None or math.isnan(value) else f"{value:,.0f}"


def _fmt_rate(value: float) -> str:
    return "—" if value is None or math.isnan(value) else f"{value:.1%}"


def funnel_frame(team_funnel: pd.DataFrame | None, company_funnel: pd.DataFrame, lang: str | None,
                 team_name: str = "", company_name: str = "") -> pd.DataFrame:
    """The funnel(s) as a readable table: stage, who moves people into it, then count,
    conversion and number lost for the team (if any) and for the company.

    A stage that holds more than the stage before has no conversion and no leak
    (:func:`cskit.kpi.funnel.model_funnel`); its "lost" cell says how many more it holds.

    Examples
    --------
    >>> from cskit.datasets import load_sample
    >>> from cskit.kpi.funnel import model_funnel
    >>> funnel_frame(None, model_funnel(load_sample()), "en", company_name="Company").columns.tolist()[:3]
    ['Stage', 'Moved by', 'Company count']
    """
    lang = check_lang(lang)
    frame = pd.DataFrame({
        t("roles.funnel.col_stage", lang): [t(STAGE_KEYS[s], lang) for s in company_funnel["stage"]],
        t("roles.funnel.col_owner", lang): [role_name(r, lang) for r in company_funnel["owner_role"]],
    })
    panels = [(team_funnel, team_name)] if team_funnel is not None else []
    panels.append((company_funnel, company_name))
    for data, name in panels:
        frame[t("roles.funnel.col_count", lang, team=name)] = [_fmt_count(v) for v in data["count"]]
        frame[t("roles.funnel.col_conversion", lang, team=name)] = [_fmt_rate(v) for v in data["conversion_from_previous"]]
        frame[t("roles.funnel.col_leak", lang, team=name)] = [  # a stage holding more than its base has no leak
            t("roles.funnel.entered", lang, count=_fmt_count(more)) if more > 0 else _fmt_count(lost)
            for lost, more in zip(data["leak"], data["entered"])]
    return frame


def funnel_table(team_funnel, company_funnel, lang: str | None, team_name: str = "", company_name: str = ""):
    """:func:`funnel_frame` as a styled table with the window as caption."""
    lang = check_lang(lang)
    attrs = company_funnel.attrs
    caption = t("roles.funnel.window", lang, start=attrs.get("start"), end=attrs.get("end"), until=attrs.get("observe_until"))
    return styled(funnel_frame(team_funnel, company_funnel, lang, team_name, company_name), caption)


def _biggest_leak(data: pd.DataFrame, lang: str, name: str) -> str | None:
    leaks = data.dropna(subset=["leak", "base"])
    leaks = leaks[(leaks["leak"] > 0) & (leaks["base"] > 0)]
    if leaks.empty:
        return None
    row = leaks.loc[leaks["leak"].idxmax()]
    before = STAGES[STAGES.index(row["stage"]) - 1]
    return t("roles.funnel.biggest_leak", lang, team=name, from_stage=t(STAGE_KEYS[before], lang),
             to_stage=t(STAGE_KEYS[row["stage"]], lang), lost=_fmt_count(row["leak"]),
             share=_fmt_rate(row["leak"] / row["base"]))


def funnel_summary(team_funnel: pd.DataFrame | None, company_funnel: pd.DataFrame, lang: str | None,
                   team_role: str = "all", team_name: str = "", company_name: str = "") -> str:
    """What the funnel says, in words (Markdown): which stages the team moves people into
    and which it is only counted on, the biggest leak, stages that hold more than the
    stage before, the team's conversion beside the company's, and how many wins were too
    recent to judge.

    Examples
    --------
    >>> from cskit.datasets import load_sample
    >>> from cskit.kpi.funnel import model_funnel
    >>> funnel_summary(None, model_funnel(load_sample()), "en", company_name="Company")[:32]
    "- Company's biggest leak is from"
    """
    lang = check_lang(lang)
    owned = TEAM_STAGES.get(team_role, ())
    lines = ownership_lines(team_role, lang, team_name) if team_funnel is not None else []
    panels = [(team_funnel, team_name)] if team_funnel is not None and owned else []
    panels.append((company_funnel, company_name))
    for data, name in panels:
        if data["count"].isna().all() or (data["count"].fillna(0) == 0).all():
            lines.append(t("roles.funnel.no_data", lang, team=name))
            continue
        leak = _biggest_leak(data, lang, name)
        lines += ([leak] if leak else []) + entered_notes(data, lang, name)
        if data.attrs.get("censored_wins"):
            lines.append(t("roles.funnel.censored", lang, team=name, count=f"{data.attrs['censored_wins']:,}"))
    if team_funnel is not None and owned:
        both = team_funnel.set_index("stage")["conversion_from_previous"], company_funnel.set_index("stage")["conversion_from_previous"]
        for stage in owned:
            if not math.isnan(both[0][stage]):
                lines.append(t("roles.funnel.compare", lang, stage=t(STAGE_KEYS[stage], lang), team=team_name,
                               team_rate=_fmt_rate(both[0][stage]), company_rate=_fmt_rate(both[1][stage])))
    return "\n\n".join(f"- {line}" for line in lines)
