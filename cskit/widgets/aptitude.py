"""Aptitude self-check: rate ten statements from 1 to 5 and see a CS / Sales / Support leaning.

The questions, weights, scoring rule and explanations live in the role knowledge base
(``aptitude_quiz`` in ``cskit/content/roles.*.yml``); scoring is
:func:`cskit.roles.aptitude_leaning`. This module only builds the widget and, for
non-interactive runs (papermill, reports), the static table and text.
"""
from __future__ import annotations

import html

import pandas as pd

from ..i18n import t
from ..roles.content import aptitude_leaning, load_knowledge
from ..roles.registry import QUIZ_GROUPS as QUIZ_ROLES, QUIZ_ROLE


def _role_names(lang: str) -> dict[str, str]:
    roles = load_knowledge(lang)["roles"]
    return {group: roles[QUIZ_ROLE[group]]["name"] for group in QUIZ_ROLES}


def questions_table(lang: str) -> pd.DataFrame:
    """The statements with their weight per role (the scoring key), one row per statement.

    Returns
    -------
    DataFrame
        Columns: number, statement, and one weight column per role in
        :data:`cskit.roles.registry.QUIZ_GROUPS` order (headers in ``lang``).
    """
    quiz = load_knowledge(lang)["aptitude_quiz"]
    names = _role_names(lang)
    rows = []
    for number, question in enumerate(quiz["questions"], start=1):
        row = {t("roles.aptitude.col_no", lang): number, t("roles.aptitude.col_statement", lang): question["text"]}
        for role in QUIZ_ROLES:
            row[t("roles.aptitude.col_weight", lang, role=names[role])] = question["weights"][role]
        rows.append(row)
    return pd.DataFrame(rows)


def top_roles(scores: dict[str, int]) -> list[str]:
    """The roles with the highest total, in :data:`cskit.roles.registry.QUIZ_GROUPS` order (more than one on a tie).

    Examples
    --------
    >>> top_roles({"cs": 36, "sales": 36, "support": 30}), top_roles({"cs": 10, "sales": 24, "support": 20})
    (['cs', 'sales'], ['sales'])
    """
    best = max(scores.values())
    return [role for role in QUIZ_ROLES if scores[role] == best]


def verdict(scores: dict[str, int], lang: str) -> str:
    """"Your leaning: <role>" for a single highest total, "A tie: <roles>" when the highest totals are equal (Markdown).

    Examples
    --------
    >>> verdict({"cs": 20, "sales": 24, "support": 20}, "en")
    '**Your leaning: Sales (Field Sales)**'
    >>> verdict({"cs": 36, "sales": 36, "support": 36}, "en")
    '**A tie: Customer Success (CS) / Sales (Field Sales) / Customer Support** (read each explanation)'
    """
    names = _role_names(lang)
    top = top_roles(scores)
    if len(top) > 1:
        return t("roles.aptitude.tie", lang, roles=" / ".join(names[r] for r in top))
    return t("roles.aptitude.result", lang, role=names[top[0]])


def scoring_rule(lang: str) -> str:
    """How answers become a leaning, in words, with a worked example (Markdown)."""
    quiz = load_knowledge(lang)["aptitude_quiz"]
    middle = (quiz["scale"]["min"] + quiz["scale"]["max"]) // 2
    example = aptitude_leaning({q["id"]: middle for q in quiz["questions"]}, lang)
    names = _role_names(lang)
    scores = ", ".join(f"{names[r]} {example['scores'][r]}" for r in QUIZ_ROLES)
    return quiz["scoring_rule"] + "\n\n" + t("roles.aptitude.example", lang, value=middle, scores=scores,
                                            verdict=verdict(example["scores"], lang))


def instructions(lang: str) -> str:
    """One line telling how to answer (the scale and its end labels)."""
    scale = load_knowledge(lang)["aptitude_quiz"]["scale"]
    return t("roles.aptitude.instructions", lang, low=scale["min"], high=scale["max"],
             low_label=scale["min_label"], high_label=scale["max_label"])


def result_markdown(answers: dict[str, int], lang: str) -> str:
    """The verdict, the totals per role and the explanation(s) for ``answers`` (Markdown).

    Before any answer the text only asks the learner to move the sliders; on a tie it
    says so and gives each tied role's explanation (no role wins by list order).

    Parameters
    ----------
    answers : dict
        ``{question_id: 1..5}`` for the statements answered so far (see
        :func:`cskit.roles.aptitude_leaning`); empty before the first answer.

    Examples
    --------
    >>> result_markdown({}, "en") == t("roles.aptitude.waiting", "en")
    True
    >>> print(result_markdown({"q04_calm_listening": 5}, "en"))
    **Your leaning: Customer Support**
    <BLANKLINE>
    Totals: Customer Success (CS) 0, Sales (Field Sales) 0, Customer Support 15
    <BLANKLINE>
    1 of 10 statements answered (the ones you have not moved do not count).
    <BLANKLINE>
    You lean towards Customer Support. ...
    """
    if not answers:
        return t("roles.aptitude.waiting", lang)
    quiz = load_knowledge(lang)["aptitude_quiz"]
    result = aptitude_leaning(answers, lang)
    names = _role_names(lang)
    lines = [verdict(result["scores"], lang),
             t("roles.aptitude.scores", lang, scores=", ".join(f"{names[r]} {result['scores'][r]}" for r in QUIZ_ROLES))]
    if len(answers) < len(quiz["questions"]):
        lines.append(t("roles.aptitude.answered", lang, answered=len(answers), total=len(quiz["questions"])))
    lines += [quiz["explanations"][role] for role in top_roles(result["scores"])]
    return "\n\n".join(lines)


def aptitude_check(lang: str, interactive: bool = True):
    """The self-check: one 1-5 slider per statement and a live result once the learner moves one.

    Parameters
    ----------
    lang : {"ja", "en"}
    interactive : bool
        False (papermill, reports): display the scoring rule with an example,
        and return the statements with their weights as a table.

    Returns
    -------
    ipywidgets.VBox or pandas Styler
        The widget, or the static table of :func:`questions_table` (without index).
    """
    from IPython.display import Markdown, display

    if not interactive:
        from ..roles.view import styled

        display(Markdown(t("roles.aptitude.static_note", lang) + "\n\n" + scoring_rule(lang)))
        return styled(questions_table(lang))

    import ipywidgets as widgets

    quiz = load_knowledge(lang)["aptitude_quiz"]
    low, high = quiz["scale"]["min"], quiz["scale"]["max"]
    middle = (low + high) // 2
    sliders = {}
    rows = []
    for number, question in enumerate(quiz["questions"], start=1):
        slider = widgets.IntSlider(value=middle, min=low, max=high, step=1, continuous_update=False,
                                   layout=widgets.Layout(width="220px"))
        label = widgets.HTML(f"{number}. {html.escape(question['text'])}", layout=widgets.Layout(width="560px"))
        sliders[question["id"]] = slider
        rows.append(widgets.HBox([label, slider]))
    out = widgets.Output()
    answered: dict[str, int] = {}  # only the statements the learner has moved a slider for

    def redraw():
        with out:
            out.clear_output(wait=True)
            display(Markdown(result_markdown(answered, lang)))

    def answer(question_id: str, value: int):
        answered[question_id] = value
        redraw()

    for question_id, slider in sliders.items():
        slider.observe(lambda change, qid=question_id: answer(qid, change["new"]), names="value")
    redraw()
    return widgets.VBox([widgets.HTML(f"<p>{html.escape(instructions(lang))}</p>"), *rows, out])
