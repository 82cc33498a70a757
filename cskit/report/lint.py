"""A rendered page read as its reader sees it: text of the other language, raw data frames.

A report page is in one language. :func:`scan_page` lists what a reader of that
language should not meet:

* ``other_language``: Japanese characters (kana, kanji, Japanese punctuation) in an
  English page, or English words in a Japanese page. Allowed in a Japanese page:
  names of the sources' companies and people and of tools (:data:`NAMES`), standard
  abbreviations and units (:data:`ABBREVIATIONS`), ids (the KPI registry's, and any
  word with a digit, ``_``, ``.`` or ``/``: ``mrr``, ``nrr_12m``, ``cs_smb``,
  ``targets.yml``) and single letters.
  Text inside an element whose ``lang`` attribute names the other language is meant
  to be there (a glossary's paired term, a quoted original), and ``<script>``,
  ``<style>``, ``<code>``, ``<pre>`` and ``<svg>`` are not prose.
* ``raw_table``: marks of a data frame shown as it is, in a table or a printed
  output: ``NaN``/``nan``/``None``/``<NA>``/``NaT``, ``True``/``False``, floats with
  four decimals or more (``21.818182``), ``dtype``, and pandas' default row numbers
  (an unnamed index ``0, 1, 2, ...``).

Each :class:`Finding` carries the text of the element it was found in, so a person
can find and fix it. Only the standard library is used (``html.parser``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from html.parser import HTMLParser

from ..i18n import JAPANESE
from ..options import check_lang

__all__ = ["ABBREVIATIONS", "NAMES", "Finding", "scan_page", "format_findings"]

#: Abbreviations and units a Japanese page writes in Latin letters.
ABBREVIATIONS = frozenset("""
    MRR ARR NRR GRR ARPA ARPU KPI KGI OKR LTV CAC CSAT NPS SMART CS CSM IS FS SaaS B2B B2C CRM SFA MA MQL SQL
    SDR BDR AE QBR ROI PDCA FAQ ID IT UI UX PC CSV HTML PDF JSON YAML URL SMB HR KM AUC RMST
    JPY USD EUR pt h d M K Q YYYY-MM YYYY-MM-DD
