"""Display pieces of notebook 01 (roles, The Model funnel, exercises), in ja or en.

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
from ..options import AUDIENCES, check_choice, check_lang
from .content import comparison_table, load_knowledge, role_profile
from .exercises import Feedback, check_kpi_choice, exercises, feedback_mark, find_exercise
from .registry import MODEL_ORDER

#: Name of each funnel stage (:data:`cskit.kpi.funnel.STAGES`).
STAGE_KEYS = {
    "leads": "roles.stage.leads",
    "meetings": "roles.stage.meetings",
    "opportunities": "roles.stage.opportunities",
    "won": "roles.stage.won",
    "retained_12m": "roles.stage.retained_12m",
    "expanded": "roles.stage.expanded",
}

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
    "usd": "roles.unit.usd",
    "jpy": "roles.unit.jpy",
    "people": "roles.unit.people",
    "teams": "roles.unit.teams",
    "times": "roles.unit.times",
}

#: KPI ids offered in the "pick the KPI" exercise besides the right answers (distractors
#: a learner might plausibly reach for).
KPI_DISTRACTORS = (
    "new_customers", "expansion_rate", "grr_12m", "meetings_held", "email_open_rate",
    "avg_deal_size", "tickets_opened", "resolution_rate", "csat", "median_first_response_hours",
)

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


def _cell(value) -> str:
    if isinstance(value, list):
        return "・".join(str(v) for v in value)
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
    return pd.DataFrame([{t(header, lang): _cell(item[field]) for field, header in columns} for item in items])


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


def format_figure(value: float, unit: str, lang: str | None = None) -> str:
    """A case figure in its unit (a key of :data:`UNIT_KEYS`: ``rate``, ``usd``, ``teams`` ...), in ``lang``.

    Examples
    --------
    >>> format_figure(0.08, "rate", "en") == t("roles.unit.rate", "en", value="8%")
    True
    """
    if unit in ("rate", "rate_monthly", "rate_yearly", "ratio_min"):
        text = _percent(value)
    else:
        text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"
    return t(UNIT_KEYS[check_choice("unit", unit, UNIT_KEYS)], check_lang(lang), value=text)


def case_figures(lang: str | None = None):
    """The sources' numbers (subject, figure, what it says, source) as a styled table."""
    lang = check_lang(lang)
    rows = [{
        t("roles.view.col_subject", lang): item["subject"],
        t("roles.view.col_figure", lang): format_figure(item["figure"], item["unit"], lang),
        t("roles.view.col_fact", lang): item["text"],
        t("roles.view.col_source", lang): item["source"],
    } for item in load_knowledge(lang)["case_figures"]]
    return styled(pd.DataFrame(rows))


def history_markdown(lang: str | None = None) -> str:
    """Who is said to have invented CS and The Model, each as its article's claim (Markdown list)."""
    lang = check_lang(lang)
    return "\n".join("- " + t("roles.view.claim", lang, text=item["text"], source=item["source"])
                     for item in load_knowledge(lang)["history"])


def glossary(lang: str | None = None):
    """The glossary in both languages, with the KPI registry's name where a term is a KPI."""
    lang = check_lang(lang)
    ja, en = load_knowledge("ja")["glossary"], load_knowledge("en")["glossary"]
    rows = [{
        t("roles.view.col_term_ja", lang): a["term"],
        t("roles.view.col_term_en", lang): b["term"],
        t("roles.view.col_kpi", lang): f"{get_kpi(a['kpi_id']).label(lang)} (`{a['kpi_id']}`)" if a["kpi_id"] else "",
    } for a, b in zip(ja, en)]
    return styled(pd.DataFrame(rows))


