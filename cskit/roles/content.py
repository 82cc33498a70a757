"""Role knowledge base: The Model's stages, role profiles, comparisons, quiz and exercises.

The content lives as data in ``cskit/content/roles.ja.yml`` and ``roles.en.yml``. The
two files have exactly the same structure (keys, list lengths, ids, enum values and
numbers); only the human-readable text differs. KPI names and formulas are not
repeated there: roles list KPI ids, and :mod:`cskit.kpi.registry` names them. Which
roles exist and what cskit does with each is :mod:`cskit.roles.registry`.

This module only reads and reshapes that data; it has no side effects.

Examples
--------
>>> comparison_table("cs_vs_support", "en").columns.tolist()
['Aspect', 'Customer Success (CS)', 'Customer Support']
"""
from __future__ import annotations

import copy
import numbers
from collections.abc import Mapping

import pandas as pd

from .._yaml import read_language_content
from ..errors import CskitError
from ..options import check_lang
from .registry import QUIZ_GROUPS, ROLE_IDS, resolve_role

__all__ = ["aptitude_leaning", "comparison_table", "load_knowledge", "role_profile"]

def _load(lang: str) -> dict:
    return read_language_content("roles", lang)


def load_knowledge(lang: str | None = None) -> dict:
    """Return the whole role knowledge base in one language.

    Parameters
    ----------
    lang : {"ja", "en"} or None
        Language of the text. ``None`` uses ``$CSKIT_LANG`` or the default (``ja``).

    Returns
    -------
    dict
        The parsed YAML: ``model_stages``, ``roles``, ``comparisons``, ``cs_phases``,
        ``cs_start_steps``, ``smart``, ``touch_models``, ``team_structures``,
        ``cs_tools``, ``collaboration``, ``case_figures``, ``history``,
        ``aptitude_quiz`` (plus ``meta`` and ``labels``).
        A fresh deep copy, so callers may modify it freely.

    Raises
    ------
    CskitError
        ``cli.unknown_lang`` if ``lang`` is not ``"ja"`` or ``"en"``.

    Examples
    --------
    >>> list(load_knowledge("en")["roles"]) == list(ROLE_IDS)
    True
    """
    return copy.deepcopy(_load(check_lang(lang)))


def role_profile(role: str, lang: str | None = None) -> dict:
    """Return one role's profile (purpose, timing, activities, KPI ids, skills, pay ...).

    Parameters
    ----------
    role : str
        A role id from :data:`~cskit.roles.registry.ROLE_IDS` or one of its aliases
        (``"sales"`` is accepted for ``field_sales``).
    lang : {"ja", "en"} or None
        Language of the text.

    Returns
    -------
    dict
        A copy of the role entry. ``kpis`` holds registry ids; ``pay`` holds
        ``min_myen`` / ``max_myen`` (millions of yen per year, ``None`` when the
        sources give no figure), ``note`` and ``source``.

    Raises
    ------
    CskitError
        ``roles.unknown_role`` for an unknown role, ``cli.unknown_lang`` for an
        unknown language.

    Examples
    --------
    >>> role_profile("sales", "en")["name"]
    'Sales (Field Sales)'
    """
    roles = _load(check_lang(lang))["roles"]
    role_id = resolve_role(role)
    if role_id is None:
        raise CskitError("roles.unknown_role", role=role, known=", ".join(roles))
    return copy.deepcopy(roles[role_id])


def comparison_table(pair_id: str, lang: str | None = None) -> pd.DataFrame:
    """Return a side-by-side comparison of two roles as a table.

    Parameters
    ----------
    pair_id : {"cs_vs_sales", "cs_vs_support", "cs_vs_inside_sales"}
        Which comparison.
    lang : {"ja", "en"} or None
        Language of the text and of the column headers.

    Returns
    -------
    pandas.DataFrame
        One row per aspect. Columns: the aspect header (``"Aspect"`` / ``"観点"``)
        and the two role names in ``lang``. The index is the language-neutral
        ``aspect_id``.

    Raises
    ------
    CskitError
        ``roles.unknown_comparison`` for an unknown ``pair_id``, ``cli.unknown_lang``
        for an unknown language.

    Examples
    --------
    >>> comparison_table("cs_vs_sales", "en").index[0]
    'purpose'
    """
    data = _load(check_lang(lang))
    pairs = {c["id"]: c for c in data["comparisons"]}
    if pair_id not in pairs:
        raise CskitError("roles.unknown_comparison", pair=pair_id, known=", ".join(pairs))
    pair = pairs[pair_id]
    aspect_col = data["labels"]["aspect"]
    left_col = data["roles"][pair["left_role"]]["name"]
    right_col = data["roles"][pair["right_role"]]["name"]
    return pd.DataFrame(
        {
            aspect_col: [r["aspect"] for r in pair["rows"]],
            left_col: [r["left"] for r in pair["rows"]],
            right_col: [r["right"] for r in pair["rows"]],
        },
        index=pd.Index([r["aspect_id"] for r in pair["rows"]], name="aspect_id"),
    )


def _check_answers(answers: Mapping[str, int], weights: dict, low: int, high: int) -> None:
    if not answers:
        raise CskitError("roles.no_answers")
    for question_id, value in answers.items():
        if question_id not in weights:
            raise CskitError("roles.unknown_question", question=question_id, known=", ".join(weights))
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or not low <= value <= high:
            raise CskitError("roles.bad_answer", question=question_id, value=value, low=low, high=high)


def aptitude_leaning(answers: Mapping[str, int], lang: str | None = None) -> dict:
    """Score the aptitude self-check and return the leaning (CS, Sales or Support).

    Each answer (1-5) is multiplied by the question's weight for each group and summed.
    The leaning is the group with the highest total; ties go to the first group in
    :data:`~cskit.roles.registry.QUIZ_GROUPS` (cs, sales, support). Unanswered
    questions count as nothing.

    Parameters
    ----------
    answers : Mapping[str, int]
        ``{question_id: answer}`` with integer answers from 1 to 5.
    lang : {"ja", "en"} or None
        Language of the explanation.

    Returns
    -------
    dict
        ``{"leaning": "cs" | "sales" | "support", "scores": {"cs": n, "sales": n,
        "support": n}, "explanation": str}``.

    Raises
    ------
    CskitError
        ``roles.no_answers`` if ``answers`` is empty, ``roles.unknown_question`` for an
        unknown question id, ``roles.bad_answer`` for an answer that is not an integer
        from 1 to 5; ``cli.unknown_lang`` for an unknown language.

    Examples
    --------
    >>> aptitude_leaning({"q04_calm_listening": 5, "q07_root_cause": 5}, "en")["leaning"]
    'support'
    """
    quiz = _load(check_lang(lang))["aptitude_quiz"]
    low, high = quiz["scale"]["min"], quiz["scale"]["max"]
    weights = {q["id"]: q["weights"] for q in quiz["questions"]}
    _check_answers(answers, weights, low, high)
    scores = {group: 0 for group in QUIZ_GROUPS}
    for question_id, value in answers.items():
        for group in QUIZ_GROUPS:
            scores[group] += int(value) * int(weights[question_id][group])
    best = max(scores.values())
    leaning = next(group for group in QUIZ_GROUPS if scores[group] == best)
    return {"leaning": leaning, "scores": scores, "explanation": quiz["explanations"][leaning]}
