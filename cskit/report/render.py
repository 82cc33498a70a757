"""One report page: an executed notebook converted to one self-contained, inert HTML file.

The page uses nbconvert's JupyterLab template, extended in
``cskit/templates/cskit_report/notebook.html.j2`` so that nothing is fetched and no
script runs (:data:`CSP`); images are embedded as ``data:`` URIs and the style sheet
is inline. Only the report language's prose cells are kept (:data:`LANG_TAGS`).
Every chart has an alt text in the page's language: its title, which the kernel puts
in the output's metadata (:func:`cskit.notebook.describe_figures`), else the heading
of the section it is in (:func:`add_image_alt`).
Navigation needs no script either: a table of contents built from the page's own
headings (:func:`table_of_contents`), previous/next links between a team's notebooks
and a link to the page in the other language (:meth:`~cskit.report.plan.Job.neighbours`,
:meth:`~cskit.report.plan.Job.other_language`).
:func:`external_references` is the check that a page (or a slide deck) calls out nowhere.
"""
from __future__ import annotations

import html as htmllib
import re
from functools import lru_cache, partial
from pathlib import Path
from typing import TYPE_CHECKING

from ..i18n import t

if TYPE_CHECKING:  # pragma: no cover
    from .plan import Job

__all__ = ["LANG_TAGS", "CSP", "TEMPLATE_DIR", "other_lang_tags", "external_references", "css", "add_image_alt",
           "table_of_contents", "css_string", "render_notebook"]

#: Markdown cell tag of each language; a report or a deck keeps only its language's cells.
LANG_TAGS: dict[str, str] = {"ja": "lang-ja", "en": "lang-en"}

#: The report pages' templates and style sheet (also used by the index pages).
TEMPLATE_DIR = Path(__file__).resolve().parents[1] / "templates" / "cskit_report"

#: Content-Security-Policy of every page: no script, no request; only inline styles
#: and data: images and fonts. A report is read offline and must stay inert.
CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; base-uri 'none'; form-action 'none'"

_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)
_MARKUP = re.compile(r"[*_`]|<[^>]+>")

