"""Glossary links at first use: a term a report page uses is linked once to its glossary entry.

A reader meeting "NRR" or "コホート" for the first time on a page can click through to
the one-line definition on the report's glossary page (``glossary.html``, at the root of
the report folder). Only prose is linked, each term once per page, never inside a
heading, a code span, an existing link or an HTML tag.
"""
from __future__ import annotations

import re
from functools import lru_cache

from ..options import check_lang

__all__ = ["glossary_terms", "link_first_uses", "GLOSSARY_PAGE"]

#: Where a report page finds the glossary: one folder up (``reports/<team>/<page>.html``).
GLOSSARY_PAGE = "../glossary.html"
#: Text that is not prose: code spans, links and images, HTML tags, heading lines.
_PROTECTED = re.compile(r"`[^`]*`|!?\[[^\]]*\]\([^)]*\)|<[^>]+>|^#.*$", re.MULTILINE)
#: A parenthesised aside in a term (an abbreviation or a second name): the page writes the term without it.
_ASIDE = re.compile(r"\s*[（(][^）)]*[）)]")
#: An abbreviation worth linking on its own (NRR, ARPA, CSAT; not CS or IS).
_ACRONYM = re.compile(r"[A-Z]{3,5}")
#: Shortest term linked (shorter ones, such as "CS", match too much).
MIN_LENGTH = 3
#: English one-word terms that are also everyday words ("lead to", "related to"): never linked.
EVERYDAY_WORDS = frozenset({"lead", "age", "related", "sales", "baseline", "adoption", "contacts", "churn", "upsell"})


@lru_cache(maxsize=2)
def glossary_terms(lang: str | None = None) -> tuple[tuple[str, str], ...]:
    """``(term as written in prose, glossary id)`` pairs in ``lang``, longest first.

    Examples
    --------
    >>> dict(glossary_terms("ja"))["コホート"]
    'cohort'
    >>> dict(glossary_terms("en"))["Customer Success"], dict(glossary_terms("en"))["NRR"]
    ('customer_success', 'nrr')
    """
    from ..roles.glossary import load_glossary

    lang = check_lang(lang)
    pairs = {}
    for entry in load_glossary():
        written = entry[lang]["term"]
        term = _ASIDE.sub("", written).strip()
        if len(term) >= MIN_LENGTH and term not in pairs and term.lower() not in EVERYDAY_WORDS:
            pairs[term] = entry["id"]
        for aside in _ASIDE.findall(written):  # an abbreviation in the aside is a name too: "(NRR, 12 months)"
            first = re.split(r"[,、・]", aside.strip(" （()）"))[0].strip()
            if _ACRONYM.fullmatch(first) and first not in pairs:
                pairs[first] = entry["id"]
    return tuple(sorted(pairs.items(), key=lambda pair: -len(pair[0])))


def _pattern(term: str, lang: str) -> re.Pattern:
    """Japanese: the term as written; English: a whole word, in any case unless an acronym (``SMART``)."""
    if lang == "ja":
        return re.compile(re.escape(term))
    flags = 0 if term.isupper() else re.IGNORECASE
    return re.compile(rf"(?<![\w-]){re.escape(term)}(?![\w-])", flags)


def link_first_uses(markdown: str, terms, lang: str, seen: set[str], target: str = GLOSSARY_PAGE) -> str:
    """``markdown`` with the first use of each term not in ``seen`` linked to its glossary entry.

    Parameters
    ----------
    markdown : str
        A prose cell's source.
    terms : sequence of (str, str)
        :func:`glossary_terms` of the page's language.
    lang : {"ja", "en"}
    seen : set of str
        Glossary ids already linked on this page; updated in place.
    target : str
        The glossary page, relative to the report page.

    Examples
    --------
    >>> seen = set()
    >>> link_first_uses("NRR and churn rate; NRR again.", [("churn rate", "churn_rate"), ("NRR", "nrr")], "en", seen)
    '[NRR](../glossary.html#nrr) and [churn rate](../glossary.html#churn_rate); NRR again.'
    >>> link_first_uses("## NRR\\n`NRR` and NRR", [("NRR", "nrr")], "en", set())
    '## NRR\\n`NRR` and [NRR](../glossary.html#nrr)'
    """
    pieces, last = [], 0
    for match in _PROTECTED.finditer(markdown):
        pieces.append((markdown[last:match.start()], True))
        pieces.append((match.group(0), False))
        last = match.end()
    pieces.append((markdown[last:], True))
    for term, term_id in terms:
        if term_id in seen:
            continue
        pattern = _pattern(term, lang)
        for index, (text, is_prose) in enumerate(pieces):
            found = pattern.search(text) if is_prose else None
            if found:
                link = f"[{found.group(0)}]({target}#{term_id})"
                pieces[index:index + 1] = [(text[:found.start()], True), (link, False), (text[found.end():], True)]
                seen.add(term_id)
                break
    return "".join(text for text, _ in pieces)
