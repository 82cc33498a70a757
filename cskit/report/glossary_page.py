"""The report's glossary page: the glossary (:mod:`cskit.roles.glossary`) as offline HTML.

The other language's words sit in an element carrying their HTML ``lang`` attribute
(screen readers and fonts then treat them right); every term has an anchor (its id), the
target of the reports' first-use links (:mod:`cskit.report.terms`).
"""
from __future__ import annotations

from functools import lru_cache

from .._version import __version__
from ..i18n import LANGS, t
from ..options import check_choice, check_lang
from ..roles.glossary import ASIDE, GROUP_KEYS, load_glossary, term_names
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


def _entry(entry: dict, lang: str, other: str, shown: set[str]) -> dict:
    """What the page shows of one entry; a related term links to its entry when the page shows it."""
    return {"id": entry["id"], "kpi_id": entry["kpi_id"], **entry[lang], "reading": _shown_reading(entry[lang]),
            "other_term": entry[other]["term"], "other_reading": _shown_reading(entry[other]),
            "see": [{"id": ref, "term": term_names(lang)[ref], "link": ref in shown} for ref in entry["see"]]}


def _context(lang: str, groups: tuple[str, ...]) -> dict:
    other = next(code for code in LANGS if code != lang)
    entries = [e for e in load_glossary() if e["group"] in groups]
    shown = {e["id"] for e in entries}
    return {
        "lang": lang,
        "other_lang": other,
        "whole": len(groups) == len(GROUP_KEYS),
        "title": t("glossary.title", lang),
        "intro": t("glossary.intro", lang),
        "sep": _SEPARATORS[lang],
        "colon": _COLONS[lang],
        "labels": {"other_term": t("glossary.other_term", lang), "kpi_source": t("glossary.kpi_source", lang),
                   "see": t("glossary.see", lang)},
        "groups": [{"id": group, "title": t(GROUP_KEYS[group], lang),
                    "entries": [_entry(e, lang, other, shown) for e in entries if e["group"] == group]}
                   for group in groups],
    }


def _groups(groups) -> tuple[str, ...]:
    """The sections to show, in page order: every one for ``None``, else the named ones, each checked."""
    if groups is None:
        return tuple(GROUP_KEYS)
    named = {check_choice("groups", group, GROUP_KEYS) for group in ([groups] if isinstance(groups, str) else groups)}
    return tuple(group for group in GROUP_KEYS if group in named)


def glossary_html(lang: str | None = None, page: bool = True, back: bool = False, groups=None) -> str:
    """The glossary as HTML: a whole offline page, or a fragment to embed.

    The page is self-contained and inert like every report page: the same
    Content-Security-Policy (:data:`cskit.report.render.CSP`) and inline style sheet,
    no script and no request. Every term has an anchor (its id); the other language's
    term is wrapped in an element with that language's ``lang`` attribute.
    A fragment of some ``groups`` is a section of a notebook, under the notebook's
    own heading: it has no title of its own, its sections are ``<h3>``, and a related
    term outside those groups is named without a link.

    Parameters
    ----------
    lang : {"ja", "en"} or None
        Language of the page.
    page : bool, default True
        ``True`` for a whole ``<html>`` page, ``False`` for the ``<section>`` alone.
    back : bool, default False
        Add a link back to ``index.html`` beside it (the reports' site index).
    groups : str or list of str, optional
        Only these sections (keys of :data:`GROUP_KEYS`, shown in page order);
        ``None`` for every one.

    Returns
    -------
    str
        The HTML, every text escaped.

    Raises
    ------
    cskit.errors.CskitError
        ``cli.unknown_lang`` for an unknown language; ``OptionError`` for an unknown group.

    Examples
    --------
    >>> html = glossary_html("ja", page=False)
    >>> '<span lang="en">Net revenue retention (NRR, 12 months)</span>' in html
    True
    >>> glossary_html("en").startswith("<!DOCTYPE html>")
    True
    >>> part = glossary_html("en", page=False, groups=["roles"])
    >>> 'id="customer_success"' in part, 'id="nrr"' in part, "<h1>" in part
    (True, False, False)
    """
    lang = check_lang(lang)
    context = _context(lang, _groups(groups))
    if not page:
        return _env().get_template("glossary_body.html.j2").render(context)
    return _env().get_template("glossary.html.j2").render(
        context, css=css(), csp=CSP, footer=t("report.footer", lang, version=__version__),
        back=t("report.back_to_teams", lang) if back else None,
    )
