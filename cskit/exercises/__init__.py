"""Exercises: written once (``content/exercises.yml``), checked once, shown in three forms.

=====================  ==========================================================
``model``              :class:`Exercise`, :func:`get_exercise`, :func:`exercises_of`
``check``              :func:`check`: right, accepted, wrong, empty or invalid, with feedback
``widget``             live controls in Jupyter (drop-downs, answer fields, a Check button)
``rewrite``            notebook 03's rewrite exercise, checked against the team's data
``static``             a question with its answer behind a click (reports); the printed
                       worksheet is :mod:`cskit.worksheet`
=====================  ==========================================================

A notebook calls :func:`show`, which picks the form: the widget when a person runs the
notebook, the static question in a report or a slide.

Examples
--------
>>> exercise = get_exercise("c02_nrr_example", "en")
>>> check(exercise, "70%").correct, check(exercise, None).state
(True, 'empty')
"""
from __future__ import annotations

from .check import Feedback, check, expected_from_kpis, format_answer
from .model import Exercise, exercises_of, get_exercise, load_exercises
from .static import StaticExercise, answer_html, exercise_html

__all__ = ["Exercise", "Feedback", "get_exercise", "exercises_of", "load_exercises", "check", "format_answer",
           "expected_from_kpis", "answer_html", "exercise_html", "show"]


def show(exercise_id: str, lang: str | None = None, *, number: int | None = None, audience: str = "new_hire",
         interactive: bool | None = None, expected: float | None = None):
    """The exercise in the form that fits where the notebook runs.

    Parameters
    ----------
    exercise_id : str
    lang : {"ja", "en"} or None
    number : int, optional
        Shown in the heading (``Exercise 2``).
    audience : {"new_hire", "trainer"}
        A trainer sees the answers openly; a new hire opens them on request.
    interactive : bool or None
        ``True``: live widget; ``False``: static question (reports, slides); ``None``:
        detect (a person running the notebook gets the widget).
    expected : float, optional
        The right value of an exercise computed from the team's data (``answer_from``).

    Returns
    -------
    ipywidgets.VBox or StaticExercise
        Either displays itself as the last expression of a cell.

    Examples
    --------
    >>> html = show("c03_nrr_growth", "ja", number=3, interactive=False)._repr_html_()
    >>> "演習 3" in html and "<details" in html
    True
    """
    from ..options import AUDIENCES, check_choice

    exercise = get_exercise(exercise_id, lang)
    audience = check_choice("audience", audience, AUDIENCES)
    if interactive is None:
        from ..widgets.targets import running_live

        interactive = running_live()
    if interactive and exercise.kind != "rewrite":
        from .widget import exercise_widget

        return exercise_widget(exercise, number=number, audience=audience, expected=expected)
    return StaticExercise(exercise, number, audience, expected)
