"""The facilitator guide: one printable, offline HTML page for the trainer who runs the class.

The page puts together, for one language and one class length (60, 90 or 180 minutes):
learning objectives per notebook, the agenda, discussion prompts with expected answers,
how to run the class with the kit, a knowledge check, and the answer keys.

Its text lives in ``cskit/content/guide.{ja,en}.yml`` (same structure in both languages).
The answer keys of notebook 01 (and the compute exercises it shares with 02) are read from
the role knowledge base's ``exercises`` and the cohort tables of notebook 04 are computed
from :func:`cskit.datasets.load_cohort_example`, so the guide cannot drift from what the
notebooks check.

Examples
--------
>>> [sum(item["minutes"] for item in agenda(m, "en")) for m in MINUTES]
[60, 90, 180]
"""
from __future__ import annotations

import html
import math
import re
from pathlib import Path

from ._yaml import read_language_content
from .errors import CskitError, OptionError
from .files import atomic_write
from .options import check_choice, check_lang

__all__ = ["MINUTES", "load_guide", "check_minutes", "agenda", "answer_keys", "render_guide", "build_guide"]

#: The class lengths the guide has an agenda for, in minutes.
MINUTES = (60, 90, 180)

#: The notebooks the guide covers, in teaching order.
NOTEBOOKS = ("01", "02", "03", "04")

_TEMPLATE_DIR = "cskit_guide"
_CODE = re.compile(r"`([^`]+)`")


def load_guide(lang: str | None = None) -> dict:
    """The guide's content in one language (``cskit/content/guide.<lang>.yml``).

    Parameters
    ----------
    lang : {"ja", "en"} or None
        ``None`` means ``$CSKIT_LANG``, else ``ja``.

    Returns
    -------
    dict
        ``meta``, ``labels``, ``modes``, ``notebooks``, ``agenda`` (keyed by minutes as a
        string), ``answer_keys``, ``knowledge_check`` and ``howto``.

    Examples
    --------
    >>> [nb["id"] for nb in load_guide("en")["notebooks"]]
    ['01', '02', '03', '04']
    """
    return read_language_content("guide", check_lang(lang))


def check_minutes(minutes, option: str = "minutes") -> int:
    """The class length as an int, if it is one the guide has an agenda for.

    Parameters
    ----------
    minutes : int or str
        60, 90 or 180.
    option : str
        The name the caller knows (``"--minutes"`` on the command line).

    Raises
    ------
    CskitError
        ``guide.bad_minutes`` for any other value (exit code 2 on the command line).

    Examples
    --------
    >>> check_minutes("90")
    90
    >>> try:
    ...     check_minutes(45)
    ... except CskitError as exc:
    ...     print(exc.render("en"))
    Invalid class length 45 for minutes: choose 60, 90, 180.
    """
    allowed = [str(m) for m in MINUTES]
    try:
        return int(check_choice(option, str(minutes).strip(), allowed))
    except OptionError:
        raise CskitError("guide.bad_minutes", option=option, value=str(minutes), allowed=", ".join(allowed)) from None


def agenda(minutes: int = 60, lang: str | None = None) -> list[dict]:
    """The agenda for a class of ``minutes``: one dict per section, with its mode's name.

    Examples
    --------
    >>> [(item["id"], item["minutes"]) for item in agenda(60, "en")][:2]
    [('opening', 5), ('roles', 10)]
    """
    content = load_guide(lang)
    modes = content["modes"]
    return [{**item, "mode_name": modes[item["mode"]]} for item in content["agenda"][str(check_minutes(minutes))]]


def _match_key(exercise_id: str, lang: str) -> list[dict]:
    from .exercises import get_exercise

    exercise = get_exercise(exercise_id, lang)
    return [{"id": item.id, "text": item.text, "answer": exercise.choice_label(item.answer),
             "accept": [exercise.choice_label(other) for other in item.accept]} for item in exercise.items]


def _number_key(notebook: str, lang: str) -> list[dict]:
    from .exercises import exercises_of, format_answer

    return [{"id": e.id, "question": e.question, "working": e.explanation or e.hint,
             "answer": format_answer(e, float(e.answer)) if e.answer is not None else ""}
            for e in exercises_of(notebook, lang) if e.kind == "number"]


def _rewrite_key(lang: str) -> list[dict]:
    from .exercises import get_exercise

    return [{"id": item.id, "flaw": item.text, "target": item.answer, **item.fields}
            for item in get_exercise("rewrite_targets", lang).items]


