"""The exercises of the four notebooks, read once from ``content/exercises.yml`` in one language.

An :class:`Exercise` is what every form needs: the question, its items and choices, the
right answer and why. The widget (:mod:`.widget`), the static HTML and the worksheet
(:mod:`.static`), the checker (:mod:`.check`), the facilitator guide's answer keys and the
trainer deck all read it from here, so an answer is written once.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field

from .._yaml import read_content
from ..errors import CskitError
from ..i18n import pick
from ..options import check_lang

__all__ = ["Choice", "Item", "Exercise", "KINDS", "load_exercises", "get_exercise", "exercises_of"]

#: The forms an exercise takes (see the header of ``content/exercises.yml``).
KINDS = ("match", "number", "rewrite", "open")
#: Units of a number exercise and whether its answer is a fraction shown as a percentage.
FRACTION_UNITS = ("rate",)


@dataclass(frozen=True)
class Choice:
    """One option of a ``match`` exercise: the value the checker compares and the label a learner reads."""

    value: str
    label: str


@dataclass(frozen=True)
class Item:
    """One line of a ``match`` or ``rewrite`` exercise.

    Attributes
    ----------
    id : str
        For code and tests only.
    text : str
        What the learner reads (an activity, a goal, a flawed target's fault).
    answer : str
        The right choice's value (for ``rewrite``: the model target amount).
    accept : tuple of str
        Other values counted as right, with a note that one is more direct.
    hint : str
        Shown when the answer is wrong.
    fields : dict
        Any other field of the entry (``rewrite``: kpi, deadline, parent, why).
    """

    id: str
    text: str
    answer: str
    accept: tuple[str, ...] = ()
    hint: str = ""
    fields: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Exercise:
    """One exercise in one language.

    Attributes
    ----------
    id, notebook, kind : str
    title : str
        Short heading (may be empty).
    question : str
        The question or the instruction above the items.
    items : tuple of Item
        ``match`` and ``rewrite`` exercises.
    choices : tuple of Choice
        ``match`` exercises, in the order shown.
    answer : float or str or None
        ``number``: the right value in ``unit`` (``None`` when computed from the data, see
        ``answer_from``); ``open``: the model answer.
    unit : str
        ``rate`` (a fraction 0-1), ``jpy`` or ``count``.
    tolerance : float
        Largest accepted difference, in ``unit``.
    hint, explanation : str
    answer_from : dict
        ``{"kpi": id}``: the answer is that KPI's value for the team and month of the run.
    lang : str
    """

    id: str
    notebook: str
    kind: str
    lang: str
    title: str = ""
    question: str = ""
    items: tuple[Item, ...] = ()
    choices: tuple[Choice, ...] = ()
    answer: float | str | None = None
    unit: str = ""
    tolerance: float = 0.0
    hint: str = ""
    explanation: str = ""
    answer_from: dict = field(default_factory=dict)

    @property
    def is_fraction(self) -> bool:
        """The answer is a fraction shown as a percentage (``unit == "rate"``)."""
        return self.unit in FRACTION_UNITS

    def choice_label(self, value: str) -> str:
        """The label of choice ``value`` (``value`` itself when it is not a choice)."""
        return next((c.label for c in self.choices if c.value == value), str(value))


@functools.lru_cache(maxsize=None)
def _entries() -> tuple[dict, ...]:
    return tuple(read_content("exercises.yml")["exercises"])


def _text(value, lang: str) -> str:
    return pick(value, lang) if isinstance(value, dict) else ("" if value is None else str(value))


def _choices(entry: dict, lang: str) -> tuple[Choice, ...]:
    """Choices named by the registries: the roles of the answers, or the KPIs of answers and distractors."""
    if entry.get("choices") == "roles":
        from ..roles.registry import MODEL_ORDER
        from ..roles.view import role_name

        roles = sorted({item["answer"] for item in entry["items"]}, key=MODEL_ORDER.index)
        return tuple(Choice(role, role_name(role, lang)) for role in roles)
    if entry.get("choices") == "kpis":
        from ..kpi.registry import get_kpi

        ids = [i["answer"] for i in entry["items"]] + [a for i in entry["items"] for a in i.get("accept") or []]
        ids += entry.get("distractors") or []
        labels = {kpi: get_kpi(kpi).label(lang) for kpi in dict.fromkeys(ids)}
        return tuple(Choice(kpi, label) for kpi, label in sorted(labels.items(), key=lambda pair: pair[1]))
    return ()


def _item(entry: dict, lang: str) -> Item:
    known = {"id", "text", "flaw", "answer", "target", "accept", "hint"}
    fields = {key: _text(value, lang) if isinstance(value, dict) else value
              for key, value in entry.items() if key not in known}
    return Item(id=entry["id"], text=_text(entry.get("text", entry.get("flaw")), lang),
                answer=str(entry.get("answer", entry.get("target", ""))), accept=tuple(entry.get("accept") or ()),
                hint=_text(entry.get("hint"), lang), fields=fields)


def _exercise(entry: dict, lang: str) -> Exercise:
    answer = entry.get("answer")
    return Exercise(
        id=entry["id"], notebook=str(entry["notebook"]), kind=entry["kind"], lang=lang,
        title=_text(entry.get("title"), lang), question=_text(entry.get("question"), lang),
        items=tuple(_item(item, lang) for item in entry.get("items") or ()), choices=_choices(entry, lang),
        answer=_text(answer, lang) if isinstance(answer, dict) else answer, unit=entry.get("unit", ""),
        tolerance=float(entry.get("tolerance", 0.0)), hint=_text(entry.get("hint"), lang),
        explanation=_text(entry.get("explanation"), lang), answer_from=dict(entry.get("answer_from") or {}),
    )


@functools.lru_cache(maxsize=None)
def _load(lang: str) -> tuple[Exercise, ...]:
    return tuple(_exercise(entry, lang) for entry in _entries())


def load_exercises(lang: str | None = None) -> tuple[Exercise, ...]:
    """Every exercise, in notebook order, in ``lang``.

    Examples
    --------
    >>> [e.id for e in load_exercises("en")][:3]
    ['classify_activities', 'pick_kpi', 'c01_churn_8pct_year']
    """
    return _load(check_lang(lang))


def get_exercise(exercise_id: str, lang: str | None = None) -> Exercise:
    """The exercise ``exercise_id`` in ``lang``.

    Raises
    ------
    CskitError
        ``exercise.unknown``, naming the known ids.

    Examples
    --------
    >>> exercise = get_exercise("classify_activities", "en")
    >>> exercise.kind, len(exercise.items), exercise.choice_label("cs")
    ('match', 12, 'Customer Success (CS)')
    """
    everything = load_exercises(lang)
    for exercise in everything:
        if exercise.id == exercise_id:
            return exercise
    raise CskitError("exercise.unknown", exercise=exercise_id, known=", ".join(e.id for e in everything))


def exercises_of(notebook: str, lang: str | None = None) -> list[Exercise]:
    """The exercises of notebook ``notebook`` (``"01"`` ... ``"04"``), in order.

    Examples
    --------
    >>> [e.kind for e in exercises_of("04", "ja")][:2]
    ['open', 'open']
    """
    return [e for e in load_exercises(lang) if e.notebook == notebook]