_HEADING_HTML = re.compile(r'<h([23]) id="([^"]+)">(.*?)</h\1>', re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
#: Where the page template puts the table of contents (filled in after nbconvert).
TOC_MARK = "<!--cskit-toc-->"

_EXTERNAL = re.compile(
    r"""(?:\b(?:src|href|srcset|poster|data|action|formaction|xlink:href)\s*=\s*["']?\s*"""
    r"""|url\(\s*["']?|@import\s+["']?)((?:https?:)?//[^"'\s)>]+)""",
    re.IGNORECASE,
)


def other_lang_tags(lang: str) -> set[str]:
    """Cell tags of the languages other than ``lang`` (those cells are left out).

    Examples
    --------
    >>> other_lang_tags("ja")
    {'lang-en'}
    """
    return {tag for code, tag in LANG_TAGS.items() if code != lang}


def external_references(html: str) -> list[str]:
    """Every ``http(s)://`` or ``//`` URL a page refers to in src/href/url()/@import.

    A report must return an empty list: it is read offline and never calls out.
    XML namespaces (``xmlns="http://..."``) are not loads and are not listed.

    Examples
    --------
    >>> external_references('<img src="https://cdn.example/a.png"><svg xmlns="http://www.w3.org/2000/svg"/>')
    ['https://cdn.example/a.png']
    >>> external_references('<img src="data:image/png;base64,AA==">')
    []
    """
    return _EXTERNAL.findall(html)


def add_image_alt(nb, lang: str, fallback: str) -> int:
    """Give every chart without an alt text the heading of its section, in ``lang``.

    A chart with a title already has its alt text (the kernel adds the title,
    :func:`cskit.notebook.describe_figures`); the others get the last heading of a
    ``lang`` (or untagged) markdown cell above them, or ``fallback`` before any heading.
    The alt text is stored in the output's ``image/png`` metadata, where the page
    template reads it.

    Returns
    -------
    int
        How many images were given an alt text.

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[
    ...     nbformat.v4.new_markdown_cell("## 継続率の推移", metadata={"tags": ["lang-ja"]}),
    ...     nbformat.v4.new_markdown_cell("## Retention over time", metadata={"tags": ["lang-en"]}),
    ...     nbformat.v4.new_code_cell("plot()", outputs=[nbformat.v4.new_output(
    ...         "display_data", data={"image/png": "AA=="})])])
    >>> add_image_alt(nb, "en", "04 Cohorts"), nb.cells[2].outputs[0].metadata["image/png"]["alt"]
    (1, 'Retention over time')
    """
    skipped = other_lang_tags(lang)
    heading, added = fallback, 0
    for cell in nb.cells:
        if cell.cell_type == "markdown" and not skipped & set(cell.get("metadata", {}).get("tags", [])):
            found = _HEADING.findall(cell.source)
            heading = _MARKUP.sub("", found[-1]).strip() if found else heading
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if "image/png" in output.get("data", {}):
                meta = output.setdefault("metadata", {}).setdefault("image/png", {})
                if not meta.get("alt"):
                    meta["alt"], added = heading, added + 1
    return added


def table_of_contents(body: str, title: str) -> str:
    """A ``<nav>`` listing the page's ``h2``/``h3`` headings as links to their anchors ("" if none).

    Sections (``h2``) are numbered; each one's ``h3`` headings are listed under it.

    The anchors are those nbconvert gave the headings; no script is needed, so the
    page's :data:`CSP` stays as it is. Heading text is unescaped from the page and
    escaped again; the heading's own anchor mark is left out.

    Examples
    --------
    >>> page = '<h2 id="MRR-の推移">MRR の推移<a class="anchor-link" href="#MRR-の推移">¶</a></h2>'
    >>> print(table_of_contents(page, "目次"))
    <nav class="cskit-toc" aria-label="目次"><p>目次</p><ol><li class="toc-h2"><a href="#MRR-の推移">MRR の推移</a></li></ol></nav>
    >>> page += '<h3 id="churn">Churn</h3><h2 id="cohorts">Cohorts</h2>'
    >>> print(table_of_contents(page, "Contents").split("<ol>", 1)[1])
    <li class="toc-h2"><a href="#MRR-の推移">MRR の推移</a><ul><li class="toc-h3"><a href="#churn">Churn</a></li></ul></li><li class="toc-h2"><a href="#cohorts">Cohorts</a></li></ol></nav>
    >>> table_of_contents("<p>no heading</p>", "Contents")
    ''
    """
    groups: list[list] = []  # [h2 item, [its h3 items]]: numbers count sections, not subsections
    for level, anchor, inner in _HEADING_HTML.findall(body):
        text = htmllib.unescape(_TAG.sub("", re.sub(r'<a class="anchor-link".*?</a>', "", inner, flags=re.DOTALL))).strip()
        if text:
            href = htmllib.escape("#" + htmllib.unescape(anchor))
            link = f'<a href="{href}">{htmllib.escape(text, quote=False)}</a>'
            if level == "2" or not groups:
                groups.append([f'<li class="toc-h{level}">{link}', []])
            else:
                groups[-1][1].append(f'<li class="toc-h{level}">{link}</li>')
    if not groups:
        return ""
    items = "".join(head + (f'<ul>{"".join(subs)}</ul>' if subs else "") + "</li>" for head, subs in groups)
    label = htmllib.escape(title)
    return f'<nav class="cskit-toc" aria-label="{label}"><p>{label}</p><ol>{items}</ol></nav>'


def css_string(text: str) -> str:
    """``text`` as a quoted CSS string, safe inside a ``<style>`` element.

    Examples
    --------
    >>> print(css_string('SMB "A" </style>'))
    "SMB \\22 A\\22  \\3c /style\\3e "
    """
    return '"' + "".join(f"\\{ord(c):x} " if c in '\\"<>\n\r' else c for c in text) + '"'


@lru_cache(maxsize=1)
def css() -> str:
    """The report style sheet (inlined into every page), with the exercises' (:data:`cskit.exercises.static.CSS`)."""
    from ..exercises.static import CSS as EXERCISES_CSS

    return (TEMPLATE_DIR / "report.css").read_text(encoding="utf-8") + "\n" + EXERCISES_CSS


@lru_cache(maxsize=1)
def _exporter_class():
    """nbconvert's HTML exporter, keeping a prose cell's inline HTML as it is written.

    To embed images, nbconvert parses every inline HTML tag of a markdown cell on its
    own, which closes ``<span lang="en">`` before the words it marks. Here only inline
    HTML that holds an image is parsed; the rest (a ``lang`` span) stays as written.
    """
    from jinja2 import pass_context
    from nbconvert import HTMLExporter
    from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath

    class Renderer(IPythonRenderer):
        def inline_html(self, html: str) -> str:
            return super().inline_html(html) if "<img" in html.lower() else html

    class Exporter(HTMLExporter):
        @pass_context
        def markdown2html(self, context, source):
            cell = context.get("cell", {})
            path = context.get("resources", {}).get("metadata", {}).get("path", "")
            renderer = Renderer(escape=False, attachments=cell.get("attachments", {}), embed_images=self.embed_images,
                                path=path, anchor_link_text=self.anchor_link_text,
                                exclude_anchor_links=self.exclude_anchor_links, **self.lexer_options)
            return MarkdownWithMath(renderer=renderer).render(source)

    return Exporter


@lru_cache(maxsize=8)
def _exporter(lang: str, show_code: bool):
    """An HTML exporter with the offline template, keeping only ``lang``'s prose cells."""
    from nbconvert.preprocessors import TagRemovePreprocessor

    exporter = _exporter_class()(
        template_name="lab",
        extra_template_paths=[str(TEMPLATE_DIR)],
        template_file="notebook.html.j2",
        exclude_input=not show_code,
        exclude_input_prompt=not show_code,
        exclude_output_prompt=not show_code,
        embed_images=True,
        language_code=lang,
    )
    remove = TagRemovePreprocessor(remove_cell_tags=other_lang_tags(lang), enabled=True)
    exporter.register_preprocessor(remove, enabled=True)
    exporter.register_preprocessor(partial(_alt_texts, lang), enabled=True)
    exporter.register_preprocessor(partial(_glossary_links, lang), enabled=True)
    return exporter


def _alt_texts(lang: str, nb, resources: dict):
    """Preprocessor step (on nbconvert's copy of the notebook): :func:`add_image_alt`."""
    add_image_alt(nb, lang, resources["cskit"]["notebook_title"])
    return nb, resources


def _glossary_links(lang: str, nb, resources: dict):
    """Preprocessor step: link each glossary term's first use in the page's prose (:mod:`.terms`)."""
    from .terms import glossary_terms, link_first_uses

    terms, seen = glossary_terms(lang), set()
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = link_first_uses(cell.source, terms, lang, seen)
    return nb, resources


def render_notebook(nb, job: Job, failure: dict | None = None) -> str:
    """Convert an (executed) notebook to one self-contained HTML page.

    ``failure`` (``{"ename", "evalue", "path"}``) adds a banner saying the notebook
    failed and why; all of it is escaped by the template.
    """
    lang = job.settings.lang
    header = job.header
    cskit_resources = dict(header, lang=lang, css=css(), csp=CSP, back=t("report.back_to_team", lang),
                           neighbours=job.neighbours(), other_lang=job.other_language(),
                           other_lang_label=t("report.nav_other_lang", lang),
                           print_header=css_string(f"{header['team_name']} · {header['notebook_title']} · {header['as_of']}"))
    if failure is not None:
        cskit_resources["failure"] = {
            "title": t("report.failed_title", lang),
            "ename": failure["ename"],
            "evalue": failure["evalue"],
            "hint": t("report.failed_hint", lang, path=failure.get("path") or "-"),
        }
    resources = {
        "metadata": {"name": f"{header['team_name']} · {header['notebook_title']}", "path": job.cwd},
        "cskit": cskit_resources,
    }
    body, _ = _exporter(lang, job.settings.show_code).from_notebook_node(nb, resources=resources)
    return body.replace(TOC_MARK, table_of_contents(body, t("report.toc_title", lang)), 1)