""".split())

#: Names of the sources' companies and people and of the tools the notebooks use.
NAMES = ("The Model", "THE MODEL", "Salesforce", "SmartHR", "Netflix", "Zoom", "Slack", "Benioff", "Rudnitsky",
         "JupyterLab", "Jupyter", "Python", "pandas", "DuckDB", "Excel", "Parquet", "cskit",
         "ChartMogul", "Baremetrics", "Stripe")  # billing-metric tools whose conventions the registry names

_JAPANESE = JAPANESE
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-._/'’&+][A-Za-z0-9]+)*")
_ID_MARK = re.compile(r"[0-9_./]")
_NAMES = re.compile("|".join(re.escape(n) for n in sorted(NAMES, key=len, reverse=True)))
_RAW_CELLS = frozenset({"NaN", "nan", "None", "<NA>", "NaT", "True", "False"})
_RAW_TOKENS = re.compile(r"(?<![\w.])(?:NaN|nan|None|<NA>|NaT|True|False|dtype|-?\d+\.\d{4,})(?![\w.])")
_LONG_FLOAT = re.compile(r"(?<![\w.])-?\d+\.\d{4,}(?![\w.])")
_SKIP = frozenset({"script", "style", "code", "pre", "svg", "math", "kbd", "samp", "template"})
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})
_BLOCKS = frozenset({"title", "p", "li", "tr", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "caption",
                     "figcaption", "summary", "blockquote", "pre", "div", "section", "main", "body", "nav", "header"})
_PRINTED = ("text/plain", "application/vnd.jupyter.stdout", "application/vnd.jupyter.stderr")


@dataclass(frozen=True)
class Finding:
    """One thing a reader of the page's language should not meet.

    Attributes
    ----------
    kind : {"other_language", "raw_table"}
    text : str
        What was found (the other-language words of one text, a marker, ``"0, 1, 2"``
        for default row numbers).
    element : str
        The text of the element it is in (a paragraph, a table row, an image's alt), shortened.
    """

    kind: str
    text: str
    element: str


@dataclass
class _Block:
    """An element whose text is shown with a finding; a table cell is shown as its row (``owner``)."""

    tag: str
    owner: _Block | None = None
    texts: list[str] = field(default_factory=list)

    def add(self, text: str) -> None:
        self.texts.append(text)
        if self.owner is not None:
            self.owner.texts.append(text)

    def text(self) -> str:
        joined = " ".join(" ".join(self.texts).split())
        return joined if len(joined) <= 160 else joined[:157] + "..."

    def shown(self) -> str:
        return (self.owner or self).text()


@dataclass
class _Frame:
    tag: str
    lang: str
    skip: bool
    printed: bool
    block: _Block


class _Reader(HTMLParser):
    """Text pieces with their language, their block and where they sit (table, printed output)."""

    def __init__(self, lang: str):
        super().__init__(convert_charrefs=True)
        self.stack = [_Frame("#document", lang, False, False, _Block("#document"))]
        self.pieces: list[tuple[str, _Frame]] = []  # (text, innermost frame)
        self.tables: list[list[list[tuple[str, str, _Block]]]] = []  # table -> rows -> (section, tag, cell)
        self.sections: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        top = self.stack[-1]
        if tag == "img" and attrs.get("alt"):
            block = _Block("img")
            block.add(attrs["alt"])
            self.pieces.append((attrs["alt"], _Frame("img", attrs.get("lang") or top.lang, top.skip, False, block)))
        if tag in _VOID:
            return
        printed = top.printed or attrs.get("data-mime-type") in _PRINTED
        owner = top.block if tag in ("td", "th") and top.block.tag == "tr" else None
        block = _Block(tag, owner) if tag in _BLOCKS else top.block
        self.stack.append(_Frame(tag, attrs.get("lang") or top.lang, top.skip or tag in _SKIP, printed, block))
        self._table_start(tag, block)

    def _table_start(self, tag: str, block: _Block) -> None:
        if tag == "table":
            self.tables.append([])
            self.sections.append("tbody")
        elif tag in ("thead", "tbody", "tfoot") and self.sections:
            self.sections[-1] = tag
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th") and self.tables and self.tables[-1]:
            self.tables[-1][-1].append((self.sections[-1], tag, block))

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                break
        if tag == "table" and self.sections:
            self.sections.pop()

    def handle_data(self, data):
        if data.strip():
            frame = self.stack[-1]
            frame.block.add(data)
            self.pieces.append((data, frame))


@lru_cache(maxsize=1)
def _allowed() -> frozenset[str]:
    """Words a Japanese page may show: the abbreviations, the KPI ids, the raw-frame marks (reported apart)."""
    from ..kpi.registry import registry

    return ABBREVIATIONS | frozenset(registry()) | _RAW_CELLS | {"dtype"}


def _english_words(text: str) -> list[str]:
    """Latin-letter words of ``text`` that are not names, abbreviations, units, ids or single letters."""
    words = _WORD.findall(_NAMES.sub(" ", text))
    allowed = _allowed()
    return [w for w in words if len(w) > 1 and w not in allowed and not _ID_MARK.search(w)]


def _other_language(pieces, lang: str) -> list[Finding]:
    found = []
    for text, frame in pieces:
        if frame.skip or frame.lang.split("-")[0] != lang:
            continue
        hits = _JAPANESE.findall(text) if lang == "en" else _english_words(text)
        if hits:
            found.append(Finding("other_language", " ".join(dict.fromkeys(hits)), frame.block.shown()))
    return found


def _raw_printed(pieces) -> list[Finding]:
    """Data-frame marks in printed outputs (a frame or a series shown as text)."""
    blocks = {id(frame.block): frame.block for _, frame in pieces if frame.printed}
    return [Finding("raw_table", hit, block.shown()) for block in blocks.values()
            for hit in dict.fromkeys(_RAW_TOKENS.findall(" ".join(block.texts)))]


def _default_index(rows) -> str | None:
    """``"0, 1, 2"`` when a table's row headers are pandas' default numbers under an empty corner."""
    body = [row for row in rows if row and row[0][0] != "thead"]
    heads = [row[0][2].text() for row in body if row[0][1] == "th"]
    header = [row for row in rows if row and row[0][0] == "thead"]
    corner_empty = all(not row[0][2].text() for row in header)
    if body and len(heads) == len(body) and heads == [str(i) for i in range(len(body))] and corner_empty:
        return ", ".join(heads[:3])
    return None


def _raw_tables(tables) -> list[Finding]:
    found = []
    for rows in tables:
        numbers = _default_index(rows)
        if numbers is not None:
            found.append(Finding("raw_table", numbers, rows[-1][0][2].shown()))
        for row in rows:
            for _, _, cell in row:
                value = cell.text()
                hits = [value] if value in _RAW_CELLS else _LONG_FLOAT.findall(value) + (["dtype"] if "dtype" in value else [])
                found += [Finding("raw_table", hit, cell.shown()) for hit in hits]
    return found


def scan_page(html: str, lang: str) -> list[Finding]:
    """Everything on a rendered page that a reader of ``lang`` should not meet.

    Parameters
    ----------
    html : str
        A whole page or a fragment.
    lang : {"ja", "en"}
        The page's language.

    Returns
    -------
    list of Finding
        In page order within each kind: other-language text first (the words of one
        piece of text together), then raw-frame marks in tables, then in printed
        outputs; a finding repeated word for word is listed once. Empty for a clean page.

    Examples
    --------
    >>> scan_page("<p>Churn fell to 2%.</p><p lang='ja'>解約率</p>", "en")
    []
    >>> scan_page("<p>解約率が下がりました。</p>", "en")[0].text
    '解約率が下がりました。'
    >>> [f.text for f in scan_page("<p>MRR は cs_smb で増えた (churn rate、ltv)。</p>", "ja")]
    ['churn rate']
    >>> table = ("<table><thead><tr><th></th><th>value</th></tr></thead>"
    ...          "<tbody><tr><th>0</th><td>NaN</td></tr><tr><th>1</th><td>0.218182</td></tr></tbody></table>")
    >>> [(f.kind, f.text) for f in scan_page(table, "en")]
    [('raw_table', '0, 1'), ('raw_table', 'NaN'), ('raw_table', '0.218182')]
    """
    lang = check_lang(lang)
    reader = _Reader(lang)
    reader.feed(html)
    reader.close()
    found = [*_other_language(reader.pieces, lang), *_raw_tables(reader.tables), *_raw_printed(reader.pieces)]
    return list(dict.fromkeys(found))


def format_findings(findings: list[Finding]) -> str:
    """One line per finding, ``kind: text  <-  element`` (for a log or a test's report).

    Examples
    --------
    >>> print(format_findings([Finding("raw_table", "NaN", "2024-02 | 2 | NaN")]))
    raw_table: 'NaN'  <-  2024-02 | 2 | NaN
    """
    return "\n".join(f"{f.kind}: {f.text!r}  <-  {f.element}" for f in findings)
