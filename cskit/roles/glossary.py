"""The glossary: every term the notebooks use, defined once, in Japanese and English.

The terms live in ``cskit/content/glossary.yml``, one entry per term with a Japanese
term, reading and definition and an English term and definition. A term that is a
KPI stores only its ``kpi_id``: its definition (and, unless the entry names the term
itself, its name) is read from the KPI registry (:mod:`cskit.kpi.registry`), so the
registry stays the single place a KPI's meaning is written; the registry's convention
and alternatives (:func:`cskit.kpi.registry.convention_lines`) follow the entry's note.

:func:`glossary` returns the tidy table; the report's glossary page renders it
(:func:`cskit.report.glossary_page.glossary_html`).

This module is not imported by :mod:`cskit.roles` itself: it needs the KPI layer.

Examples
--------
>>> table = glossary("en")
>>> table.set_index("id").loc["nrr", ["term", "kpi_id", "other_term"]].tolist()
['Net revenue retention (NRR, 12 months)', 'nrr_12m', '売上継続率（NRR・12か月）']
"""
from __future__ import annotations

import re
from functools import lru_cache

import pandas as pd

from .._yaml import read_content
from ..i18n import LANGS, t
from ..options import check_lang

__all__ = ["COLUMNS", "GROUP_KEYS", "VALUE_TERMS", "ASIDE", "load_glossary", "glossary", "term_names", "value_name"]

#: Columns of :func:`glossary`, in order.
COLUMNS = ("id", "group", "term", "reading", "definition", "note", "kpi_id", "other_term", "see")

#: Message key of each page section, in page order (an entry's ``group``), written out in full.
GROUP_KEYS = {
    "roles": "glossary.group.roles", "funnel": "glossary.group.funnel", "revenue": "glossary.group.revenue",
    "unit_economics": "glossary.group.unit_economics", "cs_work": "glossary.group.cs_work",
    "support": "glossary.group.support", "goals": "glossary.group.goals", "cohorts": "glossary.group.cohorts",
}

#: The glossary entry that names each known value of a data column (``accounts.segment``,
#: ``accounts.touch_model``): a chart, a table or a reading shows the term, never the id.
VALUE_TERMS = {
    "segment": {"enterprise": "enterprise", "mid": "mid_market", "smb": "smb"},
    "touch_model": {"high": "high_touch", "low": "low_touch", "tech": "tech_touch"},
}

#: The file the glossary is read from (in ``cskit/content``).
GLOSSARY_FILE = "glossary.yml"


#: A parenthesised aside in a Japanese term (an abbreviation or a second name).
ASIDE = re.compile(r"（[^）]*）")


def _raw() -> tuple[dict, ...]:
    return tuple(read_content(GLOSSARY_FILE))


def _side(entry: dict, lang: str) -> dict:
    """One entry's text in ``lang``: the YAML's own, with a KPI's name and definition from the registry."""
    from ..kpi.registry import convention_lines, get_kpi

    side = dict(entry[lang] or {})
    if entry["kpi_id"]:
        kpi = get_kpi(entry["kpi_id"])
        side.setdefault("term", kpi.label(lang))
        side["definition"] = kpi.definition[lang]
        # the convention the KPI follows and the alternatives in use follow the entry's own note
        side["note"] = " ".join(part for part in (side.get("note", ""), *convention_lines(kpi.id, lang)) if part)
    return {"term": side["term"], "reading": side.get("reading", "") if lang == "ja" else "",
            "definition": side["definition"], "note": side.get("note", "")}


def load_glossary() -> list[dict]:
    """Every glossary entry with both languages filled in, in the file's order.

    Returns
    -------
    list of dict
        ``{"id", "group", "kpi_id", "see", "ja": {"term", "reading", "definition", "note"},
        "en": {"term", "reading", "definition", "note"}}``; ``reading`` is empty in English,
        ``note`` empty unless the entry has one, ``see`` is a tuple of ids, and a KPI's
        ``definition`` is the registry's.

    Raises
    ------
    cskit.errors.CskitError
        ``kpi.unknown`` (from the registry) if an entry names a KPI id that does not exist.

    Examples
    --------
    >>> entry = next(e for e in load_glossary() if e["id"] == "churn_rate")
    >>> entry["kpi_id"], entry["ja"]["reading"]
    ('logo_churn_rate', 'かいやくりつ')
    """
    return [{"id": entry["id"], "group": entry["group"], "kpi_id": entry["kpi_id"], "see": tuple(entry.get("see") or ()),
             **{lang: _side(entry, lang) for lang in LANGS}} for entry in _raw()]


def glossary(lang: str | None = None) -> pd.DataFrame:
    """The glossary as a tidy table in one language.

    Parameters
    ----------
    lang : {"ja", "en"} or None
        Language of the terms and definitions. ``None`` uses ``$CSKIT_LANG`` or ``ja``.

    Returns
    -------
    pandas.DataFrame
        One row per term, columns :data:`COLUMNS`: ``id``; ``group`` (the page section,
        a key of :data:`GROUP_KEYS`); ``term``, ``reading``
        (hiragana or katakana; empty in English), ``definition`` and ``note`` (what the
        sources add about the term, or empty) in ``lang``;
        ``kpi_id`` (the registry id, or ``None`` for a term that is not a KPI);
        ``other_term``, the term in the other language; ``see``, a tuple of related ids.

    Raises
    ------
    cskit.errors.CskitError
        ``cli.unknown_lang`` if ``lang`` is not ``"ja"`` or ``"en"``.

    Examples
    --------
    >>> ja = glossary("ja").set_index("id")
    >>> ja.loc["customer_success", ["term", "reading", "other_term"]].tolist()
    ['カスタマーサクセス（CS）', 'カスタマーサクセス', 'Customer Success (CS)']
    >>> from cskit.kpi.registry import get_kpi
    >>> ja.loc["ltv", "definition"] == get_kpi("ltv").definition["ja"]
    True
    """
    lang = check_lang(lang)
    other = next(code for code in LANGS if code != lang)
    rows = [{"id": e["id"], "group": e["group"], **e[lang], "kpi_id": e["kpi_id"], "other_term": e[other]["term"], "see": e["see"]}
            for e in load_glossary()]
    return pd.DataFrame(rows, columns=list(COLUMNS))


@lru_cache(maxsize=2)
def term_names(lang: str) -> dict[str, str]:
    """Each glossary id's term in ``lang``."""
    return {entry["id"]: entry[lang]["term"] for entry in load_glossary()}


def value_name(column: str, value, lang: str | None = None) -> str:
    """Display name of a data value (a segment, a touch model) in ``lang``: its glossary term.

    A value without an entry in :data:`VALUE_TERMS` (a segment a dataset defines for
    itself) is shown as it is.

    Parameters
    ----------
    column : str
        ``"segment"`` or ``"touch_model"`` (any other column: the value as it is).
    value : object
        The value in the data (``"smb"``, ``"high"``).
    lang : {"ja", "en"} or None

    Examples
    --------
    >>> value_name("segment", "mid", "ja"), value_name("touch_model", "tech", "en"), value_name("segment", "public", "en")
    ('中堅企業', 'Tech touch', 'public')
    """
    lang = check_lang(lang)
    term_id = VALUE_TERMS.get(column, {}).get(value)
    return term_names(lang)[term_id] if term_id else str(value)
