"""The checker: a learner's answer against an exercise, with feedback that never gives the answer away.

Feedback has a state a form can style: ``right``, ``accepted`` (right, but another answer
is more direct), ``wrong`` (how far off and a hint), ``empty`` (not answered yet, which is
not wrong) and ``invalid`` (not a number, or not one of the choices, with what is expected).
Numbers are read as learners type them (``0.63``, ``63%``, ``180万``, ``1.8M``,
:func:`cskit.numbers.parse_number`) and written in the learner's language.

Examples
--------
>>> from cskit.exercises import get_exercise
>>> exercise = get_exercise("c04_ltv_simple", "ja")
>>> print(check(exercise, "180万"))
その通りです。
>>> check(exercise, "").state, check(exercise, "たくさん").state, check(exercise, 2_000_000).state
('empty', 'invalid', 'wrong')
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from ..i18n import t
from ..numbers import format_large, format_percent, parse_number
from .model import Exercise

__all__ = ["Feedback", "STATES", "check", "check_number", "expected_from_kpis", "format_answer"]

#: Every state of a feedback, and whether it counts as right.
STATES = {"right": True, "accepted": True, "wrong": False, "empty": False, "invalid": False}
#: Message key of each state's label (shown before the message, in place of an emoji).
STATE_KEYS = {"right": "exercise.state.right", "accepted": "exercise.state.accepted", "wrong": "exercise.state.wrong",
              "empty": "exercise.state.empty", "invalid": "exercise.state.invalid"}
#: Message key of how a number of each unit is typed (shown when an answer cannot be read).
EXAMPLE_KEYS = {"rate": "exercise.example.rate", "jpy": "exercise.example.jpy", "count": "exercise.example.count",
                "ratio": "exercise.example.ratio"}


@dataclass(frozen=True)
class Feedback:
    """The verdict on one answer.

    Attributes
    ----------
    state : str
        A key of :data:`STATES`.
    message : str
        Plain text in the learner's language.
    items : dict
        For ``match`` exercises: each answered item's own feedback, by item id.
    """

    state: str
    message: str
    items: dict = field(default_factory=dict)

    @property
    def correct(self) -> bool:
        """``True`` for ``right`` and ``accepted``."""
        return STATES[self.state]

    def label(self, lang: str) -> str:
        """The state in words (``正解`` / ``Correct``), shown in place of an icon."""
        return t(STATE_KEYS[self.state], lang)

    def __str__(self) -> str:
        return self.message


def format_answer(exercise: Exercise, value: float) -> str:
    """A value in the exercise's unit, as the learner's language writes it.

    Examples
    --------
    >>> from cskit.exercises import get_exercise
    >>> format_answer(get_exercise("c01_churn_8pct_year", "en"), 0.6323)
    '63.2%'
    >>> format_answer(get_exercise("c04_ltv_simple", "ja"), 1_800_000)
    '180万円'
    """
    if exercise.is_fraction:
        return format_percent(value)
    if exercise.unit == "ratio":
        return f"{value:.2f}"
    return format_large(value, exercise.lang, "JPY" if exercise.unit == "jpy" else None)


def _rough(gap: float) -> float:
    """``gap`` rounded to one significant digit (feedback says "about", never the exact miss)."""
    magnitude = 10 ** math.floor(math.log10(gap))
    return round(gap / magnitude) * magnitude


def check_number(exercise: Exercise, answer, expected: float | None = None) -> Feedback:
    """Check a number exercise; ``expected`` overrides the exercise's answer (one computed from data).

    Examples
    --------
    >>> from cskit.exercises import get_exercise
    >>> exercise = get_exercise("c01_churn_8pct_year", "en")
    >>> print(check_number(exercise, 0.5))
    Not yet: your answer is too low (by about 10pt). Hint: Each month 92% stay. ...
    >>> check_number(exercise, "63").state, check_number(exercise, "63%").state
    ('wrong', 'right')
    """
    lang = exercise.lang
    expected = float(exercise.answer if expected is None else expected)
    if answer is None or (isinstance(answer, str) and not answer.strip()):
        return Feedback("empty", t("exercise.empty", lang))
    value = parse_number(answer)
    if value is None:
        example = t(EXAMPLE_KEYS.get(exercise.unit, "exercise.example.count"), lang)
        return Feedback("invalid", t("exercise.not_a_number", lang, answer=str(answer), example=example))
    if abs(value - expected) <= exercise.tolerance:
        return Feedback("right", t("exercise.correct", lang))
    if exercise.is_fraction and not value.percent and abs(value / 100 - expected) <= exercise.tolerance:
        return Feedback("wrong", t("exercise.percent_hint", lang, answer=str(answer)))
    gap = _rough(abs(value - expected))
    gap_text = f"{gap * 100:.3g}pt" if exercise.is_fraction else f"{gap:g}" if exercise.unit == "ratio" else \
        format_answer(exercise, gap)
    message = t("exercise.too_high" if value > expected else "exercise.too_low", lang, gap=gap_text)
    if exercise.hint:
        message += " " + t("exercise.hint", lang, hint=exercise.hint)
    return Feedback("wrong", message)


def _check_item(exercise: Exercise, item, answer) -> Feedback:
    lang = exercise.lang
    if answer is None or answer == "":
        return Feedback("empty", t("exercise.empty", lang))
    by_label = {c.label: c.value for c in exercise.choices}
    value = by_label.get(answer, answer)
    if value not in {c.value for c in exercise.choices}:
        choices = ", ".join(c.label for c in exercise.choices)
        return Feedback("invalid", t("exercise.invalid_choice", lang, answer=str(answer), choices=choices))
    if value == item.answer:
        return Feedback("right", t("exercise.correct", lang))
    if value in item.accept:
        return Feedback("accepted", t("exercise.accepted", lang, choice=exercise.choice_label(value)))
    hint = " " + t("exercise.hint", lang, hint=item.hint) if item.hint else ""
    return Feedback("wrong", t("exercise.look_again", lang) + hint)


def check_match(exercise: Exercise, answers: dict | None) -> Feedback:
    """Check a ``match`` exercise: ``answers`` maps item id to a choice (its value or its label).

    Examples
    --------
    >>> from cskit.exercises import get_exercise
    >>> exercise = get_exercise("classify_activities", "en")
    >>> print(check_match(exercise, {"a01": "inside_sales", "a04": "cs", "a05": "IS"}))
    1 of 12 right; 1 to look at again; 1 not one of the choices; 9 not answered yet.
    >>> check_match(exercise, {}).state, check_match(exercise, {"a05": "IS"}).items["a05"].state
    ('empty', 'invalid')
    """
    lang = exercise.lang
    answers = dict(answers or {})
    items = {item.id: _check_item(exercise, item, answers.get(item.id)) for item in exercise.items}
    counts = {state: sum(f.state == state for f in items.values()) for state in STATES}
    if counts["empty"] == len(items):
        return Feedback("empty", t("exercise.empty", lang), items)
    parts = [t("exercise.match.right", lang, right=counts["right"] + counts["accepted"], total=len(items))]
    for state in ("wrong", "invalid", "empty"):
        if counts[state]:
            parts.append(t(MATCH_KEYS[state], lang, count=counts[state]))
    state = "right" if counts["right"] + counts["accepted"] == len(items) else (
        "invalid" if counts["invalid"] else "wrong")
    return Feedback(state, t("exercise.match.join", lang, parts=t("exercise.match.separator", lang).join(parts)), items)


#: Message key of each count in a ``match`` exercise's summary.
MATCH_KEYS = {"wrong": "exercise.match.wrong", "invalid": "exercise.match.invalid", "empty": "exercise.match.empty"}


def check(exercise: Exercise, answer, expected: float | None = None) -> Feedback:
    """Check ``answer`` to any checkable exercise (``number`` or ``match``).

    Parameters
    ----------
    exercise : Exercise
    answer : number, str or dict
        A number exercise's answer as typed; a match exercise's ``{item id: choice}``.
    expected : float, optional
        The right value of an exercise whose answer comes from the data (``answer_from``).

    Raises
    ------
    CskitError
        ``exercise.not_checkable`` for ``open`` and ``rewrite`` exercises (an open question has
        a model answer to compare with; a rewrite is checked by :func:`cskit.targets.check_rewrite`).
    """
    from ..errors import CskitError

    if exercise.kind == "number":
        return check_number(exercise, answer, expected)
    if exercise.kind == "match":
        return check_match(exercise, answer)
    raise CskitError("exercise.not_checkable", exercise=exercise.id)


def expected_from_kpis(kpis: pd.DataFrame, exercise: Exercise | str, team: str, month) -> float:
    """The right answer of an ``answer_from: {kpi: ...}`` exercise: the engine's value for ``team`` and ``month``.

    Examples
    --------
    >>> from cskit.exercises import get_exercise
    >>> kpis = pd.DataFrame({"team": ["cs1"], "kpi": ["logo_churn_rate"], "month": [pd.Period("2024-03", "M")],
    ...                      "value": [0.04]})
    >>> expected_from_kpis(kpis, get_exercise("logo_churn_month", "en"), "cs1", "2024-03")
    0.04
    """
    if isinstance(exercise, str):
        from .model import get_exercise

        exercise = get_exercise(exercise, "en")
    month = pd.Period(month, freq="M")
    kpi_id = exercise.answer_from["kpi"]
    hit = kpis[(kpis["team"] == team) & (kpis["kpi"] == kpi_id) & (kpis["month"] == month)]["value"]
    return float(hit.iloc[0])