# --------------------------------------------------------------------------- #
# Role profiles
# --------------------------------------------------------------------------- #
def pay_text(role: str, lang: str | None = None) -> str:
    """A role's pay range with its note and source, or the sources' "no figure".

    Examples
    --------
    >>> pay_text("marketing", "en").startswith(load_knowledge("en")["labels"]["no_pay_figure"])
    True
    """
    lang = check_lang(lang)
    pay = role_profile(role, lang)["pay"]
    if pay["min_myen"] is None:
        return t("roles.view.pay_none", lang, label=load_knowledge(lang)["labels"]["no_pay_figure"], note=pay["note"])
    return t("roles.view.pay_range", lang, low=pay["min_myen"], high=pay["max_myen"], note=pay["note"], source=pay["source"])


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
    conversion and number lost for the team (if any) and for the company."""
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
        frame[t("roles.funnel.col_leak", lang, team=name)] = [_fmt_count(v) for v in data["leak"]]
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
    """What the funnel says, in words (Markdown): which stages the team owns, the biggest leak,
    stages that more entered than came from before, the team's conversion beside the
    company's, and how many wins were too recent to judge."""
    lang = check_lang(lang)
    lines = []
    owned = TEAM_STAGES.get(team_role, ())
    if team_funnel is not None:
        if owned:
            stage_names = [t(STAGE_KEYS[s], lang) for s in owned]
            stages = "".join(f"「{n}」" for n in stage_names) if lang == "ja" else ", ".join(stage_names)
            lines.append(t("roles.funnel.owned_stages", lang, team=team_name, role=role_name(team_role, lang), stages=stages))
        else:
            lines.append(t("roles.funnel.owns_nothing", lang, team=team_name, role=role_name(team_role, lang)))
    panels = [(team_funnel, team_name)] if team_funnel is not None and owned else []
    panels.append((company_funnel, company_name))
    for data, name in panels:
        if data["count"].isna().all() or (data["count"].fillna(0) == 0).all():
            lines.append(t("roles.funnel.no_data", lang, team=name))
            continue
        leak = _biggest_leak(data, lang, name)
        if leak:
            lines.append(leak)
        for _, row in data[data["leak"] < 0].iterrows():
            lines.append(t("roles.funnel.entered_note", lang, team=name, stage=t(STAGE_KEYS[row["stage"]], lang),
                           count=_fmt_count(-row["leak"])))
        if data.attrs.get("censored_wins"):
            lines.append(t("roles.funnel.censored", lang, team=name, count=f"{data.attrs['censored_wins']:,}"))
    if team_funnel is not None and owned:
        both = team_funnel.set_index("stage")["conversion_from_previous"], company_funnel.set_index("stage")["conversion_from_previous"]
        for stage in owned:
            if not math.isnan(both[0][stage]):
                lines.append(t("roles.funnel.compare", lang, stage=t(STAGE_KEYS[stage], lang), team=team_name,
                               team_rate=_fmt_rate(both[0][stage]), company_rate=_fmt_rate(both[1][stage])))
    return "\n\n".join(f"- {line}" for line in lines)


# --------------------------------------------------------------------------- #
# Exercises
# --------------------------------------------------------------------------- #
def classification_prompt(lang: str | None = None):
    """The activities to classify (id and text) as a styled table, with the role ids to use as caption."""
    lang = check_lang(lang)
    items = exercises(lang)["classify_activities"]
    roles = sorted({i["answer"] for i in items}, key=MODEL_ORDER.index)
    caption = t("roles.view.role_choices", lang, roles=_join((f"{r} = {role_name(r, lang)}" for r in roles), lang))
    frame = pd.DataFrame({"id": [i["id"] for i in items], t("roles.view.col_activity", lang): [i["text"] for i in items]})
    return styled(frame, caption)


def kpi_candidates(lang: str | None = None) -> pd.DataFrame:
    """KPI ids a learner may choose from in the "pick the KPI" exercise, with their names.

    Examples
    --------
    >>> "nrr_12m" in kpi_candidates("en")["id"].tolist()
    True
    """
    lang = check_lang(lang)
    items = exercises(lang)["pick_kpi"]
    ids = [i["answer"] for i in items] + [a for i in items for a in i.get("accept", [])] + list(KPI_DISTRACTORS)
    ids = sorted(dict.fromkeys(ids))
    return pd.DataFrame({"id": ids, "KPI": [get_kpi(k).label(lang) for k in ids]})


