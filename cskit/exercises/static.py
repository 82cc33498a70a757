"""Exercises without a kernel: a question in an HTML report, and a printed worksheet with its key.

In a report an exercise is a self-contained question whose hint and answer sit behind a
click (``<details>``: no JavaScript, so the pages keep their Content-Security-Policy). A
new hire's page opens them on request; a trainer's page shows the answer openly. Nothing
here prints a score, asks to "run this cell", or shows an internal id.

The printed worksheet (:mod:`cskit.worksheet`) is built from the same pieces.
"""
from __future__ import annotations

import html
import re
from pathlib import Path

from ..i18n import t
from ..options import AUDIENCES, check_choice, check_lang
from .check import format_answer
from .model import Exercise

__all__ = ["CSS", "exercise_html", "answer_html", "question_html", "heading_text", "prose", "StaticExercise"]

_STYLE_DIR = Path(__file__).resolve().parents[1] / "templates" / "cskit_exercises"
#: The style of an exercise in a report (inlined into every report page, :func:`cskit.report.render.css`).
CSS = (_STYLE_DIR / "exercises.css").read_text(encoding="utf-8")


def _e(text) -> str:
    return html.escape(str(text), quote=True)


_CODE = re.compile(r"`([^`]+)`")


def prose(text) -> str:
    """Escaped text whose `backticked` parts (an id, a target amount) become ``<code>``.

    Examples
    --------
    >>> prose("S, M, R: `call_volume` is not a <KPI>")
    'S, M, R: <code>call_volume</code> is not a &lt;KPI&gt;'
    """
    return _CODE.sub(lambda m: f"<code>{m.group(1)}</code>", _e(text))


def _label(key: str, lang: str) -> str:
    """A label and its colon, as the language writes them (``答え：`` / ``Answer: ``)."""
    return _e(t(key, lang) + t("exercise.title_separator", lang))


def _kpi_label(kpi_id: str, lang: str) -> str:
    from ..kpi.registry import get_kpi

    return get_kpi(kpi_id).label(lang)


def _answer_rows(exercise: Exercise) -> str:
    lang = exercise.lang
    rows = []
    for number, item in enumerate(exercise.items, 1):
        answer = _e(exercise.choice_label(item.answer))
        if item.accept:
            accepted = t("exercise.separator", lang).join(exercise.choice_label(a) for a in item.accept)
            others = t("exercise.also_accepted", lang, choices=accepted)
            answer += f' <span class="accepted">{_e(others)}</span>'
        rows.append(f'<tr><td class="num">{number}</td><td>{prose(item.text)}</td><td class="answer">{answer}</td></tr>')
    head = (f'<thead><tr><th class="num">#</th><th>{_e(t("exercise.col.question", lang))}</th>'
            f'<th>{_e(t("exercise.col.answer", lang))}</th></tr></thead>')
    return f'<table class="exercise-table">{head}<tbody>{"".join(rows)}</tbody></table>'


def _rewrite_rows(exercise: Exercise) -> str:
    lang = exercise.lang
    rows = []
    for item in exercise.items:
        fields = item.fields
        target = t("exercise.rewrite.model", lang, kpi=_kpi_label(fields["kpi"], lang), target=item.answer,
                   deadline=fields["deadline"], parent=_kpi_label(fields["parent"], lang))
        rows.append(f'<tr><td class="id">{_e(item.id)}</td><td>{prose(item.text)}</td>'
                    f'<td class="answer">{_e(target)}</td><td>{prose(fields.get("why", ""))}</td></tr>')
    head = "".join(f"<th>{_e(t(key, lang))}</th>" for key in ("exercise.col.target", "exercise.col.flaw",
                                                               "exercise.col.rewrite", "exercise.col.why"))
    return f'<table class="exercise-table"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def answer_html(exercise: Exercise, expected: float | None = None) -> str:
    """The answer and why, as HTML (used behind the click, in the worksheet key and by the trainer deck).

    Parameters
    ----------
    exercise : Exercise
    expected : float, optional
        The value of an exercise whose answer is computed from the team's data.

    Examples
    --------
    >>> from cskit.exercises import get_exercise
    >>> print(answer_html(get_exercise("c04_ltv_simple", "en")))
    <p class="answer"><strong>Answer: </strong>JPY 1.8 million</p><p><strong>Why: </strong>LTV = average ...</p>
    """
    lang = exercise.lang
    if exercise.kind == "match":
        return _answer_rows(exercise)
    if exercise.kind == "rewrite":
        return _rewrite_rows(exercise)
    if exercise.kind == "open":
        return f'<p class="answer"><strong>{_label("exercise.model_answer", lang)}</strong>{prose(exercise.answer)}</p>'
    value = exercise.answer if expected is None else expected
    shown = (_e(format_answer(exercise, float(value))) if value is not None
             else _e(t("exercise.answer_depends", lang)))
    why = exercise.explanation or exercise.hint
    if exercise.answer_from and not why:
        why = _definition(exercise)
    text = f'<p class="answer"><strong>{_label("exercise.answer", lang)}</strong>{shown}</p>'
    return text + (f'<p><strong>{_label("exercise.why", lang)}</strong>{prose(why)}</p>' if why else "")


