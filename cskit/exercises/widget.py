"""Exercises in a live notebook: choices and answer fields with a Check button, no Python to type.

A ``match`` exercise is one drop-down per item; a ``number`` exercise a text field that
reads ``0.63``, ``63%``, ``180万`` or ``1.8M``; an ``open`` question a note field and the model
answer on request; a ``rewrite`` exercise the fields of a target, checked by
:func:`cskit.targets.check_rewrite`. Feedback is the checker's (:mod:`.check`): "not
answered yet" is not "wrong", and an unreadable answer says what is expected. States are
shown as coloured words, not emoji (which render as boxes where no emoji font is installed).
"""
from __future__ import annotations

import html

from ..i18n import t
from .check import STATES, Feedback, check
from .model import Exercise
from .static import answer_html, prose

__all__ = ["exercise_widget", "feedback_html", "STATE_COLOURS"]

#: Background colour of each feedback state's label.
STATE_COLOURS = {"right": "#2f7d32", "accepted": "#2f7d32", "wrong": "#b7791f", "empty": "#616e7c", "invalid": "#b83232"}
_WIDE = {"width": "100%"}


def feedback_html(feedback: Feedback, lang: str) -> str:
    """The feedback as HTML: the state in a coloured label, then the message.

    Examples
    --------
    >>> print(feedback_html(Feedback("empty", "Not answered yet."), "en"))  # doctest: +ELLIPSIS
    <span style="...background:#616e7c...">Not answered</span> Not answered yet.
    """
    assert feedback.state in STATES
    style = (f"display:inline-block;color:#fff;background:{STATE_COLOURS[feedback.state]};"
             "padding:0 0.45em;border-radius:3px;font-weight:600;margin-right:0.3em")
    return f'<span style="{style}">{html.escape(feedback.label(lang))}</span> {html.escape(feedback.message)}'


def _answer_box(exercise: Exercise, audience: str, expected: float | None):
    """The answer: shown for a trainer, behind a toggle for a new hire."""
    import ipywidgets as widgets

    lang = exercise.lang
    answer = widgets.HTML(answer_html(exercise, expected), layout=_WIDE)
    if audience == "trainer":
        return widgets.VBox([widgets.HTML(f"<b>{html.escape(t('exercise.answer_shown', lang))}</b>"), answer])
    toggle = widgets.ToggleButton(value=False, description=t("exercise.show_answer", lang),
                                  layout={"width": "auto"})
    answer.layout.display = "none"

    def flip(change):
        answer.layout.display = "" if change["new"] else "none"

    toggle.observe(flip, names="value")
    return widgets.VBox([toggle, answer])


def _number_controls(exercise: Exercise, expected: float | None):
    import ipywidgets as widgets

    from .check import EXAMPLE_KEYS

    lang = exercise.lang
    field = widgets.Text(placeholder=t(EXAMPLE_KEYS.get(exercise.unit, "exercise.example.count"), lang),
                         description=t("exercise.answer", lang), style={"description_width": "initial"})
    result = widgets.HTML()

    def on_check(*_):
        result.value = feedback_html(check(exercise, field.value, expected), lang)

    field.observe(lambda change: setattr(result, "value", ""), names="value")
    return [field], result, on_check


def _match_controls(exercise: Exercise):
    import ipywidgets as widgets

    lang = exercise.lang
    options = [("—", "")] + [(c.label, c.value) for c in exercise.choices]
    rows, pickers, marks = [], {}, {}
    for number, item in enumerate(exercise.items, 1):
        pickers[item.id] = widgets.Dropdown(options=options, value="", layout={"width": "16em"})
        marks[item.id] = widgets.HTML(layout={"width": "auto"})
        text = widgets.HTML(f"{number}. {prose(item.text)}", layout={"width": "55%"})
        rows.append(widgets.HBox([text, pickers[item.id], marks[item.id]]))
    result = widgets.HTML()

    def on_check(*_):
        feedback = check(exercise, {item: picker.value for item, picker in pickers.items()})
        for item, mark in marks.items():
            item_feedback = feedback.items[item]
            mark.value = feedback_html(item_feedback, lang) if item_feedback.state != "right" else \
                feedback_html(Feedback("right", ""), lang)
        result.value = feedback_html(feedback, lang)

    return rows, result, on_check


def _open_controls(exercise: Exercise):
    import ipywidgets as widgets

    notes = widgets.Textarea(placeholder=t("exercise.notes_placeholder", exercise.lang), layout={"width": "100%"})
    return [notes], widgets.HTML(), None


def exercise_widget(exercise: Exercise, *, number: int | None = None, audience: str = "new_hire",
                    expected: float | None = None):
    """The exercise as live controls: a ``VBox`` of the question, the inputs, a Check button and the feedback.

    Parameters
    ----------
    exercise : Exercise
        A ``match``, ``number`` or ``open`` exercise (a ``rewrite`` needs the data:
        :func:`cskit.exercises.rewrite.rewrite_widget`).
    number : int, optional
        Shown in the heading.
    audience : {"new_hire", "trainer"}
        A trainer sees the answer openly; a new hire opens it with a button.
    expected : float, optional
        The right value of an exercise computed from the team's data.

    Examples
    --------
    >>> from cskit.exercises import get_exercise
    >>> box = exercise_widget(get_exercise("c04_ltv_simple", "en"), number=4)
    >>> field = box.children[1].children[0]
    >>> field.value = "1.8M"
    >>> box.children[1].children[1].click()
    >>> "Correct" in box.children[2].value
    True
    """
    import ipywidgets as widgets

    lang = exercise.lang
    heading = t("exercise.heading", lang, number=number) if number is not None else t("exercise.heading_plain", lang)
    if exercise.title:
        heading += t("exercise.title_separator", lang) + exercise.title
    top = [widgets.HTML(f"<h4>{html.escape(heading)}</h4><p>{prose(exercise.question)}</p>", layout=_WIDE)]
    if exercise.kind == "number":
        inputs, result, on_check = _number_controls(exercise, expected)
    elif exercise.kind == "match":
        inputs, result, on_check = _match_controls(exercise)
    else:
        inputs, result, on_check = _open_controls(exercise)
    controls = list(inputs)
    if on_check is not None:
        button = widgets.Button(description=t("exercise.check", lang), button_style="primary")
        button.on_click(on_check)
        controls.append(button)
    row = widgets.HBox(controls) if exercise.kind == "number" else widgets.VBox(controls)
    return widgets.VBox(top + [row, result, _answer_box(exercise, audience, expected)],
                        layout={"border": "1px solid #cbd2d9", "padding": "0.3em 0.8em", "margin": "0.8em 0"})