def _open_key(notebook: str, lang: str) -> list[dict]:
    from .exercises import exercises_of

    return [{"id": e.id, "question": e.question, "answer": e.answer} for e in exercises_of(notebook, lang)
            if e.kind == "open"]


def _percent_cell(value: float) -> str:
    return "" if value is None or math.isnan(value) else f"{value:.0%}"


def _cohort_tables() -> dict[str, dict]:
    """Notebook 04's five-company example: logo and revenue retention, as rows of percentages."""
    from . import cohorts, datasets

    example = datasets.load_cohort_example()
    tables = {}
    for metric in ("logo", "revenue"):
        matrix = cohorts.retention_matrix(cohorts.cohort_retention(example, metric=metric))
        tables[metric] = {
            "ages": [str(age) for age in matrix.columns],
            "rows": [(str(cohort), [_percent_cell(v) for v in row]) for cohort, row in zip(matrix.index, matrix.to_numpy())],
        }
    return tables


def answer_keys(lang: str | None = None) -> dict:
    """Every answer key of the guide, the ones derived from the kit's data included.

    Returns
    -------
    dict
        ``classification`` and ``kpi_choice`` (notebook 01's match exercises: ``text``,
        ``answer``, ``accept``), ``compute`` and ``nb02`` (number exercises: ``question``,
        ``answer``, ``working``), ``nb03`` (model rewrites), ``nb04`` (questions and model
        answers), all read from :mod:`cskit.exercises`; and ``cohorts`` (04's tables).

    Examples
    --------
    >>> keys = answer_keys("en")
    >>> keys["classification"][0]["answer"]
    'Inside Sales (IS)'
    >>> keys["cohorts"]["logo"]["rows"][0]
    ('2024-01', ['100%', '100%', '50%', '50%', '50%', '50%'])
    """
    lang = check_lang(lang)
    return {
        "classification": _match_key("classify_activities", lang),
        "kpi_choice": _match_key("pick_kpi", lang),
        "compute": _number_key("01", lang),
        "nb02": _number_key("02", lang),
        "nb03": _rewrite_key(lang),
        "nb04": _open_key("04", lang),
        "cohorts": _cohort_tables(),
    }


def _inline_code(text: str) -> str:
    """Escape ``text`` and turn each `backticked` part into ``<code>``."""
    return _CODE.sub(lambda m: f"<code>{m.group(1)}</code>", html.escape(str(text), quote=False))


def _environment():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    folder = Path(__file__).resolve().parent / "templates" / _TEMPLATE_DIR
    env = Environment(loader=FileSystemLoader(str(folder)), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["code"] = _inline_code  # escapes itself; the template marks its output safe
    return env, folder


def render_guide(lang: str | None = None, minutes: int = 60) -> str:
    """The guide as one self-contained HTML page (inline CSS, no script, no external link).

    Examples
    --------
    >>> page = render_guide("en", 90)
    >>> page.startswith("<!DOCTYPE html>") and '<html lang="en">' in page and "<script" not in page
    True
    """
    lang = check_lang(lang)
    minutes = check_minutes(minutes)
    content = load_guide(lang)
    env, folder = _environment()
    items = agenda(minutes, lang)
    return env.get_template("guide.html.j2").render(
        lang=lang, minutes=minutes, content=content, labels=content["labels"], agenda=items,
        total=sum(item["minutes"] for item in items), keys=answer_keys(lang),
        notebooks={nb["id"]: nb for nb in content["notebooks"]},
        css=(folder / "guide.css").read_text(encoding="utf-8"),
    )


def build_guide(out: str | Path, *, lang: str | None = None, minutes: int = 60) -> Path:
    """Write the facilitator guide to ``out`` (atomically: the old file or the new one, never half).

    Parameters
    ----------
    out : str or pathlib.Path
        The HTML file to write; its folder is created if missing.
    lang : {"ja", "en"} or None
        ``None`` means ``$CSKIT_LANG``, else ``ja``.
    minutes : {60, 90, 180}
        The class length the agenda is planned for.

    Returns
    -------
    pathlib.Path
        ``out``.

    Raises
    ------
    CskitError
        ``guide.bad_minutes`` for another length, ``cli.unknown_lang`` for another language.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = build_guide(Path(folder) / "guide.html", lang="en", minutes=60)
    ...     '<html lang="en">' in path.read_text(encoding="utf-8")
    True
    """
    page = render_guide(lang, minutes)
    return atomic_write(out, page)
