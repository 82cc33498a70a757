"""Exercise checker: compares a learner's answer with the right one and gives feedback,
never the answer itself (how far off, in which direction, and a hint).

Answers come from the roles knowledge base (the sources' worked examples) or are
computed at run time by the KPI engine, so no expected number is typed twice.

Every checker takes the learner's language (``lang``, checked once with
:func:`cskit.options.check_lang`) and answers in it.

Examples
--------
>>> check_number("0.3", 0.25, "en").correct
False
>>> print(check_number(0.25, 0.25, "en"))
That's right.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from ..errors import CskitError
from ..i18n import pick, t
from ..kpi.registry import get_kpi
from ..options import check_lang
from .content import load_knowledge

__all__ = ["Feedback", "feedback_mark", "check_number", "check_compute", "check_kpi_choice", "check_classification",
           "check_kpi_value", "exercises", "find_exercise"]


#: The verdict label of a feedback: right, and not (yet) right. Keys written in full.
MARK_KEYS = {True: "exercise.mark.correct", False: "exercise.mark.retry"}

#: Colour of the dot before the label: green for right, amber for not yet.
MARK_COLOURS = {True: "#2e7d32", False: "#b45309"}


def feedback_mark(correct: bool, lang: str | None = None) -> str:
    """A coloured dot and a bold "正解" / "Correct" or "もう一度" / "Try again" (Markdown with inline HTML).

    No emoji (a check mark emoji is a box where no emoji font is installed): the dot is
    an empty styled ``<span>`` and the label plain bold text, so the label still reads
    where styles are dropped, and nbconvert's reports (which split inline HTML tags from
    their text) draw it as JupyterLab does.

    Examples
    --------
    >>> print(feedback_mark(True, "en"))
    <span class="cskit-mark" style="...background:#2e7d32..."></span> **Correct**
    >>> feedback_mark(False, "ja").endswith("**もう一度**")
    True
    """
    style = ("display:inline-block;width:0.75em;height:0.75em;border-radius:50%;"
             f"background:{MARK_COLOURS[bool(correct)]}")
    return f'<span class="cskit-mark" style="{style}"></span> **{t(MARK_KEYS[bool(correct)], check_lang(lang))}**'


@dataclass(frozen=True)
class Feedback:
    """The verdict on one answer.

    Attributes
    ----------
    correct : bool
    message : str
        Feedback in the learner's language (shown as Markdown in notebooks).
    lang : {"ja", "en"} or None
        Language of the verdict label (:func:`feedback_mark`); ``None``: ``$CSKIT_LANG``, else Japanese.

    Examples
    --------
    >>> Feedback(True, "Well done.", "en")._repr_markdown_()
    '<span class="cskit-mark" ...></span> **Correct** Well done.'
    """

    correct: bool
    message: str
    lang: str | None = None

    def _repr_markdown_(self) -> str:
        return feedback_mark(self.correct, self.lang) + " " + self.message

    def __str__(self) -> str:
        return self.message


def _as_number(answer) -> float | None:
    if isinstance(answer, str):
        answer = answer.strip().rstrip("%").replace(",", "")
    try:
        return float(answer)
    except (TypeError, ValueError):
        return None


def check_number(answer, expected: float, lang: str | None, tolerance: float = 0.005, hint: str | None = None,
                 is_fraction: bool = True) -> Feedback:
    """Check a numeric answer against ``expected`` within ``tolerance`` (absolute).

    Parameters
    ----------
    answer : number or str
        The learner's answer; ``None`` means not answered yet.
    expected : float
        The right value (for rates, a fraction 0-1).
    lang : {"ja", "en"} or None
    tolerance : float
        Largest accepted absolute difference, in the unit of ``expected``.
    hint : str, optional
        Shown when the answer is wrong.
    is_fraction : bool
        The answer is a fraction; an answer 100x too large gets a "percent" hint.

    Examples
    --------
    >>> check_number(25, 0.25, "en").message == t("exercise.percent_hint", "en")
    True
    """
    lang = check_lang(lang)
    if answer is None:
        return Feedback(False, t("exercise.empty", lang), lang)
    value = _as_number(answer)
    if value is None or math.isnan(value):
        return Feedback(False, t("exercise.not_a_number", lang, answer=answer), lang)
    if abs(value - expected) <= tolerance:
        return Feedback(True, t("exercise.correct", lang), lang)
    if is_fraction and abs(value / 100 - expected) <= tolerance:
        return Feedback(False, t("exercise.percent_hint", lang), lang)
    gap = abs(value - expected)
    magnitude = 10 ** math.floor(math.log10(gap)) if gap > 0 else 0
    rough = f"{round(gap / magnitude) * magnitude:.3g}" if magnitude else "0"
    message = t("exercise.too_high" if value > expected else "exercise.too_low", lang, gap=rough)
    if hint:
        message += " " + t("exercise.hint", lang, hint=hint)
    return Feedback(False, message, lang)


def exercises(lang: str | None = None) -> dict:
    """The ``exercises`` section of the role knowledge base in ``lang``.

    Examples
    --------
    >>> sorted(exercises("en"))
    ['classify_activities', 'compute', 'pick_kpi']
    """
    return load_knowledge(lang)["exercises"]


def find_exercise(items: list[dict], exercise_id: str) -> dict:
    """The item of ``items`` whose ``id`` is ``exercise_id``; ``CskitError("exercise.unknown")`` otherwise."""
    for item in items:
        if item["id"] == exercise_id:
            return item
    raise CskitError("exercise.unknown", exercise=exercise_id, known=", ".join(i["id"] for i in items))


def check_compute(exercise_id: str, answer, lang: str | None = None) -> Feedback:
    """Check an answer to one of the sources' worked examples (roles knowledge base).

    Examples
    --------
    >>> check_compute("c01_churn_8pct_year", None, "en").correct
    False
    """
    lang = check_lang(lang)
    item = find_exercise(exercises(lang)["compute"], exercise_id)
    return check_number(answer, float(item["answer"]), lang, float(item.get("tolerance", 0.005)), item.get("hint"),
                        is_fraction=item.get("unit") in ("rate", "fraction", "ratio"))


def check_kpi_choice(goal_id: str, kpi_id: str, lang: str | None = None) -> Feedback:
    """Check which registry KPI a learner picked for a goal."""
    lang = check_lang(lang)
    item = find_exercise(exercises(lang)["pick_kpi"], goal_id)
    try:
        label = get_kpi(kpi_id).label(lang)
    except CskitError as exc:
        return Feedback(False, exc.render(lang), lang)
    if kpi_id == item["answer"]:
        return Feedback(True, t("exercise.kpi_right", lang, kpi=label), lang)
    if kpi_id in item.get("accept", []):
        return Feedback(True, t("exercise.kpi_accepted", lang, kpi=label), lang)
    return Feedback(False, t("exercise.kpi_wrong", lang, kpi=label) + " " + t("exercise.hint", lang, hint=item["hint"]), lang)


def check_classification(answers: dict[str, str], lang: str | None = None) -> Feedback:
    """Check a mapping activity id -> role; lists the activities to look at again.

    Examples
    --------
    >>> check_classification({}, "en").correct
    False
    """
    lang = check_lang(lang)
    items = {i["id"]: i for i in exercises(lang)["classify_activities"]}
    wrong = [items[a]["text"] for a, role in answers.items() if a in items and items[a]["answer"] != role]
    missing = [i["text"] for a, i in items.items() if a not in answers]
    right = len(items) - len(wrong) - len(missing)
    message = t("exercise.classify_score", lang, right=right, total=len(items))
    if wrong or missing:
        message += " " + t("exercise.classify_wrong", lang, items="; ".join(wrong + missing))
    return Feedback(not wrong and not missing, message, lang)


def check_kpi_value(kpis: pd.DataFrame, kpi_id: str, team: str, month, answer, lang: str | None,
                    tolerance: float | None = None) -> Feedback:
    """Check a learner's hand computation of a KPI against the engine's value.

    Parameters
    ----------
    kpis : DataFrame
        Tidy output of :func:`cskit.kpi.engine.compute_kpis`.
    kpi_id, team : str
    month : str or Period
    answer : number
    tolerance : float, optional
        Default: 0.001 for rates, 0.5 % of the value otherwise.
    """
    lang = check_lang(lang)
    month = pd.Period(month, freq="M")
    hit = kpis[(kpis["team"] == team) & (kpis["kpi"] == kpi_id) & (kpis["month"] == month)]["value"]
    expected = float(hit.iloc[0])
    kpi = get_kpi(kpi_id)
    if tolerance is None:
        tolerance = 0.001 if kpi.unit == "rate" else max(abs(expected) * 0.005, 0.5)
    hint = t("exercise.kpi_hint_from_registry", lang, definition=pick(kpi.formula, lang))
    return check_number(answer, expected, lang, tolerance, hint, is_fraction=kpi.unit == "rate")
