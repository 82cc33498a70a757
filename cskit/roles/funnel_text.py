"""The words of The Model funnel, shared by the funnel chart and notebook 01's table and summary.

Stage names, why a stage can hold more than the stage before it, and which stages a
team moves people into (both read :mod:`cskit.roles.registry` through
:mod:`cskit.kpi.funnel`, so the chart, the table and the summary cannot disagree).
Message keys are written out in full, so a search for a key finds every place that shows it.
"""
from __future__ import annotations

import pandas as pd

from ..i18n import t
from ..kpi.funnel import STAGES, TEAM_STAGES, stages_counted_for, stages_moved_by
from ..options import check_lang
from .content import role_profile

__all__ = ["ENTERED_NOTE_KEYS", "ENTERED_NOTE_OTHER", "STAGE_KEYS", "entered_notes", "ownership_lines", "stage_list"]

#: Name of each funnel stage (:data:`cskit.kpi.funnel.STAGES`).
STAGE_KEYS = {
    "leads": "roles.stage.leads",
    "meetings": "roles.stage.meetings",
    "opportunities": "roles.stage.opportunities",
    "won": "roles.stage.won",
    "retained_12m": "roles.stage.retained_12m",
    "expanded": "roles.stage.expanded",
}

#: Why a stage can hold more than the stage before it, per stage (:func:`entered_notes`).
ENTERED_NOTE_KEYS = {
    "meetings": "roles.funnel.entered_note.meetings",
    "opportunities": "roles.funnel.entered_note.opportunities",
}

#: The reason given for any other stage.
ENTERED_NOTE_OTHER = "roles.funnel.entered_note.other"


def stage_list(stages, lang: str | None = None) -> str:
    """Stage names as a list in running text (「A」「B」 in Japanese, "A", "B" in English).

    Examples
    --------
    >>> stage_list(["won", "expanded"], "ja")
    '「受注」「12か月以内に拡大」'
    """
    lang = check_lang(lang)
    names = [t(STAGE_KEYS[stage], lang) for stage in stages]
    return "".join(f"「{n}」" for n in names) if lang == "ja" else ", ".join(f'"{n}"' for n in names)


def entered_notes(data: pd.DataFrame, lang: str | None, name: str) -> list[str]:
    """One sentence per stage that holds more than the stage before it: how many more, and why.

    Such a stage has no conversion and no leak (``entered > 0`` in
    :func:`cskit.kpi.funnel.model_funnel`); the summary lists these sentences and the
    funnel chart writes them under its panel.

    Parameters
    ----------
    data : DataFrame
        A funnel (``stage`` and ``entered`` columns).
    lang : {"ja", "en"} or None
    name : str
        The team's display name.

    Returns
    -------
    list of str

    Examples
    --------
    >>> frame = pd.DataFrame({"stage": ["meetings", "opportunities"], "entered": [0.0, 12.0]})
    >>> entered_notes(frame, "en", "Company")[0][:61]
    'Company has 12 more at "Opportunities" than at "Meetings set"'
    """
    lang = check_lang(lang)
    rows = data[data["entered"] > 0]
    return [t(ENTERED_NOTE_KEYS.get(stage, ENTERED_NOTE_OTHER), lang, team=name, count=f"{count:,.0f}",
              stage=t(STAGE_KEYS[stage], lang), before=t(STAGE_KEYS[STAGES[STAGES.index(stage) - 1]], lang))
            for stage, count in zip(rows["stage"], rows["entered"])]


def ownership_lines(role: str, lang: str | None, name: str) -> list[str]:
    """Which stages a team of ``role`` moves people into, and which it is counted on but another role moves.

    Parameters
    ----------
    role : str
        The team's role id.
    lang : {"ja", "en"} or None
    name : str
        The team's display name.

    Returns
    -------
    list of str
        Sentences, in the order: the stages it moves, those others move (one per
        role), a pointer to the company's figures for the rest.

    Examples
    --------
    >>> print(ownership_lines("cs", "en", "SMB CS")[1])
    SMB CS's funnel also counts "Won", which Sales (Field Sales) moves people into.
    """
    lang = check_lang(lang)
    if not TEAM_STAGES.get(role):
        return [t("roles.funnel.owns_nothing", lang, team=name, role=role_profile(role, lang)["name"])]
    moved, counted = stages_moved_by(role), stages_counted_for(role)
    lines = [t("roles.funnel.owned_stages", lang, team=name, role=role_profile(role, lang)["name"],
               stages=stage_list(moved, lang))] if moved else []
    for owner in dict.fromkeys(counted.values()):
        stages = [stage for stage, moved_by in counted.items() if moved_by == owner]
        lines.append(t("roles.funnel.counted_stages", lang, team=name, stages=stage_list(stages, lang),
                       owner=role_profile(owner, lang)["name"]))
    if len(TEAM_STAGES[role]) < len(STAGES):
        lines.append(t("roles.funnel.other_stages", lang))
    return lines
