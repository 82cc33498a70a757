"""The report's glossary page: the glossary (:mod:`cskit.roles.glossary`) as offline HTML.

The other language's words sit in an element carrying their HTML ``lang`` attribute
(screen readers and fonts then treat them right); every term has an anchor (its id), the
target of the reports' first-use links (:mod:`cskit.report.terms`).
"""
from __future__ import annotations

from functools import lru_cache

from .._version import __version__
from ..i18n import LANGS, t
from ..options import check_lang
from ..roles.glossary import ASIDE, GROUP_KEYS, load_glossary
from .render import CSP, TEMPLATE_DIR, css

__all__ = ["glossary_html"]

#: Separator between related terms on the page, and the colon after a label, by language.
_SEPARATORS = {"ja": "、", "en": ", "}
_COLONS = {"ja": "：", "en": ": "}


@lru_cache(maxsize=1)
def _env():
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    return Environment(loader=FileSystemLoader(str(TEMPLATE_DIR)),
                       autoescape=select_autoescape(default=True, default_for_string=True),
                       keep_trailing_newline=True)


def _shown_reading(side: dict) -> str:
    """The reading worth printing: none when it only repeats a katakana term."""
    return "" if side["reading"] == ASIDE.sub("", side["term"]) else side["reading"]


def _entry(entry: dict, lang: str, other: str, terms: dict[str, str]) -> dict:
    """What the page shows of one entry."""
    return {"id": entry["id"], "kpi_id": entry["kpi_id"], **entry[lang], "reading": _shown_reading(entry[lang]),
            "other_term": entry[other]["term"], "other_reading": _shown_reading(entry[other]),
            "see": [{"id": ref, "term": terms[ref]} for ref in entry["see"]]}


def _context(lang: str) -> dict:
    other = next(code for code in LANGS if code != lang)
    entries = load_glossary()
    terms = {e["id"]: e[lang]["term"] for e in entries}
    return {
        "lang": lang,
        "other_lang": other,
        "title": t("glossary.title", lang),
        "intro": t("glossary.intro", lang),
        "sep": _SEPARATORS[lang],
        "colon": _COLONS[lang],
        "labels": {"other_term": t("glossary.other_term", lang), "kpi_source": t("glossary.kpi_source", lang),
                   "see": t("glossary.see", lang)},
        "groups": [{"id": group, "title": t(key, lang), "entries": [_entry(e, lang, other, terms) for e in entries
                                                                    if e["group"] == group]}
                   for group, key in GROUP_KEYS.items()],
    }


def glossary_html(lang: str | None = None, page: bool = True, back: bool = False) -> str:
    """The glossary as HTML: a whole offline page, or a fragment to embed.

    The page is self-contained and inert like every report page: the same
    Content-Security-Policy (:data:`cskit.report.render.CSP`) and inline style sheet,
    no script and no request. Every term has an anchor (its id); the other language's
    term is wrapped in an element with that language's ``lang`` attribute.

    Parameters
    ----------
    lang : {"ja", "en"} or None
        Language of the page.
    page : bool, default True
        ``True`` for a whole ``<html>`` page, ``False`` for the ``<section>`` alone.
    back : bool, default False
        Add a link back to ``index.html`` beside it (the reports' site index).

    Returns
    -------
    str
        The HTML, every text escaped.

    Raises
    ------
    cskit.errors.CskitError
        ``cli.unknown_lang`` for an unknown language.

    Examples
    --------
    >>> html = glossary_html("ja", page=False)
    >>> '<span lang="en">Net revenue retention (NRR, 12 months)</span>' in html
    True
    >>> glossary_html("en").startswith("<!DOCTYPE html>")
    True
    """
    lang = check_lang(lang)
    context = _context(lang)
    if not page:
        return _env().get_template("glossary_body.html.j2").render(context)
    return _env().get_template("glossary.html.j2").render(
        context, css=css(), csp=CSP, footer=t("report.footer", lang, version=__version__),
        back=t("report.back_to_teams", lang) if back else None,
    )