def _definition(exercise: Exercise) -> str:
    from ..i18n import pick
    from ..kpi.registry import get_kpi

    kpi = get_kpi(exercise.answer_from["kpi"])
    return t("exercise.kpi_hint_from_registry", exercise.lang, definition=pick(kpi.formula, exercise.lang))


def question_html(exercise: Exercise, worksheet: bool = False) -> str:
    """The question as HTML without its answer; ``worksheet`` adds blank cells and lines to write in."""
    lang = exercise.lang
    parts = [f"<p>{prose(exercise.question)}</p>"] if exercise.question else []
    if exercise.kind == "match":
        choices = (t("exercise.separator", lang)).join(c.label for c in exercise.choices)
        parts.append(f'<p class="choices"><strong>{_label("exercise.choices", lang)}</strong>{_e(choices)}</p>')
        blank = '<td class="blank"></td>' if worksheet else ""
        rows = "".join(f'<tr><td class="num">{n}</td><td>{prose(item.text)}</td>{blank}</tr>'
                       for n, item in enumerate(exercise.items, 1))
        head_blank = f'<th>{_e(t("exercise.col.your_answer", lang))}</th>' if worksheet else ""
        parts.append(f'<table class="exercise-table"><thead><tr><th class="num">#</th>'
                     f'<th>{_e(t("exercise.col.question", lang))}</th>{head_blank}</tr></thead><tbody>{rows}</tbody></table>')
    elif exercise.kind == "rewrite":
        blank = '<td class="blank"></td>' if worksheet else ""
        rows = "".join(f'<tr><td class="id">{_e(i.id)}</td><td>{prose(i.text)}</td>{blank}</tr>' for i in exercise.items)
        head = "".join(f"<th>{_e(t(k, lang))}</th>" for k in ("exercise.col.target", "exercise.col.flaw")
                       + (("exercise.col.your_rewrite",) if worksheet else ()))
        parts.append(f'<table class="exercise-table"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>')
    elif worksheet:
        parts.append('<div class="blank-line"></div>' * (3 if exercise.kind == "open" else 1))
    return "".join(parts)


def heading_text(exercise: Exercise, number: int | None = None) -> str:
    """``Exercise 2: Pick the KPI for each goal`` in the exercise's language.

    Examples
    --------
    >>> from cskit.exercises import get_exercise
    >>> heading_text(get_exercise("pick_kpi", "ja"), 2)
    '演習 2：目標ごとに KPI を選ぶ'
    """
    lang = exercise.lang
    heading = t("exercise.heading", lang, number=number) if number is not None else t("exercise.heading_plain", lang)
    return heading + (t("exercise.title_separator", lang) + exercise.title if exercise.title else "")


def exercise_html(exercise: Exercise, *, number: int | None = None, audience: str = "new_hire",
                  expected: float | None = None) -> str:
    """One exercise as a self-contained HTML block for a report page.

    Parameters
    ----------
    exercise : Exercise
    number : int, optional
        Shown in the heading (``Exercise 2``).
    audience : {"new_hire", "trainer"}
        ``new_hire``: hint and answer behind a click; ``trainer``: the answer shown openly.
    expected : float, optional
        The value of an exercise whose answer is computed from the team's data.

    Examples
    --------
    >>> from cskit.exercises import get_exercise
    >>> block = exercise_html(get_exercise("c01_churn_8pct_year", "en"), number=3)
    >>> "<details" in block and "63.2%" in block and "c01" not in block and "run" not in block
    True
    >>> "<details open" in exercise_html(get_exercise("c01_churn_8pct_year", "en"), audience="trainer")
    True
    """
    lang = exercise.lang
    audience = check_choice("audience", audience, AUDIENCES)
    heading = heading_text(exercise, number)
    hint = ""
    if exercise.hint and exercise.kind == "number" and audience != "trainer":
        hint = (f'<details class="hint"><summary>{_e(t("exercise.show_hint", lang))}</summary>'
                f"<p>{prose(exercise.hint)}</p></details>")
    is_open = " open" if audience == "trainer" else ""
    reveal = "exercise.answer_shown" if audience == "trainer" else "exercise.show_answer"
    return (f'<section class="cskit-exercise" lang="{lang}"><h4>{_e(heading)}</h4>{question_html(exercise)}{hint}'
            f'<details{is_open} class="answer"><summary>{_e(t(reveal, lang))}</summary>'
            f"{answer_html(exercise, expected)}</details></section>")


class StaticExercise:
    """An exercise shown in a notebook without a kernel (reports, slides): renders as :func:`exercise_html`."""

    def __init__(self, exercise: Exercise, number: int | None, audience: str, expected: float | None):
        self.html = exercise_html(exercise, number=number, audience=audience, expected=expected)

    def _repr_html_(self) -> str:
        return self.html
