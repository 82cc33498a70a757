"""The printed worksheet: every exercise of the class with room to answer, then the key on its own page.

A trainer hands out the questions and keeps the key (CSS ``break-before: page`` starts it on
a new sheet). The questions and answers are the exercises' own (:mod:`cskit.exercises`),
so the paper, the reports and the notebooks always agree.
"""
from __future__ import annotations

import html
from pathlib import Path

from .exercises import exercises_of
from .exercises.static import CSS, answer_html, heading_text, question_html
from .files import atomic_write
from .guide import NOTEBOOKS, load_guide
from .i18n import t
from .options import check_lang

__all__ = ["worksheet_html", "build_worksheet"]


def _e(text) -> str:
    return html.escape(str(text), quote=True)


def _example_table(lang: str) -> str:
    """Notebook 04's five accounts (MRR per month) that its questions are about, formatted for paper."""
    from .datasets import COHORT_EXAMPLE_MRR

    months = "".join(f"<th>{_e(month)}</th>" for month in COHORT_EXAMPLE_MRR.columns)
    rows = "".join(f"<tr><td>{_e(account)}</td>" + "".join(f'<td class="money">{value:,}</td>' for value in values)
                   + "</tr>" for account, values in zip(COHORT_EXAMPLE_MRR.index, COHORT_EXAMPLE_MRR.to_numpy()))
    return (f'<p>{_e(t("exercise.worksheet.example_04", lang))}</p><table class="exercise-table example">'
            f"<thead><tr><th></th>{months}</tr></thead><tbody>{rows}</tbody></table>")


#: What a notebook's questions refer to, printed before them (on screen it is the notebook's own table).
MATERIAL = {"04": _example_table}


def worksheet_html(lang: str | None = None, notebooks: tuple[str, ...] | list[str] = NOTEBOOKS) -> str:
    """Every exercise of ``notebooks`` as one printable page: questions with room to answer, then the key.

    The key starts on a new page in print (CSS ``break-before: page``), so a trainer can hand
    out the questions and keep the answers.

    Examples
    --------
    >>> page = worksheet_html("ja", ["01"])
    >>> page.startswith("<!DOCTYPE html>") and '<html lang="ja">' in page and "<script" not in page
    True
    >>> page.index('class="key"') > page.index("活動を役割に分ける")
    True
    """
    lang = check_lang(lang)
    titles = {nb["id"]: nb["title"] for nb in load_guide(lang)["notebooks"]}
    questions, key = [], []
    for notebook in notebooks:
        # an exercise on the team's own data needs its table: it is done in the notebook
        items = [e for e in exercises_of(notebook, lang) if not e.answer_from]
        if not items:
            continue
        questions.append(f'<h2>{_e(titles.get(notebook, notebook))}</h2>')
        if notebook in MATERIAL:
            questions.append(f'<section class="cskit-exercise">{MATERIAL[notebook](lang)}</section>')
        key.append(f'<h3>{_e(titles.get(notebook, notebook))}</h3>')
        for number, exercise in enumerate(items, 1):
            heading = heading_text(exercise, number)
            questions.append(f'<section class="cskit-exercise"><h4>{_e(heading)}</h4>'
                             f"{question_html(exercise, worksheet=True)}</section>")
            key.append(f'<section class="cskit-exercise"><h4>{_e(heading)}</h4>{answer_html(exercise)}</section>')
    title = t("exercise.worksheet.title", lang)
    return (f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
            f'<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'">'
            f"<title>{_e(title)}</title><style>{CSS}</style></head><body class=\"worksheet\">"
            f"<h1>{_e(title)}</h1><p class=\"who\"><span>{_e(t('exercise.worksheet.name', lang))}</span>"
            f"<span>{_e(t('exercise.worksheet.date', lang))}</span></p>"
            f"<p>{_e(t('exercise.worksheet.intro', lang))}</p>{''.join(questions)}"
            f'<section class="key"><h2>{_e(t("exercise.worksheet.key", lang))}</h2>{"".join(key)}</section>'
            f"</body></html>\n")


def build_worksheet(out: str | Path, *, lang: str | None = None, notebooks: str = "all") -> Path:
    """Write the printable worksheet (questions, then the key on its own page) to ``out``, atomically.

    Parameters
    ----------
    out : str or pathlib.Path
    lang : {"ja", "en"} or None
    notebooks : str
        ``"all"`` or numbers such as ``"01,02"``.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = build_worksheet(Path(folder) / "worksheet.html", lang="en", notebooks="01")
    ...     "Answer key" in path.read_text(encoding="utf-8")
    True
    """
    from .report.plan import select_notebooks

    page = worksheet_html(lang, select_notebooks(notebooks))
    out = Path(out)
    atomic_write(out, page)
    return out