def kpi_choice_prompt(lang: str | None = None):
    """The goals (id and text) of the "pick the KPI" exercise as a styled table."""
    lang = check_lang(lang)
    items = exercises(lang)["pick_kpi"]
    frame = pd.DataFrame({"id": [i["id"] for i in items], t("roles.view.col_goal_text", lang): [i["goal"] for i in items]})
    return styled(frame)


def check_kpi_choices(answers: dict[str, str | None], lang: str | None = None):
    """Feedback on each goal's chosen KPI id (Markdown); an empty answer says so."""
    from IPython.display import Markdown

    lang = check_lang(lang)
    lines = []
    for goal, kpi_id in answers.items():
        if not kpi_id:
            lines.append(f"- {feedback_mark(False, lang)} " + t("roles.view.kpi_empty", lang, goal=goal))
            continue
        feedback: Feedback = check_kpi_choice(goal, kpi_id, lang)
        lines.append(f"- {goal}: " + feedback._repr_markdown_())
    return Markdown("\n".join(lines))


def compute_question(exercise_id: str, lang: str | None = None) -> str:
    """The question of one worked example (Markdown).

    Examples
    --------
    >>> compute_question(compute_ids()[0], "en").startswith("**c01")
    True
    """
    lang = check_lang(lang)
    item = find_exercise(exercises(lang)["compute"], exercise_id)
    return f"**{exercise_id}.** {item['question']}"


def compute_ids(lang: str | None = "en") -> list[str]:
    """Ids of the compute exercises, in order (the same in every language).

    Examples
    --------
    >>> compute_ids("ja") == compute_ids("en")
    True
    """
    return [i["id"] for i in exercises(check_lang(lang))["compute"]]


def _answer_text(item: dict, lang: str) -> str:
    unit = item.get("unit")
    if unit in ("rate", "fraction", "ratio"):
        return f"{item['answer']} ({_percent(float(item['answer']))})"
    if unit == "jpy":
        return t(UNIT_KEYS["jpy"], lang, value=f"{item['answer']:,.0f}")
    return str(item["answer"])


def answer_key_frame(lang: str | None = None) -> pd.DataFrame:
    """Every exercise with its answer and explanation (for trainers).

    Examples
    --------
    >>> len(answer_key_frame("en")) == sum(len(v) for v in exercises("en").values())
    True
    """
    lang = check_lang(lang)
    ex = exercises(lang)
    kind, question = t("roles.view.col_kind", lang), t("roles.view.col_question", lang)
    answer, hint = t("roles.view.col_answer", lang), t("roles.view.col_hint", lang)
    rows = []
    for item in ex["classify_activities"]:
        rows.append({kind: t("roles.view.kind_classify", lang), "id": item["id"], question: item["text"],
                     answer: role_name(item["answer"], lang), hint: ""})
    for item in ex["pick_kpi"]:
        accepted = [get_kpi(a).label(lang) for a in item.get("accept", [])]
        rows.append({kind: t("roles.view.kind_pick_kpi", lang), "id": item["id"], question: item["goal"],
                     answer: get_kpi(item["answer"]).label(lang) + (f" (+ {', '.join(accepted)})" if accepted else ""),
                     hint: item["hint"]})
    for item in ex["compute"]:
        rows.append({kind: t("roles.view.kind_compute", lang), "id": item["id"], question: item["question"],
                     answer: _answer_text(item, lang), hint: item["hint"]})
    return pd.DataFrame(rows)


def answer_key(audience: str, lang: str | None = None):
    """The answer key as a styled table for trainers; for new hires a note that it is hidden."""
    from IPython.display import Markdown

    lang = check_lang(lang)
    if check_audience(audience) != "trainer":
        return Markdown(t("roles.view.answers_hidden", lang))
    return styled(answer_key_frame(lang))
