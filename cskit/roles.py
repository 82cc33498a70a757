"""Role knowledge base: The Model's stages, role profiles, comparisons, quiz and exercises.

The content lives as data in ``cskit/content/roles.ja.yml`` and ``roles.en.yml``. The
two files have exactly the same structure (keys, list lengths, ids, enum values and
numbers); only the human-readable text differs. KPI names and formulas are not
repeated there: roles list KPI ids, and :mod:`cskit.kpi.registry` names them.

This module only reads and reshapes that data; it has no side effects.

Examples
--------
>>> from cskit.roles import comparison_table, aptitude_leaning
>>> comparison_table("cs_vs_support", "en").columns.tolist()
['Aspect', 'Customer Success (CS)', 'Customer Support']
"""
from __future__ import annotations

import copy
import numbers
from collections.abc import Mapping
from functools import lru_cache
from importlib.resources import files

import pandas as pd

from ._yaml import safe_load
from .i18n import LANGS, resolve_lang

__all__ = [
    "QUIZ_ROLES",
    "ROLE_IDS",
    "aptitude_leaning",
    "comparison_table",
    "load_knowledge",
    "role_profile",
]

#: Role ids of the ``roles`` section, in display order.
ROLE_IDS = ("cs", "inside_sales", "field_sales", "support", "marketing")

#: Roles the aptitude quiz scores, in tie-break order.
QUIZ_ROLES = ("cs", "sales", "support")

#: Accepted aliases for :func:`role_profile` (the quiz and the sources say "sales").
_ROLE_ALIASES = {"sales": "field_sales", "customer_success": "cs", "customer_support": "support"}


def _lang(lang: str | None) -> str:
    """Validate ``lang`` ("ja" or "en"; ``None`` means the kit's default language)."""
    if lang is not None and not isinstance(lang, str):
        raise ValueError(f"lang must be one of {', '.join(LANGS)}, got {lang!r}")
    return resolve_lang(lang)  # raises ValueError for anything but ja / en


@lru_cache(maxsize=len(LANGS))
def _load(lang: str) -> dict:
    text = files("cskit.content").joinpath(f"roles.{lang}.yml").read_text(encoding="utf-8")
    return safe_load(text)


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
        ``aptitude_quiz``, ``exercises``, ``glossary`` (plus ``meta`` and ``labels``).
        A fresh deep copy, so callers may modify it freely.

    Raises
    ------
    ValueError
        If ``lang`` is not ``"ja"`` or ``"en"``.
    """
    return copy.deepcopy(_load(_lang(lang)))


def role_profile(role: str, lang: str | None = None) -> dict:
    """Return one role's profile (purpose, timing, activities, KPI ids, skills, pay ...).

    Parameters
    ----------
    role : str
        A role id from :data:`ROLE_IDS`; ``"sales"`` is accepted for ``field_sales``.
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
    ValueError
        If the role or the language is unknown.
    """
    roles = _load(_lang(lang))["roles"]
    role_id = _ROLE_ALIASES.get(role, role)
    if role_id not in roles:
        raise ValueError(f"unknown role {role!r}; known roles: {', '.join(roles)}")
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
    ValueError
        If ``pair_id`` or ``lang`` is unknown.
    """
    data = _load(_lang(lang))
    pairs = {c["id"]: c for c in data["comparisons"]}
    if pair_id not in pairs:
        raise ValueError(f"unknown comparison {pair_id!r}; known: {', '.join(pairs)}")
    pair = pairs[pair_id]
    aspect_col = data["labels"]["aspect"]
    left_col = data["roles"][pair["left_role"]]["name"]
    right_col = data["roles"][pair["right_role"]]["name"]
    frame = pd.DataFrame(
        {
            aspect_col: [r["aspect"] for r in pair["rows"]],
            left_col: [r["left"] for r in pair["rows"]],
            right_col: [r["right"] for r in pair["rows"]],
        },
        index=pd.Index([r["aspect_id"] for r in pair["rows"]], name="aspect_id"),
    )
    return frame


def aptitude_leaning(answers: Mapping[str, int], lang: str | None = None) -> dict:
    """Score the aptitude self-check and return the leaning (CS, Sales or Support).

    Each answer (1-5) is multiplied by the question's weight for each role and summed.
    The leaning is the role with the highest total; ties go to the first role in
    :data:`QUIZ_ROLES` (cs, sales, support). Unanswered questions count as nothing.

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
    ValueError
        If ``answers`` is empty, names an unknown question id, or holds an answer
        that is not an integer from 1 to 5; or if ``lang`` is unknown.

    Examples
    --------
    >>> aptitude_leaning({"q04_calm_listening": 5, "q07_root_cause": 5}, "en")["leaning"]
    'support'
    """
    quiz = _load(_lang(lang))["aptitude_quiz"]
    low, high = quiz["scale"]["min"], quiz["scale"]["max"]
    weights = {q["id"]: q["weights"] for q in quiz["questions"]}
    if not answers:
        raise ValueError("no answers given")
    scores = {role: 0 for role in QUIZ_ROLES}
    for question_id, value in answers.items():
        if question_id not in weights:
            raise ValueError(f"unknown question id {question_id!r}; known: {', '.join(weights)}")
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or not low <= value <= high:
            raise ValueError(f"answer to {question_id!r} must be an integer from {low} to {high}, got {value!r}")
        for role in QUIZ_ROLES:
            scores[role] += int(value) * int(weights[question_id][role])
    best = max(scores.values())
    leaning = next(role for role in QUIZ_ROLES if scores[role] == best)
    return {"leaning": leaning, "scores": scores, "explanation": quiz["explanations"][leaning]}
